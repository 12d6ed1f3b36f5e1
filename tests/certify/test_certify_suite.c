/* test_certify_suite.c — the suite file of `possum certify` (suite.c) and the judging of a
 * case's expectations (judge.c), as docs/certify.md "The suite file" states them: the shipped
 * suite reads with its cases; each fault is said as NAME:LINE: why; expectations are matched
 * in order over hand-built transcripts of cup-pos messages, packed and unpacked as the proxy
 * records them. */
#include "testutil.h"

#include <stdio.h>
#include <unistd.h>

#include "certify/internal.h"

/* ---- The suite file --------------------------------------------------------------------- */

static const char *const shipped_ids[] = {
    "signin",
    "signin-bad-kcv",
    "signin-again",
    "purchase-stripe",
    "purchase-chip",
    "answer-a0",
    "answer-99",
    "no-answer",
    "restart-reversal",
    "late-answer",
    "duplicate-94",
    "bad-answer-mac",
    "void",
    "refund",
    "settle-match",
    "settle-mismatch",
    "download-params",
    "download-keys",
    "echo",
};

/* The built-in suite reads: its cases in order, each told in both languages. */
static void shipped_suite_reads(void **state)
{
	struct certify_suite *s;
	const struct certify_case *c;
	char err[400] = "";

	(void)state;
	assert_int_equal(certify_suite_load("cup-pos", &s, err, sizeof err), CERTIFY_OK);
	assert_string_equal(s->name, "cup-pos");
	assert_string_equal(s->path, "cup-pos");
	assert_int_equal(s->n_cases, sizeof shipped_ids / sizeof shipped_ids[0]);
	for (size_t i = 0; i < s->n_cases; i++) {
		c = &s->cases[i];
		assert_string_equal(c->id, shipped_ids[i]);
		for (int zh = 0; zh < 2; zh++) {
			assert_true(c->title[zh][0] != '\0');
			assert_true(c->operator[zh][0] != '\0');
			assert_true(c->terminal[zh][0] != '\0');
		}
		assert_true(c->n_expects > 0);
		assert_ptr_equal(certify_suite_case(s, shipped_ids[i]), c);
	}
	assert_null(certify_suite_case(s, "nosuch"));
	/* A few lines read as written. */
	c = certify_suite_case(s, "no-answer");
	assert_int_equal(c->n_host, 2);
	assert_string_equal(c->host[1].mti, "0400");
	assert_int_equal(c->host[1].nth, 1);
	assert_int_equal(c->host[1].effect, CERTIFY_LOSE);
	assert_true(c->expects[1].many);
	assert_int_equal(c->timeout, 240);
	c = certify_suite_case(s, "settle-match");
	assert_true(c->expects[0].conds[5].answer);
	assert_int_equal(c->expects[0].conds[5].field, 48);
	assert_int_equal(c->expects[0].conds[5].off, 30);
	assert_int_equal(c->expects[0].conds[5].len, 1);
	assert_string_equal(c->expects[0].conds[5].value, "1");
	c = certify_suite_case(s, "answer-a0");
	assert_int_equal(c->host[0].effect, CERTIFY_ANSWER);
	assert_string_equal(c->host[0].rc, "A0");
	c = certify_suite_case(s, "download-params");
	assert_int_equal(c->n_setup, 2);
	assert_string_equal(c->setup_keys[0], "merchant_name_zh");
	assert_string_equal(c->setup_values[0], "认证测试商店");
	assert_string_equal(c->setup_keys[1], "merchant_name_en");
	assert_string_equal(c->setup_values[1], "CERTIFY SHOP");
	assert_int_equal(c->setup_kinds[1], CERTIFY_SETUP_PARAM);
	c = certify_suite_case(s, "download-keys");
	assert_int_equal(c->n_setup, 2);
	assert_int_equal(c->setup_kinds[0], CERTIFY_SETUP_CAPK);
	assert_string_equal(c->setup_keys[0], "test");
	assert_int_equal(c->setup_kinds[1], CERTIFY_SETUP_AID);
	assert_string_equal(c->setup_keys[1], "A000000333010106");
	assert_true(c->expects[1].many);
	c = certify_suite_case(s, "void");
	assert_string_equal(c->steps[0].keys[0], "of");
	assert_string_equal(c->steps[0].values[0], "purchase-stripe");
	certify_suite_free(s);
}

/* A path (a '/' or .suite) is read as a file; anything else names a built-in suite. */
static void suite_files_and_names(void **state)
{
	char path[] = "/tmp/certify-suite-XXXXXX", err[400];
	struct certify_suite *s;
	FILE *f;
	int fd;

	(void)state;
	assert_true((fd = mkstemp(path)) >= 0);
	assert_non_null(f = fdopen(fd, "w"));
	fputs("# a suite of one case\nsuite mine\ncase one   # the only one\ndo echo\n"
	      "expect 0820 60.3=301\n",
	      f);
	fclose(f);
	assert_int_equal(certify_suite_load(path, &s, err, sizeof err), CERTIFY_OK);
	assert_string_equal(s->name, "mine");
	assert_string_equal(s->path, path);
	assert_int_equal(s->n_cases, 1);
	assert_string_equal(s->cases[0].id, "one");
	assert_int_equal(s->timeout, 60);
	certify_suite_free(s);
	unlink(path);
	assert_int_equal(certify_suite_load(path, &s, err, sizeof err), CERTIFY_ENOTFOUND);
	assert_null(s);
	assert_non_null(strstr(err, "No such file"));
	assert_int_equal(certify_suite_load("nosuch", &s, err, sizeof err), CERTIFY_ENOTFOUND);
	assert_string_equal(err, "nosuch: no built-in suite of that name (cup-pos), nor a file (a "
	                         "path has a '/' or ends in .suite)");
	assert_int_equal(certify_suite_load("nosuch.suite", &s, err, sizeof err),
	                 CERTIFY_ENOTFOUND);
}

static const struct fault {
	const char *text, *err;
} faults[] = {
    {"", "t:1: no suite statement (a suite starts with `suite NAME`)"},
    {"case a\n", "t:1: case before the suite statement (a suite starts with `suite NAME`)"},
    {"suite s\nsuite s\n", "t:2: a second suite statement"},
    {"suite s\n", "t:1: no case in the suite"},
    {"suite s\nfly away\n", "t:2: unknown statement fly"},
    {"suite s\noperator Swipe.\n", "t:2: operator outside a case (after `case ID`)"},
    {"suite s\ncase a\ndo fly\nexpect 0800\n",
     "t:3: unknown action fly (signin purchase preauth void refund balance settle download "
     "update restart echo)"},
    {"suite s\ncase a\ndo purchase card=stripe amount=1.00 colour=red\nexpect 0200\n",
     "t:3: unknown key colour (card, amount, of, entry, pin)"},
    {"suite s\ncase a\ndo signin amount=1.00\nexpect 0800\n", "t:3: signin takes no amount="},
    {"suite s\ncase a\ndo purchase card=stripe amount=1.5\nexpect 0200\n",
     "t:3: amount=1.5: yuan with 2 decimals, above 0 (12.34)"},
    {"suite s\ncase a\ndo purchase card=stripe\nexpect 0200\n", "t:3: purchase needs amount="},
    {"suite s\ncase a\ndo purchase card=stripe amount=1.00 pin=maybe\nexpect 0200\n",
     "t:3: pin=maybe: yes, no or wrong"},
    {"suite s\ncase a\ndo void of=b\nexpect 0200\ncase b\nexpect 0200\n",
     "t:3: of=b: no case b before this one"},
    {"suite s\ncase a\nexpect 02x0\n", "t:3: 02x0 is not an MTI (four digits, 0200)"},
    {"suite s\ncase a\nexpect 0210\n",
     "t:3: 0210 is not a request's MTI: the terminal's requests are judged"},
    {"suite s\ncase a\nexpect 0200 200=1\n", "t:3: 200=1: field 200: fields are 2 to 128"},
    {"suite s\ncase a\nexpect 0200 5\n", "t:3: 5: field 5 is not in the cup-pos dialect"},
    {"suite s\ncase a\nexpect 0200 60.9=1\n", "t:3: 60.9=1: field 60 has sub-fields 60.1 to 60.6"},
    {"suite s\ncase a\nexpect 0200 2.1\n", "t:3: 2.1: field 2 has no sub-fields"},
    {"suite s\ncase a\nexpect 0200 22[0,0]=05\n",
     "t:3: a slice is [OFFSET,LENGTH]: 0-based offset, length from 1"},
    {"suite s\ncase a\nexpect 0200 39~00\n",
     "t:3: 39~00: a condition is F, -F, F=V or F!=V (F a field, 60.2, 22[0,2])"},
    {"suite s\ncase a\nexpect 0200 39=00|\n", "t:3: an empty value (V, or alternatives V|W)"},
    {"suite s\ncase a\nexpect none 0400 +\n", "t:3: expect none matches nothing: it takes no +"},
    {"suite s\ncase a\nhost 0200#1 answer\nexpect 0200\n",
     "t:3: answer needs a response code (answer A0)"},
    {"suite s\ncase a\nhost 0200 answer ZZ\nexpect 0200\n",
     "t:3: ZZ is not a response code (docs/cup-pos.md \"Response codes\")"},
    {"suite s\ncase a\nhost 0200 lose 00\nexpect 0200\n", "t:3: lose takes no response code"},
    {"suite s\ncase a\nhost 0200 vanish\nexpect 0200\n",
     "t:3: unknown effect vanish (pass answer lose late bad-mac bad-kcv totals-differ close)"},
    {"suite s\ncase a\nhost 0200 bad-kcv\nexpect 0200\n", "t:3: bad-kcv applies to 0800 only"},
    {"suite s\ncase a\nhost 0200#0 lose\nexpect 0200\n",
     "t:3: 0200#0: #N counts the requests of the MTI from 1"},
    {"suite s\ncase a\nexpect 0200\ncase a\nexpect 0200\n", "t:4: case a twice (line 2)"},
    {"suite s\ncase a\nhost 0200#2 lose\nhost 0200#2 late\nexpect 0200\n",
     "t:4: a second host line for 0200#2 (line 3)"},
    {"suite s\ncase a\nhost 0400 lose\nhost 0400 pass\nexpect 0200\n",
     "t:4: a second host line for 0400 (line 3)"},
    {"suite s\ncase a\nsetup param merchant_name_en=A\tB\nexpect 0200\n",
     "t:3: setup param: a control character in the value"},
    {"suite s\ncase a\nexpect 0200 37=@b#1>37\ncase b\nexpect 0200\n",
     "t:3: @b#1: no case b before this one"},
    {"suite s\ncase a\nexpect 0200 11=@1.11\n",
     "t:3: @1: this case has 0 expect line(s) before this one"},
    {"suite s\ncase a\nexpect 0200\nexpect none 0400\nexpect 0200 11=@2.11\n",
     "t:5: @2: that expect is `none`: it matches no request"},
    {"suite s\ncase a\nexpect 0200 11=@1\n",
     "t:3: a reference needs '.F' (the request's field) or '>F' (the answer's) after its expect "
     "number"},
    {"suite s\ncase a\nexpect 0200 11=@0.11\n",
     "t:3: a reference is @N.F, @N>F, @CASE#N.F or @CASE#N>F, N from 1"},
    {"suite s\ncase a\nexpect 0200 11=@#1.11\n",
     "t:3: a reference names a case of 1 to 31 characters before '#'"},
    {"suite s\ncase a\nexpect 0200\nexpect 0200 61=@1.11[0,2]\n", "t:4: a reference has no slice"},
    {"suite s\ncase a\ndo signin\ncase b\nexpect 0800\n", "t:2: case a has no expect line"},
    {"suite s\ncase a\nexpect 0800\ncase b\ndo signin\n", "t:4: case b has no expect line"},
    {"suite s\ncase a\nexpect 0800\ncheck smell\n",
     "t:4: unknown check smell (receipt, upload-complete)"},
    {"suite s\ncase a\nsetup param colour=red\nexpect 0800\n",
     "t:3: unknown parameter colour (docs/tms.md \"Parameters\")"},
    {"suite s\ncase a\nsetup capk A000000003\nexpect 0800\n",
     "t:3: setup capk test (the test CA public key, docs/certify.md)"},
    {"suite s\ncase a\nsetup aid A0000003G3\nexpect 0800\n",
     "t:3: setup aid A0000003G3: 10 to 32 hex digits (5 to 16 bytes)"},
    {"suite s\ncase a\nsetup aid\nexpect 0800\n",
     "t:3: setup aid AID (one AID, 10 to 32 hex digits)"},
    {"suite s\ncase a\nsetup aid A000000333010106 UnionPay\nexpect 0800\n",
     "t:3: setup aid AID (one AID, 10 to 32 hex digits)"},
    {"suite s\ncase a\nsetup key 1\nexpect 0800\n",
     "t:3: setup param KEY=VALUE, setup capk test or setup aid AID"},
    {"suite s\ncase a\nsetup capk test\nsetup capk test\nsetup aid A000000333\n"
     "setup param merchant_name_en=X\nsetup aid A000000333\nexpect 0800\n",
     "t:7: more than 4 setup lines in a case"},
    {"suite s\ntimeout 0\n", "t:2: timeout SECONDS: 1 to 3600"},
    {"suite s\ncase a\ntitle One\ntitle Two\nexpect 0800\n", "t:4: a second title"},
    {"suite s\ncase a\ndo echo\ndo echo\ndo echo\ndo echo\ndo echo\ndo echo\ndo echo\ndo echo\n"
     "do echo\nexpect 0820\n",
     "t:11: more than 8 do lines in a case"},
    {"suite s\ncase a\nexpect 0200|0220|0100|0400|0500\n", "t:3: more than 4 MTIs in an expect"},
    {"suite s\ncase a\nexpect 0200 2 3 4 11 22 25 35 41 42 49 52 53 60\n",
     "t:3: more than 12 conditions in an expect"},
};

/* Each fault is said where it is, and nothing is kept. */
static void suite_faults(void **state)
{
	struct certify_suite *s = (void *)1;
	char err[400];

	(void)state;
	for (size_t i = 0; i < sizeof faults / sizeof faults[0]; i++) {
		err[0] = '\0';
		assert_int_equal(certify_suite_parse("t", faults[i].text, strlen(faults[i].text),
		                                     &s, err, sizeof err),
		                 CERTIFY_ESUITE);
		assert_null(s);
		if (strcmp(err, faults[i].err) != 0)
			fail_msg("suite %zu:\n%s\ngave   \"%s\"\nwanted \"%s\"", i, faults[i].text,
			         err, faults[i].err);
	}
}

/* Comments, texts taken whole ('#' included), case and suite timeouts. */
static void suite_reads_as_written(void **state)
{
	static const char text[] = "suite s # the name\r\n"
	                           "title Test #1 of the suite\n"
	                           "timeout 30\n"
	                           "\n"
	                           "case a\n"
	                           "title.zh 签到\n"
	                           "timeout 5\n"
	                           "host 0200#2 answer 94 # the second\n"
	                           "host 0800 bad-kcv\n"
	                           "do purchase card=chip amount=0.05 entry=chip pin=no\n"
	                           "expect 0200 -64 >39=00|01 22[0,2]=05 60.2!=000000\n"
	                           "expect 0400|0420 11=@1.11x@1>37 +\n"
	                           "check receipt\n"
	                           "case b\n"
	                           "expect 0200 61=@a#2.11\n";
	const struct certify_case *a;
	const struct certify_cond *cd;
	struct certify_suite *s;
	char err[400];

	(void)state;
	assert_int_equal(certify_suite_parse("t", text, sizeof text - 1, &s, err, sizeof err),
	                 CERTIFY_OK);
	assert_string_equal(s->title[0], "Test #1 of the suite");
	assert_int_equal(s->timeout, 30);
	a = &s->cases[0];
	assert_int_equal(a->line, 5);
	assert_string_equal(a->title[1], "签到");
	assert_int_equal(a->timeout, 5);
	assert_int_equal(a->n_host, 2);
	assert_int_equal(a->host[0].nth, 2);
	assert_string_equal(a->host[0].rc, "94");
	assert_int_equal(a->host[1].nth, 0);
	assert_int_equal(a->host[1].effect, CERTIFY_BAD_KCV);
	assert_int_equal(a->steps[0].n_args, 4);
	assert_int_equal(a->steps[0].line, 10);
	cd = a->expects[0].conds;
	assert_int_equal(a->expects[0].n_conds, 4);
	assert_int_equal(cd[0].op, CERTIFY_ABSENT);
	assert_int_equal(cd[0].field, 64);
	assert_true(cd[1].answer);
	assert_int_equal(cd[1].op, CERTIFY_EQ);
	assert_string_equal(cd[1].value, "00|01");
	assert_int_equal(cd[2].len, 2);
	assert_int_equal(cd[3].op, CERTIFY_NE);
	assert_int_equal(cd[3].field, 60);
	assert_int_equal(cd[3].sub, 2);
	assert_int_equal(a->expects[1].n_mtis, 2);
	assert_string_equal(a->expects[1].mtis[1], "0420");
	assert_true(a->expects[1].many);
	assert_string_equal(a->expects[1].conds[0].value, "@1.11x@1>37");
	assert_string_equal(a->checks[0], "receipt");
	assert_int_equal(s->cases[1].timeout, 0);
	certify_suite_free(s);
}

/* The example of docs/certify.md reads as shown. */
static void docs_example_reads(void **state)
{
	const char *src = getenv("POSSUM_SOURCE");
	char path[512], err[400], *doc, *start, *end;
	struct certify_suite *s;
	FILE *f;
	long n;

	(void)state;
	if (src == NULL)
		skip();
	snprintf(path, sizeof path, "%s/docs/certify.md", src);
	assert_non_null(f = fopen(path, "r"));
	assert_int_equal(fseek(f, 0, SEEK_END), 0);
	assert_true((n = ftell(f)) > 0);
	rewind(f);
	assert_non_null(doc = calloc(1, (size_t)n + 1));
	assert_int_equal(fread(doc, 1, (size_t)n, f), (size_t)n);
	fclose(f);
	assert_non_null(start = strstr(doc, "### An example\n"));
	assert_non_null(start = strstr(start, "```text\n"));
	start += strlen("```text\n");
	assert_non_null(end = strstr(start, "```\n"));
	if (certify_suite_parse("certify.md", start, (size_t)(end - start), &s, err, sizeof err) !=
	    CERTIFY_OK)
		fail_msg("%s", err);
	assert_int_equal(s->n_cases, 1);
	assert_string_equal(s->cases[0].id, "lost-answer");
	assert_int_equal(s->cases[0].n_expects, 3);
	certify_suite_free(s);
	free(doc);
}

/* ---- Judging ------------------------------------------------------------------------------ */

struct fv {
	int f;
	const char *v;
};

#define FIELDS(...) ((const struct fv[]){__VA_ARGS__, {0, NULL}})

/* A cup-pos message with fields fv, framed and unpacked as proxy.c records it: buf the frame
 * without its length, m pointing into it. */
static void frame(const char *mti, const struct fv *fv, uint8_t *buf, size_t *len, iso8583_msg *m)
{
	static const iso8583_envelope env = {{0x60, 0x00, 0x03, 0x00, 0x00},
	                                     {0x60, 0x31, 0x00, 0x31, 0x00, 0x00}};
	const iso8583_profile *p = iso8583_profile_find("cup-pos");
	uint8_t out[CERTIFY_FRAME_MAX + 2];
	iso8583_diag diag;
	iso8583_msg pack;
	size_t n;

	iso8583_msg_init(&pack);
	assert_int_equal(iso8583_set_mti(&pack, mti), ISO8583_OK);
	for (; fv->v != NULL; fv++)
		assert_int_equal(iso8583_set(&pack, fv->f, fv->v, strlen(fv->v)), ISO8583_OK);
	if (iso8583_pack_framed(p, &env, &pack, out, sizeof out, &n, &diag) != ISO8583_OK)
		fail_msg("%s: %s", mti, diag.text);
	memcpy(buf, out + 2, n - 2);
	*len = n - 2;
	assert_int_equal(iso8583_unpack(p, buf + 11, *len - 11, m, &diag), ISO8583_OK);
}

/* Adds to tr a request of mti with fields rq and, when amti is not NULL, its answer. */
static void add(struct certify_transcript *tr, const char *mti, const struct fv *rq,
                const char *amti, const struct fv *an)
{
	struct certify_msg *m = calloc(1, sizeof *m);

	assert_non_null(m);
	frame(mti, rq, m->req, &m->req_len, &m->rq);
	m->rq_ok = true;
	m->answered_ms = -1;
	if (amti != NULL) {
		frame(amti, an, m->ans, &m->ans_len, &m->an);
		m->an_ok = true;
		iso8583_get(&m->an, 39, m->rc, sizeof m->rc, NULL);
	}
	assert_int_equal(certify_transcript_add(tr, m), CERTIFY_OK);
}

struct judging {
	struct certify_suite *s;
	struct certify_result res;
};

/* A result for suite s (taken), every case run. */
static void judging_with(struct judging *j, struct certify_suite *s)
{
	memset(j, 0, sizeof *j);
	j->s = s;
	j->res.suite = j->s;
	j->res.n_cases = j->s->n_cases;
	assert_non_null(j->res.cases = calloc(j->s->n_cases, sizeof *j->res.cases));
	for (size_t i = 0; i < j->s->n_cases; i++) {
		j->res.cases[i].c = &j->s->cases[i];
		j->res.cases[i].run = true;
	}
}

static void judging_open(struct judging *j, const char *text)
{
	struct certify_suite *s;
	char err[400];

	if (certify_suite_parse("t", text, strlen(text), &s, err, sizeof err) != CERTIFY_OK)
		fail_msg("%s", err);
	judging_with(j, s);
}

static void judging_close(struct judging *j)
{
	for (size_t i = 0; i < j->res.n_cases; i++)
		certify_transcript_free(&j->res.cases[i].tr);
	free(j->res.cases);
	certify_suite_free(j->s);
}

/* Judges case ci; its findings' texts joined by newlines into a static buffer. */
static const char *judge(struct judging *j, size_t ci, bool *complete)
{
	static char out[4096];
	struct certify_case_result *cr = &j->res.cases[ci];
	size_t at = 0;

	assert_int_equal(certify_judge(&j->res, ci, complete), CERTIFY_OK);
	out[0] = '\0';
	for (size_t i = 0; i < cr->n_findings; i++) {
		assert_string_equal(cr->findings[i].rule, "expect");
		at += (size_t)snprintf(out + at, sizeof out - at, "%s%s", i > 0 ? "\n" : "",
		                       cr->findings[i].why);
	}
	return out;
}

#define PAN "6222021234567890128"
#define MAC "\x11\x22\x33\x44\x55\x66\x77\x88"

#define PURCHASE(stan, amount)                                                                     \
	FIELDS({2, PAN}, {3, "000000"}, {4, amount}, {11, stan}, {22, "021"}, {25, "00"},          \
	       {41, "10000001"}, {42, "898110000000001"}, {49, "156"}, {52, MAC},                  \
	       {60, "22000001000"}, {64, MAC})
#define ANSWER(stan, rc, rrn)                                                                      \
	FIELDS({3, "000000"}, {11, stan}, {37, rrn}, {38, "654321"}, {39, rc}, {41, "10000001"},   \
	       {42, "898110000000001"}, {60, "22000001000"})
#define REVERSAL(stan)                                                                             \
	FIELDS({2, PAN}, {3, "000000"}, {11, stan}, {39, "98"}, {41, "10000001"},                  \
	       {60, "22000001000"}, {64, MAC})

/* Expectations match in order, other requests between them skipped. */
static void judge_ordered(void **state)
{
	struct judging j;
	bool complete = false;

	(void)state;
	judging_open(&j, "suite t\ncase a\n"
	                 "expect 0800 60.3=004 >39=00\n"
	                 "expect 0200 3=000000 4=000000001234 >39=00\n");
	add(&j.res.cases[0].tr, "0800",
	    FIELDS({11, "000001"}, {41, "10000001"}, {60, "00000001004"}), "0810",
	    FIELDS({11, "000001"}, {39, "00"}, {60, "00000001004"}));
	add(&j.res.cases[0].tr, "0820",
	    FIELDS({11, "000002"}, {41, "10000001"}, {60, "00000001301"}), "0830",
	    FIELDS({11, "000002"}, {39, "00"}));
	add(&j.res.cases[0].tr, "0200", PURCHASE("000003", "000000001234"), "0210",
	    ANSWER("000003", "00", "000000000001"));
	assert_string_equal(judge(&j, 0, &complete), "");
	assert_true(complete);
	assert_int_equal(j.res.cases[0].matched[0], 1);
	assert_int_equal(j.res.cases[0].matched[1], 3);
	/* Judged again, the same and nothing twice. */
	assert_string_equal(judge(&j, 0, &complete), "");
	judging_close(&j);
}

/* '+' takes the reversal repeated; the purchase after it is the next expectation's. */
static void judge_many(void **state)
{
	struct judging j;
	bool complete = false;

	(void)state;
	judging_open(&j, "suite t\ncase a\n"
	                 "expect 0200 4=000000000567\n"
	                 "expect 0400 39=98 11=@1.11 +\n"
	                 "expect 0200 4=000000000678 >39=00\n");
	add(&j.res.cases[0].tr, "0200", PURCHASE("000010", "000000000567"), NULL, NULL);
	add(&j.res.cases[0].tr, "0400", REVERSAL("000010"), NULL, NULL);
	add(&j.res.cases[0].tr, "0400", REVERSAL("000010"), "0410",
	    FIELDS({11, "000010"}, {39, "00"}));
	add(&j.res.cases[0].tr, "0200", PURCHASE("000011", "000000000678"), "0210",
	    ANSWER("000011", "00", "000000000002"));
	assert_string_equal(judge(&j, 0, &complete), "");
	assert_true(complete);
	assert_int_equal(j.res.cases[0].matched[0], 1);
	assert_int_equal(j.res.cases[0].matched[1], 2);
	assert_int_equal(j.res.cases[0].matched[2], 4);
	judging_close(&j);
}

/* A `none` that a request breaks is a finding naming it; the expectations after it still
 * match, and the case is complete all the same (none is never waited for). */
static void judge_none(void **state)
{
	static const char suite[] = "suite t\ncase a\n"
	                            "expect 0200 >39=94\n"
	                            "expect none 0400\n"
	                            "expect 0200 11!=@1.11 >39=00\n";
	struct judging j;
	bool complete = false;

	(void)state;
	judging_open(&j, suite);
	add(&j.res.cases[0].tr, "0200", PURCHASE("000020", "000000001123"), "0210",
	    ANSWER("000020", "94", "000000000003"));
	add(&j.res.cases[0].tr, "0400", REVERSAL("000020"), "0410",
	    FIELDS({11, "000020"}, {39, "00"}));
	add(&j.res.cases[0].tr, "0200", PURCHASE("000021", "000000001324"), "0210",
	    ANSWER("000021", "00", "000000000004"));
	assert_string_equal(judge(&j, 0, &complete),
	                    "line 4: expected no 0400 after message 1; got message 2, 0400 STAN "
	                    "000020 2=622202*********0128 3=000000 39=98 60=22000001000; answered "
	                    "0410 39=00");
	assert_int_equal(j.res.cases[0].findings[0].msg, 2);
	assert_int_equal(j.res.cases[0].findings[0].line, 4);
	assert_true(complete);
	assert_int_equal(j.res.cases[0].matched[1], 0);
	assert_int_equal(j.res.cases[0].matched[2], 3);
	judging_close(&j);

	/* The same STAN again: the purchase after the 94 does not fit. */
	judging_open(&j, suite);
	add(&j.res.cases[0].tr, "0200", PURCHASE("000020", "000000001123"), "0210",
	    ANSWER("000020", "94", "000000000003"));
	add(&j.res.cases[0].tr, "0200", PURCHASE("000020", "000000001324"), "0210",
	    ANSWER("000020", "00", "000000000004"));
	assert_string_equal(
	    judge(&j, 0, &complete),
	    "line 5: expected 0200 with 11!=@1.11 >39=00 after message 1; got message 2, 0200 STAN "
	    "000020 2=622202*********0128 3=000000 4=13.24 22=021 25=00 60=22000001000; answered "
	    "0210 39=00 37=000000000004 38=654321 (11!=@1.11: it is 000020, which it must not "
	    "be)");
	assert_false(complete);
	judging_close(&j);
}

/* A void's 37 is the answer's 37 of an earlier case's purchase; 61 its batch and STAN. */
static void judge_earlier_case(void **state)
{
	struct judging j;
	bool complete = false;

	(void)state;
	judging_open(&j, "suite t\ncase purchase-stripe\n"
	                 "expect 0200 3=000000 >39=00\n"
	                 "case void\n"
	                 "do void of=purchase-stripe\n"
	                 "expect 0200 3=200000 37=@purchase-stripe#1>37 "
	                 "61[0,12]=@purchase-stripe#1.60.2@purchase-stripe#1.11\n");
	add(&j.res.cases[0].tr, "0200", PURCHASE("000030", "000000001234"), "0210",
	    ANSWER("000030", "00", "633312345678"));
	assert_string_equal(judge(&j, 0, NULL), "");
	add(&j.res.cases[1].tr, "0200",
	    FIELDS({2, PAN}, {3, "200000"}, {4, "000000001234"}, {11, "000031"}, {25, "00"},
	           {37, "633312345678"}, {60, "23000001000"}, {61, "000001000030"}),
	    NULL, NULL);
	assert_string_equal(judge(&j, 1, &complete), "");
	assert_true(complete);
	assert_int_equal(j.res.cases[1].matched[0], 1);

	/* Another RRN: the finding says what it is and what it should have been. */
	certify_transcript_free(&j.res.cases[1].tr);
	add(&j.res.cases[1].tr, "0200",
	    FIELDS({2, PAN}, {3, "200000"}, {11, "000031"}, {37, "999999999999"},
	           {60, "23000001000"}, {61, "000001000030"}),
	    NULL, NULL);
	assert_string_equal(
	    judge(&j, 1, &complete),
	    "line 6: expected 0200 with 3=200000 37=@purchase-stripe#1>37 "
	    "61[0,12]=@purchase-stripe#1.60.2@purchase-stripe#1.11; got message 1, "
	    "0200 STAN 000031 2=622202*********0128 3=200000 37=999999999999 "
	    "60=23000001000 61=000001000030; no answer (37=@purchase-stripe#1>37: it "
	    "is 999999999999, not 633312345678)");
	assert_false(complete);

	/* The purchase never matched: the reference says so. */
	certify_transcript_free(&j.res.cases[0].tr);
	assert_string_equal(judge(&j, 0, NULL), "line 3: expected 0200 with 3=000000 >39=00; "
	                                        "nothing came");
	judge(&j, 1, &complete);
	assert_non_null(strstr(j.res.cases[1].findings[0].why,
	                       "(37=@purchase-stripe#1>37: expect 1 of purchase-stripe matched "
	                       "nothing)"));
	/* Nor was it run. */
	j.res.cases[0].run = false;
	judge(&j, 1, &complete);
	assert_non_null(strstr(j.res.cases[1].findings[0].why, "case purchase-stripe was not run"));
	judging_close(&j);
}

/* Alternatives (201|203), a slice (22[0,2]) and a sub-field (60.3). */
static void judge_alternatives_slices_subfields(void **state)
{
	struct judging j;
	bool complete = false;

	(void)state;
	judging_open(&j, "suite t\ncase a\n"
	                 "expect 0200 22[0,2]=05 53[2,1]=1\n"
	                 "expect 0320 60.3=201|203 +\n"
	                 "expect 0320 60.3=202\n");
	add(&j.res.cases[0].tr, "0200",
	    FIELDS({3, "000000"}, {11, "000040"}, {22, "051"}, {53, "2610000000000000"},
	           {60, "22000001000"}),
	    NULL, NULL);
	add(&j.res.cases[0].tr, "0320", FIELDS({11, "000041"}, {60, "00000001201"}), NULL, NULL);
	add(&j.res.cases[0].tr, "0320", FIELDS({11, "000042"}, {60, "00000001203"}), NULL, NULL);
	add(&j.res.cases[0].tr, "0320", FIELDS({11, "000043"}, {60, "00000001202"}), NULL, NULL);
	assert_string_equal(judge(&j, 0, &complete), "");
	assert_true(complete);
	assert_int_equal(j.res.cases[0].matched[1], 2);
	assert_int_equal(j.res.cases[0].matched[2], 4);
	judging_close(&j);

	/* A swiped card's 22 and a clear track: the slice says so. */
	judging_open(&j, "suite t\ncase a\nexpect 0200 22[0,2]=05 53[2,1]=1\n");
	add(&j.res.cases[0].tr, "0200",
	    FIELDS({3, "000000"}, {11, "000044"}, {22, "021"}, {53, "2600000000000000"},
	           {60, "22000001000"}),
	    NULL, NULL);
	assert_string_equal(judge(&j, 0, &complete),
	                    "line 3: expected 0200 with 22[0,2]=05 53[2,1]=1; got message 1, 0200 "
	                    "STAN 000044 3=000000 22=021 60=22000001000; no answer (22[0,2]=05: it "
	                    "is 02, not 05)");
	assert_false(complete);
	judging_close(&j);
}

/* Nothing came; or only requests of another MTI. */
static void judge_nothing(void **state)
{
	struct judging j;
	bool complete = true;

	(void)state;
	judging_open(&j, "suite t\ncase a\nexpect 0820 60.3=361 >39=00\n");
	assert_string_equal(judge(&j, 0, &complete),
	                    "line 3: expected 0820 with 60.3=361 >39=00; nothing came");
	assert_false(complete);
	assert_int_equal(j.res.cases[0].findings[0].msg, 0);
	add(&j.res.cases[0].tr, "0800",
	    FIELDS({11, "000050"}, {41, "10000001"}, {60, "00000001004"}), NULL, NULL);
	add(&j.res.cases[0].tr, "0800",
	    FIELDS({11, "000051"}, {41, "10000001"}, {60, "00000001004"}), NULL, NULL);
	assert_string_equal(judge(&j, 0, &complete),
	                    "line 3: expected 0820 with 60.3=361 >39=00; got message 1, 0800 STAN "
	                    "000050 60=00000001004; no answer (and 1 more, none a 0820)");
	/* An answer of another code: named. */
	certify_transcript_free(&j.res.cases[0].tr);
	add(&j.res.cases[0].tr, "0820", FIELDS({11, "000052"}, {60, "00000001361"}), "0830",
	    FIELDS({11, "000052"}, {39, "30"}));
	assert_non_null(strstr(judge(&j, 0, &complete), "(>39=00: it is 30, not 00)"));
	assert_false(complete);
	judging_close(&j);
}

/* The transactions of the shipped suite's money cases, as a correct terminal sends them, meet
 * its expectations: the positions it names (22 n3, 48's flag at 30, 61's parts) are the
 * dialect's. */
#define SETTLE_48 "00000000123400100000000000000000000000000000000000000000000000"
static void shipped_cases_judge(void **state)
{
	static const char *const ids[] = {"purchase-stripe", "purchase-chip", "void",
	                                  "refund",          "settle-match",  "settle-mismatch"};
	struct certify_suite *s;
	struct judging j;
	struct certify_transcript *tr[6];
	char err[400], flag1[63] = SETTLE_48, flag2[63] = SETTLE_48;
	bool complete;

	(void)state;
	assert_int_equal(certify_suite_load("cup-pos", &s, err, sizeof err), CERTIFY_OK);
	judging_with(&j, s);
	for (size_t i = 0; i < 6; i++)
		tr[i] = &j.res.cases[certify_suite_case(j.s, ids[i]) - j.s->cases].tr;
	flag1[30] = '1';
	flag2[30] = '2';
	add(tr[0], "0200",
	    FIELDS({3, "000000"}, {4, "000000001234"}, {11, "000101"}, {22, "021"}, {25, "00"},
	           {26, "12"}, {35, "6222021234567890128=2512101"}, {52, MAC},
	           {53, "2610000000000000"}, {59, "A2011010020203"}, {60, "22000007000"},
	           {64, MAC}),
	    "0210",
	    FIELDS({11, "000101"}, {13, "1206"}, {37, "000000000101"}, {38, "100101"}, {39, "00"}));
	add(tr[1], "0200",
	    FIELDS({2, PAN}, {3, "000000"}, {4, "000000002345"}, {11, "000102"}, {22, "051"},
	           {23, "001"}, {25, "00"}, {55, "\x9F\x26\x02\x01\x02"}, {60, "22000007000"},
	           {64, MAC}),
	    "0210",
	    FIELDS({11, "000102"}, {13, "1206"}, {37, "000000000102"}, {38, "100102"}, {39, "00"}));
	add(tr[2], "0200",
	    FIELDS({2, PAN}, {3, "200000"}, {4, "000000001234"}, {11, "000120"}, {25, "00"},
	           {37, "000000000101"}, {38, "100101"}, {60, "23000007000"}, {61, "000007000101"},
	           {64, MAC}),
	    "0210", FIELDS({11, "000120"}, {39, "00"}));
	add(tr[3], "0220",
	    FIELDS({2, PAN}, {3, "200000"}, {4, "000000000500"}, {11, "000121"}, {25, "00"},
	           {37, "000000000102"}, {60, "25000007000"}, {61, "0000070001021206"}, {64, MAC}),
	    "0230", FIELDS({11, "000121"}, {39, "00"}));
	add(tr[4], "0500",
	    FIELDS({11, "000122"}, {48, SETTLE_48}, {49, "156"}, {60, "00000007201"}), "0510",
	    FIELDS({11, "000122"}, {39, "00"}, {48, flag1}));
	add(tr[5], "0200", PURCHASE("000123", "000000001657"), "0210",
	    ANSWER("000123", "00", "000000000123"));
	add(tr[5], "0200", PURCHASE("000124", "000000001768"), "0210",
	    ANSWER("000124", "00", "000000000124"));
	add(tr[5], "0500", FIELDS({11, "000125"}, {48, SETTLE_48}, {60, "00000008201"}), "0510",
	    FIELDS({11, "000125"}, {39, "00"}, {48, flag2}));
	add(tr[5], "0320", FIELDS({11, "000126"}, {48, "01"}, {60, "00000008201"}), NULL, NULL);
	add(tr[5], "0320", FIELDS({11, "000127"}, {48, "01"}, {60, "00000008203"}), NULL, NULL);
	add(tr[5], "0320", FIELDS({11, "000128"}, {48, "00"}, {60, "00000008202"}), "0330",
	    FIELDS({11, "000128"}, {39, "00"}));
	for (size_t i = 0; i < 6; i++) {
		size_t ci = (size_t)(certify_suite_case(j.s, ids[i]) - j.s->cases);

		complete = false;
		if (strcmp(judge(&j, ci, &complete), "") != 0 || !complete)
			fail_msg("%s: %s", ids[i], judge(&j, ci, &complete));
	}
	/* The totals agree: 0510's flag 2 is the mismatch case's, not this one's. */
	certify_transcript_free(tr[4]);
	add(tr[4], "0500",
	    FIELDS({11, "000122"}, {48, SETTLE_48}, {49, "156"}, {60, "00000007201"}), "0510",
	    FIELDS({11, "000122"}, {39, "00"}, {48, flag2}));
	assert_non_null(
	    strstr(judge(&j, certify_suite_case(j.s, "settle-match") - j.s->cases, NULL),
	           "(>48[30,1]=1: it is 2, not 1)"));
	judging_close(&j);
}

/* ---- The upload-complete check ------------------------------------------------------------ */

/* A 0320 record: card class, STAN, PAN n20, amount; REC_OF another card's. */
#define REC_OF(pan, stan, amount) "00" stan "0" pan amount
#define REC(stan, amount)         REC_OF(PAN, stan, amount)
#define TOTALS_2                                                                                   \
	"000000003425002000000000000000"                                                           \
	"0"                                                                                        \
	"000000000000000000000000000000"                                                           \
	"0"

/* The settle case's transcript: the 0500 (two sales), then uploads f48[0], f48[1] (60.3 201
 * then 203; NULL: not sent) and the end. */
static void upload_of(struct judging *j, const char *stripe, const char *chip)
{
	struct certify_transcript *tr = &j->res.cases[1].tr;

	certify_transcript_free(tr);
	j->res.cases[1].n_findings = j->res.cases[1].n_more = 0;
	add(tr, "0500", FIELDS({11, "000130"}, {48, TOTALS_2}, {49, "156"}, {60, "00000001201"}),
	    "0510", FIELDS({11, "000130"}, {39, "00"}));
	if (stripe != NULL)
		add(tr, "0320", FIELDS({11, "000131"}, {48, stripe}, {60, "00000001201"}), "0330",
		    FIELDS({11, "000131"}, {39, "00"}));
	if (chip != NULL)
		add(tr, "0320",
		    FIELDS({11, "000132"}, {48, chip}, {55, "\x9F\x26\x01\x01"},
		           {60, "00000001203"}),
		    "0330", FIELDS({11, "000132"}, {39, "00"}));
	add(tr, "0320", FIELDS({11, "000133"}, {48, "00"}, {60, "00000001202"}), "0330",
	    FIELDS({11, "000133"}, {39, "00"}));
}

/* The settle case's check findings, joined by newlines into a static buffer. */
static const char *upload_findings(struct judging *j)
{
	static char out[4096];
	struct certify_case_result *cr = &j->res.cases[1];
	size_t at = 0;

	certify_checks(&j->res, cr, NULL, stderr, 0);
	out[0] = '\0';
	for (size_t i = 0; i < cr->n_findings; i++) {
		assert_string_equal(cr->findings[i].rule, "check");
		at += (size_t)snprintf(out + at, sizeof out - at, "%s%s", i > 0 ? "\n" : "",
		                       cr->findings[i].why);
	}
	return out;
}

/* Each uploaded record is an approved payment of the batch (STAN, amount, the card's last
 * four digits), none twice, none missing; the reversed and the declined are not uploaded. */
static void upload_complete_checked(void **state)
{
	struct certify_transcript *pay;
	struct judging j;

	(void)state;
	judging_open(&j, "suite t\ncase pay\nexpect 0200\n"
	                 "case settle\nexpect 0500\ncheck upload-complete\n");
	pay = &j.res.cases[0].tr;
	add(pay, "0200", PURCHASE("000123", "000000001657"), "0210",
	    ANSWER("000123", "00", "000000000123"));
	add(pay, "0200", PURCHASE("000124", "000000001768"), "0210",
	    ANSWER("000124", "00", "000000000124"));
	add(pay, "0200", PURCHASE("000125", "000000001111"), "0210",
	    ANSWER("000125", "00", "000000000125"));
	add(pay, "0400", REVERSAL("000125"), "0410", FIELDS({11, "000125"}, {39, "00"}));
	add(pay, "0200", PURCHASE("000126", "000000002222"), "0210",
	    ANSWER("000126", "51", "000000000126"));

	upload_of(&j, "01" REC("000123", "000000001657"), "01" REC("000124", "000000001768"));
	assert_string_equal(upload_findings(&j), "");

	upload_of(&j, "01" REC("000123", "000000001657"), NULL);
	assert_string_equal(upload_findings(&j),
	                    "upload-complete: the payment of STAN 000124 (17.68, case pay, message "
	                    "2) was not uploaded\n"
	                    "upload-complete: the batch upload carried 1 transactions; the "
	                    "settlement's totals count 2");

	upload_of(&j, "01" REC("000123", "000000001657"), "01" REC("000124", "000000001769"));
	assert_string_equal(upload_findings(&j),
	                    "upload-complete: record 1 (STAN 000124, 17.69): the payment of that "
	                    "STAN (case pay, message 2) was of 17.68\n"
	                    "upload-complete: the payment of STAN 000124 (17.68, case pay, message "
	                    "2) was not uploaded");
	assert_int_equal(j.res.cases[1].findings[0].msg, 3);

	upload_of(&j, "02" REC("000123", "000000001657") REC("000123", "000000001657"),
	          "01" REC("000124", "000000001768"));
	assert_string_equal(upload_findings(&j),
	                    "upload-complete: record 2 (STAN 000123, 16.57): uploaded already "
	                    "(message 2, record 1)\n"
	                    "upload-complete: the batch upload carried 3 transactions; the "
	                    "settlement's totals count 2");
	assert_int_equal(j.res.cases[1].findings[0].msg, 2);

	/* A reversed payment, another card, a record cut short. */
	upload_of(&j, "02" REC("000123", "000000001657") REC("000125", "000000001111"),
	          "01" REC_OF("6222021234567890129", "000124", "000000001768"));
	assert_string_equal(
	    upload_findings(&j),
	    "upload-complete: record 2 (STAN 000125, 11.11): no approved payment of "
	    "the batch has that STAN\n"
	    "upload-complete: record 1 (STAN 000124, 17.68): its card ends 0129, "
	    "the payment's 0128\n"
	    "upload-complete: the payment of STAN 000124 (17.68, case pay, message "
	    "2) was not uploaded\n"
	    "upload-complete: the batch upload carried 3 transactions; the "
	    "settlement's totals count 2");
	upload_of(&j, "02" REC("000123", "000000001657"), "01" REC("000124", "000000001768"));
	assert_non_null(
	    strstr(upload_findings(&j), "field 48 is not a count and that many records"));
	judging_close(&j);
}

/* A line never shows card numbers whole, nor tracks, PIN blocks, chip data, keys or MACs. */
static void msg_line_masks(void **state)
{
	struct certify_transcript tr = {0};
	char line[400], v[64];

	(void)state;
	add(&tr, "0200",
	    FIELDS({2, PAN}, {3, "000000"}, {4, "000000001234"}, {11, "000060"}, {22, "051"},
	           {35, "6222021234567890128=2512101"}, {52, MAC}, {55, "\x9F\x26\x02\x01\x02"},
	           {60, "22000001000"}, {64, MAC}),
	    "0210", ANSWER("000060", "00", "000000000009"));
	tr.msgs[0]->effect = CERTIFY_LATE;
	certify_msg_line(tr.msgs[0], line, sizeof line);
	assert_string_equal(line, "0200 STAN 000060 2=622202*********0128 3=000000 4=12.34 22=051 "
	                          "60=22000001000; answered 0210 39=00 37=000000000009 38=654321 "
	                          "(host: late)");
	/* The field's text: a sub-field, a slice, absent ones. */
	assert_int_equal(certify_field_text(&tr.msgs[0]->rq, 60, 2, 0, 0, v, sizeof v), CERTIFY_OK);
	assert_string_equal(v, "000001");
	assert_int_equal(certify_field_text(&tr.msgs[0]->rq, 22, 0, 2, 1, v, sizeof v), CERTIFY_OK);
	assert_string_equal(v, "1");
	assert_int_equal(certify_field_text(&tr.msgs[0]->rq, 64, 0, 0, 0, v, sizeof v), CERTIFY_OK);
	assert_string_equal(v, "1122334455667788");
	assert_int_equal(certify_field_text(&tr.msgs[0]->rq, 22, 0, 2, 2, v, sizeof v),
	                 CERTIFY_ENOTFOUND);
	assert_int_equal(certify_field_text(&tr.msgs[0]->rq, 38, 0, 0, 0, v, sizeof v),
	                 CERTIFY_ENOTFOUND);
	assert_int_equal(certify_field_text(&tr.msgs[0]->an, 38, 0, 0, 0, v, 4), CERTIFY_EARG);
	certify_transcript_free(&tr);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(shipped_suite_reads),
	    cmocka_unit_test(suite_files_and_names),
	    cmocka_unit_test(suite_faults),
	    cmocka_unit_test(suite_reads_as_written),
	    cmocka_unit_test(docs_example_reads),
	    cmocka_unit_test(judge_ordered),
	    cmocka_unit_test(judge_many),
	    cmocka_unit_test(judge_none),
	    cmocka_unit_test(judge_earlier_case),
	    cmocka_unit_test(judge_alternatives_slices_subfields),
	    cmocka_unit_test(judge_nothing),
	    cmocka_unit_test(shipped_cases_judge),
	    cmocka_unit_test(upload_complete_checked),
	    cmocka_unit_test(msg_line_masks),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
