#!/bin/sh
# e2e_link_peer.sh POSSUM SOURCE_DIR — a third-party ISO 8583 implementation as the far issuer
# (docs/links.md "A third-party issuer in the tests": tests/links/peer, over the iso_8583 npm
# package): a possum host routes 62258801 over [link.peer] to it, in iso87a with binary fields
# raw, then hex; purchases with and without a PIN block approved, one above its limit 51, its
# answers read back through the pipeline to `possum term`; the peer's answer held past the
# timeout: 98, and the reversal (0420) the peer receives and acknowledges.
possum=$1
top=$2
. "$2/tests/lib.sh"

start_peer "$top" --dialect iso87a --binary raw || skip "node or the iso_8583 package"
raw_peer=$peer raw_log=$peer_log
start_peer "$top" --dialect iso87a --binary hex --delay 3000 || skip "node or the iso_8583 package"
hex_peer=$peer hex_log=$peer_log

data=$tmp/host
export POSSUM_CONFIG=$tmp/possum.conf
# A card of the host's own range: only its image is used, the peer decides.
sed -e 's/^port *=.*/port = 0/' "$top/etc/possum.conf" >"$tmp/possum.conf"
# The peer declines 14 a card number ending in 0: one that does not.
issue_card "$tmp/card.json" 100.00
while grep -q '"pan": *"[0-9]*0"' "$tmp/card.json"; do issue_card "$tmp/card.json" 100.00; done
comps=$(register_terminal "$possum" "$data")
zpk=$("$possum" hsm generate --usage P0 --lmk "$data/lmk" --json | sed -n 's/.*"block":"\([^"]*\)".*/\1/p')
[ -n "$zpk" ] && ok || bad "no zone PIN key generated"
# conf LINK: the host's configuration, the range routed to LINK: peer (raw) or hex.
conf() {
	sed -e 's/^port *=.*/port = 0/' "$top/etc/possum.conf"
	printf '\n[risk]\nrules = none\n[route]\nroute = 62258801 %s\n' "$1"
	printf '[link.peer]\nhost = 127.0.0.1\nport = %s\ndialect = iso87a\nbinary = raw\n' "$raw_peer"
	printf 'zpk = %s\nconnections = 1\ntimeout = 2\nsaf_interval = 1\n' "$zpk"
	printf '[link.hex]\nhost = 127.0.0.1\nport = %s\ndialect = iso87a\nbinary = hex\n' "$hex_peer"
	printf 'zpk = %s\nconnections = 1\ntimeout = 2\nsaf_interval = 1\n' "$zpk"
}
conf peer >"$tmp/possum.conf"
start_host "$data"

t() { "$possum" term "$@" --data "$tmp/term"; }
expect 0 "init" -- t init --host "127.0.0.1:$port" --mid 898310048120001 --tid TERM0001 --sn SN0001 --tmk-components "$comps" --timeout 20
expect 0 "signin" -- t signin
link_wait_up 0 peer 10 && link_wait_up 0 hex 10 && ok || bad "the links to the peers never came up: $(grep '"link":"' "$tmp/host.log" | tail -3)"

answered=0
# pay WANT_EXIT WANT_RC ARGS...: a purchase through the peer.
pay() {
	_x=$1 _rc=$2
	shift 2
	expect "$_x" "purchase $* answered $_rc" -- t purchase --card "$tmp/card.json" --json "$@"
	out_has "\"rc\":\"$_rc\""
	grep -q "\"rc\":\"$_rc\"" "$tmp/out" && answered=$((answered + 1))
}
pay 0 00 --amount 12.34
pay 0 00 --amount 5.00 --pin 123456
pay 1 51 --amount 1500.00
if grep -q '"mti":"0200"' "$raw_log"; then ok; else bad "the peer logged no 0200: $(head -c 300 "$raw_log")"; fi
if grep '"event":"transaction"' "$tmp/host.log" | grep -q '"route":"peer"'; then ok; else bad "no transaction routed to peer"; fi

# The range routed (SIGHUP) to the other peer, binary fields as hex text, answering 3 s late:
# 98 at 2 s, then the reversal (0420) it receives and acknowledges.
conf hex >"$tmp/possum.conf"
kill -HUP "$host_pid"
for _ in $(seq 50); do grep -q '"event":"routes"' "$tmp/host.log" && break; sleep 0.1; done
pay 1 98 --amount 7.00 --pin 123456
if grep -q '"mti":"0200"' "$hex_log"; then ok; else bad "the hex peer logged no 0200"; fi
saf_wait done 1 20 reversal && ok || bad "the reversal not done: $(cat "$tmp/saf.json")"
if grep -q '"mti":"0420"' "$hex_log"; then ok; else bad "the peer got no 0420: $(tail -c 300 "$hex_log")"; fi
echo "peer issuer: iso87a raw and hex, answers through the pipeline $answered, reversal acknowledged"
finish
