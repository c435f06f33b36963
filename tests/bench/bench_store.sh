#!/bin/sh
# Store benchmark driver: ingests of 200k generated entries into a fresh
# database (feeds of 50), three runs feed by feed (one transaction each),
# three in batches of BATCH feeds (store_batch_begin/end, as the daemon
# stores the fetches that end together), and three in batches with each
# feed prepared on another thread (bench_store -p: store_prepare, as the
# daemon's worker does), and three as the daemon stores: prepared, and
# the WAL checkpointed on a thread of its own (-k); prints each run and
# the medians of wall and CPU entries/s of the storing thread per mode.
# Then one archive of 1M entries (as the daemon) for the filtered-page
# latencies. Not run by ctest.
#
#	tests/bench/bench_store.sh [build-dir] [db-dir] [batch] [entries]
set -eu
build=${1:-build}
dir=${2:-${TMPDIR:-/tmp}}
batch=${3:-50}
n=${4:-200000}
bench=$build/tests/bench_store
[ -x "$bench" ] || { echo "no $bench: build first" >&2; exit 1; }
db=$dir/pactfeed-bench-$$.db
out=$dir/pactfeed-bench-$$.out
trap 'rm -f "$db" "$db-wal" "$db-shm" "$out"' EXIT INT TERM

: >"$out"
for mode in 0 "$batch" "$batch -p" "$batch -p -k"; do
	for run in 1 2 3; do
		rm -f "$db" "$db-wal" "$db-shm"
		echo "== $n entries, $mode feeds per batch (0: none), run $run"
		# shellcheck disable=SC2086
		"$bench" -b $mode -n "$n" -q 1000 -s $run "$db" | tee -a "$out"
	done
done
echo "== medians of 3 runs"
awk '/^ingest/ {
	for (i = 1; i <= NF; i++) {
		if ($i == "per" && $(i + 1) ~ /^batch[:,]$/)
			b = $(i - 1) ($0 ~ /prepared/ ? " (prepared)" : "") \
			    ($0 ~ /checkpointed/ ? " (checkpointer)" : "")
		if ($i == "entries/s" && $(i + 1) == "wall,") w[b] = w[b] " " $(i - 1)
		if ($i == "entries/s" && $(i + 1) == "CPU") c[b] = c[b] " " $(i - 1)
	}
}
function med(s,	v, k) {
	k = split(s, v, " ")
	# three values: the one neither smallest nor largest
	if (k != 3) return v[1]
	if ((v[1] - v[2]) * (v[3] - v[1]) >= 0) return v[1]
	if ((v[2] - v[1]) * (v[3] - v[2]) >= 0) return v[2]
	return v[3]
}
END {
	for (b in w)
		printf "ingest, %s feeds per batch: %s entries/s wall, %s entries/s CPU\n", b, med(w[b]), med(c[b])
}' "$out"
rm -f "$db" "$db-wal" "$db-shm"
echo "== 1M entries"
"$bench" -b "$batch" -p -k -n 1000000 -q 2000 -s 7 "$db"
