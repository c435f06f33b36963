/*
 * pactfeed check-config [-c FILE]: loads the configuration as the daemon
 * would and prints every problem, one "FILE:LINE: message" a line, on
 * stderr (exit 1), or a one-line summary on stdout (exit 0).
 */

#include "cmd.h"

#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>

#include "config.h"

int
cmd_check_config(int argc, char *argv[])
{
	struct config	*conf;
	const char	*path = cmd_default_config();
	char		*errors;
	int		 ch;

	while ((ch = getopt(argc, argv, "c:")) != -1) {
		switch (ch) {
		case 'c':
			path = optarg;
			break;
		default:
			cmd_usage();
		}
	}
	if (optind != argc)
		cmd_usage();
	if ((conf = config_load(path, &errors)) == NULL) {
		fputs(errors != NULL ? errors : "", stderr);
		free(errors);
		return EXIT_BADINPUT;
	}
	printf("%s: ok, %zu sources, %zu topics\n", path, conf->nsources,
	    conf->ntopics);
	config_free(conf);
	return fflush(stdout) == 0 ? 0 : EXIT_RUNTIME;
}
