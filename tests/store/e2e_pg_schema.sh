#!/bin/sh
# e2e_pg_schema.sh POSSUM SOURCE_DIR — PostgreSQL's schema (src/store/pg/schema/) against
# SQLite's (src/store/sqlite/schema/): a migration for every one of SQLite's, same module and
# version; all of them applied in the engine's order (its modules[] in src/store/pg/open.c, each
# module's versions ascending, each step in one transaction, schema_versions kept as
# store_migrate_modules keeps it) to a fresh throwaway database, and SQLite's likewise to a new
# file, with the same rows written before acquirer.3 so that the migrations that fill columns
# from older rows (acquirer.3, 4, 5, 9, risk.1) are compared by what they wrote; then, for every
# table, the columns' names in order compared with those of a store the possum binary made on
# SQLite (`pragma table_info`; PostgreSQL's information_schema.columns by ordinal_position), their
# types mapped (INTEGER is bigint, TEXT text, BLOB bytea), and the indexes the migrations name
# (unique or not, partial or not, their columns) compared. The engine's own path over the same
# files is test_pg_engine's (e2e_pg_harness.sh). Skipped (77) without Debian's postgresql package.
possum=$1
src=$2
. "$src/tests/lib.sh"
. "$src/tests/pg.sh"

pg_start || skip "$pg_why"

# Every SQLite migration has its PostgreSQL one, and none is PostgreSQL's alone.
(cd "$src/src/store/sqlite/schema" && ls ./*.sql) >"$tmp/lite.files"
(cd "$src/src/store/pg/schema" && ls ./*.sql) >"$tmp/pg.files"
if diff "$tmp/lite.files" "$tmp/pg.files" >"$tmp/files.diff"; then ok; else
	bad "migrations not on both engines: $(grep '^[<>]' "$tmp/files.diff" | paste -sd' ' -)"
fi

# Rows of before acquirer.3, for the migrations that fill columns from older rows (acquirer.3,
# 4, 5 and 9, risk.1): a purchase voided and partly refunded, a pre-authorization completed, a
# decline, an approval just below a multiple of 1,000.00, and a decision no terminal request names (a link's). The same on both engines.
cat >"$tmp/rows.sql" <<'SQL'
INSERT INTO decisions (id, at, op, card_id, dup_key, acquirer, stan, transmit, terminal,
    merchant, rrn, amount, currency, rc, reason, auth_code, original_id, remaining, reversed)
VALUES (1, 1700000000, 0, 1, 'k1', 'A', '000001', 't', 'T1', 'M1', 'R1', 1000, 156, '00', '', 'a1', 0, 1000, 0),
    (2, 1700000100, 1, 1, 'k2', 'A', '000002', 't', 'T1', 'M1', 'R2', 1000, 156, '00', '', 'a2', 1, 0, 0),
    (3, 1700000200, 3, 1, 'k3', 'A', '000003', 't', 'T1', 'M1', 'R3', 300, 156, '00', '', 'a3', 1, 0, 0),
    (4, 1700003600, 2, 1, 'k4', 'A', '000004', 't', 'T1', 'M1', 'R4', 1000, 156, '00', '', 'a4', 0, 1000, 0),
    (5, 1700050000, 4, 1, 'k5', 'A', '000005', 't', 'T1', 'M1', 'R5', 800, 156, '00', '', 'a5', 4, 0, 0),
    (6, 1700060000, 0, 1, 'k6', 'B', '000001', 't', 'T9', 'M9', 'R6', 500, 156, '00', '', 'a6', 0, 500, 0);
INSERT INTO acq_txns (id, at, tid, mid, batch, stan, kind, type, amount, currency, masked,
    pan_hash, rrn, auth_code, rc, reason, decision_id, net_stan, original_id, reversed, settle_date)
VALUES (1, 1700000000, 'T1', 'M1', 1, '000001', 0, 'purchase', 1000, 156, 'm', 'h1', 'R1', 'a1', '00', '', 1, '000001', 0, 0, '1115'),
    (2, 1700000100, 'T1', 'M1', 1, '000002', 0, 'void', 1000, 156, 'm', 'h1', 'R2', 'a2', '00', '', 2, '000002', 0, 0, '1115'),
    (3, 1700000200, 'T1', 'M1', 1, '000003', 0, 'refund', 300, 156, 'm', 'h1', 'R3', 'a3', '00', '', 3, '000003', 0, 0, '1115'),
    (4, 1700003600, 'T1', 'M1', 1, '000004', 0, 'preauth', 1000, 156, 'm', 'h1', 'R4', 'a4', '00', '', 4, '000004', 0, 0, '1115'),
    (5, 1700050000, 'T1', 'M1', 1, '000005', 0, 'completion', 800, 156, 'm', 'h1', 'R5', 'a5', '00', '', 5, '000005', 0, 0, '1115'),
    (7, 1700099999, 'T1', 'M1', 1, '000007', 0, 'purchase', 99500, 156, 'm', 'h2', 'R7', '', '51', '', 0, '', 0, 0, '1116'),
    (8, 1700099999, 'T1', 'M1', 1, '000008', 0, 'purchase', 99500, 156, 'm', 'h2', 'R8', 'a8', '00', '', 0, '', 0, 0, '1116');
SQL
cat >"$tmp/filled.sql" <<'SQL'
SELECT 'acq', id, voided, refunded, completed, original_id, original_rrn, settle_date, route
    FROM acq_txns ORDER BY id;
SELECT 'dec', id, link FROM decisions ORDER BY id;
SELECT 'risk', who, key, minute, pays, sum, split, declines FROM risk_counts ORDER BY 2, 3, 4;
SQL

# migrate ENGINE: every migration of ENGINE (pg or sqlite) applied as store_migrate_modules
# applies them, the modules in the engine's order (open.c's modules[], schema.c's the same), the
# rows above written before acquirer.3; PostgreSQL's each in one transaction with its
# schema_versions row. Counts them in $applied.
migrate() {
	applied=0
	dir=$src/src/store/$1/schema
	for m in $(grep -o 'store_pg_module_[a-z]*' "$src/src/store/pg/open.c" | sed 's/store_pg_module_//'); do
		for v in $(cd "$dir" && printf '%s\n' "$m".*.sql | cut -d. -f2 | sort -n); do
			f=$dir/$m.$v.sql
			{
				[ "$m.$v" = acquirer.3 ] && cat "$tmp/rows.sql"
				cat "$f"
				[ "$1" = pg ] && echo ";INSERT INTO schema_versions VALUES ('$m', $v)
					ON CONFLICT (module) DO UPDATE SET version = excluded.version;"
			} >"$tmp/step.sql"
			if [ "$1" = pg ]; then
				"$pg_bin/psql" -X -q -1 -v ON_ERROR_STOP=1 -f "$tmp/step.sql" >"$tmp/step.out" 2>&1
			else
				sqlite3 -bail "$tmp/steps.db" <"$tmp/step.sql" >"$tmp/step.out" 2>&1
			fi && applied=$((applied + 1)) || bad "$1 $(basename "$f"): $(cat "$tmp/step.out")"
		done
	done
}
pg_sql 'CREATE TABLE schema_versions (module TEXT PRIMARY KEY, version INTEGER NOT NULL)'
migrate sqlite
migrate pg
total=$(wc -l <"$tmp/pg.files")
[ "$applied" -eq "$total" ] && ok || bad "$applied of $total migrations applied (a module missing from open.c's modules[]?)"

# The columns filled from older rows: the same values on both engines.
sqlite3 -separator '|' "$tmp/steps.db" <"$tmp/filled.sql" >"$tmp/lite.filled"
pg_sql "$(cat "$tmp/filled.sql")" >"$tmp/pg.filled"
filled=$(wc -l <"$tmp/lite.filled")
sort "$tmp/pg.filled" >"$tmp/pg.filled.sorted"
filled_same=$(sort "$tmp/lite.filled" | comm -12 - "$tmp/pg.filled.sorted" | wc -l)
cmp -s "$tmp/lite.filled" "$tmp/pg.filled" && ok || bad "filled rows differ (< SQLite, > PostgreSQL):
$(diff "$tmp/lite.filled" "$tmp/pg.filled" | grep '^[<>]')"
[ "$filled" -gt 20 ] && ok || bad "only $filled filled rows read"

# SQLite's store, made by the binary.
data=$tmp/data
mkdir -p "$data"
expect 0 "a SQLite store" -- "$possum" admin merchant add --data "$data" --name "Schema Mart" \
	--mcc 5411 --mid 898310048120009
lite=$data/possum.db

# Each module at SQLite's version.
sqlite3 "$lite" "SELECT module || '|' || version FROM schema_versions" | sort >"$tmp/lite.versions"
pg_sql "SELECT module || '|' || version FROM schema_versions" | sort >"$tmp/pg.versions"
modules=$(wc -l <"$tmp/lite.versions")
cmp -s "$tmp/lite.versions" "$tmp/pg.versions" && ok || bad "versions differ (< SQLite, > PostgreSQL):
$(diff "$tmp/lite.versions" "$tmp/pg.versions" | grep '^[<>]')"

# TABLE|name type,name type,… per table, sorted, on each engine.
sqlite3 "$lite" "SELECT m.name || '|' || (SELECT group_concat(c, ',') FROM
	(SELECT p.name || ' ' || CASE upper(p.type) WHEN 'INTEGER' THEN 'bigint'
		WHEN 'TEXT' THEN 'text' WHEN 'BLOB' THEN 'bytea' ELSE p.type END AS c
	FROM pragma_table_info(m.name) AS p ORDER BY p.cid))
	FROM sqlite_master AS m WHERE m.type = 'table' AND m.name NOT LIKE 'sqlite_%'" |
	sort >"$tmp/lite.cols"
pg_sql "SELECT table_name || '|' || string_agg(column_name || ' ' ||
		CASE WHEN table_name = 'schema_versions' AND data_type = 'integer' THEN 'bigint'
		ELSE data_type END, ',' ORDER BY ordinal_position)
	FROM information_schema.columns WHERE table_schema = 'public' GROUP BY table_name" |
	sort >"$tmp/pg.cols"
# Names alone, in order.
sed 's/ [a-z]*\(,\|$\)/\1/g' "$tmp/lite.cols" >"$tmp/lite.names"
sed 's/ [a-z]*\(,\|$\)/\1/g' "$tmp/pg.cols" >"$tmp/pg.names"
tables=$(cut -d'|' -f1 "$tmp/lite.names" "$tmp/pg.names" | sort -u | wc -l)
same=$(comm -12 "$tmp/lite.names" "$tmp/pg.names" | wc -l)
differ=$((tables - same))
typed=$(comm -12 "$tmp/lite.cols" "$tmp/pg.cols" | wc -l)
[ "$differ" -eq 0 ] && ok || bad "columns differ (< SQLite, > PostgreSQL):
$(diff "$tmp/lite.names" "$tmp/pg.names" | grep '^[<>]')"
[ "$typed" -eq "$tables" ] && ok || bad "types not mapped (< SQLite, > PostgreSQL):
$(diff "$tmp/lite.cols" "$tmp/pg.cols" | grep '^[<>]')"

# The indexes the migrations name (not those of a PRIMARY KEY or UNIQUE constraint):
# NAME|TABLE|unique|partial|columns.
sqlite3 "$lite" "SELECT m.name || '|' || m.tbl_name || '|' || l.[unique] || '|' || l.partial
	|| '|' || (SELECT group_concat(name, ',') FROM
		(SELECT i.name FROM pragma_index_info(m.name) AS i ORDER BY i.seqno))
	FROM sqlite_master AS m JOIN pragma_index_list(m.tbl_name) AS l ON l.name = m.name
	WHERE m.type = 'index' AND m.sql IS NOT NULL" | sort >"$tmp/lite.idx"
pg_sql "SELECT i.relname || '|' || t.relname || '|' || x.indisunique::int || '|' ||
		(x.indpred IS NOT NULL)::int || '|' || string_agg(a.attname, ',' ORDER BY k.n)
	FROM pg_index AS x JOIN pg_class AS i ON i.oid = x.indexrelid
	JOIN pg_class AS t ON t.oid = x.indrelid
	JOIN pg_namespace AS s ON s.oid = t.relnamespace AND s.nspname = 'public'
	CROSS JOIN LATERAL unnest(x.indkey) WITH ORDINALITY AS k(attnum, n)
	JOIN pg_attribute AS a ON a.attrelid = t.oid AND a.attnum = k.attnum
	WHERE NOT EXISTS (SELECT 1 FROM pg_constraint AS c WHERE c.conindid = x.indexrelid)
	GROUP BY i.relname, t.relname, x.indisunique, x.indpred" | sort >"$tmp/pg.idx"
indexes=$(wc -l <"$tmp/lite.idx")
idx_same=$(comm -12 "$tmp/lite.idx" "$tmp/pg.idx" | wc -l)
cmp -s "$tmp/lite.idx" "$tmp/pg.idx" && ok || bad "indexes differ (< SQLite, > PostgreSQL):
$(diff "$tmp/lite.idx" "$tmp/pg.idx" | grep '^[<>]')"
[ "$indexes" -gt 0 ] && ok || bad "no index read from SQLite's store"

echo "pg schema: $applied migrations applied, rows the data migrations filled identical in $filled_same of $filled; $modules modules at SQLite's versions, $tables tables, columns identical in $same, differing $differ; types mapped in $typed; indexes identical $idx_same of $indexes"
finish
