#!/bin/sh
# e2e_term_clock.sh POSSUM SOURCE_DIR — the terminal's clock is the host's. On a machine whose
# zone's date (TZ) is not the host's, with a host whose [host] utc_offset gives a date that is
# not Beijing's either (the terminal's clock before any sign-in), the sign-in's answer (12, 13)
# sets the terminal's clock, and the dates it then makes are the host's: a chip purchase's 9A,
# the 61.3 of a refund of a transaction it did not make, and of one it did, the original's date
# (its answer's 13). Read from the host's --log-messages and the terminal's record (55).
possum=$1
. "$2/tests/lib.sh"

if ! "$possum" admin terminal --help >/dev/null 2>&1; then
	echo "skipped: no acquirer"
	exit 0
fi

# The host 10 hours behind UTC in Beijing's day before 18:00, else 14 ahead: its date is never
# Beijing's. The machine 12 hours behind the host in the host's morning, else 12 ahead (a
# POSIX TZ): its date is never the host's.
now=$(date -u +%s)
if [ $((((now + 480 * 60) % 86400) / 3600)) -lt 18 ]; then off=-600; else off=840; fi
if [ $((((now + off * 60) % 86400) / 3600)) -lt 12 ]; then mine=$((off - 720)); else mine=$((off + 720)); fi
export TZ="XXX$((-mine / 60))"
day=$(date -u -d "@$((now + off * 60))" +%m%d)
yymmdd=$(date -u -d "@$((now + off * 60))" +%y%m%d)
beijing=$(date -u -d "@$((now + 480 * 60))" +%m%d)
if [ "$day" != "$beijing" ]; then ok; else bad "the host's date is Beijing's: $day"; fi
if [ "$day" != "$(date +%m%d)" ]; then ok; else bad "the host's date is the machine's ($TZ): $day"; fi

data=$tmp/host
st=$tmp/term
log=$tmp/host.log
sed -e "s/^utc_offset *=.*/utc_offset = $off/" -e "s|^log *=.*|log = $log|" "$2/etc/possum.conf" >"$tmp/possum.conf"
export POSSUM_CONFIG=$tmp/possum.conf

issue() {
	"$possum" admin card issue --data "$data" --product debit --holder "Zhang San" \
		--id-number 110101199003070000 --phone 13800000000 --pin 123456 --balance 1000.00 "$@" >/dev/null
}
issue --out "$tmp/card.json"
issue --chip --out "$tmp/chip.json"
"$possum" admin merchant add --data "$data" --name "Possum Cafe" --mcc 5812 --mid 898310048120001 >/dev/null
"$possum" admin terminal add --data "$data" --merchant 898310048120001 --sn SN0001 --tid TERM0001 --json >"$tmp/tadd.json"
comps=$(grep -o '"component":"[0-9A-F]*","kcv":"[0-9A-F]*"' "$tmp/tadd.json" |
	sed 's/"component":"\([0-9A-F]*\)","kcv":"\([0-9A-F]*\)"/\1:\2/' | paste -sd, -)

"$possum" host --data "$data" --port 0 --api-port 0 --terminal-port 0 --log-messages >"$tmp/host.out" 2>"$tmp/host.err" &
pid=$!
trap 'kill $pid 2>/dev/null; wait $pid 2>/dev/null; rm -rf "$tmp"' EXIT
wait_ports "$data" $pid
tport=$(sed -n 's/^acquirer=//p' "$data/host.ports")
[ -n "$tport" ] || { echo "FAIL: no ports: $(cat "$tmp/host.err")"; exit 1; }

t() { "$possum" term "$@" --state "$st"; }
expect 0 "init" -- t init --host "127.0.0.1:$tport" --tid TERM0001 --mid 898310048120001 --sn SN0001 --tmk-components "$comps"
expect 0 "signin" -- t signin
expect 0 "chip purchase" -- t purchase --card "$tmp/chip.json" --entry chip --pin 123456 --amount 5.00 --json
expect 0 "purchase" -- t purchase --card "$tmp/card.json" --pin 123456 --amount 20.00 --json
rrn=$(sed -n 's/.*"rrn":"\([0-9]*\)".*/\1/p' "$tmp/out")
stan=$(sed -n 's/.*"stan":"\([0-9]*\)".*/\1/p' "$tmp/out")
run t refund --card "$tmp/card.json" --rrn "$rrn" --amount 5.00
run t refund --card "$tmp/card.json" --rrn 999999999999 --amount 1.00
kill -TERM $pid
wait $pid

msg='"event":"message","link":"acquirer","direction"'
grep "$msg" "$log" >"$tmp/messages"
if grep '"direction":"out"' "$tmp/messages" | grep -q '"mti":"0810",.*"12":"[0-9]\{6\}","13":"'"$day"'"'; then ok; else bad "no sign-in answer with the host's date $day: $(grep '"0810"' "$tmp/messages")"; fi
# The log stars 55; the terminal's record keeps it as sent.
if command -v sqlite3 >/dev/null 2>&1; then
	icc=$(sqlite3 "$st/possum.db" "SELECT hex(icc) FROM term_txns WHERE length(icc) > 0")
	case $icc in *9A03"$yymmdd"*) ok ;; *) bad "the chip purchase's 9A is not $yymmdd: $icc" ;; esac
fi
if grep '"mti":"0220"' "$tmp/messages" | grep -q '"61":"[0-9]\{6\}'"$(printf %06d "$((1$stan - 1000000))")$day"'"'; then ok; else bad "no refund of STAN $stan with 61.3 $day: $(grep '"0220"' "$tmp/messages")"; fi
if grep '"mti":"0220"' "$tmp/messages" | grep -q '"61":"000000000000'"$day"'"'; then ok; else bad "no refund of an unknown original with 61.3 $day: $(grep '"0220"' "$tmp/messages")"; fi
finish
