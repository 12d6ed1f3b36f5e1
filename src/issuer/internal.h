/* internal.h — what the issuer's files share: the issuer itself, and the steps on cards that
 * several operations take (find by PAN, seal and unseal secrets, random digits, the day). Not
 * for use outside src/issuer. */
#ifndef POSSUM_ISSUER_INTERNAL_H
#define POSSUM_ISSUER_INTERNAL_H

#include "issuer/issuer.h"
#include "ledger/ledger.h"
#include "store/store_issuer.h"
#include "store/store_wallet.h"

#define ISSUER_BINS_MAX      64
#define ISSUER_REVERSAL_DAYS 7 /* how far back a reversal's original is looked for */

struct issuer {
	store *s;
	hsm *h;
	struct issuer_config cfg;
	struct card_bin_range bins[ISSUER_BINS_MAX];
	struct issuer_keys keys;
	int64_t funding;    /* ledger account: where test money comes from */
	int64_t settlement; /* ledger account: what the issuer owes acquirers */
};

/* Transfer codes in the ledger, for reports. */
enum issuer_transfer_code {
	ISSUER_XFER_PURCHASE = 1,
	ISSUER_XFER_HOLD,
	ISSUER_XFER_COMPLETION,
	ISSUER_XFER_CANCEL,
	ISSUER_XFER_VOID,
	ISSUER_XFER_REFUND,
	ISSUER_XFER_REVERSAL,
	ISSUER_XFER_FUNDING,
};

/* The local day of a time under the issuer's utc_offset (days since 1970-01-01 there): the day
 * of the daily limits, and of a void's "same day". */
int64_t issuer_day(const issuer *is, int64_t now);

/* Whether a card expiring at the end of yymm (YYMM) is still current at now (UTC): false also
 * for an expiry that is not one. */
bool issuer_expiry_current(const char *yymm, int64_t now);

/* n random decimal digits and a NUL (OpenSSL RAND_bytes, without modulo bias). */
int issuer_random_digits(char *out, size_t n);

/* The keyed hash of a PAN as 64 hex digits. */
int issuer_pan_hash(issuer *is, const char *pan, char out[STORE_HASH_HEX + 1]);

/* The keyed hash (under the pan_hash key) of text, a secret kept only to be compared or looked
 * up by (a one-time code, a payment code's random part, a holder's ID number), as 64 hex
 * digits. Each kind's text starts with its own word, so that no hash stands for another. */
int issuer_keyed_hash(issuer *is, const char *text, char out[STORE_HASH_HEX + 1]);

/* Encrypts text (a PAN, an ID number, a phone) for the card whose PAN hash is pan_hash, and
 * back. unseal writes a NUL-terminated string to out (capacity cap). */
int issuer_seal(issuer *is, const char *pan_hash, const char *text, struct store_sealed *out);
/* The holder's name of card c into out (capacity cap): its sealed name, else (a row the
 * one-time sealing of issuer_open() has not reached) its clear holder. */
int issuer_holder(issuer *is, const struct store_card *c, char *out, size_t cap);
int issuer_unseal(issuer *is, const char *pan_hash, const struct store_sealed *in, char *out,
                  size_t cap);

/* The public view of a stored card, with its account's balances. */
int issuer_card_view(issuer *is, const struct store_card *c, struct issuer_card *out);

/* Marks the card's verified authentication, if it has one, invalid for reason, within the
 * caller's transaction (cardauth.c). */
int issuer_cardauth_invalidate(issuer *is, int64_t card_id, const char *reason);

/* An issuer code for a store or ledger one. */
int issuer_from_store(int rc);
int issuer_from_ledger(int rc);
/* A ledger failure (rc not LEDGER_OK) as an issuer error: never ISSUER_OK. */
int issuer_ledger_failure(int rc);

/* A transfer on a card's account within the caller's transaction: debit moves amount from the
 * card to the issuer's settlement account (a payment), !debit back (a refund). */
int issuer_move(issuer *is, const ledger_id *id, int64_t account, bool debit, int64_t amount,
                enum issuer_transfer_code code, int64_t now);

#define OP(x) (1u << (x))

enum { STAGE_NEXT = 0, STAGE_DONE = 1 };

/* One decision in the making (authorize.c), which the stages fill in. */
struct issuer_decision {
	issuer *is;
	const struct request *req;
	const char *pan; /* the request's card */
	int64_t now;
	struct issuer_response *resp;
	struct store_decision rec;
	bool record; /* false: a duplicate, answered and not recorded */
	struct store_card card;
	bool card_changed;
	struct store_decision orig, orig2; /* the original, and the one a void or refund acted on */
	bool orig_changed, orig2_changed;
	struct store_card_day day; /* added to the card's day when recorded */
	struct store_cardauth auth;
	bool auth_new, auth_changed;
	uint8_t emv_data[ISSUER_CDOL1_LEN];
	struct hsm_emv_txn emv;
	bool arqc_ok;
	char phone[ISSUER_PHONE_MAX + 1]; /* the reserved phone, unsealed when needed */
	char card_pan[CARD_PAN_MAX + 1];  /* a payment code's card's PAN: pan then points here */
	struct store_wallet_code code;    /* a payment code's row: used when the payment is */
};

/* Reads the card a decision changes, by id (hash NULL) or by PAN hash, into d->card, locked to
 * the transaction's end where several hosts share the store: the issuer's settlement account
 * first (which every payment moves), then the card's row (ledger_account_hold,
 * store_card_lock); a STORE_* code (STORE_EIO when the settlement account cannot be held). */
int issuer_card_lock(struct issuer_decision *d, int64_t id, const char *hash);

/* Decides d with response code rc for reason (a word for the record); STAGE_DONE
 * (issuer.c). */
int issuer_decide(struct issuer_decision *d, const char *rc, const char *reason);

/* The card authentication stage (cardauth.c): step 1 checks the four elements and makes a code
 * (resp->otp, sent by the caller after the commit), step 2 checks the code. STAGE_NEXT,
 * STAGE_DONE or an ISSUER_E* code. */
int issuer_cardauth(struct issuer_decision *d);

/* The outcome of a PIN check of the card (the hsm's rc of hsm_verify_pin_pvv() or of what came
 * before it): STAGE_NEXT when it verified (the wrong-PIN count cleared), else decided 99, 55
 * or 75 (the count kept), or ISSUER_EHSM (issuer.c). */
int issuer_pin_outcome(struct issuer_decision *d, int rc);

/* The stages of a QR payment's decision (qr.c, docs/qr.md): an operation QR payments do not
 * have (12); a payment code's card (Q1–Q4); a QR refund's original and its card (25); the
 * wallet PIN (55, 75, 99). STAGE_NEXT, STAGE_DONE or an ISSUER_E* code. */
int issuer_qr_operation(struct issuer_decision *d);
int issuer_qr_code(struct issuer_decision *d);
int issuer_qr_original(struct issuer_decision *d);
int issuer_qr_pin(struct issuer_decision *d);

/* What a payment code stands for at now (wallet.c): rc "00" with its row and the card of its
 * account (card), or a refusal's rc and reason (Q1–Q4); ISSUER_OK either way, else an
 * ISSUER_E* code. Read only. */
int issuer_wallet_find(issuer *is, const char *code, int64_t now, struct store_wallet_code *row,
                       struct store_card *card, char rc[3], char reason[32]);

static inline bool issuer_present(const char *s)
{
	return s != NULL && s[0] != '\0';
}

#endif
