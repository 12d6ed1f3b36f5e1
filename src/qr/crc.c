/* crc.c — the CRC of a merchant-presented payload (qr.h), object "63": CRC-16/CCITT-FALSE, as
 * the EMVCo MPM specification names it (ISO/IEC 13239, polynomial 1021, initial value FFFF) —
 * no reflection, no final XOR — computed bit by bit: a payload is a few hundred bytes. */
#include "qr/qr.h"

uint16_t qr_crc16(const void *p, size_t n)
{
	const uint8_t *b = p;
	uint16_t crc = 0xFFFF;

	for (size_t i = 0; i < n; i++) {
		crc ^= (uint16_t)(b[i] << 8);
		for (int bit = 0; bit < 8; bit++)
			crc = crc & 0x8000 ? (uint16_t)((crc << 1) ^ 0x1021) : (uint16_t)(crc << 1);
	}
	return crc;
}
