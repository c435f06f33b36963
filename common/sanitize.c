/*
 * HTML sanitiser and HTML-to-text. Both read untrusted fragments with
 * libxml2's HTML parser, so what counts as a tag, a comment or an entity
 * is decided in one place, the way a browser-like parser decides it, and
 * never by pattern matching on the source.
 *
 * sanitize_html builds the tree and writes back only what the allowlist
 * below names: an element is kept, dropped with its content, or (when
 * unknown) unwrapped, its content kept. Attributes are checked by kind;
 * URLs must end up http, https or mailto. The invariant: the output is
 * well-formed XML in which every element and attribute is on the list
 * and every URL attribute is absolute http(s) or mailto.
 *
 * Why a reader re-parsing the output (an HTML5 parser, not libxml2's
 * HTML 4 one) cannot find a script in it: nothing we write switches an
 * HTML5 tokenizer out of its data state. No raw-text or escapable
 * raw-text element (script, style, textarea, title, xmp, iframe,
 * noscript, plaintext), no foreign content (svg, math), no comment, no
 * CDATA is ever written, and every '<', '>', '&' and '"' of text and
 * attribute values is escaped. Where the two parsers build different
 * trees (a <b> in a <table> is foster-parented), they move allowlisted
 * elements around, nothing more.
 *
 * sanitize_text runs the same parser in SAX mode and only collects
 * character data, skipping the content of dropped elements; input with
 * neither '<' nor '&' never reaches the parser at all.
 */

#include "sanitize.h"

#include <ctype.h>
#include <limits.h>
#include <stdbool.h>
#include <stdlib.h>
#include <string.h>

#include <libxml/HTMLparser.h>
#include <libxml/parserInternals.h>
#include <libxml/tree.h>
#include <libxml/xmlerror.h>
#include <libxml/xmlstring.h>

#include "text.h"
#include "url.h"
#include "xmalloc.h"

/*
 * Deepest element nesting written out; deeper allowed elements are
 * unwrapped (their text stays). Bounds the output's depth whatever the
 * parser builds, and the stack the walk keeps.
 */
#define SANITIZE_MAXDEPTH	64

#define SANITIZE_OPTIONS	(HTML_PARSE_RECOVER | HTML_PARSE_NONET | \
	HTML_PARSE_NOERROR | HTML_PARSE_NOWARNING | HTML_PARSE_IGNORE_ENC | \
	HTML_PARSE_NODEFDTD | HTML_PARSE_COMPACT)

/* What sanitize_html does with an element. */
enum sanitize_keep {
	SANITIZE_UNWRAP,	/* not listed: drop the tag, keep the content */
	SANITIZE_KEEP,		/* write it with its allowed attributes */
	SANITIZE_VOID,		/* kept, never has content: <br /> */
	SANITIZE_DROP		/* dropped with everything inside */
};

/* What sanitize_text does around an element. */
enum sanitize_flow {
	SANITIZE_INLINE,	/* nothing: <b>x</b>y is "xy" */
	SANITIZE_SPACE,		/* a space: table cells, images */
	SANITIZE_BREAK,		/* a line break: paragraphs, <br> */
	SANITIZE_SKIP		/* content is not text: script, style */
};

struct sanitize_tag {
	const char	*name;
	unsigned char	 keep;		/* enum sanitize_keep */
	unsigned char	 flow;		/* enum sanitize_flow */
	const char	*attrs;		/* allowed beyond title, lang, dir */
};

/*
 * Elements void in HTML5 that we do not keep. libxml2 follows HTML 4 and
 * nests what comes after an <embed> or <source> inside it, so dropping
 * them with their "content" would lose the text that follows; unwrapping
 * keeps it. The real void ones (input, meta) have no children anyway.
 */
#define SANITIZE_VOIDDROP	SANITIZE_UNWRAP, SANITIZE_INLINE

/* Sorted by name: looked up with bsearch(). */
static const struct sanitize_tag sanitize_tags[] = {
	{ "a",		SANITIZE_KEEP,	SANITIZE_INLINE, "href" },
	{ "abbr",	SANITIZE_KEEP,	SANITIZE_INLINE, NULL },
	{ "acronym",	SANITIZE_KEEP,	SANITIZE_INLINE, NULL },
	{ "address",	SANITIZE_KEEP,	SANITIZE_BREAK, NULL },
	{ "applet",	SANITIZE_DROP,	SANITIZE_SKIP, NULL },
	{ "area",	SANITIZE_VOIDDROP, NULL },
	{ "article",	SANITIZE_KEEP,	SANITIZE_BREAK, NULL },
	{ "aside",	SANITIZE_KEEP,	SANITIZE_BREAK, NULL },
	{ "audio",	SANITIZE_DROP,	SANITIZE_SKIP, NULL },
	{ "b",		SANITIZE_KEEP,	SANITIZE_INLINE, NULL },
	{ "base",	SANITIZE_VOIDDROP, NULL },
	{ "basefont",	SANITIZE_VOIDDROP, NULL },
	{ "bdi",	SANITIZE_KEEP,	SANITIZE_INLINE, NULL },
	{ "bdo",	SANITIZE_KEEP,	SANITIZE_INLINE, NULL },
	{ "bgsound",	SANITIZE_VOIDDROP, NULL },
	{ "big",	SANITIZE_KEEP,	SANITIZE_INLINE, NULL },
	{ "blockquote",	SANITIZE_KEEP,	SANITIZE_BREAK, "cite" },
	{ "br",		SANITIZE_VOID,	SANITIZE_BREAK, NULL },
	{ "button",	SANITIZE_DROP,	SANITIZE_SKIP, NULL },
	{ "canvas",	SANITIZE_DROP,	SANITIZE_SKIP, NULL },
	{ "caption",	SANITIZE_KEEP,	SANITIZE_BREAK, NULL },
	{ "center",	SANITIZE_UNWRAP, SANITIZE_BREAK, NULL },
	{ "cite",	SANITIZE_KEEP,	SANITIZE_INLINE, NULL },
	{ "code",	SANITIZE_KEEP,	SANITIZE_INLINE, NULL },
	{ "col",	SANITIZE_VOID,	SANITIZE_INLINE, "span" },
	{ "colgroup",	SANITIZE_KEEP,	SANITIZE_INLINE, "span" },
	{ "datalist",	SANITIZE_DROP,	SANITIZE_SKIP, NULL },
	{ "dd",		SANITIZE_KEEP,	SANITIZE_BREAK, NULL },
	{ "del",	SANITIZE_KEEP,	SANITIZE_INLINE, "cite datetime" },
	{ "details",	SANITIZE_KEEP,	SANITIZE_BREAK, NULL },
	{ "dfn",	SANITIZE_KEEP,	SANITIZE_INLINE, NULL },
	{ "dialog",	SANITIZE_DROP,	SANITIZE_SKIP, NULL },
	{ "div",	SANITIZE_KEEP,	SANITIZE_BREAK, NULL },
	{ "dl",		SANITIZE_KEEP,	SANITIZE_BREAK, NULL },
	{ "dt",		SANITIZE_KEEP,	SANITIZE_BREAK, NULL },
	{ "em",		SANITIZE_KEEP,	SANITIZE_INLINE, NULL },
	{ "embed",	SANITIZE_VOIDDROP, NULL },
	{ "fieldset",	SANITIZE_UNWRAP, SANITIZE_BREAK, NULL },
	{ "figcaption",	SANITIZE_KEEP,	SANITIZE_BREAK, NULL },
	{ "figure",	SANITIZE_KEEP,	SANITIZE_BREAK, NULL },
	{ "footer",	SANITIZE_KEEP,	SANITIZE_BREAK, NULL },
	{ "form",	SANITIZE_DROP,	SANITIZE_SKIP, NULL },
	{ "frame",	SANITIZE_VOIDDROP, NULL },
	{ "frameset",	SANITIZE_DROP,	SANITIZE_SKIP, NULL },
	{ "h1",		SANITIZE_KEEP,	SANITIZE_BREAK, NULL },
	{ "h2",		SANITIZE_KEEP,	SANITIZE_BREAK, NULL },
	{ "h3",		SANITIZE_KEEP,	SANITIZE_BREAK, NULL },
	{ "h4",		SANITIZE_KEEP,	SANITIZE_BREAK, NULL },
	{ "h5",		SANITIZE_KEEP,	SANITIZE_BREAK, NULL },
	{ "h6",		SANITIZE_KEEP,	SANITIZE_BREAK, NULL },
	{ "head",	SANITIZE_DROP,	SANITIZE_SKIP, NULL },
	{ "header",	SANITIZE_KEEP,	SANITIZE_BREAK, NULL },
	{ "hgroup",	SANITIZE_KEEP,	SANITIZE_BREAK, NULL },
	{ "hr",		SANITIZE_VOID,	SANITIZE_BREAK, NULL },
	{ "i",		SANITIZE_KEEP,	SANITIZE_INLINE, NULL },
	{ "iframe",	SANITIZE_DROP,	SANITIZE_SKIP, NULL },
	{ "ilayer",	SANITIZE_DROP,	SANITIZE_SKIP, NULL },
	{ "img",	SANITIZE_VOID,	SANITIZE_SPACE, "src alt width height" },
	{ "input",	SANITIZE_VOIDDROP, NULL },
	{ "ins",	SANITIZE_KEEP,	SANITIZE_INLINE, "cite datetime" },
	{ "isindex",	SANITIZE_VOIDDROP, NULL },
	{ "kbd",	SANITIZE_KEEP,	SANITIZE_INLINE, NULL },
	{ "keygen",	SANITIZE_VOIDDROP, NULL },
	{ "layer",	SANITIZE_DROP,	SANITIZE_SKIP, NULL },
	{ "li",		SANITIZE_KEEP,	SANITIZE_BREAK, "value" },
	{ "link",	SANITIZE_VOIDDROP, NULL },
	{ "main",	SANITIZE_KEEP,	SANITIZE_BREAK, NULL },
	{ "map",	SANITIZE_DROP,	SANITIZE_SKIP, NULL },
	{ "mark",	SANITIZE_KEEP,	SANITIZE_INLINE, NULL },
	{ "math",	SANITIZE_DROP,	SANITIZE_SKIP, NULL },
	{ "menu",	SANITIZE_DROP,	SANITIZE_SKIP, NULL },
	{ "meta",	SANITIZE_VOIDDROP, NULL },
	{ "nav",	SANITIZE_KEEP,	SANITIZE_BREAK, NULL },
	{ "noembed",	SANITIZE_DROP,	SANITIZE_SKIP, NULL },
	{ "noframes",	SANITIZE_DROP,	SANITIZE_SKIP, NULL },
	{ "noscript",	SANITIZE_DROP,	SANITIZE_SKIP, NULL },
	{ "object",	SANITIZE_DROP,	SANITIZE_SKIP, NULL },
	{ "ol",		SANITIZE_KEEP,	SANITIZE_BREAK, "start type" },
	{ "optgroup",	SANITIZE_DROP,	SANITIZE_SKIP, NULL },
	{ "option",	SANITIZE_DROP,	SANITIZE_SKIP, NULL },
	{ "p",		SANITIZE_KEEP,	SANITIZE_BREAK, NULL },
	{ "param",	SANITIZE_VOIDDROP, NULL },
	{ "picture",	SANITIZE_UNWRAP, SANITIZE_INLINE, NULL },
	{ "plaintext",	SANITIZE_UNWRAP, SANITIZE_BREAK, NULL },
	{ "portal",	SANITIZE_DROP,	SANITIZE_SKIP, NULL },
	{ "pre",	SANITIZE_KEEP,	SANITIZE_BREAK, NULL },
	{ "q",		SANITIZE_KEEP,	SANITIZE_INLINE, "cite" },
	{ "rp",		SANITIZE_KEEP,	SANITIZE_INLINE, NULL },
	{ "rt",		SANITIZE_KEEP,	SANITIZE_INLINE, NULL },
	{ "ruby",	SANITIZE_KEEP,	SANITIZE_INLINE, NULL },
	{ "s",		SANITIZE_KEEP,	SANITIZE_INLINE, NULL },
	{ "samp",	SANITIZE_KEEP,	SANITIZE_INLINE, NULL },
	{ "script",	SANITIZE_DROP,	SANITIZE_SKIP, NULL },
	{ "section",	SANITIZE_KEEP,	SANITIZE_BREAK, NULL },
	{ "select",	SANITIZE_DROP,	SANITIZE_SKIP, NULL },
	{ "slot",	SANITIZE_DROP,	SANITIZE_SKIP, NULL },
	{ "small",	SANITIZE_KEEP,	SANITIZE_INLINE, NULL },
	{ "source",	SANITIZE_VOIDDROP, NULL },
	{ "span",	SANITIZE_KEEP,	SANITIZE_INLINE, NULL },
	{ "strike",	SANITIZE_KEEP,	SANITIZE_INLINE, NULL },
	{ "strong",	SANITIZE_KEEP,	SANITIZE_INLINE, NULL },
	{ "style",	SANITIZE_DROP,	SANITIZE_SKIP, NULL },
	{ "sub",	SANITIZE_KEEP,	SANITIZE_INLINE, NULL },
	{ "summary",	SANITIZE_KEEP,	SANITIZE_BREAK, NULL },
	{ "sup",	SANITIZE_KEEP,	SANITIZE_INLINE, NULL },
	{ "svg",	SANITIZE_DROP,	SANITIZE_SKIP, NULL },
	{ "table",	SANITIZE_KEEP,	SANITIZE_BREAK, NULL },
	{ "tbody",	SANITIZE_KEEP,	SANITIZE_INLINE, NULL },
	{ "td",		SANITIZE_KEEP,	SANITIZE_SPACE, "colspan rowspan headers" },
	{ "template",	SANITIZE_DROP,	SANITIZE_SKIP, NULL },
	{ "textarea",	SANITIZE_DROP,	SANITIZE_SKIP, NULL },
	{ "tfoot",	SANITIZE_KEEP,	SANITIZE_INLINE, NULL },
	{ "th",		SANITIZE_KEEP,	SANITIZE_SPACE,
	    "colspan rowspan headers scope abbr" },
	{ "thead",	SANITIZE_KEEP,	SANITIZE_INLINE, NULL },
	{ "time",	SANITIZE_KEEP,	SANITIZE_INLINE, "datetime" },
	{ "title",	SANITIZE_DROP,	SANITIZE_SKIP, NULL },
	{ "tr",		SANITIZE_KEEP,	SANITIZE_BREAK, NULL },
	{ "track",	SANITIZE_VOIDDROP, NULL },
	{ "tt",		SANITIZE_KEEP,	SANITIZE_INLINE, NULL },
	{ "u",		SANITIZE_KEEP,	SANITIZE_INLINE, NULL },
	{ "ul",		SANITIZE_KEEP,	SANITIZE_BREAK, NULL },
	{ "var",	SANITIZE_KEEP,	SANITIZE_INLINE, NULL },
	{ "video",	SANITIZE_DROP,	SANITIZE_SKIP, NULL },
	{ "wbr",	SANITIZE_VOID,	SANITIZE_INLINE, NULL },
	{ "xml",	SANITIZE_DROP,	SANITIZE_SKIP, NULL },
	{ "xmp",	SANITIZE_UNWRAP, SANITIZE_BREAK, NULL }
};

/* How an attribute's value is checked. */
enum sanitize_kind {
	SANITIZE_TEXT,		/* any text */
	SANITIZE_URL,		/* http, https or mailto, made absolute */
	SANITIZE_NUMBER,	/* 1 to 4 digits */
	SANITIZE_WORD		/* one of the words in values, any case */
};

struct sanitize_attr {
	const char	*name;
	unsigned char	 kind;		/* enum sanitize_kind */
	const char	*values;	/* SANITIZE_WORD only */
};

/* Every attribute that may pass. A bit per entry tracks duplicates. */
static const struct sanitize_attr sanitize_attrs[] = {
	{ "abbr",	SANITIZE_TEXT,	NULL },
	{ "alt",	SANITIZE_TEXT,	NULL },
	{ "cite",	SANITIZE_URL,	NULL },
	{ "colspan",	SANITIZE_NUMBER, NULL },
	{ "datetime",	SANITIZE_TEXT,	NULL },
	{ "dir",	SANITIZE_WORD,	"ltr rtl auto" },
	{ "headers",	SANITIZE_TEXT,	NULL },
	{ "height",	SANITIZE_NUMBER, NULL },
	{ "href",	SANITIZE_URL,	NULL },
	{ "lang",	SANITIZE_TEXT,	NULL },
	{ "rowspan",	SANITIZE_NUMBER, NULL },
	{ "scope",	SANITIZE_WORD,	"row col rowgroup colgroup" },
	{ "span",	SANITIZE_NUMBER, NULL },
	{ "src",	SANITIZE_URL,	NULL },
	{ "start",	SANITIZE_NUMBER, NULL },
	{ "title",	SANITIZE_TEXT,	NULL },
	{ "type",	SANITIZE_WORD,	"1 a i" },
	{ "value",	SANITIZE_NUMBER, NULL },
	{ "width",	SANITIZE_NUMBER, NULL }
};

#define SANITIZE_GLOBAL_ATTRS	"title lang dir"

/* The walk over the tree in sanitize_html. */
struct sanitize_walk {
	struct buf	 out;
	struct buf	 attrs;		/* one element's attributes */
	const char	*base;
	xmlNode		*open[SANITIZE_MAXDEPTH];	/* written, unclosed */
	size_t		 nopen;
};

/* Text being collected by sanitize_text. */
struct sanitize_text {
	struct buf	 out;
	int		 pending;	/* SANITIZE_SPACE or _BREAK owed */
	bool		 oneline;
	unsigned long	 depth;		/* elements open */
	unsigned long	 skip;		/* depth of the skipped element, or 0 */
};

static int
sanitize_tag_cmp(const void *key, const void *elem)
{
	const struct sanitize_tag	*t = elem;

	return strcmp(key, t->name);
}

static const struct sanitize_tag *
sanitize_tag_find(const xmlChar *name)
{
	if (name == NULL)
		return NULL;
	return bsearch(name, sanitize_tags,
	    sizeof(sanitize_tags) / sizeof(sanitize_tags[0]),
	    sizeof(sanitize_tags[0]), sanitize_tag_cmp);
}

/* Whether word occurs in the space-separated list (NULL is empty). */
static bool
sanitize_word_in(const char *list, const char *word, bool icase)
{
	size_t		 n = strlen(word), m;
	const char	*p = list;

	if (p == NULL || n == 0)
		return false;
	while (*p != '\0') {
		m = strcspn(p, " ");
		if (m == n && (icase ? strncasecmp(p, word, n) :
		    strncmp(p, word, n)) == 0)
			return true;
		p += m;
		p += strspn(p, " ");
	}
	return false;
}

/*
 * Appends s to out as XML character data, escaped for text or for a
 * double-quoted attribute. Bytes that are not valid UTF-8 and characters
 * XML forbids (C0 controls but tab, LF and CR, U+FFFE, U+FFFF) are left
 * out.
 */
static void
sanitize_escape(struct buf *out, const char *s, size_t len, bool attr)
{
	const unsigned char	*p = (const unsigned char *)s;
	size_t			 i = 0, run = 0;
	int			 c, n;

	while (i < len) {
		const char	*rep = NULL;

		c = p[i];
		n = 1;
		if (c >= 0x80) {
			n = (int)(len - i > 4 ? 4 : len - i);
			c = xmlGetUTF8Char(p + i, &n);
			if (c < 0) {
				n = 1;
				rep = "";
			} else if (c == 0xfffe || c == 0xffff)
				rep = "";
		} else if (c == '&')
			rep = "&amp;";
		else if (c == '<')
			rep = "&lt;";
		else if (c == '>')
			rep = "&gt;";
		else if (c == '"' && attr)
			rep = "&quot;";
		else if (attr && (c == '\t' || c == '\n' || c == '\r'))
			rep = " ";
		else if (c < 0x20 && c != '\t' && c != '\n' && c != '\r')
			rep = "";
		if (rep != NULL) {
			buf_add(out, s + run, i - run);
			buf_adds(out, rep);
			run = i + n;
		}
		i += n;
	}
	buf_add(out, s + run, len - run);
}

/* Whether the text starts with a URL scheme and, if so, its length. */
static size_t
sanitize_url_scheme(const char *s)
{
	size_t	i;

	if (!((*s >= 'a' && *s <= 'z') || (*s >= 'A' && *s <= 'Z')))
		return 0;
	for (i = 1; s[i] != '\0'; i++) {
		if (s[i] == ':')
			return i;
		if (!((s[i] >= 'a' && s[i] <= 'z') ||
		    (s[i] >= 'A' && s[i] <= 'Z') ||
		    (s[i] >= '0' && s[i] <= '9') ||
		    s[i] == '+' || s[i] == '-' || s[i] == '.'))
			return 0;
	}
	return 0;
}

/*
 * A URL attribute's value made safe, or NULL to drop it. Spaces and
 * controls around it, and tabs and newlines inside it, go first, as a
 * browser would drop them ("java\tscript:" is javascript:). Then only
 * http, https and mailto pass; anything else with a colon before the
 * first '/', '?' or '#' is taken for a scheme and refused; the rest is
 * relative and resolved against base.
 */
static char *
sanitize_url(const char *value, const char *base)
{
	struct buf	 b = { 0 };
	const char	*p = value, *e;
	char		*abs = NULL;
	size_t		 i, n;

	while (*p != '\0' && (unsigned char)*p <= 0x20)
		p++;
	e = p + strlen(p);
	while (e > p && (unsigned char)e[-1] <= 0x20)
		e--;
	for (; p < e; p++)
		if (*p != '\t' && *p != '\n' && *p != '\r')
			buf_addc(&b, *p);
	if (b.len == 0)
		goto done;
	if ((n = sanitize_url_scheme(b.s)) > 0) {
		for (i = 0; i < n; i++)
			b.s[i] = tolower((unsigned char)b.s[i]);
		if (n == 6 && strncmp(b.s, "mailto", 6) == 0) {
			abs = buf_release(&b);
			goto done;
		}
		if ((n == 4 && strncmp(b.s, "http", 4) == 0) ||
		    (n == 5 && strncmp(b.s, "https", 5) == 0))
			abs = url_resolve(NULL, b.s);
	} else if (b.s[strcspn(b.s, ":/?#")] != ':' && base != NULL)
		abs = url_resolve(base, b.s);
	if (abs != NULL && !url_is_http(abs)) {
		free(abs);
		abs = NULL;
	}
done:
	buf_free(&b);
	return abs;
}

/*
 * Writes the allowed attributes of element n (tag t) into w->attrs, each
 * as ' name="value"'. Returns false when the element is not worth
 * keeping without an attribute that was refused (an <img> with no src).
 */
static bool
sanitize_put_attrs(struct sanitize_walk *w, xmlNode *n,
    const struct sanitize_tag *t)
{
	const struct sanitize_attr	*sa;
	xmlAttr				*a;
	char				*v, *url;
	xmlChar				*xv;
	unsigned long			 seen = 0;
	size_t				 i, k;
	bool				 has_src = false, has_href = false;
	int				 tiny = 0;

	buf_reset(&w->attrs);
	for (a = n->properties; a != NULL; a = a->next) {
		if (a->name == NULL || (a->ns != NULL))
			continue;
		if (!sanitize_word_in(t->attrs, (const char *)a->name, false) &&
		    !sanitize_word_in(SANITIZE_GLOBAL_ATTRS,
		    (const char *)a->name, false))
			continue;
		sa = NULL;
		for (i = 0; i < sizeof(sanitize_attrs) /
		    sizeof(sanitize_attrs[0]); i++)
			if (strcmp(sanitize_attrs[i].name,
			    (const char *)a->name) == 0) {
				sa = &sanitize_attrs[i];
				break;
			}
		if (sa == NULL || (seen & (1UL << i)))
			continue;
		/* The value as written, entities decoded. */
		if ((xv = xmlNodeGetContent((xmlNode *)a)) == NULL)
			continue;
		v = (char *)xv;
		url = NULL;
		switch (sa->kind) {
		case SANITIZE_URL:
			url = sanitize_url(v, w->base);
			break;
		case SANITIZE_NUMBER:
			k = strspn(v, "0123456789");
			if (k == 0 || k > 4 || v[k] != '\0')
				goto next;
			if (strcmp(sa->name, "width") == 0 ||
			    strcmp(sa->name, "height") == 0)
				tiny += atoi(v) <= 1;
			break;
		case SANITIZE_WORD:
			if (!sanitize_word_in(sa->values, v, true))
				goto next;
			break;
		default:
			break;
		}
		if (sa->kind == SANITIZE_URL && url == NULL)
			goto next;
		seen |= 1UL << i;
		if (strcmp(sa->name, "src") == 0)
			has_src = true;
		if (strcmp(sa->name, "href") == 0)
			has_href = true;
		buf_addc(&w->attrs, ' ');
		buf_adds(&w->attrs, sa->name);
		buf_adds(&w->attrs, "=\"");
		if (url != NULL)
			sanitize_escape(&w->attrs, url, strlen(url), true);
		else
			sanitize_escape(&w->attrs, v, strlen(v), true);
		buf_addc(&w->attrs, '"');
next:
		free(url);
		xmlFree(xv);
	}
	/* An image without a source shows nothing; one 1x1 pixel big is
	 * there to tell its owner who reads what. */
	if (strcmp(t->name, "img") == 0 && (!has_src || tiny == 2))
		return false;
	if (strcmp(t->name, "a") == 0 && !has_href)
		return false;
	return true;
}

/* Writes a start tag with the attributes collected in w->attrs. */
static void
sanitize_put_tag(struct sanitize_walk *w, const char *name, const char *end)
{
	buf_addc(&w->out, '<');
	buf_adds(&w->out, name);
	buf_add(&w->out, w->attrs.s != NULL ? w->attrs.s : "", w->attrs.len);
	buf_adds(&w->out, end);
}

/*
 * Writes element n's start tag if the allowlist keeps it; returns true
 * when its children are to be walked.
 */
static bool
sanitize_enter(struct sanitize_walk *w, xmlNode *n)
{
	const struct sanitize_tag	*t;
	bool				 keep;

	t = sanitize_tag_find(n->name);
	if (t != NULL && t->keep == SANITIZE_DROP)
		return false;
	if (t == NULL || t->keep == SANITIZE_UNWRAP)
		return true;
	keep = sanitize_put_attrs(w, n, t);
	if (t->keep == SANITIZE_VOID) {
		/* Content of an element that has none (the parser nests
		 * what follows an unknown-to-it <wbr> inside it) goes after. */
		if (keep)
			sanitize_put_tag(w, t->name, " />");
		return true;
	}
	if (keep && w->nopen < SANITIZE_MAXDEPTH) {
		sanitize_put_tag(w, t->name, ">");
		w->open[w->nopen++] = n;
	}
	return true;
}

/* Closes n if its start tag was written. */
static void
sanitize_leave(struct sanitize_walk *w, xmlNode *n)
{
	if (w->nopen > 0 && w->open[w->nopen - 1] == n) {
		buf_add(&w->out, "</", 2);
		buf_adds(&w->out, (const char *)n->name);
		buf_addc(&w->out, '>');
		w->nopen--;
	}
}

/* Walks the tree below top without recursion: nesting depth is the
 * attacker's to choose. */
static void
sanitize_walk_tree(struct sanitize_walk *w, xmlNode *top)
{
	xmlNode	*n = top->children;
	bool	 down;

	while (n != NULL) {
		down = false;
		switch (n->type) {
		case XML_TEXT_NODE:
		case XML_CDATA_SECTION_NODE:
			if (n->content != NULL)
				sanitize_escape(&w->out,
				    (const char *)n->content,
				    strlen((const char *)n->content), false);
			break;
		case XML_ELEMENT_NODE:
			down = sanitize_enter(w, n) && n->children != NULL;
			break;
		default:		/* comments, PIs, DTDs */
			break;
		}
		if (down) {
			n = n->children;
			continue;
		}
		/* Leave n, then every ancestor it was the last child of. */
		for (;;) {
			if (n->type == XML_ELEMENT_NODE)
				sanitize_leave(w, n);
			if (n->next != NULL) {
				n = n->next;
				break;
			}
			n = n->parent;
			if (n == NULL || n == top) {
				n = NULL;
				break;
			}
		}
	}
}

/*
 * Removes the markers of CDATA sections from b (after offset from),
 * keeping their content. HTML has no CDATA outside SVG and MathML, yet
 * feeds that wrap their HTML twice deliver "<![CDATA[<p>...]]>" as the
 * HTML; a browser would see a bogus comment and lose the text. The
 * content is then parsed as HTML like the rest, so nothing it holds gets
 * past the allowlist.
 */
static void
sanitize_uncdata(struct buf *b, size_t from)
{
	static const char	 open[] = "<![CDATA[", close[] = "]]>";
	char			*p, *q, *end, *w;

	if (b->s == NULL || (p = memmem(b->s + from, b->len - from,
	    open, sizeof(open) - 1)) == NULL)
		return;
	w = p;
	end = b->s + b->len;
	while (p != NULL) {
		p += sizeof(open) - 1;
		q = memmem(p, end - p, close, sizeof(close) - 1);
		if (q == NULL)
			q = end;
		memmove(w, p, q - p);
		w += q - p;
		p = q == end ? q : q + sizeof(close) - 1;
		q = memmem(p, end - p, open, sizeof(open) - 1);
		if (q == NULL)
			q = end;
		memmove(w, p, q - p);
		w += q - p;
		p = q == end ? NULL : q;
	}
	b->len = w - b->s;
	b->s[b->len] = '\0';
}

/*
 * The input as valid UTF-8 without NUL and stray controls, after prefix.
 * libxml2 would otherwise take the first invalid byte as a sign of
 * Latin-1 and garble the rest.
 */
static void
sanitize_prepare(struct buf *b, const char *prefix, const char *s,
    size_t len)
{
	buf_adds(b, prefix);
	text_utf8_repair(b, s, len);
	sanitize_uncdata(b, strlen(prefix));
}

char *
sanitize_html(const char *html, size_t len, const char *base_url)
{
	struct sanitize_walk	 w;
	struct buf		 in = { 0 };
	htmlDocPtr		 doc;

	if (html == NULL || len == 0)
		return xstrdup("");
	memset(&w, 0, sizeof(w));
	w.base = base_url;
	/*
	 * Inside an open <body>, text at the start is not wrapped in an
	 * implied <p>, and head-only elements land where the walk sees them.
	 */
	sanitize_prepare(&in, "<body>", html, len);
	doc = NULL;
	if (in.len <= INT_MAX)
		doc = htmlReadMemory(in.s, (int)in.len, NULL, "UTF-8",
		    SANITIZE_OPTIONS);
	buf_free(&in);
	if (doc != NULL) {
		sanitize_walk_tree(&w, (xmlNode *)doc);
		xmlFreeDoc(doc);
	}
	/* Recovered errors are expected here; leave no trace of them for
	 * a caller that reads xmlGetLastError() after its own parse. */
	xmlResetLastError();
	buf_free(&w.attrs);
	return buf_release(&w.out);
}

/* Owes the text a separator; the strongest one owed wins. */
static void
sanitize_text_sep(struct sanitize_text *st, int sep)
{
	if (sep > st->pending)
		st->pending = sep;
}

/*
 * Appends character data, collapsing whitespace (NBSP included) into the
 * separator owed and dropping what XML forbids. s is valid UTF-8.
 */
static void
sanitize_text_add(struct sanitize_text *st, const char *s, size_t len)
{
	const unsigned char	*p = (const unsigned char *)s;
	size_t			 i = 0, run = 0;
	int			 c, n;

	while (i < len) {
		bool	 space = false, drop = false;

		c = p[i];
		n = 1;
		if (c >= 0x80) {
			n = (int)(len - i > 4 ? 4 : len - i);
			c = xmlGetUTF8Char(p + i, &n);
			if (c < 0) {
				n = 1;
				drop = true;
			} else if (c == 0xa0)
				space = true;
			else if (c == 0xfffe || c == 0xffff)
				drop = true;
		} else if (c == ' ' || c == '\t' || c == '\n' || c == '\r' ||
		    c == '\f')
			space = true;
		else if (c < 0x20 || c == 0x7f)
			drop = true;
		if (!space && !drop) {
			if (run == i && st->pending != 0) {
				if (st->out.len > 0)
					buf_addc(&st->out,
					    st->pending == SANITIZE_BREAK &&
					    !st->oneline ? '\n' : ' ');
				st->pending = 0;
			}
			i += n;
			continue;
		}
		buf_add(&st->out, s + run, i - run);
		if (space)
			sanitize_text_sep(st, SANITIZE_SPACE);
		i += n;
		run = i;
	}
	buf_add(&st->out, s + run, len - run);
}

static void
sanitize_sax_start(void *ctx, const xmlChar *name, const xmlChar **atts)
{
	struct sanitize_text		*st = ctx;
	const struct sanitize_tag	*t;

	(void)atts;
	st->depth++;
	if (st->skip != 0)
		return;
	t = sanitize_tag_find(name);
	if (t == NULL)
		return;
	if (t->flow == SANITIZE_SKIP)
		st->skip = st->depth;
	else if (t->flow != SANITIZE_INLINE)
		sanitize_text_sep(st, t->flow);
}

static void
sanitize_sax_end(void *ctx, const xmlChar *name)
{
	struct sanitize_text		*st = ctx;
	const struct sanitize_tag	*t;

	if (st->depth == 0)
		return;
	if (st->skip != 0) {
		if (st->depth-- == st->skip)
			st->skip = 0;
		return;
	}
	st->depth--;
	if ((t = sanitize_tag_find(name)) != NULL &&
	    t->flow != SANITIZE_INLINE)
		sanitize_text_sep(st, t->flow);
}

static void
sanitize_sax_chars(void *ctx, const xmlChar *s, int len)
{
	struct sanitize_text	*st = ctx;

	if (st->skip == 0 && len > 0)
		sanitize_text_add(st, (const char *)s, (size_t)len);
}

static char *
sanitize_text_run(const char *html, size_t len, bool oneline)
{
	struct sanitize_text	 st;
	struct buf		 in = { 0 };
	htmlParserCtxtPtr	 ctxt;
	xmlSAXHandler		 sax;

	memset(&st, 0, sizeof(st));
	st.oneline = oneline;
	if (html == NULL || len == 0)
		return xstrdup("");
	sanitize_prepare(&in, "", html, len);
	if (memchr(in.s, '<', in.len) == NULL &&
	    memchr(in.s, '&', in.len) == NULL) {
		/* Nothing to parse: the common case for titles. */
		sanitize_text_add(&st, in.s, in.len);
		goto done;
	}
	if (in.len > INT_MAX ||
	    (ctxt = htmlCreateMemoryParserCtxt(in.s, (int)in.len)) == NULL)
		goto done;
	memset(&sax, 0, sizeof(sax));
	sax.startElement = sanitize_sax_start;
	sax.endElement = sanitize_sax_end;
	sax.characters = sanitize_sax_chars;
	sax.cdataBlock = sanitize_sax_chars;
	sax.ignorableWhitespace = sanitize_sax_chars;
	memcpy(ctxt->sax, &sax, sizeof(sax));
	ctxt->userData = &st;
	htmlCtxtUseOptions(ctxt, SANITIZE_OPTIONS);
	xmlSwitchEncoding(ctxt, XML_CHAR_ENCODING_UTF8);
	htmlParseDocument(ctxt);
	htmlFreeParserCtxt(ctxt);
	xmlResetLastError();
done:
	buf_free(&in);
	return buf_release(&st.out);
}

char *
sanitize_text(const char *html, size_t len)
{
	return sanitize_text_run(html, len, false);
}

char *
sanitize_line(const char *html, size_t len)
{
	return sanitize_text_run(html, len, true);
}
