/*
 * A fault shim for the integration tests, loaded with LD_PRELOAD: while
 * the control file named by PF_SHIM_CONTROL exists, files under the
 * directory PF_SHIM_DIR behave as on a full or read-only disk, without
 * root, mounts or quotas. The control file's first word picks the fault:
 *
 *   ENOSPC (or empty)	writes, growing ftruncate and fallocate fail with
 *			ENOSPC; opening still works, as on a full disk
 *   EROFS, EACCES	the same calls fail with that error, and so does
 *			opening a file there for writing or creating one
 *
 * Removing the control file ends the fault at once. Only the process's
 * own calls through libc are seen (SQLite's unix VFS makes them), not
 * writes through a memory map: a test must not count on the -shm file
 * failing. Each call checks its fd's /proc/self/fd link: a readlink per
 * write, fine for a test, never for production. When PF_SHIM_COUNT
 * names a file (outside PF_SHIM_DIR), each failed call appends a byte
 * to it, so a test knows the fault really hit.
 */

#include <sys/stat.h>
#include <sys/types.h>
#include <sys/uio.h>

#include <dlfcn.h>
#include <errno.h>
#include <fcntl.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

/* Exported for LD_PRELOAD; prototypes keep -Wmissing-prototypes quiet
 * where <fcntl.h> and <unistd.h> have none. */
int	open(const char *, int, ...);
int	open64(const char *, int, ...);
int	openat(int, const char *, int, ...);
int	openat64(int, const char *, int, ...);
int	fallocate64(int, int, off_t, off_t);
int	posix_fallocate64(int, off_t, off_t);
int	ftruncate64(int, off_t);
ssize_t	pwrite64(int, const void *, size_t, off_t);

typedef int	(*shim_open_fn)(const char *, int, ...);
typedef int	(*shim_openat_fn)(int, const char *, int, ...);

static void *
shim_next(const char *name)
{
	void	*f = dlsym(RTLD_NEXT, name);

	if (f == NULL)
		abort();
	return f;
}

static int
shim_real_open_ro(const char *path)
{
	static shim_open_fn	 real;

	if (real == NULL)
		real = (shim_open_fn)shim_next("open");
	return real(path, O_RDONLY | O_CLOEXEC);
}

static void
shim_count(void)
{
	const char	*cnt = getenv("PF_SHIM_COUNT");
	static shim_open_fn real;
	static ssize_t	(*real_write)(int, const void *, size_t);
	int		 fd;

	if (cnt == NULL || *cnt == '\0')
		return;
	if (real == NULL)
		real = (shim_open_fn)shim_next("open");
	if (real_write == NULL)
		real_write = (ssize_t (*)(int, const void *, size_t))
		    shim_next("write");
	if ((fd = real(cnt, O_WRONLY | O_APPEND | O_CREAT | O_CLOEXEC,
	    0644)) == -1)
		return;
	(void)real_write(fd, "x", 1);
	close(fd);
}

/* The fault in force for a path, 0 for none. */
static int
shim_fault_path(const char *path)
{
	const char	*dir = getenv("PF_SHIM_DIR");
	const char	*ctl = getenv("PF_SHIM_CONTROL");
	char		 word[16];
	size_t		 n;
	ssize_t		 r;
	int		 fd;

	if (dir == NULL || ctl == NULL || *dir == '\0' || path == NULL)
		return 0;
	n = strlen(dir);
	if (strncmp(path, dir, n) != 0 || (path[n] != '/' && path[n] != '\0'))
		return 0;
	if ((fd = shim_real_open_ro(ctl)) == -1)
		return 0;
	r = read(fd, word, sizeof(word) - 1);
	close(fd);
	word[r > 0 ? r : 0] = '\0';
	if (strncmp(word, "EROFS", 5) == 0)
		return EROFS;
	if (strncmp(word, "EACCES", 6) == 0)
		return EACCES;
	return ENOSPC;
}

static int
shim_fault_fd(int fd)
{
	char	 link[64], path[4096];
	ssize_t	 n;
	int	 saved = errno, fault;

	snprintf(link, sizeof(link), "/proc/self/fd/%d", fd);
	if ((n = readlink(link, path, sizeof(path) - 1)) <= 0) {
		errno = saved;
		return 0;
	}
	path[n] = '\0';
	fault = shim_fault_path(path);
	errno = saved;
	if (fault != 0)
		shim_count();
	return fault;
}

/* An absolute path for openat's (dirfd, path); NULL when unknown. */
static int
shim_fault_at(int dirfd, const char *path)
{
	char	 link[64], dir[4096], full[8192];
	ssize_t	 n;
	int	 saved = errno, fault;

	if (path == NULL)
		return 0;
	if (path[0] == '/')
		snprintf(full, sizeof(full), "%s", path);
	else {
		if (dirfd == AT_FDCWD)
			snprintf(link, sizeof(link), "/proc/self/cwd");
		else
			snprintf(link, sizeof(link), "/proc/self/fd/%d",
			    dirfd);
		if ((n = readlink(link, dir, sizeof(dir) - 1)) <= 0) {
			errno = saved;
			return 0;
		}
		dir[n] = '\0';
		snprintf(full, sizeof(full), "%s/%s", dir, path);
	}
	fault = shim_fault_path(full);
	errno = saved;
	return fault;
}

static bool
shim_writing(int flags)
{
	return (flags & (O_WRONLY | O_RDWR | O_CREAT | O_TRUNC)) != 0;
}

static int
shim_open_fault(int dirfd, const char *path, int flags)
{
	int	f;

	if (!shim_writing(flags))
		return 0;
	f = shim_fault_at(dirfd, path);
	if (f == EROFS || f == EACCES) {
		shim_count();
		return f;
	}
	return 0;
}

static mode_t
shim_mode(int flags, va_list ap)
{
	if ((flags & O_CREAT) != 0 || (flags & O_TMPFILE) == O_TMPFILE)
		return (mode_t)va_arg(ap, int);
	return 0;
}

int
open(const char *path, int flags, ...)
{
	static shim_open_fn	 real;
	va_list			 ap;
	mode_t			 mode;
	int			 f;

	va_start(ap, flags);
	mode = shim_mode(flags, ap);
	va_end(ap);
	if (real == NULL)
		real = (shim_open_fn)shim_next("open");
	if ((f = shim_open_fault(AT_FDCWD, path, flags)) != 0) {
		errno = f;
		return -1;
	}
	return real(path, flags, mode);
}

int
open64(const char *path, int flags, ...)
{
	static shim_open_fn	 real;
	va_list			 ap;
	mode_t			 mode;
	int			 f;

	va_start(ap, flags);
	mode = shim_mode(flags, ap);
	va_end(ap);
	if (real == NULL)
		real = (shim_open_fn)shim_next("open64");
	if ((f = shim_open_fault(AT_FDCWD, path, flags)) != 0) {
		errno = f;
		return -1;
	}
	return real(path, flags, mode);
}

int
openat(int dirfd, const char *path, int flags, ...)
{
	static shim_openat_fn	 real;
	va_list			 ap;
	mode_t			 mode;
	int			 f;

	va_start(ap, flags);
	mode = shim_mode(flags, ap);
	va_end(ap);
	if (real == NULL)
		real = (shim_openat_fn)shim_next("openat");
	if ((f = shim_open_fault(dirfd, path, flags)) != 0) {
		errno = f;
		return -1;
	}
	return real(dirfd, path, flags, mode);
}

int
openat64(int dirfd, const char *path, int flags, ...)
{
	static shim_openat_fn	 real;
	va_list			 ap;
	mode_t			 mode;
	int			 f;

	va_start(ap, flags);
	mode = shim_mode(flags, ap);
	va_end(ap);
	if (real == NULL)
		real = (shim_openat_fn)shim_next("openat64");
	if ((f = shim_open_fault(dirfd, path, flags)) != 0) {
		errno = f;
		return -1;
	}
	return real(dirfd, path, flags, mode);
}

ssize_t
write(int fd, const void *buf, size_t len)
{
	static ssize_t	(*real)(int, const void *, size_t);
	int		 f;

	if (real == NULL)
		real = (ssize_t (*)(int, const void *, size_t))
		    shim_next("write");
	/* stdin, stdout, stderr: the logs, never faulted. */
	if (fd > 2 && len > 0 && (f = shim_fault_fd(fd)) != 0) {
		errno = f;
		return -1;
	}
	return real(fd, buf, len);
}

ssize_t
writev(int fd, const struct iovec *iov, int iovcnt)
{
	static ssize_t	(*real)(int, const struct iovec *, int);
	int		 f;

	if (real == NULL)
		real = (ssize_t (*)(int, const struct iovec *, int))
		    shim_next("writev");
	if (fd > 2 && (f = shim_fault_fd(fd)) != 0) {
		errno = f;
		return -1;
	}
	return real(fd, iov, iovcnt);
}

ssize_t
pwrite(int fd, const void *buf, size_t len, off_t off)
{
	static ssize_t	(*real)(int, const void *, size_t, off_t);
	int		 f;

	if (real == NULL)
		real = (ssize_t (*)(int, const void *, size_t, off_t))
		    shim_next("pwrite");
	if (fd > 2 && (f = shim_fault_fd(fd)) != 0) {
		errno = f;
		return -1;
	}
	return real(fd, buf, len, off);
}

ssize_t
pwrite64(int fd, const void *buf, size_t len, off_t off)
{
	static ssize_t	(*real)(int, const void *, size_t, off_t);
	int		 f;

	if (real == NULL)
		real = (ssize_t (*)(int, const void *, size_t, off_t))
		    shim_next("pwrite64");
	if (fd > 2 && (f = shim_fault_fd(fd)) != 0) {
		errno = f;
		return -1;
	}
	return real(fd, buf, len, off);
}

/* Growing a file needs space; shrinking it never does. */
static int
shim_grow_fault(int fd, off_t len)
{
	struct stat	sb;
	int		saved = errno;

	if (fstat(fd, &sb) == 0 && len <= sb.st_size) {
		errno = saved;
		return 0;
	}
	errno = saved;
	return shim_fault_fd(fd);
}

int
ftruncate(int fd, off_t len)
{
	static int	(*real)(int, off_t);
	int		 f;

	if (real == NULL)
		real = (int (*)(int, off_t))shim_next("ftruncate");
	if ((f = shim_grow_fault(fd, len)) != 0) {
		errno = f;
		return -1;
	}
	return real(fd, len);
}

int
ftruncate64(int fd, off_t len)
{
	static int	(*real)(int, off_t);
	int		 f;

	if (real == NULL)
		real = (int (*)(int, off_t))shim_next("ftruncate64");
	if ((f = shim_grow_fault(fd, len)) != 0) {
		errno = f;
		return -1;
	}
	return real(fd, len);
}

int
fallocate(int fd, int mode, off_t off, off_t len)
{
	static int	(*real)(int, int, off_t, off_t);
	int		 f;

	if (real == NULL)
		real = (int (*)(int, int, off_t, off_t))
		    shim_next("fallocate");
	if ((f = shim_fault_fd(fd)) != 0) {
		errno = f;
		return -1;
	}
	return real(fd, mode, off, len);
}

int
fallocate64(int fd, int mode, off_t off, off_t len)
{
	static int	(*real)(int, int, off_t, off_t);
	int		 f;

	if (real == NULL)
		real = (int (*)(int, int, off_t, off_t))
		    shim_next("fallocate64");
	if ((f = shim_fault_fd(fd)) != 0) {
		errno = f;
		return -1;
	}
	return real(fd, mode, off, len);
}

/* posix_fallocate returns the error rather than setting errno. */
int
posix_fallocate(int fd, off_t off, off_t len)
{
	static int	(*real)(int, off_t, off_t);
	int		 f;

	if (real == NULL)
		real = (int (*)(int, off_t, off_t))
		    shim_next("posix_fallocate");
	if ((f = shim_fault_fd(fd)) != 0)
		return f;
	return real(fd, off, len);
}

int
posix_fallocate64(int fd, off_t off, off_t len)
{
	static int	(*real)(int, off_t, off_t);
	int		 f;

	if (real == NULL)
		real = (int (*)(int, off_t, off_t))
		    shim_next("posix_fallocate64");
	if ((f = shim_fault_fd(fd)) != 0)
		return f;
	return real(fd, off, len);
}
