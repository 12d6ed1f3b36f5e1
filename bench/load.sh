# load.sh — the end-to-end benchmark of `make bench`: a fresh `possum host` (a temporary data
# directory, free ports, SQLite with synchronous=FULL, the daily limits off), LOAD_CARDS debit
# cards (default 64, possum load's most) with a large balance and a chip card, a merchant and LOAD_TERMINALS terminals (default 100)
# registered, then `possum load` for LOAD_SECONDS (default 20) from the same machine. Prints
# the load's figures and the host's peak memory, stops the host (SIGTERM) and checks the
# ledger. Figures are printed, never asserted. LOAD_ENTRY=chip pays by chip. Then the same load
# with and without the default risk rules, in the order default, default, none after the first
# run's none — so that the database's growth and the machine's drift weigh on both alike —
# each pass's figures and the two means printed (LOAD_COMPARE=0: the first run alone). Last,
# the host is started again on the same data with mutual TLS on the terminals' port (docs/tls.md;
# certificates by tests/lib.sh's tls_test_pki, the openssl command) and the first run made
# again over TLS (LOAD_TLS=0: not): its approved purchases a second and p50/p99 printed beside
# the clear run's, a line each.
# Run: sh bench/load.sh [POSSUM_BINARY] [SRC_DIR]
possum=${1:-build/possum}
src=${2:-.}
terminals=${LOAD_TERMINALS:-100}
seconds=${LOAD_SECONDS:-20}
entry=${LOAD_ENTRY:-swipe}

. "$src/bench/figures.sh"
tmp=$(mktemp -d)
host_pid=
# start_host [PORT]: the host on $data with $POSSUM_CONFIG, listening, its terminals' port PORT
# (default a free one); sets host_pid and port.
start_host() {
	"$possum" host --data "$data" --port 0 --api-port 0 --terminal-port "${1:-0}" >>"$tmp/host.out" 2>>"$tmp/host.log" &
	host_pid=$!
	i=0
	while ! grep -q '^acquirer=' "$data/host.ports" 2>/dev/null; do
		kill -0 "$host_pid" 2>/dev/null || fail "the host did not start"
		[ $i -lt 200 ] || fail "the host did not listen in 10 s"
		sleep 0.05
		i=$((i + 1))
	done
	port=$(sed -n 's/^acquirer=//p' "$data/host.ports")
}
# stop_host: SIGTERM, its exit checked, then the ledger's.
stop_host() {
	kill -TERM "$host_pid"
	wait "$host_pid"
	host_rc=$?
	host_pid=
	[ "$host_rc" -eq 0 ] || fail "the host exited $host_rc"
	"$possum" admin ledger check --data "$data" || fail "the ledger check failed"
}
cleanup() {
	[ -n "$host_pid" ] && kill "$host_pid" 2>/dev/null && wait "$host_pid" 2>/dev/null
	rm -rf "$tmp"
}
trap cleanup EXIT
trap 'exit 1' INT TERM
fail() {
	echo "bench/load.sh: $*" >&2
	[ -f "$tmp/host.log" ] && tail -n 5 "$tmp/host.log" >&2
	exit 1
}

data=$tmp/host
sed -e 's/^port *=.*/port = 0/' \
	-e 's/^daily_amount_limit *=.*/daily_amount_limit = 0/' \
	-e 's/^daily_count_limit *=.*/daily_count_limit = 0/' \
	"$src/etc/possum.conf" >"$tmp/possum.conf"
# The risk rules ([risk] rules): none for the first run (an empty file), then the shipped ones
# for the next two and none again for the last, each loaded by SIGHUP — but card_velocity's
# counts, which a load's cards pass in seconds (each pays thousands of times in ten minutes),
# raised out of reach: every rule is still evaluated and every value it reads fetched.
: >"$tmp/load.rules"
: >"$tmp/none.rules"
sed -e 's/card_count_10m >= 4 and card_count_10m <= 5/card_count_10m >= 1000000 and card_count_10m <= 1000001/' \
	-e 's/card_count_10m >= 6/card_count_10m >= 1000002/' "$src/etc/risk.rules" >"$tmp/default.rules"
printf '\n[risk]\nrules = %s\n' "$tmp/load.rules" >>"$tmp/possum.conf"
# Every terminal comes from this machine's one address: room for them all ([link]
# max_connections_per_address, 64 by default, would close the rest).
printf '\n[link]\nmax_connections_per_address = %d\n' $((terminals + 16)) >>"$tmp/possum.conf"
export POSSUM_CONFIG="$tmp/possum.conf"
start_host

issue() {
	"$possum" admin card issue --data "$data" --product debit --holder "Load Test" \
		--id-number 110101199003070000 --phone 13800000000 --pin 123456 \
		--balance 100000000.00 "$@" >/dev/null || fail "card issue failed"
}
issue --out "$tmp/card.json"
issue --chip --out "$tmp/chip.json"
# A chip card swiped fails its track's iCVV (59): each entry pays with its own card; LOAD_CARDS
# (default 64, possum load's most) of them, taken in turn.
if [ "$entry" = chip ]; then card=$tmp/chip.json; else card=$tmp/card.json; fi
cards="--card $card"
n=2
while [ $n -le "${LOAD_CARDS:-64}" ]; do
	if [ "$entry" = chip ]; then issue --chip --out "$tmp/card$n.json"; else issue --out "$tmp/card$n.json"; fi
	cards="$cards --card $tmp/card$n.json"
	n=$((n + 1))
done

mid=898310048120001
"$possum" admin merchant add --data "$data" --name "Load Test Mart" --mcc 5411 --mid $mid \
	>/dev/null || fail "merchant add failed"
echo "registering $terminals terminals…" >&2
n=1
while [ $n -le "$terminals" ]; do
	tid=$(printf 'L%07d' $n)
	"$possum" admin terminal add --data "$data" --merchant $mid --sn "SN$tid" --tid "$tid" \
		--json >"$tmp/tadd.json" || fail "terminal add $tid failed"
	comps=$(grep -o '"component":"[0-9A-F]*","kcv":"[0-9A-F]*"' "$tmp/tadd.json" |
		sed 's/"component":"\([0-9A-F]*\)","kcv":"\([0-9A-F]*\)"/\1:\2/' | paste -sd, -)
	echo "$tid $mid SN$tid $comps" >>"$tmp/terminals"
	n=$((n + 1))
done

echo "== possum load: $terminals terminals, $seconds s, $entry, against a fresh host on $(nproc) cores =="
# CPU seconds (user + system) of the host, from /proc, and of this shell's children (`times`).
host_cpu() { awk '{ printf "%.2f", ($14 + $15) / ticks }' ticks="$(getconf CLK_TCK)" "/proc/$host_pid/stat"; }
# `times` runs in this shell, not in a command substitution's subshell, which has no children.
children_cpu() { awk 'NR == 2 { gsub(/[ms]/, " "); print $1 * 60 + $2 + $3 * 60 + $4 }' "$1"; }
host0=$(host_cpu)
times >"$tmp/times0"
# shellcheck disable=SC2086
"$possum" load --host "127.0.0.1:$port" --terminals-file "$tmp/terminals" $cards \
	--entry "$entry" --pin 123456 --amount 1.00 --duration "$seconds" --data "$tmp/terms" \
	>"$tmp/load.out"
load_rc=$?
cat "$tmp/load.out"
host1=$(host_cpu)
times >"$tmp/times1"
load0=$(children_cpu "$tmp/times0")
load1=$(children_cpu "$tmp/times1")
approved=$(sed -n 's/^approved *\([0-9]*\) purchases.*/\1/p' "$tmp/load.out")
awk -v h0="$host0" -v h1="$host1" -v l0="$load0" -v l1="$load1" -v n="${approved:-0}" 'BEGIN {
	if (n > 0)
		printf "cpu        host %.3f ms, load generator %.3f ms a purchase (host %.1f s, load %.1f s)\n",
		    (h1 - h0) * 1000 / n, (l1 - l0) * 1000 / n, h1 - h0, l1 - l0 }'
# Texts are delivered beside the payments: how many of the run's were out when it ended.
texts=$(wc -l <"$data/sms.jsonl" 2>/dev/null || echo 0)
echo "texts      $texts delivered by the end of the run (one a purchase, $approved purchases)"
# The same load with the default risk rules on, twice, then without again (none, default,
# default, none: a drift over the four passes, the database growing, weighs on both alike):
# each pass's approved purchases a second and the host's CPU a purchase, then the means.
# per_purchase CPU0 CPU1 N: the host's CPU milliseconds a purchase of N between two readings.
per_purchase() {
	awk -v a="$1" -v b="$2" -v n="${3:-0}" 'BEGIN { printf "%.4f", (n > 0 ? (b - a) * 1000 / n : 0) }'
}
# pass RULES NAME COUNT: the rules file RULES of COUNT rules in force (SIGHUP), the load run,
# its figures appended to $tmp/passes.
pass() {
	loaded=$(grep -c '"event":"risk_rules"' "$tmp/host.log")
	cp "$1" "$tmp/load.rules"
	kill -HUP "$host_pid"
	i=0
	while [ "$(grep -c '"event":"risk_rules"' "$tmp/host.log")" -le "$loaded" ]; do
		[ $i -lt 100 ] || fail "the rules were not loaded"
		sleep 0.05
		i=$((i + 1))
	done
	grep '"event":"risk_rules"' "$tmp/host.log" | tail -n 1 | grep -q "\"rules\":$3[,}]" ||
		fail "the rules were not loaded"
	h0=$(host_cpu)
	# shellcheck disable=SC2086
	"$possum" load --host "127.0.0.1:$port" --terminals-file "$tmp/terminals" $cards \
		--entry "$entry" --pin 123456 --amount 1.00 --duration "$seconds" --data "$tmp/terms" \
		>"$tmp/pass.out" 2>/dev/null || load_rc=1
	h1=$(host_cpu)
	n=$(sed -n 's/^approved *\([0-9]*\) purchases.*/\1/p' "$tmp/pass.out")
	r=$(sed -n 's/^approved *[0-9]* purchases, *\([0-9.]*\) a second.*/\1/p' "$tmp/pass.out")
	echo "$2 ${r:-0} $(per_purchase "$h0" "$h1" "$n")" >>"$tmp/passes"
}
if [ "${LOAD_COMPARE:-1}" != 0 ]; then
	echo "== the same load with the default risk rules (etc/risk.rules, card_velocity out of reach) and without, $seconds s each =="
	without=$(sed -n 's/^approved *[0-9]* purchases, *\([0-9.]*\) a second.*/\1/p' "$tmp/load.out")
	echo "none ${without:-0} $(per_purchase "$host0" "$host1" "$approved")" >"$tmp/passes"
	nrules=$("$possum" admin risk check "$tmp/default.rules" --json | sed -n 's/.*"rules":\([0-9]*\).*/\1/p')
	pass "$tmp/default.rules" default "$nrules"
	pass "$tmp/default.rules" default "$nrules"
	pass "$tmp/none.rules" none 0
	awk '{ printf "pass %d     %-8s %7.1f approved purchases a second, host cpu %.3f ms a purchase\n",
		NR, $1 == "none" ? "no rules" : "default", $2, $3
		r[$1] += $2; c[$1] += $3; k[$1]++ }
	END {
		a = r["none"] / k["none"]; b = r["default"] / k["default"]
		printf "risk rules approved purchases a second: rules = none %.1f, default rules %.1f", a, b
		if (a > 0) printf " (%+.1f%%; at most -10%% wanted)", (b - a) * 100 / a
		printf "\n"
		a = c["none"] / k["none"]; b = c["default"] / k["default"]
		printf "risk rules host cpu a purchase: rules = none %.3f ms, default rules %.3f ms", a, b
		if (a > 0) printf " (%+.1f%%)", (b - a) * 100 / a
		printf "\n" }' "$tmp/passes"
fi
hwm=$(sed -n 's/^VmHWM:[[:space:]]*//p' "/proc/$host_pid/status" 2>/dev/null)
echo "host peak memory (VmHWM) ${hwm:-unknown}"
stop_host
[ "${LOAD_TLS:-1}" != 0 ] || exit $load_rc

echo "== the first run again over TLS: mutual TLS on the terminals' port, each terminal its certificate =="
# shellcheck disable=SC2046
sh -c '. "$1/tests/lib.sh" && shift && tls_test_pki "$@"' - "$src" "$tmp/pki" \
	$(awk '{ print $3 }' "$tmp/terminals") || fail "tls_test_pki failed"
: >"$tmp/load.rules" # none, as the first run's
printf '\n[acquirer]\ntls_cert = %s\ntls_key = %s\ntls_client_ca = %s\n' "$tmp/pki/host.crt" \
	"$tmp/pki/host.key" "$tmp/pki/ca.crt" >>"$tmp/possum.conf"
rm -f "$data/host.ports"
# The same port: the terminals, set up for HOST:PORT, go on from their STANs.
start_host "$port"
# shellcheck disable=SC2086
"$possum" load --host "127.0.0.1:$port" --terminals-file "$tmp/terminals" $cards \
	--entry "$entry" --pin 123456 --amount 1.00 --duration "$seconds" --data "$tmp/terms" \
	--tls --tls-ca "$tmp/pki/ca.crt" --tls-certs "$tmp/pki" >"$tmp/tls.out" 2>/dev/null || load_rc=1
figures "$tmp/load.out" clear
figures "$tmp/tls.out" TLS
stop_host
exit $load_rc
