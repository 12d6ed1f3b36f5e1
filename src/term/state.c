/* state.c — the terminal's state: setting it up from the TMK's components, opening it, its
 * counters, the card image it reads, and the names of its codes. */
#include "term/internal.h"

#include <assert.h>
#include <stdlib.h>
#include <string.h>

#include <jansson.h>

#include "rcode/rcode.h"

#include "common/geo.h"
#include "common/hex.h"
#include "crypto/crypto.h"

const struct term_kind_def term_kinds[TERM_KINDS] = {
    [TERM_SIGNIN] = {"signin", "0800", "", "", "00", "004", false, false, false, false},
    [TERM_SIGNOUT] = {"signout", "0820", "", "", "00", "002", false, false, false, false},
    [TERM_ECHO] = {"echo", "0820", "", "", "00", "301", false, false, false, false},
    [TERM_BALANCE] = {"balance", "0200", "310000", "00", "01", "000", false, true, false, false},
    [TERM_PURCHASE] = {"purchase", "0200", "000000", "00", "22", "000", true, true, true, false},
    [TERM_VOID] = {"void", "0200", "200000", "00", "23", "000", true, true, false, false},
    [TERM_REFUND] = {"refund", "0220", "200000", "00", "25", "000", true, true, false, false},
    [TERM_PREAUTH] = {"preauth", "0100", "030000", "06", "10", "000", true, true, true, false},
    [TERM_PREAUTH_CANCEL] = {"preauth-cancel", "0100", "200000", "06", "11", "000", true, true,
                             false, false},
    [TERM_COMPLETION] = {"preauth-complete", "0200", "000000", "06", "20", "000", true, true, false,
                         false},
    [TERM_COMPLETION_VOID] = {"completion-void", "0200", "200000", "06", "21", "000", true, true,
                              false, false},
    [TERM_CARDAUTH] = {"auth-card", "0100", "330000", "00", "40", "000", false, true, false, false},
    [TERM_SETTLE] = {"settle", "0500", "", "", "00", "201", false, false, false, false},
    [TERM_QR_PAY] = {"qr-pay", "0200", "000000", "00", "22", "000", true, false, false, true},
    [TERM_QR_REFUND] = {"qr-refund", "0220", "200000", "00", "25", "000", true, false, false, true},
    [TERM_QR_QUERY] = {"qr-query", "0100", "300000", "00", "26", "000", false, false, false, true},
    [TERM_QR_RESULT] = {"qr-result", "0100", "320000", "00", "27", "000", false, false, false,
                        true},
};

const char *term_kind_name(enum term_kind kind)
{
	return (unsigned)kind < TERM_KINDS ? term_kinds[kind].name : "unknown";
}

const char *term_strerror(int rc)
{
	switch (rc) {
	case TERM_OK:
		return "ok";
	case TERM_EARG:
		return "invalid argument";
	case TERM_ESTORE:
		return "the terminal's database failed";
	case TERM_EHSM:
		return "the terminal's HSM failed";
	case TERM_ENOINIT:
		return "the terminal is not set up (possum term init)";
	case TERM_ESIGNIN:
		return "no working keys: sign in first (possum term signin)";
	case TERM_EKCV:
		return "a key does not match its check value";
	case TERM_ECONNECT:
		return "cannot reach the host";
	case TERM_ETIMEOUT:
		return "no answer from the host in time";
	case TERM_EMAC:
		return "the answer's MAC does not verify";
	case TERM_EFORMAT:
		return "the answer is malformed or does not match the request";
	case TERM_ECARD:
		return "the card image cannot be read";
	case TERM_ENOTFOUND:
		return "no such transaction";
	case TERM_EREVERSAL:
		return "a pending reversal could not be delivered";
	case TERM_ESTATE:
		return "not allowed for that transaction";
	case TERM_EPIN:
		return "the wallet PIN is needed above CNY 1,000.00, the terminal's no-PIN limit (--pin)";
	case TERM_EREFUSED:
		return "refused by the terminal itself (终端拒绝)";
	default:
		return "unknown error";
	}
}

void term_rc_text(const char *rc, const char **en, const char **zh)
{
	const struct rcode_info *info = rcode_find(rc);

	*en = info->en;
	*zh = info->zh;
}

int term_from_hsm(int rc)
{
	switch (rc) {
	case HSM_OK:
		return TERM_OK;
	case HSM_EKCV:
		return TERM_EKCV;
	case HSM_EARG:
	case HSM_EPAN:
		return TERM_EARG;
	default:
		return TERM_EHSM;
	}
}

int term_from_store(int rc)
{
	return rc == STORE_OK ? TERM_OK : rc == STORE_ENOTFOUND ? TERM_ENOTFOUND : TERM_ESTORE;
}

/* ---- the card ---- */

/* Copies the string member name of o into out (capacity cap), which it must fit with digits
 * (or '=' and digits for track 2) only. */
static int card_text(json_t *o, const char *name, char *out, size_t cap, size_t min)
{
	const char *v = json_string_value(json_object_get(o, name));
	size_t n = v != NULL ? strlen(v) : 0;

	if (v == NULL || n < min || n >= cap || strspn(v, "0123456789=") != n)
		return TERM_ECARD;
	memcpy(out, v, n + 1);
	return TERM_OK;
}

/* Whether the card file's product is credit. */
static bool card_credit(json_t *root)
{
	const char *product = json_string_value(json_object_get(root, "product"));

	return product != NULL && strcmp(product, "credit") == 0;
}

/* The chip application's AID and label: emv's "aid" (hex) and "label" when given, else
 * UnionPay's for the card's product (A000000333010102 credit, …0101 debit and prepaid); and
 * the CA public key it names (8F), emv's "capk_index" (2 hex digits), when given. */
static int card_app(json_t *root, json_t *emv, struct term_card *out)
{
	const char *aid = json_string_value(json_object_get(emv, "aid")),
	           *label = json_string_value(json_object_get(emv, "label")),
	           *product = json_string_value(json_object_get(root, "product"));
	json_t *capk = json_object_get(emv, "capk_index");
	bool credit = product != NULL && strcmp(product, "credit") == 0;
	size_t n;

	if (capk != NULL) {
		const char *index = json_string_value(capk);

		if (index == NULL || strlen(index) != 2 || strspn(index, "0123456789ABCDEF") != 2 ||
		    hex_decode(index, 2, &out->capk_index, 1, &n) != HEX_OK)
			return TERM_ECARD;
		out->has_capk = true;
	}

	if (aid == NULL)
		aid = credit ? "A000000333010102" : "A000000333010101";
	if (label == NULL)
		label = credit ? "UnionPay Credit" : "UnionPay Debit";
	n = strlen(aid);
	if (n < 10 || n >= sizeof out->aid || n % 2 != 0 || strspn(aid, "0123456789ABCDEF") != n ||
	    strlen(label) == 0 || strlen(label) >= sizeof out->label)
		return TERM_ECARD;
	for (const char *c = label; *c != '\0'; c++)
		if (*c < 0x20 || *c > 0x7E)
			return TERM_ECARD;
	memcpy(out->aid, aid, n + 1);
	memcpy(out->label, label, strlen(label) + 1);
	return TERM_OK;
}

int term_card_load(const char *path, struct term_card *out)
{
	json_t *root, *emv;
	const char *mk;
	size_t n;
	int rc = TERM_ECARD;

	memset(out, 0, sizeof *out);
	if ((root = json_load_file(path, 0, NULL)) == NULL)
		return TERM_ECARD;
	if (card_text(root, "pan", out->pan, sizeof out->pan, 12) != TERM_OK ||
	    card_text(root, "expiry", out->expiry, sizeof out->expiry, 4) != TERM_OK ||
	    card_text(root, "service_code", out->service_code, sizeof out->service_code, 3) !=
	        TERM_OK ||
	    card_text(root, "track2", out->track2, sizeof out->track2, 13) != TERM_OK)
		goto out;
	out->credit = card_credit(root);
	if ((emv = json_object_get(root, "emv")) != NULL) {
		mk = json_string_value(json_object_get(emv, "icc_mk"));
		if (card_text(emv, "psn", out->psn, sizeof out->psn, 2) != TERM_OK || mk == NULL ||
		    strlen(mk) != 32 ||
		    hex_decode(mk, 32, out->icc_mk, sizeof out->icc_mk, &n) != HEX_OK || n != 16)
			goto out;
		if ((rc = card_app(root, emv, out)) != TERM_OK)
			goto out;
		rc = TERM_ECARD;
		out->chip = true;
	}
	rc = TERM_OK;
out:
	json_decref(root);
	if (rc != TERM_OK)
		term_card_wipe(out);
	return rc;
}

void term_card_wipe(struct term_card *c)
{
	crypto_wipe(c, sizeof *c);
}

/* ---- setting up, opening ---- */

static bool text_ok(const char *v, size_t min, size_t max)
{
	size_t n = v != NULL ? strlen(v) : 0;

	if (n < min || n > max)
		return false;
	for (size_t i = 0; i < n; i++)
		if (v[i] < 0x21 || v[i] > 0x7E)
			return false;
	return true;
}

/* A terminal set up again under the same TID (another host's address, new keys) goes on from
 * the STAN and batch of its earlier setup in s, as a terminal's counter does: the host at the new
 * address may be another of the same acquirer (several hosts on one database,
 * docs/scaling.md), which has seen the STANs of the batch and would answer 94 to them again. */
static int setup_counters(store *s, struct store_term_state *st)
{
	struct store_term_state old;
	int rc = store_term_state_get(s, &old);

	if (rc == STORE_OK && strcmp(old.tid, st->tid) == 0) {
		st->stan = old.stan;
		st->batch = old.batch;
	}
	crypto_wipe(&old, sizeof old);
	return rc == STORE_ENOTFOUND ? TERM_OK : term_from_store(rc);
}

int term_setup(store *s, hsm *h, const struct term_setup *setup, const struct hsm_component *parts,
               size_t n, size_t *bad)
{
	static const struct hsm_key_spec tmk_spec = {"K0", HSM_TDES, 16, 'D', 'S'};
	static const struct hsm_key_spec dek_spec = {"D0", HSM_AES, 32, 'B', 'N'};
	static const struct hsm_key_spec hkey_spec = {"M7", HSM_HMAC, 32, 'C', 'N'};
	struct store_term_state st = {0};
	hsm_key k;
	int rc;

	if (!text_ok(setup->host, 3, sizeof st.host - 1) || !text_ok(setup->tid, 8, 8) ||
	    !text_ok(setup->mid, 15, 15) || !text_ok(setup->sn, 1, 50) || setup->timeout < 0 ||
	    n < 2 || n > HSM_PARTS_MAX)
		return TERM_EARG;
	if (setup->location != NULL) {
		int64_t lat, lon;

		if (geo_parse(setup->location, &lat, &lon) != GEO_OK)
			return TERM_EARG;
		geo_format(lat, lon, st.location);
	}
	strcpy(st.host, setup->host);
	strcpy(st.tid, setup->tid);
	strcpy(st.mid, setup->mid);
	strcpy(st.sn, setup->sn);
	st.timeout = setup->timeout > 0 ? setup->timeout : 30;
	st.batch = 1;
	st.utc_offset = TERM_CLOCK_DEFAULT;
	/* A terminal obeys its host: it downloads when an answer asks (`term download --auto off`
	 * for one that must not). */
	st.tms_auto = true;
	if ((rc = setup_counters(s, &st)) != TERM_OK)
		return rc;
	if ((rc = hsm_import_components(h, &tmk_spec, parts, n, &k, NULL, bad)) != HSM_OK)
		return term_from_hsm(rc);
	strcpy(st.tmk, k.block);
	if ((rc = hsm_generate(h, &dek_spec, &k, NULL)) != HSM_OK)
		return term_from_hsm(rc);
	strcpy(st.dek, k.block);
	if ((rc = hsm_generate(h, &hkey_spec, &k, NULL)) != HSM_OK)
		return term_from_hsm(rc);
	strcpy(st.hkey, k.block);
	return term_from_store(store_term_state_put(s, &st));
}

/* The key block text into k; an empty one leaves k empty. */
static int load_key(const char *text, hsm_key *k)
{
	memset(k, 0, sizeof *k);
	return text[0] == '\0' || hsm_key_set(k, text) == HSM_OK ? TERM_OK : TERM_EHSM;
}

/* Reads the state and its keys into t. */
static int load(term *t)
{
	int rc;

	if ((rc = store_term_state_get(t->s, &t->st)) != STORE_OK)
		return rc == STORE_ENOTFOUND ? TERM_ENOINIT : TERM_ESTORE;
	if (load_key(t->st.tmk, &t->tmk) != TERM_OK || load_key(t->st.pik, &t->pik) != TERM_OK ||
	    load_key(t->st.mak, &t->mak) != TERM_OK || load_key(t->st.tdk, &t->tdk) != TERM_OK ||
	    load_key(t->st.dek, &t->dek) != TERM_OK || load_key(t->st.hkey, &t->hkey) != TERM_OK)
		return TERM_EHSM;
	t->signed_in = t->st.pik[0] != '\0' && t->st.mak[0] != '\0' && t->st.tdk[0] != '\0';
	return term_tls_load(t);
}

int term_open(store *s, hsm *h, term **out)
{
	term *t;
	int rc;

	if ((t = calloc(1, sizeof *t)) == NULL)
		return TERM_EARG;
	t->s = s;
	t->h = h;
	t->p = iso8583_profile_find("cup-pos");
	assert(t->p != NULL);
	if ((rc = load(t)) != TERM_OK) {
		free(t);
		return rc;
	}
	t->timeout_ms = t->st.timeout * 1000;
	term_held_answer_timeout(t); /* the downloaded answer_timeout, when there is one */
	*out = t;
	return TERM_OK;
}

void term_close(term *t)
{
	if (t == NULL)
		return;
	net_client_close(t->c);
	net_tls_close(t->tls_ctx);
	crypto_wipe(t, sizeof *t);
	free(t);
}

const struct store_term_state *term_state(const term *t)
{
	return &t->st;
}

const char *term_unreachable(const term *t)
{
	return t->unreachable[0] != '\0' ? t->unreachable : NULL;
}

void term_set_timeout(term *t, int seconds)
{
	t->timeout_ms = seconds > 0 ? seconds * 1000 : 1;
}

int term_set_inject(term *t, enum term_inject fault)
{
	if ((unsigned)fault > TERM_INJECT_BAD_SIG)
		return TERM_EARG;
	t->inject = fault;
	return TERM_OK;
}

int term_next_stan(term *t, int *stan)
{
	t->st.stan = t->st.stan >= 999999 ? 1 : t->st.stan + 1;
	*stan = t->st.stan;
	return term_from_store(store_term_state_put(t->s, &t->st));
}

int term_find(term *t, const char *stan, struct store_term_txn *out)
{
	return term_from_store(store_term_txn_find(t->s, STORE_TERM_BY_STAN, stan, out));
}

int term_batch_each(term *t, int (*fn)(void *ctx, const struct store_term_txn *x), void *ctx)
{
	return term_from_store(store_term_txn_each(t->s, t->st.batch, fn, ctx));
}

int term_reversal_pending(term *t, struct store_term_txn *out, bool *pending)
{
	struct store_term_txn x;
	int rc = store_term_txn_pending(t->s, out != NULL ? out : &x);

	*pending = rc == STORE_OK;
	return rc == STORE_ENOTFOUND ? TERM_OK : term_from_store(rc);
}

int term_unseal(term *t, const struct store_term_txn *x, char pan[20], char expiry[5])
{
	char aad[16], clear[32];
	size_t n;
	char *eq;
	int rc;

	snprintf(aad, sizeof aad, "%06d%06d", x->batch, x->stan);
	if ((rc = hsm_data_decrypt(t->h, &t->dek, (const uint8_t *)aad, 12, x->sealed,
	                           x->sealed_len, (uint8_t *)clear, sizeof clear - 1, &n)) !=
	    HSM_OK)
		return term_from_hsm(rc);
	clear[n] = '\0';
	rc = TERM_EFORMAT;
	/* A QR payment's code is sealed without an expiry. */
	if ((eq = strchr(clear, '=')) != NULL && (size_t)(eq - clear) < 20 &&
	    (strlen(eq + 1) == 4 || eq[1] == '\0')) {
		*eq = '\0';
		strcpy(pan, clear);
		strcpy(expiry, eq + 1);
		rc = TERM_OK;
	}
	crypto_wipe(clear, sizeof clear);
	return rc;
}
