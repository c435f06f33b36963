/*
 * libFuzzer target for opml.c. The input is an OPML document. Besides
 * not crashing, it checks what opml.h promises: every outline read has a
 * line, an id made from each title is within 40 bytes of [a-z0-9-] and
 * unlike those made before it, and the feeds written out as OPML read
 * back as the same number of outlines with the same URLs.
 */

#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "config.h"
#include "opml.h"
#include "xmalloc.h"

int	LLVMFuzzerTestOneInput(const uint8_t *, size_t);

static void
fuzz_opml_ids(const struct opml *o)
{
	const char	**ids;
	const char	 *p;
	size_t		  i, j;

	ids = xcalloc(o->n + 1, sizeof(*ids));
	for (i = 0; i < o->n; i++) {
		ids[i] = opml_make_id(o->v[i].title, o->v[i].xml_url, ids, i);
		if (strlen(ids[i]) == 0 || strlen(ids[i]) > 40)
			abort();
		for (p = ids[i]; *p != '\0'; p++)
			if (!((*p >= 'a' && *p <= 'z') ||
			    (*p >= '0' && *p <= '9') || *p == '-'))
				abort();
		for (j = 0; j < i; j++)
			if (strcmp(ids[i], ids[j]) == 0)
				abort();
	}
	for (i = 0; i < o->n; i++)
		free((char *)ids[i]);
	free(ids);
}

static void
fuzz_opml_write(const struct opml *o)
{
	struct source	*src;
	struct opml	*back;
	char		*out, err[256];
	size_t		 i, n = 0, len;

	src = xcalloc(o->n + 1, sizeof(*src));
	for (i = 0; i < o->n; i++) {
		if (o->v[i].xml_url == NULL)
			continue;
		src[n].id = "x";
		src[n].title = o->v[i].title;
		src[n].url = o->v[i].xml_url;
		n++;
	}
	if ((out = opml_write(src, n, NULL, 0, &len, err,
	    sizeof(err))) == NULL)
		abort();
	if ((back = opml_read(out, len, err, sizeof(err))) == NULL)
		abort();
	if (back->n != n)
		abort();
	for (i = 0; i < n; i++)
		if (back->v[i].xml_url == NULL ||
		    strcmp(back->v[i].xml_url, src[i].url) != 0)
			break;
	/* Values are trimmed on reading, and libxml2 normalises
	 * attribute whitespace: only a URL without spaces must survive. */
	if (i < n && strpbrk(src[i].url, " \t\r\n") == NULL)
		abort();
	opml_free(back);
	free(out);
	free(src);
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct opml	*o;
	char		 err[256];
	size_t		 i;

	if ((o = opml_read((const char *)data, size, err, sizeof(err))) ==
	    NULL) {
		if (err[0] == '\0')
			abort();
		return 0;
	}
	for (i = 0; i < o->n; i++)
		if (o->v[i].line <= 0)
			abort();
	fuzz_opml_ids(o);
	fuzz_opml_write(o);
	opml_free(o);
	return 0;
}
