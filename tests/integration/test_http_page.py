#!/usr/bin/python3
"""The / page and a feed (through /feed.xsl) in headless Chromium.

pactfeed fetches three feeds (one hostile) from the fixture server, then
serves them; Chromium loads / and prints its DOM (--dump-dom), which must
show the feeds with autodiscovery links, the topics with their story
counts and the sources with their health, the hostile source title as
text and no script element; a feed opened in the browser becomes a page
through the stylesheet. Screenshots go to tests/artifacts/ (git-ignored).
Skipped (77) when chromium is absent.
"""

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
import urllib.request

HERE = os.path.dirname(os.path.abspath(__file__))
FIX = os.path.join(HERE, "..", "fixtures")
ART = os.path.join(HERE, "..", "artifacts")
BIN = os.environ.get("PACTFEED_BIN",
                     os.path.join(HERE, "..", "..", "build", "pactfeed"))
checks = 0


def check(cond, what):
    global checks
    if not cond:
        print("http-page: FAIL: " + what)
        sys.exit(1)
    checks += 1


def chromium():
    for name in ("chromium", "chromium-browser"):
        if shutil.which(name):
            return shutil.which(name)
    return None


def browse(exe, work, url, shot=None):
    """--dump-dom of url, and a screenshot when shot names a file."""
    profile = tempfile.mkdtemp(prefix="chrome-", dir=work)
    flags = [exe, "--headless", "--no-sandbox", "--disable-gpu",
             "--disable-background-networking", "--disable-component-update",
             "--disable-sync", "--no-first-run", "--disable-dev-shm-usage",
             "--user-data-dir=" + profile]
    p = subprocess.run(flags + ["--dump-dom", url], capture_output=True,
                       text=True, timeout=120)
    check(p.returncode == 0, "chromium --dump-dom %s: %s" % (url, p.stderr[-500:]))
    if shot:
        s = subprocess.run(flags + ["--window-size=1200,1600",
                                    "--screenshot=" + shot, url],
                           capture_output=True, text=True, timeout=120)
        check(s.returncode == 0 and os.path.getsize(shot) > 1000,
              "screenshot %s: %s" % (shot, s.stderr[-500:]))
    return p.stdout


def main():
    exe = chromium()
    if exe is None:
        print("http-page: chromium absent (apt-get install chromium), skipped")
        sys.exit(77)
    work = tempfile.mkdtemp(prefix="pf-page-")
    fixture = serve = None
    try:
        feeds = os.path.join(work, "feeds")
        os.mkdir(feeds)
        for f in (("render", "hostile.xml"), ("parse", "rss2-full.xml"),
                  ("parse", "atom10-full.xml")):
            shutil.copy(os.path.join(FIX, *f), feeds)
        portfile = os.path.join(work, "fport")
        fixture = subprocess.Popen(
            ["/usr/bin/python3", os.path.join(HERE, "fixture_server.py"),
             "--dir", feeds, "--port-file", portfile, "--max-seconds", "400"],
            stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        for _ in range(100):
            if os.path.exists(portfile) and open(portfile).read().strip():
                break
            time.sleep(0.05)
        fport = int(open(portfile).read())
        s = socket.socket()
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
        s.close()
        base = "http://127.0.0.1:%d/" % port
        conf = os.path.join(work, "pactfeed.conf")
        with open(conf, "w") as f:
            f.write('''listen = "127.0.0.1:%(p)d"
base-url = "%(b)s"
feed-title = "EU migration & asylum <news>"
database = "%(w)s/pf.db"
allow-private-addresses = true
source "watch" {
  title = "Asylum Watch"
  url = "http://127.0.0.1:%(f)d/feed/rss2-full.xml"
}
source "agency" {
  title = "The Agency «EU»"
  url = "http://127.0.0.1:%(f)d/feed/atom10-full.xml"
}
source "hostile" {
  title = "<script>alert(1)</script><img src=x onerror=alert(2)>"
  url = "http://127.0.0.1:%(f)d/feed/hostile.xml"
}
source "dead" {
  title = "Gone away"
  url = "http://127.0.0.1:%(f)d/status/500"
}
topic "screening" {
  name = "Screening at the external borders"
  phrases = {"screening"}
}
topic "solidarity" {
  name = "Solidarity & responsibility"
  phrases = {"solidarity"}
}
''' % {"p": port, "b": base, "w": work, "f": fport})
        subprocess.run([BIN, "fetch", "--once", "-c", conf],
                       capture_output=True, timeout=120)
        log = open(os.path.join(work, "serve.log"), "w")
        serve = subprocess.Popen([BIN, "serve", "-c", conf],
                                 stdout=subprocess.DEVNULL, stderr=log)
        for _ in range(200):
            try:
                urllib.request.urlopen(base + "healthz", timeout=2).read()
                break
            except OSError:
                time.sleep(0.05)
        health = json.loads(urllib.request.urlopen(base + "healthz").read())
        counts = {}
        for line in urllib.request.urlopen(base + "metrics").read().decode().splitlines():
            m = re.match(r'pactfeed_topic_stories\{topic="([^"]+)"\} (\d+)', line)
            if m:
                counts[m.group(1)] = int(m.group(2))

        os.makedirs(ART, exist_ok=True)
        dom = browse(exe, work, base, os.path.join(ART, "index.png"))
        check("<title>EU migration &amp; asylum &lt;news&gt;</title>" in dom,
              "page title")
        check('<h1>EU migration &amp; asylum &lt;news&gt;</h1>' in dom, "heading")
        for href in ("feed.atom", "topics/screening.atom",
                     "topics/solidarity.atom"):
            check(re.search(r'<link rel="alternate" type="application/atom\+xml"'
                            r' title="[^"]*" href="%s">' % re.escape(base + href), dom),
                  "autodiscovery " + href)
        check('href="%sfeeds.opml"' % base in dom, "opml link")
        for t, n in counts.items():
            check(re.search(r'<tr id="%s">\s*<td>[^<]*</td>\s*<td class="n">%d</td>'
                            % (t, n), dom), "topic %s count %d" % (t, n))
        check(counts.get("screening", 0) > 0, "screening stories counted")
        for s in health["sources"]:
            check('<tr id="%s">' % s["id"] in dom, "source row " + s["id"])
        check(re.search(r'<tr id="dead">.*?<td class="bad">', dom, re.S),
              "failing source marked")
        check(re.search(r'<tr id="watch">.*?<td class="ok">', dom, re.S),
              "working source marked")
        check("&lt;script&gt;alert(1)&lt;/script&gt;&lt;img src=x onerror=alert(2)&gt;"
              in dom, "hostile title shown as text")
        check("<script" not in dom and "<img" not in dom,
              "no script or img element in the DOM")
        check("The Agency «EU»" in dom, "non-ASCII title")

        dom = browse(exe, work, base + "topics/screening.atom",
                     os.path.join(ART, "feed.png"))
        check("This is a news feed" in dom and "<li>" in dom,
              "feed shown as a page through feed.xsl")
        check("<script" not in dom, "no script in the feed page")
        print("http-page: / and a feed rendered in %s; screenshots in "
              "tests/artifacts/" % os.path.basename(exe))
    finally:
        if serve is not None:
            serve.send_signal(signal.SIGTERM)
            serve.wait(30)
        if fixture is not None:
            fixture.terminate()
            fixture.wait()
        shutil.rmtree(work, ignore_errors=True)
    print("http-page: %d checks ok" % checks)


if __name__ == "__main__":
    main()
