# pg.sh — PostgreSQL's benchmark of `make bench`, after bench/load.sh and bench/links.sh
# (docs/scaling.md, "Speed"): the same `possum load` (LOAD_TERMINALS terminals, default 100;
# LOAD_CARDS debit cards, default 64, with a large balance; the daily limits and the risk rules
# off; LOAD_SECONDS, default 20) run against a fresh host on SQLite, then against one host on a
# throwaway PostgreSQL (tests/pg.sh: fsync and synchronous_commit on), then against two hosts on
# that one database, the terminals split between them (two `possum load` at once, their
# approvals a second summed, each's p50/p99). Last, `pgbench`'s simple-update transactions
# (`pgbench -N`, PGBENCH_CLIENTS clients, default 8, for PGBENCH_SECONDS, default 10, on a
# database of its own on the same server): the server's own ceiling for one small write
# transaction committed at a time. Prints a line each and the hosts' peak memory (VmHWM).
# Figures are printed, never asserted; the hosts must start and stop (SIGTERM, exit 0); the
# ledger's check after the two hosts is printed when it fails (several hosts writing the same
# accounts: the next part of issue 20). LOAD_PG=0 skips it; without PostgreSQL it says so.
# Run: sh bench/pg.sh [POSSUM_BINARY] [SRC_DIR]
if [ "${LOAD_PG:-1}" = 0 ]; then
	echo "bench/pg.sh: skipped (LOAD_PG=0)"
	exit 0
fi
possum=${1:-build/possum}
top=${2:-.}
terminals=${LOAD_TERMINALS:-100}
seconds=${LOAD_SECONDS:-20}
clients=${PGBENCH_CLIENTS:-8}
mid=898310048120001

. "$top/tests/lib.sh"
. "$top/tests/pg.sh"
. "$top/bench/figures.sh"
host_pid='' b_pid='' load_pid=''
cleanup() {
	# shellcheck disable=SC2086
	kill ${host_pid:-} ${b_pid:-} ${load_pid:-} 2>/dev/null
	for p in ${host_pid:-} ${b_pid:-} ${load_pid:-}; do wait "$p" 2>/dev/null; done
	host_pid=
	on_exit
}
fail() {
	echo "bench/pg.sh: $*" >&2
	for f in "$tmp"/*.log; do [ -f "$f" ] && tail -n 3 "$f" >&2; done
	exit 1
}

# conf NAME: $tmp/NAME.conf, the shipped configuration for a load (bench/load.sh's).
conf() {
	sed -e 's/^port *=.*/port = 0/' -e 's/^daily_amount_limit *=.*/daily_amount_limit = 0/' \
		-e 's/^daily_count_limit *=.*/daily_count_limit = 0/' "$top/etc/possum.conf" >"$tmp/$1.conf"
	printf '\n[risk]\nrules = none\n[link]\nmax_connections_per_address = %d\n' \
		$((terminals + 16)) >>"$tmp/$1.conf"
}
# up DATA CONF NAME: `possum host` on DATA with CONF, listening; its pid in $up_pid, its
# terminals' port in $up_port, its log in $tmp/NAME.log.
up() {
	POSSUM_CONFIG=$2 "$possum" host --data "$1" --port 0 --api-port 0 --terminal-port 0 \
		>/dev/null 2>"$tmp/$3.log" &
	up_pid=$!
	wait_ports "$1" $up_pid
	up_port=$(sed -n 's/^acquirer=//p' "$1/host.ports")
	[ -n "$up_port" ] || fail "host $3 did not start"
}
# down PID NAME: SIGTERM, its exit status 0.
down() {
	kill -TERM "$1"
	wait "$1" || fail "host $2 exited $?"
}
# setup DATA CONF: the cards, the merchant and the terminals in DATA's store (CONF's), the
# terminals' lines in $tmp/terminals, the cards' options in $cards.
setup() {
	cards=
	: >"$tmp/terminals"
	(
		export POSSUM_CONFIG="$2"
		data=$1
		for n in $(seq "${LOAD_CARDS:-64}"); do
			"$possum" admin card issue --data "$data" --product debit --holder "Load Test" \
				--id-number 110101199003070000 --phone 13800000000 --pin 123456 \
				--balance 100000000.00 --out "$tmp/card$n.json" >/dev/null || exit 1
		done
		"$possum" admin merchant add --data "$data" --name "Load Test Mart" --mcc 5411 \
			--mid $mid >/dev/null && load_terminals $mid L "$terminals"
	) || fail "the setup of $1 failed"
	[ "$(wc -l <"$tmp/terminals")" -eq "$terminals" ] || fail "the terminals were not all registered"
	for n in $(seq "${LOAD_CARDS:-64}"); do cards="$cards --card $tmp/card$n.json"; done
}
# load NAME PORT TERMINALS STATE: `possum load` of TERMINALS' lines on PORT, the terminals'
# state (their STANs go on from one run to the next) in STATE, its output in NAME.out
# (its exit status, which says most answers were declines, is not the benchmark's: the
# declines are printed).
load() {
	# shellcheck disable=SC2086
	"$possum" load --host "127.0.0.1:$2" --terminals-file "$3" $cards --pin 123456 \
		--amount 1.00 --duration "$seconds" --data "$4" \
		>"$tmp/$1.out" 2>"$tmp/$1.err"
	grep -q '^approved' "$tmp/$1.out" || fail "possum load $1: $(tail -1 "$tmp/$1.err")"
}
hwm() { sed -n 's/^VmHWM:[[:space:]]*//p' "/proc/$1/status" 2>/dev/null; }

pg_start || { echo "bench/pg.sh: skipped: $pg_why"; exit 0; }
trap cleanup EXIT
echo "registering $terminals terminals on SQLite and on PostgreSQL $pg_version…" >&2

# SQLite: bench/load.sh's host, the same load.
conf sqlite
setup "$tmp/lite" "$tmp/sqlite.conf"
mv "$tmp/terminals" "$tmp/lite.terminals"
up "$tmp/lite" "$tmp/sqlite.conf" sqlite
host_pid=$up_pid
echo "== possum load: $terminals terminals, $seconds s, swipe, on SQLite, on one host on PostgreSQL, on two hosts on it, on $(nproc) cores =="
load sqlite "$up_port" "$tmp/lite.terminals" "$tmp/lite.terms"
lite_hwm=$(hwm "$host_pid")
down "$host_pid" sqlite
host_pid=

# PostgreSQL: host A's data directory made first (its LMK); host B's holds a copy of the LMK,
# so that both read the keys the store holds under it.
conf pg
pg_store_conf "$tmp/pg.conf"
mkdir -p "$tmp/a"
up "$tmp/a" "$tmp/pg.conf" a
host_pid=$up_pid
a_port=$up_port
setup "$tmp/a" "$tmp/pg.conf"
load pg1 "$a_port" "$tmp/terminals" "$tmp/pg.terms"
a1_hwm=$(hwm "$host_pid")
mkdir -p "$tmp/b" && cp "$tmp/a/lmk" "$tmp/b/lmk" || fail "host A has no LMK file"
up "$tmp/b" "$tmp/pg.conf" b
b_pid=$up_pid
half=$((terminals / 2))
head -n "$half" "$tmp/terminals" >"$tmp/ta"
tail -n +$((half + 1)) "$tmp/terminals" >"$tmp/tb"
# Both loads on the one-host run's state (a directory a terminal, none shared). Host B's
# terminals were set up against A's address: set up again for B's, they go on from their STANs
# (term_setup keeps them); started again from 1 they repeated the identities A had approved in
# their batch, and B answered each 94, rightly.
load pg2a "$a_port" "$tmp/ta" "$tmp/pg.terms" &
load_pid=$!
load pg2b "$up_port" "$tmp/tb" "$tmp/pg.terms"
wait $load_pid || fail "possum load against host A failed"
load_pid=
a2_hwm=$(hwm "$host_pid")
b_hwm=$(hwm "$b_pid")
down "$b_pid" B
b_pid=
down "$host_pid" A
host_pid=
POSSUM_CONFIG=$tmp/pg.conf "$possum" admin ledger check --data "$tmp/a" >"$tmp/ledger.out" 2>&1 ||
	echo "ledger check after the two hosts: $(tail -1 "$tmp/ledger.out")"

figures "$tmp/sqlite.out" sqlite
figures "$tmp/pg1.out" "pg 1 "
awk '/^approved/ { r += $4; n++ } /^latency/ { p50 = p50 sep $3; p99 = p99 sep $6; sep = "/" }
	END { printf "pg 2  approved purchases %.1f a second (two hosts summed), latency p50 %s ms p99 %s ms\n", r, p50, p99 }' \
	"$tmp/pg2a.out" "$tmp/pg2b.out"
for r in sqlite pg1 pg2a pg2b; do
	grep '^declined\|^error' "$tmp/$r.out" | sed "s/^/$r: /"
done
echo "peak memory (VmHWM): SQLite's host ${lite_hwm:-unknown}; on PostgreSQL one host ${a1_hwm:-unknown}, two hosts A ${a2_hwm:-unknown} B ${b_hwm:-unknown}"

# The server's own ceiling: pgbench's simple-update transaction, in a database of its own.
printf 'CREATE DATABASE pgbench OWNER possum;\n' | pg_admin || fail "could not make the database pgbench"
"$pg_bin/pgbench" -i -q -s 1 pgbench >"$tmp/pgbench.init" 2>&1 || fail "pgbench -i: $(tail -1 "$tmp/pgbench.init")"
"$pg_bin/pgbench" -N -n -c "$clients" -j 2 -T "${PGBENCH_SECONDS:-10}" pgbench >"$tmp/pgbench.out" 2>&1 ||
	fail "pgbench: $(tail -1 "$tmp/pgbench.out")"
awk -v c="$clients" '/^tps/ && !t { t = $3 } /^latency average/ { l = $4 }
	END { printf "pgbench simple-update (-N), %d clients: %.1f transactions a second, latency average %s ms\n", c, t, l }' \
	"$tmp/pgbench.out"
