#!/bin/sh
# e2e_pg_harness.sh POSSUM SOURCE_DIR — the throwaway PostgreSQL every PostgreSQL test stands on
# (tests/pg.sh): it starts in well under 10 s, answers the test's role over TCP with the
# password of its PGPASSFILE (and refuses it without), runs with fsync on, listens on
# 127.0.0.1 alone (its unix socket in its own directory), keeps 100 committed rows through
# `pg_ctl stop -m immediate` and a restart, answers libpq (test_pg_connect, built beside
# POSSUM where libpq is found), serves the store's PostgreSQL engine (test_pg_engine: the same
# queries on both engines, rows compared) and, stopped, leaves neither its directory nor a
# process.
# Skipped (77) without Debian's postgresql package.
possum=$1
. "$(dirname "$0")/../lib.sh"
. "$(dirname "$0")/../pg.sh"

# running PID: PID is a process that has not ended (a zombie, ended but not yet reaped by
# whoever adopted it, has).
running() {
	[ -r "/proc/$1/stat" ] && ! sed 's/.*) //' "/proc/$1/stat" 2>/dev/null | grep -q '^Z'
}

pg_start || skip "$pg_why"
[ "$pg_ms" -lt 10000 ] && ok || bad "started in $pg_ms ms, 10 s or more"

# The role over TCP, with the password file and without it.
if [ "$(pg_sql 'SELECT 1')" = 1 ]; then ok; else bad "psql SELECT 1: $(pg_sql 'SELECT 1' 2>&1)"; fi
expect 2 "no password, refused" -- env PGPASSFILE=/dev/null "$pg_bin/psql" -X -w -c 'SELECT 1'
err_has "password"
[ "$(pg_sql 'SHOW fsync')" = on ] && ok || bad "fsync is not on"

# Where it listens: 127.0.0.1:PGPORT alone, its socket in its own directory.
pm=$(head -1 "$pg_dir/data/postmaster.pid")
ss -Htlnp | grep "pid=$pm," | awk '{print $4}' | sort -u >"$tmp/listen"
listen=$(paste -sd' ' "$tmp/listen")
[ "$listen" = "127.0.0.1:$PGPORT" ] && ok || bad "listens on '$listen', not 127.0.0.1:$PGPORT alone"
[ -S "$pg_dir/sock/.s.PGSQL.$PGPORT" ] && ok || bad "no unix socket in $pg_dir/sock"
[ ! -e "/var/run/postgresql/.s.PGSQL.$PGPORT" ] && ok || bad "a socket in /var/run/postgresql"

# Durability: 100 rows, each committed alone, then the server stopped as by a crash.
pg_sql 'CREATE TABLE kept (n integer PRIMARY KEY)'
seq 100 | sed 's/.*/INSERT INTO kept VALUES (&);/' | "$pg_bin/psql" -X -q -v ON_ERROR_STOP=1 ||
	bad "inserting the rows"
pg_crash
running "$pm" && bad "the server outlived pg_ctl stop -m immediate" || ok
t0=$(date +%s%N)
pg_restart || bad "$pg_why"
restart_ms=$((($(date +%s%N) - t0) / 1000000))
kept=$(pg_sql 'SELECT count(*) FROM kept')
[ "$kept" = 100 ] && ok || bad "the crash-restart kept $kept of 100 rows"

# libpq: the cmocka smoke test, given the server.
smoke="libpq: not built (no libpq)"
bin=$(dirname "$possum")/test_pg_connect
if [ -x "$bin" ]; then
	smoke="libpq: test_pg_connect passed"
	if ! POSSUM_TEST_PG=$pg_conninfo "$bin" >"$tmp/smoke" 2>&1 || grep -q SKIPPED "$tmp/smoke"; then
		bad "test_pg_connect: $(cat "$tmp/smoke")"
		smoke="libpq: test_pg_connect FAILED"
	else ok; fi
fi

# The store's PostgreSQL engine (src/store/pg/, docs/scaling.md) on the same server: its
# prototype's queries on both engines, rows compared.
engine="engine: not built (no libpq)"
bin=$(dirname "$possum")/test_pg_engine
if [ -x "$bin" ]; then
	if POSSUM_TEST_PG=$pg_conninfo "$bin" >"$tmp/engine" 2>&1 && ! grep -q SKIPPED "$tmp/engine"; then
		ok
		engine=$(grep -h "^pg engine:\|^both engines:" "$tmp/engine" | paste -sd';' -)
	else
		bad "test_pg_engine: $(tail -20 "$tmp/engine")"
		engine="engine: test_pg_engine FAILED"
	fi
fi

# Stopped: no directory, no process of ours (the postmaster, its children, the watchdog).
pm=$(head -1 "$pg_dir/data/postmaster.pid")
kids=$(ps -o pid= --ppid "$pm" | paste -sd' ' -)
dog=$(cat "$tmp/pg.watchdog")
dir=$pg_dir
pg_stop
[ ! -e "$dir" ] && ok || bad "$dir is still there"
sleep 1 # the watchdog ends at once, its sleep within a second
left=""
for p in $pm $kids $dog; do running "$p" && left="$left $p"; done
[ -z "$left" ] && ok || bad "processes left:$left ($(ps -o pid=,args= -p "$(echo $left | tr ' ' ,)"))"

echo "pg: started in $pg_ms ms (PostgreSQL $pg_version), fsync on, listening on 127.0.0.1:$PGPORT only; crash-restart (pg_ctl stop -m immediate, restarted in $restart_ms ms) kept $kept of 100 committed rows; $smoke; stopped, $(echo $kids | wc -w) server processes and the directory gone"
echo "$engine"
finish
