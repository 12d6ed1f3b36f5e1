# e2e_load.sh — `possum load` against a real `possum host`: three terminals registered, two
# seconds of purchases; some are approved, and the ledger balances afterwards. Bad usage and a
# host that cannot be reached are refused. By chip one card pays without ATC replays; a host
# that goes away is retried with a backoff. No timing is asserted.
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

# The limit of open files: raised by load itself to what its terminals need (a socket and a
# file each) when the hard limit allows, else refused saying so. The binary itself
# ($possum_bin: $possum may be lib.sh's script, which a shell under 10 files cannot read).
expect 0 "soft limit of 10 open files raised" -- sh -c 'ulimit -Sn 10; exec "$@"' sh \
	"$possum_bin" load --host "127.0.0.1:$port" --terminals-file "$tmp/terminals" --data "$tmp/terms" \
	--card "$tmp/card.json" --pin 123456 --duration 1 --json
out_has '"terminals_failed":0'
expect 1 "hard limit below the need" -- sh -c 'ulimit -n 40; exec "$@"' sh \
	"$possum_bin" load --host "127.0.0.1:$port" --terminals-file "$tmp/terminals" --data "$tmp/terms" \
	--card "$tmp/card.json" --pin 123456 --duration 1
err_has "needs 70 open files, and the hard limit is 40"

# --journal: a line for each exchange, appended run after run, each approval's RRN and auth
# code as the host recorded it; --durable: the terminals commit as they go, the same figures.
# A journal that cannot be written is refused before anything is sent (1).
expect 0 "journal, durable" -- l --card "$tmp/card.json" --pin 123456 --duration 1 --durable \
	--journal "$tmp/journal" --json
answered=$(sed -n 's/.*"answered":\([0-9]*\).*/\1/p' "$tmp/out")
[ "$(grep -c '"kind":"purchase"' "$tmp/journal")" = "${answered:-x}" ] && ok ||
	bad "journal lines $(grep -c . "$tmp/journal") for $answered answered"
out_has '"reversals_delivered":0,"reversals_pending":0'
line=$(grep '"rc":"00"' "$tmp/journal" | tail -n 1)
rrn=$(echo "$line" | jq -r .rrn)
[ -n "$rrn" ] || bad "no approval in the journal: $(head -3 "$tmp/journal")"
expect 0 "the journal's last approval at the host" -- "$possum" admin txn show "$rrn" --data "$data" --json
[ "$(jq -r '"\(.tid) \(.stan | tonumber) \(.auth_code) \(.status)"' "$tmp/out")" = \
	"$(echo "$line" | jq -r '"\(.tid) \(.stan) \(.auth) approved"')" ] && ok ||
	bad "journal $line, host $(cat "$tmp/out")"
expect 1 "journal not writable" -- l --card "$tmp/card.json" --duration 1 --journal "$tmp/none/j"
err_has "cannot open $tmp/none/j"
# SIGTERM ends a run early, its figures printed.
"$possum" load --host "127.0.0.1:$port" --terminals-file "$tmp/terminals" --data "$tmp/terms" \
	--card "$tmp/card.json" --pin 123456 --duration 60 --json >"$tmp/term.out" 2>&1 &
load_pid=$!
sleep 2
kill -TERM $load_pid
wait $load_pid
load_pid=
if grep -q '"approved":[1-9]' "$tmp/term.out"; then ok; else bad "stopped by SIGTERM: $(cat "$tmp/term.out")"; fi

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

# By chip with one card: the card is in one terminal at a time and its ATC (the card's) goes up
# across the terminals and across runs — no 05 atc_replayed (issue 18: ~95% were).
"$possum" admin card issue --data "$data" --product debit --holder "Li Si" --chip \
	--id-number 110101199003070000 --phone 13800000000 --pin 123456 --balance 100000.00 \
	--out "$tmp/chip.json" >/dev/null
for run in 1 2; do
	expect 0 "chip, one card, three terminals (run $run)" -- l --card "$tmp/chip.json" \
		--pin 123456 --entry chip --duration 2 --json
	approved=$(sed -n 's/.*"approved":\([0-9]*\).*/\1/p' "$tmp/out")
	if [ "${approved:-0}" -gt 0 ] && ! grep -q '"05":' "$tmp/out"; then ok; else
		bad "chip run $run declined 05 or approved nothing: $(cat "$tmp/out")"; fi
done

# The host goes away mid-run: each terminal backs off (100 ms doubling to 5 s) instead of
# retrying at once (issue 18: ~580,000 failed sends in 9 s) — a handful of failures each.
l --card "$tmp/chip.json" --entry chip --pin 123456 --duration 5 --json >"$tmp/down.out" 2>"$tmp/down.err" &
load_pid=$!
sleep 1.5
kill -TERM $host_pid
wait $host_pid
wait $load_pid
failures=$(sed -n 's/.*"errors_total":\([0-9]*\).*/\1/p' "$tmp/down.out")
if [ "${failures:-0}" -ge 3 ] && [ "$failures" -le 60 ]; then ok; else
	bad "3 terminals, 3.5 s without a host: $failures failures (want 3 to 60): $(cat "$tmp/down.out")"; fi

expect 0 "ledger check" -- "$possum" admin ledger check --data "$data"
out_has "0 violations"
finish
