/*
 * Parser tests over tests/fixtures/parse/: every format, the quirks of the
 * real-world feeds listed in shared/samples/real/SOURCES.md (each
 * reproduced by a fixture we wrote), encodings, documents that are not
 * feeds, and hostile input generated here. Every string the parser hands
 * out must be valid UTF-8, whatever went in.
 */

#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>

#include <jansson.h>

#include "date.h"
#include "entry.h"
#include "parse.h"
#include "text.h"
#include "xmalloc.h"

#define FIXTURES	"fixtures/parse/"

/* AddressSanitizer's shadow memory and quarantine inflate RSS several
 * times over: the memory bound is checked in the plain build only. */
#if defined(__SANITIZE_ADDRESS__)
#define TEST_ASAN	1
#elif defined(__has_feature)
#if __has_feature(address_sanitizer)
#define TEST_ASAN	1
#endif
#endif
#ifndef TEST_ASAN
#define TEST_ASAN	0
#endif

static bool
test_under_asan(void)
{
	return TEST_ASAN;
}

static char *
slurp(const char *name, size_t *len)
{
	char	 path[512];
	FILE	*fp;
	char	*buf;
	long	 n;

	snprintf(path, sizeof(path), FIXTURES "%s", name);
	fp = fopen(path, "rb");
	if (fp == NULL)
		fail_msg("cannot open %s", path);
	fseek(fp, 0, SEEK_END);
	n = ftell(fp);
	fseek(fp, 0, SEEK_SET);
	buf = xmalloc(n + 1);
	if (n > 0 && fread(buf, 1, n, fp) != (size_t)n)
		fail_msg("short read on %s", path);
	buf[n] = '\0';
	fclose(fp);
	*len = n;
	return buf;
}

static struct feed *
parse_fixture(const char *name, const char *url, char *err, size_t errlen)
{
	struct parse_opts	 opts = { .url = url };
	struct feed		*f;
	size_t			 len;
	char			*buf = slurp(name, &len);

	f = parse_feed(buf, len, &opts, err, errlen);
	free(buf);
	return f;
}

static const char *
date_str(time_t t, char *buf)
{
	if (t == DATE_NONE)
		return "none";
	return date_format(t, buf, DATE_STRLEN);
}

static void
check_str(const char *what, const char *got, const char *want)
{
	if (want == NULL) {
		if (got != NULL)
			fail_msg("%s: want absent, got \"%s\"", what, got);
		return;
	}
	if (got == NULL || strcmp(got, want) != 0)
		fail_msg("%s: want \"%s\", got \"%s\"", what, want,
		    got != NULL ? got : "(null)");
}

static void
check_utf8(const char *what, const char *s)
{
	if (s == NULL)
		return;
	if (text_utf8_valid_len(s, strlen(s)) != strlen(s))
		fail_msg("%s: invalid UTF-8 in \"%s\"", what, s);
}

/* Every string of the feed: valid UTF-8. Returns how many were checked. */
static size_t
check_feed_utf8(const struct feed *f)
{
	size_t	n = 0;

	check_utf8("feed title", f->title);
	check_utf8("feed subtitle", f->subtitle);
	check_utf8("feed link", f->link);
	check_utf8("feed id", f->id);
	n += 4;
	for (size_t i = 0; i < f->nentries; i++) {
		const struct entry	*e = &f->entries[i];

		check_utf8("title", e->title);
		check_utf8("link", e->link);
		check_utf8("id", e->id);
		check_utf8("summary", e->summary);
		check_utf8("content", e->content);
		n += 5;
		for (size_t j = 0; j < e->nauthors; j++) {
			check_utf8("author", e->authors[j].name);
			n++;
		}
		for (size_t j = 0; j < e->ncategories; j++) {
			check_utf8("category", e->categories[j].term);
			n++;
		}
	}
	return n;
}

/* ------------------------------------------------------------------ */

static const struct {
	const char	*file;
	const char	*url;
	int		 ok;
	int		 bozo;
	enum feed_format format;
	size_t		 nentries;
	const char	*feed_title;
	const char	*title;		/* first entry */
	const char	*link;
	const char	*date;		/* published, else updated */
} cases[] = {
	{ "rss2-full.xml", NULL, 1, 0, FEED_RSS20, 2, "Asylum Watch",
	  "Council adopts screening regulation",
	  "https://asylum-watch.example.org/2026/11/screening",
	  "2026-11-02T14:30:00Z" },
	{ "rss090.xml", NULL, 1, 0, FEED_RSS090, 2, "Netscape-era list",
	  "Resettlement pledges announced",
	  "http://old.example.org/resettlement", "none" },
	{ "rss091.xml", NULL, 1, 0, FEED_RSS091, 1, "RSS 0.91 bulletin",
	  "Relocation: first transfers",
	  "http://bulletin.example.org/relocation", "none" },
	{ "rss092.xml", NULL, 1, 0, FEED_RSS092, 1, "RSS 0.92 notes",
	  NULL, NULL, "none" },
	{ "rss10.xml", NULL, 1, 0, FEED_RSS10, 1, "RDF news",
	  "Grenzverfahren: Einigung im Rat", "https://rdf.example.org/a",
	  "2026-06-13T00:00:00Z" },
	{ "atom10-full.xml", NULL, 1, 0, FEED_ATOM10, 2, "Agency news",
	  "Solidarity <b>pool</b> set",
	  "https://agency.example.eu/news/2026/solidarity-pool",
	  "2026-11-01T08:00:00Z" },
	{ "atom03.xml", NULL, 1, 0, FEED_ATOM03, 1, "Old &lt;Atom&gt; feed",
	  "Legal pathways", "http://legacy.example.org/pathways",
	  "2026-01-04T09:00:00Z" },
	{ "jsonfeed11.json", "https://json.example.org/feed.json", 1, 0,
	  FEED_JSON11, 2, "JSON migration brief",
	  "Crisis regulation enters into force", "https://json.example.org/1",
	  "2026-06-12T06:00:00Z" },
	{ "jsonfeed10.json", NULL, 1, 0, FEED_JSON10, 1, "Old JSON",
	  "External", "https://ext.example.org/a", "2026-02-01T00:00:00Z" },
	{ "truncated.xml", NULL, 1, 1, FEED_RSS20, 2, "Cut short",
	  "Complete item", "https://cut.example.org/1", "none" },
	{ "undeclared-prefix.xml", NULL, 1, 1, FEED_RSS20, 1,
	  "No namespace declared", "Prefixed creator",
	  "https://ns.example.org/1", "none" },

	/* The real-world quirks of SOURCES.md, one fixture each. */
	{ "quirk-presscorner.xml", NULL, 1, 0, FEED_RSS20, 2,
	  "Press releases - RSS",
	  "Commission proposes \u20ac3 billion for the Asylum, Migration and "
	  "Integration Fund",
	  "https://commission.example.eu/presscorner/detail/en/ip_26_1234",
	  "2026-10-20T22:00:00Z" },
	{ "quirk-wordpress.xml", NULL, 1, 0, FEED_RSS20, 1,
	  "EU Observer-like",
	  "Frontex\u2019s new mandate \u2018under scrutiny\u2019",
	  "https://observer.example.com/migration/ar1a2b3c",
	  "2026-11-05T06:12:44Z" },
	{ "quirk-drupal.xml", NULL, 1, 0, FEED_RSS20, 2, "Agency press",
	  "Report on reception conditions 2024",
	  "https://agency.example.eu/publications/reception-2024",
	  "2024-05-02T12:00:00Z" },
	{ "quirk-govuk-atom.xml", NULL, 1, 0, FEED_ATOM10, 1,
	  "Visas and Immigration - Activity on GOV.UK",
	  "\u201cReturns agreement\u201d signed with partner country",
	  "https://gov.example.uk/government/news/returns-agreement",
	  "2026-11-04T16:51:33Z" },
	{ "quirk-wordpress-atom.xml", NULL, 1, 0, FEED_ATOM10, 1,
	  "Office blog",
	  "Guidance on &#8216;safe third country&#8217; lists",
	  "https://blog.example.uk/2026/10/28/guidance/",
	  "2026-10-28T09:30:00Z" },
	{ "quirk-empty-elements.xml", NULL, 1, 0, FEED_RSS20, 1,
	  "Justice News", "Visa fraud ring charged",
	  "https://justice.example.gov/news/visa-fraud",
	  "2026-11-02T20:04:05Z" },
	{ "quirk-latin1-decl.xml", NULL, 1, 0, FEED_RSS20, 1,
	  "Today in Energy \u2014 and migration",
	  "Seasonal workers and the grid",
	  "https://energy.example.gov/today/detail?id=6612",
	  "2026-07-31T14:00:00Z" },
	/* Declares us-ascii, sends UTF-8: libxml2's ASCII decoder would
	 * stop at the first accent and lose the feed. */
	{ "quirk-ascii-decl-utf8.xml", NULL, 1, 0, FEED_RSS20, 2,
	  "Asyl \u00e9t\u00e9 news",
	  "R\u00e9installation: the \u20ac2 billion pledge",
	  "https://ascii.example.org/1", "2026-11-03T10:00:00Z" },
	{ "quirk-rdf-latin1.xml", NULL, 1, 0, FEED_RSS10, 1,
	  "Nachrichten f\u00fcr Migration",
	  "R\u00fcckf\u00fchrungen: neue Regeln f\u00fcr die "
	  "Grenz\u00fcberwachung",
	  "https://news.example.de/artikel/1", "2026-03-10T17:30:00Z" },
	{ "quirk-bom-cdata.xml", NULL, 1, 0, FEED_RSS20, 1,
	  "Board press releases", "Statement on labour migration data",
	  "https://board.example.gov/news/2026-11-02.htm",
	  "2026-11-02T14:00:00Z" },
	{ "quirk-xmlbase-a10.xml", NULL, 1, 0, FEED_RSS20, 2,
	  "Press releases", "Rate decision and refugee housing",
	  "https://bank.example.se/en-gb/press/2026/rate-decision/",
	  "2026-09-23T05:30:00Z" },
	{ "quirk-no-decl.xml", NULL, 1, 0, FEED_RSS20, 1, "Supervisor news",
	  "Aufsicht \u00fcber Asylunterk\u00fcnfte",
	  "https://sup.example.ch/de/news/2026/11/asyl/",
	  "2026-11-04T07:00:00Z" },
	{ "quirk-odd-dates.xml", NULL, 1, 0, FEED_RSS20, 1,
	  "Board circulars", "Circular on overseas workers\u200b",
	  "https://circ.example.in/c/1", "2026-07-30T18:30:00Z" },
	{ "quirk-bare-amp.xml", NULL, 1, 1, FEED_RSS20, 3,
	  "Administrative Proceedings", "First Firm LLC",
	  "https://sec.example.gov/files/1.pdf", "none" },
	{ "quirk-relative-links.xml", NULL, 1, 0, FEED_RSS20, 1,
	  "Trade news \u2014 latest", "Mobility of service suppliers",
	  "http://trade.example.org/english/news_e/news26_e/serv_01nov26_e.htm",
	  "2026-11-01T00:00:00Z" },
	{ "quirk-wrong-content-ns.xml", NULL, 1, 0, FEED_RSS20, 1,
	  "Regional news",
	  "\u2713 Erstaufnahme erweitert \u25ba mehr Pl\u00e4tze",
	  "https://regional.example.de/nord/erstaufnahme-100.html",
	  "2026-11-03T15:45:00Z" },

	/* Encodings. */
	{ "enc-utf16le-bom.xml", NULL, 1, 0, FEED_RSS20, 1,
	  "Caf\u00e9 \u00e0 Bruxelles \u2013 r\u00e9fugi\u00e9s",
	  "\u00c9tat des lieux", "https://enc.example.org/1", "none" },
	{ "enc-utf16be-bom.xml", NULL, 1, 0, FEED_RSS20, 1,
	  "Caf\u00e9 \u00e0 Bruxelles \u2013 r\u00e9fugi\u00e9s",
	  "\u00c9tat des lieux", "https://enc.example.org/1", "none" },
	{ "enc-utf16le-nobom.xml", NULL, 1, 0, FEED_RSS20, 1,
	  "Caf\u00e9 \u00e0 Bruxelles \u2013 r\u00e9fugi\u00e9s",
	  "\u00c9tat des lieux", "https://enc.example.org/1", "none" },
	{ "enc-iso-8859-15.xml", NULL, 1, 0, FEED_RSS20, 1,
	  "Caf\u00e9 \u00e0 Bruxelles - r\u00e9fugi\u00e9s",
	  "\u00c9tat des lieux", "https://enc.example.org/1", "none" },
	{ "enc-windows-1252.xml", NULL, 1, 0, FEED_RSS20, 1,
	  "\u201cQuoted\u201d \u2013 \u20ac5", "caf\u00e9", NULL, "none" },
	{ "enc-undeclared-latin1.xml", NULL, 1, 1, FEED_RSS20, 1,
	  "Caf\u00e9 sans d\u00e9claration", "ok", NULL, "none" },
	{ "enc-unknown.xml", NULL, 1, 1, FEED_RSS20, 1, "Unknown",
	  "still read", NULL, "none" },

	/* Not feeds. */
	{ "html-page.html", NULL, 0, 0, FEED_UNKNOWN, 0, NULL, NULL, NULL,
	  NULL },
	{ "xhtml-page.xml", NULL, 0, 0, FEED_UNKNOWN, 0, NULL, NULL, NULL,
	  NULL },
	{ "other-xml.xml", NULL, 0, 0, FEED_UNKNOWN, 0, NULL, NULL, NULL,
	  NULL },
	{ "empty.xml", NULL, 0, 0, FEED_UNKNOWN, 0, NULL, NULL, NULL, NULL },
	{ "blank.xml", NULL, 0, 0, FEED_UNKNOWN, 0, NULL, NULL, NULL, NULL },
};

static void
test_fixtures(void **state)
{
	char		 err[256], d[DATE_STRLEN];
	size_t		 nstrings = 0;
	struct feed	*f;

	(void)state;
	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		f = parse_fixture(cases[i].file, cases[i].url, err,
		    sizeof(err));
		if (!cases[i].ok) {
			if (f != NULL)
				fail_msg("%s: parsed, want \"not a feed\"",
				    cases[i].file);
			if (strncmp(err, "not a feed: ", 12) != 0)
				fail_msg("%s: unclear error \"%s\"",
				    cases[i].file, err);
			continue;
		}
		if (f == NULL)
			fail_msg("%s: %s", cases[i].file, err);
		if (f->bozo != (cases[i].bozo != 0))
			fail_msg("%s: bozo %d (%s), want %d", cases[i].file,
			    f->bozo, f->bozo_reason ? f->bozo_reason : "",
			    cases[i].bozo);
		if (f->bozo && (f->bozo_reason == NULL ||
		    strchr(f->bozo_reason, '\n') != NULL))
			fail_msg("%s: bozo needs a one-line reason",
			    cases[i].file);
		if (f->format != cases[i].format)
			fail_msg("%s: format %s", cases[i].file,
			    feed_format_name(f->format));
		if (f->nentries != cases[i].nentries)
			fail_msg("%s: %zu entries, want %zu", cases[i].file,
			    f->nentries, cases[i].nentries);
		check_str(cases[i].file, f->title, cases[i].feed_title);
		check_str(cases[i].file, f->entries[0].title, cases[i].title);
		check_str(cases[i].file, f->entries[0].link, cases[i].link);
		check_str(cases[i].file, date_str(f->entries[0].published !=
		    DATE_NONE ? f->entries[0].published : f->entries[0].updated,
		    d), cases[i].date);
		nstrings += check_feed_utf8(f);
		feed_free(f);
	}
	printf("parse: %zu fixtures (formats, 15 real-world quirks, "
	    "encodings, non-feeds) as expected; %zu strings valid UTF-8\n",
	    sizeof(cases) / sizeof(cases[0]), nstrings);
}

/* The details each quirk is about. */
static void
test_quirk_details(void **state)
{
	char			 err[256], d[DATE_STRLEN];
	struct feed		*f;
	const struct entry	*e;

	(void)state;
	f = parse_fixture("rss2-full.xml", NULL, err, sizeof(err));
	assert_non_null(f);
	e = &f->entries[0];
	check_str("rss2 id", e->id, "aw-2026-0412");
	assert_false(e->guid_permalink);
	check_str("rss2 author", e->authors[0].name, "Ana M\u00fcller");
	assert_int_equal(e->ncategories, 2);
	check_str("rss2 cat scheme", e->categories[0].scheme,
	    "https://asylum-watch.example.org/tags");
	check_str("rss2 enclosure", e->enclosures[0].href,
	    "https://asylum-watch.example.org/audio/screening.mp3");
	check_str("rss2 enclosure length", e->enclosures[0].length, "123456");
	check_str("rss2 summary", e->summary, "<p>The Council adopted the "
	    "<b>screening</b> regulation.</p>");
	assert_int_equal(e->summary_type, TEXT_HTML);
	check_str("rss2 content", e->content, "<p>Full text with <a href="
	    "\"/docs/screening.pdf\">the regulation</a>.</p>");
	check_str("rss2 base", e->base, "https://asylum-watch.example.org/");
	/* A permalink guid stands in for a missing link. */
	check_str("rss2 guid link", f->entries[1].link,
	    "https://asylum-watch.example.org/2026/10/eurodac");
	check_str("rss2 author email", f->entries[1].authors[0].email,
	    "editor@asylum-watch.example.org");
	check_str("rss2 author name", f->entries[1].authors[0].name,
	    "Jean Dupont");
	check_str("rss2 lang", f->lang, "en");
	check_str("rss2 feed updated", date_str(f->updated, d),
	    "2026-11-03T08:15:00Z");
	assert_int_equal(f->ttl, 90 * 60);
	assert_int_equal(f->update_period, 86400 / 4);
	assert_int_equal(f->skip_hours, (1u << 0) | (1u << 1) | (1u << 23));
	assert_int_equal(f->skip_days, (1u << 0) | (1u << 6));
	check_str("rss2 self link", f->links[0].href,
	    "https://asylum-watch.example.org/feed/");
	feed_free(f);

	f = parse_fixture("atom10-full.xml", "https://agency.example.eu/feed",
	    err, sizeof(err));
	assert_non_null(f);
	check_str("atom feed link", f->link, "https://agency.example.eu/news/");
	check_str("atom self", f->links[0].href,
	    "https://agency.example.eu/news/feed.atom");
	check_str("atom author uri", f->authors[0].uri,
	    "https://agency.example.eu/press");
	check_str("atom category label", f->categories[0].label, "Asylum");
	check_str("atom subtitle", f->subtitle, "Press <em>releases</em>");
	e = &f->entries[0];
	assert_int_equal(e->title_type, TEXT_XHTML);
	check_str("atom enclosure", e->enclosures[0].href,
	    "https://agency.example.eu/files/pool.pdf");
	assert_int_equal(e->nlinks, 3);
	check_str("atom related", e->links[2].rel, "related");
	check_str("atom content base", e->base,
	    "https://agency.example.eu/content/");
	check_str("atom content", e->content,
	    "<p>See <a href=\"pool.html\">the pool</a>.</p>");
	check_str("atom updated", date_str(e->updated, d),
	    "2026-11-02T08:30:00Z");
	check_str("atom lang", e->lang, "en");
	check_str("atom lang fr", f->entries[1].lang, "fr");
	check_str("atom text content", f->entries[1].content,
	    "Le contr\u00f4le <filtrage> commence.");
	assert_int_equal(f->entries[1].content_type, TEXT_PLAIN);
	feed_free(f);

	f = parse_fixture("atom03.xml", NULL, err, sizeof(err));
	assert_non_null(f);
	check_str("atom03 base64", f->entries[0].content,
	    "<p>Talent partnerships</p>");
	check_str("atom03 author url", f->entries[0].authors[0].uri,
	    "http://legacy.example.org/desk");
	check_str("atom03 tagline", f->subtitle, "Atom 0.3 still exists");
	feed_free(f);

	f = parse_fixture("jsonfeed11.json", "https://json.example.org/feed.json",
	    err, sizeof(err));
	assert_non_null(f);
	check_str("json content", f->entries[0].content,
	    "<p>The <b>crisis</b> regulation applies.</p>");
	check_str("json tag", f->entries[0].categories[1].term, "force majeure");
	check_str("json attachment", f->entries[0].enclosures[0].length, "1000");
	check_str("json numeric id", f->entries[1].id, "2");
	check_str("json relative url", f->entries[1].link,
	    "https://json.example.org/2");
	feed_free(f);

	f = parse_fixture("quirk-presscorner.xml", NULL, err, sizeof(err));
	assert_non_null(f);
	check_str("presscorner channel link", f->link,
	    "https://commission.example.eu/presscorner/api/rss?language=en&"
	    "pagesize=20");
	check_str("presscorner category", f->entries[0].categories[1].term,
	    "COMPETY,STATAID");
	assert_true(f->entries[0].guid_permalink);
	assert_non_null(strchr(f->entries[0].summary, '\n'));
	feed_free(f);

	f = parse_fixture("quirk-wordpress.xml", NULL, err, sizeof(err));
	assert_non_null(f);
	check_str("wordpress creator", f->entries[0].authors[0].name,
	    "Zo\u00eb Kov\u00e1\u010d");
	check_str("wordpress category", f->entries[0].categories[0].term,
	    "Migration");
	check_str("wordpress guid", f->entries[0].id,
	    "https://observer.example.com/?p=224203");
	assert_false(f->entries[0].guid_permalink);
	assert_int_equal(f->update_period, 3600);
	assert_non_null(strstr(f->entries[0].summary, "srcset="));
	feed_free(f);

	f = parse_fixture("quirk-drupal.xml", NULL, err, sizeof(err));
	assert_non_null(f);
	check_str("drupal empty subtitle", f->subtitle, "");
	assert_non_null(strstr(f->entries[0].summary,
	    "Reception &amp;amp; integration"));
	check_str("drupal guid", f->entries[0].id,
	    "19908 at https://agency.example.eu");
	check_str("drupal not date-ordered", date_str(f->entries[1].published,
	    d), "2026-10-14T09:00:00Z");
	feed_free(f);

	f = parse_fixture("quirk-govuk-atom.xml", NULL, err, sizeof(err));
	assert_non_null(f);
	check_str("govuk lang", f->lang, "en-GB");
	check_str("govuk id", f->entries[0].id, "https://gov.example.uk/"
	    "government/news/returns-agreement#2026-11-04T16:51:33Z");
	assert_true(f->entries[0].published == DATE_NONE);
	check_str("govuk category", f->entries[0].categories[0].label,
	    "News story");
	feed_free(f);

	f = parse_fixture("quirk-wordpress-atom.xml", NULL, err, sizeof(err));
	assert_non_null(f);
	e = &f->entries[0];
	assert_int_equal(e->title_type, TEXT_HTML);
	check_str("wp atom content base", e->base,
	    "https://blog.example.uk/2026/10/28/guidance/");
	assert_non_null(strstr(e->content, "&nbsp;"));
	check_str("wp atom updated", date_str(e->updated, d),
	    "2026-10-28T10:00:21Z");
	check_str("wp atom category scheme", e->categories[0].scheme,
	    "https://blog.example.uk");
	feed_free(f);

	f = parse_fixture("quirk-empty-elements.xml", NULL, err, sizeof(err));
	assert_non_null(f);
	check_str("empty description", f->entries[0].summary, "");
	assert_int_equal(f->entries[0].nauthors, 0);
	assert_true(f->entries[0].guid_permalink);
	feed_free(f);

	f = parse_fixture("quirk-rdf-latin1.xml", NULL, err, sizeof(err));
	assert_non_null(f);
	check_str("rdf id", f->entries[0].id, "https://news.example.de/artikel/1");
	check_str("rdf content", f->entries[0].content,
	    "<p>Gr\u00f6\u00dfere \u00c4nderungen.</p>");
	check_str("rdf creator", f->entries[0].authors[0].name,
	    "Sch\u00e4fer");
	check_str("rdf self", f->links[0].href, "https://news.example.de/rss.php");
	feed_free(f);

	f = parse_fixture("quirk-bom-cdata.xml", NULL, err, sizeof(err));
	assert_non_null(f);
	check_str("cdata guid", f->entries[0].id,
	    "https://board.example.gov/news/2026-11-02.htm");
	assert_int_equal(f->entries[0].ncategories, 2);
	feed_free(f);

	f = parse_fixture("quirk-xmlbase-a10.xml", NULL, err, sizeof(err));
	assert_non_null(f);
	check_str("per-item base", f->entries[1].link,
	    "https://bank.example.se/en-gb/speeches/speech-1/");
	assert_int_equal(f->ttl, 3600);
	feed_free(f);

	f = parse_fixture("quirk-no-decl.xml", NULL, err, sizeof(err));
	assert_non_null(f);
	check_str("braced guid", f->entries[0].id,
	    "{7C828195-0F3A-4B6E-9D41-3B2E5A9C1D70}");
	check_str("escaped br", f->entries[0].summary,
	    "Erste Zeile<br />Zweite Zeile");
	check_str("channel language", f->lang, "en");
	feed_free(f);

	f = parse_fixture("quirk-odd-dates.xml", NULL, err, sizeof(err));
	assert_non_null(f);
	check_str("no-zone build date", date_str(f->updated, d),
	    "2026-08-01T22:00:02Z");
	assert_int_equal(f->ttl, 1800);
	feed_free(f);

	f = parse_fixture("quirk-bare-amp.xml", NULL, err, sizeof(err));
	assert_non_null(f);
	check_str("bare amp kept", f->entries[1].title, "Morgan & Partners LLC");
	check_str("bare amp last", f->entries[2].title, "Smith, Jones & Co");
	check_str("link newline trimmed", f->entries[2].link,
	    "https://sec.example.gov/files/3.pdf");
	assert_non_null(strstr(f->bozo_reason, "line 5"));
	feed_free(f);

	/* No xml:base, no document URL: content resolves against the
	 * channel link. */
	f = parse_fixture("quirk-relative-links.xml", NULL, err, sizeof(err));
	assert_non_null(f);
	check_str("relative base", f->entries[0].base, "http://trade.example.org");
	feed_free(f);

	f = parse_fixture("quirk-wrong-content-ns.xml", NULL, err, sizeof(err));
	assert_non_null(f);
	check_str("https content ns", f->entries[0].content,
	    "<p>Die Erstaufnahme bekommt mehr Pl\u00e4tze.</p>");
	check_str("source does not override title", f->entries[0].title,
	    "\u2713 Erstaufnahme erweitert \u25ba mehr Pl\u00e4tze");
	check_str("zero length enclosure", f->entries[0].enclosures[0].length,
	    "0");
	feed_free(f);

	f = parse_fixture("undeclared-prefix.xml", NULL, err, sizeof(err));
	assert_non_null(f);
	check_str("undeclared dc prefix", f->entries[0].authors[0].name,
	    "Undeclared Prefix");
	assert_non_null(strstr(f->bozo_reason, "dc"));
	feed_free(f);
	printf("parse: field details of every format and quirk as expected\n");
}

static void
test_content_type_charset(void **state)
{
	struct parse_opts	 opts = { .content_type =
				    "application/rss+xml; charset=ISO-8859-1" };
	struct feed		*f;
	char			*buf, err[256];
	size_t			 len;

	(void)state;
	buf = slurp("enc-content-type.xml", &len);
	f = parse_feed(buf, len, &opts, err, sizeof(err));
	assert_non_null(f);
	check_str("charset from HTTP", f->title, "K\u00f6ln");
	assert_false(f->bozo);
	feed_free(f);
	free(buf);
	printf("parse: HTTP charset honoured when the document declares none\n");
}

/* ------------------------------------------------------------------
 * Hostile input, generated here.
 */

static struct feed *
parse_string(const char *s, size_t len, char *err, size_t errlen)
{
	struct parse_opts	opts = { .url = "https://hostile.example/" };

	return parse_feed(s, len, &opts, err, errlen);
}

static char *
repeat(const char *head, const char *unit, size_t n, const char *tail)
{
	struct buf	b = { 0 };

	buf_adds(&b, head);
	for (size_t i = 0; i < n; i++)
		buf_adds(&b, unit);
	buf_adds(&b, tail);
	return buf_release(&b);
}

static bool
feed_mentions(const struct feed *f, const char *needle)
{
	char	*json = parse_feed_json(f);
	bool	 found = strstr(json, needle) != NULL;

	free(json);
	return found;
}

static void
test_hostile(void **state)
{
	struct feed	*f;
	struct rusage	 ru;
	char		 err[256], *doc;
	size_t		 n = 0;
	unsigned int	 seed = 12345;

	(void)state;
	/* Billion laughs: entities are never expanded. */
	doc = repeat("<?xml version=\"1.0\"?>\n<!DOCTYPE rss [\n"
	    "<!ENTITY a \"aaaaaaaaaa\">\n"
	    "<!ENTITY b \"&a;&a;&a;&a;&a;&a;&a;&a;&a;&a;\">\n"
	    "<!ENTITY c \"&b;&b;&b;&b;&b;&b;&b;&b;&b;&b;\">\n"
	    "<!ENTITY d \"&c;&c;&c;&c;&c;&c;&c;&c;&c;&c;\">\n"
	    "<!ENTITY e \"&d;&d;&d;&d;&d;&d;&d;&d;&d;&d;\">\n"
	    "<!ENTITY f \"&e;&e;&e;&e;&e;&e;&e;&e;&e;&e;\">\n"
	    "<!ENTITY g \"&f;&f;&f;&f;&f;&f;&f;&f;&f;&f;\">\n"
	    "<!ENTITY h \"&g;&g;&g;&g;&g;&g;&g;&g;&g;&g;\">\n"
	    "<!ENTITY i \"&h;&h;&h;&h;&h;&h;&h;&h;&h;&h;\">\n]>\n"
	    "<rss version=\"2.0\"><channel><title>laughs</title>",
	    "<item><title>&i;</title></item>", 1000, "</channel></rss>");
	f = parse_string(doc, strlen(doc), err, sizeof(err));
	if (f != NULL) {
		assert_false(feed_mentions(f, "aaaaaaaaaaaaaaaaaaaa"));
		feed_free(f);
	}
	free(doc);
	n++;

	/* A million references to one internal entity cannot amplify. */
	doc = repeat("<!DOCTYPE rss [<!ENTITY big \"0123456789012345678901234"
	    "5678901234567890123456789012345678901234567890123456789\">]>"
	    "<rss version=\"2.0\"><channel><item><title>", "&big;", 1000000,
	    "</title></item></channel></rss>");
	f = parse_string(doc, strlen(doc), err, sizeof(err));
	if (f != NULL) {
		assert_true(f->nentries == 0 || f->entries[0].title == NULL ||
		    strlen(f->entries[0].title) <= strlen(doc));
		feed_free(f);
	}
	free(doc);
	n++;

	/* XXE: a local file never appears. */
	doc = xstrdup("<?xml version=\"1.0\"?>\n<!DOCTYPE rss [<!ENTITY xxe "
	    "SYSTEM \"file:///etc/passwd\">]>\n<rss version=\"2.0\"><channel>"
	    "<title>x</title><item><title>&xxe;</title></item></channel></rss>");
	f = parse_string(doc, strlen(doc), err, sizeof(err));
	assert_non_null(f);
	assert_false(feed_mentions(f, "root:"));
	feed_free(f);
	free(doc);
	n++;

	/* Parameter-entity XXE and an external DTD: nothing is loaded. */
	doc = xstrdup("<?xml version=\"1.0\"?>\n<!DOCTYPE rss [<!ENTITY % pe "
	    "SYSTEM \"file:///etc/passwd\"> %pe; <!ENTITY % r SYSTEM "
	    "\"http://127.0.0.1:9/x.dtd\"> %r;]>\n<rss version=\"2.0\">"
	    "<channel><title>pe</title><item><title>t</title></item>"
	    "</channel></rss>");
	f = parse_string(doc, strlen(doc), err, sizeof(err));
	if (f != NULL) {
		assert_false(feed_mentions(f, "root:"));
		feed_free(f);
	}
	free(doc);
	doc = xstrdup("<!DOCTYPE rss SYSTEM \"file:///etc/passwd\">"
	    "<rss version=\"0.91\"><channel><title>ext&nbsp;dtd</title><item>"
	    "<title>t&eacute;</title></item></channel></rss>");
	f = parse_string(doc, strlen(doc), err, sizeof(err));
	assert_non_null(f);
	assert_false(feed_mentions(f, "root:"));
	check_str("html entity after external DTD", f->entries[0].title,
	    "t\u00e9");
	feed_free(f);
	free(doc);
	n += 2;

	/* Deep nesting. */
	doc = repeat("<rss version=\"2.0\"><channel><item><title>deep</title>",
	    "<x>", 100000, "</channel></rss>");
	f = parse_string(doc, strlen(doc), err, sizeof(err));
	assert_non_null(f);
	assert_true(f->bozo);
	check_str("deep", f->entries[0].title, "deep");
	feed_free(f);
	free(doc);
	n++;

	/* A 20 MB attribute and a 20 MB text node. */
	doc = repeat("<rss version=\"2.0\"><channel><item><title>before</title>"
	    "<link a=\"", "AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA"
	    "AAAAAA", 20 * 1024 * 1024 / 64, "\">x</link></item></channel></rss>");
	/* libxml2 stops at the over-long attribute: a safe partial result
	 * (or a clear error), flagged, never the attribute itself. */
	f = parse_string(doc, strlen(doc), err, sizeof(err));
	if (f != NULL) {
		assert_true(f->bozo);
		assert_non_null(f->bozo_reason);
		assert_false(feed_mentions(f, "AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA"));
		feed_free(f);
	}
	free(doc);
	doc = repeat("<rss version=\"2.0\"><channel><item><title>", "AAAAAAAAAA"
	    "AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA",
	    20 * 1024 * 1024 / 64, "</title></item></channel></rss>");
	f = parse_string(doc, strlen(doc), err, sizeof(err));
	if (f != NULL) {
		assert_true(f->bozo);
		feed_free(f);
	}
	free(doc);
	n += 2;

	/* Invalid UTF-8 and NUL bytes: repaired, never fatal. */
	{
		static const char bad[] = "<rss version=\"2.0\"><channel>"
		    "<item><title>caf\xe9 \xff\xfe \xc3\x28 ok</title></item>"
		    "</channel></rss>";
		static const char nul[] = "<rss version=\"2.0\"><channel>"
		    "<item><title>a\0b</title></item>\0<item><title>two"
		    "</title></item></channel></rss>";

		f = parse_string(bad, sizeof(bad) - 1, err, sizeof(err));
		assert_non_null(f);
		assert_true(f->bozo);
		check_feed_utf8(f);
		assert_non_null(strstr(f->entries[0].title, "ok"));
		feed_free(f);
		f = parse_string(nul, sizeof(nul) - 1, err, sizeof(err));
		assert_non_null(f);
		assert_true(f->bozo);
		assert_int_equal(f->nentries, 2);
		check_str("NUL dropped", f->entries[0].title, "ab");
		feed_free(f);
		n += 2;
	}

	/* Random bytes, and random bytes after a valid start. */
	for (int round = 0; round < 50; round++) {
		size_t	 len = 1 + rand_r(&seed) % 65536;
		char	*rnd = xmalloc(len + 64);

		for (size_t i = 0; i < len; i++)
			rnd[i] = (char)(rand_r(&seed) & 0xff);
		if (round % 2 == 1) {
			memcpy(rnd, "<rss version=\"2.0\"><channel><item>", 34);
			if (len < 34)
				len = 34;
		}
		f = parse_string(rnd, len, err, sizeof(err));
		if (f != NULL) {
			check_feed_utf8(f);
			feed_free(f);
		} else
			assert_true(strncmp(err, "not a feed: ", 12) == 0);
		free(rnd);
		n++;
	}

	getrusage(RUSAGE_SELF, &ru);
	/* The 20 MB inputs are the largest thing alive; the parser itself
	 * must not multiply them. */
	if (!test_under_asan() && ru.ru_maxrss > 400 * 1024)
		fail_msg("peak RSS %ld KiB", ru.ru_maxrss);
	printf("parse: %zu hostile inputs (billion laughs, entity flood, XXE, "
	    "parameter XXE, external DTD, 100k-deep nesting, 20 MB attribute, "
	    "20 MB text, invalid UTF-8, NUL, 50 random) ended cleanly; "
	    "peak RSS %ld MiB\n", n, ru.ru_maxrss / 1024);
}

/* Memory grows with entries kept: a cap keeps a 100k-entry feed small. */
static void
test_max_entries(void **state)
{
	struct parse_opts	 opts = { .max_entries = 50 };
	struct feed		*f;
	char			*doc, err[256];

	(void)state;
	doc = repeat("<rss version=\"2.0\"><channel><title>flood</title>",
	    "<item><title>same</title><guid>g</guid></item>", 100000,
	    "</channel></rss>");
	f = parse_feed(doc, strlen(doc), &opts, err, sizeof(err));
	assert_non_null(f);
	assert_int_equal(f->nentries, 50);
	assert_int_equal(f->nskipped, 100000 - 50);
	feed_free(f);
	free(doc);
	printf("parse: 100000-entry feed capped at 50 kept, 99950 counted as "
	    "skipped\n");
}

/* Inputs the fuzzer once broke the parser with, kept as fixtures: every
 * option combination the fuzz target tries must give valid UTF-8. */
static void
test_fuzz_regressions(void **state)
{
	static const char *files[] = {
		"regress-fuzz-invalid-utf8.xml",
	};
	struct parse_opts	 opts;
	struct feed		*f;
	char			*buf, err[256];
	size_t			 len, n = 0;

	(void)state;
	for (size_t i = 0; i < sizeof(files) / sizeof(files[0]); i++) {
		buf = slurp(files[i], &len);
		for (int mode = 0; mode < 8; mode++) {
			memset(&opts, 0, sizeof(opts));
			opts.url = (mode & 1) ? "https://fuzz.example/d/f.xml" :
			    NULL;
			opts.content_type = (mode & 2) ?
			    "application/xml; charset=iso-8859-2" : NULL;
			opts.max_entries = (mode & 4) ? 5 : 0;
			if ((f = parse_feed(buf, len, &opts, err,
			    sizeof(err))) == NULL)
				continue;
			check_feed_utf8(f);
			assert_true(f->bozo);
			feed_free(f);
			n++;
		}
		free(buf);
	}
	printf("parse: %zu fuzz regression parses, every string valid "
	    "UTF-8\n", n);
}

/*
 * Value shapes: a value is copied straight into the arena when its
 * element holds one text node, and put together in scratch memory when
 * more follows (a comment, CDATA, an entity, markup, a div); both ways
 * must give what the reader's text says, trimmed, with ids' inner
 * whitespace collapsed, whatever the size (over 16 KB a value gets its
 * own arena chunk).
 */
static void
test_value_shapes(void **state)
{
	static const struct {
		const char	*guid;		/* "" in, absent out */
		const char	*desc;
		const char	*want_id;
		const char	*want_summary;
	} shapes[] = {
		{ "g1", "plain text", "g1", "plain text" },
		{ "  g2  ", "  padded  \n\t", "g2", "padded" },
		{ "g3", "   \n ", "g3", "" },
		{ "a<!-- c -->  b", "text<!-- c -->more", "a b", "textmore" },
		{ " a \n\n b ", "a <![CDATA[<b>]]> c", "a b", "a <b> c" },
		{ "g6", "first<b>bold</b> rest", "g6",
		    "first<b>bold</b> rest" },
		{ "g7", "&lt;p&gt;x&lt;/p&gt; &amp; y", "g7", "<p>x</p> & y" },
		{ "g&e;8", "x &e; y", "gent8", "x ent y" },
		{ "<![CDATA[g9]]>", "<![CDATA[  cdata only  ]]>", "g9",
		    "cdata only" },
		{ "g10", "<div xmlns=\"http://www.w3.org/1999/xhtml\"><p>in "
		    "div</p></div>", "g10", "<p>in div</p>" },
		{ "", "", NULL, "" },
		{ "g12", NULL, "g12", NULL },	/* 20,000 x's, a comment, y */
		{ "g13", NULL, "g13", NULL },	/* 20,000 x's */
	};
	struct buf	 doc = { 0 }, big = { 0 }, want = { 0 };
	struct feed	*f;
	const char	*desc, *summary;
	char		 err[256];
	size_t		 n = 0;

	(void)state;
	for (int i = 0; i < 20000; i++)
		buf_addc(&big, 'x');
	for (size_t i = 0; i < sizeof(shapes) / sizeof(shapes[0]); i++) {
		buf_reset(&want);
		if ((desc = shapes[i].desc) == NULL) {
			buf_add(&want, big.s, big.len);
			if (i % 2 == 1)
				buf_addc(&want, 'y');
		}
		summary = shapes[i].want_summary != NULL ?
		    shapes[i].want_summary : want.s;
		buf_reset(&doc);
		buf_printf(&doc, "<?xml version=\"1.0\"?>\n<!DOCTYPE rss "
		    "[<!ENTITY e \"ent\">]>\n<rss version=\"2.0\"><channel>"
		    "<title>t</title><item><title>T%zu</title><guid "
		    "isPermaLink=\"false\">%s</guid><description>", i,
		    shapes[i].guid);
		if (desc != NULL)
			buf_adds(&doc, desc);
		else {
			buf_add(&doc, big.s, big.len);
			if (i % 2 == 1)
				buf_adds(&doc, "<!-- c -->y");
		}
		buf_adds(&doc, "</description></item></channel></rss>\n");
		f = parse_string(doc.s, doc.len, err, sizeof(err));
		if (f == NULL)
			fail_msg("case %zu: %s", i, err);
		assert_false(f->bozo);
		assert_int_equal(f->nentries, 1);
		check_str("id", f->entries[0].id, shapes[i].want_id);
		check_str("summary", f->entries[0].summary, summary);
		feed_free(f);
		n++;
	}
	buf_free(&doc);
	buf_free(&big);
	buf_free(&want);
	printf("parse: %zu value shapes (one text node or more, blank, "
	    "over 16 KB) read as the reader gives them\n", n);
}

static void
test_json_output(void **state)
{
	struct feed	*f;
	json_t		*root;
	json_error_t	 jerr;
	char		*s, err[256];

	(void)state;
	f = parse_fixture("atom10-full.xml", NULL, err, sizeof(err));
	assert_non_null(f);
	s = parse_feed_json(f);
	root = json_loads(s, 0, &jerr);
	assert_non_null(root);
	assert_true(json_is_false(json_object_get(root, "bozo")));
	assert_string_equal(json_string_value(json_object_get(json_object_get(
	    root, "feed"), "title")), "Agency news");
	assert_int_equal(json_array_size(json_object_get(root, "entries")), 2);
	assert_string_equal(json_string_value(json_object_get(json_array_get(
	    json_object_get(root, "entries"), 0), "published")),
	    "2026-11-01T08:00:00Z");
	json_decref(root);
	free(s);
	feed_free(f);
	printf("parse: JSON contract output loads and carries the fields\n");
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_fixtures),
		cmocka_unit_test(test_quirk_details),
		cmocka_unit_test(test_content_type_charset),
		cmocka_unit_test(test_hostile),
		cmocka_unit_test(test_max_entries),
		cmocka_unit_test(test_fuzz_regressions),
		cmocka_unit_test(test_value_shapes),
		cmocka_unit_test(test_json_output),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
