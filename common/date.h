#ifndef DATE_H
#define DATE_H

/*
 * Dates as feeds write them: RFC 822/1123 and the variants found in the
 * wild, RFC 3339 / ISO 8601 / W3CDTF including partial dates. Everything
 * is converted to UTC. An unparseable date is DATE_NONE, never a guess.
 */

#include <stddef.h>
#include <time.h>

#define DATE_STRLEN	21	/* "YYYY-MM-DDTHH:MM:SSZ" and NUL */
#define DATE_HTTPLEN	30	/* "Sun, 06 Nov 1994 08:49:37 GMT" and NUL */

time_t	 date_parse(const char *);
/* strptime(3)-style format, for scraped pages ("%d %B %Y"); UTC unless
 * the format holds %z. DATE_NONE when s does not match all of fmt. */
time_t	 date_parse_format(const char *s, const char *fmt);
/* RFC 3339 in UTC, whole seconds; returns buf. */
char	*date_format(time_t, char *buf, size_t len);
/* RFC 7231 IMF-fixdate, for HTTP headers; returns buf. */
char	*date_format_http(time_t, char *buf, size_t len);

#endif /* DATE_H */
