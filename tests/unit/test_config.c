/*
 * config.c: the good fixtures load into the structs with every value
 * converted; each class of mistake gives its message, verbatim, at its
 * FILE:LINE, all of them at once; nothing reaches stderr; garbage never
 * crashes. Fixtures: tests/fixtures/config/.
 */

#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

#include <cmocka.h>

#include <ctype.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "config.h"

#define FIX	"fixtures/config/"

/* Loads path with stdout and stderr caught: libconfuse and libxml2 must
 * print nothing. With buf, path's text is the len bytes there. */
static struct config *
load_quiet_buf(const char *path, const char *buf, size_t len, char **errors)
{
	struct config	*c;
	char		 tmpl[] = "/tmp/test_config_out.XXXXXX";
	int		 fd, saved[2], i;
	off_t		 size;

	fflush(stdout);
	fflush(stderr);
	fd = mkstemp(tmpl);
	assert_true(fd != -1);
	unlink(tmpl);
	for (i = 0; i < 2; i++) {
		saved[i] = dup(STDOUT_FILENO + i);
		dup2(fd, STDOUT_FILENO + i);
	}
	if (buf != NULL)
		c = config_load_buf(path, buf, len, errors);
	else
		c = config_load(path, errors);
	fflush(stdout);
	fflush(stderr);
	for (i = 0; i < 2; i++) {
		dup2(saved[i], STDOUT_FILENO + i);
		close(saved[i]);
	}
	size = lseek(fd, 0, SEEK_END);
	close(fd);
	if (size != 0)
		fail_msg("%s: %lld bytes printed", path, (long long)size);
	return c;
}

static struct config *
load_quiet(const char *path, char **errors)
{
	return load_quiet_buf(path, NULL, 0, errors);
}

static void
test_good(void **state)
{
	const struct source	*s;
	const struct topic	*t;
	struct config		*c;
	char			*errors;

	(void)state;
	c = load_quiet(FIX "good/pactfeed.conf", &errors);
	if (c == NULL)
		fail_msg("%s", errors);
	assert_null(errors);
	assert_string_equal(c->path, FIX "good/pactfeed.conf");
	assert_string_equal(c->listen, "[::1]:9090");
	assert_string_equal(c->database, "/tmp/pactfeed-test.db");
	assert_string_equal(c->base_url, "https://news.example.org/pact/");
	assert_string_equal(c->feed_title, "Test feed");
	assert_string_equal(c->user_agent,
	    "pactfeed-test (+https://news.example.org/contact)");
	assert_int_equal(c->default_interval, 5400);
	assert_int_equal(c->min_interval, 90);
	assert_int_equal(c->max_interval, 2 * 86400);
	assert_int_equal(c->retention, 7 * 86400);
	assert_int_equal(c->max_body_size, 512 * 1024);
	assert_int_equal(c->per_host_connections, 4);
	assert_int_equal(c->max_transfers, 32);
	assert_true(c->allow_private_addresses);
	assert_int_equal(c->connect_timeout, 5);
	assert_int_equal(c->timeout, 120);
	assert_int_equal(c->low_speed_time, 60);
	assert_int_equal(c->low_speed_limit, 1000);
	assert_int_equal(c->max_redirects, 0);
	assert_int_equal(c->max_backoff, 12 * 3600);
	assert_int_equal(c->http_max_connections, 1000);
	assert_int_equal(c->http_timeout, 10);
	assert_int_equal(c->http_header_timeout, 20);
	assert_int_equal(c->http_keepalive_timeout, 60);
	assert_int_equal(c->http_max_header_size, 16 * 1024);
	assert_int_equal(c->http_max_body_size, 1000 * 1000);
	assert_int_equal(c->http_cache_size, 16 * 1024 * 1024);

	assert_int_equal(c->nsources, 2);
	s = config_source(c, "ecre");
	assert_non_null(s);
	assert_ptr_equal(s, &c->sources[0]);
	assert_string_equal(s->title, "ECRE");
	assert_string_equal(s->url, "https://ecre.org/feed/");
	assert_int_equal(s->type, SOURCE_FEED);
	assert_int_equal(s->interval, 3600);
	assert_false(s->keep_if_topic);
	assert_string_equal(s->lang, "en");
	assert_true(s->enabled);
	assert_null(s->scrape.item);
	assert_string_equal(s->file, FIX "good/sources.conf");
	assert_int_equal(s->line, 2);
	assert_int_equal(s->ntopics, 2);
	assert_string_equal(s->topics[0], "screening");
	assert_string_equal(s->topics[1], "solidarity");

	s = config_source(c, "redcross-eu");
	assert_non_null(s);
	assert_string_equal(s->title, "redcross-eu");	/* the id */
	assert_int_equal(s->type, SOURCE_HTML);
	assert_int_equal(s->interval, 0);
	assert_true(s->keep_if_topic);
	assert_null(s->lang);
	assert_false(s->enabled);
	assert_string_equal(s->scrape.item,
	    "//div[contains(@class,'news-item')]");
	assert_string_equal(s->scrape.title, ".//h3");
	assert_string_equal(s->scrape.link, ".//a/@href");
	assert_string_equal(s->scrape.date, ".//time/@datetime");
	assert_string_equal(s->scrape.date_format, "%d.%m.%Y");
	assert_string_equal(s->scrape.summary, ".//p[1]");
	assert_int_equal(s->line, 13);
	assert_int_equal(s->ntopics, 0);
	assert_null(config_source(c, "nope"));

	assert_int_equal(c->ntopics, 2);
	t = config_topic(c, "screening");
	assert_non_null(t);
	assert_string_equal(t->name, "Screening at the external borders");
	assert_string_equal(t->scope,
	    "Pre-entry screening of third-country nationals.");
	assert_int_equal(t->nphrases, 4);
	assert_string_equal(t->phrases[2], "contrôle filtrage");
	assert_string_equal(t->phrases[3], "Überprüfungsverordnung");
	assert_int_equal(t->nvetoes, 1);
	assert_string_equal(t->vetoes[0], "cancer screening");
	assert_string_equal(t->file, FIX "good/topics.conf");
	assert_int_equal(t->line, 2);
	t = config_topic(c, "solidarity");
	assert_non_null(t);
	assert_string_equal(t->name, "solidarity");
	assert_null(t->scope);
	assert_int_equal(t->nvetoes, 0);
	assert_null(config_topic(c, "nope"));
	config_free(c);
	printf("good: every root key, 2 sources, 2 topics ok\n");
}

/* Every root key at its default. */
static void
check_defaults(const struct config *c)
{
	assert_string_equal(c->listen, "127.0.0.1:8080");
	assert_string_equal(c->database, "/var/lib/pactfeed/pactfeed.db");
	assert_string_equal(c->base_url, "http://127.0.0.1:8080/");
	assert_string_equal(c->feed_title,
	    "EU migration and asylum: merged news");
	assert_string_equal(c->user_agent, "pactfeed (+http://127.0.0.1:8080/)");
	assert_int_equal(c->default_interval, 1800);
	assert_int_equal(c->min_interval, 300);
	assert_int_equal(c->max_interval, 86400);
	assert_int_equal(c->retention, 0);
	assert_int_equal(c->max_body_size, 10 * 1024 * 1024);
	assert_int_equal(c->per_host_connections, 2);
	assert_int_equal(c->max_transfers, 16);
	assert_int_equal(c->host_spacing, 1);
	assert_false(c->allow_private_addresses);
	assert_int_equal(c->connect_timeout, 10);
	assert_int_equal(c->timeout, 60);
	assert_int_equal(c->low_speed_time, 30);
	assert_int_equal(c->low_speed_limit, 100);
	assert_int_equal(c->max_redirects, 5);
	assert_int_equal(c->max_backoff, 86400);
	assert_int_equal(c->http_max_connections, 256);
	assert_int_equal(c->http_timeout, 30);
	assert_int_equal(c->http_header_timeout, 10);
	assert_int_equal(c->http_keepalive_timeout, 5);
	assert_int_equal(c->http_max_header_size, 8 * 1024);
	assert_int_equal(c->http_max_body_size, 64 * 1024);
	assert_int_equal(c->http_cache_size, 64 * 1024 * 1024);
}

static void
test_partial(void **state)
{
	static const struct {
		const char	*file;
		size_t		 nsources, ntopics;
	} cases[] = {
		{ FIX "good/topics.conf",	0, 2 },
		{ FIX "good/sources.conf",	2, 0 },
		/* names a topic no file defines: fine without topics */
		{ FIX "good/sources-only.conf",	1, 0 },
		{ FIX "good/empty.conf",	0, 0 },
	};
	struct config	*c;
	char		*errors;
	size_t		 i;

	(void)state;
	for (i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		c = load_quiet(cases[i].file, &errors);
		if (c == NULL)
			fail_msg("%s: %s", cases[i].file, errors);
		check_defaults(c);
		assert_int_equal(c->nsources, cases[i].nsources);
		assert_int_equal(c->ntopics, cases[i].ntopics);
		config_free(c);
	}
	printf("partial: %zu files alone load with defaults ok\n", i);
}

/* config/pactfeed.conf shows every root key at its default, set or
 * commented out: with the comments taken off those lines and the
 * includes left out, it must load and give exactly the defaults. */
static void
test_default_conf(void **state)
{
	struct config	*c;
	FILE		*in;
	char		 line[1024], path[64], *errors, *p;
	size_t		 nkeys = 0;
	int		 fd;

	(void)state;
	assert_non_null(in = fopen("../config/pactfeed.conf", "r"));
	snprintf(path, sizeof(path), "/tmp/test_config.XXXXXX");
	assert_true((fd = mkstemp(path)) != -1);
	while (fgets(line, sizeof(line), in) != NULL) {
		p = line;
		if (p[0] == '#' && islower((unsigned char)p[1]) &&
		    strchr(p, '=') != NULL)
			p++;
		if (strncmp(p, "include(", 8) == 0)
			continue;
		if (islower((unsigned char)p[0]))
			nkeys++;
		assert_int_equal(write(fd, p, strlen(p)), (ssize_t)strlen(p));
	}
	fclose(in);
	close(fd);
	c = load_quiet(path, &errors);
	if (c == NULL)
		fail_msg("%s", errors);
	check_defaults(c);
	assert_int_equal(nkeys, 27);
	config_free(c);
	unlink(path);
	printf("default conf: %zu keys documented at their defaults ok\n",
	    nkeys);

	/* With its two lists (written on other branches), the real thing. */
	if (access("../config/sources.conf", R_OK) == 0 &&
	    access("../config/topics.conf", R_OK) == 0) {
		c = load_quiet("../config/pactfeed.conf", &errors);
		if (c == NULL)
			fail_msg("%s", errors);
		printf("default conf: %zu sources, %zu topics ok\n",
		    c->nsources, c->ntopics);
		config_free(c);
	} else
		printf("default conf: sources.conf or topics.conf not here, "
		    "whole config not loaded\n");
}

/* Each class of mistake, each message verbatim, all in one run. */
static void
test_errors(void **state)
{
	static const struct {
		const char	*file;
		const char	*errors;
	} cases[] = {
	{ "unknown-keys.conf",
"fixtures/config/bad/unknown-keys.conf:1: unknown key \"listn\"; did you mean \"listen\"?\n"
"fixtures/config/bad/unknown-keys.conf:2: unknown key \"feed_title\"; did you mean \"feed-title\"?\n"
"fixtures/config/bad/unknown-keys.conf:3: unknown key \"frobnicate\"\n"
"fixtures/config/bad/unknown-keys.conf:6: source \"ecre\": unknown key \"titel\"; did you mean \"title\"?\n"
"fixtures/config/bad/unknown-keys.conf:7: source \"ecre\": unknown key \"item_link\"; did you mean \"item-link\"?\n"
"fixtures/config/bad/unknown-keys.conf:9: unknown key \"sorce\"; did you mean \"source\"?\n"
"fixtures/config/bad/unknown-keys.conf:14: topic \"screening\": unknown key \"phrase\"; did you mean \"phrases\"?\n"
"fixtures/config/bad/unknown-keys.conf:16: topic \"screening\": unknown key \"Name\"; did you mean \"name\"?\n"
"fixtures/config/bad/unknown-keys.conf:20: source \"ecre2\": unknown key \"titel\"; did you mean \"title\"?\n"
"fixtures/config/bad/unknown-keys.conf:24: source \"placed\": unknown key \"phrases\"; it belongs in a topic section\n"
"fixtures/config/bad/unknown-keys.conf:25: source \"placed\": unknown key \"listen\"; it belongs at the top level\n"
"fixtures/config/bad/unknown-keys.conf:29: topic \"placed\": unknown key \"lang\"; it belongs in a source section\n" },
	{ "values.conf",
"fixtures/config/bad/values.conf:1: listen: bad address \"localhost\" (expected HOST:PORT, e.g. \"127.0.0.1:8080\")\n"
"fixtures/config/bad/values.conf:2: base-url: \"ftp://example.org/\" is not an http or https URL\n"
"fixtures/config/bad/values.conf:3: default-interval: bad duration \"5x\" (expected e.g. \"90s\", \"30m\", \"6h\", \"2d\")\n"
"fixtures/config/bad/values.conf:4: retention: bad duration \"-1d\" (expected e.g. \"90s\", \"30m\", \"6h\", \"2d\")\n"
"fixtures/config/bad/values.conf:5: max-body-size: bad size \"10XB\" (expected e.g. \"512KiB\", \"10MiB\", \"1GB\")\n"
"fixtures/config/bad/values.conf:6: http-max-header-size: \"10\" is out of range (1024 to 1048576 bytes)\n"
"fixtures/config/bad/values.conf:7: per-host-connections: \"0\" is not a whole number from 1 to 64\n"
"fixtures/config/bad/values.conf:8: max-transfers: \"many\" is not a whole number from 1 to 10000\n"
"fixtures/config/bad/values.conf:9: allow-private-addresses: bad boolean \"maybe\" (expected true or false)\n"
"fixtures/config/bad/values.conf:10: timeout: \"2h\" is out of range (1s to 1h)\n"
"fixtures/config/bad/values.conf:11: user-agent: empty\n"
"fixtures/config/bad/values.conf:14: source \"a\": type: unknown type \"rss\" (expected \"feed\" or \"html\")\n"
"fixtures/config/bad/values.conf:15: source \"a\": lang: bad language tag \"english\" (expected e.g. \"en\", \"de\", \"pt-BR\")\n"
"fixtures/config/bad/values.conf:16: source \"a\": enabled: bad boolean \"1\" (expected true or false)\n"
"fixtures/config/bad/values.conf:17: source \"a\": interval: bad duration \"1.5h\" (expected e.g. \"90s\", \"30m\", \"6h\", \"2d\")\n"
"fixtures/config/bad/values.conf:20: source \"b\": url: \"example.org/feed\" is not an http or https URL\n"
"fixtures/config/bad/values.conf:23: source \"c\": url: \"https:///no-host\" has no host\n"
"fixtures/config/bad/values.conf:25: source \"bad id!\": bad id (letters, digits, \".\", \"-\" and \"_\", at most 64)\n"
"fixtures/config/bad/values.conf:29: topic \"t\": phrases: empty\n"
"fixtures/config/bad/values.conf:32: source \"d\": url: \"https://exämple.org/feed\" has non-ASCII characters (percent-encode them, write hosts in punycode)\n"
"fixtures/config/bad/values.conf:35: source \"e\": url: \"https://example.org/a b\" has spaces or control characters (percent-encode them)\n"
"fixtures/config/bad/values.conf:38: source \"f\": url: \"https://x.org/a|b\" is not a valid URL\n" },
	{ "http-limits.conf",
"fixtures/config/bad/http-limits.conf:1: http-header-timeout: \"0\" is out of range (1s to 1h)\n"
"fixtures/config/bad/http-limits.conf:2: http-keepalive-timeout: bad duration \"soon\" (expected e.g. \"90s\", \"30m\", \"6h\", \"2d\")\n"
"fixtures/config/bad/http-limits.conf:3: http-max-connections: \"0\" is not a whole number from 1 to 100000\n" },
	{ "sections.conf",
"fixtures/config/bad/sections.conf:7: source \"nourl\": missing url\n"
"fixtures/config/bad/sections.conf:10: duplicate source \"dup\" (first defined at fixtures/config/bad/sections.conf:1)\n"
"fixtures/config/bad/sections.conf:13: duplicate topic \"dup\" (first defined at fixtures/config/bad/sections.conf:4)\n"
"fixtures/config/bad/sections.conf:16: topic \"nophrases\": no phrases\n" },
	{ "html.conf",
"fixtures/config/bad/html.conf:3: source \"no-rules\": type \"html\" needs item, item-title and item-link\n"
"fixtures/config/bad/html.conf:7: source \"half\": type \"html\" needs item-title and item-link\n"
"fixtures/config/bad/html.conf:13: source \"bad-xpath\": item: XPath \"//div[\" does not compile: Invalid expression\n"
"fixtures/config/bad/html.conf:14: source \"bad-xpath\": item-title: XPath \"h2)\" does not compile: Invalid expression\n"
"fixtures/config/bad/html.conf:16: source \"bad-xpath\": item-date: XPath \"concat(.//time\" does not compile: Invalid expression\n"
"fixtures/config/bad/html.conf:17: source \"bad-xpath\": item-date-format: \"dd.mm.yyyy\" is not a strptime format (no % conversion)\n"
"fixtures/config/bad/html.conf:19: source \"rules-on-feed\": item rules need type \"html\"\n" },
	/* a key given twice, or given a list, where it takes one value */
	{ "repeats.conf",
"fixtures/config/bad/repeats.conf:4: source \"a\": url: set twice (first at fixtures/config/bad/repeats.conf:3)\n"
"fixtures/config/bad/repeats.conf:5: source \"a\": title: takes one value, not a list\n"
"fixtures/config/bad/repeats.conf:8: listen: set twice (first at fixtures/config/bad/repeats.conf:1)\n" },
	{ "topic-refs.conf",
"fixtures/config/bad/topic-refs.conf:3: source \"a\": topics: bad topic id \"bad id\"\n"
"fixtures/config/bad/topic-refs.conf:3: source \"a\": topics: unknown topic \"screenin\"; did you mean \"screening\"?\n"
"fixtures/config/bad/topic-refs.conf:3: source \"a\": topics: unknown topic \"asylum-procedure\"; did you mean \"asylum-procedures\"?\n" },
	{ "intervals.conf",
"fixtures/config/bad/intervals.conf:1: min-interval 1h is above max-interval 30m\n"
"fixtures/config/bad/intervals.conf:5: source \"fast\": interval 1m is below min-interval 1h\n" },
	{ "intervals2.conf",
"fixtures/config/bad/intervals2.conf:1: default-interval 2d is outside min-interval 5m to max-interval 1d\n"
"fixtures/config/bad/intervals2.conf:4: source \"fast\": interval 1m is below min-interval 5m\n"
"fixtures/config/bad/intervals2.conf:8: source \"slow\": interval 3d is above max-interval 1d\n" },
	{ "includes.conf",
"fixtures/config/bad/includes.conf:1: include \"fixtures/config/bad/missing.conf\": No such file or directory\n"
"fixtures/config/bad/includes.conf:3: include \"fixtures/config/bad/includes.conf\": includes itself\n"
"fixtures/config/bad/includes.conf:4: include \"/dev/null\": not a regular file\n"
"fixtures/config/bad/includes.conf:5: include takes one file name\n"
"fixtures/config/bad/includes.conf:6: listen: bad address \"still checked after a missing include\" (expected HOST:PORT, e.g. \"127.0.0.1:8080\")\n"
"fixtures/config/bad/includes-inner.conf:3: source \"inner\": url: \"gopher://example.org/\" is not an http or https URL\n" },
	{ "syntax.conf",
"fixtures/config/bad/syntax.conf:1: \"{\" is never closed\n"
"fixtures/config/bad/syntax.conf:4: source \"a\": unknown key \"source\"\n"
"fixtures/config/bad/syntax.conf:4: \"{\" is never closed\n" },
	/* libconfuse's own message, at the line in the included file */
	{ "syntax-included.conf",
"fixtures/config/bad/syntax-included.conf:1: listen: bad address \"bad\" (expected HOST:PORT, e.g. \"127.0.0.1:8080\")\n"
"fixtures/config/bad/syntax-inner.conf:3: unexpected token 'name'\n" },
	{ "nonexistent.conf",
"fixtures/config/bad/nonexistent.conf: No such file or directory\n" },
	};
	struct config	*c;
	char		 path[256], *errors;
	size_t		 i;

	(void)state;
	for (i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		snprintf(path, sizeof(path), FIX "bad/%s", cases[i].file);
		c = load_quiet(path, &errors);
		assert_null(c);
		assert_non_null(errors);
		if (strcmp(errors, cases[i].errors) != 0)
			fail_msg("%s: got\n%s\nwant\n%s", path, errors,
			    cases[i].errors);
		free(errors);
	}
	printf("errors: %zu files, every message verbatim ok\n", i);
}

static void
test_durations(void **state)
{
	static const struct {
		const char	*s;
		int		 ok;
		int		 secs;
	} cases[] = {
		{ "90s", 1, 90 }, { "30m", 1, 1800 }, { "6h", 1, 21600 },
		{ "2d", 1, 172800 }, { "1w", 1, 604800 }, { "3600", 1, 3600 },
		{ "0", 1, 0 }, { "1h30m", 1, 5400 }, { "1h 30m", 1, 5400 },
		{ " 5m", 1, 300 }, { "2147483647", 1, 2147483647 },
		{ "", 0, 0 }, { "m", 0, 0 }, { "5x", 0, 0 }, { "-1s", 0, 0 },
		{ "1.5h", 0, 0 }, { "1h30", 0, 0 }, { "5 m", 0, 0 },
		{ "2147483648", 0, 0 }, { "99999999999999999999d", 0, 0 },
		{ "24855d", 1, 2147472000 }, { "24856d", 0, 0 }, { "5M", 0, 0 },
	};
	size_t	 i;
	int	 secs;

	(void)state;
	for (i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		secs = -1;
		if ((config_parse_duration(cases[i].s, &secs) == 0) !=
		    cases[i].ok)
			fail_msg("duration \"%s\": want %s", cases[i].s,
			    cases[i].ok ? "ok" : "an error");
		if (cases[i].ok)
			assert_int_equal(secs, cases[i].secs);
	}
	printf("durations: %zu cases ok\n", i);
}

static void
test_sizes(void **state)
{
	static const struct {
		const char	*s;
		int		 ok;
		size_t		 bytes;
	} cases[] = {
		{ "10MiB", 1, 10485760 }, { "512KiB", 1, 524288 },
		{ "1GB", 1, 1000000000 }, { "1GiB", 1, 1073741824 },
		{ "100", 1, 100 }, { "100B", 1, 100 }, { "1kB", 1, 1000 },
		{ "1KB", 1, 1000 }, { "2 MB", 1, 2000000 },
		{ "10mib", 1, 10485760 }, { "0", 1, 0 },
		{ "", 0, 0 }, { "MiB", 0, 0 }, { "10XB", 0, 0 },
		{ "-1", 0, 0 }, { "1.5MiB", 0, 0 }, { "10 MiB x", 0, 0 },
		{ "99999999999999999999", 0, 0 }, { "20000000000GiB", 0, 0 },
	};
	size_t	 i, n;

	(void)state;
	for (i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		n = 12345;
		if ((config_parse_size(cases[i].s, &n) == 0) != cases[i].ok)
			fail_msg("size \"%s\": want %s", cases[i].s,
			    cases[i].ok ? "ok" : "an error");
		if (cases[i].ok)
			assert_int_equal(n, cases[i].bytes);
	}
	printf("sizes: %zu cases ok\n", i);
}

static void
test_bools(void **state)
{
	static const struct {
		const char	*s;
		int		 ok;
		bool		 b;
	} cases[] = {
		{ "true", 1, true }, { "yes", 1, true }, { "on", 1, true },
		{ "TRUE", 1, true }, { "false", 1, false }, { "no", 1, false },
		{ "Off", 1, false }, { "1", 0, false }, { "", 0, false },
		{ "truee", 0, false },
	};
	size_t	 i;
	bool	 b;

	(void)state;
	for (i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		b = !cases[i].b;
		if ((config_parse_bool(cases[i].s, &b) == 0) != cases[i].ok)
			fail_msg("bool \"%s\": want %s", cases[i].s,
			    cases[i].ok ? "ok" : "an error");
		if (cases[i].ok)
			assert_int_equal(b, cases[i].b);
	}
	printf("booleans: %zu cases ok\n", i);
}

/* Writes len bytes to a fresh file under /tmp and returns its name. */
static void
write_temp(char *path, size_t pathlen, const char *buf, size_t len)
{
	int	 fd;

	snprintf(path, pathlen, "/tmp/test_config.XXXXXX");
	fd = mkstemp(path);
	assert_true(fd != -1);
	assert_int_equal(write(fd, buf, len), (ssize_t)len);
	close(fd);
}

/* Hostile and broken input: a result or errors, never a crash. */
static void
test_garbage(void **state)
{
	static const struct {
		const char	*text;
		size_t		 len;	/* 0: strlen */
	} cases[] = {
		{ "\"unterminated", 0 },
		{ "'unterminated", 0 },
		{ "listen = \"a\\", 0 },
		{ "/* never closed", 0 },
		{ "}}}}", 0 },
		{ "{{{{", 0 },
		{ "source", 0 },
		{ "source \"a\"", 0 },
		{ "source \"a\" {", 0 },
		{ "source { url = x }", 0 },
		{ "source \"a\" { topics += {\"x\"} topics = {} }", 0 },
		{ "topic \"t\" { phrases = {} }", 0 },
		{ "include(", 0 },
		{ "include()", 0 },
		{ "include(\"/etc\")", 0 },
		{ "include(\"\")", 0 },
		{ "x(\"a\") y \"b\" { z { w = 1 } } v = {1,2}", 0 },
		{ "a { b { c { d { e { f { g = 1 } } } } } }", 0 },
		{ "source|url = \"x\"", 0 },
		{ "\"=\" = \"{\"", 0 },
		{ "__open = 1", 0 },
		{ "source \"a\" { __open = 1 }", 0 },
		{ "listen = ${HOME}", 0 },
		{ "listen = \"\\377\\376\"", 0 },
		{ "title = \"\x80\xff\"", 0 },
		{ "listen\0= \"x\"", 13 },
		{ "\0", 1 },
		{ "source \"a\" {\n\0\0}", 16 },	/* found by fuzz_config */
		{ "\x01\x02\x03\x04\xff\xfe", 0 },
	};
	struct config	*c;
	char		 path[64], *errors, *big;
	size_t		 i, j, n = 0;

	(void)state;
	for (i = 0; i < sizeof(cases) / sizeof(cases[0]); i++, n++) {
		write_temp(path, sizeof(path), cases[i].text,
		    cases[i].len != 0 ? cases[i].len : strlen(cases[i].text));
		c = load_quiet(path, &errors);
		assert_true((c == NULL) != (errors == NULL));
		if (errors != NULL) {
			/* one line each, file and message */
			assert_true(strncmp(errors, path, strlen(path)) == 0);
			assert_true(errors[strlen(errors) - 1] == '\n');
		}
		config_free(c);
		free(errors);
		unlink(path);
	}

	/* Many unknown keys: one parse each, within bounds. */
	big = malloc(200 * 16);
	assert_non_null(big);
	for (i = 0, j = 0; i < 200; i++)
		j += sprintf(big + j, "k%d = 1\n", (int)i);
	write_temp(path, sizeof(path), big, j);
	c = load_quiet(path, &errors);
	assert_null(c);
	assert_non_null(strstr(errors, ": too many unknown keys\n"));
	assert_non_null(strstr(errors, ":1: unknown key \"k0\"\n"));
	free(errors);
	unlink(path);
	free(big);
	n++;

	/* Deep braces and a long token. */
	big = malloc(100001);
	assert_non_null(big);
	memset(big, '{', 50000);
	memset(big + 50000, 'x', 50000);
	write_temp(path, sizeof(path), big, 100000);
	c = load_quiet(path, &errors);
	assert_null(c);
	free(errors);
	unlink(path);
	free(big);
	n++;

	printf("garbage: %zu inputs, no crash, errors well-formed ok\n", n);
}

/* What the loader checks before libconfuse reads a file, and include
 * depth: verbatim messages, on files made here. */
static void
test_lexical(void **state)
{
	static const struct {
		const char	*text;
		size_t		 len;	/* 0: strlen */
		const char	*errors;	/* after "FILE" */
	} cases[] = {
		{ "listen = \"127.0.0.1:80\"\ntitle = \"open\n\n", 0,
		    ":2: string never closed\n" },
		{ "a = 'open\\", 0, ":1: string never closed\n" },
		{ "# 'quotes in comments' \"do not count\nlisten = \"1.2.3.4:5\"\n"
		    "x = \"#not a comment\" // but this is\n", 0,
		    ":3: unknown key \"x\"\n" },
		{ "topic \"t\" {\n phrases = {\"a\"}\n\0}\n", 32,
		    ":3: NUL byte in the file\n" },
		{ "source \"a\" {\n url = \"http://a/\"\n", 0,
		    ":1: \"{\" is never closed\n" },
		{ "}\n", 0, ":1: unexpected closing brace\n" },
		{ "listen = {\"1.2.3.4:5\"\n", 0, ":2: premature end of file\n" },
		/* A half-written include (libconfuse leaked its argument). */
		{ "listen = \"1.2.3.4:5\"\ninclude(\"topics.conf\"", 0,
		    ":2: \"(\" is never closed\n" },
		{ "include(\n\"a.conf\",\n", 0, ":1: \"(\" is never closed\n" },
		/* A call's arguments libconfuse would leak on: ours. */
		{ "include(\"a.conf\" \"b.conf\")\n", 0,
		    ":1: syntax error in the arguments of a function call\n" },
		{ "listen = \"1.2.3.4:5\"\ninclude(\"a.conf\" = 1)\n", 0,
		    ":2: syntax error in the arguments of a function call\n" },
		{ "include(\"a.conf\",)\n", 0,
		    ":1: syntax error in the arguments of a function call\n" },
	};
	struct config	*c;
	char		 path[64], want[256], *errors, *dir;
	char		 files[10][64];
	size_t		 i;
	FILE		*fp;

	(void)state;
	for (i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		write_temp(path, sizeof(path), cases[i].text,
		    cases[i].len != 0 ? cases[i].len : strlen(cases[i].text));
		c = load_quiet(path, &errors);
		assert_null(c);
		snprintf(want, sizeof(want), "%s%s", path, cases[i].errors);
		if (strcmp(errors, want) != 0)
			fail_msg("case %zu: got\n%s\nwant\n%s", i, errors,
			    want);
		free(errors);
		unlink(path);
	}

	/* Nine files, each including the next: one level too deep. */
	snprintf(path, sizeof(path), "/tmp/test_config_deep.XXXXXX");
	assert_non_null(dir = mkdtemp(path));
	for (i = 0; i < 10; i++)
		snprintf(files[i], sizeof(files[i]), "%s/%zu.conf", dir, i);
	for (i = 0; i < 10; i++) {
		assert_non_null(fp = fopen(files[i], "w"));
		if (i < 9)
			fprintf(fp, "include(\"%zu.conf\")\n", i + 1);
		fclose(fp);
	}
	c = load_quiet(files[0], &errors);
	assert_null(c);
	snprintf(want, sizeof(want), "%s:1: include \"%s\": nested too "
	    "deeply\n", files[7], files[8]);
	if (strcmp(errors, want) != 0)
		fail_msg("depth: got\n%s\nwant\n%s", errors, want);
	free(errors);
	for (i = 0; i < 10; i++)
		unlink(files[i]);
	rmdir(dir);
	printf("lexical: %zu cases and include depth ok\n",
	    sizeof(cases) / sizeof(cases[0]));
}

static void
same_str(const char *what, const char *a, const char *b)
{
	if ((a == NULL) != (b == NULL) || (a != NULL && strcmp(a, b) != 0))
		fail_msg("%s: \"%s\" from the file, \"%s\" from memory", what,
		    a != NULL ? a : "(null)", b != NULL ? b : "(null)");
}

/* config_load_buf() of a file's text gives what config_load() of the file
 * does: the same errors, verbatim, or the same config. */
static void
test_buf(void **state)
{
	static const char *const files[] = {
		"good/pactfeed.conf", "good/sources.conf", "good/topics.conf",
		"good/sources-only.conf", "good/empty.conf",
		"bad/html.conf", "bad/http-limits.conf", "bad/includes.conf",
		"bad/includes-inner.conf", "bad/intervals.conf",
		"bad/intervals2.conf", "bad/repeats.conf", "bad/sections.conf",
		"bad/syntax.conf", "bad/syntax-included.conf",
		"bad/syntax-inner.conf", "bad/topic-refs.conf",
		"bad/unknown-keys.conf", "bad/values.conf",
	};
	struct config	*a, *b;
	char		 path[128], *ea, *eb, *text;
	const char	*inc;
	size_t		 i, j, len, nconf = 0;
	FILE		*fp;

	(void)state;
	for (i = 0; i < sizeof(files) / sizeof(files[0]); i++) {
		snprintf(path, sizeof(path), FIX "%s", files[i]);
		assert_non_null(fp = fopen(path, "r"));
		assert_non_null(text = malloc(1 << 16));
		len = fread(text, 1, 1 << 16, fp);
		assert_true(len < 1 << 16);
		fclose(fp);
		a = load_quiet(path, &ea);
		b = load_quiet_buf(path, text, len, &eb);
		same_str(path, ea, eb);
		assert_true((a == NULL) == (b == NULL));
		if (a != NULL) {
			nconf++;
			same_str("path", a->path, b->path);
			same_str("listen", a->listen, b->listen);
			same_str("base_url", a->base_url, b->base_url);
			assert_int_equal(a->default_interval,
			    b->default_interval);
			assert_int_equal(a->nsources, b->nsources);
			for (j = 0; j < a->nsources; j++) {
				same_str("source", a->sources[j].id,
				    b->sources[j].id);
				same_str("url", a->sources[j].url,
				    b->sources[j].url);
				same_str("file", a->sources[j].file,
				    b->sources[j].file);
				assert_int_equal(a->sources[j].line,
				    b->sources[j].line);
			}
			assert_int_equal(a->ntopics, b->ntopics);
			assert_true(config_topics_print(a) ==
			    config_topics_print(b));
		}
		config_free(a);
		config_free(b);
		free(ea);
		free(eb);
		free(text);
	}

	/* A name with no file behind: includes still resolve beside it;
	 * one of itself is a missing file. */
	inc = "include(\"sources.conf\")\ninclude(\"nofile.conf\")\n";
	a = load_quiet_buf(FIX "good/nofile.conf", inc, strlen(inc), &ea);
	assert_null(a);
	same_str("nofile", ea, FIX "good/nofile.conf:2: include \""
	    FIX "good/nofile.conf\": No such file or directory\n");
	free(ea);
	inc = "include(\"sources.conf\")\n";
	a = load_quiet_buf(FIX "good/nofile.conf", inc, strlen(inc), &ea);
	if (a == NULL)
		fail_msg("%s", ea);
	assert_true(a->nsources > 0);
	same_str("source file", a->sources[0].file, FIX "good/sources.conf");
	config_free(a);
	/* Of an existing file, a file that includes itself; the text given
	 * is what counts, not the file's. */
	inc = "include(\"empty.conf\")\n";
	a = load_quiet_buf(FIX "good/empty.conf", inc, strlen(inc), &ea);
	assert_null(a);
	same_str("self", ea, FIX "good/empty.conf:1: include \""
	    FIX "good/empty.conf\": includes itself\n");
	free(ea);
	/* No text at all, as an empty file. */
	a = load_quiet_buf(FIX "good/nofile.conf", "", 0, &ea);
	if (a == NULL)
		fail_msg("%s", ea);
	assert_null(ea);
	config_free(a);
	printf("buf: %zu files (%zu configs) load alike from memory, "
	    "4 cases of includes and no text ok\n",
	    sizeof(files) / sizeof(files[0]), nconf);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_good),
		cmocka_unit_test(test_partial),
		cmocka_unit_test(test_default_conf),
		cmocka_unit_test(test_errors),
		cmocka_unit_test(test_durations),
		cmocka_unit_test(test_sizes),
		cmocka_unit_test(test_bools),
		cmocka_unit_test(test_lexical),
		cmocka_unit_test(test_garbage),
		cmocka_unit_test(test_buf),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
