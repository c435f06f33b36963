/*
 * libFuzzer target for the tagger: the input is tagged as a title (plain
 * text), as an HTML summary (the quick markup pass, or libxml2 when it
 * gives up) and as content, and compiled as a phrase. None may crash,
 * leak or read out of bounds; explanations must name phrases that exist.
 */

#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "config.h"
#include "tag.h"

int	 LLVMFuzzerTestOneInput(const uint8_t *, size_t);

static char	*screening[] = { "screening regulation", "pre-entry screening",
		    "screening^0.5", "~migrant*^0.5", "filtrage^0.5" };
static char	*sv[] = { "cancer screening", "!film" };
static char	*ret[] = { "return", "deport*", "readmission agreement*",
		    ("r\xc3\xbc" "ckf\xc3\xbchrung*"), "x* y* z" };
static char	*rv[] = { "return on investment" };

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static struct tagger	*tg;
	struct topic		 t[2] = { 0 }, one = { 0 };
	struct tag_doc		 doc = { 0 };
	const struct tag_hit	*h;
	struct tagger		*ptg;
	char			*s, err[256], *ph[1];
	size_t			 n;

	if (tg == NULL) {
		t[0].id = "screening";
		t[0].phrases = screening;
		t[0].nphrases = 5;
		t[0].vetoes = sv;
		t[0].nvetoes = 2;
		t[1].id = "return";
		t[1].phrases = ret;
		t[1].nphrases = 5;
		t[1].vetoes = rv;
		t[1].nvetoes = 1;
		if ((tg = tag_new(t, 2, err, sizeof(err))) == NULL)
			abort();
	}
	/* Strings reach the tagger NUL-terminated and without NULs. */
	s = malloc(size + 1);
	memcpy(s, data, size);
	s[size] = '\0';

	doc.title = s;
	doc.summary = s;
	doc.summary_html = true;
	doc.content = s;
	doc.content_html = size > 0 && data[0] & 1;
	n = tag_doc(tg, &doc, TAG_EXPLAIN, &h);
	for (size_t i = 0; i < n; i++)
		if (h[i].topic > 1 || h[i].why == NULL || h[i].why[0] == '\0')
			abort();

	one.id = "fuzz";
	ph[0] = s;
	one.phrases = ph;
	one.nphrases = 1;
	if ((ptg = tag_new(&one, 1, err, sizeof(err))) != NULL) {
		n = tag_doc(ptg, &doc, TAG_EXPLAIN, &h);
		tag_free(ptg);
	} else if (err[0] == '\0')
		abort();
	free(s);
	return 0;
}
