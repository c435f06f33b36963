#!/usr/bin/env python3
"""A source that sends no validators (no ETag, no Last-Modified) answers
200 with the same bytes every time: pactfeed serve parses and stores it
once, then takes the same body again as a 304 ("not modified (the same
body)"), with nothing parsed or written. A reload forgets the bodies (the
source's settings or the topics may make another feed of them), so each
is parsed once more. The sources are fixture_server's /many/ID feeds,
fetched every second."""

import json
import os
import shutil
import signal
import sqlite3
import subprocess
import sys
import tempfile

from pftest import free_port, start_fixture_server, stop, wait_for

HERE = os.path.dirname(os.path.abspath(__file__))
BIN = os.environ.get("PACTFEED_BIN", os.path.join(HERE, "..", "..", "build", "pactfeed"))
SOURCES = ("a", "b", "c")
checks = 0


def check(cond, what):
    global checks
    if not cond:
        print("same-body: FAIL: " + what)
        sys.exit(1)
    checks += 1


def requests(logpath, sid):
    n = 0
    with open(logpath) as f:
        for line in f:
            if json.loads(line).get("path") == "/many/%s" % sid:
                n += 1
    return n


def main():
    work = tempfile.mkdtemp(prefix="pf-same-body-")
    server = daemon = None
    try:
        server, sport, reqlog = start_fixture_server(work, "same-body", seconds=120)
        db = os.path.join(work, "pf.db")
        conf = os.path.join(work, "pactfeed.conf")
        logp = os.path.join(work, "serve.log")
        with open(conf, "w") as f:
            f.write('database = "%s"\nlisten = "127.0.0.1:%d"\n'
                    'allow-private-addresses = true\nhost-spacing = "0s"\n'
                    'default-interval = "1s"\nmin-interval = "1s"\n' % (db, free_port()))
            for sid in SOURCES:
                f.write('source "%s" { title = "S" url = "http://127.0.0.1:%d/many/%s" }\n'
                        % (sid, sport, sid))
        env = dict(os.environ, PACTFEED_DEBUG="1")
        with open(logp, "w") as log:
            daemon = subprocess.Popen([BIN, "serve", "-c", conf], stderr=log, env=env)

        def text():
            with open(logp) as f:
                return f.read()

        def same(sid, after=0):
            return text()[after:].count("source %s: not modified (the same body)" % sid)

        check(wait_for(lambda: all(same(s) >= 2 for s in SOURCES), 30),
              "no source taken as the same body twice: %s" % text()[-1500:])
        for sid in SOURCES:
            check(requests(reqlog, sid) >= 3, "%s fetched %d times" % (sid, requests(reqlog, sid)))
            # A parse of the same feed again would log "1 entries: 0 new".
            check("source %s: 1 entries: 1 new" % sid in text() and
                  "source %s: 1 entries: 0 new" % sid not in text(),
                  "%s parsed more than once before the reload" % sid)
        con = sqlite3.connect(db)
        n = con.execute("SELECT count(*) FROM entry").fetchone()[0]
        con.close()
        check(n == len(SOURCES), "%d entries stored, not %d" % (n, len(SOURCES)))

        # A reload forgets: each source is parsed once more, then the
        # same body is recognised again.
        mark = len(text())
        daemon.send_signal(signal.SIGHUP)
        check(wait_for(lambda: "configuration reloaded" in text()[mark:], 10), "reloaded")
        mark = text().index("configuration reloaded", mark)
        check(wait_for(lambda: all(text()[mark:].count("source %s: 1 entries: 0 new" % s) == 1
                                   and same(s, mark) >= 1 for s in SOURCES), 30),
              "after the reload, not parsed once then skipped: %s" % text()[mark:][-1500:])
        daemon.send_signal(signal.SIGTERM)
        check(daemon.wait(timeout=30) == 0, "exit 0")
        print("same-body: %d checks ok (3 sources without validators: parsed and stored once, "
              "the same body again skipped, a reload parses each once more)" % checks)
    finally:
        stop(daemon, server)
        shutil.rmtree(work, ignore_errors=True)


if __name__ == "__main__":
    main()
