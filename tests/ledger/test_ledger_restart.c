/* test_ledger_restart.c — durability across a crash: a child process commits transfers, one
 * store transaction each, then opens a transaction, writes more and is killed (SIGKILL) before
 * it commits. Reopened, the ledger holds every committed transfer, none of the uncommitted,
 * and the check finds it sound. */
#include "ledger/ledger_fixture.h"

#include <signal.h>
#include <sys/wait.h>
#include <unistd.h>

#define COMMITTED   50
#define UNCOMMITTED 20

static struct ledger_transfer transfer(uint64_t n, uint32_t flags)
{
	return (struct ledger_transfer){.id = test_id(n),
	                                .debit_account = 1,
	                                .credit_account = 2,
	                                .amount = (int64_t)n,
	                                .currency = 156,
	                                .flags = flags};
}

/* The child: its own store on the file; tells the parent through fd when it is mid-way
 * through the uncommitted transaction, then waits to be killed. */
static void child(const char *path, int fd)
{
	struct ledger_transfer t;
	store *s;
	char c = 'x';

	if (store_open(path, &s) != STORE_OK)
		_exit(2);
	for (uint64_t n = 1; n <= COMMITTED; n++) {
		t = transfer(n, n % 3 == 0 ? LEDGER_PENDING : 0);
		if (ledger_transfer_create(s, &t, 100, NULL) != LEDGER_OK)
			_exit(3);
	}
	if (store_begin(s) != STORE_OK)
		_exit(4);
	for (uint64_t n = COMMITTED + 1; n <= COMMITTED + UNCOMMITTED; n++) {
		t = transfer(n, 0);
		if (ledger_transfer_create(s, &t, 100, NULL) != LEDGER_OK)
			_exit(5);
	}
	t = (struct ledger_transfer){
	    .id = test_id(1000), .flags = LEDGER_POST, .pending_id = test_id(3)};
	if (ledger_transfer_create(s, &t, 100, NULL) != LEDGER_OK || write(fd, &c, 1) != 1)
		_exit(6);
	for (;;)
		pause();
}

static void killed_mid_transaction(void **state)
{
	struct store_fixture *f = *state;
	struct ledger_transfer t;
	struct ledger_report r;
	struct test_violations v = {0};
	int fds[2], status;
	pid_t pid;
	char c;

	assert_int_equal(test_account(f->s, 156, 0, 0), 1);
	assert_int_equal(test_account(f->s, 156, 0, 0), 2);
	store_close(f->s);
	f->s = NULL;
	assert_int_equal(pipe(fds), 0);
	pid = fork();
	assert_true(pid >= 0);
	if (pid == 0) {
		close(fds[0]);
		child(f->path, fds[1]);
	}
	close(fds[1]);
	if (read(fds[0], &c, 1) != 1) {
		waitpid(pid, &status, 0);
		fail_msg("the child failed: exit %d", WEXITSTATUS(status));
	}
	close(fds[0]);
	assert_int_equal(kill(pid, SIGKILL), 0);
	assert_int_equal(waitpid(pid, &status, 0), pid);
	assert_true(WIFSIGNALED(status) && WTERMSIG(status) == SIGKILL);

	assert_int_equal(store_open(f->path, &f->s), STORE_OK);
	for (uint64_t n = 1; n <= COMMITTED; n++) {
		ledger_id id = test_id(n);
		assert_int_equal(ledger_transfer_get(f->s, &id, &t), LEDGER_OK);
		assert_int_equal(t.amount, (int64_t)n);
		if (n % 3 == 0)
			assert_int_equal(t.state, LEDGER_STATE_PENDING);
	}
	for (uint64_t n = COMMITTED + 1; n <= COMMITTED + UNCOMMITTED; n++) {
		ledger_id id = test_id(n);
		assert_int_equal(ledger_transfer_get(f->s, &id, &t), LEDGER_ENOPENDING);
	}
	t.id = test_id(1000);
	assert_int_equal(ledger_transfer_get(f->s, &t.id, &t), LEDGER_ENOPENDING);
	if (test_check(f->s, &r, &v) != 0)
		fail_msg("check: %s", v.last);
	assert_int_equal(r.totals[0].transfers, COMMITTED);
	/* The lock died with the child: the store takes writes again. */
	t = transfer(COMMITTED + 1, 0);
	assert_int_equal(ledger_transfer_create(f->s, &t, 200, NULL), LEDGER_OK);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test_setup_teardown(killed_mid_transaction, store_fixture_setup,
	                                    store_fixture_teardown),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
