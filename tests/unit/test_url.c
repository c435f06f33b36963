/*
 * url.c: reference resolution (RFC 3986 5.4 examples plus what feeds
 * really write), the canonical form used for dedup, and url_is_http.
 */

#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "url.h"

#define NITEMS(a)	(sizeof(a) / sizeof((a)[0]))

struct resolve_case {
	const char	*base;
	const char	*ref;
	const char	*want;		/* NULL: url_resolve returns NULL */
};

#define RFC_BASE	"http://a/b/c/d;p?q"

static const struct resolve_case resolve_cases[] = {
	/* RFC 3986 5.4.1, normal examples */
	{ RFC_BASE, "g:h",		"g:h" },
	{ RFC_BASE, "g",		"http://a/b/c/g" },
	{ RFC_BASE, "./g",		"http://a/b/c/g" },
	{ RFC_BASE, "g/",		"http://a/b/c/g/" },
	{ RFC_BASE, "/g",		"http://a/g" },
	{ RFC_BASE, "//g",		"http://g" },
	{ RFC_BASE, "?y",		"http://a/b/c/d;p?y" },
	{ RFC_BASE, "g?y",		"http://a/b/c/g?y" },
	{ RFC_BASE, "#s",		"http://a/b/c/d;p?q#s" },
	{ RFC_BASE, "g#s",		"http://a/b/c/g#s" },
	{ RFC_BASE, "g?y#s",		"http://a/b/c/g?y#s" },
	{ RFC_BASE, ";x",		"http://a/b/c/;x" },
	{ RFC_BASE, "g;x",		"http://a/b/c/g;x" },
	{ RFC_BASE, "g;x?y#s",		"http://a/b/c/g;x?y#s" },
	{ RFC_BASE, "",			"http://a/b/c/d;p?q" },
	{ RFC_BASE, ".",		"http://a/b/c/" },
	{ RFC_BASE, "./",		"http://a/b/c/" },
	{ RFC_BASE, "..",		"http://a/b/" },
	{ RFC_BASE, "../",		"http://a/b/" },
	{ RFC_BASE, "../g",		"http://a/b/g" },
	{ RFC_BASE, "../..",		"http://a/" },
	{ RFC_BASE, "../../",		"http://a/" },
	{ RFC_BASE, "../../g",		"http://a/g" },
	/* RFC 3986 5.4.2, abnormal examples */
	{ RFC_BASE, "../../../g",	"http://a/g" },
	{ RFC_BASE, "../../../../g",	"http://a/g" },
	{ RFC_BASE, "/./g",		"http://a/g" },
	{ RFC_BASE, "/../g",		"http://a/g" },
	{ RFC_BASE, "g.",		"http://a/b/c/g." },
	{ RFC_BASE, ".g",		"http://a/b/c/.g" },
	{ RFC_BASE, "g..",		"http://a/b/c/g.." },
	{ RFC_BASE, "..g",		"http://a/b/c/..g" },
	{ RFC_BASE, "./../g",		"http://a/b/g" },
	{ RFC_BASE, "./g/.",		"http://a/b/c/g/" },
	{ RFC_BASE, "g/./h",		"http://a/b/c/g/h" },
	{ RFC_BASE, "g/../h",		"http://a/b/c/h" },
	{ RFC_BASE, "g;x=1/./y",	"http://a/b/c/g;x=1/y" },
	{ RFC_BASE, "g;x=1/../y",	"http://a/b/c/y" },
	{ RFC_BASE, "g?y/./x",		"http://a/b/c/g?y/./x" },
	{ RFC_BASE, "g?y/../x",		"http://a/b/c/g?y/../x" },
	{ RFC_BASE, "g#s/./x",		"http://a/b/c/g#s/./x" },
	{ RFC_BASE, "g#s/../x",		"http://a/b/c/g#s/../x" },
	/* the non-strict reading, as in browsers and feedparser */
	{ RFC_BASE, "http:g",		"http://a/b/c/g" },
	{ RFC_BASE, "HTTP:/g",		"http://a/g" },
	{ RFC_BASE, "https:g",		"https:g" },
	{ NULL, "http:g",		"http:g" },

	/* feeds: a channel link without a trailing slash (wto.org) */
	{ "http://www.wto.org", "/english/news_e/news_docs/629R.pdf",
	    "http://www.wto.org/english/news_e/news_docs/629R.pdf" },
	{ "http://www.wto.org", "x.htm",	"http://www.wto.org/x.htm" },
	{ "http://www.wto.org", "#fnt-1",	"http://www.wto.org#fnt-1" },
	/* a base with query and fragment */
	{ "https://e.eu/news?page=2#top", "item/7",
	    "https://e.eu/item/7" },
	{ "https://e.eu/news/?page=2#top", "item/7",
	    "https://e.eu/news/item/7" },
	{ "https://e.eu/news?page=2#top", "",
	    "https://e.eu/news?page=2" },
	{ "https://e.eu/news?page=2#top", "?page=3",
	    "https://e.eu/news?page=3" },
	/* white space around and inside (links ending in a newline) */
	{ "https://www.sec.gov/", "\n  /files/litigation/x.pdf\n",
	    "https://www.sec.gov/files/litigation/x.pdf" },
	{ "https://a.eu/", "\thttps://b.eu/x\r\n",	"https://b.eu/x" },
	{ "https://a.eu/", "/a/\nb\r\n/c\td",	"https://a.eu/a/b/cd" },
	/* as in browsers, only tabs and newlines go, not spaces */
	{ "https://a.eu/", "/a/\n  b",		"https://a.eu/a/%20%20b" },
	{ "https://a.eu/", "my doc.pdf",	"https://a.eu/my%20doc.pdf" },
	{ " https://a.eu/d/ ", "x",		"https://a.eu/d/x" },
	{ "https://a.eu/", "\xef\xbb\xbf/x\xc2\xa0",	"https://a.eu/x" },
	{ "https://a.eu/", "\xe2\x80\x8b/x\xe2\x80\x8b\xe3\x80\x80",
	    "https://a.eu/x" },
	{ "https://a.eu/x\xe2\x80\x88#top", "",	"https://a.eu/x" },
	{ "https://a.eu/x/.\xe2\x80\x88#top", "",	"https://a.eu/x/" },
	/* broken UTF-8 that looks like the start of a blank stays */
	{ "https://a.eu/", "/\xe2\x80/",	"https://a.eu/\xe2\x80/" },
	{ "https://a.eu/", "/a\xc2\xa0" "b",	"https://a.eu/a\xc2\xa0""b" },
	/* IRIs: non-ASCII passes through raw, escapes stay as written */
	{ "http://www.\xe8\xa9\xb9\xe5\xa7\x86\xe6\x96\xaf.com/feed", "",
	    "http://www.\xe8\xa9\xb9\xe5\xa7\x86\xe6\x96\xaf.com/feed" },
	{ "https://www.bamf.de/DE/Themen/", "Asyl/fl\xc3\xbc""chtlinge.html",
	    "https://www.bamf.de/DE/Themen/Asyl/fl\xc3\xbc""chtlinge.html" },
	{ "https://www.bamf.de/DE/", "fl%C3%BCchtlinge",
	    "https://www.bamf.de/DE/fl%C3%BCchtlinge" },
	{ "https://a.eu/x/", "%7e/%2f/%c3%a9",	"https://a.eu/x/%7e/%2f/%c3%a9" },
	{ "https://a.eu/caf\xc3\xa9/", "../th\xc3\xa9",
	    "https://a.eu/th\xc3\xa9" },
	/* protocol-relative, absolute and IPv6 */
	{ "https://a.eu/x", "//cdn.a.eu/i.png",	"https://cdn.a.eu/i.png" },
	{ "http://a.eu/x", "//cdn.a.eu/i.png",	"http://cdn.a.eu/i.png" },
	{ "https://a.eu/", "HTTP://B.EU/A/./B/../C",	"HTTP://B.EU/A/C" },
	{ "https://a.eu/", "http://[::1]:8080/x",	"http://[::1]:8080/x" },
	{ "https://a.eu/b/", "http://b.eu/a//b",	"http://b.eu/a//b" },
	{ "https://a.eu/b//c/", "d",		"https://a.eu/b//c/d" },
	/* other schemes: as written, the sanitizer decides */
	{ "https://a.eu/", "javascript:alert(1)",	"javascript:alert(1)" },
	{ "https://a.eu/", " mailto:info@a.eu ",	"mailto:info@a.eu" },
	{ "https://a.eu/", "data:text/plain,hi",	"data:text/plain,hi" },
	{ "https://a.eu/", "tag:a.eu,2024:1",		"tag:a.eu,2024:1" },
	{ "https://a.eu/", "java\nscript:alert(1)",	"javascript:alert(1)" },
	/* no base: relative links kept as written */
	{ NULL, "news/1.html",			"news/1.html" },
	{ "", "/news/1.html",			"/news/1.html" },
	{ NULL, "../x/./y",			"../x/./y" },
	{ NULL, "//h.eu/x",			"//h.eu/x" },
	{ NULL, "https://h.eu/a/../b",		"https://h.eu/b" },
	{ "mailto:x@a.eu", "y",			"y" },
	{ "not a base %", "y",			"y" },
	{ "/news/", "1.html",			"/news/1.html" },
	{ "news/a", "../b",			"b" },
	{ NULL, "",				NULL },
	{ NULL, " \n",				NULL },
	{ "https://a.eu/", NULL,		NULL },
	/* cleaned up or rejected */
	{ "https://a.eu/", "?filter[type]=news",
	    "https://a.eu/?filter%5Btype%5D=news" },
	{ "https://a.eu/", "a%zz",		"https://a.eu/a%25zz" },
	{ "https://a.eu/", "x#y#z",		"https://a.eu/x#y%23z" },
	{ "https://a.eu/", "a\"b<c>",		"https://a.eu/a%22b%3Cc%3E" },
	{ "http://example.test/", "http://example.c[o.test/",	NULL },
	{ "https://a.eu/", "1:x",		NULL },
	{ "https://a.eu/", "http://a.eu:99999999999/",	NULL },
};

struct canon_case {
	const char	*in;
	const char	*want;		/* NULL: not an http(s) URL */
};

static const struct canon_case canon_cases[] = {
	/* scheme, host, port */
	{ "http://example.com/",		"https://example.com/" },
	{ "HTTPS://Example.COM/",		"https://example.com/" },
	{ "http://example.com",			"https://example.com/" },
	{ "http://example.com:80/a",		"https://example.com/a" },
	{ "https://example.com:443/a",		"https://example.com/a" },
	{ "http://example.com:8080/a",		"https://example.com:8080/a" },
	{ "http://example.com:08080/a",		"https://example.com:8080/a" },
	{ "http://example.com:080/a",		"https://example.com/a" },
	{ "http://example.com.:80/a",		"https://example.com/a" },
	{ "http://Example.com../",		"https://example.com/" },
	{ "http://User@Example.com/",		"https://User@example.com/" },
	{ "http://[2001:DB8::1]:8080/",		"https://[2001:db8::1]:8080/" },
	{ "http://ex%41mple.com/",		"https://example.com/" },
	{ "http://M\xc3\x9c""NCHEN.de/",	"https://m%C3%BCnchen.de/" },
	{ "http://m%c3%9cnchen.DE/",		"https://m%C3%BCnchen.de/" },
	{ "http://\xef\xbd\x85\xef\xbd\x98.eu/",	"https://ex.eu/" },
	{ "http://%FF.eu/",			"https://%FF.eu/" },
	{ "http://xn--mnchen-3ya.de/",		"https://xn--mnchen-3ya.de/" },
	/* fragment, query */
	{ "https://a.eu/x#section-2",		"https://a.eu/x" },
	{ "https://a.eu/x?#",			"https://a.eu/x" },
	{ "https://a.eu/x?",			"https://a.eu/x" },
	{ "https://a.eu/x?&&",			"https://a.eu/x" },
	{ "https://a.eu/x?b=2&a=1",		"https://a.eu/x?a=1&b=2" },
	{ "https://a.eu/x?b=2&a=1&b=1&a=0",	"https://a.eu/x?a=1&a=0&b=2&b=1" },
	{ "https://a.eu/x?ab=1&a=2&a",		"https://a.eu/x?a=2&a&ab=1" },
	{ "https://a.eu/x?id=7&&lang=en&",	"https://a.eu/x?id=7&lang=en" },
	{ "https://a.eu/x?q=a+b&q2=a%20b",	"https://a.eu/x?q=a+b&q2=a%20b" },
	{ "https://a.eu/x?Q=1&q=2",		"https://a.eu/x?Q=1&q=2" },
	/* tracking parameters */
	{ "https://a.eu/x?utm_source=rss&utm_medium=feed&utm_campaign=c",
	    "https://a.eu/x" },
	{ "https://a.eu/x?id=3&utm_source=rss",	"https://a.eu/x?id=3" },
	{ "https://a.eu/x?UTM_Source=rss&id=3",	"https://a.eu/x?id=3" },
	{ "https://a.eu/x?utm_whatever=1",	"https://a.eu/x" },
	{ "https://a.eu/x?utm_=1",		"https://a.eu/x?utm_=1" },
	{ "https://a.eu/x?fbclid=IwAR0&p=1",	"https://a.eu/x?p=1" },
	{ "https://a.eu/x?gclid=1&dclid=2&gbraid=3&wbraid=4&msclkid=5",
	    "https://a.eu/x" },
	{ "https://a.eu/x?mc_cid=1&mc_eid=2&_hsenc=3&_hsmi=4",
	    "https://a.eu/x" },
	{ "https://a.eu/x?igshid=1&yclid=2&twclid=3&ttclid=4",
	    "https://a.eu/x" },
	{ "https://a.eu/x?pk_campaign=rss&mtm_source=x&xtor=RSS-1",
	    "https://a.eu/x" },
	{ "https://a.eu/x?utm%5Fsource=rss",	"https://a.eu/x" },
	{ "https://a.eu/x?fbclid",		"https://a.eu/x" },
	{ "https://a.eu/x?page=2&utm_source=a#c",	"https://a.eu/x?page=2" },
	/* session ids */
	{ "https://a.eu/x;jsessionid=0A1B2C?id=4",	"https://a.eu/x?id=4" },
	{ "https://a.eu/x;JSESSIONID=0A1B2C;v=2/y",	"https://a.eu/x;v=2/y" },
	{ "https://a.eu/x?PHPSESSID=77&id=4",	"https://a.eu/x?id=4" },
	{ "https://a.eu/x;v=2",			"https://a.eu/x;v=2" },
	/* path */
	{ "https://a.eu/a/./b/../c",		"https://a.eu/a/c" },
	{ "https://a.eu/../../c",		"https://a.eu/c" },
	{ "https://a.eu/a/%2e%2E/c",		"https://a.eu/c" },
	{ "https://a.eu/%7euser/%41%62",	"https://a.eu/~user/Ab" },
	{ "https://a.eu/a%2fb/%3a",		"https://a.eu/a%2Fb/%3A" },
	{ "https://a.eu/fl%c3%bcchtlinge",	"https://a.eu/fl%C3%BCchtlinge" },
	{ "https://a.eu/fl\xc3\xbc""chtlinge",	"https://a.eu/fl%C3%BCchtlinge" },
	{ "https://a.eu/my doc.pdf",		"https://a.eu/my%20doc.pdf" },
	{ "  https://a.eu/x\n",			"https://a.eu/x" },
	{ "\xef\xbb\xbfhttps://a.eu/x\xc2\xa0",	"https://a.eu/x" },
	{ "https://a.eu/a\xc2\xa0" "b",		"https://a.eu/a%C2%A0b" },
	{ "https://a.eu/x?q=\xc3\xa9",		"https://a.eu/x?q=%C3%A9" },
	/* left alone on purpose */
	{ "https://www.a.eu/x",			"https://www.a.eu/x" },
	{ "https://a.eu/news/",			"https://a.eu/news/" },
	{ "https://a.eu/news",			"https://a.eu/news" },
	{ "https://a.eu/News/Index.html",	"https://a.eu/News/Index.html" },
	{ "https://a.eu//x",			"https://a.eu//x" },
	/* not http(s), or not a URL */
	{ "ftp://a.eu/x",			NULL },
	{ "mailto:info@a.eu",			NULL },
	{ "javascript:alert(1)",		NULL },
	{ "//a.eu/x",				NULL },
	{ "/x",					NULL },
	{ "http:x",				NULL },
	{ "http:///x",				NULL },
	{ "http://./x",				NULL },
	{ "http://a.eu:65536/",			NULL },
	{ "http://a.eu:99999999999/",		NULL },
	{ "http://[x@y]:8/",			NULL },
	{ "http://[]/",				NULL },
	{ "http://u@[::FFFF:1.2.3.4]:80/",	"https://u@[::ffff:1.2.3.4]/" },
	{ "",					NULL },
	{ NULL,					NULL },
	/*
	 * Clean links take a fast path (no url_clean, no libxml2); each
	 * case says what the full path gives. First the ones it takes:
	 * case, blanks, ports, empty and duplicate parameters, pchars.
	 */
	{ "HTTPS://Src3.Example/news/1/item?utm_source=rss",
	    "https://src3.example/news/1/item" },
	{ "  http://a.eu:8080/x?b=2&a=1#top \n",	"https://a.eu:8080/x?a=1&b=2" },
	{ "http://WWW.EXAMPLE9.COM/A",		"https://www.example9.com/A" },
	{ "http://1.2.3.4:8080/",		"https://1.2.3.4:8080/" },
	{ "https://a_b~c.eu/",			"https://a_b~c.eu/" },
	{ "http://a.eu:00443/x",		"https://a.eu/x" },
	{ "http://a.eu:0/x",			"https://a.eu:0/x" },
	{ "http://a.eu:80",			"https://a.eu/" },
	{ "https://a.eu:8080",			"https://a.eu:8080/" },
	{ "https://a.eu?b=1",			"https://a.eu/?b=1" },
	{ "https://a.eu#f",			"https://a.eu/" },
	{ "https://a.eu/x\t",			"https://a.eu/x" },
	{ "https://a.eu/x?y#a?b/c",		"https://a.eu/x?y" },
	{ "http://a.eu/x?a=1#",			"https://a.eu/x?a=1" },
	{ "https://a.eu/x?a=1&&b=&=v&a",	"https://a.eu/x?=v&a=1&a&b=" },
	{ "https://a.eu/x?ab=1&a=2&a=1&b&a_=0",
	    "https://a.eu/x?a=2&a=1&a_=0&ab=1&b" },
	{ "https://a.eu/x?b=1&B=2&a=1",		"https://a.eu/x?B=2&a=1&b=1" },
	{ "https://a.eu/x?utm_source=1&fbclid=2",	"https://a.eu/x" },
	{ "https://a.eu/.well-known/x",		"https://a.eu/.well-known/x" },
	{ "https://a.eu/a..b/..c/.../.d",	"https://a.eu/a..b/..c/.../.d" },
	{ "https://a.eu/x;jsessionid",		"https://a.eu/x;jsessionid" },
	{ "http://a.eu/x;j=1",			"https://a.eu/x;j=1" },
	{ "https://a.eu/!$&'()*+,;=:@-._~?q=/?:@!$'()*+,;",
	    "https://a.eu/!$&'()*+,;=:@-._~?q=/?:@!$'()*+,;" },
	/* escapes as the canonical form writes them stay on it */
	{ "https://a.eu/fl%C3%BCchtlinge?q=%C3%A9#%C3",
	    "https://a.eu/fl%C3%BCchtlinge?q=%C3%A9" },
	{ "https://a.eu/a%2Fb?b%3D=1&a=2",	"https://a.eu/a%2Fb?a=2&b%3D=1" },
	{ "https://a.eu/x?%C3%A9=1&%C3%A8=2",
	    "https://a.eu/x?%C3%A8=2&%C3%A9=1" },
	{ "https://a.eu/x%3Bjsessionid=1",	"https://a.eu/x%3Bjsessionid=1" },
	/* 16 parameters: still on the fast path's stack */
	{ "https://a.eu/x?p=1&o=2&n=3&m=4&l=5&k=6&j=7&i=8&h=9&g=10&f=11"
	    "&e=12&d=13&c=14&b=15&a=16",
	    "https://a.eu/x?a=16&b=15&c=14&d=13&e=12&f=11&g=10&h=9&i=8&j=7"
	    "&k=6&l=5&m=4&n=3&o=2&p=1" },
	/* clean-looking, but the full path decides: 17 and 18 parameters
	 * (sorted by qsort, equal keys in order), ... */
	{ "https://a.eu/x?q=1&p=1&o=2&n=3&m=4&l=5&k=6&j=7&i=8&h=9&g=10"
	    "&f=11&e=12&d=13&c=14&b=15&a=16",
	    "https://a.eu/x?a=16&b=15&c=14&d=13&e=12&f=11&g=10&h=9&i=8&j=7"
	    "&k=6&l=5&m=4&n=3&o=2&p=1&q=1" },
	{ "https://a.eu/x?b=1&a=1&b=2&a=2&b=3&a=3&b=4&a=4&b=5&a=5&b=6&a=6"
	    "&b=7&a=7&b=8&a=8&b=9&a=9",
	    "https://a.eu/x?a=1&a=2&a=3&a=4&a=5&a=6&a=7&a=8&a=9&b=1&b=2&b=3"
	    "&b=4&b=5&b=6&b=7&b=8&b=9" },
	/* ... a session id, dot segments, a second '#', blanks inside,
	 * escapes, user info, a host's trailing dot, odd ports ... */
	{ "https://a.eu/x;v=1;JSESSIONID=2",	"https://a.eu/x;v=1" },
	{ "https://a.eu/x/.",			"https://a.eu/x/" },
	{ "https://a.eu/x/..?q",		"https://a.eu/?q" },
	{ "https://a.eu/x#a#b",			"https://a.eu/x" },
	{ "https://a.eu/x y",			"https://a.eu/x%20y" },
	{ "https://a.eu/x\ty",			"https://a.eu/xy" },
	{ "\xc2\xa0https://a.eu/",		"https://a.eu/" },
	{ "http://a.eu/x?q=a%20b",		"https://a.eu/x?q=a%20b" },
	{ "http://a.eu/x?%41=1",		"https://a.eu/x?A=1" },
	{ "https://a.eu/x?q=%c3%a9",		"https://a.eu/x?q=%C3%A9" },
	{ "https://a.eu/x?%c3=1&%C3=2&%D0=3",
	    "https://a.eu/x?%C3=1&%C3=2&%D0=3" },
	{ "https://a.eu/%2E%2E/x",		"https://a.eu/x" },
	{ "https://a.eu/x%2",			"https://a.eu/x%252" },
	{ "https://a.eu/x?q=%2",		"https://a.eu/x?q=%252" },
	{ "https://a.eu/x#%zz",			"https://a.eu/x" },
	{ "http://u@a.eu/",			"https://u@a.eu/" },
	{ "https://a.eu./x",			"https://a.eu/x" },
	{ "https://a.eu:/x",			NULL },
	{ "https://a.eu:123456/",		NULL },
	{ "http://a.eu:8a/",			NULL },
	{ "http://:80/",			NULL },
	{ "httpss://a.eu/",			NULL },
	{ "https:/a.eu",			NULL },
	{ "https://",				NULL },
	/* ... and no scheme can start with a non-letter */
	{ "/x",					NULL },
	{ "  #x",				NULL },
	{ "%68ttp://a.eu/",			NULL },
};

static const struct {
	const char	*in;
	bool		 want;
} http_cases[] = {
	{ "http://a.eu/",		true },
	{ "https://a.eu",		true },
	{ "HTTP://A.EU/x?y#z",		true },
	{ " https://a.eu/x ",		true },
	{ "http://[::1]/",		true },
	{ "https://a.eu:8443/",		true },
	{ "ftp://a.eu/",		false },
	{ "https:/a.eu/",		false },
	{ "https:a.eu",			false },
	{ "//a.eu/",			false },
	{ "a.eu/x",			false },
	{ "https://",			false },
	{ "javascript:alert(1)",	false },
	{ "",				false },
	{ NULL,				false },
};

static const char *
show(const char *s)
{
	return s == NULL ? "(null)" : s;
}

static void
test_resolve(void **state)
{
	size_t	 i, bad = 0;
	char	*got;

	(void)state;
	for (i = 0; i < NITEMS(resolve_cases); i++) {
		const struct resolve_case *c = &resolve_cases[i];

		got = url_resolve(c->base, c->ref);
		if ((got == NULL) != (c->want == NULL) ||
		    (got != NULL && strcmp(got, c->want) != 0)) {
			printf("resolve %zu: [%s] + [%s]: got [%s], want [%s]\n",
			    i, show(c->base), show(c->ref), show(got),
			    show(c->want));
			bad++;
		}
		free(got);
	}
	printf("url: %zu resolution cases checked, %zu wrong\n",
	    NITEMS(resolve_cases), bad);
	assert_int_equal(bad, 0);
}

static void
test_canonical(void **state)
{
	size_t	 i, bad = 0;
	char	*got, *again;

	(void)state;
	for (i = 0; i < NITEMS(canon_cases); i++) {
		const struct canon_case *c = &canon_cases[i];

		got = url_canonical(c->in);
		if ((got == NULL) != (c->want == NULL) ||
		    (got != NULL && strcmp(got, c->want) != 0)) {
			printf("canonical %zu: [%s]: got [%s], want [%s]\n",
			    i, show(c->in), show(got), show(c->want));
			bad++;
		}
		/* The canonical form is its own canonical form. */
		if (got != NULL) {
			again = url_canonical(got);
			if (again == NULL || strcmp(again, got) != 0) {
				printf("canonical %zu: [%s] not stable: [%s]\n",
				    i, got, show(again));
				bad++;
			}
			free(again);
		}
		free(got);
	}
	printf("url: %zu canonical cases checked (each also for "
	    "idempotence), %zu wrong\n", NITEMS(canon_cases), bad);
	assert_int_equal(bad, 0);
}

static void
test_is_http(void **state)
{
	size_t	 i, n = 0;

	(void)state;
	for (i = 0; i < NITEMS(http_cases); i++) {
		if (url_is_http(http_cases[i].in) != http_cases[i].want)
			printf("is_http %zu: [%s]: want %d\n", i,
			    show(http_cases[i].in), http_cases[i].want);
		assert_true(url_is_http(http_cases[i].in) ==
		    http_cases[i].want);
		n++;
	}
	/* url_is_http agrees with url_canonical on every canonical case. */
	for (i = 0; i < NITEMS(canon_cases); i++) {
		assert_true(url_is_http(canon_cases[i].in) ==
		    (canon_cases[i].want != NULL));
		n++;
	}
	printf("url: %zu url_is_http cases checked\n", n);
}

static void
test_tracking(void **state)
{
	static const struct {
		const char	*key;
		bool		 want;
	} cases[] = {
		{ "utm_source", true }, { "utm_content", true },
		{ "UTM_TERM", true }, { "fbclid", true }, { "gclid", true },
		{ "mc_eid", true }, { "_hsenc", true }, { "pk_kwd", true },
		{ "mtm_campaign", true }, { "__hstc", true }, { "xtor", true },
		{ "utm", false }, { "utm_", false }, { "id", false },
		{ "page", false }, { "q", false }, { "ref", false },
		{ "lang", false }, { "fbclid2", false }, { "p", false },
		/* every name of both lists, which are looked up by their
		 * first letter: one out of order would go missing here */
		{ "_ga", true }, { "_gl", true }, { "_hsenc", true },
		{ "_hsmi", true }, { "_openstat", true },
		{ "at_campaign", true }, { "at_medium", true },
		{ "dclid", true }, { "ef_id", true },
		{ "fb_action_ids", true }, { "fb_action_types", true },
		{ "fb_ref", true }, { "fb_source", true }, { "fbclid", true },
		{ "gbraid", true }, { "gclid", true }, { "gclsrc", true },
		{ "hsctatracking", true }, { "igsh", true },
		{ "igshid", true }, { "jsessionid", true },
		{ "li_fat_id", true }, { "mc_cid", true }, { "mc_eid", true },
		{ "mkt_tok", true }, { "msclkid", true }, { "ncid", true },
		{ "oly_anon_id", true }, { "oly_enc_id", true },
		{ "phpsessid", true }, { "rb_clickid", true },
		{ "ref_src", true }, { "ref_url", true }, { "s_kwcid", true },
		{ "srsltid", true }, { "ttclid", true }, { "twclid", true },
		{ "vero_conv", true }, { "vero_id", true }, { "wbraid", true },
		{ "wickedid", true }, { "xtor", true }, { "yclid", true },
		{ "__hsfp", true }, { "hsa_acc", true }, { "matomo_kwd", true },
		{ "mtm_cid", true }, { "piwik_kwd", true }, { "pk_source", true },
		{ "utm_id", true },
		/* case, length and first letter near misses */
		{ "YCLID", true }, { "Vero_Conv", true }, { "_OpenStat", true },
		{ "PIWIK_x", true }, { "Hsa_x", true }, { "__hs", false },
		{ "hsa_", false }, { "pk_", false }, { "yclid_", false },
		{ "xclid", false }, { "zclid", false }, { "", false },
		{ "_", false }, { "ga", false }, { "at_campaig", false },
	};
	size_t	 i;

	(void)state;
	for (i = 0; i < NITEMS(cases); i++)
		assert_true(url_is_tracking_param(cases[i].key,
		    strlen(cases[i].key)) == cases[i].want);
	printf("url: %zu tracking parameter names checked\n", NITEMS(cases));
}

/* A small deterministic generator (xorshift) for test_fast_full. */
static uint64_t
gen_next(uint64_t *st)
{
	*st ^= *st << 13;
	*st ^= *st >> 7;
	*st ^= *st << 17;
	return *st;
}

static void
gen_add(char *buf, size_t size, const char *s)
{
	size_t	 len = strlen(buf);

	snprintf(buf + len, size - len, "%s", s);
}

static void
gen_pick(char *buf, size_t size, uint64_t *st, const char *const *v,
    size_t n)
{
	gen_add(buf, size, v[gen_next(st) % n]);
}

/*
 * url_canonical's fast path against its full path on generated links
 * that look clean: a no-break space after a link sends it down the full
 * path (the fast one takes ASCII only), whose cleaning then trims it, so
 * both calls must agree byte for byte; url_is_http, which asks the fast
 * path without a canonical form written, must agree too.
 */
static void
test_fast_full(void **state)
{
	static const char *const schemes[] = {
		"https://", "http://", "HTTPS://", "Http://", "  https://",
	};
	static const char *const hosts[] = {
		"a.eu", "Example.COM", "src3.example", "1.2.3.4", "a_b~c.eu",
		"a.eu.", "x-y.z", "A",
	};
	static const char *const ports[] = {
		"", "", "", ":80", ":443", ":8080", ":0", ":00080", ":65535",
		":65536", ":",
	};
	static const char *const segs[] = {
		"/", "/news", "/News/Index.html", "/.", "/..", "/.well-known",
		"/..a", "/a..", "/x;jsessionid=1", "/x;JSessionId=2;v=3",
		"/x;j=1", "/!$&'()*+,;=:@-._~", "/%41", "//", "/fl%C3%BC",
		"/fl%c3%bc", "/a%2Fb", "/%7e", "/%7E", "/%2E", "/%zz", "/%2",
		"/%3Bjsessionid=1",
	};
	static const char *const params[] = {
		"a=1", "b=2", "a=0", "B=1", "ab", "a_=3", "", "=", "=v",
		"utm_source=rss", "UTM_Medium=x", "fbclid=1", "id=7", "q=a+b",
		"p=/?:@", "utm_=1", "gclid", "x=%20", "q=%C3%A9", "q=%c3%a9",
		"%C3%A9=1", "%C3%A8=2", "%c3%a9=3", "%41=1", "k%3D=v", "q=%",
		"utm%5Fsource=1",
	};
	static const char *const frags[] = {
		"", "", "#", "#top", "#a?b/c", "#a#b", "#%C3", "#%c3", "#%zz",
	};
	uint64_t st = 0x2545f4914f6cdd1dULL;
	char	 in[512], slow[520], *a, *b;
	size_t	 i, j, n, bad = 0, nonnull = 0, total = 20000;

	(void)state;
	for (i = 0; i < total; i++) {
		in[0] = '\0';
		gen_pick(in, sizeof(in), &st, schemes, NITEMS(schemes));
		gen_pick(in, sizeof(in), &st, hosts, NITEMS(hosts));
		gen_pick(in, sizeof(in), &st, ports, NITEMS(ports));
		for (j = 0, n = gen_next(&st) % 4; j < n; j++)
			gen_pick(in, sizeof(in), &st, segs, NITEMS(segs));
		if (gen_next(&st) % 2 == 0) {
			gen_add(in, sizeof(in), "?");
			for (j = 0, n = gen_next(&st) % 6; j < n; j++) {
				if (j > 0)
					gen_add(in, sizeof(in), "&");
				gen_pick(in, sizeof(in), &st, params,
				    NITEMS(params));
			}
		}
		gen_pick(in, sizeof(in), &st, frags, NITEMS(frags));
		snprintf(slow, sizeof(slow), "%s\xc2\xa0", in);
		a = url_canonical(in);
		b = url_canonical(slow);
		if ((a == NULL) != (b == NULL) ||
		    (a != NULL && strcmp(a, b) != 0) ||
		    url_is_http(in) != (a != NULL)) {
			if (bad++ < 10)
				printf("fast/full: [%s]: [%s] against [%s]\n",
				    in, show(a), show(b));
		}
		nonnull += a != NULL;
		free(a);
		free(b);
	}
	printf("url: %zu generated links, fast path against full path "
	    "(%zu canonical, the rest NULL), %zu differ\n", total, nonnull,
	    bad);
	assert_int_equal(bad, 0);
}

/*
 * url_is_plain_absolute() promises that url_resolve() returns such a link
 * unchanged whatever the base, so the parser skips the call: held against
 * the full resolution (a no-break space after the link keeps it off the
 * fast path; cleaning trims it) on the generated links of test_fast_full,
 * against several bases.
 */
static void
test_plain_absolute(void **state)
{
	static const char *const bases[] = {
		NULL, "https://b.eu/x/y?q#f", "/rel/", "mailto:x",
		"http://a.eu/../", "",
	};
	static const char *const heads[] = {
		"https://", "http://", "HTTPS://", "https:/", "  https://",
	};
	static const char *const hosts[] = {
		"a.eu", "Example.COM", "src3.example", "1.2.3.4", "a_b~c.eu",
		"a.eu.", "x-y.z", "-a.eu", "a", "a.eu:8080", "a.eu:0",
		"a.eu:65536", "a.eu:", "u@a.eu", "[::1]", "fl\xc3\xbc.de",
	};
	static const char *const parts[] = {
		"/", "/news", "/News/Index.html", "/.", "/..", "/.well-known",
		"/..a", "/a..", "/x;j=1", "/!$&'()*+,;=:@-._~", "/%41", "//",
		"?a=1&b=2", "?q=a+b", "#top", "#a#b", "/a b", "/a\tb", "/\xc3\xa9",
		"/a|b", "/a\"b", "?p=/?:@",
	};
	uint64_t st = 0x9e3779b97f4a7c15ULL;
	char	 in[512], slow[520], *r;
	size_t	 i, j, n, k, plain = 0, bad = 0, total = 20000;

	(void)state;
	for (i = 0; i < total; i++) {
		in[0] = '\0';
		gen_pick(in, sizeof(in), &st, heads, NITEMS(heads));
		gen_pick(in, sizeof(in), &st, hosts, NITEMS(hosts));
		for (j = 0, n = gen_next(&st) % 4; j < n; j++)
			gen_pick(in, sizeof(in), &st, parts, NITEMS(parts));
		if (!url_is_plain_absolute(in))
			continue;
		plain++;
		snprintf(slow, sizeof(slow), "%s\xc2\xa0", in);
		for (k = 0; k < NITEMS(bases); k++) {
			r = url_resolve(bases[k], slow);
			if (r == NULL || strcmp(r, in) != 0) {
				if (bad++ < 10)
					printf("plain: [%s] against [%s]: "
					    "[%s]\n", in, show(bases[k]),
					    show(r));
			}
			free(r);
		}
	}
	printf("url: %zu generated links, %zu plain absolute ones resolve "
	    "to themselves against %zu bases, %zu differ\n", total, plain,
	    NITEMS(bases), bad);
	assert_true(plain > 0 && plain < total);
	assert_int_equal(bad, 0);
}

/* Links a feed and a copy of it write differently end up equal. */
static void
test_dedup(void **state)
{
	static const char *const same[][2] = {
		{ "http://www.ecre.org/news/?utm_source=rss#more",
		  "https://www.ecre.org:443/news/" },
		{ "https://EC.EUROPA.EU/commission/presscorner/detail/en/"
		  "ip_24_1234?fbclid=x",
		  "http://ec.europa.eu/commission/presscorner/detail/en/"
		  "./ip_24_1234" },
		{ "https://a.eu/x?b=2&a=1", "https://a.eu/x?a=1&b=2&gclid=9" },
		{ "https://a.eu/fl\xc3\xbc", "https://a.eu/fl%c3%bc" },
		{ "https://a.eu/%7Eme", "https://a.eu/~me" },
	};
	size_t	 i;
	char	*x, *y;

	(void)state;
	for (i = 0; i < NITEMS(same); i++) {
		x = url_canonical(same[i][0]);
		y = url_canonical(same[i][1]);
		assert_non_null(x);
		assert_non_null(y);
		assert_string_equal(x, y);
		free(x);
		free(y);
	}
	printf("url: %zu pairs of equal links checked\n", NITEMS(same));
}

/*
 * Inputs the fuzzer (tests/fuzz/fuzz_url.c) once failed on, as it reads
 * them: a base, a newline, a reference. The resolution of the two, when
 * an http(s) URL, must resolve to itself and canonicalise.
 */
static void
test_regress_fuzz(void **state)
{
	static const char *const files[] = {
		/* a blank brought to the front by "/../" in a base without
		 * a scheme */
		"fixtures/url/regress-fuzz-16422d0b",
	};
	size_t	n = 0;

	(void)state;
	for (size_t i = 0; i < sizeof(files) / sizeof(files[0]); i++) {
		FILE	*f = fopen(files[i], "rb");
		char	 buf[4096], *nl, *r, *r2, *c;
		size_t	 len;

		assert_non_null(f);
		len = fread(buf, 1, sizeof(buf) - 1, f);
		fclose(f);
		buf[len] = '\0';
		assert_non_null(nl = strchr(buf, '\n'));
		*nl = '\0';
		r = url_resolve(buf, nl + 1);
		assert_non_null(r);
		assert_true(url_is_http(r));
		r2 = url_resolve(NULL, r);
		assert_non_null(r2);
		assert_string_equal(r2, r);
		assert_non_null(c = url_canonical(r));
		free(c);
		free(r2);
		free(r);
		n++;
	}
	printf("url: %zu fuzzer regression inputs resolve to themselves: ok\n",
	    n);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_resolve),
		cmocka_unit_test(test_canonical),
		cmocka_unit_test(test_fast_full),
		cmocka_unit_test(test_plain_absolute),
		cmocka_unit_test(test_is_http),
		cmocka_unit_test(test_tracking),
		cmocka_unit_test(test_dedup),
		cmocka_unit_test(test_regress_fuzz),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
