/*
 * Address classification for the fetcher's connect-time check. The tables
 * list every range that is not globally reachable unicast: loopback, RFC
 * 1918 and ULA private space, CGNAT shared space, link-local, multicast,
 * unspecified, documentation, benchmarking and reserved ranges. The answer
 * is a word for the log line, so an admin sees why a source was refused.
 */

#include "netaddr.h"

#include <sys/socket.h>
#include <netinet/in.h>
#include <arpa/inet.h>

#include <stdint.h>
#include <stdio.h>
#include <string.h>

struct netaddr_range {
	uint8_t		 prefix[16];
	int		 bits;
	const char	*what;
};

static const struct netaddr_range netaddr_v4[] = {
	{ { 0 },			8,  "unspecified" },	/* 0/8 */
	{ { 10 },			8,  "private" },
	{ { 100, 64 },			10, "shared (CGNAT)" },
	{ { 127 },			8,  "loopback" },
	{ { 169, 254 },			16, "link-local" },
	{ { 172, 16 },			12, "private" },
	{ { 192, 0, 0 },		24, "IETF protocol" },
	{ { 192, 0, 2 },		24, "documentation" },
	{ { 192, 88, 99 },		24, "6to4 relay" },
	{ { 192, 168 },			16, "private" },
	{ { 198, 18 },			15, "benchmarking" },
	{ { 198, 51, 100 },		24, "documentation" },
	{ { 203, 0, 113 },		24, "documentation" },
	{ { 224 },			4,  "multicast" },
	{ { 240 },			4,  "reserved" },	/* +bcast */
};

static const struct netaddr_range netaddr_v6[] = {
	{ { 0 },			128, "unspecified" },	/* :: */
	{ { [15] = 1 },			128, "loopback" },	/* ::1 */
	{ { 0x01, 0x00 },		64,  "discard" },	/* 100::/64 */
	{ { 0x20, 0x01, 0x0d, 0xb8 },	32,  "documentation" },
	{ { 0xfc },			7,   "private" },	/* ULA */
	{ { 0xfe, 0x80 },		10,  "link-local" },
	{ { 0xfe, 0xc0 },		10,  "site-local" },
	{ { 0xff },			8,   "multicast" },
};

static int
netaddr_match(const uint8_t *a, const struct netaddr_range *r)
{
	int	full = r->bits / 8, rest = r->bits % 8;
	uint8_t	mask;

	if (memcmp(a, r->prefix, full) != 0)
		return 0;
	if (rest == 0)
		return 1;
	mask = (uint8_t)(0xff << (8 - rest));
	return (a[full] & mask) == (r->prefix[full] & mask);
}

static const char *
netaddr_class_v4(const uint8_t *a)
{
	for (size_t i = 0; i < sizeof(netaddr_v4) / sizeof(netaddr_v4[0]); i++)
		if (netaddr_match(a, &netaddr_v4[i]))
			return netaddr_v4[i].what;
	return NULL;
}

static const char *
netaddr_class_v6(const uint8_t *a)
{
	static const uint8_t	mapped[12] = { [10] = 0xff, [11] = 0xff };
	static const uint8_t	zero[12] = { 0 };
	static const uint8_t	nat64[12] = { 0x00, 0x64, 0xff, 0x9b };

	/* ::ffff:a.b.c.d, ::a.b.c.d (deprecated), 64:ff9b::a.b.c.d */
	if (memcmp(a, mapped, 12) == 0 || memcmp(a, nat64, 12) == 0 ||
	    (memcmp(a, zero, 12) == 0 && (a[12] | a[13] | a[14]) != 0))
		return netaddr_class_v4(a + 12);
	/* 6to4, 2002:a.b.c.d::/48, carries its IPv4 gateway. XXX Teredo
	 * (2001::/32) hides the client address and is let through. */
	if (a[0] == 0x20 && a[1] == 0x02)
		return netaddr_class_v4(a + 2);
	for (size_t i = 0; i < sizeof(netaddr_v6) / sizeof(netaddr_v6[0]); i++)
		if (netaddr_match(a, &netaddr_v6[i]))
			return netaddr_v6[i].what;
	/* Only 2000::/3 is global unicast today. */
	if ((a[0] & 0xe0) != 0x20)
		return "reserved";
	return NULL;
}

const char *
netaddr_class(const struct sockaddr *sa)
{
	const struct sockaddr_in	*sin;
	const struct sockaddr_in6	*sin6;

	switch (sa->sa_family) {
	case AF_INET:
		sin = (const struct sockaddr_in *)sa;
		return netaddr_class_v4((const uint8_t *)&sin->sin_addr);
	case AF_INET6:
		sin6 = (const struct sockaddr_in6 *)sa;
		return netaddr_class_v6(sin6->sin6_addr.s6_addr);
	default:
		return "not IP";
	}
}

const char *
netaddr_format(const struct sockaddr *sa, char *buf, size_t len)
{
	const void	*a;

	if (sa->sa_family == AF_INET)
		a = &((const struct sockaddr_in *)sa)->sin_addr;
	else if (sa->sa_family == AF_INET6)
		a = &((const struct sockaddr_in6 *)sa)->sin6_addr;
	else {
		snprintf(buf, len, "(family %d)", sa->sa_family);
		return buf;
	}
	if (inet_ntop(sa->sa_family, a, buf, len) == NULL)
		snprintf(buf, len, "(unprintable)");
	return buf;
}
