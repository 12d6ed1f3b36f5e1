#!/bin/sh
# e2e_pki.sh — `possum admin pki` (docs/pki.md): init once (again refused, 1), bad usage (2:
# --days, --name, --ip, --host and --terminal together, --reason), issue before init (1), a
# terminal's SN that is not registered (1), a host and a terminal certificate that
# `openssl verify` accepts, their keys mode 0600, files that exist refused (1); list and its
# JSON list shape; revoke: an unknown serial (1), then the CRL that `openssl verify
# -crl_check` refuses the revoked certificate with and accepts the other with; revoked
# twice (1); every change in the audit log.
possum=$1
. "$2/tests/lib.sh"

command -v openssl >/dev/null && command -v jq >/dev/null || {
	echo "skipped: openssl or jq missing (scripts/bootstrap installs them)"
	exit 77
}
data=$tmp/data
export POSSUM_DATA=$data
unset POSSUM_CONFIG
refused=0
# refuse STATUS DESCRIPTION -- COMMAND...: expect, counting the refusals the test tries.
refuse() {
	refused=$((refused + 1))
	expect "$@"
}

expect 0 "pki --help" -- "$possum" admin pki --help
out_has "issue"
refuse 2 "init: bad --days" -- "$possum" admin pki init --days 0
refuse 2 "init: bad --days" -- "$possum" admin pki init --days 36501
refuse 2 "init: empty --name" -- "$possum" admin pki init --name ""
refuse 1 "list: no data directory" -- "$possum" admin pki list
refuse 1 "issue before init" -- "$possum" admin pki issue --host localhost --out "$tmp/h0"
err_has "no CA: make one with"
expect 0 "init" -- "$possum" admin pki init --name "Test CA" --json
[ "$(jq -r .kind "$tmp/out")" = ca ] && ok || bad "init --json: kind $(cat "$tmp/out")"
[ -s "$data/pki/ca.crt" ] && [ -s "$data/pki/crl.pem" ] && ok || bad "init: no ca.crt or crl.pem"
refuse 1 "init again" -- "$possum" admin pki init
err_has "a CA exists already"
openssl x509 -in "$data/pki/ca.crt" -noout -text >"$tmp/ca.txt"
grep -q "CA:TRUE" "$tmp/ca.txt" && grep -q "Certificate Sign, CRL Sign" "$tmp/ca.txt" &&
	grep -q "Subject: CN = Test CA" "$tmp/ca.txt" && ok || bad "the CA's extensions: $(cat "$tmp/ca.txt")"

# ---- issue ----
register_terminal "$possum" "$data" >/dev/null
refuse 2 "issue: neither" -- "$possum" admin pki issue --out "$tmp/x"
refuse 2 "issue: both" -- "$possum" admin pki issue --host h --terminal SN0001 --out "$tmp/x"
refuse 2 "issue: bad --ip" -- "$possum" admin pki issue --host localhost --ip 10.0.0.300 --out "$tmp/x"
refuse 2 "issue: --ip with --terminal" -- "$possum" admin pki issue --terminal SN0001 --ip 10.0.0.1 --out "$tmp/x"
refuse 2 "issue: bad host name" -- "$possum" admin pki issue --host "bad name" --out "$tmp/x"
refuse 2 "issue: bad --days" -- "$possum" admin pki issue --host localhost --days x --out "$tmp/x"
refuse 2 "issue: no --out" -- "$possum" admin pki issue --host localhost
refuse 1 "issue: unknown SN" -- "$possum" admin pki issue --terminal SN9999 --out "$tmp/x"
err_has "no terminal of SN SN9999"
[ ! -e "$tmp/x.crt" ] && [ ! -e "$tmp/x.key" ] && ok || bad "files written for a refused issue"
expect 0 "issue --host" -- "$possum" admin pki issue --host localhost --ip 127.0.0.1 --ip ::1 --out "$tmp/h" --json
host_serial=$(jq -r .serial "$tmp/out")
[ "$(jq -r .kind,.subject,.state "$tmp/out" | paste -sd' ')" = "host localhost valid" ] && ok ||
	bad "issue --json: $(cat "$tmp/out")"
expect 0 "issue --terminal" -- "$possum" admin pki issue --terminal SN0001 --out "$tmp/t"
out_has "^subject      SN0001"
term_serial=$(sed -n 's/^serial *//p' "$tmp/out")
refuse 1 "issue: files there already" -- "$possum" admin pki issue --terminal SN0001 --out "$tmp/t"
[ "$(stat -c %a "$tmp/h.key")" = 600 ] && [ "$(stat -c %a "$tmp/t.key")" = 600 ] && ok ||
	bad "keys not mode 0600"
expect 0 "openssl verify host" -- openssl verify -CAfile "$data/pki/ca.crt" "$tmp/h.crt"
expect 0 "openssl verify terminal" -- openssl verify -CAfile "$data/pki/ca.crt" -purpose sslclient "$tmp/t.crt"
expect 2 "openssl verify terminal as a server" -- openssl verify -CAfile "$data/pki/ca.crt" -purpose sslserver "$tmp/t.crt"
openssl x509 -in "$tmp/h.crt" -noout -ext subjectAltName,extendedKeyUsage >"$tmp/h.txt"
grep -q "DNS:localhost, IP Address:127.0.0.1, IP Address:0:0:0:0:0:0:0:1" "$tmp/h.txt" &&
	grep -q "TLS Web Server Authentication" "$tmp/h.txt" && ok || bad "host extensions: $(cat "$tmp/h.txt")"
# The leaf's key is handed over, never kept: its body is nowhere in the store.
body=$(sed -n 2p "$tmp/h.key")
if grep -q -F -- "$body" "$data"/possum.db*; then bad "the leaf's key is in the store"; else ok; fi

# ---- list ----
expect 0 "list" -- "$possum" admin pki list
out_has "^SERIAL *KIND *VALID UNTIL *STATE *SUBJECT"
out_has "^$host_serial host .* valid *localhost"
expect 0 "list --json" -- "$possum" admin pki list --json
[ "$(jq -r '.items | length' "$tmp/out") $(jq -r .next "$tmp/out")" = "2 null" ] && ok ||
	bad "list --json: $(cat "$tmp/out")"

# ---- revoke ----
refuse 2 "revoke: no serial" -- "$possum" admin pki revoke
refuse 2 "revoke: bad --reason" -- "$possum" admin pki revoke "$host_serial" --reason because
refuse 1 "revoke: unknown serial" -- "$possum" admin pki revoke 00112233445566778899AABBCCDDEEFF
err_has "no certificate of serial"
expect 0 "openssl verify -crl_check before" -- openssl verify -crl_check -CRLfile "$data/pki/crl.pem" -CAfile "$data/pki/ca.crt" "$tmp/h.crt"
expect 0 "revoke" -- "$possum" admin pki revoke "$host_serial" --reason keyCompromise --json
[ "$(jq -r .state,.reason "$tmp/out" | paste -sd' ')" = "revoked keyCompromise" ] && ok ||
	bad "revoke --json: $(cat "$tmp/out")"
refuse 1 "revoke twice" -- "$possum" admin pki revoke "$host_serial"
expect 2 "openssl verify -crl_check refuses the revoked" -- openssl verify -crl_check -CRLfile "$data/pki/crl.pem" -CAfile "$data/pki/ca.crt" "$tmp/h.crt"
grep -q "certificate revoked" "$tmp/out" "$tmp/err" && ok || bad "not refused as revoked: $(cat "$tmp/out" "$tmp/err")"
expect 0 "openssl verify -crl_check accepts the other" -- openssl verify -crl_check -CRLfile "$data/pki/crl.pem" -CAfile "$data/pki/ca.crt" "$tmp/t.crt"
openssl crl -in "$data/pki/crl.pem" -noout -text >"$tmp/crl.txt"
grep -q "Next Update" "$tmp/crl.txt" && grep -q "Key Compromise" "$tmp/crl.txt" && ok || bad "the CRL: $(cat "$tmp/crl.txt")"
expect 0 "list after revoke" -- "$possum" admin pki list
out_has "^$host_serial host .* revoked localhost"
out_has "^$term_serial terminal .* valid *SN0001"

# ---- the audit log ----
expect 0 "audit" -- "$possum" admin audit --json
for a in pki.init pki.issue pki.revoke; do out_has "\"action\":\"$a\""; done
out_has "\"object\":\"cert:$host_serial\""

echo "pki: 3 certificates made, $refused bad uses tried and refused (exit 1 or 2); openssl verify: 2 accepted, 1 revoked refused with the CRL"
finish
