#ifndef SCRAPE_H
#define SCRAPE_H

/*
 * Sites without a feed: an HTML listing page and XPath rules -> struct
 * feed, through libxml2's HTML parser and XPath. Item links are the
 * entries' ids, so scraping the same page again never duplicates.
 *
 * The item rule selects the item elements; the others are evaluated with
 * each item as the context node. A rule's value is the string value of
 * the first node it selects (an attribute gives its value; script and
 * style text is left out) or the string an XPath function returns, with
 * whitespace collapsed. A date is read with date_format when given, else
 * (or when that fails) with date_parse().
 *
 * The feed (format FEED_HTML, title from <title>, link = url) has its
 * entries in page order, at most 1000, each with a title and an absolute
 * http(s) link that is also its id; a link (in canonical form) appears
 * once. feed->nskipped counts items dropped: without title or link, over
 * the limit, or left when the page's XPath step budget ran out. When any
 * were, or a date could not be read, or nothing matched, feed->bozo is
 * set and feed->bozo_reason says so in one line the daemon can log.
 */

#include <stddef.h>

struct feed;

struct scrape_rules {
	const char	*item;		/* XPath selecting each item */
	const char	*title;		/* relative to the item */
	const char	*link;
	const char	*date;		/* optional */
	const char	*date_format;	/* optional strptime format */
	const char	*summary;	/* optional */
};

/* Compiles every rule and tries it on a small page (libxml2 finds an
 * unknown function only when evaluating); -1 and a message naming the
 * bad rule by its config key ("rule item-link: ...") otherwise. */
int		 scrape_check_rules(const struct scrape_rules *,
		    char *err, size_t errlen);
/* url is the page's address, the base of relative links (with the
 * page's <base href>); may be NULL. content_type is the HTTP
 * Content-Type, or NULL: its charset comes before the page's own, as in
 * browsers. NULL and a message when the page cannot be read or a rule
 * fails. */
struct feed	*scrape_page(const char *buf, size_t len, const char *url,
		    const char *content_type, const struct scrape_rules *,
		    char *err, size_t errlen);

#endif /* SCRAPE_H */
