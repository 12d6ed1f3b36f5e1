/* driver.c — a step of a case done by the vendor's driver program (`--driver CMD`,
 * docs/certify.md "Drivers"): `sh -c 'CMD "$@"' certify ACTION KEY=VALUE…` with the run's
 * environment (POSSUM_CERTIFY_WORK, _CARDS, _HOST, _CASE), its standard output kept (the last
 * CERTIFY_DRIVER_OUT bytes: the receipt a `check receipt` reads), its standard error appended to
 * WORK/driver.log, and killed when it outlasts the case's time. */
#include "certify/internal.h"

#include <assert.h>
#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

#define ARGV_MAX (4 + 2 * CERTIFY_ARGS_MAX + 16)

/* In the child: the environment, the output to the pipe, errors to WORK/driver.log, exec. */
static void child(const struct certify_call *call, char *const argv[], int out)
{
	char log[700];
	int err;

	snprintf(log, sizeof log, "%s/driver.log", call->work);
	err = open(log, O_WRONLY | O_CREAT | O_APPEND, 0600);
	if (dup2(out, STDOUT_FILENO) < 0 || (err >= 0 && dup2(err, STDERR_FILENO) < 0))
		_exit(127);
	setenv("POSSUM_CERTIFY_WORK", call->work, 1);
	setenv("POSSUM_CERTIFY_CARDS", call->cards, 1);
	setenv("POSSUM_CERTIFY_HOST", call->host, 1);
	setenv("POSSUM_CERTIFY_CASE", call->case_id, 1);
	execv("/bin/sh", argv);
	_exit(127);
}

/* Keeps the last cap - 1 bytes read from fd in out (NUL-terminated); false at its end. */
static bool read_some(int fd, char *out, size_t cap, size_t *len)
{
	char buf[1024];
	ssize_t n = read(fd, buf, sizeof buf);

	if (n < 0)
		return errno == EINTR || errno == EAGAIN;
	if (n == 0)
		return false;
	if ((size_t)n >= cap - 1) {
		memcpy(out, buf + (size_t)n - (cap - 1), cap - 1);
		*len = cap - 1;
	} else {
		if (*len + (size_t)n >= cap) {
			size_t drop = *len + (size_t)n - (cap - 1);

			memmove(out, out + drop, *len - drop);
			*len -= drop;
		}
		memcpy(out + *len, buf, (size_t)n);
		*len += (size_t)n;
	}
	out[*len] = '\0';
	return true;
}

/* Reads the child's output until it closes or the deadline; *killed when it was killed. */
static void collect(pid_t pid, int fd, int64_t deadline, char *out, size_t cap, bool *killed)
{
	struct pollfd p = {.fd = fd, .events = POLLIN};
	size_t len = strlen(out);

	*killed = false;
	for (;;) {
		int64_t left = deadline - certify_now_ms();

		if (left <= 0) {
			kill(pid, SIGKILL);
			*killed = true;
			return;
		}
		if (poll(&p, 1, left > 200 ? 200 : (int)left) > 0 && !read_some(fd, out, cap, &len))
			return;
	}
}

int certify_driver_run(const struct certify_call *call, const char *action, const char *const *args,
                       size_t n_args, int timeout_s, char *out, size_t cap, int *status)
{
	char script[1200];
	char *argv[ARGV_MAX];
	size_t k = 0;
	int fds[2], ws = 0;
	bool killed;
	pid_t pid;

	assert(n_args + 5 < ARGV_MAX && cap > 1);
	if ((size_t)snprintf(script, sizeof script, "%s \"$@\"", call->driver) >= sizeof script)
		return CERTIFY_EARG;
	argv[k++] = "sh";
	argv[k++] = "-c";
	argv[k++] = script;
	argv[k++] = "certify";
	argv[k++] = (char *)action;
	for (size_t i = 0; i < n_args; i++)
		argv[k++] = (char *)args[i];
	argv[k] = NULL;
	if (pipe(fds) != 0)
		return CERTIFY_EDRIVER;
	if ((pid = fork()) < 0) {
		close(fds[0]);
		close(fds[1]);
		return CERTIFY_EDRIVER;
	}
	if (pid == 0) {
		close(fds[0]);
		child(call, argv, fds[1]);
	}
	close(fds[1]);
	collect(pid, fds[0], certify_now_ms() + (int64_t)timeout_s * 1000, out, cap, &killed);
	close(fds[0]);
	while (waitpid(pid, &ws, 0) < 0 && errno == EINTR)
		;
	*status = killed ? -1 : WIFEXITED(ws) ? WEXITSTATUS(ws) : 128 + WTERMSIG(ws);
	return CERTIFY_OK;
}
