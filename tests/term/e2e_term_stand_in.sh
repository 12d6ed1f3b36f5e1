#!/bin/sh
# e2e_term_stand_in.sh POSSUM SOURCE_DIR — a stand-in approval as the reference terminal shows
# it (README "possum term"; docs/links.md): a real `possum host` routes the range 62258801 to a
# link (`[link.far]`, a closed port: it never comes up) with `stand_in=5.00`, and holds a card
# of that range. Without a PIN, a purchase of 3.00 and a pre-authorization of 2.00 are approved
# in the issuer's name (rc 00, 44 STAND-IN): the terminal's output, its --json ("stand_in":true),
# the receipt (代授权 STAND-IN) and the batch say so; the host's row has reason stand_in and
# its advice is queued pending. With a PIN, and above the floor: 91, no stand-in.
possum=$1
. "$2/tests/lib.sh"

data=$tmp/host
base() { sed -e 's/^port *=.*/port = 0/' "$1/etc/possum.conf"; printf '\n[risk]\nrules = none\n'; }
# The card: issued by this host's issuer in 62258801 (the issuing config names that range only).
base "$2" | sed '/^bin *=/d' >"$tmp/issue.conf"
printf '[issuer]\nbin = 62258801 debit\n' >>"$tmp/issue.conf"
"$possum" admin card issue --config "$tmp/issue.conf" --data "$data" --holder "Qian Wu" \
	--id-number 110101199001010022 --phone 13700002222 --product debit --balance 100.00 \
	--pin 246810 --out "$tmp/card.json" >/dev/null 2>"$tmp/err" ||
	{ echo "FAIL: card issue: $(cat "$tmp/err")"; exit 1; }
# The host: the range routed to a link nothing answers (port 9, closed), stand-in up to 5.00.
{
	base "$2"
	printf '[link.far]\nhost = 127.0.0.1\nport = 9\ndialect = iso87a\n'
	printf '[route]\nroute = 62258801 far stand_in=5.00\n'
} >"$tmp/possum.conf"
export POSSUM_CONFIG=$tmp/possum.conf

comps=$(register_terminal "$possum" "$data")
start_host "$data"

t() { "$possum" term "$@" --data "$tmp/term"; }
field() { sed -n "s/.*\"$1\":\"\([^\"]*\)\".*/\1/p" "$tmp/out"; }
expect 0 "init" -- t init --host "127.0.0.1:$port" --mid 898310048120001 --tid TERM0001 --sn SN0001 --tmk-components "$comps"
expect 0 "signin" -- t signin

# A purchase of 3.00 without a PIN: approved in the issuer's name, said so.
expect 0 "stand-in purchase" -- t purchase --card "$tmp/card.json" --amount 3.00
out_has "^purchase: 00 "
out_has "^stand-in: approved by the acquirer for the issuer, its link down (代授权 STAND-IN)$"
stan=$(sed -n 's/^stan \([0-9]*\) .*/\1/p' "$tmp/out")
auth=$(sed -n 's/.*  auth \([0-9]*\).*/\1/p' "$tmp/out")
[ -n "$auth" ] && ok || bad "no auth code: $(cat "$tmp/out")"

# pay KIND AMOUNT EXIT RC STAND_IN [OPTION...]: KIND (purchase, preauth) of AMOUNT with --json
# exits EXIT, answered RC, "stand_in" STAND_IN; its RRN, STAN and auth code in $rrn, $s, $a.
pay() {
	_k=$1 _amount=$2 _exit=$3 _rc=$4 _si=$5
	shift 5
	expect "$_exit" "$_k $_amount $*: $_rc" -- t "$_k" --card "$tmp/card.json" --amount "$_amount" --json "$@"
	out_has "\"rc\":\"$_rc\""
	out_has "\"stand_in\":$_si"
	rrn=$(field rrn) s=$(field stan) a=$(field auth_code)
}
pay purchase 3.00 0 00 true
out_has '"message":"STAND-IN"'
paid=$rrn
pay preauth 2.00 0 00 true
pre_auth=$a

# The receipt: the stand-in line under the auth code, on both copies.
expect 0 "receipt" -- t receipt "$stan"
out_has "授权码 AUTH NO.: $auth$"
lines=$(grep -c '^代授权 STAND-IN (收单机构代发卡行授权 APPROVED BY THE ACQUIRER FOR THE ISSUER)$' "$tmp/out")
[ "$lines" -eq 2 ] && ok || bad "the receipt has $lines stand-in lines, not 2: $(cat "$tmp/out")"
if grep -A1 "AUTH NO.: $auth" "$tmp/out" | grep -q '^代授权 STAND-IN'; then ok; else bad "the stand-in line is not under the auth code"; fi
expect 0 "receipt --json" -- t receipt "$stan" --json
out_has '"stand_in":true'
out_has '"receipt":"[^"]*代授权 STAND-IN'

# With a PIN (only the issuer can verify one), and above the floor: 91, no stand-in.
pay purchase 3.00 1 91 false --pin 246810
pin_stan=$s
pay purchase 5.01 1 91 false
pay purchase 5.00 0 00 true
expect 0 "a declined one's receipt" -- t receipt "$pin_stan"
if grep -q 'STAND-IN' "$tmp/out"; then bad "a 91's receipt says STAND-IN"; else ok; fi

# The batch: the four approvals marked stand-in, the two 91s not.
expect 0 "batch" -- t batch
marked=$(grep -c '  stand-in' "$tmp/out")
[ "$marked" -eq 4 ] && ok || bad "batch marks $marked stand-in, not 4: $(cat "$tmp/out")"
if grep ' 91 ' "$tmp/out" | grep -q 'stand-in'; then bad "a 91 marked stand-in"; else ok; fi
expect 0 "batch --json" -- t batch --json
json_marked=$(jq '[.transactions[] | select(.stand_in)] | length' "$tmp/out")
json_not=$(jq '[.transactions[] | select(.stand_in == false)] | length' "$tmp/out")
[ "$json_marked" -eq 4 ] && ok || bad "batch --json: $json_marked stand_in true, not 4"

# The host's side: the row's reason, and the advices queued pending (the link never comes up).
expect 0 "txn show" -- "$possum" admin txn show "$paid" --data "$data" --json
out_has '"reason":"stand_in"'
out_has '"rc":"00"'
expect 0 "link saf" -- "$possum" admin link saf --data "$data" --state pending --json
out_has "\"kind\":\"advice\",\"txn_id\":[0-9]*,\"rrn\":\"$paid\",\"state\":\"pending\""
advices=$(grep -o '"kind":"advice"' "$tmp/out" | wc -l)
[ "$advices" -eq 4 ] && ok || bad "$advices advices pending, not 4: $(head -c 300 "$tmp/out")"
echo "stand-in at the terminal: 4 approved in the issuer's name (purchases 3.00 twice and 5.00, pre-authorization 2.00, auth $auth and $pre_auth), marked on receipt (2 copies), batch ($marked of $((marked + json_not)) rows) and --json; with a PIN 91, 5.01 91; advices pending at the host: $advices"
finish
