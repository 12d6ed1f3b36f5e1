/* http_fixture.h — what the HTTP API's tests share: the time they run at and a merchant row
 * in the acquirer's table, for a merchant's token to name. Test code only. */
#ifndef POSSUM_TEST_HTTP_FIXTURE_H
#define POSSUM_TEST_HTTP_FIXTURE_H

#include "store/store_fixture.h"

#include <stdio.h>

#include "store/store_acquirer.h"

#define T_NOW 1796040000 /* 2026-11-30T12:00:00Z */

static inline void http_fixture_merchant(store *s, const char *mid)
{
	struct store_merchant m = {.status = STORE_MERCHANT_ACTIVE, .created_at = T_NOW};

	snprintf(m.mid, sizeof m.mid, "%s", mid);
	snprintf(m.name, sizeof m.name, "Shop");
	snprintf(m.mcc, sizeof m.mcc, "5411");
	assert_int_equal(store_merchant_insert(s, &m), STORE_OK);
}

#endif
