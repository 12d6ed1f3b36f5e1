/* notify_fixture.h — what the notifications' test executables share: a store in a fresh
 * temporary directory (store_fixture.h), an hsm on a fixed test LMK with a data key for the
 * outbox's phones, and a message as a payment would make it. Test code only. */
#ifndef POSSUM_TEST_NOTIFY_FIXTURE_H
#define POSSUM_TEST_NOTIFY_FIXTURE_H

#include "store/store_fixture.h"

#include "hsm/hsm.h"
#include "notify/notify.h"

#define T_NOW   1795314600 /* 2026-11-22 02:30 UTC: 11-22 10:30 in Beijing */
#define T_PHONE "13912345678"

struct notify_fixture {
	struct store_fixture sf;
	hsm *h;
	hsm_key key, other_key;
};

static inline int notify_fixture_setup(void **state)
{
	static const uint8_t lmk[HSM_LMK_LEN] = {0x01, 0x23, 0x45, 0x67, 0x89, 0xAB, 0xCD, 0xEF,
	                                         0xFE, 0xDC, 0xBA, 0x98, 0x76, 0x54, 0x32, 0x10,
	                                         0x0F, 0x1E, 0x2D, 0x3C, 0x4B, 0x5A, 0x69, 0x78,
	                                         0x87, 0x96, 0xA5, 0xB4, 0xC3, 0xD2, 0xE1, 0xF0};
	static const struct hsm_key_spec d0 = {"D0", HSM_AES, 32, 'B', 'N'};
	struct notify_fixture *f;
	void *sf;

	if (store_fixture_setup(&sf) != 0 || (f = calloc(1, sizeof *f)) == NULL)
		return -1;
	f->sf = *(struct store_fixture *)sf;
	free(sf);
	if (hsm_open(lmk, &f->h) != HSM_OK || hsm_generate(f->h, &d0, &f->key, NULL) != HSM_OK ||
	    hsm_generate(f->h, &d0, &f->other_key, NULL) != HSM_OK)
		return -1;
	*state = f;
	return 0;
}

static inline int notify_fixture_teardown(void **state)
{
	struct notify_fixture *f = *state;
	struct store_fixture *sf = malloc(sizeof *sf);
	void *p = sf;

	hsm_close(f->h);
	if (sf == NULL)
		return -1;
	*sf = f->sf;
	free(f);
	return store_fixture_teardown(&p);
}

static inline struct notify_message test_message(void)
{
	return (struct notify_message){.kind = NOTIFY_PURCHASE,
	                               .last4 = "1234",
	                               .merchant = "某某商户",
	                               .amount = 1234,
	                               .currency = 156,
	                               .at = T_NOW,
	                               .utc_offset = 480,
	                               .language = "zh",
	                               .phone = T_PHONE};
}

#endif
