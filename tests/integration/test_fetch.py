#!/usr/bin/env python3
"""pactfeed get against fixture_server.py: every route of the fetcher's
contract (status, what the server saw, safety limits), and several
transfers on one loop where a hanging URL does not hold up the others.

No timed assertions: a limit is shown to have fired by the status it gives
(timeout, too-big), and the test's own subprocess guard is far longer than
any limit it sets, so reaching the guard is a failure of its own.
Exits 77 when 127.0.0.1 cannot be bound.
"""

import calendar
import email.utils
import gzip
import json
import os
import select
import socket
import subprocess
import sys
import tempfile
import time
import urllib.parse

HERE = os.path.dirname(os.path.abspath(__file__))
FIXTURES = os.path.join(HERE, "..", "fixtures", "fetch")
BIN = os.environ.get("PACTFEED_BIN")
GUARD = 120			# seconds; every limit set below is far shorter
checks = 0


def fail(msg):
    print("fetch: FAIL: %s" % msg)
    sys.exit(1)


def check(cond, msg):
    global checks
    if not cond:
        fail(msg)
    checks += 1


def can_bind():
    try:
        s = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
        s.bind(("127.0.0.1", 0))
        s.close()
        return True
    except OSError:
        return False


class Fixture:
    def __init__(self, tmp):
        self.log = os.path.join(tmp, "requests.jsonl")
        self.proc = subprocess.Popen(
            [sys.executable, os.path.join(HERE, "fixture_server.py"),
             "--dir", FIXTURES, "--log", self.log, "--max-seconds", "600"],
            stdout=subprocess.PIPE, stderr=sys.stderr)
        ready, _, _ = select.select([self.proc.stdout], [], [], 30)
        if not ready:
            self.stop()
            fail("fixture server did not start")
        self.port = int(self.proc.stdout.readline())
        self.base = "http://127.0.0.1:%d" % self.port
        self.seen = 0

    def stop(self):
        self.proc.terminate()		# by PID, SIGTERM
        try:
            self.proc.wait(10)
        except subprocess.TimeoutExpired:
            self.proc.kill()
            self.proc.wait()

    def requests(self):
        """Requests recorded since the last call."""
        with open(self.log, encoding="utf-8") as f:
            lines = f.read().splitlines()
        new = [json.loads(l) for l in lines[self.seen:]]
        self.seen = len(lines)
        return new


def get(fx, paths, *opts, allow=True, want_rc=None, n=None, env=None):
    """Runs pactfeed get; returns (results in finishing order, rc)."""
    args = [BIN, "get"]
    if allow:
        args += ["--allow-addr", "127.0.0.1"]
    args += list(opts)
    args += [p if "://" in p else fx.base + p for p in paths]
    try:
        p = subprocess.run(args, capture_output=True, timeout=GUARD,
                           env=dict(os.environ, **(env or {})))
    except subprocess.TimeoutExpired:
        fail("%s: still running after the test's %ds guard" % (paths, GUARD))
    out = [json.loads(l) for l in p.stdout.decode().splitlines()]
    if len(out) != (len(paths) if n is None else n):
        fail("%s: %d results for %d URLs; stderr %s" %
             (paths, len(out), len(paths), p.stderr.decode()))
    if want_rc is not None and p.returncode != want_rc:
        fail("%s: exit %d, want %d; stderr %s" %
             (paths, p.returncode, want_rc, p.stderr.decode()))
    return out, p.returncode


def get1(fx, path, *opts, **kw):
    out, _ = get(fx, [path], *opts, **kw)
    return out[0]


def fixture(name):
    with open(os.path.join(FIXTURES, name), "rb") as f:
        return f.read()


def test_plain(fx, tmp):
    body = fixture("rss.xml")
    dest = os.path.join(tmp, "body")
    r = get1(fx, "/feed/rss.xml", "--output", dest, want_rc=0)
    check(r["status"] == "ok" and r["http_status"] == 200, "plain: %s" % r)
    check(r["length"] == len(body), "plain: length %d" % r["length"])
    with open(dest, "rb") as f:
        check(f.read() == body, "plain: body differs from the fixture")
    check(r["etag"] and r["etag"].startswith('"'), "plain: etag %s" % r)
    check(r["last_modified"] == "Mon, 01 Sep 2025 08:00:00 GMT",
          "plain: last_modified %s" % r["last_modified"])
    check(r["content_type"].startswith("application/rss+xml"),
          "plain: content type")
    check(r["max_age"] == 300, "plain: max_age %s" % r["max_age"])
    check(r["expires"] is not None, "plain: no expires")
    check(r["retry_after"] is None and r["error"] is None, "plain: extras")
    req = fx.requests()
    check(len(req) == 1, "plain: %d requests recorded" % len(req))
    h = req[0]["headers"]
    check(h.get("User-Agent", "").startswith("pactfeed/"),
          "plain: User-Agent %s" % h.get("User-Agent"))
    check("gzip" in h.get("Accept-Encoding", ""), "plain: Accept-Encoding")
    check("If-None-Match" not in h and "If-Modified-Since" not in h,
          "plain: conditional headers on a first fetch")
    check("application/atom+xml" in h.get("Accept", ""), "plain: Accept")

    # A proxy in the environment is not used: through it, the address
    # check would only ever see the proxy.
    r = get1(fx, "/feed/rss.xml", want_rc=0,
             env={"http_proxy": "http://127.0.0.1:9/",
                  "ALL_PROXY": "http://127.0.0.1:9/"})
    check(r["status"] == "ok" and len(fx.requests()) == 1,
          "environment proxy ignored: %s" % r)

    r = get1(fx, "/feed/rss.xml", "--user-agent", "pactfeed-test/1 (+x)")
    h = fx.requests()[0]["headers"]
    check(h.get("User-Agent") == "pactfeed-test/1 (+x)", "user agent option")
    return r["etag"]


def test_conditional(fx, etag):
    r = get1(fx, "/feed/rss.xml", "--etag", etag, want_rc=0)
    check(r["status"] == "not-modified" and r["http_status"] == 304,
          "etag: %s" % r)
    check(r["length"] == 0, "etag: body on 304")
    h = fx.requests()[0]["headers"]
    check(h.get("If-None-Match") == etag, "etag: If-None-Match %s" % h)

    lm = "Mon, 01 Sep 2025 08:00:00 GMT"
    r = get1(fx, "/feed/rss.xml", "--last-modified", lm, want_rc=0)
    check(r["status"] == "not-modified", "last-modified: %s" % r)
    h = fx.requests()[0]["headers"]
    check(h.get("If-Modified-Since") == lm, "If-Modified-Since %s" % h)

    r = get1(fx, "/feed/rss.xml", "--etag", '"stale"', want_rc=0)
    check(r["status"] == "ok", "stale etag: %s" % r)
    fx.requests()

    # A value that would split the request is never sent.
    r = get1(fx, "/feed/rss.xml", "--etag", '"a"\r\nX-Injected: 1')
    h = fx.requests()[0]["headers"]
    check("X-Injected" not in h and "If-None-Match" not in h,
          "header injection through the etag: %s" % h)


def test_gzip(fx, tmp):
    body = fixture("rss.xml")
    dest = os.path.join(tmp, "gz")
    r = get1(fx, "/gzip/rss.xml", "--output", dest, want_rc=0)
    check(r["status"] == "ok" and r["length"] == len(body), "gzip: %s" % r)
    with open(dest, "rb") as f:
        check(f.read() == body, "gzip: decoded body differs")
    check(r["bytes_wire"] < len(body) // 2,
          "gzip: %d bytes on the wire for %d" % (r["bytes_wire"], len(body)))
    check(len(gzip.compress(body)) < len(body), "gzip: fixture compresses")
    fx.requests()


def test_redirects(fx):
    r = get1(fx, "/redirect/3/feed/atom.xml", want_rc=0)
    check(r["status"] == "ok" and
          r["effective_url"] == fx.base + "/feed/atom.xml", "3 hops: %s" % r)
    check(r["permanent_redirect"] is None, "3 temporary hops: permanent")
    req = fx.requests()
    check(len(req) == 4, "3 hops: requests %s" % [q["path"] for q in req])

    r = get1(fx, "/redirect/5/feed/atom.xml", want_rc=0)
    check(r["status"] == "ok", "5 hops (the limit): %s" % r)
    r = get1(fx, "/redirect/6/feed/atom.xml", want_rc=1)
    check(r["status"] == "redirects", "6 hops: %s" % r)
    r = get1(fx, "/redirect/2/feed/atom.xml", "--max-redirects", "1",
             want_rc=1)
    check(r["status"] == "redirects", "--max-redirects 1: %s" % r)
    r = get1(fx, "/redirect-loop", want_rc=1)
    check(r["status"] == "redirects", "loop: %s" % r)
    req = fx.requests()
    check(len([q for q in req if q["path"] == "/redirect-loop"]) == 6,
          "loop: one first request and 5 follows")

    for code in ("301", "308"):
        r = get1(fx, "/redirect-permanent?code=" + code, want_rc=0)
        check(r["status"] == "ok" and
              r["permanent_redirect"] == fx.base + "/feed/rss.xml",
              "permanent %s: %s" % (code, r))
    r = get1(fx, "/redirect/2/feed/rss.xml?code=301", want_rc=0)
    check(r["permanent_redirect"] == fx.base + "/feed/rss.xml",
          "two permanent hops: %s" % r["permanent_redirect"])
    r = get1(fx, "/redirect-permanent-then-temp", want_rc=0)
    check(r["permanent_redirect"] == fx.base + "/redirect/1/feed/rss.xml",
          "permanent then temporary: %s" % r["permanent_redirect"])
    r = get1(fx, "/redirect/1/status/404?code=301", want_rc=1)
    check(r["status"] == "http-error" and r["permanent_redirect"] is None,
          "permanent redirect to a 404 is not reported: %s" % r)
    fx.requests()


def test_blocking(fx):
    # Without --allow-addr, the fixture's own address is refused before
    # any byte is sent.
    r = get1(fx, "/feed/rss.xml", allow=False, want_rc=1)
    check(r["status"] == "blocked" and "127.0.0.1" in r["error"] and
          "loopback" in r["error"], "direct loopback: %s" % r)
    check(fx.requests() == [], "direct loopback: the server saw a request")
    r = get1(fx, "/feed/rss.xml", "--allow-private", allow=False, want_rc=0)
    check(r["status"] == "ok", "--allow-private: %s" % r)
    fx.requests()

    # 127.0.0.1 allowed, the redirect to 127.0.0.2 refused at connect.
    r = get1(fx, "/redirect-private", want_rc=1)
    check(r["status"] == "blocked" and "127.0.0.2" in r["error"],
          "private redirect: %s" % r)
    req = fx.requests()
    check(len(req) == 1 and req[0]["path"] == "/redirect-private",
          "private redirect: requests %s" % req)
    # Allowing it shows the block was ours: the server does not listen
    # on 127.0.0.2, so the connection itself fails.
    r = get1(fx, "/redirect-private", "--allow-private", want_rc=1)
    check(r["status"] == "connect", "private redirect allowed: %s" % r)
    fx.requests()

    for to in ("file:///etc/passwd", "ftp://127.0.0.1/feed.xml",
               "gopher://127.0.0.1/", "dict://127.0.0.1:11211/stat"):
        r = get1(fx, "/redirect-scheme?to=" + to, want_rc=1)
        check(r["status"] == "blocked", "redirect to %s: %s" % (to, r))
    r = get1(fx, "ftp://127.0.0.1:%d/x" % fx.port, want_rc=1)
    check(r["status"] == "blocked", "ftp URL: %s" % r)
    r = get1(fx, "http://[::1", want_rc=1)
    check(r["status"] == "blocked", "malformed URL: %s" % r)
    fx.requests()


def test_tls_dns(fx):
    # TLS to a server that speaks plain HTTP fails in the handshake.
    r = get1(fx, "https://127.0.0.1:%d/feed/rss.xml" % fx.port, want_rc=1)
    check(r["status"] == "tls", "TLS to plain HTTP: %s" % r)
    fx.requests()
    # Only when this machine's resolver answers at once that the name
    # does not exist (no network: it may not).
    name = "pactfeed-test.invalid"
    try:
        socket.getaddrinfo(name, 80)
        resolvable = True
    except socket.gaierror as e:
        resolvable = e.errno not in (socket.EAI_NONAME,)
    if resolvable:
        print("fetch: resolver gives no NXDOMAIN for .invalid, dns skipped")
        return
    r = get1(fx, "http://%s/feed" % name, "--timeout", "20", want_rc=1)
    check(r["status"] == "dns", "unknown host: %s" % r)


def test_status(fx):
    cases = [
        ("/status/404", "http-error", 404, None),
        ("/status/500", "http-error", 500, None),
        ("/status/503", "http-error", 503, None),
        ("/status/410", "gone", 410, None),
        ("/status/429?retry-after=120", "http-error", 429, 120),
        ("/empty-202", "empty", 202, None),
        ("/empty-200", "empty", 200, None),
    ]
    for path, status, code, retry in cases:
        r = get1(fx, path, want_rc=1)
        check(r["status"] == status and r["http_status"] == code,
              "%s: %s" % (path, r))
        check(r["retry_after"] == retry, "%s: retry_after %s" %
              (path, r["retry_after"]))
    # Retry-After as an HTTP date, an hour ahead: about 3600 s.
    when = email.utils.formatdate(time.time() + 3600, usegmt=True)
    r = get1(fx, "/status/503?retry-after=" + when.replace(" ", "%20"),
             want_rc=1)
    check(r["retry_after"] is not None and 3000 < r["retry_after"] <= 3600,
          "Retry-After date: %s" % r["retry_after"])
    # A server whose clock is a day behind: its dates count from its Date.
    r = get1(fx, "/status/503?retry-after-in=3600&skew=-86400", want_rc=1)
    check(r["retry_after"] is not None and 3000 < r["retry_after"] <= 3600,
          "Retry-After date, skewed server: %s" % r["retry_after"])
    r = get1(fx, "/feed/rss.xml?skew=-86400", want_rc=0)
    exp = calendar.timegm(time.strptime(r["expires"], "%Y-%m-%dT%H:%M:%SZ"))
    check(200 < exp - time.time() <= 300,
          "Expires, skewed server: %s" % r["expires"])
    caches = [
        ("public, max-age=300", 300),
        ("s-maxage=10, max-age=60", 60),
        ("max-age=\"120\", must-revalidate", 120),
        ("no-cache", None),
        ("private,max-age=7", 7),
        ("max-age=abc", None),
    ]
    for cc, want in caches:
        r = get1(fx, "/cache?cc=" + urllib.parse.quote(cc), want_rc=0)
        check(r["max_age"] == want, "Cache-Control %s: max_age %s" %
              (cc, r["max_age"]))
    for exp in ("0", "-1", "yesterday-ish"):
        r = get1(fx, "/cache?expires=" + urllib.parse.quote(exp), want_rc=0)
        check(r["expires"] is None, "Expires %s: %s" % (exp, r["expires"]))
    r = get1(fx, "/status/503?retry-after=soon", want_rc=1)
    check(r["retry_after"] is None, "Retry-After garbage: %s" %
          r["retry_after"])
    fx.requests()
    print("fetch: %d status routes" % (len(cases) + 2))


def test_limits(fx):
    lim = ["--max-body", "1000000"]
    r = get1(fx, "/big?size=2000000&cl=1", *lim, want_rc=1)
    check(r["status"] == "too-big", "big with Content-Length: %s" % r)
    check(r["bytes_wire"] < 1000000,
          "big with Content-Length: %d bytes read before refusing" %
          r["bytes_wire"])
    r = get1(fx, "/big?size=2000000&cl=0", *lim, want_rc=1)
    check(r["status"] == "too-big", "big without Content-Length: %s" % r)
    r = get1(fx, "/big?size=999999&cl=0", *lim, want_rc=0)
    check(r["status"] == "ok" and r["length"] == 999999, "under: %s" % r)
    r = get1(fx, "/big?size=1000000&cl=1", *lim, want_rc=0)
    check(r["status"] == "ok" and r["length"] == 1000000, "at: %s" % r)
    r = get1(fx, "/gzip-bomb", "--max-body", "10000000", want_rc=1)
    check(r["status"] == "too-big" and r["bytes_wire"] < 10000000,
          "gzip bomb: %s" % r)
    r = get1(fx, "/reset", want_rc=1)
    check(r["status"] == "network", "reset mid-body: %s" % r)
    fx.requests()


def test_timeouts(fx):
    r = get1(fx, "/hang", "--timeout", "2", want_rc=1)
    check(r["status"] == "timeout", "hang: %s" % r)
    r = get1(fx, "/slow", "--timeout", "2", want_rc=1)
    check(r["status"] == "timeout" and r["http_status"] == 200,
          "slow, total timeout: %s" % r)
    # 1 byte/s is under the low-speed limit: ended by low-speed-time
    # while the total timeout is far away.
    r = get1(fx, "/slow", "--low-speed-time", "2", "--timeout", "100",
             want_rc=1)
    check(r["status"] == "timeout" and r["seconds"] < 100,
          "slow, low-speed limit: %s" % r)
    fx.requests()


def test_concurrent(fx):
    paths = ["/hang", "/slow"] + ["/many/%d" % i for i in range(20)] + \
        ["/feed/atom.xml"]
    out, rc = get(fx, paths, "--timeout", "6", want_rc=1)
    fast = out[:-2]
    check(sorted(r["url"] for r in out[-2:]) ==
          sorted(fx.base + p for p in ("/hang", "/slow")),
          "the hanging and the slow URL finished last: %s" %
          [r["url"] for r in out])
    check(all(r["status"] == "ok" for r in fast), "fast ones: %s" % fast)
    check(all(r["status"] == "timeout" for r in out[-2:]), "slow ones")
    for r in fast:
        if "/many/" in r["url"]:
            sid = r["url"].rsplit("/", 1)[1]
            check(("<!-- source %s -->" % sid) in r["head"], "many: %s" % r)
    req = fx.requests()
    check(sorted(q["path"] for q in req) == sorted(paths),
          "one request per URL: %s" % sorted(q["path"] for q in req))
    print("fetch: %d transfers on one loop, hang and slow finished last" %
          len(paths))


def test_repeat_cancel(fx):
    # Each next fetch starts from the previous one's done callback; the
    # deadline cancels the hanging one, which reports "cancelled".
    paths = ["/feed/rss.xml", "/many/1", "/hang"]
    out, rc = get(fx, paths, "--repeat", "3", "--deadline", "5",
                  "--timeout", "60", want_rc=1, n=7)
    done = {}
    for r in out:
        done.setdefault(r["url"][len(fx.base):], []).append(r["status"])
    check(done.get("/feed/rss.xml") == ["ok"] * 3 and
          done.get("/many/1") == ["ok"] * 3, "repeat: %s" % done)
    check(done.get("/hang") == ["cancelled"], "deadline: %s" % done)
    check(out[-1]["url"].endswith("/hang"), "cancelled one last")
    req = [q["path"] for q in fx.requests()]
    check(req.count("/feed/rss.xml") == 3 and req.count("/many/1") == 3 and
          req.count("/hang") == 1, "repeat: requests %s" % req)


def main():
    if BIN is None:
        fail("PACTFEED_BIN not set")
    if not can_bind():
        print("fetch: cannot bind 127.0.0.1, skipped")
        return 77
    # Proxies from the environment would take our loopback requests away.
    for k in ("http_proxy", "https_proxy", "HTTP_PROXY", "HTTPS_PROXY",
              "all_proxy", "ALL_PROXY"):
        os.environ.pop(k, None)
    with tempfile.TemporaryDirectory(prefix="pf-fetch.") as tmp:
        fx = Fixture(tmp)
        try:
            etag = test_plain(fx, tmp)
            steps = [
                ("conditional GET (If-None-Match, If-Modified-Since)",
                 lambda: test_conditional(fx, etag)),
                ("gzip transfer", lambda: test_gzip(fx, tmp)),
                ("redirects, loops, permanent moves",
                 lambda: test_redirects(fx)),
                ("private addresses and schemes blocked",
                 lambda: test_blocking(fx)),
                ("TLS and DNS failures", lambda: test_tls_dns(fx)),
                ("status codes, Retry-After, caching headers",
                 lambda: test_status(fx)),
                ("body limits, gzip bomb, reset", lambda: test_limits(fx)),
                ("hang and slow timeouts", lambda: test_timeouts(fx)),
                ("concurrency", lambda: test_concurrent(fx)),
                ("restart from done, cancel in flight",
                 lambda: test_repeat_cancel(fx)),
            ]
            print("fetch: plain GET, headers seen by the server: %d checks"
                  % checks)
            for name, step in steps:
                before = checks
                step()
                print("fetch: %s: %d checks" % (name, checks - before))
        finally:
            fx.stop()
    print("fetch: %d checks ok" % checks)
    return 0


if __name__ == "__main__":
    sys.exit(main())
