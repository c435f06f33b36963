#!/usr/bin/env python3
"""pactfeed fetch --once with many feeds answering at once: more fetched
bodies than the parse worker queues (daemon/run.c RUN_PARSE_QUEUE), so
they wait in the backlog, never parsed and tagged on the loop beside the
worker (the tagger is one thread's: heap corruption under nginx once).
Checks the backlog was used, fetches shared store batches of at most 64,
every entry was stored once with its topics, the exit status, and that a
second run stores nothing."""
import os
import random
import re
import shutil
import sqlite3
import subprocess
import sys
import tempfile

from pftest import start_fixture_server, stop, topic_ids

HERE = os.path.dirname(os.path.abspath(__file__))
BIN = os.environ.get("PACTFEED_BIN", os.path.join(HERE, "../../build/pactfeed"))
TOPICS = os.path.join(os.environ.get("PACTFEED_SOURCE_DIR", os.path.join(HERE, "../..")),
                      "config", "topics.conf")
NFEEDS, NITEMS = 120, 30
failures = 0


def check(cond, what):
    global failures
    if not cond:
        failures += 1
        print("worker-load: FAIL: " + what)


GENERAL = ("ministers met in brussels to discuss the report on budget priorities "
           "and the presidency said further talks would follow before the summit "
           "while delegations asked for time to consult experts on the draft").split()
PHRASES = ("screening regulation", "eurodac", "solidarity pool", "resettlement",
           "migrant smuggling", "legal pathways", "return regulation")


def write_feeds(d):
    rnd = random.Random(11)
    for i in range(NFEEDS):
        items = []
        for j in range(NITEMS):
            words = [rnd.choice(GENERAL) for _ in range(120)]
            words.insert(rnd.randrange(len(words)), PHRASES[(i + j) % len(PHRASES)])
            items.append("<item><title>Item %d of feed %d on %s</title>"
                         "<link>https://f%d.example.org/%d</link>"
                         "<description>%s</description></item>"
                         % (j, i, PHRASES[(i + j) % len(PHRASES)], i, j, " ".join(words)))
        with open(os.path.join(d, "f%d.xml" % i), "w") as f:
            f.write('<?xml version="1.0"?><rss version="2.0"><channel>'
                    "<title>Feed %d</title><link>https://f%d.example.org/</link>%s"
                    "</channel></rss>" % (i, i, "".join(items)))


def main():
    work = tempfile.mkdtemp(prefix="pf-worker-")
    server = None
    try:
        write_feeds(work)
        server, port, _ = start_fixture_server(work, "worker-load")
        conf = os.path.join(work, "pactfeed.conf")
        with open(conf, "w") as f:
            f.write('database = "%s/pf.db"\nallow-private-addresses = true\n'
                    'host-spacing = "0s"\nper-host-connections = 32\n'
                    'max-transfers = 64\ninclude("%s")\n' % (work, TOPICS))
            for i in range(NFEEDS):
                f.write('source "s%d" { url = "http://127.0.0.1:%d/feed/f%d.xml" }\n'
                        % (i, port, i))
        env = dict(os.environ, PACTFEED_DEBUG="1")
        p = subprocess.run([BIN, "fetch", "--once", "-c", conf], env=env,
                           capture_output=True, text=True, timeout=300)
        check(p.returncode == 0, "fetch --once exit %d: %s" % (p.returncode, p.stderr[-600:]))
        waits = p.stderr.count("parse: worker busy")
        check(waits > 0, "no body ever waited for the worker (queue never full)")
        # Fetches ending close together share a store batch, of at most
        # RUN_FLUSH_MAX (64); each fetch is in exactly one.
        batches = [int(m.group(1)) for m in
                   re.finditer(r"store: (\d+) fetches in one batch", p.stderr)]
        check(sum(batches) == NFEEDS, "%d fetches in batches, not %d" % (sum(batches), NFEEDS))
        check(batches and max(batches) <= 64, "a batch of more than 64: %s" % batches)
        con = sqlite3.connect(os.path.join(work, "pf.db"))
        n, keys = con.execute("SELECT count(*), count(DISTINCT sid || ' ' || key)"
                              " FROM entry").fetchone()
        check(n == NFEEDS * NITEMS, "%d entries stored, not %d" % (n, NFEEDS * NITEMS))
        check(keys == n, "an entry stored twice")
        untagged = sum(1 for (col,) in con.execute("SELECT topics FROM entry")
                       if not topic_ids(col))
        check(untagged == 0, "%d entries without topics" % untagged)
        ok = con.execute("PRAGMA integrity_check").fetchone()[0]
        check(ok == "ok", "integrity_check: %s" % ok)
        con.close()
        p = subprocess.run([BIN, "fetch", "--once", "--all", "-c", conf], env=env,
                           capture_output=True, text=True, timeout=300)
        check(p.returncode == 0 and "0 new entries, 0 updated" in p.stderr,
              "second run: %s" % p.stderr[-300:])
        print("worker-load: %d feeds x %d entries at once, bodies waited for the worker %d times, "
              "stored in %d batches of at most 64 (largest %d), all stored once and tagged, "
              "integrity ok, a second run stores nothing: %s"
              % (NFEEDS, NITEMS, waits, len(batches), max(batches or [0]),
                 "ok" if failures == 0 else "FAILED"))
    finally:
        stop(server)
        shutil.rmtree(work, ignore_errors=True)
    sys.exit(1 if failures else 0)


if __name__ == "__main__":
    main()
