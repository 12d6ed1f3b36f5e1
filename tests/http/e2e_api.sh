#!/bin/sh
# e2e_api.sh — the HTTP API of `possum host`, with curl: `possum admin token` (made, listed,
# revoked, in the audit log), then the server's answers — 401, 403, 404, 405, 413, 400 — and a
# merchant's token that sees its own transactions and balance and nothing of another merchant's,
# after real purchases by `possum term` at two merchants.
possum=$1
. "$2/tests/lib.sh"

command -v curl >/dev/null 2>&1 || { echo "e2e_api: curl is needed (scripts/bootstrap installs it)" >&2; exit 1; }

data=$tmp/host
st=$tmp/term
# The demo configuration, with free ports, this test's data directory and a small body limit.
sed -e 's/^port *=.*/port = 0/' -e 's/^body_max *=.*/body_max = 1024/' "$2/etc/possum.conf" >"$tmp/possum.conf"
export POSSUM_CONFIG=$tmp/possum.conf
A=898310048120001
B=898310048120002

# ---- possum admin token ----
expect 0 "token --help" -- "$possum" admin token create --help
out_has "Usage: possum admin token create"
expect 2 "token: no role" -- "$possum" admin token create --data "$data"
expect 2 "token: bad role" -- "$possum" admin token create --data "$data" --role root
expect 2 "token: merchant role without a merchant" -- "$possum" admin token create --data "$data" --role merchant
expect 2 "token: a merchant for an operator" -- "$possum" admin token create --data "$data" --role operator --merchant $A
expect 1 "token: no such merchant" -- "$possum" admin token create --data "$data" --role merchant --merchant $A
err_has "no such merchant"
"$possum" admin merchant add --data "$data" --name "Possum Cafe" --mcc 5812 --mid $A >/dev/null
"$possum" admin merchant add --data "$data" --name "Other Shop" --mcc 5411 --mid $B >/dev/null

token_of() { sed -n 's/.*"token":"\([0-9A-F]*\)".*/\1/p' "$tmp/out"; }
expect 0 "token: operator" -- "$possum" admin token create --data "$data" --role operator --label console --json
op=$(token_of)
expect 0 "token: merchant A" -- "$possum" admin token create --data "$data" --role merchant --merchant $A --json
ma=$(token_of)
out_has "\"mid\":\"$A\""
expect 0 "token: auditor" -- "$possum" admin token create --data "$data" --role auditor
aud=$(sed -n 's/^token  //p' "$tmp/out")
expect 0 "token: to revoke" -- "$possum" admin token create --data "$data" --role operator --json
gone=$(token_of)
gone_id=$(sed -n 's/.*"id":\([0-9]*\).*/\1/p' "$tmp/out")
expect 0 "token revoke --json" -- "$possum" admin token revoke --data "$data" "$gone_id" --json
out_has '^{"id":'"$gone_id"',"revoked":true}$'
expect 1 "token revoke again" -- "$possum" admin token revoke --data "$data" "$gone_id"
expect 2 "token revoke: not an id" -- "$possum" admin token revoke --data "$data" x
expect 0 "token list" -- "$possum" admin token list --data "$data"
out_has "console"
if grep -q "$op" "$tmp/out"; then bad "token list shows a token"; else ok; fi
if grep -rq "$op" "$data"; then bad "the data directory holds a token"; else ok; fi

# ---- the audit log ----
expect 0 "audit of the tokens" -- "$possum" admin audit --data "$data" --object token --json
n=$(grep -o '"action":"token.create"' "$tmp/out" | wc -l)
if [ "$n" -eq 4 ]; then ok; else bad "token.create entries: $n: $(cat "$tmp/out")"; fi
out_has "\"action\":\"token.revoke\",\"object\":\"token:$gone_id\""
out_has '"actor":"cli:'
expect 0 "audit of one token" -- "$possum" admin audit --data "$data" --object "token:$gone_id"
out_has "token.revoke"
expect 0 "audit, limited" -- "$possum" admin audit --data "$data" --limit 1 --json
out_has '^{"items":\[{"id":1,"at":"[^"]*","actor":"cli:'
out_has '}\],"next":1}$'
expect 0 "audit, its next page" -- "$possum" admin audit --data "$data" --limit 1 --after 1 --json
out_has '^{"items":\[{"id":2,'
expect 0 "audit, all: no next page" -- "$possum" admin audit --data "$data" --json
out_has '"next":null}$'
expect 0 "audit since later" -- "$possum" admin audit --data "$data" --since 2999-01-01
out_empty "audit since 2999"
expect 2 "audit: bad --since" -- "$possum" admin audit --data "$data" --since yesterday

# ---- the host and two merchants' purchases ----
"$possum" host --data "$data" --port 0 >"$tmp/host.out" 2>"$tmp/host.log" &
host_pid=$!
trap 'kill $host_pid 2>/dev/null; wait $host_pid 2>/dev/null; rm -rf "$tmp"' EXIT
wait_ports "$data" $host_pid
api=$(sed -n 's/^api=//p' "$data/host.ports" 2>/dev/null)
acq=$(sed -n 's/^acquirer=//p' "$data/host.ports" 2>/dev/null)
if [ -n "$api" ] && [ "$api" -gt 0 ]; then ok; else bad "no api port: $(cat "$tmp/host.log")"; finish; exit; fi
if grep -q "API on 127.0.0.1 port $api" "$tmp/host.out"; then ok; else bad "host output: $(cat "$tmp/host.out")"; fi

"$possum" admin card issue --data "$data" --product debit --holder "Zhang San" \
	--id-number 110101199003070000 --phone 13800000000 --pin 123456 --balance 1000.00 --out "$tmp/card.json" >/dev/null
pay() { # MID TID SN AMOUNT
	"$possum" admin terminal add --data "$data" --merchant "$1" --sn "$3" --tid "$2" --json >"$tmp/tadd.json"
	comps=$(grep -o '"component":"[0-9A-F]*","kcv":"[0-9A-F]*"' "$tmp/tadd.json" |
		sed 's/"component":"\([0-9A-F]*\)","kcv":"\([0-9A-F]*\)"/\1:\2/' | paste -sd, -)
	"$possum" term init --state "$st$2" --host "127.0.0.1:$acq" --tid "$2" --mid "$1" --sn "$3" --tmk-components "$comps" >/dev/null &&
		"$possum" term signin --state "$st$2" >/dev/null &&
		"$possum" term purchase --state "$st$2" --card "$tmp/card.json" --pin 123456 --amount "$4" --json
}
run pay $A TERMA001 SNA1 12.34
rrn_a=$(sed -n 's/.*"rrn":"\([0-9]*\)".*/\1/p' "$tmp/out")
run pay $B TERMB001 SNB1 56.78
rrn_b=$(sed -n 's/.*"rrn":"\([0-9]*\)".*/\1/p' "$tmp/out")
if [ -n "$rrn_a" ] && [ -n "$rrn_b" ]; then ok; else bad "purchases: $(cat "$tmp/out" "$tmp/err")"; fi

# api METHOD PATH TOKEN [curl options…]: the body in $tmp/out, the status in $code.
api() {
	m=$1 p=$2 t=$3
	shift 3
	code=$(curl -s -o "$tmp/out" -w '%{http_code}' -X "$m" ${t:+-H "Authorization: Bearer $t"} "$@" "http://127.0.0.1:$api$p")
}
status() { # WANT WHAT
	if [ "$code" = "$1" ]; then ok; else bad "$2: HTTP $code, expected $1: $(head -c 300 "$tmp/out")"; fi
}

api GET /api/v1/whoami ""
status 401 "no token"
out_has '"error"'
api GET /api/v1/whoami "0123456789ABCDEF"
status 401 "a malformed token"
api GET /api/v1/whoami "$gone"
status 401 "a revoked token"
api GET /api/v1/whoami "$ma"
status 200 "whoami"
out_has "\"role\":\"merchant\",\"mid\":\"$A\""
api GET /api/v1/nowhere "$op"
status 404 "an unknown path"
api DELETE /api/v1/whoami "$op"
status 405 "a wrong method"
api POST /api/v1/tokens "$aud" -d '{"role":"auditor"}'
status 403 "an auditor making a token"
api POST /api/v1/tokens "$ma" -d '{"role":"auditor"}'
status 403 "a merchant making a token"
head -c 2048 /dev/zero | tr '\0' ' ' >"$tmp/big.json"
api POST /api/v1/tokens "$op" --data-binary "@$tmp/big.json"
status 413 "a body over body_max"
api POST /api/v1/tokens "$op" -d '{"role":'
status 400 "a body that is not JSON"
api POST /api/v1/tokens "$op" -d '{"role":"root"}'
status 400 "a bad role"
out_has '"field":"role"'
api POST /api/v1/tokens "$op" -d '{"role":"merchant","mid":"898310048129999"}'
status 404 "a token of no merchant"
api POST /api/v1/tokens "$op" -d '{"role":"auditor","label":"by the API"}'
status 201 "a token made through the API"
made_id=$(sed -n 's/.*"id":\([0-9]*\).*/\1/p' "$tmp/out")
api DELETE "/api/v1/tokens/$made_id" "$op"
status 200 "a token revoked through the API"
api DELETE "/api/v1/tokens/$made_id" "$op"
status 404 "a token revoked twice"

# Transactions: the merchant's own only.
api GET /api/v1/transactions "$op"
status 200 "search, operator"
out_has "\"rrn\":\"$rrn_a\""
out_has "\"rrn\":\"$rrn_b\""
api GET /api/v1/transactions "$ma"
status 200 "search, merchant"
out_has "\"rrn\":\"$rrn_a\""
if grep -q "\"rrn\":\"$rrn_b\"" "$tmp/out"; then bad "merchant A sees B's purchase"; else ok; fi
out_has '"card":"622588\*\*\*\*\*\*'
out_has '"amount":{"amount":1234,"currency":"CNY"}'
api GET "/api/v1/transactions?mid=$B" "$ma"
status 404 "merchant A naming B"
api GET "/api/v1/transactions/$rrn_b" "$ma"
status 404 "merchant A reading B's purchase"
api GET "/api/v1/transactions/$rrn_b" "$aud"
status 200 "an auditor reading B's purchase"
api GET "/api/v1/transactions?status=approved&terminal=TERMA001&amount=1234" "$ma"
status 200 "search by status, terminal and amount"
out_has "\"rrn\":\"$rrn_a\""
api GET "/api/v1/transactions?status=maybe" "$ma"
status 400 "a bad status"
out_has '"field":"status"'
api GET "/api/v1/merchants/$A/balance" "$ma"
status 200 "balance"
out_has '"net":{"amount":1234,"currency":"CNY"}'
api GET "/api/v1/merchants/$B/balance" "$ma"
status 404 "merchant A reading B's balance"

# Terminal management (docs/tms.md): operators only; a key put at a merchant, what the
# terminal gets, a bad value 400 naming it, DELETE.
api GET "/api/v1/tms/params?terminal=TERMA001" "$aud"
status 403 "an auditor reading a terminal's parameters"
api PUT /api/v1/tms/params "$ma" -d "{\"level\":\"merchant\",\"name\":\"$A\",\"key\":\"language\",\"value\":\"en\"}"
status 403 "a merchant setting its parameters"
api PUT /api/v1/tms/params "$op" -d "{\"level\":\"merchant\",\"name\":\"$A\",\"key\":\"language\",\"value\":\"en\"}"
status 200 "a parameter put at a merchant"
out_has '"version":1,"changed_by":"token:1"'
api GET "/api/v1/tms/params?terminal=TERMA001" "$op"
status 200 "a terminal's parameters"
out_has '"language":{"value":"en","from":"merchant","tag":"LG"}'
api PUT /api/v1/tms/params "$op" -d '{"level":"all","key":"answer_timeout","value":"999"}'
status 400 "a bad value"
out_has '"field":"value"'
api DELETE /api/v1/tms/params "$op" -d "{\"level\":\"merchant\",\"name\":\"$A\",\"key\":\"language\"}"
status 200 "a parameter deleted"
# A terminal's model (POST /api/v1/terminals/{tid}/model): operators only, a bad one refused
# and nothing changed, then its model's parameters reach it; audited.
api POST /api/v1/terminals/TERMA001/model "$aud" -d '{"model":"PX-7"}'
status 403 "an auditor setting a model"
api POST /api/v1/terminals/TERMA001/model "$op" -d '{"model":"PX 7"}'
status 400 "a model with a space"
out_has '"field":"model"'
api POST /api/v1/terminals/NOSUCH01/model "$op" -d '{"model":"PX-7"}'
status 404 "a model for no such terminal"
api PUT /api/v1/tms/params "$op" -d '{"level":"model","name":"PX-7","key":"connect_timeout","value":"30"}'
status 200 "a parameter put at a model"
api GET "/api/v1/tms/params?terminal=TERMA001" "$op"
out_has '"model":""'
out_has '"connect_timeout":{"value":"10","from":"default"'
api POST /api/v1/terminals/TERMA001/model "$op" -d '{"model":"PX-7"}'
status 200 "a terminal's model set"
out_has '"tid":"TERMA001",.*"model":"PX-7"'
api GET "/api/v1/tms/params?terminal=TERMA001" "$op"
out_has '"connect_timeout":{"value":"30","from":"model"'
expect 0 "the model's change audited" -- "$possum" admin audit --data "$data" --object terminal:TERMA001 --action terminal.model --json
out_has '"actor":"token:1","action":"terminal.model"'
api DELETE /api/v1/tms/params "$op" -d "{\"level\":\"merchant\",\"name\":\"$A\",\"key\":\"language\"}"
status 404 "a parameter deleted twice"

# The API's changes are in the audit log under its token; the log has no token.
expect 0 "audit of the API's token" -- "$possum" admin audit --data "$data" --object "token:$made_id" --json
out_has '"actor":"token:1","action":"token.create"'
out_has '"actor":"token:1","action":"token.revoke"'
if grep -q "$op\|$ma" "$tmp/host.log"; then bad "the log holds a token"; else ok; fi
if grep -q '"event":"http_request","method":"GET","path":"/api/v1/transactions","status":200,"actor":"token:2"' "$tmp/host.log"; then ok; else bad "no request line: $(grep http_request "$tmp/host.log" | head -3)"; fi

kill -TERM $host_pid
wait $host_pid
_rc=$?
if [ $_rc -eq 0 ]; then ok; else bad "host did not stop cleanly (exit $_rc): $(grep -v '"level":"info"' "$tmp/host.log" | tail -20)"; fi
finish
