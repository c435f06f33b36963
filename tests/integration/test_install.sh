#!/usr/bin/env bash
# cmake --install into a DESTDIR: the binary, the unit with the binary's
# path substituted, both man pages and the default configuration, which
# loads. A second install keeps an admin's edited file (the new default
# goes beside it as FILE.default) and leaves unedited ones as they are.
# Where systemd-analyze exists, the installed unit must verify cleanly
# (binary and man pages resolved inside the DESTDIR) and its exposure
# must be at most 2.0.
set -u

build=${PACTFEED_BUILD_DIR:?PACTFEED_BUILD_DIR not set}
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
dest=$tmp/dest
fail=0
checks=0

ok() { checks=$((checks + 1)); echo "ok: $*"; }
bad() { fail=1; echo "FAIL: $*"; }

command -v cmake >/dev/null || { echo "skip: no cmake"; exit 77; }

# The layout this build was configured with (GNUInstallDirs' defaults
# where the cache leaves a directory empty).
cache() {
	sed -n "s/^$1:[A-Z]*=//p" "$build/CMakeCache.txt"
}
prefix=$(cache CMAKE_INSTALL_PREFIX)
bindir=$(cache CMAKE_INSTALL_BINDIR)
mandir=$(cache CMAKE_INSTALL_MANDIR)
sysconfdir=$(cache CMAKE_INSTALL_SYSCONFDIR)
: "${bindir:=bin}" "${mandir:=share/man}" "${sysconfdir:=etc}"
case $sysconfdir in
/*) ;;
*) if [ "$prefix" = /usr ]; then sysconfdir=/$sysconfdir
   else sysconfdir=$prefix/$sysconfdir; fi ;;
esac
case $bindir in /*) ;; *) bindir=$prefix/$bindir ;; esac
case $mandir in /*) ;; *) mandir=$prefix/$mandir ;; esac
confdir=$sysconfdir/pactfeed
echo "layout: prefix $prefix, bin $bindir, man $mandir, config $confdir"

if DESTDIR=$dest cmake --install "$build" >"$tmp/install1.log" 2>&1; then
	ok "first install into a DESTDIR"
else
	bad "cmake --install failed"
	cat "$tmp/install1.log"
	exit 1
fi

want="$bindir/pactfeed
$prefix/lib/systemd/system/pactfeed.service
$mandir/man8/pactfeed.8
$mandir/man5/pactfeed.conf.5
$confdir/pactfeed.conf
$confdir/sources.conf
$confdir/topics.conf"
(cd "$dest" && find . -type f | sed 's/^\.//' | sort) >"$tmp/tree"
if [ "$(sort <<<"$want")" = "$(cat "$tmp/tree")" ]; then
	ok "the tree holds exactly the 7 files expected"
else
	bad "installed tree differs:"
	diff <(sort <<<"$want") "$tmp/tree"
fi
[ -x "$dest$bindir/pactfeed" ] && ok "binary is executable" ||
    bad "binary not executable"
"$dest$bindir/pactfeed" version >/dev/null && ok "installed binary runs" ||
    bad "installed binary does not run"

for f in pactfeed.conf sources.conf topics.conf; do
	if cmp -s "$dest$confdir/$f" "${PACTFEED_SOURCE_DIR:-..}/config/$f"; then
		ok "$f installed as shipped"
	else
		bad "$f differs from config/$f"
	fi
done
if "$dest$bindir/pactfeed" check-config -c "$dest$confdir/pactfeed.conf" \
    >"$tmp/check" 2>&1; then
	ok "installed configuration loads: $(cat "$tmp/check" | sed 's/.*: ok, //')"
else
	bad "installed configuration does not load"
	cat "$tmp/check"
fi

unit=$dest$prefix/lib/systemd/system/pactfeed.service
if grep -Eq '@[A-Z_]+@' "$unit"; then
	bad "unit has unsubstituted @VARS@: $(grep -E '@[A-Z_]+@' "$unit")"
else
	ok "unit has no @VARS@ left"
fi
if grep -qx "ExecStart=$bindir/pactfeed serve -c \${CONFIGURATION_DIRECTORY}/pactfeed.conf" "$unit"; then
	ok "unit starts $bindir/pactfeed serve"
else
	bad "unit's ExecStart: $(grep ^ExecStart= "$unit")"
fi

# An admin edits one file; a second install keeps it.
printf '\n# edited by the admin\nfeed-title = "Ours"\n' \
    >>"$dest$confdir/pactfeed.conf"
cp "$dest$confdir/pactfeed.conf" "$tmp/edited"
touch -d '2020-01-01 00:00' "$dest$confdir/sources.conf"
if DESTDIR=$dest cmake --install "$build" >"$tmp/install2.log" 2>&1; then
	ok "second install"
else
	bad "second install failed"
	cat "$tmp/install2.log"
fi
if cmp -s "$tmp/edited" "$dest$confdir/pactfeed.conf"; then
	ok "second install kept the edited pactfeed.conf"
else
	bad "second install overwrote the edited pactfeed.conf"
fi
if cmp -s "$dest$confdir/pactfeed.conf.default" \
    "${PACTFEED_SOURCE_DIR:-..}/config/pactfeed.conf"; then
	ok "the new default went beside it as pactfeed.conf.default"
else
	bad "no pactfeed.conf.default beside the edited file"
fi
if [ ! -e "$dest$confdir/sources.conf.default" ] &&
    [ ! -e "$dest$confdir/topics.conf.default" ] &&
    [ "$(stat -c %Y "$dest$confdir/sources.conf")" = \
    "$(date -d '2020-01-01 00:00' +%s)" ]; then
	ok "unedited files left alone, no .default for them"
else
	bad "unedited config files were touched"
fi
grep -q "Kept (edited): .*pactfeed.conf" "$tmp/install2.log" &&
    ok "install says it kept the edited file" ||
    bad "install did not say it kept the edited file"

# The unit, as installed, with its paths pointing into the DESTDIR.
if command -v systemd-analyze >/dev/null 2>&1; then
	mkdir "$tmp/units"
	sed "s|$bindir/pactfeed|$dest$bindir/pactfeed|g" "$unit" \
	    >"$tmp/units/pactfeed.service"
	if command -v man >/dev/null 2>&1; then
		man_opt=--man=yes
	else
		man_opt=--man=no
		echo "skip: no man (apt-get install man-db):" \
		    "Documentation= not checked by verify"
	fi
	MANPATH=$dest$mandir SYSTEMD_LOG_COLOR=0 systemd-analyze verify \
	    $man_opt "$tmp/units/pactfeed.service" >"$tmp/verify" 2>&1
	rc=$?
	if [ $rc -eq 0 ] && [ ! -s "$tmp/verify" ]; then
		ok "systemd-analyze verify $man_opt: clean"
	else
		bad "systemd-analyze verify $man_opt: exit $rc"
		cat "$tmp/verify"
	fi
	SYSTEMD_COLORS=0 systemd-analyze security --offline=yes \
	    "$tmp/units/pactfeed.service" >"$tmp/security" 2>&1
	level=$(sed -n 's/.*Overall exposure level for [^:]*: \([0-9.]*\).*/\1/p' \
	    "$tmp/security")
	if [ -n "$level" ] && awk -v l="$level" 'BEGIN { exit !(l <= 2.0) }'
	then
		ok "systemd-analyze security --offline=yes: exposure $level <= 2.0"
	else
		bad "exposure level '${level}' (want <= 2.0):"
		tail -5 "$tmp/security"
	fi
else
	echo "skip: no systemd-analyze (apt-get install systemd):" \
	    "unit not verified"
fi

if [ $fail -ne 0 ]; then
	echo "install: FAILED"
	exit 1
fi
echo "install: $checks checks passed"
