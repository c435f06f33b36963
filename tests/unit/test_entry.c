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
#include "feed_arena.h"

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

/* Bytes given back to the arena: the tail of the latest allocation is
 * handed out again, anything else stays put; a big string's own chunk
 * given back whole is freed (ASan would see it leak or be reused). */
static void
test_arena_unalloc(void **state)
{
	struct feed	*f = feed_new();
	char		*a, *b, *c, *big;
	size_t		 n = 0;

	(void)state;
	a = feed_arena_alloc(f, 100);
	memset(a, 'a', 100);
	feed_arena_unalloc(f, a + 40, 60);	/* the tail: back */
	b = feed_arena_alloc(f, 10);
	assert_ptr_equal(b, a + 40);
	n++;
	feed_arena_unalloc(f, a, 10);		/* not the tail: stays */
	c = feed_arena_alloc(f, 10);
	assert_ptr_equal(c, b + 10);
	assert_memory_equal(a, "aaaaaaaaaa", 10);
	n++;
	feed_arena_unalloc(f, c, 10);		/* the whole latest one */
	assert_ptr_equal(feed_arena_alloc(f, 1), c);
	n++;
	big = feed_arena_alloc(f, 100000);	/* its own chunk */
	memset(big, 'b', 100000);
	feed_arena_unalloc(f, big, 100000);
	c = feed_arena_alloc(f, 5);
	assert_ptr_equal(c, b + 11);
	n++;
	feed_arena_unalloc(f, NULL, 0);
	feed_free(f);
	printf("entry: %zu arena give-backs (tail, middle, whole, own chunk)\n",
	    n);
}

/* Huge chunks outlive their feed as spares: the next big feed finds some
 * of its memory there, two feeds alive at once never share a chunk, and
 * every string of both reads back intact. */
static void
test_arena_spares(void **state)
{
	enum { COUNT = 20000, LEN = 1000 };
	struct feed	*f, *g;
	const char	**fs, **gs;
	uintptr_t	*old;
	size_t		 reused = 0;
	char		 src[LEN];

	(void)state;
	fs = calloc(COUNT, sizeof(*fs));
	gs = calloc(COUNT, sizeof(*gs));
	old = calloc(COUNT, sizeof(*old));
	assert_true(fs != NULL && gs != NULL && old != NULL);
	f = feed_new();
	for (size_t i = 0; i < COUNT; i++) {
		memset(src, 'a' + i % 26, LEN);
		old[i] = (uintptr_t)feed_strndup(f, src, LEN - 1) &
		    ~(uintptr_t)(2 * 1024 * 1024 - 1);
	}
	feed_free(f);
	f = feed_new();
	g = feed_new();
	for (size_t i = 0; i < COUNT; i++) {
		memset(src, 'a' + i % 26, LEN);
		fs[i] = feed_strndup(f, src, LEN - 1);
		memset(src, 'A' + i % 26, LEN);
		gs[i] = feed_strndup(g, src, LEN - 1);
	}
	for (size_t i = 0; i < COUNT; i++) {
		assert_int_equal(strlen(fs[i]), LEN - 1);
		assert_int_equal(strlen(gs[i]), LEN - 1);
		assert_int_equal(fs[i][0], 'a' + i % 26);
		assert_int_equal(fs[i][LEN - 2], 'a' + i % 26);
		assert_int_equal(gs[i][0], 'A' + i % 26);
		assert_int_equal(gs[i][LEN - 2], 'A' + i % 26);
	}
	/* Some of the new strings sit in the old feed's 2 MB chunks. */
	for (size_t i = 0; i < COUNT && reused == 0; i += 100) {
		uintptr_t	base = (uintptr_t)fs[i] &
			    ~(uintptr_t)(2 * 1024 * 1024 - 1);

		for (size_t j = 0; j < COUNT; j += 100)
			if (old[j] == base)
				reused++;
	}
	assert_true(reused > 0);
	feed_free(f);
	feed_free(g);
	free(fs);
	free(gs);
	free(old);
	printf("entry: 2 x %d strings intact in two feeds alive at once, "
	    "spare chunks of a freed feed reused\n", COUNT);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_model),
		cmocka_unit_test(test_arena_growth),
		cmocka_unit_test(test_arena_unalloc),
		cmocka_unit_test(test_arena_spares),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
