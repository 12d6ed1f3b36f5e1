#!/bin/sh
# e2e_netlimits.sh POSSUM SOURCE_DIR — the front ends' connection limits: one address flooding
# the terminals' port with idle connections keeps only [link] max_connections_per_address of
# them while a terminal elsewhere still buys; a message trickled a byte at a time is closed at
# [link] message_timeout; the HTTP API still answers while one address holds its [http]
# max_connections_per_address; bad values are refused with the file's line.
possum=$1
. "$2/tests/lib.sh"
flood="python3 $2/tests/host/flood.py"
ulimit -n 4096 2>/dev/null

data=$tmp/host
st=$tmp/term
{
	cat "$2/etc/possum.conf"
	printf '\n[link]\nmax_connections_per_address = 8\nmessage_timeout = 2\n'
	printf '\n[http]\nmax_connections_per_address = 4\ntimeout = 30\n'
} >"$tmp/possum.conf"
export POSSUM_CONFIG=$tmp/possum.conf

issue_card "$tmp/card.json" 1000.00
comps=$(register_terminal "$possum" "$data")

"$possum" host --data "$data" --port 0 --api-port 0 --terminal-port 0 >"$tmp/host.out" 2>"$tmp/host.err" &
pid=$!
trap 'kill $pid 2>/dev/null; wait $pid 2>/dev/null; rm -rf "$tmp"' EXIT
wait_ports "$data" $pid
tport=$(sed -n 's/^acquirer=//p' "$data/host.ports")
api=$(sed -n 's/^api=//p' "$data/host.ports")
[ -n "$tport" ] && [ -n "$api" ] || { echo "FAIL: no ports: $(cat "$tmp/host.err")"; exit 1; }

# 20 connections from 127.0.0.2, each holding a length header: 8 stay, while a terminal on
# 127.0.0.1 signs in and buys.
$flood 127.0.0.2 "$tport" 20 1.5 0010 >"$tmp/flood" &
fpid=$!
sleep 0.5
t() { "$possum" term "$@" --state "$st"; }
expect 0 "init" -- t init --host "127.0.0.1:$tport" --tid TERM0001 --mid 898310048120001 --sn SN0001 --tmk-components "$comps"
expect 0 "signin during the flood" -- t signin
expect 0 "purchase during the flood" -- t purchase --card "$tmp/card.json" --pin 123456 --amount 12.34
wait $fpid
if [ "$(cat "$tmp/flood")" = 8 ]; then ok; else bad "flood: $(cat "$tmp/flood") connections kept, expected 8"; fi
# Once they have gone, the address may connect again.
if [ "$($flood 127.0.0.2 "$tport" 3 0.3 '')" = 3 ]; then ok; else bad "the address stays refused"; fi

# A header, then a byte every half second: closed at the 2-second message deadline (the idle
# timeout, 300 s, is never reached).
cat >"$tmp/trickle.py" <<'PY'
import socket, sys, time
s = socket.create_connection(("127.0.0.1", int(sys.argv[1])))
s.sendall(b"\x00\x40")
start = time.time()
try:
    while time.time() - start < 8:
        time.sleep(0.5)
        s.sendall(b"\x60")
        s.setblocking(False)
        try:
            if s.recv(1) == b"":
                break
        except BlockingIOError:
            pass
        s.setblocking(True)
except OSError:
    pass
print(round(time.time() - start))
PY
secs=$(python3 "$tmp/trickle.py" "$tport")
if [ "$secs" -ge 1 ] && [ "$secs" -le 4 ]; then ok; else bad "trickle closed after $secs s, expected about 2"; fi

# The API: 4 idle connections from 127.0.0.2 are kept, a 5th is not; curl from 127.0.0.1 answers.
$flood 127.0.0.2 "$api" 5 1.5 '' >"$tmp/hflood" &
fpid=$!
sleep 0.5
expect 0 "healthz during the flood" -- curl -sf --max-time 5 "http://127.0.0.1:$api/healthz"
wait $fpid
if [ "$(cat "$tmp/hflood")" = 4 ]; then ok; else bad "API flood: $(cat "$tmp/hflood") connections kept, expected 4"; fi

kill $pid
wait $pid

# Bad values are refused with the file's line.
for kv in "[link] message_timeout = 0" "[link] max_connections_per_address = x" \
	"[http] max_connections = 0" "[http] max_connections_per_address = -1" "[http] timeout = 0"; do
	sec=${kv%% *}
	printf '%s\n%s\n' "$sec" "${kv#* }" >"$tmp/bad.conf"
	expect 2 "$kv refused" -- "$possum" host --config "$tmp/bad.conf" --data "$data" --port 0 --api-port 0 --terminal-port 0
	err_has "bad.conf line 2"
done
finish
