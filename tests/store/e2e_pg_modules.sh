#!/bin/sh
# e2e_pg_modules.sh POSSUM SOURCE_DIR — the store's modules on PostgreSQL: every cmocka test
# executable that works on a store (its source includes a store fixture: store_fixture.h and
# those built on it) is run again with POSSUM_TEST_PG naming a throwaway PostgreSQL
# (tests/pg.sh), so that each of its stores is a schema there (store_fixture.h) — the same
# tests, the same assertions, on the other engine. A test that cannot run there (SQLite's own
# files, SQL behind the store's back in SQLite's dialect) skips its case, counted.
#
# tests/store/pg_pending.txt lists the executables not yet passing on PostgreSQL (issue 20,
# one module at a time): they are run and reported, and one that passes is a failure until it
# is taken off the list, so that the list only shrinks. Every other must pass.
# Skipped (77) without Debian's postgresql package or a build with libpq.
possum=$1
src=$2
. "$(dirname "$0")/../lib.sh"
. "$(dirname "$0")/../pg.sh"

bindir=$(dirname "$possum")
[ -x "$bindir/test_pg_engine" ] || skip "possum built without libpq"
pg_start || skip "$pg_why"

pending=$(grep -v '^#' "$src/tests/store/pg_pending.txt" | awk '{print $1}' | paste -sd' ' -)
is_pending() { case " $pending " in *" $1 "*) return 0 ;; esac; return 1; }

np=0 nf=0 still=0 skipped=0 total=0
for c in $(grep -l 'store_fixture.h\|issuer_fixture.h\|settle_fixture.h\|ledger_fixture.h\|notify_fixture.h\|http_fixture.h\|binding_fixture.h\|onboarding_fixture.h\|tms_fixture.h' \
	"$src"/tests/*/test_*.c | sort); do
	name=$(basename "$c" .c)
	[ -x "$bindir/$name" ] || continue
	total=$((total + 1))
	# The environment ctest gives each (CMakeLists.txt): the rules files, the vectors.
	if POSSUM_TEST_PG=$pg_conninfo POSSUM_SOURCE=$src POSSUM_VECTORS=$src/../shared/vectors \
		timeout 300 "$bindir/$name" >"$tmp/$name.out" 2>&1; then
		n=$(grep -c '^\[  SKIPPED \]' "$tmp/$name.out")
		skipped=$((skipped + n))
		if is_pending "$name"; then
			bad "$name passes on PostgreSQL now: take it off tests/store/pg_pending.txt"
		else
			np=$((np + 1))
			ok
		fi
	elif is_pending "$name"; then
		still=$((still + 1))
		echo "pending: $name: $(grep -m3 '\[  FAILED  \]\|ERROR\|error' "$tmp/$name.out" | paste -sd' ' - | cut -c1-300)"
	else
		nf=$((nf + 1))
		bad "$name fails on PostgreSQL: $(tail -15 "$tmp/$name.out")"
	fi
done
echo "pg modules: $np of $total test executables pass on PostgreSQL ($skipped cases skipped there), $still pending, $nf failed"
finish
