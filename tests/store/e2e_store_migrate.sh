# e2e_store_migrate.sh — `possum admin store status` and `possum admin store migrate`: a store
# made by `admin merchant add`, taken back one migration by hand (risk 3's table dropped, its
# version set to 2, as an older possum would have left it), then seen pending, listed by a dry
# run that changes nothing, applied and audited; a store a newer possum wrote (a version above
# this one's) refused by both with the sentence; no data directory; bad usage; the --json shapes.
possum=$1
. "$2/tests/lib.sh"

command -v sqlite3 >/dev/null || skip "sqlite3 missing"
command -v jq >/dev/null || skip "jq missing"
data=$tmp/data
db=$data/possum.db

expect 1 "status without a data directory" -- "$possum" admin store status --data "$tmp/none"
err_has "no data directory at $tmp/none"
[ -e "$tmp/none" ] && bad "a data directory was made" || ok
expect 1 "migrate without a data directory" -- "$possum" admin store migrate --data "$tmp/none"
[ -e "$tmp/none" ] && bad "a data directory was made" || ok
mkdir "$tmp/empty"
expect 1 "migrate without a store" -- "$possum" admin store migrate --data "$tmp/empty"
err_has "no store at $tmp/empty/possum.db"
[ -e "$tmp/empty/possum.db" ] && bad "a store was made" || ok

"$possum" admin merchant add --data "$data" --name "Migrate Mart" --mcc 5411 \
	--mid 898310048120002 >/dev/null 2>&1 || bad "merchant add"
expect 0 "status of a fresh store" -- "$possum" admin store status --data "$data"
out_has "^0 migrations pending"
modules=$(($(wc -l <"$tmp/out") - 2))

# risk 3 taken back: its table dropped, its version 2.
sqlite3 "$db" "DROP TABLE risk_holder_qr; UPDATE schema_versions SET version = 2 WHERE module = 'risk'"
expect 0 "status with one pending" -- "$possum" admin store status --data "$data"
out_has "^risk  *2  *3  pending"
out_has "^1 migration pending"
expect 0 "status --json" -- "$possum" admin store status --data "$data" --json
[ "$(jq -c '[.items[] | select(.state == "pending") | {module: .module, version: .version, newest: .newest, pending: .pending}], .next' "$tmp/out")" = \
	'[{"module":"risk","version":2,"newest":3,"pending":[3]}]
null' ] && ok || bad "status --json: $(cat "$tmp/out")"
[ "$(jq '.items | length' "$tmp/out")" -eq "$modules" ] && ok || bad "status --json lists $(jq '.items | length' "$tmp/out") of $modules modules"

before=$(db_state "$data")
expect 0 "migrate --dry-run" -- "$possum" admin store migrate --dry-run --data "$data"
out_has "^would apply risk 3$"
out_has "1 migration pending (dry run: nothing changed)"
expect 0 "migrate --dry-run --json" -- "$possum" admin store migrate --dry-run --json --data "$data"
[ "$(jq -c . "$tmp/out")" = '{"items":[{"module":"risk","from":2,"to":3,"applied":[3]}],"next":null}' ] &&
	ok || bad "dry run --json: $(cat "$tmp/out")"
[ "$(db_state "$data")" = "$before" ] && ok || bad "the dry run changed the store"

expect 0 "migrate" -- "$possum" admin store migrate --data "$data"
out_has "^risk 3$"
out_has "^applied 1 migration in .* s (1 audited)"
sqlite3 "$db" "SELECT count(*) FROM risk_holder_qr" >/dev/null 2>&1 && ok || bad "risk_holder_qr not made again"
expect 0 "status after" -- "$possum" admin store status --data "$data"
out_has "^0 migrations pending"
expect 0 "the audit log" -- "$possum" admin audit --data "$data" --json
[ "$(jq -c '[.items[] | select(.action == "store.migrate") | {object, before, after}]' "$tmp/out")" = \
	'[{"object":"schema:risk","before":{"version":2},"after":{"version":3}}]' ] &&
	ok || bad "audit entries: $(jq -c '.items[-1]' "$tmp/out")"
expect 0 "migrate with nothing pending" -- "$possum" admin store migrate --data "$data"
out_has "nothing to apply: the store is up to date"

# Again in --json, two modules back (settle 5's columns too).
sqlite3 "$db" "DROP TABLE risk_holder_qr; UPDATE schema_versions SET version = 2 WHERE module = 'risk';
	ALTER TABLE settle_totals DROP COLUMN qr_count; ALTER TABLE settle_totals DROP COLUMN qr_amount;
	ALTER TABLE settle_totals DROP COLUMN qr_fees; ALTER TABLE settle_totals DROP COLUMN qr_net;
	UPDATE schema_versions SET version = 4 WHERE module = 'settle'"
expect 0 "migrate --json" -- "$possum" admin store migrate --json --data "$data"
[ "$(jq -c . "$tmp/out")" = '{"items":[{"module":"risk","from":2,"to":3,"applied":[3]},{"module":"settle","from":4,"to":5,"applied":[5]}],"next":null}' ] &&
	ok || bad "migrate --json: $(cat "$tmp/out")"
applied=$(jq '[.items[].applied[]] | length' "$tmp/out")
"$possum" admin audit --data "$data" --json >"$tmp/audit.json" 2>/dev/null
audited=$(jq '[.items[] | select(.action == "store.migrate")] | length' "$tmp/audit.json")
[ "$audited" -eq $((1 + applied)) ] && ok || bad "$audited audited of $((1 + applied))"

# A store a newer possum wrote.
sqlite3 "$db" "UPDATE schema_versions SET version = 99 WHERE module = 'risk'"
before=$(db_state "$data")
for cmd in status migrate; do
	expect 1 "$cmd of a newer store" -- "$possum" admin store $cmd --data "$data"
	err_has "module risk is at version 99, this possum knows up to 3: a newer possum wrote this store, and this one is too old for it"
done
expect 1 "status --json of a newer store" -- "$possum" admin store status --json --data "$data"
[ "$(jq -r '.items[] | select(.module == "risk") | .state' "$tmp/out")" = newer ] && ok || bad "state of risk: $(cat "$tmp/out")"
[ "$(db_state "$data")" = "$before" ] && ok || bad "a newer store was changed"

expect 2 "an unknown option" -- "$possum" admin store migrate --bogus
expect 2 "an operand" -- "$possum" admin store status extra
expect 2 "an unknown command" -- "$possum" admin store frobnicate
expect 0 "--help" -- "$possum" admin store migrate --help
out_has "\-\-dry-run"

echo "modules: $modules, migrations applied: $((1 + applied)), audited: $audited, dry runs that changed the store: 0, newer store refused: 2 of 2"
finish
