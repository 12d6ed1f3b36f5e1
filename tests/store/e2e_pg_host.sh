#!/bin/sh
# e2e_pg_host.sh POSSUM SOURCE_DIR — `possum host` on PostgreSQL (docs/scaling.md, "Running the
# host on PostgreSQL"), on a throwaway server (tests/pg.sh): the configuration's refusals of
# [store] (an unknown backend, postgres without its connection string, one libpq cannot parse,
# one with a password — never repeated); `possum admin store status|migrate` on a database no
# migration has touched; the host started with backend = postgres, its store logged without a
# password; a merchant, a terminal and a card set up by `possum admin`, and purchases by
# `possum term` over TCP approved, each in acq_txns (psql); the database crashed mid-load
# (pg_crash) and restarted: the terminals answered 96 while it is down, approvals again after,
# every approval they saw in the database; `possum admin backup` while the host runs (a restore
# refused then) and `restore` after, round trip; the tools' and the connection's failures said
# (a host whose database refuses exits 1). Prints the server's refusals and one line of
# figures. A setup or purchase the store cannot run on PostgreSQL fails the test, with the
# store's words.
possum=$1
src=$2
. "$src/tests/lib.sh"
. "$src/tests/pg.sh"

# refused WHAT MESSAGE LINE...: a configuration of those lines refused by `possum host` (exit 2)
# with MESSAGE, never repeating the password hunter2.
refused() {
	_what=$1 _msg=$2
	shift 2
	printf '%s\n' "$@" >"$tmp/bad.conf"
	expect 2 "$_what" -- "$possum" host --config "$tmp/bad.conf" --data "$tmp/bad"
	err_has "$_msg"
	if grep -q hunter2 "$tmp/err"; then bad "$_what: the password said"; else ok; fi
}
refused "an unknown backend" "bad.conf line 2: \[store\] backend: not sqlite or postgres: mysql" \
	'[store]' 'backend = mysql'
printf '[store]\nbackend = postgres\npostgres = host=db1 port\n' >"$tmp/bad.conf"
if "$possum" host --config "$tmp/bad.conf" --data "$tmp/bad" 2>&1 | grep -q "without libpq"; then
	ok
	skip "this possum was built without libpq: backend = postgres refused"
fi
refused "postgres without its conninfo" \
	"bad.conf line 2: \[store\] backend = postgres needs \[store\] postgres = CONNINFO" \
	'[store]' 'backend = postgres'
refused "a conninfo libpq cannot parse" \
	"bad.conf line 3: \[store\] postgres: missing \"=\" after \"port\"" \
	'[store]' 'backend = postgres' 'postgres = host=db1 port'
refused "a conninfo with a password" \
	"bad.conf line 3: \[store\] postgres: holds a password: give it in PGPASSFILE or PGPASSWORD" \
	'[store]' 'backend = postgres' 'postgres = host=db1 password=hunter2'
refused "a URI with a password" "bad.conf line 2: \[store\] postgres: holds a password" \
	'[store]' 'postgres = postgresql://possum:hunter2@db1/possum' 'backend = postgres'
[ -e "$tmp/bad" ] && bad "a refused configuration made a data directory" || ok

pg_start || skip "$pg_why"
conf=$tmp/possum.conf
data=$tmp/host
pg_store_conf "$conf"
printf '[issuer]\nbin = 62258801 debit\ndaily_count_limit = 0\n[risk]\nrules = none\n' >>"$conf"
export POSSUM_CONFIG=$conf
shown="postgres host=127.0.0.1 port=$PGPORT dbname=possum user=possum"

# A database no migration has touched: every module pending; migrated by the command.
expect 0 "store status, a fresh database" -- "$possum" admin store status --data "$data" --json
out_has '"module":"meta","version":0,"newest":2,"state":"pending"'
grep -q '"state":"current"' "$tmp/out" && bad "a module current in a fresh database" || ok
expect 0 "store migrate --dry-run" -- "$possum" admin store migrate --data "$data" --dry-run
out_has "pending (dry run: nothing changed)"
expect 0 "store migrate" -- "$possum" admin store migrate --data "$data" --json
out_has '"module":"acquirer","from":0,"to":'
migrated=$(pg_sql 'SELECT count(*) FROM schema_versions')
# One row a module: the modules of the schema files (MODULE.N.sql).
modules=$(ls "$src/src/store/pg/schema" | sed 's/\..*//' | sort -u | wc -l)
[ "$migrated" = "$modules" ] && ok || bad "schema_versions holds $migrated modules, not $modules"
expect 0 "store migrate again" -- "$possum" admin store migrate --data "$data"
out_has "nothing to apply"

# The setup by `possum admin`, on the same database; the part it blocks is skipped when the
# store's queries do not run there yet.
setup_why=""
"$possum" admin merchant add --data "$data" --name "Possum Cafe" --mcc 5812 --mid 898310048120001 \
	>/dev/null 2>"$tmp/setup.err" &&
	"$possum" admin card issue --data "$data" --product debit --holder "Zhang San" \
		--id-number 110101199003070000 --phone 13800000000 --pin 123456 --balance 100000.00 \
		--out "$tmp/card.json" >/dev/null 2>>"$tmp/setup.err" &&
	comps=$("$possum" admin terminal add --data "$data" --merchant 898310048120001 --sn SN0001 \
		--tid TERM0001 --json 2>>"$tmp/setup.err" |
		grep -o '"component":"[0-9A-F]*","kcv":"[0-9A-F]*"' |
		sed 's/"component":"\([0-9A-F]*\)","kcv":"\([0-9A-F]*\)"/\1:\2/' | paste -sd, -) &&
	[ -n "$comps" ] || setup_why="the setup by possum admin: $(grep -v 'test LMK' "$tmp/setup.err" | head -1); the server: $(grep -m1 'ERROR:' "$pg_dir/log" | sed 's/.*ERROR: *//')"

start_host "$data" POSSUM_CONFIG="$conf"
grep -q "\"event\":\"store\",\"backend\":\"postgres\",\"name\":\"$shown\"" "$tmp/host.log" && ok ||
	bad "the host's store line: $(grep '"store"' "$tmp/host.log")"
grep -q checkpoint "$tmp/host.log" && bad "a checkpointer on PostgreSQL" || ok
expect 0 "store status beside the host" -- "$possum" admin store status --data "$data" --json
grep -q '"state":"pending"' "$tmp/out" && bad "a module pending after the host opened it" || ok
# A restore is refused while the host is connected, and changes nothing.
expect 0 "a first backup" -- "$possum" admin backup --data "$data" "$tmp/first.dump"
expect 1 "restore while the host runs" -- "$possum" admin restore --data "$data" "$tmp/first.dump"
err_has "$shown: the store is in use (a host runs on it?): [0-9]* other sessions* on the database"

# purchase N OUT [FILE]: N purchases of 1.00 by the terminal — with FILE, as many as it takes
# for FILE to appear and N more — each's JSON line (or its failure's) appended to OUT.
purchase() {
	_n=$1
	while [ "$_n" -gt 0 ]; do
		[ -z "${3:-}" ] || [ -e "$3" ] || _n=$((_n + 1))
		_n=$((_n - 1))
		"$possum" term purchase --state "$tmp/t" --card "$tmp/card.json" --pin 123456 \
			--amount 1.00 --json --timeout 3 >"$tmp/one" 2>"$tmp/one.err"
		if grep -q '"rc"' "$tmp/one"; then
			cat "$tmp/one" >>"$2"
		else
			echo "{\"rc\":\"none\",\"why\":\"$(tail -1 "$tmp/one.err" | tr -d '"\\')\"}" >>"$2"
		fi
	done
}
approvals=0 answered96=0 lost=0 unanswered=0 after=0
if [ -z "$setup_why" ]; then
	"$possum" term init --state "$tmp/t" --host "127.0.0.1:$port" --tid TERM0001 \
		--mid 898310048120001 --sn SN0001 --tmk-components "$comps" >/dev/null 2>&1
	expect 0 "sign-in over TCP" -- "$possum" term signin --state "$tmp/t"
	purchase 10 "$tmp/before"
	n=$(grep -c '"rc":"00"' "$tmp/before")
	[ "$n" -eq 10 ] && ok || { bad "$n of 10 purchases approved: $(grep -v '"rc":"00"' "$tmp/before" | head -2)"; setup_why="purchases: $(grep -v '"rc":"00"' "$tmp/before" | head -1)"; }
fi
if [ -z "$setup_why" ]; then
	# The database crashed mid-load, restarted 2 s later; purchases go on throughout, and ten
	# once it is back.
	purchase 10 "$tmp/load" "$tmp/restarted" &
	load_pid=$!
	also_kill=$load_pid
	sleep 1
	pg_crash
	sleep 2
	pg_restart || bad "the server did not restart: $pg_why"
	: >"$tmp/restarted"
	wait $load_pid
	also_kill=""
	cat "$tmp/before" "$tmp/load" >"$tmp/all"
	approvals=$(grep -c '"rc":"00"' "$tmp/all")
	answered96=$(grep -c '"rc":"96"' "$tmp/all")
	unanswered=$(grep -c '"rc":"none"' "$tmp/all")
	after=$(tail -10 "$tmp/load" | grep -c '"rc":"00"')
	# While it is down a request is answered 96, or — when the host's reconnection holds its
	# loop past the terminal's 3 s (libpq's blocking reset, up to connect_timeout: docs/
	# scaling.md "A lost connection") — left unanswered, which the terminal reverses. Either
	# way nothing is approved that is not in the database (below).
	[ $((answered96 + unanswered)) -gt 0 ] && ok || bad "neither 96 nor a timeout while the database was down"
	[ "$after" -gt 0 ] && ok || bad "no approval once the database was back: $(tail -2 "$tmp/load")"
	kill -0 "$host_pid" 2>/dev/null && ok || bad "the host died with the database"
	# Every approval a terminal saw is a row of acq_txns, approved.
	pg_missing TERM0001 "$tmp/all" >"$tmp/lost"
	lost=$(wc -l <"$tmp/lost")
	[ "$lost" -eq 0 ] && ok || bad "$lost approvals not in the database (STANs $(paste -sd' ' "$tmp/lost"))"
	rows=$(pg_sql "SELECT count(*) FROM acq_txns WHERE rc = '00' AND type = 'purchase'")
	[ "$rows" -ge "$approvals" ] && ok || bad "$rows approved purchases in acq_txns, $approvals seen"
else
	bad "purchases and the crash mid-load on PostgreSQL: $setup_why"
	# The host carries on through the crash all the same.
	pg_crash
	sleep 1
	pg_restart || bad "the server did not restart: $pg_why"
	sleep 1
	kill -0 "$host_pid" 2>/dev/null && ok || bad "the host died with the database"
fi

# Backup while the host runs; then, the host stopped, a row written after it, and the restore
# takes the database back to the copy.
expect 0 "backup beside the host" -- "$possum" admin backup --data "$data" "$tmp/pg.dump" --json
out_has '"backend":"postgres"'
[ "$(head -c 5 "$tmp/pg.dump")" = PGDMP ] && ok || bad "the backup is not pg_dump's custom format"
[ "$(stat -c %a "$tmp/pg.dump")" = 600 ] && ok || bad "the backup's mode is $(stat -c %a "$tmp/pg.dump")"
[ ! -e "$tmp/pg.dump.partial" ] && ok || bad "a partial backup left"
expect 1 "backup over a file" -- "$possum" admin backup --data "$data" "$tmp/pg.dump"
err_has "exists already"
kill -TERM "$host_pid"
wait "$host_pid"
host_pid=""
before=$(pg_sql "SELECT (SELECT count(*) FROM acq_txns) || ' ' || (SELECT count(*) FROM meta)")
pg_sql "INSERT INTO meta (name, value) VALUES ('test.after', 'x')"
expect 0 "restore" -- "$possum" admin restore --data "$data" "$tmp/pg.dump" --json
out_has "\"store\":\"$shown\",\"aside\":null,\"backend\":\"postgres\""
restored=$(pg_sql "SELECT (SELECT count(*) FROM acq_txns) || ' ' || (SELECT count(*) FROM meta)")
[ "$restored" = "$before" ] && ok || bad "restored rows $restored, backed up $before"
expect 0 "store status after the restore" -- "$possum" admin store status --data "$data"
out_has "0 migrations pending"
echo "not an archive" >"$tmp/junk.dump"
expect 1 "restore of a file that is not an archive" -- "$possum" admin restore --data "$data" "$tmp/junk.dump"
err_has "not a pg_dump archive"
expect 1 "backup without pg_dump" -- env POSSUM_PG_BIN=/nonexistent "$possum" admin backup --data "$data" "$tmp/none.dump"
err_has "pg_dump not found"
sed "s/port=$PGPORT/port=1/" "$conf" >"$tmp/down.conf"
expect 1 "backup, the server refusing" -- env POSSUM_CONFIG="$tmp/down.conf" "$possum" admin backup --data "$data" "$tmp/down.dump"
err_has "Connection refused"
[ ! -e "$tmp/down.dump" ] && [ ! -e "$tmp/down.dump.partial" ] && ok || bad "a failed backup left a file"
expect 1 "a host, the server refusing" -- env POSSUM_CONFIG="$tmp/down.conf" "$possum" host --data "$tmp/down" --port 0 --api-port 0 --terminal-port 0
err_has "postgres host=127.0.0.1 port=1 dbname=possum user=possum: database failure: .*refused"
expect 1 "store status, the server refusing" -- env POSSUM_CONFIG="$tmp/down.conf" "$possum" admin store status --data "$data"
err_has "postgres host=127.0.0.1 port=1 dbname=possum user=possum: database failure: .*refused"

# What the server refused meanwhile (a query not yet ported to PostgreSQL), each once.
refusals=$(grep 'ERROR:' "$pg_dir/log" | grep -v 'terminating connection' | sed 's/.*ERROR: *//' | sort -u)
[ -z "$refusals" ] || printf 'the server refused:\n%s\n' "$refusals" | head -10
set -- $restored
restored="acq_txns $1 rows, meta $2"
if [ -z "$setup_why" ]; then
	echo "pg host: $approvals approvals, $answered96 answered 96 while the database was down, $unanswered unanswered, $after of the last 10 approved after its restart, lost $lost; backup and restore round trip: $restored"
else
	echo "pg host: purchases SKIPPED ($setup_why); migrations, host start, crash and restart, backup and restore round trip: $restored"
fi
finish
