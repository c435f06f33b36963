/*
 * URLs as feeds write them: resolved against xml:base and the document
 * URL, and reduced to a canonical form for identity and dedup.
 *
 * libxml2's RFC 3986 parser (xmlParseURIRaw) decides what is a URI
 * reference; the resolution itself follows RFC 3986 section 5.2 on the
 * raw text. We do not use xmlBuildURI: in libxml2 2.9.14 it unescapes the
 * reference and writes it out again, so "%2F" turns into a path
 * separator, "a//b" loses a slash and "/../x" stays "/../x"; links would
 * no longer name what the feed named.
 *
 * The invariants: url_resolve keeps every character the feed wrote but
 * white space, ASCII that no URI may hold (encoded) and dot segments
 * (removed); url_canonical is idempotent and yields plain ASCII.
 */

#include "url.h"

#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include <libxml/uri.h>
#include <utf8proc.h>

#include "log.h"
#include "xmalloc.h"

/* Part of a string; p is NULL when the component is absent. */
struct url_span {
	const char	*p;
	size_t		 len;
};

/* The five components of RFC 3986 appendix B. */
struct url_parts {
	struct url_span	 scheme;
	struct url_span	 auth;
	struct url_span	 path;		/* never absent, maybe empty */
	struct url_span	 query;
	struct url_span	 frag;
};

struct url_buf {
	char		*s;
	size_t		 len;
	size_t		 cap;
};

/* One query parameter while sorting. */
struct url_param {
	const char	*p;
	size_t		 len;
	size_t		 keylen;
	size_t		 pos;
};

/* Queries with up to this many parameters are sorted on the stack. */
#define URL_FEW_PARAMS	16

/* A parameter name and its length. */
struct url_name {
	const char	*s;		/* lower case */
	size_t		 len;
};

#define URL_NAME(s)	{ s, sizeof(s) - 1 }

/*
 * Parameter names that only identify a click, a campaign, a mail or a
 * session. Both lists stay sorted by their first character:
 * url_is_tracking_param() looks names up by it.
 */
static const struct url_name url_tracking_exact[] = {
	URL_NAME("_ga"), URL_NAME("_gl"), URL_NAME("_hsenc"),
	URL_NAME("_hsmi"), URL_NAME("_openstat"), URL_NAME("at_campaign"),
	URL_NAME("at_medium"), URL_NAME("dclid"), URL_NAME("ef_id"),
	URL_NAME("fb_action_ids"), URL_NAME("fb_action_types"),
	URL_NAME("fb_ref"), URL_NAME("fb_source"), URL_NAME("fbclid"),
	URL_NAME("gbraid"), URL_NAME("gclid"), URL_NAME("gclsrc"),
	URL_NAME("hsctatracking"), URL_NAME("igsh"), URL_NAME("igshid"),
	URL_NAME("jsessionid"), URL_NAME("li_fat_id"), URL_NAME("mc_cid"),
	URL_NAME("mc_eid"), URL_NAME("mkt_tok"), URL_NAME("msclkid"),
	URL_NAME("ncid"), URL_NAME("oly_anon_id"), URL_NAME("oly_enc_id"),
	URL_NAME("phpsessid"), URL_NAME("rb_clickid"), URL_NAME("ref_src"),
	URL_NAME("ref_url"), URL_NAME("s_kwcid"), URL_NAME("srsltid"),
	URL_NAME("ttclid"), URL_NAME("twclid"), URL_NAME("vero_conv"),
	URL_NAME("vero_id"), URL_NAME("wbraid"), URL_NAME("wickedid"),
	URL_NAME("xtor"), URL_NAME("yclid"),
};

/* Families: Google Analytics, Matomo/Piwik, HubSpot. */
static const struct url_name url_tracking_prefix[] = {
	URL_NAME("__hs"), URL_NAME("hsa_"), URL_NAME("matomo_"),
	URL_NAME("mtm_"), URL_NAME("piwik_"), URL_NAME("pk_"),
	URL_NAME("utm_"),
};

static void
url_buf_add(struct url_buf *b, const char *p, size_t len)
{
	/* URLs are short; this bound also lets the compiler prove the
	 * arithmetic below cannot wrap. */
	if (len > SIZE_MAX / 4 || b->len > SIZE_MAX / 4)
		fatalx("url: length overflow");
	if (b->len + len + 1 > b->cap) {
		b->cap = (b->len + len + 1) * 2;
		b->s = xrealloc(b->s, b->cap);
	}
	memcpy(b->s + b->len, p, len);
	b->len += len;
	b->s[b->len] = '\0';
}

/* Room for n more bytes and the NUL, so that the caller may write them. */
static void
url_buf_reserve(struct url_buf *b, size_t n)
{
	if (n > SIZE_MAX / 4 || b->len > SIZE_MAX / 4)
		fatalx("url: length overflow");
	if (b->len + n + 1 > b->cap) {
		b->cap = b->len + n + 1;
		b->s = xrealloc(b->s, b->cap);
		b->s[b->len] = '\0';
	}
}

static void
url_buf_addc(struct url_buf *b, char c)
{
	url_buf_add(b, &c, 1);
}

static void
url_buf_add_span(struct url_buf *b, struct url_span sp)
{
	url_buf_add(b, sp.p, sp.len);
}

/* The buffer's string, "" when nothing was added; the buffer is spent. */
static char *
url_buf_take(struct url_buf *b)
{
	if (b->s == NULL)
		return xstrdup("");
	return b->s;
}

/* Write c as %XX at w; returns the end. */
static char *
url_put_escape(char *w, unsigned char c)
{
	static const char	 hex[] = "0123456789ABCDEF";

	w[0] = '%';
	w[1] = hex[c >> 4];
	w[2] = hex[c & 15];
	return w + 3;
}

static void
url_buf_add_escape(struct url_buf *b, unsigned char c)
{
	char	 e[3];

	url_put_escape(e, c);
	url_buf_add(b, e, 3);
}

static int
url_hexval(char c)
{
	if (c >= '0' && c <= '9')
		return c - '0';
	if (c >= 'a' && c <= 'f')
		return c - 'a' + 10;
	if (c >= 'A' && c <= 'F')
		return c - 'A' + 10;
	return -1;
}

static bool
url_is_alpha(char c)
{
	return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z');
}

static bool
url_is_unreserved(unsigned char c)
{
	return url_is_alpha(c) || (c >= '0' && c <= '9') || c == '-' ||
	    c == '.' || c == '_' || c == '~';
}

/*
 * Character classes as bit sets, one bit per byte value: words 0 and 1
 * hold ASCII, words 2 and 3 (bytes above 0x7f) are empty.
 */
#define URL_BITS(lo, hi)	\
	((~(uint64_t)0 >> (63 - ((hi) & 63))) & (~(uint64_t)0 << ((lo) & 63)))
#define URL_BIT(c)		((uint64_t)1 << ((c) & 63))

/* A host the fast path takes: unreserved characters (RFC 3986). */
static const uint64_t url_host_class[4] = {
	URL_BITS('0', '9') | URL_BIT('-') | URL_BIT('.'),
	URL_BITS('A', 'Z') | URL_BITS('a', 'z') | URL_BIT('_') | URL_BIT('~'),
};
/* pchar of RFC 3986 but pct-encoded: unreserved, sub-delims, ':', '@'. */
#define URL_PCHAR_LO	(URL_BITS('0', '9') | URL_BIT('-') | URL_BIT('.') | \
	URL_BIT('!') | URL_BIT('$') | URL_BITS('&', ',') | URL_BIT(';') | \
	URL_BIT('=') | URL_BIT(':'))
#define URL_PCHAR_HI	(URL_BITS('A', 'Z') | URL_BITS('a', 'z') | \
	URL_BIT('_') | URL_BIT('~') | URL_BIT('@'))
/* What a query or fragment takes: pchar, '/' and '?'. */
#define URL_QCHAR_LO	(URL_PCHAR_LO | URL_BIT('/') | URL_BIT('?'))

static const uint64_t url_pchar_class[4] = { URL_PCHAR_LO, URL_PCHAR_HI };
/* A host as url_is_plain_absolute() takes it: lower case, digits, '.'
 * and '-'. */
static const uint64_t url_lhost_class[4] = {
	URL_BITS('0', '9') | URL_BIT('-') | URL_BIT('.'),
	URL_BITS('a', 'z'),
};
static const uint64_t url_qchar_class[4] = { URL_QCHAR_LO, URL_PCHAR_HI };
/* What the fast path copies without a second look: pchar but ';' in a
 * path, qchar but '&' and '=' in a query. */
static const uint64_t url_seg_class[4] = {
	URL_PCHAR_LO & ~URL_BIT(';'), URL_PCHAR_HI,
};
static const uint64_t url_qpart_class[4] = {
	URL_QCHAR_LO & ~(URL_BIT('&') | URL_BIT('=')), URL_PCHAR_HI,
};
/* What url_clean() keeps as it is wherever it stands. */
static const uint64_t url_plain_class[4] = {
	URL_BITS('!', '?') & ~(URL_BIT('"') | URL_BIT('#') | URL_BIT('%') |
	    URL_BIT('<') | URL_BIT('>')),
	URL_BITS('@', '~') & ~(URL_BIT('[') | URL_BIT('\\') | URL_BIT(']') |
	    URL_BIT('^') | URL_BIT('`') | URL_BIT('{') | URL_BIT('|') |
	    URL_BIT('}')),
};

static bool
url_in_class(unsigned char c, const uint64_t cls[4])
{
	return (cls[c >> 6] >> (c & 63)) & 1;
}

static bool
url_is_host_char(unsigned char c)
{
	return url_in_class(c, url_host_class);
}

static bool
url_is_pchar(unsigned char c)
{
	return url_in_class(c, url_pchar_class);
}

/*
 * Length of the blank that p[0..n) starts with, 0 if none: ASCII white
 * space, and the Unicode spaces, zero-width characters and BOM that
 * copy and paste leaves around links (U+00A0, U+1680, U+2000-200D,
 * U+2028, U+2029, U+202F, U+205F, U+2060, U+3000, U+FEFF).
 */
static size_t
url_blank_len(const char *p, size_t n)
{
	const unsigned char	*u = (const unsigned char *)p;

	if (n >= 1 && (u[0] == ' ' || (u[0] >= '\t' && u[0] <= '\r')))
		return 1;
	if (n >= 2 && u[0] == 0xc2 && u[1] == 0xa0)
		return 2;
	if (n < 3)
		return 0;
	if (u[0] == 0xe2 && u[1] == 0x80 &&
	    ((u[2] >= 0x80 && u[2] <= 0x8d) || u[2] == 0xa8 ||
	    u[2] == 0xa9 || u[2] == 0xaf))
		return 3;
	if ((u[0] == 0xe2 && u[1] == 0x81 && (u[2] == 0x9f || u[2] == 0xa0)) ||
	    (u[0] == 0xe1 && u[1] == 0x9a && u[2] == 0x80) ||
	    (u[0] == 0xe3 && u[1] == 0x80 && u[2] == 0x80) ||
	    (u[0] == 0xef && u[1] == 0xbb && u[2] == 0xbf))
		return 3;
	return 0;
}

/* Length of the blank that s[0..end) ends with, 0 if none. */
static size_t
url_blank_len_back(const char *s, size_t end)
{
	size_t	 k;

	for (k = 1; k <= 3 && k <= end; k++)
		if (url_blank_len(s + end - k, k) == k)
			return k;
	return 0;
}

static char
url_lower(char c)
{
	return (c >= 'A' && c <= 'Z') ? c - 'A' + 'a' : c;
}

/* Length of the scheme at the start of s[0..len), 0 when there is none. */
static size_t
url_scheme_len(const char *s, size_t len)
{
	size_t	 i;

	if (len == 0 || !url_is_alpha(s[0]))
		return 0;
	for (i = 1; i < len; i++) {
		if (s[i] == ':')
			return i;
		if (!url_is_alpha(s[i]) && !(s[i] >= '0' && s[i] <= '9') &&
		    s[i] != '+' && s[i] != '-' && s[i] != '.')
			return 0;
	}
	return 0;
}

/* Split s into its components by RFC 3986 appendix B. */
static void
url_split(const char *s, struct url_parts *up)
{
	size_t	 len = strlen(s), i = 0, n;

	memset(up, 0, sizeof(*up));
	if ((n = url_scheme_len(s, len)) > 0) {
		up->scheme.p = s;
		up->scheme.len = n;
		i = n + 1;
	}
	if (len - i >= 2 && s[i] == '/' && s[i + 1] == '/') {
		i += 2;
		up->auth.p = s + i;
		n = strcspn(s + i, "/?#");
		up->auth.len = n;
		i += n;
	}
	up->path.p = s + i;
	n = strcspn(s + i, "?#");
	up->path.len = n;
	i += n;
	if (s[i] == '?') {
		i++;
		up->query.p = s + i;
		n = strcspn(s + i, "#");
		up->query.len = n;
		i += n;
	}
	if (s[i] == '#') {
		i++;
		up->frag.p = s + i;
		up->frag.len = len - i;
	}
}

static bool
url_plain(unsigned char c)
{
	return url_in_class(c, url_plain_class);
}

/* Trims the blanks at both ends of s, in place. */
static void
url_trim(char *s)
{
	size_t	start, end = strlen(s), n;

	for (start = 0; (n = url_blank_len(s + start, end - start)) > 0;
	    start += n)
		;
	while ((n = url_blank_len_back(s + start, end - start)) > 0)
		end -= n;
	if (start > 0)
		memmove(s, s + start, end - start);
	s[end - start] = '\0';
}

/*
 * The cleaned copy of s: tabs and newlines dropped, blanks trimmed, and
 * every ASCII character that no URI may hold percent-encoded; with
 * ascii, bytes above 0x7f too (libxml2 takes URIs, not IRIs). See url.h.
 */
static char *
url_clean(const char *s, bool ascii)
{
	const char		*in = s;
	char			*cut = NULL, *out, *w;
	size_t			 start, end, i, n, sl, auth_start = 0,
				 auth_end = 0;
	unsigned char		 c;
	bool			 hash = false, keep;

	/* Tabs and newlines go first, as in browsers, then the ends. */
	end = strcspn(s, "\t\n\r");
	if (s[end] != '\0') {
		in = cut = xmalloc(end + strlen(s + end) + 1);
		memcpy(cut, s, end);
		for (s += end; *s != '\0'; s++)
			if (*s != '\t' && *s != '\n' && *s != '\r')
				cut[end++] = *s;
		cut[end] = '\0';
	}
	for (start = 0; (n = url_blank_len(in + start, end - start)) > 0;
	    start += n)
		;
	while ((n = url_blank_len_back(in + start, end - start)) > 0)
		end -= n;
	/* '[' and ']' are legal in the host only. */
	sl = url_scheme_len(in + start, end - start);
	i = start + (sl > 0 ? sl + 1 : 0);
	if (end - i >= 2 && in[i] == '/' && in[i + 1] == '/') {
		auth_start = i + 2;
		for (auth_end = auth_start; auth_end < end &&
		    strchr("/?#", in[auth_end]) == NULL; auth_end++)
			;
	}
	/* Each byte becomes at most three. */
	if (end - start > SIZE_MAX / 4)
		fatalx("url: length overflow");
	w = out = xmalloc(3 * (end - start) + 1);
	for (i = start; i < end; i++) {
		c = in[i];
		if (url_plain(c))
			keep = true;
		else if (c == '#' && !hash)
			keep = hash = true;
		else if (c == '%')
			keep = i + 2 < end && url_hexval(in[i + 1]) != -1 &&
			    url_hexval(in[i + 2]) != -1;
		else if (c >= 0x80)
			keep = !ascii;
		else if (c == '[' || c == ']')
			keep = i >= auth_start && i < auth_end;
		else	/* space, controls, a second '#', "\"<>\\^`{|}" */
			keep = false;
		if (keep)
			*w++ = c;
		else
			w = url_put_escape(w, c);
	}
	*w = '\0';
	free(cut);
	return out;
}

/* Whether libxml2's RFC 3986 parser takes the cleaned string s. */
static bool
url_valid(const char *s)
{
	xmlURIPtr	 u;
	char		*a;

	a = url_clean(s, true);
	u = xmlParseURIRaw(a, 1);
	free(a);
	if (u == NULL)
		return false;
	xmlFreeURI(u);
	return true;
}

static bool
url_span_is(struct url_span sp, const char *s)
{
	return sp.p != NULL && sp.len == strlen(s) &&
	    strncasecmp(sp.p, s, sp.len) == 0;
}

static bool
url_span_is_http(struct url_span scheme)
{
	return url_span_is(scheme, "http") || url_span_is(scheme, "https");
}

/* Cut the output back to before its last '/', but not before start. */
static void
url_buf_cut_segment(struct url_buf *b, size_t start)
{
	while (b->len > start && b->s[b->len - 1] != '/')
		b->len--;
	if (b->len > start)
		b->len--;
	if (b->s != NULL)
		b->s[b->len] = '\0';
}

/*
 * remove_dot_segments of RFC 3986 5.2.4 for a path starting with '/',
 * appended to b. The output starts with '/' too.
 */
static void
url_remove_dots(struct url_buf *b, const char *p, size_t len)
{
	size_t	 start = b->len, n, seg;

	while (len > 0) {
		n = len;
		if (n >= 3 && memcmp(p, "/./", 3) == 0)
			seg = 2;
		else if (n == 2 && memcmp(p, "/.", 2) == 0) {
			url_buf_addc(b, '/');
			seg = 2;
		} else if (n >= 4 && memcmp(p, "/../", 4) == 0) {
			url_buf_cut_segment(b, start);
			seg = 3;
		} else if (n == 3 && memcmp(p, "/..", 3) == 0) {
			url_buf_cut_segment(b, start);
			url_buf_addc(b, '/');
			seg = 3;
		} else {
			for (seg = 1; seg < n && p[seg] != '/'; seg++)
				;
			url_buf_add(b, p, seg);
		}
		p += seg;
		len -= seg;
	}
}

/*
 * Append path p to b without its dot segments. A relative path (no
 * scheme or base gave it a root) is treated as if rooted and comes out
 * relative again, its leading ".." dropped.
 */
static void
url_add_path(struct url_buf *b, const char *p, size_t len)
{
	struct url_buf	 tmp = { NULL, 0, 0 };
	size_t		 start = b->len;

	if (len == 0)
		return;
	if (p[0] == '/') {
		url_remove_dots(b, p, len);
		return;
	}
	url_buf_addc(&tmp, '/');
	url_buf_add(&tmp, p, len);
	url_remove_dots(b, tmp.s, tmp.len);
	free(tmp.s);
	/* drop the '/' we put in front (if anything was written) */
	if (b->len > start) {
		memmove(b->s + start, b->s + start + 1, b->len - start);
		b->len--;
	}
}

/* RFC 3986 5.2.3: the reference's path merged with the base's. */
static void
url_add_merged(struct url_buf *b, const struct url_parts *base,
    struct url_span ref)
{
	struct url_buf	 tmp = { NULL, 0, 0 };
	size_t		 n;

	if (base->auth.p != NULL && base->path.len == 0)
		url_buf_addc(&tmp, '/');
	else {
		for (n = base->path.len; n > 0 && base->path.p[n - 1] != '/';
		    n--)
			;
		url_buf_add(&tmp, base->path.p, n);
	}
	url_buf_add_span(&tmp, ref);
	url_add_path(b, tmp.s, tmp.len);
	free(tmp.s);
}

/*
 * RFC 3986 5.2.2 and 5.3: the target of reference r against base, written
 * to b. base may be NULL only when r has a scheme.
 */
static void
url_transform(struct url_buf *b, const struct url_parts *base,
    const struct url_parts *r)
{
	struct url_span	 scheme, auth, query;

	if (r->scheme.p != NULL || r->auth.p != NULL) {
		scheme = r->scheme.p != NULL ? r->scheme : base->scheme;
		auth = r->auth;
		query = r->query;
	} else {
		scheme = base->scheme;
		auth = base->auth;
		query = r->query;
		if (r->path.len == 0 && r->query.p == NULL)
			query = base->query;
	}
	if (scheme.p != NULL) {
		url_buf_add_span(b, scheme);
		url_buf_addc(b, ':');
	}
	if (auth.p != NULL) {
		url_buf_add(b, "//", 2);
		url_buf_add_span(b, auth);
	}
	if (r->scheme.p != NULL || r->auth.p != NULL ||
	    (r->path.len > 0 && r->path.p[0] == '/'))
		url_add_path(b, r->path.p, r->path.len);
	else if (r->path.len == 0)	/* RFC: as is; we drop dots here too */
		url_add_path(b, base->path.p, base->path.len);
	else
		url_add_merged(b, base, r->path);
	if (query.p != NULL) {
		url_buf_addc(b, '?');
		url_buf_add_span(b, query);
	}
	if (r->frag.p != NULL) {
		url_buf_addc(b, '#');
		url_buf_add_span(b, r->frag);
	}
}

/*
 * Most links in feeds are already absolute and plain: "https://host/path".
 * Those come back unchanged from the full resolution below, which cleans,
 * splits and validates with libxml2; this strict test lets them skip it.
 * Anything unusual (other schemes, escapes, dot segments, user info,
 * IPv6 literals, non-ASCII) takes the full path.
 */
bool
url_is_plain_absolute(const char *s)
{
	const char	*p;

	/* "http://" or "https://", compared a byte at a time so that a
	 * shorter string ends the test at its NUL. */
	if (s[0] != 'h' || s[1] != 't' || s[2] != 't' || s[3] != 'p')
		return false;
	p = s[4] == 's' ? s + 5 : s + 4;
	if (p[0] != ':' || p[1] != '/' || p[2] != '/')
		return false;
	p += 3;
	if (!((*p >= 'a' && *p <= 'z') || (*p >= '0' && *p <= '9')))
		return false;
	while (url_in_class((unsigned char)*p, url_lhost_class))
		p++;
	if (*p != '\0' && *p != '/' && *p != '?' && *p != '#' && *p != ':')
		return false;
	if (p[-1] == '.' || p[-1] == '-')
		return false;
	if (*p == ':') {
		long	port = 0;
		int	digits = 0;

		for (p++; *p >= '0' && *p <= '9' && digits < 6; p++, digits++)
			port = port * 10 + (*p - '0');
		if (digits == 0 || digits > 5 || port < 1 || port > 65535 ||
		    (*p != '\0' && *p != '/' && *p != '?' && *p != '#'))
			return false;
	}
	for (; *p != '\0'; p++) {
		/* Letters, digits and "-._~/?=&+,;:@!$*()'". */
		if (!url_in_class((unsigned char)*p, url_qchar_class))
			return false;
		/* "/." begins a dot segment ("/./", "/../", "/.hidden"
		 * alike: rare enough to send down the full path). */
		if (*p == '/' && p[1] == '.')
			return false;
	}
	return true;
}

char *
url_resolve(const char *base, const char *ref)
{
	struct url_buf	 b = { NULL, 0, 0 };
	struct url_parts bp, rp;
	char		*bs = NULL, *rs, *ret = NULL, *t;
	bool		 hasbase = false;

	if (ref == NULL)
		return NULL;
	if (url_is_plain_absolute(ref))
		return xstrdup(ref);
	rs = url_clean(ref, false);
	url_split(rs, &rp);
	if (rp.scheme.p != NULL && !url_span_is_http(rp.scheme))
		return rs;	/* javascript:, mailto:, data:, ...: as is */
	if (!url_valid(rs))
		goto done;
	if (base != NULL && (rp.scheme.p == NULL || rp.auth.p == NULL)) {
		/*
		 * The base's fragment never reaches the result; cut it
		 * before cleaning so that blanks before it are trimmed.
		 */
		t = xstrndup(base, strcspn(base, "#"));
		bs = url_clean(t, false);
		free(t);
		url_split(bs, &bp);
		/* An opaque base ("mailto:x", "urn:x") has no hierarchy. */
		hasbase = bs[0] != '\0' && url_valid(bs) &&
		    (bp.scheme.p == NULL || bp.auth.p != NULL ||
		    (bp.path.len > 0 && bp.path.p[0] == '/'));
		/*
		 * "http:g" against an http base is "g", as in browsers and
		 * feedparser (the non-strict reading of RFC 3986 5.2.2).
		 */
		if (hasbase && rp.scheme.p != NULL && rp.auth.p == NULL &&
		    bp.scheme.p != NULL &&
		    rp.scheme.len == bp.scheme.len &&
		    strncasecmp(rp.scheme.p, bp.scheme.p, rp.scheme.len) == 0)
			rp.scheme.p = NULL;
	}
	if (!hasbase && rp.scheme.p == NULL) {
		/* Nothing to resolve against: keep the link as written. */
		if (rs[0] != '\0') {
			ret = rs;
			rs = NULL;
		}
		goto done;
	}
	url_transform(&b, hasbase ? &bp : NULL, &rp);
	ret = url_buf_take(&b);
	/* Dot segments removed can bring a blank from inside a path to an
	 * end ("x/../\u205fhttp://h" against a scheme-less base): trimmed,
	 * as the inputs are, so that the result resolves to itself. */
	url_trim(ret);
done:
	free(bs);
	free(rs);
	return ret;
}

/*
 * Append p to b with every %xx upper-cased, or decoded when it stands for
 * an unreserved character; with lower, ASCII letters lower-cased too.
 */
static void
url_add_normal(struct url_buf *b, const char *p, size_t len, bool lower)
{
	size_t		 i;
	unsigned char	 c;
	char		*w;

	/* Nothing gets longer: an escape stays three bytes or becomes one. */
	url_buf_reserve(b, len);
	w = b->s + b->len;
	for (i = 0; i < len; i++) {
		c = p[i];
		if (c == '%' && i + 2 < len && url_hexval(p[i + 1]) != -1 &&
		    url_hexval(p[i + 2]) != -1) {
			c = url_hexval(p[i + 1]) << 4 | url_hexval(p[i + 2]);
			i += 2;
			if (!url_is_unreserved(c)) {
				w = url_put_escape(w, c);
				continue;
			}
		}
		*w++ = lower ? url_lower(c) : c;
	}
	*w = '\0';
	b->len = w - b->s;
}

/* The first of the n names of t that start with c (or sort after it). */
static size_t
url_name_first(const struct url_name *t, size_t n, char c)
{
	size_t	 lo = 0, mid;

	while (lo < n) {
		mid = lo + (n - lo) / 2;
		if (t[mid].s[0] < c)
			lo = mid + 1;
		else
			n = mid;
	}
	return lo;
}

bool
url_is_tracking_param(const char *key, size_t len)
{
	const size_t		 ne = sizeof(url_tracking_exact) /
	    sizeof(url_tracking_exact[0]), np = sizeof(url_tracking_prefix) /
	    sizeof(url_tracking_prefix[0]);
	const struct url_name	*t;
	size_t			 i;
	char			 c;

	if (len == 0)
		return false;
	c = url_lower(key[0]);
	for (i = url_name_first(url_tracking_exact, ne, c); i < ne &&
	    (t = &url_tracking_exact[i])->s[0] == c; i++)
		if (len == t->len && strncasecmp(key, t->s, len) == 0)
			return true;
	for (i = url_name_first(url_tracking_prefix, np, c); i < np &&
	    (t = &url_tracking_prefix[i])->s[0] == c; i++)
		if (len > t->len && strncasecmp(key, t->s, t->len) == 0)
			return true;
	return false;
}

static int
url_param_cmp(const void *a, const void *b)
{
	const struct url_param	*x = a, *y = b;
	int			 c;

	c = memcmp(x->p, y->p, x->keylen < y->keylen ? x->keylen : y->keylen);
	if (c != 0)
		return c;
	if (x->keylen != y->keylen)
		return x->keylen < y->keylen ? -1 : 1;
	return x->pos < y->pos ? -1 : x->pos > y->pos;
}

/* Whether parameter x sorts after y in the canonical query. */
static bool
url_param_after(const struct url_param *x, const struct url_param *y)
{
	int	 c;

	c = memcmp(x->p, y->p, x->keylen < y->keylen ? x->keylen : y->keylen);
	return c > 0 || (c == 0 && x->keylen > y->keylen);
}

/*
 * Sort query parameters by key, equal keys in their order: by insertion
 * when there are few, by qsort(3) (with the position as the last key)
 * when a query is long enough for the quadratic sort to matter.
 */
static void
url_params_sort(struct url_param *v, size_t n)
{
	struct url_param	 t;
	size_t			 i, j;

	if (n > URL_FEW_PARAMS) {
		for (i = 0; i < n; i++)
			v[i].pos = i;
		qsort(v, n, sizeof(*v), url_param_cmp);
		return;
	}
	for (i = 1; i < n; i++) {
		t = v[i];
		for (j = i; j > 0 && url_param_after(&v[j - 1], &t); j--)
			v[j] = v[j - 1];
		v[j] = t;
	}
}

/* Append the canonical query for raw query q: see url_canonical(). */
static void
url_add_query(struct url_buf *b, const char *q, size_t len)
{
	struct url_buf		 norm = { NULL, 0, 0 };
	struct url_param	 few[URL_FEW_PARAMS], *v = few;
	const char		*p, *end, *amp, *eq;
	size_t			 i, n = 0;

	url_add_normal(&norm, q, len, false);
	if (norm.len == 0)
		goto done;
	/* At most one parameter for every two bytes ("a&b&c"). */
	if (norm.len / 2 + 1 > URL_FEW_PARAMS)
		v = xreallocarray(NULL, norm.len / 2 + 1, sizeof(*v));
	for (p = norm.s, end = norm.s + norm.len; p < end; p = amp + 1) {
		if ((amp = memchr(p, '&', end - p)) == NULL)
			amp = end;
		if (amp == p)
			continue;
		eq = memchr(p, '=', amp - p);
		v[n].p = p;
		v[n].len = amp - p;
		v[n].keylen = (eq != NULL ? eq : amp) - p;
		if (!url_is_tracking_param(v[n].p, v[n].keylen))
			n++;
	}
	url_params_sort(v, n);
	for (i = 0; i < n; i++) {
		url_buf_addc(b, i == 0 ? '?' : '&');
		url_buf_add(b, v[i].p, v[i].len);
	}
	if (v != few)
		free(v);
done:
	free(norm.s);
}

/*
 * Append the canonical host: letters lower-cased, and a host with
 * non-ASCII characters mapped the way IDNA starts (compatibility
 * composition and case folding, by utf8proc, repeated until stable), so
 * "MÜNCHEN.de", "m%C3%BCnchen.de" and "münchen.de" meet. Such a host is
 * written with everything but unreserved characters percent-encoded.
 */
static void
url_add_host(struct url_buf *b, const char *h, size_t len)
{
	struct url_buf		 raw = { NULL, 0, 0 };
	utf8proc_uint8_t	*m = NULL, *m2;
	utf8proc_ssize_t	 n, n2;
	size_t			 i;
	unsigned char		 c;
	bool			 wide = false;
	int			 round;

	for (i = 0; i < len && !wide; i++) {
		c = h[i];
		if (c == '%' && i + 2 < len && url_hexval(h[i + 1]) != -1 &&
		    url_hexval(h[i + 2]) != -1) {
			c = url_hexval(h[i + 1]) << 4 | url_hexval(h[i + 2]);
			i += 2;
		}
		wide = c >= 0x80;
	}
	if (!wide) {
		url_add_normal(b, h, len, true);
		return;
	}
	url_buf_reserve(&raw, len);
	for (i = 0; i < len; i++) {
		c = h[i];
		if (c == '%' && i + 2 < len && url_hexval(h[i + 1]) != -1 &&
		    url_hexval(h[i + 2]) != -1) {
			c = url_hexval(h[i + 1]) << 4 | url_hexval(h[i + 2]);
			i += 2;
		}
		raw.s[raw.len++] = c;
	}
	n = utf8proc_map((const utf8proc_uint8_t *)raw.s, raw.len, &m,
	    UTF8PROC_STABLE | UTF8PROC_COMPOSE | UTF8PROC_COMPAT |
	    UTF8PROC_CASEFOLD);
	if (n < 0) {
		/* not UTF-8: compare the bytes as they are */
		url_add_normal(b, h, len, true);
		goto done;
	}
	for (round = 0; round < 4; round++) {
		n2 = utf8proc_map(m, n, &m2, UTF8PROC_STABLE |
		    UTF8PROC_COMPOSE | UTF8PROC_COMPAT | UTF8PROC_CASEFOLD);
		if (n2 < 0)
			break;
		if (n2 == n && memcmp(m, m2, n) == 0) {
			free(m2);
			break;
		}
		free(m);
		m = m2;
		n = n2;
	}
	for (i = 0; i < (size_t)n; i++) {
		c = m[i];
		if (url_is_unreserved(c))
			url_buf_addc(b, url_lower(c));
		else
			url_buf_add_escape(b, c);
	}
done:
	free(m);
	free(raw.s);
}

/* Append the canonical authority (user, host, port); -1 if unusable. */
static int
url_add_authority(struct url_buf *b, const char *a, size_t len)
{
	const char	*at, *host, *port = NULL;
	size_t		 hostlen, portlen = 0, start, i;
	unsigned long	 num = 0;

	at = NULL;
	for (i = len; i > 0; i--)
		if (a[i - 1] == '@') {
			at = a + i - 1;
			break;
		}
	if (at != NULL) {
		url_add_normal(b, a, at - a, false);
		url_buf_addc(b, '@');
		len -= at + 1 - a;
		a = at + 1;
	}
	host = a;
	hostlen = len;
	/*
	 * libxml2 2.9.14 takes anything in brackets; we take an IPv6
	 * address (hex digits, ':' and '.') and no other bracket.
	 */
	i = 0;
	if (len > 0 && a[0] == '[') {
		for (i = 1; i < len && a[i] != ']'; i++)
			if (url_hexval(a[i]) == -1 && a[i] != ':' && a[i] != '.')
				return -1;
		if (i == len || i == 1)
			return -1;
	}
	if (memchr(a + i, '[', len - i) != NULL ||
	    memchr(a + (i > 0 ? i + 1 : 0), ']', len - (i > 0 ? i + 1 : 0)) !=
	    NULL)
		return -1;
	for (; i < len; i++)
		if (a[i] == ':') {
			hostlen = i;
			port = a + i + 1;
			portlen = len - i - 1;
			break;
		}
	start = b->len;
	url_add_host(b, host, hostlen);
	while (b->len > start && b->s[b->len - 1] == '.')
		b->len--;
	if (b->len == start)
		return -1;
	b->s[b->len] = '\0';
	for (i = 0; i < portlen; i++) {
		if (port[i] < '0' || port[i] > '9')
			return -1;
		num = num * 10 + (port[i] - '0');
		if (num > 65535)
			return -1;
	}
	if (portlen > 0 && num != 80 && num != 443) {
		url_buf_addc(b, ':');
		while (portlen > 1 && port[0] == '0') {
			port++;
			portlen--;
		}
		url_buf_add(b, port, portlen);
	}
	return 0;
}

/*
 * Drop ";jsessionid=..." path parameters (Java servers put one in every
 * link of a visitor without cookies, so each fetch would be new).
 */
static void
url_cut_session(struct url_buf *b)
{
	static const char	 key[] = ";jsessionid=";
	const char		*semi;
	size_t			 i, j, klen = sizeof(key) - 1;

	i = 0;
	while (i + klen <= b->len) {
		if ((semi = memchr(b->s + i, ';', b->len - klen + 1 - i)) ==
		    NULL)
			break;
		i = semi - b->s;
		if (strncasecmp(b->s + i, key, klen) != 0) {
			i++;
			continue;
		}
		for (j = i + klen; j < b->len && b->s[j] != '/' &&
		    b->s[j] != ';'; j++)
			;
		memmove(b->s + i, b->s + j, b->len - j + 1);
		b->len -= j - i;
	}
}

static bool
url_is_qchar(unsigned char c)
{
	return url_in_class(c, url_qchar_class);
}

/*
 * Whether p starts an escape that the canonical form keeps as written:
 * upper-case hex digits, for a byte that is not unreserved.
 */
static bool
url_is_kept_escape(const unsigned char *p)
{
	int	 hi, lo;

	if (p[0] != '%' || (hi = url_hexval(p[1])) == -1 ||
	    (lo = url_hexval(p[2])) == -1)
		return false;
	/* hex digits at or above 'a' are the lower-case letters */
	return p[1] < 'a' && p[2] < 'a' && !url_is_unreserved(hi << 4 | lo);
}

static bool
url_is_ascii_blank(unsigned char c)
{
	return c == ' ' || (c >= '\t' && c <= '\r');
}

/* The end of the run of qchars and kept escapes at p. */
static const unsigned char *
url_skip_qchars(const unsigned char *p)
{
	for (;; p++)
		if (*p == '%' && url_is_kept_escape(p))
			p += 2;
		else if (!url_is_qchar(*p))
			return p;
}

/*
 * The fast path of url_canonical() for the usual link, ASCII blanks
 * around it allowed: "http" or "https" in any case, "://", a host of
 * unreserved characters not ending in '.', maybe a port of 1 to 5 digits
 * up to 65535, a path of pchars (RFC 3986) without dot segments and
 * without ";jsessionid=", and a query and fragment of pchars, '/' and
 * '?'; escapes only as the canonical form writes them (upper-case hex,
 * not for an unreserved character); no user info, no IPv6 literal, no
 * non-ASCII byte. url_clean() leaves such a string as it is but for the
 * blanks, libxml2's parser takes it (a scheme, "//", a reg-name, a port,
 * path-abempty segments of pchars, the query and the fragment, then the
 * end), and the full path would only lower-case the host, drop a port 80
 * or 443 and leading zeros, drop tracking and empty parameters, sort the
 * rest and drop the fragment: the same is done here in one buffer.
 * test_url compares the two paths on generated links.
 *
 * Returns 1 for such a link, with its canonical form in *out unless out
 * is NULL (url_is_http() only asks); 0 at once for a string that cannot
 * start with a scheme (its first non-blank byte is ASCII but no letter);
 * -1 when the full path must decide.
 */
static int
url_canonical_fast(const char *url, char **out)
{
	struct url_param	 v[URL_FEW_PARAMS];
	const unsigned char	*s = (const unsigned char *)url, *end, *p;
	const unsigned char	*host, *port = NULL, *path, *q, *eq;
	size_t			 hostlen, portlen = 0, pathlen, np = 0, i;
	unsigned long		 num = 0;
	char			*o, *w;

	while (url_is_ascii_blank(*s))
		s++;
	if (*s < 0x80 && !url_is_alpha(*s))
		return 0;
	if ((s[0] | 0x20) != 'h' || (s[1] | 0x20) != 't' ||
	    (s[2] | 0x20) != 't' || (s[3] | 0x20) != 'p')
		return -1;
	p = s + 4;
	if ((*p | 0x20) == 's')
		p++;
	if (p[0] != ':' || p[1] != '/' || p[2] != '/')
		return -1;
	end = p + strlen((const char *)p);
	while (url_is_ascii_blank(end[-1]))
		end--;

	/* The host, and a port. */
	for (host = p += 3; url_is_host_char(*p); p++)
		;
	hostlen = p - host;
	if (hostlen == 0 || p[-1] == '.')
		return -1;
	if (*p == ':') {
		for (port = ++p; *p >= '0' && *p <= '9'; p++)
			num = num * 10 + (*p - '0');
		portlen = p - port;
		if (portlen == 0 || portlen > 5 || num > 65535)
			return -1;
	}

	/* The path: no dot segment, no session id. */
	for (path = p; ; p++) {
		if (url_in_class(*p, url_seg_class))
			continue;
		if (*p == '/') {
			if (p[1] == '.' && (!url_is_pchar(p[2]) ||
			    (p[2] == '.' && !url_is_pchar(p[3]))))
				return -1;
		} else if (*p == ';') {
			if ((p[1] | 0x20) == 'j' && strncasecmp((const char *)p,
			    ";jsessionid=", 12) == 0)
				return -1;
		} else if (*p == '%') {
			if (!url_is_kept_escape(p))
				return -1;
			p += 2;
		} else
			break;
	}
	pathlen = p - path;
	if (pathlen > 0 && *path != '/')
		return -1;

	/* The query, split into the parameters we keep. */
	if (*p == '?' && out == NULL)
		p = url_skip_qchars(p + 1);
	else if (*p == '?') {
		for (q = ++p, eq = NULL; ; p++) {
			if (url_in_class(*p, url_qpart_class))
				continue;
			if (*p == '=') {
				if (eq == NULL)
					eq = p;
				continue;
			}
			if (*p == '%') {
				if (!url_is_kept_escape(p))
					return -1;
				p += 2;
				continue;
			}
			/* '&' or the end of the query */
			if (p > q) {
				if (np == URL_FEW_PARAMS)
					return -1;
				v[np].p = (const char *)q;
				v[np].len = p - q;
				v[np].keylen = (eq != NULL ? eq : p) - q;
				if (!url_is_tracking_param(v[np].p,
				    v[np].keylen))
					np++;
			}
			if (*p != '&')
				break;
			q = p + 1;
			eq = NULL;
		}
	}
	if (*p == '#')
		p = url_skip_qchars(p + 1);
	if (p != end)
		return -1;
	if (out == NULL)
		return 1;

	url_params_sort(v, np);

	/* At most one byte longer in the scheme and one for an empty path. */
	w = o = xmalloc(end - s + 3);
	memcpy(w, "https://", 8);
	w += 8;
	for (i = 0; i < hostlen; i++)
		*w++ = url_lower(host[i]);
	if (portlen > 0 && num != 80 && num != 443) {
		*w++ = ':';
		while (portlen > 1 && *port == '0') {
			port++;
			portlen--;
		}
		memcpy(w, port, portlen);
		w += portlen;
	}
	if (pathlen == 0)
		*w++ = '/';
	memcpy(w, path, pathlen);
	w += pathlen;
	for (i = 0; i < np; i++) {
		*w++ = i == 0 ? '?' : '&';
		memcpy(w, v[i].p, v[i].len);
		w += v[i].len;
	}
	*w = '\0';
	*out = o;
	return 1;
}

char *
url_canonical(const char *url)
{
	struct url_buf	 b = { NULL, 0, 0 }, path = { NULL, 0, 0 };
	struct url_parts up;
	xmlURIPtr	 u;
	char		*s, *ret = NULL;

	if (url == NULL)
		return NULL;
	switch (url_canonical_fast(url, &ret)) {
	case 1:
		return ret;
	case 0:
		return NULL;
	}
	s = url_clean(url, true);
	url_split(s, &up);
	if (!url_span_is_http(up.scheme) || up.auth.p == NULL)
		goto done;
	if ((u = xmlParseURIRaw(s, 1)) == NULL)
		goto done;
	xmlFreeURI(u);
	/* Enough but for a host that Unicode mapping makes longer. */
	url_buf_reserve(&b, strlen(s) + 2);
	url_buf_add(&b, "https://", 8);
	if (url_add_authority(&b, up.auth.p, up.auth.len) == -1)
		goto done;
	url_add_normal(&path, up.path.p, up.path.len, false);
	url_cut_session(&path);
	if (path.len == 0)
		url_buf_addc(&b, '/');
	else
		url_remove_dots(&b, path.s, path.len);
	if (up.query.p != NULL)
		url_add_query(&b, up.query.p, up.query.len);
	ret = url_buf_take(&b);
	b.s = NULL;
done:
	free(path.s);
	free(b.s);
	free(s);
	return ret;
}

bool
url_is_http(const char *url)
{
	char	*c;
	int	 fast;

	/* The fast path need not write the canonical form to tell. */
	if (url != NULL && (fast = url_canonical_fast(url, NULL)) != -1)
		return fast == 1;
	if ((c = url_canonical(url)) == NULL)
		return false;
	free(c);
	return true;
}
