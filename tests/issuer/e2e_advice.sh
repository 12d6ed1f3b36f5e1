#!/bin/sh
# e2e_advice.sh POSSUM SOURCE_DIR — the issuer's link meets what another possum host, acquiring,
# sends it after approving in the issuer's name while it could not reach it (stand-in): a
# purchase advised (0220, no PIN, no track), its repeat (0221) and the same 0220 again, each
# answered 0230 39=00 with the acquirer's auth code, the card's balance moved once; an advice
# over the balance answered 51 twice and posting nothing; a refund (0220, 20) of the advised
# purchase; its reversal (0420) and the reversal's repeat (0421), answered 0430, undone once.
# Then the ledger check passes.
possum=$1
top=$2
. "$(dirname "$0")/../lib.sh"
. "$top/scripts/acquirer.sh"

data=$tmp/data
acq_dir=$tmp
{
	cat "$top/etc/possum.conf"
	printf '[link]\nlisten = 127.0.0.1\n'
} >"$tmp/possum.conf"
export POSSUM_CONFIG=$tmp/possum.conf

issue_card "$tmp/card.json" 1000.00 && ok || bad "card issue"
pan=$(acq_json pan "$tmp/card.json")
exp=$(acq_json expiry "$tmp/card.json")
start_host "$data"
acq_host=127.0.0.1:$link

# send WHAT MTI RC: sends $tmp/msg.json; the answer must be of MTI with 39 = RC.
send() {
	acq_send
	mti=$(acq_json mti "$tmp/answer.json")
	if [ "$mti" = "$2" ] && [ "$acq_rc" = "$3" ]; then ok; else
		bad "$1: answered $mti 39='$acq_rc', expected $2 $3 ($(cat "$tmp/answer.json" "$tmp/send.err"))"
	fi
}
# available AMOUNT WHAT: the card's available balance must be AMOUNT (minor units); what it
# is in $avail.
available() {
	expect 0 "card show ($2)" -- "$possum" admin card show --data "$data" "$pan" --json
	avail=$(sed -n 's/.*"available":{"amount":\(-*[0-9]*\),.*/\1/p' "$tmp/out")
	[ "$avail" = "$1" ] && ok || bad "$2: available $avail, expected $1"
}
# advice MTI AMOUNT: the purchase advice of the card, keyed in from 2 and 14 (22 "021"), with
# the acquirer's auth code 654321 in 38.
advice() { acq_msg "$1" 000000 "$2" "$pan" "" "" "\"14\":\"$exp\",\"38\":\"654321\""; }

advice 0220 12345
stan=$acq_stan
rrn=$(printf '%012d' "$acq_stan")
send "purchase advice" 0230 00
[ "$(acq_json 38 "$tmp/answer.json")" = 654321 ] && ok || bad "the advice's answer lacks the acquirer's auth code: $(cat "$tmp/answer.json")"
KEEP_STAN=1 advice 0221 12345
send "its repeat" 0230 00
KEEP_STAN=1 advice 0220 12345
send "the same 0220 again" 0230 00
available 87655 "moved once by the advice"
after_advice=$avail
grep -q '"advice":true' "$tmp/host.log" && ok || bad "the decision's log line does not say advice"

advice 0220 100000
send "an advice over the balance" 0230 51
KEEP_STAN=1 advice 0221 100000
send "its repeat" 0230 51
available 87655 "nothing posted for the declined advice"
after_declined=$avail

# A 0220 of processing code 20 is a refund still: of the advised purchase, by its RRN.
RRN=$rrn acq_msg 0220 200000 2345 "$pan" "" ""
send "refund of the advised purchase" 0230 00
available 90000 "after the refund"

# The advice reversed (its own STAN, a new transmission time), the reversal repeated.
acq_stan=$((stan - 1))
TRANSMIT=1130235959 acq_msg 0420 000000 12345 "$pan" "" ""
send "reversal of the advice" 0430 00
KEEP_STAN=1 TRANSMIT=1130235959 acq_msg 0421 000000 12345 "$pan" "" ""
send "the reversal's repeat" 0430 00
available 100000 "the advice undone once (what the refund left of it)"

expect 0 "ledger check" -- "$possum" admin ledger check --data "$data"
out_has "0 violations"
echo "advice of 123.45 sent 3 times (0220, 0221, 0220): moved $((100000 - after_advice)) (once: 12345);" \
	"declined advice sent twice: moved $((after_advice - after_declined)); after refund and reversal (0420, 0421): $avail"
finish
