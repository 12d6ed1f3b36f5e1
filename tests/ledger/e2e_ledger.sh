#!/bin/sh
# e2e_ledger.sh POSSUM SOURCE_DIR — `possum admin ledger` as an operator runs it: help and exit
# codes, a data directory made on first use (mode 0700, the store 0600, a test LMK with its
# warning when POSSUM_LMK is not set, none when it is), accounts, plain and pending transfers,
# a partial post, a void, a retry under one id and a different transfer under it, refusals
# (exit 1), bad usage (exit 2), the check sound; then the database damaged with the sqlite3
# shell and the check failing.
possum=$1
. "$(dirname "$0")/../lib.sh"

# field NAME: the value of the "NAME  value" line of the last output.
field() { awk -v k="$1" '$1 == k { print $2 }' "$tmp/out"; }
mode() { stat -c %a "$1"; }
same() { if [ "$1" = "$2" ]; then ok; else bad "$3: '$1', expected '$2'"; fi; }

data=$tmp/data
ledger() { "$possum" admin ledger "$@" --data "$data"; }

# Help and usage.
expect 0 "possum admin --help" -- "$possum" admin --help
out_has "ledger"
expect 2 "possum admin" -- "$possum" admin
expect 0 "possum admin ledger --help" -- "$possum" admin ledger --help
for cmd in check transfer "account create" "account show"; do
	# shellcheck disable=SC2086
	expect 0 "possum admin ledger $cmd --help" -- "$possum" admin ledger $cmd --help
	out_has "Usage: possum admin ledger $cmd"
done

# First use without POSSUM_LMK: the directory, the store and a test LMK, with the warning.
unset POSSUM_LMK
expect 0 "account create (first use)" -- ledger account create --code card --currency 156 --flags debits-limited
err_has "created a test LMK in $data/lmk (check value [0-9A-F]*): FOR TESTING ONLY"
same "$(field id)" 1 "first account id"
same "$(mode "$data")" 700 "data directory mode"
same "$(mode "$data/lmk")" 600 "LMK file mode"
[ "$db_backend" != sqlite ] || same "$(mode "$data/possum.db")" 600 "store mode"
expect 0 "account create (LMK file there)" -- ledger account create --code funding --currency 156
same "$(field id)" 2 "second account id"
if [ -s "$tmp/err" ]; then bad "warned twice: $(cat "$tmp/err")"; else ok; fi

# With POSSUM_LMK: no file, no warning.
POSSUM_LMK=9A1F3C5E7B2D4F6081A3C5E7092B4D6F8091A2B3C4D5E6F708192A3B4C5D6E7F
export POSSUM_LMK
expect 0 "account create (POSSUM_LMK)" -- "$possum" admin ledger account create --code x --currency 840 --data "$tmp/other"
if [ -e "$tmp/other/lmk" ] || [ -s "$tmp/err" ]; then bad "LMK file or warning with POSSUM_LMK"; else ok; fi
expect 0 "account create shop" -- ledger account create --code shop --currency CNY --json
out_has '"id":3,"code":"shop","currency":"CNY","flags":"none","limit":{"amount":0,"currency":"CNY"}'
out_has '"available":{"amount":0,"currency":"CNY"},"created_at":"20'
expect 2 "a currency that is no code" -- ledger account create --code c --currency XYZ
err_has "--currency takes an ISO 4217 code, CNY or 156, not 'XYZ'"
expect 2 "a currency of four digits" -- ledger account create --code c --currency 1560

# Money in, a purchase held and partly posted, one held and voided.
id1=000000000000000000000000000000a1
expect 0 "fund the card" -- ledger transfer --debit 2 --credit 1 --amount 1000 --currency 156 --id $id1
same "$(field amount)" 1000 "funding amount"
expect 0 "the same again: a retry" -- ledger transfer --debit 2 --credit 1 --amount 1000 --currency 156 --id $id1
out_has "exists already"
expect 1 "another under the same id" -- ledger transfer --debit 2 --credit 1 --amount 999 --currency 156 --id $id1
err_has "the id is taken by a different transfer"
hold=000000000000000000000000000000b1
expect 0 "hold 400" -- ledger transfer --debit 1 --credit 3 --amount 400 --currency 156 --pending --timeout 3600 --id $hold
same "$(field state)" pending "hold state"
expect 0 "post 300 of it" -- ledger transfer --post $hold --amount 300 --json
out_has '"kind":"post","debit":1,"credit":3,"amount":300,"currency":"CNY"'
expect 1 "post it again" -- ledger transfer --post $hold
err_has "already posted, voided or expired"
hold2=000000000000000000000000000000b2
expect 0 "hold 200" -- ledger transfer --debit 1 --credit 3 --amount 200 --currency 156 --pending --id $hold2
expect 0 "void it" -- ledger transfer --void $hold2
expect 0 "account show 1" -- ledger account show 1
same "$(field debits_posted)" 300 "card debits posted"
same "$(field credits_posted)" 1000 "card credits posted"
same "$(field available)" 700 "card available"

# Refusals: exit 1, nothing changed.
expect 1 "beyond the card's funds" -- ledger transfer --debit 1 --credit 3 --amount 701 --currency 156
err_has "beyond the account's limit"
expect 1 "currency mismatch" -- ledger transfer --debit 1 --credit 3 --amount 1 --currency 840
expect 1 "same account" -- ledger transfer --debit 3 --credit 3 --amount 1 --currency 156
expect 1 "no such account" -- ledger transfer --debit 3 --credit 99 --amount 1 --currency 156
expect 1 "void of no pending transfer" -- ledger transfer --void 000000000000000000000000000000ff
expect 1 "account show 99" -- ledger account show 99

# Bad usage: exit 2.
expect 2 "no amount" -- ledger transfer --debit 1 --credit 3 --currency 156
expect 2 "negative amount" -- ledger transfer --debit 1 --credit 3 --amount -5 --currency 156
expect 2 "amount not a number" -- ledger transfer --debit 1 --credit 3 --amount 1.50 --currency 156
expect 2 "bad id" -- ledger transfer --debit 1 --credit 3 --amount 1 --currency 156 --id xyz
expect 2 "post and void" -- ledger transfer --post $hold --void $hold
expect 2 "timeout without pending" -- ledger transfer --debit 1 --credit 3 --amount 1 --currency 156 --timeout 5
expect 2 "bad flags" -- ledger account create --code c --currency 156 --flags sometimes
expect 2 "no currency" -- ledger account create --code c
expect 2 "code too long" -- ledger account create --code abcdefghijklmnop --currency 156
expect 2 "unknown option" -- ledger check --bogus
expect 2 "show without id" -- ledger account show

# The check: sound.
expect 0 "check" -- ledger check
out_has "currency 156: 3 accounts, 5 transfers; debits 0 pending, 1300 posted; credits 0 pending, 1300 posted"
out_has "0 violations"
expect 0 "check --json" -- ledger check --json
out_has '"currency":"CNY","accounts":3,"transfers":5,"debits_pending":{"amount":0,"currency":"CNY"},"debits_posted":{"amount":1300,"currency":"CNY"}'
out_has '"violations":\[\]'

# Damaged behind the ledger's back: the check says so.
db_sql "$data" "UPDATE ledger_accounts SET debits_posted = debits_posted + 7 WHERE id = 1"
expect 1 "check after damage" -- ledger check
out_has "violation: account 1: debits_posted is 307, its transfers sum to 300"
out_has "2 violations"
expect 1 "check --json after damage" -- ledger check --json
out_has '"violations":\["account 1'

finish
