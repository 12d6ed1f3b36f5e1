/* test_log.c — the JSON-lines log: each line parses as a JSON object with ts (ISO 8601 UTC,
 * milliseconds), level and event first and the caller's fields after; levels below the
 * minimum are not written; the core members cannot be overridden; bad levels and paths. */
#include "testutil.h"

#include <stdio.h>
#include <sys/stat.h>
#include <unistd.h>

#include <jansson.h>

#include "log/log.h"

static char path[64];

static void fresh_path(void)
{
	int fd;

	snprintf(path, sizeof path, "/tmp/test_log.XXXXXX");
	fd = mkstemp(path);
	assert_true(fd >= 0);
	close(fd);
	unlink(path);
}

static void lines_are_json(void **state)
{
	char line[1024];
	possum_log *l = NULL;
	json_error_t jerr;
	struct stat st;
	int n = 0;
	FILE *f;

	(void)state;
	fresh_path();
	assert_int_equal(log_open(path, LOG_INFO, &l), LOG_OK);
	log_event(l, LOG_INFO, "listening",
	          json_pack("{s:s, s:i}", "link", "issuer", "port", 5001));
	log_event(l, LOG_DEBUG, "not written", NULL);
	log_event(l, LOG_WARN, "plain", NULL);
	log_event(l, LOG_ERROR, "overrides",
	          json_pack("{s:s, s:s}", "event", "x", "pan", "622588******1234"));
	log_close(l);
	assert_int_equal(stat(path, &st), 0);
	assert_int_equal(st.st_mode & 0777, 0600);

	f = fopen(path, "r");
	assert_non_null(f);
	while (fgets(line, sizeof line, f) != NULL) {
		json_t *o = json_loads(line, 0, &jerr);
		const char *ts;

		if (o == NULL)
			fail_msg("line %d is not JSON: %s (%s)", n + 1, line, jerr.text);
		assert_true(json_is_object(o));
		ts = json_string_value(json_object_get(o, "ts"));
		assert_non_null(ts);
		/* 2026-11-30T12:00:00.123Z */
		assert_int_equal(strlen(ts), 24);
		assert_true(ts[4] == '-' && ts[10] == 'T' && ts[19] == '.' && ts[23] == 'Z');
		assert_non_null(json_string_value(json_object_get(o, "level")));
		assert_non_null(json_string_value(json_object_get(o, "event")));
		switch (n) {
		case 0:
			assert_non_null(strstr(line, "\"level\":\"info\",\"event\":\"listening\","
			                             "\"link\":\"issuer\",\"port\":5001}"));
			break;
		case 1:
			assert_string_equal(json_string_value(json_object_get(o, "level")), "warn");
			assert_string_equal(json_string_value(json_object_get(o, "event")),
			                    "plain");
			break;
		case 2:
			assert_string_equal(json_string_value(json_object_get(o, "event")),
			                    "overrides");
			assert_string_equal(json_string_value(json_object_get(o, "pan")),
			                    "622588******1234");
			break;
		default:
			fail_msg("unexpected line: %s", line);
		}
		json_decref(o);
		n++;
	}
	fclose(f);
	assert_int_equal(n, 3);
	/* Appending, not overwriting. */
	assert_int_equal(log_open(path, LOG_DEBUG, &l), LOG_OK);
	log_event(l, LOG_DEBUG, "again", NULL);
	log_close(l);
	f = fopen(path, "r");
	for (n = 0; fgets(line, sizeof line, f) != NULL; n++)
		;
	fclose(f);
	assert_int_equal(n, 4);
	unlink(path);
}

static size_t count_lines(void)
{
	char line[1024];
	size_t n = 0;
	FILE *f = fopen(path, "r");

	assert_non_null(f);
	while (fgets(line, sizeof line, f) != NULL) {
		assert_non_null(strchr(line, '\n')); /* whole lines only */
		n++;
	}
	fclose(f);
	return n;
}

/* Held lines reach the file only on release, all of them, in order; many more than the
 * first buffer holds. */
static void held_lines(void **state)
{
	possum_log *l = NULL;

	(void)state;
	fresh_path();
	assert_int_equal(log_open(path, LOG_INFO, &l), LOG_OK);
	log_event(l, LOG_INFO, "before", NULL);
	log_hold(l);
	for (int i = 0; i < 1000; i++)
		log_event(l, LOG_INFO, "held", json_pack("{s:i}", "i", i));
	log_event(l, LOG_DEBUG, "below the level", NULL);
	assert_int_equal(count_lines(), 1);
	log_release(l);
	assert_int_equal(count_lines(), 1001);
	log_event(l, LOG_INFO, "after", NULL);
	assert_int_equal(count_lines(), 1002);
	/* Closing releases what is held. */
	log_hold(l);
	log_event(l, LOG_INFO, "held at close", NULL);
	log_close(l);
	assert_int_equal(count_lines(), 1003);
	unlink(path);
}

static void levels_and_refusals(void **state)
{
	possum_log *l = NULL;
	int level = -1;

	(void)state;
	assert_int_equal(log_level_parse("debug", &level), LOG_OK);
	assert_int_equal(level, LOG_DEBUG);
	assert_int_equal(log_level_parse("error", &level), LOG_OK);
	assert_int_equal(level, LOG_ERROR);
	assert_int_equal(log_level_parse("INFO", &level), LOG_EARG);
	assert_int_equal(log_level_parse("", &level), LOG_EARG);
	assert_string_equal(log_level_name(LOG_WARN), "warn");
	assert_string_equal(log_level_name(7), "?");
	assert_int_equal(log_open("/nonexistent/dir/possum.log", LOG_INFO, &l), LOG_EIO);
	assert_int_equal(log_open("-", 9, &l), LOG_EARG);
	/* Standard error: opened and closed without closing stderr. */
	assert_int_equal(log_open("-", LOG_ERROR, &l), LOG_OK);
	log_event(l, LOG_INFO, "below the minimum", json_object());
	log_close(l);
	log_close(NULL);
	assert_string_equal(log_strerror(LOG_EIO), "cannot open the log file");
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(lines_are_json),
	    cmocka_unit_test(held_lines),
	    cmocka_unit_test(levels_and_refusals),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
