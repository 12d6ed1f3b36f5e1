/* log.h — the service log: one JSON object a line, for people and for programs.
 *
 * Each line is {"ts":"2026-11-30T12:00:00.123Z","level":"info","event":"listening",…} with
 * the caller's fields after event, written with one stdio call and flushed, so a line is
 * whole even if the program dies just after.
 *
 * The logger never masks: callers pass only values that may be logged — masked PANs
 * (card_pan_mask()), never PIN blocks, CVVs, track data, clear PANs or keys, nor raw message
 * bytes.
 *
 * Ownership: log_open() allocates the logger, log_close() flushes, closes the file (not
 * stderr) and frees it. A logger is used by one thread at a time. Functions return LOG_OK or
 * a negative LOG_E* code; log_strerror() names it. */
#ifndef POSSUM_LOG_H
#define POSSUM_LOG_H

#include <jansson.h>

#define LOG_OK     0
#define LOG_EARG   (-1) /* a level name that is not debug, info, warn or error */
#define LOG_EIO    (-2) /* the log file cannot be opened (see errno) */
#define LOG_ENOMEM (-3)

enum log_level { LOG_DEBUG = 0, LOG_INFO, LOG_WARN, LOG_ERROR };

typedef struct possum_log possum_log;

/* Opens path for appending (created mode 0600), or stderr when path is "-". Events below
 * min_level (enum log_level) are not written. */
int log_open(const char *path, int min_level, possum_log **out);

/* l may be NULL. */
void log_close(possum_log *l);

/* Writes one line. fields (may be NULL) is a JSON object whose members follow "event"; it
 * is stolen (decref'd here) whether the line is written or not. A member named ts, level or
 * event is ignored. */
void log_event(possum_log *l, int level, const char *event, json_t *fields);

/* Holds the lines written from now until log_release(), which writes them all with one call
 * and flushes: for a batch of transactions, one write instead of one a line. Each line is
 * kept whole, so a crash loses held lines but never leaves half of one. */
void log_hold(possum_log *l);
void log_release(possum_log *l);

/* "debug", "info", "warn", "error" → enum log_level. LOG_EARG for anything else. */
int log_level_parse(const char *name, int *level);

/* The name of a level ("info"); "?" if out of range. */
const char *log_level_name(int level);

const char *log_strerror(int rc);

#endif
