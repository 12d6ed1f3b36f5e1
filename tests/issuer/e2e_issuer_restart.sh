#!/bin/sh
# e2e_issuer_restart.sh POSSUM SOURCE_DIR — nothing committed is lost when the host dies: an
# acquirer pays in a loop while `possum host` is killed with SIGKILL, then restarted. Every
# approval the acquirer received is in the ledger; a request that got no answer is reversed
# (the acquirer's duty), which undoes it if the host had committed it and changes nothing if
# not; the balance is then exactly the opening one less the approvals, and the ledger check
# passes.
possum=$1
top=$2
. "$(dirname "$0")/../lib.sh"
. "$top/scripts/acquirer.sh"

export POSSUM_LMK=3333333333333333333333333333333333333333333333333333333333333333
export POSSUM_CONFIG=$top/etc/possum.conf
data=$tmp/data
acq_dir=$tmp
acq_lmk=4444444444444444444444444444444444444444444444444444444444444444

expect 0 "issue a card" -- "$possum" admin card issue --data "$data" --product debit \
	--holder "Sun Qi" --id-number 110101197707074567 --phone 13800004444 --balance 1000.00 \
	--pin 246810 --json
pan=$(acq_json pan "$tmp/out")
track=$(acq_json track2 "$tmp/out")
acq_zpk "$data" && ok || bad "the ZPK ceremony failed"
pb=$(acq_pinblock 246810 "$pan")

# start: the host on a free port, its port in $acq_host.
start() {
	rm -f "$data/host.ports"
	"$possum" host --data "$data" --port 0 --api-port 0 --terminal-port 0 >/dev/null 2>>"$tmp/host.log" &
	pid=$!
	i=0
	while [ ! -s "$data/host.ports" ] && [ $i -lt 600 ] && kill -0 $pid 2>/dev/null; do
		sleep 0.05
		i=$((i + 1))
	done
	acq_host=127.0.0.1:$(sed -n 's/^issuer=//p' "$data/host.ports")
}

start
# Purchases of 1.00, one after another, each line "STAN RC" ("STAN " when no answer came).
(
	for n in $(seq 1 40); do
		acq_msg 0200 000000 100 "$pan" "$track" "$pb"
		acq_send
		echo "$acq_stan $acq_rc" >>"$tmp/results"
	done
) &
payer=$!
i=0
while [ "$(wc -l <"$tmp/results" 2>/dev/null || echo 0)" -lt 10 ] && [ $i -lt 1500 ]; do
	sleep 0.02
	i=$((i + 1))
done
kill -KILL $pid
wait $payer
approved=$(grep -c ' 00$' "$tmp/results")
unanswered=$(grep -c ' $' "$tmp/results")
[ "$approved" -ge 10 ] && ok || bad "only $approved approvals before the kill"
[ "$unanswered" -ge 1 ] && ok || bad "no request went unanswered: the host was not killed mid-loop"

start
# The acquirer reverses every request that got no answer.
for stan in $(sed -n 's/ $//p' "$tmp/results"); do
	acq_stan=$stan
	KEEP_STAN=1 TRANSMIT=1130235959 acq_msg 0400 000000 100 "$pan" "$track" ""
	acq_send
	[ "$acq_rc" = 00 ] && ok || bad "reversal of $stan answered '$acq_rc'"
done
acq_msg 0200 310000 0 "$pan" "$track" "$pb"
acq_send
want=$(printf '0002156C%012d' $((100000 - approved * 100)))
[ "$(acq_json 54 "$tmp/answer.json")" = "$want" ] && ok ||
	bad "balance $(acq_json 54 "$tmp/answer.json"), expected $want after $approved approvals"
kill -TERM $pid
wait $pid
expect 0 "ledger check" -- "$possum" admin ledger check --data "$data"
out_has "0 violations"
finish
