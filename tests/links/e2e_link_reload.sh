#!/bin/sh
# e2e_link_reload.sh POSSUM SOURCE_DIR — the routing table reloaded under load without a lost
# request (docs/links.md "Reloading the table"): `possum load` drives host A's terminals with a
# card of host B's range (62258801) for 10 s while the test sends A SIGHUP every second or so,
# its [route] table changed in turn: the range to [link.b] (B), to `local` (A's own issuer does
# not hold that BIN: 15), to [link.b2] (a second link to the same B). Every request the load
# sent was answered (none timed out, no error), no reversal was needed, and every approval B
# made reached its terminal.
possum=$1
top=$2
. "$2/tests/lib.sh"
. "$top/scripts/acquirer.sh"
. "$top/tests/links/twohosts.sh"

th_issuer b 62258801 iso87a raw 100000.00
th_start b
th_acquirer_conf
th_link b "$b_port" iso87a raw "$b_zpk" 10
th_link b2 "$b_port" iso87a raw "$b_zpk" 10
cp "$tmp/a.conf" "$tmp/a.base"
# table DEST: A's configuration with the range routed to DEST, replaced whole (a rename: the
# host never reads half a file).
table() {
	{
		cat "$tmp/a.base"
		printf '[route]\nroute = 621234 local\nroute = 62258801 %s\n' "$1"
	} >"$tmp/a.next"
	mv "$tmp/a.next" "$tmp/a.conf"
}
table b
th_acquirer_start
link_wait_up 0 b && link_wait_up 0 b2 && ok ||
	bad "the links never came up: $(grep '"event":"link_' "$tmp/host.log" | tail -3)"
load_terminals 898310048120001 LOAD000 4

"$possum" load --host "127.0.0.1:$port" --terminals-file "$tmp/terminals" --data "$tmp/terms" \
	--card "$tmp/b.card" --pin 123456 --amount 1.00 --duration 10 --journal "$tmp/journal" \
	--json >"$tmp/load.out" 2>"$tmp/load.err" &
load_pid=$!
also_kill="$also_kill $load_pid"
hups=0
for dest in local b2 b local b2 b local b; do
	sleep 1.1
	table "$dest"
	kill -HUP "$host_pid" && hups=$((hups + 1))
done
wait $load_pid
load_rc=$?
load_pid=

# Every SIGHUP read: a routes line each, none refused.
grep -c '"event":"routes"' "$tmp/host.log" | grep -qx "$hups" && ok ||
	bad "$hups SIGHUPs, $(grep -c '"event":"routes"' "$tmp/host.log") routes lines"
if grep -q routes_reload_failed "$tmp/host.log"; then
	bad "a reload refused: $(grep routes_reload_failed "$tmp/host.log")"
else ok; fi
# load's exit 1 says more than half declined (the local table's 15s): its figures are read here.
[ "$load_rc" -le 1 ] && ok || bad "possum load: $load_rc: $(cat "$tmp/load.err")"
answered=$(jq -r .answered "$tmp/load.out")
errors=$(jq -r .errors_total "$tmp/load.out")
sent=$(grep -c '"kind":"purchase"' "$tmp/journal")
got=$(grep '"kind":"purchase"' "$tmp/journal" | grep -vc '"rc":""')
approved=$(grep '"kind":"purchase"' "$tmp/journal" | grep -c '"rc":"00"')
no_route=$(grep '"kind":"purchase"' "$tmp/journal" | grep -c '"rc":"15"')
other=$((got - approved - no_route))
[ "$sent" -gt 0 ] && [ "$sent" = "$got" ] && [ "$got" = "$answered" ] && ok ||
	bad "sent $sent, answered $got (load says $answered): $(cat "$tmp/load.out")"
[ "$errors" = 0 ] && ok || bad "load's errors: $(jq -c .errors "$tmp/load.out")"
[ "$other" = 0 ] && ok || bad "$other answers neither 00 nor 15: $(jq -c .declined "$tmp/load.out")"
[ "$approved" -gt 0 ] && [ "$no_route" -gt 0 ] && ok || bad "approved $approved, 15 $no_route: not every table in force"
jq -e '.reversals_delivered == 0 and .reversals_pending == 0' "$tmp/load.out" >/dev/null && ok ||
	bad "reversals: $(cat "$tmp/load.out")"
# Both links carried some, and B approved exactly what the terminals were told was approved.
for l in b b2; do
	grep '"event":"transaction"' "$tmp/host.log" | grep -q "\"route\":\"$l\"" && ok || bad "nothing went over $l"
done
b_approved=$(th_decisions b purchase | tr ' ' '\n' | grep -c '^00/')
[ "$b_approved" = "$approved" ] && ok || bad "B approved $b_approved, the terminals got 00 $approved times"
echo "reload: $sent requests, $got answered (00 $approved, 15 $no_route), SIGHUPs $hups, lost $((sent - got))"
finish
