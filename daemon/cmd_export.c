/*
 * pactfeed export [-c FILE] [--topic ID] [--source ID] [--query Q]
 *     [--lang L] [--since DATE] [--cursor C]: the Atom page the server
 * would send for the same feed, on stdout. Without --query it is
 * /feed.atom (or the topic's or source's feed); with it, /search.atom.
 */

#include "cmd.h"

#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "config.h"
#include "log.h"
#include "render.h"
#include "store.h"
#include "xmalloc.h"

int
cmd_export(int argc, char *argv[])
{
	static const struct option longopts[] = {
		{ "topic",	required_argument, NULL, 't' },
		{ "source",	required_argument, NULL, 's' },
		{ "query",	required_argument, NULL, 'q' },
		{ "lang",	required_argument, NULL, 'l' },
		{ "since",	required_argument, NULL, 'S' },
		{ "cursor",	required_argument, NULL, 'C' },
		{ NULL, 0, NULL, 0 }
	};
	struct render_feed	 rf = { 0 };
	struct config		*cfg = NULL;
	struct store		*st = NULL;
	const char		*path = cmd_default_config();
	const char		*keys[8], *vals[8];
	size_t			 nparams = 0;
	char			*errors, *doc = NULL, err[512];
	size_t			 len;
	int			 ch, notfound, rc = EXIT_BADINPUT;

	rf.route = RENDER_ALL;
	while ((ch = getopt_long(argc, argv, "c:", longopts, NULL)) != -1) {
		if (ch == 'c') {
			path = optarg;
			continue;
		}
		if (nparams == sizeof(keys) / sizeof(keys[0]))
			cmd_usage();
		switch (ch) {
		case 't':
			keys[nparams] = "topic";
			if (rf.route != RENDER_SEARCH)
				rf.route = RENDER_TOPIC;
			break;
		case 's':
			keys[nparams] = "source";
			if (rf.route == RENDER_ALL)
				rf.route = RENDER_SOURCE;
			break;
		case 'q':
			keys[nparams] = "q";
			rf.route = RENDER_SEARCH;
			break;
		case 'l':
			keys[nparams] = "lang";
			break;
		case 'S':
			keys[nparams] = "since";
			break;
		case 'C':
			keys[nparams] = "cursor";
			break;
		default:
			cmd_usage();
		}
		vals[nparams++] = optarg;
	}
	if (optind != argc)
		cmd_usage();
	for (size_t i = 0; i < nparams; i++) {
		/* The route's own id is set first, as its path would. */
		if ((rf.route == RENDER_TOPIC && strcmp(keys[i], "topic") == 0 &&
		    rf.topic == NULL) || (rf.route == RENDER_SOURCE &&
		    strcmp(keys[i], "source") == 0 && rf.source == NULL)) {
			if (rf.route == RENDER_TOPIC)
				rf.topic = xstrdup(vals[i]);
			else
				rf.source = xstrdup(vals[i]);
			continue;
		}
		if (render_feed_param(&rf, keys[i], vals[i], err,
		    sizeof(err)) == -1) {
			log_warnx("export: %s", err);
			goto done;
		}
	}
	if ((cfg = config_load(path, &errors)) == NULL) {
		fputs(errors != NULL ? errors : "", stderr);
		free(errors);
		goto done;
	}
	if (render_feed_check(&rf, cfg, &notfound, err, sizeof(err)) == -1) {
		log_warnx("export: %s", err);
		goto done;
	}
	rc = EXIT_RUNTIME;
	if ((st = store_open(cfg->database, err, sizeof(err))) == NULL) {
		log_warnx("%s", err);
		goto done;
	}
	if ((doc = render_atom(st, cfg, &rf, &len, err, sizeof(err))) == NULL) {
		log_warnx("export: %s", err);
		goto done;
	}
	if (fwrite(doc, 1, len, stdout) == len && fflush(stdout) == 0)
		rc = 0;
	else
		log_warn("export: stdout");
done:
	free(doc);
	store_close(st);
	config_free(cfg);
	render_feed_clear(&rf);
	return rc;
}
