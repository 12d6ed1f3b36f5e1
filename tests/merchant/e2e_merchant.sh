#!/bin/sh
# e2e_merchant.sh — `possum admin merchant` and `possum admin review`: an application taken
# step by step to an active merchant (a step out of order refused with the allowed ones),
# documents (a bad type, content and size refused), fees, limits, suspension seen by
# `terminal add`, `merchant add` in one go, the audit entries, and no clear ID number kept.
possum=$1
. "$2/tests/lib.sh"
data=$tmp/data

expect 0 "apply --help" -- "$possum" admin merchant apply --help
out_has "Usage: possum admin merchant apply"
expect 2 "apply without fields" -- "$possum" admin merchant apply --data "$data" --legal-name Shop
err_has "licence"
expect 2 "apply: bad MCC" -- "$possum" admin merchant apply --data "$data" --legal-name Shop \
	--licence L1 --tax-number T1 --rep-name "Li Si" --rep-id 110101198001011234 \
	--address "1 Road" --mcc 58 --phone 13800138000
err_has "mcc"
expect 0 "apply" -- "$possum" admin merchant apply --data "$data" --legal-name "Possum Bakery" \
	--licence 91310000MA1FL8XQ3K --tax-number 91310000MA1FL8XQ3K --rep-name "Li Si" \
	--rep-id 110101198001011234 --address "1 Nanjing Road" --mcc 5462 --phone 13800138000
out_has "application 1  applied"

expect 1 "step out of order" -- "$possum" admin merchant step --data "$data" 1 activate --reason x
err_has "allowed next: review or close"
expect 2 "step without reason" -- "$possum" admin merchant step --data "$data" 1 review
expect 2 "no such step" -- "$possum" admin merchant step --data "$data" 1 approve --reason x
expect 1 "step: no such merchant" -- "$possum" admin merchant step --data "$data" 9 review --reason x
expect 0 "review" -- "$possum" admin merchant step --data "$data" 1 review --reason "papers complete"
out_has "applied -> reviewing"

printf '%%PDF-1.4\n%%%%EOF\n' >"$tmp/licence.pdf"
printf 'plain text' >"$tmp/note.txt"
expect 0 "document add" -- "$possum" admin merchant document add --data "$data" 1 --type licence \
	--file "$tmp/licence.pdf"
out_has "application/pdf"
sha=$(sed -n 's/.*sha256 //p' "$tmp/out")
if [ -f "$data/documents/$sha" ] && [ "$(stat -c %a "$data/documents/$sha")" = 600 ]; then ok; else bad "document file $sha missing or not 0600"; fi
expect 2 "document: bad type" -- "$possum" admin merchant document add --data "$data" 1 \
	--type photo --file "$tmp/licence.pdf"
expect 2 "document: not PDF, JPEG or PNG" -- "$possum" admin merchant document add --data "$data" \
	1 --type other --file "$tmp/note.txt"
expect 1 "document: the same file again" -- "$possum" admin merchant document add \
	--data "$data" 1 --type other --file "$tmp/licence.pdf"
head -c 70000 /dev/zero >"$tmp/zeros" && { printf '%%PDF-'; cat "$tmp/zeros"; } >"$tmp/big.pdf"
printf '[merchant]\ndocument_max = 65536\n' >"$tmp/small.conf"
expect 2 "document: too large" -- "$possum" admin merchant document add --config "$tmp/small.conf" \
	--data "$data" 1 --type other --file "$tmp/big.pdf"

expect 0 "test" -- "$possum" admin merchant step --data "$data" 1 test --reason "POS passed"
expect 0 "agree" -- "$possum" admin merchant step --data "$data" 1 agree --reason "signed"
expect 0 "activate" -- "$possum" admin merchant step --data "$data" 1 activate --reason "go" --json
out_has '"mid":"898581054620001"'
out_has '"state":"active"'
out_has '"number":"MC898581054620001-'
mid=898581054620001

expect 0 "fees" -- "$possum" admin merchant fees --data "$data" $mid --credit 0.58 --debit-cap 18.00 --json
out_has '"credit_bp":58'
out_has '"debit_cap":{"amount":1800,"currency":"CNY"}'
expect 2 "fees: bad rate" -- "$possum" admin merchant fees --data "$data" $mid --qr 101.00
expect 0 "limits" -- "$possum" admin merchant limits --data "$data" $mid --daily 50000 \
	--per-txn 2000 --types purchase,refund --json
out_has '"types":\["purchase","refund"\]'
out_has '"limits":{"daily":{"amount":5000000,"currency":"CNY"},"per_txn":{"amount":200000,"currency":"CNY"}'
expect 2 "limits: no such type" -- "$possum" admin merchant limits --data "$data" $mid --types cashback
expect 2 "limits: per transaction over daily" -- "$possum" admin merchant limits --data "$data" \
	$mid --per-txn 60000
# A rename: the application's legal name and the acquirer's row; a bad name or REF changes
# nothing.
expect 2 "rename: no name" -- "$possum" admin merchant rename --data "$data" $mid
expect 2 "rename: two lines" -- "$possum" admin merchant rename --data "$data" $mid --name "$(printf 'a\nb')"
expect 1 "rename: no such merchant" -- "$possum" admin merchant rename --data "$data" 898581054629999 --name X
expect 0 "rename" -- "$possum" admin merchant rename --data "$data" $mid --name "Possum Bakery 面包房" --json
out_has '"legal_name":"Possum Bakery 面包房"'
[ "$(db_sql "$data" "SELECT name FROM merchants WHERE mid = '$mid'")" = "Possum Bakery 面包房" ] && ok ||
	bad "merchants.name after the rename: $(db_sql "$data" "SELECT name FROM merchants WHERE mid = '$mid'")"
[ "$(db_sql "$data" "SELECT count(*) FROM audit_log WHERE action = 'merchant.rename'")" = 1 ] && ok ||
	bad "merchant.rename audited $(db_sql "$data" "SELECT count(*) FROM audit_log WHERE action = 'merchant.rename'") times, expected 1"

expect 0 "show" -- "$possum" admin merchant show --data "$data" $mid
out_has "110\*\*\*\*\*\*\*\*\*\*\*1234"
out_has "papers complete"
out_has "licence.pdf"
expect 0 "list" -- "$possum" admin merchant list --data "$data" --state active
out_has "$mid"
expect 0 "review due: none yet" -- "$possum" admin review due --data "$data"
out_has "none"

expect 0 "suspend" -- "$possum" admin merchant step --data "$data" $mid suspend --reason "chargebacks"
expect 1 "suspend again" -- "$possum" admin merchant step --data "$data" $mid suspend --reason x
err_has "allowed next: resume or close"
expect 0 "resume" -- "$possum" admin merchant step --data "$data" $mid resume --reason "cleared"
expect 0 "reviewed" -- "$possum" admin merchant reviewed --data "$data" $mid --reason "site visit"
expect 0 "reviewed --json" -- "$possum" admin merchant reviewed --data "$data" $mid --reason "seals checked" --json
out_has '"mid":"'"$mid"'"'
out_has '"next_review":"2'

# merchant add: the whole road in one go, its output as before.
expect 0 "merchant add" -- "$possum" admin merchant add --data "$data" --name "Possum Cafe" --mcc 5812
out_has "mid   898581058120001"
expect 0 "merchant add --mid" -- "$possum" admin merchant add --data "$data" --name "Cafe Two" \
	--mcc 5812 --mid 898310048120001 --json
out_has '"mid":"898310048120001"'
expect 1 "merchant add: MID taken" -- "$possum" admin merchant add --data "$data" --name X \
	--mcc 5812 --mid 898310048120001
err_has "taken"
expect 0 "terminal add for it" -- "$possum" admin terminal add --data "$data" --merchant 898310048120001 --sn SN-E2E-1

# Every change is in the audit log, never with the clear ID number or phone.
n=$(db_sql "$data" "SELECT count(*) FROM audit_log WHERE object LIKE 'merchant:%'")
if [ "$n" -ge 20 ]; then ok; else bad "audit entries: $n"; fi
n=$(db_sql "$data" "SELECT count(*) FROM audit_log WHERE after LIKE '%110101198001011234%' OR after LIKE '%13800138000%'")
if [ "$n" -eq 0 ]; then ok; else bad "the audit log holds a clear ID number or phone"; fi
if grep -a -q 110101198001011234 "$data"/possum.db*; then bad "the database holds the clear ID number"; else ok; fi

finish
