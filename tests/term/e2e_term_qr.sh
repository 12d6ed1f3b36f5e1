# e2e_term_qr.sh — QR-code payments (docs/qr.md, issue 16) end to end: a real `possum host` on a
# clock of its own (faketime), `possum term` over TCP. By payment code: approved (the receipt
# says 扫码支付, the code masked), reused (Q3), another account's (Q4), unknown (Q1), expired
# 61 s later (Q2); above the no-PIN limit refused by the terminal itself, a wrong wallet PIN
# (55) and the right one; the refund by RRN with the card's balance back, and an RRN that is no
# QR payment (25); the query of a request made (APPROVED) and of none (25); a timeout and its
# reversal delivered by the next exchange (the card not debited). By the terminal's static
# code: paid from a wallet, learned once by qr-result, refunded; a payload with a character
# flipped refused. The batch's totals agree with the host's; the QR rows listed as channel qr;
# no code in the clear in a database or log. Skipped (77) without faketime or jq.
possum=$1
. "$2/tests/lib.sh"

lib=$(faketime_lib)
if [ -z "$lib" ] || ! command -v jq >/dev/null; then
	echo "skipped: faketime or jq missing (scripts/bootstrap installs them)"
	exit 77
fi

data=$tmp/host
st=$tmp/term
clock=$tmp/clock
# The host's clock (and the wallet's, which makes the codes): now, frozen until moved on.
now=$(date -u +%s)
at() { date -u -d "@$1" '+%Y-%m-%d %H:%M:%S' >"$clock"; }
at "$now"
sed -e 's/^port *=.*/port = 0/' "$2/etc/possum.conf" >"$tmp/possum.conf"
# The risk rules (tests/risk) stay off: one card pays many times here.
printf '\n[risk]\nrules = none\n' >>"$tmp/possum.conf"
export POSSUM_CONFIG=$tmp/possum.conf
faked_host "$lib" "$clock" "$data"

# Two accounts' cards, each with its wallet.
issue() { # NAME HOLDER ID
	"$possum" admin card issue --data "$data" --product debit --holder "$2" --id-number "$3" \
		--phone 13800000000 --pin 123456 --balance 5000.00 --out "$tmp/$1.json" >/dev/null
}
issue a "Wang Wu" 110101199003071234
issue b "Zhao Liu" 110101199104082345
last4() { jq -r '.pan[-4:]' "$tmp/$1.json"; }
# code CARD: a fresh payment code of CARD's wallet, made on the host's clock.
code() {
	(faked "$lib" "$clock" "$possum" admin wallet code --data "$data" --card "$(last4 "$1")" \
		--json) | jq -r .code
}
balance() {
	"$possum" admin card show --data "$data" --json "$(jq -r .pan "$tmp/$1.json")" |
		jq -r '.balance.amount'
}
same() { if [ "$1" = "$2" ]; then ok; else bad "$3: '$1', expected '$2'"; fi; }
json() { jq -r "$1" "$tmp/out"; }

mid=898310048120001
"$possum" admin merchant add --data "$data" --name "Possum Tea" --mcc 5812 --mid $mid >/dev/null
"$possum" admin terminal add --data "$data" --merchant $mid --sn SNQR01 --tid TERMQR01 --json \
	>"$tmp/tadd.json"
t() { "$possum" term "$@" --state "$st"; }
expect 0 "init" -- t init --host "127.0.0.1:$port" --tid TERMQR01 --mid $mid --sn SNQR01 \
	--tmk-components "$(jq -r .tmk_components "$tmp/tadd.json")"
expect 0 "signin" -- t signin

# ---- by payment code ----
a0=$(balance a)
c=$(code a)
same "$(echo "$c" | grep -c '^62[0-9]\{17\}$')" 1 "a payment code: 19 digits, 62…"
expect 0 "qr-pay" -- t qr-pay --code "$c" --amount 12.34 --json
same "$(json .rc)/$(json .channel)/$(json .type)" "00/qr/qr-pay" "qr-pay approved"
stan1=$(json .stan)
rrn1=$(json .rrn)
same "$(balance a)" "$((a0 - 1234))" "the code's account paid"
expect 0 "receipt" -- t receipt "$stan1"
out_has "交易类型 TRANS TYPE: 扫码支付 QR PAYMENT$"
out_has "付款码 PAYMENT CODE: $(echo "$c" | cut -c1-6)\*\{9\}$(echo "$c" | cut -c16-19) (扫码 QR)$"
out_has "参考号 REF NO.: $rrn1  授权码 AUTH NO.: [0-9A-Z]\{6\}$"
out_has "MERCHANT NAME: Possum Tea$"
if grep -q "$c" "$tmp/out"; then bad "the receipt shows the code in the clear"; else ok; fi

expect 1 "the code again" -- t qr-pay --code "$c" --amount 1.00
out_has "qr-pay: Q3 付款码已使用 / payment code already used"
out_has "hint: a payment code pays once"
# Another account's: b's wallet number (digits 3-9) in a's code.
ca=$(code a)
cb=$(code b)
swapped=$(echo "$ca" | cut -c1-2)$(echo "$cb" | cut -c3-9)$(echo "$ca" | cut -c10-19)
expect 1 "a code of another account" -- t qr-pay --code "$swapped" --amount 1.00
out_has "qr-pay: Q4 付款码与账户不符"
expect 1 "an unknown code" -- t qr-pay --code 6299999990123456789 --amount 1.00
out_has "qr-pay: Q1 付款码无效 / unknown payment code"
c=$(code a)
now=$((now + 61))
at "$now"
expect 1 "an expired code" -- t qr-pay --code "$c" --amount 1.00 --json
same "$(json .rc)" "Q2" "a code 61 s old"
json .hint | grep -q "refresh" && ok || bad "no hint to refresh an expired code: $(cat "$tmp/out")"
same "$(balance a)" "$((a0 - 1234))" "nothing paid by the declined codes"

# Above CNY 1,000.00: the terminal's own limit, then the issuer's wallet PIN.
expect 1 "above the no-PIN limit" -- t qr-pay --code "$(code a)" --amount 1000.01
err_has "the wallet PIN is needed (--pin PIN); nothing was sent / 超过免密限额"
expect 1 "a wrong wallet PIN" -- t qr-pay --code "$(code a)" --amount 1500.00 --pin 000000
out_has "qr-pay: 55 密码错 / wrong PIN"
expect 0 "the wallet PIN" -- t qr-pay --code "$(code a)" --amount 1500.00 --pin 123456 --json
stan2=$(json .stan)
same "$(balance a)" "$((a0 - 1234 - 150000))" "paid with the wallet PIN"
expect 2 "a code not of digits" -- t qr-pay --code 62ABC --amount 1.00
err_has "16 to 19 digits"

# Refund by RRN: the money back to the account that paid.
expect 0 "qr-refund" -- t qr-refund --rrn "$rrn1" --amount 12.34 --json
same "$(json .rc)" "00" "qr-refund approved"
same "$(balance a)" "$((a0 - 150000))" "the refund back on the card"
expect 1 "qr-refund of no QR payment" -- t qr-refund --rrn 999999999999 --amount 1.00
out_has "qr-refund: 25"

# Query: a request of this terminal, and none.
expect 0 "qr-query" -- t qr-query "$stan2" --json
same "$(json .rc)/$(json .state)/$(json .amount.amount)" "00/APPROVED/150000" "qr-query of a payment"
expect 1 "qr-query of no request" -- t qr-query 999999
out_has "qr-query: 25"

# A timeout: the payment applied, its answer dropped; the next exchange reverses it first.
b0=$(balance b)
expect 1 "qr-pay, answer dropped" -- t qr-pay --code "$(code b)" --amount 3.00 --inject timeout
err_has "reversal is pending"
stan3=$(sed -n 's/.*stan \([0-9]*\): .*/\1/p' "$tmp/err")
same "$(balance b)" "$((b0 - 300))" "the dropped payment applied"
expect 0 "the query delivers the reversal first" -- t qr-query "$stan3"
out_has "reversal delivered first (冲正已发送)"
out_has "state REVERSED"
same "$(balance b)" "$b0" "the card not debited after the reversal"

# ---- by the terminal's static code ----
expect 0 "the terminal's payload" -- "$possum" admin terminal qr --data "$data" --tid TERMQR01 --json
payload=$(json .payload)
expect 0 "no new payments yet" -- t qr-result
out_has "^no new payments (没有新的付款)$"
expect 0 "a wallet pays it" -- "$possum" admin wallet pay-qr --data "$data" --payload "$payload" \
	--amount 8.88 --card "$(last4 b)" --json
rrn4=$(json .rrn)
same "$(balance b)" "$((b0 - 888))" "the wallet's card paid"
expect 0 "qr-result" -- t qr-result --wait 5
out_has "交易类型 TRANS TYPE: 扫码支付 (商户码) QR PAYMENT (STATIC CODE)$"
out_has "参考号 REF NO.: $rrn4 "
out_has "金额 AMOUNT: CNY 8.88$"
out_has "^1 new payment (新的付款 1 笔)$"
expect 0 "qr-result, again" -- t qr-result --json
same "$(json .count)/$(json '.payments | length')" "0/0" "a payment learned once"
flipped=$(echo "$payload" | sed 's/TERMQR01/TERMQR02/')
expect 1 "a payload with a character flipped" -- "$possum" admin wallet pay-qr --data "$data" \
	--payload "$flipped" --amount 1.00 --card "$(last4 b)" --json
same "$(json .rc)/$(json .reason)" "30/payload_crc" "a flipped payload refused"
expect 0 "qr-refund of the static code's payment" -- t qr-refund --rrn "$rrn4" --amount 8.88
same "$(balance b)" "$b0" "the static code's payment refunded"

# ---- the books ----
# The batch: the payments by code and the refunds; the static code's payment is batch 0's.
expect 0 "batch" -- t batch --json
same "$(json .sales_count)/$(json .sales.amount)/$(json .refunds_count)/$(json .refunds.amount)" \
	"2/151234/2/2122" "the batch's totals"
expect 0 "settle: the totals agree" -- t settle
out_has "totals agree"
expect 0 "txn list --channel qr" -- "$possum" admin txn list --data "$data" --channel qr --json
same "$(jq '[.. | objects | select(.channel? == "qr")] | length >= 8' "$tmp/out")" true \
	"the QR rows listed as channel qr"
# Codes are kept only as keyed hashes: none in a database or log.
for f in "$data"/possum.db* "$st"/*.db* "$tmp/host.log"; do
	[ -f "$f" ] || continue
	if grep -q -a "$c" "$f"; then bad "the code in the clear in $f"; else ok; fi
done

finish
