/* store.c — what every backend shares: opening a store by its name (SQLite's path, or
 * PostgreSQL's connection string), showing that name, and the names of the store's result
 * codes; without libpq, PostgreSQL's names refused. */
#include <stdio.h>
#include <string.h>

#include "store/sqlite/sqlite.h"
#include "store/store.h"
#ifdef POSSUM_HAVE_LIBPQ
#include "store/pg/pg.h"
#endif

bool store_name_is_pg(const char *name)
{
	return name != NULL && (strncmp(name, STORE_PG_PREFIX, strlen(STORE_PG_PREFIX)) == 0 ||
	                        strncmp(name, "postgresql://", 13) == 0);
}

#ifdef POSSUM_HAVE_LIBPQ
const char *store_pg_conninfo(const char *name)
{
	if (strncmp(name, "postgres://", 11) == 0 || strncmp(name, "postgresql://", 13) == 0)
		return name;
	return name + strlen(STORE_PG_PREFIX);
}
#endif

int store_open_say(const char *name, store **out, char *why, size_t cap)
{
	store *s = NULL;
	int rc;

	if (why != NULL && cap > 0)
		*why = '\0';
	if (name == NULL || *name == '\0' || out == NULL)
		return STORE_EARG;
	if (!store_name_is_pg(name))
		return store_sqlite_open(name, out);
#ifdef POSSUM_HAVE_LIBPQ
	if ((rc = store_pg_open(store_pg_conninfo(name), &s)) == STORE_OK) {
		*out = s;
		return STORE_OK;
	}
	if (why != NULL && cap > 0 && s != NULL)
		snprintf(why, cap, "%s", store_errmsg(s));
	store_close(s);
#else
	(void)s;
	rc = STORE_EARG;
	if (why != NULL && cap > 0)
		snprintf(why, cap, "this possum was built without libpq (PostgreSQL)");
#endif
	return rc;
}

int store_open(const char *name, store **out)
{
	return store_open_say(name, out, NULL, 0);
}

int store_open_unmigrated(const char *name, store **out)
{
	if (name == NULL || out == NULL)
		return STORE_EARG;
	if (!store_name_is_pg(name))
		return store_sqlite_open_unmigrated(name, out);
#ifdef POSSUM_HAVE_LIBPQ
	return store_pg_open_unmigrated(store_pg_conninfo(name), out);
#else
	return STORE_EARG;
#endif
}

const char *store_name_show(const char *name, char *out, size_t cap)
{
	if (!store_name_is_pg(name))
		snprintf(out, cap, "%s", name);
	else
#ifdef POSSUM_HAVE_LIBPQ
		store_pg_describe(store_pg_conninfo(name), out, cap);
#else
		snprintf(out, cap, "postgres (this possum was built without libpq)");
#endif
	return out;
}

#ifndef POSSUM_HAVE_LIBPQ
static int no_libpq(char *why, size_t cap)
{
	snprintf(why, cap, "this possum was built without libpq (PostgreSQL)");
	return STORE_EARG;
}

int store_pg_conninfo_check(const char *conninfo, char *why, size_t cap)
{
	(void)conninfo;
	return no_libpq(why, cap);
}

int store_pg_backup(const char *name, const char *dest, char *why, size_t cap,
                    store_progress_fn *progress, void *arg)
{
	(void)name, (void)dest, (void)progress, (void)arg;
	return no_libpq(why, cap);
}

int store_pg_restore(const char *name, const char *src, char *why, size_t cap,
                     store_progress_fn *progress, void *arg)
{
	(void)name, (void)src, (void)progress, (void)arg;
	return no_libpq(why, cap);
}
#endif

const char *store_strerror(int rc)
{
	switch (rc) {
	case STORE_OK:
		return "ok";
	case STORE_EARG:
		return "invalid argument";
	case STORE_ENOMEM:
		return "out of memory";
	case STORE_EIO:
		return "database failure";
	case STORE_ENOTFOUND:
		return "not found";
	case STORE_EEXIST:
		return "exists already";
	case STORE_ESCHEMA:
		return "database schema newer than this possum, or a migration failed";
	case STORE_ETXN:
		return "no transaction open";
	case STORE_ESPACE:
		return "output buffer too small";
	case STORE_EBUSY:
		return "the store is in use (a host runs on it?)";
	case STORE_ENOTSTORE:
		return "not a possum store, or it fails its integrity check";
	case STORE_EINDOUBT:
		return "the commit's sync failed: committed or not, nobody can say until a restart";
	case STORE_ERETRY:
		return "a conflict with another transaction (deadlock, serialization): nothing "
		       "written, try again";
	}
	return "unknown store error";
}
