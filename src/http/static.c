/* static.c — the web console's files (http.h, "The console's files"), built into the binary
 * from web/ by the build (cmake/embed_web.cmake). */
#include "http/http.h"
#include "http/static_files.h"

#include <stdlib.h>
#include <string.h>

static int file_cmp(const void *key, const void *elem)
{
	return strcmp(key, ((const struct http_static_file *)elem)->path);
}

int http_static_get(const char *path, const uint8_t **data, size_t *len, const char **type)
{
	const struct http_static_file *f = NULL;

	*data = NULL;
	*len = 0;
	*type = NULL;
	/* Only a path of the table: absolute, and never one that climbs out of it. */
	if (path == NULL || path[0] != '/' || strstr(path, "..") != NULL)
		return HTTP_ENOTFOUND;
	if (strcmp(path, "/") == 0)
		path = "/index.html";
	f = bsearch(path, http_static_files, http_static_files_n, sizeof *f, file_cmp);
	if (f == NULL)
		return HTTP_ENOTFOUND;
	*data = f->data;
	*len = f->len;
	*type = f->type;
	return HTTP_OK;
}
