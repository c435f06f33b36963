/*
 * The configuration loader: pactfeed.conf and its includes, read by
 * libconfuse, checked, and handed out as plain structs.
 *
 * The invariant: config_load either returns a config in which every value
 * was checked, or NULL and every problem it could find, each as
 * "FILE:LINE: message". libconfuse stops at the first syntax error and
 * knows neither our value syntaxes nor line numbers of options, so every
 * option is a string with a parse callback that checks it and notes
 * where it was set, while the parse goes on. Unknown keys abort a
 * libconfuse parse; each one found becomes a "sink" option of that name
 * and the parse starts over, so all of them are reported, each with a
 * suggestion. Includes are parsed by our own callback, relative to the
 * including file, so a missing file is reported and the parse goes on.
 *
 * libconfuse callbacks get no argument of ours and its lexer is global
 * anyway, so the loader in progress hangs off one static pointer.
 */

#include "config.h"

#include <sys/stat.h>

#include <ctype.h>
#include <errno.h>
#include <limits.h>
#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <confuse.h>
#include <libxml/globals.h>
#include <libxml/xmlerror.h>
#include <libxml/xmlversion.h>
#include <libxml/uri.h>
#include <libxml/xpath.h>

#include "text.h"
#include "xmalloc.h"

#define CONFIG_MAX_DEPTH	8	/* nested includes */
#define CONFIG_MAX_PASSES	64	/* parses, one per unknown key */
#define CONFIG_MAX_INTERVAL	(30 * 86400)
#define CONFIG_MAX_SIZE		(16 * 1024 * 1024)	/* of a file */
#define CONFIG_SINK_DEPTH	3	/* unknown sections in unknown ones */
#define CONFIG_MAX_BRACES	16	/* unclosed ones reported */

/* Marks an unknown section and, as libconfuse passes a section's flags on
 * to those it holds, everything in it. libconfuse uses the low bits. */
#define CONFIG_SINKF		(1 << 28)
/* Marks a section whose opening was seen. */
#define CONFIG_OPENF		(1 << 29)

enum config_kind {
	KIND_ROOT,
	KIND_SOURCE,
	KIND_TOPIC,
	KIND_NONE		/* inside an unknown section */
};

static const char *const config_kind_names[] = { "root", "source", "topic" };

enum config_vtype {
	V_LINE,			/* one line of text, not empty */
	V_TEXT,			/* any text */
	V_PHRASE,		/* any text, not empty */
	V_PATH,
	V_URL,
	V_BASEURL,		/* a URL ours start with */
	V_LISTEN,
	V_DURATION,
	V_SIZE,
	V_INT,
	V_BOOL,
	V_TYPE,
	V_LANG,
	V_XPATH,
	V_DATEFMT,
	V_TOPICREF
};

struct config_key {
	const char		*name;
	enum config_vtype	 type;
	const char		*def;		/* NULL: none */
	int			 list;
	long long		 min;		/* V_INT, V_DURATION, V_SIZE */
	long long		 max;
};

#define KiB	1024LL
#define MiB	(1024LL * 1024)
#define GiB	(1024LL * 1024 * 1024)

/* Keep doc in config/pactfeed.conf in step with these. */
static const struct config_key config_root_keys[] = {
	{ "listen",		V_LISTEN,	"127.0.0.1:8080", 0, 0, 0 },
	{ "database",		V_PATH,	"/var/lib/pactfeed/pactfeed.db", 0, 0, 0 },
	{ "base-url",		V_BASEURL,		"http://127.0.0.1:8080/", 0, 0, 0 },
	{ "feed-title",		V_LINE,
	    "EU migration and asylum: merged news", 0, 0, 0 },
	{ "user-agent",		V_LINE,		NULL, 0, 0, 0 },
	{ "default-interval",	V_DURATION,	"30m", 0, 1, CONFIG_MAX_INTERVAL },
	{ "min-interval",	V_DURATION,	"5m", 0, 1, CONFIG_MAX_INTERVAL },
	{ "max-interval",	V_DURATION,	"1d", 0, 1, CONFIG_MAX_INTERVAL },
	{ "retention",		V_DURATION,	"0", 0, 0, INT_MAX },
	{ "max-body-size",	V_SIZE,		"10MiB", 0, 1 * KiB, 1 * GiB },
	{ "per-host-connections", V_INT,	"2", 0, 1, 64 },
	{ "max-transfers",	V_INT,		"16", 0, 1, 10000 },
	{ "host-spacing",	V_DURATION,	"1s", 0, 0, 3600 },
	{ "allow-private-addresses", V_BOOL,	"false", 0, 0, 0 },
	{ "connect-timeout",	V_DURATION,	"10s", 0, 1, 300 },
	{ "timeout",		V_DURATION,	"60s", 0, 1, 3600 },
	{ "low-speed-time",	V_DURATION,	"30s", 0, 0, 3600 },
	{ "low-speed-limit",	V_SIZE,		"100B", 0, 0, 1 * GiB },
	{ "max-redirects",	V_INT,		"5", 0, 0, 20 },
	{ "max-backoff",	V_DURATION,	"1d", 0, 1, CONFIG_MAX_INTERVAL },
	{ "http-max-connections", V_INT,	"256", 0, 1, 100000 },
	{ "http-timeout",	V_DURATION,	"30s", 0, 1, 3600 },
	{ "http-header-timeout", V_DURATION,	"10s", 0, 1, 3600 },
	{ "http-keepalive-timeout", V_DURATION,	"5s", 0, 1, 3600 },
	{ "http-max-header-size", V_SIZE,	"8KiB", 0, 1 * KiB, 1 * MiB },
	{ "http-max-body-size",	V_SIZE,		"64KiB", 0, 0, 64 * MiB },
	{ "http-cache-size",	V_SIZE,		"64MiB", 0, 0, 4 * GiB },
	{ NULL, 0, NULL, 0, 0, 0 }
};

static const struct config_key config_source_keys[] = {
	{ "title",		V_LINE,		NULL, 0, 0, 0 },
	{ "url",		V_URL,		NULL, 0, 0, 0 },
	{ "type",		V_TYPE,		"feed", 0, 0, 0 },
	{ "interval",		V_DURATION,	NULL, 0, 1, CONFIG_MAX_INTERVAL },
	{ "keep-if-topic",	V_BOOL,		"false", 0, 0, 0 },
	{ "lang",		V_LANG,		NULL, 0, 0, 0 },
	{ "enabled",		V_BOOL,		"true", 0, 0, 0 },
	{ "item",		V_XPATH,	NULL, 0, 0, 0 },
	{ "item-title",		V_XPATH,	NULL, 0, 0, 0 },
	{ "item-link",		V_XPATH,	NULL, 0, 0, 0 },
	{ "item-date",		V_XPATH,	NULL, 0, 0, 0 },
	{ "item-date-format",	V_DATEFMT,	NULL, 0, 0, 0 },
	{ "item-summary",	V_XPATH,	NULL, 0, 0, 0 },
	{ "topics",		V_TOPICREF,	NULL, 1, 0, 0 },
	{ NULL, 0, NULL, 0, 0, 0 }
};

static const struct config_key config_topic_keys[] = {
	{ "name",		V_LINE,		NULL, 0, 0, 0 },
	{ "scope",		V_TEXT,		NULL, 0, 0, 0 },
	{ "phrases",		V_PHRASE,	NULL, 1, 0, 0 },
	{ "vetoes",		V_PHRASE,	NULL, 1, 0, 0 },
	{ NULL, 0, NULL, 0, 0, 0 }
};

static const struct config_key *const config_keys[] = {
	config_root_keys, config_source_keys, config_topic_keys
};

/* Names that are valid but not in the tables above. */
static const char *const config_root_extra[] = { "source", "topic",
    "include", NULL };
static const char *const config_section_extra[] = { "include", NULL };

struct config_err {
	char		*file;
	int		 line;
	size_t		 seq;
	char		*msg;
};

enum config_sink_type {
	SINK_LIST,		/* key = value or key = { ... } */
	SINK_TSEC,		/* key "title" { ... } */
	SINK_SEC		/* key { ... } */
};

struct config_sink {
	enum config_kind	 kind;
	char			*name;
	enum config_sink_type	 type;
	int			 hinted;	/* hint is known */
	const char		*hint;		/* static, or NULL */
};

/* Where something was set: a key (key != NULL) or a section opened. */
struct config_mark {
	enum config_kind	 kind;
	size_t			 section;	/* serial, 0 for the root */
	char			*title;
	const char		*key;
	const char		*file;		/* one of the loader's files */
	int			 line;
};

struct config_marks {
	struct config_mark	*v;
	size_t			 n;
	size_t			 cap;
	size_t			*hash;		/* sections: index + 1, or 0 */
	size_t			 hashsize;	/* a power of 2, > 2 n */
};

struct config_loader {
	const char		*path;
	struct config_err	*errs;
	size_t			 nerrs;
	char			**files;	/* in the order first read */
	size_t			 nfiles;
	struct config_sink	*sinks;		/* survive the passes */
	size_t			 nsinks;
	struct config_marks	 marks[2];	/* keys, sections */
	char			*stack[CONFIG_MAX_DEPTH];
	int			 depth;
	int			 again;		/* a new sink: parse again */
	char			*cur[3];	/* open section of each kind */
	size_t			 section;	/* serial of the last opened */
	const cfg_t		*sink_cfg;	/* the last unknown key */
	const char		*sink_key;
	cfg_opt_t		**tables;	/* built for one pass */
	size_t			 ntables;
	const char		*buf;		/* config_load_buf(): the text */
	size_t			 buflen;	/* of the top file, and the */
	char			*bufreal;	/* real path of its name */
};

static struct config_loader *config_ld;

static int	 config_value_cb(cfg_t *, cfg_opt_t *, const char *, void *);
static int	 config_open_cb(cfg_t *, cfg_opt_t *, const char *, void *);
static int	 config_sink_value_cb(cfg_t *, cfg_opt_t *, const char *,
		    void *);
static int	 config_sink_open_root_cb(cfg_t *, cfg_opt_t *, const char *,
		    void *);
static int	 config_sink_open_source_cb(cfg_t *, cfg_opt_t *,
		    const char *, void *);
static int	 config_sink_open_topic_cb(cfg_t *, cfg_opt_t *, const char *,
		    void *);
static int	 config_sink_open_none_cb(cfg_t *, cfg_opt_t *, const char *,
		    void *);
static int	 config_include_cb(cfg_t *, cfg_opt_t *, int, const char **);
static struct config_sink *config_sink_find(enum config_kind, const char *);
static void	 config_unknown_key(cfg_t *, enum config_kind, const char *,
		    const char *);
static int	 config_parse_file(cfg_t *, const char *);

/* Errors. */

static size_t
config_file_index(const char *file)
{
	size_t	 i;

	if (file == NULL)
		return 0;
	for (i = 0; i < config_ld->nfiles; i++)
		if (strcmp(config_ld->files[i], file) == 0)
			return i;
	return config_ld->nfiles;
}

static void __attribute__((format(printf, 3, 0)))
config_verror(const char *file, int line, const char *fmt, va_list ap)
{
	struct config_loader	*ld = config_ld;
	struct config_err	*e;
	struct buf		 b = { 0 };
	char			*msg, *p;
	size_t			 i;
	unsigned char		 c;

	if (vasprintf(&p, fmt, ap) == -1)
		p = xstrdup("out of memory");
	/* One line of valid UTF-8, whatever the file held. */
	text_utf8_repair(&b, p, strlen(p));
	free(p);
	msg = xmalloc(b.len * 4 + 1);
	for (i = 0, p = msg; i < b.len; i++) {
		c = (unsigned char)b.s[i];
		if (c == '\n')
			p += sprintf(p, "\\n");
		else if (c < 0x20 || c == 0x7f)
			p += sprintf(p, "\\x%02x", c);
		else
			*p++ = c;
	}
	*p = '\0';
	buf_free(&b);
	ld->errs = xreallocarray(ld->errs, ld->nerrs + 1, sizeof(*ld->errs));
	e = &ld->errs[ld->nerrs];
	e->file = xstrdup(file != NULL ? file : ld->path);
	e->line = line;
	e->seq = ld->nerrs++;
	e->msg = msg;
}

static void __attribute__((format(printf, 3, 4)))
config_error(const char *file, int line, const char *fmt, ...)
{
	va_list	 ap;

	va_start(ap, fmt);
	config_verror(file, line, fmt, ap);
	va_end(ap);
}

static enum config_kind
config_kind_of(const cfg_t *cfg)
{
	int	 i;

	if (cfg->flags & CONFIG_SINKF)
		return KIND_NONE;
	for (i = 0; i < 3; i++)
		if (cfg->name != NULL &&
		    strcmp(cfg->name, config_kind_names[i]) == 0)
			return i;
	return KIND_NONE;
}

/* An error at the place libconfuse is reading, naming the section. */
static void __attribute__((format(printf, 2, 3)))
config_cfg_error(cfg_t *cfg, const char *fmt, ...)
{
	enum config_kind	 kind = config_kind_of(cfg);
	va_list			 ap;
	char			*msg;

	va_start(ap, fmt);
	if (vasprintf(&msg, fmt, ap) == -1)
		msg = NULL;
	va_end(ap);
	if (kind == KIND_SOURCE || kind == KIND_TOPIC)
		config_error(cfg->filename, cfg->line, "%s \"%s\": %s",
		    config_kind_names[kind],
		    cfg->title != NULL ? cfg->title : "",
		    msg != NULL ? msg : "out of memory");
	else
		config_error(cfg->filename, cfg->line, "%s",
		    msg != NULL ? msg : "out of memory");
	free(msg);
}

static int
config_err_cmp(const void *a, const void *b)
{
	const struct config_err	*x = a, *y = b;
	size_t			 fx, fy;

	fx = config_file_index(x->file);
	fy = config_file_index(y->file);
	if (fx != fy)
		return fx < fy ? -1 : 1;
	if (x->line != y->line)
		return x->line < y->line ? -1 : 1;
	return x->seq < y->seq ? -1 : x->seq > y->seq;
}

/* Every error, sorted by file (in reading order) and line, one a line. */
static char *
config_errors_join(void)
{
	struct config_loader	*ld = config_ld;
	struct buf		 b = { 0 };
	size_t			 i;

	qsort(ld->errs, ld->nerrs, sizeof(*ld->errs), config_err_cmp);
	buf_adds(&b, "");
	for (i = 0; i < ld->nerrs; i++) {
		if (i > 0 && ld->errs[i].line == ld->errs[i - 1].line &&
		    strcmp(ld->errs[i].file, ld->errs[i - 1].file) == 0 &&
		    strcmp(ld->errs[i].msg, ld->errs[i - 1].msg) == 0)
			continue;
		if (ld->errs[i].line > 0)
			buf_printf(&b, "%s:%d: %s\n", ld->errs[i].file,
			    ld->errs[i].line, ld->errs[i].msg);
		else
			buf_printf(&b, "%s: %s\n", ld->errs[i].file,
			    ld->errs[i].msg);
	}
	return buf_release(&b);
}

/* Suggestions. */

/* Keys compare ignoring case and taking "_" for "-". */
static int
config_fold(int c)
{
	c = tolower((unsigned char)c);
	return c == '_' ? '-' : c;
}

/* Edit distance counting a swap of neighbours as one edit. */
static size_t
config_distance(const char *a, const char *b)
{
	size_t	 la = strlen(a), lb = strlen(b), i, j, best, *d;
	size_t	 w = lb + 1, v;
	int	 ca, cb;

	if (la > 64 || lb > 64)
		return SIZE_MAX;
	d = xcalloc((la + 1) * w, sizeof(*d));
	for (i = 0; i <= la; i++)
		d[i * w] = i;
	for (j = 0; j <= lb; j++)
		d[j] = j;
	for (i = 1; i <= la; i++) {
		for (j = 1; j <= lb; j++) {
			ca = config_fold(a[i - 1]);
			cb = config_fold(b[j - 1]);
			best = d[(i - 1) * w + j] + 1;
			if ((v = d[i * w + j - 1] + 1) < best)
				best = v;
			if ((v = d[(i - 1) * w + j - 1] + (ca != cb)) < best)
				best = v;
			if (i > 1 && j > 1 && ca == config_fold(b[j - 2]) &&
			    config_fold(a[i - 2]) == cb &&
			    (v = d[(i - 2) * w + j - 2] + 1) < best)
				best = v;
			d[i * w + j] = best;
		}
	}
	v = d[la * w + lb];
	free(d);
	return v;
}

/* The candidate nearest to word if near enough, else NULL. */
static const char *
config_suggest(const char *word, const char *const *cands, size_t n)
{
	const char	*best = NULL;
	size_t		 i, d, bestd = SIZE_MAX, len = strlen(word), limit;

	limit = len <= 3 ? 1 : len <= 6 ? 2 : 3;
	for (i = 0; i < n; i++) {
		if (cands[i] == NULL || strncmp(cands[i], "__", 2) == 0)
			continue;
		/* The distance is at least the difference in length. */
		d = strlen(cands[i]);
		if ((d > len ? d - len : len - d) > limit)
			continue;
		d = config_distance(word, cands[i]);
		if (d <= limit && d < bestd) {
			best = cands[i];
			bestd = d;
		}
	}
	return best;
}

static const char *
config_suggest_key(enum config_kind kind, const char *word)
{
	const struct config_key	*k;
	const char *const	*extra;
	const char		*cands[64];
	size_t			 n = 0;

	for (k = config_keys[kind]; k->name != NULL && n < 60; k++)
		cands[n++] = k->name;
	extra = kind == KIND_ROOT ? config_root_extra : config_section_extra;
	for (; *extra != NULL && n < 64; extra++)
		cands[n++] = *extra;
	return config_suggest(word, cands, n);
}

/* Where a key misplaced in a section of kind belongs, if anywhere. */
static const char *
config_key_home(enum config_kind kind, const char *key)
{
	static const char *const homes[] = { "at the top level",
	    "in a source section", "in a topic section" };
	const struct config_key	*k;
	int			 i;

	for (i = 0; i < 3; i++) {
		if (i == (int)kind)
			continue;
		for (k = config_keys[i]; k->name != NULL; k++)
			if (strcmp(k->name, key) == 0)
				return homes[i];
	}
	return NULL;
}

/* Values. */

int
config_parse_duration(const char *s, int *secs)
{
	long long	 total = 0, n, unit;
	const char	*p = s;
	int		 parts = 0;

	while (*p == ' ' || *p == '\t')
		p++;
	if (*p == '\0')
		return -1;
	while (*p != '\0') {
		if (!isdigit((unsigned char)*p))
			return -1;
		for (n = 0; isdigit((unsigned char)*p); p++) {
			n = n * 10 + (*p - '0');
			if (n > INT_MAX)
				return -1;
		}
		switch (*p) {
		case '\0':
			if (parts > 0)
				return -1;	/* "1h30" */
			unit = 1;
			break;
		case 's':
			unit = 1;
			break;
		case 'm':
			unit = 60;
			break;
		case 'h':
			unit = 3600;
			break;
		case 'd':
			unit = 86400;
			break;
		case 'w':
			unit = 7 * 86400;
			break;
		default:
			return -1;
		}
		if (*p != '\0')
			p++;
		total += n * unit;
		if (total > INT_MAX)
			return -1;
		parts++;
		while (*p == ' ' || *p == '\t')
			p++;
	}
	*secs = (int)total;
	return 0;
}

int
config_parse_size(const char *s, size_t *bytes)
{
	static const struct {
		const char	*name;
		long long	 mult;
	} units[] = {
		{ "", 1 }, { "b", 1 },
		{ "k", 1000 }, { "kb", 1000 }, { "mb", 1000 * 1000 },
		{ "gb", 1000 * 1000 * 1000 },
		{ "kib", KiB }, { "mib", MiB }, { "gib", GiB },
	};
	long long	 n = 0;
	const char	*p = s;
	size_t		 i;

	while (*p == ' ' || *p == '\t')
		p++;
	if (!isdigit((unsigned char)*p))
		return -1;
	for (; isdigit((unsigned char)*p); p++) {
		n = n * 10 + (*p - '0');
		if (n > (long long)1 << 50)
			return -1;
	}
	while (*p == ' ' || *p == '\t')
		p++;
	for (i = 0; i < sizeof(units) / sizeof(units[0]); i++) {
		if (strcasecmp(p, units[i].name) != 0)
			continue;
		if (n > LLONG_MAX / units[i].mult ||
		    (unsigned long long)n * units[i].mult > SIZE_MAX)
			return -1;
		*bytes = (size_t)(n * units[i].mult);
		return 0;
	}
	return -1;
}

int
config_parse_bool(const char *s, bool *b)
{
	if (strcasecmp(s, "true") == 0 || strcasecmp(s, "yes") == 0 ||
	    strcasecmp(s, "on") == 0)
		*b = true;
	else if (strcasecmp(s, "false") == 0 || strcasecmp(s, "no") == 0 ||
	    strcasecmp(s, "off") == 0)
		*b = false;
	else
		return -1;
	return 0;
}

static int
config_parse_int(const char *s, long long min, long long max, long long *v)
{
	char		*end;
	long long	 n;

	if (!isdigit((unsigned char)*s) && *s != '-')
		return -1;
	errno = 0;
	n = strtoll(s, &end, 10);
	if (errno != 0 || *end != '\0' || n < min || n > max)
		return -1;
	*v = n;
	return 0;
}

/* A duration written back, for messages: 90 -> "90s", 3600 -> "1h". */
static void
config_format_duration(int secs, char *buf, size_t len)
{
	if (secs != 0 && secs % 86400 == 0)
		snprintf(buf, len, "%dd", secs / 86400);
	else if (secs != 0 && secs % 3600 == 0)
		snprintf(buf, len, "%dh", secs / 3600);
	else if (secs != 0 && secs % 60 == 0)
		snprintf(buf, len, "%dm", secs / 60);
	else
		snprintf(buf, len, "%ds", secs);
}

static bool
config_has_control(const char *s)
{
	for (; *s != '\0'; s++)
		if ((unsigned char)*s < 0x20 || *s == 0x7f)
			return true;
	return false;
}

/* Checks for an absolute http or https URL with a host; base says it is
 * the base of our own URLs. NULL if fine, else what is wrong. */
static const char *
config_url_problem(const char *s, bool base)
{
	xmlURIPtr	 uri;
	const char	*p, *problem = NULL;

	for (p = s; *p != '\0'; p++) {
		if ((unsigned char)*p <= 0x20 || *p == 0x7f)
			return "has spaces or control characters "
			    "(percent-encode them)";
		if ((unsigned char)*p >= 0x80)
			return "has non-ASCII characters (percent-encode "
			    "them, write hosts in punycode)";
	}
	if ((uri = xmlParseURI(s)) == NULL)
		return "is not a valid URL";
	if (uri->scheme == NULL || (strcasecmp(uri->scheme, "http") != 0 &&
	    strcasecmp(uri->scheme, "https") != 0))
		problem = "is not an http or https URL";
	else if (uri->server == NULL || uri->server[0] == '\0')
		problem = "has no host";
	else if (base && (uri->query != NULL || uri->query_raw != NULL ||
	    uri->fragment != NULL))
		problem = "must not have a query or fragment";
	xmlFreeURI(uri);
	return problem;
}

/* host:port, the host a name, an IPv4 address or an [IPv6] one. */
static bool
config_listen_ok(const char *s)
{
	const char	*colon, *p;
	long long	 port;

	if (s[0] == '[') {
		if ((p = strchr(s, ']')) == NULL || p == s + 1 || p[1] != ':')
			return false;
		for (s++; s < p; s++)
			if (!isxdigit((unsigned char)*s) && *s != ':' &&
			    *s != '.')
				return false;
		colon = p + 1;
	} else {
		if ((colon = strrchr(s, ':')) == NULL || colon == s)
			return false;
		for (p = s; p < colon; p++)
			if (!isalnum((unsigned char)*p) && *p != '.' &&
			    *p != '-')
				return false;
	}
	return config_parse_int(colon + 1, 1, 65535, &port) == 0;
}

/* A language tag as feeds write it: "en", "de", "pt-BR", "sr-Latn". */
static bool
config_lang_ok(const char *s)
{
	size_t	 n = 0;

	for (; isalpha((unsigned char)*s); s++)
		n++;
	if (n < 2 || n > 3)
		return false;
	while (*s == '-') {
		for (n = 0, s++; isalnum((unsigned char)*s); s++)
			n++;
		if (n < 1 || n > 8)
			return false;
	}
	return *s == '\0';
}

/* Section ids go into URLs and logs: keep them plain. */
static bool
config_id_ok(const char *s)
{
	size_t	 n = 0;

	for (; *s != '\0'; s++, n++)
		if (!isalnum((unsigned char)*s) && *s != '-' && *s != '_' &&
		    *s != '.')
			return false;
	return n > 0 && n <= 64;
}

/* Keeps the message of libxml2's first error. */
#if LIBXML_VERSION >= 21200
static void
config_xpath_error_cb(void *arg, const xmlError *e)
#else
static void
config_xpath_error_cb(void *arg, xmlErrorPtr e)
#endif
{
	char	*msg = arg;
	size_t	 len;

	if (msg[0] != '\0' || e == NULL || e->message == NULL)
		return;
	len = strlen(e->message);
	while (len > 0 && isspace((unsigned char)e->message[len - 1]))
		len--;
	snprintf(msg, 128, "%.*s", (int)len, e->message);
}

/* Compiles an XPath expression, libxml2's complaint caught, not printed. */
static int
config_xpath_check(const char *expr, char *err, size_t errlen)
{
	xmlStructuredErrorFunc	 oldfn = xmlStructuredError;
	void			*oldctx = xmlStructuredErrorContext;
	xmlXPathCompExprPtr	 comp;
	char			 msg[128] = "";

	xmlSetStructuredErrorFunc(msg, config_xpath_error_cb);
	comp = xmlXPathCompile((const xmlChar *)expr);
	xmlSetStructuredErrorFunc(oldctx, oldfn);
	if (comp == NULL) {
		snprintf(err, errlen, "%s", msg[0] != '\0' ? msg :
		    "invalid expression");
		return -1;
	}
	xmlXPathFreeCompExpr(comp);
	return 0;
}

static const struct config_key *
config_key_find(enum config_kind kind, const char *name)
{
	const struct config_key	*k;

	if (kind == KIND_NONE)
		return NULL;
	for (k = config_keys[kind]; k->name != NULL; k++)
		if (strcmp(k->name, name) == 0)
			return k;
	return NULL;
}

/* Checks one value of key k, reporting at the place being read. */
static void
config_value_check(cfg_t *cfg, const struct config_key *k, const char *v)
{
	char		 err[256], lo[32], hi[32];
	const char	*problem;
	long long	 n;
	size_t		 size;
	bool		 b;
	int		 secs;

	if (text_utf8_valid_len(v, strlen(v)) != strlen(v)) {
		config_cfg_error(cfg, "%s: not valid UTF-8", k->name);
		return;
	}
	switch (k->type) {
	case V_TEXT:
		break;
	case V_LINE:
	case V_PATH:
	case V_PHRASE:
		if (text_is_blank(v))
			config_cfg_error(cfg, "%s: empty", k->name);
		else if (k->type != V_PHRASE && config_has_control(v))
			config_cfg_error(cfg, "%s: control characters in \"%s\"",
			    k->name, v);
		break;
	case V_URL:
	case V_BASEURL:
		if ((problem = config_url_problem(v, k->type == V_BASEURL)) !=
		    NULL)
			config_cfg_error(cfg, "%s: \"%s\" %s", k->name, v,
			    problem);
		break;
	case V_LISTEN:
		if (!config_listen_ok(v))
			config_cfg_error(cfg, "%s: bad address \"%s\" "
			    "(expected HOST:PORT, e.g. \"127.0.0.1:8080\")",
			    k->name, v);
		break;
	case V_DURATION:
		if (config_parse_duration(v, &secs) == -1)
			config_cfg_error(cfg, "%s: bad duration \"%s\" "
			    "(expected e.g. \"90s\", \"30m\", \"6h\", \"2d\")",
			    k->name, v);
		else if (secs < k->min || secs > k->max) {
			config_format_duration((int)k->min, lo, sizeof(lo));
			config_format_duration((int)k->max, hi, sizeof(hi));
			config_cfg_error(cfg, "%s: \"%s\" is out of range "
			    "(%s to %s)", k->name, v, lo, hi);
		}
		break;
	case V_SIZE:
		if (config_parse_size(v, &size) == -1)
			config_cfg_error(cfg, "%s: bad size \"%s\" "
			    "(expected e.g. \"512KiB\", \"10MiB\", \"1GB\")",
			    k->name, v);
		else if ((long long)size < k->min || (long long)size > k->max)
			config_cfg_error(cfg, "%s: \"%s\" is out of range "
			    "(%lld to %lld bytes)", k->name, v, k->min,
			    k->max);
		break;
	case V_INT:
		if (config_parse_int(v, k->min, k->max, &n) == -1)
			config_cfg_error(cfg, "%s: \"%s\" is not a whole "
			    "number from %lld to %lld", k->name, v, k->min,
			    k->max);
		break;
	case V_BOOL:
		if (config_parse_bool(v, &b) == -1)
			config_cfg_error(cfg, "%s: bad boolean \"%s\" "
			    "(expected true or false)", k->name, v);
		break;
	case V_TYPE:
		if (strcmp(v, "feed") != 0 && strcmp(v, "html") != 0)
			config_cfg_error(cfg, "%s: unknown type \"%s\" "
			    "(expected \"feed\" or \"html\")", k->name, v);
		break;
	case V_LANG:
		if (!config_lang_ok(v))
			config_cfg_error(cfg, "%s: bad language tag \"%s\" "
			    "(expected e.g. \"en\", \"de\", \"pt-BR\")",
			    k->name, v);
		break;
	case V_XPATH:
		if (text_is_blank(v))
			config_cfg_error(cfg, "%s: empty", k->name);
		else if (config_xpath_check(v, err, sizeof(err)) == -1)
			config_cfg_error(cfg, "%s: XPath \"%s\" does not "
			    "compile: %s", k->name, v, err);
		break;
	case V_DATEFMT:
		if (strchr(v, '%') == NULL)
			config_cfg_error(cfg, "%s: \"%s\" is not a strptime "
			    "format (no %% conversion)", k->name, v);
		break;
	case V_TOPICREF:
		if (!config_id_ok(v))
			config_cfg_error(cfg, "%s: bad topic id \"%s\"",
			    k->name, v);
		break;
	}
}

/* Marks. */

/* A file name read so far, kept for the marks to point to. */
static const char *
config_file_name(const char *file)
{
	struct config_loader	*ld = config_ld;
	size_t			 i;

	if (file == NULL)
		return ld->path;
	if ((i = config_file_index(file)) < ld->nfiles)
		return ld->files[i];
	ld->files = xreallocarray(ld->files, ld->nfiles + 1,
	    sizeof(*ld->files));
	return ld->files[ld->nfiles++] = xstrdup(file);
}

static void	config_mark_hash(struct config_marks *, size_t);

static void
config_mark_add(enum config_kind kind, const char *title, const char *key,
    const char *file, int line)
{
	struct config_marks	*ms = &config_ld->marks[key == NULL];
	struct config_mark	*m;

	if (ms->n == ms->cap) {
		ms->cap = ms->cap == 0 ? 64 : ms->cap * 2;
		ms->v = xreallocarray(ms->v, ms->cap, sizeof(*ms->v));
	}
	m = &ms->v[ms->n++];
	m->kind = kind;
	m->section = kind == KIND_ROOT ? 0 : config_ld->section;
	m->title = title != NULL ? xstrdup(title) : NULL;
	m->key = key;
	m->file = config_file_name(file);
	m->line = line;
	if (key == NULL)
		config_mark_hash(ms, ms->n - 1);
}

static size_t
config_mark_hashval(enum config_kind kind, const char *title)
{
	size_t	 h = 2166136261u + kind;

	for (; title != NULL && *title != '\0'; title++)
		h = (h ^ (unsigned char)*title) * 16777619u;
	return h;
}

/* Files section i under its kind and title; sections are looked up for
 * every section read, so thousands of sources stay linear. */
static void
config_mark_hash(struct config_marks *ms, size_t i)
{
	size_t	 h, j;

	if (2 * ms->n >= ms->hashsize) {
		free(ms->hash);
		ms->hashsize = ms->hashsize == 0 ? 256 : ms->hashsize * 2;
		ms->hash = xcalloc(ms->hashsize, sizeof(*ms->hash));
		for (j = 0; j < ms->n; j++)
			config_mark_hash(ms, j);
		return;
	}
	h = config_mark_hashval(ms->v[i].kind, ms->v[i].title);
	for (j = h & (ms->hashsize - 1); ms->hash[j] != 0;
	    j = (j + 1) & (ms->hashsize - 1))
		;
	ms->hash[j] = i + 1;
}

static bool
config_mark_is(const struct config_mark *m, enum config_kind kind,
    const char *title)
{
	if (m->kind != kind || (m->title == NULL) != (title == NULL))
		return false;
	return title == NULL || strcmp(m->title, title) == 0;
}

/* The first mark of key (NULL: the section's opening) in a section. */
static const struct config_mark *
config_mark_find(enum config_kind kind, const char *title, const char *key)
{
	struct config_marks	*ms = &config_ld->marks[key == NULL];
	size_t			 i, j;

	if (key == NULL) {
		if (ms->hashsize == 0)
			return NULL;
		j = config_mark_hashval(kind, title) & (ms->hashsize - 1);
		for (; ms->hash[j] != 0; j = (j + 1) & (ms->hashsize - 1))
			if (config_mark_is(&ms->v[ms->hash[j] - 1], kind,
			    title))
				return &ms->v[ms->hash[j] - 1];
		return NULL;
	}
	for (i = 0; i < ms->n; i++)
		if (config_mark_is(&ms->v[i], kind, title) &&
		    (key == NULL || strcmp(ms->v[i].key, key) == 0))
			return &ms->v[i];
	return NULL;
}

/* The mark of key in the section being read, if set before. A section's
 * keys are marked one after another, the root's between them. */
static const struct config_mark *
config_mark_last(enum config_kind kind, const char *key)
{
	struct config_marks	*ms = &config_ld->marks[0];
	struct config_mark	*m;
	size_t			 i, section;

	section = kind == KIND_ROOT ? 0 : config_ld->section;
	for (i = ms->n; i > 0; i--) {
		m = &ms->v[i - 1];
		if (m->section != section) {
			if (kind == KIND_ROOT)
				continue;
			break;
		}
		if (strcmp(m->key, key) == 0)
			return m;
	}
	return NULL;
}

/* libconfuse callbacks. */

static int
config_value_cb(cfg_t *cfg, cfg_opt_t *opt, const char *value, void *result)
{
	enum config_kind	 kind = config_kind_of(cfg);
	const struct config_key	*k;
	const struct config_mark *m;

	*(const char **)result = value;
	config_ld->sink_cfg = NULL;
	if (value == NULL)
		return 0;
	if ((k = config_key_find(kind, opt->name)) == NULL) {
		/* "source|url = x" reaches into another section. */
		config_cfg_error(cfg, "unknown key \"%s\"", opt->name);
		return 0;
	}
	if (!k->list && opt->nvalues > 1) {
		if (opt->nvalues == 2)
			config_cfg_error(cfg, "%s: takes one value, not a list",
			    k->name);
		return 0;
	}
	if (!k->list && opt->nvalues == 1 &&
	    (m = config_mark_last(kind, k->name)) != NULL)
		config_cfg_error(cfg, "%s: set twice (first at %s:%d)",
		    k->name, m->file, m->line);
	config_mark_add(kind, cfg->title, k->name, cfg->filename, cfg->line);
	config_value_check(cfg, k, value);
	return 0;
}

/* The default of a hidden list option of each section: libconfuse sets
 * it, and so calls this, as the section opens, when it knows the title,
 * file and line of the opening. Nothing else says where a section is. */
static int
config_open_cb(cfg_t *cfg, cfg_opt_t *opt, const char *value, void *result)
{
	struct config_loader		*ld = config_ld;
	enum config_kind		 kind = config_kind_of(cfg);
	const struct config_mark	*m;
	const char			*title = cfg->title;

	(void)opt;
	*(const char **)result = value;
	ld->sink_cfg = NULL;
	if (kind != KIND_SOURCE && kind != KIND_TOPIC)
		return 0;
	if (cfg->flags & CONFIG_OPENF) {	/* the file says "__open" */
		config_unknown_key(cfg, kind, cfg->title, "__open");
		return 0;
	}
	cfg->flags |= CONFIG_OPENF;
	ld->section++;
	if (title == NULL)
		title = "";
	free(ld->cur[kind]);
	ld->cur[kind] = xstrdup(title);
	if (!config_id_ok(title))
		config_error(cfg->filename, cfg->line, "%s \"%s\": bad id "
		    "(letters, digits, \".\", \"-\" and \"_\", at most 64)",
		    config_kind_names[kind], title);
	if ((m = config_mark_find(kind, title, NULL)) != NULL)
		config_error(cfg->filename, cfg->line,
		    "duplicate %s \"%s\" (first defined at %s:%d)",
		    config_kind_names[kind], title, m->file, m->line);
	else
		config_mark_add(kind, title, NULL, cfg->filename, cfg->line);
	return 0;
}

static void
config_unknown_key(cfg_t *cfg, enum config_kind kind, const char *title,
    const char *key)
{
	struct config_sink	*sink;
	const char		*hint, *where;
	char			 prefix[128] = "";

	if (kind == KIND_SOURCE || kind == KIND_TOPIC)
		snprintf(prefix, sizeof(prefix), "%s \"%s\": ",
		    config_kind_names[kind], title != NULL ? title : "");
	/* A sink's key is reported again on every later pass: its hint, an
	 * edit distance to each known key, is worked out once. */
	if ((sink = config_sink_find(kind, key)) == NULL)
		hint = config_suggest_key(kind, key);
	else if (sink->hinted)
		hint = sink->hint;
	else {
		hint = sink->hint = config_suggest_key(kind, key);
		sink->hinted = 1;
	}
	if (hint != NULL)
		config_error(cfg->filename, cfg->line,
		    "%sunknown key \"%s\"; did you mean \"%s\"?", prefix, key,
		    hint);
	else if ((where = config_key_home(kind, key)) != NULL)
		config_error(cfg->filename, cfg->line,
		    "%sunknown key \"%s\"; it belongs %s", prefix, key, where);
	else
		config_error(cfg->filename, cfg->line, "%sunknown key \"%s\"",
		    prefix, key);
}

/* A value of an unknown key. Reported once per assignment, not once per
 * list element. */
static int
config_sink_value_cb(cfg_t *cfg, cfg_opt_t *opt, const char *value,
    void *result)
{
	struct config_loader	*ld = config_ld;
	enum config_kind	 kind = config_kind_of(cfg);

	*(const char **)result = value;
	if (kind == KIND_NONE)
		return 0;
	if (ld->sink_cfg == cfg && ld->sink_key != NULL &&
	    strcmp(ld->sink_key, opt->name) == 0)
		return 0;
	ld->sink_cfg = cfg;
	ld->sink_key = opt->name;
	config_unknown_key(cfg, kind, cfg->title, opt->name);
	return 0;
}

/* An unknown section opens: report it, unless it is inside another, and
 * mark it so that all it holds is taken for unknown too. */
static void
config_sink_open(cfg_t *cfg, enum config_kind kind)
{
	struct config_loader	*ld = config_ld;

	ld->sink_cfg = NULL;
	if (cfg->flags & CONFIG_SINKF)	/* nested, or "__open" in it */
		return;
	cfg->flags |= CONFIG_SINKF;
	if (kind != KIND_NONE)
		config_unknown_key(cfg, kind,
		    kind == KIND_ROOT ? NULL : ld->cur[kind], cfg->name);
}

static int
config_sink_open_root_cb(cfg_t *cfg, cfg_opt_t *opt, const char *value,
    void *result)
{
	(void)opt;
	*(const char **)result = value;
	config_sink_open(cfg, KIND_ROOT);
	return 0;
}

static int
config_sink_open_source_cb(cfg_t *cfg, cfg_opt_t *opt, const char *value,
    void *result)
{
	(void)opt;
	*(const char **)result = value;
	config_sink_open(cfg, KIND_SOURCE);
	return 0;
}

static int
config_sink_open_topic_cb(cfg_t *cfg, cfg_opt_t *opt, const char *value,
    void *result)
{
	(void)opt;
	*(const char **)result = value;
	config_sink_open(cfg, KIND_TOPIC);
	return 0;
}

static int
config_sink_open_none_cb(cfg_t *cfg, cfg_opt_t *opt, const char *value,
    void *result)
{
	(void)opt;
	*(const char **)result = value;
	config_sink_open(cfg, KIND_NONE);
	return 0;
}

static struct config_sink *
config_sink_find(enum config_kind kind, const char *name)
{
	size_t	 i;

	for (i = 0; i < config_ld->nsinks; i++)
		if (config_ld->sinks[i].kind == kind &&
		    strcmp(config_ld->sinks[i].name, name) == 0)
			return &config_ld->sinks[i];
	return NULL;
}

/*
 * libconfuse's error function. Its complaints about unknown keys turn
 * into sinks and another pass; a sink used as a section is retried as
 * one. The rest are syntax errors, recorded as they are.
 */
static void __attribute__((format(printf, 2, 0)))
config_error_cb(cfg_t *cfg, const char *fmt, va_list ap)
{
	struct config_loader	*ld = config_ld;
	enum config_kind	 kind = config_kind_of(cfg);
	struct config_sink	*sink;
	const char		*name;
	va_list			 aq;
	char			*msg;

	if ((strcmp(fmt, "no such option '%s'") == 0 ||
	    strcmp(fmt, "missing equal sign after option '%s'") == 0 ||
	    strcmp(fmt, "missing title for section '%s'") == 0)) {
		va_copy(aq, ap);
		name = va_arg(aq, const char *);
		va_end(aq);
		sink = config_sink_find(kind, name);
		if (fmt[0] == 'n' && sink == NULL &&
		    strpbrk(name, "|=") == NULL) {
			ld->sinks = xreallocarray(ld->sinks, ld->nsinks + 1,
			    sizeof(*ld->sinks));
			sink = &ld->sinks[ld->nsinks++];
			sink->kind = kind;
			sink->name = xstrdup(name);
			sink->type = SINK_LIST;
			sink->hinted = 0;
			sink->hint = NULL;
			ld->again = 1;
			return;
		}
		if (sink != NULL && sink->type == SINK_LIST &&
		    strstr(fmt, "equal sign") != NULL) {
			sink->type = SINK_TSEC;
			ld->again = 1;
			return;
		}
		if (sink != NULL && sink->type == SINK_TSEC &&
		    strstr(fmt, "missing title") != NULL) {
			sink->type = SINK_SEC;
			ld->again = 1;
			return;
		}
	}
	if (vasprintf(&msg, fmt, ap) == -1)
		msg = NULL;
	config_error(cfg->filename, cfg->line, "%s",
	    msg != NULL ? msg : "syntax error");
	free(msg);
}

/* include("file"), relative to the directory of the including file. */
static int
config_include_cb(cfg_t *cfg, cfg_opt_t *opt, int argc, const char **argv)
{
	const char	*slash;
	char		*path;
	int		 rc;

	(void)opt;
	config_ld->sink_cfg = NULL;
	if (argc != 1 || argv[0] == NULL || argv[0][0] == '\0') {
		config_error(cfg->filename, cfg->line,
		    "include takes one file name");
		return 0;
	}
	slash = cfg->filename != NULL ? strrchr(cfg->filename, '/') : NULL;
	if (argv[0][0] == '/' || slash == NULL)
		path = xstrdup(argv[0]);
	else
		path = xasprintf("%.*s/%s", (int)(slash - cfg->filename),
		    cfg->filename, argv[0]);
	rc = config_parse_file(cfg, path);
	free(path);
	/* After a syntax error the lexer is in no state to go on. */
	return rc == -1 ? 1 : 0;
}

/* Where the braces still open at the end of a file were opened. */
struct config_braces {
	size_t	 depth;
	int	 line[CONFIG_MAX_BRACES];
	int	 unterminated;	/* line of a string never closed */
	size_t	 parens;	/* "(" still open at the end */
	int	 paren_line;	/* where the first of them was */
	int	 call_error;	/* line of a call's arguments that are not
				   values between commas */
};

/* Within a function call's parentheses: what may come next. */
enum config_call {
	CALL_VALUE_OR_END,	/* just after "(" */
	CALL_COMMA_OR_END,	/* after a value */
	CALL_VALUE,		/* after a comma */
};

/* Notes a token of a call's arguments ('v' for a value); libconfuse
 * 3.3 leaks the arguments of a call it finds a syntax error in. */
static void
config_call_token(struct config_braces *br, enum config_call *st, int tok,
    int line)
{
	bool	ok;

	switch (tok) {
	case 'v':
		ok = *st != CALL_COMMA_OR_END;
		*st = CALL_COMMA_OR_END;
		break;
	case ',':
		ok = *st == CALL_COMMA_OR_END;
		*st = CALL_VALUE;
		break;
	case ')':
		ok = *st != CALL_VALUE;
		break;
	default:
		ok = false;
		break;
	}
	if (!ok && br->call_error == 0)
		br->call_error = line;
}

/*
 * Blanks out the comments of a file, newlines kept: libconfuse 3.3 counts
 * three lines for each "#" comment and rejects comments inside lists, but
 * counts right without them. Follows libconfuse's lexer: "#" anywhere,
 * and "//" or slash-star where a word starts, open a comment, except
 * inside quotes, where a backslash escapes the next character. Notes too
 * the braces left open, as libconfuse takes the end of a file for a
 * closing brace, a string left open, and a "(" left open or a call's
 * arguments that are not values between commas (libconfuse 3.3 leaks
 * the arguments of a function cut short by the end of the file, as in a
 * half-written include() on reload, or by a syntax error).
 */
static void
config_strip_comments(char *s, size_t len, struct config_braces *br)
{
	size_t	 i = 0;
	char	 q;
	int	 inword = 0, line = 1, start;
	enum config_call call = CALL_VALUE_OR_END;

	br->depth = 0;
	br->unterminated = 0;
	br->parens = 0;
	br->paren_line = 0;
	br->call_error = 0;
	while (i < len) {
		if (s[i] == '"' || s[i] == '\'') {
			if (br->parens > 0)
				config_call_token(br, &call, 'v', line);
			start = line;
			for (q = s[i++]; i < len && s[i] != q; i++) {
				if (s[i] == '\\' && i + 1 < len)
					i++;
				if (s[i] == '\n')
					line++;
			}
			if (i >= len)
				br->unterminated = start;
			i++;
			inword = 0;
		} else if (s[i] == '#' || (!inword && s[i] == '/' &&
		    i + 1 < len && s[i + 1] == '/')) {
			for (; i < len && s[i] != '\n'; i++)
				s[i] = ' ';
			inword = 0;
		} else if (!inword && s[i] == '/' && i + 1 < len &&
		    s[i + 1] == '*') {
			for (; i < len; i++) {
				if (s[i] == '*' && i + 1 < len &&
				    s[i + 1] == '/') {
					s[i++] = ' ';
					s[i++] = ' ';
					break;
				}
				if (s[i] == '\n')
					line++;
				else
					s[i] = ' ';
			}
			inword = 0;
		} else {
			if (s[i] == '\n')
				line++;
			else if (s[i] == '{') {
				if (br->depth < CONFIG_MAX_BRACES)
					br->line[br->depth] = line;
				br->depth++;
			} else if (s[i] == '}' && br->depth > 0)
				br->depth--;
			if (br->parens > 0 && strchr(" \t\r\n", s[i]) ==
			    NULL) {
				int tok = strchr("={}()+,", s[i]) != NULL ?
				    s[i] : 'v';

				if (tok != 'v' || !inword)	/* a word once */
					config_call_token(br, &call, tok,
					    line);
			}
			if (s[i] == '(' && br->parens++ == 0) {
				br->paren_line = line;
				call = CALL_VALUE_OR_END;
			} else if (s[i] == ')' && br->parens > 0)
				br->parens--;
			inword = strchr(" \t\n\r={}()+,*", s[i]) == NULL;
			i++;
		}
	}
}

/* The whole file, comments blanked out, or NULL and errno set. */
static char *
config_read(const char *path, size_t *lenp, struct config_braces *br)
{
	struct buf	 b = { 0 };
	char		 chunk[8192];
	FILE		*fp;
	size_t		 n;

	if ((fp = fopen(path, "r")) == NULL)
		return NULL;
	buf_add(&b, "", 0);
	while ((n = fread(chunk, 1, sizeof(chunk), fp)) > 0) {
		if (b.len + n > CONFIG_MAX_SIZE) {
			fclose(fp);
			buf_free(&b);
			errno = EFBIG;
			return NULL;
		}
		buf_add(&b, chunk, n);
	}
	if (ferror(fp)) {
		fclose(fp);
		buf_free(&b);
		errno = EIO;
		return NULL;
	}
	fclose(fp);
	config_strip_comments(b.s, b.len, br);
	*lenp = b.len;
	return buf_release(&b);
}

/*
 * Parses path into cfg as if its text stood where we are. Returns 0, 1
 * when the file could not be read (reported, the parse may go on) or -1
 * on a syntax error.
 */
static int
config_parse_file(cfg_t *cfg, const char *path)
{
	struct config_loader	*ld = config_ld;
	struct config_braces	 br;
	struct stat		 st;
	FILE			*fp;
	char			*real, *text, *savefile, *nul;
	int			 saveline = cfg->line, rc, i, line;
	size_t			 len, j;

	savefile = cfg->filename;
	if (ld->depth >= CONFIG_MAX_DEPTH) {
		config_error(savefile, saveline,
		    "include \"%s\": nested too deeply", path);
		return 1;
	}
	real = NULL;
	text = NULL;
	if (savefile == NULL && ld->buf != NULL) {
		/* config_load_buf(): the top file's text is in memory. */
		if (ld->buflen > CONFIG_MAX_SIZE) {
			config_error(path, 0, "%s", strerror(EFBIG));
			return 1;
		}
		st.st_mode = S_IFREG;
		real = xstrdup(ld->bufreal);
		text = xmalloc(ld->buflen + 1);
		memcpy(text, ld->buf, ld->buflen);
		text[ld->buflen] = '\0';
		len = ld->buflen;
		config_strip_comments(text, len, &br);
	} else if (stat(path, &st) == -1 ||
	    (real = realpath(path, NULL)) == NULL ||
	    (S_ISREG(st.st_mode) &&
	    (text = config_read(path, &len, &br)) == NULL)) {
		if (savefile == NULL)
			config_error(path, 0, "%s", strerror(errno));
		else
			config_error(savefile, saveline,
			    "include \"%s\": %s", path, strerror(errno));
		free(real);
		return 1;
	}
	if (!S_ISREG(st.st_mode)) {
		if (savefile == NULL)
			config_error(path, 0, "not a regular file");
		else
			config_error(savefile, saveline,
			    "include \"%s\": not a regular file", path);
		free(real);
		return 1;
	}
	for (i = 0; i < ld->depth; i++) {
		if (strcmp(ld->stack[i], real) == 0) {
			config_error(savefile, saveline,
			    "include \"%s\": includes itself", path);
			free(real);
			free(text);
			return 1;
		}
	}
	config_file_name(path);		/* errors sort in reading order */
	/* libconfuse's lexer takes a NUL for the end, silently. */
	if ((nul = memchr(text, '\0', len)) != NULL) {
		for (j = 0, line = 1; text + j < nul; j++)
			if (text[j] == '\n')
				line++;
		config_error(path, line, "NUL byte in the file");
		free(real);
		free(text);
		return -1;
	}
	/* libconfuse's lexer would echo a final backslash to stdout. */
	if (br.unterminated > 0) {
		config_error(path, br.unterminated, "string never closed");
		free(real);
		free(text);
		return -1;
	}
	if (br.parens > 0 || br.call_error > 0) {
		if (br.call_error > 0)
			config_error(path, br.call_error, "syntax error in "
			    "the arguments of a function call");
		else
			config_error(path, br.paren_line,
			    "\"(\" is never closed");
		free(real);
		free(text);
		return -1;
	}
	/* An empty file: fmemopen() may refuse a size of 0. */
	if (len == 0 || (fp = fmemopen(text, len, "r")) == NULL) {
		if (len != 0)
			config_error(path, 0, "%s", strerror(errno));
		free(real);
		free(text);
		return len == 0 ? 0 : 1;
	}
	ld->stack[ld->depth++] = real;
	cfg->filename = xstrdup(path);	/* what cfg_parse() would do */
	rc = cfg_parse_fp(cfg, fp);
	fclose(fp);
	for (j = 0; rc == CFG_SUCCESS && j < br.depth &&
	    j < CONFIG_MAX_BRACES; j++)
		config_error(path, br.line[j], "\"{\" is never closed");
	free(text);
	free(ld->stack[--ld->depth]);
	if (savefile != NULL) {
		free(cfg->filename);
		cfg->filename = savefile;
		cfg->line = saveline;
	}
	return rc == CFG_SUCCESS ? 0 : -1;
}

/* Option tables. */

/* Every key is a list to libconfuse, so that "url = {"a", "b"}" is our
 * error and not a syntax error that ends the parse. Defaults are ours. */
static cfg_opt_t
config_opt_key(const struct config_key *k)
{
	cfg_opt_t	 o = CFG_STR_LIST_CB(k->name, NULL, CFGF_NONE,
			    config_value_cb);

	return o;
}

static cfg_opt_t *
config_table_new(size_t n)
{
	struct config_loader	*ld = config_ld;

	ld->tables = xreallocarray(ld->tables, ld->ntables + 1,
	    sizeof(*ld->tables));
	return ld->tables[ld->ntables++] = xcalloc(n, sizeof(cfg_opt_t));
}

static cfg_opt_t	*config_sink_opts_new(enum config_kind, int);

/* Appends the sinks of kind to opts; unknown sections hold depth more. */
static size_t
config_sinks_add(cfg_opt_t *opts, size_t n, enum config_kind kind,
    int depth)
{
	struct config_sink	*sink;
	cfg_opt_t		*sub;
	size_t			 i;

	for (i = 0; i < config_ld->nsinks; i++) {
		sink = &config_ld->sinks[i];
		if (sink->kind != kind)
			continue;
		if (sink->type == SINK_LIST) {
			cfg_opt_t o = CFG_STR_LIST_CB(sink->name, NULL,
			    CFGF_NONE, config_sink_value_cb);
			opts[n++] = o;
		} else if (depth > 0) {
			sub = config_sink_opts_new(kind, depth - 1);
			cfg_opt_t o = CFG_SEC(sink->name, sub, CFGF_MULTI |
			    (sink->type == SINK_TSEC ? CFGF_TITLE : 0));
			opts[n++] = o;
		}
	}
	return n;
}

/* What an unknown section of a kind of section holds: its "__open",
 * include and every key found unknown in unknown sections. */
static cfg_opt_t *
config_sink_opts_new(enum config_kind parent, int depth)
{
	cfg_opt_t	 open[] = {
		CFG_STR_LIST_CB("__open", "{x}", CFGF_NONE,
		    config_sink_open_root_cb),
		CFG_STR_LIST_CB("__open", "{x}", CFGF_NONE,
		    config_sink_open_source_cb),
		CFG_STR_LIST_CB("__open", "{x}", CFGF_NONE,
		    config_sink_open_topic_cb),
		CFG_STR_LIST_CB("__open", "{x}", CFGF_NONE,
		    config_sink_open_none_cb),
	};
	cfg_opt_t	 include = CFG_FUNC("include", config_include_cb);
	cfg_opt_t	 end = CFG_END();
	cfg_opt_t	*opts;
	size_t		 n = 0;

	opts = config_table_new(config_ld->nsinks + 3);
	opts[n++] = open[parent];
	opts[n++] = include;
	n = config_sinks_add(opts, n, KIND_NONE, depth);
	opts[n] = end;
	return opts;
}

static cfg_opt_t *
config_opts_new(enum config_kind kind, cfg_opt_t *source, cfg_opt_t *topic)
{
	cfg_opt_t		 include = CFG_FUNC("include",
				    config_include_cb);
	cfg_opt_t		 open = CFG_STR_LIST_CB("__open", "{x}",
				    CFGF_NONE, config_open_cb);
	cfg_opt_t		 end = CFG_END();
	cfg_opt_t		 s = CFG_SEC("source", source,
				    CFGF_MULTI | CFGF_TITLE);
	cfg_opt_t		 t = CFG_SEC("topic", topic,
				    CFGF_MULTI | CFGF_TITLE);
	cfg_opt_t		*opts;
	const struct config_key	*k;
	size_t			 n = 0;

	opts = config_table_new(64 + config_ld->nsinks);
	for (k = config_keys[kind]; k->name != NULL; k++)
		opts[n++] = config_opt_key(k);
	opts[n++] = include;
	if (kind == KIND_ROOT) {
		opts[n++] = s;
		opts[n++] = t;
	} else
		opts[n++] = open;
	n = config_sinks_add(opts, n, kind, CONFIG_SINK_DEPTH);
	opts[n] = end;
	return opts;
}

/* Building the structs. */

/* The value of a one-value key, or its default. */
static const char *
config_get(cfg_t *sec, const char *name)
{
	const struct config_key	*k;
	const char		*s;

	if (cfg_size(sec, name) > 0 &&
	    (s = cfg_getnstr(sec, name, 0)) != NULL)
		return s;
	k = config_key_find(config_kind_of(sec), name);
	return k != NULL ? k->def : NULL;
}

static char *
config_strdup(cfg_t *sec, const char *name)
{
	const char	*s = config_get(sec, name);

	return s != NULL ? xstrdup(s) : NULL;
}

static char **
config_list(cfg_t *sec, const char *name, size_t *n)
{
	char		**v;
	unsigned int	  i;

	*n = cfg_size(sec, name);
	v = xcalloc(*n + 1, sizeof(*v));
	for (i = 0; i < *n; i++)
		v[i] = xstrdup(cfg_getnstr(sec, name, i));
	return v;
}

/* A bad value is reported already; its default keeps the checks across
 * keys from adding more errors. */
static int
config_duration(cfg_t *sec, const char *name)
{
	const struct config_key	*k;
	const char		*s = config_get(sec, name);
	int			 secs;

	if (s != NULL && config_parse_duration(s, &secs) == 0)
		return secs;
	k = config_key_find(config_kind_of(sec), name);
	if (k != NULL && k->def != NULL &&
	    config_parse_duration(k->def, &secs) == 0)
		return secs;
	return 0;
}

static size_t
config_size(cfg_t *sec, const char *name)
{
	const char	*s = config_get(sec, name);
	size_t		 n;

	if (s == NULL || config_parse_size(s, &n) == -1)
		return 0;
	return n;
}

static int
config_int(cfg_t *sec, const char *name)
{
	const char	*s = config_get(sec, name);
	long long	 n;

	if (s == NULL || config_parse_int(s, INT_MIN, INT_MAX, &n) == -1)
		return 0;
	return (int)n;
}

static bool
config_bool(cfg_t *sec, const char *name)
{
	const char	*s = config_get(sec, name);
	bool		 b;

	if (s == NULL || config_parse_bool(s, &b) == -1)
		return false;
	return b;
}

/* Reports at the place key was set in a section, else at the section. */
static void __attribute__((format(printf, 4, 5)))
config_error_at(enum config_kind kind, const char *title, const char *key,
    const char *fmt, ...)
{
	const struct config_mark	*m = NULL;
	va_list				 ap;
	char				*msg;

	if (key != NULL)
		m = config_mark_find(kind, title, key);
	if (m == NULL && kind != KIND_ROOT)
		m = config_mark_find(kind, title, NULL);
	va_start(ap, fmt);
	if (vasprintf(&msg, fmt, ap) == -1)
		msg = NULL;
	va_end(ap);
	if (kind == KIND_ROOT)
		config_error(m != NULL ? m->file : NULL, m != NULL ? m->line : 0,
		    "%s", msg != NULL ? msg : "out of memory");
	else
		config_error(m != NULL ? m->file : NULL, m != NULL ? m->line : 0,
		    "%s \"%s\": %s", config_kind_names[kind], title,
		    msg != NULL ? msg : "out of memory");
	free(msg);
}

static void
config_build_root(struct config *c, cfg_t *cfg)
{
	const char	*base;
	char		 lo[32], hi[32], def[32];

	c->listen = config_strdup(cfg, "listen");
	c->database = config_strdup(cfg, "database");
	base = config_get(cfg, "base-url");
	if (base != NULL && base[0] != '\0' &&
	    base[strlen(base) - 1] != '/')
		c->base_url = xasprintf("%s/", base);
	else
		c->base_url = xstrdup(base != NULL ? base : "");
	c->feed_title = config_strdup(cfg, "feed-title");
	if (config_get(cfg, "user-agent") != NULL)
		c->user_agent = config_strdup(cfg, "user-agent");
	else
		c->user_agent = xasprintf("pactfeed (+%s)", c->base_url);
	c->default_interval = config_duration(cfg, "default-interval");
	c->min_interval = config_duration(cfg, "min-interval");
	c->max_interval = config_duration(cfg, "max-interval");
	c->retention = config_duration(cfg, "retention");
	c->max_body_size = config_size(cfg, "max-body-size");
	c->per_host_connections = config_int(cfg, "per-host-connections");
	c->max_transfers = config_int(cfg, "max-transfers");
	c->allow_private_addresses = config_bool(cfg,
	    "allow-private-addresses");
	c->connect_timeout = config_duration(cfg, "connect-timeout");
	c->timeout = config_duration(cfg, "timeout");
	c->low_speed_time = config_duration(cfg, "low-speed-time");
	c->low_speed_limit = config_size(cfg, "low-speed-limit");
	c->max_redirects = config_int(cfg, "max-redirects");
	c->max_backoff = config_duration(cfg, "max-backoff");
	c->host_spacing = config_duration(cfg, "host-spacing");
	c->http_max_connections = config_int(cfg, "http-max-connections");
	c->http_timeout = config_duration(cfg, "http-timeout");
	c->http_header_timeout = config_duration(cfg, "http-header-timeout");
	c->http_keepalive_timeout = config_duration(cfg,
	    "http-keepalive-timeout");
	c->http_max_header_size = config_size(cfg, "http-max-header-size");
	c->http_max_body_size = config_size(cfg, "http-max-body-size");
	c->http_cache_size = config_size(cfg, "http-cache-size");

	config_format_duration(c->min_interval, lo, sizeof(lo));
	config_format_duration(c->max_interval, hi, sizeof(hi));
	config_format_duration(c->default_interval, def, sizeof(def));
	if (c->min_interval > c->max_interval)
		config_error_at(KIND_ROOT, NULL, "min-interval",
		    "min-interval %s is above max-interval %s", lo, hi);
	else if (c->default_interval < c->min_interval ||
	    c->default_interval > c->max_interval)
		config_error_at(KIND_ROOT, NULL, "default-interval",
		    "default-interval %s is outside min-interval %s to "
		    "max-interval %s", def, lo, hi);
}

static void
config_build_source(struct config *c, struct source *src, cfg_t *sec)
{
	const struct config_mark	*m;
	struct scrape_rules		*r = &src->scrape;
	const char			*type, *missing[3];
	char				 iv[32], lim[32];
	size_t				 nmissing = 0;

	src->id = xstrdup(cfg_title(sec) != NULL ? cfg_title(sec) : "");
	m = config_mark_find(KIND_SOURCE, src->id, NULL);
	src->file = xstrdup(m != NULL ? m->file :
	    sec->filename != NULL ? sec->filename : "");
	src->line = m != NULL ? m->line : sec->line;
	src->title = config_strdup(sec, "title");
	if (src->title == NULL)
		src->title = xstrdup(src->id);
	src->url = config_strdup(sec, "url");
	type = config_get(sec, "type");
	src->type = type != NULL && strcmp(type, "html") == 0 ?
	    SOURCE_HTML : SOURCE_FEED;
	src->interval = config_duration(sec, "interval");
	src->keep_if_topic = config_bool(sec, "keep-if-topic");
	src->lang = config_strdup(sec, "lang");
	src->enabled = config_bool(sec, "enabled");
	r->item = config_strdup(sec, "item");
	r->title = config_strdup(sec, "item-title");
	r->link = config_strdup(sec, "item-link");
	r->date = config_strdup(sec, "item-date");
	r->date_format = config_strdup(sec, "item-date-format");
	r->summary = config_strdup(sec, "item-summary");
	src->topics = config_list(sec, "topics", &src->ntopics);

	if (src->url == NULL)
		config_error_at(KIND_SOURCE, src->id, NULL, "missing url");
	if (src->type == SOURCE_HTML) {
		if (r->item == NULL)
			missing[nmissing++] = "item";
		if (r->title == NULL)
			missing[nmissing++] = "item-title";
		if (r->link == NULL)
			missing[nmissing++] = "item-link";
		if (nmissing > 0)
			config_error_at(KIND_SOURCE, src->id, "type",
			    "type \"html\" needs %s%s%s%s%s", missing[0],
			    nmissing > 2 ? ", " : nmissing > 1 ? " and " : "",
			    nmissing > 1 ? missing[1] : "",
			    nmissing > 2 ? " and " : "",
			    nmissing > 2 ? missing[2] : "");
	} else if (r->item != NULL || r->title != NULL || r->link != NULL ||
	    r->date != NULL || r->date_format != NULL || r->summary != NULL)
		config_error_at(KIND_SOURCE, src->id, NULL,
		    "item rules need type \"html\"");
	if (r->date_format != NULL && r->date == NULL)
		config_error_at(KIND_SOURCE, src->id, "item-date-format",
		    "item-date-format without item-date");
	if (src->interval != 0 && (src->interval < c->min_interval ||
	    src->interval > c->max_interval)) {
		config_format_duration(src->interval, iv, sizeof(iv));
		if (src->interval < c->min_interval)
			config_format_duration(c->min_interval, lim,
			    sizeof(lim));
		else
			config_format_duration(c->max_interval, lim,
			    sizeof(lim));
		config_error_at(KIND_SOURCE, src->id, "interval",
		    "interval %s is %s %s-interval %s", iv,
		    src->interval < c->min_interval ? "below" : "above",
		    src->interval < c->min_interval ? "min" : "max", lim);
	}
}

static void
config_build_topic(struct topic *t, cfg_t *sec)
{
	const struct config_mark	*m;

	t->id = xstrdup(cfg_title(sec) != NULL ? cfg_title(sec) : "");
	m = config_mark_find(KIND_TOPIC, t->id, NULL);
	t->file = xstrdup(m != NULL ? m->file :
	    sec->filename != NULL ? sec->filename : "");
	t->line = m != NULL ? m->line : sec->line;
	t->name = config_strdup(sec, "name");
	if (t->name == NULL)
		t->name = xstrdup(t->id);
	t->scope = config_strdup(sec, "scope");
	t->phrases = config_list(sec, "phrases", &t->nphrases);
	t->vetoes = config_list(sec, "vetoes", &t->nvetoes);
	if (t->nphrases == 0)
		config_error_at(KIND_TOPIC, t->id, NULL, "no phrases");
}

/* Topic ids a source names must exist, when the config has topics at
 * all: sources.conf alone loads without topics.conf. */
static void
config_check_refs(struct config *c)
{
	const char	**ids;
	const char	 *hint;
	size_t		  i, j;

	if (c->ntopics == 0)
		return;
	ids = xcalloc(c->ntopics, sizeof(*ids));
	for (i = 0; i < c->ntopics; i++)
		ids[i] = c->topics[i].id;
	for (i = 0; i < c->nsources; i++) {
		for (j = 0; j < c->sources[i].ntopics; j++) {
			if (config_topic(c, c->sources[i].topics[j]) != NULL ||
			    !config_id_ok(c->sources[i].topics[j]))
				continue;
			hint = config_suggest(c->sources[i].topics[j], ids,
			    c->ntopics);
			if (hint != NULL)
				config_error_at(KIND_SOURCE, c->sources[i].id,
				    "topics", "topics: unknown topic \"%s\"; "
				    "did you mean \"%s\"?",
				    c->sources[i].topics[j], hint);
			else
				config_error_at(KIND_SOURCE, c->sources[i].id,
				    "topics", "topics: unknown topic \"%s\"",
				    c->sources[i].topics[j]);
		}
	}
	free(ids);
}

static struct config *
config_build(cfg_t *cfg, const char *path)
{
	struct config	*c;
	unsigned int	 i;

	c = xcalloc(1, sizeof(*c));
	c->path = xstrdup(path);
	config_build_root(c, cfg);
	c->nsources = cfg_size(cfg, "source");
	c->sources = xcalloc(c->nsources + 1, sizeof(*c->sources));
	for (i = 0; i < c->nsources; i++)
		config_build_source(c, &c->sources[i],
		    cfg_getnsec(cfg, "source", i));
	c->ntopics = cfg_size(cfg, "topic");
	c->topics = xcalloc(c->ntopics + 1, sizeof(*c->topics));
	for (i = 0; i < c->ntopics; i++)
		config_build_topic(&c->topics[i], cfg_getnsec(cfg, "topic", i));
	config_check_refs(c);
	return c;
}

/* The loader. */

static void
config_loader_reset(struct config_loader *ld)
{
	size_t	 i, j;

	for (i = 0; i < ld->nerrs; i++) {
		free(ld->errs[i].file);
		free(ld->errs[i].msg);
	}
	free(ld->errs);
	ld->errs = NULL;
	ld->nerrs = 0;
	for (j = 0; j < 2; j++) {
		for (i = 0; i < ld->marks[j].n; i++)
			free(ld->marks[j].v[i].title);
		free(ld->marks[j].v);
		free(ld->marks[j].hash);
		memset(&ld->marks[j], 0, sizeof(ld->marks[j]));
	}
	for (i = 0; i < ld->nfiles; i++)
		free(ld->files[i]);
	free(ld->files);
	ld->files = NULL;
	ld->nfiles = 0;
	for (i = 0; i < 3; i++) {
		free(ld->cur[i]);
		ld->cur[i] = NULL;
	}
	ld->again = 0;
	ld->section = 0;
	ld->sink_cfg = NULL;
	ld->sink_key = NULL;
}

static void
config_loader_free(struct config_loader *ld)
{
	size_t	 i;

	config_loader_reset(ld);
	for (i = 0; i < ld->nsinks; i++)
		free(ld->sinks[i].name);
	free(ld->sinks);
}

/* One libconfuse parse with the sinks known so far. */
static cfg_t *
config_pass(const char *path, int *rc)
{
	struct config_loader	*ld = config_ld;
	cfg_opt_t		*root, *source, *topic;
	cfg_t			*cfg;
	size_t			 i;

	source = config_opts_new(KIND_SOURCE, NULL, NULL);
	topic = config_opts_new(KIND_TOPIC, NULL, NULL);
	root = config_opts_new(KIND_ROOT, source, topic);
	cfg = cfg_init(root, CFGF_NONE);	/* copies the tables */
	for (i = 0; i < ld->ntables; i++)
		free(ld->tables[i]);
	free(ld->tables);
	ld->tables = NULL;
	ld->ntables = 0;
	if (cfg == NULL)
		return NULL;
	cfg_set_error_function(cfg, config_error_cb);
	*rc = config_parse_file(cfg, path);
	return cfg;
}

/* config_load(), or config_load_buf() when buf is not NULL. */
static struct config *
config_load_text(const char *path, const char *buf, size_t len,
    char **errors)
{
	struct config_loader	 ld = { 0 };
	struct config		*c = NULL;
	cfg_t			*cfg = NULL;
	char			*p;
	int			 pass, rc = 0;

	*errors = NULL;
	xmlInitParser();
	p = xstrdup(path);
	ld.path = p;
	if (buf != NULL) {
		ld.buf = buf;
		ld.buflen = len;
		/* What an include of the top file itself is compared to. */
		if ((ld.bufreal = realpath(path, NULL)) == NULL)
			ld.bufreal = xstrdup(path);
	}
	config_ld = &ld;
	for (pass = 1;; pass++) {
		config_loader_reset(&ld);
		if ((cfg = config_pass(p, &rc)) == NULL) {
			config_error(p, 0, "out of memory");
			break;
		}
		if (!ld.again || pass == CONFIG_MAX_PASSES)
			break;
		cfg_free(cfg);
		cfg = NULL;
	}
	if (cfg != NULL && ld.again)
		config_error(p, 0, "too many unknown keys");
	if (cfg != NULL && rc == 0)
		c = config_build(cfg, path);
	else if (ld.nerrs == 0)		/* libconfuse gave up silently */
		config_error(p, 0, "syntax error");
	if (cfg != NULL)
		cfg_free(cfg);
	if (ld.nerrs > 0) {
		*errors = config_errors_join();
		config_free(c);
		c = NULL;
	}
	config_loader_free(&ld);
	config_ld = NULL;
	free(ld.bufreal);
	free(p);
	return c;
}

struct config *
config_load(const char *path, char **errors)
{
	return config_load_text(path, NULL, 0, errors);
}

struct config *
config_load_buf(const char *path, const void *buf, size_t len,
    char **errors)
{
	return config_load_text(path, buf != NULL ? buf : "", len, errors);
}

static void
config_strv_free(char **v, size_t n)
{
	size_t	 i;

	if (v == NULL)
		return;
	for (i = 0; i < n; i++)
		free(v[i]);
	free(v);
}

void
config_free(struct config *c)
{
	struct source	*s;
	struct topic	*t;
	size_t		 i;

	if (c == NULL)
		return;
	for (i = 0; i < c->nsources; i++) {
		s = &c->sources[i];
		free(s->id);
		free(s->title);
		free(s->url);
		free(s->lang);
		free((char *)s->scrape.item);
		free((char *)s->scrape.title);
		free((char *)s->scrape.link);
		free((char *)s->scrape.date);
		free((char *)s->scrape.date_format);
		free((char *)s->scrape.summary);
		free(s->file);
		config_strv_free(s->topics, s->ntopics);
	}
	free(c->sources);
	for (i = 0; i < c->ntopics; i++) {
		t = &c->topics[i];
		free(t->id);
		free(t->name);
		free(t->scope);
		config_strv_free(t->phrases, t->nphrases);
		config_strv_free(t->vetoes, t->nvetoes);
		free(t->file);
	}
	free(c->topics);
	free(c->path);
	free(c->listen);
	free(c->database);
	free(c->base_url);
	free(c->feed_title);
	free(c->user_agent);
	free(c);
}

const struct source *
config_source(const struct config *c, const char *id)
{
	size_t	 i;

	for (i = 0; i < c->nsources; i++)
		if (strcmp(c->sources[i].id, id) == 0)
			return &c->sources[i];
	return NULL;
}

const struct topic *
config_topic(const struct config *c, const char *id)
{
	size_t	 i;

	for (i = 0; i < c->ntopics; i++)
		if (strcmp(c->topics[i].id, id) == 0)
			return &c->topics[i];
	return NULL;
}

static bool
config_same_strings(char *const *a, size_t na, char *const *b, size_t nb)
{
	if (na != nb)
		return false;
	for (size_t i = 0; i < na; i++)
		if (strcmp(a[i], b[i]) != 0)
			return false;
	return true;
}

static bool
config_same_str(const char *a, const char *b)
{
	return (a == NULL && b == NULL) ||
	    (a != NULL && b != NULL && strcmp(a, b) == 0);
}

bool
config_same_topics(const struct config *a, const struct config *b)
{
	if (a->ntopics != b->ntopics)
		return false;
	for (size_t i = 0; i < a->ntopics; i++) {
		const struct topic	*x = &a->topics[i], *y = &b->topics[i];

		if (!config_same_str(x->id, y->id) ||
		    !config_same_str(x->name, y->name) ||
		    !config_same_strings(x->phrases, x->nphrases, y->phrases,
		    y->nphrases) ||
		    !config_same_strings(x->vetoes, x->nvetoes, y->vetoes,
		    y->nvetoes))
			return false;
	}
	return true;
}

/* FNV-1a over the same fields config_same_topics() compares, each ended
 * by a NUL (a missing string by two), so that equal prints mean equal
 * topics as far as tagging goes. */
static uint64_t
config_print_str(uint64_t h, const char *str)
{
	const unsigned char	*p = (const unsigned char *)str;

	if (str == NULL)
		h = (h ^ 1) * 0x100000001b3ULL;
	else
		for (; *p != '\0'; p++)
			h = (h ^ *p) * 0x100000001b3ULL;
	return (h ^ 0) * 0x100000001b3ULL;
}

uint64_t
config_topics_print(const struct config *c)
{
	uint64_t	h = 0xcbf29ce484222325ULL;

	for (size_t i = 0; i < c->ntopics; i++) {
		const struct topic	*t = &c->topics[i];

		h = config_print_str(h, t->id);
		h = config_print_str(h, t->name);
		for (size_t j = 0; j < t->nphrases; j++)
			h = config_print_str(h, t->phrases[j]);
		h = config_print_str(h, "\x01phrases");
		for (size_t j = 0; j < t->nvetoes; j++)
			h = config_print_str(h, t->vetoes[j]);
		h = config_print_str(h, "\x01vetoes");
	}
	return h;
}
