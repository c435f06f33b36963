/*
 * Fuzz date.c. The input is a date string; if it holds a newline, the
 * first line is a strptime-style format and the rest the string for
 * date_parse_format(). Beyond not crashing, whatever parses must be in
 * range and survive a round trip through both writers unchanged, and the
 * fast path of date_parse() must agree with the full parse (a leading
 * blank keeps a string off the fast path).
 */

#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "date.h"
#include "entry.h"

int	LLVMFuzzerTestOneInput(const uint8_t *, size_t);

static void
fuzz_date_check(time_t t)
{
	char	buf[DATE_HTTPLEN];

	if (t == DATE_NONE)
		return;
	date_format(t, buf, sizeof(buf));
	if (strlen(buf) != DATE_STRLEN - 1 || date_parse(buf) != t)
		abort();
	date_format_http(t, buf, sizeof(buf));
	if (strlen(buf) != DATE_HTTPLEN - 1 || date_parse(buf) != t)
		abort();
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	char	*blank, *s, *nl;
	time_t	 t;

	if (size > 4096)
		return 0;
	blank = malloc(size + 2);
	if (blank == NULL)
		return 0;
	blank[0] = ' ';
	s = blank + 1;
	memcpy(s, data, size);
	s[size] = '\0';
	t = date_parse(s);
	if (t != date_parse(blank))
		abort();
	fuzz_date_check(t);
	if ((nl = strchr(s, '\n')) != NULL) {
		*nl = '\0';
		fuzz_date_check(date_parse_format(nl + 1, s));
	}
	free(blank);
	return 0;
}
