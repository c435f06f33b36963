/*
 * Pages about the daemon. The / page is HTML written through libxml2's
 * xmlTextWriter, so every title and status line (many come from the
 * internet) is escaped by the writer, never by hand; it is valid XML
 * and HTML at once. /healthz is JSON from jansson, /metrics Prometheus
 * text with label values escaped as its format says.
 */

#include "page.h"

#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <jansson.h>
#include <libxml/xmlwriter.h>

#include "config.h"
#include "daemon.h"
#include "date.h"
#include "entry.h"
#include "fetch.h"
#include "log.h"
#include "render.h"
#include "store.h"
#include "text.h"
#include "url.h"
#include "xmalloc.h"

#define PAGE_STALE_DAYS	14	/* "no new entry for N days" from here */

void
page_counts_free(struct page_counts *c)
{
	for (size_t i = 0; i < c->len; i++)
		free(c->names[i]);
	free(c->names);
	free(c->n);
	memset(c, 0, sizeof(*c));
}

static int
page_count_cb(const char *name, int64_t n, void *arg)
{
	struct page_counts	*c = arg;

	c->names = xreallocarray(c->names, c->len + 1, sizeof(*c->names));
	c->n = xreallocarray(c->n, c->len + 1, sizeof(*c->n));
	c->names[c->len] = xstrdup(name != NULL ? name : "");
	c->n[c->len++] = n;
	return 0;
}

int
page_counts_load(struct daemon *d, struct page_counts *topics,
    struct page_counts *sources, char *err, size_t errlen)
{
	if (store_count_topics(d->store, page_count_cb, topics, err,
	    errlen) == -1)
		return -1;
	return store_count_sources(d->store, page_count_cb, sources, err,
	    errlen);
}

int64_t
page_counts_get(const struct page_counts *c, const char *name)
{
	for (size_t i = 0; i < c->len; i++)
		if (strcmp(c->names[i], name) == 0)
			return c->n[i];
	return 0;
}

/* Days since t, or -1 when t is unknown. */
static int64_t
page_days_since(time_t t, time_t now)
{
	if (t == 0 || t == DATE_NONE || t > now)
		return t > now ? 0 : -1;
	return (now - t) / 86400;
}

static const char *
page_source_title(const struct source_run *s)
{
	if (s->src != NULL && s->src->title != NULL && *s->src->title != '\0')
		return s->src->title;
	return s->id;
}

/* One line for humans: what the last fetch of a source did. */
static char *
page_source_status(struct daemon *d, const struct source_run *s)
{
	struct store_source_state	 st;
	char				 err[256];

	if (s->disabled)
		return xstrdup("disabled: the feed is gone (HTTP 410)");
	if (store_source_get(d->store, s->id, &st, err, sizeof(err)) == -1)
		return xstrdup("unknown: the archive could not be read");
	if (st.last_status != NULL && *st.last_status != '\0')
		return xstrdup(st.last_status);
	if (s->last_fetch == 0)
		return xstrdup("not fetched yet");
	return xstrdup(s->error_streak > 0 ? "failing" : "ok");
}

static void
page_el(xmlTextWriterPtr w, const char *name, const char *text)
{
	xmlTextWriterWriteElement(w, BAD_CAST name, BAD_CAST text);
}

static void
page_attr(xmlTextWriterPtr w, const char *name, const char *value)
{
	xmlTextWriterWriteAttribute(w, BAD_CAST name, BAD_CAST value);
}

static void
page_start(xmlTextWriterPtr w, const char *name, const char *cls)
{
	xmlTextWriterStartElement(w, BAD_CAST name);
	if (cls != NULL)
		page_attr(w, "class", cls);
}

static void
page_end(xmlTextWriterPtr w)
{
	xmlTextWriterEndElement(w);
}

static void
page_a(xmlTextWriterPtr w, const char *href, const char *text)
{
	page_start(w, "a", NULL);
	page_attr(w, "href", href);
	xmlTextWriterWriteString(w, BAD_CAST text);
	page_end(w);
}

static void
page_autodiscovery(xmlTextWriterPtr w, const char *title, const char *href)
{
	page_start(w, "link", NULL);
	page_attr(w, "rel", "alternate");
	page_attr(w, "type", "application/atom+xml");
	page_attr(w, "title", title);
	page_attr(w, "href", href);
	page_end(w);
}

static void
page_date(xmlTextWriterPtr w, const char *el, time_t t)
{
	char	d[DATE_STRLEN];

	page_start(w, el, NULL);
	if (t != 0 && t != DATE_NONE) {
		page_start(w, "time", NULL);
		date_format(t, d, sizeof(d));
		page_attr(w, "datetime", d);
		d[10] = ' ';
		d[16] = '\0';
		xmlTextWriterWriteString(w, BAD_CAST d);
		xmlTextWriterWriteString(w, BAD_CAST " UTC");
		page_end(w);
	} else
		xmlTextWriterWriteString(w, BAD_CAST "never");
	page_end(w);
}

/* The absolute URL of a feed we publish (a new string). */
static char *
page_feed_url(const struct config *cfg, enum render_route route,
    const char *id)
{
	struct render_feed	 rf = { 0 };
	char			*path, *url;

	rf.route = route;
	if (route == RENDER_TOPIC)
		rf.topic = (char *)id;
	else if (route == RENDER_SOURCE)
		rf.source = (char *)id;
	path = render_feed_path(&rf);
	url = xasprintf("%s%s", cfg->base_url, path);
	free(path);
	return url;
}

static const char page_css[] =
    "body{font-family:sans-serif;max-width:60em;margin:2em auto;"
    "padding:0 1em;color:#222;line-height:1.4}"
    "table{border-collapse:collapse;width:100%}"
    "th,td{text-align:left;padding:.3em .5em;border-bottom:1px solid #ddd}"
    "td.n{text-align:right}.bad{color:#a00}.ok{color:#070}"
    ".stale{color:#a60}";

/* The two last cells of a topic or source row: its count and its feed. */
static void
page_count_and_feed(xmlTextWriterPtr w, const struct config *cfg,
    enum render_route route, const char *id, int64_t count)
{
	char	*url;

	page_start(w, "td", "n");
	xmlTextWriterWriteFormatString(w, "%lld", (long long)count);
	page_end(w);
	page_start(w, "td", NULL);
	url = page_feed_url(cfg, route, id);
	page_a(w, url, "Atom");
	free(url);
	page_end(w);
}

char *
page_index(struct daemon *d, const struct page_counts *topics,
    const struct page_counts *sources, size_t *len)
{
	const struct config	*cfg = d->cfg;
	xmlBufferPtr		 b;
	xmlTextWriterPtr	 w;
	char			*url, *title, *out;
	time_t			 now = time(NULL);

	if ((b = xmlBufferCreate()) == NULL ||
	    (w = xmlNewTextWriterMemory(b, 0)) == NULL)
		fatalx("page: cannot create an XML writer");
	/* No indentation: it would put blanks into the text. */
	xmlTextWriterWriteDTD(w, BAD_CAST "html", NULL, NULL, NULL);
	page_start(w, "html", NULL);
	page_attr(w, "lang", "en");
	page_start(w, "head", NULL);
	page_start(w, "meta", NULL);
	page_attr(w, "charset", "utf-8");
	page_end(w);
	page_start(w, "meta", NULL);
	page_attr(w, "name", "viewport");
	page_attr(w, "content", "width=device-width, initial-scale=1");
	page_end(w);
	page_el(w, "title", cfg->feed_title);
	url = xasprintf("%sfeed.atom", cfg->base_url);
	page_autodiscovery(w, cfg->feed_title, url);
	free(url);
	for (size_t i = 0; i < cfg->ntopics; i++) {
		const struct topic	*t = &cfg->topics[i];

		url = page_feed_url(cfg, RENDER_TOPIC, t->id);
		title = xasprintf("%s: %s", cfg->feed_title,
		    t->name != NULL ? t->name : t->id);
		page_autodiscovery(w, title, url);
		free(title);
		free(url);
	}
	page_el(w, "style", page_css);
	page_end(w);	/* head */

	page_start(w, "body", NULL);
	page_el(w, "h1", cfg->feed_title);
	page_start(w, "p", NULL);
	xmlTextWriterWriteString(w, BAD_CAST "News of EU institutions, "
	    "agencies and NGOs on migration and asylum, merged, "
	    "deduplicated and tagged by topic of the EU Pact on Migration "
	    "and Asylum. Subscribe to a feed in any feed reader.");
	page_end(w);

	page_el(w, "h2", "Feeds");
	page_start(w, "ul", "feeds");
	page_start(w, "li", NULL);
	url = xasprintf("%sfeed.atom", cfg->base_url);
	page_a(w, url, "Every story (Atom)");
	free(url);
	page_end(w);
	page_start(w, "li", NULL);
	url = xasprintf("%sfeeds.opml", cfg->base_url);
	page_a(w, url, "Every feed we publish (OPML, to import)");
	free(url);
	page_end(w);
	page_end(w);
	page_start(w, "form", NULL);
	url = xasprintf("%ssearch.atom", cfg->base_url);
	page_attr(w, "action", url);
	free(url);
	page_attr(w, "method", "get");
	page_start(w, "label", NULL);
	xmlTextWriterWriteString(w, BAD_CAST "A feed of stories matching ");
	page_start(w, "input", NULL);
	page_attr(w, "type", "search");
	page_attr(w, "name", "q");
	page_attr(w, "required", "required");
	page_end(w);
	page_end(w);
	page_start(w, "button", NULL);
	xmlTextWriterWriteString(w, BAD_CAST "Get feed");
	page_end(w);
	page_end(w);

	page_el(w, "h2", "Topics");
	page_start(w, "table", "topics");
	page_start(w, "tr", NULL);
	page_el(w, "th", "Topic");
	page_el(w, "th", "Stories");
	page_el(w, "th", "Feed");
	page_end(w);
	for (size_t i = 0; i < cfg->ntopics; i++) {
		const struct topic	*t = &cfg->topics[i];

		page_start(w, "tr", NULL);
		page_attr(w, "id", t->id);
		page_el(w, "td", t->name != NULL ? t->name : t->id);
		page_count_and_feed(w, cfg, RENDER_TOPIC, t->id,
		    page_counts_get(topics, t->id));
		page_end(w);
	}
	page_end(w);

	page_el(w, "h2", "Sources");
	page_start(w, "table", "sources");
	page_start(w, "tr", NULL);
	page_el(w, "th", "Source");
	page_el(w, "th", "Status");
	page_el(w, "th", "Last success");
	page_el(w, "th", "Entries");
	page_el(w, "th", "Feed");
	page_end(w);
	for (size_t i = 0; i < d->nsources; i++) {
		const struct source_run	*s = &d->sources[i];
		char			*status;
		int64_t			 days;

		page_start(w, "tr", NULL);
		page_attr(w, "id", s->id);
		page_start(w, "td", NULL);
		if (s->src != NULL && s->src->url != NULL &&
		    url_is_http(s->src->url))
			page_a(w, s->src->url, page_source_title(s));
		else
			xmlTextWriterWriteString(w,
			    BAD_CAST page_source_title(s));
		page_end(w);
		status = page_source_status(d, s);
		page_start(w, "td", s->disabled || s->error_streak > 0 ?
		    "bad" : "ok");
		xmlTextWriterWriteString(w, BAD_CAST status);
		free(status);
		if (s->error_streak > 1)
			xmlTextWriterWriteFormatString(w,
			    " (%d failures in a row)", s->error_streak);
		days = page_days_since(s->last_new, now);
		if (days >= PAGE_STALE_DAYS) {
			page_start(w, "span", "stale");
			xmlTextWriterWriteFormatString(w,
			    "; no new entry for %lld days", (long long)days);
			page_end(w);
		}
		page_end(w);
		page_date(w, "td", s->last_success);
		page_count_and_feed(w, cfg, RENDER_SOURCE, s->id,
		    page_counts_get(sources, s->id));
		page_end(w);
	}
	page_end(w);
	page_start(w, "p", NULL);
	xmlTextWriterWriteString(w, BAD_CAST "Machine-readable: ");
	url = xasprintf("%shealthz", cfg->base_url);
	page_a(w, url, "health");
	free(url);
	xmlTextWriterWriteString(w, BAD_CAST ", ");
	url = xasprintf("%smetrics", cfg->base_url);
	page_a(w, url, "metrics");
	free(url);
	xmlTextWriterWriteString(w, BAD_CAST ".");
	page_end(w);
	page_end(w);	/* body */
	page_end(w);	/* html */
	xmlTextWriterEndDocument(w);
	xmlFreeTextWriter(w);
	*len = xmlBufferLength(b);
	out = xstrndup((const char *)xmlBufferContent(b), *len);
	xmlBufferFree(b);
	return out;
}

static json_t *
page_json_time(time_t t)
{
	char	d[DATE_STRLEN];

	if (t == 0 || t == DATE_NONE)
		return json_null();
	return json_string(date_format(t, d, sizeof(d)));
}

char *
page_healthz(struct daemon *d, const struct page_counts *sources,
    size_t *len)
{
	json_t		*root, *arr, *o;
	size_t		 failing = 0;
	time_t		 now = time(NULL);
	char		*out;

	arr = json_array();
	for (size_t i = 0; i < d->nsources; i++) {
		const struct source_run	*s = &d->sources[i];
		char			*status, *note;
		int64_t			 days;

		if (s->error_streak > 0 || s->disabled)
			failing++;
		status = page_source_status(d, s);
		o = json_object();
		json_object_set_new(o, "id", json_string(s->id));
		json_object_set_new(o, "title",
		    json_string(page_source_title(s)));
		json_object_set_new(o, "ok", json_boolean(s->error_streak ==
		    0 && !s->disabled));
		json_object_set_new(o, "status", json_string(status));
		free(status);
		json_object_set_new(o, "last_fetch",
		    page_json_time(s->last_fetch));
		json_object_set_new(o, "last_success",
		    page_json_time(s->last_success));
		json_object_set_new(o, "next_fetch",
		    page_json_time(s->next_fetch));
		json_object_set_new(o, "error_streak",
		    json_integer(s->error_streak));
		json_object_set_new(o, "disabled", json_boolean(s->disabled));
		json_object_set_new(o, "entries",
		    json_integer(page_counts_get(sources, s->id)));
		json_object_set_new(o, "last_new",
		    page_json_time(s->last_new));
		days = page_days_since(s->last_new, now);
		json_object_set_new(o, "days_since_new", days >= 0 ?
		    json_integer(days) : json_null());
		if (days >= PAGE_STALE_DAYS) {
			note = xasprintf("no new entry for %lld days",
			    (long long)days);
			json_object_set_new(o, "warning", json_string(note));
			free(note);
		} else
			json_object_set_new(o, "warning", json_null());
		json_array_append_new(arr, o);
	}
	root = json_object();
	json_object_set_new(root, "status", json_string(failing == 0 ?
	    "ok" : "degraded"));
	json_object_set_new(root, "sources_total",
	    json_integer((json_int_t)d->nsources));
	json_object_set_new(root, "sources_failing",
	    json_integer((json_int_t)failing));
	json_object_set_new(root, "stopping", json_boolean(d->stopping));
	json_object_set_new(root, "sources", arr);
	out = json_dumps(root, JSON_INDENT(2) | JSON_ENSURE_ASCII);
	json_decref(root);
	if (out == NULL)
		fatalx("page: json_dumps failed");
	/* jansson allocates with malloc: hand on our own copy with "\n". */
	*len = strlen(out) + 1;
	{
		char	*s = xmalloc(*len + 1);

		memcpy(s, out, *len - 1);
		s[*len - 1] = '\n';
		s[*len] = '\0';
		free(out);
		return s;
	}
}

/* A Prometheus label value: backslash, quote and newline escaped. */
static void
page_label(struct buf *b, const char *v)
{
	for (; *v != '\0'; v++) {
		if (*v == '\\' || *v == '"')
			buf_addc(b, '\\');
		if (*v == '\n') {
			buf_adds(b, "\\n");
			continue;
		}
		buf_addc(b, *v);
	}
}

static void
page_metric_head(struct buf *b, const char *name, const char *type,
    const char *help)
{
	buf_printf(b, "# HELP %s %s\n# TYPE %s %s\n", name, help, name, type);
}

char *
page_metrics(struct daemon *d, const struct page_counts *topics,
    const struct page_counts *sources, const struct page_http_stats *hs,
    size_t *len)
{
	const struct daemon_stats	*st = &d->stats;
	struct buf			 b = { 0 };
	size_t				 failing = 0;

	page_metric_head(&b, "pactfeed_fetches_total", "counter",
	    "Feed fetches by result.");
	for (int i = FETCH_OK; i <= FETCH_CANCELLED; i++)
		buf_printf(&b, "pactfeed_fetches_total{result=\"%s\"} %llu\n",
		    fetch_status_name(i), (unsigned long long)st->fetches[i]);
	page_metric_head(&b, "pactfeed_fetch_bytes_total", "counter",
	    "Bytes received from sources.");
	buf_printf(&b, "pactfeed_fetch_bytes_total %llu\n",
	    (unsigned long long)st->bytes);
	page_metric_head(&b, "pactfeed_parse_errors_total", "counter",
	    "Fetched documents that could not be parsed.");
	buf_printf(&b, "pactfeed_parse_errors_total %llu\n",
	    (unsigned long long)st->parse_errors);
	page_metric_head(&b, "pactfeed_entries_total", "counter",
	    "Entries written to the archive, new or updated.");
	buf_printf(&b, "pactfeed_entries_total{kind=\"new\"} %llu\n",
	    (unsigned long long)st->entries_new);
	buf_printf(&b, "pactfeed_entries_total{kind=\"updated\"} %llu\n",
	    (unsigned long long)st->entries_updated);
	page_metric_head(&b, "pactfeed_topic_stories", "gauge",
	    "Stories in the archive per topic.");
	for (size_t i = 0; i < topics->len; i++) {
		buf_adds(&b, "pactfeed_topic_stories{topic=\"");
		page_label(&b, topics->names[i]);
		buf_printf(&b, "\"} %lld\n", (long long)topics->n[i]);
	}
	page_metric_head(&b, "pactfeed_source_entries", "gauge",
	    "Entries in the archive per source.");
	for (size_t i = 0; i < d->nsources; i++) {
		if (d->sources[i].error_streak > 0 || d->sources[i].disabled)
			failing++;
		buf_adds(&b, "pactfeed_source_entries{source=\"");
		page_label(&b, d->sources[i].id);
		buf_printf(&b, "\"} %lld\n",
		    (long long)page_counts_get(sources, d->sources[i].id));
	}
	page_metric_head(&b, "pactfeed_source_error_streak", "gauge",
	    "Failed fetches in a row per source.");
	for (size_t i = 0; i < d->nsources; i++) {
		buf_adds(&b, "pactfeed_source_error_streak{source=\"");
		page_label(&b, d->sources[i].id);
		buf_printf(&b, "\"} %d\n", d->sources[i].error_streak);
	}
	page_metric_head(&b, "pactfeed_sources", "gauge",
	    "Configured sources.");
	buf_printf(&b, "pactfeed_sources %zu\n", d->nsources);
	page_metric_head(&b, "pactfeed_sources_failing", "gauge",
	    "Sources whose last fetch failed.");
	buf_printf(&b, "pactfeed_sources_failing %zu\n", failing);
	page_metric_head(&b, "pactfeed_config_reloads_total", "counter",
	    "Configuration reloads (SIGHUP) applied.");
	buf_printf(&b, "pactfeed_config_reloads_total %llu\n",
	    (unsigned long long)st->reloads);
	page_metric_head(&b, "pactfeed_config_reloads_rejected_total",
	    "counter", "Configuration reloads refused (the old one runs on).");
	buf_printf(&b, "pactfeed_config_reloads_rejected_total %llu\n",
	    (unsigned long long)st->reloads_rejected);
	page_metric_head(&b, "pactfeed_store_sketch_bytes", "gauge",
	    "Memory of the title sketches that merge stories.");
	buf_printf(&b, "pactfeed_store_sketch_bytes %zu\n",
	    store_sketch_bytes(d->store));
	page_metric_head(&b, "pactfeed_store_generation", "counter",
	    "Changes written to the archive.");
	buf_printf(&b, "pactfeed_store_generation %llu\n",
	    (unsigned long long)store_generation(d->store));
	page_metric_head(&b, "pactfeed_http_requests_total", "counter",
	    "HTTP requests served.");
	buf_printf(&b, "pactfeed_http_requests_total %llu\n",
	    (unsigned long long)st->http_requests);
	page_metric_head(&b, "pactfeed_http_renders_total", "counter",
	    "Feed pages rendered (once per page and store change).");
	buf_printf(&b, "pactfeed_http_renders_total %llu\n",
	    (unsigned long long)hs->renders);
	page_metric_head(&b, "pactfeed_http_cache_hits_total", "counter",
	    "Feed requests answered from the render cache.");
	buf_printf(&b, "pactfeed_http_cache_hits_total %llu\n",
	    (unsigned long long)hs->hits);
	page_metric_head(&b, "pactfeed_http_cache_pages", "gauge",
	    "Feed pages in the render cache.");
	buf_printf(&b, "pactfeed_http_cache_pages %llu\n",
	    (unsigned long long)hs->cached);
	page_metric_head(&b, "pactfeed_http_cache_bytes", "gauge",
	    "Bytes of the cached pages, plain and gzip.");
	buf_printf(&b, "pactfeed_http_cache_bytes %llu\n",
	    (unsigned long long)hs->cached_bytes);
	page_metric_head(&b, "pactfeed_http_connections", "gauge",
	    "Reader connections open.");
	buf_printf(&b, "pactfeed_http_connections %llu\n",
	    (unsigned long long)hs->conns);
	page_metric_head(&b, "pactfeed_http_connections_accepted_total",
	    "counter", "Reader connections accepted.");
	buf_printf(&b, "pactfeed_http_connections_accepted_total %llu\n",
	    (unsigned long long)hs->accepted);
	page_metric_head(&b, "pactfeed_http_connections_evicted_total",
	    "counter", "Connections closed at the limit to make room "
	    "(idle or unfinished ones, oldest first).");
	buf_printf(&b, "pactfeed_http_connections_evicted_total %llu\n",
	    (unsigned long long)hs->evicted);
	page_metric_head(&b, "pactfeed_http_connections_expired_total",
	    "counter", "Connections closed past the header, keep-alive or "
	    "send deadline.");
	buf_printf(&b, "pactfeed_http_connections_expired_total %llu\n",
	    (unsigned long long)hs->expired);
	page_metric_head(&b, "pactfeed_http_accept_errors_total", "counter",
	    "accept() failures, such as running out of descriptors.");
	buf_printf(&b, "pactfeed_http_accept_errors_total %llu\n",
	    (unsigned long long)hs->accept_errors);
	*len = b.len;
	return buf_release(&b);
}
