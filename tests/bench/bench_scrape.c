/*
 * How long scrape_page() takes: each html source of ../config/sources.conf
 * on its fixture page, then a synthetic ECL listing of 1000 items (about
 * 1 MB). Prints microseconds per page; never run by ctest. Run from
 * tests/: ../build/tests/bench_scrape [iterations]
 */

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "config.h"
#include "entry.h"
#include "scrape.h"
#include "text.h"

static double
bench_scrape_run(const char *page, size_t len, const char *url,
    const struct scrape_rules *r, long iters, size_t *nentries)
{
	struct timespec	 a, b;
	struct feed	*f;
	char		 err[256];

	clock_gettime(CLOCK_MONOTONIC, &a);
	for (long i = 0; i < iters; i++) {
		if ((f = scrape_page(page, len, url, NULL, r, err,
		    sizeof(err))) == NULL) {
			fprintf(stderr, "bench_scrape: %s: %s\n", url, err);
			exit(1);
		}
		*nentries = f->nentries;
		feed_free(f);
	}
	clock_gettime(CLOCK_MONOTONIC, &b);
	return ((b.tv_sec - a.tv_sec) * 1e6 +
	    (b.tv_nsec - a.tv_nsec) / 1e3) / iters;
}

int
main(int argc, char **argv)
{
	long			 iters = argc > 1 ? atol(argv[1]) : 200;
	struct config		*cfg;
	const struct source	*src = NULL, *ecl = NULL;
	struct buf		 b = { 0 };
	char			*errors = NULL, path[256], *page;
	size_t			 len, n;
	FILE			*fp;

	if ((cfg = config_load("../config/sources.conf", &errors)) == NULL) {
		fprintf(stderr, "%s", errors);
		return 1;
	}
	for (size_t i = 0; i < cfg->nsources; i++) {
		src = &cfg->sources[i];
		if (src->type != SOURCE_HTML)
			continue;
		if (strcmp(src->id, "dg-home-news") == 0)
			ecl = src;
		snprintf(path, sizeof(path), "fixtures/scrape/%s.html",
		    src->id);
		if ((fp = fopen(path, "rb")) == NULL)
			continue;
		page = malloc(1 << 20);
		len = fread(page, 1, 1 << 20, fp);
		fclose(fp);
		printf("%8.1f us  %-14s %6zu bytes, ", bench_scrape_run(page,
		    len, src->url, &src->scrape, iters, &n), src->id, len);
		printf("%zu entries\n", n);
		free(page);
	}
	if (ecl != NULL) {
		buf_adds(&b, "<html><head><title>Big</title></head><body>");
		for (int i = 0; i < 1000; i++)
			buf_printf(&b, "<article class=\"ecl-content-item\">"
			    "<div class=\"ecl-content-block\"><ul class=\""
			    "ecl-content-block__primary-meta-container\"><li>"
			    "News</li><li><time datetime=\"2026-09-%02d\">"
			    "%d September 2026</time></li></ul><div class=\""
			    "ecl-content-block__title\"><a href=\"/news/item-"
			    "%d_en\">Item %d of the synthetic listing</a>"
			    "</div><div class=\"ecl-content-block__"
			    "description\"><p>A teaser of some length that "
			    "says what the news is about, %d.</p></div>"
			    "</div></article>\n", i % 28 + 1, i % 28 + 1, i,
			    i, i);
		buf_adds(&b, "</body></html>");
		printf("%8.1f us  %-14s %6zu bytes, ", bench_scrape_run(b.s,
		    b.len, ecl->url, &ecl->scrape, iters / 20 + 1, &n),
		    "ecl-1000", b.len);
		printf("%zu entries\n", n);
		buf_free(&b);
	}
	config_free(cfg);
	return 0;
}
