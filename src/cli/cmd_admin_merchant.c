/* cmd_admin_merchant.c — `possum admin merchant` and `possum admin review`: a merchant's
 * onboarding by an operator (docs/architecture.md flow 1) — the application, its documents, the
 * steps from review to an active merchant with its MID and certificate, suspension and closing, the
 * fee plan, limits and permitted types, the periodic reviews — and `merchant add`, the whole
 * road in one go for demos and tests. Every change is made as "cli:$USER". */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <jansson.h>

#include "cli/cli.h"
#include "http/http.h"
#include "common/jsonval.h"
#include "common/text.h"

#define COMMON_HELP                                                                                          \
	"  --config FILE  the config file (default $POSSUM_CONFIG)\n"                                        \
	"  --data DIR     the data directory (default $POSSUM_DATA, the config's, else " CLI_DATADIR_DEFAULT \
	")\n"

#define CNY 156

/* Every option of a merchant command; each row's table names those it takes. */
struct mopts {
	struct merchant_application a; /* apply and add */
	const char *mid, *reason, *state, *type, *file, *name, *override;
	const char *credit, *debit, *cap, *qr, *daily, *per_txn, *types;
};

#define TEXT(name, member) CLI_TEXT(name, struct mopts, member)

/* Prints why rc refused what prog did to merchant i (NULL: before it was found) and returns
 * the exit code. */
static int refused(const char *prog, struct cli_env *env, const struct merchant_info *i, int rc)
{
	char next[96];

	switch (rc) {
	case MERCHANT_ESTATE:
		merchant_steps_allowed(i->app.state, next, sizeof next);
		return cli_error(CLI_FAILED, prog, "merchant %lld is %s: allowed next: %s",
		                 (long long)i->app.id, merchant_state_name(i->app.state), next);
	case MERCHANT_ENOTFOUND:
		return cli_error(CLI_FAILED, prog, "no such merchant");
	case MERCHANT_EEXIST:
		return cli_error(CLI_FAILED, prog,
		                 "already taken (a MID in use, or the same file)");
	default:
		return cli_merchant_failed(env, rc);
	}
}

/* The merchant ref names (a MID or an application's number). */
static int find(const char *prog, struct cli_env *env, const char *ref, struct merchant_info *out)
{
	int rc = merchant_get(env->host.merchant, ref, out);

	if (rc == MERCHANT_EARG)
		return cli_usage_error(prog, "'%s' is neither a MID nor an application number",
		                       ref);
	return rc == MERCHANT_OK ? CLI_OK : refused(prog, env, NULL, rc);
}

/* Reads a rate such as "0.60" (percent, two decimals at most) as basis points. */
static int rate(const char *prog, const char *name, const char *text, int *out)
{
	int64_t bp;
	int rc;

	/* A percentage with two decimals is read as an amount of a currency with two. */
	if ((rc = cli_amount(prog, name, text, CNY, &bp)) != CLI_OK)
		return rc;
	if (bp > MERCHANT_BP_MAX)
		return cli_usage_error(prog, "--%s: at most 100.00 (percent)", name);
	*out = (int)bp;
	return CLI_OK;
}

static void print_rate(const char *label, int bp)
{
	printf("%s %d.%02d%%", label, bp / 100, bp % 100);
}

static void print_amount(int64_t v, unsigned currency)
{
	char text[32];

	if (v == 0) {
		fputs("none", stdout);
		return;
	}
	cli_amount_format(v, currency, text);
	fputs(text, stdout);
}

/* A step of a merchant's history as a line, its time local (ctx: the cli_env). */
static int history_print(void *ctx, const struct store_merchant_step *h)
{
	char at[TEXT_TIME_LEN];

	cli_time(ctx, h->at, at);
	printf("  %s  %-14s %s  %s\n", at, merchant_state_name(h->to), h->actor, h->reason);
	return 0;
}

static int doc_print(void *ctx, const struct store_merchant_doc *d)
{
	(void)ctx;
	printf("  %-9s %s  %s, %lld bytes, sha256 %s\n", d->type, d->name, d->content_type,
	       (long long)d->size, d->sha256);
	return 0;
}

/* Prints merchant i, with its history and documents when full. */
static int print_merchant(struct cli_env *env, const struct merchant_info *i, bool json, bool full)
{
	const struct store_merchant_app *a = &i->app;

	if (json) {
		json_t *o = NULL;

		if (!full)
			o = merchant_json(i, false, env->host.cfg.utc_offset);
		else if (merchant_full_json(env->host.merchant, i, env->host.cfg.utc_offset, &o) !=
		         MERCHANT_OK)
			return cli_error(CLI_FAILED, env->prog,
			                 "cannot read the merchant's history");
		cli_print_json(o);
		return CLI_OK;
	}
	printf("id           %lld\nmid          %s\nstate        %s\nlegal name   %s\n"
	       "licence      %s\ntax number   %s\nrepresentative %s, ID %s\naddress      %s\n"
	       "mcc          %s\nphone        %s\n",
	       (long long)a->id, a->mid[0] != '\0' ? a->mid : "-", merchant_state_name(a->state),
	       a->legal_name, a->licence, a->tax_number, a->rep_name, a->rep_id_masked, a->address,
	       a->mcc, a->phone);
	print_rate("fees        ", a->fee_credit_bp);
	print_rate(" credit,", a->fee_debit_bp);
	printf(" debit (cap ");
	print_amount(a->fee_debit_cap, CNY);
	print_rate("),", a->fee_qr_bp);
	printf(" QR\nlimits       daily ");
	print_amount(a->limit_daily, (unsigned)a->limit_currency);
	printf(", per transaction ");
	print_amount(a->limit_txn, (unsigned)a->limit_currency);
	printf("\ntypes       ");
	{
		json_t *o = merchant_json(i, false, 0);
		size_t k;
		json_t *v;

		json_array_foreach(json_object_get(json_object_get(o, "limits"), "types"), k, v)
		    printf(" %s", json_string_value(v));
		json_decref(o);
	}
	printf("\ncertificate  %s\n", i->cert.number[0] != '\0' ? i->cert.number : "-");
	if (i->cert.number[0] != '\0')
		cli_print_time(env, "valid until", i->cert.valid_until);
	cli_print_time(env, "next review", a->next_review);
	if (full) {
		printf("history\n");
		merchant_history(env->host.merchant, a->id, history_print, env);
		printf("documents\n");
		merchant_documents(env->host.merchant, a->id, doc_print, NULL);
	}
	return CLI_OK;
}

/* ---- apply, and add: the whole road at once ---- */

static const char apply_help[] =
    "--legal-name NAME --licence NO --tax-number NO --rep-name NAME --rep-id ID\n"
    "       --address TEXT --mcc MCC --phone PHONE [--config FILE] [--data DIR] [--json]\n"
    "\n"
    "Files a merchant's application (state applied) and prints its number, by which the\n"
    "steps, documents, fees and limits name it until it has a MID. The representative's ID\n"
    "number is kept encrypted and shown masked.\n"
    "\n"
    "  --legal-name NAME  the legal name (1 to 128 bytes); --name NAME, as add's, too\n"
    "  --licence NO       the business licence number\n"
    "  --tax-number NO    the tax registration number\n"
    "  --rep-name NAME    the legal representative's name\n"
    "  --rep-id ID        the legal representative's ID number\n"
    "  --address TEXT     the registered address\n"
    "  --mcc MCC          the merchant category code, 4 digits\n"
    "  --phone PHONE      the contact phone, 5 to 20 digits\n" COMMON_HELP
    "  --json             print the application as JSON\n"
    "\n"
    "Exit status: 0 filed; 1 a failure; 2 bad usage.\n";

static const char add_help[] =
    "--name NAME --mcc MCC [--mid MID] [apply's options] [--config FILE] [--data DIR]\n"
    "       [--json]\n"
    "\n"
    "Registers a merchant in one go, for demos and tests: files its application and takes it\n"
    "through review, device test, agreement and activation, then prints its merchant id\n"
    "(MID). Particulars not given are recorded as '-' (the phone as 00000).\n"
    "\n"
    "  --name NAME    the merchant's legal name (1 to 128 bytes, UTF-8)\n"
    "  --mcc MCC      its merchant category code, 4 digits\n"
    "  --mid MID      its MID, 15 letters and digits; default the next of the configured\n"
    "                 acquirer code, area and this MCC\n"
    "  apply's options --licence, --tax-number, --rep-name, --rep-id, --address, --phone\n"
    "                 (--legal-name is --name) as `possum admin merchant apply` reads them\n" COMMON_HELP
    "  --json         print {\"mid\":…,\"name\":…,\"mcc\":…}\n"
    "\n"
    "Exit status: 0 registered; 1 the MID is taken, or a failure; 2 bad usage.\n";

/* add's checks of --name, --mcc and --mid, and '-' (the phone 00000) for what is not given. */
static int add_defaults(const char *prog, struct merchant_application *a, const char *mid)
{
	const char **unset[] = {&a->licence, &a->tax_number, &a->rep_name, &a->rep_id, &a->address};

	if (a->legal_name == NULL || a->legal_name[0] == '\0' ||
	    strlen(a->legal_name) > MERCHANT_NAME_MAX)
		return cli_usage_error(prog, "--name: 1 to 128 bytes needed");
	if (a->mcc == NULL || strlen(a->mcc) != 4 || strspn(a->mcc, "0123456789") != 4)
		return cli_usage_error(prog, "--mcc: 4 digits needed");
	if (mid != NULL && (strlen(mid) != 15 || strspn(mid, "0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZ"
	                                                     "abcdefghijklmnopqrstuvwxyz") != 15))
		return cli_usage_error(prog, "--mid: 15 letters and digits");
	for (size_t k = 0; k < sizeof unset / sizeof unset[0]; k++)
		if (*unset[k] == NULL)
			*unset[k] = "-";
	if (a->phone == NULL)
		a->phone = "00000";
	return CLI_OK;
}

#define APPLY_OPTS                                                                                 \
	TEXT("legal-name", a.legal_name), TEXT("name", a.legal_name), TEXT("licence", a.licence),  \
	    TEXT("tax-number", a.tax_number), TEXT("rep-name", a.rep_name),                        \
	    TEXT("rep-id", a.rep_id), TEXT("address", a.address), TEXT("mcc", a.mcc),              \
	    TEXT("phone", a.phone)

/* apply, or add: the row's name says which. */
static int apply_or_add(struct cli_env *env, const void *values)
{
	bool add = strcmp(env->row->name, "add") == 0;
	const char *prog = env->prog, *mid = ((const struct mopts *)values)->mid, *field;
	struct merchant_application a = ((const struct mopts *)values)->a;
	int json = env->json, rc;
	static const enum merchant_step road[] = {MERCHANT_STEP_REVIEW, MERCHANT_STEP_TEST,
	                                          MERCHANT_STEP_AGREE, MERCHANT_STEP_ACTIVATE};
	struct merchant_info i = {0};
	int64_t id;

	if (add && (rc = add_defaults(prog, &a, mid)) != CLI_OK)
		return rc;
	if ((field = merchant_application_check(&a)) != NULL)
		return cli_usage_error(prog, "%s: missing or not valid (see --help)", field);
	if ((rc = cli_env_open(env)) != CLI_OK)
		return rc;
	if ((rc = merchant_apply(env->host.merchant, &a, env->actor, (int64_t)time(NULL), &id)) !=
	    MERCHANT_OK)
		return refused(prog, env, NULL, rc);
	/* The whole road at once, for demos and tests: no device certificate asked at agree. */
	for (size_t k = 0; add && k < sizeof road / sizeof road[0]; k++)
		if ((rc = merchant_step_with(
		         env->host.merchant, id, road[k], "registered in one go (merchant add)",
		         env->actor, (int64_t)time(NULL),
		         &(struct merchant_step_args){
		             .mid = road[k] == MERCHANT_STEP_TEST ? mid : NULL, .whole_road = true},
		         &i)) != MERCHANT_OK)
			return rc == MERCHANT_EEXIST
			           ? cli_error(CLI_FAILED, prog, "merchant %lld: that MID is taken",
			                       (long long)id)
			           : refused(prog, env, &i, rc);
	if (add && json) {
		cli_print_json(json_pack("{s:s, s:s, s:s}", "mid", i.app.mid, "name", a.legal_name,
		                         "mcc", a.mcc));
	} else if (add) {
		printf("mid   %s\nname  %s\nmcc   %s\n", i.app.mid, a.legal_name, a.mcc);
	} else if (json) {
		char ref[24];

		snprintf(ref, sizeof ref, "%lld", (long long)id);
		if ((rc = find(prog, env, ref, &i)) != CLI_OK)
			return rc;
		print_merchant(env, &i, true, false);
	} else {
		printf("application %lld  applied\n", (long long)id);
	}
	return CLI_OK;
}

/* ---- step ---- */

static const char step_help[] =
    "REF STEP --reason TEXT [--mid MID]\n"
    "       [--override-certification REASON] [--config FILE] [--data DIR] [--json]\n"
    "\n"
    "Takes merchant REF (its MID, or its application's number) one step, recording who, when\n"
    "and why:\n"
    "  review    applied -> reviewing\n"
    "  test      reviewing -> device_testing: assigns the MID; its terminals may be\n"
    "            registered and keyed from then on, and serve once it is active\n"
    "  agree     device_testing -> agreement: each of its terminals registered with a model\n"
    "            needs a device certificate in force for that model and the version it\n"
    "            reported (any version before it reports one: docs/certify.md)\n"
    "  activate  agreement -> active: issues the certificate (and assigns the MID if it has\n"
    "            none yet); its terminals are then activated one by one (terminal activate)\n"
    "  suspend   active -> suspended: the acquirer refuses its terminals' transactions\n"
    "  resume    suspended -> active\n"
    "  close     any state -> closed, for good\n"
    "A step out of order is refused with the steps its state allows.\n"
    "\n"
    "  --reason TEXT  why (one line, 1 to 256 bytes)\n"
    "  --mid MID      test (or activate, for a merchant without one): the MID to give, 15\n"
    "                 letters and digits; default the next of the configured acquirer code,\n"
    "                 area and its MCC\n"
    "  --override-certification REASON\n"
    "                 agree only: go on though a terminal's model and version have no\n"
    "                 certificate, for REASON (one line), recorded in the audit log\n"
    "                 (merchant.certification_override) with the terminals let through\n" COMMON_HELP
    "  --json         print the merchant as JSON\n"
    "\n"
    "Exit status: 0 done; 1 not allowed in its state, a terminal not certified, no such\n"
    "merchant, the MID taken, or a failure; 2 bad usage (a --mid other than the MID it has).\n";

static int merchant_step_cmd(struct cli_env *env, const void *values)
{
	const struct mopts *o = values;
	const char *prog = env->prog, *ref = env->operands[0], *name = env->operands[1];
	enum merchant_step step;
	struct merchant_info i, after;
	struct merchant_step_args args = {.mid = o->mid, .override_certification = o->override};
	bool with_mid;
	int rc;

	if (merchant_step_parse(name, &step) != MERCHANT_OK)
		return cli_usage_error(prog,
		                       "no step '%s' (review, test, agree, activate, suspend, "
		                       "resume, close)",
		                       name);
	if (!text_is_line(o->reason, MERCHANT_TEXT_MAX))
		return cli_usage_error(prog, "--reason: one line of 1 to 256 bytes needed");
	if (o->mid != NULL && step != MERCHANT_STEP_TEST && step != MERCHANT_STEP_ACTIVATE)
		return cli_usage_error(prog, "--mid goes with test (or activate) only");
	if (o->override != NULL && step != MERCHANT_STEP_AGREE)
		return cli_usage_error(prog, "--override-certification goes with agree only");
	if (o->override != NULL && !text_is_line(o->override, MERCHANT_TEXT_MAX))
		return cli_usage_error(
		    prog, "--override-certification: one line of 1 to 256 bytes needed");
	if ((rc = cli_env_open(env)) != CLI_OK)
		return rc;
	if ((rc = find(prog, env, ref, &i)) != CLI_OK)
		return rc;
	if (o->mid != NULL && i.app.mid[0] != '\0' && strcmp(o->mid, i.app.mid) != 0)
		return cli_usage_error(prog, "--mid: merchant %lld has its MID already, %s",
		                       (long long)i.app.id, i.app.mid);
	if ((rc = merchant_step_with(env->host.merchant, i.app.id, step, o->reason, env->actor,
	                             (int64_t)time(NULL), &args, &after)) == MERCHANT_ECERTIFY)
		return cli_error(
		    CLI_FAILED, prog,
		    "merchant %lld: %s: certify it (possum certify run), or agree with "
		    "--override-certification REASON",
		    (long long)i.app.id, args.why);
	if (rc != MERCHANT_OK)
		return refused(prog, env, &i, rc);
	/* The steps that may give the MID show it. */
	with_mid = (step == MERCHANT_STEP_TEST || step == MERCHANT_STEP_ACTIVATE) &&
	           after.app.mid[0] != '\0';
	if (env->json)
		print_merchant(env, &after, true, false);
	else
		printf("merchant %lld  %s -> %s%s%s\n", (long long)i.app.id,
		       merchant_state_name(i.app.state), merchant_state_name(after.app.state),
		       with_mid ? "  mid " : "", with_mid ? after.app.mid : "");
	return CLI_OK;
}

/* ---- show, list ---- */

static const char show_help[] = "REF [--config FILE] [--data DIR] [--json]\n"
                                "\n"
                                "Shows merchant REF (its MID, or its application's number): "
                                "its particulars (the\n"
                                "representative's ID masked), fee plan, limits, certificate, "
                                "next review, the history\n"
                                "of its states and its documents.\n"
                                "\n" COMMON_HELP "  --json         print JSON\n"
                                "\n"
                                "Exit status: 0 shown; 1 no such merchant; 2 bad usage.\n";

static int merchant_show(struct cli_env *env, const void *values)
{
	struct merchant_info i;
	int rc;

	(void)values; /* it has no options of its own */
	if ((rc = cli_env_open(env)) != CLI_OK)
		return rc;
	if ((rc = find(env->prog, env, env->operands[0], &i)) == CLI_OK)
		rc = print_merchant(env, &i, env->json, true);
	return rc;
}

struct listing {
	json_t *items; /* NULL: print lines */
	size_t n;
	int utc_offset; /* of the JSON's times */
};

static int list_one(void *ctx, const struct merchant_info *i)
{
	struct listing *l = ctx;
	char due[TEXT_TIME_LEN];

	l->n++;
	if (l->items != NULL)
		return json_array_append_new(l->items, merchant_json(i, false, l->utc_offset)) != 0;
	text_local(i->app.next_review, l->utc_offset, due);
	printf("%-6lld %-15s %-14s %s  %s%s%s\n", (long long)i->app.id,
	       i->app.mid[0] != '\0' ? i->app.mid : "-", merchant_state_name(i->app.state),
	       i->app.mcc, i->app.legal_name, i->app.next_review != 0 ? "  review " : "",
	       i->app.next_review != 0 ? due : "");
	return 0;
}

/* Lists f's merchants as JSON {"items":[…]} or lines. */
static int list_print(const char *prog, struct cli_env *env,
                      const struct store_merchant_app_filter *f, bool json)
{
	struct listing l = {json ? json_array() : NULL, 0, env->host.cfg.utc_offset};
	int rc = merchant_list(env->host.merchant, f, list_one, &l);

	if (rc != MERCHANT_OK) {
		json_decref(l.items);
		return refused(prog, env, NULL, rc);
	}
	if (json)
		cli_print_json(jsonval_page(l.items, NULL));
	else if (l.n == 0)
		printf("none\n");
	return CLI_OK;
}

static const char list_help[] =
    "[--state STATE] [--config FILE] [--data DIR] [--json]\n"
    "\n"
    "Lists merchants and applications: number, MID, state, MCC, legal name, next review.\n"
    "\n"
    "  --state STATE  only those in STATE (applied, reviewing, device_testing, agreement,\n"
    "                 active, suspended, closed)\n" COMMON_HELP
    "  --json         print {\"items\":[…]}\n"
    "\n"
    "Exit status: 0 listed; 1 a failure; 2 bad usage.\n";

static int merchant_list_cmd(struct cli_env *env, const void *values)
{
	const char *prog = env->prog, *state = ((const struct mopts *)values)->state;
	struct store_merchant_app_filter f = {0};
	int rc;

	for (int k = MERCHANT_APPLIED; state != NULL && k <= MERCHANT_CLOSED; k++)
		if (strcmp(state, merchant_state_name(k)) == 0)
			f.state = k;
	if (state != NULL && f.state == 0)
		return cli_usage_error(prog, "--state: no state '%s'", state);
	if ((rc = cli_env_open(env)) != CLI_OK)
		return rc;
	return list_print(prog, env, &f, env->json);
}

/* ---- documents ---- */

static const char document_add_help[] =
    "REF --type TYPE --file PATH [--name NAME] [--config FILE] [--data DIR] [--json]\n"
    "\n"
    "Adds a document to merchant REF's file: a PDF, JPEG or PNG (known by its first bytes)\n"
    "of at most [merchant] document_max bytes, kept in the documents directory under its\n"
    "SHA-256.\n"
    "\n"
    "  --type TYPE  licence, tax, id_front, id_back, agreement or other\n"
    "  --file PATH  the file\n"
    "  --name NAME  its name in the file (default PATH's last part)\n" COMMON_HELP
    "  --json       print the document as JSON\n"
    "\n"
    "Exit status: 0 added; 1 no such merchant, closed, the same file there already, or a\n"
    "failure; 2 bad usage, a type, size or content not accepted.\n";

static int document_add(struct cli_env *env, const void *values)
{
	const struct mopts *o = values;
	const char *prog = env->prog, *type = o->type, *file = o->file, *name = o->name;
	struct store_merchant_doc d;
	struct merchant_info i;
	char *bytes = NULL;
	size_t len = 0;
	FILE *fp;
	int rc;

	if (type == NULL || file == NULL)
		return cli_usage_error(prog, "--type and --file are needed");
	if (name == NULL)
		name = strrchr(file, '/') != NULL ? strrchr(file, '/') + 1 : file;
	if ((fp = fopen(file, "rb")) == NULL)
		return cli_error(CLI_USAGE, prog, "%s: cannot be read", file);
	rc = cli_read_all(fp, &bytes, &len);
	fclose(fp);
	if (rc != 0)
		return cli_error(CLI_USAGE, prog, "%s: cannot be read", file);
	if ((rc = cli_env_open(env)) != CLI_OK)
		goto out;
	if ((rc = find(prog, env, env->operands[0], &i)) != CLI_OK)
		goto out;
	if ((rc = merchant_document_add(env->host.merchant, i.app.id, type, name,
	                                (const uint8_t *)bytes, len, env->actor,
	                                (int64_t)time(NULL), &d)) != MERCHANT_OK) {
		rc = rc == MERCHANT_EARG
		         ? cli_usage_error(prog,
		                           "a type of licence, tax, id_front, id_back, "
		                           "agreement or other; a PDF, JPEG or PNG of 1 to "
		                           "%lld bytes; a name of one line",
		                           (long long)env->host.cfg.merchant.document_max)
		         : refused(prog, env, &i, rc);
		goto out;
	}
	if (env->json) {
		cli_print_json(merchant_doc_json(&d, env->host.cfg.utc_offset));
	} else {
		printf("document %lld  %s  sha256 %s\n", (long long)d.id, d.content_type, d.sha256);
	}
	rc = CLI_OK;
out:
	free(bytes);
	return rc;
}

/* The one operand of most merchant commands: the merchant. */
#define ONE_REF CLI_ONE("REF is needed")

static const cli_command merchant_document_cmds[] = {
    {"add", "add a document (PDF, JPEG, PNG) to a merchant's file", .handler = document_add,
     .env = CLI_ENV_MERCHANT, .help = document_add_help,
     CLI_OPTIONS(struct mopts, TEXT("type", type), TEXT("file", file), TEXT("name", name)),
     .common = CLI_DATADIR, ONE_REF},
};

static const cli_group merchant_document_group = {
    "possum admin merchant document", "A merchant's documents.", CLI_TABLE(merchant_document_cmds)};

/* ---- fees, limits, reviewed ---- */

static const char fees_help[] =
    "REF [--credit PCT] [--debit PCT] [--debit-cap AMOUNT] [--qr PCT] [--config FILE]\n"
    "       [--data DIR] [--json]\n"
    "\n"
    "Sets merchant REF's fee plan; what is not given stays as it is. New merchants get the\n"
    "[merchant] defaults (credit 0.60%, debit 0.55% capped at CNY 20.00, QR 0.48%).\n"
    "\n"
    "  --credit PCT        the rate on credit cards, in percent: 0.60\n"
    "  --debit PCT         the rate on debit cards\n"
    "  --debit-cap AMOUNT  the most a debit card's fee may be, CNY: 20.00 (0: no cap)\n"
    "  --qr PCT            the rate on QR-code payments\n" COMMON_HELP
    "  --json              print the merchant as JSON\n"
    "\n"
    "Exit status: 0 set; 1 no such merchant, closed, or a failure; 2 bad usage.\n";

static const char limits_help[] =
    "REF [--daily AMOUNT] [--per-txn AMOUNT] [--types LIST] [--config FILE] [--data DIR]\n"
    "       [--json]\n"
    "\n"
    "Sets merchant REF's limits and permitted transaction types; what is not given stays as\n"
    "it is.\n"
    "\n"
    "  --daily AMOUNT    the most its payments may total in a day, CNY (0: none)\n"
    "  --per-txn AMOUNT  the most one payment may be, CNY (0: none)\n"
    "  --types LIST      the types permitted, by commas: purchase, void, refund, preauth,\n"
    "                    balance, cardauth\n" COMMON_HELP
    "  --json            print the merchant as JSON\n"
    "\n"
    "Exit status: 0 set; 1 no such merchant, closed, or a failure; 2 bad usage.\n";

static int parse_types(const char *prog, const char *text, unsigned *out)
{
	char copy[128], *save = NULL;

	if (strlen(text) >= sizeof copy)
		return cli_usage_error(prog, "--types: too long");
	snprintf(copy, sizeof copy, "%s", text);
	*out = 0;
	for (char *t = strtok_r(copy, ",", &save); t != NULL; t = strtok_r(NULL, ",", &save)) {
		unsigned bit;

		if (merchant_type_parse(t, &bit) != MERCHANT_OK)
			return cli_usage_error(prog, "--types: no type '%s'", t);
		*out |= bit;
	}
	return *out != 0 ? CLI_OK : cli_usage_error(prog, "--types: at least one type");
}

/* fees, or limits: the row's name says which. */
static int fees_or_limits(struct cli_env *env, const void *values)
{
	bool limits = strcmp(env->row->name, "limits") == 0;
	const struct mopts *o = values;
	const char *prog = env->prog, *credit = o->credit, *debit = o->debit, *cap = o->cap,
	           *qr = o->qr, *daily = o->daily, *per_txn = o->per_txn, *types = o->types;
	struct merchant_info i;
	struct merchant_fees f;
	struct merchant_limits l;
	int rc;

	if ((rc = cli_env_open(env)) != CLI_OK)
		return rc;
	if ((rc = find(prog, env, env->operands[0], &i)) != CLI_OK)
		return rc;
	f = (struct merchant_fees){i.app.fee_credit_bp, i.app.fee_debit_bp, i.app.fee_qr_bp,
	                           i.app.fee_debit_cap};
	l = (struct merchant_limits){i.app.limit_daily, i.app.limit_txn,
	                             (unsigned)i.app.limit_currency, i.app.types};
	if ((credit != NULL && (rc = rate(prog, "credit", credit, &f.credit_bp)) != CLI_OK) ||
	    (debit != NULL && (rc = rate(prog, "debit", debit, &f.debit_bp)) != CLI_OK) ||
	    (qr != NULL && (rc = rate(prog, "qr", qr, &f.qr_bp)) != CLI_OK) ||
	    (cap != NULL &&
	     (rc = cli_amount(prog, "debit-cap", cap, CNY, &f.debit_cap)) != CLI_OK) ||
	    (daily != NULL &&
	     (rc = cli_amount(prog, "daily", daily, l.currency, &l.daily)) != CLI_OK) ||
	    (per_txn != NULL &&
	     (rc = cli_amount(prog, "per-txn", per_txn, l.currency, &l.per_txn)) != CLI_OK) ||
	    (types != NULL && (rc = parse_types(prog, types, &l.types)) != CLI_OK))
		return rc;
	rc = limits ? merchant_limits_set(env->host.merchant, i.app.id, &l, env->actor,
	                                  (int64_t)time(NULL))
	            : merchant_fees_set(env->host.merchant, i.app.id, &f, env->actor,
	                                (int64_t)time(NULL));
	if (rc == MERCHANT_EARG && limits)
		return cli_usage_error(prog, "the per-transaction limit exceeds the daily one");
	if (rc != MERCHANT_OK || (rc = find(prog, env, env->operands[0], &i)) != CLI_OK)
		return rc < 0 ? refused(prog, env, &i, rc) : rc;
	return print_merchant(env, &i, env->json, false);
}

static const char reviewed_help[] =
    "REF --reason TEXT [--config FILE] [--data DIR] [--json]\n"
    "\n"
    "Records the periodic review of active merchant REF done; its next review is then\n"
    "[merchant] review_days away.\n"
    "\n"
    "  --reason TEXT  what was checked (one line, 1 to 256 bytes)\n" COMMON_HELP
    "  --json         print the merchant as `show --json` does, its next review moved\n"
    "\n"
    "Exit status: 0 recorded; 1 no such merchant, not active, or a failure; 2 bad usage.\n";

static int merchant_reviewed_cmd(struct cli_env *env, const void *values)
{
	const char *prog = env->prog, *reason = ((const struct mopts *)values)->reason;
	struct merchant_info i;
	int rc;

	if (!text_is_line(reason, MERCHANT_TEXT_MAX))
		return cli_usage_error(prog, "--reason: one line of 1 to 256 bytes needed");
	if ((rc = cli_env_open(env)) != CLI_OK)
		return rc;
	if ((rc = find(prog, env, env->operands[0], &i)) == CLI_OK) {
		if ((rc = merchant_reviewed(env->host.merchant, i.app.id, reason, env->actor,
		                            (int64_t)time(NULL))) != MERCHANT_OK)
			rc = rc == MERCHANT_ESTATE
			         ? cli_error(CLI_FAILED, prog, "merchant %lld is %s, not active",
			                     (long long)i.app.id, merchant_state_name(i.app.state))
			         : refused(prog, env, &i, rc);
		else if (env->json && (rc = find(prog, env, env->operands[0], &i)) == CLI_OK)
			rc = print_merchant(env, &i, true, true);
		else if (!env->json)
			printf("merchant %lld  reviewed\n", (long long)i.app.id);
	}
	return rc;
}

static const char rename_help[] =
    "REF --name NAME [--config FILE] [--data DIR] [--json]\n"
    "\n"
    "Renames merchant REF: its legal name and, once it has a MID, the name the acquirer sends\n"
    "and prints on the slips. Its terminals' parameters are marked pending (merchant_name_zh\n"
    "defaults to the name: docs/tms.md \"Downloads\"), so that each downloads the new name.\n"
    "\n"
    "  --name NAME  the new name (one line, 1 to 128 bytes, UTF-8)\n" COMMON_HELP
    "  --json       print the merchant as `show --json` does\n"
    "\n"
    "Exit status: 0 renamed; 1 no such merchant, closed, or a failure; 2 bad usage.\n";

static int merchant_rename_cmd(struct cli_env *env, const void *values)
{
	const char *prog = env->prog, *name = ((const struct mopts *)values)->name;
	struct merchant_info i;
	int rc;

	if (name == NULL || !text_is_line(name, MERCHANT_NAME_MAX))
		return cli_usage_error(prog, "--name: one line of 1 to 128 bytes needed");
	if ((rc = cli_env_open(env)) != CLI_OK ||
	    (rc = find(prog, env, env->operands[0], &i)) != CLI_OK)
		return rc;
	if ((rc = merchant_rename(env->host.merchant, i.app.id, name, env->actor,
	                          (int64_t)time(NULL))) != MERCHANT_OK)
		return refused(prog, env, &i, rc);
	if ((rc = find(prog, env, env->operands[0], &i)) != CLI_OK)
		return rc;
	return print_merchant(env, &i, env->json, false);
}

extern const cli_command cli_admin_merchant_balance_row; /* cmd_admin_txn.c */

static const cli_command merchant_cmds[] = {
    {"add", "register a merchant in one go (apply, every step, activate)", .handler = apply_or_add,
     .env = CLI_ENV_MERCHANT, .help = add_help,
     CLI_OPTIONS(struct mopts, APPLY_OPTS, TEXT("mid", mid)), .common = CLI_DATADIR},
    {"apply", "file a merchant's application", .handler = apply_or_add, .env = CLI_ENV_MERCHANT,
     .help = apply_help, CLI_OPTIONS(struct mopts, APPLY_OPTS), .common = CLI_DATADIR},
    {"step", "review, test, agree, activate, suspend, resume or close",
     .handler = merchant_step_cmd, .env = CLI_ENV_MERCHANT, .help = step_help,
     CLI_OPTIONS(struct mopts, TEXT("reason", reason), TEXT("mid", mid),
                 TEXT("override-certification", override)),
     .common = CLI_DATADIR, .min = 2, .max = 2, .wrong = "REF and STEP are needed"},
    {"show", "a merchant: particulars, fees, limits, history, documents", .handler = merchant_show,
     .env = CLI_ENV_MERCHANT | CLI_ENV_READ, .help = show_help, .common = CLI_DATADIR, ONE_REF},
    {"list", "merchants and applications", .handler = merchant_list_cmd,
     .env = CLI_ENV_MERCHANT | CLI_ENV_READ, .help = list_help,
     CLI_OPTIONS(struct mopts, TEXT("state", state)), .common = CLI_DATADIR},
    {"document", "a merchant's documents: add", .group = &merchant_document_group},
    {"fees", "set a merchant's fee plan", .handler = fees_or_limits, .env = CLI_ENV_MERCHANT,
     .help = fees_help,
     CLI_OPTIONS(struct mopts, TEXT("credit", credit), TEXT("debit", debit), TEXT("debit-cap", cap),
                 TEXT("qr", qr)),
     .common = CLI_DATADIR, ONE_REF},
    {"limits", "set a merchant's limits and permitted types", .handler = fees_or_limits,
     .env = CLI_ENV_MERCHANT, .help = limits_help,
     CLI_OPTIONS(struct mopts, TEXT("daily", daily), TEXT("per-txn", per_txn),
                 TEXT("types", types)),
     .common = CLI_DATADIR, ONE_REF},
    {"rename", "change a merchant's name (its terminals download it)",
     .handler = merchant_rename_cmd, .env = CLI_ENV_MERCHANT, .help = rename_help,
     CLI_OPTIONS(struct mopts, TEXT("name", name)), .common = CLI_DATADIR, ONE_REF},
    {"reviewed", "record a merchant's periodic review done", .handler = merchant_reviewed_cmd,
     .env = CLI_ENV_MERCHANT, .help = reviewed_help,
     CLI_OPTIONS(struct mopts, TEXT("reason", reason)), .common = CLI_DATADIR, ONE_REF},
    {"balance", "what a merchant's payments hold, per currency (as the API's balance)",
     .row = &cli_admin_merchant_balance_row},
};

const cli_group cli_admin_merchant_group = {
    "possum admin merchant", "The acquirer's merchants: onboarding.", CLI_TABLE(merchant_cmds)};

/* ---- review due ---- */

static const char due_help[] =
    "[--config FILE] [--data DIR] [--json]\n"
    "\n"
    "Lists the active merchants and the active terminals whose periodic review is due: a\n"
    "merchant by number, MID, state, MCC, name and due date; a terminal by TID, MID, SN and due\n"
    "date. `possum admin merchant reviewed` records a merchant's review.\n"
    "\n" COMMON_HELP "  --json         print {\"merchants\":[…],\"terminals\":[…]}\n"
    "\n"
    "Exit status: 0 listed; 1 a failure; 2 bad usage.\n";

static int terminal_due(void *ctx, const struct merchant_terminal *t)
{
	struct listing *l = ctx;
	char due[TEXT_TIME_LEN];

	l->n++;
	if (l->items != NULL)
		return json_array_append_new(l->items, http_terminal_json(t, l->utc_offset)) != 0;
	text_local(t->next_review, l->utc_offset, due);
	printf("terminal %-8s %-15s %s  review %s\n", t->tid, t->mid, t->sn, due);
	return 0;
}

static int review_due(struct cli_env *env, const void *values)
{
	const char *prog = env->prog;
	int64_t now = (int64_t)time(NULL);
	struct listing merchants, terminals;
	int json = env->json, rc;

	(void)values; /* it has no options of its own */
	if ((rc = cli_env_open(env)) != CLI_OK)
		return rc;
	merchants = (struct listing){json ? json_array() : NULL, 0, env->host.cfg.utc_offset};
	terminals = (struct listing){json ? json_array() : NULL, 0, env->host.cfg.utc_offset};
	if ((rc = merchant_review_due(env->host.merchant, now, list_one, &merchants)) !=
	        MERCHANT_OK ||
	    (rc = merchant_terminal_review_due(env->host.merchant, now, terminal_due,
	                                       &terminals)) != MERCHANT_OK) {
		json_decref(merchants.items);
		json_decref(terminals.items);
		return refused(prog, env, NULL, rc);
	}
	if (json)
		cli_print_json(json_pack("{s:o, s:o}", "merchants", merchants.items, "terminals",
		                         terminals.items));
	else if (merchants.n + terminals.n == 0)
		printf("none\n");
	return CLI_OK;
}

static const cli_command review_cmds[] = {
    {"due", "the periodic reviews that are due", .handler = review_due,
     .env = CLI_ENV_MERCHANT | CLI_ENV_READ, .help = due_help, .common = CLI_DATADIR},
};

const cli_group cli_admin_review_group = {"possum admin review", "Periodic maintenance reviews.",
                                          CLI_TABLE(review_cmds)};
