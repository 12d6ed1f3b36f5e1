/* sink.c — the sink interface's common part and the JSON-lines file sink (sink.h). */
#include "notify/sink.h"

#include <errno.h>
#include <fcntl.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/file.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include <jansson.h>

#include "common/jsonval.h"
#include "crypto/crypto.h"

void notify_config_defaults(struct notify_config *cfg)
{
	*cfg = (struct notify_config){.sink = NOTIFY_SINK_FILE,
	                              .timeout = 5,
	                              .interval = 1,
	                              .max_attempts = 8,
	                              .batch = 512,
	                              .utc_offset = 480,
	                              .file_retention_days = 7};
}

char *notify_sink_json(const char *ts, int64_t id, bool id_first, const char *phone,
                       const char *text)
{
	json_t *o = json_object();
	char *line;

	if (o == NULL)
		return NULL;
	if (ts != NULL)
		json_object_set_new(o, "ts", json_string(ts));
	if (id_first && id != 0)
		json_object_set_new(o, "id", json_integer(id));
	json_object_set_new(o, "phone", json_string(phone));
	json_object_set_new(o, "text", json_string(text));
	if (!id_first && id != 0)
		json_object_set_new(o, "id", json_integer(id));
	line = json_dumps(o, JSON_COMPACT | JSON_PRESERVE_ORDER);
	json_decref(o);
	return line;
}

int notify_sink_send(notify_sink *k, int64_t id, const char *phone, const char *text,
                     char why[NOTIFY_SINK_WHY_MAX])
{
	return k->ops->send(k, id, phone, text, true, why);
}

void notify_sink_close(notify_sink *k)
{
	if (k != NULL)
		k->ops->close(k);
}

/* ---- The JSON-lines file ---- */

#define DAY 86400

struct file_sink {
	struct notify_sink base;
	int fd;
	int retention_days;
	int64_t pruned;       /* when the file was last pruned */
	pthread_mutex_t lock; /* one line written at a time */
	char path[NOTIFY_PATH_MAX + 4200];
};

/* Under f->lock: f->fd locked exclusively (flock), and still the file at f->path — when a
 * prune renamed another over it, the new one opened and locked instead. 0 or -1. */
static int file_lock(struct file_sink *f)
{
	struct stat at, held;
	int fd;

	for (int tries = 0; tries < 8; tries++) {
		if (flock(f->fd, LOCK_EX) != 0 || fstat(f->fd, &held) != 0)
			return -1;
		if (stat(f->path, &at) == 0 && at.st_ino == held.st_ino && at.st_dev == held.st_dev)
			return 0;
		if ((fd = open(f->path, O_WRONLY | O_CREAT | O_APPEND | O_CLOEXEC, 0600)) < 0)
			return -1;
		close(f->fd); /* its lock with it */
		f->fd = fd;
	}
	return -1;
}

/* Whether line (its "ts" first, as file_send() writes it) is dated before cutoff, a UTC time
 * of the same form (they compare as text); a line without such a date is not. */
static bool line_old(const char *line, const char *cutoff)
{
	static const char head[] = "{\"ts\":\"";
	size_t n = strlen(cutoff);

	if (strncmp(line, head, sizeof head - 1) != 0)
		return false;
	line += sizeof head - 1;
	return strlen(line) > n && line[n] == '"' && strncmp(line, cutoff, n) < 0;
}

/* Copies in's lines dated from cutoff on to out; the number dropped, or -1. */
static long copy_kept(FILE *in, FILE *out, const char *cutoff)
{
	char *line = NULL;
	size_t cap = 0;
	ssize_t n;
	long dropped = 0;

	while ((n = getline(&line, &cap, in)) > 0) {
		if (line_old(line, cutoff))
			dropped++;
		else if (fwrite(line, 1, (size_t)n, out) != (size_t)n)
			dropped = -1;
		if (dropped < 0)
			break;
	}
	if (line != NULL)
		crypto_wipe(line, cap); /* phones and codes */
	free(line);
	return ferror(in) ? -1 : dropped;
}

/* Under file_lock(): the file rewritten without its lines older than the retention (none
 * rewritten when none is), then file_lock() again onto the new file. 0 or -1. */
static int file_prune(struct file_sink *f, int64_t now)
{
	char cutoff[JSONVAL_TIME_LEN], tmp[sizeof f->path + 4];
	FILE *in = NULL, *out = NULL;
	long dropped = -1;
	int fd, rc = -1;

	f->pruned = now;
	if (f->retention_days == 0)
		return 0;
	jsonval_time_text(now - (int64_t)f->retention_days * DAY, 0, cutoff);
	snprintf(tmp, sizeof tmp, "%s.new", f->path);
	if ((in = fopen(f->path, "re")) == NULL ||
	    (fd = open(tmp, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0600)) < 0)
		goto out;
	if ((out = fdopen(fd, "w")) == NULL) {
		close(fd);
		goto out;
	}
	if ((dropped = copy_kept(in, out, cutoff)) == 0)
		rc = 0;
	else if (dropped > 0 && fflush(out) == 0 && fsync(fileno(out)) == 0 &&
	         rename(tmp, f->path) == 0)
		rc = file_lock(f);
out:
	if (in != NULL)
		fclose(in);
	if (out != NULL)
		fclose(out);
	if (dropped <= 0 || rc != 0)
		unlink(tmp);
	return rc;
}

/* Appends the message's line and a newline in one write and, when sync, makes the file
 * durable; prunes it first when a day has passed since it was last. */
static int file_send(notify_sink *k, int64_t id, const char *phone, const char *text, bool sync,
                     char why[NOTIFY_SINK_WHY_MAX])
{
	struct file_sink *f = (struct file_sink *)k;
	char ts[JSONVAL_TIME_LEN], *line;
	int64_t now = (int64_t)time(NULL);
	int rc = NOTIFY_ESINK;
	size_t len;

	why[0] = '\0';
	jsonval_time_text(now, 0, ts); /* UTC, as the log's ts */
	if ((line = notify_sink_json(ts, id, false, phone, text)) == NULL) {
		snprintf(why, NOTIFY_SINK_WHY_MAX, "out of memory");
		return NOTIFY_ESINK;
	}
	len = strlen(line);
	pthread_mutex_lock(&f->lock);
	if (file_lock(f) != 0)
		snprintf(why, NOTIFY_SINK_WHY_MAX, "lock failed");
	else if (now - f->pruned >= DAY && file_prune(f, now) != 0)
		snprintf(why, NOTIFY_SINK_WHY_MAX, "prune failed");
	else if (write(f->fd, line, len) != (ssize_t)len || write(f->fd, "\n", 1) != 1)
		snprintf(why, NOTIFY_SINK_WHY_MAX, "write failed");
	else if (sync && fsync(f->fd) != 0)
		snprintf(why, NOTIFY_SINK_WHY_MAX, "fsync failed");
	else
		rc = NOTIFY_OK;
	flock(f->fd, LOCK_UN);
	pthread_mutex_unlock(&f->lock);
	crypto_wipe(line, len); /* a phone */
	free(line);
	return rc;
}

static int file_flush(notify_sink *k, char why[NOTIFY_SINK_WHY_MAX])
{
	struct file_sink *f = (struct file_sink *)k;
	int synced;

	pthread_mutex_lock(&f->lock);
	synced = fsync(f->fd);
	pthread_mutex_unlock(&f->lock);
	if (synced == 0)
		return NOTIFY_OK;
	snprintf(why, NOTIFY_SINK_WHY_MAX, "fsync failed");
	return NOTIFY_ESINK;
}

static void file_close(notify_sink *k)
{
	struct file_sink *f = (struct file_sink *)k;

	close(f->fd);
	pthread_mutex_destroy(&f->lock);
	free(f);
}

static const struct notify_sink_ops file_ops = {file_send, file_flush, file_close};

int notify_file_open(const struct notify_config *cfg, const char *data_dir, notify_sink **out,
                     char *err, size_t errlen)
{
	struct file_sink *f;
	int rc;

	*out = NULL;
	if ((f = calloc(1, sizeof *f)) == NULL) {
		snprintf(err, errlen, "out of memory");
		return NOTIFY_ENOMEM;
	}
	if (cfg->file[0] != '\0')
		snprintf(f->path, sizeof f->path, "%s", cfg->file);
	else
		snprintf(f->path, sizeof f->path, "%s/sms.jsonl", data_dir);
	f->retention_days = cfg->file_retention_days;
	if ((f->fd = open(f->path, O_WRONLY | O_CREAT | O_APPEND | O_CLOEXEC, 0600)) < 0) {
		snprintf(err, errlen, "cannot open %s: %s", f->path, strerror(errno));
		free(f);
		return NOTIFY_EIO;
	}
	f->base.ops = &file_ops;
	pthread_mutex_init(&f->lock, NULL);
	rc = file_lock(f) == 0 && file_prune(f, (int64_t)time(NULL)) == 0;
	flock(f->fd, LOCK_UN);
	if (!rc) {
		snprintf(err, errlen, "cannot prune %s: %s", f->path, strerror(errno));
		file_close(&f->base);
		return NOTIFY_EIO;
	}
	*out = &f->base;
	return NOTIFY_OK;
}
