/*
 * Helpers shared by the store tests: feeds built from tables, a scratch
 * database path, story collection.
 */

#ifndef STORE_UTIL_H
#define STORE_UTIL_H

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "entry.h"
#include "store.h"
#include "xmalloc.h"

#define DAY	86400
#define T0	((time_t)1718000000)	/* 2024-06-10 */

struct tentry {
	const char	*id;
	const char	*title;
	const char	*link;
	const char	*summary;
	time_t		 date;
	const char	*lang;
	const char	*topics;	/* comma-separated topic ids */
	enum text_type	 summary_type;
};

static __attribute__((unused)) struct entry *
tfeed_add(struct feed *f, const struct tentry *t)
{
	struct entry	*e = feed_add_entry(f);

	e->id = feed_strdup(f, t->id);
	e->title = feed_strdup(f, t->title);
	e->link = feed_strdup(f, t->link);
	e->summary = feed_strdup(f, t->summary);
	e->summary_type = t->summary_type;
	e->published = t->date != 0 ? t->date : DATE_NONE;
	e->lang = feed_strdup(f, t->lang);
	if (t->topics != NULL) {
		char	*s = xstrdup(t->topics), *p, *save = NULL;

		for (p = strtok_r(s, ",", &save); p != NULL;
		    p = strtok_r(NULL, ",", &save)) {
			struct entry_topic *tp = feed_add_topic(e);

			tp->id = feed_strdup(f, p);
			tp->score = 1.0;
			tp->why = feed_strdup(f, "test");
		}
		free(s);
	}
	return e;
}

static __attribute__((unused)) struct feed *
tfeed(const struct tentry *t, size_t n)
{
	struct feed	*f = feed_new();

	f->title = feed_strdup(f, "Test feed");
	f->link = feed_strdup(f, "https://example.org/");
	f->id = feed_strdup(f, "https://example.org/feed");
	for (size_t i = 0; i < n; i++)
		tfeed_add(f, &t[i]);
	return f;
}

/* A fresh database file under /tmp; *path is to be freed. */
static __attribute__((unused)) struct store *
tstore_open(char **path)
{
	char		 err[256];
	struct store	*st;
	char		 tmpl[] = "/tmp/pactfeed-store-XXXXXX";
	int		 fd;

	if ((fd = mkstemp(tmpl)) == -1) {
		perror("mkstemp");
		exit(1);
	}
	close(fd);
	unlink(tmpl);
	*path = xstrdup(tmpl);
	if ((st = store_open(tmpl, err, sizeof(err))) == NULL) {
		fprintf(stderr, "store_open: %s\n", err);
		exit(1);
	}
	return st;
}

static __attribute__((unused)) void
tstore_remove(const char *path)
{
	char	buf[512];

	unlink(path);
	snprintf(buf, sizeof(buf), "%s-wal", path);
	unlink(buf);
	snprintf(buf, sizeof(buf), "%s-shm", path);
	unlink(buf);
}

/* What a story query returned, copied out of the callback. */
struct tstory {
	int64_t		 id;
	time_t		 updated;
	char		*uid;
	char		*title;
	char		*summary;
	char		*source;
	size_t		 ncarriers;
	char		*carriers;	/* "a,b" */
	char		*topics;	/* "x,y" */
};

struct tstories {
	struct tstory	 v[512];
	size_t		 n;
};

static __attribute__((unused)) void
tcat(char *buf, const char *s, size_t size)
{
	size_t	len = strlen(buf);

	snprintf(buf + len, size - len, "%s", s);
}

static __attribute__((unused)) int
tstories_cb(const struct store_story *s, void *arg)
{
	struct tstories	*ts = arg;
	struct tstory	*t;
	char		 buf[1024];

	if (ts->n == sizeof(ts->v) / sizeof(ts->v[0]))
		return 1;
	t = &ts->v[ts->n++];
	t->id = s->id;
	t->updated = s->updated;
	t->uid = xstrdup(s->uid);
	t->title = xstrdup(s->entry->title ? s->entry->title : "");
	t->summary = xstrdup(s->entry->summary ? s->entry->summary : "");
	t->source = xstrdup(s->source);
	t->ncarriers = s->ncarriers;
	buf[0] = '\0';
	for (size_t i = 0; i < s->ncarriers; i++) {
		if (i > 0)
			tcat(buf, ",", sizeof(buf));
		tcat(buf, s->carriers[i].source, sizeof(buf));
	}
	t->carriers = xstrdup(buf);
	buf[0] = '\0';
	for (size_t i = 0; i < s->entry->ntopics; i++) {
		if (i > 0)
			tcat(buf, ",", sizeof(buf));
		tcat(buf, s->entry->topics[i].id, sizeof(buf));
	}
	t->topics = xstrdup(buf);
	return 0;
}

static __attribute__((unused)) void
tstories_clear(struct tstories *ts)
{
	for (size_t i = 0; i < ts->n; i++) {
		free(ts->v[i].uid);
		free(ts->v[i].title);
		free(ts->v[i].summary);
		free(ts->v[i].source);
		free(ts->v[i].carriers);
		free(ts->v[i].topics);
	}
	ts->n = 0;
}

/* Runs a query into ts (cleared first); returns the count. */
static __attribute__((unused)) size_t
tquery(struct store *st, const struct store_filter *f, struct tstories *ts)
{
	char	err[256];

	tstories_clear(ts);
	if (store_query_stories(st, f, tstories_cb, ts, err,
	    sizeof(err)) == -1) {
		fprintf(stderr, "query: %s\n", err);
		exit(1);
	}
	return ts->n;
}

#endif /* STORE_UTIL_H */
