/*
 * words.c: normalisation (NFKC, case folding, diacritics, ignorables)
 * and word splitting, the ground both the tagger and story fingerprints
 * stand on.
 */

#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "words.h"

static const struct {
	const char	*in;
	const char	*out;	/* words joined by single spaces */
} norm_cases[] = {
	/* case and ASCII punctuation */
	{ "Screening Regulation", "screening regulation" },
	{ "  EU  Pact, on  Migration!  ", "eu pact on migration" },
	{ "", "" },
	{ "--- ... ---", "" },
	/* diacritics, precomposed and combining */
	{ "Überprüfungsverordnung", "uberprufungsverordnung" },
	{ "contr\xc3\xb4le r\xc3\xa9" "fugi\xc3\xa9", "controle refugie" },
	{ "Re\xcc\x81" "installation", "reinstallation" },	/* e + U+0301 */
	{ "Acogida Espa\xc3\xb1" "a", "acogida espana" },
	{ "Przesiedle\xc5\x84", "przesiedlen" },	/* Polish ń */
	/* ligatures and compatibility forms */
	{ "\xef\xac\x81" "nancial e\xef\xac\x80" "ect", "financial effect" },	/* ﬁ ﬀ */
	{ "\xc5\x93uvre", "\xc5\x93uvre" },		/* œ has no decomposition */
	{ "\xef\xbc\xa5\xef\xbc\xb5 Pact", "eu pact" },	/* fullwidth ＥＵ */
	{ "Stra\xc3\x9f" "e", "strasse" },		/* ß folds to ss */
	{ "\xe2\x85\xa0I", "ii" },			/* Roman numeral Ⅰ */
	/* case folding beyond ASCII */
	{ "\xc3\x89TATS MEMBRES", "etats membres" },
	{ "\xce\x9c\xce\x95\xce\xa4\xce\x91\xce\x9d\xce\x91\xce\xa3\xce\xa4\xce\x97\xce\xa3",
	    "\xce\xbc\xce\xb5\xcf\x84\xce\xb1\xce\xbd\xce\xb1\xcf\x83\xcf\x84\xce\xb7\xcf\x83" },
	/* hyphens and apostrophes separate, soft hyphens vanish */
	{ "pre-entry screening", "pre entry screening" },
	{ "eu\xe2\x80\x91LISA", "eu lisa" },		/* non-breaking hyphen */
	{ "l'asile d\xe2\x80\x99" "accueil", "l asile d accueil" },
	{ "scree\xc2\xadning", "screening" },		/* soft hyphen */
	{ "zero\xe2\x80\x8bwidth", "zerowidth" },	/* ZWSP is ignorable */
	{ "2024/1356 (SR)", "2024 1356 sr" },
	/* mixed scripts: runs of letters stay one word, ideographs split */
	{ "COVID-19 \xd0\x9c\xd0\xb8\xd0\xb3\xd1\x80\xd0\xb0\xd1\x86\xd0\xb8\xd1\x8f",
	    "covid 19 \xd0\xbc\xd0\xb8\xd0\xb3\xd1\x80\xd0\xb0\xd1\x86\xd0\xb8\xd1\x8f" },
	{ "EU\xe7\xa7\xbb\xe6\xb0\x91", "eu \xe7\xa7\xbb \xe6\xb0\x91" },	/* EU移民 */
	{ "\xd8\xa7\xd9\x84\xd9\x84\xd8\xac\xd9\x88\xd8\xa1", "\xd8\xa7\xd9\x84\xd9\x84\xd8\xac\xd9\x88\xd8\xa1" },
	/* invalid UTF-8 separates words */
	{ "asy\xfflum", "asy lum" },
	{ "end\xc3", "end" },
};

static void
test_normalize(void **state)
{
	size_t	 n = sizeof(norm_cases) / sizeof(norm_cases[0]);

	(void)state;
	for (size_t i = 0; i < n; i++) {
		char	*got = words_normalize(norm_cases[i].in,
		    strlen(norm_cases[i].in));

		if (strcmp(got, norm_cases[i].out) != 0)
			fail_msg("case %zu \"%s\": got \"%s\", want \"%s\"",
			    i, norm_cases[i].in, got, norm_cases[i].out);
		free(got);
	}
	printf("words_normalize: %zu cases ok\n", n);
}

/* Appending fields keeps them apart, offsets stay valid, and clearing
 * reuses the memory. */
static void
test_split_append(void **state)
{
	struct words	 w = { 0 };
	char		 big[5000];
	size_t		 i;

	(void)state;
	words_split(&w, "Eurodac", 7);
	words_split(&w, "Règlement", strlen("Règlement"));
	assert_int_equal(w.n, 2);
	assert_memory_equal(w.text + w.v[0].off, "eurodac", 7);
	assert_int_equal(w.v[1].len, 9);
	assert_memory_equal(w.text + w.v[1].off, "reglement", 9);

	/* Many words: the array grows past its first block. */
	for (i = 0; i + 2 <= sizeof(big) - 1; i += 2) {
		big[i] = "abcdefghij"[(i / 2) % 10];
		big[i + 1] = ' ';
	}
	big[i] = '\0';
	words_clear(&w);
	assert_int_equal(w.n, 0);
	words_split(&w, big, strlen(big));
	assert_int_equal(w.n, i / 2);
	assert_int_equal(w.text[w.v[w.n - 1].off], big[i - 2]);
	words_free(&w);
	words_free(NULL);
	printf("words_split: append, growth, clear ok\n");
}

/* Text that grows under normalisation (U+FDFA is 18 letters). */
static void
test_split_growth(void **state)
{
	struct words	 w = { 0 };
	char		 s[3 * 200 + 1];

	(void)state;
	for (int i = 0; i < 200; i++)
		memcpy(s + 3 * i, "\xef\xb7\xba", 3);
	s[600] = '\0';
	words_split(&w, s, 600);
	assert_true(w.n >= 1);
	assert_true(w.len > 600);
	words_free(&w);
	printf("words_split: expanding characters ok\n");
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_normalize),
		cmocka_unit_test(test_split_append),
		cmocka_unit_test(test_split_growth),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
