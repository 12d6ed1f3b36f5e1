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
 * which the loop must not wait for), and records the outcomes back on the loop's thread, in
 * the host's next batch. It shares the loop's store connection: a connection of its own would
 * commit (and sync) apart, and each of its commits would empty the cache of the loop's. Phones
 * are clear only in its batch, wiped once recorded; logs never name them.
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
#define NOTIFY_BATCH        512 /* messages taken from the outbox at a time */

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
	store *store; /* the caller's connection, used on the loop's thread */
	bool joined;
	hsm *hsm;
	const hsm_key *data_key;
	notify_sink *sink;
	int max_attempts;
	uint64_t interval_ms;
	possum_log *log;
	uv_timer_t timer;
	uv_work_t work;
	struct notify_batch batch;
	bool busy;   /* a round taken and not yet recorded */
	bool sent;   /* its sending done: its outcomes wait to be recorded */
	bool closed; /* stopped */
};

/* Starts ns on loop: the outbox of s, the phones decrypted under data_key, sent through sink
 * every cfg->interval seconds. s, h, data_key, sink and log must outlive ns; s is used only on
 * the loop's thread. A round's outcomes are committed by the scheduler itself, or, joined,
 * wait for the caller's next transaction on s, which records them with
 * notify_scheduler_report() — the host's batches, so that texts cost no commit of their own.
 * 0, or a negative libuv code. */
int notify_scheduler_start(struct notify_scheduler *ns, uv_loop_t *loop, store *s, bool joined,
                           hsm *h, const hsm_key *data_key, notify_sink *sink,
                           const struct config_notify *cfg, possum_log *log);

/* Whether a round's outcomes wait for notify_scheduler_report(). */
bool notify_scheduler_due(const struct notify_scheduler *ns);

/* Records the waiting outcomes inside the transaction the caller has open on the scheduler's
 * store: the number delivered (0 when none waited). Should that transaction roll back, the
 * messages stay due and are sent again, with the same ids. */
int notify_scheduler_report(struct notify_scheduler *ns);

/* Stops ns: no more rounds; one in flight is still recorded, in a transaction of its own.
 * The loop runs until then. */
void notify_scheduler_stop(struct notify_scheduler *ns);

#endif
