# e2e_term.sh — `possum term` against a real `possum host` over TCP, as the issue 5 contract
# has them speak: registration, sign-in, stripe and chip purchases, balance, declines (55, 51),
# void, refund, pre-authorization and completion, settlement, a reversal after a host that
# stopped answering (SIGSTOP), a terminal killed with a reversal pending and the reversal
# delivered after its restart, and no clear PAN, PIN or track data in databases or logs.
# Skipped until the acquirer side (`possum admin terminal`) is there.
possum=$1
. "$2/tests/lib.sh"

if ! "$possum" admin terminal --help >/dev/null 2>&1; then
	echo "skipped: no acquirer"
	exit 0
fi

data=$tmp/host
st=$tmp/term
# The demo configuration, with free ports and this test's data directory.
sed -e 's/^port *=.*/port = 0/' "$2/etc/possum.conf" >"$tmp/possum.conf"
# The risk rules (tests/risk) stay off: this test's terminal and cards are not what it judges.
printf '\n[risk]\nrules = none\n' >>"$tmp/possum.conf"
export POSSUM_CONFIG=$tmp/possum.conf
"$possum" host --data "$data" --port 0 --api-port 0 >"$tmp/host.out" 2>"$tmp/host.log" &
host_pid=$!
trap 'kill -CONT $host_pid 2>/dev/null; kill $host_pid 2>/dev/null; wait $host_pid 2>/dev/null; rm -rf "$tmp"' EXIT
for _ in $(seq 100); do [ -s "$data/host.ports" ] && grep -q acquirer "$data/host.ports" && break; sleep 0.1; done
port=$(sed -n 's/^acquirer=//p' "$data/host.ports")
[ -n "$port" ] || { echo "FAIL: no acquirer port"; exit 1; }

# Cards: a debit stripe card with money, a chip card, and one with little on it.
issue() {
	"$possum" admin card issue --data "$data" --product debit --holder "Zhang San" \
		--id-number 110101199003070000 --phone 13800000000 --pin 123456 "$@" >/dev/null
}
issue --balance 1000.00 --out "$tmp/card.json"
issue --balance 1000.00 --chip --out "$tmp/chip.json"
issue --balance 0.50 --out "$tmp/poor.json"

# Registration: the merchant, the terminal and its TMK components.
"$possum" admin merchant add --data "$data" --name "Possum Cafe" --mcc 5812 --mid 898310048120001 >/dev/null
"$possum" admin terminal add --data "$data" --merchant 898310048120001 --sn SN0001 --tid TERM0001 --json >"$tmp/tadd.json"
comps=$(grep -o '"component":"[0-9A-F]*","kcv":"[0-9A-F]*"' "$tmp/tadd.json" |
	sed 's/"component":"\([0-9A-F]*\)","kcv":"\([0-9A-F]*\)"/\1:\2/' | paste -sd, -)

t() { "$possum" term "$@" --state "$st"; }
expect 0 "init" -- t init --host "127.0.0.1:$port" --tid TERM0001 --mid 898310048120001 --sn SN0001 --tmk-components "$comps"
expect 0 "signin" -- t signin
expect 0 "echo" -- t echo
expect 0 "purchase by stripe" -- t purchase --card "$tmp/card.json" --pin 123456 --amount 12.34 --json
stan1=$(sed -n 's/.*"stan":"\([0-9]*\)".*/\1/p' "$tmp/out")
rrn1=$(sed -n 's/.*"rrn":"\([0-9]*\)".*/\1/p' "$tmp/out")
expect 0 "purchase by chip" -- t purchase --card "$tmp/chip.json" --entry chip --pin 123456 --amount 5.00 --json
out_has '"arpc":"ok"'
stan_chip=$(sed -n 's/.*"stan":"\([0-9]*\)".*/\1/p' "$tmp/out")
# A chip slip, as CUP prints one: the merchant's name (63.2 of the sign-in's answer), the date
# with its year, the application (AID, label) and the TC of the card's second GENERATE AC.
expect 0 "chip receipt" -- t receipt --stan "$stan_chip"
out_has "MERCHANT NAME: Possum Cafe$"
out_has "DATE/TIME: 20[0-9][0-9]-[01][0-9]-[0-3][0-9] [0-2][0-9]:[0-5][0-9]:[0-5][0-9]$"
out_has "AID: A000000333010101  应用标签 APP LABEL: UnionPay Debit$"
out_has "^TC: [0-9A-F]\{16\}$"
if grep -q "^ARQC" "$tmp/out"; then bad "an approved chip slip shows the ARQC, not the TC"; else ok; fi
expect 0 "chip receipt --json" -- t receipt --stan "$stan_chip" --json
out_has 'TC: [0-9A-F]\{16\}'
expect 0 "balance" -- t balance --card "$tmp/card.json" --pin 123456
out_has "balance CNY"
expect 1 "wrong PIN" -- t purchase --card "$tmp/card.json" --pin 000000 --amount 1.00
err_has "55"
if grep -q "hint" "$tmp/out"; then bad "a hint for a wrong PIN: $(cat "$tmp/out")"; else ok; fi
expect 1 "insufficient funds" -- t purchase --card "$tmp/poor.json" --pin 123456 --amount 1.00
err_has "51"
# A chip card swiped: 59, and the terminal says to insert the chip (the iCVV is not the
# stripe's CVV). A debit purchase without a PIN: 55, and the terminal says one is required.
expect 1 "chip card swiped" -- t purchase --card "$tmp/chip.json" --pin 123456 --amount 1.00
out_has "purchase: 59"
out_has "hint: a chip card read by its stripe: insert the chip (--entry chip)"
out_has "iCVV, not the stripe's CVV"
expect 1 "chip card swiped, JSON" -- t purchase --card "$tmp/chip.json" --pin 123456 --amount 1.00 --json
out_has '"hint":"a chip card read by its stripe'
expect 1 "debit purchase without a PIN" -- t purchase --card "$tmp/card.json" --amount 1.00
out_has "purchase: 55"
out_has "hint: no PIN was entered, and the issuer requires one"
out_has "(--pin PIN)"
expect 2 "void: STAN and another --stan" -- t void "$stan1" --stan 999999
err_has "STAN given twice"
expect 0 "void (--stan, as before)" -- t void --stan "$stan1"
expect 0 "purchase to refund" -- t purchase --card "$tmp/card.json" --pin 123456 --amount 20.00 --json
rrn2=$(sed -n 's/.*"rrn":"\([0-9]*\)".*/\1/p' "$tmp/out")
expect 0 "refund" -- t refund --card "$tmp/card.json" --rrn "$rrn2" --amount 5.00
expect 0 "preauth" -- t preauth --card "$tmp/card.json" --pin 123456 --amount 50.00 --json
auth=$(sed -n 's/.*"auth_code":"\([0-9A-Za-z]*\)".*/\1/p' "$tmp/out")
expect 0 "completion" -- t preauth-complete --card "$tmp/card.json" --auth "$auth" --amount 40.00
expect 0 "receipt (STAN)" -- t receipt "$stan1"
out_has "MERCHANT COPY"
[ -n "$rrn1" ] && out_has "$rrn1"
out_has "MERCHANT NAME: Possum Cafe$"
out_has "DATE/TIME: 20[0-9][0-9]-"
if grep -q "^AID\|^TC" "$tmp/out"; then bad "a stripe slip with chip lines: $(cat "$tmp/out")"; else ok; fi

# One voice: the batch, the API and the host's log name a transaction's fields alike.
expect 0 "batch --json" -- t batch --json
out_has '"stan":"'"$stan1"'","batch":[0-9]*,"card":"[0-9]\{6\}\**[0-9]\{4\}","amount":{"amount":1234,"currency":"CNY"}'
out_has '"auth_code":"[0-9A-Za-z]\{6\}"'
out_has '"sales":{"amount":[0-9]*,"currency":"CNY"}'
if grep '"event":"transaction"' "$tmp/host.log" |
	grep '"tid":"TERM0001","mid":"898310048120001","stan":"'"$stan1"'"' |
	grep -q '"card":"[0-9]\{6\}\**[0-9]\{4\}","amount":1234,"currency":"CNY"'; then ok; else
	bad "no transaction log line with the API's names: $(grep '"event":"transaction"' "$tmp/host.log" | head -1)"; fi
# --data names the terminal's directory; --state is its old name; the two differing: 2.
expect 0 "echo, --data" -- "$possum" term echo --data "$st"
expect 0 "echo, --data and --state the same" -- "$possum" term echo --data "$st" --state "$st"
expect 2 "--data and --state differ" -- "$possum" term echo --data "$st" --state "$tmp/other"
err_has "old name of --data"
# Each subcommand takes its own options, and its help says them and its exit statuses.
expect 2 "purchase takes no --otp" -- t purchase --card "$tmp/card.json" --amount 1.00 --otp 123456
err_has "unknown option '--otp'"
expect 0 "void --help" -- "$possum" term void --help
out_has "^Usage: possum term void STAN "
out_has "^Exit status: 0 approved (done); 1 declined or failed; 2 bad usage.$"

# The host stops answering: the purchase times out and its reversal waits.
kill -STOP $host_pid
expect 1 "purchase without answer" -- t purchase --card "$tmp/card.json" --pin 123456 --amount 7.00 --timeout 1
err_has "reversal is pending"
kill -CONT $host_pid
expect 0 "the reversal goes first" -- t echo
expect 0 "next purchase delivers the reversal" -- t purchase --card "$tmp/card.json" --pin 123456 --amount 1.00 --json
out_has '"reversals":1'

# The terminal killed while waiting: the reversal survives its restart.
kill -STOP $host_pid
"$possum" term purchase --card "$tmp/card.json" --pin 123456 --amount 8.00 --timeout 30 \
	--state "$st" >/dev/null 2>&1 &
term_pid=$!
# Killed once its reversal is kept (before it sends, the terminal stores it): a fixed second
# was too short for a loaded machine.
for _ in $(seq 100); do t batch 2>/dev/null | grep -q "reversal pending" && break; sleep 0.1; done
kill -KILL $term_pid
wait $term_pid 2>/dev/null
kill -CONT $host_pid
expect 0 "batch shows it pending" -- t batch
out_has "reversal pending"
expect 0 "after the restart the reversal is delivered" -- t balance --card "$tmp/card.json" --pin 123456 --json
out_has '"reversals":1'

expect 0 "settle" -- t settle
expect 0 "signout" -- t signout

# A host that cannot be reached: the address, and why.
u() { "$possum" term "$@" --state "$tmp/unreachable"; }
expect 0 "init, nothing listening" -- u init --host 127.0.0.1:1 --tid TERM0001 --mid 898310048120001 --sn SN0001 --tmk-components "$comps"
expect 1 "signin, nothing listening" -- u signin --timeout 2
err_has "cannot reach the host at 127.0.0.1:1: connection refused"
err_has "is \`possum host\` running there"
expect 1 "echo, nothing listening" -- u echo --timeout 2
err_has "cannot reach the host at 127.0.0.1:1: connection refused"
expect 0 "init, a name that does not resolve" -- u init --host no-such-host.invalid:5000 --tid TERM0001 --mid 898310048120001 --sn SN0001 --tmk-components "$comps"
expect 1 "signin, a name that does not resolve" -- u signin --timeout 2
err_has "cannot reach the host at no-such-host.invalid:5000: name not resolved"

# Nothing in the clear: PANs, PINs, track data.
for c in card chip; do
	pan=$(sed -n 's/.*"pan": *"\([0-9]*\)".*/\1/p' "$tmp/$c.json")
	for f in "$st"/possum.db* "$data"/possum.db* "$tmp/host.log"; do
		[ -f "$f" ] || continue
		if grep -aq "$pan" "$f"; then bad "clear PAN in $f"; else ok; fi
	done
done
finish
