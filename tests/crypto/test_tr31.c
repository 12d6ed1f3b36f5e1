/* test_tr31.c — TR-31 / X9.143 key blocks: the TR-31:2018 annex A.7 and X9.143:2021 examples,
 * HSM-made blocks, wrap known answers, tampering, bad headers, usage and length checks. */
#include "testutil.h"

#include "crypto/kcv.h"
#include "crypto/tr31.h"

/* TR-31:2018 A.7.2.1, version A (shared/vectors/README.md). */
#define KBPK_A721  "89E88CF7931444F334BD7547FC3F380C"
#define BLOCK_A721 "A0072P0TE00E0000F5161ED902807AF26F1D62263644BD24192FDB3193C730301CEE8701"
#define KEY_A721   "F039121BEC83D26B169BDCD5B22AAF8F"

/* TR-31:2018 A.7.2.2, version B. */
#define KBPK_A722 "DD7515F2BFC17F85CE48F3CA25CB21F6"
#define BLOCK_A722                                                                                 \
	"B0080P0TE00E000094B420079CC80BA3461F86FE26EFC4A3B8E4FA4C5F5341176EED7B727B8A248E"
#define KEY_A722 "3F419E1CB7079442AA37474C2EFBF8B8"

/* TR-31:2018 A.7.4, version D (AES-256 KBPK), with the random pad the annex prints. */
#define KBPK_A74 "88E1AB2A2E3DD38C1FA039A536500CC8A87AB9D62DC92C01058FA79F44657DE6"
#define BLOCK_A74                                                                                  \
	"D0112P0AE00E0000B82679114F470F540165EDFBF7E250FCEA43F810D215F8D207E2E417C07156A27E8E3"    \
	"1DA05F7425509593D03A457DC34"
#define PAD_A74 "1C2965473CE206BB855B01533782"

/* Unwraps block under kbpk with no usage requirement and checks the key and its KCV. */
static void check_unwrap(const char *kbpk, const char *block, const char *want_key,
                         enum crypto_alg alg, const char *want_kcv)
{
	size_t klen;
	const uint8_t *k = test_hex(kbpk, &klen);
	struct crypto_tr31_header h;
	uint8_t key[CRYPTO_TR31_MAX_KEY], kcv[5];
	size_t key_len;

	assert_int_equal(crypto_tr31_unwrap(k, klen, block, strlen(block), NULL, 0, &h, key,
	                                    sizeof key, &key_len),
	                 CRYPTO_OK);
	assert_int_equal(h.length, strlen(block));
	assert_string_equal(test_tohex(key, key_len), want_key);
	if (want_kcv != NULL) {
		assert_int_equal(crypto_kcv(alg, key, key_len, kcv, strlen(want_kcv) / 2),
		                 CRYPTO_OK);
		assert_string_equal(test_tohex(kcv, strlen(want_kcv) / 2), want_kcv);
	}
}

static int unwrap_rc(const char *kbpk, const char *block)
{
	size_t klen, key_len;
	const uint8_t *k = test_hex(kbpk, &klen);
	uint8_t key[CRYPTO_TR31_MAX_KEY];

	return crypto_tr31_unwrap(k, klen, block, strlen(block), NULL, 0, NULL, key, sizeof key,
	                          &key_len);
}

/* TR-31:2018 A.7.2.1 (A), A.7.2.2 (B), A.7.3.1 (C), A.7.3.2 (B with a KS block), A.7.4 (D),
 * ANSI X9.143:2021 8.1 (D with the key length masked), with the KCVs they print. */
static void annex_examples(void **state)
{
	struct crypto_tr31_header h;

	(void)state;
	check_unwrap(KBPK_A721, BLOCK_A721, KEY_A721, CRYPTO_TDES, "CB9DEA");
	check_unwrap(KBPK_A722, BLOCK_A722, KEY_A722, CRYPTO_TDES, "57C409");
	check_unwrap(
	    "B8ED59E0A279A295E9F5ED7944FD06B9",
	    "C0096B0TX12S0100KS1800604B120F9292800000BFB9B689CB567E66FC3FEE5AD5F52161FC6545"
	    "B9D60989015D02155C",
	    "EDB380DD340BC2620247D445F5B8D678", CRYPTO_TDES, "F4B08D");
	check_unwrap(
	    "1D22BF32387C600AD97F9B97A51311AC",
	    "B0104B0TX12S0100KS1800604B120F9292800000BB68BE8680A400D9191AD4ECE45B6E6C0D21C4"
	    "738A52190E248719E24B433627",
	    "E8BC63E5479455E26577F715D587FE68", CRYPTO_TDES, "9A4212");
	check_unwrap(KBPK_A74, BLOCK_A74, KEY_A722, CRYPTO_AES, "08793E");
	check_unwrap(
	    KBPK_A74,
	    "D0144P0AE00E00002C77FA3F4A553BED6E88AE5C172A4166E3D4ACA8E2AC71C158A476FAC12C13"
	    "C3829DE55D3AB54C48F4C4FEF7AC75E90FC47F1B77E7B19A73ED46E64410082557",
	    KEY_A722, CRYPTO_AES, "08793E25AB");

	/* The parsed header of A.7.3.1. */
	assert_int_equal(crypto_tr31_parse("C0096B0TX12S0100KS1800604B120F9292800000BFB9B689CB567E"
	                                   "66FC3FEE5AD5F52161FC6545B9D60989015D02155C",
	                                   96, &h),
	                 CRYPTO_OK);
	assert_int_equal(h.version, 'C');
	assert_string_equal(h.usage, "B0");
	assert_int_equal(h.algorithm, 'T');
	assert_int_equal(h.mode, 'X');
	assert_string_equal(h.key_version, "12");
	assert_int_equal(h.exportability, 'S');
	assert_int_equal(h.n_opt, 1);
	assert_int_equal(h.opt_len, 24);
	assert_memory_equal(h.opt, "KS1800604B120F9292800000", 24);
	assert_int_equal(h.header_len, 40);
}

/* Blocks a Thales payShield 10k made (openemv/tr31 tr31_decrypt_test.c): the same key as A, B
 * and C, and D blocks with AES-128 and AES-256 keys under an AES-256 KBPK. */
static void hsm_examples(void **state)
{
	static const char *const abc[] = {
	    "A0072K0TN00N0000F40D5672C6D0EC86F860BA88D44D00F0CA9A8CE8CD2F640287A9A9EB",
	    "B0080K0TN00N00001C414014375212C24995E405B5EE052CB92B67F455EA2680F6751088F9F1C228",
	    "C0072K0TN00N0000C9B875FF7A5316BF221C09ED52080DE0B45632A4EA9CE87699CB565E",
	};
	const char *aes = "4141414141414141414141414141414141414141414141414141414141414141";

	(void)state;
	for (size_t i = 0; i < 3; i++)
		check_unwrap("EFE0853B256B583D868F251CE99EA1D9", abc[i],
		             "5DB50B454F8389ADCE573BE50861F2BF", CRYPTO_TDES, "5C9405");
	check_unwrap(
	    aes,
	    "D0112B0TN00N000037DB9B046B7B0048785690759580ABC3B9842AB4BB7717B49E92528E575785"
	    "D8123559376A2553B27BE94F054F4E971C",
	    "1FA1F7CEC798D91545DA8AE0C7796BD9", CRYPTO_TDES, "FF5087");
	check_unwrap(
	    aes,
	    "D0144D0AN00N0000127862F945C2DED04530FAF7CDBC8B0BA10C7AA79BD5E0C2C5D6AC173BF588"
	    "E4B19ACF1357178D50EA0AB193228E13958304FC6149632DFDCADF3A5B3D57E814",
	    "BE19E6A07A760F10EF8E83A226B63AAD141F463FDDD4F47DB244B4023EC3CACC", CRYPTO_AES,
	    "0A00E3");
}

/* psec tests/test_tr31.py test_kb_known_values: single-length keys masked as triple length,
 * 3-key KBPKs, and optional blocks KS and PB. */
static void psec_examples(void **state)
{
	const char *k2 = "AAAAAAAAAAAAAAAABBBBBBBBBBBBBBBB";
	const char *k3 = "AAAAAAAAAAAAAAAABBBBBBBBBBBBBBBBCCCCCCCCCCCCCCCC";

	(void)state;
	check_unwrap(
	    k2,
	    "A0088M3TC00E000062C2C14D8785A01A9E8283525CA96F490D0CC6346FC7C2AC1E6FF354468910"
	    "379AA5BBA6",
	    "EEEEEEEEEEEEEEEE", CRYPTO_TDES, NULL);
	check_unwrap(
	    k2,
	    "B0096M3TC00E0000B6CD513680EF255FC0DC590726FD0129A7CF6602E7F271631AB4EE7350642F"
	    "11181AF4CC12F12FD9",
	    "EEEEEEEEEEEEEEEE", CRYPTO_TDES, NULL);
	check_unwrap(
	    k2,
	    "C0088M3TC00E0000A53CF172FE6562E7FDD5E6482E8925DA46F7FFE4D1BAD49EB33A9EDBB96A8A"
	    "8D39F13A31",
	    "EEEEEEEEEEEEEEEE", CRYPTO_TDES, NULL);
	check_unwrap(
	    k3,
	    "A0088M3TC00E000022BD7EC46BBE2A6A73389D1BA6DB63120B386F912839F4679C0523399E4D8D"
	    "0F1D9A356E",
	    "CCCCCCCCCCCCCCCCDDDDDDDDDDDDDDDD", CRYPTO_TDES, NULL);
	check_unwrap(
	    k3,
	    "B0096M3TC00E0000C7C6FE86A5DE769C20DCA238C52341378B484D544A9764D43963C3B2824AE5"
	    "6C2D07A565DD3AB342",
	    "CCCCCCCCCCCCCCCCDDDDDDDDDDDDDDDD", CRYPTO_TDES, NULL);
	check_unwrap(
	    k3,
	    "C0088M3TC00E000091FA4978279FD9C218BDCBE9CC62F11A182F828406B67AC61B5573748FCF34"
	    "8FD59FA93A",
	    "CCCCCCCCCCCCCCCCDDDDDDDDDDDDDDDD", CRYPTO_TDES, NULL);
	check_unwrap(
	    KBPK_A721,
	    "B0120P0TE12E0100KS1800604B120F9292800000E6E28F097CB0350B2EB2DF520947F779FA34D9"
	    "759CEE7E0DEEACF8353DB778D47FA4EC20DA3A9754",
	    KEY_A721, CRYPTO_TDES, "CB9DEA");
	check_unwrap(
	    "B8ED59E0A279A295E9F5ED7944FD06B9",
	    "A0112P0TE12E0200KS1400604B120F929280PB047A1BB737854CD7AF58A8A1E4506A942277EDA7"
	    "6EBA6BA228AF62ADDA3AD8799E8B2C8CD7",
	    KEY_A721, CRYPTO_TDES, "CB9DEA");
}

static struct crypto_tr31_header header(char version, const char *usage, char alg, char mode)
{
	struct crypto_tr31_header h = {.version = version, .algorithm = alg, .mode = mode};

	memcpy(h.usage, usage, 3);
	memcpy(h.key_version, "00", 3);
	h.exportability = 'E';
	return h;
}

/* Wrapping with the annex's pads gives the annex's blocks: A.7.4 (D) and A.7.2.2 and A.7.3.2
 * (B; the pads 1C2965473CE2 and 30111D18CC4C are what deciphering those blocks gives). */
static void wrap_known_answers(void **state)
{
	struct crypto_tr31_header h = header('D', "P0", 'A', 'E');
	uint8_t pad[CRYPTO_TR31_PAD_MAX] = {0};
	char out[200];
	size_t n;

	(void)state;
	memcpy(pad, HEX(PAD_A74), 14);
	assert_int_equal(
	    crypto_tr31_wrap(HEX(KBPK_A74), 32, &h, HEX(KEY_A722), 16, pad, out, sizeof out, &n),
	    CRYPTO_OK);
	assert_int_equal(n, 112);
	assert_string_equal(out, BLOCK_A74);

	h = header('B', "P0", 'T', 'E');
	assert_int_equal(
	    crypto_tr31_wrap(HEX(KBPK_A722), 16, &h, HEX(KEY_A722), 16, pad, out, sizeof out, &n),
	    CRYPTO_OK);
	assert_string_equal(out, BLOCK_A722);

	h = header('B', "B0", 'T', 'X');
	memcpy(h.key_version, "12", 3);
	h.exportability = 'S';
	h.n_opt = 1;
	h.opt = "KS1800604B120F9292800000";
	h.opt_len = 24;
	memcpy(pad, HEX("30111D18CC4C"), 6);
	assert_int_equal(crypto_tr31_wrap(HEX("1D22BF32387C600AD97F9B97A51311AC"), 16, &h,
	                                  HEX("E8BC63E5479455E26577F715D587FE68"), 16, pad, out,
	                                  sizeof out, &n),
	                 CRYPTO_OK);
	assert_string_equal(out, "B0104B0TX12S0100KS1800604B120F9292800000BB68BE8680A400D9191AD4EC"
	                         "E45B6E6C0D21C4738A52190E248719E24B433627");
}

/* Random pads: every wrap differs, and each unwraps to the key (B with 2- and 3-key KBPKs, D
 * with AES-128/192/256 KBPKs and TDES and AES keys). */
static void wrap_round_trips(void **state)
{
	static const struct {
		char version, alg;
		const char *kbpk, *key;
	} cases[] = {
	    {'B', 'T', "0123456789ABCDEFFEDCBA9876543210", "F039121BEC83D26B169BDCD5B22AAF8F"},
	    {'B', 'T', "0123456789ABCDEFFEDCBA98765432100123456789ABCDEF",
	     "F039121BEC83D26B169BDCD5B22AAF8F0123456789ABCDEF"},
	    {'D', 'A', "000102030405060708090A0B0C0D0E0F", "3F419E1CB7079442AA37474C2EFBF8B8"},
	    {'D', 'T', "000102030405060708090A0B0C0D0E0F1011121314151617",
	     "F039121BEC83D26B169BDCD5B22AAF8F0123456789ABCDEF"},
	    {'D', 'A', KBPK_A74,
	     "BE19E6A07A760F10EF8E83A226B63AAD141F463FDDD4F47DB244B4023EC3CACC"},
	};
	char a[200], b[200];
	uint8_t key[CRYPTO_TR31_MAX_KEY];
	size_t na, nb, klen, kbpk_len, key_len;

	(void)state;
	for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
		struct crypto_tr31_header h = header(cases[i].version, "K0", cases[i].alg, 'B');
		const uint8_t *kbpk = test_hex(cases[i].kbpk, &kbpk_len);
		const uint8_t *k = test_hex(cases[i].key, &key_len);

		assert_int_equal(
		    crypto_tr31_wrap(kbpk, kbpk_len, &h, k, key_len, NULL, a, sizeof a, &na),
		    CRYPTO_OK);
		assert_int_equal(
		    crypto_tr31_wrap(kbpk, kbpk_len, &h, k, key_len, NULL, b, sizeof b, &nb),
		    CRYPTO_OK);
		assert_int_equal(na, nb);
		assert_string_not_equal(a, b);
		assert_int_equal(crypto_tr31_unwrap(kbpk, kbpk_len, a, na, "K0", 'E', NULL, key,
		                                    sizeof key, &klen),
		                 CRYPTO_OK);
		assert_int_equal(klen, key_len);
		assert_memory_equal(key, k, key_len);
	}
}

/* Any change to the header, the encrypted key data or the MAC is caught (CRYPTO_EAUTH), as is
 * another KBPK; nothing is written to the key buffer. */
static void tampering_rejected(void **state)
{
	static const char *const blocks[] = {BLOCK_A721, BLOCK_A722, BLOCK_A74};
	static const char *const kbpks[] = {KBPK_A721, KBPK_A722, KBPK_A74};
	char t[200];

	(void)state;
	for (size_t b = 0; b < 3; b++) {
		size_t len = strlen(blocks[b]);
		/* Usage, key version, exportability, key data, MAC. */
		const size_t at[] = {6, 10, 11, 16, 30, len - 1};

		for (size_t i = 0; i < sizeof at / sizeof at[0]; i++) {
			memcpy(t, blocks[b], len + 1);
			t[at[i]] = at[i] == 11 ? 'N' : t[at[i]] == '0' ? '1' : '0';
			assert_int_equal(unwrap_rc(kbpks[b], t), CRYPTO_EAUTH);
		}
	}
	assert_int_equal(unwrap_rc(KBPK_A722, BLOCK_A721), CRYPTO_EAUTH);
	/* One key bit off (not a parity bit, which DES ignores). */
	assert_int_equal(unwrap_rc("89E88CF7931444F334BD7547FC3F380E", BLOCK_A721), CRYPTO_EAUTH);
}

/* psec tests/test_tr31.py test_kb_unwrap_exceptions, KBPK "E" * 16: bad MAC, key length of 0
 * bits, key length longer than the data. */
static void psec_unwrap_rejects(void **state)
{
	const char *kbpk = "45454545454545454545454545454545";

	(void)state;
	assert_int_equal(
	    unwrap_rc(kbpk, "A0056M3TC00E0000BBBBBBBBBBBBBBBBBBBBBBBBBBBBBBBB9AA5BBA6"),
	    CRYPTO_EAUTH);
	assert_int_equal(
	    unwrap_rc(kbpk, "B0064M3TC00E0000BBBBBBBBBBBBBBBBBBBBBBBBBBBBBBBBFFFFFFFF9AA5BBA6"),
	    CRYPTO_EAUTH);
	assert_int_equal(
	    unwrap_rc(kbpk, "A0056M3TC00E0000ABE3EB7813FD4031BCBAEC1FCAB750BB920E4863"),
	    CRYPTO_EFORMAT);
	assert_int_equal(
	    unwrap_rc(kbpk, "B0064M3TC00E000013F1B06566ECAE897A6DF8C7AA651FCEF9480447EEEC9933"),
	    CRYPTO_EFORMAT);
	assert_int_equal(
	    unwrap_rc(kbpk, "C0056M3TC00E0000629D73329F5F42D868B2EB1E4C52D1E191BC1D3C"),
	    CRYPTO_EFORMAT);
	assert_int_equal(
	    unwrap_rc(kbpk, "A0056M3TC00E0000EF14FD71CFCDCE0630AD5C1CDE0041DCF95CF1D0"),
	    CRYPTO_EFORMAT);
	assert_int_equal(
	    unwrap_rc(kbpk, "B0064M3TC00E00000398DC96A5DDB0EF61E26F8935173BD478DF9484050A672A"),
	    CRYPTO_EFORMAT);
	assert_int_equal(
	    unwrap_rc(kbpk, "C0056M3TC00E000001235EC22408B6CE866746FF992B8707FD7A26D2"),
	    CRYPTO_EFORMAT);
	/* Hex that is not hex, in the key data and in the MAC. */
	assert_int_equal(
	    unwrap_rc(kbpk, "A0056M3TC00E0000ABE3EB7813FD4031BCBAEC1FCAB750BX920E4863"),
	    CRYPTO_EFORMAT);
	assert_int_equal(
	    unwrap_rc(kbpk, "A0056M3TC00E0000ABE3EB7813FD4031BCBAEC1FCAB750BB920E486X"),
	    CRYPTO_EFORMAT);
}

static void bad_headers_rejected(void **state)
{
	/* Each block is the A.7.2.1 block with one header field broken. */
	static const char *const bad[] = {
	    /* version */
	    "E0072P0TE00E0000F5161ED902807AF26F1D62263644BD24192FDB3193C730301CEE8701",
	    /* length */
	    "A00X2P0TE00E0000F5161ED902807AF26F1D62263644BD24192FDB3193C730301CEE8701",
	    /* usage */
	    "A0072P_TE00E0000F5161ED902807AF26F1D62263644BD24192FDB3193C730301CEE8701",
	    /* algorithm */
	    "A0072P0ZE00E0000F5161ED902807AF26F1D62263644BD24192FDB3193C730301CEE8701",
	    /* mode */
	    "A0072P0TQ00E0000F5161ED902807AF26F1D62263644BD24192FDB3193C730301CEE8701",
	    /* key version */
	    "A0072P0TE0_E0000F5161ED902807AF26F1D62263644BD24192FDB3193C730301CEE8701",
	    /* exportability */
	    "A0072P0TE00X0000F5161ED902807AF26F1D62263644BD24192FDB3193C730301CEE8701",
	    /* optional block count */
	    "A0072P0TE00E0X00F5161ED902807AF26F1D62263644BD24192FDB3193C730301CEE8701",
	    /* reserved */
	    "A0072P0TE00E0001F5161ED902807AF26F1D62263644BD24192FDB3193C730301CEE8701",
	    /* optional block length not hex */
	    "A0072P0TE00E0100KSZZ1ED902807AF26F1D62263644BD24192FDB3193C730301CEE8701",
	    /* optional block too short */
	    "A0072P0TE00E0100KS02161ED902807AF26F1D62263644BD24192FDB3193C730301CEE8701",
	    /* optional block length of length 0 */
	    "A0072P0TE00E0100KS0000D902807AF26F1D62263644BD24192FDB3193C730301CEE8701",
	    /* optional blocks not block-aligned */
	    "A0072P0TE00E0100TT04BBA6F902807AF26F1D62263644BD24192FDB3193C730301CEE87",
	    /* control character in an optional block */
	    ("A0072P0TE00E0100KS08\x01"
	     "BCD902807AF26F1D62263644BD24192FDB3193C730301CEE8701"),
	};
	struct crypto_tr31_header h;

	(void)state;
	for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++)
		assert_int_equal(crypto_tr31_parse(bad[i], strlen(bad[i]), &h), CRYPTO_EHEADER);
	/* psec test_header_load_optional_256 and _extended_length: long and extended lengths. */
	assert_int_equal(crypto_tr31_parse("B0048P0TE00N0200KS00011600604B120F9292PB0A000000"
	                                   "0123456789ABCDEF0123456789ABCDEF",
	                                   80, &h),
	                 CRYPTO_ELEN);
	assert_int_equal(crypto_tr31_parse("B0080P0TE00N0200KS00011600604B120F9292PB0A000000"
	                                   "0123456789ABCDEF0123456789ABCDEF",
	                                   80, &h),
	                 CRYPTO_OK);
	assert_int_equal(h.header_len, 48);
	assert_int_equal(h.n_opt, 2);
}

static void lengths_rejected(void **state)
{
	char t[200];
	uint8_t key[CRYPTO_TR31_MAX_KEY];
	size_t n;

	(void)state;
	/* The length field must be the block's length (psec). */
	assert_int_equal(unwrap_rc(KBPK_A721, "B0040P0TE00N0000"), CRYPTO_ELEN);
	assert_int_equal(unwrap_rc(KBPK_A721,
	                           "A0087M3TC00E000062C2C14D8785A01A9E8283525CA96F490D0CC6"
	                           "346FC7C2AC1E6FF354468910379AA5BBA"),
	                 CRYPTO_ELEN);
	assert_int_equal(unwrap_rc(KBPK_A721, "A0072P0TE00E0000"), CRYPTO_ELEN);
	memcpy(t, BLOCK_A721, 71);
	t[71] = '\0'; /* one character short of its length field */
	assert_int_equal(unwrap_rc(KBPK_A721, t), CRYPTO_ELEN);
	assert_int_equal(unwrap_rc(KBPK_A721, "A001"), CRYPTO_ELEN);
	/* Key data that is not whole blocks, and no key data at all. */
	assert_int_equal(unwrap_rc(KBPK_A721, "A0032P0TE00E00001CEE87011CEE8701"), CRYPTO_ELEN);
	assert_int_equal(unwrap_rc(KBPK_A721, "A0024P0TE00E00001CEE8701"), CRYPTO_ELEN);
	/* KBPK lengths: TDES 16 or 24 bytes for A, B, C; AES for D. */
	assert_int_equal(unwrap_rc("89E88CF7931444F3", BLOCK_A721), CRYPTO_EKEYLEN);
	assert_int_equal(unwrap_rc("89E88CF7931444F334BD7547FC3F38", BLOCK_A721), CRYPTO_EKEYLEN);
	assert_int_equal(unwrap_rc("0123456789ABCDEF", BLOCK_A74), CRYPTO_EKEYLEN);
	/* A key that does not fit the caller's buffer. */
	assert_int_equal(
	    crypto_tr31_unwrap(HEX(KBPK_A721), 16, BLOCK_A721, 72, NULL, 0, NULL, key, 15, &n),
	    CRYPTO_ESPACE);
	assert_int_equal(n, 0);
}

/* A caller that requires a usage or mode of use the key lacks gets CRYPTO_EUSAGE. */
static void usage_checked(void **state)
{
	uint8_t key[CRYPTO_TR31_MAX_KEY];
	struct crypto_tr31_header h;
	size_t n;

	(void)state;
	assert_int_equal(crypto_tr31_unwrap(HEX(KBPK_A721), 16, BLOCK_A721, 72, "P0", 'E', &h, key,
	                                    sizeof key, &n),
	                 CRYPTO_OK);
	assert_int_equal(crypto_tr31_unwrap(HEX(KBPK_A721), 16, BLOCK_A721, 72, "M3", 0, &h, key,
	                                    sizeof key, &n),
	                 CRYPTO_EUSAGE);
	assert_int_equal(crypto_tr31_unwrap(HEX(KBPK_A721), 16, BLOCK_A721, 72, "K0", 'E', &h, key,
	                                    sizeof key, &n),
	                 CRYPTO_EUSAGE);
	assert_int_equal(crypto_tr31_unwrap(HEX(KBPK_A721), 16, BLOCK_A721, 72, "P0", 'D', &h, key,
	                                    sizeof key, &n),
	                 CRYPTO_EUSAGE);
	assert_int_equal(n, 0);

	h = header('B', "M3", 'T', 'C');
	assert_int_equal(crypto_tr31_permits(&h, "M3", 'G'), CRYPTO_OK);
	assert_int_equal(crypto_tr31_permits(&h, "M3", 'V'), CRYPTO_OK);
	assert_int_equal(crypto_tr31_permits(&h, "M3", 'E'), CRYPTO_EUSAGE);
	assert_int_equal(crypto_tr31_permits(&h, "M", 0), CRYPTO_EUSAGE);
	h.mode = 'G';
	assert_int_equal(crypto_tr31_permits(&h, NULL, 'V'), CRYPTO_EUSAGE);
	h.mode = 'B';
	assert_int_equal(crypto_tr31_permits(&h, NULL, 'E'), CRYPTO_OK);
	assert_int_equal(crypto_tr31_permits(&h, NULL, 'D'), CRYPTO_OK);
	assert_int_equal(crypto_tr31_permits(&h, NULL, 'G'), CRYPTO_EUSAGE);
	h.mode = 'N';
	assert_int_equal(crypto_tr31_permits(&h, "M3", 'X'), CRYPTO_OK);
}

static void wrap_rejects(void **state)
{
	struct crypto_tr31_header h = header('B', "P0", 'T', 'E');
	const uint8_t *kbpk = HEX(KBPK_A722);
	const uint8_t *key = HEX("0123456789ABCDEFFEDCBA98765432100123456789ABCDEF");
	char out[200];
	size_t n;

	(void)state;
	/* Versions A and C are not written; an unknown version is refused. */
	h.version = 'A';
	assert_int_equal(crypto_tr31_wrap(kbpk, 16, &h, key, 16, NULL, out, sizeof out, &n),
	                 CRYPTO_EHEADER);
	h.version = 'B';
	/* KBPK and key lengths; a key stronger than the KBPK. */
	assert_int_equal(crypto_tr31_wrap(kbpk, 8, &h, key, 16, NULL, out, sizeof out, &n),
	                 CRYPTO_EKEYLEN);
	assert_int_equal(crypto_tr31_wrap(kbpk, 16, &h, key, 12, NULL, out, sizeof out, &n),
	                 CRYPTO_EKEYLEN);
	assert_int_equal(crypto_tr31_wrap(kbpk, 16, &h, key, 24, NULL, out, sizeof out, &n),
	                 CRYPTO_EKEYLEN);
	h.algorithm = 'A';
	assert_int_equal(crypto_tr31_wrap(kbpk, 16, &h, key, 16, NULL, out, sizeof out, &n),
	                 CRYPTO_EKEYLEN);
	h.algorithm = 'T';
	/* Header fields and optional blocks go through the parser's checks. */
	memcpy(h.usage, "P", 2);
	assert_int_equal(crypto_tr31_wrap(kbpk, 16, &h, key, 16, NULL, out, sizeof out, &n),
	                 CRYPTO_EHEADER);
	memcpy(h.usage, "P0", 3);
	h.mode = 'Q';
	assert_int_equal(crypto_tr31_wrap(kbpk, 16, &h, key, 16, NULL, out, sizeof out, &n),
	                 CRYPTO_EHEADER);
	h.mode = 'E';
	h.n_opt = 1;
	h.opt = "KS0800AB"; /* 24 characters of header: not a whole AES block */
	h.opt_len = 8;
	h.version = 'D';
	assert_int_equal(
	    crypto_tr31_wrap(HEX(KBPK_A74), 32, &h, key, 16, NULL, out, sizeof out, &n),
	    CRYPTO_EHEADER);
	h.opt = "KS0800ABPB08";
	h.opt_len = 12; /* a block that n_opt does not count */
	assert_int_equal(
	    crypto_tr31_wrap(HEX(KBPK_A74), 32, &h, key, 16, NULL, out, sizeof out, &n),
	    CRYPTO_EHEADER);
	h.n_opt = 2;
	h.opt = "KS0800ABPB080000";
	h.opt_len = 16;
	assert_int_equal(
	    crypto_tr31_wrap(HEX(KBPK_A74), 32, &h, key, 16, NULL, out, sizeof out, &n), CRYPTO_OK);
	assert_int_equal(n, 16 + 16 + 64 + 32);
	/* The output buffer must hold the block and its NUL. */
	assert_int_equal(crypto_tr31_wrap(HEX(KBPK_A74), 32, &h, key, 16, NULL, out, n, &n),
	                 CRYPTO_ESPACE);
	assert_int_equal(n, 0);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(annex_examples),      cmocka_unit_test(hsm_examples),
	    cmocka_unit_test(psec_examples),       cmocka_unit_test(wrap_known_answers),
	    cmocka_unit_test(wrap_round_trips),    cmocka_unit_test(tampering_rejected),
	    cmocka_unit_test(psec_unwrap_rejects), cmocka_unit_test(bad_headers_rejected),
	    cmocka_unit_test(lengths_rejected),    cmocka_unit_test(usage_checked),
	    cmocka_unit_test(wrap_rejects),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
