/* setup.c — the test host of a certification run (internal.h "The test host"): a work
 * directory with a configuration of its own (free ports on 127.0.0.1, tracks encrypted, no
 * risk rules, the demo BIN ranges), its store and LMK, a merchant registered in one go, one
 * terminal of the model under test with its TMK in two components, the test cards written as
 * the reference terminal's card files, and `possum host` itself running on a thread.
 *
 * The host is the real one (host.h), not a stand-in: what a terminal passes here it passes
 * against the production pipeline. The trade-off: a run costs a whole host's start (a second or
 * so) and its own LMK — which is what "its own keys" asks for. */
#include "certify/internal.h"

#include <assert.h>
#include <dirent.h>
#include <errno.h>
#include <pthread.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "common/file.h"
#include "common/hex.h"
#include "crypto/crypto.h"
#include "host/env.h"
#include "host/host.h"
#include "store/store_acquirer.h"
#include "term/term.h"

#define ACTOR "certify"

struct impl {
	struct host_env env; /* the runner's: the store, HSM and TMS of the test host */
	hsm *proxy_hsm;      /* the proxy's own, on the same LMK (an hsm is one thread's) */
	host *host;
	pthread_t thread;
	bool running;
	atomic_bool ended; /* host_run() returned: stopped, or a SIGINT/SIGTERM the host took */
};

/* The test cards: a name (the card file WORK/cards/NAME.json), what it is. */
static const struct {
	const char *name, *holder;
	enum card_product product;
	bool chip;
} cards[CERTIFY_CARDS_MAX] = {
    {"stripe", "Certify Stripe", CARD_PRODUCT_DEBIT, false},
    {"chip", "Certify Chip", CARD_PRODUCT_DEBIT, true},
    {"credit", "Certify Credit", CARD_PRODUCT_CREDIT, true},
};

static int write_config(const char *path, const char *work, int utc_offset)
{
	FILE *f = fopen(path, "w");

	if (f == NULL)
		return CERTIFY_EHOST;
	fprintf(f,
	        "; the test host of `possum certify` (docs/certify.md): made for one run\n"
	        "[host]\nlog = %s/host.log\nutc_offset = %d\n"
	        "[link]\nlisten = 127.0.0.1\nport = 0\n"
	        "[acquirer]\nport = 0\ntrack_encryption = required\n"
	        "[issuer]\nbin = 62258801 debit\nbin = 62258802 credit\n"
	        "[http]\nlisten = 127.0.0.1\nport = 0\n"
	        "[risk]\nrules = none\n",
	        work, utc_offset);
	return fclose(f) == 0 ? CERTIFY_OK : CERTIFY_EHOST;
}

/* Whether dir is a directory with nothing in it. */
static bool empty_dir(const char *dir)
{
	DIR *d = opendir(dir);
	struct dirent *e;
	bool empty = d != NULL;

	while (empty && (e = readdir(d)) != NULL)
		empty = strcmp(e->d_name, ".") == 0 || strcmp(e->d_name, "..") == 0;
	if (d != NULL)
		closedir(d);
	return empty;
}

/* The work directory: given (made when missing, or empty), else a new one under $TMPDIR. */
static int make_work(const struct certify_options *o, struct certify_host *ch)
{
	const char *tmp = getenv("TMPDIR");

	if (o->work != NULL) {
		/* Made for the run, or empty: the run removes it at its end (unless keep), so a
		 * directory holding anything is refused and left as it is. */
		if (strlen(o->work) >= sizeof ch->work ||
		    (mkdir(o->work, 0700) != 0 && (errno != EEXIST || !empty_dir(o->work)))) {
			fprintf(stderr, "%s: --work %s: not a new or empty directory\n", o->prog,
			        o->work);
			return CERTIFY_EARG;
		}
		snprintf(ch->work, sizeof ch->work, "%s", o->work);
	} else {
		snprintf(ch->work, sizeof ch->work, "%s/possum-certify-XXXXXX",
		         tmp != NULL && tmp[0] != '\0' ? tmp : "/tmp");
		if (mkdtemp(ch->work) == NULL)
			return CERTIFY_EHOST;
	}
	snprintf(ch->cards, sizeof ch->cards, "%s/cards", ch->work);
	return mkdir(ch->cards, 0700) == 0 || errno == EEXIST ? CERTIFY_OK : CERTIFY_EHOST;
}

/* The merchant, registered in one go as `possum admin merchant add` does. */
static int add_merchant(struct impl *im, struct certify_host *ch)
{
	static const enum merchant_step road[] = {MERCHANT_STEP_REVIEW, MERCHANT_STEP_TEST,
	                                          MERCHANT_STEP_AGREE, MERCHANT_STEP_ACTIVATE};
	struct merchant_application a = {
	    "Possum Certification Shop", "-", "-", "-", "-", "-", "5311", "00000"};
	struct merchant_info i = {0};
	int64_t id, now = (int64_t)time(NULL);

	if (merchant_apply(im->env.merchant, &a, ACTOR, now, &id) != MERCHANT_OK)
		return CERTIFY_EHOST;
	for (size_t k = 0; k < sizeof road / sizeof road[0]; k++)
		if (merchant_step(im->env.merchant, id, road[k], "the certification's test host",
		                  NULL, ACTOR, now, &i) != MERCHANT_OK)
			return CERTIFY_EHOST;
	snprintf(ch->mid, sizeof ch->mid, "%s", i.app.mid);
	return CERTIFY_OK;
}

/* The terminal of the model under test, its TMK in two components as "HEX:KCV,HEX:KCV". */
static int add_terminal(struct impl *im, const struct certify_options *o, struct certify_host *ch)
{
	struct merchant_terminal_new n = {
	    .mid = ch->mid, .sn = "PSM-CERTIFY-01", .activate = true, .model = o->model};
	struct merchant_tmk_form form = {.parts = 2};
	struct merchant_tmk tmk;
	struct store_terminal row;
	char hex[2 * HSM_CLEAR_MAX + 1], kcv[2 * HSM_KCV_MAX + 1];
	size_t pos = 0;
	int rc = CERTIFY_EHOST;

	if (merchant_terminal_register(im->env.merchant, ACTOR, &n, &form, (int64_t)time(NULL),
	                               ch->tid, &tmk) != MERCHANT_OK)
		goto out;
	snprintf(ch->sn, sizeof ch->sn, "%s", n.sn);
	for (size_t i = 0; i < tmk.n_parts; i++) {
		hex_encode(tmk.parts[i].part, tmk.parts[i].len, hex, sizeof hex);
		hex_encode(tmk.parts[i].kcv.v, tmk.parts[i].kcv.len, kcv, sizeof kcv);
		pos += (size_t)snprintf(ch->tmk_components + pos, sizeof ch->tmk_components - pos,
		                        "%s%s:%s", i > 0 ? "," : "", hex, kcv);
	}
	if (pos >= sizeof ch->tmk_components ||
	    store_terminal_get(im->env.data.store, ch->tid, &row) != STORE_OK)
		goto out;
	snprintf(ch->tmk, sizeof ch->tmk, "%s", row.tmk);
	rc = CERTIFY_OK;
out:
	crypto_wipe(hex, sizeof hex);
	crypto_wipe(&tmk, sizeof tmk);
	return rc;
}

/* The test cards, each written as WORK/cards/NAME.json; their PINs kept for the run. */
static int add_cards(struct impl *im, struct certify_host *ch)
{
	struct issuer_card_image img;
	char path[700];
	int rc = CERTIFY_OK;

	for (size_t i = 0; i < CERTIFY_CARDS_MAX && rc == CERTIFY_OK; i++) {
		struct issuer_card_request req = {.product = cards[i].product,
		                                  .holder = cards[i].holder,
		                                  .id_number = "110101199001011234",
		                                  .phone = "13900000000",
		                                  .chip = cards[i].chip};
		json_t *card;

		if (req.product == CARD_PRODUCT_DEBIT)
			req.balance = 1000000; /* 10,000.00 */
		else
			req.limit = 1000000;
		if (issuer_card_issue(im->env.issuer, &req, (int64_t)time(NULL), &img) != ISSUER_OK)
			return CERTIFY_EHOST;
		snprintf(path, sizeof path, "%s/%s.json", ch->cards, cards[i].name);
		card = term_card_json(&img, cards[i].holder);
		if (card == NULL || term_card_save(path, card) != TERM_OK)
			rc = CERTIFY_EHOST;
		json_decref(card);
		snprintf(ch->card[i].name, sizeof ch->card[i].name, "%s", cards[i].name);
		snprintf(ch->card[i].pin, sizeof ch->card[i].pin, "%s", img.pin);
		ch->card[i].chip = cards[i].chip;
		card_pan_mask(img.pan, strlen(img.pan), ch->card[i].masked,
		              sizeof ch->card[i].masked);
		crypto_wipe(&img, sizeof img);
	}
	ch->n_cards = CERTIFY_CARDS_MAX;
	return rc;
}

/* The variables that would point the test host at the acquirer's own store or LMK
 * (host/env.h): set aside while the test host opens, so that it has its own. */
static const char *const foreign[] = {HOST_STORE_ENV, HSM_LMK_ENV};

static void set_aside(char *saved[2])
{
	for (size_t i = 0; i < 2; i++) {
		const char *v = getenv(foreign[i]);

		saved[i] = v != NULL ? strdup(v) : NULL;
		unsetenv(foreign[i]);
	}
}

static void put_back(char *saved[2])
{
	for (size_t i = 0; i < 2; i++) {
		if (saved[i] != NULL)
			setenv(foreign[i], saved[i], 1);
		free(saved[i]);
	}
}

static void *host_thread(void *arg)
{
	struct impl *im = arg;

	host_run(im->host);
	atomic_store(&im->ended, true);
	return NULL;
}

/* The host on the work directory, started on a thread: its terminals' port into ch. */
static int start_host(struct impl *im, const char *prog, const char *conf, const char *data,
                      struct certify_host *ch)
{
	struct host_options ho = {.prog = prog,
	                          .config = conf,
	                          .data = data,
	                          .port = 0,
	                          .terminal_port = 0,
	                          .api_port = 0};
	struct host_listening l;

	if (host_open(&ho, &im->host) != HOST_OK || host_start(im->host, &l) != HOST_OK)
		return CERTIFY_EHOST;
	ch->terminal_port = l.acquirer;
	if (pthread_create(&im->thread, NULL, host_thread, im) != 0)
		return CERTIFY_EHOST;
	im->running = true;
	return CERTIFY_OK;
}

/* The host's environment, its merchant, terminal and cards, and the host itself. */
static int open_all(struct impl *im, const struct certify_options *o, const char *conf,
                    const char *data, struct certify_host *out)
{
	char lmk[700];
	int rc;

	if (host_env_start(&im->env, o->prog, conf, data,
	                   HOST_NEED_DATA | HOST_NEED_ISSUER | HOST_NEED_MERCHANT |
	                       HOST_NEED_TMS) != HOST_OK)
		return CERTIFY_EHOST;
	out->s = im->env.data.store;
	out->h = im->env.data.hsm;
	snprintf(lmk, sizeof lmk, "%s/lmk", data);
	if (hsm_open_file(lmk, &im->proxy_hsm) != HSM_OK)
		return CERTIFY_EHOST;
	out->proxy_hsm = im->proxy_hsm;
	if ((rc = add_merchant(im, out)) != CERTIFY_OK ||
	    (rc = add_terminal(im, o, out)) != CERTIFY_OK ||
	    (rc = add_cards(im, out)) != CERTIFY_OK)
		return rc;
	return start_host(im, o->prog, conf, data, out);
}

int certify_host_start(const struct certify_options *o, struct certify_host *out)
{
	struct impl *im = calloc(1, sizeof *im);
	char conf[600], data[600], lmk[700], *saved[2];
	hsm_kcv kcv;
	int rc;

	memset(out, 0, sizeof *out);
	if (im == NULL)
		return CERTIFY_ENOMEM;
	out->impl = im;
	if ((rc = make_work(o, out)) != CERTIFY_OK)
		goto out;
	snprintf(conf, sizeof conf, "%s/possum.conf", out->work);
	snprintf(data, sizeof data, "%s/data", out->work);
	if ((rc = write_config(conf, out->work, o->utc_offset)) != CERTIFY_OK)
		goto out;
	/* Its own LMK, made here: the data directory's would be made with a warning meant for a
	 * production host that has none. */
	if ((mkdir(data, 0700) != 0 && errno != EEXIST) ||
	    (snprintf(lmk, sizeof lmk, "%s/lmk", data), hsm_lmk_create(lmk, &kcv) != HSM_OK)) {
		rc = CERTIFY_EHOST;
		goto out;
	}
	set_aside(saved);
	rc = open_all(im, o, conf, data, out);
	put_back(saved);
out:
	if (rc != CERTIFY_OK)
		certify_host_stop(out, o->keep);
	return rc;
}

bool certify_host_alive(const struct certify_host *ch)
{
	const struct impl *im = ch->impl;

	return im != NULL && im->running && !atomic_load(&im->ended);
}

int certify_host_param(struct certify_host *ch, const char *key, const char *value)
{
	struct impl *im = ch->impl;
	struct tms_change c = {TMS_LEVEL_TERMINAL, ch->tid, key, value};
	char why[TMS_WHY_MAX];

	assert(im != NULL);
	return tms_param_set(im->env.tms, ACTOR, &c, (int64_t)time(NULL), why) == TMS_OK
	           ? CERTIFY_OK
	           : CERTIFY_EARG;
}

/* The test CA public key of `setup capk test`: Visa's 1408-bit test key A000000003 index 92, as
 * openemv's emv-utils publishes it (src/emv_capk_static_data.h, "Visa 1408-bit test CAPK
 * [92]"; tests/tms/test_tms_capk.c has it too). A public test key: no secret. */
#define TEST_CAPK_RID   "A000000003"
#define TEST_CAPK_INDEX "92"
#define TEST_CAPK_MOD                                                                              \
	"996AF56F569187D09293C14810450ED8EE3357397B18A2458EFAA92DA3B6DF6514EC060195318FD43BE9B8F0" \
	"CC669E3F844057CBDDF8BDA191BB64473BC8DC9A730DB8F6B4EDE3924186FFD9B8C7735789C23A36BA0B8AF6" \
	"5372EB57EA5D89E7D14E9C7B6B557460F10885DA16AC923F15AF3758F0F03EBD3C5C2C949CBA306DB44E6A2C" \
	"076C5F67E281D7EF56785DC4D75945E491F01918800A9E2DC66F60080566CE0DAF8D17EAD46AD8E30A247C9F"
#define TEST_CAPK_SUM "429C954A3859CEF91295F663C963E582ED6EB253"

int certify_host_capk(struct certify_host *ch, char *why, size_t cap)
{
	struct impl *im = ch->impl;
	int64_t now = (int64_t)time(NULL);
	char expiry[16];
	/* Its expiry is not in its checksum: the end of the fifth year after the run's, so that
	 * the key is in force whenever the suite runs. */
	struct tms_capk_text t = {TEST_CAPK_RID, TEST_CAPK_INDEX, TEST_CAPK_MOD,
	                          "03",          expiry,          TEST_CAPK_SUM};

	assert(im != NULL);
	snprintf(expiry, sizeof expiry, "%04d1231", tms_date(now, 0) / 10000 + 5);
	return tms_capk_add(im->env.tms, ACTOR, &t, now, NULL, why, cap) == TMS_OK ? CERTIFY_OK
	                                                                           : CERTIFY_EARG;
}

int certify_host_aid(struct certify_host *ch, const char *aid, char *why, size_t cap)
{
	struct impl *im = ch->impl;
	struct tms_aid_text t = {.aid = aid, .label = "CERTIFY TEST"};

	assert(im != NULL);
	return tms_aid_add(im->env.tms, ACTOR, &t, (int64_t)time(NULL), NULL, NULL, why, cap) ==
	               TMS_OK
	           ? CERTIFY_OK
	           : CERTIFY_EARG;
}

void certify_host_stop(struct certify_host *ch, bool keep)
{
	struct impl *im = ch->impl;

	if (im == NULL)
		return;
	if (im->running) {
		host_stop(im->host);
		pthread_join(im->thread, NULL);
	}
	host_close(im->host);
	hsm_close(im->proxy_hsm);
	host_env_close(&im->env);
	free(im);
	ch->impl = NULL;
	ch->s = NULL;
	ch->h = ch->proxy_hsm = NULL;
	if (!keep && ch->work[0] != '\0')
		file_remove_tree(ch->work);
}
