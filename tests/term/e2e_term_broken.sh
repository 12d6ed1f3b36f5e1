# e2e_term_broken.sh — the reference terminal's test switches (POSSUM_TERM_BROKEN, README.md
# "Test aids"), each against a real `possum host`: the terminal made wrong on purpose does the
# wrong thing a certification case is to catch, and the host (or the terminal's own record)
# shows it. reuse-stan: the second purchase repeats the STAN, 94; wrong-mac: A0 mac_wrong, the
# retry too; clear-track: 30 track_not_encrypted; ignore-a0: an A0 and no sign-in after it;
# no-reversal: an answer dropped and the next purchase sent without its 0400, both applied;
# ignore-answer-mac: an answer with its MAC tampered (tests/relay.py --flip) taken as approved,
# no reversal; ignore-kcv: a sign-in whose track key was tampered taken, its requests then
# refused. An unknown kind is bad usage (2).
possum=$1
. "$2/tests/lib.sh"

command -v python3 >/dev/null 2>&1 || { echo "skipped: no python3"; exit 0; }
data=$tmp/host
mid=898310057990002
name="Broken Tools" # the merchant's name: the sign-in's answer ends with 63, CUP and it
sed -e 's/^port *=.*/port = 0/' "$2/etc/possum.conf" >"$tmp/possum.conf"
printf '\n[risk]\nrules = none\n' >>"$tmp/possum.conf"
export POSSUM_CONFIG=$tmp/possum.conf
"$possum" host --data "$data" --port 0 --api-port 0 --terminal-port 0 --log-messages \
	>"$tmp/host.out" 2>"$tmp/host.log" &
host_pid=$!
relay_pid=
trap 'kill $host_pid $relay_pid 2>/dev/null; wait $host_pid 2>/dev/null; rm -rf "$tmp"' EXIT
wait_ports "$data" $host_pid
port=$(sed -n 's/^acquirer=//p' "$data/host.ports")
[ -n "$port" ] || { echo "FAIL: no acquirer port: $(cat "$tmp/host.log")"; exit 1; }
# The relay that tampers with the host's answers while $tmp/flip names a byte.
start_relay "$2" "$port" --flip "$tmp/flip"

issue_card "$tmp/card.json" 1000.00
"$possum" admin merchant add --data "$data" --name "$name" --mcc 5251 --mid $mid >/dev/null
out_field() { sed -n "s/.*\"$1\":\"\{0,1\}\([^\",}]*\).*/\1/p" "$tmp/out"; }
balance() { "$possum" admin card show --data "$data" --json "$(sed -n 's/.*"pan": *"\([0-9]*\)".*/\1/p' "$tmp/card.json")" | sed -n 's/.*"balance":{"amount":\([0-9-]*\).*/\1/p'; }
# term N [VAR=VALUE...] -- ARGS...: `possum term ARGS` as terminal TBROKENN (state $tmp/tN),
# with VAR=VALUE in its environment.
term() {
	n=$1
	shift
	vars=
	while [ "$1" != "--" ]; do
		vars="$vars $1"
		shift
	done
	shift
	# shellcheck disable=SC2086
	env $vars "$possum" term "$@" --state "$tmp/t$n"
}
# setup N [HOST:PORT]: terminal TBROKENN registered, set up (on the host, or HOST:PORT) and
# signed in.
setup() {
	comps=$("$possum" admin terminal add --data "$data" --merchant $mid --sn "SN-B-$1" \
		--tid "TBROKEN$1" --json | sed -n 's/.*"tmk_components":"\([^"]*\)".*/\1/p')
	term "$1" -- init --host "${2:-127.0.0.1:$port}" --mid $mid --tid "TBROKEN$1" --sn "SN-B-$1" \
		--tmk-components "$comps" >/dev/null &&
		term "$1" -- signin >/dev/null
}
# sent N MTI: how many requests of MTI terminal TBROKENN sent, as the host logged them.
sent() { grep '"message"' "$tmp/host.log" | grep '"direction":"in"' | grep "\"41\":\"TBROKEN$1\"" | grep -c "\"mti\":\"$2\""; }
purchase() { n=$1; shift; term "$n" "$@" -- purchase --card "$tmp/card.json" --pin 123456 --amount 1.00 --json; }

# An unknown kind: bad usage, named; nothing sent.
expect 0 "terminal 1 set up" -- setup 1
expect 2 "an unknown kind" -- term 1 POSSUM_TERM_BROKEN=wrong-mac,no-such -- signin
err_has "no-such"
expect 2 "an empty kind" -- term 1 POSSUM_TERM_BROKEN=wrong-mac, -- signin
[ "$(sent 1 0800)" = 1 ] && ok || bad "a bad POSSUM_TERM_BROKEN sent: $(sent 1 0800) sign-ins"
expect 0 "no switch: the terminal as it should be" -- term 1 POSSUM_TERM_BROKEN= -- echo

# reuse-stan: the STAN does not advance; the host answers the second purchase 94.
expect 0 "terminal 2 set up" -- setup 2
expect 0 "reuse-stan: a purchase" -- purchase 2 POSSUM_TERM_BROKEN=reuse-stan
stan=$(out_field stan)
expect 1 "reuse-stan: the next one repeats its STAN" -- purchase 2 POSSUM_TERM_BROKEN=reuse-stan
out_has '"rc":"94"'
[ "$(out_field stan)" = "$stan" ] && ok || bad "reuse-stan: stan $(out_field stan) after $stan"


# wrong-mac: every request's MAC wrong: A0 mac_wrong, and the retry after signing in again too.
expect 0 "terminal 3 set up" -- setup 3
expect 1 "wrong-mac: a purchase" -- purchase 3 POSSUM_TERM_BROKEN=wrong-mac
out_has '"rc":"A0"'
out_has '"retried":true'
n=$(grep '"tid":"TBROKEN3"' "$tmp/host.log" | grep -c '"rc":"A0","reason":"mac_wrong"')
[ "$n" = 2 ] && ok || bad "wrong-mac: $n requests refused mac_wrong, expected the purchase and its retry"

# clear-track: track 2 in the clear, 53's third digit 0: 30 track_not_encrypted.
expect 0 "terminal 4 set up" -- setup 4
expect 1 "clear-track: a purchase" -- purchase 4 POSSUM_TERM_BROKEN=clear-track
out_has '"rc":"30"'
if grep '"tid":"TBROKEN4"' "$tmp/host.log" | grep -q '"rc":"30","reason":"track_not_encrypted"'; then ok; else bad "clear-track: no 30 track_not_encrypted in the host's log"; fi
if grep '"direction":"in"' "$tmp/host.log" | grep '"41":"TBROKEN4"' | grep -q '"53":"2600000000000000"'; then ok; else bad "clear-track: no 53 2600000000000000 sent"; fi

# ignore-a0: an A0 (its MAC made wrong) and no sign-in after it, no retry.
expect 0 "terminal 5 set up" -- setup 5
signins=$(sent 5 0800)
expect 1 "ignore-a0: a purchase answered A0" -- purchase 5 POSSUM_TERM_BROKEN=wrong-mac,ignore-a0
out_has '"rc":"A0"'
out_has '"retried":false'
[ "$(sent 5 0800)" = "$signins" ] && ok || bad "ignore-a0: $(sent 5 0800) sign-ins after $signins"
[ "$(sent 5 0200)" = 1 ] && ok || bad "ignore-a0: $(sent 5 0200) purchases sent, expected 1"

# no-reversal: the answer dropped (the host applied the purchase), then the next purchase goes
# without the 0400 first: both stay applied.
expect 0 "terminal 6 set up" -- setup 6
before=$(balance)
expect 1 "a purchase, its answer dropped" -- term 6 -- purchase --card "$tmp/card.json" \
	--pin 123456 --amount 2.00 --inject timeout
err_has "reversal is pending"
expect 0 "no-reversal: the next purchase" -- purchase 6 POSSUM_TERM_BROKEN=no-reversal
out_has '"reversals":0'
[ "$(sent 6 0400)" = 0 ] && ok || bad "no-reversal: $(sent 6 0400) reversals sent"
[ "$(balance)" = $((before - 300)) ] && ok || bad "no-reversal: balance $(balance), expected $((before - 300))"
expect 0 "and nothing pending after" -- term 6 -- batch
if grep -q "reversal pending" "$tmp/out"; then bad "no-reversal: a reversal still pending"; else ok; fi

# ignore-answer-mac: the approval's MAC tampered with on its way (its last byte). The terminal
# as it should be refuses it and reverses; with the switch it is taken as approved.
expect 0 "terminal 7 set up" -- setup 7 "127.0.0.1:$relay"
echo -1 >"$tmp/flip"
expect 1 "an approval with a bad MAC" -- purchase 7
err_has "reversal is pending"
rm -f "$tmp/flip"
expect 0 "its reversal delivered before the next" -- purchase 7
out_has '"reversals":1'
[ "$(sent 7 0400)" = 1 ] && ok || bad "$(sent 7 0400) reversals sent, expected 1"
echo -1 >"$tmp/flip"
expect 0 "ignore-answer-mac: taken as approved" -- purchase 7 POSSUM_TERM_BROKEN=ignore-answer-mac
out_has '"rc":"00"'
rm -f "$tmp/flip"
expect 0 "and nothing reversed after" -- purchase 7
out_has '"reversals":0'
[ "$(sent 7 0400)" = 1 ] && ok || bad "ignore-answer-mac: $(sent 7 0400) reversals sent, expected 1"

# ignore-kcv: the sign-in's answer tampered with on its way — the last byte of the track key
# (62 holds PIK, MAK, TDK, each 16 bytes and a 4-byte KCV; then 63, 2 bytes of length, CUP and
# the merchant's name). The terminal as it should be refuses the keys; with the switch it takes
# them, and its tracks then do not decrypt at the host.
expect 0 "terminal 8 set up" -- setup 8 "127.0.0.1:$relay"
echo $((-(2 + 3 + ${#name} + 4 + 1))) >"$tmp/flip"
expect 1 "a tampered sign-in" -- term 8 -- signin
err_has "check value"
# The host holds the new keys already: the terminal forgets its old ones and sends nothing.
expect 1 "then signed out: the purchase is not sent" -- purchase 8
err_has "sign in"
[ "$(sent 8 0200)" = 0 ] && ok || bad "a terminal whose sign-in failed sent $(sent 8 0200) purchases"
expect 0 "ignore-kcv: the tampered sign-in taken" -- term 8 POSSUM_TERM_BROKEN=ignore-kcv -- signin
rm -f "$tmp/flip"
expect 1 "its track then does not decrypt" -- purchase 8
out_has '"rc":"30"'
if grep '"tid":"TBROKEN8"' "$tmp/host.log" | grep -q '"rc":"30","reason":"track_invalid"'; then ok; else bad "ignore-kcv: no 30 track_invalid in the host's log"; fi
finish
