/*
 * Logging to stderr with sd-daemon(3) priority prefixes. Each message is
 * written with a single write(2) so lines from a crash never interleave,
 * and errno is preserved across every call.
 */

#include "log.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <syslog.h>
#include <unistd.h>

static int	log_verbose;

void
log_init(int verbose)
{
	log_verbose = verbose;
}

static void	log_vwrite(int, const char *, const char *, va_list)
		    __attribute__((format(printf, 3, 0)));

static void
log_vwrite(int pri, const char *suffix, const char *fmt, va_list ap)
{
	char	line[2048];
	int	n, m;

	n = snprintf(line, sizeof(line), "<%d>", pri);
	m = vsnprintf(line + n, sizeof(line) - n, fmt, ap);
	if (m < 0)
		m = 0;
	n = (n + m >= (int)sizeof(line) - 1) ? (int)sizeof(line) - 2 : n + m;
	if (suffix != NULL) {
		m = snprintf(line + n, sizeof(line) - n, ": %s", suffix);
		if (m > 0)
			n = (n + m >= (int)sizeof(line) - 1) ?
			    (int)sizeof(line) - 2 : n + m;
	}
	/* One message, one line: a newline inside would split it. */
	for (int i = 3; i < n; i++)
		if (line[i] == '\n' || line[i] == '\r')
			line[i] = ' ';
	line[n++] = '\n';
	(void)!write(STDERR_FILENO, line, n);
}

#define LOG_BODY(pri, suffix) do {			\
	int	saved = errno;				\
	va_list	ap;					\
	va_start(ap, fmt);				\
	log_vwrite((pri), (suffix), fmt, ap);		\
	va_end(ap);					\
	errno = saved;					\
} while (0)

void
log_warn(const char *fmt, ...)
{
	LOG_BODY(LOG_WARNING, strerror(errno));
}

void
log_warnx(const char *fmt, ...)
{
	LOG_BODY(LOG_WARNING, NULL);
}

void
log_info(const char *fmt, ...)
{
	LOG_BODY(LOG_INFO, NULL);
}

void
log_debug(const char *fmt, ...)
{
	if (log_verbose)
		LOG_BODY(LOG_DEBUG, NULL);
}

void
fatal(const char *fmt, ...)
{
	LOG_BODY(LOG_CRIT, strerror(errno));
	exit(3);
}

void
fatalx(const char *fmt, ...)
{
	LOG_BODY(LOG_CRIT, NULL);
	exit(3);
}
