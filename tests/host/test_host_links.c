/* test_host_links.c — the host's outgoing links (src/host/links.c): the status item each link
 * is shown as in DATA/links.json (a link up and echoed, a link down whose connections keep
 * failing, a link never echoed), and the links opened on a loop to a port nobody listens on:
 * found by name, their status written, a key block that is not one refused, all closed. */
#include "testutil.h"

#include <stdio.h>
#include <unistd.h>

#include <jansson.h>

#include "host/internal.h"

/* 1800000000 is 2027-01-15 16:00:00 in Beijing (utc_offset 480). */
#define T0 1800000000LL

static struct host_link_config link_config(const char *name, bool hex)
{
	struct host_link_config c = {.port = 7001,
	                             .dialect = iso8583_profile_find("iso87a-bb"),
	                             .connections = 2,
	                             .binary_hex = hex};

	snprintf(c.name, sizeof c.name, "%s", name);
	snprintf(c.host, sizeof c.host, "10.20.0.5");
	return c;
}

static json_t *item(const struct host_link_config *c, const struct outlink_status *st)
{
	json_t *o = host_links_item_json(c, st, 480);

	assert_non_null(o);
	return o;
}

static const char *str(const json_t *o, const char *key)
{
	const char *s = json_string_value(json_object_get(o, key));

	assert_non_null(s);
	return s;
}

static long long num(const json_t *o, const char *key)
{
	assert_true(json_is_integer(json_object_get(o, key)));
	return (long long)json_integer_value(json_object_get(o, key));
}

static void up_and_echoed(void **state)
{
	struct host_link_config c = link_config("unionpay", false);
	struct outlink_status st = {.connections = 2,
	                            .signed_on = 1,
	                            .in_flight = 3,
	                            .sent = 120,
	                            .answered = 110,
	                            .timed_out = 4,
	                            .down = 2,
	                            .late = 1,
	                            .unmatched = 5,
	                            .echoes = 7,
	                            .reconnects = 1,
	                            .last_echo_ms = (T0 + 20) * 1000 + 999};
	json_t *o, *conns;

	(void)state;
	st.conn[0].state = OUTLINK_CONN_UP;
	st.conn[0].since_ms = T0 * 1000;
	st.conn[1].state = OUTLINK_CONN_SIGNING_ON;
	st.conn[1].since_ms = (T0 + 30) * 1000;
	o = item(&c, &st);
	assert_string_equal(str(o, "name"), "unionpay");
	assert_string_equal(str(o, "host"), "10.20.0.5");
	assert_int_equal(num(o, "port"), 7001);
	assert_string_equal(str(o, "dialect"), "iso87a-bb");
	assert_string_equal(str(o, "binary"), "raw");
	assert_string_equal(str(o, "state"), "up");
	assert_int_equal(num(o, "signed_on"), 1);
	assert_int_equal(num(o, "in_flight"), 3);
	assert_int_equal(num(o, "sent"), 120);
	assert_int_equal(num(o, "answered"), 110);
	assert_int_equal(num(o, "timed_out"), 4);
	assert_int_equal(num(o, "down"), 2);
	assert_int_equal(num(o, "late"), 1);
	assert_int_equal(num(o, "unmatched"), 5);
	assert_int_equal(num(o, "echoes"), 7);
	assert_int_equal(num(o, "reconnects"), 1);
	assert_string_equal(str(o, "last_echo"), "2027-01-15T16:00:20+08:00");
	conns = json_object_get(o, "connections");
	assert_int_equal(json_array_size(conns), 2);
	assert_string_equal(str(json_array_get(conns, 0), "state"), "up");
	assert_string_equal(str(json_array_get(conns, 0), "since"), "2027-01-15T16:00:00+08:00");
	assert_string_equal(str(json_array_get(conns, 1), "state"), "signing_on");
	assert_int_equal(num(json_array_get(conns, 1), "failures"), 0);
	json_decref(o);
}

static void conn(struct outlink_status *st, int i, enum outlink_conn_state state, unsigned failures,
                 int64_t since)
{
	st->conn[i].state = state;
	st->conn[i].failures = failures;
	st->conn[i].since_ms = since * 1000;
}

static void down_never_echoed(void **state)
{
	struct host_link_config c = link_config("visa-net", true);
	struct outlink_status st = {.connections = 3, .down = 9};
	json_t *o, *conns;
	char *text;

	(void)state;
	conn(&st, 0, OUTLINK_CONN_WAITING, 6, T0);
	conn(&st, 1, OUTLINK_CONN_CONNECTING, 7, T0 + 1);
	conn(&st, 2, OUTLINK_CONN_CLOSING, 0, T0 + 2);
	o = item(&c, &st);
	assert_string_equal(str(o, "state"), "down");
	assert_string_equal(str(o, "binary"), "hex");
	assert_int_equal(num(o, "signed_on"), 0);
	assert_int_equal(num(o, "down"), 9);
	assert_true(json_is_null(json_object_get(o, "last_echo")));
	conns = json_object_get(o, "connections");
	assert_int_equal(json_array_size(conns), 3);
	assert_string_equal(str(json_array_get(conns, 0), "state"), "waiting");
	assert_int_equal(num(json_array_get(conns, 0), "failures"), 6);
	assert_string_equal(str(json_array_get(conns, 1), "state"), "connecting");
	assert_int_equal(num(json_array_get(conns, 1), "failures"), 7);
	assert_string_equal(str(json_array_get(conns, 2), "state"), "closing");
	assert_string_equal(str(json_array_get(conns, 2), "since"), "2027-01-15T16:00:02+08:00");
	/* The keys in the documented order, nothing else. */
	text = json_dumps(o, JSON_COMPACT);
	assert_non_null(strstr(text,
	                       "{\"name\":\"visa-net\",\"host\":\"10.20.0.5\",\"port\":7001,"
	                       "\"dialect\":\"iso87a-bb\",\"binary\":\"hex\",\"state\":\"down\","
	                       "\"connections\":[{\"state\":\"waiting\""));
	assert_non_null(strstr(text, "\"signed_on\":0,\"in_flight\":0,\"sent\":0,\"answered\":0,"
	                             "\"timed_out\":0,\"down\":9,\"late\":0,\"unmatched\":0,"
	                             "\"echoes\":0,\"reconnects\":0,\"last_echo\":null}"));
	printf("items: up 1 (echoed, 2 connections), down 1 (3 connections waiting, connecting, "
	       "closing; never echoed)\n");
	free(text);
	json_decref(o);
}

/* A config of links to a local port nobody listens on. */
static void config_of(struct host_config *cfg, const char *zpk)
{
	host_config_defaults(cfg);
	cfg->utc_offset = 480;
	cfg->links[0] = link_config("far", true);
	cfg->links[1] = link_config("near", false);
	for (size_t i = 0; i < 2; i++) {
		snprintf(cfg->links[i].host, sizeof cfg->links[i].host, "127.0.0.1");
		cfg->links[i].port = 1;
		cfg->links[i].timeout = 1;
		cfg->links[i].echo_interval = 60;
		cfg->links[i].match_fields[0] = HOST_LINK_MATCH_MTI;
		cfg->links[i].match_fields[1] = 11;
		cfg->links[i].n_match = 2;
	}
	snprintf(cfg->links[1].zpk, sizeof cfg->links[1].zpk, "%s", zpk);
	cfg->nlinks = 2;
}

static void opened_on_a_loop(void **state)
{
	char dir[] = "/tmp/possum-links-XXXXXX", path[64];
	struct host_config cfg;
	struct host_links *hl = calloc(1, sizeof *hl);
	const struct host_link_config *c = NULL;
	const hsm_key *zpk = NULL, *zak = NULL;
	json_error_t jerr;
	json_t *doc;
	uv_loop_t loop;
	possum_log *log;

	(void)state;
	assert_non_null(mkdtemp(dir));
	assert_int_equal(log_open("/dev/null", LOG_DEBUG, &log), LOG_OK);
	assert_int_equal(uv_loop_init(&loop), 0);
	config_of(&cfg, "");
	assert_int_equal(host_links_open(hl, &loop, &cfg, NULL, log, dir), HOST_OK);
	assert_non_null(host_links_find(hl, "near", &zpk, &zak, &c));
	assert_ptr_equal(c, &cfg.links[1]);
	assert_int_equal(zpk->len, 0);
	assert_int_equal(zak->len, 0);
	assert_non_null(host_links_find(hl, "far", NULL, NULL, NULL));
	assert_null(host_links_find(hl, "nowhere", NULL, NULL, NULL));
	uv_run(&loop, UV_RUN_NOWAIT); /* the status written at once */
	snprintf(path, sizeof path, "%s/links.json", dir);
	assert_non_null(doc = json_load_file(path, 0, &jerr));
	assert_int_equal(json_array_size(json_object_get(doc, "items")), 2);
	assert_string_equal(str(json_array_get(json_object_get(doc, "items"), 0), "state"), "down");
	assert_true(json_is_string(json_object_get(doc, "updated_at")));
	assert_true(json_is_null(json_object_get(doc, "next")));
	json_decref(doc);
	host_links_close(hl);
	assert_int_equal(uv_run(&loop, UV_RUN_DEFAULT), 0);
	assert_int_equal(access(path, F_OK), -1); /* removed: the host is not running */
	assert_int_equal(uv_loop_close(&loop), 0);

	/* A zpk that is no key block: refused, naming the link, and nothing left open. */
	assert_int_equal(uv_loop_init(&loop), 0);
	config_of(&cfg, "not a key block");
	assert_int_equal(host_links_open(hl, &loop, &cfg, NULL, log, dir), HOST_EUSAGE);
	host_links_close(hl);
	assert_int_equal(uv_run(&loop, UV_RUN_DEFAULT), 0);
	assert_int_equal(uv_loop_close(&loop), 0);
	assert_int_equal(rmdir(dir), 0);
	free(hl);
	log_close(log);
	printf("links opened 2, found 2, unknown 0, status written and removed, bad zpk refused\n");
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(up_and_echoed),
	    cmocka_unit_test(down_never_echoed),
	    cmocka_unit_test(opened_on_a_loop),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
