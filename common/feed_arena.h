#ifndef FEED_ARENA_H
#define FEED_ARENA_H

/*
 * The feed's arena for a builder that writes a string in place (the
 * parser copies a value straight from libxml2's node instead of through
 * a scratch buffer): bytes handed out, and the tail of the last bytes
 * handed out given back. Everything else goes through entry.h.
 */

#include <stddef.h>

struct feed;

/* n bytes, unaligned, valid until feed_free(). */
char	*feed_arena_alloc(struct feed *, size_t n);

/* Gives back the n bytes at p when they are the end of the latest
 * allocation (a string trimmed or abandoned before anything else was
 * allocated); otherwise they stay, unused, until feed_free(). */
void	 feed_arena_unalloc(struct feed *, const char *p, size_t n);

#endif /* FEED_ARENA_H */
