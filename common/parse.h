#ifndef PARSE_H
#define PARSE_H

/*
 * Bytes as a source served them -> struct feed. RSS 0.90/0.91/0.92/2.0,
 * RSS 1.0, Atom 0.3/1.0 through libxml2's streaming reader (memory grows
 * with the entries kept, not with the document) and JSON Feed 1.0/1.1
 * through jansson. Hostile input is expected: no entity expansion, no
 * DTD or network access, invalid bytes repaired. A document that is
 * broken but recoverable gives a feed with bozo set; one that is not a
 * feed at all (HTML, empty, unrelated XML) gives NULL and a reason.
 */

#include <stddef.h>

struct feed;

struct parse_opts {
	const char	*url;		/* document URL, the base of all links */
	const char	*content_type;	/* HTTP Content-Type, may be NULL */
	size_t		 max_entries;	/* keep at most this many; 0: all */
};

struct feed	*parse_feed(const char *buf, size_t len,
		    const struct parse_opts *, char *err, size_t errlen);

/* The feed as the JSON object of the conformance contract (see
 * doc/pactfeed.8, "parse"); returns a new string. */
char		*parse_feed_json(const struct feed *);

#endif /* PARSE_H */
