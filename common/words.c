/*
 * Normalisation and word splitting for matching. ASCII takes a fast path
 * (lower-case letters and digits, everything else separates); other code
 * points go through utf8proc one at a time: compatibility decomposition,
 * case folding, marks stripped, ignorables dropped. Both sides of every
 * comparison (topic phrases and entry text, two entries' titles) go
 * through this one function, so the decomposed form is consistent.
 */

#include "words.h"

#include <stdbool.h>
#include <stdlib.h>
#include <string.h>

#include <utf8proc.h>

#include "xmalloc.h"

#define WORDS_OPTIONS	(UTF8PROC_DECOMPOSE | UTF8PROC_COMPAT | \
			 UTF8PROC_CASEFOLD | UTF8PROC_STRIPMARK | UTF8PROC_IGNORE)

static void
words_reserve(struct words *w, size_t more)
{
	size_t	need = w->len + more + 1;

	if (need > w->cap) {
		w->cap = need < 256 ? 256 : need * 2;
		w->text = xrealloc(w->text, w->cap);
	}
}

static void
words_push(struct words *w, size_t off, size_t len)
{
	if (w->n == w->vcap) {
		w->vcap = w->vcap < 32 ? 32 : w->vcap * 2;
		w->v = xreallocarray(w->v, w->vcap, sizeof(*w->v));
	}
	w->v[w->n].off = off;
	w->v[w->n].len = len;
	w->n++;
}

static bool
words_is_wordchar(utf8proc_int32_t c)
{
	switch (utf8proc_category(c)) {
	case UTF8PROC_CATEGORY_LU:
	case UTF8PROC_CATEGORY_LL:
	case UTF8PROC_CATEGORY_LT:
	case UTF8PROC_CATEGORY_LM:
	case UTF8PROC_CATEGORY_LO:
	case UTF8PROC_CATEGORY_ND:
	case UTF8PROC_CATEGORY_NL:
	case UTF8PROC_CATEGORY_NO:
	case UTF8PROC_CATEGORY_MN:	/* marks kept by scripts that need them */
	case UTF8PROC_CATEGORY_MC:
		return true;
	default:
		return false;
	}
}

/* ASCII letters and digits as they are written out (lower case); 0 for
 * the rest, which separates words. */
static const unsigned char words_ascii[128] = {
	['0'] = '0', ['1'] = '1', ['2'] = '2', ['3'] = '3', ['4'] = '4',
	['5'] = '5', ['6'] = '6', ['7'] = '7', ['8'] = '8', ['9'] = '9',
	['a'] = 'a', ['b'] = 'b', ['c'] = 'c', ['d'] = 'd', ['e'] = 'e',
	['f'] = 'f', ['g'] = 'g', ['h'] = 'h', ['i'] = 'i', ['j'] = 'j',
	['k'] = 'k', ['l'] = 'l', ['m'] = 'm', ['n'] = 'n', ['o'] = 'o',
	['p'] = 'p', ['q'] = 'q', ['r'] = 'r', ['s'] = 's', ['t'] = 't',
	['u'] = 'u', ['v'] = 'v', ['w'] = 'w', ['x'] = 'x', ['y'] = 'y',
	['z'] = 'z',
	['A'] = 'a', ['B'] = 'b', ['C'] = 'c', ['D'] = 'd', ['E'] = 'e',
	['F'] = 'f', ['G'] = 'g', ['H'] = 'h', ['I'] = 'i', ['J'] = 'j',
	['K'] = 'k', ['L'] = 'l', ['M'] = 'm', ['N'] = 'n', ['O'] = 'o',
	['P'] = 'p', ['Q'] = 'q', ['R'] = 'r', ['S'] = 's', ['T'] = 't',
	['U'] = 'u', ['V'] = 'v', ['W'] = 'w', ['X'] = 'x', ['Y'] = 'y',
	['Z'] = 'z',
};

/* Scripts written without spaces between words: each ideograph or kana
 * is a word (UAX #29 does the same for ideographs). */
static bool
words_is_ideograph(utf8proc_int32_t c)
{
	return (c >= 0x3040 && c <= 0x30ff) ||		/* kana */
	    (c >= 0x3400 && c <= 0x4dbf) ||		/* CJK ext. A */
	    (c >= 0x4e00 && c <= 0x9fff) ||		/* CJK unified */
	    (c >= 0xf900 && c <= 0xfaff) ||		/* compatibility */
	    (c >= 0x20000 && c <= 0x3ffff);		/* ext. B and on */
}

void
words_split(struct words *w, const char *s, size_t len)
{
	const unsigned char	*p = (const unsigned char *)s;
	const unsigned char	*end = p + len;
	utf8proc_int32_t	 c, out[32];
	utf8proc_ssize_t	 n, k;
	size_t			 start = 0;
	bool			 inword = false;

	/* Normalising never grows ASCII; other text at most ~4x per char,
	 * and words_reserve is called again for those below. */
	words_reserve(w, len + 2);
	if (w->len > 0)
		w->text[w->len++] = ' ';
	while (p < end) {
		if (*p < 0x80) {
			unsigned char	ch = words_ascii[*p++];

			if (ch != 0) {
				if (!inword) {
					start = w->len;
					inword = true;
				}
				w->text[w->len++] = ch;
			} else if (inword) {
				words_push(w, start, w->len - start);
				w->text[w->len++] = ' ';
				inword = false;
			}
			continue;
		}
		n = utf8proc_iterate(p, end - p, &c);
		if (n <= 0) {
			p++;		/* an invalid byte separates words */
			k = 1;
			out[0] = ' ';
		} else {
			p += n;
			k = utf8proc_decompose_char(c, out, 32, WORDS_OPTIONS,
			    NULL);
			if (k < 0 || k > 32) {
				out[0] = ' ';
				k = 1;
			}
		}
		for (utf8proc_ssize_t i = 0; i < k; i++) {
			if (words_is_ideograph(out[i])) {
				/* A word of its own, as in UAX #29. */
				words_reserve(w, 6 + (size_t)(end - p) + 1);
				if (inword) {
					words_push(w, start, w->len - start);
					w->text[w->len++] = ' ';
				}
				start = w->len;
				w->len += utf8proc_encode_char(out[i],
				    (utf8proc_uint8_t *)w->text + w->len);
				words_push(w, start, w->len - start);
				w->text[w->len++] = ' ';
				inword = false;
			} else if (words_is_wordchar(out[i])) {
				/* Room for this char and ASCII to the end. */
				words_reserve(w, 4 + (size_t)(end - p) + 1);
				if (!inword) {
					start = w->len;
					inword = true;
				}
				w->len += utf8proc_encode_char(out[i],
				    (utf8proc_uint8_t *)w->text + w->len);
			} else if (inword) {
				words_push(w, start, w->len - start);
				words_reserve(w, 1 + (size_t)(end - p) + 1);
				w->text[w->len++] = ' ';
				inword = false;
			}
		}
	}
	if (inword)
		words_push(w, start, w->len - start);
	w->text[w->len] = '\0';
}

void
words_clear(struct words *w)
{
	w->len = 0;
	w->n = 0;
	if (w->text != NULL)
		w->text[0] = '\0';
}

void
words_free(struct words *w)
{
	if (w == NULL)
		return;
	free(w->text);
	free(w->v);
	memset(w, 0, sizeof(*w));
}

char *
words_normalize(const char *s, size_t len)
{
	struct words	 w = { 0 };
	char		*out;

	words_split(&w, s, len);
	/* The words joined by single spaces. */
	out = xmalloc(w.len + 1);
	size_t	o = 0;
	for (size_t i = 0; i < w.n; i++) {
		if (i > 0)
			out[o++] = ' ';
		memcpy(out + o, w.text + w.v[i].off, w.v[i].len);
		o += w.v[i].len;
	}
	out[o] = '\0';
	words_free(&w);
	return out;
}
