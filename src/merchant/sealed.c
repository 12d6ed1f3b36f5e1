/* sealed.c — what the merchant module keeps only sealed or masked: the representative's ID
 * number and the merchant's phone, each under the module's data key with its application's
 * number as associated data (so that a sealed value moved to another row does not open),
 * and the masked forms shown and stored beside them. */
#include "merchant/internal.h"

#include <stdio.h>
#include <string.h>

void merchant_mask(const char *in, char *out, size_t cap)
{
	size_t n = strnlen(in, cap - 1);

	memset(out, '*', n);
	out[n] = '\0';
	if (n >= 3 + 4 + 4) {
		memcpy(out, in, 3);
		memcpy(out + n - 4, in + n - 4, 4);
	}
}

/* The associated data that ties a sealed field ("rep_id", "phone") to its application. */
static size_t field_aad(const char *field, int64_t id, char aad[40])
{
	return (size_t)snprintf(aad, 40, "merchant.%s:%lld", field, (long long)id);
}

int merchant_seal(merchant *m, const char *field, int64_t id, const char *text,
                  struct store_sealed *out)
{
	char aad[40];
	size_t aad_len = field_aad(field, id, aad);

	return hsm_data_encrypt(m->h, &m->data, (const uint8_t *)aad, aad_len,
	                        (const uint8_t *)text, strlen(text), out->v, sizeof out->v,
	                        &out->len) == HSM_OK
	           ? MERCHANT_OK
	           : MERCHANT_EHSM;
}

int merchant_unseal_phone(merchant *m, struct store_merchant_app *a)
{
	char aad[40];
	size_t aad_len = field_aad("phone", a->id, aad), n;

	if (a->phone_sealed.len == 0) { /* a row of before the phones were sealed */
		snprintf(a->phone, sizeof a->phone, "%s", a->phone_masked);
		return MERCHANT_OK;
	}
	if (hsm_data_decrypt(m->h, &m->data, (const uint8_t *)aad, aad_len, a->phone_sealed.v,
	                     a->phone_sealed.len, (uint8_t *)a->phone, sizeof a->phone - 1,
	                     &n) != HSM_OK)
		return MERCHANT_EHSM;
	a->phone[n] = '\0';
	return MERCHANT_OK;
}

int merchant_seal_phone(merchant *m, struct store_merchant_app *a)
{
	merchant_mask(a->phone, a->phone_masked, sizeof a->phone_masked);
	return merchant_seal(m, "phone", a->id, a->phone, &a->phone_sealed);
}
