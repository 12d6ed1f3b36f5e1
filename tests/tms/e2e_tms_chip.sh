#!/bin/sh
# e2e_tms_chip.sh POSSUM SOURCE_DIR — chip transactions with what the terminal downloaded
# (docs/tms.md "Chip transactions at the terminal"): a real `possum host` and `possum term` over
# TCP, through a relay that records each frame the host receives (tests/relay.py --frames), its
# field 55 read back with `possum iso decode`. A card whose AID was removed from the list is
# refused by the terminal with nothing sent, and taken once a list entry selects it partially;
# the list's label is on the slip; an amount at or above the floor limit sets TVR byte 4 bit 8
# (0000008000) and one below it does not; a card naming a CA key the terminal does not hold
# (never added, or revoked and dropped at the next download) sets byte 1 bits 8 and 6
# (A0…) and is still approved — the issuer's ARQC check covers that 95 — while one naming a key
# held leaves them clear; a TAC-denial the TVR meets declines offline, nothing sent.
possum=$1
. "$2/tests/lib.sh"

if ! "$possum" admin terminal --help >/dev/null 2>&1; then
	echo "skipped: no acquirer"
	exit 0
fi
command -v jq >/dev/null || skip "jq missing"
command -v python3 >/dev/null || skip "python3 missing"

data=$tmp/host
st=$tmp/term
mid=898310048120001
sed -e 's/^port *=.*/port = 0/' "$2/etc/possum.conf" >"$tmp/possum.conf"
printf '\n[risk]\nrules = none\n' >>"$tmp/possum.conf"
export POSSUM_CONFIG=$tmp/possum.conf
a() { "$possum" admin "$@" --data "$data"; }
t() { "$possum" term "$@" --data "$st"; }
frames() { wc -l <"$tmp/wire.hex"; }
# The TVR (95) of the last frame the host received.
tvr() {
	_f=$(tail -1 "$tmp/wire.hex")
	printf '%04X%s\n' $((${#_f} / 2)) "$_f" | "$possum" iso decode --profile cup-pos --framed |
		sed -n 's/^ *55\.95 .* \([0-9A-F]\{10\}\)$/\1/p'
}
# buy CARD AMOUNT [OPTION...]: a chip purchase.
buy() {
	_card=$1 _amount=$2
	shift 2
	t purchase --card "$_card" --entry chip --pin 123456 --amount "$_amount" "$@"
}

issue_card "$tmp/card.json" 1000.00
"$possum" admin card issue --data "$data" --product debit --holder "Zhang San" \
	--id-number 110101199003070000 --phone 13800000000 --pin 123456 --balance 1000.00 --chip \
	--out "$tmp/chip.json" >/dev/null
# The same card as other applications would present it: UnionPay quasi-credit's AID, and
# naming CA key 08 (added below) or 09 (never added).
jq '.emv.aid = "A000000333010103" | .emv.label = "UnionPay QC"' "$tmp/chip.json" >"$tmp/quasi.json"
jq '.emv.capk_index = "08"' "$tmp/chip.json" >"$tmp/key08.json"
jq '.emv.capk_index = "09"' "$tmp/chip.json" >"$tmp/key09.json"
a merchant add --name "Possum Books" --mcc 5942 --mid $mid >/dev/null
comps=$(a terminal add --merchant $mid --sn SN0001 --tid TERM0001 --json |
	grep -o '"component":"[0-9A-F]*","kcv":"[0-9A-F]*"' |
	sed 's/"component":"\([0-9A-F]*\)","kcv":"\([0-9A-F]*\)"/\1:\2/' | paste -sd, -)
expect 0 "aid remove: quasi-credit" -- a tms aid remove --aid A000000333010103
expect 0 "aid add: debit, floor limit 100.00" -- a tms aid add --aid A000000333010101 \
	--label "银联借记 UnionPay Debit" --floor-limit 100.00
expect 0 "capk add: A000000333 08" -- a tms capk add --rid A000000333 --index 08 --exponent 03 \
	--expiry 20991231 --modulus "$(printf 'B6%.0s' $(seq 1 128))"

start_host "$data"
start_relay "$2" "$port" --frames "$tmp/wire.hex"
also_kill=$relay_pid
expect 0 "init" -- t init --host "127.0.0.1:$relay" --tid TERM0001 --mid $mid --sn SN0001 --tmk-components "$comps"
expect 0 "signin, and the downloads" -- t signin
out_has "download aid: version [0-9a-f]\{8\} applied, 2 items"
out_has "download capk: version [0-9a-f]\{8\} applied, 1 items"

# 1. An application the list does not have: refused by the terminal, nothing sent.
n=$(frames)
expect 1 "quasi-credit, off the list" -- buy "$tmp/quasi.json" 5.00
err_has "A000000333010103 is not on this terminal's AID list"
err_has "本终端不支持该卡应用"
err_has "nothing was sent"
[ "$(frames)" = "$n" ] && ok || bad "the host received a refused card's request"
# Its stripe has no application to select: it goes (and the issuer answers it).
expect 1 "quasi-credit swiped: sent" -- t purchase --card "$tmp/quasi.json" --pin 123456 --amount 5.00
[ "$(frames)" -gt "$n" ] && ok || bad "a swiped card was not sent"

# 2. The floor limit: at or above it, TVR byte 4 bit 8; below it, clear. Approved either way:
# the issuer checks the ARQC over the 95 it receives.
expect 0 "debit, 100.00: at the floor limit" -- buy "$tmp/chip.json" 100.00 --json
[ "$(tvr)" = 0000008000 ] && ok || bad "95 at the floor limit: '$(tvr)'"
stan=$(jq -r .stan "$tmp/out")
expect 0 "receipt: the list's label" -- t receipt "$stan"
out_has "AID: A000000333010101  应用标签 APP LABEL: 银联借记 UnionPay Debit"
expect 0 "debit, 99.99: below it" -- buy "$tmp/chip.json" 99.99
[ "$(tvr)" = 0000000000 ] && ok || bad "95 below the floor limit: '$(tvr)'"

# 3. The CA key the card names: held, nothing marked; not held, byte 1 bits 8 and 6, and
# still online and approved.
expect 0 "naming key 08, held" -- buy "$tmp/key08.json" 5.00
[ "$(tvr)" = 0000000000 ] && ok || bad "95 with the key held: '$(tvr)'"
expect 0 "naming key 09, not held: approved" -- buy "$tmp/key09.json" 5.00
out_has "purchase: 00"
[ "$(tvr)" = A000000000 ] && ok || bad "95 with the key missing: '$(tvr)'"
expect 0 "capk revoke 08" -- a tms capk revoke --rid A000000333 --index 08 --reason "a test"
expect 0 "download capk: 08 dropped" -- t download --set capk
expect 0 "naming key 08, revoked: approved" -- buy "$tmp/key08.json" 100.00
[ "$(tvr)" = A000008000 ] && ok || bad "95 with the key revoked: '$(tvr)'"

# 4. Terminal action analysis: a TAC-denial bit the TVR has declines offline, nothing sent.
expect 0 "aid add: debit, TAC-denial floor limit" -- a tms aid add --aid A000000333010101 \
	--label "银联借记 UnionPay Debit" --floor-limit 100.00 --tac-denial 0000008000
expect 0 "download aid" -- t download --set aid
n=$(frames)
expect 1 "debit, 100.00: declined offline" -- buy "$tmp/chip.json" 100.00
err_has "declined offline by the terminal (AAC): the TVR 0000008000 meets the application's TAC-denial 0000008000"
err_has "nothing was sent"
[ "$(frames)" = "$n" ] && ok || bad "the host received a request declined offline"
expect 0 "debit, 5.00: online" -- buy "$tmp/chip.json" 5.00
[ "$(tvr)" = 0000000000 ] && ok || bad "95 below the floor limit: '$(tvr)'"

# 5. Partial selection: a list entry of UnionPay's RID that allows it selects quasi-credit.
expect 0 "aid add: UnionPay, partial" -- a tms aid add --aid A000000333 --label "UnionPay" --partial
expect 0 "download aid" -- t download --set aid
expect 0 "quasi-credit, selected partially" -- buy "$tmp/quasi.json" 5.00 --json
stan=$(jq -r .stan "$tmp/out")
expect 0 "receipt: the partial entry's label" -- t receipt "$stan"
out_has "AID: A000000333010103  应用标签 APP LABEL: UnionPay$"

finish
