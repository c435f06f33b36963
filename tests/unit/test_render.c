/*
 * test_render: the documents we publish, rendered from a real store.
 * Parameters and routes (table), paging walked through next links until
 * the end (every story exactly once, for each combination of filters)
 * and back through previous links, RELAX NG validity of every page
 * against tests/fixtures/atom.rng, hostile entries coming out clean,
 * special characters surviving, the OPML list and the stylesheet.
 */

#include <ctype.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <libxml/HTMLparser.h>
#include <libxml/parser.h>
#include <libxml/relaxng.h>
#include <libxml/uri.h>
#include <libxml/xpath.h>
#include <libxml/xpathInternals.h>

#include "config.h"
#include "opml.h"
#include "parse.h"
#include "render.h"
#include "store_util.h"
#include "text.h"

#define FX	"fixtures/render/"
#define BASE	"http://feeds.example.org/pact/"
#define NSTORIES 137

static struct config		*cfg;
static struct store		*st;
static char			*dbpath;
static xmlRelaxNGPtr		 rng;
static xmlRelaxNGValidCtxtPtr	 rngv;
static size_t			 nvalidated;

static const char *const words[] = {
	"asylum", "border", "Lampedusa", "reception", "court", "ruling",
	"children", "detention", "Frontex", "agency", "visa", "Council",
	"Parliament", "minister", "boat", "rescue", "Greece", "Italy",
	"Spain", "Poland", "Malta", "relocation", "pledge"
};
#define NWORDS	(sizeof(words) / sizeof(words[0]))

/* Entry i of the generated archive: distinct words, so no two merge. */
static void
gen_entry(size_t i, struct tentry *t, char *title, char *summary,
    char *link, char *id, char *topics)
{
	snprintf(title, 128, "%s %s %s %zu", words[i % NWORDS],
	    words[(i * 7 + 3) % NWORDS], words[(i * 11 + 5) % NWORDS], i);
	snprintf(summary, 256, "<p>Report %zu on %s and %s, item %zu.</p>",
	    i * 7919, words[(i * 5 + 1) % NWORDS],
	    words[(i * 13 + 2) % NWORDS], i);
	snprintf(link, 128, "https://news.example.org/%zu/%s", i,
	    words[i % NWORDS]);
	snprintf(id, 128, "urn:test:story:%zu", i);
	topics[0] = '\0';
	if (i % 2 == 0)
		strcat(topics, "screening");
	if (i % 3 == 0)
		strcat(topics, topics[0] != '\0' ? ",solidarity" :
		    "solidarity");
	memset(t, 0, sizeof(*t));
	t->id = id;
	t->title = title;
	t->link = link;
	t->summary = summary;
	t->summary_type = TEXT_HTML;
	t->date = T0 + (time_t)i * 3600 - (i % 5 == 0 ? 7200 : 0);
	t->lang = i % 4 == 0 ? "fr" : "en";
	t->topics = topics[0] != '\0' ? topics : NULL;
}

static void
load_archive(void)
{
	static const char *const srcs[] = { "ecre", "frontex" };
	struct store_put_result	 res;
	struct parse_opts	 po = { .url = "https://evil.example.net/feed" };
	struct feed		*f;
	char			 err[256], *body;
	size_t			 len;
	FILE			*fp;

	for (size_t s = 0; s < 2; s++) {
		struct tentry	 t;
		char		 title[128], summary[256], link[128];
		char		 id[128], topics[64];

		f = feed_new();
		f->title = feed_strdup(f, srcs[s]);
		f->link = feed_strdup(f, "https://example.org/");
		f->id = feed_strdup(f, "https://example.org/feed");
		for (size_t i = s; i < NSTORIES; i += 2) {
			gen_entry(i, &t, title, summary, link, id, topics);
			tfeed_add(f, &t);
		}
		assert_int_equal(store_put_feed(st, srcs[s], f, &res, err,
		    sizeof(err)), 0);
		feed_free(f);
	}
	/* The hostile feed goes through the real parser. */
	fp = fopen(FX "hostile.xml", "rb");
	assert_non_null(fp);
	body = xmalloc(65536);
	len = fread(body, 1, 65536, fp);
	fclose(fp);
	f = parse_feed(body, len, &po, err, sizeof(err));
	free(body);
	assert_non_null(f);
	for (size_t i = 0; i < f->nentries; i++) {
		struct entry_topic	*tp = feed_add_topic(&f->entries[i]);

		tp->id = feed_strdup(f, i == 0 ? "returns" : "solidarity");
		tp->score = 1;
		tp->why = feed_strdup(f, "test");
	}
	assert_int_equal(store_put_feed(st, "hostile", f, &res, err,
	    sizeof(err)), 0);
	feed_free(f);
}

static int
setup(void **state)
{
	char	*errors;

	(void)state;
	cfg = config_load(FX "render.conf", &errors);
	if (cfg == NULL) {
		fprintf(stderr, "%s", errors);
		return -1;
	}
	st = tstore_open(&dbpath);
	store_set_now(st, T0 + 400 * 3600);
	load_archive();
	{
		/* From memory: parse.c's entity loader refuses files. */
		xmlRelaxNGParserCtxtPtr	 pc;
		FILE			*fp = fopen("fixtures/atom.rng", "rb");
		char			*buf = xmalloc(65536);
		size_t			 len;

		if (fp == NULL)
			return -1;
		len = fread(buf, 1, 65536, fp);
		fclose(fp);
		pc = xmlRelaxNGNewMemParserCtxt(buf, len);
		rng = xmlRelaxNGParse(pc);
		xmlRelaxNGFreeParserCtxt(pc);
		free(buf);
		if (rng == NULL)
			return -1;
	}
	rngv = xmlRelaxNGNewValidCtxt(rng);
	return 0;
}

static int
teardown(void **state)
{
	(void)state;
	printf("render: %zu rendered pages valid against atom.rng\n",
	    nvalidated);
	xmlRelaxNGFreeValidCtxt(rngv);
	xmlRelaxNGFree(rng);
	store_close(st);
	tstore_remove(dbpath);
	free(dbpath);
	config_free(cfg);
	return 0;
}

/* Builds a feed from a URL we wrote, as the HTTP server would. */
static int
feed_from_url(struct render_feed *rf, const char *url)
{
	char	*path, *q, *p, *save = NULL, err[256];
	int	 rc = 0;

	memset(rf, 0, sizeof(*rf));
	assert_true(strncmp(url, BASE, strlen(BASE)) == 0);
	path = xstrdup(url + strlen(BASE));
	if ((q = strchr(path, '?')) != NULL)
		*q++ = '\0';
	if (render_feed_route(rf, path) == -1)
		rc = -1;
	for (p = q != NULL ? strtok_r(q, "&", &save) : NULL; p != NULL &&
	    rc == 0; p = strtok_r(NULL, "&", &save)) {
		char	*eq = strchr(p, '='), *k, *v;

		assert_non_null(eq);
		*eq = '\0';
		k = xmlURIUnescapeString(p, 0, NULL);
		v = xmlURIUnescapeString(eq + 1, 0, NULL);
		rc = render_feed_param(rf, k, v, err, sizeof(err));
		xmlFree(k);
		xmlFree(v);
	}
	free(path);
	return rc;
}

/* A rendered page, parsed and checked against the schema. */
static xmlDocPtr
page_doc(const struct render_feed *rf)
{
	xmlDocPtr	 doc;
	char		*out, err[256];
	size_t		 len;

	out = render_atom(st, cfg, rf, &len, err, sizeof(err));
	if (out == NULL)
		fail_msg("render_atom: %s", err);
	assert_int_equal(strlen(out), len);
	doc = xmlReadMemory(out, len, "page.xml", NULL,
	    XML_PARSE_NONET | XML_PARSE_NOERROR | XML_PARSE_NOWARNING);
	if (doc == NULL)
		fail_msg("not well-formed: %s", out);
	if (xmlRelaxNGValidateDoc(rngv, doc) != 0)
		fail_msg("not valid Atom: %s", out);
	nvalidated++;
	free(out);
	return doc;
}

/* The string value of an XPath over the Atom document, or NULL. */
static char *
xp_str(xmlDocPtr doc, const char *expr)
{
	xmlXPathContextPtr	 ctx = xmlXPathNewContext(doc);
	xmlXPathObjectPtr	 o;
	char			*s = NULL;

	xmlXPathRegisterNs(ctx, BAD_CAST "a",
	    BAD_CAST "http://www.w3.org/2005/Atom");
	o = xmlXPathEvalExpression(BAD_CAST expr, ctx);
	if (o != NULL && o->type == XPATH_NODESET && o->nodesetval != NULL &&
	    o->nodesetval->nodeNr > 0)
		s = (char *)xmlNodeGetContent(o->nodesetval->nodeTab[0]);
	xmlXPathFreeObject(o);
	xmlXPathFreeContext(ctx);
	return s;
}

/* Every node the expression selects, as strings; returns the count. */
static size_t
xp_all(xmlDocPtr doc, const char *expr, char ***out)
{
	xmlXPathContextPtr	 ctx = xmlXPathNewContext(doc);
	xmlXPathObjectPtr	 o;
	size_t			 n = 0;

	xmlXPathRegisterNs(ctx, BAD_CAST "a",
	    BAD_CAST "http://www.w3.org/2005/Atom");
	o = xmlXPathEvalExpression(BAD_CAST expr, ctx);
	*out = NULL;
	if (o != NULL && o->nodesetval != NULL) {
		n = o->nodesetval->nodeNr;
		*out = xcalloc(n + 1, sizeof(char *));
		for (size_t i = 0; i < n; i++)
			(*out)[i] = (char *)xmlNodeGetContent(
			    o->nodesetval->nodeTab[i]);
	}
	xmlXPathFreeObject(o);
	xmlXPathFreeContext(ctx);
	return n;
}

static void
strs_free(char **v, size_t n)
{
	for (size_t i = 0; i < n; i++)
		xmlFree(v[i]);
	free(v);
}

static void
test_params(void **state)
{
	static const struct {
		const char	*path;
		const char	*k1, *v1, *k2, *v2;
		int		 want;		/* 0, 400 or 404 */
		const char	*canon;
	} cases[] = {
		{ "feed.atom", NULL, NULL, NULL, NULL, 0, "feed.atom" },
		{ "topics/screening.atom", NULL, NULL, NULL, NULL, 0,
		    "topics/screening.atom" },
		{ "topics/screening.atom", "topic", "screening", NULL, NULL,
		    0, "topics/screening.atom" },
		{ "topics/screening.atom", "topic", "returns", NULL, NULL,
		    400, NULL },
		{ "topics/nope.atom", NULL, NULL, NULL, NULL, 404, NULL },
		{ "sources/nope.atom", NULL, NULL, NULL, NULL, 404, NULL },
		{ "feed.atom", "topic", "nope", NULL, NULL, 404, NULL },
		{ "feed.atom", "source", "nope", NULL, NULL, 404, NULL },
		{ "feed.atom", "source", "ecre", "topic", "screening", 0,
		    "feed.atom?topic=screening&source=ecre" },
		{ "sources/ecre.atom", "lang", "fr", "since", "2024-06-11",
		    0, "sources/ecre.atom?lang=fr&since=2024-06-11T00%3A00"
		    "%3A00Z" },
		{ "search.atom", NULL, NULL, NULL, NULL, 400, NULL },
		{ "search.atom", "q", "asylum court", NULL, NULL, 0,
		    "search.atom?q=asylum%20court" },
		{ "search.atom", "q", "   ", NULL, NULL, 400, NULL },
		{ "feed.atom", "q", "r\xc3\xa9" "fugi\xc3\xa9s & <x>", NULL,
		    NULL, 0, "feed.atom?q=r%C3%A9fugi%C3%A9s%20%26%20%3Cx%3E" },
		{ "feed.atom", "q", "bad\xff", NULL, NULL, 400, NULL },
		{ "feed.atom", "q", "a\x01", NULL, NULL, 400, NULL },
		{ "feed.atom", "q", "a b c d e f g h i j k l m n o p", NULL,
		    NULL, 0, "feed.atom?q=a%20b%20c%20d%20e%20f%20g%20h%20i"
		    "%20j%20k%20l%20m%20n%20o%20p" },
		{ "feed.atom", "q", "a b c d e f g h i j k l m n o p q", NULL,
		    NULL, 400, NULL },
		{ "feed.atom", "q", "asylum asylum asylum asylum asylum "
		    "asylum asylum asylum asylum asylum asylum asylum asylum "
		    "asylum asylum asylum asylum", NULL, NULL, 0, NULL },
		{ "feed.atom", "lang", "en", "lang", "fr", 400, NULL },
		{ "feed.atom", "lang", "e n", NULL, NULL, 400, NULL },
		{ "feed.atom", "lang", "toolonglang", NULL, NULL, 400, NULL },
		{ "feed.atom", "since", "yesterday", NULL, NULL, 400, NULL },
		{ "feed.atom", "since", "", NULL, NULL, 400, NULL },
		{ "feed.atom", "cursor", "o1718000000_12", NULL, NULL, 0,
		    "feed.atom?cursor=o1718000000_12" },
		{ "feed.atom", "cursor", "n-5_3", NULL, NULL, 0,
		    "feed.atom?cursor=n-5_3" },
		{ "feed.atom", "cursor", "x1_2", NULL, NULL, 400, NULL },
		{ "feed.atom", "cursor", "o1_", NULL, NULL, 400, NULL },
		{ "feed.atom", "cursor", "o1_-2", NULL, NULL, 400, NULL },
		{ "feed.atom", "cursor", "o99999999999999999999_1", NULL,
		    NULL, 400, NULL },
		{ "feed.atom", "page", "2", NULL, NULL, 400, NULL },
		{ "feed.atom", "topic", "screening", "topic", "screening",
		    400, NULL },
	};
	static const char *const badroutes[] = {
		"", "feed", "feed.rss", "topics/.atom", "topics/a/b.atom",
		"topics/", "sources/x", "Feed.atom", "feed.atom/",
	};
	size_t	n = 0;

	(void)state;
	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		struct render_feed	 rf = { 0 };
		char			 err[256] = "";
		int			 got = 0, nf;

		assert_int_equal(render_feed_route(&rf, cases[i].path), 0);
		if (cases[i].k1 != NULL && render_feed_param(&rf,
		    cases[i].k1, cases[i].v1, err, sizeof(err)) == -1)
			got = 400;
		if (got == 0 && cases[i].k2 != NULL && render_feed_param(&rf,
		    cases[i].k2, cases[i].v2, err, sizeof(err)) == -1)
			got = 400;
		if (got == 0 && render_feed_check(&rf, cfg, &nf, err,
		    sizeof(err)) == -1)
			got = nf ? 404 : 400;
		if (got != cases[i].want)
			fail_msg("case %zu (%s %s=%s): got %d, want %d (%s)",
			    i, cases[i].path, cases[i].k1, cases[i].v1, got,
			    cases[i].want, err);
		if (got != 0)
			assert_true(err[0] != '\0');
		if (cases[i].canon != NULL) {
			char	*p = render_feed_path(&rf);

			assert_string_equal(p, cases[i].canon);
			free(p);
		}
		render_feed_clear(&rf);
		n++;
	}
	for (size_t i = 0; i < sizeof(badroutes) / sizeof(badroutes[0]);
	    i++) {
		struct render_feed	rf = { 0 };

		assert_int_equal(render_feed_route(&rf, badroutes[i]), -1);
		render_feed_clear(&rf);
		n++;
	}
	printf("params: %zu cases ok\n", n);
}

/* Collects story ids of a direct store query, for the expected set. */
struct idset {
	char	**ids;
	size_t	  n;
};

static int
idset_cb(const struct store_story *s, void *arg)
{
	struct idset	*set = arg;

	set->ids = xreallocarray(set->ids, set->n + 1, sizeof(char *));
	set->ids[set->n++] = xstrdup(s->uid);
	return 0;
}

/* The atom:id a story gets: its own when an IRI, else one of ours. */
static int
idset_atom_cb(const struct store_story *s, void *arg)
{
	struct buf	 b = { 0 };
	struct idset	*set = arg;

	if (strchr(s->uid, ':') != NULL && strchr(s->uid, ' ') == NULL)
		return idset_cb(s, arg);
	buf_printf(&b, BASE "entries/%s/", s->source);
	for (const char *p = s->uid; *p != '\0'; p++)
		if (isalnum((unsigned char)*p) || strchr("-._~", *p) != NULL)
			buf_addc(&b, *p);
		else
			buf_printf(&b, "%%%02X", (unsigned char)*p);
	set->ids = xreallocarray(set->ids, set->n + 1, sizeof(char *));
	set->ids[set->n++] = buf_release(&b);
	return 0;
}

static bool
idset_has(const struct idset *set, const char *id)
{
	for (size_t i = 0; i < set->n; i++)
		if (strcmp(set->ids[i], id) == 0)
			return true;
	return false;
}

static void
idset_free(struct idset *set)
{
	for (size_t i = 0; i < set->n; i++)
		free(set->ids[i]);
	free(set->ids);
	memset(set, 0, sizeof(*set));
}

/*
 * Walks a feed from its first page through every next link: each story
 * the store has for the filter appears exactly once, in order; then
 * walks back through previous links, which must give the same pages.
 * Returns the number of pages.
 */
static size_t
walk(const char *url, size_t *nstories)
{
	struct idset		 want = { 0 }, seen = { 0 };
	struct store_filter	 f = { 0 };
	struct render_feed	 rf;
	char			*next, *prev, *first, *self, err[256], **ids;
	char			*back = NULL, *s;
	char			*firsts[64], *fts = NULL;
	size_t			 pages = 0, n;
	xmlDocPtr		 doc;

	assert_int_equal(feed_from_url(&rf, url), 0);
	f.topic = rf.topic;
	f.source = rf.source;
	f.lang = rf.lang;
	f.since = rf.since;
	if (rf.q != NULL)
		f.q = fts = xasprintf("\"%s\"", rf.q);
	f.limit = 100000;
	assert_int_equal(store_query_stories(st, &f, idset_atom_cb, &want, err,
	    sizeof(err)), 0);
	free(fts);
	render_feed_clear(&rf);

	next = xstrdup(url);
	while (next != NULL) {
		assert_int_equal(feed_from_url(&rf, next), 0);
		doc = page_doc(&rf);
		render_feed_clear(&rf);
		self = xp_str(doc, "/a:feed/a:link[@rel='self']/@href");
		assert_string_equal(self, next);
		xmlFree(self);
		n = xp_all(doc, "/a:feed/a:entry/a:id", &ids);
		assert_true(n <= RENDER_PAGE);
		assert_true(pages < 64);
		firsts[pages] = xstrdup(n > 0 ? ids[0] : "");
		for (size_t i = 0; i < n; i++) {
			if (idset_has(&seen, ids[i]))
				fail_msg("%s: %s twice", url, ids[i]);
			idset_cb(&(struct store_story){ .uid = ids[i] },
			    &seen);
		}
		strs_free(ids, n);
		first = xp_str(doc, "/a:feed/a:link[@rel='first']/@href");
		prev = xp_str(doc, "/a:feed/a:link[@rel='previous']/@href");
		if (pages == 0)
			assert_null(prev);
		else {
			assert_non_null(first);
			assert_non_null(prev);
		}
		if (first != NULL)
			assert_string_equal(first, url);
		free(next);
		next = NULL;
		s = xp_str(doc, "/a:feed/a:link[@rel='next']/@href");
		if (s != NULL) {
			next = xstrdup(s);
			assert_int_equal(n, RENDER_PAGE);
		} else {
			/* The last page: walk back from it. */
			if (pages == 0)
				assert_null(first);
			back = prev != NULL ? xstrdup(prev) : NULL;
		}
		xmlFree(s);
		xmlFree(prev);
		xmlFree(first);
		xmlFreeDoc(doc);
		pages++;
	}
	if (seen.n != want.n)
		fail_msg("%s: walked %zu stories, the store has %zu", url,
		    seen.n, want.n);
	for (size_t i = 0; i < want.n; i++)
		assert_true(idset_has(&seen, want.ids[i]));

	/* Back from the last page to the first through previous. */
	for (size_t p = pages - 1; p > 0; p--) {
		char	*first_id, *pp;

		assert_non_null(back);
		assert_int_equal(feed_from_url(&rf, back), 0);
		doc = page_doc(&rf);
		render_feed_clear(&rf);
		first_id = xp_str(doc, "/a:feed/a:entry[1]/a:id");
		assert_non_null(first_id);
		assert_string_equal(first_id, firsts[p - 1]);
		xmlFree(first_id);
		free(back);
		pp = xp_str(doc, "/a:feed/a:link[@rel='previous']/@href");
		back = pp != NULL ? xstrdup(pp) : NULL;
		xmlFree(pp);
		xmlFreeDoc(doc);
	}
	assert_null(back);
	for (size_t p = 0; p < pages; p++)
		free(firsts[p]);
	*nstories = seen.n;
	idset_free(&want);
	idset_free(&seen);
	return pages;
}

static void
test_paging(void **state)
{
	static const struct {
		const char	*url;
		size_t		 min;		/* stories at least */
	} cases[] = {
		{ BASE "feed.atom", NSTORIES },
		{ BASE "topics/screening.atom", NSTORIES / 2 },
		{ BASE "topics/solidarity.atom", NSTORIES / 3 },
		{ BASE "sources/ecre.atom", NSTORIES / 2 },
		{ BASE "sources/ecre.atom?topic=solidarity", NSTORIES / 6 },
		{ BASE "feed.atom?lang=fr", NSTORIES / 4 },
		{ BASE "feed.atom?topic=solidarity&lang=en", 20 },
		{ BASE "feed.atom?since=2024-06-14T00%3A00%3A00Z", 40 },
		{ BASE "search.atom?q=asylum", 10 },
		{ BASE "search.atom?source=frontex&q=asylum&lang=en", 1 },
		{ BASE "topics/returns.atom", 1 },
		{ BASE "feed.atom?since=2030-01-01T00%3A00%3A00Z", 0 },
	};
	size_t	total = 0;

	(void)state;
	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		size_t	n, pages;

		pages = walk(cases[i].url, &n);
		if (n < cases[i].min)
			fail_msg("%s: %zu stories, want %zu or more",
			    cases[i].url, n, cases[i].min);
		printf("paging: %s: %zu stories in %zu pages, each once\n",
		    cases[i].url + strlen(BASE), n, pages);
		total += pages;
	}
	printf("paging: %zu feeds walked, %zu pages\n",
	    sizeof(cases) / sizeof(cases[0]), total);
}

/* A cursor past the end gives an empty page that links back. */
static void
test_cursor_edges(void **state)
{
	struct render_feed	 rf;
	xmlDocPtr		 doc;
	char			*s;

	(void)state;
	assert_int_equal(feed_from_url(&rf, BASE "feed.atom?cursor=o5_1"), 0);
	doc = page_doc(&rf);
	render_feed_clear(&rf);
	assert_null(xp_str(doc, "/a:feed/a:entry"));
	assert_null(xp_str(doc, "/a:feed/a:link[@rel='next']/@href"));
	s = xp_str(doc, "/a:feed/a:link[@rel='previous']/@href");
	assert_string_equal(s, BASE "feed.atom?cursor=n5_1");
	xmlFree(s);
	s = xp_str(doc, "/a:feed/a:updated");
	assert_string_equal(s, "1970-01-01T00:00:00Z");
	xmlFree(s);
	xmlFreeDoc(doc);
	/* Newer than the newest: the first page's stories. */
	assert_int_equal(feed_from_url(&rf,
	    BASE "feed.atom?cursor=n99999999999_1"), 0);
	doc = page_doc(&rf);
	render_feed_clear(&rf);
	s = xp_str(doc, "/a:feed/a:link[@rel='previous']/@href");
	assert_null(s);
	xmlFreeDoc(doc);
	printf("cursor edges: 2 cases ok\n");
}

/* Every HTML construct of a page, parsed as a browser would. */
static void
check_html_clean(const char *html, size_t *nchecked)
{
	htmlDocPtr		 h;
	xmlXPathContextPtr	 ctx;
	xmlXPathObjectPtr	 o;
	static const char *const bad[] = {
		"//script", "//iframe", "//style", "//form", "//svg",
		"//@*[starts-with(translate(name(), 'ON', 'on'), 'on')]",
		"//@*[contains(translate(., 'JAVSCRIPT', 'javscript'), "
		    "'javascript:')]",
	};

	h = htmlReadMemory(html, strlen(html), NULL, "UTF-8",
	    HTML_PARSE_NONET | HTML_PARSE_NOERROR | HTML_PARSE_NOWARNING);
	assert_non_null(h);
	ctx = xmlXPathNewContext(h);
	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		o = xmlXPathEvalExpression(BAD_CAST bad[i], ctx);
		if (o != NULL && o->nodesetval != NULL &&
		    o->nodesetval->nodeNr > 0)
			fail_msg("%s found in: %s", bad[i], html);
		xmlXPathFreeObject(o);
		(*nchecked)++;
	}
	xmlXPathFreeContext(ctx);
	xmlFreeDoc(h);
}

static void
test_hostile(void **state)
{
	struct render_feed	 rf;
	xmlDocPtr		 doc;
	char			**v, *s;
	size_t			 n, nchecked = 0;

	(void)state;
	assert_int_equal(feed_from_url(&rf, BASE "sources/hostile.atom"), 0);
	doc = page_doc(&rf);
	render_feed_clear(&rf);
	n = xp_all(doc, "//a:entry", &v);
	assert_int_equal(n, 2);
	strs_free(v, n);
	n = xp_all(doc, "//a:summary[@type='html'] | "
	    "//a:content[@type='html']", &v);
	assert_true(n >= 2);
	for (size_t i = 0; i < n; i++)
		check_html_clean(v[i], &nchecked);
	strs_free(v, n);
	/* Titles are text: the tags show as text, never as markup. */
	n = xp_all(doc, "//a:entry/a:title", &v);
	for (size_t i = 0; i < n; i++) {
		assert_null(strstr(v[i], "<script"));
		assert_null(strstr(v[i], "<i>"));
	}
	strs_free(v, n);
	/* No link of any kind leads to javascript:. */
	n = xp_all(doc, "//@href | //@src | //a:id | //a:uri", &v);
	for (size_t i = 0; i < n; i++)
		if (strncasecmp(v[i], "javascript:", 11) == 0)
			fail_msg("javascript link: %s", v[i]);
	strs_free(v, n);
	/* What is left of the first entry's text is still there. */
	s = xp_str(doc, "//a:entry[a:title[contains(., 'Crossings')]]"
	    "/a:summary");
	assert_non_null(s);
	assert_non_null(strstr(s, "Screening starts"));
	assert_non_null(strstr(s, "\xf0\x9f\x87\xaa\xf0\x9f\x87\xba"));
	xmlFree(s);
	s = xp_str(doc, "//a:entry/a:title[contains(., 'Crossings')]");
	assert_non_null(strstr(s, "Crossings & \"pushbacks\" at the border"));
	xmlFree(s);
	/* The relative link was made absolute. */
	s = xp_str(doc, "//a:entry[a:title[contains(., 'Second')]]"
	    "/a:summary");
	assert_non_null(strstr(s,
	    "https://evil.example.net/relative/path"));
	xmlFree(s);
	xmlFreeDoc(doc);
	printf("hostile: %zu checks on sanitised entries ok\n", nchecked);
}

static void
test_special_chars(void **state)
{
	static const struct {
		const char	*url;
		const char	*xpath;
		const char	*want;		/* in the value */
	} cases[] = {
		{ BASE "feed.atom", "/a:feed/a:title",
		    "Pact news & more <merged>" },
		{ BASE "topics/solidarity.atom", "/a:feed/a:title",
		    "Solidarit\xc3\xa9 & responsabilit\xc3\xa9 \xc2\xab "
		    "partag\xc3\xa9" "e \xc2\xbb" },
		{ BASE "topics/returns.atom",
		    "//a:category[@term='returns']/@label",
		    "Returns <border> procedure" },
		{ BASE "topics/returns.atom",
		    "//a:category[@term='returns']/@scheme",
		    BASE "topics/" },
		{ BASE "sources/frontex.atom", "/a:feed/a:title",
		    "Frontex \"news\" <release>" },
		{ BASE "sources/hostile.atom", "/a:feed/a:title",
		    "<script>alert(1)</script>" },
		{ BASE "search.atom?q=r%C3%A9fugi%C3%A9s%20%26%20%3Cx%3E%20%22q%22",
		    "/a:feed/a:title",
		    "search for \"r\xc3\xa9" "fugi\xc3\xa9s & <x> \"q\"\"" },
		{ BASE "search.atom?q=r%C3%A9fugi%C3%A9s%20%26%20%3Cx%3E%20%22q%22",
		    "/a:feed/a:link[@rel='self']/@href",
		    BASE "search.atom?q=r%C3%A9fugi%C3%A9s%20%26%20%3Cx%3E%20"
		    "%22q%22" },
		{ BASE "sources/hostile.atom",
		    "//a:entry/a:source/a:title", "Hostile feed & friends" },
		{ BASE "sources/hostile.atom",
		    "//a:entry/a:id[contains(., 'hostile-1')]",
		    BASE "entries/hostile/hostile-1%20%3C%26%3E" },
		{ BASE "feed.atom?topic=returns&lang=en&since=2024-01-01",
		    "/a:feed/a:subtitle", "topic: Returns <border> "
		    "procedure; language: en; since 2024-01-01T00:00:00Z" },
	};

	(void)state;
	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		struct render_feed	 rf;
		xmlDocPtr		 doc;
		char			*s;

		assert_int_equal(feed_from_url(&rf, cases[i].url), 0);
		doc = page_doc(&rf);
		render_feed_clear(&rf);
		s = xp_str(doc, cases[i].xpath);
		if (s == NULL || strstr(s, cases[i].want) == NULL)
			fail_msg("%s %s: got \"%s\", want \"%s\"",
			    cases[i].url, cases[i].xpath, s, cases[i].want);
		xmlFree(s);
		xmlFreeDoc(doc);
	}
	printf("special characters: %zu cases ok\n",
	    sizeof(cases) / sizeof(cases[0]));
}

/* Same store, same page: the same bytes (the HTTP cache relies on it). */
static void
test_stable(void **state)
{
	struct render_feed	 rf;
	char			*a, *b, err[256];
	size_t			 la, lb;

	(void)state;
	assert_int_equal(feed_from_url(&rf, BASE "feed.atom?lang=en"), 0);
	a = render_atom(st, cfg, &rf, &la, err, sizeof(err));
	b = render_atom(st, cfg, &rf, &lb, err, sizeof(err));
	assert_int_equal(la, lb);
	assert_memory_equal(a, b, la);
	free(a);
	free(b);
	render_feed_clear(&rf);
	printf("stable: two renders byte-identical\n");
}

/* Whatever a reader types, the search is no FTS5 syntax error. */
static void
test_fts_words(void **state)
{
	static const char *const qs[] = {
		"\"", "\"\"", "*", "AND", "a OR b", "- NOT", "()", "NEAR(a b)",
		"a'b", "^x", ":", "col:asylum", "{a b}", "+", "asylum*",
		"\xc3\xa9\xc3\xa9", "a   b",
	};
	size_t	n = 0;

	(void)state;
	for (size_t i = 0; i < sizeof(qs) / sizeof(qs[0]); i++) {
		struct render_feed	 rf = { 0 };
		char			 err[256], *out;
		size_t			 len;

		assert_int_equal(render_feed_route(&rf, "search.atom"), 0);
		if (render_feed_param(&rf, "q", qs[i], err, sizeof(err)) == -1)
			fail_msg("q %s: %s", qs[i], err);
		out = render_atom(st, cfg, &rf, &len, err, sizeof(err));
		if (out == NULL)
			fail_msg("q %s: %s", qs[i], err);
		free(out);
		render_feed_clear(&rf);
		n++;
	}
	/* A word said again is the same search, not a second pass. */
	{
		const char	*qq[] = { "asylum", "asylum  asylum asylum" };
		size_t		 ne[2];

		for (int k = 0; k < 2; k++) {
			struct render_feed	 rf = { 0 };
			char			 err[256], *out, *p;
			size_t			 len;

			render_feed_route(&rf, "search.atom");
			assert_int_equal(render_feed_param(&rf, "q", qq[k],
			    err, sizeof(err)), 0);
			out = render_atom(st, cfg, &rf, &len, err,
			    sizeof(err));
			assert_non_null(out);
			ne[k] = 0;
			for (p = out; (p = strstr(p, "<entry")) != NULL; p++)
				ne[k]++;
			free(out);
			render_feed_clear(&rf);
		}
		assert_true(ne[0] > 0);
		assert_int_equal(ne[0], ne[1]);
		n++;
	}
	printf("fts: %zu hostile queries answered, a repeated word once\n",
	    n);
}

static void
test_opml_xsl(void **state)
{
	xmlDocPtr	 doc;
	xmlXPathContextPtr ctx;
	xmlXPathObjectPtr o;
	const char	*xsl;
	char		*out;
	size_t		 len;

	(void)state;
	out = render_opml(cfg, &len);
	doc = xmlReadMemory(out, len, "opml.xml", NULL, XML_PARSE_NONET);
	assert_non_null(doc);
	ctx = xmlXPathNewContext(doc);
	o = xmlXPathEvalExpression(BAD_CAST "//outline[@xmlUrl]", ctx);
	/* The merged feed, three topics, three sources. */
	assert_int_equal(o->nodesetval->nodeNr, 7);
	xmlXPathFreeObject(o);
	o = xmlXPathEvalExpression(BAD_CAST "//outline[@xmlUrl='" BASE
	    "topics/solidarity.atom']/@text", ctx);
	assert_int_equal(o->nodesetval->nodeNr, 1);
	xmlXPathFreeObject(o);
	xmlXPathFreeContext(ctx);
	xmlFreeDoc(doc);
	/* Our own OPML reader (sources import) takes it too. */
	{
		struct opml	*o2;
		char		 err[256];

		o2 = opml_read(out, len, err, sizeof(err));
		if (o2 == NULL)
			fail_msg("opml_read: %s", err);
		assert_int_equal(o2->n, 7);
		assert_string_equal(o2->v[0].xml_url, BASE "feed.atom");
		assert_string_equal(o2->title, "Pact news & more <merged>");
		opml_free(o2);
	}
	free(out);
	xsl = render_feed_xsl(&len);
	doc = xmlReadMemory(xsl, len, "feed.xsl", NULL, XML_PARSE_NONET);
	assert_non_null(doc);
	xmlFreeDoc(doc);
	printf("opml: 7 feeds listed, read back by opml_read; feed.xsl "
	    "well-formed\n");
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_params),
		cmocka_unit_test(test_paging),
		cmocka_unit_test(test_cursor_edges),
		cmocka_unit_test(test_hostile),
		cmocka_unit_test(test_special_chars),
		cmocka_unit_test(test_stable),
		cmocka_unit_test(test_fts_words),
		cmocka_unit_test(test_opml_xsl),
	};

	return cmocka_run_group_tests(tests, setup, teardown);
}
