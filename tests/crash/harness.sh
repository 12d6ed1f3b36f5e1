# harness.sh — the crash proof (docs/reliability.md), shared by tests/crash/e2e_crash.sh (`make
# test`, 20 kills) and tests/soak/crash.sh (`make soak`, 500): sourced after tests/lib.sh with
# $possum, $src and $kills set, then crash_run. Three parts on one data directory:
#   host kills   `possum load` pays through a `possum host` SIGKILLed at random moments and
#                restarted on the same data and port; after each kill and at the end the
#                checks of check.sh (the host's records and ledger against the terminals'
#                journal), the terminals' pending reversals drained at the end;
#   terminal kills  the same host up, `possum load --durable` (its terminals commit their
#                state as real ones do) SIGKILLed at random moments and restarted;
#   close kills  the day's close (`possum admin settle run`, parts of 1000) and the payouts
#                (`possum admin payouts run`) SIGKILLed at random moments and run again:
#                the outcome that of a clean run on a copy, each merchant's day once, no
#                payout twice, the ledger sound.
# Each part prints a line "crash: …" of what it tried and what held; any loss fails (1).
# The purchases are made under [host] utc_offset = -720 with cutoff 00:00 and the day closed
# under utc_offset = 840, 26 hours ahead (as tests/settle/e2e_close.sh does): no clock faked.

. "$src/tests/crash/check.sh"

merchants=4  # each with its settlement card
per_merchant=1 # terminals
data=$tmp/host
host_pid=
load_pid=
trap 'kill $host_pid $load_pid 2>/dev/null; wait $host_pid $load_pid 2>/dev/null; rm -rf "$tmp"' EXIT
crash_fail=0

die() {
	echo "crash: $*" >&2
	[ -f "$tmp/host.err" ] && tail -n 5 "$tmp/host.err" >&2
	exit 1
}
# rand N: a random number from 0 to N - 1.
rand() { awk -v n="$1" -v s="$(od -An -N4 -tu4 /dev/urandom)" 'BEGIN { srand(s); print int(rand() * n) }'; }
# pause_ms N: sleeps N milliseconds.
pause_ms() { sleep "$(awk -v n="$1" 'BEGIN { printf "%.3f", n / 1000 }')"; }

conf() { # conf OFFSET FILE: the shipped configuration on free ports, limits off, no rules
	sed -e 's/^port *=.*/port = 0/' -e 's/^daily_count_limit *=.*/daily_count_limit = 0/' \
		-e 's/^daily_amount_limit *=.*/daily_amount_limit = 0/' \
		-e "s/^cutoff *=.*/cutoff = 00:00/" -e "s/^utc_offset *=.*/utc_offset = $1/" \
		-e "s/^payout_days *=.*/payout_days = 0/" -e "s/^weekend_payouts *=.*/weekend_payouts = yes/" \
		"$src/etc/possum.conf" >"$2"
	printf '\n[risk]\nrules = none\n' >>"$2"
}

# start_host: `possum host` on $data, on the terminals' port $port once it has one.
start_host() {
	rm -f "$data/host.ports"
	"$possum" host --data "$data" --port 0 --api-port 0 --terminal-port "${port:-0}" \
		>>"$tmp/host.out" 2>>"$tmp/host.err" &
	host_pid=$!
	wait_ports "$data" $host_pid
	[ -s "$data/host.ports" ] || die "the host did not start"
	port=$(sed -n 's/^acquirer=//p' "$data/host.ports")
}

# setup: cards (one a merchant, each its merchant's settlement card too), merchants,
# terminals, a host started.
setup() {
	conf -720 "$tmp/behind.conf"
	conf 840 "$tmp/ahead.conf"
	export POSSUM_CONFIG=$tmp/behind.conf
	cards=
	for m in $(seq $merchants); do
		mid=89831004812000$m
		"$possum" admin card issue --data "$data" --product debit --holder "Zhang San" \
			--id-number 110101199003070000 --phone 13800000000 --pin 123456 \
			--balance 10000000.00 --out "$tmp/card$m.json" >/dev/null || die "card issue"
		cards="$cards --card $tmp/card$m.json"
		"$possum" admin merchant add --data "$data" --name "Crash Mart $m" --mcc 5411 \
			--mid "$mid" >/dev/null || die "merchant add"
		load_terminals "$mid" "CRASH${m}0" $per_merchant
		pan=$(jq -r .pan "$tmp/card$m.json")
		"$possum" admin settlement-card start "$mid" --card "$pan" --holder "Zhang San" \
			--id-number 110101199003070000 --phone 13800000000 --data "$data" >/dev/null ||
			die "settlement-card start"
		"$possum" admin settlement-card confirm "$mid" --code "$(sms_code "$data/sms.jsonl")" \
			--data "$data" >/dev/null || die "settlement-card confirm"
	done
	: >"$tmp/journal"
	start_host
}

# load SECONDS [OPTIONS]: `possum load` of every terminal in the background ($load_pid), its
# journal appended to $tmp/journal, its figures (JSON) in $tmp/load.json.
load() {
	_secs=$1
	shift
	# shellcheck disable=SC2086
	"$possum" load --host "127.0.0.1:$port" --terminals-file "$tmp/terminals" $cards \
		--pin 123456 --amount 1.00 --duration "$_secs" --data "$tmp/terms" \
		--journal "$tmp/journal" --json "$@" >"$tmp/load.json" 2>>"$tmp/load.err" &
	load_pid=$!
}

# check WHEN [FROM]: the checks of check.sh, the host's records read from FROM (store, the
# default, or admin); a failure said with WHEN, and 1.
check() {
	touch "$tmp/records"
	if ! crash_check "${2:-store}" "$data" "$tmp/journal" "$tmp/records"; then
		crash_fail=1
		echo "crash: $1: received $c_received recorded $c_recorded, posted twice $c_twice," \
			"reversals acknowledged $c_acked not applied $c_unapplied applied twice $c_rev_twice," \
			"ledger sound $c_sound: $(jq -c .violations "$tmp/ledger.json" 2>/dev/null | head -c 300)"
		return 1
	fi
}

# drain: a last short load, delivering every pending reversal first; its figures must say none
# is left, and the host must hold approved no purchase that the terminals did not receive.
drain() {
	_label=$1
	shift
	load 2 "$@"
	wait $load_pid
	load_pid=
	pending=$(jq '.reversals_pending' "$tmp/load.json")
	drained="pending reversals drained"
	[ "$pending" = 0 ] || { drained="pending reversals left $pending"; crash_fail=1; }
	check "$_label at the end" admin
	[ "$c_unknown" -eq 0 ] || {
		echo "crash: $c_unknown purchases approved by the host that no terminal received, not reversed"
		crash_fail=1
	}
}

# figures KIND N SURVIVED: the line of a part.
figures() {
	echo "crash: $1 kills $2, survived $3; approvals received $c_received, recorded $c_recorded," \
		"lost $c_lost; posted twice $c_twice; reversals acknowledged $c_acked, applied once" \
		"$c_applied, twice $c_rev_twice; $drained"
}

# host_kills N: the host SIGKILLed N times under load, checked while it is down (nothing moves),
# restarted on the same data and port after a random 0.3 to 1.0 s of payments.
host_kills() {
	survived=0
	load 86400
	pause_ms 1500
	for k in $(seq "$1"); do
		pause_ms $((300 + $(rand 700)))
		kill -KILL "$host_pid"
		wait "$host_pid" 2>/dev/null
		check "host kill $k" && survived=$((survived + 1))
		start_host
		kill -0 "$load_pid" 2>/dev/null || die "possum load stopped: $(tail -n 3 "$tmp/load.err")"
	done
	pause_ms 1000
	kill -TERM "$load_pid"
	wait "$load_pid"
	load_pid=
	drain host
	figures host "$1" $survived
}

# term_kills N: the terminals (possum load --durable) SIGKILLed N times at random moments and
# started again on their state, the host up; checked after each kill.
term_kills() {
	survived=0
	for k in $(seq "$1"); do
		load 86400 --durable
		pause_ms $((300 + $(rand 700)))
		kill -KILL "$load_pid"
		wait "$load_pid" 2>/dev/null
		load_pid=
		# What a terminal received before the kill, it kept on its disk: its own records
		# count as received though the journal's line was lost with the process.
		terminal_records >"$tmp/records"
		check "terminal kill $k" && survived=$((survived + 1))
	done
	drain terminal --durable
	figures terminal "$1" $survived
}

# terminal_records: the approved purchases in the terminals' own stores, as journal lines.
terminal_records() {
	for db in "$tmp"/terms/*/possum.db; do
		_tid=$(basename "$(dirname "$db")")
		sqlite3 "$db" "SELECT json_object('tid', '$_tid', 'batch', batch, 'stan', stan,
			'kind', 'purchase', 'amount', amount, 'rc', rc, 'rrn', rrn, 'auth', auth,
			'source', 'store') FROM term_txns WHERE kind = 4 AND rc = '00'"
	done
}

part=1000 # transactions a part of the close (POSSUM_SETTLE_PART)

# same_run A B: whether two runs printed the same — on PostgreSQL but for the payouts' ids,
# which come from an identity: a run killed inside its transaction used some, and PostgreSQL
# does not give a sequence's numbers back.
same_run() {
	[ "$db_backend" = postgres ] || { cmp -s "$1" "$2"; return; }
	sed 's/"payout_id":[0-9]*/"payout_id":_/g' "$1" >"$1.noid"
	sed 's/"payout_id":[0-9]*/"payout_id":_/g' "$2" >"$2.noid"
	cmp -s "$1.noid" "$2.noid"
}

# killed_runs K SNAPSHOT WHAT CMD...: CMD (a close or the payouts) run on copies of SNAPSHOT
# at $data, each SIGKILLed at a random moment within the clean run's time ($clean_ms) and run
# again until it ends, until K kills landed (on a process still running); after each kill the
# ledger's check, after each run to its end its output the clean run's ($tmp/clean.out). A run
# that ended before its kill makes its time the bound of the next kills'.
# Sets landed and differ (outputs unlike the clean one) and unsound (ledger checks failed).
killed_runs() {
	_k=$1 _snap=$2 _what=$3
	shift 3
	landed=0 differ=0 unsound=0 _rounds=0
	while [ $landed -lt "$_k" ] && [ $_rounds -lt $((4 * _k + 4)) ]; do
		_rounds=$((_rounds + 1))
		rm -rf "$data"
		db_copy "$_snap" "$data"
		while :; do
			_t0=$(date +%s%N)
			POSSUM_SETTLE_PART=$part "$@" --data "$data" >"$tmp/run.out" 2>>"$tmp/run.err" &
			_pid=$!
			pause_ms "$(rand $((clean_ms + 1)))"
			if [ $landed -lt "$_k" ] && kill -KILL $_pid 2>/dev/null; then
				wait $_pid 2>/dev/null
				landed=$((landed + 1))
				"$possum" admin ledger check --data "$data" >/dev/null 2>&1 ||
					{ unsound=$((unsound + 1)); echo "crash: ledger unsound after $_what kill $landed"; }
				continue
			fi
			wait $_pid || echo "crash: $_what exited $?: $(tail -n 2 "$tmp/run.err")"
			# A run that ended before its kill: the next kills within its time.
			_ms=$((($(date +%s%N) - _t0) / 1000000))
			[ $_ms -ge "$clean_ms" ] || clean_ms=$_ms
			same_run "$tmp/run.out" "$tmp/clean.out" || {
				differ=$((differ + 1))
				echo "crash: $_what after kills: $(head -c 300 "$tmp/run.out")"
			}
			break
		done
	done
}

# clean CMD...: CMD on $data (a copy meant to stay clean), its output in $tmp/clean.out, the
# milliseconds it took in clean_ms.
clean() {
	_t0=$(date +%s%N)
	POSSUM_SETTLE_PART=$part "$@" --data "$data" >"$tmp/clean.out" 2>>"$tmp/run.err" || die "clean run: $*"
	clean_ms=$((($(date +%s%N) - _t0) / 1000000))
}

# close_kills K: the day's close, then the payouts, each killed K times (killed_runs); then the
# close's lines one for each purchase, each merchant's day once with the host's count and sum,
# one payout per merchant of its net, the ledger sound.
close_kills() {
	kill -TERM "$host_pid"
	wait "$host_pid"
	host_pid=
	export POSSUM_CONFIG=$tmp/ahead.conf
	host_txns "$data" "$tmp/host.jsonl" || die "txn list"
	day=$(jq -r 'select(.type == "purchase") | .settle_date' "$tmp/host.jsonl" | sort -u | tail -n 1)
	# Purchases on the day before (the run went over UTC-12's midnight): closed first, clean.
	: >"$tmp/before.json"
	for d in $(jq -r 'select(.type == "purchase") | .settle_date' "$tmp/host.jsonl" | sort -u); do
		[ "$d" = "$day" ] || "$possum" admin settle run --date "$d" --data "$data" --json \
			>>"$tmp/before.json" || die "close $d"
	done
	db_copy "$data" "$tmp/open"
	clean "$possum" admin settle run --date "$day" --json
	cp "$tmp/clean.out" "$tmp/close.json"
	db_copy "$data" "$tmp/closed"
	close_ms=$clean_ms
	payday=$(jq -r '.merchants[0].payout_date' "$tmp/close.json")
	clean "$possum" admin payouts run --date "$payday" --json
	cp "$tmp/clean.out" "$tmp/payouts.json"
	# Run again it pays nothing more, and says the same; its time (a payout run is mostly the
	# process's start, which the first run on a copy pays more for) bounds the kills'.
	_ms=$clean_ms
	clean "$possum" admin payouts run --date "$payday" --json
	cmp -s "$tmp/clean.out" "$tmp/payouts.json" || { echo "crash: payouts run again: $(cat "$tmp/clean.out")"; crash_fail=1; }
	[ "$clean_ms" -le "$_ms" ] || clean_ms=$_ms
	payouts_ms=$clean_ms
	# The close killed on copies of the day before its close, then the payouts on copies of it
	# closed.
	cp "$tmp/close.json" "$tmp/clean.out"
	clean_ms=$close_ms
	killed_runs "$1" "$tmp/open" close "$possum" admin settle run --date "$day" --json
	close_landed=$landed close_differ=$differ close_unsound=$unsound
	jq -r '.merchants[] | "\(.mid) \(.count) \(.amount)"' "$tmp/run.out" | sort >"$tmp/settled"
	jq -r --arg d "$day" 'select(.type == "purchase" and .status == "approved" and .settle_date == $d) | .mid' \
		"$tmp/host.jsonl" | sort | uniq -c | awk '{ print $2, $1, $1 * 100 }' >"$tmp/owed"
	lines=$({ db_sql "$data" "SELECT COUNT(*), COUNT(DISTINCT txn_id) FROM settle_lines WHERE date = '$day'" 2>/dev/null ||
		db_sql "$data" "SELECT COUNT(*), COUNT(DISTINCT txn_id) FROM settle_lines"; } | tr '|' ' ')
	settled=$(wc -l <"$tmp/settled")
	once=$(cut -d' ' -f1 "$tmp/settled" | sort -u | wc -l)
	cmp -s "$tmp/settled" "$tmp/owed" || { echo "crash: settled (mid count amount) $(cat "$tmp/settled") against the host's $(cat "$tmp/owed")"; crash_fail=1; }
	[ "$(echo "$lines" | cut -d' ' -f1)" = "$(echo "$lines" | cut -d' ' -f2)" ] || { echo "crash: settlement lines twice: $lines"; crash_fail=1; }
	cp "$tmp/payouts.json" "$tmp/clean.out"
	clean_ms=$payouts_ms
	killed_runs "$1" "$tmp/closed" payouts "$possum" admin payouts run --date "$payday" --json
	payouts=$(jq '.items | length' "$tmp/run.out")
	paid_mids=$(jq -r '.items[].mid' "$tmp/run.out" | sort -u | wc -l)
	twice=$((payouts - paid_mids))
	# What the payout date pays: the day's nets, and the day before's when its payouts fall on
	# the same date.
	nets=$(cat "$tmp/close.json" "$tmp/before.json" |
		jq -s --arg p "$payday" '[.[].merchants[] | select(.payout_date == $p) | .net] | add')
	paid=$(jq '[.items[].amount] | add' "$tmp/run.out")
	[ "$nets" = "$paid" ] || { echo "crash: paid $paid of nets $nets"; crash_fail=1; }
	balance="books balance"
	"$possum" admin ledger check --data "$data" >/dev/null 2>&1 || { balance="books unsound"; crash_fail=1; }
	[ $((close_differ + close_unsound + differ + unsound + twice)) -eq 0 ] && [ "$once" = "$settled" ] &&
		[ "$settled" = $merchants ] && [ "$payouts" = $merchants ] || crash_fail=1
	echo "crash: close kills $close_landed, survived $((close_landed - close_unsound)); merchants" \
		"settled $settled of $merchants, twice $((settled - once)); lines $(echo "$lines" | cut -d' ' -f1)" \
		"for $(awk '{ n += $2 } END { print n + 0 }' "$tmp/owed") purchases; reruns unlike a clean close $close_differ"
	echo "crash: payout kills $landed, survived $((landed - unsound)); payouts $payouts of $merchants" \
		"merchants, twice $twice, paid $paid of $nets; reruns unlike a clean run $differ; $balance"
}

# crash_run: the three parts, timed; exit 1 on any loss.
crash_run() {
	_start=$(date +%s)
	setup
	echo "crash: set up in $(($(date +%s) - _start)) s"
	_t=$(date +%s)
	host_kills "$kills"
	echo "crash: host kills took $(($(date +%s) - _t)) s"
	_t=$(date +%s)
	term_kills "$kills"
	echo "crash: terminal kills took $(($(date +%s) - _t)) s"
	_t=$(date +%s)
	close_kills $(((kills + 3) / 4))
	echo "crash: close kills took $(($(date +%s) - _t)) s"
	echo "crash: $(($(date +%s) - _start)) s"
	[ "$crash_fail" -eq 0 ]
}

# crash_selftest: the checks can fail — on copies of the data, an approval a terminal received
# altered (its auth code) must count as lost, and a purchase's transfer posted again as posted
# twice.
crash_selftest() {
	_held=0
	rm -rf "$tmp/bad"
	db_copy "$data" "$tmp/bad"
	_rrn=$(grep '"rc":"00"' "$tmp/journal" | tail -n 1 | jq -r .rrn)
	db_sql "$tmp/bad" "UPDATE acq_txns SET auth_code = 'XXXXXX' WHERE rrn = '$_rrn'"
	crash_check store "$tmp/bad" "$tmp/journal" "$tmp/records" || [ "$c_lost" -ne 1 ] || _held=$((_held + 1))
	rm -rf "$tmp/bad"
	db_copy "$data" "$tmp/bad"
	[ "$db_backend" = postgres ] && _id="decode(md5(random()::text), 'hex')" || _id="randomblob(16)"
	db_sql "$tmp/bad" "INSERT INTO ledger_transfers SELECT $_id, debit_account,
		credit_account, amount, currency, flags, pending_id, timeout, code, created_at, state,
		posted_amount, expires_at FROM ledger_transfers WHERE code = 1 LIMIT 1"
	crash_check store "$tmp/bad" "$tmp/journal" "$tmp/records" || [ "$c_twice" -ne 1 ] || _held=$((_held + 1))
	rm -rf "$tmp/bad"
	echo "crash: the checks fail when they should: $_held of 2 (an approval altered: lost 1; a transfer posted again: posted twice 1)"
	[ $_held -eq 2 ]
}
