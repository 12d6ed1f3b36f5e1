#!/bin/sh
# e2e_close.sh POSSUM SOURCE_DIR — the close of a day by hand (`possum admin settle run`) on the
# records of a real host. The day must be past its cut-off when it is closed, without waiting
# for one and without faking the clock: the purchases are made under [host] utc_offset = -720
# with cutoff = 00:00 (every decision belongs to the day after its local date, UTC-12's), and
# the close runs under utc_offset = 840 (UTC+14's), 26 hours ahead, where that settlement date
# is always past its cut-off. The day: a capped debit purchase (3635.46: 20.00), a purchase
# voided (nothing), a purchase of 200.00 (1.10) refunded 50.00 (0.28 returned); checked to the
# fen in the JSON, the same when run again, the ledger's check passing, the local issuer's
# receivable at zero. Copies of the data directory closed in parts of one transaction and
# killed (POSSUM_SETTLE_FAULT) in the first part, between parts, in a later part, in the final
# transaction and before printing, then run again, print exactly what the clean close did, each
# line once; a close under another's lease is refused, one of a process gone taken over; on a
# terminal a progress bar. A day not yet past its cut-off is refused (1); bad usage is 2. A
# host down over two cut-offs closes both days, oldest first. Then the payouts of the day
# (`possum admin payouts run` and `list`): owed without a settlement card, killed inside the run
# and then paid once a card is bound, never twice; the summary CSV's columns; the bank's answer
# (`confirm`) refused whole on a bad line, then paid, then the same again changing nothing.
# Late voids and reversals: a terminal's reversal and void after their purchases' day closed
# settle as counter-lines on their own day, in the statement, the merchant's totals to the fen.
possum=$1
. "$2/tests/lib.sh"

if ! "$possum" admin settle --help >/dev/null 2>&1; then
	echo "skipped: no settle"
	exit 0
fi

data=$tmp/host
mid=898310048120001
conf() { # conf OFFSET FILE: the shipped configuration, cutoff 00:00, utc_offset OFFSET
	sed -e "s/^cutoff *=.*/cutoff = 00:00/" -e "s/^utc_offset *=.*/utc_offset = $1/" \
		-e "s|^log *=.*|log = $tmp/host.log|" "$2/etc/possum.conf" >"$3"
}
host_until() { # host_until DIR PATTERN: a host on DIR (config $POSSUM_CONFIG) until its log has PATTERN (60 s at most: a loaded machine is slow to start one)
	rm -f "$tmp/host.log" "$1/host.ports"
	"$possum" host --data "$1" --port 0 --api-port 0 --terminal-port 0 >"$tmp/host.out" 2>"$tmp/host.err" &
	pid=$!
	i=0
	while ! grep -q "$2" "$tmp/host.log" 2>/dev/null && [ $i -lt 600 ]; do
		sleep 0.1
		i=$((i + 1))
	done
	kill -TERM $pid
	wait $pid
	pid=
}
conf -720 "$2" "$tmp/behind.conf"
conf 840 "$2" "$tmp/ahead.conf"
export POSSUM_CONFIG=$tmp/behind.conf
issue_card "$tmp/card.json" 10000.00
"$possum" admin merchant add --data "$data" --name "Possum Cafe" --mcc 5812 --mid $mid >/dev/null
"$possum" admin terminal add --data "$data" --merchant $mid --sn SNTERM0001 --tid TERM0001 \
	--json >"$tmp/tid.json"
comps=$(grep -o '"component":"[0-9A-F]*","kcv":"[0-9A-F]*"' "$tmp/tid.json" |
	sed 's/"component":"\([0-9A-F]*\)","kcv":"\([0-9A-F]*\)"/\1:\2/' | paste -sd, -)

pid=
trap 'kill $pid 2>/dev/null; wait $pid 2>/dev/null; rm -rf "$tmp"' EXIT
"$possum" host --data "$data" --port 0 --api-port 0 --terminal-port 0 >"$tmp/host.out" 2>"$tmp/host.err" &
pid=$!
wait_ports "$data" $pid
tport=$(sed -n 's/^acquirer=//p' "$data/host.ports")
[ -n "$tport" ] || { echo "FAIL: no ports: $(cat "$tmp/host.err")"; exit 1; }
st=$tmp/term
pay() { # pay WHAT -- TERM ARGS...: a terminal command approved
	what=$1
	shift 2
	expect 0 "$what" -- "$possum" term "$@" --state "$st" --json
}
pay init -- init --host "127.0.0.1:$tport" --tid TERM0001 --mid $mid --sn SNTERM0001 --tmk-components "$comps"
pay signin -- signin
pay "purchase 3635.46" -- purchase --card "$tmp/card.json" --pin 123456 --amount 3635.46
rrn=$(sed -n 's/.*"rrn":"\([0-9]*\)".*/\1/p' "$tmp/out")
pay "purchase 100.00" -- purchase --card "$tmp/card.json" --pin 123456 --amount 100.00
stan=$(sed -n 's/.*"stan":"\([0-9]*\)".*/\1/p' "$tmp/out")
pay "void of 100.00" -- void "$stan" --pin 123456
pay "purchase 200.00" -- purchase --card "$tmp/card.json" --pin 123456 --amount 200.00
rrn2=$(sed -n 's/.*"rrn":"\([0-9]*\)".*/\1/p' "$tmp/out")
pay "refund 50.00" -- refund --rrn "$rrn2" --amount 50.00 --card "$tmp/card.json" --pin 123456
kill -TERM $pid
wait $pid
pid=

expect 0 "txn show" -- "$possum" admin txn show "$rrn" --json --data "$data"
day=$(sed -n 's/.*"settle_date":"\([0-9-]*\)".*/\1/p' "$tmp/out")
[ -n "$day" ] || bad "no settle_date: $(cat "$tmp/out")"
# The host's own closer may have closed the day before (empty: its cut-off is always past under
# UTC-12 with cutoff 00:00) while the purchases were made, if it looked before they were
# recorded (a slow machine, the sanitizers): the copies below start with no day closed.
db_sql "$data" "DELETE FROM settle_days WHERE date < '$day' AND lines = 0"
db_copy "$data" "$tmp/copy"
db_copy "$data" "$tmp/auto"
db_copy "$data" "$tmp/hostpay"
db_copy "$data" "$tmp/copy0"

export POSSUM_CONFIG=$tmp/ahead.conf
expect 0 "settle run" -- "$possum" admin settle run --date "$day" --json --data "$data"
cp "$tmp/out" "$tmp/clean.json"
out_has "^{\"date\":\"$day\",\"currency\":\"CNY\",\"merchants\":\[{\"mid\":\"$mid\",\"count\":3,\"amount\":378546,\"fees\":2082,\"net\":376464,\"payout_date\":\"[0-9-]*\",\"status\":\"owed\",\"channels\":{\"card\":{\"count\":3,\"amount\":378546,\"fees\":2082,\"net\":376464},\"qr\":{\"count\":0,\"amount\":0,\"fees\":0,\"net\":0}}}\],\"totals\":{\"count\":3,\"amount\":378546,\"fees\":2082,\"net\":376464,\"channels\":{\"card\":{\"count\":3,\"amount\":378546,\"fees\":2082,\"net\":376464},\"qr\":{\"count\":0,\"amount\":0,\"fees\":0,\"net\":0}}}}$"
expect 0 "settle run again" -- "$possum" admin settle run --date "$day" --json --data "$data"
if cmp -s "$tmp/out" "$tmp/clean.json"; then ok; else bad "again: $(cat "$tmp/out")"; fi
expect 0 "the table" -- "$possum" admin settle run --date "$day" --data "$data"
out_has "^$mid  *3  *3785.46 CNY  *20.82 CNY  *3764.64 CNY"
expect 0 "ledger check" -- "$possum" admin ledger check --data "$data"
out_has "^0 violations"
# The local issuer's receivable cleared against what the issuer posted: nothing left in it.
recv=$(db_sql "$data" "SELECT debits_posted || ' ' || credits_posted FROM ledger_accounts WHERE id = (SELECT account FROM settle_accounts WHERE name = 'receivable:local')")
[ "$recv" = "383546 383546" ] && ok || bad "receivable:local: $recv (debits credits)"

# Killed (POSSUM_SETTLE_FAULT, parts of one transaction each) in the first part, between
# parts, in a later part, in the final transaction and after it before printing, each on a
# fresh copy and then run again: the same output as the clean close, each line once, the
# ledger sound; and on one copy killed at each point in turn, then run to its end.
lines() { db_sql "$1" "SELECT COUNT(*) || ' ' || COUNT(DISTINCT txn_id) || ' ' || (SELECT COUNT(*) FROM settle_totals) || ' ' || (SELECT COUNT(*) FROM settle_days WHERE state = 1) FROM settle_lines"; }
killed() { # killed DIR FAULT: the close of DIR killed at FAULT (exit 9), the ledger sound
	expect 9 "killed at $2" -- env POSSUM_SETTLE_PART=1 POSSUM_SETTLE_FAULT="$2" "$possum" admin settle run --date "$day" --json --data "$1"
	out_empty "killed at $2"
	expect 0 "ledger check after a kill at $2" -- "$possum" admin ledger check --data "$1"
}
for fault in after_lines:1 after_parts:1 after_lines:2 after_parts:3 in_final before_print; do
	rm -rf "$tmp/copy"
	db_copy "$tmp/copy0" "$tmp/copy"
	killed "$tmp/copy" $fault
	case $fault in
	before_print) want="3 3 1 1" ;; # closed: only the printing was lost
	after_lines:1) want="0 0 0 0" ;; # nothing of the first part
	*) [ "$(lines "$tmp/copy" | cut -d' ' -f3-)" = "0 0" ] && want=$(lines "$tmp/copy") || want="totals or closed" ;;
	esac
	[ "$(lines "$tmp/copy")" = "$want" ] && ok || bad "after a kill at $fault: lines, distinct, totals, closed: $(lines "$tmp/copy")"
	expect 0 "settle run after a kill at $fault" -- env POSSUM_SETTLE_PART=1 "$possum" admin settle run --date "$day" --json --data "$tmp/copy"
	if cmp -s "$tmp/out" "$tmp/clean.json"; then ok; else bad "after a kill at $fault: $(cat "$tmp/out")"; fi
	[ "$(lines "$tmp/copy")" = "3 3 1 1" ] && ok || bad "after the rerun ($fault): $(lines "$tmp/copy")"
done
rm -rf "$tmp/copy"
db_copy "$tmp/copy0" "$tmp/copy"
for fault in after_lines:1 after_parts:1 after_lines:1 after_parts:1 in_final; do
	killed "$tmp/copy" $fault
done
expect 0 "settle run after five kills" -- "$possum" admin settle run --date "$day" --json --data "$tmp/copy"
if cmp -s "$tmp/out" "$tmp/clean.json"; then ok; else bad "after five kills: $(cat "$tmp/out")"; fi
expect 0 "ledger check after five kills" -- "$possum" admin ledger check --data "$tmp/copy"
out_has "^0 violations"

# One run at a time: a close under another's lease (a process of another machine, alive: on
# PostgreSQL a session holding its liveness lock) is refused, saying whose; a lease of a
# process of this machine that is gone is taken over at once.
rm -rf "$tmp/lease"
db_copy "$tmp/copy0" "$tmp/lease"
until=$(($(date +%s) + 600))
db_sql "$tmp/lease" "INSERT INTO settle_days (date, state, lines, merchants, closed_at, owner, until) VALUES ('$day', 0, 0, 0, 0, 'host:elsewhere:1', $until)"
db_hold "$tmp/lease" "elsewhere:1" || bad "no session holding elsewhere:1's lock"
expect 1 "settle run under another's lease" -- "$possum" admin settle run --date "$day" --json --data "$tmp/lease"
err_has "refused: the close of $day is under way (its lease is host:elsewhere:1's)"
db_release
gone=$(sh -c 'echo $$')
db_sql "$tmp/lease" "UPDATE settle_days SET owner = 'admin:$(hostname | cut -c1-32):$gone'"
expect 0 "settle run, the lease's owner gone" -- "$possum" admin settle run --date "$day" --json --data "$tmp/lease"
if cmp -s "$tmp/out" "$tmp/clean.json"; then ok; else bad "after the takeover: $(cat "$tmp/out")"; fi

# On a terminal (script(1)), a progress bar on standard error, cleared at the end; the output
# the same. Not on a terminal: nothing but the output (above).
if command -v script >/dev/null 2>&1 && script -qec true /dev/null >/dev/null 2>&1; then # a pty to be had
	db_copy "$tmp/copy0" "$tmp/tty"
	script -qec "'$possum' admin settle run --date '$day' --json --data '$tmp/tty' >'$tmp/tty.out'" /dev/null >"$tmp/tty.typescript" 2>&1
	if grep -q '/3 lines' "$tmp/tty.typescript" && grep -q "$(printf '\r\033\[K')" "$tmp/tty.typescript"; then ok; else bad "no bar on a terminal: $(od -c "$tmp/tty.typescript" | head -5)"; fi
	if cmp -s "$tmp/tty.out" "$tmp/clean.json"; then ok; else bad "on a terminal: $(cat "$tmp/tty.out")"; fi
fi
# The service log's lines of the runs by hand: at the start and at the end, with the counts.
if grep '"event":"settle_close"' "$tmp/host.log" | grep '"phase":"end"' | grep '"owner":"admin:' | grep -q '"result":"closed","lines":3,"merchants":1,"parts":'; then ok; else bad "no end line of a run by hand: $(grep settle_close "$tmp/host.log" | tail -3)"; fi

# The host closes the day by itself: under utc_offset 720 (UTC+12, a day ahead of UTC-12) the
# latest settlement date past its cut-off is the purchases'.
conf 720 "$2" "$tmp/host.conf"
POSSUM_CONFIG=$tmp/host.conf host_until "$tmp/auto" '"event":"settle_close".*"phase":"end"'
if grep '"event":"settle_close"' "$tmp/host.log" | grep -q "\"phase\":\"start\",\"date\":\"$day\""; then ok; else bad "no start line: $(grep settle_close "$tmp/host.log")"; fi
if grep '"event":"settle_close"' "$tmp/host.log" | grep '"phase":"end"' | grep -q '"lines":3'; then ok; else bad "no end line: $(grep settle_close "$tmp/host.log")"; fi
expect 0 "settle run after the host's" -- "$possum" admin settle run --date "$day" --json --data "$tmp/auto"
if cmp -s "$tmp/out" "$tmp/clean.json"; then ok; else bad "after the host: $(cat "$tmp/out")"; fi

# A host down over several cut-offs closes each day due in turn, oldest first: the capped
# purchase moved to the day before, and the day before that closed already (the latest closed:
# the host closes the days after it).
prev=$(date -u -d "$day - 1 day" +%Y-%m-%d)
first=$(date -u -d "$day - 2 days" +%Y-%m-%d)
db_copy "$tmp/copy0" "$tmp/catch"
db_sql "$tmp/catch" "UPDATE acq_txns SET settle_date = '$prev' WHERE amount = 363546; INSERT INTO settle_days (date, state, lines, merchants, closed_at, owner, until) VALUES ('$first', 1, 0, 0, 0, '', 0)"
POSSUM_CONFIG=$tmp/host.conf host_until "$tmp/catch" "\"event\":\"settle_close\".*\"phase\":\"end\",\"date\":\"$day\""
starts=$(grep '"event":"settle_close"' "$tmp/host.log" | grep '"phase":"start"' | sed 's/.*"date":"\([0-9-]*\)".*/\1/' | paste -sd' ' -)
[ "$starts" = "$prev $day" ] && ok || bad "the host's closes: '$starts', not '$prev $day'"
expect 0 "the day before, closed by the host" -- "$possum" admin settle run --date "$prev" --json --data "$tmp/catch"
out_has "\"totals\":{\"count\":1,\"amount\":363546,\"fees\":2000,\"net\":361546,\"channels\""
expect 0 "the day, closed by the host" -- "$possum" admin settle run --date "$day" --json --data "$tmp/catch"
out_has "\"totals\":{\"count\":2,\"amount\":15000,\"fees\":82,\"net\":14918,\"channels\""
expect 0 "ledger check after the host's closes" -- "$possum" admin ledger check --data "$tmp/catch"
out_has "^0 violations"

# The host pays by itself once the latest due day is closed: under UTC+14 with T+0 and weekend
# payouts (every day a business day) the day is due on the host's local date or before; closed
# by hand first (the host's latest due day may be the next, which it closes), a card bound.
sed -e "s/^payout_days *=.*/payout_days = 0/" -e "s/^weekend_payouts *=.*/weekend_payouts = yes/" \
	"$tmp/ahead.conf" >"$tmp/pay.conf"
pan=$(sed -n 's/.*"pan": *"\([0-9]*\)".*/\1/p' "$tmp/card.json")
bind() { # bind DIR: the merchant's settlement card bound to the test card
	expect 0 "settlement-card start" -- "$possum" admin settlement-card start $mid --card "$pan" \
		--holder "Zhang San" --id-number 110101199003070000 --phone 13800000000 --data "$1"
	code=$(sms_code "$1/sms.jsonl")
	expect 0 "settlement-card confirm" -- "$possum" admin settlement-card confirm $mid --code "$code" --data "$1"
}
export POSSUM_CONFIG=$tmp/pay.conf
expect 0 "settle run, T+0" -- "$possum" admin settle run --date "$day" --data "$tmp/hostpay"
bind "$tmp/hostpay"
host_until "$tmp/hostpay" '"event":"settle_payouts"'
if grep '"event":"settle_payouts"' "$tmp/host.log" | grep -q '"made":1,"amount":376464,"currency":"CNY","owed_days":0'; then ok; else bad "no payouts line: $(grep settle_ "$tmp/host.log")"; fi
if cat "$tmp/hostpay/payouts/"*.csv | grep -q "^1,$mid,\"Possum Cafe\",.*,\"Zhang San\",3764.64,CNY,\"$day\",P"; then ok; else bad "the host's summary: $(cat "$tmp/hostpay/payouts/"*.csv)"; fi
expect 0 "ledger check after the host's payouts" -- "$possum" admin ledger check --data "$tmp/hostpay"
out_has "^0 violations"
export POSSUM_CONFIG=$tmp/ahead.conf

# Payouts (docs/settle.md "Payouts"): on the day's payout date the merchant, without a
# settlement card, stays owed with the reason; with one bound, one payout of the day's net to
# it, the ledger's check passing; run again, nothing more; list prints the same.
payday=$(sed -n 's/.*"payout_date":"\([0-9-]*\)".*/\1/p' "$tmp/clean.json")
expect 0 "payouts run, no card" -- "$possum" admin payouts run --date "$payday" --json --data "$data"
out_has "^{\"items\":\[\],\"owed\":\[{\"mid\":\"$mid\",\"date\":\"$day\",\"net\":376464,\"reason\":\"no_settlement_card\"}\],\"next\":null}$"
bind "$data"
masked=$(echo "$pan" | awk '{ s = substr($0, 1, 6); for (i = 7; i <= length($0) - 4; i++) s = s "*"; print s substr($0, length($0) - 3) }' | sed 's/[*]/\\*/g') # as a pattern
# Killed inside the run's transaction (after the merchant's payout), then run: one payout.
expect 9 "payouts run killed" -- env POSSUM_SETTLE_FAULT=in_payouts "$possum" admin payouts run --date "$payday" --json --data "$data"
expect 0 "payouts list after the kill" -- "$possum" admin payouts list --date "$payday" --json --data "$data"
out_has '^{"items":\[\],'
expect 0 "payouts run" -- "$possum" admin payouts run --date "$payday" --json --data "$data"
out_has "^{\"items\":\[{\"payout_id\":1,\"mid\":\"$mid\",\"amount\":376464,\"currency\":\"CNY\",\"card\":\"$masked\",\"settle_dates\":\[\"$day\"\],\"status\":\"made\"}\],\"owed\":\[\],\"next\":null}$"
cp "$tmp/out" "$tmp/payouts.json"
csv=$data/payouts/$payday.csv
if [ "$(head -1 "$csv")" = "payout_id,mid,merchant_name,card,account_name,amount,currency,settle_dates,reference" ]; then ok; else bad "the summary's header: $(head -1 "$csv")"; fi
if sed -n 2p "$csv" | grep -q "^1,$mid,\"Possum Cafe\",$masked,\"Zhang San\",3764.64,CNY,\"$day\",P$(echo "$payday" | tr -d -)-00000001$"; then ok; else bad "the summary's row: $(sed -n 2p "$csv")"; fi
[ "$(stat -c %a "$csv") $(stat -c %a "$data/payouts/$payday.json")" = "600 600" ] && ok || bad "the summary's modes"
expect 0 "payouts run again" -- "$possum" admin payouts run --date "$payday" --json --data "$data"
if cmp -s "$tmp/out" "$tmp/payouts.json"; then ok; else bad "payouts again: $(cat "$tmp/out")"; fi
expect 0 "payouts list" -- "$possum" admin payouts list --date "$payday" --json --data "$data"
if cmp -s "$tmp/out" "$tmp/payouts.json"; then ok; else bad "payouts list: $(cat "$tmp/out")"; fi
expect 0 "payouts list, the table" -- "$possum" admin payouts list --date "$payday" --data "$data"
out_has "^1  *$mid  *3764.64 CNY  *$masked  *made  *$day$"
expect 0 "ledger check after the payout" -- "$possum" admin ledger check --data "$data"
out_has "^0 violations"
# The bank's file: refused without [settle] bank_key; with one (a D0 AES-256 key under the
# data directory's LMK) the payout, encrypted: 0600, no card number in it, the CSV's length
# and the 28 bytes of nonce and tag (test_payouts.c decrypts it).
expect 1 "payouts export, no bank_key" -- "$possum" admin payouts export --date "$payday" --out "$tmp/bank.bin" --data "$data"
err_has "no \[settle\] bank_key"
expect 0 "the bank's key" -- "$possum" hsm generate --usage D0 --alg aes --length 32 --mode B --lmk "$data/lmk" --json
bankkey=$(sed -n 's/.*"block":"\([0-9A-Z]*\)".*/\1/p' "$tmp/out")
sed -e "s/^\[settle\]/[settle]\nbank_key = $bankkey/" "$tmp/ahead.conf" >"$tmp/bank.conf"
expect 0 "payouts export" -- env POSSUM_CONFIG="$tmp/bank.conf" "$possum" admin payouts export --date "$payday" --out "$tmp/bank.bin" --json --data "$data"
out_has "^{\"date\":\"$payday\",\"payouts\":1,\"file\":\"$tmp/bank.bin\"}$"
[ "$(stat -c %a "$tmp/bank.bin")" = 600 ] && ok || bad "the bank's file's mode"
if grep -q "$pan" "$tmp/bank.bin"; then bad "the card number in the clear"; else ok; fi
plain=$(printf 'payout_id,mid,account_name,pan,amount,currency,settle_dates,reference\n1,%s,"Zhang San",%s,3764.64,CNY,"%s",P%s-00000001\n' "$mid" "$pan" "$day" "$(echo "$payday" | tr -d -)")
[ "$(stat -c %s "$tmp/bank.bin")" = $((${#plain} + 1 + 28)) ] && ok || bad "the bank's file's length $(stat -c %s "$tmp/bank.bin")"
expect 2 "payouts export, no --out" -- "$possum" admin payouts export --date "$payday" --data "$data"

# The bank's answer: a bad line refused whole (FILE:LINE), then paid, then the same again.
printf 'payout_id,status,bank_reference\n1,paid,BANK0001\n1,settled,BANK0001\n' >"$tmp/bad.csv"
expect 1 "payouts confirm, a bad line" -- "$possum" admin payouts confirm "$tmp/bad.csv" --data "$data"
err_has "refused: $tmp/bad.csv:3: a status not paid or failed; nothing changed"
expect 0 "payouts list after the refusal" -- "$possum" admin payouts list --date "$payday" --json --data "$data"
if cmp -s "$tmp/out" "$tmp/payouts.json"; then ok; else bad "after the refusal: $(cat "$tmp/out")"; fi
printf 'payout_id,status,bank_reference\r\n1,paid,BANK0001\r\n' >"$tmp/answer.csv"
expect 0 "payouts confirm" -- "$possum" admin payouts confirm "$tmp/answer.csv" --json --data "$data"
out_has '^{"paid":1,"failed":0,"unchanged":0}$'
expect 0 "payouts confirm again" -- "$possum" admin payouts confirm "$tmp/answer.csv" --data "$data"
out_has '^0 paid, 0 failed, 1 unchanged$'
expect 0 "payouts list, paid" -- "$possum" admin payouts list --date "$payday" --json --data "$data"
out_has '"status":"paid"'
expect 0 "ledger check after the answer" -- "$possum" admin ledger check --data "$data"
out_has "^0 violations"
expect 1 "payouts confirm, no file" -- "$possum" admin payouts confirm "$tmp/none.csv" --data "$data"
expect 2 "payouts confirm, no operand" -- "$possum" admin payouts confirm --data "$data"
expect 2 "payouts, a bad date" -- "$possum" admin payouts run --date 2026-13-01 --data "$data"
err_has "YYYY-MM-DD"
expect 2 "payouts, an operand" -- "$possum" admin payouts list "$payday" --data "$data"

# Late voids and reversals (docs/settle.md "Late voids and reversals"): on a copy of the
# records before any close, a purchase of 300.00 and one of 400.00 whose answer the terminal
# drops (a reversal left pending), both moved to the day before and closed there; then the
# terminal, restarted, sends its reversal first and voids the 300.00, both of the day, which
# closes with a counter-line each: the fees given back, the merchant's two days netting what
# the clean close alone did, the receivable cleared, the ledger's check passing.
late=$tmp/late
db_copy "$tmp/copy0" "$late"
start_late() { # the host on the copy, on the terminal's port, under UTC-12
	rm -f "$late/host.ports"
	POSSUM_CONFIG=$tmp/behind.conf "$possum" host --data "$late" --port 0 --api-port 0 \
		--terminal-port "$tport" >"$tmp/host.out" 2>"$tmp/host.err" &
	pid=$!
	wait_ports "$late" $pid
	[ -s "$late/host.ports" ] || bad "no late host: $(cat "$tmp/host.err")"
}
stop_late() { kill -TERM $pid; wait $pid; pid=; }
start_late
pay "purchase 300.00" -- purchase --card "$tmp/card.json" --pin 123456 --amount 300.00
stan3=$(sed -n 's/.*"stan":"\([0-9]*\)".*/\1/p' "$tmp/out")
expect 1 "purchase 400.00, its answer dropped" -- "$possum" term purchase --card "$tmp/card.json" \
	--pin 123456 --amount 400.00 --inject timeout --state "$st"
err_has "reversal is pending"
stop_late
db_sql "$late" "UPDATE acq_txns SET settle_date = '$prev' WHERE kind = 0 AND amount IN (30000, 40000)"
expect 0 "the day before, closed" -- "$possum" admin settle run --date "$prev" --json --data "$late"
out_has "\"totals\":{\"count\":2,\"amount\":70000,\"fees\":385,\"net\":69615,\"channels\""
start_late
pay "void of 300.00, after the reversal" -- void "$stan3" --pin 123456
out_has '"reversals":1'
stop_late
n=$(db_sql "$late" "SELECT COUNT(*) FROM acq_txns WHERE settle_date = '$day' AND ((kind = 1 AND amount = 40000) OR (type = 'void' AND amount = 30000))")
[ "$n" = 2 ] && ok || bad "the reversal and the void not both of $day: $n"
expect 0 "the day with the late follow-ups" -- "$possum" admin settle run --date "$day" --json --data "$late"
out_has "^{\"date\":\"$day\",\"currency\":\"CNY\",\"merchants\":\[{\"mid\":\"$mid\",\"count\":5,\"amount\":308546,\"fees\":1697,\"net\":306849,"
expect 0 "the statement with the counter-lines" -- "$possum" admin statement --merchant $mid --date "$day" --json --data "$late"
out_has '"type":"reversal","card":"[0-9*]*","product":"debit","rrn":"[0-9]*","auth_code":\(null\|"[0-9A-Z]*"\),"amount":{"amount":-40000,"currency":"CNY"},"fee":{"amount":-220,"currency":"CNY"},"net":{"amount":-39780,"currency":"CNY"}'
out_has '"type":"void","card":"[0-9*]*","product":"debit","rrn":"[0-9]*","auth_code":\(null\|"[0-9A-Z]*"\),"amount":{"amount":-30000,"currency":"CNY"},"fee":{"amount":-165,"currency":"CNY"},"net":{"amount":-29835,"currency":"CNY"}'
expect 0 "the statement as text" -- "$possum" admin statement --merchant $mid --date "$day" --data "$late"
out_has "^[0-9-]* [0-9:]*  *TERM0001 reversal  "
# The two days together: what the clean close of the day alone owed, to the fen.
both=$(db_sql "$late" "SELECT SUM(net) FROM settle_totals WHERE mid = '$mid'")
[ "$both" = 376464 ] && ok || bad "the merchant's two days: $both, not 376464"
payable=$(db_sql "$late" "SELECT credits_posted - debits_posted FROM ledger_accounts WHERE id = (SELECT account FROM settle_accounts WHERE name = 'payable:$mid')")
[ "$payable" = 376464 ] && ok || bad "payable:$mid: $payable"
recv=$(db_sql "$late" "SELECT debits_posted - credits_posted FROM ledger_accounts WHERE id = (SELECT account FROM settle_accounts WHERE name = 'receivable:local')")
[ "$recv" = 0 ] && ok || bad "receivable:local after the late follow-ups: $recv"
expect 0 "ledger check after the late follow-ups" -- "$possum" admin ledger check --data "$late"
out_has "^0 violations"
expect 0 "the day closed again" -- "$possum" admin settle run --date "$day" --json --data "$late"
out_has "\"count\":5,\"amount\":308546,\"fees\":1697,\"net\":306849,"

# Refused and bad usage.
later=$(date -u -d "$day + 2 days" +%Y-%m-%d)
expect 1 "not past its cut-off" -- "$possum" admin settle run --date "$later" --data "$data"
err_has "refused: $later is not yet past its cut-off"
expect 2 "a bad date" -- "$possum" admin settle run --date 2026-02-30 --data "$data"
err_has "YYYY-MM-DD"
expect 2 "an operand" -- "$possum" admin settle run "$day" --data "$data"
expect 2 "a bad fault" -- env POSSUM_SETTLE_FAULT=sometimes "$possum" admin settle run --date "$day" --data "$data"
finish
