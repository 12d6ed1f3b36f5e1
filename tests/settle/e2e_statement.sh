#!/bin/sh
# e2e_statement.sh POSSUM SOURCE_DIR — a merchant's statement and payouts (docs/settle.md
# "Statements", docs/api.md "Statements and payouts") on the records of a real host. As in
# e2e_close.sh the day is closed without faking the clock: the host runs under utc_offset -720
# with cutoff 00:00 (every decision belongs to the day after its local date) and the close
# under utc_offset 840, where that day is past its cut-off. The day: a capped debit purchase
# (3635.46, fee 20.00), a purchase of 200.00 (1.10) refunded 50.00 (0.28 returned), and a
# pre-authorization of 80.00 left open. Before the close: the statement says not closed, the
# balance has it all as not closed and the 80.00 held. After it: `possum admin statement` in
# every format, checked to the fen, the API's JSON and CSV the same as the command's; the
# payout made, failed, made again and paid, the payouts list paged newest first, the balance's
# figures following; a merchant's token reading another merchant's (404), a bad date (400),
# an unknown merchant (404, exit 1), bad usage (2).
possum=$1
. "$2/tests/lib.sh"

if ! "$possum" admin statement --help >/dev/null 2>&1; then
	echo "skipped: no statement"
	exit 0
fi

data=$tmp/host
mid=898310048120001
other=898310048120002
conf() { # conf OFFSET SOURCE FILE: the shipped configuration, cutoff 00:00, utc_offset OFFSET
	sed -e "s/^cutoff *=.*/cutoff = 00:00/" -e "s/^utc_offset *=.*/utc_offset = $1/" \
		-e "s|^log *=.*|log = $tmp/host.log|" "$2/etc/possum.conf" >"$3"
}
conf -720 "$2" "$tmp/behind.conf"
conf 840 "$2" "$tmp/ahead.conf"
export POSSUM_CONFIG=$tmp/behind.conf
issue_card "$tmp/card.json" 10000.00
"$possum" admin merchant add --data "$data" --name "Possum <Cafe> & Co" --mcc 5812 --mid $mid >/dev/null
"$possum" admin merchant add --data "$data" --name "Other Shop" --mcc 5411 --mid $other >/dev/null
"$possum" admin terminal add --data "$data" --merchant $mid --sn SNTERM0001 --tid TERM0001 \
	--json >"$tmp/tid.json"
comps=$(grep -o '"component":"[0-9A-F]*","kcv":"[0-9A-F]*"' "$tmp/tid.json" |
	sed 's/"component":"\([0-9A-F]*\)","kcv":"\([0-9A-F]*\)"/\1:\2/' | paste -sd, -)
token_of() { sed -n 's/.*"token":"\([0-9A-F]*\)".*/\1/p' "$tmp/out"; }
expect 0 "token: operator" -- "$possum" admin token create --data "$data" --role operator --json
op=$(token_of)
expect 0 "token: merchant" -- "$possum" admin token create --data "$data" --role merchant --merchant $mid --json
mt=$(token_of)
expect 0 "token: the other merchant" -- "$possum" admin token create --data "$data" --role merchant --merchant $other --json
ot=$(token_of)

pid=
trap 'kill $pid 2>/dev/null; wait $pid 2>/dev/null; rm -rf "$tmp"' EXIT
"$possum" host --data "$data" --port 0 --api-port 0 --terminal-port 0 >"$tmp/host.out" 2>"$tmp/host.err" &
pid=$!
wait_ports "$data" $pid
tport=$(sed -n 's/^acquirer=//p' "$data/host.ports")
api=$(sed -n 's/^api=//p' "$data/host.ports")
[ -n "$tport" ] && [ -n "$api" ] || { echo "FAIL: no ports: $(cat "$tmp/host.err")"; exit 1; }
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
pay "purchase 200.00" -- purchase --card "$tmp/card.json" --pin 123456 --amount 200.00
rrn2=$(sed -n 's/.*"rrn":"\([0-9]*\)".*/\1/p' "$tmp/out")
pay "refund 50.00" -- refund --rrn "$rrn2" --amount 50.00 --card "$tmp/card.json" --pin 123456
pay "preauth 80.00" -- preauth --card "$tmp/card.json" --pin 123456 --amount 80.00

expect 0 "txn show" -- "$possum" admin txn show "$rrn" --json --data "$data"
day=$(sed -n 's/.*"settle_date":"\([0-9-]*\)".*/\1/p' "$tmp/out")
[ -n "$day" ] || bad "no settle_date: $(cat "$tmp/out")"

# api METHOD PATH TOKEN [CURL ARGS]: the answer in $tmp/out, its status in $code.
api_get() {
	p=$1 t=$2
	shift 2
	code=$(curl -s -o "$tmp/out" -w '%{http_code}' -H "Authorization: Bearer $t" "$@" "http://127.0.0.1:$api$p")
}
status() { # WANT WHAT
	if [ "$code" = "$1" ]; then ok; else bad "$2: HTTP $code, expected $1: $(head -c 300 "$tmp/out")"; fi
}
money() { echo "\"$1\":{\"amount\":$2,\"currency\":\"CNY\"}"; }

# ---- before the close ----
expect 0 "statement, not closed" -- "$possum" admin statement --merchant $mid --date "$day" --data "$data"
out_has "not closed"
out_has "total 合计: 3 transactions, amount 3785.46 CNY, fees -, net -"
api_get "/api/v1/merchants/$mid/statements/$day" "$mt"
status 200 "the API's statement, not closed"
out_has '"closed":false'
out_has '"payout":null'
api_get "/api/v1/merchants/$mid/balance" "$mt"
status 200 "balance before the close"
out_has "$(money settled_paid 0),$(money settled_unpaid 0),$(money not_closed 378546),\"not_closed_count\":3,$(money preauth_held 8000),\"preauth_held_count\":1"

# ---- the close ----
expect 0 "settle run" -- env POSSUM_CONFIG="$tmp/ahead.conf" "$possum" admin settle run --date "$day" --json --data "$data"
payday=$(sed -n 's/.*"payout_date":"\([0-9-]*\)".*/\1/p' "$tmp/out")

expect 0 "statement, text" -- "$possum" admin statement --merchant $mid --date "$day" --data "$data"
out_has "^statement 对账单  $mid  Possum <Cafe> & Co  $day  closed$"
out_has " TERM0001 purchase .* debit  *$rrn .*3635.46 CNY  *20.00 CNY  *3615.46 CNY$"
out_has " refund .*-50.00 CNY  *-0.28 CNY  *-49.72 CNY$"
out_has "^total 合计: 3 transactions, amount 3785.46 CNY, fees 20.82 CNY, net 3764.64 CNY$"
out_has "^payout 结算: owed 3764.64 CNY, due $payday"
if grep -q preauth "$tmp/out"; then bad "an open pre-authorization on the statement"; else ok; fi
expect 0 "statement, csv" -- "$possum" admin statement --merchant $mid --date "$day" --format csv --data "$data"
cp "$tmp/out" "$tmp/cli.csv"
if [ "$(head -1 "$tmp/cli.csv")" = "$(printf 'time,tid,type,card,product,rrn,auth_code,amount,fee,net,channel\r')" ]; then ok; else bad "the CSV's header: $(head -1 "$tmp/cli.csv")"; fi
[ "$(wc -l <"$tmp/cli.csv")" -eq 4 ] && ok || bad "the CSV's lines: $(cat "$tmp/cli.csv")"
out_has ",TERM0001,purchase,[0-9]\{6\}\*\{6,\}[0-9]\{4\},debit,$rrn,[0-9]*,3635.46,20.00,3615.46"
out_has ",refund,.*,-50.00,-0.28,-49.72"
if grep -q "[0-9]\{16\}" "$tmp/cli.csv"; then bad "a clear card number in the CSV"; else ok; fi
expect 0 "statement, html" -- "$possum" admin statement --merchant $mid --date "$day" --format html --data "$data"
out_has "@page { size: A4"
out_has "Possum &lt;Cafe&gt; &amp; Co"
out_has "3764.64 CNY"
if grep -q "<Cafe>" "$tmp/out"; then bad "the name not escaped in the HTML"; else ok; fi
expect 0 "statement, json" -- "$possum" admin statement --merchant $mid --date "$day" --format json --data "$data"
cp "$tmp/out" "$tmp/cli.json"
out_has "^{\"mid\":\"$mid\",\"merchant_name\":\"Possum <Cafe> & Co\",\"date\":\"$day\",\"closed\":true,\"items\":\[{"
out_has "\"next\":null,\"totals\":{\"count\":3,$(money amount 378546),$(money fees 2082),$(money net 376464),\"channels\":{\"card\":{\"count\":3,$(money amount 378546),$(money fees 2082),$(money net 376464)},\"qr\":{\"count\":0,$(money amount 0),$(money fees 0),$(money net 0)}}},\"payout\":{\"payout_id\":null,\"payout_date\":\"$payday\",\"status\":\"owed\",\"reason\":null,$(money amount 376464)}}$"
out_has "\"at\":\"[0-9-]*T[0-9:]*-12:00\""
expect 0 "statement --json" -- "$possum" admin statement --merchant $mid --date "$day" --json --data "$data"
if cmp -s "$tmp/out" "$tmp/cli.json"; then ok; else bad "--json is not --format json"; fi

api_get "/api/v1/merchants/$mid/statements/$day" "$mt"
status 200 "the API's statement"
if [ "$(cat "$tmp/out")" = "$(cat "$tmp/cli.json")" ]; then ok; else bad "the API's JSON and the command's differ: $(cat "$tmp/out")"; fi
api_get "/api/v1/merchants/$mid/statements/$day" "$op" -H "Accept: text/csv"
status 200 "the API's CSV"
if cmp -s "$tmp/out" "$tmp/cli.csv"; then ok; else bad "the API's CSV and the command's differ: $(cat "$tmp/out")"; fi
ctype=$(curl -s -o /dev/null -w '%{content_type}' -H "Authorization: Bearer $op" -H "Accept: text/csv;q=0.9, application/json;q=0.5" "http://127.0.0.1:$api/api/v1/merchants/$mid/statements/$day")
case $ctype in text/csv*) ok ;; *) bad "Content-Type $ctype for text/csv" ;; esac
api_get "/api/v1/merchants/$mid/statements/$day" "$ot"
status 404 "another merchant's statement"
api_get "/api/v1/merchants/$mid/statements/2026-02-30" "$op"
status 400 "a bad date"
out_has '"field":"date"'
api_get "/api/v1/merchants/898000000000000/statements/$day" "$op"
status 404 "an unknown merchant's statement"
api_get "/api/v1/merchants/$mid/balance" "$mt"
out_has "$(money settled_paid 0),$(money settled_unpaid 376464),$(money not_closed 0),\"not_closed_count\":0,$(money preauth_held 8000),\"preauth_held_count\":1"

# ---- payouts: made, failed, made again, paid ----
export POSSUM_CONFIG=$tmp/ahead.conf
pan=$(sed -n 's/.*"pan": *"\([0-9]*\)".*/\1/p' "$tmp/card.json")
expect 0 "settlement-card start" -- "$possum" admin settlement-card start $mid --card "$pan" \
	--holder "Zhang San" --id-number 110101199003070000 --phone 13800000000 --data "$data"
code=$(sms_code "$data/sms.jsonl")
expect 0 "settlement-card confirm" -- "$possum" admin settlement-card confirm $mid --code "$code" --data "$data"
expect 0 "payouts run" -- "$possum" admin payouts run --date "$payday" --data "$data"
api_get "/api/v1/merchants/$mid/balance" "$op"
out_has "$(money settled_paid 0),$(money settled_unpaid 376464)"
printf '1,failed,BANKF001\n' >"$tmp/failed.csv"
expect 0 "payouts confirm, failed" -- "$possum" admin payouts confirm "$tmp/failed.csv" --data "$data"
expect 0 "payouts run again" -- "$possum" admin payouts run --date "$payday" --data "$data"
export POSSUM_CONFIG=$tmp/behind.conf
expect 0 "statement, payout made" -- "$possum" admin statement --merchant $mid --date "$day" --json --data "$data"
out_has "\"payout\":{\"payout_id\":2,\"payout_date\":\"$payday\",\"status\":\"made\",\"reason\":null,$(money amount 376464)}}$"
api_get "/api/v1/merchants/$mid/payouts" "$mt"
status 200 "payouts"
out_has "^{\"items\":\[{\"payout_id\":2,\"mid\":\"$mid\",\"date\":\"$payday\",$(money amount 376464),\"card\":\"[0-9]\{6\}\*\{6,\}[0-9]\{4\}\",\"settle_dates\":\[\"$day\"\],\"status\":\"made\","
out_has "{\"payout_id\":1,.*\"status\":\"failed\",\"reason\":\"bank_failed\",\"bank_reference\":\"BANKF001\""
out_has '"next":null}$'
api_get "/api/v1/merchants/$mid/payouts?limit=1" "$op"
out_has '^{"items":\[{"payout_id":2,.*"next":2}$'
api_get "/api/v1/merchants/$mid/payouts?limit=1&after=2" "$op"
out_has '^{"items":\[{"payout_id":1,.*"next":null}$'
api_get "/api/v1/merchants/$mid/payouts" "$ot"
status 404 "another merchant's payouts"
api_get "/api/v1/merchants/$other/payouts" "$ot"
status 200 "its own payouts, none"
out_has '^{"items":\[\],"next":null}$'
api_get "/api/v1/merchants/$mid/payouts?limit=0" "$op"
status 400 "payouts, a bad limit"
printf 'payout_id,status,bank_reference\n2,paid,BANK0002\n' >"$tmp/paid.csv"
expect 0 "payouts confirm, paid" -- "$possum" admin payouts confirm "$tmp/paid.csv" --data "$data"
api_get "/api/v1/merchants/$mid/balance" "$mt"
out_has "$(money settled_paid 376464),$(money settled_unpaid 0),$(money not_closed 0),\"not_closed_count\":0,$(money preauth_held 8000)"
expect 0 "merchant balance" -- "$possum" admin merchant balance $mid --data "$data"
out_has "^settled, paid  *3764.64 CNY$"
out_has "^preauth held  *80.00 CNY  (1)$"
expect 0 "statement, paid" -- "$possum" admin statement --merchant $mid --date "$day" --data "$data"
out_has "^payout 结算: 2 paid $payday (3764.64 CNY)$"

# ---- refused and bad usage ----
expect 1 "statement, unknown merchant" -- "$possum" admin statement --merchant 898000000000000 --date "$day" --data "$data"
err_has "no such merchant: 898000000000000"
expect 2 "statement, a bad date" -- "$possum" admin statement --merchant $mid --date 2026-02-30 --data "$data"
err_has "YYYY-MM-DD"
expect 2 "statement, a bad format" -- "$possum" admin statement --merchant $mid --date "$day" --format pdf --data "$data"
expect 2 "statement, --json and --format csv" -- "$possum" admin statement --merchant $mid --date "$day" --format csv --json --data "$data"
expect 2 "statement, no --date" -- "$possum" admin statement --merchant $mid --data "$data"
kill -TERM $pid
wait $pid
pid=
finish
