/* test_host_env.c — the environments commands open (src/host/env.c): each need opens what it
 * depends on and nothing more, asking again opens nothing twice, the keys a module declares are
 * made once and found again by the next environment, a configuration that cannot be read is
 * the caller's to fix, and [link] zpk is used as given; an environment that only reads creates
 * no data directory, and the data directory is --data's, else $POSSUM_DATA, else the
 * configuration's. */
#include "testutil.h"

#include <stdio.h>
#include <stdlib.h>
#include <sys/stat.h>
#include <unistd.h>

#include "host/env.h"

#define LMK_HEX "9A1F3C5E7B2D4F6081A3C5E7092B4D6F8091A2B3C4D5E6F708192A3B4C5D6E7F"

static char base[64];

static int setup(void **state)
{
	(void)state;
	snprintf(base, sizeof base, "/tmp/possum-env-XXXXXX");
	if (mkdtemp(base) == NULL || setenv(HSM_LMK_ENV, LMK_HEX, 1) != 0)
		return -1;
	unsetenv("POSSUM_CONFIG");
	unsetenv(HOST_DATA_ENV);
	return 0;
}

static int teardown(void **state)
{
	char cmd[128];

	(void)state;
	snprintf(cmd, sizeof cmd, "rm -rf %s", base);
	return system(cmd) != 0 ? -1 : 0;
}

static void needs_open_what_they_depend_on(void **state)
{
	struct host_env env;
	char dir[128], block[sizeof env.zpk.block];
	issuer *is;

	(void)state;
	snprintf(dir, sizeof dir, "%s/data", base);
	assert_int_equal(host_env_start(&env, "test", NULL, dir, HOST_NEED_DATA), HOST_OK);
	assert_non_null(env.data.store);
	assert_non_null(env.data.hsm);
	assert_null(env.issuer);
	assert_null(env.merchant);
	assert_null(env.sink);
	assert_int_equal(env.opened, HOST_NEED_DATA);

	/* The merchant module brings the issuer, its sink and the link's key with it. */
	assert_int_equal(host_env_open(&env, HOST_NEED_MERCHANT), HOST_OK);
	assert_non_null(env.issuer);
	assert_non_null(env.merchant);
	assert_non_null(env.sink);
	assert_null(env.acquirer);
	assert_true(env.zpk.block[0] != '\0');
	is = env.issuer;
	assert_int_equal(host_env_open(&env, HOST_NEED_ISSUER | HOST_NEED_ACQUIRER), HOST_OK);
	assert_ptr_equal(env.issuer, is); /* not opened twice */
	assert_non_null(env.acquirer);
	snprintf(block, sizeof block, "%s", env.zpk.block);
	host_env_close(&env);
	assert_null(env.issuer);
	assert_int_equal(env.opened, 0);
	host_env_close(&env); /* closing twice is harmless */

	/* The keys were kept: the next environment finds the same link key. */
	assert_int_equal(host_env_start(&env, "test", NULL, dir, HOST_NEED_ISSUER), HOST_OK);
	assert_string_equal(env.zpk.block, block);
	host_env_close(&env);
}

static void configurations_refused(void **state)
{
	struct host_env env;
	char path[128], dir[128];
	FILE *f;

	(void)state;
	snprintf(path, sizeof path, "%s/missing.conf", base);
	assert_int_equal(host_env_start(&env, "test", path, NULL, HOST_NEED_DATA), HOST_EUSAGE);
	snprintf(path, sizeof path, "%s/bad.conf", base);
	assert_non_null(f = fopen(path, "w"));
	fputs("[link]\nzpk_typo = S0\n", f);
	fclose(f);
	assert_int_equal(host_env_start(&env, "test", path, NULL, HOST_NEED_DATA), HOST_EUSAGE);
	assert_null(env.data.store);

	/* The link's key as [link] zpk gives it, not one of the data directory's. */
	snprintf(path, sizeof path, "%s/zpk.conf", base);
	assert_non_null(f = fopen(path, "w"));
	fputs("[link]\nzpk = S10096P0TE00E0000GIVEN\n", f);
	fclose(f);
	snprintf(dir, sizeof dir, "%s/data2", base);
	assert_int_equal(host_env_start(&env, "test", path, dir, HOST_NEED_ISSUER), HOST_OK);
	assert_string_equal(env.zpk.block, "S10096P0TE00E0000GIVEN");
	host_env_close(&env);
	assert_null(env.data.store);
}

static void readonly_creates_nothing(void **state)
{
	struct host_env env;
	char dir[128];
	struct stat st;

	(void)state;
	snprintf(dir, sizeof dir, "%s/ro", base);
	assert_int_equal(
	    host_env_start(&env, "test", NULL, dir, HOST_NEED_ISSUER | HOST_NEED_READONLY),
	    HOST_EFAILED);
	assert_null(env.data.store);
	assert_int_not_equal(stat(dir, &st), 0);
	/* An empty directory is no data directory either: no store is made in it. */
	assert_int_equal(mkdir(dir, 0700), 0);
	assert_int_equal(
	    host_env_start(&env, "test", NULL, dir, HOST_NEED_DATA | HOST_NEED_READONLY),
	    HOST_EFAILED);
	snprintf(dir, sizeof dir, "%s/ro/possum.db", base);
	assert_int_not_equal(stat(dir, &st), 0);
	/* Once a writing environment made it, a reading one opens it. */
	snprintf(dir, sizeof dir, "%s/ro", base);
	assert_int_equal(host_env_start(&env, "test", NULL, dir, HOST_NEED_DATA), HOST_OK);
	host_env_close(&env);
	assert_int_equal(
	    host_env_start(&env, "test", NULL, dir, HOST_NEED_ISSUER | HOST_NEED_READONLY),
	    HOST_OK);
	assert_non_null(env.issuer);
	assert_int_equal(env.opened & HOST_NEED_READONLY, 0);
	host_env_close(&env);
}

static void data_directory_lookup(void **state)
{
	struct host_env env;
	char path[128], dir[128];
	FILE *f;

	(void)state;
	snprintf(path, sizeof path, "%s/data.conf", base);
	assert_non_null(f = fopen(path, "w"));
	fprintf(f, "[host]\ndata = %s/from-config\n", base);
	fclose(f);
	assert_int_equal(unsetenv(HOST_DATA_ENV), 0);
	assert_int_equal(host_env_config(&env, "test", path, NULL), HOST_OK);
	snprintf(dir, sizeof dir, "%s/from-config", base);
	assert_string_equal(env.cfg.data, dir);
	host_env_close(&env);
	assert_int_equal(setenv(HOST_DATA_ENV, "/from/env", 1), 0);
	assert_int_equal(host_env_config(&env, "test", path, NULL), HOST_OK);
	assert_string_equal(env.cfg.data, "/from/env");
	host_env_close(&env);
	assert_int_equal(host_env_config(&env, "test", path, "/from/option"), HOST_OK);
	assert_string_equal(env.cfg.data, "/from/option");
	host_env_close(&env);
	assert_int_equal(setenv(HOST_DATA_ENV, "", 1), 0); /* empty: as if unset */
	assert_null(host_data_dir(NULL));
	assert_int_equal(unsetenv(HOST_DATA_ENV), 0);
	assert_int_equal(host_env_config(&env, "test", NULL, NULL), HOST_OK);
	assert_string_equal(env.cfg.data, HOST_DATADIR_DEFAULT);
	host_env_close(&env);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(needs_open_what_they_depend_on),
	    cmocka_unit_test(configurations_refused),
	    cmocka_unit_test(readonly_creates_nothing),
	    cmocka_unit_test(data_directory_lookup),
	};
	return cmocka_run_group_tests(tests, setup, teardown);
}
