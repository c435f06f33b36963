#!/usr/bin/env python3
"""SIGHUP storms while serve fetches and serves.

Over 200 SIGHUPs in quick bursts: some after a valid configuration was
put in place, some while the file is half rewritten, some with a broken
one. Meanwhile the sources change and a reader polls the merged feed and
/healthz. The daemon must never die, reject the broken configuration with
FILE:LINE, keep fetching (everything the sources list ends up stored),
keep answering HTTP (every answer well-formed), and hold no more file
descriptors after the storm than before it."""

import os
import random
import shutil
import signal
import subprocess
import sys
import tempfile
import threading
import time
import urllib.request

from pffaults import BIN, Failure, Feeds, check_db, fail, quick_ids, read_atom, stored_keys
from pftest import free_port, start_fixture_server, stop, wait_for

NAME = "faults-hup"
BURSTS = 24
MIN_SIGNALS = 200


def fetch_sockets(port):
    """Inodes of the TCP sockets connected to the fixture server's port:
    libcurl's connection cache, which keeps an idle connection a while
    (at most one per concurrent transfer, so a few here)."""
    out = set()
    for table in ("/proc/net/tcp", "/proc/net/tcp6"):
        try:
            with open(table) as f:
                next(f)
                for line in f:
                    cols = line.split()
                    if int(cols[2].rsplit(":", 1)[1], 16) == port:
                        out.add(cols[9])
        except OSError:
            pass
    return out


def fds(pid, port):
    """(fds but libcurl's cached connections, those connections)."""
    cached = fetch_sockets(port)
    own = conns = 0
    for fd in os.listdir("/proc/%d/fd" % pid):
        try:
            link = os.readlink("/proc/%d/fd/%s" % (pid, fd))
        except OSError:
            continue
        if link.startswith("socket:[") and link[8:-1] in cached:
            conns += 1
        else:
            own += 1
    return own, conns


def fd_kinds(pid):
    """What the fds are, for a failure's message."""
    out = {}
    for fd in os.listdir("/proc/%d/fd" % pid):
        try:
            what = os.readlink("/proc/%d/fd/%s" % (pid, fd)).split(":")[0]
        except OSError:
            continue
        out[what] = out.get(what, 0) + 1
    return out


class Reader(threading.Thread):
    def __init__(self, port):
        super().__init__(daemon=True)
        self.port = port
        self.halt = threading.Event()
        self.feeds = self.health = 0
        self.error = None

    def run(self):
        while not self.halt.is_set():
            try:
                got = read_atom("http://127.0.0.1:%d/feed.atom" % self.port)
                if got is None or got[0] != 200:
                    self.error = "merged feed: no answer during the storm (%r)" % (got,)
                    return
                self.feeds += 1
                with urllib.request.urlopen("http://127.0.0.1:%d/healthz" % self.port,
                                            timeout=10) as r:
                    r.read()
                    if r.status != 200:
                        self.error = "/healthz: HTTP %d" % r.status
                        return
                self.health += 1
            except Exception as e:  # noqa: BLE001 -- any surprise fails the test
                self.error = "%s: %s" % (type(e).__name__, e)
                return
            self.halt.wait(0.02)


def main():
    seed = int(os.environ.get("PF_FAULTS_SEED", time.time_ns() % 1000000007))
    rng = random.Random(seed)
    print("%s: seed %d" % (NAME, seed))
    work = tempfile.mkdtemp(prefix="pf-hup-")
    server = daemon = reader = None
    logpath = os.path.join(work, "pactfeed.log")
    log = open(logpath, "w")

    def text():
        log.flush()
        return open(logpath, errors="replace").read()

    try:
        feeds_dir = os.path.join(work, "feeds")
        os.mkdir(feeds_dir)
        server, sport, _ = start_fixture_server(feeds_dir, NAME, seconds=500)
        feeds = Feeds(feeds_dir, quick_ids("h", 6), "http://127.0.0.1:%d" % sport)
        http_port = free_port()
        db = os.path.join(work, "pf.db")
        conf = os.path.join(work, "pactfeed.conf")
        good = feeds.config(db, http_port)
        bad = good + 'source "bad" { url = "ftp://x" tilte = "typo" }\n'
        bad_line = good.count("\n") + 1
        with open(conf, "w") as f:
            f.write(good)
        daemon = subprocess.Popen([BIN, "serve", "-c", conf], stderr=log)
        if not wait_for(lambda: stored_keys(db).keys() >= set(feeds.ids), 30):
            fail("serve did not fetch every source before the storm")
        if read_atom("http://127.0.0.1:%d/feed.atom" % http_port) is None:
            fail("serve does not answer before the storm")
        # The steady state: fds while fetching and serving, at their most.
        base = 0
        for _ in range(30):
            if fds(daemon.pid, sport)[0] > base:
                base, base_kinds = fds(daemon.pid, sport)[0], fd_kinds(daemon.pid)
            time.sleep(0.1)

        reader = Reader(http_port)
        reader.start()
        sent = kinds = 0
        counts = {"valid": 0, "half": 0, "broken": 0}
        for b in range(BURSTS):
            kind = rng.choice(["valid", "half", "broken"])
            n = rng.randint(8, 14)
            if kind == "valid":
                with open(conf + ".tmp", "w") as f:
                    f.write(good)
                os.replace(conf + ".tmp", conf)
            elif kind == "broken":
                with open(conf, "w") as f:
                    f.write(bad)
            # "half": the file is rewritten in place, and the signals
            # come while only part of it is there.
            f = open(conf, "w") if kind == "half" else None
            if f is not None:
                cut = rng.randint(0, len(good))
                f.write(good[:cut])
                f.flush()
            for _ in range(n):
                daemon.send_signal(signal.SIGHUP)
                sent += 1
                time.sleep(rng.choice([0, 0, 0.001, 0.005]))
            if f is not None:
                time.sleep(0.01)
                f.write(good[cut:])
                f.close()
            counts[kind] += 1
            kinds += 1
            if b % 4 == 0:
                feeds.advance(rng)
            time.sleep(rng.uniform(0.02, 0.3))
            if daemon.poll() is not None:
                fail("serve died in burst %d (exit %d)" % (b + 1, daemon.returncode))
            if reader.error is not None:
                fail("reader: " + reader.error)
        if sent < MIN_SIGNALS:
            fail("only %d SIGHUPs sent" % sent)
        # The last word: the valid configuration, one more reload.
        with open(conf, "w") as f:
            f.write(good)
        mark = len(text())
        daemon.send_signal(signal.SIGHUP)
        sent += 1
        if not wait_for(lambda: "configuration reloaded: %d sources" % len(feeds.ids)
                        in text()[mark:], 20):
            fail("the last valid reload not applied")
        reader.halt.set()
        reader.join(timeout=30)
        if reader.error is not None:
            fail("reader: " + reader.error)
        if daemon.poll() is not None:
            fail("serve died after the storm (exit %d)" % daemon.returncode)

        log_text = text()
        reloads = log_text.count("reloading ")
        rejected = log_text.count("configuration rejected")
        if counts["broken"] > 0:
            if rejected == 0:
                fail("no broken configuration rejected")
            if ("pactfeed.conf:%d: " % bad_line) not in log_text or "tilte" not in log_text:
                fail("broken configuration not reported as FILE:LINE")
        # Everything the sources list now is fetched and stored.
        if not wait_for(lambda: all(g <= stored_keys(db).get(s, set())
                                    for s, g in feeds.listed().items()), 30):
            fail("sources not fetched after the storm")
        if not wait_for(lambda: fds(daemon.pid, sport)[0] <= base, 20):
            fail("fd leak: %d fds before the storm (%s), %d after (%s)"
                 % (base, base_kinds, fds(daemon.pid, sport)[0], fd_kinds(daemon.pid)))
        # Sampled until steady, as the fds above: a fetch in flight has a
        # connection of its own beside the cached ones for a moment (CI
        # saw 8 for 6 sources once); kept ones stay.
        if not wait_for(lambda: fds(daemon.pid, sport)[1] <= len(feeds.ids), 20):
            fail("%d connections to the fixture server kept for %d sources"
                 % (fds(daemon.pid, sport)[1], len(feeds.ids)))
        after, conns = fds(daemon.pid, sport)
        got = read_atom("http://127.0.0.1:%d/feed.atom" % http_port)
        if got is None or got[0] != 200:
            fail("no answer after the storm")
        stop(daemon)
        rc = daemon.returncode
        daemon = None
        if rc != 0:
            fail("serve exited %d on SIGTERM after the storm" % rc)
        n, _ = check_db(db, "after the storm")
        for bad_word in ("AddressSanitizer", "runtime error:", "LeakSanitizer"):
            if bad_word in text():
                fail("sanitizer report in the daemon's log: " + bad_word)
        print("%s: %d SIGHUPs in %d bursts (%d valid, %d half-written, %d broken): %d "
              "reloads, %d rejected with FILE:LINE; reader %d feeds and %d /healthz answers; "
              "fds %d before, %d after (and %d cached connections); %d entries, "
              "every listed one stored"
              % (NAME, sent, kinds, counts["valid"], counts["half"], counts["broken"],
                 reloads, rejected, reader.feeds, reader.health, base, after, conns, n))
    except Failure as e:
        print("%s: FAIL (seed %d): %s" % (NAME, seed, e))
        print("\n".join("  | " + ln for ln in text().splitlines()[-20:]))
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
