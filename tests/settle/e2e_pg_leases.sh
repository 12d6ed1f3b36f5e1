#!/bin/sh
# e2e_pg_leases.sh POSSUM SOURCE_DIR — several hosts on one PostgreSQL (docs/scaling.md,
# "Several hosts on one database: leases"), on a throwaway server (tests/pg.sh). The close by
# hand under the lease of a process gone (a pid of this machine that no longer runs, whose
# advisory lock no connection holds): run at once, its lease's time still running; under the
# lease of a process alive (a `psql` of "another machine" holding its identity's lock):
# refused, listed alive by `possum admin store leases`, then run at once when that session
# ends. A close killed mid-run (POSSUM_SETTLE_FAULT) holding its lease: listed gone, and a
# rerun at once closes the day, once. Two `possum host` processes on one database: the day due is
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

# gone_pid: the pid of a process of this machine that has ended (not yet reused).
gone_pid() { sh -c 'exit 0' & wait $!; echo $!; }
# day_leased DAY OWNER: DAY open under OWNER's close lease, running 5 minutes more.
day_leased() {
	pg_sql "INSERT INTO settle_days (date, state, lines, merchants, closed_at, owner, until) VALUES ('$1', 0, 0, 0, 0, '$2', $(($(db_now) + 300)))" >/dev/null
}
# closed DAY: whether DAY is closed.
closed() { [ "$(pg_sql "SELECT state FROM settle_days WHERE date = '$1'")" = 1 ]; }
# leased NAME: NAME's item of `possum admin store leases --json`, compact.
leased() {
	"$possum" admin store leases --json --data "$tmp/a" | jq -c --arg n "$1" '.items[] | select(.name == $n)'
}
host=$(hostname | cut -c1-32)

# The close of a day under the lease of a process gone: listed gone, run at once.
day=2026-12-01
owner="admin:$host:$(gone_pid):1"
day_leased $day "$owner"
leased "close:$day" | grep -q '"alive":false' && ok || bad "close:$day not listed gone: $(leased "close:$day")"
expect 0 "settle run under a gone process's lease" -- "$possum" admin settle run --date "$day" --json --data "$tmp/a"
closed $day && ok || bad "$day not closed"

# Under the lease of a process alive: a session holding its identity's lock (a host elsewhere,
# as store_lease.h says: the SHA-256 of HOSTNAME:PID:START, its first 8 bytes). Refused while
# it holds the lock; run at once when the session has ended.
day2=2026-12-02
identity="elsewhere.example:4242:1"
day_leased $day2 "host:$identity"
pg_hold "$PGDATABASE" "$identity" || bad "no session holding $identity's lock"
leased "close:$day2" | grep -q '"alive":true' && ok || bad "close:$day2 not listed alive: $(leased "close:$day2")"
expect 1 "settle run under a live process's lease" -- "$possum" admin settle run --date "$day2" --json --data "$tmp/a"
err_has "its lease is host:$identity's"
closed $day2 && bad "$day2 closed under a live lease" || ok
pg_release
expect 0 "settle run once the live process's session ended" -- "$possum" admin settle run --date "$day2" --json --data "$tmp/a"
closed $day2 && ok || bad "$day2 not closed after the session ended"

# A close killed mid-run holding its lease (after its first part, committed with the lease): the
# day open under the dead run's lease, listed gone; a rerun at once closes it, once.
day3=2026-12-03
POSSUM_SETTLE_FAULT=after_parts:1 "$possum" admin settle run --date "$day3" --json --data "$tmp/a" >/dev/null 2>&1
[ $? -eq 9 ] && ok || bad "the faulted close did not die"
killed=$(pg_sql "SELECT owner FROM settle_days WHERE date = '$day3' AND state = 0 AND until > $(db_now)")
echo "$killed" | grep -q "^admin:$host:" && ok || bad "the killed close left no lease: '$killed'"
leased "close:$day3" | grep -q '"alive":false' && ok || bad "close:$day3 not listed gone: $(leased "close:$day3")"
rerun_s=$(date +%s.%N)
expect 0 "rerun after the killed close" -- "$possum" admin settle run --date "$day3" --json --data "$tmp/a"
rerun_ms=$(echo "$rerun_s $(date +%s.%N)" | awk '{printf "%d", ($2 - $1) * 1000}')
err_has '"result":"closed"' # the run's own line of the close (the log on standard error)
expect 0 "a third run" -- "$possum" admin settle run --date "$day3" --json --data "$tmp/a"
err_has '"result":"closed_before"'
closed $day3 && ok || bad "$day3 not closed"
echo "pg leases: the close under a gone process's lease run at once; refused under a live one's, run once its session ended; a close killed holding its lease rerun at once in $rerun_ms ms, closed once"

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
poll "SELECT count(*) FROM settle_days WHERE state = 1" '^4$' 15 && ok || bad "the day due not closed: $got days closed"
sleep 1
[ "$(closes)" = 1 ] && ok || bad "the day due closed $(closes) times: $(grep -h settle_close "$tmp/a.log" "$tmp/b.log")"

# The store-and-forward sender and the notification scheduler, running on both (the link is
# configured), take no lease: their queues are shared by claims (docs/scaling.md "Shared
# queues"). Both hosts alive.
sleep 2
[ "$(pg_sql "SELECT count(*) FROM leases WHERE name IN ('saf', 'notify')")" = 0 ] && ok ||
	bad "a queue's lease was taken: $(pg_sql "SELECT name, holder FROM leases")"
kill -0 "$a_pid" && kill -0 "$b_pid" && ok || bad "a host died"

echo "pg leases: two hosts on one database: the day due closed $(closes) time(s); no queue's lease taken"
finish
