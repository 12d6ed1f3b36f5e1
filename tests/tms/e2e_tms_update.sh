#!/bin/sh
# e2e_tms_update.sh POSSUM SOURCE_DIR — a software update over the terminal's connection
# (docs/tms.md "Software updates"): a real `possum host` (on a faked clock) and `possum term`.
# A package rolled out to a terminal makes it pending at once (tms_pending 8, the answers'
# nibble 8); without the package key the terminal refuses to update; a download broken after
# its first chunk resumes at its offset; installed, the host records the version it runs and
# nothing is pending. A package signed under another key than the terminal's, and one
# corrupted as received, are refused, reported (391 OK 0) and shown in `tms status`. A terminal that follows its host (auto on, given the package key at
# init) updates by itself after the first purchase once rolled out, whose answer asks 8; the
# host records the version, nothing is pending, and its next sign-in carries the version (59
# A2 05); a 390 or a 391 naming another model's package is answered 25, the 391 recording
# nothing. The corrupted one, below its model's minimum after the date, is refused at sign-in
# (U1) until it has updated.
possum=$1
. "$2/tests/lib.sh"

command -v jq >/dev/null || skip "jq missing"
lib=$(faketime_lib)
[ -n "$lib" ] || skip "faketime missing"
if ! "$possum" admin terminal --help >/dev/null 2>&1; then
	echo "skipped: no acquirer"
	exit 0
fi
data=$tmp/host
mid=898310048120001
sed -e 's/^port *=.*/port = 0/' "$2/etc/possum.conf" >"$tmp/possum.conf"
export POSSUM_CONFIG=$tmp/possum.conf
same() { if [ "$1" = "$2" ]; then ok; else bad "$3: '$1', expected '$2'"; fi; }
a() { "$possum" admin "$@" --data "$data"; }
col() { db_sql "$data" "SELECT $1 FROM terminals WHERE tid = '$2'"; }
add_term() {
	a terminal add --merchant $mid --sn "SN-$1" --tid "$1" --model PX-9 --json |
		grep -o '"component":"[0-9A-F]*","kcv":"[0-9A-F]*"' |
		sed 's/"component":"\([0-9A-F]*\)","kcv":"\([0-9A-F]*\)"/\1:\2/' | paste -sd, -
}

a merchant add --name "Possum Mart" --mcc 5411 --mid $mid >/dev/null
c1=$(add_term TERMUP01)
c2=$(add_term TERMUP02)
c3=$(add_term TERMUP03)
issue_card "$tmp/card.json" 100.00
head -c 3000 /dev/urandom >"$tmp/fw.bin"
id=$(a tms package add --model PX-9 --version POSSUM02 "$tmp/fw.bin" --json | jq -r .id)
key=$(a tms package key --json | jq -r .public_key)

clock=$tmp/clock
echo "2026-12-30 12:00:00" >"$clock"
faked_host "$lib" "$clock" "$data"
t1() { "$possum" term "$@" --data "$tmp/t1"; }
t2() { "$possum" term "$@" --data "$tmp/t2"; }
t3() { "$possum" term "$@" --data "$tmp/t3"; }
expect 0 "init 1" -- t1 init --host "127.0.0.1:$port" --tid TERMUP01 --mid $mid --sn SN-TERMUP01 --tmk-components "$c1"
expect 2 "init with a bad package key" -- t2 init --host "127.0.0.1:$port" --tid TERMUP02 --mid $mid --sn SN-TERMUP02 --tmk-components "$c2" --package-key "${key}00"
expect 0 "init 2, its package key given" -- t2 init --host "127.0.0.1:$port" --tid TERMUP02 --mid $mid --sn SN-TERMUP02 --tmk-components "$c2" --package-key "$key"
# Updates by hand here: neither terminal follows its host's requests by itself (on from init).
expect 0 "auto off 1" -- t1 download --auto off
expect 0 "auto off 2" -- t2 download --auto off
expect 0 "signin 1" -- t1 signin
same "$(($(col tms_pending TERMUP01) & 8))" 0 "no package: no update pending"

# 1. Rolled out: pending at once (the answers' nibble 8), and after the next echo still.
a tms rollout add --package "$id" --terminals TERMUP01,TERMUP02 >/dev/null
same "$(($(col tms_pending TERMUP01) & 8))" 8 "the package pending on rollout add"
same "$(($(col tms_pending TERMUP02) & 8))" 8 "the package pending on rollout add, 2"
same "$(($(col tms_pending TERMUP03) & 8))" 0 "not for a terminal the rollout does not name"
expect 0 "echo 1" -- t1 echo
same "$(($(col tms_pending TERMUP01) & 8))" 8 "the package pending"
expect 1 "update without the package key: refused" -- t1 update
err_has "no package key"
expect 2 "a bad package key" -- t1 update --package-key 1234
expect 0 "package key kept" -- t1 update --package-key "$key"

# 2. Broken after the first chunk, then resumed from its offset; installed and recorded.
expect 1 "update broken after the first chunk" -- t1 update --inject drop
err_has "resumes where it stopped"
expect 0 "update resumed" -- t1 update --json
same "$(jq -r .installed "$tmp/out")" true "installed"
same "$(jq -r .reported "$tmp/out")" true "reported"
[ "$(jq -r .from "$tmp/out")" -gt 0 ] && ok || bad "the resumed update started from 0: $(cat "$tmp/out")"
same "$(jq -r .size "$tmp/out")" 3000 "the package's size"
same "$(col version TERMUP01)" POSSUM02 "the host records the version"
same "$(($(col tms_pending TERMUP01) & 8))" 0 "nothing pending once installed"
expect 0 "echo 1 again" -- t1 echo
same "$(($(col tms_pending TERMUP01) & 8))" 0 "still nothing pending"
# A package bit left behind (a rollout stopped while the terminal's refresh ran): the 390's
# 25 recomputes it, so that no answer asks again.
db_sql "$data" "UPDATE terminals SET tms_pending = tms_pending | 8 WHERE tid = 'TERMUP01'"
expect 1 "update: none left" -- t1 update
out_has "update: none (the host answered 25)"
same "$(($(col tms_pending TERMUP01) & 8))" 0 "the bit left behind cleared by the 25"

# 3. A package corrupted as received: refused, reported, shown in the status.
expect 0 "signin 2" -- t2 signin
# Its hash sound, its signature not made under the key the terminal holds (another Ed25519
# key's, made by openssl): refused, reported; the right key kept again.
openssl genpkey -algorithm ed25519 -out "$tmp/other.pem" 2>/dev/null
other_key=$(openssl pkey -in "$tmp/other.pem" -pubout -outform DER | tail -c 32 | xxd -p -c 64)
expect 0 "another package key kept" -- t2 update --package-key "$other_key"
expect 1 "update signed under another key: refused" -- t2 update
err_has "its signature does not verify under the package key"
err_has "reported to the host"
same "$(col update_failed TERMUP02)" "POSSUM02: signature" "the refusal recorded"
same "$(col version TERMUP02)" POSSUM01 "not installed"
expect 0 "its package key kept again" -- t2 update --package-key "$key"
expect 1 "update with a corrupted byte: refused" -- t2 update --inject bad-sig
err_has "its SHA-256 is not the one announced"
err_has "reported to the host"
same "$(col update_failed TERMUP02)" "POSSUM02: hash" "the failure recorded"
same "$(col version TERMUP02)" POSSUM01 "the version it runs, reported"
expect 0 "status" -- a tms status --model PX-9 --json
same "$(jq -r '.terminals[] | select(.tid == "TERMUP02") | .update_failed' "$tmp/out")" \
	"POSSUM02: hash" "the status shows the failure"
same "$(jq -c '.terminals[] | select(.tid == "TERMUP02") | .downloads.pending | index("package") != null' "$tmp/out")" \
	true "the status shows the update pending"
expect 0 "status, people's form" -- a tms status --model PX-9
out_has "TERMUP02.*POSSUM02: hash"

# 4. A terminal that follows its host by itself (auto on, from init) and was given the package
# key at init: after an ordinary purchase whose answer asks for the update (nibble 8) it
# updates on its own; the host records the new version, nothing is pending, and its next
# sign-in carries it.
expect 0 "init 3, its package key given" -- t3 init --host "127.0.0.1:$port" --tid TERMUP03 --mid $mid --sn SN-TERMUP03 --tmk-components "$c3" --package-key "$key"
expect 0 "signin 3: it downloads what the answer asks by itself" -- t3 signin
out_has "download aid: version"
same "$(col version TERMUP03)" POSSUM01 "its sign-in reports the version it runs"
same "$(col tms_pending TERMUP03)" 0 "nothing pending once downloaded"
# The rollout marks the terminal at once: the next ordinary purchase's answer asks 8.
a tms rollout add --package "$id" --terminals TERMUP03 >/dev/null
same "$(($(col tms_pending TERMUP03) & 8))" 8 "the package pending on rollout add"
expect 0 "purchase 3, then the update by itself" -- t3 purchase --card "$tmp/card.json" --pin 123456 --amount 1.00
out_has "approved"
out_has "update: version POSSUM02 installed, 3000 bytes from 0, [0-9]* messages; reported"
# The purchase's answer asked 8: the terminal's 390s follow its purchase in the host's log.
after=$(grep -o '"type":"[a-z_]*"' "$tmp/host.log" | grep -A1 '"type":"purchase"' | tail -n 1)
same "$after" '"type":"tms_update"' "the host's next request after the purchase"
same "$(col version TERMUP03)" POSSUM02 "the host records the new version"
expect 0 "status 3" -- a tms status --model PX-9 --json
same "$(jq -r '.terminals[] | select(.tid == "TERMUP03") | .version' "$tmp/out")" POSSUM02 \
	"the status shows the new version"
same "$(jq -c '.terminals[] | select(.tid == "TERMUP03") | .downloads.pending' "$tmp/out")" \
	'[]' "the status shows nothing pending"
# Its next sign-in carries the version it runs: the host's record cleared first, to see it
# come back.
db_sql "$data" "UPDATE terminals SET version = '' WHERE tid = 'TERMUP03'"
same "$(col version TERMUP03)" "" "the version cleared"
expect 0 "signin 3 once updated" -- t3 signin
same "$(col version TERMUP03)" POSSUM02 "the sign-in carries the new version"

# A 390 naming by its PK a package of another model than the terminal's: 25 (package_model),
# not served; its own model's by PK is.
other=$(a tms package add --model PX-1 --version POSSUM03 "$tmp/fw.bin" --json | jq -r .id)
# ask TYPE PK ITEMS STAN: TERMUP03's 0820 of 60.3 TYPE (390, 391), field 62 PK then ITEMS.
ask() {
	f62=$(printf 'PK%03d%s%s' ${#2} "$2" "$3" | od -An -tx1 | tr -d ' \n')
	printf '{"mti":"0820","fields":{"11":"%06d","41":"TERMUP03","42":"%s","60":"00000001%s","62":"%s"}}' \
		"$4" $mid "$1" "$f62" | "$possum" iso send --host "127.0.0.1:$port" --profile cup-pos --json
}
expect 0 "390 for another model's package" -- ask 390 "$other" OF0010 901
same "$(jq -r '.fields["39"]' "$tmp/out")" 25 "another model's package: 25"
same "$(jq -r '.fields["62"] // "none"' "$tmp/out")" none "nothing of it sent"
grep -q '"rc":"25","reason":"package_model"' "$tmp/host.log" && ok || bad "no 25 package_model in the host's log"
expect 0 "390 for its own model's package" -- ask 390 "$id" OF0010 902
same "$(jq -r '.fields["39"]' "$tmp/out")" 00 "its own model's package: served"
same "$(jq -r '.fields["62"] | length > 0' "$tmp/out")" true "its first chunk sent"
# A 391 reporting another model's package installed: 25 (package_model) too, and nothing of
# it recorded (the version the host keeps, no failure).
expect 0 "391 for another model's package" -- ask 391 "$other" OK0011 903
same "$(jq -r '.fields["39"]' "$tmp/out")" 25 "another model's package reported: 25"
n=$(grep '"type":"tms_installed"' "$tmp/host.log" | grep -c '"rc":"25","reason":"package_model"')
same "$n" 1 "a 25 package_model for the 391 in the host's log"
same "$(col version TERMUP03)" POSSUM02 "the version it runs, not the other model's"
same "$(col update_failed TERMUP03)" "" "no failure recorded"

# 5. Below the model's minimum after its date: U1 at sign-in until updated.
a tms minimum set --model PX-9 --version POSSUM02 --after 2026-12-31 >/dev/null
echo "2027-01-01 12:00:00" >"$clock"
expect 1 "sign-in below the minimum: U1" -- t2 signin
if grep -q "U1" "$tmp/out" "$tmp/err"; then ok; else bad "no U1: $(cat "$tmp/out" "$tmp/err")"; fi
expect 0 "update" -- t2 update
out_has "version POSSUM02 installed"
expect 0 "sign-in once updated" -- t2 signin
same "$(col update_failed TERMUP02)" "" "the failure cleared by the success"
finish
