# figures.sh — what the benchmarks of `possum load` share (bench/load.sh, bench/links.sh).

# figures OUT NAME: the approved rate and p50/p99 of a load's output, one line.
figures() {
	awk -v name="$2" '/^approved/ { r = $4 } /^latency/ { p50 = $3; p99 = $6 }
	END { printf "%-5s approved purchases %s a second, latency p50 %s ms p99 %s ms\n", name, r, p50, p99 }' "$1"
}
