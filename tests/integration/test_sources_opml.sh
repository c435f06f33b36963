#!/usr/bin/env bash
# pactfeed sources import/export: the default sources exported as OPML,
# imported by newsboat (-i) and exported by it (-e) again, imported back
# with --write into an empty config: the same URLs all the way. Then the
# import's rules: blocks printed for new feeds only, hostile files
# refused with a clear message, and a --write whose result would not
# load leaving sources.conf byte for byte as it was.
set -u

bin=${PACTFEED_BIN:?PACTFEED_BIN not set}
src=${PACTFEED_SOURCE_DIR:-$(cd "$(dirname "$0")/../.." && pwd)}
fx=$src/tests/fixtures/opml
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
fail=0
checks=0

ok() { checks=$((checks + 1)); echo "ok: $*"; }
bad() { fail=1; echo "FAIL: $*"; }

# The URLs of an OPML file, one a line in document order (xmlUrl, else url).
opml_urls() {
	python3 - "$1" <<'EOF'
import sys, xml.etree.ElementTree as ET
for o in ET.parse(sys.argv[1]).getroot().iter("outline"):
    u = o.get("xmlUrl") or o.get("url")
    if u:
        print(u.strip())
EOF
}

# The number of sources a config holds, from check-config.
nsources() {
	"$bin" check-config -c "$1" | sed -n 's/.*: ok, \([0-9]*\) sources.*/\1/p'
}

mkdir -p "$tmp/conf" "$tmp/fresh" "$tmp/nb"
cp "$src/config/pactfeed.conf" "$src/config/sources.conf" \
    "$src/config/topics.conf" "$tmp/conf/"
printf 'include("sources.conf")\n' >"$tmp/fresh/pactfeed.conf"
printf '# sources\n' >"$tmp/fresh/sources.conf"

n=$(nsources "$tmp/conf/pactfeed.conf")
[ -n "$n" ] && [ "$n" -gt 0 ] || { echo "FAIL: default config: no sources"; exit 1; }
n_all=$n

# Export.
if "$bin" sources export -c "$tmp/conf/pactfeed.conf" >"$tmp/export.opml"; then
	ok "export exits 0"
else
	bad "export failed"
fi
python3 - "$tmp/export.opml" "$n" <<'EOF' && ok "export is OPML 2.0 with $n outlines, each titled" || bad "export is not the OPML expected"
import sys, xml.etree.ElementTree as ET
r = ET.parse(sys.argv[1]).getroot()
assert r.tag == "opml" and r.get("version") == "2.0", r.tag
assert r.find("head/title").text
assert r.find("head/dateCreated").text
outs = list(r.find("body").iter("outline"))
assert len(outs) == int(sys.argv[2]), len(outs)
for o in outs:
    assert o.get("text") and o.get("title"), o.attrib
    assert o.get("type") in ("rss", "link"), o.attrib
    assert (o.get("xmlUrl") or o.get("url")).startswith("http"), o.attrib
EOF
opml_urls "$tmp/export.opml" >"$tmp/export.urls"

# Round trip through newsboat, or through ourselves without it.
if command -v newsboat >/dev/null 2>&1; then
	: >"$tmp/nb/urls"
	: >"$tmp/nb/config"
	nb() {
		HOME=$tmp/nb timeout 120 newsboat -u "$tmp/nb/urls" \
		    -c "$tmp/nb/cache.db" -C "$tmp/nb/config" "$@" </dev/null
	}
	if nb -i "$tmp/export.opml" >/dev/null; then
		ok "newsboat -i reads the export"
	else
		bad "newsboat -i failed"
	fi
	cut -d' ' -f1 "$tmp/nb/urls" | sed '/^$/d' >"$tmp/nb.urls"
	if cmp -s "$tmp/export.urls" "$tmp/nb.urls"; then
		ok "newsboat's urls file holds the $n exported URLs, in order"
	else
		bad "newsboat's urls differ from the export:"
		diff "$tmp/export.urls" "$tmp/nb.urls"
	fi
	nb -e >"$tmp/back.opml" || bad "newsboat -e failed"
else
	echo "skip: newsboat not installed (apt-get install newsboat);" \
	    "round trip of the feeds through our own export only"
	# We import feeds only: the scraped pages (links) stay out.
	grep -v 'type="link"' "$tmp/export.opml" >"$tmp/back.opml"
	opml_urls "$tmp/back.opml" >"$tmp/export.urls"
	n=$(wc -l <"$tmp/export.urls")
fi

"$bin" sources import -c "$tmp/fresh/pactfeed.conf" --write \
    "$tmp/back.opml" 2>"$tmp/err"
rc=$?
if [ $rc -eq 0 ] && [ "$(nsources "$tmp/fresh/pactfeed.conf")" = "$n" ]; then
	ok "import --write into an empty config: $n sources, config loads"
else
	bad "import --write into an empty config: exit $rc"
	cat "$tmp/err"
fi
"$bin" sources export -c "$tmp/fresh/pactfeed.conf" >"$tmp/again.opml"
opml_urls "$tmp/again.opml" >"$tmp/again.urls"
if cmp -s "$tmp/export.urls" "$tmp/again.urls"; then
	ok "re-exported URLs equal the first export"
else
	bad "URLs changed in the round trip:"
	diff "$tmp/export.urls" "$tmp/again.urls"
fi
cp "$tmp/fresh/sources.conf" "$tmp/before"
"$bin" sources import -c "$tmp/fresh/pactfeed.conf" --write \
    "$tmp/back.opml" 2>"$tmp/err"
if [ $? -eq 0 ] && grep -q ": 0 new sources, $n skipped" "$tmp/err" &&
    cmp -s "$tmp/before" "$tmp/fresh/sources.conf"; then
	ok "a second import adds nothing: every URL already configured"
else
	bad "second import changed something"
	cat "$tmp/err"
fi
"$bin" sources import -c "$tmp/conf/pactfeed.conf" "$tmp/export.opml" \
    >"$tmp/out" 2>"$tmp/err"
rc=$?
nrss=$(grep -c 'type="rss"' "$tmp/export.opml")
nlink=$(grep -c 'type="link"' "$tmp/export.opml")
if [ $rc -eq 0 ] && [ ! -s "$tmp/out" ] && [ $((nrss + nlink)) = "$n_all" ] &&
    [ "$(grep -c 'already configured as source' "$tmp/err")" = "$nrss" ] &&
    [ "$(grep -c 'no xmlUrl' "$tmp/err")" = "$nlink" ]; then
	ok "the export imported into its own config: $nrss feeds already" \
	    "configured, $nlink scraped pages (links) skipped, none printed"
else
	bad "self-import printed sources"
fi

# Print mode: the blocks of the new feeds, loadable on their own.
"$bin" sources import -c "$tmp/conf/pactfeed.conf" "$fx/folders.opml" \
    >"$tmp/blocks.conf" 2>"$tmp/err"
rc=$?
if [ $rc -eq 0 ] && [ "$(grep -c '^source "' "$tmp/blocks.conf")" = 5 ] &&
    [ "$(nsources "$tmp/blocks.conf")" = 5 ] &&
    grep -q '^source "arzte-ohne-grenzen-co" {' "$tmp/blocks.conf" &&
    grep -q "url	= 'https://msf.example.de/feed?a=1&b=2'" \
    "$tmp/blocks.conf" &&
    grep -q 'folders.opml:14: "A note, not a feed": no xmlUrl, skipped' \
    "$tmp/err"; then
	ok "folders.opml: 5 source blocks printed, they load, notes skipped"
else
	bad "folders.opml import (exit $rc)"
	cat "$tmp/blocks.conf" "$tmp/err"
fi

# Hostile or wrong files: exit 1 and one clear line, never a crash.
for case in "page.html:HTML page" "billion-laughs.opml:entity" \
    "external-entity.opml:has a DTD" "truncated.opml:not well-formed" \
    "rss.xml:root element is <rss>" "empty.opml:empty document" \
    "missing.opml:No such file"; do
	f=${case%%:*}
	want=${case#*:}
	"$bin" sources import -c "$tmp/conf/pactfeed.conf" "$fx/$f" \
	    >"$tmp/out" 2>"$tmp/err"
	rc=$?
	if [ $rc -eq 1 ] && grep -q "$want" "$tmp/err" && [ ! -s "$tmp/out" ]
	then
		ok "$f refused: $(head -1 "$tmp/err")"
	else
		bad "$f: exit $rc, $(cat "$tmp/err")"
	fi
done

# A --write whose result would not load changes nothing.
cat >"$tmp/nonascii.opml" <<'EOF'
<opml version="2.0"><body>
<outline text="Fine" xmlUrl="https://fine.example.org/feed"/>
<outline text="Caf&#233;" xmlUrl="https://caf&#233;.example.org/feed"/>
</body></opml>
EOF
cp "$tmp/conf/sources.conf" "$tmp/before"
"$bin" sources import -c "$tmp/conf/pactfeed.conf" --write \
    "$tmp/nonascii.opml" 2>"$tmp/err"
rc=$?
if [ $rc -eq 1 ] && cmp -s "$tmp/before" "$tmp/conf/sources.conf" &&
    grep -q "would not load" "$tmp/err" &&
    grep -q "/sources.conf (new):[0-9]*: source \"cafe\": url: .*non-ASCII" "$tmp/err" &&
    [ -z "$(ls -A "$tmp/conf" | grep -v '^[a-z]*\.conf$')" ]; then
	ok "a --write that would not load: exit 1, sources.conf unchanged, no temporary file left"
else
	bad "bad --write: exit $rc"
	cat "$tmp/err"
	ls -A "$tmp/conf"
fi

# --write needs the main file to include sources.conf ...
mkdir "$tmp/noinc"
printf 'listen = "127.0.0.1:8080"\n# include("sources.conf")\n' \
    >"$tmp/noinc/pactfeed.conf"
printf '\n' >"$tmp/noinc/sources.conf"
"$bin" sources import -c "$tmp/noinc/pactfeed.conf" --write \
    "$fx/folders.opml" 2>"$tmp/err"
rc=$?
if [ $rc -eq 1 ] && grep -q 'does not include("sources.conf")' "$tmp/err"
then
	ok "--write refused when the main file does not include sources.conf"
else
	bad "--write without include: exit $rc"
	cat "$tmp/err"
fi
# ... or be sources.conf itself.
"$bin" sources import -c "$tmp/noinc/sources.conf" --write \
    "$fx/folders.opml" 2>"$tmp/err"
rc=$?
if [ $rc -eq 0 ] && [ "$(nsources "$tmp/noinc/sources.conf")" = 5 ]; then
	ok "-c sources.conf --write appends to that file"
else
	bad "-c sources.conf --write: exit $rc"
	cat "$tmp/err"
fi

# Usage errors: exit 2.
for args in "sources" "sources import" "sources export x" \
    "sources frob" "sources export --write" "sources import a b"; do
	"$bin" $args >/dev/null 2>&1
	rc=$?
	[ $rc -eq 2 ] || bad "pactfeed $args: exit $rc, want 2"
done
ok "6 wrong command lines exit 2"

if [ $fail -ne 0 ]; then
	echo "sources: FAILED"
	exit 1
fi
echo "sources: $checks checks passed"
