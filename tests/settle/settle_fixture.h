/* settle_fixture.h — what the settle module's cmocka tests share: a store in a fresh temporary
 * directory (store_fixture.h) with the close's parameters as the host's defaults make them —
 * Beijing's offset, the default calendar, credit 0.60%, debit and prepaid 0.55% capped at
 * CNY 20.00, QR 0.48%, and the BIN ranges of the cards below — merchants, approved terminal
 * requests of a settlement date, a day closed, its lines and totals read, a statement
 * rendered, a ledger account's balance by name and the ledger's check. Test code only. */
#ifndef POSSUM_TEST_SETTLE_FIXTURE_H
#define POSSUM_TEST_SETTLE_FIXTURE_H

#include "testutil.h"

#include <assert.h>
#include <stdio.h>

#include "card/card.h"
#include "ledger/ledger.h"
#include "settle/settle_close.h"
#include "settle/settle_payout.h"
#include "settle/settle_statement.h"
#include "store/store_acquirer.h"
#include "store/store_settle.h"
#include "store/store_fixture.h"

#define DEC04_2026 INT64_C(1796342400) /* 00:00:00Z, a Friday: 08:00 in Beijing */
#define DAY        INT64_C(86400)
#define M1         "M00000000000001"
#define M2         "M00000000000002"
#define DEBIT      "622202******1234"
#define CREDIT     "625812******5678"
#define PREPAID    "621000******0001"
#define VISA       "411111******1111" /* no range knows it: another issuer's */

struct settle_fixture {
	void *sf; /* the store_fixture */
	store *s;
	struct settle_calendar cal;
	struct card_bin_range bins[3];
	struct settle_close_params p;
};

/* f's store opened and its parameters set, the close's time now: 0 or -1 (cmocka's setup). */
static inline int settle_fixture_setup(struct settle_fixture *f, int64_t now)
{
	if (store_fixture_setup(&f->sf) != 0)
		return -1;
	f->s = ((struct store_fixture *)f->sf)->s;
	settle_calendar_defaults(&f->cal);
	f->bins[0] = (struct card_bin_range){"622202", "622202", CARD_PRODUCT_DEBIT, NULL};
	f->bins[1] = (struct card_bin_range){"625800", "625899", CARD_PRODUCT_CREDIT, NULL};
	f->bins[2] = (struct card_bin_range){"621000", "621000", CARD_PRODUCT_PREPAID, NULL};
	f->p = (struct settle_close_params){.cal = &f->cal,
	                                    .utc_offset = 480,
	                                    .bins = f->bins,
	                                    .nbins = 3,
	                                    .plan = {60, 55, 48, 2000},
	                                    .now = now};
	return 0;
}

static inline int settle_fixture_teardown(struct settle_fixture *f)
{
	return store_fixture_teardown(&f->sf);
}

/* cmocka's setup and teardown of a test's fixture of size bytes that begins with a struct
 * settle_fixture (set up with the close's time now); the rest zeroed. */
static inline int settle_fixture_new(void **state, size_t size, int64_t now)
{
	struct settle_fixture *f;

	assert(size >= sizeof *f);
	if ((f = calloc(1, size)) == NULL || settle_fixture_setup(f, now) != 0) {
		free(f);
		return -1;
	}
	*state = f;
	return 0;
}

static inline int settle_fixture_free(void **state)
{
	struct settle_fixture *f = *state;
	int rc = settle_fixture_teardown(f);

	free(f);
	return rc;
}

/* f's store opened again, after the test closed it (to let a child process have it). */
static inline void settle_fixture_reopen(struct settle_fixture *f)
{
	struct store_fixture *sf = f->sf;

	assert_int_equal(store_open(sf->path, &sf->s), STORE_OK);
	f->s = sf->s;
}

/* The temporary directory of f's store, and the store's file (for SQL behind its back:
 * store_fixture_sql()). */
static inline const char *settle_fixture_dir(const struct settle_fixture *f)
{
	return ((const struct store_fixture *)f->sf)->dir;
}

static inline const char *settle_fixture_path(const struct settle_fixture *f)
{
	return ((const struct store_fixture *)f->sf)->path;
}

/* An active merchant mid called name, of MCC mcc. */
static inline void settle_fixture_merchant(store *s, const char *mid, const char *name,
                                           const char *mcc)
{
	struct store_merchant m = {.status = STORE_MERCHANT_ACTIVE, .created_at = DEC04_2026};

	snprintf(m.mid, sizeof m.mid, "%s", mid);
	snprintf(m.name, sizeof m.name, "%s", name);
	snprintf(m.mcc, sizeof m.mcc, "%s", mcc);
	assert_int_equal(store_merchant_insert(s, &m), STORE_OK);
}

/* An approved terminal request of merchant mid and settlement date date, not yet written: its
 * terminal T000000N by the MID's last digit, batch 1, the next STAN, at DEC04_2026. The caller
 * may change any of it before settle_fixture_insert(). */
static inline struct store_acq_txn settle_fixture_row(const char *mid, const char *type,
                                                      int64_t amount, const char *masked,
                                                      const char *date)
{
	static unsigned stan;
	struct store_acq_txn t = {.at = DEC04_2026, .batch = 1, .amount = amount, .currency = 156};

	snprintf(t.tid, sizeof t.tid, "T%07d", mid[14] - '0');
	snprintf(t.mid, sizeof t.mid, "%s", mid);
	snprintf(t.stan, sizeof t.stan, "%06u", ++stan % 1000000u);
	snprintf(t.type, sizeof t.type, "%s", type);
	snprintf(t.masked, sizeof t.masked, "%s", masked);
	snprintf(t.rc, sizeof t.rc, "00");
	snprintf(t.settle_date, sizeof t.settle_date, "%s", date);
	return t;
}

/* Writes t: its id. */
static inline int64_t settle_fixture_insert(store *s, struct store_acq_txn *t)
{
	assert_int_equal(store_acq_txn_insert(s, t), STORE_OK);
	return t->id;
}

/* settle_fixture_row() written, following up original (0 none): its id. */
static inline int64_t settle_fixture_txn(store *s, const char *mid, const char *type,
                                         int64_t amount, const char *masked, const char *date,
                                         int64_t original)
{
	struct store_acq_txn t = settle_fixture_row(mid, type, amount, masked, date);

	t.original_id = original;
	return settle_fixture_insert(s, &t);
}

/* The lines and the merchants' totals of a day as a test reads them (store_settle_lines(),
 * store_settle_totals() with these collectors): 16 and 4 at most. */
struct settle_fixture_lines {
	struct store_settle_line l[16];
	size_t n;
};

static inline int settle_fixture_collect_line(void *ctx, const struct store_settle_line *l)
{
	struct settle_fixture_lines *ls = ctx;

	assert_true(ls->n < 16);
	ls->l[ls->n++] = *l;
	return 0;
}

struct settle_fixture_totals {
	struct store_settle_total t[4];
	size_t n;
};

static inline int settle_fixture_collect_total(void *ctx, const struct store_settle_total *t)
{
	struct settle_fixture_totals *ts = ctx;

	assert_true(ts->n < 4);
	ts->t[ts->n++] = *t;
	return 0;
}

/* Statement st in format at Beijing's offset, as a string (the caller frees it). Not inline
 * (unused where a test renders nothing): GCC, inlining it, took the memstream's buffer for a
 * local of the caller's. */
__attribute__((unused)) static char *settle_fixture_render(const struct settle_statement *st,
                                                           enum settle_statement_format format)
{
	char *text = NULL;
	size_t len = 0;
	FILE *m = open_memstream(&text, &len);

	assert_non_null(m);
	assert_int_equal(settle_statement_write(st, format, 480, m), SETTLE_OK);
	assert_int_equal(fclose(m), 0);
	return text;
}

/* Closes date (YYYYMMDD), which must close. */
static inline void settle_fixture_close(struct settle_fixture *f, int32_t date)
{
	struct settle_close_result r;

	assert_int_equal(settle_close(f->s, &f->p, date, &r), SETTLE_OK);
}

/* The close's account called name: its credits less its debits; 0 when it was never made. */
static inline int64_t settle_fixture_balance(store *s, const char *name)
{
	struct ledger_account a;
	int64_t id;
	int rc = store_settle_account_get(s, name, &id);

	if (rc == STORE_ENOTFOUND)
		return 0;
	assert_int_equal(rc, STORE_OK);
	assert_int_equal(ledger_account_get(s, id, &a), LEDGER_OK);
	return a.credits_posted - a.debits_posted;
}

/* The ledger's check passes. */
static inline void settle_fixture_ledger_sound(store *s)
{
	struct ledger_report r;

	assert_int_equal(ledger_check(s, &r, NULL, NULL), LEDGER_OK);
	assert_int_equal(r.violations, 0);
}

/* A merchant ready to be paid (settle_payout_params.payee): to card 622202******NNNN, the
 * MID's last four digits, of card id the MID's last digit. */
static inline int settle_fixture_payee(void *ctx, const char *mid, struct settle_payee *out)
{
	(void)ctx;
	memset(out, 0, sizeof *out);
	out->ready = true;
	snprintf(out->card, sizeof out->card, "622202******%.4s", mid + 11);
	out->card_id = mid[14] - '0';
	return SETTLE_OK;
}

/* The payouts of date run at f's time with payee (ctx its), which must succeed, and the
 * ledger's check passing after: the run's result. */
static inline struct settle_payout_result
settle_fixture_payouts(struct settle_fixture *f, int32_t date,
                       int (*payee)(void *ctx, const char *mid, struct settle_payee *out),
                       void *ctx)
{
	struct settle_payout_params p = {.now = f->p.now, .payee = payee, .ctx = ctx};
	struct settle_payout_result r;

	assert_int_equal(settle_payouts_run(f->s, &p, date, &r), SETTLE_OK);
	settle_fixture_ledger_sound(f->s);
	return r;
}

#endif
