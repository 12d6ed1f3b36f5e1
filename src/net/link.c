/* link.c — what an ISO 8583 link session does with each message (link.h): network
 * management answered here, the response echo, the rest handed to the link's authorizer. */
#include "net/link.h"

#include <assert.h>
#include <string.h>

#include <jansson.h>

#include "net/trace.h"

#define MAX_RESPONSE 8192

/* Fields a response carries back from its request (ISO 8583:1987 echoes), in order. */
static const int echo_fields[] = {3, 4, 7, 11, 12, 13, 32, 37, 41, 42, 49, 70};

/* Four digits, the third (message function) even: a request, advice or notification. */
static int is_request(const char *mti)
{
	return strlen(mti) == 4 && strspn(mti, "0123456789") == 4 && (mti[2] - '0') % 2 == 0;
}

int net_link_respond(const iso8583_profile *p, const iso8583_msg *req, const char *rc,
                     iso8583_msg *resp)
{
	char mti[5];

	assert(rc != NULL && strlen(rc) == 2);
	if (!is_request(req->mti))
		return ISO8583_EMTI;
	/* ISO 8583:1987: the answer's function is the request's plus one, and a repeat (an odd
	 * origin: 0421, 0121, 0221) is answered as its first send was (0430, 0130, 0230). */
	memcpy(mti, req->mti, sizeof mti);
	mti[2]++;
	if ((mti[3] - '0') % 2 == 1)
		mti[3]--;
	iso8583_msg_init(resp);
	iso8583_set_mti(resp, mti);
	/* The echoed values keep the wire form they were unpacked in. */
	resp->wire = req->wire;
	for (size_t i = 0; i < sizeof echo_fields / sizeof echo_fields[0]; i++) {
		int f = echo_fields[i];
		if (iso8583_has(req, f) && f <= p->max_field && p->fields[f].name != NULL) {
			iso8583_set(resp, f, req->field[f].data, req->field[f].len);
			resp->field[f] = req->field[f];
		}
	}
	return iso8583_set_str(resp, 39, rc);
}

static void log_msg(const struct net_link *l, int level, const char *event, net_request *req,
                    const char *mti, json_t *extra)
{
	json_t *fields = json_pack("{s:s, s:s}", "link", l->name, "peer", net_request_peer(req));

	if (mti != NULL && mti[0] != '\0')
		json_object_set_new(fields, "mti", json_string(mti));
	if (extra != NULL)
		json_object_update(fields, extra);
	json_decref(extra);
	log_event(l->log, level, event, fields);
}

int net_link_reply(const struct net_link *l, net_request *req, const iso8583_msg *resp)
{
	uint8_t out[MAX_RESPONSE];
	iso8583_diag diag;
	size_t len;
	int rc;

	if ((rc = iso8583_pack(l->dialect, resp, out, sizeof out, &len, &diag)) != ISO8583_OK) {
		log_msg(l, LOG_ERROR, "pack_failed", req, resp->mti,
		        json_pack("{s:s}", "error", diag.text));
		net_drop(req, 1);
		return rc;
	}
	if (l->trace)
		net_trace(l->log, l->dialect, l->name, "out", net_request_peer(req), out, len);
	net_reply(req, out, len);
	return ISO8583_OK;
}

/* Answers req with its answer's MTI (net_link_respond) and response code rc. */
static void respond(const struct net_link *l, net_request *req, const iso8583_msg *m,
                    const char *rc)
{
	iso8583_msg resp;

	if (net_link_respond(l->dialect, m, rc, &resp) != ISO8583_OK)
		net_drop(req, 0);
	else
		net_link_reply(l, req, &resp);
}

/* 0800: sign-on, sign-off, echo. */
static void network_management(const struct net_link *l, net_request *req, const iso8583_msg *m)
{
	static const char *const codes[] = {"001", "002", "301"};
	char code[4] = "";
	const char *rc = "12";

	iso8583_get(m, 70, code, sizeof code, NULL);
	for (size_t i = 0; i < sizeof codes / sizeof codes[0]; i++)
		if (strcmp(code, codes[i]) == 0)
			rc = "00";
	log_msg(l, LOG_INFO, "network_management", req, m->mti,
	        json_pack("{s:s, s:s}", "code", code, "rc", rc));
	respond(l, req, m, rc);
}

void net_link_handle(void *ctx, net_request *req, const uint8_t *msg, size_t len)
{
	const struct net_link *l = ctx;
	iso8583_diag diag;
	iso8583_msg m;

	if (l->trace)
		net_trace(l->log, l->dialect, l->name, "in", net_request_peer(req), msg, len);
	if (iso8583_unpack(l->dialect, msg, len, &m, &diag) != ISO8583_OK) {
		int answer = is_request(m.mti);
		log_msg(l, LOG_WARN, "unpack_failed", req, m.mti,
		        json_pack("{s:s, s:s}", "error", diag.text, "action",
		                  answer ? "answer 30" : "close"));
		if (answer) {
			/* The fields read before the error may be malformed: echo none. */
			iso8583_msg bare;
			iso8583_msg_init(&bare);
			iso8583_set_mti(&bare, m.mti);
			respond(l, req, &bare, "30");
		} else {
			net_drop(req, 1);
		}
		return;
	}
	if (!is_request(m.mti)) {
		log_msg(l, LOG_WARN, "unexpected_response", req, m.mti, NULL);
		net_drop(req, 0);
		return;
	}
	if (strcmp(m.mti, "0800") == 0) {
		network_management(l, req, &m);
		return;
	}
	if (l->auth.authorize == NULL) {
		log_msg(l, LOG_WARN, "no_authorizer", req, m.mti, json_pack("{s:s}", "rc", "91"));
		respond(l, req, &m, "91");
		return;
	}
	l->auth.authorize(l->auth.ctx, req, &m);
}
