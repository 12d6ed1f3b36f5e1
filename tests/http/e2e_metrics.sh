# e2e_metrics.sh — GET /healthz, /readyz and /metrics of a real `possum host` (docs/operations.md):
# a few purchases by `possum term`, then /metrics shows possum_transactions_total with their
# type and response codes, the stages' and the group commit's histograms, the connections and
# the process, every line of it in the text format's syntax; /healthz and /readyz 200 without
# signing in, /readyz 503 while another writer holds the store past its busy timeout; /metrics
# from loopback without a token, from the machine's own non-loopback address only with an
# operator's token (401 without, 403 with a merchant's) until [http] metrics_allow names that
# address; a malformed metrics_allow refused with its file and line.
possum=$1
. "$2/tests/lib.sh"
command -v curl >/dev/null 2>&1 || { echo "e2e_metrics: curl is needed (scripts/bootstrap installs it)" >&2; exit 1; }

data=$tmp/host
st=$tmp/term
# The demo configuration, with free ports, the API on every address, the risk rules off.
sed -e 's/^port *=.*/port = 0/' -e '/^\[http\]/,/^\[/ s/^listen *=.*/listen = 0.0.0.0/' \
	"$2/etc/possum.conf" >"$tmp/possum.conf"
printf '\n[risk]\nrules = none\n' >>"$tmp/possum.conf"
cp "$tmp/possum.conf" "$tmp/base.conf"
export POSSUM_CONFIG=$tmp/possum.conf

start_host() {
	rm -f "$data/host.ports"
	"$possum" host --data "$data" --port 0 --api-port 0 >"$tmp/host.out" 2>"$tmp/host.log" &
	host_pid=$!
	for _ in $(seq 100); do [ -s "$data/host.ports" ] && grep -q api "$data/host.ports" && break; sleep 0.1; done
	api=$(sed -n 's/^api=//p' "$data/host.ports")
	port=$(sed -n 's/^acquirer=//p' "$data/host.ports")
	[ -n "$api" ] || { echo "FAIL: the host did not start: $(cat "$tmp/host.log")"; exit 1; }
}
stop_host() { kill $host_pid; wait $host_pid 2>/dev/null; }
start_host
trap 'kill $host_pid 2>/dev/null; wait $host_pid 2>/dev/null; rm -rf "$tmp"' EXIT

# get URL [CURL OPTIONS…]: the body in $tmp/out, the status in $code.
get() {
	url=$1
	shift
	code=$(curl -s -o "$tmp/out" -w '%{http_code}' "$@" "$url")
}
want() { if [ "$code" = "$1" ]; then ok; else bad "$2: $code, expected $1: $(head -c 300 "$tmp/out")"; fi; }

# Alive and ready, without signing in.
get "http://127.0.0.1:$api/healthz"
want 200 "healthz"
out_has '"status": *"alive"'
get "http://127.0.0.1:$api/readyz"
want 200 "readyz"
out_has '"status": *"ready"'

# A merchant, a terminal, a card; two purchases approved, one declined 51, one 55.
"$possum" admin card issue --data "$data" --product debit --holder "Zhang San" --id-number 110101199003070000 \
	--phone 13800000000 --pin 123456 --balance 1000.00 --out "$tmp/card.json" >/dev/null
"$possum" admin card issue --data "$data" --product debit --holder "Li Si" --id-number 110101199003070001 \
	--phone 13800000001 --pin 123456 --balance 0.50 --out "$tmp/poor.json" >/dev/null
"$possum" admin merchant add --data "$data" --name "Possum Cafe" --mcc 5812 --mid 898310048120001 >/dev/null
"$possum" admin terminal add --data "$data" --merchant 898310048120001 --sn SN0001 --tid TERM0001 --json >"$tmp/tadd.json"
comps=$(grep -o '"component":"[0-9A-F]*","kcv":"[0-9A-F]*"' "$tmp/tadd.json" |
	sed 's/"component":"\([0-9A-F]*\)","kcv":"\([0-9A-F]*\)"/\1:\2/' | paste -sd, -)
t() { "$possum" term "$@" --state "$st"; }
expect 0 "init" -- t init --host "127.0.0.1:$port" --tid TERM0001 --mid 898310048120001 --sn SN0001 --tmk-components "$comps"
expect 0 "signin" -- t signin
expect 0 "purchase 1" -- t purchase --card "$tmp/card.json" --pin 123456 --amount 12.34
expect 0 "purchase 2" -- t purchase --card "$tmp/card.json" --pin 123456 --amount 1.00
expect 1 "purchase declined 51" -- t purchase --card "$tmp/poor.json" --pin 123456 --amount 1.00
expect 1 "purchase declined 55" -- t purchase --card "$tmp/card.json" --pin 000000 --amount 1.00

# The metrics, from loopback without a token.
get "http://127.0.0.1:$api/metrics" -D "$tmp/headers"
want 200 "metrics from loopback"
if grep -qi '^content-type: text/plain; version=0.0.4' "$tmp/headers"; then ok; else bad "content type: $(cat "$tmp/headers")"; fi
cp "$tmp/out" "$tmp/metrics"
out_has '^possum_transactions_total{type="purchase",rc="00"} 2$'
out_has '^possum_transactions_total{type="purchase",rc="51"} 1$'
out_has '^possum_transactions_total{type="purchase",rc="55"} 1$'
out_has '^possum_transactions_total{type="signin",rc="00"} 1$'
out_has '^# TYPE possum_stage_seconds histogram$'
for stage in unpack terminal mac authorize record respond; do
	out_has "^possum_stage_seconds_count{stage=\"$stage\"} [1-9]"
	out_has "^possum_stage_seconds_bucket{stage=\"$stage\",le=\"+Inf\"} [1-9]"
done
out_has '^possum_commit_batch_size_bucket{le="1"} [1-9]'
out_has '^possum_commit_batch_size_count [1-9]'
out_has '^possum_commit_seconds_count [1-9]'
out_has '^possum_commit_seconds_sum [0-9]'
out_has '^possum_connections{front="terminals"} [0-9]'
out_has '^possum_connections{front="link"} [0-9]'
out_has '^possum_connections{front="http"} [0-9]'
out_has '^possum_outbox_depth [0-9]'
out_has '^possum_reversals_pending 0$'
out_has '^possum_settlement_last_run_timestamp_seconds [0-9]' # 0, or a close the host ran at its start
out_has '^possum_risk_cases_open 0$'
for m in process_cpu_seconds_total process_resident_memory_bytes process_virtual_memory_bytes \
	process_open_fds process_max_fds process_start_time_seconds; do
	out_has "^$m [0-9]"
done
# Every line: HELP, TYPE, or a sample NAME{LABEL="VALUE",…} NUMBER.
name='[a-zA-Z_:][a-zA-Z0-9_:]*'
label='[a-zA-Z_][a-zA-Z0-9_]*="([^"\\]|\\.)*"'
if grep -Ev -e "^# HELP $name .*\$" -e "^# TYPE $name (counter|gauge|histogram)\$" \
	-e "^$name(\\{$label(,$label)*\\})? (NaN|[+-]Inf|-?[0-9]+(\\.[0-9]+)?([eE][-+]?[0-9]+)?)\$" \
	"$tmp/metrics" >"$tmp/badlines"; then
	bad "lines not in the text format: $(head -5 "$tmp/badlines")"
else ok; fi
# Each histogram's buckets rise to +Inf, which equals its _count.
if awk '/^[^#]*_bucket\{/ { key = $1; sub(/,?le="[^"]*"\}/, "}", key); sub(/\{\}$/, "", key); sub(/_bucket/, "", key)
		if (key == prev && $2 + 0 < last + 0) bad = 1; prev = key; last = $2
		if ($1 ~ /le="\+Inf"/) inf[key] = $2 }
	/^[^#]*_count/ { key = $1; sub(/_count/, "", key); if (!(key in inf) || inf[key] != $2) bad = 1 }
	END { exit bad }' "$tmp/metrics"; then ok; else bad "histogram buckets not cumulative up to _count"; fi

# Tokens: an operator's and a merchant's.
"$possum" admin token create --data "$data" --role operator --json >"$tmp/op.json"
"$possum" admin token create --data "$data" --role merchant --merchant 898310048120001 --json >"$tmp/mer.json"
op=$(jq -r .token "$tmp/op.json")
mer=$(jq -r .token "$tmp/mer.json")

# From the machine's own address (not loopback): a token is needed, an operator's.
ip=$(ip -4 -o addr show scope global 2>/dev/null | awk '{ sub(/\/.*/, "", $4); print $4; exit }')
if [ -n "$ip" ]; then
	get "http://$ip:$api/metrics"
	want 401 "metrics from $ip without a token"
	get "http://$ip:$api/metrics" -H "Authorization: Bearer $mer"
	want 403 "metrics from $ip with a merchant's token"
	get "http://$ip:$api/metrics" -H "Authorization: Bearer $op"
	want 200 "metrics from $ip with an operator's token"
	out_has '^possum_transactions_total{type="purchase",rc="00"} 2$'
	get "http://$ip:$api/healthz"
	want 200 "healthz from $ip"
else
	echo "note: no non-loopback IPv4 address: the allow list is checked by test_http_health only"
fi

# Not ready while another writer holds the store past its busy timeout (5 s): SQLite's lock.
if [ "$db_backend" = sqlite ] && command -v sqlite3 >/dev/null 2>&1; then
	{ echo "BEGIN IMMEDIATE;"; sleep 8; echo "ROLLBACK;"; } | sqlite3 "$data/possum.db" &
	lock_pid=$!
	sleep 1
	get "http://127.0.0.1:$api/readyz" -m 20
	want 503 "readyz with the store locked"
	out_has '"status": *"not ready"'
	out_has '"why": *"the store does not take a write'
	get "http://127.0.0.1:$api/healthz" -m 20
	want 200 "healthz with the store locked: alive all the same"
	wait $lock_pid
	get "http://127.0.0.1:$api/readyz" -m 20
	want 200 "readyz once the lock is gone"
fi

# [http] metrics_allow names the address: no token needed from it.
stop_host
if [ -n "$ip" ]; then
	sed "s/^\\[http\\]\$/[http]\\nmetrics_allow = 203.0.113.0\\/24, $ip\\/32/" "$tmp/base.conf" >"$tmp/possum.conf"
	start_host
	get "http://$ip:$api/metrics"
	want 200 "metrics from $ip allowed by [http] metrics_allow"
	out_has '^# TYPE possum_transactions_total counter$' # counted from the start: none yet
	stop_host
fi
# A malformed list: refused, with its file and line.
sed 's/^\[http\]$/[http]\nmetrics_allow = 10.0.0.0\/33/' "$tmp/base.conf" >"$tmp/possum.conf"
line=$(grep -n '^metrics_allow' "$tmp/possum.conf" | cut -d: -f1)
expect 2 "a malformed metrics_allow" -- "$possum" host --data "$data" --port 0 --api-port 0
err_has "possum.conf line $line: \[http\] metrics_allow: not addresses or CIDR blocks"
finish
