/* crc.c — the CRC of a merchant-presented payload (qr.h): CRC-16/CCITT-FALSE, as EMVCo MPM
 * v1.1 section 4.7.3 (ISO/IEC 13239) names it — polynomial 0x1021, initial value 0xFFFF, no
 * reflection, no final XOR — computed bit by bit: a payload is a few hundred bytes. */
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
