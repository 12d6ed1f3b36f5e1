#!/bin/sh
# e2e_link_engine.sh POSSUM SOURCE_DIR — two real hosts on loopback (docs/links.md): host A
# acquires, with `possum term`, and routes the range 62258801 over an outgoing link ([link.b],
# iso87a) to host B, which issued the cards and decides them on its inbound link. Approvals and
# declines through the link with the PIN checked by B (under the zone key both hold); B slow (a
# relay holding its answers): the terminal answered 98, the reversal queued and, once B answers
# again, delivered and applied once (the balance whole again); B stopped: 91 at once; B's late
# answer to a request already timed out dropped and logged; the store-and-forward queue shown.
possum=$1
top=$2
. "$2/tests/lib.sh"
. "$top/scripts/acquirer.sh"

# ---- host B, the issuer (its own LMK: its data directory's test LMK) ----
dataB=$tmp/b
sed -e 's/^port *=.*/port = 0/' "$top/etc/possum.conf" >"$tmp/b.conf"
printf '\n[risk]\nrules = none\n[link]\nlisten = 127.0.0.1\n' >>"$tmp/b.conf"
data=$dataB
POSSUM_CONFIG=$tmp/b.conf issue_card "$tmp/card.json" 100.00
POSSUM_CONFIG=$tmp/b.conf issue_card "$tmp/card2.json" 100.00
pan=$(acq_json pan "$tmp/card.json")
pan2=$(acq_json pan "$tmp/card2.json")

# The zone PIN key: B's exported as components, formed under A's LMK ($acq_zpk).
acq_dir=$tmp
acq_lmk=2222222222222222222222222222222222222222222222222222222222222222
acq_zpk "$dataB" && ok || bad "the ZPK ceremony failed"

start_b() {
	rm -f "$dataB/host.ports"
	env -u POSSUM_LMK POSSUM_CONFIG=$tmp/b.conf "$possum" host --data "$dataB" --port "${b_link:-0}" --api-port 0 \
		--terminal-port 0 >"$tmp/b.out" 2>>"$tmp/b.log" &
	b_pid=$!
	wait_ports "$dataB" $b_pid
	b_link=$(sed -n 's/^issuer=//p' "$dataB/host.ports")
	[ -n "$b_link" ] || { echo "FAIL: host B did not start: $(cat "$tmp/b.log")"; exit 1; }
}
start_b
# What B answers goes through a relay that can hold it (a slow issuer).
start_relay "$top" "$b_link" --delay "$tmp/slow"
also_kill="$b_pid $relay_pid"

# ---- host A, the acquirer (every command with A's LMK) ----
export POSSUM_LMK=$acq_lmk
data=$tmp/a
{
	sed -e 's/^port *=.*/port = 0/' "$top/etc/possum.conf"
	printf '\n[risk]\nrules = none\n[route]\nroute = 62258801 b\n'
	printf '[link.b]\nhost = 127.0.0.1\nport = %s\ndialect = iso87a\nzpk = %s\n' "$relay" "$acq_zpk"
	printf 'connections = 1\ntimeout = 2\nsaf_interval = 1\n'
	# A MAC key (X9.19): every request to B carries 64; B's answers carry none, and are taken.
	printf 'zak = %s\n' "$(POSSUM_LMK=$acq_lmk "$possum" hsm generate --usage M3 --json | sed -n 's/.*"block":"\([^"]*\)".*/\1/p')"
} >"$tmp/a.conf"
export POSSUM_CONFIG=$tmp/a.conf
comps=$(register_terminal "$possum" "$data")
start_host "$data"
also_kill="$b_pid $relay_pid"

t() { "$possum" term "$@" --data "$tmp/term"; }
expect 0 "init" -- t init --host "127.0.0.1:$port" --mid 898310048120001 --tid TERM0001 --sn SN0001 --tmk-components "$comps" --timeout 20
expect 0 "signin" -- t signin

link_wait_up 0 b 10 && ok || bad "the link never came up: $(grep '"link":"b"' "$tmp/host.log" | tail -3)"
field() { sed -n "s/.*\"$1\":\"\([^\"]*\)\".*/\1/p" "$tmp/out"; }
balance() { env -u POSSUM_LMK POSSUM_CONFIG=$tmp/b.conf "$possum" admin card show "$1" --data "$dataB" --json | jq -r .balance.amount; }
bal0=$(balance "$pan")

# Approved by B, its PIN checked there; the auth code B gave passed through.
expect 0 "purchase through the link" -- t purchase --card "$tmp/card.json" --pin 123456 --amount 12.34 --json
out_has '"rc":"00"'
auth=$(field auth_code)
[ -n "$auth" ] && ok || bad "no auth code: $(cat "$tmp/out")"
if grep '"event":"authorization"' "$tmp/b.log" | grep -q "\"rc\":\"00\""; then ok; else bad "B decided no approval: $(grep authorization "$tmp/b.log" | tail -2)"; fi
if grep '"event":"transaction"' "$tmp/host.log" | grep -q '"route":"b".*"auth_code":"'"$auth"'"'; then ok; else bad "A's log lacks the approval routed to b: $(grep '"event":"transaction"' "$tmp/host.log" | tail -1)"; fi
expect 1 "a wrong PIN: B's 55" -- t purchase --card "$tmp/card.json" --pin 654321 --amount 1.00 --json
out_has '"rc":"55"'
expect 1 "above the balance: B's 51" -- t purchase --card "$tmp/card2.json" --pin 123456 --amount 500.00 --json
out_has '"rc":"51"'

# B slow: its answer held past A's timeout (2 s): 98, the reversal queued; B answers it once the
# hold ends, and the money is whole again, reversed once.
echo 6 >"$tmp/slow"
before=$(balance "$pan2")
t0=$(date +%s)
expect 1 "B slow: 98" -- t purchase --card "$tmp/card2.json" --pin 123456 --amount 7.00 --json
out_has '"rc":"98"'
took=$(($(date +%s) - t0))
if [ "$took" -le 6 ]; then ok; else bad "the 98 took $took s (timeout 2 s)"; fi
expect 0 "the reversal queued" -- "$possum" admin link saf --data "$data" --json
out_has '"kind":"reversal","txn_id":[0-9]*,"rrn":"[0-9]*","state":"pending"'
rm -f "$tmp/slow"
# The held answer arrives late (dropped, logged); the reversal is sent and answered done.
saf_wait done 1 30 reversal && ok || bad "the reversal not done: $(cat "$tmp/saf.json")"
if grep -q '"event":"late_answer"' "$tmp/host.log"; then ok; else bad "no late_answer logged: $(grep -c '"link":"b"' "$tmp/host.log") lines of b"; fi
after=$(balance "$pan2")
[ "$before" = "$after" ] && ok || bad "balance $before before, $after after the reversal"
# 0421 repeats of a reversal B applied once are answered as the first: the money moved once.
reversals=$(grep '"event":"authorization"' "$tmp/b.log" | grep '"op":"reversal"' | grep -vc '"reason":"repeated"')
[ "$reversals" -eq 1 ] && ok || bad "B applied $reversals reversals"

# Stand-in up to 5.00 on B's route, put in force by SIGHUP.
sed -i 's/^route = 62258801 b$/route = 62258801 b stand_in=5.00/' "$tmp/a.conf"
kill -HUP "$host_pid"
for _ in $(seq 50); do grep -q '"event":"routes"' "$tmp/host.log" && break; sleep 0.1; done
expect 0 "the route with stand-in" -- "$possum" admin route list --json
out_has '"destination":"b".*"stand_in":{"amount":500,"currency":"CNY"}'
bal_si=$(balance "$pan")

# B stopped: its cards answered 91 at once.
ups=$(link_ups b)
kill "$b_pid"
wait "$b_pid" 2>/dev/null
for _ in $(seq 100); do grep -q '"event":"link_down"' "$tmp/host.log" && break; sleep 0.1; done
t0=$(date +%s)
expect 1 "B stopped: 91" -- t purchase --card "$tmp/card.json" --pin 123456 --amount 1.00 --json
out_has '"rc":"91"'
took=$(($(date +%s) - t0))
if [ "$took" -le 2 ]; then ok; else bad "the 91 took $took s"; fi

# Stand-in while B is down: no PIN, up to 5.00, approved in B's name; with a PIN, 91.
expect 0 "stand-in approval" -- t purchase --card "$tmp/card.json" --amount 3.00 --json
out_has '"rc":"00"'
expect 1 "stand-in: above the floor" -- t purchase --card "$tmp/card.json" --amount 6.00 --json
out_has '"rc":"91"'
if grep '"event":"transaction"' "$tmp/host.log" | grep -q '"reason":"stand_in"'; then ok; else bad "no stand_in in A's log"; fi
expect 0 "the advice queued" -- "$possum" admin link saf --data "$data" --state pending --json
out_has '"kind":"advice"'

# B back on its port: the link signs on again by itself (its backoff), and pays.
start_b
also_kill="$b_pid $relay_pid"
link_wait_up "$ups" b && ok || bad "the link did not come back"
# The advice delivered once B is back, posted once.
saf_wait done 1 20 advice && ok || bad "the advice not done: $(cat "$tmp/saf.json")"
advised=$(grep '"event":"authorization"' "$tmp/b.log" | grep -c '"advice":true')
[ "$advised" -eq 1 ] && ok || bad "B posted $advised advices"
bal_after=$(balance "$pan")
[ $((bal_si - bal_after)) -eq 300 ] && ok || bad "stand-in moved $((bal_si - bal_after)), not 300"
expect 0 "purchase once B is back" -- t purchase --card "$tmp/card.json" --pin 123456 --amount 2.00 --json
out_has '"rc":"00"'
# The link in the metrics: up, its requests by how they ended, its queue by state.
sleep 1.2
curl -s "http://127.0.0.1:$api/metrics" >"$tmp/out"
out_has '^possum_link_up{link="b"} 1$'
out_has '^possum_link_requests_total{link="b",result="answered"} [1-9]'
out_has '^possum_saf_entries{link="b",state="pending"} 0$'
out_has '^possum_stage_seconds_count{stage="link_record"} [1-9]'
echo "links: 2 hosts, approvals and declines through the link, 98 then reversal applied once ($reversals), 91 at once when down, stand-in advised $advised time(s)"
finish
