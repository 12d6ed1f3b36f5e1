/* term.h — the reference POS terminal (`possum term`, `possum load`): a terminal's state, the
 * cup-pos requests it sends (docs/cup-pos.md, with the choices of the issue 5 contract), the
 * reversal discipline, settlement and receipts.
 *
 * A term works on a store (its state: store_term.h) and an hsm on the terminal's own LMK, both
 * the caller's, which must outlive it. Keys never leave the hsm: the TMK is formed from its
 * components, the working keys of sign-in are imported under it, PIN blocks and MACs are made
 * and checked in the hsm. A card's PAN is kept only sealed (AES-GCM under a data key), for the
 * reversal and the batch upload that may need it (a QR payment's code likewise, for its
 * reversal only: a code is no card number an upload takes); PINs and track data are never
 * kept.
 *
 * Reversals: before a request that moves money leaves, term records it (committed) with what
 * its reversal needs. An answer clears that; no answer in time, a crash or an answer whose MAC
 * does not verify leave it pending, and every later exchange first delivers it (0400, sent up
 * to reversal_retries times in a row) until the host acknowledges it, across restarts. An
 * answer A0 or 99 makes term sign in again once and retry the request once.
 *
 * Ownership: term_open() allocates, term_close() frees (and closes the connection). A term is
 * used by one thread at a time. Functions return TERM_OK or a negative TERM_E* code,
 * term_strerror() names it; a declined transaction is TERM_OK with its response code in the
 * result. */
#ifndef POSSUM_TERM_H
#define POSSUM_TERM_H

#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>

#include <jansson.h>

#include "hsm/hsm.h"
#include "issuer/issuer.h"
#include "store/store.h"
#include "store/store_term.h"
#include "tms/tms.h"

#define TERM_OK        0
#define TERM_EARG      (-1)  /* an argument malformed or out of range */
#define TERM_ESTORE    (-2)  /* the state database failed */
#define TERM_EHSM      (-3)  /* the hsm failed (a key block not under this LMK, …) */
#define TERM_ENOINIT   (-4)  /* the terminal was never set up (term_setup) */
#define TERM_ESIGNIN   (-5)  /* no working keys: sign in first */
#define TERM_EKCV      (-6)  /* a component or a key of sign-in does not match its KCV */
#define TERM_ECONNECT  (-7)  /* the host cannot be reached */
#define TERM_ETIMEOUT  (-8)  /* no answer in time (or the connection dropped) */
#define TERM_EMAC      (-9)  /* an answer whose MAC does not verify */
#define TERM_EFORMAT   (-10) /* an answer that does not unpack or does not match the request */
#define TERM_ECARD     (-11) /* a card image that cannot be read */
#define TERM_ENOTFOUND (-12) /* no such transaction */
#define TERM_EREVERSAL (-13) /* a pending reversal could not be delivered: nothing new is sent */
#define TERM_ESTATE    (-14) /* not allowed now (voiding a void, a declined original, …) */
#define TERM_EPIN      (-15) /* a QR payment above the no-PIN limit without the wallet PIN */
#define TERM_EREFUSED  (-16) /* refused by the terminal itself: its parameters, a download */

/* Field 44 of an approval the acquirer made in the issuer's name while its link to the issuer
 * was down (stand-in, docs/links.md): kept on the record (stand_in), printed on the slip. */
#define TERM_STAND_IN "STAND-IN"

/* The terminal's own no-PIN limit of a QR payment by payment code, minor units of CNY: above
 * it term_transact() sends none without the wallet PIN (the issuer enforces its own too). */
#define TERM_QR_NOPIN_MAX 100000

typedef struct term term;

/* What a terminal is set up with (`possum term init`). */
struct term_setup {
	const char *host; /* HOST:PORT */
	const char *tid;  /* 8 characters */
	const char *mid;  /* 15 characters */
	const char *sn;   /* 1 to 50 characters */
	int timeout;      /* seconds to wait for an answer; 0: 30 */
	/* Where it is: "LAT,LON" in micro-degrees (geo_parse()), sent as 59.A2.06 on purchase and
	 * pre-authorization; NULL: none, nothing sent. */
	const char *location;
};

/* How the terminal reaches its host over TLS (docs/tls.md), kept in its state beside the
 * host: file paths only, never a key's bytes. */
struct term_tls {
	bool on;
	const char *ca;   /* the host's trust anchor (PEM); NULL: the system's trust store */
	const char *cert; /* the terminal's own certificate and key (mutual TLS); NULL: none */
	const char *key;
	const char *name; /* the name the host's certificate must have; NULL: the host's part of
	                     HOST:PORT */
};

/* Keeps tls in s, the terminal's state (after term_setup(); off until set). TERM_EARG for a
 * certificate without its key, a path or name too long, or options without on. */
int term_tls_setup(store *s, const struct term_tls *tls);

/* A card as `possum admin card issue --out FILE` writes it. term_card_wipe() clears it. */
struct term_card {
	char pan[20], expiry[5], service_code[4], track2[38], psn[3];
	bool chip;
	uint8_t icc_mk[16];
	char aid[33], label[17]; /* chip: the application (4F, hex; 50), for the slips: the file's
	                            emv "aid" and "label", else UnionPay's for its product */
	bool credit;             /* the file's product is credit (docs/tms.md pin_credit) */
	bool has_capk; /* chip: the card names its CA public key (the file's emv "capk_index") */
	uint8_t capk_index; /* 8F: the key's index within its RID (the AID's first 5 bytes) */
	/* NULL (term_card_load()'s): each terminal counts the card's ATC in its own state. Else
	 * the card's own counter, the last ATC it gave, shared by the terminals that take the card
	 * in turn (possum load): the terminal holding the card raises it; never two at once. */
	int *atc;
};

/* Transactions, as the spec's table names them. */
enum term_kind {
	TERM_SIGNIN,
	TERM_SIGNOUT,
	TERM_ECHO,
	TERM_BALANCE,
	TERM_PURCHASE,
	TERM_VOID,
	TERM_REFUND,
	TERM_PREAUTH,
	TERM_PREAUTH_CANCEL,
	TERM_COMPLETION,
	TERM_COMPLETION_VOID,
	TERM_CARDAUTH,
	TERM_SETTLE,
	/* QR-code payments (docs/cup-pos.md "QR-code payments"): by the cardholder's payment code,
	 * its refund by RRN, the query of a request by STAN, and a payment by the terminal's
	 * static code learned from the host (kept in batch 0: the host's row, not the batch's). */
	TERM_QR_PAY,
	TERM_QR_REFUND,
	TERM_QR_QUERY,
	TERM_QR_RESULT,
	TERM_KINDS
};

enum term_entry { TERM_SWIPE, TERM_CHIP };

/* One transaction to make. card is needed except by a void, which takes the original's, and
 * the QR kinds, which take none: a QR payment the code scanned, a QR refund the RRN. */
struct term_request {
	enum term_kind kind;
	const struct term_card *card;
	const char *code; /* QR payment: the payment code (16 to 19 digits) */
	enum term_entry entry;
	const char *pin;    /* NULL: no PIN entered */
	int64_t amount;     /* minor units of CNY (156) */
	const char *stan;   /* void, completion void: the original's STAN */
	const char *rrn;    /* refund: the original's RRN */
	const char *auth;   /* pre-auth cancel and completion: the pre-authorization's code */
	const char *holder; /* card authentication, step 1 */
	const char *id_number;
	const char *phone;
	const char *otp; /* card authentication, step 2 */
};

struct term_result {
	enum term_kind kind; /* term_transact(): the transaction made (a void of a completion is
	                        TERM_COMPLETION_VOID) */
	char rc[3];          /* "" when no answer came */
	int stan, batch;
	char rrn[13], auth[7], message[26];
	bool has_balance;
	int64_t balance; /* field 54, minor units (negative: a debit balance) */
	int arpc;        /* 0 not chip, 1 ARPC verified, 2 it did not */
	bool retried;    /* A0 or 99: signed in again and sent once more */
	int reversals;   /* pending reversals delivered first */
	int settle_flag; /* settlement: 1 agree, 2 differ (then uploaded) */
	int uploaded;    /* settlement: transactions uploaded */
	int64_t txn_id;  /* the transaction's row, 0 for none */
	int64_t amount;  /* QR query: the original's amount (4), 0 when none */
	bool stand_in;   /* approved with 44 TERM_STAND_IN: by the acquirer in the issuer's name */
	/* The sends of a pending reversal this time (reversal_retries at most), and its STAN. */
	int reversal_sends, reversal_stan;
};

const char *term_strerror(int rc);

/* The meaning of a response code in English and in Chinese, from rcode.h's table; "unknown
 * response code" / "未知应答码" when the table lacks it. */
void term_rc_text(const char *rc, const char **en, const char **zh);

/* Reads a card image (JSON) from path into out: TERM_ECARD when it cannot. */
int term_card_load(const char *path, struct term_card *out);
/* The chip card's next ATC at this terminal (above *card->atc when it has one, which it raises),
 * kept in the terminal's state. */
int term_card_atc(term *t, const struct term_card *card, int *atc);
void term_card_wipe(struct term_card *c);

/* A card's image (as the issuer printed it once) as the card file term_card_load() reads; the
 * caller's to json_decref(). holder is the cardholder's name. */
json_t *term_card_json(const struct issuer_card_image *img, const char *holder);
/* Writes card (term_card_json()'s) to path, mode 0600, its text wiped after: TERM_ECARD when
 * it cannot. */
int term_card_save(const char *path, const json_t *card);

/* Sets up a terminal in an empty state: its TMK formed from n (2 or 3) components, each
 * checked against its KCV (TERM_EKCV, *bad the index of the first that fails); its data and
 * hash keys generated. Writes over an earlier setup, keeping its STAN and batch when its TID is
 * the same (a terminal set up again goes on from them: a host that has seen its STANs would
 * answer 94 to them again). It downloads by itself when an answer asks (term_set_tms_auto()
 * turns that off). */
int term_setup(store *s, hsm *h, const struct term_setup *setup, const struct hsm_component *parts,
               size_t n, size_t *bad);

/* Opens the terminal of s: TERM_ENOINIT when it was never set up. */
int term_open(store *s, hsm *h, term **out);
void term_close(term *t);

/* The state as kept (keys as key blocks). */
const struct store_term_state *term_state(const term *t);

/* Why the last exchange could not reach the host (term_state()'s host): "connection refused
 * (nothing listens there)", "timed out after N ms", "name not resolved: …"; NULL when it
 * reached it, or sent nothing. */
const char *term_unreachable(const term *t);

/* Seconds to wait for each answer (overrides the setup's for this term); 0 waits 1 ms. */
void term_set_timeout(term *t, int seconds);

/* A test and certification aid: a fault made on the next financial request only (not on a
 * reversal delivered before it, nor on the retry after A0). TERM_INJECT_TIMEOUT sends the
 * request, reads the answer and drops it as if none came (TERM_ETIMEOUT, the reversal left
 * pending); TERM_INJECT_BAD_MAC sends field 64 with its first byte inverted (the host answers
 * A0: the terminal signs in again and retries). TERM_EARG for a value not in the enum. */
enum term_inject {
	TERM_INJECT_NONE,
	TERM_INJECT_TIMEOUT,
	TERM_INJECT_BAD_MAC,
	/* term_download(): the connection dropped after the first chunk kept (it resumes there
	 * next time); one byte of the first CA key's modulus corrupted as received (the set is
	 * refused). */
	TERM_INJECT_DROP,
	TERM_INJECT_BAD_CAPK,
	/* term_update(): one byte of the package corrupted as received (refused, reported). */
	TERM_INJECT_BAD_SIG,
};
int term_set_inject(term *t, enum term_inject fault);

/* Test switches, for the certification tests only (`POSSUM_TERM_BROKEN`, docs in README.md):
 * each makes the terminal wrong on purpose, in one way, on every exchange of the term. */
enum term_broken {
	/* no-reversal: a pending reversal dropped (kept as answered), never sent */
	TERM_BROKEN_NO_REVERSAL = 1 << 0,
	/* reuse-stan: the STAN does not advance, each transaction repeats the last one's */
	TERM_BROKEN_REUSE_STAN = 1 << 1,
	/* wrong-mac: every request's field 64 with its first byte inverted (--inject bad-mac,
	 * each time) */
	TERM_BROKEN_WRONG_MAC = 1 << 2,
	/* ignore-a0: an answer A0 or 99 ends the transaction: no sign-in again, no retry */
	TERM_BROKEN_IGNORE_A0 = 1 << 3,
	/* clear-track: tracks sent in the clear, 53's third digit 0 */
	TERM_BROKEN_CLEAR_TRACK = 1 << 4,
	/* ignore-kcv: sign-in's working keys taken whatever their KCVs (each checked against the
	 * value the hsm computes for it, hsm_kcv_ecb(): no key leaves the hsm) */
	TERM_BROKEN_IGNORE_KCV = 1 << 5,
	/* ignore-answer-mac: answers' MACs not checked (a bad one's approval taken) */
	TERM_BROKEN_IGNORE_ANSWER_MAC = 1 << 6,
};
#define TERM_BROKEN_ALL 0x7Fu
/* Sets the switches kinds (TERM_BROKEN_* or'ed; 0: none, the terminal as it should be):
 * TERM_EARG for a bit not in the enum. */
int term_set_broken(term *t, unsigned kinds);

/* Network management: TERM_SIGNIN (0800 004 with 59 A2 — its SN and the version it runs, none
 * when it has no SN — then the working keys of 62, each checked against its KCV, the host's
 * batch, and the terminal's clock from the host's local time in 12 and 13), TERM_SIGNOUT (0820
 * 002), TERM_ECHO (0820 301). */
int term_manage(term *t, enum term_kind kind, struct term_result *res);

/* A financial transaction (balance to card authentication, a QR payment or refund), with the
 * pending reversal delivered first. A QR payment above TERM_QR_NOPIN_MAX without req->pin is
 * TERM_EPIN, and one the downloaded parameters do not permit (term_params_permit()) or a chip
 * card the terminal does not take (term_chip_permit()) TERM_EREFUSED: nothing sent. */
int term_transact(term *t, const struct term_request *req, struct term_result *res);

/* Delivers the pending reversal, if any (res->reversals counts it): the same 0400 sent up to
 * reversal_retries times (3 without downloaded parameters) while no answer ends it, each send
 * counted in res->reversal_sends. TERM_OK when none is left; TERM_EREVERSAL when it is still
 * pending (kept, sent again by the next exchange). */
int term_reversal_flush(term *t, struct term_result *res);

/* Whether a reversal is pending (*out set to it when so and out is not NULL). */
int term_reversal_pending(term *t, struct store_term_txn *out, bool *pending);

/* QR query (0100, 3 = 300000): where the terminal's own request with STAN stan stands at the
 * host, by 61 (its batch from the terminal's record, the current one when it has none). res
 * gets the original's response code (25: the host has no such request), its state in message
 * ("APPROVED", "REVERSED", …), its RRN, auth code and amount. Nothing is recorded and no
 * reversal can follow; a pending one is delivered first. */
int term_qr_query(term *t, const char *stan, struct term_result *res);

/* QR results (0100, 3 = 320000): the payments by the terminal's static code since the last it
 * learned (its cursor, kept), asked again while the host says more follow. Each is kept as a
 * TERM_QR_RESULT of batch 0 (the host's row: not in term_totals()) and given to fn (may be
 * NULL), oldest first; *count says how many (0: none new). */
int term_qr_results(term *t, int (*fn)(void *ctx, const struct store_term_txn *x), void *ctx,
                    struct term_result *res, int *count);

/* Settlement: 0500 with the batch's totals; when the host's differ (flag 2) the batch is
 * uploaded (0320 201 / 203, then 202). Either way the batch number then goes up by one. */
int term_settle(term *t, struct term_result *res);

/* Totals of a batch as field 48 counts them: approved purchases, completions and QR payments
 * (sales, a voided one too), approved refunds, QR refunds, voids and completion voids
 * (refunds/voids). Payments by the static code are batch 0's, never a batch's. */
struct term_totals {
	int64_t sales, refunds;
	int sales_count, refunds_count;
};
int term_totals(term *t, int batch, struct term_totals *out);

/* Calls fn for each transaction of the current batch, oldest first. */
int term_batch_each(term *t, int (*fn)(void *ctx, const struct store_term_txn *x), void *ctx);

/* Finds the latest transaction with this STAN. */
int term_find(term *t, const char *stan, struct store_term_txn *out);

/* Writes the receipt of x to f: the merchant's copy then the customer's, each in Chinese and
 * English, with the merchant and terminal ids, the masked PAN, the transaction, the amount,
 * the date and time, the STAN, batch, RRN and auth code (a stand-in approval's marked below
 * it: 代授权 STAND-IN), and the response. A QR payment's
 * says 扫码支付 / QR PAYMENT, with the payment code masked (6 + 4) or, paid by the static code,
 * the card masked; no signature is asked. */
struct term_slip;
void term_receipt(const struct store_term_state *st, const struct term_slip *slip,
                  const struct store_term_txn *x, FILE *f);

/* The name of a kind, for people: "purchase", "void", … */
const char *term_kind_name(enum term_kind kind);

/* ---- Downloads (download.c, docs/tms.md "Downloads") ----
 *
 * The terminal's parameters, CA public keys and AIDs from its host's terminal management: a
 * set is asked chunk by chunk (0820 360, 370, 380; field 62 the download form's items), each
 * chunk kept before the next is asked, so that a broken download resumes at its next item; the
 * whole set is then checked — its items' version is the one announced, every CA key's checksum
 * and expiry (tms_capk_check()) — applied and confirmed (361, 371, 381). A set that does not
 * check is refused whole: not applied, not confirmed. */

/* What a download did. */
struct term_download {
	enum tms_set set;
	char version[9]; /* the version applied ("" none) */
	char rc[3];      /* the last answer's response code */
	int messages;    /* exchanges made */
	size_t from;     /* the item it started (resumed) at */
	size_t items;    /* the set's items */
	bool restarted;  /* the set changed under a download in progress: from the first again */
	bool applied, confirmed;
	char why[200];      /* refused (TERM_EREFUSED): why, in English and Chinese */
	const char *failed; /* refused: the check that failed, "hash" or "signature" (391's ER) */
};

/* Downloads set: TERM_OK (out->rc says whether the host answered 00; applied and confirmed
 * tell the rest), TERM_EREFUSED when the set does not check (out->why), or the failure of an
 * exchange (a dropped connection resumes next time). TERM_INJECT_DROP and
 * TERM_INJECT_BAD_CAPK (term_set_inject()) apply. */
int term_download(term *t, enum tms_set set, struct term_download *out);

/* Whether the last answer's header asked for a download, and which set (7 parameters, 4 CA
 * keys, 5 AIDs). */
bool term_download_asked(const term *t, enum tms_set *set);

/* ---- Software updates (update.c, docs/tms.md "Software updates") ----
 *
 * The package the host's terminal management has for the terminal, asked for chunk by chunk
 * (0820 390: PK, OF; answered PK, VR, SZ, OF, DT, MR, and MD, HS, SG with the first), each
 * chunk kept before the next is asked so that a broken download resumes at its offset; then
 * checked — its SHA-256 and its Ed25519 signature under the package key (term_package_key_set(),
 * `possum admin tms package key`'s raw key) — and installed: the version it runs, sent in 59 A2
 * 05 from then on; or refused. Either way reported (391: PK, OK, ER). The reference terminal
 * keeps a package of at most STORE_TERM_TMS_MAX bytes. */

#define TERM_APP_VERSION "POSSUM01" /* the version it runs before any update */

struct term_update {
	char version[9]; /* the package's version */
	char rc[3];      /* the last answer's response code */
	int messages;
	size_t from, size; /* the offset it started (resumed) at; the package's size */
	bool restarted;    /* another package than the one in progress: from byte 0 */
	bool installed, reported;
	char why[200];      /* refused (TERM_EREFUSED): why, in English and Chinese */
	const char *failed; /* refused: the check that failed, "hash" or "signature" (391's ER) */
};

/* Updates the terminal's software: TERM_OK (out->rc says whether the host answered 00: 25
 * when it has no package for it; installed and reported tell the rest), TERM_EREFUSED when it
 * has no package key, the package is too big or does not verify (out->why; reported), or the
 * failure of an exchange (a dropped connection resumes next time). TERM_INJECT_DROP and
 * TERM_INJECT_BAD_SIG apply. */
int term_update(term *t, struct term_update *out);
/* Keeps pub as the key packages must be signed under, in the terminal's store s (term_setup()'s;
 * a download in progress starts again). */
int term_package_key_set(store *s, const uint8_t pub[TMS_PUB_LEN]);
/* The version the terminal runs (TERM_APP_VERSION before any update), into out. */
int term_app_version(term *t, char out[9]);
/* Whether the last answer's header asked for a software update (8). */
bool term_update_asked(const term *t);

/* The set as the terminal keeps it (store_term.h; never downloaded: zero, its name set). */
int term_tms_get(term *t, enum tms_set set, struct store_term_tms *out);

/* The applied parameter of download tag tag ("MZ", "TX", …) into out (capacity cap):
 * TERM_ENOTFOUND when the terminal has none. */
int term_param(term *t, const char *tag, char *out, size_t cap);

/* Whether the applied parameters permit req: its type among `types` (TX), its amount not above
 * `per_txn_max` (MX), and with `pin_credit` (PC) 1, a credit card's purchase or
 * pre-authorization only with its PIN (a credit card: the file's product, or the chip
 * application A000000333010102 or …0103); TERM_EREFUSED with why (in English and Chinese,
 * capacity cap) when not. No parameters: permitted. */
int term_params_permit(term *t, const struct term_request *req, char *why, size_t cap);

/* Whether the terminal takes req's chip card (chip.c; TERM_OK for a request that reads no chip),
 * from the AIDs and CA keys it downloaded: its application selected on the AID list (exactly,
 * or partially where the list's entry allows it), the TVR made (the CA key the card names held
 * or not, the application's floor limit) and terminal action analysis done — TERM_EREFUSED
 * with why (in English and Chinese, capacity cap) when the application is not on the list or
 * the TVR meets the application's TAC-denial (declined offline; never a refund, void or
 * cancellation). No AID list downloaded: the card's application, taken as it is. term_transact()
 * asks it before anything is sent. */
int term_chip_permit(term *t, const struct term_request *req, char *why, size_t cap);

/* What the downloaded parameters put on a slip (term_receipt(), which takes NULL for none):
 * the merchant's name in the terminal's language (merchant_name_en when `language` is en and
 * it is set, else merchant_name_zh; "" none: the sign-in's name), the header and the footer
 * ("" none), and the terminal's local time (utc_offset) when one was downloaded (local): the
 * slip's date and time are then the answer's moved from the host's offset to it. */
struct term_slip {
	char name[TMS_VALUE_MAX + 1], header[TMS_VALUE_MAX + 1], footer[TMS_VALUE_MAX + 1];
	bool local;
	int utc_offset; /* minutes east of UTC */
};
int term_slip_get(term *t, struct term_slip *out);

/* Whether the terminal downloads by itself when an answer asks (`possum term download --auto
 * on|off`), kept in its state; on from term_setup(). */
int term_set_tms_auto(term *t, bool on);

#endif
