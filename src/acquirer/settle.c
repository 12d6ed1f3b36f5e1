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

/* A batch upload's record in field 48 (docs/cup-pos.md): card class n2, original STAN n6, PAN
 * n20 (right-aligned, zero-filled), amount n12; at most 8 a message. */
#define UPLOAD_RECORD 40
#define UPLOAD_MAX    8
#define UPLOAD_F48    (2 + UPLOAD_MAX * UPLOAD_RECORD)

/* The n digits at p (checked digits) as a number. */
static int64_t number(const char *p, int n)
{
	int64_t v = 0;

	for (int i = 0; i < n; i++)
		v = v * 10 + (p[i] - '0');
	return v;
}

/* The batch closed: the next one begins (the terminal moves with it). */
static int next_batch(struct txn *t)
{
	t->term.batch = t->term.batch % 999999 + 1;
	return store_terminal_update(t->a->s, &t->term) == STORE_OK ? ACQUIRER_OK : ACQUIRER_ESTORE;
}

/* The settlement kept: the terminal's totals of field 48 (62 checked digits), the host's and
 * whether they agreed, at the settlement date of its moment. */
static int record_settle(struct txn *t, const char *f48, const struct store_acq_totals *host,
                         bool agree)
{
	struct store_recon_batch b = {.batch = t->batch,
	                              .at = t->now,
	                              .sales_amount = number(f48, 12),
	                              .sales_count = (int)number(f48 + 12, 3),
	                              .refund_amount = number(f48 + 15, 12),
	                              .refund_count = (int)number(f48 + 27, 3),
	                              .foreign_sales_amount = number(f48 + 31, 12),
	                              .foreign_sales_count = (int)number(f48 + 43, 3),
	                              .foreign_refund_amount = number(f48 + 46, 12),
	                              .foreign_refund_count = (int)number(f48 + 58, 3),
	                              .host_sales_amount = host->sales_amount,
	                              .host_sales_count = host->sales_count,
	                              .host_refund_amount = host->refund_amount,
	                              .host_refund_count = host->refund_count,
	                              .agreed = agree};

	snprintf(b.tid, sizeof b.tid, "%s", t->tid);
	snprintf(b.mid, sizeof b.mid, "%s", t->mid);
	snprintf(b.settle_date, sizeof b.settle_date, "%s", t->settle_date);
	return acquirer_from_store(store_recon_batch_put(t->a->s, &b));
}

/* Settlement: the terminal's domestic totals (field 48) against the host's for its batch;
 * flag 1 when they agree (the batch is closed), 2 when not (the terminal uploads it). Foreign
 * cards are not acquired here: the host's foreign totals are zero. */
static int decide_settle(struct txn *t)
{
	struct store_acq_totals tot;
	char host[80], f48[64] = "";
	bool agree;
	int rc;

	if (!iso8583_has(&t->iso, 48) || iso8583_get(&t->iso, 48, f48, sizeof f48, NULL) != 0 ||
	    strlen(f48) != 62 || crypto_digits(f48, 62, 62) != 62)
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
	if ((rc = record_settle(t, f48, &tot, agree)) != ACQUIRER_OK)
		return rc;
	if (agree && (rc = next_batch(t)) != ACQUIRER_OK)
		return rc;
	return acquirer_decide(t, RCODE_APPROVED, agree ? "totals_agree" : "totals_differ");
}

/* The PAN of record rec (checked digits), its zeros of the left dropped, into pan: 0 when it
 * is one a payment takes (12 to 19 digits, the right check digit), else -1. */
static int upload_pan(const char *rec, char pan[UPLOAD_RECORD])
{
	const char *p = rec + 8, *end = rec + 28;

	while (p < end && *p == '0')
		p++;
	memcpy(pan, p, (size_t)(end - p));
	pan[end - p] = '\0';
	return card_pan_check(pan) == CARD_OK ? 0 : -1;
}

/* Field 48 of a batch upload into f48, checked whole before anything is kept: n2 count, then
 * as many records, each of card class 00 or 01 and a PAN a payment takes; 1 to 8 records
 * (stripe, 201), exactly 1 (chip, 203), 0 to 8 at the end (202, where field 48 may be
 * absent). *n the records; -1 when it is not so. */
static int read_upload(struct txn *t, char f48[UPLOAD_F48 + 1], int *n)
{
	const char *nmc = t->type->nmc;
	int min = strcmp(nmc, "202") == 0 ? 0 : 1, max = strcmp(nmc, "203") == 0 ? 1 : UPLOAD_MAX;
	char pan[UPLOAD_RECORD];
	size_t len = 0;
	int rc = 0;

	*n = 0;
	f48[0] = '\0';
	if (!iso8583_has(&t->iso, 48))
		return min == 0 ? 0 : -1;
	if (iso8583_get(&t->iso, 48, f48, UPLOAD_F48 + 1, &len) != 0 || len < 2 ||
	    crypto_digits(f48, len, len) != len)
		return -1;
	*n = (int)number(f48, 2);
	if (*n < min || *n > max || len != 2 + (size_t)*n * UPLOAD_RECORD)
		return -1;
	for (int i = 0; i < *n && rc == 0; i++) {
		const char *rec = f48 + 2 + i * UPLOAD_RECORD;

		if ((memcmp(rec, "00", 2) != 0 && memcmp(rec, "01", 2) != 0) ||
		    upload_pan(rec, pan))
			rc = -1;
	}
	crypto_wipe(pan, sizeof pan);
	return rc;
}

/* An uploaded transaction kept (record rec, checked): its card masked and hashed as a
 * request's row keeps it. */
static int record_upload(struct txn *t, const char *rec)
{
	struct store_recon_upload u = {
	    .batch = t->batch, .at = t->now, .amount = number(rec + 28, 12)};
	uint8_t hash[HSM_PAN_HASH_LEN];
	char pan[UPLOAD_RECORD];
	int rc = ACQUIRER_OK;

	snprintf(u.tid, sizeof u.tid, "%s", t->tid);
	memcpy(u.card_class, rec, 2);
	memcpy(u.stan, rec + 2, 6);
	upload_pan(rec, pan);
	card_pan_mask(pan, strlen(pan), u.masked, sizeof u.masked);
	if (hsm_pan_hash(t->a->h, &t->a->pan_hash, pan, hash) != HSM_OK)
		rc = ACQUIRER_EHSM;
	else
		hex_encode(hash, sizeof hash, u.pan_hash, sizeof u.pan_hash);
	crypto_wipe(pan, sizeof pan);
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
		rc = record_upload(t, f48 + 2 + i * UPLOAD_RECORD);
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
