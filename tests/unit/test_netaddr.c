/*
 * netaddr.c: every blocked range, its edges, the IPv4-in-IPv6 forms, and
 * public addresses on both sides of each edge.
 */

#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>

#include <sys/socket.h>
#include <netinet/in.h>
#include <arpa/inet.h>

#include <cmocka.h>

#include "netaddr.h"

#define NITEMS(a)	(sizeof(a) / sizeof((a)[0]))

static const struct {
	const char	*addr;
	const char	*want;		/* NULL: public */
} cases[] = {
	{ "0.0.0.0",			"unspecified" },
	{ "0.255.255.255",		"unspecified" },
	{ "1.0.0.1",			NULL },
	{ "9.255.255.255",		NULL },
	{ "10.0.0.1",			"private" },
	{ "10.255.255.255",		"private" },
	{ "11.0.0.0",			NULL },
	{ "100.63.255.255",		NULL },
	{ "100.64.0.1",			"shared (CGNAT)" },
	{ "100.127.255.255",		"shared (CGNAT)" },
	{ "100.128.0.0",		NULL },
	{ "126.255.255.255",		NULL },
	{ "127.0.0.1",			"loopback" },
	{ "127.0.0.2",			"loopback" },
	{ "127.255.255.254",		"loopback" },
	{ "128.0.0.0",			NULL },
	{ "169.254.169.254",		"link-local" },	/* cloud metadata */
	{ "169.255.0.1",		NULL },
	{ "172.15.255.255",		NULL },
	{ "172.16.0.1",			"private" },
	{ "172.31.255.255",		"private" },
	{ "172.32.0.0",			NULL },
	{ "192.0.2.7",			"documentation" },
	{ "192.168.1.1",		"private" },
	{ "192.169.0.1",		NULL },
	{ "198.18.0.1",			"benchmarking" },
	{ "198.19.255.255",		"benchmarking" },
	{ "198.20.0.0",			NULL },
	{ "223.255.255.255",		NULL },
	{ "224.0.0.1",			"multicast" },
	{ "239.255.255.250",		"multicast" },
	{ "240.0.0.1",			"reserved" },
	{ "255.255.255.255",		"reserved" },
	{ "93.184.216.34",		NULL },
	{ "::",				"unspecified" },
	{ "::1",			"loopback" },
	{ "::2",			"reserved" },
	{ "::ffff:127.0.0.1",		"loopback" },
	{ "::ffff:10.1.2.3",		"private" },
	{ "::ffff:100.64.0.1",		"shared (CGNAT)" },
	{ "::ffff:169.254.0.1",		"link-local" },
	{ "::ffff:93.184.216.34",	NULL },
	{ "::127.0.0.1",		"loopback" },	/* IPv4-compatible */
	{ "::192.168.0.1",		"private" },
	{ "64:ff9b::7f00:1",		"loopback" },	/* NAT64 */
	{ "64:ff9b::5db8:d822",		NULL },
	{ "2002:c0a8:101::1",		"private" },	/* 6to4 */
	{ "2002:7f00:1::",		"loopback" },
	{ "2002:5db8:d822::1",		NULL },
	{ "fc00::1",			"private" },
	{ "fd12:3456::1",		"private" },
	{ "fe80::1",			"link-local" },
	{ "febf::1",			"link-local" },
	{ "fec0::1",			"site-local" },
	{ "ff02::1",			"multicast" },
	{ "2001:db8::1",		"documentation" },
	{ "2001:4860:4860::8888",	NULL },
	{ "2a00:1450:4001::200e",	NULL },
	{ "3fff:ffff::1",		NULL },
	{ "4000::1",			"reserved" },
	{ "100::1",			"discard" },
};

static void
test_netaddr_class(void **state)
{
	struct sockaddr_storage	 ss;
	struct sockaddr_in	*sin = (struct sockaddr_in *)&ss;
	struct sockaddr_in6	*sin6 = (struct sockaddr_in6 *)&ss;
	const char		*got;
	char			 buf[64];

	(void)state;
	for (size_t i = 0; i < NITEMS(cases); i++) {
		memset(&ss, 0, sizeof(ss));
		if (inet_pton(AF_INET, cases[i].addr, &sin->sin_addr) == 1)
			sin->sin_family = AF_INET;
		else {
			assert_int_equal(inet_pton(AF_INET6, cases[i].addr,
			    &sin6->sin6_addr), 1);
			sin6->sin6_family = AF_INET6;
		}
		got = netaddr_class((struct sockaddr *)&ss);
		if (cases[i].want == NULL && got != NULL)
			fail_msg("%s: got %s, want public", cases[i].addr, got);
		if (cases[i].want != NULL && (got == NULL ||
		    strcmp(got, cases[i].want) != 0))
			fail_msg("%s: got %s, want %s", cases[i].addr,
			    got ? got : "public", cases[i].want);
		netaddr_format((struct sockaddr *)&ss, buf, sizeof(buf));
		assert_string_equal(buf, cases[i].addr);
	}
	printf("netaddr: %zu addresses classified and formatted\n",
	    NITEMS(cases));
}

static void
test_netaddr_family(void **state)
{
	struct sockaddr	sa = { .sa_family = AF_UNIX };

	(void)state;
	assert_string_equal(netaddr_class(&sa), "not IP");
	printf("netaddr: non-IP family refused\n");
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_netaddr_class),
		cmocka_unit_test(test_netaddr_family),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
