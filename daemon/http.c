/*
 * The HTTP server. Every document is a struct http_doc: its bytes, its
 * gzip form, its ETag (a hash of the bytes, so it survives restarts)
 * and its Last-Modified (when those bytes first appeared), made once
 * and shared by reference with every response that sends it, so a
 * cached feed is never copied or compressed per request. Feeds are
 * cached by their canonical path and made again only when the store's
 * generation moved; when the new bytes equal the old, the old document
 * stays, Last-Modified included. Requests and memory are bounded: GET
 * and HEAD only, evhttp's header and body limits from the config, a cap
 * on cached documents, and connections tracked from their accept with a
 * deadline in each state and a limit that closes the idle and the slow
 * first (see "Connections" below). Feeds go out as
 * application/atom+xml, except to a browser, which gets application/xml
 * so that it applies /feed.xsl. The cache follows store_generation(),
 * which also sees commits by other processes (a cron fetch --once).
 */

#include "http.h"

#include <sys/ioctl.h>
#include <sys/queue.h>
#include <sys/resource.h>
#include <sys/socket.h>

#include <netinet/in.h>
#include <netinet/tcp.h>

#include <errno.h>
#include <fcntl.h>
#include <inttypes.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

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
#define HTTP_GZIP_MIN		256		/* smaller: not worth it */
#define HTTP_GRACE_MS		250		/* a request's time to arrive */
#define HTTP_EMFILE_EVICT	8		/* closed when accept fails */
#define HTTP_LINGER_MAX		64		/* sockets drained at once */
#define HTTP_LINGER_MS		2000		/* each for so long */
#define HTTP_LINGER_BYTES	(4u << 20)	/* or so many bytes */
#define HTTP_NOFILE_MAX		(1 << 20)	/* raise the soft limit so far */

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

enum http_conn_state {
	HTTP_CONN_FRESH,		/* accepted, not a byte yet */
	HTTP_CONN_READING,		/* receiving a request */
	HTTP_CONN_BUSY,			/* sending a response */
	HTTP_CONN_IDLE			/* kept alive between requests */
};

/* One accepted connection. */
struct http_conn {
	TAILQ_ENTRY(http_conn)		 entry;
	struct http			*h;
	struct bufferevent		*bev;
	struct evbuffer_cb_entry	*incb;	/* on bev's input */
	struct evhttp_connection	*evcon;	/* NULL while pending */
	enum http_conn_state		 state;
	bool				 listed;	/* in a state's list */
	bool				 spoke;	/* bytes came while pending */
	int64_t				 since;	/* ms, monotonic */
	uint64_t			 born;	/* h->pass when accepted */
};
TAILQ_HEAD(http_conn_list, http_conn);

/* A closed connection's socket, drained before it closes. */
struct http_linger {
	TAILQ_ENTRY(http_linger)	 entry;
	struct http			*h;
	int				 fd;
	struct event			*ev;
	int64_t				 until;	/* ms, monotonic */
	size_t				 drained;
};
TAILQ_HEAD(http_linger_list, http_linger);

struct http {
	struct daemon			*d;
	struct evhttp			*eh;
	struct evhttp_bound_socket	*sock;
	bool				 stopped;

	struct http_conn_list		 pending;	/* just accepted */
	struct http_conn_list		 fresh;
	struct http_conn_list		 reading;
	struct http_conn_list		 busy;
	struct http_conn_list		 idle;
	struct http_conn		*last;		/* last to get bytes */
	struct http_linger_list		 lingering;
	size_t				 nlinger;
	size_t				 nconn;		/* in all four */
	size_t				 max_conns;	/* the limit in force */
	uint64_t			 pass;		/* of http_tend_cb */
	struct event			*tend;		/* after accepts */
	struct event			*sweep;		/* deadlines */
	struct event			*resume;	/* after EMFILE */
	bool				 full;		/* at twice the limit */
	bool				 backoff;	/* accept failed */
	bool				 paused;	/* the listener */
	uint64_t			 accepted;
	uint64_t			 evicted;	/* to make room */
	uint64_t			 expired;	/* past a deadline */
	uint64_t			 accept_errors;
	time_t				 accept_logged;

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
	/* The buffer was the size of the plain body: the cache counts the
	 * compressed length, so give the rest back. */
	return xrealloc(out, *gzlen);
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
	/* Rendered into a buffer grown by doubling: give the slack back,
	 * or the cache holds up to twice the bytes it counts. */
	doc->body = xrealloc(body, len + 1);
	doc->len = len;
	doc->gz = http_gzip(doc->body, len, &doc->gzlen);
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
	size_t	limit = h->d->cfg->http_cache_size;

	while (h->ncache > 0 && (h->ncache >= HTTP_CACHE_MAX ||
	    h->cache_bytes + len > limit)) {
		size_t	lru = 0;

		for (size_t i = 1; i < h->ncache; i++)
			if (h->cache[i].used < h->cache[lru].used)
				lru = i;
		http_cache_drop(h, lru);
	}
}

/* The document of a feed page, cached or rendered now, with a reference
 * for the caller. NULL with a message when the store fails. */
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
		c->doc->refs++;
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
		/* Over the limit now, this one included: the response
		 * holds its own reference. */
		doc->refs++;
		if (h->cache_bytes > d->cfg->http_cache_size)
			http_cache_evict(h, 0);
		return doc;
	}
	if (doc->len + doc->gzlen > d->cfg->http_cache_size) {
		/* Larger than the whole cache: sent, not kept. */
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
	doc->refs++;
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
	/* Decoded, %00 would silently cut a value short. */
	if (query != NULL && strstr(query, "%00") != NULL) {
		http_send_problem(req, HTTP_BADREQUEST, "Bad Request",
		    "NUL (%00) in the query");
		return false;
	}
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
	http_doc_unref(doc);
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
 * Connections. evhttp 2.1 only knows an idle timeout, which a client
 * dripping a byte now and then never meets, and has no connection limit.
 * So every connection is tracked here from its accept (evhttp_set_bevcb
 * hands us its bufferevent; the connection itself is found through the
 * bufferevent's callback argument once evhttp has set it up) and is, at
 * any time, in one of four lists, each in the order its members entered:
 *
 *	fresh	accepted, not a byte yet
 *	reading	receiving a request since its first byte
 *	busy	a response being sent
 *	idle	kept alive between requests
 *
 * A fresh or reading connection whose request is not whole
 * http-header-timeout after it entered is closed, and so is a busy one
 * after http-timeout and an idle one after http-keepalive-timeout; the
 * sweep runs twice a second. Beyond http-max-connections the idle ones
 * are closed first, then the fresh ones, then the reading ones, oldest
 * first, so that a flood of idle or slow clients pushes out its own
 * kind and a reader who asks at once gets an answer. A connection gets
 * a quarter of a second in its state first, time for a request to come
 * over a long path. Only when the excess is busy or new, and twice the
 * limit are open, does the listener pause: clients then wait in the
 * kernel's backlog for a moment rather than be dropped. accept()
 * failing (EMFILE) closes a few idle or unfinished connections and
 * pauses the listener for a quarter of a second instead of letting it
 * spin. After an error response, the rest of the request is drained
 * (see http_linger_start).
 */
static int64_t
http_now_ms(void)
{
	struct timespec	ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (int64_t)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

static struct http_conn_list *
http_conn_list(struct http *h, enum http_conn_state st)
{
	switch (st) {
	case HTTP_CONN_FRESH:
		return &h->fresh;
	case HTTP_CONN_READING:
		return &h->reading;
	case HTTP_CONN_BUSY:
		return &h->busy;
	default:
		return &h->idle;
	}
}

/* Moves c to the end of the list of state st, from now on. */
static void
http_conn_set(struct http_conn *c, enum http_conn_state st)
{
	struct http	*h = c->h;

	if (c->listed)
		TAILQ_REMOVE(http_conn_list(h, c->state), c, entry);
	c->state = st;
	c->since = http_now_ms();
	c->listed = true;
	TAILQ_INSERT_TAIL(http_conn_list(h, st), c, entry);
}

static void
http_listener_update(struct http *h)
{
	struct evconnlistener	*l;
	size_t			 max = h->max_conns;
	bool			 pause;

	if (h->sock == NULL || h->stopped)
		return;
	/* Paused at twice the limit, open again once back to it. */
	if (h->full && h->nconn <= max)
		h->full = false;
	else if (!h->full && h->nconn >= 2 * max)
		h->full = true;
	pause = h->full || h->backoff;
	if (pause == h->paused)
		return;
	l = evhttp_bound_socket_get_listener(h->sock);
	if (pause)
		evconnlistener_disable(l);
	else
		evconnlistener_enable(l);
	h->paused = pause;
}

/* Forgets c: its connection is gone or never became one. */
static void
http_conn_forget(struct http *h, struct http_conn *c)
{
	if (c->listed)
		TAILQ_REMOVE(http_conn_list(h, c->state), c, entry);
	else
		TAILQ_REMOVE(&h->pending, c, entry);
	if (c->incb != NULL)
		evbuffer_remove_cb_entry(bufferevent_get_input(c->bev),
		    c->incb);
	if (h->last == c)
		h->last = NULL;
	h->nconn--;
	free(c);
}

static void
http_linger_end(struct http_linger *l)
{
	TAILQ_REMOVE(&l->h->lingering, l, entry);
	l->h->nlinger--;
	event_free(l->ev);
	close(l->fd);
	free(l);
}

/* Reads and drops what the client still sends, until it closes, or
 * enough was read, or the time is up. */
static void
http_linger_cb(evutil_socket_t fd, short what, void *arg)
{
	struct http_linger	*l = arg;
	char			 buf[16384];
	ssize_t			 n;
	int64_t			 left;
	struct timeval		 tv;

	if (what & EV_TIMEOUT) {
		http_linger_end(l);
		return;
	}
	while ((n = read(fd, buf, sizeof(buf))) > 0)
		if ((l->drained += n) > HTTP_LINGER_BYTES) {
			http_linger_end(l);
			return;
		}
	if (n == 0 || (errno != EAGAIN && errno != EINTR) ||
	    (left = l->until - http_now_ms()) <= 0) {
		http_linger_end(l);
		return;
	}
	tv.tv_sec = left / 1000;
	tv.tv_usec = (left % 1000) * 1000;
	event_add(l->ev, &tv);
}

/*
 * evhttp closes a connection at once after an error response (400 to a
 * 100 KB URL, 413), with the rest of the request unread or still on its
 * way; the kernel then answers it with a reset, which often destroys
 * the response before the client reads it. So when a connection closes
 * in the middle of a request (evhttp answered it, not us), or request
 * bytes are waiting, the socket is kept (a duplicate descriptor;
 * evhttp's shutdown sends the FIN after the response) and drained for a
 * moment before it closes.
 */
static void
http_linger_start(struct http *h, struct http_conn *c)
{
	struct bufferevent	*bev = c->bev;
	struct http_linger	*l;
	struct timeval		 tv = { HTTP_LINGER_MS / 1000,
		(HTTP_LINGER_MS % 1000) * 1000 };
	evutil_socket_t		 fd;
	int			 n = 0, dfd;

	if (h->stopped || h->nlinger >= HTTP_LINGER_MAX ||
	    (fd = bufferevent_getfd(bev)) == -1)
		return;
	if (!(c->listed && c->state == HTTP_CONN_READING) &&
	    (ioctl(fd, FIONREAD, &n) == -1 || n == 0))
		return;
	if ((dfd = fcntl(fd, F_DUPFD_CLOEXEC, 0)) == -1)
		return;
	l = xcalloc(1, sizeof(*l));
	l->h = h;
	l->fd = dfd;
	l->until = http_now_ms() + HTTP_LINGER_MS;
	if ((l->ev = event_new(h->d->base, dfd, EV_READ, http_linger_cb,
	    l)) == NULL) {
		close(dfd);
		free(l);
		return;
	}
	TAILQ_INSERT_TAIL(&h->lingering, l, entry);
	h->nlinger++;
	event_add(l->ev, &tv);
}

static void
http_conn_close_cb(struct evhttp_connection *evcon, void *arg)
{
	struct http_conn	*c = arg;
	struct http		*h = c->h;

	(void)evcon;
	http_linger_start(h, c);
	http_conn_forget(h, c);
	http_listener_update(h);
}

/* Bytes arrived: an idle connection starts a request, and its clock. */
static void
http_conn_input_cb(struct evbuffer *buf, const struct evbuffer_cb_info *info,
    void *arg)
{
	struct http_conn	*c = arg;

	(void)buf;
	if (info->n_added == 0)
		return;
	c->h->last = c;
	if (c->listed && (c->state == HTTP_CONN_IDLE ||
	    c->state == HTTP_CONN_FRESH))
		http_conn_set(c, HTTP_CONN_READING);
	else if (!c->listed)
		c->spoke = true;
}

/* evhttp_set_bevcb: the bufferevent of a connection being accepted. We
 * keep a reference until evhttp has set the connection up. */
static struct bufferevent *
http_conn_bev_cb(struct event_base *base, void *arg)
{
	struct http		*h = arg;
	struct http_conn	*c;
	struct bufferevent	*bev;
	const struct timeval	 now = { 0, 0 };

	if ((bev = bufferevent_socket_new(base, -1,
	    BEV_OPT_CLOSE_ON_FREE)) == NULL)
		return NULL;	/* evhttp makes one itself, untracked */
	c = xcalloc(1, sizeof(*c));
	c->h = h;
	c->bev = bev;
	c->born = h->pass;
	c->since = http_now_ms();
	c->incb = evbuffer_add_cb(bufferevent_get_input(bev),
	    http_conn_input_cb, c);
	bufferevent_incref(bev);
	TAILQ_INSERT_TAIL(&h->pending, c, entry);
	h->nconn++;
	h->accepted++;
	evtimer_add(h->tend, &now);
	http_listener_update(h);
	return bev;
}

/* Finds the connections evhttp has set up since they were accepted. */
static void
http_conn_adopt(struct http *h)
{
	struct http_conn		*c;
	struct evhttp_connection	*evcon;
	bufferevent_data_cb		 readcb;
	evutil_socket_t			 fd;
	void				*arg;
	int				 one = 1;

	while (!TAILQ_EMPTY(&h->lingering))
		http_linger_end(TAILQ_FIRST(&h->lingering));
	while ((c = TAILQ_FIRST(&h->pending)) != NULL) {
		bufferevent_getcb(c->bev, &readcb, NULL, NULL, &arg);
		evcon = arg;
		if (readcb == NULL || evcon == NULL ||
		    evhttp_connection_get_bufferevent(evcon) != c->bev) {
			/* Freed already (the accept failed half way). */
			evbuffer_remove_cb_entry(bufferevent_get_input(c->bev),
			    c->incb);
			c->incb = NULL;
			bufferevent_decref(c->bev);
			http_conn_forget(h, c);
			continue;
		}
		TAILQ_REMOVE(&h->pending, c, entry);
		c->evcon = evcon;
		evhttp_connection_set_closecb(evcon, http_conn_close_cb, c);
		/* Headers and body leave in separate writes: without this,
		 * Nagle and the reader's delayed ACK hold a large response
		 * for 40 ms. */
		if ((fd = bufferevent_getfd(c->bev)) != -1 &&
		    setsockopt(fd, IPPROTO_TCP, TCP_NODELAY, &one,
		    sizeof(one)) == -1 && errno != EOPNOTSUPP)
			log_debug("http: TCP_NODELAY: %s", strerror(errno));
		bufferevent_decref(c->bev);
		c->listed = true;
		if (c->spoke) {
			c->state = HTTP_CONN_READING;
			TAILQ_INSERT_TAIL(&h->reading, c, entry);
		} else {
			c->state = HTTP_CONN_FRESH;
			TAILQ_INSERT_TAIL(&h->fresh, c, entry);
		}
		if (!evtimer_pending(h->sweep, NULL)) {
			struct timeval	tv = { 0, 500000 };

			evtimer_add(h->sweep, &tv);
		}
	}
}

/* Closes c's connection and forgets c. */
static void
http_conn_close(struct http_conn *c)
{
	struct evhttp_connection	*evcon = c->evcon;

	evhttp_connection_set_closecb(evcon, NULL, NULL);
	http_conn_forget(c->h, c);
	evhttp_connection_free(evcon);
}

/*
 * The connection to close to make room: the oldest idle one, else the
 * oldest that has not sent a byte, else the oldest still sending its
 * request; never one that entered its state less than HTTP_GRACE_MS ago
 * (a reader's request may be on its way) nor one accepted since the
 * last pass (the loop has not read from it yet). NULL if none.
 */
static struct http_conn *
http_conn_victim(struct http *h, int64_t now)
{
	struct http_conn	*c;

	if ((c = TAILQ_FIRST(&h->idle)) != NULL)
		return c;
	if ((c = TAILQ_FIRST(&h->fresh)) != NULL && c->born < h->pass &&
	    now - c->since >= HTTP_GRACE_MS)
		return c;
	if ((c = TAILQ_FIRST(&h->reading)) != NULL &&
	    now - c->since >= HTTP_GRACE_MS)
		return c;
	return NULL;
}

/* After accepts: adopt the new connections and bring the count back
 * to the limit. */
static void
http_tend_cb(evutil_socket_t fd, short what, void *arg)
{
	struct http		*h = arg;
	struct http_conn	*c;
	const struct timeval	 later = { 0, HTTP_GRACE_MS * 1000 / 4 };
	int64_t			 now = http_now_ms();
	bool			 again = false;

	(void)fd;
	(void)what;
	http_conn_adopt(h);
	while (h->nconn > h->max_conns) {
		if ((c = http_conn_victim(h, now)) == NULL) {
			/* The rest are too new to judge, or busy. */
			again = !TAILQ_EMPTY(&h->fresh) ||
			    !TAILQ_EMPTY(&h->reading);
			break;
		}
		h->evicted++;
		http_conn_close(c);
	}
	h->pass++;
	if (again)
		evtimer_add(h->tend, &later);
	http_listener_update(h);
}

/* Closes, in one list, the connections that have had their time. */
static void
http_conn_expire(struct http *h, struct http_conn_list *list, int secs,
    int64_t now)
{
	struct http_conn	*c;

	while ((c = TAILQ_FIRST(list)) != NULL &&
	    now - c->since >= (int64_t)secs * 1000) {
		h->expired++;
		http_conn_close(c);
	}
}

static void
http_sweep_cb(evutil_socket_t fd, short what, void *arg)
{
	struct http		*h = arg;
	const struct config	*cfg = h->d->cfg;
	int64_t			 now = http_now_ms();
	struct timeval		 tv = { 0, 500000 };

	(void)fd;
	(void)what;
	http_conn_expire(h, &h->fresh, cfg->http_header_timeout, now);
	http_conn_expire(h, &h->reading, cfg->http_header_timeout, now);
	http_conn_expire(h, &h->idle, cfg->http_keepalive_timeout, now);
	http_conn_expire(h, &h->busy, cfg->http_timeout, now);
	if (!TAILQ_EMPTY(&h->fresh) || !TAILQ_EMPTY(&h->reading) ||
	    !TAILQ_EMPTY(&h->idle) || !TAILQ_EMPTY(&h->busy))
		evtimer_add(h->sweep, &tv);
	http_listener_update(h);
}

/*
 * XXX The listener hands its error callback the argument of its accept
 * callback, which evhttp owns (its struct evhttp), so the server whose
 * accept failed is found here; the daemon has one.
 */
static struct http	*http_accepting;

/* accept() failed for want of descriptors or memory (other errors are
 * retried by the listener): make room and rest a moment rather than be
 * woken again at once by the same pending connection. */
static void
http_accept_error_cb(struct evconnlistener *l, void *arg)
{
	struct http		*h = http_accepting;
	struct http_conn	*c;
	const struct timeval	 tv = { 0, 250000 };
	int			 e = EVUTIL_SOCKET_ERROR();
	time_t			 now = time(NULL);

	(void)arg;
	if (h == NULL || h->sock == NULL ||
	    evhttp_bound_socket_get_listener(h->sock) != l) {
		evconnlistener_disable(l);
		return;
	}
	h->accept_errors++;
	if (now - h->accept_logged >= 60) {
		log_warnx("http: accept: %s (%" PRIu64 " times); pausing "
		    "a moment", strerror(e), h->accept_errors);
		h->accept_logged = now;
	}
	for (int i = 0; i < HTTP_EMFILE_EVICT; i++) {
		if ((c = TAILQ_FIRST(&h->idle)) == NULL &&
		    (c = TAILQ_FIRST(&h->fresh)) == NULL &&
		    (c = TAILQ_FIRST(&h->reading)) == NULL)
			break;
		h->evicted++;
		http_conn_close(c);
	}
	h->backoff = true;
	evtimer_add(h->resume, &tv);
	http_listener_update(h);
}

static void
http_resume_cb(evutil_socket_t fd, short what, void *arg)
{
	struct http	*h = arg;

	(void)fd;
	(void)what;
	h->backoff = false;
	http_listener_update(h);
}

/* The tracked connection of a request (it arrived through c's bytes,
 * almost always the last ones read), or NULL. */
static struct http_conn *
http_conn_find(struct http *h, struct evhttp_request *req)
{
	struct evhttp_connection	*evcon;
	struct http_conn		*c;
	struct http_conn_list		*lists[] = { &h->reading, &h->fresh,
		&h->idle, &h->busy };

	if ((evcon = evhttp_request_get_connection(req)) == NULL)
		return NULL;
	http_conn_adopt(h);
	if (h->last != NULL && h->last->evcon == evcon)
		return h->last;
	for (size_t i = 0; i < sizeof(lists) / sizeof(lists[0]); i++)
		TAILQ_FOREACH(c, lists[i], entry)
			if (c->evcon == evcon)
				return c;
	return NULL;
}

/* evhttp has sent the whole response: the connection waits for the
 * next request, or closes. */
static void
http_conn_done_cb(struct evhttp_request *req, void *arg)
{
	struct http_conn	*c = arg;

	(void)req;
	http_conn_set(c, HTTP_CONN_IDLE);
}

static void
http_request_cb(struct evhttp_request *req, void *arg)
{
	struct http			*h = arg;
	const struct evhttp_uri		*uri;
	struct render_feed		 rf = { 0 };
	struct http_conn		*c;
	const char			*raw;
	enum evhttp_cmd_type		 cmd;
	char				*path = NULL, *text;
	size_t				 len;

	h->d->stats.http_requests++;
	if ((c = http_conn_find(h, req)) != NULL) {
		http_conn_set(c, HTTP_CONN_BUSY);
		evhttp_request_set_on_complete_cb(req, http_conn_done_cb, c);
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
		h->stats.conns = h->nconn;
		h->stats.accepted = h->accepted;
		h->stats.evicted = h->evicted;
		h->stats.expired = h->expired;
		h->stats.accept_errors = h->accept_errors;
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

/* Descriptors are the daemon's one real limit on connections: the soft
 * limit goes up to the hard one (there is no select() in the daemon). */
static void
http_raise_nofile(void)
{
	struct rlimit	rl;

	if (getrlimit(RLIMIT_NOFILE, &rl) == -1 || rl.rlim_cur >= rl.rlim_max ||
	    rl.rlim_cur >= HTTP_NOFILE_MAX)
		return;
	rl.rlim_cur = rl.rlim_max < HTTP_NOFILE_MAX ? rl.rlim_max :
	    HTTP_NOFILE_MAX;
	if (setrlimit(RLIMIT_NOFILE, &rl) == -1)
		log_debug("http: setrlimit NOFILE: %s", strerror(errno));
}

/* The config's limits, onto evhttp (for connections from now on) and
 * into the connection limit, which the descriptors must allow: twice
 * the limit may be open for a moment, and the fetcher, the store and
 * the log need their own. */
static void
http_limits(struct http *h)
{
	const struct config	*cfg = h->d->cfg;
	struct rlimit		 rl;
	size_t			 max = cfg->http_max_connections, room;
	rlim_t			 reserve;

	evhttp_set_timeout(h->eh, cfg->http_timeout);
	evhttp_set_max_headers_size(h->eh,
	    (ev_ssize_t)cfg->http_max_header_size);
	evhttp_set_max_body_size(h->eh, (ev_ssize_t)cfg->http_max_body_size);
	if (getrlimit(RLIMIT_NOFILE, &rl) == 0 &&
	    rl.rlim_cur != RLIM_INFINITY) {
		reserve = 64 + HTTP_LINGER_MAX + 2 * (rlim_t)cfg->max_transfers;
		room = rl.rlim_cur > reserve + 2 ?
		    (rl.rlim_cur - reserve) / 2 : 1;
		if (max > room) {
			log_warnx("http: http-max-connections %zu needs more "
			    "than the %llu open files allowed; %zu at once",
			    max, (unsigned long long)rl.rlim_cur, room);
			max = room;
		}
	}
	h->max_conns = max;
}

struct http *
http_new(struct daemon *d, char *err, size_t errlen)
{
	const struct config	*cfg = d->cfg;
	struct http		*h;
	struct evconnlistener	*l;
	char			 host[256];
	unsigned short		 port;

	h = xcalloc(1, sizeof(*h));
	h->d = d;
	TAILQ_INIT(&h->pending);
	TAILQ_INIT(&h->fresh);
	TAILQ_INIT(&h->reading);
	TAILQ_INIT(&h->busy);
	TAILQ_INIT(&h->idle);
	TAILQ_INIT(&h->lingering);
	if (http_split_listen(cfg->listen, host, sizeof(host), &port) == -1) {
		snprintf(err, errlen, "listen \"%s\": not host:port",
		    cfg->listen);
		goto fail;
	}
	if ((h->eh = evhttp_new(d->base)) == NULL ||
	    (h->tend = evtimer_new(d->base, http_tend_cb, h)) == NULL ||
	    (h->sweep = evtimer_new(d->base, http_sweep_cb, h)) == NULL ||
	    (h->resume = evtimer_new(d->base, http_resume_cb, h)) == NULL) {
		snprintf(err, errlen, "evhttp_new failed");
		goto fail;
	}
	/* Every method reaches us, so the others get a 405 that says
	 * which ones work, not evhttp's 501. */
	evhttp_set_allowed_methods(h->eh, EVHTTP_REQ_GET | EVHTTP_REQ_HEAD |
	    EVHTTP_REQ_POST | EVHTTP_REQ_PUT | EVHTTP_REQ_DELETE |
	    EVHTTP_REQ_OPTIONS | EVHTTP_REQ_PATCH);
	http_raise_nofile();
	http_limits(h);
	evhttp_set_bevcb(h->eh, http_conn_bev_cb, h);
	evhttp_set_gencb(h->eh, http_request_cb, h);
	if ((h->sock = evhttp_bind_socket_with_handle(h->eh, host,
	    port)) == NULL) {
		snprintf(err, errlen, "listen %s: %s", cfg->listen,
		    strerror(errno));
		goto fail;
	}
	/* evhttp listens with a backlog of 128; a burst of clients should
	 * wait in the kernel rather than be refused. */
	if (listen(evhttp_bound_socket_get_fd(h->sock), SOMAXCONN) == -1)
		log_debug("http: listen backlog: %s", strerror(errno));
	l = evhttp_bound_socket_get_listener(h->sock);
	evconnlistener_set_error_cb(l, http_accept_error_cb);
	http_accepting = h;
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
	struct http_conn	*c;

	if (h == NULL)
		return;
	/* Closes the connections first: their responses hold docs. Their
	 * close callbacks forget them; the pending ones go after. */
	h->stopped = true;
	if (http_accepting == h)
		http_accepting = NULL;
	if (h->eh != NULL)
		evhttp_free(h->eh);
	while (!TAILQ_EMPTY(&h->lingering))
		http_linger_end(TAILQ_FIRST(&h->lingering));
	while ((c = TAILQ_FIRST(&h->pending)) != NULL) {
		evbuffer_remove_cb_entry(bufferevent_get_input(c->bev),
		    c->incb);
		c->incb = NULL;
		bufferevent_decref(c->bev);
		http_conn_forget(h, c);
	}
	if (h->tend != NULL)
		event_free(h->tend);
	if (h->sweep != NULL)
		event_free(h->sweep);
	if (h->resume != NULL)
		event_free(h->resume);
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
	http_limits(h);
	if (h->nconn > h->max_conns) {
		const struct timeval	now = { 0, 0 };

		evtimer_add(h->tend, &now);	/* a lower limit */
	}
	http_listener_update(h);
}
