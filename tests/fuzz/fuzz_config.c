/*
 * libFuzzer target for the config loader: the input is loaded as the text
 * of fuzz.conf (config_load_buf, the loader of config_load with the top
 * file's text in memory: no file written and read per input). It must
 * give a config or errors, never a crash or a leak.
 *
 * fuzz.conf lies in a directory of its own, made once and removed at exit,
 * which also holds the two files the shipped pactfeed.conf includes
 * (sources.conf and topics.conf, a few lines each): includes in the input
 * resolve there and nowhere else, so a run does not depend on what happens
 * to lie in /tmp. fuzz.conf itself is an empty file, there so that an
 * include of it is refused as including itself, as from a file.
 */

#include <sys/stat.h>

#include <fcntl.h>
#include <limits.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "config.h"

int		 LLVMFuzzerInitialize(int *, char ***);
int		 LLVMFuzzerTestOneInput(const uint8_t *, size_t);
const char	*__lsan_default_suppressions(void);

static const struct {
	const char	*name;
	const char	*text;
} fuzz_config_files[] = {
	{ "sources.conf",
	    "source \"s\" {\n\ttitle = \"S\"\n"
	    "\turl = \"https://example.org/feed.xml\"\n"
	    "\ttopics = { \"t\" }\n}\n" },
	{ "topics.conf",
	    "topic \"t\" {\n\tname = \"T\"\n"
	    "\tphrases = { \"asylum\", \"screening*\" }\n}\n" },
};

static char	fuzz_config_dir[] = "/tmp/fuzz_config.XXXXXX";
static char	fuzz_config_path[PATH_MAX];

/*
 * XXX libconfuse 3.3 leaks the arguments of a function call that ends in
 * a syntax error ('include("a" x)': some 30 bytes; cfg_parse_internal's
 * error path never frees them). Our own use of libconfuse (cfg_free of
 * every pass) is checked for leaks by test_config under the sanitizers,
 * without this suppression.
 */
const char *
__lsan_default_suppressions(void)
{
	return "leak:libconfuse.so\n";
}

static void
fuzz_config_write(const char *path, const void *data, size_t size)
{
	int	fd;

	if ((fd = open(path, O_WRONLY | O_CREAT | O_TRUNC, 0600)) == -1)
		abort();
	if (write(fd, data, size) != (ssize_t)size)
		abort();
	close(fd);
}

static void
fuzz_config_cleanup(void)
{
	char	path[PATH_MAX];
	size_t	i;

	for (i = 0; i < sizeof(fuzz_config_files) /
	    sizeof(*fuzz_config_files); i++) {
		snprintf(path, sizeof(path), "%s/%s", fuzz_config_dir,
		    fuzz_config_files[i].name);
		unlink(path);
	}
	unlink(fuzz_config_path);
	rmdir(fuzz_config_dir);
}

int
LLVMFuzzerInitialize(int *argc, char ***argv)
{
	char	path[PATH_MAX];
	size_t	i;

	(void)argc;
	(void)argv;
	if (mkdtemp(fuzz_config_dir) == NULL)
		abort();
	atexit(fuzz_config_cleanup);
	for (i = 0; i < sizeof(fuzz_config_files) /
	    sizeof(*fuzz_config_files); i++) {
		snprintf(path, sizeof(path), "%s/%s", fuzz_config_dir,
		    fuzz_config_files[i].name);
		fuzz_config_write(path, fuzz_config_files[i].text,
		    strlen(fuzz_config_files[i].text));
	}
	snprintf(fuzz_config_path, sizeof(fuzz_config_path), "%s/fuzz.conf",
	    fuzz_config_dir);
	fuzz_config_write(fuzz_config_path, "", 0);
	return 0;
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct config	*c;
	char		*errors;

	c = config_load_buf(fuzz_config_path, data, size, &errors);
	if ((c == NULL) == (errors == NULL))
		abort();
	if (errors != NULL && errors[strlen(errors) - 1] != '\n')
		abort();
	config_free(c);
	free(errors);
	return 0;
}
