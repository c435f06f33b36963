/*
 * Parse one file with the feed parser, the way the daemon does after a
 * fetch (whole body in memory), and print entries and bytes. Driven by
 * tests/bench/parse; its timing includes reading the file, like its peers.
 *   bench_parse FILE [ROUNDS]
 */

#include <sys/mman.h>
#include <sys/stat.h>

#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <unistd.h>

#include "entry.h"
#include "parse.h"

int
main(int argc, char *argv[])
{
	struct feed	*f;
	struct stat	 sb;
	char		*buf, err[256];
	int		 fd, rounds = argc > 2 ? atoi(argv[2]) : 1;
	size_t		 entries = 0;

	if (argc < 2 || (fd = open(argv[1], O_RDONLY)) == -1 ||
	    fstat(fd, &sb) == -1 || sb.st_size == 0) {
		fprintf(stderr, "usage: bench_parse FILE [ROUNDS]\n");
		return 2;
	}
	/* Mapped, not read: the peers stream the file through a small
	 * buffer, and the daemon already has the body in memory. */
	buf = mmap(NULL, sb.st_size, PROT_READ, MAP_PRIVATE, fd, 0);
	if (buf == MAP_FAILED)
		return 3;
	for (int i = 0; i < rounds; i++) {
		f = parse_feed(buf, sb.st_size, NULL, err, sizeof(err));
		if (f == NULL) {
			fprintf(stderr, "bench_parse: %s\n", err);
			return 1;
		}
		entries = f->nentries;
		feed_free(f);
	}
	printf("%zu entries, %lld bytes\n", entries, (long long)sb.st_size);
	munmap(buf, sb.st_size);
	close(fd);
	return 0;
}
