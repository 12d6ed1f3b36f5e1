/* scheduler.h — delivering the outbox of notify.h through a sink (notify/sink.h): one round
 * at a time (notify_deliver_due()), or a scheduler on a libuv loop.
 *
 * The scheduler runs on the host's loop: every [notify] interval seconds it takes what is due,
 * sends it on libuv's thread pool (a webhook call may take [notify] timeout seconds, which the
 * loop must not wait for), and records the outcomes back on the loop's thread — in a commit of
 * its own, or, joined, inside the caller's next transaction on the same store connection (the
 * host's batches: a connection of its own would commit, and sync, apart). It retries what
 * failed (notify_failed()) and logs what it gives up. Phones are clear only in its batch,
 * wiped once recorded; logs never name them.
 *
 * Several hosts on one database share the outbox: each round claims its batch (notify_due(),
 * store_claim.h) for twice [notify] timeout, so that hosts at once send disjoint messages and
 * a stopped host's are sent by another once its claim has run out. A message is sent only while
 * its claim will outlast the send (a slow sink leaves the rest of its batch to the next claim),
 * so that none is sent by two hosts while a claim holds.
 *
 * Ownership: the caller owns the struct notify_scheduler and everything it points to (store,
 * hsm, key, sink, log), which outlive it. Functions return a count, NOTIFY_OK or a negative
 * NOTIFY_E* code; notify_scheduler_start() a libuv code. */
#ifndef POSSUM_NOTIFY_SCHEDULER_H
#define POSSUM_NOTIFY_SCHEDULER_H

#include <stdbool.h>
#include <stdint.h>

#include <uv.h>

#include "hsm/hsm.h"
#include "log/log.h"
#include "notify/notify.h"
#include "notify/sink.h"
#include "store/store.h"
#include "store/store_claim.h"

#define NOTIFY_BATCH 512 /* messages taken from the outbox at a time */
/* The claim of notify_deliver_due()'s round, seconds: twice the longest [notify] timeout. */
#define NOTIFY_ROUND_CLAIM 600

/* Messages on their way: taken from the outbox, sent, then reported. */
struct notify_batch {
	struct notify_delivery d[NOTIFY_BATCH];
	int sent[NOTIFY_BATCH]; /* notify_sink_send()'s result */
	char why[NOTIFY_BATCH][NOTIFY_SINK_WHY_MAX];
	size_t n;
};

/* Delivers what is due at now in one go: claims a batch (for NOTIFY_ROUND_CLAIM seconds, as
 * this process: store_lease_holder("notify")), sends it through k and reports each outcome
 * (max_attempts: [notify] max_attempts). The number delivered, or a negative NOTIFY_E* code.
 * log may be NULL. */
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
	int64_t timeout; /* [notify] timeout: a send's longest, seconds; a claim lasts twice that */
	size_t take;     /* messages a round claims: [notify] batch, NOTIFY_BATCH at most */
	possum_log *log;
	uv_timer_t timer;
	uv_work_t work;
	struct notify_batch batch;
	bool busy;   /* a round taken and not yet recorded */
	bool sent;   /* its sending done: its outcomes wait to be recorded */
	bool closed; /* stopped */
	/* The holder of the rounds' claims (store_claim.h): this process's, set by
	 * notify_scheduler_start() (store_lease_holder("host")); a test running two schedulers in
	 * one process gives each its own before the loop runs. */
	char holder[STORE_CLAIM_HOLDER_MAX];
};

/* Starts ns on loop: the outbox of s, the phones decrypted under data_key, sent through sink
 * every cfg->interval seconds, cfg->max_attempts at most. s is used only on the loop's thread.
 * A round's outcomes are committed by the scheduler itself, or, joined, wait for the caller's
 * next transaction on s, which records them with notify_scheduler_report(). 0, or a negative
 * libuv code. */
int notify_scheduler_start(struct notify_scheduler *ns, uv_loop_t *loop, store *s, bool joined,
                           hsm *h, const hsm_key *data_key, notify_sink *sink,
                           const struct notify_config *cfg, possum_log *log);

/* Whether a round's outcomes wait for notify_scheduler_report(). */
bool notify_scheduler_due(const struct notify_scheduler *ns);

/* Records the waiting outcomes inside the transaction the caller has open on the scheduler's
 * store: the number delivered (0 when none waited). Should that transaction roll back, the
 * messages are sent again once their claim has run out, with the same ids. */
int notify_scheduler_report(struct notify_scheduler *ns);

/* Stops ns: no more rounds; one in flight is still recorded, in a transaction of its own.
 * The loop runs until then. */
void notify_scheduler_stop(struct notify_scheduler *ns);

#endif
