/*
 * store_open_readonly: the archive of a daemon whose disk cannot be
 * written. It answers queries, including what a writer beside it commits
 * later; every write fails with a message and changes nothing; a schema
 * older than the program is refused (only a writer may migrate). The
 * read-only directory itself (the immutable fallback) needs a fault shim
 * and is tested by tests/integration/test_faults_disk.py.
 */

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

static const struct tentry first[] = {
	{ "urn:ro:1", "Screening regulation adopted", "https://ro.example/1",
	  "The screening regulation.", T0, "en", NULL, TEXT_PLAIN },
	{ "urn:ro:2", "Eurodac recast in force", "https://ro.example/2",
	  "Eurodac.", T0 + DAY, "en", NULL, TEXT_PLAIN },
};

static const struct tentry later[] = {
	{ "urn:ro:3", "Solidarity pool announced", "https://ro.example/3",
	  "Solidarity.", T0 + 2 * DAY, "en", NULL, TEXT_PLAIN },
};

static int
count_cb(const struct store_story *s, void *arg)
{
	(void)s;
	(*(size_t *)arg)++;
	return 0;
}

static size_t
nstories(struct store *st)
{
	struct store_filter	f = { 0 };
	size_t			n = 0;
	char			err[256];

	if (store_query_stories(st, &f, count_cb, &n, err, sizeof(err)) == -1)
		fail_msg("query: %s", err);
	return n;
}

static void
put(struct store *st, const struct tentry *t, size_t n)
{
	struct store_put_result	 res;
	struct feed		*f = tfeed(t, n);
	char			 err[256];

	if (store_put_feed(st, "ro", f, &res, err, sizeof(err)) == -1)
		fail_msg("put: %s", err);
	feed_free(f);
}

static void
test_readonly(void **state)
{
	struct store_source_state	 ss = { 0 };
	struct store_put_result		 res;
	struct store			*st, *ro;
	struct feed			*f;
	char				*path, err[256] = "";
	uint64_t			 gen;
	sqlite3				*db;

	(void)state;
	st = tstore_open(&path);
	put(st, first, 2);
	store_close(st);		/* clean: no -wal left */

	if ((ro = store_open_readonly(path, err, sizeof(err))) == NULL)
		fail_msg("store_open_readonly: %s", err);
	assert_int_equal(nstories(ro), 2);
	gen = store_generation(ro);

	/* Writes fail, each with a message, and change nothing. */
	f = tfeed(later, 1);
	err[0] = '\0';
	assert_int_equal(store_put_feed(ro, "ro", f, &res, err, sizeof(err)),
	    -1);
	assert_true(err[0] != '\0');
	err[0] = '\0';
	assert_int_equal(store_batch_begin(ro, err, sizeof(err)), -1);
	assert_true(err[0] != '\0');
	ss.next_fetch = T0;
	err[0] = '\0';
	assert_int_equal(store_source_set(ro, "ro", &ss, err, sizeof(err)),
	    -1);
	assert_true(err[0] != '\0');
	assert_int_equal(nstories(ro), 2);
	assert_int_equal(store_generation(ro), gen);
	printf("readonly: 2 stories read; put, batch and state writes "
	    "refused (%s)\n", err);

	/* A writer beside it (another process, or the daemon's own once
	 * the disk heals): the reader sees its commits. */
	if ((st = store_open(path, err, sizeof(err))) == NULL)
		fail_msg("store_open: %s", err);
	assert_int_equal(store_put_feed(st, "ro", f, &res, err, sizeof(err)),
	    0);
	assert_int_equal(res.nnew, 1);
	assert_int_equal(nstories(ro), 3);
	assert_true(store_generation(ro) > gen);
	printf("readonly: a writer's commit seen (3 stories)\n");
	feed_free(f);
	store_close(ro);
	store_close(st);

	/* An older schema: only a writer may bring it up to date. */
	assert_int_equal(sqlite3_open(path, &db), SQLITE_OK);
	assert_int_equal(sqlite3_exec(db, "PRAGMA user_version = 1", NULL,
	    NULL, NULL), SQLITE_OK);
	sqlite3_close(db);
	assert_null(store_open_readonly(path, err, sizeof(err)));
	if (strstr(err, "schema 1") == NULL)
		fail_msg("older schema: %s", err);
	printf("readonly: an older schema refused (%s)\n", err);

	/* No such database: nothing to serve. */
	tstore_remove(path);
	assert_null(store_open_readonly(path, err, sizeof(err)));
	printf("readonly: a missing database refused (%s)\n", err);
	free(path);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_readonly),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
