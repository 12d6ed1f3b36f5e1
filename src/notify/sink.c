/* sink.c — the sink interface's common part and the JSON-lines file sink (sink.h). */
#include "notify/sink.h"

#include <errno.h>
#include <fcntl.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
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
	                              .utc_offset = 480};
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

struct file_sink {
	struct notify_sink base;
	int fd;
	pthread_mutex_t lock; /* one line written at a time */
};

/* Appends the message's line and a newline in one write and, when sync, makes the file
 * durable. */
static int file_send(notify_sink *k, int64_t id, const char *phone, const char *text, bool sync,
                     char why[NOTIFY_SINK_WHY_MAX])
{
	struct file_sink *f = (struct file_sink *)k;
	char ts[JSONVAL_TIME_LEN], *line;
	int rc = NOTIFY_ESINK;
	size_t len;

	why[0] = '\0';
	jsonval_time_text((int64_t)time(NULL), 0, ts); /* UTC, as the log's ts */
	if ((line = notify_sink_json(ts, id, false, phone, text)) == NULL) {
		snprintf(why, NOTIFY_SINK_WHY_MAX, "out of memory");
		return NOTIFY_ESINK;
	}
	len = strlen(line);
	pthread_mutex_lock(&f->lock);
	if (write(f->fd, line, len) != (ssize_t)len || write(f->fd, "\n", 1) != 1)
		snprintf(why, NOTIFY_SINK_WHY_MAX, "write failed");
	else if (sync && fsync(f->fd) != 0)
		snprintf(why, NOTIFY_SINK_WHY_MAX, "fsync failed");
	else
		rc = NOTIFY_OK;
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
	char path[NOTIFY_PATH_MAX + 4200];
	struct file_sink *f;

	*out = NULL;
	if (cfg->file[0] != '\0')
		snprintf(path, sizeof path, "%s", cfg->file);
	else
		snprintf(path, sizeof path, "%s/sms.jsonl", data_dir);
	if ((f = calloc(1, sizeof *f)) == NULL) {
		snprintf(err, errlen, "out of memory");
		return NOTIFY_ENOMEM;
	}
	if ((f->fd = open(path, O_WRONLY | O_CREAT | O_APPEND | O_CLOEXEC, 0600)) < 0) {
		snprintf(err, errlen, "cannot open %s: %s", path, strerror(errno));
		free(f);
		return NOTIFY_EIO;
	}
	f->base.ops = &file_ops;
	pthread_mutex_init(&f->lock, NULL);
	*out = &f->base;
	return NOTIFY_OK;
}
