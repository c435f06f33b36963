/*
 * Fuzz scrape.c. The input is a listing page scraped with fixed rules
 * (the ECL rules of the shipped config or a looser generic set, picked by
 * the parity of the input's length: one parse per input, not two), so the
 * fuzzer explores the charset sniffing, the HTML parser's recovery and
 * the text, link and date code. Beyond not crashing, every string handed
 * out must be valid UTF-8 and every entry complete, unique and absolute.
 */

#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "entry.h"
#include "scrape.h"
#include "text.h"

int	LLVMFuzzerTestOneInput(const uint8_t *, size_t);

static const struct scrape_rules fuzz_scrape_rules[] = {
	{
		.item = "//article[contains(@class,'ecl-content-item')]",
		.title = ".//*[contains(@class,'ecl-content-block__title')]//a",
		.link = ".//*[contains(@class,'ecl-content-block__title')]"
		    "//a/@href",
		.date = ".//time/@datetime | .//time[not(@datetime)]",
		.date_format = "%d %B %Y",
		.summary = ".//*[contains(@class,"
		    "'ecl-content-block__description')]",
	},
	{
		.item = "//div | //li | //article",
		.title = ".//h3 | .//a",
		.link = ".//a/@href",
		.date = "normalize-space(.//time)",
		.date_format = "%Y-%m-%d",
		.summary = ".//p",
	},
};

static int
fuzz_scrape_cmp(const void *a, const void *b)
{
	return strcmp(*(const char *const *)a, *(const char *const *)b);
}

static void
fuzz_scrape_check_str(const char *s)
{
	if (s != NULL && text_utf8_valid_len(s, strlen(s)) != strlen(s))
		abort();
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct feed	*f;
	const char	*links[1000];
	char		 err[256];
	size_t		 i;

	if (size > 256 * 1024)
		return 0;
	f = scrape_page((const char *)data, size,
	    "https://example.org/news/list_en?page=1", NULL,
	    &fuzz_scrape_rules[size % 2], err, sizeof(err));
	if (f == NULL) {
		if (err[0] == '\0')
			abort();
		return 0;
	}
	fuzz_scrape_check_str(f->title);
	fuzz_scrape_check_str(f->bozo_reason);
	if (f->nentries > 1000)
		abort();
	for (i = 0; i < f->nentries; i++) {
		const struct entry *e = &f->entries[i];

		if (e->title == NULL || e->link == NULL ||
		    strcmp(e->id, e->link) != 0 ||
		    strncasecmp(e->link, "http", 4) != 0)
			abort();
		fuzz_scrape_check_str(e->title);
		fuzz_scrape_check_str(e->link);
		fuzz_scrape_check_str(e->summary);
		links[i] = e->link;
	}
	/* Sorted, not pairwise: up to 1000 links, half a million strcmp. */
	qsort(links, f->nentries, sizeof(*links), fuzz_scrape_cmp);
	for (i = 1; i < f->nentries; i++)
		if (strcmp(links[i - 1], links[i]) == 0)
			abort();
	feed_free(f);
	return 0;
}
