#!/usr/bin/env python3
"""pactfeed serve against 50+ hostile sources and a dozen healthy ones.

Two fixture servers on 127.0.0.1 serve every way a source can misbehave at
once (slow drips, resets mid-body, wrong Content-Length both ways, gzip
bombs, 2 GiB advertised bodies, endless redirects, HTML and garbage for
XML, truncated and nested XML, entity bombs, a 200 kB header, guids that
change on every fetch, 100k-entry feeds, entries dated 1970 and 2099)
beside healthy feeds on both servers that gain an item every few seconds.
The real daemon runs for RUN_SECONDS with intervals of a few seconds.
Checked: each healthy source was fetched again and again, never much
later than its interval allows, and every entry it offered is stored;
the daemon's peak RSS and its open descriptors stay under stated bounds;
every hostile source produced a log line naming it and saying what went
wrong; the guid-changing feeds did not flood the archive; the 100k feeds
were refused by the size limit and the one over the entry cap was cut
with a message, nothing stored half; the 2099 entry does not sort above
newer entries; the archive passes integrity_check, holds no duplicate,
and no entry or story is orphaned.

Bounds (stated below, measured figures printed): RSS_BOUND_MIB for the
plain build, RSS_BOUND_ASAN_MIB when the daemon runs with AddressSanitizer
(found in its memory map or the binary; its redzones, shadow and
quarantine make several times the plain figure normal); FD_BOUND
descriptors. Measured on a loaded 2-core machine: about 26 MiB and 40
descriptors plain, about 125 MiB under ASan.
"""

import json
import os
import re
import shutil
import signal
import sqlite3
import subprocess
import sys
import tempfile
import time
import urllib.request

from pftest import free_port, start_fixture_server, stop, wait_for

HERE = os.path.dirname(os.path.abspath(__file__))
BIN = os.environ.get("PACTFEED_BIN", os.path.join(HERE, "..", "..", "build", "pactfeed"))
TOPICS = os.path.abspath(os.path.join(HERE, "..", "..", "config", "topics.conf"))

RUN_SECONDS = 50	# the daemon's run
GROW_SECONDS = 30	# healthy feeds gain items this long
GROW_EVERY = 6		# one item every this many seconds
INTERVAL = 3		# s, healthy sources (two use SLOW_INTERVAL)
SLOW_INTERVAL = 5
MAX_BODY = 2 * 1024 * 1024
MAX_TRANSFERS = 48
ENTRY_CAP = 1000	# RUN_MAX_ENTRIES in daemon/run.c
# The plain daemon: some 20 MiB of code, libraries, tagger and SQLite's
# page cache, and a few bodies of MAX_BODY in flight with their parsed
# feeds. Under ASan the redzones and shadow add to every block, and freed
# blocks wait in a quarantine (cut to ASAN_QUARANTINE_MIB for this run).
RSS_BOUND_MIB = 64
RSS_BOUND_ASAN_MIB = 256
ASAN_QUARANTINE_MIB = 32
# Every transfer's socket, curl's connection cache (at most 4 per
# transfer running), the database and its WAL, the listener, the loop.
FD_BOUND = MAX_TRANSFERS + 64

checks = 0


def check(cond, what):
    global checks
    if not cond:
        print("hostile-sources: FAIL: " + what)
        sys.exit(1)
    checks += 1


def is_asan(pid):
    """The daemon runs with AddressSanitizer: libasan mapped, or the
    runtime linked in statically (clang)."""
    try:
        with open("/proc/%d/maps" % pid) as f:
            if "libasan" in f.read():
                return True
        with open(BIN, "rb") as f:
            return b"__asan_init" in f.read()
    except OSError:
        return False


def proc_sample(pid):
    """(VmRSS, VmHWM) in KiB and the number of open descriptors."""
    rss = hwm = 0
    with open("/proc/%d/status" % pid) as f:
        for line in f:
            if line.startswith("VmRSS:"):
                rss = int(line.split()[1])
            elif line.startswith("VmHWM:"):
                hwm = int(line.split()[1])
    return rss, hwm, len(os.listdir("/proc/%d/fd" % pid))


def requests(log):
    out = []
    with open(log) as f:
        for line in f:
            try:
                out.append(json.loads(line))
            except ValueError:
                pass		# a line being written as we read
    return out


# Hostile sources: (id, server, path, what its log line must say: a
# regular expression over the lines naming it). "a" and "b" are the two
# servers; "l" is server a under the name localhost, so that its 429 with
# Retry-After pauses that host name only, as the daemon's per-host pause
# is meant to.
TOO_SLOW = r"too slow|timed out|[Tt]imeout"
BODY_OVER = r"body over %d bytes" % MAX_BODY
CUT = r"closed with \d+ bytes remaining|[Rr]ecv failure|[Cc]onnection reset|Partial"
HOSTILE = [
    ("slow-a", "a", "/slow?n=600", TOO_SLOW),
    ("slow-b", "b", "/slow?n=600", TOO_SLOW),
    ("slow-c", "a", "/slow?n=600&c", TOO_SLOW),
    ("hang-a", "a", "/hang", TOO_SLOW),
    ("hang-b", "b", "/hang", TOO_SLOW),
    ("slowhdr-a", "a", "/slow-headers", TOO_SLOW),
    ("slowhdr-b", "b", "/slow-headers", TOO_SLOW),
    ("reset-a", "a", "/reset", CUT),
    ("reset-b", "b", "/reset", CUT),
    ("resetmid-a", "a", "/reset-mid/a", CUT),
    ("resetmid-b", "b", "/reset-mid/b", CUT),
    ("cllong-a", "a", "/cl-long/a", CUT),
    ("cllong-b", "b", "/cl-long/b", CUT),
    ("clshort-a", "a", "/cl-short/a", r"broken feed, recovered"),
    ("clshort-b", "b", "/cl-short/b", r"broken feed, recovered"),
    ("clshort-c", "a", "/cl-short/c", r"broken feed, recovered"),
    ("huge2g-a", "a", "/huge-cl", BODY_OVER),
    ("huge2g-b", "b", "/huge-cl", BODY_OVER),
    ("huge2gnocl-a", "a", "/huge-cl?cl=0", TOO_SLOW),
    ("huge2gnocl-b", "b", "/huge-cl?cl=0", TOO_SLOW),
    ("bomb-a", "a", "/gzip-bomb", BODY_OVER),
    ("bomb-b", "b", "/gzip-bomb", BODY_OVER),
    ("big-a", "a", "/big?size=50000000&cl=1", BODY_OVER),
    ("bignocl-a", "a", "/big?size=50000000&cl=0", BODY_OVER),
    ("many100k", "a", "/many-entries/k?n=100000", BODY_OVER),
    ("many100ktiny", "b", "/many-entries/t?n=100000&tiny=1", BODY_OVER),
    ("many100kgz", "a", "/many-entries/z?n=100000&gz=1", BODY_OVER),
    ("many8k", "b", "/many-entries/e?n=8000", r"more than %d entries in the feed: the first %d kept, 7000 left out"
     % (ENTRY_CAP, ENTRY_CAP)),
    ("churn-a", "a", "/guid-churn/ca?n=6", r"entries"),
    ("churn-b", "b", "/guid-churn/cb?n=6", r"entries"),
    ("churnutm", "a", "/guid-churn/cu?n=6&utm=1", r"entries"),
    ("dates", "a", "/dates/d", r"entries"),
    ("html-a", "a", "/html/a", r"HTML"),
    ("html-b", "b", "/html/b", r"HTML"),
    ("html-c", "a", "/html/c", r"HTML"),
    ("chain-a", "a", "/chain/0", r"[Rr]edirects"),
    ("chain-b", "b", "/chain/100", r"[Rr]edirects"),
    ("loop", "a", "/redirect-loop", r"[Rr]edirects"),
    ("trunc-early", "a", "/truncated/e?at=60", r"not a feed|entries"),
    ("trunc-mid", "a", "/truncated/m?at=700", r"not a feed|entries"),
    ("trunc-late", "b", "/truncated/l?at=1700", r"not a feed|entries"),
    ("garbage-a", "a", "/garbage/a", r"not a feed"),
    ("garbage-b", "b", "/garbage/b", r"not a feed"),
    ("badgzip", "a", "/bad-gzip", r"unencoding|encoding"),
    ("xmlbomb", "a", "/xml-bomb", r"not a feed|entit|entries"),
    ("deep", "b", "/deep?n=50000", r"not a feed|entries|deep|nest"),
    ("hugehdr", "a", "/huge-header", r"reply header over"),
    ("nul", "a", "/nul-bytes/n", r"not a feed|entries"),
    ("s500", "a", "/status/500", r"HTTP 500"),
    ("s503", "b", "/status/503", r"HTTP 503"),
    ("s404", "a", "/status/404", r"HTTP 404"),
    ("s403", "b", "/status/403", r"HTTP 403"),
    ("s410", "a", "/status/410", r"410 Gone"),
    ("s429", "l", "/status/429?retry-after=3600", r"HTTP 429"),
    ("empty200", "a", "/empty-200", r"empty"),
    ("empty202", "b", "/empty-202", r"empty"),
    ("ftp", "a", "/redirect-scheme?to=ftp://127.0.0.1/feed.xml",
     r"only http and https|[Pp]rotocol"),
]
HEALTHY = [("ok-a%d" % i, "a", INTERVAL if i < 5 else SLOW_INTERVAL) for i in range(6)] + \
          [("ok-b%d" % i, "b", INTERVAL if i < 4 else SLOW_INTERVAL) for i in range(5)]


def main():
    work = tempfile.mkdtemp(prefix="pf-hostile-")
    srv_a = srv_b = daemon = None
    try:
        for sub in ("a", "b"):
            os.mkdir(os.path.join(work, sub))
        seconds = RUN_SECONDS + 90
        srv_a, port_a, log_a = start_fixture_server(os.path.join(work, "a"),
                                                    "hostile-sources", seconds=seconds)
        srv_b, port_b, log_b = start_fixture_server(os.path.join(work, "b"),
                                                    "hostile-sources", seconds=seconds)
        origin = {"a": "http://127.0.0.1:%d" % port_a, "b": "http://127.0.0.1:%d" % port_b,
                  "l": "http://localhost:%d" % port_a}
        t_start = time.time()
        grow_stop = t_start + GROW_SECONDS
        db = os.path.join(work, "pf.db")
        conf = os.path.join(work, "pactfeed.conf")
        srcs = []
        for sid, srv, path, _ in HOSTILE:
            srcs.append('source "%s" { url = "%s%s" }' % (sid, origin[srv], path))
        healthy_url = {}
        for sid, srv, ival in HEALTHY:
            healthy_url[sid] = "%s/healthy/%s?every=%d&stop=%d" % (
                origin[srv], sid, GROW_EVERY, grow_stop)
            srcs.append('source "%s" { url = "%s" interval = "%ds" }'
                        % (sid, healthy_url[sid], ival))
        # Healthy and hostile interleaved: the order in the file gives no
        # source a head start for a slot.
        srcs = [s for pair in zip(srcs[:len(HOSTILE)], srcs[len(HOSTILE):] + [""] * len(HOSTILE))
                for s in pair if s]
        http_port = free_port()
        with open(conf, "w") as f:
            f.write(f'''database = "{db}"
listen = "127.0.0.1:{http_port}"
base-url = "http://127.0.0.1:{http_port}/"
allow-private-addresses = true
default-interval = "{INTERVAL}s"
min-interval = "1s"
max-interval = "20s"
host-spacing = "0s"
per-host-connections = 32
max-transfers = {MAX_TRANSFERS}
timeout = "8s"
connect-timeout = "2s"
low-speed-time = "5s"
max-redirects = 5
max-body-size = "{MAX_BODY}"
user-agent = "pactfeed-test (+https://example.org/contact)"
include("{TOPICS}")
''' + "\n".join(srcs) + "\n")
        nsrc = len(HOSTILE) + len(HEALTHY)
        check(len(HOSTILE) >= 50, "50+ hostile sources (%d)" % len(HOSTILE))

        logpath = os.path.join(work, "serve.log")
        logf = open(logpath, "w")
        # Under ASan, freed blocks wait in a quarantine (256 MiB by
        # default) before reuse, which RSS would count as if the daemon
        # held them; a smaller one still catches a use soon after a free.
        env = dict(os.environ)
        env["ASAN_OPTIONS"] = ":".join(o for o in (os.environ.get("ASAN_OPTIONS"),
                                                   "quarantine_size_mb=%d" % ASAN_QUARANTINE_MIB) if o)
        daemon = subprocess.Popen([BIN, "serve", "-c", conf], stderr=logf,
                                  stdout=subprocess.DEVNULL, env=env)
        t0 = time.time()
        check(wait_for(lambda: daemon.poll() is not None or
                       os.path.exists("/proc/%d/status" % daemon.pid), 5), "daemon started")
        asan = is_asan(daemon.pid)
        rss_bound = (RSS_BOUND_ASAN_MIB if asan else RSS_BOUND_MIB) * 1024
        peak_rss = peak_hwm = peak_fd = 0
        samples = []
        health = None
        health_n, health_slowest, health_next = 0, 0.0, t0 + 2
        while time.time() - t0 < RUN_SECONDS:
            # Readers are served throughout: /healthz every 2 s.
            if time.time() >= health_next:
                health_next = time.time() + 2
                h0 = time.time()
                with urllib.request.urlopen("http://127.0.0.1:%d/healthz" % http_port,
                                            timeout=20) as r:
                    health = json.loads(r.read())
                health_slowest = max(health_slowest, time.time() - h0)
                health_n += 1
            check(daemon.poll() is None, "daemon running at %.0fs: %s"
                  % (time.time() - t0, open(logpath).read()[-2000:]))
            try:
                rss, hwm, nfd = proc_sample(daemon.pid)
            except OSError:
                continue
            samples.append((time.time() - t0, rss, nfd))
            peak_rss, peak_hwm, peak_fd = max(peak_rss, rss), max(peak_hwm, hwm), max(peak_fd, nfd)
            time.sleep(0.25)
        rss, hwm, nfd = proc_sample(daemon.pid)
        peak_hwm = max(peak_hwm, hwm)
        # What the daemon holds late in the run against early: a leak per
        # fetch would show as steady growth over the dozens of failures.
        late = [s[1] for s in samples if s[0] > RUN_SECONDS * 0.8]
        mid = [s[1] for s in samples if RUN_SECONDS * 0.3 < s[0] < RUN_SECONDS * 0.5]

        # The healthy feeds as they stand now (the test's own requests
        # carry no pactfeed User-Agent).
        offered = {}
        for sid, srv, _ in HEALTHY:
            with urllib.request.urlopen(healthy_url[sid], timeout=10) as r:
                offered[sid] = set(re.findall(r"<guid[^>]*>([^<]*)</guid>", r.read().decode()))

        daemon.send_signal(signal.SIGTERM)
        try:
            rc = daemon.wait(timeout=40)
        except subprocess.TimeoutExpired:
            rc = None
        logf.close()
        log = open(logpath, errors="replace").read()
        check(rc == 0, "SIGTERM: exit 0 (got %r): %s" % (rc, log[-1500:]))
        check("Sanitizer" not in log and "runtime error" not in log,
              "no sanitizer report: " + log[-3000:])
        lines = log.splitlines()

        # Memory and descriptors.
        figures = ("peak RSS %d KiB (VmHWM, bound %d KiB%s), mid-run %d KiB, late %d KiB; "
                   "peak fds %d (bound %d)" % (peak_hwm, rss_bound, ", ASan" if asan else "",
                                               max(mid or [0]), max(late or [0]), peak_fd,
                                               FD_BOUND))
        print("hostile-sources: " + figures)
        check(peak_hwm <= rss_bound, "peak RSS %d KiB <= %d KiB%s"
              % (peak_hwm, rss_bound, " (ASan)" if asan else ""))
        check(peak_fd <= FD_BOUND, "open descriptors %d <= %d" % (peak_fd, FD_BOUND))
        growth = (8 + (ASAN_QUARANTINE_MIB if asan else 0)) * 1024
        check(not late or not mid or max(late) <= max(mid) + growth,
              "RSS not growing: %d KiB late, %d KiB mid-run" % (max(late or [0]), max(mid or [0])))

        # Healthy sources: fetched on schedule, nothing to warn about.
        reqs = [r for r in requests(log_a) + requests(log_b)
                if "pactfeed" in r["headers"].get("User-Agent", "")]
        fetch_counts = {}
        worst = (0, None)
        retries = 0
        for sid, srv, ival in HEALTHY:
            times = []
            for t in sorted(r["time"] for r in reqs
                            if r["path"].startswith("/healthy/%s?" % sid)):
                # A request right after another is the same fetch tried
                # again on a fresh connection (see below).
                if times and t - times[-1] < 0.5:
                    retries += 1
                else:
                    times.append(t)
            fetch_counts[sid] = len(times)
            # A restart spreads first fetches over one interval.
            check(times and times[0] - t0 <= ival + 3,
                  "%s: first fetch within its interval (%.1fs)" % (sid, times[0] - t0 if times else -1))
            # Due at interval + 10% jitter; the scheduler counts in whole
            # seconds (+1) and the machine is shared (+2).
            allowed = ival * 1.1 + 3
            gaps = [b - a for a, b in zip(times, times[1:])]
            for g in gaps:
                if g > worst[0]:
                    worst = (g, sid)
            check(gaps and max(gaps) <= allowed,
                  "%s: every gap within %.1fs: %s" % (sid, allowed, ["%.1f" % g for g in gaps]))
            # Never faster than the interval, less the second the
            # scheduler rounds to.
            check(min(gaps) >= ival - 1.2,
                  "%s: no gap under %.1fs: %s" % (sid, ival - 1.2, ["%.1f" % g for g in gaps]))
            expect = int((RUN_SECONDS - ival - 2) / allowed)
            check(len(times) >= expect, "%s fetched %d times (at least %d)"
                  % (sid, len(times), expect))
            check(not any(l.startswith("<4>source %s:" % sid) or
                          l.startswith("<3>source %s:" % sid) for l in lines),
                  "%s: no warning" % sid)

        con = sqlite3.connect(db)
        per = dict(con.execute("SELECT s.name, count(e.eid) FROM source s "
                               "LEFT JOIN entry e ON e.sid = s.sid GROUP BY s.name"))
        for sid, _, _ in HEALTHY:
            stored = {r[0] for r in con.execute(
                "SELECT e.uid FROM entry e JOIN source s USING (sid) WHERE s.name = ?", (sid,))}
            check(stored == offered[sid], "%s: all %d entries stored (%d)"
                  % (sid, len(offered[sid]), len(stored)))

        # Every hostile source: a line naming it, saying what happened.
        kinds, kind_of = {}, {}
        for sid, _, _, want in HOSTILE:
            mine = [l for l in lines if re.match(r"<\d>source %s: " % re.escape(sid), l)]
            check(mine, "%s: a log line names it" % sid)
            check(any(re.search(want, l) for l in mine),
                  "%s: logged /%s/: %s" % (sid, want, mine[:3]))
            kind = "stored with a warning" if any(l.startswith("<4>") and " entries: " in l
                                           for l in mine) else \
                "stored" if any(" entries: " in l for l in mine) else "failed with a warning"
            kinds[kind] = kinds.get(kind, 0) + 1
            kind_of[sid] = kind

        # /healthz, late in the run: the healthy sources ok, every source
        # that failed on the wire or in the parser not ok, with a status
        # (a broken feed recovered is ok, its status says so).
        check(health is not None and health["status"] == "degraded", "/healthz degraded")
        hs = {o["id"]: o for o in health["sources"]}
        check(set(hs) == {h[0] for h in HOSTILE} | {h[0] for h in HEALTHY},
              "/healthz lists every source")
        for sid, _, _ in HEALTHY:
            check(hs[sid]["ok"], "/healthz: %s ok: %s" % (sid, hs[sid]))
        nfailing = 0
        for sid, _, _, want in HOSTILE:
            if kind_of[sid] == "failed with a warning" and sid != "s410":
                check(not hs[sid]["ok"] and hs[sid]["status"],
                      "/healthz: %s failing, with a status: %s" % (sid, hs[sid]))
                nfailing += 1
            elif kind_of[sid] == "stored with a warning":
                check("broken feed" in hs[sid]["status"] or "left out" in hs[sid]["status"],
                      "/healthz: %s says what is wrong: %s" % (sid, hs[sid]))
        check(hs["s410"]["disabled"], "/healthz: s410 disabled")

        # Broken guids: the churning feeds keep one row per item.
        for sid in ("churn-a", "churn-b", "churnutm"):
            check(per.get(sid) == 6, "%s: 6 entries, not one per fetch (%s)" % (sid, per.get(sid)))
        nchurn = {r["path"].split("?")[0] for r in reqs if r["path"].startswith("/guid-churn/")}
        check(len([r for r in reqs if r["path"].startswith("/guid-churn/ca")]) >= 3,
              "the churning feed was fetched again and again")
        # The 100k feeds: refused whole; the 8000-entry one cut at the cap,
        # said so, and stored exactly the cap.
        for sid in ("many100k", "many100ktiny", "many100kgz"):
            check(per.get(sid, 0) == 0, "%s: nothing stored (%s)" % (sid, per.get(sid)))
        check(per.get("many8k") == ENTRY_CAP, "many8k: the first %d kept (%s)"
              % (ENTRY_CAP, per.get("many8k")))
        # Nothing stored from what failed on the wire.
        for sid, _, _, want in HOSTILE:
            if want in (TOO_SLOW, BODY_OVER, CUT) or sid.startswith(("s", "html", "chain", "garbage")):
                check(per.get(sid, 0) == 0, "%s: nothing stored (%s)" % (sid, per.get(sid)))
        check(con.execute("SELECT disabled FROM source WHERE name = 's410'").fetchone()[0] == 1,
              "410 disabled its source")

        # Dates: 1970 kept as it is and sorted last; 2099 stored with its
        # published date but an updated time no later than its fetch, so
        # entries fetched after it sort above it.
        rows = {r[0]: r[1:] for r in con.execute(
            "SELECT e.uid, e.published, e.updated, e.fetched, st.upd FROM entry e "
            "JOIN source s USING (sid) JOIN story st ON st.story = e.story WHERE s.name = 'dates'")}
        check(set(rows) == {"d-future", "d-epoch", "d-plain"}, "dates: 3 entries (%s)" % rows)
        pub, upd, fetched, story_upd = rows["d-future"]
        check(pub >= 4102444799 - 86400, "2099: published date kept (%s)" % pub)
        check(upd <= fetched and story_upd <= fetched,
              "2099: sorts at its fetch time, not in 2099 (updated %s, story %s, fetched %s)"
              % (upd, story_upd, fetched))
        check(rows["d-epoch"][0] == 0 and rows["d-epoch"][3] == 0,
              "1970: dated 0 and sorted there (%s)" % (rows["d-epoch"],))
        newer = con.execute("SELECT count(*) FROM story WHERE upd > ?", (story_upd,)).fetchone()[0]
        check(newer > 0, "entries stored after the 2099 one sort above it (%d)" % newer)
        con.close()
        p = subprocess.run([BIN, "export", "-c", conf], capture_output=True, timeout=60)
        check(p.returncode == 0, "export: %s" % p.stderr[-300:])
        atom = p.stdout.decode()
        titles = re.findall(r"<entry>.*?<title[^>]*>([^<]*)</title>", atom, re.S)
        check(titles and "2099" not in titles[0], "2099 entry not at the top of the merged feed: %s"
              % titles[:2])
        up = re.findall(r"<updated>(\d{4})-", atom)
        check(up and max(int(y) for y in up) < 2099, "no updated in 2099 in the feed")
        p = subprocess.run([BIN, "sources", "export", "-c", conf], capture_output=True, timeout=60)
        check(p.returncode == 0 and p.stdout.count(b"<outline") >= nsrc,
              "sources export lists all %d sources" % nsrc)

        # The archive is consistent.
        con = sqlite3.connect(db)
        check(con.execute("PRAGMA integrity_check").fetchone()[0] == "ok", "integrity_check ok")
        check(con.execute("PRAGMA foreign_key_check").fetchall() == [], "foreign keys hold")
        dup_key = con.execute("SELECT count(*) FROM (SELECT 1 FROM entry GROUP BY sid, key "
                              "HAVING count(*) > 1)").fetchone()[0]
        dup_canon = con.execute("SELECT count(*) FROM (SELECT 1 FROM entry WHERE canon IS NOT NULL "
                                "GROUP BY sid, canon HAVING count(*) > 1)").fetchone()[0]
        dup_uid = con.execute("SELECT count(*) FROM (SELECT 1 FROM entry WHERE uid IS NOT NULL "
                              "GROUP BY sid, uid HAVING count(*) > 1)").fetchone()[0]
        check(dup_key == 0 and dup_canon == 0 and dup_uid == 0,
              "no duplicate entry (key %d, link %d, guid %d)" % (dup_key, dup_canon, dup_uid))
        orphan_e = con.execute("SELECT count(*) FROM entry WHERE story NOT IN "
                               "(SELECT story FROM story)").fetchone()[0]
        orphan_s = con.execute("SELECT count(*) FROM story WHERE story NOT IN "
                               "(SELECT story FROM entry)").fetchone()[0]
        check(orphan_e == 0 and orphan_s == 0, "no orphan entry (%d) or story (%d)"
              % (orphan_e, orphan_s))
        total = con.execute("SELECT count(*) FROM entry").fetchone()[0]
        con.close()

        # A reply running past its Content-Length leaves bytes on a
        # kept-alive connection; the next transfer curl sends on it reads
        # them as its reply. The fetcher tries that one again on a fresh
        # connection: twenty fetches in a row of such a feed all work.
        before = len(requests(log_a))
        p = subprocess.run([BIN, "get", "--allow-private", "--repeat", "20",
                            origin["a"] + "/cl-short/x"], capture_output=True, text=True, timeout=60)
        got = [json.loads(l) for l in p.stdout.splitlines() if l.startswith("{")]
        check(len(got) == 20 and all(g["status"] == "ok" for g in got),
              "get --repeat 20 of an overrunning reply: all ok: %s"
              % sorted({"%s %s" % (g["status"], g["error"]) for g in got}))
        fresh = len(requests(log_a)) - before - 20

        nreq = len(reqs)
        counts = sorted(fetch_counts.values())
        print("hostile-sources: %d hostile + %d healthy sources on 2 servers, %d s, %d requests"
              % (len(HOSTILE), len(HEALTHY), RUN_SECONDS, nreq))
        print("hostile-sources: healthy fetches per source %d..%d, worst gap %.1fs (%s), "
              "%d tried again on a fresh connection" % (counts[0], counts[-1], worst[0],
                                                         worst[1], retries))
        print("hostile-sources: get --repeat 20 of an overrunning reply: 20 ok, %d on a "
              "fresh connection" % fresh)
        print("hostile-sources: /healthz answered %d times during the run (slowest %.2fs), "
              "lists %d failing sources" % (health_n, health_slowest, nfailing))
        print("hostile-sources: every hostile source logged by name: %s"
              % "; ".join("%d %s" % (n, k) for k, n in sorted(kinds.items())))
        print("hostile-sources: %d entries stored; churning feeds %s entries; 100k feeds "
              "refused whole; many8k %d of 8000 with a warning"
              % (total, [per.get(s) for s in ("churn-a", "churn-b", "churnutm")],
                 per.get("many8k", 0)))
        print("hostile-sources: 2099 entry published %s, sorted at its fetch time; "
              "1970 entry at 0; integrity ok, no duplicate or orphan" % time.strftime(
                  "%Y-%m-%d", time.gmtime(pub)))
        print("hostile-sources: %d checks ok" % checks)
    finally:
        stop(daemon, srv_a, srv_b)
        if os.environ.get("PF_KEEP_WORK"):
            print("hostile-sources: work kept in " + work)
        else:
            shutil.rmtree(work, ignore_errors=True)


if __name__ == "__main__":
    main()
