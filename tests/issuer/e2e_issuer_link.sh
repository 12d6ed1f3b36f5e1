#!/bin/sh
# e2e_issuer_link.sh POSSUM SOURCE_DIR — the issuer as an independent acquirer meets it: cards
# issued with `possum admin card issue`, the zone PIN key handed over as components and formed
# under the acquirer's own LMK, then ISO 8583:1987 (iso87a) messages over TCP to `possum host`:
# purchases by stripe and chip (ARQC verified, ARPC returned), a duplicate (94), declines (14,
# 15, 41, 51, 54, 55, 59), a balance (54), a pre-authorization and its completion, a void, a
# refund, a reversal applied once, card authentication with its one-time code, a malformed
# message (30); those requests listed with `possum admin txn list --source link` and the API,
# and shown one by its RRN (`possum admin txn show`, GET /api/v1/transactions/{rrn}). Then the
# ledger check passes, and neither the database nor the logs hold a card number, PIN, CVV2 or
# track in the clear.
possum=$1
top=$2
. "$(dirname "$0")/../lib.sh"
. "$top/scripts/acquirer.sh"

issuer_lmk=1111111111111111111111111111111111111111111111111111111111111111
export POSSUM_LMK=$issuer_lmk
data=$tmp/data
{
	cat "$top/etc/possum.conf"
	printf '[host]\nlog = %s\n[link]\nlisten = 127.0.0.1\n' "$tmp/host.log"
} >"$tmp/possum.conf"
export POSSUM_CONFIG=$tmp/possum.conf

# json KEY: the value of "KEY":"…" in $tmp/out.
json() { acq_json "$1" "$tmp/out"; }

# ---- cards ----
expect 2 "issue: no product" -- "$possum" admin card issue --data "$data" --holder A --id-number 1 --phone 13800000000
expect 2 "issue: balance on credit" -- "$possum" admin card issue --data "$data" --product credit --holder A --id-number 1 --phone 13800000000 --balance 1
expect 2 "issue: bad amount" -- "$possum" admin card issue --data "$data" --product debit --holder A --id-number 1 --phone 13800000000 --balance 1.234
expect 2 "issue: bad PIN" -- "$possum" admin card issue --data "$data" --product debit --holder A --id-number 1 --phone 13800000000 --pin 12

expect 0 "issue a debit card" -- "$possum" admin card issue --data "$data" --product debit \
	--holder "Li Si" --id-number 110101199001011234 --phone 13800001111 --balance 1000.00 \
	--pin 739264 --json
pan=$(json pan)
track=$(json track2)
exp=$(json expiry)
cvv2=$(json cvv2)
case $pan in 62258801*) ok ;; *) bad "debit PAN not in its BIN: $pan" ;; esac
expect 0 "issue a chip credit card" -- "$possum" admin card issue --data "$data" \
	--product credit --holder "Wang Wu" --id-number 110101199202022345 --phone 13800002222 \
	--limit 5000.00 --pin 582013 --chip --out "$tmp/chip.json" --json
cpan=$(json pan)
ctrack=$(json track2)
cexp=$(json expiry)
mk=$(json icc_mk)
out_has '"emv":{"psn":"00"'
if [ "$(stat -c %a "$tmp/chip.json")" = 600 ]; then ok; else bad "card image mode"; fi
expect 0 "issue a card to lose" -- "$possum" admin card issue --data "$data" --product debit \
	--holder "Zhao Liu" --id-number 110101198503033456 --phone 13800003333 --balance 10.00 \
	--pin 405517 --json
lpan=$(json pan)
ltrack=$(json track2)
expect 0 "report it lost" -- "$possum" admin card status --data "$data" "$lpan" --set lost
out_has "lost"
expect 2 "status: bad state" -- "$possum" admin card status --data "$data" "$lpan" --set gone
expect 1 "status: unknown card" -- "$possum" admin card status --data "$data" 4111111111111111
expect 0 "card list" -- "$possum" admin card list --data "$data"
out_has "622588\*\*\*\*\*\*\*\*\*${pan#???????????????}"

# ---- the zone PIN key, from the issuer's custodians to the acquirer's HSM ----
acq_dir=$tmp
acq_lmk=2222222222222222222222222222222222222222222222222222222222222222
acq_zpk "$data" && ok || bad "the ZPK ceremony failed"
[ "$acq_zpk_kcv" = "$(acq_json kcv "$tmp/zpk.json")" ] && ok || bad "the acquirer's ZPK check value differs"
pinblock() { acq_pinblock "$@"; }

# ---- the host ----
# issuer_host: the host on free ports (lib.sh's host_listening); its pid in $pid, its link's
# port in $port and $acq_host.
issuer_host() {
	rm -f "$data/host.ports"
	"$possum" host --data "$data" --port 0 --api-port 0 --terminal-port 0 >"$tmp/host.out" 2>"$tmp/host.err" &
	host_listening "$data" $!
	pid=$host_pid
	port=$link
	acq_host=127.0.0.1:$port
}
issuer_host

msg() { acq_msg "$@"; }
# send: the message to the host; the answer's fields in $tmp/out.
send() {
	acq_send
	cp "$tmp/answer.json" "$tmp/out"
}
# answer RC WHAT: the last answer's field 39 must be RC.
answer() { [ "$acq_rc" = "$1" ] && ok || bad "$2: answered '$acq_rc', expected $1 ($(cat "$tmp/out" "$tmp/send.err"))"; }

pb=$(pinblock 739264 "$pan")
msg 0200 000000 12345 "$pan" "$track" "$pb"
send
answer 00 "stripe purchase"
auth=$(json 38)
rrn1=$(json 37)
case $auth in [0-9][0-9][0-9][0-9][0-9][0-9]) ok ;; *) bad "auth code '$auth'" ;; esac
if grep -q '"2"\|"35"\|"52"' "$tmp/out"; then bad "the answer echoes card data"; else ok; fi
send
answer 94 "the same message again"

msg 0200 310000 0 "$pan" "$track" "$pb"
send
answer 00 "balance inquiry"
out_has '"54":"0002156C000000087655"'

msg 0200 000000 100 "$pan" "$track" "$(pinblock 111111 "$pan")"
send
answer 55 "wrong PIN"
msg 0200 000000 100 "$pan" "$track" ""
send
answer 55 "debit card without a PIN"
msg 0200 000000 500000 "$pan" "$track" "$pb"
send
answer 51 "over the balance"
bad_track=$(echo "$track" | sed 's/.$/X/;s/0X$/1/;s/[1-9]X$/0/')
msg 0200 000000 100 "$pan" "$bad_track" "$pb"
send
answer 59 "CVV changed"
msg 0200 000000 100 "$lpan" "$ltrack" "$(pinblock 405517 "$lpan")"
send
answer 41 "lost card"
msg 0200 000000 100 6225880100000000001 "" "" '"14":"3012"'
send
answer 14 "unknown card of our BIN"
msg 0200 000000 100 4111111111111111 "" "" '"14":"3012"'
send
answer 15 "not our BIN"
msg 0200 000000 100 "$pan" "" "$pb" "\"14\":\"2001\""
send
answer 54 "expired"

# Void of the first purchase (named by its RRN and auth code), then a refund of part of
# another (by its RRN).
RRN=$rrn1 msg 0200 200000 12345 "$pan" "$track" "" "\"38\":\"000000\""
send
answer 25 "void with another auth code"
msg 0200 200000 12345 "$pan" "$track" "" "\"38\":\"$auth\""
send
answer 25 "void naming another RRN"
RRN=$rrn1 msg 0200 200000 12345 "$pan" "$track" "" "\"38\":\"$auth\""
send
answer 00 "void"
msg 0200 000000 20000 "$pan" "$track" "$pb"
send
answer 00 "purchase to refund"
rrn=$(json 37)
RRN=$rrn msg 0220 200000 5000 "$pan" "$track" ""
send
answer 00 "refund"
RRN=$rrn msg 0220 200000 20000 "$pan" "$track" ""
send
answer 64 "refund over what remains"

# chipmsg MTI PROC AMOUNT ATC: a chip read of the credit card, with its PIN.
chipmsg() {
	acq_chip "$3" "$4" "$mk"
	ENTRY=051 msg "$1" "$2" "$3" "$cpan" "$ctrack" "$cpb" "\"55\":\"$acq_f55\""
}

# A pre-authorization on the chip card, completed for less.
cpb=$(pinblock 582013 "$cpan")
ENTRY=051 msg 0100 030000 30000 "$cpan" "$ctrack" "$cpb"
send
answer 59 "a chip read without its cryptogram"
chipmsg 0100 030000 30000 0001
send
answer 00 "pre-authorization"
pauth=$(json 38)
prrn=$(json 37)
COND=06 msg 0200 000000 25000 "$cpan" "$ctrack" "" "\"38\":\"$pauth\""
send
answer 00 "completion"
crrn=$(json 37)
COND=06 msg 0200 000000 25000 "$cpan" "$ctrack" "" "\"38\":\"$pauth\""
send
answer 12 "completion again"

# A chip purchase: the card's ARQC verified, the ARPC (method 1, ARC "00") returned in 55.
chipmsg 0200 000000 4200 0002
send
answer 00 "chip purchase"
resp55=$(json 55)
run "$possum" crypto emv arpc --key "$acq_sk" --arqc "$acq_arqc" --arc 3030
[ "$resp55" = "910A$(cat "$tmp/out")3030" ] && ok || bad "field 55 answered '$resp55'"
ENTRY=051 msg 0200 000000 4200 "$cpan" "$ctrack" "$cpb" "\"55\":\"$acq_f55\""
send
answer 05 "the same cryptogram under another STAN"

# A reversal: the original's STAN, applied once.
msg 0200 000000 777 "$pan" "$track" "$pb"
send
answer 00 "purchase to reverse"
KEEP_STAN=1 TRANSMIT=1130110000 msg 0400 000000 777 "$pan" "$track" ""
send
answer 00 "reversal"
send
answer 00 "the same reversal again"
KEEP_STAN=1 TRANSMIT=1130110001 msg 0400 000000 777 "$pan" "$track" ""
send
answer 00 "another reversal of it"
msg 0400 000000 999 "$pan" "$track" ""
send
answer 00 "a reversal of something never seen"
msg 0200 310000 0 "$pan" "$track" "$pb"
send
answer 00 "balance after all that"
# 1000.00 - 123.45 + 123.45 (void) - 200.00 + 50.00 (refund) - 7.77 + 7.77 (reversal)
out_has '"54":"0002156C000000085000"'

# Card authentication: the four elements, the code sent to the reserved phone, the code.
msg 0100 330000 0 "$pan" "$track" "" '"62":"NM005Li SiID018110101199001011234PH01113800009999"'
send
answer 05 "card authentication with another phone"
msg 0100 330000 0 "$pan" "$track" "" '"62":"NM005Li SiID018110101199001011234PH01113800001111"'
send
answer 00 "card authentication, step 1"
out_has '"44":"OTP SENT"'
# The last one-time code sent: outbox texts may have been delivered after it.
code=$(grep "验证码" "$data/sms.jsonl" | tail -n 1 | sed -n 's/.*"text":"[^"]*为\([0-9]\{6\}\).*/\1/p')
[ -n "$code" ] && ok || bad "no code in sms.jsonl: $(cat "$data/sms.jsonl")"
grep -q '"phone":"13800001111"' "$data/sms.jsonl" && ok || bad "the code went elsewhere"
msg 0100 330000 0 "$pan" "$track" "" "\"62\":\"OT006$code\""
send
answer 00 "card authentication, step 2"

# The link's requests listed like the terminals': `admin txn list --source link` and the API's
# source=link, with what became of each (voided, refunded in part, reversed).
a() { "$possum" admin "$@" --data "$data"; }
expect 0 "txn list: no terminal's requests" -- a txn list
out_has "^none$"
expect 0 "txn list --source link" -- a txn list --source link --json
out_has '"source":"link"'
out_has "\"rrn\":\"$rrn1\",[^{]*\"type\":\"purchase\",\"amount\":{\"amount\":12345,\"currency\":\"CNY\"},\"card\":\"622588\*\*\*\*\*\*\*\*\*${pan#???????????????}\",\"status\":\"voided\""
out_has "\"rrn\":\"$rrn\",[^{]*\"type\":\"purchase\",\"amount\":{\"amount\":20000,[^{]*\"status\":\"approved\""
out_has '"refunded":{"amount":5000,"currency":"CNY"}'
out_has "\"original\":\"$rrn1\""
out_has '"acquirer":"48020000"'
out_has '"status":"reversed"'
if grep -q '"tid"\|"type":"reversal"' "$tmp/out"; then bad "a link's entry with a TID, or a reversal listed"; else ok; fi
if grep -q -F -- "$pan" "$tmp/out"; then bad "a clear card number listed"; else ok; fi
cp "$tmp/out" "$tmp/cli.json"
expect 0 "txn list --source link --status voided" -- a txn list --source link --status voided --json
out_has "\"rrn\":\"$rrn1\""
if grep -q "\"rrn\":\"$rrn\"" "$tmp/out"; then bad "--status voided lists the one refunded in part"; else ok; fi
expect 0 "txn list --source link --status declined --card LAST4" -- a txn list --source link --status declined --card "${pan#???????????????}"
out_has "link .*48020000 .* declined 55"
expect 0 "txn list --source link --mid: none of the host's merchants" -- a txn list --source link --mid 898310048120001 --json
out_has '{"items":\[\],"next":null}'
expect 2 "txn list --source: neither" -- a txn list --source network
err_has "terminal or link"
expect 0 "txn list --source link --status completed: the pre-authorization, by 250.00" -- a txn list --source link --status completed --json
out_has "\"rrn\":\"$prrn\",[^{]*\"type\":\"preauth\",\"amount\":{\"amount\":30000,[^{]*\"status\":\"completed\""
out_has '"completed":{"amount":25000,"currency":"CNY"}'
expect 0 "txn show: the link's completion, by its RRN" -- a txn show "$crrn" --json
out_has "\"rrn\":\"$crrn\",[^{]*\"type\":\"completion\""
out_has "\"original\":\"$prrn\""
out_has '"source":"link"'
expect 0 "txn show: a link's purchase, for people" -- a txn show "$rrn"
out_has "status     approved"
out_has "source     link  acquirer 48020000"
out_has "refunded   50.00 CNY"
if grep -q "^terminal\|^merchant" "$tmp/out"; then bad "a link's request shown with a terminal: $(cat "$tmp/out")"; else ok; fi
expect 0 "txn show --source link" -- a txn show "$rrn1" --source link --json
out_has '"status":"voided"'
cp "$tmp/out" "$tmp/cli_show.json"
expect 1 "txn show --source terminal: not a terminal's" -- a txn show "$rrn1" --source terminal
err_has "no request of RRN $rrn1"
expect 2 "txn show --source: neither" -- a txn show "$rrn1" --source network
err_has "terminal or link"
api=$(sed -n 's/^api=//p' "$data/host.ports")
if command -v curl >/dev/null 2>&1 && [ -n "$api" ]; then
	expect 0 "operator token" -- a token create --role operator --json
	tok=$(json token)
	curl -s -H "Authorization: Bearer $tok" "http://127.0.0.1:$api/api/v1/transactions?source=link" >"$tmp/api.json"
	if [ "$(cat "$tmp/api.json")" = "$(cat "$tmp/cli.json")" ]; then ok; else bad "source=link: the API's list and the CLI's differ: $(cat "$tmp/api.json") / $(cat "$tmp/cli.json")"; fi
	curl -s -H "Authorization: Bearer $tok" "http://127.0.0.1:$api/api/v1/transactions?source=other" >"$tmp/api.json"
	if grep -q '"source must be terminal or link"' "$tmp/api.json"; then ok; else bad "source=other: $(cat "$tmp/api.json")"; fi
	# One by its RRN: the same item as the CLI's, of either source unless one is named.
	for q in "" "?source=link"; do
		curl -s -H "Authorization: Bearer $tok" "http://127.0.0.1:$api/api/v1/transactions/$rrn1$q" >"$tmp/api.json"
		if [ "$(cat "$tmp/api.json")" = "$(cat "$tmp/cli_show.json")" ]; then ok; else bad "transactions/$rrn1$q: the API's item and the CLI's differ: $(cat "$tmp/api.json") / $(cat "$tmp/cli_show.json")"; fi
	done
	curl -s -o /dev/null -w '%{http_code}' -H "Authorization: Bearer $tok" "http://127.0.0.1:$api/api/v1/transactions/$rrn1?source=terminal" >"$tmp/code"
	[ "$(cat "$tmp/code")" = 404 ] && ok || bad "source=terminal finds the link's: $(cat "$tmp/code")"
	curl -s -H "Authorization: Bearer $tok" "http://127.0.0.1:$api/api/v1/transactions/$rrn1?source=other" >"$tmp/api.json"
	if grep -q '"field":"source"' "$tmp/api.json"; then ok; else bad "transactions/RRN?source=other: $(cat "$tmp/api.json")"; fi
fi

# Malformed: a message that does not unpack is answered 30 and changes nothing.
printf '{"mti":"0200","fields":{"3":"000000","4":"ABC"}}' >"$tmp/msg.json"
run sh -c "\"$possum\" iso send --host 127.0.0.1:$port --profile iso87a --json <\"$tmp/msg.json\""
[ "$got" -eq 2 ] && ok || bad "a bad field was sent"

# An operator's change while the host runs is seen by the next request, and the host's
# commits are seen by the operator's commands at once (one database, several processes).
expect 0 "card show while the host runs" -- "$possum" admin card show --data "$data" "$pan" --json
out_has '"available":{"amount":85000,"currency":"CNY"}'
expect 0 "report the card stolen while the host runs" -- "$possum" admin card status --data "$data" "$pan" --set stolen
msg 0200 310000 0 "$pan" "$track" "$pb"
send
answer 43 "the card just reported stolen"
expect 0 "ledger check while the host runs" -- "$possum" admin ledger check --data "$data"
out_has "0 violations"

kill -TERM $pid
wait $pid
[ $? -eq 0 ] && ok || bad "the host did not stop cleanly"

expect 0 "ledger check" -- "$possum" admin ledger check --data "$data"
out_has "0 violations"
expect 0 "card show" -- "$possum" admin card show --data "$data" "${cpan#????????????}" --json
out_has '"available":{"amount":470800,"currency":"CNY"}'

# [link] binary = hex: binary fields (here the PIN block) as hex text, as jPOS's ISO87APackager
# sends them, read (the lost card's 41, not 30); the raw form then refused (30).
printf '[link]\nbinary = hex\n' >>"$tmp/possum.conf"
issuer_host
acq_binary=hex
msg 0200 000000 100 "$lpan" "$ltrack" "$(pinblock 405517 "$lpan")"
send
answer 41 "binary = hex: a PIN block as hex text"
acq_binary=
msg 0200 000000 100 "$lpan" "$ltrack" "$(pinblock 405517 "$lpan")"
send
answer 30 "binary = hex: a raw PIN block"
kill -TERM $pid
wait $pid

# Nothing in the clear: card numbers, tracks, PINs, CVV2s in the database, its WAL and the logs.
for secret in "$pan" "$cpan" "$lpan" 739264 582013 405517 "$track" "$ctrack"; do
	if grep -a -q -F -- "$secret" "$data"/possum.db* "$tmp/host.log" "$tmp/host.err" "$tmp/host.out"; then
		bad "found a secret in the clear: ${secret%??????????}…"
	else ok; fi
done
# A CVV2 is three digits: looked for as a whole JSON value, not inside other numbers.
if grep -a -q -F -- "\"$cvv2\"" "$tmp/host.log"; then bad "a CVV2 in the log"; else ok; fi
finish
