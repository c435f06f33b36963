/*
 * Fuzz scrape.c. The input is a listing page scraped with fixed rules
 * (the ECL rules of the shipped config and a looser generic set), so the
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
	char		 err[256];
	size_t		 r, i, j;

	if (size > 256 * 1024)
		return 0;
	for (r = 0; r < sizeof(fuzz_scrape_rules) /
	    sizeof(*fuzz_scrape_rules); r++) {
		f = scrape_page((const char *)data, size,
		    "https://example.org/news/list_en?page=1",
		    &fuzz_scrape_rules[r], err, sizeof(err));
		if (f == NULL) {
			if (err[0] == '\0')
				abort();
			continue;
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
			for (j = 0; j < i; j++)
				if (strcmp(f->entries[j].link, e->link) == 0)
					abort();
		}
		feed_free(f);
	}
	return 0;
}
