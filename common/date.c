/*
 * Dates as feeds and scraped pages write them, turned into UTC time_t.
 * Two grammars: RFC 822/1123 as found in the wild (any weekday or none,
 * two-digit years, named zones, comments, asctime order) and ISO 8601 /
 * RFC 3339 / W3CDTF (partial dates, basic and extended forms).
 *
 * The invariant: the result is what the string says, or DATE_NONE. A field
 * out of range, an unknown zone name or a word we cannot place is never
 * guessed around. A missing zone means UTC, as feedparser reads it.
 * Accepted results lie in 1900-01-01T00:00:00Z .. 9999-12-31T23:59:59Z, so
 * date_format() always has four-digit years to write.
 *
 * Nothing here allocates or looks at the locale: names come from our own
 * ASCII tables, so the parser is cheap enough to call for every entry.
 */

#include "date.h"

#include <stdbool.h>
#include <stdio.h>
#include <string.h>

#include "entry.h"

#define DATE_MIN	((time_t)-2208988800LL)	/* 1900-01-01T00:00:00Z */
#define DATE_MAX	((time_t)253402300799LL) /* 9999-12-31T23:59:59Z */
#define DATE_MAXOFF	(18 * 3600)	/* |zone offset| accepted */

_Static_assert(sizeof(time_t) >= 8, "time_t must hold years up to 9999");

/* Broken-down date as read; off is the zone in seconds east of UTC. */
struct date_tm {
	int	year, mon, mday, hour, min, sec;
	int	off;
};

static const char *const date_months[12] = {
	"january", "february", "march", "april", "may", "june", "july",
	"august", "september", "october", "november", "december"
};
static const char *const date_wdays[7] = {
	"sunday", "monday", "tuesday", "wednesday", "thursday", "friday",
	"saturday"
};
static const char date_mon_abbr[12][4] = {
	"Jan", "Feb", "Mar", "Apr", "May", "Jun",
	"Jul", "Aug", "Sep", "Oct", "Nov", "Dec"
};
static const char date_wday_abbr[7][4] = {
	"Sun", "Mon", "Tue", "Wed", "Thu", "Fri", "Sat"
};

/*
 * Zone names seen in feeds, minutes east of UTC. Ambiguous ones are left
 * out on purpose (IST is India, Ireland or Israel): an unknown zone makes
 * the date DATE_NONE rather than hours off. CST and EST are read as the
 * North American zones, BST as British Summer Time.
 */
static const struct {
	const char	*name;
	int		 min;
} date_zones[] = {
	{ "ut", 0 },		{ "utc", 0 },		{ "gmt", 0 },
	{ "z", 0 },		{ "wet", 0 },		{ "west", 60 },
	{ "bst", 60 },		{ "cet", 60 },		{ "cest", 120 },
	{ "met", 60 },		{ "mest", 120 },	{ "mez", 60 },
	{ "mesz", 120 },	{ "eet", 120 },		{ "eest", 180 },
	{ "msk", 180 },		{ "wat", 60 },		{ "cat", 120 },
	{ "sast", 120 },	{ "eat", 180 },		{ "est", -300 },
	{ "edt", -240 },	{ "cst", -360 },	{ "cdt", -300 },
	{ "mst", -420 },	{ "mdt", -360 },	{ "pst", -480 },
	{ "pdt", -420 },	{ "akst", -540 },	{ "akdt", -480 },
	{ "hst", -600 },	{ "ast", -240 },	{ "adt", -180 },
	{ "nst", -210 },	{ "ndt", -150 },	{ "jst", 540 },
	{ "kst", 540 },		{ "hkt", 480 },		{ "sgt", 480 },
	{ "awst", 480 },	{ "acst", 570 },	{ "acdt", 630 },
	{ "aest", 600 },	{ "aedt", 660 },	{ "nzst", 720 },
	{ "nzdt", 780 },
};

static bool
date_isdigit(int c)
{
	return c >= '0' && c <= '9';
}

static bool
date_isalpha(int c)
{
	return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z');
}

static bool
date_isspace(int c)
{
	return c == ' ' || c == '\t' || c == '\n' || c == '\r' ||
	    c == '\v' || c == '\f';
}

static int
date_lower(int c)
{
	return c >= 'A' && c <= 'Z' ? c - 'A' + 'a' : c;
}

static const char *
date_skipspace(const char *p)
{
	while (date_isspace((unsigned char)*p))
		p++;
	return p;
}

/* Number of digits at p, counting no further than 32. */
static int
date_ndigits(const char *p)
{
	int	n = 0;

	while (n < 32 && date_isdigit((unsigned char)p[n]))
		n++;
	return n;
}

/* Number of ASCII letters at p, counting no further than 32. */
static int
date_nalpha(const char *p)
{
	int	n = 0;

	while (n < 32 && date_isalpha((unsigned char)p[n]))
		n++;
	return n;
}

/* The value of the n digits at p (the caller has counted them). */
static int
date_value(const char *p, int n)
{
	int	v = 0;

	while (n-- > 0)
		v = v * 10 + (*p++ - '0');
	return v;
}

/* Whether the n bytes at p, any case, are name or a prefix of it of at
 * least three letters ("Sept", "Thurs"). */
static bool
date_name_match(const char *p, int n, const char *name)
{
	int	i;

	if (n < 3)
		return false;
	for (i = 0; i < n; i++)
		if (name[i] == '\0' ||
		    date_lower((unsigned char)p[i]) != name[i])
			return false;
	return true;
}

/* Whether the n bytes at p, any case, are the lower-case name. */
static bool
date_name_equal(const char *p, int n, const char *name)
{
	int	i;

	for (i = 0; i < n; i++)
		if (name[i] == '\0' ||
		    date_lower((unsigned char)p[i]) != name[i])
			return false;
	return name[n] == '\0';
}

/* Month 1..12 named by the n letters at p, or 0. */
static int
date_month(const char *p, int n)
{
	int	i;

	for (i = 0; i < 12; i++)
		if (date_name_match(p, n, date_months[i]))
			return i + 1;
	return 0;
}

static bool
date_weekday(const char *p, int n)
{
	int	i;

	for (i = 0; i < 7; i++)
		if (date_name_match(p, n, date_wdays[i]))
			return true;
	return false;
}

/*
 * A numeric offset at *pp: +hh, +hhmm or +hh:mm (and +h, +h:mm when
 * short is set, as in "GMT+2"). Sets *off in seconds east of UTC.
 */
static int
date_parse_offset(const char **pp, int *off, bool short_ok)
{
	const char	*p = *pp;
	int		 sign, n, h, m = 0;

	if (*p != '+' && *p != '-')
		return -1;
	sign = *p++ == '-' ? -1 : 1;
	n = date_ndigits(p);
	if (n == 4) {
		h = date_value(p, 2);
		m = date_value(p + 2, 2);
		p += 4;
	} else if (n == 2 || (n == 1 && short_ok)) {
		h = date_value(p, n);
		p += n;
		if (*p == ':' && date_ndigits(p + 1) == 2) {
			m = date_value(p + 1, 2);
			p += 3;
		}
	} else
		return -1;
	if (m > 59 || h * 3600 + m * 60 > DATE_MAXOFF)
		return -1;
	*off = sign * (h * 3600 + m * 60);
	*pp = p;
	return 0;
}

/*
 * Military zones: A..I are +1..+9, K..M +10..+12, N..Y -1..-12, Z is UTC.
 * RFC 822 printed these with the signs reversed (RFC 1123 5.2.14); we
 * follow the military definition, which is what a writer means today.
 */
static int
date_military(int c, int *min)
{
	c = date_lower(c);
	if (c == 'z')
		*min = 0;
	else if (c >= 'a' && c <= 'i')
		*min = (c - 'a' + 1) * 60;
	else if (c >= 'k' && c <= 'm')
		*min = (c - 'k' + 10) * 60;
	else if (c >= 'n' && c <= 'y')
		*min = -(c - 'n' + 1) * 60;
	else
		return -1;
	return 0;
}

/* A zone name at *pp: from the table or a military letter; minutes. */
static int
date_zone_name(const char **pp, int *min)
{
	size_t	i;
	int	n;

	n = date_nalpha(*pp);
	if (n == 1 && date_military((unsigned char)**pp, min) == 0) {
		*pp += 1;
		return 0;
	}
	for (i = 0; i < sizeof(date_zones) / sizeof(date_zones[0]); i++) {
		if (n > 1 && date_name_equal(*pp, n, date_zones[i].name)) {
			*min = date_zones[i].min;
			*pp += n;
			return 0;
		}
	}
	return -1;
}

/*
 * A zone at *pp: a numeric offset, a name from the table, a military
 * letter, or GMT/UTC/UT followed by an offset ("GMT+0200", "UTC-5").
 * Sets *off in seconds east of UTC.
 */
static int
date_parse_zone(const char **pp, int *off)
{
	const char	*p = *pp;
	int		 min, extra = 0;

	if (*p == '+' || *p == '-') {
		if (date_parse_offset(&p, &extra, false) == -1)
			return -1;
	} else {
		if (date_zone_name(&p, &min) == -1)
			return -1;
		/* Only GMT, UT and UTC take an offset after them. */
		if ((date_lower((unsigned char)**pp) == 'g' ||
		    date_lower((unsigned char)**pp) == 'u') &&
		    (*p == '+' || *p == '-') &&
		    date_parse_offset(&p, &extra, true) == -1)
			return -1;
		extra += min * 60;
	}
	/* "2026T10:00" is no zone T followed by a time. */
	if (date_isdigit((unsigned char)*p) || date_isalpha((unsigned char)*p))
		return -1;
	*off = extra;
	*pp = p;
	return 0;
}

/* Two- and three-digit years as RFC 5322 4.3 reads them. */
static int
date_full_year(int year, int ndigits)
{
	if (ndigits == 2)
		return year < 50 ? 2000 + year : 1900 + year;
	if (ndigits == 3)
		return 1900 + year;
	return year;
}

/* Days from 1970-01-01 to a valid proleptic Gregorian date: years
 * counted from March, so that the leap day ends a year, in 400-year
 * eras of 146097 days. glibc's timegm normalises every field first and
 * cost a tenth of the parser's instruction-cache misses. */
static int64_t
date_days(int y, int m, int d)
{
	int64_t	era, yoe, doy, doe;

	y -= m <= 2;
	era = (y >= 0 ? y : y - 399) / 400;
	yoe = y - era * 400;
	doy = (153 * (m > 2 ? m - 3 : m + 9) + 2) / 5 + d - 1;
	doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
	return era * 146097 + doe - 719468;
}

/* Validate the fields and convert; the one place a time_t is made. */
static time_t
date_make(const struct date_tm *d)
{
	static const int	 mdays[12] = {
		31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31
	};
	time_t			 t;
	int			 dim, sec = d->sec;
	bool			 leap;

	if (d->year < 1900 || d->year > 9999 || d->mon < 1 || d->mon > 12)
		return DATE_NONE;
	leap = d->year % 4 == 0 && (d->year % 100 != 0 || d->year % 400 == 0);
	dim = mdays[d->mon - 1] + (d->mon == 2 && leap);
	if (d->mday < 1 || d->mday > dim)
		return DATE_NONE;
	/* 24:00:00 is the end of the day (ISO 8601): the next day's 0:00. */
	if (d->hour == 24 && d->min == 0 && d->sec == 0)
		;
	else if (d->hour < 0 || d->hour > 23 || d->min < 0 || d->min > 59 ||
	    d->sec < 0 || d->sec > 60)
		return DATE_NONE;
	if (sec == 60)		/* a leap second stays within its minute */
		sec = 59;
	t = (time_t)date_days(d->year, d->mon, d->mday) * 86400 +
	    d->hour * 3600 + d->min * 60 + sec - d->off;
	if (t < DATE_MIN || t > DATE_MAX)
		return DATE_NONE;
	return t;
}

/* hh:mm[:ss[.frac]] at *pp, hours one or two digits. */
static int
date_parse_clock(const char **pp, struct date_tm *d)
{
	const char	*p = *pp;
	int		 n;

	n = date_ndigits(p);
	if (n < 1 || n > 2 || p[n] != ':' || date_ndigits(p + n + 1) != 2)
		return -1;
	d->hour = date_value(p, n);
	d->min = date_value(p + n + 1, 2);
	p += n + 3;
	if (*p == ':') {
		if (date_ndigits(p + 1) != 2)
			return -1;
		d->sec = date_value(p + 1, 2);
		p += 3;
		if (*p == '.' && date_isdigit((unsigned char)p[1]))
			p += 1 + date_ndigits(p + 1);
		while (date_isdigit((unsigned char)*p))
			p++;
	}
	if (date_isdigit((unsigned char)*p))
		return -1;
	*pp = p;
	return 0;
}

/*
 * RFC 822 and its relatives, read as a sequence of parts: an optional
 * leading weekday, day and month name in either order, a year, a clock
 * time before or after the year (asctime puts it before), a zone, and
 * comments. Commas, dots, slashes and dashes between the date parts are
 * ignored; any other word or number makes the date DATE_NONE.
 */
static time_t
date_parse_rfc822(const char *p)
{
	struct date_tm	 d;
	const char	*q;
	bool		 hasday = false, hasmon = false, hasyear = false;
	bool		 hastime = false, haszone = false, hasampm = false;
	bool		 begun = false;
	int		 n, depth, zoff;

	memset(&d, 0, sizeof(d));
	while (*p != '\0') {
		unsigned char	 c = *p;

		if (date_isspace(c) || c == ',' || c == '.' || c == '/') {
			p++;
			continue;
		}
		if (c == '(') {
			/* A comment; "(CEST)" names the zone if nothing did. */
			q = date_skipspace(p + 1);
			if (!haszone && hasmon &&
			    date_parse_zone(&q, &zoff) == 0 &&
			    *date_skipspace(q) == ')') {
				d.off = zoff;
				haszone = true;
			}
			for (depth = 0; *p != '\0'; p++) {
				if (*p == '(')
					depth++;
				else if (*p == ')' && --depth == 0)
					break;
			}
			if (*p == '\0')
				return DATE_NONE;
			p++;
			continue;
		}
		if (date_isdigit(c)) {
			n = date_ndigits(p);
			if (p[n] == ':') {
				if (hastime || !hasday || !hasmon ||
				    date_parse_clock(&p, &d) == -1)
					return DATE_NONE;
				hastime = true;
				continue;
			}
			if (n <= 2 && !hasday && !hasyear) {
				d.mday = date_value(p, n);
				hasday = true;
			} else if (n >= 2 && n <= 4 && hasday && !hasyear) {
				d.year = date_full_year(date_value(p, n), n);
				hasyear = true;
			} else
				return DATE_NONE;
			p += n;
			begun = true;
			continue;
		}
		if (c == '-' && !hasyear && !hastime && begun) {
			p++;		/* "06-Nov-94" */
			continue;
		}
		if (c == '+' || c == '-') {
			if (haszone || !hasday || !hasmon ||
			    date_parse_zone(&p, &d.off) == -1)
				return DATE_NONE;
			haszone = true;
			continue;
		}
		if (!date_isalpha(c))
			return DATE_NONE;
		n = date_nalpha(p);
		if (!begun && date_weekday(p, n)) {
			p += n;
			begun = true;
			continue;
		}
		begun = true;
		if (!hasmon && !hastime && (d.mon = date_month(p, n)) != 0) {
			hasmon = true;
			p += n;
			continue;
		}
		if (n == 2 && hasyear && !hastime && date_lower(c) == 'a' &&
		    date_lower((unsigned char)p[1]) == 't') {
			p += n;		/* "July 31, 2026 at 10:00" */
			continue;
		}
		if (hastime && !hasampm && n == 2 &&
		    (date_lower(c) == 'a' || date_lower(c) == 'p') &&
		    date_lower((unsigned char)p[1]) == 'm') {
			if (d.hour < 1 || d.hour > 12)
				return DATE_NONE;
			d.hour = d.hour % 12 + (date_lower(c) == 'p' ? 12 : 0);
			hasampm = true;
			p += n;
			continue;
		}
		if (haszone || !hasday || !hasmon ||
		    date_parse_zone(&p, &d.off) == -1)
			return DATE_NONE;
		haszone = true;
	}
	if (!hasday || !hasmon || !hasyear)
		return DATE_NONE;
	return date_make(&d);
}

/*
 * ISO 8601 as feeds use it: YYYY, YYYY-MM, YYYY-MM-DD, then T (or t, or
 * spaces) and hh[:mm[:ss[.frac]]], then a zone; the basic forms
 * YYYYMMDD[Thhmm[ss]] and YYYYMMDDhhmm[ss]; slashes for dashes.
 */
static time_t
date_parse_iso(const char *p)
{
	struct date_tm	 d;
	const char	*q;
	int		 n;
	char		 sep;
	bool		 hasday = false, hastime = false, hassec = false;

	memset(&d, 0, sizeof(d));
	d.mon = d.mday = 1;
	n = date_ndigits(p);
	d.year = date_value(p, 4);
	if (n == 4) {
		p += 4;
		if (*p == '-' || *p == '/') {
			sep = *p++;
			n = date_ndigits(p);
			if (n < 1 || n > 2)
				return DATE_NONE;
			d.mon = date_value(p, n);
			p += n;
			if (*p == sep) {
				p++;
				n = date_ndigits(p);
				if (n < 1 || n > 2)
					return DATE_NONE;
				d.mday = date_value(p, n);
				p += n;
				hasday = true;
			}
		}
	} else {
		d.mon = date_value(p + 4, 2);
		d.mday = date_value(p + 6, 2);
		hasday = true;
		if (n >= 12) {
			d.hour = date_value(p + 8, 2);
			d.min = date_value(p + 10, 2);
			if (n == 14)
				d.sec = date_value(p + 12, 2);
			hastime = true;
		}
		p += n;
	}

	if (hasday && !hastime &&
	    (*p == 'T' || *p == 't' || date_isspace((unsigned char)*p))) {
		q = *p == 'T' || *p == 't' ? p + 1 : date_skipspace(p);
		n = date_ndigits(q);
		if (n == 2 || (n == 1 && q[1] == ':')) {
			d.hour = date_value(q, n);
			q += n;
			if (*q == ':') {
				if (date_ndigits(q + 1) != 2)
					return DATE_NONE;
				d.min = date_value(q + 1, 2);
				q += 3;
				if (*q == ':') {
					if (date_ndigits(q + 1) != 2)
						return DATE_NONE;
					d.sec = date_value(q + 1, 2);
					q += 3;
					hassec = true;
				}
			}
			hastime = true;
		} else if (n == 4 || n == 6) {
			d.hour = date_value(q, 2);
			d.min = date_value(q + 2, 2);
			if (n == 6) {
				d.sec = date_value(q + 4, 2);
				hassec = true;
			}
			q += n;
			hastime = true;
		} else if (*p == 'T' || *p == 't' || n != 0)
			return DATE_NONE;
		if (hassec) {
			/* Fractions of a second are dropped. */
			if ((*q == '.' || *q == ',') &&
			    date_isdigit((unsigned char)q[1]))
				q += 1 + date_ndigits(q + 1);
			while (date_isdigit((unsigned char)*q))
				q++;
		}
		if (hastime)
			p = q;
	}
	p = date_skipspace(p);
	if (*p != '\0' && (hasday || hastime) &&
	    date_parse_zone(&p, &d.off) == -1)
		return DATE_NONE;
	if (*date_skipspace(p) != '\0')
		return DATE_NONE;
	return date_make(&d);
}

/* The two digits at p as a number, or -1. */
static int
date_two(const char *p)
{
	if (!date_isdigit((unsigned char)p[0]) ||
	    !date_isdigit((unsigned char)p[1]))
		return -1;
	return (p[0] - '0') * 10 + (p[1] - '0');
}

/* "hh:mm:ss" at p into d; false unless exactly that shape. */
static bool
date_fast_clock(const char *p, struct date_tm *d)
{
	d->hour = date_two(p);
	d->min = date_two(p + 3);
	d->sec = date_two(p + 6);
	return p[2] == ':' && p[5] == ':' && d->hour >= 0 && d->min >= 0 &&
	    d->sec >= 0;
}

/* "+hhmm" or, with colon, "+hh:mm" at p into seconds east of UTC;
 * false unless exactly that shape and in the range that
 * date_parse_offset() takes. */
static bool
date_fast_offset(const char *p, bool colon, int *off)
{
	int	h, m;

	h = date_two(p + 1);
	m = date_two(p + (colon ? 4 : 3));
	if ((*p != '+' && *p != '-') || (colon && p[3] != ':') || h < 0 ||
	    m < 0 || m > 59 || h * 3600 + m * 60 > DATE_MAXOFF)
		return false;
	*off = (*p == '-' ? -1 : 1) * (h * 3600 + m * 60);
	return true;
}

/*
 * The shapes nearly every feed writes, read without the general grammars:
 * RFC 822 "Sun, 02 Nov 2026 10:01:00 +0100" (or "GMT") and RFC 3339
 * "2026-11-02T10:01:00+01:00" (or "Z"), exactly so: names in the case of
 * date_wday_abbr and date_mon_abbr, two-digit fields, nothing before or
 * after. Sets *t to what the full parse gives and returns true; false
 * sends the string down the full parse. A string starting with a blank
 * never comes here, which lets the tests compare both paths.
 */
static bool
date_parse_fast(const char *s, time_t *t)
{
	struct date_tm	 d = { 0 };
	size_t		 len = strnlen(s, 32);
	int		 i, hi, lo;

	if (len == 20 || len == 25) {
		/* 2026-11-02T10:01:00Z, 2026-11-02T10:01:00+01:00 */
		hi = date_two(s);
		lo = date_two(s + 2);
		d.mon = date_two(s + 5);
		d.mday = date_two(s + 8);
		if (hi < 0 || lo < 0 || s[4] != '-' || d.mon < 0 ||
		    s[7] != '-' || d.mday < 0 || s[10] != 'T' ||
		    !date_fast_clock(s + 11, &d))
			return false;
		d.year = hi * 100 + lo;
		if (len == 20 && s[19] != 'Z')
			return false;
		if (len == 25 && !date_fast_offset(s + 19, true, &d.off))
			return false;
		*t = date_make(&d);
		return true;
	}
	if ((len != 29 && len != 31) || s[3] != ',' || s[4] != ' ' ||
	    s[7] != ' ' || s[11] != ' ' || s[16] != ' ' || s[25] != ' ')
		return false;
	/* Sun, 02 Nov 2026 10:01:00 +0100, ... 10:01:00 GMT */
	for (i = 0; i < 7; i++)
		if (memcmp(s, date_wday_abbr[i], 3) == 0)
			break;
	if (i == 7)
		return false;
	for (i = 0; i < 12; i++)
		if (memcmp(s + 8, date_mon_abbr[i], 3) == 0)
			break;
	d.mon = i + 1;
	d.mday = date_two(s + 5);
	hi = date_two(s + 12);
	lo = date_two(s + 14);
	if (i == 12 || d.mday < 0 || hi < 0 || lo < 0 ||
	    !date_fast_clock(s + 17, &d))
		return false;
	d.year = hi * 100 + lo;
	if (len == 29 && memcmp(s + 26, "GMT", 3) != 0)
		return false;
	if (len == 31 && !date_fast_offset(s + 26, false, &d.off))
		return false;
	*t = date_make(&d);
	return true;
}

time_t
date_parse(const char *s)
{
	time_t	t;
	int	n;

	if (s == NULL)
		return DATE_NONE;
	if (date_parse_fast(s, &t))
		return t;
	s = date_skipspace(s);
	n = date_ndigits(s);
	if (n == 4 || n == 8 || n == 12 || n == 14)
		return date_parse_iso(s);
	return date_parse_rfc822(s);
}

/* Parsing state of date_parse_format(), shared by nested formats. */
struct date_fmtstate {
	struct date_tm	 d;
	bool		 hasyear;
	int		 ampm;		/* 0 none, 1 am, 2 pm */
};

/* A number of min..max digits at *sp, after optional spaces. */
static int
date_fmt_number(const char **sp, int min, int max, int *v)
{
	const char	*s = date_skipspace(*sp);
	int		 n;

	n = date_ndigits(s);
	if (n > max)
		n = max;
	if (n < min)
		return -1;
	*v = date_value(s, n);
	*sp = s + n;
	return 0;
}

/* A month or weekday name at *sp, full or abbreviated; a dot after an
 * abbreviation goes with it unless the format itself wants a dot. */
static int
date_fmt_name(const char **sp, const char *fmt, bool month, int *v)
{
	const char	*s = *sp;
	int		 n;

	n = date_nalpha(s);
	if (month) {
		if ((*v = date_month(s, n)) == 0)
			return -1;
	} else if (!date_weekday(s, n))
		return -1;
	s += n;
	if (*s == '.' && *fmt != '.')
		s++;
	*sp = s;
	return 0;
}

static int
date_fmt_match(const char **sp, const char *fmt, struct date_fmtstate *st)
{
	const char	*s = *sp;
	int		 v, n;
	char		 c;

	while (*fmt != '\0') {
		if (date_isspace((unsigned char)*fmt)) {
			fmt = date_skipspace(fmt);
			s = date_skipspace(s);
			continue;
		}
		if (*fmt != '%') {
			if (date_lower((unsigned char)*fmt) !=
			    date_lower((unsigned char)*s))
				return -1;
			fmt++;
			s++;
			continue;
		}
		fmt++;
		while (*fmt == '-' || *fmt == '_' || *fmt == '0' ||
		    *fmt == '^' || *fmt == '#' || *fmt == 'E' || *fmt == 'O')
			fmt++;
		if ((c = *fmt++) == '\0')
			return -1;
		switch (c) {
		case 'Y':
			if (date_fmt_number(&s, 4, 4, &st->d.year) == -1)
				return -1;
			st->hasyear = true;
			break;
		case 'y':
			if (date_fmt_number(&s, 2, 2, &v) == -1)
				return -1;
			st->d.year = date_full_year(v, 2);
			st->hasyear = true;
			break;
		case 'm':
			if (date_fmt_number(&s, 1, 2, &st->d.mon) == -1)
				return -1;
			break;
		case 'd':
		case 'e':
			if (date_fmt_number(&s, 1, 2, &st->d.mday) == -1)
				return -1;
			break;
		case 'H':
		case 'k':
			if (date_fmt_number(&s, 1, 2, &st->d.hour) == -1)
				return -1;
			break;
		case 'I':
		case 'l':
			if (date_fmt_number(&s, 1, 2, &st->d.hour) == -1 ||
			    st->d.hour < 1 || st->d.hour > 12)
				return -1;
			break;
		case 'M':
			if (date_fmt_number(&s, 1, 2, &st->d.min) == -1)
				return -1;
			break;
		case 'S':
			if (date_fmt_number(&s, 1, 2, &st->d.sec) == -1)
				return -1;
			break;
		case 'b':
		case 'B':
		case 'h':
			if (date_fmt_name(&s, fmt, true, &st->d.mon) == -1)
				return -1;
			break;
		case 'a':
		case 'A':
			if (date_fmt_name(&s, fmt, false, &v) == -1)
				return -1;
			break;
		case 'p':
			n = date_lower((unsigned char)s[0]);
			if ((n != 'a' && n != 'p') ||
			    date_lower((unsigned char)s[1]) != 'm' ||
			    date_isalpha((unsigned char)s[2]))
				return -1;
			st->ampm = n == 'a' ? 1 : 2;
			s += 2;
			break;
		case 'z':
		case 'Z':
			s = date_skipspace(s);
			if (date_parse_zone(&s, &st->d.off) == -1)
				return -1;
			break;
		case 'T':
			if (date_fmt_match(&s, "%H:%M:%S", st) == -1)
				return -1;
			break;
		case 'R':
			if (date_fmt_match(&s, "%H:%M", st) == -1)
				return -1;
			break;
		case 'F':
			if (date_fmt_match(&s, "%Y-%m-%d", st) == -1)
				return -1;
			break;
		case 'D':
			if (date_fmt_match(&s, "%m/%d/%y", st) == -1)
				return -1;
			break;
		case 'n':
		case 't':
			s = date_skipspace(s);
			break;
		case '%':
			if (*s++ != '%')
				return -1;
			break;
		default:
			return -1;
		}
	}
	*sp = s;
	return 0;
}

time_t
date_parse_format(const char *s, const char *fmt)
{
	struct date_fmtstate	 st;

	if (s == NULL || fmt == NULL)
		return DATE_NONE;
	memset(&st, 0, sizeof(st));
	st.d.mon = st.d.mday = 1;
	s = date_skipspace(s);
	if (date_fmt_match(&s, fmt, &st) == -1 || *date_skipspace(s) != '\0')
		return DATE_NONE;
	if (!st.hasyear)
		return DATE_NONE;
	if (st.ampm != 0) {
		if (st.d.hour < 1 || st.d.hour > 12)
			return DATE_NONE;
		st.d.hour = st.d.hour % 12 + (st.ampm == 2 ? 12 : 0);
	}
	return date_make(&st.d);
}

char *
date_format(time_t t, char *buf, size_t len)
{
	struct tm	tm;

	if (len == 0)
		return buf;
	if (t == DATE_NONE || t < DATE_MIN || t > DATE_MAX ||
	    gmtime_r(&t, &tm) == NULL) {
		buf[0] = '\0';
		return buf;
	}
	snprintf(buf, len, "%04d-%02d-%02dT%02d:%02d:%02dZ",
	    tm.tm_year + 1900, tm.tm_mon + 1, tm.tm_mday,
	    tm.tm_hour, tm.tm_min, tm.tm_sec);
	return buf;
}

char *
date_format_http(time_t t, char *buf, size_t len)
{
	struct tm	tm;

	if (len == 0)
		return buf;
	if (t == DATE_NONE || t < DATE_MIN || t > DATE_MAX ||
	    gmtime_r(&t, &tm) == NULL) {
		buf[0] = '\0';
		return buf;
	}
	snprintf(buf, len, "%s, %02d %s %04d %02d:%02d:%02d GMT",
	    date_wday_abbr[tm.tm_wday], tm.tm_mday, date_mon_abbr[tm.tm_mon],
	    tm.tm_year + 1900, tm.tm_hour, tm.tm_min, tm.tm_sec);
	return buf;
}
