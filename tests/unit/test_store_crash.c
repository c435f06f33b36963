/*
 * Crash safety of the store: a child process ingests feeds in a loop and
 * is killed with SIGKILL at a random point, 25 times over one database.
 * Then the database must pass PRAGMA integrity_check and the FTS5 check,
 * hold no entry twice and no half-made story, and after one clean run
 * hold every entry of the fixtures.
 *
 * The batch mode does the same with each round (a feed of every source
 * and the sources' state, as the daemon writes them) in one batch: after
 * each kill, every source must also show the state of the same round and
 * hold at least the entries that round shows.
 */

#include <sys/types.h>
#include <sys/wait.h>

#include <inttypes.h>
#include <setjmp.h>
#include <signal.h>
#include <stdbool.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include <cmocka.h>
#include <sqlite3.h>

#include "entry.h"
#include "store.h"
#include "store_util.h"

#define NSOURCES	6
#define NENTRIES	80	/* per source */
#define WINDOW		25	/* entries a feed shows */
#define NROUNDS		8	/* feeds per source in one pass */
#define NKILLS		25

static const char *subjects[] = {
	"screening regulation", "Eurodac recast", "asylum procedure",
	"solidarity mechanism", "crisis regulation", "return border procedure",
	"reception conditions", "resettlement framework", "Dublin transfers",
	"search and rescue", "pushbacks at the border", "child detention",
};

/*
 * The fixtures: source s, entry i. Source 0 changes its guids on every
 * pass, source 1 gives one guid to every item, sources 4 and 5 carry the
 * same news as sources 2 and 3 (stories). Round r shows a window of
 * entries ending at entry (r + 1) * NENTRIES / NROUNDS, and in odd passes
 * the titles carry an edit so that updates happen too.
 */
static struct feed *
fixture_feed(int s, int round, int pass)
{
	struct feed	*f = feed_new();
	int		 end = (round + 1) * NENTRIES / NROUNDS;
	int		 start = end - WINDOW < 0 ? 0 : end - WINDOW;
	char		 buf[512];

	f->title = feed_strdup(f, "Fixture");
	for (int i = end - 1; i >= start; i--) {
		struct entry	*e = feed_add_entry(f);
		int		 news = s >= 4 ? s - 2 : s;
		const char	*subj = subjects[(i + news * 5) % 12];

		if (s == 0)
			snprintf(buf, sizeof(buf), "urn:flaky:%d:%d", pass, i);
		else if (s == 1)
			snprintf(buf, sizeof(buf), "https://src1.example/feed");
		else
			snprintf(buf, sizeof(buf), "urn:src%d:%d", s, i);
		e->id = feed_strdup(f, buf);
		snprintf(buf, sizeof(buf), "https://src%d.example/news/%d", s,
		    i);
		e->link = feed_strdup(f, buf);
		snprintf(buf, sizeof(buf), "Item %d of source %d: Council and "
		    "Parliament on the %s, meeting %d%s", i, news, subj,
		    i * 37 + news, pass % 2 && s != 4 ? " (updated)" : "");
		e->title = feed_strdup(f, buf);
		snprintf(buf, sizeof(buf), "<p>Negotiators discussed the %s "
		    "again today in Brussels, reporting progress on item %d "
		    "of source %d &amp; the next steps for the %s.</p>", subj,
		    i, news, subjects[i % 12]);
		e->summary = feed_strdup(f, buf);
		e->summary_type = TEXT_HTML;
		e->published = T0 + (time_t)i * 3600 + news * 60;
		e->lang = feed_strdup(f, "en");
		{
			struct entry_topic *t = feed_add_topic(e);

			snprintf(buf, sizeof(buf), "t%d", i % 5);
			t->id = feed_strdup(f, buf);
			t->score = 1;
		}
	}
	return f;
}

static bool	 batch_mode;

static void __attribute__((noreturn))
child_fail(const char *err)
{
	fprintf(stderr, "child: %s\n", err);
	_exit(3);
}

static void
ingest_pass(struct store *st, int pass)
{
	char	err[256], src[16], status[64];

	for (int r = 0; r < NROUNDS; r++) {
		if (batch_mode && store_batch_begin(st, err,
		    sizeof(err)) == -1)
			child_fail(err);
		for (int s = 0; s < NSOURCES; s++) {
			struct feed	*f = fixture_feed(s, r, pass);

			snprintf(src, sizeof(src), "src%d", s);
			if (store_put_feed(st, src, f, NULL, err,
			    sizeof(err)) == -1)
				child_fail(err);
			feed_free(f);
			if (batch_mode) {
				struct store_source_state ss = { 0 };

				snprintf(status, sizeof(status),
				    "pass %d round %d", pass, r);
				ss.last_status = status;
				ss.http_status = r;
				if (store_source_set(st, src, &ss, err,
				    sizeof(err)) == -1)
					child_fail(err);
			}
		}
		if (batch_mode && store_batch_end(st, err, sizeof(err)) == -1)
			child_fail(err);
	}
}

/* The child: ingest passes for ever, until killed. */
static void __attribute__((noreturn))
child_run(const char *path, int first_pass)
{
	struct store	*st;
	char		 err[256];

	if ((st = store_open(path, err, sizeof(err))) == NULL) {
		fprintf(stderr, "child: %s\n", err);
		_exit(3);
	}
	store_set_now(st, T0 + 400 * 3600);
	for (int pass = first_pass;; pass++)
		ingest_pass(st, pass);
}

static int64_t
q1(sqlite3 *db, const char *sql)
{
	sqlite3_stmt	*s;
	int64_t		 n = -1;

	if (sqlite3_prepare_v2(db, sql, -1, &s, NULL) != SQLITE_OK)
		fail_msg("%s: %s", sql, sqlite3_errmsg(db));
	if (sqlite3_step(s) == SQLITE_ROW)
		n = sqlite3_column_int64(s, 0);
	sqlite3_finalize(s);
	return n;
}

/* A round's batch is all or nothing: every source has the state of the
 * same round (or none yet) and the entries that round shows. */
static void
check_batch(sqlite3 *db, const char *when)
{
	int64_t	nsrc, round;

	nsrc = q1(db, "SELECT count(*) FROM source");
	if (nsrc == 0)
		return;
	if (nsrc != NSOURCES)
		fail_msg("%s: %" PRId64 " sources, not %d", when, nsrc,
		    NSOURCES);
	if (q1(db, "SELECT count(DISTINCT coalesce(last_status, ''))"
	    " FROM source") != 1)
		fail_msg("%s: sources in different rounds", when);
	round = q1(db, "SELECT max(http_status) FROM source");
	for (int s = 2; s < NSOURCES; s++) {
		char	sql[128];
		int64_t	n;

		snprintf(sql, sizeof(sql), "SELECT count(*) FROM entry e"
		    " JOIN source s ON s.sid = e.sid WHERE s.name = 'src%d'",
		    s);
		n = q1(db, sql);
		if (n < (round + 1) * NENTRIES / NROUNDS)
			fail_msg("%s: src%d has %" PRId64 " entries in round "
			    "%" PRId64, when, s, n, round);
	}
}

/* Everything that must hold after any crash. */
static void
check_db(const char *path, const char *when)
{
	static const struct {
		const char	*what;
		const char	*sql;
	} zero[] = {
		{ "entry stored twice (same source and link)",
		  "SELECT count(*) FROM (SELECT 1 FROM entry"
		  " GROUP BY sid, canon HAVING count(*) > 1)" },
		{ "entry without story",
		  "SELECT count(*) FROM entry WHERE story NOT IN"
		  " (SELECT story FROM story)" },
		{ "story without entry",
		  "SELECT count(*) FROM story WHERE story NOT IN"
		  " (SELECT story FROM entry)" },
		/* No foreign key of theirs (migration 7) finds a row of
		 * no story: these do. */
		{ "story_topic of no story, or out of step with it",
		  "SELECT count(*) FROM story_topic t WHERE NOT EXISTS"
		  " (SELECT 1 FROM story s WHERE s.story = t.story"
		  " AND s.upd = t.upd)" },
		{ "story_source of no story, or out of step with it",
		  "SELECT count(*) FROM story_source t WHERE NOT EXISTS"
		  " (SELECT 1 FROM story s WHERE s.story = t.story"
		  " AND s.upd = t.upd)" },
		{ "foreign key violations",
		  "SELECT count(*) FROM pragma_foreign_key_check" },
	};
	sqlite3	*db;
	char	*msg = NULL;

	assert_int_equal(sqlite3_open(path, &db), SQLITE_OK);
	if (q1(db, "SELECT count(*) FROM pragma_integrity_check"
	    " WHERE integrity_check = 'ok'") != 1)
		fail_msg("%s: integrity_check failed", when);
	if (q1(db, "PRAGMA user_version") == 0) {
		/* Killed in store_open: the migration is all or nothing. */
		if (q1(db, "SELECT count(*) FROM sqlite_schema") != 0)
			fail_msg("%s: half a schema", when);
		sqlite3_close(db);
		return;
	}
	if (sqlite3_exec(db, "INSERT INTO entry_fts (entry_fts)"
	    " VALUES ('integrity-check')", NULL, NULL, &msg) != SQLITE_OK)
		fail_msg("%s: fts integrity-check: %s", when, msg);
	for (size_t i = 0; i < sizeof(zero) / sizeof(zero[0]); i++)
		if (q1(db, zero[i].sql) != 0)
			fail_msg("%s: %s: %" PRId64, when, zero[i].what,
			    q1(db, zero[i].sql));
	if (batch_mode)
		check_batch(db, when);
	sqlite3_close(db);
}

static void
test_crash(void **state)
{
	const char	*mode = *state != NULL ? *(const char **)*state : "";

	struct store	*st;
	struct timespec	 ts;
	char		*path, err[256];
	unsigned	 seed;
	int		 killed = 0;
	sqlite3		*db;

	batch_mode = *state != NULL;
	clock_gettime(CLOCK_REALTIME, &ts);
	seed = (unsigned)(ts.tv_nsec ^ getpid());
	srand(seed);
	printf("crash%s: seed %u\n", mode, seed);
	st = tstore_open(&path);
	store_close(st);
	tstore_remove(path);		/* the first child makes the schema */

	for (int k = 0; k < NKILLS; k++) {
		pid_t	pid;
		int	status;

		fflush(stdout);
		if ((pid = fork()) == -1)
			fail_msg("fork");
		if (pid == 0)
			child_run(path, k);
		/* 0-120 ms: from inside store_open to deep in a pass. */
		usleep((useconds_t)(rand() % 120000));
		kill(pid, SIGKILL);
		assert_int_equal(waitpid(pid, &status, 0), pid);
		if (WIFSIGNALED(status) && WTERMSIG(status) == SIGKILL)
			killed++;
		else
			fail_msg("child ended by itself: status %d", status);
		if (access(path, F_OK) == 0) {
			char	when[32];

			snprintf(when, sizeof(when), "after kill %d", k + 1);
			check_db(path, when);
		}
	}
	assert_true(killed >= 20);

	/* One clean run, then every fixture entry is there, once. */
	if ((st = store_open(path, err, sizeof(err))) == NULL)
		fail_msg("%s", err);
	store_set_now(st, T0 + 400 * 3600);
	ingest_pass(st, NKILLS);
	store_close(st);
	check_db(path, "after the clean run");
	assert_int_equal(sqlite3_open(path, &db), SQLITE_OK);
	assert_int_equal(q1(db, "SELECT count(*) FROM entry"),
	    NSOURCES * NENTRIES);
	for (int s = 0; s < NSOURCES; s++)
		for (int i = 0; i < NENTRIES; i++) {
			char	sql[256];

			snprintf(sql, sizeof(sql), "SELECT count(*) FROM entry"
			    " WHERE link = 'https://src%d.example/news/%d'",
			    s, i);
			if (q1(db, sql) != 1)
				fail_msg("entry %d of source %d: %" PRId64
				    " rows", i, s, q1(db, sql));
		}
	/* The text index agrees: each entry's phrase finds its story. */
	if ((st = store_open(path, err, sizeof(err))) == NULL)
		fail_msg("%s", err);
	for (int news = 0; news < 4; news++)
		for (int i = 0; i < NENTRIES; i += 7) {
			struct store_filter	 f = { .limit = 10 };
			struct tstories		*found;
			char			 q[64];

			found = xcalloc(1, sizeof(*found));
			snprintf(q, sizeof(q), "\"item %d of source %d\"", i,
			    news);
			f.q = q;
			if (tquery(st, &f, found) != 1)
				fail_msg("%s: %zu stories", q, found->n);
			tstories_clear(found);
			free(found);
		}
	store_close(st);
	/* Sources 4 and 5 carried the news of 2 and 3: one story each. */
	assert_int_equal(q1(db, "SELECT count(*) FROM story"),
	    (NSOURCES - 2) * NENTRIES);
	assert_int_equal(q1(db, "SELECT key_mode FROM source"
	    " WHERE name = 'src0'"), 1);
	assert_int_equal(q1(db, "SELECT key_mode FROM source"
	    " WHERE name = 'src1'"), 1);
	sqlite3_close(db);
	tstore_remove(path);
	free(path);
	printf("crash%s: %d SIGKILLs mid-ingest, integrity and invariants "
	    "%schecked after each; %d entries present after a clean run: "
	    "ok\n", mode, killed, batch_mode ? "and whole batches " : "",
	    NSOURCES * NENTRIES);
}

static const char *batch_name = " (batches)";

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_crash),
		cmocka_unit_test_prestate(test_crash, &batch_name),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
