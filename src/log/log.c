/* log.c — the JSON-lines service log (log.h). */
#include "log/log.h"

#include <assert.h>
#include <stdbool.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

struct possum_log {
	FILE *f;
	int own; /* f is ours to close (not stderr) */
	int min_level;
	int held;  /* lines go to buf until log_release() */
	char *buf; /* held lines, each whole */
	size_t len, cap;
};

static const char *const level_names[] = {"debug", "info", "warn", "error"};

int log_level_parse(const char *name, int *level)
{
	for (int i = 0; i < (int)(sizeof level_names / sizeof level_names[0]); i++) {
		if (strcmp(name, level_names[i]) == 0) {
			*level = i;
			return LOG_OK;
		}
	}
	return LOG_EARG;
}

const char *log_level_name(int level)
{
	if (level < LOG_DEBUG || level > LOG_ERROR)
		return "?";
	return level_names[level];
}

int log_open(const char *path, int min_level, possum_log **out)
{
	possum_log *l;
	int fd;

	if (min_level < LOG_DEBUG || min_level > LOG_ERROR)
		return LOG_EARG;
	if ((l = calloc(1, sizeof *l)) == NULL)
		return LOG_ENOMEM;
	l->min_level = min_level;
	if (strcmp(path, "-") == 0) {
		l->f = stderr;
	} else {
		fd = open(path, O_WRONLY | O_APPEND | O_CREAT | O_CLOEXEC, 0600);
		if (fd < 0 || (l->f = fdopen(fd, "a")) == NULL) {
			if (fd >= 0)
				close(fd);
			free(l);
			return LOG_EIO;
		}
		l->own = 1;
	}
	*out = l;
	return LOG_OK;
}

void log_close(possum_log *l)
{
	if (l == NULL)
		return;
	log_release(l);
	free(l->buf);
	if (l->own)
		fclose(l->f);
	else
		fflush(l->f);
	free(l);
}

/* ISO 8601 UTC with milliseconds: 2026-11-30T12:00:00.123Z. */
static void timestamp(char out[48])
{
	struct timespec ts;
	struct tm tm;
	char secs[32];

	clock_gettime(CLOCK_REALTIME, &ts);
	gmtime_r(&ts.tv_sec, &tm);
	strftime(secs, sizeof secs, "%Y-%m-%dT%H:%M:%S", &tm);
	snprintf(out, 48, "%s.%03dZ", secs, (int)(ts.tv_nsec / 1000000));
}

/* Appends a held line and its newline to l->buf: false when there is no memory for it (the
 * caller then writes it at once). */
static bool keep(possum_log *l, const char *text)
{
	size_t n = strlen(text) + 1;

	if (l->len + n > l->cap) {
		size_t cap = l->cap > 0 ? l->cap : 16384;
		char *grown;

		while (cap < l->len + n)
			cap *= 2;
		if ((grown = realloc(l->buf, cap)) == NULL)
			return false;
		l->buf = grown;
		l->cap = cap;
	}
	memcpy(l->buf + l->len, text, n - 1);
	l->buf[l->len + n - 1] = '\n';
	l->len += n;
	return true;
}

void log_hold(possum_log *l)
{
	assert(l != NULL);
	l->held = 1;
}

void log_release(possum_log *l)
{
	assert(l != NULL);
	if (l->len > 0) {
		fwrite(l->buf, 1, l->len, l->f);
		fflush(l->f);
	}
	l->len = 0;
	l->held = 0;
}

void log_event(possum_log *l, int level, const char *event, json_t *fields)
{
	json_t *line = NULL;
	char ts[48], *text = NULL;

	assert(l != NULL && event != NULL);
	if (level < l->min_level)
		goto out;
	timestamp(ts);
	if ((line = json_object()) == NULL)
		goto out;
	json_object_set_new(line, "ts", json_string(ts));
	json_object_set_new(line, "level", json_string(log_level_name(level)));
	json_object_set_new(line, "event", json_string(event));
	if (json_is_object(fields))
		json_object_update_missing(line, fields);
	if ((text = json_dumps(line, JSON_COMPACT | JSON_PRESERVE_ORDER)) == NULL)
		goto out;
	if (!l->held || !keep(l, text)) {
		fprintf(l->f, "%s\n", text);
		fflush(l->f);
	}
out:
	free(text);
	json_decref(line);
	json_decref(fields);
}

const char *log_strerror(int rc)
{
	switch (rc) {
	case LOG_OK:
		return "ok";
	case LOG_EARG:
		return "unknown log level";
	case LOG_EIO:
		return "cannot open the log file";
	case LOG_ENOMEM:
		return "out of memory";
	default:
		return "unknown error";
	}
}
