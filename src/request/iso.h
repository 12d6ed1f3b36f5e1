/* iso.h — the host's one request read from ISO 8583:1987, which both the terminals' cup-pos and
 * the links' iso87a are: the fields that mean the same in every dialect, read into a struct
 * request. Each dialect's reader (acquirer/read.c, issuer/link.c) says which transaction the
 * message is and reads its own fields; request.h itself knows no wire. */
#ifndef POSSUM_REQUEST_ISO_H
#define POSSUM_REQUEST_ISO_H

#include "iso8583/iso8583.h"
#include "request/request.h"

/* Field f as text into out (capacity cap): "" when absent; REQUEST_EARG when it does not fit. */
int request_iso_text(const iso8583_msg *m, int f, char *out, size_t cap);

/* Fields 2, 14, 22 and 35 (the card, read and checked once: request_card_set), 4 and 49 (the
 * amount), 37 and 38 (the original's RRN and auth code) and 62 (card authentication's
 * elements) into r; entry 03 (a QR code) makes r->qr REQUEST_QR_CODE, field 2 then a payment
 * code. REQUEST_EARG for a field that cannot be read. */
int request_iso_read(const iso8583_msg *m, struct request *r);

/* Fields 52 (the PIN block, under pin_key) and 55 (chip data) into r. */
int request_iso_secrets(const iso8583_msg *m, const hsm_key *pin_key, struct request *r);

#endif
