/* internal.h — what the terminal's files share: the term itself, the table of transaction
 * kinds, a request being built, and the exchange with the host. */
#ifndef POSSUM_TERM_INTERNAL_H
#define POSSUM_TERM_INTERNAL_H

#include <time.h>

#include "iso8583/iso8583.h"
#include "net/net.h"
#include "term/term.h"
#include "tms/tms.h"

#define TERM_FRAME_MAX 2048
#define TERM_CURRENCY  156

struct term {
	store *s;
	hsm *h;
	struct store_term_state st;
	hsm_key tmk, pik, mak, tdk, dek, hkey;
	bool signed_in; /* the working keys are there */
	int timeout_ms;
	enum term_inject inject; /* for the next financial request (term_set_inject) */
	int asked;     /* the last answer's processing request (header byte 2's low nibble) */
	net_client *c; /* kept between exchanges; NULL until needed or after a failure */
	bool tls;      /* term_tls_setup()'s, read at term_open() */
	char tls_ca[STORE_VALUE_MAX + 1], tls_cert[STORE_VALUE_MAX + 1];
	char tls_key[STORE_VALUE_MAX + 1], tls_name[STORE_VALUE_MAX + 1];
	net_tls *tls_ctx;      /* made at the first connection */
	char unreachable[256]; /* why the last exchange could not connect; "" when it did */
	const iso8583_profile *p;
	uint8_t tx[TERM_FRAME_MAX], rx[TERM_FRAME_MAX];
	size_t rx_len;
};

/* What each kind of transaction is on the wire (docs/cup-pos.md "Messages"). */
struct term_kind_def {
	const char *name, *mti, *proc, *cond, *type, *nmc;
	bool reversible; /* moves money */
	bool card;       /* carries the card: 2, 14, 22 (35, 52, 55) */
	bool identity;   /* 59 */
	bool qr;         /* a QR kind: 22 = 03x, no 14, 35, 53, 55 or 59; the code, if any, in 2 */
};
extern const struct term_kind_def term_kinds[TERM_KINDS];

/* A request being built: the message and the values its fields point to. */
struct term_msg {
	iso8583_msg m;
	char f2[20], f3[7], f4[21], f11[12], f14[5], f22[4], f23[4], f25[3], f26[3], f35[38];
	char f37[13], f38[7], f39[3], f48[323], f59[200], f60[18], f61[17], f63[4];
	uint8_t f52[8], f55[STORE_TERM_ICC_MAX], f62[512], f64[8];
	size_t f55_len, f62_len;
	bool chip;              /* header byte 0: 61 */
	enum term_inject fault; /* what term_exchange() does wrong on purpose */
};

/* Starts m as MTI with 11, 41, 42 and 60 (type, the batch, nmc). */
void term_msg_start(term *t, struct term_msg *m, const char *mti, int stan, int batch,
                    const char *type, const char *nmc);

/* Sets the fields of a card transaction from x (its row) and the card's PAN and expiry:
 * 2, 3, 4, 14, 22, 23, 25, 49, 55, 37, 38, 61 (2 and 14 not when "": a QR payment's code
 * has no expiry, a QR refund no PAN). */
void term_msg_card(struct term_msg *m, const struct store_term_txn *x, const char *pan,
                   const char *expiry);

/* Sends m — MAC'd first (field 64) when mac — and reads the answer into resp (pointing into
 * t->rx until the next exchange), checking its MTI, STAN and terminal, and its MAC when it
 * has one or is an approval of a MAC'd request. m->fault injects a fault (term_set_inject). */
int term_exchange(term *t, struct term_msg *m, bool mac, iso8583_msg *resp);

/* term_exchange() of m, an administrative message (no MAC) with STAN stan in the current
 * batch: res gets the STAN, the batch and the answer's response code. */
int term_exchange_admin(term *t, struct term_msg *m, int stan, struct term_result *res,
                        iso8583_msg *resp);

/* The terminal's clock (clock.c): minutes east of UTC of its local time, Beijing's until a
 * sign-in's answer gives the host's, and the most a zone can be from UTC either way. */
#define TERM_CLOCK_DEFAULT 480
#define TERM_CLOCK_MAX     (14 * 60)

/* The local date MMDD and time hhmmss (an answer's 13 and 12) of a clock from minutes east of
 * UTC, made at Unix time at (which gives the year: term_clock_year()), as the local time of
 * one to minutes east, into out: TERM_EFORMAT when they are not a date and time. */
int term_clock_shift(const char *date, const char *time, int64_t at, int from, int to,
                     struct tm *out);

/* The year of a date MMDD (mmdd) seen on a clock showing *clock: the clock's, but a January date
 * seen in its December is of the next year and a December one in its January of the one before
 * (the date's zone is not the clock's). */
int term_clock_year(const char *mmdd, const struct tm *clock);

/* The offset, in minutes east of UTC to the nearest quarter of an hour, of the local date MMDD
 * and time hhmmss the host answered (13, 12) at now (Unix seconds, the terminal's UTC clock),
 * into *minutes; TERM_EFORMAT when they are not a date and time or the offset is beyond
 * TERM_CLOCK_MAX. */
int term_clock_offset(const char *date, const char *time, int64_t now, int *minutes);

/* The number the n digits at s make; -1 when they are not all digits (clock.c). */
int64_t term_digits(const char *s, size_t n);

/* identity.c: the term_tms row "pkg" (update.c's: the package key, the version installed, a
 * download in progress) into row, zero with its name when there is none. */
int term_pkg_get(store *s, struct store_term_tms *row);

/* identity.c: field 59, tag A2 (docs/cup-pos.md "Terminal identity") into out (capacity cap): the
 * device type (01), the SN (02) and the application version it runs (05, term_app_version()); with
 * a card's PAN (pan not NULL, at least 6 digits) also its last 6 digits as the random factor
 * (03), the SN's ciphertext under the track key (04) and the location when set up with one
 * (06). A sign-in and an update's report have no card: 01, 02 and 05. */
int term_identity(term *t, const char *pan, char *out, size_t cap);

/* The next STAN, kept. */
int term_next_stan(term *t, int *stan);

/* Field f of resp as text into out (capacity cap); "" when absent. */
void term_field(const iso8583_msg *resp, int f, char *out, size_t cap);

/* The PAN and expiry sealed in x (a QR payment's code, and expiry ""). */
int term_unseal(term *t, const struct store_term_txn *x, char pan[20], char expiry[5]);

/* The TLS of t's state into t (none kept: off). */
int term_tls_load(term *t);

/* Connects t to its host, over TLS when set up: TERM_OK, or TERM_ECONNECT with why in
 * t->unreachable. */
int term_connect(term *t);

/* download.c: one 0820 of network management code nmc — a download's, a confirmation's, an
 * update's chunk or report — with field 62 (len bytes, at most the message's) and, when f59 is
 * not NULL, field 59 as given: res->rc the answer's, *resp the answer. */
int term_send_0820(term *t, const char *nmc, const uint8_t *f62, size_t len, const char *f59,
                   struct term_result *res, iso8583_msg *resp);
/* The test aid --inject drop, after a chunk that has more to follow: the connection closed and
 * the aid spent, true (the caller answers TERM_ETIMEOUT, as a broken line would be); else
 * false. */
bool term_inject_drop(term *t, bool more);

/* held.c: the addresses to connect to, in order — the downloaded host_primary, then
 * host_backup, then the setup's own host (each once) — into hosts (*n of them), and how long
 * to try each (connect_timeout, else the answer's timeout) in *connect_ms; the downloaded
 * answer_timeout, when there is one, as the time to wait for each answer (term_set_timeout()
 * overrides it). */
#define TERM_HOSTS 3
int term_held_hosts(term *t, char hosts[TERM_HOSTS][256], size_t *n, int *connect_ms);
void term_held_answer_timeout(term *t);
/* How often a pending reversal is sent in one go: the downloaded reversal_retries, else
 * TERM_REVERSAL_TRIES. */
#define TERM_REVERSAL_TRIES 3
int term_held_reversal_tries(term *t);
/* The downloaded utc_offset, minutes east of UTC, into *minutes: TERM_OK, or TERM_ENOTFOUND
 * when none (or none that reads). */
int term_held_utc_offset(term *t, int *minutes);
/* The terminal's local time, minutes east of UTC: the downloaded utc_offset when there is one,
 * else the sign-in's (t->st.utc_offset); and now in it, into out. */
int term_clock_minutes(term *t);
void term_clock_now(term *t, struct tm *out);

/* chip.c: what the terminal made of a chip card from what it holds (docs/tms.md "Chip
 * transactions at the terminal"): the application selected (the card's AID) with its label —
 * the downloaded AID list's name for it, else the card's — and the TVR (95) that application
 * selection, the CA key check and terminal risk management left. */
struct term_chip {
	char aid[33], label[TMS_LABEL_MAX + 1];
	uint8_t tvr[5];
};
/* The chip card's transaction of kind for amount (minor units) assessed into out: TERM_OK, to
 * be sent online; TERM_EREFUSED with why (English and Chinese, capacity cap) when its
 * application is not on the downloaded AID list or terminal action analysis declines it
 * offline (TVR & TAC-denial; never a refund, void or cancellation); TERM_ECARD for a card's
 * AID that is not hex. */
int term_chip_assess(term *t, const struct term_card *card, enum term_kind kind, int64_t amount,
                     struct term_chip *out, char *why, size_t cap);

int term_from_hsm(int rc);
int term_from_store(int rc);

#endif
