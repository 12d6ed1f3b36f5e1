/* deadline.h — the HTTP API's deadline for a whole request ([http] request_timeout,
 * deadline.c): libmicrohttpd's own timeout ([http] timeout) counts from a connection's last
 * byte, so a client trickling a byte a second would hold its connection for ever. Each
 * connection is armed when it opens and again when its previous request completes; once its
 * request has come whole (headers and body) it is disarmed. A thread of the table's own shuts
 * down the socket of any connection still armed past its deadline, and libmicrohttpd then
 * closes it as a connection the client closed. The table owns its entries; the server adds
 * one when libmicrohttpd opens a connection and removes it when it closes, before the socket
 * is closed (so a shutdown never reaches a descriptor used again). */
#ifndef POSSUM_HTTP_DEADLINE_H
#define POSSUM_HTTP_DEADLINE_H

#include <pthread.h>
#include <stdbool.h>
#include <stdint.h>

struct http_deadline {
	struct http_deadline *prev, *next;
	int fd;
	int64_t due; /* CLOCK_MONOTONIC milliseconds; 0: disarmed */
};

struct http_deadlines {
	pthread_mutex_t lock;
	pthread_cond_t wake;
	pthread_t thread;
	bool started, stop;
	int64_t ms; /* the deadline, from arming */
	struct http_deadline *list;
};

/* Starts the table's thread with a deadline of seconds: 0, or an errno value. */
int http_deadlines_start(struct http_deadlines *d, int seconds);
/* Stops the thread and frees what entries remain; d may never have started. */
void http_deadlines_stop(struct http_deadlines *d);
/* A connection on socket fd, armed: its entry, or NULL without memory (then never closed
 * for its deadline). */
struct http_deadline *http_deadline_add(struct http_deadlines *d, int fd);
/* Arms e from now (on) or disarms it; e may be NULL. */
void http_deadline_arm(struct http_deadlines *d, struct http_deadline *e, bool on);
/* The connection has closed: e is freed; e may be NULL. */
void http_deadline_remove(struct http_deadlines *d, struct http_deadline *e);

#endif
