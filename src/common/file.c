/* file.c — a file written whole or not at all, a file read whole, a tree removed (file.h). */
#define _XOPEN_SOURCE 700 /* nftw() */
#include "common/file.h"

#include <errno.h>
#include <fcntl.h>
#include <ftw.h>
#include <stdio.h>
#include <stdlib.h>
#include <unistd.h>

int file_write_atomic(const char *path, const void *data, size_t len)
{
	char tmp[4200];
	const char *p = data;
	size_t done = 0;
	int fd, rc = -1, saved;

	if ((size_t)snprintf(tmp, sizeof tmp, "%s.%ld.tmp", path, (long)getpid()) >= sizeof tmp) {
		errno = ENAMETOOLONG;
		return -1;
	}
	if ((fd = open(tmp, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0600)) < 0)
		return -1;
	while (done < len) {
		ssize_t n = write(fd, p + done, len - done);

		if (n < 0 && errno == EINTR)
			continue;
		if (n <= 0)
			goto out;
		done += (size_t)n;
	}
	if (fsync(fd) == 0 && rename(tmp, path) == 0)
		rc = 0;
out:
	saved = errno;
	close(fd);
	if (rc != 0)
		unlink(tmp);
	errno = saved;
	return rc;
}

int file_read_all(const char *path, size_t max, char **out, size_t *len)
{
	FILE *f = fopen(path, "rb");
	char *buf = NULL;
	size_t n = 0;
	int rc = -1, saved;

	if (f == NULL)
		return -1;
	if ((buf = malloc(max + 1)) == NULL)
		goto out;
	n = fread(buf, 1, max + 1, f);
	if (ferror(f))
		goto out;
	if (n > max) {
		errno = EFBIG;
		goto out;
	}
	buf[n] = '\0';
	*out = buf;
	*len = n;
	buf = NULL;
	rc = 0;
out:
	saved = errno;
	free(buf);
	fclose(f);
	errno = saved;
	return rc;
}

static int remove_entry(const char *path, const struct stat *sb, int flag, struct FTW *ftw)
{
	(void)sb;
	(void)flag;
	(void)ftw;
	return remove(path);
}

int file_remove_tree(const char *dir)
{
	return nftw(dir, remove_entry, 16, FTW_DEPTH | FTW_PHYS) == 0 ? 0 : -1;
}
