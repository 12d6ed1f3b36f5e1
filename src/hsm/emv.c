/* emv.c — EMV chip cryptograms through the hsm: the ARQC verified and the ARPC made under the
 * issuer master key for application cryptograms (E0), by way of the card's master key (EMV
 * 4.3 Book 2 A1.4.1 option A) and its common session key (A1.3.1), which exist only inside
 * these functions. An ARPC is given only for an ARQC that verifies: else anyone who may call
 * the hsm could make a card accept any response. */
#include "hsm/internal.h"

#include <string.h>

#include "crypto/emv.h"

/* The card's keys for one transaction, wiped by the caller. */
struct card_keys {
	uint8_t mk[16]; /* the card's master key */
	uint8_t sk[16]; /* its common session key */
};

/* The card's master key and session key, once its ARQC verifies under the session key. */
static int card_keys(hsm *h, const hsm_key *imk, const struct hsm_emv_txn *t, struct card_keys *k)
{
	uint8_t r[8] = {0};
	struct hsm_entry *e;
	int rc;

	if (t == NULL)
		return HSM_EARG;
	if ((rc = hsm_load(h, imk, "E0", 'X', &e)) != HSM_OK)
		return rc;
	if (e->alg != CRYPTO_TDES || e->key_len != 16)
		return HSM_EALG;
	/* Book 2 A1.3.1: the common session key's R is the ATC and six zero bytes. */
	memcpy(r, t->atc, 2);
	if ((rc = hsm_from_crypto(crypto_emv_icc_mk_a(e->key, t->pan, t->psn, k->mk))) != HSM_OK ||
	    (rc = hsm_from_crypto(crypto_emv_session_key(k->mk, r, sizeof r, k->sk))) != HSM_OK)
		return rc;
	return hsm_from_crypto(crypto_emv_arqc_verify(k->sk, t->data, t->len, t->arqc));
}

int hsm_emv_verify_arqc(hsm *h, const hsm_key *imk, const struct hsm_emv_txn *t)
{
	struct card_keys k;
	int rc = card_keys(h, imk, t, &k);

	crypto_wipe(&k, sizeof k);
	return rc;
}

int hsm_emv_arpc1(hsm *h, const hsm_key *imk, const struct hsm_emv_txn *t, enum hsm_arpc_key key,
                  const uint8_t arc[2], uint8_t arpc[8])
{
	struct card_keys k;
	uint8_t out[8];
	int rc;

	if (key != HSM_ARPC_SESSION_KEY && key != HSM_ARPC_CARD_KEY)
		return HSM_EARG;
	/* Book 2 8.2.1 names the session key; some issuers use the card's master key. */
	if ((rc = card_keys(h, imk, t, &k)) == HSM_OK &&
	    (rc = hsm_from_crypto(crypto_emv_arpc1(key == HSM_ARPC_SESSION_KEY ? k.sk : k.mk,
	                                           t->arqc, arc, out))) == HSM_OK)
		memcpy(arpc, out, sizeof out);
	crypto_wipe(&k, sizeof k);
	return rc;
}

int hsm_emv_arpc2(hsm *h, const hsm_key *imk, const struct hsm_emv_txn *t, const uint8_t csu[4],
                  const uint8_t *pad, size_t pad_len, uint8_t arpc[4])
{
	struct card_keys k;
	uint8_t out[4];
	int rc;

	if ((rc = card_keys(h, imk, t, &k)) == HSM_OK &&
	    (rc = hsm_from_crypto(crypto_emv_arpc2(k.sk, t->arqc, csu, pad, pad_len, out))) ==
	        HSM_OK)
		memcpy(arpc, out, sizeof out);
	crypto_wipe(&k, sizeof k);
	return rc;
}

int hsm_emv_icc_mk(hsm *h, const hsm_key *imk, const char *pan, const char *psn, uint8_t mk[16])
{
	uint8_t out[16];
	struct hsm_entry *e;
	int rc;

	if ((rc = hsm_load(h, imk, "E0", 'X', &e)) != HSM_OK)
		return rc;
	if (e->alg != CRYPTO_TDES || e->key_len != 16)
		return HSM_EALG;
	/* The card's key leaves for personalisation as the issuer master key's exportability
	 * lets it: a card derived from a non-exportable IMK is made inside an HSM, not here. */
	if (e->hdr.exportability != 'E' && e->hdr.exportability != 'S')
		return HSM_EEXPORT;
	if ((rc = hsm_from_crypto(crypto_emv_icc_mk_a(e->key, pan, psn, out))) == HSM_OK)
		memcpy(mk, out, sizeof out);
	crypto_wipe(out, sizeof out);
	return rc;
}
