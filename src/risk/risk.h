/* risk.h — the risk rules (docs/risk.md): a rules file read once into a compiled form, and
 * the evaluation of a transaction's context against it.
 *
 * A rules file holds rules — a name, a condition (an expression over the context's named
 * values: integers, comparisons, and/or/not, + - * / %) and an action — and the MCC ceiling
 * table. risk_rules_load() parses it whole or not at all: a fault is refused as
 * "FILE:LINE: why" and nothing is loaded. risk_eval() is pure and allocates nothing: it reads
 * a struct risk_ctx (filled by the caller: the acquirer's risk stage, or a test) and says which
 * rules fired, what each read, and the winning action.
 *
 * Ownership: a risk_rules is the caller's, freed with risk_rules_free(); the names and texts
 * risk_rule_info() and a struct risk_result point to are the rules' and live as long as they
 * do. A risk_rules is never written once loaded: any number of threads may read it.
 *
 * Money is fen (int64): an amount in the file is written in yuan with two decimals
 * (`1000.00`), an integer is a plain number. Errors: RISK_OK or a negative RISK_E* code;
 * risk_strerror() names it. */
#ifndef POSSUM_RISK_H
#define POSSUM_RISK_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#define RISK_OK     0
#define RISK_EARG   (-1) /* an argument malformed */
#define RISK_EIO    (-2) /* the file cannot be read */
#define RISK_EPARSE (-3) /* the file is not a rules file: err says FILE:LINE: why */
#define RISK_ENOMEM (-4)

const char *risk_strerror(int rc);

/* The context's names, declared once: X(enum suffix, name in the rules). Counts and sums are
 * of payments (approved purchases, pre-authorizations and completions), this one included
 * when it is one; declines are declined payments before this one. docs/risk.md says each. */
#define RISK_WINDOW_VARS(X, WHO, who)                                                              \
	X(WHO##_COUNT_10M, #who "_count_10m")                                                      \
	X(WHO##_SUM_10M, #who "_sum_10m")                                                          \
	X(WHO##_COUNT_30M, #who "_count_30m")                                                      \
	X(WHO##_SUM_30M, #who "_sum_30m")                                                          \
	X(WHO##_COUNT_1H, #who "_count_1h")                                                        \
	X(WHO##_SUM_1H, #who "_sum_1h")                                                            \
	X(WHO##_COUNT_24H, #who "_count_24h")                                                      \
	X(WHO##_SUM_24H, #who "_sum_24h")                                                          \
	X(WHO##_COUNT_DAY, #who "_count_day")                                                      \
	X(WHO##_SUM_DAY, #who "_sum_day")
#define RISK_VARS(X)                                                                               \
	X(AMOUNT, "amount")                                                                        \
	X(TYPE, "type")                                                                            \
	X(PRODUCT, "product")                                                                      \
	X(CHANNEL, "channel")                                                                      \
	X(HOUR, "hour")                                                                            \
	X(MINUTE, "minute")                                                                        \
	X(MCC, "mcc")                                                                              \
	X(MCC_CEILING, "mcc_ceiling")                                                              \
	RISK_WINDOW_VARS(X, CARD, card)                                                            \
	RISK_WINDOW_VARS(X, TERMINAL, terminal)                                                    \
	RISK_WINDOW_VARS(X, MERCHANT, merchant)                                                    \
	X(CARD_LAST_GAP, "card_last_gap")                                                          \
	X(HOLDER_QR_GAP, "holder_qr_gap")                                                          \
	X(CARD_MERCHANT_COUNT_30M, "card_merchant_count_30m")                                      \
	X(CARD_MERCHANT_COUNT_DAY, "card_merchant_count_day")                                      \
	X(CARD_MERCHANT_SUM_DAY, "card_merchant_sum_day")                                          \
	X(CARD_MERCHANT_SPLIT_30M, "card_merchant_split_30m")                                      \
	X(CARD_MERCHANT_ROUND_DAY, "card_merchant_round_day")                                      \
	X(TERMINAL_CARDS_DAY, "terminal_cards_day")                                                \
	X(TERMINAL_CARD_NEW, "terminal_card_new")                                                  \
	X(CARD_DECLINES_10M, "card_declines_10m")                                                  \
	X(CARD_DECLINES_1H, "card_declines_1h")                                                    \
	X(CARD_DECLINES_DAY, "card_declines_day")                                                  \
	X(TERMINAL_DECLINES_10M, "terminal_declines_10m")                                          \
	X(TERMINAL_DECLINES_1H, "terminal_declines_1h")                                            \
	X(TERMINAL_DECLINES_DAY, "terminal_declines_day")                                          \
	X(MERCHANT_PURCHASES_DAY, "merchant_purchases_day")                                        \
	X(MERCHANT_REFUNDS_DAY, "merchant_refunds_day")                                            \
	X(LOCATION_KNOWN, "location_known")                                                        \
	X(DISTANCE, "distance")                                                                    \
	X(CARD_BLOCKED, "card_blocked")                                                            \
	X(CARD_WATCHED, "card_watched")                                                            \
	X(TERMINAL_BLOCKED, "terminal_blocked")                                                    \
	X(TERMINAL_WATCHED, "terminal_watched")                                                    \
	X(MERCHANT_BLOCKED, "merchant_blocked")                                                    \
	X(MERCHANT_WATCHED, "merchant_watched")

#define RISK_VAR_ENUM_(id, name) RISK_V_##id,
enum risk_var { RISK_VARS(RISK_VAR_ENUM_) RISK_NVARS };

/* The words that stand for values of type, product and channel. */
enum { RISK_TYPE_PURCHASE = 1, RISK_TYPE_PREAUTH, RISK_TYPE_COMPLETION, RISK_TYPE_REFUND };
enum { RISK_PRODUCT_DEBIT = 1, RISK_PRODUCT_CREDIT, RISK_PRODUCT_PREPAID };
enum {
	RISK_CHANNEL_MANUAL = 1,
	RISK_CHANNEL_SWIPE,
	RISK_CHANNEL_CHIP,
	RISK_CHANNEL_FALLBACK,
	RISK_CHANNEL_QR
};

/* holder_qr_gap when the holder made no approved QR payment at the terminal, or is not known:
 * larger than any gap a rule means (about 31 years). */
#define RISK_GAP_NONE INT64_C(999999999)

/* The name of var ("card_count_10m"); NULL when out of range. */
const char *risk_var_name(int var);

/* A transaction and its context: v[var], each 0 when unknown (docs/risk.md). mcc_ceiling is
 * not read from here: risk_eval() takes it from the rules' table by mcc. */
struct risk_ctx {
	int64_t v[RISK_NVARS];
};

/* Actions, weakest first: the strongest that fired wins. */
enum risk_action {
	RISK_ALLOW = 0,
	RISK_REVIEW,
	RISK_REQUIRE_AUTH,
	RISK_REVOKE_AUTH,
	RISK_SUSPEND_TERMINAL,
	RISK_DECLINE,
};
/* "allow", "review", …; NULL when out of range. */
const char *risk_action_name(int action);

typedef struct risk_rules risk_rules; /* opaque */

#define RISK_NAME_MAX 26 /* characters of a rule's name: "risk_" + it fits a reason */
#define RISK_HITS_MAX 32 /* rules that fire at once, at most, recorded */

/* Reads path into *out. RISK_EIO or RISK_EPARSE with err (errlen bytes) "FILE:LINE: why";
 * *out NULL then. */
int risk_rules_load(const char *path, risk_rules **out, char *err, size_t errlen);
/* The same over text (NUL-terminated), named name in its errors. */
int risk_rules_parse(const char *text, const char *name, risk_rules **out, char *err,
                     size_t errlen);
void risk_rules_free(risk_rules *r);
/* The LINE of an error "FILE:LINE: why" as risk_rules_load() writes it; 0 when none. */
int risk_error_line(const char *err);

size_t risk_rules_count(const risk_rules *r);
/* Rule i: its name, its condition as written (spaces collapsed), its action and RC ("" but
 * for decline). RISK_EARG when i is out of range. */
struct risk_rule_info {
	const char *name, *condition;
	int action;
	const char *rc;
};
int risk_rule_info(const risk_rules *r, size_t i, struct risk_rule_info *out);
/* Which values the rules still need given those known (known[var], their values in c): a rule
 * that is false whatever the unknown ones are (`type != refund and …` on a refund) needs
 * none, so that the caller fetches only what can change the outcome. Allocates nothing. */
void risk_needs(const risk_rules *r, const struct risk_ctx *c, const bool known[RISK_NVARS],
                bool needed[RISK_NVARS]);
/* Whether any rule reads var: the caller fetches only what is read. */
bool risk_rules_uses(const risk_rules *r, int var);
/* The ceiling of mcc by the file's table (its `mcc default`, else 0). */
int64_t risk_mcc_ceiling(const risk_rules *r, int64_t mcc);

/* A rule that fired. */
struct risk_hit {
	size_t rule; /* its index: risk_rule_info() */
	const char *name;
	int action;
	const char *rc; /* "" but for decline */
};

struct risk_result {
	int action;     /* the strongest, RISK_ALLOW when none fired */
	char rc[3];     /* what it answers: decline's RC, "58" suspend, "C1", "C2"; "" else */
	const char *by; /* the rule that decided it; NULL when none fired */
	size_t n_hits;  /* in file order, RISK_HITS_MAX at most */
	struct risk_hit hits[RISK_HITS_MAX];
};

/* Evaluates every rule of r (NULL: none) on c into *out. Never fails, never allocates:
 * division by zero gives 0, arithmetic wraps. */
void risk_eval(const risk_rules *r, const struct risk_ctx *c, struct risk_result *out);

/* The numbers rule h read, as "name=value name=value" (the context's values, mcc_ceiling's
 * from the table) into buf; cut to fit, always with its NUL. */
void risk_hit_numbers(const risk_rules *r, const struct risk_hit *h, const struct risk_ctx *c,
                      char *buf, size_t len);

#endif
