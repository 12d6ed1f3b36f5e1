# e2e_ui.sh POSSUM SOURCE_DIR — the console in a real browser (docs/console.md "Testing the
# console"): a `possum host` on a faked, frozen clock (tests/lib.sh faked_host) with two
# merchants, a terminal, cards, a night purchase that opens a risk case and a purchase made a
# moment before by `possum term`; two terminals of model QX-1, one with a software update
# pending and refused; an operator (enrolled in the browser), a user for each
# merchant and an auditor (enrolled through the API), made with `possum admin user add`; then console.mjs
# drives Debian's chromium through playwright-core (tests/ui/setup.sh installs it from the npm
# registry). With POSSUM_SCREENSHOTS=DIR (make test-ui) it also saves every page's screenshot.
# Skipped (77) only when node, chromium, playwright-core, faketime or curl cannot be had
# (scripts/bootstrap installs them). Label "ui": not run again under the sanitizers.
possum=$1
top=$2
. "$top/tests/lib.sh"
chromium=${POSSUM_CHROMIUM:-/usr/bin/chromium}
command -v node >/dev/null 2>&1 || skip "node is missing"
[ -x "$chromium" ] || skip "Debian's chromium is missing ($chromium)"
sh "$top/tests/ui/setup.sh" || skip "playwright-core could not be installed (npm ci in tests/ui)"
lib=$(faketime_lib)
[ -n "$lib" ] || skip "faketime is missing"
command -v curl >/dev/null 2>&1 || skip "curl is missing"
command -v sqlite3 >/dev/null 2>&1 || skip "sqlite3 is missing"
command -v python3 >/dev/null 2>&1 || skip "python3 is missing"

rm -rf "$(dirname "$possum")/ui-failures" # the screenshots of a previous run's failures
data=$tmp/host
st=$tmp/term
clock=$tmp/clock
at() { echo "$1" >"$clock"; } # the host's clock, UTC (local +08:00), frozen until set again
now=$(date -u '+%Y-%m-%d %H:%M:%S')
# First last night, 04:30 in Beijing, for a purchase the night_large rule sends to review.
at "$(date -u -d yesterday '+%Y-%m-%d') 20:30:00"
sed -e 's/^port *=.*/port = 0/' "$top/etc/possum.conf" >"$tmp/possum.conf"
# A network link whose port nobody listens on (a port the kernel gave and took back): down on
# the Links page, its connections failing.
far_port=$(python3 -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])')
printf '\n[link.far]\nhost = 127.0.0.1\nport = %s\ndialect = iso87a-bb\ntimeout = 1\n' "$far_port" >>"$tmp/possum.conf"
export POSSUM_CONFIG=$tmp/possum.conf POSSUM_DATA=$data
faked_host "$lib" "$clock" "$data"

mid=898310048120001
other=898310054110009
"$possum" admin merchant add --name "Possum Cafe" --mcc 5812 --mid $mid >/dev/null
"$possum" admin merchant add --name "Other Shop" --mcc 5411 --mid $other >/dev/null
# components FILE: the TMK components of `terminal add --json`'s FILE, as `term init` takes them.
components() {
	grep -o '"component":"[0-9A-F]*","kcv":"[0-9A-F]*"' "$1" |
		sed 's/"component":"\([0-9A-F]*\)","kcv":"\([0-9A-F]*\)"/\1:\2/' | paste -sd, -
}
"$possum" admin terminal add --merchant $mid --sn SN0001 --tid TERM0001 --json >"$tmp/tadd.json"
comps=$(components "$tmp/tadd.json")
for c in buyer night; do
	"$possum" admin card issue --product debit --holder "Zhang San" --id-number 110101199003070000 \
		--phone 13800000000 --pin 123456 --balance 5000.00 --out "$tmp/$c.json" >/dev/null
done
t() { "$possum" term "$@" --state "$st"; }
t init --host "127.0.0.1:$port" --tid TERM0001 --mid $mid --sn SN0001 --tmk-components "$comps" >/dev/null
t signin >/dev/null
expect 0 "the night purchase (a risk case)" -- t purchase --card "$tmp/night.json" --pin 123456 --amount 1000.00
# Then now: the purchase the merchant looks for.
at "$now"
expect 0 "a purchase a moment before" -- t purchase --card "$tmp/buyer.json" --pin 123456 --amount 12.34 --json
rrn=$(sed -n 's/.*"rrn":"\([0-9]*\)".*/\1/p' "$tmp/out")
[ -n "$rrn" ] || { bad "no RRN from the purchase: $(cat "$tmp/out")"; finish; exit; }

# The TMS status page's terminals of model QX-1, at the other merchant: TERM0002 downloads
# what it needs at its sign-in, then a package of its model rolled out to it (from yesterday,
# before the host's frozen clock) arrives corrupted and is refused: the host keeps the failure
# and the update stays pending; the model's minimum is POSSUM02 (from 2100). TERM0003 has
# never signed in; its last failure, as a terminal could report any text, has markup in it
# that the page must show as text.
"$possum" admin terminal add --merchant $other --sn SN0002 --tid TERM0002 --model QX-1 --json >"$tmp/tadd2.json"
"$possum" admin terminal add --merchant $other --sn SN0003 --tid TERM0003 --model QX-1 >/dev/null
head -c 2000 /dev/urandom >"$tmp/fw.bin"
"$possum" admin tms package add --model QX-1 --version POSSUM02 "$tmp/fw.bin" --json >"$tmp/pkg.json"
pkg=$(sed -n 's/.*"id":\([0-9]*\).*/\1/p' "$tmp/pkg.json")
key=$("$possum" admin tms package key --json | sed -n 's/.*"public_key":"\([0-9A-Fa-f]*\)".*/\1/p')
t2() { "$possum" term "$@" --state "$tmp/term2"; }
expect 0 "TERM0002 init" -- t2 init --host "127.0.0.1:$port" --tid TERM0002 --mid $other --sn SN0002 \
	--tmk-components "$(components "$tmp/tadd2.json")" --package-key "$key"
expect 0 "TERM0002 signs in (and downloads)" -- t2 signin
expect 0 "TERM0002 updates by hand only" -- t2 download --auto off
expect 0 "a rollout of QX-1 POSSUM02 to TERM0002" -- "$possum" admin tms rollout add --package "$pkg" \
	--terminals TERM0002 --from "$(date -u -d yesterday '+%Y-%m-%d') 00:00"
expect 0 "TERM0002 echo: the update pending" -- t2 echo
expect 1 "TERM0002 refuses the corrupted package" -- t2 update --inject bad-sig
expect 0 "QX-1's minimum version" -- "$possum" admin tms minimum set --model QX-1 --version POSSUM02 --after 2099-12-31
db_sql "$data" "UPDATE terminals SET update_failed = '2.0: <b>bold</b> & \"quoted\"' WHERE tid = 'TERM0003'" &&
	ok || bad "TERM0003's failure"

# The users: each made by `possum admin user add`; the merchants' passwords set through the
# enrolment API, the operator's in the browser.
password="correct horse battery"
# enrol_token NAME ROLE [MID]: the user made, its enrolment token printed.
enrol_token() {
	"$possum" admin user add --role "$2" ${3:+--merchant "$3"} --name "$1" --json >"$tmp/user.json" ||
		{ bad "admin user add $1: $(cat "$tmp/user.json")"; return; }
	sed -n 's/.*#\/enrol\/\([A-Za-z0-9_-]*\).*/\1/p' "$tmp/user.json" | head -n 1
}
for u in cafe shop aud; do
	case $u in
	cafe) tok=$(enrol_token $u merchant $mid) ;;
	shop) tok=$(enrol_token $u merchant $other) ;;
	aud) tok=$(enrol_token $u auditor) ;;
	esac
	code=$(curl -s -o "$tmp/out" -w '%{http_code}' -X POST -d '{"password":"'"$password"'"}' \
		"http://127.0.0.1:$api/api/v1/enrol/$tok")
	[ "$code" = 204 ] && ok || bad "enrol $u: $code $(cat "$tmp/out")"
done
op_enrol=$(enrol_token ops operator)

# A reversal owed to the link, as the link engine queues one: the Links page counts it.
db_sql "$data" "INSERT INTO saf_queue (link, kind, txn_id, rrn, state, attempts, next_at,
	last_rc, created_at, updated_at) VALUES ('far', 'reversal', 1, '000000000001', 'pending', 1,
	1800000000, '', 1800000000, 1800000000)" && ok || bad "a reversal queued for the Links page"
# The setup went wrong: no browser.
[ "$failed" -eq 0 ] || { finish; exit 1; }
echo "setup: $passed passed, 0 failed"
POSSUM_URL=http://127.0.0.1:$api POSSUM_BIN=$possum POSSUM_CLOCK=$clock POSSUM_NOW=$now \
	POSSUM_FAKETIME_LIB=$lib POSSUM_PASSWORD=$password POSSUM_OP=ops POSSUM_OP_ENROL=$op_enrol \
	POSSUM_CAFE=cafe POSSUM_SHOP=shop POSSUM_AUD=aud POSSUM_TID=TERM0001 POSSUM_MID=$mid POSSUM_OTHER_MID=$other POSSUM_RRN=$rrn \
	POSSUM_CHROMIUM=$chromium POSSUM_TMP=$tmp POSSUM_FAILURES=$(dirname "$possum")/ui-failures \
	node "$top/tests/ui/console.mjs"
# (the host is stopped and $tmp removed on exit: faked_host's trap)
