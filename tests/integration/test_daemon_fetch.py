#!/usr/bin/env python3
"""pactfeed fetch --once against the fixture HTTP server on 127.0.0.1.

Sources that work (plain, gzip, a permanent redirect, keep-if-topic, an HTML
page where a feed should be) sit beside every way a source fails (500, 410,
429 with Retry-After on another host name, an empty 202, a hang, an oversize
body with and without Content-Length, a gzip bomb). Checks what was requested
and with which headers, what was stored, what was logged (each failure once,
naming the source), that the hanging source delayed nobody, and that a second
cycle sends conditional requests and stores nothing twice.
"""

import json
import os
import shutil
import sqlite3
import subprocess
import sys
import tempfile
import time

from pftest import start_fixture_server, stop, topic_ids

HERE = os.path.dirname(os.path.abspath(__file__))
FIXTURES = os.path.join(HERE, "..", "fixtures", "parse")
BIN = os.environ.get("PACTFEED_BIN", os.path.join(HERE, "..", "..", "build", "pactfeed"))
checks = 0


def check(cond, what):
    global checks
    if not cond:
        print("daemon-fetch: FAIL: " + what)
        sys.exit(1)
    checks += 1


def requests(log):
    with open(log) as f:
        return [json.loads(line) for line in f if line.strip()]


def run(conf, *args):
    t0 = time.time()
    p = subprocess.run([BIN, "fetch", "--once", "-c", conf] + list(args),
                       capture_output=True, text=True, timeout=120)
    return p.returncode, p.stderr.splitlines(), time.time() - t0


def main():
    work = tempfile.mkdtemp(prefix="pf-daemon-")
    server = None
    try:
        for name, as_name in [("rss2-full.xml", "rss.xml"),
                              ("quirk-wordpress.xml", "observer.xml"),
                              ("atom10-full.xml", "agency.xml"),
                              ("quirk-presscorner.xml", "presscorner.xml"),
                              ("html-page.html", "page.html")]:
            shutil.copy(os.path.join(FIXTURES, name), os.path.join(work, as_name))
        server, port, log = start_fixture_server(work, "daemon-fetch")
        base = "http://127.0.0.1:%d" % port
        other = "http://localhost:%d" % port   # a second host name
        db = os.path.join(work, "pf.db")
        conf = os.path.join(work, "pactfeed.conf")
        with open(conf, "w") as f:
            f.write(f'''database = "{db}"
allow-private-addresses = true
host-spacing = "0s"
per-host-connections = 16
max-transfers = 32
timeout = "4s"
connect-timeout = "2s"
low-speed-time = "3s"
max-body-size = "1MiB"
user-agent = "pactfeed-test (+https://example.org/contact)"
include("{os.path.abspath(os.path.join(HERE, "..", "..", "config", "topics.conf"))}")
source "watch"    {{ title = "Watch"    url = "{base}/feed/rss.xml" }}
source "narrow"   {{ title = "Narrow"   url = "{base}/feed/rss.xml?narrow" topics = {{"eurodac"}} }}
source "observer" {{ title = "Observer" url = "{base}/gzip/observer.xml" }}
source "agency"   {{ title = "Agency"   url = "{base}/feed/agency.xml" }}
source "moved"    {{ title = "Moved"    url = "{base}/redirect-permanent" }}
source "press"    {{ title = "Press"    url = "{base}/feed/presscorner.xml" keep-if-topic = true }}
source "page"     {{ title = "Page"     url = "{base}/feed/page.html" }}
source "dead"     {{ title = "Dead"     url = "{base}/status/500" }}
source "gone"     {{ title = "Gone"     url = "{base}/status/410" }}
source "empty"    {{ title = "Empty"    url = "{base}/empty-202" }}
source "hang"     {{ title = "Hang"     url = "{base}/hang" }}
source "big"      {{ title = "Big"      url = "{base}/big?size=5000000&cl=1" }}
source "bignocl"  {{ title = "Big2"     url = "{base}/big?size=5000000&cl=0" }}
source "bomb"     {{ title = "Bomb"     url = "{base}/gzip-bomb" }}
source "limited"  {{ title = "Limited"  url = "{other}/status/429?retry-after=120" }}
''')
        rc, lines, secs = run(conf)
        check(rc == 0, "first cycle exit %d: %s" % (rc, lines))
        warn = [l for l in lines if l.startswith("<4>")]
        for src, why in [("dead", "HTTP 500"), ("gone", "410"), ("empty", ""),
                         ("hang", ""), ("big", ""), ("bignocl", ""), ("bomb", ""),
                         ("limited", "HTTP 429"), ("page", "HTML")]:
            mine = [l for l in warn if l.startswith("<4>source %s:" % src)]
            check(len(mine) >= 1 and why in " ".join(mine),
                  "%s logged with %r: %s" % (src, why, mine))
            check(len([l for l in mine if "retry in" in l]) <= 1,
                  "%s logged once, not per retry: %s" % (src, mine))
        check(not any(l.startswith("<4>source watch") for l in lines), "watch has no warning")
        check(any("moved permanently to" in l and "moved" in l for l in warn),
              "permanent redirect logged for the admin")
        # The hanging source finished last: nobody waited for it.
        order = [l for l in lines if l.startswith(("<6>source ", "<4>source "))]
        first_hang = min(i for i, l in enumerate(order) if "source hang" in l)
        for src in ("watch", "observer", "agency"):
            i = min(i for i, l in enumerate(order) if "source %s:" % src in l)
            check(i < first_hang, "%s finished before the hang timed out" % src)
        check(secs < 60, "cycle ended (%.1fs)" % secs)

        con = sqlite3.connect(db)
        per = dict(con.execute("SELECT s.name, count(e.eid) FROM source s "
                               "LEFT JOIN entry e ON e.sid = s.sid GROUP BY s.name"))
        check(per.get("watch") == 2, "watch stored 2 entries: %s" % per)
        check(per.get("observer") == 1, "gzip observer stored 1 entry")
        check(per.get("agency") == 2, "atom agency stored 2 entries")
        check(per.get("moved") == 2, "redirected source stored its entries")
        check(per.get("press", 0) < 2, "keep-if-topic kept only tagged entries: %s" % per)
        for src in ("dead", "gone", "empty", "hang", "big", "bignocl", "bomb", "page"):
            check(per.get(src, 0) == 0, "%s stored nothing" % src)
        topics = {}
        for name, col in con.execute("SELECT s.name, e.topics FROM source s "
                                     "JOIN entry e ON e.sid = s.sid"):
            topics.setdefault(name, set()).update(topic_ids(col))
        check("screening" in topics.get("watch", set()), "watch tagged screening: %s" % topics)
        check(topics.get("narrow", set()) <= {"eurodac"} and "eurodac" in topics.get("narrow", set()),
              "a source limited to eurodac carries only eurodac: %s" % topics.get("narrow"))
        state = {r[0]: r[1:] for r in con.execute(
            "SELECT name, error_streak, disabled, etag FROM source")}
        check(state["gone"][1] == 1, "410 disabled the source")
        check(state["dead"][0] == 1, "500 counted an error")
        check(state["watch"][2] is not None, "ETag remembered")
        total1 = con.execute("SELECT count(*) FROM entry").fetchone()[0]
        con.close()

        reqs = requests(log)
        check(all("pactfeed-test" in r["headers"].get("User-Agent", "") for r in reqs),
              "every request names us in User-Agent")
        check(all("gzip" in r["headers"].get("Accept-Encoding", "") for r in reqs),
              "every request accepts gzip")
        n1 = len(reqs)

        # Second cycle: everything again; conditional GET, nothing stored twice,
        # known failures not logged again, the 410 source not asked at all.
        rc, lines, secs = run(conf, "--all")
        check(rc == 0, "second cycle exit %d" % rc)
        reqs2 = requests(log)[n1:]
        watch2 = [r for r in reqs2 if r["path"] == "/feed/rss.xml"]
        check(watch2 and all("If-None-Match" in r["headers"] for r in watch2),
              "conditional GET on the second fetch")
        check(not any(r["path"] == "/status/410" for r in reqs2), "gone source not fetched")
        check(not any(l.startswith("<4>source dead") for l in lines),
              "a source still failing is not logged again")
        con = sqlite3.connect(db)
        total2 = con.execute("SELECT count(*) FROM entry").fetchone()[0]
        dup = con.execute("SELECT count(*) FROM (SELECT sid, key FROM entry "
                          "GROUP BY sid, key HAVING count(*) > 1)").fetchone()[0]
        check(con.execute("PRAGMA integrity_check").fetchone()[0] == "ok", "integrity ok")
        con.close()
        check(total2 == total1, "nothing stored twice (%d then %d)" % (total1, total2))
        check(dup == 0, "no duplicate keys")
        print("daemon-fetch: %d checks ok (%d sources, %d requests, %d entries)"
              % (checks, 15, len(requests(log)), total2))
    finally:
        stop(server)
        shutil.rmtree(work, ignore_errors=True)


if __name__ == "__main__":
    main()
