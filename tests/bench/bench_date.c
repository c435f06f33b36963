/*
 * How long date_parse() takes on the forms feeds write. Prints ns per
 * call; never run by ctest. Usage: bench_date [iterations]
 */

#include <stdio.h>
#include <stdlib.h>
#include <time.h>

#include "date.h"
#include "entry.h"

static const char *const bench_date_inputs[] = {
	"Fri, 24 Jul 2026 15:00:02 +0000",
	"Thu, 23 Jul 2026 22:00:00 GMT",
	"Fri, 31 Jul 2026  09:00:00 EST",
	"01 Aug 2026 22:00:02 +0530",
	"2026-07-31T14:04:56Z",
	"2023-01-25T19:03:02+01:00",
	"2003-12-31T10:14:55.123456Z",
	"not a date at all",
};

int
main(int argc, char **argv)
{
	const size_t	 n = sizeof(bench_date_inputs) /
	    sizeof(bench_date_inputs[0]);
	struct timespec	 a, b;
	long		 iters = argc > 1 ? atol(argv[1]) : 1000000;
	long		 i, none = 0;
	size_t		 k;
	double		 ns;

	for (k = 0; k < n; k++) {
		clock_gettime(CLOCK_MONOTONIC, &a);
		for (i = 0; i < iters; i++)
			if (date_parse(bench_date_inputs[k]) == DATE_NONE)
				none++;
		clock_gettime(CLOCK_MONOTONIC, &b);
		ns = ((b.tv_sec - a.tv_sec) * 1e9 + (b.tv_nsec - a.tv_nsec)) /
		    iters;
		printf("%6.1f ns  %s\n", ns, bench_date_inputs[k]);
	}
	printf("(%ld DATE_NONE results)\n", none);
	return 0;
}
