/* acquirer.c — the acquirer: opening it, registering merchants, and the batches requests are
 * committed in (acquirer.h). Terminals are registered by the merchant module
 * (merchant_terminal_register). */
#include "acquirer/internal.h"

#include <openssl/rand.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "common/hex.h"
#include "crypto/crypto.h"
#include "rcode/rcode.h"
#include "store/store_acquirer.h"

const struct hsm_key_spec acquirer_key_specs[2] = {{"M7", HSM_HMAC, 32, 'C', 'N'},
                                                   {"D0", HSM_AES, 32, 'B', 'N'}};
const char *const acquirer_key_names[2] = {"acquirer.pan_hash", "acquirer.data"};

const char *acquirer_strerror(int rc)
{
	switch (rc) {
	case ACQUIRER_OK:
		return "ok";
	case ACQUIRER_EARG:
		return "invalid argument";
	case ACQUIRER_ESTORE:
		return "store failure";
	case ACQUIRER_EHSM:
		return "hsm failure";
	case ACQUIRER_ENOTFOUND:
		return "no such merchant";
	case ACQUIRER_EEXIST:
		return "already registered";
	case ACQUIRER_ENOMEM:
		return "out of memory";
	case ACQUIRER_EINDOUBT:
		return "the commit's sync failed: done or not, unknown";
	default:
		return "unknown error";
	}
}

int acquirer_from_store(int rc)
{
	switch (rc) {
	case STORE_OK:
		return ACQUIRER_OK;
	case STORE_ENOTFOUND:
		return ACQUIRER_ENOTFOUND;
	case STORE_EEXIST:
		return ACQUIRER_EEXIST;
	case STORE_ENOMEM:
		return ACQUIRER_ENOMEM;
	case STORE_EINDOUBT:
		return ACQUIRER_EINDOUBT;
	default:
		return ACQUIRER_ESTORE;
	}
}

int acquirer_decide(struct txn *t, const char *rc, const char *reason)
{
	snprintf(t->rc, sizeof t->rc, "%s", rc);
	snprintf(t->reason, sizeof t->reason, "%s", reason);
	return STAGE_RESPOND;
}

int acquirer_translate_pin(struct txn *t, const hsm_key *to, uint8_t out[REQUEST_PIN_BLOCK])
{
	hsm_key pik;
	int rc;

	if (hsm_key_set(&pik, t->term.pik) != HSM_OK)
		return ACQUIRER_EHSM;
	rc = hsm_translate_pin(t->a->h, &pik, to, t->rq.pin_block, t->rq.card.pan, out);
	crypto_wipe(&pik, sizeof pik);
	if (rc == HSM_EPINBLOCK || rc == HSM_EPAN)
		return acquirer_decide(t, RCODE_PIN_FORMAT, "pin_block");
	return rc == HSM_OK ? ACQUIRER_OK : ACQUIRER_EHSM;
}

void acquirer_transmit_time(int64_t at, char out[11])
{
	time_t tt = (time_t)at;
	struct tm tm;

	gmtime_r(&tt, &tm);
	strftime(out, 11, "%m%d%H%M%S", &tm);
}

int acquirer_pan_hash(struct txn *t, const char *pan)
{
	uint8_t hash[HSM_PAN_HASH_LEN];

	if (hsm_pan_hash(t->a->h, &t->a->pan_hash, pan, hash) != HSM_OK)
		return ACQUIRER_EHSM;
	hex_encode(hash, sizeof hash, t->pan_hash, sizeof t->pan_hash);
	return ACQUIRER_OK;
}

void acquirer_config_defaults(struct acquirer_config *cfg)
{
	*cfg = (struct acquirer_config){0};
	snprintf(cfg->institution, sizeof cfg->institution, "48020000");
	cfg->utc_offset = 480;
	settle_calendar_defaults(&cfg->settle);
	snprintf(cfg->qr_guid, sizeof cfg->qr_guid, "cn.possum");
}

int acquirer_open(store *s, hsm *h, issuer *is, const hsm_key *zpk, const hsm_key *pan_hash,
                  const struct acquirer_config *cfg, acquirer **out)
{
	const iso8583_profile *dialect = iso8583_profile_find("cup-pos");
	acquirer *a;

	if (s == NULL || h == NULL || is == NULL || zpk == NULL || pan_hash == NULL ||
	    cfg == NULL || out == NULL || dialect == NULL ||
	    settle_calendar_check(&cfg->settle) != SETTLE_OK || cfg->utc_offset < -1440 ||
	    cfg->utc_offset > 1440)
		return ACQUIRER_EARG;
	if ((a = calloc(1, sizeof *a)) == NULL)
		return ACQUIRER_ENOMEM;
	*a = (struct acquirer){.s = s,
	                       .h = h,
	                       .is = is,
	                       .zpk = *zpk,
	                       .pan_hash = *pan_hash,
	                       .cfg = *cfg,
	                       .dialect = dialect};
	*out = a;
	return ACQUIRER_OK;
}

void acquirer_set_data_key(acquirer *a, const hsm_key *key)
{
	a->data = *key;
	a->has_data = key->len > 0;
}

void acquirer_set_tms(acquirer *a, struct tms *t)
{
	a->tms = t;
}

void acquirer_close(acquirer *a)
{
	if (a == NULL)
		return;
	acquirer_drop_pending(a, 0);
	free(a->pending);
	crypto_wipe(a, sizeof *a);
	free(a);
}

/* n random decimal digits and a NUL. */
static int random_digits(char *out, size_t n)
{
	for (size_t i = 0; i < n; i++) {
		unsigned char b;

		/* 250 = 25 × 10: bytes above it are drawn again, so each digit is as likely. */
		do
			if (RAND_bytes(&b, 1) != 1)
				return ACQUIRER_EHSM;
		while (b >= 250);
		out[i] = (char)('0' + b % 10);
	}
	out[n] = '\0';
	return ACQUIRER_OK;
}

static bool alnum(const char *s, size_t n)
{
	const char *set = "0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz";

	return strlen(s) == n && strspn(s, set) == n;
}

int acquirer_merchant_add(acquirer *a, const char *name, const char *mcc, const char *mid,
                          int64_t now, char out[ACQUIRER_MID_LEN + 1])
{
	struct store_merchant m = {.status = STORE_MERCHANT_ACTIVE, .created_at = now};
	int rc;

	if (a == NULL || name == NULL || mcc == NULL || out == NULL || name[0] == '\0' ||
	    strlen(name) >= sizeof m.name || strlen(mcc) != 4 || strspn(mcc, "0123456789") != 4 ||
	    (mid != NULL && !alnum(mid, ACQUIRER_MID_LEN)))
		return ACQUIRER_EARG;
	snprintf(m.name, sizeof m.name, "%s", name);
	snprintf(m.mcc, sizeof m.mcc, "%s", mcc);
	if (mid != NULL) {
		snprintf(m.mid, sizeof m.mid, "%s", mid);
	} else {
		memcpy(m.mid, "898", 3);
		if ((rc = random_digits(m.mid + 3, ACQUIRER_MID_LEN - 3)) != ACQUIRER_OK)
			return rc;
	}
	if ((rc = acquirer_from_store(store_merchant_insert(a->s, &m))) == ACQUIRER_OK)
		memcpy(out, m.mid, sizeof m.mid);
	return rc;
}

void acquirer_drop_pending(acquirer *a, size_t mark)
{
	if (mark >= a->n_pending)
		return;
	crypto_wipe(a->pending + mark, (a->n_pending - mark) * sizeof *a->pending);
	a->n_pending = mark;
}

void acquirer_send_pending(acquirer *a)
{
	for (size_t i = 0; i < a->n_pending; i++)
		issuer_send_pending(a->is, &a->pending[i]);
	acquirer_drop_pending(a, 0);
}

int acquirer_begin(acquirer *a)
{
	acquirer_drop_pending(a, 0); /* a batch that never committed sends nothing */
	return acquirer_from_store(store_begin(a->s));
}

int acquirer_commit(acquirer *a)
{
	int rc = acquirer_from_store(store_commit(a->s));

	/* Only what is committed is sent: a code the issuer could not check never leaves. */
	if (rc == ACQUIRER_OK)
		acquirer_send_pending(a);
	else
		acquirer_drop_pending(a, 0);
	return rc;
}
