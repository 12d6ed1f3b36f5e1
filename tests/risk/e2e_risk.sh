# e2e_risk.sh — the risk rules (docs/risk.md) in a real `possum host`, its clock set by
# faketime, terminals speaking `possum term` over TCP: a night purchase reviewed (a case
# opened) and one at 05:00 not; card velocity reviewed, then declined 65; windows that cross
# midnight; a blocked card declined 62 with nothing posted at the issuer; decline_burst
# suspending a terminal (58), refused until `possum admin terminal resume`; terminal_moved
# (50 km versus 51); require_auth (C1) and revoke_auth (C2) from a custom rules file; a bad
# rules file refused at SIGHUP and at POST /api/v1/risk/reload with its line while the old
# rules keep working. Skipped (77) without faketime (scripts/bootstrap installs it).
possum=$1
. "$2/tests/lib.sh"

lib=$(faketime_lib)
if [ -z "$lib" ] || ! command -v sqlite3 >/dev/null || ! command -v curl >/dev/null; then
	echo "skipped: faketime, sqlite3 or curl missing (scripts/bootstrap installs them)"
	exit 77
fi

data=$tmp/host
st=$tmp/term
clock=$tmp/clock
# The host's clock, frozen at a UTC time (local: +08:00) until set again.
at() { echo "$1" >"$clock"; }
at "2026-12-05 20:00:00"
# The shipped rules, and two of this test's: 777.00 requires the card's authentication,
# 888.00 revokes it.
cp "$2/etc/risk.rules" "$tmp/risk.rules"
cat >>"$tmp/risk.rules" <<'RULES'
rule need_auth if amount == 777.00 then require_auth
rule revoke if amount == 888.00 then revoke_auth
RULES
sed -e 's/^port *=.*/port = 0/' "$2/etc/possum.conf" >"$tmp/possum.conf"
printf '\n[risk]\nrules = %s\n' "$tmp/risk.rules" >>"$tmp/possum.conf"
export POSSUM_CONFIG=$tmp/possum.conf

grep -v '^rules' "$tmp/possum.conf" >"$tmp/bad.conf.none"
# A bad file: the host refuses to start, naming FILE:LINE.
printf 'rule a if amount > then review\n' >"$tmp/bad.rules"
sed -e "s|^rules = .*|rules = $tmp/bad.rules|" "$tmp/possum.conf" >"$tmp/bad.conf"
expect 2 "a host with a bad rules file" -- "$possum" host --config "$tmp/bad.conf" --data "$tmp/bad" --port 0 --api-port 0 --terminal-port 0
err_has "bad.rules:1: a value expected before 'then'"

# possum admin risk check and rules, without a host.
expect 0 "risk check" -- "$possum" admin risk check "$tmp/risk.rules"
out_has "risk.rules: 17 rules, valid"
expect 1 "risk check, a bad file" -- "$possum" admin risk check "$tmp/bad.rules"
err_has "bad.rules:1: a value expected before 'then'"
expect 1 "risk check --json, a bad file" -- "$possum" admin risk check "$tmp/bad.rules" --json
out_has '"valid":false,"error":"[^"]*bad.rules:1: a value expected before .then.","line":1'
expect 2 "risk check without a FILE" -- "$possum" admin risk check
expect 0 "risk rules --json" -- "$possum" admin risk rules --json
out_has '{"name":"need_auth","action":"require_auth","rc":"","condition":"amount == 777.00"}'
out_has '"name":"card_velocity.decline","action":"decline","rc":"65"'
expect 0 "risk rules: the built-in file" -- "$possum" admin risk rules --config "$tmp/bad.conf.none"
out_has "^# etc/risk.rules (built in): 15 rules"
out_has "^blocked  *decline 62  *card_blocked$"

faked_host "$lib" "$clock" "$data"

issue() {
	"$possum" admin card issue --data "$data" --product debit --holder "Zhang San" \
		--id-number 110101199003070000 --phone 13800000000 --pin 123456 --balance 100000.00 \
		--out "$tmp/$1.json" >/dev/null
}
for c in night velo mid blocked auth; do issue $c; done
"$possum" admin card issue --data "$data" --product debit --holder "Li Si" --id-number 110101199003070011 \
	--phone 13800000001 --pin 123456 --balance 0.50 --out "$tmp/poor.json" >/dev/null
mid=898310048120001
"$possum" admin merchant add --data "$data" --name "Possum Mart" --mcc 5411 --mid $mid >/dev/null
terminal() { # TID SN: registered in Beijing, initialised and signed in, state in $st.TID
	"$possum" admin terminal add --data "$data" --merchant $mid --sn "$2" --tid "$1" \
		--address "Tiananmen, Beijing" --lat 39915000 --lon 116404000 --json >"$tmp/tadd.json"
	comps=$(grep -o '"component":"[0-9A-F]*","kcv":"[0-9A-F]*"' "$tmp/tadd.json" |
		sed 's/"component":"\([0-9A-F]*\)","kcv":"\([0-9A-F]*\)"/\1:\2/' | paste -sd, -)
	"$possum" term init --state "$st.$1" --host "127.0.0.1:$port" --tid "$1" --mid $mid --sn "$2" \
		--tmk-components "$comps" $3 >/dev/null
	"$possum" term signin --state "$st.$1" >/dev/null
}
terminal TERM0001 SN0001
terminal TERM0002 SN0002
pay() { # TID CARD AMOUNT: a purchase
	run "$possum" term purchase --state "$st.$1" --card "$tmp/$2.json" --pin 123456 --amount "$3"
}
q() { db_sql "$data" "$1"; }
rc_is() { # WANT WHAT: the last purchase answered WANT
	if grep -q "$1" "$tmp/out" "$tmp/err" || { [ "$1" = 00 ] && [ "$got" -eq 0 ]; }; then ok; else
		bad "$2: wanted $1: $(cat "$tmp/out" "$tmp/err")"; fi
}
cases() { q "SELECT COUNT(*) FROM risk_cases WHERE status = 'open'"; }
same() { if [ "$1" = "$2" ]; then ok; else bad "$3: '$1', expected '$2'"; fi; }
# wait_log N PATTERN: until the host's log has N lines matching PATTERN (10 s at most).
wait_log() {
	i=0
	while [ "$(grep -c "$2" "$tmp/host.log")" -lt "$1" ] && [ $i -lt 200 ]; do
		sleep 0.05
		i=$((i + 1))
	done
}

# night_large: 04:59 local reviewed (approved, a case), 05:00 not.
at "2026-12-05 20:59:00"
pay TERM0001 night 1000.00
same "$got" 0 "night purchase at 04:59 approved"
same "$(cases)" 1 "a case for the night purchase"
same "$(q "SELECT rule || ' ' || action FROM risk_hits ORDER BY id DESC LIMIT 1")" "night_large review" "its hit"
case $(q "SELECT numbers FROM risk_cases ORDER BY id DESC LIMIT 1") in
*"hour=4"*"amount=100000"*) ok ;; *) bad "the case's numbers: $(q "SELECT numbers FROM risk_cases")" ;; esac
at "2026-12-05 21:00:00"
pay TERM0001 night 1000.00
same "$got" 0 "purchase at 05:00 approved"
same "$(cases)" 1 "no case at 05:00"

# card_velocity: the 3rd payment in 10 minutes passes, the 4th and 5th are reviewed, the 6th
# is declined 65, and nothing of it reaches the issuer.
at "2026-12-05 22:00:00"
for n in 1 2 3; do pay TERM0001 velo 1.00; done
same "$(cases)" 1 "three payments: no case"
pay TERM0001 velo 1.00
same "$got" 0 "the 4th approved"
same "$(cases)" 2 "the 4th reviewed"
pay TERM0001 velo 1.00
same "$(cases)" 3 "the 5th reviewed"
decisions=$(q "SELECT COUNT(*) FROM decisions")
pay TERM0001 velo 1.00
same "$got" 1 "the 6th declined"
rc_is 65 "card_velocity.decline"
same "$(q "SELECT COUNT(*) FROM decisions")" "$decisions" "a risk decline never reaches the issuer"
same "$(q "SELECT reason FROM acq_txns ORDER BY id DESC LIMIT 1")" "risk_card_velocity.decline" "its reason"
# Eleven minutes on (windows count whole minutes: ten and this one), the window is clear again.
at "2026-12-05 22:11:00"
pay TERM0001 velo 1.00
same "$got" 0 "velocity: a new window"

# Windows cross midnight: three payments before 00:00 local, the 4th after it reviewed.
at "2026-12-06 15:57:00"
for n in 1 2 3; do pay TERM0001 mid 2.00; done
at "2026-12-06 16:02:00"
before=$(cases)
pay TERM0001 mid 2.00
same "$(cases)" $((before + 1)) "the 4th payment across midnight reviewed"

# A blocked card: 62, nothing posted at the issuer (its balance unchanged).
pay TERM0001 blocked 3.00
hash=$(q "SELECT pan_hash FROM acq_txns ORDER BY id DESC LIMIT 1")
q "INSERT INTO risk_lists (kind, key, list, masked, reason, at) VALUES ('card', '$hash', 'blocked', '', 'test', 0)"
run "$possum" term balance --state "$st.TERM0001" --card "$tmp/blocked.json" --pin 123456
bal0=$(grep "^balance CNY" "$tmp/out")
pay TERM0001 blocked 3.00
same "$got" 1 "a blocked card declined"
rc_is 62 "blocked"
run "$possum" term balance --state "$st.TERM0001" --card "$tmp/blocked.json" --pin 123456
same "$(grep "^balance CNY" "$tmp/out")" "$bal0" "nothing posted for the blocked card"

# require_auth (C1) and revoke_auth (C2) from the custom rules.
pay TERM0001 auth 777.00
same "$got" 1 "require_auth declines"
rc_is C1 "require_auth"
pay TERM0001 auth 888.00
rc_is C2 "revoke_auth"
same "$(q "SELECT actor || ' ' || action FROM audit_log ORDER BY id DESC LIMIT 1")" "host card.revoke_auth" "revoke_auth audited"

# terminal_moved: a terminal reporting 50 km from where it was registered passes, 51 km is
# suspended (58): 0.4496° of latitude north is 49,993 m, 0.459° 51,038 m.
at "2026-12-07 02:00:00"
terminal TERM0003 SN0003 "--location 40364600,116404000"
pay TERM0003 mid 1.00
same "$got" 0 "50 km away: approved"
terminal TERM0004 SN0004 "--location 40374000,116404000"
pay TERM0004 mid 1.00
rc_is 58 "51 km away: terminal_moved"
same "$(q "SELECT status FROM terminals WHERE tid = 'TERM0004'")" 2 "the moved terminal suspended"

# decline_burst: nine declined payments (51) in ten minutes; the 10th is 58 and the terminal is
# suspended, refused (97) until resumed.
at "2026-12-07 03:00:00"
for n in 1 2 3 4 5 6 7 8 9; do pay TERM0002 poor 1.00; done
rc_is 51 "the 9th declined by the issuer"
pay TERM0002 poor 1.00
rc_is 58 "the 10th: decline_burst"
same "$(q "SELECT status FROM terminals WHERE tid = 'TERM0002'")" 2 "the terminal suspended"
same "$(q "SELECT actor || ' ' || action FROM audit_log ORDER BY id DESC LIMIT 1")" "host terminal.suspend" "audited as the host"
pay TERM0002 night 1.00
rc_is 97 "a suspended terminal refused"
at "2026-12-07 03:11:00"
expect 0 "resume" -- "$possum" admin terminal resume --data "$data" TERM0002
"$possum" term signin --state "$st.TERM0002" >/dev/null
pay TERM0002 night 1.00
same "$got" 0 "resumed: approved"

# Reload: a bad file refused at SIGHUP and by the API with its line; the old rules stay.
cp "$tmp/risk.rules" "$tmp/good.rules"
printf 'rule x if amount >\n\n  then review\n' >>"$tmp/risk.rules"
kill -HUP $host_pid
wait_log 1 '"event":"risk_reload_failed"'
if grep -q '"event":"risk_reload_failed".*risk.rules:[0-9]*: a value expected' "$tmp/host.log"; then ok; else
	bad "no risk_reload_failed line: $(tail -3 "$tmp/host.log")"; fi
pay TERM0001 auth 777.00
rc_is C1 "the old rules stay after a bad SIGHUP"
"$possum" admin token create --data "$data" --role operator --json >"$tmp/tok.json"
tok=$(sed -n 's/.*"token":"\([0-9A-F]*\)".*/\1/p' "$tmp/tok.json")
post() { curl -s -o "$tmp/out" -w '%{http_code}' -X POST -H "Authorization: Bearer $1" "http://127.0.0.1:$api/api/v1/risk/reload"; }
same "$(post "$tok")" 422 "API reload of a bad file"
out_has '"line":[0-9]'
same "$(sed -n 's/.*"line":\([0-9]*\).*/\1/p' "$tmp/out")" "$(($(wc -l <"$tmp/good.rules") + 3))" "the line of the fault"
pay TERM0001 auth 777.00
rc_is C1 "the old rules stay after a bad API reload"
grep -v need_auth "$tmp/good.rules" >"$tmp/risk.rules"
same "$(post "$tok")" 200 "API reload"
out_has '"rules":16'
wait_log 1 '"event":"risk_rules".*"rules":16'
pay TERM0001 auth 777.00
same "$got" 0 "the new rules: 777.00 approved"
same "$(post "")" 401 "reload without a token"
kill -HUP $host_pid
wait_log 2 '"event":"risk_rules".*"rules":16'
if [ "$(grep -c '"event":"risk_rules".*"rules":16' "$tmp/host.log")" -eq 2 ]; then ok; else bad "no risk_rules line after SIGHUP"; fi

# Every rule that fired is kept with its transaction.
same "$(q "SELECT COUNT(*) FROM risk_hits WHERE txn_id NOT IN (SELECT id FROM acq_txns)")" 0 "hits name their rows"
finish
