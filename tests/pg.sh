# pg.sh — a throwaway PostgreSQL for the tests: sourced after tests/lib.sh by a test that
# needs a database (docs/scaling.md, "Testing with PostgreSQL"):
#
#   . "$(dirname "$0")/../pg.sh"
#   pg_start || skip "$pg_why"
#
# pg_start makes a cluster with Debian's initdb in $pg_home/pg ($pg_home: $tmp unless set
# before: lib.sh gives a directory of its own, which a test's own `rm -rf "$tmp"` spares for
# the watchdog) as the `postgres` OS user when the test runs as root, which initdb and pg_ctl
# refuse (as the test's own user otherwise), starts
# it on a free port of 127.0.0.1 only (its unix socket in $pg_dir/sock, none in
# /var/run/postgresql), fsync on but small buffers, and makes the role and database `possum`
# (password authentication over TCP, the password in a PGPASSFILE of mode 0600, never on a
# command line). It exports PGHOST, PGPORT, PGUSER, PGDATABASE and PGPASSFILE and sets
# pg_conninfo (a libpq connection string without the password), pg_bin (the server's
# programs: pg_dump, pgbench …), pg_version and pg_ms (how long it took to start). lib.sh's
# on_exit stops it (pg_stop) and a watchdog stops it if the test is killed without its trap.
# pg_crash stops it as a power cut would stop it (pg_ctl stop -m immediate: no checkpoint,
# the WAL replayed on the next start) and pg_restart starts it again, on the same port.

# pg_find: sets pg_bin to the directory of initdb, pg_ctl and postgres (POSSUM_PG_BIN, else
# Debian's /usr/lib/postgresql/VERSION/bin, the newest first, else PATH's), or pg_why.
pg_find() {
	pg_bin=""
	for _d in ${POSSUM_PG_BIN:-} $(ls -d /usr/lib/postgresql/*/bin 2>/dev/null | sort -t/ -k5 -rn) \
		"$(dirname "$(command -v initdb 2>/dev/null || echo /nonexistent/x)")"; do
		if [ -x "$_d/initdb" ] && [ -x "$_d/pg_ctl" ] && [ -x "$_d/postgres" ] && [ -x "$_d/psql" ]; then
			pg_bin=$_d
			return 0
		fi
	done
	pg_why="initdb, pg_ctl, postgres and psql not found (Debian's postgresql package)"
	return 1
}

# pg_as COMMAND...: COMMAND run in $pg_dir as the cluster's owner: the postgres OS user when
# we are root, ourselves otherwise.
pg_as() {
	if [ "$(id -u)" -eq 0 ]; then
		(cd "$pg_dir" && runuser -u postgres -- "$@")
	else
		(cd "$pg_dir" && "$@")
	fi
}

# pg_admin [DATABASE]: psql as the cluster's superuser over the unix socket on DATABASE
# (postgres), the SQL on standard input.
pg_admin() {
	pg_as "$pg_bin/psql" -X -q -v ON_ERROR_STOP=1 -h "$pg_dir/sock" -p "$PGPORT" -U postgres \
		-d "${1:-postgres}"
}

# pg_sql SQL: the SQL run as the test's role (the environment pg_start exported), its rows
# unaligned without a header on standard output.
pg_sql() {
	"$pg_bin/psql" -X -A -t -q -v ON_ERROR_STOP=1 -c "$1"
}

# pg_hold DATABASE IDENTITY: a session on DATABASE (the test's role) holding the liveness lock
# of a process IDENTITY, "HOST:PID[:START]" (store_lease.h: the shared advisory lock keyed on
# the first 8 bytes of its SHA-256) — a process alive on another machine — until pg_release;
# returns once the lock is granted (10 s at most). One at a time.
pg_hold() {
	rm -f "$tmp/pg_hold.in"
	mkfifo "$tmp/pg_hold.in"
	PGAPPNAME=possum_test_hold "$pg_bin/psql" -X -q -o /dev/null -d "$1" <"$tmp/pg_hold.in" &
	pg_hold_pid=$!
	also_kill="${also_kill:-} $pg_hold_pid"
	exec 7>"$tmp/pg_hold.in"
	echo "SELECT pg_advisory_lock_shared(CAST(CAST('x' || left(encode(sha256(convert_to('$2', 'UTF8')), 'hex'), 16) AS bit(64)) AS bigint));" >&7
	_w=0
	while [ "$(pg_sql "SELECT count(*) FROM pg_locks l JOIN pg_stat_activity a ON a.pid = l.pid WHERE l.locktype = 'advisory' AND l.granted AND a.application_name = 'possum_test_hold'")" = 0 ]; do
		[ $_w -lt 50 ] || return 1
		sleep 0.2
		_w=$((_w + 1))
	done
}

# pg_release: pg_hold's session ended (its lock with it), waited for.
pg_release() {
	exec 7>&-
	wait "$pg_hold_pid"
	rm -f "$tmp/pg_hold.in"
}

# pg_port: a port of 127.0.0.1 nobody listens on, between 10000 and 31999 (below Linux's
# ephemeral range); another process may still take it first: pg_start tries again.
pg_port() {
	while :; do
		_p=$((10000 + $(od -An -N2 -tu2 /dev/urandom) % 22000))
		ss -Htln "( sport = :$_p )" 2>/dev/null | grep -q . || break
	done
	echo "$_p"
}

# pg_restart: the cluster of $pg_dir started on $PGPORT, waited for (20 s at most); returns 1
# with its log's last lines in pg_why when it does not start.
pg_restart() {
	pg_as "$pg_bin/pg_ctl" start -w -t 20 -D "$pg_dir/data" -l "$pg_dir/log" -o "-p $PGPORT" \
		>"$pg_dir/pg_ctl.out" 2>&1 && return 0
	pg_why="the server did not start: $(tail -3 "$pg_dir/log" 2>/dev/null)"
	return 1
}

# pg_crash: the server stopped at once, as a crash would (no checkpoint, no flush).
pg_crash() {
	pg_as "$pg_bin/pg_ctl" stop -w -D "$pg_dir/data" -m immediate >/dev/null 2>&1
}

# pg_init: the cluster made in $pg_dir/data (initdb), its settings appended.
pg_init() {
	mkdir -p "$pg_dir/sock" || return 1
	if [ "$(id -u)" -eq 0 ]; then
		id postgres >/dev/null 2>&1 || { pg_why="no postgres OS user to run the server as"; return 1; }
		chmod 711 "$pg_home" && chown -R postgres: "$pg_dir" || return 1
	fi
	chmod 700 "$pg_dir"
	# initdb's own sync skipped: a crash of this machine ends the test anyway.
	pg_as "$pg_bin/initdb" -D "$pg_dir/data" -U postgres -E UTF8 --locale=C --no-sync \
		--no-instructions --auth-local=trust --auth-host=scram-sha-256 >"$pg_dir/initdb.log" 2>&1 ||
		{ pg_why="initdb failed: $(tail -3 "$pg_dir/initdb.log")"; return 1; }
	cat >>"$pg_dir/data/postgresql.conf" <<EOF
listen_addresses = '127.0.0.1'
unix_socket_directories = '$pg_dir/sock'
unix_socket_permissions = 0700
fsync = on
synchronous_commit = on
full_page_writes = on
shared_buffers = 16MB
max_connections = 100
max_wal_size = 256MB
timezone = 'UTC'
log_timezone = 'UTC'
log_min_messages = warning
EOF
}

# pg_role: the role and database possum, the role's password (random) in $pg_home/pgpass
# (0600).
pg_role() {
	_pw=$(od -An -N16 -tx1 /dev/urandom | tr -d ' \n')
	(umask 077 && echo "127.0.0.1:$PGPORT:*:possum:$_pw" >"$pg_home/pgpass")
	printf "CREATE ROLE possum LOGIN PASSWORD '%s';\nCREATE DATABASE possum OWNER possum;\n" "$_pw" |
		pg_admin
	_pw=""
}

# pg_watchdog: a process of its own (not a child of the test's, so that killing the test's
# tree misses it) that stops the server and removes $pg_dir (and $pg_home when it is not
# $tmp) once the test's shell is gone.
pg_watchdog() {
	(
		_pid=$1
		trap '' HUP INT
		while kill -0 "$_pid" 2>/dev/null && [ -d "$pg_dir" ]; do sleep 1; done
		[ -d "$pg_dir" ] && [ ! -f "$pg_dir/stopped" ] || exit 0
		pg_crash
		rm -rf "$pg_dir"
		[ "$pg_home" = "$tmp" ] || rm -rf "$pg_home"
	) </dev/null >/dev/null 2>&1 &
	echo $! >"$pg_home/pg.watchdog"
}

# pg_start: the throwaway server (this file's first comment). Returns 1, the reason in pg_why,
# when PostgreSQL is not installed: the caller skips (exit 77). Installed but failing (initdb,
# the server or the role), it ends the test as failed.
pg_start() {
	_t0=$(date +%s%N)
	pg_find || return 1
	pg_home=${pg_home:-$tmp}
	pg_dir=$pg_home/pg
	trap on_exit EXIT
	trap 'exit 1' INT TERM HUP
	pg_init || { echo "FAIL: $pg_why"; exit 1; }
	(pg_watchdog $$)
	_started=""
	for _ in 1 2 3 4 5; do
		PGPORT=$(pg_port)
		rm -f "$pg_dir/log"
		pg_restart && _started=1 && break
		grep -q "could not bind" "$pg_dir/log" 2>/dev/null || break
	done
	[ -n "$_started" ] || { echo "FAIL: $pg_why"; exit 1; }
	pg_role || { echo "FAIL: could not make the role possum"; exit 1; }
	export PGHOST=127.0.0.1 PGPORT PGUSER=possum PGDATABASE=possum PGPASSFILE="$pg_home/pgpass"
	pg_conninfo="host=127.0.0.1 port=$PGPORT dbname=possum user=possum connect_timeout=10 sslmode=disable gssencmode=disable"
	pg_version=$(pg_sql 'SHOW server_version' | cut -d' ' -f1)
	pg_ms=$((($(date +%s%N) - _t0) / 1000000))
}

# pg_store_conf FILE: a [store] section naming the throwaway database (backend = postgres,
# postgres = $pg_conninfo: no password, PGPASSFILE gives it) appended to FILE, for a host or
# `possum admin` given that configuration (--config FILE, or POSSUM_CONFIG=FILE: start_host's
# VAR=VALUE).
pg_store_conf() {
	printf '[store]\nbackend = postgres\npostgres = %s\n' "$pg_conninfo" >>"$1"
}

# pg_stop: the server stopped (pg_ctl stop -m fast) and $pg_dir removed; the watchdog ends.
pg_stop() {
	[ -n "${pg_dir:-}" ] && [ -d "$pg_dir" ] || return 0
	: >"$pg_dir/stopped"
	[ ! -f "$pg_dir/data/postmaster.pid" ] ||
		pg_as "$pg_bin/pg_ctl" stop -w -t 20 -D "$pg_dir/data" -m fast >/dev/null 2>&1
	pg_dir_gone
}

# pg_dir_gone: $pg_dir removed, the watchdog stopped, $pg_home removed when not $tmp.
pg_dir_gone() {
	rm -rf "$pg_dir"
	[ ! -f "$pg_home/pg.watchdog" ] || kill "$(cat "$pg_home/pg.watchdog")" 2>/dev/null
	rm -f "$pg_home/pg.watchdog"
	[ "$pg_home" = "$tmp" ] || rm -rf "$pg_home"
}

# pg_missing TID FILE: the STANs of the approvals FILE holds (`possum term --json` lines of
# terminal TID) that are not one approved row of acq_txns, one a line: nothing when every
# approval a terminal saw is in the database.
pg_missing() {
	grep '"rc":"00"' "$2" | sed 's/.*"stan":"\([0-9]*\)","batch":\([0-9]*\),"rrn":"\([0-9]*\)".*/\1 \2 \3/' |
		while read -r _stan _batch _rrn; do
			_c=$(pg_sql "SELECT count(*) FROM acq_txns WHERE tid = '$1' AND stan = '$_stan' AND batch = $_batch AND rrn = '$_rrn' AND rc = '00'")
			[ "$_c" = 1 ] || echo "$_stan"
		done
}
