# e2e_txn.sh — `possum admin txn list|show` and `possum admin merchant balance` against the
# records a running host keeps of `possum term` purchases: the API's filters, one request by
# its RRN, the merchant's balance, the API's JSON (the same bytes as curl gets), a table for
# people (12.34 CNY, masked cards), and bad input (2) and unknown RRN or MID (1). The host runs
# in New York's zone: the answers' 12/13, the JSON's times and the local days are still Beijing's
# ([host] utc_offset = 480), never the machine's.
possum=$1
. "$2/tests/lib.sh"

data=$tmp/host
st=$tmp/term
mid=898310048120001
sed -e 's/^port *=.*/port = 0/' "$2/etc/possum.conf" >"$tmp/possum.conf"
# One card pays many times in a row here: the risk rules (tests/risk) stay off.
printf '\n[risk]\nrules = none\n' >>"$tmp/possum.conf"
export POSSUM_CONFIG=$tmp/possum.conf
TZ=America/New_York "$possum" host --data "$data" --port 0 --api-port 0 >"$tmp/host.out" 2>"$tmp/host.log" &
host_pid=$!
trap 'kill $host_pid 2>/dev/null; wait $host_pid 2>/dev/null; rm -rf "$tmp"' EXIT
for _ in $(seq 100); do grep -q acquirer "$data/host.ports" 2>/dev/null && break; sleep 0.1; done
port=$(sed -n 's/^acquirer=//p' "$data/host.ports")
api=$(sed -n 's/^api=//p' "$data/host.ports")
[ -n "$port" ] || { echo "FAIL: no acquirer port: $(cat "$tmp/host.log")"; exit 1; }

issue_card "$tmp/card.json" 1000.00
"$possum" admin merchant add --data "$data" --name "Possum Cafe" --mcc 5812 --mid $mid >/dev/null
"$possum" admin terminal add --data "$data" --merchant $mid --sn SN0001 --tid TERM0001 --json >"$tmp/tadd.json"
comps=$(grep -o '"component":"[0-9A-F]*","kcv":"[0-9A-F]*"' "$tmp/tadd.json" |
	sed 's/"component":"\([0-9A-F]*\)","kcv":"\([0-9A-F]*\)"/\1:\2/' | paste -sd, -)
t() { "$possum" term "$@" --state "$st"; }
rrn_of() { sed -n 's/.*"rrn":"\([0-9]*\)".*/\1/p' "$tmp/out"; }
expect 0 "init" -- t init --host "127.0.0.1:$port" --tid TERM0001 --mid $mid --sn SN0001 --tmk-components "$comps"
expect 0 "signin" -- t signin
before=$(date -u -d '+8 hours' '+%m%d %H')
expect 0 "purchase 12.34" -- t purchase --card "$tmp/card.json" --pin 123456 --amount 12.34 --json
rrn1=$(rrn_of)
after=$(date -u -d '+8 hours' '+%m%d %H')
stan1=$(sed -n 's/.*"stan":"\{0,1\}\([0-9]*\).*/\1/p' "$tmp/out")
# Fields 13 and 12 of the answer, as the slip prints them: MMDD hhmmss, Beijing's.
expect 0 "receipt: the answer's date and time" -- t receipt --stan "$stan1"
got=$(sed -n 's/.*DATE\/TIME: [0-9]\{4\}-\([0-9][0-9]\)-\([0-9][0-9]\) \([0-9][0-9]\).*/\1\2 \3/p' "$tmp/out" | head -1)
if [ "$got" = "$before" ] || [ "$got" = "$after" ]; then ok; else bad "12/13 are not Beijing time ($before): $got: $(cat "$tmp/out")"; fi
expect 0 "purchase 20.00" -- t purchase --card "$tmp/card.json" --pin 123456 --amount 20.00 --json
rrn2=$(rrn_of)
stan2=$(sed -n 's/.*"stan":"\{0,1\}\([0-9]*\).*/\1/p' "$tmp/out")
expect 0 "void of the 20.00" -- t void --stan "$stan2"
expect 1 "a declined purchase (wrong PIN)" -- t purchase --card "$tmp/card.json" --pin 000000 --amount 3.00
last4=$(sed -n 's/.*"pan": *"[0-9]*\([0-9]\{4\}\)".*/\1/p' "$tmp/card.json")

a() { "$possum" admin "$@" --data "$data"; }

# ---- txn list ----
expect 0 "txn --help" -- "$possum" admin txn list --help
out_has "Usage: possum admin txn list"
out_has "\-\-terminal TID"
expect 0 "txn list" -- a txn list
out_has "$rrn1"
out_has "$rrn2"
out_has "12.34 CNY"
out_has "TERM0001"
if grep -q "[0-9]\{16\}" "$tmp/out"; then bad "a clear card number: $(cat "$tmp/out")"; else ok; fi
out_has "\*\*\*\*\*\*$last4"
out_has " void "
out_has "declined"
expect 0 "txn list --json" -- a txn list --json
out_has '"items":\[{"id":1,"at":"20[0-9-]*T[0-9:]*+08:00"'
out_has '"amount":{"amount":1234,"currency":"CNY"}'
out_has '"next":null'
cp "$tmp/out" "$tmp/cli.json"
if command -v curl >/dev/null 2>&1 && [ -n "$api" ]; then
	expect 0 "operator token" -- "$possum" admin token create --data "$data" --role operator --json
	tok=$(sed -n 's/.*"token":"\([0-9A-F]*\)".*/\1/p' "$tmp/out")
	curl -s -H "Authorization: Bearer $tok" "http://127.0.0.1:$api/api/v1/transactions" >"$tmp/api.json"
	if [ "$(cat "$tmp/api.json")" = "$(cat "$tmp/cli.json")" ]; then ok; else bad "the API's list and the CLI's differ: $(cat "$tmp/api.json") / $(cat "$tmp/cli.json")"; fi
	curl -s -H "Authorization: Bearer $tok" "http://127.0.0.1:$api/api/v1/merchants/$mid/balance?from=2026-01-01" >"$tmp/api.json"
	expect 0 "balance --json, as the API's" -- a merchant balance $mid --from 2026-01-01 --json
	if [ "$(cat "$tmp/api.json")" = "$(cat "$tmp/out")" ]; then ok; else bad "the API's balance and the CLI's differ: $(cat "$tmp/api.json") / $(cat "$tmp/out")"; fi
fi
expect 0 "txn list --status approved" -- a txn list --status approved --json
out_has "\"rrn\":\"$rrn1\""
if grep -q '"status":"declined"' "$tmp/out"; then bad "--status approved lists a decline"; else ok; fi
expect 0 "txn list --status reversed: none was" -- a txn list --status reversed --json
out_has '{"items":\[\],"next":null}'
expect 0 "txn list --status declined" -- a txn list --status declined
out_has " 55 "
expect 0 "txn list --card LAST4 --terminal --mid --amount" -- a txn list --card "$last4" --terminal TERM0001 --mid $mid --amount 12.34 --json
out_has "\"rrn\":\"$rrn1\""
if grep -q "\"rrn\":\"$rrn2\"" "$tmp/out"; then bad "--amount 12.34 lists the 20.00"; else ok; fi
expect 0 "txn list --channel card" -- a txn list --channel card --json
out_has "\"rrn\":\"$rrn1\""
out_has '"channel":"card"'
expect 0 "txn list --channel qr: none paid so" -- a txn list --channel qr --json
out_has '{"items":\[\],"next":null}'
expect 2 "txn list --channel cash" -- a txn list --channel cash
expect 0 "txn list --tid (alias)" -- a txn list --tid TERM0001 --json
out_has "\"rrn\":\"$rrn1\""
expect 0 "txn list --from later" -- a txn list --from 2999-01-01
out_has "^none$"
expect 0 "txn list --to earlier" -- a txn list --to 2000-01-01T00:00:00Z --json
out_has '{"items":\[\],"next":null}'
expect 0 "txn list --to 2000-01-01T08:00:00+08:00" -- a txn list --to 2000-01-01T08:00:00+08:00 --json
out_has '{"items":\[\],"next":null}'
expect 0 "txn list --from today (Beijing's)" -- a txn list --from today --json
out_has "\"rrn\":\"$rrn1\""
expect 0 "txn list --from yesterday --to today: none" -- a txn list --from yesterday --to today
out_has "^none$"
expect 0 "txn list --from $(date -u -d '+8 hours' +%F) (a local day)" -- a txn list --from "$(date -u -d '+8 hours' +%F)" --json
out_has "\"rrn\":\"$rrn1\""
expect 0 "txn list: the table's local time has the year" -- a txn list --limit 1
out_has "^1 *20[0-9][0-9]-[0-9][0-9]-[0-9][0-9] [0-9][0-9]:[0-9][0-9]:[0-9][0-9] "
expect 2 "txn list: tomorrow is not a day it reads" -- a txn list --from tomorrow
err_has "today or yesterday"
expect 2 "txn list: an offset without its colon" -- a txn list --from 2026-11-30T10:00:00+0800
expect 0 "txn list --limit 1" -- a txn list --limit 1 --json
out_has '"next":1}'
expect 0 "txn list --after 1 --limit 1" -- a txn list --after 1 --limit 1
out_has "more: --after 2"
if grep -q "$rrn1" "$tmp/out"; then bad "--after 1 lists the first"; else ok; fi
expect 2 "txn list: bad date" -- a txn list --from 2026-13-01
err_has "\-\-from"
expect 2 "txn list: bad status" -- a txn list --status maybe
err_has "approved, declined, reversed, voided, refunded, cancelled or completed"
expect 2 "txn list: a clear card" -- a txn list --card 6225880000000017
err_has "masked"
expect 2 "txn list: short TID" -- a txn list --terminal T1
expect 2 "txn list: bad limit" -- a txn list --limit 0
expect 2 "txn list: --terminal and --tid" -- a txn list --terminal TERM0001 --tid TERM0001

# [host] utc_offset = 0: the same records' times in UTC; the old name too, and both names
# differing refused with the line. A relative data directory in a config is the config's.
printf '[host]\nutc_offset = 0\n' >"$tmp/utc.conf"
expect 0 "txn list under utc_offset = 0" -- "$possum" admin txn list --data "$data" --config "$tmp/utc.conf" --json
out_has '"at":"20[0-9-]*T[0-9:]*Z"'
printf '[notify]\nutc_offset = -300\n' >"$tmp/ny.conf"
expect 0 "txn list under [notify] utc_offset = -300" -- "$possum" admin txn list --data "$data" --config "$tmp/ny.conf" --json
out_has '"at":"20[0-9-]*T[0-9:]*-05:00"'
printf '[host]\nutc_offset = 0\n[notify]\nutc_offset = 480\n' >"$tmp/both.conf"
expect 2 "utc_offset under both names, differing" -- "$possum" admin txn list --data "$data" --config "$tmp/both.conf"
err_has "both.conf line 4: \[notify\] utc_offset: 480 differs from \[host\] utc_offset = 0 on line 2"
mkdir "$tmp/etc"
printf '[host]\ndata = ../host\n' >"$tmp/etc/rel.conf"
abs_possum=$(cd "$(dirname "$possum")" && pwd)/$(basename "$possum")
expect 0 "a config's relative data directory, from another directory" -- sh -c "cd / && POSSUM_DATA= '$abs_possum' admin txn list --config '$tmp/etc/rel.conf' --json"
out_has "\"rrn\":\"$rrn1\""

# ---- txn show ----
expect 0 "txn show" -- a txn show "$rrn1"
out_has "rrn        $rrn1"
out_has "12.34 CNY"
out_has "approved"
out_has "(local)"
expect 0 "txn show --json" -- a txn show "$rrn2" --json
out_has "\"rrn\":\"$rrn2\""
out_has '"amount":{"amount":2000,"currency":"CNY"}'
expect 1 "txn show: unknown RRN" -- a txn show 999999999999
err_has "no request of RRN 999999999999"
expect 2 "txn show: not an RRN" -- a txn show 12
expect 2 "txn show: no RRN" -- a txn show

# ---- what became of a payment: voided, refunded in part or in full, a void reversed ----
stan_of() { sed -n 's/.*"stan":"\{0,1\}\([0-9]*\).*/\1/p' "$tmp/out"; }
expect 0 "txn show: the voided 20.00" -- a txn show "$rrn2" --json
out_has '"status":"voided"'
expect 0 "txn show: voided, for people" -- a txn show "$rrn2"
out_has "status     voided"
expect 0 "txn list --status voided" -- a txn list --status voided --json
out_has "\"rrn\":\"$rrn2\""
if grep -q "\"rrn\":\"$rrn1\"" "$tmp/out"; then bad "--status voided lists an approved one"; else ok; fi
expect 0 "the void names its original" -- a txn list --json
out_has "\"original\":\"$rrn2\""
expect 0 "purchase 50.00" -- t purchase --card "$tmp/card.json" --pin 123456 --amount 50.00 --json
rrn3=$(rrn_of)
expect 0 "refund 30.00 of the 50.00" -- t refund --rrn "$rrn3" --amount 30.00 --card "$tmp/card.json" --pin 123456 --json
rrn3r=$(rrn_of)
expect 0 "txn show: refunded in part stays approved" -- a txn show "$rrn3" --json
out_has '"status":"approved"'
out_has '"refunded":{"amount":3000,"currency":"CNY"}'
expect 0 "txn show: refunded in part, for people" -- a txn show "$rrn3"
out_has "refunded   30.00 CNY"
expect 0 "txn show: the refund names its original" -- a txn show "$rrn3r" --json
out_has "\"original\":\"$rrn3\""
expect 0 "refund the other 20.00" -- t refund --rrn "$rrn3" --amount 20.00 --card "$tmp/card.json" --pin 123456
expect 0 "txn show: refunded in full" -- a txn show "$rrn3" --json
out_has '"status":"refunded"'
out_has '"refunded":{"amount":5000,"currency":"CNY"}'
expect 0 "txn list --status refunded" -- a txn list --status refunded
out_has "$rrn3 .* refunded"
expect 0 "purchase 5.00" -- t purchase --card "$tmp/card.json" --pin 123456 --amount 5.00 --json
rrn5=$(rrn_of)
stan5=$(stan_of)
expect 1 "void of the 5.00, its answer dropped" -- t void --stan "$stan5" --inject timeout
expect 0 "txn show: voided, before the reversal" -- a txn show "$rrn5" --json
out_has '"status":"voided"'
expect 0 "the void's reversal delivered before a balance enquiry" -- t balance --card "$tmp/card.json" --pin 123456
expect 0 "txn show: the void reversed, approved again" -- a txn show "$rrn5" --json
out_has '"status":"approved"'
expect 0 "txn list --status approved: the 5.00 again, not the voided or refunded" -- a txn list --status approved --json
out_has "\"rrn\":\"$rrn5\""
if grep -q "\"rrn\":\"$rrn2\"\|\"rrn\":\"$rrn3\"" "$tmp/out"; then bad "--status approved lists a voided or refunded one"; else ok; fi
if command -v curl >/dev/null 2>&1 && [ -n "$api" ]; then
	for status in voided refunded approved; do
		curl -s -H "Authorization: Bearer $tok" "http://127.0.0.1:$api/api/v1/transactions?status=$status" >"$tmp/api.json"
		expect 0 "txn list --status $status --json, as the API's" -- a txn list --status $status --json
		if [ "$(cat "$tmp/api.json")" = "$(cat "$tmp/out")" ]; then ok; else bad "status=$status: the API's list and the CLI's differ: $(cat "$tmp/api.json") / $(cat "$tmp/out")"; fi
	done
	curl -s -H "Authorization: Bearer $tok" "http://127.0.0.1:$api/api/v1/transactions?status=maybe" >"$tmp/api.json"
	if grep -q "voided, refunded, cancelled or completed" "$tmp/api.json"; then ok; else bad "status=maybe: $(cat "$tmp/api.json")"; fi
	curl -s -H "Authorization: Bearer $tok" "http://127.0.0.1:$api/api/v1/transactions?channel=qr" >"$tmp/api.json"
	if grep -q '{"items":\[\],"next":null}' "$tmp/api.json"; then ok; else bad "channel=qr: $(cat "$tmp/api.json")"; fi
	curl -s -H "Authorization: Bearer $tok" "http://127.0.0.1:$api/api/v1/transactions?channel=cash" >"$tmp/api.json"
	if grep -q '"field":"channel"' "$tmp/api.json"; then ok; else bad "channel=cash: $(cat "$tmp/api.json")"; fi
fi

# ---- merchant balance ----
expect 0 "merchant balance" -- a merchant balance $mid
out_has "merchant $mid"
# Payments 12.34 + 20.00 + 50.00 + 5.00; back: the void of the 20.00 and the refunds of the
# 50.00 (the void reversed counts nowhere): each voided amount once.
out_has "sales .*87.34 CNY  (4)"
out_has "refunds .*70.00 CNY  (3)"
out_has "net .*17.34 CNY"
expect 0 "merchant balance --json" -- a merchant balance $mid --json
out_has "{\"mid\":\"$mid\",\"from\":null,\"to\":null,\"currencies\":\[{\"sales\":{\"amount\":8734,\"currency\":\"CNY\"},\"sales_count\":4,"
out_has '"net":{"amount":1734,"currency":"CNY"}'
expect 0 "merchant balance, a period without payments" -- a merchant balance $mid --from 2999-01-01
out_has "no payments"
expect 0 "merchant balance --from today --json" -- a merchant balance $mid --from today --json
out_has "\"from\":\"$(date -u -d '+8 hours' +%F)T00:00:00+08:00\""
# Every payment of this test is of today (Beijing's): the same totals as without --from.
a merchant balance $mid --json >"$tmp/all.json"
if [ "$(sed 's/.*"currencies"//' "$tmp/out")" = "$(sed 's/.*"currencies"//' "$tmp/all.json")" ]; then ok; else bad "today's balance is not everything's: $(cat "$tmp/out") / $(cat "$tmp/all.json")"; fi
expect 1 "merchant balance: unknown MID" -- a merchant balance 898000000000000
err_has "no merchant of MID 898000000000000"
expect 2 "merchant balance: bad date" -- a merchant balance $mid --to 30-11-2026
expect 2 "merchant balance: not a MID" -- a merchant balance 898

# ---- what became of a pre-authorization and of a completion (after the balance: a
# completion and its void count there) ----
auth_of() { sed -n 's/.*"auth\(_code\)\{0,1\}":"\([0-9]*\)".*/\2/p' "$tmp/out"; }
expect 0 "preauth 80.00" -- t preauth --card "$tmp/card.json" --pin 123456 --amount 80.00 --json
rrn6=$(rrn_of)
auth6=$(auth_of)
expect 0 "txn show: a pre-authorization open is approved" -- a txn show "$rrn6" --json
out_has '"status":"approved"'
expect 0 "preauth-cancel of the 80.00" -- t preauth-cancel --auth "$auth6" --amount 80.00 --card "$tmp/card.json" --pin 123456 --json
rrn6c=$(rrn_of)
expect 0 "txn show: the pre-authorization cancelled" -- a txn show "$rrn6" --json
out_has '"status":"cancelled"'
expect 0 "txn show: cancelled, for people" -- a txn show "$rrn6"
out_has "status     cancelled"
expect 0 "txn show: the cancel names its pre-authorization" -- a txn show "$rrn6c" --json
out_has "\"original\":\"$rrn6\""
expect 0 "preauth 60.00" -- t preauth --card "$tmp/card.json" --pin 123456 --amount 60.00 --json
rrn7=$(rrn_of)
auth7=$(auth_of)
expect 0 "preauth-complete 45.00 of the 60.00" -- t preauth-complete --auth "$auth7" --amount 45.00 --card "$tmp/card.json" --pin 123456 --json
rrn7c=$(rrn_of)
stan7c=$(stan_of)
expect 0 "txn show: the pre-authorization completed, by 45.00" -- a txn show "$rrn7" --json
out_has '"status":"completed"'
out_has '"completed":{"amount":4500,"currency":"CNY"}'
expect 0 "txn show: completed, for people" -- a txn show "$rrn7"
out_has "completed  45.00 CNY"
expect 0 "txn show: the completion names its pre-authorization" -- a txn show "$rrn7c" --json
out_has "\"original\":\"$rrn7\""
out_has '"status":"approved"'
expect 0 "void of the completion (0200 3=20 25=06)" -- t void --stan "$stan7c" --json
rrn7v=$(rrn_of)
expect 0 "txn show: the completion voided" -- a txn show "$rrn7c" --json
out_has '"status":"voided"'
expect 0 "txn show: the completion's void names it" -- a txn show "$rrn7v" --json
out_has '"type":"completion_void"'
out_has "\"original\":\"$rrn7c\""
expect 0 "txn show: the pre-authorization stays completed" -- a txn show "$rrn7" --json
out_has '"status":"completed"'
expect 0 "txn list --status cancelled" -- a txn list --status cancelled --json
out_has "\"rrn\":\"$rrn6\""
if grep -q "\"rrn\":\"$rrn7\"" "$tmp/out"; then bad "--status cancelled lists the completed one"; else ok; fi
expect 0 "txn list --status completed" -- a txn list --status completed
out_has "$rrn7 .* completed"
if grep -q "$rrn6" "$tmp/out"; then bad "--status completed lists the cancelled one"; else ok; fi
expect 0 "txn list --status voided: the completion too" -- a txn list --status voided --json
out_has "\"rrn\":\"$rrn7c\""
if command -v curl >/dev/null 2>&1 && [ -n "$api" ]; then
	for status in cancelled completed voided; do
		curl -s -H "Authorization: Bearer $tok" "http://127.0.0.1:$api/api/v1/transactions?status=$status" >"$tmp/api.json"
		expect 0 "txn list --status $status --json, as the API's" -- a txn list --status $status --json
		if [ "$(cat "$tmp/api.json")" = "$(cat "$tmp/out")" ]; then ok; else bad "status=$status: the API's list and the CLI's differ: $(cat "$tmp/api.json") / $(cat "$tmp/out")"; fi
	done
	curl -s -H "Authorization: Bearer $tok" "http://127.0.0.1:$api/api/v1/transactions/$rrn7" >"$tmp/api.json"
	expect 0 "txn show --json, as the API's" -- a txn show "$rrn7" --json
	if [ "$(cat "$tmp/api.json")" = "$(cat "$tmp/out")" ]; then ok; else bad "the API's item and the CLI's differ: $(cat "$tmp/api.json") / $(cat "$tmp/out")"; fi
	curl -s -H "Authorization: Bearer $tok" "http://127.0.0.1:$api/api/v1/transactions/$rrn7?source=link" >"$tmp/api.json"
	if grep -q '"no such transaction"' "$tmp/api.json"; then ok; else bad "source=link finds a terminal's: $(cat "$tmp/api.json")"; fi
	curl -s -H "Authorization: Bearer $tok" "http://127.0.0.1:$api/api/v1/transactions/$rrn7?source=elsewhere" >"$tmp/api.json"
	if grep -q '"field":"source"' "$tmp/api.json"; then ok; else bad "source=elsewhere: $(cat "$tmp/api.json")"; fi
fi
expect 0 "txn show --source terminal" -- a txn show "$rrn7" --source terminal --json
out_has "\"rrn\":\"$rrn7\""
expect 1 "txn show --source link: not the link's" -- a txn show "$rrn7" --source link
err_has "no request of RRN $rrn7"
expect 2 "txn show --source elsewhere" -- a txn show "$rrn7" --source elsewhere
err_has "\-\-source: terminal or link"

# Every time a person reads is local with its year, whatever the machine's zone: terminal,
# merchant, token and audit lines (an audit entry's before and after, indented, are the
# records as kept: their times UTC, as they say), and the JSON of merchant show (+08:00).
local_now=$(date -u -d '+8 hours' '+%F %H')
for cmd in "terminal show TERM0001" "merchant show $mid" "token list" "audit --limit 3"; do
	# shellcheck disable=SC2086
	expect 0 "$cmd" -- env TZ=America/New_York "$possum" admin $cmd --data "$data"
	out_has "$local_now:[0-5][0-9]:[0-5][0-9]"
	if grep -v '^  ' "$tmp/out" | grep -q '[0-9]Z\b'; then bad "$cmd shows a UTC time: $(grep '[0-9]Z' "$tmp/out" | head -2)"; else ok; fi
done
expect 0 "merchant show --json" -- a merchant show $mid --json
out_has '"at":"20[0-9-]*T[0-9:]*+08:00"'

kill -TERM $host_pid
wait $host_pid
finish
