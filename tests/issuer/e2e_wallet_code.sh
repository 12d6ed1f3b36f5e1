#!/bin/sh
# e2e_wallet_code.sh POSSUM SOURCE_DIR — `possum admin wallet code` (docs/qr.md "Payment codes"):
# a code of a card's account in text and in JSON ({"code","card","expires_at"}, its time RFC
# 3339 in the host's offset, the config's wallet_code_ttl after now), by the card's number or
# its last four digits; exit 1 for a card not active or unknown, 2 for bad usage; the
# [issuer] wallet keys refused with their line.
possum=$1
top=$2
. "$(dirname "$0")/../lib.sh"

command -v jq >/dev/null 2>&1 || { echo "e2e_wallet_code: jq is needed (scripts/bootstrap installs it)" >&2; exit 1; }

sed -e 's/^port *=.*/port = 0/' "$top/etc/possum.conf" >"$tmp/possum.conf"
printf '[issuer]\nwallet_code_ttl = 120\n' >>"$tmp/possum.conf"
export POSSUM_CONFIG=$tmp/possum.conf
export POSSUM_DATA=$tmp/data

expect 0 "issue a card" -- "$possum" admin card issue --product debit --holder "Zhou Ba" \
	--id-number 110101198808088888 --phone 13800008888 --balance 100.00 --pin 135790 --json
pan=$(jq -r .pan "$tmp/out")
last4=$(printf '%s' "$pan" | tail -c 4)
masked=$(printf '%s******%s' "$(printf '%s' "$pan" | head -c 6)" "$last4")

# Text: the code, the card masked, valid until (local time).
expect 0 "a code by the card's number" -- "$possum" admin wallet code --card "$pan"
out_has "^code         62[0-9]\{17\}$"
out_has "^card         622588\**$last4$"
out_has "^valid until  [0-9]\{4\}-[0-9][0-9]-[0-9][0-9] [0-9][0-9]:[0-9][0-9]:[0-9][0-9]$"
if grep -q "$pan" "$tmp/out"; then bad "the card's number printed"; else ok; fi

# JSON: the product's shape, the time the config's life after now.
before=$(date +%s)
expect 0 "a code by the last four digits, JSON" -- "$possum" admin wallet code --card "$last4" --json
if jq -e 'keys == ["card", "code", "expires_at"] and (.code | test("^62[0-9]{17}$"))' "$tmp/out" \
	>/dev/null; then ok; else bad "not {code,card,expires_at}: $(cat "$tmp/out")"; fi
if [ -z "$(jq -r -f "$top/tests/cli/json_shape.jq" "$tmp/out")" ]; then ok; else bad "shape: $(cat "$tmp/out")"; fi
if jq -e '.expires_at | test("\\+08:00$")' "$tmp/out" >/dev/null; then ok; else bad "not local: $(cat "$tmp/out")"; fi
expires=$(date -d "$(jq -r .expires_at "$tmp/out")" +%s)
if [ $((expires - before)) -ge 120 ] && [ $((expires - before)) -le 122 ]; then ok; else
	bad "expires $((expires - before)) s after now, not 120"; fi
code=$(jq -r .code "$tmp/out")
json_card=$(jq -r .card "$tmp/out")
case $json_card in 622588*"$last4") ok ;; *) bad "card $json_card" ;; esac
# The same account's wallet number, another code.
expect 0 "another code" -- "$possum" admin wallet code --card "$pan" --json
second=$(jq -r .code "$tmp/out")
if [ "$(printf '%s' "$second" | head -c 9)" = "$(printf '%s' "$code" | head -c 9)" ] &&
	[ "$second" != "$code" ]; then ok; else bad "codes $code and $second"; fi
# Only its keyed hash is kept.
if grep -q -a "$code" "$tmp/data/possum.db" "$tmp/data/possum.db-wal" 2>/dev/null; then
	bad "the code is in the store"; else ok; fi

# Refused: a card not active (1), one unknown (1), bad usage (2).
expect 0 "report the card lost" -- "$possum" admin card status "$pan" --set lost
expect 1 "a lost card" -- "$possum" admin wallet code --card "$pan"
err_has "is lost: only an active card's account pays"
expect 1 "a lost card, JSON" -- "$possum" admin wallet code --card "$pan" --json
out_empty "a lost card"
expect 1 "no such card" -- "$possum" admin wallet code --card 6225880100000000
err_has "no such card"
expect 2 "no --card" -- "$possum" admin wallet code
err_has "\-\-card is required"
expect 2 "--card not a card" -- "$possum" admin wallet code --card 12ab
err_has "\-\-card takes a card number or its last four digits"
expect 2 "an operand" -- "$possum" admin wallet code --card "$pan" extra
expect 2 "an unknown option" -- "$possum" admin wallet code --card "$pan" --pin 1234
expect 0 "--help" -- "$possum" admin wallet code --help
out_has "Usage: possum admin wallet code --card PAN|LAST4"
expect 0 "the group's help" -- "$possum" admin wallet --help
out_has "code"

# The config's wallet keys: a bad value refused with its line.
printf '[issuer]\nwallet_pin_above = 1000.001\n' >"$tmp/bad.conf"
expect 2 "a bad wallet_pin_above" -- "$possum" admin wallet code --card "$pan" --config "$tmp/bad.conf"
err_has "bad.conf line 2: \[issuer\] wallet_pin_above: not an amount such as 1000.00"
printf '[issuer]\nwallet_code_ttl = 0\n' >"$tmp/bad.conf"
expect 2 "a bad wallet_code_ttl" -- "$possum" admin wallet code --card "$pan" --config "$tmp/bad.conf"
err_has "bad.conf line 2: \[issuer\] wallet_code_ttl: not a number from 10 to 3600"
finish
