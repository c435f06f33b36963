/*
 * Byte hygiene: the word-at-a-time checks agree with a byte-by-byte
 * reference on every input, repair makes anything clean, buffers grow.
 */

#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "text.h"
#include "xmalloc.h"

/* The definition, one byte at a time (RFC 3629 plus XML's C0 rule). */
static bool
ref_clean(const unsigned char *p, size_t len)
{
	size_t	i = 0;

	while (i < len) {
		unsigned char	c = p[i];
		size_t		n;
		uint32_t	cp;

		if (c < 0x80) {
			if (c < 0x20 && c != '\t' && c != '\n' && c != '\r')
				return false;
			i++;
			continue;
		}
		if (c >= 0xc2 && c <= 0xdf) {
			n = 2;
			cp = c & 0x1f;
		} else if (c >= 0xe0 && c <= 0xef) {
			n = 3;
			cp = c & 0x0f;
		} else if (c >= 0xf0 && c <= 0xf4) {
			n = 4;
			cp = c & 0x07;
		} else
			return false;
		if (len - i < n)
			return false;
		for (size_t k = 1; k < n; k++) {
			if ((p[i + k] & 0xc0) != 0x80)
				return false;
			cp = (cp << 6) | (p[i + k] & 0x3f);
		}
		if ((n == 3 && cp < 0x800) || (n == 4 && cp < 0x10000) ||
		    cp > 0x10ffff || (cp >= 0xd800 && cp <= 0xdfff))
			return false;
		i += n;
	}
	return true;
}

static void
test_clean_matches_reference(void **state)
{
	static const unsigned char alphabet[] = { 'a', ' ', '\t', '\n', '\r',
	    0x00, 0x01, 0x1f, 0x7f, 0x80, 0xbf, 0xc2, 0xc3, 0xe0, 0xed, 0xef,
	    0xf0, 0xf4, 0xf5, 0xff, 0xa0, 0x9f };
	unsigned char	 buf[64];
	struct buf	 out = { 0 };
	unsigned int	 seed = 7;
	size_t		 n = 0, clean = 0;

	(void)state;
	for (int round = 0; round < 300000; round++) {
		size_t	len = rand_r(&seed) % sizeof(buf);

		for (size_t i = 0; i < len; i++)
			buf[i] = (rand_r(&seed) % 4 == 0) ?
			    alphabet[rand_r(&seed) % sizeof(alphabet)] :
			    (unsigned char)(rand_r(&seed) & 0xff);
		if (text_is_clean((char *)buf, len) != ref_clean(buf, len))
			fail_msg("text_is_clean disagrees on round %d", round);
		if (ref_clean(buf, len)) {
			clean++;
			assert_int_equal(text_utf8_valid_len((char *)buf, len),
			    len);
		}
		buf_reset(&out);
		text_utf8_repair(&out, (char *)buf, len);
		if (!ref_clean((unsigned char *)out.s, out.len))
			fail_msg("repair left something unclean");
		n++;
	}
	buf_free(&out);
	printf("text: %zu random inputs (%zu clean): text_is_clean matches "
	    "the byte-by-byte definition, repair always cleans\n", n, clean);
}

static void
test_buf_and_trim(void **state)
{
	struct buf	 b = { 0 };
	const char	*s = " \t x y \n";
	size_t		 len = strlen(s);
	char		*r;

	(void)state;
	for (int i = 0; i < 10000; i++)
		buf_addc(&b, 'a' + i % 26);
	buf_printf(&b, "%d-%s", 42, "end");
	assert_int_equal(b.len, 10000 + 6);
	assert_string_equal(b.s + 10000, "42-end");
	r = buf_release(&b);
	assert_null(b.s);
	free(r);
	text_trim(&s, &len);
	assert_int_equal(len, 3);
	assert_memory_equal(s, "x y", 3);
	assert_true(text_is_blank(" \t\r\n"));
	assert_true(text_is_blank(NULL));
	assert_false(text_is_blank(" x"));
	printf("text: buffer growth, printf, release, trim, blank ok\n");
}

/* text_hash: the same bytes give the same hash, from any address; a
 * changed byte, a length or a seed gives another (no collision among
 * 1,000 near-identical inputs). */
static void
test_hash(void **state)
{
	char		 a[300], b[301];
	uint64_t	*h;
	size_t		 n = 0;

	(void)state;
	for (size_t i = 0; i < sizeof(a); i++)
		a[i] = (char)('a' + i % 26);
	memcpy(b + 1, a, sizeof(a));
	for (size_t len = 0; len <= sizeof(a); len++)
		assert_true(text_hash(7, a, len) == text_hash(7, b + 1, len));
	assert_true(text_hash(0, a, 10) != text_hash(1, a, 10));
	h = xcalloc(2 * sizeof(a) + 400, sizeof(*h));
	for (size_t i = 0; i < sizeof(a); i++) {	/* one byte changed */
		a[i] ^= 1;
		h[n++] = text_hash(0, a, sizeof(a));
		a[i] ^= 1;
	}
	for (size_t i = 0; i < sizeof(a); i++)		/* every length */
		h[n++] = text_hash(0, a, i);
	for (size_t i = 1; i < 400; i++) {		/* zeros, by length */
		char	z[400] = { 0 };

		h[n++] = text_hash(0, z, i);
	}
	h[n++] = text_hash(0, a, sizeof(a));
	for (size_t i = 0; i < n; i++)
		for (size_t j = i + 1; j < n; j++)
			assert_true(h[i] != h[j]);
	free(h);
	printf("text: hash same at any address, %zu near-identical inputs "
	    "apart\n", n);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_clean_matches_reference),
		cmocka_unit_test(test_buf_and_trim),
		cmocka_unit_test(test_hash),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
