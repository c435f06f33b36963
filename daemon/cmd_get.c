/*
 * pactfeed get: fetch URLs exactly as the daemon would, on one event loop
 * with the same limits and safety checks, and print each result as one
 * JSON line in the order they finish (the body is summarised, or written
 * to a file with --output). For admins checking a source, and for the
 * integration tests of fetch.c: --repeat starts each next fetch of a URL
 * from the previous one's done callback, --deadline cancels whatever is
 * still running, as the daemon does on shutdown. Exit 0 when every fetch
 * was OK or NOT MODIFIED, 1 otherwise.
 */

#include <errno.h>
#include <getopt.h>
#include <limits.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <event2/event.h>
#include <jansson.h>

#include "cmd.h"
#include "date.h"
#include "fetch.h"
#include "log.h"
#include "text.h"
#include "xmalloc.h"

#define GET_HEAD	64		/* body bytes shown */
#define GET_MAXADDRS	16

struct get {
	struct event_base	*base;
	struct fetcher		*fetcher;
	struct fetch_request	 req;
	const char		*output;
	size_t			 pending;	/* URLs not finished */
	bool			 stopping;	/* the deadline passed */
	int			 failed;
};

struct get_one {
	struct get		*g;
	const char		*url;
	int			 left;		/* fetches still to start */
};

static void	cmd_get_done_cb(struct fetch_result *, void *);

/* Starts one more fetch of a URL; false when it could not start. */
static bool
cmd_get_start(struct get_one *one)
{
	struct get		*g = one->g;
	struct fetch_request	 req = g->req;
	char			 err[256];

	if (g->stopping || one->left-- <= 0)
		return false;
	req.url = one->url;
	if (fetch_start(g->fetcher, &req, cmd_get_done_cb, one, err,
	    sizeof(err)) == -1) {
		log_warnx("%s", err);
		g->failed = 1;
		return false;
	}
	return true;
}

/* --deadline: everything still running ends as cancelled. */
static void
cmd_get_deadline_cb(evutil_socket_t fd, short kind, void *arg)
{
	struct get	*g = arg;

	(void)fd;
	(void)kind;
	g->stopping = true;
	fetcher_cancel_all(g->fetcher);
}

static void
cmd_get_json_str(json_t *o, const char *key, const char *s, size_t len)
{
	struct buf	b = { 0 };

	if (s == NULL) {
		json_object_set_new(o, key, json_null());
		return;
	}
	buf_add(&b, "", 0);
	text_utf8_repair(&b, s, len);
	json_object_set_new(o, key, json_string(b.s));
	buf_free(&b);
}

static void
cmd_get_json_optstr(json_t *o, const char *key, const char *s)
{
	cmd_get_json_str(o, key, s, s != NULL ? strlen(s) : 0);
}

static int
cmd_get_write_body(const char *path, const char *body, size_t len)
{
	FILE	*fp;

	if ((fp = fopen(path, "w")) == NULL)
		return -1;
	if (fwrite(body, 1, len, fp) != len) {
		fclose(fp);
		return -1;
	}
	return fclose(fp);
}

static void
cmd_get_done_cb(struct fetch_result *r, void *arg)
{
	struct get_one	*one = arg;
	struct get	*g = one->g;
	json_t		*o;
	char		*line, date[64];

	o = json_object();
	cmd_get_json_optstr(o, "url", one->url);
	cmd_get_json_optstr(o, "status", fetch_status_name(r->status));
	json_object_set_new(o, "http_status", json_integer(r->http_status));
	json_object_set_new(o, "length", json_integer((json_int_t)r->len));
	cmd_get_json_str(o, "head", r->body, r->len < GET_HEAD ? r->len :
	    GET_HEAD);
	cmd_get_json_optstr(o, "etag", r->etag);
	cmd_get_json_optstr(o, "last_modified", r->last_modified);
	cmd_get_json_optstr(o, "content_type", r->content_type);
	cmd_get_json_optstr(o, "effective_url", r->effective_url);
	cmd_get_json_optstr(o, "permanent_redirect", r->permanent_redirect);
	json_object_set_new(o, "retry_after", r->retry_after < 0 ?
	    json_null() : json_integer(r->retry_after));
	json_object_set_new(o, "max_age", r->max_age < 0 ?
	    json_null() : json_integer(r->max_age));
	json_object_set_new(o, "expires", r->expires == 0 ? json_null() :
	    json_string(date_format(r->expires, date, sizeof(date))));
	json_object_set_new(o, "seconds", json_real(r->seconds));
	json_object_set_new(o, "bytes_wire",
	    json_integer((json_int_t)r->bytes_wire));
	cmd_get_json_optstr(o, "error", r->error[0] ? r->error : NULL);
	line = json_dumps(o, JSON_COMPACT | JSON_PRESERVE_ORDER |
	    JSON_REAL_PRECISION(6));
	puts(line);
	fflush(stdout);
	free(line);
	json_decref(o);

	if (r->status != FETCH_OK && r->status != FETCH_NOT_MODIFIED) {
		log_warnx("%s: %s%s%s", one->url, fetch_status_name(r->status),
		    r->error[0] ? ": " : "", r->error);
		g->failed = 1;
	}
	if (g->output != NULL && r->status == FETCH_OK &&
	    cmd_get_write_body(g->output, r->body, r->len) == -1) {
		log_warn("%s", g->output);
		g->failed = 1;
	}
	/* --repeat: the next fetch of this URL starts from here, as the
	 * daemon's scheduler will start new transfers from done. */
	if (!cmd_get_start(one) && --g->pending == 0)
		event_base_loopbreak(g->base);
}

static long
cmd_get_number(const char *s, long min, long max)
{
	char	*end;
	long	 n;

	errno = 0;
	n = strtol(s, &end, 10);
	if (errno != 0 || *s == '\0' || *end != '\0' || n < min || n > max)
		cmd_usage();
	return n;
}

int
cmd_get(int argc, char *argv[])
{
	static const struct option longopts[] = {
		{ "etag",		required_argument, NULL, 'e' },
		{ "last-modified",	required_argument, NULL, 'm' },
		{ "allow-private",	no_argument,	   NULL, 'p' },
		{ "allow-addr",		required_argument, NULL, 'a' },
		{ "max-body",		required_argument, NULL, 'b' },
		{ "timeout",		required_argument, NULL, 't' },
		{ "connect-timeout",	required_argument, NULL, 'c' },
		{ "low-speed-time",	required_argument, NULL, 'l' },
		{ "max-redirects",	required_argument, NULL, 'r' },
		{ "user-agent",		required_argument, NULL, 'u' },
		{ "output",		required_argument, NULL, 'o' },
		{ "repeat",		required_argument, NULL, 'n' },
		{ "deadline",		required_argument, NULL, 'd' },
		{ NULL, 0, NULL, 0 }
	};
	struct fetch_limits	 lim = { 0 };
	struct get		 g = { 0 };
	struct get_one		*ones;
	struct event		*deadline = NULL;
	struct timeval		 tv = { 0, 0 };
	const char		*addrs[GET_MAXADDRS + 1] = { 0 };
	size_t			 naddrs = 0;
	int			 ch, n, repeat = 1;

	while ((ch = getopt_long(argc, argv, "e:m:pa:b:t:c:l:r:u:o:n:d:",
	    longopts, NULL)) != -1) {
		switch (ch) {
		case 'e':
			g.req.etag = optarg;
			break;
		case 'm':
			g.req.last_modified = optarg;
			break;
		case 'p':
			lim.allow_private = true;
			break;
		case 'a':
			if (naddrs == GET_MAXADDRS)
				cmd_usage();
			addrs[naddrs++] = optarg;
			break;
		case 'b':
			lim.max_body = cmd_get_number(optarg, 1, LONG_MAX);
			break;
		case 't':
			lim.timeout = cmd_get_number(optarg, 1, 86400);
			break;
		case 'c':
			lim.connect_timeout = cmd_get_number(optarg, 1, 86400);
			break;
		case 'l':
			lim.low_speed_time = cmd_get_number(optarg, 1, 86400);
			break;
		case 'r':
			lim.max_redirects = cmd_get_number(optarg, 0, 50);
			if (lim.max_redirects == 0)
				lim.max_redirects = -1;
			break;
		case 'u':
			lim.user_agent = optarg;
			break;
		case 'o':
			g.output = optarg;
			break;
		case 'n':
			repeat = cmd_get_number(optarg, 1, 1000);
			break;
		case 'd':
			tv.tv_sec = cmd_get_number(optarg, 1, 86400);
			break;
		default:
			cmd_usage();
		}
	}
	n = argc - optind;
	if (n < 1 || (g.output != NULL && (n != 1 || repeat != 1)))
		cmd_usage();
	lim.allow_addrs = addrs;

	if ((g.base = event_base_new()) == NULL) {
		log_warnx("event_base_new failed");
		return EXIT_RUNTIME;
	}
	g.fetcher = fetcher_new(g.base, &lim);
	ones = xcalloc(n, sizeof(*ones));
	for (int i = 0; i < n; i++) {
		ones[i].g = &g;
		ones[i].url = argv[optind + i];
		ones[i].left = repeat;
		if (cmd_get_start(&ones[i]))
			g.pending++;
	}
	if (tv.tv_sec > 0) {
		if ((deadline = evtimer_new(g.base, cmd_get_deadline_cb, &g)) ==
		    NULL)
			fatalx("evtimer_new");
		evtimer_add(deadline, &tv);
	}
	if (g.pending > 0)
		event_base_dispatch(g.base);
	if (deadline != NULL)
		event_free(deadline);
	fetcher_free(g.fetcher);
	event_base_free(g.base);
	free(ones);
	return g.failed ? EXIT_BADINPUT : 0;
}
