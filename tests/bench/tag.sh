#!/bin/sh
# Tagger benchmark: runs bench_tag RUNS times (default 5) on the shipped
# topics.conf and prints the median entries/s of each kind of entry.
# Usage: tests/bench/tag.sh [BUILD_DIR] [RUNS]   (from the source tree)
set -eu
src=$(cd "$(dirname "$0")/../.." && pwd)
build=${1:-$src/build}
runs=${2:-5}
bench=$build/tests/bench_tag
[ -x "$bench" ] || { echo "no $bench: build first" >&2; exit 1; }
tmp=$(mktemp)
trap 'rm -f "$tmp"' EXIT
i=0
while [ $i -lt "$runs" ]; do
	"$bench" "$src/config/topics.conf" 2>/dev/null >>"$tmp"
	i=$((i + 1))
done
for kind in plain html html+entities; do
	grep "^$kind:" "$tmp" | sed 's/.*: \([0-9]*\) entries\/s.*/\1/' |
	    sort -n | awk -v k="$kind" -v runs="$runs" '
		{ v[NR] = $1 }
		END { printf "%s: median %d entries/s over %d runs (min %d, max %d)\n",
		    k, v[int((NR + 1) / 2)], runs, v[1], v[NR] }'
done
head -1 "$tmp" | sed 's/: [0-9]* entries\/s.*//; s/^plain: /entries: /'
