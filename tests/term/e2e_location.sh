# e2e_location.sh — the terminal's reported location (docs/cup-pos.md, 59.A2.06): `possum term
# init --location LAT,LON` makes the terminal send it on purchase and pre-authorization, the
# host keeps the last one with its time, and `possum admin terminal show` prints it with its
# distance from the registered place; a terminal set up without one sends none; a bad
# --location is bad usage.
possum=$1
. "$2/tests/lib.sh"

data=$tmp/host
sed -e 's/^port *=.*/port = 0/' "$2/etc/possum.conf" >"$tmp/possum.conf"
# The risk rules (tests/risk) stay off: this test's terminal and cards are not what it judges.
printf '\n[risk]\nrules = none\n' >>"$tmp/possum.conf"
export POSSUM_CONFIG=$tmp/possum.conf
"$possum" host --data "$data" --port 0 --api-port 0 >"$tmp/host.out" 2>"$tmp/host.log" &
host_pid=$!
trap 'kill $host_pid 2>/dev/null; wait $host_pid 2>/dev/null; rm -rf "$tmp"' EXIT
for _ in $(seq 100); do [ -s "$data/host.ports" ] && grep -q acquirer "$data/host.ports" && break; sleep 0.1; done
port=$(sed -n 's/^acquirer=//p' "$data/host.ports")
[ -n "$port" ] || { echo "FAIL: no acquirer port"; exit 1; }

issue_card "$tmp/card.json" 1000.00
"$possum" admin merchant add --data "$data" --name "Possum Cafe" --mcc 5812 --mid 898310048120001 >/dev/null
# TERM0001 and TERM0003 registered at Tiananmen; TERM0002 with no place.
comps() {
	grep -o '"component":"[0-9A-F]*","kcv":"[0-9A-F]*"' "$1" |
		sed 's/"component":"\([0-9A-F]*\)","kcv":"\([0-9A-F]*\)"/\1:\2/' | paste -sd, -
}
"$possum" admin terminal add --data "$data" --merchant 898310048120001 --sn SN0001 --tid TERM0001 \
	--address "Tiananmen, Beijing" --lat 39915000 --lon 116404000 --json >"$tmp/t1.json"
"$possum" admin terminal add --data "$data" --merchant 898310048120001 --sn SN0002 --tid TERM0002 \
	--json >"$tmp/t2.json"
"$possum" admin terminal add --data "$data" --merchant 898310048120001 --sn SN0003 --tid TERM0003 \
	--address "Tiananmen, Beijing" --lat 39915000 --lon 116404000 --json >"$tmp/t3.json"
show() { "$possum" admin terminal show "$@" --data "$data"; }

t1() { "$possum" term "$@" --data "$tmp/term1"; }
t2() { "$possum" term "$@" --data "$tmp/term2"; }
t3() { "$possum" term "$@" --data "$tmp/term3"; }
init1() { t1 init --host "127.0.0.1:$port" --tid TERM0001 --mid 898310048120001 --sn SN0001 --tmk-components "$(comps "$tmp/t1.json")" "$@"; }

# Bad locations: usage errors, nothing set up.
for loc in 39915000 "39915000, 116404000" 91000000,0 0,180000001 39.915,116.404 +1,1 1,2,3 ""; do
	expect 2 "--location '$loc'" -- init1 --location "$loc"
	err_has "--location: LAT,LON in signed micro-degrees"
done
expect 1 "nothing set up by a bad --location" -- t1 signin --timeout 2

# TERM0001 in Shanghai, 1,068,512 m from where it was registered.
expect 0 "init --location" -- init1 --location 31230416,121473701
expect 0 "signin" -- t1 signin
expect 0 "show before any payment" -- show TERM0001
out_has "^reported     -$"
expect 0 "purchase with a location" -- t1 purchase --card "$tmp/card.json" --pin 123456 --amount 1.00
expect 0 "show" -- show TERM0001
out_has "^place        Tiananmen, Beijing (39915000, 116404000 µ°)$"
out_has "^reported     31230416,121473701 µ°, 1068512 m from its place$"
out_has "^reported at  20[0-9][0-9]-"
expect 0 "show --json" -- show TERM0001 --json
out_has '"place":{"address":"Tiananmen, Beijing","lat":39915000,"lon":116404000}'
out_has '"reported":{"lat":31230416,"lon":121473701,"at":"20[0-9-]*T[0-9:]*[+-Z][0-9:]*","distance_m":1068512}'
# TERM0003, registered at Tiananmen and there: its pre-authorization reports it, 0 m.
expect 0 "init TERM0003" -- t3 init --host "127.0.0.1:$port" --tid TERM0003 --mid 898310048120001 --sn SN0003 --tmk-components "$(comps "$tmp/t3.json")" --location 39915000,116404000
expect 0 "signin TERM0003" -- t3 signin
expect 0 "preauth with a location" -- t3 preauth --card "$tmp/card.json" --pin 123456 --amount 2.00
expect 0 "show after the preauth" -- show TERM0003 --json
out_has '"reported":{"lat":39915000,"lon":116404000,"at":"[^"]*","distance_m":0}'

# TERM0002 set up without --location: sends no 06, nothing reported; no place, no distance.
expect 0 "init without --location" -- t2 init --host "127.0.0.1:$port" --tid TERM0002 --mid 898310048120001 --sn SN0002 --tmk-components "$(comps "$tmp/t2.json")"
expect 0 "signin without a location" -- t2 signin
expect 0 "purchase without a location" -- t2 purchase --card "$tmp/card.json" --pin 123456 --amount 1.00
expect 0 "show without a location" -- show TERM0002
out_has "^reported     -$"
expect 0 "show --json without a location" -- show TERM0002 --json
out_has '"reported":null'
finish
