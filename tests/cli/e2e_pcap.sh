#!/bin/sh
# e2e_pcap.sh POSSUM SOURCE_DIR — `possum iso decode --pcap`: the example capture
# (examples/iso87a-session.pcap, tcpdump on lo: an 0800 echo and an 0200 on a host's link,
# each answered) decoded as a table, as JSON lines and masked; frames that do not decode shown
# as hex with the reason (exit 1); --port; usage errors and a file that is not a capture
# (exit 2). As root with tcpdump: a session captured live on lo and decoded. Also the other
# iso commands' options as their help gives them: `iso profiles --json` in the list shape,
# `iso encode` without the --hexdump it never had.
possum=$1
top=$2
. "$(dirname "$0")/../lib.sh"

cap=$top/examples/iso87a-session.pcap
expect 0 "decode the example capture" -- "$possum" iso decode --pcap "$cap" --profile iso87a
out_has "^frame 1  2026-12-06T02:20:27.697017Z  127.0.0.1:38608 -> 127.0.0.1:44623  to server (stream 1)$"
out_has "^frame 4  .*127.0.0.1:44623 -> 127.0.0.1:38616  to client (stream 2)$"
out_has "^  MTI  0810"
out_has "39  response code  *14$"
if [ "$(grep -c '^frame ' "$tmp/out")" -eq 4 ]; then ok; else bad "frames: $(grep '^frame ' "$tmp/out")"; fi

expect 0 "as JSON" -- "$possum" iso decode --pcap "$cap" --profile iso87a --json
if [ "$(sed -n 1p "$tmp/out")" = '{"time":"2026-12-06T02:20:27.697017Z","src":"127.0.0.1:38608","dst":"127.0.0.1:44623","direction":"to_server","stream":1,"frame":1,"mti":"0800","fields":{"7":"1130120000","11":"000001","70":"301"}}' ]; then ok; else bad "first JSON line: $(sed -n 1p "$tmp/out")"; fi
out_has '"direction":"to_client","stream":2,"frame":4,"mti":"0210",.*"39":"14"'
if [ "$(wc -l <"$tmp/out")" -eq 4 ]; then ok; else bad "JSON lines: $(wc -l <"$tmp/out")"; fi

expect 0 "masked" -- "$possum" iso decode --pcap "$cap" --profile iso87a --json --mask
out_has '"2":"622588\*\*\*\*\*\*5678"'
if grep -q "6225880112345678\|0123456789ABCDEF\|30121010000000000" "$tmp/out"; then bad "--mask leaked card data"; else ok; fi

# --port: only the connections on it; none on another.
expect 0 "--port of the link" -- "$possum" iso decode --pcap "$cap" --profile iso87a --port 44623 --json
if [ "$(wc -l <"$tmp/out")" -eq 4 ]; then ok; else bad "--port 44623: $(wc -l <"$tmp/out") lines"; fi
expect 0 "--port of nothing" -- "$possum" iso decode --pcap "$cap" --profile iso87a --port 1
out_empty "--port 1"

# Under the wrong dialect nothing decodes: each frame as hex with the reason, exit 1; masked,
# no hex.
expect 1 "the wrong dialect" -- "$possum" iso decode --pcap "$cap" --profile iso87b
out_has "^  does not decode: field 19: pad nibble 3 is not 0 at offset 27$"
out_has "^  57 bytes: 0037303830303832"
err_has "4 frames did not decode under iso87b"
expect 1 "the wrong dialect, JSON, masked" -- "$possum" iso decode --pcap "$cap" --profile iso87b --json --mask
out_has '"frame":1,"error":"field 19: pad nibble 3 is not 0 at offset 27"}$'
if grep -q '"hex"' "$tmp/out"; then bad "hex under --mask"; else ok; fi
expect 1 "the wrong dialect, JSON" -- "$possum" iso decode --pcap "$cap" --profile iso87b --json
out_has '"error":"field 19: .*","hex":"0037303830303832'

# Usage, and files that are not captures.
expect 2 "not a capture" -- "$possum" iso decode --pcap "$top/README.md" --profile iso87a
err_has "README.md: not read as a capture (libpcap or pcapng)"
expect 2 "no such file" -- "$possum" iso decode --pcap "$tmp/none.pcap" --profile iso87a
expect 2 "--pcap without --profile" -- "$possum" iso decode --pcap "$cap"
err_has "--profile is required"
expect 2 "--port without --pcap" -- "$possum" iso decode --profile iso87a --port 5001
err_has "--port is for --pcap FILE"
expect 2 "--pcap and a message" -- "$possum" iso decode --pcap "$cap" --profile iso87a 0800
expect 2 "a bad --port" -- "$possum" iso decode --pcap "$cap" --profile iso87a --port 70000
err_has "--port"

# iso profiles --json; --help names it; an operand refused. encode takes no --hexdump.
expect 0 "profiles --json" -- "$possum" iso profiles --json
out_has '^{"items":\[{"name":"cup-pos","description":"China UnionPay-style POS dialect: TPDU, header, BCD (docs/cup-pos.md)"},{"name":"iso87a",.*{"name":"iso87b",.*}\],"next":null}$'
expect 0 "profiles" -- "$possum" iso profiles
out_has "^  iso87a-bb  ISO 8583:1987, ASCII, binary bitmap, 2-byte length$"
expect 0 "profiles --help" -- "$possum" iso profiles --help
out_has "^Usage: possum iso profiles \[--json\]$"
expect 2 "profiles with an operand" -- "$possum" iso profiles cup-pos
expect 0 "decode --help" -- "$possum" iso decode --help
out_has "or: possum iso decode --pcap FILE --profile P \[--binary raw|hex\] \[--port N\] \[--json\] \[--mask\]"
expect 2 "encode --hexdump" -- "$possum" iso encode --profile iso87a --hexdump
err_has "unknown option '--hexdump'"

# A live capture on lo, as root with tcpdump: a host's echo, captured and decoded.
if [ "$(id -u)" -ne 0 ] || ! command -v tcpdump >/dev/null 2>&1; then
	echo "skipped: the live capture (needs root and tcpdump)"
	finish
	exit $?
fi
"$possum" host --data "$tmp/data" --port 0 --api-port 0 --terminal-port 0 >/dev/null 2>"$tmp/host.err" &
pid=$!
wait_ports "$tmp/data" $pid
port=$(sed -n 's/^issuer=//p' "$tmp/data/host.ports")
tcpdump -i lo --immediate-mode -U -w "$tmp/live.pcap" "tcp port $port" >/dev/null 2>"$tmp/tcpdump.err" &
tpid=$!
i=0
while ! grep -q listening "$tmp/tcpdump.err" 2>/dev/null && [ $i -lt 100 ]; do sleep 0.05; i=$((i + 1)); done
echo '{"mti":"0800","fields":{"7":"1130120000","11":"000001","70":"301"}}' >"$tmp/echo.json"
expect 0 "live echo" -- sh -c "\"$possum\" iso send --host 127.0.0.1:$port --profile iso87a <\"$tmp/echo.json\""
sleep 0.5
kill $tpid
wait $tpid
kill -TERM $pid
wait $pid
expect 0 "decode the live capture" -- "$possum" iso decode --pcap "$tmp/live.pcap" --profile iso87a --port "$port" --json
out_has '"direction":"to_server","stream":1,"frame":1,"mti":"0800"'
out_has '"direction":"to_client","stream":1,"frame":2,"mti":"0810",.*"39":"00"'
finish
