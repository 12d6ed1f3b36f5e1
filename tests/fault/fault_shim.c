/* fault_shim.c — store faults for tests: a shared library preloaded into `possum host`
 * (LD_PRELOAD) that makes chosen writes and syncs of the store's files fail, as a failing disk
 * or a full one would. Never linked into possum: CMakeLists.txt builds it as a module beside
 * it, for tests/fault/e2e_store_faults.sh.
 *
 * It wraps what SQLite's unix VFS calls (os_unix.c's table of system calls, as the Debian
 * library imports them: open64, write, pwrite64, fdatasync, close) and their siblings (open,
 * openat, pwrite, fsync), and watches the descriptors of files whose names end in ".db",
 * "-wal" or "-journal". Other files (the log, the texts' file, sockets) are never touched.
 *
 * It is steered by the control file named in POSSUM_FAULT_CONTROL, read again whenever its
 * modification time, size or inode changes (write a new one and rename it over the old), a
 * command a line:
 *
 *   off                      no faults: everything armed is cleared
 *   write N ERR [SUFFIX]     the Nth write from now (write, pwrite) fails with ERR, once
 *   fsync N ERR [SUFFIX]     the Nth sync from now (fsync, fdatasync) fails with ERR, once;
 *                            only syncs of a file written since its last sync count (a
 *                            commit's, not a checkpointer's look at a log it never wrote)
 *   full [SUFFIX]            every write fails with ENOSPC (a full disk), until `off`
 *
 * ERR is eio, enospc or edquot; SUFFIX limits the command to files whose names end so
 * ("-wal": the write-ahead log, where commits go; ".db": the database the checkpoints fill).
 * Each fault injected is a line "CALL ERR PATH" appended to POSSUM_FAULT_LOG when it is set. */
#ifndef _GNU_SOURCE
#define _GNU_SOURCE
#endif
#include <dlfcn.h>
#include <errno.h>
#include <fcntl.h>
#include <pthread.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#define SHIM_FDS   4096
#define SHIM_PATH  512
#define SHIM_RULES 8

enum shim_call { SHIM_WRITE, SHIM_SYNC };

struct shim_rule {
	enum shim_call call;
	long countdown; /* 1: the next matching call fails; 0: spent */
	int err;
	bool always; /* `full`: every matching call, until off */
	char suffix[32];
};

static pthread_mutex_t shim_lock = PTHREAD_MUTEX_INITIALIZER;
static char *shim_paths[SHIM_FDS]; /* the watched descriptors' paths */
static bool shim_dirty[SHIM_FDS];  /* written since their last sync */
static struct shim_rule shim_rules[SHIM_RULES];
static size_t shim_nrules;
static struct stat shim_seen; /* the control file as last read */

static ssize_t (*real_write)(int, const void *, size_t);
static ssize_t (*real_pwrite)(int, const void *, size_t, off_t);
static ssize_t (*real_pwrite64)(int, const void *, size_t, off64_t);
static int (*real_fsync)(int);
static int (*real_fdatasync)(int);
static int (*real_open)(const char *, int, ...);
static int (*real_open64)(const char *, int, ...);
static int (*real_openat)(int, const char *, int, ...);
static int (*real_openat64)(int, const char *, int, ...);
static int (*real_close)(int);

static void *shim_next(const char *name)
{
	void *f = dlsym(RTLD_NEXT, name);

	if (f == NULL)
		abort();
	return f;
}

__attribute__((constructor)) static void shim_init(void)
{
	real_write = shim_next("write");
	real_pwrite = shim_next("pwrite");
	real_pwrite64 = shim_next("pwrite64");
	real_fsync = shim_next("fsync");
	real_fdatasync = shim_next("fdatasync");
	real_open = shim_next("open");
	real_open64 = shim_next("open64");
	real_openat = shim_next("openat");
	real_openat64 = shim_next("openat64");
	real_close = shim_next("close");
}

static bool shim_ends(const char *s, const char *suffix)
{
	size_t n = strlen(s), k = strlen(suffix);

	return n >= k && strcmp(s + n - k, suffix) == 0;
}

static bool shim_store_file(const char *path)
{
	return shim_ends(path, ".db") || shim_ends(path, "-wal") || shim_ends(path, "-journal");
}

static int shim_errno(const char *name)
{
	static const struct {
		const char *name;
		int err;
	} names[] = {{"eio", EIO}, {"enospc", ENOSPC}, {"edquot", EDQUOT}};

	for (size_t i = 0; i < sizeof names / sizeof *names; i++)
		if (strcmp(name, names[i].name) == 0)
			return names[i].err;
	return 0;
}

/* One line of the control file into a rule; false for `off`, a blank or a bad line. */
static bool shim_parse(const char *line, struct shim_rule *r)
{
	char call[16] = "", err[16] = "", suffix[32] = "";
	long n = 0;

	memset(r, 0, sizeof *r);
	if (strncmp(line, "full", 4) == 0 && (line[4] == '\0' || line[4] == ' ')) {
		*r = (struct shim_rule){.call = SHIM_WRITE, .err = ENOSPC, .always = true};
		if (sscanf(line + 4, "%31s", r->suffix) != 1)
			r->suffix[0] = '\0';
		return true;
	}
	if (sscanf(line, "%15s %ld %15s %31s", call, &n, err, suffix) < 3 || n < 1)
		return false;
	if (strcmp(call, "write") == 0)
		r->call = SHIM_WRITE;
	else if (strcmp(call, "fsync") == 0)
		r->call = SHIM_SYNC;
	else
		return false;
	if ((r->err = shim_errno(err)) == 0)
		return false;
	r->countdown = n;
	snprintf(r->suffix, sizeof r->suffix, "%s", suffix);
	return true;
}

/* The control file again when it changed since it was read; under shim_lock. */
static void shim_reload(void)
{
	const char *path = getenv("POSSUM_FAULT_CONTROL");
	char buf[2048], *line, *save = NULL;
	struct stat st;
	ssize_t n;
	int fd;

	if (path == NULL || stat(path, &st) != 0)
		return;
	if (st.st_ino == shim_seen.st_ino && st.st_size == shim_seen.st_size &&
	    st.st_mtim.tv_sec == shim_seen.st_mtim.tv_sec &&
	    st.st_mtim.tv_nsec == shim_seen.st_mtim.tv_nsec)
		return;
	shim_seen = st;
	shim_nrules = 0;
	if ((fd = real_open(path, O_RDONLY | O_CLOEXEC)) < 0)
		return;
	n = read(fd, buf, sizeof buf - 1);
	real_close(fd);
	buf[n > 0 ? n : 0] = '\0';
	for (line = strtok_r(buf, "\n", &save); line != NULL && shim_nrules < SHIM_RULES;
	     line = strtok_r(NULL, "\n", &save))
		if (shim_parse(line, &shim_rules[shim_nrules]))
			shim_nrules++;
}

static void shim_log(const char *call, int err, const char *path)
{
	const char *log = getenv("POSSUM_FAULT_LOG");
	char line[SHIM_PATH + 64];
	int fd, n;

	if (log == NULL ||
	    (fd = real_open(log, O_WRONLY | O_CREAT | O_APPEND | O_CLOEXEC, 0600)) < 0)
		return;
	n = snprintf(line, sizeof line, "%s %s %s\n", call,
	             err == EIO      ? "eio"
	             : err == ENOSPC ? "enospc"
	                             : "edquot",
	             path);
	if (n > 0 && real_write(fd, line, (size_t)n) < 0)
		n = 0;
	real_close(fd);
}

/* 0 when the call on fd goes ahead, else the error it fails with (and it is logged). */
static int shim_fault(int fd, enum shim_call call, const char *name)
{
	int err = 0;

	if (fd < 0 || fd >= SHIM_FDS)
		return 0;
	pthread_mutex_lock(&shim_lock);
	if (shim_paths[fd] == NULL)
		goto out;
	shim_reload();
	/* A sync of nothing written syncs nothing: a disk would not fail it. */
	if (call == SHIM_SYNC && !shim_dirty[fd])
		goto out;
	for (size_t i = 0; i < shim_nrules && err == 0; i++) {
		struct shim_rule *r = &shim_rules[i];

		if (r->call != call ||
		    (r->suffix[0] != '\0' && !shim_ends(shim_paths[fd], r->suffix)))
			continue;
		if (r->always)
			err = r->err;
		else if (r->countdown > 0 && --r->countdown == 0)
			err = r->err;
	}
	if (err != 0)
		shim_log(name, err, shim_paths[fd]);
	else
		shim_dirty[fd] = call == SHIM_WRITE;
out:
	pthread_mutex_unlock(&shim_lock);
	return err;
}

static int shim_opened(int fd, const char *path)
{
	if (fd < 0 || fd >= SHIM_FDS || path == NULL || !shim_store_file(path))
		return fd;
	pthread_mutex_lock(&shim_lock);
	free(shim_paths[fd]);
	shim_paths[fd] = strndup(path, SHIM_PATH - 1);
	shim_dirty[fd] = false;
	pthread_mutex_unlock(&shim_lock);
	return fd;
}

/* The mode argument, present when the flags create a file. */
#define SHIM_MODE(flags, mode)                                                                     \
	do {                                                                                       \
		if ((flags) & (O_CREAT | O_TMPFILE)) {                                             \
			va_list ap;                                                                \
			va_start(ap, flags);                                                       \
			mode = (mode_t)va_arg(ap, unsigned);                                       \
			va_end(ap);                                                                \
		}                                                                                  \
	} while (0)

int open(const char *path, int flags, ...)
{
	mode_t mode = 0;

	SHIM_MODE(flags, mode);
	return shim_opened(real_open(path, flags, mode), path);
}

int open64(const char *path, int flags, ...)
{
	mode_t mode = 0;

	SHIM_MODE(flags, mode);
	return shim_opened(real_open64(path, flags, mode), path);
}

int openat(int dir, const char *path, int flags, ...)
{
	mode_t mode = 0;

	SHIM_MODE(flags, mode);
	return shim_opened(real_openat(dir, path, flags, mode), path);
}

int openat64(int dir, const char *path, int flags, ...)
{
	mode_t mode = 0;

	SHIM_MODE(flags, mode);
	return shim_opened(real_openat64(dir, path, flags, mode), path);
}

int close(int fd)
{
	if (fd >= 0 && fd < SHIM_FDS) {
		pthread_mutex_lock(&shim_lock);
		free(shim_paths[fd]);
		shim_paths[fd] = NULL;
		pthread_mutex_unlock(&shim_lock);
	}
	return real_close(fd);
}

/* A failed call: errno set, -1 returned. */
static int shim_fail(int err)
{
	errno = err;
	return -1;
}

ssize_t write(int fd, const void *buf, size_t n)
{
	int err = shim_fault(fd, SHIM_WRITE, "write");

	return err != 0 ? shim_fail(err) : real_write(fd, buf, n);
}

ssize_t pwrite(int fd, const void *buf, size_t n, off_t off)
{
	int err = shim_fault(fd, SHIM_WRITE, "write");

	return err != 0 ? shim_fail(err) : real_pwrite(fd, buf, n, off);
}

ssize_t pwrite64(int fd, const void *buf, size_t n, off64_t off)
{
	int err = shim_fault(fd, SHIM_WRITE, "write");

	return err != 0 ? shim_fail(err) : real_pwrite64(fd, buf, n, off);
}

int fsync(int fd)
{
	int err = shim_fault(fd, SHIM_SYNC, "fsync");

	return err != 0 ? shim_fail(err) : real_fsync(fd);
}

int fdatasync(int fd)
{
	int err = shim_fault(fd, SHIM_SYNC, "fsync");

	return err != 0 ? shim_fail(err) : real_fdatasync(fd);
}
