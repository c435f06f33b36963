/*
 * pactfeed tag: the tagger on JSON lines, for evaluation and debugging.
 * Each input line {"id", "title", "summary", "lang"} (a "content" member
 * is used too when present) gives one output line {"id", "topics": [...]},
 * in input order, with "why" (topic id -> phrases that fired) under
 * --explain. Topics come from the configuration (-c), which may be a
 * topics.conf alone. A summary or content holding "<" is read as HTML.
 * "lang" is not needed: phrases of every language apply to every item.
 */

#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <jansson.h>

#include "cmd.h"
#include "config.h"
#include "log.h"
#include "tag.h"

/* Tags one parsed line and prints its result; -1 on a write error. */
static int
cmd_tag_item(struct tagger *tg, json_t *item, bool explain)
{
	struct tag_doc		 doc = { 0 };
	const struct tag_hit	*hits;
	json_t			*out, *topics, *why = NULL;
	char			*s;
	size_t			 n;
	int			 rc;

	doc.title = json_string_value(json_object_get(item, "title"));
	doc.summary = json_string_value(json_object_get(item, "summary"));
	doc.summary_html = doc.summary != NULL &&
	    strchr(doc.summary, '<') != NULL;
	doc.content = json_string_value(json_object_get(item, "content"));
	doc.content_html = doc.content != NULL &&
	    strchr(doc.content, '<') != NULL;
	n = tag_doc(tg, &doc, explain ? TAG_EXPLAIN : 0, &hits);

	out = json_object();
	json_object_set(out, "id", json_object_get(item, "id") != NULL ?
	    json_object_get(item, "id") : json_null());
	topics = json_array();
	if (explain)
		why = json_object();
	for (size_t i = 0; i < n; i++) {
		json_array_append_new(topics, json_string(hits[i].id));
		if (explain)
			json_object_set_new(why, hits[i].id,
			    json_string(hits[i].why));
	}
	json_object_set_new(out, "topics", topics);
	if (explain)
		json_object_set_new(out, "why", why);
	s = json_dumps(out, JSON_COMPACT | JSON_ENSURE_ASCII);
	rc = s != NULL && puts(s) != EOF ? 0 : -1;
	free(s);
	json_decref(out);
	return rc;
}

int
cmd_tag(int argc, char *argv[])
{
	static const struct option longopts[] = {
		{ "topics",	required_argument, NULL, 't' },
		{ "explain",	no_argument,	   NULL, 'e' },
		{ NULL, 0, NULL, 0 }
	};
	const char	*path = cmd_default_config(), *input = NULL;
	struct config	*conf;
	struct tagger	*tg;
	json_error_t	 jerr;
	json_t		*item;
	FILE		*fp;
	char		*line = NULL, *errors = NULL, err[512];
	size_t		 cap = 0, lineno = 0;
	ssize_t		 len;
	bool		 explain = false;
	int		 ch, rc = 0;

	while ((ch = getopt_long(argc, argv, "c:t:e", longopts, NULL)) != -1) {
		switch (ch) {
		case 'c':
			path = optarg;
			break;
		case 't':
			input = optarg;
			break;
		case 'e':
			explain = true;
			break;
		default:
			cmd_usage();
		}
	}
	if (optind != argc || input == NULL)
		cmd_usage();

	if ((conf = config_load(path, &errors)) == NULL) {
		fputs(errors != NULL ? errors : "", stderr);
		free(errors);
		return EXIT_BADINPUT;
	}
	tg = tag_new(conf->topics, conf->ntopics, err, sizeof(err));
	config_free(conf);
	if (tg == NULL) {
		log_warnx("%s", err);
		return EXIT_BADINPUT;
	}
	if (strcmp(input, "-") == 0)
		fp = stdin;
	else if ((fp = fopen(input, "r")) == NULL) {
		log_warn("%s", input);
		tag_free(tg);
		return EXIT_BADINPUT;
	}

	while ((len = getline(&line, &cap, fp)) != -1) {
		lineno++;
		if (strspn(line, " \t\r\n") == (size_t)len)
			continue;		/* blank lines are no items */
		item = json_loadb(line, len, 0, &jerr);
		if (item == NULL || !json_is_object(item)) {
			log_warnx("%s:%zu: %s", input, lineno, item == NULL ?
			    jerr.text : "not a JSON object");
			json_decref(item);
			rc = EXIT_BADINPUT;
			break;
		}
		if (cmd_tag_item(tg, item, explain) == -1) {
			log_warn("stdout");
			json_decref(item);
			rc = EXIT_RUNTIME;
			break;
		}
		json_decref(item);
	}
	if (rc == 0 && ferror(fp)) {
		log_warn("%s", input);
		rc = EXIT_BADINPUT;
	}
	free(line);
	if (fp != stdin)
		fclose(fp);
	tag_free(tg);
	if (fflush(stdout) != 0 && rc == 0)
		rc = EXIT_RUNTIME;
	return rc;
}
