/* test_progress.c — the progress bar's text (cli_progress_format()): the bar filled in
 * proportion, the count of the total, the rate and the seconds; without a total, the count
 * alone; and nothing drawn when standard error is not a terminal. */
#include "testutil.h"

#include <stdio.h>
#include <unistd.h>

#include "cli/progress.h"

static void bar(void **state)
{
	char out[256];

	(void)state;
	cli_progress_format(out, sizeof out, 250, 1000, 2.0, "lines", 10);
	assert_string_equal(out, "[##........] 250/1000 lines  125/s  2.0 s");
	cli_progress_format(out, sizeof out, 1000, 1000, 4.0, "lines", 10);
	assert_string_equal(out, "[##########] 1000/1000 lines  250/s  4.0 s");
	cli_progress_format(out, sizeof out, 0, 3, 0.0, "days", 4);
	assert_string_equal(out, "[....] 0/3 days  0/s  0.0 s");
}

static void no_total(void **state)
{
	char out[256];

	(void)state;
	cli_progress_format(out, sizeof out, 1500, 0, 0.5, "lines", 10);
	assert_string_equal(out, "1500 lines  3000/s  0.5 s");
}

/* Standard error a file: nothing written to it, ever. */
static void not_a_terminal(void **state)
{
	struct cli_progress pr;
	char path[] = "/tmp/possum-progress-XXXXXX";
	int fd = mkstemp(path), saved = dup(STDERR_FILENO);

	(void)state;
	assert_true(fd >= 0 && saved >= 0);
	assert_true(dup2(fd, STDERR_FILENO) >= 0);
	cli_progress_start(&pr, "lines");
	cli_progress_update(&pr, 1, 10);
	cli_progress_update(&pr, 10, 10);
	cli_progress_end(&pr);
	fflush(stderr);
	dup2(saved, STDERR_FILENO);
	close(saved);
	assert_false(pr.tty);
	assert_int_equal(lseek(fd, 0, SEEK_END), 0);
	close(fd);
	unlink(path);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(bar),
	    cmocka_unit_test(no_total),
	    cmocka_unit_test(not_a_terminal),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
