#!/bin/sh
# e2e_tms_download.sh POSSUM SOURCE_DIR — downloads over the terminal's connection (docs/tms.md
# "Downloads"): a real `possum host` and `possum term` over TCP. Parameters set at every level
# (all, model, merchant, terminal) reach the terminal (`term params --json`); the terminal's
# row asks (tms_pending) exactly while something is pending, the answers' header says so (a
# new terminal downloads by itself after its sign-in, and not after an echo once everything is
# held; set to --auto off, it does not follow); a merchant's rename marks its terminals; a download broken after its first chunk resumes at its next item (the
# host's log: the second run does not start from 0); a type the merchant's limits switch off
# and an amount above per_txn_max are refused by the terminal without sending (the host sees
# no request), and its slips carry the downloaded name, header and footer; a CA key whose
# checksum does not verify makes the whole set refused, and so does one past its expiry at the
# terminal's date (its clock ahead, libfaketime), which once revoked is dropped; the terminal acts on pin_credit (a
# credit card's purchase or pre-authorization without its PIN refused, nothing sent; with it,
# or with pin_credit 0, paid; a debit card sent as before), utc_offset (the slip's time) and
# reversal_retries (2: a reversal the host does not answer in time, through a relay holding
# its answers, sent twice, the same STAN, then still pending and nothing new sent; delivered
# once the host answers); a primary address that does not answer is followed by the backup.
possum=$1
. "$2/tests/lib.sh"

if ! "$possum" admin terminal --help >/dev/null 2>&1; then
	echo "skipped: no acquirer"
	exit 0
fi

data=$tmp/host
st=$tmp/term
mid=898310048120001
sed -e 's/^port *=.*/port = 0/' "$2/etc/possum.conf" >"$tmp/possum.conf"
printf '\n[risk]\nrules = none\n' >>"$tmp/possum.conf"
export POSSUM_CONFIG=$tmp/possum.conf
a() { "$possum" admin "$@" --data "$data"; }
t() { "$possum" term "$@" --data "$st"; }
pending() { db_sql "$data" "SELECT tms_pending FROM terminals WHERE tid = 'TERM0001'"; }
# requests of the host's log of 60.3 type TYPE ("tms_params", …): their reasons, one a line
reasons() { grep "\"type\":\"$1\"" "$tmp/host.log" | sed -n 's/.*"reason":"\([^"]*\)".*/\1/p'; }

issue_card "$tmp/card.json" 1000.00
a merchant add --name "Possum Books" --mcc 5942 --mid $mid >/dev/null
comps=$(a terminal add --merchant $mid --sn SN0001 --tid TERM0001 --model PX-7 --json |
	grep -o '"component":"[0-9A-F]*","kcv":"[0-9A-F]*"' |
	sed 's/"component":"\([0-9A-F]*\)","kcv":"\([0-9A-F]*\)"/\1:\2/' | paste -sd, -)
# A key at each level: the most particular wins.
a tms param set --all connect_timeout 20 >/dev/null
a tms param set --all answer_timeout 70 >/dev/null
a tms param set --model PX-7 connect_timeout 30 >/dev/null
a tms param set --model PX-7 reversal_retries 5 >/dev/null
footer="谢谢惠顾 Thank you for shopping at Possum Books, open every day from nine to nine"
a tms param set --merchant $mid receipt_footer "$footer" >/dev/null
a tms param set --merchant $mid merchant_name_en "Possum Books and Stationery, Shanghai" >/dev/null
a tms param set --merchant $mid reversal_retries 6 >/dev/null
a tms param set --terminal TERM0001 language en >/dev/null
a tms capk add --rid A000000333 --index 08 --exponent 03 --expiry 20991231 \
	--modulus "$(printf 'B6%.0s' $(seq 1 128))" >/dev/null
a merchant limits $mid --types purchase,void,refund,preauth --per-txn 500.00 >/dev/null

start_host "$data"
expect 0 "init" -- t init --host "127.0.0.1:$port" --tid TERM0001 --mid $mid --sn SN0001 --tmk-components "$comps"

# 1. A new terminal holds nothing: every set pending, on the row and in the answers.
[ "$(pending)" = 7 ] && ok || bad "a new terminal's tms_pending: $(pending), expected 7"
# A terminal obeys its host from its setup on: no --auto needed.
expect 0 "params --json of a new terminal" -- t params --json
[ "$(jq -r .auto "$tmp/out")" = true ] && ok || bad "a new terminal does not download when asked: $(cat "$tmp/out")"
expect 0 "signin, then the downloads its answer asks for" -- t signin
out_has "signin: 00"
out_has "download params: version [0-9a-f]\{8\} applied"
out_has "download capk: version [0-9a-f]\{8\} applied"
out_has "download aid: version [0-9a-f]\{8\} applied"
[ "$(pending)" = 0 ] && ok || bad "tms_pending after the downloads: $(pending), expected 0"
expect 0 "echo: nothing pending, nothing asked" -- t echo
if grep -q download "$tmp/out"; then bad "an echo with nothing pending downloaded: $(cat "$tmp/out")"; else ok; fi

# 2. What the terminal holds: each level's value, the CA key, the seeded AIDs.
expect 0 "params --json" -- t params --json
for kv in connect_timeout=30 answer_timeout=70 reversal_retries=6 language=en \
	receipt_footer="$footer" merchant_name_zh="Possum Books" \
	types=purchase,void,refund,preauth per_txn_max=50000; do
	k=${kv%%=*} v=${kv#*=}
	got=$(jq -r ".params.values.$k" "$tmp/out")
	[ "$got" = "$v" ] && ok || bad "term params: $k is '$got', expected '$v'"
done
[ "$(jq -r '.params.version' "$tmp/out")" = "$(a tms param show --terminal TERM0001 --json | jq -r .version)" ] &&
	ok || bad "the terminal's parameters' version is not the host's"
[ "$(jq -r '.capk.keys[0].rid + .capk.keys[0].index' "$tmp/out")" = A00000033308 ] && ok || bad "capk: $(cat "$tmp/out")"
[ "$(jq '.aid.aids | length' "$tmp/out")" = 3 ] && ok || bad "aids: $(jq -c .aid "$tmp/out")"
expect 0 "params" -- t params
out_has "connect_timeout    CT  30"
out_has "A000000333 08  expires 20991231"
out_has "A000000333010101  UnionPay Debit"

# 3. An operator's change marks the terminal at once; a level that does not reach it does not.
# (The header makes the parameters more than one answer's 512 bytes: two chunks.)
header="Possum Books 书店 — 88 Nanjing Road West, Jing'an District, Shanghai — tel 021 5555 0100"
a tms param set --model PX-9 connect_timeout 40 >/dev/null
[ "$(pending)" = 0 ] && ok || bad "another model's change marked TERM0001: $(pending)"
a merchant limits $mid --per-txn 450.00 >/dev/null
[ "$(pending)" = 1 ] && ok || bad "tms_pending after the merchant's limits: $(pending), expected 1"
a tms param set --merchant $mid receipt_header "$header" >/dev/null
[ "$(pending)" = 1 ] && ok || bad "tms_pending after a merchant-level change: $(pending), expected 1"
# The next answer asks (7): the terminal (--auto on) downloads the parameters after its echo.
expect 0 "echo: its answer asks for the parameters" -- t echo
out_has "download params: version [0-9a-f]\{8\} applied"
if grep -q "download capk\|download aid" "$tmp/out"; then bad "echo downloaded more than asked: $(cat "$tmp/out")"; else ok; fi
[ "$(pending)" = 0 ] && ok || bad "tms_pending after the echo's download: $(pending), expected 0"
# The merchant's name, which merchant_name_zh defaults to: renamed, its terminals marked. A
# terminal set to --auto off is asked and does not follow; set on again, it downloads the name.
a merchant rename $mid --name "Possum Books 书店" >/dev/null
[ "$(pending)" = 1 ] && ok || bad "tms_pending after the merchant's rename: $(pending), expected 1"
expect 0 "auto off" -- t download --auto off
out_has "downloads when asked: off"
expect 0 "echo: asked, not followed (--auto off)" -- t echo
if grep -q download "$tmp/out"; then bad "--auto off downloaded: $(cat "$tmp/out")"; else ok; fi
[ "$(pending)" = 1 ] && ok || bad "tms_pending after an echo not followed: $(pending), expected 1"
expect 0 "auto on" -- t download --auto on
expect 0 "echo: the new name downloaded" -- t echo
out_has "download params: version [0-9a-f]\{8\} applied"
expect 0 "params --json: the new name" -- t params --json
[ "$(jq -r .params.values.merchant_name_zh "$tmp/out")" = "Possum Books 书店" ] && ok ||
	bad "merchant_name_zh after the rename: $(jq -c .params.values "$tmp/out")"
[ "$(pending)" = 0 ] && ok || bad "tms_pending after the rename's download: $(pending), expected 0"
# Its model changed marks it; changed back, the echo finds the parameters it holds current:
# nothing asked, nothing pending.
a terminal model TERM0001 PX-9 >/dev/null
[ "$(pending)" = 1 ] && ok || bad "tms_pending after the terminal's model: $(pending), expected 1"
a terminal model TERM0001 PX-7 >/dev/null
expect 0 "echo: the parameters held are current again" -- t echo
if grep -q download "$tmp/out"; then bad "an echo downloaded held parameters: $(cat "$tmp/out")"; else ok; fi
[ "$(pending)" = 0 ] && ok || bad "tms_pending after the model back: $(pending), expected 0"
a tms aid remove --aid A000000333010103 >/dev/null
[ "$(pending)" = 4 ] && ok || bad "tms_pending after an AID's removal: $(pending), expected 4"

# 4. A download broken after its first chunk resumes at its next item: the CA keys, one a
# message, two of them now.
a tms capk add --rid A000000333 --index 0A --exponent 03 --expiry 20991231 \
	--modulus "$(printf 'D5%.0s' $(seq 1 176))" >/dev/null
[ "$(pending)" = 6 ] && ok || bad "tms_pending after a CA key's addition: $(pending), expected 6"
expect 1 "download capk, dropped after the first chunk" -- t download --set capk --inject drop
err_has "resumes where it stopped"
expect 0 "download capk again: resumed" -- t download --set capk --json
first=$(reasons tms_capk | tail -2 | head -1)
second=$(reasons tms_capk | tail -1)
[ "$first" = "capk 0-1/2" ] && ok || bad "the first chunk: '$first'"
[ "$second" = "capk 1-2/2" ] && ok || bad "the resumed chunk: '$second' (from 0 again?)"
[ "$(jq -r '.downloads[0].from' "$tmp/out")" = 1 ] && ok || bad "not resumed at item 1: $(cat "$tmp/out")"
[ "$(pending)" = 4 ] && ok || bad "tms_pending after the CA keys: $(pending), expected 4"
expect 0 "params" -- t params --json
[ "$(jq -r '.params.values.receipt_header' "$tmp/out")" = "$header" ] && ok || bad "the new header did not arrive"
[ "$(jq '.capk.keys | length' "$tmp/out")" = 2 ] && ok || bad "capk: $(jq -c .capk "$tmp/out")"
expect 0 "aid" -- t download --set aid
[ "$(pending)" = 0 ] && ok || bad "tms_pending after the AIDs: $(pending), expected 0"

# 5. The terminal refuses, without sending, what its parameters do not permit.
expect 0 "signin" -- t signin
n=$(grep -c '"tid":"TERM0001"' "$tmp/host.log")
expect 1 "balance: not among the types" -- t balance --card "$tmp/card.json" --pin 123456
err_has "balance is not among this terminal's transactions"
err_has "本终端不支持该交易"
err_has "nothing was sent"
expect 1 "purchase above per_txn_max" -- t purchase --card "$tmp/card.json" --pin 123456 --amount 600.00
err_has "above this terminal's limit"
err_has "limit 45000"
[ "$(grep -c '"tid":"TERM0001"' "$tmp/host.log")" = "$n" ] && ok || bad "the host saw a refused request"
expect 0 "purchase within the limits" -- t purchase --card "$tmp/card.json" --pin 123456 --amount 20.00 --json
stan=$(jq -r .stan "$tmp/out")
# Its slip: the English name (language en), the header and the footer downloaded.
expect 0 "receipt" -- t receipt "$stan"
out_has "MERCHANT NAME: Possum Books and Stationery, Shanghai"
out_has "^$header\$"
out_has "^$footer\$"

# 6. A CA key whose checksum does not verify: the whole set refused, not applied, not confirmed.
a tms capk add --rid A000000333 --index 09 --exponent 03 --expiry 20991231 \
	--modulus "$(printf 'C7%.0s' $(seq 1 128))" >/dev/null
[ "$(pending)" = 2 ] && ok || bad "tms_pending after a CA key's addition: $(pending), expected 2"
held=$(db_sql "$data" "SELECT capk_held FROM terminals WHERE tid = 'TERM0001'")
expect 1 "a corrupted CA key" -- t download --set capk --inject bad-capk
err_has "checksum does not match"
err_has "not applied"
[ "$(db_sql "$data" "SELECT capk_held FROM terminals WHERE tid = 'TERM0001'")" = "$held" ] && ok || bad "a refused set was confirmed"
[ "$(pending)" = 2 ] && ok || bad "tms_pending after a refused set: $(pending), expected 2"
expect 0 "params: the old keys kept" -- t params --json
[ "$(jq '.capk.keys | length' "$tmp/out")" = 2 ] && ok || bad "a refused set was applied: $(jq -c .capk "$tmp/out")"
expect 0 "the set again, sound" -- t download --set capk
[ "$(pending)" = 0 ] && ok || bad "tms_pending after the CA keys: $(pending), expected 0"

# 6b. A key in force at the host's date but past its expiry at the terminal's: the terminal's
# own check (tms_capk_check at its date) refuses the whole set. The key expires tomorrow at the
# host (+08:00); the terminal runs 3 days ahead (libfaketime). Then revoked: the terminal
# drops it at its next download.
lib=$(faketime_lib)
if [ -n "$lib" ]; then
	ahead() {
		TZ=UTC LD_PRELOAD=$lib FAKETIME="@$(date -u -d '+3 days' '+%Y-%m-%d %H:%M:%S')" \
			FAKETIME_DONT_FAKE_MONOTONIC=1 \
			ASAN_OPTIONS="${ASAN_OPTIONS:+$ASAN_OPTIONS:}verify_asan_link_order=0" "$@"
	}
	a tms capk add --rid A000000333 --index 0B --exponent 03 --expiry "$(date -u -d '+32 hours' +%Y%m%d)" \
		--modulus "$(printf 'C9%.0s' $(seq 1 128))" >/dev/null
	[ "$(pending)" = 2 ] && ok || bad "tms_pending after the key expiring tomorrow: $(pending), expected 2"
	held=$(db_sql "$data" "SELECT capk_held FROM terminals WHERE tid = 'TERM0001'")
	expect 1 "a key expired at the terminal's date" -- ahead t download --set capk
	err_has "the key has expired"
	err_has "not applied"
	[ "$(db_sql "$data" "SELECT capk_held FROM terminals WHERE tid = 'TERM0001'")" = "$held" ] && ok ||
		bad "a set with an expired key was confirmed"
	expect 0 "revoke the key" -- a tms capk revoke --rid A000000333 --index 0B --reason "a test"
	expect 0 "the set without it" -- ahead t download --set capk
	[ "$(pending)" = 0 ] && ok || bad "tms_pending after the revoked key's set: $(pending), expected 0"
	expect 0 "params: the revoked key dropped" -- t params --json
	[ "$(jq '[.capk.keys[] | select(.index == "0B")] | length' "$tmp/out")" = 0 ] && ok ||
		bad "the revoked key kept: $(jq -c .capk "$tmp/out")"
fi

# 7. What the terminal does with reversal_retries, utc_offset and pin_credit.
issue_credit() {
	"$possum" admin card issue --data "$data" --product credit --holder "Li Si" \
		--id-number 110101199204150022 --phone 13900000000 --pin 654321 --limit 5000.00 "$@" >/dev/null
}
issue_credit --out "$tmp/credit.json"
issue_credit --chip --out "$tmp/credit_chip.json"
# A debit chip card whose application is UnionPay's quasi-credit one (A000000333010103).
"$possum" admin card issue --data "$data" --product debit --holder "Zhang San" --chip \
	--id-number 110101199003070000 --phone 13800000000 --pin 123456 --balance 100.00 --out "$tmp/chip.json" >/dev/null
jq '.emv.aid = "A000000333010103" | .emv.label = "UnionPay QCredit"' "$tmp/chip.json" >"$tmp/quasi.json"
# Reached through a relay that holds the host's answers while $tmp/delay holds seconds.
start_relay "$2" "$port" --delay "$tmp/delay"
also_kill=$relay_pid
a tms param set --terminal TERM0001 pin_credit 1 >/dev/null
a tms param set --terminal TERM0001 utc_offset +05:30 >/dev/null
a tms param set --terminal TERM0001 reversal_retries 2 >/dev/null
a tms param set --terminal TERM0001 host_primary "127.0.0.1:$relay" >/dev/null
expect 0 "download params" -- t download --set params
requests() { grep -c '"tid":"TERM0001"' "$tmp/host.log"; }
reversals() { grep '"tid":"TERM0001"' "$tmp/host.log" | grep -c '"type":"reversal"'; }
# pin_credit 1: a credit card's purchase or pre-authorization without its PIN is refused by
# the terminal, by the card file's product or the chip's credit or quasi-credit application.
n=$(requests)
for c in credit credit_chip quasi; do
	entry=swipe
	[ $c = credit ] || entry=chip
	expect 1 "pin_credit 1: $c purchase without PIN" -- t purchase --card "$tmp/$c.json" --entry $entry --amount 10.00
	err_has "a credit card needs its PIN"
	err_has "nothing was sent"
done
expect 1 "pin_credit 1: credit pre-authorization without PIN" -- t preauth --card "$tmp/credit.json" --amount 10.00
err_has "a credit card needs its PIN"
[ "$(requests)" = "$n" ] && ok || bad "the host saw a credit card's request without PIN"
expect 0 "pin_credit 1: credit purchase with its PIN" -- t purchase --card "$tmp/credit.json" --pin 654321 --amount 10.00
# A debit card keeps its rules: sent, the issuer decides (55: its PIN is needed).
expect 1 "pin_credit 1: debit purchase without PIN, sent" -- t purchase --card "$tmp/card.json" --amount 10.00
if grep -q "needs its PIN" "$tmp/err"; then bad "a debit card refused by pin_credit"; else ok; fi
[ "$(requests)" -gt $((n + 1)) ] && ok || bad "the debit purchase did not reach the host"
# utc_offset +05:30: the slip's date and time are the terminal's, 2:30 behind the host's.
t0=$(date -u +%s)
expect 0 "purchase" -- t purchase --card "$tmp/card.json" --pin 123456 --amount 12.00 --json
stan=$(jq -r .stan "$tmp/out")
t1=$(date -u +%s)
expect 0 "receipt in the terminal's time" -- t receipt "$stan"
if grep -q -e "DATE/TIME: $(date -u -d "@$((t0 + 330 * 60))" '+%Y-%m-%d %H:%M')" \
	-e "DATE/TIME: $(date -u -d "@$((t1 + 330 * 60))" '+%Y-%m-%d %H:%M')" "$tmp/out"; then ok; else
	bad "the slip's time is not UTC+05:30 ($(date -u -d "@$((t0 + 330 * 60))" '+%Y-%m-%d %H:%M')): $(grep DATE "$tmp/out")"
fi
# reversal_retries 2: a reversal the host does not answer in time is sent twice, the same
# message, then left pending and nothing new is sent; delivered once the host answers.
expect 1 "a purchase whose answer is lost" -- t purchase --card "$tmp/card.json" --pin 123456 --amount 13.00 --inject timeout
err_has "a reversal is pending"
lost=$(sed -n 's/.*stan \([0-9]*\):.*/\1/p' "$tmp/err" | head -1)
echo 3 >"$tmp/delay"
n=$(requests)
r=$(reversals)
expect 1 "purchase: the reversal sent twice, not answered in time" -- t purchase --card "$tmp/card.json" --pin 123456 --amount 14.00 --timeout 1
err_has "reversal of stan $lost is still pending, sent 2 times"
[ "$(reversals)" = $((r + 2)) ] && ok || bad "reversals the host saw: $(($(reversals) - r)), expected 2"
[ "$(requests)" = $((n + 2)) ] && ok || bad "the host saw more than the reversals: $(($(requests) - n)) requests"
grep '"tid":"TERM0001"' "$tmp/host.log" | grep '"type":"reversal"' | tail -2 |
	sed -n 's/.*"stan":"\{0,1\}\([0-9]*\).*/\1/p' | sort -u >"$tmp/stans"
[ "$(cat "$tmp/stans")" = "$lost" ] && ok || bad "the two reversals are not both of stan $lost: $(cat "$tmp/stans")"
expect 0 "receipt: still pending" -- t receipt "$lost"
out_has "REVERSAL PENDING"
rm -f "$tmp/delay"
expect 0 "purchase: the reversal delivered first" -- t purchase --card "$tmp/card.json" --pin 123456 --amount 14.00 --timeout 5
out_has "reversal delivered first"
[ "$(reversals)" = $((r + 3)) ] && ok || bad "reversals the host saw: $(($(reversals) - r)), expected 3"
expect 0 "receipt: reversed" -- t receipt "$lost"
out_has "已冲正 REVERSED"
# pin_credit 0: a credit card pays without its PIN again.
a tms param unset --terminal TERM0001 pin_credit >/dev/null
expect 0 "download params" -- t download --set params
expect 0 "pin_credit 0: credit purchase without PIN" -- t purchase --card "$tmp/credit.json" --amount 11.00

# 8. The host's addresses: a primary that does not answer, then the backup.
a tms param set --terminal TERM0001 host_primary 127.0.0.1:1 >/dev/null
a tms param set --terminal TERM0001 host_backup "127.0.0.1:$port" >/dev/null
a tms param set --terminal TERM0001 connect_timeout 2 >/dev/null
expect 0 "download params (through the address of init)" -- t download --set params
# init's own address (tried last) made one that does not answer either: only the backup does.
expect 0 "init again, its address closed" -- t init --host 127.0.0.1:2 --tid TERM0001 --mid $mid --sn SN0001 --tmk-components "$comps"
expect 0 "echo: the primary refuses, the backup answers" -- t echo
out_has "echo: 00"
a tms param unset --terminal TERM0001 host_backup >/dev/null
a tms param set --terminal TERM0001 host_primary "127.0.0.1:$port" >/dev/null
expect 0 "download params (through the backup)" -- t download --set params
a tms param unset --terminal TERM0001 host_primary >/dev/null
expect 0 "download params (through the new primary)" -- t download --set params
expect 1 "echo: no address answers" -- t echo
err_has "cannot reach the host"

# 9. A suspended terminal downloads nothing.
a terminal suspend --tid TERM0001 --reason "a test" >/dev/null
expect 0 "init again" -- t init --host "127.0.0.1:$port" --tid TERM0001 --mid $mid --sn SN0001 --tmk-components "$comps"
expect 1 "a suspended terminal downloads nothing" -- t download --set params
out_has "refused by the host 97"

finish
