#!/bin/sh
# e2e_pg_multihost.sh POSSUM SOURCE_DIR — two `possum host` processes on one PostgreSQL database
# (docs/scaling.md "Several hosts on one database"), on a throwaway server (tests/pg.sh): two
# data directories sharing the LMK and the store; merchant, terminals and cards set up once by
# `possum admin`. (a) Four terminals, two on each host, paying at once: no RRN given twice in
# acq_txns, every approval a terminal saw a row of it. (b) One card of balance 10.00 spent at
# once through both hosts by 24 purchases of 1.00: at most 10.00 approved, the balance never
# below 0. (c) A purchase captured on the wire (tests/relay.py --frames, its terminal answered
# by nobody) sent to both hosts at once, then again to each: one approval, the others 94. (d) A
# host killed (kill -9) while its terminals pay, one's purchase committed but its answer held
# by a relay (--delay) past the terminal's timeout: they are pointed at the other host and their
# reversals cleared there (the reversed purchase not posted: balances are what the terminals
# saw approved, nothing held, nothing left pending in the terminals). (e) `possum load` against
# host A, then with the same --data against host B: the terminals go on from their STANs, no
# 94. `possum admin ledger check` clean after each part. Prints one line of figures.
possum=$1
src=$2
. "$src/tests/lib.sh"
. "$src/tests/pg.sh"
for c in python3 jq sqlite3; do
	command -v $c >/dev/null 2>&1 || skip "$c is needed"
done

pg_start || skip "$pg_why"
conf=$tmp/possum.conf
pg_store_conf "$conf"
printf '[issuer]\nbin = 62258801 debit\ndaily_count_limit = 0\n[risk]\nrules = none\n' >>"$conf"
printf '[link]\nmax_connections_per_address = 1000000\n' >>"$conf"
export POSSUM_CONFIG=$conf
mid=898310048120001
a=$tmp/a
b=$tmp/b

# The setup, once, by host A's directory; B gets the same LMK.
"$possum" admin merchant add --data "$a" --name "Possum Cafe" --mcc 5812 --mid $mid >/dev/null ||
	{ echo "FAIL: merchant add"; exit 1; }
mkdir -p "$b" && cp "$a/lmk" "$b/lmk"
card() { # FILE BALANCE
	"$possum" admin card issue --data "$a" --product debit --holder "Zhang San" \
		--id-number 110101199003070000 --phone 13800000000 --pin 123456 --balance "$2" \
		--out "$tmp/$1.json" >/dev/null || bad "card $1 issued"
}
# terminal N: MULTI00N (SN SNMULTIN) added to the merchant, its TMK components in $tmp/compN.
terminal() {
	"$possum" admin terminal add --data "$a" --merchant $mid --sn "SNMULTI$1" --tid "MULTI00$1" \
		--json | grep -o '"component":"[0-9A-F]*","kcv":"[0-9A-F]*"' |
		sed 's/"component":"\([0-9A-F]*\)","kcv":"\([0-9A-F]*\)"/\1:\2/' | paste -sd, - >"$tmp/comp$1"
}
for n in 1 2 3 4 5; do
	terminal $n
	card "c$n" 1000.00
done
card shared 10.00

# host NAME: `possum host` on $tmp/NAME, listening; its pid and terminal port in pid_NAME and
# port_NAME.
host() {
	"$possum" host --data "$tmp/$1" --port 0 --api-port 0 --terminal-port 0 \
		>"$tmp/$1.out" 2>"$tmp/$1.log" &
	eval "pid_$1=$!"
	wait_ports "$tmp/$1" $!
	eval "port_$1=$(sed -n 's/^acquirer=//p' "$tmp/$1/host.ports")"
}
host a
host b
also_kill="$pid_a $pid_b"
trap on_exit EXIT
[ -n "$port_a" ] && [ -n "$port_b" ] || { echo "FAIL: a host did not start: $(cat "$tmp/a.log" "$tmp/b.log")"; exit 1; }

t() { # N COMMAND ...
	_n=$1
	shift
	"$possum" term "$@" --data "$tmp/t$_n" --json --timeout 5
}
point() { sqlite3 "$tmp/t$1/possum.db" "UPDATE term_state SET host = '127.0.0.1:$2'"; }
for n in 1 2 3 4 5; do
	case $n in 1 | 3) p=$port_a ;; *) p=$port_b ;; esac
	t $n init --host "127.0.0.1:$p" --tid "MULTI00$n" --mid $mid --sn "SNMULTI$n" \
		--tmk-components "$(cat "$tmp/comp$n")" >/dev/null 2>&1
	expect 0 "terminal $n signs in" -- t $n signin
done
[ -f "$tmp/t1/possum.db" ] || { echo "FAIL: the terminal's state is not $tmp/t1/possum.db"; exit 1; }

# pay N CARD COUNT OUT: COUNT purchases of 1.00 by terminal N with CARD, each's JSON line (or
# rc "none") appended to OUT.
pay() {
	for _ in $(seq "$3"); do
		t "$1" purchase --card "$tmp/$2.json" --pin 123456 --amount 1.00 >"$tmp/one$1" 2>/dev/null
		if grep -q '"rc"' "$tmp/one$1"; then cat "$tmp/one$1"; else echo '{"rc":"none"}'; fi
	done >>"$4"
}
ledger_clean() {
	expect 0 "ledger check, $1" -- "$possum" admin ledger check --data "$a"
}
# seen OUT: every approval in OUT a row of acq_txns, approved; prints those that are not.
seen() {
	jq -r 'select(.rc == "00") | "\(.stan) \(.batch) \(.rrn)"' "$1" | while read -r stan batch rrn; do
		c=$(pg_sql "SELECT count(*) FROM acq_txns WHERE stan = '$stan' AND batch = $batch AND rrn = '$rrn' AND rc = '00'")
		[ "$c" = 1 ] || echo "$stan/$rrn"
	done
}

# (a) Four terminals, two on each host, at once.
: >"$tmp/a.all"
pids=""
for n in 1 2 3 4; do
	pay $n "c$n" 8 "$tmp/a.$n" &
	pids="$pids $!"
done
wait $pids
cat "$tmp"/a.[1-4] >"$tmp/a.all"
approvals=$(grep -c '"rc":"00"' "$tmp/a.all")
[ "$approvals" -eq 32 ] && ok || bad "$approvals of 32 purchases approved: $(grep -v '"rc":"00"' "$tmp/a.all" | head -2)"
dup=$(pg_sql "SELECT count(*) FROM (SELECT rrn FROM acq_txns WHERE rrn <> '' GROUP BY rrn HAVING count(*) > 1) AS d")
[ "$dup" = 0 ] && ok || bad "$dup RRNs given twice"
missing=$(seen "$tmp/a.all" | wc -l)
[ "$missing" -eq 0 ] && ok || bad "$missing approvals not in acq_txns"
ledger_clean "after (a)"

# (b) The card of 10.00, 24 purchases of 1.00 through both hosts at once.
pids=""
for n in 1 2 3 4; do
	pay $n shared 6 "$tmp/b.$n" &
	pids="$pids $!"
done
wait $pids
cat "$tmp"/b.[1-4] >"$tmp/b.all"
spent=$(grep -c '"rc":"00"' "$tmp/b.all")
declined=$(grep -c '"rc":"51"' "$tmp/b.all")
overspend=$((spent > 10 ? spent - 10 : 0))
[ "$overspend" -eq 0 ] && ok || bad "$spent.00 approved of a balance of 10.00"
[ "$spent" -eq 10 ] && ok || bad "$spent.00 approved of 10.00 (others: $(grep -v '"rc":"00"' "$tmp/b.all" | jq -r .rc | sort | uniq -c | paste -sd' ' -))"
[ $((spent + declined)) -eq 24 ] && ok || bad "$spent approved, $declined declined 51, of 24"
neg=$(pg_sql "SELECT count(*) FROM ledger_accounts WHERE credits_posted + balance_limit - debits_posted - debits_pending < 0 AND flags & 1 = 1")
[ "$neg" = 0 ] && ok || bad "$neg limited accounts below zero"
ledger_clean "after (b)"

# (c) Terminal 5's purchase captured on its way to a host that never answers (a sink), then
# sent to both hosts at once, and again to each.
python3 -c '
import socket, sys
s = socket.socket(); s.bind(("127.0.0.1", 0)); s.listen(8)
open(sys.argv[1], "w").write(str(s.getsockname()[1]))
held = []
while True: held.append(s.accept()[0])' "$tmp/sink.port" &
sink_pid=$!
also_kill="$also_kill $sink_pid"
for _ in $(seq 100); do [ -s "$tmp/sink.port" ] && break; sleep 0.05; done
start_relay "$src" "$(cat "$tmp/sink.port")" --frames "$tmp/wire.hex"
also_kill="$also_kill $relay_pid"
point 5 "$relay"
"$possum" term purchase --data "$tmp/t5" --card "$tmp/c5.json" --pin 123456 --amount 3.00 \
	--timeout 2 >/dev/null 2>&1
frame=$(awk 'substr($0, 23, 4) == "0200"' "$tmp/wire.hex" | tail -1)
[ -n "$frame" ] || { echo "FAIL: nothing captured: $(cat "$tmp/relay.log")"; exit 1; }
send() { # PORT: the captured frame to PORT; prints field 39
	python3 -c "import sys; sys.stdout.buffer.write(bytes.fromhex(sys.argv[1]))" "$frame" |
		"$possum" iso send --host "127.0.0.1:$1" --profile cup-pos --raw --json | jq -r '.fields["39"]'
}
send "$port_a" >"$tmp/c.a" &
pids=$!
send "$port_b" >"$tmp/c.b" &
wait $pids $!
sleep 0.5
send "$port_a" >>"$tmp/c.a"
send "$port_b" >>"$tmp/c.b"
answers=$(cat "$tmp/c.a" "$tmp/c.b" | sort | paste -sd' ' -)
[ "$answers" = "00 94 94 94" ] && ok || bad "the copies answered $answers (host A $(paste -sd' ' "$tmp/c.a"), B $(paste -sd' ' "$tmp/c.b")), not one 00 and three 94: $(grep -h MULTI005 "$tmp/a.log" "$tmp/b.log" | grep -v '"rc":"00"' | tail -3) $(grep ERROR "$pg_dir/log" | tail -3)"
duplicates=$(cat "$tmp/c.a" "$tmp/c.b" | grep -c 94)
rows=$(pg_sql "SELECT count(*) FROM acq_txns WHERE tid = 'MULTI005' AND amount = 300")
[ "$rows" = 1 ] && ok || bad "$rows rows of the retransmitted purchase"
# Terminal 5 pointed at host B: its reversal of the purchase it never saw answered goes first.
point 5 "$port_b"
pay 5 c5 1 "$tmp/c.after"
grep -q '"rc":"00"' "$tmp/c.after" && ok || bad "terminal 5 after its reversal: $(cat "$tmp/c.after")"
rev=$(pg_sql "SELECT count(*) FROM acq_txns WHERE tid = 'MULTI005' AND amount = 300 AND reversed = 1")
[ "$rev" = 1 ] && ok || bad "the retransmitted purchase not reversed ($rev)"
ledger_clean "after (c)"

# (d) Host A killed while terminals 1 and 3 pay through it, terminal 1 through a relay that
# holds A's answers past its timeout: its purchase committed by A, never answered, so that its
# reversal is pending; then both pointed at host B.
start_relay "$src" "$port_a" --delay "$tmp/delay"
also_kill="$also_kill $relay_pid"
echo 8 >"$tmp/delay"
point 1 "$relay"
pay 1 c1 1 "$tmp/d.1" &
pids=$!
pay 3 c3 30 "$tmp/d.3" &
pids="$pids $!"
sleep 2
kill -9 "$pid_a"
wait "$pid_a" 2>/dev/null
wait $pids
for n in 1 3; do point $n "$port_b"; done
for n in 1 3; do pay $n "c$n" 2 "$tmp/d.after$n"; done
after=$(cat "$tmp"/d.after[13] | grep -c '"rc":"00"')
[ "$after" -eq 4 ] && ok || bad "$after of 4 purchases approved by host B after A died: $(cat "$tmp"/d.after[13] | head -2)"
cat "$tmp"/d.[13] "$tmp"/d.after[13] >"$tmp/d.all"
missing=$(seen "$tmp/d.all" | wc -l)
[ "$missing" -eq 0 ] && ok || bad "$missing approvals seen by terminals not in acq_txns"
# The reversals the terminals sent host B: of a purchase A committed (its row reversed), or of
# one whose batch died with A (a tombstone: never posted).
reversals=$(pg_sql "SELECT (SELECT count(*) FROM acq_txns WHERE tid IN ('MULTI001', 'MULTI003') AND reversed = 1) + (SELECT count(*) FROM acq_tombstones WHERE tid IN ('MULTI001', 'MULTI003'))")
# Nothing left pending in the terminals (term_txns' status 0 sent, 2 to reverse).
pending=$(($(sqlite3 "$tmp/t1/possum.db" "SELECT count(*) FROM term_txns WHERE status IN (0, 2)") + $(sqlite3 "$tmp/t3/possum.db" "SELECT count(*) FROM term_txns WHERE status IN (0, 2)")))
[ "$pending" -eq 0 ] && ok || bad "$pending transactions still pending in terminals 1 and 3"
# A reversed purchase posted nothing: the cards' balances are 1000.00 less what the terminals saw
# approved.
for n in 1 3; do
	got=$(cat "$tmp/a.$n" "$tmp/d.$n" "$tmp/d.after$n" | grep -c '"rc":"00"')
	bal=$("$possum" admin card show "$(jq -r .pan "$tmp/c$n.json")" --data "$b" --json |
		jq -r '"\(.balance.amount) \(.held.amount)"')
	[ "$bal" = "$(((1000 - got) * 100)) 0" ] && ok || bad "card $n: balance and held $bal (cents), $got.00 approved of 1000.00"
done
ledger_clean "after (d)"

# (e) `possum load` of two new terminals against host A (started again), then, with the same
# --data, against host B: their state names A's address, so they are set up again for B's, and
# go on from their STANs (term_setup): none repeated, no 94 — as two loads of bench/pg.sh, its
# terminals of the one-host run split between the two hosts.
rm -f "$a/host.ports"
host a
also_kill="$also_kill $pid_a"
card load 100000.00
: >"$tmp/load.terminals"
for n in 6 7; do
	terminal $n
	echo "MULTI00$n $mid SNMULTI$n $(cat "$tmp/comp$n")" >>"$tmp/load.terminals"
done
load() { # PORT OUT
	"$possum" load --host "127.0.0.1:$1" --terminals-file "$tmp/load.terminals" \
		--card "$tmp/load.json" --pin 123456 --duration 2 --data "$tmp/load.data" >"$tmp/$2" 2>&1
}
load "$port_a" e.a && ok || bad "possum load against host A: $(tail -3 "$tmp/e.a")"
load "$port_b" e.b && ok || bad "possum load against host B after A: $(tail -3 "$tmp/e.b")"
loaded=$(sed -n 's/^approved *\([0-9]*\) purchases.*/\1/p' "$tmp/e.a" "$tmp/e.b" | paste -sd' ' -)
refused=$(grep -h '^declined' "$tmp/e.a" "$tmp/e.b")
[ -z "$refused" ] && ok || bad "the loads declined: $refused"
rows=$(pg_sql "SELECT count(*) FROM acq_txns WHERE tid IN ('MULTI006', 'MULTI007') AND rc = '00'")
[ "$rows" -eq $((${loaded% *} + ${loaded#* })) ] && ok || bad "$rows approvals in acq_txns, the loads saw $loaded"
ledger_clean "after (e)"

echo "pg multihost: $approvals approvals on two hosts, duplicate RRNs $dup; shared card $spent.00 approved of 10.00, $declined declined 51, overspend $overspend; retransmission answered $answers ($duplicates duplicates); host killed: $after approvals on the other, $reversals reversals applied, $pending pending; possum load on A then B approved $loaded, declined ${refused:-none}"
finish
