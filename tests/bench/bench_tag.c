/*
 * Tagger throughput: entries of about 1 KB tagged with the full topic
 * set, on one core. Three kinds of entry: plain text, HTML that the
 * quick pass reads, and HTML with named entities that goes to libxml2.
 * Prints entries/s for each, per second of CPU time (the machine may be
 * shared); tests/bench/tag.sh runs it several times and reports the
 * median.
 *
 *	bench_tag [-k plain|html|entities] [-n entries] [-r rounds] TOPICS.CONF
 */

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "config.h"
#include "tag.h"
#include "text.h"

/* News-like sentences in the sources' languages; entries are built by
 * cycling through them, so words and phrases recur as in real feeds. */
static const char *const sentences[] = {
	"The Council adopted its negotiating mandate on the proposal today.",
	"Member States agreed to step up cooperation with countries of origin "
	    "and transit to prevent irregular departures.",
	"Frontex reported fewer irregular border crossings on the Central "
	    "Mediterranean route in the first half of the year.",
	"The Commission presented its annual report on the state of "
	    "Schengen and the functioning of the internal market.",
	"NGOs called for humane reception conditions and an end to "
	    "immigration detention of children.",
	"Ministers discussed energy prices, competitiveness and the "
	    "single market at an informal meeting in Brussels.",
	"La Commission a pr\xc3\xa9sent\xc3\xa9 une proposition sur le "
	    "retour des ressortissants de pays tiers en s\xc3\xa9jour "
	    "irr\xc3\xa9gulier.",
	"Le Parlement europ\xc3\xa9" "en a adopt\xc3\xa9 sa position sur "
	    "le budget et la politique agricole commune.",
	"Die Bundesregierung will den Familiennachzug f\xc3\xbcr "
	    "subsidi\xc3\xa4r Schutzberechtigte weiter aussetzen.",
	"Der Rat hat neue Sanktionen gegen Russland beschlossen und die "
	    "Unterst\xc3\xbctzung der Ukraine bekr\xc3\xa4" "ftigt.",
	"The European Parliament voted on the digital euro, financial "
	    "services and the capital markets union.",
	"Researchers published new statistics on employment, education "
	    "and population trends across the regions.",
	"A shipwreck off Lampedusa left dozens missing, the coast guard "
	    "said, as rescue ships searched the area.",
	"The agency launched a call for proposals under the Asylum, "
	    "Migration and Integration Fund.",
};
#define NSENTENCES	(sizeof(sentences) / sizeof(sentences[0]))

enum kind { PLAIN, HTML, ENTITIES };

static char *
make_entry(size_t seed, enum kind kind, char **title)
{
	struct buf	 b = { 0 };
	size_t		 i = seed;

	*title = strdup(sentences[(seed * 7) % NSENTENCES]);
	while (b.len < 1000) {
		const char	*s = sentences[i++ % NSENTENCES];

		if (kind == PLAIN) {
			buf_adds(&b, s);
			buf_addc(&b, ' ');
		} else
			buf_printf(&b, "<p class=\"x\">%s%s</p>\n", s,
			    kind == ENTITIES ? " &laquo;&nbsp;Voir&nbsp;"
			    "&raquo; &eacute;t&eacute;" : " &amp; more");
	}
	return buf_release(&b);
}

static double
now(void)
{
	struct timespec	 ts;

	clock_gettime(CLOCK_PROCESS_CPUTIME_ID, &ts);
	return ts.tv_sec + ts.tv_nsec / 1e9;
}

int
main(int argc, char *argv[])
{
	static const char *const names[] = { "plain", "html", "html+entities" };
	struct config	*conf;
	struct tagger	*tg;
	char		*errors = NULL, err[512];
	size_t		 n = 20000, rounds = 5, bytes = 0, hits = 0;
	int		 ch, only = -1;

	while ((ch = getopt(argc, argv, "k:n:r:")) != -1) {
		switch (ch) {
		case 'k':
			only = strcmp(optarg, "plain") == 0 ? PLAIN :
			    strcmp(optarg, "html") == 0 ? HTML : ENTITIES;
			break;
		case 'n':
			n = strtoul(optarg, NULL, 10);
			break;
		case 'r':
			rounds = strtoul(optarg, NULL, 10);
			break;
		default:
			goto usage;
		}
	}
	if (optind + 1 != argc || n == 0 || rounds == 0)
		goto usage;
	if ((conf = config_load(argv[optind], &errors)) == NULL) {
		fprintf(stderr, "%s", errors);
		return 1;
	}
	if ((tg = tag_new(conf->topics, conf->ntopics, err, sizeof(err))) ==
	    NULL) {
		fprintf(stderr, "%s\n", err);
		return 1;
	}

	for (int k = PLAIN; k <= ENTITIES; k++) {
		char	**titles = calloc(n, sizeof(*titles));
		char	**bodies = calloc(n, sizeof(*bodies));
		double	 t0, t;

		if (only != -1 && only != k) {
			free(titles);
			free(bodies);
			continue;
		}
		bytes = 0;
		for (size_t i = 0; i < n; i++) {
			bodies[i] = make_entry(i, k, &titles[i]);
			bytes += strlen(titles[i]) + strlen(bodies[i]);
		}
		t0 = now();
		for (size_t r = 0; r < rounds; r++)
			for (size_t i = 0; i < n; i++) {
				struct tag_doc		 doc = { 0 };
				const struct tag_hit	*h;

				doc.title = titles[i];
				doc.summary = bodies[i];
				doc.summary_html = k != PLAIN;
				hits += tag_doc(tg, &doc, TAG_EXPLAIN, &h);
			}
		t = now() - t0;
		printf("%s: %zu entries of %zu bytes on average, %zu topics: "
		    "%.0f entries/s, %.1f MB/s\n", names[k], n, bytes / n,
		    conf->ntopics, n * rounds / t, bytes * rounds / t / 1e6);
		for (size_t i = 0; i < n; i++) {
			free(titles[i]);
			free(bodies[i]);
		}
		free(titles);
		free(bodies);
	}
	fprintf(stderr, "(%zu topics found in all)\n", hits);
	tag_free(tg);
	config_free(conf);
	return 0;
usage:
	fprintf(stderr, "usage: bench_tag [-k plain|html|entities] "
	    "[-n entries] [-r rounds] topics.conf\n");
	return 2;
}
