# e2e_term_track.sh — track data encryption on the wire (docs/cup-pos.md "Track encryption"):
# `possum term` against a `possum host` (track_encryption = required, the default) through a
# recording relay: a swiped purchase and a balance are approved, and the bytes the terminal
# sent hold neither its track 2 (as ASCII or packed BCD) nor, for the swiped card, field 2:
# what follows the PAN in the track (separator, expiry, service code, discretionary data) is
# only under the track key. The host's log says nothing of the track either.
possum=$1
. "$2/tests/lib.sh"

command -v python3 >/dev/null 2>&1 || { echo "skipped: no python3"; exit 0; }
data=$tmp/host
st=$tmp/term
sed -e 's/^port *=.*/port = 0/' "$2/etc/possum.conf" >"$tmp/possum.conf"
printf '\n[risk]\nrules = none\n' >>"$tmp/possum.conf"
export POSSUM_CONFIG=$tmp/possum.conf
"$possum" host --data "$data" --port 0 --api-port 0 --log-messages >"$tmp/host.out" 2>"$tmp/host.log" &
host_pid=$!
relay_pid=
trap 'kill $host_pid $relay_pid 2>/dev/null; wait $host_pid 2>/dev/null; rm -rf "$tmp"' EXIT
wait_ports "$data" $host_pid
port=$(sed -n 's/^acquirer=//p' "$data/host.ports")
[ -n "$port" ] || { echo "FAIL: no acquirer port"; exit 1; }

# The relay: each connection to a free port forwarded to the host; what the terminal sends
# appended to $tmp/wire.
start_relay "$2" "$port" --wire "$tmp/wire"

issue_card "$tmp/card.json" 1000.00
comps=$(register_terminal "$possum" "$data")

t() { "$possum" term "$@" --state "$st"; }
expect 0 "init and signin" -- sh -c "$possum term init --state $st --host 127.0.0.1:$relay --tid TERM0001 --mid 898310048120001 --sn SN0001 --tmk-components $comps && $possum term signin --state $st"
expect 0 "purchase by stripe, track encrypted" -- t purchase --card "$tmp/card.json" --pin 123456 --amount 12.34 --json
out_has '"rc":"00"'
expect 0 "balance, track encrypted" -- t balance --card "$tmp/card.json" --pin 123456
out_has "balance CNY"

track=$(sed -n 's/.*"track2": *"\([0-9=]*\)".*/\1/p' "$tmp/card.json")
pan=$(sed -n 's/.*"pan": *"\([0-9]*\)".*/\1/p' "$tmp/card.json")
[ -n "$track" ] && [ -n "$pan" ] && ok || bad "no track or PAN in the card file"
[ -s "$tmp/wire" ] && ok || bad "the relay recorded nothing"
hex=$(od -An -v -tx1 "$tmp/wire" | tr -d ' \n' | tr a-f A-F)
packed=$(printf '%s' "$track" | tr = D)
tail=${packed#"$pan"}
if grep -q -- "$track" "$tmp/wire"; then bad "track 2 in ASCII on the wire"; else ok; fi
if printf '%s' "$hex" | grep -q -- "$packed"; then bad "track 2 in the clear on the wire"; else ok; fi
if printf '%s' "$hex" | grep -q -- "$tail"; then bad "the track after the PAN in the clear: $tail"; else ok; fi
# Field 2 left out for a swiped card: its length prefix and digits would read 16PAN (BCD).
if printf '%s' "$hex" | grep -q -- "$(printf '%02d' ${#pan})$pan"; then bad "field 2 on the wire"; else ok; fi
# 53: PIN format 2, TDES 6, track encryption 1.
if printf '%s' "$hex" | grep -q "2610000000000000"; then ok; else bad "no 53 with the track flag"; fi
if grep -q -- "$tail" "$tmp/host.log" "$data"/*.log 2>/dev/null; then bad "the track in the host's log"; else ok; fi
finish
