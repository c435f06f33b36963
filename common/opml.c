/*
 * OPML in and out. Reading trusts nothing: the document is parsed with
 * XML_PARSE_NONET and without XML_PARSE_NOENT, and a document carrying a
 * DTD is refused outright, since OPML never needs one and an internal
 * subset is the only way entities (and their expansion) get in. Outlines
 * are walked to a fixed depth; whatever an outline lacks is returned as
 * NULL for the caller to judge, so a half-broken list still yields its
 * good feeds. Writing goes through xmlTextWriter, which escapes.
 */

#include "opml.h"

#include <ctype.h>
#include <limits.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include <libxml/parser.h>
#include <libxml/tree.h>
#include <libxml/uri.h>
#include <libxml/xmlerror.h>
#include <libxml/xmlwriter.h>

#include "config.h"
#include "date.h"
#include "text.h"
#include "words.h"
#include "xmalloc.h"

#define OPML_MAX_DEPTH	32	/* nested outlines */
#define OPML_ID_MAX	40
#define OPML_HTML_ERROR	"not OPML but an HTML page (a site's address " \
			"rather than its OPML export?)"

static int	 opml_walk(struct opml *, xmlNodePtr, int, char *, size_t);

/* An HTML page: "<html" near the start, in any case. */
static bool
opml_looks_html(const char *buf, size_t len)
{
	size_t	i;

	if (len > 1024)
		len = 1024;
	for (i = 0; i + 5 <= len; i++)
		if (buf[i] == '<' && strncasecmp(buf + i + 1, "html", 4) == 0)
			return true;
	return false;
}

static bool
opml_is(xmlNodePtr n, const char *name)
{
	return n->type == XML_ELEMENT_NODE && n->ns == NULL &&
	    xmlStrcmp(n->name, BAD_CAST name) == 0;
}

/* An attribute's value, trimmed; NULL when absent or blank. */
static char *
opml_attr(xmlNodePtr n, const char *name)
{
	xmlChar		*v;
	const char	*s;
	size_t		 len;
	char		*r = NULL;

	if ((v = xmlGetNoNsProp(n, BAD_CAST name)) == NULL)
		return NULL;
	s = (const char *)v;
	len = strlen(s);
	text_trim(&s, &len);
	if (len > 0)
		r = xstrndup(s, len);
	xmlFree(v);
	return r;
}

static bool
opml_has_outlines(xmlNodePtr n)
{
	xmlNodePtr	c;

	for (c = n->children; c != NULL; c = c->next)
		if (opml_is(c, "outline"))
			return true;
	return false;
}

static void
opml_add(struct opml *o, xmlNodePtr n, char *xml_url)
{
	struct opml_outline	*ol;
	size_t			 cap;

	/* Capacity 16, then doubled: full when n is 16 times a power of 2. */
	if (o->n == 0 || (o->n >= 16 && (o->n & (o->n - 1)) == 0)) {
		cap = o->n == 0 ? 16 : o->n * 2;
		o->v = xreallocarray(o->v, cap, sizeof(*o->v));
	}
	ol = &o->v[o->n++];
	ol->title = opml_attr(n, "title");
	if (ol->title == NULL)
		ol->title = opml_attr(n, "text");
	ol->xml_url = xml_url;
	ol->html_url = opml_attr(n, "htmlUrl");
	ol->line = xmlGetLineNo(n);
}

static int
opml_walk(struct opml *o, xmlNodePtr parent, int depth, char *err,
    size_t errlen)
{
	xmlNodePtr	 n;
	char		*xml_url;
	bool		 folder;

	if (depth > OPML_MAX_DEPTH) {
		snprintf(err, errlen, "line %ld: outlines nested deeper "
		    "than %d", xmlGetLineNo(parent), OPML_MAX_DEPTH);
		return -1;
	}
	for (n = parent->children; n != NULL; n = n->next) {
		if (!opml_is(n, "outline"))
			continue;
		xml_url = opml_attr(n, "xmlUrl");
		folder = opml_has_outlines(n);
		if (xml_url != NULL || !folder)
			opml_add(o, n, xml_url);
		if (folder && opml_walk(o, n, depth + 1, err, errlen) == -1)
			return -1;
	}
	return 0;
}

struct opml *
opml_read(const char *buf, size_t len, char *err, size_t errlen)
{
	struct opml	*o = NULL;
	xmlDocPtr	 doc;
	xmlNodePtr	 root, n, body = NULL;
	const xmlError	*e;
	char		*s;

	if (len > INT_MAX) {
		snprintf(err, errlen, "document too large");
		return NULL;
	}
	if (len == 0) {
		snprintf(err, errlen, "empty document");
		return NULL;
	}
	xmlResetLastError();
	doc = xmlReadMemory(buf, (int)len, NULL, NULL, XML_PARSE_NONET |
	    XML_PARSE_NOERROR | XML_PARSE_NOWARNING | XML_PARSE_NOCDATA);
	if (doc == NULL && opml_looks_html(buf, len)) {
		snprintf(err, errlen, OPML_HTML_ERROR);
		return NULL;
	}
	if (doc == NULL) {
		e = xmlGetLastError();
		if (e != NULL && e->message != NULL) {
			s = xstrdup(e->message);
			s[strcspn(s, "\n")] = '\0';
			snprintf(err, errlen, "not well-formed XML: "
			    "line %d: %s", e->line, s);
			free(s);
		} else
			snprintf(err, errlen, "not well-formed XML");
		return NULL;
	}
	root = xmlDocGetRootElement(doc);
	if (root == NULL || !opml_is(root, "opml")) {
		if (root != NULL && xmlStrcasecmp(root->name,
		    BAD_CAST "html") == 0)
			snprintf(err, errlen, OPML_HTML_ERROR);
		else if (root != NULL && root->ns != NULL)
			snprintf(err, errlen, "not OPML: the root element "
			    "<%s> is in namespace %s, OPML has none",
			    (const char *)root->name,
			    (const char *)root->ns->href);
		else
			snprintf(err, errlen, "not OPML: the root element is "
			    "<%s>, not <opml>", root != NULL ?
			    (const char *)root->name : "");
		goto done;
	}
	if (doc->intSubset != NULL || doc->extSubset != NULL) {
		snprintf(err, errlen, "has a DTD (OPML needs none; refused "
		    "so that no entity is expanded)");
		goto done;
	}
	o = xcalloc(1, sizeof(*o));
	for (n = root->children; n != NULL; n = n->next) {
		if (opml_is(n, "body") && body == NULL)
			body = n;
		else if (opml_is(n, "head") && o->title == NULL) {
			xmlNodePtr t;

			for (t = n->children; t != NULL; t = t->next)
				if (opml_is(t, "title")) {
					xmlChar *c = xmlNodeGetContent(t);

					if (c != NULL && !text_is_blank(
					    (const char *)c))
						o->title = xstrdup(
						    (const char *)c);
					xmlFree(c);
					break;
				}
		}
	}
	if (body == NULL) {
		snprintf(err, errlen, "not OPML: no <body>");
		goto fail;
	}
	if (opml_walk(o, body, 1, err, errlen) == -1)
		goto fail;
	goto done;
fail:
	opml_free(o);
	o = NULL;
done:
	xmlFreeDoc(doc);
	return o;
}

void
opml_free(struct opml *o)
{
	size_t	i;

	if (o == NULL)
		return;
	for (i = 0; i < o->n; i++) {
		free(o->v[i].title);
		free(o->v[i].xml_url);
		free(o->v[i].html_url);
	}
	free(o->v);
	free(o->title);
	free(o);
}

/* The host of an http(s) URL, or NULL. */
static char *
opml_url_host(const char *url)
{
	xmlURIPtr	 u;
	char		*h = NULL;

	if (url == NULL || (u = xmlParseURI(url)) == NULL)
		return NULL;
	if (u->server != NULL)
		h = xstrdup(u->server);
	xmlFreeURI(u);
	return h;
}

/* Lower-case ASCII letters and digits of s, each other run as one "-",
 * none at either end, cut at a "-" to fit OPML_ID_MAX. */
static char *
opml_slug(const char *s)
{
	char	*norm, *out, *p;
	size_t	 o = 0, cut;

	norm = words_normalize(s, strlen(s));
	out = xmalloc(strlen(norm) + 1);
	for (p = norm; *p != '\0'; p++) {
		if (isascii((unsigned char)*p) && isalnum((unsigned char)*p))
			out[o++] = tolower((unsigned char)*p);
		else if (o > 0 && out[o - 1] != '-')
			out[o++] = '-';
	}
	while (o > 0 && out[o - 1] == '-')
		o--;
	out[o] = '\0';
	free(norm);
	if (o > OPML_ID_MAX) {
		cut = OPML_ID_MAX;
		while (cut > OPML_ID_MAX / 2 && out[cut] != '-')
			cut--;
		if (out[cut] != '-')
			cut = OPML_ID_MAX;
		out[cut] = '\0';
		while (cut > 0 && out[cut - 1] == '-')
			out[--cut] = '\0';
	}
	return out;
}

static bool
opml_id_taken(const char *id, const char *const *taken, size_t ntaken)
{
	size_t	i;

	for (i = 0; i < ntaken; i++)
		if (taken[i] != NULL && strcasecmp(taken[i], id) == 0)
			return true;
	return false;
}

char *
opml_make_id(const char *title, const char *url, const char *const *taken,
    size_t ntaken)
{
	char		*base = NULL, *host, *id;
	size_t		 blen;
	unsigned	 k;

	if (title != NULL)
		base = opml_slug(title);
	if (base == NULL || *base == '\0') {
		free(base);
		base = NULL;
		if ((host = opml_url_host(url)) != NULL) {
			if (strncasecmp(host, "www.", 4) == 0)
				memmove(host, host + 4, strlen(host + 4) + 1);
			base = opml_slug(host);
			free(host);
		}
	}
	if (base == NULL || *base == '\0') {
		free(base);
		base = xstrdup("source");
	}
	if (!opml_id_taken(base, taken, ntaken))
		return base;
	blen = strlen(base);
	id = xmalloc(blen + 16);
	for (k = 2;; k++) {
		/* Keep the suffix within OPML_ID_MAX too. */
		int	sl = snprintf(NULL, 0, "-%u", k);
		size_t	keep = blen;

		if (keep + sl > OPML_ID_MAX)
			keep = OPML_ID_MAX - sl;
		while (keep > 0 && base[keep - 1] == '-')
			keep--;
		snprintf(id, blen + 16, "%.*s-%u", (int)keep, base, k);
		if (!opml_id_taken(id, taken, ntaken))
			break;
	}
	free(base);
	return id;
}

char *
opml_write(const struct source *src, size_t n, const char *title,
    time_t now, size_t *lenp, char *err, size_t errlen)
{
	xmlBufferPtr		 b;
	xmlTextWriterPtr	 w;
	char			 date[64], *out = NULL;
	size_t			 i;
	int			 rc = 0;

	if ((b = xmlBufferCreate()) == NULL) {
		snprintf(err, errlen, "cannot create an XML buffer");
		return NULL;
	}
	if ((w = xmlNewTextWriterMemory(b, 0)) == NULL) {
		snprintf(err, errlen, "cannot create an XML writer");
		xmlBufferFree(b);
		return NULL;
	}
	xmlTextWriterSetIndent(w, 1);
	xmlTextWriterSetIndentString(w, BAD_CAST "  ");
#define OPML_DO(call)	do { if (rc >= 0) rc = (call); } while (0)
	OPML_DO(xmlTextWriterStartDocument(w, "1.0", "UTF-8", NULL));
	OPML_DO(xmlTextWriterStartElement(w, BAD_CAST "opml"));
	OPML_DO(xmlTextWriterWriteAttribute(w, BAD_CAST "version",
	    BAD_CAST "2.0"));
	OPML_DO(xmlTextWriterStartElement(w, BAD_CAST "head"));
	OPML_DO(xmlTextWriterWriteElement(w, BAD_CAST "title",
	    BAD_CAST (title != NULL ? title : "pactfeed sources")));
	if (now != 0 && date_format_http(now, date, sizeof(date)) != NULL)
		OPML_DO(xmlTextWriterWriteElement(w, BAD_CAST "dateCreated",
		    BAD_CAST date));
	OPML_DO(xmlTextWriterWriteElement(w, BAD_CAST "docs",
	    BAD_CAST "http://opml.org/spec2.opml"));
	OPML_DO(xmlTextWriterEndElement(w));
	OPML_DO(xmlTextWriterStartElement(w, BAD_CAST "body"));
	for (i = 0; i < n; i++) {
		const struct source	*s = &src[i];
		const char		*t;

		t = s->title != NULL ? s->title : s->id;

		OPML_DO(xmlTextWriterStartElement(w, BAD_CAST "outline"));
		OPML_DO(xmlTextWriterWriteAttribute(w, BAD_CAST "text",
		    BAD_CAST t));
		OPML_DO(xmlTextWriterWriteAttribute(w, BAD_CAST "title",
		    BAD_CAST t));
		if (s->type == SOURCE_FEED) {
			OPML_DO(xmlTextWriterWriteAttribute(w,
			    BAD_CAST "type", BAD_CAST "rss"));
			OPML_DO(xmlTextWriterWriteAttribute(w,
			    BAD_CAST "xmlUrl", BAD_CAST s->url));
		} else {
			/* A page without a feed: an OPML 2.0 link. */
			OPML_DO(xmlTextWriterWriteAttribute(w,
			    BAD_CAST "type", BAD_CAST "link"));
			OPML_DO(xmlTextWriterWriteAttribute(w,
			    BAD_CAST "url", BAD_CAST s->url));
			OPML_DO(xmlTextWriterWriteAttribute(w,
			    BAD_CAST "htmlUrl", BAD_CAST s->url));
		}
		OPML_DO(xmlTextWriterEndElement(w));
	}
	OPML_DO(xmlTextWriterEndDocument(w));
#undef OPML_DO
	xmlFreeTextWriter(w);
	if (rc < 0)
		snprintf(err, errlen, "cannot write OPML");
	else {
		*lenp = xmlBufferLength(b);
		out = xmalloc(*lenp + 1);
		memcpy(out, xmlBufferContent(b), *lenp);
		out[*lenp] = '\0';
	}
	xmlBufferFree(b);
	return out;
}
