/* cmd_load.c — `possum load`: a load test of a host by simulated POS terminals. Each terminal
 * of the terminals file gets a thread of its own with its own state (a store and an hsm, both
 * one-thread objects, in a directory of its own), is set up from its TMK components, signs in
 * and pays in a loop — real PIN blocks, MACs and, by chip, cryptograms, and the reversal
 * discipline of src/term — until the time is up. A simulated terminal keeps its state in
 * memory, loaded from its directory at the start and saved back at the end: a real terminal's
 * commits go to its disk, but a hundred of them on the host's machine would measure the
 * machine's disk rather than the host. --durable commits to the directory as it goes instead,
 * as a real terminal does: a load killed then leaves each pending reversal on disk. --journal
 * writes what each terminal received, a JSON line an exchange, for the crash tests
 * (tests/crash) to compare with the host's records. Then the figures: approvals a second,
 * latency percentiles, and every non-approval by response code or by error. */
#include <errno.h>
#include <pthread.h>
#include <signal.h>
#include <stdatomic.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>

#include <jansson.h>

#include "cli/cli.h"
#include "common/file.h"
#include "crypto/crypto.h"
#include "term/term.h"

#define LOAD_CARDS     64 /* --card options at most */
#define LOAD_CODES     32 /* distinct response codes a terminal tells apart */
#define LOAD_ERRORS    16 /* TERM_E* codes, by their negation */
#define LOAD_TIMEOUT_S 30 /* seconds a terminal waits for an answer */
/* After a failed transaction a terminal waits (README, `possum load`): 100 ms, doubled at each
 * failure in a row up to 5 s, less a random part of up to half (jitter: terminals do not retry
 * together). */
#define LOAD_BACKOFF_MIN_NS 100000000LL
#define LOAD_BACKOFF_MAX_NS 5000000000LL

/* A line of the terminals file. */
struct load_line {
	char tid[9], mid[16], sn[51], components[200];
};

struct load_code {
	char rc[3];
	long n;
};

/* A simulated terminal: its thread and what it counted. Only `approved` and `declined` are
 * read while the thread runs (the progress line); the rest is read after it is joined. */
struct load_worker {
	struct load *ld;
	const struct load_line *line;
	size_t index;
	pthread_t thread;
	store *mem; /* its state while it runs, saved to its directory's store at the end */
	store *s;   /* the store it works on: mem, or its directory's (--durable) */
	bool ready; /* it signed in */
	atomic_long approved;
	atomic_long declined; /* answered, not approved */
	int64_t *ns;          /* latency of each answered transaction */
	size_t n, cap;
	struct load_code codes[LOAD_CODES];
	long errors[LOAD_ERRORS];
	long reversals;     /* pending reversals delivered (acknowledged) */
	bool pending;       /* a reversal still pending at the end */
	int64_t backoff_ns; /* the wait after the next failure */
	unsigned int seed;  /* its jitter's */
};

/* The run: what every terminal shares, read-only once the threads start but for the gate. */
struct load {
	const char *prog, *host, *state_dir, *pin;
	bool tls;             /* --tls */
	char tls_ca[1025];    /* --tls-ca, absolute; "" the system's trust store */
	char tls_certs[1025]; /* --tls-certs DIR, absolute: DIR/SN.crt and SN.key; "" none */
	const char *card_paths[LOAD_CARDS]; /* the --card options */
	struct term_card cards[LOAD_CARDS];
	size_t npaths, ncards;
	/* By chip, a card is in one terminal at a time, as a real one: held under its lock, with
	 * its ATC (the card's, which the terminal holding it raises). */
	pthread_mutex_t card_lock[LOAD_CARDS];
	int atc[LOAD_CARDS];
	enum term_entry entry;
	int64_t amount;
	bool durable;  /* the terminals commit to their directories as they go */
	FILE *journal; /* --journal: a line an exchange, under lock; NULL: none */
	pthread_mutex_t lock;
	pthread_cond_t cond;
	size_t arrived; /* terminals set up (or failed to be) */
	bool go;
	struct timespec start, deadline;
};

/* Set by SIGINT or SIGTERM: the run ends early, as at its deadline (lock-free, so a handler may
 * store it). */
static atomic_bool load_stopping;

static void load_stop(int sig)
{
	(void)sig;
	atomic_store(&load_stopping, true);
}

static int64_t ns_between(const struct timespec *a, const struct timespec *b)
{
	return (int64_t)(b->tv_sec - a->tv_sec) * 1000000000 + (b->tv_nsec - a->tv_nsec);
}

static void count_code(struct load_worker *w, const char *rc)
{
	size_t i;

	for (i = 0; i < LOAD_CODES && w->codes[i].rc[0] != '\0'; i++)
		if (strcmp(w->codes[i].rc, rc) == 0)
			break;
	if (i == LOAD_CODES)
		i = LOAD_CODES - 1; /* a terminal seeing more codes than this lumps the rest */
	else if (w->codes[i].rc[0] == '\0')
		snprintf(w->codes[i].rc, sizeof w->codes[i].rc, "%s", rc);
	w->codes[i].n++;
}

static int keep_latency(struct load_worker *w, int64_t ns)
{
	if (w->n == w->cap) {
		size_t cap = w->cap ? 2 * w->cap : 4096;
		int64_t *p = realloc(w->ns, cap * sizeof *p);
		if (p == NULL)
			return -1;
		w->ns = p;
		w->cap = cap;
	}
	w->ns[w->n++] = ns;
	return 0;
}

/* The run's TLS for w's terminal: over --tls, its certificate DIR/SN.crt and key DIR/SN.key of
 * --tls-certs DIR (mutual TLS), the SN its line names. */
static int terminal_tls(struct load_worker *w) /* w->s set */
{
	const struct load *ld = w->ld;
	char cert[1100], key[1100];
	bool mutual = ld->tls_certs[0] != '\0';
	int rc;

	snprintf(cert, sizeof cert, "%s/%s.crt", ld->tls_certs, w->line->sn);
	snprintf(key, sizeof key, "%s/%s.key", ld->tls_certs, w->line->sn);
	rc = term_tls_setup(w->s,
	                    &(struct term_tls){ld->tls, ld->tls_ca[0] ? ld->tls_ca : NULL,
	                                       mutual ? cert : NULL, mutual ? key : NULL, NULL});
	if (rc != TERM_OK)
		cli_error(0, ld->prog, "terminal %s: its TLS settings: %s", w->line->tid,
		          term_strerror(rc));
	return rc;
}

/* Sets the terminal up in its directory and signs it in: TERM_OK, or a failure said. */
static int terminal_start(struct load_worker *w, struct host_datadir *d, term **t)
{
	struct load *ld = w->ld;
	struct hsm_component parts[HSM_PARTS_MAX];
	struct term_result r = {0};
	char dir[4096], lmk[4096 + 8];
	size_t n = 0, bad = 0;
	hsm_kcv kcv;
	int rc;

	snprintf(dir, sizeof dir, "%s/%s", ld->state_dir, w->line->tid);
	snprintf(lmk, sizeof lmk, "%s/lmk", dir);
	/* The terminal's own test LMK, made here so that opening the directory does not warn
	 * once a terminal. */
	if (mkdir(dir, 0700) != 0 && errno != EEXIST)
		return cli_error(TERM_EARG, ld->prog, "cannot create %s: %s", dir, strerror(errno));
	if ((rc = hsm_lmk_create(lmk, &kcv)) != HSM_OK && rc != HSM_EEXIST)
		return cli_error(TERM_EHSM, ld->prog, "%s: %s", lmk, hsm_strerror(rc));
	if (cli_tmk_components(ld->prog, "--terminals-file", w->line->components, parts, &n) !=
	    CLI_OK)
		return TERM_EARG;
	if (host_datadir_open(ld->prog, dir, d) != HOST_OK ||
	    (!ld->durable && (store_open(STORE_MEMORY, &w->mem) != STORE_OK ||
	                      store_copy(d->store, w->mem) != STORE_OK))) {
		rc = cli_error(TERM_ESTORE, ld->prog, "terminal %s: its state cannot be loaded: %s",
		               w->line->tid, d->store != NULL ? store_errmsg(d->store) : "");
		goto out;
	}
	w->s = ld->durable ? d->store : w->mem;
	if ((rc = terminal_tls(w)) != TERM_OK)
		goto out;
	/* A terminal set up by an earlier run goes on from its own STAN: starting again from 1
	 * would repeat the STANs the host has seen in this batch (94). Set up by a run against
	 * another address, it is set up again for this one, its STAN and batch kept (term_setup):
	 * the host there may be another of the same acquirer, on the same database. */
	if ((rc = term_open(w->s, d->hsm, t)) == TERM_OK &&
	    strcmp(term_state(*t)->host, ld->host) != 0) {
		term_close(*t);
		*t = NULL;
		rc = TERM_ENOINIT;
	}
	if (rc == TERM_ENOINIT &&
	    (rc = term_setup(w->s, d->hsm,
	                     &(struct term_setup){ld->host, w->line->tid, w->line->mid, w->line->sn,
	                                          LOAD_TIMEOUT_S, NULL},
	                     parts, n, &bad)) == TERM_OK)
		rc = term_open(w->s, d->hsm, t);
	if (rc == TERM_OK && (rc = term_manage(*t, TERM_SIGNIN, &r)) == TERM_OK &&
	    strcmp(r.rc, "00") != 0) {
		cli_error(0, ld->prog, "terminal %s: sign-in declined %s", w->line->tid, r.rc);
		rc = TERM_ESIGNIN;
	} else if (rc != TERM_OK) {
		const char *why = *t != NULL ? term_unreachable(*t) : NULL;
		cli_error(0, ld->prog, "terminal %s: %s%s%s", w->line->tid, term_strerror(rc),
		          why != NULL ? ": " : "", why != NULL ? why : "");
	}
out:
	crypto_wipe(parts, sizeof parts);
	return rc;
}

/* Waits at the gate until every terminal is set up; false when the run is off. */
static bool terminal_wait(struct load_worker *w)
{
	struct load *ld = w->ld;
	bool go;

	pthread_mutex_lock(&ld->lock);
	ld->arrived++;
	pthread_cond_broadcast(&ld->cond);
	while (!ld->go)
		pthread_cond_wait(&ld->cond, &ld->lock);
	go = w->ready;
	pthread_mutex_unlock(&ld->lock);
	return go;
}

/* The card to pay with next, from k on: by chip, a free one held (or card k, waited for). */
static const struct term_card *card_take(struct load *ld, size_t k, size_t *held)
{
	*held = k % ld->ncards;
	if (ld->entry != TERM_CHIP)
		return &ld->cards[*held];
	for (size_t i = 0; i < ld->ncards; i++)
		if (pthread_mutex_trylock(&ld->card_lock[(k + i) % ld->ncards]) == 0) {
			*held = (k + i) % ld->ncards;
			return &ld->cards[*held];
		}
	pthread_mutex_lock(&ld->card_lock[*held]);
	return &ld->cards[*held];
}

static void card_give(struct load *ld, size_t held)
{
	if (ld->entry == TERM_CHIP)
		pthread_mutex_unlock(&ld->card_lock[held]);
}

/* Before the run, by chip: each card's ATC raised above what this terminal counted for it, so
 * that the shared count starts above every terminal's (and what the host saw of them). */
static int cards_counted(struct load_worker *w, term *t)
{
	struct load *ld = w->ld;
	int rc = TERM_OK, n;

	for (size_t i = 0; ld->entry == TERM_CHIP && i < ld->ncards && rc == TERM_OK; i++) {
		pthread_mutex_lock(&ld->card_lock[i]);
		rc = term_card_atc(t, &ld->cards[i], &n);
		pthread_mutex_unlock(&ld->card_lock[i]);
	}
	return rc;
}

/* Waits after a failure: the worker's backoff with jitter, not past the deadline; doubled. */
static void back_off(struct load_worker *w)
{
	struct timespec now;
	int64_t ns = w->backoff_ns, left;

	ns -= (int64_t)((double)(ns / 2) * ((double)rand_r(&w->seed) / RAND_MAX));
	clock_gettime(CLOCK_MONOTONIC, &now);
	if ((left = ns_between(&now, &w->ld->deadline)) < ns)
		ns = left > 0 ? left : 0;
	/* In slices of 100 ms at most, so that a stop is not kept waiting. */
	for (int64_t slice; ns > 0 && !atomic_load(&load_stopping); ns -= slice) {
		slice = ns < 100000000 ? ns : 100000000;
		nanosleep(&(struct timespec){0, slice}, NULL);
	}
	w->backoff_ns =
	    2 * w->backoff_ns < LOAD_BACKOFF_MAX_NS ? 2 * w->backoff_ns : LOAD_BACKOFF_MAX_NS;
}

/* Appends line (taken) to the journal, if any, and flushes it: a load killed loses none of the
 * lines written. */
static void journal_line(struct load *ld, json_t *line)
{
	char *text = NULL;

	if (ld->journal != NULL && line != NULL &&
	    (text = json_dumps(line, JSON_COMPACT | JSON_PRESERVE_ORDER)) != NULL) {
		pthread_mutex_lock(&ld->lock);
		fprintf(ld->journal, "%s\n", text);
		fflush(ld->journal);
		pthread_mutex_unlock(&ld->lock);
	}
	free(text);
	json_decref(line);
}

/* A purchase's line: what the terminal received, or the error when no answer came. */
static void journal_purchase(struct load_worker *w, const struct term_result *r, int rc)
{
	json_t *line;

	if (w->ld->journal == NULL)
		return;
	line = json_pack("{s:s,s:i,s:i,s:s,s:I,s:s,s:s,s:s}", "tid", w->line->tid, "batch",
	                 r->batch, "stan", r->stan, "kind", "purchase", "amount",
	                 (json_int_t)w->ld->amount, "rc", r->rc, "rrn", r->rrn, "auth", r->auth);
	if (line != NULL && rc != TERM_OK)
		json_object_set_new(line, "error", json_string(term_strerror(rc)));
	journal_line(w->ld, line);
}

/* Delivers the terminal's pending reversal, if any: TERM_OK when none is left. One the host
 * acknowledged is counted and journalled with its original's batch, STAN and amount. */
static int reversal_deliver(struct load_worker *w, term *t)
{
	struct store_term_txn x;
	struct term_result r = {0};
	bool pending;
	int rc;

	if ((rc = term_reversal_pending(t, &x, &pending)) != TERM_OK || !pending)
		return rc;
	if ((rc = term_reversal_flush(t, &r)) == TERM_OK && r.reversals > 0) {
		w->reversals++;
		if (w->ld->journal != NULL)
			journal_line(w->ld,
			             json_pack("{s:s,s:i,s:i,s:s,s:I,s:s,s:b}", "tid", w->line->tid,
			                       "batch", x.batch, "stan", x.stan, "kind", "reversal",
			                       "amount", (json_int_t)x.amount, "reason", x.reason,
			                       "acknowledged", 1));
	}
	crypto_wipe(&x, sizeof x);
	return rc;
}

static void *terminal_run(void *arg)
{
	struct load_worker *w = arg;
	struct load *ld = w->ld;
	struct host_datadir d = {0};
	term *t = NULL;
	struct term_request req = {
	    .kind = TERM_PURCHASE, .entry = ld->entry, .pin = ld->pin, .amount = ld->amount};
	struct timespec t0, t1;
	size_t k = w->index, held;

	w->backoff_ns = LOAD_BACKOFF_MIN_NS;
	w->seed = (unsigned int)(time(NULL) ^ (time_t)(w->index * 2654435761u));
	w->ready = terminal_start(w, &d, &t) == TERM_OK && cards_counted(w, t) == TERM_OK;
	if (!terminal_wait(w))
		goto out;
	for (;;) {
		struct term_result r = {0};
		int rc;

		clock_gettime(CLOCK_MONOTONIC, &t0);
		if (ns_between(&ld->deadline, &t0) >= 0 || atomic_load(&load_stopping))
			break;
		/* The pending reversal first (term_transact would deliver it too), to say which. */
		if ((rc = reversal_deliver(w, t)) == TERM_OK) {
			req.card = card_take(ld, k++, &held);
			rc = term_transact(t, &req, &r);
			card_give(ld, held);
			journal_purchase(w, &r, rc);
		}
		clock_gettime(CLOCK_MONOTONIC, &t1);
		if (rc != TERM_OK) {
			/* Whatever failed (the host down, a reversal not sent), a real terminal
			 * does not ask again at once. */
			w->errors[-rc < LOAD_ERRORS ? -rc : 0]++;
			back_off(w);
			continue;
		}
		w->backoff_ns = LOAD_BACKOFF_MIN_NS;
		if (keep_latency(w, ns_between(&t0, &t1)) != 0) {
			w->errors[0]++;
			break;
		}
		if (strcmp(r.rc, "00") == 0) {
			atomic_fetch_add(&w->approved, 1);
		} else {
			count_code(w, r.rc);
			atomic_fetch_add(&w->declined, 1);
		}
	}
out:
	/* The state saved for the next run, which goes on from its STANs and batch. */
	if (t != NULL && term_reversal_pending(t, NULL, &w->pending) != TERM_OK)
		w->pending = true; /* not known: counted as pending */
	if (t != NULL && !ld->durable && d.store != NULL && store_copy(w->mem, d.store) != STORE_OK)
		cli_error(0, ld->prog, "terminal %s: its state was not saved: %s", w->line->tid,
		          store_errmsg(d.store));
	term_close(t);
	store_close(w->mem);
	host_datadir_close(&d);
	return NULL;
}

/* ---- the run ---- */

/* Reads the terminals file: "TID MID SN COMPONENT:KCV,COMPONENT:KCV" a line; blank lines and
 * lines starting with '#' are skipped. */
static int read_terminals(const char *prog, const char *path, struct load_line **out, size_t *n)
{
	struct load_line *lines = NULL;
	char *text = NULL;
	size_t cap = 0, len = 0, no = 0;
	FILE *f = fopen(path, "r");
	int rc = CLI_OK;

	*n = 0;
	if (f == NULL)
		return cli_usage_error(prog, "%s: %s", path, strerror(errno));
	while (getline(&text, &len, f) != -1) {
		struct load_line l;
		char extra;

		no++;
		if (text[strspn(text, " \t\r\n")] == '\0' || text[strspn(text, " \t")] == '#')
			continue;
		if (sscanf(text, "%8s %15s %50s %199s %c", l.tid, l.mid, l.sn, l.components,
		           &extra) != 4) {
			rc = cli_usage_error(prog, "%s:%zu: not \"TID MID SN COMPONENT:KCV,…\"",
			                     path, no);
			goto out;
		}
		if (*n == cap) {
			struct load_line *p =
			    realloc(lines, (cap = cap ? 2 * cap : 64) * sizeof *p);
			if (p == NULL) {
				rc = cli_error(CLI_FAILED, prog, "out of memory");
				goto out;
			}
			lines = p;
		}
		lines[(*n)++] = l;
		crypto_wipe(&l, sizeof l);
	}
	if (*n == 0)
		rc = cli_usage_error(prog, "%s: no terminals", path);
out:
	if (text != NULL)
		crypto_wipe(text, len);
	free(text);
	fclose(f);
	if (rc != CLI_OK) {
		if (lines != NULL)
			crypto_wipe(lines, cap * sizeof *lines);
		free(lines);
		*n = 0;
		lines = NULL;
	}
	*out = lines;
	return rc;
}

static int cmp_ns(const void *a, const void *b)
{
	int64_t x = *(const int64_t *)a, y = *(const int64_t *)b;
	return (x > y) - (x < y);
}

/* The latency at fraction q of the sorted all (n of them), in milliseconds. */
static double percentile(const int64_t *all, size_t n, double q)
{
	size_t i = (size_t)(q * (double)n);
	return n == 0 ? 0.0 : (double)all[i < n ? i : n - 1] / 1e6;
}

/* The exit status of a run: 1 when a terminal did not run, nothing was approved, or most
 * answers were declines (the run measured the host refusing, not paying; said). */
static int outcome(struct load *ld, size_t idle, size_t total, long approved)
{
	long declined = (long)total - approved;

	if (total > 0 && 2 * declined > (long)total)
		return cli_error(
		    CLI_FAILED, ld->prog,
		    "most answers were declines (%ld of %zu): see \"declined\" for why", declined,
		    total);
	return idle == 0 && approved > 0 ? CLI_OK : CLI_FAILED;
}

/* Prints the figures; returns the exit status: 0 when every terminal ran, some purchase was
 * approved and no more than half of the answered ones were declined. */
static int report(struct load *ld, struct load_worker *w, size_t n, double secs, bool json)
{
	json_t *declined, *errors;
	int64_t *all = NULL;
	size_t total = 0, at = 0, idle = 0;
	long approved = 0, failed = 0, reversals = 0, pending = 0;
	double p50, p99, p999;

	for (size_t i = 0; i < n; i++) {
		total += w[i].n;
		approved += atomic_load(&w[i].approved);
		idle += !w[i].ready;
		reversals += w[i].reversals;
		pending += w[i].pending;
	}
	if (total > 0 && (all = malloc(total * sizeof *all)) == NULL)
		return cli_error(CLI_FAILED, ld->prog, "out of memory");
	declined = json_object();
	errors = json_object();
	for (size_t i = 0; i < n; i++) {
		if (w[i].n > 0)
			memcpy(all + at, w[i].ns, w[i].n * sizeof *all);
		at += w[i].n;
		for (size_t c = 0; c < LOAD_CODES && w[i].codes[c].rc[0] != '\0'; c++) {
			json_t *v = json_object_get(declined, w[i].codes[c].rc);
			json_object_set_new(
			    declined, w[i].codes[c].rc,
			    json_integer((v ? json_integer_value(v) : 0) + w[i].codes[c].n));
		}
		for (int e = 0; e < LOAD_ERRORS; e++) {
			const char *what = e == 0 ? "other" : term_strerror(-e);
			json_t *v = json_object_get(errors, what);
			if (w[i].errors[e] == 0)
				continue;
			failed += w[i].errors[e];
			json_object_set_new(
			    errors, what,
			    json_integer((v ? json_integer_value(v) : 0) + w[i].errors[e]));
		}
	}
	if (total > 0)
		qsort(all, total, sizeof *all, cmp_ns);
	p50 = percentile(all, total, 0.50);
	p99 = percentile(all, total, 0.99);
	p999 = percentile(all, total, 0.999);
	if (json) {
		cli_print_json(json_pack(
		    "{s:i,s:i,s:f,s:I,s:I,s:f,s:{s:f,s:f,s:f,s:f},s:o,s:I,s:o,s:I,s:I}",
		    "terminals", (int)n, "terminals_failed", (int)idle, "seconds", secs, "answered",
		    (json_int_t)total, "approved", (json_int_t)approved, "approved_per_second",
		    secs > 0 ? (double)approved / secs : 0.0, "latency_ms", "p50", p50, "p99", p99,
		    "p99_9", p999, "max", total > 0 ? (double)all[total - 1] / 1e6 : 0.0,
		    "declined", declined, "errors_total", (json_int_t)failed, "errors", errors,
		    "reversals_delivered", (json_int_t)reversals, "reversals_pending",
		    (json_int_t)pending));
	} else {
		const char *key;
		json_t *v;

		printf("terminals  %zu (%zu could not start)\n", n, idle);
		printf("duration   %.1f s\n", secs);
		printf("approved   %ld purchases, %.1f a second\n", approved,
		       secs > 0 ? (double)approved / secs : 0.0);
		printf("latency    p50 %.2f ms  p99 %.2f ms  p99.9 %.2f ms  (%zu answered)\n", p50,
		       p99, p999, total);
		json_object_foreach(declined, key, v)
		{
			const char *en, *zh;
			term_rc_text(key, &en, &zh);
			printf("declined   %s %s / %s: %lld\n", key, zh, en,
			       (long long)json_integer_value(v));
		}
		json_object_foreach(errors, key, v)
		    printf("error      %s: %lld\n", key, (long long)json_integer_value(v));
		printf("reversals  %ld delivered, %ld pending at the end\n", reversals, pending);
		json_decref(declined);
		json_decref(errors);
	}
	free(all);
	return outcome(ld, idle, total, approved);
}

/* The command line's options. */
struct lopts {
	const char *host, *file, *duration, *amount, *entry, *pin, *state_dir, *data, *journal;
	const char *tls_ca, *tls_certs;
	int durable, tls;
	const char *card_paths[LOAD_CARDS]; /* the --card options */
	size_t npaths;
};

/* A --card option (the row's each): kept, read by read_cards(). */
static int add_card(struct cli_env *env, void *values, const char *name, const char *path)
{
	struct lopts *o = values;

	(void)name;
	if (o->npaths == LOAD_CARDS)
		return cli_usage_error(env->prog, "at most %d cards", LOAD_CARDS);
	o->card_paths[o->npaths++] = path;
	return CLI_OK;
}

/* Reads every --card into ld->cards. */
static int read_cards(struct load *ld)
{
	for (size_t i = 0; i < ld->npaths; i++) {
		const char *path = ld->card_paths[i];
		int rc;

		if ((rc = term_card_load(path, &ld->cards[ld->ncards])) != TERM_OK)
			return cli_usage_error(ld->prog, "%s: %s", path, term_strerror(rc));
		ld->ncards++;
	}
	return ld->ncards > 0 ? CLI_OK : cli_usage_error(ld->prog, "--card FILE is needed");
}

/* Opens the gate once every started terminal arrived, then prints a progress line a second
 * on stderr (when progress) until the deadline. */
static void supervise(struct load *ld, struct load_worker *w, size_t n, int64_t secs, bool progress)
{
	long last = 0;

	pthread_mutex_lock(&ld->lock);
	while (ld->arrived < n)
		pthread_cond_wait(&ld->cond, &ld->lock);
	clock_gettime(CLOCK_MONOTONIC, &ld->start);
	ld->deadline = ld->start;
	ld->deadline.tv_sec += secs;
	ld->go = true;
	pthread_cond_broadcast(&ld->cond);
	pthread_mutex_unlock(&ld->lock);
	for (int64_t s = 1; progress && s < secs && !atomic_load(&load_stopping); s++) {
		long now = 0, declined = 0;
		nanosleep(&(struct timespec){1, 0}, NULL);
		for (size_t i = 0; i < n; i++) {
			now += atomic_load(&w[i].approved);
			declined += atomic_load(&w[i].declined);
		}
		fprintf(stderr, "%s: %3lld s  %ld approved  %ld/s  %ld declined\n", ld->prog,
		        (long long)s, now, now - last, declined);
		last = now;
	}
}

static const char load_help[] =
    "--host HOST:PORT --terminals-file FILE --card FILE [--card FILE …] --duration S\n"
    "    [--amount 1.00] [--entry swipe|chip] [--pin PIN] [--tls [--tls-ca FILE]\n"
    "    [--tls-certs DIR]] [--data DIR] [--durable] [--journal FILE] [--json]\n\n"
    "Load test: each terminal of FILE — a line \"TID MID SN COMPONENT:KCV,COMPONENT:KCV\" as\n"
    "`possum admin terminal add` registered it — runs in a thread of its own with its own\n"
    "state, is set up, signs in and makes purchases in a loop, the cards taken in turn, for S\n"
    "seconds. Then prints the approved purchases a second, the latency of the answered ones\n"
    "(p50, p99, p99.9), every non-approval by response code or error, the pending reversals\n"
    "delivered and those still pending at the end. A terminal keeps its state (STAN, the\n"
    "pending reversal, the answer) in memory and saves it to DIR/TID at the end; --durable\n"
    "commits it to DIR/TID as it goes, as a real terminal does. A terminal whose state names\n"
    "another HOST:PORT is set up again for this one, its STAN and batch kept. Its terminals\n"
    "never download what the answers' processing-request nibble asks for (parameters, CA\n"
    "keys, AIDs: docs/tms.md): a load test measures the payments alone.\n"
    "A progress line a second on stderr (runs of 5 s or more) counts the approved and the\n"
    "declined. SIGINT or SIGTERM ends the run early, as its end would: figures printed, state\n"
    "saved. Exit status 0 when every terminal ran, some purchase was approved and no more\n"
    "than half of the answered ones were declined; 1 otherwise; 2 bad usage.\n\n"
    "Options:\n"
    "  --host HOST:PORT       the host's terminal port (possum host: acquirer=PORT)\n"
    "  --terminals-file FILE  the terminals, a line each\n"
    "  --card FILE            a card image (possum admin card issue --out); repeatable\n"
    "  --duration S           seconds of purchases (1 to 86400)\n"
    "  --amount A             each purchase's amount in CNY (default 1.00)\n"
    "  --entry E              swipe (default) or chip: ARQC, and the ARPC checked\n"
    "  --pin PIN              the PIN entered (none: no PIN block)\n"
    "  --tls                  speak TLS to the host's terminal port (docs/tls.md)\n"
    "  --tls-ca FILE          the CA the host's certificate must chain to (PEM; default: the\n"
    "                         system's trust store)\n"
    "  --tls-certs DIR        mutual TLS: each terminal shows DIR/SN.crt with its key\n"
    "                         DIR/SN.key, SN the third word of its line (the SN its TID is\n"
    "                         bound to, the certificate's CN)\n"
    "  --data DIR             the terminals' data directories, DIR/TID, kept for the next run\n"
    "                         (default: a temporary directory, removed afterwards: a terminal\n"
    "                         the host has seen then repeats its STANs, declined 94);\n"
    "                         --state-dir DIR is its old name\n"
    "  --durable              each terminal commits its state to DIR/TID at each step (slower):\n"
    "                         a load killed leaves its pending reversals there for the next\n"
    "                         run, which delivers them first\n"
    "  --journal FILE         append to FILE what each terminal received, a JSON line an\n"
    "                         exchange: {\"tid\",\"batch\",\"stan\",\"kind\":\"purchase\",\"amount\",\n"
    "                         \"rc\",\"rrn\",\"auth\"} (\"rc\" \"\" and an \"error\" when no answer\n"
    "                         came), {…,\"kind\":\"reversal\",\"amount\",\"reason\",\n"
    "                         \"acknowledged\":true} for each reversal the host acknowledged\n"
    "  --json                 print the figures as JSON (with \"reversals_delivered\" and\n"
    "                         \"reversals_pending\")\n";

/* What the command line asks of a run, besides what goes into ld. */
struct load_args {
	const char *file, *state_dir, *journal;
	int64_t secs;
	int json;
};

/* Reads the options o into ld and a. */
static int load_options(const char *prog, const struct lopts *o, struct load *ld,
                        struct load_args *a)
{
	const char *entry = o->entry;

	if (o->host == NULL || o->file == NULL || o->duration == NULL)
		return cli_usage_error(prog, "--host, --terminals-file and --duration are needed");
	if (cli_int64(prog, "duration", o->duration, 1, 86400, &a->secs) != CLI_OK ||
	    cli_amount(prog, "amount", o->amount, 156, &ld->amount) != CLI_OK)
		return CLI_USAGE;
	if (entry != NULL && strcmp(entry, "swipe") != 0 && strcmp(entry, "chip") != 0)
		return cli_usage_error(prog, "--entry: swipe or chip");
	ld->entry = entry != NULL && strcmp(entry, "chip") == 0 ? TERM_CHIP : TERM_SWIPE;
	if (!o->tls && (o->tls_ca != NULL || o->tls_certs != NULL))
		return cli_usage_error(prog, "--tls-ca and --tls-certs go with --tls");
	if (cli_tls_path(prog, "tls-ca", o->tls_ca, ld->tls_ca, sizeof ld->tls_ca) != CLI_OK ||
	    cli_tls_path(prog, "tls-certs", o->tls_certs, ld->tls_certs, sizeof ld->tls_certs) !=
	        CLI_OK)
		return CLI_USAGE;
	ld->tls = o->tls;
	ld->host = o->host;
	ld->pin = o->pin;
	ld->durable = o->durable != 0;
	a->journal = o->journal;
	memcpy(ld->card_paths, o->card_paths, sizeof ld->card_paths);
	ld->npaths = o->npaths;
	a->file = o->file;
	return cli_alias(prog, "data", o->data, "state-dir", o->state_dir, &a->state_dir);
}

/* The terminals' state directory: a->state_dir, made when missing, or a new temporary one
 * (its name in temp, to be removed). */
static int state_dir(struct load *ld, const struct load_args *a, char temp[4096])
{
	if (a->state_dir == NULL) {
		const char *tmpdir = getenv("TMPDIR");
		snprintf(temp, 4096, "%s/possum-load-XXXXXX",
		         tmpdir != NULL && *tmpdir != '\0' ? tmpdir : "/tmp");
		if (mkdtemp(temp) == NULL) {
			int rc = cli_error(CLI_FAILED, ld->prog, "cannot create %s: %s", temp,
			                   strerror(errno));
			temp[0] = '\0';
			return rc;
		}
		ld->state_dir = temp;
	} else if (mkdir(a->state_dir, 0700) != 0 && errno != EEXIST) {
		return cli_error(CLI_FAILED, ld->prog, "cannot create %s: %s", a->state_dir,
		                 strerror(errno));
	} else {
		ld->state_dir = a->state_dir;
	}
	return CLI_OK;
}

/* The journal (--journal FILE), opened to append; none when path is NULL. */
static int journal_open(struct load *ld, const char *path)
{
	if (path != NULL && (ld->journal = fopen(path, "a")) == NULL)
		return cli_error(CLI_FAILED, ld->prog, "cannot open %s: %s", path, strerror(errno));
	return CLI_OK;
}

/* Runs the n terminals of lines for a->secs and reports. */
static int run(struct load *ld, const struct load_args *a, const struct load_line *lines, size_t n)
{
	struct load_worker *w;
	struct sigaction stop = {.sa_handler = load_stop};
	struct timespec end;
	size_t started;
	int rc;

	if ((w = calloc(n, sizeof *w)) == NULL)
		return cli_error(CLI_FAILED, ld->prog, "out of memory");
	sigemptyset(&stop.sa_mask);
	sigaction(SIGINT, &stop, NULL);
	sigaction(SIGTERM, &stop, NULL);
	pthread_mutex_init(&ld->lock, NULL);
	pthread_cond_init(&ld->cond, NULL);
	for (size_t i = 0; i < ld->ncards; i++) {
		pthread_mutex_init(&ld->card_lock[i], NULL);
		ld->cards[i].atc = &ld->atc[i];
	}
	for (started = 0; started < n; started++) {
		w[started] =
		    (struct load_worker){.ld = ld, .line = &lines[started], .index = started};
		if (pthread_create(&w[started].thread, NULL, terminal_run, &w[started]) != 0) {
			cli_error(0, ld->prog, "cannot start terminal %s's thread",
			          lines[started].tid);
			break;
		}
	}
	supervise(ld, w, started, a->secs, !a->json && a->secs >= 5);
	for (size_t i = 0; i < started; i++)
		pthread_join(w[i].thread, NULL);
	clock_gettime(CLOCK_MONOTONIC, &end);
	rc = report(ld, w, n, (double)ns_between(&ld->start, &end) / 1e9, a->json);
	for (size_t i = 0; i < n; i++)
		free(w[i].ns);
	free(w);
	pthread_cond_destroy(&ld->cond);
	pthread_mutex_destroy(&ld->lock);
	for (size_t i = 0; i < ld->ncards; i++)
		pthread_mutex_destroy(&ld->card_lock[i]);
	return rc;
}

static int load_cmd(struct cli_env *env, const void *values)
{
	struct load ld = {.prog = env->prog};
	struct load_args a = {.json = env->json};
	struct load_line *lines = NULL;
	char temp[4096] = "";
	size_t n = 0;
	int rc;

	if ((rc = load_options(env->prog, values, &ld, &a)) != CLI_OK)
		return rc;
	if ((rc = read_cards(&ld)) == CLI_OK &&
	    (rc = read_terminals(env->prog, a.file, &lines, &n)) == CLI_OK &&
	    (rc = cli_raise_nofile(env->prog, 2 * n + 64)) == CLI_OK && /* a socket and a file */
	    (rc = state_dir(&ld, &a, temp)) == CLI_OK &&
	    (rc = journal_open(&ld, a.journal)) == CLI_OK)
		rc = run(&ld, &a, lines, n);
	if (ld.journal != NULL && fclose(ld.journal) != 0 && rc == CLI_OK)
		rc = cli_error(CLI_FAILED, ld.prog, "%s: %s", a.journal, strerror(errno));
	if (temp[0] != '\0')
		file_remove_tree(temp);
	if (lines != NULL)
		crypto_wipe(lines, n * sizeof *lines);
	free(lines);
	for (size_t i = 0; i < ld.ncards; i++)
		term_card_wipe(&ld.cards[i]);
	return rc;
}

#define LOAD(name, member) CLI_TEXT(name, struct lopts, member)

/* `possum load`'s row: it needs no environment, its terminals keep their own state. */
const cli_command cli_load_row = {
    "load",
    NULL,
    .handler = load_cmd,
    .env = CLI_ENV_NONE,
    .help = load_help,
    CLI_OPTIONS(struct lopts, LOAD("host", host), LOAD("terminals-file", file), CLI_EACH("card"),
                LOAD("duration", duration), LOAD("amount", amount), LOAD("entry", entry),
                LOAD("pin", pin), LOAD("data", data), LOAD("state-dir", state_dir),
                LOAD("journal", journal), CLI_SET("durable", struct lopts, durable),
                CLI_SET("tls", struct lopts, tls), LOAD("tls-ca", tls_ca),
                LOAD("tls-certs", tls_certs)),
    .defaults = &(const struct lopts){.amount = "1.00"},
    .common = CLI_JSON,
    .each = add_card};
