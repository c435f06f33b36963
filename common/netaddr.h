#ifndef NETADDR_H
#define NETADDR_H

/*
 * Which addresses a fetch may connect to. Feed URLs come from admins but
 * redirects come from the internet, so every resolved address is checked
 * at connect time (fetch.c) and anything that is not a public unicast
 * address is refused: a feed must never make us talk to our own host or
 * network.
 */

#include <stddef.h>

struct sockaddr;

/* NULL for a public unicast address, else what it is ("loopback",
 * "private", "link-local", ...). IPv4-mapped and IPv4-compatible IPv6
 * addresses are judged by the IPv4 address inside. Any family other than
 * AF_INET and AF_INET6 is "not IP". */
const char	*netaddr_class(const struct sockaddr *);

/* The numeric form of the address ("192.0.2.1", "2001:db8::1") into buf. */
const char	*netaddr_format(const struct sockaddr *, char *buf, size_t len);

#endif /* NETADDR_H */
