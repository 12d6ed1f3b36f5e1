/* internal.h — what the SQLite backend's files share: the shared query layer (store/query.h:
 * the store, rows and queries, engines, migrations), and SQLite's own: the cache of prepared
 * statements and the mapping of SQLite's result codes (exec.c), a query's statement for a
 * caller reading it by hand (row.c), and SQLite's migrations of each module (schema.c).
 *
 * The order of the files, each using only those before it: exec.c, row.c, txn.c, schema.c,
 * open.c; the files of the modules (acquirer.c, issuer.c, …) use exec.c, row.c and txn.c. */
#ifndef POSSUM_STORE_SQLITE_INTERNAL_H
#define POSSUM_STORE_SQLITE_INTERNAL_H

#include <stddef.h>
#include <stdint.h>

#include <sqlite3.h>

#include "store/query.h"
#include "store/store.h"

/* The card product of an acq_txns row, by name: "debit", "credit", "prepaid", or '' when its
 * decision found no card of the issuer (the statements' and the takings' column). */
#define STORE_ACQ_PRODUCT_SQL                                                                      \
	"CASE (SELECT c.product FROM decisions AS d JOIN cards AS c ON "                           \
	"c.id = d.card_id WHERE d.id = acq_txns.decision_id) WHEN 1 THEN 'debit' "                 \
	"WHEN 2 THEN 'credit' WHEN 3 THEN 'prepaid' ELSE '' END"

/* ---- exec.c: statements ---- */

/* The cached statement for sql, which must be a string constant (its address is the key),
 * reset and with no bindings; *fresh (may be NULL) is true when it was prepared just now. The
 * caller resets it when done, so that it holds no read lock. */
int store_stmt(store *s, const char *sql, sqlite3_stmt **out, bool *fresh);

/* Finalizes every cached statement (store_close). */
void store_stmt_free(store *s);

/* Maps a failed SQLite result code to a STORE_* code and records SQLite's message. */
int store_fail(store *s, int sqlite_rc);

/* Steps st to its end (a statement returning no row or rows nobody reads), resets it; STORE_OK
 * or the failure. */
int store_run(store *s, sqlite3_stmt *st);

/* Steps st for its next row: STORE_OK (the row there), STORE_ENOTFOUND at the end (st reset),
 * or the failure (st reset). */
int store_row(store *s, sqlite3_stmt *st);

/* ---- row.c ---- */

/* q's cached statement with args bound (q->args' struct, or NULL when q has none): SQLite's
 * alone (a caller reading its columns itself). */
int store_q_prepare(store *s, const struct store_query *q, const void *args, sqlite3_stmt **out);

/* ---- schema.c: SQLite's migrations ---- */

extern const struct store_module store_module_meta;
extern const struct store_module store_module_ledger;
extern const struct store_module store_module_issuer;
extern const struct store_module store_module_term;
extern const struct store_module store_module_notify;
extern const struct store_module store_module_acquirer;
extern const struct store_module store_module_risk;
extern const struct store_module store_module_audit;
extern const struct store_module store_module_http;
extern const struct store_module store_module_merchant;
extern const struct store_module store_module_settlecard;
extern const struct store_module store_module_settle;
extern const struct store_module store_module_user;
extern const struct store_module store_module_pki;
extern const struct store_module store_module_tms;
extern const struct store_module store_module_certify;

/* Brings every module's schema up to date. */
int store_migrate(store *s);

#endif
