/* store_certify.h — the device certificates of `possum certify` (docs/certify.md
 * "Certificates", migration certify.1): one a run in which every case of a suite passed, for a
 * terminal model and its software version, with who recorded it and the SHA-256 of the run's
 * JSON report; revoked (when, by whom, why) and kept. The onboarding's agree step asks whether
 * a model (and version) has one in force.
 *
 * Functions return STORE_OK or a STORE_E* code. */
#ifndef POSSUM_STORE_CERTIFY_H
#define POSSUM_STORE_CERTIFY_H

#include <stdbool.h>
#include <stdint.h>

#include "store/store.h"

#define STORE_CERTIFY_ID_MAX     40  /* bytes of an id ("CERT-" and 12 hex digits), with its NUL */
#define STORE_CERTIFY_NAME_MAX   33  /* bytes of a model or a version, with its NUL */
#define STORE_CERTIFY_ACTOR_MAX  64  /* STORE_AUDIT_ACTOR_MAX */
#define STORE_CERTIFY_REASON_MAX 257 /* bytes of a revocation's reason, with its NUL */

struct store_certify_cert {
	char id[STORE_CERTIFY_ID_MAX];
	char model[STORE_CERTIFY_NAME_MAX], version[STORE_CERTIFY_NAME_MAX];
	char suite[32]; /* the suite's name (CERTIFY_ID_MAX) */
	int passed_cases;
	int64_t issued_at;
	char issued_by[STORE_CERTIFY_ACTOR_MAX];
	char report_sha256[65]; /* hex, lower case */
	int64_t revoked_at;     /* 0: in force */
	char revoked_by[STORE_CERTIFY_ACTOR_MAX];
	char revoke_reason[STORE_CERTIFY_REASON_MAX];
};

/* Keeps c (revoked or not as it says); STORE_EEXIST when its id is taken. */
int store_certify_add(store *s, const struct store_certify_cert *c);
/* The certificate of id; STORE_ENOTFOUND when none. */
int store_certify_get(store *s, const char *id, struct store_certify_cert *out);

/* Which certificates store_certify_list() reads: model NULL or "" for every model; revoked
 * ones only with all. */
struct store_certify_filter {
	const char *model;
	bool all;
};
/* Calls fn for each certificate f selects, the latest issued first, until it returns non-zero
 * (returned). */
int store_certify_list(store *s, const struct store_certify_filter *f,
                       int (*fn)(void *ctx, const struct store_certify_cert *c), void *ctx);

/* Writes c's revoked_at, revoked_by and revoke_reason if the certificate of its id is in
 * force; STORE_ENOTFOUND when no certificate of its id is. */
int store_certify_revoke(store *s, const struct store_certify_cert *c);

/* The latest certificate in force for model and version (NULL or "": any version of the
 * model) into out (may be NULL); STORE_ENOTFOUND when there is none. */
int store_certify_in_force(store *s, const char *model, const char *version,
                           struct store_certify_cert *out);

#endif
