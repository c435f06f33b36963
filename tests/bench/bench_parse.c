/*
 * Parse one file with the feed parser, the way the daemon does after a
 * fetch (whole body in memory), and print entries and bytes. Driven by
 * tests/bench/parse; its timing includes reading the file, like its peers.
 *   bench_parse FILE [ROUNDS]
 */

#include <stdio.h>
#include <stdlib.h>
#include <time.h>

#include "entry.h"
#include "parse.h"
#include "xmalloc.h"

int
main(int argc, char *argv[])
{
	struct feed	*f;
	FILE		*fp;
	char		*buf, err[256];
	long		 len;
	int		 rounds = argc > 2 ? atoi(argv[2]) : 1;
	size_t		 entries = 0;

	if (argc < 2 || (fp = fopen(argv[1], "rb")) == NULL) {
		fprintf(stderr, "usage: bench_parse FILE [ROUNDS]\n");
		return 2;
	}
	fseek(fp, 0, SEEK_END);
	len = ftell(fp);
	fseek(fp, 0, SEEK_SET);
	buf = xmalloc(len + 1);
	if (fread(buf, 1, len, fp) != (size_t)len)
		return 3;
	fclose(fp);
	for (int i = 0; i < rounds; i++) {
		f = parse_feed(buf, len, NULL, err, sizeof(err));
		if (f == NULL) {
			fprintf(stderr, "bench_parse: %s\n", err);
			return 1;
		}
		entries = f->nentries;
		feed_free(f);
	}
	printf("%zu entries, %ld bytes\n", entries, len);
	free(buf);
	return 0;
}
