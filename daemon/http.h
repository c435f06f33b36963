#ifndef HTTP_H
#define HTTP_H

#include <stddef.h>

struct daemon;
struct http;

struct http	*http_new(struct daemon *, char *err, size_t errlen);
void		 http_stop(struct http *);
void		 http_free(struct http *);
void		 http_config_changed(struct http *);

#endif /* HTTP_H */
