/* static_files.h — the console's files as the build embeds them (cmake/embed_web.cmake writes
 * the table from web/; static.c serves it through http_static_get()). */
#ifndef POSSUM_HTTP_STATIC_FILES_H
#define POSSUM_HTTP_STATIC_FILES_H

#include <stddef.h>
#include <stdint.h>

struct http_static_file {
	const char *path; /* "/index.html": web/'s name with a leading slash */
	const char *type; /* the media type, "text/html; charset=utf-8" */
	const uint8_t *data;
	size_t len;
};

/* Sorted by path (strcmp). */
extern const struct http_static_file http_static_files[];
extern const size_t http_static_files_n;

#endif
