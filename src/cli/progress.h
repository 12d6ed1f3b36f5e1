/* progress.h — what the long runs of the command line (`admin settle run`, `admin payouts
 * run`) show: a progress bar on standard error, only when it is a terminal, redrawn at most
 * ten times a second with the count done of the total, the rate and the time gone, and
 * cleared at the end (nothing at all when standard error is not a terminal: a pipe, a file, a
 * test); and their lines in the service log, as the host's runs write them. */
#ifndef POSSUM_CLI_PROGRESS_H
#define POSSUM_CLI_PROGRESS_H

#include <stdbool.h>
#include <stddef.h>

#include <jansson.h>

#include "host/config.h"
#include "log/log.h"

struct cli_progress {
	const char *what; /* what is counted: "lines", "merchants" */
	bool tty;         /* standard error is a terminal: the bar is drawn */
	bool drawn;       /* a bar is on the line now */
	double start, last;
};

/* Starts a run counting what (a static text). */
void cli_progress_start(struct cli_progress *pr, const char *what);
/* done of total (0: not known) so far: the bar redrawn unless it was within 0.1 s. */
void cli_progress_update(struct cli_progress *pr, size_t done, size_t total);
/* Clears the bar. */
void cli_progress_end(struct cli_progress *pr);
/* The seconds since the start. */
double cli_progress_elapsed(const struct cli_progress *pr);

/* The bar's text into out (cap bytes): "[#####.....]  120000/1000000 lines  85000/s  1.4 s",
 * the bar width characters wide (no bar when total is 0). */
void cli_progress_format(char *out, size_t cap, size_t done, size_t total, double elapsed,
                         const char *what, int width);

/* The service log of cfg ([host] log) for a run's lines: NULL when it cannot be opened (the
 * run goes on without them), and when it is standard error ("-") and that is a terminal.
 * cli_progress_log() writes a line (log_event()), or only frees fields when log is NULL. */
possum_log *cli_progress_log_open(const struct host_config *cfg);
void cli_progress_log(possum_log *log, int level, const char *event, json_t *fields);

#endif
