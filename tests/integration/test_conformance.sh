#!/bin/sh
# The feedparser conformance corpus through the real binary: at least 290
# of the 300 dev tests must pass. Skipped (77) when ../shared is absent.
set -eu
corpus="${PACTFEED_SHARED:-../../shared}/conformance"
if [ ! -f "$corpus/feedparser/dev/expect.jsonl" ]; then
	echo "conformance: $corpus not present, skipped"
	exit 77
fi
out=$(mktemp)
trap 'rm -f "$out"' EXIT
python3 "$corpus/check_conformance.py" "$corpus/feedparser/dev" \
    "$PACTFEED_BIN parse {file}" -j 2 >"$out" 2>&1 || true
cat "$out"
passed=$(tail -n 1 "$out" | awk '/passed/ { print $1 }')
if [ -z "$passed" ] || [ "$passed" -lt 290 ]; then
	echo "conformance: ${passed:-no} tests passed, need at least 290"
	exit 1
fi
echo "conformance: $passed of 300 dev tests pass (need 290)"
