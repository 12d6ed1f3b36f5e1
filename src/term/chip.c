/* chip.c — what the terminal does with a chip card before it asks the card for its ARQC, from
 * what it holds of its downloads (docs/tms.md "Chip transactions at the terminal"), as EMV 4.3
 * describes an online-only terminal:
 *
 * - application selection (Book 1, 12.3.1): the card's application must be on the downloaded
 *   AID list, its AID the list's exactly or, where the list's entry allows partial selection,
 *   beginning with it;
 * - offline data authentication (Book 3, 10.3): only whether the terminal holds, in force, the
 *   CA public key the card names (8F). The reference card carries no certificates, and the
 *   terminal performs no SDA, DDA or CDA: a key held changes nothing, a key missing is marked
 *   in the TVR;
 * - terminal risk management (Book 3, 10.6): the floor limit alone. Random selection (10.6.2)
 *   and velocity checking (10.6.3) are an offline-capable terminal's, and this one goes online
 *   always;
 * - terminal action analysis (Book 3, 10.7): a TVR bit that the application's TAC-denial has
 *   too declines the transaction offline (an AAC: nothing is sent). Else an online-only
 *   terminal asks for an ARQC whatever TAC-online says, and TAC-default (for a terminal that
 *   cannot go online) never applies: one that gets no answer reverses. What gives money back
 *   or undoes a transaction (a refund, a void, a cancellation) is never declined offline: the
 *   analysis decides whether to ask the issuer for money.
 *
 * Without a downloaded AID list the card's own application is taken, as before the terminal
 * downloaded anything, with no floor limit and no TACs. */
#include "term/internal.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "common/hex.h"

/* The TVR's bits this terminal sets (Book 3, Annex C5): byte (from 0) and mask. */
#define TVR_ODA_NOT_PERFORMED 0, 0x80 /* byte 1 bit 8 */
#define TVR_ICC_DATA_MISSING  0, 0x20 /* byte 1 bit 6 */
#define TVR_OVER_FLOOR_LIMIT  3, 0x80 /* byte 4 bit 8 */

static void tvr_set(uint8_t tvr[5], int byte, uint8_t mask)
{
	tvr[byte] |= mask;
}

/* How well list entry a selects the card's AID (aid, n bytes): 0 not at all, else the length
 * it matches by, an exact match above any partial one (Book 1, 12.3.1: partial selection when
 * the entry's Application Selection Indicator allows it, the card's AID then longer). */
static size_t app_match(const struct tms_aid *a, const uint8_t *aid, size_t n)
{
	if (a->aid_len == n && memcmp(a->aid, aid, n) == 0)
		return 2 * TMS_AID_MAX;
	if (a->partial && a->aid_len < n && memcmp(a->aid, aid, a->aid_len) == 0)
		return a->aid_len;
	return 0;
}

/* Application selection: the entry of the AID list row that best selects the card's AID into
 * *app (*listed), or, the list never downloaded, none (*listed false). TERM_EREFUSED with why
 * when the list has no entry for it. */
static int app_select(const struct store_term_tms *row, const struct term_card *card,
                      struct tms_aid *app, bool *listed, char *why, size_t cap)
{
	uint8_t aid[TMS_AID_MAX];
	const uint8_t *v;
	size_t n = 0, at = 0, len, best = 0, got;
	struct tms_aid a;
	char tag[3];

	*listed = row->version[0] != '\0';
	if (!*listed)
		return TERM_OK;
	if (hex_decode(card->aid, strlen(card->aid), aid, sizeof aid, &n) != HEX_OK)
		return TERM_ECARD;
	while (tms_item_get(row->items, row->items_len, &at, tag, &v, &len) == TMS_OK)
		if (strcmp(tag, "AI") == 0 && tms_aid_decode(v, len, &a) == TMS_OK &&
		    (got = app_match(&a, aid, n)) > best) {
			best = got;
			*app = a;
		}
	if (best > 0)
		return TERM_OK;
	snprintf(why, cap,
	         "the card's application %s is not on this terminal's AID list (version %s); "
	         "本终端不支持该卡应用",
	         card->aid, row->version);
	return TERM_EREFUSED;
}

/* Whether the CA key row holds the key of RID rid and index index in force at date: its
 * checksum, its expiry (tms_capk_check(); revoked keys were dropped at the download). k is
 * room to read each key into. */
static bool capk_held(const struct store_term_tms *row, const uint8_t rid[5], uint8_t index,
                      int date, struct tms_capk *k)
{
	const uint8_t *v;
	size_t at = 0, len;
	char tag[3];

	while (tms_item_get(row->items, row->items_len, &at, tag, &v, &len) == TMS_OK)
		if (strcmp(tag, "CK") == 0 && tms_capk_decode(v, len, k) == TMS_OK &&
		    memcmp(k->rid, rid, 5) == 0 && k->index == index)
			return tms_capk_check(k, date) == TMS_OK;
	return false;
}

/* Offline data authentication as far as this terminal goes (Book 3, 10.3; Book 2, 5.2 and 6.2:
 * the CA public key retrieved by RID and index): a card that names its CA key (8F) needs the
 * key of its RID (its AID's first 5 bytes) and that index. Without it — never downloaded, past its
 * expiry at the terminal's date, or revoked (dropped at download) — authentication cannot start:
 * "offline data authentication was not performed" and, the data it needs missing, "ICC data
 * missing". A card that names no key (the reference card as issued) leaves the TVR as it was: the
 * terminal does not pretend to authenticate what it cannot. */
static int oda_check(term *t, const struct term_card *card, struct store_term_tms *row,
                     uint8_t tvr[5])
{
	struct tms_capk *k;
	uint8_t rid[5];
	size_t n = 0;
	int rc;

	if (!card->has_capk)
		return TERM_OK;
	if (hex_decode(card->aid, 10, rid, sizeof rid, &n) != HEX_OK || n != 5)
		return TERM_ECARD;
	if ((rc = term_tms_get(t, TMS_SET_CAPK, row)) != TERM_OK)
		return rc;
	if ((k = malloc(sizeof *k)) == NULL)
		return TERM_ESTORE;
	if (!capk_held(row, rid, card->capk_index, tms_date(time(NULL), t->st.utc_offset), k)) {
		tvr_set(tvr, TVR_ODA_NOT_PERFORMED);
		tvr_set(tvr, TVR_ICC_DATA_MISSING);
	}
	free(k);
	return TERM_OK;
}

/* Whether terminal action analysis may decline a transaction of kind offline: one that asks
 * the issuer for money or for the card's standing, not one that gives back or undoes. */
static bool asks_issuer(enum term_kind kind)
{
	return kind == TERM_PURCHASE || kind == TERM_PREAUTH || kind == TERM_COMPLETION ||
	       kind == TERM_BALANCE || kind == TERM_CARDAUTH;
}

/* Terminal risk management and terminal action analysis of a transaction of kind for amount
 * with application app of the list. */
static int risk_and_action(const struct tms_aid *app, enum term_kind kind, int64_t amount,
                           struct term_chip *out, char *why, size_t cap)
{
	char tvr[11], tac[11];

	/* Book 3, 10.6.1: an amount that equals or exceeds the floor limit. */
	if (amount >= app->floor_limit)
		tvr_set(out->tvr, TVR_OVER_FLOOR_LIMIT);
	if (!asks_issuer(kind))
		return TERM_OK;
	/* Book 3, 10.7: TVR & TAC-denial (no Issuer Action Code: the card gives none) → AAC. */
	for (int i = 0; i < 5; i++)
		if ((out->tvr[i] & app->tac_denial[i]) != 0) {
			hex_encode(out->tvr, 5, tvr, sizeof tvr);
			hex_encode(app->tac_denial, 5, tac, sizeof tac);
			snprintf(why, cap,
			         "declined offline by the terminal (AAC): the TVR %s meets the "
			         "application's TAC-denial %s; 终端脱机拒绝",
			         tvr, tac);
			return TERM_EREFUSED;
		}
	return TERM_OK;
}

int term_chip_assess(term *t, const struct term_card *card, enum term_kind kind, int64_t amount,
                     struct term_chip *out, char *why, size_t cap)
{
	struct store_term_tms *row = malloc(sizeof *row);
	struct tms_aid app;
	bool listed;
	int rc;

	memset(out, 0, sizeof *out);
	snprintf(out->aid, sizeof out->aid, "%s", card->aid);
	snprintf(out->label, sizeof out->label, "%s", card->label);
	if (row == NULL)
		return TERM_ESTORE;
	if ((rc = term_tms_get(t, TMS_SET_AID, row)) != TERM_OK ||
	    (rc = app_select(row, card, &app, &listed, why, cap)) != TERM_OK)
		goto out;
	if (listed) /* the list's name for it, for the slips */
		snprintf(out->label, sizeof out->label, "%s", app.label);
	if ((rc = oda_check(t, card, row, out->tvr)) != TERM_OK)
		goto out;
	if (listed)
		rc = risk_and_action(&app, kind, amount, out, why, cap);
out:
	free(row);
	return rc;
}

int term_chip_permit(term *t, const struct term_request *req, char *why, size_t cap)
{
	struct term_chip chip;

	if (req->card == NULL || req->entry != TERM_CHIP || !req->card->chip)
		return TERM_OK;
	return term_chip_assess(t, req->card, req->kind, req->amount, &chip, why, cap);
}
