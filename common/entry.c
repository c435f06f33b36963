/*
 * The feed model's memory: strings in an arena of large chunks (a feed is
 * built once and freed whole, so per-string malloc would be wasted work),
 * and so are the authors, categories and links, short arrays grown by
 * doubling (the outgrown copy stays behind, unused). The entries, and the
 * enclosures and topics (appended without the feed at hand), are arrays
 * of their own, grown by doubling and freed in feed_free().
 *
 * Chunks double from 64 KB up to one huge page (2 MB), so a small feed
 * stays small and a big one costs a page fault per 2 MB rather than per
 * 4 KB: for a 50 MB feed, faulting in 12,000 fresh 4 KB pages one by one
 * was a tenth of the parse (tests/bench/parse).
 */

#include "entry.h"
#include "feed_arena.h"

#include <sys/mman.h>

#include <pthread.h>
#include <stdbool.h>

#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "xmalloc.h"

#define ARENA_CHUNK	(64 * 1024)		/* the first chunk */
#define ARENA_HUGE	(2 * 1024 * 1024)	/* x86-64 and arm64 PMD size */
#define ARENA_ALIGN	sizeof(void *)		/* for the arrays in it */

_Static_assert(_Alignof(struct person) <= ARENA_ALIGN &&
    _Alignof(struct category) <= ARENA_ALIGN &&
    _Alignof(struct link) <= ARENA_ALIGN, "arena arrays misaligned");

struct feed_chunk {
	struct feed_chunk	*next;
	size_t			 used;
	size_t			 size;
	bool			 huge;		/* ARENA_HUGE, may be a spare */
	_Alignas(ARENA_ALIGN) char data[];
};

_Static_assert(offsetof(struct feed_chunk, data) % ARENA_ALIGN == 0,
    "arena chunk data misaligned");

/*
 * Huge chunks are mapped here, not taken from malloc: once glibc has
 * unmapped a freed 2 MB block it raises its mmap threshold, and the next
 * feed's chunks came from the heap instead, neither aligned nor huge, a
 * page fault and a zeroed page per 4 KB again (the daemon parses feed
 * after feed; bench_parse FILE 5 on the 50 MB feed showed it: the later
 * rounds took a third more CPU than the first, and peak RSS went from
 * 110 MB to 258 MB). A few freed ones are kept for the next feed, which
 * then finds its memory faulted in already; at most 16 MB stay mapped
 * between feeds.
 */
#define ARENA_SPARE	8	/* huge chunks kept: 16 MB */

/* AddressSanitizer checks what malloc hands out, not our mappings. */
#if defined(__SANITIZE_ADDRESS__)
#define FEED_ARENA_MALLOC	1
#elif defined(__has_feature)
#if __has_feature(address_sanitizer)
#define FEED_ARENA_MALLOC	1
#endif
#endif
#ifndef FEED_ARENA_MALLOC
#define FEED_ARENA_MALLOC	0
#endif

/* One list for the process: the daemon builds feeds on its worker thread
 * and frees them on its loop, and a list per thread would keep the spares
 * where no feed is built. Taken once per 2 MB. */
static pthread_mutex_t			 feed_spare_mu =
    PTHREAD_MUTEX_INITIALIZER;
static struct feed_chunk		*feed_spare;
static size_t				 feed_nspare;

static void	feed_free_chunk(struct feed_chunk *);

struct feed_arena {
	struct feed_chunk	*head;
	size_t			 next;		/* size of the next chunk */
};

struct feed *
feed_new(void)
{
	struct feed	*f;

	f = xcalloc(1, sizeof(*f));
	f->arena = xcalloc(1, sizeof(*f->arena));
	f->updated = f->published = DATE_NONE;
	return f;
}

static void
feed_free_entry(struct entry *e)
{
	free(e->enclosures);
	free(e->topics);
}

void
feed_free(struct feed *f)
{
	struct feed_chunk	*c, *next;

	if (f == NULL)
		return;
	for (size_t i = 0; i < f->nentries; i++)
		feed_free_entry(&f->entries[i]);
	free(f->entries);
	if (f->arena != NULL) {
		for (c = f->arena->head; c != NULL; c = next) {
			next = c->next;
			feed_free_chunk(c);
		}
		free(f->arena);
	}
	free(f);
}

/* A 2 MB chunk, 2 MB-aligned and marked for transparent huge pages (a
 * no-op where THP is off): a spare one if there is one. NULL when the
 * system will not map one. */
static struct feed_chunk *
feed_huge_chunk(void)
{
	struct feed_chunk	*c;
	char			*start;

	pthread_mutex_lock(&feed_spare_mu);
	if ((c = feed_spare) != NULL) {
		feed_spare = c->next;
		feed_nspare--;
	}
	pthread_mutex_unlock(&feed_spare_mu);
	if (c != NULL)
		return c;
#if FEED_ARENA_MALLOC
	if ((start = aligned_alloc(ARENA_HUGE, ARENA_HUGE)) == NULL)
		return NULL;
#else
	{
		char		*m;
		uintptr_t	 pad;

		m = mmap(NULL, 2 * ARENA_HUGE, PROT_READ | PROT_WRITE,
		    MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
		if (m == MAP_FAILED)
			return NULL;
		/* Keep the aligned 2 MB inside the 4 MB mapped. */
		pad = -(uintptr_t)m & (ARENA_HUGE - 1);
		start = m + pad;
		if (pad > 0)
			(void)munmap(m, pad);
		(void)munmap(start + ARENA_HUGE, ARENA_HUGE - pad);
	}
#endif
#ifdef MADV_HUGEPAGE
	(void)madvise(start, ARENA_HUGE, MADV_HUGEPAGE);
#endif
	c = (struct feed_chunk *)(void *)start;
	c->huge = true;
	return c;
}

static void
feed_free_chunk(struct feed_chunk *c)
{
	bool	kept = false;

	if (!c->huge) {
		free(c);
		return;
	}
	pthread_mutex_lock(&feed_spare_mu);
	if (feed_nspare < ARENA_SPARE) {
		c->next = feed_spare;
		feed_spare = c;
		feed_nspare++;
		kept = true;
	}
	pthread_mutex_unlock(&feed_spare_mu);
	if (!kept) {
#if FEED_ARENA_MALLOC
		free(c);
#else
		(void)munmap(c, ARENA_HUGE);
#endif
	}
}

/* A chunk of the arena's next size, doubling up to ARENA_HUGE. */
static struct feed_chunk *
feed_new_chunk(struct feed_arena *a)
{
	struct feed_chunk	*c = NULL;
	size_t			 total;

	if (a->next == 0)
		a->next = ARENA_CHUNK;
	total = a->next;
	if (total == ARENA_HUGE)
		c = feed_huge_chunk();
	else
		a->next *= 2;
	if (c == NULL) {
		c = xmalloc(total);
		c->huge = false;
	}
	c->size = total - sizeof(*c);
	return c;
}

static char *
feed_alloc(struct feed *f, size_t n)
{
	struct feed_chunk	*c = f->arena->head;
	bool			 own = n > ARENA_CHUNK / 4;

	if (c == NULL || c->size - c->used < n) {
		if (own) {
			c = xmalloc(sizeof(*c) + n);
			c->size = n;
			c->huge = false;
		} else
			c = feed_new_chunk(f->arena);
		c->used = 0;
		if (own && f->arena->head != NULL) {
			/* A big string gets its own chunk behind the head, so
			 * the head's free space stays usable. */
			c->next = f->arena->head->next;
			f->arena->head->next = c;
		} else {
			c->next = f->arena->head;
			f->arena->head = c;
		}
	}
	c->used += n;
	return c->data + c->used - n;
}

char *
feed_arena_alloc(struct feed *f, size_t n)
{
	return feed_alloc(f, n);
}

void
feed_arena_unalloc(struct feed *f, const char *p, size_t n)
{
	struct feed_chunk	*c = f->arena->head, *own;

	if (c == NULL || n == 0)
		return;
	if ((uintptr_t)p >= (uintptr_t)c->data &&
	    (uintptr_t)p + n == (uintptr_t)(c->data + c->used)) {
		c->used -= n;
		return;
	}
	/* A big string's own chunk sits behind the head. */
	if ((own = c->next) != NULL && p == own->data && n == own->used) {
		c->next = own->next;
		feed_free_chunk(own);
	}
}

/* n bytes at an address fit for the model's arrays (a new chunk starts
 * aligned; chunk headers keep it so). */
static char *
feed_alloc_aligned(struct feed *f, size_t n)
{
	struct feed_chunk	*c = f->arena->head;
	size_t			 pad;

	if (c != NULL) {
		pad = -(uintptr_t)(c->data + c->used) & (ARENA_ALIGN - 1);
		if (c->size - c->used >= pad + n)
			c->used += pad;
	}
	return feed_alloc(f, n);
}

const char *
feed_strndup(struct feed *f, const char *s, size_t n)
{
	char	*p;

	if (s == NULL)
		return NULL;
	p = feed_alloc(f, n + 1);
	memcpy(p, s, n);
	p[n] = '\0';
	return p;
}

const char *
feed_strdup(struct feed *f, const char *s)
{
	return s == NULL ? NULL : feed_strndup(f, s, strlen(s));
}

/* The capacity an array of n elements has: the next power of two. */
static size_t
feed_capacity(size_t n)
{
	size_t	c = 1;

	while (c < n)
		c *= 2;
	return c;
}

/* Grow *arr (of *n elements of size sz) by one zeroed element. */
static void *
feed_append(void *arrp, size_t *n, size_t sz)
{
	void	**arr = arrp;
	char	 *p;

	/* Capacity is the next power of two at or above *n. */
	if ((*n & (*n - 1)) == 0)
		*arr = xreallocarray(*arr, *n == 0 ? 1 : *n * 2, sz);
	p = (char *)*arr + *n * sz;
	memset(p, 0, sz);
	(*n)++;
	return p;
}

/* The same for the arrays in the arena. */
static void *
feed_append_arena(struct feed *f, void *arrp, size_t *n, size_t sz)
{
	void	**arr = arrp;
	char	 *p;

	if ((*n & (*n - 1)) == 0) {
		p = feed_alloc_aligned(f, (*n == 0 ? 1 : *n * 2) * sz);
		if (*n > 0)
			memcpy(p, *arr, *n * sz);
		*arr = p;
	}
	p = (char *)*arr + *n * sz;
	memset(p, 0, sz);
	(*n)++;
	return p;
}

struct entry *
feed_add_entry(struct feed *f)
{
	struct entry	*e;

	e = feed_append(&f->entries, &f->nentries, sizeof(*e));
	e->published = e->updated = DATE_NONE;
	return e;
}

struct person *
feed_add_author(struct feed *f, struct entry *e)
{
	if (e != NULL)
		return feed_append_arena(f, &e->authors, &e->nauthors,
		    sizeof(struct person));
	return feed_append_arena(f, &f->authors, &f->nauthors,
	    sizeof(struct person));
}

struct category *
feed_add_category(struct feed *f, struct entry *e)
{
	if (e != NULL)
		return feed_append_arena(f, &e->categories, &e->ncategories,
		    sizeof(struct category));
	return feed_append_arena(f, &f->categories, &f->ncategories,
	    sizeof(struct category));
}

struct link *
feed_add_link(struct feed *f, struct entry *e)
{
	if (e != NULL)
		return feed_append_arena(f, &e->links, &e->nlinks,
		    sizeof(struct link));
	return feed_append_arena(f, &f->links, &f->nlinks,
	    sizeof(struct link));
}

struct enclosure *
feed_add_enclosure(struct entry *e)
{
	return feed_append(&e->enclosures, &e->nenclosures,
	    sizeof(struct enclosure));
}

struct entry_topic *
feed_add_topic(struct entry *e)
{
	return feed_append(&e->topics, &e->ntopics,
	    sizeof(struct entry_topic));
}

size_t
feed_filter_entries(struct feed *f, bool (*keep)(const struct entry *, void *),
    void *arg)
{
	size_t	kept = 0, dropped;

	for (size_t i = 0; i < f->nentries; i++) {
		if (keep(&f->entries[i], arg)) {
			if (kept != i)
				f->entries[kept] = f->entries[i];
			kept++;
		} else
			feed_free_entry(&f->entries[i]);
	}
	dropped = f->nentries - kept;
	f->nentries = kept;
	/* The array's capacity follows nentries (powers of two): shrink
	 * it to match, or the next feed_add_entry would overrun it. */
	if (dropped > 0)
		f->entries = xreallocarray(f->entries, kept == 0 ? 1 :
		    feed_capacity(kept), sizeof(*f->entries));
	return dropped;
}

const char *
feed_format_name(enum feed_format fmt)
{
	switch (fmt) {
	case FEED_RSS090:	return "rss090";
	case FEED_RSS091:	return "rss091";
	case FEED_RSS092:	return "rss092";
	case FEED_RSS20:	return "rss20";
	case FEED_RSS10:	return "rss10";
	case FEED_ATOM03:	return "atom03";
	case FEED_ATOM10:	return "atom10";
	case FEED_JSON10:	return "json1";
	case FEED_JSON11:	return "json11";
	case FEED_HTML:		return "html";
	case FEED_UNKNOWN:	break;
	}
	return "unknown";
}

const char *
text_type_name(enum text_type t)
{
	switch (t) {
	case TEXT_HTML:		return "text/html";
	case TEXT_XHTML:	return "application/xhtml+xml";
	case TEXT_PLAIN:	break;
	}
	return "text/plain";
}
