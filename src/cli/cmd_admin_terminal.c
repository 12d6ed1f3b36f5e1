/* cmd_admin_terminal.c — `possum admin terminal`: one terminal, one code (docs/architecture.md flow
 * 2). A terminal registered by its hardware SN to one merchant and one place, with its TID and a
 * terminal master key (TMK) handed out once, as components for the key ceremony or as a TR-31
 * block under a key-exchange key; its states; its rebinding, which re-keys it; what it looks
 * like and its status report. The operator's changes are audited as "cli:USER". */
#include <assert.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <sys/stat.h>

#include <jansson.h>

#include "cli/cli.h"
#include "common/file.h"
#include "common/hex.h"
#include "common/text.h"
#include "crypto/crypto.h"
#include "http/http.h"
#include "common/jsonval.h"
#include "qr/qr.h"

#define COMMON_HELP                                                                                           \
	"  --config FILE   the config file (default $POSSUM_CONFIG)\n"                                        \
	"  --data DIR      the data directory (default $POSSUM_DATA, the config's, else " CLI_DATADIR_DEFAULT \
	")\n"                                                                                                 \
	"  --json          print the API's JSON form (docs/api.md \"Terminals\")\n"

#define TMK_HELP                                                                                     \
	"  --parts N       the TMK as 2 or 3 components (default 2), each with its check value\n"    \
	"  --kek HEX:KCV,HEX:KCV[,HEX:KCV]\n"                                                        \
	"                  the TMK instead as a TR-31 key block under the key-exchange key (TDES)\n" \
	"                  formed from these components, each checked against its check value\n"

#define PLACE_HELP                                                                                 \
	"  --address TEXT  the registered place's address (1 to 256 bytes)\n"                      \
	"  --lat N --lon N its coordinates in micro-degrees (31230416 for 31.230416°N)\n"

/* What every subcommand takes, and its environment. */
struct term_cmd {
	const char *prog, *tid;
	int json;
	struct cli_env *env;
};

/* Every option of a terminal command; each row's table names those it takes. */
struct topts {
	const char *tid, *mid, *sn, *parts, *kek, *address, *lat, *lon, *reason, *minutes, *png,
	    *model;
	int no_activate, due;
};

#define TEXT(name, member) CLI_TEXT(name, struct topts, member)

/* The command's term_cmd, from its environment and options; with need_tid, a TID must have
 * been given (the dispatcher sees to it for the rows of one terminal, ONE_TID). */
static int begin(struct cli_env *env, const struct topts *o, bool need_tid, struct term_cmd *c)
{
	*c = (struct term_cmd){.prog = env->prog, .tid = o->tid, .json = env->json, .env = env};
	if (need_tid && c->tid == NULL)
		return cli_usage_error(c->prog, "TID is needed");
	return CLI_OK;
}

/* The merchant module's refusal as a message and an exit code. */
static int refused(const struct term_cmd *c, int rc)
{
	switch (rc) {
	case MERCHANT_ENOTFOUND:
		return cli_error(CLI_FAILED, c->prog, "no such terminal or merchant");
	case MERCHANT_EEXIST:
		return cli_error(CLI_FAILED, c->prog, "the TID is taken or the SN is bound");
	case MERCHANT_ESTATE:
		return cli_error(CLI_FAILED, c->prog,
		                 "not allowed in its state (registered → active ⇄ suspended; any → "
		                 "retired; a merchant must be active; a TMK is handed out once)");
	case MERCHANT_EVERIFY:
		return cli_error(CLI_FAILED, c->prog,
		                 "a KEK component does not match its check value");
	default:
		return cli_merchant_failed(c->env, rc);
	}
}

/* --parts and --kek into form (kek holds the components). */
static int tmk_form(const struct term_cmd *c, const char *parts, const char *kek_text,
                    struct hsm_component kek[HSM_PARTS_MAX], struct merchant_tmk_form *form)
{
	int64_t n = 2;
	int rc;

	*form = (struct merchant_tmk_form){.parts = 2};
	if (parts != NULL && kek_text != NULL)
		return cli_usage_error(c->prog, "--parts or --kek, not both");
	if (parts != NULL && (rc = cli_int64(c->prog, "parts", parts, 2, 3, &n)) != CLI_OK)
		return rc;
	form->parts = (size_t)n;
	if (kek_text != NULL) {
		if ((rc = cli_tmk_components(c->prog, "--kek", kek_text, kek, &form->kek_parts)) !=
		    CLI_OK)
			return rc;
		form->kek = kek;
	}
	return CLI_OK;
}

/* --address, --lat and --lon into p: all three or none (*given false). */
static int place_opts(const struct term_cmd *c, const char *address, const char *lat,
                      const char *lon, struct merchant_place *p, bool *given)
{
	int rc;

	memset(p, 0, sizeof *p);
	*given = address != NULL;
	if (address == NULL)
		return lat == NULL && lon == NULL
		           ? CLI_OK
		           : cli_usage_error(c->prog, "--lat and --lon go with --address");
	if (lat == NULL || lon == NULL)
		return cli_usage_error(c->prog, "--address needs --lat and --lon");
	if (address[0] == '\0' || strlen(address) > MERCHANT_ADDRESS_MAX)
		return cli_usage_error(c->prog, "--address: 1 to 256 bytes");
	snprintf(p->address, sizeof p->address, "%s", address);
	if ((rc = cli_int64(c->prog, "lat", lat, -90 * MERCHANT_MICRODEG, 90 * MERCHANT_MICRODEG,
	                    &p->lat)) != CLI_OK)
		return rc;
	return cli_int64(c->prog, "lon", lon, -180 * MERCHANT_MICRODEG, 180 * MERCHANT_MICRODEG,
	                 &p->lon);
}

/* Prints text as one word of a shell command line: as it is when it holds only letters,
 * digits and "._-", else in single quotes (an SN is any printable characters). */
static void print_word(const char *text)
{
	if (text[strspn(text,
	                "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789._-")] ==
	    '\0') {
		fputs(text, stdout);
		return;
	}
	putchar('\'');
	for (const char *p = text; *p != '\0'; p++)
		fputs(*p == '\'' ? "'\\''" : (char[]){*p, '\0'}, stdout);
	putchar('\'');
}

/* The TMK handed out, as `terminal add` has always printed it, with its components in the
 * form the terminal's init reads (http_tmk_json's "tmk_components"). */
static void print_tmk(const struct term_cmd *c, const struct merchant_terminal *t,
                      const struct merchant_tmk *k)
{
	char hex[2 * HSM_CLEAR_MAX + 1], kcv[2 * HSM_KCV_MAX + 1];
	json_t *o = http_tmk_json(t->tid, t->mid, t->sn, k);

	if (c->json) {
		cli_print_json(o);
		goto out;
	}
	printf("tid          %s\nmid          %s\nsn           %s\n", t->tid, t->mid, t->sn);
	for (size_t i = 0; i < k->n_parts; i++) {
		hex_encode(k->parts[i].part, k->parts[i].len, hex, sizeof hex);
		hex_encode(k->parts[i].kcv.v, k->parts[i].kcv.len, kcv, sizeof kcv);
		printf("component %zu  %s  kcv %s\n", i + 1, hex, kcv);
	}
	if (k->n_parts == 0)
		printf("tmk tr31     %s\n", k->block);
	hex_encode(k->kcv.v, k->kcv.len, kcv, sizeof kcv);
	printf("tmk kcv      %s\n", kcv);
	if (k->n_parts > 0) {
		printf("term init    possum term init --host HOST:PORT --tid %s --mid %s --sn ",
		       t->tid, t->mid);
		print_word(t->sn);
		const char *all = json_string_value(json_object_get(o, "tmk_components"));
		printf(" --tmk-components %s\n", all != NULL ? all : "(out of memory)");
	}
	json_decref(o);
out:
	crypto_wipe(hex, sizeof hex);
}

/* The end of a change that handed out tmk, whose result was rc: terminal tid as it is now
 * and its TMK printed, or the refusal (a MERCHANT_EARG said as the usage error earg). */
static int tmk_handed(struct term_cmd *c, const char *tid, int rc, const struct merchant_tmk *tmk,
                      const char *earg)
{
	struct merchant_terminal t;

	if (rc == MERCHANT_OK &&
	    (rc = merchant_terminal_get(c->env->host.merchant, tid, &t)) == MERCHANT_OK)
		print_tmk(c, &t, tmk);
	return rc == MERCHANT_OK                     ? CLI_OK
	       : rc == MERCHANT_EARG && earg != NULL ? cli_usage_error(c->prog, "%s", earg)
	                                             : refused(c, rc);
}

/* The location t last reported, when, and how far from its registered place. */
static void print_reported(const struct cli_env *env, const struct merchant_terminal *t)
{
	if (t->reported_at == 0) {
		printf("reported     -\n");
		return;
	}
	printf("reported     %lld,%lld µ°", (long long)t->reported_lat, (long long)t->reported_lon);
	if (t->reported_distance_m >= 0)
		printf(", %lld m from its place", (long long)t->reported_distance_m);
	printf("\n");
	cli_print_time(env, "reported at", t->reported_at);
}

static void print_terminal(const struct cli_env *env, const struct merchant_terminal *t)
{
	printf("tid          %s\nmid          %s\nsn           %s\nstate        %s\n", t->tid,
	       t->mid, t->sn, merchant_terminal_state_name(t->state));
	if (t->place.address[0] != '\0')
		printf("place        %s (%lld, %lld µ°)\n", t->place.address,
		       (long long)t->place.lat, (long long)t->place.lon);
	else
		printf("place        -\n");
	print_reported(env, t);
	printf("model        %s\n", t->model[0] != '\0' ? t->model : "-");
	printf("version      %s\nbatch        %06d\nsigned in    %s\ntmk kcv      %s%s\n",
	       t->version[0] != '\0' ? t->version : "-", t->batch, t->signed_in ? "yes" : "no",
	       t->tmk_kcv, t->tmk_issued ? "" : " (not handed out yet)");
	cli_print_time(env, "last sign-in", t->last_signin);
	cli_print_time(env, "next review", t->next_review);
	cli_print_time(env, "created", t->created_at);
}

/* Why merchant mid may not have the terminal add asked for (rc: MERCHANT_ENOTFOUND or
 * MERCHANT_ESTATE); the exit code. */
static int not_open(const struct term_cmd *c, const char *mid, int rc)
{
	struct merchant_info i;

	if (rc == MERCHANT_ENOTFOUND)
		return cli_error(CLI_FAILED, c->prog, "no such merchant");
	if (merchant_get(c->env->host.merchant, mid, &i) == MERCHANT_OK &&
	    (i.app.state == MERCHANT_DEVICE_TESTING || i.app.state == MERCHANT_AGREEMENT))
		return cli_error(
		    CLI_FAILED, c->prog,
		    "merchant %s is %s: its terminals serve once it is active; register "
		    "with --no-activate, and activate the terminal then",
		    mid, merchant_state_name(i.app.state));
	return cli_error(CLI_FAILED, c->prog, "the merchant is not active");
}

static const char add_help[] =
    "--merchant MID --sn SN [--tid TID] [--model M] [--address TEXT --lat N --lon N]\n"
    "    [--parts 2|3 | --kek COMPONENTS] [--no-activate] [--config FILE] [--data DIR] [--json]\n"
    "\n"
    "Registers a terminal of merchant MID, bound to its hardware serial number (one\n"
    "terminal, one code: an SN may be bound to one terminal at a time) and to its place, makes\n"
    "its terminal master key (TMK) and activates it. A merchant in device testing or\n"
    "agreement (its MID given, not yet active) has its terminals registered with\n"
    "--no-activate: keyed and tested, not serving, each activated once the merchant is active.\n"
    "Prints the TID and the TMK as components, each with its check value, and the TMK's\n"
    "check value: give each component to a different custodian, who keys it into the\n"
    "terminal (`possum term init --tmk-components`), and that command line with them all as\n"
    "HEX:KCV,HEX:KCV (--json: \"tmk_components\", beside the \"components\" list). The\n"
    "components are not kept anywhere; the TMK is handed out this once.\n"
    "\n"
    "  --merchant MID  the merchant (possum admin merchant add)\n"
    "  --sn SN         the terminal's hardware serial number, 1 to 50 printable characters\n"
    "  --tid TID       its terminal id, 8 letters and digits; default the next free one\n"
    "  --model M       its model (1 to 32 of A-Z a-z 0-9 . _ -): the TMS's parameters of that\n"
    "                  model apply to it (docs/tms.md)\n" PLACE_HELP TMK_HELP
    "  --no-activate   leave it registered (`possum admin terminal activate`)\n" COMMON_HELP "\n"
    "Exit status: 0 registered; 1 no such merchant, one suspended or closed (or, without\n"
    "--no-activate, not yet active), the TID taken, the SN bound,\n"
    "a KEK component wrong, or a failure; 2 bad usage.\n";

static int cmd_add(struct cli_env *env, const void *values)
{
	const struct topts *o = values;
	const char *mid = o->mid, *sn = o->sn;
	struct term_cmd c;
	struct merchant_terminal_new n = {0};
	struct hsm_component kek[HSM_PARTS_MAX];
	struct merchant_tmk_form form;
	struct merchant_tmk tmk;
	char tid[MERCHANT_TID_LEN + 1];
	bool given;
	int rc;

	begin(env, o, false, &c);
	if (mid == NULL)
		return cli_usage_error(c.prog, "--merchant MID is needed");
	if (sn == NULL || sn[0] == '\0' || strlen(sn) > MERCHANT_SN_MAX)
		return cli_usage_error(c.prog, "--sn: 1 to 50 characters needed");
	if (c.tid != NULL && strlen(c.tid) != MERCHANT_TID_LEN)
		return cli_usage_error(c.prog, "--tid: 8 letters and digits");
	if (o->model != NULL && !merchant_model_ok(o->model))
		return cli_usage_error(c.prog, "--model: 1 to 32 of A-Z a-z 0-9 . _ -");
	if ((rc = tmk_form(&c, o->parts, o->kek, kek, &form)) != CLI_OK ||
	    (rc = place_opts(&c, o->address, o->lat, o->lon, &n.place, &given)) != CLI_OK)
		goto wipe;
	n.mid = mid;
	n.sn = sn;
	n.tid = c.tid;
	n.activate = !o->no_activate;
	n.model = o->model;
	if ((rc = cli_env_open(env)) != CLI_OK)
		goto out;
	rc = merchant_terminal_register(env->host.merchant, env->actor, &n, &form,
	                                (int64_t)time(NULL), tid, &tmk);
	if (rc == MERCHANT_EARG) {
		rc = cli_usage_error(c.prog, "a TID of 8 letters and digits, an SN of printable "
		                             "characters, a KEK of TDES components");
		goto out;
	}
	if (rc == MERCHANT_ENOTFOUND || rc == MERCHANT_ESTATE) {
		rc = not_open(&c, mid, rc);
		goto out;
	}
	rc = tmk_handed(&c, tid, rc, &tmk, NULL);
out:
	crypto_wipe(&tmk, sizeof tmk);
wipe:
	crypto_wipe(kek, sizeof kek);
	return rc;
}

/* Prints terminal c->tid as it is now. */
static int show(struct term_cmd *c)
{
	struct merchant_terminal t;
	int rc;

	if ((rc = merchant_terminal_get(c->env->host.merchant, c->tid, &t)) != MERCHANT_OK)
		return refused(c, rc);
	if (c->json)
		cli_print_json(http_terminal_json(&t, c->env->host.cfg.utc_offset));
	else
		print_terminal(c->env, &t);
	return CLI_OK;
}

#define STATE_HELP(what, refusal)                                                                  \
	"TID [--reason TEXT] [--config FILE] [--data DIR] [--json]\n\n" what "\n\n"                \
	"  TID             the terminal (or --tid TID, as before)\n"                               \
	"  --reason TEXT   why, for the audit log\n" COMMON_HELP                                   \
	"\nExit status: 0 done; 1 no such terminal, a terminal " refusal ", or a failure; 2 bad "  \
	"usage.\n"

static const char activate_help[] =
    STATE_HELP("Puts a registered terminal in service (its merchant active); its periodic\n"
               "review falls due [merchant] review_days on.",
               "not registered or its merchant not active");
static const char suspend_help[] =
    STATE_HELP("Takes an active terminal out of service: the host answers it 97.", "not active");
static const char resume_help[] =
    STATE_HELP("Puts a suspended terminal back in service.", "not suspended");
static const char retire_help[] =
    STATE_HELP("Retires a terminal for good: its keys are dropped and its SN is free to be\n"
               "bound again.",
               "retired already");

/* activate, suspend, resume and retire: the change its row's name names. */
static const struct {
	const char *name;
	enum merchant_terminal_state to, from; /* from: what activate and resume each start at */
} changes[] = {
    {"activate", MERCHANT_TERMINAL_ACTIVE, MERCHANT_TERMINAL_REGISTERED},
    {"suspend", MERCHANT_TERMINAL_SUSPENDED, MERCHANT_TERMINAL_ACTIVE},
    {"resume", MERCHANT_TERMINAL_ACTIVE, MERCHANT_TERMINAL_SUSPENDED},
    {"retire", MERCHANT_TERMINAL_RETIRED, MERCHANT_TERMINAL_RETIRED},
};

/* The options of the state changes and of reviewed. */
static const cli_opt reason_opts[] = {TEXT("tid", tid), TEXT("reason", reason)};

static int cmd_state(struct cli_env *env, const void *values)
{
	const struct topts *o = values;
	const char *reason = o->reason, *word = env->row->name;
	struct merchant_terminal t;
	struct term_cmd c;
	size_t i = 0;
	int rc;

	while (i + 1 < sizeof changes / sizeof changes[0] && strcmp(changes[i].name, word) != 0)
		i++;
	assert(strcmp(changes[i].name, word) == 0); /* cli_dispatch() names only these */
	if ((rc = begin(env, o, true, &c)) != CLI_OK)
		return rc;
	if ((rc = cli_env_open(env)) != CLI_OK)
		return rc;
	/* activate and resume both lead to active: each takes only its own starting state. */
	if (changes[i].to == MERCHANT_TERMINAL_ACTIVE) {
		if ((rc = merchant_terminal_get(env->host.merchant, c.tid, &t)) != MERCHANT_OK)
			return refused(&c, rc);
		if (t.state != changes[i].from)
			return refused(&c, MERCHANT_ESTATE);
	}
	rc = merchant_terminal_set_state(env->host.merchant, env->actor, c.tid, changes[i].to,
	                                 reason, (int64_t)time(NULL));
	return rc != MERCHANT_OK ? refused(&c, rc) : show(&c);
}

static const char reviewed_help[] =
    "TID --reason TEXT [--config FILE] [--data DIR] [--json]\n"
    "\n"
    "Records the periodic review of an active terminal done: its next review falls due\n"
    "[merchant] review_days from now (`possum admin review due` lists what is due).\n"
    "\n"
    "  TID             the terminal (or --tid TID, as before)\n"
    "  --reason TEXT   what was checked, for the audit log\n" COMMON_HELP
    "\nExit status: 0 recorded; 1 no such terminal, one not active, or a failure; 2 bad "
    "usage.\n";

static int cmd_reviewed(struct cli_env *env, const void *values)
{
	const struct topts *o = values;
	const char *reason = o->reason;
	struct term_cmd c;
	int rc;

	if ((rc = begin(env, o, true, &c)) != CLI_OK)
		return rc;
	if (reason == NULL)
		return cli_usage_error(c.prog, "--reason is needed");
	if ((rc = cli_env_open(env)) != CLI_OK)
		return rc;
	rc = merchant_terminal_reviewed(env->host.merchant, env->actor, c.tid, reason,
	                                (int64_t)time(NULL));
	return rc != MERCHANT_OK ? refused(&c, rc) : show(&c);
}

static const char rebind_help[] =
    "TID [--merchant MID] [--address TEXT --lat N --lon N] --reason TEXT\n"
    "    [--parts 2|3 | --kek COMPONENTS] [--config FILE] [--data DIR] [--json]\n"
    "\n"
    "Moves a terminal to another merchant (active) or place, and re-keys it: a new TMK,\n"
    "printed as `add` prints it, its working keys dropped. The terminal must be keyed with the\n"
    "new TMK and sign in again; the host refuses the old keys.\n"
    "\n"
    "  TID             the terminal, not retired (or --tid TID, as before)\n"
    "  --merchant MID  its new merchant\n" PLACE_HELP
    "  --reason TEXT   why, for the audit log\n" TMK_HELP COMMON_HELP "\n"
    "Exit status: 0 rebound; 1 no such terminal or merchant, a retired terminal, a merchant\n"
    "not active, or a failure; 2 bad usage (nothing would change).\n";

static int cmd_rebind(struct cli_env *env, const void *values)
{
	const struct topts *o = values;
	const char *mid = o->mid, *reason = o->reason;
	struct term_cmd c;
	struct hsm_component kek[HSM_PARTS_MAX];
	struct merchant_tmk_form form;
	struct merchant_place place;
	struct merchant_tmk tmk;
	bool given;
	int rc;

	if ((rc = begin(env, o, true, &c)) != CLI_OK)
		return rc;
	if (reason == NULL)
		return cli_usage_error(c.prog, "--reason TEXT is needed");
	if ((rc = tmk_form(&c, o->parts, o->kek, kek, &form)) != CLI_OK ||
	    (rc = place_opts(&c, o->address, o->lat, o->lon, &place, &given)) != CLI_OK)
		goto wipe;
	if (mid == NULL && !given) {
		rc = cli_usage_error(c.prog, "--merchant or --address is needed");
		goto wipe;
	}
	if ((rc = cli_env_open(env)) != CLI_OK)
		goto out;
	rc = merchant_terminal_rebind(env->host.merchant, env->actor, c.tid, mid,
	                              given ? &place : NULL, reason, &form, (int64_t)time(NULL),
	                              &tmk);
	rc = tmk_handed(&c, c.tid, rc, &tmk, "nothing would change");
out:
	crypto_wipe(&tmk, sizeof tmk);
wipe:
	crypto_wipe(kek, sizeof kek);
	return rc;
}

static const char tmk_help[] =
    "TID [--parts 2|3 | --kek COMPONENTS] [--config FILE] [--data DIR] [--json]\n"
    "\n"
    "Hands out a terminal's TMK, once: a terminal registered with --no-activate through the API\n"
    "or rebound there has a TMK that nobody has seen yet. A second time is refused; rebind to\n"
    "re-key.\n"
    "\n"
    "  TID             the terminal (or --tid TID, as before)\n" TMK_HELP COMMON_HELP "\n"
    "Exit status: 0 handed out; 1 no such terminal, handed out already, or a failure; 2 bad\n"
    "usage.\n";

static int cmd_tmk(struct cli_env *env, const void *values)
{
	const struct topts *o = values;
	struct hsm_component kek[HSM_PARTS_MAX];
	struct merchant_tmk_form form;
	struct merchant_tmk tmk;
	struct term_cmd c;
	int rc;

	if ((rc = begin(env, o, true, &c)) != CLI_OK)
		return rc;
	if ((rc = tmk_form(&c, o->parts, o->kek, kek, &form)) != CLI_OK)
		goto wipe;
	if ((rc = cli_env_open(env)) != CLI_OK)
		goto out;
	rc = merchant_terminal_tmk(env->host.merchant, env->actor, c.tid, &form,
	                           (int64_t)time(NULL), &tmk);
	rc = tmk_handed(&c, c.tid, rc, &tmk, NULL);
out:
	crypto_wipe(&tmk, sizeof tmk);
wipe:
	crypto_wipe(kek, sizeof kek);
	return rc;
}

static const char model_help[] =
    "TID M [--config FILE] [--data DIR] [--json]\n"
    "\n"
    "Sets a terminal's model to M (1 to 32 of A-Z a-z 0-9 . _ -): the TMS's parameters set for\n"
    "model M (`possum admin tms param set --model M`) apply to it from then on (docs/tms.md).\n"
    "\n"
    "  TID             the terminal, not retired\n" COMMON_HELP
    "\nExit status: 0 set; 1 no such terminal, a retired one, or a failure; 2 bad usage.\n";

static int cmd_model(struct cli_env *env, const void *values)
{
	const char *model = env->operands[1];
	struct term_cmd c;
	int rc;

	begin(env, values, false, &c);
	c.tid = env->operands[0];
	if (!merchant_model_ok(model))
		return cli_usage_error(c.prog, "M: 1 to 32 of A-Z a-z 0-9 . _ -");
	if ((rc = cli_env_open(env)) != CLI_OK)
		return rc;
	rc = merchant_terminal_model(env->host.merchant, env->actor, c.tid, model,
	                             (int64_t)time(NULL));
	return rc != MERCHANT_OK ? refused(&c, rc) : show(&c);
}

static const char show_help[] =
    "TID [--config FILE] [--data DIR] [--json]\n"
    "\n"
    "Prints a terminal: its binding, place, state, model, version, batch, "
    "TMK check value, dates.\n"
    "\n"
    "  TID             the terminal (or --tid TID, as before)\n" COMMON_HELP
    "\nExit status: 0 shown; 1 no such terminal; 2 bad usage.\n";

static int cmd_show(struct cli_env *env, const void *values)
{
	struct term_cmd c;
	int rc;

	if ((rc = begin(env, values, true, &c)) != CLI_OK)
		return rc;
	if ((rc = cli_env_open(env)) == CLI_OK)
		rc = show(&c);
	return rc;
}

struct listing {
	json_t *items;
	int n;
	int utc_offset; /* of the JSON's times */
};

static int list_one(void *ctx, const struct merchant_terminal *t)
{
	struct listing *l = ctx;

	l->n++;
	if (l->items != NULL)
		json_array_append_new(l->items, http_terminal_json(t, l->utc_offset));
	else
		printf("%-8s  %-15s  %-10s  %-20s  %s\n", t->tid, t->mid,
		       merchant_terminal_state_name(t->state), t->sn,
		       t->place.address[0] != '\0' ? t->place.address : "-");
	return 0;
}

static const char list_help[] =
    "[--merchant MID] [--review-due] [--config FILE] [--data DIR] [--json]\n"
    "\n"
    "Lists the terminals, by TID: TID, MID, state, SN, address.\n"
    "\n"
    "  --merchant MID  of this merchant only\n"
    "  --review-due    only the active terminals whose periodic review is due\n" COMMON_HELP
    "\nExit status: 0 listed; 1 a failure; 2 bad usage.\n";

static int cmd_list(struct cli_env *env, const void *values)
{
	const struct topts *o = values;
	const char *mid = o->mid;
	int due = o->due, rc;
	struct listing l = {0};
	struct term_cmd c;

	begin(env, o, false, &c);
	if (due && mid != NULL)
		return cli_usage_error(c.prog, "--merchant or --review-due, not both");
	if ((rc = cli_env_open(env)) != CLI_OK)
		return rc;
	l.utc_offset = env->host.cfg.utc_offset;
	if (c.json && (l.items = json_array()) == NULL)
		return cli_error(CLI_FAILED, c.prog, "out of memory");
	rc = due ? merchant_terminal_review_due(env->host.merchant, (int64_t)time(NULL), list_one,
	                                        &l)
	         : merchant_terminal_list(env->host.merchant, mid, NULL, 0, list_one, &l);
	if (rc != MERCHANT_OK) {
		json_decref(l.items);
		return refused(&c, rc);
	}
	if (c.json)
		cli_print_json(jsonval_page(l.items, NULL));
	return CLI_OK;
}

static const char status_help[] =
    "TID [--online-minutes N] [--config FILE] [--data DIR] [--json]\n"
    "\n"
    "Prints a terminal's status report: online (seen within N minutes), last seen, last\n"
    "sign-in, last transaction, software version, batch, the reversals it sent (in its open\n"
    "batch, and ever) and the risk events raised about it.\n"
    "\n"
    "  TID                  the terminal (or --tid TID, as before)\n"
    "  --online-minutes N   the window of \"online\" (default 10)\n" COMMON_HELP
    "\nExit status: 0 shown; 1 no such terminal; 2 bad usage.\n";

static int cmd_status(struct cli_env *env, const void *values)
{
	const struct topts *o = values;
	const char *minutes = o->minutes;
	struct merchant_terminal_status s;
	int64_t online = 10;
	char amount[32];
	struct term_cmd c;
	int rc;

	if ((rc = begin(env, o, true, &c)) != CLI_OK)
		return rc;
	if (minutes != NULL &&
	    (rc = cli_int64(c.prog, "online-minutes", minutes, 1, 10080, &online)) != CLI_OK)
		return rc;
	if ((rc = cli_env_open(env)) != CLI_OK)
		return rc;
	if ((rc = merchant_terminal_status(env->host.merchant, c.tid, (int64_t)time(NULL),
	                                   online * 60, &s)) != MERCHANT_OK)
		return refused(&c, rc);
	rc = CLI_OK;
	if (c.json) {
		cli_print_json(http_terminal_status_json(&s, env->host.cfg.utc_offset));
		return rc;
	}
	print_terminal(env, &s.t);
	printf("online       %s\n", s.online ? "yes" : "no");
	cli_print_time(env, "last seen", s.last_seen);
	if (s.last_txn.at != 0) {
		cli_amount_format(s.last_txn.amount, (unsigned)s.last_txn.currency, amount);
		printf("last txn     %s %s rc %s rrn %s\n", s.last_txn.type, amount, s.last_txn.rc,
		       s.last_txn.rrn);
		cli_print_time(env, "  at", s.last_txn.at);
	} else {
		printf("last txn     -\n");
	}
	printf("reversals    %d in its batch, %d in all\nrisk events  %d\n", s.reversals_batch,
	       s.reversals, s.risk_events);
	return rc;
}

#define QR_SCALE 8 /* pixels of a module of the code's image */

static const char qr_help[] =
    "TID [--png FILE] [--config FILE] [--data DIR] [--json]\n"
    "\n"
    "Prints a terminal's static QR code (一机一码), which a cardholder's wallet scans to pay it\n"
    "(`possum admin wallet pay-qr`): its EMVCo merchant-presented payload, naming [qr] guid,\n"
    "the terminal's MID and TID, its merchant's MCC and name (a name not in ASCII in the\n"
    "language template 64) and [qr] city, with its CRC (docs/qr.md). Alone on standard output.\n"
    "\n"
    "  TID             the terminal, not retired (or --tid TID)\n"
    "  --png FILE      also draw the code as a PNG image into FILE (mode 0644, replaced when\n"
    "                  there), and say so on standard error\n"
    "  --config FILE   the config file (default $POSSUM_CONFIG): its [qr] guid and city\n"
    "  --data DIR      the data directory (default $POSSUM_DATA, the config's, else " CLI_DATADIR_DEFAULT
    ")\n"
    "  --json          print {\"tid\",\"mid\",\"payload\",\"png\"} (png: FILE, or null)\n"
    "\n"
    "Exit status: 0 printed; 1 no such terminal, a retired one, a name or [qr] value the code\n"
    "cannot take, the image not written, or a failure; 2 bad usage.\n";

/* payload drawn into file path, mode 0644; *len its bytes. */
static int qr_image(const struct term_cmd *c, const char *payload, const char *path, size_t *len)
{
	uint8_t *png = NULL;
	int rc;

	if ((rc = qr_png(payload, QR_SCALE, &png, len)) != QR_OK)
		return cli_error(CLI_FAILED, c->prog, "the image: %s", qr_strerror(rc));
	rc = file_write_atomic(path, png, *len) != 0 || chmod(path, 0644) != 0
	         ? cli_error(CLI_FAILED, c->prog, "%s: %s", path, strerror(errno))
	         : CLI_OK;
	free(png);
	return rc;
}

static int cmd_qr(struct cli_env *env, const void *values)
{
	const struct topts *o = values;
	char payload[QR_PAYLOAD_MAX];
	struct qr_merchant q;
	struct term_cmd c;
	size_t len = 0;
	int rc;

	if ((rc = begin(env, o, true, &c)) != CLI_OK)
		return rc;
	if (o->png != NULL && o->png[0] == '\0')
		return cli_usage_error(c.prog, "--png: a file name is needed");
	if ((rc = cli_env_open(env)) != CLI_OK)
		return rc;
	rc = merchant_terminal_qr(env->host.merchant, c.tid, env->host.cfg.acquirer.qr_guid,
	                          env->host.cfg.qr_city, payload, sizeof payload);
	if (rc == MERCHANT_ESTATE)
		return cli_error(CLI_FAILED, c.prog, "terminal %s is retired: it has no code",
		                 c.tid);
	if (rc == MERCHANT_EARG)
		return cli_error(CLI_FAILED, c.prog,
		                 "the merchant's name, [qr] guid or [qr] city cannot go in a code");
	if (rc != MERCHANT_OK)
		return refused(&c, rc);
	if (qr_payload_parse(payload, &q) != QR_OK)
		return cli_error(CLI_FAILED, c.prog, "the payload made does not read back");
	if (o->png != NULL && (rc = qr_image(&c, payload, o->png, &len)) != CLI_OK)
		return rc;
	if (c.json)
		cli_print_json(json_pack("{s:s, s:s, s:s, s:o}", "tid", c.tid, "mid", q.mid,
		                         "payload", payload, "png",
		                         o->png != NULL ? json_string(o->png) : json_null()));
	else
		printf("%s\n", payload);
	fflush(stdout);
	if (o->png != NULL)
		cli_error(CLI_OK, c.prog, "the code drawn into %s (PNG, %zu bytes)", o->png, len);
	return CLI_OK;
}

/* In a row: the command acts on one terminal, TID or --tid TID. */
#define ONE_TID CLI_OBJECT("tid", "TID")

static const cli_command terminal_cmds[] = {
    {"add", "register a terminal, make its master key and activate it", .handler = cmd_add,
     .env = CLI_ENV_MERCHANT, .help = add_help,
     CLI_OPTIONS(struct topts, TEXT("merchant", mid), TEXT("sn", sn), TEXT("tid", tid),
                 TEXT("parts", parts), TEXT("kek", kek), TEXT("address", address), TEXT("lat", lat),
                 TEXT("lon", lon), CLI_SET("no-activate", struct topts, no_activate),
                 TEXT("model", model)),
     .common = CLI_DATADIR},
    {"activate", "put a registered terminal in service", .handler = cmd_state,
     .env = CLI_ENV_MERCHANT, .help = activate_help, CLI_OPTS(reason_opts, struct topts),
     .common = CLI_DATADIR, ONE_TID},
    {"suspend", "take an active terminal out of service", .handler = cmd_state,
     .env = CLI_ENV_MERCHANT, .help = suspend_help, CLI_OPTS(reason_opts, struct topts),
     .common = CLI_DATADIR, ONE_TID},
    {"resume", "put a suspended terminal back in service", .handler = cmd_state,
     .env = CLI_ENV_MERCHANT, .help = resume_help, CLI_OPTS(reason_opts, struct topts),
     .common = CLI_DATADIR, ONE_TID},
    {"retire", "retire a terminal, freeing its SN", .handler = cmd_state, .env = CLI_ENV_MERCHANT,
     .help = retire_help, CLI_OPTS(reason_opts, struct topts), .common = CLI_DATADIR, ONE_TID},
    {"rebind", "move a terminal to another merchant or place, and re-key it", .handler = cmd_rebind,
     .env = CLI_ENV_MERCHANT, .help = rebind_help,
     CLI_OPTIONS(struct topts, TEXT("tid", tid), TEXT("merchant", mid), TEXT("reason", reason),
                 TEXT("parts", parts), TEXT("kek", kek), TEXT("address", address), TEXT("lat", lat),
                 TEXT("lon", lon)),
     .common = CLI_DATADIR, ONE_TID},
    {"tmk", "hand out a terminal's master key, once", .handler = cmd_tmk, .env = CLI_ENV_MERCHANT,
     .help = tmk_help,
     CLI_OPTIONS(struct topts, TEXT("tid", tid), TEXT("parts", parts), TEXT("kek", kek)),
     .common = CLI_DATADIR, ONE_TID},
    {"model", "set a terminal's model", .handler = cmd_model, .env = CLI_ENV_MERCHANT,
     .help = model_help, .size = sizeof(struct topts), .common = CLI_DATADIR, .min = 2, .max = 2,
     .wrong = "takes TID M"},
    {"show", "show a terminal", .handler = cmd_show, .env = CLI_ENV_MERCHANT | CLI_ENV_READ,
     .help = show_help, CLI_OPTIONS(struct topts, TEXT("tid", tid)), .common = CLI_DATADIR,
     ONE_TID},
    {"list", "list the terminals", .handler = cmd_list, .env = CLI_ENV_MERCHANT | CLI_ENV_READ,
     .help = list_help,
     CLI_OPTIONS(struct topts, TEXT("merchant", mid), CLI_SET("review-due", struct topts, due)),
     .common = CLI_DATADIR},
    {"status", "a terminal's status report", .handler = cmd_status,
     .env = CLI_ENV_MERCHANT | CLI_ENV_READ, .help = status_help,
     CLI_OPTIONS(struct topts, TEXT("tid", tid), TEXT("online-minutes", minutes)),
     .common = CLI_DATADIR, ONE_TID},
    {"reviewed", "record a terminal's periodic review done", .handler = cmd_reviewed,
     .env = CLI_ENV_MERCHANT, .help = reviewed_help, CLI_OPTS(reason_opts, struct topts),
     .common = CLI_DATADIR, ONE_TID},
    {"qr", "print a terminal's static QR code, and draw it", .handler = cmd_qr,
     .env = CLI_ENV_MERCHANT | CLI_ENV_READ, .help = qr_help,
     CLI_OPTIONS(struct topts, TEXT("tid", tid), TEXT("png", png)), .common = CLI_DATADIR, ONE_TID},
};

const cli_group cli_admin_terminal_group = {"possum admin terminal",
                                            "The merchants' terminals: one terminal, one code.",
                                            CLI_TABLE(terminal_cmds)};
