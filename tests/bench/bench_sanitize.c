/*
 * Throughput of sanitize_text, sanitize_line and sanitize_html on a
 * typical ~1 KB entry, a ~100 KB page and a plain-text title, or on the
 * files named on the command line. Prints MB/s, best of 5 rounds;
 * never part of ctest.
 *
 *	bench_sanitize [FILE...]
 */

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "sanitize.h"
#include "text.h"
#include "xmalloc.h"

static const char bench_para[] =
    "<p>The <a href=\"/news/2024/pact\">Pact on Migration and Asylum</a> "
    "was adopted on 14&nbsp;May&nbsp;2024 &ndash; the <em>Screening "
    "Regulation</em>, the Eurodac recast and the <strong>Asylum and "
    "Migration Management Regulation</strong> apply from June 2026. "
    "NGOs such as ECRE warn that &#8220;border procedures&#8221; may "
    "lead to de facto detention.</p>\n"
    "<ul><li>Screening &amp; identification</li><li>Solidarity pool: "
    "30&#x202F;000 relocations</li></ul>\n"
    "<img src=\"img/map.png\" alt=\"Map of routes\" width=\"640\">"
    "<br/>\n";

static double
bench_now(void)
{
	struct timespec	ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec + ts.tv_nsec / 1e9;
}

static void
bench_one(const char *label, const char *in, size_t len)
{
	static const struct {
		const char	*name;
		int		 which;
	} fns[] = { { "text", 0 }, { "line", 1 }, { "html", 2 } };
	double	 t0, t, best;
	size_t	 i, n, iters, round;
	char	*out;

	for (i = 0; i < sizeof(fns) / sizeof(fns[0]); i++) {
		/* About 10 MB of input per round, at least 20 calls; the
		 * best of 5 rounds, as other load only ever slows us. */
		iters = 10 * 1000 * 1000 / (len + 1);
		if (iters < 20)
			iters = 20;
		best = 0;
		for (round = 0; round < 5; round++) {
			t0 = bench_now();
			for (n = 0; n < iters; n++) {
				if (fns[i].which == 0)
					out = sanitize_text(in, len);
				else if (fns[i].which == 1)
					out = sanitize_line(in, len);
				else
					out = sanitize_html(in, len,
					    "https://example.org/news/"
					    "item.html");
				free(out);
			}
			t = bench_now() - t0;
			if (round == 0 || t < best)
				best = t;
		}
		t = best;
		printf("%-10s %8zu bytes  %-4s %8.1f MB/s  %8.2f us/call\n",
		    label, len, fns[i].name, (double)len * iters / t / 1e6,
		    t / iters * 1e6);
	}
}

static char *
bench_read(const char *path, size_t *len)
{
	struct buf	 b = { 0 };
	char		 chunk[65536];
	size_t		 n;
	FILE		*f;

	if ((f = fopen(path, "rb")) == NULL) {
		perror(path);
		exit(1);
	}
	while ((n = fread(chunk, 1, sizeof(chunk), f)) > 0)
		buf_add(&b, chunk, n);
	fclose(f);
	*len = b.len;
	return buf_release(&b);
}

int
main(int argc, char *argv[])
{
	struct buf	 b = { 0 };
	const char	*title = "EU Pact on Migration and Asylum: what "
			    "changes at the external borders in 2026";
	char		*s;
	size_t		 len;
	int		 i;

	if (argc > 1) {
		for (i = 1; i < argc; i++) {
			s = bench_read(argv[i], &len);
			bench_one(argv[i], s, len);
			free(s);
		}
		return 0;
	}
	bench_one("title", title, strlen(title));
	while (b.len < 1000)
		buf_adds(&b, bench_para);
	bench_one("entry", b.s, b.len);
	while (b.len < 100 * 1000)
		buf_adds(&b, bench_para);
	bench_one("page", b.s, b.len);
	buf_free(&b);
	return 0;
}
