/* store_checkpoint.h — the checkpointer: a thread with a store connection of its own that
 * copies the write-ahead log into the database file every interval, so that the commits of a
 * busy connection seldom do it — SQLite's automatic checkpoint runs inside the commit that
 * fills the log, thousands of page reads and writes that the requests of that commit would
 * wait for. The busy connection raises its threshold (store_set_autocheckpoint(), e.g.
 * STORE_CHECKPOINT_PAGES) so that its own checkpoints are rare, copy little, and let the log
 * start again.
 *
 * Ownership: the caller owns the struct store_checkpointer; store_checkpointer_start() opens
 * the connection and the thread, store_checkpointer_stop() ends and closes both. The store
 * has no log: a checkpoint that fails is told to on_failure (may be NULL), on the
 * checkpointer's thread, with the store's message; the thread goes on (the log only grows
 * meanwhile). Functions return STORE_OK or a negative STORE_E* code. */
#ifndef POSSUM_STORE_CHECKPOINT_H
#define POSSUM_STORE_CHECKPOINT_H

#include <pthread.h>
#include <stdbool.h>

#include "store/store.h"

#define STORE_CHECKPOINT_PAGES                                                                     \
	4096 /* a busy connection's threshold beside a checkpointer: 16 MiB */

struct store_checkpointer {
	store *store;
	pthread_t thread;
	pthread_mutex_t lock;
	pthread_cond_t wake;
	bool stop;
	unsigned interval_ms;
	void (*on_failure)(void *ctx, const char *errmsg);
	void *ctx;
};

/* Opens the database at path on a connection of its own and starts the thread, which
 * checkpoints at once and then every interval_ms. STORE_OK, or the open's failure (c is then
 * zeroed), or STORE_EIO when the thread cannot start. */
int store_checkpointer_start(struct store_checkpointer *c, const char *path, unsigned interval_ms,
                             void (*on_failure)(void *ctx, const char *errmsg), void *ctx);

/* Stops the thread (after its checkpoint in hand), checkpoints once more and closes; c may be
 * only zeroed. */
void store_checkpointer_stop(struct store_checkpointer *c);

#endif
