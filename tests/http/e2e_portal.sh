#!/bin/sh
# e2e_portal.sh — what the merchant portal reads beyond the rest of the API, with curl against
# a real host after real purchases by `possum term`: a merchant's takings by the hour and by the
# day, per card product (a debit and a credit card) and channel, with their totals; another
# merchant's MID (404), a bad bucket or period (400), an unknown merchant (404). Then the
# console itself at / (index.html, its scripts and uPlot, built into the binary) and the
# security header it is served with.
possum=$1
. "$2/tests/lib.sh"

command -v curl >/dev/null 2>&1 || { echo "e2e_portal: curl is needed (scripts/bootstrap installs it)" >&2; exit 1; }
command -v jq >/dev/null 2>&1 || { echo "e2e_portal: jq is needed (scripts/bootstrap installs it)" >&2; exit 1; }

data=$tmp/host
st=$tmp/term
sed -e 's/^port *=.*/port = 0/' "$2/etc/possum.conf" >"$tmp/possum.conf"
export POSSUM_CONFIG=$tmp/possum.conf
A=898310048120001
B=898310048120002
"$possum" admin merchant add --data "$data" --name "Possum Cafe" --mcc 5812 --mid $A >/dev/null
"$possum" admin merchant add --data "$data" --name "Other Shop" --mcc 5411 --mid $B >/dev/null
token() { "$possum" admin token create --data "$data" "$@" --json | jq -r .token; }
ma=$(token --role merchant --merchant $A)
aud=$(token --role auditor)

"$possum" host --data "$data" --port 0 >"$tmp/host.out" 2>"$tmp/host.log" &
host_pid=$!
trap 'kill $host_pid 2>/dev/null; wait $host_pid 2>/dev/null; rm -rf "$tmp"' EXIT
wait_ports "$data" $host_pid
api=$(sed -n 's/^api=//p' "$data/host.ports" 2>/dev/null)
acq=$(sed -n 's/^acquirer=//p' "$data/host.ports" 2>/dev/null)
[ -n "$api" ] || { bad "no api port: $(cat "$tmp/host.log")"; finish; exit; }

issue() { # PRODUCT ID-SUFFIX FILE --balance|--limit
	"$possum" admin card issue --data "$data" --product "$1" --holder "Zhang San" \
		--id-number "11010119900307$2" --phone 13800000000 --pin 123456 "$4" 1000.00 \
		--out "$3" >/dev/null || bad "card issue $1"
}
issue debit 0000 "$tmp/debit.json" --balance
issue credit 0011 "$tmp/credit.json" --limit
terminal() { # MID TID SN
	"$possum" admin terminal add --data "$data" --merchant "$1" --sn "$3" --tid "$2" --json >"$tmp/tadd.json"
	comps=$(jq -r '.tmk_components' "$tmp/tadd.json")
	"$possum" term init --state "$st$2" --host "127.0.0.1:$acq" --tid "$2" --mid "$1" --sn "$3" \
		--tmk-components "$comps" >/dev/null && "$possum" term signin --state "$st$2" >/dev/null
}
pay() { # TID CARD AMOUNT
	"$possum" term purchase --state "$st$1" --card "$tmp/$2.json" --pin 123456 --amount "$3" --json
}
terminal $A TERMA001 SNA1 && terminal $B TERMB001 SNB1 || bad "terminals: $(cat "$tmp/host.log" | tail -3)"
for p in "TERMA001 debit 12.34" "TERMA001 debit 1.00" "TERMA001 credit 20.00" "TERMB001 debit 56.78"; do
	run pay $p
	out_has '"rc":"00"'
done

# api METHOD PATH TOKEN: the body in $tmp/out, the status in $code.
api() {
	code=$(curl -s -o "$tmp/out" -D "$tmp/headers" -w '%{http_code}' -X "$1" \
		${3:+-H "Authorization: Bearer $3"} "http://127.0.0.1:$api$2")
}
status() { # WANT WHAT
	if [ "$code" = "$1" ]; then ok; else bad "$2: HTTP $code, expected $1: $(head -c 300 "$tmp/out")"; fi
}
is() { # WHAT JQ WANT
	v=$(jq -c "$2" "$tmp/out")
	if [ "$v" = "$3" ]; then ok; else bad "$1: $2 is $v, expected $3"; fi
}

# ---- the takings ----
api GET "/api/v1/merchants/$A/takings" "$ma"
status 200 "takings today by the hour"
is "by" .by '"hour"'
is "from: today's local midnight" '.from | test("T00:00:00\\+08:00$")' true
is "to: none" .to null
is "the debit card's total" '[.totals[] | select(.product == "debit" and .channel == "card")] | .[0] | [.count, .amount.amount, .amount.currency]' '[2,1334,"CNY"]'
is "the credit card's total" '[.totals[] | select(.product == "credit")] | .[0] | [.count, .amount.amount]' '[1,2000]'
is "two totals" '.totals | length' 2
is "the buckets sum to the totals" '[.buckets[].amount.amount] | add' 3334
is "the buckets' hours" '[.buckets[].at | test("T[0-9][0-9]:00:00\\+08:00$")] | all' true
api GET "/api/v1/merchants/$A/takings?from=today&by=day" "$aud"
status 200 "takings by the day (auditor)"
is "one day's bucket a product" '[.buckets[] | .at] | unique | length' 1
is "a day's bucket at midnight" '.buckets[0].at | test("T00:00:00\\+08:00$")' true
api GET "/api/v1/merchants/$A/takings?from=2020-01-01&to=2020-01-02" "$ma"
status 200 "takings of a day long past"
is "nothing then" '[.buckets, .totals]' '[[],[]]'
api GET "/api/v1/merchants/$B/takings" "$ma"
status 404 "merchant A reading B's takings"
out_has '"error"'
api GET "/api/v1/merchants/898310048129999/takings" "$aud"
status 404 "an unknown merchant's takings"
api GET "/api/v1/merchants/$A/takings?by=week" "$ma"
status 400 "by=week"
is "the field" .field '"by"'
api GET "/api/v1/merchants/$A/takings?from=2026-01-01&to=2025-01-01" "$ma"
status 400 "to before from"
api GET "/api/v1/merchants/$A/takings?from=2020-01-01&to=2020-03-01&by=hour" "$ma"
status 400 "two months by the hour"
api GET "/api/v1/merchants/$A/takings?from=x" "$ma"
status 400 "from not a time"
api GET "/api/v1/merchants/$A/takings" ""
status 401 "no token"

# ---- the console's files ----
api GET / ""
status 200 "the console at /"
out_has '<!doctype html>'
if grep -qi '^content-type: text/html' "$tmp/headers"; then ok; else bad "/ is not HTML: $(cat "$tmp/headers")"; fi
if grep -qi "^content-security-policy: default-src 'self'" "$tmp/headers"; then ok; else bad "/ without its CSP: $(cat "$tmp/headers")"; fi
for f in /js/app.js /js/merchant.js /vendor/uplot/uPlot.iife.min.js; do
	api GET "$f" ""
	status 200 "$f"
	if grep -qi '^content-type: text/javascript' "$tmp/headers"; then ok; else bad "$f: $(cat "$tmp/headers")"; fi
done
api GET /css/console.css ""
status 200 "the style sheet"
api GET /nope.html ""
status 404 "a file not in web/"
code=$(curl -s --path-as-is -o "$tmp/out" -w '%{http_code}' "http://127.0.0.1:$api/js/../index.html")
if [ "$code" = 404 ] || [ "$code" = 400 ]; then ok; else bad "a path with ..: HTTP $code"; fi
finish
