#!/bin/sh
# e2e_pg_schema.sh POSSUM SOURCE_DIR — PostgreSQL's schema (src/store/pg/schema/) against
# SQLite's (src/store/sqlite/schema/): a migration for every one of SQLite's, same module and
# version; all of them applied in the engine's order (its modules[] in src/store/pg/open.c, each
# module's versions ascending, each step in one transaction, schema_versions kept as
# store_migrate_modules keeps it) to a fresh throwaway database; then, for every table, the
# columns' names in order compared with those of a store the possum binary made on SQLite
# (`pragma table_info`; PostgreSQL's information_schema.columns by ordinal_position), their
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

# Applied as store_migrate_modules applies them: the modules in the engine's order.
pg_sql 'CREATE TABLE schema_versions (module TEXT PRIMARY KEY, version INTEGER NOT NULL)'
applied=0
dir=$src/src/store/pg/schema
for m in $(grep -o 'store_pg_module_[a-z]*' "$src/src/store/pg/open.c" | sed 's/store_pg_module_//'); do
	for v in $(cd "$dir" && printf '%s\n' "$m".*.sql | cut -d. -f2 | sort -n); do
		f=$dir/$m.$v.sql
		if { cat "$f" && echo ";INSERT INTO schema_versions VALUES ('$m', $v)
			ON CONFLICT (module) DO UPDATE SET version = excluded.version;"; } |
			"$pg_bin/psql" -X -q -1 -v ON_ERROR_STOP=1 >"$tmp/psql.out" 2>&1; then
			applied=$((applied + 1))
		else
			bad "$(basename "$f"): $(cat "$tmp/psql.out")"
		fi
	done
done
total=$(wc -l <"$tmp/pg.files")
[ "$applied" -eq "$total" ] && ok || bad "$applied of $total migrations applied (a module missing from open.c's modules[]?)"

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

echo "pg schema: $applied migrations applied, $modules modules at SQLite's versions, $tables tables, columns identical in $same, differing $differ; types mapped in $typed; indexes identical $idx_same of $indexes"
finish
