/*
 * date.c: a table of real-world date strings (from the feedparser
 * conformance suite, the real feed samples and the variants feeds are
 * known to write) with the UTC time each must give, or NONE; strptime-style
 * formats for scraped pages; the two writers; and a round trip over the
 * whole accepted range. The cases are embedded; only the last test reads
 * $PACTFEED_SHARED, when present, to hold the parser to the corpus itself.
 */

#include <dirent.h>
#include <stdbool.h>
#include <locale.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>
#include <jansson.h>
#include <libxml/parser.h>
#include <libxml/tree.h>

#include "date.h"
#include "entry.h"

#define NONE	NULL

static const struct {
	const char	*in;
	const char	*want;		/* RFC 3339 UTC, or NONE */
} parse_cases[] = {
	/* feedparser conformance, wellformed/rss and wellformed/atom */
	{ "Sat, 07 Sep 2002 00:00:01 GMT",	"2002-09-07T00:00:01Z" },
	{ "Thu, 01 Jan 2004 19:48:21 GMT",	"2004-01-01T19:48:21Z" },
	{ "2003-12-31T10:14:55Z",		"2003-12-31T10:14:55Z" },
	{ "2002-01-12T02:15:32Z",		"2002-01-12T02:15:32Z" },
	{ "2002-09-28T20:01:19Z",		"2002-09-28T20:01:19Z" },
	{ "Sat, 28 Sep 2002 21:00:02 GMT",	"2002-09-28T21:00:02Z" },

	/* the real samples, as published */
	{ "Fri, 24 Jul 2026 15:00:02 +0000",	"2026-07-24T15:00:02Z" },
	{ "Fri, 28 Jun 2024 08:22:54 +0000",	"2024-06-28T08:22:54Z" },
	{ "Fri, 24 Jul 2026 08:15:19 GMT",	"2026-07-24T08:15:19Z" },
	{ "Thu, 23 Jul 2026 22:00:00 GMT",	"2026-07-23T22:00:00Z" },
	{ "Thu, 25 Jun 2026 20:37:05 +0000",	"2026-06-25T20:37:05Z" },
	{ "Mon, 20 Jul 2026 10:50:09 +0200",	"2026-07-20T08:50:09Z" },
	{ "Tue, 14 Jul 2026 06:12:02 +0200",	"2026-07-14T04:12:02Z" },
	{ "2023-01-25T19:03:02+01:00",		"2023-01-25T18:03:02Z" },
	{ "2023-01-25T21:21:01+01:00",		"2023-01-25T20:21:01Z" },
	{ "2026-07-31T14:04:56Z",		"2026-07-31T14:04:56Z" },
	{ "Mon, 24 Nov 2025 12:18:55 +0100",	"2025-11-24T11:18:55Z" },
	{ "Sat, 01 Aug 2026 23:30:24 +0200",	"2026-08-01T21:30:24Z" },
	{ "01 Aug 2026 22:00:02",		"2026-08-01T22:00:02Z" },
	{ "01 Aug 2026 22:00:02 +0530",		"2026-08-01T16:30:02Z" },
	{ "31 Jul, 2026 +0530",			"2026-07-30T18:30:00Z" },
	{ "Fri, 31 Jul 2026 09:00:00 EST",	"2026-07-31T14:00:00Z" },
	{ "Fri, 31 Jul 2026  09:00:00 EST",	"2026-07-31T14:00:00Z" },
	{ "Mon, 27 Jul 2026  09:00:00 EST",	"2026-07-27T14:00:00Z" },
	{ "Fri, 31 Jul 2026 12:00:00 +0000",	"2026-07-31T12:00:00Z" },
	{ "Fri, 10 Jul 2026 15:10:49 -0400",	"2026-07-10T19:10:49Z" },
	{ "Mon, 29 Jun 2026 17:58:19 -0400",	"2026-06-29T21:58:19Z" },
	{ "Fri, 31 Jul 2026 00:00:00 GMT",	"2026-07-31T00:00:00Z" },
	{ "Thu, 16 Jul 2026 18:00:00 GMT",	"2026-07-16T18:00:00Z" },

	/* RFC 822 variants: weekday missing, wrong, long, odd case */
	{ "07 Sep 2002 00:00:01 GMT",		"2002-09-07T00:00:01Z" },
	{ "Mon, 07 Sep 2002 00:00:01 GMT",	"2002-09-07T00:00:01Z" },
	{ "Saturday, 07 Sep 2002 00:00:01 GMT",	"2002-09-07T00:00:01Z" },
	{ "Sat., 07 Sep. 2002 00:00:01 GMT",	"2002-09-07T00:00:01Z" },
	{ "Thurs, 01 Jan 2004 19:48:21 GMT",	"2004-01-01T19:48:21Z" },
	{ "sat, 07 sep 2002 00:00:01 gmt",	"2002-09-07T00:00:01Z" },
	{ "SAT, 07 SEP 2002 00:00:01 GMT",	"2002-09-07T00:00:01Z" },
	{ "Sat, 7 Sep 2002 0:00:01 GMT",	"2002-09-07T00:00:01Z" },
	{ "Sat, 07 September 2002 00:00:01 GMT", "2002-09-07T00:00:01Z" },
	{ "Sat, 07 Sept 2002 00:00:01 GMT",	"2002-09-07T00:00:01Z" },
	{ "Sat,07 Sep 2002 00:00:01 GMT",	"2002-09-07T00:00:01Z" },
	{ "  Sat, 07 Sep 2002 00:00:01 GMT \n",	"2002-09-07T00:00:01Z" },
	{ "Sat,\t07\tSep\t2002\t00:00:01\tGMT",	"2002-09-07T00:00:01Z" },
	{ "Sat, 07 Sep 2002 00:00 GMT",		"2002-09-07T00:00:00Z" },
	{ "Sat, 07 Sep 2002 00:00:01.250 GMT",	"2002-09-07T00:00:01Z" },
	{ "Sat, 07 Sep 2002",			"2002-09-07T00:00:00Z" },
	{ "7 Sep 2002",				"2002-09-07T00:00:00Z" },
	/* two- and three-digit years (RFC 5322 4.3) */
	{ "Sat, 07 Sep 02 00:00:01 GMT",	"2002-09-07T00:00:01Z" },
	{ "Tue, 07 Sep 99 00:00:01 GMT",	"1999-09-07T00:00:01Z" },
	{ "Sun, 31 Dec 49 23:59:59 GMT",	"2049-12-31T23:59:59Z" },
	{ "Sat, 01 Jan 50 00:00:00 GMT",	"1950-01-01T00:00:00Z" },
	{ "Sat, 07 Sep 102 00:00:01 GMT",	"2002-09-07T00:00:01Z" },
	/* RFC 850 and asctime, as HTTP allows them */
	{ "Sunday, 06-Nov-94 08:49:37 GMT",	"1994-11-06T08:49:37Z" },
	{ "Sun Nov  6 08:49:37 1994",		"1994-11-06T08:49:37Z" },
	{ "Sat Aug 01 22:00:02 CEST 2026",	"2026-08-01T20:00:02Z" },
	/* month first, as US pages write it */
	{ "July 31, 2026",			"2026-07-31T00:00:00Z" },
	{ "Jul 31 2026 10:30 PM",		"2026-07-31T22:30:00Z" },
	{ "Jul 31 2026 12:05 am",		"2026-07-31T00:05:00Z" },
	{ "July 31, 2026 at 10:30 pm",		"2026-07-31T22:30:00Z" },
	/* JavaScript's Date.prototype.toString() */
	{ "Fri Jul 31 2026 09:00:00 GMT-0400 (Eastern Daylight Time)",
	    "2026-07-31T13:00:00Z" },
	{ "Fri Jul 31 2026 09:00:00 GMT+0200 (Central European Summer Time)",
	    "2026-07-31T07:00:00Z" },
	/* numeric zones */
	{ "Fri, 31 Jul 2026 09:00:00 +0200",	"2026-07-31T07:00:00Z" },
	{ "Fri, 31 Jul 2026 09:00:00 +02:00",	"2026-07-31T07:00:00Z" },
	{ "Fri, 31 Jul 2026 09:00:00 -0000",	"2026-07-31T09:00:00Z" },
	{ "Fri, 31 Jul 2026 09:00:00 -0930",	"2026-07-31T18:30:00Z" },
	{ "Fri, 31 Jul 2026 09:00:00 +1345",	"2026-07-30T19:15:00Z" },
	{ "Fri, 31 Jul 2026 09:00:00 GMT+2",	"2026-07-31T07:00:00Z" },
	{ "Fri, 31 Jul 2026 09:00:00 GMT+0200",	"2026-07-31T07:00:00Z" },
	{ "Fri, 31 Jul 2026 09:00:00 UTC-05:00", "2026-07-31T14:00:00Z" },
	/* named zones */
	{ "Fri, 31 Jul 2026 09:00:00 UT",	"2026-07-31T09:00:00Z" },
	{ "Fri, 31 Jul 2026 09:00:00 UTC",	"2026-07-31T09:00:00Z" },
	{ "Fri, 31 Jul 2026 09:00:00 Z",	"2026-07-31T09:00:00Z" },
	{ "Fri, 31 Jul 2026 09:00:00 EDT",	"2026-07-31T13:00:00Z" },
	{ "Fri, 31 Jul 2026 09:00:00 CST",	"2026-07-31T15:00:00Z" },
	{ "Fri, 31 Jul 2026 09:00:00 CDT",	"2026-07-31T14:00:00Z" },
	{ "Fri, 31 Jul 2026 09:00:00 MST",	"2026-07-31T16:00:00Z" },
	{ "Fri, 31 Jul 2026 09:00:00 MDT",	"2026-07-31T15:00:00Z" },
	{ "Fri, 31 Jul 2026 09:00:00 PST",	"2026-07-31T17:00:00Z" },
	{ "Fri, 31 Jul 2026 09:00:00 PDT",	"2026-07-31T16:00:00Z" },
	{ "Fri, 31 Jul 2026 09:00:00 CET",	"2026-07-31T08:00:00Z" },
	{ "Fri, 31 Jul 2026 09:00:00 CEST",	"2026-07-31T07:00:00Z" },
	{ "Fri, 31 Jul 2026 09:00:00 MEZ",	"2026-07-31T08:00:00Z" },
	{ "Fri, 31 Jul 2026 09:00:00 MESZ",	"2026-07-31T07:00:00Z" },
	{ "Fri, 31 Jul 2026 09:00:00 BST",	"2026-07-31T08:00:00Z" },
	{ "Fri, 31 Jul 2026 09:00:00 EET",	"2026-07-31T07:00:00Z" },
	{ "Fri, 31 Jul 2026 09:00:00 EEST",	"2026-07-31T06:00:00Z" },
	{ "Fri, 31 Jul 2026 09:00:00 WET",	"2026-07-31T09:00:00Z" },
	{ "Fri, 31 Jul 2026 09:00:00 WEST",	"2026-07-31T08:00:00Z" },
	{ "Fri, 31 Jul 2026 09:00:00 cest",	"2026-07-31T07:00:00Z" },
	/* military letters, by their military meaning */
	{ "Fri, 31 Jul 2026 09:00:00 A",	"2026-07-31T08:00:00Z" },
	{ "Fri, 31 Jul 2026 09:00:00 M",	"2026-07-30T21:00:00Z" },
	{ "Fri, 31 Jul 2026 09:00:00 N",	"2026-07-31T10:00:00Z" },
	{ "Fri, 31 Jul 2026 09:00:00 Y",	"2026-07-31T21:00:00Z" },
	/* comments, and a comment naming the only zone */
	{ "Fri, 31 Jul 2026 09:00:00 +0200 (CEST)", "2026-07-31T07:00:00Z" },
	{ "Fri, 31 Jul 2026 09:00:00 GMT (x (y))", "2026-07-31T09:00:00Z" },
	{ "01 Aug 2026 22:00:02 (CEST)",	"2026-08-01T20:00:02Z" },
	{ "01 Aug 2026 22:00:02 (comment)",	"2026-08-01T22:00:02Z" },
	{ "Mon, 27 Jul 2026 09:00:00 (EST)",	"2026-07-27T14:00:00Z" },
	/* leap days */
	{ "Thu, 29 Feb 2024 12:00:00 GMT",	"2024-02-29T12:00:00Z" },
	{ "Tue, 29 Feb 2000 12:00:00 GMT",	"2000-02-29T12:00:00Z" },

	/* ISO 8601 / RFC 3339 / W3CDTF */
	{ "2003",				"2003-01-01T00:00:00Z" },
	{ "2003-12",				"2003-12-01T00:00:00Z" },
	{ "2003-12-31",				"2003-12-31T00:00:00Z" },
	{ "2003-12-31T10:14Z",			"2003-12-31T10:14:00Z" },
	{ "2003-12-31T10:14:55.123456Z",	"2003-12-31T10:14:55Z" },
	{ "2003-12-31T10:14:55,5Z",		"2003-12-31T10:14:55Z" },
	{ "2003-12-31t10:14:55z",		"2003-12-31T10:14:55Z" },
	{ "2003-12-31 10:14:55",		"2003-12-31T10:14:55Z" },
	{ "2003-12-31 10:14:55Z",		"2003-12-31T10:14:55Z" },
	{ "2003-12-31 10:14:55 +0100",		"2003-12-31T09:14:55Z" },
	{ "2003-12-31 10:14:55 GMT",		"2003-12-31T10:14:55Z" },
	{ "2003-12-31T10:14:55",		"2003-12-31T10:14:55Z" },
	{ "2003-12-31T10:14:55+01:00",		"2003-12-31T09:14:55Z" },
	{ "2003-12-31T10:14:55+0100",		"2003-12-31T09:14:55Z" },
	{ "2003-12-31T10:14:55+01",		"2003-12-31T09:14:55Z" },
	{ "2003-12-31T10:14:55-05:30",		"2003-12-31T15:44:55Z" },
	{ "2003-12-31T20:14:55-05:00",		"2004-01-01T01:14:55Z" },
	{ "2004-01-01T00:14:55+01:00",		"2003-12-31T23:14:55Z" },
	{ "2003-12-31T10:14:55-00:00",		"2003-12-31T10:14:55Z" },
	{ "2003-12-31T10Z",			"2003-12-31T10:00:00Z" },
	{ "20031231T101455Z",			"2003-12-31T10:14:55Z" },
	{ "20031231T1014Z",			"2003-12-31T10:14:00Z" },
	{ "20031231T101455+0100",		"2003-12-31T09:14:55Z" },
	{ "20031231",				"2003-12-31T00:00:00Z" },
	{ "20031231101455",			"2003-12-31T10:14:55Z" },
	{ "2026/07/31",				"2026-07-31T00:00:00Z" },
	{ "2026/07/31 10:30",			"2026-07-31T10:30:00Z" },
	{ "2026-7-3",				"2026-07-03T00:00:00Z" },
	{ " 2003-12-31T10:14:55Z\n",		"2003-12-31T10:14:55Z" },
	{ "2003-12-31T24:00:00Z",		"2004-01-01T00:00:00Z" },
	{ "2016-12-31T23:59:60Z",		"2016-12-31T23:59:59Z" },
	{ "1900-01-01T00:00:00Z",		"1900-01-01T00:00:00Z" },
	{ "1969-12-31T23:59:59Z",		"1969-12-31T23:59:59Z" },
	{ "1970-01-01T00:00:00Z",		"1970-01-01T00:00:00Z" },
	{ "2038-01-19T03:14:08Z",		"2038-01-19T03:14:08Z" },
	{ "9999-12-31T23:59:59Z",		"9999-12-31T23:59:59Z" },

	/* impossible dates and times: never a wrong date */
	{ "2003-13-01",				NONE },
	{ "2003-00-10",				NONE },
	{ "2003-02-30",				NONE },
	{ "2003-02-29",				NONE },
	{ "1900-02-29",				NONE },
	{ "2003-04-31",				NONE },
	{ "2003-12-00",				NONE },
	{ "2003-12-31T25:00:00Z",		NONE },
	{ "2003-12-31T24:00:01Z",		NONE },
	{ "2003-12-31T10:60:00Z",		NONE },
	{ "2003-12-31T10:14:61Z",		NONE },
	{ "Fri, 30 Feb 2026 09:00:00 GMT",	NONE },
	{ "Fri, 32 Jul 2026 09:00:00 GMT",	NONE },
	{ "Fri, 31 Jul 2026 25:00:00 GMT",	NONE },
	{ "Fri, 31 Jul 2026 09:60:00 GMT",	NONE },
	{ "Fri, 00 Jul 2026 09:00:00 GMT",	NONE },
	{ "Thu, 29 Feb 2023 12:00:00 GMT",	NONE },
	{ "Jul 31 2026 13:30 PM",		NONE },
	/* out of range years */
	{ "1899-12-31T23:59:59Z",		NONE },
	{ "1900-01-01T00:30:00+01:00",		NONE },
	{ "9999-12-31T23:59:59-01:00",		NONE },
	{ "0000-01-01",				NONE },
	{ "Fri, 31 Jul 1850 09:00:00 GMT",	NONE },
	{ "Fri, 31 Jul 12026 09:00:00 GMT",	NONE },
	/* unknown or ambiguous zones, bad offsets */
	{ "Fri, 31 Jul 2026 09:00:00 XYZ",	NONE },
	{ "Fri, 31 Jul 2026 09:00:00 IST",	NONE },
	{ "Fri, 31 Jul 2026 09:00:00 J",	NONE },
	{ "Fri, 31 Jul 2026 09:00:00 +2400",	NONE },
	{ "Fri, 31 Jul 2026 09:00:00 +0260",	NONE },
	{ "Fri, 31 Jul 2026 09:00:00 +020",	NONE },
	{ "Fri, 31 Jul 2026 09:00:00 +2",	NONE },
	{ "Fri, 31 Jul 2026 09:00:00 +0200 +0100", NONE },
	{ "Fri, 31 Jul 2026 09:00:00 WET+1",	NONE },
	{ "Fri, 31 Jul 2026 09:00:00 Z+2",	NONE },
	{ "Fri, 31 Jul 2026 09:00:00 GMT+25",	NONE },
	{ "2003-12-31T10:14:55+25:00",		NONE },
	{ "2003-12-31T10:14:55+1",		NONE },
	/* not dates, or dates with words we cannot place */
	{ "",					NONE },
	{ "   ",				NONE },
	{ "yesterday",				NONE },
	{ "Fri",				NONE },
	{ "31 Jul",				NONE },
	{ "Jul 2026",				NONE },
	{ "Fri, 31 Foo 2026 09:00:00 GMT",	NONE },
	{ "Fri, 31 Jul 2026 09:00:00 GMT junk",	NONE },
	{ "Fri, 31 Jul 2026T09:00:00 GMT",	NONE },
	{ "Fri, 31 Jul 2026 09:00:00 +0200 (CEST", NONE },
	{ "Fri, 31 Jul 2026 9",			NONE },
	{ "31 Jul 2026 10:00 a.m.",		NONE },
	{ "31 Jul at 2026 10:00",		NONE },
	{ "31 Jul 2026 10:00 at",		NONE },
	{ "2003-12-31T",			NONE },
	{ "2003-12-31T10:14:55Zjunk",		NONE },
	{ "2003-12-31T10:14:55 junk",		NONE },
	{ "2003-12-31T10.5Z",			NONE },
	{ "2003-12-31T10:14:5Z",		NONE },
	{ "2003-12-31T101",			NONE },
	{ "2003-12/31",				NONE },
	{ "2003-W01-1",				NONE },
	{ "2003-365",				NONE },
	{ "2003 foo",				NONE },
	{ "200312",				NONE },
	{ "12/31/2003",				NONE },
	{ "1072865695",				NONE },
};

static const struct {
	const char	*in;
	const char	*fmt;
	const char	*want;
} format_cases[] = {
	{ "31 July 2026", "%d %B %Y", "2026-07-31T00:00:00Z" },
	{ "  31 July 2026 ", "%d %B %Y", "2026-07-31T00:00:00Z" },
	{ "31 Jul 2026", "%d %B %Y", "2026-07-31T00:00:00Z" },
	{ "31 JULY 2026", "%d %b %Y", "2026-07-31T00:00:00Z" },
	{ "3 Sept. 2026", "%d %b %Y", "2026-09-03T00:00:00Z" },
	{ "2026-07-31", "%Y-%m-%d", "2026-07-31T00:00:00Z" },
	{ "2026-07-31", "%F", "2026-07-31T00:00:00Z" },
	{ "20260731", "%Y%m%d", "2026-07-31T00:00:00Z" },
	{ "31.07.2026", "%d.%m.%Y", "2026-07-31T00:00:00Z" },
	{ "31.7.2026 9:05", "%d.%m.%Y %H:%M", "2026-07-31T09:05:00Z" },
	{ "07/31/26", "%D", "2026-07-31T00:00:00Z" },
	{ "Friday, July 31, 2026", "%A, %B %d, %Y", "2026-07-31T00:00:00Z" },
	{ "Jul 31, 2026 10:30 PM", "%b %d, %Y %I:%M %p",
	    "2026-07-31T22:30:00Z" },
	{ "Jul 31, 2026 12:30 am", "%b %d, %Y %I:%M %p",
	    "2026-07-31T00:30:00Z" },
	{ "2026-07-31 10:30:15", "%Y-%m-%d %T", "2026-07-31T10:30:15Z" },
	{ "2026-07-31T10:30+02:00", "%Y-%m-%dT%R%z", "2026-07-31T08:30:00Z" },
	{ "2026-07-31 10:30 +0200", "%Y-%m-%d %H:%M %z",
	    "2026-07-31T08:30:00Z" },
	{ "2026-07-31 10:30 CEST", "%Y-%m-%d %H:%M %Z",
	    "2026-07-31T08:30:00Z" },
	{ "July 2026", "%B %Y", "2026-07-01T00:00:00Z" },
	{ "100% 2026", "100%% %Y", "2026-01-01T00:00:00Z" },
	{ "Published: 31 July 2026", "Published: %d %B %Y",
	    "2026-07-31T00:00:00Z" },
	{ "31 July 2026", "%-d %B %Y", "2026-07-31T00:00:00Z" },
	{ "31 July 2026 extra", "%d %B %Y", NONE },
	{ "31 Juli 2026", "%d %B %Y", NONE },
	{ "31 July", "%d %B", NONE },
	{ "31 July 26", "%d %B %Y", NONE },
	{ "30 February 2026", "%d %B %Y", NONE },
	{ "2026-13-01", "%Y-%m-%d", NONE },
	{ "2026-07-31 25:00", "%Y-%m-%d %H:%M", NONE },
	{ "Jul 31, 2026 13:30 PM", "%b %d, %Y %I:%M %p", NONE },
	{ "2026-07-31", "%Y-%m-%d %H", NONE },
	{ "2026-07-31", "%Y-%j", NONE },
	{ "2026-07-31", "%Y-%m-%d%", NONE },
	{ "", "%Y", NONE },
	{ NULL, "%Y", NONE },
	{ "2026", NULL, NONE },
};

static void
test_date_parse_table(void **state)
{
	char	 buf[DATE_STRLEN];
	size_t	 i, n = sizeof(parse_cases) / sizeof(parse_cases[0]);
	size_t	 bad = 0;
	time_t	 t;

	(void)state;
	for (i = 0; i < n; i++) {
		t = date_parse(parse_cases[i].in);
		if (t == DATE_NONE)
			strcpy(buf, "NONE");
		else
			date_format(t, buf, sizeof(buf));
		if (strcmp(buf, parse_cases[i].want != NULL ?
		    parse_cases[i].want : "NONE") != 0) {
			printf("date: \"%s\": got %s, want %s\n",
			    parse_cases[i].in, buf, parse_cases[i].want ?
			    parse_cases[i].want : "NONE");
			bad++;
		}
	}
	assert_int_equal(bad, 0);
	assert_true(date_parse(NULL) == DATE_NONE);
	printf("date: %zu date_parse cases ok\n", n);
}

static void
test_date_parse_format_table(void **state)
{
	char	 buf[DATE_STRLEN];
	size_t	 i, n = sizeof(format_cases) / sizeof(format_cases[0]);
	size_t	 bad = 0;
	time_t	 t;

	(void)state;
	for (i = 0; i < n; i++) {
		t = date_parse_format(format_cases[i].in, format_cases[i].fmt);
		if (t == DATE_NONE)
			strcpy(buf, "NONE");
		else
			date_format(t, buf, sizeof(buf));
		if (strcmp(buf, format_cases[i].want != NULL ?
		    format_cases[i].want : "NONE") != 0) {
			printf("date: \"%s\" as \"%s\": got %s, want %s\n",
			    format_cases[i].in ? format_cases[i].in : "(null)",
			    format_cases[i].fmt ? format_cases[i].fmt :
			    "(null)", buf, format_cases[i].want ?
			    format_cases[i].want : "NONE");
			bad++;
		}
	}
	assert_int_equal(bad, 0);
	printf("date: %zu date_parse_format cases ok\n", n);
}

static void
test_date_writers(void **state)
{
	char	buf[DATE_HTTPLEN], small[8];

	(void)state;
	assert_string_equal(date_format(0, buf, sizeof(buf)),
	    "1970-01-01T00:00:00Z");
	assert_string_equal(date_format(1072865695, buf, sizeof(buf)),
	    "2003-12-31T10:14:55Z");
	assert_int_equal(strlen(buf), DATE_STRLEN - 1);
	assert_string_equal(date_format(-2208988800LL, buf, sizeof(buf)),
	    "1900-01-01T00:00:00Z");
	assert_string_equal(date_format(DATE_NONE, buf, sizeof(buf)), "");
	assert_string_equal(date_format(-2208988801LL, buf, sizeof(buf)), "");
	assert_string_equal(date_format(253402300800LL, buf, sizeof(buf)),
	    "");
	assert_string_equal(date_format(0, small, sizeof(small)), "1970-01");

	assert_string_equal(date_format_http(784111777, buf, sizeof(buf)),
	    "Sun, 06 Nov 1994 08:49:37 GMT");
	assert_int_equal(strlen(buf), DATE_HTTPLEN - 1);
	assert_string_equal(date_format_http(1785488400, buf, sizeof(buf)),
	    "Fri, 31 Jul 2026 09:00:00 GMT");
	assert_string_equal(date_format_http(DATE_NONE, buf, sizeof(buf)),
	    "");
	assert_true(date_parse(date_format_http(784111777, buf,
	    sizeof(buf))) == 784111777);
	printf("date: date_format and date_format_http ok\n");
}

/* Every second we write, we read back: both writers over the whole range. */
static void
test_date_roundtrip(void **state)
{
	char		 buf[DATE_HTTPLEN];
	const time_t	 lo = -2208988800LL, hi = 253402300799LL;
	const time_t	 step = 86399LL * 7 + 13;	/* wanders the clock */
	time_t		 t;
	size_t		 n = 0;

	(void)state;
	for (t = lo; t <= hi; t += step, n++) {
		assert_true(date_parse(date_format(t, buf, sizeof(buf))) == t);
		assert_true(date_parse(date_format_http(t, buf,
		    sizeof(buf))) == t);
	}
	assert_true(date_parse(date_format(hi, buf, sizeof(buf))) == hi);
	printf("date: %zu round trips through both writers ok\n", n);
}

/* Month and day names are ours, not the locale's. */
static void
test_date_locale(void **state)
{
	static const char *const locales[] = {
		"de_DE.UTF-8", "fr_FR.UTF-8", "tr_TR.UTF-8", "C.UTF-8"
	};
	char		 buf[DATE_HTTPLEN];
	size_t		 i, used = 0;

	(void)state;
	for (i = 0; i < sizeof(locales) / sizeof(locales[0]); i++) {
		if (setlocale(LC_ALL, locales[i]) == NULL)
			continue;
		used++;
		assert_true(date_parse("Thu, 01 Jan 2004 19:48:21 GMT") ==
		    1072986501);
		assert_true(date_parse_format("1 March 2004 UTC",
		    "%d %B %Y %Z") == 1078099200);
		assert_string_equal(date_format_http(1072986501, buf,
		    sizeof(buf)), "Thu, 01 Jan 2004 19:48:21 GMT");
	}
	setlocale(LC_ALL, "C");
	printf("date: English names under %zu of %zu locales ok"
	    " (others not installed)\n", used,
	    sizeof(locales) / sizeof(locales[0]));
}

/* Element names that carry a date in RSS, RDF and Atom. */
static bool
test_date_element(const xmlNode *n)
{
	static const char *const names[] = {
		"pubDate", "lastBuildDate", "date", "updated", "published",
		"modified", "issued", "created"
	};
	size_t	i;

	for (i = 0; i < sizeof(names) / sizeof(names[0]); i++)
		if (strcmp((const char *)n->name, names[i]) == 0)
			return true;
	return false;
}

/*
 * Parse every non-empty date element under n; count those that parse to
 * want (any value when want is NULL) in *ok, the others in *bad.
 */
static void
test_date_walk(const char *file, xmlNode *n, const char *want, size_t *ok,
    size_t *bad)
{
	char	 buf[DATE_STRLEN];
	xmlChar	*text;
	time_t	 t;

	for (; n != NULL; n = n->next) {
		if (n->type != XML_ELEMENT_NODE)
			continue;
		text = test_date_element(n) ? xmlNodeGetContent(n) : NULL;
		if (text != NULL &&
		    text[strspn((char *)text, " \t\r\n")] == '\0') {
			xmlFree(text);
			text = NULL;
		}
		if (text != NULL) {
			t = date_parse((const char *)text);
			date_format(t, buf, sizeof(buf));
			if (t != DATE_NONE &&
			    (want == NULL || strcmp(buf, want) == 0))
				(*ok)++;
			else {
				printf("date: %s: \"%s\" gave \"%s\"%s%s\n",
				    file, text, buf, want ? ", want " : "",
				    want ? want : "");
				(*bad)++;
			}
			xmlFree(text);
		}
		test_date_walk(file, n->children, want, ok, bad);
	}
}

static void
test_date_file(const char *path, const char *want, size_t *ok, size_t *bad)
{
	xmlDoc	*doc;

	doc = xmlReadFile(path, NULL, XML_PARSE_NONET | XML_PARSE_RECOVER |
	    XML_PARSE_NOERROR | XML_PARSE_NOWARNING);
	if (doc == NULL) {
		printf("date: %s: not readable\n", path);
		(*bad)++;
		return;
	}
	test_date_walk(path, xmlDocGetRootElement(doc), want, ok, bad);
	xmlFreeDoc(doc);
}

/*
 * With the shared corpus present: every datetime check of the feedparser
 * conformance set, read from the raw date in its file, and every date in
 * the real samples parses (to the expected value where there is one).
 */
static void
test_date_shared(void **state)
{
	const char	*shared = getenv("PACTFEED_SHARED");
	char		 path[4096];
	json_t		*j, *checks, *c;
	json_error_t	 jerr;
	struct dirent	*de;
	DIR		*dir;
	FILE		*fp = NULL;
	char		 line[8192];
	size_t		 i, ok = 0, bad = 0, nconf = 0, nreal = 0;
	size_t		 okbefore;

	(void)state;
	snprintf(path, sizeof(path), "%s/conformance/feedparser/dev/"
	    "expect.jsonl", shared ? shared : "");
	if (shared == NULL || (fp = fopen(path, "r")) == NULL) {
		printf("date: shared corpus absent, skipped\n");
		skip();
	}
	while (fgets(line, sizeof(line), fp) != NULL) {
		if ((j = json_loads(line, 0, &jerr)) == NULL)
			continue;
		checks = json_object_get(j, "checks");
		json_array_foreach(checks, i, c) {
			if (!json_is_string(json_object_get(c, "compare")) ||
			    strcmp(json_string_value(json_object_get(c,
			    "compare")), "datetime") != 0)
				continue;
			snprintf(path, sizeof(path),
			    "%s/conformance/feedparser/dev/%s", shared,
			    json_string_value(json_object_get(j, "file")));
			okbefore = ok;
			test_date_file(path, json_string_value(
			    json_object_get(c, "equals")), &ok, &bad);
			if (ok == okbefore)
				bad++;		/* the date must be there */
			nconf++;
		}
		json_decref(j);
	}
	fclose(fp);

	snprintf(path, sizeof(path), "%s/samples/real", shared);
	if ((dir = opendir(path)) != NULL) {
		while ((de = readdir(dir)) != NULL) {
			if (strstr(de->d_name, ".xml") == NULL)
				continue;
			snprintf(path, sizeof(path), "%s/samples/real/%s",
			    shared, de->d_name);
			test_date_file(path, NULL, &nreal, &bad);
		}
		closedir(dir);
	}
	assert_int_equal(bad, 0);
	assert_true(nconf > 0);
	printf("date: %zu conformance datetime checks, %zu dates in the real"
	    " samples ok\n", nconf, nreal);
}

/* Every day from 1900 to 2200, and the first and last days of every
 * year to 9999, against the C library's timegm: the calendar arithmetic
 * that makes a time_t agrees with it. */
static void
test_date_calendar(void **state)
{
	char	buf[64];
	size_t	n = 0;

	(void)state;
	for (int y = 1900; y <= 9999; y++) {
		for (int m = 1; m <= 12; m++) {
			for (int d = 1; d <= 31; d++) {
				struct tm	tm = { 0 };
				time_t		want, got;

				if (y > 2200 && !((m == 1 && d == 1) ||
				    (m == 12 && d == 31) || (m == 2 && d == 29)))
					continue;
				tm.tm_year = y - 1900;
				tm.tm_mon = m - 1;
				tm.tm_mday = d;
				tm.tm_hour = 23;
				tm.tm_min = 59;
				tm.tm_sec = 58;
				want = timegm(&tm);
				if (tm.tm_mday != d)
					want = DATE_NONE;	/* no such day */
				snprintf(buf, sizeof(buf),
				    "%04d-%02d-%02dT23:59:58Z", y, m, d);
				got = date_parse(buf);
				if (got != want)
					fail_msg("%s: got %lld, want %lld", buf,
					    (long long)got, (long long)want);
				n++;
			}
		}
	}
	printf("date calendar: %zu days agree with timegm\n", n);
}

/*
 * date_parse() reads the exact shapes feeds mostly write on a fast path
 * and everything else on the full grammars. A leading blank keeps a
 * string off the fast path (date.c), so date_parse(" " s) is the full
 * parse of s: the two must agree on every string. The seeds take the
 * fast path; each is also tried with every byte replaced by each of a
 * set of characters, and cut short at every length, so that every near
 * miss of the shapes is compared too.
 */
static void
test_date_fast_path(void **state)
{
	static const char *const seeds[] = {
		"Sun, 02 Nov 2026 10:01:00 +0100",
		"Mon, 31 Dec 2029 23:59:60 -1800",
		"Tue, 29 Feb 2028 24:00:00 +0000",
		"Wed, 29 Feb 2027 12:00:00 +1801",
		"Thu, 01 Jan 1900 00:00:00 +0001",
		"Fri, 31 Dec 9999 23:59:59 -0001",
		"Sat, 07 Sep 2002 00:00:01 GMT",
		"Sat, 00 Sep 2002 00:00:01 GMT",
		"Sun, 06 Nov 1994 08:49:37 GMT",
		"2026-11-02T10:01:00+01:00",
		"2026-11-02T10:01:00Z",
		"2003-12-31T10:14:55-18:00",
		"2003-12-31T10:14:55+18:01",
		"1899-12-31T23:59:59Z",
		"9999-12-31T23:59:59-00:01",
		"2028-02-29T24:00:00Z",
		"2026-13-01T00:00:00Z",
		"2026-04-31T00:00:60Z",
	};
	static const char subst[] = "0159+-:, TtZzGgMmNnOoVvSsUuAa\x01\xc3";
	char	 s[64], full[65];
	size_t	 i, j, k, len, n = 0, fast = 0;
	time_t	 got, want;

	(void)state;
	for (i = 0; i < sizeof(seeds) / sizeof(seeds[0]); i++) {
		len = strlen(seeds[i]);
		for (j = 0; j <= len; j++) {
			for (k = 0; k <= sizeof(subst) - 1; k++) {
				strcpy(s, seeds[i]);
				if (k == sizeof(subst) - 1)
					s[j] = '\0';	/* cut short */
				else if (j < len)
					s[j] = subst[k];
				else
					continue;
				snprintf(full, sizeof(full), " %s", s);
				got = date_parse(s);
				want = date_parse(full);
				if (got != want)
					fail_msg("date: \"%s\": fast %lld, full "
					    "%lld", s, (long long)got,
					    (long long)want);
				fast += got != DATE_NONE;
				n++;
			}
		}
	}
	printf("date fast path: %zu strings agree with the full parse "
	    "(%zu dates)\n", n, fast);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_date_parse_table),
		cmocka_unit_test(test_date_calendar),
		cmocka_unit_test(test_date_fast_path),
		cmocka_unit_test(test_date_parse_format_table),
		cmocka_unit_test(test_date_writers),
		cmocka_unit_test(test_date_roundtrip),
		cmocka_unit_test(test_date_locale),
		cmocka_unit_test(test_date_shared),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
