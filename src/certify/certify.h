/* certify.h — `possum certify` (docs/certify.md): the device test a POS terminal passes before
 * it goes live. A run starts a test host of its own (its work directory, keys, a merchant, one
 * terminal and test cards), puts a proxy between it and the terminal under test, and takes
 * the terminal through a suite's cases one by one: it says what to do (to a person, or runs a
 * driver program), plays the case's behaviour (a lost answer, A0, a bad MAC, totals that
 * differ …), and checks every message the terminal sends against the dialect's rules and the
 * case's expectations. The result is a report (text, JSON, printable HTML); when every case
 * passed, a certificate for the model and software version, recorded in the acquirer's store,
 * which the onboarding's `device_testing` step asks for.
 *
 * Ownership: certify_run() allocates *out; certify_result_free() frees it. The suite is read
 * by the run and freed with the result. Functions return CERTIFY_OK or a negative
 * CERTIFY_E* code; certify_strerror() names it. Progress and instructions are printed on the
 * options' stream as the run goes; nothing else prints. */
#ifndef POSSUM_CERTIFY_H
#define POSSUM_CERTIFY_H

#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>

#include <jansson.h>

#include "store/store.h"
#include "store/store_certify.h"

#define CERTIFY_OK        0
#define CERTIFY_EARG      (-1) /* an option malformed */
#define CERTIFY_ESUITE    (-2) /* a suite file that does not read: FILE:LINE: why */
#define CERTIFY_ENOTFOUND (-3) /* no such suite, case, certificate or field */
#define CERTIFY_ENOMEM    (-4)
#define CERTIFY_EHOST     (-5) /* the test host did not start */
#define CERTIFY_ENET      (-6) /* the proxy could not listen or reach the host */
#define CERTIFY_EDRIVER   (-7) /* the driver program could not be run */
#define CERTIFY_ESTORE    (-8) /* the store failed */
#define CERTIFY_EIO       (-9) /* a report could not be written */

#define CERTIFY_EREVOKED (-10) /* the certificate is revoked already (certify_revoke) */
#define CERTIFY_EINTR    (-11) /* interrupted (SIGINT, SIGTERM): the test host stopped */

const char *certify_strerror(int rc);

struct certify_options {
	const char *prog;    /* errors said as "PROG: …" */
	const char *suite;   /* a built-in suite's name (cup-pos) or a suite file */
	const char *model;   /* the device under test; NULL: none named (no certificate) */
	const char *version; /* its software version; NULL: none named */
	const char *listen;  /* the proxy's address; NULL: 127.0.0.1 */
	int port;            /* the port the terminal connects to; 0: a free one */
	const char *driver;  /* --driver CMD, run for each step; NULL: a person does them */
	int settle_ms;       /* --settle: after the driver's last step, how long the terminal is
	                        quiet before its case is judged */
	const char *cases;   /* --case ID[,ID…]: only these; NULL: all */
	const char *work;    /* --work DIR for the test host; NULL: a new one under $TMPDIR */
	bool keep;           /* --keep: leave the work directory */
	int lang;            /* 0 English, 1 Chinese: the instructions' language */
	int utc_offset;      /* minutes east of UTC: the acquirer's local time, for its test host
	                        and the report */
	FILE *say;           /* where instructions and progress go (stderr with --json) */
};

struct certify_result;

/* Runs the suite; *out the result (even when cases failed: CERTIFY_OK says the run ran). */
int certify_run(const struct certify_options *o, struct certify_result **out);

/* All cases run passed (none failed, at least one ran). */
bool certify_passed(const struct certify_result *r);

/* Every case of the suite ran and passed: what a certificate asks for (certify_record()). */
bool certify_complete(const struct certify_result *r);

void certify_result_free(struct certify_result *r);

/* The report as text (for a person), JSON (one object, docs/certify.md "Report") or a
 * printable HTML page, written to f. */
enum certify_format { CERTIFY_TEXT, CERTIFY_JSON, CERTIFY_HTML };
int certify_report_write(const struct certify_result *r, enum certify_format fmt, int lang,
                         FILE *f);

/* Records the result's certificate in the acquirer's store s (audited as actor) when every
 * case passed and the model and version are named: its id into r (certificate) and id (may
 * be NULL, at least 40 bytes). CERTIFY_EARG when the result gives no certificate. */
int certify_record(store *s, struct certify_result *r, const char *actor, char *id);

/* ---- Certificates (record.c, docs/certify.md "Certificates") ---- */

/* A certificate as JSON: {"id","model","version","suite","passed_cases","issued" (local,
 * utc_offset minutes east of UTC),"issued_by","report_sha256","revoked","revoked_by",
 * "revoke_reason"} (the last three null while in force); a new reference (NULL out of
 * memory). */
json_t *certify_cert_json(const struct store_certify_cert *c, int utc_offset);

/* Calls fn for each certificate of model (NULL: every model), revoked ones too with all, the
 * latest first, until it returns non-zero (returned). CERTIFY_ESTORE when the store failed. */
int certify_list(store *s, const char *model, bool all,
                 int (*fn)(void *ctx, const struct store_certify_cert *c), void *ctx);

/* Revokes certificate id at now for reason (one line, 1 to 256 bytes: else CERTIFY_EARG),
 * audited as actor ("certify.revoke"), committed together; out (may be NULL) the certificate
 * as it is then. CERTIFY_ENOTFOUND: no such certificate; CERTIFY_EREVOKED: revoked already
 * (out as it was). */
int certify_revoke(store *s, const char *id, const char *reason, const char *actor, int64_t now,
                   struct store_certify_cert *out);

#endif
