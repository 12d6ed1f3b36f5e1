#!/bin/sh
# e2e_wallet_pay_qr.sh POSSUM SOURCE_DIR — `possum admin wallet pay-qr` (docs/qr.md "The
# terminal's static code"): a terminal's static code paid from a card's wallet, in text and in
# JSON (the product's shape), the row it leaves (channel qr, batch 0, the terminal's own QR
# STAN) as `possum admin txn list --channel qr` shows it, the money gone from the account; the
# payload refused (a changed character, an unknown, suspended or retired terminal, a suspended
# merchant) with exit 1 and nothing recorded; a decline (the funds) with exit 1; bad usage 2.
possum=$1
top=$2
. "$(dirname "$0")/../lib.sh"

command -v jq >/dev/null 2>&1 || { echo "e2e_wallet_pay_qr: jq is needed (scripts/bootstrap installs it)" >&2; exit 1; }

sed -e 's/^port *=.*/port = 0/' "$top/etc/possum.conf" >"$tmp/possum.conf"
export POSSUM_CONFIG=$tmp/possum.conf
export POSSUM_DATA=$tmp/data
mid=898310048120077

"$possum" admin merchant add --name "Possum Tea" --mcc 5814 --mid $mid >/dev/null 2>&1
"$possum" admin terminal add --merchant $mid --sn SN-PAYQR1 --tid TERMPQ01 >/dev/null
"$possum" admin terminal add --merchant $mid --sn SN-PAYQR2 --tid TERMPQ02 >/dev/null
expect 0 "issue a card" -- "$possum" admin card issue --product debit --holder "Wu Jiu" \
	--id-number 110101199909099999 --phone 13800009999 --balance 100.00 --pin 246810 --json
pan=$(jq -r .pan "$tmp/out")
last4=$(printf '%s' "$pan" | tail -c 4)
expect 0 "the terminal's code" -- "$possum" admin terminal qr TERMPQ01
payload=$(cat "$tmp/out")
rows() { "$possum" admin txn list --channel qr --json | jq '.items | length'; }

# Paid: approved, in Chinese and English, the RRN, auth code, amount, terminal and merchant.
expect 0 "pay-qr" -- "$possum" admin wallet pay-qr --payload "$payload" --amount 12.34 --card "$last4"
out_has "^approved: 00 交易成功 / approved$"
out_has "^amount 12.34 CNY  card 622588\**$last4$"
out_has "^terminal TERMPQ01  merchant $mid  rrn [0-9]\{12\}  auth [0-9A-Z]\{6\}$"
if grep -q "$pan" "$tmp/out"; then bad "the card's number printed"; else ok; fi
expect 0 "pay-qr --json" -- "$possum" admin wallet pay-qr --payload "$payload" --amount 1.00 --card "$pan" --json
if jq -e '.approved == true and .rc == "00" and .text_zh == "交易成功" and .tid == "TERMPQ01"
	and .amount == {"amount":100,"currency":"CNY"} and .stan == "000002"
	and (.rrn | test("^[0-9]{12}$"))' "$tmp/out" >/dev/null; then ok; else bad "pay-qr --json: $(cat "$tmp/out")"; fi
if [ -z "$(jq -r -f "$top/tests/cli/json_shape.jq" "$tmp/out")" ]; then ok; else bad "shape: $(cat "$tmp/out")"; fi
rrn=$(jq -r .rrn "$tmp/out")
expect 0 "its row" -- "$possum" admin txn show "$rrn" --json
if jq -e '.channel == "qr" and .batch == 0 and .type == "purchase" and .tid == "TERMPQ01"
	and .status == "approved"' "$tmp/out" >/dev/null; then ok; else bad "the row: $(cat "$tmp/out")"; fi
expect 0 "txn list --channel qr" -- "$possum" admin txn list --channel qr
out_has " qr  *13.34 CNY\| qr  *12.34 CNY"
expect 0 "the card's account" -- "$possum" admin card show "$pan" --json
if jq -e '.available == {"amount":8666,"currency":"CNY"}' "$tmp/out" >/dev/null; then ok; else
	bad "not 100.00 - 13.34 left: $(cat "$tmp/out")"; fi

# Refused, nothing recorded: exit 1, said on stdout with its code.
n=$(rows)
bad_crc=$(printf '%s' "$payload" | sed 's/TERMPQ01/TERMPQ02/')
expect 1 "a changed character" -- "$possum" admin wallet pay-qr --payload "$bad_crc" --amount 1.00 --card "$last4"
out_has "^declined: 30 .*payload_crc$"
expect 1 "not a payload" -- "$possum" admin wallet pay-qr --payload "hello" --amount 1.00 --card "$last4" --json
if jq -e '.approved == false and .rc == "30" and .reason == "payload_format"' "$tmp/out" >/dev/null; then ok; else bad "hello: $(cat "$tmp/out")"; fi
"$possum" admin terminal suspend TERMPQ02 --reason "test" >/dev/null
expect 0 "the other terminal's code" -- "$possum" admin terminal qr TERMPQ02
other=$(cat "$tmp/out")
expect 1 "a suspended terminal" -- "$possum" admin wallet pay-qr --payload "$other" --amount 1.00 --card "$last4"
out_has "^declined: 58 .*terminal_not_active$"
"$possum" admin terminal retire TERMPQ02 --reason "test" >/dev/null
expect 1 "a retired terminal" -- "$possum" admin wallet pay-qr --payload "$other" --amount 1.00 --card "$last4"
out_has "^declined: 58 .*terminal_not_active$"
expect 0 "suspend the merchant" -- "$possum" admin merchant step $mid suspend --reason "test"
expect 1 "a suspended merchant" -- "$possum" admin wallet pay-qr --payload "$payload" --amount 1.00 --card "$last4"
out_has "^declined: 03 .*merchant_not_active$"
if [ "$(rows)" = "$n" ]; then ok; else bad "a refused payload recorded: $(rows) rows, $n before"; fi
expect 0 "resume the merchant" -- "$possum" admin merchant step $mid resume --reason "test"

# Declined by the issuer (the funds): recorded, exit 1.
expect 1 "beyond the funds" -- "$possum" admin wallet pay-qr --payload "$payload" --amount 900.00 --card "$last4" --pin 246810
out_has "^declined: 51 "
if [ "$(rows)" = "$((n + 1))" ]; then ok; else bad "the decline not recorded: $(rows) rows"; fi

# Bad usage: 2.
expect 2 "no --payload" -- "$possum" admin wallet pay-qr --amount 1.00 --card "$last4"
expect 2 "amount 0" -- "$possum" admin wallet pay-qr --payload "$payload" --amount 0 --card "$last4"
expect 2 "a bad amount" -- "$possum" admin wallet pay-qr --payload "$payload" --amount 1.234 --card "$last4"
expect 2 "a PIN of letters" -- "$possum" admin wallet pay-qr --payload "$payload" --amount 1.00 --card "$last4" --pin abcd
expect 1 "no such card" -- "$possum" admin wallet pay-qr --payload "$payload" --amount 1.00 --card 0000
err_has "no such card"
finish
