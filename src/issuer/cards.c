/* cards.c — cards: issuing one (PAN in a BIN range of its product, PIN as a PVV, CVVs, track 2,
 * for chip cards the master key for cryptograms), replacing one, finding one by PAN or last
 * four digits, its status, and test money on its account. */
#include "issuer/internal.h"

#include <stdio.h>
#include <string.h>
#include <time.h>

#include "common/text.h"
#include "crypto/crypto.h"

#define ISSUER_PVKI       1
#define ISSUER_PIN_RANDOM 6
#define ISSUER_PAN_TRIES  8 /* new PANs to try when one is taken */

/* ISO/IEC 7813 service codes: international (1) or international IC (2); authorization online
 * by the issuer (2); a debit card needs its PIN (0), a credit card none (1). */
static const char *service_code(enum card_product product, bool chip)
{
	if (product == CARD_PRODUCT_CREDIT)
		return chip ? "221" : "121";
	return chip ? "220" : "120";
}

static const struct card_bin_range *product_bin(const issuer *is, enum card_product product)
{
	for (size_t i = 0; i < is->cfg.n_bins; i++)
		if (is->bins[i].product == product)
			return &is->bins[i];
	return NULL;
}

/* A new PAN in range r: its low prefix, random digits, the Luhn check digit; 19 digits for
 * debit cards (as UnionPay debit cards have), 16 for others. */
static int new_pan(const struct card_bin_range *r, char pan[CARD_PAN_MAX + 1])
{
	size_t len = r->product == CARD_PRODUCT_DEBIT ? 19 : 16, prefix = strlen(r->low);
	int rc;

	if (prefix + 2 > len)
		return ISSUER_ENOBIN;
	memcpy(pan, r->low, prefix);
	if ((rc = issuer_random_digits(pan + prefix, len - 1 - prefix)) != ISSUER_OK)
		return rc;
	if (card_luhn_digit(pan, &pan[len - 1]) != CARD_OK)
		return ISSUER_EARG;
	pan[len] = '\0';
	return ISSUER_OK;
}

static int default_expiry(int64_t now, char out[CARD_EXPIRY_LEN + 1])
{
	time_t t = (time_t)now;
	struct tm tm;

	if (gmtime_r(&t, &tm) == NULL)
		return ISSUER_EARG;
	out[0] = (char)('0' + (tm.tm_year + 5) % 100 / 10);
	out[1] = (char)('0' + (tm.tm_year + 5) % 10);
	out[2] = (char)('0' + (tm.tm_mon + 1) / 10);
	out[3] = (char)('0' + (tm.tm_mon + 1) % 10);
	out[4] = '\0';
	return ISSUER_OK;
}

static bool is_digits(const char *s, size_t min, size_t max)
{
	return s != NULL && crypto_digits(s, min, max) == strlen(s);
}

static bool is_phone(const char *s)
{
	return s != NULL && is_digits(s[0] == '+' ? s + 1 : s, 5, ISSUER_PHONE_MAX - 1);
}

/* What makes a card, new or replacing another. */
struct card_spec {
	enum card_product product;
	bool chip;
	const char *pin, *expiry, *holder, *id_number, *phone, *language;
	int64_t account_id;
};

/* A PAN of range r no card has yet, into img and its hash into row. */
static int free_pan(issuer *is, const struct card_bin_range *r, struct store_card *row,
                    struct issuer_card_image *img)
{
	struct store_card
	    taken; /* the card a new PAN turned out to be: not row, to keep it clean */
	int rc, tries = 0;

	do {
		if (tries++ == ISSUER_PAN_TRIES) {
			rc = ISSUER_ESTATE;
			break;
		}
		if ((rc = new_pan(r, img->pan)) != ISSUER_OK ||
		    (rc = issuer_pan_hash(is, img->pan, row->pan_hash)) != ISSUER_OK)
			break;
		rc = issuer_from_store(store_card_by_hash(is->s, row->pan_hash, &taken));
	} while (rc == ISSUER_OK);
	crypto_wipe(&taken, sizeof taken);
	return rc == ISSUER_ENOTFOUND ? ISSUER_OK : rc;
}

/* The card's secrets from its PAN, expiry and PIN: the PVV (the PIN is kept only as it:
 * enciphered here under the issuer's PIN key to make it), the CVV2, the CVV of its track 2
 * (the iCVV for a chip's image), a chip's master key; then track 2 itself. */
static int card_secrets(issuer *is, const struct card_spec *spec, struct store_card *row,
                        struct issuer_card_image *img)
{
	struct card_track2 t2 = {0};
	uint8_t block[8];
	char cvv[CRYPTO_CVV_LEN + 1];
	size_t len;
	int rc = ISSUER_EHSM;

	if (hsm_encrypt_pin(is->h, &is->keys.pin, img->pin, img->pan, block) != HSM_OK ||
	    hsm_generate_pvv(is->h, &is->keys.pin, block, img->pan, &is->keys.pvk, ISSUER_PVKI,
	                     row->pvv) != HSM_OK ||
	    hsm_generate_cvv(is->h, &is->keys.cvk, img->pan, img->expiry, CRYPTO_CVV_SC_CVV2,
	                     img->cvv2) != HSM_OK ||
	    hsm_generate_cvv(is->h, &is->keys.cvk, img->pan, img->expiry,
	                     spec->chip ? CRYPTO_CVV_SC_ICVV : img->service_code, cvv) != HSM_OK)
		goto out;
	if (spec->chip) {
		snprintf(img->psn, sizeof img->psn, "00");
		if (hsm_emv_icc_mk(is->h, &is->keys.imk, img->pan, img->psn, img->icc_mk) != HSM_OK)
			goto out;
	}
	/* Discretionary data: PVKI, PVV, then the CVV (iCVV on a chip's track 2 image). */
	snprintf(t2.discretionary, sizeof t2.discretionary, "%d%s%s", ISSUER_PVKI, row->pvv, cvv);
	snprintf(t2.pan, sizeof t2.pan, "%s", img->pan);
	snprintf(t2.expiry, sizeof t2.expiry, "%s", img->expiry);
	snprintf(t2.service_code, sizeof t2.service_code, "%s", img->service_code);
	rc = card_track2_build(&t2, '=', img->track2, sizeof img->track2, &len) == CARD_OK
	         ? ISSUER_OK
	         : ISSUER_EARG;
out:
	crypto_wipe(block, sizeof block);
	crypto_wipe(cvv, sizeof cvv);
	crypto_wipe(&t2, sizeof t2);
	return rc;
}

/* The stored row of the card in img, its PAN, ID number and phone sealed. */
static int card_row(issuer *is, const struct card_spec *spec, int64_t now,
                    const struct issuer_card_image *img, struct store_card *row)
{
	int rc;

	row->account_id = spec->account_id;
	row->product = spec->product;
	row->status = ISSUER_CARD_ACTIVE;
	row->atc = -1;
	row->chip = spec->chip;
	row->pvki = ISSUER_PVKI;
	snprintf(row->expiry, sizeof row->expiry, "%s", img->expiry);
	snprintf(row->service_code, sizeof row->service_code, "%s", img->service_code);
	snprintf(row->psn, sizeof row->psn, "%s", img->psn);
	row->holder[0] = '\0'; /* sealed below */
	snprintf(row->language, sizeof row->language, "%s",
	         spec->language != NULL ? spec->language : "zh");
	snprintf(row->last4, sizeof row->last4, "%s", img->pan + strlen(img->pan) - 4);
	card_pan_mask(img->pan, strlen(img->pan), row->masked, sizeof row->masked);
	row->created_at = row->updated_at = now;
	if ((rc = issuer_seal(is, row->pan_hash, img->pan, &row->pan)) != ISSUER_OK ||
	    (rc = issuer_seal(is, row->pan_hash, spec->id_number, &row->id_number)) != ISSUER_OK ||
	    (rc = issuer_seal(is, row->pan_hash, spec->phone, &row->phone)) != ISSUER_OK ||
	    (rc = issuer_seal(is, row->pan_hash, spec->holder, &row->name)) != ISSUER_OK)
		return rc;
	return ISSUER_OK;
}

/* Makes a card as spec says, within the caller's transaction: PAN, PVV, CVVs, track 2, the
 * stored row, and the image. */
static int make_card(issuer *is, const struct card_spec *spec, int64_t now, struct store_card *row,
                     struct issuer_card_image *img)
{
	const struct card_bin_range *r = product_bin(is, spec->product);
	int rc;

	if (r == NULL)
		return ISSUER_ENOBIN;
	memset(row, 0, sizeof *row);
	memset(img, 0, sizeof *img);
	if ((rc = free_pan(is, r, row, img)) != ISSUER_OK)
		goto out;
	img->product = spec->product;
	img->chip = spec->chip;
	snprintf(img->service_code, sizeof img->service_code, "%s",
	         service_code(spec->product, spec->chip));
	if (spec->expiry != NULL)
		snprintf(img->expiry, sizeof img->expiry, "%s", spec->expiry);
	else if ((rc = default_expiry(now, img->expiry)) != ISSUER_OK)
		goto out;
	if (spec->pin != NULL)
		snprintf(img->pin, sizeof img->pin, "%s", spec->pin);
	else if ((rc = issuer_random_digits(img->pin, ISSUER_PIN_RANDOM)) != ISSUER_OK)
		goto out;
	if ((rc = card_secrets(is, spec, row, img)) != ISSUER_OK ||
	    (rc = card_row(is, spec, now, img, row)) != ISSUER_OK ||
	    (rc = issuer_from_store(store_card_insert(is->s, row))) != ISSUER_OK)
		goto out;
	img->card_id = row->id;
	img->account_id = row->account_id;
out:
	if (rc != ISSUER_OK)
		crypto_wipe(img, sizeof *img);
	return rc;
}

/* Moves amount between the funding account and account: credit (funding to the card) or back. */
static int fund(issuer *is, int64_t account, bool credit, int64_t amount, int64_t now)
{
	struct ledger_transfer t = {.debit_account = credit ? is->funding : account,
	                            .credit_account = credit ? account : is->funding,
	                            .amount = amount,
	                            .currency = is->cfg.currency,
	                            .code = ISSUER_XFER_FUNDING};
	int rc;

	if ((rc = ledger_id_new(&t.id)) != LEDGER_OK)
		return issuer_from_ledger(rc);
	return issuer_from_ledger(ledger_transfer_create(is->s, &t, now, NULL));
}

static int check_request(const struct issuer_card_request *req, int64_t now)
{
	if (req == NULL ||
	    (req->product != CARD_PRODUCT_DEBIT && req->product != CARD_PRODUCT_CREDIT &&
	     req->product != CARD_PRODUCT_PREPAID))
		return ISSUER_EARG;
	if (!text_is_line(req->holder, ISSUER_NAME_MAX) ||
	    !text_is_line(req->id_number, ISSUER_ID_MAX) || !is_phone(req->phone))
		return ISSUER_EARG;
	if (req->pin != NULL && !is_digits(req->pin, 4, HSM_PIN_MAX))
		return ISSUER_EARG;
	if (req->expiry != NULL && !issuer_expiry_current(req->expiry, now))
		return ISSUER_EARG;
	if (req->balance < 0 || req->limit < 0 ||
	    (req->product == CARD_PRODUCT_CREDIT ? req->balance != 0 : req->limit != 0))
		return ISSUER_EARG;
	if (req->language != NULL && strcmp(req->language, "zh") != 0 &&
	    strcmp(req->language, "en") != 0)
		return ISSUER_EARG;
	return ISSUER_OK;
}

int issuer_card_issue(issuer *is, const struct issuer_card_request *req, int64_t now,
                      struct issuer_card_image *out)
{
	struct ledger_account a = {.currency = is->cfg.currency, .flags = LEDGER_DEBITS_LIMITED};
	struct card_spec spec;
	struct store_card row;
	int rc;

	if ((rc = check_request(req, now)) != ISSUER_OK || out == NULL)
		return rc != ISSUER_OK ? rc : ISSUER_EARG;
	spec = (struct card_spec){req->product, req->chip,     req->pin,
	                          req->expiry,  req->holder,   req->id_number,
	                          req->phone,   req->language, 0};
	snprintf(a.code, sizeof a.code, "card");
	a.limit = req->limit;
	if ((rc = issuer_from_store(store_begin(is->s))) != ISSUER_OK)
		return rc;
	if ((rc = issuer_from_ledger(ledger_account_create(is->s, &a, now, &spec.account_id))) !=
	        ISSUER_OK ||
	    (req->balance > 0 &&
	     (rc = fund(is, spec.account_id, true, req->balance, now)) != ISSUER_OK) ||
	    (rc = make_card(is, &spec, now, &row, out)) != ISSUER_OK) {
		store_rollback(is->s);
		goto out;
	}
	if ((rc = issuer_from_store(store_commit(is->s))) != ISSUER_OK)
		crypto_wipe(out, sizeof *out);
out:
	crypto_wipe(&row, sizeof row);
	return rc;
}

int issuer_card_view(issuer *is, const struct store_card *c, struct issuer_card *out)
{
	struct ledger_account a;
	int rc;

	if ((rc = issuer_from_ledger(ledger_account_get(is->s, c->account_id, &a))) != ISSUER_OK)
		return rc;
	memset(out, 0, sizeof *out);
	out->id = c->id;
	out->account_id = c->account_id;
	snprintf(out->masked, sizeof out->masked, "%s", c->masked);
	snprintf(out->last4, sizeof out->last4, "%s", c->last4);
	out->product = (enum card_product)c->product;
	out->status = (enum issuer_card_status)c->status;
	snprintf(out->expiry, sizeof out->expiry, "%s", c->expiry);
	snprintf(out->service_code, sizeof out->service_code, "%s", c->service_code);
	out->chip = c->chip;
	if ((rc = issuer_holder(is, c, out->holder, sizeof out->holder)) != ISSUER_OK)
		return rc;
	snprintf(out->language, sizeof out->language, "%s", c->language);
	out->pin_tries = c->pin_tries;
	out->replaced_by = c->replaced_by;
	out->created_at = c->created_at;
	out->available = ledger_available(&a);
	out->balance = a.credits_posted - a.debits_posted;
	out->held = a.debits_pending;
	out->currency = a.currency;
	return ISSUER_OK;
}

/* The stored card of a full PAN or its last four digits. */
static int find_row(issuer *is, const char *pan_or_last4, struct store_card *row)
{
	char hash[STORE_HASH_HEX + 1];
	int count, rc;

	if (is_digits(pan_or_last4, 4, 4)) {
		rc = issuer_from_store(store_card_by_last4(is->s, pan_or_last4, row, &count));
		return rc == ISSUER_OK && count > 1 ? ISSUER_EAMBIGUOUS : rc;
	}
	if (!is_digits(pan_or_last4, CARD_PAN_MIN, CARD_PAN_MAX))
		return ISSUER_EARG;
	if ((rc = issuer_pan_hash(is, pan_or_last4, hash)) != ISSUER_OK)
		return rc;
	return issuer_from_store(store_card_by_hash(is->s, hash, row));
}

int issuer_card_find(issuer *is, const char *pan_or_last4, struct issuer_card *out)
{
	struct store_card row;
	int rc = find_row(is, pan_or_last4, &row);

	if (rc == ISSUER_OK)
		rc = issuer_card_view(is, &row, out);
	crypto_wipe(&row, sizeof row);
	return rc;
}

int issuer_card_get(issuer *is, int64_t id, struct issuer_card *out)
{
	struct store_card row;
	int rc = issuer_from_store(store_card_get(is->s, id, &row));

	if (rc == ISSUER_OK)
		rc = issuer_card_view(is, &row, out);
	crypto_wipe(&row, sizeof row);
	return rc;
}

int issuer_card_pan(issuer *is, int64_t id, char pan[CARD_PAN_MAX + 1])
{
	struct store_card row;
	int rc = issuer_from_store(store_card_get(is->s, id, &row));

	if (rc == ISSUER_OK)
		rc = issuer_unseal(is, row.pan_hash, &row.pan, pan, CARD_PAN_MAX + 1);
	crypto_wipe(&row, sizeof row);
	return rc;
}

/* Opens the transaction of a change to card id, which must not have been replaced, and reads
 * it into row; on failure nothing is left open. */
static int change_begin(issuer *is, int64_t id, struct store_card *row)
{
	int rc;

	if ((rc = issuer_from_store(store_begin(is->s))) != ISSUER_OK)
		return rc;
	if ((rc = issuer_from_store(store_card_get(is->s, id, row))) == ISSUER_OK &&
	    row->status == ISSUER_CARD_REPLACED)
		rc = ISSUER_ESTATE;
	if (rc != ISSUER_OK) {
		store_rollback(is->s);
		crypto_wipe(row, sizeof *row);
	}
	return rc;
}

/* Ends the transaction of a change: committed when rc is ISSUER_OK, else rolled back; row
 * wiped. */
static int change_end(issuer *is, int rc, struct store_card *row)
{
	if (rc != ISSUER_OK)
		store_rollback(is->s);
	else
		rc = issuer_from_store(store_commit(is->s));
	crypto_wipe(row, sizeof *row);
	return rc;
}

int issuer_card_set_status(issuer *is, int64_t id, enum issuer_card_status status, int64_t now)
{
	struct store_card row;
	int rc;

	if (status < ISSUER_CARD_ACTIVE || status > ISSUER_CARD_BLOCKED)
		return ISSUER_EARG;
	if ((rc = change_begin(is, id, &row)) != ISSUER_OK)
		return rc;
	row.status = status;
	if (status == ISSUER_CARD_ACTIVE)
		row.pin_tries = 0;
	row.updated_at = now;
	rc = issuer_from_store(store_card_update(is->s, &row));
	/* A card reported lost or stolen must be authenticated again once found
	 * (docs/architecture.md 5). */
	if (rc == ISSUER_OK && (status == ISSUER_CARD_LOST || status == ISSUER_CARD_STOLEN))
		rc = issuer_cardauth_invalidate(
		    is, id, status == ISSUER_CARD_LOST ? "card_lost" : "card_stolen");
	return change_end(is, rc, &row);
}

int issuer_card_set_phone(issuer *is, int64_t id, const char *phone, int64_t now)
{
	struct store_card row;
	int rc;

	if (!is_phone(phone))
		return ISSUER_EARG;
	if ((rc = change_begin(is, id, &row)) != ISSUER_OK)
		return rc;
	row.updated_at = now;
	if ((rc = issuer_seal(is, row.pan_hash, phone, &row.phone)) == ISSUER_OK &&
	    (rc = issuer_from_store(store_card_set_phone(is->s, &row))) == ISSUER_OK)
		rc = issuer_cardauth_invalidate(is, id, "phone_changed");
	return change_end(is, rc, &row);
}

int issuer_card_replace(issuer *is, int64_t id, const char *pin, const char *expiry, int64_t now,
                        struct issuer_card_image *out)
{
	struct store_card old, row;
	char id_number[ISSUER_ID_MAX + 1], phone[ISSUER_PHONE_MAX + 1], holder[ISSUER_NAME_MAX + 1];
	struct card_spec spec;
	int rc;

	if (out == NULL || (pin != NULL && !is_digits(pin, 4, HSM_PIN_MAX)) ||
	    (expiry != NULL && !issuer_expiry_current(expiry, now)))
		return ISSUER_EARG;
	if ((rc = change_begin(is, id, &old)) != ISSUER_OK)
		return rc;
	if ((rc = issuer_unseal(is, old.pan_hash, &old.id_number, id_number, sizeof id_number)) !=
	        ISSUER_OK ||
	    (rc = issuer_unseal(is, old.pan_hash, &old.phone, phone, sizeof phone)) != ISSUER_OK ||
	    (rc = issuer_holder(is, &old, holder, sizeof holder)) != ISSUER_OK)
		goto fail;
	spec = (struct card_spec){(enum card_product)old.product,
	                          old.chip,
	                          pin,
	                          expiry,
	                          holder,
	                          id_number,
	                          phone,
	                          old.language,
	                          old.account_id};
	if ((rc = make_card(is, &spec, now, &row, out)) != ISSUER_OK)
		goto fail;
	old.status = ISSUER_CARD_REPLACED;
	old.replaced_by = row.id;
	old.updated_at = now;
	if ((rc = issuer_from_store(store_card_update(is->s, &old))) != ISSUER_OK ||
	    (rc = issuer_cardauth_invalidate(is, old.id, "card_replaced")) != ISSUER_OK)
		goto fail;
	if ((rc = issuer_from_store(store_commit(is->s))) == ISSUER_OK)
		goto out;
fail:
	store_rollback(is->s);
	crypto_wipe(out, sizeof *out);
out:
	crypto_wipe(&old, sizeof old);
	crypto_wipe(&row, sizeof row);
	crypto_wipe(id_number, sizeof id_number);
	crypto_wipe(phone, sizeof phone);
	crypto_wipe(holder, sizeof holder);
	return rc;
}

struct list_ctx {
	issuer *is;
	int (*fn)(void *ctx, const struct issuer_card *c);
	void *ctx;
	int rc;
};

static int list_one(void *ctx, const struct store_card *row)
{
	struct list_ctx *l = ctx;
	struct issuer_card c;

	if ((l->rc = issuer_card_view(l->is, row, &c)) != ISSUER_OK)
		return 1;
	return l->fn(l->ctx, &c);
}

/* Each card, or those ending in last4 (NULL: all), through fn. */
static int list_cards(issuer *is, const char *last4,
                      int (*fn)(void *ctx, const struct issuer_card *c), void *ctx)
{
	struct list_ctx l = {is, fn, ctx, ISSUER_OK};
	int rc = last4 == NULL ? store_card_each(is->s, list_one, &l)
	                       : store_card_each_last4(is->s, last4, list_one, &l);

	if (l.rc != ISSUER_OK)
		return l.rc;
	return rc < 0 ? issuer_from_store(rc) : rc;
}

int issuer_card_list(issuer *is, int (*fn)(void *ctx, const struct issuer_card *c), void *ctx)
{
	return list_cards(is, NULL, fn, ctx);
}

int issuer_card_list_last4(issuer *is, const char *last4,
                           int (*fn)(void *ctx, const struct issuer_card *c), void *ctx)
{
	return last4 == NULL ? ISSUER_EARG : list_cards(is, last4, fn, ctx);
}

static int move_funds(issuer *is, int64_t card_id, bool credit, int64_t amount, int64_t now)
{
	struct store_card row;
	int rc;

	if (amount <= 0)
		return ISSUER_EARG;
	if ((rc = issuer_from_store(store_card_get(is->s, card_id, &row))) != ISSUER_OK)
		return rc;
	rc = fund(is, row.account_id, credit, amount, now);
	crypto_wipe(&row, sizeof row);
	return rc;
}

int issuer_account_credit(issuer *is, int64_t card_id, int64_t amount, int64_t now)
{
	return move_funds(is, card_id, true, amount, now);
}

int issuer_account_debit(issuer *is, int64_t card_id, int64_t amount, int64_t now)
{
	return move_funds(is, card_id, false, amount, now);
}

int issuer_bin_product(const issuer *is, const char *pan)
{
	const struct card_bin_range *r;

	if (is == NULL || pan == NULL ||
	    card_bin_lookup(is->cfg.bins, is->cfg.n_bins, pan, &r) != CARD_OK)
		return 0;
	return (int)r->product;
}

/* The settlement account before the card: every payment of every card locks it, so a decision
 * that held its card's row while it waited for the settlement account could deadlock with a
 * host's batch holding the settlement account that asks for that card next; in this order a
 * host waits for the other's commit holding nothing of this decision's. */
int issuer_card_lock(struct issuer_decision *d, int64_t id, const char *hash)
{
	if (ledger_account_hold(d->is->s, d->is->settlement) != LEDGER_OK)
		return STORE_EIO;
	return hash != NULL ? store_card_lock_by_hash(d->is->s, hash, &d->card)
	                    : store_card_lock(d->is->s, id, &d->card);
}
