#ifndef URL_H
#define URL_H

/*
 * URLs: resolving relative references (RFC 3986, through libxml2's URI
 * code) and the canonical form that identity and dedup compare.
 */

#include <stdbool.h>

/* ref resolved against base; either may be NULL. Returns a new string
 * (free it) or NULL when the result would not be an absolute URL. */
char	*url_resolve(const char *base, const char *ref);
/* Canonical form: lower-case scheme and host, no default port, no
 * fragment, tracking parameters removed, query parameters sorted, http
 * and https equal (written as https). NULL for anything but http(s). */
char	*url_canonical(const char *url);
/* An absolute http or https URL with a host. */
bool	 url_is_http(const char *url);

#endif /* URL_H */
