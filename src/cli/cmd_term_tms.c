/* cmd_term_tms.c — `possum term download | params`: the reference terminal's downloads from
 * its host's terminal management (docs/tms.md "Downloads"): a set (or all) downloaded, applied
 * and confirmed on demand (cmd_term_follow.c prints them), the setting --auto; what the
 * terminal holds. The rows of cmd_term.c's table; src/term does the work. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cli/cmd_term.h"
#include "common/hex.h"

static int cmd_download(struct cli_env *env, const void *values)
{
	const struct term_opts *o = values;
	enum term_inject fault = TERM_INJECT_NONE;
	enum tms_set set;
	unsigned mask = 7;
	json_t *list = NULL;
	int rc;

	if (o->set != NULL && strcmp(o->set, "all") != 0) {
		if (tms_set_find(o->set, &set) != TMS_OK)
			return cli_usage_error(env->prog, "--set: params, capk, aid or all");
		mask = 1u << set;
	}
	if (o->autodl != NULL && strcmp(o->autodl, "on") != 0 && strcmp(o->autodl, "off") != 0)
		return cli_usage_error(env->prog, "--auto: on or off");
	if (o->inject != NULL && strcmp(o->inject, "drop") == 0)
		fault = TERM_INJECT_DROP;
	else if (o->inject != NULL && strcmp(o->inject, "bad-capk") == 0)
		fault = TERM_INJECT_BAD_CAPK;
	else if (o->inject != NULL)
		return cli_usage_error(env->prog, "--inject: drop or bad-capk");
	if ((rc = cli_term_open(env, o)) != CLI_OK)
		return rc;
	if (o->autodl != NULL) {
		if ((rc = term_set_tms_auto(env->term, strcmp(o->autodl, "on") == 0)) != TERM_OK)
			return cli_term_failed(env->prog, rc);
		if (o->set == NULL) { /* --auto alone: the setting, no download */
			printf("downloads when asked: %s\n", o->autodl);
			return CLI_OK;
		}
	}
	term_set_inject(env->term, fault);
	if (env->json)
		list = json_array();
	rc = cli_term_download_sets(env, mask, list);
	if (list != NULL)
		cli_print_json(json_pack("{s:o}", "downloads", list));
	return rc;
}

static const char download_help[] =
    "[--set params|capk|aid|all] [--auto on|off] [--inject drop|bad-capk] [--data DIR]\n"
    "    [--timeout S] [--json]\n\n"
    "Downloads the terminal's parameters, CA public keys and chip applications (AIDs) from\n"
    "the host's terminal management (0820 360, 370, 380; docs/tms.md \"Downloads\"), each set\n"
    "chunk by chunk — a broken download resumes where it stopped — then checks it (every CA\n"
    "key's checksum and expiry), applies it and confirms it (361, 371, 381). A set that does\n"
    "not check is refused whole: not applied, not confirmed.\n\n"
    "  --set S         params, capk, aid, or all (the default)\n"
    "  --auto on|off   kept: whether the terminal downloads by itself after any exchange\n"
    "                  whose answer's header asks (7 parameters, 4 CA keys, 5 AIDs); alone,\n"
    "                  it downloads nothing (on from term init; off: on demand only)\n"
    "  --inject F      a test aid, never for a real terminal: drop (the connection dropped\n"
    "                  after the first chunk: the next download resumes) or bad-capk (a\n"
    "                  byte of the first CA key's modulus corrupted as received: refused)\n" COMMON_HELP;

const cli_command cli_term_download_row = {"download", NULL, .handler = cmd_download,
                                           TERM_ROW(CLI_ENV_TERM, download_help, BASE_OPTS,
                                                    TEXT("set", set), TEXT("auto", autodl),
                                                    TEXT("inject", inject)),
                                           .wrong = "takes no arguments"};

/* ---- params ---- */

/* The parameters' items as {key: value} (json) or lines. */
static void show_params(const struct store_term_tms *row, json_t *o)
{
	const uint8_t *v;
	size_t at = 0, n;
	char tag[3], value[TMS_VALUE_MAX + 1];

	while (tms_item_get(row->items, row->items_len, &at, tag, &v, &n) == TMS_OK) {
		const char *key = tag;

		for (size_t i = 0; tms_param_tag(i) != NULL; i++)
			if (strcmp(tms_param_tag(i), tag) == 0)
				key = tms_param_key(i);
		snprintf(value, sizeof value, "%.*s", (int)n, (const char *)v);
		if (o != NULL)
			json_object_set_new(o, key, json_string(value));
		else
			printf("  %-18s %s  %s\n", key, tag, value[0] != '\0' ? value : "\"\"");
	}
}

/* The CA keys (RID, index, expiry) or the AIDs (AID, label) of row, as lines or into a. */
static void show_list(const struct store_term_tms *row, enum tms_set set, json_t *a)
{
	const uint8_t *v;
	size_t at = 0, n;
	char tag[3], hex[2 * TMS_AID_MAX + 1], idx[3];
	struct tms_capk *k = malloc(sizeof *k);
	struct tms_aid app;

	while (k != NULL && tms_item_get(row->items, row->items_len, &at, tag, &v, &n) == TMS_OK) {
		if (set == TMS_SET_CAPK && tms_capk_decode(v, n, k) == TMS_OK) {
			hex_encode(k->rid, 5, hex, sizeof hex);
			hex_encode(&k->index, 1, idx, sizeof idx);
			if (a != NULL)
				json_array_append_new(a,
				                      json_pack("{s:s,s:s,s:i}", "rid", hex,
				                                "index", idx, "expiry", k->expiry));
			else
				printf("  %s %s  expires %d\n", hex, idx, k->expiry);
		} else if (set == TMS_SET_AID && tms_aid_decode(v, n, &app) == TMS_OK) {
			hex_encode(app.aid, app.aid_len, hex, sizeof hex);
			if (a != NULL)
				json_array_append_new(
				    a, json_pack("{s:s,s:s}", "aid", hex, "label", app.label));
			else
				printf("  %s  %s\n", hex, app.label);
		}
	}
	free(k);
}

static int cmd_params(struct cli_env *env, const void *values)
{
	static const char *const lists[TMS_SETS] = {"values", "keys", "aids"};
	struct store_term_tms *row = malloc(sizeof *row);
	json_t *root = json_object(), *part;
	int rc = CLI_FAILED;

	if (row == NULL || root == NULL || (rc = cli_term_open(env, values)) != CLI_OK) {
		free(row);
		json_decref(root);
		return row == NULL ? CLI_FAILED : rc;
	}
	for (int s = 0; s < TMS_SETS && rc == CLI_OK; s++) {
		if ((rc = term_tms_get(env->term, (enum tms_set)s, row)) != TERM_OK) {
			rc = cli_term_failed(env->prog, rc);
			break;
		}
		part = json_pack("{s:s}", "version", row->version);
		json_object_set_new(part, lists[s], s == 0 ? json_object() : json_array());
		if (!env->json)
			printf("%-8s %s\n", tms_set_name((enum tms_set)s),
			       row->version[0] != '\0' ? row->version : "none (not downloaded)");
		if (s == TMS_SET_PARAMS)
			show_params(row, env->json ? json_object_get(part, lists[s]) : NULL);
		else
			show_list(row, (enum tms_set)s,
			          env->json ? json_object_get(part, lists[s]) : NULL);
		json_object_set_new(root, tms_set_name((enum tms_set)s), part);
	}
	json_object_set_new(root, "auto", json_boolean(term_state(env->term)->tms_auto));
	if (rc == CLI_OK && env->json)
		cli_print_json(root);
	else
		json_decref(root);
	free(row);
	return rc;
}

static const char params_help[] =
    "[--data DIR] [--json]\n\n"
    "Shows what the terminal holds from its host's terminal management (possum term\n"
    "download): each parameter (key, tag, value), the CA public keys (RID, index, expiry)\n"
    "and the chip applications (AID, label), each set with its version.\n\n" SHOW_HELP;

const cli_command cli_term_params_row = {"params", NULL, .handler = cmd_params,
                                         TERM_ROW(CLI_ENV_TERM, params_help, LOCAL_OPTS),
                                         .wrong = "takes no arguments"};

/* ---- update ---- */

static int cmd_update(struct cli_env *env, const void *values)
{
	const struct term_opts *o = values;
	uint8_t pub[TMS_PUB_LEN];
	enum term_inject fault = TERM_INJECT_NONE;
	json_t *out = NULL;
	int rc;

	if (o->inject != NULL && strcmp(o->inject, "drop") == 0)
		fault = TERM_INJECT_DROP;
	else if (o->inject != NULL && strcmp(o->inject, "bad-sig") == 0)
		fault = TERM_INJECT_BAD_SIG;
	else if (o->inject != NULL)
		return cli_usage_error(env->prog, "--inject: drop or bad-sig");
	if (o->package_key != NULL &&
	    (rc = cli_term_package_key(env->prog, o->package_key, pub)) != CLI_OK)
		return rc;
	if ((rc = cli_term_open(env, o)) != CLI_OK)
		return rc;
	if (o->package_key != NULL) {
		if ((rc = term_package_key_set(env->host.data.store, pub)) != TERM_OK)
			return cli_term_failed(env->prog, rc);
		printf("package key kept (软件包公钥已保存)\n"); /* alone: no update */
		return CLI_OK;
	}
	term_set_inject(env->term, fault);
	rc = cli_term_update(env, env->json ? &out : NULL);
	if (out != NULL)
		cli_print_json(out);
	return rc;
}

static const char update_help[] =
    "[--package-key HEX] [--inject drop|bad-sig] [--data DIR] [--timeout S] [--json]\n\n"
    "Updates the terminal's software from the host's terminal management (0820 390, 391;\n"
    "docs/tms.md \"Software updates\"): the package the host has for it, downloaded chunk by\n"
    "chunk — a broken download resumes where it stopped — then checked (its SHA-256 and its\n"
    "Ed25519 signature under the package key) and installed: its version is the one the\n"
    "terminal reports from then on (59 A2 05). A package that does not verify is refused, not\n"
    "installed. Either way the outcome is reported to the host (391). Exit 1 when nothing was\n"
    "installed (none to install: the host answers 25).\n\n"
    "  --package-key HEX  kept: the key packages must be signed under, 64 hex digits (the raw\n"
    "                     key `possum admin tms package key` prints); alone, no update. Without\n"
    "                     a key the terminal refuses every update\n"
    "  --inject F         a test aid, never for a real terminal: drop (the connection dropped\n"
    "                     after the first chunk: the next update resumes) or bad-sig (a byte of\n"
    "                     the package corrupted as received: refused and reported)\n" COMMON_HELP;

const cli_command cli_term_update_row = {"update", NULL, .handler = cmd_update,
                                         TERM_ROW(CLI_ENV_TERM, update_help, BASE_OPTS,
                                                  TEXT("package-key", package_key),
                                                  TEXT("inject", inject)),
                                         .wrong = "takes no arguments"};
