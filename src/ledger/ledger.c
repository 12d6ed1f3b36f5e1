/* ledger.c — the ledger's result codes, transfer ids (time-ordered, random) and the helpers
 * every ledger call uses to join the caller's store transaction. */
#include <ctype.h>
#include <string.h>
#include <time.h>

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

/* RFC 9562 5.7 (UUIDv7): 48 bits of Unix milliseconds, big-endian, then the version (7), 12
 * random bits, the variant (binary 10) and 62 random bits. */
int ledger_id_new(ledger_id *out)
{
	struct timespec ts;
	uint64_t ms;

	if (out == NULL || clock_gettime(CLOCK_REALTIME, &ts) != 0 ||
	    RAND_bytes(out->b + 6, sizeof out->b - 6) != 1)
		return LEDGER_EARG;
	ms = (uint64_t)ts.tv_sec * 1000 + (uint64_t)ts.tv_nsec / 1000000;
	for (int i = 5; i >= 0; i--, ms >>= 8)
		out->b[i] = (uint8_t)ms;
	out->b[6] = (uint8_t)(0x70 | (out->b[6] & 0x0f));
	out->b[8] = (uint8_t)(0x80 | (out->b[8] & 0x3f));
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
