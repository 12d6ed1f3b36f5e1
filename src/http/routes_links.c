/* routes_links.c — the network links' status (docs/links.md "Watching the links"): what the
 * host last wrote of its outgoing links in DATA/links.json, with each link's store-and-forward
 * queue counted from the store; GET /api/v1/links, and `possum admin link status`. Operators
 * and auditors only. Nothing here changes anything. */
#include "http/http.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "common/file.h"
#include "store/store_saf.h"

#define LINKS_FILE_MAX (1024 * 1024)

/* Each item of the status named c->link gets c's counts. */
static int saf_one(void *ctx, const struct store_saf_count *c)
{
	json_t *items = ctx, *item;
	size_t i;

	json_array_foreach(items, i, item)
	{
		json_t *name = json_object_get(item, "name");

		if (json_is_string(name) && strcmp(json_string_value(name), c->link) == 0 &&
		    json_object_set_new(
		        item, "saf",
		        json_pack("{s:I, s:I, s:I}", "pending", (json_int_t)c->pending, "refused",
		                  (json_int_t)c->refused, "expired", (json_int_t)c->expired)) != 0)
			return 1;
	}
	return 0;
}

/* Every item "saf" zeros, then the store's counts over them. */
static int add_saf(store *s, json_t *items)
{
	json_t *item;
	size_t i;

	json_array_foreach(items, i, item)
	{
		if (!json_is_object(item) ||
		    json_object_set_new(item, "saf",
		                        json_pack("{s:i, s:i, s:i}", "pending", 0, "refused", 0,
		                                  "expired", 0)) != 0)
			return -1;
	}
	return store_saf_counts(s, saf_one, items) == STORE_OK ? 0 : -1;
}

int http_links_status(store *s, const char *data_dir, int64_t now, int64_t max_age, json_t **out,
                      int64_t *written)
{
	char path[4096 + sizeof HTTP_LINKS_FILE + 1], *text = NULL;
	struct stat st;
	size_t len;
	json_t *doc;

	*out = NULL;
	*written = 0;
	snprintf(path, sizeof path, "%s/%s", data_dir, HTTP_LINKS_FILE);
	if (stat(path, &st) != 0)
		return errno == ENOENT ? HTTP_ENOTFOUND : HTTP_EFAIL;
	*written = (int64_t)st.st_mtime;
	if (max_age > 0 && now - *written > max_age)
		return HTTP_ENOTFOUND;
	if (file_read_all(path, LINKS_FILE_MAX, &text, &len) != 0)
		return errno == ENOENT ? HTTP_ENOTFOUND : HTTP_EFAIL;
	doc = json_loadb(text, len, 0, NULL);
	free(text);
	if (!json_is_array(json_object_get(doc, "items")) ||
	    add_saf(s, json_object_get(doc, "items")) != 0) {
		json_decref(doc);
		return HTTP_EFAIL;
	}
	*out = doc;
	return HTTP_OK;
}

/* GET /api/v1/links: {"updated_at","items":[…],"next":null}, as `possum admin link status
 * --json`; 503 before the host has written it (its first second). */
static int links(struct http_ctx *ctx, const struct http_request *req, struct http_response *res)
{
	int64_t written;
	json_t *doc;
	int rc;

	if (ctx->data_dir == NULL)
		return http_fail(res, 503, "no links' status here", NULL);
	if ((rc = http_links_status(ctx->store, ctx->data_dir, req->now, 0, &doc, &written)) ==
	    HTTP_ENOTFOUND)
		return http_fail(res, 503, "the links' status is not written yet", NULL);
	if (rc != HTTP_OK)
		return HTTP_EFAIL;
	return http_reply(res, 200, doc);
}

const struct http_route http_routes_links[] = {
    {"GET", "/api/v1/links", HTTP_ROLE_OPERATOR | HTTP_ROLE_AUDITOR, links},
};
const size_t http_routes_links_n = sizeof http_routes_links / sizeof http_routes_links[0];
