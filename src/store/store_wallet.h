/* store_wallet.h — the issuer's wallets (docs/qr.md "Payment codes"): a wallet per card
 * account, and its payment codes, each kept only as the keyed hash (64 hex digits) of its
 * random part, which the store never sees in the clear. Functions return STORE_OK or a
 * STORE_E* code. */
#ifndef POSSUM_STORE_WALLET_H
#define POSSUM_STORE_WALLET_H

#include <stdint.h>

#include "store/store.h"
#include "store/store_issuer.h"

struct store_wallet {
	int64_t id; /* the wallet's number: 7 digits in its codes */
	int64_t account_id, created_at;
};

/* Inserts w (w->id ignored) and sets w->id; STORE_EEXIST when the account has one. */
int store_wallet_insert(store *s, struct store_wallet *w);
int store_wallet_get(store *s, int64_t id, struct store_wallet *out);
int store_wallet_by_account(store *s, int64_t account_id, struct store_wallet *out);

struct store_wallet_code {
	int64_t id;
	char hash[STORE_HASH_HEX + 1]; /* of the random part, unique */
	int64_t wallet_id, card_id, created_at, expires_at;
	int64_t used_at; /* 0: not used */
};

/* Inserts c (c->id ignored) and sets c->id; STORE_EEXIST when its hash is taken. */
int store_wallet_code_insert(store *s, struct store_wallet_code *c);
int store_wallet_code_by_hash(store *s, const char *hash, struct store_wallet_code *out);
/* Code id read again, on PostgreSQL its row locked to the transaction's end (SELECT … FOR
 * UPDATE): a payment of it on another host, committed meanwhile, is seen, and one under way
 * waited for (SQLite's single writer does the same). */
int store_wallet_code_lock(store *s, int64_t id, struct store_wallet_code *out);
/* Writes c's used_at on a code not used yet: STORE_ENOTFOUND when it was (another payment took
 * it first): a code pays once. */
int store_wallet_code_use(store *s, const struct store_wallet_code *c);
/* Deletes the codes that expired before before. */
int store_wallet_code_purge(store *s, int64_t before);

#endif
