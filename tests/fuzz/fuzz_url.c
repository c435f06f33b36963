/*
 * libFuzzer target for url.c. The input is a base and a reference split
 * at the first newline (no newline: the whole input is both). Besides
 * not crashing, it checks what url.h promises: url_canonical is
 * idempotent, yields ASCII and agrees with url_is_http; url_resolve
 * yields cleaned text, resolving an absolute result again against
 * nothing changes nothing, and a ref url_is_plain_absolute takes
 * resolves to itself.
 */

#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "url.h"
#include "xmalloc.h"

int	LLVMFuzzerTestOneInput(const uint8_t *, size_t);

static void
fuzz_url_canonical(const char *s)
{
	char		*c, *again;
	const char	*p;

	c = url_canonical(s);
	if (url_is_http(s) != (c != NULL))
		abort();
	if (c == NULL)
		return;
	for (p = c; *p != '\0'; p++)
		if ((unsigned char)*p >= 0x80 || (unsigned char)*p <= 0x20)
			abort();
	if (strncmp(c, "https://", 8) != 0 || strchr(c, '#') != NULL)
		abort();
	again = url_canonical(c);
	if (again == NULL || strcmp(again, c) != 0)
		abort();
	free(again);
	free(c);
}

/* A plain absolute ref resolves to itself, as the parser takes it to
 * without asking; also on the full path (a trailing no-break space keeps
 * it off the fast one, and cleaning trims it). */
static void
fuzz_url_plain(const char *base, const char *ref)
{
	size_t	 n = strlen(ref);
	char	*slow, *r;

	slow = xmalloc(n + 3);
	memcpy(slow, ref, n);
	memcpy(slow + n, "\xc2\xa0", 3);
	r = url_resolve(base, slow);
	if (r == NULL || strcmp(r, ref) != 0)
		abort();
	free(r);
	free(slow);
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	char		*s, *base, *ref, *nl, *r, *r2;
	const char	*p;

	s = xmalloc(size + 1);
	memcpy(s, data, size);
	s[size] = '\0';		/* an inner NUL just ends the string early */
	base = s;
	ref = s;
	if ((nl = strchr(s, '\n')) != NULL) {
		*nl = '\0';
		ref = nl + 1;
	}
	fuzz_url_canonical(base);
	fuzz_url_canonical(ref);
	r = url_resolve(base, ref);
	if (r != NULL) {
		/* cleaned: no blank at the ends, no ASCII a URI cannot hold */
		for (p = r; *p != '\0'; p++)
			if ((unsigned char)*p <= 0x20 || *p == 0x7f ||
			    strchr("\"<>\\^`{|}", *p) != NULL)
				abort();
		fuzz_url_canonical(r);
		if (url_is_http(r)) {
			r2 = url_resolve(NULL, r);
			if (r2 == NULL || strcmp(r, r2) != 0)
				abort();
			free(r2);
		}
		free(r);
	}
	free(url_resolve(NULL, ref));
	if (url_is_plain_absolute(ref))
		fuzz_url_plain(base, ref);
	free(s);
	return 0;
}
