#!/bin/sh
# e2e_saf.sh — `possum admin link saf` (docs/links.md "Store and forward"): the queue of a fresh
# data directory listed empty, as text and as the list JSON shape; then entries standing in for
# the link engine's (written with db_sql behind the store's back: the engine does not queue
# yet) listed oldest first in local time, filtered by link and state, paged; bad options refused
# with exit 2 and --help matching the options.
possum=$1
. "$2/tests/lib.sh"

command -v sqlite3 >/dev/null 2>&1 || { echo "e2e_saf: sqlite3 is needed (scripts/bootstrap installs it)" >&2; exit 1; }

data=$tmp/data
sed -e 's/^port *=.*/port = 0/' "$2/etc/possum.conf" >"$tmp/possum.conf"
export POSSUM_CONFIG=$tmp/possum.conf
saf() { "$possum" admin link saf --data "$data" "$@"; }

expect 1 "no data directory" -- saf
expect 0 "a merchant (the data directory made)" -- "$possum" admin merchant add --data "$data" \
	--name "SAF Cafe" --mcc 5812 --mid 898310057990003
expect 0 "empty queue" -- saf
if [ "$(cat "$tmp/out")" = none ]; then ok; else bad "empty queue: $(cat "$tmp/out")"; fi
expect 0 "empty queue --json" -- saf --json
if [ "$(cat "$tmp/out")" = '{"items":[],"next":null}' ]; then ok; else bad "empty --json: $(cat "$tmp/out")"; fi
expect 0 "empty queue of one link in one state" -- saf --link far --state expired --json
out_has '{"items":\[\],"next":null}'

# Four entries: 1800000000 is 2027-01-15 16:00:00 in Beijing ([host] utc_offset = 480).
db_sql "$data" "INSERT INTO saf_queue (link, kind, txn_id, rrn, state, attempts,
	next_at, last_rc, created_at, updated_at) VALUES
	('far', 'reversal', 11, '000000000011', 'pending', 2, 1800000020, '96', 1800000000, 1800000010),
	('far', 'advice', 12, '000000000012', 'refused', 1, 1800000000, '05', 1800000000, 1800000001),
	('near', 'reversal', 13, '000000000013', 'done', 1, 1800000000, '00', 1800000000, 1800000001),
	('far', 'reversal', 14, '000000000014', 'pending', 0, 1800000030, '', 1800000030, 1800000030)" ||
	bad "saf_queue insert"
expect 0 "the queue" -- saf
out_has "^ID  *LINK  *KIND  *RRN  *STATE  *ATTEMPTS  *NEXT (LOCAL)  *RC  *QUEUED (LOCAL)"
out_has "^1  *far  *reversal  *000000000011  *pending  *2  *2027-01-15 16:00:20  *96  *2027-01-15 16:00:00"
out_has "^2  *far  *advice  *000000000012  *refused  *1  *-  *05 "
if [ "$(wc -l <"$tmp/out")" -eq 5 ]; then ok; else bad "the queue: $(cat "$tmp/out")"; fi
expect 0 "far's pending" -- saf --link far --state pending --json
if [ "$(jq -c '[.items[].rrn]' "$tmp/out")" = '["000000000011","000000000014"]' ]; then ok; else bad "far pending: $(cat "$tmp/out")"; fi
out_has '"next_at":"2027-01-15T16:00:20+08:00","last_rc":"96"'
expect 0 "refused" -- saf --state refused --json
if [ "$(jq '.items | length' "$tmp/out")" = 1 ] && [ "$(jq -r '.items[0].next_at' "$tmp/out")" = null ]; then ok; else bad "refused: $(cat "$tmp/out")"; fi
expect 0 "a page of 2" -- saf --limit 2
out_has "^more: --after 2"
expect 0 "the next page" -- saf --limit 2 --after 2 --json
if [ "$(jq -c '[.items[].id], .next' "$tmp/out" | paste -sd' ')" = '[3,4] null' ]; then ok; else bad "next page: $(cat "$tmp/out")"; fi

expect 2 "an unknown state" -- saf --state lost
err_has "state: pending, done, refused or expired"
expect 2 "a malformed link name" -- saf --link "far away"
err_has "link: 1 to 32 letters"
expect 2 "a limit out of range" -- saf --limit 0
expect 2 "an operand" -- saf far
expect 0 "--help" -- "$possum" admin link saf --help
for opt in --link --state --limit --after --config --data --json; do out_has "$opt"; done

echo "saf listing: empty list shown, 4 entries listed, filters 3, pages 2, bad usages refused 4"
finish
