#!/bin/sh
# e2e_certify_broken.sh — terminals broken on purpose (possum term's test switches,
# POSSUM_TERM_BROKEN: docs/certify.md "Proving the suite") run through the whole cup-pos suite
# unattended: each fails exactly the cases it should, each with the reason that names its
# fault, and gets no certificate. Where a fault touches every transaction (a wrong MAC, a
# track in the clear, a STAN that never moves), every case with a payment fails on that rule
# and the cases without one pass.
possum=$1
. "$2/tests/lib.sh"
driver=$2/scripts/certify_driver_term
export POSSUM="$possum" POSSUM_CERTIFY_ANSWER_TIMEOUT=2

# broken KIND: the suite run by a terminal with that switch, its report in $tmp/KIND.json.
broken() {
	POSSUM_TERM_BROKEN=$1 "$possum" certify run --driver "$driver" --settle 200 \
		--data "$tmp/acquirer" --model BROKEN --version "$1" --json >"$tmp/$1.json" 2>"$tmp/$1.err"
	echo $? >"$tmp/$1.rc"
}
# failed KIND: the ids of the cases that failed, space-separated, in the suite's order.
failed() { jq -r '[.cases.items[] | select(.result == "failed") | .id] | join(" ")' "$tmp/$1.json"; }
# rules KIND CASE: the rules of CASE's findings, comma-separated.
rules() {
	jq -r --arg c "$2" '.cases.items[] | select(.id == $c) | [.findings.items[].rule] | unique |
		join(",")' "$tmp/$1.json"
}
# exactly KIND CASES: KIND failed CASES and nothing else, and exited 1.
exactly() {
	if [ "$(cat "$tmp/$1.rc")" = 1 ] && [ "$(failed "$1")" = "$2" ]; then ok; else
		bad "$1: failed '$(failed "$1")', expected '$2' (exit $(cat "$tmp/$1.rc"))"
	fi
}
# because KIND CASE RULE: a finding of CASE is of RULE.
because() {
	case ",$(rules "$1" "$2")," in
	*",$3,"*) ok ;;
	*) bad "$1: $2 failed on '$(rules "$1" "$2")', not on $3" ;;
	esac
}

# The runs go side by side (each its own test host on free ports): they mostly wait for
# answers that are not coming.
for kind in no-reversal ignore-a0 ignore-answer-mac ignore-kcv wrong-mac clear-track reuse-stan; do
	broken $kind &
done
wait

# A terminal that never reverses: the cases whose answer never came (or came spoilt) and the
# settlement, whose totals then count the payments it thought undone.
exactly no-reversal "no-answer restart-reversal late-answer bad-answer-mac settle-match"
because no-reversal no-answer expect
if jq -r '.cases.items[] | select(.id == "no-answer") | .findings.items[0].why' \
	"$tmp/no-reversal.json" | grep -q "expected 0400 with 39=98"; then ok; else
	bad "no-reversal: the reason does not name the reversal expected"
fi
# Ignoring A0 and 99: no sign-in follows them.
exactly ignore-a0 "answer-a0 answer-99"
because ignore-a0 answer-a0 expect
# An answer whose MAC does not verify taken as approved: no reversal A0.
exactly ignore-answer-mac "bad-answer-mac"
# Keys taken without their check values: the purchase after is MACed under a key the host
# never sent.
exactly ignore-kcv "signin-bad-kcv"
because ignore-kcv signin-bad-kcv mac
# Faults of every payment: each case with one fails on the rule, the others pass.
for pair in wrong-mac:mac clear-track:track reuse-stan:stan; do
	kind=${pair%%:*} rule=${pair#*:}
	because "$kind" purchase-stripe "$rule"
	because "$kind" no-answer "$rule"
	[ "$(jq -r '.certificate' "$tmp/$kind.json")" = null ] && ok || bad "$kind: a certificate"
done
for kind in wrong-mac clear-track; do
	case " $(failed $kind) " in
	*" signin "* | *" echo "*) bad "$kind: a case without a payment failed: $(failed $kind)" ;;
	*) ok ;;
	esac
done
because reuse-stan echo stan # even an echo repeats the STAN
# No certificate for any of them: the acquirer's store was never even made.
[ ! -e "$tmp/acquirer" ] && ok || bad "a broken terminal's run recorded something"
finish
