/* internal.h — what the acquirer's files share: the acquirer itself, a request in the making
 * (struct txn) and the stages and message classes of the pipeline (pipeline.c runs them):
 *
 *   read.c      the frame, read in the caller's buffer; cup-pos → struct request, the card
 *   terminal.c  the terminal, its merchant, its identity (field 59), the MAC
 *   f59.c       field 59's A2: its layout checked, its sub-fields read
 *   fields.c    fields 48 (settlement totals, batch upload records) and 60 read and checked
 *   pipeline.c  the runner (unpack, the transaction found), and the financial messages'
 *               table (card authentication policy, route, authorize)
 *   record.c    the duplicate check, the request's row, the cardholder's text
 *   route.c     where a request goes (the route table: the local issuer), and asking it
 *   link.c      a request sent on a network link: its message, waiting; stand-in; the
 *               store-and-forward queue's messages
 *   resume.c    a request that waited for its link, finished with the link's answer
 *   reversal.c  reversals, exactly once
 *   netmgmt.c   sign-in, sign-out, echo, the downloads' table
 *   download.c  downloads of parameters, CA keys and AIDs (0820 360–381), what a terminal
 *               still needs and the answers' processing-request nibble
 *   settle.c    settlement and batch upload
 *   respond.c   the answer, built straight into the reply
 *   risk.c      the risk rules: the context, the action, the rules that fired kept
 *   qr.c        QR-code payments (docs/qr.md): a code's card, a QR refund's original, the
 *               query and results messages
 *   qr_pay.c    a wallet paying a terminal's static code: the pipeline's stages, no message */
#ifndef POSSUM_ACQUIRER_INTERNAL_H
#define POSSUM_ACQUIRER_INTERNAL_H

#include "acquirer/acquirer.h"
#include "iso8583/iso8583.h"
#include "request/request.h"
#include "risk/risk.h"
#include "store/store_acquirer.h"
#include "store/store_reconcile.h"
#include "tms/tms.h"

#define ENVELOPE_LEN 11 /* TPDU 5, header 6: where the MAC block starts in a frame's body */
#define MAC_LEN      8

struct acquirer {
	store *s;
	hsm *h;
	issuer *is;
	hsm_key zpk, pan_hash;
	hsm_key data; /* acquirer_set_data_key(): stand-in advices' cards sealed */
	bool has_data;
	struct acquirer_config cfg;
	const iso8583_profile *dialect; /* cup-pos */
	const risk_rules *rules;        /* the caller's (acquirer_set_rules()); NULL: none */
	const acquirer_routes *routes;  /* the caller's (acquirer_set_routes()); NULL: none */
	tms *tms; /* the caller's (acquirer_set_tms()); NULL: no downloads, no nibble asks */
	struct acquirer_link links[ACQUIRER_LINKS_MAX]; /* acquirer_set_links() */
	size_t n_links;
	bool (*link_up)(void *ctx, const char *name);
	void *link_ctx;
	/* One-time codes of the batch's card authentications, sent once it commits. */
	struct issuer_response *pending;
	size_t n_pending, cap_pending;
};

/* What a transaction passes through. */
#define T_SIGNED   0x01  /* the terminal must be signed in */
#define T_MAC      0x02  /* MACed request and response */
#define T_DUP      0x04  /* TID + STAN + batch is its identity: a repeat is 94 */
#define T_CARD     0x08  /* carries a card: checked, masked, hashed */
#define T_PAY      0x10  /* a payment the card authentication policy applies to */
#define T_AMOUNT   0x20  /* field 4 required */
#define T_RECORD   0x40  /* one row of acq_txns */
#define T_SIGNIN   0x80  /* its answer carries the batch (60) */
#define T_RISK     0x100 /* the risk rules apply: payments and refunds */
#define T_ORIGINAL 0x200 /* its answer is its original's: 4, 37, 38 and 44 whatever 39 says */
#define T_VERSION  0x400 /* its 59 A2 reports the version alone (sign-in, 391): no ciphertext */
#define T_FIN      (T_SIGNED | T_MAC | T_DUP | T_RECORD)

enum { STAGE_NEXT = 0, STAGE_RESPOND = 1 };

struct txn;

/* A stage: runs, and goes on (STAGE_NEXT), decides (STAGE_RESPOND) or fails (negative). */
struct stage {
	const char *name;
	int (*run)(struct txn *t);
	unsigned flags; /* the transactions it applies to (any of); 0: all */
	bool always;    /* run after a decision too */
};

/* A class of messages: its transactions and the stages they pass, in order. */
struct txn_class {
	const char *name;
	const struct stage *stages;
	size_t n_stages;
};

struct txn_type {
	const char *name;
	const char *mti;
	const char *proc; /* first two digits of 3; NULL: by 60.3 */
	const char *cond; /* 25 */
	const char *nmc;  /* 60.3 for the network management and settlement messages */
	unsigned flags;
	enum request_type request; /* the request it makes (cardauth: by field 62); 0: none */
	const struct txn_class *cls;
	int (*decide)(struct txn *t); /* netmgmt and settle: what decides it */
};

/* The kind of route a request takes (route.c): the local issuer, or a network link. */
struct route {
	const char *name;                /* for the log: "local_issuer", "link" */
	int (*authorize)(struct txn *t); /* t->rq stamped with the host's identity */
};

struct txn {
	acquirer *a;
	int64_t now;
	struct acquirer_reply *r;
	const struct txn_type *type;
	const uint8_t *msg; /* the caller's buffer: TPDU, header, message */
	size_t len;
	iso8583_envelope env;
	iso8583_msg iso;
	bool readable; /* unpacked */
	bool counted;  /* passed the duplicate stage: its identity is taken */
	struct acquirer_stage_time times[ACQUIRER_STAGES_MAX]; /* the outcome's */
	size_t n_times;
	char f60[18], tid[9], mid[16], stan[7];
	int batch;
	struct store_terminal term;
	struct store_merchant merchant; /* the terminal's, read with it */
	char version[17];               /* the application version it reports (59.A2.05); "" none */
	/* The location it reports (59.A2.06, purchase and pre-authorization), in micro-degrees. */
	bool has_location;
	int64_t location_lat, location_lon;
	bool have_term, sign_in_again;
	const char *cert_sn; /* the TLS client certificate's CN (acquirer_handle_tls); NULL none */
	struct request rq;   /* the request, read once (read.c) */
	/* Fields 35 and 36 decrypted (docs/cup-pos.md "Track encryption"), which the message
	 * then points to; wiped with the txn. */
	uint8_t tracks[2][105];
	char pan_hash[2 * HSM_PAN_HASH_LEN + 1];
	/* docs/qr.md: "card" or "qr" (the row's channel), and the keyed hash of the card's holder
	 * (issuer_holder_key(); "" unknown), for the rule card_after_qr. */
	char channel[5];
	char holder_key[65];
	const struct route *route;
	/* Where it went, as its row keeps it: "local", a link's name, "" none (route.c) */
	char route_name[ACQUIRER_ROUTE_NAME_MAX + 1];
	struct issuer_response resp;
	char rc[3], reason[32], rrn[13], net_stan[7], f15[5], settle_date[SETTLE_DATE_TEXT];
	char f12[7], f13[5], f48[63], f54[32], f60_out[18];
	char f63[4 + sizeof(((struct store_merchant *)0)->name)]; /* sign-in: "CUP" + the name */
	uint8_t f62[60];
	bool has_f62;
	/* A download's answer (download.c): field 62, the form's items. */
	uint8_t tms62[TMS_CHUNK_MAX];
	size_t tms62_len;
	int64_t decision_id;
	int64_t row_id; /* its row of acq_txns once recorded; 0 before */
	/* The risk stage's evaluation, kept for the record (risk_rules: the rules it ran). */
	const risk_rules *risk_rules;
	struct risk_ctx risk_ctx;
	struct risk_result risk;
	/* QR (qr.c): the query's answer of its original (4), the results' records (62), and the
	 * wallet's payment of a static code, for a request without a message. */
	char f4[13];
	char qr62[2 + 6 * 75 + 1];
	size_t qr62_len;
	const struct acquirer_qr_payment *qr_pay;
	/* A request sent on a network link (link.c): its message, the values it points to, the
	 * reversal queued waiting for its answer; the terminal's message copied (own), since the
	 * request outlives the caller's buffer. */
	const struct acquirer_link *link;
	int64_t stand_in; /* the route's stand-in floor limit; 0 off */
	bool stood_in;    /* approved in stand-in: its advice queued with its row */
	bool waiting;
	int64_t saf_id;
	iso8583_msg link_msg;
	uint8_t link_buf[512];
	size_t link_used;
	uint8_t own[ACQUIRER_MSG_MAX];
	char masked[20]; /* the card as the reply's outcome had it, for the answer's */
};

/* acquirer.c: the codes of the card authentications since mark forgotten (their work rolled
 * back); all sent, once committed, and forgotten. */
void acquirer_drop_pending(acquirer *a, size_t mark);
void acquirer_send_pending(acquirer *a);

/* acquirer.c: an acquirer code for a store one. */
int acquirer_from_store(int rc);

/* acquirer.c: MMDDhhmmss, UTC, of at: a transmission time (field 7) towards an issuer. */
void acquirer_transmit_time(int64_t at, char out[11]);

/* acquirer.c: the keyed hash of pan (the acquirer's pan_hash key) into t->pan_hash. */
int acquirer_pan_hash(struct txn *t, const char *pan);

/* acquirer.c: decides t with response code rc for reason; STAGE_RESPOND. */
int acquirer_decide(struct txn *t, const char *rc, const char *reason);

/* The transactions, by message class (netmgmt.c, settle.c, reversal.c, pipeline.c, qr.c). */
extern const struct txn_type acquirer_netmgmt_types[], acquirer_settle_types[],
    acquirer_reversal_types[], acquirer_financial_types[], acquirer_qr_types[];
extern const size_t acquirer_n_netmgmt_types, acquirer_n_settle_types, acquirer_n_reversal_types,
    acquirer_n_financial_types, acquirer_n_qr_types;

/* pipeline.c: t set up for a request at now answered into r (the channel "card", the host's
 * time); t's stages run in the request's savepoint of the caller's batch, or in a transaction
 * of its own outside one (a request without a message has t->type set and no unpack), *stage
 * the one that decided; the answer made and the outcome for the log. */
void acquirer_txn_start(struct txn *t, acquirer *a, int64_t now, struct acquirer_reply *r);
int acquirer_run(struct txn *t, const char **stage);
void acquirer_outcome_of(const struct txn *t, const char *stage, struct acquirer_outcome *o);
/* pipeline.c: t answered 96 for the failure rc (never an approval); t wiped and freed. */
void acquirer_failed(struct txn *t, int rc);
void acquirer_txn_free(struct txn *t);
/* pipeline.c: the issuer's decision, through the route, under a new RRN and network STAN. */
int acquirer_stage_authorize(struct txn *t);

/* qr.c: whether the request's entry mode (22) says a QR code was scanned; the card of a QR
 * request (the card stage's): a payment code's card at the issuer (its refusal Q1–Q4
 * recorded), a QR refund's original by RRN (25 when it is not a QR payment of the merchant). */
bool acquirer_qr_entry(const struct txn *t);
int acquirer_qr_card(struct txn *t);

/* read.c: the frame unpacked from the caller's buffer (30), with what finds its transaction
 * (3's first two digits, 25); its identity (30); the request read from the message (77 batch,
 * 30, 13); the card (14, 54). */
int acquirer_unpack(struct txn *t, char proc[7], char cond[3]);
/* A frame above ACQUIRER_MSG_MAX: 30 too_long, answered when its envelope and MTI read. */
int acquirer_too_long(struct txn *t);
int acquirer_identity(struct txn *t);
/* f59.c: field 59 (NUL-terminated) as its layout allows: NULL, or the reason to refuse it
 * ("f59_tag", "f59_length", "f59_trailing"); and its sub-field tag ("02") into out (capacity
 * cap): false when absent, malformed before it, or too long for out. */
const char *acquirer_f59_layout(const char *v);
bool acquirer_f59_sub(const char *v, const char *tag, char *out, size_t cap);
/* fields.c: field 60 — 60.1 type code n2, 60.2 batch n6, 60.3 network management code n3
 * ("" when the field ends before it); 0, or -1 when it is not so. */
struct acquirer_f60 {
	char type[3];
	int batch;
	char nmc[4];
};
int acquirer_f60_read(const char *f60, struct acquirer_f60 *out);
/* fields.c: field 48 (len bytes, not NUL-terminated). A settlement's totals: 62 digits, the
 * terminal's side of b (amounts and counts) filled; a batch upload: n2 count of min to max
 * records, each checked (acquirer_f48_record), *n the count; 0, or -1 when not so. */
#define ACQUIRER_F48_TOTALS  62
#define ACQUIRER_F48_RECORD  40 /* card class n2, original STAN n6, PAN n20, amount n12 */
#define ACQUIRER_F48_RECORDS 8  /* at most in a message */
int acquirer_f48_totals(const char *f48, size_t len, struct store_recon_batch *b);
int acquirer_f48_upload(const char *f48, size_t len, int min, int max, int *n);
/* fields.c: one upload record at rec (ACQUIRER_F48_RECORD bytes): card class 00 or 01, the
 * PAN (zeros of the left dropped) one a payment takes; 0, or -1 (out is then partial: wipe
 * it, it may hold a PAN). */
struct acquirer_f48_record {
	char card_class[3], stan[7];
	char pan[ACQUIRER_F48_RECORD];
	int64_t amount;
};
int acquirer_f48_record(const char *rec, struct acquirer_f48_record *out);
int acquirer_stage_fields(struct txn *t);
int acquirer_stage_card(struct txn *t);

/* terminal.c: the terminal (97, A0 not signed in); the MAC (A0); then what the request says
 * of its merchant, tracks and identity (58, 03, 30). */
int acquirer_stage_terminal(struct txn *t);
int acquirer_stage_mac(struct txn *t);
int acquirer_stage_binding(struct txn *t);

/* link.c: the authorize of a link's route: the request sent on t->route_name's link (waiting),
 * approved in stand-in, or answered 91 link_down; the stage after the record: the reversal of
 * a request sent queued waiting, a stand-in's advice queued; a terminal's reversal of a request
 * routed to a link: the issuer's reversal queued, due at once. */
int acquirer_link_authorize(struct txn *t);
int acquirer_link_record(struct txn *t);
int acquirer_link_reverse(struct txn *t, const struct store_acq_txn *orig);
/* saf.c: a reversal of row txn_id queued "waiting" for link, due at due (acquirer.h). */
int acquirer_saf_wait(store *s, const char *link, int64_t txn_id, const char *rrn, int64_t now,
                      int64_t due, int64_t *id);
/* acquirer.c: t's PIN block translated from the terminal's PIN key to the zone key to, into out:
 * ACQUIRER_OK, STAGE_RESPOND (decided 99: a block that does not read), or the failure. */
int acquirer_translate_pin(struct txn *t, const hsm_key *to, uint8_t out[REQUEST_PIN_BLOCK]);

/* route.c: picks the route (recorded in the outcome); asks it, with the network STAN. */
int acquirer_stage_route(struct txn *t);
int acquirer_ask(struct txn *t, const char *stan);
/* The host's RRN counter: a new RRN to t, and the counter's value to *v. */
int acquirer_next_rrn(struct txn *t, int64_t *v);
int acquirer_assign_rrn(struct txn *t);
/* The last n digits of a counter's value v, wrapping and never all zeros, and a NUL. */
void acquirer_counter_digits(int64_t v, int n, char *out);

/* record.c: TID + STAN + batch seen before (94); a row for a request whose identity it took;
 * the cardholder's text of the outcome, in the request's savepoint. */
int acquirer_stage_duplicate(struct txn *t);
int acquirer_stage_record(struct txn *t);
/* t's row of acq_txns, of kind (0 a request, 1 a reversal) and type, with auth_code. */
void acquirer_txn_row(const struct txn *t, int kind, const char *type, const char *auth_code,
                      struct store_acq_txn *row);
/* Row f, an approved void, completion void or refund being reversed: its original's row no
 * longer voided, or refunded by as much less. ACQUIRER_OK for any other row. */
int acquirer_undo_follow_up(struct txn *t, const struct store_acq_txn *f);
/* An approved follow-up's row marking its original (row->original_id set); nothing for any
 * other row. */
int acquirer_follow_up(struct txn *t, struct store_acq_txn *row);
int acquirer_stage_notify(struct txn *t);

/* risk.c: the risk rules' action (docs/risk.md); after the record, the rules that fired kept
 * with the row and a review's case opened. */
int acquirer_stage_risk(struct txn *t);
int acquirer_stage_risk_record(struct txn *t);

/* download.c: a download's request (0820 360, 370, 380: a chunk of the set in 62) and its
 * confirmation (361, 371, 381: the version held, kept); a software update's chunk (390) and
 * its report (391: the version it runs, or its failure, kept); t->term.tms_pending recomputed
 * from the versions it holds and the package it should run, and written in statements of its
 * own (store_terminal_pending(); nothing without a tms); the processing-request nibble of the
 * answer to t ('7' parameters, '4' CA keys, '5' AIDs, '8' a software update; 0 none), which
 * respond.c sets. */
int acquirer_decide_download(struct txn *t);
int acquirer_decide_confirm(struct txn *t);
int acquirer_decide_update(struct txn *t);
int acquirer_decide_installed(struct txn *t);
int acquirer_tms_refresh(struct txn *t);
int acquirer_tms_nibble(const struct txn *t);

/* respond.c: the answer, and the one to send when the batch does not commit. */
int acquirer_stage_respond(struct txn *t);
int acquirer_build(struct txn *t, const char *rc, uint8_t *out, size_t *out_len);

#endif
