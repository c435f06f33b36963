/*
 * The command line: one executable, one subcommand per job. Exit codes
 * are a contract (tests and cron call us): 0 ok, 1 bad input or config,
 * 2 usage, 3 runtime failure.
 */

#include <errno.h>
#include <fcntl.h>
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "cmd.h"
#include "entry.h"
#include "log.h"
#include "parse.h"
#include "text.h"
#include "xmalloc.h"

void
cmd_usage(void)
{
	fprintf(stderr,
	    "usage: pactfeed serve        [-c FILE]\n"
	    "       pactfeed fetch --once [--all] [-c FILE]\n"
	    "       pactfeed export       [-c FILE] [--topic ID] [--source ID] [--query Q]\n"
	    "       pactfeed check-config [-c FILE]\n"
	    "       pactfeed parse FILE [--url URL] [--content-type TYPE]\n"
	    "       pactfeed tag --topics FILE [--explain] [-c FILE]\n"
	    "       pactfeed sources import [-c FILE] [--write] FILE.opml\n"
	    "       pactfeed sources export [-c FILE]\n"
	    "       pactfeed get URL... [--etag E] [--last-modified D] [--allow-private]\n"
	    "                    [--max-body N] [--timeout S]\n"
	    "       pactfeed version\n");
	exit(EXIT_USAGE);
}

const char *
cmd_default_config(void)
{
	return PACTFEED_SYSCONFDIR "/pactfeed.conf";
}

char *
cmd_read_file(const char *path, size_t *lenp)
{
	struct buf	 b = { 0 };
	char		 chunk[65536];
	ssize_t		 n;
	int		 fd;

	fd = strcmp(path, "-") == 0 ? STDIN_FILENO : open(path, O_RDONLY);
	if (fd == -1)
		return NULL;
	buf_add(&b, "", 0);
	while ((n = read(fd, chunk, sizeof(chunk))) != 0) {
		if (n == -1) {
			if (errno == EINTR)
				continue;
			buf_free(&b);
			if (fd != STDIN_FILENO)
				close(fd);
			return NULL;
		}
		buf_add(&b, chunk, n);
	}
	if (fd != STDIN_FILENO)
		close(fd);
	*lenp = b.len;
	return buf_release(&b);
}

int
cmd_parse(int argc, char *argv[])
{
	static const struct option longopts[] = {
		{ "url",		required_argument, NULL, 'u' },
		{ "content-type",	required_argument, NULL, 't' },
		{ NULL, 0, NULL, 0 }
	};
	struct parse_opts	 opts = { 0 };
	struct feed		*feed;
	char			*body, *json, err[256];
	size_t			 len;
	int			 ch;

	while ((ch = getopt_long(argc, argv, "u:t:", longopts, NULL)) != -1) {
		switch (ch) {
		case 'u':
			opts.url = optarg;
			break;
		case 't':
			opts.content_type = optarg;
			break;
		default:
			cmd_usage();
		}
	}
	if (optind + 1 != argc)
		cmd_usage();
	if ((body = cmd_read_file(argv[optind], &len)) == NULL) {
		log_warn("%s", argv[optind]);
		return EXIT_BADINPUT;
	}
	feed = parse_feed(body, len, &opts, err, sizeof(err));
	free(body);
	if (feed == NULL) {
		log_warnx("%s: %s", argv[optind], err);
		return EXIT_BADINPUT;
	}
	if (feed->bozo)
		log_info("%s: recovered from: %s", argv[optind],
		    feed->bozo_reason);
	json = parse_feed_json(feed);
	fputs(json, stdout);
	fputc('\n', stdout);
	free(json);
	feed_free(feed);
	return fflush(stdout) == 0 ? 0 : EXIT_RUNTIME;
}

int
main(int argc, char *argv[])
{
	static const struct {
		const char	*name;
		int		(*run)(int, char *[]);
	} cmds[] = {
		{ "check-config", cmd_check_config },
		{ "export",	cmd_export },
		{ "fetch",	cmd_fetch },
		{ "get",	cmd_get },
		{ "parse",	cmd_parse },
		{ "serve",	cmd_serve },
		{ "sources",	cmd_sources },
		{ "tag",	cmd_tag },
	};
	const char	*cmd;

	log_init(getenv("PACTFEED_DEBUG") != NULL);
	if (argc < 2)
		cmd_usage();
	cmd = argv[1];
	if (strcmp(cmd, "version") == 0 || strcmp(cmd, "--version") == 0) {
		printf("pactfeed %s\n", PACTFEED_VERSION);
		return 0;
	}
	for (size_t i = 0; i < sizeof(cmds) / sizeof(cmds[0]); i++)
		if (strcmp(cmd, cmds[i].name) == 0)
			return cmds[i].run(argc - 1, argv + 1);
	cmd_usage();
}
