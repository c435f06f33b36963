/*
 * Listing pages without a feed -> struct feed. The page is converted to
 * UTF-8 first (BOM, then a charset declared in the first kilobyte, then a
 * guess between UTF-8 and windows-1252), so libxml2's HTML parser only
 * ever sees valid UTF-8 and every string we hand on is valid too. The
 * item rule selects the item elements; the other rules are evaluated with
 * each item as the context node and give its title, link, date and
 * summary.
 *
 * What the caller can rely on: entries come in page order, at most
 * SCRAPE_MAX_ITEMS of them; each has a title and an absolute http(s)
 * link, and its id is that link, so the same page scraped again gives the
 * same keys; a link appears at most once. Items without a title or a
 * link are counted in feed->nskipped and explained in feed->bozo_reason.
 * Hostile pages cost bounded work: a page size limit, a budget of XPath
 * steps and a cap on the text collected for one value.
 */

#include "scrape.h"

#include <errno.h>
#include <iconv.h>
#include <limits.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include <libxml/HTMLparser.h>
#include <libxml/hash.h>
#include <libxml/tree.h>
#include <libxml/xpath.h>
#include <libxml/xpathInternals.h>

#include "date.h"
#include "entry.h"
#include "text.h"
#include "url.h"
#include "xmalloc.h"

#define SCRAPE_MAX_PAGE		(32 * 1024 * 1024)	/* bytes in */
#define SCRAPE_MAX_ITEMS	1000		/* item elements looked at */
#define SCRAPE_MAX_TITLE	1000		/* bytes, after collapsing */
#define SCRAPE_MAX_SUMMARY	4000
#define SCRAPE_MAX_LINK		4000
#define SCRAPE_MAX_DATE		200
#define SCRAPE_MAX_NODES	100000		/* nodes walked for one value */
#define SCRAPE_OP_LIMIT		50000000UL	/* XPath steps for one page */
#define SCRAPE_PRESCAN		1024		/* where a charset is looked for */

enum scrape_rule {
	SCRAPE_ITEM,
	SCRAPE_TITLE,
	SCRAPE_LINK,
	SCRAPE_DATE,
	SCRAPE_SUMMARY,
	SCRAPE_NRULES
};

/* The rules' names as the configuration spells them. */
static const char *const scrape_rule_names[SCRAPE_NRULES] = {
	"item", "item-title", "item-link", "item-date", "item-summary"
};

struct scrape {
	const struct scrape_rules *rules;
	const char		*url;
	xmlDocPtr		 doc;
	xmlXPathContextPtr	 xp;
	xmlXPathCompExprPtr	 comp[SCRAPE_NRULES];
	xmlHashTablePtr		 seen;		/* canonical links kept */
	char			*base;		/* page URL or <base href> */
	struct feed		*feed;
	struct buf		 raw;		/* scratch: text being collected */
	size_t			 nitems;	/* item elements matched */
	size_t			 nnolink;
	size_t			 nnotitle;
	size_t			 nover;		/* beyond SCRAPE_MAX_ITEMS */
	size_t			 ndup;
	size_t			 nbaddate;	/* a date we could not read */
	size_t			 nunread;	/* after the budget was spent */
	bool			 exhausted;	/* XPath step budget spent */
};

/* libxml2 reports XPath errors through this; we read them from
 * xp->lastError instead of letting the library print them. */
static void
scrape_error_cb(void *arg, xmlErrorPtr e)
{
	(void)arg;
	(void)e;
}

/* libxml2 prints some XPath evaluation errors ("function foo not
 * found") through its generic handler whatever the context says; we
 * point that handler here while we run and restore it after. */
static void
scrape_generic_cb(void *arg, const char *fmt, ...)
{
	(void)arg;
	(void)fmt;
}

static const char *
scrape_rule_expr(const struct scrape_rules *r, enum scrape_rule which)
{
	switch (which) {
	case SCRAPE_ITEM:	return r->item;
	case SCRAPE_TITLE:	return r->title;
	case SCRAPE_LINK:	return r->link;
	case SCRAPE_DATE:	return r->date;
	case SCRAPE_SUMMARY:	return r->summary;
	case SCRAPE_NRULES:	break;
	}
	return NULL;
}

/* What each xmlXPathError means, in our words: libxml2 2.9 hands the
 * structured error callback a code but no message. */
static const char *const scrape_xpath_msgs[] = {
	"ok", "bad number", "unfinished string literal",
	"string literal expected", "variable reference expected",
	"variables are not allowed", "invalid predicate", "invalid expression",
	"missing closing bracket or parenthesis", "unknown function",
	"invalid operand", "wrong argument type", "wrong number of arguments",
	"invalid context size", "invalid context position", "out of memory",
	"XPointer syntax error", "XPointer resource error",
	"XPointer sub-resource error", "undefined namespace prefix",
	"encoding error", "invalid character", "invalid context",
	"stack error", "variables are not allowed",
	"too costly (step limit)", "too deeply nested"
};

/* An XPath code relative to XPATH_EXPRESSION_OK, whatever the version
 * stores in lastError. */
static int
scrape_xpath_code(xmlXPathContextPtr xp)
{
	int	 code = xp->lastError.code;

	return code >= XML_XPATH_EXPRESSION_OK ?
	    code - XML_XPATH_EXPRESSION_OK : code;
}

/* "what: message at offset N" into err, from the context's last error. */
static void
scrape_xpath_err(xmlXPathContextPtr xp, const char *what, char *err,
    size_t errlen)
{
	int	 code = scrape_xpath_code(xp);
	size_t	 nmsgs = sizeof(scrape_xpath_msgs) / sizeof(*scrape_xpath_msgs);
	const char *msg = "XPath error";

	if (code > 0 && (size_t)code < nmsgs)
		msg = scrape_xpath_msgs[code];
	if (xp->lastError.str1 != NULL && xp->lastError.int1 >= 0)
		snprintf(err, errlen, "%s: %s at offset %d", what, msg,
		    xp->lastError.int1);
	else
		snprintf(err, errlen, "%s: %s", what, msg);
}

static xmlXPathContextPtr
scrape_xpath_new(xmlDocPtr doc)
{
	xmlXPathContextPtr	 xp;

	if ((xp = xmlXPathNewContext(doc)) == NULL)
		return NULL;
	xp->error = scrape_error_cb;
	xp->opLimit = SCRAPE_OP_LIMIT;
	return xp;
}

/* Compiles every rule present into comp[]; item, title and link are
 * required. */
static int
scrape_compile(xmlXPathContextPtr xp, const struct scrape_rules *r,
    xmlXPathCompExprPtr *comp, char *err, size_t errlen)
{
	const char	*expr;
	char		 what[64];

	for (int i = 0; i < SCRAPE_NRULES; i++) {
		expr = scrape_rule_expr(r, i);
		if (expr == NULL || text_is_blank(expr)) {
			if (i <= SCRAPE_LINK) {
				snprintf(err, errlen, "rule %s missing",
				    scrape_rule_names[i]);
				return -1;
			}
			continue;
		}
		xmlResetError(&xp->lastError);
		comp[i] = xmlXPathCtxtCompile(xp, (const xmlChar *)expr);
		if (comp[i] == NULL) {
			snprintf(what, sizeof(what), "rule %s",
			    scrape_rule_names[i]);
			scrape_xpath_err(xp, what, err, errlen);
			return -1;
		}
	}
	return 0;
}

static void
scrape_free_comp(xmlXPathCompExprPtr *comp)
{
	for (int i = 0; i < SCRAPE_NRULES; i++) {
		xmlXPathFreeCompExpr(comp[i]);
		comp[i] = NULL;
	}
}

/* A small page the rules are tried on by scrape_check_rules(): libxml2
 * looks functions up only when it evaluates them. */
static const char scrape_probe_page[] =
    "<html><head><title>t</title></head><body><div class=\"item\">"
    "<h3><a href=\"/a\">t</a></h3><time datetime=\"2026-01-01\">"
    "1 January 2026</time><p>s</p></div></body></html>";

static int
scrape_try_rules(xmlXPathContextPtr xp, xmlXPathCompExprPtr *comp,
    char *err, size_t errlen)
{
	xmlXPathObjectPtr	 obj;
	xmlDocPtr		 doc;
	xmlNodePtr		 body;
	char			 what[64];
	int			 rc = 0;

	doc = htmlReadMemory(scrape_probe_page, sizeof(scrape_probe_page) - 1,
	    NULL, "UTF-8", HTML_PARSE_NONET | HTML_PARSE_NOERROR |
	    HTML_PARSE_NOWARNING);
	if (doc == NULL)
		return 0;
	xp->doc = doc;
	body = xmlDocGetRootElement(doc);
	for (int i = 0; i < SCRAPE_NRULES && rc == 0; i++) {
		if (comp[i] == NULL)
			continue;
		xmlResetError(&xp->lastError);
		xp->node = body;
		obj = xmlXPathCompiledEval(comp[i], xp);
		snprintf(what, sizeof(what), "rule %s", scrape_rule_names[i]);
		if (obj == NULL) {
			scrape_xpath_err(xp, what, err, errlen);
			rc = -1;
		} else if (i == SCRAPE_ITEM && obj->type != XPATH_NODESET) {
			snprintf(err, errlen, "%s: selects no elements", what);
			rc = -1;
		}
		xmlXPathFreeObject(obj);
	}
	xp->doc = NULL;
	xp->node = NULL;
	xmlFreeDoc(doc);
	return rc;
}

int
scrape_check_rules(const struct scrape_rules *r, char *err, size_t errlen)
{
	xmlXPathContextPtr	 xp;
	xmlXPathCompExprPtr	 comp[SCRAPE_NRULES] = { NULL };
	xmlGenericErrorFunc	 saved = xmlGenericError;
	void			*savedctx = xmlGenericErrorContext;
	int			 rc = -1;

	xmlSetGenericErrorFunc(NULL, scrape_generic_cb);
	if ((xp = scrape_xpath_new(NULL)) == NULL)
		snprintf(err, errlen, "cannot make an XPath context");
	else if (scrape_compile(xp, r, comp, err, errlen) == 0)
		rc = scrape_try_rules(xp, comp, err, errlen);
	scrape_free_comp(comp);
	if (xp != NULL)
		xmlXPathFreeContext(xp);
	xmlSetGenericErrorFunc(savedctx, saved);
	return rc;
}

/*
 * Encoding. WHATWG's rules in small: a BOM wins, then the charset of the
 * HTTP Content-Type, then a charset declared near the top (latin-1 and
 * ASCII mean windows-1252, a declared UTF-16 means UTF-8 since the bytes
 * were readable as ASCII), then UTF-8 if the bytes are valid UTF-8, else
 * windows-1252.
 */

/* The charset named by the first "charset=" in the page's first bytes
 * (<meta charset> or <meta http-equiv content>), into name. */
static bool
scrape_charset_declared(const char *buf, size_t len, char *name,
    size_t namelen)
{
	size_t	 n = len < SCRAPE_PRESCAN ? len : SCRAPE_PRESCAN;
	size_t	 i, j, k;

	for (i = 0; i + 7 <= n; i++) {
		if (strncasecmp(buf + i, "charset", 7) != 0)
			continue;
		j = i + 7;
		while (j < n && (buf[j] == ' ' || buf[j] == '\t'))
			j++;
		if (j >= n || buf[j] != '=')
			continue;
		j++;
		while (j < n && (buf[j] == ' ' || buf[j] == '\t' ||
		    buf[j] == '"' || buf[j] == '\''))
			j++;
		for (k = 0; j < n && k + 1 < namelen; j++, k++) {
			if (!((buf[j] >= 'a' && buf[j] <= 'z') ||
			    (buf[j] >= 'A' && buf[j] <= 'Z') ||
			    (buf[j] >= '0' && buf[j] <= '9') ||
			    (buf[j] != '\0' && strchr("-_.:", buf[j]) != NULL)))
				break;
			name[k] = buf[j];
		}
		name[k] = '\0';
		if (k > 0)
			return true;
	}
	return false;
}

static bool
scrape_charset_is(const char *name, const char *const *list)
{
	for (; *list != NULL; list++)
		if (strcasecmp(name, *list) == 0)
			return true;
	return false;
}

/* Whether iconv reads charset: a label it does not know in the HTTP
 * header is ignored, as browsers do, and the page's own then counts. */
static bool
scrape_charset_known(const char *charset)
{
	iconv_t	 cd;

	if ((cd = iconv_open("UTF-8", charset)) == (iconv_t)-1)
		return false;
	iconv_close(cd);
	return true;
}

/* Converts to UTF-8 with iconv, each byte it cannot read becoming
 * U+FFFD, then repairs into out. -1 if iconv does not know charset. */
static int
scrape_iconv(const char *charset, const char *buf, size_t len,
    struct buf *out)
{
	iconv_t	 cd;
	char	*in = (char *)buf, *conv, *o;
	size_t	 inleft = len, cap, oleft;

	if ((cd = iconv_open("UTF-8", charset)) == (iconv_t)-1)
		return -1;
	cap = len * 3 + 16;
	conv = xmalloc(cap);
	o = conv;
	oleft = cap;
	while (iconv(cd, &in, &inleft, &o, &oleft) == (size_t)-1) {
		int	 e = errno;

		if (e == E2BIG || oleft < 3) {
			size_t	 used = o - conv;

			cap *= 2;
			conv = xrealloc(conv, cap);
			o = conv + used;
			oleft = cap - used;
		}
		if (e == E2BIG)
			continue;
		memcpy(o, "\xef\xbf\xbd", 3);
		o += 3;
		oleft -= 3;
		if (e != EILSEQ || inleft == 0)
			break;		/* EINVAL: truncated at the end */
		in++;			/* EILSEQ: skip one byte */
		inleft--;
		iconv(cd, NULL, NULL, NULL, NULL);
	}
	iconv_close(cd);
	text_utf8_repair(out, conv, o - conv);
	free(conv);
	return 0;
}

/* Charset labels by what they mean here: latin-1 and ASCII are read as
 * windows-1252, Unicode ones as UTF-8 when a page names them (its bytes
 * were readable as ASCII), UTF-7 never. */
static const char *const scrape_latin[] = { "iso-8859-1", "iso8859-1",
    "iso_8859-1", "latin1", "latin-1", "l1", "us-ascii", "ascii", "cp819",
    "ibm819", "windows-1252", "cp1252", "x-cp1252", NULL };
static const char *const scrape_unicode[] = { "utf-8", "utf8",
    "unicode-1-1-utf-8", "utf-16", "utf-16le", "utf-16be", "utf-32",
    "utf-32le", "utf-32be", "ucs-2", NULL };
static const char *const scrape_utf7[] = { "utf-7", "utf7",
    "unicode-1-1-utf-7", "csunicode11utf7", NULL };

/*
 * The charset an HTTP Content-Type names, or NULL when it is of no use
 * and the page's own declaration should count: UTF-7 (it hides markup),
 * a label iconv does not know (a typo, "none"), or UTF-16 or UTF-32 on
 * a page without a NUL in its first bytes (ASCII markup is no UTF-16).
 */
static const char *
scrape_http_charset(const char *name, const char *buf, size_t len)
{
	if (scrape_charset_is(name, scrape_utf7))
		return NULL;
	if (scrape_charset_is(name, scrape_latin))
		return "WINDOWS-1252";
	if (strcasecmp(name, "utf-8") == 0 || strcasecmp(name, "utf8") == 0 ||
	    strcasecmp(name, "unicode-1-1-utf-8") == 0)
		return "UTF-8";
	if (scrape_charset_is(name, scrape_unicode))
		return memchr(buf, '\0', len < SCRAPE_PRESCAN ? len :
		    SCRAPE_PRESCAN) != NULL ? name : NULL;
	return scrape_charset_known(name) ? name : NULL;
}

/* The page as valid UTF-8 (without NUL and C0 controls) in out. */
static void
scrape_to_utf8(const char *buf, size_t len, const char *content_type,
    struct buf *out)
{
	const unsigned char	*u = (const unsigned char *)buf;
	char			 name[48];
	const char		*cs = NULL;

	if (len >= 3 && u[0] == 0xef && u[1] == 0xbb && u[2] == 0xbf) {
		buf += 3;
		len -= 3;
		cs = "UTF-8";
	} else if (len >= 2 && u[0] == 0xff && u[1] == 0xfe) {
		buf += 2;
		len -= 2;
		cs = "UTF-16LE";
	} else if (len >= 2 && u[0] == 0xfe && u[1] == 0xff) {
		buf += 2;
		len -= 2;
		cs = "UTF-16BE";
	} else if (content_type != NULL &&
	    scrape_charset_declared(content_type, strlen(content_type), name,
	    sizeof(name)) && (cs = scrape_http_charset(name, buf,
	    len)) != NULL) {
		/* The server's word comes before the page's, as in
		 * browsers, when it is a usable one. */
	} else if (scrape_charset_declared(buf, len, name, sizeof(name))) {
		/* UTF-7 is refused as browsers do: it hides markup. */
		if (scrape_charset_is(name, scrape_utf7))
			cs = NULL;
		else if (scrape_charset_is(name, scrape_latin))
			cs = "WINDOWS-1252";
		else if (scrape_charset_is(name, scrape_unicode))
			cs = "UTF-8";
		else
			cs = name;
	}
	if (cs == NULL)
		cs = text_utf8_valid_len(buf, len) == len ? "UTF-8" :
		    "WINDOWS-1252";
	if (strcmp(cs, "UTF-8") != 0) {
		if (scrape_iconv(cs, buf, len, out) == 0)
			return;
		/* A charset iconv does not know: guess as if undeclared. */
		if (text_utf8_valid_len(buf, len) != len &&
		    scrape_iconv("WINDOWS-1252", buf, len, out) == 0)
			return;
	}
	text_utf8_repair(out, buf, len);
}

/*
 * Text. A value is the XPath string value of the first node selected
 * (attributes give their value), except that script, style and template
 * contents are left out: in HTML they are code, not text. Whitespace runs
 * (ASCII and no-break space) collapse to one space and the ends are
 * trimmed. The walk is iterative and stops after SCRAPE_MAX_NODES nodes
 * or once enough text is collected, so deep or huge items cost little.
 */

static bool
scrape_node_skipped(xmlNodePtr n)
{
	static const char *const code[] = { "script", "style", "template",
	    NULL };

	if (n->type != XML_ELEMENT_NODE || n->name == NULL)
		return false;
	for (const char *const *p = code; *p != NULL; p++)
		if (xmlStrcasecmp(n->name, (const xmlChar *)*p) == 0)
			return true;
	return false;
}

/* Appends s but lets raw grow to limit bytes at most; the cut may split
 * a character, which scrape_text_end() takes back. */
static void
scrape_text_add(struct buf *raw, const xmlChar *s, size_t limit)
{
	if (s == NULL || raw->len >= limit)
		return;
	buf_add(raw, (const char *)s, strnlen((const char *)s,
	    limit - raw->len));
}

/* Drops a character cut in half at the end of raw. */
static void
scrape_text_end(struct buf *raw)
{
	if (raw->len == 0)
		return;
	raw->len = text_utf8_valid_len(raw->s, raw->len);
	raw->s[raw->len] = '\0';
}

static void
scrape_node_text(xmlNodePtr top, struct buf *raw, size_t limit)
{
	xmlNodePtr	 n = top;
	size_t		 visited = 0;

	switch (top->type) {
	case XML_TEXT_NODE:
	case XML_CDATA_SECTION_NODE:
	case XML_COMMENT_NODE:
	case XML_PI_NODE:
		scrape_text_add(raw, top->content, limit);
		return;
	case XML_ATTRIBUTE_NODE:
	case XML_ELEMENT_NODE:
	case XML_DOCUMENT_NODE:
	case XML_HTML_DOCUMENT_NODE:
	case XML_DOCUMENT_FRAG_NODE:
		break;
	default:
		return;
	}
	if (scrape_node_skipped(top))
		return;
	n = top->children;
	while (n != NULL && raw->len < limit && visited++ < SCRAPE_MAX_NODES) {
		if (n->type == XML_TEXT_NODE ||
		    n->type == XML_CDATA_SECTION_NODE)
			scrape_text_add(raw, n->content, limit);
		if (n->type == XML_ELEMENT_NODE && n->children != NULL &&
		    !scrape_node_skipped(n)) {
			n = n->children;
			continue;
		}
		while (n != NULL && n->next == NULL) {
			n = n->parent;
			if (n == top)
				n = NULL;
		}
		if (n != NULL)
			n = n->next;
	}
}

/* s collapsed and trimmed, cut to at most max bytes on a character
 * boundary; NULL when nothing is left. s is valid UTF-8. */
static char *
scrape_collapse(const char *s, size_t len, size_t max)
{
	struct buf	 out = { 0 };
	bool		 space = false;
	size_t		 i = 0, n;

	while (i < len && out.len < max + 1) {
		if (s[i] == ' ' || s[i] == '\t' || s[i] == '\n' ||
		    s[i] == '\r' || s[i] == '\f' || s[i] == '\v')
			n = 1;
		else if ((unsigned char)s[i] == 0xc2 && i + 1 < len &&
		    (unsigned char)s[i + 1] == 0xa0)
			n = 2;
		else
			n = 0;
		if (n > 0) {
			space = true;
			i += n;
			continue;
		}
		if (space && out.len > 0)
			buf_addc(&out, ' ');
		space = false;
		buf_addc(&out, s[i++]);
	}
	if (out.len > max) {
		n = max;
		while (n > 0 && ((unsigned char)out.s[n] & 0xc0) == 0x80)
			n--;
		out.len = n;
		while (out.len > 0 && out.s[out.len - 1] == ' ')
			out.len--;
		out.s[out.len] = '\0';
	}
	if (out.len == 0) {
		buf_free(&out);
		return NULL;
	}
	return buf_release(&out);
}

/* Is this an XPath error that means "this page costs too much"? */
static bool
scrape_over_budget(xmlXPathContextPtr xp)
{
	int	 code = scrape_xpath_code(xp);

	return code == XPATH_OP_LIMIT_EXCEEDED ||
	    code == XPATH_RECURSION_LIMIT_EXCEEDED ||
	    code == XPATH_MEMORY_ERROR;
}

/* The text of an XPath result: the first node of a node-set in document
 * order, or a string, number or boolean as XPath's string() writes it. */
static char *
scrape_object_text(struct scrape *s, xmlXPathObjectPtr obj, size_t max)
{
	size_t		 limit = max * 4 + 64;
	xmlChar		*str;

	buf_reset(&s->raw);
	if (obj->type == XPATH_NODESET) {
		if (obj->nodesetval == NULL || obj->nodesetval->nodeNr == 0)
			return NULL;
		xmlXPathNodeSetSort(obj->nodesetval);
		scrape_node_text(obj->nodesetval->nodeTab[0], &s->raw, limit);
	} else if ((str = xmlXPathCastToString(obj)) != NULL) {
		scrape_text_add(&s->raw, str, limit);
		xmlFree(str);
	}
	scrape_text_end(&s->raw);
	if (s->raw.len == 0)
		return NULL;
	return scrape_collapse(s->raw.s, s->raw.len, max);
}

/*
 * Evaluates rule which at node; *out is its text (free it) or NULL when
 * the rule selects nothing or only whitespace. -1 on an evaluation error
 * (message in err; s->exhausted when it was the step budget).
 */
static int
scrape_value(struct scrape *s, enum scrape_rule which, xmlNodePtr node,
    size_t max, char **out, char *err, size_t errlen)
{
	xmlXPathObjectPtr	 obj;
	char			 what[64];

	*out = NULL;
	if (s->comp[which] == NULL)
		return 0;
	xmlResetError(&s->xp->lastError);
	s->xp->node = node;
	if ((obj = xmlXPathCompiledEval(s->comp[which], s->xp)) == NULL) {
		if (scrape_over_budget(s->xp))
			s->exhausted = true;
		snprintf(what, sizeof(what), "rule %s",
		    scrape_rule_names[which]);
		scrape_xpath_err(s->xp, what, err, errlen);
		return -1;
	}
	*out = scrape_object_text(s, obj, max);
	xmlXPathFreeObject(obj);
	return 0;
}

/* A link's text made absolute against the page's base; NULL unless it is
 * an http(s) URL. In-page anchors ("#top") are no item's link. *key gets
 * the link's canonical form, which only an http(s) URL has: the one
 * canonicalisation both tells that and keys the duplicate check. */
static char *
scrape_resolve(struct scrape *s, const char *ref, char **key)
{
	char	*abs;

	*key = NULL;
	if (ref == NULL || ref[0] == '#')
		return NULL;
	if ((abs = url_resolve(s->base, ref)) == NULL)
		return NULL;
	if ((*key = url_canonical(abs)) == NULL) {
		free(abs);
		return NULL;
	}
	return abs;
}

static time_t
scrape_date(struct scrape *s, const char *text)
{
	time_t	 t = DATE_NONE;

	if (text == NULL)
		return DATE_NONE;
	if (s->rules->date_format != NULL && s->rules->date_format[0] != '\0')
		t = date_parse_format(text, s->rules->date_format);
	if (t == DATE_NONE)
		t = date_parse(text);
	if (t == DATE_NONE)
		s->nbaddate++;
	return t;
}

/*
 * One item element -> one entry, unless it has no link or no title (then
 * counted and skipped) or its link was seen before. -1 on an XPath
 * evaluation error.
 */
static int
scrape_item(struct scrape *s, xmlNodePtr item, char *err, size_t errlen)
{
	struct entry	*e;
	char		*title = NULL, *ref = NULL, *link = NULL, *key = NULL;
	char		*date = NULL, *summary = NULL;
	int		 rc = -1;

	/* One byte more than a link may have, to tell a cut one. */
	if (scrape_value(s, SCRAPE_LINK, item, SCRAPE_MAX_LINK + 1, &ref,
	    err, errlen) == -1)
		goto done;
	if (ref != NULL && strlen(ref) > SCRAPE_MAX_LINK) {
		free(ref);
		ref = NULL;
	}
	if ((link = scrape_resolve(s, ref, &key)) == NULL) {
		s->nnolink++;
		rc = 0;
		goto done;
	}
	if (scrape_value(s, SCRAPE_TITLE, item, SCRAPE_MAX_TITLE, &title,
	    err, errlen) == -1)
		goto done;
	if (title == NULL) {
		s->nnotitle++;
		rc = 0;
		goto done;
	}
	if (xmlHashLookup(s->seen, (const xmlChar *)key) != NULL) {
		s->ndup++;
		rc = 0;
		goto done;
	}
	if (scrape_value(s, SCRAPE_DATE, item, SCRAPE_MAX_DATE, &date,
	    err, errlen) == -1 ||
	    scrape_value(s, SCRAPE_SUMMARY, item, SCRAPE_MAX_SUMMARY, &summary,
	    err, errlen) == -1)
		goto done;
	xmlHashAddEntry(s->seen, (const xmlChar *)key, s);
	e = feed_add_entry(s->feed);
	e->id = feed_strdup(s->feed, link);
	e->link = e->id;
	e->title = feed_strdup(s->feed, title);
	e->title_type = TEXT_PLAIN;
	e->summary = feed_strdup(s->feed, summary);
	e->summary_type = TEXT_PLAIN;
	e->base = s->feed->link;
	e->lang = s->feed->lang;
	e->published = scrape_date(s, date);
	rc = 0;
done:
	free(title);
	free(ref);
	free(link);
	free(key);
	free(date);
	free(summary);
	return rc;
}

/* Text of the first node an internal (constant) XPath selects. */
static char *
scrape_doc_value(struct scrape *s, const char *expr, size_t max)
{
	xmlXPathObjectPtr	 obj;
	char			*v = NULL;

	s->xp->node = xmlDocGetRootElement(s->doc);
	obj = xmlXPathEval((const xmlChar *)expr, s->xp);
	if (obj == NULL)
		return NULL;
	v = scrape_object_text(s, obj, max);
	xmlXPathFreeObject(obj);
	return v;
}

/* Page-wide facts: title, language, base URL. */
static void
scrape_head(struct scrape *s)
{
	char	*v;

	v = scrape_doc_value(s, "(//title)[1]", SCRAPE_MAX_TITLE);
	s->feed->title = feed_strdup(s->feed, v);
	s->feed->title_type = TEXT_PLAIN;
	free(v);
	v = scrape_doc_value(s, "/html/@lang", 35);
	if (v != NULL && strchr(v, ' ') == NULL)
		s->feed->lang = feed_strdup(s->feed, v);
	free(v);
	v = scrape_doc_value(s, "(//base[@href])[1]/@href", SCRAPE_MAX_LINK);
	if (v != NULL)
		s->base = url_resolve(s->url, v);
	free(v);
	if (s->base != NULL && !url_is_http(s->base)) {
		/* <base href="javascript:..."> is no base for news links. */
		free(s->base);
		s->base = NULL;
	}
	if (s->base == NULL && s->url != NULL)
		s->base = xstrdup(s->url);
}

/* One line for the log when anything was dropped or looked wrong. */
static void
scrape_summarise(struct scrape *s)
{
	struct feed	*f = s->feed;
	char		 line[400], tail[80] = "";

	f->nskipped = s->nnolink + s->nnotitle + s->nover + s->nunread;
	if (s->exhausted)
		snprintf(tail, sizeof(tail), "; XPath step budget spent, "
		    "%zu items not read", s->nunread);
	if (s->nitems == 0)
		snprintf(line, sizeof(line), "rule item matched no element");
	else if (f->nskipped > 0 || s->nbaddate > 0 || s->exhausted)
		snprintf(line, sizeof(line), "%zu of %zu items kept: "
		    "%zu without link, %zu without title, %zu over the limit "
		    "of %d, %zu duplicate links, %zu unreadable dates%s",
		    f->nentries, s->nitems, s->nnolink, s->nnotitle, s->nover,
		    SCRAPE_MAX_ITEMS, s->ndup, s->nbaddate, tail);
	else
		return;
	f->bozo = true;
	f->bozo_reason = feed_strdup(f, line);
}

static void
scrape_free(struct scrape *s)
{
	scrape_free_comp(s->comp);
	if (s->xp != NULL)
		xmlXPathFreeContext(s->xp);
	if (s->doc != NULL)
		xmlFreeDoc(s->doc);
	if (s->seen != NULL)
		xmlHashFree(s->seen, NULL);
	free(s->base);
	buf_free(&s->raw);
	feed_free(s->feed);
}

struct feed *
scrape_page(const char *buf, size_t len, const char *url,
    const char *content_type, const struct scrape_rules *rules, char *err,
    size_t errlen)
{
	struct scrape		 s = { .rules = rules, .url = url };
	struct buf		 page = { 0 };
	const char		*text;
	size_t			 textlen;
	xmlXPathObjectPtr	 items = NULL;
	xmlNodeSetPtr		 ns;
	struct feed		*f;
	xmlGenericErrorFunc	 saved;
	void			*savedctx;
	int			 n;

	if (len > SCRAPE_MAX_PAGE) {
		snprintf(err, errlen, "page too large (%zu bytes)", len);
		return NULL;
	}
	saved = xmlGenericError;
	savedctx = xmlGenericErrorContext;
	xmlSetGenericErrorFunc(NULL, scrape_generic_cb);
	if ((s.xp = scrape_xpath_new(NULL)) == NULL) {
		snprintf(err, errlen, "cannot make an XPath context");
		goto fail;
	}
	if (scrape_compile(s.xp, rules, s.comp, err, errlen) == -1)
		goto fail;

	scrape_to_utf8(buf, len, content_type, &page);
	text = page.s;
	textlen = page.len;
	text_trim(&text, &textlen);
	if (textlen == 0) {
		snprintf(err, errlen, "empty page");
		goto fail;
	}
	s.doc = htmlReadMemory(text, (int)textlen, url, "UTF-8",
	    HTML_PARSE_RECOVER | HTML_PARSE_NONET | HTML_PARSE_NOERROR |
	    HTML_PARSE_NOWARNING | HTML_PARSE_IGNORE_ENC);
	if (s.doc == NULL || xmlDocGetRootElement(s.doc) == NULL) {
		snprintf(err, errlen, "not an HTML page");
		goto fail;
	}
	/* Document order in O(1) per comparison when node-sets are sorted. */
	xmlXPathOrderDocElems(s.doc);
	s.xp->doc = s.doc;
	s.feed = feed_new();
	s.feed->format = FEED_HTML;
	s.feed->link = feed_strdup(s.feed, url);
	s.seen = xmlHashCreate(64);
	scrape_head(&s);

	xmlResetError(&s.xp->lastError);
	s.xp->node = xmlDocGetRootElement(s.doc);
	if ((items = xmlXPathCompiledEval(s.comp[SCRAPE_ITEM], s.xp)) == NULL) {
		scrape_xpath_err(s.xp, "rule item", err, errlen);
		goto fail;
	}
	if (items->type != XPATH_NODESET) {
		snprintf(err, errlen, "rule item: selects no elements");
		goto fail;
	}
	ns = items->nodesetval;
	n = ns != NULL ? ns->nodeNr : 0;
	if (n > 0)
		xmlXPathNodeSetSort(ns);
	for (int i = 0; i < n; i++) {
		/* Items are elements: "//namespace::*" or "//text()" give
		 * nodes that are no item (namespace nodes are not even
		 * xmlNodes). */
		if (ns->nodeTab[i]->type != XML_ELEMENT_NODE)
			continue;
		if (s.nitems++ >= SCRAPE_MAX_ITEMS) {
			s.nover++;
			continue;
		}
		if (s.exhausted) {
			s.nunread++;
			continue;
		}
		if (scrape_item(&s, ns->nodeTab[i], err, errlen) == -1) {
			if (!s.exhausted)
				goto fail;
			/* Over the step budget we keep what we have. */
			s.nunread++;
		}
	}
	scrape_summarise(&s);
	xmlXPathFreeObject(items);
	f = s.feed;
	s.feed = NULL;
	scrape_free(&s);
	buf_free(&page);
	xmlSetGenericErrorFunc(savedctx, saved);
	return f;
fail:
	xmlXPathFreeObject(items);
	scrape_free(&s);
	buf_free(&page);
	xmlSetGenericErrorFunc(savedctx, saved);
	return NULL;
}
