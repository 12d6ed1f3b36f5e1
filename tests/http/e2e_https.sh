#!/bin/sh
# e2e_https.sh — the HTTP API over TLS (docs/pki.md "HTTPS for the API"): a host certificate
# from `possum admin pki`, [http] tls_cert and tls_key; a key without its certificate, an
# unreadable file and a key of another certificate refused at start with FILE line N; then
# `curl --cacert ca.crt` reaching /healthz and /readyz by name and by address, TLS 1.2 and 1.3
# taken and 1.1 refused, a clear HTTP request refused, an API call with a token over HTTPS,
# the session cookie Secure after a sign-in although [http] secure_cookies is no, and the
# enrolment link of `possum admin user add` in https.
possum=$1
. "$2/tests/lib.sh"

command -v curl >/dev/null && command -v openssl >/dev/null || {
	echo "skipped: curl or openssl missing (scripts/bootstrap installs them)"
	exit 77
}
data=$tmp/data
export POSSUM_DATA=$data
PW="correct horse battery"
"$possum" admin pki init >/dev/null 2>&1
"$possum" admin pki issue --host localhost --ip 127.0.0.1 --out "$tmp/api" >/dev/null
"$possum" admin pki issue --host other --out "$tmp/other" >/dev/null
ca=$data/pki/ca.crt

# conf NAME CERT KEY: $tmp/NAME.conf, etc/possum.conf on free ports, then [http] with
# tls_cert = CERT and tls_key = KEY, each left out when empty.
src=$2
conf() {
	sed -e 's/^port *=.*/port = 0/' "$src/etc/possum.conf" >"$tmp/$1.conf"
	printf '\n[http]\n%s%s' "${2:+tls_cert = $2
}" "${3:+tls_key = $3
}" >>"$tmp/$1.conf"
}
# refused NAME CERT KEY STDERR: the host refuses to start on that configuration (2), saying so.
refused() {
	conf "$1" "$2" "$3"
	expect 2 "$1" -- "$possum" host --config "$tmp/$1.conf"
	err_has "$4"
}
n=$(($(wc -l <"$src/etc/possum.conf") + 3))
refused halfway "" "$tmp/api.key" "halfway.conf line $n: \[http\] tls_key without tls_cert"
refused unreadable "$tmp/api.crt" "$tmp/missing.key" \
	"unreadable.conf line $((n + 1)): \[http\] tls_key: cannot read .*missing.key"
refused mismatch "$tmp/api.crt" "$tmp/other.key" "line $((n + 1)): .*the key is not the certificate's"
refused junk "$tmp/api.key" "$tmp/api.key" "line $n: \[http\] tls_cert: .*not a PEM certificate"

conf https "$tmp/api.crt" "$tmp/api.key"
export POSSUM_CONFIG=$tmp/https.conf
expect 0 "user add" -- "$possum" admin user add --role operator --name ops
out_has "^enrol    https://127.0.0.1:0/#/enrol/"
echo "$PW" | "$possum" admin user password ops >/dev/null
token=$("$possum" admin token create --role operator --json | sed -n 's/.*"token":"\([0-9A-Fa-f]*\)".*/\1/p')
"$possum" host --port 0 --api-port 0 --terminal-port 0 >"$tmp/host.out" 2>"$tmp/host.log" &
host_pid=$!
trap 'kill $host_pid 2>/dev/null; wait $host_pid 2>/dev/null; rm -rf "$tmp"' EXIT
wait_ports "$data" $host_pid
api=$(sed -n 's/^api=//p' "$data/host.ports")
[ -n "$api" ] || { echo "FAIL: the host did not start: $(cat "$tmp/host.log")"; exit 1; }

if grep -q '"event":"listening","link":"api",.*"scheme":"https"' "$tmp/host.log"; then ok; else bad "no listening line with https: $(cat "$tmp/host.log")"; fi
expect 0 "GET /healthz over HTTPS by name" -- curl -sS -f --cacert "$ca" "https://localhost:$api/healthz"
out_has '"status":"alive"'
expect 0 "GET /readyz over HTTPS by address" -- curl -sS -f --cacert "$ca" "https://127.0.0.1:$api/readyz"
expect 60 "a client without the CA refuses the host" -- curl -sS "https://127.0.0.1:$api/healthz"
expect 0 "TLS 1.2" -- curl -sS -f --cacert "$ca" --tlsv1.2 --tls-max 1.2 "https://127.0.0.1:$api/healthz"
expect 0 "TLS 1.3" -- curl -sS -f --cacert "$ca" --tlsv1.3 "https://127.0.0.1:$api/healthz"
run openssl s_client -connect "127.0.0.1:$api" -tls1_1 -cipher 'DEFAULT@SECLEVEL=0' </dev/null
[ "$got" -ne 0 ] && ok || bad "TLS 1.1 was taken"
run curl -sS "http://127.0.0.1:$api/healthz"
[ "$got" -ne 0 ] && ok || bad "a clear HTTP request was answered: $(cat "$tmp/out")"
expect 0 "an API call with a token over HTTPS" -- curl -sS -f --cacert "$ca" -H "Authorization: Bearer $token" "https://127.0.0.1:$api/api/v1/merchants"
out_has '"items":\['
code=$(curl -s -o /dev/null -w '%{http_code}' --cacert "$ca" "https://127.0.0.1:$api/api/v1/merchants")
[ "$code" = 401 ] && ok || bad "without a token: $code"

# A sign-in: the session cookie is Secure under TLS by itself.
totp=$("$possum" admin user totp ops)
expect 0 "sign-in over HTTPS" -- curl -sS -f -D "$tmp/hdr" --cacert "$ca" -H 'Content-Type: application/json' \
	-d "{\"name\":\"ops\",\"password\":\"$PW\",\"totp\":\"$totp\"}" "https://127.0.0.1:$api/api/v1/session"
if grep -qi '^Set-Cookie: possum_session=.*; Secure' "$tmp/hdr"; then ok; else bad "no Secure cookie: $(cat "$tmp/hdr")"; fi

echo "https: 4 bad configurations refused at start, HTTPS answered (TLS 1.2 and 1.3), TLS 1.1 and clear HTTP refused, token and sign-in over TLS, cookie Secure"
finish
