/* checkpoint.c — the checkpointer (store_checkpoint.h): the write-ahead log copied into the
 * database file on a thread and connection of its own, every interval, instead of inside the
 * commits of a busy connection. */
#include "store/store_checkpoint.h"

#include <errno.h>
#include <string.h>
#include <time.h>

/* Now plus ms, on the clock pthread_cond_timedwait() reads. */
static struct timespec deadline(unsigned ms)
{
	struct timespec t;

	clock_gettime(CLOCK_REALTIME, &t);
	t.tv_sec += ms / 1000;
	t.tv_nsec += (long)(ms % 1000) * 1000000L;
	if (t.tv_nsec >= 1000000000L) {
		t.tv_sec++;
		t.tv_nsec -= 1000000000L;
	}
	return t;
}

static void *run(void *arg)
{
	struct store_checkpointer *c = arg;
	struct timespec until;

	pthread_mutex_lock(&c->lock);
	while (!c->stop) {
		pthread_mutex_unlock(&c->lock);
		/* A checkpoint that cannot finish (a reader still on old pages) is done next time;
		 * a failure is worth a line, not a stop. */
		if (store_checkpoint(c->store) != STORE_OK && c->on_failure != NULL)
			c->on_failure(c->ctx, store_errmsg(c->store));
		pthread_mutex_lock(&c->lock);
		until = deadline(c->interval_ms);
		while (!c->stop && pthread_cond_timedwait(&c->wake, &c->lock, &until) != ETIMEDOUT)
			;
	}
	pthread_mutex_unlock(&c->lock);
	return NULL;
}

int store_checkpointer_start(struct store_checkpointer *c, const char *path, unsigned interval_ms,
                             void (*on_failure)(void *ctx, const char *errmsg), void *ctx)
{
	int rc;

	*c = (struct store_checkpointer){
	    .interval_ms = interval_ms, .on_failure = on_failure, .ctx = ctx};
	if ((rc = store_open(path, &c->store)) != STORE_OK) {
		*c = (struct store_checkpointer){0};
		return rc;
	}
	pthread_mutex_init(&c->lock, NULL);
	pthread_cond_init(&c->wake, NULL);
	if (pthread_create(&c->thread, NULL, run, c) != 0) {
		pthread_cond_destroy(&c->wake);
		pthread_mutex_destroy(&c->lock);
		store_close(c->store);
		*c = (struct store_checkpointer){0};
		return STORE_EIO;
	}
	return STORE_OK;
}

void store_checkpointer_stop(struct store_checkpointer *c)
{
	if (c->store == NULL)
		return;
	pthread_mutex_lock(&c->lock);
	c->stop = true;
	pthread_cond_signal(&c->wake);
	pthread_mutex_unlock(&c->lock);
	pthread_join(c->thread, NULL);
	pthread_cond_destroy(&c->wake);
	pthread_mutex_destroy(&c->lock);
	store_checkpoint(c->store);
	store_close(c->store);
	*c = (struct store_checkpointer){0};
}
