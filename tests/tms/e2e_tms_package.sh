#!/bin/sh
# e2e_tms_package.sh — software packages (docs/tms.md "Software updates"), on SQLite and
# (NAME_pg) PostgreSQL: a package stored, hashed and signed, its signature verified with the
# public key `package key` prints (openssl pkeyutl, outside possum) and refused with one byte
# of the file changed; the same version again refused (1), bad versions, an empty or missing
# file refused (2); rollouts by terminals and by percentage listed and stopped (again: 1); a
# model's minimum set and listed; `tms status` showing terminals by model and version and the
# rollouts' counts; every change audited. Then in a real host on a clock set by faketime: a
# terminal that reported POSSUM01 signs in before the minimum's date and is refused with U1
# after it while the minimum is above its version, and signs in once the minimum is its own.
possum=$1
. "$2/tests/lib.sh"

command -v jq >/dev/null || skip "jq missing"
command -v openssl >/dev/null || skip "openssl missing"
lib=$(faketime_lib)
[ -n "$lib" ] || skip "faketime missing"
data=$tmp/data
export POSSUM_DATA=$data
unset POSSUM_CONFIG
mid=898310048120001
same() { if [ "$1" = "$2" ]; then ok; else bad "$3: '$1', expected '$2'"; fi; }

"$possum" admin merchant add --name "Possum Mart" --mcc 5411 --mid $mid >/dev/null 2>&1
for i in 01 02 03 04 05 06 07 08 09 10; do
	"$possum" admin terminal add --merchant $mid --sn "SN-PKG-$i" --tid "TERMPK$i" \
		--model PX-7 >/dev/null || bad "terminal add TERMPK$i"
done

# A package: stored, hashed, signed.
head -c 70000 /dev/urandom >"$tmp/fw.bin"
expect 0 "package add" -- "$possum" admin tms package add --model PX-7 --version 2.0 "$tmp/fw.bin" --json
same "$(jq -r .sha256 "$tmp/out")" "$(sha256sum "$tmp/fw.bin" | cut -c1-64 | tr a-f A-F)" "the package's SHA-256"
same "$(jq -r .size "$tmp/out")" 70000 "the package's size"
id=$(jq -r .id "$tmp/out")
jq -r .signature "$tmp/out" | xxd -r -p >"$tmp/sig"
expect 0 "package key" -- "$possum" admin tms package key --json
jq -r .pem "$tmp/out" >"$tmp/pub.pem"
same "$(jq -r .algorithm "$tmp/out")" Ed25519 "the key's algorithm"
# The signed text, as docs/tms.md says: possum-pkg-v1 NUL model NUL version NUL SHA-256.
{ printf 'possum-pkg-v1\000PX-7\0002.0\000'; sha256sum "$tmp/fw.bin" | cut -c1-64 | xxd -r -p; } >"$tmp/signed"
expect 0 "openssl verifies the signature" -- openssl pkeyutl -verify -pubin -inkey "$tmp/pub.pem" \
	-rawin -in "$tmp/signed" -sigfile "$tmp/sig"
cp "$tmp/fw.bin" "$tmp/bad.bin"
printf 'X' | dd of="$tmp/bad.bin" bs=1 seek=100 conv=notrunc 2>/dev/null
{ printf 'possum-pkg-v1\000PX-7\0002.0\000'; sha256sum "$tmp/bad.bin" | cut -c1-64 | xxd -r -p; } >"$tmp/signed"
expect 1 "a changed byte does not verify" -- openssl pkeyutl -verify -pubin -inkey "$tmp/pub.pem" \
	-rawin -in "$tmp/signed" -sigfile "$tmp/sig"

# Refused: the same version (1); bad versions, an empty or missing file (2); nothing stored.
expect 1 "package add: the same version" -- "$possum" admin tms package add --model PX-7 --version 2.0 "$tmp/bad.bin"
err_has "has a package of version 2.0 already"
expect 2 "package add: a bad version" -- "$possum" admin tms package add --model PX-7 --version "2 0" "$tmp/fw.bin"
expect 2 "package add: a long version" -- "$possum" admin tms package add --model PX-7 --version 1.2.3.4.5 "$tmp/fw.bin"
: >"$tmp/empty.bin"
expect 2 "package add: an empty file" -- "$possum" admin tms package add --model PX-7 --version 2.1 "$tmp/empty.bin"
expect 2 "package add: no file" -- "$possum" admin tms package add --model PX-7 --version 2.1 "$tmp/nothing"
expect 2 "package add: no FILE" -- "$possum" admin tms package add --model PX-7 --version 2.1
expect 0 "package list" -- "$possum" admin tms package list --json
same "$(jq '.items | length' "$tmp/out")" 1 "packages stored"

# Rollouts: two terminals; 50% of the model; a merchant's terminals; an unknown terminal or
# merchant (1); two kinds at once (2).
expect 0 "rollout to terminals" -- "$possum" admin tms rollout add --package "$id" --terminals TERMPK01,TERMPK02 --json
r1=$(jq -r .id "$tmp/out")
same "$(jq -c .targets "$tmp/out")" '["TERMPK01","TERMPK02"]' "the rollout's terminals"
expect 0 "rollout to 50%" -- "$possum" admin tms rollout add --package "$id" --percent 50 --from "2026-01-01 08:00" --json
same "$(jq -r .from "$tmp/out")" "2026-01-01T08:00:00+08:00" "the rollout's start"
expect 0 "rollout to a merchant's terminals" -- "$possum" admin tms rollout add --package "$id" --merchants $mid --json
r3=$(jq -r .id "$tmp/out")
same "$(jq -c .targets "$tmp/out")" "[\"$mid\"]" "the rollout's merchants"
expect 1 "rollout to an unknown merchant" -- "$possum" admin tms rollout add --package "$id" --merchants 898310048129999
err_has "898310048129999"
expect 1 "rollout to an unknown terminal" -- "$possum" admin tms rollout add --package "$id" --terminals TERMPK01,NOPE0001
err_has "NOPE0001"
expect 1 "rollout of an unknown package" -- "$possum" admin tms rollout add --package 99 --percent 10
expect 2 "rollout: two kinds" -- "$possum" admin tms rollout add --package "$id" --percent 10 --terminals TERMPK01
expect 2 "rollout: percent 0" -- "$possum" admin tms rollout add --package "$id" --percent 0
expect 2 "rollout: a bad start" -- "$possum" admin tms rollout add --package "$id" --percent 10 --from 2026-01-01
expect 0 "status" -- "$possum" admin tms status --model PX-7 --json
same "$(jq '.models[0].terminals' "$tmp/out")" 10 "the model's terminals"
same "$(jq '[.rollouts[] | select(.kind == "terminals")][0].targeted' "$tmp/out")" 2 "the terminals' rollout names 2"
n=$(jq '[.rollouts[] | select(.kind == "percent")][0].targeted' "$tmp/out")
[ "$n" -ge 1 ] && [ "$n" -le 10 ] && ok || bad "50% of 10 terminals: $n"
same "$(jq -r '.terminals[] | select(.tid == "TERMPK01") | .package.version' "$tmp/out")" 2.0 "TERMPK01's package"
same "$(jq '[.rollouts[] | select(.kind == "merchants")][0].targeted' "$tmp/out")" 10 "the merchant's rollout names its 10"
expect 0 "rollout stop: the merchant's" -- "$possum" admin tms rollout stop "$r3"
expect 0 "status, people's form" -- "$possum" admin tms status
out_has "^PX-7 "
expect 0 "rollout stop" -- "$possum" admin tms rollout stop "$r1"
expect 1 "rollout stop again" -- "$possum" admin tms rollout stop "$r1"
expect 1 "rollout stop: unknown" -- "$possum" admin tms rollout stop 99
expect 0 "rollout list" -- "$possum" admin tms rollout list --json
same "$(jq -c '[.items[].running]' "$tmp/out")" '[false,true,false]' "running rollouts"

# Minimum versions.
expect 2 "minimum: a bad date" -- "$possum" admin tms minimum set --model PX-7 --version 2.0 --after 2026-02-30
expect 0 "minimum set" -- "$possum" admin tms minimum set --model PX-7 --version POSSUM02 --after 2026-12-31
expect 0 "minimum list" -- "$possum" admin tms minimum list --json
same "$(jq -c '.items[0] | [.model, .version, .after]' "$tmp/out")" '["PX-7","POSSUM02","2026-12-31"]' "the minimum"
expect 0 "audit" -- "$possum" admin audit --json
for a in tms.package.add tms.rollout.add tms.rollout.stop tms.minimum.set; do
	[ "$(jq "[.items[] | select(.action == \"$a\")] | length" "$tmp/out")" -ge 1 ] && ok || bad "no audit entry $a"
done

# Sign-in in a real host on a faked clock: a new terminal of PX-7 pays (reporting POSSUM01 in
# 59 A2 05), with the configuration's demo BIN ranges.
sed -e 's/^port *=.*/port = 0/' "$2/etc/possum.conf" >"$tmp/possum.conf"
export POSSUM_CONFIG=$tmp/possum.conf
"$possum" admin terminal add --merchant $mid --sn SN-PKG-SI --tid TERMPKSI --model PX-7 \
	--json >"$tmp/tadd.json"
comps=$(grep -o '"component":"[0-9A-F]*","kcv":"[0-9A-F]*"' "$tmp/tadd.json" |
	sed 's/"component":"\([0-9A-F]*\)","kcv":"\([0-9A-F]*\)"/\1:\2/' | paste -sd, -)
clock=$tmp/clock
echo "2026-12-31 12:00:00" >"$clock"
faked_host "$lib" "$clock" "$data"
expect 0 "term init" -- "$possum" term init --state "$tmp/term" --host "127.0.0.1:$port" --tid TERMPKSI \
	--mid $mid --sn SN-PKG-SI --tmk-components "$comps"
expect 0 "sign-in on the minimum's date" -- "$possum" term signin --state "$tmp/term"
"$possum" admin card issue --product debit --holder "Zhang San" --id-number 110101199003070000 \
	--phone 13800000000 --pin 123456 --balance 1000.00 --out "$tmp/card.json" >/dev/null
expect 0 "a purchase reports the version" -- "$possum" term purchase --state "$tmp/term" \
	--card "$tmp/card.json" --pin 123456 --amount 1.00
same "$(db_sql "$data" "SELECT version FROM terminals WHERE tid = 'TERMPKSI'")" POSSUM01 "the version reported"
echo "2027-01-01 12:00:00" >"$clock"
expect 1 "sign-in after the date: U1" -- "$possum" term signin --state "$tmp/term"
if grep -q "U1" "$tmp/out" "$tmp/err"; then ok; else bad "no U1: $(cat "$tmp/out" "$tmp/err")"; fi
expect 0 "minimum set to its version" -- "$possum" admin tms minimum set --model PX-7 --version POSSUM01 --after 2026-12-31
expect 0 "sign-in at the minimum" -- "$possum" term signin --state "$tmp/term"
finish
