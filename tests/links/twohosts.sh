# twohosts.sh — what the link tests of several real hosts on loopback share (docs/links.md):
# issuer hosts, each with its own LMK, data directory, configuration, BIN range and inbound
# [link], and host A, the acquirer (its LMK $acq_lmk), routing ranges to them over its
# [link.NAME]s and acquiring with `possum term`. Sourced after tests/lib.sh and
# scripts/acquirer.sh, with $possum and $top (the source directory) set. Each issuer NAME's
# files are $tmp/NAME (data), $tmp/NAME.conf, $tmp/NAME.log (its log, kept across restarts),
# $tmp/NAME.card (a debit card, PIN 123456); its pid and link port are $NAME_pid, $NAME_port.

acq_dir=$tmp
acq_lmk=2222222222222222222222222222222222222222222222222222222222222222

# th_issuer NAME BIN DIALECT BINARY [BALANCE]: issuer NAME's configuration — etc/possum.conf on
# free ports, no risk rules nor daily limits, its [issuer] bin lines BIN alone (debit), its
# inbound [link] on 127.0.0.1 in DIALECT with BINARY fields — and a card of BALANCE (default
# 100.00) in $tmp/NAME.card; its zone PIN key formed under A's LMK in $acq_zpk (scripts/
# acquirer.sh), kept as $NAME_zpk.
th_issuer() {
	sed -e 's/^port *=.*/port = 0/' -e '/^bin *=/d' -e 's/^daily_count_limit *=.*/daily_count_limit = 0/' \
		-e 's/^daily_amount_limit *=.*/daily_amount_limit = 0/' "$top/etc/possum.conf" >"$tmp/$1.conf"
	printf '\n[risk]\nrules = none\n[issuer]\nbin = %s debit\n' "$2" >>"$tmp/$1.conf"
	printf '[link]\nlisten = 127.0.0.1\ndialect = %s\nbinary = %s\n' "$3" "$4" >>"$tmp/$1.conf"
	env -u POSSUM_LMK POSSUM_CONFIG="$tmp/$1.conf" "$possum" admin card issue --data "$tmp/$1" \
		--product debit --holder "Zhang San" --id-number 110101199003070000 \
		--phone 13800000000 --pin 123456 --balance "${5:-100.00}" --out "$tmp/$1.card" \
		>/dev/null 2>>"$tmp/$1.log" || bad "issuer $1: no card: $(tail -2 "$tmp/$1.log")"
	# The ceremony with the issuer's own configuration and LMK, whatever A's are.
	_cfg=${POSSUM_CONFIG-} _lmk=${POSSUM_LMK-}
	unset POSSUM_LMK
	export POSSUM_CONFIG="$tmp/$1.conf"
	acq_zpk "$tmp/$1" 2>>"$tmp/$1.log" || bad "issuer $1: the ZPK ceremony failed"
	if [ -n "$_cfg" ]; then POSSUM_CONFIG=$_cfg; else unset POSSUM_CONFIG; fi
	[ -z "$_lmk" ] || export POSSUM_LMK="$_lmk"
	eval "$1_zpk=\$acq_zpk"
}

# th_start NAME [PORT]: issuer NAME's host started (its link on PORT, default a free one),
# listening; sets $NAME_pid and $NAME_port and adds the pid to $also_kill.
th_start() {
	rm -f "$tmp/$1/host.ports"
	env -u POSSUM_LMK POSSUM_CONFIG="$tmp/$1.conf" "$possum" host --data "$tmp/$1" \
		--port "${2:-0}" --api-port 0 --terminal-port 0 >/dev/null 2>>"$tmp/$1.log" &
	eval "$1_pid=$!"
	also_kill="${also_kill:-} $!"
	wait_ports "$tmp/$1" $!
	_p=$(sed -n 's/^issuer=//p' "$tmp/$1/host.ports" 2>/dev/null)
	[ -n "$_p" ] || { echo "FAIL: host $1 did not start: $(tail -3 "$tmp/$1.log")"; exit 1; }
	eval "$1_port=$_p"
}

# th_balance NAME PAN: the balance (minor units) of card PAN at issuer NAME.
th_balance() {
	env -u POSSUM_LMK POSSUM_CONFIG="$tmp/$1.conf" "$possum" admin card show "$2" \
		--data "$tmp/$1" --json | jq -r .balance.amount
}

# th_pan NAME: the number of issuer NAME's card.
th_pan() { acq_json pan "$tmp/$1.card"; }

# th_acquirer_conf: host A's configuration in $tmp/a.conf — etc/possum.conf on free ports, no
# risk rules nor daily count limit, its own issuer holding 621234 alone, connections per
# address unlimited (load's terminals) — to which the caller appends its [route] and
# [link.NAME] lines; exports POSSUM_CONFIG and A's POSSUM_LMK.
th_acquirer_conf() {
	sed -e 's/^port *=.*/port = 0/' -e '/^bin *=/d' -e 's/^daily_count_limit *=.*/daily_count_limit = 0/' \
		"$top/etc/possum.conf" >"$tmp/a.conf"
	printf '\n[risk]\nrules = none\n[issuer]\nbin = 621234 debit\n' >>"$tmp/a.conf"
	printf '[link]\nmax_connections_per_address = 1000000\n' >>"$tmp/a.conf"
	export POSSUM_CONFIG="$tmp/a.conf" POSSUM_LMK="$acq_lmk"
	data=$tmp/a
}

# th_link NAME PORT DIALECT BINARY ZPK [TIMEOUT]: a [link.NAME] section of A to 127.0.0.1:PORT,
# one connection, answers awaited TIMEOUT seconds (default 2), store-and-forward each second.
th_link() {
	printf '[link.%s]\nhost = 127.0.0.1\nport = %s\ndialect = %s\nbinary = %s\nzpk = %s\n' \
		"$1" "$2" "$3" "$4" "$5" >>"$tmp/a.conf"
	printf 'connections = 1\ntimeout = %s\nsaf_interval = 1\n' "${6:-2}" >>"$tmp/a.conf"
}

# th_acquirer_start [TERMINAL_PORT]: host A started (the terminals' port TERMINAL_PORT, default a
# free one), its log in $tmp/host.log (the last run's in $tmp/host.log.N before); the first
# time, its terminal TERM0001 registered and `possum term` ($tmp/term) set up and signed in.
th_acquirer_start() {
	[ -f "$tmp/host.log" ] && mv "$tmp/host.log" "$tmp/host.log.$$.$(date +%s%N)"
	[ -n "${th_comps:-}" ] || th_comps=$(register_terminal "$possum" "$data")
	rm -f "$data/host.ports"
	"$possum" host --data "$data" --port 0 --api-port 0 --terminal-port "${1:-0}" \
		>"$tmp/host.out" 2>"$tmp/host.log" &
	host_listening "$data" $!
	[ -d "$tmp/term" ] && return 0
	t init --host "127.0.0.1:$port" --mid 898310048120001 --tid TERM0001 --sn SN0001 \
		--tmk-components "$th_comps" --timeout 20 >/dev/null 2>&1 || bad "term init"
	t signin >/dev/null 2>&1 || bad "term signin: $(tail -2 "$tmp/host.log")"
}

t() { "$possum" term "$@" --data "$tmp/term"; }

# th_decisions NAME OP: issuer NAME's decisions of OP (purchase, reversal …) as "RC/REASON"
# words, in the order its log has them (a reversal names its original, not the card).
th_decisions() {
	grep '"event":"authorization"' "$tmp/$1.log" | grep "\"op\":\"$2\"" |
		jq -r '"\(.rc)/\(.reason)"' | tr '\n' ' '
}
