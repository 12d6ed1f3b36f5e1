/* download.c — a terminal's downloads over its connection (docs/tms.md "Downloads",
 * docs/cup-pos.md "Downloads"): its parameters (0820 360), the CA public keys (370) and the
 * AIDs (380) in chunks of field 62, each set confirmed once applied (361, 371, 381); what it
 * still needs (its row's tms_pending) recomputed from the versions it holds; and the answers'
 * processing-request nibble that asks for it. The sets and their forms are the tms module's. */
#include "acquirer/internal.h"

#include <stddef.h>
#include <stdio.h>
#include <string.h>

#include "rcode/rcode.h"

/* The set of a download's type: 60.3 is 36x, 37x or 38x. */
static enum tms_set set_of(const struct txn *t)
{
	return t->type->nmc[1] == '6'   ? TMS_SET_PARAMS
	       : t->type->nmc[1] == '7' ? TMS_SET_CAPK
	                                : TMS_SET_AID;
}

/* The software update's bit: a package for t's terminal whose version is not the one it runs
 * (its stored row's version may be older than the one this exchange reported: compared with
 * the reported one). */
static int package_bit(struct txn *t, int *bit)
{
	struct tms_package p;
	int rc = tms_package_for(t->a->tms, t->tid, t->now, &p);

	if (rc != TMS_OK && rc != TMS_ENOTFOUND)
		return rc == TMS_ENOMEM ? ACQUIRER_ENOMEM : ACQUIRER_ESTORE;
	*bit = rc == TMS_OK && tms_version_cmp(p.version, t->term.version) > 0 ? TMS_PENDING_PACKAGE
	                                                                       : 0;
	return ACQUIRER_OK;
}

int acquirer_tms_refresh(struct txn *t)
{
	const char *held[TMS_SETS] = {t->term.params_held, t->term.capk_held, t->term.aid_held};
	const int64_t sets = TMS_PENDING_PARAMS | TMS_PENDING_CAPK | TMS_PENDING_AID;
	struct tms_versions v;
	int need, bit, rc;

	if (t->a->tms == NULL)
		return ACQUIRER_OK;
	/* The bits cleared before the versions and rollouts are read and set from them after,
	 * each in one statement over the row as it then is: an operator's change or a rollout
	 * added (both mark at once) that lands in between either is seen in what is read or
	 * marks after the clear, never lost. */
	if ((rc = store_terminal_pending(t->a->s, t->term.tid, ~(sets | TMS_PENDING_PACKAGE), 0)) !=
	    STORE_OK)
		return acquirer_from_store(rc);
	if ((rc = tms_versions(t->a->tms, t->tid, t->now, &v)) != TMS_OK)
		return rc == TMS_ENOMEM ? ACQUIRER_ENOMEM : ACQUIRER_ESTORE;
	if ((rc = package_bit(t, &bit)) != ACQUIRER_OK)
		return rc;
	need = tms_pending_of(&v, held) | bit;
	if ((rc = store_terminal_pending(t->a->s, t->term.tid, ~(int64_t)0, need)) != STORE_OK)
		return acquirer_from_store(rc);
	t->term.tms_pending = (t->term.tms_pending & ~(int)(sets | TMS_PENDING_PACKAGE)) | need;
	return ACQUIRER_OK;
}

int acquirer_tms_nibble(const struct txn *t)
{
	/* The spec's processing requests (Framing): 7 parameters, 4 CA keys, 5 AIDs; 8 a
	 * software update (docs/cup-pos.md). */
	static const struct {
		int bit, nibble;
	} asks[] = {{TMS_PENDING_PARAMS, 7},
	            {TMS_PENDING_CAPK, 4},
	            {TMS_PENDING_AID, 5},
	            {TMS_PENDING_PACKAGE, 8}};

	if (t->a->tms == NULL || !t->have_term || t->term.status != STORE_TERMINAL_ACTIVE)
		return 0;
	for (size_t i = 0; i < sizeof asks / sizeof asks[0]; i++)
		if (t->term.tms_pending & asks[i].bit)
			return asks[i].nibble;
	return 0;
}

/* The terminal seen, what it needs recomputed and its row written; then approved for why. */
static int keep(struct txn *t, const char *why)
{
	int rc;

	t->term.last_seen = t->now;
	if ((rc = acquirer_tms_refresh(t)) != ACQUIRER_OK)
		return rc;
	if ((rc = store_terminal_update(t->a->s, &t->term)) != STORE_OK)
		return acquirer_from_store(rc);
	return acquirer_decide(t, RCODE_APPROVED, why);
}

/* The request's field 62 (none: empty) into buf: false when it does not read. */
static bool request_62(const struct txn *t, uint8_t buf[TMS_CHUNK_MAX + 1], size_t *len)
{
	*len = 0;
	return !iso8583_has(&t->iso, 62) ||
	       iso8583_get(&t->iso, 62, buf, TMS_CHUNK_MAX + 1, len) == ISO8583_OK;
}

int acquirer_decide_download(struct txn *t)
{
	uint8_t req[TMS_CHUNK_MAX + 1];
	struct tms_chunk c;
	char why[sizeof t->reason];
	size_t len;
	int rc;

	if (t->a->tms == NULL)
		return acquirer_decide(t, RCODE_INVALID_TXN, "downloads_off");
	if (!request_62(t, req, &len))
		return acquirer_decide(t, RCODE_FORMAT_ERROR, "download_request");
	rc = tms_download(t->a->tms, set_of(t), t->tid, t->now, req, len, t->tms62, &t->tms62_len,
	                  &c);
	if (rc == TMS_EARG)
		return acquirer_decide(t, RCODE_FORMAT_ERROR, "download_request");
	if (rc != TMS_OK)
		return rc == TMS_ENOMEM ? ACQUIRER_ENOMEM : ACQUIRER_ESTORE;
	/* For the log: the items sent, of how many, and whether the set changed under it. */
	snprintf(why, sizeof why, "%s%s %zu-%zu/%zu", tms_set_name(set_of(t)),
	         c.restarted ? " anew" : "", c.from, c.next, c.total);
	return keep(t, why);
}

int acquirer_decide_confirm(struct txn *t)
{
	static const size_t held_off[TMS_SETS] = {offsetof(struct store_terminal, params_held),
	                                          offsetof(struct store_terminal, capk_held),
	                                          offsetof(struct store_terminal, aid_held)};
	uint8_t req[TMS_CHUNK_MAX + 1];
	char version[9], why[sizeof t->reason];
	size_t len;

	if (t->a->tms == NULL)
		return acquirer_decide(t, RCODE_INVALID_TXN, "downloads_off");
	if (!request_62(t, req, &len) || tms_confirm_read(req, len, version) != TMS_OK)
		return acquirer_decide(t, RCODE_FORMAT_ERROR, "download_confirm");
	/* Kept as said, current or not: an old one leaves the set pending. */
	memcpy((char *)&t->term + held_off[set_of(t)], version, sizeof version);
	snprintf(why, sizeof why, "%s held %s", tms_set_name(set_of(t)), version);
	return keep(t, why);
}

/* A 390 or 391 whose package is not the terminal's (rc from tms_update_chunk() or
 * tms_package_own()): 25 as for no package — there is none of its model by that id
 * (docs/cup-pos.md) — with what it needs recomputed, so that a package bit a stopped rollout
 * left behind asks no more; other failures the store's. */
static int package_refused(struct txn *t, int rc)
{
	const char *why = rc == TMS_EMODEL ? "package_model" : "no_package";
	int r;

	if (rc != TMS_ENOTFOUND && rc != TMS_EMODEL)
		return rc == TMS_ENOMEM ? ACQUIRER_ENOMEM : ACQUIRER_ESTORE;
	if (rc == TMS_ENOTFOUND && (r = acquirer_tms_refresh(t)) != ACQUIRER_OK)
		return r;
	return acquirer_decide(t, RCODE_ORIGINAL_NOT_FOUND, why);
}

int acquirer_decide_update(struct txn *t)
{
	uint8_t req[TMS_CHUNK_MAX + 1];
	struct tms_update u;
	char why[sizeof t->reason];
	size_t len;
	int rc;

	if (t->a->tms == NULL)
		return acquirer_decide(t, RCODE_INVALID_TXN, "downloads_off");
	if (!request_62(t, req, &len))
		return acquirer_decide(t, RCODE_FORMAT_ERROR, "update_request");
	rc = tms_update_chunk(t->a->tms, t->tid, t->now, req, len, t->tms62, &t->tms62_len, &u);
	if (rc == TMS_EARG)
		return acquirer_decide(t, RCODE_FORMAT_ERROR, "update_request");
	if (rc != TMS_OK)
		return package_refused(t, rc);
	snprintf(why, sizeof why, "package %lld %s %lld+%zu/%lld", (long long)u.package.id,
	         u.package.version, (long long)u.offset, u.len, (long long)u.package.size);
	return keep(t, why);
}

int acquirer_decide_installed(struct txn *t)
{
	uint8_t req[TMS_CHUNK_MAX + 1];
	char failure[TMS_UPDATE_WHY_MAX + 1], why[sizeof t->reason];
	struct tms_package p;
	int64_t id;
	size_t len;
	bool ok;
	int rc;

	if (t->a->tms == NULL)
		return acquirer_decide(t, RCODE_INVALID_TXN, "downloads_off");
	if (!request_62(t, req, &len) ||
	    tms_update_report_read(req, len, &id, &ok, failure) != TMS_OK)
		return acquirer_decide(t, RCODE_FORMAT_ERROR, "update_report");
	/* Another model's package: refused as 390 refuses it, nothing recorded. */
	if ((rc = tms_package_own(t->a->tms, t->tid, id, &p)) != TMS_OK)
		return package_refused(t, rc);
	/* The version it runs now (59 A2 05; installed, else the package's); refused: why too,
	 * for the status. */
	if (t->version[0] != '\0')
		memcpy(t->term.version, t->version, sizeof t->term.version);
	else if (ok)
		snprintf(t->term.version, sizeof t->term.version, "%s", p.version);
	if (ok)
		t->term.update_failed[0] = '\0';
	else
		snprintf(t->term.update_failed, sizeof t->term.update_failed, "%s: %s", p.version,
		         failure[0] != '\0' ? failure : "refused");
	snprintf(why, sizeof why, "package %lld %s %s", (long long)id, p.version,
	         ok ? "installed" : "refused");
	return keep(t, why);
}
