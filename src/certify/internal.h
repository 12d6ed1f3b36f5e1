/* internal.h — what the parts of `possum certify` share (docs/certify.md): the suite as read
 * from its file (suite.c), the transcript of what a terminal under test sent and got in a
 * case (proxy.c records it), the findings of the rules every message obeys (rules.c) and of
 * a case's own expectations (judge.c), and the run's result that the report (report.c) and the
 * certificates are made from. run.c drives the cases; setup.c makes the test host.
 *
 * Ownership: a suite is allocated by certify_suite_load() and freed by certify_suite_free();
 * a transcript owns its messages (each allocated once: a message's decoded fields point into
 * its own bytes, so a certify_msg is never copied by value); a result owns its case results.
 * Nothing here is used by two threads at once except the transcript, which proxy.c appends to
 * under the run's mutex and run.c reads under it. */
#ifndef POSSUM_CERTIFY_INTERNAL_H
#define POSSUM_CERTIFY_INTERNAL_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

#include "certify/certify.h"
#include "hsm/hsm.h"
#include "iso8583/iso8583.h"
#include "store/store.h"

#define CERTIFY_ID_MAX       32   /* a case's id: letters, digits, '-' and '_' */
#define CERTIFY_TEXT_MAX     320  /* a title or an operator's instruction, UTF-8 */
#define CERTIFY_STEPS_MAX    8    /* `do` lines of a case */
#define CERTIFY_ARGS_MAX     8    /* KEY=VALUE of one `do` */
#define CERTIFY_HOST_MAX     8    /* `host` lines of a case */
#define CERTIFY_EXPECT_MAX   16   /* `expect` lines of a case */
#define CERTIFY_CONDS_MAX    12   /* conditions of one `expect` */
#define CERTIFY_MTIS_MAX     4    /* MTIs one `expect` accepts (0400|0420) */
#define CERTIFY_CHECKS_MAX   4    /* `check` lines of a case */
#define CERTIFY_SETUP_MAX    4    /* `setup` lines of a case */
#define CERTIFY_VALUE_MAX    200  /* a condition's value as written */
#define CERTIFY_FRAME_MAX    2048 /* a frame without its 2-byte length */
#define CERTIFY_FINDINGS_MAX 16   /* findings kept per case; more are counted */
#define CERTIFY_WHY_MAX      320
#define CERTIFY_CARDS_MAX    3 /* the test host's cards: stripe, chip, credit */

/* ---- The suite (suite.c) ------------------------------------------------------------ */

/* What the test host does with a request (`host WHEN EFFECT`, docs/certify.md). */
enum certify_effect {
	CERTIFY_PASS = 0,      /* `pass`: forwarded, its answer relayed (the default) */
	CERTIFY_ANSWER,        /* `answer RC`: not forwarded; answered RC by certify, MACed */
	CERTIFY_LOSE,          /* `lose`: forwarded, the answer never delivered */
	CERTIFY_LATE,          /* `late`: forwarded, the answer held until the terminal's next
	                          request (or the case's end) and delivered just before it */
	CERTIFY_BAD_MAC,       /* `bad-mac`: forwarded, the answer's field 64 corrupted */
	CERTIFY_BAD_KCV,       /* `bad-kcv`: 0810's first key (field 62) corrupted, so that its
	                          check value no longer matches it */
	CERTIFY_TOTALS_DIFFER, /* `totals-differ`: 0500's totals reach the host one sale more */
	CERTIFY_CLOSE,         /* `close`: not forwarded; the connection closed */
};

struct certify_behaviour {
	char mti[5]; /* the request's MTI */
	int nth;     /* the nth such request of the case (1..); 0: every one */
	enum certify_effect effect;
	char rc[3]; /* CERTIFY_ANSWER's response code */
	int line;   /* where in the suite file */
};

enum certify_op {
	CERTIFY_EQ,      /* F=V: equal to one of V's alternatives */
	CERTIFY_NE,      /* F!=V: equal to none of them */
	CERTIFY_PRESENT, /* F: present */
	CERTIFY_ABSENT,  /* -F: absent */
};

/* One condition of an `expect` on a field of the request or (`>F`) of the answer it got. */
struct certify_cond {
	bool answer; /* '>': a field of the answer delivered */
	int field;   /* 2..128 */
	int sub;     /* 60.2 → 2 (iso8583_sub_get's position); 0: the whole field */
	int off;     /* [OFF,LEN]: a slice of the value as text, 0-based; len 0: all of it */
	int len;
	enum certify_op op;
	/* Alternatives separated by '|', each literal text and references, resolved when judged:
	 * @N.F the request matched by this case's expect N (1-based), @N>F its answer,
	 * @CASE#N.F / @CASE#N>F another (earlier) case's; F as above (60.2, no slice). */
	char value[CERTIFY_VALUE_MAX];
};

/* `expect [none] MTI[|MTI…] COND… [+]`, matched in order over the case's requests. */
struct certify_expect {
	bool none; /* no request after the previous expectation's match matches this one */
	bool many; /* '+': one or more consecutive requests match (all that follow and do) */
	char mtis[CERTIFY_MTIS_MAX][5];
	int n_mtis;
	struct certify_cond conds[CERTIFY_CONDS_MAX];
	int n_conds;
	int line;
};

/* What a `setup` line gives the test host's TMS before a case (docs/certify.md). */
enum certify_setup {
	CERTIFY_SETUP_PARAM, /* `setup param KEY=VALUE`: a parameter of the test terminal */
	CERTIFY_SETUP_CAPK,  /* `setup capk test`: the test CA public key added */
	CERTIFY_SETUP_AID,   /* `setup aid AID`: a chip application added */
};

/* `do ACTION KEY=VALUE…`: what the operator, or the driver, does. */
struct certify_step {
	char action[16]; /* init signin purchase preauth void refund balance settle download
	                    update restart echo (docs/certify.md "Actions") */
	char keys[CERTIFY_ARGS_MAX][16];
	char values[CERTIFY_ARGS_MAX][64];
	int n_args;
	int line;
};

struct certify_case {
	char id[CERTIFY_ID_MAX];
	char title[2][CERTIFY_TEXT_MAX];    /* [0] English (`title`), [1] Chinese (`title.zh`) */
	char operator[2][CERTIFY_TEXT_MAX]; /* `operator`, `operator.zh`: said to a person */
	char terminal[2][CERTIFY_TEXT_MAX]; /* `terminal`, `terminal.zh`: what it must do */
	struct certify_step steps[CERTIFY_STEPS_MAX];
	int n_steps;
	struct certify_behaviour host[CERTIFY_HOST_MAX];
	int n_host;
	struct certify_expect expects[CERTIFY_EXPECT_MAX];
	int n_expects;
	char checks[CERTIFY_CHECKS_MAX][24]; /* `check NAME`: receipt, upload-complete */
	int n_checks;
	/* `setup` lines, applied before the case: `param KEY=VALUE` (the key and value), `capk
	 * test` (key "test"), `aid AID` (key the AID in hex) */
	enum certify_setup setup_kinds[CERTIFY_SETUP_MAX];
	char setup_keys[CERTIFY_SETUP_MAX][40];
	char setup_values[CERTIFY_SETUP_MAX][64];
	int n_setup;
	int timeout; /* seconds (`timeout N`); 0: the suite's */
	int line;
};

struct certify_suite {
	char name[CERTIFY_ID_MAX];       /* `suite NAME` */
	char title[2][CERTIFY_TEXT_MAX]; /* `title`, `title.zh` */
	int timeout;                     /* `timeout N` before the first case; default 60 */
	char path[256];                  /* the file it was read from ("cup-pos": built in) */
	struct certify_case *cases;
	size_t n_cases;
};

/* Reads the suite in text (size len, named name for errors). On a fault: CERTIFY_ESUITE and
 * err holds "NAME:LINE: why"; nothing is returned. *out is the caller's to
 * certify_suite_free(). */
int certify_suite_parse(const char *name, const char *text, size_t len, struct certify_suite **out,
                        char *err, size_t errlen);

/* The built-in suite called name ("cup-pos") or the file at path: its text read and parsed as
 * certify_suite_parse(). CERTIFY_ENOTFOUND when neither. */
int certify_suite_load(const char *name_or_path, struct certify_suite **out, char *err,
                       size_t errlen);

void certify_suite_free(struct certify_suite *s);

/* The case called id, or NULL. */
const struct certify_case *certify_suite_case(const struct certify_suite *s, const char *id);

/* A reference in a condition's value (docs/certify.md "The suite file"): `@N.F`, `@N>F`,
 * `@CASE#N.F`, `@CASE#N>F`. suite.c checks them as it reads a suite, judge.c resolves them. */
struct certify_ref {
	char case_id[CERTIFY_ID_MAX]; /* "": this case */
	int expect;                   /* N: the case's expect N (1-based) */
	bool answer;                  /* '>': a field of the answer that request got */
	int field, sub;               /* as certify_cond's */
};

/* Reads the reference starting at s (its '@') into ref, *end just past it. CERTIFY_ESUITE with
 * why (capacity cap) saying what is wrong when it does not read; ref's names are not looked
 * up here. */
int certify_ref_read(const char *s, struct certify_ref *ref, const char **end, char *why,
                     size_t cap);

/* The word of a `host` effect as the suite writes it ("lose", "bad-mac"; static). */
const char *certify_effect_name(enum certify_effect e);

/* ---- The transcript (proxy.c) ------------------------------------------------------- */

/* One request the terminal sent in a case, with what the test host did and the answer the
 * terminal got. Allocated once, never copied: rq and an point into req and ans. */
struct certify_msg {
	int n;               /* 1-based within the case */
	int conn;            /* the terminal's connection it came on (1.. within the run) */
	int64_t at_ms;       /* when it arrived, ms since the case began */
	int64_t answered_ms; /* when its answer was delivered; -1 never */
	uint8_t req[CERTIFY_FRAME_MAX];
	size_t req_len; /* the frame without its 2-byte length: TPDU, header, message */
	uint8_t ans[CERTIFY_FRAME_MAX];
	size_t ans_len;     /* 0: no answer delivered */
	iso8583_msg rq, an; /* unpacked with the cup-pos profile where rq_ok / an_ok */
	bool rq_ok, an_ok;
	char rq_error[160]; /* iso8583_diag's text when the request did not unpack */
	enum certify_effect effect;
	char rc[3]; /* field 39 of the answer delivered, "" none */
};

struct certify_transcript {
	struct certify_msg **msgs; /* owned */
	size_t n, cap;
};

/* Appends m (taking ownership) to tr. CERTIFY_ENOMEM leaves m the caller's. */
int certify_transcript_add(struct certify_transcript *tr, struct certify_msg *m);
void certify_transcript_free(struct certify_transcript *tr);

/* ---- Findings (rules.c, judge.c) ------------------------------------------------------ */

/* Why a case failed: a sentence, and the message it is about (1-based in the case's
 * transcript; 0: the case as a whole, e.g. an expectation nothing matched). */
struct certify_finding {
	int msg;
	int line;      /* the suite line of the expectation or check; 0 a rule */
	char rule[24]; /* "format", "fields", "mac", "stan", "identity", "track",
	                  "pin", "batch", "expect", "check", "driver", "timeout" */
	char why[CERTIFY_WHY_MAX];
};

/* ---- Results (run.c, judge.c, report.c) ---------------------------------------------- */

struct certify_case_result {
	const struct certify_case *c;    /* in the run's suite */
	struct certify_transcript tr;    /* owned */
	int matched[CERTIFY_EXPECT_MAX]; /* the message (1-based) each expect matched first;
	                                    0: none (or a `none` expectation) */
	struct certify_finding findings[CERTIFY_FINDINGS_MAX];
	size_t n_findings;     /* kept */
	size_t n_more;         /* findings past CERTIFY_FINDINGS_MAX, counted */
	bool run, passed;      /* run: not skipped (--case) */
	int driver_rc;         /* the driver's exit status, -1 no driver */
	char driver_out[4096]; /* what the driver printed on stdout (its last 4 KiB) */
	int64_t ms;            /* how long the case took */
	size_t ruled;          /* the requests of tr the rules checked (certify_rules_case) */
};

struct certify_result {
	const struct certify_suite *suite; /* owned: freed with the result (certify_result_free) */
	char model[33], version[33];       /* the device under test ("" not named) */
	char tid[9], mid[16], sn[51];      /* the terminal the test host registered */
	int64_t started, finished;         /* Unix seconds */
	struct certify_case_result *cases; /* owned, suite->n_cases of them */
	size_t n_cases;
	size_t passed, failed, skipped;
	char certificate[40]; /* the certificate's id when all passed and one was
	                         recorded, "" otherwise */
	int utc_offset;       /* the report's times: local, minutes east of UTC ([host]) */
};

/* Milliseconds on the monotonic clock: the run's, the proxy's and the driver's waits. */
int64_t certify_now_ms(void);

/* Adds a finding to cr (counted in n_more when full); printf-style why. */
void certify_find(struct certify_case_result *cr, int msg, int line, const char *rule,
                  const char *fmt, ...) __attribute__((format(printf, 5, 6)));

/* Judges case index ci of res over its transcript: each `expect` in order (matched[]
 * filled), references resolved against this and earlier cases; a finding per expectation
 * not met, naming the message that came instead, decoded. Sets nothing else. complete
 * (may be NULL) is set when every expectation that is not `none` has matched — the run uses
 * it to end a case early. Judging a case again replaces the "expect" findings of the judgement
 * before (the run may judge while the case runs). CERTIFY_OK. */
int certify_judge(struct certify_result *res, size_t ci, bool *complete);

/* A request's or answer's field as text into out (iso8583_field_text: binary as hex), a
 * sub-field or slice of it as a condition names: CERTIFY_ENOTFOUND when absent. */
int certify_field_text(const iso8583_msg *m, int field, int sub, int off, int len, char *out,
                       size_t cap);

/* One line a person reads of m: "0200 STAN 000123 3=000000 4=1.00 39=…", masked (card
 * numbers to first 6 and last 4, no track, PIN, MAC or chip data). */
void certify_msg_line(const struct certify_msg *m, char *out, size_t cap);

/* ---- The report (report.c) ---------------------------------------------------------- */

/* One line of a decoded message: a field ("2") or sub-field ("60.2", depth 1..) path, the
 * dialect's name of it and its value as text, masked for people (card_mask_field(): card
 * numbers to their first 6 and last 4 digits; track data, PIN blocks, chip data, keys and MACs
 * — 35, 36, 45, 52, 55, 62, 64, 96, 128 — never shown, their length alone). */
struct certify_field {
	const char *path, *name, *value;
	int depth;
};

/* Calls fn for each field of m (unpacked: its profile m->wire), and the sub-fields the
 * dialect's layouts break it into, in order, until fn returns non-zero (returned);
 * CERTIFY_OK. */
int certify_msg_decode(const iso8583_msg *m, int (*fn)(void *ctx, const struct certify_field *f),
                       void *ctx);

/* ---- The rules every request obeys (rules.c) ---------------------------------------- */

/* The dialect's rules (docs/certify.md "Rules"), checked over each case's requests in order,
 * with what a correct terminal holds carried from case to case: its keys (the TMK, then the
 * working keys each approved 0810 delivered in field 62, imported as the terminal must), the
 * STANs used in its batch, its SN and version. Findings go to the case's result. */
typedef struct certify_rules certify_rules;

/* h is the test host's HSM (the caller's, outliving the rules); tmk the terminal's TMK key
 * block under its LMK; sn the SN the terminal was registered with. */
int certify_rules_open(hsm *h, const char *tmk, const char *sn, certify_rules **out);

/* Checks every request of cr->tr not checked yet, in order; CERTIFY_OK. */
int certify_rules_case(certify_rules *r, struct certify_case_result *cr);

void certify_rules_close(certify_rules *r);

/* ---- The proxy between the terminal and the test host (proxy.c) ---------------------- */

/* Listens for the terminal under test, connects each of its connections to the test host's
 * terminal port and relays frames both ways on a libuv loop of its own thread, recording
 * every request and the answer delivered into the current case's transcript and applying the
 * case's `host` behaviours. Between cases (no case set) requests are relayed and recorded
 * nowhere. */
typedef struct certify_proxy certify_proxy;

struct certify_proxy_config {
	const char *listen; /* the address terminals connect to, "127.0.0.1" by default */
	int port;           /* 0: a free one */
	int host_port;      /* the test host's terminal port, on 127.0.0.1 */
	/* An HSM on the test host's LMK, to MAC certify's own answers (`answer RC`): used on the
	 * proxy's thread, so no other thread's while the proxy runs (hsm.h: one per thread). */
	hsm *h;
	/* The terminal's current MAC key block under the LMK (store row terminals.mak), read when
	 * certify answers a request itself; the caller's, called on the proxy's thread. */
	int (*mak)(void *ctx, char *block, size_t cap);
	void *mak_ctx;
};

/* Starts the proxy's thread; *port the port it listens on. */
int certify_proxy_start(const struct certify_proxy_config *cfg, certify_proxy **out, int *port);

/* From now on, requests go into cr's transcript and cr->c's behaviours apply (NULL: none,
 * between cases). A `late` answer still held is delivered when the case ends. */
void certify_proxy_case(certify_proxy *px, struct certify_case_result *cr);

/* The transcript of the current case is read and written under this lock. */
void certify_proxy_lock(certify_proxy *px);
void certify_proxy_unlock(certify_proxy *px);

/* Milliseconds since the last request arrived (since the case began when none did). */
int64_t certify_proxy_quiet_ms(certify_proxy *px);

/* Stops the thread, closes every connection, frees px (may be NULL). */
void certify_proxy_close(certify_proxy *px);

/* ---- The test host (setup.c) ------------------------------------------------------------ */

/* A test host of its own: a work directory with its configuration (free ports, tracks
 * encrypted, no risk rules), its store and HSM, a merchant and one terminal (of the model
 * under test) with its TMK in two components, the test cards written as the reference
 * terminal's card files, and the host running on a thread. */
struct certify_host {
	char work[512];  /* the work directory */
	char cards[600]; /* WORK/cards: stripe.json, chip.json, … */
	char tid[9], mid[16], sn[51];
	char tmk_components[160]; /* "COMP:KCV,COMP:KCV", as `possum term init` takes them */
	char tmk[STORE_KEY_MAX];  /* the TMK's key block under the LMK */
	int terminal_port;        /* the host's own terminal port (the proxy's upstream) */
	struct {
		char name[16]; /* the card file: CARDS/NAME.json */
		char pin[13];
		char masked[20]; /* its PAN, first 6 and last 4 */
		bool chip;
	} card[CERTIFY_CARDS_MAX];
	int n_cards;
	store *s;       /* the test host's store, for the runner's thread */
	hsm *h;         /* its HSM, for the runner's thread */
	hsm *proxy_hsm; /* another on the same LMK, for the proxy's thread */
	void *impl;     /* setup.c's */
};

int certify_host_start(const struct certify_options *o, struct certify_host *out);

/* Whether the test host still runs: false once it stopped — the host takes SIGINT and SIGTERM
 * (host_run()), so a person's Ctrl-C ends the run through it. */
bool certify_host_alive(const struct certify_host *ch);

/* A `setup param KEY=VALUE` line applied to the test terminal (docs/tms.md keys). */
int certify_host_param(struct certify_host *ch, const char *key, const char *value);

/* `setup capk test`: the test CA public key (Visa's published test key A000000003 index 92,
 * expiring at the end of the fifth year after the run's) added to the test host's TMS. On a
 * refusal (added already): CERTIFY_EARG and why (capacity cap) says why. */
int certify_host_capk(struct certify_host *ch, char *why, size_t cap);

/* `setup aid AID`: the chip application aid (hex), labelled "CERTIFY TEST", added (or, when
 * the TMS has it, replaced) in the test host's TMS; CERTIFY_EARG and why as above. */
int certify_host_aid(struct certify_host *ch, const char *aid, char *why, size_t cap);

/* Stops the host, closes everything; removes the work directory unless keep. */
void certify_host_stop(struct certify_host *ch, bool keep);

/* ---- The driver (driver.c) ---------------------------------------------------------------- */

/* Where a driver runs: what its environment says (docs/certify.md "Drivers"). */
struct certify_call {
	const char *driver;  /* the command, as --driver gave it */
	const char *work;    /* POSSUM_CERTIFY_WORK: the run's work directory */
	const char *cards;   /* POSSUM_CERTIFY_CARDS: the test cards' directory */
	const char *host;    /* POSSUM_CERTIFY_HOST: where the terminal connects, HOST:PORT */
	const char *case_id; /* POSSUM_CERTIFY_CASE: the case's id ("" before the first) */
};

/* Runs the driver for one step, `ACTION ARG…` (args "KEY=VALUE"), waiting at most timeout_s
 * seconds (then killed: *status -1); its standard output's last cap - 1 bytes appended to out
 * (NUL-terminated), its exit status in *status. CERTIFY_EDRIVER when it could not start. */
int certify_driver_run(const struct certify_call *call, const char *action, const char *const *args,
                       size_t n_args, int timeout_s, char *out, size_t cap, int *status);

/* ---- Named checks (checks.c) ------------------------------------------------------------ */

/* Runs case cr's `check` lines (its transcript judged already): findings added to cr. With
 * ask (a person's answers, stdin) the slip is confirmed by the person, asked on say; without,
 * read in the driver's output. lang: the merchant's name in English (0) or Chinese (1). */
void certify_checks(const struct certify_result *res, struct certify_case_result *cr, FILE *ask,
                    FILE *say, int lang);

#endif
