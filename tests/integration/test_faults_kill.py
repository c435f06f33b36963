#!/usr/bin/env python3
"""SIGKILL at random moments, then a restart, over one database.

Eight sources on the fixture server change between fetches (new items,
retitled ones, pairs of sources carrying the same news), so every run
really writes. `pactfeed fetch --once --all` is killed at a random moment
of its run, then `pactfeed serve` (1 s intervals) is killed at a random
moment while a reader polls the merged Atom feed: every answer must be
well-formed Atom with no entry id twice. After each kill the database
must pass PRAGMA integrity_check and the FTS5 integrity-check, hold no
entry twice and no half-made story, and no source's stored ETag may name
a version whose entries are not all stored; after a final clean cycle it
must hold every entry the sources still list. The moments come from a
seeded random generator: PF_FAULTS_SEED=N repeats a run's choices."""

import os
import random
import shutil
import signal
import statistics
import subprocess
import sys
import tempfile
import threading
import time

from pffaults import (BIN, Failure, Feeds, check_db, check_validators, fail, quick_ids,
                      read_atom, stored_keys)
from pftest import free_port, start_fixture_server, stop, wait_for

NAME = "faults-kill"
KILLS_FETCH = 30
KILLS_SERVE = 25


class Reader(threading.Thread):
    """Polls a feed until told to stop; keeps the first failure."""

    def __init__(self, url):
        super().__init__(daemon=True)
        self.url = url
        self.halt = threading.Event()
        self.answers = self.entries = 0
        self.error = None

    def run(self):
        while not self.halt.is_set():
            try:
                got = read_atom(self.url, timeout=10)
            except Exception as e:  # noqa: BLE001 -- any surprise fails the test
                self.error = "%s: %s" % (type(e).__name__, e)
                return
            if got is not None and got[0] == 200:
                self.answers += 1
                self.entries += len(got[1])
            self.halt.wait(0.03)


def main():
    seed = int(os.environ.get("PF_FAULTS_SEED", time.time_ns() % 1000000007))
    rng = random.Random(seed)
    print("%s: seed %d (PF_FAULTS_SEED=%d repeats the choices)" % (NAME, seed, seed))
    sys.stdout.flush()
    work = tempfile.mkdtemp(prefix="pf-kill-")
    server = daemon = reader = None
    logpath = os.path.join(work, "pactfeed.log")
    log = open(logpath, "w")
    try:
        feeds_dir = os.path.join(work, "feeds")
        os.mkdir(feeds_dir)
        server, sport, _ = start_fixture_server(feeds_dir, NAME, seconds=500)
        feeds = Feeds(feeds_dir, quick_ids("k", 8), "http://127.0.0.1:%d" % sport)
        http_port = free_port()
        db = os.path.join(work, "pf.db")
        conf = os.path.join(work, "pactfeed.conf")
        with open(conf, "w") as f:
            f.write(feeds.config(db, http_port))

        # How long one clean cycle takes here (ASan, a loaded machine),
        # on a database of its own: the kills fall within that span.
        cal = os.path.join(work, "calibrate.conf")
        with open(cal, "w") as f:
            f.write(feeds.config(os.path.join(work, "cal.db"), http_port))
        t0 = time.time()
        p = subprocess.run([BIN, "fetch", "--once", "--all", "-c", cal], stderr=log,
                           timeout=120)
        span = time.time() - t0
        if p.returncode != 0:
            fail("calibration cycle exited %d" % p.returncode)
        print("%s: one clean cycle takes %.2fs" % (NAME, span))

        # fetch --once --all, killed at a random moment of its run.
        # The span follows the runs that finished: the calibration's
        # cold schema, or a moment of load, made it too long, and the
        # kills then mostly fell after the end. Every fifth run is let
        # finish, so that slow runs count too.
        kills = finished = attempts = validated = 0
        spans = [span]
        while kills < KILLS_FETCH and attempts < 3 * KILLS_FETCH:
            attempts += 1
            feeds.advance(rng)
            t0 = time.time()
            p = subprocess.Popen([BIN, "fetch", "--once", "--all", "-c", conf], stderr=log)
            kill_at = t0 + rng.uniform(0, span * 1.1)
            if attempts % 5 == 0:
                kill_at = t0 + 60
            ended = None
            while ended is None and time.time() < kill_at:
                try:
                    p.wait(timeout=min(0.005, max(0.0, kill_at - time.time())))
                    ended = time.time() - t0
                except subprocess.TimeoutExpired:
                    pass
            if p.poll() is None:
                p.send_signal(signal.SIGKILL)
            rc = p.wait(timeout=60)
            if rc == -signal.SIGKILL:
                kills += 1
            elif rc == 0:
                finished += 1
                if ended is not None:
                    spans.append(ended)
                    span = statistics.median(spans[-5:])
            else:
                fail("fetch --once exited %d" % rc)
            check_db(db, "fetch attempt %d" % attempts)
            validated += check_validators(db, feeds, "fetch attempt %d" % attempts)
        if kills < KILLS_FETCH:
            fail("only %d of %d fetch runs were still running when killed"
                 % (kills, attempts))
        n_entries, n_stories = check_db(db, "after the fetch kills")
        print("%s: fetch --once: %d SIGKILLs, %d runs finished first; %d entries, "
              "%d stories, integrity ok each time" % (NAME, kills, finished, n_entries, n_stories))

        # serve, killed at a random moment while a reader polls.
        reader = Reader("http://127.0.0.1:%d/feed.atom" % http_port)
        reader.start()
        skills = 0
        for k in range(KILLS_SERVE):
            daemon = subprocess.Popen([BIN, "serve", "-c", conf], stderr=log)
            wait = rng.uniform(0.05, 3.0)
            steps = rng.randint(1, 3)
            for _ in range(steps):
                time.sleep(wait / steps)
                feeds.advance(rng)
            if daemon.poll() is not None:
                fail("serve ended by itself with %d" % daemon.returncode)
            daemon.send_signal(signal.SIGKILL)
            daemon.wait(timeout=60)
            daemon = None
            skills += 1
            check_db(db, "serve kill %d" % (k + 1))
            validated += check_validators(db, feeds, "serve kill %d" % (k + 1))
            if reader.error is not None:
                fail("reader: " + reader.error)
        reader.halt.set()
        reader.join(timeout=30)
        if reader.error is not None:
            fail("reader: " + reader.error)
        if reader.answers == 0:
            fail("the reader never had an answer from serve")
        n_entries2, n_stories2 = check_db(db, "after the serve kills")
        if n_entries2 <= n_entries:
            fail("serve stored nothing between its kills (%d entries before, %d after)"
                 % (n_entries, n_entries2))
        print("%s: serve: %d SIGKILLs; reader: %d well-formed answers, %d entries "
              "read, no id twice; %d entries, %d stories, integrity ok each time"
              % (NAME, skills, reader.answers, reader.entries, n_entries2, n_stories2))

        # One clean cycle: everything a source lists now must be stored.
        p = subprocess.run([BIN, "fetch", "--once", "--all", "-c", conf], stderr=log,
                           timeout=120)
        if p.returncode != 0:
            fail("final clean cycle exited %d" % p.returncode)
        n_entries3, _ = check_db(db, "after the final clean cycle")
        have = stored_keys(db)
        want = feeds.listed()
        checked = 0
        for sid, guids in want.items():
            missing = guids - have.get(sid, set())
            if missing:
                fail("source %s: %d listed entries lost, e.g. %s"
                     % (sid, len(missing), sorted(missing)[0]))
            checked += len(guids)
        # A clean serve answers with the whole archive's stories.
        daemon = subprocess.Popen([BIN, "serve", "-c", conf], stderr=log)
        got = []
        if not wait_for(lambda: (got.append(read_atom("http://127.0.0.1:%d/feed.atom"
                                                      % http_port)), got[-1])[1] is not None, 20):
            fail("serve did not answer after the kills")
        status, ids = got[-1]
        if status != 200 or not ids:
            fail("merged feed after the kills: HTTP %s, %d entries" % (status, len(ids or [])))
        stop(daemon)
        if daemon.returncode != 0:
            fail("serve exited %d on SIGTERM" % daemon.returncode)
        daemon = None
        log.flush()
        text = open(logpath, errors="replace").read()
        for bad in ("AddressSanitizer", "runtime error:", "LeakSanitizer"):
            if bad in text:
                fail("sanitizer report in the daemon's log: " + bad)
        print("%s: %d SIGKILLs in all (seed %d); after a clean cycle all %d entries the "
              "sources list are stored (%d entries in the archive), merged feed %d entries; "
              "%d stored ETags checked against their entries after the kills"
              % (NAME, kills + skills, seed, checked, n_entries3, len(ids), validated))
    except Failure as e:
        print("%s: FAIL (seed %d): %s" % (NAME, seed, e))
        log.flush()
        tail = open(logpath, errors="replace").read().splitlines()[-15:]
        print("\n".join("  | " + line for line in tail))
        return 1
    finally:
        if reader is not None:
            reader.halt.set()
        if daemon is not None and daemon.poll() is None:
            daemon.kill()
            daemon.wait()
        stop(server)
        log.close()
        shutil.rmtree(work, ignore_errors=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
