#ifndef TEXT_H
#define TEXT_H

/*
 * Byte and string helpers: a growable buffer, UTF-8 validation and repair
 * (every string we hand on is valid UTF-8 without NUL or XML-forbidden
 * control characters), whitespace trimming.
 */

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

struct buf {
	char	*s;		/* always NUL-terminated once written */
	size_t	 len;
	size_t	 cap;
};

void	 buf_add(struct buf *, const char *, size_t);
void	 buf_adds(struct buf *, const char *);
void	 buf_addc(struct buf *, char);
void	 buf_printf(struct buf *, const char *, ...)
	    __attribute__((format(printf, 2, 3)));
void	 buf_reset(struct buf *);	/* empty, keep the memory */
void	 buf_free(struct buf *);
char	*buf_release(struct buf *);	/* the string; buf is emptied */

/* True when s is valid UTF-8 without NUL or C0 controls other than tab,
 * LF and CR: what XML allows and every string we hand on must be. */
bool	 text_is_clean(const char *s, size_t len);
/* Length of the valid UTF-8 prefix of s. */
size_t	 text_utf8_valid_len(const char *s, size_t len);
/* s with every invalid sequence replaced by U+FFFD and NUL and C0
 * controls other than tab, LF and CR dropped; appended to out. Returns
 * the number of replacements made. */
size_t	 text_utf8_repair(struct buf *out, const char *s, size_t len);
/* [*s, *s + *len) without leading and trailing ASCII whitespace. */
void	 text_trim(const char **s, size_t *len);
bool	 text_is_blank(const char *);
/* A 64-bit hash of len bytes, continuing from seed (0 to start): for
 * telling the same bytes again, not against an adversary. */
uint64_t text_hash(uint64_t seed, const void *, size_t len);

/* splitmix64's finaliser: every input bit moves every output bit.
 * Inline: the store's fingerprints call it per word. */
static inline uint64_t
text_mix(uint64_t x)
{
	x ^= x >> 30;
	x *= UINT64_C(0xbf58476d1ce4e5b9);
	x ^= x >> 27;
	x *= UINT64_C(0x94d049bb133111eb);
	return x ^ (x >> 31);
}

#endif /* TEXT_H */
