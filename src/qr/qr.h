/* qr.h — QR codes of the merchant-presented mode (EMVCo QR Code Specification for Payment
 * Systems, Merchant-Presented Mode, v1.1): a terminal's static payload built and read, its
 * CRC-16/CCITT-FALSE (field "63"), and the payload drawn as a PNG image (libqrencode, libpng).
 *
 * A payload is ID (2 digits) + length (2 digits) + value data objects in ASCII (UTF-8 in the
 * language template "64"); a length counts characters, not bytes (EMVCo's example: "0104最佳运输").
 * qr_payload_build() writes the objects possum uses, in ID order: "00" payload format "01", "01"
 * point of initiation "11" (static), "26" merchant account information (sub-ID "00" the acquirer's
 * globally unique identifier, reverse domain, "01" the MID), "52" MCC, "53" currency "156", "58"
 * country "CN", "59" name, "60" city, "62" additional data (sub-ID "07" the terminal label: the
 * TID), "64" the name and city in Chinese when the merchant's name is not ASCII, "63" the CRC over
 * everything before it including "6304". qr_payload_parse() reads any well-formed payload, checks
 * its CRC first, and takes those objects, in any order; others are passed over (IDs 15–16 are
 * UnionPay's own account objects: a merchant account like 26, read, not written).
 *
 * The library layer: no I/O, no global state. Errors: QR_OK or a negative QR_E* code,
 * qr_strerror() names it. */
#ifndef POSSUM_QR_H
#define POSSUM_QR_H

#include <stddef.h>
#include <stdint.h>

#define QR_OK      0
#define QR_EARG    (-1) /* an argument malformed or too long for its object */
#define QR_EFORMAT (-2) /* not a payload: an object malformed, a required one missing */
#define QR_ECRC    (-3) /* the CRC ("63") does not match the payload */
#define QR_ENOMEM  (-4)
#define QR_EENCODE (-5) /* the image could not be made (too long for a QR code) */

#define QR_PAYLOAD_MAX 512 /* characters of a payload, with its NUL */

const char *qr_strerror(int rc);

/* CRC-16/CCITT-FALSE (poly 0x1021, init 0xFFFF, no reflection, no final XOR) of n bytes;
 * "123456789" gives 0x29B1. */
uint16_t qr_crc16(const void *p, size_t n);

/* What a terminal's static code says. Text in UTF-8; each field's capacity is its object's
 * maximum length plus the NUL (name_local and city_local: 25 and 15 characters of UTF-8, in at
 * most 99 bytes). */
struct qr_merchant {
	char guid[33];        /* 26.00, e.g. "cn.possum" */
	char mid[16];         /* 26.01 */
	char mcc[5];          /* 52 */
	char currency[4];     /* 53, "156" */
	char country[3];      /* 58, "CN" */
	char name[26];        /* 59 */
	char city[16];        /* 60 */
	char tid[26];         /* 62.07 */
	char name_local[100]; /* 64.01: the name in Chinese, "" none (64.00 "ZH") */
	char city_local[100]; /* 64.02 */
	int dynamic;          /* 01: 0 static ("11"), 1 dynamic ("12") */
};

/* Sets m's names from a merchant's name (UTF-8): one in printable ASCII is the name ("59"), its
 * first 25 characters; any other is taken for Chinese: its first 25 characters are the name in
 * the language template ("64.01", name_local) and fallback (1 to 25 printable ASCII, no
 * transliteration) the name. Trailing spaces are dropped. QR_EARG when name is "" or not UTF-8,
 * or fallback is needed and does not fit. */
int qr_merchant_name(struct qr_merchant *m, const char *name, const char *fallback);

/* Writes m's payload with its CRC to out (capacity cap, QR_PAYLOAD_MAX is enough): QR_EARG
 * when a member is not a value of its object (guid, mid, mcc, currency, country, name and city
 * needed; name and city printable ASCII, 1 to 25 and 1 to 15; name_local and city_local UTF-8
 * without control characters, 1 to 25 and 1 to 15 characters, city_local only with
 * name_local; tid "" writes no "62", name_local "" no "64") or out is too small. */
int qr_payload_build(const struct qr_merchant *m, char *out, size_t cap);

/* Reads payload into out: QR_EFORMAT when it does not end in "6304" and 4 hexadecimal digits
 * (either case), QR_ECRC when those are not the CRC of what comes before them, QR_EFORMAT when
 * an object is malformed (a length not 2 digits, 00, or past the end; not UTF-8; a value too
 * long for its member; an ID twice) or "00" ("01"), a merchant account (an ID from "02" to
 * "51": 26, 15, 16, …), "52", "53", "58", "59", "60" or "63" (last) is missing, or template
 * 26 lacks its "00", 64 its "01". out->guid and mid are "" without a template 26; out is
 * meaningful only on QR_OK. */
int qr_payload_parse(const char *payload, struct qr_merchant *out);

/* text drawn as a QR code (error correction M, 4 modules of quiet zone, scale modules of
 * pixels each) in a PNG image into *png (malloc'd: the caller frees) of *len bytes. */
int qr_png(const char *text, int scale, uint8_t **png, size_t *len);

#endif
