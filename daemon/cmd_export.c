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

#include "config.h"
#include "log.h"
#include "render.h"
#include "store.h"

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
	const char		*path = cmd_default_config(), *key;
	char			*errors, *doc = NULL, err[512];
	size_t			 len;
	int			 ch, notfound, rc = EXIT_BADINPUT;

	rf.route = RENDER_ALL;
	while ((ch = getopt_long(argc, argv, "c:", longopts, NULL)) != -1) {
		switch (ch) {
		case 'c':
			path = optarg;
			continue;
		case 't':
			key = "topic";
			break;
		case 's':
			key = "source";
			break;
		case 'q':
			key = "q";
			rf.route = RENDER_SEARCH;
			break;
		case 'l':
			key = "lang";
			break;
		case 'S':
			key = "since";
			break;
		case 'C':
			key = "cursor";
			break;
		default:
			cmd_usage();
		}
		if (render_feed_param(&rf, key, optarg, err,
		    sizeof(err)) == -1) {
			log_warnx("export: %s", err);
			goto done;
		}
	}
	if (optind != argc)
		cmd_usage();
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
