/* progress.c — the progress bar of long runs on standard error, when it is a terminal, and
 * their lines in the service log (progress.h). */
#include "cli/progress.h"

#include <stdio.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#define BAR_WIDTH    30
#define REDRAW_EVERY 0.1 /* seconds: at most ten redraws a second */

static double seconds(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

void cli_progress_start(struct cli_progress *pr, const char *what)
{
	*pr = (struct cli_progress){.what = what, .tty = isatty(STDERR_FILENO) == 1};
	pr->start = seconds();
	pr->last = 0; /* the first update draws */
}

double cli_progress_elapsed(const struct cli_progress *pr)
{
	return seconds() - pr->start;
}

void cli_progress_format(char *out, size_t cap, size_t done, size_t total, double elapsed,
                         const char *what, int width)
{
	char bar[128];
	int filled, i, n = 0;

	bar[0] = '\0';
	if (total > 0 && width > 0 && width < (int)sizeof bar - 3) {
		filled = (int)((done > total ? total : done) * (size_t)width / total);
		bar[n++] = '[';
		for (i = 0; i < width; i++)
			bar[n++] = i < filled ? '#' : '.';
		bar[n++] = ']';
		bar[n++] = ' ';
		bar[n] = '\0';
	}
	if (total > 0)
		snprintf(out, cap, "%s%zu/%zu %s  %.0f/s  %.1f s", bar, done, total, what,
		         elapsed > 0 ? (double)done / elapsed : 0.0, elapsed);
	else
		snprintf(out, cap, "%zu %s  %.0f/s  %.1f s", done, what,
		         elapsed > 0 ? (double)done / elapsed : 0.0, elapsed);
}

void cli_progress_update(struct cli_progress *pr, size_t done, size_t total)
{
	char line[256];
	double now;

	if (!pr->tty || (now = seconds()) - pr->last < REDRAW_EVERY)
		return;
	pr->last = now;
	cli_progress_format(line, sizeof line, done, total, now - pr->start, pr->what, BAR_WIDTH);
	fprintf(stderr, "\r%s\033[K", line);
	fflush(stderr);
	pr->drawn = true;
}

void cli_progress_end(struct cli_progress *pr)
{
	if (pr->drawn) {
		fputs("\r\033[K", stderr);
		fflush(stderr);
	}
	pr->drawn = false;
}

possum_log *cli_progress_log_open(const struct host_config *cfg)
{
	possum_log *log;

	/* A person at a terminal reads the bar and the result; JSON lines on the same screen
	 * would only be noise. A log file, or standard error that is a pipe (cron, a service
	 * manager), gets them. */
	if (strcmp(cfg->log, "-") == 0 && isatty(STDERR_FILENO))
		return NULL;
	return log_open(cfg->log, cfg->log_level, &log) == LOG_OK ? log : NULL;
}

void cli_progress_log(possum_log *log, int level, const char *event, json_t *fields)
{
	if (log != NULL)
		log_event(log, level, event, fields);
	else
		json_decref(fields);
}
