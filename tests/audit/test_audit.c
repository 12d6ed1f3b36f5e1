/* test_audit.c — the audit log: an entry kept with the transaction of its change and lost
 * with its rollback, the checks on an entry, the filters of the listing, and a log that SQL
 * cannot rewrite. */
#include "store/store_fixture.h"

#include <string.h>

#include "audit/audit.h"

struct seen {
	struct store_audit rows[8];
	size_t n;
};

static int collect(void *ctx, const struct store_audit *a)
{
	struct seen *s = ctx;

	if (s->n < 8)
		s->rows[s->n] = *a;
	s->n++;
	return 0;
}

static void list(store *s, const struct store_audit_filter *f, struct seen *out)
{
	memset(out, 0, sizeof *out);
	assert_int_equal(store_audit_list(s, f, collect, out), STORE_OK);
}

static void record(store *s, const char *actor, const char *action, const char *object, int64_t at)
{
	json_t *before = json_pack("{s:s}", "status", "applied");
	json_t *after = json_pack("{s:s, s:s}", "status", "reviewing", "card", "622202******1234");

	assert_int_equal(store_begin(s), STORE_OK);
	assert_int_equal(audit_record(s, actor, action, object, before, after, at), AUDIT_OK);
	assert_int_equal(store_commit(s), STORE_OK);
	json_decref(before);
	json_decref(after);
}

static void test_record_and_list(void **state)
{
	struct store_fixture *f = *state;
	struct store_audit_filter all = {0}, by = {0};
	struct seen seen;

	record(f->s, "cli:root", "merchant.review", "merchant:1", 1000);
	record(f->s, "token:7", "terminal.activate", "terminal:12345678", 2000);
	record(f->s, "cli:root", "merchant.review", "merchant:10", 3000);

	list(f->s, &all, &seen);
	assert_int_equal(seen.n, 3);
	assert_string_equal(seen.rows[0].actor, "cli:root");
	assert_string_equal(seen.rows[0].before, "{\"status\":\"applied\"}");
	assert_string_equal(seen.rows[0].after,
	                    "{\"status\":\"reviewing\",\"card\":\"622202******1234\"}");
	assert_true(seen.rows[0].id < seen.rows[1].id);

	/* An object matches itself and its children, not a longer id with the same start. */
	by.object = "merchant:1";
	list(f->s, &by, &seen);
	assert_int_equal(seen.n, 1);
	assert_string_equal(seen.rows[0].object, "merchant:1");
	by.object = "merchant";
	list(f->s, &by, &seen);
	assert_int_equal(seen.n, 2);

	memset(&by, 0, sizeof by);
	by.actor = "token:7";
	list(f->s, &by, &seen);
	assert_int_equal(seen.n, 1);
	assert_string_equal(seen.rows[0].action, "terminal.activate");

	memset(&by, 0, sizeof by);
	by.since = 2000;
	by.until = 3000;
	list(f->s, &by, &seen);
	assert_int_equal(seen.n, 1);
	assert_int_equal(seen.rows[0].at, 2000);

	memset(&by, 0, sizeof by);
	by.after_id = seen.rows[0].id;
	by.limit = 1;
	list(f->s, &by, &seen);
	assert_int_equal(seen.n, 1);
	assert_int_equal(seen.rows[0].at, 3000);
}

static void test_null_states(void **state)
{
	struct store_fixture *f = *state;
	struct store_audit_filter all = {0};
	struct seen seen;

	assert_int_equal(store_begin(f->s), STORE_OK);
	assert_int_equal(audit_record(f->s, "host", "token.create", "token:1", NULL, NULL, 5),
	                 AUDIT_OK);
	assert_int_equal(store_commit(f->s), STORE_OK);
	list(f->s, &all, &seen);
	assert_int_equal(seen.n, 1);
	assert_string_equal(seen.rows[0].before, "null");
	assert_string_equal(seen.rows[0].after, "null");
}

/* An entry goes with its change: rolled back, neither is kept. */
static void test_rollback(void **state)
{
	struct store_fixture *f = *state;
	struct store_audit_filter all = {0};
	struct seen seen;

	assert_int_equal(store_begin(f->s), STORE_OK);
	assert_int_equal(audit_record(f->s, "cli:root", "card.lost", "card:1", NULL, NULL, 5),
	                 AUDIT_OK);
	assert_int_equal(store_rollback(f->s), STORE_OK);
	list(f->s, &all, &seen);
	assert_int_equal(seen.n, 0);
}

static void test_bad_entries(void **state)
{
	struct store_fixture *f = *state;
	struct store_audit_filter all = {0};
	struct seen seen;
	char big[STORE_AUDIT_STATE_MAX + 1];
	json_t *large;

	memset(big, 'x', sizeof big - 1);
	big[sizeof big - 1] = '\0';
	large = json_pack("{s:s}", "note", big);
	assert_int_equal(store_begin(f->s), STORE_OK);
	assert_int_equal(audit_record(f->s, "", "a.b", "x:1", NULL, NULL, 1), AUDIT_EARG);
	assert_int_equal(audit_record(f->s, "cli:root", "a.b\nforged", "x:1", NULL, NULL, 1),
	                 AUDIT_EARG);
	assert_int_equal(audit_record(f->s, "cli:root", "a.b", NULL, NULL, NULL, 1), AUDIT_EARG);
	assert_int_equal(audit_record(f->s, "cli:root", "a.b", "x:1", NULL, large, 1), AUDIT_EBIG);
	assert_int_equal(store_commit(f->s), STORE_OK);
	json_decref(large);
	list(f->s, &all, &seen);
	assert_int_equal(seen.n, 0);
	assert_string_equal(audit_strerror(AUDIT_EBIG), "audit state too long");
}

/* The log is append-only even to SQL run on the database behind possum's back (SQLite's
 * triggers, PostgreSQL's: a constraint's failure either way). */
static void test_append_only(void **state)
{
	struct store_fixture *f = *state;
	struct store_audit_filter all = {0};
	struct seen seen;

	record(f->s, "cli:root", "merchant.review", "merchant:1", 1000);
	store_fixture_sql_refused(f->path, "UPDATE audit_log SET actor = 'x'");
	store_fixture_sql_refused(f->path, "DELETE FROM audit_log");
	list(f->s, &all, &seen);
	assert_int_equal(seen.n, 1);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test_setup_teardown(test_record_and_list, store_fixture_setup,
	                                    store_fixture_teardown),
	    cmocka_unit_test_setup_teardown(test_null_states, store_fixture_setup,
	                                    store_fixture_teardown),
	    cmocka_unit_test_setup_teardown(test_rollback, store_fixture_setup,
	                                    store_fixture_teardown),
	    cmocka_unit_test_setup_teardown(test_bad_entries, store_fixture_setup,
	                                    store_fixture_teardown),
	    cmocka_unit_test_setup_teardown(test_append_only, store_fixture_setup,
	                                    store_fixture_teardown),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
