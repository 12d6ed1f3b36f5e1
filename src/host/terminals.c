/* terminals.c — the host's terminal front end: cup-pos requests queued as they are
 * read, handled and committed together once per turn of the loop (group commit), answered
 * only after their commit, and logged masked (internal.h). */
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <jansson.h>

#include "host/internal.h"
#include "common/jsonval.h"
#include "crypto/crypto.h"
#include "net/trace.h"
#include "rcode/rcode.h"

/* A request of the next batch: a terminal's message, or (wait not NULL) a request its link has
 * answered, timed out or refused, to be finished (acquirer_resume()). */
struct host_pending {
	net_request *req;
	uint8_t *msg;
	size_t len;
	bool has_cert;
	char cert_sn[sizeof((struct net_peer_cert *)0)->cn]; /* mutual TLS: the certificate's CN */
	acquirer_wait *wait;
	struct acquirer_link_answer ans;
};

/* A request sent on its link, until its link says how it ended. */
struct host_sent {
	struct host_terminals *ha;
	net_request *req;
	acquirer_wait *wait;
};

/* committed: ACQUIRER_OK, or the commit's failure (ACQUIRER_EINDOUBT: nothing answered). */
static void log_outcome(struct host_terminals *ha, net_request *req,
                        const struct acquirer_outcome *o, int rc, int commit)
{
	bool committed = commit == ACQUIRER_OK, doubt = commit == ACQUIRER_EINDOUBT;

	json_t *f = json_object();

	json_object_set_new(f, "link", json_string("acquirer"));
	json_object_set_new(f, "peer", json_string(net_request_peer(req)));
	json_object_set_new(f, "mti", json_string(o->mti));
	json_object_set_new(f, "type", json_string(o->type));
	/* The keys of the API's transactions (acquirer_txn_json) and of `possum term --json`. */
	json_object_set_new(f, "tid", json_string(o->tid));
	json_object_set_new(f, "mid", json_string(o->mid));
	json_object_set_new(f, "stan", json_string(o->stan));
	json_object_set_new(f, "batch", json_integer(o->batch));
	json_object_set_new(f, "card", json_string(o->card));
	/* A log line is flat: jsonval_money's "amount" and "currency" as its own keys; none for a
	 * message without an amount (a sign-in has neither 4 nor 49). */
	if (o->currency != 0) {
		json_t *money = jsonval_money(o->amount, (unsigned)o->currency);
		json_object_update(f, money);
		json_decref(money);
	}
	json_object_set_new(f, "rc",
	                    json_string(committed ? o->rc
	                                : doubt   ? ""
	                                          : RCODE_SYSTEM_FAULT));
	json_object_set_new(f, "reason",
	                    json_string(committed ? o->reason
	                                : doubt   ? "commit_in_doubt"
	                                          : "commit_failed"));
	json_object_set_new(f, "stage", json_string(o->stage));
	if (o->route[0] != '\0') /* where the request went: "local_issuer", later a link */
		json_object_set_new(f, "route", json_string(o->route));
	json_object_set_new(f, "rrn", json_string(o->rrn));
	if (committed && o->auth_code[0] != '\0')
		json_object_set_new(f, "auth_code", json_string(o->auth_code));
	if (rc != ACQUIRER_OK)
		json_object_set_new(f, "error", json_string(acquirer_strerror(rc)));
	log_event(ha->log, rc == ACQUIRER_OK && committed ? LOG_INFO : LOG_ERROR, "transaction", f);
}

/* Room for n answers in ha's reply buffers, which only grow: a batch's worth allocated and
 * freed each turn went back to the kernel each time (brk, and a TLB flush on every core). */
static bool reserve_replies(struct host_terminals *ha, size_t n)
{
	struct acquirer_reply *r;
	int *rcs;

	if (n <= ha->reply_cap)
		return true;
	if ((r = realloc(ha->replies, n * sizeof *r)) == NULL)
		return false;
	ha->replies = r;
	if ((rcs = realloc(ha->rcs, n * sizeof *rcs)) == NULL)
		return false;
	ha->rcs = rcs;
	ha->reply_cap = n;
	return true;
}

/* A free slot at the end of ha's queue, or NULL (out of memory). */
static struct host_pending *queue_slot(struct host_terminals *ha)
{
	struct host_pending *grown;

	if (ha->n == ha->cap) {
		size_t cap = ha->cap == 0 ? 64 : ha->cap * 2;

		if ((grown = realloc(ha->queue, cap * sizeof *grown)) == NULL)
			return NULL;
		ha->queue = grown;
		ha->cap = cap;
	}
	return &ha->queue[ha->n++];
}

/* How the link ended a request: queued to be finished in the next batch. A link closing (the
 * host stopping) drops it: its waiting reversal settles it at the issuer. */
static void on_link_done(void *ctx, int result, const iso8583_msg *answer)
{
	struct host_sent *s = ctx;
	struct host_pending *p;
	struct acquirer_link_answer ans = {.result = ACQUIRER_LINK_TIMEOUT};

	if (result == OUTLINK_ANSWERED && acquirer_link_answer_read(answer, &ans) != ACQUIRER_OK)
		ans = (struct acquirer_link_answer){.result = ACQUIRER_LINK_TIMEOUT}; /* unknown */
	if (result == OUTLINK_DOWN)
		ans.result = ACQUIRER_LINK_DOWN;
	if (result == OUTLINK_CLOSED || (p = queue_slot(s->ha)) == NULL) {
		acquirer_wait_drop(s->wait);
		net_drop(s->req, 1);
	} else {
		*p = (struct host_pending){.req = s->req, .wait = s->wait, .ans = ans};
	}
	free(s);
}

/* A waiting request of a committed batch sent on its link; refused at once (no connection
 * up, too many in flight), finished in the next batch as the link's DOWN. */
static void send_on_link(struct host_terminals *ha, net_request *req, acquirer_wait *w)
{
	const char *name;
	const iso8583_msg *m = acquirer_wait_message(w, &name);
	outlink *l = ha->links != NULL ? host_links_find(ha->links, name, NULL, NULL, NULL) : NULL;
	struct host_sent *s = malloc(sizeof *s);
	struct host_pending *p;

	if (s != NULL) {
		*s = (struct host_sent){ha, req, w};
		if (l != NULL && outlink_send(l, m, on_link_done, s) == OUTLINK_OK)
			return;
		free(s);
	}
	if ((p = queue_slot(ha)) == NULL) {
		acquirer_wait_drop(w);
		net_drop(req, 1);
		return;
	}
	*p = (struct host_pending){.req = req, .wait = w, .ans = {.result = ACQUIRER_LINK_DOWN}};
}

/* Answers item p of a batch whose commit ended commit (its reply r; NULL when the batch could
 * not be handled): sent, sent on its link when it waits for it, or dropped. */
static void answer(struct host_terminals *ha, struct host_pending *p, struct acquirer_reply *r,
                   int commit)
{
	const uint8_t *out = NULL;
	size_t len = 0;

	if (r != NULL && r->wait != NULL && commit == ACQUIRER_OK) {
		send_on_link(ha, p->req, r->wait);
		return;
	}
	if (r != NULL && r->wait != NULL)
		acquirer_wait_drop(r->wait);
	/* In doubt, nothing: the terminal times out and its reversal settles it. */
	if (r != NULL && commit != ACQUIRER_EINDOUBT) {
		out = commit == ACQUIRER_OK ? r->msg : r->failed;
		len = commit == ACQUIRER_OK ? r->len : r->failed_len;
	}
	if (len > 0 && ha->trace)
		net_trace(ha->log, ha->dialect, "acquirer", "out", net_request_peer(p->req), out,
		          len);
	if (len > 0)
		net_reply(p->req, out, len);
	else
		net_drop(p->req, 1);
}

static void on_idle(uv_idle_t *idle)
{
	(void)idle; /* the check handle that follows does the work */
}

/* The whole queue: one batch, one commit, then the answers. */
static void on_check(uv_check_t *check)
{
	struct host_terminals *ha = check->data;
	struct host_pending *batch = ha->queue;
	size_t n = ha->n;
	int64_t now = (int64_t)time(NULL);
	bool batched, handled;
	int commit = ACQUIRER_OK;
	struct timespec t0, t1;

	if (n == 0 && (ha->notify == NULL || !notify_scheduler_due(ha->notify)))
		return;
	ha->queue = NULL;
	ha->n = ha->cap = 0;
	/* Without memory to handle them, the requests are dropped unanswered: the terminals
	 * reverse what they do not hear back about. */
	if (!(handled = reserve_replies(ha, n)))
		commit = ACQUIRER_ENOMEM;
	if (handled) {
		/* A batch that cannot begin: each request commits (or fails, 96) on its own. */
		batched = acquirer_begin(ha->acquirer) == ACQUIRER_OK;
		for (size_t i = 0; i < n; i++)
			ha->rcs[i] =
			    batch[i].wait != NULL
			        ? acquirer_resume(ha->acquirer, batch[i].wait, &batch[i].ans, now,
			                          &ha->replies[i])
			        : acquirer_handle_tls(ha->acquirer, batch[i].msg, batch[i].len, now,
			                              batch[i].has_cert ? batch[i].cert_sn : NULL,
			                              &ha->replies[i]);
		/* The texts sent since the last batch: recorded in this one's commit. */
		if (batched && ha->notify != NULL)
			notify_scheduler_report(ha->notify);
		clock_gettime(CLOCK_MONOTONIC, &t0);
		commit = batched ? acquirer_commit(ha->acquirer) : ACQUIRER_OK;
		clock_gettime(CLOCK_MONOTONIC, &t1);
		if (batched && n > 0)
			host_metrics_commit(ha->metrics, n,
			                    (double)(t1.tv_sec - t0.tv_sec) +
			                        (double)(t1.tv_nsec - t0.tv_nsec) / 1e9);
	}
	/* The batch's log lines in one write, before its answers leave. */
	log_hold(ha->log);
	for (size_t i = 0; handled && i < n; i++) {
		if (ha->replies[i].wait != NULL && commit == ACQUIRER_OK)
			continue; /* logged when its link has answered */
		log_outcome(ha, batch[i].req, &ha->replies[i].out, ha->rcs[i], commit);
		host_metrics_outcome(ha->metrics, &ha->replies[i].out, commit == ACQUIRER_OK);
	}
	log_release(ha->log);
	for (size_t i = 0; i < n; i++) {
		/* Handled or not, a request resumed is the acquirer's no more. */
		if (!handled && batch[i].wait != NULL)
			acquirer_wait_drop(batch[i].wait);
		answer(ha, &batch[i], handled ? &ha->replies[i] : NULL, commit);
		if (batch[i].msg != NULL) {
			crypto_wipe(batch[i].msg, batch[i].len); /* card data, PIN blocks */
			free(batch[i].msg);
		}
	}
	if (handled)
		crypto_wipe(ha->replies, n * sizeof *ha->replies);
	free(batch);
	/* Requests queued meanwhile (a link that refused one at once): another turn without
	 * waiting for I/O. */
	if (ha->n > 0)
		uv_idle_start(&ha->idle, on_idle);
	else
		uv_idle_stop(&ha->idle);
}

int host_terminals_start(struct host_terminals *ha, uv_loop_t *loop)
{
	int rc;

	ha->check.data = ha;
	if ((rc = uv_idle_init(loop, &ha->idle)) != 0 ||
	    (rc = uv_check_init(loop, &ha->check)) != 0)
		return rc;
	return uv_check_start(&ha->check, on_check);
}

void host_terminals_handle(void *ctx, net_request *req, const uint8_t *msg, size_t len)
{
	struct host_terminals *ha = ctx;
	const struct net_peer_cert *pc = net_request_peer_cert(req);
	struct host_pending *p;
	uint8_t *copy;

	if (ha->trace)
		net_trace(ha->log, ha->dialect, "acquirer", "in", net_request_peer(req), msg, len);
	if ((copy = malloc(len > 0 ? len : 1)) == NULL) {
		net_drop(req, 1);
		return;
	}
	if ((p = queue_slot(ha)) == NULL) {
		free(copy);
		net_drop(req, 1);
		return;
	}
	memcpy(copy, msg, len);
	*p = (struct host_pending){req, copy, len, pc != NULL, "", NULL, {0}};
	if (pc != NULL)
		memcpy(p->cert_sn, pc->cn, sizeof p->cert_sn);
}

static void on_check_closed(uv_handle_t *handle)
{
	(void)handle;
}

void host_terminals_stop(struct host_terminals *ha)
{
	uv_check_stop(&ha->check);
	uv_close((uv_handle_t *)&ha->check, on_check_closed);
	uv_idle_stop(&ha->idle);
	uv_close((uv_handle_t *)&ha->idle, on_check_closed);
	for (size_t i = 0; i < ha->n; i++) {
		net_drop(ha->queue[i].req, 1);
		acquirer_wait_drop(ha->queue[i].wait);
		if (ha->queue[i].msg != NULL) {
			crypto_wipe(ha->queue[i].msg, ha->queue[i].len);
			free(ha->queue[i].msg);
		}
	}
	free(ha->queue);
	ha->queue = NULL;
	ha->n = ha->cap = 0;
	free(ha->replies);
	free(ha->rcs);
	ha->replies = NULL;
	ha->rcs = NULL;
	ha->reply_cap = 0;
}
