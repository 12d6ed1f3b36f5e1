#!/bin/sh
# e2e_reconcile.sh POSSUM SOURCE_DIR — reconciliation (docs/settle.md "Reconciliation") with
# the real host and `possum term` over TCP. TERM0001 pays twice and settles: its totals agree
# with the host's and `possum admin settle reconcile` of the day finds nothing (exit 0).
# TERM0002 pays twice, the terminal loses the second purchase from its own store (sqlite3),
# and settles: its totals differ, it uploads its batch, and reconcile lists exactly the
# batch's totals (30.00 against 70.00) and the purchase the host has and the batch lacks
# (exit 1), in the table and in JSON; the chip purchase it uploads is kept, its card masked. On a copy of the data directory a decision of the
# issuer's changed (another amount) and one no longer named by the host's request are listed
# as amount_differs and issuer_only. Bad usage is 2.
possum=$1
. "$2/tests/lib.sh"

if ! "$possum" admin terminal --help >/dev/null 2>&1; then
	echo "skipped: no acquirer"
	exit 0
fi
if ! command -v sqlite3 >/dev/null 2>&1; then
	echo "skipped: no sqlite3"
	exit 0
fi

data=$tmp/host
mid=898310048120001
sed -e "s|^log *=.*|log = $tmp/host.log|" "$2/etc/possum.conf" >"$tmp/possum.conf"
# One card pays many times in a row here: the risk rules (tests/risk) stay off.
printf '\n[risk]\nrules = none\n' >>"$tmp/possum.conf"
export POSSUM_CONFIG=$tmp/possum.conf POSSUM_DATA=$data
issue_card "$tmp/card.json" 1000.00
"$possum" admin card issue --data "$data" --product debit --holder "Li Si" --chip \
	--id-number 110101199003070001 --phone 13800000001 --pin 123456 --balance 1000.00 \
	--out "$tmp/chip.json" >/dev/null
"$possum" admin merchant add --data "$data" --name "Possum Cafe" --mcc 5812 --mid $mid >/dev/null
for tid in TERM0001 TERM0002; do
	"$possum" admin terminal add --data "$data" --merchant $mid --sn "SN$tid" --tid $tid --json >"$tmp/$tid.json"
done
comps() {
	grep -o '"component":"[0-9A-F]*","kcv":"[0-9A-F]*"' "$tmp/$1.json" |
		sed 's/"component":"\([0-9A-F]*\)","kcv":"\([0-9A-F]*\)"/\1:\2/' | paste -sd, -
}

"$possum" host --data "$data" --port 0 --api-port 0 --terminal-port 0 >"$tmp/host.out" 2>"$tmp/host.err" &
pid=$!
trap 'kill $pid 2>/dev/null; wait $pid 2>/dev/null; rm -rf "$tmp"' EXIT
wait_ports "$data" $pid
tport=$(sed -n 's/^acquirer=//p' "$data/host.ports")
[ -n "$tport" ] || { echo "FAIL: no ports: $(cat "$tmp/host.err")"; exit 1; }

# pay TID AMOUNT [CARD ENTRY]: a purchase at terminal TID (signed in), by default with the
# stripe card swiped; its RRN in $rrn.
pay() {
	expect 0 "purchase $2 at $1" -- "$possum" term purchase --state "$tmp/term-$1" \
		--card "$tmp/${3:-card}.json" --entry "${4:-swipe}" --pin 123456 --amount "$2" --json
	rrn=$(sed -n 's/.*"rrn":"\([0-9]*\)".*/\1/p' "$tmp/out")
}
for tid in TERM0001 TERM0002; do
	expect 0 "init $tid" -- "$possum" term init --state "$tmp/term-$tid" --host "127.0.0.1:$tport" \
		--tid $tid --mid $mid --sn "SN$tid" --tmk-components "$(comps $tid)"
	expect 0 "signin $tid" -- "$possum" term signin --state "$tmp/term-$tid"
done

# A batch that agrees: nothing to reconcile.
pay TERM0001 10.00
pay TERM0001 20.00
expect 0 "settle TERM0001" -- "$possum" term settle --state "$tmp/term-TERM0001" --json
out_has '"settle_flag":1'
day=$(db_sql "$data" "SELECT settle_date FROM acq_batches WHERE tid = 'TERM0001'")
paid=$(db_sql "$data" "SELECT DISTINCT settle_date FROM acq_txns WHERE kind = 0 AND type = 'purchase' ORDER BY 1" | paste -sd, -)
if [ "$day" != "$paid" ]; then
	echo "skipped: the cut-off passed during the test ($paid, $day)"
	finish
	exit $?
fi
expect 0 "reconcile a clean day" -- "$possum" admin settle reconcile --date "$day"
out_has "settlement date $day: 0 differences"
expect 0 "reconcile a clean day --json" -- "$possum" admin settle reconcile --date "$day" --json
out_has "{\"date\":\"$day\",\"items\":\[\],\"next\":null,\"counts\":{"
out_has '"all":0}'

# A batch that lacks a purchase the host has: the terminal loses its row of 40.00. Its 30.00,
# by chip, is uploaded a message of its own with field 55.
pay TERM0002 30.00 chip chip
pay TERM0002 40.00
lost=$rrn
lost_stan=$(db_sql "$data" "SELECT stan FROM acq_txns WHERE rrn = '$lost' AND kind = 0")
sqlite3 "$tmp/term-TERM0002/possum.db" "DELETE FROM term_txns WHERE amount = 4000"
expect 0 "settle TERM0002" -- "$possum" term settle --state "$tmp/term-TERM0002" --json
out_has '"settle_flag":2'
out_has '"uploaded":1'
uploads=$(db_sql "$data" "SELECT COUNT(*), SUM(amount), MIN(masked) FROM acq_uploads")
case $uploads in
"1|3000|"[0-9]*\**) ok ;;
*) bad "the upload kept: $uploads" ;;
esac
pan=$(sed -n 's/.*"pan": *"\([0-9]*\)".*/\1/p' "$tmp/chip.json")
if [ -z "$pan" ]; then
	bad "no PAN in the card's file"
elif db_sql "$data" "SELECT * FROM acq_uploads" | grep -q "$pan"; then
	bad "the upload keeps the card in the clear"
else
	ok
fi

expect 1 "reconcile with differences" -- "$possum" admin settle reconcile --date "$day"
out_has "^totals_differ *terminal_host *TERM0002 *000001 .* 30.00 CNY *70.00 CNY  sales count 1/2"
out_has "^host_only *terminal_host *TERM0002 *000001 *$lost_stan *$lost .* 40.00 CNY *- *purchase"
out_has "settlement date $day: 2 differences"
[ "$(grep -c . "$tmp/out")" -eq 4 ] && ok || bad "not 2 differences: $(cat "$tmp/out")"
expect 1 "reconcile --json" -- "$possum" admin settle reconcile --date "$day" --json
out_has '{"kind":"totals_differ","side":"terminal_host","tid":"TERM0002","mid":"'$mid'","batch":1,"stan":null,"rrn":null,"card":null,"type":null,"what":"sales","detail":null,"amount":{"amount":3000,"currency":"CNY"},"other_amount":{"amount":7000,"currency":"CNY"},"count":1,"other_count":2}'
out_has '{"kind":"host_only","side":"terminal_host","tid":"TERM0002","mid":"'$mid'","batch":1,"stan":"'"$lost_stan"'","rrn":"'"$lost"'","card":"[0-9]*\*'
out_has '"type":"purchase","what":null,"detail":null,"amount":{"amount":4000,"currency":"CNY"}}'
shape() { # the product's one JSON shape (tests/cli/json_shape.jq), where jq is
	if command -v jq >/dev/null 2>&1; then
		broken=$(jq -r -f "$2/tests/cli/json_shape.jq" "$tmp/out")
		[ -z "$broken" ] && ok || bad "$1: $broken"
	fi
}
shape "reconcile --json" "$2"
out_has '"next":null,"counts":{"totals_differ":1,"terminal_only":0,"host_only":1,"issuer_only":0,"amount_differs":0,"card_differs":0,"reversed_differs":0,"all":2}}'

kill -TERM $pid
wait $pid
pid=

# The issuer's side, on a copy: TERM0001's 10.00 decided as 10.01; its 20.00's decision no
# longer named by the host's request.
db_copy "$data" "$tmp/copy"
first=$(db_sql "$tmp/copy" "SELECT rrn FROM acq_txns WHERE tid = 'TERM0001' AND amount = 1000")
second=$(db_sql "$tmp/copy" "SELECT rrn FROM acq_txns WHERE tid = 'TERM0001' AND amount = 2000")
db_sql "$tmp/copy" "UPDATE decisions SET amount = 1001 WHERE id = (SELECT decision_id FROM acq_txns WHERE rrn = '$first' AND kind = 0);
UPDATE acq_txns SET decision_id = 0 WHERE rrn = '$second' AND kind = 0"
expect 1 "reconcile the issuer's side" -- "$possum" admin settle reconcile --date "$day" --data "$tmp/copy" --json
out_has '{"kind":"amount_differs","side":"host_issuer","tid":"TERM0001","mid":"'$mid'","batch":1,"stan":"[0-9]*","rrn":"'"$first"'",[^}]*"amount":{"amount":1000,"currency":"CNY"},"other_amount":{"amount":1001,"currency":"CNY"}}'
out_has '{"kind":"issuer_only","side":"host_issuer","tid":"TERM0001","mid":"'$mid'","batch":null,"stan":"[0-9]*","rrn":"'"$second"'",[^}]*"detail":"no_host_request","other_amount":{"amount":2000,"currency":"CNY"}}'
shape "reconcile the issuer's side" "$2"
out_has '"issuer_only":1,"amount_differs":1,'
out_has '"all":4}}'

# Bad usage: 2.
expect 2 "no --date" -- "$possum" admin settle reconcile
err_has "--date is required"
expect 2 "a date that is not one" -- "$possum" admin settle reconcile --date 2026-02-30
err_has "--date takes a date YYYY-MM-DD"
expect 2 "an operand" -- "$possum" admin settle reconcile --date "$day" extra
finish
