#!/bin/sh
# e2e_link_status.sh — `possum admin link status` (docs/links.md "Watching the links") against a
# real `possum host` routing a range to [link.far], whose port nobody listens on: "no links"
# without any link; the host not running said, exit 1; after 2 s the link down, its
# connections waiting or connecting with failures counted; the --json shape (jq); a
# store-and-forward entry counted; GET /api/v1/links the same document; the host stopped, and a
# status file gone stale, said with exit 1; bad usage 2; --help matching the options.
possum=$1
. "$2/tests/lib.sh"

for tool in jq python3 sqlite3; do
	command -v $tool >/dev/null 2>&1 || { echo "e2e_link_status: $tool is needed (scripts/bootstrap installs it)" >&2; exit 1; }
done

data=$tmp/data
status() { "$possum" admin link status --data "$data" "$@"; }
# A port nobody listens on: one the kernel gave and took back.
far_port=$(python3 -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])')

sed -e 's/^port *=.*/port = 0/' "$2/etc/possum.conf" >"$tmp/plain.conf"
export POSSUM_CONFIG=$tmp/plain.conf
expect 0 "a merchant (the data directory made)" -- "$possum" admin merchant add --data "$data" \
	--name "Link Cafe" --mcc 5812 --mid 898310057990004
expect 0 "no links configured" -- status
if [ "$(cat "$tmp/out")" = "no links" ]; then ok; else bad "no links: $(cat "$tmp/out")"; fi
expect 0 "no links --json" -- status --json
if [ "$(cat "$tmp/out")" = '{"updated_at":null,"items":[],"next":null}' ]; then ok; else bad "no links --json: $(cat "$tmp/out")"; fi

cp "$tmp/plain.conf" "$tmp/possum.conf"
printf '\n[route]\nroute = 621234 far\n\n[link.far]\nhost = 127.0.0.1\nport = %s\ndialect = iso87a-bb\nconnections = 2\ntimeout = 1\n' \
	"$far_port" >>"$tmp/possum.conf"
export POSSUM_CONFIG=$tmp/possum.conf
expect 1 "the host not started" -- status
err_has "the host is not running, or has not written its status (no .*links.json)"

start_host "$data"
sleep 2
expect 0 "the link down" -- status --json
cp "$tmp/out" "$tmp/status.json"
# The document's shape: its keys in order, the link's, each connection's, the queue's.
shape=$(jq -c '[keys_unsorted, (.items[0] | keys_unsorted), (.items[0].connections[0] | keys_unsorted), (.items[0].saf | keys_unsorted)]' "$tmp/status.json")
want='[["updated_at","items","next"],["name","host","port","dialect","binary","state","connections","signed_on","in_flight","sent","answered","timed_out","down","late","unmatched","echoes","reconnects","last_echo","saf"],["state","failures","since"],["pending","refused","expired"]]'
if [ "$shape" = "$want" ]; then ok; else bad "the shape: $shape"; fi
if jq -e '.items | length == 1' "$tmp/status.json" >/dev/null &&
	jq -e --argjson p "$far_port" '.items[0] | .name == "far" and .port == $p and .dialect == "iso87a-bb" and .binary == "raw" and .state == "down" and .signed_on == 0 and .last_echo == null' "$tmp/status.json" >/dev/null; then ok; else bad "the link: $(cat "$tmp/status.json")"; fi
if jq -e '.items[0].connections | length == 2 and all(.state == "waiting" or .state == "connecting")' "$tmp/status.json" >/dev/null; then ok; else bad "connections: $(cat "$tmp/status.json")"; fi
failures=$(jq '[.items[0].connections[].failures] | add' "$tmp/status.json")
if [ "$failures" -gt 0 ]; then ok; else bad "no connect failure counted: $(cat "$tmp/status.json")"; fi
if jq -e '.updated_at | test("^20[0-9-]{8}T[0-9:]{8}\\+08:00$")' "$tmp/status.json" >/dev/null; then ok; else bad "updated_at: $(cat "$tmp/status.json")"; fi
python3 - "$tmp/status.json" <<'PY' && ok || bad "python3 reads another shape"
import json, sys
d = json.load(open(sys.argv[1]))
link = d["items"][0]
assert d["next"] is None and isinstance(d["updated_at"], str)
assert all(isinstance(link[k], int) for k in ("signed_on", "in_flight", "sent", "answered",
           "timed_out", "down", "late", "unmatched", "echoes", "reconnects"))
assert link["saf"] == {"pending": 0, "refused": 0, "expired": 0}
PY

expect 0 "the table" -- status
out_has "^NAME  *STATE  *UP/CONNS  *IN-FLIGHT  *SENT  *ANSWERED  *TIMED-OUT  *LATE  *UNMATCHED  *LAST-ECHO  *SAF-PENDING$"
out_has "^far  *down  *0/2  *0  *0  *0  *0  *0  *0  *-  *0$"

# A reversal owed to far, and one done, as the engine queues them.
db_sql "$data" "INSERT INTO saf_queue (link, kind, txn_id, rrn, state, attempts,
	next_at, last_rc, created_at, updated_at) VALUES
	('far', 'reversal', 11, '000000000011', 'pending', 2, 1800000020, '96', 1800000000, 1800000010),
	('far', 'reversal', 12, '000000000012', 'done', 1, 1800000000, '00', 1800000000, 1800000001),
	('gone', 'advice', 13, '000000000013', 'refused', 1, 1800000000, '05', 1800000000, 1800000001)" ||
	bad "saf_queue insert"
expect 0 "the queue counted" -- status --json
if [ "$(jq -c '.items[0].saf' "$tmp/out")" = '{"pending":1,"refused":0,"expired":0}' ]; then ok; else bad "saf: $(cat "$tmp/out")"; fi
cp "$tmp/out" "$tmp/cli.json"
expect 0 "the table's queue" -- status
out_has "^far  *down  *0/2 .* 1$"

if command -v curl >/dev/null 2>&1 && [ -n "$api" ]; then
	expect 0 "operator token" -- "$possum" admin token create --data "$data" --role operator --json
	tok=$(jq -r .token "$tmp/out")
	curl -s -H "Authorization: Bearer $tok" "http://127.0.0.1:$api/api/v1/links" >"$tmp/api.json"
	if [ "$(jq -c 'del(.updated_at, .items[].connections)' "$tmp/api.json")" = "$(jq -c 'del(.updated_at, .items[].connections)' "$tmp/cli.json")" ]; then ok; else bad "the API's links and the CLI's differ: $(cat "$tmp/api.json") / $(cat "$tmp/cli.json")"; fi
	expect 0 "a merchant's token" -- "$possum" admin token create --data "$data" --role merchant --merchant 898310057990004 --json
	mtok=$(jq -r .token "$tmp/out")
	code=$(curl -s -o /dev/null -w '%{http_code}' -H "Authorization: Bearer $mtok" "http://127.0.0.1:$api/api/v1/links")
	if [ "$code" = 403 ]; then ok; else bad "a merchant's GET /api/v1/links: $code"; fi
else
	echo "e2e_link_status: no curl or no API: GET /api/v1/links not tried"
fi

kill "$host_pid"
wait "$host_pid" 2>/dev/null
expect 1 "the host stopped" -- status
err_has "the host is not running, or has not written its status (no .*links.json)"
expect 1 "the host stopped --json" -- status --json
out_empty "the host stopped --json"

# A host killed outright leaves its last status, which goes stale.
cp "$tmp/status.json" "$data/links.json"
touch -d '@1767225600' "$data/links.json"
expect 1 "a stale status" -- status
err_has "the host is not running, or has not written its status since 2026-01-01 08:00:00"

expect 2 "an operand" -- status far
expect 2 "an unknown option" -- status --link far
expect 0 "--help" -- "$possum" admin link status --help
for opt in --config --data --json; do out_has "$opt"; done

echo "link status: down link seen after 2 s, connect failures $failures, shape checked, saf pending 1, host stopped and stale said (exit 1)"
finish
