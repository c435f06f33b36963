#ifndef SCRAPE_H
#define SCRAPE_H

/*
 * Sites without a feed: an HTML listing page and XPath rules -> struct
 * feed, through libxml2's HTML parser and XPath. Item links are the
 * entries' ids, so scraping the same page again never duplicates.
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

/* Compiles every rule; -1 and a message naming the bad one otherwise. */
int		 scrape_check_rules(const struct scrape_rules *,
		    char *err, size_t errlen);
/* url is the page's address, the base of relative links. NULL and a
 * message when the page cannot be read or a rule fails. */
struct feed	*scrape_page(const char *buf, size_t len, const char *url,
		    const struct scrape_rules *, char *err, size_t errlen);

#endif /* SCRAPE_H */
