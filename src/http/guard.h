/* guard.h — the HTTP API's guard against guessing credentials (guard.c): failures (a bad API
 * token, a wrong sign-in) counted per client address in a small fixed table; an address with
 * `failures` of them within `window` seconds is refused (429) for `lockout` seconds, whatever
 * it presents. No allocation, no global state: the server owns its table. */
#ifndef POSSUM_HTTP_GUARD_H
#define POSSUM_HTTP_GUARD_H

#include <arpa/inet.h>
#include <stdbool.h>
#include <stdint.h>

#define HTTP_GUARD_SLOTS 256 /* addresses tracked at once; the stalest make room */

struct http_guard_slot {
	char peer[INET6_ADDRSTRLEN]; /* "" : free */
	int64_t first;               /* the window's start: its first failure, Unix seconds */
	int64_t until;               /* refused until then; 0: not */
	int count;                   /* failures in the window */
};

struct http_guard {
	int failures, window, lockout;
	struct http_guard_slot slots[HTTP_GUARD_SLOTS];
};

/* An empty table with these limits (failures in window seconds: refused for lockout). */
void http_guard_init(struct http_guard *g, int failures, int window, int lockout);
/* Seconds peer stays refused from now (0: not refused). */
int64_t http_guard_refused(const struct http_guard *g, const char *peer, int64_t now);
/* Counts a failure of peer at now; true when it makes peer refused. */
bool http_guard_fail(struct http_guard *g, const char *peer, int64_t now);

#endif
