# e2e_route.sh — the routing table ([route] and [link.NAME], docs/links.md) in a real `possum
# host` with `possum term`: a card of a `local` range approved, a card routed to a link answered
# 91 link_down at once (no link engine yet), a card no range holds 15 no_route, each row's
# "route" in `admin txn show --json`; `admin route list`; SIGHUP with a changed table in force
# for the next request, and a bad table on SIGHUP refused (logged with its line) with the old
# one kept.
possum=$1
. "$2/tests/lib.sh"

data=$tmp/host
mid=898310057990002
base() {
	sed -e 's/^port *=.*/port = 0/' -e '/^bin *=/d' "$2/etc/possum.conf"
	printf '\n[risk]\nrules = none\n[issuer]\nbin = %s\n' "$1"
}
# The cards: one issued in each range (the issuing config names only that range).
issue() {
	base "$2" "$3" >"$tmp/issue.conf"
	product=${2##* }
	money=--balance
	[ "$product" = credit ] && money=--limit
	"$possum" admin card issue --config "$tmp/issue.conf" --data "$data" --holder "Zhao Lu" \
		--id-number 110101199001010011 --phone 13700001111 --product "$product" \
		$money 100.00 --pin 246810 --out "$tmp/$1.json" >/dev/null 2>"$tmp/err" ||
		{ echo "FAIL: issue $1: $(cat "$tmp/err")"; exit 1; }
}
issue loc "62258801 debit" "$2"
issue far "621234 debit" "$2"
issue none "62258802 credit" "$2"
pan() { sed -n 's/.*"pan": *"\([0-9]*\)".*/\1/p' "$tmp/$1.json"; }

# The host's config: every range the issuer holds, a link, and routes for two of them (621234
# to the link, inside 6212's local: the longest prefix wins).
table() {
	sed -e 's/^port *=.*/port = 0/' "$2/etc/possum.conf"
	printf '\n[risk]\nrules = none\n[link.far]\nhost = 127.0.0.1\nport = 9\ndialect = iso87a-bb\n'
	printf '[route]\n%s\n' "$1"
}
table "route = 62258801 local
route = 621234 far
route = 6212 local" "$2" >"$tmp/possum.conf"
export POSSUM_CONFIG=$tmp/possum.conf

"$possum" admin merchant add --data "$data" --name "Route Cafe" --mcc 5812 --mid $mid >/dev/null
comps=$("$possum" admin terminal add --data "$data" --merchant $mid --sn SN-R-1 --tid ROUTE001 --json |
	grep -o '"component":"[0-9A-F]*","kcv":"[0-9A-F]*"' |
	sed 's/"component":"\([0-9A-F]*\)","kcv":"\([0-9A-F]*\)"/\1:\2/' | paste -sd, -)
start_host "$data"

expect 0 "route list" -- "$possum" admin route list
out_has "621234 *far *127.0.0.1:9 *iso87a-bb"
out_has "62258801 *local"
expect 0 "route list --json" -- "$possum" admin route list --json
out_has '"destination":"far","link":{"host":"127.0.0.1","port":9,"dialect":"iso87a-bb"'

t() { "$possum" term "$@" --state "$tmp/term"; }
expect 0 "init" -- t init --host "127.0.0.1:$port" --mid $mid --tid ROUTE001 --sn SN-R-1 --tmk-components "$comps"
expect 0 "signin" -- t signin
field() { sed -n "s/.*\"$1\":\"\([^\"]*\)\".*/\1/p" "$tmp/out"; }
# pay CARD WANT_EXIT WANT_RC: a purchase of 1.00, its RRN in $rrn and its time in $ms.
pay() {
	t0=$(date +%s%N)
	expect "$2" "purchase with $1 answered $3" -- t purchase --card "$tmp/$1.json" --pin 246810 --amount 1.00 --json
	ms=$((($(date +%s%N) - t0) / 1000000))
	out_has "\"rc\":\"$3\""
	rrn=$(field rrn)
}
# route_of RRN WANT: the row's route.
route_of() {
	expect 0 "txn show $1" -- "$possum" admin txn show "$1" --data "$data" --json
	out_has "\"route\":\"$2\""
}

pay loc 0 00
route_of "$rrn" local
pay far 1 91
fast=$ms
if [ "$fast" -lt 3000 ]; then ok; else bad "91 took $fast ms"; fi
if grep -q '"rc":"91","reason":"link_down","stage":"authorize","route":"far"' "$tmp/host.log"; then ok; else bad "no 91 link_down routed to far in the log: $(grep '"rc":"91"' "$tmp/host.log" | head -2)"; fi
[ -n "$rrn" ] && route_of "$rrn" far
pay none 1 15
if grep -q '"rc":"15","reason":"no_route"' "$tmp/host.log"; then ok; else bad "no 15 no_route in the log"; fi
[ -n "$rrn" ] && route_of "$rrn" ""

# SIGHUP: the link's range and the credit range now local; the next requests see it.
table "route = 62258801-62258802 local
route = 621234 local" "$2" >"$tmp/possum.conf"
kill -HUP $host_pid
i=0
reloaded='"event":"routes","source":"[^"]*","routes":2}'
while ! grep -q "$reloaded" "$tmp/host.log" && [ $i -lt 100 ]; do sleep 0.05; i=$((i + 1)); done
if grep -q "$reloaded" "$tmp/host.log"; then ok; else bad "no reload of 2 routes logged: $(tail -3 "$tmp/host.log")"; fi
pay far 0 00
route_of "$rrn" local
pay none 0 00

# Reloads under requests: 20 purchases in a row while the table is swapped 20 times (the
# card's range local in both); every one answered 00, none lost.
(for i in $(seq 20); do t purchase --card "$tmp/loc.json" --pin 246810 --amount 0.10 --json; echo; done) \
	>"$tmp/burst" 2>&1 &
burst=$!
alt="route = 62258801-62258802 local
route = 621234 local
route = 6 local"
for i in $(seq 20); do
	[ $((i % 2)) -eq 0 ] && table "$alt" "$2" >"$tmp/possum.conf"
	[ $((i % 2)) -eq 1 ] && table "route = 62258801-62258802 local
route = 621234 local" "$2" >"$tmp/possum.conf"
	kill -HUP $host_pid
	sleep 0.05
done
wait $burst
answered=$(grep -c '"rc":"00"' "$tmp/burst")
if [ "$answered" -eq 20 ]; then ok; else bad "of 20 purchases under reloads, $answered approved: $(grep -v '"rc":"00"' "$tmp/burst" | head -3)"; fi
reloads=$(grep -c '"event":"routes"' "$tmp/host.log")

# A bad table on SIGHUP: refused with its line, the table in force stays.
table "route = 62258801 local
route = 621234 nowhere" "$2" >"$tmp/possum.conf"
line=$(grep -n "nowhere" "$tmp/possum.conf" | cut -d: -f1)
kill -HUP $host_pid
i=0
while ! grep -q 'routes_reload_failed' "$tmp/host.log" && [ $i -lt 100 ]; do sleep 0.05; i=$((i + 1)); done
if grep -q "routes_reload_failed.*line $line: \[route\] route: no link nowhere.*\"line\":$line" "$tmp/host.log"; then ok; else bad "no refused reload naming line $line: $(grep routes_reload "$tmp/host.log")"; fi
pay far 0 00
pay none 0 00
# And the host refuses to start on it.
expect 2 "host on a bad table" -- "$possum" host --data "$tmp/other" --port 0 --api-port 0 --terminal-port 0
err_has "line $line: \[route\] route: no link nowhere"
echo "routes: local approved, link 91 in $fast ms, none 15; reloads: $reloads taken (20 under 20 purchases: $answered approved, lost $((20 - answered))), 1 refused (line $line) with the old table kept"
finish
