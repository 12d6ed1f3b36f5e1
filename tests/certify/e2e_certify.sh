#!/bin/sh
# e2e_certify.sh — `possum certify run` (docs/certify.md) with the reference terminal driven
# unattended (scripts/certify_driver_term): the whole cup-pos suite passed, its report as text,
# JSON and a printable page, the certificate recorded in the acquirer's store and listed; a
# run of some cases only (no certificate: the others skipped); a person at the terminal
# following the instructions (the slip confirmed on standard input), and a run interrupted;
# the options' and the suite file's faults refused (exit 2, a suite's as FILE:LINE), nothing
# recorded.
possum=$1
. "$2/tests/lib.sh"
driver=$2/scripts/certify_driver_term
data=$tmp/acquirer
export POSSUM="$possum" POSSUM_CERTIFY_ANSWER_TIMEOUT=2

run_suite() { "$possum" certify run --driver "$driver" --settle 200 --data "$data" "$@"; }

expect 0 "certify run --help" -- "$possum" certify run --help
out_has "Usage: possum certify run \[--suite NAME|FILE\]"
out_has "--report-html FILE"

# Bad usage: nothing is started, nothing recorded.
expect 2 "--model without --version" -- run_suite --model PX-1
err_has "go together"
expect 2 "--settle without --driver" -- "$possum" certify run --settle 10
expect 2 "--lang other" -- run_suite --lang fr
expect 2 "a suite that does not exist" -- run_suite --suite no-such-suite
err_has "no-such-suite"
printf 'suite broken\ncase one\ndo purchase card=stripe amount=1.00\nexpect 0200 999=1\n' \
	>"$tmp/broken.suite"
expect 2 "a suite file with a fault" -- run_suite --suite "$tmp/broken.suite"
err_has "broken.suite:4:"
expect 2 "--case naming no case" -- run_suite --case no-such-case
mkdir "$tmp/full" && echo mine >"$tmp/full/file"
expect 2 "--work naming a directory that holds something" -- run_suite --work "$tmp/full"
err_has "not a new or empty directory"
[ "$(cat "$tmp/full/file")" = mine ] && ok || bad "--work: the directory's file touched"
[ ! -e "$data" ] && ok || bad "a refused run made the acquirer's data directory"

# The whole suite, unattended: every case passed, a certificate for PX-1 1.0.
expect 0 "the reference terminal passes the suite" -- run_suite --model PX-1 --version 1.0 \
	--work "$tmp/work" --keep --report-html "$tmp/report.html"
out_has "^Result  *19 passed, 0 failed, 0 skipped"
out_has "^certificate CERT-[0-9A-F]\{12\} recorded"
out_has "PASS  no-answer"
out_has "PASS  settle-mismatch"
cert=$(sed -n 's/^certificate \(CERT-[0-9A-F]*\) recorded$/\1/p' "$tmp/out")
expect 0 "the certificate listed" -- "$possum" certify list --data "$data" --model PX-1 --json
out_has "\"id\":\"$cert\""
out_has '"version":"1.0"'
out_has '"passed_cases":19'
[ -d "$tmp/work/cards" ] && [ -s "$tmp/work/host.log" ] && ok || bad "--keep: the work directory gone"
if grep -q '<html' "$tmp/report.html" && grep -q "$cert" "$tmp/report.html"; then ok; else
	bad "the HTML report lacks the page or the certificate"
fi
# No card number in the clear anywhere in the reports (the cards' PANs from their files).
for f in "$tmp"/work/cards/*.json; do
	pan=$(sed -n 's/.*"pan": *"\([0-9]*\)".*/\1/p' "$f")
	if grep -q "$pan" "$tmp/out" "$tmp/report.html"; then bad "a full PAN in a report"; else ok; fi
done

# Some cases, as JSON: the others skipped, no certificate (not every case ran).
expect 0 "two cases, JSON" -- run_suite --model PX-2 --version 2.0 --case signin,echo --json
if jq -e '.passed == 2 and .skipped == 17 and .certificate == null and
	([.cases.items[] | select(.result == "passed") | .id] == ["signin", "echo"])' \
	"$tmp/out" >/dev/null; then ok; else bad "two cases: $(head -c 400 "$tmp/out")"; fi
err_has "^\[1/2\] signin"
err_has "no certificate: not every case of the suite ran"
expect 0 "no certificate for PX-2" -- "$possum" certify list --data "$data" --model PX-2 --json
out_has '"items":\[\]'

# A person at the terminal: the run says each case and waits for the terminal; here the
# "person" reads the instructions and works `possum term`, and answers the slip's question.
# said TEXT: wait (up to 30 s) until the run has printed a line with TEXT.
said() {
	i=0
	while ! grep -q -- "$1" "$tmp/person.out" 2>/dev/null && [ $i -lt 300 ]; do
		sleep 0.1
		i=$((i + 1))
	done
	grep -q -- "$1" "$tmp/person.out" && ok || bad "the run never said '$1': $(cat "$tmp/person.out")"
}
printf 'y\n' | "$possum" certify run --case signin,purchase-stripe,echo --data "$data" \
	>"$tmp/person.out" 2>&1 &
run_pid=$!
said "^tmk "
hostport=$(sed -n 's/^host  *\([^ ]*\) (cup-pos)$/\1/p' "$tmp/person.out")
tmk=$(sed -n 's/^tmk  *\([^ ]*\) .*/\1/p' "$tmp/person.out")
line=$(grep "^card stripe" "$tmp/person.out")
pin=$(echo "$line" | sed -n 's/.* PIN \([0-9]*\) .*/\1/p')
card=$(echo "$line" | awk '{print $NF}')
set -- $(sed -n 's/^terminal  *TID \([^ ]*\)  MID \([^ ]*\)  SN \([^ ]*\)$/\1 \2 \3/p' "$tmp/person.out")
t() { "$possum" term "$@" --data "$tmp/person-term"; }
expect 0 "the person sets the terminal up" -- t init --host "$hostport" --tid "$1" --mid "$2" \
	--sn "$3" --tmk-components "$tmk"
said "^\[1/3\] signin"
expect 0 "the person signs in" -- t signin
said "^\[2/3\] purchase-stripe"
expect 0 "the person makes the purchase" -- t purchase --card "$card" --pin "$pin" --amount 12.34
said "^\[3/3\] echo"
expect 0 "the person runs the echo test" -- t echo
i=0
while kill -0 $run_pid 2>/dev/null && [ $i -lt 300 ]; do sleep 0.1; i=$((i + 1)); done
wait $run_pid
[ $? = 0 ] && ok || bad "the person's run failed: $(cat "$tmp/person.out")"
if grep -q "do: Swipe" "$tmp/person.out" && grep -q "Does the slip show RRN" "$tmp/person.out" &&
	grep -q "^Result  *3 passed, 0 failed, 16 skipped" "$tmp/person.out"; then ok; else
	bad "the person's run: $(cat "$tmp/person.out")"
fi

# Interrupted (Ctrl-C) while it waits for the person: it ends at once, exit 1, its work
# directory removed.
"$possum" certify run --case signin --work "$tmp/interrupted" --data "$data" \
	>"$tmp/person.out" 2>&1 </dev/null &
run_pid=$!
said "^\[1/1\] signin"
kill -INT $run_pid
i=0
while kill -0 $run_pid 2>/dev/null && [ $i -lt 100 ]; do sleep 0.1; i=$((i + 1)); done
wait $run_pid
rc=$?
if [ $rc = 1 ] && grep -q "interrupted" "$tmp/person.out" && [ ! -e "$tmp/interrupted" ]; then ok; else
	bad "an interrupted run: exit $rc, work directory $(ls -d "$tmp/interrupted" 2>/dev/null): $(tail -3 "$tmp/person.out")"
fi
finish
