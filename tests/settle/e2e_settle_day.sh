#!/bin/sh
# e2e_settle_day.sh POSSUM SOURCE_DIR — the business day of a running host ([settle], settle.h):
# with cutoff = 00:00 every moment is at or after the cut-off, so a purchase belongs to the next
# local day whatever the hour: field 15 of its answer (read from --log-messages) is tomorrow's
# MMDD and its record's settle_date (admin txn show --json) tomorrow's date, Beijing's
# ([host] utc_offset 480), never the machine's zone's. With cutoff = 23:59 both are today's
# (but in the day's last minute, when that check is skipped). A holidays file with a bad line
# stops the host (2), naming that file and its line; a bad cutoff names the config's.
possum=$1
. "$2/tests/lib.sh"

if ! "$possum" admin terminal --help >/dev/null 2>&1; then
	echo "skipped: no acquirer"
	exit 0
fi

data=$tmp/host
log=$tmp/host.log
mid=898310048120001
conf() { # conf CUTOFF SOURCE_DIR: the shipped configuration with [settle] cutoff CUTOFF
	sed -e "s/^cutoff *=.*/cutoff = $1/" -e "s|^log *=.*|log = $log|" "$2/etc/possum.conf" >"$tmp/possum.conf"
}
export POSSUM_CONFIG=$tmp/possum.conf
conf 00:00 "$2"
issue_card "$tmp/card.json" 1000.00
"$possum" admin merchant add --data "$data" --name "Possum Cafe" --mcc 5812 --mid $mid >/dev/null
for tid in TERM0001 TERM0002; do
	"$possum" admin terminal add --data "$data" --merchant $mid --sn "SN$tid" --tid $tid --json >"$tmp/$tid.json"
done
comps() {
	grep -o '"component":"[0-9A-F]*","kcv":"[0-9A-F]*"' "$tmp/$1.json" |
		sed 's/"component":"\([0-9A-F]*\)","kcv":"\([0-9A-F]*\)"/\1:\2/' | paste -sd, -
}

pid=
trap 'kill $pid 2>/dev/null; wait $pid 2>/dev/null; rm -rf "$tmp"' EXIT
# purchase TID: a host on the configuration, a terminal TID signed in, one purchase of 1.00;
# the host stopped. Sets rrn, and day0/day1, the local (Beijing) time before and after it.
purchase() {
	rm -f "$data/host.ports" "$log"
	TZ=America/New_York "$possum" host --data "$data" --port 0 --api-port 0 --terminal-port 0 \
		--log-messages >"$tmp/host.out" 2>"$tmp/host.err" &
	pid=$!
	wait_ports "$data" $pid
	tport=$(sed -n 's/^acquirer=//p' "$data/host.ports")
	[ -n "$tport" ] || { echo "FAIL: no ports: $(cat "$tmp/host.err")"; exit 1; }
	st=$tmp/term-$1
	expect 0 "init $1" -- "$possum" term init --state "$st" --host "127.0.0.1:$tport" --tid "$1" \
		--mid $mid --sn "SN$1" --tmk-components "$(comps "$1")"
	expect 0 "signin $1" -- "$possum" term signin --state "$st"
	day0=$(date -u -d '+8 hours' '+%s')
	expect 0 "purchase at $1" -- "$possum" term purchase --state "$st" --card "$tmp/card.json" \
		--pin 123456 --amount 1.00 --json
	day1=$(date -u -d '+8 hours' '+%s')
	rrn=$(sed -n 's/.*"rrn":"\([0-9]*\)".*/\1/p' "$tmp/out")
	kill -TERM $pid
	wait $pid
	pid=
}
# check WHAT DAYS: field 15 of the purchase's answer and its record's settle_date are the
# local date of day0 or day1 moved by DAYS days.
check() {
	f15a=$(date -u -d "@$((day0 + $2 * 86400))" +%m%d)
	f15b=$(date -u -d "@$((day1 + $2 * 86400))" +%m%d)
	da=$(date -u -d "@$((day0 + $2 * 86400))" +%Y-%m-%d)
	db=$(date -u -d "@$((day1 + $2 * 86400))" +%Y-%m-%d)
	answer=$(grep '"event":"message"' "$log" | grep '"direction":"out"' | grep '"mti":"0210"')
	case $answer in
	*'"15":"'"$f15a"'"'* | *'"15":"'"$f15b"'"'*) ok ;;
	*) bad "$1: field 15 is not $f15a: $answer" ;;
	esac
	expect 0 "txn show $rrn" -- "$possum" admin txn show "$rrn" --json --data "$data"
	if grep -q "\"settle_date\":\"$da\"" "$tmp/out" || grep -q "\"settle_date\":\"$db\"" "$tmp/out"; then
		ok
	else
		bad "$1: settle_date is not $da: $(cat "$tmp/out")"
	fi
}

# cutoff 00:00: always the next day.
purchase TERM0001
check "cutoff 00:00" 1
# The list's items carry it too.
expect 0 "txn list --json" -- "$possum" admin txn list --json --data "$data"
out_has '"settle_date":"'

# cutoff 23:59: today, unless the purchase fell in the day's last minute.
conf 23:59 "$2"
purchase TERM0002
if [ "$(date -u -d "@$day0" +%H%M)" = 2359 ] || [ "$(date -u -d "@$day1" +%H%M)" = 2359 ]; then
	echo "skipped: cutoff 23:59 in the day's last minute"
else
	check "cutoff 23:59" 0
fi

# Bad [settle] values stop the host before it starts (2), naming the file and the line.
printf '# holidays\n2026-10-01\n2026-10-32\n' >"$tmp/holidays.txt"
conf 23:00 "$2"
sed -i '/^\[settle\]/a holidays = holidays.txt' "$tmp/possum.conf"
expect 2 "a bad holidays line" -- timeout 20 "$possum" host --data "$data" --port 0 --api-port 0 --terminal-port 0
err_has "$tmp/holidays.txt line 3: not a date YYYY-MM-DD: 2026-10-32"
conf 24:00 "$2"
expect 2 "a bad cutoff" -- timeout 20 "$possum" host --data "$data" --port 0 --api-port 0 --terminal-port 0
err_has "possum.conf line [0-9]*: \[settle\] cutoff: not a time HH:MM"
finish
