/*
 * libFuzzer target for the feed parser: any bytes, with and without a
 * document URL and a Content-Type charset. Whatever comes back must be
 * valid UTF-8 and serialisable; anything else aborts.
 */

#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "entry.h"
#include "parse.h"
#include "text.h"

int	LLVMFuzzerTestOneInput(const uint8_t *, size_t);

static void
fuzz_check(const char *s)
{
	if (s != NULL && text_utf8_valid_len(s, strlen(s)) != strlen(s))
		abort();
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct parse_opts	 opts = { 0 };
	struct feed		*f;
	char			 err[256], *json;

	/* The first byte picks the options, so one corpus covers them. */
	if (size > 0) {
		if (data[0] & 1)
			opts.url = "https://fuzz.example/dir/feed.xml";
		if (data[0] & 2)
			opts.content_type = "application/xml; charset=iso-8859-2";
		if (data[0] & 4)
			opts.max_entries = 5;
	}
	f = parse_feed((const char *)data, size, &opts, err, sizeof(err));
	if (f == NULL)
		return 0;
	fuzz_check(f->title);
	fuzz_check(f->link);
	for (size_t i = 0; i < f->nentries; i++) {
		fuzz_check(f->entries[i].title);
		fuzz_check(f->entries[i].link);
		fuzz_check(f->entries[i].id);
		fuzz_check(f->entries[i].summary);
		fuzz_check(f->entries[i].content);
	}
	json = parse_feed_json(f);
	free(json);
	feed_free(f);
	return 0;
}
