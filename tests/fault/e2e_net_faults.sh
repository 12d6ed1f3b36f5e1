#!/bin/sh
# e2e_net_faults.sh POSSUM SOURCE_DIR — bad peers on every port the host listens on (the
# terminals', the link's, the HTTP API's), from 127.0.0.2, while healthy clients on 127.0.0.1
# keep being served: a connection cut mid-message (reset, no FIN), a silent one (a peer gone
# without FIN), a length header (or half a request) then silence, a message trickled a byte at
# a time, a frame of length 0, a flood of idle connections. After each, what the bad peers held
# is freed: possum_connections of each front end back to its count before. Then answers held
# past the terminal's timeout by a relay: the terminal reverses, the late answer changes
# nothing, the reversal is applied. Prints a line per fault: tried / served healthy / freed.
# tests/host/e2e_netlimits.sh covers the per-address limits' figures; this covers the faults.
possum=$1
. "$2/tests/lib.sh"
badpeer="python3 $2/tests/fault/badpeer.py"
ulimit -n 4096 2>/dev/null

data=$tmp/host
{
	sed -e 's/^daily_count_limit *=.*/daily_count_limit = 0/' "$2/etc/possum.conf"
	printf '\n[risk]\nrules = none\n'
	printf '\n[link]\nidle_timeout = 3\nmessage_timeout = 2\nmax_connections = 40\nmax_connections_per_address = 8\n'
	printf '\n[http]\ntimeout = 2\nrequest_timeout = 3\nmax_connections = 64\nmax_connections_per_address = 4\n'
} >"$tmp/possum.conf"
export POSSUM_CONFIG=$tmp/possum.conf

issue_card "$tmp/card.json" 1000.00
comps=$(register_terminal "$possum" "$data")

start_host "$data"
tport=$port lport=$link
[ -n "$api" ] || { echo "FAIL: no API port: $(cat "$tmp/host.log")"; exit 1; }

# The terminal reaches the host through the relay, which passes everything on at once until
# $tmp/delay holds a number of seconds.
start_relay "$2" "$tport" --delay "$tmp/delay"
also_kill=$relay_pid
rport=$relay

t() { "$possum" term "$@" --data "$tmp/term"; }
expect 0 "init" -- t init --host "127.0.0.1:$rport" --tid TERM0001 --mid 898310048120001 --sn SN0001 --tmk-components "$comps"
expect 0 "signin" -- t signin

# The healthy clients, one a port: a purchase, an echo over the link, the API's health.
printf '{"mti":"0800","fields":{"7":"1206120000","11":"000001","70":"301"}}' >"$tmp/echo.json"
healthy() {
	h_term=no h_link=no h_http=no
	t purchase --card "$tmp/card.json" --pin 123456 --amount 1.00 --timeout 5 >/dev/null 2>&1 && h_term=yes
	"$possum" iso send --host "127.0.0.1:$lport" --profile iso87a --timeout 5 <"$tmp/echo.json" >/dev/null 2>"$tmp/link.err" && h_link=yes
	curl -sf --max-time 5 "http://127.0.0.1:$api/healthz" >/dev/null && h_http=yes
}
# conns: the front ends' connections, "TERMINALS LINK HTTP", as /metrics counts them (once a
# second; the scrape's own connection is one of HTTP's).
conns() {
	curl -sf --max-time 5 "http://127.0.0.1:$api/metrics" |
		awk '/^possum_connections\{front="terminals"\}/ {t = $2} /^possum_connections\{front="link"\}/ {l = $2}
		     /^possum_connections\{front="http"\}/ {h = $2} END {print t + 0, l + 0, h + 0}'
}
# freed WANT: waits (8 s at most) for the counts to fall back to WANT (or below); yes or no.
freed() {
	want=$1 i=0
	while [ $i -lt 16 ]; do
		now=$(conns)
		# shellcheck disable=SC2086
		set -- $want $now
		[ "$4" -le "$1" ] && [ "$5" -le "$2" ] && [ "$6" -le "$3" ] && { echo yes; return; }
		sleep 0.5
		i=$((i + 1))
	done
	echo "no ($now)"
}

sleep 1.2
base=$(conns)
# fault NAME HOLD MODE_T HEX_T MODE_L HEX_L MODE_H HEX_H [N]: the bad peers on the three ports
# at once, the healthy clients while they hold, then what the server did with each.
# The bad peers come from $from (127.0.0.2 unless set).
fault() {
	name=$1 hold=$2 from=${from:-127.0.0.2}
	rm -f "$tmp"/ready.*
	BADPEER_READY=$tmp/ready.t $badpeer "$3" "$from" "$tport" "$hold" "$4" "${9:-}" >"$tmp/bt" &
	b1=$!
	BADPEER_READY=$tmp/ready.l $badpeer "$5" "$from" "$lport" "$hold" "$6" "${9:-}" >"$tmp/bl" &
	b2=$!
	BADPEER_READY=$tmp/ready.h $badpeer "$7" "$from" "$api" "$hold" "$8" "${9:-}" >"$tmp/bh" &
	b3=$!
	# The healthy clients once every bad one is in place (5 s at most).
	i=0
	while [ "$(ls "$tmp"/ready.* 2>/dev/null | wc -l)" -lt 3 ] && [ $i -lt 50 ]; do
		sleep 0.1
		i=$((i + 1))
	done
	sleep 0.2
	healthy
	wait $b1 $b2 $b3
	f=$(freed "$base")
	echo "net fault: $name: tried on terminals ($(said "$tmp/bt")), link ($(said "$tmp/bl")), http ($(said "$tmp/bh")) / served healthy: terminal $h_term, link $h_link, http $h_http / freed: $f"
	[ "$h_term" = yes ] && [ "$h_link" = yes ] && [ "$h_http" = yes ] && ok || bad "$name: a healthy client was not served: $(cat "$tmp/link.err")"
	[ "$f" = yes ] && ok || bad "$name: the connections were not freed: $f, before $base"
}
# said FILE: what the server did with the bad peer whose figures FILE holds (badpeer.py).
said() {
	# shellcheck disable=SC2046
	set -- $(cat "$1")
	if [ $# -eq 2 ]; then
		[ "$2" = -1 ] && echo "$1 kept, not all closed" || echo "$1 kept, closed after $2 s"
	elif [ "$1" = -1 ]; then
		echo "still open"
	else
		echo "closed after $1 s"
	fi
}
# check_closed NAME FILE LOW HIGH: the bad peer of FILE was closed within LOW to HIGH seconds.
check_closed() {
	s=$(cut -d' ' -f1 <"$2" | cut -d. -f1)
	[ "$s" -ge "$3" ] && [ "$s" -le "$4" ] && ok || bad "$1: closed after $(cat "$2") s, expected $3 to $4"
}

# Half a message (its length says 64 bytes, 10 come), then a reset; HTTP: a POST's headers
# and 10 of its 100 bytes.
post=$(printf 'POST /api/v1/session HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\nContent-Length: 100\r\n\r\n{"user":"a' | od -An -tx1 | tr -d ' \n')
fault "cut mid-message" 3 cut 00406000000000603100 cut 00400200 cut "$post"
# Silent connections (as a peer gone without FIN): closed at the idle timeouts (3 s, 2 s).
fault "half-open (silent)" 6 silent "" silent "" silent ""
check_closed "silent terminal connection" "$tmp/bt" 2 5
check_closed "silent HTTP connection" "$tmp/bh" 1 4
# A length header then silence (slow-loris): closed at message_timeout (2 s); HTTP: a request
# line and one header, then silence: closed at [http] timeout (2 s).
getreq=$(printf 'GET /healthz HTTP/1.1\r\nHost: x\r\n' | od -An -tx1 | tr -d ' \n')
fault "length header then silence" 6 partial 0040 partial 0040 partial "$getreq"
check_closed "header, then silence (terminals)" "$tmp/bt" 1 3
check_closed "header, then silence (link)" "$tmp/bl" 1 3
# The same, a byte every half second: the whole message's deadline, not the idle timer, ends
# it (message_timeout 2 s; [http] request_timeout 3 s).
fault "trickle (a byte every 0.5 s)" 8 trickle 0040 trickle 0040 trickle "$getreq"
check_closed "trickle (terminals)" "$tmp/bt" 1 4
check_closed "trickle (link)" "$tmp/bl" 1 4
check_closed "trickle (http)" "$tmp/bh" 2 5
# A frame of length 0: closed at once; HTTP, which has no frames: empty lines (allowed before a
# request line), then silence, closed at [http] timeout.
fault "frame of length 0" 3 partial 0000 partial 0000 partial 0d0a0d0a
check_closed "zero frame (terminals)" "$tmp/bt" 0 1
check_closed "zero frame (link)" "$tmp/bl" 0 1
# 30 idle connections a port from one address: the address's limit (8; HTTP 4) kept, the rest
# closed at once; the kept ones closed at the idle timeouts.
fault "flood of idle connections (30 a port)" 8 flood "" flood "" flood "" 30
# kept NAME FILE:LIMIT...: no more than LIMIT of the flood of FILE were kept.
kept() {
	name=$1
	shift
	for f in "$@"; do
		k=$(cut -d' ' -f1 <"$tmp/${f%%:*}")
		[ "$k" -le "${f#*:}" ] && ok || bad "$name: $k kept on ${f%%:*}, the limit is ${f#*:}"
	done
}
kept "flood from one address" bt:8 bl:8 bh:4
# 8 a port from each of 6 addresses: the terminals' and the link's max_connections (40) kept,
# each healthy client making room by closing the oldest connection that never sent a message;
# the API's 4 an address (24, under its 64).
from=127.0.0.3,127.0.0.4,127.0.0.5,127.0.0.6,127.0.0.7,127.0.0.8 \
	fault "flood of idle connections (48 a port from 6 addresses)" 8 flood "" flood "" flood "" 8
kept "flood from 6 addresses" bt:40 bl:40 bh:24

# Answers held past the terminal's timeout: the purchase times out (a reversal is left
# pending), the late answer finds the terminal gone, the next purchase first sends the
# reversal, which the host applies: the first is recorded reversed.
echo 4 >"$tmp/delay"
expect 1 "a purchase whose answer comes late" -- t purchase --card "$tmp/card.json" --pin 123456 --amount 1.00 --timeout 2 --json
late_stan=$(t batch --json | jq -r '.transactions[-1].stan')
rm -f "$tmp/delay"
sleep 3
expect 0 "the next purchase, after the reversal" -- t purchase --card "$tmp/card.json" --pin 123456 --amount 1.00 --json
reversals=$(jq -r .reversals "$tmp/out")
[ "$reversals" = 1 ] && ok || bad "the pending reversal was not sent first: $(cat "$tmp/out")"
"$possum" admin txn list --data "$data" --terminal TERM0001 --limit 500 --json >"$tmp/txns"
status=$(jq -r --arg s "$late_stan" '.items[] | select(.stan == $s) | .status' "$tmp/txns")
[ "$status" = reversed ] && ok || bad "the late purchase (STAN $late_stan) is '$status' in the store, expected reversed"
grep -q "late answer dropped" "$tmp/relay.log" && late=dropped || late="not seen"
[ "$late" = dropped ] && ok || bad "the late answer was not sent: $(cat "$tmp/relay.log")"
f=$(freed "$base")
echo "net fault: answer 4 s late, terminal timeout 2 s: tried 1 / served healthy: reversal applied ($status), next purchase approved / freed: $f (late answer $late)"
expect 0 "ledger check" -- "$possum" admin ledger check --data "$data"
kill -0 $host_pid 2>/dev/null && ok || bad "the host died: $(tail -5 "$tmp/host.log")"

# The limits' bad values are refused with the file's line.
for kv in "[http] request_timeout = 0" "[http] request_timeout = x" "[link] idle_timeout = 0" \
	"[link] max_connections = 0"; do
	printf '%s\n%s\n' "${kv%% *}" "${kv#* }" >"$tmp/bad.conf"
	expect 2 "$kv refused" -- "$possum" host --config "$tmp/bad.conf" --data "$data" --port 0 --api-port 0 --terminal-port 0
	err_has "bad.conf line 2"
done
finish
