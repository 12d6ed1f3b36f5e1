# e2e_risk_cases.sh — the analyst's tools (docs/risk.md "Lists", "Cases"; docs/api.md "Risk")
# against a real `possum host` (its clock set by faketime) and `possum term`: a card blocked
# and unblocked with `possum admin risk list`, each change applying to the next purchase (62,
# nothing posted; then 00); a night purchase opening a case shown with its numbers; the case
# closed fraud --block, the card's next purchase 62 and its authentication revoked; each
# request's risk evaluation in `admin txn show` and GET /api/v1/transactions/{rrn} (not for a
# merchant's token); the API's lists and cases for operators and auditors; bad input; a day
# replayed giving the same cases as it gave live, and a rule tried on it. Skipped
# (77) without faketime, sqlite3 or curl (scripts/bootstrap installs them).
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
at() { echo "$1" >"$clock"; } # the host's clock, UTC (local +08:00)
at "2026-12-05 02:00:00"
sed -e 's/^port *=.*/port = 0/' "$2/etc/possum.conf" >"$tmp/possum.conf"
export POSSUM_CONFIG=$tmp/possum.conf POSSUM_DATA=$data

faked_host "$lib" "$clock" "$data"

issue() {
	"$possum" admin card issue --product debit --holder "Zhang San" --id-number 110101199003070000 \
		--phone 13800000000 --pin 123456 --balance 100000.00 --out "$tmp/$1.json" >/dev/null
}
for c in plain night velo late; do issue $c; done
pan_of() { sed -n 's/.*"pan": *"\([0-9]*\)".*/\1/p' "$tmp/$1.json"; }
plain=$(pan_of plain)
night=$(pan_of night)
mid=898310048120001
"$possum" admin merchant add --name "Possum Mart" --mcc 5411 --mid $mid >/dev/null
"$possum" admin terminal add --merchant $mid --sn SN0001 --tid TERM0001 --json >"$tmp/tadd.json"
comps=$(grep -o '"component":"[0-9A-F]*","kcv":"[0-9A-F]*"' "$tmp/tadd.json" |
	sed 's/"component":"\([0-9A-F]*\)","kcv":"\([0-9A-F]*\)"/\1:\2/' | paste -sd, -)
"$possum" term init --state "$st" --host "127.0.0.1:$port" --tid TERM0001 --mid $mid --sn SN0001 \
	--tmk-components "$comps" >/dev/null
"$possum" term signin --state "$st" >/dev/null
pay() { run "$possum" term purchase --state "$st" --card "$tmp/$1.json" --pin 123456 --amount "$2"; }
balance() { "$possum" term balance --state "$st" --card "$tmp/$1.json" --pin 123456 | grep "^balance CNY"; }
q() { db_sql "$data" "$1"; }
same() { if [ "$1" = "$2" ]; then ok; else bad "$3: '$1', expected '$2'"; fi; }
rc_is() { if grep -q "$1" "$tmp/out" "$tmp/err" || { [ "$1" = 00 ] && [ "$got" -eq 0 ]; }; then ok; else
	bad "$2: wanted $1: $(cat "$tmp/out" "$tmp/err")"; fi; }

# ---- Lists: a change applies to the next transaction, without a reload ----
pay plain 1.00
same "$got" 0 "a purchase before the block"
expect 0 "list add a card" -- "$possum" admin risk list add --card "$plain" --list blocked --reason "stolen, reported"
out_has "^added: blocked card $(echo "$plain" | cut -c1-6)\*\*\*\*\*\*\*\*\*$(echo "$plain" | rev | cut -c1-4 | rev)"
same "$(q "SELECT COUNT(*) FROM risk_lists WHERE key = '$plain' OR masked = '$plain'")" 0 "no clear PAN on the list"
same "$(q "SELECT COUNT(*) FROM audit_log WHERE COALESCE(after, '') LIKE '%$plain%'")" 0 "no clear PAN in the audit log"
same "$(q "SELECT action FROM audit_log ORDER BY id DESC LIMIT 1")" "risk.list.add" "the add audited"
expect 0 "list show --json" -- "$possum" admin risk list show --list blocked --json
out_has '"items":\[{"kind":"card","list":"blocked","key":"[0-9A-F]\{64\}","card":"[0-9]\{6\}\*\{9\}[0-9]\{4\}","reason":"stolen, reported"'
if grep -q "$plain" "$tmp/out"; then bad "list show printed the clear PAN"; else ok; fi
expect 0 "list show one card" -- "$possum" admin risk list show --card "$plain" --list blocked
out_has "blocked card"
bal=$(balance plain)
pay plain 2.00
same "$got" 1 "blocked: declined"
rc_is 62 "a blocked card"
same "$(balance plain)" "$bal" "nothing posted at the issuer for the blocked card"
expect 0 "list remove" -- "$possum" admin risk list remove --card "$plain" --list blocked
same "$(q "SELECT action FROM audit_log ORDER BY id DESC LIMIT 1")" "risk.list.remove" "the remove audited"
pay plain 2.00
same "$got" 0 "unblocked: approved at once"
expect 1 "remove what is not there" -- "$possum" admin risk list remove --card "$plain" --list blocked
err_has "is not on the blocked list"
expect 1 "show what is not there" -- "$possum" admin risk list show --card "$plain" --list blocked
bad_pan=$(echo "$plain" | sed 's/.$//')$(( ($(echo "$plain" | rev | cut -c1) + 1) % 10 ))
expect 2 "a bad PAN (Luhn)" -- "$possum" admin risk list add --card "$bad_pan" --list blocked
err_has "not a card number"
expect 2 "a bad list" -- "$possum" admin risk list add --card "$plain" --list grey
expect 2 "two objects" -- "$possum" admin risk list add --card "$plain" --terminal TERM0001 --list watched
expect 2 "no object to add" -- "$possum" admin risk list add --list watched
expect 2 "a bad TID" -- "$possum" admin risk list add --terminal T1 --list watched
expect 0 "watch a terminal" -- "$possum" admin risk list add --terminal TERM0001 --list watched --reason look
expect 0 "list show watched" -- "$possum" admin risk list show --list watched
out_has "^watched terminal TERM0001"
expect 0 "unwatch" -- "$possum" admin risk list remove --terminal TERM0001 --list watched

# ---- A night purchase opens a case, shown with its numbers ----
at "2026-12-05 20:30:00"
pay night 1000.00
same "$got" 0 "the night purchase approved"
rrn=$(sed -n 's/.*rrn \([0-9A-Za-z]*\).*/\1/p' "$tmp/out")
expect 0 "cases --open --json" -- "$possum" admin risk cases --open --json
id=$(sed -n 's/^{"items":\[{"id":\([0-9]*\),.*/\1/p' "$tmp/out")
[ -n "$id" ] && ok || bad "no open case: $(cat "$tmp/out")"
out_has '"status":"open"'
out_has '"rules":\[{"rule":"night_large","numbers":{"type":1,"hour":4,"amount":100000}}\]'
expect 0 "cases (a table)" -- "$possum" admin risk cases
out_has "^$id  *open .*night_large"
expect 0 "case ID" -- "$possum" admin risk case "$id"
out_has "^txn  *rrn $rrn .*tid TERM0001  mid $mid .*1000.00 CNY  rc 00"
out_has "^rule  *night_large  review  *type=1 hour=4 amount=100000"
expect 0 "case ID --json" -- "$possum" admin risk case "$id" --json
out_has '"transactions":\[{'
out_has '"hits":\[{"rule":"night_large","action":"review","rc":"","numbers":{"type":1,"hour":4,"amount":100000}}\]'
expect 0 "txn show --json: its risk" -- "$possum" admin txn show "$rrn" --json
out_has "\"risk\":{\"action\":\"review\",\"rc\":\"\",\"by\":\"night_large\",\"rules\":\[{\"rule\":\"night_large\".*\"case\":$id}"
expect 0 "txn show: its risk line" -- "$possum" admin txn show "$rrn"
out_has "^risk  *review by night_large; case $id"

# ---- The API: operators change, auditors read, merchants see neither ----
tok() { "$possum" admin token create --role "$1" $2 --json | sed -n 's/.*"token":"\([0-9A-F]*\)".*/\1/p'; }
op=$(tok operator)
au=$(tok auditor)
me=$(tok merchant "--merchant $mid")
call() { # TOKEN METHOD PATH [BODY]: the status; the body in $tmp/out
	curl -s -o "$tmp/out" -w '%{http_code}' -X "$2" -H "Authorization: Bearer $1" \
		${4:+-H "Content-Type: application/json" -d "$4"} "http://127.0.0.1:$api$3"
}
same "$(call "$op" GET "/api/v1/transactions/$rrn")" 200 "txn for an operator"
out_has "\"risk\":{\"action\":\"review\".*\"case\":$id}"
same "$(call "$au" GET "/api/v1/transactions/$rrn")" 200 "txn for an auditor"
out_has '"risk":{"action":"review"'
same "$(call "$me" GET "/api/v1/transactions/$rrn")" 200 "txn for its merchant"
if grep -q '"risk"' "$tmp/out"; then bad "a merchant's token sees the risk evaluation"; else ok; fi
same "$(call "$op" GET "/api/v1/risk/cases?open=1")" 200 "cases for an operator"
out_has "\"items\":\[{\"id\":$id,"
same "$(call "$au" GET "/api/v1/risk/cases/$id")" 200 "a case for an auditor"
out_has '"hits":\[{"rule":"night_large"'
same "$(call "$me" GET "/api/v1/risk/cases")" 403 "cases: not for a merchant"
same "$(call "$me" GET "/api/v1/risk/lists")" 403 "lists: not for a merchant"
same "$(call "$op" GET "/api/v1/risk/cases/999")" 404 "no such case"
same "$(call "$au" POST /api/v1/risk/lists '{"kind":"terminal","tid":"TERM0009","list":"watched"}')" 403 "an auditor changes nothing"
same "$(call "$op" POST /api/v1/risk/lists '{"kind":"terminal","tid":"TERM0009","list":"watched","reason":"api"}')" 201 "watch by the API"
out_has '"kind":"terminal","list":"watched","key":"TERM0009","tid":"TERM0009","reason":"api"'
same "$(call "$op" POST /api/v1/risk/lists "{\"kind\":\"card\",\"card\":\"$bad_pan\",\"list\":\"blocked\"}")" 400 "a bad PAN by the API"
same "$(call "$op" POST /api/v1/risk/lists '{"kind":"card","card":"6225880101284831896","list":"black"}')" 400 "a bad list by the API"
same "$(call "$au" GET "/api/v1/risk/lists?list=watched&kind=terminal")" 200 "lists for an auditor"
out_has '"tid":"TERM0009"'
same "$(call "$op" DELETE /api/v1/risk/lists/watched/terminal/TERM0009)" 200 "unwatch by the API"
same "$(call "$op" DELETE /api/v1/risk/lists/watched/terminal/TERM0009)" 404 "unwatch again"
same "$(call "$op" POST "/api/v1/risk/cases/$id/close" '{"verdict":"maybe","reason":"x"}')" 400 "a bad verdict by the API"
same "$(call "$op" POST "/api/v1/risk/cases/$id/close" '{"verdict":"legitimate","reason":"x","block":true}')" 400 "block without fraud by the API"
same "$(call "$au" POST "/api/v1/risk/cases/$id/close" '{"verdict":"fraud","reason":"x"}')" 403 "an auditor closes nothing"

# ---- Closing: fraud --block blocks the card and revokes its authentication ----
expect 2 "a bad verdict" -- "$possum" admin risk case "$id" --close --verdict maybe --reason x
expect 2 "legitimate --block" -- "$possum" admin risk case "$id" --close --verdict legitimate --reason x --block
expect 2 "--close without a reason" -- "$possum" admin risk case "$id" --close --verdict fraud
expect 2 "--verdict without --close" -- "$possum" admin risk case "$id" --verdict fraud --reason x
expect 1 "an unknown case" -- "$possum" admin risk case 999 --close --verdict fraud --reason x
err_has "no case 999"
expect 1 "show an unknown case" -- "$possum" admin risk case 999
expect 0 "close fraud --block" -- "$possum" admin risk case "$id" --close --verdict fraud --reason "holder denies it" --block
out_has "^verdict  *fraud  holder denies it"
out_has "^blocked  *card"
same "$(q "SELECT action FROM audit_log WHERE actor LIKE 'cli:%' ORDER BY id DESC LIMIT 3" | paste -sd' ' -)" \
	"card.revoke_auth risk.list.add risk.case.close" "closed, blocked, revoked: audited in one step"
same "$(q "SELECT COUNT(*) FROM risk_lists WHERE kind = 'card' AND list = 'blocked'")" 1 "the card blocked"
same "$(q "SELECT object FROM audit_log WHERE action = 'card.revoke_auth'")" \
	"card:$(q "SELECT id FROM cards ORDER BY id LIMIT 1 OFFSET 1")" "the revocation names the fraud's card (the second issued)"
bal=$(balance night)
at "2026-12-06 02:00:00"
pay night 5.00
rc_is 62 "the fraud's card declined"
same "$(balance night)" "$bal" "nothing posted for it"
expect 1 "closing a closed case" -- "$possum" admin risk case "$id" --close --verdict legitimate --reason again
err_has "closed already"
same "$(call "$op" POST "/api/v1/risk/cases/$id/close" '{"verdict":"fraud","reason":"x"}')" 409 "closed twice by the API"
expect 0 "cases --open: none left" -- "$possum" admin risk cases --open
out_has "^none$"

# ---- Replay: a replayed day gives the same cases as the live day ----
# The local day 2026-12-08 (UTC 2026-12-07 16:00 on): a night purchase (night_large), then six
# payments of one card in ten minutes (card_velocity: the 4th and 5th reviewed, the 6th
# declined 65).
at "2026-12-07 19:00:00"
pay late 1500.00
at "2026-12-08 02:00:00"
for n in 1 2 3 4 5 6; do pay velo 3.00; done
rc_is 65 "the 6th payment declined live"
day="opened_at >= $(date -d '2026-12-07 16:00:00Z' +%s) AND opened_at < $(date -d '2026-12-08 16:00:00Z' +%s)"
live=$(q "SELECT rrn FROM risk_cases WHERE $day ORDER BY rrn" | paste -sd' ' -)
same "$(q "SELECT COUNT(*) FROM risk_cases WHERE $day")" 3 "the live day's cases"
counts="$(q "SELECT (SELECT COUNT(*) FROM risk_cases) || (SELECT COUNT(*) FROM risk_hits) || (SELECT COUNT(*) FROM acq_txns) || (SELECT COUNT(*) FROM audit_log) || (SELECT COUNT(*) FROM risk_counts)")"
expect 0 "replay the day --json" -- "$possum" admin risk replay --from 2026-12-08 --to 2026-12-08 --json
replayed=$(sed 's/.*"cases":\(\[.*\]\),"declined".*/\1/' "$tmp/out" | grep -o '"rrn":"[0-9A-Za-z]*"' |
	sed 's/"rrn":"\(.*\)"/\1/' | sort | paste -sd' ' -)
same "$replayed" "$live" "the replay's cases are the live day's, on the same transactions"
out_has '"transactions":7,'
out_has '{"name":"night_large","action":"review","rc":"","fired":1,"cases":1,"declined":0}'
out_has '{"name":"card_velocity","action":"review","rc":"","fired":2,"cases":2,"declined":0}'
out_has '{"name":"card_velocity.decline","action":"decline","rc":"65","fired":1,"cases":0,"declined":1}'
out_has '"declined":\[{"rrn":"[0-9A-Za-z]*",.*"rc":"65","rules":\["card_velocity.decline"\],"by":"card_velocity.decline"}\]'
same "$(q "SELECT (SELECT COUNT(*) FROM risk_cases) || (SELECT COUNT(*) FROM risk_hits) || (SELECT COUNT(*) FROM acq_txns) || (SELECT COUNT(*) FROM audit_log) || (SELECT COUNT(*) FROM risk_counts)")" \
	"$counts" "the replay wrote nothing"
# A rule tried on history before it is turned on.
cp "$2/etc/risk.rules" "$tmp/try.rules"
echo 'rule big_ticket if amount >= 1500.00 then decline 61' >>"$tmp/try.rules"
expect 0 "replay with --rules" -- "$possum" admin risk replay --from 2026-12-08 --to 2026-12-08 --rules "$tmp/try.rules"
out_has "^big_ticket  *decline 61  *1  *0  *1$"
out_has "^night_large  *review  *1  *0  *0$"
out_has "^declined .* rc 61  night_large,big_ticket$"
expect 0 "replay a day without transactions" -- "$possum" admin risk replay --from 2026-12-20 --to 2026-12-20
out_has "0 transactions"
printf 'rule a if amount > then review\n' >"$tmp/bad.rules"
expect 1 "replay with a bad rules file" -- "$possum" admin risk replay --from 2026-12-08 --to 2026-12-08 --rules "$tmp/bad.rules"
err_has "bad.rules:1:"
expect 2 "replay without --to" -- "$possum" admin risk replay --from 2026-12-08
expect 2 "replay with a bad date" -- "$possum" admin risk replay --from 2026-13-08 --to 2026-12-08
expect 2 "replay --to before --from" -- "$possum" admin risk replay --from 2026-12-08 --to 2026-12-07
finish
