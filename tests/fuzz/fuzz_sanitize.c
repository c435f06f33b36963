/*
 * libFuzzer target for sanitize.c. Beyond not crashing, every output
 * must hold the module's invariant: sanitize_html gives well-formed XML
 * whose elements and attributes are on the allowlist and whose URLs are
 * http, https or mailto; sanitize_text gives valid UTF-8, trimmed, with
 * no run of whitespace. A violation aborts.
 */

#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <libxml/parser.h>
#include <libxml/tree.h>

#include "sanitize.h"
#include "text.h"
#include "xmalloc.h"

int	LLVMFuzzerTestOneInput(const uint8_t *, size_t);

static const char *fuzz_elements =
    " a abbr acronym address article aside b bdi bdo big blockquote br"
    " caption cite code col colgroup dd del details dfn div dl dt em"
    " figcaption figure footer h1 h2 h3 h4 h5 h6 header hgroup hr i img"
    " ins kbd li main mark nav ol p pre q rp rt ruby s samp section small"
    " span strike strong sub summary sup table tbody td tfoot th thead"
    " time tr tt u ul var wbr ";
static const char *fuzz_attrs =
    " abbr alt cite colspan datetime dir headers height href lang rowspan"
    " scope span src start title type value width ";

static int
fuzz_listed(const char *list, const xmlChar *name)
{
	char	*w;
	int	 found;

	w = xasprintf(" %s ", (const char *)name);
	found = strstr(list, w) != NULL;
	free(w);
	return found;
}

static void
fuzz_check_tree(xmlNode *n, int depth)
{
	xmlAttr	*a;
	xmlChar	*v;

	if (depth > 65)
		abort();
	for (; n != NULL; n = n->next) {
		if (n->type == XML_TEXT_NODE)
			continue;
		if (n->type != XML_ELEMENT_NODE ||
		    !fuzz_listed(fuzz_elements, n->name))
			abort();
		for (a = n->properties; a != NULL; a = a->next) {
			if (!fuzz_listed(fuzz_attrs, a->name))
				abort();
			if (!xmlStrEqual(a->name, BAD_CAST "href") &&
			    !xmlStrEqual(a->name, BAD_CAST "src") &&
			    !xmlStrEqual(a->name, BAD_CAST "cite"))
				continue;
			v = xmlNodeGetContent((xmlNode *)a);
			if (strncmp((char *)v, "http://", 7) != 0 &&
			    strncmp((char *)v, "https://", 8) != 0 &&
			    strncmp((char *)v, "mailto:", 7) != 0)
				abort();
			xmlFree(v);
		}
		fuzz_check_tree(n->children, depth + 1);
	}
}

static void
fuzz_check_html(const char *out)
{
	char	*doc;
	xmlDoc	*x;
	size_t	 len = strlen(out);

	if (text_utf8_valid_len(out, len) != len)
		abort();
	doc = xasprintf("<div>%s</div>", out);
	x = xmlReadMemory(doc, (int)strlen(doc), NULL, "UTF-8",
	    XML_PARSE_NONET | XML_PARSE_NOERROR | XML_PARSE_NOWARNING);
	if (x == NULL)
		abort();
	fuzz_check_tree(xmlDocGetRootElement(x)->children, 0);
	xmlFreeDoc(x);
	free(doc);
}

static void
fuzz_check_text(const char *out, int oneline)
{
	size_t	len = strlen(out);

	if (text_utf8_valid_len(out, len) != len)
		abort();
	if (len > 0 && (strchr(" \n", out[0]) != NULL ||
	    strchr(" \n", out[len - 1]) != NULL))
		abort();
	if (strstr(out, "  ") != NULL || strstr(out, "\n\n") != NULL ||
	    strstr(out, " \n") != NULL || strstr(out, "\n ") != NULL ||
	    strchr(out, '\t') != NULL || strchr(out, '\r') != NULL)
		abort();
	if (oneline && strchr(out, '\n') != NULL)
		abort();
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	const char	*base = "https://example.org/news/item.html";
	char		*out;

	/* The first byte picks the base: absent, http(s), or odd. */
	if (size > 0) {
		if (data[0] == 'N')
			base = NULL;
		else if (data[0] == 'D')
			base = "data:text/html,x";
	}
	out = sanitize_html((const char *)data, size, base);
	fuzz_check_html(out);
	free(out);
	out = sanitize_text((const char *)data, size);
	fuzz_check_text(out, 0);
	free(out);
	out = sanitize_line((const char *)data, size);
	fuzz_check_text(out, 1);
	free(out);
	return 0;
}
