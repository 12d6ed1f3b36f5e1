/* wallet.c — the cardholders' wallets (docs/qr.md "Payment codes"): a wallet per card account,
 * made with its first payment code; codes issued, what a code stands for, and who holds a card.
 *
 * A code is "62", the wallet's number (7 digits, its row's id) and 10 random digits. Only the
 * keyed hash of the random part is kept, unique, so that a code is found by its random part
 * alone and the number in front of it is checked against the wallet that issued it: a random
 * part of another wallet's code is that code shown with another number (Q4). */
#include "issuer/internal.h"

#include <ctype.h>
#include <stdio.h>
#include <string.h>

#include "crypto/crypto.h"
#include "rcode/rcode.h"

#define WALLET_PREFIX     "62" /* UnionPay's range of payment codes */
#define WALLET_NUMBER_LEN 7
#define WALLET_RANDOM_LEN 10
#define WALLET_NUMBER_MAX 9999999
#define WALLET_CODE_TRIES 8     /* random parts to try when one is taken */
#define WALLET_KEEP       86400 /* seconds a code's row outlives its expiry */

_Static_assert(sizeof WALLET_PREFIX - 1 + WALLET_NUMBER_LEN + WALLET_RANDOM_LEN ==
                   ISSUER_WALLET_CODE_LEN,
               "a payment code's parts make its length");

/* The keyed hash of a code's random part. */
static int random_hash(issuer *is, const char *random, char out[STORE_HASH_HEX + 1])
{
	char text[32];
	int rc;

	snprintf(text, sizeof text, "wallet|%.*s", WALLET_RANDOM_LEN, random);
	rc = issuer_keyed_hash(is, text, out);
	crypto_wipe(text, sizeof text);
	return rc;
}

/* The account's wallet, made now when it has none. */
static int wallet_of(issuer *is, int64_t account_id, int64_t now, struct store_wallet *w)
{
	int rc = store_wallet_by_account(is->s, account_id, w);

	if (rc == STORE_ENOTFOUND) {
		*w = (struct store_wallet){.account_id = account_id, .created_at = now};
		rc = store_wallet_insert(is->s, w);
	}
	if (rc == STORE_OK && w->id > WALLET_NUMBER_MAX)
		return ISSUER_ESTATE; /* ten million wallets: the code's number has no room */
	return issuer_from_store(rc);
}

/* A new code's row for wallet w and card c, its random part into random (a NUL after it). */
static int code_insert(issuer *is, const struct store_wallet *w, const struct store_card *c,
                       int64_t now, char random[WALLET_RANDOM_LEN + 1])
{
	struct store_wallet_code row = {.wallet_id = w->id,
	                                .card_id = c->id,
	                                .created_at = now,
	                                .expires_at = now + is->cfg.wallet_code_ttl};
	int rc = STORE_EEXIST;

	for (int i = 0; i < WALLET_CODE_TRIES && rc == STORE_EEXIST; i++) {
		if ((rc = issuer_random_digits(random, WALLET_RANDOM_LEN)) != ISSUER_OK ||
		    (rc = random_hash(is, random, row.hash)) != ISSUER_OK)
			return rc;
		rc = store_wallet_code_insert(is->s, &row);
	}
	return issuer_from_store(rc);
}

int issuer_wallet_code(issuer *is, int64_t card_id, int64_t now, struct issuer_wallet_code *out)
{
	char random[WALLET_RANDOM_LEN + 1];
	struct store_wallet w;
	struct store_card c;
	int rc;

	if (is == NULL || out == NULL)
		return ISSUER_EARG;
	memset(out, 0, sizeof *out);
	if ((rc = issuer_from_store(store_begin(is->s))) != ISSUER_OK)
		return rc;
	if ((rc = issuer_from_store(store_card_get(is->s, card_id, &c))) != ISSUER_OK)
		goto out;
	if (c.status != ISSUER_CARD_ACTIVE) {
		rc = ISSUER_ESTATE;
		goto out;
	}
	if ((rc = wallet_of(is, c.account_id, now, &w)) != ISSUER_OK ||
	    (rc = issuer_from_store(store_wallet_code_purge(is->s, now - WALLET_KEEP))) !=
	        ISSUER_OK ||
	    (rc = code_insert(is, &w, &c, now, random)) != ISSUER_OK)
		goto out;
	snprintf(out->code, sizeof out->code, WALLET_PREFIX "%0*lld%s", WALLET_NUMBER_LEN,
	         (long long)w.id, random);
	out->card_id = c.id;
	out->expires_at = now + is->cfg.wallet_code_ttl;
	snprintf(out->masked, sizeof out->masked, "%s", c.masked);
out:
	if (rc == ISSUER_OK)
		rc = issuer_from_store(store_commit(is->s));
	else
		store_rollback(is->s);
	if (rc != ISSUER_OK)
		crypto_wipe(out, sizeof *out);
	crypto_wipe(random, sizeof random);
	crypto_wipe(&c, sizeof c);
	return rc;
}

/* What a code stands for, rc and reason; ISSUER_OK. */
static int answer(char rc[3], char reason[32], const char *code, const char *why)
{
	snprintf(rc, 3, "%s", code);
	snprintf(reason, 32, "%s", why);
	return ISSUER_OK;
}

int issuer_wallet_find(issuer *is, const char *code, int64_t now, struct store_wallet_code *row,
                       struct store_card *card, char rc[3], char reason[32])
{
	char hash[STORE_HASH_HEX + 1];
	struct store_wallet w;
	long long number = 0;
	int err;

	memset(row, 0, sizeof *row);
	if (crypto_digits(code, ISSUER_WALLET_CODE_LEN, ISSUER_WALLET_CODE_LEN) == 0 ||
	    strncmp(code, WALLET_PREFIX, sizeof WALLET_PREFIX - 1) != 0)
		return answer(rc, reason, RCODE_QR_UNKNOWN, "code_unknown");
	if ((err = random_hash(is, code + ISSUER_WALLET_CODE_LEN - WALLET_RANDOM_LEN, hash)) !=
	    ISSUER_OK)
		return err;
	err = store_wallet_code_by_hash(is->s, hash, row);
	if (err == STORE_ENOTFOUND)
		return answer(rc, reason, RCODE_QR_UNKNOWN, "code_unknown");
	if (err != STORE_OK)
		return issuer_from_store(err);
	sscanf(code + sizeof WALLET_PREFIX - 1, "%7lld", &number);
	if (row->wallet_id != number)
		return answer(rc, reason, RCODE_QR_OTHER_ACCOUNT, "code_other_account");
	if (row->used_at != 0)
		return answer(rc, reason, RCODE_QR_USED, "code_used");
	if (now >= row->expires_at)
		return answer(rc, reason, RCODE_QR_EXPIRED, "code_expired");
	if ((err = store_wallet_get(is->s, row->wallet_id, &w)) != STORE_OK ||
	    (err = store_card_of_account(is->s, w.account_id, card)) != STORE_OK)
		return err == STORE_ENOTFOUND ? ISSUER_ESTORE : issuer_from_store(err);
	return answer(rc, reason, RCODE_APPROVED, "ok");
}

/* The holder key of a stored card: the keyed hash of its holder's ID number. */
static int holder_key_of(issuer *is, const struct store_card *c, char out[STORE_HASH_HEX + 1])
{
	char id[ISSUER_ID_MAX + 1], text[ISSUER_ID_MAX + 16];
	int rc;

	if ((rc = issuer_unseal(is, c->pan_hash, &c->id_number, id, sizeof id)) != ISSUER_OK)
		return rc;
	/* The check character of an ID-card number is written x or X. */
	for (char *p = id; *p != '\0'; p++)
		*p = (char)toupper((unsigned char)*p);
	snprintf(text, sizeof text, "holder|%s", id);
	rc = issuer_keyed_hash(is, text, out);
	crypto_wipe(id, sizeof id);
	crypto_wipe(text, sizeof text);
	return rc;
}

int issuer_wallet_resolve(issuer *is, const char *code, int64_t now, struct issuer_wallet_use *out)
{
	struct store_wallet_code row;
	struct store_card c;
	int rc;

	if (is == NULL || code == NULL || out == NULL)
		return ISSUER_EARG;
	memset(out, 0, sizeof *out);
	rc = issuer_wallet_find(is, code, now, &row, &c, out->rc, out->reason);
	if (rc != ISSUER_OK || strcmp(out->rc, RCODE_APPROVED) != 0)
		goto out;
	out->card_id = c.id;
	snprintf(out->masked, sizeof out->masked, "%s", c.masked);
	if ((rc = issuer_unseal(is, c.pan_hash, &c.pan, out->pan, sizeof out->pan)) == ISSUER_OK)
		rc = holder_key_of(is, &c, out->holder_key);
out:
	if (rc != ISSUER_OK)
		crypto_wipe(out, sizeof *out);
	crypto_wipe(&c, sizeof c);
	return rc;
}

int issuer_holder_key(issuer *is, const char *pan, char out[65])
{
	char hash[STORE_HASH_HEX + 1];
	struct store_card c;
	int rc;

	if (is == NULL || pan == NULL || out == NULL)
		return ISSUER_EARG;
	out[0] = '\0';
	if (crypto_digits(pan, CARD_PAN_MIN, CARD_PAN_MAX) == 0)
		return ISSUER_ENOTFOUND; /* no card's number: not a card of ours */
	if ((rc = issuer_pan_hash(is, pan, hash)) != ISSUER_OK)
		return rc;
	if ((rc = issuer_from_store(store_card_by_hash(is->s, hash, &c))) == ISSUER_OK)
		rc = holder_key_of(is, &c, out);
	crypto_wipe(&c, sizeof c);
	return rc;
}
