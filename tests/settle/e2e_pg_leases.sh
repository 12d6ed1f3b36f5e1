#!/bin/sh
# e2e_pg_leases.sh POSSUM SOURCE_DIR — several hosts on one PostgreSQL (docs/scaling.md,
# "Several hosts on one database: leases"), on a throwaway server (tests/pg.sh). The close by
# hand under the lease of a process of this machine that is gone: refused on PostgreSQL (a
# pid says nothing about a host on another machine), run once the lease's time, in the
# database's clock, has run out. Two `possum host` processes on one database: the day due is
# closed by one of them, once; the store-and-forward sender and the notification scheduler take
# no lease (they share their queues by claims: tests/store/e2e_pg_queues.sh). Prints one line
# of figures.
possum=$1
src=$2
. "$src/tests/lib.sh"
. "$src/tests/pg.sh"

[ -x "$(dirname "$possum")/test_pg_engine" ] || skip "possum built without libpq"
pg_start || skip "$pg_why"
export POSSUM_CONFIG="$tmp/possum.conf"
pg_store_conf "$POSSUM_CONFIG"
# A link to another issuer (nobody listens there): the store-and-forward sender runs.
printf '[link.x]\nhost = 127.0.0.1\nport = %s\n' "$(pg_port)" >>"$POSSUM_CONFIG"
expect 0 "store migrate" -- "$possum" admin store migrate --data "$tmp/a"

# db_now: the database's clock, Unix seconds.
db_now() { pg_sql "SELECT CAST(FLOOR(EXTRACT(EPOCH FROM statement_timestamp())) AS BIGINT)"; }

# The close of a day under the lease of a process gone (pid 999999 of this machine): refused
# until its time has run out, then run.
day=2026-12-01
owner="admin:$(hostname | cut -c1-32):999999:1"
pg_sql "INSERT INTO settle_days (date, state, lines, merchants, closed_at, owner, until) VALUES ('$day', 0, 0, 0, 0, '$owner', $(($(db_now) + 3)))" >/dev/null
expect 1 "settle run under a gone process's lease" -- "$possum" admin settle run --date "$day" --json --data "$tmp/a"
err_has "its lease is $owner's"
waited=0
while [ "$(db_now)" -lt "$(pg_sql "SELECT until FROM settle_days WHERE date = '$day'")" ] && [ $waited -lt 10 ]; do
	sleep 1
	waited=$((waited + 1))
done
expect 0 "settle run once the lease ran out" -- "$possum" admin settle run --date "$day" --json --data "$tmp/a"
[ "$(pg_sql "SELECT state FROM settle_days WHERE date = '$day'")" = 1 ] && ok || bad "$day not closed"

# host NAME: `possum host` on data directory $tmp/NAME and the same database, on free ports;
# its pid in NAME_pid (killed at the exit), its log $tmp/NAME.log.
host() {
	"$possum" host --data "$tmp/$1" --port 0 --api-port 0 --terminal-port 0 \
		>"$tmp/$1.out" 2>"$tmp/$1.log" &
	eval "$1_pid=$!"
	also_kill="${also_kill:-} $!"
	wait_ports "$tmp/$1" $!
	[ -s "$tmp/$1/host.ports" ] && ok || bad "host $1 did not start: $(tail -3 "$tmp/$1.log")"
}
host a
host b

# poll SQL WANT SECONDS: until SQL's answer matches the pattern WANT (grep), SECONDS at most;
# the answer in $got, the seconds waited in $polled.
poll() {
	polled=0
	while got=$(pg_sql "$1") && ! echo "$got" | grep -q -- "$2" && [ $polled -lt "$3" ]; do
		sleep 1
		polled=$((polled + 1))
	done
	echo "$got" | grep -q -- "$2"
}

# The day due closed once, by one of the two (each looks a second after it starts).
closes() { cat "$tmp/a.log" "$tmp/b.log" | grep '"event":"settle_close"' | grep -c '"result":"closed"'; }
poll "SELECT count(*) FROM settle_days WHERE state = 1" '^2$' 15 && ok || bad "the day due not closed: $got days closed"
sleep 1
[ "$(closes)" = 1 ] && ok || bad "the day due closed $(closes) times: $(grep -h settle_close "$tmp/a.log" "$tmp/b.log")"

# The store-and-forward sender and the notification scheduler, running on both (the link is
# configured), take no lease: their queues are shared by claims (docs/scaling.md "Shared
# queues"). Both hosts alive.
sleep 2
[ "$(pg_sql "SELECT count(*) FROM leases WHERE name IN ('saf', 'notify')")" = 0 ] && ok ||
	bad "a queue's lease was taken: $(pg_sql "SELECT name, holder FROM leases")"
kill -0 "$a_pid" && kill -0 "$b_pid" && ok || bad "a host died"

echo "pg leases: the close refused under a gone process's lease, run after it ran out ($waited s); two hosts on one database: the day due closed $(closes) time(s); no queue's lease taken"
finish
