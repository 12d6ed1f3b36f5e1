#!/bin/sh
# e2e_ops.sh — the operations console's API (docs/api.md "Operations") with curl against a real
# host: the live figures and the declines after a purchase approved and one declined (a wrong
# PIN, 55), the settlement runs, a day's reconciliation, the payouts, the audit log and the cards
# by their last 4 digits — each read by an operator and an auditor, and refused a merchant (403).
possum=$1
. "$2/tests/lib.sh"

command -v curl >/dev/null 2>&1 || { echo "e2e_ops: curl is needed (scripts/bootstrap installs it)" >&2; exit 1; }

data=$tmp/host
st=$tmp/term
sed -e 's/^port *=.*/port = 0/' "$2/etc/possum.conf" >"$tmp/possum.conf"
export POSSUM_CONFIG=$tmp/possum.conf
A=898310048120001

"$possum" admin merchant add --data "$data" --name "Possum Cafe" --mcc 5812 --mid $A >/dev/null
token_of() { sed -n 's/.*"token":"\([0-9A-F]*\)".*/\1/p' "$tmp/out"; }
expect 0 "token: operator" -- "$possum" admin token create --data "$data" --role operator --json
op=$(token_of)
expect 0 "token: auditor" -- "$possum" admin token create --data "$data" --role auditor --json
aud=$(token_of)
expect 0 "token: merchant" -- "$possum" admin token create --data "$data" --role merchant --merchant $A --json
ma=$(token_of)

"$possum" host --data "$data" --port 0 >"$tmp/host.out" 2>"$tmp/host.log" &
host_pid=$!
trap 'kill $host_pid 2>/dev/null; wait $host_pid 2>/dev/null; rm -rf "$tmp"' EXIT
wait_ports "$data" $host_pid
api=$(sed -n 's/^api=//p' "$data/host.ports" 2>/dev/null)
acq=$(sed -n 's/^acquirer=//p' "$data/host.ports" 2>/dev/null)
if [ -n "$api" ] && [ "$api" -gt 0 ]; then ok; else bad "no api port: $(cat "$tmp/host.log")"; finish; exit; fi

"$possum" admin card issue --data "$data" --product debit --holder "Zhang San" \
	--id-number 110101199003070000 --phone 13800000000 --pin 123456 --balance 1000.00 --out "$tmp/card.json" >/dev/null
last4=$(sed -n 's/.*"pan": *"[0-9]*\([0-9]\{4\}\)".*/\1/p' "$tmp/card.json")
"$possum" admin terminal add --data "$data" --merchant $A --sn SNOPS1 --tid TERMOPS1 --json >"$tmp/tadd.json"
comps=$(grep -o '"component":"[0-9A-F]*","kcv":"[0-9A-F]*"' "$tmp/tadd.json" |
	sed 's/"component":"\([0-9A-F]*\)","kcv":"\([0-9A-F]*\)"/\1:\2/' | paste -sd, -)
run "$possum" term init --state "$st" --host "127.0.0.1:$acq" --tid TERMOPS1 --mid $A --sn SNOPS1 --tmk-components "$comps"
run "$possum" term signin --state "$st"
expect 0 "a purchase approved" -- "$possum" term purchase --state "$st" --card "$tmp/card.json" --pin 123456 --amount 12.34 --json
"$possum" term purchase --state "$st" --card "$tmp/card.json" --pin 999999 --amount 1.00 --json >"$tmp/out" 2>&1
out_has '"rc":"55"'

# api METHOD PATH TOKEN: the body in $tmp/out, the status in $code.
api() {
	code=$(curl -s -o "$tmp/out" -w '%{http_code}' -X "$1" ${3:+-H "Authorization: Bearer $3"} "http://127.0.0.1:$api$2")
}
status() { # WANT WHAT
	if [ "$code" = "$1" ]; then ok; else bad "$2: HTTP $code, expected $1: $(head -c 300 "$tmp/out")"; fi
}

api GET "/api/v1/ops/live?seconds=120" "$op"
status 200 "live"
out_has '^{"items":\[{"at":"[^"]*","requests":[0-9]*,"approved":[0-9]*,"rate":'
out_has '"next":null,"seconds":120,"from":"[^"]*","to":"[^"]*","requests":2,"approved":1,"rate":0.5'
n=$(grep -o '"at":' "$tmp/out" | wc -l)
if [ "$n" -eq 120 ]; then ok; else bad "live: $n seconds, not 120"; fi
api GET "/api/v1/ops/live?seconds=0" "$op"
status 400 "live: 0 seconds"
out_has '"field":"seconds"'

api GET "/api/v1/ops/declines" "$aud"
status 200 "declines"
out_has '"items":\[{"rc":"55","count":1,"category":"issuer","action":"none","en":"[^"]*","zh":"[^"]*"}\]'
out_has '"requests":2,"approved":1,"rate":0.5'
api GET "/api/v1/ops/declines?from=2999-01-01" "$op"
status 400 "declines: from after to"
api GET "/api/v1/ops/declines?from=tomorrowish" "$op"
status 400 "declines: a bad from"
out_has '"field":"from"'

api GET "/api/v1/settle/days" "$op"
status 200 "settlement runs"
out_has '^{"items":\[[^]]*\],"next":null}$'
api GET "/api/v1/settle/days?after=2026-13-01" "$op"
status 400 "settlement runs: a bad date"
today=$(date -u +%Y-%m-%d)
api GET "/api/v1/settle/reconcile/$today" "$op"
status 200 "reconciliation"
out_has "^{\"date\":\"$today\",\"items\":\[.*\],\"next\":null,\"counts\":{.*\"all\":[0-9]*}}$"
api GET "/api/v1/settle/reconcile/someday" "$op"
status 400 "reconciliation: not a date"
api GET "/api/v1/payouts?date=$today" "$aud"
status 200 "payouts"
out_has '^{"items":\[\],"next":null}$'
api GET "/api/v1/payouts?date=x" "$op"
status 400 "payouts: not a date"

api GET "/api/v1/audit?limit=1" "$op"
status 200 "audit, a page"
out_has '^{"items":\[{"id":1,"at":"[^"]*","actor":"cli:[^"]*","action":"[^"]*","object":"[^"]*","before":'
out_has '"next":1}$'
api GET "/api/v1/audit?limit=1&after=1" "$aud"
status 200 "audit, its next page"
out_has '^{"items":\[{"id":2,'
api GET "/api/v1/audit?object=terminal:TERMOPS1&from=today" "$op"
status 200 "audit of a terminal"
out_has '"action":"terminal.register","object":"terminal:TERMOPS1"'
api GET "/api/v1/audit?actor=nobody" "$op"
status 200 "audit, nobody's"
out_has '^{"items":\[\],"next":null}$'

api GET "/api/v1/cards?last4=$last4" "$op"
status 200 "cards by last 4"
out_has "^{\"items\":\[{\"id\":1,\"card\":\"622588\*\**$last4\",\"holder\":\"Zhang San\",\"status\":\"active\",\"expiry\":\"[0-9]*\",\"auth\":{\"state\":\"NONE\",\"reason\":null}}\],\"next\":null}$"
api GET "/api/v1/cards?last4=12" "$op"
status 400 "cards: not 4 digits"

for p in /api/v1/ops/live /api/v1/ops/declines /api/v1/settle/days "/api/v1/settle/reconcile/$today" \
	/api/v1/payouts /api/v1/audit "/api/v1/cards?last4=$last4"; do
	api GET "$p" "$ma"
	status 403 "a merchant reading $p"
done
api GET /api/v1/ops/live ""
status 401 "live without a token"

kill -TERM $host_pid
wait $host_pid
if [ $? -eq 0 ]; then ok; else bad "host did not stop cleanly"; fi
finish
