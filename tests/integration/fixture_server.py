#!/usr/bin/env python3
"""Fixture HTTP server for the fetcher's integration tests.

Listens on 127.0.0.1 on a free port, prints the port as its first line of
stdout (and writes it to --port-file if given), records every request as a
JSON line in --log, and stops on SIGTERM or after --max-seconds.

Routes:
  /feed/NAME                 file from --dir, ETag + Last-Modified, 304 on a
                             matching If-None-Match or If-Modified-Since,
                             Cache-Control max-age=300 and Expires
  /gzip/NAME                 the same file, Content-Encoding: gzip
  /many/ID                   a small RSS feed naming ID: one host, many sources
  /redirect/N/REST           N redirects, the last one to /REST: 302 to
                             /redirect/N-1/REST, at 1 to /REST
                             (?code=301|307|308 for other kinds)
  /redirect-loop             302 to itself
  /redirect-permanent        301 to /feed/rss.xml (?code=308)
  /redirect-permanent-then-temp   301 to /redirect/1/feed/rss.xml
  /redirect-private          302 to http://127.0.0.2:PORT/feed/rss.xml
  /redirect-scheme?to=URL    302 to URL (ftp:, file:, ...)
  /status/CODE               that status (?retry-after=VALUE, or
                             ?retry-after-in=S for a date S s ahead)
  any route, ?skew=S         Date, Expires and Retry-After dates S s off
  /cache?cc=V&expires=V      a small feed with these Cache-Control and
                             Expires values
  /empty-202, /empty-200     no body
  /slow?n=N                  N bytes (default 600), one per second
  /big?size=N&cl=0|1         N bytes, with or without Content-Length
  /gzip-bomb                 gzip of 1 GiB of zeros, made as it is sent
  /hang                      reads the request, never answers
  /reset                     promises 100000 bytes, sends 100, resets
Hostile feeds (tests/integration/test_hostile_sources.py):
  /healthy/ID?every=S&stop=T a small RSS feed that gains an item every S s
                             of this server's life until the epoch time T;
                             ETag and 304, no caching hints
  /cl-long/ID                a feed whose Content-Length is 5000 bytes more
                             than it sends, then the connection closes
  /cl-short/ID               Content-Length 200 bytes short of the feed sent;
                             the rest stays on the kept-alive connection
  /huge-cl?cl=0|1            advertises 2 GiB (or no length), drips 100
                             bytes every 0.5 s
  /slow-headers              a status line, then a header byte a second
  /reset-mid/ID              half a feed (of its Content-Length), then RST
  /guid-churn/ID?n=N&utm=1   N items whose links stay while every guid
                             changes on every request (utm=1: the links
                             also carry a changing utm_source)
  /many-entries/ID?n=N&tiny=1&gz=1   N items (at most 200000) made as they
                             are sent, chunked, in bounded memory (tiny:
                             guid only; gz: gzip-encoded)
  /dates/ID                  items dated 1970-01-01, 2099-12-31 and one
                             plain date
  /html/ID                   an HTML page where the feed should be
  /chain/N                   302 to /chain/N+1, for ever, every URL new
  /truncated/ID?at=N         a feed cut after N bytes (Content-Length N)
  /garbage/ID                random bytes (seeded by ID) as RSS
  /bad-gzip                  Content-Encoding: gzip on a body that is not
  /xml-bomb                  nested entity definitions (billion laughs)
  /deep?n=N                  N nested elements inside an item
  /huge-header               one header of 200 kB
  /nul-bytes/ID              a feed with NUL bytes and invalid UTF-8 inside
Every loop is bounded; a client going away ends its handler.
"""

import argparse
import email.utils
import gzip
import hashlib
import json
import os
import random
import signal
import socket
import struct
import sys
import threading
import time
import urllib.parse
import zlib
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

LAST_MODIFIED = "Mon, 01 Sep 2025 08:00:00 GMT"
stopping = threading.Event()
log_lock = threading.Lock()


class Handler(BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"
    server_version = "fixture/1"

    skew = 0

    def log_message(self, fmt, *args):
        pass

    def date_time_string(self, timestamp=None):
        # ?skew=S: this server's clock is S seconds off.
        if timestamp is None:
            timestamp = time.time()
        return email.utils.formatdate(timestamp + self.skew, usegmt=True)

    def record(self):
        line = json.dumps({
            "time": time.time(),
            "method": self.command,
            "path": self.path,
            "headers": {k: v for k, v in self.headers.items()},
        })
        with log_lock:
            self.server.log.write(line + "\n")
            self.server.log.flush()

    def send(self, code, body=b"", headers=(), close=False):
        self.send_response(code)
        for k, v in headers:
            self.send_header(k, v)
        if code != 304:
            self.send_header("Content-Length", str(len(body)))
        if close:
            self.send_header("Connection", "close")
            self.close_connection = True
        self.end_headers()
        if body and self.command != "HEAD":
            self.wfile.write(body)

    def origin(self):
        return "http://127.0.0.1:%d" % self.server.server_address[1]

    def do_GET(self):
        self.record()
        url = urllib.parse.urlsplit(self.path)
        q = dict(urllib.parse.parse_qsl(url.query))
        try:
            self.skew = int(q.get("skew", "0"))
        except ValueError:
            self.skew = 0
        parts = url.path.strip("/").split("/")
        route = parts[0]
        try:
            handler = ROUTES.get(route)
            if handler is None:
                self.send(404, b"no such route\n")
            else:
                handler(self, parts[1:], q)
        except (BrokenPipeError, ConnectionResetError):
            self.close_connection = True

    do_HEAD = do_GET

    # /feed/NAME and /gzip/NAME
    def file_body(self, name):
        if "/" in name or name.startswith("."):
            return None
        try:
            with open(os.path.join(self.server.dir, name), "rb") as f:
                return f.read()
        except OSError:
            return None

    def route_feed(self, rest, q, encode=False):
        body = self.file_body("/".join(rest))
        if body is None:
            self.send(404, b"no such fixture\n")
            return
        etag = '"%s"' % hashlib.sha1(body).hexdigest()[:16]
        headers = [("ETag", etag), ("Last-Modified", LAST_MODIFIED),
                   ("Cache-Control", "public, max-age=300"),
                   ("Expires", self.date_time_string(time.time() + 300)),
                   ("Content-Type", "application/rss+xml; charset=utf-8")]
        inm = self.headers.get("If-None-Match")
        ims = self.headers.get("If-Modified-Since")
        if inm is not None:
            fresh = etag in [t.strip() for t in inm.split(",")] or inm == "*"
        elif ims is not None:
            try:
                fresh = (email.utils.parsedate_to_datetime(ims) >=
                         email.utils.parsedate_to_datetime(LAST_MODIFIED))
            except (TypeError, ValueError):
                fresh = False
        else:
            fresh = False
        if fresh:
            self.send(304, headers=headers)
            return
        if encode and "gzip" in self.headers.get("Accept-Encoding", ""):
            body = gzip.compress(body)
            headers.append(("Content-Encoding", "gzip"))
            headers.append(("Vary", "Accept-Encoding"))
        self.send(200, body, headers)

    def route_gzip(self, rest, q):
        self.route_feed(rest, q, encode=True)

    def route_many(self, rest, q):
        sid = urllib.parse.quote(rest[0] if rest else "0")
        body = ("<?xml version=\"1.0\"?><!-- source %s -->"
                "<rss version=\"2.0\"><channel>"
                "<title>Source %s</title><link>%s/many/%s</link>"
                "<item><title>Item of source %s</title>"
                "<guid>%s/many/%s/1</guid></item></channel></rss>\n"
                % (sid, sid, self.origin(), sid, sid, self.origin(), sid))
        self.send(200, body.encode(),
                  [("Content-Type", "application/rss+xml")])

    def redirect(self, code, location):
        self.send(code, b"moved\n", [("Location", location)])

    def route_redirect(self, rest, q):
        try:
            n = int(rest[0])
        except (IndexError, ValueError):
            self.send(400, b"bad count\n")
            return
        code = int(q.get("code", "302"))
        tail = "/".join(rest[1:])
        query = ("?" + urllib.parse.urlencode(q)) if q else ""
        if n <= 1:
            self.redirect(code, "/" + tail)
        else:
            self.redirect(code, "/redirect/%d/%s%s" % (n - 1, tail, query))

    def route_redirect_loop(self, rest, q):
        self.redirect(302, "/redirect-loop")

    def route_redirect_permanent(self, rest, q):
        self.redirect(int(q.get("code", "301")), "/feed/rss.xml")

    def route_redirect_permanent_then_temp(self, rest, q):
        self.redirect(301, "/redirect/1/feed/rss.xml")

    def route_redirect_private(self, rest, q):
        self.redirect(302, "http://127.0.0.2:%d/feed/rss.xml"
                      % self.server.server_address[1])

    def route_redirect_scheme(self, rest, q):
        self.redirect(302, q.get("to", "ftp://127.0.0.1/feed.xml"))

    def route_status(self, rest, q):
        try:
            code = int(rest[0])
        except (IndexError, ValueError):
            code = 500
        headers = []
        if "retry-after" in q:
            headers.append(("Retry-After", q["retry-after"]))
        elif "retry-after-in" in q:
            headers.append(("Retry-After", self.date_time_string(
                time.time() + int(q["retry-after-in"]))))
        self.send(code, b"status %d\n" % code, headers)

    def route_cache(self, rest, q):
        headers = [("Content-Type", "application/rss+xml")]
        if "cc" in q:
            headers.append(("Cache-Control", q["cc"]))
        if "expires" in q:
            headers.append(("Expires", q["expires"]))
        self.send(200, b"<rss version='2.0'><channel/></rss>\n", headers)

    def route_empty_202(self, rest, q):
        self.send(202)

    def route_empty_200(self, rest, q):
        self.send(200)

    def route_slow(self, rest, q):
        n = min(int(q.get("n", "600")), 3600)
        self.send_response(200)
        self.send_header("Content-Length", str(n))
        self.end_headers()
        for _ in range(n):
            if stopping.wait(1.0):
                break
            self.wfile.write(b"x")
            self.wfile.flush()
        self.close_connection = True

    def route_big(self, rest, q):
        size = min(int(q.get("size", "1000000")), 1 << 31)
        self.send_response(200)
        self.send_header("Content-Type", "application/octet-stream")
        if q.get("cl", "1") == "1":
            self.send_header("Content-Length", str(size))
        else:
            self.send_header("Connection", "close")
        self.end_headers()
        chunk = b"x" * 65536
        sent = 0
        while sent < size and not stopping.is_set():
            n = min(len(chunk), size - sent)
            self.wfile.write(chunk[:n])
            sent += n
        self.close_connection = True

    def route_gzip_bomb(self, rest, q):
        self.send_response(200)
        self.send_header("Content-Type", "application/rss+xml")
        self.send_header("Content-Encoding", "gzip")
        self.send_header("Connection", "close")
        self.end_headers()
        z = zlib.compressobj(9, zlib.DEFLATED, 31)
        zeros = bytes(1 << 20)
        for _ in range(1024):		# 1 GiB before compression
            if stopping.is_set():
                break
            out = z.compress(zeros)
            if out:
                self.wfile.write(out)
        self.wfile.write(z.flush())
        self.close_connection = True

    def route_hang(self, rest, q):
        stopping.wait(self.server.max_seconds)
        self.close_connection = True

    def route_reset(self, rest, q):
        self.send_response(200)
        self.send_header("Content-Length", "100000")
        self.end_headers()
        self.wfile.write(b"y" * 100)
        self.wfile.flush()
        # SO_LINGER 0: close() sends a RST instead of a FIN.
        self.connection.setsockopt(socket.SOL_SOCKET, socket.SO_LINGER,
                                   struct.pack("ii", 1, 0))
        self.close_connection = True

    # Hostile feeds. Each item is a few hundred bytes; nothing here holds
    # more than one small feed in memory.

    def rss(self, title, items):
        """An RSS 2.0 document; items are (title, link, guid, date)."""
        out = ["<?xml version=\"1.0\" encoding=\"utf-8\"?>\n"
               "<rss version=\"2.0\"><channel><title>%s</title>"
               "<link>%s/</link><description>fixture</description>\n"
               % (title, self.origin())]
        for t, link, guid, date in items:
            out.append("<item><title>%s</title><link>%s</link>"
                       "<guid isPermaLink=\"false\">%s</guid>%s"
                       "<description>%s, for the hostile sources test."
                       "</description></item>\n"
                       % (t, link, guid,
                          "<pubDate>%s</pubDate>" % date if date else "", t))
        out.append("</channel></rss>\n")
        return "".join(out).encode()

    def small_feed(self, sid, n=4):
        return self.rss("Feed %s" % sid, [
            ("Notice %d of %s on reception conditions" % (i, sid),
             "%s/article/%s/%d" % (self.origin(), sid, i),
             "%s-%d" % (sid, i), "Mon, 03 Nov 2025 10:00:00 GMT")
            for i in range(n)])

    def route_healthy(self, rest, q):
        sid = rest[0] if rest else "0"
        every = float(q.get("every", "0") or 0)
        now = min(time.time(), float(q.get("stop", "inf")))
        n = 3 + (int((now - self.server.t0) // every) if every > 0 else 0)
        # One date for the first three, none for the items gained (they
        # sort at their fetch time): the daemon's adaptive interval learns
        # nothing from it and polls at the configured interval.
        body = self.rss("Healthy %s" % sid, [
            ("Healthy %s bulletin %d: relocation pledges round %d"
             % (sid, i, i), "%s/healthy-item/%s/%d" % (self.origin(), sid, i),
             "healthy-%s-%d" % (sid, i),
             "Mon, 03 Nov 2025 10:00:00 GMT" if i < 3 else None)
            for i in range(n)])
        etag = '"%s"' % hashlib.sha1(body).hexdigest()[:16]
        headers = [("ETag", etag), ("Content-Type", "application/rss+xml")]
        if self.headers.get("If-None-Match") == etag:
            self.send(304, headers=headers)
        else:
            self.send(200, body, headers)

    def route_cl_long(self, rest, q):
        body = self.small_feed(rest[0] if rest else "0")
        self.send_response(200)
        self.send_header("Content-Type", "application/rss+xml")
        self.send_header("Content-Length", str(len(body) + 5000))
        self.end_headers()
        self.wfile.write(body)
        self.close_connection = True

    def route_cl_short(self, rest, q):
        body = self.small_feed(rest[0] if rest else "0")
        self.send_response(200)
        self.send_header("Content-Type", "application/rss+xml")
        self.send_header("Content-Length", str(len(body) - 200))
        self.end_headers()
        self.wfile.write(body)
        self.wfile.flush()

    def route_huge_cl(self, rest, q):
        self.send_response(200)
        self.send_header("Content-Type", "application/rss+xml")
        if q.get("cl", "1") == "1":
            self.send_header("Content-Length", str(2 << 30))
        else:
            self.send_header("Connection", "close")
        self.end_headers()
        self.wfile.write(b"<?xml version=\"1.0\"?><rss version=\"2.0\"><channel>")
        for _ in range(self.server.max_seconds * 2):
            if stopping.wait(0.5):
                break
            self.wfile.write(b"<!-- " + b"z" * 91 + b" -->")
            self.wfile.flush()
        self.close_connection = True

    def route_slow_headers(self, rest, q):
        self.wfile.write(b"HTTP/1.1 200 OK\r\n")
        self.wfile.flush()
        for _ in range(self.server.max_seconds):
            if stopping.wait(1.0):
                break
            self.wfile.write(b"X")
            self.wfile.flush()
        self.close_connection = True

    def route_reset_mid(self, rest, q):
        body = self.small_feed(rest[0] if rest else "0", 20)
        self.send_response(200)
        self.send_header("Content-Type", "application/rss+xml")
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body[:len(body) // 2])
        self.wfile.flush()
        self.connection.setsockopt(socket.SOL_SOCKET, socket.SO_LINGER,
                                   struct.pack("ii", 1, 0))
        self.close_connection = True

    def route_guid_churn(self, rest, q):
        sid = rest[0] if rest else "0"
        n = min(int(q.get("n", "5")), 100)
        with log_lock:
            self.server.churn[sid] = k = self.server.churn.get(sid, 0) + 1
        tail = "?utm_source=fetch%d" % k if q.get("utm") == "1" else ""
        body = self.rss("Churn %s" % sid, [
            ("Churning %s story %d about resettlement quotas" % (sid, i),
             "%s/churn/%s/%d%s" % (self.origin(), sid, i, tail),
             "urn:churn:%s:%d:%d:%s" % (sid, k, i, os.urandom(4).hex()),
             "Tue, 04 Nov 2025 %02d:00:00 GMT" % i) for i in range(n)])
        self.send(200, body, [("Content-Type", "application/rss+xml")])

    def route_many_entries(self, rest, q):
        sid = rest[0] if rest else "0"
        n = min(int(q.get("n", "100000")), 200000)
        tiny = q.get("tiny") == "1"
        gz = zlib.compressobj(6, zlib.DEFLATED, 31) if q.get("gz") == "1" else None
        self.send_response(200)
        self.send_header("Content-Type", "application/rss+xml")
        self.send_header("Transfer-Encoding", "chunked")
        if gz is not None:
            self.send_header("Content-Encoding", "gzip")
        self.end_headers()

        def chunk(data):
            if gz is not None:
                data = gz.compress(data)
            if data:
                self.wfile.write(b"%x\r\n%s\r\n" % (len(data), data))

        chunk(b"<?xml version=\"1.0\"?><rss version=\"2.0\"><channel>"
              b"<title>Many</title><link>http://x/</link>\n")
        for start in range(0, n, 1000):
            if stopping.is_set():
                break
            part = []
            for i in range(start, min(n, start + 1000)):
                if tiny:
                    part.append("<item><guid>m%s-%d</guid></item>\n" % (sid, i))
                else:
                    part.append(
                        "<item><title>Entry %d of %s: asylum statistics for "
                        "week %d</title><link>%s/many-item/%s/%d</link>"
                        "<guid>m%s-%d</guid><pubDate>Wed, 05 Nov 2025 "
                        "%02d:%02d:%02d GMT</pubDate></item>\n"
                        % (i, sid, i, self.origin(), sid, i, sid, i,
                           (i // 3600) % 24, (i // 60) % 60, i % 60))
            chunk("".join(part).encode())
        chunk(b"</channel></rss>\n")
        if gz is not None:
            tail = gz.flush()
            if tail:
                self.wfile.write(b"%x\r\n%s\r\n" % (len(tail), tail))
        self.wfile.write(b"0\r\n\r\n")

    def route_dates(self, rest, q):
        sid = rest[0] if rest else "0"
        body = self.rss("Dates %s" % sid, [
            ("Far future %s: the 2099 returns regulation" % sid,
             "%s/dates/%s/future" % (self.origin(), sid), "%s-future" % sid,
             "Thu, 31 Dec 2099 23:59:59 GMT"),
            ("Epoch %s: the 1970 archive notice" % sid,
             "%s/dates/%s/epoch" % (self.origin(), sid), "%s-epoch" % sid,
             "Thu, 01 Jan 1970 00:00:00 GMT"),
            ("Ordinary %s: the 2025 solidarity pool" % sid,
             "%s/dates/%s/plain" % (self.origin(), sid), "%s-plain" % sid,
             "Mon, 03 Nov 2025 09:00:00 GMT")])
        self.send(200, body, [("Content-Type", "application/rss+xml")])

    def route_html(self, rest, q):
        body = ("<!DOCTYPE html><html><head><title>News %s</title></head>"
                "<body><h1>Latest news</h1><ul><li><a href=\"/a\">One</a></li>"
                "</ul></body></html>\n" % (rest[0] if rest else "")).encode()
        self.send(200, body, [("Content-Type", "text/html; charset=utf-8")])

    def route_chain(self, rest, q):
        try:
            n = int(rest[0])
        except (IndexError, ValueError):
            n = 0
        self.redirect(302, "/chain/%d" % (n + 1))

    def route_truncated(self, rest, q):
        body = self.small_feed(rest[0] if rest else "0", 10)
        at = min(int(q.get("at", "700")), len(body))
        self.send(200, body[:at], [("Content-Type", "application/rss+xml")])

    def route_garbage(self, rest, q):
        rnd = random.Random(rest[0] if rest else "0")
        body = bytes(rnd.getrandbits(8) for _ in range(4096))
        self.send(200, body, [("Content-Type", "application/rss+xml")])

    def route_bad_gzip(self, rest, q):
        self.send(200, self.small_feed("badgz"),
                  [("Content-Type", "application/rss+xml"),
                   ("Content-Encoding", "gzip")])

    def route_xml_bomb(self, rest, q):
        ents = ["<!ENTITY l0 \"lol\">"]
        for i in range(1, 10):
            ents.append("<!ENTITY l%d \"%s\">" % (i, ("&l%d;" % (i - 1)) * 10))
        body = ("<?xml version=\"1.0\"?><!DOCTYPE rss [%s]>"
                "<rss version=\"2.0\"><channel><title>&l9;</title>"
                "<item><title>&l9;</title><guid>bomb</guid>"
                "<description>&l9;</description></item></channel></rss>\n"
                % "".join(ents)).encode()
        self.send(200, body, [("Content-Type", "application/rss+xml")])

    def route_deep(self, rest, q):
        n = min(int(q.get("n", "50000")), 200000)
        body = ("<?xml version=\"1.0\"?><rss version=\"2.0\"><channel>"
                "<title>Deep</title><item><title>Deep</title><guid>deep</guid>"
                "<description>" + "<x>" * n + "</x>" * n +
                "</description></item></channel></rss>\n").encode()
        self.send(200, body, [("Content-Type", "application/rss+xml")])

    def route_huge_header(self, rest, q):
        self.send(200, self.small_feed("hdr"),
                  [("Content-Type", "application/rss+xml"),
                   ("X-Padding", "p" * 200000)])

    def route_nul_bytes(self, rest, q):
        body = self.small_feed(rest[0] if rest else "0")
        body = body.replace(b"Notice 1", b"Notice\x00\xff\xfe 1")
        body = body.replace(b"Notice 2", b"Notice \xc3\x28 \xed\xa0\x80 2")
        self.send(200, body, [("Content-Type", "application/rss+xml")])


ROUTES = {
    "feed": Handler.route_feed,
    "gzip": Handler.route_gzip,
    "many": Handler.route_many,
    "redirect": Handler.route_redirect,
    "redirect-loop": Handler.route_redirect_loop,
    "redirect-permanent": Handler.route_redirect_permanent,
    "redirect-permanent-then-temp": Handler.route_redirect_permanent_then_temp,
    "redirect-private": Handler.route_redirect_private,
    "redirect-scheme": Handler.route_redirect_scheme,
    "status": Handler.route_status,
    "cache": Handler.route_cache,
    "empty-202": Handler.route_empty_202,
    "empty-200": Handler.route_empty_200,
    "slow": Handler.route_slow,
    "big": Handler.route_big,
    "gzip-bomb": Handler.route_gzip_bomb,
    "hang": Handler.route_hang,
    "reset": Handler.route_reset,
    "healthy": Handler.route_healthy,
    "cl-long": Handler.route_cl_long,
    "cl-short": Handler.route_cl_short,
    "huge-cl": Handler.route_huge_cl,
    "slow-headers": Handler.route_slow_headers,
    "reset-mid": Handler.route_reset_mid,
    "guid-churn": Handler.route_guid_churn,
    "many-entries": Handler.route_many_entries,
    "dates": Handler.route_dates,
    "html": Handler.route_html,
    "chain": Handler.route_chain,
    "truncated": Handler.route_truncated,
    "garbage": Handler.route_garbage,
    "bad-gzip": Handler.route_bad_gzip,
    "xml-bomb": Handler.route_xml_bomb,
    "deep": Handler.route_deep,
    "huge-header": Handler.route_huge_header,
    "nul-bytes": Handler.route_nul_bytes,
}


class Server(ThreadingHTTPServer):
    daemon_threads = True
    allow_reuse_address = True
    request_queue_size = 64


def main():
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--dir", default=os.path.join(
        os.path.dirname(os.path.abspath(__file__)), "..", "fixtures", "fetch"))
    ap.add_argument("--log", default=os.devnull)
    ap.add_argument("--port-file")
    ap.add_argument("--max-seconds", type=int, default=900,
                    help="exit after this long in any case")
    args = ap.parse_args()

    srv = Server(("127.0.0.1", 0), Handler)
    srv.dir = args.dir
    srv.max_seconds = args.max_seconds
    srv.t0 = time.time()
    srv.churn = {}
    srv.log = open(args.log, "a", encoding="utf-8")
    port = srv.server_address[1]
    if args.port_file:
        tmp = args.port_file + ".tmp"
        with open(tmp, "w") as f:
            f.write("%d\n" % port)
        os.rename(tmp, args.port_file)
    print(port, flush=True)

    def stop(signum, frame):
        raise SystemExit(0)

    signal.signal(signal.SIGTERM, stop)
    signal.signal(signal.SIGALRM, stop)
    signal.alarm(args.max_seconds)
    try:
        srv.serve_forever(poll_interval=0.2)
    finally:
        stopping.set()
        srv.server_close()
        srv.log.close()


if __name__ == "__main__":
    sys.exit(main())
