# e2e_backup.sh — `possum admin backup` and `possum admin restore`: a backup taken while
# `possum load` runs against a real host, restored into a new data directory (the LMK copied)
# where the ledger check passes; a restore refused while a host runs on the store, and for a
# file that is not a store; the store a restore replaces kept aside.
possum=$1
. "$2/tests/lib.sh"

load_pid=
load_host "$2"

"$possum" admin card issue --data "$data" --product debit --holder "Li Si" \
	--id-number 110101199003070000 --phone 13800000000 --pin 123456 --balance 100000.00 \
	--out "$tmp/card.json" >/dev/null
"$possum" admin merchant add --data "$data" --name "Backup Mart" --mcc 5411 --mid 898310048120002 >/dev/null
load_terminals 898310048120002 BKUP000 2

"$possum" load --host "127.0.0.1:$port" --terminals-file "$tmp/terminals" --data "$tmp/terms" \
	--card "$tmp/card.json" --pin 123456 --amount 1.00 --duration 4 --json >"$tmp/load.out" 2>&1 &
load_pid=$!
sleep 2
expect 0 "backup mid-load" -- "$possum" admin backup --data "$data" "$tmp/copy.db" --json
out_has '"backup":'
[ -f "$tmp/copy.db" ] && [ ! -e "$tmp/copy.db.partial" ] && ok || bad "no backup file, or a partial one left"
mode=$(stat -c %a "$tmp/copy.db")
[ "$mode" = 600 ] && ok || bad "backup mode $mode"
expect 1 "DEST exists" -- "$possum" admin backup --data "$data" "$tmp/copy.db"
err_has "exists already"
expect 2 "no DEST" -- "$possum" admin backup --data "$data"

# The host runs: a restore over its store is refused, and changes nothing.
expect 1 "restore while the host runs" -- "$possum" admin restore --data "$data" "$tmp/copy.db"
err_has "in use"
ls "$data" | grep -q 'possum.db\.[0-9]' && bad "a store was put aside" || ok
wait $load_pid
load_pid=
grep -q '"approved":[1-9]' "$tmp/load.out" && ok || bad "no approvals: $(cat "$tmp/load.out")"
kill -TERM $host_pid
wait $host_pid

# Not a store: refused.
echo "not a database at all, just some text that is long enough" >"$tmp/junk.db"
expect 1 "restore of a file that is not a store" -- "$possum" admin restore --data "$tmp/new" "$tmp/junk.db"
err_has "not a possum store"
expect 1 "restore of a missing file" -- "$possum" admin restore --data "$tmp/new2" "$tmp/none.db"
[ -e "$tmp/new/possum.db" ] && bad "a store was made of a refused file" || ok
[ -e "$tmp/new2" ] && bad "a data directory was made for a missing file" || ok

# Into a new data directory, with the LMK the copy was made under.
mkdir -m 700 "$tmp/new"
cp "$data/lmk" "$tmp/new/lmk"
expect 0 "restore into a new data directory" -- "$possum" admin restore --data "$tmp/new" "$tmp/copy.db" --json
out_has '"aside":null'
expect 0 "ledger check of the restored store" -- "$possum" admin ledger check --data "$tmp/new"
out_has "0 violations"
expect 0 "the restored store's card" -- "$possum" admin card list --data "$tmp/new"
out_has "Li Si"

# Over a store: the old one kept aside.
expect 0 "restore over a store" -- "$possum" admin restore --data "$tmp/new" "$tmp/copy.db"
out_has "the store it replaced"
ls "$tmp/new" | grep -q '^possum.db\.[0-9]\{8\}T[0-9]\{6\}Z$' && ok || bad "nothing put aside: $(ls "$tmp/new")"
expect 0 "ledger check after a second restore" -- "$possum" admin ledger check --data "$tmp/new"
finish
