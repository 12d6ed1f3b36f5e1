# e2e_binding.sh — `possum admin settlement-card` and the card services that invalidate a card
# authentication, against a real `possum host` and `possum term`: a settlement card refused
# for a wrong element, a credit card, a wrong code (nothing bound, the card nowhere in the
# clear), then bound and changed; a reserved-phone change, a risk revocation and a stolen
# report each followed by a C2 decline at the POS with its reason in the host's log, and a
# successful authentication again.
possum=$1
. "$2/tests/lib.sh"

data=$tmp/host
mid=898310057990002
# The demo configuration with free ports; credit cards must be authenticated to pay.
sed -e 's/^port *=.*/port = 0/' -e 's/^cardauth_credit *=.*/cardauth_credit = yes/' \
	"$2/etc/possum.conf" >"$tmp/possum.conf"
export POSSUM_CONFIG=$tmp/possum.conf

"$possum" host --data "$data" --port 0 --api-port 0 --terminal-port 0 >/dev/null 2>>"$tmp/host.log" &
host_pid=$!
trap 'kill $host_pid 2>/dev/null; wait $host_pid 2>/dev/null; rm -rf "$tmp"' EXIT
wait_ports "$data" $host_pid
port=$(sed -n 's/^acquirer=//p' "$data/host.ports" 2>/dev/null)
api=$(sed -n 's/^api=//p' "$data/host.ports" 2>/dev/null)
[ -n "$port" ] || { echo "FAIL: no acquirer port"; exit 1; }

holder="Wang Wu" id=110101198807070033 phone=13600006666
issue() {
	name=$1
	shift
	"$possum" admin card issue --data "$data" --holder "$holder" --id-number $id \
		--phone $phone --out "$tmp/$name.json" "$@" >/dev/null
}
issue pay1 --product debit --balance 10.00
issue pay2 --product debit --balance 10.00
issue cred --product credit --limit 5000.00 --pin 246813
for c in phone revoke stolen; do issue $c --product credit --limit 5000.00 --pin 135792; done
img() { sed -n "s/.*\"$1\": *\"\([^\"]*\)\".*/\1/p" "$tmp/$2.json"; }
last4() { p=$(img pan "$1"); echo "${p#"${p%????}"}"; }
# code CARD: the last one-time code texted for the card of image CARD.
code() {
	grep "尾号$(last4 "$1")" "$data/sms.jsonl" 2>/dev/null |
		sed -n 's/.*验证码为\([0-9]\{6\}\).*/\1/p' | tail -n 1
}
"$possum" admin merchant add --data "$data" --name "Bound Goods" --mcc 5311 --mid $mid >/dev/null

sc() { "$possum" admin settlement-card "$@" --data "$data"; }
start() {
	sc start $mid --card "$(img pan "$1")" --holder "${2:-$holder}" --id-number "${3:-$id}" \
		--phone "${4:-$phone}"
}

# Refused: each wrong element, a credit card, not a card number, an unknown merchant.
expect 1 "wrong holder" -- start pay1 "Wang Liu"
err_has "elements_differ"
expect 1 "wrong ID number" -- start pay1 "$holder" 110101198807070034
expect 1 "wrong phone" -- start pay1 "$holder" $id 13600006667
expect 2 "a credit card" -- start cred
err_has "not_a_debit_card"
expect 2 "not a card number" -- sc start $mid --card 1234 --holder "$holder" --id-number $id \
	--phone $phone
expect 1 "no such merchant" -- sc start 898310057999999 --card "$(img pan pay2)" \
	--holder "$holder" --id-number $id --phone $phone
expect 1 "no binding waiting" -- sc confirm $mid --code 123456
expect 2 "start without the elements" -- sc start $mid --card "$(img pan pay2)"
expect 0 "help" -- sc start --help
out_has "four"
expect 0 "show: nothing bound" -- sc show $mid --json
out_has '"current":null'
out_has '"payout_ready":false'
out_has '"payout_waits":"no_settlement_card"'

# A wrong code, then the right one.
expect 0 "start" -- start pay2
out_has "code sent"
good=$(code pay2)
[ -n "$good" ] && ok || bad "no code texted"
wrong=$(printf '%06d' $(((${good:-0} + 1) % 1000000)))
expect 1 "a wrong code" -- sc confirm $mid --code "$wrong"
err_has "code_wrong"
expect 0 "still nothing bound" -- sc show $mid --json
out_has '"current":null'
expect 0 "the right code" -- sc confirm $mid --code "$good" --json
out_has '"card":"[0-9]\{6\}\*\{6,\}'"$(last4 pay2)"'"'
expect 0 "show" -- sc show $mid
out_has "$(last4 pay2)"
out_has "payouts   may go"

# A change: in effect from the next settlement day.
expect 0 "start a change" -- start pay1
expect 0 "confirm it" -- sc confirm $mid --code "$(code pay1)"
expect 0 "show the change" -- sc show $mid --json
out_has '"next":{"card":"[0-9]\{6\}\*\{6,\}'"$(last4 pay1)"'"'
out_has '"current":{"card":"[0-9]\{6\}\*\{6,\}'"$(last4 pay2)"'"'

# The POS: a terminal, and card authentication in two steps.
tmk=$("$possum" admin terminal add --data "$data" --merchant $mid --sn SN-B-1 --tid BIND0001 \
	--json | grep -o '"component":"[0-9A-F]*","kcv":"[0-9A-F]*"' |
	sed 's/"component":"\([0-9A-F]*\)","kcv":"\([0-9A-F]*\)"/\1:\2/' | paste -sd, -)
t() { "$possum" term "$@" --state "$tmp/t1"; }
expect 0 "init" -- t init --host "127.0.0.1:$port" --mid $mid --tid BIND0001 --sn SN-B-1 \
	--tmk-components "$tmk"
expect 0 "signin" -- t signin
# auth_card CARD [PHONE]: both steps for the card of image CARD; 0 when the second is approved.
auth_card() {
	n=$(grep -c . "$data/sms.jsonl" 2>/dev/null)
	t auth-card --card "$tmp/$1.json" --holder "$holder" --id-number $id \
		--phone "${2:-$phone}" >/dev/null 2>&1 || return 1
	i=0
	otp=
	while [ -z "$otp" ] && [ $i -lt 50 ]; do
		sleep 0.1
		otp=$(tail -n +$((n + 1)) "$data/sms.jsonl" 2>/dev/null | grep "尾号$(last4 "$1")" |
			sed -n 's/.*验证码为\([0-9]\{6\}\).*/\1/p' | tail -n 1)
		i=$((i + 1))
	done
	t auth-card --card "$tmp/$1.json" --otp "${otp:-000000}" >/dev/null 2>&1
}
pay() { t purchase --card "$tmp/$1.json" --pin 135792 --amount 10.00 --json; }
newphone=13800009999
for c in phone revoke stolen; do
	expect 0 "$c: authenticated" -- auth_card $c
	expect 0 "$c: paid" -- pay $c
	case $c in
	phone) expect 0 "phone changed" -- "$possum" admin card phone --data "$data" \
		"$(img pan $c)" --phone $newphone
		out_has "authentication invalid"
		reason=phone_changed ;;
	revoke) expect 0 "revoked" -- "$possum" admin card revoke-auth --data "$data" \
		"$(img pan $c)" --reason "a risk rule fired" --json
		out_has '"authentication":"risk_revoked"'
		reason=risk_revoked ;;
	stolen) "$possum" admin card status --data "$data" "$(img pan $c)" --set stolen >/dev/null
		"$possum" admin card status --data "$data" "$(img pan $c)" --set active >/dev/null
		reason=card_stolen ;;
	esac
	expect 1 "$c: declined" -- pay $c
	out_has '"rc":"C2"'
	if grep -q "\"rc\":\"C2\",\"reason\":\"cardauth_$reason\"" "$tmp/host.log"; then ok; else bad "no C2 $reason in the host's log"; fi
	[ $c = phone ] && p=$newphone || p=$phone
	[ $c = phone ] && { expect 1 "$c: the old phone refused" -- auth_card $c; }
	expect 0 "$c: authenticated again" -- auth_card $c $p
	expect 0 "$c: paid again" -- pay $c
done
# The API, with curl: a merchant's token blind to another's card, the binding's view, the
# cardholder's status, a loss report and its reason, bad bodies.
command -v curl >/dev/null 2>&1 || { echo "e2e_binding: curl is needed (scripts/bootstrap installs it)" >&2; exit 1; }
[ -n "$api" ] || bad "the host wrote no api= port"
if [ -n "$api" ]; then
	token() {
		"$possum" admin token create --data "$data" --json "$@" |
			sed -n 's/.*"token":"\([0-9A-F]*\)".*/\1/p'
	}
	op=$(token --role operator)
	mine=$(token --role merchant --merchant $mid)
	"$possum" admin merchant add --data "$data" --name "Other" --mcc 5411 --mid 898310057990003 >/dev/null
	theirs=$(token --role merchant --merchant 898310057990003)
	# http WHO METHOD PATH [BODY]: the status in $tmp/status, the body in $tmp/out.
	http() {
		curl -s -o "$tmp/out" -w '%{http_code}' -X "$2" -H "Authorization: Bearer $1" \
			${4:+-d "$4"} "http://127.0.0.1:$api$3" >"$tmp/status"
	}
	status_is() { if [ "$(cat "$tmp/status")" = "$1" ]; then ok; else bad "$2: status $(cat "$tmp/status"), expected $1: $(cat "$tmp/out")"; fi; }
	http "$mine" GET /api/v1/merchants/$mid/settlement-card
	status_is 200 "own settlement card"
	out_has '"payout_ready":true'
	http "$theirs" GET /api/v1/merchants/$mid/settlement-card
	status_is 404 "another merchant's settlement card"
	http "$theirs" POST /api/v1/merchants/$mid/settlement-card '{"card":"x"}'
	status_is 404 "another merchant's binding"
	http "$mine" POST /api/v1/merchants/$mid/settlement-card '{"card":"1234"}'
	status_is 400 "binding without the elements"
	out_has '"field":"holder"'
	http "$op" POST /api/v1/cardholder/auth/status "{\"card\":\"$(img pan cred)\"}"
	status_is 200 "cardholder status"
	out_has '"state":"NONE"'
	cid=$("$possum" admin card show --data "$data" --json "$(img pan revoke)" | sed -n 's/^{"id":\([0-9]*\).*/\1/p')
	http "$mine" POST /api/v1/cards/$cid/loss
	status_is 403 "a loss report by a merchant"
	http "$op" POST /api/v1/cards/$cid/loss '{"kind":"stolen"}'
	status_is 200 "a loss report"
	out_has '"status":"stolen"'
	http "$op" POST /api/v1/cardholder/auth/status "{\"card\":\"$(img pan revoke)\"}"
	out_has '"reason":"card_stolen"'
	http "$op" POST /api/v1/cards/$cid/phone '{"phone":"call me"}'
	status_is 400 "a phone that is not one"
	expect 0 "audit of the card" -- "$possum" admin audit --data "$data" --object "card:$cid" --json
	out_has '"action":"card.status"'
	out_has '"actor":"token:'
else
	echo "the API part skipped: no curl or no API port"
fi
expect 2 "revoke-auth without a reason" -- "$possum" admin card revoke-auth --data "$data" \
	"$(img pan cred)"
expect 2 "a phone that is not one" -- "$possum" admin card phone --data "$data" \
	"$(img pan cred)" --phone call-me

# Nothing in the clear: no card number in the database (with its -wal) or the host's log.
for f in "$data"/possum.db* "$tmp/host.log"; do
	for c in pay1 pay2 cred phone revoke stolen; do
		if grep -aq -- "$(img pan $c)" "$f"; then bad "the PAN of $c in the clear in $f"; else ok; fi
	done
	if grep -aq -- "$id" "$f"; then bad "the ID number in the clear in $f"; else ok; fi
done
kill -TERM $host_pid
wait $host_pid
[ $? -eq 0 ] && ok || bad "the host did not stop cleanly"
finish
