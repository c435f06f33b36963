#ifndef RENDER_H
#define RENDER_H

/*
 * The documents we publish, rendered from the store: one Atom page of a
 * feed (RFC 4287, paged per RFC 5005 with keyset cursors), the OPML list
 * of every feed, and the stylesheet browsers apply to a feed. The HTTP
 * server and `pactfeed export` share them, so both write the same bytes
 * for the same store. Nothing here knows about HTTP: a feed is described
 * by a route and parameters, checked here, and errors are one line.
 */

#include <stddef.h>
#include <stdint.h>
#include <time.h>

struct config;
struct store;

#define RENDER_PAGE	50		/* stories per page */
#define RENDER_QUERY_WORDS 16		/* different words in q at most */

enum render_route {
	RENDER_ALL,			/* feed.atom */
	RENDER_TOPIC,			/* topics/{id}.atom */
	RENDER_SOURCE,			/* sources/{id}.atom */
	RENDER_SEARCH			/* search.atom?q= */
};

enum render_cursor {
	RENDER_FIRST,			/* the newest stories */
	RENDER_OLDER,			/* strictly older than (upd, id) */
	RENDER_NEWER			/* the page just newer than it */
};

/* One page of one feed. Strings are owned (render_feed_clear frees). */
struct render_feed {
	enum render_route	 route;
	char			*topic;
	char			*source;
	char			*q;		/* as the reader typed it */
	char			*lang;
	time_t			 since;		/* 0: none */
	enum render_cursor	 cursor;
	time_t			 cursor_updated;
	int64_t			 cursor_id;
	unsigned		 seen;		/* parameters given, a bit
						   each */
};

/* Sets the route from a path relative to base-url ("feed.atom",
 * "topics/x.atom"); -1 when it names no feed. */
int		 render_feed_route(struct render_feed *, const char *path);
/* One parameter: topic, source, q (RENDER_QUERY_WORDS different words
 * at most), lang, since (RFC 3339 or a date) or cursor. -1 with a
 * message for an unknown, repeated, conflicting or malformed one. */
int		 render_feed_param(struct render_feed *, const char *key,
		    const char *value, char *err, size_t errlen);
/* Once every parameter is set: -1 when a topic or source is unknown to
 * the config, or search has no query. *notfound says which of the two
 * (1: unknown topic or source, 0: bad request). */
int		 render_feed_check(const struct render_feed *,
		    const struct config *, int *notfound, char *err,
		    size_t errlen);
void		 render_feed_clear(struct render_feed *);

/* The canonical path and query of a page, relative to base-url; the
 * same page always gives the same string (the HTTP cache key). */
char		*render_feed_path(const struct render_feed *);

/* The Atom document of a page (a new string of *len bytes), or NULL
 * with a message when the store fails. */
char		*render_atom(struct store *, const struct config *,
		    const struct render_feed *, size_t *len, char *err,
		    size_t errlen);

/* OPML 2.0 listing every feed we publish. */
char		*render_opml(const struct config *, size_t *len);
/* Debug view of the stories a feed page would hold (older-than cursor
 * honoured, 50 at most), as JSON: each story's entry, the sources that
 * carried it and every topic with its score and the phrases that fired. */
char		*render_debug_json(struct store *, const struct render_feed *,
		    size_t *len, char *err, size_t errlen);

/* The XSLT stylesheet (static) that lets a browser show a feed. */
const char	*render_feed_xsl(size_t *len);

#endif /* RENDER_H */
