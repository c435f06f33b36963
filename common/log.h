#ifndef LOG_H
#define LOG_H

/*
 * Logging: one stderr line per message, "<N>text" with N the syslog
 * priority, so the journal files each line at the right level. The only
 * global state of the program. common/ itself never logs (it returns an
 * error string); these are here so daemon/ and the tests share one logger.
 */

#include <stdarg.h>
#include <stdnoreturn.h>

void		 log_init(int verbose);	/* 0 info, 1 debug */
void		 log_warn(const char *, ...)
		    __attribute__((format(printf, 1, 2)));
void		 log_warnx(const char *, ...)
		    __attribute__((format(printf, 1, 2)));
void		 log_info(const char *, ...)
		    __attribute__((format(printf, 1, 2)));
void		 log_debug(const char *, ...)
		    __attribute__((format(printf, 1, 2)));
noreturn void	 fatal(const char *, ...)
		    __attribute__((format(printf, 1, 2)));
noreturn void	 fatalx(const char *, ...)
		    __attribute__((format(printf, 1, 2)));

#endif /* LOG_H */
