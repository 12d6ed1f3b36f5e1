/* acquirer.h — the acquirer host's terminal side (docs/architecture.md "A card payment"): merchants
 * registered (their terminals are the merchant module's: merchant.h), and each cup-pos request of a
 * terminal read once into the host's request (request/request.h) and taken through the stages
 * of its message class (src/acquirer/internal.h) — for a payment: unpack, terminal, MAC,
 * duplicate, fields, card, card authentication policy, route, authorize (at the issuer the
 * route names), record, notify (the cardholder's text), respond — to a response.
 *
 * Durability (group commit): the caller opens a batch with acquirer_begin(), hands it each
 * request (acquirer_handle(), which runs the request in a savepoint of its own and writes its
 * answer), commits the batch once with acquirer_commit() and only then sends the answers; when
 * the commit fails every request of the batch is answered with the reply's `failed` form (39 =
 * "96"), never an approval — but when it is in doubt (ACQUIRER_EINDOUBT: its sync failed, and
 * a crash could yet reveal it committed) none is answered at all, so that each terminal times
 * out and reverses, which settles it either way. acquirer_handle() outside a batch commits by
 * itself. The lower
 * modules (issuer, ledger, notify outbox) work inside that savepoint and open none of their own.
 * A card authentication's one-time code is sent after the commit that keeps it
 * (acquirer_commit(), or acquirer_handle() outside a batch).
 *
 * Time is the caller's (now, Unix seconds); fields 12, 13 and 15 are the host's local time.
 *
 * Ownership: acquirer_open() keeps the store, hsm and issuer pointers it is given (the caller
 * closes them after acquirer_close()) and copies the keys and config. Nothing is logged here:
 * each reply carries an outcome, masked, for the caller to log.
 *
 * Errors: ACQUIRER_OK or a negative ACQUIRER_E* code; acquirer_strerror() names it. */
#ifndef POSSUM_ACQUIRER_H
#define POSSUM_ACQUIRER_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include <jansson.h>

#include "card/card.h"
#include "hsm/hsm.h"
#include "iso8583/iso8583.h"
#include "issuer/issuer.h"
#include "risk/risk.h"
#include "settle/settle.h"
#include "store/store.h"
#include "store/store_acquirer.h"
#include "store/store_saf.h"

#define ACQUIRER_OK        0
#define ACQUIRER_EARG      (-1) /* an argument malformed or out of range */
#define ACQUIRER_ESTORE    (-2) /* the store failed; nothing was committed */
#define ACQUIRER_EHSM      (-3) /* the hsm failed */
#define ACQUIRER_ENOTFOUND (-4) /* no such merchant */
#define ACQUIRER_EEXIST    (-5) /* a MID taken */
#define ACQUIRER_ENOMEM    (-6)
#define ACQUIRER_EINDOUBT  (-7) /* a batch's commit whose sync failed: done or not, unknown */

#define ACQUIRER_MID_LEN 15
#define ACQUIRER_TID_LEN 8
#define ACQUIRER_SN_MAX  50
/* The largest request or answer (the bytes after the frame's 2-byte length): a bound above the
 * largest message cup-pos allows, every field at its maximum (iso8583_max_size(), 2,3xx bytes;
 * test_acquirer checks it). A longer frame is answered 30 too_long when its MTI reads. */
#define ACQUIRER_MSG_MAX 4096

/* The [acquirer] section of the config file (docs/config.md). */
struct acquirer_config {
	char institution[12];    /* the acquirer's institution id (32); default "48020000" */
	bool cardauth_credit;    /* credit cards must be authenticated to pay; default no */
	int64_t cardauth_above;  /* payments above this (minor units) too; 0: off */
	bool cardauth_first_use; /* a card's first payment at a merchant too; default no */
	int utc_offset;          /* minutes east of UTC of the host's local time, which fields 12,
	                            13 and 15 of answers carry; default 480 (Beijing) */
	struct settle_calendar settle; /* the business day: field 15 and a row's settle_date are
	                                  the settlement date of the decision (its cut-off);
	                                  default settle_calendar_defaults(); its holidays
	                                  are the caller's, kept while the acquirer is open */
	bool track_optional; /* [acquirer] track_encryption = optional: clear tracks (35, 36)
	                        are read too; default required, a clear one is answered 30 */
	char qr_guid[33];    /* [qr] guid: the acquirer's identifier in a static QR code's template
	                        "26" (sub-ID "00"), reverse domain; default "cn.possum" */
};

void acquirer_config_defaults(struct acquirer_config *cfg);

typedef struct acquirer acquirer;

const char *acquirer_strerror(int rc);

/* The keys the acquirer works with besides the issuer's zone PIN key, and the names they are
 * kept by, for the caller that makes them (host_datadir_key()): [0] the M7 key of the keyed
 * hashes of PANs (pan_hash below), [1] the D0 key a stand-in advice's card is sealed under in
 * the store-and-forward queue (acquirer_set_data_key()). */
extern const struct hsm_key_spec acquirer_key_specs[2];
extern const char *const acquirer_key_names[2];

/* Opens the acquirer on s, h and the issuer is; zpk is the issuer's zone PIN key (PIN blocks
 * are translated to it from the terminal's PIN key), pan_hash an M7 key for the keyed hashes
 * of PANs the acquirer's rows keep. */
int acquirer_open(store *s, hsm *h, issuer *is, const hsm_key *zpk, const hsm_key *pan_hash,
                  const struct acquirer_config *cfg, acquirer **out);
void acquirer_close(acquirer *a);
/* The D0 key (acquirer_key_specs[1]) stand-in advices seal their card under (copied). Without
 * one no request is approved in stand-in. */
void acquirer_set_data_key(acquirer *a, const hsm_key *key);
/* Terminal management (tms/tms.h), the caller's, which must outlive the acquirer: with it the
 * terminals download their parameters, CA keys and AIDs (0820 360–381) and every answer's
 * header asks for what a terminal still needs (docs/tms.md "Downloads"); without it neither. */
struct tms;
void acquirer_set_tms(acquirer *a, struct tms *t);

/* ---- Registration ---- */

/* Adds a merchant: name 1 to 128 bytes, MCC 4 digits, MID 15 characters (letters and digits)
 * or NULL for a new one ("898" + 12 random digits), written to out (capacity 16). */
int acquirer_merchant_add(acquirer *a, const char *name, const char *mcc, const char *mid,
                          int64_t now, char out[ACQUIRER_MID_LEN + 1]);

/* ---- Terminal requests ---- */

/* ---- The routing table (route.c, docs/links.md) ----
 *
 * Card-number prefix ranges ([route] lines), each to a destination: "local", the issuer in
 * this process, or the name of a network link ([link.NAME]). The most specific range that holds
 * a card's PAN wins (card_bin_lookup(): the longest prefix, then the narrowest). No table, or
 * a table of none: every card goes local (the behaviour before routes). A table with routes: a
 * card none holds is declined 15 (no_route); a card of a link's range 91 (link_down) while no
 * link engine answers for it. A QR payment (its card the local issuer's wallet's) and a
 * reversal (through the route its original took) go local. The table is the caller's: set
 * between batches (acquirer_set_routes()), closed after the swap; a request copies the name of
 * its destination, so nothing of it points into the table once routed. */
#define ACQUIRER_ROUTE_NAME_MAX 32
#define ACQUIRER_ROUTE_LOCAL    "local"
#define ACQUIRER_ROUTES_MAX     4096

struct acquirer_route {
	struct card_bin_range range; /* its product is not read (any of enum card_product) */
	char dest[ACQUIRER_ROUTE_NAME_MAX + 1]; /* "local" or a link's name */
	/* Stand-in (docs/links.md): while the link is down, a purchase or pre-authorization up to
	 * this amount (minor units), without an online PIN, of a card not on the blocked list, is
	 * approved in the issuer's name and advised to it once the link is back; 0: off. */
	int64_t stand_in;
};
typedef struct acquirer_routes acquirer_routes;

/* A table of the n routes (copied): ACQUIRER_OK; ACQUIRER_EARG when a range is malformed
 * (*bad its index), a destination empty or too long, the same range twice (*bad the second),
 * or n above ACQUIRER_ROUTES_MAX; ACQUIRER_ENOMEM. bad may be NULL. */
int acquirer_routes_create(const struct acquirer_route *routes, size_t n, size_t *bad,
                           acquirer_routes **out);
void acquirer_routes_close(acquirer_routes *rt);
size_t acquirer_routes_count(const acquirer_routes *rt);
/* The i-th route as given (i < count). */
const struct acquirer_route *acquirer_routes_at(const acquirer_routes *rt, size_t i);
/* The route of pan (12 to 19 digits): ACQUIRER_OK with *out into rt; ACQUIRER_ENOTFOUND when
 * no range holds it; ACQUIRER_EARG for a PAN that is not one. */
int acquirer_routes_find(const acquirer_routes *rt, const char *pan,
                         const struct acquirer_route **out);
/* The table the route stage reads (NULL: none, every card local), the caller's; as for
 * acquirer_set_rules(): swapped between batches only, the old one closed after. */
void acquirer_set_routes(acquirer *a, const acquirer_routes *rt);

/* ---- Network links (link.c, docs/links.md) ----
 *
 * A request routed to a link is sent to its issuer in the link's dialect and answered when the
 * issuer answers: it leaves its batch waiting. In the batch it came in, its row is written
 * (39 = 98, reason link_waiting: what it is until answered) with a reversal of it queued in
 * state "waiting", due only after the link's timeout and a margin — so that a host that dies, or
 * an answer whose commit fails, still reverses at the issuer what it may have approved. Once that
 * batch commits, the caller sends the request's message (acquirer_wait_message()) on the link
 * and, when the link answers, times out or cannot take it, resumes it in a later batch
 * (acquirer_resume()): the answer is recorded, the waiting reversal cancelled (answered in time)
 * or made due at once (timed out: the terminal is answered 98), and the terminal answered as
 * for the local issuer (auth code, balance, chip data passed through). Nothing here knows
 * sockets: the caller owns the links. */
struct acquirer_link {
	char name[ACQUIRER_ROUTE_NAME_MAX + 1];
	const hsm_key *zpk;   /* the link's zone PIN key: PIN blocks are translated to it inside
	                         the HSM; NULL: a request with a PIN is declined 96 link_no_zpk */
	char institution[12]; /* fields 32 and 33 sent; "": the acquirer's institution */
	int64_t timeout;      /* seconds the caller waits for an answer (its reversal is due
	                         this and ACQUIRER_LINK_MARGIN after it was recorded) */
	int64_t saf_interval; /* seconds between repeats of a queued reversal or advice */
	int64_t saf_max_age;  /* seconds before a queued entry is given up (expired) */
};
#define ACQUIRER_LINK_MARGIN 5
#define ACQUIRER_LINKS_MAX   16

/* The links the routes name (copied; their keys are the caller's and must outlive the
 * acquirer), and up(ctx, name): whether the link has a connection signed on now — a request
 * for a link that is not up is answered 91 link_down at once, without waiting. Set before the
 * first request. ACQUIRER_EARG for more than ACQUIRER_LINKS_MAX or a name twice. */
int acquirer_set_links(acquirer *a, const struct acquirer_link *links, size_t n,
                       bool (*up)(void *ctx, const char *name), void *ctx);
/* The link of that name, or NULL. */
const struct acquirer_link *acquirer_link_find(const acquirer *a, const char *name);

/* A request waiting for its link's answer: owned by the acquirer; the caller hands it back to
 * acquirer_resume() or acquirer_wait_drop() exactly once. */
typedef struct acquirer_wait acquirer_wait;

/* The message to send for w, valid until w is resumed or dropped, and its link's name. */
const iso8583_msg *acquirer_wait_message(const acquirer_wait *w, const char **link);

/* How a request on a link ended. */
enum acquirer_link_result {
	ACQUIRER_LINK_ANSWERED = 0, /* the issuer answered: the fields below */
	ACQUIRER_LINK_TIMEOUT,      /* no answer in time: 98, the reversal sent */
	ACQUIRER_LINK_DOWN,         /* never sent (no connection, refused): 91, nothing to undo */
};
struct acquirer_link_answer {
	int result;        /* enum acquirer_link_result */
	char rc[3];        /* 39 */
	char auth_code[7]; /* 38 */
	bool has_balance;  /* 54, its available balance */
	int64_t available;
	uint16_t currency;
	uint8_t icc[255]; /* 55 */
	size_t icc_len;
};
/* The answer m (an 0110, 0210, 0230) read: ACQUIRER_OK, or ACQUIRER_EARG when 39 is missing or
 * malformed (the caller resumes with result TIMEOUT then: the issuer's answer is not known). */
int acquirer_link_answer_read(const iso8583_msg *m, struct acquirer_link_answer *out);

struct acquirer_reply;
/* Finishes w with its link's answer (or its absence) at now, in the caller's batch (or a
 * transaction of its own outside one), writing r as acquirer_handle() does; w is freed. */
int acquirer_resume(acquirer *a, acquirer_wait *w, const struct acquirer_link_answer *ans,
                    int64_t now, struct acquirer_reply *r);
/* Frees w unanswered: its batch did not commit (its terminal is answered the reply's failed
 * form, 96), or the host is stopping (its waiting reversal settles it). */
void acquirer_wait_drop(acquirer_wait *w);

/* The message of a queued entry e (its original's row read from the store): a reversal 0420,
 * an advice 0220 (a purchase) or 0120 (a pre-authorization), and 0421, 0221, 0121 when e has
 * been sent before, with the original's 3, 4, 11 (its network STAN), 25, 32, 37, 41, 42, 49
 * and 7 the time it was queued (the same on each repeat, so that the issuer knows a repeat);
 * an advice also its auth code (38) and its card unsealed (2, 14, 22; never 52 or 55). Values
 * point into out. ACQUIRER_ENOTFOUND when its row is gone; ACQUIRER_EHSM when an advice's card
 * does not open. */
struct acquirer_saf_msg {
	iso8583_msg m;
	char f3[7], f4[13], f7[11], f11[7], f32[12], f37[13], f41[9], f42[16], f49[4];
	char f2[20], f14[5], f22[4], f38[7]; /* an advice's: the caller wipes out once sent */
};
int acquirer_saf_message(acquirer *a, const struct acquirer_link *l, const struct store_saf *e,
                         struct acquirer_saf_msg *out);

/* What became of a request, for the log: never a PAN, track, PIN block or CVV. */
#define ACQUIRER_STAGES_MAX 16
struct acquirer_outcome {
	char mti[5], type[20], tid[9], mid[16], stan[7], card[20];
	int batch;
	int64_t amount;
	int currency;
	char rc[3], reason[32], rrn[13], auth_code[7];
	char stage[16];                          /* the stage that decided */
	char route[ACQUIRER_ROUTE_NAME_MAX + 1]; /* where it went (route.c: "local_issuer", or a
	                                            link's name); "" when it went nowhere */
	/* How long each stage that ran took (CLOCK_MONOTONIC), in the order they ran: its name
	 * (a static string, the pipeline's table's) and nanoseconds; the first
	 * ACQUIRER_STAGES_MAX of them. */
	struct acquirer_stage_time {
		const char *stage;
		int64_t ns;
	} times[ACQUIRER_STAGES_MAX];
	size_t n_times;
};

/* A request's answer, and what to answer instead when the batch does not commit. Both are
 * the bytes after the 2-byte length of the frame (as net_reply() takes them); len 0: answer
 * nothing and close the connection (a message that cannot be read at all). */
struct acquirer_reply {
	uint8_t msg[ACQUIRER_MSG_MAX];
	size_t len;
	uint8_t failed[ACQUIRER_MSG_MAX];
	size_t failed_len;
	struct acquirer_outcome out;
	/* Not NULL: the request waits for its link (len 0, nothing to send yet but failed when
	 * the batch does not commit): send acquirer_wait_message() once committed. */
	acquirer_wait *wait;
};

/* The risk rules the pipeline runs (NULL or none: no rules), the caller's, read by each request
 * until the next call: swap them between batches only, and free the old ones after. */
void acquirer_set_rules(acquirer *a, const risk_rules *rules);

/* What the risk rules judge of a payment or refund (docs/risk.md): the risk stage fills it
 * from the request; a benchmark or a replay from what it has. */
struct acquirer_risk_txn {
	int type;       /* enum request_type: purchase, preauth, completion, refund */
	int64_t amount; /* minor units */
	int entry;      /* enum request_entry */
	const char
	    *pan; /* the card in the clear, its product and holder at the issuer; NULL: unknown */
	const char *pan_hash, *tid, *mid, *mcc;
	const char *channel;    /* the row's: "qr" a QR-code payment; NULL or "card" by entry */
	const char *holder_key; /* issuer_holder_key() of the card's holder (a QR payment's);
	                           NULL or "": asked of the local issuer by pan when a rule needs
	                           it and the terminal has had a QR payment */
	int64_t now;            /* the host's clock */
	bool has_location;      /* the location it reports (59.A2.06), micro-degrees */
	int64_t lat, lon;
	int64_t reg_lat, reg_lon; /* the terminal's registered place; both 0: none */
};
/* The context of x read from the store (in the caller's transaction: the earlier requests of
 * its batch count) and the rules in force evaluated over it, as the risk stage does: *ctx and
 * *out (allow, no hits, with no rules). ACQUIRER_OK or ACQUIRER_ESTORE. */
int acquirer_risk_evaluate(acquirer *a, const struct acquirer_risk_txn *x, struct risk_ctx *ctx,
                           struct risk_result *out);

/* docs/qr.md "The terminal's static code": the cardholder's wallet pays payload (a terminal's
 * EMVCo merchant-presented code, as scanned) amount in currency from the card pan (clear, the
 * wallet's), with the wallet PIN pin (NULL: none). A payload refused (its CRC, its form, an
 * unknown or retired terminal, a merchant not active) is answered in out->rc and reason and
 * nothing is recorded; otherwise the payment runs the pipeline's stages for a request without a
 * message (the risk rules, the local issuer, the record with channel "qr", the cardholder's
 * text) in a transaction of its own, committed before it returns. ACQUIRER_OK with out filled,
 * or the failure (nothing committed). */
struct acquirer_qr_payment {
	const char *payload;
	int64_t amount;
	uint16_t currency;
	const char *pan;
	const char *pin;
};
int acquirer_qr_pay(acquirer *a, const struct acquirer_qr_payment *p, int64_t now,
                    struct acquirer_outcome *out);

int acquirer_begin(acquirer *a);
/* msg: a cup-pos frame without its 2-byte length (TPDU, header, MTI, bitmap, fields), read
 * where it is (not copied): it must not overlap r and must live until the call returns. Always
 * fills r; ACQUIRER_OK, or the failure that made the answer 96. */
int acquirer_handle(acquirer *a, const uint8_t *msg, size_t len, int64_t now,
                    struct acquirer_reply *r);
/* acquirer_handle() of a request that came over mutual TLS: cert_sn, the subject CN of the
 * terminal's client certificate, must be the SN bound to the TID the request names, else 58
 * with the reason tls_sn_mismatch and a risk event (docs/tls.md); NULL checks nothing. */
int acquirer_handle_tls(acquirer *a, const uint8_t *msg, size_t len, int64_t now,
                        const char *cert_sn, struct acquirer_reply *r);
int acquirer_commit(acquirer *a);

/* ---- Records: the acquirer's rows of its terminals' requests (txns.c) ----
 *
 * What the API's /transactions and /merchants/{mid}/balance and `possum admin txn` and
 * `possum admin merchant balance` read, the same way: these work on a store alone (no
 * acquirer opened), read only, and build the one JSON shape of each. */

/* A request's status (enum store_acq_status): STORE_ACQ_APPROVED (response code 00, not
 * reversed, voided or refunded in full: a payment refunded in part stays approved), _DECLINED,
 * _REVERSED, _VOIDED or _REFUNDED (in full); a pre-authorization's _CANCELLED or _COMPLETED;
 * its name "approved", "declined", "reversed", "voided", "refunded", "cancelled" or
 * "completed". */
int acquirer_txn_status(const struct store_acq_txn *t);
const char *acquirer_status_name(int status);
/* name's status into *out: ACQUIRER_OK, or ACQUIRER_EARG when it is none of the seven. */
int acquirer_status_parse(const char *name, int *out);

/* Where a request came from (enum store_acq_source): "terminal" or "link"; name's into *out,
 * ACQUIRER_OK, or ACQUIRER_EARG when it is neither. */
const char *acquirer_source_name(int source);
int acquirer_source_parse(const char *name, int *out);

/* Checks a search's criteria: the TID 8 characters, the MID 15, the card a masked card number
 * or its last 4 digits (never a clear number), the channel "card" or "qr". ACQUIRER_OK, or
 * ACQUIRER_EARG with *bad the criterion's name as the API's query names it ("terminal", "mid",
 * "card", "channel") and *why what it must be. */
int acquirer_txn_filter_check(const struct store_acq_txn_filter *f, const char **bad,
                              const char **why);

/* A page of f's requests, the terminals' or (f->source) the link's with their type named,
 * oldest first (f->limit of them, at most; 0: all): fn is called for
 * each until it returns non-zero (ACQUIRER_ENOMEM then); *next is the last one's id when
 * there are more after it, else 0. Checks f first (ACQUIRER_EARG). */
int acquirer_txn_page(store *s, const struct store_acq_txn_filter *f,
                      int (*fn)(void *ctx, const struct store_acq_txn *t), void *ctx,
                      int64_t *next);

/* The request of that RRN (the latest, should two share it) of source (enum store_acq_source),
 * or of either with ACQUIRER_SOURCE_ANY: a terminal's first, else one over the issuer's link
 * (its type named); ACQUIRER_ENOTFOUND when none. */
#define ACQUIRER_SOURCE_ANY (-1)
int acquirer_txn_by_rrn(store *s, const char *rrn, int source, struct store_acq_txn *out);

/* {"id","at","rrn","tid","mid","type","amount":{"amount","currency"},"card","status","rc",
 * "reason","auth_code","batch","stan","source","channel"}, and "refunded":{"amount","currency"}
 * when some of it was refunded, "completed" (as much) when a pre-authorization was, "original" (an
 * RRN) for a follow-up that named or found its original, "source" ("terminal" or "link"; the link's
 * have "acquirer" in place of "tid", "mid" and "batch"): docs/api.md's item; "at" local time,
 * utc_offset minutes east of UTC. NULL when out of memory. */
json_t *acquirer_txn_json(const struct store_acq_txn *t, int utc_offset);

/* What a merchant's approved, unreversed requests hold in one currency (ISO 4217 numeric):
 * payments (purchases, completions) less what went back (refunds, voids, completion voids). */
struct acquirer_balance {
	int currency;
	int64_t sales, refunds, net; /* minor units; net = sales - refunds */
	int sales_count, refunds_count;
};

/* Merchant mid's balance, at in [from, to) (0: no bound), once per currency in ascending
 * order through fn (until it returns non-zero: ACQUIRER_ENOMEM then); ACQUIRER_ENOTFOUND when
 * there is no such merchant. */
int acquirer_merchant_balance(store *s, const char *mid, int64_t from, int64_t to,
                              int (*fn)(void *ctx, const struct acquirer_balance *b), void *ctx);

/* The balance as docs/api.md says: {"mid","from","to","currencies":[{"sales":{…},
 * "sales_count","refunds":{…},"refunds_count","net":{…}}]}; NULL when the store fails
 * (*rc: its ACQUIRER_E* code) or memory is out. Times local, utc_offset minutes east of UTC. */
json_t *acquirer_balance_json(store *s, const char *mid, int64_t from, int64_t to, int utc_offset,
                              int *rc);

/* ---- Store and forward (saf.c, docs/links.md "Store and forward") ----
 *
 * The queue of reversals and stand-in advices a network link owes its issuer (store_saf.h),
 * under these rules: an entry is queued in the caller's transaction, the same commit as its
 * request's record, due at once; sent, it is due again saf_interval later; the issuer's 00
 * settles it ("done"), and so does 25 to a reversal (the original never reached it); any other
 * answer to a reversal is recorded (last_rc) and the reversal stays "pending", repeated; an
 * advice answered otherwise is "refused" (it reached the issuer, which declined it: a risk
 * case for the caller to open); an entry still pending saf_max_age after it was queued is
 * "expired". No entry leaves the queue: each is shown (`possum admin link saf`). The link
 * engine calls these with the store of its own thread; times are Unix seconds. */
enum acquirer_saf_kind { ACQUIRER_SAF_REVERSAL, ACQUIRER_SAF_ADVICE };

/* A link's [link.NAME] saf_interval and saf_max_age, in seconds (both above 0). */
struct acquirer_saf_rules {
	int64_t interval, max_age;
};

/* Queues a reversal or an advice (enum acquirer_saf_kind) of request row txn_id (its RRN rrn,
 * 12 characters) for link (its name), due at now; its id into *id (may be NULL). Inside the
 * caller's transaction (asserted): rolled back with it. ACQUIRER_EEXIST when one of that kind is
 * queued already for that row; ACQUIRER_EARG; ACQUIRER_ESTORE. */
int acquirer_saf_enqueue(store *s, const char *link, int kind, int64_t txn_id, const char *rrn,
                         int64_t now, int64_t *id);

/* The link's pending entries due at now, the longest due first, limit at most (0: all), through
 * fn until it returns non-zero (ACQUIRER_ENOMEM then). */
int acquirer_saf_due(store *s, const char *link, int64_t now, size_t limit,
                     int (*fn)(void *ctx, const struct store_saf *e), void *ctx);

/* Claims for c (store_claim.h) the link's entries due at now that no live claim holds, limit
 * at most (0: all), and passes each, claimed, to fn (in no order) until it returns non-zero
 * (ACQUIRER_ENOMEM then). An entry waits while an earlier one of its transaction is due or
 * claimed: a stand-in's advice is sent, and answered or timed out, before its reversal. Several
 * hosts claiming at once get disjoint entries (store_saf_claim()). */
int acquirer_saf_claim(store *s, const char *link, const struct store_claim *c, int64_t now,
                       size_t limit, int (*fn)(void *ctx, const struct store_saf *e), void *ctx);
/* Entry id's claim c given up: nothing was sent, or no answer came; due again at its next_at.
 * ACQUIRER_ENOTFOUND when c is no longer its claim. */
int acquirer_saf_release(store *s, int64_t id, const struct store_claim *c);

/* Whether sending entry e (as read before acquirer_saf_sent()) is a repeat: 0421, 0121, 0221
 * rather than 0420, 0120, 0220. */
bool acquirer_saf_repeat(const struct store_saf *e);

/* Entry id, claimed as c (NULL: by none), is being sent now: pending, attempts + 1, due again
 * at now + r->interval. Called before the message goes (a crash then repeats it, which is what
 * a repeat is for). ACQUIRER_ENOTFOUND when id is no waiting or pending entry of that claim
 * (it ran out and another host took the entry); ACQUIRER_EARG for rules out of range. */
int acquirer_saf_sent(store *s, const struct acquirer_saf_rules *r, int64_t id,
                      const struct store_claim *c, int64_t now);

/* The state an answer rc leaves an entry of kind ("reversal" or "advice") in: "done",
 * "pending" (a reversal answered other than 00 or 25) or "refused" (an advice answered other
 * than 00). */
const char *acquirer_saf_outcome(const char *kind, const char *rc);

/* The issuer answered entry id, claimed as c (NULL: by none), with rc (2 characters): the
 * entry's state by acquirer_saf_outcome(), rc kept as its last_rc, its claim cleared; the state
 * into *state (may be NULL). ACQUIRER_ENOTFOUND when id is no pending entry of that claim (a
 * late answer to one settled already, or taken over by another host). */
int acquirer_saf_answered(store *s, int64_t id, const struct store_claim *c, const char *rc,
                          int64_t now, const char **state);
/* (An advice refused opens a risk case in the same transaction: rules "stand_in_refused",
 * naming the request's row, the link and the issuer's code; its card's seal is dropped, as
 * any settled entry's.) */

/* The link's entries pending since r->max_age before now, or longer, made "expired"; how many
 * into *n (may be NULL). */
int acquirer_saf_expire(store *s, const char *link, const struct acquirer_saf_rules *r, int64_t now,
                        int64_t *n);

/* Whether state is one of "waiting", "pending", "done", "refused", "expired". */
bool acquirer_saf_state_ok(const char *state);

/* A page of f's entries (link and state "" or NULL for any; after, limit) oldest first through
 * fn (until it returns non-zero: ACQUIRER_ENOMEM then); *next the last one's id when there are
 * more, else 0. ACQUIRER_EARG for a malformed link name or an unknown state. */
int acquirer_saf_page(store *s, const struct store_saf_filter *f,
                      int (*fn)(void *ctx, const struct store_saf *e), void *ctx, int64_t *next);

/* {"id","link","kind","txn_id","rrn","state","attempts","next_at","last_rc","created_at",
 * "updated_at"}: times local (utc_offset minutes east of UTC), next_at null unless pending,
 * last_rc null before any answer. NULL when out of memory. */
json_t *acquirer_saf_json(const struct store_saf *e, int utc_offset);

#endif
