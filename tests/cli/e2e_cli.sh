#!/bin/sh
# e2e_cli.sh POSSUM SOURCE_DIR — the `possum` command as a user runs it: help and version,
# exit codes, the published ISO 8583 vector, decode | encode round trips of the examples in
# every dialect, bad input refused with field and offset, and `possum tlv decode`.
possum=$1
top=$2
. "$(dirname "$0")/../lib.sh"

expect 0 "version" -- "$possum" --version
out_has "^possum [0-9]"
expect 0 "help" -- "$possum" --help
out_has "iso"
expect 2 "no command" -- "$possum"
expect 2 "unknown command" -- "$possum" frobnicate
err_has "unknown command 'frobnicate'"
for cmd in "iso" "iso decode" "iso encode" "iso profiles" "tlv" "tlv decode"; do
	# shellcheck disable=SC2086
	expect 0 "possum $cmd --help" -- "$possum" $cmd --help
	out_has "Usage"
done
expect 2 "unknown option" -- "$possum" iso decode --bogus
err_has "possum iso decode: unknown option '--bogus'"
expect 2 "option without its value" -- "$possum" iso decode --profile
err_has "possum iso decode: --profile needs a value"
# A bad value names its option once, with its two dashes.
expect 2 "load: bad amount" -- "$possum" load --host 127.0.0.1:1 --terminals-file /dev/null \
	--duration 1 --amount x
err_has "possum load: --amount takes an amount"
expect 2 "audit: bad limit" -- "$possum" admin audit --limit 0 --data "$tmp/none"
err_has "possum admin audit: --limit takes a whole number"
expect 0 "profiles" -- "$possum" iso profiles
out_has "iso87a-bb"

# The project's known-answer vector: the ASCII dialect, no length header.
echo '{"mti":"0100","fields":{"2":"4242424242424242","3":"123456","4":"100"}}' >"$tmp/v.json"
expect 0 "encode vector" -- sh -c "'$possum' iso encode --profile iso87a <'$tmp/v.json'"
want=$(printf '01007000000000000000164242424242424242123456000000000100' | od -An -tx1 | tr -d ' \n' | tr a-f A-F)
if [ "$(cat "$tmp/out")" = "$want" ]; then ok; else bad "vector: got $(cat "$tmp/out")"; fi
vector=$want # (expect sets want)
expect 0 "encode --json" -- sh -c "'$possum' iso encode --profile iso87a --json <'$tmp/v.json'"
if [ "$(cat "$tmp/out")" = "{\"hex\":\"$vector\",\"length\":56}" ]; then ok; else bad "encode --json: $(cat "$tmp/out")"; fi
expect 2 "encode --json --raw" -- sh -c "'$possum' iso encode --profile iso87a --json --raw <'$tmp/v.json'"
err_has "not both"
want=$vector
expect 0 "decode vector" -- "$possum" iso decode --profile iso87a --json "$want"
if [ "$(cat "$tmp/out")" = '{"mti":"0100","fields":{"2":"4242424242424242","3":"123456","4":"000000000100"}}' ]; then ok; else bad "vector JSON: $(cat "$tmp/out")"; fi

# Round trips: every example in every dialect, framed and not, hex from argument and stdin
# (an example named *-iso87a.json is a link message, with fields cup-pos does not define:
# the three network dialects only).
for json in "$top"/examples/*.json; do
	for profile in cup-pos iso87a iso87a-bb iso87b; do
		case $json:$profile in *-iso87a.json:cup-pos) continue ;; esac
		for framed in "" "--framed"; do
			name="$(basename "$json") $profile $framed"
			if ! "$possum" iso encode --profile "$profile" $framed <"$json" >"$tmp/hex"; then
				bad "encode $name"
				continue
			fi
			"$possum" iso decode --profile "$profile" $framed --json - <"$tmp/hex" >"$tmp/dec.json" &&
				"$possum" iso encode --profile "$profile" $framed <"$tmp/dec.json" >"$tmp/hex2"
			if cmp -s "$tmp/hex" "$tmp/hex2"; then ok; else bad "round trip $name"; fi
		done
	done
done
hex=$("$possum" iso encode --profile cup-pos --framed <"$top/examples/purchase.json")
expect 0 "decode table" -- "$possum" iso decode --profile cup-pos --framed "$hex"
out_has "TPDU 6000030000"
out_has "59.A2.02 *hardware serial number *0000020254004318"
out_has "55.9F26 *Application Cryptogram *A1B2C3D4E5F60708"
out_has "60.2 *batch number *000001"
# Below a field, its meaning: the amount in 49's currency, dates and times, 39 in Chinese and
# English. The JSON keeps its shape.
out_has "^      = 12.34 CNY$"
resp=$("$possum" iso encode --profile cup-pos --framed <"$top/examples/purchase-response.json")
expect 0 "decode answer table" -- "$possum" iso decode --profile cup-pos --framed "$resp"
out_has "^   39  response code  *00$"
out_has "^      = 交易成功 / approved$"
out_has "^      = 10:30:15 (local time)$"
out_has "^      = 11-22 (month-day, local date)$"
echo '{"mti":"0210","fields":{"4":"000000012345","7":"1130120000","39":"51","49":"392"}}' >"$tmp/r.json"
"$possum" iso encode --profile iso87a <"$tmp/r.json" >"$tmp/r.hex"
expect 0 "decode readable" -- "$possum" iso decode --profile iso87a "$(cat "$tmp/r.hex")"
out_has "^      = 12345 JPY$"
out_has "^      = 11-30 12:00:00 (month-day, GMT)$"
out_has "^      = 余额不足 / insufficient funds$"
expect 0 "decode readable json" -- "$possum" iso decode --profile iso87a --json "$(cat "$tmp/r.hex")"
if [ "$(cat "$tmp/out")" = '{"mti":"0210","fields":{"4":"000000012345","7":"1130120000","39":"51","49":"392"}}' ]; then ok; else bad "readable JSON: $(cat "$tmp/out")"; fi
# --hexdump: offset, hex, ASCII, as hexdump -C; then the table.
vector=$(printf '01007000000000000000164242424242424242123456000000000100' | od -An -tx1 | tr -d ' \n' | tr a-f A-F)
expect 0 "decode hexdump" -- "$possum" iso decode --profile iso87a --hexdump "$vector"
out_has "^00000000  30 31 30 30 37 30 30 30  30 30 30 30 30 30 30 30  |0100700000000000|$"
out_has "^00000030  30 30 30 30 30 31 30 30                           |00000100|$"
out_has "^  MTI  0100"
expect 2 "hexdump with json" -- "$possum" iso decode --profile iso87a --hexdump --json "$vector"
err_has "--hexdump is for the table"
expect 0 "decode masked" -- "$possum" iso decode --profile cup-pos --framed --mask "$hex"
out_has "primary account number *622848\*\*\*\*\*\*\*\*\*0018$"
out_has "track 2 *622848\*\*\*\*\*\*\*\*\*0018=\*\*\*\*"
out_has "PIN block *\*\*\*\*\*\*\*\*\*\*\*\*\*\*\*\*$"
if grep -q "6228480402564890018\|1B9C1845EB993A7A" "$tmp/out"; then bad "--mask leaked the PAN or PIN block"; else ok; fi
# EMV data carries the PAN (5A) and track 2 (57), nested or not: starred in the field's line
# and in its breakdown.
echo '{"mti":"0200","fields":{"3":"000000","55":"5A08622848040256489057126228480402564890018D2812220123456789700A5A0862284804025648909F360200FF"}}' >"$tmp/emv.json"
"$possum" iso encode --profile cup-pos <"$tmp/emv.json" >"$tmp/emv.hex"
expect 0 "decode masked EMV" -- "$possum" iso decode --profile cup-pos --mask "$(cat "$tmp/emv.hex")"
out_has "55.70.5A *Application"
out_has "55.9F36\|55.70.9F36"
if grep -q "62284804025648\|2812220123" "$tmp/out"; then bad "--mask leaked EMV card data: $(cat "$tmp/out")"; else ok; fi
# --json --mask: the same JSON shape, masked as the table is.
expect 0 "mask with json" -- "$possum" iso decode --profile cup-pos --framed --mask --json "$hex"
out_has '^{"tpdu":"6000030000","header":"613100310000","mti":"0200","fields":{"2":"622848\*\*\*\*\*\*\*\*\*0018","3":"000000","4":"000000001234",'
out_has '"35":"622848\*\*\*\*\*\*\*\*\*0018=\*\*\*\*\*\*\*\*\*\*\*\*\*\*\*\*\*","41":"10000001"'
out_has '"52":"\*\*\*\*\*\*\*\*\*\*\*\*\*\*\*\*","53":"2600000000000000","55":"\*\**"'
if grep -q "6228480402564890018\|1B9C1845EB993A7A\|A1B2C3D4E5F60708" "$tmp/out"; then bad "--json --mask leaked card data"; else ok; fi
if python3 -c 'import json,sys; json.load(open(sys.argv[1]))' "$tmp/out" 2>/dev/null; then ok; else bad "--json --mask is not JSON"; fi
expect 0 "decode json framed" -- "$possum" iso decode --profile cup-pos --framed --json "$hex"
out_has '"tpdu":"6000030000","header":"613100310000","mti":"0200"'
"$possum" iso encode --profile cup-pos --framed --raw <"$top/examples/purchase.json" >"$tmp/raw"
if [ "$(wc -c <"$tmp/raw")" -eq $((${#hex} / 2)) ]; then ok; else bad "encode --raw size"; fi
expect 0 "decode raw bytes" -- sh -c "'$possum' iso decode --profile cup-pos --framed --raw <'$tmp/raw'"

# Bad input: exit 2 and a message naming field and offset; nothing on stdout.
unframed=$("$possum" iso encode --profile cup-pos <"$top/examples/purchase.json")
expect 2 "truncated" -- "$possum" iso decode --profile cup-pos "$(echo "$unframed" | cut -c1-60)"
err_has "field 11: needs 3 bytes, 0 left at offset 30"
if [ -s "$tmp/out" ]; then bad "truncated: printed output"; else ok; fi
expect 2 "trailing" -- "$possum" iso decode --profile cup-pos "${unframed}00"
err_has "bytes left over after it"
expect 2 "wrong length header" -- "$possum" iso decode --profile cup-pos --framed "0001${hex#????}"
err_has "frame: length header says 1 bytes"
# A framed message decoded without --framed: the error suggests it.
expect 2 "framed without --framed" -- "$possum" iso decode --profile cup-pos "$hex"
err_has "its first 2 bytes are the length of the rest ($((${#hex} / 2 - 2))): try --framed"
framed87=$("$possum" iso encode --profile iso87a --framed <"$top/examples/signin.json")
expect 2 "iso87a framed without --framed" -- "$possum" iso decode --profile iso87a "$framed87"
err_has "try --framed"
expect 2 "unframed: no suggestion" -- "$possum" iso decode --profile cup-pos "${unframed}00"
if grep -q "try --framed" "$tmp/err"; then bad "suggested --framed for an unframed message"; else ok; fi
expect 2 "not hex" -- "$possum" iso decode --profile cup-pos "02zz"
err_has "not hex"
expect 2 "unknown profile" -- "$possum" iso decode --profile iso93 "0200"
err_has "unknown profile 'iso93'"
expect 2 "no profile" -- "$possum" iso decode "0200"
echo '{"mti":"0200","fields":{"3":"12A456"}}' >"$tmp/bad.json"
expect 2 "encode non-digit" -- sh -c "'$possum' iso encode --profile iso87a <'$tmp/bad.json'"
err_has "field 3: 'A' is not allowed in an n field"
echo '{"mti":"0200","fields":{"5":"1"}}' >"$tmp/bad.json"
expect 2 "encode undefined" -- sh -c "'$possum' iso encode --profile cup-pos <'$tmp/bad.json'"
err_has "field \"5\" is not defined in cup-pos"
echo '{"mti":"0200","fields":{"52":"XYZ"}}' >"$tmp/bad.json"
expect 2 "encode binary not hex" -- sh -c "'$possum' iso encode --profile cup-pos <'$tmp/bad.json'"
echo '{"mti":"0200","fields":{"43":"caf\u00e9"}}' >"$tmp/bad.json"
expect 0 "UTF-8 text" -- sh -c "'$possum' iso encode --profile iso87a <'$tmp/bad.json'"
latin1=$(cat "$tmp/out" | sed 's/C3A9/E920/')
expect 2 "decode json of text that is not UTF-8" -- "$possum" iso decode --profile iso87a --json "$latin1"
err_has "field 43: not UTF-8 text"
echo 'not json' >"$tmp/bad.json"
expect 2 "encode not JSON" -- sh -c "'$possum' iso encode --profile cup-pos <'$tmp/bad.json'"
err_has "not a JSON object"

# Binary fields as hex text (--binary hex: jPOS's ISO87APackager, Wireshark) or raw bytes.
echo '{"mti":"0200","fields":{"11":"000001","52":"123456789ABCDEF0"}}' >"$tmp/pin.json"
expect 0 "encode --binary hex" -- sh -c "'$possum' iso encode --profile iso87a --binary hex <'$tmp/pin.json'"
hexpin=$(cat "$tmp/out")
# 0200, the bitmap as text, 000001, then the PIN block as its 16 hex characters, in hex.
[ "$hexpin" = 303230303030323030303030303030303130303030303030303131323334353637383941424344454630 ] && ok ||
	bad "hex form: $hexpin"
expect 0 "decode --binary hex" -- "$possum" iso decode --profile iso87a --binary hex --json "$hexpin"
out_has '"52":"123456789ABCDEF0"'
expect 2 "the hex form read as raw" -- "$possum" iso decode --profile iso87a "$hexpin"
expect 0 "encode raw" -- sh -c "'$possum' iso encode --profile iso87a --binary raw <'$tmp/pin.json'"
expect 2 "the raw form read as hex" -- "$possum" iso decode --profile iso87a --binary hex "$(cat "$tmp/out")"
err_has "field 52"
expect 2 "--binary neither" -- "$possum" iso decode --profile iso87a --binary base64 "$hexpin"
err_has "\-\-binary is raw or hex, not 'base64'"
# A secondary bitmap naming no field (jPOS sends one): read (test_iso8583 packs it back).
empty2=30383030383230303030303030303030303030303030303030303030303030303030303031313232313033303030
expect 0 "an empty secondary bitmap" -- "$possum" iso decode --profile iso87a --json "$empty2"
out_has '"7":"1122103000"'

# BER-TLV.
expect 0 "tlv decode" -- "$possum" tlv decode "9F2608A1B2C3D4E5F60708710A9F180400000001860100"
out_has "9F26 *Application Cryptogram *8  A1B2C3D4E5F60708"
out_has "^  9F18"
expect 0 "tlv decode json" -- "$possum" tlv decode --json "9F360200FF"
if [ "$(cat "$tmp/out")" = '[{"tag":"9F36","name":"Application Transaction Counter (ATC)","length":2,"value":"00FF"}]' ]; then ok; else bad "tlv json: $(cat "$tmp/out")"; fi
expect 2 "tlv overrun" -- "$possum" tlv decode "9F2609A1B2"
err_has "offset 0"

# The data directory: a command that only reads creates nothing where there is none (exit 1,
# saying how to make one); a command that writes creates it; --data, then $POSSUM_DATA, then
# the configuration's [host] data.
(
	unset POSSUM_LMK POSSUM_DATA POSSUM_CONFIG
	gone="$tmp/no-data"
	for cmd in "admin ledger check" "admin ledger account show 1" "admin card list" \
		"admin card show 6200000000000000003" "admin token list" "admin audit" \
		"admin merchant list" "admin merchant show M1" "admin terminal list" \
		"admin terminal show --tid T1" "admin terminal status --tid T1" "admin review due" \
		"admin settlement-card show M1" "admin txn list" "admin txn show 000000000001" \
		"admin merchant balance 898310048120001"; do
		# shellcheck disable=SC2086
		expect 1 "read-only $cmd" -- "$possum" $cmd --data "$gone"
		err_has "no data directory at $gone: run \`possum host --data $gone\`"
		if [ -e "$gone" ]; then bad "$cmd created $gone"; rm -rf "$gone"; else ok; fi
	done
	expect 0 "a writing command creates" -- "$possum" admin ledger account create --code card \
		--currency 156 --data "$gone"
	if db_made "$gone" && [ -f "$gone/lmk" ]; then ok; else bad "not created: $gone"; fi
	expect 0 "read-only once there" -- "$possum" admin ledger account show 1 --data "$gone"
	# A data directory whose LMK is gone: said, and not made again.
	mv "$gone/lmk" "$tmp/lmk.kept"
	expect 1 "read-only without an LMK" -- "$possum" admin ledger check --data "$gone"
	err_has "no LMK in $gone/lmk"
	if [ -e "$gone/lmk" ]; then bad "an LMK was made"; else ok; fi
	mv "$tmp/lmk.kept" "$gone/lmk"
	# $POSSUM_DATA is honoured, --data wins over it, and it over the configuration's.
	export POSSUM_DATA="$tmp/env-data"
	expect 0 "POSSUM_DATA: create" -- "$possum" admin ledger account create --code card \
		--currency 156
	if [ -f "$tmp/env-data/lmk" ]; then ok; else bad "POSSUM_DATA not used"; fi
	expect 0 "POSSUM_DATA: show" -- "$possum" admin ledger account show 1
	expect 1 "--data over POSSUM_DATA" -- "$possum" admin ledger check --data "$tmp/other"
	err_has "no data directory at $tmp/other"
	if [ -e "$tmp/other" ]; then bad "--data: created $tmp/other"; else ok; fi
	printf '[host]\ndata = %s\n' "$tmp/cfg-data" >"$tmp/possum.conf"
	export POSSUM_CONFIG="$tmp/possum.conf"
	expect 0 "POSSUM_DATA over the config's" -- "$possum" admin ledger account show 1
	unset POSSUM_DATA
	expect 1 "the config's [host] data" -- "$possum" admin ledger check
	err_has "no data directory at $tmp/cfg-data"
	expect 0 "the config's [host] data: create" -- "$possum" admin ledger account create \
		--code card --currency 156
	if [ -f "$tmp/cfg-data/lmk" ]; then ok; else bad "[host] data not used"; fi
	echo "$passed $failed" >"$tmp/counts"
)
read -r passed failed <"$tmp/counts"

finish
