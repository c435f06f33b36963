#ifndef PAGE_H
#define PAGE_H

/*
 * The pages about the daemon itself, rendered from its state: the /
 * page (our feeds with autodiscovery links, topics with their story
 * counts, sources with their health), /healthz (JSON) and /metrics
 * (Prometheus text). Everything that came from the internet is escaped
 * by the writer that prints it.
 */

#include <stddef.h>
#include <stdint.h>

struct daemon;

/* Story counts per topic and entry counts per source, as the store
 * gave them; http.c keeps one per store generation. */
struct page_counts {
	char		**names;
	int64_t		 *n;
	size_t		  len;
};

void		 page_counts_free(struct page_counts *);
int		 page_counts_load(struct daemon *, struct page_counts *topics,
		    struct page_counts *sources, char *err, size_t errlen);
int64_t		 page_counts_get(const struct page_counts *, const char *);

/* What the HTTP cache did, for /metrics. */
struct page_http_stats {
	uint64_t	 renders;	/* feed pages rendered */
	uint64_t	 hits;		/* feed requests served from cache */
	uint64_t	 cached;	/* pages held now */
	uint64_t	 cached_bytes;	/* their bytes, plain and gzip */
	uint64_t	 conns;		/* connections open now */
	uint64_t	 accepted;	/* connections accepted */
	uint64_t	 evicted;	/* closed to make room */
	uint64_t	 expired;	/* closed past a deadline */
	uint64_t	 accept_errors;	/* accept() failures (EMFILE) */
};

/* Each returns a new string of *len bytes. */
char		*page_index(struct daemon *, const struct page_counts *topics,
		    const struct page_counts *sources, size_t *len);
char		*page_healthz(struct daemon *, const struct page_counts *sources,
		    size_t *len);
char		*page_metrics(struct daemon *, const struct page_counts *topics,
		    const struct page_counts *sources,
		    const struct page_http_stats *, size_t *len);

#endif /* PAGE_H */
