#!/bin/sh
# pactfeed tag: JSON lines in, one result line per item in input order,
# --explain, stdin, the real topics.conf, and clean failures (bad JSON,
# bad phrase, usage).

set -u
bin=${PACTFEED_BIN:?PACTFEED_BIN unset}
fx=fixtures/tag
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
fail() { echo "FAIL: $*"; exit 1; }

"$bin" tag -c $fx/topics.conf --topics $fx/items.jsonl >"$tmp/out" ||
    fail "tag exited $?"
diff -u $fx/items.expected "$tmp/out" || fail "topics differ"
echo "tag: 6 items, topics and order as expected"

"$bin" tag -c $fx/topics.conf --topics - <$fx/items.jsonl >"$tmp/out2" ||
    fail "tag from stdin exited $?"
cmp -s "$tmp/out" "$tmp/out2" || fail "stdin output differs"
echo "tag: stdin gives the same"

"$bin" tag -c $fx/topics.conf --topics $fx/items.jsonl --explain \
    >"$tmp/why" || fail "tag --explain exited $?"
grep -qx '{"id":"1","topics":\["screening"\],"why":{"screening":"screening regulation (title)"}}' \
    "$tmp/why" || fail "explanation of item 1: $(head -1 "$tmp/why")"
grep -q '"id":"3".*"screening":"filtrage^0.5 (summary), ~migrant\*^0.5 (summary)"' \
    "$tmp/why" || fail "explanation of item 3: $(sed -n 3p "$tmp/why")"
echo "tag --explain: phrases and fields shown"

"$bin" tag -c $fx/topics.conf --topics $fx/bad.jsonl >"$tmp/out" \
    2>"$tmp/err"
rc=$?
[ $rc -eq 1 ] || fail "bad JSON: exit $rc, want 1"
grep -q "bad.jsonl:2:" "$tmp/err" || fail "bad JSON: $(cat "$tmp/err")"
[ "$(wc -l <"$tmp/out")" -eq 1 ] || fail "bad JSON: lines before it lost"
echo "tag: bad JSON line fails with FILE:LINE, exit 1"

"$bin" tag -c $fx/bad-phrase.conf --topics $fx/items.jsonl >/dev/null \
    2>"$tmp/err"
rc=$?
[ $rc -eq 1 ] || fail "bad phrase: exit $rc, want 1"
grep -q 'bad-phrase.conf:1: topic broken: phrase "re\*turn"' "$tmp/err" ||
    fail "bad phrase: $(cat "$tmp/err")"
echo "tag: bad phrase names file, line, topic and phrase, exit 1"

"$bin" tag -c $fx/topics.conf >/dev/null 2>&1
rc=$?
[ $rc -eq 2 ] || fail "no --topics: exit $rc, want 2"
echo "tag: usage error exit 2"

# The shipped topics, on two unambiguous items.
conf=${PACTFEED_SOURCE_DIR:-..}/config/topics.conf
printf '%s\n' \
    '{"id":"e","title":"New Eurodac system goes live","summary":"","lang":"en"}' \
    '{"id":"n","title":"EU and Kenya sign trade partnership","summary":"","lang":"en"}' |
    "$bin" tag -c "$conf" --topics - >"$tmp/real" || fail "real topics: exit $?"
printf '%s\n' '{"id":"e","topics":["eurodac"]}' '{"id":"n","topics":[]}' |
    diff -u - "$tmp/real" || fail "real topics differ"
echo "tag: shipped topics.conf loads and tags"
exit 0
