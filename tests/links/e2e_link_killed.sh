#!/bin/sh
# e2e_link_killed.sh POSSUM SOURCE_DIR — a host killed (-9) in the middle of a request routed over
# a link (docs/links.md), with two real hosts on loopback (tests/links/twohosts.sh): host A routes
# 62258801 over [link.b] to host B, through a relay that holds B's answers. B killed once it has
# decided (its answer held): A answers the terminal 98 (or 91 if the link dropped first), B comes
# back on the same port and A's reversal is delivered and applied once (the balance whole, any
# repeat answered "repeated"). Then A killed while its request waits at B: its queue keeps the
# reversal "waiting", which falls due (timeout + 5 s) and is delivered after A's restart, applied
# once.
possum=$1
top=$2
. "$2/tests/lib.sh"
. "$top/scripts/acquirer.sh"
. "$top/tests/links/twohosts.sh"

th_issuer b 62258801 iso87a raw
th_start b
start_relay "$top" "$b_port" --delay "$tmp/slow"
also_kill="$also_kill $relay_pid"
th_acquirer_conf
printf '[route]\nroute = 62258801 b\n' >>"$tmp/a.conf"
th_link b "$relay" iso87a raw "$b_zpk"
th_acquirer_start
link_wait_up 0 b && ok || bad "the link never came up: $(grep '"link":"b"' "$tmp/host.log" | tail -3)"
pan=$(th_pan b)
bal0=$(th_balance b "$pan")

# held_after N: waits (10 s at most) for the relay to hold more than N answers of B.
held_after() {
	for _ in $(seq 200); do
		[ "$(grep -c '^held' "$tmp/relay.log")" -gt "$1" ] && return 0
		sleep 0.05
	done
	return 1
}
# applied: B's reversals that moved money (not repeats); repeats: those answered "repeated".
applied() { th_decisions b reversal | tr ' ' '\n' | grep '^00/' | grep -vc '/repeated$'; }
repeats() { th_decisions b reversal | tr ' ' '\n' | grep -c '/repeated$'; }

# ---- B killed mid-request: it has approved (the money taken), its answer held at the relay.
echo 6 >"$tmp/slow"
t purchase --card "$tmp/b.card" --pin 123456 --amount 7.00 --json >"$tmp/p1" 2>&1 &
p=$!
held_after 0 && ok || bad "B never answered: $(tail -3 "$tmp/b.log")"
[ "$(th_balance b "$pan")" -eq $((bal0 - 700)) ] && ok || bad "B did not take 7.00 before it died"
kill -9 "$b_pid"
wait "$b_pid" 2>/dev/null
rm -f "$tmp/slow"
wait $p
b_rc=$(jq -r .rc "$tmp/p1" 2>/dev/null)
case $b_rc in 98 | 91) ok ;; *) bad "B killed: the terminal got '$b_rc': $(cat "$tmp/p1")" ;; esac
ups=$(link_ups b)
th_start b "$b_port"
link_wait_up "$ups" b && ok ||
	bad "the link did not come back: $(grep '"link":"b"' "$tmp/host.log" | tail -3)"
saf_wait done && ok || bad "the reversal not delivered: $(cat "$tmp/saf.json")"
[ "$(th_balance b "$pan")" = "$bal0" ] && ok || bad "balance $(th_balance b "$pan"), $bal0 before"
b_applied=$(applied)
b_repeats=$(repeats)
[ "$b_applied" = 1 ] && ok || bad "B applied the reversal $b_applied times: $(th_decisions b reversal)"

# ---- A killed while its request waits at B (B's answer held): no answer ever reaches A. Its
# queue's reversal, "waiting", falls due 2 + 5 s after the request and goes after A's restart.
echo 4 >"$tmp/slow"
held=$(grep -c '^held' "$tmp/relay.log")
t0=$(date +%s)
t purchase --card "$tmp/b.card" --pin 123456 --amount 5.00 --json >"$tmp/p2" 2>&1 &
p=$!
held_after "$held" && ok || bad "B never answered A's second request"
[ "$(th_balance b "$pan")" -eq $((bal0 - 500)) ] && ok || bad "B did not take 5.00"
kill -9 "$host_pid"
wait "$host_pid" 2>/dev/null
rm -f "$tmp/slow"
wait $p
expect 0 "A's queue after the kill" -- "$possum" admin link saf --data "$data" --state waiting --json
out_has '"kind":"reversal".*"state":"waiting"'
th_acquirer_start
link_wait_up 0 b && ok || bad "A's link did not come up after its restart"
saf_wait done 2 25 && ok || bad "A's reversal not delivered: $(cat "$tmp/saf.json")"
took=$(($(date +%s) - t0))
# Not sent before it was due: its first send in A's new log, and not before 7 s.
if grep '"event":"saf_sent"' "$tmp/host.log" | grep -q '"attempt":1'; then ok; else
	bad "no first send after the restart: $(grep saf_ "$tmp/host.log")"
fi
[ "$took" -ge 7 ] && ok || bad "settled $took s after the request: before it was due"
[ "$(th_balance b "$pan")" = "$bal0" ] && ok || bad "balance $(th_balance b "$pan"), $bal0 before"
# Its row, 98 link_waiting when A died, says it timed out once its reversal went.
rrn2=$(jq -r '.items[] | select(.state == "done") | .rrn' "$tmp/saf.json" | tail -1)
expect 0 "the waited-out request's row" -- "$possum" admin txn show "$rrn2" --data "$data" --json
out_has '"rc":"98","reason":"link_timeout"'
a_applied=$(($(applied) - b_applied))
[ "$a_applied" = 1 ] && ok || bad "B applied A's reversal $a_applied times: $(th_decisions b reversal)"
a_repeats=$(($(repeats) - b_repeats))
echo "killed: B mid-request $b_rc, reversal applied $b_applied time(s) (repeats $b_repeats);" \
	"A mid-request, reversal after restart applied $a_applied time(s) (repeats $a_repeats), balance whole"
finish
