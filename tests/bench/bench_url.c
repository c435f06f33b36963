/*
 * How long url_resolve and url_canonical take per call, on links as
 * feeds write them. Never run by ctest; run it by hand:
 *	build/tests/bench_url [iterations]
 */

#include <stdio.h>
#include <stdlib.h>
#include <time.h>

#include "url.h"

static const char *const bench_pairs[][2] = {
	{ "http://www.wto.org", "/english/news_e/news_docs/629R.pdf" },
	{ "https://www.eba.europa.eu/", "https://www.eba.europa.eu/"
	    "publications-and-media/press-releases/eba-seeks-feedback" },
	{ "https://ofsi.blog.gov.uk/2026/04/15/ofsi-strategy-2026-29/",
	    "../../../../wp-content/uploads/sites/1/2026/04/x.png" },
	{ "https://ec.europa.eu/commission/presscorner/api/rss?language=en",
	    "\n  https://ec.europa.eu/commission/presscorner/detail/en/"
	    "ip_26_1661?utm_source=rss&utm_medium=rss\n" },
	{ "http://www.\xe8\xa9\xb9\xe5\xa7\x86\xe6\x96\xaf.com/feed", "" },
	{ "https://euobserver.com/feed/", "//euobserver.com/migration/"
	    "ar4f1d?fbclid=x&b=2&a=1#comments" },
};

static double
bench_now(void)
{
	struct timespec	 ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec + ts.tv_nsec / 1e9;
}

int
main(int argc, char *argv[])
{
	size_t	 n = 200000, i, j, np = sizeof(bench_pairs) /
	    sizeof(bench_pairs[0]);
	double	 t0, t1, t2;
	char	*r;

	if (argc > 1)
		n = strtoul(argv[1], NULL, 10);
	t0 = bench_now();
	for (i = 0; i < n; i++)
		for (j = 0; j < np; j++)
			free(url_resolve(bench_pairs[j][0], bench_pairs[j][1]));
	t1 = bench_now();
	for (i = 0; i < n; i++)
		for (j = 0; j < np; j++) {
			r = url_canonical(bench_pairs[j][1][0] != '\0' ?
			    bench_pairs[j][1] : bench_pairs[j][0]);
			free(r);
		}
	t2 = bench_now();
	printf("url_resolve: %zu calls, %.0f ns/call\n", n * np,
	    (t1 - t0) * 1e9 / (n * np));
	printf("url_canonical: %zu calls, %.0f ns/call\n", n * np,
	    (t2 - t1) * 1e9 / (n * np));
	return 0;
}
