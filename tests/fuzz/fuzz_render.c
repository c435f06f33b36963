/*
 * libFuzzer target for the request side of render.c: a feed path on the
 * first line, then key=value parameters one a line, as a reader could
 * send them. Besides not crashing, it checks what render.h promises:
 * a feed accepted once has a canonical path that, read back as a
 * request, is accepted again and gives the very same path.
 */

#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <libxml/uri.h>

#include "render.h"
#include "xmalloc.h"

int	LLVMFuzzerTestOneInput(const uint8_t *, size_t);

/* Reads "path?k=v&k=v" as the HTTP server would; -1 when refused. */
static int
fuzz_render_read(struct render_feed *rf, const char *url)
{
	char	*path = xstrdup(url), *q, *p, *save = NULL, *dec, err[256];
	int	 rc = 0;

	if ((q = strchr(path, '?')) != NULL)
		*q++ = '\0';
	/* The server decodes the path before routing it. */
	dec = xmlURIUnescapeString(path, 0, NULL);
	if (render_feed_route(rf, dec) == -1)
		rc = -1;
	xmlFree(dec);
	for (p = q != NULL ? strtok_r(q, "&", &save) : NULL;
	    p != NULL && rc == 0; p = strtok_r(NULL, "&", &save)) {
		char	*eq = strchr(p, '='), *k, *v;

		if (eq == NULL)
			abort();	/* we never write a bare key */
		*eq = '\0';
		k = xmlURIUnescapeString(p, 0, NULL);
		v = xmlURIUnescapeString(eq + 1, 0, NULL);
		rc = render_feed_param(rf, k, v, err, sizeof(err));
		xmlFree(k);
		xmlFree(v);
	}
	free(path);
	return rc;
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct render_feed	 rf = { 0 }, again = { 0 };
	char			*s, *line, *save = NULL, *canon, *canon2;
	char			 err[256];
	int			 ok;

	s = xstrndup((const char *)data, size);
	if (strlen(s) != size) {
		free(s);
		return 0;
	}
	line = strtok_r(s, "\n", &save);
	ok = line != NULL && render_feed_route(&rf, line) == 0;
	while (ok && (line = strtok_r(NULL, "\n", &save)) != NULL) {
		char	*eq = strchr(line, '=');

		if (eq == NULL)
			break;
		*eq = '\0';
		ok = render_feed_param(&rf, line, eq + 1, err,
		    sizeof(err)) == 0;
		if (!ok && err[0] == '\0')
			abort();	/* a refusal always says why */
	}
	if (ok) {
		canon = render_feed_path(&rf);
		if (fuzz_render_read(&again, canon) == -1)
			abort();
		canon2 = render_feed_path(&again);
		if (strcmp(canon, canon2) != 0)
			abort();
		free(canon);
		free(canon2);
	}
	render_feed_clear(&again);
	render_feed_clear(&rf);
	free(s);
	return 0;
}
