/*
 * Rendering what we publish. A feed page is one keyset query of the
 * store: RENDER_PAGE + 1 stories are asked for, so the extra one says
 * whether an older page exists without counting. A cursor names a story
 * by (updated, id) and a direction; "older" pages are one query, a
 * "newer" page (the previous link of RFC 5005) two: RENDER_PAGE + 1
 * stories up from the cursor, oldest first, find where that page
 * starts, so a cursor deep in the archive costs no more than a recent
 * one. Every URL we write is built from the canonical form of the page
 * (render_feed_path), so equal pages have equal URLs, ids and cache
 * keys.
 */

#include "render.h"

#include <ctype.h>
#include <errno.h>
#include <inttypes.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <jansson.h>
#include <libxml/xmlwriter.h>

#include "atom.h"
#include "config.h"
#include "date.h"
#include "entry.h"
#include "log.h"
#include "store.h"
#include "text.h"
#include "xmalloc.h"

void
render_feed_clear(struct render_feed *rf)
{
	free(rf->topic);
	free(rf->source);
	free(rf->q);
	free(rf->lang);
	memset(rf, 0, sizeof(*rf));
}

/* "topics/x.atom" -> "x" (new string), NULL when path is not one. */
static char *
render_route_id(const char *path, const char *prefix)
{
	size_t	plen = strlen(prefix), len;

	if (strncmp(path, prefix, plen) != 0)
		return NULL;
	path += plen;
	len = strlen(path);
	if (len <= 5 || strcmp(path + len - 5, ".atom") != 0)
		return NULL;
	len -= 5;
	if (memchr(path, '/', len) != NULL)
		return NULL;
	return xstrndup(path, len);
}

int
render_feed_route(struct render_feed *rf, const char *path)
{
	char	*id;

	if (strcmp(path, "feed.atom") == 0)
		rf->route = RENDER_ALL;
	else if (strcmp(path, "search.atom") == 0)
		rf->route = RENDER_SEARCH;
	else if ((id = render_route_id(path, "topics/")) != NULL) {
		rf->route = RENDER_TOPIC;
		free(rf->topic);
		rf->topic = id;
	} else if ((id = render_route_id(path, "sources/")) != NULL) {
		rf->route = RENDER_SOURCE;
		free(rf->source);
		rf->source = id;
	} else
		return -1;
	return 0;
}

/* A parameter value we will write into documents: valid UTF-8 without
 * control characters, not empty, not huge. */
static bool
render_value_ok(const char *v)
{
	size_t	len = strlen(v);

	if (len == 0 || len > 512 || text_utf8_valid_len(v, len) != len)
		return false;
	for (; *v != '\0'; v++)
		if ((unsigned char)*v < 0x20 || *v == 0x7f)
			return false;
	return true;
}

/* A language tag as BCP 47 spells it: letters, then subtags. */
static bool
render_lang_ok(const char *v)
{
	size_t	n = 0;

	for (; *v != '\0'; v++) {
		if (*v == '-' && n > 0) {
			n = 0;
			continue;
		}
		if (!isalnum((unsigned char)*v) || ++n > 8)
			return false;
	}
	return n > 0;
}

/* Is the word of n bytes at w among the words before it in q? */
static bool
render_word_seen(const char *q, const char *w, size_t n)
{
	const char	*p = q;

	while (p < w) {
		size_t	m;

		p += strspn(p, " \t");
		m = strcspn(p, " \t");
		if (p >= w)
			break;
		if (m == n && memcmp(p, w, n) == 0)
			return true;
		p += m;
	}
	return false;
}

/* The different words of a query: each costs the search a pass over
 * its postings, so a query of one word said 70 times is one word. */
static size_t
render_query_words(const char *q)
{
	const char	*p = q;
	size_t		 nwords = 0;

	for (;;) {
		size_t	n;

		p += strspn(p, " \t");
		if ((n = strcspn(p, " \t")) == 0)
			return nwords;
		if (!render_word_seen(q, p, n))
			nwords++;
		p += n;
	}
}

static int
render_cursor_parse(struct render_feed *rf, const char *v)
{
	long long	 upd, id;
	char		*end;

	if (*v != 'o' && *v != 'n')
		return -1;
	if (!isdigit((unsigned char)v[1]) && v[1] != '-')
		return -1;
	errno = 0;
	upd = strtoll(v + 1, &end, 10);
	if (errno != 0 || *end != '_' || !isdigit((unsigned char)end[1]))
		return -1;
	id = strtoll(end + 1, &end, 10);
	if (errno != 0 || *end != '\0' || id < 0)
		return -1;
	rf->cursor = *v == 'o' ? RENDER_OLDER : RENDER_NEWER;
	rf->cursor_updated = upd;
	rf->cursor_id = id;
	return 0;
}

int
render_feed_param(struct render_feed *rf, const char *key, const char *v,
    char *err, size_t errlen)
{
	static const char *const keys[] = {
		"topic", "source", "q", "lang", "since", "cursor"
	};
	size_t		 k;
	time_t		 t;

	for (k = 0; k < sizeof(keys) / sizeof(keys[0]); k++)
		if (strcmp(key, keys[k]) == 0)
			break;
	if (k == sizeof(keys) / sizeof(keys[0])) {
		snprintf(err, errlen, "unknown parameter (known: topic, "
		    "source, q, lang, since, cursor)");
		return -1;
	}
	if (!render_value_ok(v)) {
		snprintf(err, errlen, "parameter %s: empty, too long or not "
		    "text", key);
		return -1;
	}
	if (rf->seen & (1u << k))
		goto twice;
	rf->seen |= 1u << k;
	switch (k) {
	case 0:
	case 1: {
		char	**slot = k == 0 ? &rf->topic : &rf->source;

		/* Set by the route: the same value again is fine. */
		if (*slot != NULL) {
			if (strcmp(*slot, v) == 0)
				return 0;
			snprintf(err, errlen, "parameter %s conflicts with the "
			    "feed's own %s", key, key);
			return -1;
		}
		*slot = xstrdup(v);
		return 0;
	}
	case 2:
		if (text_is_blank(v)) {
			snprintf(err, errlen, "parameter q is blank");
			return -1;
		}
		if (render_query_words(v) > RENDER_QUERY_WORDS) {
			snprintf(err, errlen, "parameter q: more than %d "
			    "different words", RENDER_QUERY_WORDS);
			return -1;
		}
		rf->q = xstrdup(v);
		return 0;
	case 3:
		if (!render_lang_ok(v)) {
			snprintf(err, errlen, "parameter lang: not a language "
			    "tag such as en or fr-BE");
			return -1;
		}
		rf->lang = xstrdup(v);
		return 0;
	case 4:
		if ((t = date_parse(v)) == DATE_NONE || t == 0) {
			snprintf(err, errlen, "parameter since: not a date "
			    "such as 2024-06-10 or 2024-06-10T12:00:00Z");
			return -1;
		}
		rf->since = t;
		return 0;
	default:
		if (render_cursor_parse(rf, v) == -1) {
			snprintf(err, errlen, "parameter cursor: not one of "
			    "ours (follow the feed's links)");
			return -1;
		}
		return 0;
	}
twice:
	snprintf(err, errlen, "parameter %s given twice", key);
	return -1;
}

int
render_feed_check(const struct render_feed *rf, const struct config *cfg,
    int *notfound, char *err, size_t errlen)
{
	*notfound = 0;
	if (rf->route == RENDER_SEARCH && rf->q == NULL) {
		snprintf(err, errlen, "search.atom needs a query: "
		    "search.atom?q=words");
		return -1;
	}
	if (rf->topic != NULL && config_topic(cfg, rf->topic) == NULL) {
		*notfound = 1;
		snprintf(err, errlen, "no topic with id \"%s\"", rf->topic);
		return -1;
	}
	if (rf->source != NULL && config_source(cfg, rf->source) == NULL) {
		*notfound = 1;
		snprintf(err, errlen, "no source with id \"%s\"", rf->source);
		return -1;
	}
	return 0;
}

/* Percent-encodes everything but RFC 3986's unreserved characters. */
static void
render_encode(struct buf *b, const char *s)
{
	for (; *s != '\0'; s++) {
		unsigned char	c = *s;

		if (isalnum(c) || strchr("-._~", c) != NULL)
			buf_addc(b, c);
		else
			buf_printf(b, "%%%02X", c);
	}
}

static void
render_query_add(struct buf *b, const char *key, const char *v)
{
	if (v == NULL)
		return;
	buf_addc(b, strchr(b->s, '?') != NULL ? '&' : '?');
	buf_adds(b, key);
	buf_addc(b, '=');
	render_encode(b, v);
}

/* The page's path and query, with the cursor given rather than its own. */
static char *
render_path_cursor(const struct render_feed *rf, enum render_cursor cur,
    time_t upd, int64_t id)
{
	struct buf	 b = { 0 };
	char		 d[DATE_STRLEN], c[64];

	switch (rf->route) {
	case RENDER_ALL:
		buf_adds(&b, "feed.atom");
		break;
	case RENDER_SEARCH:
		buf_adds(&b, "search.atom");
		break;
	case RENDER_TOPIC:
		buf_adds(&b, "topics/");
		render_encode(&b, rf->topic);
		buf_adds(&b, ".atom");
		break;
	case RENDER_SOURCE:
		buf_adds(&b, "sources/");
		render_encode(&b, rf->source);
		buf_adds(&b, ".atom");
		break;
	}
	if (rf->route != RENDER_TOPIC)
		render_query_add(&b, "topic", rf->topic);
	if (rf->route != RENDER_SOURCE)
		render_query_add(&b, "source", rf->source);
	render_query_add(&b, "q", rf->q);
	render_query_add(&b, "lang", rf->lang);
	if (rf->since != 0)
		render_query_add(&b, "since", date_format(rf->since, d,
		    sizeof(d)));
	if (cur != RENDER_FIRST) {
		snprintf(c, sizeof(c), "%c%lld_%lld",
		    cur == RENDER_OLDER ? 'o' : 'n', (long long)upd,
		    (long long)id);
		render_query_add(&b, "cursor", c);
	}
	return buf_release(&b);
}

char *
render_feed_path(const struct render_feed *rf)
{
	return render_path_cursor(rf, rf->cursor, rf->cursor_updated,
	    rf->cursor_id);
}

static char *
render_url(const struct config *cfg, const struct render_feed *rf,
    enum render_cursor cur, time_t upd, int64_t id)
{
	char	*path, *url;

	path = render_path_cursor(rf, cur, upd, id);
	url = xasprintf("%s%s", cfg->base_url, path);
	free(path);
	return url;
}

/* The reader's words as an FTS5 query: each a quoted string, once,
 * all of them required, so no input is an FTS5 syntax error. */
static char *
render_fts_query(const char *q)
{
	struct buf	 b = { 0 };
	const char	*p = q;

	while (*p != '\0') {
		size_t	n;

		while (*p == ' ' || *p == '\t')
			p++;
		if ((n = strcspn(p, " \t")) == 0)
			break;
		if (render_word_seen(q, p, n)) {
			p += n;
			continue;
		}
		if (b.len > 0)
			buf_addc(&b, ' ');
		buf_addc(&b, '"');
		for (size_t i = 0; i < n; i++) {
			if (p[i] == '"')
				buf_addc(&b, '"');
			buf_addc(&b, p[i]);
		}
		buf_addc(&b, '"');
		p += n;
	}
	return buf_release(&b);
}

/* What a page query collects. */
struct render_page {
	struct atom_writer	*w;
	size_t			 n;		/* stories seen */
	bool			 more;		/* the extra one exists */
	time_t			 first_upd, last_upd;
	int64_t			 first_id, last_id;
};

static int
render_page_cb(const struct store_story *s, void *arg)
{
	struct render_page	*pg = arg;

	if (pg->n == RENDER_PAGE) {
		pg->more = true;
		return 1;
	}
	if (pg->n == 0) {
		pg->first_upd = s->updated;
		pg->first_id = s->id;
	}
	pg->last_upd = s->updated;
	pg->last_id = s->id;
	pg->n++;
	atom_add_story(pg->w, s);
	return 0;
}

/* The stories just newer than a cursor, oldest first. */
struct render_scan {
	time_t		 upd[RENDER_PAGE + 1];
	int64_t		 id[RENDER_PAGE + 1];
	size_t		 n;
};

static int
render_scan_cb(const struct store_story *s, void *arg)
{
	struct render_scan	*sc = arg;

	if (sc->n == RENDER_PAGE + 1)
		return 1;
	sc->upd[sc->n] = s->updated;
	sc->id[sc->n] = s->id;
	sc->n++;
	return 0;
}

static char *
render_title(const struct render_feed *rf, const struct config *cfg)
{
	const struct topic	*t;
	const struct source	*s;

	switch (rf->route) {
	case RENDER_TOPIC:
		t = config_topic(cfg, rf->topic);
		return xasprintf("%s: %s", cfg->feed_title,
		    t != NULL && t->name != NULL ? t->name : rf->topic);
	case RENDER_SOURCE:
		s = config_source(cfg, rf->source);
		return xasprintf("%s: %s", cfg->feed_title,
		    s != NULL && s->title != NULL ? s->title : rf->source);
	case RENDER_SEARCH:
		return xasprintf("%s: search for \"%s\"", cfg->feed_title,
		    rf->q);
	default:
		return xstrdup(cfg->feed_title);
	}
}

/* The filters the route does not already say, for the subtitle. */
static char *
render_subtitle(const struct render_feed *rf, const struct config *cfg)
{
	struct buf		 b = { 0 };
	const struct topic	*t;
	char			 d[DATE_STRLEN];

	if (rf->topic != NULL && rf->route != RENDER_TOPIC) {
		t = config_topic(cfg, rf->topic);
		buf_printf(&b, "topic: %s; ", t != NULL && t->name != NULL ?
		    t->name : rf->topic);
	}
	if (rf->source != NULL && rf->route != RENDER_SOURCE)
		buf_printf(&b, "source: %s; ", rf->source);
	if (rf->q != NULL && rf->route != RENDER_SEARCH)
		buf_printf(&b, "matching: %s; ", rf->q);
	if (rf->lang != NULL)
		buf_printf(&b, "language: %s; ", rf->lang);
	if (rf->since != 0)
		buf_printf(&b, "since %s; ", date_format(rf->since, d,
		    sizeof(d)));
	if (b.len == 0)
		return NULL;
	b.s[b.len - 2] = '\0';
	return buf_release(&b);
}

char *
render_atom(struct store *st, const struct config *cfg,
    const struct render_feed *rf, size_t *len, char *err, size_t errlen)
{
	struct store_filter	 f = { 0 };
	struct render_page	 pg = { 0 };
	struct render_scan	 sc = { 0 };
	struct atom_page	 ap = { 0 };
	enum render_cursor	 cur = rf->cursor;
	char			*fts = NULL, *id = NULL, *self = NULL;
	char			*first = NULL, *next = NULL, *prev = NULL;
	char			*title = NULL, *subtitle = NULL, *out = NULL;

	f.topic = rf->topic;
	f.source = rf->source;
	f.lang = rf->lang;
	f.since = rf->since;
	if (rf->q != NULL)
		f.q = fts = render_fts_query(rf->q);
	if (cur == RENDER_NEWER) {
		/* Find the story just newer than the page (the page is what
		 * lies strictly older than it): RENDER_PAGE + 1 stories up
		 * from the cursor, however deep it lies. */
		struct store_filter	sf = f;

		sf.has_cursor = true;
		sf.cursor_updated = rf->cursor_updated;
		sf.cursor_id = rf->cursor_id;
		sf.newer = true;
		sf.limit = RENDER_PAGE + 1;
		if (store_query_stories(st, &sf, render_scan_cb, &sc, err,
		    errlen) == -1)
			goto done;
		if (sc.n > RENDER_PAGE) {
			f.has_cursor = true;
			f.cursor_updated = sc.upd[RENDER_PAGE];
			f.cursor_id = sc.id[RENDER_PAGE];
		} else
			cur = RENDER_FIRST;	/* that is the first page */
	} else if (cur == RENDER_OLDER) {
		f.has_cursor = true;
		f.cursor_updated = rf->cursor_updated;
		f.cursor_id = rf->cursor_id;
	}
	f.limit = RENDER_PAGE + 1;
	pg.w = atom_new(cfg);
	if (store_query_stories(st, &f, render_page_cb, &pg, err,
	    errlen) == -1)
		goto done;

	id = render_url(cfg, rf, RENDER_FIRST, 0, 0);
	self = render_url(cfg, rf, rf->cursor, rf->cursor_updated,
	    rf->cursor_id);
	if (pg.more)
		next = render_url(cfg, rf, RENDER_OLDER, pg.last_upd,
		    pg.last_id);
	if (cur != RENDER_FIRST) {
		if (pg.n > 0)
			prev = render_url(cfg, rf, RENDER_NEWER, pg.first_upd,
			    pg.first_id);
		else
			prev = render_url(cfg, rf, RENDER_NEWER,
			    rf->cursor_updated, rf->cursor_id);
	}
	if (next != NULL || prev != NULL)
		first = xstrdup(id);
	title = render_title(rf, cfg);
	subtitle = render_subtitle(rf, cfg);
	ap.id = id;
	ap.title = title;
	ap.subtitle = subtitle;
	ap.self = self;
	ap.alternate = cfg->base_url;
	ap.first = first;
	ap.next = next;
	ap.previous = prev;
	ap.updated = 0;
	out = atom_finish(pg.w, &ap, len);
	pg.w = NULL;
done:
	atom_free(pg.w);
	free(fts);
	free(id);
	free(self);
	free(first);
	free(next);
	free(prev);
	free(title);
	free(subtitle);
	return out;
}

static void
render_outline(xmlTextWriterPtr w, const char *text, const char *xml,
    const char *html)
{
	xmlTextWriterStartElement(w, BAD_CAST "outline");
	xmlTextWriterWriteAttribute(w, BAD_CAST "type", BAD_CAST "rss");
	xmlTextWriterWriteAttribute(w, BAD_CAST "text", BAD_CAST text);
	xmlTextWriterWriteAttribute(w, BAD_CAST "title", BAD_CAST text);
	xmlTextWriterWriteAttribute(w, BAD_CAST "xmlUrl", BAD_CAST xml);
	if (html != NULL)
		xmlTextWriterWriteAttribute(w, BAD_CAST "htmlUrl",
		    BAD_CAST html);
	xmlTextWriterEndElement(w);
}

char *
render_opml(const struct config *cfg, size_t *len)
{
	struct render_feed	 rf = { 0 };
	xmlBufferPtr		 b;
	xmlTextWriterPtr	 w;
	char			*url, *title, *out;

	if ((b = xmlBufferCreate()) == NULL ||
	    (w = xmlNewTextWriterMemory(b, 0)) == NULL)
		fatalx("render: cannot create an XML writer");
	xmlTextWriterSetIndent(w, 1);
	xmlTextWriterStartDocument(w, "1.0", "UTF-8", NULL);
	xmlTextWriterStartElement(w, BAD_CAST "opml");
	xmlTextWriterWriteAttribute(w, BAD_CAST "version", BAD_CAST "2.0");
	xmlTextWriterStartElement(w, BAD_CAST "head");
	xmlTextWriterWriteElement(w, BAD_CAST "title",
	    BAD_CAST cfg->feed_title);
	xmlTextWriterEndElement(w);
	xmlTextWriterStartElement(w, BAD_CAST "body");

	url = render_url(cfg, &rf, RENDER_FIRST, 0, 0);
	render_outline(w, cfg->feed_title, url, cfg->base_url);
	free(url);
	xmlTextWriterStartElement(w, BAD_CAST "outline");
	xmlTextWriterWriteAttribute(w, BAD_CAST "text", BAD_CAST "Topics");
	rf.route = RENDER_TOPIC;
	for (size_t i = 0; i < cfg->ntopics; i++) {
		rf.topic = cfg->topics[i].id;
		url = render_url(cfg, &rf, RENDER_FIRST, 0, 0);
		title = render_title(&rf, cfg);
		render_outline(w, title, url, cfg->base_url);
		free(title);
		free(url);
	}
	rf.topic = NULL;
	xmlTextWriterEndElement(w);
	xmlTextWriterStartElement(w, BAD_CAST "outline");
	xmlTextWriterWriteAttribute(w, BAD_CAST "text", BAD_CAST "Sources");
	rf.route = RENDER_SOURCE;
	for (size_t i = 0; i < cfg->nsources; i++) {
		rf.source = cfg->sources[i].id;
		url = render_url(cfg, &rf, RENDER_FIRST, 0, 0);
		title = render_title(&rf, cfg);
		render_outline(w, title, url, cfg->base_url);
		free(title);
		free(url);
	}
	xmlTextWriterEndElement(w);

	xmlTextWriterEndElement(w);
	xmlTextWriterEndElement(w);
	xmlTextWriterEndDocument(w);
	xmlFreeTextWriter(w);
	*len = xmlBufferLength(b);
	out = xstrndup((const char *)xmlBufferContent(b), *len);
	xmlBufferFree(b);
	return out;
}

/*
 * A feed opened in a browser: the stylesheet the feed's processing
 * instruction names turns it into a page that says what a feed is and
 * lists the entries. Entry HTML is shown as text: browsers vary in
 * disable-output-escaping, and a plain title and date are enough here.
 */
static const char render_xsl[] =
"<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n"
"<xsl:stylesheet version=\"1.0\"\n"
"    xmlns:xsl=\"http://www.w3.org/1999/XSL/Transform\"\n"
"    xmlns:a=\"http://www.w3.org/2005/Atom\">\n"
"<xsl:output method=\"html\" encoding=\"UTF-8\" indent=\"yes\"\n"
"    doctype-system=\"about:legacy-compat\"/>\n"
"<xsl:template match=\"/a:feed\">\n"
"<html lang=\"en\">\n"
"<head>\n"
"<meta charset=\"utf-8\"/>\n"
"<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\"/>\n"
"<title><xsl:value-of select=\"a:title\"/></title>\n"
"<style>\n"
"body { font-family: sans-serif; max-width: 48em; margin: 2em auto;\n"
"  padding: 0 1em; line-height: 1.4; color: #222; }\n"
".note { background: #eef4fb; border: 1px solid #c8d8ec; padding: .8em; }\n"
"code { background: #f4f4f4; padding: 0 .3em; word-break: break-all; }\n"
"li { margin: .6em 0; } .meta { color: #666; font-size: .9em; }\n"
"</style>\n"
"</head>\n"
"<body>\n"
"<h1><xsl:value-of select=\"a:title\"/></h1>\n"
"<p><xsl:value-of select=\"a:subtitle\"/></p>\n"
"<p class=\"note\">This is a news feed. Copy its address\n"
" <code><xsl:value-of select=\"a:link[@rel='self']/@href\"/></code>\n"
" into a feed reader to follow it. <a href=\"/\">All our feeds</a>.</p>\n"
"<ul>\n"
"<xsl:for-each select=\"a:entry\">\n"
"<li><a href=\"{a:link[@rel='alternate']/@href}\">"
"<xsl:value-of select=\"a:title\"/></a>\n"
"<div class=\"meta\"><xsl:value-of select=\"substring(a:updated, 1, 10)\"/>"
"<xsl:if test=\"a:source/a:title\"> &#8212; "
"<xsl:value-of select=\"a:source/a:title\"/></xsl:if>"
"<xsl:for-each select=\"a:category\"> &#183; "
"<xsl:value-of select=\"@label\"/></xsl:for-each></div>\n"
"</li>\n"
"</xsl:for-each>\n"
"</ul>\n"
"<xsl:if test=\"a:link[@rel='next']\">\n"
"<p><a href=\"{a:link[@rel='next']/@href}\">Older stories</a></p>\n"
"</xsl:if>\n"
"</body>\n"
"</html>\n"
"</xsl:template>\n"
"</xsl:stylesheet>\n";

const char *
render_feed_xsl(size_t *len)
{
	*len = sizeof(render_xsl) - 1;
	return render_xsl;
}

static int
render_debug_cb(const struct store_story *s, void *arg)
{
	json_t			*list = arg, *o, *a, *t;
	const struct entry	*e = s->entry;
	char			 d[DATE_STRLEN];

	o = json_object();
	json_object_set_new(o, "story", json_integer(s->id));
	if (s->uid != NULL)
		json_object_set_new(o, "id", json_string(s->uid));
	if (e->title != NULL)
		json_object_set_new(o, "title", json_string(e->title));
	if (e->link != NULL)
		json_object_set_new(o, "link", json_string(e->link));
	if (s->updated != DATE_NONE)
		json_object_set_new(o, "updated", json_string(date_format(
		    s->updated, d, sizeof(d))));
	if (e->lang != NULL)
		json_object_set_new(o, "lang", json_string(e->lang));
	a = json_array();
	for (size_t i = 0; i < s->ncarriers; i++)
		json_array_append_new(a, json_string(s->carriers[i].source));
	json_object_set_new(o, "sources", a);
	a = json_array();
	for (size_t i = 0; i < e->ntopics; i++) {
		t = json_object();
		json_object_set_new(t, "id", json_string(e->topics[i].id));
		json_object_set_new(t, "score", json_real(e->topics[i].score));
		if (e->topics[i].why != NULL)
			json_object_set_new(t, "why",
			    json_string(e->topics[i].why));
		json_array_append_new(a, t);
	}
	json_object_set_new(o, "topics", a);
	json_array_append_new(list, o);
	return 0;
}

char *
render_debug_json(struct store *st, const struct render_feed *rf,
    size_t *len, char *err, size_t errlen)
{
	struct store_filter	 f = { 0 };
	json_t			*root, *list;
	char			*fts = NULL, *out = NULL;

	f.topic = rf->topic;
	f.source = rf->source;
	f.lang = rf->lang;
	f.since = rf->since;
	if (rf->q != NULL)
		f.q = fts = render_fts_query(rf->q);
	if (rf->cursor == RENDER_OLDER) {
		f.has_cursor = true;
		f.cursor_updated = rf->cursor_updated;
		f.cursor_id = rf->cursor_id;
	}
	f.limit = RENDER_PAGE;
	list = json_array();
	if (store_query_stories(st, &f, render_debug_cb, list, err,
	    errlen) == 0) {
		root = json_object();
		json_object_set_new(root, "stories", list);
		out = json_dumps(root, JSON_INDENT(1) | JSON_PRESERVE_ORDER);
		json_decref(root);
		if (out != NULL)
			*len = strlen(out);
		else
			snprintf(err, errlen, "cannot write JSON");
	} else
		json_decref(list);
	free(fts);
	return out;
}
