/* notify_sink.h — where text messages to cardholders leave possum, and `possum host`'s
 * scheduler that delivers the outbox of notify.h through it.
 *
 * A sink is a JSON-lines file (one {"ts","phone","text","id"} a line, appended and fsync'd,
 * created mode 0600) or an HTTP webhook (libcurl: a POST of {"id","phone","text"}, 2xx
 * meaning delivered), as [notify] sink says. One-time codes go to it directly (the outbox
 * would keep the code in the clear); notifications go through the outbox and the scheduler,
 * which retries what failed (notify_failed()) and logs what it gives up.
 *
 * The scheduler runs on the host's libuv loop: every [notify] interval seconds it takes what
 * is due, sends it on libuv's thread pool (a webhook call may take [notify] timeout seconds,
 * which the loop must not wait for), and reports the outcomes back on the loop's thread. It
 * has a store connection of its own, so that its small transactions never join one of the
 * host's. Phones are clear only in its batch, wiped once reported; logs never name them.
 *
 * Ownership: notify_sink_open() allocates the sink, notify_sink_close() frees it. A sink may
 * be used from several threads at once. */
#ifndef POSSUM_CLI_NOTIFY_SINK_H
#define POSSUM_CLI_NOTIFY_SINK_H

#include <stdbool.h>
#include <stdint.h>

#include <uv.h>

#include "config/config.h"
#include "hsm/hsm.h"
#include "log/log.h"
#include "notify/notify.h"
#include "store/store.h"

#define NOTIFY_SINK_WHY_MAX 64
#define NOTIFY_BATCH        128 /* messages taken from the outbox at a time */

typedef struct notify_sink notify_sink;

/* Opens the sink cfg names: the file cfg->file, else DIR/sms.jsonl of data_dir; or the webhook
 * cfg->webhook (http or https), which must be set. 0, or -1 with err (capacity errlen) saying
 * why. */
int notify_sink_open(const struct config_notify *cfg, const char *data_dir, notify_sink **out,
                     char *err, size_t errlen);

/* k may be NULL. */
void notify_sink_close(notify_sink *k);

/* Sends text to phone, with the outbox's id (0: none, as for one-time codes). 0 delivered, or
 * -1 with why (capacity NOTIFY_SINK_WHY_MAX) in a few words that quote nothing: "http 500",
 * "timeout", "write failed". */
int notify_sink_send(notify_sink *k, int64_t id, const char *phone, const char *text,
                     char why[NOTIFY_SINK_WHY_MAX]);

/* Messages on their way: taken from the outbox, sent, then reported. */
struct notify_batch {
	struct notify_delivery d[NOTIFY_BATCH];
	int sent[NOTIFY_BATCH]; /* notify_sink_send()'s result */
	char why[NOTIFY_BATCH][NOTIFY_SINK_WHY_MAX];
	size_t n;
};

/* Delivers what is due at now in one go, as the scheduler does over the loop: takes a batch,
 * sends it through k and reports each outcome (max_attempts: [notify] max_attempts). The
 * number delivered, or a negative NOTIFY_E* code. log may be NULL. */
int notify_deliver_due(store *s, hsm *h, const hsm_key *data_key, notify_sink *k, int64_t now,
                       int max_attempts, possum_log *log);

struct notify_scheduler {
	uv_loop_t *loop;
	store *store; /* its own connection */
	hsm *hsm;
	const hsm_key *data_key;
	notify_sink *sink;
	int max_attempts;
	possum_log *log;
	uv_timer_t timer;
	uv_work_t work;
	struct notify_batch batch;
	bool busy, closed;
};

/* Starts ns on loop: a store connection of its own on db_path, the outbox's phones decrypted
 * under data_key, sent through sink every cfg->interval seconds. h, data_key, sink and log
 * must outlive ns. 0, or a negative STORE_E* code (the store did not open: nothing to
 * stop). */
int notify_scheduler_start(struct notify_scheduler *ns, uv_loop_t *loop, const char *db_path,
                           hsm *h, const hsm_key *data_key, notify_sink *sink,
                           const struct config_notify *cfg, possum_log *log);

/* Stops ns: no more batches; one in flight is still reported, then the store is closed. The
 * loop runs until then. */
void notify_scheduler_stop(struct notify_scheduler *ns);

#endif
