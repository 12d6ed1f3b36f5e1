/* test_metrics.c — the registry's text exposition format 0.0.4: HELP and TYPE lines, a counter
 * and a gauge with and without labels, a histogram's cumulative _bucket{le=…} series ending in
 * +Inf with its _sum and _count, label values escaped; and what it refuses: bad names, buckets
 * out of order, a counter going down, series beyond the family's limit, a name twice. Two
 * threads recording while a third renders lose no increment. */
#include "testutil.h"

#include <pthread.h>
#include <stdio.h>

#include "metrics/metrics.h"

static char *render(metrics *m)
{
	char *text = NULL;
	size_t len = 0;

	assert_int_equal(metrics_render(m, &text, &len), METRICS_OK);
	assert_int_equal(strlen(text), len);
	return text;
}

static void counter_and_gauge(void **state)
{
	metrics *m;
	metrics_family *txns, *depth;
	char *text;

	(void)state;
	assert_int_equal(metrics_new(&m), METRICS_OK);
	assert_int_equal(
	    metrics_add(m,
	                &(struct metrics_spec){.name = "possum_transactions_total",
	                                       .help = "Terminal requests by type and rc.",
	                                       .type = METRICS_COUNTER,
	                                       .labels = {"type", "rc"}},
	                &txns),
	    METRICS_OK);
	assert_int_equal(metrics_add(m,
	                             &(struct metrics_spec){.name = "possum_outbox_depth",
	                                                    .help = "Texts waiting.",
	                                                    .type = METRICS_GAUGE},
	                             &depth),
	                 METRICS_OK);
	assert_int_equal(metrics_add_to(txns, (const char *[]){"purchase", "00"}, 1), METRICS_OK);
	assert_int_equal(metrics_add_to(txns, (const char *[]){"purchase", "00"}, 1), METRICS_OK);
	assert_int_equal(metrics_add_to(txns, (const char *[]){"refund", "51"}, 1), METRICS_OK);
	assert_int_equal(metrics_set(depth, NULL, 3), METRICS_OK);
	assert_ptr_equal(metrics_find(m, "possum_outbox_depth"), depth);
	assert_null(metrics_find(m, "possum_nothing"));
	text = render(m);
	assert_string_equal(text,
	                    "# HELP possum_transactions_total Terminal requests by type and rc.\n"
	                    "# TYPE possum_transactions_total counter\n"
	                    "possum_transactions_total{type=\"purchase\",rc=\"00\"} 2\n"
	                    "possum_transactions_total{type=\"refund\",rc=\"51\"} 1\n"
	                    "# HELP possum_outbox_depth Texts waiting.\n"
	                    "# TYPE possum_outbox_depth gauge\n"
	                    "possum_outbox_depth 3\n");
	free(text);
	metrics_free(m);
}

static void histogram_cumulative(void **state)
{
	static const double bounds[] = {0.125, 0.5, 1};
	metrics *m;
	metrics_family *h;
	char *text;

	(void)state;
	assert_int_equal(metrics_new(&m), METRICS_OK);
	assert_int_equal(metrics_add(m,
	                             &(struct metrics_spec){.name = "possum_stage_seconds",
	                                                    .help = "Time in each stage.",
	                                                    .type = METRICS_HISTOGRAM,
	                                                    .labels = {"stage"},
	                                                    .buckets = bounds,
	                                                    .n_buckets = 3},
	                             &h),
	                 METRICS_OK);
	/* A value on a bound counts in that bucket (le: less than or equal). */
	assert_int_equal(metrics_observe(h, (const char *[]){"mac"}, 0.125), METRICS_OK);
	assert_int_equal(metrics_observe(h, (const char *[]){"mac"}, 0.25), METRICS_OK);
	assert_int_equal(metrics_observe(h, (const char *[]){"mac"}, 1.5), METRICS_OK);
	assert_int_equal(metrics_observe(h, (const char *[]){"mac"}, 2), METRICS_OK);
	text = render(m);
	assert_string_equal(text, "# HELP possum_stage_seconds Time in each stage.\n"
	                          "# TYPE possum_stage_seconds histogram\n"
	                          "possum_stage_seconds_bucket{stage=\"mac\",le=\"0.125\"} 1\n"
	                          "possum_stage_seconds_bucket{stage=\"mac\",le=\"0.5\"} 2\n"
	                          "possum_stage_seconds_bucket{stage=\"mac\",le=\"1\"} 2\n"
	                          "possum_stage_seconds_bucket{stage=\"mac\",le=\"+Inf\"} 4\n"
	                          "possum_stage_seconds_sum{stage=\"mac\"} 3.875\n"
	                          "possum_stage_seconds_count{stage=\"mac\"} 4\n");
	free(text);
	metrics_free(m);
}

static void unlabelled_histogram_renders_zeros(void **state)
{
	static const double bounds[] = {1, 8};
	metrics *m;
	char *text;

	(void)state;
	assert_int_equal(metrics_new(&m), METRICS_OK);
	assert_int_equal(metrics_add(m,
	                             &(struct metrics_spec){.name = "possum_commit_batch_size",
	                                                    .help = "Batch size.",
	                                                    .type = METRICS_HISTOGRAM,
	                                                    .labels = {NULL},
	                                                    .buckets = bounds,
	                                                    .n_buckets = 2},
	                             NULL),
	                 METRICS_OK);
	text = render(m);
	assert_string_equal(text, "# HELP possum_commit_batch_size Batch size.\n"
	                          "# TYPE possum_commit_batch_size histogram\n"
	                          "possum_commit_batch_size_bucket{le=\"1\"} 0\n"
	                          "possum_commit_batch_size_bucket{le=\"8\"} 0\n"
	                          "possum_commit_batch_size_bucket{le=\"+Inf\"} 0\n"
	                          "possum_commit_batch_size_sum 0\n"
	                          "possum_commit_batch_size_count 0\n");
	free(text);
	metrics_free(m);
}

static void escapes_labels_and_help(void **state)
{
	metrics *m;
	metrics_family *g;
	char *text, esc[16];

	(void)state;
	metrics_escape("a\"b\\c\nd", esc, sizeof esc);
	assert_string_equal(esc, "a\\\"b\\\\c\\nd");
	metrics_escape("\"\"\"\"\"\"\"\"", esc, 6); /* cut whole: never half an escape */
	assert_string_equal(esc, "\\\"\\\"");
	assert_int_equal(metrics_new(&m), METRICS_OK);
	assert_int_equal(metrics_add(m,
	                             &(struct metrics_spec){.name = "x",
	                                                    .help = "back\\slash\nnew line",
	                                                    .type = METRICS_GAUGE,
	                                                    .labels = {"front"}},
	                             &g),
	                 METRICS_OK);
	assert_int_equal(metrics_set(g, (const char *[]){"a\"b\\c\nd"}, -1.5), METRICS_OK);
	text = render(m);
	assert_string_equal(text, "# HELP x back\\\\slash\\nnew line\n"
	                          "# TYPE x gauge\n"
	                          "x{front=\"a\\\"b\\\\c\\nd\"} -1.5\n");
	free(text);
	metrics_free(m);
}

static void refusals(void **state)
{
	static const double down[] = {1, 0.5}, one[] = {1};
	metrics *m;
	metrics_family *c, *two;

	(void)state;
	assert_int_equal(metrics_new(&m), METRICS_OK);
	assert_int_equal(
	    metrics_add(m, &(struct metrics_spec){.name = "9x", .help = "h", .type = METRICS_GAUGE},
	                NULL),
	    METRICS_EARG);
	assert_int_equal(
	    metrics_add(
	        m, &(struct metrics_spec){.name = "x-y", .help = "h", .type = METRICS_GAUGE}, NULL),
	    METRICS_EARG);
	assert_int_equal(
	    metrics_add(m,
	                &(struct metrics_spec){
	                    .name = "x", .help = "h", .type = METRICS_GAUGE, .labels = {"le"}},
	                NULL),
	    METRICS_EARG);
	assert_int_equal(metrics_add(m,
	                             &(struct metrics_spec){.name = "h",
	                                                    .help = "h",
	                                                    .type = METRICS_HISTOGRAM,
	                                                    .labels = {NULL},
	                                                    .buckets = down,
	                                                    .n_buckets = 2},
	                             NULL),
	                 METRICS_EARG);
	assert_int_equal(metrics_add(m,
	                             &(struct metrics_spec){.name = "g",
	                                                    .help = "h",
	                                                    .type = METRICS_GAUGE,
	                                                    .labels = {NULL},
	                                                    .buckets = one,
	                                                    .n_buckets = 1},
	                             NULL),
	                 METRICS_EARG);
	assert_int_equal(
	    metrics_add(
	        m, &(struct metrics_spec){.name = "c", .help = "h", .type = METRICS_COUNTER}, &c),
	    METRICS_OK);
	assert_int_equal(
	    metrics_add(m, &(struct metrics_spec){.name = "c", .help = "h", .type = METRICS_GAUGE},
	                NULL),
	    METRICS_EEXIST);
	assert_int_equal(metrics_add_to(c, NULL, -1), METRICS_EARG);
	assert_int_equal(metrics_observe(c, NULL, 1), METRICS_EARG);
	assert_int_equal(metrics_add_to(NULL, NULL, 1), METRICS_OK); /* no registry: nothing */
	assert_int_equal(metrics_add(m,
	                             &(struct metrics_spec){.name = "two",
	                                                    .help = "h",
	                                                    .type = METRICS_COUNTER,
	                                                    .labels = {"k"},
	                                                    .buckets = NULL,
	                                                    .n_buckets = 0,
	                                                    .series_max = 2},
	                             &two),
	                 METRICS_OK);
	assert_int_equal(metrics_add_to(two, (const char *[]){"a"}, 1), METRICS_OK);
	assert_int_equal(metrics_add_to(two, (const char *[]){"b"}, 1), METRICS_OK);
	assert_int_equal(metrics_add_to(two, (const char *[]){"c"}, 1), METRICS_EFULL);
	assert_int_equal(metrics_add_to(two, (const char *[]){"a"}, 1), METRICS_OK);
	assert_int_equal(metrics_add_to(two, (const char *[]){NULL}, 1), METRICS_EARG);
	assert_int_equal(
	    metrics_add_to(two, (const char *[]){"0123456789012345678901234567890123"}, 1),
	    METRICS_EARG);
	metrics_free(m);
}

#define ROUNDS 20000

static void *recorder(void *arg)
{
	metrics_family *f = arg;
	char v[4];

	for (int i = 0; i < ROUNDS; i++) {
		snprintf(v, sizeof v, "%d", i % 10);
		metrics_add_to(f, (const char *[]){v}, 1);
	}
	return NULL;
}

static void threads_lose_nothing(void **state)
{
	metrics *m;
	metrics_family *f;
	pthread_t a, b;
	char *text;
	long total = 0;

	(void)state;
	assert_int_equal(metrics_new(&m), METRICS_OK);
	assert_int_equal(metrics_add(m,
	                             &(struct metrics_spec){.name = "n_total",
	                                                    .help = "h",
	                                                    .type = METRICS_COUNTER,
	                                                    .labels = {"k"}},
	                             &f),
	                 METRICS_OK);
	pthread_create(&a, NULL, recorder, f);
	pthread_create(&b, NULL, recorder, f);
	for (int i = 0; i < 50; i++)
		free(render(m));
	pthread_join(a, NULL);
	pthread_join(b, NULL);
	text = render(m);
	for (char *line = strtok(text, "\n"); line != NULL; line = strtok(NULL, "\n"))
		if (line[0] != '#')
			total += strtol(strchr(line, ' ') + 1, NULL, 10);
	assert_int_equal(total, 2 * ROUNDS);
	free(text);
	metrics_free(m);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(counter_and_gauge),
	    cmocka_unit_test(histogram_cumulative),
	    cmocka_unit_test(unlabelled_histogram_renders_zeros),
	    cmocka_unit_test(escapes_labels_and_help),
	    cmocka_unit_test(refusals),
	    cmocka_unit_test(threads_lose_nothing),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
