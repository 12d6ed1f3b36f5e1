/* metrics.h — a registry of counters, gauges and histograms, rendered in the Prometheus text
 * exposition format 0.0.4 (docs/operations.md lists what possum records).
 *
 * The registry holds families; a family is one metric name of one type with up to
 * METRICS_LABELS_MAX label names, and a series per combination of label values, made the first
 * time a combination is recorded, up to the family's series_max (its values come from a small
 * fixed set: a transaction's type and response code, a pipeline stage's name). A histogram has
 * fixed buckets, given by their upper bounds, and counts a value in the first bucket whose
 * bound it does not exceed (the implicit +Inf bucket last).
 *
 * Threads: families are added before the threads that record start (metrics_add locks
 * nevertheless). Any thread may record while another renders: the values are atomics and a new
 * series is published only once whole, so a render sees each value whole, though not all at
 * one instant. No global state: the caller creates the registry and hands it to whoever
 * records. No I/O. Functions return METRICS_OK or a negative METRICS_E* code. */
#ifndef POSSUM_METRICS_H
#define POSSUM_METRICS_H

#include <stdbool.h>
#include <stddef.h>

#define METRICS_OK     0
#define METRICS_EARG   (-1) /* a bad name, label, bucket list or value */
#define METRICS_ENOMEM (-2)
#define METRICS_EFULL  (-3) /* the family has series_max series already: not recorded */
#define METRICS_EEXIST (-4) /* a family of that name is registered already */

const char *metrics_strerror(int rc);

#define METRICS_LABELS_MAX     2
#define METRICS_VALUE_MAX      32 /* bytes of a label's value, its NUL included */
#define METRICS_BUCKETS_MAX    16
#define METRICS_SERIES_DEFAULT 64

enum metrics_type { METRICS_COUNTER, METRICS_GAUGE, METRICS_HISTOGRAM };

typedef struct metrics metrics;
typedef struct metrics_family metrics_family;

/* A family: name [a-zA-Z_:][a-zA-Z0-9_:]*, help one line of text, its label names (NULL
 * after the last, names [a-zA-Z_][a-zA-Z0-9_]*, not "le"), a histogram's bucket bounds
 * (increasing, finite, at most METRICS_BUCKETS_MAX), and the series kept (0: the default). */
struct metrics_spec {
	const char *name, *help;
	enum metrics_type type;
	const char *labels[METRICS_LABELS_MAX];
	const double *buckets;
	size_t n_buckets;
	size_t series_max;
};

int metrics_new(metrics **out);
/* m may be NULL. */
void metrics_free(metrics *m);

/* Registers the family spec describes (its strings copied) and gives it in *out (may be NULL):
 * METRICS_OK, METRICS_EARG, METRICS_EEXIST, METRICS_ENOMEM. A family without labels has its one
 * series from the start, rendered 0 until recorded. */
int metrics_add(metrics *m, const struct metrics_spec *spec, metrics_family **out);
/* The family called name, or NULL. */
metrics_family *metrics_find(metrics *m, const char *name);

/* Recording: values are the family's label values in the order of its names (NULL for a
 * family without labels), each up to METRICS_VALUE_MAX - 1 bytes. f may be NULL (nothing
 * recorded, METRICS_OK): a front end records whether or not a registry was given.
 * metrics_add_to() adds by (a counter: by >= 0) to a counter or gauge; metrics_set() sets a
 * gauge, or a counter to a total counted elsewhere (the CPU time the kernel keeps);
 * metrics_observe() counts v in a histogram. */
int metrics_add_to(metrics_family *f, const char *const *values, double by);
int metrics_set(metrics_family *f, const char *const *values, double v);
int metrics_observe(metrics_family *f, const char *const *values, double v);

/* The whole registry in the text format 0.0.4, families in the order added, series in the
 * order made: *out (heap, NUL-terminated, the caller frees it) of *len bytes. METRICS_OK or
 * METRICS_ENOMEM. */
int metrics_render(metrics *m, char **out, size_t *len);

/* A label value escaped as the text format wants it (\\, \" and \n) into out (capacity cap,
 * cut to fit, always terminated). */
void metrics_escape(const char *value, char *out, size_t cap);

#endif
