/* host_checkpoint.c — the host's checkpointer (host.h): the write-ahead log copied into the
 * database file on a thread of its own, every interval, instead of inside the commits of the
 * loop's batches. */
#include <stdio.h>
#include <string.h>

#include "cli/host.h"

static void run(void *arg)
{
	struct host_checkpointer *c = arg;
	int rc;

	uv_mutex_lock(&c->lock);
	while (!c->stop) {
		uv_mutex_unlock(&c->lock);
		/* A checkpoint that cannot finish (a reader still on old pages) is done next time;
		 * a failure is worth a line, not a stop: the log only grows meanwhile. */
		if ((rc = store_checkpoint(c->store)) != STORE_OK)
			log_event(c->log, LOG_WARN, "checkpoint_failed",
			          json_pack("{s:s}", "error", store_errmsg(c->store)));
		uv_mutex_lock(&c->lock);
		if (!c->stop)
			uv_cond_timedwait(&c->wake, &c->lock, (uint64_t)c->interval_ms * 1000000);
	}
	uv_mutex_unlock(&c->lock);
}

int host_checkpoint_start(struct host_checkpointer *c, const char *prog, const char *db_path,
                          const struct possum_config *cfg, unsigned interval_ms)
{
	int rc;

	*c = (struct host_checkpointer){.interval_ms = interval_ms};
	if ((rc = log_open(cfg->log, cfg->log_level, &c->log)) != LOG_OK)
		return cli_error(CLI_FAILED, prog, "the checkpointer's log: %s", log_strerror(rc));
	if ((rc = store_open(db_path, &c->store)) != STORE_OK) {
		cli_error(CLI_FAILED, prog, "the checkpointer: %s", store_strerror(rc));
		goto fail;
	}
	if ((rc = uv_mutex_init(&c->lock)) != 0)
		goto fail_uv;
	if ((rc = uv_cond_init(&c->wake)) != 0) {
		uv_mutex_destroy(&c->lock);
		goto fail_uv;
	}
	if ((rc = uv_thread_create(&c->thread, run, c)) != 0) {
		uv_cond_destroy(&c->wake);
		uv_mutex_destroy(&c->lock);
		goto fail_uv;
	}
	return CLI_OK;
fail_uv:
	cli_error(CLI_FAILED, prog, "the checkpointer: %s", uv_strerror(rc));
fail:
	store_close(c->store);
	log_close(c->log);
	*c = (struct host_checkpointer){0};
	return CLI_FAILED;
}

void host_checkpoint_stop(struct host_checkpointer *c)
{
	if (c->store == NULL)
		return;
	uv_mutex_lock(&c->lock);
	c->stop = true;
	uv_cond_signal(&c->wake);
	uv_mutex_unlock(&c->lock);
	uv_thread_join(&c->thread);
	uv_cond_destroy(&c->wake);
	uv_mutex_destroy(&c->lock);
	store_checkpoint(c->store);
	store_close(c->store);
	log_close(c->log);
	*c = (struct host_checkpointer){0};
}
