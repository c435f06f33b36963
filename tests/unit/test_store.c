/*
 * The archive: identity and its fallbacks, broken-guid sources, updates
 * against no-ops, stories that must and must not merge, topics, retention
 * with tombstones, search, filters and keyset paging, source state.
 */

#include <inttypes.h>
#include <pthread.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stdatomic.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <cmocka.h>
#include <sqlite3.h>

#include "entry.h"
#include "store.h"
#include "store_util.h"
#include "text.h"

/* The tables below leave trailing fields out on purpose. */
#pragma GCC diagnostic ignored "-Wmissing-field-initializers"

static struct store_put_result
put(struct store *st, const char *src, const struct tentry *t, size_t n)
{
	struct store_put_result	 res;
	struct feed		*f = tfeed(t, n);
	char			 err[256];

	if (store_put_feed(st, src, f, &res, err, sizeof(err)) == -1)
		fail_msg("put %s: %s", src, err);
	feed_free(f);
	return res;
}

/* Takes an archive's entry topics back to how schema 5 and older kept
 * them, for tests of older archives: the topics column's content is
 * lost, entry_topic is empty. */
#define SCHEMA5_TOPICS \
	"CREATE TABLE entry_topic (" \
	"  eid INTEGER NOT NULL REFERENCES entry (eid) ON DELETE CASCADE," \
	"  topic TEXT NOT NULL," \
	"  score REAL NOT NULL DEFAULT 0," \
	"  why TEXT," \
	"  PRIMARY KEY (eid, topic)" \
	") WITHOUT ROWID;" \
	"ALTER TABLE entry DROP COLUMN topics;"

/* Before schema 7, story_topic and story_source had foreign keys to
 * story (and source): put them back, with their rows. */
#define SCHEMA6_STORY_KEYS \
	"CREATE TABLE st6 (" \
	"  topic TEXT NOT NULL," \
	"  upd INTEGER NOT NULL," \
	"  story INTEGER NOT NULL REFERENCES story (story) ON DELETE CASCADE," \
	"  PRIMARY KEY (topic, upd, story)" \
	") WITHOUT ROWID;" \
	"INSERT INTO st6 SELECT topic, upd, story FROM story_topic;" \
	"DROP TABLE story_topic;" \
	"ALTER TABLE st6 RENAME TO story_topic;" \
	"CREATE INDEX story_topic_story ON story_topic (story, topic);" \
	"CREATE TABLE ss6 (" \
	"  sid INTEGER NOT NULL REFERENCES source (sid)," \
	"  upd INTEGER NOT NULL," \
	"  story INTEGER NOT NULL REFERENCES story (story) ON DELETE CASCADE," \
	"  PRIMARY KEY (sid, upd, story)" \
	") WITHOUT ROWID;" \
	"INSERT INTO ss6 SELECT sid, upd, story FROM story_source;" \
	"DROP TABLE story_source;" \
	"ALTER TABLE ss6 RENAME TO story_source;" \
	"CREATE INDEX story_source_story ON story_source (story);"

static int64_t
count_sql(const char *path, const char *sql)
{
	sqlite3		*db;
	sqlite3_stmt	*s;
	int64_t		 n = -1;

	assert_int_equal(sqlite3_open(path, &db), SQLITE_OK);
	assert_int_equal(sqlite3_prepare_v2(db, sql, -1, &s, NULL), SQLITE_OK);
	if (sqlite3_step(s) == SQLITE_ROW)
		n = sqlite3_column_int64(s, 0);
	sqlite3_finalize(s);
	sqlite3_close(db);
	return n;
}

static void
exec_sql(const char *path, const char *sql)
{
	sqlite3		*db;

	assert_int_equal(sqlite3_open(path, &db), SQLITE_OK);
	assert_int_equal(sqlite3_exec(db, sql, NULL, NULL, NULL), SQLITE_OK);
	sqlite3_close(db);
}

static size_t
nstories(struct store *st)
{
	struct store_filter	 f = { .limit = 500 };
	struct tstories		*ts = xcalloc(1, sizeof(*ts));
	size_t			 n = tquery(st, &f, ts);

	tstories_clear(ts);
	free(ts);
	return n;
}

static void
test_open_schema(void **state)
{
	struct store	*st;
	char		*path, err[256];

	(void)state;
	st = tstore_open(&path);
	store_close(st);
	/* Reopening migrates nothing and keeps the data. */
	st = store_open(path, err, sizeof(err));
	assert_non_null(st);
	assert_int_equal(count_sql(path, "PRAGMA user_version"), 7);
	assert_int_equal(count_sql(path, "SELECT count(*)"
	    " FROM pragma_journal_mode WHERE journal_mode = 'wal'"), 1);
	store_close(st);
	/* A schema from the future is refused, not damaged. */
	{
		sqlite3	*db;

		assert_int_equal(sqlite3_open(path, &db), SQLITE_OK);
		sqlite3_exec(db, "PRAGMA user_version = 99", NULL, NULL, NULL);
		sqlite3_close(db);
	}
	assert_null(store_open(path, err, sizeof(err)));
	assert_non_null(strstr(err, "newer"));
	tstore_remove(path);
	free(path);
	printf("schema: migrate, reopen, WAL, refuse newer: ok\n");
}

/* When a source last brought a new entry: set by new entries only, kept
 * on the source's row across a reopen. */
static void
test_last_new(void **state)
{
	static const struct tentry	 t[] = {
		{ "a1", "Council adopts screening rules", "https://a.eu/1",
		  "text", T0, "en", NULL, TEXT_PLAIN },
	};
	struct store_put_result		 res;
	struct store			*st;
	struct feed			*f = tfeed(t, 1);
	char				*path, err[256];
	time_t				 got;

	(void)state;
	st = tstore_open(&path);
	assert_int_equal(store_source_last_new(st, "ecre", &got, err,
	    sizeof(err)), 0);
	assert_int_equal(got, 0);
	store_set_now(st, T0 + 100);
	assert_int_equal(store_put_feed(st, "ecre", f, &res, err,
	    sizeof(err)), 0);
	assert_int_equal(res.nnew, 1);
	store_set_now(st, T0 + 5000);
	assert_int_equal(store_put_feed(st, "ecre", f, &res, err,
	    sizeof(err)), 0);
	assert_int_equal(res.nnew, 0);
	store_close(st);
	st = store_open(path, err, sizeof(err));
	assert_non_null(st);
	assert_int_equal(store_source_last_new(st, "ecre", &got, err,
	    sizeof(err)), 0);
	assert_int_equal(got, T0 + 100);
	store_close(st);
	feed_free(f);
	tstore_remove(path);
	free(path);
	printf("last_new: set by a new entry, not by a re-fetch, kept across "
	    "a reopen: ok\n");
}

/* A second process writing (cron fetch --once beside serve) moves the
 * generation the HTTP cache compares. */
static void
test_generation_across_handles(void **state)
{
	static const struct tentry	 t[] = {
		{ "g1", "Frontex annual risk analysis published",
		  "https://a.eu/g1", "text", T0, "en", NULL, TEXT_PLAIN },
	};
	struct store_put_result		 res;
	struct store			*reader, *writer;
	struct feed			*f = tfeed(t, 1);
	char				*path, err[256];
	uint64_t			 g0, g1;

	(void)state;
	reader = tstore_open(&path);
	writer = store_open(path, err, sizeof(err));
	assert_non_null(writer);
	g0 = store_generation(reader);
	assert_int_equal(store_generation(reader), g0);	/* stable */
	assert_int_equal(store_put_feed(writer, "ecre", f, &res, err,
	    sizeof(err)), 0);
	g1 = store_generation(reader);
	assert_true(g1 != g0);
	assert_int_equal(store_generation(reader), g1);
	/* An unchanged re-fetch by the other handle moves nothing. */
	assert_int_equal(store_put_feed(writer, "ecre", f, &res, err,
	    sizeof(err)), 0);
	assert_int_equal(store_generation(reader), g1);
	store_close(writer);
	store_close(reader);
	feed_free(f);
	tstore_remove(path);
	free(path);
	printf("generation: another handle's write is seen, its no-op is "
	    "not: ok\n");
}

/*
 * serve's idle indexer begins a transaction after a cron fetch --once
 * wrote: that transaction sees the other's commit (data_version), and the
 * generation it moved must still reach store_generation, or the render
 * cache serves the old pages until serve's own next change.
 */
static void
test_generation_after_index(void **state)
{
	static const struct tentry	 t = { "g2", "Eurodac recast enters "
	    "into force", "https://a.eu/g2", "text", T0, "en", NULL,
	    TEXT_PLAIN };
	struct store			*serve, *cron;
	char				*path, err[256];
	bool				 more;
	uint64_t			 g0;

	(void)state;
	serve = tstore_open(&path);
	cron = store_open(path, err, sizeof(err));
	assert_non_null(cron);
	g0 = store_generation(serve);
	put(cron, "ecre", &t, 1);
	assert_int_equal(store_index(serve, SIZE_MAX, &more, err,
	    sizeof(err)), 0);
	assert_true(store_generation(serve) != g0);
	assert_int_equal(store_generation(serve), count_sql(path,
	    "SELECT value FROM meta WHERE name = 'generation'"));
	store_close(cron);
	store_close(serve);
	tstore_remove(path);
	free(path);
	printf("generation: another handle's write is seen after an index "
	    "transaction of our own: ok\n");
}

static void
test_source_state(void **state)
{
	struct store		*st;
	struct store_source_state ss, got;
	char			*path, err[256];

	(void)state;
	st = tstore_open(&path);
	assert_int_equal(store_source_get(st, "ecre", &got, err,
	    sizeof(err)), 0);
	assert_null(got.etag);
	assert_int_equal(got.error_streak, 0);
	memset(&ss, 0, sizeof(ss));
	ss.etag = "\"abc\"";
	ss.last_modified = "Mon, 10 Jun 2024 06:00:00 GMT";
	ss.redirect_url = "https://ecre.org/feed/";
	ss.last_status = "HTTP 503, retry in 600s";
	ss.next_fetch = T0 + 600;
	ss.last_fetch = T0;
	ss.last_success = T0 - 3600;
	ss.http_status = 503;
	ss.error_streak = 3;
	ss.disabled = true;
	assert_int_equal(store_source_set(st, "ecre", &ss, err,
	    sizeof(err)), 0);
	store_close(st);
	st = store_open(path, err, sizeof(err));	/* a restart */
	assert_non_null(st);
	assert_int_equal(store_source_get(st, "ecre", &got, err,
	    sizeof(err)), 0);
	assert_string_equal(got.etag, ss.etag);
	assert_string_equal(got.last_modified, ss.last_modified);
	assert_string_equal(got.redirect_url, ss.redirect_url);
	assert_string_equal(got.last_status, ss.last_status);
	assert_int_equal(got.next_fetch, ss.next_fetch);
	assert_int_equal(got.last_fetch, ss.last_fetch);
	assert_int_equal(got.last_success, ss.last_success);
	assert_int_equal(got.http_status, 503);
	assert_int_equal(got.error_streak, 3);
	assert_true(got.disabled);
	store_close(st);
	tstore_remove(path);
	free(path);
	printf("source state: 10 fields survive a restart: ok\n");
}

/*
 * Identity: each case puts `first`, then `again` into one source and
 * expects `again` to be the same entry (1 stored) or not (2 stored).
 */
static void
test_identity(void **state)
{
	static const struct {
		const char	*what;
		struct tentry	 first, again;
		int		 nstored;
	} cases[] = {
		{ "same guid, new link",
		  { "urn:x:1", "Title one", "https://a.eu/1", NULL, T0 },
		  { "urn:x:1", "Title one", "https://a.eu/1-moved", NULL, T0 },
		  1 },
		{ "different guids, same title",
		  { "urn:x:1", "Title one", "https://a.eu/1", NULL, T0 },
		  { "urn:x:2", "Title one", "https://a.eu/2", NULL, T0 },
		  2 },
		{ "no guid: link, http vs https",
		  { NULL, "Title one", "http://a.eu/news/1", NULL, T0 },
		  { NULL, "Title one!", "https://a.eu/news/1", NULL, T0 },
		  1 },
		{ "no guid: link with utm_source",
		  { NULL, "Title", "https://a.eu/news/1", NULL, T0 },
		  { NULL, "Title", "https://a.eu/news/1?utm_source=rss", NULL,
		    T0 },
		  1 },
		{ "no guid: link with fragment",
		  { NULL, "Title", "https://a.eu/news/1", NULL, T0 },
		  { NULL, "Title", "https://a.eu/news/1#comments", NULL, T0 },
		  1 },
		{ "no guid: host case",
		  { NULL, "Title", "https://A.EU/news/1", NULL, T0 },
		  { NULL, "Title", "https://a.eu/news/1", NULL, T0 },
		  1 },
		{ "no guid: different links",
		  { NULL, "Title", "https://a.eu/news/1", NULL, T0 },
		  { NULL, "Title", "https://a.eu/news/2", NULL, T0 },
		  2 },
		{ "no guid, no link: same title and date",
		  { NULL, "Weekly update", NULL, "x", T0 },
		  { NULL, "Weekly update", NULL, "y", T0 },
		  1 },
		{ "no guid, no link: same title, other date",
		  { NULL, "Weekly update", NULL, "x", T0 },
		  { NULL, "Weekly update", NULL, "x", T0 + 7 * DAY },
		  2 },
		{ "no guid, no link: other title",
		  { NULL, "Weekly update 1", NULL, NULL, T0 },
		  { NULL, "Weekly update 2", NULL, NULL, T0 },
		  2 },
		{ "blank guid counts as none",
		  { "  ", "Title", "https://a.eu/news/1", NULL, T0 },
		  { NULL, "Title", "https://a.eu/news/1", NULL, T0 },
		  1 },
	};
	size_t	i;

	(void)state;
	for (i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		struct store	*st;
		char		*path;

		st = tstore_open(&path);
		put(st, "src", &cases[i].first, 1);
		put(st, "src", &cases[i].again, 1);
		if (count_sql(path, "SELECT count(*) FROM entry") !=
		    cases[i].nstored)
			fail_msg("%s: %" PRId64 " stored, want %d",
			    cases[i].what, count_sql(path,
			    "SELECT count(*) FROM entry"), cases[i].nstored);
		store_close(st);
		tstore_remove(path);
		free(path);
	}
	printf("identity: %zu cases ok\n", i);
}

static void
test_update_noop(void **state)
{
	struct tentry t[3] = {
		{ "urn:1", "Council agrees position on screening regulation",
		  "https://a.eu/1", "<p>The Council agreed.</p>", T0, "en",
		  "screening", TEXT_HTML },
		{ "urn:2", "Eurodac: trilogue concluded", "https://a.eu/2",
		  "Agreement reached.", T0 + 3600, "en", "eurodac" },
		{ "urn:3", "Solidarity pool set up", "https://a.eu/3", NULL,
		  T0 + 7200, "en", NULL },
	};
	struct store_put_result	 r;
	struct store_filter	 f = { .limit = 10 };
	struct tstories		*ts = xcalloc(1, sizeof(*ts));
	struct store		*st;
	sqlite3			*db;
	sqlite3_stmt		*dv;
	char			*path;
	uint64_t		 gen;
	int64_t			 v0, v1;

	(void)state;
	st = tstore_open(&path);
	store_set_now(st, T0 + DAY);
	r = put(st, "src", t, 3);
	assert_int_equal(r.nnew, 3);
	gen = store_generation(st);
	assert_true(gen > 0);

	/* Another connection sees no commit at all for a re-fetch. */
	assert_int_equal(sqlite3_open(path, &db), SQLITE_OK);
	assert_int_equal(sqlite3_prepare_v2(db, "PRAGMA data_version", -1,
	    &dv, NULL), SQLITE_OK);
	assert_int_equal(sqlite3_step(dv), SQLITE_ROW);
	v0 = sqlite3_column_int64(dv, 0);
	sqlite3_reset(dv);
	r = put(st, "src", t, 3);
	assert_int_equal(r.nnew, 0);
	assert_int_equal(r.nupdated, 0);
	assert_int_equal(r.nunchanged, 3);
	assert_int_equal(store_generation(st), gen);
	assert_int_equal(sqlite3_step(dv), SQLITE_ROW);
	v1 = sqlite3_column_int64(dv, 0);
	sqlite3_reset(dv);
	assert_int_equal(v0, v1);

	/* A changed date alone is no change. */
	t[2].date = T0 + 9000;
	r = put(st, "src", t, 3);
	assert_int_equal(r.nunchanged, 3);

	/* A changed title is: updated in place, updated bumped. */
	t[1].title = "Eurodac: trilogue concluded, text published";
	store_set_now(st, T0 + 2 * DAY);
	r = put(st, "src", t, 3);
	assert_int_equal(r.nupdated, 1);
	assert_int_equal(r.nunchanged, 2);
	assert_true(store_generation(st) > gen);
	assert_int_equal(sqlite3_step(dv), SQLITE_ROW);
	assert_true(sqlite3_column_int64(dv, 0) != v1);
	sqlite3_finalize(dv);
	sqlite3_close(db);
	assert_int_equal(count_sql(path, "SELECT count(*) FROM entry"), 3);
	assert_int_equal(tquery(st, &f, ts), 3);
	assert_string_equal(ts->v[0].title, t[1].title);
	assert_int_equal(ts->v[0].updated, T0 + 2 * DAY);

	/* Changed text is a change too, and searchable at once. */
	t[0].summary = "<p>The Council agreed its mandate on Eurodac.</p>";
	r = put(st, "src", t, 3);
	assert_int_equal(r.nupdated, 1);
	f.q = "mandate";
	assert_int_equal(tquery(st, &f, ts), 1);
	assert_string_equal(ts->v[0].uid, "urn:1");
	f.q = "agreed";
	assert_int_equal(tquery(st, &f, ts), 1);
	f.q = "Council";
	assert_int_equal(tquery(st, &f, ts), 1);
	/* Text gone from an entry is gone from the index. */
	t[0].summary = "<p>The Council agreed.</p>";
	r = put(st, "src", t, 3);
	assert_int_equal(r.nupdated, 1);
	f.q = "mandate";
	assert_int_equal(tquery(st, &f, ts), 0);
	f.q = "agreed";
	assert_int_equal(tquery(st, &f, ts), 1);
	f.q = NULL;

	/* The same entry twice in one feed: the first wins, no flip-flop. */
	{
		struct tentry	dup[2] = { t[2], t[2] };

		dup[1].title = "Solidarity pool set up (other text)";
		r = put(st, "src", dup, 2);
		assert_int_equal(r.nunchanged, 2);
		r = put(st, "src", dup, 2);
		assert_int_equal(r.nunchanged, 2);
	}

	/* One character changed anywhere in a field is an update: a letter
	 * turned digit (one bit) at every offset of the first 32 bytes. */
	{
		char		title[] = "xxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxx";
		struct tentry	one = t[2];

		one.title = title;
		assert_int_equal(put(st, "src", &one, 1).nupdated, 1);
		for (size_t i = 0; i < 32; i++) {
			title[i] = '8';
			r = put(st, "src", &one, 1);
			if (r.nupdated != 1)
				fail_msg("title byte %zu changed: no update", i);
			title[i] = 'x';
			assert_int_equal(put(st, "src", &one, 1).nupdated, 1);
		}
	}
	store_close(st);
	tstore_remove(path);
	free(path);
	tstories_clear(ts);
	free(ts);
	printf("updates: no-op re-fetch writes nothing, 3 kinds of change "
	    "update in place, one bit changed at each of 32 offsets is "
	    "seen: ok\n");
}

static void
test_broken_guids(void **state)
{
	struct tentry		 t[5];
	struct store_put_result	 r;
	struct store		*st;
	char			*path, ids[5][64], links[5][64], titles[5][64];

	(void)state;
	/* A guid that changes on every fetch. */
	st = tstore_open(&path);
	for (int round = 0; round < 4; round++) {
		for (int i = 0; i < 5; i++) {
			snprintf(ids[i], sizeof(ids[i]), "urn:rand:%d-%d",
			    rand(), round);
			snprintf(links[i], sizeof(links[i]),
			    "https://ngo.example/news/%d", i);
			snprintf(titles[i], sizeof(titles[i]),
			    "Item number %d about asylum", i);
			t[i] = (struct tentry){ ids[i], titles[i], links[i],
			    NULL, T0 + i * 3600 };
		}
		r = put(st, "flaky", t, 5);
		if (round == 0)
			assert_int_equal(r.nnew, 5);
		else {
			assert_int_equal(r.nnew, 0);
			assert_int_equal(r.nunchanged, 5);
			assert_true(r.link_keys);
		}
	}
	assert_int_equal(count_sql(path, "SELECT count(*) FROM entry"), 5);
	/* Keyed by link now: a changed title updates, does not add. */
	snprintf(ids[2], sizeof(ids[2]), "urn:rand:new");
	t[2].title = "Item number 2 about asylum, corrected";
	r = put(st, "flaky", t, 5);
	assert_int_equal(r.nupdated, 1);
	assert_int_equal(count_sql(path, "SELECT count(*) FROM entry"), 5);
	store_close(st);
	tstore_remove(path);
	free(path);

	/* The same guid on every item. */
	st = tstore_open(&path);
	for (int i = 0; i < 5; i++)
		t[i] = (struct tentry){ "https://ngo.example/feed", titles[i],
		    links[i], NULL, T0 + i * 3600 };
	r = put(st, "samey", t, 5);
	assert_int_equal(r.nnew, 5);
	assert_true(r.link_keys);
	r = put(st, "samey", t, 5);
	assert_int_equal(r.nunchanged, 5);
	assert_int_equal(count_sql(path, "SELECT count(*) FROM entry"), 5);

	/* The same guid on every item, and no links either. */
	for (int i = 0; i < 5; i++)
		t[i] = (struct tentry){ "urn:newsletter", titles[i], NULL, NULL,
		    T0 + i * 3600 };
	r = put(st, "nolinks", t, 5);
	assert_int_equal(r.nnew, 5);
	assert_true(r.link_keys);
	r = put(st, "nolinks", t, 5);
	assert_int_equal(r.nunchanged, 5);
	assert_int_equal(count_sql(path, "SELECT count(*) FROM entry"), 10);
	for (int i = 0; i < 5; i++)
		t[i] = (struct tentry){ "https://ngo.example/feed", titles[i],
		    links[i], NULL, T0 + i * 3600 };

	/* A healthy source next to it keeps keying by guid. */
	for (int i = 0; i < 5; i++) {
		snprintf(ids[i], sizeof(ids[i]), "urn:ok:%d", i);
		t[i] = (struct tentry){ ids[i], titles[i], links[i], NULL,
		    T0 + i * 3600 };
	}
	r = put(st, "healthy", t, 5);
	assert_false(r.link_keys);
	assert_int_equal(r.nnew, 5);
	/* One guid fixed by its publisher is matched by link, no switch. */
	t[0].id = "urn:ok:0-fixed";
	r = put(st, "healthy", t, 5);
	assert_false(r.link_keys);
	assert_int_equal(r.nnew, 0);
	assert_int_equal(count_sql(path, "SELECT count(*) FROM entry"), 15);
	/* Two items sharing one link stay two entries. */
	t[0].id = "urn:ok:0";
	t[1].link = t[0].link;
	r = put(st, "healthy", t, 5);
	assert_int_equal(count_sql(path, "SELECT count(*) FROM entry"), 15);
	store_close(st);
	tstore_remove(path);
	free(path);
	printf("broken guids: changing guid (4 fetches), same guid with and "
	    "without links, healthy neighbour, one fixed guid: ok\n");
}

struct side {
	const char	*title;
	const char	*link;
	const char	*summary;
	int		 hours;		/* after the first side */
	enum text_type	 stype;
};

struct pair {
	const char	*what;
	struct side	 a, b;
};

#define BODY_SCREENING \
	"The Council today agreed its negotiating mandate on the proposal " \
	"for a regulation introducing a screening of third country " \
	"nationals at the external borders. The screening will include " \
	"identification, health and security checks and registration in " \
	"the Eurodac database, and will last no longer than seven days."
#define BODY_FRONTEX \
	"Irregular crossings of the EU external borders fell by 36 " \
	"percent in the first half of the year according to preliminary " \
	"Frontex calculations, with the Western Balkan route seeing the " \
	"steepest decline and the Central Mediterranean remaining the " \
	"busiest route."
#define BODY_UNHCR \
	"UNHCR calls on European states to ensure that the implementation " \
	"of the Pact on Migration and Asylum upholds the right to seek " \
	"asylum, guarantees access to fair procedures and avoids " \
	"detention of children and families at the borders."
#define BODY_BULLETIN1 \
	"This week: Greek authorities continue pushbacks in the Evros " \
	"region, the Italian government extends the Albania protocol, and " \
	"civil society organisations publish a report on reception " \
	"conditions in Cyprus and Malta."
#define BODY_BULLETIN2 \
	"This week: the Commission presents its implementation plan for " \
	"the Pact, Germany reintroduces internal border controls on all " \
	"land borders, and a Dutch court rules on transfers to Croatia " \
	"under the Dublin regulation."
#define BODY_CALL \
	"The European Commission has published a new call for proposals " \
	"under the Asylum, Migration and Integration Fund. Eligible " \
	"applicants are public bodies and non-profit organisations " \
	"established in a Member State. The deadline for submitting " \
	"applications is 30 September and the total budget available " \
	"amounts to 25 million euro."

static const struct pair merge_pairs[] = {
	{ "same link, http vs https, other titles",
	  { "Pact adopted", "http://www.consilium.europa.eu/en/press/"
	    "press-releases/2024/05/14/pact-adopted/", NULL, 0 },
	  { "Council adopts the Pact on Migration and Asylum",
	    "https://www.consilium.europa.eu/en/press/press-releases/2024/05/"
	    "14/pact-adopted/", NULL, 5 } },
	{ "same link with utm parameters",
	  { "Frontex publishes risk analysis", "https://frontex.europa.eu/"
	    "media-centre/news/risk-analysis-2024", NULL, 0 },
	  { "Risk analysis for 2024", "https://frontex.europa.eu/media-centre/"
	    "news/risk-analysis-2024?utm_source=newsletter&utm_medium=email",
	    NULL, 20 } },
	{ "same link with a fragment",
	  { "EUAA asylum report 2024", "https://euaa.europa.eu/asylum-report-"
	    "2024", NULL, 0 },
	  { "Asylum Report 2024 published", "https://euaa.europa.eu/asylum-"
	    "report-2024#key-findings", NULL, 30 } },
	{ "same link, host in capitals",
	  { "Statement on Lampedusa arrivals", "https://ec.europa.eu/"
	    "commission/presscorner/detail/en/statement_23_4502", NULL, 0 },
	  { "Lampedusa: Commission statement", "https://EC.EUROPA.EU/"
	    "commission/presscorner/detail/en/statement_23_4502", NULL, 1 } },
	{ "same title, one without text",
	  { "Council agrees position on screening regulation",
	    "https://www.consilium.europa.eu/en/press/1", BODY_SCREENING, 0 },
	  { "Council agrees position on screening regulation",
	    "https://migration-news.example/2024/council-screening", NULL,
	    4 } },
	{ "source name appended to the title",
	  { "Frontex: irregular border crossings down 36% in first half of "
	    "the year", "https://frontex.europa.eu/news/1", BODY_FRONTEX, 0 },
	  { "Frontex: irregular border crossings down 36% in first half of "
	    "the year | ECRE", "https://ecre.org/frontex-crossings-down/",
	    BODY_FRONTEX, 12 } },
	{ "'Press release:' prefix",
	  { "Council agrees position on screening regulation",
	    "https://a.example/1", BODY_SCREENING, 0 },
	  { "Press release: Council agrees position on screening regulation",
	    "https://b.example/2", BODY_SCREENING, 2 } },
	{ "case, dashes and punctuation",
	  { "EU\xe2\x80\x93Turkey statement: five years on",
	    "https://a.example/eu-turkey", BODY_UNHCR, 0 },
	  { "EU-Turkey Statement - Five Years On", "https://b.example/x",
	    BODY_UNHCR, 3 } },
	{ "accents dropped by one source",
	  { "R\xc3\xa8glement Eurodac : accord provisoire entre le Conseil et "
	    "le Parlement", "https://a.example/fr/1", NULL, 0 },
	  { "Reglement Eurodac: accord provisoire entre le Conseil et le "
	    "Parlement", "https://b.example/fr/2", NULL, 6 } },
	{ "decomposed accents (NFD) against composed",
	  { "Proc\xc3\xa9" "dure d'asile \xc3\xa0 la fronti\xc3\xa8re : le "
	    "Parlement adopte sa position", "https://a.example/fr/3", NULL, 0 },
	  { "Proce\xcc\x81" "dure d'asile a\xcc\x80 la frontie\xcc\x80re : le "
	    "Parlement adopte sa position", "https://b.example/fr/4", NULL,
	    1 } },
	{ "HTML summary against plain text",
	  { "UNHCR urges states to uphold asylum under the Pact",
	    "https://unhcr.example/1", "<p>" BODY_UNHCR "</p>", 0, TEXT_HTML },
	  { "UNHCR urges states to uphold asylum under the Pact",
	    "https://b.example/unhcr", BODY_UNHCR, 8 } },
	{ "summary truncated by the second source",
	  { "Commission publishes call for proposals on migrant integration",
	    "https://ec.example/call", BODY_CALL, 0 },
	  { "Commission publishes call for proposals on migrant integration",
	    "https://b.example/call", "The European Commission has published "
	    "a new call for proposals under the Asylum, Migration and "
	    "Integration Fund. Eligible applicants are public bodies [\xe2\x80"
	    "\xa6]", 24 } },
	{ "three days apart",
	  { "Frontex: irregular border crossings down 36% in first half of "
	    "the year", "https://a.example/f", BODY_FRONTEX, 0 },
	  { "Frontex: irregular border crossings down 36% in first half of "
	    "the year", "https://b.example/f", BODY_FRONTEX, 72 } },
	{ "German title, one without text",
	  { "Rat legt Standpunkt zur Verordnung \xc3\xbc" "ber Asyl- und "
	    "Migrationsmanagement fest", "https://a.example/de/1",
	    "Der Rat hat heute seinen Standpunkt festgelegt.", 0 },
	  { "Rat legt Standpunkt zur Verordnung \xc3\xbc" "ber Asyl- und "
	    "Migrationsmanagement fest", "https://b.example/de/1", NULL, 2 } },
	{ "one source adds a sentence",
	  { "UNHCR urges states to uphold asylum under the Pact",
	    "https://a.example/u", BODY_UNHCR, 0 },
	  { "UNHCR urges states to uphold asylum under the Pact",
	    "https://b.example/u", BODY_UNHCR " The statement was issued in "
	    "Geneva on Tuesday.", 5 } },
	{ "'EU' added to the title",
	  { "Commission welcomes agreement on the Pact on Migration and "
	    "Asylum", "https://a.example/w", BODY_UNHCR, 0 },
	  { "EU Commission welcomes agreement on the Pact on Migration and "
	    "Asylum", "https://b.example/w", BODY_UNHCR, 1 } },
	{ "same link, parameters in another order",
	  { "Eurostat: first-time asylum applicants in March",
	    "https://ec.europa.eu/eurostat/news?id=123&lang=en", NULL, 0 },
	  { "Asylum applicants, March", "https://ec.europa.eu/eurostat/news?"
	    "lang=en&id=123", NULL, 3 } },
	{ "same link with mc_cid and fbclid",
	  { "PICUM statement on the Pact", "https://picum.org/blog/pact-"
	    "statement/", NULL, 0 },
	  { "Statement: the Pact will lead to more detention",
	    "https://picum.org/blog/pact-statement/?mc_cid=abc&mc_eid=def&"
	    "fbclid=xyz", NULL, 9 } },
	{ "typographic quotes against straight ones",
	  { "\xe2\x80\x9c" "No one left behind\xe2\x80\x9d" ": NGOs react to "
	    "the Pact vote", "https://a.example/q", BODY_UNHCR, 0 },
	  { "\"No one left behind\": NGOs react to the Pact vote",
	    "https://b.example/q", BODY_UNHCR, 3 } },
	{ "' - UNHCR' suffix",
	  { "UNHCR urges states to uphold asylum under the Pact",
	    "https://a.example/u2", BODY_UNHCR, 0 },
	  { "UNHCR urges states to uphold asylum under the Pact - UNHCR "
	    "Europe", "https://b.example/u2", BODY_UNHCR, 3 } },
	{ "generic title with the same long text",
	  { "Weekly Bulletin", "https://ecre.org/weekly-bulletin-1",
	    BODY_BULLETIN1, 0 },
	  { "Weekly Bulletin", "https://mirror.example/ecre-weekly",
	    BODY_BULLETIN1, 2 } },
	{ "HTML title markup",
	  { "<b>Eurodac</b> recast adopted by the Council",
	    "https://a.example/e", BODY_SCREENING, 0 },
	  { "Eurodac recast adopted by the Council", "https://b.example/e",
	    BODY_SCREENING, 2 } },
};

static const struct pair apart_pairs[] = {
	{ "screening vs Eurodac, same boilerplate",
	  { "Council agrees position on screening regulation",
	    "https://a.example/1", BODY_SCREENING, 0 },
	  { "Council agrees position on Eurodac regulation",
	    "https://b.example/2", BODY_SCREENING, 1 } },
	{ "screening vs Eurodac, no text",
	  { "Council agrees position on screening regulation",
	    "https://a.example/1", NULL, 0 },
	  { "Council agrees position on Eurodac regulation",
	    "https://b.example/2", NULL, 1 } },
	{ "'Weekly Bulletin', no text",
	  { "Weekly Bulletin", "https://ecre.org/wb-1", NULL, 0 },
	  { "Weekly Bulletin", "https://other.example/wb", NULL, 24 } },
	{ "'Weekly Bulletin', different text",
	  { "Weekly Bulletin", "https://ecre.org/wb-1", BODY_BULLETIN1, 0 },
	  { "Weekly Bulletin", "https://other.example/wb", BODY_BULLETIN2,
	    24 } },
	{ "'Press release', no text",
	  { "Press release", "https://a.example/pr/1", NULL, 0 },
	  { "Press release", "https://b.example/pr/2", NULL, 1 } },
	{ "'Newsletter', different text",
	  { "Newsletter", "https://a.example/n/1", BODY_BULLETIN1, 0 },
	  { "Newsletter", "https://b.example/n/2", BODY_CALL, 1 } },
	{ "same title, eight days apart",
	  { "Boats intercepted off the Libyan coast", "https://a.example/l1",
	    NULL, 0 },
	  { "Boats intercepted off the Libyan coast", "https://b.example/l2",
	    NULL, 8 * 24 } },
	{ "2024 vs 2025",
	  { "Council adopts 2024 budget for the Asylum Migration and "
	    "Integration Fund", "https://a.example/b24", BODY_CALL, 0 },
	  { "Council adopts 2025 budget for the Asylum Migration and "
	    "Integration Fund", "https://b.example/b25", BODY_CALL, 1 } },
	{ "Italy vs Greece",
	  { "Italy: 50 people rescued off Lampedusa", "https://a.example/it",
	    NULL, 0 },
	  { "Greece: 50 people rescued off Lesvos", "https://b.example/gr",
	    NULL, 1 } },
	{ "vague title, different text",
	  { "Statement on the situation at the border", "https://a.example/s",
	    BODY_UNHCR, 0 },
	  { "Statement on the situation at the border", "https://b.example/s",
	    BODY_FRONTEX, 1 } },
	{ "title a subset, other text",
	  { "Asylum statistics", "https://a.example/as", BODY_FRONTEX, 0 },
	  { "Asylum statistics Germany 2023", "https://b.example/as",
	    BODY_BULLETIN2, 1 } },
	{ "same site root as link",
	  { "Detention of children in Hungary", "https://ngo.example/", NULL,
	    0 },
	  { "New report on reception in Cyprus", "https://ngo.example/",
	    NULL, 1 } },
	{ "March vs April",
	  { "Eurostat: asylum applications up in March", "https://a.example/m",
	    NULL, 0 },
	  { "Eurostat: asylum applications up in April", "https://b.example/a",
	    NULL, 1 } },
	{ "adopts screening vs adopts Eurodac",
	  { "Pact on Migration and Asylum: Council adopts screening "
	    "regulation", "https://a.example/p1", BODY_SCREENING, 0 },
	  { "Pact on Migration and Asylum: Council adopts Eurodac regulation",
	    "https://b.example/p2", BODY_SCREENING, 1 } },
	{ "one-word title",
	  { "Migration", "https://a.example/m1", NULL, 0 },
	  { "Migration", "https://b.example/m2", NULL, 1 } },
	{ "'Daily update 12 March', different text",
	  { "Daily update 12 March", "https://a.example/d", BODY_BULLETIN1,
	    0 },
	  { "Daily update 12 March", "https://b.example/d", BODY_BULLETIN2,
	    1 } },
	{ "English vs French",
	  { "Council agrees position on screening regulation",
	    "https://a.example/en", NULL, 0 },
	  { "Le Conseil arr\xc3\xaate sa position sur le r\xc3\xa8glement "
	    "filtrage", "https://a.example/fr", NULL, 1 } },
	{ "same call boilerplate, other subject",
	  { "New call for proposals: integration of migrants",
	    "https://a.example/c1", BODY_CALL, 0 },
	  { "New call for proposals: return and reintegration",
	    "https://b.example/c2", BODY_CALL, 1 } },
	{ "title extended by many words",
	  { "Court ruling on detention", "https://a.example/cr", NULL, 0 },
	  { "Court ruling on detention of children in Hungary violates the "
	    "Convention", "https://b.example/cr", NULL, 1 } },
	{ "same title, two different joint statements",
	  { "Joint statement on the Pact on Migration and Asylum",
	    "https://a.example/js", BODY_UNHCR, 0 },
	  { "Joint statement on the Pact on Migration and Asylum",
	    "https://b.example/js", BODY_CALL, 1 } },
	{ "'Press release: Weekly Bulletin', different text",
	  { "Press release: Weekly Bulletin", "https://a.example/p",
	    BODY_BULLETIN1, 0 },
	  { "Press release: Weekly Bulletin", "https://b.example/p",
	    BODY_BULLETIN2, 1 } },
	{ "an added case number, same text",
	  { "Dublin transfers: Court rules in case C-392/22",
	    "https://a.example/cj1", BODY_SCREENING, 0 },
	  { "Dublin transfers: Court rules in case C-392/22 and C-228/21",
	    "https://b.example/cj2", BODY_SCREENING, 1 } },
	{ "Italy vs Malta",
	  { "Search and rescue: NGO ship detained in Italy",
	    "https://a.example/sar1", NULL, 0 },
	  { "Search and rescue: NGO ship detained in Malta",
	    "https://b.example/sar2", NULL, 1 } },
};

/* Puts one pair from two sources; returns how many stories result. */
static size_t
pair_stories(const struct pair *p, char **uid)
{
	struct store_filter	 f = { .limit = 10 };
	struct tstories		*ts = xcalloc(1, sizeof(*ts));
	struct tentry		 a = { "urn:a:1", p->a.title, p->a.link,
	    p->a.summary, T0, "en", NULL, p->a.stype };
	struct tentry		 b = { "urn:b:1", p->b.title, p->b.link,
	    p->b.summary, T0 + p->b.hours * 3600, "en", NULL, p->b.stype };
	struct store		*st;
	char			*path;
	size_t			 n;

	st = tstore_open(&path);
	put(st, "a", &a, 1);
	put(st, "b", &b, 1);
	n = tquery(st, &f, ts);
	*uid = NULL;
	if (n == 1) {
		if (ts->v[0].ncarriers != 2 ||
		    strcmp(ts->v[0].carriers, "a,b") != 0)
			fail_msg("%s: carriers %s", p->what, ts->v[0].carriers);
		*uid = xstrdup(ts->v[0].uid);
	}
	store_close(st);
	tstore_remove(path);
	free(path);
	tstories_clear(ts);
	free(ts);
	return n;
}

static void
test_merge(void **state)
{
	size_t	i, bad = 0;
	char	*uid;

	(void)state;
	for (i = 0; i < sizeof(merge_pairs) / sizeof(merge_pairs[0]); i++) {
		if (pair_stories(&merge_pairs[i], &uid) != 1) {
			printf("must merge, did not: %s\n",
			    merge_pairs[i].what);
			bad++;
		} else if (strcmp(uid, "urn:a:1") != 0) {
			printf("merged but lost the first id: %s\n",
			    merge_pairs[i].what);
			bad++;
		}
		free(uid);
	}
	assert_int_equal(bad, 0);
	printf("merge: %zu pairs merged into one story keeping the first "
	    "id: ok\n", i);
}

static void
test_no_merge(void **state)
{
	size_t	i, bad = 0;
	char	*uid;

	(void)state;
	for (i = 0; i < sizeof(apart_pairs) / sizeof(apart_pairs[0]); i++) {
		if (pair_stories(&apart_pairs[i], &uid) != 2) {
			printf("must not merge, did: %s\n",
			    apart_pairs[i].what);
			bad++;
		}
		free(uid);
	}
	assert_int_equal(bad, 0);
	printf("no merge: %zu pairs kept apart: ok\n", i);
}

/* The 7-day window wherever the first entry falls in the calendar. */
static void
test_merge_window(void **state)
{
	static const struct {
		time_t	 delta;
		size_t	 nstories;
	} deltas[] = {
		{ 6 * DAY + 20 * 3600, 1 }, { -(6 * DAY + 20 * 3600), 1 },
		{ 7 * DAY + 12 * 3600, 2 }, { -(7 * DAY + 12 * 3600), 2 },
	};
	const size_t	ndeltas = sizeof(deltas) / sizeof(deltas[0]);
	size_t		n = 0;

	(void)state;
	for (int day = 0; day < 15; day++)
		for (size_t i = 0; i < ndeltas; i++) {
			time_t		 t = T0 + day * DAY + 3600 * (day % 5);
			struct tentry	 a = { "urn:a", "Council agrees "
			    "position on screening regulation",
			    "https://a.example/1", BODY_SCREENING, t };
			struct tentry	 b = { "urn:b", a.title,
			    "https://b.example/1", BODY_SCREENING,
			    t + deltas[i].delta };
			struct store	*st;
			char		*path;

			st = tstore_open(&path);
			store_set_now(st, T0 + 100 * DAY);
			put(st, "a", &a, 1);
			put(st, "b", &b, 1);
			if (nstories(st) != deltas[i].nstories)
				fail_msg("day %d, delta %lld: %zu stories", day,
				    (long long)deltas[i].delta, nstories(st));
			store_close(st);
			tstore_remove(path);
			free(path);
			n++;
		}
	printf("merge window: %zu placements of 6d20h (merge) and 7d12h "
	    "(apart) either way: ok\n", n);
}

/* A made-up word for n: its base-26 letters. */
static void
growth_word(char *buf, size_t len, unsigned n)
{
	size_t	i = 0;

	do {
		if (i + 1 < len)
			buf[i++] = (char)('a' + n % 26);
		n /= 26;
	} while (n != 0);
	buf[i] = '\0';
}

/* Story k's title, its first word swapped for another when swap: half
 * its words its own, as titles sharing most of their words share most
 * sketch keys, and a key's chain is read only STORE_CHAIN_MAX deep. */
static void
growth_title(char *buf, size_t len, const char *prefix, int k, bool swap)
{
	char	w[4][16];

	growth_word(w[0], sizeof(w[0]), (unsigned)k * 7919u + 1000u +
	    (swap ? 1u : 0u));
	growth_word(w[1], sizeof(w[1]), (unsigned)k * 104729u + 50000u);
	/* Two words shared by the 20 stories of k's group, spread over the
	 * fortnight: chains of up to 20 cross every growth. */
	growth_word(w[2], sizeof(w[2]), (unsigned)(k % 100) * 1299709u +
	    90000u);
	growth_word(w[3], sizeof(w[3]), (unsigned)(k % 100) * 15485863u +
	    700000u);
	snprintf(buf, len, "%s%s %s %s %s meeting %d", prefix, w[0], w[1],
	    w[2], w[3], k);
}

/*
 * Merges found through a fortnight's sketches after they grew and were
 * laid out again (2,000 stories, 8,000 sketches, from 1,024): a second
 * source's copy of a story anywhere in the fortnight still joins it,
 * and a copy with one title word swapped still does not.
 */
static void
test_merge_after_growth(void **state)
{
	const int	 picks[] = { 0, 3, 511, 1024, 1300, 1536, 1999 };
	const int	 npicks = sizeof(picks) / sizeof(picks[0]);
	struct tentry	 t[100];
	char		 ids[100][32], titles[100][160], links[100][64];
	struct store	*st;
	char		*path;

	(void)state;
	st = tstore_open(&path);
	store_set_now(st, T0 + 30 * DAY);
	for (int i = 0; i < 2000; i += 100) {
		for (int j = 0; j < 100; j++) {
			int	k = i + j;

			snprintf(ids[j], sizeof(ids[j]), "urn:g:%d", k);
			growth_title(titles[j], sizeof(titles[j]), "", k,
			    false);
			snprintf(links[j], sizeof(links[j]),
			    "https://a.example/g/%d", k);
			t[j] = (struct tentry){ ids[j], titles[j], links[j],
			    NULL, T0 + k * 300, "en", NULL };
		}
		put(st, "a", t, 100);
	}
	assert_int_equal(count_sql(path, "SELECT count(*) FROM story"), 2000);
	for (int p = 0; p < npicks; p++) {
		int	k = picks[p], q = npicks + p;

		snprintf(ids[p], sizeof(ids[p]), "urn:h:%d", k);
		growth_title(titles[p], sizeof(titles[p]), "ECRE: ", k, false);
		snprintf(links[p], sizeof(links[p]), "https://b.example/h/%d",
		    k);
		t[p] = (struct tentry){ ids[p], titles[p], links[p], NULL,
		    T0 + k * 300 + 600, "en", NULL };
		snprintf(ids[q], sizeof(ids[q]), "urn:x:%d", k);
		growth_title(titles[q], sizeof(titles[q]), "", k, true);
		snprintf(links[q], sizeof(links[q]), "https://b.example/x/%d",
		    k);
		t[q] = (struct tentry){ ids[q], titles[q], links[q], NULL,
		    T0 + k * 300 + 600, "en", NULL };
	}
	put(st, "b", t, 2 * npicks);
	assert_int_equal(count_sql(path, "SELECT count(*) FROM story"),
	    2000 + npicks);
	assert_int_equal(count_sql(path, "SELECT count(*) FROM entry b"
	    " JOIN entry a ON a.story = b.story WHERE b.key LIKE 'urn:h:%'"
	    " AND a.key = 'urn:g:' || substr(b.key, 7)"), npicks);
	assert_true(store_sketch_bytes(st) > 8000 * 20);
	store_close(st);
	tstore_remove(path);
	free(path);
	printf("merge after growth: 2,000 stories in a fortnight (their "
	    "sketches grown and laid out again 5 times), %d copies from "
	    "another source each join theirs, %d with a word swapped stay "
	    "apart: ok\n", npicks, npicks);
}

/* Two writers on one database (serve and a fetch --once): each sees the
 * other's stories when matching. */
static void
test_two_writers(void **state)
{
	struct tentry	 x = { "urn:x", "Reception conditions in Cyprus "
	    "criticised by NGOs", "https://x.example/1", BODY_BULLETIN1, T0 };
	struct tentry	 a = { "urn:a", "Council agrees position on "
	    "screening regulation", "https://a.example/1", BODY_SCREENING,
	    T0 + 3600 };
	struct tentry	 b = { "urn:b", a.title, "https://b.example/1",
	    BODY_SCREENING, T0 + 7200 };
	struct store	*st1, *st2;
	char		*path, err[256];

	(void)state;
	st1 = tstore_open(&path);
	st2 = store_open(path, err, sizeof(err));
	assert_non_null(st2);
	put(st1, "x", &x, 1);		/* st1 now knows this fortnight */
	put(st2, "a", &a, 1);		/* a story st1 has not seen */
	put(st1, "b", &b, 1);
	assert_int_equal(nstories(st1), 2);
	store_close(st2);
	store_close(st1);
	tstore_remove(path);
	free(path);
	printf("two writers: a story written by one joins the other's: ok\n");
}

/*
 * The filter of stored keys and links (store_seen_may) only spares
 * lookups that would find nothing: a link an update brought, what
 * another handle wrote, and keys past the size the filter was built
 * for are all found (tombstones: test_retention). After another
 * handle's write the filter is left out for STORE_SEEN_WAIT (64) puts;
 * SEEN_FEEDS feeds of 50, two hashes an entry, then pass the first
 * layer's STORE_SEEN_MIN (65,536) hashes.
 */
#define SEEN_FEEDS	800

static void
test_seen_filter(void **state)
{
	static const char *words[] = { "asylum", "border", "council",
	    "court", "data", "dublin", "eurodac", "frontex", "greece",
	    "italy", "malta", "pact", "quota", "ruling", "screening",
	    "spain", "transfer", "visa", "vote", "yemen" };
	struct tentry	 t[50];
	char		 ids[50][32], titles[50][96], links[50][48];
	struct tentry	 a = { "urn:a", "Ministers agree on the pact",
	    "https://a.example/1", NULL, T0 };
	struct tentry	 b = { "urn:b", "Council vote", "https://a.example/2",
	    NULL, T0 + 60 };
	struct tentry	 c = { "urn:c", "Reception centres in Malta full",
	    "https://a.example/3", NULL, T0 + 120 };
	struct tentry	 ab[2];
	struct store_put_result r;
	struct store	*st1, *st2;
	char		*path, err[256];
	size_t		 nnew = 0, nunchanged = 0, spared[2] = { 0, 0 };

	(void)state;
	st1 = tstore_open(&path);
	/* A link that only an update stored joins another source's copy
	 * to its story. */
	put(st1, "s", &a, 1);
	r = put(st1, "s", &c, 1);
	assert_int_equal(r.nnew, 1);
	assert_true(r.nspared >= 1);	/* the filter is in use */
	c.link = "https://a.example/moved";
	r = put(st1, "s", &c, 1);
	assert_int_equal(r.nupdated, 1);
	c.id = "urn:other";
	c.title = "Malta: no room left";
	r = put(st1, "t", &c, 1);
	assert_int_equal(r.nmerged, 1);
	assert_int_equal(nstories(st1), 2);

	/* A key another handle stored is found, not stored twice. */
	st2 = store_open(path, err, sizeof(err));
	assert_non_null(st2);
	put(st2, "s", &b, 1);
	ab[0] = a;
	ab[1] = b;
	r = put(st1, "s", ab, 2);
	assert_int_equal(r.nnew, 0);
	assert_int_equal(r.nunchanged, 2);
	store_close(st2);

	/* Built again after the other handle, and past the size it was
	 * built for (a second layer), every key is still found: the same
	 * feeds again store nothing, and no lookup is spared. */
	for (int round = 0; round < 2; round++) {
		for (int k = 0; k < SEEN_FEEDS; k++) {
			char	src[16];

			for (int i = 0; i < 50; i++) {
				unsigned n = (unsigned)(k * 50 + i);

				snprintf(ids[i], sizeof(ids[i]), "urn:g:%u", n);
				snprintf(links[i], sizeof(links[i]),
				    "https://g.example/%u", n);
				snprintf(titles[i], sizeof(titles[i]),
				    "%s %s %s %s %s %u", words[n % 20],
				    words[n / 20 % 20], words[n / 400 % 20],
				    words[n / 8000 % 20], words[n * 7 % 19],
				    n);
				t[i] = (struct tentry){ ids[i], titles[i],
				    links[i], NULL, T0 + (time_t)n * 60 };
			}
			snprintf(src, sizeof(src), "g%d", k % 20);
			r = put(st1, src, t, 50);
			nnew += r.nnew;
			nunchanged += r.nunchanged;
			spared[round] += r.nspared;
		}
	}
	assert_int_equal(nnew, SEEN_FEEDS * 50);
	assert_int_equal(nunchanged, SEEN_FEEDS * 50);
	assert_true(spared[0] > SEEN_FEEDS * 50);
	assert_int_equal(spared[1], 0);
	assert_int_equal(count_sql(path, "SELECT count(*) FROM entry"),
	    SEEN_FEEDS * 50 + 4);
	store_close(st1);
	tstore_remove(path);
	free(path);
	printf("seen filter: a link an update brought, keys another handle "
	    "wrote, and %d keys past the first layer are all found; %zu "
	    "lookups spared: ok\n", SEEN_FEEDS * 50, spared[0]);
}

static int
count_cb(const char *name, int64_t n, void *arg)
{
	char	*buf = arg;
	size_t	 len = strlen(buf);

	snprintf(buf + len, 256 - len, "%s%s=%" PRId64, len > 0 ? " " : "",
	    name, n);
	return 0;
}

static void
test_story_topics(void **state)
{
	struct tentry a[2] = {
		{ "urn:a:1", "Council agrees position on screening regulation",
		  "https://a.example/1", BODY_SCREENING, T0, "en",
		  "screening" },
		{ "urn:a:2", "Frontex: irregular border crossings down 36% in "
		  "first half of the year", "https://a.example/2",
		  BODY_FRONTEX, T0 + 3600, "en", "borders" },
	};
	struct tentry b[1] = {
		{ "urn:b:1", "Council agrees position on screening regulation",
		  "https://b.example/1", BODY_SCREENING, T0 + 7200, "en-GB",
		  "eurodac,screening" },
	};
	struct store_filter	 f = { .limit = 10 };
	struct tstories		*ts = xcalloc(1, sizeof(*ts));
	struct store		*st;
	char			*path, err[256], buf[256] = "";

	(void)state;
	st = tstore_open(&path);
	put(st, "a", a, 2);
	put(st, "b", b, 1);
	assert_int_equal(tquery(st, &f, ts), 2);
	/* Newest first: the merged story took b's later date. */
	assert_string_equal(ts->v[0].uid, "urn:a:1");
	assert_string_equal(ts->v[0].topics, "eurodac,screening");
	assert_string_equal(ts->v[0].carriers, "a,b");
	assert_int_equal(ts->v[0].updated, T0 + 7200);
	f.topic = "eurodac";
	assert_int_equal(tquery(st, &f, ts), 1);
	assert_string_equal(ts->v[0].uid, "urn:a:1");
	f.topic = NULL;
	f.q = "screening";		/* both entries' text, one story */
	assert_int_equal(tquery(st, &f, ts), 1);
	f.q = NULL;
	f.topic = "borders";
	assert_int_equal(tquery(st, &f, ts), 1);
	f.topic = NULL;
	f.source = "b";
	assert_int_equal(tquery(st, &f, ts), 1);
	f.source = "nonesuch";
	assert_int_equal(tquery(st, &f, ts), 0);
	f.source = "a";
	f.topic = "screening";
	assert_int_equal(tquery(st, &f, ts), 1);
	assert_int_equal(store_count_topics(st, count_cb, buf, err,
	    sizeof(err)), 0);
	assert_string_equal(buf, "borders=1 eurodac=1 screening=1");
	buf[0] = '\0';
	assert_int_equal(store_count_sources(st, count_cb, buf, err,
	    sizeof(err)), 0);
	assert_string_equal(buf, "a=2 b=1");
	store_close(st);
	tstore_remove(path);
	free(path);
	tstories_clear(ts);
	free(ts);
	printf("story topics: union of sources, filters by topic and source, "
	    "counts: ok\n");
}

/* Rows of story_topic or story_source whose upd is not their story's. */
#define MOVED_BEHIND(table) \
	"SELECT count(*) FROM " table " r JOIN story s ON s.story = r.story" \
	" WHERE r.upd != s.upd"

/*
 * A merge with a later date moves the story's topic and source rows to
 * the new upd (one by one, by their whole key); an earlier one moves
 * nothing; a row already at the new upd (an archive whose rows
 * disagree) neither fails the feed nor doubles the row. And a source
 * with only tombstones is not taken for a new one.
 */
static void
test_story_move(void **state)
{
	const char *title = "Council agrees position on screening regulation";
	struct tentry t[6] = {
		{ "urn:a:1", title, "https://a.example/1", BODY_SCREENING, T0,
		  "en", "eurodac,screening" },
		{ "urn:b:1", title, "https://b.example/1", BODY_SCREENING,
		  T0 + 7200, "en", "returns" },
		{ "urn:c:1", title, "https://c.example/1", BODY_SCREENING,
		  T0 + 10000, "en", "screening" },
		{ "urn:d:1", title, "https://d.example/1", BODY_SCREENING,
		  T0 + 5000, "en", "solidarity" },
		{ "urn:e:1", title, "https://e.example/1", BODY_SCREENING,
		  T0 + 20000, "en", NULL },
	};
	static const char *src[] = { "a", "b", "c", "d", "e" };
	struct store_put_result	 r;
	struct store		*st;
	char			*path, *sql, err[256];
	size_t			 n;

	(void)state;
	st = tstore_open(&path);
	for (int i = 0; i < 4; i++) {
		r = put(st, src[i], &t[i], 1);
		assert_int_equal(r.nnew, 1);
		assert_int_equal(r.nmerged, i > 0);
		assert_int_equal(count_sql(path, MOVED_BEHIND("story_topic")),
		    0);
		assert_int_equal(count_sql(path, MOVED_BEHIND("story_source")),
		    0);
	}
	assert_int_equal(count_sql(path, "SELECT upd FROM story"), T0 + 10000);
	assert_int_equal(count_sql(path, "SELECT count(*) FROM story_topic"),
	    4);
	assert_int_equal(count_sql(path, "SELECT count(*) FROM story_source"),
	    4);

	/* A stray row where the next merge moves the story's rows. */
	sql = xasprintf("INSERT INTO story_topic (topic, upd, story)"
	    " SELECT 'eurodac', %lld, story FROM story",
	    (long long)(T0 + 20000));
	exec_sql(path, sql);
	free(sql);
	r = put(st, "e", &t[4], 1);
	assert_int_equal(r.nmerged, 1);
	assert_int_equal(count_sql(path, MOVED_BEHIND("story_topic")), 0);
	assert_int_equal(count_sql(path, MOVED_BEHIND("story_source")), 0);
	assert_int_equal(count_sql(path, "SELECT count(*) FROM story_topic"),
	    4);
	assert_int_equal(count_sql(path, "SELECT count(*) FROM story_source"),
	    5);

	/* Source f: its only entry pruned, listed again. */
	t[5] = (struct tentry){ "urn:f:1", "Weekly bulletin on Dublin "
	    "transfers", "https://f.example/1", NULL, T0 - 400 * DAY, "en",
	    NULL };
	r = put(st, "f", &t[5], 1);
	assert_int_equal(r.nnew, 1);
	assert_int_equal(store_prune(st, T0 - 100 * DAY, &n, err,
	    sizeof(err)), 0);
	assert_int_equal(n, 1);
	r = put(st, "f", &t[5], 1);
	assert_int_equal(r.npruned, 1);
	assert_int_equal(r.nnew, 0);
	assert_int_equal(count_sql(path, "SELECT count(*) FROM entry"
	    " WHERE key = 'urn:f:1'"), 0);
	assert_int_equal(count_sql(path, "SELECT count(*) FROM"
	    " pragma_integrity_check WHERE integrity_check = 'ok'"), 1);
	store_close(st);
	tstore_remove(path);
	free(path);
	printf("story move: 4 merges keep every topic and source row at its "
	    "story's upd, an earlier merge moves nothing, a stray row at the "
	    "new upd is kept once, a source of tombstones only stays pruned: "
	    "ok\n");
}

/* Every row of the archive's tables, in order, as text. */
static char *
dump_archive(const char *path)
{
	static const char *sql[] = {
		"SELECT * FROM entry ORDER BY eid",
		"SELECT * FROM story ORDER BY story",
		"SELECT * FROM story_topic ORDER BY topic, upd, story",
		"SELECT * FROM story_source ORDER BY sid, upd, story",
		"SELECT * FROM source ORDER BY sid",
		"SELECT * FROM tomb ORDER BY sid, key",
	};
	struct buf	 b = { 0 };
	sqlite3		*db;
	sqlite3_stmt	*s;

	assert_int_equal(sqlite3_open(path, &db), SQLITE_OK);
	for (size_t i = 0; i < sizeof(sql) / sizeof(sql[0]); i++) {
		assert_int_equal(sqlite3_prepare_v2(db, sql[i], -1, &s, NULL),
		    SQLITE_OK);
		while (sqlite3_step(s) == SQLITE_ROW) {
			for (int c = 0; c < sqlite3_column_count(s); c++) {
				const char *v = (const char *)
				    sqlite3_column_text(s, c);

				buf_adds(&b, v != NULL ? v : "(null)");
				buf_addc(&b, '|');
			}
			buf_addc(&b, '\n');
		}
		sqlite3_finalize(s);
	}
	sqlite3_close(db);
	return b.s;
}

struct prep_job {
	const struct feed	*f;
	struct store_prep	*prep;
};

static void *
prep_thread(void *arg)
{
	struct prep_job	*j = arg;

	j->prep = store_prepare(j->f);
	return NULL;
}

/*
 * A feed prepared on another thread (store_prepare) and stored with
 * store_put_prepared leaves the archive byte for byte as store_put_feed
 * does: new entries with topics, authors and categories, HTML text,
 * merges across sources, an update, a re-fetch, a source whose guids are
 * shared (keyed by link), a retention prune. A prep for another feed is
 * refused, and one never stored is freed.
 */
static void
test_prepared(void **state)
{
	struct tentry a[3] = {
		{ "urn:a:1", "Council agrees position on screening regulation",
		  "https://a.example/1?utm_source=rss", BODY_SCREENING, T0,
		  "en", "eurodac,screening" },
		{ "urn:a:2", "Frontex: irregular border crossings down",
		  "https://a.example/2", "<p>Down &amp; out</p>", T0 + 3600,
		  "fr", "borders", TEXT_HTML },
		{ "urn:a:3", "Old item on Dublin transfers",
		  "https://a.example/3", NULL, T0 - 400 * DAY, "en", NULL },
	};
	struct tentry b[2] = {
		{ "urn:same", "Council agrees position on screening regulation",
		  "https://b.example/1", BODY_SCREENING, T0 + 7200, "en-GB",
		  "returns" },
		{ "urn:same", "Solidarity pool set up", "https://b.example/2",
		  NULL, T0 + 9000, "de", NULL },
	};
	struct {
		const char		*src;
		struct tentry		*t;
		size_t			 n;
	} steps[] = {
		{ "a", a, 3 }, { "b", b, 2 }, { "a", a, 3 }, { "b", b, 2 },
		{ "a", a, 3 },
	};
	char		*path[2], *dump[2], err[256];
	struct store	*st[2];
	size_t		 npruned;

	(void)state;
	for (int k = 0; k < 2; k++) {
		st[k] = tstore_open(&path[k]);
		store_set_now(st[k], T0 + DAY);
	}
	for (size_t i = 0; i < sizeof(steps) / sizeof(steps[0]); i++) {
		struct store_put_result	 r[2];

		if (i == 2)		/* an update */
			a[1].title = "Frontex: irregular border crossings "
			    "down 36%";
		for (int k = 0; k < 2; k++) {
			struct feed	*f = tfeed(steps[i].t, steps[i].n);
			struct entry	*e = &f->entries[0];

			/* Something for each JSON column. */
			feed_add_author(f, e)->name = feed_strdup(f,
			    "Press office");
			feed_add_category(f, e)->term = feed_strdup(f,
			    "Migration");
			feed_add_link(f, e)->href = feed_strdup(f,
			    "https://a.example/related");
			feed_add_enclosure(e)->href = feed_strdup(f,
			    "https://a.example/a.mp3");
			if (k == 1) {
				struct prep_job	 j = { f, NULL };
				pthread_t	 th;

				assert_int_equal(pthread_create(&th, NULL,
				    prep_thread, &j), 0);
				assert_int_equal(pthread_join(th, NULL), 0);
				assert_non_null(j.prep);
				assert_int_equal(store_put_prepared(st[k],
				    steps[i].src, f, j.prep, &r[k], err,
				    sizeof(err)), 0);
			} else
				assert_int_equal(store_put_feed(st[k],
				    steps[i].src, f, &r[k], err, sizeof(err)),
				    0);
			feed_free(f);
		}
		assert_memory_equal(&r[0], &r[1], sizeof(r[0]));
		if (i == 3)
			for (int k = 0; k < 2; k++)
				assert_int_equal(store_prune(st[k],
				    T0 - 100 * DAY, &npruned, err,
				    sizeof(err)), 0);
	}
	for (int k = 0; k < 2; k++) {
		store_close(st[k]);
		dump[k] = dump_archive(path[k]);
	}
	assert_true(strstr(dump[0], "eurodac") != NULL);
	/* An author without email or uri is kept (it was dropped). */
	assert_true(strstr(dump[0], "[[\"Press office\",null,null]]") !=
	    NULL);
	assert_string_equal(dump[0], dump[1]);

	/* A prep for another feed is refused; one never stored is freed. */
	st[1] = store_open(path[1], err, sizeof(err));
	assert_non_null(st[1]);
	{
		struct feed		*f = tfeed(a, 3), *g = tfeed(b, 2);
		struct store_put_result	 r;

		assert_int_equal(store_put_prepared(st[1], "a", f,
		    store_prepare(g), &r, err, sizeof(err)), -1);
		assert_non_null(strstr(err, "another feed"));
		store_prep_free(store_prepare(f));
		store_prep_free(NULL);
		feed_free(f);
		feed_free(g);
	}
	store_close(st[1]);
	for (int k = 0; k < 2; k++) {
		tstore_remove(path[k]);
		free(path[k]);
		free(dump[k]);
	}
	printf("prepared: 5 puts prepared on another thread leave the archive "
	    "as store_put_feed does (merges, update, shared guids, prune, "
	    "the JSON columns, a name-only author); a prep for another feed "
	    "refused: ok\n");
}

static int
retag_cb(struct feed *f, struct entry *e, const char *source, void *arg)
{
	(void)arg;
	assert_non_null(source);
	if (e->title != NULL && strstr(e->title, "Eurodac") != NULL) {
		struct entry_topic *t = feed_add_topic(e);

		t->id = feed_strdup(f, "eurodac");
		t->score = 2;
	}
	return 0;
}

static void
test_retag(void **state)
{
	struct tentry t[3] = {
		{ "urn:1", "Eurodac recast adopted", "https://a.example/1",
		  NULL, T0, "en", "screening" },
		{ "urn:2", "Reception conditions in Cyprus",
		  "https://a.example/2", NULL, T0 + 1, "en", "reception" },
		{ "urn:3", "Eurodac: what changes", "https://a.example/3", NULL,
		  T0 + 2, "en", NULL },
	};
	struct store_filter	 f = { .limit = 10 };
	struct tstories		*ts = xcalloc(1, sizeof(*ts));
	struct store		*st;
	char			*path, err[256];
	int64_t			 after = 0, last;
	size_t			 batches = 0;

	(void)state;
	st = tstore_open(&path);
	put(st, "a", t, 3);
	do {
		assert_int_equal(store_retag(st, after, 2, retag_cb, NULL,
		    &last, err, sizeof(err)), 0);
		after = last;
		batches++;
	} while (last != 0);
	assert_int_equal(batches, 3);
	f.topic = "eurodac";
	assert_int_equal(tquery(st, &f, ts), 2);
	f.topic = "screening";
	assert_int_equal(tquery(st, &f, ts), 0);
	f.topic = "reception";
	assert_int_equal(tquery(st, &f, ts), 0);
	store_close(st);
	tstore_remove(path);
	free(path);
	tstories_clear(ts);
	free(ts);
	printf("retag: 3 entries in batches of 2, topics replaced: ok\n");
}

static void
test_retention(void **state)
{
	struct tentry		 t[10];
	char			 ids[10][32], titles[10][64], links[10][64];
	struct store_put_result	 r;
	struct store		*st;
	char			*path, err[256];
	size_t			 n;

	(void)state;
	st = tstore_open(&path);
	store_set_now(st, T0 + 400 * DAY);
	for (int i = 0; i < 10; i++) {
		snprintf(ids[i], sizeof(ids[i]), "urn:r:%d", i);
		snprintf(titles[i], sizeof(titles[i]), "Old news item %d on "
		    "the Dublin transfers", i);
		snprintf(links[i], sizeof(links[i]), "https://a.example/%d", i);
		/* Entries 0-5 older than a year, 6-9 recent. */
		t[i] = (struct tentry){ ids[i], titles[i], links[i], NULL,
		    i < 6 ? T0 + i * DAY : T0 + 390 * DAY + i, "en", "dublin" };
	}
	r = put(st, "a", t, 10);
	assert_int_equal(r.nnew, 10);
	assert_int_equal(nstories(st), 10);
	{
		struct store_filter	 f = { .q = "Dublin", .limit = 50 };
		struct tstories		*ts = xcalloc(1, sizeof(*ts));

		assert_int_equal(tquery(st, &f, ts), 10);
		tstories_clear(ts);
		free(ts);
	}
	assert_int_equal(store_prune(st, T0 + 35 * DAY, &n, err,
	    sizeof(err)), 0);
	assert_int_equal(n, 6);
	assert_int_equal(nstories(st), 4);
	{
		struct store_filter	 f = { .q = "Dublin", .limit = 50 };
		struct tstories		*ts = xcalloc(1, sizeof(*ts));

		assert_int_equal(tquery(st, &f, ts), 4);
		f.q = "\"item 3\"";	/* pruned */
		assert_int_equal(tquery(st, &f, ts), 0);
		f.q = "\"item 7\"";
		assert_int_equal(tquery(st, &f, ts), 1);
		tstories_clear(ts);
		free(ts);
	}
	/* The pruned stories' topic and source rows went with them. */
	assert_int_equal(count_sql(path, "SELECT count(*) FROM story_topic"),
	    4);
	assert_int_equal(count_sql(path, "SELECT count(*) FROM story_source"),
	    4);
	assert_int_equal(count_sql(path, "SELECT count(*) FROM story"
	    " WHERE story NOT IN (SELECT story FROM entry)"), 0);
	/* The source still lists them: they never come back, here nor in
	 * another handle (whose filter of keys is read from the archive,
	 * tombstones with it). */
	r = put(st, "a", t, 10);
	assert_int_equal(r.npruned, 6);
	assert_int_equal(r.nnew, 0);
	store_close(st);
	st = store_open(path, err, sizeof(err));
	assert_non_null(st);
	store_set_now(st, T0 + 400 * DAY);
	r = put(st, "a", t, 10);
	assert_int_equal(r.npruned, 6);
	assert_int_equal(r.nnew, 0);
	assert_int_equal(r.nunchanged, 4);
	assert_int_equal(nstories(st), 4);
	/* Not even with a changed title, nor under a source now keyed by
	 * link (every guid changed). */
	for (int i = 0; i < 10; i++) {
		snprintf(ids[i], sizeof(ids[i]), "urn:changed:%d", i);
		t[i].title = "Changed";
	}
	r = put(st, "a", t, 10);
	assert_true(r.link_keys);
	assert_int_equal(r.npruned, 6);
	assert_int_equal(r.nnew, 0);
	assert_int_equal(nstories(st), 4);
	assert_int_equal(count_sql(path, "SELECT count(*) FROM"
	    " pragma_integrity_check WHERE integrity_check = 'ok'"), 1);
	store_close(st);
	tstore_remove(path);
	free(path);
	printf("retention: 6 of 10 pruned, tombstones hold against re-listing "
	    "and changed guids: ok\n");
}

static void
test_search_paging(void **state)
{
	struct tentry		*t;
	char			(*titles)[128], (*ids)[32];
	struct store_filter	 f = { .limit = 50 };
	struct tstories		*ts = xcalloc(1, sizeof(*ts));
	struct store		*st;
	char			*path, seen[150] = { 0 };
	size_t			 total = 0, pages = 0;
	static const char	*subjects[] = { "Eurodac", "screening",
	    "r\xc3\xa8glement", "Dublin", "solidarity" };

	(void)state;
	t = xcalloc(150, sizeof(*t));
	titles = xcalloc(150, sizeof(*titles));
	ids = xcalloc(150, sizeof(*ids));
	st = tstore_open(&path);
	for (int i = 0; i < 150; i++) {
		snprintf(ids[i], sizeof(ids[i]), "urn:p:%d", i);
		snprintf(titles[i], sizeof(titles[i]), "Item %d about %s and "
		    "case %d", i, subjects[i % 5], i * 7919);
		/* Every three share a date: the id breaks ties. */
		t[i] = (struct tentry){ ids[i], titles[i], NULL, NULL,
		    T0 + (i / 3) * 3600, i % 2 ? "fr" : "en",
		    i % 3 == 0 ? "three" : NULL };
	}
	put(st, "a", t, 150);
	/* Keyset paging sees every story once, newest first. */
	for (;;) {
		size_t	n = tquery(st, &f, ts);

		if (n == 0)
			break;
		pages++;
		for (size_t i = 0; i < n; i++) {
			int	k = atoi(ts->v[i].uid + strlen("urn:p:"));

			assert_int_equal(seen[k], 0);
			seen[k] = 1;
			if (i > 0)
				assert_true(ts->v[i].updated <
				    ts->v[i - 1].updated ||
				    (ts->v[i].updated == ts->v[i - 1].updated &&
				    ts->v[i].id < ts->v[i - 1].id));
		}
		total += n;
		f.has_cursor = true;
		f.cursor_updated = ts->v[n - 1].updated;
		f.cursor_id = ts->v[n - 1].id;
	}
	assert_int_equal(total, 150);
	assert_int_equal(pages, 3);

	memset(&f, 0, sizeof(f));
	f.limit = 100;
	f.q = "eurodac";
	assert_int_equal(tquery(st, &f, ts), 30);
	f.q = "reglement";		/* diacritics folded */
	assert_int_equal(tquery(st, &f, ts), 30);
	f.q = "eurodac OR dublin";
	assert_int_equal(tquery(st, &f, ts), 60);
	f.q = "\"about screening\"";
	assert_int_equal(tquery(st, &f, ts), 30);
	f.lang = "fr";
	assert_int_equal(tquery(st, &f, ts), 15);
	f.topic = "three";
	assert_int_equal(tquery(st, &f, ts), 5);
	f.q = NULL;
	assert_int_equal(tquery(st, &f, ts), 25);
	f.topic = NULL;
	f.lang = "FR-be";
	assert_int_equal(tquery(st, &f, ts), 75);
	f.lang = NULL;
	f.since = T0 + 40 * 3600;
	assert_int_equal(tquery(st, &f, ts), 30);
	f.since = 0;
	f.q = "\"unbalanced";		/* an FTS syntax error is an error */
	{
		char	err[256];

		assert_int_equal(store_query_stories(st, &f, tstories_cb, ts,
		    err, sizeof(err)), -1);
	}
	store_close(st);
	tstore_remove(path);
	free(path);
	tstories_clear(ts);
	free(ts);
	free(t);
	free(titles);
	free(ids);
	printf("search and paging: 150 stories in 3 pages, 9 filter "
	    "combinations: ok\n");
}

/*
 * A word in thousands of stories takes another path (a bitmap read
 * lazily); its pages must be exactly the pages of the plain scan,
 * filtered. Dates are shuffled against insertion order so that story
 * ids and dates disagree.
 */
static void
test_search_dense(void **state)
{
	const int		 n = 6000;
	struct tentry		*t;
	char			(*titles)[96], (*ids)[32];
	struct store_filter	 f = { .limit = 50 };
	struct tstories		*ts = xcalloc(1, sizeof(*ts));
	struct store		*st;
	int64_t			*all, *even;
	size_t			 nall = 0, neven = 0;
	char			*path;
	static const struct {
		const char	*q;
		const char	*topic;
	} queries[] = {
		{ "asylum", NULL }, { "even", NULL }, { "even", "t1" },
		{ "asylum", "t2" },
	};

	(void)state;
	t = xcalloc(n, sizeof(*t));
	titles = xcalloc(n, sizeof(*titles));
	ids = xcalloc(n, sizeof(*ids));
	all = xcalloc(n, sizeof(*all));
	even = xcalloc(n, sizeof(*even));
	st = tstore_open(&path);
	store_set_now(st, T0 + 1000 * DAY);
	for (int i = 0; i < n; i++) {
		snprintf(ids[i], sizeof(ids[i]), "urn:d:%d", i);
		snprintf(titles[i], sizeof(titles[i]), "Asylum note %d %s",
		    i * 7919 % 100003, i % 2 ? "odd" : "even");
		t[i] = (struct tentry){ ids[i], titles[i], NULL, NULL,
		    T0 + (time_t)((i * 4111) % n) * 600, "en",
		    i % 3 == 1 ? "t1" : "t2" };
	}
	for (int i = 0; i < n; i += 50)
		put(st, "a", t + i, 50);

	/* The plain scan: every story in order. */
	for (;;) {
		size_t	k = tquery(st, &f, ts);

		if (k == 0)
			break;
		for (size_t i = 0; i < k; i++)
			all[nall++] = ts->v[i].id;
		f.has_cursor = true;
		f.cursor_updated = ts->v[k - 1].updated;
		f.cursor_id = ts->v[k - 1].id;
	}
	assert_int_equal(nall, n);

	for (size_t qi = 0; qi < sizeof(queries) / sizeof(queries[0]); qi++) {
		size_t	got = 0, want = 0, j = 0;

		memset(&f, 0, sizeof(f));
		f.limit = 37;
		f.q = queries[qi].q;
		f.topic = queries[qi].topic;
		/* What it must give: the plain order, filtered. */
		neven = 0;
		for (size_t i = 0; i < nall; i++) {
			int	k;

			/* Story ids follow insertion: id i + 1 is entry i. */
			k = (int)(all[i] - 1);
			if (strcmp(f.q, "even") == 0 && k % 2 != 0)
				continue;
			if (f.topic != NULL && strcmp(t[k].topics,
			    f.topic) != 0)
				continue;
			even[neven++] = all[i];
		}
		want = neven;
		for (;;) {
			size_t	k = tquery(st, &f, ts);

			if (k == 0)
				break;
			for (size_t i = 0; i < k; i++, j++) {
				if (j >= want || ts->v[i].id != even[j])
					fail_msg("q %s topic %s: story %zu is "
					    "%lld", f.q, f.topic ? f.topic :
					    "-", j, (long long)ts->v[i].id);
			}
			got += k;
			f.has_cursor = true;
			f.cursor_updated = ts->v[k - 1].updated;
			f.cursor_id = ts->v[k - 1].id;
		}
		assert_int_equal(got, want);
	}
	store_close(st);
	tstore_remove(path);
	free(path);
	tstories_clear(ts);
	free(ts);
	free(t);
	free(titles);
	free(ids);
	free(all);
	free(even);
	printf("dense search: %d stories; words in 3000 (plain path) and "
	    "6000 (bitmap path), with and without a topic, page exactly "
	    "like the filtered scan: ok\n", n);
}

/* Number of stories a text query finds (it indexes what is pending). */
static size_t
nfound(struct store *st, const char *q)
{
	struct store_filter	 f = { .q = q, .limit = 500 };
	struct tstories		*ts = xcalloc(1, sizeof(*ts));
	size_t			 n = tquery(st, &f, ts);

	tstories_clear(ts);
	free(ts);
	return n;
}

static void
fts_check(const char *path)
{
	sqlite3	*db;

	assert_int_equal(sqlite3_open(path, &db), SQLITE_OK);
	assert_int_equal(sqlite3_exec(db, "INSERT INTO entry_fts (entry_fts,"
	    " rank) VALUES ('integrity-check', 0)", NULL, NULL, NULL),
	    SQLITE_OK);
	sqlite3_close(db);
}

/* Stories waiting for the index: listed, or above the mark. */
#define PENDING_SQL	"SELECT (SELECT count(*) FROM fts_pending) +" \
	" (SELECT count(*) FROM story WHERE story > (SELECT value FROM meta" \
	" WHERE name = 'fts_mark'))"

/*
 * The full-text index is filled off the ingest path: stored stories wait
 * (above the mark, or listed) until store_index() or a text query; a story that
 * changes after it was indexed is found by its new words only; a pruned
 * story leaves the queue with it.
 */
static void
test_index_deferred(void **state)
{
	struct tentry	 t[3] = {
		{ "urn:i:1", "Frontex annual risk analysis published",
		    "https://i.example/1", NULL, T0, "en", NULL },
		{ "urn:i:2", "Council adopts the screening regulation",
		    "https://i.example/2", NULL, T0 + 60, "en", NULL },
		{ "urn:i:3", "Eurodac recast enters into force",
		    "https://i.example/3", NULL, T0 + 120, "en", NULL },
	};
	struct store	*st;
	char		*path, err[256];
	bool		 more;

	(void)state;
	st = tstore_open(&path);
	store_set_now(st, T0 + DAY);
	put(st, "a", t, 3);
	assert_int_equal(count_sql(path, PENDING_SQL),
	    3);
	assert_int_equal(count_sql(path, "SELECT count(*) FROM"
	    " entry_fts_docsize"), 0);
	/* In pieces, then the rest. */
	assert_int_equal(store_index(st, 2, &more, err, sizeof(err)), 0);
	assert_true(more);
	assert_int_equal(count_sql(path, PENDING_SQL),
	    1);
	assert_int_equal(store_index(st, SIZE_MAX, &more, err, sizeof(err)),
	    0);
	assert_false(more);
	assert_int_equal(count_sql(path, PENDING_SQL),
	    0);
	assert_int_equal(nfound(st, "frontex"), 1);
	assert_int_equal(nfound(st, "eurodac"), 1);

	/* A stored story changes: it waits again, its old words are gone
	 * from the index, its new ones are found. */
	t[0].title = "Frontex quarterly risk analysis published";
	assert_int_equal(put(st, "a", t, 3).nupdated, 1);
	assert_int_equal(count_sql(path, PENDING_SQL),
	    1);
	assert_int_equal(nfound(st, "annual"), 0);
	assert_int_equal(nfound(st, "quarterly"), 1);
	assert_int_equal(count_sql(path, PENDING_SQL),
	    0);

	/* Another source carries the same link: the story holds both
	 * entries' words; changed twice before indexing, deleted once. */
	{
		struct tentry	u = { "urn:j:2", "Screening rules adopted "
		    "by ministers", "https://i.example/2", NULL, T0 + 300,
		    "en", NULL };

		assert_int_equal(put(st, "b", &u, 1).nmerged, 1);
		u.title = "Screening rules adopted by interior ministers";
		assert_int_equal(put(st, "b", &u, 1).nupdated, 1);
		assert_int_equal(count_sql(path, PENDING_SQL), 1);
		assert_int_equal(nfound(st, "interior"), 1);
		assert_int_equal(nfound(st, "council"), 1);
		assert_int_equal(nfound(st, "screening"), 1);
	}
	fts_check(path);

	/* Pruned while waiting: the queue lets it go with the story. */
	{
		struct tentry	old = { "urn:i:0", "Old pending item on "
		    "relocation", "https://i.example/0", NULL, T0 - 300 * DAY,
		    "en", NULL };
		size_t		n;

		put(st, "a", &old, 1);
		assert_int_equal(count_sql(path, PENDING_SQL), 1);
		assert_int_equal(store_prune(st, T0 - 100 * DAY, &n, err,
		    sizeof(err)), 0);
		assert_int_equal(n, 1);
		assert_int_equal(count_sql(path, PENDING_SQL), 0);
		assert_int_equal(nfound(st, "relocation"), 0);
	}
	fts_check(path);

	/* The newest story indexed, then pruned: the next new story
	 * takes its id, at the mark, and must still wait for the index. */
	{
		struct tentry	old = { "urn:i:4", "Old indexed item on "
		    "resettlement", "https://i.example/4", NULL,
		    T0 - 300 * DAY, "en", NULL };
		struct tentry	fresh = { "urn:i:5", "New item on "
		    "relocation pledges", "https://i.example/5", NULL,
		    T0 + 600, "en", NULL };
		int		top;
		size_t		n;

		put(st, "a", &old, 1);
		assert_int_equal(nfound(st, "resettlement"), 1);
		top = count_sql(path, "SELECT max(story) FROM story");
		assert_int_equal(count_sql(path, "SELECT value FROM meta"
		    " WHERE name = 'fts_mark'"), top);
		assert_int_equal(store_prune(st, T0 - 100 * DAY, &n, err,
		    sizeof(err)), 0);
		assert_int_equal(n, 1);
		put(st, "a", &fresh, 1);
		assert_int_equal(count_sql(path, "SELECT max(story) FROM"
		    " story"), top);
		assert_int_equal(count_sql(path, PENDING_SQL), 1);
		assert_int_equal(nfound(st, "pledges"), 1);
		assert_int_equal(nfound(st, "resettlement"), 0);
		assert_int_equal(count_sql(path, PENDING_SQL), 0);
	}
	fts_check(path);
	assert_int_equal(count_sql(path, "SELECT count(*) FROM"
	    " entry_fts_docsize"), count_sql(path, "SELECT count(*) FROM"
	    " story"));
	store_close(st);

	/* An archive of schema 4 listed every waiting story: the
	 * migration puts the mark above them all, and they still wait. */
	{
		sqlite3		*db;
		struct tentry	 w = { "urn:i:6", "Waiting item on "
		    "solidarity pools", "https://i.example/6", NULL,
		    T0 + 900, "en", NULL };

		st = store_open(path, err, sizeof(err));
		assert_non_null(st);
		put(st, "a", &w, 1);
		store_close(st);
		assert_int_equal(sqlite3_open(path, &db), SQLITE_OK);
		assert_int_equal(sqlite3_exec(db, "INSERT INTO fts_pending"
		    " SELECT story FROM story WHERE story > (SELECT value"
		    " FROM meta WHERE name = 'fts_mark');"
		    "DELETE FROM meta WHERE name = 'fts_mark';"
		    SCHEMA5_TOPICS
		    "PRAGMA user_version = 4", NULL, NULL, NULL), SQLITE_OK);
		sqlite3_close(db);
		st = store_open(path, err, sizeof(err));
		assert_non_null(st);
		assert_int_equal(count_sql(path, "PRAGMA user_version"), 7);
		assert_int_equal(count_sql(path, "SELECT value FROM meta"
		    " WHERE name = 'fts_mark'"), count_sql(path,
		    "SELECT max(story) FROM story"));
		assert_int_equal(count_sql(path, PENDING_SQL), 1);
		assert_int_equal(nfound(st, "pools"), 1);
		assert_int_equal(count_sql(path, PENDING_SQL), 0);
		fts_check(path);

		/* A process of schema 4 still running lists its new
		 * stories, above the mark: each is indexed once. */
		w.id = "urn:i:7";
		w.link = "https://i.example/7";
		w.title = "Listed item on humanitarian corridors";
		put(st, "a", &w, 1);
		assert_int_equal(sqlite3_open(path, &db), SQLITE_OK);
		assert_int_equal(sqlite3_exec(db, "INSERT INTO fts_pending"
		    " SELECT story FROM story WHERE story > (SELECT value"
		    " FROM meta WHERE name = 'fts_mark')", NULL, NULL, NULL),
		    SQLITE_OK);
		sqlite3_close(db);
		assert_int_equal(nfound(st, "corridors"), 1);
		assert_int_equal(count_sql(path, "SELECT count(*) FROM"
		    " fts_pending"), 0);
		assert_int_equal(count_sql(path, "SELECT count(*) FROM"
		    " entry_fts_docsize"), count_sql(path, "SELECT count(*)"
		    " FROM story"));
		fts_check(path);
	}
	store_close(st);
	tstore_remove(path);
	free(path);
	printf("deferred index: pending until indexed (in pieces), "
	    "updates and merges re-indexed with old words gone, pruned while "
	    "pending, a reused story id still indexed, migration 4->5 keeps "
	    "what waits, rows listed above the mark indexed once, FTS "
	    "integrity: ok\n");
}

/*
 * A link that only rotates its tracking parameters is no change; the
 * migration to that hash gives the very values ingest computes, so an
 * upgraded archive sees an unchanged re-fetch as unchanged.
 */
static void
test_link_tracking(void **state)
{
	struct tentry	 t[2] = {
		{ "urn:t:1", "EUAA publishes asylum trends for March",
		    "https://t.example/1?utm_source=rss&utm_medium=feed",
		    "Applications fell.", T0, "en", NULL },
		{ "urn:t:2", "Frontex: irregular crossings down",
		    "https://t.example/2?id=7&fbclid=abc", "Numbers.",
		    T0 + 60, "en", NULL },
	};
	struct store	*st;
	char		*path, err[256];

	(void)state;
	st = tstore_open(&path);
	store_set_now(st, T0 + DAY);
	assert_int_equal(put(st, "a", t, 2).nnew, 2);
	t[0].link = "https://t.example/1?utm_source=twitter";
	t[1].link = "https://t.example/2?fbclid=xyz&id=7";
	assert_int_equal(put(st, "a", t, 2).nunchanged, 2);
	t[1].link = "https://t.example/2?id=8";
	assert_int_equal(put(st, "a", t, 2).nupdated, 1);
	/* Moving to https is a change readers should follow; host case,
	 * a default port or a fragment are not. */
	t[1].link = "http://t.example/2?id=8";
	assert_int_equal(put(st, "a", t, 2).nupdated, 1);
	t[1].link = "http://T.example:80/2?id=8#top";
	assert_int_equal(put(st, "a", t, 2).nunchanged, 2);
	t[1].link = "https://t.example/2?id=8";
	assert_int_equal(put(st, "a", t, 2).nupdated, 1);
	store_close(st);

	/* An archive of schema 3, whose hashes took the raw link. */
	{
		sqlite3	*db;

		assert_int_equal(sqlite3_open(path, &db), SQLITE_OK);
		assert_int_equal(sqlite3_exec(db, "UPDATE entry SET chash = 1;"
		    SCHEMA5_TOPICS
		    "PRAGMA user_version = 3", NULL, NULL, NULL), SQLITE_OK);
		sqlite3_close(db);
	}
	st = store_open(path, err, sizeof(err));
	assert_non_null(st);
	store_set_now(st, T0 + 2 * DAY);
	assert_int_equal(count_sql(path, "PRAGMA user_version"), 7);
	t[0].link = "https://t.example/1?utm_campaign=x";
	assert_int_equal(put(st, "a", t, 2).nunchanged, 2);
	store_close(st);
	tstore_remove(path);
	free(path);
	printf("tracking links: rotating utm_/fbclid, host case, port or "
	    "fragment is no update, a real query change or http<->https is; "
	    "migration 3->4 rehashes to the same values: ok\n");
}

/* A count from the database file itself, its WAL ignored; a file
 * without its schema yet counts 0. */
static int
file_count(const char *path, const char *sql)
{
	sqlite3		*db;
	sqlite3_stmt	*s;
	char		 uri[1100];
	int		 n = -1;

	snprintf(uri, sizeof(uri), "file:%s?immutable=1", path);
	assert_int_equal(sqlite3_open_v2(uri, &db, SQLITE_OPEN_READONLY |
	    SQLITE_OPEN_URI, NULL), SQLITE_OK);
	if (sqlite3_prepare_v2(db, sql, -1, &s, NULL) == SQLITE_OK) {
		if (sqlite3_step(s) == SQLITE_ROW)
			n = sqlite3_column_int(s, 0);
		sqlite3_finalize(s);
	} else
		n = 0;
	sqlite3_close(db);
	return n;
}

static int
file_entries(const char *path)
{
	return file_count(path, "SELECT count(*) FROM entry");
}

/* An idle checkpoint copies the WAL into the database file: read as
 * immutable (the WAL ignored), the file holds the entries only after
 * it. */
static void
test_checkpoint(void **state)
{
	struct tentry	 t[2] = {
		{ "urn:c:1", "Checkpoint one", "https://c.example/1", NULL,
		    T0, "en", NULL },
		{ "urn:c:2", "Checkpoint two", "https://c.example/2", NULL,
		    T0 + 60, "en", NULL },
	};
	struct store	*st;
	char		*path, err[256];
	int		 before, after;

	(void)state;
	st = tstore_open(&path);
	store_set_now(st, T0 + DAY);
	put(st, "a", t, 2);
	before = file_entries(path);
	assert_int_equal(store_checkpoint(st, err, sizeof(err)), 0);
	after = file_entries(path);
	assert_int_equal(before, 0);
	assert_int_equal(after, 2);
	store_close(st);
	tstore_remove(path);
	free(path);
	printf("checkpoint: the database file holds the entries after it, "
	    "not before: ok\n");
}

struct wal_seen {
	int	calls;
	int	pages;
};

static void
wal_seen_cb(void *arg, int pages)
{
	struct wal_seen	*w = arg;

	w->calls++;
	w->pages = pages;
}

struct ckpt_thread {
	struct store_ckpt *ck;
	atomic_bool	 stop;
	atomic_int	 runs;
	int		 rc, copying;	/* runs that copied pages */
};

/* Checkpoints every 0.2 ms until told to stop (at most 20 s). */
static void *
ckpt_thread_main(void *arg)
{
	struct ckpt_thread *t = arg;
	char		 err[256];
	int		 pages, left, before = 0;

	for (; atomic_load(&t->runs) < 100000 && t->rc == 0 &&
	    !atomic_load(&t->stop); atomic_fetch_add(&t->runs, 1)) {
		t->rc = store_ckpt_run(t->ck, &pages, &left, err,
		    sizeof(err));
		if (pages - left > before || (pages < before && pages > 0))
			t->copying++;
		before = pages - left;
		usleep(200);
	}
	return NULL;
}

/*
 * The daemon's checkpointer: with a WAL hook the store's commits copy
 * nothing back themselves (the hook hears the WAL's size after each);
 * a connection of its own copies it all, also on another thread while
 * the store goes on writing, and nothing is lost or doubled.
 */
static void
test_checkpointer(void **state)
{
	struct tentry	 t[2] = {
		{ "urn:k:1", "Checkpointer one", "https://k.example/1", NULL,
		    T0, "en", NULL },
		{ "urn:k:2", "Checkpointer two", "https://k.example/2", NULL,
		    T0 + 60, "en", NULL },
	};
	struct wal_seen	 seen = { 0 };
	struct ckpt_thread th = { 0 };
	struct store_ckpt *ck;
	struct store	*st;
	pthread_t	 tid;
	char		*path, err[256], src[32];
	int		 wal, left, pages;

	(void)state;
	st = tstore_open(&path);
	store_set_now(st, T0 + DAY);
	store_wal_notify(st, wal_seen_cb, &seen);
	put(st, "a", t, 2);
	assert_true(seen.calls >= 1);
	assert_true(seen.pages > 0);
	pages = seen.pages;
	assert_int_equal(file_entries(path), 0);
	assert_non_null(ck = store_ckpt_open(path, err, sizeof(err)));
	assert_int_equal(store_ckpt_run(ck, &wal, &left, err,
	    sizeof(err)), 0);
	assert_int_equal(wal, pages);
	assert_int_equal(left, 0);
	assert_int_equal(file_entries(path), 2);

	/* Beside 40 feeds being stored. */
	th.ck = ck;
	assert_int_equal(pthread_create(&tid, NULL, ckpt_thread_main, &th),
	    0);
	for (int i = 0; i < 40; i++) {
		struct tentry	 u[3];
		char		 id[3][32], title[3][64], link[3][64];

		for (int j = 0; j < 3; j++) {
			snprintf(id[j], sizeof(id[j]), "urn:k:%d:%d", i, j);
			snprintf(title[j], sizeof(title[j]),
			    "Checkpointer news number %d of batch %d", j, i);
			snprintf(link[j], sizeof(link[j]),
			    "https://k.example/%d/%d", i, j);
			u[j] = (struct tentry){ id[j], title[j], link[j], NULL,
			    T0 + i * 600 + j, "en", NULL };
		}
		snprintf(src, sizeof(src), "s%d", i % 4);
		put(st, src, u, 3);
		/* A run after each commit (waiting at most 2 s). */
		for (int runs = atomic_load(&th.runs), w = 0; w < 20000 &&
		    atomic_load(&th.runs) < runs + 2; w++)
			usleep(100);
	}
	atomic_store(&th.stop, true);
	pthread_join(tid, NULL);
	assert_int_equal(th.rc, 0);
	/* It copied while the feeds were stored, not only at the end. */
	assert_true(th.copying >= 20);
	assert_int_equal(store_ckpt_run(ck, &wal, &left, err,
	    sizeof(err)), 0);
	assert_int_equal(left, 0);
	assert_int_equal(file_entries(path), 2 + 40 * 3);
	/* None stored twice under one key. */
	assert_int_equal(file_count(path, "SELECT count(*) - count(DISTINCT"
	    " sid || ' ' || key) FROM entry"), 0);
	store_ckpt_close(ck);
	store_wal_notify(st, NULL, NULL);
	store_close(st);
	tstore_remove(path);
	free(path);
	printf("checkpointer: the WAL hook hears each commit (%d calls, "
	    "%d pages after the first); a connection of its own copies "
	    "them all; %d runs on another thread, %d of them copying while "
	    "40 feeds were stored, then the file holds all %d entries "
	    "once: ok\n", seen.calls, pages, atomic_load(&th.runs),
	    th.copying,
	    2 + 40 * 3);
}

/* A story's topics as store_query_stories gives them: "id=score(why)". */
static int
topics_detail_cb(const struct store_story *s, void *arg)
{
	char	*buf = arg, one[256];

	for (size_t i = 0; i < s->entry->ntopics; i++) {
		const struct entry_topic *t = &s->entry->topics[i];

		snprintf(one, sizeof(one), "%s%s=%g(%s)", buf[0] != '\0' ?
		    " " : "", t->id, t->score, t->why != NULL ? t->why : "-");
		tcat(buf, one, 1024);
	}
	return 0;
}

static void
topics_detail(struct store *st, char buf[1024])
{
	struct store_filter	 f = { .limit = 10 };
	char			 err[256];

	buf[0] = '\0';
	if (store_query_stories(st, &f, topics_detail_cb, buf, err,
	    sizeof(err)) == -1)
		fail_msg("query: %s", err);
}

/* A feed of one entry with the given topics. */
static struct feed *
topics_feed(const struct tentry *t, const struct entry_topic *tp, size_t n)
{
	struct feed	*f = tfeed(t, 1);

	for (size_t i = 0; i < n; i++) {
		struct entry_topic *et = feed_add_topic(&f->entries[0]);

		et->id = feed_strdup(f, tp[i].id);
		et->score = tp[i].score;
		et->why = feed_strdup(f, tp[i].why);
	}
	return f;
}

static void
topics_put(struct store *st, const char *src, struct feed *f)
{
	char	err[256];

	if (store_put_feed(st, src, f, NULL, err, sizeof(err)) == -1)
		fail_msg("put %s: %s", src, err);
	feed_free(f);
}

/*
 * An entry's topics live in a column of its row: what goes in comes out
 * (scores to a millionth, a why with the column's separators in it with spaces),
 * a topic twice counts once, the last time; a story shows each topic
 * once, with its best score; story_topic follows updates; and an archive
 * of schema 5 (a row per topic in entry_topic) is carried over.
 */
static void
test_topics_column(void **state)
{
	struct tentry	 a = { "urn:a:1", "Council agrees position on "
	    "screening regulation", "https://a.example/1", BODY_SCREENING, T0,
	    "en", NULL };
	struct tentry	 b = { "urn:b:1", "Council agrees position on "
	    "screening regulation", "https://b.example/1", BODY_SCREENING,
	    T0 + 7200, "en", NULL };
	const struct entry_topic ta[] = {
		{ "screening", 0.5, "screening regulation" },
		{ "eurodac", 2.25, "eurodac\x1e" "and\x1f" "more" },
		{ "screening", 0.1, "last one counts" },
	};
	const struct entry_topic tb[] = {
		{ "eurodac", 3.5, "higher" },
		{ "returns", 0.25, NULL },
		{ "smuggling", 1.0 / 3, "" },
		{ "legal-pathways", -0.0000004, "rounds to 0" },
	};
	struct store	*st;
	char		*path, err[256], buf[1024];
	int64_t		 nsrc;

	(void)state;
	st = tstore_open(&path);
	topics_put(st, "a", topics_feed(&a, ta, 3));
	assert_int_equal(count_sql(path, "SELECT count(*) FROM entry WHERE"
	    " topics = 'eurodac' || char(31) || '2250000' || char(31) ||"
	    " 'eurodac and more' || char(30) || 'screening' || char(31) ||"
	    " '100000' || char(31) || 'last one counts'"), 1);
	topics_detail(st, buf);
	assert_string_equal(buf, "eurodac=2.25(eurodac and more) "
	    "screening=0.1(last one counts)");
	/* b joins a's story. */
	topics_put(st, "b", topics_feed(&b, tb, 4));
	assert_int_equal(count_sql(path, "SELECT count(*) FROM story"), 1);
	topics_detail(st, buf);
	assert_string_equal(buf, "eurodac=3.5(higher) legal-pathways=0(rounds "
	    "to 0) returns=0.25(-) screening=0.1(last one counts) "
	    "smuggling=0.333333(-)");
	assert_int_equal(count_sql(path, "SELECT count(*) FROM story_topic"),
	    5);
	/* a changes and loses its topics: the story keeps b's. */
	a.summary = BODY_SCREENING " The Council also adopted its mandate.";
	topics_put(st, "a", topics_feed(&a, NULL, 0));
	assert_int_equal(count_sql(path, "SELECT count(*) FROM entry"
	    " WHERE topics IS NULL"), 1);
	topics_detail(st, buf);
	assert_string_equal(buf, "eurodac=3.5(higher) legal-pathways=0(rounds "
	    "to 0) returns=0.25(-) smuggling=0.333333(-)");
	assert_int_equal(count_sql(path, "SELECT count(*) FROM story_topic"
	    " WHERE topic IN ('eurodac', 'returns')"), 2);
	assert_int_equal(count_sql(path, "SELECT count(*) FROM story_topic"),
	    4);
	store_close(st);

	/* Schema 5: topics were rows of entry_topic (and the stories'
	 * topic and source rows had foreign keys, until schema 7). */
	nsrc = count_sql(path, "SELECT count(*) FROM story_source");
	assert_true(nsrc > 0);
	{
		sqlite3	*db;

		assert_int_equal(sqlite3_open(path, &db), SQLITE_OK);
		assert_int_equal(sqlite3_exec(db, SCHEMA6_STORY_KEYS
		    SCHEMA5_TOPICS
		    "INSERT INTO entry_topic SELECT eid, 'legal-pathways',"
		    " 1.5, 'talent' || char(30) || 'pool' FROM entry;"
		    "INSERT INTO entry_topic SELECT min(eid), 'smuggling',"
		    " 0.5, NULL FROM entry;"
		    "PRAGMA user_version = 5", NULL, NULL, NULL), SQLITE_OK);
		sqlite3_close(db);
	}
	st = store_open(path, err, sizeof(err));
	assert_non_null(st);
	assert_int_equal(count_sql(path, "PRAGMA user_version"), 7);
	assert_int_equal(count_sql(path, "SELECT count(*) FROM sqlite_schema"
	    " WHERE name = 'entry_topic'"), 0);
	assert_int_equal(count_sql(path, "SELECT count(*) FROM"
	    " pragma_foreign_key_list('story_topic')"), 0);
	assert_int_equal(count_sql(path, "SELECT count(*) FROM"
	    " pragma_foreign_key_list('story_source')"), 0);
	assert_int_equal(count_sql(path, "SELECT count(*) FROM"
	    " pragma_foreign_key_list('entry')"), 2);
	assert_int_equal(count_sql(path, "SELECT count(*) FROM story_topic"),
	    4);
	assert_int_equal(count_sql(path, "SELECT count(*) FROM story_source"),
	    nsrc);
	assert_int_equal(count_sql(path, "SELECT count(*) FROM sqlite_schema"
	    " WHERE name IN ('story_topic_story', 'story_source_story')"), 2);
	topics_detail(st, buf);
	assert_string_equal(buf, "legal-pathways=1.5(talent pool) "
	    "smuggling=0.5(-)");
	store_close(st);
	tstore_remove(path);
	free(path);
	printf("topics column: round trip (scores to a millionth), "
	    "separators in why, repeats, best score per story, story_topic "
	    "after updates, schema 5 carried over (and schema 7 drops the "
	    "story rows' foreign keys, keeping the rows): ok\n");
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_open_schema),
		cmocka_unit_test(test_checkpoint),
		cmocka_unit_test(test_checkpointer),
		cmocka_unit_test(test_source_state),
		cmocka_unit_test(test_last_new),
		cmocka_unit_test(test_generation_across_handles),
		cmocka_unit_test(test_generation_after_index),
		cmocka_unit_test(test_identity),
		cmocka_unit_test(test_update_noop),
		cmocka_unit_test(test_broken_guids),
		cmocka_unit_test(test_merge),
		cmocka_unit_test(test_no_merge),
		cmocka_unit_test(test_merge_window),
		cmocka_unit_test(test_merge_after_growth),
		cmocka_unit_test(test_two_writers),
		cmocka_unit_test(test_seen_filter),
		cmocka_unit_test(test_story_topics),
		cmocka_unit_test(test_story_move),
		cmocka_unit_test(test_prepared),
		cmocka_unit_test(test_retag),
		cmocka_unit_test(test_retention),
		cmocka_unit_test(test_search_paging),
		cmocka_unit_test(test_search_dense),
		cmocka_unit_test(test_index_deferred),
		cmocka_unit_test(test_link_tracking),
		cmocka_unit_test(test_topics_column),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
