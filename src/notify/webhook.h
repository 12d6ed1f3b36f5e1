/* webhook.h — the HTTP webhook sink of text messages (notify/sink.h): each message a POST of
 * {"id","phone","text"} to [notify] webhook through libcurl, a 2xx status meaning delivered,
 * [notify] timeout seconds at most. It lives in a library of its own (possum_webhook), which
 * only the programs that post link: libcurl goes nowhere else. */
#ifndef POSSUM_NOTIFY_WEBHOOK_H
#define POSSUM_NOTIFY_WEBHOOK_H

#include "notify/sink.h"

/* Opens the webhook sink on cfg->webhook, which must be an http or https URL. NOTIFY_OK, or
 * NOTIFY_EARG / NOTIFY_ENOMEM / NOTIFY_ESINK with err (capacity errlen) saying why. */
int notify_webhook_open(const struct notify_config *cfg, notify_sink **out, char *err,
                        size_t errlen);

#endif
