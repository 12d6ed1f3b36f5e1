/* issuer.h — the card-issuing bank: cards, their accounts in the ledger, and authorization
 * decisions (docs/architecture.md "A card payment", step "authorize at the issuer").
 *
 * An issuer owns BIN ranges per product (debit, credit) and issues cards in them: each card
 * has an account in the ledger (debit: limited by its credits; credit: by a credit line), a
 * PVV for its PIN, CVVs that are never stored (they are computed under the issuer's CVK when
 * a card is issued and verified), and for chip cards a PAN sequence number whose master key
 * for cryptograms is derived from the issuer master key. PANs are stored encrypted, with a
 * keyed hash to find them by; the holder's ID number and reserved phone are stored encrypted.
 *
 * issuer_authorize() takes a request (struct request, request/request.h: authorization with
 * hold, purchase, completion, void, refund, reversal, balance inquiry, card authentication),
 * runs the checks of a decision table (src/issuer/authorize.c) and answers with a response
 * code of docs/cup-pos.md. It works inside the caller's transaction and never commits: the
 * decision and any ledger transfer it makes are written there, and the caller then writes the
 * cardholder's text to the notify outbox (issuer_notify()) in the same transaction, commits,
 * and only then answers and sends a one-time code (issuer_send_pending()). The issuer's network
 * face (ISO 8583 ↔ struct request) is issuer/link.h.
 *
 * Time is the caller's: every function that needs it takes now (Unix seconds, UTC), so tests
 * can move it.
 *
 * Ownership: issuer_open() keeps the store and hsm pointers it is given (the caller closes
 * them after issuer_close()) and copies the config. Card images (struct issuer_card_image)
 * hold a clear PAN, PIN and the card's master key: test material for a simulated card, which
 * the caller wipes (crypto_wipe) when done.
 *
 * Errors: ISSUER_OK or a negative ISSUER_E* code, issuer_strerror() names it; messages never
 * quote a PAN. An issuer is used by one thread at a time. */
#ifndef POSSUM_ISSUER_H
#define POSSUM_ISSUER_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "card/card.h"
#include "hsm/hsm.h"
#include "request/request.h"
#include "store/store.h"

#define ISSUER_OK         0
#define ISSUER_EARG       (-1)  /* an argument malformed or out of range */
#define ISSUER_ESTORE     (-2)  /* the store failed; nothing was committed */
#define ISSUER_EHSM       (-3)  /* the hsm failed (a key missing or unusable) */
#define ISSUER_ENOTFOUND  (-4)  /* no such card */
#define ISSUER_EAMBIGUOUS (-5)  /* last four digits that more than one card ends in */
#define ISSUER_ENOBIN     (-6)  /* no BIN range of that product in the config */
#define ISSUER_ESTATE     (-7)  /* a change the card's state does not allow (a replaced card) */
#define ISSUER_EFUNDS     (-8)  /* a debit beyond the account's balance or limit */
#define ISSUER_ELEDGER    (-9)  /* the ledger refused a transfer for another reason */
#define ISSUER_ENOMEM     (-10) /* out of memory */

#define ISSUER_NAME_MAX  64 /* bytes of a holder's name (UTF-8) */
#define ISSUER_ID_MAX    32 /* characters of an ID-card number */
#define ISSUER_PHONE_MAX 20
#define ISSUER_OTP_LEN   6

enum issuer_card_status {
	ISSUER_CARD_ACTIVE = 1,
	ISSUER_CARD_LOST,     /* 41 */
	ISSUER_CARD_STOLEN,   /* 43 */
	ISSUER_CARD_BLOCKED,  /* 62 */
	ISSUER_CARD_REPLACED, /* 62: a new card took its place */
};

/* The issuer's settings (the [issuer] section of the config file, docs/config.md). */
struct issuer_config {
	char name[128];
	char institution[12]; /* the issuer's institution id, digits */
	uint16_t currency;    /* ISO 4217 numeric of the cards it issues */
	const struct card_bin_range *bins;
	size_t n_bins;
	int pin_tries;              /* wrong PINs before 75; default 3 */
	int64_t daily_amount_limit; /* minor units a card may spend a day; 0: no limit */
	int daily_count_limit;      /* payments a card may make a day; 0: no limit */
	int hold_days;              /* days a pre-authorization holds; default 7 */
	int otp_ttl;                /* seconds a one-time code is valid; default 300 */
	int otp_tries;              /* wrong codes before it is void; default 3 */
	int auth_per_day;           /* card authentications a card may start a day; default 4 */
	int auth_valid_days;        /* how long a card authentication lasts; default 365 */
	int utc_offset;             /* minutes east of UTC of the times in texts; default 480 */
	int wallet_code_ttl;        /* seconds a payment code is valid; default 60 */
	int64_t wallet_pin_above;   /* a QR payment above this many minor units needs the wallet
	                               PIN; default 100000 (CNY 1,000.00) */
	/* Sends a text to a reserved phone (the one-time codes); called after the commit. */
	int (*sms)(void *ctx, const char *phone, const char *text);
	void *sms_ctx;
};

/* The keys an issuer works with, wrapped under the LMK. */
struct issuer_keys {
	hsm_key data;     /* D0, AES-256: PANs, ID numbers, phones at rest */
	hsm_key pan_hash; /* M7: look-up hashes of PANs, and one-time codes */
	hsm_key cvk;      /* C0, TDES 16: CVV, CVV2, iCVV */
	hsm_key pvk;      /* V2, TDES 16: PVVs */
	hsm_key imk;      /* E0, TDES 16, exportable: chip card master keys */
	hsm_key pin;      /* P0, TDES: the issuer's own PIN key, to set PINs at issuance */
};

/* The spec each key of struct issuer_keys is made with, in its order: for the caller that
 * generates them (host_datadir_key()). */
extern const struct hsm_key_spec issuer_key_specs[6];
extern const char *const issuer_key_names[6];

typedef struct issuer issuer;

const char *issuer_strerror(int rc);

void issuer_config_defaults(struct issuer_config *cfg);

/* Opens the issuer on s and h with cfg and keys; creates, the first time, its own accounts in
 * the ledger (funding: where test money comes from; settlement: what it owes acquirers). */
int issuer_open(store *s, hsm *h, const struct issuer_config *cfg, const struct issuer_keys *keys,
                issuer **out);
void issuer_close(issuer *is);
/* The issuer's settlement account in the ledger (what it owes acquirers) for currency, as
 * issuer_open() on s made it, without opening the issuer: ISSUER_OK, ISSUER_ENOTFOUND when no
 * issuer was ever opened on s, or ISSUER_ESTORE. */
int issuer_settlement_account(store *s, uint16_t currency, int64_t *id);

/* ---- Cards ---- */

struct issuer_card_request {
	enum card_product product;
	const char *holder;    /* name, 1 to ISSUER_NAME_MAX bytes */
	const char *id_number; /* 1 to ISSUER_ID_MAX characters */
	const char *phone;     /* reserved phone, digits, optionally a leading '+' */
	int64_t balance;       /* debit: opening balance, minor units (funded from the issuer) */
	int64_t limit;         /* credit: credit line, minor units */
	const char *pin;       /* 4 to 12 digits; NULL: six random digits */
	const char *expiry;    /* YYMM; NULL: five years from now */
	bool chip;
	const char *language; /* "zh" or "en" for its messages; NULL: "zh" */
};

/* What a test terminal needs to present a card. */
struct issuer_card_image {
	int64_t card_id, account_id;
	enum card_product product;
	char pan[CARD_PAN_MAX + 1];
	char expiry[CARD_EXPIRY_LEN + 1];
	char service_code[CARD_SERVICE_LEN + 1];
	char cvv2[4];
	char pin[HSM_PIN_MAX + 1];
	char track2[CARD_TRACK2_MAX + 1]; /* with the CVV, or the iCVV for chip cards */
	bool chip;
	char psn[3];        /* chip: application PAN sequence number (5F34) */
	uint8_t icc_mk[16]; /* chip: the card's master key for cryptograms */
};

/* What the issuer shows of a card: never the PAN in the clear. */
struct issuer_card {
	int64_t id, account_id;
	char masked[CARD_PAN_MAX + 1]; /* first 6, last 4 */
	char last4[5];
	enum card_product product;
	enum issuer_card_status status;
	char expiry[CARD_EXPIRY_LEN + 1];
	char service_code[CARD_SERVICE_LEN + 1];
	bool chip;
	char holder[ISSUER_NAME_MAX + 1];
	char language[3];
	int pin_tries;       /* wrong PINs in a row */
	int64_t replaced_by; /* the card that replaced it; 0 */
	int64_t created_at;
	int64_t available; /* what the account may still spend: balance, or credit left */
	int64_t balance;   /* posted credits minus posted debits (negative: owed on credit) */
	int64_t held;      /* pending debits */
	uint16_t currency;
};

int issuer_card_issue(issuer *is, const struct issuer_card_request *req, int64_t now,
                      struct issuer_card_image *out);

/* The card of a full PAN, or of its last four digits when only one card ends in them. */
int issuer_card_find(issuer *is, const char *pan_or_last4, struct issuer_card *out);
/* The product of pan by the issuer's BIN ranges (the product its cards of that range are
 * issued as), read in memory: no store, no HSM. 0 when no range holds it. */
int issuer_bin_product(const issuer *is, const char *pan);
int issuer_card_get(issuer *is, int64_t id, struct issuer_card *out);
/* Card id's full PAN, in the clear (for the settlement's file to the bank, which is written
 * encrypted): the caller wipes it. */
int issuer_card_pan(issuer *is, int64_t id, char pan[CARD_PAN_MAX + 1]);

/* Sets the status (ACTIVE, LOST, STOLEN, BLOCKED; not REPLACED) of a card that has not been
 * replaced; setting ACTIVE also clears its wrong-PIN count. */
int issuer_card_set_status(issuer *is, int64_t id, enum issuer_card_status status, int64_t now);

/* Issues a new card on the same account, holder and product with a new PAN, expiry and PIN
 * (req's pin and expiry when given, else new ones); the old card becomes REPLACED. */
int issuer_card_replace(issuer *is, int64_t id, const char *pin, const char *expiry, int64_t now,
                        struct issuer_card_image *out);

/* "active", "lost", "stolen", "blocked", "replaced": the name of an issuer_card_status; ""
 * for another value. */
const char *issuer_card_status_name(int status);

/* Whether the card of pan may pay where a card authentication is asked for (docs/architecture.md
 * flow 5): VALID when its latest authentication is verified and still valid at now; INVALID when it
 * was verified and has since lapsed or been invalidated, with the reason in reason:
 * "expired" (its time is over), "card_expired", "card_replaced", "card_lost", "card_stolen",
 * "phone_changed" or "risk_revoked"; NONE when it never was. ISSUER_ENOTFOUND when no card has
 * that PAN. Each change invalidates the authentication as it is made (issuer_card_set_status(),
 * issuer_card_replace(), issuer_card_set_phone(), issuer_cardauth_revoke()); the card's own
 * expiry is read here. */
enum issuer_cardauth_state {
	ISSUER_CARDAUTH_NONE = 0,
	ISSUER_CARDAUTH_VALID,
	ISSUER_CARDAUTH_INVALID,
};
int issuer_cardauth_state(issuer *is, const char *pan, int64_t now,
                          enum issuer_cardauth_state *state, char reason[32]);
/* The same of card id (ISSUER_ENOTFOUND when none). */
int issuer_cardauth_state_id(issuer *is, int64_t id, int64_t now, enum issuer_cardauth_state *state,
                             char reason[32]);

/* Changes the reserved phone (digits, optionally a leading '+') of a card that has not been
 * replaced. Its verified authentication becomes invalid ("phone_changed"): its code went to
 * the old phone, so the holder authenticates again with the new one. */
int issuer_card_set_phone(issuer *is, int64_t id, const char *phone, int64_t now);

/* A risk decision: the card's verified authentication becomes invalid ("risk_revoked"); the
 * caller keeps why (the audit log). ISSUER_OK too when it had none to revoke. */
int issuer_cardauth_revoke(issuer *is, int64_t id);

/* Calls fn for each card, oldest first, until it returns non-zero (which is returned). */
int issuer_card_list(issuer *is, int (*fn)(void *ctx, const struct issuer_card *c), void *ctx);
/* The same for the cards ending in last4 only (the operations console's search). */
int issuer_card_list_last4(issuer *is, const char *last4,
                           int (*fn)(void *ctx, const struct issuer_card *c), void *ctx);

/* Test money: credits (or debits) a card's account from (or to) the issuer's funding account. */
int issuer_account_credit(issuer *is, int64_t card_id, int64_t amount, int64_t now);
int issuer_account_debit(issuer *is, int64_t card_id, int64_t amount, int64_t now);

/* ---- The wallet: payment codes (wallet.c, docs/qr.md) ----
 *
 * Each card account has a wallet (made with its first code): a number n7 and dynamic payment
 * codes. A code is 19 digits: "62" (UnionPay's payment-code range), the wallet's number (7
 * digits) and 10 random digits; valid wallet_code_ttl seconds, used once, kept only as a keyed
 * hash of its random part (under the pan_hash key). The wallet PIN is the PIN of the account's
 * card (its PVV and its wrong-PIN count). */

#define ISSUER_WALLET_CODE_LEN 19

struct issuer_wallet_code {
	char code[ISSUER_WALLET_CODE_LEN + 1];
	int64_t card_id, expires_at; /* Unix seconds */
	char masked[CARD_PAN_MAX + 1];
};

/* A new payment code for card_id's account at now (the card active: ISSUER_ESTATE else). The
 * code is in the clear in out: the caller shows it and wipes out. */
int issuer_wallet_code(issuer *is, int64_t card_id, int64_t now, struct issuer_wallet_code *out);

/* What code stands for at now, read only (the issuer's decision re-reads it and, when it
 * approves the payment, marks it used in the caller's transaction): ISSUER_OK with rc "00"
 * (reason "ok") and the card its account pays with now; or rc RCODE_QR_UNKNOWN
 * ("code_unknown"), RCODE_QR_EXPIRED ("code_expired"), RCODE_QR_USED ("code_used"),
 * RCODE_QR_OTHER_ACCOUNT ("code_other_account": the random part is another wallet's code), in
 * rc and reason. pan is the card's PAN in the clear: the caller wipes out. */
struct issuer_wallet_use {
	char rc[3], reason[32];
	int64_t card_id;
	char pan[CARD_PAN_MAX + 1];
	char masked[CARD_PAN_MAX + 1];
	char holder_key[65]; /* issuer_holder_key() of the card */
};
int issuer_wallet_resolve(issuer *is, const char *code, int64_t now, struct issuer_wallet_use *out);

/* Who holds the card of pan across its accounts: the keyed hash (64 hex digits, under the
 * pan_hash key) of the holder's ID number. ISSUER_ENOTFOUND for a card the issuer does not
 * know. */
int issuer_holder_key(issuer *is, const char *pan, char out[65]);

/* ---- Authorization ---- */

#define ISSUER_ICC_MAX 32

struct issuer_response {
	char rc[3];        /* response code, docs/cup-pos.md */
	char reason[32];   /* why, in a word or two for the record ("pin_wrong") */
	char auth_code[7]; /* approvals of money-moving requests */
	bool has_balance;  /* balance inquiries */
	int64_t available; /* field 54: available balance, minor units */
	uint16_t currency;
	uint8_t icc[ISSUER_ICC_MAX]; /* field 55 of the response: tag 91 (ARPC and ARC) */
	size_t icc_len;
	char message[24];    /* field 44 where the request needs one ("OTP SENT") */
	int64_t decision_id; /* the recorded decision; 0 for a duplicate or a repeat */
	/* What the caller sends the cardholder: the text of an approved financial outcome
	 * (notify: issuer_notify(), in the caller's transaction) and a one-time code (otp:
	 * issuer_send_pending(), after the commit). The phone and the code are in the clear: the
	 * caller wipes resp (crypto_wipe) when done. */
	bool notify;
	int64_t notify_amount;
	char last4[5], language[3];
	char phone[ISSUER_PHONE_MAX + 1];
	char otp[ISSUER_OTP_LEN + 1];
};

/* The card risk management data object list (CDOL1) of the chip cards this issuer makes: the
 * data their ARQC is computed over, in this order (EMV 4.3 Book 2 8.1.1, the recommended
 * minimum set): amount, other amount, terminal country, TVR, currency, date, type,
 * unpredictable number, AIP, ATC. A terminal sends each as its tag in field 55. */
struct issuer_cdol_entry {
	uint32_t tag;
	size_t len;
};
#define ISSUER_CDOL1_ENTRIES 10
#define ISSUER_CDOL1_LEN     33
extern const struct issuer_cdol_entry issuer_cdol1[ISSUER_CDOL1_ENTRIES];

/* Decides req at now and records the decision (with any transfer) in the caller's transaction
 * (store_depth() > 0: the issuer asserts it), then answers in resp: ISSUER_OK with resp->rc
 * set. Any other code means the decision could not be made or recorded: the caller rolls its
 * transaction (or savepoint) back and answers 96. Nothing is committed here.
 *
 * A request of the same acquirer, STAN and transmission time as one decided is answered 94
 * and changes nothing; a repeated reversal or advice (req->advice) instead gets the first
 * decision's code (and auth code) again, reason "repeated". An advice is decided by the usual
 * rules but the PIN's (it has none) and the card data's (track 2 or chip: checked if given),
 * and an approved one is posted as any approval, reason "advice". */
int issuer_authorize(issuer *is, const struct request *req, int64_t now,
                     struct issuer_response *resp);

/* The cardholder's text of resp's outcome (an approved financial one: resp->notify) into the
 * notify outbox, in the caller's transaction, in the cardholder's language, to the reserved
 * phone; ISSUER_OK and nothing done when none is due. */
int issuer_notify(issuer *is, const struct request *req, const struct issuer_response *resp,
                  int64_t now);

/* Sends the one-time code of a card authentication (resp->otp) to the reserved phone through
 * cfg->sms; called after the caller committed the decision, never before (a code the issuer
 * could not check is never sent). Nothing when no code is pending. */
void issuer_send_pending(issuer *is, const struct issuer_response *resp);

/* Card authentication by a cardholder's app or for a settlement card rather than a terminal:
 * step 1 (the four elements; a code sent to the reserved phone) and step 2 (the code), the
 * same decision, limits and records as issuer_authorize() with REQUEST_CARDAUTH_START and
 * REQUEST_CARDAUTH_CONFIRM, each in a transaction of its own (committed before a code is
 * sent) — or, called inside the caller's, in a savepoint of it: then the code is not sent
 * here, and the caller sends it (issuer_send_pending()) once its own commit has kept it; it
 * keeps resp until then. ISSUER_OK with resp->rc "00" when the code was sent, or the
 * card authenticated; another rc (resp->reason says why) when refused. */
int issuer_cardauth_start(issuer *is, const char *pan, const char *holder, const char *id_number,
                          const char *phone, int64_t now, struct issuer_response *resp);
int issuer_cardauth_confirm(issuer *is, const char *pan, const char *otp, int64_t now,
                            struct issuer_response *resp);

#endif
