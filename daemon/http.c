/*
 * The HTTP server. Every document is a struct http_doc: its bytes, its
 * gzip form, its ETag (a hash of the bytes, so it survives restarts)
 * and its Last-Modified (when those bytes first appeared), made once
 * and shared by reference with every response that sends it, so a
 * cached feed is never copied or compressed per request. Feeds are
 * cached by their canonical path and made again only when the store's
 * generation moved; when the new bytes equal the old, the old document
 * stays, Last-Modified included. Requests and memory are bounded: GET
 * and HEAD only, evhttp's header, body and time limits from the config,
 * a cap on cached documents, and the listener paused while
 * http_max_connections connections are open. Feeds go out as
 * application/atom+xml, except to a browser, which gets application/xml
 * so that it applies /feed.xsl. The cache follows store_generation(),
 * which also sees commits by other processes (a cron fetch --once).
 */

#include "http.h"

#include <sys/queue.h>
#include <sys/socket.h>

#include <netinet/in.h>
#include <netinet/tcp.h>

#include <errno.h>
#include <inttypes.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <event2/buffer.h>
#include <event2/bufferevent.h>
#include <event2/event.h>
#include <event2/http.h>
#include <event2/keyvalq_struct.h>
#include <event2/listener.h>
#include <zlib.h>

#include "config.h"
#include "daemon.h"
#include "date.h"
#include "entry.h"
#include "log.h"
#include "page.h"
#include "render.h"
#include "store.h"
#include "text.h"
#include "xmalloc.h"

#define HTTP_CACHE_MAX		512		/* cached feed pages */
#define HTTP_CACHE_BYTES	(64u << 20)	/* their bytes, both forms */
#define HTTP_GZIP_MIN		256		/* smaller: not worth it */

#define HTTP_TYPE_ATOM	"application/atom+xml; charset=utf-8"
#define HTTP_TYPE_HTML	"text/html; charset=utf-8"
#define HTTP_TYPE_TEXT	"text/plain; charset=utf-8"

/* One rendered response body, shared by the cache and every response
 * still sending it; freed when the last of them lets go. */
struct http_doc {
	int		 refs;
	char		*body;
	size_t		 len;
	char		*gz;		/* NULL: sent as is */
	size_t		 gzlen;
	uint64_t	 hash;
	char		 etag[24];	/* "\"<hash>\"" */
	char		 etag_gz[28];	/* "\"<hash>-gz\"" */
	time_t		 modified;
	const char	*type;
	const char	*browser_type;	/* for browsers, or NULL */
	const char	*cache_control;
};

struct http_cached {
	char		*key;		/* render_feed_path() */
	uint64_t	 keyhash;
	uint64_t	 generation;
	uint64_t	 used;		/* LRU clock */
	struct http_doc	*doc;
};

struct http {
	struct daemon			*d;
	struct evhttp			*eh;
	struct evhttp_bound_socket	*sock;
	bool				 stopped;
	struct evhttp_connection	**conns;	/* open ones */
	size_t				 nconn;
	bool				 paused;

	struct http_cached		*cache;
	size_t				 ncache;
	size_t				 cache_bytes;
	uint64_t			 clock;
	struct page_http_stats		 stats;

	struct http_doc			*xsl;
	struct http_doc			*opml;
	struct http_doc			*index;
	uint64_t			 index_print;
	struct page_counts		 topics;
	struct page_counts		 sources;
	uint64_t			 counts_gen;
	bool				 counts_ok;
};

static uint64_t
http_hash(const void *p, size_t len, uint64_t h)
{
	const unsigned char	*s = p;

	for (size_t i = 0; i < len; i++) {
		h ^= s[i];
		h *= 0x100000001b3ULL;
	}
	return h;
}

#define HTTP_HASH0	0xcbf29ce484222325ULL

static void
http_doc_unref(struct http_doc *doc)
{
	if (doc == NULL || --doc->refs > 0)
		return;
	free(doc->body);
	free(doc->gz);
	free(doc);
}

/* evbuffer_add_reference's cleanup: a response is done with the doc. */
static void
http_doc_release_cb(const void *data, size_t len, void *arg)
{
	struct http_doc	*doc = arg;

	(void)data;
	(void)len;
	http_doc_unref(doc);
}

/* body in gzip form, or NULL when compressing does not pay. */
static char *
http_gzip(const char *body, size_t len, size_t *gzlen)
{
	z_stream	 z;
	char		*out;
	size_t		 cap;

	if (len < HTTP_GZIP_MIN)
		return NULL;
	memset(&z, 0, sizeof(z));
	/* windowBits 15 + 16: a gzip wrapper rather than zlib's. */
	if (deflateInit2(&z, 9, Z_DEFLATED, 15 + 16, 8,
	    Z_DEFAULT_STRATEGY) != Z_OK)
		fatalx("http: deflateInit2 failed");
	cap = deflateBound(&z, len);
	out = xmalloc(cap);
	z.next_in = (Bytef *)body;
	z.avail_in = len;
	z.next_out = (Bytef *)out;
	z.avail_out = cap;
	if (deflate(&z, Z_FINISH) != Z_STREAM_END) {
		deflateEnd(&z);
		free(out);
		return NULL;
	}
	*gzlen = z.total_out;
	deflateEnd(&z);
	if (*gzlen >= len) {
		free(out);
		return NULL;
	}
	return out;
}

/*
 * A document for body (taken). When it equals old's bytes, old is kept
 * and body freed; else the new one is modified now, or a second after
 * old when the clock has not moved on, so If-Modified-Since never
 * hides a change.
 */
static struct http_doc *
http_doc_new(char *body, size_t len, const char *type,
    const char *cache_control, struct http_doc *old)
{
	struct http_doc	*doc;
	uint64_t	 h = http_hash(body, len, HTTP_HASH0);
	time_t		 now = time(NULL);

	if (old != NULL && old->hash == h && old->len == len &&
	    memcmp(old->body, body, len) == 0) {
		free(body);
		old->refs++;
		return old;
	}
	doc = xcalloc(1, sizeof(*doc));
	doc->refs = 1;
	doc->body = body;
	doc->len = len;
	doc->gz = http_gzip(body, len, &doc->gzlen);
	doc->hash = h;
	snprintf(doc->etag, sizeof(doc->etag), "\"%016" PRIx64 "\"", h);
	snprintf(doc->etag_gz, sizeof(doc->etag_gz), "\"%016" PRIx64 "-gz\"",
	    h);
	doc->modified = now;
	if (old != NULL && old->modified >= now)
		doc->modified = old->modified + 1;
	doc->type = type;
	doc->cache_control = cache_control;
	return doc;
}

/* Does the client take gzip? Accept-Encoding with its q-values. */
static bool
http_accepts_gzip(const char *ae)
{
	double	 gz = -1, star = -1;

	if (ae == NULL)
		return false;
	while (*ae != '\0') {
		const char	*tok, *end;
		size_t		 n;
		double		 q = 1;

		ae += strspn(ae, " \t,");
		tok = ae;
		end = ae + strcspn(ae, ",");
		n = strcspn(tok, " \t;,");
		for (const char *p = tok + n; p < end; p++) {
			if (*p == ';') {
				p++;
				p += strspn(p, " \t");
				if ((*p == 'q' || *p == 'Q') && p[1] == '=')
					q = strtod(p + 2, NULL);
			}
		}
		if ((n == 4 && strncasecmp(tok, "gzip", 4) == 0) ||
		    (n == 6 && strncasecmp(tok, "x-gzip", 6) == 0))
			gz = q;
		else if (n == 1 && *tok == '*')
			star = q;
		ae = end;
	}
	return gz >= 0 ? gz > 0 : star > 0;
}

/* If-None-Match against both forms of our ETag (a weak comparison, as
 * RFC 9110 asks for this header). */
static bool
http_etag_matches(const char *inm, const struct http_doc *doc)
{
	while (inm != NULL && *inm != '\0') {
		size_t	n;

		inm += strspn(inm, " \t,");
		if (strncmp(inm, "W/", 2) == 0)
			inm += 2;
		n = strcspn(inm, " \t,");
		if (n == 0)
			break;
		if ((n == 1 && *inm == '*') ||
		    (n == strlen(doc->etag) &&
		    strncmp(inm, doc->etag, n) == 0) ||
		    (n == strlen(doc->etag_gz) &&
		    strncmp(inm, doc->etag_gz, n) == 0))
			return true;
		inm += n;
	}
	return false;
}

static bool
http_not_modified(struct evhttp_request *req, const struct http_doc *doc)
{
	struct evkeyvalq	*in = evhttp_request_get_input_headers(req);
	const char		*inm, *ims;
	time_t			 t;

	if ((inm = evhttp_find_header(in, "If-None-Match")) != NULL)
		return http_etag_matches(inm, doc);
	if ((ims = evhttp_find_header(in, "If-Modified-Since")) != NULL &&
	    (t = date_parse(ims)) != DATE_NONE)
		return doc->modified <= t;
	return false;
}

/*
 * A browser opening a feed: it asks for HTML and never names Atom.
 * Browsers show application/atom+xml as text or as a download, but
 * apply the feed's stylesheet to application/xml, so that is what they
 * get; readers name Atom or take anything, and get application/atom+xml.
 */
static bool
http_is_browser(struct evhttp_request *req)
{
	const char	*accept;

	accept = evhttp_find_header(evhttp_request_get_input_headers(req),
	    "Accept");
	return accept != NULL && strstr(accept, "text/html") != NULL &&
	    strstr(accept, "application/atom+xml") == NULL;
}

/* The one way a document goes out: conditional GET, gzip, HEAD. */
static void
http_send_doc(struct evhttp_request *req, struct http_doc *doc)
{
	struct evkeyvalq	*out = evhttp_request_get_output_headers(req);
	struct evbuffer		*body;
	const char		*data = doc->body;
	size_t			 len = doc->len;
	char			 lm[DATE_HTTPLEN], cl[32];
	bool			 gz;

	gz = doc->gz != NULL && http_accepts_gzip(evhttp_find_header(
	    evhttp_request_get_input_headers(req), "Accept-Encoding"));
	if (gz) {
		data = doc->gz;
		len = doc->gzlen;
		evhttp_add_header(out, "Content-Encoding", "gzip");
	}
	evhttp_add_header(out, "Content-Type", doc->browser_type != NULL &&
	    http_is_browser(req) ? doc->browser_type : doc->type);
	evhttp_add_header(out, "ETag", gz ? doc->etag_gz : doc->etag);
	evhttp_add_header(out, "Last-Modified",
	    date_format_http(doc->modified, lm, sizeof(lm)));
	evhttp_add_header(out, "Vary", doc->browser_type != NULL ?
	    "Accept-Encoding, Accept" : "Accept-Encoding");
	evhttp_add_header(out, "Cache-Control", doc->cache_control);
	if (http_not_modified(req, doc)) {
		evhttp_remove_header(out, "Content-Encoding");
		evhttp_send_reply(req, HTTP_NOTMODIFIED, "Not Modified", NULL);
		return;
	}
	body = evbuffer_new();
	if (evhttp_request_get_command(req) == EVHTTP_REQ_HEAD) {
		/* evhttp sends no body for HEAD and, then, no length. */
		snprintf(cl, sizeof(cl), "%zu", len);
		evhttp_add_header(out, "Content-Length", cl);
	} else {
		doc->refs++;
		evbuffer_add_reference(body, data, len, http_doc_release_cb,
		    doc);
	}
	evhttp_send_reply(req, HTTP_OK, "OK", body);
	evbuffer_free(body);
}

/* A generated page that is never cached (health, metrics). */
static void
http_send_fresh(struct evhttp_request *req, char *text, size_t len,
    const char *type)
{
	struct evkeyvalq	*out = evhttp_request_get_output_headers(req);
	struct evbuffer		*body = evbuffer_new();
	char			 cl[32];

	evhttp_add_header(out, "Content-Type", type);
	evhttp_add_header(out, "Cache-Control", "no-store");
	if (evhttp_request_get_command(req) == EVHTTP_REQ_HEAD) {
		snprintf(cl, sizeof(cl), "%zu", len);
		evhttp_add_header(out, "Content-Length", cl);
	} else
		evbuffer_add(body, text, len);
	evhttp_send_reply(req, HTTP_OK, "OK", body);
	evbuffer_free(body);
	free(text);
}

/* 400, 404 and friends with a sentence saying why, as plain text. */
static void
http_send_problem(struct evhttp_request *req, int code, const char *reason,
    const char *why)
{
	struct evkeyvalq	*out = evhttp_request_get_output_headers(req);
	struct evbuffer		*body = evbuffer_new();

	evhttp_add_header(out, "Content-Type", HTTP_TYPE_TEXT);
	evhttp_add_header(out, "Cache-Control", "no-store");
	if (evhttp_request_get_command(req) != EVHTTP_REQ_HEAD)
		evbuffer_add_printf(body, "%d %s: %s\n", code, reason, why);
	evhttp_send_reply(req, code, reason, body);
	evbuffer_free(body);
}

static void
http_cache_drop(struct http *h, size_t i)
{
	struct http_cached	*c = &h->cache[i];

	h->cache_bytes -= c->doc->len + c->doc->gzlen;
	http_doc_unref(c->doc);
	free(c->key);
	h->cache[i] = h->cache[--h->ncache];
}

static void
http_cache_clear(struct http *h)
{
	while (h->ncache > 0)
		http_cache_drop(h, h->ncache - 1);
}

/* Makes room for one more entry of len bytes, oldest use first. */
static void
http_cache_evict(struct http *h, size_t len)
{
	while (h->ncache > 0 && (h->ncache >= HTTP_CACHE_MAX ||
	    h->cache_bytes + len > HTTP_CACHE_BYTES)) {
		size_t	lru = 0;

		for (size_t i = 1; i < h->ncache; i++)
			if (h->cache[i].used < h->cache[lru].used)
				lru = i;
		http_cache_drop(h, lru);
	}
}

/* The document of a feed page: cached, or rendered now. NULL with a
 * message when the store fails. */
static struct http_doc *
http_feed_doc(struct http *h, const struct render_feed *rf, char *err,
    size_t errlen)
{
	struct daemon		*d = h->d;
	struct http_cached	*c = NULL;
	struct http_doc		*doc, *old = NULL;
	uint64_t		 gen = store_generation(d->store), kh;
	char			*key, *body;
	size_t			 len, i;

	key = render_feed_path(rf);
	kh = http_hash(key, strlen(key), HTTP_HASH0);
	for (i = 0; i < h->ncache; i++)
		if (h->cache[i].keyhash == kh &&
		    strcmp(h->cache[i].key, key) == 0) {
			c = &h->cache[i];
			break;
		}
	if (c != NULL && c->generation == gen) {
		c->used = ++h->clock;
		h->stats.hits++;
		free(key);
		return c->doc;
	}
	if ((body = render_atom(d->store, d->cfg, rf, &len, err,
	    errlen)) == NULL) {
		free(key);
		return NULL;
	}
	h->stats.renders++;
	if (c != NULL)
		old = c->doc;
	doc = http_doc_new(body, len, HTTP_TYPE_ATOM,
	    "public, max-age=60", old);
	doc->browser_type = "application/xml; charset=utf-8";
	if (c != NULL) {
		h->cache_bytes -= old->len + old->gzlen;
		http_doc_unref(old);
		c->doc = doc;
		c->generation = gen;
		c->used = ++h->clock;
		h->cache_bytes += doc->len + doc->gzlen;
		free(key);
		return doc;
	}
	http_cache_evict(h, doc->len + doc->gzlen);
	h->cache = xreallocarray(h->cache, h->ncache + 1, sizeof(*h->cache));
	c = &h->cache[h->ncache++];
	c->key = key;
	c->keyhash = kh;
	c->generation = gen;
	c->used = ++h->clock;
	c->doc = doc;
	h->cache_bytes += doc->len + doc->gzlen;
	return doc;
}

/* /feed.atom, /topics/{id}.atom, /sources/{id}.atom, /search.atom. */
/* Reads the query into rf and checks it; false after answering with a
 * 400 or 404 that says what is wrong. */
static bool
http_feed_params(struct http *h, struct evhttp_request *req,
    struct render_feed *rf, const char *query)
{
	struct evkeyvalq	 params;
	struct evkeyval		*kv;
	char			 err[512];
	int			 notfound;

	TAILQ_INIT(&params);
	if (query != NULL && evhttp_parse_query_str(query, &params) == -1) {
		http_send_problem(req, HTTP_BADREQUEST, "Bad Request",
		    "malformed query string");
		return false;
	}
	TAILQ_FOREACH(kv, &params, next) {
		if (render_feed_param(rf, kv->key, kv->value, err,
		    sizeof(err)) == -1) {
			http_send_problem(req, HTTP_BADREQUEST,
			    "Bad Request", err);
			evhttp_clear_headers(&params);
			return false;
		}
	}
	evhttp_clear_headers(&params);
	if (render_feed_check(rf, h->d->cfg, &notfound, err,
	    sizeof(err)) == -1) {
		if (notfound)
			http_send_problem(req, HTTP_NOTFOUND, "Not Found", err);
		else
			http_send_problem(req, HTTP_BADREQUEST, "Bad Request",
			    err);
		return false;
	}
	return true;
}

static void
http_serve_debug(struct http *h, struct evhttp_request *req,
    struct render_feed *rf, const char *query)
{
	char	*text, err[512];
	size_t	 len;

	if (!http_feed_params(h, req, rf, query))
		return;
	if ((text = render_debug_json(h->d->store, rf, &len, err,
	    sizeof(err))) == NULL) {
		log_warnx("http: %s", err);
		http_send_problem(req, HTTP_INTERNAL, "Internal Server Error",
		    "the archive could not be read; see the log");
		return;
	}
	http_send_fresh(req, text, len, "application/json; charset=utf-8");
}

static void
http_serve_feed(struct http *h, struct evhttp_request *req,
    struct render_feed *rf, const char *query)
{
	struct http_doc		*doc;
	char			 err[512];

	if (!http_feed_params(h, req, rf, query))
		return;
	if ((doc = http_feed_doc(h, rf, err, sizeof(err))) == NULL) {
		log_warnx("http: %s", err);
		http_send_problem(req, HTTP_INTERNAL, "Internal Server Error",
		    "the archive could not be read; see the log");
		return;
	}
	http_send_doc(req, doc);
}

/* The counts the / page and /metrics show, once per store change. */
static bool
http_counts(struct http *h)
{
	uint64_t	gen = store_generation(h->d->store);
	char		err[256];

	if (h->counts_ok && h->counts_gen == gen)
		return true;
	page_counts_free(&h->topics);
	page_counts_free(&h->sources);
	h->counts_ok = page_counts_load(h->d, &h->topics, &h->sources, err,
	    sizeof(err)) == 0;
	if (!h->counts_ok)
		log_warnx("http: counts: %s", err);
	h->counts_gen = gen;
	return h->counts_ok;
}

/* What the / page shows changes with the store, the sources' health
 * and the day (it says "no new entry for N days"). */
static uint64_t
http_index_print(struct http *h)
{
	struct daemon	*d = h->d;
	uint64_t	 p = HTTP_HASH0, gen = store_generation(d->store);
	int64_t		 day = time(NULL) / 86400;

	p = http_hash(&gen, sizeof(gen), p);
	p = http_hash(&day, sizeof(day), p);
	for (size_t i = 0; i < d->nsources; i++) {
		const struct source_run	*s = &d->sources[i];
		int64_t			 v[7] = { s->last_fetch,
			s->last_success, s->next_fetch, s->last_new,
			s->entries, s->error_streak, s->disabled };

		p = http_hash(v, sizeof(v), p);
	}
	return p;
}

static void
http_serve_index(struct http *h, struct evhttp_request *req)
{
	struct http_doc	*doc;
	uint64_t	 print;
	char		*body;
	size_t		 len;

	http_counts(h);
	print = http_index_print(h);
	if (h->index == NULL || h->index_print != print) {
		body = page_index(h->d, &h->topics, &h->sources, &len);
		doc = http_doc_new(body, len, HTTP_TYPE_HTML, "no-cache",
		    h->index);
		http_doc_unref(h->index);
		h->index = doc;
		h->index_print = print;
	}
	http_send_doc(req, h->index);
}

/*
 * Connection accounting. evhttp 2.1 has no connection limit, so a
 * connection is counted at its first request and forgotten in its close
 * callback; at the limit the listener is paused and further clients
 * wait in the kernel's backlog. A connection that never completes a
 * request is not counted: evhttp's timeout and header limit bound it.
 */
static void
http_listener_update(struct http *h)
{
	struct evconnlistener	*l;
	bool			 full;

	if (h->sock == NULL || h->stopped)
		return;
	full = h->d->cfg->http_max_connections > 0 &&
	    h->nconn >= (size_t)h->d->cfg->http_max_connections;
	if (full == h->paused)
		return;
	l = evhttp_bound_socket_get_listener(h->sock);
	if (full)
		evconnlistener_disable(l);
	else
		evconnlistener_enable(l);
	h->paused = full;
}

static void
http_conn_close_cb(struct evhttp_connection *evcon, void *arg)
{
	struct http	*h = arg;

	for (size_t i = 0; i < h->nconn; i++)
		if (h->conns[i] == evcon) {
			h->conns[i] = h->conns[--h->nconn];
			break;
		}
	http_listener_update(h);
}

/* Counts the request's connection if it is new; false when over the
 * limit (a connection accepted before the listener was paused). */
static bool
http_conn_track(struct http *h, struct evhttp_request *req)
{
	struct evhttp_connection	*evcon;
	struct bufferevent		*bev;
	evutil_socket_t			 fd;
	size_t				 max;
	int				 one = 1;

	if ((evcon = evhttp_request_get_connection(req)) == NULL)
		return true;
	for (size_t i = 0; i < h->nconn; i++)
		if (h->conns[i] == evcon)
			return true;
	max = h->d->cfg->http_max_connections;
	if (max > 0 && h->nconn >= max)
		return false;
	h->conns = xreallocarray(h->conns, h->nconn + 1, sizeof(*h->conns));
	h->conns[h->nconn++] = evcon;
	/* Headers and body leave in separate writes: without this, Nagle
	 * and the reader's delayed ACK hold a large response for 40 ms. */
	bev = evhttp_connection_get_bufferevent(evcon);
	if (bev != NULL && (fd = bufferevent_getfd(bev)) != -1 &&
	    setsockopt(fd, IPPROTO_TCP, TCP_NODELAY, &one,
	    sizeof(one)) == -1 && errno != EOPNOTSUPP)
		log_debug("http: TCP_NODELAY: %s", strerror(errno));
	evhttp_connection_set_closecb(evcon, http_conn_close_cb, h);
	http_listener_update(h);
	return true;
}

static void
http_request_cb(struct evhttp_request *req, void *arg)
{
	struct http			*h = arg;
	const struct evhttp_uri		*uri;
	struct render_feed		 rf = { 0 };
	const char			*raw;
	enum evhttp_cmd_type		 cmd;
	char				*path = NULL, *text;
	size_t				 len;

	h->d->stats.http_requests++;
	if (!http_conn_track(h, req)) {
		evhttp_add_header(evhttp_request_get_output_headers(req),
		    "Connection", "close");
		http_send_problem(req, HTTP_SERVUNAVAIL, "Service Unavailable",
		    "too many connections; try again later");
		return;
	}
	cmd = evhttp_request_get_command(req);
	if (cmd != EVHTTP_REQ_GET && cmd != EVHTTP_REQ_HEAD) {
		evhttp_add_header(evhttp_request_get_output_headers(req),
		    "Allow", "GET, HEAD");
		http_send_problem(req, 405, "Method Not Allowed",
		    "only GET and HEAD are served here");
		return;
	}
	uri = evhttp_request_get_evhttp_uri(req);
	if ((raw = evhttp_uri_get_path(uri)) == NULL || *raw == '\0')
		raw = "/";
	if ((path = evhttp_uridecode(raw, 0, &len)) == NULL ||
	    strlen(path) != len || *path != '/') {
		http_send_problem(req, HTTP_BADREQUEST, "Bad Request",
		    "malformed path");
		goto done;
	}
	if (strcmp(path, "/") == 0 || strcmp(path, "/index.html") == 0)
		http_serve_index(h, req);
	else if (strcmp(path, "/feed.xsl") == 0)
		http_send_doc(req, h->xsl);
	else if (strcmp(path, "/feeds.opml") == 0)
		http_send_doc(req, h->opml);
	else if (strcmp(path, "/healthz") == 0) {
		http_counts(h);
		text = page_healthz(h->d, &h->sources, &len);
		http_send_fresh(req, text, len,
		    "application/json; charset=utf-8");
	} else if (strcmp(path, "/metrics") == 0) {
		http_counts(h);
		h->stats.cached = h->ncache;
		h->stats.cached_bytes = h->cache_bytes;
		text = page_metrics(h->d, &h->topics, &h->sources, &h->stats,
		    &len);
		http_send_fresh(req, text, len,
		    "text/plain; version=0.0.4; charset=utf-8");
	} else if (strcmp(path, "/debug/stories.json") == 0) {
		/* The feed filters, and why each story has its topics. */
		render_feed_route(&rf, "feed.atom");
		http_serve_debug(h, req, &rf, evhttp_uri_get_query(uri));
	} else if (render_feed_route(&rf, path + 1) == 0)
		http_serve_feed(h, req, &rf, evhttp_uri_get_query(uri));
	else
		http_send_problem(req, HTTP_NOTFOUND, "Not Found",
		    "no such page; our feeds are listed at /");
done:
	render_feed_clear(&rf);
	free(path);
}

/* "127.0.0.1:8080", "[::1]:8080", "localhost:8080" -> host, port. */
static int
http_split_listen(const char *listen, char *host, size_t hostlen,
    unsigned short *port)
{
	const char	*colon;
	char		*end;
	size_t		 n;
	long		 p;

	if (*listen == '[') {
		if ((colon = strstr(listen, "]:")) == NULL)
			return -1;
		n = colon - listen - 1;
		listen++;
		colon++;
	} else {
		if ((colon = strrchr(listen, ':')) == NULL)
			return -1;
		n = colon - listen;
	}
	if (n == 0 || n >= hostlen)
		return -1;
	memcpy(host, listen, n);
	host[n] = '\0';
	errno = 0;
	p = strtol(colon + 1, &end, 10);
	if (errno != 0 || *end != '\0' || end == colon + 1 || p < 0 ||
	    p > 65535)
		return -1;
	*port = p;
	return 0;
}

static void
http_static_docs(struct http *h)
{
	const char	*xsl;
	char		*opml;
	size_t		 len;

	http_doc_unref(h->opml);
	opml = render_opml(h->d->cfg, &len);
	h->opml = http_doc_new(opml, len, "text/x-opml; charset=utf-8",
	    "public, max-age=300", NULL);
	if (h->xsl == NULL) {
		xsl = render_feed_xsl(&len);
		h->xsl = http_doc_new(xstrndup(xsl, len), len,
		    "application/xslt+xml; charset=utf-8",
		    "public, max-age=86400", NULL);
	}
}

struct http *
http_new(struct daemon *d, char *err, size_t errlen)
{
	const struct config	*cfg = d->cfg;
	struct http		*h;
	char			 host[256];
	unsigned short		 port;

	h = xcalloc(1, sizeof(*h));
	h->d = d;
	if (http_split_listen(cfg->listen, host, sizeof(host), &port) == -1) {
		snprintf(err, errlen, "listen \"%s\": not host:port",
		    cfg->listen);
		goto fail;
	}
	if ((h->eh = evhttp_new(d->base)) == NULL) {
		snprintf(err, errlen, "evhttp_new failed");
		goto fail;
	}
	/* Every method reaches us, so the others get a 405 that says
	 * which ones work, not evhttp's 501. */
	evhttp_set_allowed_methods(h->eh, EVHTTP_REQ_GET | EVHTTP_REQ_HEAD |
	    EVHTTP_REQ_POST | EVHTTP_REQ_PUT | EVHTTP_REQ_DELETE |
	    EVHTTP_REQ_OPTIONS | EVHTTP_REQ_PATCH);
	if (cfg->http_timeout > 0)
		evhttp_set_timeout(h->eh, cfg->http_timeout);
	if (cfg->http_max_header_size > 0)
		evhttp_set_max_headers_size(h->eh,
		    (ev_ssize_t)cfg->http_max_header_size);
	if (cfg->http_max_body_size > 0)
		evhttp_set_max_body_size(h->eh,
		    (ev_ssize_t)cfg->http_max_body_size);
	evhttp_set_gencb(h->eh, http_request_cb, h);
	if ((h->sock = evhttp_bind_socket_with_handle(h->eh, host,
	    port)) == NULL) {
		snprintf(err, errlen, "listen %s: %s", cfg->listen,
		    strerror(errno));
		goto fail;
	}
	http_static_docs(h);
	return h;
fail:
	http_free(h);
	return NULL;
}

void
http_stop(struct http *h)
{
	if (h == NULL || h->sock == NULL || h->stopped)
		return;
	evhttp_del_accept_socket(h->eh, h->sock);
	h->sock = NULL;
	h->stopped = true;
}

void
http_free(struct http *h)
{
	if (h == NULL)
		return;
	/* Closes the connections first: their responses hold docs. */
	h->stopped = true;
	if (h->eh != NULL)
		evhttp_free(h->eh);
	free(h->conns);
	http_cache_clear(h);
	free(h->cache);
	http_doc_unref(h->xsl);
	http_doc_unref(h->opml);
	http_doc_unref(h->index);
	page_counts_free(&h->topics);
	page_counts_free(&h->sources);
	free(h);
}

void
http_config_changed(struct http *h)
{
	if (h == NULL)
		return;
	http_cache_clear(h);
	http_doc_unref(h->index);
	h->index = NULL;
	h->counts_ok = false;
	http_static_docs(h);
}
