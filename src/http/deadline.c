/* deadline.c — the deadline for a whole HTTP request (deadline.h): a list of the open
 * connections under a lock, walked four times a second by a thread that shuts down the
 * sockets of those past their deadline. */
#include "http/deadline.h"

#include <stdlib.h>
#include <sys/socket.h>
#include <time.h>

#define TICK_MS 250

static int64_t now_ms(void)
{
	struct timespec t;

	clock_gettime(CLOCK_MONOTONIC, &t);
	return (int64_t)t.tv_sec * 1000 + t.tv_nsec / 1000000;
}

/* Now plus TICK_MS on the clock pthread_cond_timedwait() reads (the condition's default). */
static struct timespec next_tick(void)
{
	struct timespec t;

	clock_gettime(CLOCK_REALTIME, &t);
	t.tv_nsec += TICK_MS * 1000000L;
	if (t.tv_nsec >= 1000000000L) {
		t.tv_sec++;
		t.tv_nsec -= 1000000000L;
	}
	return t;
}

static void *run(void *arg)
{
	struct http_deadlines *d = arg;
	struct timespec until;

	pthread_mutex_lock(&d->lock);
	while (!d->stop) {
		int64_t now = now_ms();

		for (struct http_deadline *e = d->list; e != NULL; e = e->next)
			if (e->due != 0 && e->due <= now) {
				/* libmicrohttpd sees the end of the stream and closes it itself. */
				shutdown(e->fd, SHUT_RDWR);
				e->due = 0;
			}
		until = next_tick();
		pthread_cond_timedwait(&d->wake, &d->lock, &until);
	}
	pthread_mutex_unlock(&d->lock);
	return NULL;
}

int http_deadlines_start(struct http_deadlines *d, int seconds)
{
	int rc;

	*d = (struct http_deadlines){.ms = (int64_t)seconds * 1000};
	pthread_mutex_init(&d->lock, NULL);
	pthread_cond_init(&d->wake, NULL);
	if ((rc = pthread_create(&d->thread, NULL, run, d)) != 0)
		return rc;
	d->started = true;
	return 0;
}

void http_deadlines_stop(struct http_deadlines *d)
{
	struct http_deadline *e, *next;

	if (!d->started)
		return;
	pthread_mutex_lock(&d->lock);
	d->stop = true;
	pthread_cond_signal(&d->wake);
	pthread_mutex_unlock(&d->lock);
	pthread_join(d->thread, NULL);
	for (e = d->list; e != NULL; e = next) {
		next = e->next;
		free(e);
	}
	d->list = NULL;
	pthread_cond_destroy(&d->wake);
	pthread_mutex_destroy(&d->lock);
	d->started = false;
}

struct http_deadline *http_deadline_add(struct http_deadlines *d, int fd)
{
	struct http_deadline *e;

	if (!d->started || (e = calloc(1, sizeof *e)) == NULL)
		return NULL;
	e->fd = fd;
	pthread_mutex_lock(&d->lock);
	e->due = now_ms() + d->ms;
	e->next = d->list;
	if (d->list != NULL)
		d->list->prev = e;
	d->list = e;
	pthread_mutex_unlock(&d->lock);
	return e;
}

void http_deadline_arm(struct http_deadlines *d, struct http_deadline *e, bool on)
{
	if (e == NULL)
		return;
	pthread_mutex_lock(&d->lock);
	e->due = on ? now_ms() + d->ms : 0;
	pthread_mutex_unlock(&d->lock);
}

void http_deadline_remove(struct http_deadlines *d, struct http_deadline *e)
{
	if (e == NULL)
		return;
	pthread_mutex_lock(&d->lock);
	if (e->prev != NULL)
		e->prev->next = e->next;
	else
		d->list = e->next;
	if (e->next != NULL)
		e->next->prev = e->prev;
	pthread_mutex_unlock(&d->lock);
	free(e);
}
