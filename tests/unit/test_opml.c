/*
 * opml.c: reading subscription lists (folders, notes, links, old OPML
 * 1.0 in Latin-1) and refusing hostile or wrong ones cleanly (HTML, a
 * DTD with entity bombs or an external subset, no body, truncation,
 * outlines nested past any limit); writing OPML 2.0 that reads back to
 * the same sources; and the ids derived from titles.
 */

#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "config.h"
#include "opml.h"
#include "text.h"

#define NITEMS(a)	(sizeof(a) / sizeof((a)[0]))
#define FIXTURES	"fixtures/opml/"

static char *
test_opml_slurp(const char *name, size_t *lenp)
{
	char	 path[512], *b;
	FILE	*f;
	long	 n;

	snprintf(path, sizeof(path), FIXTURES "%s", name);
	f = fopen(path, "rb");
	assert_non_null(f);
	assert_int_equal(fseek(f, 0, SEEK_END), 0);
	n = ftell(f);
	assert_true(n >= 0);
	rewind(f);
	b = malloc(n + 1);
	assert_non_null(b);
	assert_int_equal(fread(b, 1, n, f), (size_t)n);
	b[n] = '\0';
	fclose(f);
	*lenp = n;
	return b;
}

static struct opml *
test_opml_read_file(const char *name, char *err, size_t errlen)
{
	struct opml	*o;
	size_t		 len;
	char		*b;

	b = test_opml_slurp(name, &len);
	err[0] = '\0';
	o = opml_read(b, len, err, errlen);
	free(b);
	return o;
}

static void
test_folders(void **state)
{
	static const struct {
		const char	*title;
		const char	*xml_url;
		const char	*html_url;
	} want[] = {
		{ "Top feed", "https://top.example.org/feed",
		    "https://top.example.org/" },
		{ "EUAA: news", "https://euaa.example.eu/rss.xml", NULL },
		{ "A note, not a feed", NULL, NULL },
		{ "Parent feed", "https://parent.example.org/atom", NULL },
		{ "Child feed", "http://child.example.org/rss", NULL },
		{ "Empty folder", NULL, NULL },
		{ "A page", NULL, NULL },
		{ "\xc3\x84rzte ohne Grenzen & Co",
		    "https://msf.example.de/feed?a=1&b=2", NULL },
	};
	struct opml	*o;
	char		 err[256];
	size_t		 i;

	(void)state;
	o = test_opml_read_file("folders.opml", err, sizeof(err));
	assert_non_null(o);
	assert_string_equal(o->title, "My subscriptions");
	assert_int_equal(o->n, NITEMS(want));
	for (i = 0; i < NITEMS(want); i++) {
		assert_string_equal(o->v[i].title, want[i].title);
		if (want[i].xml_url == NULL)
			assert_null(o->v[i].xml_url);
		else
			assert_string_equal(o->v[i].xml_url, want[i].xml_url);
		if (want[i].html_url == NULL)
			assert_null(o->v[i].html_url);
		else
			assert_string_equal(o->v[i].html_url,
			    want[i].html_url);
		assert_true(o->v[i].line > 0);
	}
	assert_int_equal(o->v[1].line, 12);
	opml_free(o);

	o = test_opml_read_file("opml1.opml", err, sizeof(err));
	assert_non_null(o);
	assert_int_equal(o->n, 3);
	assert_string_equal(o->v[0].title, "Caf\xc3\xa9 Europa");
	assert_string_equal(o->v[1].title,
	    "Latin-1 title: d\xc3\xa9j\xc3\xa0");
	assert_string_equal(o->v[1].xml_url, "ftp://files.example.org/feed");
	assert_null(o->v[2].title);
	opml_free(o);
	printf("opml: %zu outlines of a foldered list and 3 of an OPML 1.0 "
	    "Latin-1 list read\n", NITEMS(want));
}

static void
test_hostile(void **state)
{
	static const struct {
		const char	*file;
		const char	*want;		/* in the error */
	} cases[] = {
		{ "page.html",		"HTML page" },
		{ "xhtml.xml",		"HTML page" },
		{ "billion-laughs.opml", "" },
		{ "external-entity.opml", "DTD" },
		{ "no-body.opml",	"no <body>" },
		{ "truncated.opml",	"not well-formed XML: line" },
		{ "namespaced.opml",	"in namespace urn:example" },
		{ "rss.xml",		"root element is <rss>" },
		{ "empty.opml",		"empty document" },
		{ "blank.opml",
		    "not well-formed XML: line 2: Start tag" },
	};
	struct opml	*o;
	char		 err[256];
	size_t		 i;

	(void)state;
	for (i = 0; i < NITEMS(cases); i++) {
		o = test_opml_read_file(cases[i].file, err, sizeof(err));
		if (o != NULL)
			printf("hostile %s: accepted\n", cases[i].file);
		assert_null(o);
		if (strstr(err, cases[i].want) == NULL || err[0] == '\0')
			printf("hostile %s: [%s], want [%s]\n",
			    cases[i].file, err, cases[i].want);
		assert_non_null(strstr(err, cases[i].want));
		assert_true(err[0] != '\0');
		printf("opml: %s refused: %s\n", cases[i].file, err);
	}
	printf("opml: %zu hostile or wrong documents refused\n",
	    NITEMS(cases));
}

/* depth nested folders with one feed at the bottom. */
static char *
test_opml_nested(int depth)
{
	struct buf	b = { 0 };
	int		i;

	buf_adds(&b, "<opml version=\"2.0\"><body>");
	for (i = 0; i < depth; i++)
		buf_printf(&b, "<outline text=\"f%d\">", i);
	buf_adds(&b, "<outline text=\"deep\" xmlUrl=\"https://d.example/\"/>");
	for (i = 0; i < depth; i++)
		buf_adds(&b, "</outline>");
	buf_adds(&b, "</body></opml>");
	return buf_release(&b);
}

static void
test_nested(void **state)
{
	static const struct {
		int		 depth;
		int		 ok;
	} cases[] = {
		{ 0, 1 }, { 1, 1 }, { 31, 1 }, { 32, 0 }, { 200, 0 },
		{ 5000, 0 },		/* past libxml2's own limit */
		{ 100000, 0 },
	};
	struct opml	*o;
	char		*doc, err[256];
	size_t		 i;

	(void)state;
	for (i = 0; i < NITEMS(cases); i++) {
		doc = test_opml_nested(cases[i].depth);
		err[0] = '\0';
		o = opml_read(doc, strlen(doc), err, sizeof(err));
		if ((o != NULL) != cases[i].ok)
			printf("nested %d: got %s [%s]\n", cases[i].depth,
			    o != NULL ? "a list" : "an error", err);
		assert_int_equal(o != NULL, cases[i].ok);
		if (o != NULL) {
			assert_int_equal(o->n, 1);
			assert_string_equal(o->v[0].xml_url,
			    "https://d.example/");
		} else
			assert_true(err[0] != '\0');
		opml_free(o);
		free(doc);
	}
	printf("opml: %zu nesting depths checked (deepest refused: %s)\n",
	    NITEMS(cases), err);
}

static void
test_write(void **state)
{
	struct source	 src[4];
	struct opml	*o;
	char		*out, err[256];
	size_t		 len, i;

	(void)state;
	memset(src, 0, sizeof(src));
	src[0].id = "ecre";
	src[0].title = "ECRE";
	src[0].url = "https://ecre.org/feed/";
	src[1].id = "amp";
	src[1].title = "Quotes \" & <angles> 'and' \xc3\xa9t\xc3\xa9\n";
	src[1].url = "https://example.org/rss?a=1&b=<2>";
	src[2].id = "no-title";
	src[2].url = "http://example.net/atom.xml";
	src[3].id = "page";
	src[3].title = "A page";
	src[3].url = "https://page.example.org/news";
	src[3].type = SOURCE_HTML;

	out = opml_write(src, NITEMS(src), "List & co", 1700000000, &len,
	    err, sizeof(err));
	assert_non_null(out);
	assert_int_equal(strlen(out), len);
	assert_non_null(strstr(out, "<opml version=\"2.0\">"));
	assert_non_null(strstr(out,
	    "<dateCreated>Tue, 14 Nov 2023 22:13:20 GMT</dateCreated>"));
	assert_non_null(strstr(out, "type=\"link\""));

	o = opml_read(out, len, err, sizeof(err));
	assert_non_null(o);
	assert_string_equal(o->title, "List & co");
	assert_int_equal(o->n, NITEMS(src));
	for (i = 0; i < 3; i++) {
		assert_string_equal(o->v[i].xml_url, src[i].url);
		/* Attribute values are trimmed and the newline normalised
		 * away: compare without the final one. */
		if (src[i].title != NULL)
			assert_memory_equal(o->v[i].title, src[i].title,
			    strlen(o->v[i].title));
		else
			assert_string_equal(o->v[i].title, src[i].id);
	}
	assert_null(o->v[3].xml_url);
	assert_string_equal(o->v[3].html_url, src[3].url);
	opml_free(o);
	free(out);

	out = opml_write(NULL, 0, NULL, 0, &len, err, sizeof(err));
	assert_non_null(out);
	assert_null(strstr(out, "dateCreated"));
	o = opml_read(out, len, err, sizeof(err));
	assert_non_null(o);
	assert_int_equal(o->n, 0);
	opml_free(o);
	free(out);
	printf("opml: %zu sources written as OPML 2.0 and read back, and an "
	    "empty list\n", NITEMS(src));
}

static void
test_make_id(void **state)
{
	static const char *const taken[] = { "ecre", "ECRE-2", "frontex",
	    "source", "example-org" };
	static const struct {
		const char	*title;
		const char	*url;
		const char	*want;
	} cases[] = {
		{ "PICUM", "https://picum.org/feed", "picum" },
		{ "ECRE", "https://ecre.org/feed", "ecre-3" },
		{ "  Frontex -- News!  ", NULL, "frontex-news" },
		{ "Frontex", NULL, "frontex-2" },
		{ "\xc3\x84rzte ohne Grenzen", NULL, "arzte-ohne-grenzen" },
		{ "Caf\xc3\xa9 & cr\xc3\xa8me", NULL, "cafe-creme" },
		{ "\xce\x95\xce\xbb\xce\xbb\xce\xac\xce\xb4\xce\xb1",
		    "https://www.gcr.gr/rss", "gcr-gr" },
		{ NULL, "https://www.Example.org/x", "example-org-2" },
		{ "", "not a url", "source-2" },
		{ "!!!", NULL, "source-2" },
		{ "The European Council on Refugees and Exiles weekly "
		    "bulletin", NULL, "the-european-council-on-refugees-and" },
		{ "abcdefghijklmnopqrstuvwxyzabcdefghijklmnopqrstuvwxyz",
		    NULL, "abcdefghijklmnopqrstuvwxyzabcdefghijklmn" },
		{ "it's", NULL, "it-s" },
	};
	char	*id;
	size_t	 i;

	(void)state;
	for (i = 0; i < NITEMS(cases); i++) {
		id = opml_make_id(cases[i].title, cases[i].url, taken,
		    NITEMS(taken));
		if (strcmp(id, cases[i].want) != 0)
			printf("make_id %zu: [%s]: got [%s], want [%s]\n", i,
			    cases[i].title != NULL ? cases[i].title : "",
			    id, cases[i].want);
		assert_string_equal(id, cases[i].want);
		assert_true(strlen(id) <= 40);
		free(id);
	}
	printf("opml: %zu ids derived from titles and URLs\n",
	    NITEMS(cases));
}

/* Many equal titles: every id distinct and within 40 bytes. */
static void
test_make_id_many(void **state)
{
	const char	*taken[300];
	char		*ids[300];
	size_t		 i, j;

	(void)state;
	for (i = 0; i < NITEMS(ids); i++) {
		ids[i] = opml_make_id("A very long title that is cut at "
		    "forty bytes or so", NULL, taken, i);
		taken[i] = ids[i];
		assert_true(strlen(ids[i]) <= 40);
		for (j = 0; j < i; j++)
			assert_string_not_equal(ids[i], ids[j]);
	}
	printf("opml: %zu ids for one title, all distinct (last %s)\n",
	    NITEMS(ids), ids[NITEMS(ids) - 1]);
	for (i = 0; i < NITEMS(ids); i++)
		free(ids[i]);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_folders),
		cmocka_unit_test(test_hostile),
		cmocka_unit_test(test_nested),
		cmocka_unit_test(test_write),
		cmocka_unit_test(test_make_id),
		cmocka_unit_test(test_make_id_many),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
