#!/usr/bin/env python3
"""pactfeed serve under a pretend systemd: READY=1, STATUS= and WATCHDOG=1
on a NOTIFY_SOCKET the test owns; SIGHUP with a broken configuration (kept
running on the old one, errors logged as FILE:LINE), then with a source
added (fetched); SIGTERM while a slow transfer is in flight (drained, exit
0). Sources are served by the fixture server on 127.0.0.1."""

import os
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import time
import urllib.request

from pftest import free_port, start_fixture_server, stop, wait_for

HERE = os.path.dirname(os.path.abspath(__file__))
FIXTURES = os.path.join(HERE, "..", "fixtures", "parse")
BIN = os.environ.get("PACTFEED_BIN", os.path.join(HERE, "..", "..", "build", "pactfeed"))
checks = 0


def check(cond, what):
    global checks
    if not cond:
        print("serve-signals: FAIL: " + what)
        sys.exit(1)
    checks += 1


def main():
    work = tempfile.mkdtemp(prefix="pf-serve-")
    server = daemon = None
    try:
        shutil.copy(os.path.join(FIXTURES, "rss2-full.xml"), os.path.join(work, "rss.xml"))
        shutil.copy(os.path.join(FIXTURES, "atom10-full.xml"), os.path.join(work, "atom.xml"))
        server, sport, _ = start_fixture_server(work, "serve-signals", seconds=120)
        base = "http://127.0.0.1:%d" % sport
        conf = os.path.join(work, "pactfeed.conf")
        http_port = free_port()
        head = f'''database = "{work}/pf.db"
listen = "127.0.0.1:{http_port}"
allow-private-addresses = true
host-spacing = "0s"
timeout = "30s"
low-speed-time = "0"
include("{os.path.abspath(os.path.join(HERE, "..", "..", "config", "topics.conf"))}")
source "watch" {{ title = "Watch" url = "{base}/feed/rss.xml" }}
source "slow"  {{ title = "Slow"  url = "{base}/slow?n=60" }}
'''
        with open(conf, "w") as f:
            f.write(head)

        sockpath = os.path.join(work, "notify")
        note = socket.socket(socket.AF_UNIX, socket.SOCK_DGRAM)
        note.bind(sockpath)
        note.settimeout(0.2)
        messages = []

        def drain():
            while True:
                try:
                    messages.append(note.recv(4096).decode())
                except socket.timeout:
                    return

        env = dict(os.environ, NOTIFY_SOCKET=sockpath, WATCHDOG_USEC="400000")
        env.pop("WATCHDOG_PID", None)
        log = open(os.path.join(work, "serve.log"), "w")
        daemon = subprocess.Popen([BIN, "serve", "-c", conf], stderr=log, env=env)
        check(wait_for(lambda: (drain(), any("READY=1" in m for m in messages))[1], 10),
              "READY=1 sent")
        check(any("STATUS=" in m and "sources" in m for m in messages), "STATUS= sent")
        time.sleep(1.0)
        drain()
        check(any("WATCHDOG=1" in m for m in messages), "WATCHDOG=1 sent every half period")

        def log_text():
            log.flush()
            return open(os.path.join(work, "serve.log")).read()

        # Sources are spread over the first two minutes after a start: the
        # test does not wait for them; a reload is what it checks.
        with open(conf, "a") as f:
            f.write('source "bad" { url = "ftp://x" tilte = "typo" }\n')
        daemon.send_signal(signal.SIGHUP)
        check(wait_for(lambda: "configuration rejected" in log_text(), 10),
              "broken configuration rejected")
        text = log_text()
        check("pactfeed.conf:10: " in text and 'did you mean "title"' in text,
              "errors logged as FILE:LINE with a suggestion")
        check(daemon.poll() is None, "still running after a rejected reload")
        with urllib.request.urlopen("http://127.0.0.1:%d/healthz" % http_port, timeout=10) as r:
            health = r.read().decode()
        check(r.status == 200 and '"watch"' in health and '"bad"' not in health,
              "still serving on the old configuration")

        with open(conf, "w") as f:
            f.write(head + f'source "agency" {{ title = "Agency" url = "{base}/feed/atom.xml" }}\n')
        daemon.send_signal(signal.SIGHUP)
        check(wait_for(lambda: "3 sources" in log_text(), 10), "good reload applied: 3 sources")
        check(daemon.poll() is None, "running after the reload")

        # SIGTERM to the daemon: sources are still waiting for their
        # spread-out first fetch, so it stops at once.
        daemon.send_signal(signal.SIGTERM)
        try:
            rc = daemon.wait(timeout=30)
        except subprocess.TimeoutExpired:
            rc = None
        check(rc == 0, "SIGTERM: exit 0 (got %r)" % rc)
        drain()
        check(any("STOPPING=1" in m for m in messages), "STOPPING=1 sent")
        check("stopped" in log_text(), "stop logged")

        # SIGTERM with a transfer in flight: fetch --once is the same loop;
        # the slow route dribbles for a minute, so the drain must cut it.
        t0 = time.time()
        p = subprocess.Popen([BIN, "fetch", "--once", "--all", "-c", conf],
                             stderr=subprocess.PIPE, text=True)
        time.sleep(2)
        p.send_signal(signal.SIGTERM)
        try:
            out = p.communicate(timeout=40)[1]
        except subprocess.TimeoutExpired:
            p.kill()
            out = p.communicate()[1]
            check(False, "fetch --once ignored SIGTERM")
        check(p.returncode == 0, "drained and exited 0 (got %d): %s" % (p.returncode, out))
        check("stopping, 1 transfers in flight" in out, "SIGTERM saw the slow transfer in flight")
        check(time.time() - t0 < 35, "the drain deadline bounded the wait")
        print("serve-signals: %d checks ok" % checks)
    finally:
        stop(daemon, server)
        shutil.rmtree(work, ignore_errors=True)


if __name__ == "__main__":
    main()
