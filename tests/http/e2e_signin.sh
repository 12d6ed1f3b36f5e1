#!/bin/sh
# e2e_signin.sh — people signing in to `possum host` (docs/api.md "Sign-in and sessions"), with
# curl against a host whose clock faketime sets: `possum admin user add` and the enrolment
# link (its QR, a short password refused, used once); sign-in with password and TOTP setting
# an HttpOnly, SameSite=Strict cookie; a wrong and a replayed code refused (401); a change by
# cookie without its CSRF token refused (403) and with it done; a merchant user's session
# seeing its own merchant and not another's (404); a session idle 15 minutes gone (401); 6
# failures locking the user (423) until `possum admin user unlock`; signing out; tokens
# working as before; the public routes answering without credentials; the security headers;
# every sign-in and failure in the audit log. Skipped (77) without faketime.
possum=$1
. "$2/tests/lib.sh"

lib=$(faketime_lib)
if [ -z "$lib" ] || ! command -v curl >/dev/null; then
	echo "skipped: faketime or curl missing (scripts/bootstrap installs them)"
	exit 77
fi

data=$tmp/host
clock=$tmp/clock
at() { echo "$1" >"$clock"; }
at "2026-12-05 10:00:00"
sed -e 's/^port *=.*/port = 0/' "$2/etc/possum.conf" >"$tmp/possum.conf"
export POSSUM_CONFIG=$tmp/possum.conf
A=898310048120001
B=898310048120002
PW="correct horse battery"

"$possum" admin merchant add --data "$data" --name "Possum Cafe" --mcc 5812 --mid $A >/dev/null 2>&1
"$possum" admin merchant add --data "$data" --name "Other Shop" --mcc 5411 --mid $B >/dev/null

# ---- possum admin user ----
expect 2 "user add: merchant role without a merchant" -- "$possum" admin user add --data "$data" --role merchant --name shop
expect 1 "user add: no such merchant" -- "$possum" admin user add --data "$data" --role merchant --merchant 898310048129999 --name shop
expect 2 "user add: a bad name" -- "$possum" admin user add --data "$data" --role operator --name "Li Lei"
expect 0 "user add operator" -- "$possum" admin user add --data "$data" --role operator --name ops
out_has "^otpauth  otpauth://totp/possum:ops?secret=[A-Z2-7]*&issuer=possum"
out_has "^enrol    http://127.0.0.1:[0-9]*/#/enrol/[0-9A-F]\{64\}$"
expect 1 "user add: the name taken" -- "$possum" admin user add --data "$data" --role operator --name ops
expect 0 "user add merchant A --json" -- "$possum" admin user add --data "$data" --role merchant --merchant $A --name shop-a --json
out_has '"mid":"'$A'","otpauth":"otpauth://totp/possum:shop-a?secret='
token_a=$(sed -n 's|.*#/enrol/\([0-9A-F]*\)".*|\1|p' "$tmp/out")
"$possum" admin user add --data "$data" --role merchant --merchant $B --name shop-b >/dev/null
echo "$PW" | "$possum" admin user password --data "$data" ops >/dev/null
echo "$PW" | "$possum" admin user password --data "$data" shop-b >/dev/null
printf 'too short\n' >"$tmp/short"
expect 2 "user password: too short" -- sh -c "\"$possum\" admin user password --data \"$data\" ops <\"$tmp/short\""

faked_host "$lib" "$clock" "$data"
base=http://127.0.0.1:$api

# call METHOD PATH [curl options…]: the body in $tmp/out, the headers in $tmp/hdr, the status
# in $code.
call() {
	m=$1 p=$2
	shift 2
	code=$(curl -s -o "$tmp/out" -D "$tmp/hdr" -w '%{http_code}' -X "$m" "$@" "$base$p")
}
is() { if [ "$code" = "$1" ]; then ok; else bad "$2: $code, expected $1: $(cat "$tmp/out")"; fi; }
hdr_has() { if grep -qi -- "$1" "$tmp/hdr"; then ok; else bad "headers lack '$1': $(cat "$tmp/hdr")"; fi; }
totp() { (faked "$lib" "$clock" "$possum" admin user totp --data "$data" "$1"); }
signin() { # NAME CODE [JAR]
	call POST /api/v1/session ${3:+-c "$3"} -H 'Content-Type: application/json' \
		-d "{\"name\":\"$1\",\"password\":\"$PW\",\"totp\":\"$2\"}"
}
csrf_of() { sed -n 's/.*"csrf":"\([0-9A-F]*\)".*/\1/p' "$tmp/out"; }

# ---- the enrolment link: public ----
call GET "/api/v1/enrol/$token_a"
is 200 "enrolment page"
out_has '"name":"shop-a","otpauth":"otpauth://totp/possum:shop-a?secret='
out_has '"qr":"data:image/png;base64,iVBORw0KGgo'
call POST "/api/v1/enrol/$token_a" -d '{"password":"eleven char"}'
is 400 "enrol: a short password"
out_has '"field":"password"'
call POST "/api/v1/enrol/$token_a" -d "{\"password\":\"$PW\"}"
is 204 "enrol"
call POST "/api/v1/enrol/$token_a" -d "{\"password\":\"$PW\"}"
is 404 "enrol: the link used"
call GET "/api/v1/enrol/$token_a"
is 404 "enrolment page: the link used"

# ---- sign-in ----
call GET /api/v1/session
is 401 "no session"
hdr_has "^X-Content-Type-Options: nosniff"
hdr_has "^Referrer-Policy: no-referrer"
hdr_has "^Cache-Control: no-store"
code_a=$(totp shop-a)
signin shop-a "$code_a" "$tmp/jar-a"
is 200 "shop-a signs in"
hdr_has "^Set-Cookie: possum_session=[0-9A-F]\{64\}; Path=/; HttpOnly; SameSite=Strict"
out_has '^{"user":{"name":"shop-a","role":"merchant","mid":"'$A'"},"csrf":"[0-9A-F]\{64\}","idle_seconds":900}$'
csrf_a=$(csrf_of)
signin shop-a "$code_a"
is 401 "a replayed code"
out_has '"error":"the name, password or code is wrong"'
code_o=$(totp ops)
wrong=$(echo "$code_o" | tr 0123456789 1234567890)
signin ops "$wrong"
is 401 "a wrong code"
call POST /api/v1/session -d "{\"name\":\"ops\",\"password\":\"not the password\",\"totp\":\"$code_o\"}"
is 401 "a wrong password"
signin nobody "$code_o"
is 401 "an unknown user"
signin ops "$code_o" "$tmp/jar-o"
is 200 "ops signs in"
csrf_o=$(csrf_of)

# ---- the session: whoami, CSRF, roles ----
call GET /api/v1/whoami -b "$tmp/jar-o"
is 200 "whoami by cookie"
out_has '"token":null,"role":"operator","mid":null,"actor":"user:ops","user":"ops"'
call GET /api/v1/session -b "$tmp/jar-o"
is 200 "the session read again"
out_has "\"csrf\":\"$csrf_o\""
call POST /api/v1/users -b "$tmp/jar-o" -d '{"name":"ops2","role":"operator"}'
is 403 "a change without the CSRF token"
out_has '"error":"csrf token missing or wrong"'
call POST /api/v1/users -b "$tmp/jar-o" -H "X-CSRF-Token: $csrf_a" -d '{"name":"ops2","role":"operator"}'
is 403 "a change with another session's CSRF token"
call POST /api/v1/users -b "$tmp/jar-o" -H "X-CSRF-Token: $csrf_o" -d '{"name":"ops2","role":"operator"}'
is 201 "a change with its CSRF token"
out_has '"name":"ops2","role":"operator","mid":null,"otpauth":"otpauth://totp/possum:ops2?secret=[A-Z2-7]*&'
out_has '"enrol":"/#/enrol/[0-9A-F]\{64\}"'
call GET /api/v1/users -b "$tmp/jar-o"
is 200 "users listed"
out_has '"name":"shop-a","role":"merchant","mid":"'$A'","state":"active"'
call GET /api/v1/users -b "$tmp/jar-a"
is 403 "a merchant user lists no users"
call GET "/api/v1/merchants/$A/balance" -b "$tmp/jar-a"
is 200 "a merchant user sees its merchant"
call GET "/api/v1/merchants/$B/balance" -b "$tmp/jar-a"
is 404 "a merchant user does not see another's"
call GET "/api/v1/merchants/$B" -b "$tmp/jar-a"
is 404 "nor its record"
call GET /api/v1/merchants -b "$tmp/jar-a"
is 200 "the merchant list"
if grep -q "$B" "$tmp/out"; then bad "shop-a's list shows $B"; else ok; fi
call GET /api/v1/whoami -b "possum_session=00112233445566778899AABBCCDDEEFF00112233445566778899AABBCCDDEEFF"
is 401 "an unknown session"

# ---- tokens as before: no CSRF ----
"$possum" admin token create --data "$data" --role operator --json >"$tmp/tok"
op=$(sed -n 's/.*"token":"\([0-9A-F]*\)".*/\1/p' "$tmp/tok")
call POST /api/v1/users -H "Authorization: Bearer $op" -d '{"name":"ops3","role":"auditor"}'
is 201 "a token's change needs no CSRF token"
call POST /api/v1/users -H "Authorization: Bearer $op" -d '{"name":"shop-c","role":"merchant","mid":"898310048129999"}'
is 404 "a merchant user of no merchant"
call GET "/api/v1/enrol/0123" -H "Authorization: Bearer $op"
is 404 "the enrolment page with a token: an unknown link"

# ---- idle 15 minutes: gone ----
at "2026-12-05 10:14:00"
call GET /api/v1/session -b "$tmp/jar-a"
is 200 "14 minutes idle: still signed in"
at "2026-12-05 10:28:30"
call GET /api/v1/session -b "$tmp/jar-a"
is 200 "used 14.5 minutes after: still signed in"
at "2026-12-05 10:44:00"
call GET /api/v1/whoami -b "$tmp/jar-a"
is 401 "idle 15.5 minutes: gone"
call GET /api/v1/session -b "$tmp/jar-o"
is 401 "ops idle 44 minutes: gone"

# ---- lockout: 6 failures, 30 minutes ----
at "2026-12-05 11:00:00"
code_b=$(totp shop-b)
for i in 1 2 3 4 5; do
	call POST /api/v1/session -d "{\"name\":\"shop-b\",\"password\":\"wrong password $i\",\"totp\":\"$code_b\"}"
	is 401 "failure $i"
done
call POST /api/v1/session -d "{\"name\":\"shop-b\",\"password\":\"wrong password 6\",\"totp\":\"$code_b\"}"
is 423 "the 6th failure locks"
signin shop-b "$code_b"
is 423 "locked: the right password and code refused"
at "2026-12-05 11:29:00"
signin shop-b "$(totp shop-b)"
is 423 "locked 29 minutes later"
at "2026-12-05 11:30:30"
signin shop-b "$(totp shop-b)" "$tmp/jar-b"
is 200 "the lock over after 30 minutes"
for i in 1 2 3 4 5 6; do
	call POST /api/v1/session -d "{\"name\":\"shop-b\",\"password\":\"wrong again $i\",\"totp\":\"000000\"}"
done
is 423 "locked again"
expect 0 "user unlock" -- "$possum" admin user unlock --data "$data" shop-b
at "2026-12-05 11:31:00"
signin shop-b "$(totp shop-b)" "$tmp/jar-b"
is 200 "unlocked by an operator"
csrf_b=$(csrf_of)

# ---- signing out ----
call DELETE /api/v1/session -b "$tmp/jar-b"
is 403 "signing out needs the CSRF token"
call DELETE /api/v1/session -b "$tmp/jar-b" -H "X-CSRF-Token: $csrf_b"
is 204 "signed out"
hdr_has "^Set-Cookie: possum_session=; Path=/; HttpOnly; SameSite=Strict; Max-Age=0"
call GET /api/v1/session -b "$tmp/jar-b"
is 401 "the session ended"

# ---- disable ----
at "2026-12-05 11:32:00"
signin ops "$(totp ops)" "$tmp/jar-o"
is 200 "ops again"
csrf_o=$(csrf_of)
call POST /api/v1/users/shop-b/disable -b "$tmp/jar-o" -H "X-CSRF-Token: $csrf_o"
is 200 "shop-b disabled"
out_has '"state":"disabled"'
at "2026-12-05 11:33:00"
signin shop-b "$(totp shop-b)"
is 401 "a disabled user"
call POST /api/v1/users/nobody/unlock -b "$tmp/jar-o" -H "X-CSRF-Token: $csrf_o"
is 404 "unlock: no such user"

# ---- the console's files: a GET outside /api/ ----
call GET /no-such-file.js
is 404 "no such file"
hdr_has "^Content-Security-Policy: default-src 'self'; img-src 'self' data:"
hdr_has "^X-Frame-Options: DENY"
call GET /api/v1/nothing
is 401 "an unknown endpoint, no credentials"

# ---- the audit log ----
expect 0 "audit: sign-ins" -- "$possum" admin audit --data "$data" --action user.signin --json
n=$(grep -o '"action":"user.signin"' "$tmp/out" | wc -l)
if [ "$n" -eq 5 ]; then ok; else bad "user.signin entries: $n"; fi
out_has '"peer":"127.0.0.1","result":"ok"'
expect 0 "audit: failures" -- "$possum" admin audit --data "$data" --action user.signin_failed --json
out_has '"object":"user:shop-a"'
out_has '"result":"code"'
out_has '"result":"password"'
out_has '"result":"locked"'
expect 0 "audit: locks" -- "$possum" admin audit --data "$data" --action user.locked
out_has "user:shop-b"
expect 0 "audit: the rest" -- "$possum" admin audit --data "$data" --object user:shop-b
out_has "user.unlock"
out_has "user.signout"
out_has "user.disable"
if grep -rq "$PW" "$data" "$tmp/host.log"; then bad "a password in the data directory or log"; else ok; fi
if grep -q "$csrf_o" "$tmp/host.log"; then bad "a CSRF token in the log"; else ok; fi

finish
