/* qr.h — QR codes of the merchant-presented mode (EMVCo QR Code Specification for Payment
 * Systems, Merchant-Presented Mode, v1.1): a terminal's static payload built and read, its
 * CRC-16/CCITT-FALSE (field "63"), and the payload drawn as a PNG image (libqrencode, libpng).
 *
 * A payload is ID (2 digits) + length (2 digits) + value data objects in ASCII (UTF-8 in the
 * language template "64"). qr_payload_build() writes the objects possum uses, in ID order:
 * "00" payload format "01", "01" point of initiation "11" (static), "26" merchant account
 * information (sub-ID "00" the acquirer's globally unique identifier, reverse domain, "01" the
 * MID), "52" MCC, "53" currency "156", "58" country "CN", "59" name, "60" city, "62" additional
 * data (sub-ID "07" the terminal label: the TID), "64" the name and city in Chinese when the
 * merchant's name is not ASCII, "63" the CRC over everything before it including "6304".
 * qr_payload_parse() reads any well-formed payload, checks its CRC first, and takes those
 * objects (IDs 15–16 are UnionPay's own account templates: read, not written).
 *
 * The library layer: no I/O, no global state. Errors: QR_OK or a negative QR_E* code,
 * qr_strerror() names it. */
#ifndef POSSUM_QR_H
#define POSSUM_QR_H

#include <stddef.h>
#include <stdint.h>

#define QR_OK       0
#define QR_EARG     (-1) /* an argument malformed or too long for its object */
#define QR_EFORMAT  (-2) /* not a payload: an object malformed, a required one missing */
#define QR_ECRC     (-3) /* the CRC ("63") does not match the payload */
#define QR_ENOMEM   (-4)
#define QR_EENCODE  (-5) /* the image could not be made (too long for a QR code) */

#define QR_PAYLOAD_MAX 512 /* characters of a payload, with its NUL */

const char *qr_strerror(int rc);

/* CRC-16/CCITT-FALSE (poly 0x1021, init 0xFFFF, no reflection, no final XOR) of n bytes;
 * "123456789" gives 0x29B1. */
uint16_t qr_crc16(const void *p, size_t n);

/* What a terminal's static code says. Text in UTF-8; each field's capacity is its object's
 * maximum length plus the NUL. */
struct qr_merchant {
	char guid[33];     /* 26.00, e.g. "cn.possum" */
	char mid[16];      /* 26.01 */
	char mcc[5];       /* 52 */
	char currency[4];  /* 53, "156" */
	char country[3];   /* 58, "CN" */
	char name[26];     /* 59 */
	char city[16];     /* 60 */
	char tid[26];      /* 62.07 */
	char name_local[100]; /* 64.01: the name in Chinese, "" none (64.00 "ZH") */
	char city_local[100]; /* 64.02 */
	int dynamic;       /* 01: 0 static ("11"), 1 dynamic ("12") */
};

/* Writes m's payload with its CRC to out (capacity cap, QR_PAYLOAD_MAX is enough). */
int qr_payload_build(const struct qr_merchant *m, char *out, size_t cap);

/* Reads payload into out: QR_ECRC when the CRC does not match, QR_EFORMAT when an object is
 * malformed or "00", "26" (or 15/16), "52", "53", "58", "59", "60" or "63" is missing. */
int qr_payload_parse(const char *payload, struct qr_merchant *out);

/* text drawn as a QR code (error correction M, 4 modules of quiet zone, scale modules of
 * pixels each) in a PNG image into *png (malloc'd: the caller frees) of *len bytes. */
int qr_png(const char *text, int scale, uint8_t **png, size_t *len);

#endif
