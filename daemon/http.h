#ifndef HTTP_H
#define HTTP_H

/*
 * The HTTP side of the daemon (evhttp on the daemon's loop): the Atom
 * feeds, the / page, /feeds.opml, /feed.xsl, /healthz and /metrics.
 * Rendered documents are cached with their gzip form, their ETag and
 * their Last-Modified, and rendered again only when the store's
 * generation or the config changed: a reader polling an unchanged feed
 * costs a lookup and a 304.
 */

#include <stddef.h>

struct daemon;
struct http;

/* Binds d->cfg->listen ("127.0.0.1:8080", "[::1]:8080") on d->base. */
struct http	*http_new(struct daemon *, char *err, size_t errlen);
/* Stops accepting connections: shutdown has begun. */
void		 http_stop(struct http *);
void		 http_free(struct http *);
/* The config was reloaded: drop every cached render. */
void		 http_config_changed(struct http *);

#endif /* HTTP_H */
