#ifndef XMALLOC_H
#define XMALLOC_H

/*
 * Allocation that cannot fail: on exhaustion it calls fatal() and systemd
 * restarts us. Half-handled out-of-memory paths are bugs waiting to happen.
 */

#include <stddef.h>

void	*xmalloc(size_t);
void	*xcalloc(size_t, size_t);
void	*xrealloc(void *, size_t);
void	*xreallocarray(void *, size_t, size_t);
char	*xstrdup(const char *);
char	*xstrndup(const char *, size_t);
char	*xasprintf(const char *, ...) __attribute__((format(printf, 1, 2)));

#endif /* XMALLOC_H */
