/* terminal.c — who sends the request: the terminal, known and active, of its merchant, signed
 * in where the transaction needs working keys, its identity (field 59: the SN of its binding and
 * its ciphertext) and the MAC of the request under its working key. */
#include "acquirer/internal.h"

#include <stdio.h>
#include <string.h>

#include "common/geo.h"
#include "common/hex.h"
#include "crypto/crypto.h"
#include "rcode/rcode.h"

/* Whether factor is the last six digits of the request's card number (field 2, else the PAN
 * of track 2); true when the request names no card. */
static bool factor_is_card(struct txn *t, const char *factor)
{
	char pan[CARD_TRACK2_MAX + 1];
	size_t n;

	if (iso8583_get(&t->iso, 2, pan, sizeof pan, NULL) != ISO8583_OK &&
	    iso8583_get(&t->iso, 35, pan, sizeof pan, NULL) != ISO8583_OK)
		return true;
	n = card_pan_len(pan);
	pan[n] = '\0';
	return n >= 6 && strcmp(pan + n - 6, factor) == 0;
}

/* docs/cup-pos.md "Terminal identity": 04 is the first 4 bytes of ISO 9797-1 algorithm 1
 * under the track key over the SN and the random factor (03), as 8 hex characters. */
static int sn_ciphertext(struct txn *t, const char *f59, const char *sn)
{
	char factor[7], text[9], data[ACQUIRER_SN_MAX + 6 + 1];
	uint8_t mac[4];
	size_t len;
	hsm_key tdk;
	int rc;

	if (!acquirer_f59_sub(f59, "03", factor, sizeof factor) || strlen(factor) != 6 ||
	    !acquirer_f59_sub(f59, "04", text, sizeof text) ||
	    hex_decode(text, strlen(text), mac, sizeof mac, &len) != HEX_OK || len != sizeof mac)
		return acquirer_decide(t, RCODE_NOT_PERMITTED_TERMINAL, "sn_ciphertext");
	/* The factor is the card's: a ciphertext made once for one card is not good for another. */
	if (!factor_is_card(t, factor))
		return acquirer_decide(t, RCODE_NOT_PERMITTED_TERMINAL, "sn_factor");
	if (hsm_key_set(&tdk, t->term.tdk) != HSM_OK)
		return ACQUIRER_EHSM;
	len = (size_t)snprintf(data, sizeof data, "%s%s", sn, factor);
	rc = hsm_mac_verify(t->a->h, &tdk, HSM_MAC_ALG1, (const uint8_t *)data, len, mac,
	                    sizeof mac);
	crypto_wipe(&tdk, sizeof tdk);
	if (rc == HSM_EVERIFY)
		return acquirer_decide(t, RCODE_NOT_PERMITTED_TERMINAL, "sn_ciphertext");
	return rc == HSM_OK ? STAGE_NEXT : ACQUIRER_EHSM;
}

/* A risk event about the request's terminal (docs/architecture.md flow 2), kept with the request's
 * answer, and the answer 58. */
static int refuse_risk(struct txn *t, const char *kind, const char *reported, const char *bound)
{
	struct store_risk_event e = {.at = t->now};
	int rc;

	snprintf(e.kind, sizeof e.kind, "%s", kind);
	snprintf(e.tid, sizeof e.tid, "%s", t->tid);
	snprintf(e.detail, sizeof e.detail, "reported '%s', bound '%s'", reported, bound);
	/* What the terminal sent is shown, not obeyed: nothing unprintable reaches the row. */
	for (char *c = e.detail; *c != '\0'; c++)
		if (*c < 0x20 || *c == 0x7F)
			*c = '?';
	if ((rc = store_risk_event_add(t->a->s, &e)) != STORE_OK)
		return acquirer_from_store(rc);
	return acquirer_decide(t, RCODE_NOT_PERMITTED_TERMINAL,
	                       strcmp(kind, "sn_mismatch") == 0    ? "sn_differs"
	                       : strcmp(kind, "mid_mismatch") == 0 ? "merchant_differs"
	                                                           : kind);
}

/* The application version of 59.A2.05 (an8, padded with spaces) into t->version. */
static void reported_version(struct txn *t, const char *f59)
{
	size_t n;

	if (!acquirer_f59_sub(f59, "05", t->version, sizeof t->version))
		return;
	n = strlen(t->version);
	while (n > 0 && t->version[n - 1] == ' ')
		t->version[--n] = '\0';
	for (size_t i = 0; i < n; i++)
		if (t->version[i] < 0x21 || t->version[i] > 0x7E)
			t->version[i] = '?';
}

/* The location of 59.A2.06 ("LAT,LON" in micro-degrees) into t, on a purchase or a
 * pre-authorization: absent, none; anything but two numbers in range is a format error (30). */
static int reported_location(struct txn *t, const char *f59)
{
	char text[1000];

	if (t->type->request != REQUEST_PURCHASE && t->type->request != REQUEST_PREAUTH)
		return STAGE_NEXT;
	if (!acquirer_f59_sub(f59, "06", text, sizeof text))
		return STAGE_NEXT;
	if (geo_parse(text, &t->location_lat, &t->location_lon) != GEO_OK)
		return acquirer_decide(t, RCODE_FORMAT_ERROR, "location");
	t->has_location = true;
	return STAGE_NEXT;
}

/* Fields 35 and 36 as sent (docs/cup-pos.md "Track encryption"): under the terminal's track
 * key when 53's third digit is 1, decrypted here before any check; in the clear only where
 * [acquirer] track_encryption = optional (30 track_not_encrypted). Either way a track of
 * anything but digits and '=' is 30 track_invalid, as is an encrypted one from a terminal
 * with no track key. */
static int read_tracks(struct txn *t)
{
	static const int fields[2] = {35, 36};
	char f53[17];
	bool enc;
	hsm_key tdk;
	size_t len;
	int rc = STAGE_NEXT;

	if (!iso8583_has(&t->iso, 35) && !iso8583_has(&t->iso, 36))
		return STAGE_NEXT;
	enc = iso8583_get(&t->iso, 53, f53, sizeof f53, NULL) == ISO8583_OK && f53[2] == '1';
	if (!enc && !t->a->cfg.track_optional)
		return acquirer_decide(t, RCODE_FORMAT_ERROR, "track_not_encrypted");
	if (enc && hsm_key_set(&tdk, t->term.tdk) != HSM_OK)
		return acquirer_decide(t, RCODE_FORMAT_ERROR, "track_invalid");
	for (size_t i = 0; i < 2 && rc == STAGE_NEXT; i++) {
		uint8_t *v = t->tracks[i];

		if (!iso8583_has(&t->iso, fields[i]))
			continue;
		if (iso8583_get(&t->iso, fields[i], v, sizeof t->tracks[i], &len) != ISO8583_OK)
			rc = acquirer_decide(t, RCODE_FORMAT_ERROR, "track_invalid");
		else if (enc && hsm_track_crypt(t->a->h, &tdk, 0, v, len) != HSM_OK)
			rc = ACQUIRER_EHSM;
		else if (strspn((const char *)v, "0123456789=") != len)
			rc = acquirer_decide(t, RCODE_FORMAT_ERROR, "track_invalid");
		else
			iso8583_set(&t->iso, fields[i], v, len);
	}
	if (enc)
		crypto_wipe(&tdk, sizeof tdk);
	return rc;
}

/* Known and active (97: a terminal registered, suspended or retired serves nothing), signed in
 * where the transaction needs working keys — a terminal that is not is asked to sign in again
 * (A0, which makes the terminal sign in once and retry; header processing request 6). What
 * the request says of its merchant, card and SN waits for acquirer_stage_binding, after the
 * MAC where there is one: a request nobody MACed leaves no risk event behind. */
int acquirer_stage_terminal(struct txn *t)
{
	int rc = store_terminal_get(t->a->s, t->tid, &t->term);

	if (rc == STORE_ENOTFOUND)
		return acquirer_decide(t, RCODE_TERMINAL_UNKNOWN, "terminal_unknown");
	if (rc != STORE_OK)
		return acquirer_from_store(rc);
	t->have_term = true;
	if (t->term.status != STORE_TERMINAL_ACTIVE)
		return acquirer_decide(
		    t, RCODE_TERMINAL_UNKNOWN,
		    t->term.status == STORE_TERMINAL_REGISTERED  ? "terminal_registered"
		    : t->term.status == STORE_TERMINAL_SUSPENDED ? "terminal_suspended"
		                                                 : "terminal_retired");
	if ((t->type->flags & T_SIGNED) && !t->term.signed_in) {
		t->sign_in_again = true;
		return acquirer_decide(t, RCODE_MAC_ERROR, "not_signed_in");
	}
	return STAGE_NEXT;
}

/* Over mutual TLS the SN its certificate names (58 tls_sn_mismatch and a risk event); of this
 * terminal's merchant (58 and a risk event), whose merchant is active for anything with a card
 * (03: a suspended or closed merchant takes no payment, but its terminals still reverse,
 * settle and upload what they did before; one not yet active, in device testing or agreement,
 * has no terminal in service, refused at acquirer_stage_terminal), its tracks readable (30) and,
 * where it sends field 59, the SN of its binding (58 and a risk event) with that SN's ciphertext
 * under its track key (58), and the location it reports, well formed (30); a field 59 its layout
 * does not allow is 30. */
int acquirer_stage_binding(struct txn *t)
{
	char f59[1000], sn[ACQUIRER_SN_MAX + 1] = "";
	const char *why;
	int rc;

	/* Mutual TLS: the certificate names the terminal the binding does ("one terminal, one
	 * code" carried into the certificate). */
	if (t->cert_sn != NULL && strcmp(t->cert_sn, t->term.sn) != 0)
		return refuse_risk(t, "tls_sn_mismatch", t->cert_sn, t->term.sn);
	if (strcmp(t->term.mid, t->mid) != 0)
		return refuse_risk(t, "mid_mismatch", t->mid, t->term.mid);
	if ((rc = store_merchant_get(t->a->s, t->mid, &t->merchant)) != STORE_OK)
		return rc == STORE_ENOTFOUND
		           ? acquirer_decide(t, RCODE_INVALID_MERCHANT, "merchant_unknown")
		           : acquirer_from_store(rc);
	if ((t->type->flags & T_CARD) && t->merchant.status != STORE_MERCHANT_ACTIVE)
		return acquirer_decide(
		    t, RCODE_INVALID_MERCHANT,
		    t->merchant.status == STORE_MERCHANT_SUSPENDED    ? "merchant_suspended"
		    : t->merchant.status == STORE_MERCHANT_ONBOARDING ? "merchant_onboarding"
		                                                      : "merchant_closed");
	if ((rc = read_tracks(t)) != STAGE_NEXT)
		return rc;
	if (!iso8583_has(&t->iso, 59))
		return STAGE_NEXT;
	if (iso8583_get(&t->iso, 59, f59, sizeof f59, NULL) != ISO8583_OK)
		return acquirer_decide(t, RCODE_FORMAT_ERROR, "f59_length");
	if ((why = acquirer_f59_layout(f59)) != NULL)
		return acquirer_decide(t, RCODE_FORMAT_ERROR, why);
	if (!acquirer_f59_sub(f59, "02", sn, sizeof sn) || strcmp(sn, t->term.sn) != 0)
		return refuse_risk(t, "sn_mismatch", sn, t->term.sn);
	/* A sign-in carries 59 A2 (docs/cup-pos.md, possum's extension; one without 59 is served)
	 * for its SN — another than the binding's refused above, 58 and a risk event, no keys —
	 * and its version (05), which the sign-in records before it checks the model's minimum:
	 * it asks for the keys the SN's ciphertext would be checked under, so that is not
	 * checked; a software update's report (391) carries no card to make the ciphertext with. */
	if (t->type->flags & (T_SIGNIN | T_VERSION)) {
		reported_version(t, f59);
		return STAGE_NEXT;
	}
	if (!t->term.signed_in)
		return acquirer_decide(t, RCODE_NOT_PERMITTED_TERMINAL,
		                       "sn_ciphertext"); /* no track key to check it with */
	reported_version(t, f59);
	if ((rc = reported_location(t, f59)) != STAGE_NEXT)
		return rc;
	return sn_ciphertext(t, f59, sn);
}

/* The MAC block: every byte from the MTI to the end of the last field before 64. */
int acquirer_stage_mac(struct txn *t)
{
	uint8_t mac[MAC_LEN + 1]; /* iso8583_get() ends it with a NUL */
	hsm_key mak;
	int rc;

	if (!iso8583_has(&t->iso, 64) ||
	    iso8583_get(&t->iso, 64, mac, sizeof mac, NULL) != ISO8583_OK ||
	    t->len < ENVELOPE_LEN + MAC_LEN)
		return acquirer_decide(t, RCODE_MAC_ERROR, "mac_missing");
	if (hsm_key_set(&mak, t->term.mak) != HSM_OK)
		return ACQUIRER_EHSM;
	rc = hsm_mac_verify(t->a->h, &mak, HSM_MAC_CUP_ECB, t->msg + ENVELOPE_LEN,
	                    t->len - ENVELOPE_LEN - MAC_LEN, mac, MAC_LEN);
	crypto_wipe(&mak, sizeof mak);
	if (rc == HSM_EVERIFY) {
		t->sign_in_again = true;
		return acquirer_decide(t, RCODE_MAC_ERROR, "mac_wrong");
	}
	return rc == HSM_OK ? STAGE_NEXT : ACQUIRER_EHSM;
}
