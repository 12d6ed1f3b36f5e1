/* static.c — the web console's files (http.h, "The console's files"): none yet; the console
 * is built into the binary from web/ by the build. */
#include "http/http.h"

#include <stddef.h>

int http_static_get(const char *path, const uint8_t **data, size_t *len, const char **type)
{
	(void)path;
	*data = NULL;
	*len = 0;
	*type = NULL;
	return HTTP_ENOTFOUND;
}
