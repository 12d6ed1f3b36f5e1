/* link.h — the issuer's network face: an ISO 8583:1987 message (a link's iso87a dialect) read
 * into the host's one request (struct request, request/request.h), and the issuer's answer
 * written back into the response message. The only part of the issuer that knows ISO 8583: its
 * decision code takes a struct request, whatever the wire.
 *
 * The inbound link's caller reads (issuer_link_read()), begins a transaction, authorizes
 * (issuer_authorize()), writes the cardholder's text (issuer_notify()), commits, answers
 * (issuer_link_answer()) and sends any code (issuer_send_pending()). */
#ifndef POSSUM_ISSUER_LINK_H
#define POSSUM_ISSUER_LINK_H

#include "issuer/issuer.h"
#include "iso8583/iso8583.h"

/* The zone PIN key a link's PIN blocks come under (pin_key below) when the configuration gives
 * none, and the name it is kept by, for the caller that makes it (host_datadir_key()). */
extern const struct hsm_key_spec issuer_link_key_specs[1];
extern const char *const issuer_link_key_names[1];

/* Reads the request in m into out: the type from the MTI, the first two digits of field 3
 * and field 25 (the transaction table of docs/cup-pos.md: 0100 pre-authorization, balance,
 * card authentication (33, with field 62) and cancel (20); 0200 purchase, void (20), balance
 * (31), completion and completion void (field 25 "06"); 0220 refund (20); 0400, 0420 and its
 * repeat 0421 reversal; the advices of stand-in approvals, req->advice set: 0120 of a
 * pre-authorization (00, 03), 0220 of a purchase or completion (00), repeated as 0121, 0221),
 * and fields 2, 4, 7, 11, 14, 22, 32, 35, 37, 38, 41, 42, 43, 49, 52 (under pin_key), 55 and
 * 62. ISSUER_OK, or ISSUER_EARG with the response code to answer in rc: RCODE_INVALID_TXN for
 * a transaction this issuer does not do, RCODE_FORMAT_ERROR for a field it cannot read. out
 * holds card data: the caller wipes it (request_wipe) when done. */
int issuer_link_read(const iso8583_msg *m, const hsm_key *pin_key, struct request *out, char rc[3]);

/* The fields an answer adds to the request's echo, and their buffers. */
struct issuer_link_answer {
	char rc[3], auth_code[7], message[26], balance[32];
	uint8_t icc[ISSUER_ICC_MAX];
};

/* Sets fields 38 (approvals), 39, 44 (a message), 54 (a balance: account type 00, amount
 * type 02 available, currency, C or D, 12 digits) and 55 (the ARPC) of out from resp; out's
 * values point into a, which must live until out is packed. */
int issuer_link_answer(const struct issuer_response *resp, struct issuer_link_answer *a,
                       iso8583_msg *out);

#endif
