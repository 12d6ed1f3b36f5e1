/* identity.c — who the terminal says it is (docs/cup-pos.md "Terminal identity"): field 59's
 * A2 — its device type, SN and the version it runs, with a card's random factor, the SN's
 * ciphertext and its location — for the sign-in, the card requests and the update's report;
 * and the version it runs, the term_tms row "pkg"'s (update.c installs it; TERM_APP_VERSION
 * before any update). */
#include "term/internal.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "common/hex.h"

int term_pkg_get(store *s, struct store_term_tms *row)
{
	int rc;

	memset(row, 0, sizeof *row);
	snprintf(row->name, sizeof row->name, "pkg");
	rc = store_term_tms_get(s, row);
	if (rc == STORE_ENOTFOUND) {
		memset(row, 0, sizeof *row);
		snprintf(row->name, sizeof row->name, "pkg");
		return TERM_OK;
	}
	return rc == STORE_OK ? TERM_OK : TERM_ESTORE;
}

int term_app_version(term *t, char out[9])
{
	struct store_term_tms *row = malloc(sizeof *row);
	int rc = TERM_ESTORE;

	if (row != NULL && (rc = term_pkg_get(t->s, row)) == TERM_OK)
		snprintf(out, 9, "%s", row->version[0] != '\0' ? row->version : TERM_APP_VERSION);
	free(row);
	return rc;
}

int term_identity(term *t, const char *pan, char *out, size_t cap)
{
	uint8_t data[sizeof t->st.sn + 6], mac[4];
	char hex[9], body[192], version[9];
	size_t n = strlen(t->st.sn), at;
	int rc;

	if ((rc = term_app_version(t, version)) != TERM_OK)
		return rc;
	at = (size_t)snprintf(body, sizeof body, "010020202%03zu%s", n, t->st.sn);
	if (pan != NULL) {
		/* The factor is the card's; the SN's MAC over the SN and it (algorithm 1). */
		const char *factor = pan + strlen(pan) - 6;

		memcpy(data, t->st.sn, n);
		memcpy(data + n, factor, 6);
		if ((rc = hsm_mac_generate(t->h, &t->tdk, HSM_MAC_ALG1, data, n + 6, mac,
		                           sizeof mac)) != HSM_OK)
			return term_from_hsm(rc);
		hex_encode(mac, sizeof mac, hex, sizeof hex);
		at += (size_t)snprintf(body + at, sizeof body - at, "03006%s04008%s", factor, hex);
	}
	at += (size_t)snprintf(body + at, sizeof body - at, "05%03zu%s", strlen(version), version);
	/* Where it is, when set up with a location (docs/cup-pos.md: purchase and pre-auth). */
	if (pan != NULL && t->st.location[0] != '\0')
		snprintf(body + at, sizeof body - at, "06%03zu%s", strlen(t->st.location),
		         t->st.location);
	snprintf(out, cap, "A2%03zu%s", strlen(body), body);
	return TERM_OK;
}
