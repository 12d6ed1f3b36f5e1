/* risk_admin.h — the analyst's tools over the risk engine (docs/risk.md "Lists", "Cases"):
 * the blocked and watched lists changed (cards by the acquirer's keyed hash of their PAN, shown
 * masked: never the clear PAN kept), the cases closed with a verdict — a fraud's card blocked and
 * its authentication revoked in the same step — and the JSON shapes the API and `possum admin
 * risk` print of an entry, a case and a request's risk evaluation.
 *
 * Every change is written with its audit entry in one store transaction (actor as audit.h
 * says). Errors: ACQUIRER_OK or an ACQUIRER_E* code, and ACQUIRER_RISK_ECLOSED below. */
#ifndef POSSUM_ACQUIRER_RISK_ADMIN_H
#define POSSUM_ACQUIRER_RISK_ADMIN_H

#include <stdbool.h>
#include <stdint.h>

#include <jansson.h>

#include "acquirer/acquirer.h"
#include "risk/risk.h"
#include "store/store_risk.h"

#define ACQUIRER_RISK_ECLOSED (-20) /* the case is closed already */

/* A list's object into its key: kind "card" with value a PAN (12 to 19 digits, a right check
 * digit: else ACQUIRER_EARG) keyed by its hash, masked 6/4; "terminal" a TID (8 characters),
 * "merchant" a MID (15): the key and masked are the value. e's kind, key and masked set. */
int acquirer_risk_object(acquirer *a, const char *kind, const char *value,
                         struct store_risk_entry *e);

/* e (its kind, key, masked set by acquirer_risk_object(); list "blocked" or "watched", reason
 * one line or empty) put on its list at now, audited "risk.list.add". */
int acquirer_risk_list_add(acquirer *a, const char *actor, struct store_risk_entry *e, int64_t now);
/* kind's key taken off list, audited "risk.list.remove"; *out (may be NULL) what was there.
 * ACQUIRER_ENOTFOUND when it was not on it. */
int acquirer_risk_list_remove(acquirer *a, const char *actor, const char *kind, const char *key,
                              const char *list, int64_t now, struct store_risk_entry *out);

/* Closes case id with verdict ("fraud" or "legitimate") and reason (one line, not empty),
 * audited "risk.case.close"; with block (fraud only, else ACQUIRER_EARG) its card put on the
 * blocked list ("risk.list.add") and the card's authentication at the local issuer revoked
 * ("card.revoke_auth"), all in one transaction. ACQUIRER_ENOTFOUND: no such case;
 * ACQUIRER_RISK_ECLOSED: closed already. *out (may be NULL): the case as closed. */
int acquirer_risk_case_close(acquirer *a, const char *actor, int64_t id, const char *verdict,
                             const char *reason, bool block, int64_t now,
                             struct store_risk_case *out);

/* {"kind","list","key","card"|"tid"|"mid","reason","at"}: the card masked. */
json_t *acquirer_risk_entry_json(const struct store_risk_entry *e, int utc_offset);
/* A case as a list shows it: {"id","status","opened_at","rrn","tid","mid","card","rules":[…],
 * "verdict","reason","closed_by","closed_at"}. */
json_t *acquirer_risk_case_json(const struct store_risk_case *c, int utc_offset);
/* The case whole: the list's shape with "transactions" (each as acquirer_txn_json()) and
 * "hits" (each rule that fired: {"rule","action","rc","numbers":{NAME:VALUE}}). NULL when the
 * store fails or memory is out. */
json_t *acquirer_risk_case_full_json(store *s, const struct store_risk_case *c, int utc_offset);
/* Request txn_id's risk evaluation: {"action","rc","by","rules":[{"rule","action","rc",
 * "numbers":{…}}],"case":ID|null}, the strongest action the one reported; JSON null when no
 * rule fired on it. NULL when the store fails or memory is out. */
json_t *acquirer_txn_risk_json(store *s, int64_t txn_id);

/* ---- Replay (risk_replay.c) ---- */

/* One recorded transaction as the replay's rules judge it: the rules that fired (result), the
 * context they read (ctx), whether a case would have been opened (a rule asked for review and
 * none decided the request) and whether the rules would have decided it (declined: its RC in
 * result.rc). */
struct acquirer_replay_event {
	const struct store_acq_txn *t;
	const struct risk_ctx *ctx;
	struct risk_result result;
	bool opens_case, declined;
};
/* Called for each event, in time order; non-zero stops the replay (ACQUIRER_ENOMEM). */
typedef int (*acquirer_replay_fn)(void *ctx, const struct acquirer_replay_event *ev);

/* Runs the terminals' payments and refunds recorded at [from, to) through rules, each over
 * the context rebuilt from the rows before it (the day before from included), the lists as
 * they are now; writes nothing to a's store (docs/risk.md "Replay"). ACQUIRER_OK, EARG,
 * ESTORE, ENOMEM. */
int acquirer_risk_replay(acquirer *a, const risk_rules *rules, int64_t from, int64_t to,
                         acquirer_replay_fn fn, void *ctx);

#endif
