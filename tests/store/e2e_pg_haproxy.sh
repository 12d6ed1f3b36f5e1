#!/bin/sh
# e2e_pg_haproxy.sh POSSUM SOURCE_DIR — several hosts behind a load balancer, as
# docs/scaling.md ("Deploying several hosts") says to run them: a throwaway PostgreSQL
# (tests/pg.sh), two `possum host` processes on it (two data directories, one LMK, one store),
# and HAProxy in front with the documents' example configuration, taken from docs/scaling.md as
# written but for its addresses and ports. A terminal signs in and buys through HAProxy: both
# hosts serve (each one's possum_transactions_total); then host A is killed (kill -9) and the
# purchases go on through HAProxy to B, every one approved once HAProxy has marked A down, and
# every approval the terminal saw is in the database once. Prints one line of figures.
# Skipped (77) without Debian's postgresql or haproxy package.
possum=$1
src=$2
. "$src/tests/lib.sh"
. "$src/tests/pg.sh"

command -v haproxy >/dev/null 2>&1 || skip "haproxy not installed (Debian's haproxy package)"
command -v curl >/dev/null 2>&1 || skip "curl not installed"
pg_start || skip "$pg_why"

conf=$tmp/possum.conf
pg_store_conf "$conf"
printf '[issuer]\nbin = 62258801 debit\ndaily_count_limit = 0\n[risk]\nrules = none\n' >>"$conf"
export POSSUM_CONFIG=$conf
a=$tmp/a b=$tmp/b
data=$a
comps=$(register_terminal "$possum" "$a")
issue_card "$tmp/card.json" 100000.00
# The hosts share the store and the LMK; each has its own directory for its ports and logs.
mkdir -m 700 "$b" && cp "$a/lmk" "$b/lmk"

# start DATA: a host on DATA on free ports, its pid in $started.
start() {
	"$possum" host --data "$1" --port 0 --api-port 0 --terminal-port 0 >"$1.out" 2>"$1.log" &
	started=$!
	wait_ports "$1" $started
	[ -s "$1/host.ports" ] || { echo "FAIL: the host on $1 did not start: $(tail -3 "$1.log")"; exit 1; }
}
start "$a"
pid_a=$started
start "$b"
pid_b=$started
also_kill="$pid_a $pid_b"
trap on_exit EXIT
port_of() { sed -n "s/^$2=//p" "$1/host.ports"; }

# HAProxy with the documents' configuration: the block after "This is the example".
awk '/This is the example/ { f = 1 } f && /^```text$/ { p = 1; next } p && /^```$/ { exit } p' \
	"$src/docs/scaling.md" >"$tmp/doc.cfg"
grep -q '^backend possum' "$tmp/doc.cfg" && ok || bad "no HAProxy example in docs/scaling.md"
hp=$(python3 -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])')
sed -e "s|bind :5000|bind 127.0.0.1:$hp|" \
	-e "s|server host-a 10.0.0.11:5000 check port 8080|server host-a 127.0.0.1:$(port_of "$a" acquirer) check port $(port_of "$a" api)|" \
	-e "s|server host-b 10.0.0.12:5000 check port 8080|server host-b 127.0.0.1:$(port_of "$b" acquirer) check port $(port_of "$b" api)|" \
	"$tmp/doc.cfg" >"$tmp/haproxy.cfg"
grep -c '127.0.0.1' "$tmp/haproxy.cfg" | grep -qx 3 && ok || bad "the example's addresses not all replaced"
if haproxy -c -q -f "$tmp/haproxy.cfg" >"$tmp/hcheck" 2>&1; then ok; else bad "haproxy -c: $(cat "$tmp/hcheck")"; fi
haproxy -db -f "$tmp/haproxy.cfg" >"$tmp/haproxy.log" 2>&1 &
also_kill="$also_kill $!"
# Both servers up (two checks passed: rise 2, inter 1s).
sleep 3

# purchases N OUT: N purchases of 1.00 through HAProxy, each's JSON line (or its failure's)
# appended to OUT.
purchases() {
	for _i in $(seq "$1"); do
		"$possum" term purchase --state "$tmp/t" --card "$tmp/card.json" --pin 123456 \
			--amount 1.00 --json --timeout 3 >"$tmp/one" 2>"$tmp/one.err"
		if grep -q '"rc"' "$tmp/one"; then cat "$tmp/one" >>"$2"; else echo '{"rc":"none"}' >>"$2"; fi
	done
}
served() { curl -s "http://127.0.0.1:$(port_of "$1" api)/metrics" | awk '/^possum_transactions_total/ { n += $2 } END { print n + 0 }'; }

"$possum" term init --state "$tmp/t" --host "127.0.0.1:$hp" --tid TERM0001 \
	--mid 898310048120001 --sn SN0001 --tmk-components "$comps" >/dev/null 2>&1
expect 0 "sign-in through HAProxy" -- "$possum" term signin --state "$tmp/t"
purchases 20 "$tmp/both"
n=$(grep -c '"rc":"00"' "$tmp/both")
[ "$n" -eq 20 ] && ok || bad "$n of 20 purchases through HAProxy approved: $(grep -v '"rc":"00"' "$tmp/both" | head -2)"
sa=$(served "$a") sb=$(served "$b")
[ "$sa" -gt 0 ] && [ "$sb" -gt 0 ] && ok || bad "one host served all: A $sa, B $sb"

# Host A killed; HAProxy marks it down within fall 2 × inter 1s; every purchase after is B's.
kill -9 "$pid_a"
wait "$pid_a" 2>/dev/null
sleep 3
grep -q 'host-a is DOWN' "$tmp/haproxy.log" && ok || bad "HAProxy did not mark host A down: $(tail -3 "$tmp/haproxy.log")"
purchases 20 "$tmp/after"
after=$(grep -c '"rc":"00"' "$tmp/after")
[ "$after" -eq 20 ] && ok || bad "$after of 20 purchases approved after host A died: $(grep -v '"rc":"00"' "$tmp/after" | head -2)"
kill -0 "$pid_b" 2>/dev/null && ok || bad "host B died"

# Every approval the terminal saw is one approved row of the shared database.
cat "$tmp/both" "$tmp/after" >"$tmp/all"
pg_missing TERM0001 "$tmp/all" >"$tmp/lost"
lost=$(wc -l <"$tmp/lost")
[ "$lost" -eq 0 ] && ok || bad "$lost approvals not in the database once (STANs $(paste -sd' ' "$tmp/lost"))"
dups=$(pg_sql "SELECT count(*) FROM (SELECT rrn FROM acq_txns GROUP BY rrn HAVING count(*) > 1) d")
[ "$dups" = 0 ] && ok || bad "$dups RRNs given twice"

echo "haproxy: 2 hosts on one PostgreSQL behind HAProxy (the documents' configuration): $n of 20 approved (A served $sa, B $sb); A killed, marked down, $after of 20 approved through B; approvals missing from the database $lost, RRNs given twice $dups"
finish
