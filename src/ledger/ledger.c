/* ledger.c — the ledger's result codes, transfer ids (random, or derived from the event they
 * record) and the helpers every ledger call uses to join the caller's store transaction. */
#include <ctype.h>
#include <string.h>

#include <openssl/evp.h>
#include <openssl/rand.h>

#include "common/hex.h"
#include "ledger/internal.h"

const char *ledger_strerror(int rc)
{
	switch (rc) {
	case LEDGER_OK:
		return "ok";
	case LEDGER_EXISTS:
		return "the transfer exists already";
	case LEDGER_EARG:
		return "invalid argument";
	case LEDGER_ESTORE:
		return "the store failed";
	case LEDGER_ENOACCOUNT:
		return "no such account";
	case LEDGER_ESAMEACCOUNT:
		return "debit and credit the same account";
	case LEDGER_ECURRENCY:
		return "currencies differ";
	case LEDGER_EFUNDS:
		return "beyond the account's limit";
	case LEDGER_EEXISTS_DIFFERENT:
		return "the id is taken by a different transfer";
	case LEDGER_ENOPENDING:
		return "no such pending transfer";
	case LEDGER_ERESOLVED:
		return "the pending transfer is already posted, voided or expired";
	case LEDGER_EAMOUNT:
		return "amount zero or more than is pending";
	case LEDGER_EOVERFLOW:
		return "a sum beyond the largest amount";
	}
	return "unknown ledger error";
}

bool ledger_id_is_zero(const ledger_id *id)
{
	static const ledger_id zero;

	return memcmp(id->b, zero.b, sizeof zero.b) == 0;
}

int ledger_id_random(ledger_id *out)
{
	if (out == NULL)
		return LEDGER_EARG;
	do {
		if (RAND_bytes(out->b, sizeof out->b) != 1)
			return LEDGER_EARG;
	} while (ledger_id_is_zero(out));
	return LEDGER_OK;
}

int ledger_id_derive(const void *data, size_t len, ledger_id *out)
{
	uint8_t md[EVP_MAX_MD_SIZE];
	unsigned int md_len;

	if ((data == NULL && len > 0) || out == NULL)
		return LEDGER_EARG;
	if (EVP_Digest(data, len, md, &md_len, EVP_sha256(), NULL) != 1)
		return LEDGER_EARG;
	memcpy(out->b, md, sizeof out->b);
	/* A zero id is no id; 2^-128 odds, but the promise is "never". */
	if (ledger_id_is_zero(out))
		out->b[15] = 1;
	return LEDGER_OK;
}

void ledger_id_hex(const ledger_id *id, char out[33])
{
	hex_encode(id->b, sizeof id->b, out, 33);
	for (size_t i = 0; i < 32; i++)
		out[i] = (char)tolower((unsigned char)out[i]);
}

int ledger_id_parse(const char *hex, ledger_id *out)
{
	size_t len;

	if (hex == NULL || out == NULL || strlen(hex) != 2 * sizeof out->b ||
	    hex_decode(hex, strlen(hex), out->b, sizeof out->b, &len) != HEX_OK ||
	    len != sizeof out->b || ledger_id_is_zero(out))
		return LEDGER_EARG;
	return LEDGER_OK;
}

int ledger_store_rc(int store_rc, int missing)
{
	if (store_rc == STORE_OK)
		return LEDGER_OK;
	return store_rc == STORE_ENOTFOUND ? missing : LEDGER_ESTORE;
}

int ledger_end(store *s, int rc)
{
	if (rc < 0) {
		store_rollback(s);
		return rc;
	}
	return store_commit(s) == STORE_OK ? rc : LEDGER_ESTORE;
}
