/*
 * pactfeed sources import [-c FILE] [--write] FILE.opml
 * pactfeed sources export [-c FILE]
 *
 * import turns the feeds of an OPML subscription list into source blocks:
 * ids derived from the titles and unlike every configured id, feeds whose
 * URL is already configured (compared in canonical form) left out. It
 * prints the blocks, or with --write appends them to the sources file:
 * the file -c names when that is called sources.conf, else sources.conf
 * beside it, which the main file must include by that name. The result
 * is loaded with config_load, the main file's include pointed at the new
 * text, before it replaces the old file by rename(2): an import that would
 * not load changes nothing. export writes every source as OPML 2.0.
 */

#include "cmd.h"

#include <sys/stat.h>

#include <errno.h>
#include <fcntl.h>
#include <getopt.h>
#include <libgen.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "config.h"
#include "opml.h"
#include "text.h"
#include "url.h"
#include "xmalloc.h"

#define SOURCES_FILE	"sources.conf"

struct cmd_sources_import {
	const char	*opml_path;
	struct buf	 blocks;
	size_t		 added;
	size_t		 skipped;
};

/* A libconfuse string for s: in single quotes, which keep everything as
 * it is, unless s holds one; then in double quotes, escaped. */
static void
cmd_sources_quote(struct buf *b, const char *s)
{
	if (strchr(s, '\'') == NULL) {
		buf_printf(b, "'%s'", s);
		return;
	}
	buf_addc(b, '"');
	for (; *s != '\0'; s++) {
		if (*s == '"' || *s == '\\' || *s == '$')
			buf_addc(b, '\\');
		buf_addc(b, *s);
	}
	buf_addc(b, '"');
}

/* s on one line: control characters become spaces, runs of space one,
 * none at either end. Returns a new string, NULL when nothing is left. */
static char *
cmd_sources_one_line(const char *s)
{
	struct buf	 b = { 0 };
	char		*r;

	if (s == NULL)
		return NULL;
	for (; *s != '\0'; s++) {
		unsigned char c = *s;

		if (c < 0x20 || c == 0x7f || c == ' ') {
			if (b.len > 0 && b.s[b.len - 1] != ' ')
				buf_addc(&b, ' ');
		} else
			buf_addc(&b, c);
	}
	while (b.len > 0 && b.s[b.len - 1] == ' ')
		b.len--;
	if (b.len == 0) {
		buf_free(&b);
		return NULL;
	}
	b.s[b.len] = '\0';
	r = buf_release(&b);
	return r;
}

static void
cmd_sources_skip(struct cmd_sources_import *im, long line, const char *title,
    const char *why)
{
	fprintf(stderr, "%s:%ld: \"%s\": %s, skipped\n", im->opml_path, line,
	    title != NULL ? title : "", why);
	im->skipped++;
}

/* Appends the block of every new feed of o to im->blocks. */
static void
cmd_sources_collect(struct cmd_sources_import *im, const struct config *conf,
    const struct opml *o)
{
	const char	**taken;
	char		**canon, *c, *title, *id, why[512];
	size_t		 ntaken = 0, i, j, nconf = conf->nsources;

	taken = xcalloc(nconf + o->n + 1, sizeof(*taken));
	canon = xcalloc(nconf + o->n + 1, sizeof(*canon));
	for (i = 0; i < nconf; i++) {
		taken[ntaken] = conf->sources[i].id;
		canon[ntaken++] = url_canonical(conf->sources[i].url);
	}
	for (i = 0; i < o->n; i++) {
		const struct opml_outline *ol = &o->v[i];

		title = cmd_sources_one_line(ol->title);
		if (ol->xml_url == NULL) {
			cmd_sources_skip(im, ol->line, title, "no xmlUrl");
			free(title);
			continue;
		}
		if ((c = url_canonical(ol->xml_url)) == NULL) {
			snprintf(why, sizeof(why), "\"%s\" is not an http or "
			    "https URL", ol->xml_url);
			cmd_sources_skip(im, ol->line, title, why);
			free(title);
			continue;
		}
		for (j = 0; j < ntaken; j++)
			if (canon[j] != NULL && strcmp(canon[j], c) == 0)
				break;
		if (j < ntaken) {
			snprintf(why, sizeof(why), "%s already %s source "
			    "\"%s\"", ol->xml_url, j < nconf ? "configured as" :
			    "imported as", taken[j]);
			cmd_sources_skip(im, ol->line, title, why);
			free(title);
			free(c);
			continue;
		}
		id = opml_make_id(title, ol->xml_url, taken, ntaken);
		buf_printf(&im->blocks, "\nsource \"%s\" {\n", id);
		if (title != NULL) {
			buf_adds(&im->blocks, "\ttitle\t= ");
			cmd_sources_quote(&im->blocks, title);
			buf_addc(&im->blocks, '\n');
		}
		buf_adds(&im->blocks, "\turl\t= ");
		cmd_sources_quote(&im->blocks, ol->xml_url);
		buf_adds(&im->blocks, "\n}\n");
		taken[ntaken] = id;		/* freed below */
		canon[ntaken++] = c;
		im->added++;
		free(title);
	}
	for (i = 0; i < ntaken; i++) {
		if (i >= nconf)
			free((char *)taken[i]);
		free(canon[i]);
	}
	free(taken);
	free(canon);
}

/* Where in text the main file includes name: the offsets of the quoted
 * name (quotes included) in include("name") outside a comment. */
static int
cmd_sources_find_include(const char *text, const char *name, size_t *start,
    size_t *end)
{
	const char	*p = text, *q, *line;
	size_t		 nlen = strlen(name);

	while ((p = strstr(p, "include")) != NULL) {
		for (line = p; line > text && line[-1] != '\n'; line--)
			;
		q = p + 7;
		p = q;
		/* Not in a comment that starts on this line. */
		if (memchr(line, '#', q - line) != NULL ||
		    memmem(line, q - line, "//", 2) != NULL)
			continue;
		while (*q == ' ' || *q == '\t')
			q++;
		if (*q++ != '(')
			continue;
		while (*q == ' ' || *q == '\t')
			q++;
		if (*q != '"' || strncmp(q + 1, name, nlen) != 0 ||
		    q[1 + nlen] != '"')
			continue;
		*start = q - text;
		*end = *start + nlen + 2;
		return 0;
	}
	return -1;
}

/* Writes len bytes to a new temporary file beside path (mode of mode),
 * synced; returns its name or NULL. */
static char *
cmd_sources_write_temp(const char *dir, const char *base, const char *data,
    size_t len, mode_t mode)
{
	char	*tmp;
	ssize_t	 n;
	size_t	 off = 0;
	int	 fd;

	tmp = xasprintf("%s/.%s.XXXXXX", dir, base);
	if ((fd = mkstemp(tmp)) == -1) {
		fprintf(stderr, "pactfeed: %s: %s\n", tmp, strerror(errno));
		free(tmp);
		return NULL;
	}
	if (fchmod(fd, mode & 07777) == -1)
		goto fail;
	while (off < len) {
		if ((n = write(fd, data + off, len - off)) == -1) {
			if (errno == EINTR)
				continue;
			goto fail;
		}
		off += n;
	}
	if (fsync(fd) == -1 || close(fd) == -1) {
		fd = -1;
		goto fail;
	}
	return tmp;
fail:
	fprintf(stderr, "pactfeed: %s: %s\n", tmp, strerror(errno));
	if (fd != -1)
		close(fd);
	unlink(tmp);
	free(tmp);
	return NULL;
}

/* Prints config_load's errors, naming the temporary file as the file
 * it stands for. */
static void
cmd_sources_print_errors(const char *errors, const char *tmp,
    const char *target)
{
	const char	*p, *q;
	size_t		 tlen = strlen(tmp);

	for (p = errors != NULL ? errors : ""; (q = strstr(p, tmp)) != NULL;
	    p = q + tlen) {
		fwrite(p, 1, q - p, stderr);
		fprintf(stderr, "%s (new)", target);
	}
	fputs(p, stderr);
}

/* Appends blocks to the sources file of the config at path, only if the
 * whole config still loads. */
static int
cmd_sources_append(const char *path, const char *blocks)
{
	struct stat	 st;
	struct buf	 nb = { 0 }, mb = { 0 };
	struct config	*conf;
	char		*pathdup, *dir, *target, *old = NULL, *mtext = NULL;
	char		*tmp = NULL, *tmpmain = NULL, *errors = NULL;
	char		*pathdup2, *mainbase;
	size_t		 oldlen, mlen = 0, s = 0, e = 0;
	bool		 self;
	int		 rc = EXIT_RUNTIME, fd;

	pathdup = xstrdup(path);
	pathdup2 = xstrdup(path);
	dir = dirname(pathdup);
	mainbase = basename(pathdup2);
	self = strcmp(mainbase, SOURCES_FILE) == 0;
	target = self ? xstrdup(path) : xasprintf("%s/%s", dir, SOURCES_FILE);

	if ((old = cmd_read_file(target, &oldlen)) == NULL ||
	    stat(target, &st) == -1) {
		fprintf(stderr, "pactfeed: %s: %s\n", target, strerror(errno));
		rc = EXIT_BADINPUT;
		goto done;
	}
	if (!self) {
		if ((mtext = cmd_read_file(path, &mlen)) == NULL) {
			fprintf(stderr, "pactfeed: %s: %s\n", path,
			    strerror(errno));
			goto done;
		}
		if (cmd_sources_find_include(mtext, SOURCES_FILE, &s, &e) ==
		    -1) {
			fprintf(stderr, "pactfeed: %s does not include(\"%s\"):"
			    " run without --write and paste the sources where"
			    " they belong\n", path, SOURCES_FILE);
			rc = EXIT_BADINPUT;
			goto done;
		}
	}

	buf_add(&nb, old, oldlen);
	if (oldlen > 0 && old[oldlen - 1] != '\n')
		buf_addc(&nb, '\n');
	buf_adds(&nb, blocks);
	if ((tmp = cmd_sources_write_temp(dir, SOURCES_FILE, nb.s, nb.len,
	    st.st_mode)) == NULL)
		goto done;
	if (!self) {
		/* The main file as it is, including the new text instead. */
		char *tbase = strrchr(tmp, '/') + 1;

		buf_add(&mb, mtext, s);
		buf_printf(&mb, "\"%s\"", tbase);
		buf_add(&mb, mtext + e, mlen - e);
		if ((tmpmain = cmd_sources_write_temp(dir, mainbase, mb.s,
		    mb.len, 0600)) == NULL)
			goto done;
	}
	if ((conf = config_load(self ? tmp : tmpmain, &errors)) == NULL) {
		fprintf(stderr, "pactfeed: with the new sources the "
		    "configuration would not load; %s is unchanged:\n",
		    target);
		cmd_sources_print_errors(errors, tmp, target);
		rc = EXIT_BADINPUT;
		goto done;
	}
	config_free(conf);
	if (rename(tmp, target) == -1) {
		fprintf(stderr, "pactfeed: rename %s: %s\n", target,
		    strerror(errno));
		goto done;
	}
	free(tmp);
	tmp = NULL;
	if ((fd = open(dir, O_RDONLY | O_DIRECTORY)) != -1) {
		fsync(fd);
		close(fd);
	}
	rc = 0;
done:
	if (tmp != NULL)
		unlink(tmp);
	if (tmpmain != NULL)
		unlink(tmpmain);
	if (rc == 0)
		fprintf(stderr, "pactfeed: appended to %s\n", target);
	free(tmp);
	free(tmpmain);
	free(errors);
	free(old);
	free(mtext);
	buf_free(&nb);
	buf_free(&mb);
	free(target);
	free(pathdup);
	free(pathdup2);
	return rc;
}

static struct config *
cmd_sources_config(const char *path)
{
	struct config	*conf;
	char		*errors;

	if ((conf = config_load(path, &errors)) == NULL) {
		fputs(errors != NULL ? errors : "", stderr);
		free(errors);
	}
	return conf;
}

static int
cmd_sources_import(const char *path, const char *opml_path, bool write)
{
	struct cmd_sources_import	 im = { 0 };
	struct config			*conf;
	struct opml			*o = NULL;
	char				*body, err[512];
	size_t				 len;
	int				 rc = EXIT_BADINPUT;

	im.opml_path = opml_path;
	if ((conf = cmd_sources_config(path)) == NULL)
		return EXIT_BADINPUT;
	if ((body = cmd_read_file(opml_path, &len)) == NULL) {
		fprintf(stderr, "pactfeed: %s: %s\n", opml_path,
		    strerror(errno));
		goto done;
	}
	if ((o = opml_read(body, len, err, sizeof(err))) == NULL) {
		fprintf(stderr, "pactfeed: %s: %s\n", opml_path, err);
		goto done;
	}
	cmd_sources_collect(&im, conf, o);
	if (im.added == 0 && im.skipped == 0) {
		fprintf(stderr, "pactfeed: %s: no feeds in this OPML\n",
		    opml_path);
		goto done;
	}
	if (im.added == 0)
		rc = 0;
	else if (write) {
		struct buf	h = { 0 };

		buf_printf(&h, "\n# Imported from %s", opml_path);
		if (o->title != NULL) {
			char *t = cmd_sources_one_line(o->title);

			if (t != NULL)
				buf_printf(&h, " (%s)", t);
			free(t);
		}
		buf_addc(&h, '\n');
		buf_add(&h, im.blocks.s, im.blocks.len);
		rc = cmd_sources_append(path, h.s);
		buf_free(&h);
	} else {
		fputs(im.blocks.s + 1, stdout);	/* no blank first line */
		rc = fflush(stdout) == 0 ? 0 : EXIT_RUNTIME;
	}
	if (rc == 0)
		fprintf(stderr, "pactfeed: %s: %zu new sources%s, %zu "
		    "skipped\n", opml_path, im.added, write && im.added > 0 ?
		    " written" : "", im.skipped);
done:
	buf_free(&im.blocks);
	opml_free(o);
	free(body);
	config_free(conf);
	return rc;
}

static int
cmd_sources_export(const char *path)
{
	struct config	*conf;
	char		*out, err[256];
	size_t		 len;
	int		 rc = 0;

	if ((conf = cmd_sources_config(path)) == NULL)
		return EXIT_BADINPUT;
	out = opml_write(conf->sources, conf->nsources, conf->feed_title,
	    time(NULL), &len, err, sizeof(err));
	if (out == NULL) {
		fprintf(stderr, "pactfeed: %s\n", err);
		rc = EXIT_RUNTIME;
	} else if (fwrite(out, 1, len, stdout) != len || fflush(stdout) != 0)
		rc = EXIT_RUNTIME;
	free(out);
	config_free(conf);
	return rc;
}

int
cmd_sources(int argc, char *argv[])
{
	static const struct option longopts[] = {
		{ "write",	no_argument,		NULL, 'w' },
		{ "config",	required_argument,	NULL, 'c' },
		{ NULL,		0,			NULL, 0 }
	};
	const char	*path = cmd_default_config(), *verb;
	bool		 write = false;
	int		 ch;

	if (argc < 2)
		cmd_usage();
	verb = argv[1];
	argc--;
	argv++;
	while ((ch = getopt_long(argc, argv, "c:w", longopts, NULL)) != -1) {
		switch (ch) {
		case 'c':
			path = optarg;
			break;
		case 'w':
			write = true;
			break;
		default:
			cmd_usage();
		}
	}
	argc -= optind;
	argv += optind;
	if (strcmp(verb, "import") == 0 && argc == 1)
		return cmd_sources_import(path, argv[0], write);
	if (strcmp(verb, "export") == 0 && argc == 0 && !write)
		return cmd_sources_export(path);
	cmd_usage();
}
