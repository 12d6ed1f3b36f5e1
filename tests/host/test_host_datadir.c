/* test_host_datadir.c — the data directory every environment opens (src/host/datadir.c): made on
 * first use (mode 0700) with its store, the LMK from POSSUM_LMK or from a test LMK file made
 * mode 0600 once, and named keys generated once, kept wrapped in the store and found again,
 * from another process's view too. */
#include "testutil.h"

#include <stdio.h>
#include <sys/stat.h>
#include <unistd.h>

#include "host/env.h"

#define LMK_HEX "9A1F3C5E7B2D4F6081A3C5E7092B4D6F8091A2B3C4D5E6F708192A3B4C5D6E7F"

static char base[64];

static int setup(void **state)
{
	(void)state;
	snprintf(base, sizeof base, "/tmp/possum-datadir-XXXXXX");
	return mkdtemp(base) == NULL ? -1 : 0;
}

static int teardown(void **state)
{
	char cmd[128];

	(void)state;
	snprintf(cmd, sizeof cmd, "rm -rf %s", base);
	return system(cmd) != 0 ? -1 : 0;
}

static unsigned mode_of(const char *path)
{
	struct stat st;

	assert_int_equal(stat(path, &st), 0);
	return st.st_mode & 0777;
}

static void lmk_from_environment(void **state)
{
	struct host_datadir d, d2;
	const struct hsm_key_spec spec = {.usage = "M7", .alg = HSM_HMAC, .len = 32};
	hsm_key k1, k2, k3;
	char dir[128], path[160];

	(void)state;
	assert_int_equal(setenv(HSM_LMK_ENV, LMK_HEX, 1), 0);
	snprintf(dir, sizeof dir, "%s/data", base);
	assert_int_equal(host_datadir_open("test", dir, &d), HOST_OK);
	assert_string_equal(d.dir, dir);
	assert_int_equal(mode_of(dir), 0700);
	snprintf(path, sizeof path, "%s/possum.db", dir);
	assert_int_equal(mode_of(path), 0600);
	snprintf(path, sizeof path, "%s/lmk", dir);
	assert_int_equal(access(path, F_OK), -1);

	assert_int_equal(host_datadir_key(&d, "pan-hash", &spec, &k1), 0);
	assert_int_equal(host_datadir_key(&d, "pan-hash", &spec, &k2), 0);
	assert_string_equal(k1.block, k2.block);
	/* Another process opening the directory finds the same key. */
	assert_int_equal(host_datadir_open("test", dir, &d2), HOST_OK);
	assert_int_equal(host_datadir_key(&d2, "pan-hash", &spec, &k3), 0);
	assert_string_equal(k1.block, k3.block);
	assert_int_equal(host_datadir_key(&d2, "other", &spec, &k3), 0);
	assert_string_not_equal(k1.block, k3.block);

	assert_int_equal(host_datadir_key(&d, "", &spec, &k3), HSM_EARG);
	assert_int_equal(host_datadir_key(&d, "a/b", &spec, &k3), HSM_EARG);
	/* A spec the hsm refuses: nothing kept under the name. */
	assert_int_equal(
	    host_datadir_key(&d, "bad-spec", &(struct hsm_key_spec){.usage = "ZZ"}, &k3),
	    HSM_EUSAGE);
	assert_int_equal(store_meta_get(d.store, "key.bad-spec", path, sizeof path),
	                 STORE_ENOTFOUND);
	host_datadir_close(&d);
	host_datadir_close(&d2);
	host_datadir_close(&d2); /* closing twice is harmless */
}

/* Without POSSUM_LMK: a test LMK file, made once, 0600; the same LMK the next time. */
static void lmk_file_made_once(void **state)
{
	struct host_datadir d;
	hsm_kcv kcv1, kcv2;
	char dir[128], path[160];

	(void)state;
	assert_int_equal(unsetenv(HSM_LMK_ENV), 0);
	snprintf(dir, sizeof dir, "%s/fresh", base);
	assert_int_equal(host_datadir_open("test", dir, &d), HOST_OK);
	snprintf(path, sizeof path, "%s/lmk", dir);
	assert_int_equal(mode_of(path), 0600);
	assert_int_equal(hsm_lmk_kcv(d.hsm, &kcv1), HSM_OK);
	host_datadir_close(&d);
	assert_int_equal(host_datadir_open("test", dir, &d), HOST_OK);
	assert_int_equal(hsm_lmk_kcv(d.hsm, &kcv2), HSM_OK);
	assert_memory_equal(kcv1.v, kcv2.v, kcv1.len);
	host_datadir_close(&d);

	/* An LMK file others may read is refused. */
	assert_int_equal(chmod(path, 0644), 0);
	assert_int_equal(host_datadir_open("test", dir, &d), HOST_EFAILED);
	assert_null(d.store);
}

static void open_failures(void **state)
{
	struct host_datadir d;
	char path[160];
	FILE *f;

	(void)state;
	assert_int_equal(setenv(HSM_LMK_ENV, LMK_HEX, 1), 0);
	/* A file where the directory should be. */
	snprintf(path, sizeof path, "%s/file", base);
	assert_non_null(f = fopen(path, "w"));
	fclose(f);
	assert_int_equal(host_datadir_open("test", path, &d), HOST_EFAILED);
	assert_int_equal(host_datadir_open("test", "/nonexistent/possum/data", &d), HOST_EFAILED);
	/* A bad POSSUM_LMK. */
	assert_int_equal(setenv(HSM_LMK_ENV, "1234", 1), 0);
	snprintf(path, sizeof path, "%s/badlmk", base);
	assert_int_equal(host_datadir_open("test", path, &d), HOST_EFAILED);
	assert_null(d.store);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(lmk_from_environment),
	    cmocka_unit_test(lmk_file_made_once),
	    cmocka_unit_test(open_failures),
	};
	return cmocka_run_group_tests(tests, setup, teardown);
}
