#!/bin/sh
# e2e_json_shape.sh — one JSON shape everywhere: every `possum admin … --json` and the API's
# answers, from a fresh data directory with a merchant, a terminal and a purchase, are checked
# by tests/cli/json_shape.jq (lists as {"items":[…],"next":…}, amounts as integers in minor
# units with an alphabetic currency, times in RFC 3339), and so are the text messages' JSON
# lines (DATA/sms.jsonl). A new command's JSON is checked by adding its line to the list below.
possum=$1
. "$2/tests/lib.sh"

command -v jq >/dev/null 2>&1 || { echo "e2e_json_shape: jq is needed (scripts/bootstrap installs it)" >&2; exit 1; }
command -v curl >/dev/null 2>&1 || { echo "e2e_json_shape: curl is needed (scripts/bootstrap installs it)" >&2; exit 1; }

data=$tmp/data
sed -e 's/^port *=.*/port = 0/' "$2/etc/possum.conf" >"$tmp/possum.conf"
export POSSUM_CONFIG=$tmp/possum.conf
shape=$2/tests/cli/json_shape.jq
mid=898310048120001
mkdir "$tmp/json"
n=0

# keep WHAT: files the last output as a document to check, named WHAT.
keep() {
	n=$((n + 1))
	printf '%s\n' "$1" >"$tmp/json/$n.what"
	cp "$tmp/out" "$tmp/json/$n.json"
}
# admin WHAT ARGS…: `possum admin ARGS… --data DATA --json`, which must succeed; kept.
admin() {
	what=$1
	shift
	expect 0 "$what" -- "$possum" admin "$@" --data "$data" --json
	keep "$what"
}

admin "card issue debit" card issue --product debit --holder "Zhang San" --id-number 110101199003070000 \
	--phone 13800000000 --pin 123456 --balance 1000.00 --out "$tmp/card.json"
admin "card issue credit" card issue --product credit --holder "Li Si" --id-number 110101199003070001 \
	--phone 13800000001 --limit 5000.00
pan=$(jq -r .pan "$tmp/card.json")
admin "card show" card show "$pan"
admin "card list" card list
admin "card status" card status "$pan"
admin "account credit" account credit "$pan" --amount 10.00
admin "ledger account create" ledger account create --code shape --currency CNY --limit 500
admin "ledger account show" ledger account show 1
admin "ledger transfer" ledger transfer --debit 2 --credit 1 --amount 1 --currency 156
admin "ledger check" ledger check
admin "token create" token create --role operator --label shape
op=$(jq -r .token "$tmp/out")
admin "token list" token list
admin "user add" user add --role operator --name shape
admin "user list" user list
admin "user totp" user totp shape
admin "user disable" user disable shape
admin "user unlock" user unlock shape
admin "merchant add" merchant add --name "Possum Cafe" --mcc 5812 --mid $mid
admin "merchant show" merchant show $mid
admin "merchant list" merchant list
admin "tms capk add" tms capk add --rid A000000003 --index 92 --exponent 03 --expiry 20991231 \
	--modulus 996AF56F569187D09293C14810450ED8EE3357397B18A2458EFAA92DA3B6DF6514EC060195318FD43BE9
admin "tms capk revoke" tms capk revoke --rid A000000003 --index 92 --reason shape
admin "tms capk list" tms capk list --all
admin "tms aid add" tms aid add --aid A0000000031010 --label Visa --floor-limit 300.00
admin "tms aid list" tms aid list
admin "merchant fees" merchant fees $mid --credit 0.58 --debit-cap 18.00
admin "merchant limits" merchant limits $mid --daily 50000 --per-txn 2000
admin "review due" review due
admin "settlement-card show" settlement-card show $mid
admin "link zpk" link zpk
admin "link saf" link saf
admin "link status" link status
expect 0 "hsm generate" -- "$possum" hsm generate --usage P0 --lmk "$data/lmk" --json
keep "hsm generate"
# A device certificate as `possum certify run` records it (written here behind the store's
# back: no terminal is run through the suite), revoked, and listed.
db_sql "$data" "INSERT INTO certify_certificates (id, model, version, suite, passed_cases, issued_at,
	issued_by, report_sha256) VALUES ('CERT-00000000000A', 'PX-7', '321702', 'cup-pos', 18,
	1796000000, 'cli:certify', '')" >/dev/null
expect 0 "certify revoke" -- "$possum" certify revoke CERT-00000000000A --reason shape --data "$data" --json
keep "certify revoke"
expect 0 "certify list" -- "$possum" certify list --all --data "$data" --json
keep "certify list"

"$possum" host --data "$data" --port 0 >"$tmp/host.out" 2>"$tmp/host.log" &
host_pid=$!
trap 'kill $host_pid 2>/dev/null; wait $host_pid 2>/dev/null; rm -rf "$tmp"' EXIT
wait_ports "$data" $host_pid
api=$(sed -n 's/^api=//p' "$data/host.ports" 2>/dev/null)
acq=$(sed -n 's/^acquirer=//p' "$data/host.ports" 2>/dev/null)
if [ -n "$api" ] && [ "$api" -gt 0 ]; then ok; else bad "no API port: $(cat "$tmp/host.log")"; finish; exit; fi

admin "terminal add" terminal add --merchant $mid --sn SNSHAPE1 --tid TERMS001
comps=$(jq -r '[.components[] | "\(.component):\(.kcv)"] | join(",")' "$tmp/out")
"$possum" term init --state "$tmp/term" --host "127.0.0.1:$acq" --tid TERMS001 --mid $mid --sn SNSHAPE1 \
	--tmk-components "$comps" >/dev/null && "$possum" term signin --state "$tmp/term" >/dev/null
expect 0 "a purchase" -- "$possum" term purchase --state "$tmp/term" --card "$tmp/card.json" --pin 123456 \
	--amount 12.34 --json
keep "term purchase"
cp "$tmp/out" "$tmp/purchase.json"
# term WHAT ARGS…: `possum term ARGS… --state STATE --json`, which must succeed; kept.
term() {
	what=$1
	shift
	expect 0 "$what" -- "$possum" term "$@" --state "$tmp/term" --json
	keep "$what"
}
term "term balance" balance --card "$tmp/card.json" --pin 123456
term "term batch" batch
term "term receipt" receipt "$(jq -r .stan "$tmp/purchase.json")"
admin "terminal show" terminal show --tid TERMS001
admin "terminal list" terminal list
admin "terminal status" terminal status --tid TERMS001
admin "terminal qr" terminal qr --tid TERMS001 --png "$tmp/qr.png"
qr_payload=$(jq -r .payload "$tmp/out")
admin "terminal model" terminal model TERMS001 PX-7
admin "tms param set" tms param set --model PX-7 language en
admin "tms param unset" tms param unset --model PX-7 language
admin "tms param list" tms param list --model PX-7
admin "tms param show" tms param show --terminal TERMS001
admin "tms minimum set" tms minimum set --model PX-7 --version POSSUM02 --after 2099-12-31
admin "tms status" tms status
admin "txn list" txn list
rrn=$(jq -r '.items[0].rrn' "$tmp/out")
admin "txn show" txn show "$rrn"
sday=$(jq -r .settle_date "$tmp/out")
admin "statement, a day not closed" statement --merchant $mid --date "$sday"
admin "settle reconcile" settle reconcile --date "$sday"
admin "merchant balance" merchant balance $mid
admin "card show after the purchase" card show "$pan"
admin "settlement-card start" settlement-card start $mid --card "$pan" --holder "Zhang San" \
	--id-number 110101199003070000 --phone 13800000000
code=$(sms_code "$data/sms.jsonl")
admin "settlement-card confirm" settlement-card confirm $mid --code "$code"
admin "settlement-card show, bound" settlement-card show $mid
admin "account debit" account debit "$pan" --amount 1.00
admin "wallet code" wallet code --card "$pan"
paycode=$(jq -r .code "$tmp/out")
admin "wallet pay-qr" wallet pay-qr --payload "$qr_payload" --amount 1.00 --card "$pan"
term "term qr-pay" qr-pay --code "$paycode" --amount 1.00
term "term qr-query" qr-query "$(jq -r .stan "$tmp/out")"
term "term qr-refund" qr-refund --rrn "$(jq -r .rrn "$tmp/out")" --amount 1.00
term "term qr-result" qr-result
term "term download" download
term "term params" params
admin "card phone" card phone "$pan" --phone 13800000009
admin "card revoke-auth" card revoke-auth "$pan" --reason "a test"
printf '%%PDF-1.4 licence\n%%%%EOF\n' >"$tmp/licence.pdf"
admin "merchant document add" merchant document add $mid --type licence --file "$tmp/licence.pdf"
admin "terminal suspend" terminal suspend --tid TERMS001 --reason "a test"
admin "audit" audit
admin "settle adjust" settle adjust --merchant $mid --amount -1.50 --reason "a test"
admin "settle adjustments" settle adjustments
admin "audit, a page" audit --limit 2

# get PATH: the API's answer to the operator's GET, which must be 200; kept.
get() {
	code=$(curl -s -o "$tmp/out" -w '%{http_code}' -H "Authorization: Bearer $op" "http://127.0.0.1:$api$1")
	if [ "$code" = 200 ]; then ok; else bad "GET $1: HTTP $code: $(head -c 300 "$tmp/out")"; fi
	keep "GET $1"
}
get /api/v1/whoami
get /api/v1/merchants
get /api/v1/merchants/$mid
get /api/v1/merchants/$mid/balance
get /api/v1/merchants/$mid/statements/$sday
get /api/v1/merchants/$mid/payouts
get /api/v1/merchants/$mid/settlement-card
get /api/v1/merchants/$mid/documents
get /api/v1/tms/capks?all=true
get /api/v1/tms/aids
get /api/v1/terminals
get /api/v1/terminals/TERMS001
get /api/v1/terminals/TERMS001/status
get /api/v1/transactions
get /api/v1/settle/adjustments
get "/api/v1/ops/live?seconds=30"
get /api/v1/ops/declines
get /api/v1/settle/days
get "/api/v1/payouts?date=$sday"
get "/api/v1/audit?limit=5"
get "/api/v1/cards?last4=$(printf %s "$pan" | tail -c 4)"
get /api/v1/links
get "/api/v1/tms/params?terminal=TERMS001"
get "/api/v1/tms/params?level=model&name=PX-7"
get "/api/v1/tms/status?model=PX-7"
# post WANT PATH BODY: the API's answer to the operator's POST, which must be WANT; kept.
post() {
	code=$(curl -s -o "$tmp/out" -w '%{http_code}' -H "Authorization: Bearer $op" -X POST -d "$3" \
		"http://127.0.0.1:$api$2")
	if [ "$code" = "$1" ]; then ok; else bad "POST $2: HTTP $code: $(head -c 300 "$tmp/out")"; fi
	keep "POST $2"
}
post 202 /api/v1/cardholder/auth/start "{\"card\":\"$pan\",\"holder\":\"Zhang San\",\"id_number\":\"110101199003070000\",\"phone\":\"13800000009\"}"
post 200 /api/v1/cardholder/auth/status "{\"card\":\"$pan\"}"
cid=$(jq -r '.items[0].id' "$tmp/json/4.json")
post 200 /api/v1/cards/$cid/loss '{"kind":"lost"}'
# The day's reconciliation after the balance inquiry and the card's authentication: neither
# moves money, so neither is compared (no difference of currency "000").
get "/api/v1/settle/reconcile/$sday"

# The text messages' lines (the one-time code just sent), one document each.
if [ -s "$data/sms.jsonl" ]; then ok; else bad "no text message in $data/sms.jsonl"; fi
while IFS= read -r line; do
	printf '%s\n' "$line" >"$tmp/out"
	keep "sms.jsonl line"
done <"$data/sms.jsonl"

# The check: each kept document is JSON and keeps the shape.
i=1
while [ $i -le $n ]; do
	what=$(cat "$tmp/json/$i.what")
	if ! jq -e . "$tmp/json/$i.json" >/dev/null 2>&1; then
		bad "$what: not one JSON document: $(head -c 300 "$tmp/json/$i.json")"
	elif jq -r -f "$shape" "$tmp/json/$i.json" >"$tmp/wrong" 2>&1 && [ ! -s "$tmp/wrong" ]; then
		ok
	else
		bad "$what: $(head -5 "$tmp/wrong")"
	fi
	i=$((i + 1))
done

# The checker itself sees each kind of break.
for doc in '[{"id":1}]' '{"balance":"1000.00","currency":"CNY"}' '{"amount":100,"currency":156}' \
	'{"limit":100}' '{"created_at":1764511200}' '{"at":"2026-11-30 14:00"}' '{"items":[]}'; do
	if [ -n "$(printf '%s' "$doc" | jq -r -f "$shape")" ]; then ok; else bad "the checker passes $doc"; fi
done
for doc in '{"items":[],"next":null}' '{"amount":100,"currency":"CNY","at":"2026-11-30T22:00:00+08:00"}' \
	'{"held":{"amount":0,"currency":"CNY"},"revoked":null}'; do
	if [ -z "$(printf '%s' "$doc" | jq -r -f "$shape")" ]; then ok; else bad "the checker fails $doc"; fi
done

kill -TERM $host_pid
wait $host_pid
if [ $? -eq 0 ]; then ok; else bad "the host did not stop cleanly"; fi

# The host's log: one JSON object a line, each keeping the shape ("transaction" lines
# included: amount in minor units beside an alphabetic currency).
grep -c . "$tmp/host.log" >/dev/null && ok || bad "the host logged nothing"
cp "$tmp/host.log" "$tmp/host.lines"
while IFS= read -r line; do
	if ! printf '%s\n' "$line" | jq -e . >/dev/null 2>&1; then
		bad "a log line that is not JSON: $line"
	elif [ -n "$(printf '%s\n' "$line" | jq -r -f "$shape" 2>&1)" ]; then
		bad "log line $line: $(printf '%s\n' "$line" | jq -r -f "$shape" 2>&1 | head -3)"
	else
		ok
	fi
done <"$tmp/host.lines"
finish
