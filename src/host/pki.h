/* pki.h — the small CA in the data directory (docs/pki.md): `possum admin pki` over
 * crypto/pki.h and store_pki.h. The CA's certificate is DATA/pki/ca.crt and its CRL
 * DATA/pki/crl.pem; its private key is kept only in the store, sealed under the HSM data key
 * pki.ca. Each change is committed with its audit entry ("pki.init" on object "pki:ca",
 * "pki.issue" and "pki.revoke" on "cert:SERIAL") as actor.
 *
 * Functions print their own errors as "PROG: message" (host_say()) and return HOST_OK or
 * HOST_EFAILED (no CA, a CA already, an unknown terminal or serial, a file that cannot be
 * written, the store or the HSM failed). */
#ifndef POSSUM_HOST_PKI_H
#define POSSUM_HOST_PKI_H

#include <stdint.h>

#include "crypto/pki.h"
#include "host/env.h"
#include "store/store_pki.h"

#define HOST_PKI_CRL_DAYS 30 /* a CRL's nextUpdate: this many days after it is made */

/* Makes the CA named name, valid days days (an open env: HOST_NEED_DATA): its certificate and
 * an empty CRL written into DATA/pki; *out its certificate's row (serial, validity). */
int host_pki_init(struct host_env *env, const char *actor, const char *name, int days, int64_t now,
                  struct store_pki_cert *out);

/* Issues leaf (a terminal's SN must be a terminal's that is not retired) and writes
 * PREFIX.crt and PREFIX.key (mode 0600), neither of which may exist; *out its row. */
int host_pki_issue(struct host_env *env, const char *actor, const struct pki_leaf *leaf,
                   const char *prefix, struct store_pki_cert *out);

/* Revokes the certificate of serial (32 hex digits, either case) for reason and writes the
 * new CRL; *out its row. */
int host_pki_revoke(struct host_env *env, const char *actor, const char *serial, int reason,
                    int64_t now, struct store_pki_cert *out);

/* A certificate's row as the commands and the audit log show it: {"serial","kind","subject",
 * "not_before","not_after","state" (valid, expired or revoked at now),"revoked_at","reason"},
 * times local under utc_offset; new reference, NULL when out of memory. */
json_t *host_pki_cert_json(const struct store_pki_cert *c, int64_t now, int utc_offset);
/* "valid", "expired" or "revoked", at now. */
const char *host_pki_state(const struct store_pki_cert *c, int64_t now);

#endif
