/* link.h — an ISO 8583 link session on a net server: what a link does with each message under
 * its network dialect, and the hook through which authorizations reach whoever decides them
 * (the host plugs the issuer in).
 *
 * A link (struct net_link) is the net_handler of one link server. For each framed message
 * it unpacks under the link's dialect and:
 *   - cannot unpack: answers MTI+10 with field 39 "30" (format error) when the MTI of a
 *     request can be read, else closes the connection; logs "unpack_failed" either way with
 *     the iso8583 diagnostic, never the message bytes;
 *   - a response MTI (third digit odd): logs "unexpected_response", answers nothing;
 *   - 0800 network management (70: 001 sign-on, 002 sign-off, 301 echo): answers 0810 with
 *     7, 11 and 70 echoed and 39 "00"; another 70 gets 39 "12" (invalid transaction);
 *   - anything else: the authorizer's authorize(), which must answer through
 *     net_link_reply() (or net_reply/net_drop) now or later on the loop's thread; with no
 *     authorizer, the answer's MTI with 39 "91" (issuer inoperative).
 * Every answer goes through net_link_respond(), one place for what a response echoes.
 *
 * Ownership: the caller owns the struct net_link (and its log), which outlives the server it
 * serves; the link keeps nothing between messages. Functions return ISO8583_OK or an
 * ISO8583_E* code. */
#ifndef POSSUM_NET_LINK_H
#define POSSUM_NET_LINK_H

#include "iso8583/iso8583.h"
#include "log/log.h"
#include "net/net.h"

/* The deciding side of a link. msg and the values its fields point to are valid only during
 * the call: an authorizer that answers later copies what it needs. It answers req exactly
 * once (net_link_reply(), net_reply() or net_drop()). */
struct net_link_authorizer {
	void *ctx;
	void (*authorize)(void *ctx, net_request *req, const iso8583_msg *msg);
};

struct net_link {
	const char *name;                /* in log lines: "link":"issuer" */
	const iso8583_profile *dialect;  /* a network dialect: 2-byte length, no TPDU */
	struct net_link_authorizer auth; /* auth.authorize NULL: answer 91 */
	possum_log *log;
	bool trace; /* every message in and out logged, masked (net/trace.h) */
};

/* The net_handler of a link server; ctx is a struct net_link that outlives the server. */
void net_link_handle(void *ctx, net_request *req, const uint8_t *msg, size_t len);

/* Makes resp the response to req: MTI + 10 (0200 → 0210), a repeat's as its first send's
 * (0421 → 0430, 0121 → 0130, 0221 → 0230), field 39 = rc (two characters,
 * a static or longer-lived string), and the fields a response echoes where req has them
 * and p defines them: 3, 4, 7, 11, 12, 13, 32, 37, 41, 42, 49, 70. Never 2, 35, 52 or 55:
 * card data and PIN blocks are not sent back. resp's values point into req's and rc, which
 * must outlive it. ISO8583_EMTI when req's MTI is not a request (third digit odd). */
int net_link_respond(const iso8583_profile *p, const iso8583_msg *req, const char *rc,
                     iso8583_msg *resp);

/* Packs resp under the link's dialect and answers req with it. On a pack failure, logs
 * "pack_failed" and drops req (closing its connection). Returns ISO8583_OK or the pack
 * error; a reply whose connection has gone counts as sent. */
int net_link_reply(const struct net_link *l, net_request *req, const iso8583_msg *resp);

#endif
