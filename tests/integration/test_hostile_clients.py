#!/usr/bin/python3
"""pactfeed serve against hostile clients, on 127.0.0.1.

A small archive is fetched from the fixture server, then `pactfeed serve`
(default limits: 256 connections, 10s for a request's headers, 5s of
keep-alive, 8KiB of header) takes, all at once for STORM seconds: 1,000
idle connections kept open (reopened when closed), 300 slow-loris
clients dripping a header byte a second (reconnecting when dropped),
clients sending 1 MB of header, 100 KB URLs, and a list of bad query
parameters. Meanwhile a healthy reader asks for /feed.atom over and over:
each answer must be a 200 with the same Atom feed as before the storm,
within the client's timeout. After the storm the daemon's descriptors
come back to baseline, its RSS stays near it and it still serves.

Then, with small limits in the config (20 connections, 2s header
deadline, 1s keep-alive, 2KiB of header), each limit is seen to hold:
a 3 KiB header is refused while a 1.5 KiB one passes, slow-loris clients
are closed after 2s however steadily they drip, a kept-alive connection
after 1s, 60 idle clients never hold more than twice the limit and a
reader is still served. Last, the daemon's descriptor limit is lowered
under it (prlimit) so that accept() fails with EMFILE: the daemon logs
it, does not spin (its CPU time is read from /proc) and serves again.
"""

import http.client
import os
import re
import resource
import select
import shutil
import socket
import subprocess
import sys
import tempfile
import threading
import time
import urllib.error
import urllib.request
import xml.etree.ElementTree as ET

from pftest import free_port, start_fixture_server, stop, wait_for

HERE = os.path.dirname(os.path.abspath(__file__))
FIXTURES = os.path.join(HERE, "..", "fixtures", "parse")
BIN = os.environ.get("PACTFEED_BIN",
                     os.path.join(HERE, "..", "..", "build", "pactfeed"))
A = "{http://www.w3.org/2005/Atom}"
STORM = 14.0            # seconds; more than the 10s header deadline
NIDLE = 1000
NLORIS = 300
READER_TIMEOUT = 20     # urllib's, the bound on a healthy answer
checks = 0


def check(cond, what):
    global checks
    if not cond:
        print("hostile: FAIL: " + what)
        sys.exit(1)
    checks += 1


def nfds(pid):
    return len(os.listdir("/proc/%d/fd" % pid))


def rss_kib(pid):
    with open("/proc/%d/status" % pid) as f:
        m = re.search(r"^VmRSS:\s+(\d+) kB", f.read(), re.M)
    return int(m.group(1))


def cpu_seconds(pid):
    with open("/proc/%d/stat" % pid) as f:
        fields = f.read().rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


def metric(port, name):
    body = urllib.request.urlopen("http://127.0.0.1:%d/metrics" % port,
                                  timeout=READER_TIMEOUT).read().decode()
    m = re.search(r"^%s (\d+)$" % name, body, re.M)
    return int(m.group(1))


def fetch_feed(port):
    """The healthy reader: (status, entry ids, seconds)."""
    t = time.monotonic()
    r = urllib.request.urlopen("http://127.0.0.1:%d/feed.atom" % port,
                               timeout=READER_TIMEOUT)
    body = r.read()
    took = time.monotonic() - t
    check(r.headers["Content-Type"].startswith("application/atom+xml"),
          "feed type: %s" % r.headers["Content-Type"])
    root = ET.fromstring(body)
    check(root.tag == A + "feed", "feed is Atom: %s" % root.tag)
    return r.status, [e.findtext(A + "id") for e in root.iter(A + "entry")], took


def raw_exchange(port, data, wait=10):
    """Sends data on a new connection, returns what came back before the
    server closed: b"" for a close or reset without an answer, None when
    the server said nothing within wait seconds."""
    s = socket.create_connection(("127.0.0.1", port), wait)
    got = b""
    try:
        try:
            s.sendall(data)
        except OSError:
            pass        # closed on us half way: the answer may be there
        s.settimeout(wait)
        while len(got) < 4096:
            b = s.recv(4096)
            if not b:
                break
            got += b
    except socket.timeout:
        return None if got == b"" else got
    except OSError:
        pass
    finally:
        s.close()
    return got


class Daemon:
    def __init__(self, conf, port, log):
        self.port = port
        self.log = log
        # Under ASan, freed memory waits in a quarantine (256 MB by
        # default) that would hide whether RSS comes back.
        env = dict(os.environ)
        env["ASAN_OPTIONS"] = ":".join(filter(None, (
            env.get("ASAN_OPTIONS"), "quarantine_size_mb=16")))
        # Started with systemd's soft limit of 1024 open files: the
        # daemon raises it itself.
        hard = resource.getrlimit(resource.RLIMIT_NOFILE)[1]

        def low_limit():
            resource.setrlimit(resource.RLIMIT_NOFILE, (min(1024, hard), hard))
        self.proc = subprocess.Popen([BIN, "serve", "-c", conf],
                                     stdout=subprocess.DEVNULL,
                                     stderr=open(log, "w"), env=env,
                                     preexec_fn=low_limit)

        def up():
            try:
                return fetch_feed(port)[0] == 200
            except OSError:
                return False
        check(wait_for(up, 30), "serve answers")

    def alive(self):
        return self.proc.poll() is None

    def logged(self):
        with open(self.log) as f:
            return f.read()


class Storm:
    """Every hostile client, each kind in its own thread until `end`."""

    def __init__(self, port, end):
        self.port = port
        self.end = end
        self.lock = threading.Lock()
        self.n = {}
        self.bad = []           # what should never happen
        self.loris_life = 0.0   # longest a loris connection lived
        self.idle_peak = 0
        self.threads = [threading.Thread(target=f, daemon=True) for f in
                        (self.idle, self.loris, self.big_header,
                         self.long_url, self.bad_params)]

    def count(self, what, n=1):
        with self.lock:
            self.n[what] = self.n.get(what, 0) + n

    def fail(self, what):
        with self.lock:
            self.bad.append(what)

    def connect(self):
        try:
            s = socket.create_connection(("127.0.0.1", self.port), 2)
            s.setblocking(False)
            return s
        except OSError:
            self.count("connect failed")
            return None

    def idle(self):
        """NIDLE connections that never say a word, reopened when the
        server closes them, one round a second."""
        socks = []
        while time.monotonic() < self.end:
            round_end = time.monotonic() + 1.0
            while len(socks) < NIDLE and time.monotonic() < self.end:
                s = self.connect()
                if s is None:
                    break
                socks.append(s)
                self.count("idle opened")
            self.idle_peak = max(self.idle_peak, len(socks))
            p = select.poll()
            for s in socks:
                p.register(s, select.POLLIN)
            closed = {fd for fd, _ in p.poll(1000)}
            keep = []
            for s in socks:
                if s.fileno() in closed:
                    self.count("idle closed by the server")
                    s.close()
                else:
                    keep.append(s)
            socks = keep
            time.sleep(max(0.0, min(round_end, self.end) - time.monotonic()))
        for s in socks:
            s.close()

    def loris(self):
        """NLORIS clients sending a request's headers a byte a second,
        never ending them; reconnecting when dropped."""
        req = b"GET /feed.atom HTTP/1.1\r\nHost: x\r\nX-Drip: "
        socks = []      # [socket, opened, bytes sent]
        while time.monotonic() < self.end:
            while len(socks) < NLORIS:
                s = self.connect()
                if s is None:
                    break
                socks.append([s, time.monotonic(), 0])
                self.count("loris opened")
            keep = []
            for ent in socks:
                s, t0, sent = ent
                try:
                    ent[2] += s.send(req[sent:] if sent < len(req) else b"z")
                    keep.append(ent)
                except BlockingIOError:
                    keep.append(ent)
                except OSError:
                    # The server closed it: how long did it hold?
                    life = time.monotonic() - t0
                    self.loris_life = max(self.loris_life, life)
                    self.count("loris closed by the server")
                    s.close()
            socks = keep
            time.sleep(1.0)
        now = time.monotonic()
        for s, t0, _ in socks:
            # Still open on our side: did the server close it already?
            s.setblocking(False)
            try:
                gone = s.recv(1) == b""
            except BlockingIOError:
                gone = False
            except OSError:
                gone = True
            if not gone and now - t0 > 10 + 6:
                self.fail("a slow-loris connection held %.0fs" % (now - t0))
            s.close()

    def answer_ok(self, got, what):
        """A refusal (4xx) that reaches the client before the close: the
        daemon drains the rest of the request rather than reset it."""
        if got is None:
            self.fail(what + ": no answer and no close (%.1fs before the "
                      "end)" % (self.end - time.monotonic()))
        elif got == b"":
            self.fail(what + ": closed without an answer")
        elif re.match(rb"HTTP/1\.[01] 4\d\d ", got):
            self.count(what + ": " + got[9:12].decode())
        else:
            self.fail(what + ": %r" % got[:40])

    def big_header(self):
        data = (b"GET /feed.atom HTTP/1.1\r\nHost: x\r\nX-Big: " +
                b"h" * (1 << 20) + b"\r\n\r\n")
        while time.monotonic() < self.end:
            try:
                self.answer_ok(raw_exchange(self.port, data), "1 MB header")
            except OSError:
                self.count("1 MB header: connect failed")
            time.sleep(0.2)

    def long_url(self):
        data = (b"GET /feed.atom?q=" + b"u" * 100000 +
                b" HTTP/1.1\r\nHost: x\r\n\r\n")
        while time.monotonic() < self.end:
            try:
                self.answer_ok(raw_exchange(self.port, data), "100 KB URL")
            except OSError:
                self.count("100 KB URL: connect failed")
            time.sleep(0.2)

    def bad_params(self):
        n = 0
        while time.monotonic() < self.end:
            for path, want in BAD_QUERIES:
                if time.monotonic() >= self.end:
                    break
                try:
                    c = http.client.HTTPConnection("127.0.0.1", self.port,
                                                   timeout=READER_TIMEOUT)
                    c.request("GET", path)
                    r = c.getresponse()
                    body = r.read()
                    c.close()
                except OSError as e:
                    # Evicted at the limit before its request was read:
                    # allowed, not an answer.
                    self.count("bad query: connection dropped (%s %s)" %
                               (type(e).__name__, path[:30]))
                    continue
                if r.status not in want:
                    self.fail("%s: %d %r" % (path[:60], r.status, body[:80]))
                n += 1
            time.sleep(0.1)
        self.count("bad queries answered", n)


# Each with the statuses it may get: 400 for what is wrong, 404 for what
# does not exist, 200 where a bounded answer is the right one.
BAD_QUERIES = [
    ("/feed.atom?cursor=garbage", {400}),
    ("/feed.atom?cursor=o" + "9" * 40 + "_1", {400}),
    ("/feed.atom?cursor=o1_" + "9" * 40, {400}),
    ("/feed.atom?cursor=o-5_-3", {400}),
    ("/feed.atom?cursor=n" + "7" * 500, {400}),
    ("/feed.atom?cursor=n1_0", {200}),         # deep in history
    ("/feed.atom?cursor=o1_0", {200}),
    ("/feed.atom?cursor=n-9223372036854775808_0", {200}),
    ("/feed.atom?cursor=o1_0&cursor=o2_0", {400}),
    ("/feed.atom?topic=screening&topic=screening", {400}),
    ("/feed.atom?q=asylum&q=asylum", {400}),
    ("/feed.atom?since=99999999999999999999", {400}),
    ("/feed.atom?since=-1", {400}),
    ("/feed.atom?since=2024-13-45", {400}),
    ("/feed.atom?limit=-5", {400}),
    ("/feed.atom?limit=99999999999999999999999", {400}),
    ("/feed.atom?lang=%FF%FE", {400}),
    ("/feed.atom?lang=" + "a" * 300, {400}),
    ("/feed.atom?q=%C3%28", {400}),            # invalid UTF-8
    ("/feed.atom?q=abc%00def", {400}),
    ("/feed.atom?q=%00", {400}),
    ("/feed.atom?q=" + "x" * 600, {400}),
    ("/search.atom?q=" + "+".join("w%d" % i for i in range(17)), {400}),
    ("/search.atom?q=" + "+".join(["asylum"] * 70), {200}),
    ("/feed.atom?q=%zz", {200, 400}),
    ("/feed.atom?%zz=1", {400}),
    ("/feed.atom?=1", {400}),
    ("/feed.atom?&&&", {200, 400}),
    ("/feed.atom?" + "a=1&" * 1500, {400}),
    ("/search.atom", {400}),
    ("/search.atom?q=%22%22%22", {200, 400}),
    ("/search.atom?q=" + "NEAR(" * 60, {200, 400}),
    ("/search.atom?q=*", {200, 400}),
    ("/search.atom?q=-", {200, 400}),
    ("/topics/%2e%2e%2fetc.atom", {404}),
    ("/topics/nope.atom", {404}),
    ("/sources/" + "s" * 3000 + ".atom", {404}),
    ("/feed.atom%00.xml", {400, 404}),
    ("/%ff%fe", {400, 404}),
    ("/debug/stories.json?cursor=n1_0", {200}),
]


def storm(port, daemon, baseline_ids):
    end = time.monotonic() + STORM
    st = Storm(port, end)
    for t in st.threads:
        t.start()
    lat = []
    fd_peak = conn_peak = 0
    time.sleep(0.5)
    while time.monotonic() < end:
        status, ids, took = fetch_feed(port)
        check(status == 200 and ids == baseline_ids,
              "healthy reader during the storm: %d, %d entries" %
              (status, len(ids)))
        lat.append(took)
        fd_peak = max(fd_peak, nfds(daemon.proc.pid))
        conn_peak = max(conn_peak, metric(port, "pactfeed_http_connections"))
        check(daemon.alive(), "daemon alive during the storm")
        time.sleep(0.3)
    for t in st.threads:
        t.join(60)
        check(not t.is_alive(), "storm thread ended")
    print("hostile: storm %.0fs: %d idle (peak %d held by us), %d slow-loris "
          "opened; server closed %d idle and %d slow-loris (longest held "
          "%.1fs)" % (STORM, st.n.get("idle opened", 0), st.idle_peak,
                      st.n.get("loris opened", 0),
                      st.n.get("idle closed by the server", 0),
                      st.n.get("loris closed by the server", 0),
                      st.loris_life))
    print("hostile: daemon held at most %d connections (limit 256), %d "
          "descriptors" % (conn_peak, fd_peak))
    print("hostile: refusals: " + ", ".join(
        "%s %d" % (k, v) for k, v in sorted(st.n.items())
        if k.startswith(("1 MB", "100 KB", "bad quer", "connect"))))
    print("hostile: healthy reader: %d answers, all 200 and the same feed; "
          "latency max %.3fs, median %.3fs" %
          (len(lat), max(lat), sorted(lat)[len(lat) // 2]))

    check(not st.bad, "hostile clients: " + "; ".join(st.bad[:5]))
    check(len(lat) >= 5, "healthy reader answered %d times" % len(lat))
    check(conn_peak <= 2 * 256, "connections held at most twice the limit: %d"
          % conn_peak)
    check(st.n.get("idle closed by the server", 0) > 0,
          "idle connections closed to make room")
    check(st.n.get("loris closed by the server", 0) > 0,
          "slow-loris connections closed")
    check(st.n.get("bad queries answered", 0) >= len(BAD_QUERIES),
          "bad queries answered: %d" % st.n.get("bad queries answered", 0))
    for k in ("1 MB header", "100 KB URL"):
        check(any(n.startswith(k + ":") and not n.endswith("connect failed")
                  for n in st.n), k + " answered")


def small_limits(work, conf_head, port):
    conf = os.path.join(work, "small.conf")
    with open(conf, "w") as f:
        f.write(conf_head + '''http-max-connections = 20
http-header-timeout = "2s"
http-keepalive-timeout = "1s"
http-timeout = "5s"
http-max-header-size = "2KiB"
''')
    d = Daemon(conf, port, os.path.join(work, "small.log"))
    try:
        # http-max-header-size: 1.5 KiB passes, 3 KiB is refused.
        hdr = b"GET /feed.atom HTTP/1.1\r\nHost: x\r\nConnection: close\r\nX-Pad: "
        got = raw_exchange(port, hdr + b"p" * 1500 + b"\r\n\r\n")
        check(got is not None and got.startswith(b"HTTP/1.1 200"),
              "1.5 KiB header served: %r" % (got or b"")[:30])
        got = raw_exchange(port, hdr + b"p" * 3000 + b"\r\n\r\n")
        check(got is not None and re.match(rb"HTTP/1\.1 4\d\d ", got),
              "3 KiB header refused: %r" % (got or b"")[:30])

        # http-header-timeout: a steady drip does not keep a connection.
        socks = []
        for _ in range(3):
            s = socket.create_connection(("127.0.0.1", port), 5)
            s.sendall(b"GET /feed.atom HTTP/1.1\r\nHost: x\r\n")
            socks.append([s, time.monotonic(), None])
        for _ in range(40):
            for ent in socks:
                if ent[2] is None:
                    try:
                        ent[0].sendall(b"X")
                    except OSError:
                        ent[2] = time.monotonic() - ent[1]
            if all(ent[2] is not None for ent in socks):
                break
            time.sleep(0.3)
        lives = [ent[2] for ent in socks]
        for ent in socks:
            ent[0].close()
        check(all(v is not None and v >= 1.9 for v in lives),
              "slow-loris closed after the 2s header deadline: %s" % lives)
        print("hostile: http-header-timeout 2s: 3 dripping clients closed "
              "after %s s" % ", ".join("%.1f" % v for v in lives))

        # http-keepalive-timeout: an idle kept-alive connection closes.
        c = http.client.HTTPConnection("127.0.0.1", port, timeout=10)
        c.request("GET", "/healthz")
        c.getresponse().read()
        t = time.monotonic()
        c.sock.settimeout(10)
        try:
            got = c.sock.recv(1)
        except OSError:
            got = b""
        idle = time.monotonic() - t
        c.close()
        # Our clock starts after the daemon's, which starts when the
        # response has gone: a little under 1s is still "after 1s".
        check(got == b"" and idle >= 0.9,
              "kept-alive connection closed after 1s: %r %.1f" % (got, idle))
        print("hostile: http-keepalive-timeout 1s: closed after %.1fs" % idle)

        # http-max-connections: 60 idle clients, the limit is 20.
        base_fds = nfds(d.proc.pid)
        idle_socks = [socket.create_connection(("127.0.0.1", port), 5)
                      for _ in range(60)]
        time.sleep(0.5)
        status, ids, took = fetch_feed(port)
        check(status == 200, "reader served past 60 idle clients")
        held = metric(port, "pactfeed_http_connections")
        evicted = metric(port, "pactfeed_http_connections_evicted_total")
        fds = nfds(d.proc.pid)
        check(held <= 40 and fds <= base_fds + 40,
              "at most twice the limit held: %d connections, %d fds" %
              (held, fds))
        check(evicted >= 20, "idle clients evicted: %d" % evicted)
        for s in idle_socks:
            s.close()
        print("hostile: http-max-connections 20: 60 idle clients, %d held, "
              "%d evicted, reader served in %.3fs" % (held, evicted, took))

        # EMFILE: the descriptor limit lowered under the running daemon.
        check(wait_for(lambda: nfds(d.proc.pid) <= base_fds, 10),
              "descriptors back to %d" % base_fds)
        old = resource.prlimit(d.proc.pid, resource.RLIMIT_NOFILE)
        resource.prlimit(d.proc.pid, resource.RLIMIT_NOFILE,
                         (base_fds + 4, old[1]))
        cpu0 = cpu_seconds(d.proc.pid)
        t0 = time.monotonic()
        flood = []
        for _ in range(40):
            try:
                flood.append(socket.create_connection(("127.0.0.1", port), 2))
            except OSError:
                break
        time.sleep(3)
        spent = cpu_seconds(d.proc.pid) - cpu0
        wall = time.monotonic() - t0
        check(d.alive(), "daemon alive at EMFILE")
        check("accept: Too many open files" in d.logged(), "EMFILE logged")
        check(spent < wall / 2, "no spinning at EMFILE: %.2fs of CPU in "
              "%.1fs" % (spent, wall))
        for s in flood:
            s.close()
        resource.prlimit(d.proc.pid, resource.RLIMIT_NOFILE, old)
        status, ids, took = fetch_feed(port)
        check(status == 200, "serving after EMFILE")
        print("hostile: EMFILE: %d clients over a limit of %d descriptors; "
              "%.2fs of CPU in %.1fs, logged, serving after" %
              (len(flood), base_fds + 4, spent, wall))
    finally:
        stop(d.proc)
    check(d.proc.returncode == 0, "small-limit daemon exit %s: %s" %
          (d.proc.returncode, d.logged()[-500:]))


def main():
    soft, hard = resource.getrlimit(resource.RLIMIT_NOFILE)
    want = NIDLE + NLORIS + 200
    if soft < want:
        resource.setrlimit(resource.RLIMIT_NOFILE, (min(hard, 65536), hard))
    if resource.getrlimit(resource.RLIMIT_NOFILE)[0] < want:
        print("hostile: need %d open files, the limit is %d; skipped" %
              (want, hard))
        sys.exit(77)
    work = tempfile.mkdtemp(prefix="pf-hostile-")
    server = daemon = None
    try:
        shutil.copy(os.path.join(FIXTURES, "rss2-full.xml"),
                    os.path.join(work, "rss.xml"))
        shutil.copy(os.path.join(FIXTURES, "atom10-full.xml"),
                    os.path.join(work, "atom.xml"))
        server, sport, _ = start_fixture_server(work, "hostile", seconds=240)
        port = free_port()
        head = '''database = "%s/pf.db"
listen = "127.0.0.1:%d"
allow-private-addresses = true
default-interval = "1d"
min-interval = "1d"
source "rss" { title = "RSS" url = "http://127.0.0.1:%d/feed/rss.xml" }
source "atom" { title = "Atom" url = "http://127.0.0.1:%d/feed/atom.xml" }
topic "screening" { name = "Screening" phrases = {"screening"} }
''' % (work, port, sport, sport)
        conf = os.path.join(work, "pactfeed.conf")
        with open(conf, "w") as f:
            f.write(head)
        p = subprocess.run([BIN, "fetch", "--once", "-c", conf],
                           capture_output=True, text=True, timeout=120)
        check(p.returncode == 0, "fetch --once: " + p.stderr)

        daemon = Daemon(conf, port, os.path.join(work, "serve.log"))
        pid = daemon.proc.pid
        status, baseline_ids, _ = fetch_feed(port)
        check(status == 200 and baseline_ids, "feed has entries")
        for path, _ in BAD_QUERIES:     # warm the caches, as in the storm
            try:
                urllib.request.urlopen("http://127.0.0.1:%d%s" % (port, path),
                                       timeout=READER_TIMEOUT).read()
            except urllib.error.HTTPError:
                pass
        fds0, rss0 = nfds(pid), rss_kib(pid)
        # The open file limit raised to the hard one (up to 2^20), and
        # the listen backlog past evhttp's 128 (ss shows it as Send-Q).
        with open("/proc/%d/limits" % pid) as f:
            m = re.search(r"^Max open files\s+(\S+)\s+(\S+)", f.read(), re.M)
        lim_soft, lim_hard = m.group(1), m.group(2)
        check(lim_soft == lim_hard or (lim_soft.isdigit() and
                                       int(lim_soft) >= 1 << 20),
              "open file limit raised: %s of %s" % (lim_soft, lim_hard))
        backlog = None
        if shutil.which("ss"):
            out = subprocess.run(["ss", "-Hltn", "sport = :%d" % port],
                                 capture_output=True, text=True).stdout.split()
            if len(out) >= 3 and out[2].isdigit():
                backlog = int(out[2])
                check(backlog > 128, "listen backlog %d" % backlog)
        print("hostile: daemon's open file limit %s (hard %s), listen backlog "
              "%s" % (lim_soft, lim_hard, backlog if backlog else "unknown"))

        storm(port, daemon, baseline_ids)

        check(wait_for(lambda: nfds(pid) <= fds0, 20),
              "descriptors back to %d: %d" % (fds0, nfds(pid)))
        check(wait_for(lambda: metric(port, "pactfeed_http_connections") <= 1,
                       20), "connections back to the metrics one")
        status, ids, _ = fetch_feed(port)
        check(status == 200 and ids == baseline_ids, "serves after the storm")
        rss1 = rss_kib(pid)
        print("hostile: after the storm: %d descriptors (baseline %d), RSS "
              "%d KiB (baseline %d KiB), evicted %d, expired %d" %
              (nfds(pid), fds0, rss1, rss0,
               metric(port, "pactfeed_http_connections_evicted_total"),
               metric(port, "pactfeed_http_connections_expired_total")))
        # ASan's allocator keeps freed memory (a 16 MB quarantine here,
        # its shadow too): more room there.
        with open("/proc/%d/maps" % pid) as f:
            asan = "libasan" in f.read()
        slack = 65536 if asan else 32768
        check(rss1 <= rss0 + slack, "RSS near baseline: %d KiB, was %d "
              "(%s)" % (rss1, rss0, "ASan" if asan else "plain build"))
        stop(daemon.proc)
        check(daemon.proc.returncode == 0, "daemon exit %s: %s" %
              (daemon.proc.returncode, daemon.logged()[-500:]))

        small_limits(work, head, port)
    finally:
        stop(daemon.proc if daemon else None, server)
        shutil.rmtree(work, ignore_errors=True)
    print("hostile: %d checks ok" % checks)


if __name__ == "__main__":
    main()
