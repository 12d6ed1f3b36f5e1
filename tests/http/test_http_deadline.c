/* test_http_deadline.c — the deadline for a whole HTTP request (http/deadline.h), on socket
 * pairs standing for connections: one still armed past its deadline is shut down (its peer
 * reads the end of the stream) however often bytes came; one disarmed (its request whole)
 * is left alone; one armed again after its request gets a fresh deadline; one removed is
 * never touched. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

#include <cmocka.h>

#include <sys/socket.h>
#include <time.h>
#include <unistd.h>

#include "http/deadline.h"

/* Whether the peer of fd's pair sees the stream ended, without waiting. */
static int ended(int peer)
{
	char c;

	return recv(peer, &c, 1, MSG_DONTWAIT) == 0;
}

static void nap_ms(long ms)
{
	struct timespec t = {ms / 1000, (ms % 1000) * 1000000L};

	nanosleep(&t, NULL);
}

/* A table with a deadline of 2 s and a connection (sv[0], its client sv[1]), armed. */
static struct http_deadline *open_pair(struct http_deadlines *d, int sv[2])
{
	struct http_deadline *e;

	assert_int_equal(socketpair(AF_UNIX, SOCK_STREAM, 0, sv), 0);
	assert_int_equal(http_deadlines_start(d, 2), 0);
	assert_non_null(e = http_deadline_add(d, sv[0]));
	return e;
}

static void close_pair(struct http_deadlines *d, struct http_deadline *e, int sv[2])
{
	http_deadline_remove(d, e);
	http_deadlines_stop(d);
	close(sv[0]);
	close(sv[1]);
}

static void armed_past_deadline_shut_down(void **state)
{
	struct http_deadlines d;
	struct http_deadline *e;
	int sv[2];

	(void)state;
	e = open_pair(&d, sv);
	/* Bytes trickling in change nothing: only a whole request disarms. */
	for (int i = 0; i < 4; i++) {
		assert_int_equal(write(sv[1], "G", 1), 1);
		nap_ms(150);
	}
	assert_false(ended(sv[1]));
	nap_ms(2000);
	assert_true(ended(sv[1]));
	close_pair(&d, e, sv);
}

static void disarmed_left_alone_rearmed_fresh(void **state)
{
	struct http_deadlines d;
	struct http_deadline *e;
	int sv[2];

	(void)state;
	e = open_pair(&d, sv);
	nap_ms(600);
	http_deadline_arm(&d, e, false); /* the request has come whole */
	nap_ms(2000);
	assert_false(ended(sv[1]));
	http_deadline_arm(&d, e, true); /* the next request: two seconds from now */
	nap_ms(600);
	assert_false(ended(sv[1]));
	nap_ms(2000);
	assert_true(ended(sv[1]));
	close_pair(&d, e, sv);
}

static void removed_never_touched(void **state)
{
	struct http_deadlines d;
	int sv[2];

	(void)state;
	http_deadline_remove(&d, open_pair(&d, sv));
	http_deadline_arm(&d, NULL, true); /* no entry: nothing */
	nap_ms(2600);
	assert_false(ended(sv[1]));
	close_pair(&d, NULL, sv);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(armed_past_deadline_shut_down),
	    cmocka_unit_test(disarmed_left_alone_rearmed_fresh),
	    cmocka_unit_test(removed_never_touched),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
