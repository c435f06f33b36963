/*
 * The store's batches (store_batch_begin/end): each feed of a batch is
 * all or nothing, one that fails half-way (a trigger made by the test
 * aborts one of its inserts) leaves no trace and the others stay; the
 * batch commits once, is invisible to other connections until then, and
 * ends with the same archive as feed-by-feed transactions.
 */

#include <inttypes.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>
#include <sqlite3.h>

#include "entry.h"
#include "store.h"
#include "store_util.h"

#define POISON	"CREATE TRIGGER poison BEFORE INSERT ON entry" \
		" WHEN NEW.title LIKE '%poison%'" \
		" BEGIN SELECT RAISE(ABORT, 'poisoned'); END"

static const struct tentry feed_a[] = {
	{ "a1", "Alpha screening regulation adopted by Council",
	  "https://a.example/1", "Alpha text on screening", T0, "en",
	  "screening", TEXT_PLAIN },
	{ "a2", "Alpha Eurodac recast enters into force",
	  "https://a.example/2", "Alpha text on Eurodac", T0 + 3600, "en",
	  "eurodac", TEXT_PLAIN },
	{ "a3", "Alpha solidarity pool pledges announced",
	  "https://a.example/3", "Alpha text on solidarity", T0 + 7200, "en",
	  NULL, TEXT_PLAIN },
};

static const struct tentry feed_b[] = {
	{ "b1", "Bravo reception conditions in Greek islands",
	  "https://b.example/1", "Bravo report", T0 + 100, "en", NULL,
	  TEXT_PLAIN },
	{ "b2", "Bravo child detention findings",
	  "https://b.example/2", "Bravo findings", T0 + 200, "en", NULL,
	  TEXT_PLAIN },
};

/* Its first entry joins feed_a's first story (same link); its last
 * is poisoned while the trigger exists. */
static const struct tentry feed_c[] = {
	{ "c1", "Screening regulation adopted (charlie mirror)",
	  "https://a.example/1", "Charlie copy", T0 + 60, "en", NULL,
	  TEXT_PLAIN },
	{ "c2", "Charlie crisis regulation negotiations",
	  "https://c.example/2", "Charlie text", T0 + 300, "en", "crisis",
	  TEXT_PLAIN },
	{ "c3", "Charlie poison pill amendment",
	  "https://c.example/3", "Charlie text again", T0 + 400, "en", NULL,
	  TEXT_PLAIN },
};

static const struct tentry feed_d[] = {
	{ "d1", "Delta resettlement framework quotas",
	  "https://d.example/1", "Delta text", T0 + 500, "en", NULL,
	  TEXT_PLAIN },
	{ "d2", "Delta search and rescue vessels blocked",
	  "https://d.example/2", "Delta text two", T0 + 600, "en", NULL,
	  TEXT_PLAIN },
};

static const struct {
	const char		*src;
	const struct tentry	*t;
	size_t			 n;
} feeds[] = {
	{ "a", feed_a, 3 }, { "b", feed_b, 2 }, { "c", feed_c, 3 },
	{ "d", feed_d, 2 },
};

#define NFEEDS	(sizeof(feeds) / sizeof(feeds[0]))

static int64_t
q1(const char *path, const char *sql)
{
	sqlite3		*db;
	sqlite3_stmt	*s;
	int64_t		 n = -1;

	assert_int_equal(sqlite3_open(path, &db), SQLITE_OK);
	if (sqlite3_prepare_v2(db, sql, -1, &s, NULL) != SQLITE_OK)
		fail_msg("%s: %s", sql, sqlite3_errmsg(db));
	if (sqlite3_step(s) == SQLITE_ROW)
		n = sqlite3_column_int64(s, 0);
	sqlite3_finalize(s);
	sqlite3_close(db);
	return n;
}

static void
exec(const char *path, const char *sql)
{
	sqlite3	*db;
	char	*msg = NULL;

	assert_int_equal(sqlite3_open(path, &db), SQLITE_OK);
	if (sqlite3_exec(db, sql, NULL, NULL, &msg) != SQLITE_OK)
		fail_msg("%s: %s", sql, msg);
	sqlite3_close(db);
}

static size_t
nquery(struct store *st, const char *q)
{
	struct store_filter	 f = { .q = q, .limit = 100 };
	struct tstories		*ts = xcalloc(1, sizeof(*ts));
	size_t			 n = tquery(st, &f, ts);

	tstories_clear(ts);
	free(ts);
	return n;
}

/* Puts every feed, in a batch or not; returns how many failed, and the
 * error of the last one in err. */
static int
put_all(struct store *st, bool batch, char *err, size_t errlen)
{
	char	e[256];
	int	nfail = 0;

	if (batch && store_batch_begin(st, e, sizeof(e)) == -1)
		fail_msg("batch_begin: %s", e);
	for (size_t i = 0; i < NFEEDS; i++) {
		struct feed	*f = tfeed(feeds[i].t, feeds[i].n);
		struct store_source_state ss = { .http_status = 200,
		    .last_status = "ok" };

		if (store_put_feed(st, feeds[i].src, f, NULL, e,
		    sizeof(e)) == -1) {
			nfail++;
			snprintf(err, errlen, "%s", e);
		} else if (store_source_set(st, feeds[i].src, &ss, e,
		    sizeof(e)) == -1)
			fail_msg("source_set: %s", e);
		feed_free(f);
	}
	if (batch && store_batch_end(st, e, sizeof(e)) == -1)
		fail_msg("batch_end: %s", e);
	return nfail;
}

static void
check_without_c(struct store *st, const char *path, const char *what)
{
	static const struct {
		const char	*sql;
		int64_t		 want;
	} checks[] = {
		{ "SELECT count(*) FROM entry", 7 },
		{ "SELECT count(*) FROM story", 7 },
		{ "SELECT count(*) FROM source WHERE name = 'c'", 0 },
		{ "SELECT count(*) FROM source WHERE name IN ('a', 'b', 'd')"
		  " AND http_status = 200", 3 },
		{ "SELECT count(*) FROM entry WHERE link LIKE '%c.example%'",
		  0 },
		{ "SELECT count(*) FROM entry WHERE topics LIKE '%crisis%'",
		  0 },
		{ "SELECT count(*) FROM story_topic WHERE topic = 'crisis'",
		  0 },
		{ "SELECT count(*) FROM entry WHERE link ="
		  " 'https://a.example/1'", 1 },
		{ "SELECT count(*) FROM pragma_integrity_check"
		  " WHERE integrity_check = 'ok'", 1 },
		{ "SELECT count(*) FROM pragma_foreign_key_check", 0 },
	};
	static const struct {
		const char	*q;
		size_t		 want;
	} texts[] = {
		{ "alpha", 3 }, { "bravo", 2 }, { "delta", 2 },
		{ "charlie", 0 }, { "mirror", 0 }, { "screening", 1 },
	};

	for (size_t i = 0; i < sizeof(checks) / sizeof(checks[0]); i++)
		if (q1(path, checks[i].sql) != checks[i].want)
			fail_msg("%s: %s: %" PRId64 ", not %" PRId64, what,
			    checks[i].sql, q1(path, checks[i].sql),
			    checks[i].want);
	exec(path, "INSERT INTO entry_fts (entry_fts)"
	    " VALUES ('integrity-check')");
	for (size_t i = 0; i < sizeof(texts) / sizeof(texts[0]); i++)
		if (nquery(st, texts[i].q) != texts[i].want)
			fail_msg("%s: text %s: %zu stories, not %zu", what,
			    texts[i].q, nquery(st, texts[i].q),
			    texts[i].want);
	printf("batch: %s: %zu table checks, %zu text queries ok\n", what,
	    sizeof(checks) / sizeof(checks[0]),
	    sizeof(texts) / sizeof(texts[0]));
}

/* A batch of four feeds, the third failing half-way through: the others
 * are stored, the third is absent, and the archive equals the one made
 * feed by feed. */
static void
test_batch_failing_feed(void **state)
{
	struct store	*st, *ref;
	char		*path, *refpath, err[256] = "";
	uint64_t	 gen;

	(void)state;
	st = tstore_open(&path);
	ref = tstore_open(&refpath);
	exec(path, POISON);
	exec(refpath, POISON);

	gen = store_generation(st);
	assert_int_equal(put_all(st, true, err, sizeof(err)), 1);
	if (strstr(err, "poisoned") == NULL)
		fail_msg("failed with %s, not the trigger", err);
	assert_int_equal(store_generation(st), gen + 1);
	check_without_c(st, path, "batch, c failing");

	assert_int_equal(put_all(ref, false, err, sizeof(err)), 1);
	check_without_c(ref, refpath, "feed by feed, c failing");

	/* Again: nothing changed, nothing written, the generation stays;
	 * the failing feed fails again and changes nothing either. */
	gen = store_generation(st);
	assert_int_equal(put_all(st, true, err, sizeof(err)), 1);
	assert_int_equal(store_generation(st), gen);
	check_without_c(st, path, "batch again");

	/* Cured: c goes in, its first entry joining a's story. */
	exec(path, "DROP TRIGGER poison");
	assert_int_equal(put_all(st, true, err, sizeof(err)), 0);
	assert_int_equal(q1(path, "SELECT count(*) FROM entry"), 10);
	assert_int_equal(q1(path, "SELECT count(*) FROM story"), 9);
	assert_int_equal(q1(path, "SELECT count(DISTINCT story) FROM entry"
	    " WHERE link = 'https://a.example/1'"), 1);
	exec(path, "INSERT INTO entry_fts (entry_fts)"
	    " VALUES ('integrity-check')");
	assert_int_equal(nquery(st, "charlie"), 3);
	assert_int_equal(nquery(st, "mirror AND alpha"), 1);
	printf("batch: the cured feed joins its story, text index ok\n");

	store_close(st);
	store_close(ref);
	tstore_remove(path);
	tstore_remove(refpath);
	free(path);
	free(refpath);
}

/* Nothing of a batch is seen by another connection before its end; the
 * calls that cannot run inside one fail and leave it usable. */
static void
test_batch_visibility(void **state)
{
	struct store	*st;
	struct feed	*f;
	char		*path, err[256];
	size_t		 npruned;
	int64_t		 last;

	(void)state;
	st = tstore_open(&path);
	assert_int_equal(store_batch_end(st, err, sizeof(err)), -1);
	assert_int_equal(store_batch_begin(st, err, sizeof(err)), 0);
	assert_int_equal(store_batch_begin(st, err, sizeof(err)), -1);
	f = tfeed(feed_a, 3);
	assert_int_equal(store_put_feed(st, "a", f, NULL, err, sizeof(err)),
	    0);
	feed_free(f);
	assert_int_equal(store_prune(st, T0, &npruned, err, sizeof(err)), -1);
	assert_int_equal(store_retag(st, 0, 10, NULL, NULL, &last, err,
	    sizeof(err)), -1);
	assert_int_equal(q1(path, "SELECT count(*) FROM entry"), 0);
	f = tfeed(feed_b, 2);
	assert_int_equal(store_put_feed(st, "b", f, NULL, err, sizeof(err)),
	    0);
	feed_free(f);
	assert_int_equal(store_batch_end(st, err, sizeof(err)), 0);
	assert_int_equal(q1(path, "SELECT count(*) FROM entry"), 5);
	assert_int_equal(nquery(st, "alpha"), 3);
	assert_int_equal(nquery(st, "bravo"), 2);
	/* Without a batch, as before. */
	assert_int_equal(store_prune(st, T0 - DAY, &npruned, err,
	    sizeof(err)), 0);
	f = tfeed(feed_d, 2);
	assert_int_equal(store_put_feed(st, "d", f, NULL, err, sizeof(err)),
	    0);
	feed_free(f);
	assert_int_equal(q1(path, "SELECT count(*) FROM entry"), 7);
	store_close(st);
	tstore_remove(path);
	free(path);
	printf("batch: invisible until its end, misuse refused, plain "
	    "calls unchanged: ok\n");
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_batch_failing_feed),
		cmocka_unit_test(test_batch_visibility),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
