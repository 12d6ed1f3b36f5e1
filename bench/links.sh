# links.sh — the network link's benchmark of `make bench`, after bench/load.sh: what a hop
# over a [link.NAME] costs (docs/links.md). Two fresh hosts on loopback (tests/links/twohosts.sh):
# B, the issuer of LOAD_CARDS debit cards (default 64) with a large balance, the daily limits
# off, behind its inbound [link]; A, the acquirer, its LOAD_TERMINALS terminals (default 100)
# registered, routing B's BIN to [link.b] (iso87a, 2 connections, B's ZPK formed under A's
# LMK). `possum load` against A for LOAD_SECONDS (default 20), purchases with PIN: its approved
# purchases a second and p50/p99, and A's and B's peak memory; then the same load against B
# directly (B's own terminals, its issuer local), its figures beside. Figures are printed, never
# asserted. Last, both hosts are stopped (SIGTERM, exit 0), B's ledger checked, and A's
# approvals over the link checked against B's approved link decisions, A's store-and-forward
# queue empty. LOAD_LINK=0 skips it.
# Run: sh bench/links.sh [POSSUM_BINARY] [SRC_DIR]
if [ "${LOAD_LINK:-1}" = 0 ]; then
	echo "bench/links.sh: skipped (LOAD_LINK=0)"
	exit 0
fi
possum=${1:-build/possum}
top=${2:-.}
terminals=${LOAD_TERMINALS:-100}
seconds=${LOAD_SECONDS:-20}
mid=898310048120001

# lib.sh's scratch directory and helpers; its traps are replaced by this file's: the pids it
# started, and those alone, are stopped on exit.
. "$top/tests/lib.sh"
. "$top/scripts/acquirer.sh"
. "$top/tests/links/twohosts.sh"
. "$top/bench/figures.sh"
load_pid=
cleanup() {
	# shellcheck disable=SC2086
	kill ${host_pid:-} ${b_pid:-} ${load_pid:-} 2>/dev/null
	for p in ${host_pid:-} ${b_pid:-} ${load_pid:-}; do wait "$p" 2>/dev/null; done
	rm -rf "$tmp"
}
trap cleanup EXIT
trap 'exit 1' INT TERM
fail() {
	echo "bench/links.sh: $*" >&2
	for f in "$tmp/host.log" "$tmp/b.log"; do [ -f "$f" ] && tail -n 3 "$f" >&2; done
	exit 1
}
# bdo COMMAND…: possum COMMAND as host B's (its configuration, its data directory's LMK).
bdo() { env -u POSSUM_LMK POSSUM_CONFIG="$tmp/b.conf" "$possum" "$@"; }
# count DATA SQL: one number from DATA's database, read when its host is stopped or running.
count() { sqlite3 -cmd '.timeout 10000' "$1/possum.db" "$2"; }

# B: its first card by th_issuer, the rest as bench/load.sh issues them; room for every
# terminal of the local run on its one address.
th_issuer b 62258801 iso87a raw 100000000.00
[ "$failed" -eq 0 ] || fail "host B's setup failed"
printf 'max_connections_per_address = %d\n' $((terminals + 16)) >>"$tmp/b.conf"
cards="--card $tmp/b.card"
n=2
while [ $n -le "${LOAD_CARDS:-64}" ]; do
	bdo admin card issue --data "$tmp/b" --product debit --holder "Load Test" \
		--id-number 110101199003070000 --phone 13800000000 --pin 123456 \
		--balance 100000000.00 --out "$tmp/card$n.json" >/dev/null || fail "card issue failed"
	cards="$cards --card $tmp/card$n.json"
	n=$((n + 1))
done
th_start b

# A: B's BIN to [link.b] over 2 connections, its store-and-forward each second.
th_acquirer_conf
{
	printf '[route]\nroute = 621234 local\nroute = 62258801 b\n'
	printf '[link.b]\nhost = 127.0.0.1\nport = %s\ndialect = iso87a\nbinary = raw\nzpk = %s\n' \
		"$b_port" "$b_zpk"
	printf 'connections = 2\nsaf_interval = 1\n'
} >>"$tmp/a.conf"
th_acquirer_start
trap cleanup EXIT # host_listening's trap replaced: this file's pids alone
also_kill=
[ "$failed" -eq 0 ] || fail "host A's setup failed"
link_wait_up 1 b || link_wait_up 0 b || fail "the link to B never came up"
echo "registering $terminals terminals on A and on B…" >&2
: >"$tmp/terminals"
load_terminals $mid L "$terminals"
[ "$(wc -l <"$tmp/terminals")" -eq "$terminals" ] || fail "A's terminals were not all registered"
mv "$tmp/terminals" "$tmp/a.terminals"
(
	unset POSSUM_LMK
	POSSUM_CONFIG=$tmp/b.conf data=$tmp/b
	export POSSUM_CONFIG
	"$possum" admin merchant add --data "$data" --name "Load Test Mart" --mcc 5411 --mid $mid \
		>/dev/null && load_terminals $mid L "$terminals"
) || fail "B's terminals were not registered"
[ "$(wc -l <"$tmp/terminals")" -eq "$terminals" ] || fail "B's terminals were not all registered"
mv "$tmp/terminals" "$tmp/b.terminals"

# run NAME PORT: `possum load` of the terminals NAME.terminals on PORT, its output in NAME.out.
run() {
	# shellcheck disable=SC2086
	"$possum" load --host "127.0.0.1:$2" --terminals-file "$tmp/$1.terminals" $cards \
		--pin 123456 --amount 1.00 --duration "$seconds" --data "$tmp/$1.terms" \
		>"$tmp/$1.out" 2>"$tmp/$1.err" &
	load_pid=$!
	wait $load_pid || fail "possum load against $1 failed: $(cat "$tmp/$1.out" "$tmp/$1.err" | tail -n 5)"
	load_pid=
}
echo "== possum load: $terminals terminals, $seconds s, purchases with PIN, through A's link to B, then against B directly, on $(nproc) cores =="
run a "$port"
hwm() { sed -n 's/^VmHWM:[[:space:]]*//p' "/proc/$1/status" 2>/dev/null; }
a_hwm=$(hwm "$host_pid")
b_hwm=$(hwm "$b_pid")
run b "$(sed -n 's/^acquirer=//p' "$tmp/b/host.ports")"
figures "$tmp/a.out" link:
figures "$tmp/b.out" local:
echo "peak memory (VmHWM) through the link: A ${a_hwm:-unknown}, B ${b_hwm:-unknown}"

# A's store-and-forward queue drained (a reversal of a request timed out is sent each second).
i=0
while [ "$(count "$tmp/a" "SELECT count(*) FROM saf_queue WHERE state IN ('waiting', 'pending')")" != 0 ]; do
	[ $i -lt 60 ] || break
	sleep 0.5
	i=$((i + 1))
done
# stop PID NAME: SIGTERM, its exit status 0.
stop() {
	kill -TERM "$1"
	wait "$1"
	rc=$?
	[ "$rc" -eq 0 ] || fail "host $2 exited $rc"
}
stop "$host_pid" A
host_pid=
stop "$b_pid" B
b_pid=
bdo admin ledger check --data "$tmp/b" >/dev/null || fail "B's ledger check failed"
# A's approved purchases routed to b, not reversed; B's approved link decisions (reversals
# aside, op 9), not reversed; A's reversals and advices still owed.
a_ok=$(count "$tmp/a" "SELECT count(*) FROM acq_txns WHERE kind = 0 AND route = 'b' AND rc = '00' AND reversed = 0") || fail "sqlite3 on $tmp/a failed"
b_ok=$(count "$tmp/b" "SELECT count(*) FROM decisions WHERE link = 1 AND op != 9 AND rc = '00' AND reversed = 0") || fail "sqlite3 on $tmp/b failed"
owed=$(count "$tmp/a" "SELECT count(*) FROM saf_queue WHERE state IN ('waiting', 'pending')") || fail "sqlite3 on $tmp/a failed"
echo "link check: A approved $a_ok, B approved $b_ok, pending reversals $owed"
if [ "$a_ok" -eq 0 ] || [ "$a_ok" != "$b_ok" ]; then fail "A's approvals over the link differ from B's"; fi
[ "$owed" = 0 ] || fail "A's store-and-forward queue holds $owed"
