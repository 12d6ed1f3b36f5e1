/* dump.c — backup and restore of a store on PostgreSQL (store.h's store_pg_backup() and
 * store_pg_restore()) with the server's own tools: pg_dump's custom format written beside the
 * destination and renamed once whole, pg_restore in one transaction. The tools run without a
 * shell, their standard error read back for the reason of a failure. */
#include <errno.h>
#include <fcntl.h>
#include <glob.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

#include "store/pg/internal.h"

#define TOOL_PATH_MAX 4096

/* Whether dir/tool is a program; its path into out. */
static bool tool_in(const char *dir, size_t len, const char *tool, char *out)
{
	if ((size_t)snprintf(out, TOOL_PATH_MAX, "%.*s/%s", (int)len, dir, tool) >= TOOL_PATH_MAX)
		return false;
	return access(out, X_OK) == 0;
}

/* The newest version's directory of /usr/lib/postgresql/VERSION/bin first. */
static int newest_first(const void *a, const void *b)
{
	const char *x = *(char *const *)a + strlen("/usr/lib/postgresql/");
	const char *y = *(char *const *)b + strlen("/usr/lib/postgresql/");

	return atoi(y) - atoi(x);
}

/* tool found in POSSUM_PG_BIN when it is set (and only there), else on PATH, else in Debian's
 * /usr/lib/postgresql/VERSION/bin: its path into out. */
static bool find_tool(const char *tool, char *out)
{
	const char *path = getenv("PATH"), *p, *bin = getenv(STORE_PG_BIN_ENV);
	glob_t g;
	bool found = false;

	if (bin != NULL && *bin != '\0')
		return tool_in(bin, strlen(bin), tool, out);
	for (p = path; p != NULL && *p != '\0'; p += strcspn(p, ":") + (p[strcspn(p, ":")] == ':'))
		if (strcspn(p, ":") > 0 && tool_in(p, strcspn(p, ":"), tool, out))
			return true;
	if (glob("/usr/lib/postgresql/*/bin", 0, NULL, &g) != 0)
		return false;
	qsort(g.gl_pathv, g.gl_pathc, sizeof g.gl_pathv[0], newest_first);
	for (size_t i = 0; i < g.gl_pathc && !found; i++)
		found = tool_in(g.gl_pathv[i], strlen(g.gl_pathv[i]), tool, out);
	globfree(&g);
	return found;
}

/* Runs argv (argv[0] a tool's name, found by find_tool()), its standard output dropped and
 * its standard error's first line kept in why: STORE_OK when it exits 0, else STORE_EIO. */
static int run_tool(char *const argv[], char *why, size_t cap)
{
	char tool[TOOL_PATH_MAX], err[1024], drop[512];
	size_t n = 0;
	ssize_t got;
	int fds[2], status, devnull;
	pid_t pid;

	if (!find_tool(argv[0], tool)) {
		snprintf(why, cap,
		         "%s not found (%s, PATH, /usr/lib/postgresql/*/bin: Debian's "
		         "postgresql-client)",
		         argv[0], STORE_PG_BIN_ENV);
		return STORE_EIO;
	}
	if (pipe(fds) != 0) {
		snprintf(why, cap, "%s: %s", argv[0], strerror(errno));
		return STORE_EIO;
	}
	if ((pid = fork()) < 0) {
		snprintf(why, cap, "%s: %s", argv[0], strerror(errno));
		close(fds[0]);
		close(fds[1]);
		return STORE_EIO;
	}
	if (pid == 0) {
		devnull = open("/dev/null", O_RDWR);
		dup2(devnull, 0);
		dup2(devnull, 1);
		dup2(fds[1], 2);
		close(fds[0]);
		execv(tool, argv);
		_exit(127);
	}
	close(fds[1]);
	/* Read to its end (what does not fit dropped), so that the tool never waits on a full
	 * pipe. */
	while ((got = n + 1 < sizeof err ? read(fds[0], err + n, sizeof err - 1 - n)
	                                 : read(fds[0], drop, sizeof drop)) > 0 ||
	       (got < 0 && errno == EINTR))
		n += got > 0 && n + 1 < sizeof err ? (size_t)got : 0;
	close(fds[0]);
	err[n] = '\0';
	while (waitpid(pid, &status, 0) < 0 && errno == EINTR)
		;
	if (WIFEXITED(status) && WEXITSTATUS(status) == 0)
		return STORE_OK;
	err[strcspn(err, "\n")] = '\0';
	snprintf(why, cap, "%s", n > 0 ? err : argv[0]);
	return STORE_EIO;
}

/* "--dbname=CONNINFO" of a store's name. */
static int dbname_arg(const char *name, char *out, size_t cap)
{
	if (!store_name_is_pg(name) ||
	    (size_t)snprintf(out, cap, "--dbname=%s", store_pg_conninfo(name)) >= cap)
		return STORE_EARG;
	return STORE_OK;
}

int store_pg_backup(const char *name, const char *dest, char *why, size_t cap,
                    store_progress_fn *progress, void *arg)
{
	char db[2048], part[TOOL_PATH_MAX], file[TOOL_PATH_MAX + 16];
	int rc, fd;

	snprintf(why, cap, "%s", "");
	if (dest == NULL || *dest == '\0' || dbname_arg(name, db, sizeof db) != STORE_OK ||
	    (size_t)snprintf(part, sizeof part, "%s.partial", dest) >= sizeof part)
		return STORE_EARG;
	if (access(dest, F_OK) == 0)
		return STORE_EEXIST;
	/* Made here, mode 0600, so that pg_dump writes into a file that is ours. */
	unlink(part);
	if ((fd = open(part, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0600)) < 0) {
		snprintf(why, cap, "%s: %s", part, strerror(errno));
		return STORE_EIO;
	}
	close(fd);
	snprintf(file, sizeof file, "--file=%s", part);
	if (progress != NULL)
		progress(arg, 0, 1);
	rc = run_tool((char *[]){"pg_dump", "--format=custom", file, db, NULL}, why, cap);
	if (rc == STORE_OK && rename(part, dest) != 0) {
		snprintf(why, cap, "%s: %s", dest, strerror(errno));
		rc = STORE_EIO;
	}
	if (rc != STORE_OK)
		unlink(part);
	else if (progress != NULL)
		progress(arg, 1, 1);
	return rc;
}

/* Whether path begins as pg_dump's custom format does ("PGDMP"). */
static bool is_archive(const char *path)
{
	char magic[5];
	FILE *f = fopen(path, "rb");
	bool ok = f != NULL && fread(magic, 1, sizeof magic, f) == sizeof magic &&
	          memcmp(magic, "PGDMP", sizeof magic) == 0;

	if (f != NULL)
		fclose(f);
	return ok;
}

/* STORE_EBUSY when another session is connected to conninfo's database (a host runs on it),
 * saying how many; STORE_EIO with libpq's words when it cannot be asked. */
static int check_alone(const char *conninfo, char *why, size_t cap)
{
	PGconn *c = PQconnectdb(conninfo);
	PGresult *r = NULL;
	int rc = STORE_EIO, n;

	if (PQstatus(c) != CONNECTION_OK) {
		snprintf(why, cap, "%s", PQerrorMessage(c));
		why[strcspn(why, "\n")] = '\0';
		goto out;
	}
	r = PQexec(c, "SELECT count(*) FROM pg_stat_activity WHERE datname = current_database() "
	              "AND pid <> pg_backend_pid() AND backend_type = 'client backend'");
	if (PQresultStatus(r) != PGRES_TUPLES_OK || PQntuples(r) != 1) {
		snprintf(why, cap, "%s", PQerrorMessage(c));
		why[strcspn(why, "\n")] = '\0';
		goto out;
	}
	n = atoi(PQgetvalue(r, 0, 0));
	rc = n == 0 ? STORE_OK : STORE_EBUSY;
	if (n > 0)
		snprintf(why, cap, "%d other session%s on the database", n, n == 1 ? "" : "s");
out:
	PQclear(r);
	PQfinish(c);
	return rc;
}

int store_pg_restore(const char *name, const char *src, char *why, size_t cap,
                     store_progress_fn *progress, void *arg)
{
	char db[2048];
	int rc;

	snprintf(why, cap, "%s", "");
	if (src == NULL || dbname_arg(name, db, sizeof db) != STORE_OK)
		return STORE_EARG;
	if (!is_archive(src)) {
		snprintf(why, cap, "not a pg_dump archive (custom format)");
		return STORE_ENOTSTORE;
	}
	if ((rc = check_alone(store_pg_conninfo(name), why, cap)) != STORE_OK)
		return rc;
	if (progress != NULL)
		progress(arg, 0, 1);
	rc = run_tool((char *[]){"pg_restore", "--clean", "--if-exists", "--single-transaction",
	                         "--no-owner", db, (char *)src, NULL},
	              why, cap);
	if (rc == STORE_OK && progress != NULL)
		progress(arg, 1, 1);
	return rc;
}
