/* run.c — a certification run (certify.h): the suite read, the test host started (setup.c),
 * the proxy between it and the terminal under test (proxy.c), then each case in turn — its
 * setup lines, its instructions said (to a person) or its steps done by the driver
 * (driver.c), the wait for the terminal to finish, and its verdict: the dialect's rules over
 * what the terminal sent (rules.c), the case's expectations (judge.c) and its named checks
 * (below). The result is the caller's; the report and the certificate are made from it. */
#include "certify/internal.h"

#include <assert.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "store/store_acquirer.h"

#define QUIET_PERSON_MS 2000 /* after every expectation met: nothing more is coming */
#define ARG_MAX         200

struct run {
	const struct certify_options *o;
	struct certify_result *res;
	struct certify_host ch;
	certify_proxy *px;
	certify_rules *rules;
	pthread_mutex_t store_mu; /* the test host's store: the proxy's MAK reads, setup lines */
	char hostport[80];
	struct certify_call call;
	FILE *say;
	int lang;
};

static void pause_ms(int ms)
{
	struct timespec ts = {ms / 1000, (long)(ms % 1000) * 1000000};

	nanosleep(&ts, NULL);
}

/* The text of a case's or suite's pair in the run's language (English when the other is
 * missing). */
static const char *text_in(const struct run *r, const char (*pair)[CERTIFY_TEXT_MAX])
{
	return pair[r->lang][0] != '\0' ? pair[r->lang] : pair[0];
}

/* The proxy's question (its thread): the terminal's MAC key as the host holds it now. */
static int current_mak(void *ctx, char *block, size_t cap)
{
	struct run *r = ctx;
	struct store_terminal row;
	int rc;

	pthread_mutex_lock(&r->store_mu);
	rc = store_terminal_get(r->ch.s, r->ch.tid, &row);
	pthread_mutex_unlock(&r->store_mu);
	if (rc != STORE_OK || (size_t)snprintf(block, cap, "%s", row.mak) >= cap)
		return CERTIFY_ESTORE;
	return CERTIFY_OK;
}

/* What the person setting up the terminal needs: where, who, its TMK and the cards. */
static void say_intro(const struct run *r)
{
	static const char *const labels[2][6] = {
	    {"host       ", "terminal   ", "tmk        ", "(two components, HEX:KCV)", "card",
	     "work       "},
	    {"主机       ", "终端       ", "主密钥     ", "（两个分量，HEX:KCV）", "测试卡",
	     "工作目录   "}};
	const char *const *l = labels[r->lang != 0];
	const struct certify_host *ch = &r->ch;

	fprintf(r->say, "%s — %s\n", r->res->suite->name, text_in(r, r->res->suite->title));
	fprintf(r->say, "%s %s (cup-pos)\n%s TID %s  MID %s  SN %s\n", l[0], r->hostport, l[1],
	        ch->tid, ch->mid, ch->sn);
	fprintf(r->say, "%s %s %s\n", l[2], ch->tmk_components, l[3]);
	for (int i = 0; i < ch->n_cards; i++)
		fprintf(r->say, "%s %-6s %s  PIN %s  %s/%s.json\n", l[4], ch->card[i].name,
		        ch->card[i].masked, ch->card[i].pin, ch->cards, ch->card[i].name);
	fprintf(r->say, "%s %s\n\n", l[5], ch->work);
	fflush(r->say);
}

/* The first request of case id's transcript its expectation 1 matched, or NULL. */
static const struct certify_msg *original(const struct run *r, const char *id)
{
	for (size_t i = 0; i < r->res->n_cases; i++) {
		const struct certify_case_result *cr = &r->res->cases[i];

		if (strcmp(cr->c->id, id) == 0 && cr->matched[0] > 0 &&
		    (size_t)cr->matched[0] <= cr->tr.n)
			return cr->tr.msgs[cr->matched[0] - 1];
	}
	return NULL;
}

/* Whether args (n of them, "KEY=VALUE") give key. */
static bool has_key(char (*args)[ARG_MAX], size_t n, const char *key)
{
	size_t len = strlen(key);

	for (size_t i = 0; i < n; i++)
		if (strncmp(args[i], key, len) == 0 && args[i][len] == '=')
			return true;
	return false;
}

/* The card case id's steps presented, "" none. */
static const char *card_of(const struct run *r, const char *id)
{
	for (size_t i = 0; i < r->res->n_cases; i++)
		for (int s = 0;
		     strcmp(r->res->cases[i].c->id, id) == 0 && s < r->res->cases[i].c->n_steps;
		     s++)
			for (int k = 0; k < r->res->cases[i].c->steps[s].n_args; k++)
				if (strcmp(r->res->cases[i].c->steps[s].keys[k], "card") == 0)
					return r->res->cases[i].c->steps[s].values[k];
	return "";
}

/* `of=CASE`: the original's references for a void or refund, as KEY=VALUE arguments, but for
 * the keys the step gives itself (a refund's own amount). */
static void original_args(const struct run *r, const char *id, char (*args)[ARG_MAX], size_t *n)
{
	static const struct {
		const char *key;
		bool answer;
		int field, sub;
	} refs[] = {{"stan", false, 11, 0}, {"batch", false, 60, 2}, {"amount", false, 4, 0},
	            {"rrn", true, 37, 0},   {"auth", true, 38, 0},   {"date", true, 13, 0}};
	const struct certify_msg *m = original(r, id);
	char v[64];

	for (size_t k = 0; m != NULL && k < sizeof refs / sizeof refs[0]; k++) {
		if (has_key(args, *n, refs[k].key) || (refs[k].answer && !m->an_ok) ||
		    certify_field_text(refs[k].answer ? &m->an : &m->rq, refs[k].field, refs[k].sub,
		                       0, 0, v, sizeof v) != CERTIFY_OK)
			continue;
		if (strcmp(refs[k].key, "amount") == 0) /* n12 minor units → yuan */
			snprintf(v, sizeof v, "%lld.%02lld", atoll(v) / 100, atoll(v) % 100);
		snprintf(args[(*n)++], ARG_MAX, "%s=%s", refs[k].key, v);
	}
	if (!has_key(args, *n, "card") && card_of(r, id)[0] != '\0')
		snprintf(args[(*n)++], ARG_MAX, "card=%s", card_of(r, id));
}

/* The card's arguments: its PIN (`pin=yes`, the default; `pin=wrong` another; `pin=no` none)
 * and, for a chip card, `entry=chip` unless the step says how it is read. */
static void card_args(const struct run *r, const char *pin, char (*args)[ARG_MAX], size_t *n)
{
	const char *name = NULL;
	char wrong[13];

	for (size_t i = 0; i < *n; i++)
		if (strncmp(args[i], "card=", 5) == 0)
			name = args[i] + 5;
	for (int c = 0; name != NULL && c < r->ch.n_cards; c++) {
		if (strcmp(r->ch.card[c].name, name) != 0)
			continue;
		snprintf(wrong, sizeof wrong, "%s", r->ch.card[c].pin);
		wrong[0] = wrong[0] == '9' ? '0' : (char)(wrong[0] + 1);
		if (strcmp(pin, "no") != 0)
			snprintf(args[(*n)++], ARG_MAX, "pin=%s",
			         strcmp(pin, "wrong") == 0 ? wrong : r->ch.card[c].pin);
		if (r->ch.card[c].chip && !has_key(args, *n, "entry"))
			snprintf(args[(*n)++], ARG_MAX, "entry=chip");
		return;
	}
}

/* A step's arguments: its own, an original's references, and the card's. */
static size_t step_args(const struct run *r, const struct certify_step *st, char (*args)[ARG_MAX])
{
	const char *pin = "yes";
	size_t n = 0;

	for (int i = 0; i < st->n_args; i++)
		if (strcmp(st->keys[i], "pin") == 0)
			pin = st->values[i];
		else
			snprintf(args[n++], ARG_MAX, "%s=%s", st->keys[i], st->values[i]);
	for (int i = 0; i < st->n_args; i++)
		if (strcmp(st->keys[i], "of") == 0)
			original_args(r, st->values[i], args, &n);
	card_args(r, pin, args, &n);
	return n;
}

/* The driver does the case's steps, then the proxy is given time to go quiet. */
static void drive(struct run *r, struct certify_case_result *cr, int64_t deadline)
{
	char args[CERTIFY_ARGS_MAX + 8][ARG_MAX];
	const char *argv[CERTIFY_ARGS_MAX + 8];

	r->call.case_id = cr->c->id;
	for (int s = 0; s < cr->c->n_steps; s++) {
		const struct certify_step *st = &cr->c->steps[s];
		size_t n = step_args(r, st, args);
		int64_t left = (deadline - certify_now_ms()) / 1000;

		for (size_t i = 0; i < n; i++)
			argv[i] = args[i];
		if (left < 1 ||
		    certify_driver_run(&r->call, st->action, argv, n, (int)left, cr->driver_out,
		                       sizeof cr->driver_out, &cr->driver_rc) != CERTIFY_OK) {
			certify_find(cr, 0, st->line, "driver", "the driver did not run `%s`",
			             st->action);
			return;
		}
		if (cr->driver_rc < 0)
			certify_find(cr, 0, st->line, "driver",
			             "the driver did not finish `%s` within the case's time",
			             st->action);
	}
	while (certify_now_ms() < deadline && certify_host_alive(&r->ch) &&
	       certify_proxy_quiet_ms(r->px) < r->o->settle_ms)
		pause_ms(100);
}

/* A person does the steps: the case ends once every expectation is met and the terminal has
 * been quiet a while, or at its deadline. */
static void wait_person(struct run *r, struct certify_case_result *cr, int64_t deadline)
{
	bool complete = false;

	while (certify_now_ms() < deadline && certify_host_alive(&r->ch)) {
		pause_ms(200);
		certify_proxy_lock(r->px);
		certify_judge(r->res, (size_t)(cr - r->res->cases), &complete);
		cr->n_findings = cr->n_more = 0; /* judged again at the end */
		certify_proxy_unlock(r->px);
		if (complete && certify_proxy_quiet_ms(r->px) >= QUIET_PERSON_MS)
			return;
	}
}

/* Says the case: its title, what to do and what the terminal must do. */
static void say_case(const struct run *r, size_t k, size_t n, const struct certify_case *c)
{
	fprintf(r->say, "[%zu/%zu] %s — %s\n", k, n, c->id, text_in(r, c->title));
	if (r->o->driver == NULL && text_in(r, c->operator)[0] != '\0')
		fprintf(r->say, "        %s %s\n",
		        r->lang ? "操作:" : "do:", text_in(r, c->operator));
	if (r->o->driver == NULL && text_in(r, c->terminal)[0] != '\0')
		fprintf(r->say, "        %s %s\n",
		        r->lang ? "终端应:" : "expect:", text_in(r, c->terminal));
	fflush(r->say);
}

static void say_verdict(const struct run *r, const struct certify_case_result *cr)
{
	fprintf(r->say, "        %s (%.1f s)\n", cr->passed ? "PASS" : "FAIL", cr->ms / 1000.0);
	for (size_t i = 0; i < cr->n_findings; i++) {
		const struct certify_finding *f = &cr->findings[i];

		fprintf(r->say, "        - %s", f->rule);
		if (f->line > 0)
			fprintf(r->say, " (line %d)", f->line);
		fprintf(r->say, ": %s\n", f->why);
	}
	if (cr->n_more > 0)
		fprintf(r->say, "        - and %zu more\n", cr->n_more);
	fflush(r->say);
}

/* A setup line applied to the test host's TMS (why, capacity cap, says a refusal). */
static int setup_line(struct run *r, const struct certify_case *c, int i, char *why, size_t cap)
{
	why[0] = '\0';
	switch (c->setup_kinds[i]) {
	case CERTIFY_SETUP_PARAM:
		return certify_host_param(&r->ch, c->setup_keys[i], c->setup_values[i]);
	case CERTIFY_SETUP_CAPK:
		return certify_host_capk(&r->ch, why, cap);
	case CERTIFY_SETUP_AID:
		return certify_host_aid(&r->ch, c->setup_keys[i], why, cap);
	}
	return CERTIFY_EARG;
}

/* A case's `setup` lines — parameters of the test terminal, a CA key, an AID — before anything
 * is said; under the store's mutex, as the proxy reads the same store. */
static int setup_case(struct run *r, struct certify_case_result *cr)
{
	static const char *const what[] = {[CERTIFY_SETUP_PARAM] = "param",
	                                   [CERTIFY_SETUP_CAPK] = "capk",
	                                   [CERTIFY_SETUP_AID] = "aid"};
	const struct certify_case *c = cr->c;
	char why[200];

	for (int i = 0; i < c->n_setup; i++) {
		int rc;

		pthread_mutex_lock(&r->store_mu);
		rc = setup_line(r, c, i, why, sizeof why);
		pthread_mutex_unlock(&r->store_mu);
		if (rc != CERTIFY_OK) {
			certify_find(cr, 0, c->line, "setup", "`setup %s %s%s%s` was refused%s%s",
			             what[c->setup_kinds[i]], c->setup_keys[i],
			             c->setup_kinds[i] == CERTIFY_SETUP_PARAM ? "=" : "",
			             c->setup_values[i], why[0] != '\0' ? ": " : "", why);
			return rc;
		}
	}
	return CERTIFY_OK;
}

static void run_case(struct run *r, size_t k, size_t n, struct certify_case_result *cr)
{
	const struct certify_case *c = cr->c;
	int64_t start = certify_now_ms(),
	        deadline = start + 1000LL * (c->timeout > 0 ? c->timeout : r->res->suite->timeout);

	cr->run = true;
	cr->driver_rc = -1;
	say_case(r, k, n, c);
	if (setup_case(r, cr) == CERTIFY_OK) {
		certify_proxy_case(r->px, cr);
		if (r->o->driver != NULL)
			drive(r, cr, deadline);
		else
			wait_person(r, cr, deadline);
		certify_proxy_case(r->px, NULL);
		certify_rules_case(r->rules, cr);
		certify_judge(r->res, (size_t)(cr - r->res->cases), NULL);
		certify_checks(r->res, cr, r->o->driver == NULL ? stdin : NULL, r->say, r->lang);
	}
	cr->ms = certify_now_ms() - start;
	cr->passed = cr->n_findings == 0 && cr->n_more == 0;
	say_verdict(r, cr);
}

/* Whether case id is among --case's list (NULL: every case). */
static bool chosen(const char *list, const char *id)
{
	size_t n = strlen(id);

	for (const char *p = list; p != NULL; p = strchr(p, ',')) {
		p += *p == ',';
		if (strncmp(p, id, n) == 0 && (p[n] == ',' || p[n] == '\0'))
			return true;
	}
	return list == NULL;
}

/* The result, its cases chosen, and the run's start. */
static int result_new(const struct certify_options *o, struct certify_suite *s,
                      struct certify_result **out)
{
	struct certify_result *res = calloc(1, sizeof *res);

	if (res == NULL || (res->cases = calloc(s->n_cases, sizeof *res->cases)) == NULL) {
		free(res);
		return CERTIFY_ENOMEM;
	}
	res->suite = s;
	res->n_cases = s->n_cases;
	snprintf(res->model, sizeof res->model, "%s", o->model != NULL ? o->model : "");
	snprintf(res->version, sizeof res->version, "%s", o->version != NULL ? o->version : "");
	res->started = (int64_t)time(NULL);
	res->utc_offset = o->utc_offset;
	for (size_t i = 0; i < s->n_cases; i++)
		res->cases[i].c = &s->cases[i];
	*out = res;
	return CERTIFY_OK;
}

/* The host, the proxy and the rules; the driver's `init`. */
static int start(struct run *r)
{
	struct certify_proxy_config pc = {.listen = r->o->listen,
	                                  .port = r->o->port,
	                                  .h = NULL,
	                                  .mak = current_mak,
	                                  .mak_ctx = r};
	char args[5][ARG_MAX], out[1024] = "";
	const char *argv[5];
	int port, rc, status;

	if ((rc = certify_host_start(r->o, &r->ch)) != CERTIFY_OK)
		return rc;
	pc.host_port = r->ch.terminal_port;
	pc.h = r->ch.proxy_hsm;
	if ((rc = certify_proxy_start(&pc, &r->px, &port)) != CERTIFY_OK ||
	    (rc = certify_rules_open(r->ch.h, r->ch.tmk, r->ch.sn, &r->rules)) != CERTIFY_OK)
		return rc;
	snprintf(r->res->tid, sizeof r->res->tid, "%s", r->ch.tid);
	snprintf(r->res->mid, sizeof r->res->mid, "%s", r->ch.mid);
	snprintf(r->res->sn, sizeof r->res->sn, "%s", r->ch.sn);
	snprintf(r->hostport, sizeof r->hostport, "%s:%d",
	         r->o->listen != NULL ? r->o->listen : "127.0.0.1", port);
	r->call = (struct certify_call){r->o->driver, r->ch.work, r->ch.cards, r->hostport, ""};
	say_intro(r);
	if (r->o->driver == NULL)
		return CERTIFY_OK;
	snprintf(args[0], ARG_MAX, "host=%s", r->hostport);
	snprintf(args[1], ARG_MAX, "tid=%s", r->ch.tid);
	snprintf(args[2], ARG_MAX, "mid=%s", r->ch.mid);
	snprintf(args[3], ARG_MAX, "sn=%s", r->ch.sn);
	snprintf(args[4], ARG_MAX, "tmk=%s", r->ch.tmk_components);
	for (int i = 0; i < 5; i++)
		argv[i] = args[i];
	if ((rc = certify_driver_run(&r->call, "init", argv, 5, 60, out, sizeof out, &status)) !=
	    CERTIFY_OK)
		return rc;
	return status == 0 ? CERTIFY_OK : CERTIFY_EDRIVER;
}

int certify_run(const struct certify_options *o, struct certify_result **out)
{
	struct run r = {.o = o, .say = o->say != NULL ? o->say : stderr, .lang = o->lang};
	struct certify_suite *s = NULL;
	char err[400];
	size_t n = 0, k = 0;
	int rc;

	*out = NULL;
	if ((rc = certify_suite_load(o->suite, &s, err, sizeof err)) != CERTIFY_OK) {
		fprintf(stderr, "%s: %s\n", o->prog, err);
		return CERTIFY_ESUITE; /* said: no such suite, or FILE:LINE: why */
	}
	if ((rc = result_new(o, s, &r.res)) != CERTIFY_OK) {
		certify_suite_free(s);
		return rc;
	}
	pthread_mutex_init(&r.store_mu, NULL);
	if ((rc = start(&r)) == CERTIFY_OK) {
		for (size_t i = 0; i < s->n_cases; i++)
			n += chosen(o->cases, s->cases[i].id);
		if (n == 0)
			rc = CERTIFY_ENOTFOUND; /* --case names none of the suite's */
		for (size_t i = 0; i < s->n_cases && rc == CERTIFY_OK; i++) {
			if (chosen(o->cases, s->cases[i].id))
				run_case(&r, ++k, n, &r.res->cases[i]);
			if (!certify_host_alive(&r.ch))
				rc = CERTIFY_EINTR; /* interrupted: the host took the signal */
		}
	}
	certify_rules_close(r.rules);
	certify_proxy_close(r.px);
	certify_host_stop(&r.ch, o->keep);
	pthread_mutex_destroy(&r.store_mu);
	r.res->finished = (int64_t)time(NULL);
	for (size_t i = 0; i < s->n_cases; i++) {
		const struct certify_case_result *cr = &r.res->cases[i];

		r.res->passed += cr->run && cr->passed;
		r.res->failed += cr->run && !cr->passed;
		r.res->skipped += !cr->run;
	}
	*out = r.res;
	return rc;
}
