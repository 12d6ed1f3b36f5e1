# valgrind.sh — `make soak`'s memory check: end-to-end tests run with every `possum` process
# they start (the host, the terminals, the admin commands) under valgrind's memcheck, which
# reports leaks (definite and indirect) and invalid reads and writes, a log a process. Prints the
# tests run, the processes checked and what memcheck found; fails when it found anything.
# A test that fails only because valgrind makes the host 20 to 50 times slower (a timeout) is
# named and counted, but what this proves is memcheck's verdict.
# VALGRIND_TESTS: the tests' names (default a set across the host; "all": every e2e test but
# the browser's and the crash, fault and attack runs, about an hour).
# Run: sh tests/soak/valgrind.sh POSSUM SOURCE (make soak).
possum=$1
src=$2
command -v valgrind >/dev/null 2>&1 || { echo "valgrind: not installed (scripts/bootstrap)"; exit 1; }
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
mkdir "$tmp/logs"
cat >"$tmp/possum" <<WRAP
#!/bin/sh
exec valgrind -q --leak-check=full --show-leak-kinds=definite,indirect \\
	--errors-for-leak-kinds=definite,indirect --error-exitcode=99 \\
	--log-file="$tmp/logs/%p.log" "$possum" "\$@"
WRAP
chmod +x "$tmp/possum"

tests=${VALGRIND_TESTS:-e2e_host e2e_term e2e_term_track e2e_api e2e_merchant e2e_terminal e2e_load e2e_close e2e_settle_day e2e_qr e2e_wallet_pay_qr e2e_issuer_link e2e_review e2e_backup}
if [ "$tests" = all ]; then
	tests=$(ls "$src"/tests/*/e2e_*.sh | grep -v -e /ui/ -e /crash/ -e /fault/ -e /attack/ |
		xargs -n1 basename | sed 's/\.sh$//')
fi
ran=0
slow=""
for t in $tests; do
	script=$(ls "$src"/tests/*/"$t.sh" 2>/dev/null | head -n 1)
	[ -n "$script" ] || { echo "valgrind: no test $t"; exit 1; }
	start=$(date +%s)
	if sh "$script" "$tmp/possum" "$src" >"$tmp/$t.out" 2>&1; then verdict=passed; else
		verdict="failed (see below)"
		slow="$slow $t"
	fi
	ran=$((ran + 1))
	echo "valgrind: $t $verdict in $(($(date +%s) - start)) s, $(ls "$tmp/logs" | wc -l) processes checked so far"
done

processes=$(ls "$tmp/logs" | wc -l)
found=0
for log in "$tmp"/logs/*.log; do
	[ -s "$log" ] || continue
	found=$((found + 1))
	echo "valgrind: memcheck found in process $(basename "$log" .log):"
	head -n 40 "$log"
done
for t in $slow; do
	echo "valgrind: $t failed under valgrind; its last lines:"
	tail -n 5 "$tmp/$t.out"
done
echo "valgrind: $ran tests, $processes processes under memcheck: $found with a leak or memory error${slow:+; failed under valgrind's slowness:$slow}"
[ "$found" -eq 0 ]
