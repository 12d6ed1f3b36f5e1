# check.sh — the crash tests' checks, in one place: what the terminals received (the journal of
# `possum load --journal`) against what the host recorded and posted, and the ledger's own
# check (`possum admin ledger check --json`). Sourced by tests/crash/harness.sh; needs $possum
# and $tmp. The journal and the host's records are loaded into a scratch SQLite database and
# compared there in one query (jq took seconds a check on tens of thousands of records).
#
# The host's records come from `possum admin txn list --json` (FROM admin) or, for the check
# after each of hundreds of kills, where paging through txn list 500 at a time would take
# longer than the kills, from the store itself in the same shape (FROM store: host_view); the
# ledger's transfers, which no command lists, from the store (ledger_view): SQLite's file
# attached, or on PostgreSQL (lib.sh's db_backend) those tables' columns copied into one
# (check_store).
#
# crash_check FROM DATA JOURNAL...: sets
#   c_received   approvals the terminals received (purchases answered 00; by terminal, batch
#                and STAN, once however many journals say it)
#   c_recorded   of those, recorded by the host approved with the same amount, RRN and auth
#                code, not reversed (the terminal had its answer and sends no reversal)
#   c_lost       received - recorded
#   c_twice      purchases posted more than once: the ledger's purchase transfers beyond the
#                host's approved purchases (reversed or not), their sum beyond theirs, or a
#                purchase recorded twice
#   c_acked      reversals the host acknowledged; c_applied those whose purchase it holds
#                reversed or never approved (nothing to post); c_unapplied those it still
#                holds approved (a loss)
#   c_rev_twice  reversal transfers in the ledger beyond the host's reversed purchases
#   c_unknown    purchases the host holds approved that no terminal received (once the
#                reversals drained, a cardholder charged for nothing; checked by the caller)
#   c_sound      1 when `possum admin ledger check` finds no violation
# and returns 1 when anything was lost or doubled (c_unknown aside).

# host_txns DATA OUT: every request the host recorded, a `txn list --json` item a line, paged.
host_txns() {
	: >"$2"
	_after=
	while :; do
		"$possum" admin txn list --data "$1" --json --limit 500 ${_after:+--after "$_after"} \
			>"$tmp/page.json" || return 1
		jq -c '.items[]' "$tmp/page.json" >>"$2"
		_after=$(sed -n 's/.*"next":\([0-9][0-9]*\)}$/\1/p' "$tmp/page.json")
		[ -n "$_after" ] || return 0
	done
}

# host_view FROM: the view host (tid, batch, stan, type, source, status, rc, rrn, auth, amount)
# over the table lines of `txn list` items (admin) or over the attached store h (store).
host_view() {
	if [ "$1" = admin ]; then
		echo "CREATE TEMP VIEW host AS SELECT value->>'tid' AS tid, value->>'batch' AS batch,
			CAST(value->>'stan' AS INTEGER) AS stan, value->>'type' AS type,
			value->>'source' AS source, value->>'status' AS status, value->>'rc' AS rc,
			value->>'rrn' AS rrn, value->>'auth_code' AS auth,
			value->'amount'->>'amount' AS amount FROM lines;"
	else
		echo "CREATE TEMP VIEW host AS SELECT tid, batch, CAST(stan AS INTEGER) AS stan, type,
			'terminal' AS source, CASE WHEN rc <> '00' THEN 'declined'
			WHEN reversed THEN 'reversed' WHEN voided THEN 'voided' ELSE 'approved' END AS status,
			rc, rrn, auth_code AS auth, amount FROM h.acq_txns WHERE kind = 0;"
	fi
}

# ledger_view: the view postings (code, amount) of the ledger's transfers: the issuer's
# purchases are code 1, reversals code 7 (src/issuer/internal.h).
ledger_view() {
	echo "CREATE TEMP VIEW postings AS SELECT code, amount FROM h.ledger_transfers;"
}

# check_store DATA: the SQLite file the views read as h: DATA/possum.db, or on PostgreSQL
# $tmp/h.db holding the columns they read of DATA's acq_txns and ledger_transfers.
check_store() {
	if [ "$db_backend" != postgres ]; then
		echo "$1/possum.db"
		return
	fi
	db_sql "$1" "COPY (SELECT tid, batch, stan, type, rc, reversed, voided, rrn, auth_code, amount,
		kind FROM acq_txns) TO STDOUT WITH (FORMAT csv)" >"$tmp/h.txns.csv" &&
		db_sql "$1" "COPY (SELECT code, amount FROM ledger_transfers) TO STDOUT WITH (FORMAT csv)" \
			>"$tmp/h.postings.csv" || return 1
	rm -f "$tmp/h.db"
	sqlite3 "$tmp/h.db" "CREATE TABLE acq_txns (tid TEXT, batch INT, stan TEXT, type TEXT,
		rc TEXT, reversed INT, voided INT, rrn TEXT, auth_code TEXT, amount INT, kind INT)" \
		"CREATE TABLE ledger_transfers (code INT, amount INT)" ".mode csv" \
		".import $tmp/h.txns.csv acq_txns" ".import $tmp/h.postings.csv ledger_transfers" &&
		echo "$tmp/h.db"
}

crash_check() {
	_from=$1 _data=$2
	shift 2
	if [ "$_from" = admin ]; then
		host_txns "$_data" "$tmp/host.jsonl" || { echo "crash: cannot list the host's records" >&2; return 1; }
	else
		: >"$tmp/host.jsonl"
	fi
	"$possum" admin ledger check --data "$_data" --json >"$tmp/ledger.json" 2>&1
	c_sound=0
	[ "$(jq '.violations | length' "$tmp/ledger.json" 2>/dev/null)" = 0 ] && c_sound=1
	cat "$@" >"$tmp/journal.all" 2>/dev/null
	_h=$(check_store "$_data") || { echo "crash: cannot read the store of $_data" >&2; return 1; }
	sqlite3 :memory: ".mode ascii" '.separator "\037" "\n"' \
		"CREATE TABLE journal (value TEXT)" "CREATE TABLE lines (value TEXT)" \
		".import $tmp/journal.all journal" ".import $tmp/host.jsonl lines" ".mode list" \
		"ATTACH 'file:$_h?mode=ro' AS h" "$(host_view "$_from")" "$(ledger_view)" \
		"$(cat <<'EOF'
CREATE TEMP VIEW j AS SELECT value->>'tid' AS tid, value->>'batch' AS batch,
	value->>'stan' AS stan, value->>'kind' AS kind, value->>'amount' AS amount,
	value->>'rc' AS rc, value->>'rrn' AS rrn, value->>'auth' AS auth,
	value->>'acknowledged' AS ack FROM journal;
-- Typed, so that the indexes serve the joins (TID, batch and STAN alike on both sides).
CREATE TABLE got (tid TEXT, batch INT, stan INT, amount INT, rrn TEXT, auth TEXT);
INSERT INTO got SELECT tid, batch, stan, MIN(amount), MIN(rrn), MIN(auth) FROM j
	WHERE kind = 'purchase' AND rc = '00' GROUP BY tid, batch, stan;
CREATE INDEX got_key ON got (tid, batch, stan);
CREATE TABLE acked (tid TEXT, batch INT, stan INT);
INSERT INTO acked SELECT DISTINCT tid, batch, stan FROM j WHERE kind = 'reversal' AND ack;
CREATE TABLE bought (tid TEXT, batch INT, stan INT, status TEXT, rc TEXT, rrn TEXT,
	auth TEXT, amount INT);
INSERT INTO bought SELECT tid, batch, stan, status, rc, rrn, auth, amount FROM host
	WHERE type = 'purchase' AND source = 'terminal';
CREATE INDEX bought_key ON bought (tid, batch, stan);
SELECT 'c_received=' || (SELECT COUNT(*) FROM got)
	|| ' c_recorded=' || (SELECT COUNT(*) FROM got g JOIN bought b USING (tid, batch, stan)
		WHERE b.status = 'approved' AND b.rc = '00' AND b.amount = g.amount
		AND b.rrn = g.rrn AND b.auth = g.auth)
	|| ' c_acked=' || (SELECT COUNT(*) FROM acked)
	|| ' c_unapplied=' || (SELECT COUNT(*) FROM acked a JOIN bought b USING (tid, batch, stan)
		WHERE b.status = 'approved')
	|| ' c_dup=' || (SELECT COUNT(*) FROM (SELECT 1 FROM bought GROUP BY tid, batch, stan
		HAVING COUNT(*) > 1))
	|| ' c_unknown=' || (SELECT COUNT(*) FROM bought b WHERE b.status = 'approved'
		AND NOT EXISTS (SELECT 1 FROM got g WHERE g.tid = b.tid AND g.batch = b.batch
		AND g.stan = b.stan))
	|| ' c_purchases_over=' || ((SELECT COUNT(*) FROM postings WHERE code = 1)
		- (SELECT COUNT(*) FROM bought WHERE rc = '00' AND status IN ('approved', 'reversed')))
	|| ' c_amount_over=' || ((SELECT COALESCE(SUM(amount), 0) FROM postings WHERE code = 1)
		- (SELECT COALESCE(SUM(amount), 0) FROM bought
		   WHERE rc = '00' AND status IN ('approved', 'reversed')))
	|| ' c_reversals_over=' || ((SELECT COUNT(*) FROM postings WHERE code = 7)
		- (SELECT COUNT(*) FROM bought WHERE status = 'reversed'));
EOF
)" >"$tmp/check.vars" 2>"$tmp/check.err" || { echo "crash: the check failed: $(cat "$tmp/check.err")" >&2; return 1; }
	eval "$(cat "$tmp/check.vars")"
	c_lost=$((c_received - c_recorded))
	c_applied=$((c_acked - c_unapplied))
	c_twice=$((${c_purchases_over#-} + c_dup))
	[ "$c_amount_over" -eq 0 ] || [ "$c_twice" -gt 0 ] || c_twice=1
	c_rev_twice=${c_reversals_over#-}
	[ "$c_sound" -eq 1 ] && [ "$c_lost" -eq 0 ] && [ "$c_twice" -eq 0 ] &&
		[ "$c_unapplied" -eq 0 ] && [ "$c_rev_twice" -eq 0 ]
}
