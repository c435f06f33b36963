/*
 * libFuzzer target for config_load: the input is written to a file and
 * loaded. It must give a config or errors, never a crash or a leak.
 * Includes in the input are resolved relative to /tmp; the loader only
 * reads regular files, so none can block.
 */

#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "config.h"

int		 LLVMFuzzerTestOneInput(const uint8_t *, size_t);
const char	*__lsan_default_suppressions(void);

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

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct config	*c;
	char		 path[] = "/tmp/fuzz_config.XXXXXX", *errors;
	int		 fd;

	if ((fd = mkstemp(path)) == -1)
		abort();
	if (write(fd, data, size) != (ssize_t)size)
		abort();
	close(fd);
	c = config_load(path, &errors);
	if ((c == NULL) == (errors == NULL))
		abort();
	if (errors != NULL && errors[strlen(errors) - 1] != '\n')
		abort();
	config_free(c);
	free(errors);
	unlink(path);
	return 0;
}
