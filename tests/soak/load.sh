# load.sh — `make soak`'s long load: SOAK_TERMINALS (default 1,000) terminal connections, each a
# `possum load` terminal making purchases, for SOAK_MINUTES (default 10) against a fresh host.
# Prints the host's resident memory (RSS), open descriptors and terminal connections before the
# load, every minute and after it, and fails on an error of the load, a non-approval, memory
# that keeps growing once warm (more than 10% and 16 MiB from the second minute to the last),
# descriptors not given back when the terminals leave, or a ledger that does not balance.
# Run: sh tests/soak/load.sh POSSUM SOURCE (make soak).
possum=$1
. "$2/tests/lib.sh"
terminals=${SOAK_TERMINALS:-1000}
minutes=${SOAK_MINUTES:-10}

load_host "$2"
api=$(sed -n 's/^api=//p' "$data/host.ports")
for n in $(seq 16); do
	"$possum" admin card issue --data "$data" --product debit --holder "Soak Test" \
		--id-number 110101199003070000 --phone 13800000000 --pin 123456 \
		--balance 10000000.00 --out "$tmp/card$n.json" >/dev/null || { echo "FAIL: card issue"; exit 1; }
	cards="${cards:-} --card $tmp/card$n.json"
done
"$possum" admin merchant add --data "$data" --name "Soak Mart" --mcc 5411 --mid 898310048120009 \
	>/dev/null || { echo "FAIL: merchant add"; exit 1; }
echo "soak: registering $terminals terminals…"
load_terminals 898310048120009 S "$terminals"

# sample LABEL: the host's RSS (KiB), descriptors and terminal connections, printed.
sample() {
	rss=$(awk '/^VmRSS:/ {print $2}' "/proc/$host_pid/status")
	fds=$(ls "/proc/$host_pid/fd" | wc -l)
	conns=$(curl -s "http://127.0.0.1:$api/metrics" |
		sed -n 's/^possum_connections{front="terminals"} \([0-9]*\).*/\1/p')
	printf 'soak: %-10s host RSS %6d KiB, descriptors %5d, terminal connections %s\n' \
		"$1" "$rss" "$fds" "${conns:-?}"
}

sample before
fds_before=$fds
rss_min=$rss
# shellcheck disable=SC2086
"$possum" load --host "127.0.0.1:$port" --terminals-file "$tmp/terminals" --data "$tmp/terms" \
	$cards --pin 123456 --duration $((minutes * 60)) --json >"$tmp/load.json" 2>"$tmp/load.err" &
load_pid=$!
rss_warm=
rss_max=0
for m in $(seq "$minutes"); do
	sleep 60
	kill -0 "$load_pid" 2>/dev/null || break
	sample "minute $m"
	[ "$m" -eq 2 ] && rss_warm=$rss
	[ "$rss" -gt "$rss_max" ] && rss_max=$rss
	rss_last=$rss
	fds_load=$fds
done
wait "$load_pid"
load_rc=$?
load_pid=
# The terminals have closed their connections: the host gives their descriptors back (the
# connections' gauge is refreshed every second).
i=0
sleep 2
while :; do
	sample after
	[ "$fds" -le $((fds_before + 2)) ] || [ $i -ge 10 ] && break
	sleep 1
	i=$((i + 1))
done

j() { sed -n "s/.*\"$1\":\([0-9.]*\).*/\1/p" "$tmp/load.json"; }
approved=$(j approved)
answered=$(j answered)
errors=$(j errors_total)
failed=$(j terminals_failed)
[ "$load_rc" -eq 0 ] && ok || bad "possum load exited $load_rc: $(tail -c 400 "$tmp/load.err")"
[ "${failed:-1}" -eq 0 ] && ok || bad "terminals failed: ${failed:-?}"
[ "${errors:-1}" -eq 0 ] && ok || bad "load errors: $(cat "$tmp/load.json")"
[ "${answered:-0}" -gt 0 ] && [ "$approved" = "$answered" ] && ok ||
	bad "not every answer approved: $(cat "$tmp/load.json")"
if [ -n "$rss_warm" ]; then
	grew=$((rss_last - rss_warm))
	limit=$((rss_warm / 10 > 16384 ? rss_warm / 10 : 16384))
	[ "$grew" -le "$limit" ] && ok || bad "memory grew $grew KiB from minute 2 to the end (limit $limit)"
fi
[ "$fds" -le $((fds_before + 2)) ] && ok || bad "descriptors: $fds_before before, $fds after"
kill "$host_pid" && wait "$host_pid"
host_pid=
expect 0 "ledger check" -- "$possum" admin ledger check --data "$data"
printf 'soak: %s terminals for %s min: answered %s, approved %s (%.0f a second), errors %s, p50 %.1f ms, p99 %.1f ms\n' \
	"$terminals" "$minutes" "$answered" "$approved" "$(j approved_per_second)" "${errors:-?}" \
	"$(sed -n 's/.*"p50":\([0-9.]*\).*/\1/p' "$tmp/load.json")" \
	"$(sed -n 's/.*"p99":\([0-9.]*\).*/\1/p' "$tmp/load.json")"
echo "soak: host RSS $rss_min KiB before, ${rss_warm:-?} KiB at minute 2, $rss_max KiB at most, ${rss_last:-?} KiB at the end; descriptors $fds_before before, ${fds_load:-?} under load, $fds after"
finish
