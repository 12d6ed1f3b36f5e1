# e2e_load.sh — `possum load` against a real `possum host`: three terminals registered, two
# seconds of purchases; some are approved, and the ledger balances afterwards. Bad usage and a
# host that cannot be reached are refused. No timing is asserted.
possum=$1
. "$2/tests/lib.sh"

load_host "$2"
[ -n "$port" ] || { echo "FAIL: no acquirer port"; exit 1; }

"$possum" admin card issue --data "$data" --product debit --holder "Li Si" \
	--id-number 110101199003070000 --phone 13800000000 --pin 123456 --balance 100000.00 \
	--out "$tmp/card.json" >/dev/null
"$possum" admin merchant add --data "$data" --name "Load Mart" --mcc 5411 --mid 898310048120002 >/dev/null
load_terminals 898310048120002 LOAD000 3
grep -c '^LOAD000[123] 898310048120002 SNLOAD000[123] [0-9A-F]*:[0-9A-F]*,[0-9A-F]*:[0-9A-F]*$' "$tmp/terminals" |
	grep -qx 3 && ok || bad "the terminals file from terminal add --json: $(cat "$tmp/terminals")"

l() { "$possum" load --host "127.0.0.1:$port" --terminals-file "$tmp/terminals" --data "$tmp/terms" "$@"; }
expect 2 "--data and --state-dir differ" -- l --card "$tmp/card.json" --duration 1 --state-dir "$tmp/other"
err_has "old name of --data"
expect 2 "no card" -- l --duration 1
expect 2 "bad duration" -- l --card "$tmp/card.json" --duration 0
expect 2 "bad entry" -- l --card "$tmp/card.json" --duration 1 --entry tap
echo "LOAD0009 short" >"$tmp/bad-terminals"
expect 2 "malformed terminals file" -- "$possum" load --host "127.0.0.1:$port" \
	--terminals-file "$tmp/bad-terminals" --card "$tmp/card.json" --duration 1
expect 2 "missing terminals file" -- "$possum" load --host "127.0.0.1:$port" \
	--terminals-file "$tmp/none" --card "$tmp/card.json" --duration 1

expect 0 "three terminals, two seconds" -- l --card "$tmp/card.json" --pin 123456 \
	--amount 1.00 --duration 2 --json
approved=$(sed -n 's/.*"approved":\([0-9]*\).*/\1/p' "$tmp/out")
if [ "${approved:-0}" -gt 0 ]; then ok; else bad "no approvals: $(cat "$tmp/out")"; fi
out_has '"terminals_failed":0'
out_has '"p99":'
expect 0 "readable figures (--state-dir, the old name, the same as --data)" -- l --card "$tmp/card.json" --pin 123456 --duration 1 --state-dir "$tmp/terms"
out_has "approved"

# Most answers declines (two cards of three with nothing on them: 51): exit 1 though some were
# approved, and the progress line counts the declines.
for c in empty1 empty2; do
	"$possum" admin card issue --data "$data" --product debit --holder "Li Si" \
		--id-number 110101199003070000 --phone 13800000000 --pin 123456 --balance 0.00 \
		--out "$tmp/$c.json" >/dev/null
done
expect 1 "most answers declines" -- l --card "$tmp/card.json" --card "$tmp/empty1.json" \
	--card "$tmp/empty2.json" --pin 123456 --duration 5
out_has "declined   51"
err_has "most answers were declines"
if grep -Eq "^possum load: +[0-9]+ s  [0-9]+ approved  [0-9]+/s  [1-9][0-9]* declined$" "$tmp/err"; then ok; else
	bad "no declines in the progress line: $(cat "$tmp/err")"; fi

# A wrong PIN: every purchase declined 55, counted by code; exit 1 (nothing approved).
expect 1 "wrong PIN declines" -- l --card "$tmp/card.json" --pin 000000 --duration 1 --json
out_has '"55":'

# Nobody listening: the terminals cannot sign in.
expect 1 "no host" -- "$possum" load --host 127.0.0.1:1 --terminals-file "$tmp/terminals" \
	--card "$tmp/card.json" --duration 1 --json

kill -TERM $host_pid
wait $host_pid
expect 0 "ledger check" -- "$possum" admin ledger check --data "$data"
out_has "0 violations"
finish
