#ifndef URL_H
#define URL_H

/*
 * URLs: resolving relative references (RFC 3986 section 5, with libxml2's
 * URI parser as the judge of syntax) and the canonical form that identity
 * and dedup compare.
 *
 * Both first clean their input the way feeds need: leading and trailing
 * blanks go (ASCII white space, and the no-break and zero-width spaces
 * and BOM that copy and paste leaves), tabs and newlines inside go (as
 * browsers do), and
 * ASCII characters that can never stand in a URI (space, controls,
 * "<>\"\\^`{|}", '[' and ']' outside the host, a '%' not followed by two
 * hex digits, a second '#') are percent-encoded.
 */

#include <stdbool.h>
#include <stddef.h>

/*
 * ref resolved against base; returns a new string (free it) or NULL.
 *
 * - The result is an IRI as written: non-ASCII characters pass through
 *   raw (never encoded, never decoded) and existing %XX escapes are kept
 *   as they are; only the cleaning above and the removal of dot
 *   segments touch the text.
 * - A ref with a scheme other than http or https (javascript:, mailto:,
 *   data:, tag:, ...) comes back cleaned as above, unresolved and not
 *   checked: the sanitizer decides what to keep, not the resolver. The
 *   scheme is read after cleaning, so "java\nscript:" is seen as the
 *   browser sees it. An absolute http(s) ref only loses its dot segments;
 *   one without "//" and with the base's scheme ("http:x") is taken as
 *   relative, as browsers and feedparser do.
 * - With no usable base (NULL, empty, unparseable, or opaque such as
 *   "mailto:x"), a relative ref comes back as written (cleaned), so a feed
 *   without a known URL keeps its relative links; a relative base such as
 *   "/news/" still applies to it.
 * - An empty ref means the base itself, without its fragment.
 * - NULL for a NULL ref, for an empty ref with no base, and for a ref that
 *   is not RFC 3986 syntax even after cleaning ("1:x", "http://a.c[o/").
 */
char	*url_resolve(const char *base, const char *ref);

/*
 * Whether ref is an absolute http(s) URL so plain (lower-case host,
 * ASCII, no escapes, no dot segments) that url_resolve() returns it
 * unchanged whatever the base: a strict test that lets a caller skip the
 * call and its copy. false says nothing about ref.
 */
bool	 url_is_plain_absolute(const char *ref);

/*
 * The identity form for dedup, a plain-ASCII URI; NULL for anything but
 * an absolute http(s) URL with a host. It
 * - writes the scheme as https (http and https are equal);
 * - lower-cases the host (a non-ASCII one by Unicode compatibility
 *   composition and case folding), drops its trailing dots and ports 80
 *   and 443;
 * - encodes non-ASCII bytes, upper-cases %xx escapes and decodes those
 *   of unreserved characters (A-Z a-z 0-9 - . _ ~);
 * - removes dot segments and ";jsessionid=" path parameters, and writes
 *   an empty path as "/";
 * - drops tracking and session parameters (url_is_tracking_param) and
 *   empty ones from the query, sorts the others by key (equal keys keep
 *   their order), and drops an empty query and the fragment.
 *
 * Left alone on purpose, because the same site may really serve different
 * things under each: a leading "www." (www.x.eu and x.eu can be different
 * servers), a trailing slash ("/news" and "/news/" are two resources to
 * HTTP), the case of the path and query (case-sensitive on most servers),
 * "+" against "%20" in the query, "index.html", the user name, and
 * parameters without a value ("a" and "a=" stay different). Stories catch
 * what this misses by title and text.
 *
 * XXX no IDNA (no libidn2 in common/): the punycode spelling of a host
 * ("xn--mnchen-3ya.de") differs from its Unicode one ("münchen.de").
 */
char	*url_canonical(const char *url);

/* An absolute http or https URL with a host: exactly the strings for
 * which url_canonical() returns non-NULL. */
bool	 url_is_http(const char *url);

/* A query parameter name that only tracks clicks or sessions (utm_*,
 * fbclid, jsessionid, ...), compared without regard to case. */
bool	 url_is_tracking_param(const char *key, size_t len);

#endif /* URL_H */
