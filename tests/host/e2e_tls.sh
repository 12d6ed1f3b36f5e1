# e2e_tls.sh — encryption in transit (docs/tls.md) against a real `possum host`: the terminals'
# port over mutual TLS with a CRL, the link over TLS with a pinned peer. A terminal with its own
# certificate signs in and buys (`possum term --tls`); one whose certificate names another SN
# is answered 58 tls_sn_mismatch; a revoked one, one trusting another CA, one checking another
# name and a clear client are refused, each said in words; on the link a pinned client is
# served and an unpinned one refused (logged with its address); `possum load --tls` approves;
# the bytes the terminal sent, recorded by a relay, hold no PAN; bad TLS keys stop the host
# at start, naming the line. Certificates by tests/lib.sh's tls_test_pki (openssl).
possum=$1
. "$2/tests/lib.sh"

command -v openssl >/dev/null 2>&1 || { echo "skipped: no openssl"; exit 0; }
command -v python3 >/dev/null 2>&1 || { echo "skipped: no python3"; exit 0; }
pki=$tmp/pki
tls_test_pki "$pki" SN0001 SN0002 SN0003 && tls_test_revoke "$pki" SN0003 || { echo "FAIL: tls_test_pki"; exit 1; }
tls_test_pki "$tmp/other" SN0001 >/dev/null || { echo "FAIL: the other CA"; exit 1; }
fp=$(openssl x509 -noout -fingerprint -sha256 -in "$pki/SN0001.crt" | sed 's/.*=//')

# The configuration: relative paths, from the file's directory.
conf=$tmp/possum.conf
sed -e 's/^port *=.*/port = 0/' -e 's/^daily_count_limit *=.*/daily_count_limit = 0/' \
	"$2/etc/possum.conf" >"$conf"
cat >>"$conf" <<EOF
[acquirer]
tls_cert = pki/host.crt
tls_key = pki/host.key
tls_client_ca = pki/ca.crt
tls_crl = pki/crl.pem
[link]
tls_cert = pki/host.crt
tls_key = pki/host.key
tls_peer = sha256:$fp
[risk]
rules = none
EOF

# Bad keys: the host does not start, and says the line.
printf '[acquirer]\ntls_cert = pki/host.crt\n' >"$tmp/half.conf"
expect 2 "tls_cert without tls_key" -- "$possum" host --config "$tmp/half.conf" --data "$tmp/bad"
err_has "half.conf line 2: \[acquirer\] tls_cert: needs both tls_cert and tls_key"
printf '[link]\ntls_cert = pki/host.crt\ntls_key = pki/none.key\n' >"$tmp/missing.conf"
expect 2 "an unreadable key" -- "$possum" host --config "$tmp/missing.conf" --data "$tmp/bad"
err_has "missing.conf line 3: \[link\] tls_key: cannot read"
printf '[link]\ntls_peer = sha256:00ff\n' >"$tmp/pin.conf"
expect 2 "a malformed pin" -- "$possum" host --config "$tmp/pin.conf" --data "$tmp/bad"
err_has "pin.conf line 2: \[link\] tls_peer: not sha256:HEX"

data=$tmp/host
export POSSUM_CONFIG=$conf
"$possum" host --data "$data" --port 0 --api-port 0 >"$tmp/host.out" 2>"$tmp/host.log" &
host_pid=$!
relay_pid=
trap 'kill $host_pid $relay_pid 2>/dev/null; wait $host_pid 2>/dev/null; rm -rf "$tmp"' EXIT
wait_ports "$data" $host_pid
port=$(sed -n 's/^acquirer=//p' "$data/host.ports")
lport=$(sed -n 's/^issuer=//p' "$data/host.ports")
[ -n "$port" ] && [ -n "$lport" ] || { echo "FAIL: no ports"; exit 1; }
grep -q '"link":"acquirer".*"tls":"mutual"' "$tmp/host.log" && ok || bad "the listening line lacks tls mutual"
grep -q '"link":"issuer".*"tls":"pinned"' "$tmp/host.log" && ok || bad "the listening line lacks tls pinned"

# A recording relay in front of the terminals' port: what the terminal sends, kept.
start_relay "$2" "$port" --wire "$tmp/wire"

issue_card "$tmp/card.json" 1000000.00
comps=$(register_terminal "$possum" "$data")

# init DIR HOST:PORT OPTION...: a terminal TERM0001 (SN0001) in DIR.
init() {
	d=$1 hp=$2
	shift 2
	"$possum" term init --state "$d" --host "$hp" --tid TERM0001 --mid 898310048120001 \
		--sn SN0001 --tmk-components "$comps" "$@" >/dev/null 2>&1
}
init "$tmp/t1" "localhost:$relay" --tls --tls-ca "$pki/ca.crt" --tls-cert "$pki/SN0001.crt" --tls-key "$pki/SN0001.key"
expect 0 "signin over mutual TLS" -- "$possum" term signin --state "$tmp/t1"
expect 0 "purchase over mutual TLS" -- "$possum" term purchase --state "$tmp/t1" --card "$tmp/card.json" --pin 123456 --amount 12.34 --json
out_has '"rc":"00"'
echo "mutual TLS: signin and purchase approved through the relay"

# The card on the wire: neither the PAN in ASCII nor packed (BCD), nor the MTI in clear.
pan=$(sed -n 's/.*"pan": *"\([0-9]*\)".*/\1/p' "$tmp/card.json")
[ -s "$tmp/wire" ] && ok || bad "the relay recorded nothing"
hex=$(od -An -v -tx1 "$tmp/wire" | tr -d ' \n' | tr a-f A-F)
if grep -q -- "$pan" "$tmp/wire"; then bad "the PAN in ASCII on the wire"; else ok; fi
if printf '%s' "$hex" | grep -q -- "$pan"; then bad "the PAN packed on the wire"; else ok; fi
if printf '%s' "$hex" | grep -q -- "6000030000603100310000"; then bad "a cup-pos header in clear"; else ok; fi
echo "wire: $(wc -c <"$tmp/wire") bytes recorded, PAN found: none"

# The TLS options kept by init: refused before sending anything.
expect 2 "--tls-cert without --tls-key" -- "$possum" term init --state "$tmp/tx" --host "127.0.0.1:$port" \
	--tid TERM0001 --mid 898310048120001 --sn SN0001 --tmk-components "$comps" --tls --tls-cert "$pki/SN0001.crt"
expect 2 "--tls-ca without --tls" -- "$possum" term init --state "$tmp/tx" --host "127.0.0.1:$port" \
	--tid TERM0001 --mid 898310048120001 --sn SN0001 --tmk-components "$comps" --tls-ca "$pki/ca.crt"

# The certificate of another SN, from the same CA: 58 tls_sn_mismatch and a risk event.
init "$tmp/t2" "127.0.0.1:$port" --tls --tls-ca "$pki/ca.crt" --tls-cert "$pki/SN0002.crt" --tls-key "$pki/SN0002.key"
expect 1 "a certificate naming another SN" -- "$possum" term signin --state "$tmp/t2" --json
out_has '"rc":"58"'
grep -q '"reason":"tls_sn_mismatch"' "$tmp/host.log" && ok || bad "no tls_sn_mismatch in the log"
expect 0 "the risk event" -- "$possum" admin terminal status TERM0001 --data "$data"
out_has "risk events  1"

# Refused handshakes, each said in words.
tls_refused() { # DIR WHAT WORDS OPTION...
	d=$1 what=$2 words=$3
	shift 3
	init "$d" "127.0.0.1:$port" "$@"
	expect 1 "$what" -- "$possum" term signin --state "$d" --timeout 5
	err_has "$words"
	echo "$what: $(grep -o 'no TLS connection.*' "$tmp/err" | head -1)"
}
tls_refused "$tmp/t3" "a revoked certificate" "revoked" \
	--tls --tls-ca "$pki/ca.crt" --tls-cert "$pki/SN0003.crt" --tls-key "$pki/SN0003.key"
tls_refused "$tmp/t4" "no certificate" "requires a client certificate" --tls --tls-ca "$pki/ca.crt"
tls_refused "$tmp/t5" "another CA's host certificate" "certificate not trusted" \
	--tls --tls-ca "$tmp/other/ca.crt" --tls-cert "$pki/SN0001.crt" --tls-key "$pki/SN0001.key"
tls_refused "$tmp/t6" "another name" "name mismatch" --tls --tls-ca "$pki/ca.crt" \
	--tls-cert "$pki/SN0001.crt" --tls-key "$pki/SN0001.key" --tls-name pos.example.com
tls_refused "$tmp/t7" "a certificate of another CA" "not issued by a CA it trusts" \
	--tls --tls-ca "$pki/ca.crt" --tls-cert "$tmp/other/SN0001.crt" --tls-key "$tmp/other/SN0001.key"
grep -q '"event":"tls_refused","link":"acquirer","peer":"127.0.0.1:[0-9]*","error":"TLS: certificate revoked"' \
	"$tmp/host.log" && ok || bad "the revoked certificate not logged"

# A clear terminal on the TLS port: nothing served.
init "$tmp/t8" "127.0.0.1:$port"
expect 1 "a clear terminal" -- "$possum" term signin --state "$tmp/t8" --timeout 3
grep -q '"error":"TLS: not TLS' "$tmp/host.log" && ok || bad "the clear client not logged"

# The link: a pinned client is served an echo (0810); an unpinned one, though from the CA, is
# refused and logged with its address.
printf '{"mti":"0800","fields":{"7":"1206100000","11":"000001","70":"301"}}' |
	"$possum" iso encode --profile iso87a --framed --raw >"$tmp/echo.bin"
link() { # CERT: what came back
	(cat "$tmp/echo.bin"; sleep 1) | timeout 10 openssl s_client -connect "127.0.0.1:$lport" \
		-brief -no_ign_eof -CAfile "$pki/ca.crt" -cert "$pki/$1.crt" -key "$pki/$1.key" 2>/dev/null
}
if link SN0001 | grep -qa 0810; then ok; else bad "the pinned peer not answered"; fi
if link SN0002 | grep -qa 0810; then bad "an unpinned peer answered"; else ok; fi
grep -q '"event":"tls_refused","link":"issuer","peer":"127.0.0.1:[0-9]*","error":"TLS: certificate not pinned' \
	"$tmp/host.log" && ok || bad "the unpinned peer not logged: $(grep tls_refused "$tmp/host.log")"
echo "link: the pinned peer answered 0810, the unpinned refused"

# possum load over mutual TLS: its terminals' SNs are the third word of their lines.
"$possum" admin merchant add --data "$data" --name "Load Mart" --mcc 5411 --mid 898310048120002 >/dev/null
load_terminals 898310048120002 LOAD000 2
tls_test_leaf "$pki" SNLOAD0001 SNLOAD0001 "extendedKeyUsage=clientAuth" &&
	tls_test_leaf "$pki" SNLOAD0002 SNLOAD0002 "extendedKeyUsage=clientAuth" || bad "load certificates"
expect 0 "possum load --tls" -- "$possum" load --host "127.0.0.1:$port" --terminals-file "$tmp/terminals" \
	--card "$tmp/card.json" --pin 123456 --duration 2 --tls --tls-ca "$pki/ca.crt" --tls-certs "$pki" --json
out_has '"terminals_failed":0'
approved=$(sed -n 's/.*"approved":\([0-9]*\).*/\1/p' "$tmp/out")
if [ "${approved:-0}" -gt 0 ]; then ok; else bad "no approvals over TLS: $(cat "$tmp/out")"; fi
echo "possum load --tls: $approved approved in 2 s, 2 terminals"
expect 2 "--tls-certs without --tls" -- "$possum" load --host "127.0.0.1:$port" --terminals-file "$tmp/terminals" \
	--card "$tmp/card.json" --duration 1 --tls-certs "$pki"
expect 1 "possum load without certificates" -- "$possum" load --host "127.0.0.1:$port" --terminals-file "$tmp/terminals" \
	--card "$tmp/card.json" --pin 123456 --duration 1 --tls --tls-ca "$pki/ca.crt"
err_has "requires a client certificate"

# The host stops cleanly (under the sanitizers: no leak of the TLS connections).
kill -TERM $host_pid
wait $host_pid
host_rc=$?
if [ "$host_rc" -eq 0 ]; then ok; else bad "the host exited $host_rc: $(tail -n 5 "$tmp/host.log")"; fi
finish
