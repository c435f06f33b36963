#!/bin/sh
# Store benchmark driver: three ingests of 200k generated entries into a
# fresh database (feeds of 50, one transaction each), then one archive of
# 1M entries for the filtered-page latencies. Prints each run in full;
# take the medians. Not run by ctest.
#
#	tests/bench/bench_store.sh [build-dir] [db-dir]
set -eu
build=${1:-build}
dir=${2:-${TMPDIR:-/tmp}}
bench=$build/tests/bench_store
[ -x "$bench" ] || { echo "no $bench: build first" >&2; exit 1; }
db=$dir/pactfeed-bench-$$.db
trap 'rm -f "$db" "$db-wal" "$db-shm"' EXIT INT TERM

for run in 1 2 3; do
	rm -f "$db" "$db-wal" "$db-shm"
	echo "== 200k entries, run $run"
	"$bench" -n 200000 -q 1000 -s $run "$db"
done
rm -f "$db" "$db-wal" "$db-shm"
echo "== 1M entries"
"$bench" -n 1000000 -q 2000 -s 7 "$db"
