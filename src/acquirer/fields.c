/* fields.c — the terminal's structured fields 48 and 60 (docs/cup-pos.md) read and checked:
 * field 60's type code, batch and network management code; field 48's settlement totals and
 * its batch upload records. Pure functions over the field's text, for read.c and settle.c and
 * for fuzz/fuzz_fields.c: input from the terminal, so every length and digit is checked
 * before it is used, and nothing is read past the text's end. */
#include "acquirer/internal.h"

#include <assert.h>
#include <string.h>

#include "card/card.h"
#include "crypto/crypto.h"

/* Whether the n bytes at p are all decimal digits. */
static bool all_digits(const char *p, size_t n)
{
	for (size_t i = 0; i < n; i++)
		if (p[i] < '0' || p[i] > '9')
			return false;
	return true;
}

/* The n digits at p (checked digits) as a number. */
static int64_t number(const char *p, int n)
{
	int64_t v = 0;

	for (int i = 0; i < n; i++)
		v = v * 10 + (p[i] - '0');
	return v;
}

int acquirer_f60_read(const char *f60, struct acquirer_f60 *out)
{
	size_t n = strlen(f60);

	memset(out, 0, sizeof *out);
	/* 60.1 n2 and 60.2 n6 always; 60.3 n3 when the field goes on. */
	if (n < 8 || !all_digits(f60, 8))
		return -1;
	memcpy(out->type, f60, 2);
	out->batch = (int)number(f60 + 2, 6);
	if (n >= 11) {
		if (!all_digits(f60 + 8, 3))
			return -1;
		memcpy(out->nmc, f60 + 8, 3);
	}
	return 0;
}

int acquirer_f48_totals(const char *f48, size_t len, struct store_recon_batch *b)
{
	if (len != ACQUIRER_F48_TOTALS || !all_digits(f48, len))
		return -1;
	b->sales_amount = number(f48, 12);
	b->sales_count = (int)number(f48 + 12, 3);
	b->refund_amount = number(f48 + 15, 12);
	b->refund_count = (int)number(f48 + 27, 3);
	b->foreign_sales_amount = number(f48 + 31, 12);
	b->foreign_sales_count = (int)number(f48 + 43, 3);
	b->foreign_refund_amount = number(f48 + 46, 12);
	b->foreign_refund_count = (int)number(f48 + 58, 3);
	return 0;
}

int acquirer_f48_record(const char *rec, struct acquirer_f48_record *out)
{
	const char *p = rec + 8, *end = rec + 28;

	memset(out, 0, sizeof *out);
	if (!all_digits(rec, ACQUIRER_F48_RECORD) ||
	    (memcmp(rec, "00", 2) != 0 && memcmp(rec, "01", 2) != 0))
		return -1;
	memcpy(out->card_class, rec, 2);
	memcpy(out->stan, rec + 2, 6);
	while (p < end && *p == '0')
		p++;
	memcpy(out->pan, p, (size_t)(end - p));
	out->amount = number(rec + 28, 12);
	return card_pan_check(out->pan) == CARD_OK ? 0 : -1;
}

int acquirer_f48_upload(const char *f48, size_t len, int min, int max, int *n)
{
	struct acquirer_f48_record r;
	int rc = 0;

	assert(min >= 0 && max <= ACQUIRER_F48_RECORDS);
	*n = 0;
	if (len < 2 || !all_digits(f48, 2))
		return -1;
	*n = (int)number(f48, 2);
	if (*n < min || *n > max || len != 2 + (size_t)*n * ACQUIRER_F48_RECORD)
		return -1;
	for (int i = 0; i < *n && rc == 0; i++)
		rc = acquirer_f48_record(f48 + 2 + (size_t)i * ACQUIRER_F48_RECORD, &r);
	crypto_wipe(&r, sizeof r);
	return rc;
}
