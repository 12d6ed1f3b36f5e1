#!/bin/sh
# e2e_tms_keys.sh — `possum admin tms capk` and `possum admin tms aid` (docs/tms.md "Chip
# applications and CA public keys"), on SQLite and (NAME_pg) PostgreSQL: UnionPay's AIDs there
# on a new store; Visa's published test key (A000000003, index 92) added with its checksum
# and refused with a wrong one (1, nothing stored), bad hex, lengths, exponent and date
# refused (2); a key added once (again: 1); listed with the set's version, which a revocation
# changes back; revoked once (again: 1, unknown: 1); an AID added, replaced, removed (again:
# 1), bad values refused (2); every change in the audit log; --json where a program reads it.
possum=$1
. "$2/tests/lib.sh"

command -v jq >/dev/null || {
	echo "skipped: jq missing (scripts/bootstrap installs it)"
	exit 77
}
export POSSUM_DATA=$tmp/data
unset POSSUM_CONFIG

# Visa's 1408-bit test CA public key and its checksum, as published in openemv/emv-utils
# (src/emv_capk_static_data.h, "Visa 1408-bit test CAPK [92]").
mod=996AF56F569187D09293C14810450ED8EE3357397B18A2458EFAA92DA3B6DF6514EC060195318FD43BE9B8F0CC669E3F844057CBDDF8BDA191BB64473BC8DC9A730DB8F6B4EDE3924186FFD9B8C7735789C23A36BA0B8AF65372EB57EA5D89E7D14E9C7B6B557460F10885DA16AC923F15AF3758F0F03EBD3C5C2C949CBA306DB44E6A2C076C5F67E281D7EF56785DC4D75945E491F01918800A9E2DC66F60080566CE0DAF8D17EAD46AD8E30A247C9F
sum=429C954A3859CEF91295F663C963E582ED6EB253
key="--rid A000000003 --index 92 --modulus $mod --exponent 03 --expiry 20991231"

expect 0 "tms --help" -- "$possum" admin tms --help
out_has "capk"
out_has "aid"
expect 1 "aid list: no data directory" -- "$possum" admin tms aid list

# CA keys: bad usage first (2), nothing made.
for bad in "--rid A00000000 --index 92 --modulus $mod --exponent 03 --expiry 20991231" \
	"--rid A000000003 --index 9 --modulus $mod --exponent 03 --expiry 20991231" \
	"--rid A000000003 --index 92 --modulus ${mod}G --exponent 03 --expiry 20991231" \
	"--rid A000000003 --index 92 --modulus 996 --exponent 03 --expiry 20991231" \
	"--rid A000000003 --index 92 --modulus $mod --exponent 02 --expiry 20991231" \
	"--rid A000000003 --index 92 --modulus $mod --exponent 03 --expiry 20990230" \
	"--rid A000000003 --index 92 --modulus $mod --exponent 03 --expiry 20991231 --checksum 42"; do
	# shellcheck disable=SC2086
	expect 2 "capk add: bad: ${bad%% --modulus*} …" -- "$possum" admin tms capk add $bad
done
expect 2 "capk add: no --expiry" -- "$possum" admin tms capk add --rid A000000003 --index 92 \
	--modulus "$mod" --exponent 03
err_has "expiry"
# A wrong checksum: refused (1), saying both.
# shellcheck disable=SC2086
expect 1 "capk add: wrong checksum" -- "$possum" admin tms capk add $key \
	--checksum 429C954A3859CEF91295F663C963E582ED6EB254
err_has "$sum"
# Removing an AID there is not: 1, the data directory made.
expect 1 "aid remove: unknown" -- "$possum" admin tms aid remove --aid A000000333010104
err_has "no application A000000333010104"
expect 0 "store status" -- "$possum" admin store status
out_has "tms"
expect 0 "capk list: none" -- "$possum" admin tms capk list --all --json
[ "$(jq '.items | length' "$tmp/out")" = 0 ] && ok || bad "a refused key was stored: $(cat "$tmp/out")"
none=$(jq -r .version "$tmp/out")
[ "$none" = e3b0c442 ] && ok || bad "the version of no key: $none"

# The published key with its checksum; again refused.
# shellcheck disable=SC2086
expect 0 "capk add" -- "$possum" admin tms capk add $key --checksum $sum --json
[ "$(jq -r .checksum "$tmp/out")" = $sum ] && [ "$(jq -r .state "$tmp/out")" = active ] &&
	[ "$(jq .modulus_bytes "$tmp/out")" = 176 ] && ok || bad "capk add --json: $(cat "$tmp/out")"
# shellcheck disable=SC2086
expect 1 "capk add: again" -- "$possum" admin tms capk add $key
err_has "exists already"
# Computed when not given: Visa's test key 94's index, the same modulus.
expect 0 "capk add: checksum computed" -- "$possum" admin tms capk add --rid A000000003 \
	--index 94 --modulus "$mod" --exponent 010001 --expiry 20991231
out_has "added A000000003:94"
expect 0 "capk list" -- "$possum" admin tms capk list
out_has "A000000003  92     20991231  active"
out_has "$sum"
expect 0 "capk list --json" -- "$possum" admin tms capk list --json
[ "$(jq '.items | length' "$tmp/out")" = 2 ] && ok || bad "capk list: $(cat "$tmp/out")"
two=$(jq -r .version "$tmp/out")
[ "$two" != "$none" ] && [ ${#two} -eq 8 ] && ok || bad "the version of two keys: $two"

# Revoked: out of the list in force, shown by --all; once only.
expect 2 "capk revoke: no --reason" -- "$possum" admin tms capk revoke --rid A000000003 --index 94
expect 2 "capk revoke: bad --rid" -- "$possum" admin tms capk revoke --rid A0000000 --index 94 \
	--reason x
expect 1 "capk revoke: unknown" -- "$possum" admin tms capk revoke --rid A000000003 --index 99 \
	--reason "no such key"
expect 0 "capk revoke" -- "$possum" admin tms capk revoke --rid A000000003 --index 94 \
	--reason "test key withdrawn"
expect 1 "capk revoke: again" -- "$possum" admin tms capk revoke --rid A000000003 --index 94 \
	--reason again
expect 0 "capk list after revoke" -- "$possum" admin tms capk list --json
[ "$(jq -r '[.items[].index] | join(",")' "$tmp/out")" = 92 ] && ok ||
	bad "capk list after revoke: $(cat "$tmp/out")"
one=$(jq -r .version "$tmp/out")
[ "$one" != "$two" ] && [ "$one" != "$none" ] && ok || bad "the version after revoke: $one"
expect 0 "capk list --all" -- "$possum" admin tms capk list --all --json
[ "$(jq -r '.items[] | select(.index == "94") | .state + " " + .revocation.reason' "$tmp/out")" = \
	"revoked test key withdrawn" ] && ok || bad "capk list --all: $(cat "$tmp/out")"

# AIDs: UnionPay's three on a new store.
expect 0 "aid list" -- "$possum" admin tms aid list --json
[ "$(jq -r '[.items[].aid] | join(",")' "$tmp/out")" = \
	A000000333010101,A000000333010102,A000000333010103 ] && ok || bad "aid list: $(cat "$tmp/out")"
[ "$(jq -r '.items[0] | .tac_default + .tac_denial + .tac_online + .version' "$tmp/out")" = \
	D84000A8000010000000D84004F8000030 ] && ok || bad "UnionPay debit's TACs: $(cat "$tmp/out")"
aids=$(jq -r .version "$tmp/out")
for bad in "--aid A0000003 --label x" "--aid A00000033G --label x" "--aid A000000333 --label ''" \
	"--aid A000000333 --label x --version 030" "--aid A000000333 --label x --floor-limit 1.001" \
	"--aid A000000333 --label x --threshold 5" "--aid A000000333 --label x --target-percent 100" \
	"--aid A000000333 --label x --target-percent 20 --max-target-percent 10" \
	"--aid A000000333 --label x --tac-online D84004F8"; do
	eval "set -- $bad"
	expect 2 "aid add: bad: $bad" -- "$possum" admin tms aid add "$@"
done
expect 0 "aid add" -- "$possum" admin tms aid add --aid A0000000031010 --label "VISA CREDIT" \
	--floor-limit 300.00 --threshold 100.00 --target-percent 20 --max-target-percent 50 \
	--partial --json
[ "$(jq -r '"\(.floor_limit.amount) \(.threshold.amount) \(.partial) \(.replaced)"' "$tmp/out")" = \
	"30000 10000 true false" ] && ok || bad "aid add --json: $(cat "$tmp/out")"
expect 0 "aid add: replaced" -- "$possum" admin tms aid add --aid A0000000031010 --label Visa
out_has "replaced A0000000031010"
out_has "exact"
expect 0 "aid list: four" -- "$possum" admin tms aid list
out_has "A0000000031010"
out_has "UnionPay Quasi-credit"
expect 2 "aid remove: bad" -- "$possum" admin tms aid remove --aid A0
expect 0 "aid remove" -- "$possum" admin tms aid remove --aid A0000000031010
expect 1 "aid remove: again" -- "$possum" admin tms aid remove --aid A0000000031010
expect 0 "aid list: back" -- "$possum" admin tms aid list --json
[ "$(jq -r .version "$tmp/out")" = "$aids" ] && ok || bad "the AIDs' version back: $(cat "$tmp/out")"

# Every change audited, nothing for the refusals.
expect 0 "audit" -- "$possum" admin audit --json
for a in tms.capk.add:2 tms.capk.revoke:1 tms.aid.add:1 tms.aid.replace:1 tms.aid.remove:1; do
	n=$(jq "[.items[] | select(.action == \"${a%%:*}\")] | length" "$tmp/out")
	[ "$n" = "${a#*:}" ] && ok || bad "audit: $n of ${a%%:*}, expected ${a#*:}"
done
[ "$(jq -r '.items[] | select(.action == "tms.capk.revoke") | .object' "$tmp/out")" = \
	capk:A000000003:94 ] && ok || bad "audit: the revocation's object"
finish
