/* cmd_admin_pki.c — `possum admin pki init|issue|revoke|list`: the small CA of the data
 * directory (docs/pki.md), for testing and small deployments: its certificate and CRL in
 * DATA/pki, the terminals' and hosts' certificates it issues. The work is host/pki.h's. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <jansson.h>

#include "cli/cli.h"
#include "common/jsonval.h"
#include "common/text.h"
#include "host/pki.h"

#define DATA_OPTS                                                                                            \
	"  --config FILE  the config file (default $POSSUM_CONFIG)\n"                                        \
	"  --data DIR     the data directory (default $POSSUM_DATA, the config's, else " CLI_DATADIR_DEFAULT \
	")\n"

#define PKI_CA_DAYS       3650 /* the CA's validity by default */
#define PKI_HOST_DAYS     365  /* a host certificate's */
#define PKI_TERMINAL_DAYS 1095 /* a terminal's: about a device's service between visits */

/* A certificate's row printed: a line, or JSON (host_pki_cert_json()), with the files. */
static int print_cert(const struct cli_env *env, const struct store_pki_cert *c, const char *crt,
                      const char *key)
{
	int64_t now = (int64_t)time(NULL);
	json_t *j;
	char until[TEXT_TIME_LEN];

	if (env->json) {
		if ((j = host_pki_cert_json(c, now, env->host.cfg.utc_offset)) == NULL)
			return cli_error(CLI_FAILED, env->prog, "out of memory");
		if (crt != NULL)
			json_object_set_new(j, "certificate", json_string(crt));
		if (key != NULL)
			json_object_set_new(j, "key", json_string(key));
		cli_print_json(j);
		return CLI_OK;
	}
	text_local(c->not_after, env->host.cfg.utc_offset, until);
	printf("serial       %s\nsubject      %s\nvalid until  %s\nstate        %s\n", c->serial,
	       c->subject, until, host_pki_state(c, now));
	if (crt != NULL)
		printf("certificate  %s\n", crt);
	if (key != NULL)
		printf("key          %s\n", key);
	return CLI_OK;
}

/* --days as a number of days, def when absent. */
static int days_opt(const char *prog, const char *text, int def, int *out)
{
	int64_t n = def;
	int rc = text != NULL ? cli_int64(prog, "--days", text, 1, PKI_DAYS_MAX, &n) : CLI_OK;

	*out = (int)n;
	return rc;
}

static const char init_help[] =
    "[--name NAME] [--days N] [--config FILE] [--data DIR] [--json]\n"
    "\n"
    "Makes the data directory's CA (ECDSA P-256, self-signed, CA:TRUE) and writes its\n"
    "certificate DATA/pki/ca.crt and an empty CRL DATA/pki/crl.pem. Its private key is kept\n"
    "only in the store, sealed under the HSM data key pki.ca. Once only: a CA there already is\n"
    "refused (docs/pki.md says how to start over). In the audit log.\n"
    "\n"
    "  --name NAME    its common name, 1 to 63 bytes (default \"possum CA\")\n"
    "  --days N       its validity in days, 1 to 36500 (default 3650)\n" DATA_OPTS
    "  --json         print {\"serial\",\"kind\":\"ca\",\"subject\",\"not_before\",\"not_after\",\n"
    "                 \"state\",\"revoked_at\",\"reason\",\"certificate\"}\n"
    "\n"
    "Exit status: 0 made; 1 a CA exists, or a failure; 2 bad usage.\n";

struct cmd_init {
	const char *name, *days;
};

static int cmd_init(struct cli_env *env, const void *values)
{
	const struct cmd_init *o = values;
	const char *name = o->name != NULL ? o->name : "possum CA";
	struct store_pki_cert c;
	char crt[4200];
	int days, rc;

	if (name[0] == '\0' || strlen(name) >= PKI_NAME_MAX ||
	    !text_is_line(name, PKI_NAME_MAX - 1))
		return cli_usage_error(env->prog, "--name: 1 to 63 bytes on one line");
	if ((rc = days_opt(env->prog, o->days, PKI_CA_DAYS, &days)) != CLI_OK ||
	    (rc = cli_env_open(env)) != CLI_OK)
		return rc;
	if (host_pki_init(&env->host, env->actor, name, days, (int64_t)time(NULL), &c) != HOST_OK)
		return CLI_FAILED;
	snprintf(crt, sizeof crt, "%s/pki/ca.crt", env->host.data.dir);
	return print_cert(env, &c, crt, NULL);
}

static const char issue_help[] =
    "--terminal SN | --host NAME [--ip ADDR]... [--days N] --out PREFIX [--config FILE]\n"
    "       [--data DIR] [--json]\n"
    "\n"
    "Issues a certificate under the data directory's CA with a new ECDSA P-256 key, and writes\n"
    "PREFIX.crt and PREFIX.key (mode 0600; neither may exist). The key is handed over in that\n"
    "file once and not kept. In the audit log.\n"
    "\n"
    "  --terminal SN  a terminal's (TLS client): CN = SN, which must be a registered terminal's\n"
    "                 (possum admin terminal list); default 1095 days\n"
    "  --host NAME    a host's (TLS server): CN and subjectAltName DNS = NAME; default 365 days\n"
    "  --ip ADDR      with --host, an IPv4 or IPv6 address added to subjectAltName (up to 8)\n"
    "  --days N       its validity in days, 1 to 36500\n"
    "  --out PREFIX   where to write PREFIX.crt and PREFIX.key\n" DATA_OPTS
    "  --json         print the certificate's row (as `pki list --json`'s items), with\n"
    "                 \"certificate\" and \"key\", the files written\n"
    "\n"
    "Exit status: 0 issued; 1 no CA, an unknown SN, a file there already, or a failure;\n"
    "2 bad usage.\n";

struct cmd_issue {
	const char *terminal, *host, *days, *out;
	const char *ips[PKI_IPS_MAX];
	size_t n_ips;
};

static int add_ip(struct cli_env *env, void *values, const char *name, const char *value)
{
	struct cmd_issue *o = values;

	(void)name;
	if (pki_ip_check(value) != CRYPTO_OK)
		return cli_usage_error(env->prog, "--ip: not an IPv4 or IPv6 address: %s", value);
	if (o->n_ips == PKI_IPS_MAX)
		return cli_usage_error(env->prog, "--ip: at most %d", PKI_IPS_MAX);
	o->ips[o->n_ips++] = value;
	return CLI_OK;
}

static int cmd_issue(struct cli_env *env, const void *values)
{
	const struct cmd_issue *o = values;
	const char *prog = env->prog;
	struct pki_leaf leaf = {.ips = o->ips, .n_ips = o->n_ips, .now = (int64_t)time(NULL)};
	struct store_pki_cert c;
	char crt[4200], key[4200];
	int rc;

	if ((o->terminal != NULL) == (o->host != NULL))
		return cli_usage_error(prog, "one of --terminal SN and --host NAME is needed");
	if (o->terminal != NULL && o->n_ips > 0)
		return cli_usage_error(prog, "--ip goes with --host only");
	if (o->host != NULL && pki_host_name_check(o->host) != CRYPTO_OK)
		return cli_usage_error(prog, "--host: not a DNS name: %s", o->host);
	if (o->terminal != NULL &&
	    (o->terminal[0] == '\0' || !text_is_line(o->terminal, PKI_NAME_MAX - 1)))
		return cli_usage_error(prog, "--terminal: an SN of 1 to 63 bytes");
	if (o->out == NULL || o->out[0] == '\0')
		return cli_usage_error(prog, "--out PREFIX is required");
	leaf.kind = o->host != NULL ? PKI_HOST : PKI_TERMINAL;
	leaf.name = o->host != NULL ? o->host : o->terminal;
	if ((rc = days_opt(prog, o->days, o->host != NULL ? PKI_HOST_DAYS : PKI_TERMINAL_DAYS,
	                   &leaf.days)) != CLI_OK ||
	    (rc = cli_env_open(env)) != CLI_OK)
		return rc;
	if (host_pki_issue(&env->host, env->actor, &leaf, o->out, &c) != HOST_OK)
		return CLI_FAILED;
	snprintf(crt, sizeof crt, "%s.crt", o->out);
	snprintf(key, sizeof key, "%s.key", o->out);
	return print_cert(env, &c, crt, key);
}

static const char revoke_help[] =
    "SERIAL [--reason keyCompromise|superseded|cessationOfOperation|unspecified]\n"
    "       [--config FILE] [--data DIR] [--json]\n"
    "\n"
    "Revokes the certificate of SERIAL (possum admin pki list) and rewrites DATA/pki/crl.pem,\n"
    "signed by the CA, listing every revoked certificate ([acquirer] tls_crl names it). In the\n"
    "audit log.\n"
    "\n"
    "  --reason WHY   why, as RFC 5280 names it (default unspecified)\n" DATA_OPTS
    "  --json         print the certificate's row (as `pki list --json`'s items)\n"
    "\n"
    "Exit status: 0 revoked; 1 no CA, an unknown serial, revoked already, or a failure; 2 bad\n"
    "usage.\n";

struct cmd_revoke {
	const char *reason;
};

static int cmd_revoke(struct cli_env *env, const void *values)
{
	const struct cmd_revoke *o = values;
	struct store_pki_cert c;
	int reason = PKI_UNSPECIFIED, rc;

	if (o->reason != NULL && pki_reason_parse(o->reason, &reason) != CRYPTO_OK)
		return cli_usage_error(env->prog, "--reason: keyCompromise, superseded, "
		                                  "cessationOfOperation or unspecified");
	if ((rc = cli_env_open(env)) != CLI_OK)
		return rc;
	if (host_pki_revoke(&env->host, env->actor, env->operands[0], reason, (int64_t)time(NULL),
	                    &c) != HOST_OK)
		return CLI_FAILED;
	return print_cert(env, &c, NULL, NULL);
}

/* What list prints: lines, or JSON items. */
struct list_out {
	json_t *items;
	int utc_offset;
	int64_t now;
};

static int list_one(void *arg, const struct store_pki_cert *c)
{
	const struct list_out *out = arg;
	char until[TEXT_TIME_LEN];

	if (out->items != NULL)
		return json_array_append_new(out->items,
		                             host_pki_cert_json(c, out->now, out->utc_offset)) != 0;
	text_local(c->not_after, out->utc_offset, until);
	printf("%-32s %-8s %-20s %-7s %s\n", c->serial, pki_kind_name(c->kind), until,
	       host_pki_state(c, out->now), c->subject);
	return 0;
}

static const char list_help[] =
    "[--config FILE] [--data DIR] [--json]\n"
    "\n"
    "Lists the certificates the CA issued, in the order of issue: serial, kind (terminal or\n"
    "host), valid until (local time), state (valid, expired or revoked), subject.\n"
    "\n" DATA_OPTS
    "  --json         print {\"items\":[{\"serial\",\"kind\",\"subject\",\"not_before\",\n"
    "                 \"not_after\",\"state\",\"revoked_at\",\"reason\"},…],\"next\":null}\n"
    "\n"
    "Exit status: 0 listed; 1 a failure; 2 bad usage.\n";

static int cmd_list(struct cli_env *env, const void *values)
{
	struct list_out out = {NULL, 0, (int64_t)time(NULL)};
	int rc;

	(void)values; /* it has no options of its own */
	if ((rc = cli_env_open(env)) != CLI_OK)
		return rc;
	out.utc_offset = env->host.cfg.utc_offset;
	if (env->json && (out.items = json_array()) == NULL)
		return cli_error(CLI_FAILED, env->prog, "out of memory");
	if (!env->json)
		printf("%-32s %-8s %-20s %-7s %s\n", "SERIAL", "KIND", "VALID UNTIL", "STATE",
		       "SUBJECT");
	if ((rc = store_pki_cert_list(env->host.data.store, list_one, &out)) != STORE_OK) {
		json_decref(out.items);
		return cli_error(CLI_FAILED, env->prog, "%s",
		                 rc > 0 ? "out of memory" : store_strerror(rc));
	}
	if (out.items != NULL)
		cli_print_json(jsonval_page(out.items, NULL));
	return CLI_OK;
}

static const cli_command pki_cmds[] = {
    {"init", "make the CA: DATA/pki/ca.crt and an empty CRL", .handler = cmd_init,
     .env = CLI_ENV_DATA, .help = init_help,
     CLI_OPTIONS(struct cmd_init, CLI_TEXT("name", struct cmd_init, name),
                 CLI_TEXT("days", struct cmd_init, days)),
     .common = CLI_DATADIR},
    {"issue", "issue a terminal's or a host's certificate and key", .handler = cmd_issue,
     .env = CLI_ENV_DATA, .help = issue_help,
     CLI_OPTIONS(struct cmd_issue, CLI_TEXT("terminal", struct cmd_issue, terminal),
                 CLI_TEXT("host", struct cmd_issue, host), CLI_EACH("ip"),
                 CLI_TEXT("days", struct cmd_issue, days), CLI_TEXT("out", struct cmd_issue, out)),
     .each = add_ip, .common = CLI_DATADIR},
    {"revoke", "revoke a certificate and rewrite the CRL", .handler = cmd_revoke,
     .env = CLI_ENV_DATA, .help = revoke_help,
     CLI_OPTIONS(struct cmd_revoke, CLI_TEXT("reason", struct cmd_revoke, reason)),
     .common = CLI_DATADIR, CLI_ONE("one SERIAL is needed")},
    {"list", "the certificates issued, and their state", .handler = cmd_list,
     .env = CLI_ENV_DATA | CLI_ENV_READ, .help = list_help, .common = CLI_DATADIR},
};

const cli_group cli_admin_pki_group = {
    "possum admin pki",
    "A small CA for testing and small deployments (docs/pki.md): terminals' and hosts'\n"
    "certificates for TLS, and the CRL.",
    CLI_TABLE(pki_cmds)};
