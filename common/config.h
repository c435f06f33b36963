#ifndef CONFIG_H
#define CONFIG_H

/*
 * The configuration: pactfeed.conf, which includes sources.conf and
 * topics.conf (libconfuse syntax, see doc/pactfeed.conf.5). libconfuse
 * stays inside config.c; the rest of the program sees these plain
 * structs. Durations are in seconds, sizes in bytes.
 */

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "scrape.h"

enum source_type {
	SOURCE_FEED,			/* RSS, Atom or JSON Feed */
	SOURCE_HTML			/* listing page scraped by XPath */
};

struct source {
	char			*id;		/* the section title */
	char			*title;
	char			*url;
	enum source_type	 type;
	int			 interval;	/* 0: the default */
	bool			 keep_if_topic;	/* keep only tagged entries */
	char			*lang;		/* when the feed says none */
	bool			 enabled;
	struct scrape_rules	 scrape;	/* type html only; owned */
	char			*file;		/* where it was defined */
	int			 line;
	char			**topics;	/* topic ids: tag its entries */
	size_t			 ntopics;	/* with these only; 0: all */
};

struct topic {
	char		*id;		/* the section title */
	char		*name;
	char		*scope;
	char		**phrases;	/* see tag.h for the phrase syntax */
	size_t		 nphrases;
	char		**vetoes;
	size_t		 nvetoes;
	char		*file;
	int		 line;
};

struct config {
	char		*path;
	char		*listen;		/* "127.0.0.1:8080" */
	char		*database;
	char		*base_url;		/* ends in "/" */
	char		*feed_title;
	char		*user_agent;		/* "pactfeed (+base_url)" */
	int		 default_interval;
	int		 min_interval;
	int		 max_interval;
	int		 retention;		/* 0: keep for ever */
	size_t		 max_body_size;
	int		 per_host_connections;
	int		 max_transfers;
	int		 host_spacing;		/* s between starts on a host */
	bool		 allow_private_addresses;
	/* fetching */
	int		 connect_timeout;
	int		 timeout;		/* a whole transfer */
	int		 low_speed_time;	/* abort when slower than */
	size_t		 low_speed_limit;	/* this many bytes/s so long */
	int		 max_redirects;
	int		 max_backoff;		/* ceiling of retry delays */
	/* serving */
	int		 http_max_connections;
	int		 http_timeout;		/* silence within a request or
						   response; a response whole */
	int		 http_header_timeout;	/* a request whole */
	int		 http_keepalive_timeout; /* between two requests */
	size_t		 http_max_header_size;
	size_t		 http_max_body_size;	/* of a request */
	size_t		 http_cache_size;	/* rendered feeds kept */
	struct source	*sources;
	size_t		 nsources;
	struct topic	*topics;
	size_t		 ntopics;
};

/* Loads and validates path and its includes. On failure returns NULL and
 * sets *errors to every problem found, one "FILE:LINE: message" per line
 * (free it); else *errors is NULL. A file holding only sources or only
 * topics loads, with every other key at its default; the topic ids that
 * sources name are checked when the config defines topics. Not reentrant:
 * libconfuse's lexer is global. */
struct config	*config_load(const char *path, char **errors);
/* As config_load(), with the len bytes at buf for the text of path (which
 * need not exist): messages name path, and its includes are files that
 * resolve relative to the directory of path, as they would from the file.
 * An include of path itself is refused as including itself when path names
 * an existing file (whose text is not read), else as a missing file. For
 * the fuzzer and tests: no file to write per input. */
struct config	*config_load_buf(const char *path, const void *buf,
		    size_t len, char **errors);
void		 config_free(struct config *);
const struct source *config_source(const struct config *, const char *id);
const struct topic  *config_topic(const struct config *, const char *id);
/* True when both define the same topics with the same phrases: no need
 * to tag the archive again. */
bool		 config_same_topics(const struct config *, const struct config *);
/* A print of what config_same_topics() compares, to keep with the
 * archive: equal prints, same topics. */
uint64_t	 config_topics_print(const struct config *);

/* The value syntax of the file, for command-line options that take the
 * same. Durations: "90s", "30m", "6h", "2d", "1w", combined ("1h30m") or
 * plain seconds. Sizes: plain bytes or with B, kB, MB, GB (powers of 1000)
 * or KiB, MiB, GiB (powers of 1024). Booleans: true, false, yes, no, on,
 * off. Each returns 0, or -1 when s is not one. */
int		 config_parse_duration(const char *s, int *secs);
int		 config_parse_size(const char *s, size_t *bytes);
int		 config_parse_bool(const char *s, bool *b);

#endif /* CONFIG_H */
