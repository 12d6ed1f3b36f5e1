# e2e_term_faults.sh — `possum term` against a real `possum host` over TCP when things go
# wrong: a tampered MAC (A0, then the terminal signs in again and its retry is approved), a
# replay (94), an unknown terminal (97), a wrong SN (58 at its sign-in), the host killed
# (SIGKILL) with a request unanswered and restarted, the terminal's reversal leaving the card
# as before (a request the host never read, and one it applied whose answer was dropped), card
# authentication required (C1) and lapsed (C2: the card reported lost; replaced), every
# transaction type once with the settlement totals agreeing, and no clear PAN, PIN, CVV2 or
# track 2 in the databases (with their -wal files) and logs.
possum=$1
. "$2/tests/lib.sh"

data=$tmp/host
mid=898310057990001
# The demo configuration with free ports; credit cards must be authenticated to pay.
sed -e 's/^port *=.*/port = 0/' -e 's/^cardauth_credit *=.*/cardauth_credit = yes/' \
	"$2/etc/possum.conf" >"$tmp/possum.conf"
# One card pays many times in a row here: the risk rules (tests/risk) stay off.
printf '\n[risk]\nrules = none\n' >>"$tmp/possum.conf"
export POSSUM_CONFIG=$tmp/possum.conf

# start_host [PORT]: the host on the terminal port PORT (default a free one) → $host_pid, $port.
start_host() {
	rm -f "$data/host.ports"
	"$possum" host --data "$data" --port 0 --api-port 0 --terminal-port "${1:-0}" >/dev/null 2>>"$tmp/host.log" &
	host_pid=$!
	i=0
	while ! grep -q '^acquirer=' "$data/host.ports" 2>/dev/null && [ $i -lt 200 ] &&
		kill -0 $host_pid 2>/dev/null; do
		sleep 0.05
		i=$((i + 1))
	done
	port=$(sed -n 's/^acquirer=//p' "$data/host.ports" 2>/dev/null)
}
start_host
trap 'kill -CONT $host_pid 2>/dev/null; kill $host_pid 2>/dev/null; wait $host_pid 2>/dev/null; rm -rf "$tmp"' EXIT
[ -n "$port" ] || { echo "FAIL: no acquirer port"; exit 1; }

# Cards with distinctive PINs, looked for in the files at the end.
issue() {
	name=$1
	shift
	"$possum" admin card issue --data "$data" --holder "Qian Shi" --id-number 110101199512120011 \
		--phone 13700001234 --out "$tmp/$name.json" "$@" >/dev/null
}
issue debit --product debit --balance 1000.00 --pin 481357
issue chip --product debit --balance 1000.00 --pin 592468 --chip
issue credit --product credit --limit 5000.00 --pin 603579
issue poor --product debit --balance 0.50 --pin 714680
img() { sed -n "s/.*\"$1\": *\"\([^\"]*\)\".*/\1/p" "$tmp/$2.json"; }
out_field() { sed -n "s/.*\"$1\":\"\{0,1\}\([^\",}]*\).*/\1/p" "$tmp/out"; }
show() { "$possum" admin card show --data "$data" --json "$(img pan "$1")"; }

# Terminals: two registered (one set up with another SN), one never registered.
"$possum" admin merchant add --data "$data" --name "Faulty Tools" --mcc 5251 --mid $mid >/dev/null
components() {
	"$possum" admin terminal add --data "$data" --merchant $mid --sn "$2" --tid "$1" --json |
		grep -o '"component":"[0-9A-F]*","kcv":"[0-9A-F]*"' |
		sed 's/"component":"\([0-9A-F]*\)","kcv":"\([0-9A-F]*\)"/\1:\2/' | paste -sd, -
}
c1=$(components FAULT001 SN-F-1)
c2=$(components FAULT002 SN-F-2)
t() {
	st=$1
	shift
	"$possum" term "$@" --state "$tmp/$st"
}
init() { t "$1" init --host "127.0.0.1:$port" --mid $mid --tid "$2" --sn "$3" --tmk-components "$4"; }
expect 0 "init" -- init t1 FAULT001 SN-F-1 "$c1"
expect 0 "init, another SN" -- init t2 FAULT002 SN-OTHER "$c2"
expect 0 "init, a TID never registered" -- init t3 FAULT099 SN-F-9 "$c1"
expect 2 "--inject takes timeout or bad-mac" -- t t1 purchase --card "$tmp/debit.json" \
	--amount 1.00 --inject slow
err_has "timeout or bad-mac"

expect 0 "signin" -- t t1 signin
expect 0 "echo" -- t t1 echo

# 97: the host does not know the terminal.
expect 1 "unknown terminal signs in" -- t t3 signin --json
out_has '"rc":"97"'
# 58: the terminal's field 59 names another SN than its binding's — at its sign-in already:
# refused with a risk event and no working keys, so that it cannot pay.
expect 1 "signin, wrong SN: 58" -- t t2 signin --json
out_has '"rc":"58"'
if grep -q '"rc":"58","reason":"sn_differs"' "$tmp/host.log"; then ok; else bad "no 58 sn_differs in the host's log"; fi
expect 0 "the risk event" -- "$possum" admin terminal status --tid FAULT002 --data "$data"
out_has "risk events  1"
expect 1 "purchase, wrong SN: not approved" -- t t2 purchase --card "$tmp/debit.json" --pin 481357 \
	--amount 1.00 --json
if grep -q '"rc":"00"' "$tmp/out"; then bad "approved: $(cat "$tmp/out")"; else ok; fi

# A0: field 64 corrupted; the terminal signs in again and its retry is approved.
expect 0 "purchase, tampered MAC" -- t t1 purchase --card "$tmp/debit.json" --pin 481357 \
	--amount 3.00 --inject bad-mac --json
out_has '"rc":"00"'
out_has '"retried":true'
if grep -q '"rc":"A0","reason":"mac_wrong"' "$tmp/host.log"; then ok; else bad "no A0 mac_wrong in the host's log"; fi
# The retry's line names the route that decided it; the refusal's, refused before the route,
# names none.
if grep -q '"rc":"00","reason":"approved","stage":"authorize","route":"local_issuer"' "$tmp/host.log"; then ok; else bad "no approval routed to local_issuer in the host's log: $(grep '"rc":"00"' "$tmp/host.log" | head -2)"; fi
if grep '"reason":"mac_wrong"' "$tmp/host.log" | grep -q '"route"'; then bad "a request refused at the MAC has a route"; else ok; fi

# 94: the same request again — the terminal's state copied before it, so the copy sends the
# same TID, STAN and batch under the same keys.
cp -R "$tmp/t1" "$tmp/t1copy"
expect 0 "purchase" -- t t1 purchase --card "$tmp/debit.json" --pin 481357 --amount 4.00 --json
stan=$(out_field stan)
expect 1 "the same purchase replayed" -- t t1copy purchase --card "$tmp/debit.json" \
	--pin 481357 --amount 4.00 --json
out_has '"rc":"94"'
[ "$(out_field stan)" = "$stan" ] && ok || bad "the replay did not repeat stan $stan"

# Every transaction type once (and the declines for funds and PIN).
expect 0 "balance" -- t t1 balance --card "$tmp/debit.json" --pin 481357 --json
out_has '"balance":'
expect 0 "chip purchase" -- t t1 purchase --card "$tmp/chip.json" --entry chip --pin 592468 \
	--amount 9.00 --json
out_has '"arpc":"ok"'
stan_void=$(out_field stan)
expect 1 "insufficient funds" -- t t1 purchase --card "$tmp/poor.json" --pin 714680 \
	--amount 1.00 --json
out_has '"rc":"51"'
expect 1 "wrong PIN" -- t t1 purchase --card "$tmp/debit.json" --pin 999999 --amount 1.00 --json
out_has '"rc":"55"'
expect 0 "void" -- t t1 void --stan "$stan_void"
expect 0 "purchase to refund" -- t t1 purchase --card "$tmp/debit.json" --pin 481357 \
	--amount 20.00 --json
rrn=$(out_field rrn)
expect 0 "refund" -- t t1 refund --card "$tmp/debit.json" --rrn "$rrn" --amount 5.00
expect 0 "preauth" -- t t1 preauth --card "$tmp/debit.json" --pin 481357 --amount 50.00 --json
auth=$(out_field auth_code)
expect 0 "preauth-cancel" -- t t1 preauth-cancel --card "$tmp/debit.json" --auth "$auth" \
	--amount 50.00
expect 0 "preauth again" -- t t1 preauth --card "$tmp/debit.json" --pin 481357 --amount 60.00 --json
auth=$(out_field auth_code)
expect 0 "completion" -- t t1 preauth-complete --card "$tmp/debit.json" --auth "$auth" \
	--amount 55.00 --json
stan_comp=$(out_field stan)
expect 0 "completion void" -- t t1 void --stan "$stan_comp" --json
out_has '"type":"completion-void"'
expect 0 "receipt" -- t t1 receipt --stan "$stan_comp"
out_has "CUSTOMER COPY"

# C1, then the card authenticated (the code from the text message) and paid; C2 once it was
# reported lost and found again; a replacement is a new card (C1), the old one's lapsed (C2).
expect 1 "credit card not authenticated" -- t t1 purchase --card "$tmp/credit.json" \
	--pin 603579 --amount 10.00 --json
out_has '"rc":"C1"'
# auth_card: both steps for the card of image $1; 0 when the second is approved.
auth_card() {
	n=$(grep -c . "$data/sms.jsonl" 2>/dev/null)
	p=$(img pan "$1")
	t t1 auth-card --card "$tmp/$1.json" --holder "Qian Shi" --id-number 110101199512120011 \
		--phone 13700001234 >/dev/null 2>&1 || return 1
	i=0
	code=
	while [ -z "$code" ] && [ $i -lt 50 ]; do
		sleep 0.1
		code=$(tail -n +$((n + 1)) "$data/sms.jsonl" 2>/dev/null | grep "尾号${p#"${p%????}"}" |
			sed -n 's/.*验证码为\([0-9]\{6\}\).*/\1/p' | tail -n 1)
		i=$((i + 1))
	done
	t t1 auth-card --card "$tmp/$1.json" --otp "${code:-000000}" >/dev/null 2>&1
}
expect 0 "card authentication, both steps" -- auth_card credit
expect 0 "credit card authenticated" -- t t1 purchase --card "$tmp/credit.json" --pin 603579 \
	--amount 10.00
"$possum" admin card status --data "$data" "$(img pan credit)" --set lost >/dev/null
"$possum" admin card status --data "$data" "$(img pan credit)" --set active >/dev/null
expect 1 "found again after being lost" -- t t1 purchase --card "$tmp/credit.json" \
	--pin 603579 --amount 10.00 --json
out_has '"rc":"C2"'
if grep -q '"rc":"C2","reason":"cardauth_card_lost"' "$tmp/host.log"; then ok; else bad "no C2 card_lost in the host's log"; fi
expect 0 "authenticated again" -- auth_card credit
expect 0 "and paid" -- t t1 purchase --card "$tmp/credit.json" --pin 603579 --amount 10.00
"$possum" admin card replace --data "$data" "$(img pan credit)" --pin 603579 \
	--out "$tmp/credit2.json" >/dev/null
expect 1 "the replacement card" -- t t1 purchase --card "$tmp/credit2.json" --pin 603579 \
	--amount 10.00 --json
out_has '"rc":"C1"'
expect 1 "the replaced card" -- t t1 purchase --card "$tmp/credit.json" --pin 603579 \
	--amount 10.00 --json
out_has '"rc":"C2"'

# The host killed with a request it never read: restarted, the reversal leaves the card as it
# was.
show debit >"$tmp/before.json"
kill -STOP $host_pid
"$possum" term purchase --card "$tmp/debit.json" --pin 481357 --amount 7.00 --timeout 30 \
	--state "$tmp/t1" >/dev/null 2>"$tmp/killed.err" &
term_pid=$!
sleep 1
kill -KILL $host_pid
wait $term_pid
[ $? -eq 1 ] && ok || bad "the purchase without answer did not fail"
if grep -q "reversal is pending" "$tmp/killed.err"; then ok; else bad "no reversal pending: $(cat "$tmp/killed.err")"; fi
wait $host_pid 2>/dev/null
start_host "$port"
[ -n "$port" ] || { echo "FAIL: the host did not restart"; exit 1; }
expect 0 "after the restart the reversal goes first" -- t t1 balance --card "$tmp/chip.json" \
	--entry chip --pin 592468 --json
out_has '"reversals":1'
show debit >"$tmp/after.json"
if cmp -s "$tmp/before.json" "$tmp/after.json"; then ok; else bad "the card changed: $(cat "$tmp/before.json") → $(cat "$tmp/after.json")"; fi

# A request the host applied, its answer dropped (--inject timeout), the host killed and
# restarted: the reversal undoes it.
expect 1 "purchase, answer dropped" -- t t1 purchase --card "$tmp/debit.json" --pin 481357 \
	--amount 8.00 --inject timeout
err_has "reversal is pending"
show debit >"$tmp/applied.json"
if cmp -s "$tmp/before.json" "$tmp/applied.json"; then bad "the dropped purchase was not applied"; else ok; fi
kill -KILL $host_pid
wait $host_pid 2>/dev/null
start_host "$port"
expect 0 "batch shows it pending" -- t t1 batch
out_has "reversal pending"
expect 0 "the reversal delivered first" -- t t1 echo
expect 0 "then a purchase" -- t t1 purchase --card "$tmp/chip.json" --entry chip --pin 592468 \
	--amount 2.00 --json
out_has '"reversals":1'
show debit >"$tmp/after.json"
if cmp -s "$tmp/before.json" "$tmp/after.json"; then ok; else bad "the card changed: $(cat "$tmp/before.json") → $(cat "$tmp/after.json")"; fi

# The host and the terminal agree on the day: flag 1, nothing uploaded.
expect 0 "settle" -- t t1 settle --json
out_has '"settle_flag":1'
out_has '"uploaded":0'
expect 0 "signout" -- t t1 signout
expect 0 "ledger check" -- "$possum" admin ledger check --data "$data"

# Nothing in the clear, while the host runs (its -wal file) and after it stopped: not a PAN
# (as text, or as BCD in the bytes), track 2 (either separator), a PIN, or a CVV2 as a value.
# clear FILES...: checks each file.
clear() {
	for f in "$@"; do
		[ -f "$f" ] || continue
		hexdump=$(od -An -tx1 -v "$f" | tr -d ' \n')
		for c in debit chip credit credit2 poor; do
			pan=$(img pan $c) track=$(img track2 $c) cvv2=$(img cvv2 $c) pin=$(img pin $c)
			for s in "$pan" "$track" "$(echo "$track" | tr = D)" "${track#*=}" "$pin" \
				"\"$cvv2\"" "cvv2"; do
				if grep -aqi -- "$s" "$f"; then bad "'$s' ($c) in the clear in $f"; else ok; fi
			done
			case $hexdump in
			*"$(echo "$pan" | cut -c2-17)"*) bad "the PAN of $c as BCD in $f" ;;
			*) ok ;;
			esac
		done
	done
}
# host_store: the host's store as files in $store: DIR/possum.db and its -wal, or on
# PostgreSQL its database dumped (pg_dump: bytea as hex, so a PAN as BCD shows as its digits).
host_store() {
	store=$(ls "$data"/possum.db* 2>/dev/null)
	[ "$db_backend" = postgres ] || return 0
	store=$tmp/store.sql
	"$pg_bin/pg_dump" -d "$(pg_db_of "$data")" -f "$store" && ok || bad "pg_dump"
}
host_store
[ "$db_backend" = postgres ] || { ls "$data"/possum.db-wal >/dev/null 2>&1 && ok || bad "no -wal file while the host runs"; }
# shellcheck disable=SC2086
clear $store "$tmp"/t1/possum.db* "$tmp"/t2/possum.db* "$tmp/host.log" "$data/sms.jsonl"
kill -TERM $host_pid
wait $host_pid
[ $? -eq 0 ] && ok || bad "the host did not stop cleanly"
host_store
# shellcheck disable=SC2086
clear $store "$tmp"/t1/possum.db* "$tmp/host.log"
finish
