/*
 * The archive in SQLite. Invariants: an entry lives once per (source,
 * key) and a key once seen is never forgotten (pruned entries leave a
 * tombstone); every entry belongs to exactly one story; a story keeps
 * the id of its first entry for ever; story_topic and story_source carry
 * a copy of story.upd so that filtered pages are one index range scan.
 * An unchanged re-fetch writes nothing.
 *
 * Stories: a new entry joins the story of any entry with the same
 * canonical link; else a story first seen within 7 days whose title and
 * text store_fp_same() finds near-identical. Candidates come from four
 * bottom-2 MinHash sketches of the normalised title words (see words.h),
 * held in memory per fortnight of the stories' first dates and rebuilt
 * from the entries when a fortnight is first needed (an index of random
 * hashes in SQLite cost more WAL pages than everything else together);
 * store_fp_same() decides, and it is deliberately strict (see there).
 *
 * Writes: each feed is atomic. Alone it is one transaction; within a
 * batch (store_batch_begin/end) it is a savepoint, undone alone when it
 * fails, and the batch commits once: what was "one transaction per feed"
 * is now "each feed atomic, one commit per batch", which saves the
 * commit, the WAL pages written again by every feed and an FTS5 segment
 * per feed.
 *
 * Full-text index: tokenising cost as much as all the rest of an
 * ingest, so it is kept off that path. A story's text is either in
 * entry_fts or the story is pending, never both. Pending are the
 * stories above the mark (meta fts_mark: new stories take ids above
 * every other, so a new story costs no write for this) and those listed
 * in fts_pending (indexed once, changed since, or a new story that took
 * the id of a deleted one at or below the mark);
 * store_index() moves pending stories into the index in large
 * transactions (the daemon calls it when idle, and a text query calls
 * it first, so searches never miss a stored story). Before an indexed
 * story's entries change, its row is deleted (queued and written at the
 * commit, after the savepoints, since FTS5 writes a segment at each) and
 * it is pending again.
 *
 * Sources whose ids are broken (one id on every item, or new ids on every
 * fetch for the same links) switch to link keys for good (source.key_mode).
 *
 * XXX HTML in summaries and content is reduced to text by a cheap tag
 * stripper (store_text_plain) for FTS and fingerprints, not by a real
 * HTML parser; good enough for words, not for display.
 */

#include "store.h"

#include <ctype.h>
#include <endian.h>
#include <errno.h>
#include <inttypes.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <unistd.h>

#include <jansson.h>
#include <sqlite3.h>
#include <utf8proc.h>

#include "entry.h"
#include "text.h"
#include "url.h"
#include "words.h"
#include "xmalloc.h"

#define STORE_WINDOW		(7 * 86400)	/* stories merge within */
#define STORE_BUCKET		(2 * STORE_WINDOW)	/* of sketch keys */
#define STORE_NBUCKETS		8		/* fortnights kept in memory */
#define STORE_TEXT_DENSE	4096		/* matches: a common word */
#define STORE_BODY_WORDS	400		/* words of text compared */
#define STORE_BODY_MIN		12		/* fewer: no text to compare */
#define STORE_FTS_MAX		(32 * 1024)	/* bytes of content indexed */
#define STORE_NBAND		4		/* title sketches */
#define STORE_BUSY_MS		5000		/* waiting for another writer */
#define STORE_AUTOCKPT		10000		/* WAL pages, see store_open */
#define STORE_XSTR(x)		#x
#define STORE_STR(x)		STORE_XSTR(x)
#define STORE_QUERY_INDEX	20000		/* stories a text query indexes */
#define STORE_KEY_ID		0
#define STORE_KEY_LINK		1

enum store_stmt {
	ST_BEGIN,
	ST_COMMIT,
	ST_ROLLBACK,
	ST_SP_BEGIN,
	ST_SP_RELEASE,
	ST_SP_ROLLBACK,
	ST_SRC_FIND,
	ST_SRC_ADD,
	ST_SRC_MODE,
	ST_SRC_FEED,
	ST_SRC_FEED_IF,
	ST_SRC_GET,
	ST_SRC_LAST_NEW,
	ST_SRC_NEW_SET,
	ST_SRC_SET,
	ST_ENT_BY_KEY,
	ST_ENT_BY_CANON,
	ST_TOMB_BY_KEY,
	ST_TOMB_BY_CANON,
	ST_ENT_INS,
	ST_ENT_TEXT,
	ST_ENT_UPD,
	ST_FTS_INS,
	ST_FTS_DEL,
	ST_PEND_HAS,
	ST_PEND_ADD,
	ST_PEND_SEL,
	ST_PEND_NEW,
	ST_PEND_DEL_NEW,
	ST_MARK_GET,
	ST_MARK_SET,
	ST_PEND_DEL,
	ST_PEND_ANY,
	ST_META_GET,
	ST_META_SET,
	ST_ANY_ENTRY,
	ST_SRC_ANY,
	ST_ETOPIC_SET,
	ST_STORY_INS,
	ST_STORY_UPD_GET,
	ST_STORY_UPD_SET,
	ST_STOPIC_OF,
	ST_STOPIC_MOVE,
	ST_SSRC_OF,
	ST_SSRC_MOVE,
	ST_SK_LOAD,
	ST_DATA_VERSION,
	ST_GEN_GET,
	ST_REP_TEXT,
	ST_SSRC_INS,
	ST_STOPIC_INS,
	ST_STOPIC_DEL,
	ST_STOPIC_SRC,
	ST_GEN_BUMP,
	ST_Q_TOPIC,
	ST_Q_SOURCE,
	ST_Q_TEXT,
	ST_Q_LANG,
	ST_Q_ALL,
	ST_QN_TOPIC,		/* the five above, newer than the cursor */
	ST_QN_SOURCE,
	ST_QN_TEXT,
	ST_QN_LANG,
	ST_QN_ALL,
	ST_Q_ENTRIES,
	ST_COUNT_TOPICS,
	ST_COUNT_SOURCES,
	ST_PRUNE_SEL,
	ST_TOMB_INS,
	ST_ENT_DEL,
	ST_STORY_LEFT,
	ST_STORY_DEL,
	ST_STORY_REUPD,
	ST_SSRC_DEL,
	ST_SSRC_REBUILD,
	ST_RETAG_SEL,
	ST_LINK_STORY,
	ST_TEXT_COUNT,
	ST_TEXT_ROWIDS,
	ST__MAX
};

/* Filters shared by the story queries: ?1 topic, ?2 source rowid, ?3 FTS
 * query, ?4 language, ?5 since, (?6, ?7) cursor, ?8 limit. */
#define Q_COLS	"s.story, s.upd, s.first, s.uid"
#define Q_TOPIC	" AND (?1 IS NULL OR EXISTS (SELECT 1 FROM story_topic y" \
		" WHERE y.topic = ?1 AND y.upd = s.upd AND y.story = s.story))"
#define Q_SRC	" AND (?2 IS NULL OR EXISTS (SELECT 1 FROM story_source x" \
		" WHERE x.sid = ?2 AND x.upd = s.upd AND x.story = s.story))"
#define Q_TEXT	" AND (?3 IS NULL OR s.story IN (SELECT rowid" \
		" FROM entry_fts WHERE entry_fts MATCH ?3))"
#define Q_LANG	" AND (?4 IS NULL OR s.lang = ?4)"
/* Each story query in two directions: older than the cursor, newest
 * first (cmp "<", dir "DESC"), or newer than it, oldest first. */
#define Q_BY_TOPIC(cmp, dir) "SELECT " Q_COLS " FROM story_topic t" \
	" JOIN story s ON s.story = t.story" \
	" WHERE t.topic = ?1 AND (t.upd, t.story) " cmp " (?6, ?7)" \
	" AND t.upd >= ?5" Q_SRC Q_TEXT Q_LANG \
	" ORDER BY t.upd " dir ", t.story " dir " LIMIT ?8"
#define Q_BY_SOURCE(cmp, dir) "SELECT " Q_COLS " FROM story_source t" \
	" JOIN story s ON s.story = t.story" \
	" WHERE t.sid = ?2 AND (t.upd, t.story) " cmp " (?6, ?7)" \
	" AND t.upd >= ?5" Q_TOPIC Q_TEXT Q_LANG \
	" ORDER BY t.upd " dir ", t.story " dir " LIMIT ?8"
#define Q_BY_TEXT(cmp, dir) "SELECT " Q_COLS " FROM story s" \
	" WHERE s.story IN (SELECT rowid FROM entry_fts" \
	" WHERE entry_fts MATCH ?3)" \
	" AND (s.upd, s.story) " cmp " (?6, ?7) AND s.upd >= ?5" \
	Q_TOPIC Q_SRC Q_LANG \
	" ORDER BY s.upd " dir ", s.story " dir " LIMIT ?8"
#define Q_BY_LANG(cmp, dir) "SELECT " Q_COLS \
	" FROM story s INDEXED BY story_lang" \
	" WHERE s.lang = ?4 AND (s.upd, s.story) " cmp " (?6, ?7)" \
	" AND s.upd >= ?5" Q_TOPIC Q_SRC Q_TEXT \
	" ORDER BY s.upd " dir ", s.story " dir " LIMIT ?8"
#define Q_BY_ALL(cmp, dir) "SELECT " Q_COLS \
	" FROM story s INDEXED BY story_upd" \
	" WHERE (s.upd, s.story) " cmp " (?6, ?7) AND s.upd >= ?5" \
	Q_TOPIC Q_SRC Q_TEXT Q_LANG \
	" ORDER BY s.upd " dir ", s.story " dir " LIMIT ?8"

static const char *store_sql[ST__MAX] = {
	[ST_BEGIN] = "BEGIN IMMEDIATE",
	[ST_COMMIT] = "COMMIT",
	[ST_ROLLBACK] = "ROLLBACK",
	[ST_SP_BEGIN] = "SAVEPOINT feed",
	[ST_SP_RELEASE] = "RELEASE feed",
	[ST_SP_ROLLBACK] = "ROLLBACK TO feed",
	[ST_SRC_FIND] = "SELECT sid, key_mode FROM source WHERE name = ?",
	[ST_SRC_ADD] = "INSERT INTO source (name) VALUES (?)",
	[ST_SRC_MODE] = "UPDATE source SET key_mode = ?2 WHERE sid = ?1",
	[ST_SRC_FEED] = "UPDATE source SET feed_id = ?2, feed_title = ?3,"
	    " feed_link = ?4, feed_updated = ?5 WHERE sid = ?1",
	[ST_SRC_FEED_IF] = "UPDATE source SET feed_id = ?2, feed_title = ?3,"
	    " feed_link = ?4, feed_updated = ?5 WHERE sid = ?1 AND"
	    " (feed_id IS NOT ?2 OR feed_title IS NOT ?3 OR"
	    " feed_link IS NOT ?4)",
	[ST_SRC_GET] = "SELECT etag, last_modified, redirect_url,"
	    " last_status, next_fetch, last_fetch, last_success, http_status,"
	    " error_streak, disabled FROM source WHERE name = ?",
	[ST_SRC_LAST_NEW] = "SELECT last_new FROM source WHERE name = ?",
	[ST_SRC_NEW_SET] = "UPDATE source SET last_new = ?2 WHERE sid = ?1",
	[ST_SRC_SET] = "INSERT INTO source (name, etag, last_modified,"
	    " redirect_url, last_status, next_fetch, last_fetch, last_success,"
	    " http_status, error_streak, disabled)"
	    " VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11)"
	    " ON CONFLICT (name) DO UPDATE SET etag = ?2, last_modified = ?3,"
	    " redirect_url = ?4, last_status = ?5, next_fetch = ?6,"
	    " last_fetch = ?7, last_success = ?8, http_status = ?9,"
	    " error_streak = ?10, disabled = ?11",
	[ST_ENT_BY_KEY] = "SELECT eid, chash, story, updated FROM entry"
	    " WHERE sid = ? AND key = ?",
	[ST_ENT_BY_CANON] = "SELECT eid, chash, story, updated, key"
	    " FROM entry WHERE sid = ? AND canon = ? ORDER BY eid LIMIT 1",
	[ST_TOMB_BY_KEY] = "SELECT 1 FROM tomb WHERE sid = ? AND key = ?",
	[ST_TOMB_BY_CANON] = "SELECT 1 FROM tomb WHERE sid = ? AND canon = ?",
	[ST_ENT_INS] = "INSERT INTO entry (sid, key, story, canon, uid,"
	    " title, title_type, link, published, updated, summary,"
	    " summary_type, content, content_type, base, lang, authors,"
	    " categories, enclosures, links, fetched, chash, topics) VALUES"
	    " (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12, ?13, ?14,"
	    " ?15, ?16, ?17, ?18, ?19, ?20, ?21, ?22, ?23)",
	[ST_ENT_TEXT] = "SELECT title, title_type, summary, summary_type,"
	    " content, content_type FROM entry WHERE story = ? ORDER BY eid",
	[ST_ENT_UPD] = "UPDATE entry SET canon = ?4, uid = ?5, title = ?6,"
	    " title_type = ?7, link = ?8, published = ?9, updated = ?10,"
	    " summary = ?11, summary_type = ?12, content = ?13,"
	    " content_type = ?14, base = ?15, lang = ?16, authors = ?17,"
	    " categories = ?18, enclosures = ?19, links = ?20, chash = ?22,"
	    " topics = ?23 WHERE eid = ?1",
	[ST_FTS_INS] = "INSERT INTO entry_fts (rowid, title, summary,"
	    " content) VALUES (?, ?, ?, ?)",
	[ST_FTS_DEL] = "INSERT INTO entry_fts (entry_fts, rowid, title,"
	    " summary, content) VALUES ('delete', ?, ?, ?, ?)",
	[ST_PEND_HAS] = "SELECT 1 FROM fts_pending WHERE story = ?",
	[ST_PEND_ADD] = "INSERT OR IGNORE INTO fts_pending (story)"
	    " SELECT story FROM story WHERE story = ?",
	[ST_PEND_SEL] = "SELECT story FROM fts_pending WHERE story <= ?1"
	    " ORDER BY story LIMIT ?2",
	[ST_PEND_NEW] = "SELECT story FROM story WHERE story > ?"
	    " ORDER BY story LIMIT ?",
	[ST_PEND_DEL] = "DELETE FROM fts_pending WHERE story <= ?",
	[ST_PEND_DEL_NEW] = "DELETE FROM fts_pending WHERE story > ?1"
	    " AND story <= ?2",
	[ST_PEND_ANY] = "SELECT 1 FROM fts_pending UNION ALL"
	    " SELECT 1 FROM story WHERE story > (SELECT value FROM meta"
	    " WHERE name = 'fts_mark') LIMIT 1",
	[ST_MARK_GET] = "SELECT value FROM meta WHERE name = 'fts_mark'",
	[ST_MARK_SET] = "UPDATE meta SET value = ? WHERE name = 'fts_mark'",
	[ST_META_GET] = "SELECT value FROM meta WHERE name = ?",
	[ST_META_SET] = "INSERT INTO meta (name, value) VALUES (?1, ?2)"
	    " ON CONFLICT (name) DO UPDATE SET value = ?2",
	[ST_ANY_ENTRY] = "SELECT 1 FROM entry LIMIT 1",
	[ST_SRC_ANY] = "SELECT EXISTS (SELECT 1 FROM entry WHERE sid = ?1)"
	    " OR EXISTS (SELECT 1 FROM tomb WHERE sid = ?1)",
	[ST_ETOPIC_SET] = "UPDATE entry SET topics = ?2 WHERE eid = ?1",
	[ST_STORY_INS] = "INSERT INTO story (uid, upd, first, lang)"
	    " VALUES (?, ?, ?, ?)",
	[ST_STORY_UPD_GET] = "SELECT upd FROM story WHERE story = ?",
	[ST_STORY_UPD_SET] = "UPDATE story SET upd = ?2 WHERE story = ?1",
	/* A story's topic and source rows are moved one by one, by their
	 * whole key (store_story_move). "UPDATE ... WHERE story = ?" changes
	 * the key it scans by, so SQLite first copied the rows into a
	 * temporary B-tree; UPDATE OR REPLACE takes a statement journal. */
	[ST_STOPIC_OF] = "SELECT topic, upd FROM story_topic WHERE story = ?",
	[ST_STOPIC_MOVE] = "DELETE FROM story_topic"
	    " WHERE topic = ?1 AND upd = ?2 AND story = ?3",
	[ST_SSRC_OF] = "SELECT sid, upd FROM story_source WHERE story = ?",
	[ST_SSRC_MOVE] = "DELETE FROM story_source"
	    " WHERE sid = ?1 AND upd = ?2 AND story = ?3",
	[ST_SK_LOAD] = "SELECT s.story, s.first, e.title, e.title_type,"
	    " e.summary, e.summary_type, e.content, e.content_type"
	    " FROM story s JOIN entry e ON e.story = s.story"
	    " WHERE s.first >= ? AND s.first < ?",
	[ST_DATA_VERSION] = "PRAGMA data_version",
	[ST_GEN_GET] = "SELECT value FROM meta WHERE name = 'generation'",
	[ST_REP_TEXT] = "SELECT title, title_type, summary, summary_type,"
	    " content, content_type FROM entry WHERE story = ?"
	    " ORDER BY eid LIMIT 8",
	[ST_SSRC_INS] = "INSERT OR IGNORE INTO story_source (sid, upd, story)"
	    " VALUES (?, ?, ?)",
	[ST_STOPIC_INS] = "INSERT OR IGNORE INTO story_topic (topic, upd,"
	    " story) VALUES (?, ?, ?)",
	[ST_STOPIC_DEL] = "DELETE FROM story_topic WHERE story = ?",
	[ST_STOPIC_SRC] = "SELECT e.topics, s.upd FROM story s"
	    " JOIN entry e ON e.story = s.story"
	    " WHERE s.story = ? AND e.topics IS NOT NULL",
	[ST_GEN_BUMP] = "UPDATE meta SET value = value + 1"
	    " WHERE name = 'generation' RETURNING value",
	[ST_Q_TOPIC] = Q_BY_TOPIC("<", "DESC"),
	[ST_Q_SOURCE] = Q_BY_SOURCE("<", "DESC"),
	[ST_Q_TEXT] = Q_BY_TEXT("<", "DESC"),
	[ST_Q_LANG] = Q_BY_LANG("<", "DESC"),
	[ST_Q_ALL] = Q_BY_ALL("<", "DESC"),
	[ST_QN_TOPIC] = Q_BY_TOPIC(">", "ASC"),
	[ST_QN_SOURCE] = Q_BY_SOURCE(">", "ASC"),
	[ST_QN_TEXT] = Q_BY_TEXT(">", "ASC"),
	[ST_QN_LANG] = Q_BY_LANG(">", "ASC"),
	[ST_QN_ALL] = Q_BY_ALL(">", "ASC"),
	[ST_Q_ENTRIES] = "SELECT e.eid, e.uid, e.title, e.title_type,"
	    " e.link, e.published, e.updated, e.lang, e.base, e.authors,"
	    " e.categories, e.enclosures, e.links, src.name, src.feed_id,"
	    " src.feed_title, src.feed_link, src.feed_updated,"
	    " e.summary, e.summary_type, e.content, e.content_type,"
	    " e.topics FROM entry e JOIN source src ON src.sid = e.sid"
	    " WHERE e.story = ? ORDER BY e.eid",
	[ST_COUNT_TOPICS] = "SELECT topic, count(*) FROM story_topic"
	    " GROUP BY topic ORDER BY topic",
	[ST_COUNT_SOURCES] = "SELECT s.name, (SELECT count(*) FROM entry e"
	    " WHERE e.sid = s.sid) FROM source s ORDER BY s.name",
	[ST_PRUNE_SEL] = "SELECT eid, sid, key, canon, story FROM entry"
	    " WHERE updated < ?1 AND eid > ?2 ORDER BY eid LIMIT 500",
	[ST_TOMB_INS] = "INSERT OR IGNORE INTO tomb (sid, key, canon)"
	    " VALUES (?, ?, ?)",
	[ST_ENT_DEL] = "DELETE FROM entry WHERE eid = ?",
	[ST_STORY_LEFT] = "SELECT max(updated) FROM entry WHERE story = ?",
	[ST_STORY_DEL] = "DELETE FROM story WHERE story = ?",
	[ST_STORY_REUPD] = "UPDATE story SET upd = ?2 WHERE story = ?1",
	[ST_SSRC_DEL] = "DELETE FROM story_source WHERE story = ?",
	[ST_SSRC_REBUILD] = "INSERT OR IGNORE INTO story_source (sid, upd,"
	    " story) SELECT DISTINCT e.sid, s.upd, s.story FROM story s"
	    " JOIN entry e ON e.story = s.story WHERE s.story = ?",
	[ST_LINK_STORY] = "SELECT e.story, s.first FROM entry e"
	    " JOIN story s ON s.story = e.story WHERE e.canon = ? LIMIT 1",
	[ST_TEXT_COUNT] = "SELECT count(*) FROM (SELECT rowid FROM entry_fts"
	    " WHERE entry_fts MATCH ?1 LIMIT ?2)",
	[ST_TEXT_ROWIDS] = "SELECT rowid FROM entry_fts WHERE entry_fts"
	    " MATCH ?1 AND rowid <= ?2 ORDER BY rowid DESC",
	[ST_RETAG_SEL] = "SELECT e.eid, e.story, e.title, e.title_type,"
	    " e.summary, e.summary_type, e.content, e.content_type, e.lang,"
	    " e.link, s.name FROM entry e JOIN source s ON s.sid = e.sid"
	    " WHERE e.eid > ? ORDER BY e.eid LIMIT ?",
};

/* Schema versions; migration i takes user_version i to i + 1. */
static const char *store_migrations[] = {
	"CREATE TABLE meta ("
	"  name TEXT PRIMARY KEY,"
	"  value INTEGER NOT NULL"
	") WITHOUT ROWID;"
	"INSERT INTO meta VALUES ('generation', 0);"
	"CREATE TABLE source ("
	"  sid INTEGER PRIMARY KEY,"
	"  name TEXT NOT NULL UNIQUE,"
	"  key_mode INTEGER NOT NULL DEFAULT 0,"
	"  etag TEXT, last_modified TEXT, redirect_url TEXT,"
	"  last_status TEXT,"
	"  next_fetch INTEGER NOT NULL DEFAULT 0,"
	"  last_fetch INTEGER NOT NULL DEFAULT 0,"
	"  last_success INTEGER NOT NULL DEFAULT 0,"
	"  http_status INTEGER NOT NULL DEFAULT 0,"
	"  error_streak INTEGER NOT NULL DEFAULT 0,"
	"  disabled INTEGER NOT NULL DEFAULT 0,"
	"  feed_id TEXT, feed_title TEXT, feed_link TEXT,"
	"  feed_updated INTEGER"
	");"
	"CREATE TABLE story ("
	"  story INTEGER PRIMARY KEY,"
	"  uid TEXT NOT NULL,"
	"  upd INTEGER NOT NULL,"
	"  first INTEGER NOT NULL,"
	"  lang TEXT"
	");"
	"CREATE INDEX story_upd ON story (upd);"
	"CREATE INDEX story_lang ON story (lang, upd);"
	"CREATE TABLE entry ("
	"  eid INTEGER PRIMARY KEY,"
	"  sid INTEGER NOT NULL REFERENCES source (sid),"
	"  key TEXT NOT NULL,"
	"  story INTEGER NOT NULL REFERENCES story (story),"
	"  canon TEXT,"
	"  uid TEXT,"
	"  title TEXT, title_type INTEGER NOT NULL DEFAULT 0,"
	"  link TEXT,"
	"  published INTEGER,"
	"  updated INTEGER NOT NULL,"
	"  summary TEXT, summary_type INTEGER NOT NULL DEFAULT 0,"
	"  content TEXT, content_type INTEGER NOT NULL DEFAULT 0,"
	"  base TEXT, lang TEXT,"
	"  authors TEXT, categories TEXT, enclosures TEXT, links TEXT,"
	"  fetched INTEGER NOT NULL,"
	"  chash INTEGER NOT NULL,"
	"  UNIQUE (sid, key)"
	");"
	"CREATE INDEX entry_canon ON entry (canon, sid);"
	"CREATE INDEX entry_story ON entry (story);"
	"CREATE TABLE tomb ("
	"  sid INTEGER NOT NULL REFERENCES source (sid),"
	"  key TEXT NOT NULL,"
	"  canon TEXT,"
	"  PRIMARY KEY (sid, key)"
	") WITHOUT ROWID;"
	"CREATE INDEX tomb_canon ON tomb (sid, canon);"
	"CREATE TABLE entry_topic ("
	"  eid INTEGER NOT NULL REFERENCES entry (eid) ON DELETE CASCADE,"
	"  topic TEXT NOT NULL,"
	"  score REAL NOT NULL DEFAULT 0,"
	"  why TEXT,"
	"  PRIMARY KEY (eid, topic)"
	") WITHOUT ROWID;"
	"CREATE TABLE story_topic ("
	"  topic TEXT NOT NULL,"
	"  upd INTEGER NOT NULL,"
	"  story INTEGER NOT NULL REFERENCES story (story) ON DELETE CASCADE,"
	"  PRIMARY KEY (topic, upd, story)"
	") WITHOUT ROWID;"
	"CREATE INDEX story_topic_story ON story_topic (story, topic);"
	"CREATE TABLE story_source ("
	"  sid INTEGER NOT NULL REFERENCES source (sid),"
	"  upd INTEGER NOT NULL,"
	"  story INTEGER NOT NULL REFERENCES story (story) ON DELETE CASCADE,"
	"  PRIMARY KEY (sid, upd, story)"
	") WITHOUT ROWID;"
	"CREATE INDEX story_source_story ON story_source (story);"
	"CREATE INDEX story_first ON story (first);"
	"CREATE VIRTUAL TABLE entry_fts USING fts5 (title, summary, content,"
	"  content = '', tokenize = 'unicode61 remove_diacritics 2');",
	/* 1 -> 2: when a source last brought a new entry, kept on its row
	 * so a restart knows it without reading the archive. */
	"ALTER TABLE source ADD COLUMN last_new INTEGER NOT NULL DEFAULT 0;"
	"UPDATE source SET last_new = coalesce((SELECT max(fetched) FROM"
	"  entry WHERE entry.sid = source.sid), 0);",
	/* 2 -> 3: stories whose text is not in entry_fts yet; the index is
	 * brought up to date off the ingest path (store_index). */
	"CREATE TABLE fts_pending ("
	"  story INTEGER PRIMARY KEY REFERENCES story (story)"
	"    ON DELETE CASCADE"
	");",
	/* 3 -> 4: the change hash takes the canonical link, so that links
	 * rotating their tracking parameters are no update. */
	"UPDATE entry"
	"  SET chash = pactfeed_chash(title, link,"
	"  summary, content);",
	/* 4 -> 5: stories above fts_mark are pending without a row in
	 * fts_pending, which cost a B-tree insert and a foreign key check
	 * per new story. Every story there is now is either indexed or
	 * listed. */
	"INSERT OR IGNORE INTO meta (name, value)"
	"  SELECT 'fts_mark', coalesce(max(story), 0) FROM story;"
	/* and the change hash reads words, not bytes (store_chash). */
	"UPDATE entry"
	"  SET chash = pactfeed_chash(title, link,"
	"  summary, content);",
	/* 5 -> 6: an entry's topics are a column of the entry row
	 * (store_topics_text) instead of a row each in entry_topic, whose
	 * inserts were a third of the B-tree writes of a tagged entry. */
	"ALTER TABLE entry ADD COLUMN topics TEXT;"
	"UPDATE entry SET topics = (SELECT group_concat(t.topic || char(31)"
	"  || CAST(round(t.score * 1000000) AS INTEGER) || char(31)"
	"  || replace(replace(coalesce(t.why, ''), char(30), ' '),"
	"  char(31), ' '), char(30))"
	"  FROM entry_topic t WHERE t.eid = entry.eid);"
	"DROP TABLE entry_topic;",
	/* 6 -> 7: story_topic and story_source are the stories' indexes by
	 * topic and by source, written only by this file beside the story
	 * row: their foreign keys (a lookup in story, and in source, per
	 * row stored) were 5% of an ingest's instructions. A story deleted
	 * deletes its rows itself (store_story_settle). */
	"CREATE TABLE story_topic7 ("
	"  topic TEXT NOT NULL,"
	"  upd INTEGER NOT NULL,"
	"  story INTEGER NOT NULL,"
	"  PRIMARY KEY (topic, upd, story)"
	") WITHOUT ROWID;"
	"INSERT INTO story_topic7 SELECT topic, upd, story FROM story_topic;"
	"DROP TABLE story_topic;"
	"ALTER TABLE story_topic7 RENAME TO story_topic;"
	"CREATE INDEX story_topic_story ON story_topic (story, topic);"
	"CREATE TABLE story_source7 ("
	"  sid INTEGER NOT NULL,"
	"  upd INTEGER NOT NULL,"
	"  story INTEGER NOT NULL,"
	"  PRIMARY KEY (sid, upd, story)"
	") WITHOUT ROWID;"
	"INSERT INTO story_source7 SELECT sid, upd, story FROM story_source;"
	"DROP TABLE story_source;"
	"ALTER TABLE story_source7 RENAME TO story_source;"
	"CREATE INDEX story_source_story ON story_source (story);",
};

#define STORE_NMIGRATIONS \
	(sizeof(store_migrations) / sizeof(store_migrations[0]))

/*
 * The keys and links stored, as a Bloom filter (store_seen_may): most
 * lookups of a new entry (by its key, by its link, their tombstones,
 * another source's entry with its link) find nothing, and a hash the
 * filter has never seen needs no B-tree seek. Built from the archive's
 * indexes when first needed; when full, a layer twice as large is
 * added (reading the archive again at each growth was 4% of a 200k
 * ingest's instructions). Dropped when another connection writes.
 * Pruned entries stay in it, as their tombstones stay in the archive.
 */
struct store_seen_layer {
	uint64_t	*blocks;	/* STORE_SEEN_WORDS words each */
	size_t		 nblocks;
	size_t		 n;		/* hashes added */
	size_t		 cap;		/* hashes it is sized for */
};

struct store_seen {
	struct store_seen_layer *l;	/* the last one takes new hashes */
	size_t		 nl;		/* 0: not built, every hash may be */
	int		 wait;		/* puts to make before building */
	size_t		 spared;	/* lookups spared in this put */
};

/* A cache line of 512 bits per hash, STORE_SEEN_PROBES bits set in it,
 * STORE_SEEN_BITS bits per hash sized for: about one false "may" in a
 * thousand per layer, which costs the lookup the filter would have
 * saved. */
#define STORE_SEEN_WORDS	8
#define STORE_SEEN_PROBES	6
#define STORE_SEEN_BITS		16
#define STORE_SEEN_MIN		65536	/* hashes sized for, at least */
#define STORE_SEEN_WAIT		64	/* puts without, after a drop */

struct store {
	sqlite3		*db;
	bool		 locked;	/* the last failure: another writer */
	sqlite3_stmt	*stmt[ST__MAX];
	time_t		 now;		/* 0: the clock */
	uint64_t	 gen;
	bool		 tombs;		/* any tombstone at all */
	int64_t		 data_version;	/* others' commits seen */
	int64_t		 fts_mark;	/* stories above it are pending */
	struct store_bucket *buckets[STORE_NBUCKETS];
	uint64_t	 tick;		/* for least recently used */
	char		*state[4];	/* strings of the last source_get */
	struct words	 words;		/* scratch */
	struct buf	 tbuf[3];	/* scratch: plain text for FTS */
	struct buf	 topicbuf;	/* scratch: store_topics_text() */
	struct store_ftsop *ftsq;	/* FTS writes queued */
	size_t		 nftsq;
	struct buf	 ftstext;	/* their text, NUL-separated */
	bool		 batch;		/* between store_batch_begin/end */
	bool		 batch_changed;	/* a feed of it wrote something */
	bool		 batch_lost;	/* SQLite rolled it all back */
	struct store_move *moves;	/* scratch: store_story_touch() */
	size_t		 capmoves;
	struct buf	 movetext;	/* their topic ids, NUL-separated */
	store_wal_fn	 wal_fn;	/* store_wal_notify() */
	void		*wal_arg;
	struct store_seen seen;		/* keys and links stored */
};

/* A connection that only checkpoints (store_ckpt_open()). */
struct store_ckpt {
	sqlite3		*db;
};

/* A story_topic or story_source row that a story's new upd moves. */
struct store_move {
	int64_t		 sid;		/* story_source */
	size_t		 topic;		/* story_topic: offset in movetext */
	time_t		 upd;
};

/* A story's title sketch, in the fortnight of the story's first date:
 * 20 bytes, as a cold start of thousands of sources puts hundreds of
 * thousands of stories in one fortnight. The key and title bits are
 * folded to 32 bits: a collision only makes a candidate that
 * store_story_verify() turns down. */
struct store_sketch {
	uint32_t	 key;
	uint32_t	 story;
	uint32_t	 first;		/* seconds into the fortnight */
	uint32_t	 bloom;		/* store_bloom_fold() */
	uint32_t	 next;		/* the next older of this key, + 1 */
};

/*
 * The sketches of one fortnight, in the order added since the array last
 * grew (store_bucket_grow lays the older ones out chain by chain), and
 * per key a chain from the newest to older ones: adding is constant
 * time and a lookup
 * reads at most STORE_CHAIN_MAX of a key, however many titles share it
 * (a source of near-identical titles must not make storing quadratic).
 */
struct store_bucket {
	int64_t		 b;		/* first date / STORE_BUCKET */
	uint64_t	 used;		/* tick of the last use */
	struct store_sketch *v;
	size_t		 n;
	size_t		 cap;
	uint32_t	*heads;		/* open addressing: newest of a key,
					   + 1; 0 is free */
	size_t		 nheads;
	size_t		 capheads;	/* a power of two */
};

#define STORE_CHAIN_MAX	64

struct store_ftsop {
	int64_t		 story;
	size_t		 off[3];	/* into ftstext */
};

/* A text's words as a set of hashes, for comparing two entries. */
struct store_fp {
	uint64_t	*title;		/* sorted, unique */
	size_t		 ntitle;
	size_t		 nspecific;	/* title words neither generic nor
					   numbers */
	uint64_t	 numbers;	/* the title's numbers, summed */
	uint64_t	*body;		/* sorted, unique */
	size_t		 nbody;
	bool		 has_body;	/* else store_fp_body() makes it */
	const char	*text;		/* from which */
	int		 text_type;
	const char	*canon;		/* canonical link, when specific */
	uint64_t	 min[STORE_NBAND][2];	/* bottom-2 sketches of the
						   title words */
	uint64_t	 bloom;		/* title words, one bit each */
};

/* One entry of the feed being stored. */
struct store_item {
	const struct entry *e;
	char		*canon;		/* canonical link, or NULL */
	bool		 canon_unique;	/* no other entry of the feed has it */
	bool		 link_story;	/* canon may join stories */
	char		*key;
	bool		 skip;		/* same key as an earlier entry */
	int64_t		 eid;		/* the stored entry it is, or 0 */
	bool		 via_canon;	/* found by link, under another key */
	uint64_t	 chash;
	int64_t		 story;
	time_t		 old_upd;
	bool		 tomb;
	/* Made by store_prepare() off the store's thread, or when stored: */
	bool		 prepared;
	uint64_t	 new_chash;
	struct store_fp	 fp;		/* of the title; moved out when used */
	bool		 has_fp;
	char		*json[4];	/* see store_bind_entry() */
	char		*topics;	/* store_topics_text() */
};

/* What storing a feed needs that depends on the feed alone. */
struct store_prep {
	const struct feed *f;
	size_t		 n;
	struct store_item *it;
};

/* Function words dropped before comparing titles and text. */
static const char *store_stopwords[] = {
	"a", "al", "am", "an", "and", "are", "as", "at", "au", "aux", "be",
	"by", "d", "da", "das", "de", "dem", "den", "der", "des", "di", "die",
	"du", "e", "ein", "eine", "el", "en", "et", "for", "from", "fur",
	"il", "im", "in", "is", "it", "its", "l", "la", "las", "le", "les",
	"lo", "los", "of", "on", "or", "par", "per", "pour", "s", "sur",
	"that", "the", "this", "to", "un", "und", "une", "von", "was",
	"with", "y", "zu",
};

#define STORE_STOPWORD_MAX	4	/* the longest above */

/* Words that say what kind of item it is, not what it is about: a title
 * made of these alone ("Weekly Bulletin", "Press release 12/2024") never
 * merges stories by itself. */
static const char *store_generic[] = {
	"alert", "announcement", "annual", "april", "august", "briefing",
	"bulletin", "communique", "daily", "december", "digest", "edition",
	"events", "february", "flash", "highlights", "info", "information",
	"issue", "january", "july", "june", "latest", "march", "may", "media",
	"monthly", "news", "newsletter", "no", "note", "november", "nr",
	"number", "october", "press", "release", "releases", "report",
	"roundup", "september", "statement", "summary", "today", "update",
	"updates", "week", "weekly", "year", "yearly",
};

struct store_item;

static int	 store_fail(struct store *, char *, size_t, const char *);
static int	 store_item_find(struct store *, int64_t, struct store_item *,
		    int, char **, size_t, char *, size_t);
static void	 store_buckets_reset(struct store *);
static void	 store_seen_drop(struct store_seen *);
static int	 store_fts_flush(struct store *, char *, size_t);
static int	 store_mark_load(struct store *, char *, size_t);
static int	 store_step_done(struct store *, enum store_stmt, char *,
		    size_t);

/* FNV-1a; callers finish it with text_mix() so that every bit is usable. */
static uint64_t
store_hash(uint64_t h, const void *p, size_t len)
{
	const unsigned char	*s = p;

	if (h == 0)
		h = 0xcbf29ce484222325ULL;
	for (size_t i = 0; i < len; i++) {
		h ^= s[i];
		h *= 0x100000001b3ULL;
	}
	return h;
}

/*
 * The change hash reads every byte of every entry on every fetch, so it
 * takes eight bytes a step (FNV-1a took ten instructions a byte), each
 * mixed by two multiplications so that every input bit reaches every
 * bit (one left high bits of a word barely mixed: a letter turned digit
 * at some offsets went unnoticed half the time). Words are read little
 * endian, so an archive moved to another machine hashes the same. The
 * length goes in too: "ab" then "c" differs from "a" then "bc".
 */
static uint64_t
store_chash_step(uint64_t h, uint64_t w)
{
	h = (h ^ w) * 0x9e3779b97f4a7c15ULL;
	h ^= h >> 29;
	h *= 0xbf58476d1ce4e5b9ULL;
	h ^= h >> 32;
	return h;
}

static uint64_t
store_chash_add(uint64_t h, const char *s)
{
	uint64_t	 w;
	size_t		 len, i;

	if (s == NULL)
		return store_chash_step(h, 0xff);
	len = strlen(s);
	for (i = 0; i + 8 <= len; i += 8) {
		memcpy(&w, s + i, 8);
		h = store_chash_step(h, le64toh(w));
	}
	w = 0;
	memcpy(&w, s + i, len - i);
	h = store_chash_step(h, le64toh(w));
	return store_chash_step(h, len);
}

static uint64_t
store_hash_str(uint64_t h, const char *s)
{
	if (s == NULL)
		return store_hash(h, "\x01", 1);
	return store_hash(store_hash(h, s, strlen(s)), "", 1);
}

static bool
store_in_list(const char *w, size_t len, const char **list, size_t n)
{
	size_t	lo = 0, hi = n;

	while (lo < hi) {
		size_t	mid = (lo + hi) / 2;
		int	c = strncmp(list[mid], w, len);

		if (c == 0 && list[mid][len] != '\0')
			c = 1;
		if (c == 0)
			return true;
		if (c < 0)
			lo = mid + 1;
		else
			hi = mid;
	}
	return false;
}

static size_t
store_uniq(uint64_t *v, size_t n)
{
	/* Ciura's gaps: a Shell sort compares inline, where qsort() called
	 * a function per comparison, for a few hundred words at most. */
	static const size_t gaps[] = { 701, 301, 132, 57, 23, 10, 4, 1 };
	size_t	o = 0;

	for (size_t g = 0; g < sizeof(gaps) / sizeof(gaps[0]); g++) {
		size_t	gap = gaps[g];

		for (size_t i = gap; i < n; i++) {
			uint64_t	x = v[i];
			size_t		j = i;

			for (; j >= gap && v[j - gap] > x; j -= gap)
				v[j] = v[j - gap];
			v[j] = x;
		}
	}
	for (size_t i = 0; i < n; i++)
		if (o == 0 || v[o - 1] != v[i])
			v[o++] = v[i];
	return o;
}

static size_t
store_common(const uint64_t *a, size_t na, const uint64_t *b, size_t nb)
{
	size_t	i = 0, j = 0, n = 0;

	while (i < na && j < nb) {
		if (a[i] < b[j])
			i++;
		else if (a[i] > b[j])
			j++;
		else {
			n++;
			i++;
			j++;
		}
	}
	return n;
}

/*
 * Appends the text of s to out: for HTML, tags become spaces and the
 * common entities are decoded. Cheap on purpose (see the file comment).
 */
static void
store_text_plain(struct buf *out, const char *s, int type, size_t max)
{
	static const struct {
		const char	*name;
		const char	*text;
	} ents[] = {
		{ "amp;", "&" }, { "lt;", "<" }, { "gt;", ">" },
		{ "quot;", "\"" }, { "apos;", "'" }, { "nbsp;", " " },
		{ "#39;", "'" },
	};
	size_t	start = out->len;

	if (s == NULL)
		return;
	if (out->len > 0)
		buf_addc(out, ' ');
	if (type == TEXT_PLAIN) {
		size_t	n = strlen(s);

		buf_add(out, s, n < max ? n : max);
		return;
	}
	while (*s != '\0' && out->len - start < max) {
		if (*s == '<') {
			const char *end = strchr(s, '>');

			if (end == NULL)
				break;
			buf_addc(out, ' ');
			s = end + 1;
		} else if (*s == '&') {
			size_t	i;

			for (i = 0; i < sizeof(ents) / sizeof(ents[0]); i++)
				if (strncmp(s + 1, ents[i].name,
				    strlen(ents[i].name)) == 0)
					break;
			if (i < sizeof(ents) / sizeof(ents[0])) {
				buf_adds(out, ents[i].text);
				s += 1 + strlen(ents[i].name);
			} else if (s[1] == '#') {
				char		*end;
				long		 c;
				utf8proc_uint8_t u[4];

				if (s[2] == 'x' || s[2] == 'X')
					c = strtol(s + 3, &end, 16);
				else
					c = strtol(s + 2, &end, 10);
				if (*end == ';' && c > 0 &&
				    utf8proc_codepoint_valid(c)) {
					buf_add(out, (char *)u,
					    utf8proc_encode_char(c, u));
					s = end + 1;
				} else
					buf_addc(out, *s++);
			} else
				buf_addc(out, *s++);
		} else {
			/* Text up to the next tag or entity, at once. */
			size_t	n = strcspn(s, "<&");

			if (n > max - (out->len - start))
				n = max - (out->len - start);
			buf_add(out, s, n);
			s += n;
		}
	}
}

/* Adds an entry's text to the FTS columns in st->tbuf[0..2] (emptied
 * first when `first`); store_fts_queue() ends them. */
static void
store_fts_text(struct store *st, bool first, const char *title, int ttype,
    const char *summary, int stype, const char *content, int ctype)
{
	if (first)
		for (int i = 0; i < 3; i++)
			buf_reset(&st->tbuf[i]);
	store_text_plain(&st->tbuf[0], title, ttype, STORE_FTS_MAX);
	store_text_plain(&st->tbuf[1], summary, stype, STORE_FTS_MAX);
	store_text_plain(&st->tbuf[2], content, ctype, STORE_FTS_MAX);
}

static void
store_fp_free(struct store_fp *fp)
{
	free(fp->title);
	free(fp->body);
	memset(fp, 0, sizeof(*fp));
}

/* The words of w from index `from` on, minus function words, hashed. */
static size_t
store_fp_words(struct words *w, size_t from, size_t max, uint64_t **out,
    size_t *nspecific, uint64_t *numbers)
{
	size_t	 n = 0;

	*out = xreallocarray(NULL, w->n - from + 1, sizeof(**out));
	if (nspecific != NULL)
		*nspecific = 0;
	for (size_t i = from; i < w->n && n < max; i++) {
		const char	*s = w->text + w->v[i].off;
		size_t		 len = w->v[i].len;
		bool		 digits = true;

		if (len <= STORE_STOPWORD_MAX && store_in_list(s, len,
		    store_stopwords,
		    sizeof(store_stopwords) / sizeof(store_stopwords[0])))
			continue;
		for (size_t j = 0; j < len; j++)
			if (!isdigit((unsigned char)s[j]))
				digits = false;
		if (nspecific != NULL && !digits && !store_in_list(s, len,
		    store_generic,
		    sizeof(store_generic) / sizeof(store_generic[0])))
			(*nspecific)++;
		(*out)[n] = text_mix(store_hash(0, s, len));
		if (numbers != NULL && digits) {
			/* Each number once, whatever the order. */
			bool	again = false;

			for (size_t j = 0; j < n; j++)
				if ((*out)[j] == (*out)[n])
					again = true;
			if (!again)
				*numbers += (*out)[n];
		}
		n++;
	}
	return n;
}

/* Whether a canonical link names one item rather than a whole site. */
static bool
store_link_specific(const char *canon)
{
	const char	*p;

	if (canon == NULL || (p = strstr(canon, "://")) == NULL)
		return false;
	if ((p = strchr(p + 3, '/')) == NULL)
		return false;
	return p[1] != '\0';
}

/* words_split() on b: normalised (NFKC, case folded, marks stripped)
 * words, the same form the tagger matches on. */
static void
store_words_split(struct words *w, const struct buf *b)
{
	if (b->s != NULL)
		words_split(w, b->s, b->len);
}

/* Fingerprint of an entry's title; its text (summary, else content)
 * is only remembered: most entries match no story by title, and then
 * their text is never compared (store_fp_body() makes it when it is). */
static void
store_fp_title(struct words *w, struct buf *b, struct store_fp *fp,
    const char *title, int ttype, const char *summary, int stype,
    const char *content, int ctype)
{
	memset(fp, 0, sizeof(*fp));
	if (summary != NULL && !text_is_blank(summary)) {
		fp->text = summary;
		fp->text_type = stype;
	} else {
		fp->text = content;
		fp->text_type = ctype;
	}
	buf_reset(b);
	words_clear(w);
	store_text_plain(b, title, ttype, 4096);
	store_words_split(w, b);
	fp->ntitle = store_fp_words(w, 0, 64, &fp->title, &fp->nspecific,
	    &fp->numbers);
	fp->ntitle = store_uniq(fp->title, fp->ntitle);
	for (size_t j = 0; j < fp->ntitle; j++)
		fp->bloom |= 1ULL << (fp->title[j] >> 58);
	for (int i = 0; i < STORE_NBAND; i++) {
		uint64_t	*m = fp->min[i];

		m[0] = m[1] = UINT64_MAX;
		for (size_t j = 0; j < fp->ntitle; j++) {
			uint64_t h = text_mix(fp->title[j] ^
			    (0x9e3779b97f4a7c15ULL * (uint64_t)(i + 1)));

			if (h < m[0]) {
				m[1] = m[0];
				m[0] = h;
			} else if (h < m[1])
				m[1] = h;
		}
	}
}

static void
store_fp_make(struct store *st, struct store_fp *fp, const char *title,
    int ttype, const char *summary, int stype, const char *content,
    int ctype)
{
	store_fp_title(&st->words, &st->tbuf[0], fp, title, ttype, summary,
	    stype, content, ctype);
}

/* The text part of a fingerprint, from the text store_fp_make() kept
 * (which must still be alive). */
static void
store_fp_body(struct store *st, struct store_fp *fp)
{
	struct buf	*b = &st->tbuf[0];
	struct words	*w = &st->words;

	if (fp->has_body)
		return;
	fp->has_body = true;
	buf_reset(b);
	words_clear(w);
	store_text_plain(b, fp->text, fp->text_type, 16384);
	store_words_split(w, b);
	fp->nbody = store_fp_words(w, 0, STORE_BODY_WORDS, &fp->body, NULL,
	    NULL);
	fp->nbody = store_uniq(fp->body, fp->nbody);
	fp->text = NULL;
}

/* Title bits folded to 32 by OR, which keeps "a subset of b", and so
 * every pair store_bloom_near() accepts unfolded. */
static uint32_t
store_bloom_fold(uint64_t bloom)
{
	return (uint32_t)(bloom | bloom >> 32);
}

/* Whether one title's words may be a subset of the other's with at most
 * three more, judged by their one-word-per-bit summaries. */
static bool
store_bloom_near(uint32_t a, uint32_t b)
{
	uint32_t	onlya = a & ~b, onlyb = b & ~a;

	if (onlya != 0 && onlyb != 0)
		return false;
	return __builtin_popcount(onlya | onlyb) <= 3;
}

/*
 * The key of sketch i. A sketch is the two title words that hash lowest
 * under hash function i (a bottom-2 MinHash): one common word that
 * happens to hash low is not enough to make two titles candidates.
 */
static uint32_t
store_min_key(const struct store_fp *fp, int i)
{
	uint64_t	a = fp->min[i][0], b = fp->min[i][1];
	uint32_t	h;

	h = (uint32_t)(text_mix(a ^ (b << 29 | b >> 35) ^ (uint64_t)i) >> 32);
	return h == 0 ? 1 : h;
}

/*
 * Whether two entries are the same news. Title words may differ only by
 * additions on one side ("Press release: X", "X | ECRE"), never by
 * substitution: "... on screening regulation" and "... on Eurodac
 * regulation" stay apart whatever their text. Numbers are details that
 * tell news apart ("meeting 12", "2025 budget"): both titles must have
 * the same ones. With text on both sides
 * the texts must overlap (one mostly contained in the other); without, the
 * titles alone must be specific (not "Weekly Bulletin") and near-equal.
 */
static bool
store_fp_same(const struct store_fp *a, const struct store_fp *b)
{
	size_t	common, onlya, onlyb, cb, minb;

	if (a->numbers != b->numbers)
		return false;
	common = store_common(a->title, a->ntitle, b->title, b->ntitle);
	onlya = a->ntitle - common;
	onlyb = b->ntitle - common;
	if (onlya > 0 && onlyb > 0)
		return false;
	if (onlya + onlyb > 3)
		return false;
	if (a->nbody >= STORE_BODY_MIN && b->nbody >= STORE_BODY_MIN) {
		cb = store_common(a->body, a->nbody, b->body, b->nbody);
		minb = a->nbody < b->nbody ? a->nbody : b->nbody;
		if (a->nspecific < 3 || b->nspecific < 3)
			/* Generic title: the text alone must say it. */
			return minb >= 20 && cb * 10 >= minb * 9;
		return cb * 10 >= minb * 7;
	}
	if (a->nspecific < 3 || b->nspecific < 3)
		return false;
	return onlya + onlyb <= 2 && common >= 4;
}

static time_t
store_now(struct store *st)
{
	return st->now != 0 ? st->now : time(NULL);
}

/* The date an entry sorts by: updated, else published, else now; never
 * in the future. */
static time_t
store_entry_date(struct store *st, const struct entry *e)
{
	time_t	now = store_now(st), d;

	d = e->updated != DATE_NONE ? e->updated :
	    e->published != DATE_NONE ? e->published : now;
	return d > now ? now : d;
}

/* "en-GB" -> "en"; NULL for anything that is no language tag. */
static void
store_lang(const char *lang, char out[9])
{
	size_t	i;

	out[0] = '\0';
	if (lang == NULL)
		return;
	for (i = 0; i < 8 && isalpha((unsigned char)lang[i]); i++)
		out[i] = tolower((unsigned char)lang[i]);
	out[i] = '\0';
	if (lang[i] != '\0' && lang[i] != '-' && lang[i] != '_')
		out[0] = '\0';
}

/* The hash that tells a real change of an entry: its title, text and
 * canonical link (a link that only gained or lost tracking parameters,
 * as some feeds rotate utm_source, is no change), and whether the link
 * is https, which canonical links do not tell (a site moving to https
 * changes what readers should follow). */
static uint64_t
store_chash(const char *title, const char *canon, const char *link,
    const char *summary, const char *content)
{
	uint64_t	h = 0;
	bool		tls;

	while (link != NULL && (*link == ' ' || *link == '\t' ||
	    *link == '\n' || *link == '\r'))
		link++;
	tls = link != NULL && strncasecmp(link, "https:", 6) == 0;
	h = store_chash_add(h, title);
	h = store_chash_add(h, canon);
	h = store_chash_step(h, tls);
	h = store_chash_add(h, summary);
	h = store_chash_add(h, content);
	return text_mix(h);
}

/* The canonical form of a link as store_items_canon() makes it. */
static char *
store_link_canon(const char *link)
{
	char	*c;

	if (link == NULL || text_is_blank(link))
		return NULL;
	return (c = url_canonical(link)) != NULL ? c : xstrdup(link);
}

static uint64_t
store_entry_chash(const struct entry *e, const char *canon)
{
	return store_chash(e->title, canon != NULL ? canon : e->link,
	    e->link, e->summary, e->content);
}

/* pactfeed_chash(title, link, summary, content) for the migration that
 * moved the hash to canonical links. */
static void
store_sql_chash(sqlite3_context *ctx, int argc, sqlite3_value **argv)
{
	const char	*v[4];
	char		*canon;

	(void)argc;
	for (int i = 0; i < 4; i++)
		v[i] = (const char *)sqlite3_value_text(argv[i]);
	canon = store_link_canon(v[1]);
	sqlite3_result_int64(ctx, (int64_t)store_chash(v[0],
	    canon != NULL ? canon : v[1], v[1], v[2], v[3]));
	free(canon);
}

/* Binding helpers: NULL stays NULL. */
static void
store_bind_text(sqlite3_stmt *s, int i, const char *v)
{
	if (v == NULL)
		sqlite3_bind_null(s, i);
	else
		sqlite3_bind_text(s, i, v, -1, SQLITE_STATIC);
}

static void
store_bind_date(sqlite3_stmt *s, int i, time_t t)
{
	if (t == DATE_NONE)
		sqlite3_bind_null(s, i);
	else
		sqlite3_bind_int64(s, i, t);
}

static const char *
store_col_text(sqlite3_stmt *s, int i)
{
	return (const char *)sqlite3_column_text(s, i);
}

static time_t
store_col_date(sqlite3_stmt *s, int i)
{
	if (sqlite3_column_type(s, i) == SQLITE_NULL)
		return DATE_NONE;
	return sqlite3_column_int64(s, i);
}

/* The errno of a failed write: SQLite keeps it on the file that failed,
 * the database's or its -wal's, by the time the statement returns. */
static int
store_last_errno(sqlite3 *db)
{
	sqlite3_file	*jf = NULL;
	int		 e = sqlite3_system_errno(db);

	if (e == 0)
		sqlite3_file_control(db, "main", SQLITE_FCNTL_LAST_ERRNO, &e);
	if (e == 0 && sqlite3_file_control(db, "main",
	    SQLITE_FCNTL_JOURNAL_POINTER, &jf) == SQLITE_OK && jf != NULL &&
	    jf->pMethods != NULL)
		jf->pMethods->xFileControl(jf, SQLITE_FCNTL_LAST_ERRNO, &e);
	return e;
}

/* SQLite's message, with the system's reason when the disk failed
 * ("disk I/O error" alone does not say the disk is read-only). */
static void
store_errmsg(sqlite3 *db, char *buf, size_t len)
{
	int	e = sqlite3_errcode(db) == SQLITE_IOERR ?
		    store_last_errno(db) : sqlite3_system_errno(db);

	switch (sqlite3_errcode(db)) {
	case SQLITE_IOERR:
	case SQLITE_FULL:
	case SQLITE_CANTOPEN:
	case SQLITE_READONLY:
		if (e != 0) {
			snprintf(buf, len, "%s (%s)", sqlite3_errmsg(db),
			    strerror(e));
			return;
		}
		break;
	default:
		break;
	}
	snprintf(buf, len, "%s", sqlite3_errmsg(db));
}

static int
store_fail(struct store *st, char *err, size_t errlen, const char *what)
{
	char	msg[256];

	store_errmsg(st->db, msg, sizeof(msg));
	snprintf(err, errlen, "%s: %s", what, msg);
	st->locked = (sqlite3_errcode(st->db) & 0xff) == SQLITE_BUSY;
	return -1;
}

/* Runs a statement that returns no rows, then resets it. */
static int
store_step_done(struct store *st, enum store_stmt i, char *err,
    size_t errlen)
{
	sqlite3_stmt	*s = st->stmt[i];
	int		 rc;

	rc = sqlite3_step(s);
	if (rc != SQLITE_DONE && rc != SQLITE_ROW) {
		store_fail(st, err, errlen, "sqlite");
		sqlite3_reset(s);
		return -1;
	}
	sqlite3_reset(s);
	sqlite3_clear_bindings(s);
	return 0;
}

/* Steps a statement expected to give at most a row: 1 row, 0 none,
 * -1 error. The caller reads the row, then resets. */
static int
store_step_row(struct store *st, enum store_stmt i, char *err,
    size_t errlen)
{
	int	rc = sqlite3_step(st->stmt[i]);

	if (rc == SQLITE_ROW)
		return 1;
	if (rc == SQLITE_DONE)
		return 0;
	store_fail(st, err, errlen, "sqlite");
	return -1;
}

static void
store_reset(struct store *st, enum store_stmt i)
{
	sqlite3_reset(st->stmt[i]);
	sqlite3_clear_bindings(st->stmt[i]);
}

static int
store_migrate(struct store *st, char *err, size_t errlen)
{
	sqlite3_stmt	*s;
	int		 version;
	char		*msg = NULL;

	if (sqlite3_prepare_v2(st->db, "PRAGMA user_version", -1, &s,
	    NULL) != SQLITE_OK)
		return store_fail(st, err, errlen, "user_version");
	version = sqlite3_step(s) == SQLITE_ROW ? sqlite3_column_int(s, 0) : 0;
	sqlite3_finalize(s);
	if (sqlite3_create_function(st->db, "pactfeed_chash", 4,
	    SQLITE_UTF8 | SQLITE_DETERMINISTIC, NULL, store_sql_chash, NULL,
	    NULL) != SQLITE_OK)
		return store_fail(st, err, errlen, "pactfeed_chash");
	if (version > (int)STORE_NMIGRATIONS) {
		snprintf(err, errlen, "database schema %d is newer than this "
		    "program (%zu)", version, STORE_NMIGRATIONS);
		return -1;
	}
	for (size_t i = version; i < STORE_NMIGRATIONS; i++) {
		char	 sql[64];

		snprintf(sql, sizeof(sql), ";PRAGMA user_version = %zu;"
		    "COMMIT", i + 1);
		if (sqlite3_exec(st->db, "BEGIN IMMEDIATE", NULL, NULL,
		    &msg) != SQLITE_OK ||
		    sqlite3_exec(st->db, store_migrations[i], NULL, NULL,
		    &msg) != SQLITE_OK ||
		    sqlite3_exec(st->db, sql + 1, NULL, NULL, &msg) !=
		    SQLITE_OK) {
			snprintf(err, errlen, "migration %zu: %s", i + 1,
			    msg != NULL ? msg : sqlite3_errmsg(st->db));
			sqlite3_free(msg);
			sqlite3_exec(st->db, "ROLLBACK", NULL, NULL, NULL);
			return -1;
		}
	}
	return 0;
}

/* Read-only: no schema change, so the schema must be this program's. */
static int
store_check_version(struct store *st, char *err, size_t errlen)
{
	sqlite3_stmt	*s;
	int		 version;

	if (sqlite3_prepare_v2(st->db, "PRAGMA user_version", -1, &s,
	    NULL) != SQLITE_OK)
		return store_fail(st, err, errlen, "user_version");
	version = sqlite3_step(s) == SQLITE_ROW ? sqlite3_column_int(s, 0) : 0;
	sqlite3_finalize(s);
	if (version != (int)STORE_NMIGRATIONS) {
		snprintf(err, errlen, "database schema %d, not %zu: it must be "
		    "writable to be brought up to date", version,
		    STORE_NMIGRATIONS);
		return -1;
	}
	return 0;
}

/*
 * readonly 0: for writing; 1: read-only; 2: read-only and immutable, for
 * a database in WAL mode on a read-only directory, which SQLite cannot
 * open otherwise (no -wal or -shm can be made): safe only when there is
 * no -wal file, as then the database file holds every commit.
 */
static struct store *
store_open_mode(const char *path, int readonly, char *err, size_t errlen)
{
	struct store	*st;
	sqlite3_stmt	*s;
	struct buf	 uri = { 0 };
	char		*msg = NULL, emsg[256];
	int		 rc;

	/* SQLite's allocation statistics take a global mutex on every
	 * allocation; nothing here reads them. Only possible before SQLite
	 * is first used, so later calls fail harmlessly. */
	(void)sqlite3_config(SQLITE_CONFIG_MEMSTATUS, 0);
	st = xcalloc(1, sizeof(*st));
	/* One thread uses a store: no mutex around every SQLite call. */
	if (readonly == 2) {
		buf_adds(&uri, "file:");
		for (const char *p = path; *p != '\0'; p++) {
			if (*p == '?' || *p == '#' || *p == '%')
				buf_printf(&uri, "%%%02X", (unsigned char)*p);
			else
				buf_addc(&uri, *p);
		}
		buf_adds(&uri, "?immutable=1");
		rc = sqlite3_open_v2(uri.s, &st->db, SQLITE_OPEN_READONLY |
		    SQLITE_OPEN_URI | SQLITE_OPEN_NOMUTEX, NULL);
		buf_free(&uri);
	} else
		rc = sqlite3_open_v2(path, &st->db, SQLITE_OPEN_NOMUTEX |
		    (readonly ? SQLITE_OPEN_READONLY : SQLITE_OPEN_READWRITE |
		    SQLITE_OPEN_CREATE), NULL);
	if (rc != SQLITE_OK)
		goto fail;
	/* SQLite falls back to reading a file it cannot write: not what
	 * a writer asked for. */
	if (!readonly && sqlite3_db_readonly(st->db, "main") == 1) {
		snprintf(err, errlen, "%s: the file cannot be written", path);
		store_close(st);
		return NULL;
	}
	sqlite3_busy_timeout(st->db, STORE_BUSY_MS);
	/*
	 * A checkpoint every 10,000 WAL pages (40 MB) rather than 1,000:
	 * the index pages an ingest dirties are copied back once per
	 * checkpoint, not once per batch, and fsync runs a tenth as often
	 * (ingest wall time was a third waiting for it). A WAL grown past
	 * 64 MiB, while a reader held a checkpoint back, is cut back after.
	 */
	if (sqlite3_exec(st->db, readonly ? "PRAGMA query_only = ON;" :
	    "PRAGMA journal_mode = WAL;"
	    "PRAGMA synchronous = NORMAL;"
	    "PRAGMA wal_autocheckpoint = " STORE_STR(STORE_AUTOCKPT) ";"
	    "PRAGMA journal_size_limit = 67108864;", NULL, NULL,
	    &msg) != SQLITE_OK ||
	    /* An 8 MiB page cache: the kernel's page cache holds the rest
	     * as well, and 5,000 sources must fit in 64 MiB in all. Debian
	     * builds SQLite with secure_delete on, which zeroes what a move
	     * or an update frees: nothing here is secret. */
	    sqlite3_exec(st->db, "PRAGMA foreign_keys = ON;"
	    "PRAGMA temp_store = MEMORY;"
	    "PRAGMA secure_delete = OFF;"
	    "PRAGMA cache_size = -8192;", NULL, NULL, &msg) != SQLITE_OK) {
		store_errmsg(st->db, emsg, sizeof(emsg));
		snprintf(err, errlen, "%s: %s", path, emsg);
		sqlite3_free(msg);
		store_close(st);
		return NULL;
	}
	if ((readonly ? store_check_version(st, err, errlen) :
	    store_migrate(st, err, errlen)) == -1) {
		store_close(st);
		return NULL;
	}
	for (int i = 0; i < ST__MAX; i++)
		if (sqlite3_prepare_v3(st->db, store_sql[i], -1,
		    SQLITE_PREPARE_PERSISTENT, &st->stmt[i], NULL) !=
		    SQLITE_OK)
			goto fail;
	if (sqlite3_prepare_v2(st->db, "SELECT value FROM meta"
	    " WHERE name = 'generation'", -1, &s, NULL) != SQLITE_OK)
		goto fail;
	if (sqlite3_step(s) == SQLITE_ROW)
		st->gen = sqlite3_column_int64(s, 0);
	sqlite3_finalize(s);
	if (sqlite3_prepare_v2(st->db, "SELECT 1 FROM tomb LIMIT 1", -1, &s,
	    NULL) != SQLITE_OK)
		goto fail;
	st->tombs = sqlite3_step(s) == SQLITE_ROW;
	sqlite3_finalize(s);
	{
		char	merr[512];

		if (store_mark_load(st, merr, sizeof(merr)) == -1) {
			snprintf(err, errlen, "%s: %s", path, merr);
			store_close(st);
			return NULL;
		}
	}
	return st;
fail:
	if (st->db == NULL)
		snprintf(emsg, sizeof(emsg), "out of memory");
	else
		store_errmsg(st->db, emsg, sizeof(emsg));
	snprintf(err, errlen, "%s: %s", path, emsg);
	store_close(st);
	return NULL;
}

struct store *
store_open(const char *path, char *err, size_t errlen)
{
	return store_open_mode(path, 0, err, errlen);
}

struct store *
store_open_readonly(const char *path, char *err, size_t errlen)
{
	struct store	*st;
	char		*wal;

	if ((st = store_open_mode(path, 1, err, errlen)) != NULL)
		return st;
	wal = xasprintf("%s-wal", path);
	if (access(wal, F_OK) == -1 && errno == ENOENT)
		st = store_open_mode(path, 2, err, errlen);
	free(wal);
	return st;
}

void
store_close(struct store *st)
{
	if (st == NULL)
		return;
	for (int i = 0; i < ST__MAX; i++)
		sqlite3_finalize(st->stmt[i]);
	sqlite3_close(st->db);
	for (size_t i = 0; i < sizeof(st->state) / sizeof(st->state[0]); i++)
		free(st->state[i]);
	words_free(&st->words);
	for (int i = 0; i < 3; i++)
		buf_free(&st->tbuf[i]);
	buf_free(&st->ftstext);
	buf_free(&st->topicbuf);
	buf_free(&st->movetext);
	store_seen_drop(&st->seen);
	free(st->moves);
	free(st->ftsq);
	store_buckets_reset(st);
	free(st);
}

void
store_set_now(struct store *st, time_t now)
{
	st->now = now;
}

static int	store_sync(struct store *, char *, size_t);

/* The FTS mark as committed: stories above it are pending. */
static int
store_mark_load(struct store *st, char *err, size_t errlen)
{
	int	r;

	if ((r = store_step_row(st, ST_MARK_GET, err, errlen)) == 1)
		st->fts_mark = sqlite3_column_int64(st->stmt[ST_MARK_GET], 0);
	store_reset(st, ST_MARK_GET);
	if (r == 0) {
		snprintf(err, errlen, "store: fts_mark missing from meta");
		return -1;
	}
	return r == -1 ? -1 : 0;
}

uint64_t
store_generation(struct store *st)
{
	/* Another process (a cron fetch --once beside serve) commits
	 * without us seeing it: data_version tells, cheaply, and
	 * store_sync reads the generation it wrote from meta. */
	if (sqlite3_get_autocommit(st->db))
		(void)store_sync(st, NULL, 0);
	return st->gen;
}

static int
store_begin(struct store *st, char *err, size_t errlen)
{
	if (store_step_done(st, ST_BEGIN, err, errlen) == -1)
		return -1;
	/* With the write lock: what another process committed is seen
	 * (the FTS mark above all, which decides what is pending). */
	if (store_sync(st, err, errlen) == -1) {
		store_step_done(st, ST_ROLLBACK, NULL, 0);
		return -1;
	}
	return 0;
}

static int
store_commit(struct store *st, bool changed, char *err, size_t errlen)
{
	int	rc;

	if (changed) {
		if ((rc = store_step_row(st, ST_GEN_BUMP, err, errlen)) == -1)
			goto fail;
		store_reset(st, ST_GEN_BUMP);
	}
	if (store_step_done(st, ST_COMMIT, err, errlen) == -1)
		goto fail;
	if (changed)
		st->gen++;
	return 0;
fail:
	store_step_done(st, ST_ROLLBACK, NULL, 0);
	return -1;
}

static void
store_rollback(struct store *st)
{
	st->nftsq = 0;
	buf_reset(&st->ftstext);
	store_buckets_reset(st);
	if (!sqlite3_get_autocommit(st->db))
		store_step_done(st, ST_ROLLBACK, NULL, 0);
}

/* Another process wrote: its stories are not in our sketches. Called
 * at the start of each transaction. */
static int
store_sync(struct store *st, char *err, size_t errlen)
{
	int64_t	v;
	int	r;

	if ((r = store_step_row(st, ST_DATA_VERSION, err, errlen)) == 1 &&
	    (v = sqlite3_column_int64(st->stmt[ST_DATA_VERSION], 0)) !=
	    st->data_version) {
		store_reset(st, ST_DATA_VERSION);
		store_buckets_reset(st);
		/* Built again once the other writer seems done: each build
		 * reads the archive's keys. */
		if (st->seen.nl != 0)
			st->seen.wait = STORE_SEEN_WAIT;
		store_seen_drop(&st->seen);
		/* Whoever consumes the change reads what it moved: the
		 * mark, and the generation (else a transaction begun
		 * here, as store_index's, hides it from
		 * store_generation). Seen only once both are read. */
		if (store_mark_load(st, err, errlen) == -1)
			return -1;
		if ((r = store_step_row(st, ST_GEN_GET, err, errlen)) == 1)
			st->gen = sqlite3_column_int64(st->stmt[ST_GEN_GET],
			    0);
		store_reset(st, ST_GEN_GET);
		if (r == -1)
			return -1;
		st->data_version = v;
		return 0;
	}
	store_reset(st, ST_DATA_VERSION);
	return r == -1 ? -1 : 0;
}

int
store_batch_begin(struct store *st, char *err, size_t errlen)
{
	if (st->batch) {
		snprintf(err, errlen, "store: batch already begun");
		return -1;
	}
	if (store_begin(st, err, errlen) == -1)
		return -1;
	st->batch = true;
	st->batch_changed = false;
	st->batch_lost = false;
	return 0;
}

/* The queued FTS rows of the whole batch go in at once (see
 * store_fts_queue()), then the one commit. */
int
store_batch_end(struct store *st, char *err, size_t errlen)
{
	bool	lost = st->batch_lost;

	if (!st->batch) {
		snprintf(err, errlen, "store: no batch begun");
		return -1;
	}
	st->batch = false;
	st->batch_lost = false;
	if (lost) {
		snprintf(err, errlen, "store: the batch was rolled back by "
		    "an earlier error");
		store_rollback(st);
		return -1;
	}
	if (store_fts_flush(st, err, errlen) == -1 ||
	    store_commit(st, st->batch_changed, err, errlen) == -1) {
		store_rollback(st);
		return -1;
	}
	return 0;
}

/* A feed's own unit of work: a transaction, or within a batch a
 * savepoint. *mark remembers the FTS queue to cut back to on failure. */
static int
store_feed_begin(struct store *st, size_t mark[2], char *err, size_t errlen)
{
	mark[0] = st->nftsq;
	mark[1] = st->ftstext.len;
	if (!st->batch) {
		return store_begin(st, err, errlen);
	}
	/* SQLite may have rolled the batch back in a statement of no feed
	 * (a source's state): a SAVEPOINT now would begin a transaction
	 * of its own, unsynced. */
	if (sqlite3_get_autocommit(st->db))
		st->batch_lost = true;
	if (st->batch_lost) {
		snprintf(err, errlen, "store: the batch was rolled back by "
		    "an earlier error");
		return -1;
	}
	return store_step_done(st, ST_SP_BEGIN, err, errlen);
}

static int
store_feed_end(struct store *st, bool changed, char *err, size_t errlen)
{
	if (!st->batch) {
		if (store_fts_flush(st, err, errlen) == -1)
			return -1;
		return store_commit(st, changed, err, errlen);
	}
	if (store_step_done(st, ST_SP_RELEASE, err, errlen) == -1)
		return -1;
	if (changed)
		st->batch_changed = true;
	return 0;
}

/* Undoes a feed: the whole transaction, or back to its savepoint (the
 * sketches may hold its stories: they are rebuilt when needed). When
 * SQLite has already rolled the whole batch back, the rest of the batch
 * fails. */
static void
store_feed_abort(struct store *st, const size_t mark[2])
{
	if (!st->batch) {
		store_rollback(st);
		return;
	}
	store_buckets_reset(st);
	if (sqlite3_get_autocommit(st->db) ||
	    store_step_done(st, ST_SP_ROLLBACK, NULL, 0) == -1 ||
	    store_step_done(st, ST_SP_RELEASE, NULL, 0) == -1) {
		st->batch_lost = true;
		store_rollback(st);
		return;
	}
	st->nftsq = mark[0];
	st->ftstext.len = mark[1];
}

/* The source's row id, made when new; *mode is its key mode. */
static int
store_source_id(struct store *st, const char *name, bool create,
    int64_t *sid, int *mode, char *err, size_t errlen)
{
	int	rc;

	sqlite3_bind_text(st->stmt[ST_SRC_FIND], 1, name, -1, SQLITE_STATIC);
	rc = store_step_row(st, ST_SRC_FIND, err, errlen);
	if (rc == 1) {
		*sid = sqlite3_column_int64(st->stmt[ST_SRC_FIND], 0);
		if (mode != NULL)
			*mode = sqlite3_column_int(st->stmt[ST_SRC_FIND], 1);
	}
	store_reset(st, ST_SRC_FIND);
	if (rc != 0)
		return rc == 1 ? 0 : -1;
	if (!create) {
		*sid = 0;
		return 0;
	}
	sqlite3_bind_text(st->stmt[ST_SRC_ADD], 1, name, -1, SQLITE_STATIC);
	if (store_step_done(st, ST_SRC_ADD, err, errlen) == -1)
		return -1;
	*sid = sqlite3_last_insert_rowid(st->db);
	if (mode != NULL)
		*mode = STORE_KEY_ID;
	return 0;
}

static char *
store_hash_key(const struct entry *e)
{
	uint64_t	h = 0;
	time_t		d;

	d = e->published != DATE_NONE ? e->published : e->updated;
	h = store_hash_str(h, e->title);
	h = store_hash(h, &d, sizeof(d));
	if (e->title == NULL)
		h = store_hash_str(h, e->summary != NULL ? e->summary :
		    e->content);
	return xasprintf("h:%016" PRIx64, text_mix(h));
}

static int
store_cmp_str(const void *a, const void *b)
{
	const char *x = *(const char *const *)a, *y = *(const char *const *)b;

	return strcmp(x, y);
}

/* Items by key, then by position in the feed. */
static int
store_cmp_item(const void *a, const void *b)
{
	const struct store_item *x = *(const struct store_item *const *)a;
	const struct store_item *y = *(const struct store_item *const *)b;
	int	c = strcmp(x->key, y->key);

	if (c != 0)
		return c;
	return x < y ? -1 : x > y;
}

/* Items by id, then canonical link (NULL first). */
static int
store_cmp_item_id(const void *a, const void *b)
{
	const struct store_item *x = *(const struct store_item *const *)a;
	const struct store_item *y = *(const struct store_item *const *)b;
	int	c = strcmp(x->e->id, y->e->id);

	if (c != 0 || x->canon == y->canon)
		return c;
	if (x->canon == NULL || y->canon == NULL)
		return x->canon == NULL ? -1 : 1;
	return strcmp(x->canon, y->canon);
}

static bool
store_has_id(const struct entry *e)
{
	return e->id != NULL && !text_is_blank(e->id);
}

/* Keys for every item under the given mode; marks repeats. */
static void
store_items_key(struct store_item *it, size_t n, int mode)
{
	struct store_item	**v;

	for (size_t i = 0; i < n; i++) {
		free(it[i].key);
		if (mode == STORE_KEY_ID && store_has_id(it[i].e))
			it[i].key = xstrdup(it[i].e->id);
		else if (it[i].canon != NULL && it[i].canon_unique)
			it[i].key = xstrdup(it[i].canon);
		else
			it[i].key = store_hash_key(it[i].e);
		it[i].skip = false;
	}
	/* The first of several items with one key wins, so that a feed
	 * repeating a key never flip-flops the stored entry. */
	v = xreallocarray(NULL, n + 1, sizeof(*v));
	for (size_t i = 0; i < n; i++)
		v[i] = &it[i];
	qsort(v, n, sizeof(*v), store_cmp_item);
	for (size_t i = 1; i < n; i++)
		if (strcmp(v[i - 1]->key, v[i]->key) == 0)
			v[i]->skip = true;
	free(v);
}

/* Whether key is among the items' keys (sorted copy in keys). */
static bool
store_keys_have(char **keys, size_t n, const char *key)
{
	return bsearch(&key, keys, n, sizeof(*keys), store_cmp_str) != NULL;
}

/* Canonical links, and which of them are unique within the feed. */
static void
store_items_canon(struct store_item *it, size_t n)
{
	char	**v;
	size_t	  nv = 0;

	v = xreallocarray(NULL, n + 1, sizeof(*v));
	for (size_t i = 0; i < n; i++) {
		const char *link = it[i].e->link;

		if ((it[i].canon = store_link_canon(link)) != NULL)
			v[nv++] = it[i].canon;
	}
	qsort(v, nv, sizeof(*v), store_cmp_str);
	for (size_t i = 0; i < n; i++) {
		char **k;
		bool   dup = false;

		if (it[i].canon == NULL)
			continue;
		k = bsearch(&it[i].canon, v, nv, sizeof(*v), store_cmp_str);
		if ((k > v && strcmp(k[-1], it[i].canon) == 0) ||
		    (k + 1 < v + nv && strcmp(k[1], it[i].canon) == 0))
			dup = true;
		it[i].canon_unique = !dup;
		it[i].link_story = !dup && store_link_specific(it[i].canon);
	}
	free(v);
}

/* Whether the source gives one id to several different items: other
 * links, or without links other titles or text (one item listed twice is
 * merely repeated). */
static bool
store_ids_shared(struct store_item *it, size_t n)
{
	struct store_item **byid;
	size_t		  nbyid = 0;
	bool		  broken = false;

	byid = xreallocarray(NULL, n + 1, sizeof(*byid));
	for (size_t i = 0; i < n; i++)
		if (store_has_id(it[i].e))
			byid[nbyid++] = &it[i];
	qsort(byid, nbyid, sizeof(*byid), store_cmp_item_id);
	for (size_t i = 1; i < nbyid && !broken; i++) {
		const struct store_item *a = byid[i - 1], *b = byid[i];

		if (strcmp(a->e->id, b->e->id) != 0)
			continue;
		if (a->canon != NULL && b->canon != NULL)
			broken = strcmp(a->canon, b->canon) != 0;
		else
			broken = store_entry_chash(a->e, a->canon) !=
			    store_entry_chash(b->e, b->canon);
	}
	free(byid);
	return broken;
}

/* Whether the source's ids change while its links stay: items found only
 * by link, under an id no longer in the feed. One may be a publisher
 * fixing a guid; two or more, or every one there is, is a habit. */
static bool
store_ids_changing(const struct store_item *it, size_t n)
{
	size_t	changed = 0, nlinked = 0;

	for (size_t i = 0; i < n; i++) {
		if (it[i].skip || !store_has_id(it[i].e) ||
		    it[i].canon == NULL || !it[i].canon_unique)
			continue;
		nlinked++;
		if (it[i].via_canon)
			changed++;
	}
	return changed >= 2 || (changed == 1 && nlinked == 1);
}

/* Keys every item and finds what is stored for it; nothing is, for a
 * source without entries or tombstones (a cold start). */
static int
store_items_find(struct store *st, int64_t sid, struct store_item *it,
    size_t n, int mode, bool empty, char **keys, char *err, size_t errlen)
{
	store_items_key(it, n, mode);
	for (size_t i = 0; i < n; i++)
		keys[i] = it[i].key;
	qsort(keys, n, sizeof(*keys), store_cmp_str);
	for (size_t i = 0; i < n; i++) {
		if (it[i].skip)
			continue;
		if (empty) {
			it[i].eid = 0;
			it[i].tomb = it[i].via_canon = false;
		} else if (store_item_find(st, sid, &it[i], mode, keys, n,
		    err, errlen) == -1)
			return -1;
	}
	return 0;
}

/* Whether the source has no entry and no tombstone. */
static int
store_source_empty(struct store *st, int64_t sid, bool *empty, char *err,
    size_t errlen)
{
	sqlite3_stmt	*s = st->stmt[ST_SRC_ANY];
	int		 r;

	sqlite3_bind_int64(s, 1, sid);
	if ((r = store_step_row(st, ST_SRC_ANY, err, errlen)) == 1)
		*empty = sqlite3_column_int(s, 0) == 0;
	store_reset(st, ST_SRC_ANY);
	return r == 1 ? 0 : -1;
}

static uint64_t
store_key_hash(int64_t sid, const char *key)
{
	return text_hash((uint64_t)sid * 2 + 1, key, strlen(key));
}

static uint64_t
store_link_hash(const char *canon)
{
	return text_hash(0, canon, strlen(canon));
}

static uint64_t *
store_seen_block(const struct store_seen_layer *ly, uint64_t h)
{
	/* The low half picks the block, in [0, nblocks) without a
	 * division; the bits come from the mixed hash. */
	return ly->blocks + ((h & 0xffffffff) * ly->nblocks >> 32) *
	    STORE_SEEN_WORDS;
}

static void
store_seen_layer_add(struct store_seen *sn, size_t cap)
{
	struct store_seen_layer *ly;

	sn->l = xreallocarray(sn->l, sn->nl + 1, sizeof(*sn->l));
	ly = &sn->l[sn->nl++];
	ly->cap = cap;
	ly->n = 0;
	ly->nblocks = cap * STORE_SEEN_BITS / (STORE_SEEN_WORDS * 64);
	ly->blocks = xcalloc(ly->nblocks * STORE_SEEN_WORDS,
	    sizeof(*ly->blocks));
}

static void
store_seen_add(struct store_seen *sn, uint64_t h)
{
	struct store_seen_layer *ly;
	uint64_t	*b, g = text_mix(h);

	if (sn->nl == 0)
		return;
	ly = &sn->l[sn->nl - 1];
	if (ly->n >= ly->cap) {
		store_seen_layer_add(sn, ly->cap * 2);
		ly = &sn->l[sn->nl - 1];
	}
	b = store_seen_block(ly, h);
	for (int i = 0; i < STORE_SEEN_PROBES; i++, g >>= 9)
		b[(g >> 6) & 7] |= UINT64_C(1) << (g & 63);
	ly->n++;
}

/* Whether a hash may have been added: false is certain. */
static bool
store_seen_may(const struct store_seen *sn, uint64_t h)
{
	uint64_t	 g0 = text_mix(h);

	if (sn->nl == 0)
		return true;
	for (size_t k = 0; k < sn->nl; k++) {
		const uint64_t	*b = store_seen_block(&sn->l[k], h);
		uint64_t	 g = g0;
		int		 i;

		for (i = 0; i < STORE_SEEN_PROBES; i++, g >>= 9)
			if (!(b[(g >> 6) & 7] & UINT64_C(1) << (g & 63)))
				break;
		if (i == STORE_SEEN_PROBES)
			return true;
	}
	return false;
}

static void
store_seen_drop(struct store_seen *sn)
{
	for (size_t k = 0; k < sn->nl; k++)
		free(sn->l[k].blocks);
	free(sn->l);
	sn->l = NULL;
	sn->nl = 0;
}

/* Adds each row's hash: key hashes from (sid, key), link hashes from a
 * canon column. */
static int
store_seen_scan(struct store *st, const char *sql, bool keys)
{
	sqlite3_stmt	*s;
	int		 r;

	if (sqlite3_prepare_v2(st->db, sql, -1, &s, NULL) != SQLITE_OK)
		return -1;
	while ((r = sqlite3_step(s)) == SQLITE_ROW) {
		const char *t = (const char *)sqlite3_column_text(s,
		    keys ? 1 : 0);

		/* Keys are NOT NULL, and canons selected so: NULL is out
		 * of memory, and a hash missed would be a lookup skipped
		 * wrongly. */
		if (t == NULL) {
			r = SQLITE_NOMEM;
			break;
		}
		store_seen_add(&st->seen, keys ? store_key_hash(
		    sqlite3_column_int64(s, 0), t) : store_link_hash(t));
	}
	sqlite3_finalize(s);
	return r == SQLITE_DONE ? 0 : -1;
}

/*
 * Builds the filter when there is none, from the archive's indexes
 * (whole entry rows are not read), sized for half as much again as the
 * archive holds (a key and a link an entry). A filter that cannot be
 * built is none, and every lookup is made as before there was one;
 * but an error that ended the transaction fails the put.
 */
static int
store_seen_ready(struct store *st, char *err, size_t errlen)
{
	sqlite3_stmt	*s;
	int64_t		 rows = -1;
	size_t		 cap;

	if (st->seen.nl != 0)
		return 0;
	if (st->seen.wait > 0) {
		st->seen.wait--;
		return 0;
	}
	/* Eids are distinct positive integers: the largest bounds their
	 * number without counting them. */
	if (sqlite3_prepare_v2(st->db, "SELECT (SELECT coalesce(max(eid), 0)"
	    " FROM entry) + (SELECT count(*) FROM tomb)", -1, &s, NULL) ==
	    SQLITE_OK) {
		if (sqlite3_step(s) == SQLITE_ROW)
			rows = sqlite3_column_int64(s, 0);
		sqlite3_finalize(s);
	}
	if (rows >= 0) {
		cap = (size_t)rows * 3;
		store_seen_layer_add(&st->seen, cap < STORE_SEEN_MIN ?
		    STORE_SEEN_MIN : cap);
		if (store_seen_scan(st, "SELECT sid, key FROM entry",
		    true) == 0 &&
		    store_seen_scan(st, "SELECT canon FROM entry"
		    " WHERE canon IS NOT NULL", false) == 0 &&
		    store_seen_scan(st, "SELECT sid, key FROM tomb",
		    true) == 0 &&
		    store_seen_scan(st, "SELECT canon FROM tomb"
		    " WHERE canon IS NOT NULL", false) == 0)
			return 0;
	}
	store_seen_drop(&st->seen);
	st->seen.wait = STORE_SEEN_WAIT;
	if (sqlite3_get_autocommit(st->db))
		return store_fail(st, err, errlen, "reading the keys stored");
	return 0;
}

/* Finds the stored entry an item is, or its tombstone. */
static int
store_item_find(struct store *st, int64_t sid, struct store_item *it,
    int mode, char **keys, size_t nkeys, char *err, size_t errlen)
{
	sqlite3_stmt	*s;
	int		 r;

	it->eid = 0;
	it->tomb = false;
	it->via_canon = false;
	/* Neither an entry nor a tombstone has the key. */
	if (!store_seen_may(&st->seen, store_key_hash(sid, it->key))) {
		st->seen.spared++;
		goto canon;
	}
	s = st->stmt[ST_ENT_BY_KEY];
	sqlite3_bind_int64(s, 1, sid);
	sqlite3_bind_text(s, 2, it->key, -1, SQLITE_STATIC);
	r = store_step_row(st, ST_ENT_BY_KEY, err, errlen);
	if (r == 1) {
		it->eid = sqlite3_column_int64(s, 0);
		it->chash = (uint64_t)sqlite3_column_int64(s, 1);
		it->story = sqlite3_column_int64(s, 2);
		it->old_upd = sqlite3_column_int64(s, 3);
	}
	store_reset(st, ST_ENT_BY_KEY);
	if (r != 0)
		return r == 1 ? 0 : -1;

	s = st->stmt[ST_TOMB_BY_KEY];
	if (!st->tombs)
		goto canon;
	sqlite3_bind_int64(s, 1, sid);
	sqlite3_bind_text(s, 2, it->key, -1, SQLITE_STATIC);
	r = store_step_row(st, ST_TOMB_BY_KEY, err, errlen);
	store_reset(st, ST_TOMB_BY_KEY);
	if (r != 0) {
		it->tomb = r == 1;
		return r == 1 ? 0 : -1;
	}
canon:
	if (it->canon == NULL || !it->canon_unique)
		return 0;
	if (!store_seen_may(&st->seen, store_link_hash(it->canon))) {
		st->seen.spared++;
		return 0;
	}

	/* An entry stored under another key with this link: the same entry
	 * if its key is gone from the feed (a changed id) or the source is
	 * keyed by link now. */
	s = st->stmt[ST_ENT_BY_CANON];
	sqlite3_bind_int64(s, 1, sid);
	sqlite3_bind_text(s, 2, it->canon, -1, SQLITE_STATIC);
	r = store_step_row(st, ST_ENT_BY_CANON, err, errlen);
	if (r == 1 && !store_keys_have(keys, nkeys, store_col_text(s, 4))) {
		it->eid = sqlite3_column_int64(s, 0);
		it->chash = (uint64_t)sqlite3_column_int64(s, 1);
		it->story = sqlite3_column_int64(s, 2);
		it->old_upd = sqlite3_column_int64(s, 3);
		it->via_canon = true;
	}
	store_reset(st, ST_ENT_BY_CANON);
	if (r == -1)
		return -1;
	if (it->eid != 0)
		return 0;
	if (mode != STORE_KEY_LINK || !st->tombs)
		return 0;
	s = st->stmt[ST_TOMB_BY_CANON];
	sqlite3_bind_int64(s, 1, sid);
	sqlite3_bind_text(s, 2, it->canon, -1, SQLITE_STATIC);
	r = store_step_row(st, ST_TOMB_BY_CANON, err, errlen);
	store_reset(st, ST_TOMB_BY_CANON);
	it->tomb = r == 1;
	return r == -1 ? -1 : 0;
}

static char *
store_json_authors(const struct entry *e)
{
	json_t	*a;
	char	*s;

	if (e->nauthors == 0)
		return NULL;
	a = json_array();
	for (size_t i = 0; i < e->nauthors; i++)
		json_array_append_new(a, json_pack("[s?s?s?]",
		    e->authors[i].name, e->authors[i].email,
		    e->authors[i].uri));
	s = json_dumps(a, JSON_COMPACT);
	json_decref(a);
	return s;
}

static char *
store_json_categories(const struct entry *e)
{
	json_t	*a;
	char	*s;

	if (e->ncategories == 0)
		return NULL;
	a = json_array();
	for (size_t i = 0; i < e->ncategories; i++)
		json_array_append_new(a, json_pack("[s?s?s?]",
		    e->categories[i].term, e->categories[i].scheme,
		    e->categories[i].label));
	s = json_dumps(a, JSON_COMPACT);
	json_decref(a);
	return s;
}

static char *
store_json_enclosures(const struct entry *e)
{
	json_t	*a;
	char	*s;

	if (e->nenclosures == 0)
		return NULL;
	a = json_array();
	for (size_t i = 0; i < e->nenclosures; i++)
		json_array_append_new(a, json_pack("[s?s?s?]",
		    e->enclosures[i].href, e->enclosures[i].type,
		    e->enclosures[i].length));
	s = json_dumps(a, JSON_COMPACT);
	json_decref(a);
	return s;
}

static char *
store_json_links(const struct entry *e)
{
	json_t	*a;
	char	*s;

	if (e->nlinks == 0)
		return NULL;
	a = json_array();
	for (size_t i = 0; i < e->nlinks; i++)
		json_array_append_new(a, json_pack("[s?s?s?s?s?s?]",
		    e->links[i].href, e->links[i].rel, e->links[i].type,
		    e->links[i].title, e->links[i].length,
		    e->links[i].hreflang));
	s = json_dumps(a, JSON_COMPACT);
	json_decref(a);
	return s;
}

/*
 * An entry's topics, one column of its row: per topic "id US score US
 * why", topics apart by RS (ASCII 0x1f and 0x1e). Topic ids cannot hold
 * them (config_id_ok); a why that did gets spaces instead. The score is
 * written in millionths, as an integer. NULL when there is none. A topic
 * twice: the last one counts.
 */
#define STORE_TOPIC_US	'\x1f'
#define STORE_TOPIC_RS	'\x1e'

static void
store_topics_field(struct buf *b, const char *v)
{
	size_t	 n;

	while (*v != '\0') {
		n = strcspn(v, "\x1e\x1f");
		buf_add(b, v, n);
		v += n;
		if (*v != '\0') {
			buf_addc(b, ' ');
			v++;
		}
	}
}

/* Not printf: its %g of a double costs some 2,500 instructions, and a
 * cold start writes hundreds of thousands of scores. */
static void
store_topics_score(struct buf *b, double score)
{
	char		 digits[24], *p = digits + sizeof(digits);
	uint64_t	 u;
	bool		 neg = score < 0;

	if (!(score > -1e12 && score < 1e12))	/* NaN too */
		score = 0;
	u = (uint64_t)((neg ? -score : score) * 1e6 + 0.5);
	neg = neg && u != 0;	/* no "-0" */
	do
		*--p = (char)('0' + u % 10);
	while ((u /= 10) != 0);
	if (neg)
		*--p = '-';
	buf_add(b, p, (size_t)(digits + sizeof(digits) - p));
}

static const char *
store_topics_text(struct buf *b, const struct entry *e)
{
	buf_reset(b);
	for (size_t i = 0; i < e->ntopics; i++) {
		bool	again = false;

		if (e->topics[i].id == NULL)
			continue;
		for (size_t j = i + 1; j < e->ntopics && !again; j++)
			again = e->topics[j].id != NULL &&
			    strcmp(e->topics[j].id, e->topics[i].id) == 0;
		if (again)
			continue;
		if (b->len > 0)
			buf_addc(b, STORE_TOPIC_RS);
		store_topics_field(b, e->topics[i].id);
		buf_addc(b, STORE_TOPIC_US);
		store_topics_score(b, e->topics[i].score);
		buf_addc(b, STORE_TOPIC_US);
		if (e->topics[i].why != NULL)
			store_topics_field(b, e->topics[i].why);
	}
	return b->len > 0 ? b->s : NULL;
}

/* One topic of a topics column, pointing into it. */
struct store_topic_ref {
	const char	*id;
	size_t		 idlen;
	double		 score;
	const char	*why;
	size_t		 whylen;
};

/* Reads the topic at *p into t and moves *p past it; false at the end.
 * A topic cut short (a column written by hand) reads as score 0 and no
 * why; an empty id is skipped. */
static bool
store_topics_next(const char **p, struct store_topic_ref *t)
{
	const char	*s, *end;

	for (s = *p; s != NULL && *s != '\0'; s = *p) {
		end = strchr(s, STORE_TOPIC_RS);
		*p = end != NULL ? end + 1 : NULL;
		if (end == NULL)
			end = s + strlen(s);
		t->id = s;
		t->idlen = strcspn(s, "\x1e\x1f");
		t->score = 0;
		t->why = "";
		t->whylen = 0;
		s += t->idlen;
		if (s < end && *s == STORE_TOPIC_US) {
			t->score = (double)strtoll(s + 1, NULL, 10) / 1e6;
			if ((s = memchr(s + 1, STORE_TOPIC_US,
			    (size_t)(end - s - 1))) != NULL) {
				t->why = s + 1;
				t->whylen = (size_t)(end - s - 1);
			}
		}
		if (t->idlen > 0)
			return true;
	}
	*p = NULL;
	return false;
}

/* The JSON columns of an entry, to be freed. */
static void
store_json_columns(const struct entry *e, char *json[4])
{
	json[0] = store_json_authors(e);
	json[1] = store_json_categories(e);
	json[2] = store_json_enclosures(e);
	json[3] = store_json_links(e);
}

/* Binds the entry columns shared by ST_ENT_INS and ST_ENT_UPD. */
static void
store_bind_entry(struct store *st, sqlite3_stmt *s,
    const struct store_item *it, time_t upd, char *json[4])
{
	const struct entry	*e = it->e;

	store_bind_text(s, 4, it->canon);
	store_bind_text(s, 5, store_has_id(e) ? e->id : NULL);
	store_bind_text(s, 6, e->title);
	sqlite3_bind_int(s, 7, e->title_type);
	store_bind_text(s, 8, e->link);
	store_bind_date(s, 9, e->published);
	sqlite3_bind_int64(s, 10, upd);
	store_bind_text(s, 11, e->summary);
	sqlite3_bind_int(s, 12, e->summary_type);
	store_bind_text(s, 13, e->content);
	sqlite3_bind_int(s, 14, e->content_type);
	store_bind_text(s, 15, e->base);
	store_bind_text(s, 16, e->lang);
	if (!it->prepared)
		store_json_columns(e, json);
	for (int i = 0; i < 4; i++)
		store_bind_text(s, 17 + i, it->prepared ? it->json[i] :
		    json[i]);
	sqlite3_bind_int64(s, 22, (int64_t)it->chash);
	store_bind_text(s, 23, it->prepared ? it->topics :
	    store_topics_text(&st->topicbuf, e));
}

/* Queues the deletion of a story's FTS row by the text in st->tbuf
 * (what was indexed). FTS5 flushes its pending terms at every statement
 * savepoint, so writing story by story between other writes would make
 * a segment each: the queue runs in one go by store_fts_flush(), at the
 * commit of the feed's transaction or of its batch. */
static void
store_fts_queue(struct store *st, int64_t story)
{
	struct store_ftsop	*op;

	if (st->nftsq % 64 == 0)
		st->ftsq = xreallocarray(st->ftsq, st->nftsq + 64,
		    sizeof(*st->ftsq));
	op = &st->ftsq[st->nftsq++];
	op->story = story;
	for (int i = 0; i < 3; i++) {
		op->off[i] = st->ftstext.len;
		buf_add(&st->ftstext, st->tbuf[i].s == NULL ? "" :
		    st->tbuf[i].s, st->tbuf[i].len);
		buf_addc(&st->ftstext, '\0');
	}
}

static int
store_fts_flush(struct store *st, char *err, size_t errlen)
{
	int	rc = 0;

	for (size_t i = 0; i < st->nftsq && rc == 0; i++) {
		struct store_ftsop *op = &st->ftsq[i];
		sqlite3_stmt	*s = st->stmt[ST_FTS_DEL];

		sqlite3_bind_int64(s, 1, op->story);
		for (int k = 0; k < 3; k++)
			sqlite3_bind_text(s, 2 + k, st->ftstext.s + op->off[k],
			    -1, SQLITE_STATIC);
		rc = store_step_done(st, ST_FTS_DEL, err, errlen);
	}
	st->nftsq = 0;
	buf_reset(&st->ftstext);
	return rc;
}

/* The text of a story's entries, into st->tbuf[0..2]; *found is false
 * when it has none. */
static int
store_story_text(struct store *st, int64_t story, bool *found, char *err,
    size_t errlen)
{
	sqlite3_stmt	*s = st->stmt[ST_ENT_TEXT];
	bool		 first = true;
	int		 r;

	sqlite3_bind_int64(s, 1, story);
	while ((r = store_step_row(st, ST_ENT_TEXT, err, errlen)) == 1) {
		store_fts_text(st, first, store_col_text(s, 0),
		    sqlite3_column_int(s, 1), store_col_text(s, 2),
		    sqlite3_column_int(s, 3), store_col_text(s, 4),
		    sqlite3_column_int(s, 5));
		first = false;
	}
	store_reset(st, ST_ENT_TEXT);
	*found = !first;
	return r == -1 ? -1 : 0;
}

/* A story waits for store_index(): above the mark it does already. */
static int
store_fts_pend(struct store *st, int64_t story, char *err, size_t errlen)
{
	if (story > st->fts_mark)
		return 0;
	sqlite3_bind_int64(st->stmt[ST_PEND_ADD], 1, story);
	return store_step_done(st, ST_PEND_ADD, err, errlen);
}

/*
 * Before a story's entries change: its FTS row, which holds the text of
 * all its entries (so a text query finds stories without a join), is
 * queued for deletion by the text it was indexed with (a contentless
 * FTS5 table deletes by the very text it indexed), and the story waits
 * for store_index() again. A story still pending has nothing indexed.
 */
static int
store_fts_unindex(struct store *st, int64_t story, char *err, size_t errlen)
{
	sqlite3_stmt	*s = st->stmt[ST_PEND_HAS];
	bool		 found;
	int		 r;

	if (story > st->fts_mark)
		return 0;
	sqlite3_bind_int64(s, 1, story);
	r = store_step_row(st, ST_PEND_HAS, err, errlen);
	store_reset(st, ST_PEND_HAS);
	if (r != 0)
		return r == 1 ? 0 : -1;
	if (store_story_text(st, story, &found, err, errlen) == -1)
		return -1;
	if (found)
		store_fts_queue(st, story);
	return store_fts_pend(st, story, err, errlen);
}

/* Rewrites the topics of a stored entry (retagging). */
static int
store_topics_put(struct store *st, int64_t eid, const struct entry *e,
    char *err, size_t errlen)
{
	sqlite3_stmt	*s = st->stmt[ST_ETOPIC_SET];

	sqlite3_bind_int64(s, 1, eid);
	store_bind_text(s, 2, store_topics_text(&st->topicbuf, e));
	return store_step_done(st, ST_ETOPIC_SET, err, errlen);
}

/*
 * Moves a story's rows of story_topic (topics) or story_source to upd:
 * all are read first, since a move puts a row back where the scan would
 * meet it again.
 */
static int
store_story_move(struct store *st, int64_t story, time_t upd, bool topics,
    char *err, size_t errlen)
{
	enum store_stmt	 of = topics ? ST_STOPIC_OF : ST_SSRC_OF;
	enum store_stmt	 mv = topics ? ST_STOPIC_MOVE : ST_SSRC_MOVE;
	enum store_stmt	 in = topics ? ST_STOPIC_INS : ST_SSRC_INS;
	sqlite3_stmt	*s = st->stmt[of], *m = st->stmt[mv];
	sqlite3_stmt	*ins = st->stmt[in];
	size_t		 n = 0;
	int		 r;

	st->movetext.len = 0;
	sqlite3_bind_int64(s, 1, story);
	while ((r = store_step_row(st, of, err, errlen)) == 1) {
		struct store_move *v;

		if (n == st->capmoves) {
			st->capmoves = st->capmoves ? st->capmoves * 2 : 16;
			st->moves = xreallocarray(st->moves, st->capmoves,
			    sizeof(*st->moves));
		}
		v = &st->moves[n++];
		v->upd = sqlite3_column_int64(s, 1);
		if (topics) {
			v->topic = st->movetext.len;
			buf_add(&st->movetext, store_col_text(s, 0),
			    (size_t)sqlite3_column_bytes(s, 0) + 1);
		} else
			v->sid = sqlite3_column_int64(s, 0);
	}
	store_reset(st, of);
	if (r == -1)
		return -1;
	/* Each row is deleted and inserted again at upd; OR IGNORE keeps
	 * a row already there (an archive whose story rows disagree). */
	for (size_t i = 0; i < n; i++) {
		const struct store_move *v = &st->moves[i];

		if (v->upd >= upd)
			continue;
		for (int k = 0; k < 2; k++) {
			sqlite3_stmt *q = k == 0 ? m : ins;

			if (topics)
				sqlite3_bind_text(q, 1, st->movetext.s +
				    v->topic, -1, SQLITE_STATIC);
			else
				sqlite3_bind_int64(q, 1, v->sid);
			sqlite3_bind_int64(q, 2, k == 0 ? v->upd : upd);
			sqlite3_bind_int64(q, 3, story);
			if (store_step_done(st, k == 0 ? mv : in, err,
			    errlen) == -1)
				return -1;
		}
	}
	return 0;
}

/* Moves a story (and its source rows, and its topic rows unless they
 * are about to be rebuilt) to a new upd, if later; *now is its upd
 * after (NULL: not wanted). */
static int
store_story_touch(struct store *st, int64_t story, time_t upd, bool topics,
    time_t *now, char *err, size_t errlen)
{
	sqlite3_stmt	*s = st->stmt[ST_STORY_UPD_GET];
	time_t		 old = 0;
	int		 r;

	sqlite3_bind_int64(s, 1, story);
	if ((r = store_step_row(st, ST_STORY_UPD_GET, err, errlen)) == 1)
		old = sqlite3_column_int64(s, 0);
	store_reset(st, ST_STORY_UPD_GET);
	if (now != NULL)
		*now = r == 1 && old > upd ? old : upd;
	if (r != 1 || old >= upd)
		return r == -1 ? -1 : 0;
	sqlite3_bind_int64(st->stmt[ST_STORY_UPD_SET], 1, story);
	sqlite3_bind_int64(st->stmt[ST_STORY_UPD_SET], 2, upd);
	if (store_step_done(st, ST_STORY_UPD_SET, err, errlen) == -1 ||
	    (topics && store_story_move(st, story, upd, true, err,
	    errlen) == -1) ||
	    store_story_move(st, story, upd, false, err, errlen) == -1)
		return -1;
	return 0;
}

static int
store_story_topics_rebuild(struct store *st, int64_t story, char *err,
    size_t errlen)
{
	sqlite3_stmt		*q = st->stmt[ST_STOPIC_SRC];
	sqlite3_stmt		*ins = st->stmt[ST_STOPIC_INS];
	struct store_topic_ref	 t;
	const char		*p;
	int			 r;

	sqlite3_bind_int64(st->stmt[ST_STOPIC_DEL], 1, story);
	if (store_step_done(st, ST_STOPIC_DEL, err, errlen) == -1)
		return -1;
	/* The union of its entries' topics; OR IGNORE drops repeats. */
	sqlite3_bind_int64(q, 1, story);
	while ((r = sqlite3_step(q)) == SQLITE_ROW) {
		p = store_col_text(q, 0);
		while (store_topics_next(&p, &t)) {
			sqlite3_bind_text(ins, 1, t.id, (int)t.idlen,
			    SQLITE_STATIC);
			sqlite3_bind_int64(ins, 2, sqlite3_column_int64(q, 1));
			sqlite3_bind_int64(ins, 3, story);
			if (store_step_done(st, ST_STOPIC_INS, err,
			    errlen) == -1) {
				store_reset(st, ST_STOPIC_SRC);
				return -1;
			}
		}
	}
	store_reset(st, ST_STOPIC_SRC);
	if (r != SQLITE_DONE) {
		store_fail(st, err, errlen, "story topics");
		return -1;
	}
	return 0;
}

/* Whether an entry of the story (its first few) is the same news as
 * fp. */
static int
store_story_verify(struct store *st, int64_t story, struct store_fp *fp,
    bool *same, char *err, size_t errlen)
{
	sqlite3_stmt	*s = st->stmt[ST_REP_TEXT];
	struct store_fp	 other;
	int		 r;

	*same = false;
	store_fp_body(st, fp);
	sqlite3_bind_int64(s, 1, story);
	while (!*same && (r = store_step_row(st, ST_REP_TEXT, err,
	    errlen)) == 1) {
		store_fp_make(st, &other, store_col_text(s, 0),
		    sqlite3_column_int(s, 1), store_col_text(s, 2),
		    sqlite3_column_int(s, 3), store_col_text(s, 4),
		    sqlite3_column_int(s, 5));
		store_fp_body(st, &other);
		*same = store_fp_same(fp, &other);
		store_fp_free(&other);
	}
	store_reset(st, ST_REP_TEXT);
	return !*same && r == -1 ? -1 : 0;
}

/* A story that may be the one a new entry joins. */
struct store_cand {
	int64_t		 story;
	time_t		 first;
};

/* Newest story first. */
static int
store_cmp_cand(const void *a, const void *b)
{
	const struct store_cand *x = a, *y = b;

	return x->story < y->story ? 1 : x->story > y->story ? -1 : 0;
}

static int64_t
store_bucket_of(time_t t)
{
	return t >= 0 ? t / STORE_BUCKET : -((-t + STORE_BUCKET - 1) /
	    STORE_BUCKET);
}

static void
store_bucket_free(struct store_bucket *bk)
{
	if (bk == NULL)
		return;
	free(bk->v);
	free(bk->heads);
	free(bk);
}

size_t
store_sketch_bytes(const struct store *st)
{
	size_t	n = 0;

	for (int i = 0; i < STORE_NBUCKETS; i++) {
		const struct store_bucket *bk = st->buckets[i];

		if (bk != NULL)
			n += sizeof(*bk) + bk->cap * sizeof(*bk->v) +
			    bk->capheads * sizeof(*bk->heads);
	}
	return n;
}

/* Forgets every sketch: after a rollback, a prune, or another process's
 * writes. They come back from the entries when next needed. */
static void
store_buckets_reset(struct store *st)
{
	for (int i = 0; i < STORE_NBUCKETS; i++) {
		store_bucket_free(st->buckets[i]);
		st->buckets[i] = NULL;
	}
}

/* The heads slot of key: its chain's, or the free one to take. */
static size_t
store_bucket_slot(const struct store_bucket *bk, uint32_t key)
{
	size_t	i;

	for (i = key & (bk->capheads - 1); bk->heads[i] != 0 &&
	    bk->v[bk->heads[i] - 1].key != key;
	    i = (i + 1) & (bk->capheads - 1))
		;
	return i;
}

/*
 * Grows the sketches and lays each key's chain out in one run, newest
 * first, so that a lookup reads it in order instead of hopping across
 * the array: the hops, nearly every one a cache miss, were a sixth of a
 * cold start's storing time. In place after the realloc (which large
 * blocks grow without a copy), with 4 bytes a sketch for the while;
 * what is added afterwards hops again until the next growth.
 */
static void
store_bucket_grow(struct store_bucket *bk)
{
	struct store_sketch	 tsk;
	uint32_t		*pos, m = 0, tpos;

	bk->cap = bk->cap == 0 ? 1024 : bk->cap + bk->cap / 2;
	bk->v = xreallocarray(bk->v, bk->cap, sizeof(*bk->v));
	if (bk->n == 0)
		return;
	/* Each sketch's place: the chains one after the other. */
	pos = xreallocarray(NULL, bk->n, sizeof(*pos));
	memset(pos, 0xff, bk->n * sizeof(*pos));
	for (size_t h = 0; h < bk->capheads; h++)
		for (uint32_t at = bk->heads[h]; at != 0;
		    at = bk->v[at - 1].next)
			pos[at - 1] = m++;
	for (size_t i = 0; i < bk->n; i++)
		if (pos[i] == UINT32_MAX)	/* in no chain: never */
			pos[i] = m++;
	for (size_t i = 0; i < bk->n; i++)
		if (bk->v[i].next != 0)
			bk->v[i].next = pos[bk->v[i].next - 1] + 1;
	for (size_t h = 0; h < bk->capheads; h++)
		if (bk->heads[h] != 0)
			bk->heads[h] = pos[bk->heads[h] - 1] + 1;
	/* Then each to its place, a cycle of the permutation at a time. */
	for (uint32_t i = 0; i < bk->n; i++)
		while (pos[i] != i) {
			uint32_t	j = pos[i];

			tsk = bk->v[i];
			bk->v[i] = bk->v[j];
			bk->v[j] = tsk;
			tpos = pos[i];
			pos[i] = pos[j];
			pos[j] = tpos;
		}
	free(pos);
}

static void
store_bucket_add(struct store_bucket *bk, uint32_t key, uint32_t story,
    uint32_t first, uint32_t bloom)
{
	struct store_sketch	*sk;
	size_t			 h;

	if (bk->n >= UINT32_MAX - 1)
		return;
	/* Heads grow at three quarters full: probe runs stay short. */
	if ((bk->nheads + 1) * 4 > bk->capheads * 3) {
		uint32_t	*old = bk->heads;
		size_t		 oldcap = bk->capheads;

		bk->capheads = oldcap == 0 ? 1024 : oldcap * 2;
		bk->heads = xcalloc(bk->capheads, sizeof(*bk->heads));
		for (size_t j = 0; j < oldcap; j++)
			if (old[j] != 0)
				bk->heads[store_bucket_slot(bk,
				    bk->v[old[j] - 1].key)] = old[j];
		free(old);
	}
	h = store_bucket_slot(bk, key);
	/* The same story again (an entry joining it, the story perhaps no
	 * longer the newest of the key): already there. */
	for (uint32_t at = bk->heads[h], n = 0; at != 0 &&
	    n < STORE_CHAIN_MAX; at = bk->v[at - 1].next, n++)
		if (bk->v[at - 1].story == story)
			return;
	if (bk->n == bk->cap)
		store_bucket_grow(bk);
	sk = &bk->v[bk->n];
	sk->key = key;
	sk->story = story;
	sk->first = first;
	sk->bloom = bloom;
	sk->next = bk->heads[h];
	if (bk->heads[h] == 0)
		bk->nheads++;
	bk->heads[h] = (uint32_t)++bk->n;
}

static void
store_bucket_add_fp(struct store_bucket *bk, const struct store_fp *fp,
    int64_t story, time_t first)
{
	/* A story id past 32 bits (never seen) merges by link only. */
	if (fp->ntitle == 0 || story <= 0 || story > UINT32_MAX)
		return;
	for (int i = 0; i < STORE_NBAND; i++)
		store_bucket_add(bk, store_min_key(fp, i), (uint32_t)story,
		    (uint32_t)(first - bk->b * STORE_BUCKET),
		    store_bloom_fold(fp->bloom));
}

/* The sketches of fortnight b, rebuilt from its stories' entries when
 * not in memory; the least recently used fortnight makes room. */
static struct store_bucket *
store_bucket_get(struct store *st, int64_t b, char *err, size_t errlen)
{
	sqlite3_stmt		*s = st->stmt[ST_SK_LOAD];
	struct store_bucket	*bk;
	int			 slot = 0, r;

	for (int i = 0; i < STORE_NBUCKETS; i++) {
		if (st->buckets[i] != NULL && st->buckets[i]->b == b) {
			st->buckets[i]->used = ++st->tick;
			return st->buckets[i];
		}
		if (st->buckets[i] == NULL || (st->buckets[slot] != NULL &&
		    st->buckets[i]->used < st->buckets[slot]->used))
			slot = i;
	}
	store_bucket_free(st->buckets[slot]);
	bk = st->buckets[slot] = xcalloc(1, sizeof(*bk));
	bk->b = b;
	bk->used = ++st->tick;
	sqlite3_bind_int64(s, 1, b * STORE_BUCKET);
	sqlite3_bind_int64(s, 2, (b + 1) * STORE_BUCKET);
	while ((r = sqlite3_step(s)) == SQLITE_ROW) {
		struct store_fp	 fp;

		store_fp_make(st, &fp, store_col_text(s, 2),
		    sqlite3_column_int(s, 3), store_col_text(s, 4),
		    sqlite3_column_int(s, 5), store_col_text(s, 6),
		    sqlite3_column_int(s, 7));
		store_bucket_add_fp(bk, &fp, sqlite3_column_int64(s, 0),
		    sqlite3_column_int64(s, 1));
		store_fp_free(&fp);
	}
	store_reset(st, ST_SK_LOAD);
	if (r != SQLITE_DONE) {
		store_fail(st, err, errlen, "sketches");
		store_bucket_free(bk);
		st->buckets[slot] = NULL;
		return NULL;
	}
	return bk;
}

/* The story a new entry joins, or 0: one with the same canonical link,
 * else the newest one whose title and text store_fp_same() accepts
 * among those whose title sketches match within the window. *first is
 * the story's first date. */
static int
store_story_find(struct store *st, struct store_fp *fp, time_t date,
    int64_t *story, time_t *first, char *err, size_t errlen)
{
	struct store_cand cand[32];
	size_t		 ncand = 0;
	int64_t		 b[2];
	int		 r;

	*story = 0;
	if (fp->canon != NULL) {
		sqlite3_stmt	*l = st->stmt[ST_LINK_STORY];

		sqlite3_bind_text(l, 1, fp->canon, -1, SQLITE_STATIC);
		if ((r = store_step_row(st, ST_LINK_STORY, err, errlen)) ==
		    1) {
			*story = sqlite3_column_int64(l, 0);
			*first = sqlite3_column_int64(l, 1);
		}
		store_reset(st, ST_LINK_STORY);
		if (r != 0)
			return r == 1 ? 0 : -1;
	}
	if (fp->ntitle == 0)
		return 0;

	/* A story first seen within STORE_WINDOW of date is in date's
	 * fortnight or, in the first half of it, the one before, else the
	 * one after. */
	b[0] = store_bucket_of(date);
	b[1] = date - b[0] * STORE_BUCKET < STORE_WINDOW ? b[0] - 1 :
	    b[0] + 1;
	for (int k = 0; k < 2; k++) {
		struct store_bucket *bk = store_bucket_get(st, b[k], err,
		    errlen);

		if (bk == NULL)
			return -1;
		if (bk->n == 0)
			continue;
		for (int i = 0; i < STORE_NBAND; i++) {
			uint32_t	key = store_min_key(fp, i);
			uint32_t	bloom = store_bloom_fold(fp->bloom);
			uint32_t	at;
			int		n = 0;

			at = bk->heads[store_bucket_slot(bk, key)];
			for (; at != 0 && n < STORE_CHAIN_MAX;
			    at = bk->v[at - 1].next, n++) {
				struct store_sketch *sk = &bk->v[at - 1];
				time_t		 skfirst;
				bool		 seen = false;

				skfirst = bk->b * STORE_BUCKET + sk->first;
				if (skfirst < date - STORE_WINDOW ||
				    skfirst > date + STORE_WINDOW ||
				    !store_bloom_near(sk->bloom, bloom))
					continue;
				for (size_t c = 0; c < ncand; c++)
					if (cand[c].story == sk->story)
						seen = true;
				if (!seen && ncand < 32) {
					cand[ncand].story = sk->story;
					cand[ncand].first = skfirst;
					ncand++;
				}
			}
		}
	}
	qsort(cand, ncand, sizeof(cand[0]), store_cmp_cand);
	for (size_t i = 0; i < ncand && *story == 0; i++) {
		bool	same;

		if (store_story_verify(st, cand[i].story, fp, &same, err,
		    errlen) == -1)
			return -1;
		if (same) {
			*story = cand[i].story;
			*first = cand[i].first;
		}
	}
	return 0;
}

/* Makes the story findable by this entry's title (its link is found
 * in the entry table). */
static int
store_story_keys(struct store *st, int64_t story, const struct store_fp *fp,
    time_t first, char *err, size_t errlen)
{
	struct store_bucket	*bk;

	if (fp->ntitle == 0)
		return 0;
	if ((bk = store_bucket_get(st, store_bucket_of(first), err,
	    errlen)) == NULL)
		return -1;
	store_bucket_add_fp(bk, fp, story, first);
	return 0;
}

static int
store_story_new(struct store *st, const struct store_item *it,
    time_t date, int64_t *story, char *err, size_t errlen)
{
	sqlite3_stmt	*s = st->stmt[ST_STORY_INS];
	const struct entry *e = it->e;
	char		 lang[9];

	store_lang(e->lang, lang);
	store_bind_text(s, 1, store_has_id(e) ? e->id :
	    e->link != NULL ? e->link : it->key);
	sqlite3_bind_int64(s, 2, date);
	sqlite3_bind_int64(s, 3, date);
	store_bind_text(s, 4, lang[0] != '\0' ? lang : NULL);
	if (store_step_done(st, ST_STORY_INS, err, errlen) == -1)
		return -1;
	*story = sqlite3_last_insert_rowid(st->db);
	return 0;
}

/* Stores an item that is new to the source. */
static int
store_item_insert(struct store *st, int64_t sid, struct store_item *it,
    struct store_put_result *res, char *err, size_t errlen)
{
	sqlite3_stmt	*s;
	struct store_fp	 fp;
	const struct entry *e = it->e;
	time_t		 date = store_entry_date(st, e);
	char		*json[4] = { NULL };
	int64_t		 story;
	time_t		 first = date;
	time_t		 upd = date;	/* the story's: may be later */
	int		 rc = -1;

	if (it->has_fp) {
		fp = it->fp;		/* freed here, not with the item */
		it->has_fp = false;
	} else
		store_fp_make(st, &fp, e->title, e->title_type, e->summary,
		    e->summary_type, e->content, e->content_type);
	/* No entry of any source has the link: no story to look up by
	 * it. */
	if (it->canon != NULL && it->link_story) {
		if (store_seen_may(&st->seen, store_link_hash(it->canon)))
			fp.canon = it->canon;
		else
			st->seen.spared++;
	}
	if (store_story_find(st, &fp, date, &story, &first, err,
	    errlen) == -1)
		goto done;
	if (story != 0) {
		res->nmerged++;
		if (store_fts_unindex(st, story, err, errlen) == -1 ||
		    store_story_touch(st, story, date, true, &upd, err,
		    errlen) == -1)
			goto done;
	} else if (store_story_new(st, it, date, &story, err, errlen) == -1 ||
	    store_fts_pend(st, story, err, errlen) == -1)
		goto done;
	if (store_story_keys(st, story, &fp, first, err, errlen) == -1)
		goto done;

	s = st->stmt[ST_ENT_INS];
	sqlite3_bind_int64(s, 1, sid);
	sqlite3_bind_text(s, 2, it->key, -1, SQLITE_STATIC);
	sqlite3_bind_int64(s, 3, story);
	store_bind_entry(st, s, it, date, json);
	sqlite3_bind_int64(s, 21, store_now(st));
	if (store_step_done(st, ST_ENT_INS, err, errlen) == -1)
		goto done;
	store_seen_add(&st->seen, store_key_hash(sid, it->key));
	if (it->canon != NULL)
		store_seen_add(&st->seen, store_link_hash(it->canon));

	s = st->stmt[ST_SSRC_INS];
	sqlite3_bind_int64(s, 1, sid);
	sqlite3_bind_int64(s, 2, upd);
	sqlite3_bind_int64(s, 3, story);
	if (store_step_done(st, ST_SSRC_INS, err, errlen) == -1)
		goto done;
	s = st->stmt[ST_STOPIC_INS];
	for (size_t i = 0; i < e->ntopics; i++) {
		if (e->topics[i].id == NULL)
			continue;
		sqlite3_bind_text(s, 1, e->topics[i].id, -1, SQLITE_STATIC);
		sqlite3_bind_int64(s, 2, upd);
		sqlite3_bind_int64(s, 3, story);
		if (store_step_done(st, ST_STOPIC_INS, err, errlen) == -1)
			goto done;
	}
	res->nnew++;
	rc = 0;
done:
	for (int i = 0; i < 4; i++)
		free(json[i]);
	store_fp_free(&fp);
	return rc;
}

/* Rewrites a stored entry whose title, link or text changed. */
static int
store_item_update(struct store *st, struct store_item *it,
    struct store_put_result *res, char *err, size_t errlen)
{
	sqlite3_stmt	*s;
	const struct entry *e = it->e;
	char		*json[4] = { NULL };
	time_t		 upd, now = store_now(st);
	int		 rc = -1;

	/* The feed's own updated date when it moved on, else now. */
	upd = e->updated != DATE_NONE && e->updated > it->old_upd &&
	    e->updated <= now ? e->updated : now;
	if (upd < it->old_upd)
		upd = it->old_upd;
	if (store_fts_unindex(st, it->story, err, errlen) == -1)
		goto done;
	s = st->stmt[ST_ENT_UPD];
	sqlite3_bind_int64(s, 1, it->eid);
	store_bind_entry(st, s, it, upd, json);
	if (store_step_done(st, ST_ENT_UPD, err, errlen) == -1)
		goto done;
	if (it->canon != NULL)		/* the key stays */
		store_seen_add(&st->seen, store_link_hash(it->canon));
	if (store_story_touch(st, it->story, upd, false, NULL, err,
	    errlen) == -1 ||
	    store_story_topics_rebuild(st, it->story, err, errlen) == -1)
		goto done;
	res->nupdated++;
	rc = 0;
done:
	for (int i = 0; i < 4; i++)
		free(json[i]);
	return rc;
}

int
store_put_feed(struct store *st, const char *source, const struct feed *f,
    struct store_put_result *res, char *err, size_t errlen)
{
	return store_put_prepared(st, source, f, NULL, res, err, errlen);
}

static void
store_items_free(struct store_item *it, size_t n)
{
	for (size_t i = 0; i < n; i++) {
		free(it[i].canon);
		free(it[i].key);
		if (it[i].has_fp)
			store_fp_free(&it[i].fp);
		for (int k = 0; k < 4; k++)
			free(it[i].json[k]);
		free(it[i].topics);
	}
	free(it);
}

/* An item per entry of f, its canonical link made. */
static struct store_item *
store_items_new(const struct feed *f)
{
	struct store_item	*it = xcalloc(f->nentries + 1, sizeof(*it));

	for (size_t i = 0; i < f->nentries; i++)
		it[i].e = &f->entries[i];
	store_items_canon(it, f->nentries);
	return it;
}

struct store_prep *
store_prepare(const struct feed *f)
{
	struct store_prep	*p = xcalloc(1, sizeof(*p));
	struct words		 w = { 0 };
	struct buf		 b = { 0 };
	size_t			 n = f->nentries;

	p->f = f;
	p->n = n;
	p->it = store_items_new(f);
	for (size_t i = 0; i < n; i++) {
		struct store_item	*it = &p->it[i];
		const struct entry	*e = it->e;
		const char		*topics;

		it->prepared = true;
		it->new_chash = store_entry_chash(e, it->canon);
		store_fp_title(&w, &b, &it->fp, e->title, e->title_type,
		    e->summary, e->summary_type, e->content,
		    e->content_type);
		it->has_fp = true;
		store_json_columns(e, it->json);
		if ((topics = store_topics_text(&b, e)) != NULL)
			it->topics = xstrdup(topics);
	}
	words_free(&w);
	buf_free(&b);
	return p;
}

void
store_prep_free(struct store_prep *p)
{
	if (p == NULL)
		return;
	store_items_free(p->it, p->n);
	free(p);
}

int
store_put_prepared(struct store *st, const char *source,
    const struct feed *f, struct store_prep *prep,
    struct store_put_result *res, char *err, size_t errlen)
{
	struct store_put_result	 dummy;
	struct store_item	*it;
	sqlite3_stmt		*s;
	enum store_stmt		 meta;
	char			**keys;
	size_t			 mark[2];
	int64_t			 sid;
	int			 mode, omode, rc = -1, r;
	size_t			 n = f->nentries;
	bool			 changed = false, empty = false;

	if (res == NULL)
		res = &dummy;
	memset(res, 0, sizeof(*res));
	if (prep != NULL && (prep->f != f || prep->n != n)) {
		snprintf(err, errlen, "store: prepared for another feed");
		store_prep_free(prep);
		return -1;
	}
	if (store_feed_begin(st, mark, err, errlen) == -1) {
		store_prep_free(prep);
		return -1;
	}
	keys = xcalloc(n + 1, sizeof(*keys));
	if (prep != NULL) {
		it = prep->it;
		free(prep);
	} else
		it = store_items_new(f);
	if (store_source_id(st, source, true, &sid, &mode, err, errlen) == -1 ||
	    (n > 0 && store_source_empty(st, sid, &empty, err, errlen) == -1))
		goto done;
	st->seen.spared = 0;
	if (store_seen_ready(st, err, errlen) == -1)
		goto done;
	omode = mode;
	if (mode == STORE_KEY_ID && store_ids_shared(it, n))
		mode = STORE_KEY_LINK;
	if (store_items_find(st, sid, it, n, mode, empty, keys, err,
	    errlen) == -1)
		goto done;
	if (mode == STORE_KEY_ID && store_ids_changing(it, n)) {
		mode = STORE_KEY_LINK;
		if (store_items_find(st, sid, it, n, mode, empty, keys, err,
		    errlen) == -1)
			goto done;
	}
	if (mode == STORE_KEY_LINK && omode != STORE_KEY_LINK) {
		s = st->stmt[ST_SRC_MODE];
		sqlite3_bind_int64(s, 1, sid);
		sqlite3_bind_int(s, 2, mode);
		if (store_step_done(st, ST_SRC_MODE, err, errlen) == -1)
			goto done;
		changed = true;
	}
	res->link_keys = mode == STORE_KEY_LINK;

	for (size_t i = 0; i < n; i++) {
		uint64_t	old;

		if (it[i].skip) {
			res->nunchanged++;
			continue;
		}
		if (it[i].tomb) {
			res->npruned++;
			continue;
		}
		old = it[i].chash;
		it[i].chash = it[i].prepared ? it[i].new_chash :
		    store_entry_chash(it[i].e, it[i].canon);
		if (it[i].eid == 0)
			r = store_item_insert(st, sid, &it[i], res, err,
			    errlen);
		else if (old != it[i].chash)
			r = store_item_update(st, &it[i], res, err, errlen);
		else {
			res->nunchanged++;
			r = 0;
		}
		if (r == -1)
			goto done;
	}
	if (res->nnew + res->nupdated > 0)
		changed = true;
	if (res->nnew > 0) {
		s = st->stmt[ST_SRC_NEW_SET];
		sqlite3_bind_int64(s, 1, sid);
		sqlite3_bind_int64(s, 2, store_now(st));
		if (store_step_done(st, ST_SRC_NEW_SET, err, errlen) == -1)
			goto done;
	}

	/* The feed's own id, title and link, for atom:source; its updated
	 * date is written only along with entries, so that an unchanged
	 * re-fetch writes nothing. */
	meta = changed ? ST_SRC_FEED : ST_SRC_FEED_IF;
	s = st->stmt[meta];
	sqlite3_bind_int64(s, 1, sid);
	store_bind_text(s, 2, f->id);
	store_bind_text(s, 3, f->title);
	store_bind_text(s, 4, f->link);
	store_bind_date(s, 5, f->updated);
	if (store_step_done(st, meta, err, errlen) == -1)
		goto done;
	if (sqlite3_changes(st->db) > 0)
		changed = true;
	if (store_feed_end(st, changed, err, errlen) == -1)
		goto done;
	res->nspared = st->seen.spared;
	rc = 0;
done:
	if (rc == -1)
		store_feed_abort(st, mark);
	store_items_free(it, n);
	free(keys);
	return rc;
}

static void
store_keep(struct store *st, int i, const char *v, const char **out)
{
	free(st->state[i]);
	st->state[i] = v != NULL ? xstrdup(v) : NULL;
	*out = st->state[i];
}

int
store_source_get(struct store *st, const char *source,
    struct store_source_state *ss, char *err, size_t errlen)
{
	sqlite3_stmt	*s = st->stmt[ST_SRC_GET];
	int		 r;

	memset(ss, 0, sizeof(*ss));
	sqlite3_bind_text(s, 1, source, -1, SQLITE_STATIC);
	if ((r = store_step_row(st, ST_SRC_GET, err, errlen)) == 1) {
		store_keep(st, 0, store_col_text(s, 0), &ss->etag);
		store_keep(st, 1, store_col_text(s, 1), &ss->last_modified);
		store_keep(st, 2, store_col_text(s, 2), &ss->redirect_url);
		store_keep(st, 3, store_col_text(s, 3), &ss->last_status);
		ss->next_fetch = sqlite3_column_int64(s, 4);
		ss->last_fetch = sqlite3_column_int64(s, 5);
		ss->last_success = sqlite3_column_int64(s, 6);
		ss->http_status = sqlite3_column_int(s, 7);
		ss->error_streak = sqlite3_column_int(s, 8);
		ss->disabled = sqlite3_column_int(s, 9) != 0;
	}
	store_reset(st, ST_SRC_GET);
	return r == -1 ? -1 : 0;
}

int
store_source_last_new(struct store *st, const char *source, time_t *t,
    char *err, size_t errlen)
{
	sqlite3_stmt	*s = st->stmt[ST_SRC_LAST_NEW];
	int		 r;

	*t = 0;
	sqlite3_bind_text(s, 1, source, -1, SQLITE_STATIC);
	if ((r = store_step_row(st, ST_SRC_LAST_NEW, err, errlen)) == 1)
		*t = sqlite3_column_int64(s, 0);
	store_reset(st, ST_SRC_LAST_NEW);
	return r == -1 ? -1 : 0;
}

int
store_source_set(struct store *st, const char *source,
    const struct store_source_state *ss, char *err, size_t errlen)
{
	sqlite3_stmt	*s = st->stmt[ST_SRC_SET];

	sqlite3_bind_text(s, 1, source, -1, SQLITE_STATIC);
	store_bind_text(s, 2, ss->etag);
	store_bind_text(s, 3, ss->last_modified);
	store_bind_text(s, 4, ss->redirect_url);
	store_bind_text(s, 5, ss->last_status);
	sqlite3_bind_int64(s, 6, ss->next_fetch);
	sqlite3_bind_int64(s, 7, ss->last_fetch);
	sqlite3_bind_int64(s, 8, ss->last_success);
	sqlite3_bind_int(s, 9, ss->http_status);
	sqlite3_bind_int(s, 10, ss->error_streak);
	sqlite3_bind_int(s, 11, ss->disabled);
	return store_step_done(st, ST_SRC_SET, err, errlen);
}

/* JSON arrays of strings back into the entry; see store_json_*. */
static const char *
store_json_str(struct feed *f, json_t *a, size_t i)
{
	return feed_strdup(f, json_string_value(json_array_get(a, i)));
}

static void
store_entry_json(struct feed *f, struct entry *e, sqlite3_stmt *s, int col)
{
	for (int k = 0; k < 4; k++) {
		const char	*txt = store_col_text(s, col + k);
		json_t		*a, *v;
		size_t		 i;

		if (txt == NULL || (a = json_loads(txt, 0, NULL)) == NULL)
			continue;
		json_array_foreach(a, i, v) {
			if (k == 0) {
				struct person *p = feed_add_author(f, e);

				p->name = store_json_str(f, v, 0);
				p->email = store_json_str(f, v, 1);
				p->uri = store_json_str(f, v, 2);
			} else if (k == 1) {
				struct category *c = feed_add_category(f, e);

				c->term = store_json_str(f, v, 0);
				c->scheme = store_json_str(f, v, 1);
				c->label = store_json_str(f, v, 2);
			} else if (k == 2) {
				struct enclosure *x = feed_add_enclosure(e);

				x->href = store_json_str(f, v, 0);
				x->type = store_json_str(f, v, 1);
				x->length = store_json_str(f, v, 2);
			} else {
				struct link *l = feed_add_link(f, e);

				l->href = store_json_str(f, v, 0);
				l->rel = store_json_str(f, v, 1);
				l->type = store_json_str(f, v, 2);
				l->title = store_json_str(f, v, 3);
				l->length = store_json_str(f, v, 4);
				l->hreflang = store_json_str(f, v, 5);
			}
		}
		json_decref(a);
	}
}

/* Loads one story: its entries (the first is the representative) and
 * topics, then calls cb. */
/* Adds the topics of a topics column to those of e, the story's: each
 * topic once, with the highest score of its entries and that one's why. */
static void
store_topics_merge(struct feed *f, struct entry *e, const char *col)
{
	struct store_topic_ref	 t;
	struct entry_topic	*et;
	size_t			 i;

	while (store_topics_next(&col, &t)) {
		for (i = 0; i < e->ntopics; i++)
			if (strncmp(e->topics[i].id, t.id, t.idlen) == 0 &&
			    e->topics[i].id[t.idlen] == '\0')
				break;
		if (i < e->ntopics && e->topics[i].score >= t.score)
			continue;
		if (i == e->ntopics) {
			et = feed_add_topic(e);
			et->id = feed_strndup(f, t.id, t.idlen);
		} else
			et = &e->topics[i];
		et->score = t.score;
		et->why = t.whylen > 0 ? feed_strndup(f, t.why, t.whylen) :
		    NULL;
	}
}

/* By topic id. */
static int
store_cmp_topic(const void *a, const void *b)
{
	const struct entry_topic *x = a, *y = b;

	return strcmp(x->id, y->id);
}

static int
store_story_emit(struct store *st, sqlite3_stmt *q, store_story_cb cb,
    void *arg, int *stop, char *err, size_t errlen)
{
	sqlite3_stmt		*s = st->stmt[ST_Q_ENTRIES];
	struct store_story	 story;
	struct store_carrier	*cv = NULL;
	struct store_feedinfo	 fi;
	struct feed		*f;
	struct entry		*e = NULL;
	size_t			 nc = 0;
	int			 r, rc = -1;

	memset(&story, 0, sizeof(story));
	story.id = sqlite3_column_int64(q, 0);
	story.updated = sqlite3_column_int64(q, 1);
	story.first = sqlite3_column_int64(q, 2);
	f = feed_new();
	story.uid = feed_strdup(f, store_col_text(q, 3));

	sqlite3_bind_int64(s, 1, story.id);
	while ((r = sqlite3_step(s)) == SQLITE_ROW) {
		fi.id = feed_strdup(f, store_col_text(s, 14));
		fi.title = feed_strdup(f, store_col_text(s, 15));
		fi.link = feed_strdup(f, store_col_text(s, 16));
		fi.updated = store_col_date(s, 17);
		if (nc % 8 == 0)
			cv = xreallocarray(cv, nc + 8, sizeof(*cv));
		cv[nc].source = feed_strdup(f, store_col_text(s, 13));
		cv[nc].link = feed_strdup(f, store_col_text(s, 4));
		cv[nc].entry_id = feed_strdup(f, store_col_text(s, 1));
		cv[nc].feed = fi;
		if (nc++ > 0) {
			store_topics_merge(f, e, store_col_text(s, 22));
			continue;
		}
		e = feed_add_entry(f);
		e->id = cv[0].entry_id;
		e->title = feed_strdup(f, store_col_text(s, 2));
		e->title_type = sqlite3_column_int(s, 3);
		e->link = cv[0].link;
		e->published = store_col_date(s, 5);
		e->updated = store_col_date(s, 6);
		e->lang = feed_strdup(f, store_col_text(s, 7));
		e->base = feed_strdup(f, store_col_text(s, 8));
		store_entry_json(f, e, s, 9);
		e->summary = feed_strdup(f, store_col_text(s, 18));
		e->summary_type = sqlite3_column_int(s, 19);
		e->content = feed_strdup(f, store_col_text(s, 20));
		e->content_type = sqlite3_column_int(s, 21);
		store_topics_merge(f, e, store_col_text(s, 22));
	}
	store_reset(st, ST_Q_ENTRIES);
	if (r != SQLITE_DONE) {
		store_fail(st, err, errlen, "story entries");
		goto done;
	}
	if (e == NULL) {
		rc = 0;		/* cannot happen: no story without entries */
		goto done;
	}
	if (e->ntopics > 1)
		qsort(e->topics, e->ntopics, sizeof(*e->topics),
		    store_cmp_topic);
	story.entry = e;
	story.source = cv[0].source;
	story.feed = &cv[0].feed;
	story.carriers = cv;
	story.ncarriers = nc;
	*stop = cb(&story, arg);
	rc = 0;
done:
	free(cv);
	feed_free(f);
	return rc;
}

/*
 * The stories matching a common word, read lazily into a bitmap: runs of
 * matches read downwards from a story id as the scan asks about it. A
 * scan newest first mostly meets ids close below the last, so a page
 * costs a short run, not the whole list of matches; an id far from what
 * is known starts a new run there (a seek in the FTS index).
 */
#define STORE_TEXT_JUMP		4096	/* ids stepped over rather than seek */

struct store_textrun {
	int64_t		 lo, hi;	/* membership of [lo, hi] is known */
};

struct store_textset {
	sqlite3_stmt	*s;
	const char	*q;
	uint8_t		*bits;
	int64_t		 nbits;
	struct store_textrun *runs;	/* the last one is being read */
	size_t		 nruns;
	bool		 reading;	/* s is positioned in the last run */
};

static void
store_textset_set(struct store_textset *ts, int64_t id)
{
	if (id >= ts->nbits) {
		int64_t	n = (id + 1 + 4095) & ~(int64_t)4095;

		ts->bits = xrealloc(ts->bits, n / 8);
		memset(ts->bits + ts->nbits / 8, 0, (n - ts->nbits) / 8);
		ts->nbits = n;
	}
	ts->bits[id / 8] |= 1 << (id % 8);
}

static int
store_textset_has(struct store *st, struct store_textset *ts, int64_t id,
    bool *has, char *err, size_t errlen)
{
	struct store_textrun	*run;
	int			 r;

	for (;;) {
		for (size_t i = 0; i < ts->nruns; i++)
			if (id >= ts->runs[i].lo && id <= ts->runs[i].hi) {
				*has = id < ts->nbits &&
				    (ts->bits[id / 8] & (1 << (id % 8))) != 0;
				return 0;
			}
		run = ts->nruns > 0 ? &ts->runs[ts->nruns - 1] : NULL;
		if (run != NULL && ts->reading && id < run->lo &&
		    id >= run->lo - STORE_TEXT_JUMP) {
			/* Close below: read on. */
			if ((r = sqlite3_step(ts->s)) == SQLITE_ROW) {
				int64_t	m = sqlite3_column_int64(ts->s, 0);

				run->lo = m;
				if (m >= 0)
					store_textset_set(ts, m);
				continue;
			}
			if (r != SQLITE_DONE)
				return store_fail(st, err, errlen, "text");
			run->lo = INT64_MIN;	/* nothing further down */
			ts->reading = false;
			continue;
		}
		/* Far from anything known: a new run from id down. */
		sqlite3_reset(ts->s);
		sqlite3_bind_text(ts->s, 1, ts->q, -1, SQLITE_STATIC);
		sqlite3_bind_int64(ts->s, 2, id);
		if (ts->nruns % 16 == 0)
			ts->runs = xreallocarray(ts->runs, ts->nruns + 16,
			    sizeof(*ts->runs));
		run = &ts->runs[ts->nruns++];
		run->hi = id;
		run->lo = id + 1;	/* nothing read yet */
		ts->reading = true;
		if ((r = sqlite3_step(ts->s)) == SQLITE_ROW) {
			int64_t	m = sqlite3_column_int64(ts->s, 0);

			run->lo = m;
			if (m >= 0)
				store_textset_set(ts, m);
		} else if (r == SQLITE_DONE) {
			run->lo = INT64_MIN;
			ts->reading = false;
		} else
			return store_fail(st, err, errlen, "text");
	}
}

int
store_query_stories(struct store *st, const struct store_filter *flt,
    store_story_cb cb, void *arg, char *err, size_t errlen)
{
	struct store_textset	 text = { 0 };
	enum store_stmt		 which;
	sqlite3_stmt		*q;
	char			 lang[9];
	const char		*fq = flt->q;
	int64_t			 sid = 0, limit, nout = 0;
	int			 r = SQLITE_DONE, stop = 0, rc = -1;

	limit = flt->limit != 0 ? (int64_t)flt->limit : 50;
	if (flt->source != NULL) {
		if (store_source_id(st, flt->source, false, &sid, NULL, err,
		    errlen) == -1)
			return -1;
		if (sid == 0)
			return 0;	/* unknown source: no stories */
	}
	store_lang(flt->lang, lang);
	if (flt->lang != NULL && lang[0] == '\0')
		return 0;
	if (fq != NULL && !st->batch) {
		char	ierr[256];

		/* Stories stored since the last store_index() first, up to
		 * STORE_QUERY_INDEX of them (the daemon indexes the rest
		 * when idle) and without waiting for another writer's lock:
		 * a read-only database or a busy one answers from what is
		 * indexed. */
		sqlite3_busy_timeout(st->db, 0);
		(void)store_index(st, STORE_QUERY_INDEX, NULL, ierr,
		    sizeof(ierr));
		sqlite3_busy_timeout(st->db, STORE_BUSY_MS);
	}
	if (fq != NULL) {
		/* A common word: the scan below filters through a bitmap
		 * instead of SQLite collecting every match first. */
		q = st->stmt[ST_TEXT_COUNT];
		sqlite3_bind_text(q, 1, fq, -1, SQLITE_STATIC);
		sqlite3_bind_int(q, 2, STORE_TEXT_DENSE);
		if ((r = store_step_row(st, ST_TEXT_COUNT, err, errlen)) == 1 &&
		    sqlite3_column_int(q, 0) >= STORE_TEXT_DENSE) {
			text.s = st->stmt[ST_TEXT_ROWIDS];
			text.q = fq;
			fq = NULL;
		}
		store_reset(st, ST_TEXT_COUNT);
		if (r == -1)
			return -1;
	}
	/* The index that drives the scan: a source is usually the narrower
	 * (hundreds of sources, a dozen topics). */
	if (flt->source != NULL)
		which = ST_Q_SOURCE;
	else if (flt->topic != NULL)
		which = ST_Q_TOPIC;
	else if (fq != NULL)
		which = ST_Q_TEXT;
	else if (flt->lang != NULL)
		which = ST_Q_LANG;
	else
		which = ST_Q_ALL;
	if (flt->newer)
		which += ST_QN_TOPIC - ST_Q_TOPIC;
	q = st->stmt[which];
	store_bind_text(q, 1, flt->topic);
	if (flt->source != NULL)
		sqlite3_bind_int64(q, 2, sid);
	else
		sqlite3_bind_null(q, 2);
	store_bind_text(q, 3, fq);
	store_bind_text(q, 4, flt->lang != NULL ? lang : NULL);
	sqlite3_bind_int64(q, 5, flt->since != 0 ? flt->since : INT64_MIN);
	sqlite3_bind_int64(q, 6, flt->has_cursor ? flt->cursor_updated :
	    flt->newer ? INT64_MIN : INT64_MAX);
	sqlite3_bind_int64(q, 7, flt->has_cursor ? flt->cursor_id :
	    flt->newer ? INT64_MIN : INT64_MAX);
	sqlite3_bind_int64(q, 8, text.s != NULL ? INT64_MAX : limit);
	while (!stop && nout < limit && (r = sqlite3_step(q)) == SQLITE_ROW) {
		if (text.s != NULL) {
			bool	has = false;

			if (store_textset_has(st, &text,
			    sqlite3_column_int64(q, 0), &has, err,
			    errlen) == -1)
				goto done;
			if (!has)
				continue;
		}
		if (store_story_emit(st, q, cb, arg, &stop, err,
		    errlen) == -1)
			goto done;
		nout++;
	}
	if (!stop && nout < limit && r != SQLITE_DONE) {
		store_fail(st, err, errlen, "story query");
		goto done;
	}
	rc = 0;
done:
	store_reset(st, which);
	if (text.s != NULL)
		store_reset(st, ST_TEXT_ROWIDS);
	free(text.bits);
	free(text.runs);
	return rc;
}

static int
store_count(struct store *st, enum store_stmt i, store_count_cb cb,
    void *arg, char *err, size_t errlen)
{
	sqlite3_stmt	*s = st->stmt[i];
	int		 r;

	while ((r = sqlite3_step(s)) == SQLITE_ROW)
		if (cb(store_col_text(s, 0), sqlite3_column_int64(s, 1),
		    arg) != 0)
			break;
	if (r != SQLITE_ROW && r != SQLITE_DONE) {
		store_fail(st, err, errlen, "count");
		store_reset(st, i);
		return -1;
	}
	store_reset(st, i);
	return 0;
}

int
store_count_topics(struct store *st, store_count_cb cb, void *arg,
    char *err, size_t errlen)
{
	return store_count(st, ST_COUNT_TOPICS, cb, arg, err, errlen);
}

int
store_count_sources(struct store *st, store_count_cb cb, void *arg,
    char *err, size_t errlen)
{
	return store_count(st, ST_COUNT_SOURCES, cb, arg, err, errlen);
}

/* After entries left a story: delete it when empty, else bring its upd,
 * sources and topics in line with the entries that remain. */
static int
store_story_settle(struct store *st, int64_t story, char *err,
    size_t errlen)
{
	sqlite3_stmt	*s = st->stmt[ST_STORY_LEFT];
	bool		 empty = true;
	time_t		 upd = 0;
	int		 r;

	sqlite3_bind_int64(s, 1, story);
	if ((r = store_step_row(st, ST_STORY_LEFT, err, errlen)) == 1 &&
	    sqlite3_column_type(s, 0) != SQLITE_NULL) {
		empty = false;
		upd = sqlite3_column_int64(s, 0);
	}
	store_reset(st, ST_STORY_LEFT);
	if (r == -1)
		return -1;
	if (empty) {
		sqlite3_bind_int64(st->stmt[ST_STOPIC_DEL], 1, story);
		sqlite3_bind_int64(st->stmt[ST_SSRC_DEL], 1, story);
		sqlite3_bind_int64(st->stmt[ST_STORY_DEL], 1, story);
		if (store_step_done(st, ST_STOPIC_DEL, err, errlen) == -1 ||
		    store_step_done(st, ST_SSRC_DEL, err, errlen) == -1)
			return -1;
		return store_step_done(st, ST_STORY_DEL, err, errlen);
	}
	sqlite3_bind_int64(st->stmt[ST_STORY_REUPD], 1, story);
	sqlite3_bind_int64(st->stmt[ST_STORY_REUPD], 2, upd);
	sqlite3_bind_int64(st->stmt[ST_SSRC_DEL], 1, story);
	sqlite3_bind_int64(st->stmt[ST_SSRC_REBUILD], 1, story);
	if (store_step_done(st, ST_STORY_REUPD, err, errlen) == -1 ||
	    store_step_done(st, ST_SSRC_DEL, err, errlen) == -1 ||
	    store_step_done(st, ST_SSRC_REBUILD, err, errlen) == -1)
		return -1;
	return store_story_topics_rebuild(st, story, err, errlen);
}

static int
store_cmp_i64(const void *a, const void *b)
{
	int64_t	x = *(const int64_t *)a, y = *(const int64_t *)b;

	return x < y ? -1 : x > y;
}

/* Settles each distinct story of v once. */
static int
store_stories_settle(struct store *st, int64_t *v, size_t n, char *err,
    size_t errlen)
{
	qsort(v, n, sizeof(*v), store_cmp_i64);
	for (size_t i = 0; i < n; i++)
		if ((i == 0 || v[i] != v[i - 1]) &&
		    store_story_settle(st, v[i], err, errlen) == -1)
			return -1;
	return 0;
}

int
store_prune(struct store *st, time_t before, size_t *npruned, char *err,
    size_t errlen)
{
	sqlite3_stmt	*s = st->stmt[ST_PRUNE_SEL], *t;
	int64_t		*eids = NULL, *stories = NULL, lasteid = 0;
	size_t		 n, total = 0;
	int		 r;

	if (npruned != NULL)
		*npruned = 0;
	if (st->batch) {
		snprintf(err, errlen, "store: prune within a batch");
		return -1;
	}
	/* Batches of 500, one transaction each: a long prune never holds
	 * the writer lock for long. */
	do {
		n = 0;
		if (store_begin(st, err, errlen) == -1)
			return -1;
		eids = xreallocarray(NULL, 500, sizeof(*eids));
		stories = xreallocarray(NULL, 500, sizeof(*stories));
		sqlite3_bind_int64(s, 1, before);
		sqlite3_bind_int64(s, 2, lasteid);
		while ((r = sqlite3_step(s)) == SQLITE_ROW) {
			t = st->stmt[ST_TOMB_INS];
			sqlite3_bind_int64(t, 1, sqlite3_column_int64(s, 1));
			sqlite3_bind_text(t, 2, store_col_text(s, 2), -1,
			    SQLITE_TRANSIENT);
			store_bind_text(t, 3, store_col_text(s, 3));
			eids[n] = sqlite3_column_int64(s, 0);
			stories[n] = sqlite3_column_int64(s, 4);
			n++;
			if (store_step_done(st, ST_TOMB_INS, err, errlen) == -1)
				break;
		}
		store_reset(st, ST_PRUNE_SEL);
		if (r != SQLITE_DONE) {
			if (r != SQLITE_ROW)
				store_fail(st, err, errlen, "prune");
			goto fail;
		}
		/* Each story's text out of the index before its entries
		 * go; store_index() puts back what remains (an emptied
		 * story leaves fts_pending with it). */
		qsort(stories, n, sizeof(*stories), store_cmp_i64);
		for (size_t i = 0; i < n; i++)
			if ((i == 0 || stories[i] != stories[i - 1]) &&
			    store_fts_unindex(st, stories[i], err,
			    errlen) == -1)
				goto fail;
		for (size_t i = 0; i < n; i++) {
			sqlite3_bind_int64(st->stmt[ST_ENT_DEL], 1, eids[i]);
			if (store_step_done(st, ST_ENT_DEL, err, errlen) == -1)
				goto fail;
		}
		if (store_stories_settle(st, stories, n, err, errlen) == -1)
			goto fail;
		if (store_fts_flush(st, err, errlen) == -1 ||
		    store_commit(st, n > 0, err, errlen) == -1)
			goto fail;
		total += n;
		if (n > 0) {
			lasteid = eids[n - 1];
			st->tombs = true;
		}
		free(eids);
		free(stories);
	} while (n == 500);
	if (npruned != NULL)
		*npruned = total;
	store_buckets_reset(st);
	return 0;
fail:
	store_rollback(st);
	free(eids);
	free(stories);
	return -1;
}

int
store_retag(struct store *st, int64_t after, size_t limit,
    store_retag_cb cb, void *arg, int64_t *last, char *err, size_t errlen)
{
	sqlite3_stmt	*s = st->stmt[ST_RETAG_SEL];
	struct feed	*f;
	int64_t		*eids, *stories;
	const char	**sources;
	size_t		 n = 0;
	int		 r, rc = -1;

	*last = 0;
	if (st->batch) {
		snprintf(err, errlen, "store: retag within a batch");
		return -1;
	}
	if (store_begin(st, err, errlen) == -1)
		return -1;
	f = feed_new();
	eids = xreallocarray(NULL, limit + 1, sizeof(*eids));
	stories = xreallocarray(NULL, limit + 1, sizeof(*stories));
	sources = xreallocarray(NULL, limit + 1, sizeof(*sources));
	sqlite3_bind_int64(s, 1, after);
	sqlite3_bind_int64(s, 2, (int64_t)limit);
	while ((r = sqlite3_step(s)) == SQLITE_ROW) {
		struct entry	*e = feed_add_entry(f);

		eids[n] = sqlite3_column_int64(s, 0);
		stories[n] = sqlite3_column_int64(s, 1);
		n++;
		e->title = feed_strdup(f, store_col_text(s, 2));
		e->title_type = sqlite3_column_int(s, 3);
		e->summary = feed_strdup(f, store_col_text(s, 4));
		e->summary_type = sqlite3_column_int(s, 5);
		e->content = feed_strdup(f, store_col_text(s, 6));
		e->content_type = sqlite3_column_int(s, 7);
		e->lang = feed_strdup(f, store_col_text(s, 8));
		e->link = feed_strdup(f, store_col_text(s, 9));
		/* The source's name, for its topics limit. */
		sources[n - 1] = feed_strdup(f, store_col_text(s, 10));
	}
	store_reset(st, ST_RETAG_SEL);
	if (r != SQLITE_DONE) {
		store_fail(st, err, errlen, "retag");
		goto done;
	}
	for (size_t i = 0; i < n; i++) {
		struct entry	*e = &f->entries[i];

		if (cb(f, e, sources[i], arg) != 0) {
			snprintf(err, errlen, "retag: callback failed");
			goto done;
		}
		if (store_topics_put(st, eids[i], e, err, errlen) == -1)
			goto done;
	}
	qsort(stories, n, sizeof(*stories), store_cmp_i64);
	for (size_t i = 0; i < n; i++)
		if ((i == 0 || stories[i] != stories[i - 1]) &&
		    store_story_topics_rebuild(st, stories[i], err,
		    errlen) == -1)
			goto done;
	if (store_commit(st, n > 0, err, errlen) == -1)
		goto done;
	*last = n > 0 ? eids[n - 1] : 0;
	rc = 0;
done:
	if (rc == -1)
		store_rollback(st);
	free(eids);
	free(stories);
	free(sources);
	feed_free(f);
	return rc;
}

/* Stories indexed per transaction: one FTS5 segment each, and the
 * write lock is let go between them. */
#define STORE_INDEX_CHUNK	4096

int
store_index(struct store *st, size_t max, bool *more, char *err,
    size_t errlen)
{
	sqlite3_stmt	*s;
	int64_t		*v;
	size_t		 done = 0;
	int		 r = 0;

	if (more != NULL)
		*more = false;
	if (st->batch) {
		snprintf(err, errlen, "store: index within a batch");
		return -1;
	}
	v = xreallocarray(NULL, STORE_INDEX_CHUNK, sizeof(*v));
	while (done < max) {
		size_t	n = 0, nlisted, chunk = max - done;
		int64_t	mark;
		bool	found;

		if (chunk > STORE_INDEX_CHUNK)
			chunk = STORE_INDEX_CHUNK;
		/* Nothing pending: no write lock taken. */
		r = store_step_row(st, ST_PEND_ANY, err, errlen);
		store_reset(st, ST_PEND_ANY);
		if (r != 1)
			break;
		if (store_begin(st, err, errlen) == -1) {
			r = -1;
			break;
		}
		/* The listed ones first, then the new ones above the
		 * mark, both in id order. */
		/* Rows above the mark in fts_pending (a process of
		 * schema 4 still running after the upgrade lists new
		 * stories) are new ones, indexed once, with them. */
		s = st->stmt[ST_PEND_SEL];
		sqlite3_bind_int64(s, 1, st->fts_mark);
		sqlite3_bind_int64(s, 2, (int64_t)chunk);
		while ((r = store_step_row(st, ST_PEND_SEL, err, errlen)) == 1)
			v[n++] = sqlite3_column_int64(s, 0);
		store_reset(st, ST_PEND_SEL);
		nlisted = n;
		if (r == 0) {
			s = st->stmt[ST_PEND_NEW];
			sqlite3_bind_int64(s, 1, st->fts_mark);
			sqlite3_bind_int64(s, 2, (int64_t)(chunk - n));
			while ((r = store_step_row(st, ST_PEND_NEW, err,
			    errlen)) == 1)
				v[n++] = sqlite3_column_int64(s, 0);
			store_reset(st, ST_PEND_NEW);
		}
		mark = n > nlisted ? v[n - 1] : st->fts_mark;
		/* All inserts in a row: FTS5 makes one segment of them. */
		for (size_t i = 0; i < n && r == 0; i++) {
			if ((r = store_story_text(st, v[i], &found, err,
			    errlen)) == -1 || !found)
				continue;
			s = st->stmt[ST_FTS_INS];
			sqlite3_bind_int64(s, 1, v[i]);
			for (int k = 0; k < 3; k++)
				sqlite3_bind_text(s, 2 + k, st->tbuf[k].s ==
				    NULL ? "" : st->tbuf[k].s,
				    (int)st->tbuf[k].len, SQLITE_STATIC);
			r = store_step_done(st, ST_FTS_INS, err, errlen);
		}
		if (r == 0 && nlisted > 0) {
			sqlite3_bind_int64(st->stmt[ST_PEND_DEL], 1,
			    v[nlisted - 1]);
			r = store_step_done(st, ST_PEND_DEL, err, errlen);
		}
		if (r == 0 && mark != st->fts_mark) {
			sqlite3_bind_int64(st->stmt[ST_PEND_DEL_NEW], 1,
			    st->fts_mark);
			sqlite3_bind_int64(st->stmt[ST_PEND_DEL_NEW], 2, mark);
			r = store_step_done(st, ST_PEND_DEL_NEW, err, errlen);
		}
		if (r == 0 && mark != st->fts_mark) {
			sqlite3_bind_int64(st->stmt[ST_MARK_SET], 1, mark);
			r = store_step_done(st, ST_MARK_SET, err, errlen);
		}
		/* No new generation: no page changes, as a text query
		 * indexes before it runs. */
		if (r == -1 || store_commit(st, false, err, errlen) == -1) {
			store_rollback(st);
			r = -1;
			break;
		}
		st->fts_mark = mark;
		done += n;
		if (n < chunk)
			break;
	}
	free(v);
	if (r == -1)
		return -1;
	if (more != NULL && done >= max) {
		r = store_step_row(st, ST_PEND_ANY, err, errlen);
		store_reset(st, ST_PEND_ANY);
		if (r == -1)
			return -1;
		*more = r == 1;
	}
	return 0;
}

/* A PASSIVE checkpoint on db: false only when it failed. Busy is no
 * failure: another connection checkpoints (copying the same pages) or
 * holds the WAL, and the next turn will do. */
static bool
store_wal_passive(sqlite3 *db, int *nlog, int *nckpt)
{
	int	rc;

	rc = sqlite3_wal_checkpoint_v2(db, NULL, SQLITE_CHECKPOINT_PASSIVE,
	    nlog, nckpt);
	return rc == SQLITE_OK || (rc & 0xff) == SQLITE_BUSY ||
	    (rc & 0xff) == SQLITE_LOCKED;
}

int
store_checkpoint(struct store *st, char *err, size_t errlen)
{
	if (!store_wal_passive(st->db, NULL, NULL))
		return store_fail(st, err, errlen, "checkpoint");
	return 0;
}

static int
store_wal_hook(void *arg, sqlite3 *db, const char *name, int pages)
{
	struct store	*st = arg;

	/* A checkpointer that runs beside steady commits never copies the
	 * last ones, so SQLite never starts the WAL again: past the
	 * automatic checkpoint's mark one here, with no commit beside it,
	 * catches up (copying only what the checkpointer has not) and the
	 * checkpointer is left asleep, as it would hold the lock. Busy (it
	 * still runs): the next commit tries again. */
	(void)name;
	if (pages >= STORE_AUTOCKPT) {
		(void)store_wal_passive(db, NULL, NULL);
		return SQLITE_OK;
	}
	st->wal_fn(st->wal_arg, pages);
	return SQLITE_OK;
}

void
store_wal_notify(struct store *st, store_wal_fn fn, void *arg)
{
	st->wal_fn = fn;
	st->wal_arg = arg;
	/* Each replaces the other: SQLite's automatic checkpoint is a
	 * WAL hook of its own. */
	if (fn != NULL)
		sqlite3_wal_hook(st->db, store_wal_hook, st);
	else
		sqlite3_wal_autocheckpoint(st->db, STORE_AUTOCKPT);
}

struct store_ckpt *
store_ckpt_open(const char *path, char *err, size_t errlen)
{
	struct store_ckpt	*ck = xcalloc(1, sizeof(*ck));
	char			 emsg[256];

	/* No statement kept: a checkpoint only needs the WAL opened,
	 * which a first read of the database does. Closed before the
	 * store's own connection (whose close then checkpoints the rest
	 * and removes the WAL). */
	if (sqlite3_open_v2(path, &ck->db, SQLITE_OPEN_READWRITE |
	    SQLITE_OPEN_NOMUTEX, NULL) != SQLITE_OK ||
	    sqlite3_busy_timeout(ck->db, STORE_BUSY_MS) != SQLITE_OK ||
	    sqlite3_exec(ck->db, "PRAGMA wal_autocheckpoint = 0;"
	    "SELECT count(*) FROM sqlite_schema;", NULL, NULL,
	    NULL) != SQLITE_OK) {
		store_errmsg(ck->db, emsg, sizeof(emsg));
		snprintf(err, errlen, "%s: checkpointer: %s", path, emsg);
		store_ckpt_close(ck);
		return NULL;
	}
	return ck;
}

int
store_ckpt_run(struct store_ckpt *ck, int *pages, int *left, char *err,
    size_t errlen)
{
	int	nlog = 0, nckpt = 0;
	bool	ok;
	char	emsg[256];

	ok = store_wal_passive(ck->db, &nlog, &nckpt);
	*pages = nlog > 0 ? nlog : 0;
	*left = nlog > nckpt ? nlog - nckpt : 0;
	if (!ok) {
		store_errmsg(ck->db, emsg, sizeof(emsg));
		snprintf(err, errlen, "checkpoint: %s", emsg);
		return -1;
	}
	return 0;
}

void
store_ckpt_close(struct store_ckpt *ck)
{
	if (ck == NULL)
		return;
	sqlite3_close(ck->db);
	free(ck);
}

int
store_meta_get(struct store *st, const char *name, int64_t *value,
    bool *found, char *err, size_t errlen)
{
	sqlite3_stmt	*s = st->stmt[ST_META_GET];
	int		 r;

	*found = false;
	sqlite3_bind_text(s, 1, name, -1, SQLITE_STATIC);
	if ((r = store_step_row(st, ST_META_GET, err, errlen)) == 1) {
		*value = sqlite3_column_int64(s, 0);
		*found = true;
	}
	store_reset(st, ST_META_GET);
	return r == -1 ? -1 : 0;
}

int
store_meta_set(struct store *st, const char *name, int64_t value,
    char *err, size_t errlen)
{
	sqlite3_stmt	*s = st->stmt[ST_META_SET];

	if (strcmp(name, "generation") == 0) {
		snprintf(err, errlen, "store: the generation is the store's");
		return -1;
	}
	if (st->batch) {
		snprintf(err, errlen, "store: meta within a batch");
		return -1;
	}
	sqlite3_bind_text(s, 1, name, -1, SQLITE_STATIC);
	sqlite3_bind_int64(s, 2, value);
	return store_step_done(st, ST_META_SET, err, errlen);
}

bool
store_locked(const struct store *st)
{
	return st->locked;
}

int
store_is_empty(struct store *st, bool *empty, char *err, size_t errlen)
{
	int	r;

	r = store_step_row(st, ST_ANY_ENTRY, err, errlen);
	store_reset(st, ST_ANY_ENTRY);
	*empty = r == 0;
	return r == -1 ? -1 : 0;
}
