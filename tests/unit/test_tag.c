/*
 * tag.c: phrase boundaries, word forms, normalisation on both sides,
 * vetoes, weights and field factors, explanations, HTML, compile errors;
 * then the real topics.conf against the labelled dev set (when
 * $PACTFEED_SHARED/topics/dev.jsonl exists), with the targets asserted.
 */

#include <setjmp.h>
#include <stdbool.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>
#include <jansson.h>

#include "config.h"
#include "entry.h"
#include "tag.h"

#define NTOPICS	10

/* Test topics: NULL-ended phrase and veto lists. */
static const struct {
	const char	*id;
	const char	*phrases[8];
	const char	*vetoes[4];
} spec[NTOPICS] = {
	{ "return", { "return", "readmission agreement*", "deport*",
	    "return* decision*^0.5", "migrant*^0.5", NULL },
	    { "return on investment", NULL } },
	{ "border", { "border*^0.5", "frontex", "external border*", NULL },
	    { "cross border trade", "carbon border", NULL } },
	{ "screening", { "screening", "pre-entry screening", NULL },
	    { "cancer screening", "documentary screening", "!film", NULL } },
	{ "dublin", { "Überstellung*", "eu-LISA", "droit d'asile",
	    "relocat*", NULL }, { NULL } },
	{ "weak", { "alpha^0.5", "beta^0.5", "gamma^0.25", NULL },
	    { NULL } },
	{ "empty", { NULL }, { NULL } },
	{ "stars", { "asyl* verfahren*", "x* y* z", NULL }, { NULL } },
	/* Greek "μετανάστες" (migrants), accented */
	{ "unicode", { "\xce\xbc\xce\xb5\xcf\x84\xce\xb1\xce\xbd"
	    "\xce\xac\xcf\x83\xcf\x84\xce\xb5\xcf\x82",
	    "co\xc3\xb6rdination", NULL }, { NULL } },
	{ "ctx", { "children^0.5", "mental health^0.5", "~migrant*^0.5",
	    "~refugee*^0.5", "unaccompanied minors", "migrant workers^0.5",
	    NULL }, { NULL } },
	{ "overlap", { "registering asylum^0.5", "asylum application*^0.5",
	    NULL }, { NULL } },
};

static struct topic	 topics[NTOPICS];
static struct tagger	*tg;

static size_t
count(const char *const *v)
{
	size_t	 n = 0;

	while (v[n] != NULL)
		n++;
	return n;
}

static int
setup(void **state)
{
	char	 err[256];

	(void)state;
	for (size_t t = 0; t < NTOPICS; t++) {
		topics[t].id = (char *)spec[t].id;
		topics[t].phrases = (char **)spec[t].phrases;
		topics[t].nphrases = count(spec[t].phrases);
		topics[t].vetoes = (char **)spec[t].vetoes;
		topics[t].nvetoes = count(spec[t].vetoes);
	}
	tg = tag_new(topics, NTOPICS, err, sizeof(err));
	if (tg == NULL)
		fail_msg("tag_new: %s", err);
	return 0;
}

static int
teardown(void **state)
{
	(void)state;
	tag_free(tg);
	return 0;
}

/* The ids found, space-separated, in topic order. */
static const char *
ids(const struct tag_doc *doc)
{
	static char		 out[512];
	const struct tag_hit	*h;
	size_t			 n;

	n = tag_doc(tg, doc, 0, &h);
	out[0] = '\0';
	for (size_t i = 0; i < n; i++) {
		if (i > 0)
			strcat(out, " ");
		strcat(out, h[i].id);
	}
	return out;
}

static const struct {
	const char	*title;
	const char	*summary;
	const char	*want;
} match_cases[] = {
	/* whole words unless "*" */
	{ "Return to Syria", NULL, "return" },
	{ "He returned home", NULL, "" },
	{ "Returns", NULL, "" },
	{ "Deportation flights resume", NULL, "return" },
	{ "Deport", NULL, "return" },
	{ "EU-Turkey readmission agreements", NULL, "return" },
	{ "readmission agreement", NULL, "return" },
	{ "readmission talks", NULL, "" },
	/* phrases are words in a row, within one field */
	{ "pre-entry screening", NULL, "screening" },
	{ "pre entry", "screening", "screening" },
	{ "screening", NULL, "screening" },
	{ "screenings", NULL, "" },
	/* normalisation on both sides */
	{ "UBERSTELLUNGEN nach Italien", NULL, "dublin" },
	{ "Dublin-Überstellung", NULL, "dublin" },
	{ "EU LISA", NULL, "dublin" },
	{ "eu\xe2\x80\x93lisa", NULL, "dublin" },	/* en dash */
	{ "le droit d\xe2\x80\x99" "asile", NULL, "dublin" },
	{ "RELOCATION", NULL, "dublin" },
	{ "relocat", NULL, "dublin" },
	{ "reloca", NULL, "" },
	{ "\xce\x9c\xce\x95\xce\xa4\xce\x91\xce\x9d\xce\x91\xce\xa3"
	    "\xce\xa4\xce\x95\xce\xa3", NULL, "unicode" },	/* capitals */
	{ "coordination", NULL, "unicode" },
	/* a star inside a phrase */
	{ "Asylverfahren", NULL, "" },
	{ "asylum Verfahrensrecht", NULL, "stars" },
	{ "xa yb z", NULL, "stars" },
	{ "xa yb zz", NULL, "" },
	{ "x y", NULL, "" },
	/* several topics, topic order */
	{ "Frontex and deportation", NULL, "return border" },
	{ "", "", "" },
};

static void
test_match(void **state)
{
	size_t	 n = sizeof(match_cases) / sizeof(match_cases[0]);

	(void)state;
	for (size_t i = 0; i < n; i++) {
		struct tag_doc	 doc = { 0 };
		const char	*got;

		doc.title = match_cases[i].title;
		doc.summary = match_cases[i].summary;
		got = ids(&doc);
		if (strcmp(got, match_cases[i].want) != 0)
			fail_msg("case %zu \"%s\": got \"%s\", want \"%s\"",
			    i, match_cases[i].title, got, match_cases[i].want);
	}
	printf("tag boundaries and normalisation: %zu cases ok\n", n);
}

static const struct {
	const char	*title;
	const char	*summary;
	const char	*want;
} veto_cases[] = {
	{ "Cancer screening programmes", NULL, "" },
	{ "Documentary screening on exile", NULL, "" },
	/* a veto cancels only what it overlaps */
	{ "Cancer screening", "Pre-entry screening of arrivals", "screening" },
	{ "Screening of arrivals", "and cancer screening", "screening" },
	/* "!" cancels the topic wherever it occurs */
	{ "Screening of arrivals", "a film", "" },
	{ "Return on investment", NULL, "" },
	{ "Return on investment", "Return of rejected applicants", "return" },
	{ "Cross-border trade with Frontex", NULL, "border" },
	{ "Cross-border trade and border checks", NULL, "" },
	{ "Carbon border adjustment", NULL, "" },
	{ "Border fence and external borders", NULL, "border" },
};

/* Context phrases: never alone; light phrases need one. */
static const struct {
	const char	*title;
	const char	*summary;
	const char	*want;
} ctx_cases[] = {
	{ "Unaccompanied minors", NULL, "ctx" },
	{ "Children and mental health", NULL, "" },
	{ "Children", "mental health of children", "" },
	{ "Migrant children", NULL, "ctx" },
	{ "Children", "refugees", "ctx" },
	{ "Migrants and refugees", "migrants, refugees", "" },
	{ "Mental health", "for migrants", "ctx" },
	/* context inside the phrase is not context for it */
	{ "Migrant workers", NULL, "" },
	{ "Migrant workers", "and refugees", "ctx" },
};

static void
test_context(void **state)
{
	size_t	 n = sizeof(ctx_cases) / sizeof(ctx_cases[0]);

	(void)state;
	for (size_t i = 0; i < n; i++) {
		struct tag_doc	 doc = { 0 };
		const char	*got;

		doc.title = ctx_cases[i].title;
		doc.summary = ctx_cases[i].summary;
		got = ids(&doc);
		if (strcmp(got, ctx_cases[i].want) != 0)
			fail_msg("case %zu \"%s\": got \"%s\", want \"%s\"",
			    i, ctx_cases[i].title, got, ctx_cases[i].want);
	}
	printf("tag context phrases: %zu cases ok\n", n);
}

static void
test_veto(void **state)
{
	size_t	 n = sizeof(veto_cases) / sizeof(veto_cases[0]);

	(void)state;
	for (size_t i = 0; i < n; i++) {
		struct tag_doc	 doc = { 0 };
		const char	*got;

		doc.title = veto_cases[i].title;
		doc.summary = veto_cases[i].summary;
		got = ids(&doc);
		if (strcmp(got, veto_cases[i].want) != 0)
			fail_msg("case %zu \"%s\": got \"%s\", want \"%s\"",
			    i, veto_cases[i].title, got, veto_cases[i].want);
	}
	printf("tag vetoes: %zu cases ok\n", n);
}

/* A long text: filler words, with "word" at word index at. */
static char *
deep(const char *word, size_t at, const char *word2, size_t at2)
{
	char	*s = malloc(8 * 400 + 100), *p = s;

	for (size_t i = 0; i < 400; i++) {
		if (i == at)
			p += sprintf(p, "%s ", word);
		else if (word2 != NULL && i == at2)
			p += sprintf(p, "%s ", word2);
		else
			p += sprintf(p, "filler ");
	}
	*p = '\0';
	return s;
}

static double
score(const struct tag_doc *doc, const char *id)
{
	const struct tag_hit	*h;
	size_t			 n;

	n = tag_doc(tg, doc, 0, &h);
	for (size_t i = 0; i < n; i++)
		if (strcmp(h[i].id, id) == 0)
			return h[i].score;
	return 0;
}

static void
test_weights(void **state)
{
	struct tag_doc	 doc = { 0 };
	char		*s;

	(void)state;
	/* A weak phrase never tags alone, not even in the title. */
	doc.title = "Alpha";
	assert_true(score(&doc, "weak") == 0);
	doc.title = "Alpha alpha alpha";
	doc.summary = "alpha";
	assert_true(score(&doc, "weak") == 0);
	/* Two weak phrases do: 0.5 * 1 + 0.5 * 1 in the summary. */
	doc.title = NULL;
	doc.summary = "alpha and beta";
	assert_float_equal(score(&doc, "weak"), 1.0, 1e-9);
	/* A quarter weight phrase adds less. */
	doc.summary = "alpha and gamma";
	assert_true(score(&doc, "weak") == 0);
	/* Title counts 1.5: 0.5 * 1.5 + 0.25 * 1.5 = 1.125. */
	doc.title = "alpha gamma";
	doc.summary = NULL;
	assert_float_equal(score(&doc, "weak"), 1.125, 1e-9);

	/* A strong phrase in the lead of the content tags, deep in it
	 * only counts half, twice deep counts in full. */
	doc.title = NULL;
	s = deep("frontex", 10, NULL, 0);
	doc.content = s;
	assert_float_equal(score(&doc, "border"), 1.0, 1e-9);
	free(s);
	s = deep("frontex", TAG_LEAD + 10, NULL, 0);
	doc.content = s;
	assert_true(score(&doc, "border") == 0);
	free(s);
	s = deep("frontex", TAG_LEAD + 10, "frontex", TAG_LEAD + 50);
	doc.content = s;
	assert_float_equal(score(&doc, "border"), 1.0, 1e-9);
	/* ...and the same deep word in the title: capped at 1.5. */
	doc.title = "Frontex";
	assert_float_equal(score(&doc, "border"), 1.5, 1e-9);
	free(s);

	/* Overlapping occurrences of one topic count once. */
	doc.title = NULL;
	doc.content = NULL;
	doc.summary = "registering asylum applications";
	assert_true(score(&doc, "overlap") == 0);
	doc.summary = "registering asylum seekers; asylum applications";
	assert_float_equal(score(&doc, "overlap"), 1.0, 1e-9);
	/* Context phrases add at most 0.5 together. */
	doc.summary = "mental health of migrants and refugees";
	assert_float_equal(score(&doc, "ctx"), 1.0, 1e-9);
	printf("tag weights, field factors, caps, overlaps: 13 checks ok\n");
}

static void
test_explain(void **state)
{
	struct tag_doc		 doc = { 0 };
	const struct tag_hit	*h;
	size_t			 n;

	(void)state;
	doc.title = "Frontex at the external borders";
	doc.summary = "External border figures; cross-border trade up";
	n = tag_doc(tg, &doc, TAG_EXPLAIN, &h);
	assert_int_equal(n, 1);
	assert_string_equal(h[0].id, "border");
	/* "border*" inside "external borders" is shadowed by the heavier
	 * phrase, and vetoed inside "cross-border trade". */
	assert_string_equal(h[0].why, "frontex (title), external border* "
	    "(title, summary)");
	/* Without the flag, no explanation. */
	n = tag_doc(tg, &doc, 0, &h);
	assert_int_equal(n, 1);
	assert_null(h[0].why);
	printf("tag explanations: ok\n");
}

static const struct {
	const char	*html;
	const char	*want;
} html_cases[] = {
	{ "<p>Pre-entry<br/>screening</p>", "screening" },
	{ "<p>Pre-<b>entry</b> screening</p>", "screening" },
	{ "<script>deportation()</script><p>nothing</p>", "" },
	{ "<style>.deport {}</style>x", "" },
	{ "<!-- deportation -->x", "" },
	{ "Dublin &amp; relocation", "dublin" },
	{ "droit d&#39;asile", "dublin" },
	{ "droit d&#x2019;asile", "dublin" },
	/* a named entity only libxml2 knows */
	{ "<p>Accord &eacute;tabli, r&eacute;location</p>", "dublin" },
	{ "<p>r&eacute;location &hellip;</p>", "dublin" },
	{ "<p>co&ouml;rdination</p>", "unicode" },
	{ "<p>unterminated <a href=", "" },
	{ "AT&T deport", "return" },
};

static void
test_html(void **state)
{
	size_t	 n = sizeof(html_cases) / sizeof(html_cases[0]);

	(void)state;
	for (size_t i = 0; i < n; i++) {
		struct tag_doc	 doc = { 0 };
		const char	*got;

		doc.summary = html_cases[i].html;
		doc.summary_html = true;
		got = ids(&doc);
		if (strcmp(got, html_cases[i].want) != 0)
			fail_msg("case %zu \"%s\": got \"%s\", want \"%s\"",
			    i, html_cases[i].html, got, html_cases[i].want);
	}
	printf("tag HTML fields: %zu cases ok\n", n);
}

static const struct {
	const char	*phrase;
	int		 veto;
	const char	*err;
} bad_cases[] = {
	{ "re*turn", 0, "t.conf:7: topic bad: phrase \"re*turn\": \"*\" "
	    "only ends a word" },
	{ "*", 0, "t.conf:7: topic bad: phrase \"*\": \"*\" after no word" },
	{ " -- ", 0, "t.conf:7: topic bad: phrase \" -- \": no words" },
	{ "asylum^0", 0, "t.conf:7: topic bad: phrase \"asylum^0\": weight "
	    "after \"^\" must be a number above 0, at most 10" },
	{ "asylum^x", 0, NULL },
	{ "asylum^11", 0, NULL },
	{ "!asylum", 0, "t.conf:7: topic bad: phrase \"!asylum\": \"!\" is "
	    "for vetoes only" },
	{ "~asylum", 1, "t.conf:7: topic bad: veto \"~asylum\": \"~\" is "
	    "for phrases only" },
	{ "asylum^2", 1, "t.conf:7: topic bad: veto \"asylum^2\": a veto "
	    "has no weight" },
	{ "Asylum", 0, "t.conf:7: topic bad: phrase \"Asylum\": same as "
	    "\"asylum\"" },
	{ "asylum", 1, "t.conf:7: topic bad: veto \"asylum\": same as "
	    "\"asylum\"" },
	{ "a b c d e f g h i j k l m n o p q", 0, NULL },
};

static void
test_errors(void **state)
{
	size_t	 n = sizeof(bad_cases) / sizeof(bad_cases[0]);

	(void)state;
	for (size_t i = 0; i < n; i++) {
		struct topic	 t = { 0 };
		struct tagger	*bad;
		char		*ph[2] = { "asylum", NULL }, *ve[1];
		char		 err[256] = "";

		t.id = "bad";
		t.file = "t.conf";
		t.line = 7;
		t.phrases = ph;
		t.vetoes = ve;
		if (bad_cases[i].veto) {
			t.nphrases = 1;
			ve[0] = (char *)bad_cases[i].phrase;
			t.nvetoes = 1;
		} else {
			ph[1] = (char *)bad_cases[i].phrase;
			t.nphrases = 2;
		}
		bad = tag_new(&t, 1, err, sizeof(err));
		if (bad != NULL)
			fail_msg("case %zu \"%s\" compiled", i,
			    bad_cases[i].phrase);
		if (bad_cases[i].err != NULL)
			assert_string_equal(err, bad_cases[i].err);
		else
			assert_true(strncmp(err, "t.conf:7: topic bad: ",
			    21) == 0);
	}
	printf("tag compile errors: %zu cases ok\n", n);
}

static void
test_feed(void **state)
{
	struct feed	*f;
	struct entry	*e;

	(void)state;
	f = feed_new();
	e = feed_add_entry(f);
	e->title = "Relocation pledges";
	e = feed_add_entry(f);
	e->title = "Nothing here";
	e = feed_add_entry(f);
	e->title = "News";
	e->content = "<p>Frontex &amp; deportations</p>";
	e->content_type = TEXT_HTML;
	assert_int_equal(tag_feed(tg, f), 2);
	/* Tagging again replaces, never appends. */
	assert_int_equal(tag_feed(tg, f), 2);
	assert_int_equal(f->entries[0].ntopics, 1);
	assert_string_equal(f->entries[0].topics[0].id, "dublin");
	assert_string_equal(f->entries[0].topics[0].why, "relocat* (title)");
	assert_int_equal(f->entries[1].ntopics, 0);
	assert_int_equal(f->entries[2].ntopics, 2);
	assert_string_equal(f->entries[2].topics[0].id, "return");
	assert_string_equal(f->entries[2].topics[1].id, "border");
	assert_string_equal(f->entries[2].topics[1].why, "frontex (content)");
	feed_free(f);
	printf("tag_feed: 3 entries ok\n");
}

#define TOPICS_CONF	"../config/topics.conf"

static struct config *
load_topics(void)
{
	struct config	*c;
	char		*errors = NULL;

	c = config_load(TOPICS_CONF, &errors);
	if (c == NULL)
		fail_msg("%s: %s", TOPICS_CONF, errors);
	return c;
}

/* The real topics compile, and match the taxonomy when it is there. */
static void
test_topics_conf(void **state)
{
	struct config	*c;
	struct tagger	*real;
	const char	*shared;
	char		 err[512], path[1024];
	size_t		 nphrases = 0;

	(void)state;
	c = load_topics();
	real = tag_new(c->topics, c->ntopics, err, sizeof(err));
	if (real == NULL)
		fail_msg("%s", err);
	for (size_t i = 0; i < c->ntopics; i++)
		nphrases += c->topics[i].nphrases + c->topics[i].nvetoes;
	printf("topics.conf: %zu topics, %zu phrases and vetoes compile\n",
	    c->ntopics, nphrases);
	tag_free(real);

	if ((shared = getenv("PACTFEED_SHARED")) == NULL) {
		printf("taxonomy: PACTFEED_SHARED unset, skipped\n");
		config_free(c);
		return;
	}
	snprintf(path, sizeof(path), "%s/topics/taxonomy.json", shared);
	json_t	*tax = json_load_file(path, 0, NULL);
	if (tax == NULL) {
		printf("taxonomy: %s absent, skipped\n", path);
		config_free(c);
		return;
	}
	json_t	*tv = json_object_get(tax, "topics");
	assert_int_equal(json_array_size(tv), c->ntopics);
	for (size_t i = 0; i < c->ntopics; i++) {
		json_t	*t = json_array_get(tv, i);

		assert_string_equal(c->topics[i].id,
		    json_string_value(json_object_get(t, "id")));
		assert_string_equal(c->topics[i].name,
		    json_string_value(json_object_get(t, "name")));
		assert_string_equal(c->topics[i].scope,
		    json_string_value(json_object_get(t, "scope")));
	}
	printf("taxonomy: %zu ids, names and scopes as in taxonomy.json\n",
	    c->ntopics);
	json_decref(tax);
	config_free(c);
}

struct counts {
	size_t	 tp, fp, fn;
};

static double
ratio(size_t a, size_t b)
{
	return b == 0 ? 1.0 : (double)a / (double)b;
}

static double
f1(double p, double r)
{
	return p + r == 0 ? 0 : 2 * p * r / (p + r);
}

static bool
has_topic(json_t *list, const char *id)
{
	size_t	 i;
	json_t	*v;

	json_array_foreach(list, i, v)
		if (strcmp(json_string_value(v), id) == 0)
			return true;
	return false;
}

/*
 * The labelled dev set: precision, recall and F1 per topic and micro-
 * averaged, each miss and false alarm listed with the phrases that
 * fired, then the targets asserted (micro-F1 and precision >= 0.85).
 */
static void
test_dev_set(void **state)
{
	struct config		*c;
	struct tagger		*real;
	struct counts		*k, all = { 0 };
	const struct tag_hit	*h;
	const char		*shared;
	char			 path[1024], err[512], line[65536];
	size_t			 nitems = 0, n;
	FILE			*fp;
	double			 p, r;

	(void)state;
	if ((shared = getenv("PACTFEED_SHARED")) == NULL) {
		printf("dev set: PACTFEED_SHARED unset, skipped\n");
		return;
	}
	snprintf(path, sizeof(path), "%s/topics/dev.jsonl", shared);
	if ((fp = fopen(path, "r")) == NULL) {
		printf("dev set: %s absent, skipped\n", path);
		return;
	}
	c = load_topics();
	real = tag_new(c->topics, c->ntopics, err, sizeof(err));
	if (real == NULL)
		fail_msg("%s", err);
	k = calloc(c->ntopics, sizeof(*k));
	while (fgets(line, sizeof(line), fp) != NULL) {
		struct tag_doc	 doc = { 0 };
		json_t		*item, *gold;

		if ((item = json_loads(line, 0, NULL)) == NULL)
			continue;
		nitems++;
		doc.title = json_string_value(json_object_get(item, "title"));
		doc.summary = json_string_value(json_object_get(item,
		    "summary"));
		gold = json_object_get(item, "topics");
		n = tag_doc(real, &doc, TAG_EXPLAIN, &h);
		for (size_t t = 0; t < c->ntopics; t++) {
			const char	*id = c->topics[t].id;
			const char	*why = NULL;
			bool		 want = has_topic(gold, id), got = false;

			for (size_t i = 0; i < n; i++)
				if (h[i].topic == t) {
					got = true;
					why = h[i].why;
				}
			if (got && want)
				k[t].tp++;
			else if (got) {
				k[t].fp++;
				printf("  false alarm %s %s: %s\n",
				    json_string_value(json_object_get(item,
				    "id")), id, why);
			} else if (want) {
				k[t].fn++;
				printf("  missed      %s %s\n",
				    json_string_value(json_object_get(item,
				    "id")), id);
			}
		}
		json_decref(item);
	}
	fclose(fp);

	printf("dev set: %zu items\n%-30s %4s %4s %4s %6s %6s %6s\n", nitems,
	    "topic", "tp", "fp", "fn", "P", "R", "F1");
	for (size_t t = 0; t < c->ntopics; t++) {
		p = ratio(k[t].tp, k[t].tp + k[t].fp);
		r = ratio(k[t].tp, k[t].tp + k[t].fn);
		printf("%-30s %4zu %4zu %4zu %6.3f %6.3f %6.3f\n",
		    c->topics[t].id, k[t].tp, k[t].fp, k[t].fn, p, r, f1(p, r));
		all.tp += k[t].tp;
		all.fp += k[t].fp;
		all.fn += k[t].fn;
	}
	p = ratio(all.tp, all.tp + all.fp);
	r = ratio(all.tp, all.tp + all.fn);
	printf("%-30s %4zu %4zu %4zu %6.3f %6.3f %6.3f\n", "micro", all.tp,
	    all.fp, all.fn, p, r, f1(p, r));
	free(k);
	tag_free(real);
	config_free(c);
	assert_true(nitems > 0);
	assert_true(p >= 0.85);
	assert_true(f1(p, r) >= 0.85);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_match),
		cmocka_unit_test(test_veto),
		cmocka_unit_test(test_context),
		cmocka_unit_test(test_weights),
		cmocka_unit_test(test_explain),
		cmocka_unit_test(test_html),
		cmocka_unit_test(test_errors),
		cmocka_unit_test(test_feed),
		cmocka_unit_test(test_topics_conf),
		cmocka_unit_test(test_dev_set),
	};

	return cmocka_run_group_tests(tests, setup, teardown);
}
