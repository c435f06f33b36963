/*
 * The feed model: arena strings, appenders that keep earlier elements
 * intact, and filtering entries without leaking or corrupting the array
 * that later appends grow.
 */

#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "entry.h"

static bool
keep_odd(const struct entry *e, void *arg)
{
	(void)arg;
	return e->title[strlen(e->title) - 1] % 2 == 1;
}

static bool
keep_none(const struct entry *e, void *arg)
{
	(void)e;
	(void)arg;
	return false;
}

static void
test_model(void **state)
{
	struct feed	*f = feed_new();
	char		 title[32], big[200000];
	size_t		 n = 0;

	(void)state;
	assert_true(f->updated == DATE_NONE);
	assert_null(feed_strdup(f, NULL));
	memset(big, 'x', sizeof(big) - 1);
	big[sizeof(big) - 1] = '\0';
	for (int i = 0; i < 1000; i++) {
		struct entry	*e = feed_add_entry(f);

		snprintf(title, sizeof(title), "entry %d", i);
		e->title = feed_strdup(f, title);
		assert_true(e->published == DATE_NONE);
		for (int j = 0; j < i % 5; j++)
			feed_add_category(f, e)->term = feed_strdup(f, "c");
		feed_add_author(f, e)->name = feed_strdup(f, "a");
		feed_add_link(f, e)->href = feed_strdup(f, "https://x.example/");
		feed_add_enclosure(e)->href = feed_strdup(f, "https://x.example/e");
		feed_add_topic(e)->id = "screening";
		if (i == 500)
			e->summary = feed_strdup(f, big);	/* own chunk */
	}
	for (size_t i = 0; i < f->nentries; i++) {
		snprintf(title, sizeof(title), "entry %zu", i);
		assert_string_equal(f->entries[i].title, title);
		assert_int_equal(f->entries[i].ncategories, i % 5);
		n++;
	}
	assert_int_equal(strlen(f->entries[500].summary), sizeof(big) - 1);
	assert_int_equal(feed_filter_entries(f, keep_odd, NULL), 500);
	assert_int_equal(f->nentries, 500);
	assert_string_equal(f->entries[0].title, "entry 1");
	assert_string_equal(f->entries[499].title, "entry 999");
	/* Appending after a filter must not overrun the shrunk array. */
	for (int i = 0; i < 300; i++)
		feed_add_entry(f)->title = feed_strdup(f, "again 1");
	assert_int_equal(f->nentries, 800);
	assert_int_equal(feed_filter_entries(f, keep_none, NULL), 800);
	assert_int_equal(f->nentries, 0);
	feed_add_entry(f)->title = "after";
	assert_int_equal(f->nentries, 1);
	feed_free(f);
	feed_free(NULL);
	printf("entry: %zu entries with sub-arrays built and read back, "
	    "filtered twice, appended after filtering\n", n);
}

/* The arena past its first chunks: sizes double up to 2 MB (huge pages),
 * strings near the own-chunk threshold and over it interleave, and every
 * string reads back intact once 24 MB are in. */
static void
test_arena_growth(void **state)
{
	struct feed	*f = feed_new();
	static char	 src[40000];
	const char	**kept;
	size_t		 n = 0, total = 0, len, count = 60000;

	(void)state;
	for (size_t i = 0; i < sizeof(src); i++)
		src[i] = 'a' + i % 23;
	kept = calloc(count, sizeof(*kept));
	assert_non_null(kept);
	for (size_t i = 0; i < count; i++) {
		/* Mostly short, some just under and over 16 KB. */
		len = i % 97 == 0 ? 16384 - 2 + i % 5 : i % 1009 == 0 ?
		    39000 : i % 613;
		kept[i] = feed_strndup(f, src + i % 7, len);
		total += len;
	}
	for (size_t i = 0; i < count; i++) {
		len = i % 97 == 0 ? 16384 - 2 + i % 5 : i % 1009 == 0 ?
		    39000 : i % 613;
		assert_int_equal(strlen(kept[i]), len);
		assert_memory_equal(kept[i], src + i % 7, len);
		n++;
	}
	free(kept);
	/* Arrays in the arena among odd-sized strings: aligned, and what an
	 * append copied across keeps its values. */
	for (size_t i = 0; i < 2000; i++) {
		struct entry	*e = feed_add_entry(f);

		for (size_t j = 0; j <= i % 9; j++) {
			feed_strndup(f, src, j + i % 3);
			feed_add_author(f, e)->name = feed_strndup(f, src + j, 1);
			feed_add_link(f, e)->href = "x";
		}
	}
	for (size_t i = 0; i < f->nentries; i++) {
		const struct entry	*e = &f->entries[i];

		assert_int_equal((uintptr_t)e->authors %
		    _Alignof(struct person), 0);
		assert_int_equal((uintptr_t)e->links % _Alignof(struct link),
		    0);
		assert_int_equal(e->nauthors, i % 9 + 1);
		for (size_t j = 0; j < e->nauthors; j++)
			assert_int_equal(e->authors[j].name[0], src[j]);
	}
	feed_free(f);
	printf("entry: %zu arena strings (%zu MB) read back intact, %zu "
	    "entries' authors and links aligned and intact\n", n,
	    total >> 20, (size_t)2000);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_model),
		cmocka_unit_test(test_arena_growth),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
