#ifndef WORDS_H
#define WORDS_H

/*
 * Text normalised for matching (tagging, story fingerprints): compatibility
 * forms unfolded as NFKC does ("ﬁ" is "fi", fullwidth "Ｅ" is "e"), case
 * folded ("ß" is "ss"), diacritics stripped, default-ignorable characters
 * (soft hyphen, zero-width space) dropped, then split into words: runs of
 * letters and digits. Everything else (spaces, hyphens, apostrophes,
 * punctuation, symbols) separates words. Unlike UAX #29, apostrophes and
 * dots split ("l'asile" is "l asile", "2024.1" is "2024 1"): both sides
 * of a comparison are split alike, and French elisions come apart. Like
 * UAX #29, each ideograph or kana is a word of its own. Words come out
 * decomposed (NFKD without marks), which only matters to code comparing
 * them with text that did not go through here.
 */

#include <stddef.h>

struct word {
	size_t		 off;	/* into words.text; not NUL-ended */
	size_t		 len;
};

struct words {
	char		*text;	/* the normalised text */
	size_t		 len;
	struct word	*v;
	size_t		 n;
	size_t		 cap;	/* of text */
	size_t		 vcap;	/* of v */
};

/* Normalise and split s (UTF-8, len bytes); appends to w. Invalid UTF-8
 * bytes separate words. */
void	 words_split(struct words *w, const char *s, size_t len);
void	 words_clear(struct words *);	/* empty, keep the memory */
void	 words_free(struct words *);	/* release; w itself is the caller's */

/* Normalise s alone; returns a new string. */
char	*words_normalize(const char *s, size_t len);

#endif /* WORDS_H */
