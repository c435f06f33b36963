#!/usr/bin/env python3
"""A full disk and a read-only database, without root: the shim
tests/integration/shim_enospc.c (PACTFEED_SHIM, loaded with LD_PRELOAD)
fails writes to files of the database's directory while a control file
exists.

- Disk full, then read-only (EROFS), while serve runs: one clear log line
  naming the database and the error (not one per fetch or entry), no
  crash, the merged feed still served, the database intact and the
  sources' validators (ETag) not advanced for what was not stored; once
  the fault ends, what was fetched during it arrives at the next fetch.
- A database that cannot be written when serve starts (a read-only
  directory; a read-only file): one line at start, serving what it holds,
  storing again once it can be written.
- fetch --once on a full disk: one line, no crash, nothing counted as new.
"""

import json
import os
import random
import shutil
import sqlite3
import subprocess
import sys
import tempfile
import time

from pffaults import (BIN, Failure, Feeds, check_db, check_validators, fail, q1, quick_ids,
                      read_atom, stored_keys)
from pftest import free_port, start_fixture_server, stop, wait_for

NAME = "faults-disk"
NOSPACE = ("database or disk is full", "(No space left on device)")
READONLY = ("(Read-only file system)",)
checks = 0


def check(cond, what):
    global checks
    if not cond:
        fail(what)
    checks += 1


def says(line, what):
    """Whether a log line says one of what (a string or a tuple)."""
    return any(w in line for w in ((what,) if isinstance(what, str) else what))


def count_says(text, what):
    return sum(1 for ln in text.splitlines() if says(ln, what))


def requests_since(logpath, t0):
    """{path: count} of the fixture server's requests since t0."""
    out = {}
    with open(logpath) as f:
        for line in f:
            if line.strip():
                r = json.loads(line)
                if r["time"] >= t0:
                    out[r["path"]] = out.get(r["path"], 0) + 1
    return out


def etags(db):
    c = sqlite3.connect(db, timeout=30)
    try:
        return dict(c.execute("SELECT name, etag FROM source"))
    finally:
        c.close()


class Env:
    def __init__(self, work, feeds, conf, db, reqlog, http_port, shim):
        self.work, self.feeds, self.conf, self.db = work, feeds, conf, db
        self.reqlog, self.http_port = reqlog, http_port
        self.ctl = os.path.join(work, "fault")
        self.count = os.path.join(work, "faults-hit")
        self.logpath = os.path.join(work, "pactfeed.log")
        self.log = open(self.logpath, "w")
        self.env = dict(os.environ, LD_PRELOAD=shim, PF_SHIM_CONTROL=self.ctl,
                        PF_SHIM_COUNT=self.count,
                        PF_SHIM_DIR=os.path.dirname(db))
        asan = self.env.get("ASAN_OPTIONS", "")
        self.env["ASAN_OPTIONS"] = (asan + ":" if asan else "") + "verify_asan_link_order=0"
        self.daemon = None

    def fault(self, mode):
        if mode is None:
            os.unlink(self.ctl)
        else:
            with open(self.ctl, "w") as f:
                f.write(mode)

    def hits(self):
        return os.path.getsize(self.count) if os.path.exists(self.count) else 0

    def text(self):
        self.log.flush()
        return open(self.logpath, errors="replace").read()

    def serve(self):
        self.daemon = subprocess.Popen([BIN, "serve", "-c", self.conf], stderr=self.log,
                                       env=self.env)

    def stop(self):
        stop(self.daemon)
        rc = self.daemon.returncode
        self.daemon = None
        return rc

    def feed(self):
        return read_atom("http://127.0.0.1:%d/feed.atom" % self.http_port)

    def fetched_each(self, t0, times):
        got = requests_since(self.reqlog, t0)
        return all(got.get("/feed/%s.xml" % sid, 0) >= times for sid in self.feeds.ids)

    def all_stored(self):
        have = stored_keys(self.db)
        return all(g <= have.get(sid, set()) for sid, g in self.feeds.listed().items())

    def missing(self):
        have = stored_keys(self.db)
        return sum(len(g - have.get(sid, set())) for sid, g in self.feeds.listed().items())


def outage_while_serving(e, rng, mode, expect):
    """serve is running with everything stored; the fault comes, the
    sources change, the fault goes."""
    before = etags(e.db)
    lines0 = count_says(e.text(), expect)
    hits0 = e.hits()
    e.fault(mode)
    e.feeds.advance(rng, len(e.feeds.ids))
    t0 = time.time()
    check(wait_for(lambda: e.fetched_each(t0, 3), 40),
          "%s: every source fetched three times during the fault" % mode)
    check(e.hits() > hits0, "%s: the shim failed the daemon's writes" % mode)
    check(e.daemon.poll() is None, "%s: serve still running" % mode)
    got = e.feed()
    check(got is not None and got[0] == 200 and got[1],
          "%s: merged feed still served during the fault" % mode)
    text = e.text()
    new_lines = [ln for ln in text.splitlines() if says(ln, expect)][lines0:]
    check(len(new_lines) == 1,
          "%s: one log line with %r, not %d" % (mode, expect, len(new_lines)))
    check(any(("store %s: " % e.db) in ln for ln in new_lines),
          "%s: the line names the database: %s" % (mode, new_lines))
    check(etags(e.db) == before, "%s: no source's ETag advanced without its entries" % mode)
    n_missing = e.missing()
    check(n_missing > 0, "%s: the new entries were not stored during the fault" % mode)
    check_db(e.db, "%s: during the fault" % mode)
    check(check_validators(e.db, e.feeds, "%s: during the fault" % mode) == len(e.feeds.ids),
          "%s: every source's ETag checked" % mode)
    healed0 = text.count("storing again")
    e.fault(None)
    check(wait_for(e.all_stored, 30),
          "%s: what was fetched during the fault stored after it (%d missing)"
          % (mode, e.missing()))
    check(wait_for(lambda: e.text().count("storing again") == healed0 + 1, 10),
          "%s: recovery logged once" % mode)
    after = etags(e.db)
    check(all(after[s] != before[s] for s in e.feeds.ids),
          "%s: ETags advanced once stored" % mode)
    n, _ = check_db(e.db, "%s: after the fault" % mode)
    print("%s: %s while serving: 1 log line naming the database, feed served, ETags "
          "held, %d entries fetched during it stored after it (%d in all)"
          % (NAME, mode, n_missing, n))


def readonly_at_start(e, rng, mode, shim_dir, expect):
    """serve starts on a database it cannot write."""
    check(e.stop() == 0, "serve stopped cleanly before the restart")
    e.env["PF_SHIM_DIR"] = shim_dir
    e.fault(mode)
    e.feeds.advance(rng, len(e.feeds.ids))
    t0 = time.time()
    mark = len(e.text())
    e.serve()
    check(wait_for(lambda: "serving it read-only" in e.text()[mark:], 20),
          "%s at start: the read-only start logged" % mode)
    line = [ln for ln in e.text().splitlines() if "serving it read-only" in ln][-1]
    check(e.db in line and expect in line, "%s at start: the line says why: %s" % (mode, line))
    check(wait_for(lambda: e.fetched_each(t0, 3), 40),
          "%s at start: sources fetched" % mode)
    check(e.daemon.poll() is None, "%s at start: serve still running" % mode)
    got = e.feed()
    check(got is not None and got[0] == 200 and got[1],
          "%s at start: what it holds is served" % mode)
    n_missing = e.missing()
    check(n_missing > 0, "%s at start: nothing stored while read-only" % mode)
    warns = [ln for ln in e.text()[mark:].splitlines() if ln.startswith("<4>")]
    check(len(warns) == 1, "%s at start: one warning while read-only, not %d: %s"
          % (mode, len(warns), warns[:3]))
    e.fault(None)
    check(wait_for(e.all_stored, 30), "%s at start: stored once writable (%d missing)"
          % (mode, e.missing()))
    check("store %s: writable now" % e.db in e.text(), "%s at start: recovery logged" % mode)
    n, _ = check_db(e.db, "%s at start: after" % mode)
    print("%s: %s at start (%s): served read-only, 1 line at start, %d entries stored "
          "once writable (%d in all)" % (NAME, mode, os.path.basename(shim_dir), n_missing, n))


def main():
    shim = os.environ.get("PACTFEED_SHIM")
    if not shim or not os.path.exists(shim):
        print("%s: PACTFEED_SHIM not built, skipped" % NAME)
        return 77
    seed = int(os.environ.get("PF_FAULTS_SEED", time.time_ns() % 1000000007))
    rng = random.Random(seed)
    print("%s: seed %d" % (NAME, seed))
    work = tempfile.mkdtemp(prefix="pf-disk-")
    server = e = None
    try:
        feeds_dir = os.path.join(work, "feeds")
        # URI characters in the path: the read-only fallback opens it
        # through a file: URI.
        data = os.path.join(work, "da?ta#%41")
        os.mkdir(feeds_dir)
        os.mkdir(data)
        server, sport, reqlog = start_fixture_server(feeds_dir, NAME, log="../requests.jsonl",
                                                     seconds=500)
        feeds = Feeds(feeds_dir, quick_ids("d", 5), "http://127.0.0.1:%d" % sport)
        http_port = free_port()
        db = os.path.join(data, "pf.db")
        conf = os.path.join(work, "pactfeed.conf")
        with open(conf, "w") as f:
            f.write(feeds.config(db, http_port))
        e = Env(work, feeds, conf, db, reqlog, http_port, shim)

        # fetch --once on a full disk: from an empty database (it cannot
        # be made), then on a database holding every source.
        for made in (False, True):
            if made:
                p = subprocess.run([BIN, "fetch", "--once", "--all", "-c", conf],
                                   stderr=e.log, timeout=120)
                check(p.returncode == 0 and e.all_stored(), "a clean fetch --once")
                e.feeds.advance(rng, len(e.feeds.ids))
            # A reader holding the database open keeps its -wal and -shm
            # files (as serve does beside a cron fetch): the fault then
            # hits the commit, not the opening.
            holder = sqlite3.connect(db) if made else None
            if holder is not None:
                q1(holder, "SELECT count(*) FROM entry")
            e.fault("ENOSPC")
            p = subprocess.run([BIN, "fetch", "--once", "--all", "-c", conf], env=e.env,
                               stderr=subprocess.PIPE, text=True, timeout=120)
            e.fault(None)
            if holder is not None:
                holder.close()
            e.log.write(p.stderr)
            what = "fetch --once on a full disk%s" % (", database made" if made else "")
            check(p.returncode >= 0, "%s: killed by signal %d" % (what, -p.returncode))
            full = [ln for ln in p.stderr.splitlines() if says(ln, NOSPACE)]
            check(len(full) == 1 and db in full[0],
                  "%s: one line naming the database: %s" % (what, full))
            check(p.returncode == (0 if made else 3), "%s: exit %d" % (what, p.returncode))
            check(not made or "0 new entries" in p.stderr, "%s: nothing counted as new" % what)
            check(not made or e.missing() > 0, "%s: nothing stored" % what)
            check_db(db, what)
            print("%s: %s: exit %d, 1 log line, database intact"
                  % (NAME, what, p.returncode))

        e.serve()
        check(wait_for(e.all_stored, 30), "serve stored every source (%d missing)"
              % (e.missing()))
        outage_while_serving(e, rng, "ENOSPC", NOSPACE)
        outage_while_serving(e, rng, "EROFS", READONLY)
        readonly_at_start(e, rng, "EROFS", data, "cannot be written")
        readonly_at_start(e, rng, "EACCES", db, "cannot be written")
        check(e.stop() == 0, "serve exits 0 at the end")
        text = e.text()
        for bad in ("AddressSanitizer", "runtime error:", "LeakSanitizer"):
            check(bad not in text, "sanitizer report in the daemon's log: " + bad)
        print("%s: %d checks ok" % (NAME, checks))
    except Failure as err:
        print("%s: FAIL (seed %d): %s" % (NAME, seed, err))
        if e is not None:
            print("\n".join("  | " + ln for ln in e.text().splitlines()[-25:]))
        return 1
    finally:
        if e is not None and e.daemon is not None and e.daemon.poll() is None:
            e.daemon.kill()
            e.daemon.wait()
        stop(server)
        shutil.rmtree(work, ignore_errors=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
