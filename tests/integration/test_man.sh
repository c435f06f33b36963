#!/usr/bin/env bash
# The man pages: mandoc -T lint finds nothing but the noise of pages that
# are not installed (cross references, mandoc.db), man -l renders them
# without a warning where man exists, pactfeed.conf(5) documents every key
# of common/config.c's tables, and its example configuration loads.
set -u

src=${PACTFEED_SOURCE_DIR:-$(cd "$(dirname "$0")/../.." && pwd)}
bin=${PACTFEED_BIN:-}
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
fail=0
checks=0
pages="$src/doc/pactfeed.8 $src/doc/pactfeed.conf.5"

ok() { checks=$((checks + 1)); echo "ok: $*"; }
bad() { fail=1; echo "FAIL: $*"; }

# What lint or man says about a page that is not the page's fault.
noise='referenced manual not found|mandoc\.db|makewhatis'

if command -v mandoc >/dev/null 2>&1; then
	for p in $pages; do
		# mandoc may end a message without a newline before the
		# next: one message a line, so noise never hides a warning.
		mandoc -T lint "$p" 2>&1 |
		    sed 's/\(.\)mandoc: /\1\nmandoc: /g' >"$tmp/lint"
		grep -Ev "$noise" "$tmp/lint" >"$tmp/real"
		if [ -s "$tmp/real" ]; then
			bad "mandoc -T lint $(basename "$p"):"
			cat "$tmp/real"
		else
			ok "mandoc -T lint $(basename "$p"): clean" \
			    "($(wc -l <"$tmp/lint") noise lines ignored)"
		fi
	done
else
	echo "skip: no mandoc (apt-get install mandoc): pages not linted"
fi

if command -v man >/dev/null 2>&1; then
	for p in $pages; do
		MANWIDTH=80 man --warnings -l "$p" >"$tmp/out" 2>"$tmp/err"
		rc=$?
		sed 's/\(.\)mandoc: /\1\nmandoc: /g' "$tmp/err" |
		    grep -Ev "$noise" >"$tmp/real"
		if [ $rc -eq 0 ] && [ ! -s "$tmp/real" ] &&
		    grep -q "NAME" "$tmp/out" && grep -q "SEE ALSO" "$tmp/out"
		then
			ok "man -l $(basename "$p"): $(wc -l <"$tmp/out") lines," \
			    "no warning"
		else
			bad "man -l $(basename "$p"): exit $rc"
			cat "$tmp/real"
		fi
	done
else
	echo "skip: no man (apt-get install man-db): pages not rendered"
fi

# Every key of the tables in config.c, on an .It line of pactfeed.conf.5.
python3 - "$src/common/config.c" "$src/doc/pactfeed.conf.5" <<'EOF' >"$tmp/keys"
import re, sys
code = open(sys.argv[1]).read()
keys = re.findall(r'^\t\{ "([a-z-]+)",\s+V_', code, re.M)
items = set()
for line in open(sys.argv[2]):
    if line.startswith(".It "):
        items.update(re.split(r"[\s,]+", line))
missing = [k for k in keys if k not in items]
print(len(keys), " ".join(missing))
sys.exit(1 if missing or len(keys) < 40 else 0)
EOF
if [ $? -eq 0 ]; then
	ok "pactfeed.conf.5 documents all $(cut -d' ' -f1 "$tmp/keys") keys of config.c"
else
	bad "keys of config.c missing from pactfeed.conf.5: $(cut -d' ' -f2- "$tmp/keys")"
fi

# The EXAMPLES configuration loads, beside the shipped topics.conf.
if [ -n "$bin" ] && [ -x "$bin" ]; then
	awk '/^\.Sh EXAMPLES/ { f = 1 } f && /^\.Bd/ { g = 1; next }
	    g && /^\.Ed/ { exit } g { print }' "$src/doc/pactfeed.conf.5" \
	    >"$tmp/pactfeed.conf"
	cp "$src/config/topics.conf" "$tmp/"
	if "$bin" check-config -c "$tmp/pactfeed.conf" >"$tmp/check" 2>&1 &&
	    grep -q ': ok, 3 sources' "$tmp/check"; then
		ok "the example of pactfeed.conf.5 loads: $(sed 's/.*: ok, //' "$tmp/check")"
	else
		bad "the example of pactfeed.conf.5 does not load:"
		cat "$tmp/check"
	fi
else
	echo "skip: PACTFEED_BIN not set: example not loaded"
fi

if [ $fail -ne 0 ]; then
	echo "man: FAILED"
	exit 1
fi
if [ $checks -eq 0 ]; then
	echo "man: nothing checked"
	exit 77
fi
echo "man: $checks checks passed"
