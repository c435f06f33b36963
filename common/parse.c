/*
 * Feed parser: bytes -> struct feed, streaming over libxml2's xmlTextReader
 * (JSON Feed through jansson). The reader is driven recursive-descent: each
 * parse_* function is entered on an element's start and returns with the
 * reader on that element's end, reading only direct children it knows and
 * skipping the rest, so an unknown extension element can never override a
 * core field ("node precedence"). Memory grows with the entries kept.
 *
 * Promises: every string in the result is valid UTF-8 (input is converted
 * or repaired before libxml2 sees it); every link is resolved against
 * xml:base in scope and the document URL; entities are never substituted
 * and no DTD or external resource is ever loaded; a recoverable error sets
 * bozo with a one-line reason; a document that is not a feed returns NULL.
 */

#include "parse.h"

#include <ctype.h>
#include <errno.h>
#include <iconv.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <threads.h>

#include <jansson.h>
#include <libxml/HTMLparser.h>
#include <libxml/parser.h>
#include <libxml/xmlreader.h>

#include "date.h"
#include "entry.h"
#include "feed_arena.h"
#include "text.h"
#include "url.h"
#include "xmalloc.h"

#define NS_ATOM10	"http://www.w3.org/2005/Atom"
#define NS_ATOM03	"http://purl.org/atom/ns#"
#define NS_RSS10	"http://purl.org/rss/1.0/"
#define NS_RSS090	"http://my.netscape.com/rdf/simple/0.9/"
#define NS_RDF		"http://www.w3.org/1999/02/22-rdf-syntax-ns#"
#define NS_DC		"http://purl.org/dc/elements/1.1/"
#define NS_DC10		"http://purl.org/dc/elements/1.0/"
#define NS_DCTERMS	"http://purl.org/dc/terms/"
#define NS_CONTENT	"http://purl.org/rss/1.0/modules/content/"
#define NS_SY		"http://purl.org/rss/1.0/modules/syndication/"
#define NS_XHTML	"http://www.w3.org/1999/xhtml"
#define NS_XML		"http://www.w3.org/XML/1998/namespace"

/* Namespaces as the dispatch sees them. */
enum ns {
	NS_OTHER,
	NS_RSS,			/* no namespace, RSS 1.0, RSS 0.90, userland */
	NS_ATOM,		/* Atom 1.0 */
	NS_ATOM_03,		/* Atom 0.3 */
	NS_DUBLIN,		/* dc: */
	NS_TERMS,		/* dcterms: */
	NS_CONT,		/* content: */
	NS_SYND,		/* sy: */
	NS_RDFNS,		/* rdf: */
	NS_HTML			/* xhtml: */
};

struct parser {
	xmlTextReaderPtr	 r;
	struct feed		*feed;
	const struct parse_opts	*opts;
	struct buf		 text;		/* scratch for text values */
	struct buf		 fix;		/* scratch for repaired ones */
	char			 reason[200];	/* first error, for bozo */
	bool			 broken;	/* libxml2 reported an error */
	bool			 eof;		/* reader ended or failed */
	size_t			 entity_budget;	/* bytes internal entities
						   may still add */
	const char		*in_pos;	/* what the reader has not */
	const char		*in_end;	/* pulled yet */
};

/* Once per process, whichever thread parses first (the daemon parses on
 * its worker thread; the tests and commands on their main one). */
static once_flag	parse_once = ONCE_FLAG_INIT;

/* Never load anything: DTDs, external entities, XIncludes. */
static xmlParserInputPtr
parse_no_loader(const char *url, const char *id, xmlParserCtxtPtr ctxt)
{
	(void)url;
	(void)id;
	(void)ctxt;
	return NULL;
}

static void
parse_init_once(void)
{
	xmlInitParser();
	xmlSetExternalEntityLoader(parse_no_loader);
}

static void
parse_init(void)
{
	call_once(&parse_once, parse_init_once);
}

/* libxml2's structured errors: keep the first real error as the reason. */
static void
parse_error_cb(void *arg, xmlErrorPtr e)
{
	struct parser	*p = arg;
	size_t		 n;

	if (e == NULL || e->level < XML_ERR_ERROR)
		return;
	if (!p->broken) {
		snprintf(p->reason, sizeof(p->reason), "line %d: %s",
		    e->line, e->message != NULL ? e->message : "error");
		n = strlen(p->reason);
		while (n > 0 && isspace((unsigned char)p->reason[n - 1]))
			p->reason[--n] = '\0';
	}
	p->broken = true;
}

/* ---------------------------------------------------------------------
 * Input: whatever the bytes are, libxml2 gets valid UTF-8.
 */

struct input {
	const char	*buf;		/* what the reader parses */
	size_t		 len;
	struct buf	 owned;		/* converted or repaired copy */
	bool		 converted;	/* declared encoding must be ignored */
	bool		 declared;	/* BOM, declaration or HTTP charset */
	char		 problem[120];	/* why the input was repaired */
};

/* The encoding named in the XML declaration of an ASCII-compatible
 * document, copied into name; false when there is none. */
static bool
parse_declared_encoding(const char *s, size_t len, char *name, size_t nlen)
{
	const char	*end, *p, *q;
	char		 quote;

	if (len < 6 || strncmp(s, "<?xml", 5) != 0)
		return false;
	end = memchr(s, '>', len < 512 ? len : 512);
	if (end == NULL)
		return false;
	for (p = s + 5; p + 8 < end; p++) {
		if (strncmp(p, "encoding", 8) != 0)
			continue;
		p += 8;
		while (p < end && isspace((unsigned char)*p))
			p++;
		if (p >= end || *p++ != '=')
			return false;
		while (p < end && isspace((unsigned char)*p))
			p++;
		if (p >= end || (*p != '"' && *p != '\''))
			return false;
		quote = *p++;
		if ((q = memchr(p, quote, end - p)) == NULL ||
		    (size_t)(q - p) >= nlen || q == p)
			return false;
		memcpy(name, p, q - p);
		name[q - p] = '\0';
		return true;
	}
	return false;
}

/* The charset parameter of a Content-Type header. */
static bool
parse_content_type_charset(const char *ct, char *name, size_t nlen)
{
	const char	*p;
	size_t		 n;

	if (ct == NULL || (p = strcasestr(ct, "charset=")) == NULL)
		return false;
	p += 8;
	if (*p == '"' || *p == '\'')
		p++;
	n = strcspn(p, "\"'; \t");
	if (n == 0 || n >= nlen)
		return false;
	memcpy(name, p, n);
	name[n] = '\0';
	return true;
}

static bool
parse_is_utf8_name(const char *name)
{
	return strcasecmp(name, "utf-8") == 0 || strcasecmp(name, "utf8") == 0 ||
	    strcasecmp(name, "us-ascii") == 0 || strcasecmp(name, "ascii") == 0;
}

/* Convert len bytes in encoding name to UTF-8 into in->owned; invalid
 * sequences become U+FFFD. -1 when iconv does not know the encoding. */
static int
parse_convert(struct input *in, const char *s, size_t len, const char *name)
{
	iconv_t		 cd;
	char		*ip = (char *)s, *op, chunk[8192];
	size_t		 il = len, ol, bad = 0;
	struct buf	*out = &in->owned;

	/* windows-1252 is what "ISO-8859-1" means on the web (WHATWG). */
	if (strcasecmp(name, "iso-8859-1") == 0 ||
	    strcasecmp(name, "latin1") == 0 ||
	    strcasecmp(name, "iso_8859-1") == 0)
		name = "WINDOWS-1252";
	if ((cd = iconv_open("UTF-8", name)) == (iconv_t)-1)
		return -1;
	while (il > 0) {
		op = chunk;
		ol = sizeof(chunk);
		if (iconv(cd, &ip, &il, &op, &ol) == (size_t)-1) {
			buf_add(out, chunk, op - chunk);
			if (errno == E2BIG)
				continue;
			/* EILSEQ or EINVAL: one bad byte, replace, go on.
			 * windows-1252 leaves five bytes undefined; as
			 * Latin-1 they are C1 controls, dropped here. */
			buf_add(out, "\xef\xbf\xbd", 3);
			bad++;
			ip++;
			il--;
			iconv(cd, NULL, NULL, NULL, NULL);
			continue;
		}
		buf_add(out, chunk, op - chunk);
	}
	op = chunk;
	ol = sizeof(chunk);
	iconv(cd, NULL, NULL, &op, &ol);
	buf_add(out, chunk, op - chunk);
	iconv_close(cd);
	if (bad > 0)
		snprintf(in->problem, sizeof(in->problem),
		    "%zu bytes invalid in %s replaced", bad, name);
	return 0;
}

/* True when s holds only valid UTF-8 and no character XML forbids. */
static bool
parse_clean_utf8(const char *s, size_t len)
{
	const unsigned char	*p = (const unsigned char *)s;
	size_t			 i = 0, n;

	while (i < len) {
		/* Fast path: printable ASCII, tab, LF, CR. */
		if (p[i] >= 0x20 && p[i] < 0x80) {
			i++;
			continue;
		}
		if (p[i] == '\n' || p[i] == '\t' || p[i] == '\r') {
			i++;
			continue;
		}
		if (p[i] < 0x20)
			return false;
		/* One multi-byte sequence, checked on its own. */
		n = p[i] < 0xe0 ? 2 : p[i] < 0xf0 ? 3 : 4;
		if (n > len - i || text_utf8_valid_len(s + i, n) != n)
			return false;
		i += n;
	}
	return true;
}

/* True when s holds at least one valid multi-byte UTF-8 sequence. */
static bool
parse_has_utf8_sequence(const char *s, size_t len)
{
	const unsigned char	*p = (const unsigned char *)s;
	size_t			 n;

	for (size_t i = 0; i < len; i++) {
		if (p[i] < 0xc2 || p[i] > 0xf4)
			continue;
		n = p[i] < 0xe0 ? 2 : p[i] < 0xf0 ? 3 : 4;
		if (n <= len - i && text_utf8_valid_len(s + i, n) == n)
			return true;
	}
	return false;
}

/* in->owned holds converted UTF-8: use it, without the NUL and control
 * characters an encoding may map through unchanged. */
static void
parse_input_converted(struct input *in)
{
	struct buf	clean = { 0 };

	in->converted = true;
	if (!parse_clean_utf8(in->owned.s != NULL ? in->owned.s : "",
	    in->owned.len)) {
		text_utf8_repair(&clean, in->owned.s, in->owned.len);
		buf_free(&in->owned);
		in->owned = clean;
		if (in->problem[0] == '\0')
			snprintf(in->problem, sizeof(in->problem),
			    "control characters removed");
	}
	in->buf = in->owned.s != NULL ? in->owned.s : "";
	in->len = in->owned.len;
}

static void
parse_input_prepare(struct input *in, const char *s, size_t len,
    const char *content_type)
{
	const unsigned char	*u = (const unsigned char *)s;
	char			 name[64];
	const char		*enc = NULL;

	in->buf = s;
	in->len = len;
	if (len >= 3 && u[0] == 0xef && u[1] == 0xbb && u[2] == 0xbf) {
		s += 3;
		len -= 3;
		in->buf = s;
		in->len = len;
		enc = "UTF-8";
	} else if (len >= 4 && u[0] == 0 && u[1] == 0 && u[2] == 0xfe &&
	    u[3] == 0xff)
		enc = "UTF-32BE";
	else if (len >= 4 && u[0] == 0xff && u[1] == 0xfe && u[2] == 0 &&
	    u[3] == 0)
		enc = "UTF-32LE";
	else if (len >= 2 && u[0] == 0xfe && u[1] == 0xff)
		enc = "UTF-16";
	else if (len >= 2 && u[0] == 0xff && u[1] == 0xfe)
		enc = "UTF-16";
	else if (len >= 4 && u[0] == '<' && u[1] == 0 && u[2] == '?' &&
	    u[3] == 0)
		enc = "UTF-16LE";
	else if (len >= 4 && u[0] == 0 && u[1] == '<' && u[2] == 0 &&
	    u[3] == '?')
		enc = "UTF-16BE";

	if (enc == NULL) {
		/* Feeds often carry whitespace before the declaration. */
		const char	*t = s;
		size_t		 tl = len;

		while (tl > 0 && isspace((unsigned char)*t)) {
			t++;
			tl--;
		}
		if (tl >= 5 && strncmp(t, "<?xml", 5) == 0 && t != s) {
			s = t;
			len = tl;
			in->buf = s;
			in->len = len;
		}
		if (parse_declared_encoding(s, len, name, sizeof(name)) ||
		    parse_content_type_charset(content_type, name,
		    sizeof(name)))
			enc = name;
	}
	if (enc != NULL && !parse_is_utf8_name(enc)) {
		if (parse_convert(in, s, len, enc) == 0) {
			parse_input_converted(in);
			return;
		}
		snprintf(in->problem, sizeof(in->problem),
		    "unknown encoding %s, read as UTF-8", enc);
		in->converted = true;	/* ignore the bad declaration */
	}
	/* UTF-8 is a superset of ASCII, and feeds declaring ASCII often
	 * carry UTF-8: told nothing, libxml2 would switch to its ASCII
	 * decoder and stop at the first byte over 0x7f. */
	if (enc != NULL && (strcasecmp(enc, "us-ascii") == 0 ||
	    strcasecmp(enc, "ascii") == 0))
		in->converted = true;
	in->declared = enc != NULL;
}

/*
 * Called only when the reader reported an error: libxml2 checks UTF-8
 * as it reads, so a clean document never pays for a second scan. Makes
 * in->buf valid UTF-8 without forbidden characters; false when it was
 * already.
 */
static bool
parse_input_clean(struct input *in)
{
	struct buf	out = { 0 };
	size_t		fixed;

	if (parse_clean_utf8(in->buf, in->len))
		return false;
	/* Undeclared, not UTF-8 and not one valid multi-byte sequence in
	 * it: a Latin-1 page served without a declaration, the commonest
	 * case by far. Reading it as windows-1252 keeps its accents. */
	if (!in->declared && !in->converted &&
	    !parse_has_utf8_sequence(in->buf, in->len) &&
	    parse_convert(in, in->buf, in->len, "WINDOWS-1252") == 0) {
		snprintf(in->problem, sizeof(in->problem),
		    "not UTF-8 and no encoding declared, read as windows-1252");
		parse_input_converted(in);
		return true;
	}
	fixed = text_utf8_repair(&out, in->buf, in->len);
	buf_free(&in->owned);
	in->owned = out;
	in->buf = in->owned.s != NULL ? in->owned.s : "";
	in->len = in->owned.len;
	if (in->problem[0] == '\0')
		snprintf(in->problem, sizeof(in->problem), fixed > 0 ?
		    "%zu invalid UTF-8 sequences replaced" :
		    "control characters removed", fixed);
	return true;
}

static bool
parse_is_name_start(int c)
{
	return isalpha(c) || c == '_' || c == ':' || c >= 0x80;
}

/*
 * The two breakages that most often end a real feed early: a bare "&"
 * ("Morgan Stanley & Co.") and an HTML entity XML does not know ("&eacute;",
 * "&nbsp;"). libxml2's reader stops at the first such error even when
 * recovering, so a broken document is read a second time from this copy:
 * bare "&" and a "<" that cannot start markup are escaped, HTML entities
 * become character references (libxml2's HTML table). CDATA sections and
 * comments are copied untouched. Returns the number of changes.
 */
static size_t
parse_repair_markup(struct buf *out, const char *s, size_t len)
{
	const char		*end = s + len, *run = s, *q;
	const htmlEntityDesc	*ent;
	char			 name[40], ref[16];
	size_t			 changes = 0, n;
	bool			 has_dtd_entities;

	has_dtd_entities = memmem(s, len, "<!ENTITY", 8) != NULL;
	while (s < end) {
		if (*s == '<' && end - s >= 9 && memcmp(s, "<![CDATA[", 9) == 0) {
			q = memmem(s, end - s, "]]>", 3);
			s = q != NULL ? q + 3 : end;
			continue;
		}
		if (*s == '<' && end - s >= 4 && memcmp(s, "<!--", 4) == 0) {
			q = memmem(s, end - s, "-->", 3);
			s = q != NULL ? q + 3 : end;
			continue;
		}
		if (*s == '<') {
			if (s + 1 < end && (parse_is_name_start((unsigned char)s[1]) ||
			    s[1] == '/' || s[1] == '!' || s[1] == '?')) {
				s++;
				continue;
			}
			buf_add(out, run, s - run);
			buf_adds(out, "&lt;");
			run = ++s;
			changes++;
			continue;
		}
		if (*s != '&') {
			s++;
			continue;
		}
		/* "&#123;", "&#x1F;": keep. */
		q = s + 1;
		if (q < end && *q == '#') {
			q++;
			if (q < end && (*q == 'x' || *q == 'X')) {
				q++;
				while (q < end && isxdigit((unsigned char)*q))
					q++;
			} else
				while (q < end && isdigit((unsigned char)*q))
					q++;
			if (q < end && *q == ';' && q > s + 2) {
				s = q + 1;
				continue;
			}
		} else if (q < end && parse_is_name_start((unsigned char)*q)) {
			while (q < end && (isalnum((unsigned char)*q) ||
			    *q == '_' || *q == '-' || *q == '.' || *q == ':'))
				q++;
			n = q - (s + 1);
			if (q < end && *q == ';' && n < sizeof(name)) {
				memcpy(name, s + 1, n);
				name[n] = '\0';
				if (strcmp(name, "amp") == 0 ||
				    strcmp(name, "lt") == 0 ||
				    strcmp(name, "gt") == 0 ||
				    strcmp(name, "quot") == 0 ||
				    strcmp(name, "apos") == 0 ||
				    (has_dtd_entities &&
				    htmlEntityLookup(BAD_CAST name) == NULL)) {
					s = q + 1;
					continue;
				}
				if ((ent = htmlEntityLookup(BAD_CAST name)) !=
				    NULL) {
					buf_add(out, run, s - run);
					snprintf(ref, sizeof(ref), "&#%u;",
					    ent->value);
					buf_adds(out, ref);
					s = q + 1;
					run = s;
					changes++;
					continue;
				}
			}
		}
		/* A bare ampersand. */
		buf_add(out, run, s - run);
		buf_adds(out, "&amp;");
		run = ++s;
		changes++;
	}
	buf_add(out, run, s - run);
	return changes;
}

/* ---------------------------------------------------------------------
 * Reader primitives.
 */

/* Advance one node; false at the end of input or on a fatal error. */
static bool
parse_read(struct parser *p)
{
	if (p->eof)
		return false;
	if (xmlTextReaderRead(p->r) != 1) {
		p->eof = true;
		return false;
	}
	return true;
}

/* Whether the reader may be on an element's start or end. Read from
 * the node, which costs no call: text, the commonest node, is what
 * xmlTextReaderNodeType() is slowest on (it looks for blanks, then
 * for xml:space up the tree). */
static bool
parse_on_element(struct parser *p)
{
	xmlNodePtr	n = xmlTextReaderCurrentNode(p->r);

	return n == NULL || n->type == XML_ELEMENT_NODE;
}

static bool
parse_is_empty(struct parser *p)
{
	return xmlTextReaderIsEmptyElement(p->r) == 1;
}

/* Skip the current element's subtree: on return the reader is on its end
 * (or on the element itself when it is empty). */
static void
parse_skip(struct parser *p)
{
	int	depth, type;

	if (parse_is_empty(p))
		return;
	depth = xmlTextReaderDepth(p->r);
	while (parse_read(p)) {
		if (!parse_on_element(p))
			continue;
		type = xmlTextReaderNodeType(p->r);
		if (type == XML_READER_TYPE_END_ELEMENT &&
		    xmlTextReaderDepth(p->r) == depth)
			return;
	}
}

/* Iterate over direct child elements: returns true with the reader on the
 * next child's start, false on the parent's end. depth is the parent's. */
static bool
parse_next_child(struct parser *p, int depth)
{
	int	type, d;

	while (parse_read(p)) {
		if (!parse_on_element(p))
			continue;
		type = xmlTextReaderNodeType(p->r);
		d = xmlTextReaderDepth(p->r);
		if (type == XML_READER_TYPE_ELEMENT && d == depth + 1)
			return true;
		if (type == XML_READER_TYPE_END_ELEMENT && d <= depth)
			return false;
		if (type == XML_READER_TYPE_ELEMENT && d > depth + 1)
			parse_skip(p);	/* recovery put us deeper */
	}
	return false;
}

/* Element names are compared by the dispatch, a dozen per element: the
 * first byte settles most comparisons without a call. */
static inline bool
parse_name_is(const char *name, const char *want)
{
	return name[0] == want[0] && strcmp(name, want) == 0;
}

/* The namespace of the current element and its local name. Read from
 * the node: xmlTextReaderConstNamespaceUri() would look the URI up in
 * the reader's dictionary every time. */
static enum ns
parse_ns(struct parser *p, const char **local)
{
	xmlNodePtr	 node = xmlTextReaderCurrentNode(p->r);
	const char	*uri, *name, *colon;

	if (node != NULL && node->type == XML_ELEMENT_NODE) {
		uri = node->ns != NULL ? (const char *)node->ns->href : NULL;
		name = (const char *)node->name;
	} else {
		uri = (const char *)xmlTextReaderConstNamespaceUri(p->r);
		name = (const char *)xmlTextReaderConstLocalName(p->r);
	}

	*local = name != NULL ? name : "";
	if (uri == NULL) {
		/* An undeclared prefix (bozo): map the well-known ones. */
		if (name != NULL && (colon = strchr(name, ':')) != NULL) {
			size_t	n = colon - name;

			*local = colon + 1;
			if (n == 2 && strncmp(name, "dc", 2) == 0)
				return NS_DUBLIN;
			if (n == 7 && strncmp(name, "dcterms", 7) == 0)
				return NS_TERMS;
			if (n == 7 && strncmp(name, "content", 7) == 0)
				return NS_CONT;
			if (n == 4 && strncmp(name, "atom", 4) == 0)
				return NS_ATOM;
			return NS_OTHER;
		}
		return NS_RSS;
	}
	if (strcmp(uri, NS_ATOM10) == 0)
		return NS_ATOM;
	if (strcmp(uri, NS_DC) == 0 || strcmp(uri, NS_DC10) == 0)
		return NS_DUBLIN;
	if (strcmp(uri, NS_RSS10) == 0 || strcmp(uri, NS_RSS090) == 0 ||
	    strncmp(uri, "http://backend.userland.com/rss", 31) == 0 ||
	    strcmp(uri, "http://blogs.law.harvard.edu/tech/rss") == 0)
		return NS_RSS;
	if (strcmp(uri, NS_CONTENT) == 0 ||
	    strcmp(uri, "https://purl.org/rss/1.0/modules/content/") == 0)
		return NS_CONT;
	if (strcmp(uri, NS_ATOM03) == 0)
		return NS_ATOM_03;
	if (strcmp(uri, NS_DCTERMS) == 0)
		return NS_TERMS;
	if (strcmp(uri, NS_SY) == 0)
		return NS_SYND;
	if (strcmp(uri, NS_RDF) == 0)
		return NS_RDFNS;
	if (strcmp(uri, NS_XHTML) == 0)
		return NS_HTML;
	return NS_OTHER;
}

/*
 * Every value is checked here, whether it is kept or only read (a date):
 * libxml2 normally hands out valid UTF-8, but the contract (valid UTF-8,
 * no forbidden controls, for every string, whatever the input) must not
 * rest on that; the fuzzer found a path where a broken document's bytes
 * came through. Returns s itself when clean, else a repaired copy in
 * p->fix (valid until the next call), and the document is broken.
 */
static const char *
parse_clean(struct parser *p, const char *s, size_t *n)
{
	if (text_is_clean(s, *n))
		return s;
	buf_reset(&p->fix);
	buf_add(&p->fix, "", 0);
	text_utf8_repair(&p->fix, s, *n);
	if (!p->broken)
		snprintf(p->reason, sizeof(p->reason),
		    "invalid UTF-8 or control characters in a value");
	p->broken = true;
	*n = p->fix.len;
	return p->fix.s;
}

/* Every string enters the feed through here. */
static const char *
parse_keep(struct parser *p, const char *s, size_t n)
{
	s = parse_clean(p, s, &n);
	return feed_strndup(p->feed, s, n);
}

/*
 * The value of the current element's attribute name (in no namespace),
 * as xmlTextReaderGetAttribute() finds it but without copying it: the
 * attribute's one text node, or else its text put together in *copy
 * (free it). NULL when absent.
 */
static const char *
parse_attr_value(struct parser *p, const char *name, xmlChar **copy)
{
	xmlNodePtr	 node = xmlTextReaderCurrentNode(p->r);
	xmlAttrPtr	 a;
	xmlNodePtr	 c;

	*copy = NULL;
	if (node == NULL || node->type != XML_ELEMENT_NODE)
		return NULL;
	for (a = node->properties; a != NULL; a = a->next) {
		if (a->ns != NULL || !parse_name_is((const char *)a->name, name))
			continue;
		if ((c = a->children) == NULL)
			return "";
		if (c->next == NULL && (c->type == XML_TEXT_NODE ||
		    c->type == XML_CDATA_SECTION_NODE))
			return (const char *)c->content;
		*copy = xmlNodeListGetString(a->doc, c, 1);
		return *copy != NULL ? (const char *)*copy : "";
	}
	return NULL;
}

/* An attribute of the current element, copied into the feed; NULL when
 * absent. */
static const char *
parse_attr(struct parser *p, const char *name)
{
	xmlChar		*copy;
	const char	*v, *s;

	if ((v = parse_attr_value(p, name, &copy)) == NULL)
		return NULL;
	s = parse_keep(p, v, strlen(v));
	xmlFree(copy);
	return s;
}

/*
 * Whether libxml2 might find the attribute name in a namespace on the
 * current element: it has one of that name in some namespace, or the
 * document a DTD that could default one. Most elements have no
 * namespaced attribute at all, and this look costs less than asking.
 */
static bool
parse_may_have_attr_ns(struct parser *p, const char *name)
{
	xmlNodePtr	 n = xmlTextReaderCurrentNode(p->r);
	xmlAttrPtr	 a;

	if (n == NULL || n->type != XML_ELEMENT_NODE || n->doc == NULL ||
	    n->doc->intSubset != NULL || n->doc->extSubset != NULL)
		return true;
	for (a = n->properties; a != NULL; a = a->next)
		if (a->ns != NULL && parse_name_is((const char *)a->name, name))
			return true;
	return false;
}

static const char *
parse_attr_ns(struct parser *p, const char *name, const char *ns)
{
	xmlChar		*v;
	const char	*s;

	if (xmlTextReaderHasAttributes(p->r) != 1 ||
	    !parse_may_have_attr_ns(p, name))
		return NULL;
	if ((v = xmlTextReaderGetAttributeNs(p->r, BAD_CAST name,
	    BAD_CAST ns)) == NULL)
		return NULL;
	s = parse_keep(p, (const char *)v, strlen((const char *)v));
	xmlFree(v);
	return s;
}

/*
 * The xml:lang in scope on the current element, its own or an
 * ancestor's, as xmlTextReaderConstXmlLang() finds it. That call looks
 * for the attribute on every element up to the root, a few hundred
 * instructions an entry; most documents have none, which a look at the
 * attributes tells. Anything else (an xml:lang on the way, a DTD that
 * could default one) is left to libxml2.
 */
static const char *
parse_lang(struct parser *p)
{
	xmlNodePtr	 n = xmlTextReaderCurrentNode(p->r);
	xmlAttrPtr	 a;

	if (n == NULL || n->doc == NULL || n->doc->intSubset != NULL ||
	    n->doc->extSubset != NULL)
		goto full;
	for (; n != NULL; n = n->parent) {
		if (n->type != XML_ELEMENT_NODE)
			continue;
		for (a = n->properties; a != NULL; a = a->next)
			if (a->ns != NULL &&
			    strcmp((const char *)a->name, "lang") == 0)
				goto full;
	}
	return NULL;
full:
	return (const char *)xmlTextReaderConstXmlLang(p->r);
}

/* The base in effect inside the current element: its xml:base resolved
 * against the parent's. */
static const char *
parse_base(struct parser *p, const char *parent)
{
	const char	*xb;
	char		*abs;
	const char	*s;

	if ((xb = parse_attr_ns(p, "base", NS_XML)) == NULL)
		return parent;
	if (url_is_plain_absolute(xb))
		return xb;		/* what url_resolve() would copy */
	if ((abs = url_resolve(parent, xb)) == NULL)
		return parent;
	s = feed_strdup(p->feed, abs);
	free(abs);
	return s;
}

static const char *
parse_resolve(struct parser *p, const char *base, const char *ref)
{
	char		*abs;
	const char	*s;
	size_t		 n;

	if (ref == NULL)
		return NULL;
	n = strlen(ref);
	text_trim(&ref, &n);
	if (n == 0)
		return NULL;
	ref = feed_strndup(p->feed, ref, n);
	if (url_is_plain_absolute(ref) ||
	    (abs = url_resolve(base, ref)) == NULL)
		return ref;
	s = feed_strdup(p->feed, abs);
	free(abs);
	return s;
}

enum text_mode {
	MODE_TEXT,		/* text of the element, child markup kept */
	MODE_INNER,		/* serialised children (Atom 0.3 mode=xml) */
	MODE_XHTML		/* serialised children of the xhtml:div */
};

static const char *const parse_void_elements[] = {
	"area", "base", "br", "col", "embed", "hr", "img", "input", "link",
	"meta", "param", "source", "track", "wbr"
};

static bool
parse_is_void(const char *name)
{
	for (size_t i = 0; i < sizeof(parse_void_elements) /
	    sizeof(parse_void_elements[0]); i++)
		if (strcmp(name, parse_void_elements[i]) == 0)
			return true;
	return false;
}

static void
parse_escape(struct buf *b, const char *s, bool attr)
{
	const char	*run = s;

	for (; *s != '\0'; s++) {
		const char	*rep = NULL;

		switch (*s) {
		case '&':	rep = "&amp;"; break;
		case '<':	rep = "&lt;"; break;
		case '>':	rep = "&gt;"; break;
		case '"':	rep = attr ? "&quot;" : NULL; break;
		default:	break;
		}
		if (rep == NULL)
			continue;
		buf_add(b, run, s - run);
		buf_adds(b, rep);
		run = s + 1;
	}
	buf_add(b, run, s - run);
}

/* The replacement text of an internal entity, appended once and never
 * expanded further, within the document's budget: an entity referenced a
 * million times cannot amplify the input. */
static void
parse_entity(struct parser *p, struct buf *b, xmlNodePtr ref)
{
	const char	*c = (const char *)ref->content;
	size_t		 n;

	if (c == NULL)
		return;
	n = strlen(c);
	if (n > p->entity_budget) {
		p->entity_budget = 0;
		return;
	}
	p->entity_budget -= n;
	buf_add(b, c, n);
}

/* Markup of a subtree without namespace declarations or prefixes, the way
 * readers expect embedded XHTML: "<b>x</b>", not "<h:b xmlns:h=..">".
 * In raw mode text is written as is (it is HTML source already). */
static void
parse_dump(struct parser *p, struct buf *b, xmlNodePtr n, bool raw)
{
	xmlAttrPtr	 a;
	xmlNodePtr	 c;
	const char	*name;

	switch (n->type) {
	case XML_TEXT_NODE:
	case XML_CDATA_SECTION_NODE:
		if (n->content == NULL)
			break;
		if (raw)
			buf_adds(b, (const char *)n->content);
		else
			parse_escape(b, (const char *)n->content, false);
		break;
	case XML_ENTITY_REF_NODE:
		parse_entity(p, b, n);
		break;
	case XML_ELEMENT_NODE:
		name = (const char *)n->name;
		buf_addc(b, '<');
		buf_adds(b, name);
		for (a = n->properties; a != NULL; a = a->next) {
			buf_addc(b, ' ');
			if (a->ns != NULL && a->ns->prefix != NULL &&
			    strcmp((const char *)a->ns->prefix, "xml") == 0)
				buf_adds(b, "xml:");
			buf_adds(b, (const char *)a->name);
			buf_adds(b, "=\"");
			for (c = a->children; c != NULL; c = c->next) {
				if (c->type == XML_TEXT_NODE &&
				    c->content != NULL)
					parse_escape(b, (const char *)c->content,
					    true);
			}
			buf_addc(b, '"');
		}
		if (n->children == NULL && parse_is_void(name)) {
			buf_adds(b, " />");
			break;
		}
		buf_addc(b, '>');
		for (c = n->children; c != NULL; c = c->next)
			parse_dump(p, b, c, raw);
		buf_adds(b, "</");
		buf_adds(b, name);
		buf_addc(b, '>');
		break;
	default:
		break;		/* comments, processing instructions */
	}
}

/* Serialise the current element (outer) or its children (inner) and
 * skip past it. */
static void
parse_serialise(struct parser *p, struct buf *b, bool inner, bool raw)
{
	xmlNodePtr	n, c;

	if ((n = xmlTextReaderExpand(p->r)) != NULL) {
		if (inner)
			for (c = n->children; c != NULL; c = c->next)
				parse_dump(p, b, c, raw);
		else
			parse_dump(p, b, n, raw);
	}
	parse_skip(p);
}

/*
 * The text of an element's first node, copied straight into the arena
 * when the value is to be kept: an element with one text node (nearly
 * all of them) then costs one copy instead of two. s is the copy (n
 * bytes and a NUL), or NULL.
 */
struct spec {
	char	*s;
	size_t	 n;
};

/* Another node follows the first: the value is put together in scratch
 * memory after all, and the arena gets its bytes back. */
static void
parse_spec_abandon(struct parser *p, struct spec *sp)
{
	if (sp->s == NULL)
		return;
	buf_add(&p->text, sp->s, sp->n);
	feed_arena_unalloc(p->feed, sp->s, sp->n + 1);
	sp->s = NULL;
}

/* The speculative copy as the value: trimmed and clean, the unused tail
 * given back. */
static const char *
parse_spec_finish(struct parser *p, struct spec *sp, size_t *len)
{
	const char	*s = sp->s, *c;
	size_t		 n = sp->n, tail;

	text_trim(&s, &n);
	if (n == 0) {
		feed_arena_unalloc(p->feed, sp->s, sp->n + 1);
		*len = 0;
		return "";
	}
	tail = sp->n - (s - sp->s) - n;
	((char *)s)[n] = '\0';
	if ((c = parse_clean(p, s, &n)) != s) {
		/* Repaired into p->fix: keep that instead. */
		feed_arena_unalloc(p->feed, sp->s, sp->n + 1);
		*len = n;
		return n == 0 ? "" : feed_strndup(p->feed, c, n);
	}
	feed_arena_unalloc(p->feed, s + n + 1, tail);
	*len = n;
	return s;
}

/* The value of the current element as the mode says, trimmed and clean,
 * "" for an empty element; the reader ends on its end. Kept: in the
 * feed's arena. Otherwise in scratch memory valid until the next value is
 * read. Either way writable by the caller (NUL at *len) until it hands the
 * string on. */
static const char *
parse_text(struct parser *p, enum text_mode mode, size_t *len, bool keep)
{
	xmlNodePtr	 node, self;
	const char	*s;
	size_t		 n;
	int		 depth, type;
	bool		 seen_div = false, first = true;
	struct spec	 sp = { NULL, 0 };

	buf_reset(&p->text);
	*len = 0;
	if (parse_is_empty(p))
		return "";
	if (mode == MODE_INNER) {
		parse_serialise(p, &p->text, true, false);
		goto done;
	}
	/* The reader comes back to the element itself for its end, the
	 * usual way out: known without asking for the type and depth. */
	self = xmlTextReaderCurrentNode(p->r);
	depth = xmlTextReaderDepth(p->r);
	while (parse_read(p)) {
		node = xmlTextReaderCurrentNode(p->r);
		if (node == self && node != NULL) {
			if (sp.s != NULL)
				return parse_spec_finish(p, &sp, len);
			goto done;
		}
		if (node != NULL && (node->type == XML_TEXT_NODE ||
		    node->type == XML_CDATA_SECTION_NODE)) {
			/* As below, without the reader's calls. */
			if (first && keep && node->content != NULL) {
				sp.n = strlen((const char *)node->content);
				sp.s = feed_arena_alloc(p->feed, sp.n + 1);
				memcpy(sp.s, node->content, sp.n);
				first = false;
				continue;
			}
			parse_spec_abandon(p, &sp);
			if (!seen_div && node->content != NULL)
				buf_adds(&p->text, (const char *)node->content);
			first = false;
			continue;
		}
		first = false;
		type = xmlTextReaderNodeType(p->r);
		if (type == XML_READER_TYPE_END_ELEMENT &&
		    xmlTextReaderDepth(p->r) == depth) {
			if (sp.s != NULL)
				return parse_spec_finish(p, &sp, len);
			goto done;
		}
		parse_spec_abandon(p, &sp);
		switch (type) {
		case XML_READER_TYPE_TEXT:
		case XML_READER_TYPE_CDATA:
		case XML_READER_TYPE_WHITESPACE:
		case XML_READER_TYPE_SIGNIFICANT_WHITESPACE:
			if (seen_div)
				break;	/* text after the div */
			s = (const char *)xmlTextReaderConstValue(p->r);
			if (s != NULL)
				buf_adds(&p->text, s);
			break;
		case XML_READER_TYPE_ENTITY_REFERENCE:
			parse_entity(p, &p->text, xmlTextReaderCurrentNode(p->r));
			break;
		case XML_READER_TYPE_ELEMENT:
			if (!seen_div && xmlTextReaderDepth(p->r) == depth + 1 &&
			    (mode == MODE_XHTML || text_is_blank(p->text.s))) {
				const char	*local;

				/* Atom xhtml: only the div's children count.
				 * HTML wrapped in one xhtml div (as TypePad
				 * writes it): the same. */
				if (parse_ns(p, &local) == NS_HTML &&
				    parse_name_is(local, "div")) {
					buf_reset(&p->text);
					parse_serialise(p, &p->text, true,
					    mode == MODE_TEXT);
					seen_div = true;
					break;
				}
			}
			parse_serialise(p, &p->text, false, mode == MODE_TEXT);
			break;
		default:
			break;
		}
	}
	/* The input ended inside the element. */
	parse_spec_abandon(p, &sp);
done:
	if (p->text.len == 0)
		return "";
	s = p->text.s;
	n = p->text.len;
	text_trim(&s, &n);
	p->text.s[s - p->text.s + n] = '\0';
	s = parse_clean(p, s, &n);
	*len = n;
	if (keep)
		return n == 0 ? "" : feed_strndup(p->feed, s, n);
	return s;
}

/* The value of the current element, kept in the feed's arena. */
static const char *
parse_value(struct parser *p, enum text_mode mode)
{
	size_t	n;

	return parse_text(p, mode, &n, true);
}

/*
 * Whether v (n bytes, NUL after) holds a tab, a line end or two spaces in
 * a row: most values hold none. Eight bytes at a time while none of them
 * is a space or a control character, then byte by byte.
 */
static bool
parse_has_runs(const char *v, size_t n)
{
	uint64_t	w;
	size_t		i = 0;

	for (; i + 8 <= n; i += 8) {
		memcpy(&w, v + i, 8);
		/* A byte below 0x21 sets its high bit (one at or above 0x80
		 * cannot, for the ~w). */
		if (((w - UINT64_C(0x2121212121212121)) & ~w &
		    UINT64_C(0x8080808080808080)) != 0)
			break;
	}
	for (; i < n; i++) {
		if ((unsigned char)v[i] > ' ')
			continue;
		if (v[i] == ' ' ? v[i + 1] == ' ' :
		    v[i] == '\t' || v[i] == '\n' || v[i] == '\r')
			return true;
	}
	return false;
}

/* Collapse the inner whitespace runs of v (writable, NUL-terminated, n
 * bytes, trimmed) in place; returns the new length. */
static size_t
parse_collapse(char *v, size_t n)
{
	char	*w, *o;
	bool	 space = false;

	if (!parse_has_runs(v, n))
		return n;
	w = o = v;
	for (; *w != '\0'; w++) {
		if (isspace((unsigned char)*w)) {
			space = true;
			continue;
		}
		if (space && o != v)
			*o++ = ' ';
		space = false;
		*o++ = *w;
	}
	*o = '\0';
	return o - v;
}

/* The element's text with inner whitespace runs collapsed (ids, dates,
 * links, names), in scratch memory as parse_text() leaves it. */
static const char *
parse_plain_text(struct parser *p, size_t *len)
{
	const char	*v = parse_text(p, MODE_TEXT, len, false);

	if (*len > 0)
		*len = parse_collapse((char *)v, *len);
	return v;
}

/* The same, kept in the arena. */
static const char *
parse_plain(struct parser *p)
{
	const char	*v;
	size_t		 n, m;

	v = parse_text(p, MODE_TEXT, &n, true);
	if (n == 0)
		return v;
	if ((m = parse_collapse((char *)v, n)) < n)
		feed_arena_unalloc(p->feed, v + m + 1, n - m);
	return v;
}

/* A link in scratch memory (clean, writable) resolved against base, in
 * the arena: like parse_resolve() without copying the reference first. */
static const char *
parse_link(struct parser *p, const char *base, const char *s, size_t n)
{
	char		*abs;

	text_trim(&s, &n);
	if (n == 0)
		return NULL;
	((char *)s)[n] = '\0';
	/* Most links: what url_resolve() would return, without its copy. */
	if (url_is_plain_absolute(s) || (abs = url_resolve(base, s)) == NULL)
		return feed_strndup(p->feed, s, n);
	s = feed_strdup(p->feed, abs);
	free(abs);
	return s;
}

/* The element's text as a link; NULL when blank. */
static const char *
parse_link_text(struct parser *p, const char *base)
{
	const char	*s;
	size_t		 n;

	s = parse_plain_text(p, &n);
	return parse_link(p, base, s, n);
}

/* An attribute as a link; NULL when absent or blank, and *blank tells
 * which. */
static const char *
parse_attr_link(struct parser *p, const char *name, const char *base,
    bool *blank)
{
	xmlChar		*copy;
	const char	*v, *s, *r;
	size_t		 n;

	*blank = false;
	if ((v = parse_attr_value(p, name, &copy)) == NULL)
		return NULL;
	/* Into scratch memory: parse_link() writes to it. */
	buf_reset(&p->text);
	buf_adds(&p->text, v);
	xmlFree(copy);
	n = p->text.len;
	s = parse_clean(p, p->text.s, &n);
	if ((r = parse_link(p, base, s, n)) == NULL)
		*blank = true;
	return r;
}

/* ---------------------------------------------------------------------
 * Text constructs.
 */

static int
parse_b64_value(int c)
{
	if (c >= 'A' && c <= 'Z')
		return c - 'A';
	if (c >= 'a' && c <= 'z')
		return c - 'a' + 26;
	if (c >= '0' && c <= '9')
		return c - '0' + 52;
	if (c == '+' || c == '-')
		return 62;
	if (c == '/' || c == '_')
		return 63;
	return -1;
}

/* Base64-decode s into a valid UTF-8 string in the arena. No library we
 * use exports a decoder; this is the standard 4-to-3 loop, skipping
 * whitespace and stopping at padding. */
static const char *
parse_base64(struct parser *p, const char *s)
{
	struct buf	 raw = { 0 }, out = { 0 };
	unsigned int	 acc = 0;
	int		 bits = 0, v;
	const char	*r;

	buf_add(&raw, "", 0);
	for (; *s != '\0' && *s != '='; s++) {
		if ((v = parse_b64_value((unsigned char)*s)) < 0)
			continue;
		acc = (acc << 6) | (unsigned int)v;
		bits += 6;
		if (bits >= 8) {
			bits -= 8;
			buf_addc(&raw, (char)((acc >> bits) & 0xff));
		}
	}
	buf_add(&out, "", 0);
	text_utf8_repair(&out, raw.s, raw.len);
	r = feed_strndup(p->feed, out.s, out.len);
	buf_free(&raw);
	buf_free(&out);
	return r;
}

/* A text construct (Atom title, subtitle, summary, content; RSS ones are
 * plain parse_value calls): its value and how to read it. */
static const char *
parse_text_construct(struct parser *p, enum ns ns, enum text_type *type)
{
	const char	*t, *mode;

	t = parse_attr(p, "type");
	if (ns == NS_ATOM_03) {
		mode = parse_attr(p, "mode");
		*type = TEXT_PLAIN;
		if (t != NULL && (strcasecmp(t, "text/html") == 0 ||
		    strcasecmp(t, "html") == 0))
			*type = TEXT_HTML;
		else if (t != NULL && (strcasecmp(t, "application/xhtml+xml") == 0 ||
		    strcasecmp(t, "xhtml") == 0))
			*type = TEXT_XHTML;
		if (mode != NULL && strcasecmp(mode, "base64") == 0)
			return parse_base64(p, parse_value(p, MODE_TEXT));
		if (mode != NULL && strcasecmp(mode, "escaped") == 0) {
			if (*type == TEXT_XHTML)
				*type = TEXT_HTML;
			return parse_value(p, MODE_TEXT);
		}
		if (mode != NULL && strcasecmp(mode, "xml") == 0) {
			*type = *type == TEXT_PLAIN ? TEXT_XHTML : *type;
			return parse_value(p, MODE_INNER);
		}
		return parse_value(p, *type == TEXT_XHTML ?
		    MODE_INNER : MODE_TEXT);
	}
	/* Atom 1.0, RFC 4287 section 3.1 and 4.1.3.3. */
	if (t == NULL || strcasecmp(t, "text") == 0 ||
	    strcasecmp(t, "text/plain") == 0) {
		*type = TEXT_PLAIN;
		return parse_value(p, MODE_TEXT);
	}
	if (strcasecmp(t, "html") == 0 || strcasecmp(t, "text/html") == 0) {
		*type = TEXT_HTML;
		return parse_value(p, MODE_TEXT);
	}
	if (strcasecmp(t, "xhtml") == 0 ||
	    strcasecmp(t, "application/xhtml+xml") == 0) {
		*type = TEXT_XHTML;
		return parse_value(p, MODE_XHTML);
	}
	if (strncasecmp(t, "text/", 5) == 0) {
		*type = TEXT_PLAIN;
		return parse_value(p, MODE_TEXT);
	}
	{
		size_t	n = strlen(t);

		if ((n >= 4 && strcasecmp(t + n - 4, "+xml") == 0) ||
		    (n >= 4 && strcasecmp(t + n - 4, "/xml") == 0)) {
			*type = TEXT_XHTML;
			return parse_value(p, MODE_INNER);
		}
	}
	*type = TEXT_PLAIN;
	return parse_base64(p, parse_value(p, MODE_TEXT));
}

/* ---------------------------------------------------------------------
 * People, categories, links.
 */

/* "email (Name)", "Name (email)", "Name <email>", "email", "Name". */
static void
parse_person_string(struct parser *p, struct person *who, const char *s)
{
	const char	*open, *close, *at;
	size_t		 n;

	if (s == NULL || *s == '\0')
		return;
	open = strpbrk(s, "(<");
	close = open != NULL ? strchr(open, *open == '(' ? ')' : '>') : NULL;
	if (open != NULL && close != NULL) {
		const char	*in = open + 1, *out = s;
		size_t		 inl = close - in, outl = open - s;

		text_trim(&in, &inl);
		text_trim(&out, &outl);
		if (outl == 0) {	/* "(Name) rest" */
			out = close + 1;
			outl = strlen(out);
			text_trim(&out, &outl);
		}
		if (memchr(in, '@', inl) != NULL && memchr(out, '@', outl) == NULL) {
			who->email = feed_strndup(p->feed, in, inl);
			who->name = outl > 0 ? feed_strndup(p->feed, out, outl) :
			    NULL;
		} else {
			who->email = memchr(out, '@', outl) != NULL ?
			    feed_strndup(p->feed, out, outl) : NULL;
			who->name = feed_strndup(p->feed, in, inl);
			if (who->email == NULL && outl > 0)
				who->name = feed_strndup(p->feed, out, outl);
		}
		return;
	}
	n = strlen(s);
	at = strchr(s, '@');
	if (at != NULL && strchr(s, ' ') == NULL)
		who->email = feed_strndup(p->feed, s, n);
	else
		who->name = feed_strndup(p->feed, s, n);
}

/* An Atom person construct (author), 1.0 or 0.3. */
static void
parse_person(struct parser *p, struct entry *e, const char *base)
{
	struct person	 who = { 0 }, *slot;
	const char	*local;
	int		 depth = xmlTextReaderDepth(p->r);
	enum ns		 ns;

	if (!parse_is_empty(p)) {
		while (parse_next_child(p, depth)) {
			ns = parse_ns(p, &local);
			if (ns != NS_ATOM && ns != NS_ATOM_03) {
				parse_skip(p);
				continue;
			}
			if (parse_name_is(local, "name"))
				who.name = parse_plain(p);
			else if (parse_name_is(local, "email"))
				who.email = parse_plain(p);
			else if (parse_name_is(local, "uri") ||
			    parse_name_is(local, "url"))
				who.uri = parse_link_text(p,
				    parse_base(p, base));
			else
				parse_skip(p);
		}
	}
	if (who.name == NULL && who.email == NULL && who.uri == NULL)
		return;
	slot = feed_add_author(p->feed, e);
	*slot = who;
}

/* An author written as one string (RSS author, dc:creator). */
static void
parse_author_text(struct parser *p, struct entry *e)
{
	struct person	 who = { 0 };
	size_t		 n;

	parse_person_string(p, &who, parse_plain_text(p, &n));
	if (who.name != NULL || who.email != NULL)
		*feed_add_author(p->feed, e) = who;
}

static void
parse_category(struct parser *p, struct entry *e, enum ns ns)
{
	struct category	 c = { 0 };

	if (ns == NS_ATOM || ns == NS_ATOM_03) {
		c.term = parse_attr(p, "term");
		c.scheme = parse_attr(p, "scheme");
		c.label = parse_attr(p, "label");
		if (c.term == NULL)
			c.term = parse_plain(p);	/* Atom 0.3 habit */
		else
			parse_skip(p);
	} else {
		c.scheme = parse_attr(p, "domain");
		c.term = parse_plain(p);
	}
	if (c.term == NULL || *c.term == '\0')
		return;
	*feed_add_category(p->feed, e) = c;
}

/* An Atom link: added to links[], an enclosure for rel="enclosure", and
 * the first alternate one with an href becomes the main link. */
static void
parse_atom_link(struct parser *p, struct entry *e, const char *base)
{
	struct link		 l = { 0 };
	const char		**main;
	bool			 blank;

	base = parse_base(p, base);
	l.href = parse_attr_link(p, "href", base, &blank);
	l.rel = parse_attr(p, "rel");
	l.type = parse_attr(p, "type");
	l.title = parse_attr(p, "title");
	l.length = parse_attr(p, "length");
	l.hreflang = parse_attr(p, "hreflang");
	parse_skip(p);
	if (l.rel == NULL || *l.rel == '\0')
		l.rel = "alternate";
	/* href="" is a same-document reference: the base itself. */
	if (blank)
		l.href = base;
	*feed_add_link(p->feed, e) = l;
	if (l.href == NULL)
		return;	/* no href: never displaces the real link */
	if (strcmp(l.rel, "enclosure") == 0 && e != NULL) {
		struct enclosure	*enc = feed_add_enclosure(e);

		enc->href = l.href;
		enc->type = l.type;
		enc->length = l.length;
		return;
	}
	main = e != NULL ? &e->link : &p->feed->link;
	if (strcmp(l.rel, "alternate") == 0 && *main == NULL)
		*main = l.href;
}

/* ---------------------------------------------------------------------
 * Dates and the fields every format shares (Dublin Core, dcterms,
 * content:encoded).
 */

static void
parse_date_into(struct parser *p, time_t *slot, bool first_wins)
{
	size_t	n;
	time_t	t = date_parse(parse_plain_text(p, &n));

	if (t == DATE_NONE || (first_wins && *slot != DATE_NONE))
		return;
	*slot = t;
}

/* Elements of the extension modules any item or channel may carry.
 * Returns false when the element is not one of them (not consumed). */
static bool
parse_module(struct parser *p, struct entry *e, enum ns ns, const char *local)
{
	time_t		*updated = e != NULL ? &e->updated : &p->feed->updated;
	time_t		*published = e != NULL ? &e->published :
			    &p->feed->published;

	if (ns == NS_DUBLIN) {
		if (parse_name_is(local, "creator") ||
		    parse_name_is(local, "author"))
			parse_author_text(p, e);
		else if (parse_name_is(local, "date"))
			parse_date_into(p, updated, false);
		else if (parse_name_is(local, "subject")) {
			const char	*t = parse_plain(p);

			if (*t != '\0')
				feed_add_category(p->feed, e)->term = t;
		} else if (parse_name_is(local, "language")) {
			const char	*l = parse_plain(p);

			if (*l != '\0') {
				if (e != NULL)
					e->lang = l;
				else
					p->feed->lang = l;
			}
		} else if (parse_name_is(local, "description") && e != NULL) {
			const char	*d = parse_value(p, MODE_TEXT);

			if (e->summary == NULL) {
				e->summary = d;
				e->summary_type = TEXT_HTML;
			}
		} else if (parse_name_is(local, "title")) {
			const char	*t = parse_value(p, MODE_TEXT);

			if (e != NULL && e->title == NULL) {
				e->title = t;
				e->title_type = TEXT_HTML;
			} else if (e == NULL && p->feed->title == NULL) {
				p->feed->title = t;
				p->feed->title_type = TEXT_HTML;
			}
		} else
			parse_skip(p);
		return true;
	}
	if (ns == NS_TERMS) {
		if (parse_name_is(local, "modified"))
			parse_date_into(p, updated, false);
		else if (parse_name_is(local, "issued"))
			parse_date_into(p, published, false);
		else if (parse_name_is(local, "created"))
			parse_date_into(p, published, true);
		else
			parse_skip(p);
		return true;
	}
	if (ns == NS_CONT && e != NULL) {
		if (parse_name_is(local, "encoded")) {
			e->content = parse_value(p, MODE_TEXT);
			e->content_type = TEXT_HTML;
		} else
			parse_skip(p);
		return true;
	}
	if (ns == NS_HTML && e != NULL && parse_name_is(local, "body")) {
		e->content = parse_value(p, MODE_INNER);
		e->content_type = TEXT_XHTML;
		return true;
	}
	return false;
}

/* ---------------------------------------------------------------------
 * Atom 1.0 and 0.3.
 */

static void
parse_atom_field(struct parser *p, struct entry *e, enum ns ns,
    const char *local, const char *base)
{
	struct feed	*f = p->feed;
	enum text_type	 type;
	const char	*v;

	if (parse_name_is(local, "title")) {
		v = parse_text_construct(p, ns, &type);
		if (e != NULL) {
			e->title = v;
			e->title_type = type;
		} else {
			f->title = v;
			f->title_type = type;
		}
	} else if (parse_name_is(local, "link"))
		parse_atom_link(p, e, base);
	else if (parse_name_is(local, "id")) {
		v = parse_plain(p);
		if (e != NULL)
			e->id = v;
		else
			f->id = v;
	} else if (parse_name_is(local, "updated") ||
	    parse_name_is(local, "modified"))
		parse_date_into(p, e != NULL ? &e->updated : &f->updated,
		    false);
	else if (parse_name_is(local, "published") ||
	    parse_name_is(local, "issued"))
		parse_date_into(p, e != NULL ? &e->published : &f->published,
		    false);
	else if (parse_name_is(local, "author"))
		parse_person(p, e, base);
	else if (parse_name_is(local, "category"))
		parse_category(p, e, ns);
	else if (e == NULL && (parse_name_is(local, "subtitle") ||
	    parse_name_is(local, "tagline"))) {
		f->subtitle = parse_text_construct(p, ns, &type);
		f->subtitle_type = type;
	} else if (e != NULL && parse_name_is(local, "summary")) {
		e->summary = parse_text_construct(p, ns, &type);
		e->summary_type = type;
	} else if (e != NULL && parse_name_is(local, "content")) {
		const char	*b = parse_base(p, base);

		if (parse_attr(p, "src") != NULL) {
			parse_skip(p);	/* out-of-line content */
			return;
		}
		e->content = parse_text_construct(p, ns, &type);
		e->content_type = type;
		if (b != base)
			e->base = b;
	} else
		parse_skip(p);
}

static void parse_atom_entry(struct parser *, const char *);

static void
parse_atom_feed(struct parser *p, enum ns feedns)
{
	struct feed	*f = p->feed;
	const char	*local, *base, *lang;
	int		 depth = xmlTextReaderDepth(p->r);
	enum ns		 ns;

	f->format = feedns == NS_ATOM_03 ? FEED_ATOM03 : FEED_ATOM10;
	base = parse_base(p, p->opts->url);
	if ((lang = parse_lang(p)) != NULL)
		f->lang = feed_strdup(f, lang);
	if (parse_is_empty(p))
		return;
	while (parse_next_child(p, depth)) {
		ns = parse_ns(p, &local);
		if ((ns == NS_ATOM || ns == NS_ATOM_03) &&
		    parse_name_is(local, "entry"))
			parse_atom_entry(p, base);
		else if (ns == NS_ATOM || ns == NS_ATOM_03)
			parse_atom_field(p, NULL, ns, local, base);
		else if (!parse_module(p, NULL, ns, local))
			parse_skip(p);
	}
}

static struct entry *
parse_new_entry(struct parser *p, const char *base)
{
	struct entry	*e;
	const char	*lang;

	if (p->opts->max_entries > 0 &&
	    p->feed->nentries >= p->opts->max_entries) {
		p->feed->nskipped++;
		return NULL;
	}
	e = feed_add_entry(p->feed);
	e->base = base;
	if ((lang = parse_lang(p)) != NULL)
		e->lang = feed_strdup(p->feed, lang);
	return e;
}

static void
parse_atom_entry(struct parser *p, const char *base)
{
	struct entry	*e;
	const char	*local;
	size_t		 idx;
	int		 depth = xmlTextReaderDepth(p->r);
	enum ns		 ns;

	base = parse_base(p, base);
	if ((e = parse_new_entry(p, base)) == NULL) {
		parse_skip(p);
		return;
	}
	idx = p->feed->nentries - 1;
	if (parse_is_empty(p))
		return;
	while (parse_next_child(p, depth)) {
		e = &p->feed->entries[idx];
		ns = parse_ns(p, &local);
		if (ns == NS_ATOM || ns == NS_ATOM_03)
			parse_atom_field(p, e, ns, local, base);
		else if (!parse_module(p, e, ns, local))
			parse_skip(p);
	}
}

/* ---------------------------------------------------------------------
 * RSS 0.9x, 1.0 and 2.0.
 */

static int
parse_sy_period(const char *s)
{
	if (strcasecmp(s, "hourly") == 0)
		return 3600;
	if (strcasecmp(s, "daily") == 0)
		return 86400;
	if (strcasecmp(s, "weekly") == 0)
		return 7 * 86400;
	if (strcasecmp(s, "monthly") == 0)
		return 30 * 86400;
	if (strcasecmp(s, "yearly") == 0)
		return 365 * 86400;
	return 0;
}

static void
parse_rss_item(struct parser *p, const char *base)
{
	struct entry	*e;
	const char	*local, *v, *guid = NULL;
	bool		 permalink = true;
	size_t		 idx;
	int		 depth = xmlTextReaderDepth(p->r);
	enum ns		 ns;

	base = parse_base(p, base);
	if ((e = parse_new_entry(p, base)) == NULL) {
		parse_skip(p);
		return;
	}
	idx = p->feed->nentries - 1;
	/* RSS 1.0: the item's URI is its identity. */
	if ((v = parse_attr_ns(p, "about", NS_RDF)) != NULL)
		e->id = v;
	if (parse_is_empty(p))
		return;
	while (parse_next_child(p, depth)) {
		e = &p->feed->entries[idx];
		ns = parse_ns(p, &local);
		if (ns == NS_ATOM) {
			parse_atom_field(p, e, ns, local, base);
			continue;
		}
		if (ns != NS_RSS) {
			if (!parse_module(p, e, ns, local))
				parse_skip(p);
			continue;
		}
		if (parse_name_is(local, "title")) {
			e->title = parse_value(p, MODE_TEXT);
			e->title_type = TEXT_HTML;
		} else if (parse_name_is(local, "link")) {
			v = parse_link_text(p, parse_base(p, base));
			if (v != NULL)
				e->link = v;
		} else if (parse_name_is(local, "description")) {
			e->summary = parse_value(p, MODE_TEXT);
			e->summary_type = TEXT_HTML;
		} else if (parse_name_is(local, "guid")) {
			v = parse_attr(p, "isPermaLink");
			permalink = v == NULL || strcasecmp(v, "false") != 0;
			guid = parse_plain(p);
			if (*guid != '\0')
				e->id = guid;
		} else if (parse_name_is(local, "pubDate"))
			parse_date_into(p, &e->published, false);
		else if (parse_name_is(local, "author"))
			parse_author_text(p, e);
		else if (parse_name_is(local, "category"))
			parse_category(p, e, ns);
		else if (parse_name_is(local, "enclosure")) {
			const char	*url;
			struct enclosure *enc;
			bool		 blank;

			if ((url = parse_attr_link(p, "url", base,
			    &blank)) != NULL) {
				enc = feed_add_enclosure(e);
				enc->href = url;
				enc->type = parse_attr(p, "type");
				enc->length = parse_attr(p, "length");
			}
			parse_skip(p);
		} else
			parse_skip(p);
	}
	e = &p->feed->entries[idx];
	if (guid != NULL && *guid != '\0') {
		e->guid_permalink = permalink;
		if (e->link == NULL && permalink)
			e->link = parse_resolve(p, base, guid);
	}
}

static void
parse_rss_skip_list(struct parser *p, bool hours)
{
	const char	*local, *v;
	int		 depth = xmlTextReaderDepth(p->r);
	static const char *days[] = { "sunday", "monday", "tuesday",
	    "wednesday", "thursday", "friday", "saturday" };

	if (parse_is_empty(p))
		return;
	while (parse_next_child(p, depth)) {
		parse_ns(p, &local);
		v = parse_plain(p);
		if (hours && parse_name_is(local, "hour")) {
			char	*end;
			long	 h = strtol(v, &end, 10);

			if (end != v && *end == '\0' && h >= 0 && h <= 24)
				p->feed->skip_hours |= 1u << (h % 24);
		} else if (!hours && parse_name_is(local, "day")) {
			for (int d = 0; d < 7; d++)
				if (strcasecmp(v, days[d]) == 0)
					p->feed->skip_days |= 1u << d;
		}
	}
}

/* Channel children. RSS 0.9x and 1.0 put items beside the channel; 2.0
 * inside it; both are accepted in both places. */
static void
parse_rss_channel(struct parser *p, const char *base)
{
	struct feed	*f = p->feed;
	const char	*local, *v, *lang;
	int		 depth = xmlTextReaderDepth(p->r), freq = 0, period = 0;
	enum ns		 ns;

	base = parse_base(p, base);
	if (f->lang == NULL &&
	    (lang = parse_lang(p)) != NULL)
		f->lang = feed_strdup(f, lang);
	if (parse_is_empty(p))
		return;
	while (parse_next_child(p, depth)) {
		ns = parse_ns(p, &local);
		if (ns == NS_ATOM) {
			parse_atom_field(p, NULL, ns, local, base);
			continue;
		}
		if (ns == NS_SYND) {
			v = parse_plain(p);
			if (parse_name_is(local, "updatePeriod"))
				period = parse_sy_period(v);
			else if (parse_name_is(local, "updateFrequency"))
				freq = atoi(v);
			continue;
		}
		if (ns != NS_RSS) {
			if (!parse_module(p, NULL, ns, local))
				parse_skip(p);
			continue;
		}
		if (parse_name_is(local, "item"))
			parse_rss_item(p, base);
		else if (parse_name_is(local, "title")) {
			f->title = parse_value(p, MODE_TEXT);
			f->title_type = TEXT_HTML;
		} else if (parse_name_is(local, "link")) {
			v = parse_link_text(p, base);
			if (v != NULL)
				f->link = v;
		} else if (parse_name_is(local, "description")) {
			f->subtitle = parse_value(p, MODE_TEXT);
			f->subtitle_type = TEXT_HTML;
		} else if (parse_name_is(local, "language")) {
			v = parse_plain(p);
			if (*v != '\0')
				f->lang = v;
		} else if (parse_name_is(local, "pubDate"))
			parse_date_into(p, &f->published, false);
		else if (parse_name_is(local, "lastBuildDate"))
			parse_date_into(p, &f->updated, false);
		else if (parse_name_is(local, "managingEditor") ||
		    parse_name_is(local, "author"))
			parse_author_text(p, NULL);
		else if (parse_name_is(local, "category"))
			parse_category(p, NULL, ns);
		else if (parse_name_is(local, "ttl")) {
			long	ttl = atol(parse_plain(p));

			if (ttl > 0 && ttl < 525600)
				f->ttl = (int)ttl * 60;
		} else if (parse_name_is(local, "skipHours"))
			parse_rss_skip_list(p, true);
		else if (parse_name_is(local, "skipDays"))
			parse_rss_skip_list(p, false);
		else
			parse_skip(p);	/* image, textInput, cloud... */
	}
	if (period > 0)
		f->update_period = freq > 0 ? period / freq : period;
}

static void
parse_rss_root(struct parser *p, bool rdf)
{
	struct feed	*f = p->feed;
	const char	*local, *base, *v;
	int		 depth = xmlTextReaderDepth(p->r);
	enum ns		 ns;

	if (rdf) {
		const char	*uri = (const char *)
		    xmlTextReaderLookupNamespace(p->r, NULL);

		f->format = FEED_RSS10;
		if (uri != NULL && strcmp(uri, NS_RSS090) == 0)
			f->format = FEED_RSS090;
		xmlFree((xmlChar *)uri);
	} else {
		v = parse_attr(p, "version");
		f->format = FEED_RSS20;
		if (v != NULL && strcmp(v, "0.91") == 0)
			f->format = FEED_RSS091;
		else if (v != NULL && strcmp(v, "0.92") == 0)
			f->format = FEED_RSS092;
		else if (v != NULL && strcmp(v, "0.90") == 0)
			f->format = FEED_RSS090;
	}
	base = parse_base(p, p->opts->url);
	if ((v = parse_lang(p)) != NULL)
		f->lang = feed_strdup(f, v);
	if (parse_is_empty(p))
		return;
	while (parse_next_child(p, depth)) {
		ns = parse_ns(p, &local);
		if (ns == NS_RSS && parse_name_is(local, "channel"))
			parse_rss_channel(p, base);
		else if (ns == NS_RSS && parse_name_is(local, "item"))
			parse_rss_item(p, base);
		else
			parse_skip(p);	/* image, textinput, rdf:Seq... */
	}
}

/* ---------------------------------------------------------------------
 * JSON Feed 1.0 / 1.1.
 */

static const char *
parse_json_str(struct parser *p, json_t *obj, const char *key)
{
	json_t		*v = json_object_get(obj, key);
	struct buf	 b = { 0 };
	const char	*s;

	if (!json_is_string(v))
		return NULL;
	/* jansson guarantees UTF-8 but allows NUL; drop controls. */
	text_utf8_repair(&b, json_string_value(v), json_string_length(v));
	s = feed_strndup(p->feed, b.s != NULL ? b.s : "", b.len);
	buf_free(&b);
	return s;
}

static void
parse_json_authors(struct parser *p, struct entry *e, json_t *obj)
{
	json_t		*list = json_object_get(obj, "authors"), *a;
	size_t		 i;
	struct person	*who;

	if (!json_is_array(list)) {
		a = json_object_get(obj, "author");	/* 1.0 */
		if (!json_is_object(a))
			return;
		list = NULL;
		who = feed_add_author(p->feed, e);
		who->name = parse_json_str(p, a, "name");
		who->uri = parse_resolve(p, p->opts->url,
		    parse_json_str(p, a, "url"));
		return;
	}
	json_array_foreach(list, i, a) {
		if (!json_is_object(a))
			continue;
		who = feed_add_author(p->feed, e);
		who->name = parse_json_str(p, a, "name");
		who->uri = parse_resolve(p, p->opts->url,
		    parse_json_str(p, a, "url"));
	}
}

static struct feed *
parse_json_feed(struct parser *p, const char *buf, size_t len, char *err,
    size_t errlen)
{
	struct feed	*f = p->feed;
	json_error_t	 jerr;
	json_t		*root, *items, *it, *tags, *tag, *atts, *att;
	const char	*v, *base = p->opts->url;
	size_t		 i, j;
	struct entry	*e;

	root = json_loadb(buf, len, JSON_DISABLE_EOF_CHECK, &jerr);
	if (root == NULL) {
		snprintf(err, errlen, "not a feed: invalid JSON: line %d: %s",
		    jerr.line, jerr.text);
		return NULL;
	}
	v = json_string_value(json_object_get(root, "version"));
	if (!json_is_object(root) || v == NULL ||
	    strncmp(v, "https://jsonfeed.org/version/", 29) != 0) {
		json_decref(root);
		snprintf(err, errlen, "not a feed: JSON without a JSON Feed "
		    "version");
		return NULL;
	}
	f->format = strcmp(v + 29, "1") == 0 ? FEED_JSON10 : FEED_JSON11;
	f->title = parse_json_str(p, root, "title");
	f->subtitle = parse_json_str(p, root, "description");
	f->link = parse_resolve(p, base, parse_json_str(p, root,
	    "home_page_url"));
	f->lang = parse_json_str(p, root, "language");
	if ((v = parse_json_str(p, root, "feed_url")) != NULL) {
		struct link	*l = feed_add_link(f, NULL);

		l->href = parse_resolve(p, base, v);
		l->rel = "self";
		l->type = "application/feed+json";
	}
	parse_json_authors(p, NULL, root);
	items = json_object_get(root, "items");
	json_array_foreach(items, i, it) {
		if (!json_is_object(it))
			continue;
		if ((e = parse_new_entry(p, base)) == NULL)
			continue;
		if ((v = json_string_value(json_object_get(it, "id"))) != NULL)
			e->id = parse_json_str(p, it, "id");
		else if (json_is_number(json_object_get(it, "id"))) {
			char	num[64];

			snprintf(num, sizeof(num), "%.0f",
			    json_number_value(json_object_get(it, "id")));
			e->id = feed_strdup(f, num);
		}
		e->title = parse_json_str(p, it, "title");
		e->title_type = TEXT_PLAIN;
		e->link = parse_resolve(p, base, parse_json_str(p, it, "url"));
		if (e->link == NULL)
			e->link = parse_resolve(p, base,
			    parse_json_str(p, it, "external_url"));
		e->summary = parse_json_str(p, it, "summary");
		e->summary_type = TEXT_PLAIN;
		if ((e->content = parse_json_str(p, it, "content_html")) != NULL)
			e->content_type = TEXT_HTML;
		else
			e->content = parse_json_str(p, it, "content_text");
		e->published = date_parse(parse_json_str(p, it,
		    "date_published"));
		e->updated = date_parse(parse_json_str(p, it,
		    "date_modified"));
		e->lang = parse_json_str(p, it, "language");
		parse_json_authors(p, e, it);
		tags = json_object_get(it, "tags");
		json_array_foreach(tags, j, tag) {
			if (json_is_string(tag))
				feed_add_category(f, e)->term =
				    feed_strdup(f, json_string_value(tag));
		}
		atts = json_object_get(it, "attachments");
		json_array_foreach(atts, j, att) {
			struct enclosure	*enc;
			json_t			*size;

			if ((v = parse_json_str(p, att, "url")) == NULL)
				continue;
			enc = feed_add_enclosure(e);
			enc->href = parse_resolve(p, base, v);
			enc->type = parse_json_str(p, att, "mime_type");
			size = json_object_get(att, "size_in_bytes");
			if (json_is_integer(size)) {
				char	n[32];

				snprintf(n, sizeof(n), "%lld",
				    (long long)json_integer_value(size));
				enc->length = feed_strdup(f, n);
			}
		}
	}
	json_decref(root);
	return f;
}

/* ---------------------------------------------------------------------
 * Entry point.
 */

static bool
parse_looks_like_html(const char *s, size_t len)
{
	size_t	n = len < 1024 ? len : 1024;

	while (n > 0 && isspace((unsigned char)*s)) {
		s++;
		n--;
	}
	return (n >= 14 && strncasecmp(s, "<!doctype html", 14) == 0) ||
	    (n >= 5 && strncasecmp(s, "<html", 5) == 0);
}

/* The reader pulls the document in chunks from our buffer: with
 * xmlReaderForMemory, libxml2 2.9 would first copy the whole body. */
static int
parse_io_read(void *arg, char *dst, int len)
{
	struct parser	*p = arg;
	size_t		 n = p->in_end - p->in_pos;

	if ((size_t)len < n)
		n = len;
	memcpy(dst, p->in_pos, n);
	p->in_pos += n;
	return (int)n;
}

static int
parse_io_close(void *arg)
{
	(void)arg;
	return 0;
}

/*
 * Whether libxml2 may detect the encoding itself: it then reads UTF-8
 * bytes as they are, where told "UTF-8" it runs them all through its
 * UTF-8 decoder first, a copy and a check that cost 4% of a parse. True
 * when detection from the first four bytes (XML 1.0 appendix F) cannot
 * see UTF-16, UCS-4 or EBCDIC, and the declaration, unless ignored, names
 * no other encoding (libxml2 would switch to "us-ascii", say).
 */
static bool
parse_detects_utf8(const char *buf, size_t len, bool ignore_enc)
{
	const unsigned char	*u = (const unsigned char *)buf;
	char			 name[64];

	if (len < 4 || u[0] == 0 || u[1] == 0 || u[2] == 0 || u[3] == 0)
		return false;
	if ((u[0] == 0xfe && u[1] == 0xff) || (u[0] == 0xff && u[1] == 0xfe) ||
	    (u[0] == 0x4c && u[1] == 0x6f && u[2] == 0xa7 && u[3] == 0x94))
		return false;
	return ignore_enc ||
	    !parse_declared_encoding(buf, len, name, sizeof(name)) ||
	    strcasecmp(name, "utf-8") == 0 || strcasecmp(name, "utf8") == 0;
}

/* One pass of the reader over UTF-8 bytes into p->feed. -1 and a reason
 * when the document is not a feed. */
static int
parse_xml(struct parser *p, const char *buf, size_t len, bool ignore_enc,
    char *err, size_t errlen)
{
	const char	*local;
	enum ns		 ns;
	bool		 found = false, native;

	p->entity_budget = len < 1024 * 1024 ? len : 1024 * 1024;
	p->in_pos = buf;
	p->in_end = buf + len;
	native = parse_detects_utf8(buf, len, ignore_enc);
	p->r = xmlReaderForIO(parse_io_read, parse_io_close, p,
	    p->opts->url, native ? NULL : "UTF-8",
	    XML_PARSE_RECOVER | XML_PARSE_NONET | XML_PARSE_NOERROR |
	    XML_PARSE_NOWARNING | XML_PARSE_NOCDATA | XML_PARSE_COMPACT |
	    (ignore_enc ? XML_PARSE_IGNORE_ENC : 0));
	if (p->r == NULL) {
		snprintf(err, errlen, "not a feed: cannot start the XML reader");
		return -1;
	}
	xmlTextReaderSetStructuredErrorHandler(p->r, parse_error_cb, p);

	/* The root element decides the format. */
	while (parse_read(p)) {
		if (xmlTextReaderNodeType(p->r) != XML_READER_TYPE_ELEMENT)
			continue;
		found = true;
		ns = parse_ns(p, &local);
		if (ns == NS_RSS && parse_name_is(local, "rss"))
			parse_rss_root(p, false);
		else if (ns == NS_RSS && parse_name_is(local, "channel")) {
			p->feed->format = FEED_RSS20;
			parse_rss_channel(p, p->opts->url);
		} else if (ns == NS_RDFNS && parse_name_is(local, "RDF"))
			parse_rss_root(p, true);
		else if ((ns == NS_ATOM || ns == NS_ATOM_03) &&
		    parse_name_is(local, "feed"))
			parse_atom_feed(p, ns);
		else if ((ns == NS_ATOM || ns == NS_ATOM_03) &&
		    parse_name_is(local, "entry")) {
			p->feed->format = ns == NS_ATOM ? FEED_ATOM10 :
			    FEED_ATOM03;
			parse_atom_entry(p, p->opts->url);
		} else if (strcasecmp(local, "html") == 0) {
			snprintf(err, errlen, "not a feed: an HTML page");
			return -1;
		} else {
			snprintf(err, errlen, "not a feed: root element <%s>",
			    (const char *)xmlTextReaderConstName(p->r));
			return -1;
		}
		break;
	}
	/* Read to the end so trailing garbage still counts as broken. */
	while (parse_read(p))
		;
	if (!found) {
		if (parse_looks_like_html(buf, len))
			snprintf(err, errlen, "not a feed: an HTML page");
		else
			snprintf(err, errlen, "not a feed: %s", p->broken ?
			    p->reason : "no root element");
		return -1;
	}
	return 0;
}

/* Relative links inside summaries and content resolve against the
 * entry's xml:base or the document URL; a feed served without either
 * (a file, a test) still has its channel link, which is what publishers
 * mean by a site-relative href. */
static void
parse_finish(struct feed *f)
{
	for (size_t i = 0; i < f->nentries; i++)
		if (f->entries[i].base == NULL)
			f->entries[i].base = f->link;
}

static void
parse_reset(struct parser *p)
{
	if (p->r != NULL)
		xmlFreeTextReader(p->r);
	p->r = NULL;
	feed_free(p->feed);
	p->feed = NULL;
}

struct feed *
parse_feed(const char *buf, size_t len, const struct parse_opts *opts,
    char *err, size_t errlen)
{
	static const struct parse_opts	 none = { 0 };
	struct parser			 p = { 0 }, retry = { 0 };
	struct input			 in = { 0 };
	struct buf			 fixed = { 0 };
	struct feed			*f;
	const char			*s;
	size_t				 n;
	int				 rc;
	bool				 cleaned = false, repaired = false;

	parse_init();
	p.opts = opts != NULL ? opts : &none;
	s = buf;
	n = len;
	text_trim(&s, &n);
	if (n == 0 || (n == 3 && memcmp(s, "\xef\xbb\xbf", 3) == 0)) {
		snprintf(err, errlen, "not a feed: empty document");
		return NULL;
	}
	p.feed = feed_new();
	if (s[0] == '{' || (n > 3 && memcmp(s, "\xef\xbb\xbf{", 4) == 0)) {
		if (s[0] != '{') {
			s += 3;
			n -= 3;
		}
		if (parse_json_feed(&p, s, n, err, errlen) == NULL) {
			feed_free(p.feed);
			return NULL;
		}
		return p.feed;
	}

	parse_input_prepare(&in, buf, len, p.opts->content_type);
	rc = parse_xml(&p, in.buf, in.len, in.converted, err, errlen);
	if (p.broken) {
		/* Both repairs run: the markup pass reads the clean copy. */
		cleaned = parse_input_clean(&in);
		repaired = parse_repair_markup(&fixed, in.buf, in.len) > 0;
	}
	if (cleaned || repaired) {
		/* Read the repaired copy; keep it if it is a feed with at
		 * least as many entries, reporting the original error. */
		retry.opts = p.opts;
		retry.feed = feed_new();
		if (parse_xml(&retry, fixed.s, fixed.len, true, err,
		    errlen) == 0 && (rc == -1 ||
		    retry.feed->nentries >= p.feed->nentries)) {
			if (rc == -1)
				snprintf(p.reason, sizeof(p.reason), "%s",
				    retry.broken ? retry.reason :
				    "repaired bare ampersands or entities");
			parse_reset(&p);
			p.r = retry.r;
			p.feed = retry.feed;
			retry.r = NULL;
			retry.feed = NULL;
			rc = 0;
		}
		parse_reset(&retry);
		buf_free(&retry.text);
		buf_free(&retry.fix);
	}
	f = p.feed;
	p.feed = NULL;
	parse_reset(&p);
	if (rc == -1) {
		feed_free(f);
		f = NULL;
	} else {
		if (p.broken || in.problem[0] != '\0') {
			f->bozo = true;
			f->bozo_reason = feed_strdup(f, in.problem[0] != '\0' ?
			    in.problem : p.reason);
		}
		parse_finish(f);
	}
	buf_free(&p.text);
	buf_free(&p.fix);
	buf_free(&in.owned);
	buf_free(&fixed);
	return f;
}

/* ---------------------------------------------------------------------
 * The JSON form (the conformance contract).
 */

static void
parse_json_set(json_t *obj, const char *key, const char *v)
{
	if (v != NULL)
		json_object_set_new(obj, key, json_string(v));
}

static void
parse_json_date(json_t *obj, const char *key, time_t t)
{
	char	d[DATE_STRLEN];

	if (t != DATE_NONE)
		json_object_set_new(obj, key,
		    json_string(date_format(t, d, sizeof(d))));
}

static json_t *
parse_json_people(const struct person *v, size_t n)
{
	json_t	*a = json_array(), *o;

	for (size_t i = 0; i < n; i++) {
		o = json_object();
		parse_json_set(o, "name", v[i].name);
		parse_json_set(o, "email", v[i].email);
		parse_json_set(o, "uri", v[i].uri);
		json_array_append_new(a, o);
	}
	return a;
}

static json_t *
parse_json_tags(const struct category *v, size_t n)
{
	json_t	*a = json_array(), *o;

	for (size_t i = 0; i < n; i++) {
		o = json_object();
		parse_json_set(o, "term", v[i].term);
		parse_json_set(o, "scheme", v[i].scheme);
		parse_json_set(o, "label", v[i].label);
		json_array_append_new(a, o);
	}
	return a;
}

static json_t *
parse_json_links(const struct link *v, size_t n)
{
	json_t	*a = json_array(), *o;

	for (size_t i = 0; i < n; i++) {
		o = json_object();
		parse_json_set(o, "href", v[i].href);
		parse_json_set(o, "rel", v[i].rel);
		parse_json_set(o, "type", v[i].type);
		parse_json_set(o, "title", v[i].title);
		parse_json_set(o, "length", v[i].length);
		parse_json_set(o, "hreflang", v[i].hreflang);
		json_array_append_new(a, o);
	}
	return a;
}

static json_t *
parse_json_text(const char *value, enum text_type type)
{
	json_t	*o = json_object();

	parse_json_set(o, "value", value);
	parse_json_set(o, "type", text_type_name(type));
	return o;
}

char *
parse_feed_json(const struct feed *f)
{
	json_t	*root = json_object(), *fo = json_object(), *entries, *eo;
	json_t	*a, *o;
	char	*s;

	json_object_set_new(root, "bozo", json_boolean(f->bozo));
	if (f->bozo_reason != NULL)
		json_object_set_new(root, "bozo_exception",
		    json_string(f->bozo_reason));
	json_object_set_new(root, "version",
	    json_string(feed_format_name(f->format)));
	parse_json_set(fo, "title", f->title);
	if (f->title != NULL)
		json_object_set_new(fo, "title_detail",
		    parse_json_text(f->title, f->title_type));
	parse_json_set(fo, "subtitle", f->subtitle);
	parse_json_set(fo, "link", f->link);
	parse_json_set(fo, "id", f->id);
	parse_json_set(fo, "language", f->lang);
	parse_json_date(fo, "updated", f->updated);
	parse_json_date(fo, "published", f->published);
	json_object_set_new(fo, "authors",
	    parse_json_people(f->authors, f->nauthors));
	json_object_set_new(fo, "tags",
	    parse_json_tags(f->categories, f->ncategories));
	json_object_set_new(fo, "links", parse_json_links(f->links, f->nlinks));
	if (f->ttl > 0)
		json_object_set_new(fo, "ttl", json_integer(f->ttl));
	if (f->update_period > 0)
		json_object_set_new(fo, "update_period",
		    json_integer(f->update_period));
	json_object_set_new(root, "feed", fo);

	entries = json_array();
	for (size_t i = 0; i < f->nentries; i++) {
		const struct entry	*e = &f->entries[i];

		eo = json_object();
		parse_json_set(eo, "id", e->id);
		parse_json_set(eo, "title", e->title);
		if (e->title != NULL)
			json_object_set_new(eo, "title_detail",
			    parse_json_text(e->title, e->title_type));
		parse_json_set(eo, "link", e->link);
		parse_json_date(eo, "published", e->published);
		parse_json_date(eo, "updated", e->updated);
		parse_json_set(eo, "summary", e->summary);
		if (e->summary != NULL)
			json_object_set_new(eo, "summary_detail",
			    parse_json_text(e->summary, e->summary_type));
		if (e->content != NULL) {
			a = json_array();
			json_array_append_new(a,
			    parse_json_text(e->content, e->content_type));
			json_object_set_new(eo, "content", a);
		}
		parse_json_set(eo, "language", e->lang);
		parse_json_set(eo, "base", e->base);
		json_object_set_new(eo, "authors",
		    parse_json_people(e->authors, e->nauthors));
		json_object_set_new(eo, "tags",
		    parse_json_tags(e->categories, e->ncategories));
		json_object_set_new(eo, "links",
		    parse_json_links(e->links, e->nlinks));
		a = json_array();
		for (size_t j = 0; j < e->nenclosures; j++) {
			o = json_object();
			parse_json_set(o, "href", e->enclosures[j].href);
			parse_json_set(o, "type", e->enclosures[j].type);
			parse_json_set(o, "length", e->enclosures[j].length);
			json_array_append_new(a, o);
		}
		json_object_set_new(eo, "enclosures", a);
		json_array_append_new(entries, eo);
	}
	json_object_set_new(root, "entries", entries);
	if (f->nskipped > 0)
		json_object_set_new(root, "entries_skipped",
		    json_integer((json_int_t)f->nskipped));
	s = json_dumps(root, JSON_INDENT(1) | JSON_PRESERVE_ORDER);
	json_decref(root);
	return s != NULL ? s : xstrdup("{}");
}
