/* links.c — the host's outgoing network links ([link.NAME], docs/links.md): one outlink each on
 * the host's loop, with its keys, and their status written once a second to DATA/links.json,
 * which `possum admin link status`, GET /api/v1/links and the console read. */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <jansson.h>

#include "common/jsonval.h"
#include "crypto/crypto.h"
#include "host/internal.h"

#define LINKS_STATUS_MS 1000 /* DATA/links.json written this often */

json_t *host_links_item_json(const struct host_link_config *c, const struct outlink_status *st,
                             int utc_offset)
{
	json_t *conns = json_array(), *o;

	if (conns == NULL)
		return NULL;
	for (unsigned i = 0; i < st->connections && i < OUTLINK_CONN_MAX; i++)
		if (json_array_append_new(
		        conns, json_pack("{s:s, s:i, s:o}", "state",
		                         outlink_conn_state_name(st->conn[i].state), "failures",
		                         (int)st->conn[i].failures, "since",
		                         jsonval_time(st->conn[i].since_ms / 1000, utc_offset))) !=
		    0) {
			json_decref(conns);
			return NULL;
		}
	o = json_pack("{s:s, s:s, s:i, s:s, s:s, s:s, s:o, s:i, s:I, s:I, s:I}", "name", c->name,
	              "host", c->host, "port", c->port, "dialect", c->dialect->name, "binary",
	              c->binary_hex ? "hex" : "raw", "state", st->signed_on > 0 ? "up" : "down",
	              "connections", conns, "signed_on", (int)st->signed_on, "in_flight",
	              (json_int_t)st->in_flight, "sent", (json_int_t)st->sent, "answered",
	              (json_int_t)st->answered);
	if (o == NULL ||
	    json_object_update_new(
	        o, json_pack("{s:I, s:I, s:I, s:I, s:I, s:I, s:o}", "timed_out",
	                     (json_int_t)st->timed_out, "down", (json_int_t)st->down, "late",
	                     (json_int_t)st->late, "unmatched", (json_int_t)st->unmatched, "echoes",
	                     (json_int_t)st->echoes, "reconnects", (json_int_t)st->reconnects,
	                     "last_echo", jsonval_time(st->last_echo_ms / 1000, utc_offset))) !=
	        0) {
		json_decref(o);
		return NULL;
	}
	return o;
}

/* {"updated_at","items":[…],"next":null} of every link now; NULL when out of memory. */
static json_t *links_json(struct host_links *hl)
{
	struct outlink_status st;
	json_t *items = json_array(), *doc;

	for (size_t i = 0; items != NULL && i < hl->n; i++) {
		outlink_status(hl->link[i].out, &st);
		if (json_array_append_new(
		        items, host_links_item_json(hl->link[i].cfg, &st, hl->utc_offset)) != 0) {
			json_decref(items);
			return NULL;
		}
	}
	if (items == NULL)
		return NULL;
	doc = json_pack("{s:o, s:o, s:n}", "updated_at", jsonval_time(time(NULL), hl->utc_offset),
	                "items", items, "next");
	return doc;
}

/* DATA/links.json through a temporary file renamed over it, so that a reader never sees half
 * of it. Not synced (file_write_atomic() would be): a status rewritten each second needs no
 * durability, and an fsync a second would stall the loop's terminals on a busy disk. */
static void write_status(uv_timer_t *t)
{
	struct host_links *hl = t->data;
	char tmp[sizeof hl->path + 4];
	json_t *doc = links_json(hl);
	FILE *f = NULL;
	int bad;

	snprintf(tmp, sizeof tmp, "%s.new", hl->path);
	if (doc == NULL || (f = fopen(tmp, "w")) == NULL)
		goto failed;
	bad = json_dumpf(doc, f, JSON_COMPACT) != 0;
	if ((fclose(f) != 0) | bad || rename(tmp, hl->path) != 0) {
		remove(tmp);
		goto failed;
	}
	json_decref(doc);
	hl->write_failed = false;
	return;
failed: /* said once, until a write succeeds again */
	if (!hl->write_failed)
		log_event(hl->log, LOG_WARN, "links_status",
		          json_pack("{s:s, s:s}", "file", hl->path, "error",
		                    doc == NULL ? "out of memory" : strerror(errno)));
	hl->write_failed = true;
	json_decref(doc);
}

/* Key block text of [link.NAME] key (its usage starting with usage: "P0", "M") into *k, checked
 * under the LMK; "" leaves *k empty. HOST_OK, or HOST_EUSAGE said and logged. */
static int link_key(struct host_links *hl, hsm *h, const struct host_link_config *c,
                    const char *key, const char *text, const char *usage, hsm_key *k)
{
	struct hsm_key_info info;
	int rc;

	if (text[0] == '\0')
		return HOST_OK;
	if ((rc = hsm_key_set(k, text)) == HSM_OK && (rc = hsm_key_info(h, k, &info)) == HSM_OK &&
	    strncmp(info.usage, usage, strlen(usage)) == 0)
		return HOST_OK;
	log_event(hl->log, LOG_ERROR, "link_key",
	          json_pack("{s:s, s:s, s:s}", "link", c->name, "key", key, "error",
	                    rc != HSM_OK ? hsm_strerror(rc) : "not of its usage"));
	return host_say(
	    HOST_EUSAGE, "possum host",
	    "[link.%s] %s: %s; a key block of usage %s%s under the LMK is wanted (possum "
	    "hsm import-components)",
	    c->name, key, rc != HSM_OK ? hsm_strerror(rc) : "not of its usage", usage,
	    usage[1] == '\0' ? "…" : "");
}

/* The link's MAC (outlink's cfg.mac) under its zak, by the algorithm of the key's usage: M1
 * ISO 9797-1 algorithm 1, M3 ANSI X9.19 (algorithm 3), M6 CMAC. */
static int link_mac(void *ctx, const uint8_t *data, size_t len, uint8_t out[8])
{
	struct host_link *l = ctx;

	return hsm_mac_generate(l->hsm, &l->zak, l->mac_alg, data, len, out, 8) == HSM_OK ? 0 : -1;
}

/* With a zak, the link's MAC set up in oc: its algorithm from the key's usage. */
static int link_mac_setup(struct host_link *l, hsm *h, struct outlink_config *oc)
{
	struct hsm_key_info info;

	if (l->zak.len == 0)
		return HOST_OK;
	if (hsm_key_info(h, &l->zak, &info) != HSM_OK)
		return HOST_EUSAGE;
	l->hsm = h;
	l->mac_alg = strcmp(info.usage, "M3") == 0   ? HSM_MAC_X919
	             : strcmp(info.usage, "M6") == 0 ? HSM_MAC_CMAC
	                                             : HSM_MAC_ALG1;
	oc->mac = link_mac;
	oc->mac_ctx = l;
	return HOST_OK;
}

/* Link i of cfg made on loop: its keys, its dialect, its outlink. */
static int open_one(struct host_links *hl, uv_loop_t *loop, const struct host_config *cfg, hsm *h,
                    size_t i)
{
	const struct host_link_config *c = &cfg->links[i];
	struct host_link *l = &hl->link[i];
	struct outlink_config oc = {
	    .name = c->name,
	    .host = c->host,
	    .port = c->port,
	    .dialect = c->dialect,
	    .connections = c->connections,
	    .timeout_ms = c->timeout * 1000,
	    .echo_interval_ms = c->echo_interval * 1000,
	    .key_fields = l->key_fields,
	    .institution = c->institution[0] != '\0' ? c->institution : cfg->acquirer.institution,
	    .trace = cfg->log_messages};
	int rc;

	l->cfg = c;
	for (size_t k = 0; k < c->n_match; k++)
		if (c->match_fields[k] != HOST_LINK_MATCH_MTI && oc.nkey < OUTLINK_KEY_MAX)
			l->key_fields[oc.nkey++] = c->match_fields[k];
	if ((rc = link_key(hl, h, c, "zpk", c->zpk, "P0", &l->zpk)) != HOST_OK ||
	    (rc = link_key(hl, h, c, "zak", c->zak, "M", &l->zak)) != HOST_OK ||
	    (rc = link_mac_setup(l, h, &oc)) != HOST_OK)
		return rc;
	if (c->binary_hex &&
	    iso8583_profile_hex_binary(c->dialect, l->hex_fields,
	                               sizeof l->hex_fields / sizeof l->hex_fields[0],
	                               &l->hex) == ISO8583_OK)
		oc.dialect = &l->hex;
	if ((rc = outlink_create(loop, &oc, hl->log, &l->out)) != OUTLINK_OK)
		return host_say(HOST_EUSAGE, "possum host", "[link.%s]: %s", c->name,
		                outlink_strerror(rc));
	return HOST_OK;
}

int host_links_open(struct host_links *hl, uv_loop_t *loop, const struct host_config *cfg, hsm *h,
                    possum_log *log, const char *data_dir)
{
	int rc;

	memset(hl, 0, sizeof *hl);
	hl->log = log;
	hl->utc_offset = cfg->utc_offset;
	snprintf(hl->path, sizeof hl->path, "%s/" HOST_LINKS_STATUS_FILE, data_dir);
	for (; hl->n < cfg->nlinks; hl->n++)
		if ((rc = open_one(hl, loop, cfg, h, hl->n)) != HOST_OK)
			return rc;
	if (uv_timer_init(loop, &hl->timer) != 0)
		return host_say(HOST_EFAILED, "possum host", "the links' status timer");
	hl->timer.data = hl;
	hl->timer_open = true;
	if (uv_timer_start(&hl->timer, write_status, 0, LINKS_STATUS_MS) != 0)
		return host_say(HOST_EFAILED, "possum host", "the links' status timer");
	return HOST_OK;
}

outlink *host_links_find(struct host_links *hl, const char *name, const hsm_key **zpk,
                         const hsm_key **zak, const struct host_link_config **cfg)
{
	for (size_t i = 0; i < hl->n; i++) {
		struct host_link *l = &hl->link[i];

		if (l->out == NULL || strcmp(l->cfg->name, name) != 0)
			continue;
		if (zpk != NULL)
			*zpk = &l->zpk;
		if (zak != NULL)
			*zak = &l->zak;
		if (cfg != NULL)
			*cfg = l->cfg;
		return l->out;
	}
	return NULL;
}

static void on_timer_closed(uv_handle_t *handle)
{
	(void)handle;
}

void host_links_close(struct host_links *hl)
{
	if (hl->timer_open) {
		uv_timer_stop(&hl->timer);
		uv_close((uv_handle_t *)&hl->timer, on_timer_closed);
		hl->timer_open = false;
		remove(hl->path); /* no status: the host is not running */
	}
	for (size_t i = 0; i < HOST_LINKS_MAX; i++) { /* one that failed to open too */
		outlink_close(hl->link[i].out);
		hl->link[i].out = NULL;
		crypto_wipe(&hl->link[i].zpk, sizeof hl->link[i].zpk);
		crypto_wipe(&hl->link[i].zak, sizeof hl->link[i].zak);
	}
	hl->n = 0;
}
