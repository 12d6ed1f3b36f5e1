#!/bin/sh
# e2e_review.sh POSSUM SOURCE_DIR — the periodic merchant review (docs/risk.md "Merchant
# review") on a real host: a merchant's purchase of 1,000.00 and refund of 700.00 through
# `possum term` grade it D (refund_rate_high; the refund_rate rule's case open) and a merchant
# without payments A; `--dry-run` changes nothing (its terminal still approved, no review
# kept); a run suspends the D, audited as risk:review, and its terminal's next purchase gets
# 03; a second run does not suspend it again; resumed by an operator (`possum admin merchant
# step MID resume`) it is approved (00) again. The API: GET /api/v1/risk/review (operators,
# auditors) the latest grades, POST (operators) runs it; a merchant's token 403, an auditor's
# POST 403, an unknown merchant 404, a bad body 400. Bad usage exits 2, an unknown merchant 1.
# Then the host with [risk] review_days = 1: no review while the latest is fresh; with it a day
# old, the host's own review suspends the merchant again (logged, audited), its purchase 03.
possum=$1
. "$2/tests/lib.sh"

command -v curl >/dev/null 2>&1 || { echo "e2e_review: curl is needed (scripts/bootstrap installs it)" >&2; exit 1; }

data=$tmp/host
mid=898310048120001
clean=898310054110002
# The shipped rules but night_large, which a purchase of 1,000.00 made between 16:00 and 21:00
# UTC (night in +08:00) would also trip, opening a second case: the grade is then the same at
# any hour.
grep -v '^rule night_large ' "$2/etc/risk.rules" >"$tmp/risk.rules"
sed -e "s|^log *=.*|log = $tmp/host.log|" "$2/etc/possum.conf" >"$tmp/possum.conf"
printf '[risk]\nrules = %s\n' "$tmp/risk.rules" >>"$tmp/possum.conf"
export POSSUM_CONFIG=$tmp/possum.conf
issue_card "$tmp/card.json" 5000.00
"$possum" admin merchant add --data "$data" --name "Possum Cafe" --mcc 5812 --mid $mid >/dev/null
"$possum" admin merchant add --data "$data" --name "Quiet Grocer" --mcc 5411 --mid $clean >/dev/null
"$possum" admin terminal add --data "$data" --merchant $mid --sn SN0001 --tid TERM0001 \
	--address "Tiananmen, Beijing" --lat 39915000 --lon 116404000 --json >"$tmp/t1.json"
comps=$(grep -o '"component":"[0-9A-F]*","kcv":"[0-9A-F]*"' "$tmp/t1.json" |
	sed 's/"component":"\([0-9A-F]*\)","kcv":"\([0-9A-F]*\)"/\1:\2/' | paste -sd, -)

token_of() { sed -n 's/.*"token":"\([0-9A-F]*\)".*/\1/p' "$tmp/out"; }
"$possum" admin token create --data "$data" --role operator --json >"$tmp/out"
op=$(token_of)
"$possum" admin token create --data "$data" --role merchant --merchant $mid --json >"$tmp/out"
mt=$(token_of)
"$possum" admin token create --data "$data" --role auditor --json >"$tmp/out"
aud=$(token_of)

pid=
trap 'kill $pid 2>/dev/null; wait $pid 2>/dev/null; rm -rf "$tmp"' EXIT
"$possum" host --data "$data" --port 0 --api-port 0 --terminal-port 0 >"$tmp/host.out" 2>"$tmp/host.err" &
pid=$!
wait_ports "$data" $pid
port=$(sed -n 's/^acquirer=//p' "$data/host.ports")
api=$(sed -n 's/^api=//p' "$data/host.ports")
[ -n "$port" ] && [ -n "$api" ] || { bad "no ports: $(cat "$tmp/host.err")"; finish; exit; }

t() { "$possum" term "$@" --data "$tmp/term"; }
review() { "$possum" admin risk review --data "$data" "$@"; }
api() { # METHOD PATH TOKEN [BODY]: the body in $tmp/out, the status in $code
	code=$(curl -s -o "$tmp/out" -w '%{http_code}' -X "$1" -H "Authorization: Bearer $3" \
		${4:+-H "Content-Type: application/json" -d "$4"} "http://127.0.0.1:$api$2")
}
status() { # WANT WHAT
	if [ "$code" = "$1" ]; then ok; else bad "$2: HTTP $code, expected $1: $(head -c 300 "$tmp/out")"; fi
}

expect 0 "term init" -- t init --host "127.0.0.1:$port" --tid TERM0001 --mid $mid --sn SN0001 --tmk-components "$comps"
expect 0 "signin" -- t signin
expect 0 "purchase 1,000.00" -- t purchase --card "$tmp/card.json" --pin 123456 --amount 1000.00 --json
rrn=$(sed -n 's/.*"rrn":"\([0-9]*\)".*/\1/p' "$tmp/out")
expect 0 "refund 700.00" -- t refund --rrn "$rrn" --amount 700.00 --card "$tmp/card.json" --pin 123456

# Usage.
expect 0 "review --help" -- review --help
out_has "^Usage: possum admin risk review \[--merchant MID\] \[--dry-run\]"
expect 2 "review with an operand" -- review extra
expect 2 "review --merchant of two lines" -- review --merchant "$(printf 'a\nb')"
expect 1 "review of an unknown merchant" -- review --merchant 898310048129999
err_has "no such merchant"

# A dry run: graded, nothing changed.
expect 0 "review --dry-run" -- review --dry-run
out_has "^MID  *GRADE"
out_has "^$mid D  .*Possum Cafe$"
out_has "refund_rate_high (extreme): refunds of purchases 70.00% (extreme from 60.00%)"
out_has "^$clean A  .*Quiet Grocer$"
expect 0 "purchase after the dry run" -- t purchase --card "$tmp/card.json" --pin 123456 --amount 1.00
api GET /api/v1/risk/review "$op"
status 200 "GET after the dry run"
out_has '^{"items":\[\],"next":null}$'

# Roles.
api GET /api/v1/risk/review "$mt"
status 403 "a merchant's token reads"
api POST /api/v1/risk/review "$mt" '{}'
status 403 "a merchant's token runs"
api POST /api/v1/risk/review "$aud" '{}'
status 403 "an auditor runs"
api POST /api/v1/risk/review "$op" '{"merchant":"898310048129999"}'
status 404 "an unknown merchant"
api POST /api/v1/risk/review "$op" '{"dry_run":"yes"}'
status 400 "dry_run not a boolean"
out_has '"field":"dry_run"'

# The run through the API: D suspended.
api POST /api/v1/risk/review "$op" "{\"merchant\":\"$mid\"}"
status 200 "POST the review of $mid"
out_has "^{\"items\":\[{\"mid\":\"$mid\",\"name\":\"Possum Cafe\",\"mcc\":\"5812\",\"status\":\"suspended\",\"grade\":\"D\",\"reasons\":\[{\"name\":\"refund_rate_high\",\"level\":\"extreme\""
out_has '"volume":{"count":2,"amount":{"amount":100100,"currency":"CNY"}}'
out_has '"refund_rate_bp":6993,'
out_has '"cases":{"opened":1,"fraud":0,"legitimate":0,"open":1}' # the refund_rate rule's case
out_has '"suspended":true'
out_has '"next":null}$'
expect 1 "purchase of the suspended merchant" -- t purchase --card "$tmp/card.json" --pin 123456 --amount 1.00 --json
out_has '"rc":"03"'
expect 0 "the suspension audited" -- "$possum" admin audit --data "$data" --object "merchant:$mid" --action merchant.suspend --json
out_has '"actor":"risk:review"'

# Again, through the CLI: still D, not suspended twice.
expect 0 "review --merchant --json" -- review --merchant $mid --json
out_has '"grade":"D"'
out_has '"suspended":false'
expect 0 "one suspension only" -- "$possum" admin audit --data "$data" --action merchant.suspend
if [ "$(grep -c merchant.suspend "$tmp/out")" = 1 ]; then ok; else bad "suspended twice: $(cat "$tmp/out")"; fi

# Latest grades; the auditor reads them.
api GET /api/v1/risk/review "$aud"
status 200 "GET (auditor)"
out_has "^{\"items\":\[{\"mid\":\"$mid\",.*\"grade\":\"D\".*\"by\":\"cli:[^\"]*\"}\],\"next\":null}$"
expect 0 "review all" -- review
out_has "^$clean A"
api GET "/api/v1/risk/review?merchant=$clean" "$op"
status 200 "GET of one merchant"
out_has "^{\"items\":\[{\"mid\":\"$clean\",.*\"grade\":\"A\",\"reasons\":\[\],"

# Resumed by an operator: approved again.
expect 0 "resume" -- "$possum" admin merchant step --data "$data" $mid resume --reason "refunds explained"
expect 0 "purchase after the resume" -- t purchase --card "$tmp/card.json" --pin 123456 --amount 1.00 --json
out_has '"rc":"00"'

# The host reviews by itself with [risk] review_days: never before the latest review is that
# old (the one above is minutes old), then at its next look (the first two seconds after the
# start) when it is — here, with the reviews kept so far aged by a day.
kill -TERM $pid
wait $pid
printf '[risk]\nreview_days = 1\n' >>"$tmp/possum.conf"
"$possum" host --data "$data" --port 0 --api-port 0 --terminal-port 0 >"$tmp/host.out" 2>"$tmp/host.err" &
pid=$!
wait_ports "$data" $pid
sleep 3
if grep -q '"event":"risk_review"' "$tmp/host.log"; then bad "reviewed though the latest is fresh"; else ok; fi
kill -TERM $pid
wait $pid
sqlite3 -cmd ".timeout 5000" "$data/possum.db" "UPDATE risk_reviews SET at = at - 86400"
"$possum" host --data "$data" --port 0 --api-port 0 --terminal-port 0 >"$tmp/host.out" 2>"$tmp/host.err" &
pid=$!
wait_ports "$data" $pid
i=0
while ! grep -q '"event":"risk_review".*"phase":"end"' "$tmp/host.log" && [ $i -lt 100 ]; do
	sleep 0.1
	i=$((i + 1))
done
if grep -q '"event":"risk_review".*"phase":"end".*"D":1.*"suspended":1' "$tmp/host.log"; then ok; else bad "the host's review: $(grep risk_review "$tmp/host.log")"; fi
expect 0 "suspended by the host's review, audited" -- "$possum" admin audit --data "$data" --object "merchant:$mid" --action merchant.suspend --json
n=$(grep -o '"action":"merchant.suspend"' "$tmp/out" | wc -l)
[ "$n" -eq 2 ] && ok || bad "two suspensions (the command's, the host's) wanted, $n audited"
port=$(sed -n 's/^acquirer=//p' "$data/host.ports")
expect 0 "term to the new port" -- t init --host "127.0.0.1:$port" --tid TERM0001 --mid $mid --sn SN0001 --tmk-components "$comps"
expect 0 "signin" -- t signin
expect 1 "purchase after the host's review" -- t purchase --card "$tmp/card.json" --pin 123456 --amount 1.00 --json
out_has '"rc":"03"'
finish
