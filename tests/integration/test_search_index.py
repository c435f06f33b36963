#!/usr/bin/env python3
"""The full-text index is filled off the ingest path: `fetch --once`
leaves its stories pending; `serve` indexes them when idle (no text query
needed); a text query against a store with stories pending finds them all
the same (it indexes first). Real binary, real SQLite file, fixture server
on 127.0.0.1."""

import os
import re
import shutil
import sqlite3
import subprocess
import sys
import tempfile
import urllib.request
import xml.etree.ElementTree as ET

from pftest import free_port, start_fixture_server, stop, wait_for

HERE = os.path.dirname(os.path.abspath(__file__))
BIN = os.environ.get("PACTFEED_BIN", os.path.join(HERE, "..", "..", "build", "pactfeed"))
ATOM = "{http://www.w3.org/2005/Atom}"
NITEMS = 40
checks = 0


def check(cond, what):
    global checks
    if not cond:
        print("search-index: FAIL: " + what)
        sys.exit(1)
    checks += 1


def feed(n, word):
    items = "".join(
        "<item><title>%s item %d on the Dublin transfers</title>"
        "<link>https://example.org/%s/%d</link><guid>urn:%s:%d</guid>"
        "<description>Text of item %d about reception conditions.</description>"
        "<pubDate>Mon, 0%d Sep 2025 08:%02d:00 GMT</pubDate></item>"
        % (word, i, word, i, word, i, i, 1 + i % 9, i % 60) for i in range(n))
    return ('<?xml version="1.0"?><rss version="2.0"><channel><title>%s</title>'
            "<link>https://example.org/</link>%s</channel></rss>" % (word, items))


def pending(db):
    con = sqlite3.connect(db)
    try:
        # Listed, or above the mark (new stories).
        return con.execute(
            "SELECT (SELECT count(*) FROM fts_pending) + (SELECT count(*)"
            " FROM story WHERE story > (SELECT value FROM meta"
            " WHERE name = 'fts_mark'))").fetchone()[0]
    finally:
        con.close()


def found(port, q):
    url = "http://127.0.0.1:%d/search.atom?q=%s" % (port, q)
    with urllib.request.urlopen(url, timeout=20) as r:
        doc = ET.fromstring(r.read())
    return len(doc.findall(ATOM + "entry"))


def run_serve(conf, port, db, idle_wait):
    """With idle_wait, serve logs at debug level: once the index is done
    it has its checkpointer thread copy the WAL back."""
    env = dict(os.environ)
    if idle_wait:
        env["PACTFEED_DEBUG"] = "1"
    log = tempfile.TemporaryFile("w+")
    serve = subprocess.Popen([BIN, "serve", "-c", conf], stdout=subprocess.DEVNULL,
                             stderr=log, env=env)
    try:
        up = wait_for(lambda: _answers(port), 20)
        check(up, "serve answers on port %d" % port)
        if idle_wait:
            check(wait_for(lambda: pending(db) == 0, 40),
                  "serve indexed the pending stories without a query (%d left)" % pending(db))
        got = found(port, "alpha"), found(port, "beta"), found(port, "reception")
    finally:
        stop(serve)
    log.seek(0)
    text = log.read()
    if idle_wait:
        check(re.search(r"checkpoint: [1-9][0-9]* of the WAL's [1-9][0-9]* pages in the "
                        r"database", text),
              "the checkpointer copied the idle WAL back (log: %s)" % text[-300:])
        check("checkpoint themselves" not in text, "the checkpointer opened")
    return got


def _answers(port):
    try:
        urllib.request.urlopen("http://127.0.0.1:%d/healthz" % port, timeout=2).read()
        return True
    except Exception:
        return False


def main():
    work = tempfile.mkdtemp(prefix="pf-search-index-")
    server = None
    try:
        for word in ("alpha", "beta"):
            with open(os.path.join(work, word + ".xml"), "w") as f:
                f.write(feed(NITEMS, word))
        server, fport, _ = start_fixture_server(work, "search-index")
        db = os.path.join(work, "pf.db")
        port = free_port()
        conf = os.path.join(work, "pactfeed.conf")
        with open(conf, "w") as f:
            f.write('''listen = "127.0.0.1:%d"
database = "%s"
allow-private-addresses = true
default-interval = "1h"
source "alpha" { url = "http://127.0.0.1:%d/feed/alpha.xml" }
source "beta" { url = "http://127.0.0.1:%d/feed/beta.xml" }
''' % (port, db, fport, fport))

        p = subprocess.run([BIN, "fetch", "--once", "-c", conf], capture_output=True,
                           text=True, timeout=120)
        check(p.returncode == 0, "fetch --once: " + p.stderr)
        check(pending(db) == 2 * NITEMS, "fetch --once left %d stories for the index "
              "(expected %d)" % (pending(db), 2 * NITEMS))

        # A text query with every story pending: it indexes first.
        a, b, r = run_serve(conf, port, db, idle_wait=False)
        check(a == NITEMS and b == NITEMS, "query found %d and %d of %d" % (a, b, NITEMS))
        check(r == 50, "a word of every item: a full page (%d)" % r)
        check(pending(db) == 0, "nothing pending after the query")

        # Again from scratch, this time the idle indexer alone.
        for suffix in ("", "-wal", "-shm"):
            if os.path.exists(db + suffix):
                os.unlink(db + suffix)
        p = subprocess.run([BIN, "fetch", "--once", "-c", conf], capture_output=True,
                           text=True, timeout=120)
        check(p.returncode == 0 and pending(db) == 2 * NITEMS, "second fetch --once")
        a, b, _ = run_serve(conf, port, db, idle_wait=True)
        check(a == NITEMS and b == NITEMS, "after idle indexing found %d and %d" % (a, b))
        con = sqlite3.connect(db)
        check(con.execute("INSERT INTO entry_fts (entry_fts, rank) VALUES "
                          "('integrity-check', 0)") is not None, "FTS integrity")
        n = con.execute("SELECT count(*) FROM entry_fts_docsize").fetchone()[0]
        s = con.execute("SELECT count(*) FROM story").fetchone()[0]
        con.close()
        check(n == s, "one index row per story (%d rows, %d stories)" % (n, s))
        print("search-index: %d checks ok (fetch --once leaves %d stories pending; a "
              "query indexes them first; serve indexes them when idle, then its checkpointer "
              "thread copies the WAL back)" % (checks, 2 * NITEMS))
    finally:
        stop(server)
        shutil.rmtree(work, ignore_errors=True)


if __name__ == "__main__":
    main()
