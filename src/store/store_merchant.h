/* store_merchant.h — the merchant module's part of the storage interface for onboarding: a
 * merchant's application (its particulars, state, fee plan, limits, permitted transaction
 * types and next review), the history of its states with who, when and why, its uploaded
 * documents (the files themselves are kept beside the database, named by their SHA-256) and
 * the certificates issued at activation.
 *
 * The acquirer's own row of an active merchant (store_acquirer.h, `merchants`) is written by
 * the merchant module at activation; these tables keep everything else. The legal
 * representative's ID number arrives already encrypted (hsm_data_encrypt) with its masked
 * form; the store never sees it in the clear. Functions return STORE_OK or a STORE_E* code. */
#ifndef POSSUM_STORE_MERCHANT_H
#define POSSUM_STORE_MERCHANT_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "store/store.h"
#include "store/store_issuer.h"

#define STORE_MERCHANT_TEXT_MAX 257 /* bytes of a name, number or address, with its NUL */

/* An application, and the merchant it becomes: id is the application's number, mid "" until
 * activation. */
struct store_merchant_app {
	int64_t id;
	int state; /* enum merchant_state (merchant.h) */
	char mid[16];
	char legal_name[STORE_MERCHANT_TEXT_MAX], licence[STORE_MERCHANT_TEXT_MAX],
	    tax_number[STORE_MERCHANT_TEXT_MAX], rep_name[STORE_MERCHANT_TEXT_MAX],
	    address[STORE_MERCHANT_TEXT_MAX];
	struct store_sealed rep_id; /* the representative's ID number, encrypted */
	char rep_id_masked[40];
	char mcc[5];
	struct store_sealed phone_sealed; /* the phone, encrypted */
	char phone_masked[24];            /* stored as the column phone */
	char phone[24]; /* the phone in clear: not a column; the merchant module unseals it */
	int fee_credit_bp, fee_debit_bp, fee_qr_bp;
	int64_t fee_debit_cap;
	int64_t limit_daily, limit_txn; /* minor units of limit_currency; 0: none */
	int limit_currency;
	unsigned types;      /* permitted transaction types: MERCHANT_TYPE_* bits */
	int64_t next_review; /* 0: none (not active) */
	int64_t created_at, updated_at;
};

/* Inserts a (a->id ignored) and sets a->id. */
int store_merchant_app_insert(store *s, struct store_merchant_app *a);
int store_merchant_app_get(store *s, int64_t id, struct store_merchant_app *out);
/* The application that became merchant mid. */
int store_merchant_app_by_mid(store *s, const char *mid, struct store_merchant_app *out);
/* Writes every field of a but id and created_at. STORE_EEXIST when its MID is another's. */
int store_merchant_app_update(store *s, const struct store_merchant_app *a);

/* Which applications store_merchant_app_list() reads: state 0 for any; mid "" or NULL for
 * any; due_by not 0: only those whose next review is at or before it. */
struct store_merchant_app_filter {
	int state;
	const char *mid;
	int64_t due_by;
	int64_t after_id; /* ids greater only: to page on */
	size_t limit;     /* 0: no limit */
};

/* Calls fn for each application of f in id order until it returns non-zero (returned). */
int store_merchant_app_list(store *s, const struct store_merchant_app_filter *f,
                            int (*fn)(void *ctx, const struct store_merchant_app *a), void *ctx);

/* One change of an application's state. */
struct store_merchant_step {
	int64_t id, app_id;
	int from, to; /* from 0: the application itself */
	char actor[64], reason[STORE_MERCHANT_TEXT_MAX];
	int64_t at;
};

int store_merchant_step_insert(store *s, struct store_merchant_step *h);
/* Calls fn for each step of application app_id, oldest first. */
int store_merchant_step_list(store *s, int64_t app_id,
                             int (*fn)(void *ctx, const struct store_merchant_step *h), void *ctx);

/* An uploaded document: the file is DOCUMENTS/sha256. */
struct store_merchant_doc {
	int64_t id, app_id;
	char type[16], name[STORE_MERCHANT_TEXT_MAX], content_type[32], sha256[65];
	int64_t size, at;
};

/* STORE_EEXIST when the application has that file (same SHA-256) already. */
int store_merchant_doc_insert(store *s, struct store_merchant_doc *d);
int store_merchant_doc_list(store *s, int64_t app_id,
                            int (*fn)(void *ctx, const struct store_merchant_doc *d), void *ctx);

/* A merchant certificate, issued at activation. */
struct store_merchant_cert {
	int64_t id, app_id;
	char number[32];
	int64_t issued, valid_until;
};

/* STORE_EEXIST when its number is taken. */
int store_merchant_cert_insert(store *s, struct store_merchant_cert *c);
/* The application's latest certificate; STORE_ENOTFOUND when it has none. */
int store_merchant_cert_last(store *s, int64_t app_id, struct store_merchant_cert *out);

#endif
