#ifndef DATE_H
#define DATE_H

/*
 * Dates as feeds write them: RFC 822/1123 and the variants found in the
 * wild, RFC 3339 / ISO 8601 / W3CDTF including partial dates. Everything
 * is converted to UTC. An unparseable date is DATE_NONE (entry.h), never a
 * guess: impossible fields (month 13, 30 Feb, hour 25), unknown or
 * ambiguous zone names (IST) and words that fit nowhere all give DATE_NONE.
 *
 * Accepted results lie in 1900-01-01T00:00:00Z .. 9999-12-31T23:59:59Z.
 * No zone means UTC. Two-digit years are 1950..2049, three-digit ones
 * 1900 + n (RFC 5322 4.3). Military letters follow the military meaning
 * (A = +01:00, N = -01:00), not RFC 822's reversed table. Fractions of a
 * second are dropped, a leap second reads as :59, 24:00:00 as the next
 * midnight. Names are English, any case, and never depend on the locale.
 * Nothing allocates.
 */

#include <stddef.h>
#include <time.h>

#define DATE_STRLEN	21	/* "YYYY-MM-DDTHH:MM:SSZ" and NUL */
#define DATE_HTTPLEN	30	/* "Sun, 06 Nov 1994 08:49:37 GMT" and NUL */

/*
 * RFC 822 family: [weekday[,]] day month [,] year [hh:mm[:ss]] [zone]
 * [(comment)], with month-first and asctime orders, RFC 850 dashes, AM/PM,
 * zones as +hhmm, +hh:mm, names (GMT, CEST, MESZ, EST...), GMT+2, or a
 * comment holding the only zone name. ISO 8601: YYYY[-MM[-DD[(T|t|
 * space)hh[:mm[:ss[.frac]]]]]][zone], basic YYYYMMDD[Thhmm[ss]], and
 * YYYYMMDDhhmm[ss]; slashes may replace the dashes. NULL gives DATE_NONE.
 */
time_t	 date_parse(const char *);
/*
 * strptime(3)-style format, for scraped pages ("%d %B %Y"): %Y %y %m %d %e
 * %H %k %I %l %M %S %p %b %B %h %a %A %z %Z %T %R %F %D %n %t %%; flags
 * like %-d are ignored. The whole of s must match (surrounding white space
 * aside); white space in fmt matches any run of it. The year is required,
 * month and day default to 1. UTC unless the format holds %z or %Z.
 */
time_t	 date_parse_format(const char *s, const char *fmt);
/* RFC 3339 in UTC, whole seconds; returns buf. DATE_NONE and times outside
 * the accepted range write "". */
char	*date_format(time_t, char *buf, size_t len);
/* RFC 7231 IMF-fixdate, for HTTP headers; returns buf ("" as above). */
char	*date_format_http(time_t, char *buf, size_t len);

#endif /* DATE_H */
