/* cup_pos.c — the cup-pos terminal dialect (docs/cup-pos.md): 2-byte length, TPDU and
 * header, BCD MTI, binary bitmap, BCD numerics; and the sub-field layouts of fields 22, 48,
 * 53, 54, 55, 59, 60, 61, 62 and 63. Only the fields the spec lists are defined: a bitmap
 * naming any other is an error. */
#include "iso8583/profiles/table.h"

/* Field 22: entry mode and PIN capability. */
static const iso8583_sub entry_mode_subs[] = {
    SUB("1", "entry mode", FIXED, N, 2),
    SUB("2", "PIN entry capability", FIXED, N, 1),
};
static const iso8583_layout entry_mode = LAYOUT_SEQ("", "entry mode", entry_mode_subs);
static const iso8583_layout *const f22_layouts[] = {&entry_mode, NULL};

/* Field 48 in 0500/0510: settlement totals, domestic then foreign cards (31 digits each). */
static const iso8583_sub settle_subs[] = {
    SUB("1", "domestic sales amount", FIXED, N, 12),
    SUB("2", "domestic sales count", FIXED, N, 3),
    SUB("3", "domestic refund and void amount", FIXED, N, 12),
    SUB("4", "domestic refund and void count", FIXED, N, 3),
    SUB("5", "domestic settlement flag", FIXED, N, 1),
    SUB("6", "foreign sales amount", FIXED, N, 12),
    SUB("7", "foreign sales count", FIXED, N, 3),
    SUB("8", "foreign refund and void amount", FIXED, N, 12),
    SUB("9", "foreign refund and void count", FIXED, N, 3),
    SUB("10", "foreign settlement flag", FIXED, N, 1),
};
static const iso8583_layout settle = LAYOUT_SEQ("05", "settlement totals", settle_subs);

/* Field 48 in 0320/0330: batch upload records, at most 8 a message. */
static const iso8583_sub upload_subs[] = {
    SUB("1", "card class", FIXED, N, 2),
    SUB("2", "original STAN", FIXED, N, 6),
    SUB("3", "PAN", FIXED, N, 20),
    SUB("4", "amount", FIXED, N, 12),
};
static const iso8583_layout upload_record = LAYOUT_SEQ("", "record", upload_subs);
static const iso8583_layout upload = LAYOUT_REPEAT("03", "batch upload", 2, 8, &upload_record);
static const iso8583_layout *const f48_layouts[] = {&settle, &upload, NULL};

/* Field 53: security control. */
static const iso8583_sub security_subs[] = {
    SUB("1", "PIN block format", FIXED, N, 1),
    SUB("2", "encryption algorithm", FIXED, N, 1),
    SUB("3", "track data encrypted", FIXED, N, 1),
    SUB("4", "reserved", FIXED, N, 13),
};
static const iso8583_layout security = LAYOUT_SEQ("", "security control", security_subs);
static const iso8583_layout *const f53_layouts[] = {&security, NULL};

/* Field 54: balance. */
static const iso8583_sub balance_subs[] = {
    SUB("1", "account type", FIXED, N, 2), SUB("2", "amount type", FIXED, N, 2),
    SUB("3", "currency", FIXED, N, 3),     SUB("4", "sign", FIXED, AN, 1),
    SUB("5", "amount", FIXED, N, 12),
};
static const iso8583_layout balance = LAYOUT_SEQ("", "balance", balance_subs);
static const iso8583_layout *const f54_layouts[] = {&balance, NULL};

/* Field 55: EMV data objects. */
static const iso8583_layout emv = LAYOUT_TLV("", "EMV data");
static const iso8583_layout *const f55_layouts[] = {&emv, NULL};

/* Field 59: tag A2, whose value is itself tagged sub-fields 01–05. */
static const iso8583_sub identity_subs[] = {
    SUB("01", "device type", REST, ANS, 0),
    SUB("02", "hardware serial number", REST, ANS, 50),
    SUB("03", "random factor", REST, N, 6),
    SUB("04", "serial number ciphertext", REST, ANS, 8),
    SUB("05", "application version", REST, ANS, 8),
};
static const iso8583_layout identity = LAYOUT_TAGGED("", "terminal identity", identity_subs, 2, 3);
static const iso8583_layout *const identity_layouts[] = {&identity, NULL};
static const iso8583_sub f59_subs[] = {
    SUB_L("A2", "terminal identity", REST, ANS, 999, identity_layouts),
};
static const iso8583_layout f59 = LAYOUT_TAGGED("", "terminal information", f59_subs, 2, 3);
static const iso8583_layout *const f59_layouts[] = {&f59, NULL};

/* Field 60: message type code, batch, network management code, capability, chip condition. */
static const iso8583_sub f60_subs[] = {
    SUB("1", "message type code", FIXED, N, 2),       SUB("2", "batch number", FIXED, N, 6),
    SUB("3", "network management code", FIXED, N, 3), SUB("4", "terminal capability", FIXED, N, 1),
    SUB("5", "chip condition", FIXED, N, 1),          SUB("6", "reserved", REST, N, 4),
};
static const iso8583_layout f60 = LAYOUT_SEQ("", "reserved private", f60_subs);
static const iso8583_layout *const f60_layouts[] = {&f60, NULL};

/* Field 61: the original transaction. */
static const iso8583_sub f61_subs[] = {
    SUB("1", "original batch number", FIXED, N, 6),
    SUB("2", "original STAN", FIXED, N, 6),
    SUB("3", "original date", FIXED, N, 4),
    SUB("4", "reserved", REST, N, 13),
};
static const iso8583_layout f61 = LAYOUT_SEQ("", "original transaction", f61_subs);
static const iso8583_layout *const f61_layouts[] = {&f61, NULL};

/* Field 62 in 0810: the working keys under the TMK, each with a 4-byte check value. */
static const iso8583_sub keys_subs[] = {
    SUB("1", "PIN key (under TMK)", FIXED, B, 16),   SUB("2", "PIN key check value", FIXED, B, 4),
    SUB("3", "MAC key (under TMK)", FIXED, B, 16),   SUB("4", "MAC key check value", FIXED, B, 4),
    SUB("5", "track key (under TMK)", FIXED, B, 16), SUB("6", "track key check value", FIXED, B, 4),
};
static const iso8583_layout keys = LAYOUT_SEQ("08", "working keys", keys_subs);

/* Field 62 in 0100/0110: card authentication, 2-character tags with 3-digit lengths. */
static const iso8583_sub cardauth_subs[] = {
    SUB("NM", "holder name", REST, ANS, 0),
    SUB("ID", "ID number", REST, AN, 0),
    SUB("PH", "reserved phone", REST, N, 0),
    SUB("OT", "one-time code", REST, N, 0),
};
static const iso8583_layout cardauth =
    LAYOUT_TAGGED("01", "card authentication", cardauth_subs, 2, 3);
static const iso8583_layout *const f62_layouts[] = {&keys, &cardauth, NULL};

/* Field 63: operator code (the card organisation in responses), then private data. */
static const iso8583_sub f63_subs[] = {
    SUB("1", "operator code / card organisation", FIXED, ANS, 3),
    SUB("2", "reserved", REST, ANS, 160),
};
static const iso8583_layout f63 = LAYOUT_SEQ("", "reserved private", f63_subs);
static const iso8583_layout *const f63_layouts[] = {&f63, NULL};

static const iso8583_field_spec cup_pos_fields[65] = {
    [2] = FIELD("primary account number", LL, N, BCD_L, BCD, 19),
    [3] = FIELD("processing code", FIXED, N, BCD_R, BCD, 6),
    [4] = FIELD("amount", FIXED, N, BCD_R, BCD, 12),
    [11] = FIELD("system trace audit number", FIXED, N, BCD_R, BCD, 6),
    [12] = FIELD("local time", FIXED, N, BCD_R, BCD, 6),
    [13] = FIELD("local date", FIXED, N, BCD_R, BCD, 4),
    [14] = FIELD("expiry date", FIXED, N, BCD_R, BCD, 4),
    [15] = FIELD("settlement date", FIXED, N, BCD_R, BCD, 4),
    /* Terminals send 22 left-aligned (docs/cup-pos.md, Fields). */
    [22] = FIELD_L("entry mode", FIXED, N, BCD_L, BCD, 3, f22_layouts),
    [23] = FIELD("card sequence number", FIXED, N, BCD_R, BCD, 3),
    [25] = FIELD("condition code", FIXED, N, BCD_R, BCD, 2),
    [26] = FIELD("PIN capture code", FIXED, N, BCD_R, BCD, 2),
    [32] = FIELD("acquirer institution id", LL, N, BCD_L, BCD, 11),
    [35] = FIELD("track 2", LL, Z, BCD_L, BCD, 37),
    [36] = FIELD("track 3", LLL, Z, BCD_L, BCD, 104),
    [37] = FIELD("retrieval reference number", FIXED, AN, ASCII, ASCII, 12),
    [38] = FIELD("authorization code", FIXED, AN, ASCII, ASCII, 6),
    [39] = FIELD("response code", FIXED, AN, ASCII, ASCII, 2),
    [41] = FIELD("terminal id", FIXED, ANS, ASCII, ASCII, 8),
    [42] = FIELD("merchant id", FIXED, ANS, ASCII, ASCII, 15),
    [44] = FIELD("additional response data", LL, ANS, ASCII, BCD, 25),
    [48] = FIELD_L("additional data", LLL, N, BCD_L, BCD, 322, f48_layouts),
    [49] = FIELD("currency", FIXED, AN, ASCII, ASCII, 3),
    [52] = FIELD("PIN block", FIXED, B, BIN, BCD, 8),
    [53] = FIELD_L("security control", FIXED, N, BCD_R, BCD, 16, f53_layouts),
    [54] = FIELD_L("balance", LLL, AN, ASCII, BCD, 20, f54_layouts),
    [55] = FIELD_L("EMV data", LLL, B, BIN, BCD, 255, f55_layouts),
    [59] = FIELD_L("terminal information", LLL, ANS, ASCII, BCD, 999, f59_layouts),
    [60] = FIELD_L("reserved private", LLL, N, BCD_L, BCD, 17, f60_layouts),
    [61] = FIELD_L("original transaction", LLL, N, BCD_L, BCD, 29, f61_layouts),
    [62] = FIELD_L("keys / card authentication", LLL, B, BIN, BCD, 512, f62_layouts),
    [63] = FIELD_L("reserved private", LLL, ANS, ASCII, BCD, 163, f63_layouts),
    [64] = FIELD("MAC", FIXED, B, BIN, BCD, 8),
};

const iso8583_profile iso8583_cup_pos = {
    .name = "cup-pos",
    .description = "China UnionPay-style POS dialect: TPDU, header, BCD (docs/cup-pos.md)",
    .mti_enc = ISO8583_MTI_BCD,
    .bitmap_enc = ISO8583_BITMAP_BINARY,
    .len_header = 2,
    .tpdu_len = 5,
    .header_len = 6,
    .max_field = 64,
    .fields = cup_pos_fields,
};
