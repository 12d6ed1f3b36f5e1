/* test_store.c — the store through its interface: creation (mode 0600) and migration,
 * reopening, a database from a newer possum refused, the acquirer's rows of an older one
 * filled in (acquirer.3), nested transactions committed and rolled back at each level, meta
 * values added, read, replaced and refused, misuse, a merchant's takings in buckets, and the
 * bytes searched for a secret in clear. On
 * PostgreSQL too (POSSUM_TEST_PG), where SQLite's file mode, copies, checkpoints and write lock
 * take their PostgreSQL meaning. */
#include "store/store_fixture.h"
#include "store/store_acquirer.h"
#include "store/store_issuer.h"
#include "store/store_saf.h"

#include <sys/stat.h>
#include <unistd.h>

static void open_creates_and_migrates(void **state)
{
	struct store_fixture *f = *state;
	struct stat st;
	int v;

	if (!store_fixture_pg()) { /* SQLite's file; PostgreSQL's are the server's */
		assert_int_equal(stat(f->path, &st), 0);
		assert_int_equal(st.st_mode & 0777, 0600);
	}
	assert_int_equal(store_schema_version(f->s, "meta", &v), STORE_OK);
	assert_int_equal(v, 2); /* meta.2: the leases */
	assert_int_equal(store_schema_version(f->s, "ledger", &v), STORE_OK);
	assert_true(v >= 1);
	assert_int_equal(store_schema_version(f->s, "nosuchmodule", &v), STORE_OK);
	assert_int_equal(v, 0);
	assert_int_equal(store_depth(f->s), 0);
	assert_string_equal(store_errmsg(f->s), "");
}

static void reopen_keeps_data(void **state)
{
	struct store_fixture *f = *state;
	char out[32];
	int v;

	assert_int_equal(store_meta_add(f->s, "setting", "kept"), STORE_OK);
	store_close(f->s);
	assert_int_equal(store_open(f->path, &f->s), STORE_OK);
	assert_int_equal(store_meta_get(f->s, "setting", out, sizeof out), STORE_OK);
	assert_string_equal(out, "kept");
	assert_int_equal(store_schema_version(f->s, "meta", &v), STORE_OK);
	assert_int_equal(v, 2);
}

static void newer_schema_refused(void **state)
{
	struct store_fixture *f = *state;
	store *s2 = NULL;

	store_fixture_sql(f->path,
	                  "UPDATE schema_versions SET version = 99 WHERE module = 'ledger'");
	assert_int_equal(store_open(f->path, &s2), STORE_ESCHEMA);
	assert_null(s2);
}

/* What store_schema_status() saw, and store_migrate_report() applied. */
struct seen {
	int modules, pending, newer, risk, stop_after;
	char applied[64];
};

static int on_module(void *ctx, const struct store_schema_module *m)
{
	struct seen *s = ctx;

	s->modules++;
	s->pending += m->version < m->newest ? m->newest - m->version : 0;
	s->newer += m->version > m->newest;
	if (strcmp(m->module, "risk") == 0)
		s->risk = m->version;
	return s->modules == s->stop_after ? 42 : 0;
}

static void on_applied(void *ctx, const char *module, int version)
{
	struct seen *s = ctx;
	size_t len = strlen(s->applied);

	snprintf(s->applied + len, sizeof s->applied - len, "%s %d;", module, version);
}

/* A store set back one migration (risk 3): seen pending without a change, unmigrated opens
 * leave it so, store_migrate_report() applies it and says so; a newer one is seen as such. */
static void schema_status_and_report(void **state)
{
	struct store_fixture *f = *state;
	struct seen seen = {0};
	store *s = NULL;

	assert_int_equal(store_schema_status(f->s, on_module, &seen), STORE_OK);
	assert_true(seen.modules > 10);
	assert_int_equal(seen.pending + seen.newer, 0);
	assert_int_equal(store_schema_status(f->s, NULL, NULL), STORE_EARG);
	seen = (struct seen){.stop_after = 2};
	assert_int_equal(store_schema_status(f->s, on_module, &seen), 42);
	assert_int_equal(seen.modules, 2);
	store_close(f->s);
	f->s = NULL;
	store_fixture_sql(f->path, "DROP TABLE risk_holder_qr; "
	                           "UPDATE schema_versions SET version = 2 WHERE module = 'risk'");
	assert_int_equal(store_open_unmigrated(f->path, &s), STORE_OK);
	seen = (struct seen){0};
	assert_int_equal(store_schema_status(s, on_module, &seen), STORE_OK);
	assert_int_equal(seen.pending, 1);
	assert_int_equal(seen.risk, 2);
	store_close(s);
	assert_int_equal(store_open_unmigrated(f->path, &s), STORE_OK);
	assert_int_equal(store_migrate_report(s, on_applied, &seen), STORE_OK);
	assert_string_equal(seen.applied, "risk 3;");
	seen = (struct seen){0};
	assert_int_equal(store_schema_status(s, on_module, &seen), STORE_OK);
	assert_int_equal(seen.pending, 0);
	assert_int_equal(seen.risk, 3);
	store_close(s);
	store_fixture_sql(f->path, "UPDATE schema_versions SET version = 99 WHERE module = 'risk'");
	assert_int_equal(store_open_unmigrated(f->path, &s), STORE_OK);
	seen = (struct seen){0};
	assert_int_equal(store_schema_status(s, on_module, &seen), STORE_OK);
	assert_int_equal(seen.newer, 1);
	assert_int_equal(store_migrate_report(s, NULL, NULL), STORE_ESCHEMA);
	store_close(s);
}

static void open_unmigrated_rejects(void **state)
{
	store *s = NULL;

	(void)state;
	assert_int_equal(store_open_unmigrated(NULL, &s), STORE_EARG);
	assert_int_equal(store_open_unmigrated(STORE_MEMORY, &s), STORE_EARG);
	assert_int_equal(store_open_unmigrated("/nonexistent-dir/possum.db", &s), STORE_ENOTFOUND);
	assert_null(s);
}

/* What acquirer.7, acquirer.8, acquirer.9, acquirer.10, acquirer.14 to acquirer.17 added, taken
 * away from a store set back before them: ALTER TABLE ADD COLUMN and CREATE TABLE run once. */
#define DROP_ACQUIRER_7                                                                            \
	"ALTER TABLE terminals DROP COLUMN reported_lat; ALTER TABLE terminals DROP COLUMN "       \
	"reported_lon; ALTER TABLE terminals DROP COLUMN reported_at; ALTER TABLE acq_txns DROP "  \
	"COLUMN channel; ALTER TABLE acq_txns DROP COLUMN route; DROP TABLE saf_queue;"            \
	"ALTER TABLE terminals DROP COLUMN model; ALTER TABLE terminals DROP COLUMN params_held;"  \
	"ALTER TABLE terminals DROP COLUMN capk_held; ALTER TABLE terminals DROP COLUMN "          \
	"aid_held; ALTER TABLE terminals DROP COLUMN tms_pending;"                                 \
	"ALTER TABLE terminals DROP COLUMN update_failed;"

/* acquirer.3: the requests of a database written before it, a purchase voided and one
 * refunded in part, read as what became of them, from the issuer's decisions. */
static void acquirer_3_fills_follow_ups(void **state)
{
	struct store_fixture *f = *state;
	struct store_acq_txn t;

	store_close(f->s);
	store_fixture_sql(
	    f->path,
	    "ALTER TABLE acq_txns DROP COLUMN voided; ALTER TABLE acq_txns DROP COLUMN refunded;"
	    "ALTER TABLE acq_txns DROP COLUMN original_rrn; ALTER TABLE acq_txns DROP COLUMN "
	    "completed; UPDATE schema_versions SET version = 2 WHERE module = 'acquirer';" DROP_ACQUIRER_7
	    "INSERT INTO decisions (id, at, op, card_id, acquirer, stan, transmit, terminal, "
	    "merchant, rrn, amount, currency, rc, reason, auth_code, original_id, remaining, "
	    "reversed) VALUES (11, 1, 1, 1, 'A', '1', 'T', 'TERM0001', 'M', '000000000001', 2000,"
	    " 156, '00', 'approved', '111111', 0, 0, 0), (12, 1, 3, 1, 'A', '2', 'T', 'TERM0001',"
	    " 'M', '000000000002', 2000, 156, '00', 'approved', '222222', 11, 0, 0), (13, 1, 1, 1,"
	    " 'A', '3', 'T', 'TERM0001', 'M', '000000000003', 5000, 156, '00', 'approved',"
	    " '333333', 0, 2000, 0), (14, 1, 4, 1, 'A', '4', 'T', 'TERM0001', 'M', "
	    "'000000000004', 3000, 156, '00', 'approved', '444444', 13, 0, 0);"
	    "INSERT INTO acq_txns (id, at, tid, mid, batch, stan, kind, type, amount, currency, "
	    "masked, pan_hash, rrn, auth_code, rc, reason, decision_id, net_stan, original_id, "
	    "reversed, settle_date) VALUES (1, 1, 'TERM0001', 'M', 1, '1', 0, 'purchase', 2000, "
	    "156, '', '', '000000000001', '111111', '00', 'approved', 11, '1', 0, 0, ''),"
	    "(2, 1, 'TERM0001', 'M', 1, '2', 0, 'void', 2000, 156, '', '', '000000000002', "
	    "'222222', '00', 'approved', 12, '2', 0, 0, ''), (3, 1, 'TERM0001', 'M', 1, '3', 0, "
	    "'purchase', 5000, 156, '', '', '000000000003', '333333', '00', 'approved', 13, '3', "
	    "0, 0, ''), (4, 1, 'TERM0001', 'M', 1, '4', 0, 'refund', 3000, 156, '', '', "
	    "'000000000004', '444444', '00', 'approved', 14, '4', 0, 0, '')");
	assert_int_equal(store_open(f->path, &f->s), STORE_OK);
	assert_int_equal(store_acq_txn_get(f->s, 1, &t), STORE_OK);
	assert_true(t.voided);
	assert_int_equal(t.refunded, 0);
	assert_int_equal(store_acq_txn_get(f->s, 2, &t), STORE_OK);
	assert_string_equal(t.original_rrn, "000000000001");
	assert_int_equal(t.original_id, 1);
	assert_int_equal(store_acq_txn_get(f->s, 3, &t), STORE_OK);
	assert_false(t.voided);
	assert_int_equal(t.refunded, 3000);
	assert_int_equal(store_acq_txn_get(f->s, 4, &t), STORE_OK);
	assert_string_equal(t.original_rrn, "000000000003");
	assert_int_equal(store_acq_txn_get(f->s, 99, &t), STORE_ENOTFOUND);
}

/* acquirer.5: the rows of before get their settlement date, YYYY-MM-DD, from their time with
 * the default cut-off 23:00 and offset 480: 22:59:59 in Beijing is that day, 23:00:00 the next
 * (2026-12-06T14:59:59Z and 15:00:00Z), across a year's end too. */
static void acquirer_5_fills_settle_dates(void **state)
{
	struct store_fixture *f = *state;
	struct store_acq_txn t;

	store_close(f->s);
	store_fixture_sql(
	    f->path,
	    "UPDATE schema_versions SET version = 4 WHERE module = 'acquirer';" DROP_ACQUIRER_7
	    "INSERT INTO acq_txns (id, at, tid, mid, batch, stan, kind, type, amount, currency, "
	    "masked, pan_hash, rrn, auth_code, rc, reason, decision_id, net_stan, original_id, "
	    "reversed, settle_date) VALUES (1, 1796569199, 'TERM0001', 'M', 1, '1', 0, "
	    "'purchase', 2000, 156, '', '', '000000000001', '', '00', 'approved', 0, '1', 0, 0, "
	    "'1206'), (2, 1796569200, 'TERM0001', 'M', 1, '2', 0, 'purchase', 2000, 156, '', '', "
	    "'000000000002', '', '00', 'approved', 0, '2', 0, 0, '1206'), (3, 1798732800, "
	    "'TERM0001', 'M', 1, '3', 0, 'purchase', 2000, 156, '', '', '000000000003', '', '00', "
	    "'approved', 0, '3', 0, 0, '1231')");
	assert_int_equal(store_open(f->path, &f->s), STORE_OK);
	assert_int_equal(store_acq_txn_get(f->s, 1, &t), STORE_OK);
	assert_string_equal(t.settle_date, "2026-12-06");
	assert_int_equal(store_acq_txn_get(f->s, 2, &t), STORE_OK);
	assert_string_equal(t.settle_date, "2026-12-07");
	assert_int_equal(store_acq_txn_get(f->s, 3, &t), STORE_OK);
	assert_string_equal(t.settle_date, "2027-01-01");
}

/* acquirer.4 marks the rows of before: a pre-authorization cancelled (1, by 2) and one
 * completed (3, by 4), that completion voided (by 5); each follow-up names its original. */
static void acquirer_4_fills_preauths(void **state)
{
	struct store_fixture *f = *state;
	struct store_acq_txn t;

	store_close(f->s);
	store_fixture_sql(
	    f->path,
	    "ALTER TABLE acq_txns DROP COLUMN completed;"
	    "UPDATE schema_versions SET version = 3 WHERE module = 'acquirer';" DROP_ACQUIRER_7
	    "INSERT INTO decisions (id, at, op, card_id, acquirer, stan, transmit, terminal, "
	    "merchant, rrn, amount, currency, rc, reason, auth_code, original_id, remaining, "
	    "reversed) VALUES (11, 1, 2, 1, 'A', '1', 'T', 'TERM0001', 'M', '000000000001', 2000,"
	    " 156, '00', 'approved', '111111', 0, 0, 0), (12, 1, 3, 1, 'A', '2', 'T', 'TERM0001',"
	    " 'M', '000000000002', 2000, 156, '00', 'approved', '', 11, 0, 0), (13, 1, 2, 1, 'A',"
	    " '3', 'T', 'TERM0001', 'M', '000000000003', 5000, 156, '00', 'approved', '333333', "
	    "0, 0, 0), (14, 1, 4, 1, 'A', '4', 'T', 'TERM0001', 'M', '000000000004', 3000, 156, "
	    "'00', 'approved', '444444', 13, 0, 0), (15, 1, 5, 1, 'A', '5', 'T', 'TERM0001', 'M',"
	    " '000000000005', 3000, 156, '00', 'approved', '', 14, 0, 0);"
	    "INSERT INTO acq_txns (id, at, tid, mid, batch, stan, kind, type, amount, currency, "
	    "masked, pan_hash, rrn, auth_code, rc, reason, decision_id, net_stan, original_id, "
	    "reversed, settle_date) VALUES (1, 1, 'TERM0001', 'M', 1, '1', 0, 'preauth', 2000, "
	    "156, '', '', '000000000001', '111111', '00', 'approved', 11, '1', 0, 0, ''),"
	    "(2, 1, 'TERM0001', 'M', 1, '2', 0, 'preauth_cancel', 2000, 156, '', '', "
	    "'000000000002', '', '00', 'approved', 12, '2', 0, 0, ''), (3, 1, 'TERM0001', 'M', 1,"
	    " '3', 0, 'preauth', 5000, 156, '', '', '000000000003', '333333', '00', 'approved', "
	    "13, '3', 0, 0, ''), (4, 1, 'TERM0001', 'M', 1, '4', 0, 'completion', 3000, 156, '', "
	    "'', '000000000004', '444444', '00', 'approved', 14, '4', 0, 0, ''), (5, 1, "
	    "'TERM0001', 'M', 1, '5', 0, 'completion_void', 3000, 156, '', '', '000000000005', "
	    "'', '00', 'approved', 15, '5', 0, 0, '')");
	assert_int_equal(store_open(f->path, &f->s), STORE_OK);
	assert_int_equal(store_acq_txn_get(f->s, 1, &t), STORE_OK);
	assert_true(t.voided);
	assert_int_equal(t.completed, 0);
	assert_int_equal(store_acq_txn_get(f->s, 2, &t), STORE_OK);
	assert_string_equal(t.original_rrn, "000000000001");
	assert_int_equal(t.original_id, 1);
	assert_int_equal(store_acq_txn_get(f->s, 3, &t), STORE_OK);
	assert_false(t.voided);
	assert_int_equal(t.completed, 3000);
	assert_int_equal(store_acq_txn_get(f->s, 4, &t), STORE_OK);
	assert_true(t.voided);
	assert_string_equal(t.original_rrn, "000000000003");
	assert_int_equal(store_acq_txn_get(f->s, 5, &t), STORE_OK);
	assert_string_equal(t.original_rrn, "000000000004");
	assert_int_equal(t.original_id, 4);
}

static void open_rejects(void **state)
{
	store *s = NULL;

	(void)state;
	assert_int_equal(store_open(NULL, &s), STORE_EARG);
	assert_int_equal(store_open("", &s), STORE_EARG);
	assert_int_equal(store_open("/nonexistent-dir/x/y.db", &s), STORE_EIO);
	assert_null(s);
	store_close(NULL);
}

/* Not a database: SQLite's own words come back with STORE_EIO. */
static void open_garbage(void **state)
{
	struct store_fixture *f = *state;
	char path[128];
	store *s = NULL;
	FILE *fp;

	snprintf(path, sizeof path, "%s/garbage.db", f->dir);
	assert_non_null(fp = fopen(path, "w"));
	for (int i = 0; i < 512; i++)
		fputs("not a database ", fp);
	fclose(fp);
	assert_int_equal(store_open(path, &s), STORE_EIO);
	assert_null(s);
}

static void nested_transactions(void **state)
{
	struct store_fixture *f = *state;
	char out[32];

	assert_int_equal(store_begin(f->s), STORE_OK);
	assert_int_equal(store_meta_add(f->s, "a", "1"), STORE_OK);
	assert_int_equal(store_begin(f->s), STORE_OK);
	assert_int_equal(store_depth(f->s), 2);
	assert_int_equal(store_meta_add(f->s, "b", "2"), STORE_OK);
	assert_int_equal(store_rollback(f->s), STORE_OK); /* b goes */
	assert_int_equal(store_begin(f->s), STORE_OK);
	assert_int_equal(store_begin(f->s), STORE_OK);
	assert_int_equal(store_depth(f->s), 3);
	assert_int_equal(store_meta_add(f->s, "c", "3"), STORE_OK);
	assert_int_equal(store_commit(f->s), STORE_OK);
	assert_int_equal(store_commit(f->s), STORE_OK); /* c stays */
	assert_int_equal(store_commit(f->s), STORE_OK);
	assert_int_equal(store_depth(f->s), 0);
	assert_int_equal(store_meta_get(f->s, "a", out, sizeof out), STORE_OK);
	assert_int_equal(store_meta_get(f->s, "b", out, sizeof out), STORE_ENOTFOUND);
	assert_int_equal(store_meta_get(f->s, "c", out, sizeof out), STORE_OK);

	/* The outermost rollback takes everything, committed savepoints too. */
	assert_int_equal(store_begin(f->s), STORE_OK);
	assert_int_equal(store_begin(f->s), STORE_OK);
	assert_int_equal(store_meta_add(f->s, "d", "4"), STORE_OK);
	assert_int_equal(store_commit(f->s), STORE_OK);
	assert_int_equal(store_rollback(f->s), STORE_OK);
	assert_int_equal(store_meta_get(f->s, "d", out, sizeof out), STORE_ENOTFOUND);

	assert_int_equal(store_commit(f->s), STORE_ETXN);
	assert_int_equal(store_rollback(f->s), STORE_ETXN);
}

/* A transaction left open at close is rolled back. */
/* A database in memory, loaded from a file and saved back whole: what the simulated
 * terminals of a load test keep their state in. */
static void memory_copy(void **state)
{
	struct store_fixture *f = *state;
	store *mem = NULL;
	char out[32];

	assert_int_equal(store_meta_add(f->s, "from-file", "1"), STORE_OK);
	assert_int_equal(store_open(STORE_MEMORY, &mem), STORE_OK);
	if (store_fixture_pg()) { /* SQLite's databases alone are copied */
		assert_int_equal(store_copy(f->s, mem), STORE_EARG);
		assert_int_equal(store_copy(mem, f->s), STORE_EARG);
		store_close(mem);
		return;
	}
	assert_int_equal(store_copy(f->s, mem), STORE_OK);
	assert_int_equal(store_meta_get(mem, "from-file", out, sizeof out), STORE_OK);
	assert_string_equal(out, "1");
	assert_int_equal(store_meta_add(mem, "in-memory", "2"), STORE_OK);
	assert_int_equal(store_meta_get(f->s, "in-memory", out, sizeof out), STORE_ENOTFOUND);
	/* Not in the middle of a transaction, not onto itself. */
	assert_int_equal(store_begin(mem), STORE_OK);
	assert_int_equal(store_copy(mem, f->s), STORE_ETXN);
	assert_int_equal(store_rollback(mem), STORE_OK);
	assert_int_equal(store_copy(mem, mem), STORE_EARG);
	assert_int_equal(store_copy(mem, f->s), STORE_OK);
	assert_int_equal(store_meta_get(f->s, "in-memory", out, sizeof out), STORE_OK);
	assert_string_equal(out, "2");
	store_close(mem);
	/* No file of that name was made. */
	assert_int_equal(access(STORE_MEMORY, F_OK), -1);
}

/* The rows of meta in the database file at path alone, its log left aside: a copy of the
 * file opened without its -wal. */
static int rows_in_file(const struct store_fixture *f)
{
	char copy[160], cmd[1400];
	sqlite3 *db;
	sqlite3_stmt *st;
	int n = -1;

	snprintf(copy, sizeof copy, "%s/copy.db", f->dir);
	snprintf(cmd, sizeof cmd, "cp %s %s && rm -f %s-wal", f->path, copy, copy);
	assert_int_equal(system(cmd), 0);
	assert_int_equal(sqlite3_open(copy, &db), SQLITE_OK);
	if (sqlite3_prepare_v2(db, "SELECT count(*) FROM meta WHERE name LIKE 'k%'", -1, &st,
	                       NULL) == SQLITE_OK &&
	    sqlite3_step(st) == SQLITE_ROW)
		n = sqlite3_column_int(st, 0);
	sqlite3_finalize(st);
	sqlite3_close(db);
	return n;
}

/* On PostgreSQL checkpoints are the server's: the store's are nothing done, refused in a
 * transaction as on SQLite. */
static void checkpoints_none(struct store_fixture *f)
{
	assert_int_equal(store_set_autocheckpoint(f->s, 0), STORE_OK);
	assert_int_equal(store_checkpoint(f->s), STORE_OK);
	assert_int_equal(store_begin(f->s), STORE_OK);
	assert_int_equal(store_checkpoint(f->s), STORE_ETXN);
	assert_int_equal(store_set_autocheckpoint(f->s, 10), STORE_ETXN);
	assert_int_equal(store_rollback(f->s), STORE_OK);
	assert_int_equal(store_set_autocheckpoint(f->s, -1), STORE_EARG);
}

/* With automatic checkpoints off, commits only append to the log, past the 1000 pages where
 * SQLite would have copied it by itself; a checkpoint on another connection (the host's
 * checkpointer) copies all of it into the database file. A writer whose threshold is passed
 * then lets the log start again from its beginning. */
static void checkpoints(void **state)
{
	struct store_fixture *f = *state;
	store *other = NULL;
	char name[32], value[512], wal[1100];
	struct stat st;
	sqlite3 *db;
	int log = -1, done = -1;

	if (store_fixture_pg()) { /* the server checkpoints its own log: nothing to do */
		checkpoints_none(f);
		return;
	}
	memset(value, 'v', sizeof value - 1);
	value[sizeof value - 1] = '\0';
	assert_int_equal(store_set_autocheckpoint(f->s, 0), STORE_OK);
	assert_int_equal(store_checkpoint(f->s), STORE_OK); /* the schema in the file */
	assert_int_equal(rows_in_file(f), 0);
	for (int i = 0; i < 12000; i++) {
		snprintf(name, sizeof name, "k%d", i);
		assert_int_equal(store_meta_add(f->s, name, value), STORE_OK);
	}
	snprintf(wal, sizeof wal, "%s-wal", f->path);
	assert_int_equal(stat(wal, &st), 0);
	assert_true(st.st_size > 1000 * 4096);
	assert_int_equal(rows_in_file(f), 0);
	assert_int_equal(store_open(f->path, &other), STORE_OK);
	assert_int_equal(store_checkpoint(other), STORE_OK);
	assert_int_equal(rows_in_file(f), 12000);
	/* The writer, past its threshold, checkpoints the rest and the log starts again: a passive
	 * look then sees only the pages of the commit after. */
	assert_int_equal(store_set_autocheckpoint(f->s, 10), STORE_OK);
	assert_int_equal(store_meta_add(f->s, "one-more", "x"), STORE_OK);
	assert_int_equal(store_meta_add(f->s, "after", "x"), STORE_OK);
	assert_int_equal(sqlite3_open(f->path, &db), SQLITE_OK);
	assert_int_equal(sqlite3_exec(db, "SELECT count(*) FROM meta", NULL, NULL, NULL),
	                 SQLITE_OK);
	assert_int_equal(
	    sqlite3_wal_checkpoint_v2(db, NULL, SQLITE_CHECKPOINT_PASSIVE, &log, &done), SQLITE_OK);
	sqlite3_close(db);
	assert_true(log > 0 && log < 10);
	assert_int_equal(store_begin(other), STORE_OK);
	assert_int_equal(store_checkpoint(other), STORE_ETXN);
	assert_int_equal(store_set_autocheckpoint(other, 0), STORE_ETXN);
	assert_int_equal(store_rollback(other), STORE_OK);
	assert_int_equal(store_checkpoint(NULL), STORE_EARG);
	assert_int_equal(store_set_autocheckpoint(other, -1), STORE_EARG);
	store_close(other);
}

static void close_rolls_back(void **state)
{
	struct store_fixture *f = *state;
	char out[32];

	assert_int_equal(store_begin(f->s), STORE_OK);
	assert_int_equal(store_meta_add(f->s, "gone", "x"), STORE_OK);
	store_close(f->s);
	assert_int_equal(store_open(f->path, &f->s), STORE_OK);
	assert_int_equal(store_meta_get(f->s, "gone", out, sizeof out), STORE_ENOTFOUND);
}

static void meta_values(void **state)
{
	struct store_fixture *f = *state;
	char out[STORE_VALUE_MAX + 1], big[STORE_VALUE_MAX + 2];

	assert_int_equal(store_meta_get(f->s, "k", out, sizeof out), STORE_ENOTFOUND);
	assert_int_equal(store_meta_add(f->s, "k", "first"), STORE_OK);
	assert_int_equal(store_meta_add(f->s, "k", "second"), STORE_EEXIST);
	assert_int_equal(store_meta_get(f->s, "k", out, sizeof out), STORE_OK);
	assert_string_equal(out, "first");
	assert_int_equal(store_meta_set(f->s, "k", "third"), STORE_OK);
	assert_int_equal(store_meta_get(f->s, "k", out, sizeof out), STORE_OK);
	assert_string_equal(out, "third");
	assert_int_equal(store_meta_set(f->s, "new", ""), STORE_OK);
	assert_int_equal(store_meta_get(f->s, "new", out, sizeof out), STORE_OK);
	assert_string_equal(out, "");

	/* Output space: "third" needs 6 bytes. */
	assert_int_equal(store_meta_get(f->s, "k", out, 5), STORE_ESPACE);
	assert_int_equal(store_meta_get(f->s, "k", out, 6), STORE_OK);

	memset(big, 'x', sizeof big - 1);
	big[sizeof big - 1] = '\0';
	assert_int_equal(store_meta_set(f->s, "big", big), STORE_EARG);
	big[STORE_VALUE_MAX] = '\0';
	assert_int_equal(store_meta_set(f->s, "big", big), STORE_OK);
	assert_int_equal(store_meta_get(f->s, "big", out, sizeof out), STORE_OK);
	assert_int_equal(strlen(out), STORE_VALUE_MAX);

	assert_int_equal(store_meta_add(f->s, NULL, "v"), STORE_EARG);
	assert_int_equal(store_meta_add(f->s, "", "v"), STORE_EARG);
	assert_int_equal(store_meta_add(f->s, "n", NULL), STORE_EARG);
	assert_int_equal(store_meta_get(f->s, NULL, out, sizeof out), STORE_EARG);
	assert_int_equal(store_schema_version(f->s, NULL, NULL), STORE_EARG);
}

/* On PostgreSQL writers do not exclude one another: another connection writes another row
 * meanwhile, and sees the first's only once it is committed. */
static void not_locked_out(struct store_fixture *f, store *other)
{
	char v[16];

	assert_int_equal(store_meta_add(other, "x", "y"), STORE_OK);
	assert_int_equal(store_meta_get(other, "held", v, sizeof v), STORE_ENOTFOUND);
	assert_int_equal(store_commit(f->s), STORE_OK);
	assert_int_equal(store_meta_get(other, "held", v, sizeof v), STORE_OK);
	assert_int_equal(store_meta_get(f->s, "x", v, sizeof v), STORE_OK);
	store_close(other);
}

/* A second connection waits for the first's write lock up to the busy timeout, then fails
 * with SQLite's words, which quote no value. */
static void locked_out(void **state)
{
	struct store_fixture *f = *state;
	store *other;

	assert_int_equal(store_open(f->path, &other), STORE_OK);
	assert_int_equal(store_begin(f->s), STORE_OK);
	assert_int_equal(store_meta_add(f->s, "held", "secret-value"), STORE_OK);
	if (store_fixture_pg()) {
		not_locked_out(f, other);
		return;
	}
	assert_int_equal(store_meta_add(other, "x", "y"), STORE_EIO);
	assert_non_null(strstr(store_errmsg(other), "locked"));
	assert_null(strstr(store_errmsg(other), "secret-value"));
	assert_int_equal(store_commit(f->s), STORE_OK);
	assert_int_equal(store_meta_add(other, "x", "y"), STORE_OK);
	store_close(other);
}

/* A read transaction sees one state of the database and stops no writer: another connection
 * commits meanwhile, and what it wrote appears only once the reader's transaction is over. */
static void read_snapshot(void **state)
{
	struct store_fixture *f = *state;
	store *writer;
	char v[8];

	assert_int_equal(store_open(f->path, &writer), STORE_OK);
	assert_int_equal(store_meta_add(f->s, "seen", "1"), STORE_OK);
	assert_int_equal(store_begin_read(f->s), STORE_OK);
	assert_int_equal(store_meta_get(f->s, "seen", v, sizeof v), STORE_OK);
	assert_int_equal(store_meta_add(writer, "later", "2"), STORE_OK);
	assert_int_equal(store_meta_get(f->s, "later", v, sizeof v), STORE_ENOTFOUND);
	assert_int_equal(store_begin_read(f->s), STORE_ETXN);
	assert_int_equal(store_commit(f->s), STORE_OK);
	assert_int_equal(store_meta_get(f->s, "later", v, sizeof v), STORE_OK);
	assert_string_equal(v, "2");
	store_close(writer);
}

/* The bytes a test searches for a secret in clear (store_fixture_bytes): a value written is
 * there, text and bytes (a sealed entry's, escaped on PostgreSQL), one never written is not. */
static void store_bytes_searched(void **state)
{
	struct store_fixture *f = *state;
	struct store_saf e = {.txn_id = 1, .next_at = 1, .created_at = 1, .updated_at = 1};
	char *buf;
	size_t len;

	snprintf(e.link, sizeof e.link, "far");
	snprintf(e.kind, sizeof e.kind, "reversal");
	snprintf(e.rrn, sizeof e.rrn, "000000000001");
	snprintf(e.state, sizeof e.state, "pending");
	e.card.len = 12;
	memcpy(e.card.v, "sealed-bytes", 12);
	assert_int_equal(store_meta_add(f->s, "needle", "a-value-to-find"), STORE_OK);
	assert_int_equal(store_saf_insert(f->s, &e), STORE_OK);
	store_close(f->s); /* SQLite: everything in the main file */
	f->s = NULL;
	assert_int_equal(store_fixture_bytes(f->path, &buf, &len), 0);
	assert_true(store_fixture_holds(buf, len, "a-value-to-find"));
	assert_true(store_fixture_holds(buf, len, "sealed-bytes"));
	assert_false(store_fixture_holds(buf, len, "never-written"));
	free(buf);
	assert_int_equal(store_open(f->path, &f->s), STORE_OK);
}

static void strerror_names(void **state)
{
	(void)state;
	for (int rc = STORE_OK; rc >= STORE_ESPACE; rc--)
		assert_string_not_equal(store_strerror(rc), "unknown store error");
	assert_string_equal(store_strerror(-100), "unknown store error");
}

/* A request row of the takings' test: TERMT001 of MID_T unless mid says otherwise. */
static void takings_row(store *s, const char *mid, int64_t at, const char *type, int64_t amount,
                        const char *rc, int64_t decision, const char *channel, int flags)
{
	static int stan;
	struct store_acq_txn t = {.at = at, .batch = 1, .amount = amount, .currency = 156};

	snprintf(t.tid, sizeof t.tid, "TERMT001");
	snprintf(t.mid, sizeof t.mid, "%s", mid);
	snprintf(t.stan, sizeof t.stan, "%06u", (unsigned)(++stan % 1000000));
	snprintf(t.type, sizeof t.type, "%s", type);
	snprintf(t.rc, sizeof t.rc, "%s", rc);
	snprintf(t.channel, sizeof t.channel, "%s", channel);
	snprintf(t.settle_date, sizeof t.settle_date, "2026-12-01");
	t.decision_id = decision;
	t.kind = flags & 1;
	t.reversed = (flags & 2) != 0;
	t.voided = (flags & 4) != 0;
	assert_int_equal(store_acq_txn_insert(s, &t), STORE_OK);
}

/* A card of product (1 debit, 2 credit) and an approved decision on it; the decision's id. */
static int64_t takings_decision(store *s, int product)
{
	struct store_card c = {.account_id = 1, .product = product, .status = 1, .pvki = 1};
	struct store_decision d = {.at = 1, .op = 6, .currency = 156};

	snprintf(c.pan_hash, sizeof c.pan_hash, "%064d", product);
	snprintf(c.masked, sizeof c.masked, "622202******000%d", product);
	assert_int_equal(store_card_insert(s, &c), STORE_OK);
	d.card_id = c.id;
	snprintf(d.rc, sizeof d.rc, "00");
	assert_int_equal(store_decision_insert(s, &d), STORE_OK);
	return d.id;
}

struct takings_seen {
	struct store_acq_takings rows[8];
	size_t n;
};

static int takings_keep(void *arg, const struct store_acq_takings *t)
{
	struct takings_seen *seen = arg;

	assert_true(seen->n < 8);
	seen->rows[seen->n++] = *t;
	return 0;
}

static void takings_expect(const struct store_acq_takings *t, int64_t at, const char *product,
                           const char *channel, int count, int64_t amount)
{
	assert_int_equal(t->at, at);
	assert_string_equal(t->product, product);
	assert_string_equal(t->channel, channel);
	assert_int_equal(t->currency, 156);
	assert_int_equal(t->count, count);
	assert_int_equal(t->amount, amount);
}

/* A merchant's takings by the hour and by the day: its approved payments (purchases,
 * completions) per card product and channel; declined, reversed and voided ones, refunds,
 * reversal rows, another merchant's and those outside the period left out. */
static void acquirer_takings_bucketed(void **state)
{
	struct store_fixture *f = *state;
	const int64_t from = 1764518400; /* 2026-11-30T16:00:00Z: a midnight in Beijing */
	struct store_acq_takings_filter q = {"898581054110001", from, 0, 3600};
	struct takings_seen seen = {0};
	int64_t debit = takings_decision(f->s, 1), credit = takings_decision(f->s, 2);

	takings_row(f->s, q.mid, from + 100, "purchase", 1000, "00", debit, "card", 0);
	takings_row(f->s, q.mid, from + 200, "purchase", 2000, "00", debit, "card", 0);
	takings_row(f->s, q.mid, from + 3700, "purchase", 500, "00", credit, "qr", 0);
	takings_row(f->s, q.mid, from + 3800, "purchase", 700, "51", credit, "card", 0);
	takings_row(f->s, q.mid, from + 3900, "purchase", 900, "00", credit, "card", 2);
	takings_row(f->s, q.mid, from + 3950, "purchase", 900, "00", credit, "card", 1);
	takings_row(f->s, q.mid, from + 4000, "purchase", 400, "00", debit, "card", 4);
	takings_row(f->s, q.mid, from + 4100, "refund", 300, "00", debit, "card", 0);
	takings_row(f->s, q.mid, from - 10, "purchase", 800, "00", debit, "card", 0);
	takings_row(f->s, q.mid, from + 7300, "purchase", 600, "00", 0, "card", 0);
	takings_row(f->s, q.mid, from + 7400, "completion", 250, "00", credit, "card", 0);
	takings_row(f->s, "898581054110002", from + 10, "purchase", 5000, "00", debit, "card", 0);

	assert_int_equal(store_acq_takings(f->s, &q, takings_keep, &seen), STORE_OK);
	assert_int_equal(seen.n, 4);
	takings_expect(&seen.rows[0], from, "debit", "card", 2, 3000);
	takings_expect(&seen.rows[1], from + 3600, "credit", "qr", 1, 500);
	takings_expect(&seen.rows[2], from + 7200, "", "card", 1, 600);
	takings_expect(&seen.rows[3], from + 7200, "credit", "card", 1, 250);

	/* Up to two hours in; then a day's bucket of everything. */
	seen.n = 0;
	q.to = from + 7200;
	assert_int_equal(store_acq_takings(f->s, &q, takings_keep, &seen), STORE_OK);
	assert_int_equal(seen.n, 2);
	seen.n = 0;
	q.to = 0;
	q.step = 86400;
	assert_int_equal(store_acq_takings(f->s, &q, takings_keep, &seen), STORE_OK);
	assert_int_equal(seen.n, 4);
	takings_expect(&seen.rows[0], from, "", "card", 1, 600);
	takings_expect(&seen.rows[1], from, "credit", "card", 1, 250);
	takings_expect(&seen.rows[2], from, "credit", "qr", 1, 500);
	takings_expect(&seen.rows[3], from, "debit", "card", 2, 3000);
}

int main(void)
{
#define T(name) cmocka_unit_test_setup_teardown(name, store_fixture_setup, store_fixture_teardown)
	const struct CMUnitTest tests[] = {
	    T(open_creates_and_migrates),
	    T(reopen_keeps_data),
	    T(newer_schema_refused),
	    T(schema_status_and_report),
	    cmocka_unit_test(open_unmigrated_rejects),
	    T(acquirer_3_fills_follow_ups),
	    T(acquirer_4_fills_preauths),
	    T(acquirer_5_fills_settle_dates),
	    T(acquirer_takings_bucketed),
	    cmocka_unit_test(open_rejects),
	    T(open_garbage),
	    T(memory_copy),
	    T(checkpoints),
	    T(read_snapshot),
	    T(nested_transactions),
	    T(close_rolls_back),
	    T(meta_values),
	    T(locked_out),
	    T(store_bytes_searched),
	    cmocka_unit_test(strerror_names),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
