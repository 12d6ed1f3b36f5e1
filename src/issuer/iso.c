/* iso.c — the issuer's network link in ISO 8583:1987 terms: which transaction a message is,
 * the request it carries, and the fields of the answer. Dialect-free: the caller unpacks and
 * packs the message with the link's profile. */
#include "issuer/internal.h"

#include <stdio.h>
#include <string.h>

#include "crypto/crypto.h"

/* Which operation an MTI, processing code (two digits) and condition code (25) make. */
static enum issuer_op operation(const char *mti, const char *proc, const char *cond, bool has_otp,
                                bool has_elements)
{
	bool preauth = strcmp(cond, "06") == 0;

	if (strcmp(mti, "0400") == 0 || strcmp(mti, "0420") == 0)
		return ISSUER_OP_REVERSAL;
	if (strcmp(mti, "0100") == 0) {
		if (strcmp(proc, "31") == 0)
			return ISSUER_OP_BALANCE;
		if (strcmp(proc, "33") == 0)
			return has_otp        ? ISSUER_OP_CARDAUTH_CONFIRM
			       : has_elements ? ISSUER_OP_CARDAUTH_START
			                      : ISSUER_OP_VERIFY;
		if (strcmp(proc, "20") == 0)
			return ISSUER_OP_PREAUTH_CANCEL;
		if (strcmp(proc, "00") == 0 || strcmp(proc, "03") == 0)
			return ISSUER_OP_PREAUTH;
	} else if (strcmp(mti, "0200") == 0) {
		if (strcmp(proc, "31") == 0)
			return ISSUER_OP_BALANCE;
		if (strcmp(proc, "00") == 0)
			return preauth ? ISSUER_OP_COMPLETION : ISSUER_OP_PURCHASE;
		if (strcmp(proc, "20") == 0)
			return preauth ? ISSUER_OP_COMPLETION_VOID : ISSUER_OP_VOID;
	} else if (strcmp(mti, "0220") == 0 && strcmp(proc, "20") == 0) {
		return ISSUER_OP_REFUND;
	}
	return 0;
}

/* Field f as a string into out (capacity cap): "" when absent, -1 when it does not fit. */
static int text(const iso8583_msg *m, int f, char *out, size_t cap)
{
	out[0] = '\0';
	if (!iso8583_has(m, f))
		return 0;
	return iso8583_get(m, f, out, cap, NULL) == ISO8583_OK ? 0 : -1;
}

/* spec/cup-pos.md "Card authentication": 2-character tags, 3-digit lengths. */
static int read_field62(const char *v, struct issuer_iso_request *out)
{
	size_t n = strlen(v), pos = 0;

	while (pos < n) {
		char tag[3] = {0}, digits[4] = {0}, *dst;
		size_t len, cap;

		if (n - pos < 5)
			return -1;
		memcpy(digits, v + pos + 2, 3);
		if (crypto_digits(digits, 3, 3) != 3)
			return -1;
		memcpy(tag, v + pos, 2);
		len = (size_t)(v[pos + 2] - '0') * 100 + (size_t)(v[pos + 3] - '0') * 10 +
		      (size_t)(v[pos + 4] - '0');
		pos += 5;
		if (len > n - pos)
			return -1;
		if (strcmp(tag, "NM") == 0)
			dst = out->holder, cap = sizeof out->holder;
		else if (strcmp(tag, "ID") == 0)
			dst = out->id_number, cap = sizeof out->id_number;
		else if (strcmp(tag, "PH") == 0)
			dst = out->phone, cap = sizeof out->phone;
		else if (strcmp(tag, "OT") == 0)
			dst = out->otp, cap = sizeof out->otp;
		else
			dst = NULL, cap = 0; /* a tag of another issuer's: skipped */
		if (dst != NULL) {
			if (len >= cap)
				return -1;
			memcpy(dst, v + pos, len);
			dst[len] = '\0';
		}
		pos += len;
	}
	return 0;
}

static int64_t digits_value(const char *s)
{
	int64_t v = 0;

	for (; *s != '\0'; s++)
		v = v * 10 + (*s - '0');
	return v;
}

static enum issuer_entry entry_mode(const char *f22)
{
	if (strncmp(f22, "01", 2) == 0)
		return ISSUER_ENTRY_MANUAL;
	if (strncmp(f22, "02", 2) == 0 || strncmp(f22, "90", 2) == 0)
		return ISSUER_ENTRY_STRIPE;
	if (strncmp(f22, "05", 2) == 0 || strncmp(f22, "07", 2) == 0)
		return ISSUER_ENTRY_CHIP;
	if (strncmp(f22, "80", 2) == 0)
		return ISSUER_ENTRY_FALLBACK;
	return ISSUER_ENTRY_UNKNOWN;
}

int issuer_iso_read(const iso8583_msg *m, const hsm_key *pin_key, struct issuer_iso_request *out,
                    char rc[3])
{
	struct issuer_request *r = &out->req;
	char proc[7], cond[3], amount[13], currency[4], f22[4], f62[1000];
	size_t len;
	int bad = 0;

	memset(out, 0, sizeof *out);
	snprintf(rc, 3, "30");
	bad |= text(m, 3, proc, sizeof proc) | text(m, 25, cond, sizeof cond) |
	       text(m, 4, amount, sizeof amount) | text(m, 49, currency, sizeof currency) |
	       text(m, 22, f22, sizeof f22) | text(m, 62, f62, sizeof f62);
	bad |= text(m, 2, out->pan, sizeof out->pan) |
	       text(m, 35, out->track2, sizeof out->track2) |
	       text(m, 14, out->expiry, sizeof out->expiry) |
	       text(m, 32, out->acquirer, sizeof out->acquirer) |
	       text(m, 11, out->stan, sizeof out->stan) |
	       text(m, 7, out->transmit, sizeof out->transmit) |
	       text(m, 41, out->terminal, sizeof out->terminal) |
	       text(m, 42, out->merchant, sizeof out->merchant) |
	       text(m, 37, out->rrn, sizeof out->rrn) |
	       text(m, 38, out->auth_code, sizeof out->auth_code) |
	       text(m, 43, out->merchant_name, sizeof out->merchant_name);
	if (bad != 0 || read_field62(f62, out) != 0 ||
	    crypto_digits(amount, 0, 12) != strlen(amount) ||
	    crypto_digits(currency, 0, 3) != strlen(currency))
		goto fail;
	proc[2] = '\0';
	r->op =
	    operation(m->mti, proc, cond, out->otp[0] != '\0',
	              out->holder[0] != '\0' || out->id_number[0] != '\0' || out->phone[0] != '\0');
	if (r->op == 0) {
		snprintf(rc, 3, "12");
		goto fail;
	}
	if (iso8583_has(m, 52)) {
		if (iso8583_get(m, 52, out->pin_block, sizeof out->pin_block + 1, &len) !=
		        ISO8583_OK ||
		    len != sizeof out->pin_block)
			goto fail;
		r->pin_block = out->pin_block;
		r->pin_key = pin_key;
	}
	if (iso8583_has(m, 55)) {
		if (iso8583_get(m, 55, out->icc, sizeof out->icc, &len) != ISO8583_OK)
			goto fail;
		r->icc = out->icc;
		r->icc_len = len;
	}
	r->pan = out->pan;
	r->track2 = out->track2;
	r->expiry = out->expiry;
	r->entry = entry_mode(f22);
	r->amount = digits_value(amount);
	r->currency = (uint16_t)digits_value(currency);
	r->acquirer = out->acquirer;
	r->stan = out->stan;
	r->transmit = out->transmit;
	r->terminal = out->terminal;
	r->merchant = out->merchant;
	r->rrn = out->rrn;
	/* Field 43 is name and location, padded with spaces: the name part for the text. */
	for (size_t n = strlen(out->merchant_name); n > 0 && out->merchant_name[n - 1] == ' '; n--)
		out->merchant_name[n - 1] = '\0';
	r->merchant_name = out->merchant_name;
	/* A follow-up names its original by auth code (38) and RRN (37), as cup-pos does. */
	r->orig_auth_code = out->auth_code;
	r->orig_rrn = out->rrn;
	r->holder = out->holder;
	r->id_number = out->id_number;
	r->phone = out->phone;
	r->otp = out->otp;
	crypto_wipe(f62, sizeof f62);
	return ISSUER_OK;
fail:
	crypto_wipe(f62, sizeof f62);
	crypto_wipe(out, sizeof *out);
	return ISSUER_EARG;
}

int issuer_iso_answer(const struct issuer_response *resp, struct issuer_iso_answer *a,
                      iso8583_msg *out)
{
	int rc;

	memset(a, 0, sizeof *a);
	snprintf(a->rc, sizeof a->rc, "%s", resp->rc);
	if ((rc = iso8583_set_str(out, 39, a->rc)) != ISO8583_OK)
		return ISSUER_EARG;
	iso8583_unset(out, 38);
	if (resp->auth_code[0] != '\0') {
		snprintf(a->auth_code, sizeof a->auth_code, "%s", resp->auth_code);
		iso8583_set_str(out, 38, a->auth_code);
	}
	if (resp->message[0] != '\0') {
		snprintf(a->message, sizeof a->message, "%s", resp->message);
		iso8583_set_str(out, 44, a->message);
	}
	if (resp->has_balance) {
		int64_t v = resp->available < 0 ? -resp->available : resp->available;

		snprintf(a->balance, sizeof a->balance, "0002%03u%c%012lld",
		         (unsigned)resp->currency, resp->available < 0 ? 'D' : 'C', (long long)v);
		iso8583_set_str(out, 54, a->balance);
	}
	if (resp->icc_len > 0) {
		memcpy(a->icc, resp->icc, resp->icc_len);
		iso8583_set(out, 55, a->icc, resp->icc_len);
	}
	return ISSUER_OK;
}
