/* issuer.c — the issuer's life: its settings and keys, opening it on a store (with its own
 * ledger accounts), and the helpers its operations share. */
#include "issuer/internal.h"

#include <openssl/rand.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "common/hex.h"
#include "crypto/crypto.h"
#include "rcode/rcode.h"

const struct hsm_key_spec issuer_key_specs[6] = {
    {"D0", HSM_AES, 32, 'B', 'N'},  {"M7", HSM_HMAC, 32, 'G', 'N'}, {"C0", HSM_TDES, 16, 'C', 'N'},
    {"V2", HSM_TDES, 16, 'C', 'N'}, {"E0", HSM_TDES, 16, 'X', 'E'}, {"P0", HSM_TDES, 16, 'B', 'N'},
};
const char *const issuer_key_names[6] = {"issuer.data", "issuer.hash", "issuer.cvk",
                                         "issuer.pvk",  "issuer.imk",  "issuer.pin"};

const char *issuer_strerror(int rc)
{
	switch (rc) {
	case ISSUER_OK:
		return "ok";
	case ISSUER_EARG:
		return "invalid argument";
	case ISSUER_ESTORE:
		return "the store failed";
	case ISSUER_EHSM:
		return "the HSM failed";
	case ISSUER_ENOTFOUND:
		return "no such card";
	case ISSUER_EAMBIGUOUS:
		return "more than one card ends in those digits: give the full card number";
	case ISSUER_ENOBIN:
		return "no BIN range of that product in the config";
	case ISSUER_ESTATE:
		return "the card's state does not allow it";
	case ISSUER_EFUNDS:
		return "insufficient funds";
	case ISSUER_ELEDGER:
		return "the ledger refused the transfer";
	case ISSUER_ENOMEM:
		return "out of memory";
	default:
		return "unknown error";
	}
}

const char *issuer_card_status_name(int status)
{
	static const char *const names[] = {"", "active", "lost", "stolen", "blocked", "replaced"};

	return status > 0 && (size_t)status < sizeof names / sizeof names[0] ? names[status] : "";
}

void issuer_config_defaults(struct issuer_config *cfg)
{
	*cfg = (struct issuer_config){
	    .name = "Possum Demo Bank",
	    .institution = "99900001",
	    .currency = 156,
	    .pin_tries = 3,
	    .daily_amount_limit = 5000000,
	    .daily_count_limit = 50,
	    .hold_days = 7,
	    .otp_ttl = 300,
	    .otp_tries = 3,
	    .auth_per_day = 4,
	    .auth_valid_days = 365,
	    .utc_offset = 480,
	    .wallet_code_ttl = 60,
	    .wallet_pin_above = 100000,
	};
}

int issuer_from_store(int rc)
{
	switch (rc) {
	case STORE_OK:
		return ISSUER_OK;
	case STORE_ENOTFOUND:
		return ISSUER_ENOTFOUND;
	case STORE_EARG:
		return ISSUER_EARG;
	default:
		return ISSUER_ESTORE;
	}
}

int issuer_from_ledger(int rc)
{
	switch (rc) {
	case LEDGER_OK:
	case LEDGER_EXISTS:
		return ISSUER_OK;
	case LEDGER_ESTORE:
		return ISSUER_ESTORE;
	case LEDGER_EFUNDS:
		return ISSUER_EFUNDS;
	case LEDGER_EARG:
		return ISSUER_EARG;
	default:
		return ISSUER_ELEDGER;
	}
}

int issuer_ledger_failure(int rc)
{
	return issuer_from_ledger(rc) != ISSUER_OK ? issuer_from_ledger(rc) : ISSUER_ELEDGER;
}

int issuer_decide(struct issuer_decision *d, const char *rc, const char *reason)
{
	snprintf(d->resp->rc, sizeof d->resp->rc, "%s", rc);
	snprintf(d->resp->reason, sizeof d->resp->reason, "%s", reason);
	return STAGE_DONE;
}

int issuer_pin_outcome(struct issuer_decision *d, int rc)
{
	if (rc == HSM_OK) {
		if (d->card.pin_tries > 0) {
			d->card.pin_tries = 0;
			d->card_changed = true;
		}
		return STAGE_NEXT;
	}
	/* A block that is not a PIN block is the acquirer's key, not the cardholder's PIN. */
	if (rc == HSM_EPINBLOCK || rc == HSM_EPAN || rc == HSM_EUSAGE || rc == HSM_EALG)
		return issuer_decide(d, RCODE_PIN_FORMAT, "pin_block_unreadable");
	if (rc != HSM_EVERIFY)
		return ISSUER_EHSM;
	d->card.pin_tries++;
	d->card_changed = true;
	if (d->card.pin_tries >= d->is->cfg.pin_tries)
		return issuer_decide(d, RCODE_PIN_TRIES_EXCEEDED, "pin_tries_exceeded");
	return issuer_decide(d, RCODE_WRONG_PIN, "pin_wrong");
}

bool issuer_expiry_current(const char *yymm, int64_t now)
{
	time_t t = (time_t)now;
	struct tm tm;

	return gmtime_r(&t, &tm) != NULL &&
	       card_expiry_check(yymm, tm.tm_year + 1900, tm.tm_mon + 1) == CARD_OK;
}

int64_t issuer_day(const issuer *is, int64_t now)
{
	int64_t local = now + (int64_t)is->cfg.utc_offset * 60;

	return local >= 0 ? local / 86400 : (local - 86399) / 86400;
}

int issuer_random_digits(char *out, size_t n)
{
	uint8_t b[32];
	size_t got = 0;

	while (got < n) {
		if (RAND_bytes(b, sizeof b) != 1)
			return ISSUER_EHSM;
		/* 250 is the largest multiple of 10 below 256: the rest would favour 0 to 5. */
		for (size_t i = 0; i < sizeof b && got < n; i++)
			if (b[i] < 250)
				out[got++] = (char)('0' + b[i] % 10);
	}
	out[n] = '\0';
	crypto_wipe(b, sizeof b);
	return ISSUER_OK;
}

int issuer_pan_hash(issuer *is, const char *pan, char out[STORE_HASH_HEX + 1])
{
	uint8_t hash[HSM_PAN_HASH_LEN];

	if (hsm_pan_hash(is->h, &is->keys.pan_hash, pan, hash) != HSM_OK)
		return ISSUER_EHSM;
	hex_encode(hash, sizeof hash, out, STORE_HASH_HEX + 1);
	return ISSUER_OK;
}

int issuer_keyed_hash(issuer *is, const char *text, char out[STORE_HASH_HEX + 1])
{
	uint8_t hash[HSM_PAN_HASH_LEN];

	if (hsm_keyed_hash(is->h, &is->keys.pan_hash, text, strlen(text), hash) != HSM_OK)
		return ISSUER_EHSM;
	hex_encode(hash, sizeof hash, out, STORE_HASH_HEX + 1);
	return ISSUER_OK;
}

int issuer_seal(issuer *is, const char *pan_hash, const char *text, struct store_sealed *out)
{
	int rc =
	    hsm_data_encrypt(is->h, &is->keys.data, (const uint8_t *)pan_hash, strlen(pan_hash),
	                     (const uint8_t *)text, strlen(text), out->v, sizeof out->v, &out->len);

	return rc == HSM_OK ? ISSUER_OK : rc == HSM_ESPACE ? ISSUER_EARG : ISSUER_EHSM;
}

int issuer_unseal(issuer *is, const char *pan_hash, const struct store_sealed *in, char *out,
                  size_t cap)
{
	size_t n;

	if (cap == 0 ||
	    hsm_data_decrypt(is->h, &is->keys.data, (const uint8_t *)pan_hash, strlen(pan_hash),
	                     in->v, in->len, (uint8_t *)out, cap - 1, &n) != HSM_OK)
		return ISSUER_EHSM;
	out[n] = '\0';
	return ISSUER_OK;
}

int issuer_holder(issuer *is, const struct store_card *c, char *out, size_t cap)
{
	if (c->name.len > 0)
		return issuer_unseal(is, c->pan_hash, &c->name, out, cap);
	snprintf(out, cap, "%s", c->holder);
	return ISSUER_OK;
}

/* seal_names()'s walk: the issuer, and the first failure. */
struct sealing {
	issuer *is;
	int rc;
	size_t n; /* names sealed */
};

/* seal_names(): one card of before, its name sealed and its clear holder blanked. */
static int seal_name(void *ctx, const struct store_card *c)
{
	struct sealing *w = ctx;
	struct store_card row = *c;

	if (c->name.len == 0 && c->holder[0] != '\0') {
		row.holder[0] = '\0';
		if ((w->rc = issuer_seal(w->is, c->pan_hash, c->holder, &row.name)) == ISSUER_OK)
			w->rc = issuer_from_store(store_card_set_name(w->is->s, &row));
		w->n += w->rc == ISSUER_OK;
	}
	crypto_wipe(&row, sizeof row);
	return w->rc != ISSUER_OK;
}

/* Once per store, within issuer_open()'s transaction: the holders' names of the cards made
 * before issue 18 sealed (meta issuer.names_sealed says it was done). */
static int seal_names(issuer *is, size_t *n)
{
	struct sealing w = {is, ISSUER_OK, 0};
	char value[8];
	int rc = store_meta_get(is->s, "issuer.names_sealed", value, sizeof value);

	if (rc != STORE_ENOTFOUND)
		return issuer_from_store(rc);
	if ((rc = store_card_each(is->s, seal_name, &w)) != STORE_OK)
		return w.rc != ISSUER_OK ? w.rc : issuer_from_store(rc);
	*n = w.n;
	return issuer_from_store(store_meta_add(is->s, "issuer.names_sealed", "1"));
}

int issuer_move(issuer *is, const ledger_id *id, int64_t account, bool debit, int64_t amount,
                enum issuer_transfer_code code, int64_t now)
{
	struct ledger_transfer t = {.id = *id,
	                            .debit_account = debit ? account : is->settlement,
	                            .credit_account = debit ? is->settlement : account,
	                            .amount = amount,
	                            .currency = is->cfg.currency,
	                            .code = code};

	return issuer_from_ledger(ledger_transfer_create(is->s, &t, now, NULL));
}

/* The issuer's own account named name, found by its meta entry: key gets the entry's name. */
static int own_account_get(store *s, const char *name, uint16_t currency, int64_t *id, char key[64])
{
	char value[32];
	int rc;

	snprintf(key, 64, "issuer.account.%s.%u", name, currency);
	if ((rc = store_meta_get(s, key, value, sizeof value)) != STORE_OK)
		return rc;
	*id = strtoll(value, NULL, 10);
	return STORE_OK;
}

int issuer_settlement_account(store *s, uint16_t currency, int64_t *id)
{
	char key[64];

	return issuer_from_store(own_account_get(s, "settlement", currency, id, key));
}

/* The issuer's own account named name: made the first time, then found by its meta entry. */
static int own_account(issuer *is, const char *name, int64_t now, int64_t *id)
{
	struct ledger_account a = {.currency = is->cfg.currency};
	char key[64], value[32];
	int rc;

	rc = own_account_get(is->s, name, is->cfg.currency, id, key);
	if (rc == STORE_OK)
		return ISSUER_OK;
	if (rc != STORE_ENOTFOUND)
		return issuer_from_store(rc);
	snprintf(a.code, sizeof a.code, "%s", name);
	if ((rc = ledger_account_create(is->s, &a, now, id)) != LEDGER_OK)
		return issuer_from_ledger(rc);
	snprintf(value, sizeof value, "%lld", (long long)*id);
	return issuer_from_store(store_meta_add(is->s, key, value));
}

int issuer_open(store *s, hsm *h, const struct issuer_config *cfg, const struct issuer_keys *keys,
                issuer **out)
{
	issuer *is;
	int64_t now = (int64_t)time(NULL);
	size_t sealed = 0;
	int rc;

	if (s == NULL || h == NULL || cfg == NULL || keys == NULL || out == NULL ||
	    cfg->n_bins > ISSUER_BINS_MAX || (cfg->n_bins > 0 && cfg->bins == NULL) ||
	    cfg->pin_tries < 1 || cfg->otp_tries < 1 || cfg->otp_ttl < 1 || cfg->hold_days < 1 ||
	    cfg->auth_per_day < 1 || cfg->auth_valid_days < 1 || cfg->currency == 0 ||
	    cfg->wallet_code_ttl < 1 || cfg->wallet_pin_above < 0)
		return ISSUER_EARG;
	if (cfg->n_bins > 0 && card_bin_check(cfg->bins, cfg->n_bins, NULL) != CARD_OK)
		return ISSUER_EARG;
	if ((is = calloc(1, sizeof *is)) == NULL)
		return ISSUER_ENOMEM;
	is->s = s;
	is->h = h;
	is->cfg = *cfg;
	if (cfg->n_bins > 0)
		memcpy(is->bins, cfg->bins, cfg->n_bins * sizeof *is->bins);
	is->cfg.bins = is->bins;
	is->keys = *keys;
	if ((rc = issuer_from_store(store_begin(s))) != ISSUER_OK)
		goto out;
	if ((rc = own_account(is, "funding", now, &is->funding)) != ISSUER_OK ||
	    (rc = own_account(is, "settlement", now, &is->settlement)) != ISSUER_OK ||
	    (rc = seal_names(is, &sealed)) != ISSUER_OK) {
		store_rollback(s);
		goto out;
	}
	/* The clear names of before leave the database file now (secure_delete zeroes them in
	 * the pages written), not at some later checkpoint. */
	if ((rc = issuer_from_store(store_commit(s))) == ISSUER_OK && sealed > 0 &&
	    store_depth(s) == 0)
		rc = issuer_from_store(store_checkpoint(s));
out:
	if (rc != ISSUER_OK) {
		issuer_close(is);
		return rc;
	}
	*out = is;
	return ISSUER_OK;
}

void issuer_close(issuer *is)
{
	if (is == NULL)
		return;
	crypto_wipe(is, sizeof *is);
	free(is);
}
