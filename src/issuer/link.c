/* link.c — the issuer's network face (link.h): an ISO 8583:1987 message read into the host's
 * one request, and the issuer's answer set into the response. Dialect-free: the caller unpacks
 * and packs the message with the link's profile. */
#include "issuer/link.h"

#include <stdio.h>
#include <string.h>

#include "crypto/crypto.h"
#include "rcode/rcode.h"
#include "request/iso.h"

const struct hsm_key_spec issuer_link_key_specs[1] = {{"P0", HSM_TDES, 16, 'B', 'E'}};
const char *const issuer_link_key_names[1] = {"link.zpk"};

/* Whether an MTI and processing code (two digits) make an advice of a stand-in approval
 * (0120, 0220 but a refund's 20, or a repeat of either: 0121, 0221), and of which request (as:
 * the MTI read in its place). */
static bool advice_of(const char *mti, const char *proc, const char **as)
{
	if (strcmp(mti, "0120") == 0 || strcmp(mti, "0121") == 0)
		*as = "0100";
	else if ((strcmp(mti, "0220") == 0 || strcmp(mti, "0221") == 0) && strcmp(proc, "20") != 0)
		*as = "0200";
	else
		return false;
	return true;
}

/* Which request an MTI, processing code (two digits) and condition code (25) make; an advice
 * only of a pre-authorization (00, 03), a purchase or a completion (00). */
static enum request_type operation(const char *mti, const char *proc, const char *cond,
                                   struct request *r)
{
	bool preauth = strcmp(cond, "06") == 0;

	if (strcmp(mti, "0400") == 0 || strcmp(mti, "0420") == 0 || strcmp(mti, "0421") == 0)
		return REQUEST_REVERSAL;
	if ((r->advice = advice_of(mti, proc, &mti)) && strcmp(proc, "00") != 0 &&
	    (strcmp(proc, "03") != 0 || strcmp(mti, "0100") != 0))
		return 0;
	if (strcmp(mti, "0100") == 0) {
		if (strcmp(proc, "31") == 0)
			return REQUEST_BALANCE;
		if (strcmp(proc, "33") == 0)
			return r->otp[0] != '\0'         ? REQUEST_CARDAUTH_CONFIRM
			       : request_has_elements(r) ? REQUEST_CARDAUTH_START
			                                 : REQUEST_VERIFY;
		if (strcmp(proc, "20") == 0)
			return REQUEST_PREAUTH_CANCEL;
		if (strcmp(proc, "00") == 0 || strcmp(proc, "03") == 0)
			return REQUEST_PREAUTH;
	} else if (strcmp(mti, "0200") == 0) {
		if (strcmp(proc, "31") == 0)
			return REQUEST_BALANCE;
		if (strcmp(proc, "00") == 0)
			return preauth ? REQUEST_COMPLETION : REQUEST_PURCHASE;
		if (strcmp(proc, "20") == 0)
			return preauth ? REQUEST_COMPLETION_VOID : REQUEST_VOID;
	} else if (strcmp(mti, "0220") == 0 && strcmp(proc, "20") == 0) {
		return REQUEST_REFUND;
	}
	return 0;
}

int issuer_link_read(const iso8583_msg *m, const hsm_key *pin_key, struct request *out, char rc[3])
{
	char proc[7], cond[3], f43[41];
	int bad;

	request_init(out);
	out->link = true;
	snprintf(rc, 3, "%s", RCODE_FORMAT_ERROR);
	bad = request_iso_text(m, 3, proc, sizeof proc) |
	      request_iso_text(m, 25, cond, sizeof cond) |
	      request_iso_text(m, 43, f43, sizeof f43) | request_iso_read(m, out);
	bad |= request_iso_text(m, 32, out->acquirer, sizeof out->acquirer) |
	       request_iso_text(m, 11, out->stan, sizeof out->stan) |
	       request_iso_text(m, 7, out->transmit, sizeof out->transmit) |
	       request_iso_text(m, 41, out->terminal, sizeof out->terminal) |
	       request_iso_text(m, 42, out->merchant, sizeof out->merchant) |
	       request_iso_text(m, 37, out->rrn, sizeof out->rrn);
	if (bad != 0 || request_merchant_name_set(out, f43) != REQUEST_OK)
		goto fail;
	proc[2] = '\0';
	if ((out->type = operation(m->mti, proc, cond, out)) == 0) {
		snprintf(rc, 3, "%s", RCODE_INVALID_TXN);
		goto fail;
	}
	if (request_iso_secrets(m, pin_key, out) != REQUEST_OK)
		goto fail;
	/* A follow-up names its original by auth code (38) and RRN (37), as cup-pos does; a
	 * reversal by its own STAN and amount, which are the original's. */
	if (out->type == REQUEST_REVERSAL) {
		memcpy(out->orig.stan, out->stan, sizeof out->orig.stan);
		out->orig.amount = out->amount;
	}
	return ISSUER_OK;
fail:
	request_wipe(out);
	return ISSUER_EARG;
}

int issuer_link_answer(const struct issuer_response *resp, struct issuer_link_answer *a,
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
	if (resp->has_balance &&
	    iso8583_balance_format(resp->available, resp->currency, a->balance) == ISO8583_OK)
		iso8583_set_str(out, 54, a->balance);
	if (resp->icc_len > 0) {
		memcpy(a->icc, resp->icc, resp->icc_len);
		iso8583_set(out, 55, a->icc, resp->icc_len);
	}
	return ISSUER_OK;
}
