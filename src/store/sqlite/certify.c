/* certify.c — the shared query layer of store_certify.h: the device certificates `possum
 * certify` records (migration certify.1), one text for both engines. */
#include "store/sqlite/internal.h"

#include "store/store_certify.h"

typedef struct store_certify_cert cert;
typedef struct store_certify_filter filter;

#define CERT_COLUMNS                                                                               \
	"id, model, version, suite, passed_cases, issued_at, issued_by, report_sha256, "           \
	"revoked_at, revoked_by, revoke_reason"

static const struct store_col cert_cols[] = {
    STORE_COLS(cert, id, model, version, suite, passed_cases, issued_at, issued_by, report_sha256,
               revoked_at, revoked_by, revoke_reason)};
static const struct store_row cert_row = STORE_ROW(cert, cert_cols);
static const struct store_row cert_args = STORE_ROW_N(cert_cols, 11);
static const struct store_col revoke_cols[] = {
    STORE_COLS(cert, revoked_at, revoked_by, revoke_reason, id)};
static const struct store_row revoke_args = STORE_ROW_N(revoke_cols, 4);
static const struct store_col filter_cols[] = {STORE_COLS(filter, model, all)};
static const struct store_row filter_args = STORE_ROW_N(filter_cols, 2);

/* The arguments of store_certify_in_force(): a model and a version ("" any). */
struct in_force {
	const char *model, *version;
};
static const struct store_col in_force_cols[] = {STORE_COLS(struct in_force, model, version)};
static const struct store_row in_force_args = STORE_ROW_N(in_force_cols, 2);

STORE_FN_PUT(store_certify_add, cert,
             "INSERT INTO certify_certificates (" CERT_COLUMNS
             ") VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
             cert_args)
STORE_FN_GET(store_certify_get, const char *, cert,
             "SELECT " CERT_COLUMNS " FROM certify_certificates WHERE id = ?", store_args_text,
             cert_row)
STORE_FN_EACH_FILTER(store_certify_list, filter, cert,
                     "SELECT " CERT_COLUMNS " FROM certify_certificates WHERE (?1 = '' OR "
                     "model = ?1) AND (?2 = 1 OR revoked_at = 0) ORDER BY issued_at DESC, id",
                     filter_args, cert_row)
STORE_FN_UPDATE(store_certify_revoke, cert,
                "UPDATE certify_certificates SET revoked_at = ?, revoked_by = ?, revoke_reason = ? "
                "WHERE id = ? AND revoked_at = 0",
                revoke_args)

int store_certify_in_force(store *s, const char *model, const char *version, cert *out)
{
	static const struct store_query q = STORE_Q(
	    "SELECT " CERT_COLUMNS " FROM certify_certificates WHERE model = ?1 AND "
	    "(?2 = '' OR version = ?2) AND revoked_at = 0 ORDER BY issued_at DESC, id LIMIT 1",
	    &in_force_args, &cert_row);
	struct in_force args = {model, version};

	if (model == NULL || model[0] == '\0')
		return STORE_EARG;
	return store_q_get(s, &q, &args, out);
}
