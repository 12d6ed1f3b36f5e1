/* risk.c — the host's risk rules ([risk] rules, docs/risk.md): read at start (a bad file
 * stops the host, FILE:LINE), and reloaded on SIGHUP or the API's POST /api/v1/risk/reload
 * without dropping a transaction. The terminals' batches run on the loop's thread, so the
 * loop swaps the rules between two of them: SIGHUP is handled there, and the API's thread
 * hands a file it read whole to the loop (a slot under a mutex and a uv_async); the old rules
 * are freed once swapped out. */
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "host/internal.h"

extern const char host_risk_default[]; /* etc/risk.rules, built in (cmake/embed_text.cmake) */

const char *host_risk_source(const struct host_config *cfg)
{
	return cfg->risk_rules[0] == '\0' ? "etc/risk.rules (built in)" : cfg->risk_rules;
}

int host_risk_load(const struct host_config *cfg, risk_rules **out, char *err, size_t errlen)
{
	*out = NULL;
	if (strcmp(cfg->risk_rules, "none") == 0)
		return RISK_OK;
	if (cfg->risk_rules[0] == '\0')
		return risk_rules_parse(host_risk_default, host_risk_source(cfg), out, err, errlen);
	return risk_rules_load(cfg->risk_rules, out, err, errlen);
}

/* On the loop: rules in force from now on, the old ones freed. */
static void swap_rules(struct host_risk *hr, risk_rules *rules)
{
	risk_rules *old = hr->rules;

	hr->rules = rules;
	acquirer_set_rules(hr->acquirer, rules);
	risk_rules_free(old);
	log_event(hr->log, LOG_INFO, "risk_rules",
	          json_pack("{s:s, s:I}", "source", host_risk_source(hr->cfg), "rules",
	                    (json_int_t)risk_rules_count(rules)));
}

static void on_sighup(uv_signal_t *sig, int signum)
{
	struct host_risk *hr = sig->data;
	risk_rules *rules;
	char err[512];

	(void)signum;
	if (host_risk_load(hr->cfg, &rules, err, sizeof err) != RISK_OK) {
		log_event(hr->log, LOG_ERROR, "risk_reload_failed",
		          json_pack("{s:s, s:i, s:s}", "error", err, "line", risk_error_line(err),
		                    "effect", "the rules in force stay"));
		return;
	}
	swap_rules(hr, rules);
}

static void on_handed(uv_async_t *a)
{
	struct host_risk *hr = a->data;
	risk_rules *rules;

	uv_mutex_lock(&hr->lock);
	rules = hr->handed;
	hr->handed = NULL;
	uv_mutex_unlock(&hr->lock);
	if (hr->handed_any) /* a file of no rules hands NULL too */
		swap_rules(hr, rules);
	hr->handed_any = false;
}

int host_risk_start(struct host_risk *hr, uv_loop_t *loop)
{
	if (uv_mutex_init(&hr->lock) != 0)
		return -1;
	hr->sighup.data = hr->async.data = hr;
	uv_signal_init(loop, &hr->sighup);
	uv_async_init(loop, &hr->async, on_handed);
	uv_signal_start(&hr->sighup, on_sighup, SIGHUP);
	hr->started = true;
	acquirer_set_rules(hr->acquirer, hr->rules);
	return 0;
}

/* From the API's thread: the file read and checked there, handed to the loop. */
int host_risk_reload(void *arg, size_t *count, char *err, size_t errlen)
{
	struct host_risk *hr = arg;
	risk_rules *rules, *dropped;
	int rc = host_risk_load(hr->cfg, &rules, err, errlen);

	if (rc != RISK_OK)
		return rc;
	*count = risk_rules_count(rules);
	uv_mutex_lock(&hr->lock);
	dropped = hr->handed; /* a reload not yet taken: this one replaces it */
	hr->handed = rules;
	hr->handed_any = true;
	uv_mutex_unlock(&hr->lock);
	risk_rules_free(dropped);
	uv_async_send(&hr->async);
	return RISK_OK;
}

static void on_closed(uv_handle_t *h)
{
	(void)h;
}

void host_risk_stop(struct host_risk *hr)
{
	if (!hr->started)
		return;
	uv_signal_stop(&hr->sighup);
	uv_close((uv_handle_t *)&hr->sighup, on_closed);
	uv_close((uv_handle_t *)&hr->async, on_closed);
}

void host_risk_free(struct host_risk *hr)
{
	if (hr->started) {
		risk_rules_free(hr->handed);
		uv_mutex_destroy(&hr->lock);
	}
	risk_rules_free(hr->rules);
	hr->rules = hr->handed = NULL;
	hr->started = false;
}
