#ifndef CMD_H
#define CMD_H

/*
 * Subcommands, one file each (daemon/cmd_<name>.c), dispatched by main.c.
 * Each gets argv from its own name on and returns the exit status:
 * 0 ok, 1 bad input or config, 2 usage, 3 runtime failure.
 */

#include <stddef.h>

#define EXIT_BADINPUT	1
#define EXIT_USAGE	2
#define EXIT_RUNTIME	3

int	 cmd_parse(int, char *[]);
int	 cmd_check_config(int, char *[]);
int	 cmd_tag(int, char *[]);
int	 cmd_serve(int, char *[]);
int	 cmd_fetch(int, char *[]);
int	 cmd_export(int, char *[]);
int	 cmd_sources(int, char *[]);
int	 cmd_get(int, char *[]);

/* Shared by the commands (main.c). */
char		*cmd_read_file(const char *path, size_t *len);	/* "-": stdin */
const char	*cmd_default_config(void);	/* sysconfdir/pactfeed.conf */
void		 cmd_usage(void) __attribute__((noreturn));

#endif /* CMD_H */
