#!/bin/sh
# e2e_adjust.sh POSSUM SOURCE_DIR — adjustments (docs/settle.md "Adjustments") on a real host:
# `possum admin settle adjust` makes one, pending (bad usage 2, an unknown merchant 1); through
# the API an operator makes another, which the same token may not approve (403,
# second_operator_required) and a second operator's token approves (200); the CLI's is approved
# by any operator's token; approved twice 409, an unknown id 404; a rejection; a merchant's
# token 403, an auditor's reads only; bad bodies 400 naming the field; both steps in the audit
# log; `possum admin settle adjustments` lists them; and `possum admin payouts run` pays the
# approved ones to the merchant's settlement card, the ledger's check passing.
possum=$1
. "$2/tests/lib.sh"

command -v curl >/dev/null 2>&1 || { echo "e2e_adjust: curl is needed (scripts/bootstrap installs it)" >&2; exit 1; }

data=$tmp/host
mid=898310048120001
sed -e "s|^log *=.*|log = $tmp/host.log|" "$2/etc/possum.conf" >"$tmp/possum.conf"
export POSSUM_CONFIG=$tmp/possum.conf
issue_card "$tmp/card.json" 100.00
"$possum" admin merchant add --data "$data" --name "Possum Cafe" --mcc 5812 --mid $mid >/dev/null
pan=$(sed -n 's/.*"pan": *"\([0-9]*\)".*/\1/p' "$tmp/card.json")
expect 0 "settlement-card start" -- "$possum" admin settlement-card start $mid --card "$pan" \
	--holder "Zhang San" --id-number 110101199003070000 --phone 13800000000 --data "$data"
otp=$(sms_code "$data/sms.jsonl")
expect 0 "settlement-card confirm" -- "$possum" admin settlement-card confirm $mid --code "$otp" --data "$data"

# ---- possum admin settle adjust ----
expect 0 "adjust --help" -- "$possum" admin settle adjust --help
out_has "^Usage: possum admin settle adjust --merchant MID --amount ±A --reason TEXT"
expect 0 "adjust +20.00" -- "$possum" admin settle adjust --merchant $mid --amount +20.00 --reason "batch 7 short" --data "$data"
out_has "^adjustment 1 of $mid: 20.00 CNY, pending: it awaits a second operator's approval$"
expect 2 "adjust 0" -- "$possum" admin settle adjust --merchant $mid --amount -0.00 --reason x --data "$data"
err_has "amount must not be 0"
expect 2 "adjust 12.345" -- "$possum" admin settle adjust --merchant $mid --amount 12.345 --reason x --data "$data"
expect 2 "adjust --amount x" -- "$possum" admin settle adjust --merchant $mid --amount ten --reason x --data "$data"
expect 2 "adjust, no reason" -- "$possum" admin settle adjust --merchant $mid --amount 1 --data "$data"
expect 2 "adjust, a reason of two lines" -- "$possum" admin settle adjust --merchant $mid --amount 1 --reason "$(printf 'a\nb')" --data "$data"
expect 1 "adjust, no such merchant" -- "$possum" admin settle adjust --merchant 898310048129999 --amount 1 --reason x --data "$data"
err_has "no such merchant"
expect 2 "adjustments --status bogus" -- "$possum" admin settle adjustments --status bogus --data "$data"

token_of() { sed -n 's/.*"token":"\([0-9A-F]*\)".*/\1/p' "$tmp/out"; }
"$possum" admin token create --data "$data" --role operator --json >"$tmp/out"
op1=$(token_of)
"$possum" admin token create --data "$data" --role operator --json >"$tmp/out"
op2=$(token_of)
"$possum" admin token create --data "$data" --role merchant --merchant $mid --json >"$tmp/out"
mt=$(token_of)
"$possum" admin token create --data "$data" --role auditor --json >"$tmp/out"
aud=$(token_of)

pid=
trap 'kill $pid 2>/dev/null; wait $pid 2>/dev/null; rm -rf "$tmp"' EXIT
"$possum" host --data "$data" --port 0 --api-port 0 --terminal-port 0 >"$tmp/host.out" 2>"$tmp/host.err" &
pid=$!
wait_ports "$data" $pid
api=$(sed -n 's/^api=//p' "$data/host.ports")
[ -n "$api" ] || { bad "no api port: $(cat "$tmp/host.err")"; finish; exit; }

# api METHOD PATH TOKEN [BODY]: the body in $tmp/out, the status in $code.
api() {
	code=$(curl -s -o "$tmp/out" -w '%{http_code}' -X "$1" -H "Authorization: Bearer $3" \
		${4:+-H "Content-Type: application/json" -d "$4"} "http://127.0.0.1:$api$2")
}
status() { # WANT WHAT
	if [ "$code" = "$1" ]; then ok; else bad "$2: HTTP $code, expected $1: $(head -c 300 "$tmp/out")"; fi
}
A=/api/v1/settle/adjustments

api POST $A "$op1" "{\"mid\":\"$mid\",\"amount\":-500,\"reason\":\"fee charged twice\"}"
status 201 "create"
out_has "^{\"id\":2,\"mid\":\"$mid\",\"amount\":-500,\"currency\":\"CNY\",\"reason\":\"fee charged twice\",\"status\":\"pending\",\"maker\":\"token:1\",\"checker\":null,\"created\":\"[0-9T:+-]*\",\"decided\":null,\"payout_id\":null}$"
api POST $A/2/approve "$op1"
status 403 "approved by its maker"
out_has '"reason":"second_operator_required"'
api GET "$A?status=pending" "$aud"
status 200 "list pending (auditor)"
out_has '^{"items":\[{"id":1,.*"status":"pending".*},{"id":2,.*"status":"pending".*}\],"next":null}$'
api POST $A/2/approve "$op2"
status 200 "approved by a second operator"
out_has '"id":2,.*"status":"approved","maker":"token:1","checker":"token:2","created":"[^"]*","decided":"[0-9T:+-]*"'
api POST $A/1/approve "$op1"
status 200 "the CLI's approved by an operator's token"
out_has '"maker":"cli:[^"]*","checker":"token:1"'
api POST $A/1/approve "$op2"
status 409 "approved twice"
api POST $A/1/reject "$op2"
status 409 "rejected once approved"
api POST $A/99/approve "$op2"
status 404 "no such adjustment"
api POST $A/x1/approve "$op2"
status 404 "not an id"
api POST $A "$op2" "{\"mid\":\"$mid\",\"amount\":100000,\"reason\":\"typo\"}"
status 201 "create 3"
api POST $A/3/reject "$op2"
status 200 "rejected by its maker"
out_has '"status":"rejected","maker":"token:2","checker":"token:2"'
api POST $A/3/approve "$op1"
status 409 "approved once rejected"

# Roles and bodies.
api POST $A "$mt" "{\"mid\":\"$mid\",\"amount\":100,\"reason\":\"mine\"}"
status 403 "a merchant's token creates"
api GET $A "$mt"
status 403 "a merchant's token lists"
api POST $A/2/approve "$aud"
status 403 "an auditor approves"
api POST $A "$op1" "{\"amount\":100,\"reason\":\"x\"}"
status 400 "no mid"
out_has '"field":"mid"'
api POST $A "$op1" "{\"mid\":\"$mid\",\"amount\":0,\"reason\":\"x\"}"
status 400 "amount 0"
out_has '"field":"amount"'
api POST $A "$op1" "{\"mid\":\"$mid\",\"amount\":\"12.50\",\"reason\":\"x\"}"
status 400 "amount as text"
out_has '"field":"amount"'
api POST $A "$op1" "{\"mid\":\"$mid\",\"amount\":100}"
status 400 "no reason"
out_has '"field":"reason"'
api POST $A "$op1" "{\"mid\":\"$mid\",\"amount\":100,\"reason\":\"a\\nb\"}"
status 400 "a reason of two lines"
out_has '"field":"reason"'
api POST $A "$op1" "{\"mid\":\"898310048129999\",\"amount\":100,\"reason\":\"x\"}"
status 404 "no such merchant"
api POST $A "$op1" "not json"
status 400 "not JSON"
out_has '"error"'
api GET "$A?status=bogus" "$op1"
status 400 "a bad status"
out_has '"field":"status"'
api GET "$A?limit=1" "$op1"
status 200 "a page of one"
out_has '^{"items":\[{"id":1,.*}\],"next":1}$'
api GET "$A?status=approved&after=1" "$op1"
status 200 "approved after 1"
out_has '^{"items":\[{"id":2,[^]]*}\],"next":null}$'

kill -TERM $pid
wait $pid
pid=

# Both steps in the audit log, and the list.
expect 0 "audit of adjustment 2" -- "$possum" admin audit --object adjustment:2 --data "$data"
out_has "token:1 adjustment.create adjustment:2$"
out_has "token:2 adjustment.approve adjustment:2$"
expect 0 "audit of adjustment 1" -- "$possum" admin audit --object adjustment:1 --json --data "$data"
out_has '"actor":"cli:[^"]*","action":"adjustment.create"'
out_has '"actor":"token:1","action":"adjustment.approve"'
expect 0 "adjustments" -- "$possum" admin settle adjustments --data "$data"
out_has "^1  *$mid  *20.00 CNY  *approved .* token:1  *-  *batch 7 short$"
out_has "^3  *$mid  *1000.00 CNY  *rejected "
expect 0 "ledger check" -- "$possum" admin ledger check --data "$data"
out_has "^0 violations"

# The balance counts the approved ones as settled and unpaid (20.00 - 5.00) until paid.
expect 0 "balance" -- "$possum" admin merchant balance "$mid" --json --data "$data"
out_has '"settled_unpaid":{"amount":1500,"currency":"CNY"}'
# The next payout run pays the approved ones (20.00 - 5.00) to the settlement card.
expect 0 "payouts run" -- "$possum" admin payouts run --json --data "$data"
out_has "^{\"items\":\[{\"payout_id\":1,\"mid\":\"$mid\",\"amount\":1500,\"currency\":\"CNY\",\"card\":\"[0-9*]*\",\"settle_dates\":\[\],\"status\":\"made\",\"adjustments\":\[1,2\]}\],"
# Made, not yet answered by the bank: still unpaid.
expect 0 "balance after the payout" -- "$possum" admin merchant balance "$mid" --json --data "$data"
out_has '"settled_unpaid":{"amount":1500,"currency":"CNY"}'
expect 0 "adjustments, approved" -- "$possum" admin settle adjustments --status approved --json --data "$data"
out_has '^{"items":\[{"id":1,.*"payout_id":1},{"id":2,.*"payout_id":1}\],"next":null}$'
expect 0 "payouts run again" -- "$possum" admin payouts run --json --data "$data"
out_has '"payout_id":1,'
if grep -q '"payout_id":2' "$tmp/out"; then bad "paid twice: $(cat "$tmp/out")"; else ok; fi
expect 0 "ledger check after the payout" -- "$possum" admin ledger check --data "$data"
out_has "^0 violations"
finish
