# compare.sh — two builds of possum under bench/load.sh, in the same hour: RUNS runs each
# (default 5), alternating A, B, A, B… so that the machine's drift falls on both alike, then
# each build's median and range of approved purchases a second, latency p50 and p99, and the
# host's CPU time a purchase (the throughput is bound by the disk's sync and by the load
# generator on the same cores; the host's CPU shows work saved or added a request).
# Figures are printed, never asserted. LOAD_TERMINALS, LOAD_SECONDS, LOAD_ENTRY as load.sh.
# Run: sh bench/compare.sh A_POSSUM B_POSSUM [SRC_DIR]
set -u
a=${1:?usage: sh bench/compare.sh A_POSSUM B_POSSUM [SRC_DIR]}
b=${2:?usage: sh bench/compare.sh A_POSSUM B_POSSUM [SRC_DIR]}
src=${3:-.}
runs=${RUNS:-5}
here=$(dirname "$0")
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT

# One run of build $2 (label $1): its rate, p50 and p99 appended to $tmp/$1.
run() {
	sh "$here/load.sh" "$2" "$src" >"$tmp/out" 2>"$tmp/err" ||
		{ echo "compare.sh: a run of $2 failed:" >&2; tail -n 5 "$tmp/err" >&2; exit 1; }
	rate=$(sed -n 's/^approved .*purchases, \([0-9.]*\) a second/\1/p' "$tmp/out")
	lat=$(sed -n 's/^latency *p50 \([0-9.]*\) ms *p99 \([0-9.]*\) ms.*/\1 \2/p' "$tmp/out")
	cpu=$(sed -n 's/^cpu *host \([0-9.]*\) ms.*/\1/p' "$tmp/out")
	echo "$rate $lat $cpu" >>"$tmp/$1"
	echo "run $i $1: $rate a second, p50/p99 $lat ms, host CPU $cpu ms a purchase" >&2
}

i=1
while [ "$i" -le "$runs" ]; do
	run A "$a"
	run B "$b"
	i=$((i + 1))
done

# Median and range of column $2 of file $1.
stat() { sort -n -k"$2","$2" "$1" | awk -v c="$2" '{ v[NR] = $c } END {
	m = NR % 2 ? v[(NR + 1) / 2] : (v[NR / 2] + v[NR / 2 + 1]) / 2
	printf "%s (%s–%s)", m, v[1], v[NR] }'; }
echo "== bench/compare.sh: $runs runs each, alternating =="
printf '%-4s %-28s %-24s %-24s %s\n' "" "approved a second" "p50 ms" "p99 ms" "host CPU ms a purchase"
for x in A B; do
	printf '%-4s %-28s %-24s %-24s %s\n' "$x" "$(stat "$tmp/$x" 1)" "$(stat "$tmp/$x" 2)" \
		"$(stat "$tmp/$x" 3)" "$(stat "$tmp/$x" 4)"
done
echo "A = $a"
echo "B = $b"
