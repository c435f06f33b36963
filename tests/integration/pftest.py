"""Shared by the integration tests: the fixture HTTP server started and
stopped by PID, a free loopback port, bounded waits. Not a test itself
(ctest runs test_*.py only)."""

import os
import signal
import socket
import subprocess
import sys
import time

HERE = os.path.dirname(os.path.abspath(__file__))


def wait_for(pred, seconds):
    """Polls pred until it holds or seconds pass; returns whether it held."""
    end = time.time() + seconds
    while time.time() < end:
        if pred():
            return True
        time.sleep(0.05)
    return False


def free_port():
    s = socket.socket()
    s.bind(("127.0.0.1", 0))
    port = s.getsockname()[1]
    s.close()
    return port


def start_fixture_server(work, name, log="requests.jsonl", seconds=300):
    """fixture_server.py serving work/ on 127.0.0.1; returns (process,
    port, request log). Exits 77 (skipped) when it cannot start."""
    portfile = os.path.join(work, "port")
    logpath = os.path.join(work, log)
    proc = subprocess.Popen([sys.executable, os.path.join(HERE, "fixture_server.py"),
                             "--dir", work, "--log", logpath, "--port-file", portfile,
                             "--max-seconds", str(seconds)],
                            stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    if wait_for(lambda: os.path.exists(portfile) and open(portfile).read().strip(), 5):
        return proc, int(open(portfile).read()), logpath
    proc.kill()
    print("%s: cannot start the fixture server, skipped" % name)
    sys.exit(77)


def stop(*procs):
    """SIGTERM each process still running, SIGKILL after 10 s."""
    for proc in procs:
        if proc is not None and proc.poll() is None:
            proc.send_signal(signal.SIGTERM)
            try:
                proc.wait(timeout=10)
            except subprocess.TimeoutExpired:
                proc.kill()


def topic_ids(col):
    """The topic ids in an entry's topics column (store.c: per topic
    "id US score US why", topics apart by RS)."""
    if not col:
        return set()
    return {t.split("\x1f")[0] for t in col.split("\x1e")} - {""}
