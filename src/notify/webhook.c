/* webhook.c — the HTTP webhook sink of text messages through libcurl (webhook.h). */
#include "notify/webhook.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <curl/curl.h>

#include "crypto/crypto.h"

struct webhook {
	struct notify_sink base;
	char url[NOTIFY_PATH_MAX];
	long timeout;
};

/* A response's body is not read: its status says it all. */
static size_t discard(char *p, size_t size, size_t n, void *ctx)
{
	(void)p;
	(void)ctx;
	return size * n;
}

static int post(struct webhook *w, const char *body, char why[NOTIFY_SINK_WHY_MAX])
{
	struct curl_slist *headers = curl_slist_append(NULL, "Content-Type: application/json");
	CURL *c = curl_easy_init();
	long status = 0;
	CURLcode rc;
	int ok = NOTIFY_ESINK;

	if (c == NULL || headers == NULL) {
		snprintf(why, NOTIFY_SINK_WHY_MAX, "out of memory");
		goto out;
	}
	curl_easy_setopt(c, CURLOPT_URL, w->url);
	curl_easy_setopt(c, CURLOPT_PROTOCOLS_STR, "http,https");
	curl_easy_setopt(c, CURLOPT_NOSIGNAL, 1L); /* called on worker threads */
	curl_easy_setopt(c, CURLOPT_TIMEOUT, w->timeout);
	curl_easy_setopt(c, CURLOPT_HTTPHEADER, headers);
	curl_easy_setopt(c, CURLOPT_POSTFIELDS, body);
	curl_easy_setopt(c, CURLOPT_WRITEFUNCTION, discard);
	if ((rc = curl_easy_perform(c)) != CURLE_OK) {
		snprintf(why, NOTIFY_SINK_WHY_MAX, "%s",
		         rc == CURLE_OPERATION_TIMEDOUT ? "timeout" : curl_easy_strerror(rc));
		goto out;
	}
	curl_easy_getinfo(c, CURLINFO_RESPONSE_CODE, &status);
	if (status < 200 || status > 299) {
		snprintf(why, NOTIFY_SINK_WHY_MAX, "http %ld", status);
		goto out;
	}
	ok = NOTIFY_OK;
out:
	curl_easy_cleanup(c);
	curl_slist_free_all(headers);
	return ok;
}

static int webhook_send(notify_sink *k, int64_t id, const char *phone, const char *text, bool sync,
                        char why[NOTIFY_SINK_WHY_MAX])
{
	char *body;
	int rc;

	(void)sync; /* a 2xx is delivered */
	why[0] = '\0';
	if ((body = notify_sink_json(NULL, id, true, phone, text)) == NULL) {
		snprintf(why, NOTIFY_SINK_WHY_MAX, "out of memory");
		return NOTIFY_ESINK;
	}
	rc = post((struct webhook *)k, body, why);
	crypto_wipe(body, strlen(body)); /* a phone */
	free(body);
	return rc;
}

static void webhook_close(notify_sink *k)
{
	curl_global_cleanup();
	free(k);
}

static const struct notify_sink_ops webhook_ops = {webhook_send, NULL, webhook_close};

int notify_webhook_open(const struct notify_config *cfg, notify_sink **out, char *err,
                        size_t errlen)
{
	struct webhook *w;

	*out = NULL;
	if (strncmp(cfg->webhook, "http://", 7) != 0 && strncmp(cfg->webhook, "https://", 8) != 0) {
		snprintf(err, errlen, "[notify] webhook: not an http or https URL: '%.100s'",
		         cfg->webhook);
		return NOTIFY_EARG;
	}
	if ((w = calloc(1, sizeof *w)) == NULL) {
		snprintf(err, errlen, "out of memory");
		return NOTIFY_ENOMEM;
	}
	if (curl_global_init(CURL_GLOBAL_DEFAULT) != CURLE_OK) {
		snprintf(err, errlen, "libcurl does not start");
		free(w);
		return NOTIFY_ESINK;
	}
	w->base.ops = &webhook_ops;
	snprintf(w->url, sizeof w->url, "%s", cfg->webhook);
	w->timeout = cfg->timeout;
	*out = &w->base;
	return NOTIFY_OK;
}
