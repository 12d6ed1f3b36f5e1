# api_host.sh — what the API's attack tests share (sourced by tests/attack/e2e_attack_*.sh
# after tests/lib.sh, with possum set): two merchants A and B, a terminal each, the operator's
# token ($op) and A's ($ma), A's console user signed in (its cookie jar and $csrf); a host on
# free ports with a rule that makes every payment a case, B's purchases (its RRN $rrn, cases 1
# to 8) and B's document; call, json and state (the database but for sessions, quiet).
for c in curl jq sqlite3; do
	command -v $c >/dev/null 2>&1 || { echo "$0: $c is needed" >&2; exit 1; }
done

data=$tmp/host
{
	sed -e 's/^port *=.*/port = 0/' "$2/etc/possum.conf"
	printf '\n[risk]\nrules = %s\n' "$tmp/risk.rules"
} >"$tmp/possum.conf"
# Every payment opens a case, for an analyst's notes.
echo 'rule everything if amount > 0 then review' >"$tmp/risk.rules"
export POSSUM_CONFIG=$tmp/possum.conf
A=898310048120001
B=898310048120002
"$possum" admin merchant add --data "$data" --name "Possum Cafe" --mcc 5812 --mid $A >/dev/null
"$possum" admin merchant add --data "$data" --name "Other Books" --mcc 5942 --mid $B >/dev/null
"$possum" admin terminal add --data "$data" --merchant $A --sn SNA1 --tid TERMA001 >/dev/null
"$possum" admin terminal add --data "$data" --merchant $B --sn SNB1 --tid TERMB001 --json >"$tmp/b.json"
token() { "$possum" admin token create --data "$data" "$@" --json | jq -r .token; }
op=$(token --role operator)
ma=$(token --role merchant --merchant $A)
"$possum" admin user add --data "$data" --role merchant --merchant $A --name a.user >/dev/null
echo 'correct horse battery staple' | "$possum" admin user password --data "$data" a.user >/dev/null

"$possum" host --data "$data" --port 0 --api-port 0 --terminal-port 0 >"$tmp/host.out" 2>"$tmp/host.log" &
host_pid=$!
trap 'kill $host_pid 2>/dev/null; wait $host_pid 2>/dev/null; rm -rf "$tmp"' EXIT
wait_ports "$data" $host_pid
api=http://127.0.0.1:$(sed -n 's/^api=//p' "$data/host.ports")/api/v1
port=$(sed -n 's/^acquirer=//p' "$data/host.ports")
[ -n "$port" ] || { echo "FAIL: the host did not start: $(cat "$tmp/host.log")"; exit 1; }

# call AUTH METHOD PATH [BODY-FILE]: the status; the answer in $tmp/body. AUTH: op (the
# operator's token), ma (merchant A's token) or session (A's user, with its CSRF token).
call() {
	case $1 in
	session) a1=-b a2=$tmp/jar a3=-H a4="X-CSRF-Token: $csrf" ;;
	op) a1=-H a2="Authorization: Bearer $op" a3=-H a4="Accept: application/json" ;;
	*) a1=-H a2="Authorization: Bearer $ma" a3=-H a4="Accept: application/json" ;;
	esac
	curl -s -o "$tmp/body" -w '%{http_code}' -H 'Expect:' "$a1" "$a2" "$a3" "$a4" -X "$2" \
		${4:+--data-binary "@$4"} "$api$3"
}
json() { printf '%s' "$1" >"$tmp/req.json"; }

# A's user signs in.
json '{"name":"a.user","password":"correct horse battery staple","totp":"'"$("$possum" admin user totp --data "$data" a.user)"'"}'
curl -s -c "$tmp/jar" -o "$tmp/body" --data-binary "@$tmp/req.json" "$api/session"
csrf=$(jq -r .csrf "$tmp/body")
[ -n "$csrf" ] && [ "$csrf" != null ] || { echo "FAIL: no session: $(cat "$tmp/body")"; exit 1; }

# B's things: a purchase on its terminal (an RRN), a document.
c=$(jq -r .tmk_components "$tmp/b.json")
"$possum" admin card issue --data "$data" --holder "Qian Shi" --id-number 110101199512120011 \
	--phone 13700001234 --product debit --balance 100.00 --pin 481357 --out "$tmp/card.json" >/dev/null
"$possum" term init --data "$tmp/t" --host "127.0.0.1:$port" --mid $B --tid TERMB001 --sn SNB1 \
	--tmk-components "$c" >/dev/null 2>&1
"$possum" term signin --data "$tmp/t" >/dev/null
expect 0 "B's purchase" -- "$possum" term purchase --data "$tmp/t" --card "$tmp/card.json" \
	--pin 481357 --amount 3.00 --json
rrn=$(jq -r .rrn "$tmp/out")
for i in 1 2 3 4 5 6 7 8; do
	"$possum" term purchase --data "$tmp/t" --card "$tmp/card.json" --pin 481357 --amount 1.0$i >/dev/null
done
printf '%%PDF-1.4\n%%%%EOF\n' >"$tmp/doc.pdf"
pdf=$(base64 -w0 "$tmp/doc.pdf")
json '{"type":"licence","name":"licence.pdf","content":"'"$pdf"'"}'
[ "$(call op POST /merchants/$B/documents "$tmp/req.json")" = 201 ] && ok || bad "B's document: $(cat "$tmp/body")"
today=$(date -u +%Y-%m-%d)

# body_docs N: a document's body, the Nth (its content unique).
body_docs() {
	printf '%%PDF-1.4\n%s\n%%%%EOF\n' "$1" >"$tmp/d.pdf"
	echo '{"type":"other","name":"d'$1'.pdf","content":"'"$(base64 -w0 "$tmp/d.pdf")"'"}'
}

# state: the database but for the sessions (each request with one renews it).
state() { db_state "$data" user_sessions; }

db_quiet "$data"
