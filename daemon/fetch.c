/*
 * libcurl's multi interface on the daemon's libevent loop. curl tells us
 * which sockets to watch (fetch_socket_cb) and when to wake it
 * (fetch_timer_cb); we report readiness back with
 * curl_multi_socket_action(), and fetch_reap() is the one place where a
 * transfer ends: it fills the result, runs the done callback and frees
 * the transfer. No thread of ours, no blocking call.
 *
 * Safety is enforced inside curl's own steps so that no redirect can get
 * around it: every socket curl opens, for the first hop and every
 * redirect, goes through fetch_opensocket_cb, which refuses non-public
 * addresses after resolution (so DNS tricks do not help); the protocol
 * lists keep every hop on http and https; the write callback bounds the
 * decompressed body, which is what a gzip bomb inflates.
 */

#include "fetch.h"

#include <sys/queue.h>
#include <sys/socket.h>
#include <netinet/in.h>

#include <ctype.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <time.h>

#include <curl/curl.h>
#include <event2/event.h>

#include "log.h"
#include "netaddr.h"
#include "text.h"
#include "xmalloc.h"

#ifndef PACTFEED_VERSION
#define PACTFEED_VERSION	"0"
#endif

#define FETCH_HEADER_MAX	(100 * 1024)	/* curl's CURL_MAX_HTTP_HEADER */

#define FETCH_ACCEPT	"Accept: application/atom+xml, application/rss+xml, " \
	"application/rdf+xml;q=0.9, application/feed+json;q=0.9, " \
	"application/xml;q=0.9, text/xml;q=0.9, */*;q=0.5"

struct fetcher {
	struct event_base	*base;
	CURLM			*multi;
	struct event		*timer;
	struct fetch_limits	 limits;
	char			*user_agent;
	char		       **allow;		/* copy of allow_addrs */
	TAILQ_HEAD(, fetch)	 fetches;
	size_t			 nfetches;
	bool			 cancelling;
};

struct fetch {
	TAILQ_ENTRY(fetch)	 entry;
	struct fetcher		*fr;
	CURL			*easy;
	struct curl_slist	*headers;
	char			*url;
	struct buf		 body;
	bool			 too_big;
	char			 blocked[128];	/* the address refused */
	long			 last_code;	/* of the previous response */
	int			 nresponses;
	bool			 permanent;	/* every hop so far 301/308 */
	char			*moved_to;
	bool			 retried;	/* on a fresh connection */
	char			 errbuf[CURL_ERROR_SIZE];
	CURLcode		 code;
	struct fetch_result	 res;
	fetch_done_cb		 done;
	void			*arg;
};

static void	fetch_reap(struct fetcher *);

const char *
fetch_status_name(enum fetch_status s)
{
	static const char *const names[] = {
		[FETCH_OK] = "ok",
		[FETCH_NOT_MODIFIED] = "not-modified",
		[FETCH_EMPTY] = "empty",
		[FETCH_HTTP_ERROR] = "http-error",
		[FETCH_GONE] = "gone",
		[FETCH_TOO_BIG] = "too-big",
		[FETCH_TIMEOUT] = "timeout",
		[FETCH_DNS] = "dns",
		[FETCH_CONNECT] = "connect",
		[FETCH_TLS] = "tls",
		[FETCH_REDIRECTS] = "redirects",
		[FETCH_BLOCKED] = "blocked",
		[FETCH_NETWORK] = "network",
		[FETCH_CANCELLED] = "cancelled",
	};

	if ((size_t)s >= sizeof(names) / sizeof(names[0]) || names[s] == NULL)
		return "unknown";
	return names[s];
}

static void
fetch_free(struct fetch *f)
{
	if (f == NULL)
		return;
	free(f->res.effective_url);
	free(f->res.content_type);
	free(f->res.last_modified);
	free(f->res.etag);
	free(f->res.permanent_redirect);
	free(f->res.body);
	free(f->moved_to);
	buf_free(&f->body);
	free(f->url);
	if (f->easy != NULL)
		curl_easy_cleanup(f->easy);
	curl_slist_free_all(f->headers);
	free(f);
}

/* CURLMOPT_SOCKETFUNCTION: keep one event per socket curl uses. */
static void	fetch_io_cb(evutil_socket_t, short, void *);

static int
fetch_socket_cb(CURL *easy, curl_socket_t fd, int what, void *arg, void *sp)
{
	struct fetcher	*fr = arg;
	struct event	*ev = sp;
	short		 kind = EV_PERSIST;

	(void)easy;
	if (what == CURL_POLL_REMOVE) {
		if (ev != NULL)
			event_free(ev);
		curl_multi_assign(fr->multi, fd, NULL);
		return 0;
	}
	kind |= (what & CURL_POLL_IN) ? EV_READ : 0;
	kind |= (what & CURL_POLL_OUT) ? EV_WRITE : 0;
	if (ev == NULL) {
		ev = event_new(fr->base, fd, kind, fetch_io_cb, fr);
		if (ev == NULL)
			fatalx("event_new");
		curl_multi_assign(fr->multi, fd, ev);
	} else {
		event_del(ev);
		event_assign(ev, fr->base, fd, kind, fetch_io_cb, fr);
	}
	return event_add(ev, NULL);
}

/* CURLMOPT_TIMERFUNCTION: (re)arm our timer. Never call curl from here. */
static int
fetch_timer_cb(CURLM *multi, long ms, void *arg)
{
	struct fetcher	*fr = arg;
	struct timeval	 tv = { ms / 1000, (ms % 1000) * 1000 };

	(void)multi;
	return ms < 0 ? evtimer_del(fr->timer) : evtimer_add(fr->timer, &tv);
}

static void
fetch_io_cb(evutil_socket_t fd, short kind, void *arg)
{
	struct fetcher	*fr = arg;
	int		 action = 0, running;

	action |= (kind & EV_READ) ? CURL_CSELECT_IN : 0;
	action |= (kind & EV_WRITE) ? CURL_CSELECT_OUT : 0;
	curl_multi_socket_action(fr->multi, fd, action, &running);
	fetch_reap(fr);
}

static void
fetch_timeout_cb(evutil_socket_t fd, short kind, void *arg)
{
	struct fetcher	*fr = arg;
	int		 running;

	(void)fd;
	(void)kind;
	curl_multi_socket_action(fr->multi, CURL_SOCKET_TIMEOUT, 0, &running);
	fetch_reap(fr);
}

/*
 * CURLOPT_OPENSOCKETFUNCTION: curl asks us for every socket it connects,
 * with the address already resolved, for the first URL and for each
 * redirect. This is where a feed (or its redirect) pointing at our own
 * network is stopped.
 */
static curl_socket_t
fetch_opensocket_cb(void *arg, curlsocktype purpose,
    struct curl_sockaddr *a)
{
	struct fetch	*f = arg;
	struct fetcher	*fr = f->fr;
	const char	*what;
	char		 addr[INET6_ADDRSTRLEN + 8];
	curl_socket_t	 s;

	if (purpose != CURLSOCKTYPE_IPCXN)
		return CURL_SOCKET_BAD;
	if (!fr->limits.allow_private &&
	    (what = netaddr_class(&a->addr)) != NULL) {
		netaddr_format(&a->addr, addr, sizeof(addr));
		for (size_t i = 0; fr->allow != NULL && fr->allow[i]; i++)
			if (strcmp(fr->allow[i], addr) == 0)
				goto open;
		snprintf(f->blocked, sizeof(f->blocked), "%s (%s)", addr,
		    what);
		return CURL_SOCKET_BAD;
	}
open:
	s = socket(a->family, a->socktype | SOCK_CLOEXEC, a->protocol);
	return s == -1 ? CURL_SOCKET_BAD : s;
}

/*
 * CURLOPT_WRITEFUNCTION: curl hands us the body after decoding, so this
 * is where a small gzip that inflates without end is stopped, with or
 * without a Content-Length.
 */
static size_t
fetch_write_cb(char *p, size_t size, size_t n, void *arg)
{
	struct fetch	*f = arg;
	size_t		 len = size * n;

	if (len > f->fr->limits.max_body - f->body.len) {
		f->too_big = true;
		return 0;		/* curl ends with CURLE_WRITE_ERROR */
	}
	buf_add(&f->body, p, len);
	return len;
}

/*
 * CURLOPT_HEADERFUNCTION: only status lines matter here, to tell whether
 * the redirects followed so far were all permanent. When the status line
 * of response k arrives, curl's effective URL is the URL of request k.
 * Other headers are read from the final response with curl_easy_header().
 */
static size_t
fetch_header_cb(char *p, size_t size, size_t n, void *arg)
{
	struct fetch	*f = arg;
	size_t		 len = size * n;
	char		*url = NULL, line[32];
	int		 code;

	if (len < 12 || strncmp(p, "HTTP/", 5) != 0)
		return len;
	/* curl's header data is not NUL-terminated. */
	memcpy(line, p, len < sizeof(line) ? len : sizeof(line) - 1);
	line[len < sizeof(line) ? len : sizeof(line) - 1] = '\0';
	if (sscanf(line, "HTTP/%*s %3d", &code) != 1 || code < 200)
		return len;
	if (f->nresponses > 0 && f->permanent) {
		if (f->last_code == 301 || f->last_code == 308) {
			curl_easy_getinfo(f->easy, CURLINFO_EFFECTIVE_URL,
			    &url);
			free(f->moved_to);
			f->moved_to = url != NULL ? xstrdup(url) : NULL;
		} else
			f->permanent = false;
	}
	f->last_code = code;
	f->nresponses++;
	return len;
}

/* A header value of the final response, or NULL. */
static const char *
fetch_header(struct fetch *f, const char *name)
{
	struct curl_header	*h;

	if (curl_easy_header(f->easy, name, 0, CURLH_HEADER, -1, &h) !=
	    CURLHE_OK)
		return NULL;
	return h->value;
}

/* A header value we can send back: short, no control characters. */
static bool
fetch_header_safe(const char *v)
{
	size_t	n = 0;

	for (; v[n] != '\0'; n++)
		if ((unsigned char)v[n] < 0x20 || v[n] == 0x7f)
			return false;
	return n > 0 && n <= 1024;
}

/* Retry-After in seconds from now. A date is read against the server's
 * Date header when there is one, so a server clock that is off does not
 * move it. */
static long
fetch_retry_after(const char *v, time_t now, time_t date)
{
	char	*end;
	long	 n;
	time_t	 t;

	while (*v == ' ' || *v == '\t')
		v++;
	if (isdigit((unsigned char)*v)) {
		errno = 0;
		n = strtol(v, &end, 10);
		while (*end == ' ' || *end == '\t')
			end++;
		if (errno == 0 && *end == '\0')
			return n;
		return -1;
	}
	if ((t = curl_getdate(v, NULL)) == -1)
		return -1;
	if (date > 0)
		t = now + (t - date);
	return t > now ? (long)(t - now) : 0;
}

/* max-age from a Cache-Control value; -1 when absent or unreadable.
 * s-maxage is for shared caches and does not count. */
static long
fetch_max_age(const char *v)
{
	const char	*p = v;
	char		*end;
	long		 n;

	while (*p != '\0') {
		while (*p == ' ' || *p == '\t' || *p == ',')
			p++;
		if (strncasecmp(p, "max-age", 7) == 0 && p[7] == '=') {
			p += 8;
			if (*p == '"')
				p++;
			if (!isdigit((unsigned char)*p))
				return -1;
			errno = 0;
			n = strtol(p, &end, 10);
			return errno == 0 ? n : -1;
		}
		while (*p != '\0' && *p != ',')
			p++;
	}
	return -1;
}

/* The reply was no HTTP at all: curl 7.x says HTTP/0.9 (as an
 * unsupported protocol), curl 8 a weird server reply. */
static bool
fetch_not_http(const struct fetch *f)
{
	return f->code == CURLE_WEIRD_SERVER_REPLY ||
	    (f->code == CURLE_UNSUPPORTED_PROTOCOL &&
	    strstr(f->errbuf, "HTTP/0.9") != NULL);
}

static enum fetch_status
fetch_map_error(struct fetch *f)
{
	if (fetch_not_http(f))
		return FETCH_NETWORK;
	switch (f->code) {
	case CURLE_WRITE_ERROR:
		return f->too_big ? FETCH_TOO_BIG : FETCH_NETWORK;
	case CURLE_FILESIZE_EXCEEDED:
		return FETCH_TOO_BIG;
	case CURLE_OPERATION_TIMEDOUT:
		return FETCH_TIMEOUT;
	case CURLE_COULDNT_RESOLVE_HOST:
	case CURLE_COULDNT_RESOLVE_PROXY:
		return FETCH_DNS;
	case CURLE_COULDNT_CONNECT:
		return f->blocked[0] != '\0' ? FETCH_BLOCKED : FETCH_CONNECT;
	case CURLE_SSL_CONNECT_ERROR:
	case CURLE_PEER_FAILED_VERIFICATION:
	case CURLE_SSL_CERTPROBLEM:
	case CURLE_SSL_CIPHER:
	case CURLE_SSL_CACERT_BADFILE:
	case CURLE_SSL_ISSUER_ERROR:
	case CURLE_SSL_PINNEDPUBKEYNOTMATCH:
	case CURLE_SSL_INVALIDCERTSTATUS:
	case CURLE_SSL_CRL_BADFILE:
	case CURLE_SSL_SHUTDOWN_FAILED:
	case CURLE_SSL_ENGINE_NOTFOUND:
	case CURLE_SSL_ENGINE_SETFAILED:
	case CURLE_SSL_ENGINE_INITFAILED:
	case CURLE_USE_SSL_FAILED:
		return FETCH_TLS;
	case CURLE_TOO_MANY_REDIRECTS:
		return FETCH_REDIRECTS;
	case CURLE_UNSUPPORTED_PROTOCOL:
	case CURLE_URL_MALFORMAT:
		return FETCH_BLOCKED;
	default:
		return FETCH_NETWORK;
	}
}

static enum fetch_status
fetch_map_http(struct fetch *f)
{
	long	code = f->res.http_status;

	if (code == 304)
		return FETCH_NOT_MODIFIED;
	if (code == 410)
		return FETCH_GONE;
	if (code >= 200 && code < 300)
		return f->body.len == 0 ? FETCH_EMPTY : FETCH_OK;
	return FETCH_HTTP_ERROR;
}

/* Fills f->res once curl is done with the transfer. */
static void
fetch_finish(struct fetch *f)
{
	struct fetch_result	*r = &f->res;
	const char		*v;
	char			*s;
	curl_off_t		 n;
	time_t			 now = time(NULL), date = 0;
	long			 hsize = 0;

	curl_easy_getinfo(f->easy, CURLINFO_RESPONSE_CODE, &r->http_status);
	if (curl_easy_getinfo(f->easy, CURLINFO_TOTAL_TIME_T, &n) == CURLE_OK)
		r->seconds = n / 1e6;
	if (curl_easy_getinfo(f->easy, CURLINFO_SIZE_DOWNLOAD_T, &n) ==
	    CURLE_OK && n > 0)
		r->bytes_wire = n;
	if (curl_easy_getinfo(f->easy, CURLINFO_HEADER_SIZE, &hsize) ==
	    CURLE_OK && hsize > 0)
		r->bytes_wire += hsize;
	s = NULL;
	if (curl_easy_getinfo(f->easy, CURLINFO_EFFECTIVE_URL, &s) ==
	    CURLE_OK && s != NULL)
		r->effective_url = xstrdup(s);
	s = NULL;
	if (curl_easy_getinfo(f->easy, CURLINFO_CONTENT_TYPE, &s) ==
	    CURLE_OK && s != NULL)
		r->content_type = xstrdup(s);

	if (r->http_status > 0) {
		if ((v = fetch_header(f, "Date")) != NULL &&
		    (date = curl_getdate(v, NULL)) == -1)
			date = 0;
		if ((v = fetch_header(f, "ETag")) != NULL)
			r->etag = xstrdup(v);
		if ((v = fetch_header(f, "Last-Modified")) != NULL)
			r->last_modified = xstrdup(v);
		if ((v = fetch_header(f, "Retry-After")) != NULL)
			r->retry_after = fetch_retry_after(v, now, date);
		if ((v = fetch_header(f, "Cache-Control")) != NULL)
			r->max_age = fetch_max_age(v);
		/* Expires, like Retry-After, counts on the server's clock. */
		if ((v = fetch_header(f, "Expires")) != NULL &&
		    (r->expires = curl_getdate(v, NULL)) == -1)
			r->expires = 0;
		if (r->expires > 0 && date > 0)
			r->expires = now + (r->expires - date);
	}

	if (f->code != CURLE_OK) {
		r->status = fetch_map_error(f);
		if (r->status == FETCH_BLOCKED && f->blocked[0] != '\0')
			snprintf(r->error, sizeof(r->error),
			    "refused to connect to %s", f->blocked);
		else if (r->status == FETCH_TOO_BIG)
			snprintf(r->error, sizeof(r->error),
			    "body over %zu bytes", f->fr->limits.max_body);
		else if (fetch_not_http(f))
			snprintf(r->error, sizeof(r->error),
			    "not an HTTP reply: %.200s", f->errbuf[0] ?
			    f->errbuf : curl_easy_strerror(f->code));
		else if (f->code == CURLE_UNSUPPORTED_PROTOCOL)
			snprintf(r->error, sizeof(r->error),
			    "only http and https: %.200s", f->errbuf[0] ?
			    f->errbuf : curl_easy_strerror(f->code));
		else if (f->code == CURLE_OUT_OF_MEMORY &&
		    r->http_status > 0 && f->body.len == 0)
			/* What curl before 8.6 says of a header line over
			 * its limit (CURL_MAX_HTTP_HEADER); between the
			 * status line and the body, that is what it is. */
			snprintf(r->error, sizeof(r->error),
			    "a reply header over %d bytes (curl: %s)",
			    FETCH_HEADER_MAX, curl_easy_strerror(f->code));
		else
			snprintf(r->error, sizeof(r->error), "%s",
			    f->errbuf[0] ? f->errbuf :
			    curl_easy_strerror(f->code));
	} else {
		r->status = fetch_map_http(f);
		if (r->status == FETCH_HTTP_ERROR || r->status == FETCH_GONE)
			snprintf(r->error, sizeof(r->error), "HTTP %ld",
			    r->http_status);
		/* Where the permanent part of the chain ended, even if a
		 * temporary redirect followed; only when it led somewhere
		 * that works. */
		if ((r->status == FETCH_OK || r->status == FETCH_NOT_MODIFIED ||
		    r->status == FETCH_EMPTY) && f->moved_to != NULL) {
			r->permanent_redirect = f->moved_to;
			f->moved_to = NULL;
		}
	}
	if (r->status == FETCH_OK || r->status == FETCH_HTTP_ERROR ||
	    r->status == FETCH_GONE) {
		r->len = f->body.len;
		r->body = buf_release(&f->body);
	}
	if (r->body == NULL)
		r->body = xstrdup("");
}

/*
 * A reply that is no HTTP at all on a connection curl reused is most
 * likely what the previous reply on it left behind: a server that sent
 * more than its Content-Length said, the rest read as the start of the
 * next reply. That is not this source's fault, so it is tried once more
 * on a fresh connection. A redirect may be what went to a reused
 * connection, so any transfer with fewer new connections than requests
 * counts. True when the transfer is running again.
 */
static bool
fetch_retry_fresh(struct fetcher *fr, struct fetch *f)
{
	long	nconnects = -1;

	if (f->retried || fr->cancelling || !fetch_not_http(f))
		return false;
	/* Each request of the transfer (one a redirect, and the one that
	 * failed) on a new connection: the reply is the server's own. */
	if (curl_easy_getinfo(f->easy, CURLINFO_NUM_CONNECTS, &nconnects) !=
	    CURLE_OK || nconnects >= f->nresponses + 1)
		return false;
	curl_multi_remove_handle(fr->multi, f->easy);
	f->retried = true;
	buf_reset(&f->body);
	f->too_big = false;
	f->blocked[0] = '\0';
	f->last_code = 0;
	f->nresponses = 0;
	f->permanent = true;
	free(f->moved_to);
	f->moved_to = NULL;
	if (curl_easy_setopt(f->easy, CURLOPT_FRESH_CONNECT, 1L) != CURLE_OK ||
	    curl_multi_add_handle(fr->multi, f->easy) != CURLM_OK)
		return false;	/* ends with the first reply's error */
	f->errbuf[0] = '\0';
	return true;
}

/* The one place transfers end. */
static void
fetch_reap(struct fetcher *fr)
{
	struct fetch	*f;
	CURLMsg		*m;
	char		*p;
	int		 left;

	while ((m = curl_multi_info_read(fr->multi, &left)) != NULL) {
		if (m->msg != CURLMSG_DONE)
			continue;
		curl_easy_getinfo(m->easy_handle, CURLINFO_PRIVATE, &p);
		f = (struct fetch *)p;
		f->code = m->data.result;	/* m dies with the handle */
		if (fetch_retry_fresh(fr, f))
			continue;
		fetch_finish(f);
		curl_multi_remove_handle(fr->multi, f->easy);
		TAILQ_REMOVE(&fr->fetches, f, entry);
		fr->nfetches--;
		f->done(&f->res, f->arg);
		fetch_free(f);
	}
}

struct fetcher *
fetcher_new(struct event_base *base, const struct fetch_limits *lim)
{
	struct fetcher	*fr;
	size_t		 n = 0;

	if (curl_global_init(CURL_GLOBAL_DEFAULT) != CURLE_OK)
		fatalx("curl_global_init");
	fr = xcalloc(1, sizeof(*fr));
	fr->base = base;
	TAILQ_INIT(&fr->fetches);
	fr->limits = *lim;
	if (fr->limits.connect_timeout <= 0)
		fr->limits.connect_timeout = 30;
	if (fr->limits.timeout <= 0)
		fr->limits.timeout = 120;
	if (fr->limits.low_speed_time <= 0)
		fr->limits.low_speed_time = 30;
	if (fr->limits.low_speed_limit <= 0)
		fr->limits.low_speed_limit = 16;
	if (fr->limits.max_body == 0)
		fr->limits.max_body = 16 * 1024 * 1024;
	if (fr->limits.max_redirects == 0)
		fr->limits.max_redirects = 5;
	if (fr->limits.max_host_connections <= 0)
		fr->limits.max_host_connections = 4;
	fr->user_agent = xstrdup(lim->user_agent != NULL ? lim->user_agent :
	    "pactfeed/" PACTFEED_VERSION);
	fr->limits.user_agent = NULL;
	if (lim->allow_addrs != NULL) {
		while (lim->allow_addrs[n] != NULL)
			n++;
		fr->allow = xcalloc(n + 1, sizeof(*fr->allow));
		for (size_t i = 0; i < n; i++)
			fr->allow[i] = xstrdup(lim->allow_addrs[i]);
	}
	fr->limits.allow_addrs = NULL;

	if ((fr->multi = curl_multi_init()) == NULL)
		fatalx("curl_multi_init");
	if ((fr->timer = evtimer_new(base, fetch_timeout_cb, fr)) == NULL)
		fatalx("evtimer_new");
	curl_multi_setopt(fr->multi, CURLMOPT_SOCKETFUNCTION, fetch_socket_cb);
	curl_multi_setopt(fr->multi, CURLMOPT_SOCKETDATA, fr);
	curl_multi_setopt(fr->multi, CURLMOPT_TIMERFUNCTION, fetch_timer_cb);
	curl_multi_setopt(fr->multi, CURLMOPT_TIMERDATA, fr);
	/*
	 * Only a backstop: the scheduler must keep each host under this
	 * itself. A transfer curl parks waiting for a free connection to
	 * its host has already started its CURLOPT_TIMEOUT clock (it runs
	 * from curl_multi_add_handle), so behind one slow transfer the
	 * queued ones would time out without ever sending a byte, and be
	 * blamed on the source.
	 */
	curl_multi_setopt(fr->multi, CURLMOPT_MAX_HOST_CONNECTIONS,
	    (long)fr->limits.max_host_connections);
	return fr;
}

/* The easy handle for one transfer, every limit and callback set. */
static int
fetch_setup(struct fetch *f, const struct fetch_request *req)
{
	const struct fetch_limits	*lim = &f->fr->limits;
	char				*h;
	CURL				*e = f->easy;

	f->headers = curl_slist_append(f->headers, FETCH_ACCEPT);
	if (req->etag != NULL && fetch_header_safe(req->etag)) {
		h = xasprintf("If-None-Match: %s", req->etag);
		f->headers = curl_slist_append(f->headers, h);
		free(h);
	}
	if (req->last_modified != NULL &&
	    fetch_header_safe(req->last_modified)) {
		h = xasprintf("If-Modified-Since: %s", req->last_modified);
		f->headers = curl_slist_append(f->headers, h);
		free(h);
	}
	if (f->headers == NULL)
		return -1;

#define SET(opt, val) do {						\
	if (curl_easy_setopt(e, (opt), (val)) != CURLE_OK)		\
		return -1;						\
} while (0)
	SET(CURLOPT_URL, f->url);
	SET(CURLOPT_PRIVATE, (char *)f);
	SET(CURLOPT_ERRORBUFFER, f->errbuf);
	SET(CURLOPT_NOSIGNAL, 1L);
	/* No proxy from the environment: through a proxy the address
	 * check would see the proxy, never the feed's host. */
	SET(CURLOPT_PROXY, "");
	SET(CURLOPT_PROTOCOLS_STR, "http,https");
	SET(CURLOPT_REDIR_PROTOCOLS_STR, "http,https");
	SET(CURLOPT_FOLLOWLOCATION, lim->max_redirects > 0 ? 1L : 0L);
	SET(CURLOPT_MAXREDIRS, (long)(lim->max_redirects > 0 ?
	    lim->max_redirects : 0));
	SET(CURLOPT_USERAGENT, f->fr->user_agent);
	SET(CURLOPT_HTTPHEADER, f->headers);
	SET(CURLOPT_ACCEPT_ENCODING, "");	/* all curl can decode */
	SET(CURLOPT_CONNECTTIMEOUT, (long)lim->connect_timeout);
	SET(CURLOPT_TIMEOUT, (long)lim->timeout);
	SET(CURLOPT_LOW_SPEED_TIME, (long)lim->low_speed_time);
	SET(CURLOPT_LOW_SPEED_LIMIT, (long)lim->low_speed_limit);
	/* Refuses a declared Content-Length over the limit before the
	 * body; the write callback catches what is not declared. */
	SET(CURLOPT_MAXFILESIZE_LARGE, (curl_off_t)lim->max_body);
	SET(CURLOPT_OPENSOCKETFUNCTION, fetch_opensocket_cb);
	SET(CURLOPT_OPENSOCKETDATA, f);
	SET(CURLOPT_WRITEFUNCTION, fetch_write_cb);
	SET(CURLOPT_WRITEDATA, f);
	SET(CURLOPT_HEADERFUNCTION, fetch_header_cb);
	SET(CURLOPT_HEADERDATA, f);
#undef SET
	return 0;
}

int
fetch_start(struct fetcher *fr, const struct fetch_request *req,
    fetch_done_cb done, void *arg, char *err, size_t errlen)
{
	struct fetch	*f;
	CURLMcode	 mc;

	if (fr->cancelling) {
		snprintf(err, errlen, "fetcher is shutting down");
		return -1;
	}
	if (req->url == NULL) {
		snprintf(err, errlen, "no URL");
		return -1;
	}
	f = xcalloc(1, sizeof(*f));
	f->fr = fr;
	f->done = done;
	f->arg = arg;
	f->url = xstrdup(req->url);
	f->permanent = true;
	f->res.retry_after = -1;
	f->res.max_age = -1;
	if ((f->easy = curl_easy_init()) == NULL) {
		snprintf(err, errlen, "curl_easy_init failed");
		goto fail;
	}
	if (fetch_setup(f, req) == -1) {
		snprintf(err, errlen, "%s: cannot set up the transfer",
		    req->url);
		goto fail;
	}
	if ((mc = curl_multi_add_handle(fr->multi, f->easy)) != CURLM_OK) {
		snprintf(err, errlen, "%s: %s", req->url,
		    curl_multi_strerror(mc));
		goto fail;
	}
	TAILQ_INSERT_TAIL(&fr->fetches, f, entry);
	fr->nfetches++;
	return 0;
fail:
	fetch_free(f);
	return -1;
}

void
fetcher_cancel_all(struct fetcher *fr)
{
	struct fetch	*f;

	fr->cancelling = true;
	while ((f = TAILQ_FIRST(&fr->fetches)) != NULL) {
		TAILQ_REMOVE(&fr->fetches, f, entry);
		fr->nfetches--;
		curl_multi_remove_handle(fr->multi, f->easy);
		f->res.status = FETCH_CANCELLED;
		snprintf(f->res.error, sizeof(f->res.error),
		    "stopped before the end");
		f->res.body = xstrdup("");
		f->done(&f->res, f->arg);
		fetch_free(f);
	}
	fr->cancelling = false;
}

size_t
fetcher_active(struct fetcher *fr)
{
	return fr->nfetches;
}

void
fetcher_free(struct fetcher *fr)
{
	if (fr == NULL)
		return;
	fetcher_cancel_all(fr);
	/* curl may still call fetch_socket_cb as it closes its cached
	 * connections, so the multi goes before the timer. */
	if (fr->multi != NULL)
		curl_multi_cleanup(fr->multi);
	if (fr->timer != NULL)
		event_free(fr->timer);
	for (size_t i = 0; fr->allow != NULL && fr->allow[i] != NULL; i++)
		free(fr->allow[i]);
	free(fr->allow);
	free(fr->user_agent);
	free(fr);
	curl_global_cleanup();
}
