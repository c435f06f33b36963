/*
 * Growable buffers and UTF-8 hygiene. The repair routine is what lets a
 * feed with stray Latin-1 bytes in a UTF-8 document still parse: invalid
 * sequences become U+FFFD instead of stopping libxml2.
 */

#include "text.h"

#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "xmalloc.h"

static void
buf_grow(struct buf *b, size_t more)
{
	size_t	need = b->len + more + 1;

	if (need <= b->cap)
		return;
	b->cap = b->cap < 64 ? 64 : b->cap;
	while (b->cap < need)
		b->cap *= 2;
	b->s = xrealloc(b->s, b->cap);
}

void
buf_add(struct buf *b, const char *s, size_t n)
{
	buf_grow(b, n);
	memcpy(b->s + b->len, s, n);
	b->len += n;
	b->s[b->len] = '\0';
}

void
buf_adds(struct buf *b, const char *s)
{
	buf_add(b, s, strlen(s));
}

void
buf_addc(struct buf *b, char c)
{
	buf_grow(b, 1);
	b->s[b->len++] = c;
	b->s[b->len] = '\0';
}

void
buf_printf(struct buf *b, const char *fmt, ...)
{
	va_list	ap;
	int	n;

	va_start(ap, fmt);
	n = vsnprintf(NULL, 0, fmt, ap);
	va_end(ap);
	if (n <= 0)
		return;
	buf_grow(b, n);
	va_start(ap, fmt);
	vsnprintf(b->s + b->len, n + 1, fmt, ap);
	va_end(ap);
	b->len += n;
}

void
buf_reset(struct buf *b)
{
	b->len = 0;
	if (b->s != NULL)
		b->s[0] = '\0';
}

void
buf_free(struct buf *b)
{
	free(b->s);
	b->s = NULL;
	b->len = b->cap = 0;
}

char *
buf_release(struct buf *b)
{
	char	*s = b->s != NULL ? b->s : xstrdup("");

	b->s = NULL;
	b->len = b->cap = 0;
	return s;
}

/* Length of the valid UTF-8 sequence at p (RFC 3629: no overlongs, no
 * surrogates, nothing above U+10FFFF), or 0. */
static size_t
text_utf8_seq(const unsigned char *p, size_t left)
{
	if (p[0] < 0x80)
		return 1;
	if (p[0] >= 0xc2 && p[0] <= 0xdf)
		return left >= 2 && (p[1] & 0xc0) == 0x80 ? 2 : 0;
	if (p[0] >= 0xe0 && p[0] <= 0xef) {
		if (left < 3 || (p[1] & 0xc0) != 0x80 || (p[2] & 0xc0) != 0x80)
			return 0;
		if (p[0] == 0xe0 && p[1] < 0xa0)
			return 0;
		if (p[0] == 0xed && p[1] >= 0xa0)
			return 0;
		return 3;
	}
	if (p[0] >= 0xf0 && p[0] <= 0xf4) {
		if (left < 4 || (p[1] & 0xc0) != 0x80 ||
		    (p[2] & 0xc0) != 0x80 || (p[3] & 0xc0) != 0x80)
			return 0;
		if (p[0] == 0xf0 && p[1] < 0x90)
			return 0;
		if (p[0] == 0xf4 && p[1] >= 0x90)
			return 0;
		return 4;
	}
	return 0;
}

size_t
text_utf8_valid_len(const char *s, size_t len)
{
	const unsigned char	*p = (const unsigned char *)s;
	size_t			 i = 0, n;
	uint64_t		 w;

	while (i < len) {
		/* Eight ASCII bytes at a time: most text is ASCII. */
		if (len - i >= 8) {
			memcpy(&w, p + i, 8);
			if ((w & UINT64_C(0x8080808080808080)) == 0) {
				i += 8;
				continue;
			}
		}
		if (p[i] < 0x80) {
			i++;
			continue;
		}
		if ((n = text_utf8_seq(p + i, len - i)) == 0)
			break;
		i += n;
	}
	return i;
}

size_t
text_utf8_repair(struct buf *out, const char *s, size_t len)
{
	const unsigned char	*p = (const unsigned char *)s;
	size_t			 i = 0, run = 0, n, fixed = 0;

	buf_grow(out, len);
	while (i < len) {
		if (p[i] >= 0x20 && p[i] < 0x80) {
			i++;
			run++;
			continue;
		}
		if (p[i] == '\t' || p[i] == '\n' || p[i] == '\r') {
			i++;
			run++;
			continue;
		}
		if (p[i] >= 0x80 && (n = text_utf8_seq(p + i, len - i)) > 0) {
			i += n;
			run += n;
			continue;
		}
		buf_add(out, (const char *)p + i - run, run);
		run = 0;
		if (p[i] >= 0x80) {
			buf_add(out, "\xef\xbf\xbd", 3);
			fixed++;
		}
		/* NUL and C0 controls are dropped: XML forbids them. */
		i++;
	}
	buf_add(out, (const char *)p + i - run, run);
	return fixed;
}

/* Non-zero when one of the eight bytes of w has its high bit set or is
 * below 0x20 (it may also flag a byte just above one of those, which
 * the byte-wise check then clears). */
static uint64_t
text_odd8(uint64_t w)
{
	return (w | ((w - UINT64_C(0x2020202020202020)) & ~w)) &
	    UINT64_C(0x8080808080808080);
}

bool
text_is_clean(const char *s, size_t len)
{
	const unsigned char	*p = (const unsigned char *)s;
	size_t			 i = 0, n;
	uint64_t		 w, x[4];

	while (i < len) {
		/* Long plain runs, the usual case: 32 bytes a step. */
		if (len - i >= 32) {
			memcpy(x, p + i, 32);
			if ((text_odd8(x[0]) | text_odd8(x[1]) |
			    text_odd8(x[2]) | text_odd8(x[3])) == 0) {
				i += 32;
				continue;
			}
		}
		if (len - i >= 8) {
			memcpy(&w, p + i, 8);
			/* No high bit and no byte below 0x20 in eight. */
			if (((w | ((w - UINT64_C(0x2020202020202020)) & ~w)) &
			    UINT64_C(0x8080808080808080)) == 0) {
				i += 8;
				continue;
			}
		}
		if (p[i] >= 0x20 && p[i] < 0x80) {
			i++;
			continue;
		}
		if (p[i] < 0x20) {
			if (p[i] != '\t' && p[i] != '\n' && p[i] != '\r')
				return false;
			i++;
			continue;
		}
		if ((n = text_utf8_seq(p + i, len - i)) == 0)
			return false;
		i += n;
	}
	return true;
}

void
text_trim(const char **s, size_t *len)
{
	const char	*p = *s;
	size_t		 n = *len;

	while (n > 0 && (*p == ' ' || *p == '\t' || *p == '\n' || *p == '\r')) {
		p++;
		n--;
	}
	while (n > 0 && (p[n - 1] == ' ' || p[n - 1] == '\t' ||
	    p[n - 1] == '\n' || p[n - 1] == '\r'))
		n--;
	*s = p;
	*len = n;
}

bool
text_is_blank(const char *s)
{
	if (s == NULL)
		return true;
	for (; *s != '\0'; s++)
		if (*s != ' ' && *s != '\t' && *s != '\n' && *s != '\r')
			return false;
	return true;
}

uint64_t
text_hash(uint64_t seed, const void *p, size_t len)
{
	const unsigned char	*s = p;
	uint64_t		 h = text_mix(seed ^ (len *
				    UINT64_C(0x9e3779b97f4a7c15)));
	uint64_t		 w;

	/* Eight bytes a step: a 45 kB feed in about 30k instructions. */
	for (; len >= 8; s += 8, len -= 8) {
		memcpy(&w, s, 8);
		h = (h ^ text_mix(w)) * UINT64_C(0x9e3779b97f4a7c15);
	}
	w = 0;
	if (len > 0)
		memcpy(&w, s, len);
	return text_mix(h ^ text_mix(w ^ len));
}
