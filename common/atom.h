#ifndef ATOM_H
#define ATOM_H

/*
 * The Atom documents we publish (RFC 4287, paged per RFC 5005), written
 * with libxml2's xmlTextWriter. One story is one entry: the first
 * entry's original id, its title as text only, sanitised summary and
 * content with absolute links, one category per topic, the original feed
 * as atom:source and every other source that carried the story as a
 * related link.
 */

#include <stddef.h>
#include <time.h>

struct config;
struct store_story;
struct atom_writer;

/* What the feed element says about this page. Strings are borrowed. */
struct atom_page {
	const char	*id;		/* stable IRI of the feed */
	const char	*title;
	const char	*subtitle;	/* may be NULL */
	const char	*self;		/* absolute URL of this page */
	const char	*alternate;	/* the HTML page, may be NULL */
	const char	*first;		/* RFC 5005; NULL when single page */
	const char	*next;		/* older stories; NULL on the last */
	const char	*previous;	/* NULL on the first page */
	time_t		 updated;	/* used when the page has no story */
};

/* cfg gives base-url, the generator's name and the topics' names. */
struct atom_writer *atom_new(const struct config *cfg);
void		 atom_free(struct atom_writer *);
/* Writes one entry; call in feed order. */
void		 atom_add_story(struct atom_writer *, const struct store_story *);
/* The whole document (a new string, *len bytes); the writer is spent. */
char		*atom_finish(struct atom_writer *, const struct atom_page *,
		    size_t *len);

#endif /* ATOM_H */
