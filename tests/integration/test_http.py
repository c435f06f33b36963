#!/usr/bin/python3
"""pactfeed serve: every route and parameter over real HTTP on 127.0.0.1.

The daemon fetches generated and hostile feeds from the fixture server,
then this checks: each route's status, type and content; every filter
alone and combined (each body byte-identical to `pactfeed export`); 400
and 404 with a reason; 405; conditional GET (ETag, weak and list forms,
If-Modified-Since); gzip by Accept-Encoding with Vary; HEAD; paging
walked through next links (every story once) and back through previous
links; RELAX NG validity (xmllint --relaxng tests/fixtures/atom.rng),
Debian's feedparser (bozo false, entries, categories) and newsboat
(item count) on the feeds; sanitised hostile entries; special
characters; the cache following a store change and a config reload;
the connection limit (the oldest idle connection makes room), the
request timeout and the header size limit.

Run with Debian's /usr/bin/python3, which has python3-feedparser.
"""

import gzip
import hashlib
import html.parser
import http.client
import json
import os
import re
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import time
import urllib.parse
import xml.etree.ElementTree as ET

HERE = os.path.dirname(os.path.abspath(__file__))
FIX = os.path.join(HERE, "..", "fixtures")
BIN = os.environ.get("PACTFEED_BIN",
                     os.path.join(HERE, "..", "..", "build", "pactfeed"))
RNG = os.path.join(FIX, "atom.rng")
A = "{http://www.w3.org/2005/Atom}"
NBIG = 130
checks = 0
counts = {}


def check(cond, what):
    global checks
    if not cond:
        print("http: FAIL: " + what)
        sys.exit(1)
    checks += 1


def note(kind, n=1):
    counts[kind] = counts.get(kind, 0) + n


def free_port():
    s = socket.socket()
    s.bind(("127.0.0.1", 0))
    port = s.getsockname()[1]
    s.close()
    return port


WORDS = ("asylum border Lampedusa reception court ruling children detention "
         "Frontex agency visa Council Parliament minister boat rescue Greece "
         "Italy Spain Poland Malta relocation pledge Ceuta Melilla Evros "
         "Canaries Calais Dublin Eurodac").split()


def big_feed(n, extra=()):
    """RSS 2.0 with n distinct items; even ones about screening, every
    third about the solidarity mechanism."""
    items = []
    for i in list(range(n)) + list(extra):
        w = [WORDS[(i * k + k) % len(WORDS)] for k in (1, 3, 5, 7)]
        text = "Item %d: %s." % (i * 7919, " ".join(w))
        if i % 2 == 0:
            text += " The screening regulation applies."
        if i % 3 == 0:
            text += " A solidarity mechanism pledge."
        day = 1 + i // 24
        items.append(
            "<item><title>%s %s %s no. %d</title>"
            "<link>https://big.example.org/news/%d</link>"
            "<guid>https://big.example.org/news/%d</guid>"
            "<pubDate>%s, %02d Jul 2025 %02d:%02d:00 GMT</pubDate>"
            "<description>%s</description></item>"
            % (w[0], w[1], w[2], i, i, i, "Tue", day, i % 24, i % 60, text))
    return ('<?xml version="1.0" encoding="UTF-8"?>\n<rss version="2.0">'
            "<channel><title>Big &amp; busy</title>"
            "<link>https://big.example.org/</link><language>en</language>"
            "<description>generated</description>%s</channel></rss>"
            % "".join(items))


def fr_feed():
    items = []
    for i in range(12):
        items.append(
            "<item><title>Contrôle filtrage n° %d : « réfugiés » à %s</title>"
            "<link>https://fr.example.org/actu/%d</link>"
            "<pubDate>Wed, %02d Jun 2025 10:00:00 GMT</pubDate>"
            "<description>Le contrôle filtrage aux frontières, %s.</description>"
            "</item>" % (i, WORDS[i], i, 1 + i, WORDS[(i * 5) % len(WORDS)]))
    return ('<?xml version="1.0" encoding="UTF-8"?>\n<rss version="2.0">'
            "<channel><title>Actualités &lt;FR&gt;</title>"
            "<link>https://fr.example.org/</link><language>fr</language>"
            "<description>fr</description>%s</channel></rss>" % "".join(items))


class Server:
    def __init__(self, conf, port, log):
        self.port = port
        self.log = open(log, "w")
        self.proc = subprocess.Popen([BIN, "serve", "-c", conf],
                                     stdout=subprocess.DEVNULL,
                                     stderr=self.log)
        for _ in range(200):
            try:
                socket.create_connection(("127.0.0.1", port), 0.2).close()
                return
            except OSError:
                if self.proc.poll() is not None:
                    break
                time.sleep(0.05)
        check(False, "serve did not start: " + open(log).read())

    def stop(self):
        if self.proc.poll() is None:
            self.proc.send_signal(signal.SIGTERM)
            try:
                self.proc.wait(30)
            except subprocess.TimeoutExpired:
                self.proc.kill()
        if not self.log.closed:
            self.log.close()
        return self.proc.returncode


def req(port, path, method="GET", headers=None, host="127.0.0.1"):
    c = http.client.HTTPConnection(host, port, timeout=30)
    c.request(method, path, headers=headers or {})
    r = c.getresponse()
    body = r.read()
    hdrs = {k.lower(): v for k, v in r.getheaders()}
    c.close()
    return r.status, hdrs, body


def path_of(url, base):
    check(url.startswith(base), "URL %s under base %s" % (url, base))
    return "/" + url[len(base):]


def atom(body):
    return ET.fromstring(body)


def link(doc, rel):
    for l in doc.findall(A + "link"):
        if l.get("rel") == rel:
            return l.get("href")
    return None


def entry_ids(doc):
    return [e.findtext(A + "id") for e in doc.findall(A + "entry")]


def validate(body, work, what):
    f = os.path.join(work, "v.xml")
    with open(f, "wb") as fh:
        fh.write(body)
    p = subprocess.run(["xmllint", "--noout", "--relaxng", RNG, f],
                       capture_output=True, text=True)
    check(p.returncode == 0, "%s not valid Atom: %s" % (what, p.stderr[-800:]))
    note("relaxng")


def feedparser_check(body, what):
    import feedparser
    d = feedparser.parse(body)
    check(not d.bozo, "%s: feedparser bozo: %r" % (what, d.get("bozo_exception")))
    doc = atom(body)
    n = len(doc.findall(A + "entry"))
    check(len(d.entries) == n, "%s: feedparser %d entries, want %d"
          % (what, len(d.entries), n))
    for fe, xe in zip(d.entries, doc.findall(A + "entry")):
        want = sorted(c.get("term") for c in xe.findall(A + "category"))
        got = sorted(t["term"] for t in fe.get("tags", []))
        check(got == want, "%s: categories %r, want %r" % (what, got, want))
        check(fe.get("id") == xe.findtext(A + "id"), what + ": entry id")
    note("feedparser")
    return d


class Clean(html.parser.HTMLParser):
    bad = []

    def handle_starttag(self, tag, attrs):
        if tag in ("script", "iframe", "style", "form", "svg", "object",
                   "embed"):
            self.bad.append(tag)
        for k, v in attrs:
            if k.startswith("on"):
                self.bad.append(k)
            if v and "javascript:" in v.lower().replace(" ", ""):
                self.bad.append(v)


def main():
    if not shutil.which("xmllint"):
        print("http: xmllint missing, skipped")
        sys.exit(77)
    try:
        import feedparser  # noqa: F401
    except ImportError:
        print("http: run with Debian's python3 (python3-feedparser), skipped")
        sys.exit(77)
    work = tempfile.mkdtemp(prefix="pf-http-")
    fixture = None
    serve = None
    try:
        feeds = os.path.join(work, "feeds")
        os.mkdir(feeds)
        with open(os.path.join(feeds, "big.xml"), "w") as f:
            f.write(big_feed(NBIG))
        with open(os.path.join(feeds, "fr.xml"), "w") as f:
            f.write(fr_feed())
        shutil.copy(os.path.join(FIX, "render", "hostile.xml"), feeds)
        shutil.copy(os.path.join(FIX, "parse", "atom10-full.xml"), feeds)
        portfile = os.path.join(work, "fport")
        fixture = subprocess.Popen(
            ["/usr/bin/python3", os.path.join(HERE, "fixture_server.py"),
             "--dir", feeds, "--port-file", portfile, "--max-seconds", "500",
             "--log", os.path.join(work, "fixture.log")],
            stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        for _ in range(100):
            if os.path.exists(portfile) and open(portfile).read().strip():
                break
            time.sleep(0.05)
        fport = int(open(portfile).read())
        port = free_port()
        base = "http://127.0.0.1:%d/" % port
        conf = os.path.join(work, "pactfeed.conf")
        title = "Pact & news <merged> “€”"

        def write_conf(feed_title, extra=""):
            with open(conf, "w") as f:
                f.write('''%(extra)s
listen = "127.0.0.1:%(port)d"
base-url = "%(base)s"
feed-title = "%(title)s"
database = "%(work)s/pf.db"
allow-private-addresses = true
default-interval = "2s"
min-interval = "1s"
max-interval = "3s"
http-max-connections = 6
http-timeout = "2s"
http-max-header-size = "8KiB"
source "big" {
  title = "Big & busy source"
  url = "http://127.0.0.1:%(f)d/feed/big.xml"
}
source "fr" {
  title = "Actualités «FR»"
  url = "http://127.0.0.1:%(f)d/feed/fr.xml"
}
source "hostile" {
  title = "<script>alert(1)</script>"
  url = "http://127.0.0.1:%(f)d/feed/hostile.xml"
}
source "agency" {
  url = "http://127.0.0.1:%(f)d/feed/atom10-full.xml"
}
topic "screening" {
  name = "Screening & <borders>"
  phrases = {"screening regulation", "contrôle filtrage", "screening"}
}
topic "solidarity" {
  name = "Solidarité « partagée »"
  phrases = {"solidarity mechanism", "solidarity"}
}
topic "returns" {
  name = "Returns"
  phrases = {"return border procedure"}
}
''' % {"port": port, "base": base, "title": feed_title.replace('"', '\\"'),
                    "work": work, "f": fport, "extra": extra})
        write_conf(title)
        topics = ["screening", "solidarity", "returns"]
        sources = ["big", "fr", "hostile", "agency"]
        # One cycle first (serve spreads its first fetches over minutes),
        # then the daemon, which refetches every few seconds from here.
        p = subprocess.run([BIN, "fetch", "--once", "-c", conf],
                           capture_output=True, text=True, timeout=120)
        check(p.returncode == 0, "fetch --once: " + p.stderr)
        serve = Server(conf, port, os.path.join(work, "serve.log"))

        # Wait (bounded) until the daemon knows every source's state.
        for _ in range(1200):
            st, _, body = req(port, "/healthz")
            h = json.loads(body)
            if all(s["last_success"] for s in h["sources"]):
                break
            time.sleep(0.1)
        check(all(s["last_success"] for s in h["sources"]),
              "every source fetched: %s" % body[:600])

        routes(port, base, work, topics, sources, title)
        params(port, base, work, conf, topics, sources)
        errors(port)
        conditional(port)
        compression(port)
        negotiation(port)
        render_once(port)
        heads(port)
        paging(port, base, work)
        readers(port, base, work, topics, sources)
        hostile(port)
        special(port, base, work)
        invalidation(port, base, work, feeds, conf, write_conf, serve)
        cache_size(port, write_conf, serve)
        limits(port)
        binding(conf, port, work)
        rc = serve.stop()
        log = open(os.path.join(work, "serve.log")).read()
        check(rc == 0, "serve exit %r: %s" % (rc, log[-600:]))
        check("<3>" not in log and "Sanitizer" not in log,
              "no error logged: " + log[-1500:])
    finally:
        if serve is not None:
            serve.stop()
        if fixture is not None:
            fixture.terminate()
            fixture.wait()
        if os.environ.get("PF_KEEP") is None:
            shutil.rmtree(work, ignore_errors=True)
        else:
            print("kept " + work)
    print("http: %s" % ", ".join("%s %d" % kv for kv in sorted(counts.items())))
    print("http: %d checks ok" % checks)


def routes(port, base, work, topics, sources, title):
    want = [("/", "text/html"), ("/index.html", "text/html"),
            ("/feed.atom", "application/atom+xml"),
            ("/search.atom?q=asylum", "application/atom+xml"),
            ("/feeds.opml", "text/x-opml"), ("/feed.xsl", "application/xslt+xml"),
            ("/healthz", "application/json"), ("/metrics", "text/plain")]
    want += [("/topics/%s.atom" % t, "application/atom+xml") for t in topics]
    want += [("/sources/%s.atom" % s, "application/atom+xml") for s in sources]
    for path, ctype in want:
        st, h, body = req(port, path)
        check(st == 200, "%s: status %d" % (path, st))
        check(h["content-type"].startswith(ctype),
              "%s: type %s" % (path, h["content-type"]))
        if ctype == "application/atom+xml":
            check(h["content-type"] == "application/atom+xml; charset=utf-8",
                  path + ": atom type with charset")
            validate(body, work, path)
        note("routes")

    # The / page: parses as XML, autodiscovery for the merged feed and
    # every topic, every topic and source listed, nothing unescaped.
    st, h, body = req(port, "/")
    doc = ET.fromstring(body.replace(b"<!DOCTYPE html>", b""))
    alt = [l.get("href") for l in doc.iter("link")
           if l.get("rel") == "alternate"
           and l.get("type") == "application/atom+xml"]
    check(alt == [base + "feed.atom"] + [base + "topics/%s.atom" % t
                                         for t in topics], "autodiscovery %r" % alt)
    check(doc.findtext("head/title") == title, "page title")
    check(not list(doc.iter("script")), "no script element on /")
    text = "".join(doc.itertext())
    check("<script>alert(1)</script>" in text, "hostile title shown as text")
    rows = {tr.get("id"): tr for tr in doc.iter("tr") if tr.get("id")}
    for t in topics + sources:
        check(t in rows, "row for %s on /" % t)
    n = int(rows["screening"].find("td[@class='n']").text)
    check(n > NBIG // 2, "screening count %d on /" % n)
    note("page")

    # OPML: every feed, each one served.
    st, h, body = req(port, "/feeds.opml")
    doc = ET.fromstring(body)
    urls = [o.get("xmlUrl") for o in doc.iter("outline") if o.get("xmlUrl")]
    check(len(urls) == 1 + len(topics) + len(sources), "opml has %d" % len(urls))
    for u in urls:
        check(req(port, path_of(u, base))[0] == 200, "opml feed " + u)
    note("opml", len(urls))

    # Health and metrics.
    st, h, body = req(port, "/healthz")
    hz = json.loads(body)
    check(hz["status"] == "ok" and hz["sources_failing"] == 0, "healthz ok")
    for s in hz["sources"]:
        for k in ("last_fetch", "last_success", "status", "error_streak",
                  "next_fetch", "entries", "days_since_new", "warning"):
            check(k in s, "healthz %s has %s" % (s["id"], k))
    big = [s for s in hz["sources"] if s["id"] == "big"][0]
    check(big["entries"] >= NBIG, "healthz big entries %r" % big["entries"])
    st, h, m1 = req(port, "/metrics")
    st, h, m2 = req(port, "/metrics")
    val = lambda m, k: float(re.search(r"^%s (\S+)$" % re.escape(k),
                                       m.decode(), re.M).group(1))
    check(val(m2, "pactfeed_http_requests_total") >
          val(m1, "pactfeed_http_requests_total"), "requests counted")
    fetched = sum(float(v) for v in re.findall(
        r'^pactfeed_fetches_total\{result="[a-z-]+"\} (\S+)$', m2.decode(), re.M))
    for _ in range(100):
        if fetched >= len(sources):
            break
        time.sleep(0.1)
        fetched = sum(float(v) for v in re.findall(
            r'^pactfeed_fetches_total\{result="[a-z-]+"\} (\S+)$',
            req(port, "/metrics")[2].decode(), re.M))
    check(fetched >= len(sources), "fetches counted: %r" % fetched)
    check(val(m2, 'pactfeed_topic_stories{topic="screening"}') > NBIG // 2,
          "topic stories")
    for line in m2.decode().splitlines():
        check(line.startswith("#") or re.match(
            r'^[a-z_]+(\{[a-z]+="(\\.|[^"\\])*"\})? [0-9.e+-]+$', line),
            "metrics line %r" % line)
    note("metrics")

    # The stylesheet turns a feed into a page.
    if shutil.which("xsltproc"):
        with open(os.path.join(work, "f.xsl"), "wb") as f:
            f.write(req(port, "/feed.xsl")[2])
        with open(os.path.join(work, "f.atom"), "wb") as f:
            f.write(req(port, "/topics/solidarity.atom")[2])
        p = subprocess.run(["xsltproc", os.path.join(work, "f.xsl"),
                            os.path.join(work, "f.atom")], capture_output=True)
        check(p.returncode == 0 and b"Solidarit" in p.stdout
              and b"<li>" in p.stdout, "xsltproc renders the feed")
        note("xslt")


def export(conf, *args):
    p = subprocess.run([BIN, "export", "-c", conf] + list(args),
                       capture_output=True, timeout=60)
    return p.returncode, p.stdout, p.stderr


def params(port, base, work, conf, topics, sources):
    cases = [
        ("/topics/screening.atom", ["--topic", "screening"]),
        ("/sources/big.atom", ["--source", "big"]),
        ("/topics/screening.atom?source=big", ["--topic", "screening", "--source", "big"]),
        ("/topics/solidarity.atom?source=big", ["--source", "big", "--topic", "solidarity"]),
        ("/feed.atom?lang=fr", ["--lang", "fr"]),
        ("/feed.atom?since=2025-07-04T00%3A00%3A00Z", ["--since", "2025-07-04"]),
        ("/search.atom?q=Lampedusa", ["--query", "Lampedusa"]),
        ("/search.atom?topic=screening&q=Lampedusa", ["--query", "Lampedusa", "--topic", "screening"]),
        ("/search.atom?topic=screening&source=big&q=Lampedusa&lang=en&since=2025-07-02T00%3A00%3A00Z",
         ["--topic", "screening", "--source", "big", "--query", "Lampedusa",
          "--lang", "en", "--since", "2025-07-02"]),
        ("/search.atom?topic=screening&source=big&q=Lampedusa&lang=en&since=2025-07-02T00%3A00%3A00Z",
         ["--query", "Lampedusa", "--topic", "screening", "--source", "big",
          "--lang", "en", "--since", "2025-07-02"]),
        ("/topics/screening.atom?lang=fr", ["--topic", "screening", "--lang", "fr"]),
        ("/topics/screening.atom?lang=fr", ["--lang", "fr", "--topic", "screening"]),
        ("/topics/screening.atom?source=big", ["--source", "big", "--topic", "screening"]),
        ("/feed.atom", []),
        ("/topics/solidarity.atom", ["--topic", "solidarity"]),
        ("/sources/fr.atom", ["--source", "fr"]),
    ]
    for path, args in cases:
        st, h, body = req(port, path)
        check(st == 200, "%s: %d %s" % (path, st, body[:200]))
        rc, out, err = export(conf, *args)
        check(rc == 0, "export %r: %s" % (args, err))
        check(out == body, "%s equals export %r" % (path, args))
        doc = atom(body)
        check(link(doc, "self") == base + path[1:], "%s self link" % path)
        q = dict(urllib.parse.parse_qsl(urllib.parse.urlsplit(path).query))
        for e in doc.findall(A + "entry"):
            terms = [c.get("term") for c in e.findall(A + "category")]
            if "topic" in q or path.startswith("/topics/"):
                t = q.get("topic") or path.split("/")[2].split(".")[0]
                check(t in terms, "%s: entry without topic %s" % (path, t))
            if "lang" in q:
                check((e.get("{http://www.w3.org/XML/1998/namespace}lang")
                       or "").startswith(q["lang"]), path + ": lang")
            if "since" in q:
                check(e.findtext(A + "updated") >= q["since"][:10],
                      path + ": since")
            if "q" in q:
                check(q["q"].lower() in ET.tostring(e, encoding="unicode").lower(),
                      path + ": matches q")
        note("params")
    # A combination that must narrow: fewer stories with each filter.
    n_all = len(atom(req(port, "/feed.atom?since=2025-07-03T00%3A00%3A00Z")[2]).findall(A + "entry"))
    n_t = len(atom(req(port, "/feed.atom?topic=solidarity&since=2025-07-03T00%3A00%3A00Z")[2]).findall(A + "entry"))
    check(0 < n_t < n_all, "topic narrows since: %d < %d" % (n_t, n_all))
    rc, out, err = export(conf, "--topic", "nope")
    check(rc == 1 and b"no topic" in err, "export unknown topic exit 1")
    rc, out, err = export(conf, "--lang", "not a tag")
    check(rc == 1, "export bad lang exit 1")
    note("params", 3)


def errors(port):
    cases = [
        ("/topics/nope.atom", 404, "no topic"),
        ("/sources/nope.atom", 404, "no source"),
        ("/feed.atom?topic=nope", 404, "no topic"),
        ("/feed.atom?source=nope", 404, "no source"),
        ("/nothing", 404, "no such page"),
        ("/feed.rss", 404, "no such page"),
        ("/topics/a/b.atom", 404, "no such page"),
        ("/search.atom", 400, "needs a query"),
        ("/search.atom?q=", 400, "parameter q"),
        ("/feed.atom?lang=x%20y", 400, "lang"),
        ("/feed.atom?since=tomorrow", 400, "since"),
        ("/feed.atom?cursor=zz", 400, "cursor"),
        ("/feed.atom?cursor=o1_1&cursor=o2_2", 400, "twice"),
        ("/feed.atom?page=2", 400, "unknown parameter"),
        ("/feed.atom?q=%FF", 400, "not text"),
        ("/topics/screening.atom?topic=returns", 400, "conflicts"),
        ("/feed.atom?lonely", 400, "malformed query"),
        ("/%00", 400, "malformed path"),
    ]
    for path, code, why in cases:
        st, h, body = req(port, path)
        check(st == code, "%s: %d, want %d" % (path, st, code))
        check(h["content-type"].startswith("text/plain"), path + ": text body")
        check(body.decode().startswith("%d " % code) and why in body.decode(),
              "%s: body %r" % (path, body))
        note("errors")
    st, h, body = req(port, "/feed.atom", method="POST")
    check(st == 405 and h.get("allow") == "GET, HEAD", "POST: 405 with Allow")
    note("errors")


def conditional(port):
    st, h, body = req(port, "/topics/screening.atom")
    etag, lm = h["etag"], h["last-modified"]
    check(re.match(r'^"[0-9a-f]{16}"$', etag), "strong etag " + etag)
    for inm in (etag, "W/" + etag, '"nope", ' + etag, "*"):
        st, h2, b = req(port, "/topics/screening.atom", headers={"If-None-Match": inm})
        check(st == 304 and b == b"", "If-None-Match %s: %d" % (inm, st))
        check(h2["etag"] == etag, "304 repeats the etag")
        note("conditional")
    st, _, b = req(port, "/topics/screening.atom", headers={"If-None-Match": '"other"'})
    check(st == 200 and b == body, "other etag: 200")
    st, _, b = req(port, "/topics/screening.atom", headers={"If-Modified-Since": lm})
    check(st == 304, "If-Modified-Since same: 304")
    st, _, b = req(port, "/topics/screening.atom",
                   headers={"If-Modified-Since": "Mon, 01 Jan 2001 00:00:00 GMT"})
    check(st == 200, "If-Modified-Since old: 200")
    # If-None-Match wins over If-Modified-Since (RFC 9110 13.2.2).
    st, _, b = req(port, "/topics/screening.atom",
                   headers={"If-None-Match": '"other"', "If-Modified-Since": lm})
    check(st == 200, "If-None-Match decides")
    for path in ("/", "/feeds.opml", "/feed.xsl"):
        st, h, b = req(port, path)
        st, _, _ = req(port, path, headers={"If-None-Match": h["etag"]})
        check(st == 304, path + ": 304")
    note("conditional", 7)


def render_once(port):
    """Many readers polling the same feeds: rendered once, not per request."""
    def metric(k):
        m = req(port, "/metrics")[2].decode()
        return float(re.search(r"^%s (\S+)$" % k, m, re.M).group(1))
    paths = ["/feed.atom", "/topics/solidarity.atom", "/sources/fr.atom?lang=fr"]
    for p in paths:
        req(port, p)
    r0, h0 = metric("pactfeed_http_renders_total"), metric("pactfeed_http_cache_hits_total")
    g0 = metric("pactfeed_store_generation")
    n = 0
    for i in range(40):
        for p in paths:
            for hdr in ({}, {"Accept-Encoding": "gzip"}, {"If-None-Match": '"x"'}):
                req(port, p, headers=hdr)
                req(port, p, method="HEAD", headers=hdr)
                n += 2
    r1, h1 = metric("pactfeed_http_renders_total"), metric("pactfeed_http_cache_hits_total")
    g1 = metric("pactfeed_store_generation")
    # Each store change in between may cost one render per page.
    check(r1 - r0 <= (g1 - g0) * len(paths), "renders %d for %d requests, %d changes"
          % (r1 - r0, n, g1 - g0))
    check(h1 - h0 >= n - (g1 - g0) * len(paths), "cache hits %d of %d" % (h1 - h0, n))
    print("http: %d requests of %d feeds: %d renders, %d cache hits"
          % (n, len(paths), r1 - r0, h1 - h0))
    note("cache", 2)


def negotiation(port):
    """Readers get Atom; a browser (HTML, no Atom in Accept) gets XML so
    it applies feed.xsl."""
    for accept, want in (
            (None, "application/atom+xml; charset=utf-8"),
            ("*/*", "application/atom+xml; charset=utf-8"),
            ("application/atom+xml,application/rdf+xml,application/rss+xml,"
             "application/xml;q=0.9,text/xml;q=0.2,*/*;q=0.1",
             "application/atom+xml; charset=utf-8"),
            ("text/html,application/xhtml+xml,application/xml;q=0.9,"
             "image/avif,image/webp,*/*;q=0.8", "application/xml; charset=utf-8"),
            ("text/html, application/atom+xml", "application/atom+xml; charset=utf-8")):
        st, h, b = req(port, "/feed.atom", headers={"Accept": accept} if accept else {})
        check(st == 200 and h["content-type"] == want,
              "Accept %r: %s" % (accept, h["content-type"]))
        note("negotiation")
    check(req(port, "/", headers={"Accept": "text/html"})[1]["vary"] ==
          "Accept-Encoding", "/ varies by encoding only")


def compression(port):
    st, plain_h, plain = req(port, "/feed.atom")
    check(plain_h.get("vary") == "Accept-Encoding, Accept", "Vary on identity")
    check("content-encoding" not in plain_h, "identity by default")
    for ae, gz in (("gzip", True), ("gzip, deflate, br", True), ("*", True),
                   ("br", False), ("gzip;q=0", False), ("identity", False),
                   ("deflate, gzip;q=0.5", True), ("*;q=0", False),
                   ("x-gzip", True), ("GZIP", True)):
        st, h, b = req(port, "/feed.atom", headers={"Accept-Encoding": ae})
        check(st == 200 and h.get("vary") == "Accept-Encoding, Accept", ae + ": Vary")
        if gz:
            check(h.get("content-encoding") == "gzip", ae + ": gzip")
            check(gzip.decompress(b) == plain, ae + ": same document")
            check(len(b) < len(plain), ae + ": smaller")
            check(h["etag"] == plain_h["etag"][:-1] + '-gz"', ae + ": own etag")
            st, _, _ = req(port, "/feed.atom", headers={
                "Accept-Encoding": ae, "If-None-Match": h["etag"]})
            check(st == 304, ae + ": 304 on the gzip etag")
        else:
            check("content-encoding" not in h and b == plain, ae + ": identity")
        note("gzip")
    print("http: /feed.atom %d bytes, %d gzipped" % (
        len(plain), len(req(port, "/feed.atom", headers={"Accept-Encoding": "gzip"})[2])))


def heads(port):
    for path in ("/feed.atom", "/topics/screening.atom", "/", "/feeds.opml",
                 "/feed.xsl", "/healthz", "/metrics", "/nothing",
                 "/search.atom"):
        for ae in ("", "gzip"):
            hdr = {"Accept-Encoding": ae} if ae else {}
            st, gh, gb = req(port, path, headers=hdr)
            st2, hh, hb = req(port, path, method="HEAD", headers=hdr)
            check(st == st2, "HEAD %s status %d vs %d" % (path, st2, st))
            check(hb == b"", "HEAD %s: no body" % path)
            if st == 200 and path not in ("/healthz", "/metrics"):
                check(hh.get("content-length") == str(len(gb)),
                      "HEAD %s length %s vs %d" % (path, hh.get("content-length"), len(gb)))
                for k in ("etag", "last-modified", "content-type",
                          "content-encoding", "vary"):
                    check(hh.get(k) == gh.get(k), "HEAD %s %s" % (path, k))
            note("head")


def walk(port, base, work, first, what):
    ids, pages, firsts = [], 0, []
    url = base + first[1:]
    prev_last = None
    while url:
        st, h, body = req(port, path_of(url, base))
        check(st == 200, "%s page %d: %d" % (what, pages, st))
        validate(body, work, "%s page %d" % (what, pages))
        doc = atom(body)
        page = entry_ids(doc)
        check(len(page) <= 50, "page size")
        firsts.append(page[0] if page else None)
        ids += page
        if pages > 0:
            check(link(doc, "previous") is not None, "previous on page %d" % pages)
            check(link(doc, "first") == base + first[1:], "first link")
        else:
            check(link(doc, "previous") is None, "no previous on page 0")
        url = link(doc, "next")
        if url:
            check(len(page) == 50, "full page before the last")
        prev_last = link(doc, "previous")
        pages += 1
        check(pages < 100, "paging ends")
    check(len(ids) == len(set(ids)), "%s: every story once (%d)" % (what, len(ids)))
    # Back through previous links: the same pages.
    url, p = prev_last, pages - 1
    while url:
        doc = atom(req(port, path_of(url, base))[2])
        p -= 1
        check(entry_ids(doc)[0] == firsts[p], "%s: previous to page %d" % (what, p))
        url = link(doc, "previous")
    check(p == 0, "%s: previous leads back to the first page" % what)
    return ids, pages


def paging(port, base, work):
    ids, pages = walk(port, base, work, "/feed.atom", "merged")
    check(len(ids) >= NBIG + 12, "merged has %d stories" % len(ids))
    check(pages >= 3, "merged in %d pages" % pages)
    print("http: paging: /feed.atom %d stories in %d pages, each once" % (len(ids), pages))
    tids, tpages = walk(port, base, work, "/topics/screening.atom", "screening")
    check(set(tids) <= set(ids), "topic stories are merged stories")
    check(tpages >= 2, "screening in %d pages" % tpages)
    sids, _ = walk(port, base, work, "/sources/big.atom?lang=en", "big en")
    check(len(sids) >= NBIG, "big has %d" % len(sids))
    note("paging", 3)


def readers(port, base, work, topics, sources):
    paths = (["/feed.atom", "/search.atom?q=screening"] +
             ["/topics/%s.atom" % t for t in topics] +
             ["/sources/%s.atom" % s for s in sources])
    for p in paths:
        body = req(port, p)[2]
        feedparser_check(body, p)
    # The categories feedparser sees on the screening feed.
    d = feedparser_check(req(port, "/topics/screening.atom")[2], "screening")
    check(all(any(t["term"] == "screening" and t["scheme"] == base + "topics/"
                  and t["label"] == "Screening & <borders>" for t in e.tags)
              for e in d.entries), "screening category on every entry")
    check(len(d.entries) == 50, "screening first page has 50")

    if not shutil.which("newsboat"):
        print("http: newsboat absent, its check skipped")
        return
    nb = os.path.join(work, "nb")
    os.mkdir(nb)
    for p in ("/feed.atom", "/sources/fr.atom", "/topics/returns.atom"):
        want = len(atom(req(port, p)[2]).findall(A + "entry"))
        for f in ("cache.db", "cache.db.lock"):
            if os.path.exists(os.path.join(nb, f)):
                os.remove(os.path.join(nb, f))
        with open(os.path.join(nb, "urls"), "w") as f:
            f.write(base + p[1:] + "\n")
        with open(os.path.join(nb, "config"), "w") as f:
            f.write("download-timeout 20\nsuppress-first-reload no\n")
        env = dict(os.environ, HOME=nb, XDG_CONFIG_HOME=nb, XDG_DATA_HOME=nb)
        r = subprocess.run(["newsboat", "-C", os.path.join(nb, "config"),
                            "-u", os.path.join(nb, "urls"),
                            "-c", os.path.join(nb, "cache.db"), "-x", "reload"],
                           capture_output=True, text=True, timeout=120, env=env)
        check(r.returncode == 0, "newsboat reload %s: %s" % (p, r.stderr))
        r = subprocess.run(["newsboat", "-C", os.path.join(nb, "config"),
                            "-u", os.path.join(nb, "urls"),
                            "-c", os.path.join(nb, "cache.db"), "-x", "print-unread"],
                           capture_output=True, text=True, timeout=120, env=env)
        m = re.search(r"(\d+) unread articles", r.stdout)
        check(m and int(m.group(1)) == want,
              "newsboat %s: %r, want %d" % (p, r.stdout.strip(), want))
        note("newsboat")


def hostile(port):
    body = req(port, "/sources/hostile.atom")[2]
    doc = atom(body)
    check(len(doc.findall(A + "entry")) == 2, "hostile entries")
    n = 0
    for el in doc.iter():
        if el.tag in (A + "summary", A + "content") and el.get("type") == "html":
            c = Clean()
            c.bad = []
            c.feed(el.text or "")
            check(not c.bad, "hostile html kept %r" % c.bad)
            n += 1
        for k, v in el.attrib.items():
            check(not v.lower().startswith("javascript:"), "javascript link")
        if el.tag in (A + "id", A + "uri"):
            check(not el.text.lower().startswith("javascript:"), "javascript id")
    check(n >= 2, "html constructs checked")
    titles = [e.findtext(A + "title") for e in doc.findall(A + "entry")]
    check(any('Crossings & "pushbacks"' in t for t in titles), "title text kept")
    note("hostile", n)


def special(port, base, work):
    q = "réfugiés & <x> \"q\" +"
    enc = urllib.parse.quote(q, safe="")
    st, h, body = req(port, "/search.atom?q=" + enc)
    check(st == 200, "special q: %d" % st)
    validate(body, work, "special q")
    doc = atom(body)
    check(q in doc.findtext(A + "title"), "q in the title: " + doc.findtext(A + "title"))
    check(link(doc, "self") == base + "search.atom?q=" + enc.replace("%2B", "%2B"),
          "self " + link(doc, "self"))
    # '+' in a query means a space (form encoding).
    st, h, body = req(port, "/search.atom?q=contr%C3%B4le+filtrage")
    doc = atom(body)
    check(st == 200 and len(doc.findall(A + "entry")) >= 12 and sum(
        "fr.example.org" in ET.tostring(e, encoding="unicode")
        for e in doc.findall(A + "entry")) == 12,
          "accents and + in q: %d entries" % len(doc.findall(A + "entry")))
    st, h, body = req(port, "/sources/fr.atom")
    doc = atom(body)
    check(doc.findtext(A + "title").endswith("Actualités «FR»"), "source title")
    check(any("« réfugiés »" in (e.findtext(A + "title") or "")
              for e in doc.findall(A + "entry")), "entry accents")
    feedparser_check(body, "fr")
    note("special", 4)


def invalidation(port, base, work, feeds, conf, write_conf, serve):
    st, h, before = req(port, "/feed.atom")
    etag, lm = h["etag"], h["last-modified"]
    st, _, _ = req(port, "/feed.atom", headers={"If-None-Match": etag})
    check(st == 304, "unchanged: 304")
    # A new item at the source: the daemon fetches it (bounded wait) and
    # the feed changes.
    with open(os.path.join(feeds, "big.xml"), "w") as f:
        f.write(big_feed(NBIG, extra=[9999]).replace(
            "<pubDate>Tue, %02d Jul 2025" % (1 + 9999 // 24),
            "<pubDate>Tue, 30 Dec 2025"))
    # A restarted daemon spreads its first fetches over two minutes.
    for _ in range(2000):
        st, h, body = req(port, "/feed.atom")
        if b"no. 9999" in body:
            break
        time.sleep(0.1)
    check(b"no. 9999" in body, "new story served after the store changed")
    check(h["etag"] != etag, "new etag")
    big = [s for s in json.loads(req(port, "/healthz")[2])["sources"]
           if s["id"] == "big"][0]
    check(big["days_since_new"] == 0 and big["last_new"], "healthz: new entry today")
    st, _, _ = req(port, "/feed.atom", headers={"If-None-Match": etag})
    check(st == 200, "old etag: 200")
    check(time.mktime(time.strptime(h["last-modified"], "%a, %d %b %Y %H:%M:%S GMT")) >
          time.mktime(time.strptime(lm, "%a, %d %b %Y %H:%M:%S GMT")),
          "Last-Modified moved on")
    # Unchanged feeds keep their ETag and Last-Modified across changes.
    st, h1, _ = req(port, "/sources/fr.atom")
    time.sleep(1.1)
    st, h2, _ = req(port, "/sources/fr.atom")
    check(h1["etag"] == h2["etag"] and h1["last-modified"] == h2["last-modified"],
          "unchanged feed keeps its validators")
    # A config reload drops the cache: the new title shows.
    write_conf("Renamed feed")
    serve.proc.send_signal(signal.SIGHUP)
    for _ in range(300):
        body = req(port, "/feed.atom")[2]
        if atom(body).findtext(A + "title") == "Renamed feed":
            break
        time.sleep(0.1)
    check(atom(body).findtext(A + "title") == "Renamed feed", "reload renders again")
    check(b"<title>Renamed feed</title>" in req(port, "/feeds.opml")[2], "opml renamed")
    note("cache", 6)


def cache_size(port, write_conf, serve):
    """http-cache-size bounds the rendered feeds kept; 0 keeps none."""
    def metric(k):
        m = req(port, "/metrics")[2].decode()
        return float(re.search(r"^%s (\S+)$" % k, m, re.M).group(1))
    def reload(extra):
        write_conf("Renamed feed", extra)
        r0 = metric("pactfeed_config_reloads_total")
        serve.proc.send_signal(signal.SIGHUP)
        for _ in range(300):
            if metric("pactfeed_config_reloads_total") > r0:
                return
            time.sleep(0.05)
        check(False, "reload with %r" % extra)
    paths = ["/feed.atom", "/topics/solidarity.atom", "/sources/fr.atom"]
    reload('http-cache-size = "0"')
    first = {p: req(port, p) for p in paths}
    r0 = metric("pactfeed_http_renders_total")
    for p in paths:
        st, h, body = req(port, p)
        check(st == 200 and body == first[p][2], p + ": served the same without a cache")
        check(h["etag"] == first[p][1]["etag"], p + ": same etag without a cache")
        st, _, _ = req(port, p, headers={"If-None-Match": h["etag"]})
        check(st == 304, p + ": 304 without a cache")
    check(metric("pactfeed_http_renders_total") - r0 >= 2 * len(paths),
          "cache size 0: every request renders")
    check(metric("pactfeed_http_cache_bytes") == 0, "cache size 0: nothing kept")
    # A limit smaller than two feeds keeps at most what fits.
    big = len(first["/feed.atom"][2])
    reload('http-cache-size = "%dB"' % (big + big // 2))
    for p in paths * 3:
        req(port, p)
        req(port, p, headers={"Accept-Encoding": "gzip"})
        check(metric("pactfeed_http_cache_bytes") <= big + big // 2,
              "cache within its %d bytes" % (big + big // 2))
    reload("")
    for p in paths:
        req(port, p)
    check(metric("pactfeed_http_cache_pages") >= len(paths), "default size: cached again")
    print("http: http-cache-size 0, %d B and default ok" % (big + big // 2))
    note("cache", 6)


def limits(port):
    # At http-max-connections open connections (six kept alive after a
    # request), a seventh client is served at once and the oldest idle
    # connection is closed to make room.
    held = []
    for i in range(6):
        c = http.client.HTTPConnection("127.0.0.1", port, timeout=30)
        c.request("GET", "/healthz")
        r = c.getresponse()
        r.read()
        check(r.status == 200, "held connection %d" % i)
        held.append(c)
    s = socket.create_connection(("127.0.0.1", port), 5)
    s.sendall(b"GET /healthz HTTP/1.1\r\nHost: x\r\n\r\n")
    s.settimeout(30)
    data = s.recv(100)
    check(data.startswith(b"HTTP/1.1 200"),
          "7th connection served while 6 are open: %r" % data[:40])
    s.close()
    held[0].sock.settimeout(30)
    try:
        gone = held[0].sock.recv(1) == b""
    except ConnectionResetError:
        gone = True
    check(gone, "the oldest idle connection was closed to make room")
    for c in held:
        c.close()
    note("limits")

    # A slow client (half a request) is dropped after http-timeout.
    s = socket.create_connection(("127.0.0.1", port), 5)
    s.sendall(b"GET /feed.atom HTTP/1.1\r\nHost: x\r\n")
    s.settimeout(20)
    try:
        got = s.recv(100)
    except (socket.timeout, ConnectionResetError):
        got = None
    check(got is not None and not got.startswith(b"HTTP/1.1 200"),
          "slow client closed, not served: %r" % got)
    s.close()
    note("limits")

    # A header over http-max-header-size is refused.
    s = socket.create_connection(("127.0.0.1", port), 5)
    try:
        s.sendall(b"GET /feed.atom HTTP/1.1\r\nHost: x\r\nX-Big: " +
                  b"a" * 20000 + b"\r\n\r\n")
    except OSError:
        pass
    s.settimeout(20)
    try:
        got = s.recv(100)
    except (socket.timeout, ConnectionResetError):
        got = b""
    check(not got.startswith(b"HTTP/1.1 200"), "big header refused: %r" % got[:40])
    s.close()
    check(req(port, "/healthz")[0] == 200, "still serving")
    note("limits")


def binding(conf, port, work):
    # The port is taken: a second daemon says so and exits 3.
    p = subprocess.run([BIN, "serve", "-c", conf], capture_output=True,
                       text=True, timeout=60)
    check(p.returncode == 3 and "listen 127.0.0.1:%d: Address already in use"
          % port in p.stderr, "busy port: %d %s" % (p.returncode, p.stderr))
    note("bind")
    # [::1]:PORT binds IPv6 loopback only, when the host has it.
    try:
        s = socket.socket(socket.AF_INET6)
        s.bind(("::1", 0))
        p6 = s.getsockname()[1]
        s.close()
    except OSError:
        print("http: no IPv6 loopback, [::1] check skipped")
        return
    c6 = os.path.join(work, "v6.conf")
    with open(conf) as f:
        text = f.read()
    with open(c6, "w") as f:
        f.write(re.sub(r'listen = "[^"]*"', 'listen = "[::1]:%d"' % p6, text)
                .replace("/pf.db", "/pf6.db"))
    srv = Server.__new__(Server)
    srv.log = open(os.path.join(work, "v6.log"), "w")
    srv.proc = subprocess.Popen([BIN, "serve", "-c", c6],
                                stdout=subprocess.DEVNULL, stderr=srv.log)
    try:
        for _ in range(200):
            try:
                st = req(p6, "/healthz", host="::1")[0]
                break
            except OSError:
                time.sleep(0.05)
        check(st == 200, "[::1] serves")
        try:
            socket.create_connection(("127.0.0.1", p6), 2).close()
            v4 = True
        except OSError:
            v4 = False
        check(not v4, "[::1] does not listen on IPv4")
    finally:
        srv.stop()
    note("bind", 2)


if __name__ == "__main__":
    main()
