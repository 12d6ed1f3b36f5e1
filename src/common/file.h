/* file.h — a file written whole or not at all, for what possum keeps outside its store
 * (merchants' documents, the payouts' summaries and the bank's file), and a small file read
 * whole (the HTTP API's TLS certificate and key), and a directory of scratch files removed
 * whole (a load's or a certification's work directory).
 *
 * No state; file_read_all() alone allocates (its output). */
#ifndef POSSUM_FILE_H
#define POSSUM_FILE_H

#include <stddef.h>

/* Writes len bytes of data to path through a temporary file beside it (mode 0600), synced
 * and renamed over path: a reader sees the old file or the whole new one, never a part.
 * Returns 0, or -1 with errno set (the temporary file removed). */
int file_write_atomic(const char *path, const void *data, size_t len);

/* Reads the file at path whole, up to max bytes (EFBIG beyond), into a new buffer *out with a
 * NUL after its *len bytes (the caller's to free()). Returns 0, or -1 with errno set. */
int file_read_all(const char *path, size_t max, char **out, size_t *len);

/* Removes dir and everything under it, not following symbolic links. Returns 0, or -1 with
 * errno set (what could be removed is gone). */
int file_remove_tree(const char *dir);

#endif
