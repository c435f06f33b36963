"""Shared by the fault tests (test_faults_*.py): fixture feeds that change
between fetches, a configuration for a fast-fetching daemon, the checks a
database must pass after any fault, and a reader of the merged Atom feed.
Not a test itself (ctest runs test_*.py only)."""

import hashlib
import http.client
import os
import sqlite3
import time
import urllib.error
import urllib.request
import xml.etree.ElementTree as ET

HERE = os.path.dirname(os.path.abspath(__file__))
BIN = os.environ.get("PACTFEED_BIN", os.path.join(HERE, "..", "..", "build", "pactfeed"))
TOPICS = os.path.abspath(os.path.join(HERE, "..", "..", "config", "topics.conf"))
ATOM = "{http://www.w3.org/2005/Atom}"
SPREAD_WINDOW = 120     # daemon/run.c RUN_SPREAD_WINDOW

SUBJECTS = ["screening regulation", "Eurodac recast", "asylum procedure",
            "solidarity mechanism", "crisis regulation", "return border procedure",
            "reception conditions", "resettlement framework", "Dublin transfers",
            "search and rescue at sea", "pushbacks at the border", "child detention"]


def fnv1a(s):
    """common/sched.c sched_hash: where a restarted daemon puts an overdue
    source in its start window."""
    h = 0xcbf29ce484222325
    for b in s.encode():
        h ^= b
        h = (h * 0x100000001b3) & 0xFFFFFFFFFFFFFFFF
    return h


def quick_ids(prefix, n, within=2):
    """n source ids an overdue restart fetches within `within` seconds
    (the daemon spreads overdue sources over two minutes by a hash of the
    id: a test that restarts often picks ids at the window's start)."""
    ids, i = [], 0
    while len(ids) < n and i < 100000:
        sid = "%s%d" % (prefix, i)
        if fnv1a(sid) % SPREAD_WINDOW < within:
            ids.append(sid)
        i += 1
    return ids


class Feeds:
    """Sources whose RSS files in `work` change round by round: source s
    at round r lists a window of WINDOW items ending at item r * STEP +
    WINDOW, sources in pairs carry the same links (one story, two
    sources), and every third round retitles the oldest items shown (an
    update). Files are replaced by rename, so the fixture server never
    serves half a file."""

    WINDOW = 12
    STEP = 3

    def __init__(self, work, ids, base):
        self.work, self.ids, self.base = work, ids, base
        self.round = {sid: 0 for sid in ids}
        self.versions = {}      # ETag the fixture server gives -> guids
        for sid in ids:
            self.write(sid)

    def items(self, sid):
        """(guid, link, title) of what the source lists now."""
        s = self.ids.index(sid)
        r = self.round[sid]
        end = r * self.STEP + self.WINDOW
        out = []
        for i in range(end - 1, end - self.WINDOW - 1, -1):
            guid = "urn:pf-faults:%s:%d" % (sid, i)
            link = "http://news.example/pair%d/%d" % (s // 2, i)
            rev = " (revised %d)" % (r // 3) if i < end - self.WINDOW + 3 else ""
            title = "%s: item %d of pair %d%s" % (SUBJECTS[(i + s) % len(SUBJECTS)],
                                                 i, s // 2, rev)
            out.append((guid, link, title))
        return out

    def write(self, sid):
        t0 = 1735689600     # 2025-01-01
        parts = ['<?xml version="1.0" encoding="utf-8"?>\n<rss version="2.0"><channel>',
                 "<title>Source %s</title><link>http://news.example/%s</link>" % (sid, sid),
                 "<description>fault test</description>"]
        for guid, link, title in self.items(sid):
            i = int(guid.rsplit(":", 1)[1])
            parts.append("<item><title>%s</title><link>%s</link>"
                         '<guid isPermaLink="false">%s</guid><pubDate>%s</pubDate>'
                         "<description>News on the %s, number %d.</description></item>"
                         % (title, link, guid,
                            time.strftime("%a, %d %b %Y %H:%M:%S +0000",
                                          time.gmtime(t0 + i * 3600)),
                            SUBJECTS[i % len(SUBJECTS)], i))
        parts.append("</channel></rss>\n")
        body = "".join(parts).encode()
        # fixture_server.py's ETag: the first 16 hex digits of the SHA-1.
        etag = '"%s"' % hashlib.sha1(body).hexdigest()[:16]
        self.versions[etag] = {g for g, _, _ in self.items(sid)}
        path = os.path.join(self.work, "%s.xml" % sid)
        with open(path + ".tmp", "wb") as f:
            f.write(body)
        os.replace(path + ".tmp", path)

    def advance(self, rng, k=None):
        """Moves k random sources (default: about half) one round on."""
        k = k if k is not None else max(1, len(self.ids) // 2)
        for sid in rng.sample(self.ids, k):
            self.round[sid] += 1
            self.write(sid)

    def listed(self):
        """{source: set of guids it lists now}."""
        return {sid: {g for g, _, _ in self.items(sid)} for sid in self.ids}

    def config(self, db, http_port, extra=""):
        out = ['database = "%s"' % db,
               'listen = "127.0.0.1:%d"' % http_port,
               'base-url = "http://127.0.0.1:%d/"' % http_port,
               "allow-private-addresses = true",
               'host-spacing = "0s"',
               "per-host-connections = 16",
               'default-interval = "1s"', 'min-interval = "1s"', 'max-interval = "2s"',
               'max-backoff = "2s"',
               'timeout = "20s"', 'low-speed-time = "0"',
               'include("%s")' % TOPICS]
        for sid in self.ids:
            out.append('source "%s" { title = "Source %s" url = "%s/feed/%s.xml" }'
                       % (sid, sid, self.base, sid))
        return "\n".join(out) + "\n" + extra


def q1(db, sql):
    return db.execute(sql).fetchone()[0]


ZERO = [
    ("entry stored twice (same source and key)",
     "SELECT count(*) FROM (SELECT 1 FROM entry GROUP BY sid, key HAVING count(*) > 1)"),
    ("entry stored twice (same source and link)",
     "SELECT count(*) FROM (SELECT 1 FROM entry WHERE canon IS NOT NULL"
     " GROUP BY sid, canon HAVING count(*) > 1)"),
    ("entry without story",
     "SELECT count(*) FROM entry WHERE story NOT IN (SELECT story FROM story)"),
    ("story without entry",
     "SELECT count(*) FROM story WHERE story NOT IN (SELECT story FROM entry)"),
    ("foreign key violations", "SELECT count(*) FROM pragma_foreign_key_check"),
    # The stories' indexes by topic and by source carry no foreign key
    # (store.c, migration 7): a row of theirs must still name a story,
    # with the story's date.
    ("story_topic row of no story or another date",
     "SELECT count(*) FROM story_topic t WHERE NOT EXISTS (SELECT 1 FROM story s"
     " WHERE s.story = t.story AND s.upd = t.upd)"),
    ("story_source row of no story or another date",
     "SELECT count(*) FROM story_source t WHERE NOT EXISTS (SELECT 1 FROM story s"
     " WHERE s.story = t.story AND s.upd = t.upd)"),
    ("story_source row of a source none of the story's entries is from",
     "SELECT count(*) FROM story_source t WHERE NOT EXISTS (SELECT 1 FROM entry e"
     " WHERE e.story = t.story AND e.sid = t.sid)"),
]


def check_db(path, when):
    """What must hold after any fault: SQLite's and FTS5's integrity
    checks, no entry twice, no half-made story. Returns (entries, stories);
    raises Failure otherwise."""
    if not os.path.exists(path):
        return 0, 0
    db = sqlite3.connect(path, timeout=30)
    try:
        res = [r[0] for r in db.execute("PRAGMA integrity_check")]
        if res != ["ok"]:
            fail("%s: integrity_check: %s" % (when, res[:5]))
        if q1(db, "PRAGMA user_version") == 0:
            if q1(db, "SELECT count(*) FROM sqlite_schema") != 0:
                fail("%s: half a schema" % when)
            return 0, 0
        try:
            db.execute("INSERT INTO entry_fts (entry_fts) VALUES ('integrity-check')")
            db.rollback()
        except sqlite3.DatabaseError as e:
            fail("%s: FTS integrity-check: %s" % (when, e))
        for what, sql in ZERO:
            n = q1(db, sql)
            if n != 0:
                fail("%s: %s: %d" % (when, what, n))
        return q1(db, "SELECT count(*) FROM entry"), q1(db, "SELECT count(*) FROM story")
    finally:
        db.close()


def stored_keys(path):
    """{source: set of entry keys} in the database."""
    db = sqlite3.connect(path, timeout=30)
    try:
        out = {}
        if q1(db, "SELECT count(*) FROM sqlite_schema WHERE name = 'entry'") == 0:
            return out      # not made yet
        for name, key in db.execute("SELECT s.name, e.key FROM entry e"
                                    " JOIN source s ON s.sid = e.sid"):
            out.setdefault(name, set()).add(key)
        return out
    finally:
        db.close()


def check_validators(path, feeds, when):
    """A source's stored ETag promises its entries: every entry of the
    version that ETag names must be stored, or a 304 would hide them for
    good. Returns how many sources had an ETag to check."""
    if not os.path.exists(path):
        return 0
    db = sqlite3.connect(path, timeout=30)
    try:
        if q1(db, "SELECT count(*) FROM sqlite_schema WHERE name = 'source'") == 0:
            return 0
        rows = list(db.execute("SELECT name, etag FROM source WHERE etag IS NOT NULL"))
    finally:
        db.close()
    have = stored_keys(path)
    n = 0
    for name, etag in rows:
        if name not in feeds.round:
            continue
        want = feeds.versions.get(etag)
        if want is None:
            fail("%s: source %s: ETag %s names no version served" % (when, name, etag))
        missing = want - have.get(name, set())
        if missing:
            fail("%s: source %s: ETag %s stored without %d of its entries, e.g. %s"
                 % (when, name, etag, len(missing), sorted(missing)[0]))
        n += 1
    return n


def read_atom(url, timeout=10):
    """GETs an Atom feed: None when nothing answers, else (status,
    [entry ids]); the body must be well-formed XML with no id twice."""
    try:
        with urllib.request.urlopen(url, timeout=timeout) as r:
            body, status = r.read(), r.status
    except urllib.error.HTTPError as e:
        return e.code, None
    except (urllib.error.URLError, http.client.HTTPException, OSError):
        return None     # nothing listening, or killed mid-answer
    try:
        root = ET.fromstring(body)
    except ET.ParseError as e:
        fail("%s: not well-formed XML: %s" % (url, e))
    if root.tag != ATOM + "feed":
        fail("%s: root is %s, not an Atom feed" % (url, root.tag))
    ids = [e.findtext(ATOM + "id") for e in root.findall(ATOM + "entry")]
    if len(ids) != len(set(ids)):
        fail("%s: an entry id twice in one answer" % url)
    if any(i is None or i == "" for i in ids):
        fail("%s: an entry without id" % url)
    return status, ids


class Failure(Exception):
    """A check failed: the test's main prints it and exits 1 after its
    finally: has stopped every process it started."""


def fail(what):
    raise Failure(what)
