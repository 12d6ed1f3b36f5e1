/* settle.h (host) — what the composition root gives the settle module, for the daemon's own
 * close and payouts (close.c) and for `possum admin settle run` and `payouts` alike: the
 * close's parameters from the configuration, and the merchant module's answer to "may this
 * merchant be paid, and to which card". */
#ifndef POSSUM_HOST_SETTLE_H
#define POSSUM_HOST_SETTLE_H

#include <stdbool.h>
#include <stdint.h>

#include "host/config.h"
#include "merchant/merchant.h"
#include "settle/settle_close.h"
#include "settle/settle_payout.h"

/* The close's parameters from cfg ([settle], [host] utc_offset, the BIN ranges, the
 * [merchant] fee plan), at now; p points into cfg, which must outlive it. */
void host_settle_params(const struct host_config *cfg, int64_t now, struct settle_close_params *p);

/* p->issuer_account: the local issuer's settlement account on s (cfg's issuer currency), or 0
 * when no issuer was ever opened on s. SETTLE_OK or SETTLE_ESTORE. */
int host_settle_issuer(store *s, const struct host_config *cfg, struct settle_close_params *p);

/* The owner of a close's lease for this process: "KIND:HOSTNAME:PID:START" into out
 * (store_lease_holder()). */
void host_settle_owner(const char *kind, char out[64]);

/* A settle_payout_params.payee for the merchant module ctx (a merchant *): whether mid may be
 * paid now and to which card (masked, and the issuer's card id), or why not. */
int host_settle_payee(void *ctx, const char *mid, struct settle_payee *out);

/* A settle_holder_fn for the issuer ctx (an issuer *; NULL: no names, ""). */
int host_settle_holder(void *ctx, int64_t card_id, char name[65]);

#endif
