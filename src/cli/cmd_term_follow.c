/* cmd_term_follow.c — what `possum term`'s commands share of the downloads (docs/tms.md
 * "Downloads"): sets downloaded with each outcome printed (term download, and after an exchange
 * whose answer asks when the terminal is set to --auto on), a software update with its
 * outcome printed (term update, and after an answer asking 8), and the refusal, before
 * anything is sent, of a transaction the downloaded parameters do not permit. */
#include <stdio.h>
#include <string.h>

#include "cli/cmd_term.h"
#include "common/hex.h"

/* A download's outcome, printed (or added to list, for --json). */
static void print_download(const struct cli_env *env, const struct term_download *d, int rc,
                           json_t *list)
{
	const char *name = tms_set_name(d->set);

	if (list != NULL) {
		json_t *o =
		    json_pack("{s:s,s:s,s:s,s:b,s:b,s:i,s:i,s:i,s:b}", "set", name, "rc", d->rc,
		              "version", d->version, "applied", d->applied, "confirmed",
		              d->confirmed, "from", (int)d->from, "items", (int)d->items,
		              "messages", d->messages, "restarted", d->restarted);

		if (rc != TERM_OK)
			json_object_set_new(
			    o, "error",
			    json_string(d->why[0] != '\0' ? d->why : term_strerror(rc)));
		json_array_append_new(list, o);
		return;
	}
	if (rc == TERM_EREFUSED)
		fprintf(stderr, "%s: download %s: %s\n", env->prog, name, d->why);
	else if (rc != TERM_OK)
		fprintf(stderr,
		        "%s: download %s: %s after %d message%s (the next download resumes where "
		        "it stopped)\n",
		        env->prog, name, term_strerror(rc), d->messages,
		        d->messages == 1 ? "" : "s");
	else if (d->applied)
		printf("download %s: version %s applied, %zu items from %zu, %d messages%s%s\n",
		       name, d->version, d->items, d->from, d->messages,
		       d->restarted ? ", restarted" : "",
		       d->confirmed ? "; confirmed (已确认)" : "; not confirmed");
	else
		printf("download %s: refused by the host %s\n", name, d->rc);
}

int cli_term_download_sets(struct cli_env *env, unsigned mask, json_t *list)
{
	struct term_download d;
	int rc, worst = CLI_OK;

	for (int s = 0; s < TMS_SETS; s++) {
		if (!(mask & (1u << s)))
			continue;
		rc = term_download(env->term, (enum tms_set)s, &d);
		print_download(env, &d, rc, list);
		if (rc != TERM_OK || !d.confirmed)
			worst = CLI_FAILED;
		if (rc != TERM_OK && rc != TERM_EREFUSED)
			break;
	}
	return worst;
}

int cli_term_package_key(const char *prog, const char *hex, uint8_t pub[TMS_PUB_LEN])
{
	size_t n = 0;

	if (strlen(hex) != 2 * TMS_PUB_LEN ||
	    hex_decode(hex, strlen(hex), pub, TMS_PUB_LEN, &n) != HEX_OK || n != TMS_PUB_LEN)
		return cli_usage_error(prog, "--package-key: 64 hex digits (possum admin tms "
		                             "package key's raw key)");
	return CLI_OK;
}

int cli_term_update(struct cli_env *env, json_t **json)
{
	struct term_update u;
	int rc = term_update(env->term, &u);

	if (json != NULL) {
		*json = json_pack("{s:s,s:s,s:b,s:b,s:i,s:i,s:i,s:b}", "rc", u.rc, "version",
		                  u.version, "installed", u.installed, "reported", u.reported,
		                  "from", (int)u.from, "size", (int)u.size, "messages", u.messages,
		                  "restarted", u.restarted);
		if (rc != TERM_OK)
			json_object_set_new(
			    *json, "error",
			    json_string(u.why[0] != '\0' ? u.why : term_strerror(rc)));
	} else if (rc == TERM_EREFUSED) {
		fprintf(stderr, "%s: update: %s%s\n", env->prog, u.why,
		        u.reported ? "; reported to the host" : "");
	} else if (rc != TERM_OK) {
		fprintf(stderr,
		        "%s: update: %s after %d message%s (the next update resumes where it "
		        "stopped)\n",
		        env->prog, term_strerror(rc), u.messages, u.messages == 1 ? "" : "s");
	} else if (u.installed) {
		printf("update: version %s installed, %zu bytes from %zu, %d messages%s%s\n",
		       u.version, u.size, u.from, u.messages, u.restarted ? ", restarted" : "",
		       u.reported ? "; reported (已报告)" : "; not reported");
	} else {
		printf("update: none (the host answered %s)\n", u.rc);
	}
	return rc == TERM_OK && u.installed ? CLI_OK : CLI_FAILED;
}

int cli_term_follow(struct cli_env *env)
{
	enum tms_set set;

	/* At most the three sets, each once: an answer that keeps asking is not followed. */
	for (unsigned done = 0; term_state(env->term)->tms_auto &&
	                        term_download_asked(env->term, &set) && !(done & (1u << set));
	     done |= 1u << set)
		cli_term_download_sets(env, 1u << set, NULL);
	/* A software update (8) once, when nothing else asks first. */
	if (term_state(env->term)->tms_auto && term_update_asked(env->term))
		cli_term_update(env, NULL);
	return CLI_OK;
}

int cli_term_permit(struct cli_env *env, const struct term_request *req)
{
	char why[200];
	int rc = term_params_permit(env->term, req, why, sizeof why);

	if (rc == TERM_OK)
		rc = term_chip_permit(env->term, req, why, sizeof why);
	if (rc == TERM_OK)
		return CLI_OK;
	if (rc != TERM_EREFUSED)
		return cli_term_failed(env->prog, rc);
	return cli_error(CLI_FAILED, env->prog, "%s; nothing was sent (未发送)", why);
}
