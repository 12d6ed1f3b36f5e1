#!/bin/sh
# e2e_pg_queues.sh POSSUM SOURCE_DIR — two `possum host` processes on one PostgreSQL share the
# texts' outbox (docs/scaling.md "Shared queues"), on a throwaway server (tests/pg.sh): 40
# purchases' texts are left in the outbox by a host that looks at it once an hour, then two
# hosts drain it, each posting to its own path of a slow webhook (0.1 s a text, [notify]
# timeout 2: a claim lasts 4 s; batch 4: a round claims 4). Every text is delivered, both hosts post some; one host is
# killed (kill -9) mid-way and the other delivers the rest. No text is posted twice but those
# the killed host had posted without recording them (delivery is at least once: its last round
# at most). Prints one line of figures.
possum=$1
src=$2
. "$src/tests/lib.sh"
. "$src/tests/pg.sh"
for c in python3 jq; do
	command -v $c >/dev/null 2>&1 || skip "$c is needed"
done
[ -x "$(dirname "$possum")/test_pg_engine" ] || skip "possum built without libpq"
pg_start || skip "$pg_why"
N=40
mid=898310048120001

# The webhook: each POST's path and text id a line of $tmp/hooks, answered 200 after 0.1 s.
cat >"$tmp/hook.py" <<'EOF'
import http.server, json, sys, time
class H(http.server.BaseHTTPRequestHandler):
    def do_POST(self):
        body = json.loads(self.rfile.read(int(self.headers["Content-Length"])))
        time.sleep(0.1)
        with open(sys.argv[1], "a") as f:
            f.write("%s %d\n" % (self.path, body["id"]))
        self.send_response(200)
        self.end_headers()
    def log_message(self, *a):
        pass
s = http.server.HTTPServer(("127.0.0.1", 0), H)
open(sys.argv[2], "w").write(str(s.server_address[1]))
s.serve_forever()
EOF
python3 "$tmp/hook.py" "$tmp/hooks" "$tmp/hook.port" &
also_kill="$!"
i=0
while [ ! -s "$tmp/hook.port" ] && [ $i -lt 100 ]; do sleep 0.05; i=$((i + 1)); done
hook=http://127.0.0.1:$(cat "$tmp/hook.port")
touch "$tmp/hooks"

# conf NAME INTERVAL: $tmp/NAME.conf, the store's, posting to the webhook's path /NAME.
conf() {
	pg_store_conf "$tmp/$1.conf"
	printf '[issuer]\nbin = 62258801 debit\ndaily_count_limit = 0\n[risk]\nrules = none\n' >>"$tmp/$1.conf"
	printf '[notify]\nsink = webhook\nwebhook = %s/%s\ntimeout = 2\ninterval = %s\nbatch = 4\n' \
		"$hook" "$1" "$2" >>"$tmp/$1.conf"
}
conf pay 3600
conf a 1
conf b 1
export POSSUM_CONFIG=$tmp/pay.conf

# host NAME: `possum host` on $tmp/NAME under $tmp/NAME.conf, listening; its pid in pid_NAME,
# its terminal port in port_NAME.
host() {
	POSSUM_CONFIG=$tmp/$1.conf "$possum" host --data "$tmp/$1" --port 0 --api-port 0 \
		--terminal-port 0 >"$tmp/$1.out" 2>"$tmp/$1.log" &
	eval "pid_$1=$!"
	also_kill="$also_kill $!"
	wait_ports "$tmp/$1" $!
	eval "port_$1=$(sed -n 's/^acquirer=//p' "$tmp/$1/host.ports")"
}

# The purchases, through a host that looks at the outbox once an hour (at its start: empty).
"$possum" admin merchant add --data "$tmp/pay" --name "Possum Cafe" --mcc 5812 --mid $mid >/dev/null ||
	bad "merchant add"
comp=$("$possum" admin terminal add --data "$tmp/pay" --merchant $mid --sn SNQUEUE1 --tid QUEUE001 --json |
	grep -o '"component":"[0-9A-F]*","kcv":"[0-9A-F]*"' |
	sed 's/"component":"\([0-9A-F]*\)","kcv":"\([0-9A-F]*\)"/\1:\2/' | paste -sd, -)
"$possum" admin card issue --data "$tmp/pay" --product debit --holder "Zhang San" \
	--id-number 110101199003070000 --phone 13800000000 --pin 123456 --balance 1000.00 \
	--out "$tmp/card.json" >/dev/null || bad "card issued"
for d in a b; do mkdir -p "$tmp/$d" && cp "$tmp/pay/lmk" "$tmp/$d/lmk"; done
host pay
t() { "$possum" term "$@" --data "$tmp/t" --json --timeout 5; }
t init --host "127.0.0.1:$port_pay" --tid QUEUE001 --mid $mid --sn SNQUEUE1 \
	--tmk-components "$comp" >/dev/null 2>&1
expect 0 "the terminal signs in" -- t signin
paid=0
for i in $(seq $N); do
	t purchase --card "$tmp/card.json" --pin 123456 --amount 1.00 >/dev/null 2>&1 && paid=$((paid + 1))
done
[ $paid = $N ] && ok || bad "$paid of $N purchases approved"
kill "$pid_pay" && wait "$pid_pay" 2>/dev/null
pending() { pg_sql "SELECT count(*) FROM notify_outbox WHERE state = 1"; }
[ "$(pending)" = $N ] && ok || bad "$(pending) texts pending, not $N"
[ -s "$tmp/hooks" ] && bad "texts posted before the drain: $(wc -l <"$tmp/hooks")" || ok

# The drain: two hosts; once a quarter is posted, one is killed.
host a
host b
i=0
while [ "$(wc -l <"$tmp/hooks")" -lt $((N / 4)) ] && [ $i -lt 300 ]; do sleep 0.1; i=$((i + 1)); done
kill -9 "$pid_a"
killed_at=$(wc -l <"$tmp/hooks")
i=0
while [ "$(pending)" != 0 ] && [ $i -lt 60 ]; do sleep 1; i=$((i + 1)); done
[ "$(pending)" = 0 ] && ok || bad "$(pending) texts still pending $i s after the kill"
kill -0 "$pid_b" && ok || bad "host b died: $(tail -3 "$tmp/b.log")"

posted_a=$(grep -c '^/a ' "$tmp/hooks")
posted_b=$(grep -c '^/b ' "$tmp/hooks")
ids=$(awk '{print $2}' "$tmp/hooks" | sort -u | wc -l)
[ "$ids" = $N ] && ok || bad "$ids distinct texts posted, not $N"
[ "$posted_a" -gt 0 ] && [ "$posted_b" -gt 0 ] && ok ||
	bad "not both hosts posted: a $posted_a, b $posted_b"
# A text posted twice: by a first (killed before recording it), then by b once its claim ran out.
twice=$(awk '{print $2}' "$tmp/hooks" | sort | uniq -d)
for id in $twice; do
	first=$(awk -v id="$id" '$2 == id {print $1; exit}' "$tmp/hooks")
	[ "$first" = /a ] && [ "$(grep -c " $id\$" "$tmp/hooks")" = 2 ] && ok ||
		bad "text $id posted twice but not a's then b's: $(grep " $id\$" "$tmp/hooks" | paste -sd' ' -)"
done
[ "$(pg_sql "SELECT count(*) FROM notify_outbox WHERE state = 2")" = $N ] && ok ||
	bad "not every text delivered: $(pg_sql "SELECT state, count(*) FROM notify_outbox GROUP BY state")"
[ "$(pg_sql "SELECT count(*) FROM leases WHERE name IN ('notify', 'saf')")" = 0 ] && ok ||
	bad "a queue's lease was taken"

echo "pg queues: $N texts drained by two hosts: a posted $posted_a (killed after $killed_at posted in all), b $posted_b; $(echo $twice | wc -w) posted twice (a's unrecorded last round)"
finish
