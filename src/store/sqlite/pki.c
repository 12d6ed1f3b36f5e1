/* pki.c — the SQLite backend of store_pki.h: the CA's row and its certificates (migration
 * pki.1.sql). */
#include "store/sqlite/internal.h"

#include "store/store_pki.h"

typedef struct store_pki_ca ca;
typedef struct store_pki_cert cert;

#define CA_COLUMNS   "name, cert, key, crl_number, created_at"
#define CERT_COLUMNS "serial, kind, subject, not_before, not_after, revoked_at, reason, issued_at"

static const struct store_col ca_cols[] = {STORE_COL(ca, name), STORE_COL(ca, cert),
                                           STORE_COL_BYTES(ca, key, key_len),
                                           STORE_COLS(ca, crl_number, created_at)};
static const struct store_row ca_row = STORE_ROW(ca, ca_cols);
static const struct store_col cert_cols[] = {
    STORE_COLS(cert, serial, kind, subject, not_before, not_after, revoked_at, reason, issued_at)};
static const struct store_row cert_row = STORE_ROW(cert, cert_cols);
static const struct store_row cert_args = STORE_ROW_N(cert_cols, 8);
static const struct store_col revoke_cols[] = {STORE_COLS(cert, revoked_at, reason, serial)};
static const struct store_row revoke_args = STORE_ROW_N(revoke_cols, 3);

int store_pki_ca_insert(store *s, const struct store_pki_ca *c)
{
	static const struct store_row args = STORE_ROW_N(ca_cols, 5);
	static const struct store_query q = STORE_Q(
	    "INSERT INTO pki_ca (id, " CA_COLUMNS ") VALUES (1, ?, ?, ?, ?, ?)", &args, NULL);

	return store_q_run(s, &q, c, NULL);
}

int store_pki_ca_get(store *s, struct store_pki_ca *out)
{
	static const struct store_query q =
	    STORE_Q("SELECT " CA_COLUMNS " FROM pki_ca WHERE id = 1", NULL, &ca_row);

	return store_q_get(s, &q, NULL, out);
}

int store_pki_crl_next(store *s, int64_t *number)
{
	static const struct store_query q = STORE_Q_RET(
	    "UPDATE pki_ca SET crl_number = crl_number + 1 WHERE id = 1 RETURNING crl_number AS n",
	    NULL, &store_row_n);

	return store_q_n_id(s, &q, 0, number);
}

STORE_FN_PUT(store_pki_cert_insert, cert,
             "INSERT INTO pki_certs (" CERT_COLUMNS ") VALUES (?, ?, ?, ?, ?, ?, ?, ?)", cert_args)
STORE_FN_GET(store_pki_cert_get, const char *, cert,
             "SELECT " CERT_COLUMNS " FROM pki_certs WHERE serial = ?", store_args_text, cert_row)
STORE_FN_UPDATE(store_pki_cert_revoke, cert,
                "UPDATE pki_certs SET revoked_at = ?, reason = ? WHERE serial = ? AND "
                "revoked_at = 0",
                revoke_args)
STORE_FN_EACH(store_pki_cert_list, cert,
              "SELECT " CERT_COLUMNS " FROM pki_certs ORDER BY issued_at, serial", cert_row)
STORE_FN_EACH(store_pki_cert_revoked, cert,
              "SELECT " CERT_COLUMNS " FROM pki_certs WHERE revoked_at <> 0 ORDER BY serial",
              cert_row)

int store_pki_terminal_known(store *s, const char *sn)
{
	static const struct store_query q =
	    STORE_Q("SELECT count(*) AS n FROM terminals WHERE sn = ? AND status <> 3",
	            &store_args_text, &store_row_n);
	int64_t n = 0;
	int rc = store_q_n(s, &q, sn, &n);

	return rc != STORE_OK ? rc : n > 0 ? STORE_OK : STORE_ENOTFOUND;
}
