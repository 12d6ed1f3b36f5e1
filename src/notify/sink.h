/* sink.h — where text messages to cardholders leave possum: the sink interface, the settings
 * of [notify], and the JSON-lines file sink.
 *
 * A sink is a struct notify_sink whose ops say how it sends one message and, for a sink that
 * buffers, how it makes a batch durable. Two exist: the JSON-lines file here (one
 * {"ts","phone","text","id"} a line, appended, created mode 0600; a batch fsync'd once) and
 * the HTTP webhook of notify/webhook.h (libcurl, in a library of its own so that only the
 * programs that post link it). Which one [notify] sink names is the composition root's choice
 * (src/host/): this module knows no configuration file.
 *
 * One-time codes go to a sink directly (the outbox would keep the code in the clear);
 * notifications go through the outbox and the scheduler (notify/scheduler.h).
 *
 * Ownership: each *_open() allocates the sink, notify_sink_close() frees any. A sink may be used
 * from several threads at once. Functions return NOTIFY_OK or a negative NOTIFY_E* code
 * (notify.h); a sink's failure to deliver is NOTIFY_ESINK, with why in a few words that quote
 * nothing: "http 500", "timeout", "write failed". */
#ifndef POSSUM_NOTIFY_SINK_H
#define POSSUM_NOTIFY_SINK_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "notify/notify.h"

#define NOTIFY_SINK_WHY_MAX 64
#define NOTIFY_PATH_MAX     1024

enum notify_sink_kind { NOTIFY_SINK_FILE = 1, NOTIFY_SINK_WEBHOOK };

/* [notify] (docs/config.md): the sink and how delivery is retried. */
struct notify_config {
	int sink;                      /* enum notify_sink_kind: file */
	char file[NOTIFY_PATH_MAX];    /* the JSON-lines file; empty: DATA/sms.jsonl */
	char webhook[NOTIFY_PATH_MAX]; /* the URL POSTed to */
	int timeout;                   /* 5: seconds a webhook call may take, 1..300 */
	int interval;                  /* 1: seconds between looks at the outbox, 1..3600 */
	int max_attempts;              /* 8: before a message is dead, 1..100 */
	int batch; /* 512: messages a host claims from the outbox at a time, 1..512 (NOTIFY_BATCH)
	            */
	int utc_offset;          /* 480: minutes east of UTC of the times in texts */
	int file_retention_days; /* 7: days the file sink keeps a line, 0..3650 (0: for
	                          * ever) */
};

void notify_config_defaults(struct notify_config *cfg);

typedef struct notify_sink notify_sink;

/* What a kind of sink does. send() delivers one message (id 0: none, as for one-time codes);
 * with sync false a buffering sink may leave it to flush(), called once after a batch (NULL:
 * nothing to flush). close() frees the sink. */
struct notify_sink_ops {
	int (*send)(notify_sink *k, int64_t id, const char *phone, const char *text, bool sync,
	            char why[NOTIFY_SINK_WHY_MAX]);
	int (*flush)(notify_sink *k, char why[NOTIFY_SINK_WHY_MAX]);
	void (*close)(notify_sink *k);
};

/* The head of every sink: a sink's own state follows it in its own struct. */
struct notify_sink {
	const struct notify_sink_ops *ops;
};

/* Opens the file sink: cfg->file, else DIR/sms.jsonl of data_dir. NOTIFY_OK, or NOTIFY_EIO /
 * NOTIFY_ENOMEM with err (capacity errlen) saying why.
 *
 * Retention: the lines dated (their "ts") more than cfg->file_retention_days days ago are
 * removed when it opens and then at the first write of each day after: the kept lines written
 * to FILE.new, synced and renamed over the file, under an exclusive flock() of it that every
 * write takes too; a writer (this process's or another's) whose file was renamed away opens
 * the new one before it writes, so no line is lost. A line without a date is kept. */
int notify_file_open(const struct notify_config *cfg, const char *data_dir, notify_sink **out,
                     char *err, size_t errlen);

/* Sends text to phone through k, made durable before it returns. NOTIFY_OK or NOTIFY_ESINK. */
int notify_sink_send(notify_sink *k, int64_t id, const char *phone, const char *text,
                     char why[NOTIFY_SINK_WHY_MAX]);

/* k may be NULL. */
void notify_sink_close(notify_sink *k);

/* The JSON of a message as a sink sends it: {"ts"?,"id"?,"phone","text","id"?} — ts (a UTC
 * time, or NULL for none) first, then the id (when not 0) first or last as id_first says. A heap
 * string the caller wipes and frees; NULL when out of memory. */
char *notify_sink_json(const char *ts, int64_t id, bool id_first, const char *phone,
                       const char *text);

#endif
