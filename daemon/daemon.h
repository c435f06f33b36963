#ifndef DAEMON_H
#define DAEMON_H

/*
 * The daemon's state: one struct daemon per process, made by serve.c
 * (or cmd_fetch for one cycle) and handed to every callback. Sources
 * have a runtime record here beside their persisted state in the store;
 * hosts are tracked so no site sees more than per-host-connections
 * transfers at once or two starts closer than the minimum spacing.
 */

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <time.h>

struct config;
struct event;
struct event_base;
struct fetcher;
struct run_done;
struct http;
struct source;
struct store;
struct tagger;
struct worker;
struct run_parse;

/* One configured source at run time. */
struct source_run {
	char			*id;		/* owned; stable over reloads */
	const struct source	*src;		/* into daemon.cfg */
	size_t			 host;		/* index into daemon.hosts */
	time_t			 next_fetch;
	bool			 in_flight;
	bool			 done_once;	/* fetch --once: finished */
	bool			 disabled;	/* 410 Gone */
	int			 error_streak;
	int			 last_outcome;	/* for log-once-per-change */
	time_t			 last_fetch;
	time_t			 last_success;
	time_t			 last_new;	/* last time it had a new entry */
	int			 publish_gap;	/* s between its entries, 0 unknown */
	int64_t			 entries;
	uint64_t		 body_hash;	/* the last body stored, with its
						   URL (run_body_hash); 0 none */
};

struct host_run {
	char		*name;
	int		 in_flight;
	double		 last_start;	/* monotonic seconds */
	time_t		 retry_after;	/* 429/503 said: not before */
};

/* Counters for /metrics and STATUS=. */
struct daemon_stats {
	uint64_t	 fetches[16];	/* by enum fetch_status */
	uint64_t	 bytes;
	uint64_t	 parse_errors;
	uint64_t	 entries_new;
	uint64_t	 entries_updated;
	uint64_t	 http_requests;
	uint64_t	 reloads;		/* SIGHUPs applied */
	uint64_t	 reloads_rejected;	/* and refused */
};

struct daemon {
	struct event_base	*base;
	char			*config_path;
	struct config		*cfg;
	struct store		*store;
	struct tagger		*tagger;
	struct fetcher		*fetcher;
	struct http		*http;

	struct source_run	*sources;
	size_t			 nsources;
	struct host_run		*hosts;
	size_t			 nhosts;
	size_t			 in_flight;

	struct event		*tick;		/* starts due fetches */
	struct event		*retag;		/* re-tags the archive */
	int64_t			 retag_after;
	time_t			 retag_wait;	/* put off since, 0 none */
	struct event		*sig_hup;
	struct event		*sig_term;
	struct event		*sig_int;
	struct event		*watchdog;
	struct event		*drain;		/* shutdown deadline */
	struct event		*prune;		/* retention, hourly */
	struct event		*flush;		/* stores the ended fetches */
	struct worker		*worker;	/* parses and tags them */
	size_t			 parse_bytes;	/* bodies handed to it */
	struct run_parse	*backlog;	/* bodies waiting for it */
	struct run_parse	**backlog_tail;
	size_t			 nbacklog;
	size_t			 backlog_bytes;
	struct worker		*ckpt;		/* checkpoints the WAL */
	struct store_ckpt	*ckpt_conn;	/* its connection: the
						   checkpoint job's alone */
	bool			 ckpt_again;	/* asked for while one ran */
	bool			 wal_dirty;	/* a commit since the last
						   checkpoint asked for */
	bool			 ckpt_failing;	/* logged once */
	struct event		*index;		/* full-text index, when idle */
	time_t			 index_wait;	/* since when it is put off */
	struct run_done		**done;		/* fetches ended, to store in
						   one batch */
	size_t			 ndone;

	char			*store_path;	/* the database opened */
	bool			 store_failing;	/* writing fails: logged once,
						   and once when it heals */
	bool			 store_readonly; /* opened read-only: opened
						   again at each store batch */

	bool			 once;		/* fetch --once */
	bool			 stopping;
	struct daemon_stats	 stats;
};

/* The store's meta name for the print of the topics its archive is
 * tagged with (config_topics_print). */
#define RUN_TOPICS_PRINT	"topics"

/* run.c: sources, scheduling and what happens when a fetch ends. */
void	 run_sources_load(struct daemon *);
void	 run_sources_free(struct daemon *);
void	 run_schedule(struct daemon *);	/* (re)arms the tick */
void	 run_start_due(struct daemon *);
void	 run_mark_all_due(struct daemon *);
void	 run_init(struct daemon *);
void	 run_close(struct daemon *);
void	 run_parse_drain(struct daemon *);
void	 run_retag_start(struct daemon *);
size_t	 run_failing(const struct daemon *);

#endif /* DAEMON_H */
