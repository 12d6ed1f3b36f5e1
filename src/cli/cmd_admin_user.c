/* cmd_admin_user.c — `possum admin user add|list|disable|unlock|password|totp`: the web
 * console's users (docs/console.md "Users and sign-in"). `add` prints the new user's otpauth://
 * URI and one-time enrolment link; `totp` prints a user's current code, a test and demo aid. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <jansson.h>

#include "cli/cli.h"
#include "common/jsonval.h"
#include "common/text.h"
#include "crypto/crypto.h"
#include "crypto/password.h"
#include "user/user.h"

#define DATA_OPTS                                                                                            \
	"  --config FILE  the config file (default $POSSUM_CONFIG)\n"                                        \
	"  --data DIR     the data directory (default $POSSUM_DATA, the config's, else " CLI_DATADIR_DEFAULT \
	")\n"

/* A user module code said as the command's failure. */
static int user_failed(const struct cli_env *env, int rc)
{
	const char *why = rc == USER_ENOTFOUND ? "no such user (or merchant)" : user_strerror(rc);

	return cli_module_failed(env, why, rc == USER_ESTORE, rc == USER_EARG);
}

/* The console's address as [http] gives it, for the enrolment link: https with [http]
 * tls_cert, listen and port, the port
 * the running host took (DATA/host.ports) when the config says 0. */
static void console_base(const struct cli_env *env, char *out, size_t cap)
{
	const struct http_config *h = &env->host.cfg.http;
	int port = h->port;
	char path[4200], line[64];
	FILE *fp;

	snprintf(path, sizeof path, "%s/host.ports", env->host.data.dir);
	if (port == 0 && (fp = fopen(path, "r")) != NULL) {
		while (fgets(line, sizeof line, fp) != NULL)
			if (strncmp(line, "api=", 4) == 0)
				port = atoi(line + 4);
		fclose(fp);
	}
	snprintf(out, cap, strchr(h->listen, ':') != NULL ? "%s://[%s]:%d" : "%s://%s:%d",
	         h->tls_cert != NULL ? "https" : "http", h->listen, port);
}

static const char add_help[] =
    "--role operator|merchant|auditor [--merchant MID] --name NAME [--config FILE]\n"
    "       [--data DIR] [--json]\n"
    "\n"
    "Makes a user of the web console and prints its TOTP secret as an otpauth:// URI (for an\n"
    "authenticator app) and its one-time enrolment link (valid 24 hours), where the user sees\n"
    "the QR code and sets a password of at least 12 characters. The creation is in the audit\n"
    "log.\n"
    "\n"
    "  --role ROLE     operator, merchant (its own merchant's data only) or auditor\n"
    "  --merchant MID  the merchant of a merchant's user (with --role merchant only)\n"
    "  --name NAME     1 to 32 of a-z, 0-9, '.', '_', '-'\n" DATA_OPTS
    "  --json          print {\"name\",\"role\",\"mid\",\"otpauth\",\"enrol\"}\n"
    "\n"
    "Exit status: 0 made; 1 name taken, no such merchant, or a failure; 2 bad usage.\n";

struct user_add {
	const char *role, *mid, *name;
};

static int user_add(struct cli_env *env, const void *values)
{
	const struct user_add *o = values;
	struct user_made made;
	char base[128], link[256];
	int role, rc;

	if (user_role_parse(o->role, &role) != USER_OK)
		return cli_usage_error(env->prog, "--role: operator, merchant or auditor");
	if ((role == USER_MERCHANT) != (o->mid != NULL))
		return cli_usage_error(env->prog,
		                       "--merchant MID goes with --role merchant, and only");
	if ((rc = cli_env_open(env)) != CLI_OK)
		return rc;
	rc = user_create(env->host.users, env->actor, o->name, role, o->mid, (int64_t)time(NULL),
	                 &made);
	if (rc == USER_EEXIST)
		return cli_error(CLI_FAILED, env->prog, "the name %s is taken", o->name);
	if (rc == USER_EARG)
		return cli_usage_error(env->prog, "--name: 1 to 32 of a-z, 0-9, '.', '_', '-'");
	if (rc != USER_OK)
		return user_failed(env, rc);
	console_base(env, base, sizeof base);
	snprintf(link, sizeof link, "%s/#/enrol/%s", base, made.enrol);
	if (env->json)
		cli_print_json(json_pack("{s:s, s:s, s:o, s:s, s:s}", "name", o->name, "role",
		                         o->role, "mid",
		                         o->mid != NULL ? json_string(o->mid) : json_null(),
		                         "otpauth", made.otpauth, "enrol", link));
	else
		printf("name     %s\nrole     %s\nmid      %s\notpauth  %s\nenrol    %s\n", o->name,
		       o->role, o->mid != NULL ? o->mid : "-", made.otpauth, link);
	crypto_wipe(&made, sizeof made);
	crypto_wipe(link, sizeof link);
	return CLI_OK;
}

static int print_user(void *arg, const struct store_user *row)
{
	json_t *items = arg;
	char locked[TEXT_TIME_LEN];

	if (items != NULL)
		return json_array_append_new(items, user_json(row, 0)) != 0;
	text_local(row->locked_until, 0, locked);
	printf("%-32s %-8s %-15s %-9s %s\n", row->name, user_role_name(row->role),
	       row->mid[0] != '\0' ? row->mid : "-", user_state_name(row->state),
	       row->locked_until != 0 ? locked : "-");
	return 0;
}

static const char list_help[] =
    "[--config FILE] [--data DIR] [--json]\n"
    "\n"
    "Lists the console's users by name: role, merchant, state (enrolling, active, disabled)\n"
    "and, when locked out after failed sign-ins, until when (UTC). Never a password or secret.\n"
    "\n" DATA_OPTS "  --json         print {\"items\":[{\"name\",\"role\",\"mid\",\"state\",\n"
    "                 \"locked_until\",\"created\"},…],\"next\":null}\n"
    "\n"
    "Exit status: 0 listed; 1 a failure; 2 bad usage.\n";

static int user_list_cmd(struct cli_env *env, const void *values)
{
	json_t *items = NULL;
	int rc;

	(void)values;
	if ((rc = cli_env_open(env)) != CLI_OK)
		return rc;
	if (env->json && (items = json_array()) == NULL)
		return cli_error(CLI_FAILED, env->prog, "out of memory");
	if (!env->json)
		printf("%-32s %-8s %-15s %-9s %s\n", "NAME", "ROLE", "MERCHANT", "STATE", "LOCKED");
	if ((rc = user_list(env->host.users, print_user, items)) != USER_OK) {
		json_decref(items);
		return user_failed(env, rc);
	}
	if (items != NULL)
		cli_print_json(jsonval_page(items, NULL));
	return CLI_OK;
}

static const char change_help[] =
    "NAME [--config FILE] [--data DIR] [--json]\n"
    "\n"
    "disable: the user can no longer sign in, and its sessions end. unlock: a user locked out\n"
    "after 6 failed sign-ins (or disabled) can sign in again at once. In the audit log.\n"
    "\n" DATA_OPTS "  --json         print {\"name\",\"done\":\"disable\"|\"unlock\"}\n"
    "\n"
    "Exit status: 0 done; 1 no such user, or a failure; 2 bad usage.\n";

/* disable (arg 1) or unlock (arg 0). */
static int user_change(struct cli_env *env, const void *values)
{
	const char *name = env->operands[0], *what = env->row->arg ? "disable" : "unlock";
	int64_t now = (int64_t)time(NULL);
	int rc;

	(void)values;
	if ((rc = cli_env_open(env)) != CLI_OK)
		return rc;
	rc = env->row->arg ? user_disable(env->host.users, env->actor, name, now)
	                   : user_unlock(env->host.users, env->actor, name, now);
	if (rc != USER_OK)
		return user_failed(env, rc);
	if (env->json)
		cli_print_json(json_pack("{s:s, s:s}", "name", name, "done", what));
	else
		printf("user %s: %s\n", name, env->row->arg ? "disabled" : "unlocked");
	return CLI_OK;
}

static const char password_help[] =
    "NAME [--config FILE] [--data DIR] [--json]\n"
    "\n"
    "Sets NAME's password to the first line of standard input (at least 12 characters) and\n"
    "makes the user active, as its enrolment would: for tests, demos and a forgotten password.\n"
    "In the audit log (never the password).\n"
    "\n" DATA_OPTS "  --json         print {\"name\",\"done\":\"password\"}\n"
    "\n"
    "Exit status: 0 set; 1 no such user, a disabled one, or a failure; 2 bad usage (too short).\n";

static int user_password(struct cli_env *env, const void *values)
{
	const char *name = env->operands[0];
	char line[PASSWORD_MAX + 2];
	int rc;

	(void)values;
	if (fgets(line, sizeof line, stdin) == NULL)
		return cli_usage_error(env->prog, "no password on standard input");
	line[strcspn(line, "\r\n")] = '\0';
	if (strlen(line) < PASSWORD_MIN || strlen(line) > PASSWORD_MAX) {
		crypto_wipe(line, sizeof line);
		return cli_usage_error(env->prog, "a password of 12 to 256 characters");
	}
	if ((rc = cli_env_open(env)) == CLI_OK &&
	    (rc = user_set_password(env->host.users, env->actor, name, line,
	                            (int64_t)time(NULL))) != USER_OK)
		rc = user_failed(env, rc);
	crypto_wipe(line, sizeof line);
	if (rc != CLI_OK)
		return rc;
	if (env->json)
		cli_print_json(json_pack("{s:s, s:s}", "name", name, "done", "password"));
	else
		printf("user %s: password set\n", name);
	return CLI_OK;
}

static const char totp_help[] =
    "NAME [--config FILE] [--data DIR] [--json]\n"
    "\n"
    "Prints NAME's TOTP code of this moment (6 digits, 30-second steps), read through the HSM:\n"
    "a test and demo aid (make demo, the browser tests), standing in for the user's\n"
    "authenticator app. Whoever can run it holds the data directory and its LMK, and so every\n"
    "secret already; a code is accepted once.\n"
    "\n" DATA_OPTS "  --json         print {\"name\",\"totp\"}\n"
    "\n"
    "Exit status: 0 printed; 1 no such user, or a failure; 2 bad usage.\n";

static int user_totp(struct cli_env *env, const void *values)
{
	const char *name = env->operands[0];
	char code[7];
	int rc;

	(void)values;
	if ((rc = cli_env_open(env)) != CLI_OK)
		return rc;
	if ((rc = user_totp_now(env->host.users, name, (int64_t)time(NULL), code)) != USER_OK)
		return user_failed(env, rc);
	if (env->json)
		cli_print_json(json_pack("{s:s, s:s}", "name", name, "totp", code));
	else
		printf("%s\n", code);
	crypto_wipe(code, sizeof code);
	return CLI_OK;
}

#define USER_ENV    (CLI_ENV_DATA | CLI_ENV_USER)
#define USER_ENV_RO (USER_ENV | CLI_ENV_READ)

static const cli_command user_cmds[] = {
    {"add", "make a user: its otpauth URI and enrolment link", .handler = user_add, .env = USER_ENV,
     .help = add_help,
     CLI_OPTIONS(struct user_add, CLI_NEED("role", struct user_add, role),
                 CLI_TEXT("merchant", struct user_add, mid),
                 CLI_NEED("name", struct user_add, name)),
     .common = CLI_DATADIR},
    {"list", "the users, their roles and states", .handler = user_list_cmd, .env = USER_ENV_RO,
     .help = list_help, .common = CLI_DATADIR},
    {"disable", "a user who may no longer sign in", .handler = user_change, .arg = 1,
     .env = USER_ENV, .help = change_help, .common = CLI_DATADIR, CLI_ONE("one NAME is needed")},
    {"unlock", "a user locked out may sign in again", .handler = user_change, .arg = 0,
     .env = USER_ENV, .help = change_help, .common = CLI_DATADIR, CLI_ONE("one NAME is needed")},
    {"password", "set a user's password from standard input", .handler = user_password,
     .env = USER_ENV, .help = password_help, .common = CLI_DATADIR, CLI_ONE("one NAME is needed")},
    {"totp", "a user's TOTP code now (a test and demo aid)", .handler = user_totp,
     .env = USER_ENV_RO, .help = totp_help, .common = CLI_DATADIR, CLI_ONE("one NAME is needed")},
};

const cli_group cli_admin_user_group = {
    "possum admin user", "The web console's users (docs/console.md).", CLI_TABLE(user_cmds)};
