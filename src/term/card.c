/* card.c — the reference terminal's card file, as written: a card's image (what the issuer
 * printed once, issuer.h) as the JSON term_card_load() reads (state.c) — the file of `possum
 * admin card issue --out` and of the test cards `possum certify` makes. Test material: the
 * image holds the PIN and the card's keys, so the file is made mode 0600 and its text wiped. */
#include "term/internal.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <assert.h>

#include "common/hex.h"
#include "crypto/crypto.h"

static const char *const product_names[] = {"", "debit", "credit", "prepaid"};

json_t *term_card_json(const struct issuer_card_image *img, const char *holder)
{
	json_t *o = json_object();
	char mk[33];

	assert(img->product >= 1 && img->product <= 3);
	json_object_set_new(o, "pan", json_string(img->pan));
	json_object_set_new(o, "expiry", json_string(img->expiry));
	json_object_set_new(o, "service_code", json_string(img->service_code));
	json_object_set_new(o, "cvv2", json_string(img->cvv2));
	json_object_set_new(o, "pin", json_string(img->pin));
	json_object_set_new(o, "track2", json_string(img->track2));
	json_object_set_new(o, "product", json_string(product_names[img->product]));
	json_object_set_new(o, "holder", json_string(holder));
	if (img->chip) {
		json_t *emv = json_object(), *cdol = json_array();
		char tag[9];

		hex_encode(img->icc_mk, sizeof img->icc_mk, mk, sizeof mk);
		json_object_set_new(emv, "psn", json_string(img->psn));
		json_object_set_new(emv, "icc_mk", json_string(mk));
		json_object_set_new(emv, "mk_derivation", json_string("emv-option-a"));
		json_object_set_new(emv, "session_key", json_string("emv-common"));
		for (size_t i = 0; i < ISSUER_CDOL1_ENTRIES; i++) {
			snprintf(tag, sizeof tag, "%X", (unsigned)issuer_cdol1[i].tag);
			json_array_append_new(cdol, json_string(tag));
		}
		json_object_set_new(emv, "cdol1", cdol);
		json_object_set_new(o, "emv", emv);
		crypto_wipe(mk, sizeof mk);
	}
	return o;
}

int term_card_save(const char *path, const json_t *card)
{
	char *text = json_dumps(card, JSON_INDENT(2) | JSON_PRESERVE_ORDER);
	mode_t old;
	FILE *f;
	int rc = TERM_OK;

	if (text == NULL)
		return TERM_ECARD;
	old = umask(077);
	f = fopen(path, "w");
	umask(old);
	if (f == NULL || fprintf(f, "%s\n", text) < 0)
		rc = TERM_ECARD;
	if (f != NULL && fclose(f) != 0)
		rc = TERM_ECARD;
	crypto_wipe(text, strlen(text));
	free(text);
	return rc;
}
