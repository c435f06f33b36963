#ifndef TAG_H
#define TAG_H

/*
 * The topic tagger: which Pact topics (topics.conf) an entry is about,
 * and which phrases said so.
 *
 * Phrase syntax (the strings of a topic's phrases and vetoes):
 *
 *   screening regulation	words in a row, matched against the words of
 *				one field (title, summary or content) after
 *				both went through words.h: case, diacritics,
 *				ligatures, hyphens and punctuation do not
 *				matter ("eu-LISA" is "eu lisa", "Überstellung"
 *				is "uberstellung", "ß" is "ss")
 *   relocat*			a word ending in "*" matches every word it
 *				begins (relocation, relocated, relocating);
 *				without "*" a word matches only itself:
 *				"return" never matches "returned"
 *   frontex^0.5		"^W" at the end: the phrase's weight
 *				(default 1, 0 < W <= 10); not on vetoes
 *   ~migrant*^0.5		phrases only: "~" first makes a context
 *				phrase, which never tags on its own (below)
 *   !cancer			vetoes only: "!" first vetoes the topic for
 *				the whole entry
 *
 * Scoring. A phrase occurrence counts 1.5 in the title, 1 in the first
 * TAG_LEAD words of the summary or content, 0.5 deeper in. A phrase's
 * contribution is its weight times the sum of its occurrences' factors,
 * that sum capped at 1.5; a topic's score is the sum of its phrases'
 * contributions, its context phrases' share capped at 0.5, and the
 * entry gets the topic when the score reaches 1. Where occurrences of a
 * topic's phrases overlap, only the heaviest counts (then the longest),
 * and context inside a phrase that counts does not: one stretch of text
 * is one piece of evidence.
 * So a weight-1 phrase tags on its own in the title or lead, or twice
 * deeper in; a weight-0.5 phrase never tags alone, only with another.
 * Context phrases count only along with a non-context one; and in a
 * topic that has context phrases, phrases lighter than 1 count only
 * along with a context phrase ("children" for vulnerable persons needs
 * "migrants" or "refugees" nearby; "unaccompanied minors" does not).
 *
 * Vetoes. A veto occurrence cancels every occurrence of the same topic's
 * phrases that overlaps it ("cross-border trade" cancels "border" inside
 * it, "cancer screening" cancels "screening"), wherever else they occur.
 * A "!" veto anywhere in the entry cancels the topic.
 *
 * Cost: one pass over the words of each field for all topics at once (a
 * trie of phrase characters, entered at each word), linear in the text
 * and independent of the number of topics. The language of the entry is
 * not used: phrases of every language apply to every text.
 */

#include <stdbool.h>
#include <stddef.h>

#define TAG_LEAD	150	/* words of summary or content at full weight */
#define TAG_THRESHOLD	1.0

struct entry;
struct feed;
struct topic;
struct tagger;

/* What to tag: any field may be NULL. */
struct tag_doc {
	const char	*title;
	bool		 title_html;
	const char	*summary;
	bool		 summary_html;	/* markup to skip, entities to decode */
	const char	*content;
	bool		 content_html;
};

/* A topic found. */
struct tag_hit {
	size_t		 topic;		/* index into tag_new()'s array */
	const char	*id;		/* borrowed from the tagger */
	double		 score;
	const char	*why;		/* "phrase (title), phrase (summary)";
					   NULL unless TAG_EXPLAIN */
};

#define TAG_EXPLAIN	0x1

/* Compiles every topic's phrases and vetoes. On a bad phrase returns NULL
 * with "FILE:LINE: topic ID: phrase \"P\": problem" in err. The tagger
 * copies what it needs: topics may be freed afterwards. */
struct tagger	*tag_new(const struct topic *, size_t, char *err,
		    size_t errlen);
void		 tag_free(struct tagger *);

/* Tags one document. Returns the number of topics found, in topic order,
 * and sets *hits to them; both stay valid until the next call on the
 * tagger, which owns the memory (one tagger per thread). */
size_t		 tag_doc(struct tagger *, const struct tag_doc *, int flags,
		    const struct tag_hit **hits);

/* Sets entry->topics (with why) from its title, summary and content,
 * replacing what was there; strings go to the feed's arena. Returns the
 * number of topics. */
size_t		 tag_entry(struct tagger *, struct feed *, struct entry *);
/* tag_entry() on every entry; returns how many got a topic. */
size_t		 tag_feed(struct tagger *, struct feed *);

size_t		 tag_ntopics(const struct tagger *);
const char	*tag_topic_id(const struct tagger *, size_t);

#endif /* TAG_H */
