/* iso87.c — ISO 8583:1987 in three encodings, from one table of the standard's fields:
 *   iso87a    ASCII MTI, lengths and content, bitmap as hex text (pyiso8583's default
 *             spec, moov-io/iso8583's ASCII spec, Wireshark's dissector);
 *   iso87a-bb the same with binary bitmaps (jPOS ISO87APackagerBBitmap's bitmap);
 *   iso87b    BCD MTI, numerics and lengths, binary bitmaps, text in ASCII (jPOS
 *             ISO87BPackager).
 * Binary fields (52, 64, 96, 128, 55) are raw bytes in every one. All three frame with a
 * 2-byte big-endian length. */
#include "iso8583/profiles/table.h"

/* X(number, name, length type, class, maximum) for every field of ISO 8583:1987. */
#define ISO87_FIELDS(X)                                                                            \
	X(2, "primary account number", LL, N, 19)                                                  \
	X(3, "processing code", FIXED, N, 6)                                                       \
	X(4, "amount, transaction", FIXED, N, 12)                                                  \
	X(5, "amount, settlement", FIXED, N, 12)                                                   \
	X(6, "amount, cardholder billing", FIXED, N, 12)                                           \
	X(7, "transmission date and time", FIXED, N, 10)                                           \
	X(8, "amount, cardholder billing fee", FIXED, N, 8)                                        \
	X(9, "conversion rate, settlement", FIXED, N, 8)                                           \
	X(10, "conversion rate, cardholder billing", FIXED, N, 8)                                  \
	X(11, "system trace audit number", FIXED, N, 6)                                            \
	X(12, "time, local transaction", FIXED, N, 6)                                              \
	X(13, "date, local transaction", FIXED, N, 4)                                              \
	X(14, "date, expiration", FIXED, N, 4)                                                     \
	X(15, "date, settlement", FIXED, N, 4)                                                     \
	X(16, "date, conversion", FIXED, N, 4)                                                     \
	X(17, "date, capture", FIXED, N, 4)                                                        \
	X(18, "merchant type", FIXED, N, 4)                                                        \
	X(19, "acquiring institution country code", FIXED, N, 3)                                   \
	X(20, "PAN extended, country code", FIXED, N, 3)                                           \
	X(21, "forwarding institution country code", FIXED, N, 3)                                  \
	X(22, "point of service entry mode", FIXED, N, 3)                                          \
	X(23, "card sequence number", FIXED, N, 3)                                                 \
	X(24, "network international identifier", FIXED, N, 3)                                     \
	X(25, "point of service condition code", FIXED, N, 2)                                      \
	X(26, "point of service PIN capture code", FIXED, N, 2)                                    \
	X(27, "authorization identification response length", FIXED, N, 1)                         \
	X(28, "amount, transaction fee", FIXED, XN, 9)                                             \
	X(29, "amount, settlement fee", FIXED, XN, 9)                                              \
	X(30, "amount, transaction processing fee", FIXED, XN, 9)                                  \
	X(31, "amount, settlement processing fee", FIXED, XN, 9)                                   \
	X(32, "acquiring institution identification code", LL, N, 11)                              \
	X(33, "forwarding institution identification code", LL, N, 11)                             \
	X(34, "primary account number, extended", LL, ANS, 28)                                     \
	X(35, "track 2 data", LL, Z, 37)                                                           \
	X(36, "track 3 data", LLL, ANS, 104)                                                       \
	X(37, "retrieval reference number", FIXED, AN, 12)                                         \
	X(38, "authorization identification response", FIXED, AN, 6)                               \
	X(39, "response code", FIXED, AN, 2)                                                       \
	X(40, "service restriction code", FIXED, AN, 3)                                            \
	X(41, "card acceptor terminal identification", FIXED, ANS, 8)                              \
	X(42, "card acceptor identification code", FIXED, ANS, 15)                                 \
	X(43, "card acceptor name/location", FIXED, ANS, 40)                                       \
	X(44, "additional response data", LL, ANS, 25)                                             \
	X(45, "track 1 data", LL, ANS, 76)                                                         \
	X(46, "additional data - ISO", LLL, ANS, 999)                                              \
	X(47, "additional data - national", LLL, ANS, 999)                                         \
	X(48, "additional data - private", LLL, ANS, 999)                                          \
	X(49, "currency code, transaction", FIXED, AN, 3)                                          \
	X(50, "currency code, settlement", FIXED, AN, 3)                                           \
	X(51, "currency code, cardholder billing", FIXED, AN, 3)                                   \
	X(52, "PIN data", FIXED, B, 8)                                                             \
	X(53, "security related control information", FIXED, N, 16)                                \
	X(54, "additional amounts", LLL, AN, 120)                                                  \
	X(55, "ICC data", LLL, B, 255)                                                             \
	X(56, "reserved ISO", LLL, ANS, 999)                                                       \
	X(57, "reserved national", LLL, ANS, 999)                                                  \
	X(58, "reserved national", LLL, ANS, 999)                                                  \
	X(59, "reserved national", LLL, ANS, 999)                                                  \
	X(60, "reserved national", LLL, ANS, 999)                                                  \
	X(61, "reserved private", LLL, ANS, 999)                                                   \
	X(62, "reserved private", LLL, ANS, 999)                                                   \
	X(63, "reserved private", LLL, ANS, 999)                                                   \
	X(64, "message authentication code", FIXED, B, 8)                                          \
	X(65, "bitmap, extended", FIXED, B, 8)                                                     \
	X(66, "settlement code", FIXED, N, 1)                                                      \
	X(67, "extended payment code", FIXED, N, 2)                                                \
	X(68, "receiving institution country code", FIXED, N, 3)                                   \
	X(69, "settlement institution country code", FIXED, N, 3)                                  \
	X(70, "network management information code", FIXED, N, 3)                                  \
	X(71, "message number", FIXED, N, 4)                                                       \
	X(72, "message number, last", FIXED, N, 4)                                                 \
	X(73, "date, action", FIXED, N, 6)                                                         \
	X(74, "credits, number", FIXED, N, 10)                                                     \
	X(75, "credits, reversal number", FIXED, N, 10)                                            \
	X(76, "debits, number", FIXED, N, 10)                                                      \
	X(77, "debits, reversal number", FIXED, N, 10)                                             \
	X(78, "transfer, number", FIXED, N, 10)                                                    \
	X(79, "transfer, reversal number", FIXED, N, 10)                                           \
	X(80, "inquiries, number", FIXED, N, 10)                                                   \
	X(81, "authorizations, number", FIXED, N, 10)                                              \
	X(82, "credits, processing fee amount", FIXED, N, 12)                                      \
	X(83, "credits, transaction fee amount", FIXED, N, 12)                                     \
	X(84, "debits, processing fee amount", FIXED, N, 12)                                       \
	X(85, "debits, transaction fee amount", FIXED, N, 12)                                      \
	X(86, "credits, amount", FIXED, N, 16)                                                     \
	X(87, "credits, reversal amount", FIXED, N, 16)                                            \
	X(88, "debits, amount", FIXED, N, 16)                                                      \
	X(89, "debits, reversal amount", FIXED, N, 16)                                             \
	X(90, "original data elements", FIXED, N, 42)                                              \
	X(91, "file update code", FIXED, AN, 1)                                                    \
	X(92, "file security code", FIXED, AN, 2)                                                  \
	X(93, "response indicator", FIXED, AN, 5)                                                  \
	X(94, "service indicator", FIXED, AN, 7)                                                   \
	X(95, "replacement amounts", FIXED, AN, 42)                                                \
	X(96, "message security code", FIXED, B, 8)                                                \
	X(97, "amount, net settlement", FIXED, XN, 17)                                             \
	X(98, "payee", FIXED, ANS, 25)                                                             \
	X(99, "settlement institution identification code", LL, N, 11)                             \
	X(100, "receiving institution identification code", LL, N, 11)                             \
	X(101, "file name", LL, ANS, 17)                                                           \
	X(102, "account identification 1", LL, ANS, 28)                                            \
	X(103, "account identification 2", LL, ANS, 28)                                            \
	X(104, "reserved ISO", LLL, ANS, 999)                                                      \
	X(105, "reserved ISO", LLL, ANS, 999)                                                      \
	X(106, "reserved ISO", LLL, ANS, 999)                                                      \
	X(107, "reserved ISO", LLL, ANS, 999)                                                      \
	X(108, "reserved ISO", LLL, ANS, 999)                                                      \
	X(109, "reserved ISO", LLL, ANS, 999)                                                      \
	X(110, "reserved ISO", LLL, ANS, 999)                                                      \
	X(111, "reserved ISO", LLL, ANS, 999)                                                      \
	X(112, "reserved national", LLL, ANS, 999)                                                 \
	X(113, "reserved national", LLL, ANS, 999)                                                 \
	X(114, "reserved national", LLL, ANS, 999)                                                 \
	X(115, "reserved national", LLL, ANS, 999)                                                 \
	X(116, "reserved national", LLL, ANS, 999)                                                 \
	X(117, "reserved national", LLL, ANS, 999)                                                 \
	X(118, "reserved national", LLL, ANS, 999)                                                 \
	X(119, "reserved national", LLL, ANS, 999)                                                 \
	X(120, "reserved private", LLL, ANS, 999)                                                  \
	X(121, "reserved private", LLL, ANS, 999)                                                  \
	X(122, "reserved private", LLL, ANS, 999)                                                  \
	X(123, "reserved private", LLL, ANS, 999)                                                  \
	X(124, "reserved private", LLL, ANS, 999)                                                  \
	X(125, "reserved private", LLL, ANS, 999)                                                  \
	X(126, "reserved private", LLL, ANS, 999)                                                  \
	X(127, "reserved private", LLL, ANS, 999)                                                  \
	X(128, "message authentication code", FIXED, B, 8)

/* iso87a: every content and prefix in ASCII, binary raw. */
#define ISO87A_ENC_N                        ASCII
#define ISO87A_ENC_AN                       ASCII
#define ISO87A_ENC_ANS                      ASCII
#define ISO87A_ENC_B                        BIN
#define ISO87A_ENC_Z                        ASCII
#define ISO87A_ENC_XN                       ASCII
#define ISO87A_FIELD(n, name, lt, cls, max) [n] = FIELD_A(name, lt, cls, ISO87A_ENC_##cls, max),
#define FIELD_A(name, lt, cls, enc, max)    FIELD(name, lt, cls, enc, ASCII, max)

/* iso87b: digits in BCD, right-aligned when fixed and left-aligned when variable (jPOS
 * IFB_NUMERIC pads left, IFB_LLNUM right); prefixes in BCD. */
#define ISO87B_ENC_FIXED_N                  BCD_R
#define ISO87B_ENC_LL_N                     BCD_L
#define ISO87B_ENC_LLL_N                    BCD_L
#define ISO87B_ENC_FIXED_XN                 BCD_R
#define ISO87B_ENC_LL_Z                     BCD_L
#define ISO87B_ENC_FIXED_AN                 ASCII
#define ISO87B_ENC_FIXED_ANS                ASCII
#define ISO87B_ENC_LL_ANS                   ASCII
#define ISO87B_ENC_LLL_ANS                  ASCII
#define ISO87B_ENC_LLL_AN                   ASCII
#define ISO87B_ENC_FIXED_B                  BIN
#define ISO87B_ENC_LLL_B                    BIN
#define ISO87B_ENC(lt, cls)                 ISO87B_ENC_##lt##_##cls
#define ISO87B_FIELD(n, name, lt, cls, max) [n] = FIELD_B(name, lt, cls, ISO87B_ENC(lt, cls), max),
#define FIELD_B(name, lt, cls, enc, max)    FIELD(name, lt, cls, enc, BCD, max)

static const iso8583_field_spec iso87a_fields[129] = {ISO87_FIELDS(ISO87A_FIELD)};
static const iso8583_field_spec iso87b_fields[129] = {ISO87_FIELDS(ISO87B_FIELD)};

/* A dialect of the standard's 128 fields, framed with a 2-byte length. */
#define ISO87_PROFILE(id, what, mti, bitmap, table)                                                \
	{                                                                                          \
		.name = (id), .description = (what), .mti_enc = ISO8583_MTI_##mti,                 \
		.bitmap_enc = ISO8583_BITMAP_##bitmap, .len_header = 2, .max_field = 128,          \
		.fields = (table)                                                                  \
	}

const iso8583_profile iso8583_iso87a = ISO87_PROFILE(
    "iso87a", "ISO 8583:1987, ASCII, hex-text bitmap, 2-byte length", ASCII, HEX, iso87a_fields);
const iso8583_profile iso8583_iso87a_bb =
    ISO87_PROFILE("iso87a-bb", "ISO 8583:1987, ASCII, binary bitmap, 2-byte length", ASCII, BINARY,
                  iso87a_fields);
const iso8583_profile iso8583_iso87b =
    ISO87_PROFILE("iso87b", "ISO 8583:1987, BCD numerics, binary bitmap, 2-byte length", BCD,
                  BINARY, iso87b_fields);
