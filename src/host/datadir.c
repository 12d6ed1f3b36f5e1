/* datadir.c — the data directory every environment opens (env.h): the store in it (or the
 * PostgreSQL database the configuration names), the LMK from the environment or beside it, and
 * keys kept wrapped in the store by name. */
#include <errno.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "common/hex.h"
#include "host/env.h"
#include "host/internal.h"

/* The hsm on POSSUM_LMK, else on DIR/lmk, made first when missing (test use only) unless
 * existing: then it must be there. */
static int open_lmk(const char *prog, struct host_datadir *d, bool existing)
{
	char path[4096 + 8], kcv_hex[2 * HSM_KCV_MAX + 1];
	hsm_kcv kcv;
	int rc;

	if (getenv(HSM_LMK_ENV) != NULL) {
		if ((rc = hsm_open_env(NULL, &d->hsm)) != HSM_OK)
			return host_say(HOST_EFAILED, prog, "%s: %s", HSM_LMK_ENV,
			                hsm_strerror(rc));
		return HOST_OK;
	}
	snprintf(path, sizeof path, "%s/lmk", d->dir);
	if (existing && access(path, F_OK) != 0)
		return host_say(HOST_EFAILED, prog,
		                "no LMK in %s: set %s, or run `possum host --data %s` or an admin "
		                "command that changes something, which makes a test LMK",
		                path, HSM_LMK_ENV, d->dir);
	rc = hsm_lmk_create(path, &kcv);
	if (rc == HSM_OK) {
		hex_encode(kcv.v, kcv.len, kcv_hex, sizeof kcv_hex);
		fprintf(stderr,
		        "%s: created a test LMK in %s (check value %s): FOR TESTING ONLY — in "
		        "production give the LMK in %s\n",
		        prog, path, kcv_hex, HSM_LMK_ENV);
	} else if (rc != HSM_EEXIST) {
		return host_say(HOST_EFAILED, prog, "cannot create %s: %s", path,
		                rc == HSM_EIO ? strerror(errno) : hsm_strerror(rc));
	}
	if ((rc = hsm_open_file(path, &d->hsm)) != HSM_OK)
		return host_say(HOST_EFAILED, prog, "%s: %s", path,
		                rc == HSM_EIO ? strerror(errno) : hsm_strerror(rc));
	return HOST_OK;
}

/* A command that only reads finds DIR and its store there (SQLite's), or says how to make
 * them. */
static int check_existing(const char *prog, const struct host_datadir *d)
{
	struct stat st;

	if (stat(d->dir, &st) != 0 || !S_ISDIR(st.st_mode) ||
	    (!store_name_is_pg(d->db) && stat(d->db, &st) != 0))
		return host_say(HOST_EFAILED, prog,
		                "no data directory at %s: run `possum host --data %s` or an admin "
		                "command that creates it, or pass --data (or set %s)",
		                d->dir, d->dir, HOST_DATA_ENV);
	return HOST_OK;
}

/* The store called d->db opened, or its failure said with the name shown (never a password) and
 * the backend's words. */
static int open_store(const char *prog, struct host_datadir *d)
{
	char shown[512], why[256];
	int rc, err;

	errno = 0;
	if ((rc = store_open_say(d->db, &d->store, why, sizeof why)) == STORE_OK)
		return HOST_OK;
	err = errno;
	if (why[0] == '\0' && rc == STORE_EIO)
		snprintf(why, sizeof why, "%s", strerror(err));
	why[strcspn(why, "\n")] = '\0';
	return host_say(HOST_EFAILED, prog, "%s: %s%s%s",
	                store_name_show(d->db, shown, sizeof shown), store_strerror(rc),
	                why[0] != '\0' ? ": " : "", why);
}

int host_datadir_open_store(const char *prog, const char *dir, const char *name, bool existing,
                            struct host_datadir *out)
{
	int rc;

	*out = (struct host_datadir){0};
	if (dir == NULL)
		dir = HOST_DATADIR_DEFAULT;
	if (strlen(dir) >= sizeof out->dir)
		return host_say(HOST_EFAILED, prog, "the data directory's name is too long");
	strcpy(out->dir, dir);
	if (name != NULL && strlen(name) >= sizeof out->db)
		return host_say(HOST_EFAILED, prog, "the store's name is too long");
	if (name != NULL)
		strcpy(out->db, name);
	else
		snprintf(out->db, sizeof out->db, "%s/possum.db", dir);
	if (existing && (rc = check_existing(prog, out)) != HOST_OK)
		return rc;
	if (!existing && mkdir(dir, 0700) != 0 && errno != EEXIST)
		return host_say(HOST_EFAILED, prog, "cannot create %s: %s", dir, strerror(errno));
	/* The LMK first: a store is not made beside an LMK that is missing. */
	if ((rc = open_lmk(prog, out, existing)) != HOST_OK)
		return rc;
	if ((rc = open_store(prog, out)) != HOST_OK)
		host_datadir_close(out);
	return rc;
}

int host_datadir_open(const char *prog, const char *dir, struct host_datadir *out)
{
	return host_datadir_open_store(prog, dir, NULL, false, out);
}

int host_datadir_open_existing(const char *prog, const char *dir, struct host_datadir *out)
{
	return host_datadir_open_store(prog, dir, NULL, true, out);
}

const char *host_data_dir(const char *given)
{
	const char *env = getenv(HOST_DATA_ENV);

	if (given != NULL)
		return given;
	return env != NULL && *env != '\0' ? env : NULL;
}

void host_datadir_close(struct host_datadir *d)
{
	if (d == NULL)
		return;
	store_close(d->store);
	hsm_close(d->hsm);
	d->store = NULL;
	d->hsm = NULL;
}

/* Reads meta "key.NAME" into out: 0, STORE_ENOTFOUND, or a failure. */
static int read_key(struct host_datadir *d, const char *meta, hsm_key *out)
{
	char text[STORE_VALUE_MAX + 1];
	int rc;

	if ((rc = store_meta_get(d->store, meta, text, sizeof text)) != STORE_OK)
		return rc;
	return hsm_key_set(out, text);
}

int host_datadir_key(struct host_datadir *d, const char *name, const struct hsm_key_spec *spec,
                     hsm_key *out)
{
	char meta[128];
	int rc;

	if (name == NULL || *name == '\0' || strlen(name) > 100 ||
	    strspn(name, "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789-_.") !=
	        strlen(name))
		return HSM_EARG;
	snprintf(meta, sizeof meta, "key.%s", name);
	if ((rc = read_key(d, meta, out)) != STORE_ENOTFOUND)
		return rc;
	if ((rc = hsm_generate(d->hsm, spec, out, NULL)) != HSM_OK)
		return rc;
	rc = store_meta_add(d->store, meta, out->block);
	/* Another process made it first: theirs is the key. */
	return rc == STORE_EEXIST ? read_key(d, meta, out) : rc;
}
