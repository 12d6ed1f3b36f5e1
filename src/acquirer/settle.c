/* settle.c — the end of a terminal's batch: settlement (its totals against the host's) and
 * batch upload (its view of the batch, a row each message). Its own table: signed in, the
 * batch checked, no card. */
#include "acquirer/internal.h"

#include <stdio.h>
#include <string.h>

#include "crypto/crypto.h"
#include "rcode/rcode.h"

/* The batch closed: the next one begins (the terminal moves with it). */
static int next_batch(struct txn *t)
{
	t->term.batch = t->term.batch % 999999 + 1;
	return store_terminal_update(t->a->s, &t->term) == STORE_OK ? ACQUIRER_OK : ACQUIRER_ESTORE;
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
	if (agree && (rc = next_batch(t)) != ACQUIRER_OK)
		return rc;
	return acquirer_decide(t, RCODE_APPROVED, agree ? "totals_agree" : "totals_differ");
}

/* Batch upload: accepted, a row each message (the terminal's view of its batch, for the
 * reconciliation); its end (60.3 = 202) closes the batch. */
static int decide_upload(struct txn *t)
{
	int rc;

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
    {"terminal", acquirer_stage_terminal, 0, false},       /* 97, 58, A0 not signed in */
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
