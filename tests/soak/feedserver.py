#!/usr/bin/env python3
"""Loopback feed server for the soak test (tests/soak/run starts it).

Serves N feeds at /f/ID.xml on 127.0.0.1, ID = 0 .. N-1, each changing on
its own as time passes: every change (exponential gaps, mean --period
seconds) adds a new entry (most changes), edits an entry's title and
summary, or removes an entry; a feed keeps its newest --window entries.
Even IDs are RSS 2.0, odd ones Atom 1.0; ID % 3 == 0 sends gzip when asked.
Every response carries an ETag (the feed's version) and a Last-Modified (its
last change); If-None-Match (else If-Modified-Since) gets a 304.
Some new entries link a shared "wire" story (same link in many feeds), so
the archive sees cross-source stories; some titles carry Pact phrases.

Flaky feeds (ID % 50 == 7) answer 500 (p 0.2), 503 with Retry-After (p
0.05) or hang without answering for --hang seconds (p 0.08).

Control routes, for the soak runner:
  /_stats    JSON counters (requests, 200, 304, 500, 503, hang, gzip)
  /_served   JSON {ID: [[entry id, first served, title, title first
             served], ...]} for every entry ever sent in a 200 response
  /_flaky    JSON list of the flaky IDs

Writes its port to --port-file; stops on SIGTERM or after --max-seconds.
"""

import argparse
import email.utils
import gzip
import json
import os
import random
import signal
import threading
import time
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from xml.sax.saxutils import escape

WORDS = ("council parliament commission agency frontex asylum applicants "
         "border procedure member states reception conditions solidarity "
         "pool relocation return decision readmission partnership visa "
         "labour pathway resettlement quota court ruling judgment report "
         "statistics quarterly monthly arrivals sea route mediterranean "
         "balkan eastern central western island hotspot registration "
         "fingerprint interview appeal guardian child family unaccompanied "
         "detention alternative monitoring mechanism fundamental rights "
         "ombudsman audit budget fund grant programme call proposal tender "
         "guideline handbook training mission deployment officer expert "
         "network meeting conference summit ministers presidency agenda "
         "vote amendment trilogue agreement implementation plan national "
         "strategy capacity shelter housing school health care doctor "
         "interpreter legal aid lawyer complaint petition campaign "
         "statement press release briefing factsheet dataset portal "
         "update review evaluation study survey research findings impact "
         "assessment").split()
PHRASES = ["screening regulation", "Eurodac", "asylum procedure",
           "border procedure", "solidarity pool", "reception conditions",
           "return border procedure", "resettlement", "search and rescue",
           "temporary protection", "family reunification", "detention"]

# Outcomes a feed's request can have.
stats_lock = threading.Lock()
stats = {"requests": 0, "200": 0, "304": 0, "500": 0, "503": 0,
         "hang": 0, "gzip": 0, "404": 0}


def count(k):
    with stats_lock:
        stats[k] = stats.get(k, 0) + 1


def httpdate(t):
    return email.utils.formatdate(t, usegmt=True)


def rfc3339(t):
    return time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime(t))


class Feed:
    def __init__(self, fid, period, window, t0, flaky):
        self.id = fid
        self.lock = threading.Lock()
        self.rng = random.Random(fid * 7919 + 17)
        self.period = period
        self.window = window
        self.flaky = flaky
        self.atom = fid % 2 == 1
        self.gzip = fid % 3 == 0
        self.n = 0
        self.entries = []	# dicts, oldest first
        self.version = 0
        self.lastmod = int(t0)
        self.served = {}	# id -> [first, title, title first]
        self.body = None	# (version, bytes)
        # A history, so the scheduler sees a steady publishing rate.
        start = t0 - period * window / 2
        for k in range(window // 2):
            self.add(start + k * period)
        self.next_change = t0 + self.rng.expovariate(1.0 / period)

    def words(self, k):
        return " ".join(self.rng.choice(WORDS) for _ in range(k))

    def add(self, t):
        self.n += 1
        r = self.rng.random()
        wire = int(t // 120)
        if r < 0.05:
            title = "Wire %d: %s" % (wire, "joint statement on %s" %
                                     PHRASES[wire % len(PHRASES)])
            link = "http://wire.example/story/%d" % wire
        else:
            title = "Feed %d item %d: %s" % (self.id, self.n, self.words(6))
            if r < 0.35:
                title += " on " + self.rng.choice(PHRASES)
            link = "http://feed%d.example/news/%d" % (self.id, self.n)
        self.entries.append({
            "id": "urn:soak:%d:%d" % (self.id, self.n),
            "title": title, "link": link,
            "summary": self.words(40), "published": int(t),
            "updated": int(t), "edits": 0})
        while len(self.entries) > self.window:
            self.entries.pop(0)

    def change(self, t):
        r = self.rng.random()
        if r < 0.75 or len(self.entries) < 3:
            self.add(t)
        elif r < 0.92:
            e = self.rng.choice(self.entries)
            e["edits"] += 1
            e["title"] = "%s (edit %d)" % (e["title"].split(" (edit ")[0],
                                           e["edits"])
            e["summary"] = self.words(40)
            e["updated"] = int(t)
        else:
            # Not the newest: a removed entry stays in the archive.
            del self.entries[self.rng.randrange(len(self.entries) - 1)]
        self.version += 1
        self.lastmod = int(t)

    def advance(self, now):
        while self.next_change <= now:
            self.change(self.next_change)
            self.next_change += self.rng.expovariate(1.0 / self.period)

    def etag(self):
        return '"f%d-v%d"' % (self.id, self.version)

    def render(self, base):
        if self.body is not None and self.body[0] == self.version:
            return self.body[1]
        out = []
        if self.atom:
            out.append('<?xml version="1.0" encoding="utf-8"?>\n'
                       '<feed xmlns="http://www.w3.org/2005/Atom">\n'
                       '<id>urn:soak:feed:%d</id><title>Soak feed %d</title>'
                       '<updated>%s</updated><link href="%s/f/%d.xml" '
                       'rel="self"/><link href="http://feed%d.example/"/>\n'
                       % (self.id, self.id, rfc3339(self.lastmod), base,
                          self.id, self.id))
            for e in reversed(self.entries):
                out.append('<entry><id>%s</id><title>%s</title>'
                           '<link href="%s"/><published>%s</published>'
                           '<updated>%s</updated><author><name>Desk %d'
                           '</name></author><summary>%s</summary></entry>\n'
                           % (e["id"], escape(e["title"]), escape(e["link"]),
                              rfc3339(e["published"]),
                              rfc3339(e["updated"]), self.id,
                              escape(e["summary"])))
            out.append("</feed>\n")
        else:
            out.append('<?xml version="1.0" encoding="utf-8"?>\n'
                       '<rss version="2.0"><channel><title>Soak feed %d'
                       '</title><link>http://feed%d.example/</link>'
                       '<description>soak</description>'
                       '<lastBuildDate>%s</lastBuildDate>\n'
                       % (self.id, self.id, httpdate(self.lastmod)))
            for e in reversed(self.entries):
                out.append('<item><guid isPermaLink="false">%s</guid>'
                           '<title>%s</title><link>%s</link>'
                           '<pubDate>%s</pubDate><description>%s'
                           '</description></item>\n'
                           % (e["id"], escape(e["title"]), escape(e["link"]),
                              httpdate(e["published"]),
                              escape(e["summary"])))
            out.append("</channel></rss>\n")
        body = "".join(out).encode("utf-8")
        self.body = (self.version, body)
        return body

    def note_served(self, now):
        for e in self.entries:
            s = self.served.get(e["id"])
            if s is None:
                self.served[e["id"]] = [now, e["title"], now]
            elif s[1] != e["title"]:
                s[1] = e["title"]
                s[2] = now


class Handler(BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"
    server_version = "soakfeeds/1"

    def log_message(self, fmt, *args):
        pass

    def send(self, code, body=b"", headers=()):
        self.send_response(code)
        for k, v in headers:
            self.send_header(k, v)
        if code != 304:
            self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        if body and self.command != "HEAD":
            self.wfile.write(body)

    def do_GET(self):
        try:
            self.route()
        except (BrokenPipeError, ConnectionResetError):
            self.close_connection = True

    def route(self):
        srv = self.server
        path = self.path.split("?")[0]
        if path == "/_stats":
            with stats_lock:
                body = json.dumps(stats).encode()
            self.send(200, body, [("Content-Type", "application/json")])
            return
        if path == "/_flaky":
            body = json.dumps([f.id for f in srv.feeds if f.flaky]).encode()
            self.send(200, body, [("Content-Type", "application/json")])
            return
        if path == "/_served":
            out = {}
            for f in srv.feeds:
                with f.lock:
                    out[f.id] = [[k, v[0], v[1], v[2]]
                                 for k, v in f.served.items()]
            self.send(200, json.dumps(out).encode(),
                      [("Content-Type", "application/json")])
            return
        count("requests")
        fid = None
        if path.startswith("/f/") and path.endswith(".xml"):
            try:
                fid = int(path[3:-4])
            except ValueError:
                fid = None
        if fid is None or not 0 <= fid < len(srv.feeds):
            count("404")
            self.send(404, b"no such feed\n")
            return
        f = srv.feeds[fid]
        if f.flaky:
            r = random.random()
            if r < 0.2:
                count("500")
                self.send(500, b"flaky\n")
                return
            if r < 0.25:
                count("503")
                self.send(503, b"busy\n", [("Retry-After", "20")])
                return
            if r < 0.33:
                count("hang")
                time.sleep(srv.hang)
                self.close_connection = True
                return
        now = time.time()
        with f.lock:
            f.advance(now)
            etag = f.etag()
            lastmod = f.lastmod
            inm = self.headers.get("If-None-Match")
            ims = self.headers.get("If-Modified-Since")
            fresh = False
            if inm is not None:
                fresh = etag in [t.strip() for t in inm.split(",")]
            elif ims is not None:
                try:
                    t = email.utils.parsedate_to_datetime(ims).timestamp()
                    fresh = lastmod <= t
                except (TypeError, ValueError):
                    fresh = False
            headers = [("ETag", etag), ("Last-Modified", httpdate(lastmod))]
            if fresh:
                body = None
            else:
                body = f.render(srv.base)
                f.note_served(now)
        if body is None:
            count("304")
            self.send(304, b"", headers)
            return
        ctype = ("application/atom+xml" if f.atom else
                 "application/rss+xml") + "; charset=utf-8"
        headers.append(("Content-Type", ctype))
        if f.gzip and "gzip" in self.headers.get("Accept-Encoding", ""):
            body = gzip.compress(body, 5)
            headers.append(("Content-Encoding", "gzip"))
            count("gzip")
        count("200")
        self.send(200, body, headers)


class Server(ThreadingHTTPServer):
    daemon_threads = True
    request_queue_size = 256


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--feeds", type=int, default=1000)
    ap.add_argument("--period", type=float, default=60.0,
                    help="mean seconds between a feed's changes")
    ap.add_argument("--window", type=int, default=20)
    ap.add_argument("--hang", type=float, default=30.0)
    ap.add_argument("--port-file", required=True)
    ap.add_argument("--max-seconds", type=float, default=7200)
    a = ap.parse_args()

    srv = Server(("127.0.0.1", 0), Handler)
    port = srv.server_address[1]
    srv.base = "http://127.0.0.1:%d" % port
    srv.hang = a.hang
    t0 = time.time()
    srv.feeds = [Feed(i, a.period, a.window, t0, i % 50 == 7)
                 for i in range(a.feeds)]
    stop = threading.Event()
    signal.signal(signal.SIGTERM, lambda *_: stop.set())
    signal.signal(signal.SIGINT, lambda *_: stop.set())
    th = threading.Thread(target=srv.serve_forever, kwargs={"poll_interval": 0.5})
    th.start()
    with open(a.port_file + ".tmp", "w") as f:
        f.write("%d\n" % port)
    os.replace(a.port_file + ".tmp", a.port_file)
    stop.wait(a.max_seconds)
    srv.shutdown()
    th.join(10)


if __name__ == "__main__":
    main()
