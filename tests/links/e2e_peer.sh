# e2e_peer.sh POSSUM SOURCE_DIR — possum's ISO 8583:1987 ASCII dialects against another
# implementation: the iso_8583 npm package as a far issuer (tests/links/peer/peer.mjs, started
# by lib.sh's start_peer; docs/links.md "A third-party issuer in the tests"). For each form the
# package can speak — iso87a and iso87a-bb, binary fields raw and hex — a peer in that form is
# sent, with `possum iso send`, a sign-on 0800, a 0200 with a PIN block and one without, one
# above the issuer's limit (51), one whose PAN ends in 0 (14), a 0100, a 0220 advice and a
# 0420 reversal; each answer must be read by possum with its MTI, the STAN echoed and the
# response code the peer's rules give. Then what the package cannot read is checked to stay
# so (docs/links.md lists the disagreements): field 55 in hex, 127, iso87b, the wrong binary form;
# bad bytes close that connection only; --delay and --drop-after; the peer's log holds no card
# number, track or PIN block. Skipped (77) only when node or the package cannot be had.
possum=$1
top=$2
. "$top/tests/lib.sh"
pan=6214830000000001
msgs=0
read_ok=0

# msg MTI STAN PAN AMOUNT [EXTRA]: a request as JSON (the 0800 ignores PAN and AMOUNT), its
# RRN (37) the STAN.
msg() {
	if [ "$1" = 0800 ]; then
		printf '{"mti":"0800","fields":{"7":"1206130000","11":"%06d","33":"12345678","70":"001"}}' "$2"
		return
	fi
	printf '{"mti":"%s","fields":{"2":"%s","3":"000000","4":"%012d","7":"1206130000","11":"%06d",' \
		"$1" "$3" "$4" "$2"
	printf '"32":"12345678","37":"%012d","41":"TERM0001","42":"898310048120001","49":"156"%s}}' \
		"$2" "${5:-}"
}

# original STAN: field 90 for a reversal of the 0200 STAN.
original() {
	printf ',"90":"0200%06d1206130000%011d%011d"' "$1" 12345678 0
}

# answered WHAT PROFILE BINARY WANT_MTI WANT_39 JSON: sent to $peer; the answer must be read,
# be WANT_MTI with the STAN echoed and 39 = WANT_39 (and a 6-digit 38 when 00 on 0110/0210),
# without 2, 35 or 52.
answered() {
	msgs=$((msgs + 1))
	echo "$6" >"$tmp/msg.json"
	run "$possum" iso send --host "127.0.0.1:$peer" --profile "$2" --binary "$3" --timeout 5 \
		--json <"$tmp/msg.json"
	[ "$got" -eq 0 ] || { bad "$1 ($2, $3): exit $got: $(cat "$tmp/err")"; return; }
	stan=$(jq -r '.fields["11"]' "$tmp/msg.json")
	want="$4 $stan $5"
	case $4 in 0110 | 0210) [ "$5" = 00 ] && want="$want 6" ;; esac
	have=$(jq -r '[.mti, .fields["11"], .fields["39"]] | join(" ")' "$tmp/out")
	auth=$(jq -r '.fields["38"] // "" | length | select(. > 0)' "$tmp/out")
	[ -z "$auth" ] || have="$have $auth"
	[ "$(jq '[.fields | has("2", "35", "52")] | any' "$tmp/out")" = false ] || have="$have (2, 35 or 52 echoed)"
	if [ "$have" = "$want" ]; then
		ok
		read_ok=$((read_ok + 1))
	else
		bad "$1 ($2, $3): got '$have', expected '$want': $(cat "$tmp/out")"
	fi
}

# not_read WHAT PROFILE BINARY JSON WHY: the peer cannot read it: no answer (exit 1), and its
# log says WHY.
not_read() {
	echo "$4" | "$possum" iso send --host "127.0.0.1:$peer" --profile "$2" --binary "$3" \
		--timeout 5 >"$tmp/out" 2>"$tmp/err"
	got=$?
	if [ "$got" -eq 1 ] && tail -n 1 "$peer_log" | grep -q -- "$5"; then ok; else
		bad "$1: exit $got, the peer's last line: $(tail -n 1 "$peer_log")"
	fi
}

pin=',"52":"123456789ABCDEF0"'
forms=0
for dialect in iso87a iso87a-bb; do
	for binary in raw hex; do
		start_peer "$top" --dialect $dialect --binary $binary || skip "the peer cannot run"
		forms=$((forms + 1))
		s=$((forms * 100))
		answered "sign-on" $dialect $binary 0810 00 "$(msg 0800 $((s + 1)))"
		answered "purchase with PIN" $dialect $binary 0210 00 "$(msg 0200 $((s + 2)) $pan 1000 "$pin")"
		answered "purchase" $dialect $binary 0210 00 "$(msg 0200 $((s + 3)) $pan 100000)"
		answered "large purchase" $dialect $binary 0210 51 "$(msg 0200 $((s + 4)) $pan 100001 "$pin")"
		answered "PAN ending in 0" $dialect $binary 0210 14 "$(msg 0200 $((s + 5)) 6214830000000010 500)"
		answered "authorization" $dialect $binary 0110 00 "$(msg 0100 $((s + 6)) $pan 2500)"
		answered "advice" $dialect $binary 0230 00 "$(msg 0220 $((s + 7)) $pan 2500)"
		answered "reversal" $dialect $binary 0430 00 "$(msg 0420 $((s + 8)) $pan 1000 "$(original $((s + 2)))")"
		answered "MAC" $dialect $binary 0210 00 "$(msg 0200 $((s + 9)) $pan 700 ',"64":"0102030405060708"')"
		answered "MAC 128" $dialect $binary 0210 00 "$(msg 0200 $((s + 10)) $pan 700 ',"128":"0102030405060708"')"
		pins=$(grep -c '"52":"present"' "$peer_log")
		[ "$pins" -eq 2 ] || bad "$dialect $binary: the peer read $pins PIN blocks, expected 2"
	done
done
echo "forms: $forms (iso87a and iso87a-bb, binary raw and hex), $msgs messages, answered and read: $read_ok"

# What the package does not read, and stays so (docs/links.md): 55's LLL prefix in hex counts
# bytes in possum (as in jPOS), characters in the package.
emv=',"55":"9F2608A1B2C3D4E5F6010282025800"'
start_peer "$top" --binary raw || skip "the peer cannot run"
answered "chip purchase" iso87a raw 0210 00 "$(msg 0200 501 $pan 1000 "$emv")"
raw_peer=$peer
raw_log=$peer_log
start_peer "$top" --binary hex || skip "the peer cannot run"
not_read "55 in hex" iso87a hex "$(msg 0200 502 $pan 1000 "$emv")" "bytes after the last field"
not_read "a raw PIN block to a hex peer" iso87a raw "$(msg 0200 503 $pan 1000 "$pin")" "not of type"
peer=$raw_peer peer_log=$raw_log
not_read "field 127" iso87a raw "$(msg 0200 507 $pan 1000 ',"127":"HELLO"')" "field 127"
not_read "a hex PIN block to a raw peer" iso87a hex "$(msg 0200 505 $pan 1000 "$pin")" "bytes after the last field"
# Bad bytes: that connection closed, the peer still answering.
printf '0200ZZZZ' | "$possum" iso send --host "127.0.0.1:$peer" --profile iso87a --raw --timeout 5 \
	>/dev/null 2>"$tmp/err"
if [ $? -eq 1 ] && tail -n 1 "$peer_log" | grep -q '"error":"the bitmap is not'; then ok; else
	bad "bad bytes: $(tail -n 1 "$peer_log")"
fi
answered "after bad bytes" iso87a raw 0810 00 "$(msg 0800 506)"
# iso87b (BCD) to a peer with binary bitmaps: the package reads ASCII digits only.
start_peer "$top" --dialect iso87a-bb || skip "the peer cannot run"
not_read "iso87b" iso87b raw "$(msg 0200 504 $pan 1000)" "failed to unpack at get mti"
echo "disagreements checked: 55 in hex not read, 127 not read, iso87b not read, each binary form refused by the other's peer"

# Bad usage: exit 2.
expect 2 "peer --binary foo" -- node "$top/tests/links/peer/peer.mjs" 0 --binary foo
err_has "raw or hex"

# --delay and --drop-after: two authorizations answered at least 1000 ms late (a sign-on at
# once: only authorizations are held), then none. The delay is long beside a command's own
# start (a loaded machine, the sanitizers' build: a sign-on took 409 ms there once).
start_peer "$top" --delay 1000 --drop-after 3 || skip "the peer cannot run"
t0=$(date +%s%N)
answered "sign-on, not held" iso87a raw 0810 00 "$(msg 0800 600)"
ms=$((($(date +%s%N) - t0) / 1000000))
if [ $ms -lt 1000 ]; then ok; else bad "a sign-on held $ms ms"; fi
t0=$(date +%s%N)
answered "delayed purchase" iso87a raw 0210 00 "$(msg 0200 601 $pan 1000)"
answered "delayed purchase" iso87a raw 0210 00 "$(msg 0200 602 $pan 1000)"
ms=$((($(date +%s%N) - t0) / 1000000))
if [ $ms -ge 2000 ]; then ok; else bad "two answers 1000 ms late took $ms ms"; fi
msg 0800 603 | "$possum" iso send --host "127.0.0.1:$peer" --profile iso87a --timeout 1 \
	>/dev/null 2>&1
if [ $? -eq 1 ] && grep -q '"11":"000603".*"answered":false' "$peer_log"; then ok; else
	bad "--drop-after 3: the fourth request was answered: $(tail -n 1 "$peer_log")"
fi
echo "delay and drop: a sign-on at once, 2 authorizations in $ms ms, the fourth request dropped"

# The logs: the PAN masked to its last 4 digits; never the PAN, the PIN block nor track data.
cat "$tmp"/peer*.log >"$tmp/logs"
lines=$(wc -l <"$tmp/logs")
if grep -q -e "$pan" -e 123456789ABCDEF0 -e 123456789abcdef0 -e '"35"' "$tmp/logs"; then
	bad "a peer's log holds card data"
else ok; fi
if grep -q '"2":"\*\{12\}0001"' "$tmp/logs"; then ok; else bad "no masked PAN in the logs"; fi
echo "peer: $msgs messages, each answered and read: $read_ok"
echo "peer logs: $lines lines, clear card numbers or PIN blocks: $(grep -c -e "$pan" -e 123456789ABCDEF0 "$tmp/logs")"
finish
