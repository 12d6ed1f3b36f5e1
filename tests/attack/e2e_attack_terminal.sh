#!/bin/sh
# e2e_attack_terminal.sh — attacks on the terminal port of a real `possum host`, each refused
# and changing nothing (the host's database compared before and after each): a genuine
# purchase captured on the wire (tests/relay.py --frames) and replayed (94), altered after its
# MAC, with a forged MAC, with none, and with another merchant or SN under a forged MAC (A0: no
# risk event from a request nobody MACed); a PIN block under another terminal's PIN key and
# under a key nobody has (99); PINs guessed (locked at [issuer] pin_tries = 3: the right PIN
# refused after) and one-time codes guessed, a card authentication's and a settlement card's
# (locked at otp_tries = 3). Prints one line per attack and "attacks: N tried, …".
possum=$1
. "$2/tests/lib.sh"
for c in python3 sqlite3 jq; do
	command -v $c >/dev/null 2>&1 || { echo "e2e_attack_terminal: $c is needed" >&2; exit 1; }
done

load_host "$2"
[ -n "$port" ] || { echo "FAIL: the host did not start: $(cat "$tmp/host.log")"; exit 1; }
mid=898310048120001
"$possum" admin merchant add --data "$data" --name "Possum Cafe" --mcc 5812 --mid $mid >/dev/null
load_terminals $mid ATTACK0 2
comp() { sed -n "$1p" "$tmp/terminals" | cut -d' ' -f4; }

# The man in the middle: terminal 1 pays through it, and it keeps what it saw.
start_relay "$2" "$port" --frames "$tmp/wire.hex"
load_pid=$relay_pid

t() {
	d=$1
	shift
	"$possum" term "$@" --data "$tmp/$d"
}
expect 0 "terminal 1 set up" -- t t1 init --host "127.0.0.1:$relay" --mid $mid --tid ATTACK01 \
	--sn SNATTACK01 --tmk-components "$(comp 1)"
# Terminal 2 shares terminal 1's LMK, so that its key blocks can be put in a copy of 1.
mkdir "$tmp/t2" && cp "$tmp/t1/lmk" "$tmp/t2/lmk"
expect 0 "terminal 2 set up" -- t t2 init --host "127.0.0.1:$port" --mid $mid --tid ATTACK02 \
	--sn SNATTACK02 --tmk-components "$(comp 2)"
expect 0 "terminal 1 signs in" -- t t1 signin
expect 0 "terminal 2 signs in" -- t t2 signin

issue() {
	"$possum" admin card issue --data "$data" --holder "Qian Shi" --id-number 110101199512120011 \
		--phone 13700001234 --out "$tmp/$1.json" --product "$2" --pin "$3" $4 >/dev/null
}
issue debit debit 481357 "--balance 1000.00"
issue guess debit 246802 "--balance 1000.00"
issue credit credit 603579 "--limit 5000.00"
issue poor debit 714680 "--balance 0.50"
pan() { jq -r .pan "$tmp/$1.json"; }

# answered [N]: the response code and reason of the host's last transaction line, or of the
# first after line N of its log.
answered() {
	if [ -n "${1:-}" ]; then
		tail -n +$(($1 + 1)) "$tmp/host.log" | grep -a '"event":"transaction"' | head -1
	else
		grep -a '"event":"transaction"' "$tmp/host.log" | tail -1
	fi | sed -n 's/.*"rc":"\([^"]*\)","reason":"\([^"]*\)".*/\1 \2/p'
}
# send: the message JSON on stdin to the terminal port; prints field 39 and the log's reason.
send() {
	f39=$("$possum" iso send --host "127.0.0.1:$port" --profile cup-pos --json "$@" | jq -r '.fields["39"]')
	sleep 0.1
	echo "$f39 $(answered | cut -d' ' -f2)"
}
# state: the host's database but for its texts' delivery (its scheduler's), and their count.
state() {
	db_state "$data" notify_outbox
	echo "texts: $(db_sql "$data" "SELECT count(*) FROM notify_outbox")"
}
before() {
	db_quiet "$data"
	state >"$tmp/before"
}
after() { state >"$tmp/after"; }

# A genuine purchase, captured.
expect 0 "a genuine purchase" -- t t1 purchase --card "$tmp/debit.json" --pin 481357 --amount 4.00
frame=$(awk 'substr($0, 23, 4) == "0200"' "$tmp/wire.hex" | tail -1)
[ -n "$frame" ] || { echo "FAIL: nothing captured: $(cat "$tmp/wire.hex")"; exit 1; }
printf '%04X%s' $((${#frame} / 2)) "$frame" |
	"$possum" iso decode --profile cup-pos --framed --json - >"$tmp/genuine.json"
# forge JQ: the captured purchase changed by the jq filter JQ, on stdout.
forge() { jq -c "$1" "$tmp/genuine.json"; }

before
said=$(python3 -c "import sys; sys.stdout.buffer.write(bytes.fromhex(sys.argv[1]))" "$frame" | send --raw)
after
attack "replayed MAC (the captured purchase again)" "$said" "^94 duplicate$" "$tmp/before" "$tmp/after"

# forged WHAT JQ WANT: the captured purchase changed by JQ (a STAN of its own, so that only the
# MAC stands in the way), sent; answered WANT, nothing changed.
forged() {
	before
	said=$(forge "$2" | send)
	after
	attack "$1" "$said" "$3" "$tmp/before" "$tmp/after"
}
forged "purchase altered after MACing (amount, STAN)" \
	'.fields["4"] = "000000000001" | .fields["11"] = "000901"' "^A0 mac_wrong$"
forged "forged MAC (field 64 made up)" \
	'.fields["11"] = "000902" | .fields["64"] = "4630524745443A29"' "^A0 mac_wrong$"
forged "MAC left out (no field 64)" '.fields["11"] = "000903" | del(.fields["64"])' "^A0 mac_missing$"
# Before the MAC was checked first, these were 58 with a risk event each.
forged "another merchant under a forged MAC" \
	'.fields["11"] = "000904" | .fields["42"] = "898310048129999"' "^A0 mac_wrong$"
forged "another SN under a forged MAC" \
	'.fields["11"] = "000905" | .fields["59"] |= sub("SNATTACK01"; "SNATTACK99")' "^A0 mac_wrong$"

# A sign-in replayed: the dialect MACs no sign-in, so it is answered 00 and the terminal's
# working keys change; the genuine terminal's next request is then A0 (the MAC checked before
# anything else), and it signs in again and is approved.
signin=$(awk 'substr($0, 23, 4) == "0800"' "$tmp/wire.hex" | head -1)
said=$(python3 -c "import sys; sys.stdout.buffer.write(bytes.fromhex(sys.argv[1]))" "$signin" | send --raw)
expect 0 "the terminal's next purchase" -- t t1 purchase --card "$tmp/debit.json" --pin 481357 \
	--amount 1.00 --json
out_has '"retried":true'
[ "$said" = "00 signed_in" ] && ok || bad "a replayed sign-in: $said"
echo "note: a replayed sign-in is answered $said; the terminal's next purchase: $(jq -r .rc "$tmp/out"), retried $(jq -r .retried "$tmp/out")"

# A PIN block under terminal 2's PIN key, then under one nobody has, MACed by terminal 1: a
# copy of terminal 1 (STANs of its own) with another PIN key block (its LMK's) in its state.
# The host answers 99 and the copy signs in and retries with its own key; the card cannot pay
# 5.00 (51): the 99 must leave the card's PIN tries and the money as they were.
card_money() { db_rows "$data" cards ledger_accounts ledger_transfers; }
stan=100
pik() {
	rm -rf "$tmp/t1x"
	cp -R "$tmp/t1" "$tmp/t1x"
	stan=$((stan + 100))
	sqlite3 "$tmp/t1x/possum.db" "UPDATE term_state SET stan = $stan, host = '127.0.0.1:$port'"
	t t1x signin >/dev/null
	sqlite3 "$tmp/t1x/possum.db" "UPDATE term_state SET pik = '$1'"
	db_quiet "$data"
	card_money >"$tmp/before"
	n=$(wc -l <"$tmp/host.log")
	t t1x purchase --card "$tmp/poor.json" --pin 714680 --amount 5.00 --json >"$tmp/out" 2>&1
	sleep 0.1
	said="$(answered "$n"), retried: $(jq -r .rc "$tmp/out")"
	card_money >"$tmp/after"
}
pik "$(sqlite3 "$tmp/t2/possum.db" "SELECT pik FROM term_state")"
attack "PIN block under another terminal's PIN key" "$said" "^99 pin_block, retried: 51$" \
	"$tmp/before" "$tmp/after"
pik "$("$possum" hsm generate --usage P0 --lmk "$tmp/t1/lmk" --json | jq -r .block)"
attack "PIN block of garbage (a key nobody has)" "$said" "^99 pin_block, retried: 51$" \
	"$tmp/before" "$tmp/after"
expect 0 "terminal 1 signs in again" -- t t1 signin

# PINs guessed: three wrong (55, 55, 75), then the right one still refused (75). The card's
# tries are what the lock changes; the money is what must not move.
money() { db_rows "$data" ledger_accounts ledger_transfers; }
db_quiet "$data"
money >"$tmp/before"
said=
for p in 111111 222222 333333 246802; do
	t t1 purchase --card "$tmp/guess.json" --pin $p --amount 1.00 --json >"$tmp/out" 2>&1
	said="$said$(jq -r .rc "$tmp/out") "
done
money >"$tmp/after"
tries=$("$possum" admin card show --data "$data" --json "$(pan guess)" | jq -r .pin_tries)
attack "PIN guessed 3 times, then the right PIN" "${said}tries $tries" "^55 55 75 75 tries 3$" \
	"$tmp/before" "$tmp/after"

# A card authentication's code guessed: three wrong (05 code_wrong), then the right one
# refused (05 no_code_pending); the card is still not authenticated (C1).
expect 0 "card authentication, step 1" -- t t1 auth-card --card "$tmp/credit.json" \
	--holder "Qian Shi" --id-number 110101199512120011 --phone 13700001234
sleep 0.3
code=$(sms_code "$data/sms.jsonl")
money >"$tmp/before"
said=
for c in 000000 111111 222222 "$code"; do
	t t1 auth-card --card "$tmp/credit.json" --otp "$c" --json >"$tmp/out" 2>&1
	said="$said$(jq -r .rc "$tmp/out")/$(answered | cut -d' ' -f2) "
done
said="${said}then $(db_sql "$data" "SELECT reason FROM cardauths ORDER BY id DESC LIMIT 1")"
money >"$tmp/after"
attack "card authentication code guessed 3 times" "$said" \
	"^05/code_wrong 05/code_wrong 05/code_wrong 05/no_code_pending then code_tries$" \
	"$tmp/before" "$tmp/after"

# A settlement card's code guessed: the same lock; the merchant's card stays unbound.
expect 0 "settlement card, step 1" -- "$possum" admin settlement-card start $mid --data "$data" \
	--card "$(pan debit)" --holder "Qian Shi" --id-number 110101199512120011 --phone 13700001234
code=$(sms_code "$data/sms.jsonl")
bound() { "$possum" admin settlement-card show $mid --data "$data" --json | jq -c '{current, next}'; money; }
bound >"$tmp/before"
said=
for c in 000000 111111 222222 "$code"; do
	"$possum" admin settlement-card confirm $mid --data "$data" --code "$c" >"$tmp/out" 2>&1
	said="$said$? "
done
bound >"$tmp/after"
said="exit ${said}pending $("$possum" admin settlement-card show $mid --data "$data" --json | jq -r .pending)"
attack "settlement card code guessed 3 times" "$said" "^exit 1 1 1 1 pending null$" \
	"$tmp/before" "$tmp/after"

expect 0 "the ledger check" -- "$possum" admin ledger check --data "$data"
attacks_done
finish
