#!/bin/sh
# e2e_host.sh POSSUM SOURCE_DIR — `possum host` and `possum iso send` as an operator runs
# them: a host on a free port (--port 0, found in DATA/host.ports), an 0800 echo answered
# 0810 with 39 00, a financial 0200 for a card the issuer never issued answered 14 (and 94
# when sent again), garbage that closes the connection and a malformed request answered 30
# with the host still serving, 50 clients at once, a second host refused the same port,
# SIGTERM stopping it with exit 0 and a "stopped" line, and every log line a JSON object with
# ts, level and event.
possum=$1
top=$2
. "$(dirname "$0")/../lib.sh"

# Help and usage.
expect 0 "possum host --help" -- "$possum" host --help
out_has "Usage: possum host"
out_has "^  --log-messages "
out_has '{"issuer":PORT,"acquirer":PORT,"api":PORT}'
expect 0 "possum iso send --help" -- "$possum" iso send --help
out_has "Usage: possum iso send"
expect 2 "host: bad port" -- "$possum" host --port 70000 --data "$tmp/x"
err_has "--port takes a whole number from 0 to 65535"
expect 2 "host: extra argument" -- "$possum" host extra
printf '[link]\nport = fifty\n' >"$tmp/bad.conf"
expect 2 "host: bad configuration" -- "$possum" host --config "$tmp/bad.conf"
err_has "bad.conf line 2: \[link\] port: not a number"
expect 2 "host: missing configuration" -- "$possum" host --config "$tmp/none.conf"
err_has "cannot read"
expect 2 "send without --host" -- "$possum" iso send --profile iso87a
err_has "--host HOST:PORT is required"
echo '{"mti":"0800"' >"$tmp/bad.json"
expect 2 "send: bad JSON" -- sh -c "\"$possum\" iso send --host 127.0.0.1:1 --profile iso87a <\"$tmp/bad.json\""
err_has "not a JSON object"

# The host, on a free port, logging to a file.
data=$tmp/data
log=$tmp/host.log
# The shipped demo configuration, with the log sent to a file (a later key wins).
{
	cat "$top/etc/possum.conf"
	printf '[host]\nlog = %s\nlog_level = debug\n' "$log"
} >"$tmp/host.conf"
"$possum" host --config "$tmp/host.conf" --data "$data" --port 0 --api-port 0 --terminal-port 0 >"$tmp/host.out" 2>"$tmp/host.err" &
pid=$!
i=0
while [ ! -s "$data/host.ports" ] && [ $i -lt 200 ] && kill -0 $pid 2>/dev/null; do
	sleep 0.05
	i=$((i + 1))
done
port=$(sed -n 's/^issuer=//p' "$data/host.ports" 2>/dev/null)
if [ -n "$port" ] && [ "$port" -gt 0 ]; then ok; else
	bad "no port in host.ports: $(cat "$tmp/host.err")"
	kill $pid 2>/dev/null
	finish
	exit 1
fi
if [ "$(stat -c %a "$data")" = 700 ]; then ok; else bad "data directory mode $(stat -c %a "$data")"; fi
if grep -q "issuer link on 0.0.0.0 port $port (iso87a)" "$tmp/host.out"; then ok; else bad "host output: $(cat "$tmp/host.out")"; fi
host=127.0.0.1:$port

# send FILE [OPTIONS]: possum iso send of a JSON message to the host.
send() {
	f=$1
	shift
	run sh -c "\"$possum\" iso send --host $host --profile iso87a $* <\"$f\""
}

# Network management: echo, sign-on, an unknown code.
echo '{"mti":"0800","fields":{"7":"1130120000","11":"000001","70":"301"}}' >"$tmp/echo.json"
send "$tmp/echo.json" --json
if [ "$got" -eq 0 ]; then ok; else bad "echo: exit $got: $(cat "$tmp/err")"; fi
if [ "$(cat "$tmp/out")" = '{"mti":"0810","fields":{"7":"1130120000","11":"000001","39":"00","70":"301"}}' ]; then ok; else bad "echo answer: $(cat "$tmp/out")"; fi
echo '{"mti":"0800","fields":{"7":"1130120000","11":"000002","70":"001"}}' >"$tmp/signon.json"
send "$tmp/signon.json"
out_has "MTI  0810"
out_has "39  response code  *00$"
out_has "^      = 交易成功 / approved$"
out_has "^      = 11-30 12:00:00 (month-day, GMT)$"
echo '{"mti":"0800","fields":{"7":"1130120000","11":"000003","70":"999"}}' >"$tmp/nm.json"
send "$tmp/nm.json" --json
out_has '"39":"12"'

# A financial request for a card the issuer never issued: 14; card data is not echoed. Sent
# again, it is a duplicate: 94.
cat >"$tmp/sale.json" <<'JSON'
{"mti":"0200","fields":{"2":"6225880112345678","3":"000000","4":"000000001000",
"7":"1130120000","11":"000004","12":"120000","13":"1130","32":"12345678",
"35":"6225880112345678=30121010000000000","37":"000000000004","41":"TERM0001",
"42":"MERCHANT0000001","49":"156","52":"0123456789ABCDEF"}}
JSON
send "$tmp/sale.json" --json
if [ "$got" -eq 0 ]; then ok; else bad "sale: exit $got: $(cat "$tmp/err")"; fi
if [ "$(cat "$tmp/out")" = '{"mti":"0210","fields":{"3":"000000","4":"000000001000","7":"1130120000","11":"000004","12":"120000","13":"1130","32":"12345678","37":"000000000004","39":"14","41":"TERM0001","42":"MERCHANT0000001","49":"156"}}' ]; then ok; else bad "sale answer: $(cat "$tmp/out")"; fi
send "$tmp/sale.json" --mask
out_has "39  response code  *94$"
out_has "^      = 重复交易 / duplicate transaction$"
out_has "^      = 10.00 CNY$"
send "$tmp/sale.json" --json --mask
if [ "$got" -eq 0 ]; then ok; else bad "send --json --mask: exit $got: $(cat "$tmp/err")"; fi
out_has '^{"mti":"0210","fields":{"3":"000000","4":"000000001000",.*"39":"94"'
send "$tmp/echo.json" --hexdump
out_has "^sent 57 bytes$"
out_has "^00000000  00 "
out_has "^received [0-9]* bytes$"
out_has "^  MTI  0810"

# Garbage: no MTI, the connection is closed; a request that does not unpack: 30.
printf 'garbage!' >"$tmp/garbage"
send "$tmp/garbage" --raw
if [ "$got" -eq 1 ]; then ok; else bad "garbage: exit $got"; fi
err_has "no answer: connection closed"
printf '0200ZZZZ' >"$tmp/malformed"
send "$tmp/malformed" --raw --json
if [ "$(cat "$tmp/out")" = '{"mti":"0210","fields":{"39":"30"}}' ]; then ok; else bad "malformed answer: $(cat "$tmp/out") $(cat "$tmp/err")"; fi
send "$tmp/echo.json" --json
out_has '"39":"00"'

# cup-pos on the terminals' port: the TPDU and header are added (defaults, the JSON's, or
# --tpdu/--header) and the answer is decoded under cup-pos, its TPDU swapped.
acq=127.0.0.1:$(sed -n 's/^acquirer=//p' "$data/host.ports")
echo '{"mti":"0800","fields":{"11":"000001","41":"TERM0001","42":"MERCHANT0000001","60":"00000001003","63":"001"}}' >"$tmp/cupsignin.json"
expect 0 "cup-pos sign-in" -- sh -c "\"$possum\" iso send --host $acq --profile cup-pos <\"$tmp/cupsignin.json\""
out_has "^cup-pos message, TPDU 6000000000, header 603100310000"
out_has "MTI  0810"
out_has "39  response code  *[0-9A-Z][0-9A-Z]$"
expect 0 "cup-pos sign-in, JSON, --tpdu" -- sh -c "\"$possum\" iso send --host $acq --profile cup-pos --tpdu 6000120034 --header 613100310000 --json <\"$top/examples/signin.json\""
out_has '^{"tpdu":"6000340012","header":"613100310000","mti":"0810","fields":{"11":"000001","39":'
# Field 59 at its maximum, 999 bytes (a frame of about 1,100): answered, not closed (issue 18);
# a frame above the host's 4,096 bytes whose MTI reads: answered 30 (docs/cup-pos.md, Framing).
printf '{"mti":"0200","fields":{"3":"000000","4":"000000000100","11":"000001","41":"TERM0001","42":"MERCHANT0000001","49":"156","59":"A2%s","60":"22000001000"}}' \
	"$(printf '%0997d' 0)" >"$tmp/f59big.json"
expect 0 "a 999-byte field 59 answered" -- sh -c "\"$possum\" iso send --host $acq --profile cup-pos --json <\"$tmp/f59big.json\""
out_has '"mti":"0210"'
{ printf '\140\000\000\000\000\140\061\000\061\000\000\002\000'; head -c 5000 /dev/zero | tr '\0' x; } >"$tmp/huge"
expect 0 "a frame too long answered 30" -- sh -c "\"$possum\" iso send --host $acq --profile cup-pos --raw --json <\"$tmp/huge\""
out_has '"mti":"0210","fields":{"39":"30"}'
expect 2 "send: bad --tpdu" -- sh -c "\"$possum\" iso send --host $acq --profile cup-pos --tpdu 60 <\"$tmp/cupsignin.json\""
err_has "--tpdu takes 5 bytes of hex"
# An answer that does not decode under the dialect: its bytes as hex, the reason, exit 1.
run sh -c "\"$possum\" iso send --host $host --profile cup-pos --raw <\"$tmp/malformed\""
if [ "$got" -eq 1 ]; then ok; else bad "undecodable answer: exit $got"; fi
out_has "^0016303231"
err_has "does not decode under cup-pos: frame: TPDU id 30, expected 60"

# 50 clients at once, each answered.
i=0
clients=""
while [ $i -lt 50 ]; do
	"$possum" iso send --host "$host" --profile iso87a --json <"$tmp/echo.json" >"$tmp/c$i.out" 2>&1 &
	clients="$clients $!"
	i=$((i + 1))
done
# shellcheck disable=SC2086
wait $clients
answered=0
i=0
while [ $i -lt 50 ]; do
	grep -q '"39":"00"' "$tmp/c$i.out" && answered=$((answered + 1))
	i=$((i + 1))
done
if [ $answered -eq 50 ]; then ok; else bad "concurrent clients: $answered of 50 answered"; fi

# The port is taken: a second host cannot start.
expect 1 "second host on the same port" -- "$possum" host --data "$tmp/data2" --port "$port" --api-port 0 --terminal-port 0
err_has "cannot listen on 0.0.0.0 port $port (the issuer link)"
err_has "move it with --port N or \[link\] port in the configuration (0 picks a free port)"
tport=$(sed -n 's/^acquirer=//p' "$data/host.ports")
aport=$(sed -n 's/^api=//p' "$data/host.ports")
expect 1 "second host on the same terminals' port" -- "$possum" host --data "$tmp/data2" --port 0 --api-port 0 --terminal-port "$tport"
err_has "port $tport (the terminals' port)"
err_has "move it with --terminal-port N or \[acquirer\] port in the configuration (0 picks a free port)"
# A busy API port is not fatal by default: the host warns (stderr and log, naming the port,
# the option and the key), runs without the API, and neither host.ports nor --json name it.
printf '[host]\nlog = %s\n[http]\nrequired = no\n' "$tmp/host4.log" >"$tmp/noapi.conf"
"$possum" host --config "$tmp/noapi.conf" --data "$tmp/data4" --port 0 --api-port "$aport" --terminal-port 0 --json >"$tmp/host4.out" 2>"$tmp/host4.err" &
pid4=$!
wait_ports "$tmp/data4" $pid4
if kill -0 $pid4 2>/dev/null; then ok; else bad "host stopped on a busy API port: $(cat "$tmp/host4.err")"; fi
if grep -q '^acquirer=' "$tmp/data4/host.ports" && ! grep -q '^api=' "$tmp/data4/host.ports"; then ok; else bad "host.ports with a busy API port: $(cat "$tmp/data4/host.ports")"; fi
if grep -Eq '^\{"issuer":[0-9]+,"acquirer":[0-9]+\}$' "$tmp/host4.out"; then ok; else bad "--json without the API: $(cat "$tmp/host4.out")"; fi
if grep -q "warning: cannot serve the API on 127.0.0.1 port $aport: .*running without the API" "$tmp/host4.err" &&
	grep -q -- "--api-port N or \[http\] port" "$tmp/host4.err" &&
	grep -q "\[http\] required = yes makes this fatal" "$tmp/host4.err"; then ok; else bad "busy API port warning: $(cat "$tmp/host4.err")"; fi
kill -TERM $pid4 2>/dev/null
wait $pid4
if [ $? -eq 0 ]; then ok; else bad "host without API: exit after SIGTERM"; fi
if grep -q '"level":"warn","event":"listen_failed","link":"api",.*"port":'"$aport"',.*"key":"\[http\] port","effect":"running without the API"' "$tmp/host4.log"; then ok; else bad "no listen_failed warning: $(cat "$tmp/host4.log")"; fi
# [http] required = yes: fatal, as the link's and the terminals' ports are.
printf '[http]\nrequired = yes\n' >"$tmp/needapi.conf"
expect 1 "second host on the same API port, required" -- "$possum" host --config "$tmp/needapi.conf" --data "$tmp/data2" --port 0 --api-port "$aport" --terminal-port 0
err_has "cannot serve the API on .* port $aport"
err_has "move it with --api-port N or \[http\] port in the configuration (0 picks a free port)"
printf '[http]\nrequired = maybe\n' >"$tmp/badreq.conf"
expect 2 "[http] required = maybe" -- "$possum" host --config "$tmp/badreq.conf" --data "$tmp/data2"
err_has "\[http\] required: not yes or no"

# With BIN ranges configured, no warning about them.
if grep -q "no BIN ranges" "$tmp/host.err"; then bad "BIN warning with ranges configured"; else ok; fi

# No BIN ranges (no configuration): a warning at start, on stderr and in the log, naming the
# key to set.
data3=$tmp/data3
printf '[host]\nlog = %s\n' "$tmp/host3.log" >"$tmp/nobins.conf"
"$possum" host --config "$tmp/nobins.conf" --data "$data3" --port 0 --api-port 0 --terminal-port 0 --json >"$tmp/host3.out" 2>"$tmp/host3.err" &
pid3=$!
wait_ports "$data3" $pid3
kill -TERM $pid3 2>/dev/null
wait $pid3
if grep -q "warning: no BIN ranges configured: every card will be declined 15" "$tmp/host3.err" &&
	grep -q "set \[issuer\] bin" "$tmp/host3.err"; then ok; else bad "no BIN warning: $(cat "$tmp/host3.err")"; fi
if grep -q '"level":"warn","event":"no_bins","key":"\[issuer\] bin"' "$tmp/host3.log"; then ok; else bad "no no_bins log line: $(cat "$tmp/host3.log")"; fi
# --json prints what --help says it does, the API included when it is served.
if grep -Eq '^\{"issuer":[0-9]+,"acquirer":[0-9]+,"api":[0-9]+\}$' "$tmp/host3.out"; then ok; else bad "host --json: $(cat "$tmp/host3.out")"; fi

# Nothing listens: no answer.
expect 1 "send to a closed port" -- sh -c "\"$possum\" iso send --host 127.0.0.1:1 --profile iso87a --timeout 2 <\"$tmp/echo.json\""
err_has "cannot connect"

# SIGTERM: exit 0, a "stopped" line, the ports file gone.
kill -TERM $pid
wait $pid
status=$?
if [ $status -eq 0 ]; then ok; else bad "host exit $status after SIGTERM: $(cat "$tmp/host.err")"; fi
if grep -q '"event":"stopped"' "$log"; then ok; else bad "no stopped line in the log"; fi
if [ ! -e "$data/host.ports" ]; then ok; else bad "host.ports left behind"; fi
if grep -q '"event":"listening","link":"issuer","port":'"$port" "$log"; then ok; else bad "no listening line"; fi
if grep -q '"event":"unpack_failed"' "$log"; then ok; else bad "no unpack_failed line"; fi

# The log: JSON objects, one a line, ts, level and event first; no card data in it.
if grep -vEq '^\{"ts":"[0-9]{4}-[0-9]{2}-[0-9]{2}T[0-9]{2}:[0-9]{2}:[0-9]{2}\.[0-9]{3}Z","level":"(debug|info|warn|error)","event":"[a-z_]+"(,"[a-z_]+":("[^"]*"|[0-9]+))*\}$' "$log"; then
	bad "a log line is not of the expected shape: $(grep -vE '^\{"ts":' "$log" | head -3)"
else ok; fi
if command -v python3 >/dev/null 2>&1; then
	if python3 -c 'import json,sys; [json.loads(l) for l in open(sys.argv[1])]' "$log"; then ok; else bad "log is not JSON lines"; fi
fi
if grep -q '6225880112345678\|0123456789ABCDEF\|garbage' "$log"; then bad "card data or message bytes in the log"; else ok; fi

finish
