/* netmgmt.c — network management: a terminal signs in (fresh working keys under its TMK),
 * signs out, says it is there (echo), and downloads its parameters, the CA keys, the AIDs and
 * its software (download.c). Its own table of transactions and stages: no card, no MAC, no record
 * of its own. */
#include "acquirer/internal.h"

#include <stdio.h>
#include <string.h>

#include "crypto/crypto.h"
#include "rcode/rcode.h"
#include "store/store_tms.h"
#include "tms/tms.h"

/* The version a sign-in reports (59 A2 05) recorded, then its model's minimum version: after
 * the minimum's date a terminal below it is refused, U1, until it reports one at or above
 * (docs/tms.md "Software updates"). STAGE_NEXT when it may sign in. */
static int signin_version(struct txn *t)
{
	struct store_tms_minimum m;
	int rc;

	if (t->version[0] != '\0' && strcmp(t->version, t->term.version) != 0) {
		memcpy(t->term.version, t->version, sizeof t->term.version);
		if ((rc = store_terminal_update(t->a->s, &t->term)) != STORE_OK)
			return acquirer_from_store(rc);
	}
	if (t->term.model[0] == '\0')
		return STAGE_NEXT;
	if ((rc = store_tms_minimum_get(t->a->s, t->term.model, &m)) == STORE_ENOTFOUND)
		return STAGE_NEXT;
	if (rc != STORE_OK)
		return acquirer_from_store(rc);
	if (tms_minimum_due(&m, t->term.version, tms_date(t->now, t->a->cfg.utc_offset)))
		return acquirer_decide(t, RCODE_UPDATE_REQUIRED, "update_required");
	return STAGE_NEXT;
}

/* Sign-in: fresh PIN, MAC and track keys, each sent under the TMK with its check value in
 * field 62 (docs/cup-pos.md "Sign-in"), kept wrapped under the LMK. */
static int decide_signin(struct txn *t)
{
	static const struct hsm_key_spec specs[3] = {
	    {"P0", HSM_TDES, 16, 'B', 'S'},
	    {"M1", HSM_TDES, 16, 'C', 'S'},
	    {"M1", HSM_TDES, 16, 'C', 'S'},
	};
	char *slots[3] = {t->term.pik, t->term.mak, t->term.tdk};
	hsm_key tmk, key;
	uint8_t enc[24];
	size_t len;
	hsm_kcv kcv;
	int rc = ACQUIRER_EHSM;

	if ((rc = signin_version(t)) != STAGE_NEXT)
		return rc;
	rc = ACQUIRER_EHSM;
	if (hsm_key_set(&tmk, t->term.tmk) != HSM_OK)
		return ACQUIRER_EHSM;
	for (size_t i = 0; i < 3; i++) {
		if (hsm_generate(t->a->h, &specs[i], &key, NULL) != HSM_OK ||
		    hsm_export_ecb(t->a->h, &tmk, &key, enc, &len, &kcv) != HSM_OK || len != 16)
			goto out;
		memcpy(t->f62 + i * 20, enc, 16);
		memcpy(t->f62 + i * 20 + 16, kcv.v, HSM_KCV_ECB);
		snprintf(slots[i], STORE_KEY_MAX, "%s", key.block);
	}
	t->has_f62 = true;
	t->term.signed_in = true;
	t->term.last_seen = t->term.last_signin = t->now;
	if ((rc = acquirer_tms_refresh(t)) != ACQUIRER_OK)
		goto out;
	if ((rc = store_terminal_update(t->a->s, &t->term)) != STORE_OK) {
		rc = acquirer_from_store(rc);
		goto out;
	}
	rc = acquirer_decide(t, RCODE_APPROVED, "signed_in");
out:
	crypto_wipe(&key, sizeof key);
	crypto_wipe(&tmk, sizeof tmk);
	crypto_wipe(enc, sizeof enc);
	return rc;
}

static int decide_signout(struct txn *t)
{
	t->term.signed_in = false;
	t->term.last_seen = t->now;
	if (store_terminal_update(t->a->s, &t->term) != STORE_OK)
		return ACQUIRER_ESTORE;
	return acquirer_decide(t, RCODE_APPROVED, "signed_out");
}

/* The terminal's heartbeat: it is seen (its status report's "online"), and what it still needs
 * to download recomputed (the answer's nibble asks for it). */
static int decide_echo(struct txn *t)
{
	int rc;

	t->term.last_seen = t->now;
	if ((rc = acquirer_tms_refresh(t)) != ACQUIRER_OK)
		return rc;
	if (store_terminal_update(t->a->s, &t->term) != STORE_OK)
		return ACQUIRER_ESTORE;
	return acquirer_decide(t, RCODE_APPROVED, "echo");
}

static int stage_netmgmt(struct txn *t)
{
	return t->type->decide(t);
}

static const struct stage stages[] = {
    /* after unpack (pipeline.c): 30 unreadable, 12 unknown */
    {"terminal", acquirer_stage_terminal, 0, false}, /* 97 */
    {"binding", acquirer_stage_binding, 0, false},   /* 58, 03 */
    {"netmgmt", stage_netmgmt, 0, false}, /* sign-in, sign-out, echo, downloads: 00, 30, 12 */
    {"respond", acquirer_stage_respond, 0, true},
};

static const struct txn_class netmgmt = {"netmgmt", stages, sizeof stages / sizeof stages[0]};

const struct txn_type acquirer_netmgmt_types[] = {
    {"signin", "0800", NULL, NULL, "004", T_SIGNIN, 0, &netmgmt, decide_signin},
    {"signout", "0820", NULL, NULL, "002", 0, 0, &netmgmt, decide_signout},
    {"echo", "0820", NULL, NULL, "301", 0, 0, &netmgmt, decide_echo},
    /* Downloads (docs/tms.md "Downloads"), a software update ("Software updates"). */
    {"tms_params", "0820", NULL, NULL, "360", 0, 0, &netmgmt, acquirer_decide_download},
    {"tms_params_ok", "0820", NULL, NULL, "361", 0, 0, &netmgmt, acquirer_decide_confirm},
    {"tms_capk", "0820", NULL, NULL, "370", 0, 0, &netmgmt, acquirer_decide_download},
    {"tms_capk_ok", "0820", NULL, NULL, "371", 0, 0, &netmgmt, acquirer_decide_confirm},
    {"tms_aid", "0820", NULL, NULL, "380", 0, 0, &netmgmt, acquirer_decide_download},
    {"tms_aid_ok", "0820", NULL, NULL, "381", 0, 0, &netmgmt, acquirer_decide_confirm},
    {"tms_update", "0820", NULL, NULL, "390", 0, 0, &netmgmt, acquirer_decide_update},
    {"tms_installed", "0820", NULL, NULL, "391", T_VERSION, 0, &netmgmt, acquirer_decide_installed},
};
const size_t acquirer_n_netmgmt_types =
    sizeof acquirer_netmgmt_types / sizeof acquirer_netmgmt_types[0];
