#!/bin/sh
# pactfeed parse: exit codes and messages of the command line contract,
# and every real-world sample of ../shared when it is present.
set -eu
bin="$PACTFEED_BIN"
fx=fixtures/parse
fail() { echo "parse-cli: FAIL: $*"; exit 1; }
checks=0

"$bin" parse "$fx/rss2-full.xml" --url https://asylum-watch.example.org/feed/ >/tmp/pf-cli.$$ 2>&1 ||
    fail "rss2-full.xml exit $?"
grep -q '"title": "Council adopts screening regulation"' /tmp/pf-cli.$$ ||
    fail "rss2-full.xml title missing"
checks=$((checks + 1))

set +e
"$bin" parse "$fx/html-page.html" >/dev/null 2>/tmp/pf-cli.$$
rc=$?
set -e
[ "$rc" -eq 1 ] || fail "HTML page exit $rc, want 1"
grep -q 'html-page.html: not a feed: an HTML page' /tmp/pf-cli.$$ ||
    fail "HTML page message: $(cat /tmp/pf-cli.$$)"
checks=$((checks + 1))

set +e
"$bin" parse "$fx/empty.xml" >/dev/null 2>/tmp/pf-cli.$$
rc=$?
set -e
[ "$rc" -eq 1 ] || fail "empty exit $rc, want 1"
grep -q 'not a feed: empty document' /tmp/pf-cli.$$ || fail "empty message"
checks=$((checks + 1))

set +e
"$bin" parse >/dev/null 2>&1
rc=$?
"$bin" parse /nonexistent/feed.xml >/dev/null 2>/tmp/pf-cli.$$
rc2=$?
set -e
[ "$rc" -eq 2 ] || fail "usage exit $rc, want 2"
[ "$rc2" -eq 1 ] || fail "missing file exit $rc2, want 1"
grep -q '^<4>/nonexistent/feed.xml: No such file' /tmp/pf-cli.$$ ||
    fail "missing file message: $(cat /tmp/pf-cli.$$)"
checks=$((checks + 2))

# A broken feed: exit 0, bozo true, reason logged at info level.
"$bin" parse "$fx/quirk-bare-amp.xml" >/tmp/pf-cli-out.$$ 2>/tmp/pf-cli.$$ ||
    fail "bare amp exit $?"
grep -q '"bozo": true' /tmp/pf-cli-out.$$ || fail "bare amp not bozo"
grep -q '^<6>.*recovered from: line 5' /tmp/pf-cli.$$ || fail "bozo log line"
checks=$((checks + 1))

real="${PACTFEED_SHARED:-../../shared}/samples/real"
nreal=0
if [ -d "$real" ]; then
	for f in "$real"/*.xml; do
		"$bin" parse "$f" >/tmp/pf-cli-out.$$ 2>/dev/null ||
		    fail "$f exit $?"
		n=$(python3 -c 'import json,sys; print(len(json.load(open(sys.argv[1]))["entries"]))' /tmp/pf-cli-out.$$)
		[ "$n" -gt 0 ] || fail "$f: no entries"
		nreal=$((nreal + 1))
	done
fi
rm -f /tmp/pf-cli.$$ /tmp/pf-cli-out.$$
echo "parse-cli: $checks command-line checks ok; $nreal real-world samples parsed with entries"
