/* cardauth.c — card authentication (卡鉴权, docs/cup-pos.md "Card authentication"): step 1
 * compares the four elements (holder name, ID number, card, reserved phone) with the issuer's
 * record, never saying which one differs, and sends a one-time code to the reserved phone;
 * step 2 checks the code. A code is 6 digits, valid for otp_ttl seconds and otp_tries tries,
 * kept only as a keyed hash; a card may start auth_per_day authentications a day, matching or
 * not, so the elements cannot be guessed one by one. The code leaves with the response, for the
 * caller to send after its commit (issuer_send_pending, notice.c). */
#include "issuer/internal.h"

#include <openssl/crypto.h>
#include <stdio.h>
#include <string.h>
#include <time.h>

#include "crypto/crypto.h"
#include "rcode/rcode.h"

/* The keyed hash of a code, bound to its card and authentication so that a hash cannot be
 * reused for another. */
static int otp_hash(issuer *is, int64_t card_id, int64_t started_at, const char *otp,
                    char out[STORE_HASH_HEX + 1])
{
	char text[64];
	int rc;

	snprintf(text, sizeof text, "otp|%lld|%lld|%s", (long long)card_id, (long long)started_at,
	         otp);
	rc = issuer_keyed_hash(is, text, out);
	crypto_wipe(text, sizeof text);
	return rc;
}

/* Whether a stored secret equals the one given, reading both whole. */
static bool same_secret(const char *a, const char *b)
{
	size_t n = strlen(a);

	return n == strlen(b) && CRYPTO_memcmp(a, b, n) == 0;
}

static int start(struct issuer_decision *d)
{
	const struct request *r = d->req;
	issuer *is = d->is;
	struct store_card_day day;
	char id_number[ISSUER_ID_MAX + 1] = "", holder[ISSUER_NAME_MAX + 1] = "";
	int matches;
	int rc;

	if ((rc = store_card_day_get(is->s, d->card.id, issuer_day(is, d->now), &day)) != STORE_OK)
		return issuer_from_store(rc);
	if (day.auths >= is->cfg.auth_per_day)
		return issuer_decide(d, RCODE_COUNT_LIMIT, "cardauth_daily_limit");
	d->day.auths = 1;
	if (!issuer_present(r->holder) || !issuer_present(r->id_number) ||
	    !issuer_present(r->phone))
		return issuer_decide(d, RCODE_HOLDER_AUTH_FAILED, "elements_missing");
	if ((rc = issuer_unseal(is, d->card.pan_hash, &d->card.id_number, id_number,
	                        sizeof id_number)) != ISSUER_OK ||
	    (rc = issuer_unseal(is, d->card.pan_hash, &d->card.phone, d->phone, sizeof d->phone)) !=
	        ISSUER_OK ||
	    (rc = issuer_holder(is, &d->card, holder, sizeof holder)) != ISSUER_OK)
		goto out;
	/* All three compared whatever the first gives: the time taken says nothing of which. */
	matches = (int)same_secret(holder, r->holder) + (int)same_secret(id_number, r->id_number) +
	          (int)same_secret(d->phone, r->phone);
	if (matches != 3) {
		rc = issuer_decide(d, RCODE_HOLDER_AUTH_FAILED, "elements_differ");
		goto out;
	}
	d->auth = (struct store_cardauth){.card_id = d->card.id,
	                                  .state = STORE_CARDAUTH_PENDING,
	                                  .started_at = d->now,
	                                  .otp_expires = d->now + is->cfg.otp_ttl};
	/* The code leaves with the response: the caller sends it once the decision is committed. */
	if ((rc = issuer_random_digits(d->resp->otp, ISSUER_OTP_LEN)) != ISSUER_OK ||
	    (rc = otp_hash(is, d->card.id, d->now, d->resp->otp, d->auth.otp_hash)) != ISSUER_OK)
		goto out;
	d->auth_new = true;
	snprintf(d->resp->message, sizeof d->resp->message, "OTP SENT");
	rc = issuer_decide(d, RCODE_APPROVED, "otp_sent");
out:
	crypto_wipe(id_number, sizeof id_number);
	crypto_wipe(holder, sizeof holder);
	return rc;
}

static int confirm(struct issuer_decision *d)
{
	const struct request *r = d->req;
	issuer *is = d->is;
	struct ledger_account a;
	char hash[STORE_HASH_HEX + 1];
	int rc = store_cardauth_latest(is->s, d->card.id, false, &d->auth);

	if (rc == STORE_ENOTFOUND || (rc == STORE_OK && d->auth.state != STORE_CARDAUTH_PENDING))
		return issuer_decide(d, RCODE_HOLDER_AUTH_FAILED, "no_code_pending");
	if (rc != STORE_OK)
		return issuer_from_store(rc);
	d->auth_changed = true;
	if (d->now > d->auth.otp_expires) {
		d->auth.state = STORE_CARDAUTH_FAILED;
		snprintf(d->auth.reason, sizeof d->auth.reason, "code_expired");
		return issuer_decide(d, RCODE_HOLDER_AUTH_FAILED, "code_expired");
	}
	if (!issuer_present(r->otp) || strlen(r->otp) != ISSUER_OTP_LEN ||
	    (rc = otp_hash(is, d->card.id, d->auth.started_at, r->otp, hash)) != ISSUER_OK ||
	    !same_secret(hash, d->auth.otp_hash)) {
		if (rc != ISSUER_OK)
			return rc;
		if (++d->auth.tries >= is->cfg.otp_tries) {
			d->auth.state = STORE_CARDAUTH_FAILED;
			snprintf(d->auth.reason, sizeof d->auth.reason, "code_tries");
		}
		return issuer_decide(d, RCODE_HOLDER_AUTH_FAILED, "code_wrong");
	}
	d->auth.state = STORE_CARDAUTH_VERIFIED;
	d->auth.verified_at = d->now;
	d->auth.valid_until = d->now + (int64_t)is->cfg.auth_valid_days * 86400;
	/* docs/cup-pos.md: with an amount, whether the funds cover it, never the balance. */
	if (r->amount > 0) {
		if ((rc = ledger_account_get(is->s, d->card.account_id, &a)) != LEDGER_OK)
			return issuer_ledger_failure(rc);
		if (ledger_available(&a) < r->amount)
			return issuer_decide(d, RCODE_INSUFFICIENT_FUNDS,
			                     "authenticated_funds_short");
	}
	return issuer_decide(d, RCODE_APPROVED, "authenticated");
}

int issuer_cardauth(struct issuer_decision *d)
{
	return d->req->type == REQUEST_CARDAUTH_START ? start(d) : confirm(d);
}

int issuer_cardauth_invalidate(issuer *is, int64_t card_id, const char *reason)
{
	struct store_cardauth a;
	/* The one the card stands on, even with a newer attempt pending: a change of phone while
	 * someone is trying must still void it. */
	int rc = store_cardauth_latest(is->s, card_id, true, &a);

	if (rc == STORE_ENOTFOUND || (rc == STORE_OK && a.state != STORE_CARDAUTH_VERIFIED))
		return ISSUER_OK;
	if (rc != STORE_OK)
		return issuer_from_store(rc);
	a.state = STORE_CARDAUTH_INVALID;
	snprintf(a.reason, sizeof a.reason, "%s", reason);
	return issuer_from_store(store_cardauth_update(is->s, &a));
}

int issuer_cardauth_revoke(issuer *is, int64_t id)
{
	struct store_card row;
	int rc;

	if ((rc = issuer_from_store(store_begin(is->s))) != ISSUER_OK)
		return rc;
	if ((rc = issuer_from_store(store_card_get(is->s, id, &row))) != ISSUER_OK ||
	    (rc = issuer_cardauth_invalidate(is, id, "risk_revoked")) != ISSUER_OK ||
	    (rc = issuer_from_store(store_commit(is->s))) != ISSUER_OK)
		store_rollback(is->s);
	crypto_wipe(&row, sizeof row);
	return rc;
}

/* The state of card's latest verified authentication at now. */
static int state_of(issuer *is, const struct store_card *card, int64_t now,
                    enum issuer_cardauth_state *state, char reason[32])
{
	struct store_cardauth a;
	int rc;

	*state = ISSUER_CARDAUTH_NONE;
	reason[0] = '\0';
	/* A newer attempt, pending or failed, neither voids nor hides a verified one. */
	if ((rc = store_cardauth_latest(is->s, card->id, true, &a)) == STORE_ENOTFOUND)
		return ISSUER_OK;
	if ((rc = issuer_from_store(rc)) != ISSUER_OK)
		return rc;
	if (a.state == STORE_CARDAUTH_INVALID) {
		*state = ISSUER_CARDAUTH_INVALID;
		snprintf(reason, 32, "%s", a.reason);
	} else if (a.state == STORE_CARDAUTH_VERIFIED) {
		*state = ISSUER_CARDAUTH_INVALID;
		if (a.valid_until <= now)
			snprintf(reason, 32, "expired");
		else if (!issuer_expiry_current(card->expiry, now))
			snprintf(reason, 32, "card_expired");
		else
			*state = ISSUER_CARDAUTH_VALID;
	}
	return ISSUER_OK;
}

int issuer_cardauth_state(issuer *is, const char *pan, int64_t now,
                          enum issuer_cardauth_state *state, char reason[32])
{
	char hash[STORE_HASH_HEX + 1];
	struct store_card card;
	int rc;

	if (is == NULL || pan == NULL || state == NULL || reason == NULL)
		return ISSUER_EARG;
	*state = ISSUER_CARDAUTH_NONE;
	reason[0] = '\0';
	if ((rc = issuer_pan_hash(is, pan, hash)) != ISSUER_OK)
		return rc;
	if ((rc = issuer_from_store(store_card_by_hash(is->s, hash, &card))) == ISSUER_OK)
		rc = state_of(is, &card, now, state, reason);
	crypto_wipe(&card, sizeof card);
	crypto_wipe(hash, sizeof hash);
	return rc;
}

int issuer_cardauth_state_id(issuer *is, int64_t id, int64_t now, enum issuer_cardauth_state *state,
                             char reason[32])
{
	struct store_card card;
	int rc;

	if (is == NULL || state == NULL || reason == NULL)
		return ISSUER_EARG;
	*state = ISSUER_CARDAUTH_NONE;
	reason[0] = '\0';
	if ((rc = issuer_from_store(store_card_get(is->s, id, &card))) == ISSUER_OK)
		rc = state_of(is, &card, now, state, reason);
	crypto_wipe(&card, sizeof card);
	return rc;
}
