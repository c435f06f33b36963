/*
 * Atom writer. Entries are written first into a fragment buffer, because
 * the feed element's metadata (its updated time, its paging links) is
 * only known once the page's stories are; atom_finish writes the feed
 * element around them. Every string written comes from the parser or the
 * store and is valid UTF-8; the writer escapes it. HTML goes out through
 * the sanitiser only, titles as plain text only.
 */

#include "atom.h"

#include <ctype.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <libxml/xmlwriter.h>

#include "config.h"
#include "date.h"
#include "entry.h"
#include "log.h"
#include "sanitize.h"
#include "store.h"
#include "text.h"
#include "url.h"
#include "xmalloc.h"

#define ATOM_NS		"http://www.w3.org/2005/Atom"
#ifndef ATOM_GENERATOR_VERSION
#define ATOM_GENERATOR_VERSION	"0.1"
#endif

struct atom_writer {
	const struct config	*cfg;
	xmlBufferPtr		 eb;	/* the entries, as a fragment */
	xmlTextWriterPtr	 ew;
	time_t			 newest;
};

static xmlTextWriterPtr
atom_writer_open(xmlBufferPtr *bp)
{
	xmlTextWriterPtr	w;

	if ((*bp = xmlBufferCreate()) == NULL ||
	    (w = xmlNewTextWriterMemory(*bp, 0)) == NULL)
		fatalx("atom: cannot create an XML writer");
	return w;
}

struct atom_writer *
atom_new(const struct config *cfg)
{
	struct atom_writer	*w;

	w = xcalloc(1, sizeof(*w));
	w->cfg = cfg;
	w->newest = DATE_NONE;
	w->ew = atom_writer_open(&w->eb);
	return w;
}

void
atom_free(struct atom_writer *w)
{
	if (w == NULL)
		return;
	if (w->ew != NULL)
		xmlFreeTextWriter(w->ew);
	if (w->eb != NULL)
		xmlBufferFree(w->eb);
	free(w);
}

static void
atom_element(xmlTextWriterPtr w, const char *name, const char *text)
{
	if (text != NULL)
		xmlTextWriterWriteElement(w, BAD_CAST name, BAD_CAST text);
}

static void
atom_date(xmlTextWriterPtr w, const char *name, time_t t)
{
	char	d[DATE_STRLEN];

	if (t != DATE_NONE)
		atom_element(w, name, date_format(t, d, sizeof(d)));
}

static void
atom_link(xmlTextWriterPtr w, const char *rel, const char *href,
    const char *type, const char *title)
{
	/* Feeds are untrusted: a javascript: or data: link never leaves. */
	if (href == NULL || !url_is_http(href))
		return;
	xmlTextWriterStartElement(w, BAD_CAST "link");
	if (rel != NULL)
		xmlTextWriterWriteAttribute(w, BAD_CAST "rel", BAD_CAST rel);
	xmlTextWriterWriteAttribute(w, BAD_CAST "href", BAD_CAST href);
	if (type != NULL)
		xmlTextWriterWriteAttribute(w, BAD_CAST "type", BAD_CAST type);
	if (title != NULL)
		xmlTextWriterWriteAttribute(w, BAD_CAST "title", BAD_CAST title);
	xmlTextWriterEndElement(w);
}

/* True when s has a URI scheme ("https:", "tag:", "urn:"), as atom:id
 * must. */
static bool
atom_is_iri(const char *s)
{
	const char	*p = s;

	if (s == NULL || !isalpha((unsigned char)*p))
		return false;
	while (isalnum((unsigned char)*p) || *p == '+' || *p == '-' ||
	    *p == '.')
		p++;
	return *p == ':' && p[1] != '\0' && strpbrk(s, " \t\n\r<>\"") == NULL;
}

/* The entry's id: its original one when that is an IRI (RFC 4287 asks
 * that ids survive copying); an RSS guid such as "19908 at example.eu"
 * is not one, so it is carried inside an IRI of ours, stable as long as
 * base-url is. */
static char *
atom_entry_id(const struct atom_writer *w, const struct store_story *s)
{
	struct buf	 b = { 0 };
	const char	*p;

	if (atom_is_iri(s->uid))
		return xstrdup(s->uid);
	buf_printf(&b, "%sentries/%s/", w->cfg->base_url, s->source);
	for (p = s->uid != NULL ? s->uid : ""; *p != '\0'; p++) {
		unsigned char	c = *p;

		if (isalnum(c) || strchr("-._~", c) != NULL)
			buf_addc(&b, c);
		else
			buf_printf(&b, "%%%02X", c);
	}
	if (s->uid == NULL)
		buf_printf(&b, "story-%lld", (long long)s->id);
	return buf_release(&b);
}

/* A title as plain text, whatever construct it came in. */
static char *
atom_plain(const char *v, enum text_type type)
{
	if (v == NULL)
		return NULL;
	if (type == TEXT_PLAIN) {
		/* Collapse the line breaks a title may carry. */
		char	*s = xstrdup(v), *p;

		for (p = s; *p != '\0'; p++)
			if (*p == '\n' || *p == '\r' || *p == '\t')
				*p = ' ';
		return s;
	}
	return sanitize_line(v, strlen(v));
}

/* A summary or content: HTML sanitised with absolute links, or text. */
static void
atom_text(xmlTextWriterPtr w, const char *name, const char *v,
    enum text_type type, const char *base)
{
	char	*html;

	if (v == NULL || *v == '\0')
		return;
	xmlTextWriterStartElement(w, BAD_CAST name);
	if (type == TEXT_PLAIN) {
		xmlTextWriterWriteAttribute(w, BAD_CAST "type", BAD_CAST "text");
		xmlTextWriterWriteString(w, BAD_CAST v);
	} else {
		html = sanitize_html(v, strlen(v), base);
		xmlTextWriterWriteAttribute(w, BAD_CAST "type", BAD_CAST "html");
		xmlTextWriterWriteString(w, BAD_CAST html);
		free(html);
	}
	xmlTextWriterEndElement(w);
}

static const char *
atom_topic_name(const struct config *cfg, const char *id)
{
	const struct topic	*t = config_topic(cfg, id);

	return t != NULL && t->name != NULL ? t->name : id;
}

void
atom_add_story(struct atom_writer *w, const struct store_story *s)
{
	const struct entry	*e = s->entry;
	xmlTextWriterPtr	 x = w->ew;
	char			*id, *title, scheme[1024];
	time_t			 updated;

	if (w->newest == DATE_NONE || s->updated > w->newest)
		w->newest = s->updated;
	xmlTextWriterStartElement(x, BAD_CAST "entry");
	if (e->lang != NULL && *e->lang != '\0')
		xmlTextWriterWriteAttribute(x, BAD_CAST "xml:lang",
		    BAD_CAST e->lang);
	id = atom_entry_id(w, s);
	atom_element(x, "id", id);
	free(id);
	title = atom_plain(e->title, e->title_type);
	atom_element(x, "title", title != NULL && *title != '\0' ? title :
	    "(untitled)");
	free(title);
	updated = e->updated != DATE_NONE ? e->updated : s->updated;
	if (updated == DATE_NONE)
		updated = e->published;
	atom_date(x, "updated", updated != DATE_NONE ? updated : s->first);
	atom_date(x, "published", e->published);
	atom_link(x, "alternate", e->link, "text/html", NULL);
	/* Every other source that carried the story. */
	for (size_t i = 0; i < s->ncarriers; i++) {
		const struct store_carrier	*c = &s->carriers[i];

		if (c->link == NULL || (e->link != NULL &&
		    strcmp(c->link, e->link) == 0))
			continue;
		atom_link(x, "related", c->link, "text/html",
		    c->feed.title != NULL ? c->feed.title : c->source);
	}
	for (size_t i = 0; i < e->nenclosures; i++)
		atom_link(x, "enclosure", e->enclosures[i].href,
		    e->enclosures[i].type, NULL);
	for (size_t i = 0; i < e->nauthors; i++) {
		const struct person	*a = &e->authors[i];

		if (a->name == NULL && a->email == NULL)
			continue;
		xmlTextWriterStartElement(x, BAD_CAST "author");
		atom_element(x, "name", a->name != NULL ? a->name : a->email);
		atom_element(x, "email", a->email);
		if (a->uri != NULL && atom_is_iri(a->uri))
			atom_element(x, "uri", a->uri);
		xmlTextWriterEndElement(x);
	}
	snprintf(scheme, sizeof(scheme), "%stopics/", w->cfg->base_url);
	for (size_t i = 0; i < e->ntopics; i++) {
		xmlTextWriterStartElement(x, BAD_CAST "category");
		xmlTextWriterWriteAttribute(x, BAD_CAST "term",
		    BAD_CAST e->topics[i].id);
		xmlTextWriterWriteAttribute(x, BAD_CAST "scheme",
		    BAD_CAST scheme);
		xmlTextWriterWriteAttribute(x, BAD_CAST "label",
		    BAD_CAST atom_topic_name(w->cfg, e->topics[i].id));
		xmlTextWriterEndElement(x);
	}
	atom_text(x, "summary", e->summary, e->summary_type, e->base);
	atom_text(x, "content", e->content, e->content_type, e->base);
	if (s->feed != NULL) {
		xmlTextWriterStartElement(x, BAD_CAST "source");
		if (atom_is_iri(s->feed->id))
			atom_element(x, "id", s->feed->id);
		if (s->feed->title != NULL) {
			title = sanitize_line(s->feed->title,
			    strlen(s->feed->title));
			atom_element(x, "title", title);
			free(title);
		}
		atom_date(x, "updated", s->feed->updated);
		atom_link(x, "alternate", s->feed->link, "text/html", NULL);
		xmlTextWriterEndElement(x);
	}
	xmlTextWriterEndElement(x);
}

char *
atom_finish(struct atom_writer *w, const struct atom_page *pg, size_t *len)
{
	xmlBufferPtr		 fb;
	xmlTextWriterPtr	 x;
	char			*out;
	time_t			 updated;

	xmlFreeTextWriter(w->ew);	/* flushes the fragment */
	w->ew = NULL;
	x = atom_writer_open(&fb);
	xmlTextWriterStartDocument(x, "1.0", "UTF-8", NULL);
	xmlTextWriterWritePI(x, BAD_CAST "xml-stylesheet",
	    BAD_CAST "type=\"text/xsl\" href=\"/feed.xsl\"");
	xmlTextWriterStartElementNS(x, NULL, BAD_CAST "feed", BAD_CAST ATOM_NS);
	atom_element(x, "id", pg->id);
	atom_element(x, "title", pg->title);
	atom_element(x, "subtitle", pg->subtitle);
	updated = w->newest != DATE_NONE ? w->newest : pg->updated;
	atom_date(x, "updated", updated != DATE_NONE ? updated : 0);
	atom_link(x, "self", pg->self, "application/atom+xml", NULL);
	atom_link(x, "alternate", pg->alternate, "text/html", NULL);
	atom_link(x, "first", pg->first, "application/atom+xml", NULL);
	atom_link(x, "next", pg->next, "application/atom+xml", NULL);
	atom_link(x, "previous", pg->previous, "application/atom+xml", NULL);
	/* RFC 4287 wants an author for every entry; entries without one of
	 * their own inherit this. */
	xmlTextWriterStartElement(x, BAD_CAST "author");
	atom_element(x, "name", w->cfg->feed_title);
	atom_element(x, "uri", w->cfg->base_url);
	xmlTextWriterEndElement(x);
	xmlTextWriterStartElement(x, BAD_CAST "generator");
	xmlTextWriterWriteAttribute(x, BAD_CAST "version",
	    BAD_CAST ATOM_GENERATOR_VERSION);
	xmlTextWriterWriteString(x, BAD_CAST "pactfeed");
	xmlTextWriterEndElement(x);
	xmlTextWriterWriteRawLen(x, xmlBufferContent(w->eb),
	    xmlBufferLength(w->eb));
	xmlTextWriterEndElement(x);
	xmlTextWriterEndDocument(x);
	xmlFreeTextWriter(x);
	*len = xmlBufferLength(fb);
	out = xstrndup((const char *)xmlBufferContent(fb), *len);
	xmlBufferFree(fb);
	atom_free(w);
	return out;
}
