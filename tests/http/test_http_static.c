/* test_http_static.c — the console's files built into the binary (http_static_get(), static.c):
 * index.html at "/" and by name with its media type, the scripts and uPlot as JavaScript, and
 * refusals: a path not in web/, a path climbing out with "..", a relative path. */
#define _GNU_SOURCE /* memmem */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include <cmocka.h>

#include "http/http.h"

static void index_served_at_root_and_by_name(void **state)
{
	const uint8_t *data = NULL, *again = NULL;
	size_t len = 0, len2 = 0;
	const char *type = NULL;

	(void)state;
	assert_int_equal(http_static_get("/", &data, &len, &type), HTTP_OK);
	assert_string_equal(type, "text/html; charset=utf-8");
	assert_true(len > 100);
	assert_non_null(memmem(data, len, "<!doctype html>", 15));
	assert_non_null(memmem(data, len, "js/app.js", 9));
	assert_int_equal(http_static_get("/index.html", &again, &len2, &type), HTTP_OK);
	assert_ptr_equal(again, data);
	assert_int_equal(len2, len);
}

static void types_by_extension(void **state)
{
	static const struct {
		const char *path, *type;
	} want[] = {
	    {"/js/app.js", "text/javascript; charset=utf-8"},
	    {"/js/merchant.js", "text/javascript; charset=utf-8"},
	    {"/css/console.css", "text/css; charset=utf-8"},
	    {"/vendor/uplot/uPlot.iife.min.js", "text/javascript; charset=utf-8"},
	    {"/vendor/uplot/uPlot.min.css", "text/css; charset=utf-8"},
	    {"/vendor/uplot/LICENSE", "text/plain; charset=utf-8"},
	};
	const uint8_t *data;
	size_t len;
	const char *type;

	(void)state;
	for (size_t i = 0; i < sizeof want / sizeof want[0]; i++) {
		assert_int_equal(http_static_get(want[i].path, &data, &len, &type), HTTP_OK);
		assert_string_equal(type, want[i].type);
		assert_true(len > 0);
		assert_int_equal(data[len], 0); /* the table ends each file with a NUL */
	}
}

static void unknown_and_climbing_paths_refused(void **state)
{
	static const char *const refused[] = {
	    "/nope", "/js/../index.html", "/../index.html", "/..", "index.html", "",
	    "/js/",  "/index.html/",      "/INDEX.HTML",
	};
	const uint8_t *data;
	size_t len;
	const char *type;

	(void)state;
	for (size_t i = 0; i < sizeof refused / sizeof refused[0]; i++) {
		data = (const uint8_t *)"x";
		assert_int_equal(http_static_get(refused[i], &data, &len, &type), HTTP_ENOTFOUND);
		assert_null(data);
		assert_int_equal(len, 0);
		assert_null(type);
	}
	assert_int_equal(http_static_get(NULL, &data, &len, &type), HTTP_ENOTFOUND);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(index_served_at_root_and_by_name),
	    cmocka_unit_test(types_by_extension),
	    cmocka_unit_test(unknown_and_climbing_paths_refused),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
