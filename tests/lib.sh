# lib.sh — what the end-to-end test scripts share: a scratch directory, pass/fail counts and
# checks on a command's exit status and output. Sourced by tests/<module>/e2e_*.sh, which
# call `finish` last: it prints "N passed, N failed" and sets the exit status. With
# POSSUM_TEST_BACKEND=postgres (ctest's NAME_pg) the test runs on a throwaway PostgreSQL
# instead of SQLite (this file's end); what reads the store behind the host's back goes
# through db_sql and its neighbours, which answer on both.
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
passed=0
failed=0

ok() { passed=$((passed + 1)); }
bad() { failed=$((failed + 1)); echo "FAIL: $*"; }

# run COMMAND...: output in $tmp/out and $tmp/err, exit status in $got.
run() {
	"$@" >"$tmp/out" 2>"$tmp/err"
	got=$?
}

# expect STATUS DESCRIPTION -- COMMAND...: runs it and checks its exit status.
expect() {
	want=$1 what=$2
	shift 3
	run "$@"
	if [ "$got" -eq "$want" ]; then ok; else bad "$what: exit $got, expected $want: $(cat "$tmp/err")"; fi
}

out_has() { if grep -q -- "$1" "$tmp/out"; then ok; else bad "stdout lacks '$1': $(head -c 300 "$tmp/out")"; fi; }
err_has() { if grep -q -- "$1" "$tmp/err"; then ok; else bad "stderr lacks '$1': $(cat "$tmp/err")"; fi; }
# faketime_lib: the path of libfaketime (Debian's faketime package), or nothing when it is
# missing.
faketime_lib() {
	for f in /usr/lib/x86_64-linux-gnu/faketime/libfaketime.so.1 \
		/usr/lib/*/faketime/libfaketime.so.1 /usr/lib/faketime/libfaketime.so.1; do
		[ -f "$f" ] && echo "$f" && return
	done
}

# faked LIB CLOCK CMD... &: runs CMD as a job of its own (it takes the place of the job's
# shell, so $! is CMD's pid and signals reach it) with its clock read from the file CLOCK
# ("YYYY-MM-DD hh:mm:ss", UTC) through libfaketime LIB, preloaded before a sanitizer's runtime
# (allowed: the sanitizers' build). Called without &, it would replace the test's shell.
faked() {
	_lib=$1 _clock=$2
	shift 2
	TZ=UTC LD_PRELOAD=$_lib FAKETIME_TIMESTAMP_FILE=$_clock FAKETIME_NO_CACHE=1 \
		FAKETIME_DONT_FAKE_MONOTONIC=1 \
		ASAN_OPTIONS="${ASAN_OPTIONS:+$ASAN_OPTIONS:}verify_asan_link_order=0" exec "$@"
}

# faked_host LIB CLOCK DATA: `possum host` ($possum) on DATA, on the clock of the file CLOCK
# through libfaketime LIB (faked), on free ports; sets host_pid (killed on exit), port (the
# terminals') and api, or ends the test as failed when the host does not start.
faked_host() {
	faked "$1" "$2" "$possum" host --data "$3" --port 0 --api-port 0 --terminal-port 0 \
		>"$tmp/host.out" 2>"$tmp/host.log" &
	host_listening "$3" $!
}

# skip WHY: a test that cannot run here (exit 77: ctest's skip), saying what it lacks.
skip() {
	echo "skipped: $* (scripts/bootstrap installs it)"
	exit 77
}

# on_exit: the EXIT trap of host_listening, start_peer and pg_start (tests/pg.sh): the host,
# the pids in $also_kill and the peers killed, the host waited for, the throwaway PostgreSQL
# stopped (pg_stop), the scratch directory removed.
on_exit() {
	# shellcheck disable=SC2086
	kill ${host_pid:-} ${also_kill:-} ${peer_pids:-} 2>/dev/null
	[ -z "${host_pid:-}" ] || wait "$host_pid" 2>/dev/null
	[ -z "${pg_dir:-}" ] || pg_stop
	rm -rf "$tmp"
}

# host_listening DATA PID: the host PID on DATA started (faked_host, start_host): sets
# host_pid (killed on exit, with the pids in $also_kill), port (the terminals'), link and api
# once it listens, or ends the test as failed when it does not start.
host_listening() {
	host_pid=$2
	trap on_exit EXIT
	wait_ports "$1" $host_pid
	port=$(sed -n 's/^acquirer=//p' "$1/host.ports")
	link=$(sed -n 's/^issuer=//p' "$1/host.ports")
	api=$(sed -n 's/^api=//p' "$1/host.ports")
	[ -n "$port" ] || { echo "FAIL: the host did not start: $(cat "$tmp/host.log")"; exit 1; }
}

# issue_card FILE BALANCE: a debit card of Zhang San (ID 110101199003070000, phone 13800000000,
# PIN 123456) with BALANCE (CNY, as 1000.00) issued in $data by $possum, its image in FILE.
issue_card() {
	"$possum" admin card issue --data "$data" --product debit --holder "Zhang San" \
		--id-number 110101199003070000 --phone 13800000000 --pin 123456 --balance "$2" \
		--out "$1" >/dev/null
}

# start_host DATA [VAR=VALUE...]: `possum host` ($possum) on DATA on free ports, with VAR=VALUE
# added to its environment alone (env), listening (host_listening); its output in
# $tmp/host.out and $tmp/host.log.
start_host() {
	_data=$1
	shift
	env "$@" "$possum" host --data "$_data" --port 0 --api-port 0 --terminal-port 0 \
		>"$tmp/host.out" 2>"$tmp/host.log" &
	host_listening "$_data" $!
}

# sms_code FILE: the latest card-authentication code in the texts file FILE (sms.jsonl), in
# either language; not merely its last line, which may be a payment's notice the host's
# scheduler delivered meanwhile.
sms_code() {
	jq -r .text "$1" | grep -e '验证码' -e 'verification code' | tail -1 |
		sed -n 's/.*\(验证码为\|is \)\([0-9]\{6\}\).*/\2/p'
}
out_empty() { if [ -s "$tmp/out" ]; then bad "$1: printed $(head -c 200 "$tmp/out")"; else ok; fi; }

# wait_ports DIR PID: waits (10 s at most) for DIR/host.ports, written by `possum host` PID once
# it listens; returns at once if PID has exited.
wait_ports() {
	i=0
	while [ ! -s "$1/host.ports" ] && [ $i -lt 200 ] && kill -0 "$2" 2>/dev/null; do
		sleep 0.05
		i=$((i + 1))
	done
}

# register_terminal POSSUM DATA: the merchant 898310048120001 (Possum Cafe) and its terminal
# TERM0001 (SN SN0001) in DATA; prints the TMK components as `possum term init
# --tmk-components` takes them.
register_terminal() {
	"$1" admin merchant add --data "$2" --name "Possum Cafe" --mcc 5812 --mid 898310048120001 >/dev/null
	"$1" admin terminal add --data "$2" --merchant 898310048120001 --sn SN0001 --tid TERM0001 --json |
		grep -o '"component":"[0-9A-F]*","kcv":"[0-9A-F]*"' |
		sed 's/"component":"\([0-9A-F]*\)","kcv":"\([0-9A-F]*\)"/\1:\2/' | paste -sd, -
}

# load_host SOURCE_DIR: a host on $tmp/host for `possum load` (every port 0, no daily count
# limit, no risk rules: one card pays many times in a row), listening; sets data, host_pid,
# port (the terminals'), POSSUM_CONFIG, and a trap that stops it and anything in $load_pid.
load_host() {
	data=$tmp/host
	sed -e 's/^port *=.*/port = 0/' -e 's/^daily_count_limit *=.*/daily_count_limit = 0/' \
		"$1/etc/possum.conf" >"$tmp/possum.conf"
	# Every simulated terminal comes from 127.0.0.1: the limit per address off.
	printf '\n[risk]\nrules = none\n[link]\nmax_connections_per_address = 1000000\n' >>"$tmp/possum.conf"
	export POSSUM_CONFIG=$tmp/possum.conf
	"$possum" host --data "$data" --port 0 --api-port 0 --terminal-port 0 >"$tmp/host.out" 2>"$tmp/host.log" &
	host_pid=$!
	trap 'kill ${load_pid:-} 2>/dev/null; on_exit' EXIT
	wait_ports "$data" $host_pid
	port=$(sed -n 's/^acquirer=//p' "$data/host.ports")
}

# load_terminals MID PREFIX N: N terminals of merchant MID (TIDs PREFIX1.. zero-filled to 8
# characters, SNs SN and the TID)
# added to $data, their lines for `possum load --terminals-file` appended to $tmp/terminals
# (as the README makes them from `terminal add --json`: tmk_components).
load_terminals() {
	for n in $(seq "$3"); do
		n=$(printf "%0$((8 - ${#2}))d" "$n") # the TID's 8 characters
		"$possum" admin terminal add --data "$data" --merchant "$1" --sn "SN$2$n" --tid "$2$n" --json |
			sed 's/.*"tid":"\([^"]*\)","mid":"\([^"]*\)","sn":"\([^"]*\)".*"tmk_components":"\([^"]*\)".*/\1 \2 \3 \4/' \
			>>"$tmp/terminals"
	done
}

# start_relay SOURCE UPSTREAM [--wire FILE] [--frames FILE] [--delay FILE]: tests/relay.py on a
# free port of 127.0.0.1 joining each connection to 127.0.0.1:UPSTREAM (python3), recording or
# holding what its options say (relay.py's first comment); its port in $relay, its pid in
# $relay_pid, what it says in $tmp/relay.log.
start_relay() {
	_src=$1
	_up=$2
	shift 2
	rm -f "$tmp/relay.port"
	python3 "$_src/tests/relay.py" "$_up" "$tmp/relay.port" "$@" 2>"$tmp/relay.log" &
	relay_pid=$!
	for _ in $(seq 100); do [ -s "$tmp/relay.port" ] && break; sleep 0.05; done
	relay=$(cat "$tmp/relay.port")
}

# link_ups [LINK]: how many times the host's outgoing link LINK (any, by default) came up
# (signed on) in $tmp/host.log.
link_ups() { grep '"event":"link_up"' "$tmp/host.log" | grep -c "\"link\":\"${1:+$1\"}"; }

# link_wait_up N [LINK] [SECONDS]: waits (15 s, or SECONDS, at most) for the host's link LINK
# (any, by default) to have come up more than N times.
link_wait_up() {
	for _ in $(seq $((${3:-15} * 10))); do
		[ "$(link_ups "${2:-}")" -gt "$1" ] && return 0
		sleep 0.1
	done
	return 1
}

# saf_wait STATE [N] [SECONDS] [KIND]: waits (20 s, or SECONDS, at most) for N (default 1)
# entries (of KIND, reversal or advice, when given) of $data's store-and-forward queue in STATE
# (docs/links.md); its listing (--json) in $tmp/saf.json.
saf_wait() {
	for _ in $(seq $((${3:-20} * 5))); do
		"$possum" admin link saf --data "$data" --state "$1" --json >"$tmp/saf.json" 2>/dev/null
		[ "$(grep -o "\"kind\":\"${4:-[a-z]*}\",[^}]*\"state\":\"$1\"" "$tmp/saf.json" | wc -l)" -ge "${2:-1}" ] && return 0
		sleep 0.2
	done
	return 1
}

# start_peer SOURCE [OPTION...]: the third-party ISO 8583 issuer (SOURCE/tests/links/peer:
# peer.mjs over the iso_8583 npm package, installed by its setup.sh) on a free port of
# 127.0.0.1, with peer.mjs's OPTIONs (--dialect, --binary, --delay, --drop-after): its port in
# $peer, its pid in $peer_pid (killed on exit with the others in $peer_pids), its log (a JSON
# line a message) in $peer_log. Returns 1, saying why, when node or the package cannot be had:
# the caller skips (exit 77).
start_peer() {
	_src=$1
	shift
	command -v node >/dev/null 2>&1 || { echo "node is missing"; return 1; }
	sh "$_src/tests/links/peer/setup.sh" 2>"$tmp/peer.setup" || { cat "$tmp/peer.setup"; return 1; }
	peers=$((${peers:-0} + 1))
	peer_log=$tmp/peer$peers.log
	node "$_src/tests/links/peer/peer.mjs" 0 --port-file "$tmp/peer$peers.port" --log "$peer_log" \
		"$@" >"$tmp/peer$peers.out" 2>&1 &
	peer_pid=$!
	peer_pids="${peer_pids:-} $peer_pid"
	trap on_exit EXIT
	for _ in $(seq 400); do
		[ -s "$tmp/peer$peers.port" ] || ! kill -0 $peer_pid 2>/dev/null && break
		sleep 0.05
	done
	peer=$(cat "$tmp/peer$peers.port" 2>/dev/null)
	[ -n "$peer" ] || { echo "FAIL: the peer did not start: $(cat "$tmp/peer$peers.out")"; exit 1; }
}

# tls_test_pki DIR SN...: a small CA made with the openssl command, in the shapes docs/tls.md
# names: DIR/ca.crt (CN "possum CA", CA:TRUE), DIR/host.crt and host.key (CN localhost,
# DNS:localhost and IP:127.0.0.1, serverAuth), and for each SN DIR/SN.crt and SN.key (CN the SN,
# clientAuth); ECDSA P-256 keys; DIR/crl.pem, a CRL revoking none (tls_test_revoke adds).
tls_test_pki() {
	dir=$1
	shift
	mkdir -p "$dir/ca.db"
	: >"$dir/ca.db/index"
	printf '[ca]\ndefault_ca = d\n[d]\ndatabase = %s\ncrl_extensions = e\ndefault_md = sha256\ndefault_crl_days = 30\n[e]\nauthorityKeyIdentifier = keyid\n' \
		"$dir/ca.db/index" >"$dir/ca.db/ca.cnf"
	openssl req -x509 -new -newkey ec -pkeyopt ec_paramgen_curve:P-256 -nodes -days 30 \
		-subj "/CN=possum CA" -addext basicConstraints=critical,CA:TRUE \
		-addext keyUsage=critical,keyCertSign,cRLSign -keyout "$dir/ca.key" -out "$dir/ca.crt" 2>/dev/null || return 1
	tls_test_leaf "$dir" host localhost "subjectAltName=DNS:localhost,IP:127.0.0.1
extendedKeyUsage=serverAuth" || return 1
	for sn in "$@"; do
		tls_test_leaf "$dir" "$sn" "$sn" "extendedKeyUsage=clientAuth" || return 1
	done
	tls_test_crl "$dir"
}

# tls_test_leaf DIR NAME CN EXTENSIONS: DIR/NAME.key and DIR/NAME.crt under DIR's CA.
tls_test_leaf() {
	printf 'basicConstraints=CA:FALSE\n%s\n' "$4" >"$1/$2.ext"
	openssl req -new -newkey ec -pkeyopt ec_paramgen_curve:P-256 -nodes -subj "/CN=$3" \
		-keyout "$1/$2.key" -out "$1/$2.csr" 2>/dev/null &&
		openssl x509 -req -in "$1/$2.csr" -CA "$1/ca.crt" -CAkey "$1/ca.key" -CAcreateserial \
			-days 30 -sha256 -extfile "$1/$2.ext" -out "$1/$2.crt" 2>/dev/null
}

tls_test_crl() {
	openssl ca -config "$1/ca.db/ca.cnf" -gencrl -keyfile "$1/ca.key" -cert "$1/ca.crt" \
		-out "$1/crl.pem" 2>/dev/null
}

# tls_test_revoke DIR SN: DIR/SN.crt revoked, DIR/crl.pem made again.
tls_test_revoke() {
	openssl ca -config "$1/ca.db/ca.cnf" -revoke "$1/$2.crt" -keyfile "$1/ca.key" \
		-cert "$1/ca.crt" 2>/dev/null && tls_test_crl "$1"
}

# ---- the attack tests (tests/attack): each attack one line of a table, counted ----
attacks=0
attacks_refused=0
attacks_changed=0

# ---- the store behind the host's back: DATA/possum.db, or its PostgreSQL database ----
# (POSSUM_TEST_BACKEND=postgres, this file's end: $db_backend is then postgres.)

# pg_db_of DATA: the PostgreSQL database of the data directory DATA, as on SQLite one store a
# data directory: the first directory named has $PGDATABASE, each other one a database of its
# own, made the first time it is named (here, or by $possum: pg_possum's store_for.sh).
pg_db_of() { sh "$pg_home/store_for.sh" "$1"; }

# pg_store_for DATA: the store of the data directory DATA as POSSUM_STORE names it:
# DATA/possum.db on SQLite, its database (pg_db_of) on PostgreSQL.
pg_store_for() {
	if [ "$db_backend" != postgres ]; then
		echo "$1/possum.db"
		return
	fi
	echo "postgres:$pg_conninfo" | sed "s/dbname=[^ ]*/dbname=$(pg_db_of "$1")/"
}

# db_copy FROM TO: the data directory FROM copied to TO (cp -r: TO must not exist), its store
# with it: on PostgreSQL TO's database made again from FROM's (no one connected to FROM's).
db_copy() {
	cp -r "$1" "$2" || return 1
	[ "$db_backend" = postgres ] || return 0
	_from=$(pg_db_of "$1")
	_to=$(pg_db_of "$2")
	printf 'SET client_min_messages = warning;\nDROP DATABASE %s WITH (FORCE);\nCREATE DATABASE %s OWNER possum TEMPLATE %s;\n' \
		"$_to" "$_to" "$_from" | pg_admin >/dev/null
}

# db_sql DATA SQL: SQL run on DATA's store behind the host's back (sqlite3 on DATA/possum.db,
# psql on its PostgreSQL database), its rows one a line, columns joined by '|', no header.
# The SQL must mean the same on both (or be chosen by $db_backend); psql shows a boolean as
# t or f.
db_sql() {
	if [ "$db_backend" = postgres ]; then
		printf '%s\n' "$2" | "$pg_bin/psql" -X -A -t -q -v ON_ERROR_STOP=1 -d "$(pg_db_of "$1")" -f -
	else
		sqlite3 -cmd '.timeout 5000' "$1/possum.db" "$2"
	fi
}

# db_hold DATA IDENTITY: a process IDENTITY ("HOST:PID[:START]") of another machine alive as
# DATA's store sees it: on PostgreSQL a session on its database holding the process's liveness
# lock (pg_hold, tests/pg.sh) until db_release; nothing on SQLite, whose holders of another
# machine are never known gone (store_lease.h).
db_hold() {
	[ "$db_backend" = postgres ] || return 0
	pg_hold "$(pg_db_of "$1")" "$2"
}
db_release() {
	[ "$db_backend" = postgres ] || return 0
	pg_release
}

# db_made DATA: whether DATA's store is there: DATA/possum.db on SQLite; on PostgreSQL its
# database has a schema_versions table (the store was opened once).
db_made() {
	if [ "$db_backend" = postgres ]; then
		[ "$(db_sql "$1" "SELECT to_regclass('schema_versions') IS NOT NULL")" = t ]
	else
		[ -f "$1/possum.db" ]
	fi
}

# db_tables DATA: the names of the tables of DATA's store, one a line, in order.
db_tables() {
	if [ "$db_backend" = postgres ]; then
		db_sql "$1" "SELECT tablename FROM pg_tables WHERE schemaname = current_schema() ORDER BY 1"
	else
		db_sql "$1" "SELECT name FROM sqlite_master WHERE type = 'table' ORDER BY name"
	fi
}

# pg_table_sql TABLE: SQL printing TABLE's columns, then its rows (as text, sorted).
pg_table_sql() {
	printf "SELECT '%s: ' || string_agg(column_name || ' ' || data_type, ', ' ORDER BY ordinal_position) FROM information_schema.columns WHERE table_schema = current_schema() AND table_name = '%s';\n" "$1" "$1"
	printf 'SELECT x::text FROM "%s" x ORDER BY 1;\n' "$1"
}

# pg_state_sql: SQL printing "hash|table" for each table named on standard input (its rows as
# text, sorted), then "hash|schema" for every table's columns.
pg_state_sql() {
	while read -r _t; do
		printf "SELECT md5(coalesce(string_agg(x::text, chr(10) ORDER BY x::text), '')) || '|%s' FROM \"%s\" x;\n" "$_t" "$_t"
	done
	echo "SELECT md5(string_agg(table_name || '.' || column_name || ' ' || data_type || ' ' || is_nullable || ' ' || coalesce(column_default, ''), chr(10) ORDER BY table_name, ordinal_position)) || '|schema' FROM information_schema.columns WHERE table_schema = current_schema();"
}

# db_rows DATA TABLE...: the schema and every row of those tables (every table when none is
# named) of DATA's store (sqlite3's .dump; on PostgreSQL each table's columns and its rows as
# text, sorted): taken before and after an attack, to compare.
db_rows() {
	_data=$1
	shift
	if [ "$db_backend" = postgres ]; then
		[ $# -gt 0 ] || set -- $(db_tables "$_data")
		db_sql "$_data" "$(for _t in "$@"; do pg_table_sql "$_t"; done)"
	else
		sqlite3 -cmd '.timeout 5000' "$_data/possum.db" ".dump $*"
	fi
}

# db_state DATA [TABLE...]: a hash of the rows of every table of DATA's store but the TABLEs
# named, one "hash|table" line each, and one of the schema (sqlite3's .sha3sum; md5 of the rows
# as text, sorted, on PostgreSQL): taken before and after an attack, to compare; db_rows shows
# the rows themselves. The hosts' leases are never in it: on PostgreSQL a host renews its own
# each second (docs/scaling.md), which is no change an attack made.
db_state() {
	_data=$1
	shift
	db_tables "$_data" | grep -vxF "$(printf '%s\n' "$@" leases "#")" >"$tmp/db.tables"
	if [ "$db_backend" = postgres ]; then
		db_sql "$_data" "$(pg_state_sql <"$tmp/db.tables")"
	else
		{
			sed 's/^/.sha3sum /' "$tmp/db.tables"
			echo '.sha3sum --schema sqlite_schema'
		} | sqlite3 -cmd '.timeout 5000' "$_data/possum.db"
	fi
}

# db_quiet DATA: waits (10 s at most) until the host's scheduler is done with what came before
# (texts sent, accounts opened): two states of DATA a second apart the same.
db_quiet() {
	_i=0
	db_state "$1" >"$tmp/quiet.1"
	while [ $_i -lt 10 ]; do
		sleep 1
		db_state "$1" >"$tmp/quiet.2"
		cmp -s "$tmp/quiet.1" "$tmp/quiet.2" && break
		mv "$tmp/quiet.2" "$tmp/quiet.1"
		_i=$((_i + 1))
	done
}

# attack WHAT GOT WANT BEFORE AFTER: one attack tried. GOT is how it was answered (a response
# code or an HTTP status, and the reason), WANT a grep pattern GOT must match for a refusal;
# the files BEFORE and AFTER (db_state, or whatever the attack may change) must be the same.
# Prints "attack: WHAT ..... refused GOT, nothing changed" (GOT alone when it is a 2xx: taken,
# made harmless), or what went wrong (a failure).
attack() {
	attacks=$((attacks + 1))
	_w=$((46 - ${#1}))
	[ $_w -ge 3 ] || _w=3
	_dots=$(printf '%*s' $_w '' | tr ' ' .)
	case $2 in 2[0-9][0-9]*) _said=$2 ;; *) _said="refused $2" ;; esac
	if printf '%s\n' "$2" | grep -q -- "$3"; then
		attacks_refused=$((attacks_refused + 1))
	else
		_said="NOT REFUSED: $2 (wanted $3)"
	fi
	if cmp -s "$4" "$5"; then
		_said="$_said, nothing changed"
	else
		attacks_changed=$((attacks_changed + 1))
		_said="$_said, CHANGED: $(diff "$4" "$5" | grep '^[<>]' | head -3 | cut -c1-160 | paste -sd' ' -)"
	fi
	echo "attack: $1 $_dots $_said"
	case $_said in *NOT\ REFUSED* | *CHANGED*) bad "attack: $1" ;; *) ok ;; esac
}

# attacks_done: the table's last line.
attacks_done() {
	echo "attacks: $attacks tried, $attacks_refused refused, $attacks_changed changed anything"
}

finish() {
	echo "$passed passed, $failed failed"
	[ "$failed" -eq 0 ]
}

# pg_possum: store_for.sh (pg_db_of) written, and $possum (the binary still in $possum_bin)
# replaced by a script that runs `possum host` and `possum admin` with POSSUM_STORE naming the
# database of the data directory their --data (else $POSSUM_DATA) names: each data directory
# keeps a store of its own, as on SQLite, with the tests unchanged. The role possum may make
# databases.
pg_possum() {
	echo "ALTER ROLE possum CREATEDB;" | pg_admin
	: >"$pg_home/stores"
	cat >"$pg_home/store_for.sh" <<EOF
# store_for.sh DATA: prints the database of the data directory DATA (made when new).
d=\$(realpath -m -- "\$1")
exec 9>>"$pg_home/stores.lock"
flock 9
db=\$(awk -F '\t' -v d="\$d" '\$2 == d { print \$1 }' "$pg_home/stores")
if [ -z "\$db" ]; then
	n=\$(wc -l <"$pg_home/stores")
	db=$PGDATABASE
	[ "\$n" -eq 0 ] || db=possum_\$n
	[ "\$n" -eq 0 ] || "$pg_bin/psql" -X -q -d postgres -c "CREATE DATABASE \$db" || exit 1
	printf '%s\t%s\n' "\$db" "\$d" >>"$pg_home/stores"
fi
echo "\$db"
EOF
	[ -n "${possum:-}" ] || return 0
	cat >"$pg_home/possum" <<EOF
#!/bin/sh
case \${1:-} in host | admin) ;; *) exec "$possum" "\$@" ;; esac
d=\${POSSUM_DATA:-}
prev=
for a in "\$@"; do
	[ "\$prev" != --data ] || d=\$a
	case \$a in --data=*) d=\${a#--data=} ;; esac
	prev=\$a
done
if [ -n "\$d" ]; then
	db=\$(sh "$pg_home/store_for.sh" "\$d") || exit 1
	POSSUM_STORE=\$(echo "\$POSSUM_STORE" | sed "s/dbname=[^ ]*/dbname=\$db/")
fi
exec "$possum" "\$@"
EOF
	chmod 755 "$pg_home/possum"
	possum=$pg_home/possum
}

# ---- the backend: POSSUM_TEST_BACKEND=postgres (ctest's NAME_pg, docs/scaling.md "Testing
# with PostgreSQL") starts a throwaway PostgreSQL (tests/pg.sh; skipped, 77, without one) in a
# directory of its own and names it in POSSUM_STORE, so that every possum command the test runs
# keeps its store there; the helpers above read it with psql. ----
db_backend=sqlite
possum_bin=${possum:-}
case ${POSSUM_TEST_BACKEND:-sqlite} in
sqlite) ;;
postgres)
	. "$(dirname "$0")/../pg.sh"
	pg_home=$(mktemp -d)
	pg_start || skip "$pg_why"
	db_backend=postgres
	export POSSUM_STORE="postgres:$pg_conninfo"
	pg_possum
	;;
*)
	echo "FAIL: POSSUM_TEST_BACKEND=$POSSUM_TEST_BACKEND: not sqlite or postgres"
	exit 1
	;;
esac
