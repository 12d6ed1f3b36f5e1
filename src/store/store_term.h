/* store_term.h — the reference terminal's part of the storage interface (`possum term`): its
 * settings and keys, its STAN and batch counters, the transactions it sent (the batch, the
 * receipts, and at most one reversal waiting to be delivered), and the chip cards' counters.
 *
 * Secrets arrive already protected: keys as key blocks under the terminal's LMK, a PAN (with
 * its expiry) as an AES-GCM ciphertext (hsm_data_encrypt) and a PAN's keyed hash as 64 hex
 * digits; the store never sees them in the clear. Functions return STORE_OK or a STORE_E*
 * code. */
#ifndef POSSUM_STORE_TERM_H
#define POSSUM_STORE_TERM_H

#include <stdbool.h>
#include <stdint.h>

#include "common/geo.h"
#include "store/store.h"

/* The terminal: one row. */
struct store_term_state {
	char host[256];               /* HOST:PORT of the acquirer's terminal port */
	char tid[9], mid[16], sn[51]; /* field 41, field 42, 59.A2.02 */
	char tmk[STORE_KEY_MAX];      /* K0, from the components */
	char pik[STORE_KEY_MAX];      /* P0, from sign-in; "" when not signed in */
	char mak[STORE_KEY_MAX];      /* M1, from sign-in */
	char tdk[STORE_KEY_MAX];      /* M1 (algorithm 1), from sign-in */
	char dek[STORE_KEY_MAX];      /* D0, seals the PANs kept for reversals and uploads */
	char hkey[STORE_KEY_MAX];     /* M7, the PAN hashes the ATCs are kept by */
	int stan;                     /* the last STAN used, 0..999999 */
	int batch;                    /* 60.2, from sign-in, +1 after a settlement */
	int timeout;                  /* seconds to wait for an answer */
	char merchant_name[161];      /* 63.2 of the last sign-in's answer; "" before */
	int utc_offset;              /* minutes east of UTC of the host's time, from sign-in; 480 */
	char location[GEO_TEXT_MAX]; /* "LAT,LON" in micro-degrees, sent as 59.A2.06; "" none */
	int64_t qr_cursor;           /* the host's id of the last payment by the static code the
	                                terminal learned (QR results' field 62); 0 before any */
	bool tms_auto;               /* downloads by itself when an answer's header asks (term.7) */
};

/* STORE_ENOTFOUND when the terminal was never set up. */
int store_term_state_get(store *s, struct store_term_state *out);
/* Writes the row, creating it. */
int store_term_state_put(store *s, const struct store_term_state *st);

/* Where a transaction stands. A reversible one is recorded SENT (committed) before it leaves;
 * SENT found later means the terminal stopped before the answer: it needs reversing too. */
enum store_term_status {
	STORE_TERM_SENT = 0,     /* on its way, no answer yet */
	STORE_TERM_ANSWERED = 1, /* answered (rc says how) */
	STORE_TERM_REVERSAL = 2, /* no answer or a bad one: a reversal is to be delivered */
	STORE_TERM_REVERSED = 3, /* its reversal was acknowledged */
};

#define STORE_TERM_SEALED_MAX 96 /* bytes of a sealed "PAN=YYMM" */
#define STORE_TERM_ICC_MAX    255

struct store_term_txn {
	int64_t id, at;
	int kind;        /* enum term_kind (term.h) */
	int stan, batch; /* its own 11 and 60.2 */
	char mti[5], proc[7], cond[3], type[3], entry[4];
	int64_t amount; /* minor units */
	int currency;
	uint8_t sealed[STORE_TERM_SEALED_MAX]; /* "PAN=YYMM" under dek; aad: batch and STAN (a
	                                          QR payment: "CODE=", a QR refund: none) */
	size_t sealed_len;
	char masked[20];                 /* 6 + stars + 4 (a QR payment: of its code) */
	char psn[3];                     /* "" when none */
	uint8_t icc[STORE_TERM_ICC_MAX]; /* field 55 as sent (chip) */
	size_t icc_len;
	char orig[17];                                  /* field 61 as sent, "" when none */
	char orig_rrn[13], orig_auth[7];                /* 37 and 38 as sent */
	int status;                                     /* enum store_term_status */
	bool reversible;                                /* moves money: a lost answer is reversed */
	char reason[3];                                 /* the reversal's 39: 98, A0, 06 */
	char rc[3], rrn[13], auth[7], date[5], time[7]; /* from the answer */
	int arpc;                /* 0 not chip, 1 verified, 2 did not verify */
	bool voided;             /* a later void (or cancel) was approved */
	char aid[33], label[33]; /* chip: the application's AID (4F, hex) and label (the AID
	                            list's, up to 32 bytes, else the card's 50); "" else */
	char tc[17];             /* chip, approved: the TC of the second GENERATE AC (hex); "" */
	bool stand_in;           /* approved with 44 STAND-IN: by the acquirer in the issuer's
	                            name, its link down (docs/links.md) */
};

/* Inserts t (t->id ignored) and sets t->id. */
int store_term_txn_insert(store *s, struct store_term_txn *t);
/* Writes what changes after sending: status, reason, rc, rrn, auth, date, time, arpc, voided,
 * tc, stand_in. */
int store_term_txn_update(store *s, const struct store_term_txn *t);

enum store_term_key {
	STORE_TERM_BY_STAN, /* the latest with that STAN (decimal) */
	STORE_TERM_BY_RRN,  /* the latest approved with that RRN */
	STORE_TERM_BY_AUTH, /* the latest approved with that auth code */
};
int store_term_txn_find(store *s, enum store_term_key key, const char *value,
                        struct store_term_txn *out);
/* The oldest reversible transaction SENT or REVERSAL: the reversal to deliver. */
int store_term_txn_pending(store *s, struct store_term_txn *out);
/* Calls fn for each transaction of batch, oldest first, until it returns non-zero (returned). */
int store_term_txn_each(store *s, int batch, int (*fn)(void *ctx, const struct store_term_txn *t),
                        void *ctx);

/* The chip card's application transaction counter, by its PAN's keyed hash: the next one
 * (1 the first time), and above `above` (the card's own count where another terminal had it
 * last; 0: none), kept. */
int store_term_atc_next(store *s, const char *pan_hash, int above, int *atc);

/* ---- Downloads (term.7) ----
 *
 * What the terminal downloaded from its host's terminal management (docs/tms.md "Downloads"),
 * one row a set ("params", "capk", "aid"): the items it applied and their version ("" none),
 * and a download in progress — the version, the next item's index, the items so far — which a
 * broken download resumes. */

#define STORE_TERM_TMS_MAX 16384 /* bytes of a set's items */

struct store_term_tms {
	char name[8];
	char version[9];
	uint8_t items[STORE_TERM_TMS_MAX];
	size_t items_len;
	char dl_version[9]; /* "" no download in progress */
	int64_t dl_next;
	uint8_t dl_items[STORE_TERM_TMS_MAX];
	size_t dl_items_len;
};

/* The set called out->name: STORE_ENOTFOUND when never downloaded. */
int store_term_tms_get(store *s, struct store_term_tms *out);
/* Writes the set's row, creating it. */
int store_term_tms_put(store *s, const struct store_term_tms *t);

#endif
