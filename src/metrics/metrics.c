/* metrics.c — the registry (metrics.h): families and their series, recorded with atomics,
 * and rendered in the Prometheus text exposition format 0.0.4. */
#include "metrics/metrics.h"

#include <math.h>
#include <pthread.h>
#include <stdarg.h>
#include <stdatomic.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define NAME_MAX_LEN 64
#define HELP_MAX_LEN 256

struct series {
	char values[METRICS_LABELS_MAX][METRICS_VALUE_MAX];
	_Atomic double value; /* a counter's or gauge's */
	_Atomic double sum;   /* a histogram's */
	_Atomic uint64_t
	    counts[METRICS_BUCKETS_MAX + 1]; /* per bucket, +Inf last; not cumulative */
};

struct metrics_family {
	char name[NAME_MAX_LEN], help[HELP_MAX_LEN];
	enum metrics_type type;
	char labels[METRICS_LABELS_MAX][NAME_MAX_LEN];
	size_t n_labels;
	double buckets[METRICS_BUCKETS_MAX];
	size_t n_buckets;
	struct series *series;
	size_t series_max;
	_Atomic size_t n;     /* series published: each whole before n counts it */
	pthread_mutex_t lock; /* held to make a series */
};

struct metrics {
	pthread_mutex_t lock;
	metrics_family **families;
	_Atomic size_t n;
	size_t cap;
};

#define MAX_FAMILIES 64

const char *metrics_strerror(int rc)
{
	switch (rc) {
	case METRICS_OK:
		return "ok";
	case METRICS_EARG:
		return "bad argument";
	case METRICS_ENOMEM:
		return "out of memory";
	case METRICS_EFULL:
		return "too many series";
	case METRICS_EEXIST:
		return "a metric of that name exists";
	default:
		return "unknown error";
	}
}

int metrics_new(metrics **out)
{
	metrics *m;

	if (out == NULL)
		return METRICS_EARG;
	if ((m = calloc(1, sizeof *m)) == NULL)
		return METRICS_ENOMEM;
	if ((m->families = calloc(MAX_FAMILIES, sizeof *m->families)) == NULL) {
		free(m);
		return METRICS_ENOMEM;
	}
	m->cap = MAX_FAMILIES;
	pthread_mutex_init(&m->lock, NULL);
	*out = m;
	return METRICS_OK;
}

void metrics_free(metrics *m)
{
	if (m == NULL)
		return;
	for (size_t i = 0; i < atomic_load(&m->n); i++) {
		pthread_mutex_destroy(&m->families[i]->lock);
		free(m->families[i]->series);
		free(m->families[i]);
	}
	pthread_mutex_destroy(&m->lock);
	free(m->families);
	free(m);
}

/* [a-zA-Z_:][a-zA-Z0-9_:]* (colon only when colon), shorter than NAME_MAX_LEN. */
static bool name_ok(const char *s, bool colon)
{
	size_t n = s == NULL ? 0 : strlen(s);

	if (n == 0 || n >= NAME_MAX_LEN || (s[0] >= '0' && s[0] <= '9'))
		return false;
	for (size_t i = 0; i < n; i++) {
		char c = s[i];

		if (!((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') ||
		      c == '_' || (colon && c == ':')))
			return false;
	}
	return true;
}

static bool spec_ok(const struct metrics_spec *sp, size_t *n_labels)
{
	size_t n = 0;

	if (!name_ok(sp->name, true) || sp->help == NULL || strlen(sp->help) >= HELP_MAX_LEN ||
	    sp->type > METRICS_HISTOGRAM)
		return false;
	while (n < METRICS_LABELS_MAX && sp->labels[n] != NULL) {
		if (!name_ok(sp->labels[n], false) || strcmp(sp->labels[n], "le") == 0)
			return false;
		n++;
	}
	*n_labels = n;
	if (sp->type != METRICS_HISTOGRAM)
		return sp->n_buckets == 0;
	if (sp->n_buckets == 0 || sp->n_buckets > METRICS_BUCKETS_MAX || sp->buckets == NULL)
		return false;
	for (size_t i = 0; i < sp->n_buckets; i++)
		if (!isfinite(sp->buckets[i]) || (i > 0 && sp->buckets[i] <= sp->buckets[i - 1]))
			return false;
	return true;
}

static metrics_family *family_new(const struct metrics_spec *sp, size_t n_labels)
{
	metrics_family *f = calloc(1, sizeof *f);

	if (f == NULL)
		return NULL;
	f->series_max = n_labels == 0    ? 1
	                : sp->series_max ? sp->series_max
	                                 : METRICS_SERIES_DEFAULT;
	if ((f->series = calloc(f->series_max, sizeof *f->series)) == NULL) {
		free(f);
		return NULL;
	}
	snprintf(f->name, sizeof f->name, "%s", sp->name);
	snprintf(f->help, sizeof f->help, "%s", sp->help);
	f->type = sp->type;
	f->n_labels = n_labels;
	for (size_t i = 0; i < n_labels; i++)
		snprintf(f->labels[i], sizeof f->labels[i], "%s", sp->labels[i]);
	f->n_buckets = sp->n_buckets;
	if (sp->n_buckets > 0)
		memcpy(f->buckets, sp->buckets, sp->n_buckets * sizeof *f->buckets);
	pthread_mutex_init(&f->lock, NULL);
	atomic_store(&f->n, n_labels == 0 ? 1 : 0); /* the one series, all zeros */
	return f;
}

int metrics_add(metrics *m, const struct metrics_spec *spec, metrics_family **out)
{
	metrics_family *f = NULL;
	size_t n_labels;
	int rc = METRICS_OK;

	if (m == NULL || spec == NULL || !spec_ok(spec, &n_labels))
		return METRICS_EARG;
	pthread_mutex_lock(&m->lock);
	if (metrics_find(m, spec->name) != NULL)
		rc = METRICS_EEXIST;
	else if (atomic_load(&m->n) == m->cap)
		rc = METRICS_EFULL;
	else if ((f = family_new(spec, n_labels)) == NULL)
		rc = METRICS_ENOMEM;
	else {
		m->families[atomic_load(&m->n)] = f;
		atomic_store_explicit(&m->n, atomic_load(&m->n) + 1, memory_order_release);
	}
	pthread_mutex_unlock(&m->lock);
	if (out != NULL)
		*out = f;
	return rc;
}

metrics_family *metrics_find(metrics *m, const char *name)
{
	size_t n = m == NULL ? 0 : atomic_load_explicit(&m->n, memory_order_acquire);

	for (size_t i = 0; name != NULL && i < n; i++)
		if (strcmp(m->families[i]->name, name) == 0)
			return m->families[i];
	return NULL;
}

static bool values_match(const metrics_family *f, const struct series *s, const char *const *values)
{
	for (size_t i = 0; i < f->n_labels; i++)
		if (strcmp(s->values[i], values[i]) != 0)
			return false;
	return true;
}

static struct series *series_scan(metrics_family *f, size_t from, size_t n,
                                  const char *const *values)
{
	for (size_t i = from; i < n; i++)
		if (values_match(f, &f->series[i], values))
			return &f->series[i];
	return NULL;
}

/* The series of values, made when new (under the family's lock, published once whole). */
static int series_get(metrics_family *f, const char *const *values, struct series **out)
{
	size_t n = atomic_load_explicit(&f->n, memory_order_acquire), seen = n;
	struct series *s;
	int rc = METRICS_OK;

	if (f->n_labels == 0) {
		*out = &f->series[0];
		return METRICS_OK;
	}
	for (size_t i = 0; i < f->n_labels; i++)
		if (values == NULL || values[i] == NULL || strlen(values[i]) >= METRICS_VALUE_MAX)
			return METRICS_EARG;
	if ((*out = series_scan(f, 0, n, values)) != NULL)
		return METRICS_OK;
	pthread_mutex_lock(&f->lock);
	n = atomic_load_explicit(&f->n, memory_order_acquire);
	if ((s = series_scan(f, seen, n, values)) == NULL) {
		if (n == f->series_max)
			rc = METRICS_EFULL;
		else {
			s = &f->series[n];
			for (size_t i = 0; i < f->n_labels; i++)
				snprintf(s->values[i], sizeof s->values[i], "%s", values[i]);
			atomic_store_explicit(&f->n, n + 1, memory_order_release);
		}
	}
	pthread_mutex_unlock(&f->lock);
	*out = s;
	return rc;
}

static void atomic_add_double(_Atomic double *a, double by)
{
	double old = atomic_load_explicit(a, memory_order_relaxed);

	while (!atomic_compare_exchange_weak_explicit(a, &old, old + by, memory_order_relaxed,
	                                              memory_order_relaxed))
		;
}

int metrics_add_to(metrics_family *f, const char *const *values, double by)
{
	struct series *s;
	int rc;

	if (f == NULL)
		return METRICS_OK;
	if (f->type == METRICS_HISTOGRAM || isnan(by) || (f->type == METRICS_COUNTER && !(by >= 0)))
		return METRICS_EARG;
	if ((rc = series_get(f, values, &s)) != METRICS_OK)
		return rc;
	atomic_add_double(&s->value, by);
	return METRICS_OK;
}

int metrics_set(metrics_family *f, const char *const *values, double v)
{
	struct series *s;
	int rc;

	if (f == NULL)
		return METRICS_OK;
	if (f->type == METRICS_HISTOGRAM)
		return METRICS_EARG;
	if ((rc = series_get(f, values, &s)) != METRICS_OK)
		return rc;
	atomic_store_explicit(&s->value, v, memory_order_relaxed);
	return METRICS_OK;
}

int metrics_observe(metrics_family *f, const char *const *values, double v)
{
	struct series *s;
	size_t b = 0;
	int rc;

	if (f == NULL)
		return METRICS_OK;
	if (f->type != METRICS_HISTOGRAM || isnan(v))
		return METRICS_EARG;
	if ((rc = series_get(f, values, &s)) != METRICS_OK)
		return rc;
	while (b < f->n_buckets && v > f->buckets[b])
		b++;
	atomic_fetch_add_explicit(&s->counts[b], 1, memory_order_relaxed);
	atomic_add_double(&s->sum, v);
	return METRICS_OK;
}

/* ---- Rendering ---- */

struct buf {
	char *p;
	size_t len, cap;
	bool failed;
};

__attribute__((format(printf, 2, 3))) static void put(struct buf *b, const char *fmt, ...)
{
	va_list ap;
	int n;

	for (int tries = 0; tries < 2 && !b->failed; tries++) {
		va_start(ap, fmt);
		n = vsnprintf(b->p + b->len, b->cap - b->len, fmt, ap);
		va_end(ap);
		if (n < 0) {
			b->failed = true;
		} else if ((size_t)n < b->cap - b->len) {
			b->len += (size_t)n;
			return;
		} else {
			size_t cap = (b->cap + (size_t)n + 1) * 2;
			char *p = realloc(b->p, cap);

			if (p == NULL)
				b->failed = true;
			else
				b->p = p, b->cap = cap;
		}
	}
}

/* in escaped into out (capacity cap, cut to fit before an escape, always terminated): \\ and
 * \n, and \" when quote (a label's value; HELP text keeps its quotes). */
static void escape(const char *in, bool quote, char *out, size_t cap)
{
	size_t o = 0;

	if (cap == 0)
		return;
	for (const char *c = in; *c != '\0'; c++) {
		const char *e = *c == '\\'           ? "\\\\"
		                : *c == '"' && quote ? "\\\""
		                : *c == '\n'         ? "\\n"
		                                     : NULL;
		size_t n = e != NULL ? 2 : 1;

		if (o + n >= cap)
			break;
		if (e != NULL)
			memcpy(out + o, e, 2);
		else
			out[o] = *c;
		o += n;
	}
	out[o] = '\0';
}

void metrics_escape(const char *value, char *out, size_t cap)
{
	escape(value, true, out, cap);
}

/* A value as the format writes it: +Inf, -Inf, NaN, else the shortest text that reads back. */
static void number(double v, char out[32])
{
	if (isnan(v))
		snprintf(out, 32, "NaN");
	else if (isinf(v))
		snprintf(out, 32, v > 0 ? "+Inf" : "-Inf");
	else {
		snprintf(out, 32, "%.15g", v);
		if (strtod(out, NULL) != v)
			snprintf(out, 32, "%.17g", v);
	}
}

/* The {a="x",b="y"} of a series, with le="bound" last when le is not NULL; "" when none. */
static void labels_text(const metrics_family *f, const struct series *s, const char *le, char *out,
                        size_t cap)
{
	char esc[2 * METRICS_VALUE_MAX];
	size_t o = 0;

	out[0] = '\0';
	for (size_t i = 0; i < f->n_labels; i++) {
		metrics_escape(s->values[i], esc, sizeof esc);
		o += (size_t)snprintf(out + o, cap - o, "%s%s=\"%s\"", i == 0 ? "{" : ",",
		                      f->labels[i], esc);
	}
	if (le != NULL)
		o += (size_t)snprintf(out + o, cap - o, "%sle=\"%s\"", o == 0 ? "{" : ",", le);
	if (o > 0)
		snprintf(out + o, cap - o, "}");
}

#define LABELS_TEXT_MAX 512 /* two names, two values escaped, le: under 400 */

static void render_histogram(struct buf *b, const metrics_family *f, const struct series *s)
{
	char labels[LABELS_TEXT_MAX], le[32], v[32];
	uint64_t total = 0;

	for (size_t i = 0; i <= f->n_buckets; i++) {
		total += atomic_load_explicit(&s->counts[i], memory_order_relaxed);
		if (i < f->n_buckets)
			number(f->buckets[i], le);
		labels_text(f, s, i < f->n_buckets ? le : "+Inf", labels, sizeof labels);
		put(b, "%s_bucket%s %llu\n", f->name, labels, (unsigned long long)total);
	}
	labels_text(f, s, NULL, labels, sizeof labels);
	number(atomic_load_explicit(&s->sum, memory_order_relaxed), v);
	put(b, "%s_sum%s %s\n", f->name, labels, v);
	put(b, "%s_count%s %llu\n", f->name, labels, (unsigned long long)total);
}

static void render_family(struct buf *b, const metrics_family *f)
{
	static const char *const types[] = {"counter", "gauge", "histogram"};
	size_t n = atomic_load_explicit(&f->n, memory_order_acquire);
	char labels[LABELS_TEXT_MAX], v[32], help[2 * HELP_MAX_LEN];

	escape(f->help, false, help, sizeof help);
	put(b, "# HELP %s %s\n# TYPE %s %s\n", f->name, help, f->name, types[f->type]);
	for (size_t i = 0; i < n; i++) {
		const struct series *s = &f->series[i];

		if (f->type == METRICS_HISTOGRAM) {
			render_histogram(b, f, s);
			continue;
		}
		labels_text(f, s, NULL, labels, sizeof labels);
		number(atomic_load_explicit(&s->value, memory_order_relaxed), v);
		put(b, "%s%s %s\n", f->name, labels, v);
	}
}

int metrics_render(metrics *m, char **out, size_t *len)
{
	struct buf b = {0};
	size_t n = m == NULL ? 0 : atomic_load_explicit(&m->n, memory_order_acquire);

	if (out == NULL || len == NULL)
		return METRICS_EARG;
	if ((b.p = malloc(b.cap = 4096)) == NULL)
		return METRICS_ENOMEM;
	b.p[0] = '\0';
	for (size_t i = 0; i < n; i++)
		render_family(&b, m->families[i]);
	if (b.failed) {
		free(b.p);
		return METRICS_ENOMEM;
	}
	*out = b.p;
	*len = b.len;
	return METRICS_OK;
}
