#ifndef ENTRY_H
#define ENTRY_H

/*
 * The model every stage passes on: what a source published, as parsed
 * (parse.c) or scraped (scrape.c). A struct feed owns everything it points
 * to; strings live in its arena and die with feed_free(). Strings are valid
 * UTF-8 without NUL bytes, links are absolute (resolved against xml:base and
 * the document URL) but not canonical: the store canonicalises for identity.
 * Absent values are NULL, absent dates DATE_NONE.
 */

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <time.h>

#define DATE_NONE	((time_t)INT64_MIN)

/* How a text construct's value is to be read. */
enum text_type {
	TEXT_PLAIN,		/* plain text, no markup */
	TEXT_HTML,		/* HTML source (Atom type="html", RSS) */
	TEXT_XHTML		/* serialised XHTML children of the div */
};

enum feed_format {
	FEED_UNKNOWN,
	FEED_RSS090,
	FEED_RSS091,
	FEED_RSS092,
	FEED_RSS20,		/* also 0.93, 0.94 and versionless <rss> */
	FEED_RSS10,
	FEED_ATOM03,
	FEED_ATOM10,
	FEED_JSON10,
	FEED_JSON11,
	FEED_HTML		/* scraped listing page */
};

struct person {
	const char	*name;
	const char	*email;
	const char	*uri;
};

struct category {
	const char	*term;
	const char	*scheme;
	const char	*label;
};

struct link {
	const char	*href;		/* absolute */
	const char	*rel;		/* "alternate" when not written */
	const char	*type;
	const char	*title;
	const char	*length;
	const char	*hreflang;
};

struct enclosure {
	const char	*href;
	const char	*type;
	const char	*length;	/* as written */
};

/* A Pact topic the tagger found in an entry. */
struct entry_topic {
	const char	*id;		/* topic id, as in topics.conf */
	double		 score;
	const char	*why;		/* the phrases that fired, for humans */
};

/* One item of a feed. */
struct entry {
	const char	*id;		/* Atom id, RSS guid, RDF rdf:about */
	bool		 guid_permalink; /* RSS guid without isPermaLink="false" */
	const char	*title;
	enum text_type	 title_type;
	const char	*link;		/* the alternate link, absolute */
	time_t		 published;
	time_t		 updated;
	const char	*summary;
	enum text_type	 summary_type;
	const char	*content;
	enum text_type	 content_type;
	const char	*base;		/* URL that relative links in summary
					   and content resolve against */
	const char	*lang;		/* xml:lang, dc:language, inherited */
	struct person	*authors;
	size_t		 nauthors;
	struct category	*categories;
	size_t		 ncategories;
	struct link	*links;
	size_t		 nlinks;
	struct enclosure *enclosures;
	size_t		 nenclosures;
	struct entry_topic *topics;	/* filled by the tagger */
	size_t		 ntopics;
};

struct feed {
	enum feed_format format;
	bool		 bozo;		/* broken but recovered */
	const char	*bozo_reason;	/* one line, when bozo */
	const char	*title;
	enum text_type	 title_type;
	const char	*subtitle;
	enum text_type	 subtitle_type;
	const char	*link;
	const char	*id;
	const char	*lang;
	time_t		 updated;
	time_t		 published;
	struct person	*authors;
	size_t		 nauthors;
	struct category	*categories;
	size_t		 ncategories;
	struct link	*links;
	size_t		 nlinks;
	struct entry	*entries;	/* document order */
	size_t		 nentries;
	size_t		 nskipped;	/* entries dropped (over the limit) */

	/* Publisher's hints for the scheduler; 0 when absent. */
	int		 ttl;		/* RSS ttl, seconds */
	int		 update_period;	/* sy:updatePeriod/Frequency, seconds */
	uint32_t	 skip_hours;	/* bit h: skip hour h (UTC) */
	uint8_t		 skip_days;	/* bit d: skip day d, 0 = Sunday */

	struct feed_arena *arena;
};

struct feed	*feed_new(void);
void		 feed_free(struct feed *);

/* Copies into the feed's arena; NULL in, NULL out. */
const char	*feed_strdup(struct feed *, const char *);
const char	*feed_strndup(struct feed *, const char *, size_t);

/* Appenders: each returns a zeroed element (dates DATE_NONE) that stays
 * valid until the next append to the same array. */
struct entry	*feed_add_entry(struct feed *);
struct person	*feed_add_author(struct feed *, struct entry *);
struct category	*feed_add_category(struct feed *, struct entry *);
struct link	*feed_add_link(struct feed *, struct entry *);
struct enclosure *feed_add_enclosure(struct entry *);
struct entry_topic *feed_add_topic(struct entry *);

/* Keeps the entries for which keep() is true, in order; returns how many
 * were dropped. */
size_t		 feed_filter_entries(struct feed *,
		    bool (*keep)(const struct entry *, void *), void *arg);

const char	*feed_format_name(enum feed_format);
const char	*text_type_name(enum text_type);

#endif /* ENTRY_H */
