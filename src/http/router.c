/* router.c — finding a request's route: its path cut at the slashes and matched segment by
 * segment against each route's pattern, where "{}" takes any one segment. */
#include "http/http.h"

#include <string.h>

/* Cuts path (copied into segs, capacity cap) at its slashes: *n segments into seg[]. A path
 * must begin with '/', and no segment may be empty (no "//", no trailing '/'). */
#define SEGS_MAX 16
static int split(const char *path, char *segs, size_t cap, const char *seg[SEGS_MAX], size_t *n)
{
	size_t len = strlen(path);
	char *p;

	if (path[0] != '/' || len + 1 > cap)
		return -1;
	memcpy(segs, path + 1, len);
	*n = 0;
	for (p = segs;; p++) {
		char *slash = strchr(p, '/');

		if (*n == SEGS_MAX || slash == p || *p == '\0')
			return -1;
		seg[(*n)++] = p;
		if (slash == NULL)
			return 0;
		*slash = '\0';
		p = slash;
	}
}

/* Whether the pattern matches the segments; its "{}" segments' values go to args. */
static bool match(const char *pattern, const char *const seg[], size_t n,
                  const char *args[HTTP_ARGS_MAX], size_t *n_args)
{
	size_t i = 0;

	*n_args = 0;
	for (const char *p = pattern + 1; i < n; i++) {
		size_t len = strcspn(p, "/");

		if (len == 2 && memcmp(p, "{}", 2) == 0) {
			if (*n_args == HTTP_ARGS_MAX)
				return false;
			args[(*n_args)++] = seg[i];
		} else if (strlen(seg[i]) != len || memcmp(p, seg[i], len) != 0) {
			return false;
		}
		p += len;
		if (*p == '\0')
			return i + 1 == n;
		p++;
	}
	return false;
}

int http_route_find(const struct http_route *routes, size_t n, const char *method, const char *path,
                    char *segs, size_t cap, const struct http_route **out,
                    const char *args[HTTP_ARGS_MAX], size_t *n_args, char *allow, size_t allow_cap)
{
	const char *seg[SEGS_MAX];
	size_t n_seg;
	bool path_known = false;

	allow[0] = '\0';
	if (split(path, segs, cap, seg, &n_seg) != 0)
		return 404;
	for (size_t i = 0; i < n; i++) {
		if (!match(routes[i].pattern, seg, n_seg, args, n_args))
			continue;
		if (strcmp(routes[i].method, method) == 0) {
			*out = &routes[i];
			return HTTP_OK;
		}
		if (strlen(allow) + strlen(routes[i].method) + 3 <= allow_cap) {
			if (path_known)
				strcat(allow, ", ");
			strcat(allow, routes[i].method);
		}
		path_known = true;
	}
	return path_known ? 405 : 404;
}
