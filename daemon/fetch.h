#ifndef FETCH_H
#define FETCH_H

/*
 * The fetcher: HTTP GETs on libcurl's multi interface, driven by the
 * daemon's libevent loop. One struct fetcher per process; fetch_start()
 * returns at once and the done callback runs later, exactly once, from
 * the loop. Nothing here blocks and nothing here decides when to fetch
 * (that is sched.c and its caller): this only fetches safely, within the
 * limits it was given, and says precisely what happened.
 */

#include <stdbool.h>
#include <stddef.h>
#include <time.h>

struct event_base;
struct fetcher;

enum fetch_status {
	FETCH_OK,		/* 2xx with a body */
	FETCH_NOT_MODIFIED,	/* 304 to our conditional GET */
	FETCH_EMPTY,		/* 2xx without a body, e.g. 202 or 204 */
	FETCH_HTTP_ERROR,	/* 4xx, 5xx, or a 3xx we could not follow */
	FETCH_GONE,		/* 410: stop fetching this source */
	FETCH_TOO_BIG,		/* body (decompressed) over max_body */
	FETCH_TIMEOUT,		/* connect, total or low-speed timeout */
	FETCH_DNS,
	FETCH_CONNECT,
	FETCH_TLS,
	FETCH_REDIRECTS,	/* more than max_redirects, or a loop */
	FETCH_BLOCKED,		/* non-public address, non-http(s) scheme,
				   malformed URL */
	FETCH_NETWORK,		/* anything else on the way */
	FETCH_CANCELLED		/* fetcher_cancel_all() or fetcher_free() */
};

/* Zero means the default given in brackets. */
struct fetch_limits {
	int		 connect_timeout;	/* s [30] */
	int		 timeout;		/* s, whole transfer [120] */
	int		 low_speed_time;	/* s below the limit [30] */
	int		 low_speed_limit;	/* bytes/s [16] */
	size_t		 max_body;		/* decoded bytes [16 MiB] */
	int		 max_redirects;		/* [5]; -1: follow none */
	int		 max_host_connections;	/* curl's backstop [4] */
	const char	*user_agent;		/* [pactfeed/VERSION] */
	bool		 allow_private;		/* connect to any address */
	const char *const *allow_addrs;		/* numeric addresses allowed
						   even when not public;
						   NULL-terminated, may be
						   NULL; borrowed */
};

/* Strings are copied by fetch_start(). */
struct fetch_request {
	const char	*url;
	const char	*etag;		/* sent as If-None-Match */
	const char	*last_modified;	/* sent as If-Modified-Since */
};

/*
 * What came back. Strings are NUL-terminated and NULL when absent; the
 * body has len bytes plus a NUL. The result and its strings are freed
 * after the done callback returns: a callback that keeps a string takes
 * it and sets the field to NULL. Store etag and last_modified only from
 * FETCH_OK (a 304 may leave them out: keep the old ones). The body is
 * kept for FETCH_OK, FETCH_HTTP_ERROR and FETCH_GONE, "" otherwise.
 */
struct fetch_result {
	enum fetch_status status;
	long		 http_status;		/* final response, 0 if none */
	char		*body;
	size_t		 len;
	char		*etag;
	char		*last_modified;
	char		*content_type;
	char		*effective_url;		/* after redirects */
	char		*permanent_redirect;	/* where the 301/308 hops
						   at the start of the chain
						   led, when the final answer
						   was 2xx or 304: the URL to
						   fetch from now on */
	long		 retry_after;		/* s from now, -1 none */
	long		 max_age;		/* Cache-Control, s, -1 none */
	time_t		 expires;		/* Expires, 0 none or invalid;
						   moved by our clock's
						   offset from the server's
						   Date */
	double		 seconds;		/* total time */
	size_t		 bytes_wire;		/* headers + body as received */
	char		 error[256];		/* one line; "" when OK */
};

typedef void	(*fetch_done_cb)(struct fetch_result *, void *arg);

/* The base is borrowed and must outlive the fetcher. */
struct fetcher	*fetcher_new(struct event_base *, const struct fetch_limits *);
/* Runs every pending done callback with FETCH_CANCELLED, then frees.
 * Never call it from a done callback. */
void		 fetcher_free(struct fetcher *);
/* Ends every transfer in flight; each done runs with FETCH_CANCELLED. */
void		 fetcher_cancel_all(struct fetcher *);
size_t		 fetcher_active(struct fetcher *);

/* Starts a GET. On success done(result, arg) runs later from the loop,
 * exactly once. On failure returns -1 and done never runs. May be called
 * from a done callback. */
int		 fetch_start(struct fetcher *, const struct fetch_request *,
		    fetch_done_cb, void *arg, char *err, size_t errlen);

const char	*fetch_status_name(enum fetch_status);

#endif /* FETCH_H */
