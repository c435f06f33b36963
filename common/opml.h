#ifndef OPML_H
#define OPML_H

/*
 * OPML 2.0 subscription lists, the format feed readers exchange: read
 * with libxml2 (no network, no DTD, no entities) into plain outlines, and
 * written from the configured sources with xmlTextWriter. A source id is
 * derived from an outline's title, unique among the ids already taken.
 */

#include <stddef.h>
#include <time.h>

struct source;

/* One outline that is not only a folder. Strings are owned by the
 * struct opml holding it. */
struct opml_outline {
	char	*title;		/* title, else text; or NULL */
	char	*xml_url;	/* the feed; NULL: the outline has none */
	char	*html_url;	/* the site; NULL: none */
	long	 line;
};

struct opml {
	char			*title;	/* head/title; NULL: none */
	struct opml_outline	*v;
	size_t			 n;
};

/* Reads an OPML document of len bytes. Folders (outlines holding other
 * outlines and no xmlUrl) are walked, not returned; every other outline
 * is, in document order, xml_url NULL where it names no feed. Returns
 * NULL with the reason in err when buf is not well-formed XML, not OPML,
 * has no body, carries a DTD, or nests outlines too deep. */
struct opml	*opml_read(const char *buf, size_t len, char *err,
		    size_t errlen);
void		 opml_free(struct opml *);

/* The OPML 2.0 document of n sources: a "rss" outline for each feed
 * source, a "link" outline for each scraped page. dateCreated is now
 * unless 0. Returns a new NUL-terminated string (length in *lenp), or
 * NULL with the reason in err. */
char		*opml_write(const struct source *, size_t n,
		    const char *title, time_t now, size_t *lenp, char *err,
		    size_t errlen);

/* A new source id from title (else from url's host), made of lower-case
 * letters, digits and "-", at most 40 bytes, and unlike each of the
 * ntaken ids in taken (compared without case): "-2", "-3", ... is added
 * when needed. Returns a new string. */
char		*opml_make_id(const char *title, const char *url,
		    const char *const *taken, size_t ntaken);

#endif /* OPML_H */
