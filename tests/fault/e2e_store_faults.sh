#!/bin/sh
# e2e_store_faults.sh POSSUM SOURCE_DIR — the store failing under a running host: fault_shim.so
# (tests/fault/fault_shim.c, built beside possum) preloaded into `possum host` makes a write of
# the write-ahead log fail (EIO), then its sync (EIO), then every write of the store (a full
# disk, ENOSPC) for a while, with `possum term` and `possum load` buying meanwhile. Each time
# the requests of a failed commit are answered 96, every approval a terminal holds is in the
# store (and nothing answered 96 is), the same host serves again once the fault clears, and the
# ledger check passes. A failed sync leaves the commit in doubt: nothing is answered, and the
# terminal's reversal settles it, the host killed at once or not. Prints what it injected and
# what held.
possum=$1
. "$2/tests/lib.sh"

shim=$(dirname "$possum")/fault_shim.so
[ -f "$shim" ] || { echo "FAIL: no $shim (cmake --build builds the fault_shim target)"; exit 1; }
data=$tmp/host
ctl=$tmp/faults
flog=$tmp/faults.log
: >"$ctl"
: >"$flog"
sed -e 's/^daily_count_limit *=.*/daily_count_limit = 0/' "$2/etc/possum.conf" >"$tmp/possum.conf"
printf '\n[risk]\nrules = none\n' >>"$tmp/possum.conf"
export POSSUM_CONFIG=$tmp/possum.conf

issue_card "$tmp/card.json" 100000.00
comps=$(register_terminal "$possum" "$data")
"$possum" admin merchant add --data "$data" --name "Fault Mart" --mcc 5411 --mid 898310048120002 >/dev/null
load_terminals 898310048120002 FLT0000 2

# The host alone runs with the shim; the commands beside it write the store unhindered.
start_host "$data" POSSUM_FAULT_CONTROL="$ctl" POSSUM_FAULT_LOG="$flog" LD_PRELOAD="$shim"

# control LINE...: the shim's commands, the file replaced whole (the shim reads it again).
control() {
	printf '%s\n' "$@" >"$ctl.new"
	mv "$ctl.new" "$ctl"
}
t() { "$possum" term "$@" --data "$tmp/term"; }
# purchase: one, its answer's field 39 in $rc ("" when none came).
purchase() {
	run t purchase --card "$tmp/card.json" --pin 123456 --amount 1.00 --timeout 10 --json
	rc=$(jq -r '.rc // empty' "$tmp/out" 2>/dev/null)
}
# buy WANT WHAT: a purchase, answered WANT (its field 39).
buy() {
	purchase
	if [ "$rc" = "$1" ]; then ok; else bad "$2: answered ${rc:-nothing}, expected $1: $(cat "$tmp/err")"; fi
}
# in_doubt WHAT: the log's next sync made to fail until a purchase's commit is the one it hits,
# which leaves that purchase unanswered. A commit of the host's own (the texts' outbox) may take
# the fault first — that purchase is then approved — so at most three tries.
in_doubt() {
	for _ in 1 2 3; do
		control "fsync 1 eio -wal"
		purchase
		[ -z "$rc" ] && break
	done
	if [ -z "$rc" ]; then ok; else bad "$1: answered $rc each time, never in doubt"; fi
}

expect 0 "init" -- t init --host "127.0.0.1:$port" --tid TERM0001 --mid 898310048120001 --sn SN0001 --tmk-components "$comps"
expect 0 "signin" -- t signin
buy 00 "before any fault"

# One failing write of the log: the batch's commit fails, its request is answered 96; the next
# is approved by the same host.
control "write 1 eio -wal"
buy 96 "write 1 eio -wal"
control off
buy 00 "after write 1 eio -wal"
# One failing sync: the commit is in doubt — no reader sees it, but a crash before its frames
# are written over would let recovery find it committed — so nothing is answered: the terminal
# keeps a reversal, and its next purchase sends it first, then is approved.
in_doubt "fsync 1 eio -wal: in doubt, not answered"
expect 0 "a reversal pending" -- t batch
out_has "reversal pending"
control off
buy 00 "after fsync 1 eio -wal, its reversal first"

# A full disk for a while (every write of the store, the checkpoints' too), with two load
# terminals buying through it and this one buying in it.
"$possum" load --host "127.0.0.1:$port" --terminals-file "$tmp/terminals" --data "$tmp/terms" \
	--card "$tmp/card.json" --pin 123456 --duration 6 --json >"$tmp/load.out" 2>"$tmp/load.err" &
load_pid=$!
also_kill=$load_pid
sleep 2
control full
for i in 1 2 3; do buy 96 "disk full, purchase $i"; done
sleep 1
control off
buy 00 "after the disk full"
wait $load_pid
also_kill=
if kill -0 $host_pid 2>/dev/null; then ok; else bad "the host died: $(tail -5 "$tmp/host.log")"; fi
buy 00 "at the end"
served=no
[ "$rc" = 00 ] && kill -0 $host_pid 2>/dev/null && served=yes
# Last, a failed sync and the host killed at once: the request left unanswered may be found
# committed by the recovery; the terminal's reversal, sent first by its next purchase to the
# host restarted on the same port, undoes it whichever way (the checks below).
in_doubt "the sync before the crash: not answered"
kill -9 $host_pid
wait $host_pid 2>/dev/null
control off
rm -f "$data/host.ports"
"$possum" host --data "$data" --port 0 --api-port 0 --terminal-port "$port" \
	>>"$tmp/host.out" 2>>"$tmp/host.log" &
host_listening "$data" $!
buy 00 "after the crash, its reversal first"
kill $host_pid
wait $host_pid 2>/dev/null

# Every terminal's answers (TID STAN RRN RC a line) against the store's records.
for d in "$tmp/term" "$tmp/terms"/*; do
	"$possum" term batch --data "$d" --json 2>/dev/null |
		jq -r '.tid as $t | .transactions[] | "\($t) \(.stan) \(.rrn) \(.rc)"'
done >"$tmp/answers"
after=0
: >"$tmp/stored"
while :; do
	"$possum" admin txn list --data "$data" --limit 500 --after "$after" --json >"$tmp/page" || break
	jq -r '.items[] | select(.status == "approved") | "\(.tid) \(.stan) \(.rrn)"' "$tmp/page" >>"$tmp/stored"
	after=$(jq -r '.next // empty' "$tmp/page")
	[ -n "$after" ] || break
done
sort "$tmp/stored" >"$tmp/stored.s"
awk '{print $1, $2}' "$tmp/stored" | sort >"$tmp/stored.k"
approved=$(awk '$4 == "00"' "$tmp/answers" | wc -l)
answered96=$(awk '$4 == "96"' "$tmp/answers" | wc -l)
unrecorded=$(awk '$4 == "00" {print $1, $2, $3}' "$tmp/answers" | sort | comm -23 - "$tmp/stored.s" | wc -l)
recorded96=$(awk '$4 == "96" {print $1, $2}' "$tmp/answers" | sort | comm -12 - "$tmp/stored.k" | wc -l)
if [ "$approved" -gt 5 ]; then ok; else bad "only $approved approvals: $(cat "$tmp/load.out" "$tmp/load.err")"; fi
if [ "$unrecorded" -eq 0 ]; then ok; else bad "$unrecorded approvals the store does not hold"; fi
if [ "$recorded96" -eq 0 ]; then ok; else bad "$recorded96 requests answered 96 but recorded as approved"; fi
if [ "$approved" -eq "$(wc -l <"$tmp/stored")" ]; then ok; else
	bad "the terminals hold $approved approvals, the store $(wc -l <"$tmp/stored")"; fi
ledger=ok
expect 0 "ledger check" -- "$possum" admin ledger check --data "$data"
[ "$got" -eq 0 ] || ledger=failed
injected=$(wc -l <"$flog")
kinds=$(awk '{print $1, $2}' "$flog" | sort -u | paste -sd, -)
if grep -q '^write eio' "$flog" && grep -q '^fsync eio' "$flog" && grep -q '^write enospc' "$flog"; then ok; else
	bad "not every fault was injected: $kinds"; fi
echo "store faults: injected $injected (write eio, fsync eio, disk full), answered 96: $answered96, approved unrecorded: $unrecorded, served after: $served, ledger check: $ledger"
echo "  (approvals checked: $approved; requests answered 96 but recorded: $recorded96)"
finish
