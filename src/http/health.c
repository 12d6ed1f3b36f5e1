/* health.c — what GET /readyz and GET /metrics (routes_health.c) ask of the machine: the
 * addresses allowed to read the metrics without signing in, the process's figures from
 * /proc/self, and whether the store takes a write and the HSM is open. */
#include "http/http.h"

#include <arpa/inet.h>
#include <dirent.h>
#include <stdio.h>
#include <string.h>
#include <sys/resource.h>
#include <unistd.h>

/* A numeric address as 16 bytes, IPv4 mapped into IPv6 (::ffff:a.b.c.d): true, or false when
 * text is not one. */
static bool address(const char *text, uint8_t out[16])
{
	uint8_t v4[4];

	if (text == NULL)
		return false;
	if (inet_pton(AF_INET, text, v4) == 1) {
		memset(out, 0, 10);
		out[10] = out[11] = 0xff;
		memcpy(out + 12, v4, 4);
		return true;
	}
	return inet_pton(AF_INET6, text, out) == 1;
}

/* One "ADDR" or "ADDR/BITS" (of len bytes) into *net. */
static int parse_net(const char *text, size_t len, struct http_allow_net *net)
{
	char buf[64], *slash, *end;
	bool v4;
	long bits;

	if (len == 0 || len >= sizeof buf)
		return HTTP_EARG;
	memcpy(buf, text, len);
	buf[len] = '\0';
	if ((slash = strchr(buf, '/')) != NULL)
		*slash = '\0';
	v4 = strchr(buf, ':') == NULL;
	if (!address(buf, net->addr))
		return HTTP_EARG;
	net->bits = 128;
	if (slash != NULL) {
		bits = strtol(slash + 1, &end, 10);
		if (slash[1] < '0' || slash[1] > '9' || *end != '\0' || bits > (v4 ? 32 : 128))
			return HTTP_EARG;
		net->bits = (int)bits + (v4 ? 96 : 0);
	}
	return HTTP_OK;
}

int http_allow_parse(const char *text, struct http_allow *out)
{
	static const char sep[] = ", \t";
	const char *p = text != NULL ? text : "";
	size_t len;

	memset(out, 0, sizeof *out);
	for (p += strspn(p, sep); *p != '\0'; p += len, p += strspn(p, sep)) {
		len = strcspn(p, sep);
		if (out->n == HTTP_ALLOW_MAX || parse_net(p, len, &out->nets[out->n]) != HTTP_OK) {
			memset(out, 0, sizeof *out);
			return HTTP_EARG;
		}
		out->n++;
	}
	return HTTP_OK;
}

static bool in_net(const struct http_allow_net *net, const uint8_t a[16])
{
	int whole = net->bits / 8, rest = net->bits % 8;

	if (memcmp(net->addr, a, (size_t)whole) != 0)
		return false;
	return rest == 0 || ((net->addr[whole] ^ a[whole]) & (0xff << (8 - rest)) & 0xff) == 0;
}

bool http_allow_match(const struct http_allow *allow, const char *peer)
{
	uint8_t a[16];

	if (allow == NULL || !address(peer, a))
		return false;
	for (size_t i = 0; i < allow->n; i++)
		if (in_net(&allow->nets[i], a))
			return true;
	return false;
}

bool http_peer_loopback(const char *peer)
{
	static const struct http_allow loopback = {
	    .nets = {{{0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0xff, 0xff, 127}, 104},
	             {{0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 1}, 128}},
	    .n = 2};

	return http_allow_match(&loopback, peer);
}

int http_ready(struct http_ctx *ctx, char *why, size_t cap)
{
	hsm_kcv kcv;

	if (ctx->store == NULL || store_begin(ctx->store) != STORE_OK) {
		snprintf(why, cap, "the store does not take a write: %s",
		         ctx->store != NULL ? store_errmsg(ctx->store) : "none open");
		return HTTP_EFAIL;
	}
	store_rollback(ctx->store);
	if (ctx->hsm == NULL || hsm_lmk_kcv(ctx->hsm, &kcv) != HSM_OK) {
		snprintf(why, cap, "the HSM is not open");
		return HTTP_EFAIL;
	}
	return HTTP_OK;
}

/* The descriptors open: the entries of /proc/self/fd, less the directory's own. */
static int open_fds(double *out)
{
	DIR *d = opendir("/proc/self/fd");
	struct dirent *e;
	double n = 0;

	if (d == NULL)
		return HTTP_EFAIL;
	while ((e = readdir(d)) != NULL)
		if (e->d_name[0] != '.')
			n++;
	closedir(d);
	*out = n - 1;
	return HTTP_OK;
}

/* The machine's boot time (Unix seconds), from /proc/stat's btime. */
static int boot_time(double *out)
{
	FILE *f = fopen("/proc/stat", "r");
	char line[256];
	long long bt;
	int rc = HTTP_EFAIL;

	if (f == NULL)
		return HTTP_EFAIL;
	while (rc != HTTP_OK && fgets(line, sizeof line, f) != NULL)
		if (sscanf(line, "btime %lld", &bt) == 1) {
			*out = (double)bt;
			rc = HTTP_OK;
		}
	fclose(f);
	return rc;
}

int http_process_read(struct http_process *out)
{
	/* proc(5): after "(comm)" the fields from state (3): utime 14, stime 15, starttime 22,
	 * vsize 23, rss 24 (pages). */
	unsigned long long utime, stime, start, vsize, rss;
	double ticks = (double)sysconf(_SC_CLK_TCK), page = (double)sysconf(_SC_PAGESIZE), boot;
	char buf[1024], *p;
	struct rlimit rl;
	FILE *f = fopen("/proc/self/stat", "r");
	size_t n = f != NULL ? fread(buf, 1, sizeof buf - 1, f) : 0;

	if (f != NULL)
		fclose(f);
	buf[n] = '\0';
	if ((p = strrchr(buf, ')')) == NULL ||
	    sscanf(p + 2,
	           "%*c %*d %*d %*d %*d %*d %*u %*u %*u %*u %*u %llu %llu %*d %*d %*d %*d %*d "
	           "%*d %llu %llu %llu",
	           &utime, &stime, &start, &vsize, &rss) != 5 ||
	    boot_time(&boot) != HTTP_OK || open_fds(&out->open_fds) != HTTP_OK ||
	    getrlimit(RLIMIT_NOFILE, &rl) != 0)
		return HTTP_EFAIL;
	out->cpu_seconds = (double)(utime + stime) / ticks;
	out->start_time = boot + (double)start / ticks;
	out->virtual_bytes = (double)vsize;
	out->resident_bytes = (double)rss * page;
	out->max_fds = rl.rlim_cur == RLIM_INFINITY ? -1 : (double)rl.rlim_cur;
	return HTTP_OK;
}
