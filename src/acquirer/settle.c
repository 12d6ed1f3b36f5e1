/* settle.c — the end of a terminal's batch: settlement (its totals against the host's) and
 * batch upload (its view of the batch, a row each message). Its own table: signed in, the
 * batch checked, no card. What the terminal reports is kept for the reconciliation
 * (store_reconcile.h): its settlement's totals beside the host's, and each transaction it
 * uploads (the card masked and hashed, never kept in the clear). */
#include "acquirer/internal.h"

#include <stdio.h>
#include <string.h>

#include "card/card.h"
#include "common/hex.h"
#include "crypto/crypto.h"
#include "rcode/rcode.h"
#include "store/store_reconcile.h"

/* Field 48 of a batch upload: n2 count, then the records. */
#define UPLOAD_F48 (2 + ACQUIRER_F48_RECORDS * ACQUIRER_F48_RECORD)

/* The batch closed: the next one begins (the terminal moves with it). */
static int next_batch(struct txn *t)
{
	t->term.batch = t->term.batch % 999999 + 1;
	return store_terminal_update(t->a->s, &t->term) == STORE_OK ? ACQUIRER_OK : ACQUIRER_ESTORE;
}

/* The settlement kept: the terminal's totals (in b, read from field 48), the host's and
 * whether they agreed, at the settlement date of its moment. */
static int record_settle(struct txn *t, struct store_recon_batch *b,
                         const struct store_acq_totals *host, bool agree)
{
	b->batch = t->batch;
	b->at = t->now;
	b->host_sales_amount = host->sales_amount;
	b->host_sales_count = host->sales_count;
	b->host_refund_amount = host->refund_amount;
	b->host_refund_count = host->refund_count;
	b->agreed = agree;
	snprintf(b->tid, sizeof b->tid, "%s", t->tid);
	snprintf(b->mid, sizeof b->mid, "%s", t->mid);
	snprintf(b->settle_date, sizeof b->settle_date, "%s", t->settle_date);
	return acquirer_from_store(store_recon_batch_put(t->a->s, b));
}

/* Settlement: the terminal's domestic totals (field 48) against the host's for its batch;
 * flag 1 when they agree (the batch is closed), 2 when not (the terminal uploads it). Foreign
 * cards are not acquired here: the host's foreign totals are zero. */
static int decide_settle(struct txn *t)
{
	struct store_acq_totals tot;
	struct store_recon_batch b = {0};
	char host[80], f48[64] = "";
	bool agree;
	int rc;

	if (!iso8583_has(&t->iso, 48) || iso8583_get(&t->iso, 48, f48, sizeof f48, NULL) != 0 ||
	    acquirer_f48_totals(f48, strlen(f48), &b) != 0)
		return acquirer_decide(t, RCODE_FORMAT_ERROR, "field_48");
	if ((rc = store_acq_totals(t->a->s, t->tid, t->term.batch, &tot)) != STORE_OK)
		return acquirer_from_store(rc);
	snprintf(host, sizeof host, "%012lld%03d%012lld%03d", (long long)tot.sales_amount,
	         tot.sales_count % 1000, (long long)tot.refund_amount, tot.refund_count % 1000);
	agree = memcmp(host, f48, 30) == 0 &&
	        memcmp(f48 + 31, "000000000000000000000000000000", 30) == 0;
	memcpy(t->f48, f48, 62);
	t->f48[30] = t->f48[61] = agree ? '1' : '2';
	t->f48[62] = '\0';
	if ((rc = record_settle(t, &b, &tot, agree)) != ACQUIRER_OK)
		return rc;
	if (agree && (rc = next_batch(t)) != ACQUIRER_OK)
		return rc;
	return acquirer_decide(t, RCODE_APPROVED, agree ? "totals_agree" : "totals_differ");
}

/* Field 48 of a batch upload into f48, checked whole before anything is kept: 1 to 8
 * records (stripe, 201), exactly 1 (chip, 203), 0 to 8 at the end (202, where field 48 may
 * be absent). *n the records; -1 when it is not so. */
static int read_upload(struct txn *t, char f48[UPLOAD_F48 + 1], int *n)
{
	const char *nmc = t->type->nmc;
	int min = strcmp(nmc, "202") == 0 ? 0 : 1;
	int max = strcmp(nmc, "203") == 0 ? 1 : ACQUIRER_F48_RECORDS;
	size_t len = 0;

	*n = 0;
	f48[0] = '\0';
	if (!iso8583_has(&t->iso, 48))
		return min == 0 ? 0 : -1;
	if (iso8583_get(&t->iso, 48, f48, UPLOAD_F48 + 1, &len) != 0)
		return -1;
	return acquirer_f48_upload(f48, len, min, max, n);
}

/* An uploaded transaction kept (record rec, checked): its card masked and hashed as a
 * request's row keeps it. */
static int record_upload(struct txn *t, const char *rec)
{
	struct store_recon_upload u = {.batch = t->batch, .at = t->now};
	struct acquirer_f48_record r;
	uint8_t hash[HSM_PAN_HASH_LEN];
	int rc = ACQUIRER_OK;

	acquirer_f48_record(rec, &r);
	u.amount = r.amount;
	snprintf(u.tid, sizeof u.tid, "%s", t->tid);
	memcpy(u.card_class, r.card_class, 2);
	memcpy(u.stan, r.stan, 6);
	card_pan_mask(r.pan, strlen(r.pan), u.masked, sizeof u.masked);
	if (hsm_pan_hash(t->a->h, &t->a->pan_hash, r.pan, hash) != HSM_OK)
		rc = ACQUIRER_EHSM;
	else
		hex_encode(hash, sizeof hash, u.pan_hash, sizeof u.pan_hash);
	crypto_wipe(&r, sizeof r);
	if (rc == ACQUIRER_OK)
		rc = acquirer_from_store(store_recon_upload_put(t->a->s, &u));
	return rc;
}

/* Batch upload: a row each message (the terminal's view of its batch, for the
 * reconciliation), and each transaction it carries kept; field 48 malformed is 30 and keeps
 * none. Its end (60.3 = 202) closes the batch. */
static int decide_upload(struct txn *t)
{
	char f48[UPLOAD_F48 + 1];
	int n, rc = ACQUIRER_OK;

	if (read_upload(t, f48, &n) != 0) {
		crypto_wipe(f48, sizeof f48);
		return acquirer_decide(t, RCODE_FORMAT_ERROR, "field_48");
	}
	for (int i = 0; i < n && rc == ACQUIRER_OK; i++)
		rc = record_upload(t, f48 + 2 + (size_t)i * ACQUIRER_F48_RECORD);
	crypto_wipe(f48, sizeof f48);
	if (rc != ACQUIRER_OK)
		return rc;
	if (strcmp(t->type->name, "upload_end") == 0 && (rc = next_batch(t)) != ACQUIRER_OK)
		return rc;
	return acquirer_decide(t, RCODE_APPROVED, "uploaded");
}

static int stage_settle(struct txn *t)
{
	return t->type->decide(t);
}

static const struct stage stages[] = {
    /* after unpack (pipeline.c): 30 unreadable, 12 unknown */
    {"terminal", acquirer_stage_terminal, 0, false},       /* 97, A0 not signed in */
    {"binding", acquirer_stage_binding, 0, false},         /* 58 */
    {"duplicate", acquirer_stage_duplicate, T_DUP, false}, /* 94: an upload seen */
    {"fields", acquirer_stage_fields, 0, false},           /* 77 batch */
    {"settle", stage_settle, 0, false},                    /* 00, 30 field 48 */
    {"record", acquirer_stage_record, T_RECORD, true},     /* an upload's row */
    {"respond", acquirer_stage_respond, 0, true},
};

static const struct txn_class settle = {"settle", stages, sizeof stages / sizeof stages[0]};

const struct txn_type acquirer_settle_types[] = {
    {"settle", "0500", NULL, NULL, "201", T_SIGNED, 0, &settle, decide_settle},
    {"upload", "0320", NULL, NULL, "201", T_SIGNED | T_DUP | T_RECORD, 0, &settle, decide_upload},
    {"upload", "0320", NULL, NULL, "203", T_SIGNED | T_DUP | T_RECORD, 0, &settle, decide_upload},
    {"upload_end", "0320", NULL, NULL, "202", T_SIGNED | T_DUP | T_RECORD, 0, &settle,
     decide_upload},
};
const size_t acquirer_n_settle_types =
    sizeof acquirer_settle_types / sizeof acquirer_settle_types[0];
