/* merchant.h — merchants, their terminals and their settlement cards (docs/architecture.md flows 1,
 * 2 and 4): a merchant's onboarding from application to an active merchant with its MID and
 * certificate; "one terminal, one code" — each terminal bound by its hardware SN to one
 * merchant and one registered place, keyed with its own TMK; and the settlement card a
 * merchant's money is paid to, bound only after its holder is verified at the issuer.
 *
 * Every change is made by an actor (audit/audit.h: "cli:USER", "token:ID") and committed in
 * one transaction with its audit entry; a refused change leaves nothing behind.
 *
 * Time is the caller's (now, Unix seconds). Ownership: merchant_open() keeps the store, hsm
 * and issuer pointers it is given (the caller closes them after merchant_close()) and copies
 * the config and keys. A merchant handle is used by one thread at a time.
 *
 * Errors: MERCHANT_OK or a negative MERCHANT_E* code; merchant_strerror() names it. */
#ifndef POSSUM_MERCHANT_H
#define POSSUM_MERCHANT_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include <jansson.h>

#include "hsm/hsm.h"
#include "issuer/issuer.h"
#include "store/store.h"
#include "store/store_merchant.h"

#define MERCHANT_OK        0
#define MERCHANT_EARG      (-1) /* an argument malformed or out of range */
#define MERCHANT_ESTORE    (-2) /* the store failed; nothing was committed */
#define MERCHANT_EHSM      (-3) /* the hsm failed */
#define MERCHANT_ENOTFOUND (-4) /* no such merchant, application, terminal or card */
#define MERCHANT_EEXIST    (-5) /* taken: an SN bound, a TID or MID in use */
#define MERCHANT_ESTATE    (-6) /* a change the object's state does not allow */
#define MERCHANT_EVERIFY   (-7) /* a verification failed: the four elements or the code */
#define MERCHANT_ENOMEM    (-8)
#define MERCHANT_EIO       (-9)  /* a document file could not be written or read */
#define MERCHANT_ECERTIFY  (-10) /* a terminal's model and version have no device certificate */

/* The [merchant] section of the config file (docs/config.md). */
struct merchant_config {
	char acquirer_code[4]; /* the MID's first 3 digits; default "898" */
	char area[5];          /* the MID's area code, 4 digits; default "5810" */
	char documents[4096];  /* the directory of uploaded documents; default DATA/documents */
	int64_t document_max;  /* bytes of one document; default 10 MiB */
	int review_days;       /* days between periodic reviews; default 365 */
	int certificate_days;  /* validity of a merchant certificate; default 1095 */
	/* The default fee plan, in hundredths of a percent (basis points) and minor units. */
	int fee_credit_bp;     /* default 60: 0.60% */
	int fee_debit_bp;      /* default 55: 0.55% */
	int64_t fee_debit_cap; /* default 2000: CNY 20.00 */
	int fee_qr_bp;         /* default 48: 0.48% */
};

void merchant_config_defaults(struct merchant_config *cfg);

typedef struct merchant merchant;

const char *merchant_strerror(int rc);

/* The key the merchant module works with, and the name it is kept by: the D0 key of the card
 * numbers it keeps (data below), for the caller that makes it (host_datadir_key()). */
extern const struct hsm_key_spec merchant_key_specs[1];
extern const char *const merchant_key_names[1];

/* Opens the merchant module on s, h and is (the issuer that verifies settlement cards and
 * cardholders); data is a D0 key under the LMK for the card numbers it keeps. */
int merchant_open(store *s, hsm *h, issuer *is, const struct merchant_config *cfg,
                  const hsm_key *data, merchant **out);
void merchant_close(merchant *m);

/* ---- Merchants: onboarding, fee plan, limits, reviews (onboarding.c, document.c) ----
 *
 * A merchant is first an application, numbered (its id), which operators move through
 * applied → reviewing → device_testing → agreement → active, then suspended and back, or
 * closed from any state; each step is recorded with who, when and why. Activation assigns the
 * MID (acquirer code, area, MCC, a sequence: 15 digits), writes the acquirer's merchant row,
 * issues the certificate and sets the next periodic review. The representative's ID number is
 * kept encrypted under the data key and shown masked; what the audit log keeps of a merchant
 * is merchant_json(…, true, 0): no ID number and the phone masked. */

enum merchant_state {
	MERCHANT_APPLIED = 1,
	MERCHANT_REVIEWING,
	MERCHANT_DEVICE_TESTING,
	MERCHANT_AGREEMENT,
	MERCHANT_ACTIVE,
	MERCHANT_SUSPENDED,
	MERCHANT_CLOSED,
};

/* "applied", "reviewing", …; "unknown" for anything else. */
const char *merchant_state_name(int state);

/* What an operator does to an application: review (applied → reviewing), test (reviewing →
 * device_testing), agree (device_testing → agreement), activate (agreement → active),
 * suspend (active → suspended), resume (suspended → active), close (any but closed →
 * closed). */
enum merchant_step {
	MERCHANT_STEP_REVIEW,
	MERCHANT_STEP_TEST,
	MERCHANT_STEP_AGREE,
	MERCHANT_STEP_ACTIVATE,
	MERCHANT_STEP_SUSPEND,
	MERCHANT_STEP_RESUME,
	MERCHANT_STEP_CLOSE,
};

/* The step called name ("review", …): MERCHANT_OK, or MERCHANT_EARG. */
int merchant_step_parse(const char *name, enum merchant_step *out);
/* The steps state allows, as "test or close" ("none" for closed), into out (cap bytes): what
 * a refusal with MERCHANT_ESTATE tells the operator. */
void merchant_steps_allowed(int state, char *out, size_t cap);

/* Permitted transaction types, as bits; MERCHANT_TYPE_PREAUTH covers its cancellation,
 * completion and completion void. */
enum merchant_type {
	MERCHANT_TYPE_PURCHASE = 1,
	MERCHANT_TYPE_VOID = 2,
	MERCHANT_TYPE_REFUND = 4,
	MERCHANT_TYPE_PREAUTH = 8,
	MERCHANT_TYPE_BALANCE = 16,
	MERCHANT_TYPE_CARDAUTH = 32,
};
#define MERCHANT_TYPES_ALL 63u

/* The type called name ("purchase", "void", "refund", "preauth", "balance", "cardauth"):
 * MERCHANT_OK with its bit, or MERCHANT_EARG. */
int merchant_type_parse(const char *name, unsigned *bit);
/* The types of bits (MERCHANT_TYPE_*) as `merchant limits --types` names them, in the order
 * above, separated by commas ("purchase,void,refund"; "" for none), into out (cap bytes):
 * MERCHANT_OK, or MERCHANT_EARG when it does not fit. */
int merchant_types_name(unsigned bits, char *out, size_t cap);

#define MERCHANT_NAME_MAX 128 /* bytes of the legal name: the acquirer's merchant name */
#define MERCHANT_TEXT_MAX 256 /* bytes of the representative's name and the address */
#define MERCHANT_CODE_MAX 64  /* bytes of the licence and tax numbers */
#define MERCHANT_ID_MAX   32  /* bytes of the representative's ID number */
#define MERCHANT_BP_MAX   10000

/* An application: every field required, each one line of text (text_is_line); mcc 4 digits,
 * phone 5 to 20 digits with an optional leading '+'. */
struct merchant_application {
	const char *legal_name, *licence, *tax_number, *rep_name, *rep_id, *address, *mcc, *phone;
};

/* A fee plan: rates in basis points (0 to MERCHANT_BP_MAX), the debit cap in minor units of
 * CNY (0: none). */
struct merchant_fees {
	int credit_bp, debit_bp, qr_bp;
	int64_t debit_cap;
};

/* Limits in minor units of currency (0: none) and the permitted types (MERCHANT_TYPE_* bits,
 * at least one). */
struct merchant_limits {
	int64_t daily, per_txn;
	unsigned currency;
	unsigned types;
};

/* A merchant as shown: the application (its rep_id is the ciphertext — show rep_id_masked)
 * and its latest certificate (number "" before activation). */
struct merchant_info {
	struct store_merchant_app app;
	struct store_merchant_cert cert;
};

/* Records an application (state applied) with the config's default fee plan, no limits and
 * every type permitted; *id gets its number. MERCHANT_EARG names no field: the caller's checks
 * do (merchant_application_check). */
int merchant_apply(merchant *m, const struct merchant_application *a, const char *actor,
                   int64_t now, int64_t *id);
/* The first field of a at fault ("legal_name", …), or NULL when a is good. */
const char *merchant_application_check(const struct merchant_application *a);

/* The merchant ref names: a MID (15 characters) or an application's number (decimal). */
int merchant_get(merchant *m, const char *ref, struct merchant_info *out);

/* Takes application id one step, with reason (one line, 1 to MERCHANT_TEXT_MAX bytes).
 * The test step (device testing) gives it its MID: mid when not NULL (15 letters and digits),
 * else the next free MID of its acquirer code, area and MCC; its terminals may be registered
 * from then on, and serve once activation made it active. Activation gives the MID to a
 * merchant that has none (one past the test step before the MID came with it); for one that
 * has, mid is NULL or that MID (else MERCHANT_EARG). mid must be NULL for the other steps.
 * MERCHANT_ESTATE when
 * its state does not allow the step (merchant_steps_allowed says which do), MERCHANT_EEXIST
 * when the MID is taken (or no sequence number is left). out (may be NULL) gets the result. */
int merchant_step(merchant *m, int64_t id, enum merchant_step step, const char *reason,
                  const char *mid, const char *actor, int64_t now, struct merchant_info *out);

/* What a step may take besides its reason (merchant_step_with()). The agree step asks, for
 * each terminal of the merchant's MID registered with a model and not retired, a device
 * certificate in force (docs/certify.md "Certificates") for that model and the version the
 * terminal reported — any version of the model for one that has reported none; terminals
 * without a model are not asked about. */
#define MERCHANT_WHY_MAX 256
struct merchant_step_args {
	const char *mid; /* test, activate: the MID to give (as merchant_step's mid) */
	/* agree: go on without the certificates, for this reason (one line, 1 to
	 * MERCHANT_TEXT_MAX bytes), audited "merchant.certification_override" with the terminals
	 * it let through; NULL: none. */
	const char *override_certification;
	bool whole_road; /* `merchant add`'s every step at once: no certificate asked */
	/* Out: why MERCHANT_ECERTIFY refused ("terminal 12345678 (model PX-7, version 321702)
	 * has no device certificate in force"). */
	char why[MERCHANT_WHY_MAX];
};

/* merchant_step() with args (may be NULL: none); MERCHANT_ECERTIFY (args->why says which
 * terminal) when agree finds a terminal whose model and version are not certified. */
int merchant_step_with(merchant *m, int64_t id, enum merchant_step step, const char *reason,
                       const char *actor, int64_t now, struct merchant_step_args *args,
                       struct merchant_info *out);

/* Sets the fee plan, or the limits, of application id (not closed: MERCHANT_ESTATE). */
int merchant_fees_set(merchant *m, int64_t id, const struct merchant_fees *f, const char *actor,
                      int64_t now);
int merchant_limits_set(merchant *m, int64_t id, const struct merchant_limits *l, const char *actor,
                        int64_t now);

/* Renames application id (not closed: MERCHANT_ESTATE) to name (one line, 1 to
 * MERCHANT_NAME_MAX bytes: else MERCHANT_EARG): its legal name and, once it has a MID, the
 * acquirer's row; its terminals' parameters marked pending (merchant_name_zh defaults to it). */
int merchant_rename(merchant *m, int64_t id, const char *name, const char *actor, int64_t now);

/* Records the periodic review of active merchant id done, with reason; its next review is
 * then review_days away. */
int merchant_reviewed(merchant *m, int64_t id, const char *reason, const char *actor, int64_t now);

/* Calls fn for each merchant of f, in order of number, until it returns non-zero (returned). */
int merchant_list(merchant *m, const struct store_merchant_app_filter *f,
                  int (*fn)(void *ctx, const struct merchant_info *i), void *ctx);
/* The active merchants whose periodic review is due at now, as merchant_list(). */
int merchant_review_due(merchant *m, int64_t now,
                        int (*fn)(void *ctx, const struct merchant_info *i), void *ctx);
/* Calls fn for each step of application id's history, oldest first (the first: its
 * application). */
int merchant_history(merchant *m, int64_t id,
                     int (*fn)(void *ctx, const struct store_merchant_step *h), void *ctx);

/* A merchant as JSON, new reference (NULL: out of memory): for people and programs with
 * audit false, for the audit log's before and after with audit true (the phone masked); its
 * times RFC 3339 in the local time utc_offset minutes east of UTC (the audit log's: 0, UTC). */
json_t *merchant_json(const struct merchant_info *i, bool audit, int utc_offset);
/* Merchant i as merchant_json(i, false, utc_offset) with its "history" (steps: from, to,
 * actor, reason, at) and "documents" (merchant_doc_json each): what `merchant show --json`
 * and GET /merchants/{ref} print. *out is a new reference the caller owns. */
int merchant_full_json(merchant *m, const struct merchant_info *i, int utc_offset, json_t **out);
/* Application id's documents as a JSON array of merchant_doc_json, new reference in *out. */
int merchant_docs_json(merchant *m, int64_t id, int utc_offset, json_t **out);

/* Documents: a file of type ("licence", "tax", "id_front", "id_back", "agreement", "other")
 * called name (kept as merchant_document_name gives it, no bidi control), of 1 to
 * document_max bytes of PDF, JPEG or PNG (known by its first and last bytes), written to the
 * documents directory as its SHA-256 (mode 0600) and listed with the application (not closed).
 * MERCHANT_EARG for a bad type, name, size or content; MERCHANT_EEXIST when the application has
 * that file already. */
int merchant_document_add(merchant *m, int64_t id, const char *type, const char *name,
                          const uint8_t *data, size_t len, const char *actor, int64_t now,
                          struct store_merchant_doc *out);
/* Whether type is one of the document types above. */
bool merchant_document_type(const char *type);

/* The name a document is kept and shown by (document.c): name's base name, without control
 * characters or leading dots, at most MERCHANT_DOC_NAME_MAX bytes; false for none left. */
#define MERCHANT_DOC_NAME_MAX 100
bool merchant_document_name(const char *name, char out[MERCHANT_DOC_NAME_MAX + 1]);
int merchant_documents(merchant *m, int64_t id,
                       int (*fn)(void *ctx, const struct store_merchant_doc *d), void *ctx);
/* Document d as {"id","type","name","content_type","size","sha256","at"}, new reference
 * (NULL: out of memory), at in the local time utc_offset minutes east of UTC. */
json_t *merchant_doc_json(const struct store_merchant_doc *d, int utc_offset);

/* ---- Terminals: one terminal, one code (terminal.c) ----
 *
 * A terminal is registered by its hardware SN (bound to one terminal at a time: a second
 * registration of an SN whose terminal is not retired is MERCHANT_EEXIST) to one active
 * merchant and one registered place, gets its TID and a new TMK, and moves through
 * registered → active ⇄ suspended, and to retired from any state (its SN is then free). The
 * TMK leaves once per key (merchant_terminal_tmk(), or with the registration): as components
 * with check values, or as a TR-31 key block under a key-exchange key (KEK) given as
 * components. Rebinding to another merchant or place re-keys the terminal: a new TMK, its
 * working keys dropped, so that it must be keyed and sign in again. Audit actions
 * "terminal.register", "terminal.activate", "terminal.suspend", "terminal.resume",
 * "terminal.retire", "terminal.rebind", "terminal.tmk", "terminal.model", on "terminal:TID"; states
 * show the binding, the place, the state and the TMK's check value, never a key. */

#define MERCHANT_TID_LEN     8
#define MERCHANT_MODEL_MAX   32 /* bytes of a terminal's model */
#define MERCHANT_SN_MAX      50
#define MERCHANT_ADDRESS_MAX 256 /* bytes of a terminal's address */
#define MERCHANT_MICRODEG    1000000

enum merchant_terminal_state {
	MERCHANT_TERMINAL_REGISTERED,
	MERCHANT_TERMINAL_ACTIVE,
	MERCHANT_TERMINAL_SUSPENDED,
	MERCHANT_TERMINAL_RETIRED,
};

/* "registered", "active", "suspended", "retired"; NULL for another value. */
const char *merchant_terminal_state_name(enum merchant_terminal_state s);
/* The state called name; MERCHANT_EARG when none is. */
int merchant_terminal_state_find(const char *name, enum merchant_terminal_state *out);

/* A registered place: an address (1 to MERCHANT_ADDRESS_MAX bytes, one line) and its
 * coordinates in micro-degrees (no floating point): lat ±90°, lon ±180°. An empty address is
 * "no place given", which only the pre-issue-6 `possum admin terminal add` leaves. */
struct merchant_place {
	char address[MERCHANT_ADDRESS_MAX + 1];
	int64_t lat, lon;
};

/* A terminal as an operator sees it: no key. */
struct merchant_terminal {
	char tid[MERCHANT_TID_LEN + 1], mid[16], sn[MERCHANT_SN_MAX + 1];
	enum merchant_terminal_state state;
	struct merchant_place place;
	char version[17]; /* the application version it last reported (59.A2.05); "" none */
	char model[MERCHANT_MODEL_MAX + 1]; /* its model (docs/tms.md); "" none */
	int batch;                          /* its open batch */
	bool signed_in;
	bool tmk_issued;                   /* its present TMK has been handed out */
	char tmk_kcv[2 * HSM_KCV_MAX + 1]; /* its present TMK's check value, hex */
	int64_t last_signin, last_seen, next_review, created_at; /* 0: never, none */
	/* The location it last reported (59.A2.06) in micro-degrees and when (0: never), and its
	 * distance in metres from its registered place (-1: no place, or no location). */
	int64_t reported_lat, reported_lon, reported_at, reported_distance_m;
};

/* How a TMK leaves: parts (2 or 3) components, or — kek not NULL — one TR-31 key block
 * under the TDES KEK formed from kek_parts (2 or 3) components, each checked by its KCV. */
struct merchant_tmk_form {
	size_t parts;
	const struct hsm_component *kek;
	size_t kek_parts;
};

/* A TMK handed out, which the caller shows once and wipes (crypto_wipe). */
struct merchant_tmk {
	struct hsm_component parts[HSM_PARTS_MAX];
	size_t n_parts;              /* 0 when it left as a key block */
	char block[HSM_KEY_MAX + 1]; /* the TR-31 block under the KEK; "" for components */
	hsm_kcv kcv;                 /* the TMK's */
};

/* What a registration asks for. */
struct merchant_terminal_new {
	const char *mid; /* a merchant active, or in device testing or agreement */
	const char *sn;  /* 1 to MERCHANT_SN_MAX printable characters, no space */
	const char *tid; /* 8 letters and digits; NULL: the next free one, 8 digits */
	struct merchant_place place;
	bool activate;     /* register and activate in one go: its merchant active */
	const char *model; /* its model (merchant_model_ok); NULL or "": none */
};

/* Registers t: its TID to tid; with form not NULL its TMK handed out in tmk at once (else
 * later, by merchant_terminal_tmk()). One transaction: a refusal leaves nothing.
 * MERCHANT_ENOTFOUND no such merchant, MERCHANT_ESTATE a merchant suspended or closed, or with
 * activate one not yet active (in device testing or agreement), MERCHANT_EEXIST
 * the TID taken or the SN bound, MERCHANT_EVERIFY a KEK component's check value wrong. */
int merchant_terminal_register(merchant *m, const char *actor,
                               const struct merchant_terminal_new *t,
                               const struct merchant_tmk_form *form, int64_t now,
                               char tid[MERCHANT_TID_LEN + 1], struct merchant_tmk *tmk);

/* Moves terminal tid to state `to`: registered → active (its merchant active, its next review
 * set), active → suspended, suspended → active, any → retired; else MERCHANT_ESTATE. reason
 * (may be NULL) goes to the audit entry. */
int merchant_terminal_set_state(merchant *m, const char *actor, const char *tid,
                                enum merchant_terminal_state to, const char *reason, int64_t now);

/* Rebinds terminal tid (not retired) to merchant mid (NULL: its own; active, or for a terminal
 * registered and not yet in service one in device testing or agreement) and/or place
 * (NULL: its own) — at least one of them different (else MERCHANT_EARG) — and re-keys it: a
 * new TMK (handed out in tmk when form is not NULL), its working keys gone, signed out, and
 * its next batch opened. */
int merchant_terminal_rebind(merchant *m, const char *actor, const char *tid, const char *mid,
                             const struct merchant_place *place, const char *reason,
                             const struct merchant_tmk_form *form, int64_t now,
                             struct merchant_tmk *tmk);

/* Hands out terminal tid's present TMK, once: MERCHANT_ESTATE when it has been already (a
 * rebinding makes a new one), or the terminal is retired. */
int merchant_terminal_tmk(merchant *m, const char *actor, const char *tid,
                          const struct merchant_tmk_form *form, int64_t now,
                          struct merchant_tmk *tmk);

int merchant_terminal_get(merchant *m, const char *tid, struct merchant_terminal *out);

/* Whether model is a terminal model's name: 1 to MERCHANT_MODEL_MAX of [A-Za-z0-9._-]. */
bool merchant_model_ok(const char *model);
/* Sets terminal tid's model (merchant_model_ok; else MERCHANT_EARG), audited as
 * "terminal.model": the TMS's parameters of that model apply to it from then on. */
int merchant_terminal_model(merchant *m, const char *actor, const char *tid, const char *model,
                            int64_t now);

/* Calls fn for each terminal, in TID order: of merchant mid (NULL: all), after TID after
 * (NULL: from the first), at most limit (0: all); stops when fn returns non-zero, which is
 * returned. */
int merchant_terminal_list(merchant *m, const char *mid, const char *after, size_t limit,
                           int (*fn)(void *ctx, const struct merchant_terminal *t), void *ctx);

/* Records the periodic review of active terminal tid done (reason: what was checked, 1 to 200
 * bytes): its next review review_days from now. MERCHANT_ESTATE for a terminal not active. */
int merchant_terminal_reviewed(merchant *m, const char *actor, const char *tid, const char *reason,
                               int64_t now);

/* Active terminals whose periodic review is due by now, in TID order (as above). */
int merchant_terminal_review_due(merchant *m, int64_t now,
                                 int (*fn)(void *ctx, const struct merchant_terminal *t),
                                 void *ctx);

/* A terminal's status report. */
struct merchant_terminal_status {
	struct merchant_terminal t;
	bool online;       /* seen within the window asked for */
	int64_t last_seen; /* its last request of any kind; 0 never */
	struct {
		int64_t at; /* 0: none */
		char type[20], rc[3], rrn[13];
		int64_t amount;
		int currency;
	} last_txn;
	int reversals_batch; /* reversals it sent in its open batch */
	int reversals;       /* reversals it ever sent */
	int risk_events;     /* risk events raised about it */
};

/* Terminal tid's status at now; online means seen within online_s seconds. */
int merchant_terminal_status(merchant *m, const char *tid, int64_t now, int64_t online_s,
                             struct merchant_terminal_status *out);

/* Terminal tid's static QR code (docs/qr.md "The terminal's static code"): its EMVCo
 * merchant-presented payload (qr/qr.h) into out (capacity cap; QR_PAYLOAD_MAX is enough),
 * naming guid ([qr] guid) and the terminal's MID in template 26, its merchant's MCC, currency
 * 156, country CN, its merchant's name, city ([qr] city) and the TID in template 62. A name
 * in printable ASCII is "59" (its first 25 characters); any other is the name in Chinese,
 * "64.01" (its first 25 characters), with "MERCHANT " and the MID in "59": no transliteration.
 * MERCHANT_ENOTFOUND for no such terminal, MERCHANT_ESTATE for a retired one, MERCHANT_EARG
 * for a guid or city the payload does not take, or out too small. */
int merchant_terminal_qr(merchant *m, const char *tid, const char *guid, const char *city,
                         char *out, size_t cap);

/* ---- Settlement cards (settlecard.c) ---- */

#define MERCHANT_REASON_MAX 32

/* The four elements of a card authentication: the card number and what its holder gave. */
struct merchant_card_elements {
	const char *pan, *holder, *id_number, *phone;
};

/* Step 1 of binding (or changing) merchant mid's settlement card: a debit card of the issuer
 * (else MERCHANT_EARG, reason "not_a_debit_card"), whose four elements the issuer checks
 * before it sends a one-time code to the reserved phone. MERCHANT_OK: the code is sent and
 * the binding waits for it (replacing one that waited); MERCHANT_EVERIFY with the issuer's
 * reason ("elements_differ", "cardauth_daily_limit", "card_unknown", …): refused, nothing
 * kept. MERCHANT_ENOTFOUND: no such merchant; MERCHANT_ESTATE: a closed one. */
int merchant_settlecard_start(merchant *m, const char *actor, const char *mid,
                              const struct merchant_card_elements *e, int64_t now,
                              char reason[MERCHANT_REASON_MAX]);

/* Step 2: the code. MERCHANT_OK: the card is bound, in effect at once when the merchant had
 * none, else from the next settlement day (00:00 UTC after now; the old card is paid until
 * then), and the audit entry ("settlement_card.bind") holds the old and the new card, masked.
 * MERCHANT_EVERIFY with the issuer's reason ("code_wrong", "code_expired",
 * "no_code_pending"): not bound; a code that can no longer be confirmed ends the binding.
 * MERCHANT_ENOTFOUND: no binding waits for a code. */
int merchant_settlecard_confirm(merchant *m, const char *actor, const char *mid, const char *otp,
                                int64_t now, char reason[MERCHANT_REASON_MAX]);

struct merchant_settlecard {
	char masked[20];
	int64_t card_id; /* the issuer's */
	char actor[64];  /* who bound it (who started it, for one pending) */
	int64_t started_at, verified_at, effective_from;
};

/* Merchant mid's settlement cards at now: the one in effect, the one to take effect later,
 * and a binding waiting for its code (each only when its has_ flag is set). */
struct merchant_settlecard_view {
	bool has_current, has_next, has_pending;
	struct merchant_settlecard current, next, pending;
};
int merchant_settlecard_get(merchant *m, const char *mid, int64_t now,
                            struct merchant_settlecard_view *out);

/* Whether merchant mid may be paid at now (for the settlement: a payout that may not go
 * waits): *ready when the merchant is active with a settlement card in effect that the issuer
 * still has active; else not, and reason says why: "merchant_not_active",
 * "no_settlement_card" or "card_not_active". */
int merchant_payout_ready(merchant *m, const char *mid, int64_t now, bool *ready,
                          char reason[MERCHANT_REASON_MAX]);

/* ---- Cardholders: card authentication and the issuer's card services, audited
 * (cardholder.c) ----
 *
 * What the API and the admin command change on the issuer's cards, each change committed with
 * its audit entry (object "card:ID"). Issuer codes are mapped: ISSUER_ENOTFOUND to
 * MERCHANT_ENOTFOUND, ISSUER_ESTATE (a replaced card) to MERCHANT_ESTATE, ISSUER_EARG to
 * MERCHANT_EARG. */

/* Card authentication (docs/architecture.md flow 5) by the cardholder, outside the POS: the
 * issuer's two steps with their limits (issuer_cardauth_start(), issuer_cardauth_confirm()).
 * MERCHANT_OK: the code sent / the card authenticated; MERCHANT_EVERIFY with the issuer's reason.
 */
int merchant_cardauth_start(merchant *m, const char *actor, const struct merchant_card_elements *e,
                            int64_t now, char reason[MERCHANT_REASON_MAX]);
int merchant_cardauth_confirm(merchant *m, const char *actor, const char *pan, const char *otp,
                              int64_t now, char reason[MERCHANT_REASON_MAX]);

/* A card's status (a loss report: ISSUER_CARD_LOST; stolen, blocked, active again), its
 * replacement (out: the new card's image, which the caller wipes), its reserved phone, and a
 * risk revocation of its authentication, why in the audit entry. */
int merchant_card_set_status(merchant *m, const char *actor, int64_t card_id,
                             enum issuer_card_status status, int64_t now);
int merchant_card_replace(merchant *m, const char *actor, int64_t card_id, const char *pin,
                          const char *expiry, int64_t now, struct issuer_card_image *out);
int merchant_card_set_phone(merchant *m, const char *actor, int64_t card_id, const char *phone,
                            int64_t now);
int merchant_card_revoke_auth(merchant *m, const char *actor, int64_t card_id, const char *why,
                              int64_t now);

#endif
