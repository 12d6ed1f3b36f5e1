/* config.h — the host's configuration file (the composition root's: it names every module
 * it configures, so nothing below src/host/ includes it): INI sections [host], [link], [acquirer],
 * [issuer], [notify], [http], [merchant], [settle], [risk], [qr], [route] and [link.NAME].
 *
 * [store] says where the store is: DATA/possum.db (SQLite) or a PostgreSQL database.
 *
 * host_config_defaults() fills every member with its default (below, and docs/config.md);
 * host_config_load() reads a file over them with libinih. Anything not understood is an error
 * naming the line and the key — an unknown section or key, a number out of range, a dialect
 * that is not an ISO 8583 profile, a malformed BIN range — so a typo never passes silently.
 *
 * Ownership: the bins, routes, holiday arrays and TLS files are allocated by host_config_load();
 * host_config_free()
 * releases them (and may be called on a config that only had host_config_defaults()).
 * Functions return HOST_CONFIG_OK or a negative HOST_CONFIG_E* code; host_config_strerror()
 * names it. Lines are at most 200 characters (libinih's limit). A relative path in the file
 * ([host] data and log, [notify] file, [merchant] documents, [settle] holidays, [risk] rules) is
 * relative to the file's directory, not the working directory. A bad line of the holidays file is
 * an error naming that file and its line; so is a TLS file ([http] tls_cert, tls_key) that
 * cannot be read or is not PEM. */
#ifndef POSSUM_HOST_CONFIG_H
#define POSSUM_HOST_CONFIG_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "acquirer/acquirer.h"
#include "card/card.h"
#include "http/http.h"
#include "iso8583/iso8583.h"
#include "issuer/issuer.h"
#include "merchant/merchant.h"
#include "net/net.h"
#include "notify/sink.h"
#include "settle/settle.h"

#define HOST_CONFIG_OK     0
#define HOST_CONFIG_EIO    (-1) /* the file cannot be read (see errno) */
#define HOST_CONFIG_EPARSE (-2) /* a line, section, key or value not understood */
#define HOST_CONFIG_ENOMEM (-3)

#define HOST_CONFIG_PATH_MAX 1024

/* A front end's TLS (docs/tls.md): PEM files, "" none; relative paths taken from the file's
 * directory. cert and key both set: the port speaks only TLS. host_config_load() refuses one
 * without the other, a file it cannot read, and a CA, CRL or peer without them, naming the
 * line. */
struct host_tls {
	char cert[HOST_CONFIG_PATH_MAX], key[HOST_CONFIG_PATH_MAX];
	char client_ca[HOST_CONFIG_PATH_MAX]; /* [acquirer]: mutual TLS, the CN = the TID's SN */
	char crl[HOST_CONFIG_PATH_MAX];       /* [acquirer]: revoked certificates */
	char peers[NET_TLS_PINS_MAX][72];     /* [link] tls_peer = sha256:HEX, repeatable: pinned */
	size_t npeers;
};

/* A network link to another issuer ([link.NAME], docs/links.md): what the link engine connects
 * out with. NAME is 1 to 32 letters, digits, '-' and '_' (not "local"); at most HOST_LINKS_MAX
 * links. host and port are required; host_config_load() refuses a link without them, naming
 * its section's line. */
#define HOST_LINKS_MAX      16
#define HOST_LINK_MATCH_MAX 8
#define HOST_LINK_MATCH_MTI 0 /* in match[]: the MTI's class (an answer's MTI less 10) */
struct host_link_config {
	char name[ACQUIRER_ROUTE_NAME_MAX + 1];
	char host[256];                 /* host = (required): a name or an address */
	int port;                       /* port = (required): 1..65535 */
	const iso8583_profile *dialect; /* dialect = iso87a: iso87a, iso87a-bb or iso87b */
	unsigned connections;           /* connections = 2: 1..64, used round robin */
	char zpk[512];                  /* zpk = (empty): the zone PIN key, a key block of usage
	                                   P0 under the LMK (possum hsm import-components) */
	char zak[512];                  /* zak = (empty: no MAC): a MAC key block (usage M*) for
	                                   field 64/128 */
	unsigned timeout;               /* timeout = 10: seconds to wait for an answer, 1..300 */
	unsigned echo_interval;         /* echo_interval = 60: seconds idle before an echo
	                                   (0800/301), 1..3600 */
	char institution[12];           /* institution = (empty: [acquirer] institution): fields
	                                   32 and 33 sent, 1 to 11 digits */
	bool binary_hex;                /* binary = raw: binary fields (52, 64, 96, 128) as raw
	                                   bytes; hex: as hex text (jPOS IFA_BINARY) */
	unsigned saf_interval;          /* saf_interval = 10: seconds between store-and-forward
	                                   repeats, 1..3600 */
	unsigned saf_max_age;           /* saf_max_age = 86400: seconds a queued reversal or
	                                   advice is repeated before it is given up and shown,
	                                   60..2592000 */
	/* match = mti,11,41,7,32: what pairs an answer with its request: "mti" (the MTI's class,
	 * HOST_LINK_MATCH_MTI) and field numbers 2..128, comma separated, each once, 1 to
	 * HOST_LINK_MATCH_MAX of them. */
	char match[64];
	int match_fields[HOST_LINK_MATCH_MAX];
	size_t n_match;
	int line; /* the line of its section's first key */
};

struct host_config {
	/* [host] */
	char data[HOST_CONFIG_PATH_MAX]; /* data = ./possum-data: the data directory */
	char log[HOST_CONFIG_PATH_MAX];  /* log = -: the log file, "-" for standard error */
	int log_level;                   /* log_level = info: enum log_level of log/log.h */
	bool log_messages;               /* log_messages = no: every message in and out logged,
	                                    masked, as "message" at debug (the level lowered) */
	int utc_offset; /* utc_offset = 480: minutes east of UTC of every time shown to people
	                   (fields 12, 13 and 15 of answers, texts, JSON times, lists, "today");
	                   [notify] utc_offset is its old name; host_config_load() copies it to
	                   notify.utc_offset */

	/* [tms] package_max = 16777216: bytes of a software package (docs/tms.md "Software
	 * updates"), 1 to 1 GiB */
	int64_t tms_package_max;

	/* [store]: backend = sqlite (DATA/possum.db) or postgres; postgres = CONNINFO, a libpq
	 * connection string or URI (docs/config.md), required with backend = postgres, never with
	 * a password (PGPASSFILE or PGPASSWORD give it). host_config_load() refuses an unknown
	 * backend, postgres without its CONNINFO or in a possum built without libpq, a CONNINFO
	 * libpq cannot parse and one holding a password; it sets store_name to what store_open()
	 * takes for it ("postgres:CONNINFO", or the URI), "" for SQLite's DATA/possum.db.
	 * host_config_store() ($POSSUM_STORE) sets store_pg and store_name in their place: then
	 * store_name may also be a SQLite database's path. */
	bool store_pg;
	char store_postgres[256];
	char store_name[4096 + 16];

	/* [link]: the ISO 8583 network link other acquirers connect to */
	char listen[64];                /* listen = 0.0.0.0: the address listened on */
	int port;                       /* port = 5001 (0: a free port) */
	const iso8583_profile *dialect; /* dialect = iso87a: one of `possum iso profiles` */
	bool link_binary_hex;           /* binary = raw: the link's binary fields as hex text */
	unsigned idle_timeout;          /* idle_timeout = 300: seconds, 1..86400 */
	unsigned max_connections;       /* max_connections = 10000 */
	unsigned max_per_address;       /* max_connections_per_address = 64: from one IP */
	unsigned message_timeout;       /* message_timeout = 10: seconds from a message's
	                                   first byte to its last, 1..3600 */
	char zpk[512];                  /* zpk = (empty): the zone PIN key shared with the
	                                   link's acquirers, a key block under the LMK; empty:
	                                   the host makes one */
	struct host_tls link_tls;       /* tls_cert, tls_key, tls_peer: none (clear TCP) */

	/* [acquirer]: the terminal front end (cup-pos) and its policy (acquirer.h): port = 5000
	 * (0: a free port), institution = 48020000, cardauth_credit = no, cardauth_above = 0,
	 * cardauth_first_use = no; cardauth_valid_days = 365 sets issuer.auth_valid_days. */
	int terminal_port;
	struct acquirer_config acquirer;
	struct host_tls acquirer_tls; /* tls_cert, tls_key, tls_client_ca, tls_crl: none */

	/* [issuer]: the issuer the host runs, its keys as issuer.h names them (defaults:
	 * issuer_config_defaults()): name, institution, currency, pin_tries,
	 * daily_amount_limit, daily_count_limit, hold_days, otp_ttl, otp_tries, auth_per_day,
	 * auth_valid_days. Its bins and sms members are not the file's: see below. */
	struct issuer_config issuer;
	struct card_bin_range *bins; /* bin = LOW[-HIGH] PRODUCT, repeatable; none by default;
	                                issuer NULL */
	size_t nbins;

	/* [notify]: where text messages to cardholders go, and how their delivery is retried
	 * (notify/sink.h; defaults: notify_config_defaults()): sink = file, file = (empty:
	 * DATA/sms.jsonl), webhook = (empty), timeout = 5, interval = 1, max_attempts = 8,
	 * utc_offset: [host] utc_offset's, an alias kept */
	struct notify_config notify;

	/* [merchant]: onboarding, terminals and settlement cards (merchant/merchant.h; defaults:
	 * merchant_config_defaults(), documents empty: DATA/documents) */
	struct merchant_config merchant;

	/* [http]: the HTTP API (http/http.h; defaults: http_config_defaults()): listen =
	 * 127.0.0.1, port = 8080 (0: a free port), body_max = 16777216 bytes, token_failures =
	 * 10 in token_window = 60 s: the address refused for token_lockout = 300 s;
	 * max_connections = 256, max_connections_per_address = 32, timeout = 10 s */
	struct http_config http;
	bool http_required; /* required = no: the API's port busy, the host warns and runs
	                       without the API; yes: it does not start */
	/* tls_cert = FILE, tls_key = FILE (PEM; both or neither, default none): the API speaks
	 * HTTPS only. Read whole by host_config_load(), checked (the key the certificate's), into
	 * http.tls_cert and http.tls_key, which point to what http_tls holds (owned; the key wiped
	 * when freed). */
	char http_tls_cert[HOST_CONFIG_PATH_MAX], http_tls_key[HOST_CONFIG_PATH_MAX];
	char *http_tls[2];
	size_t http_tls_len[2];

	/* [settle]: the business day (settle/settle.h): cutoff = 23:00 (HH:MM, local time),
	 * payout_days = 1 (0..30), weekend_payouts = no; holidays = FILE, one YYYY-MM-DD a line
	 * ('#' comments and blank lines allowed), read once by host_config_load() into
	 * settle.holidays (sorted, each once; allocated, see above); refund_fee = return (a
	 * refund gives back its share of the original's fee) or keep; bank_key = (empty): the
	 * key shared with the bank for the payouts' file (D0, AES-256), a key block under the LMK.
	 */
	struct settle_calendar settle;
	char bank_key[512];
	char holidays[HOST_CONFIG_PATH_MAX]; /* the holidays file as read; "" none */
	int32_t *holiday_dates;              /* what settle.holidays points to (owned) */
	bool refund_fee_keep;

	/* [risk]: rules = (empty): the risk rules file (docs/risk.md); empty: the shipped
	 * etc/risk.rules, built in; "none": no rules. Read by host_risk_load() (env.h). */
	char risk_rules[HOST_CONFIG_PATH_MAX];
	/* review_days = 0: the host runs the merchant review (docs/risk.md "Merchant review") when
	 * the latest kept is that many days old; 0 never (by hand: `possum admin risk review`). */
	int risk_review_days;

	/* [qr]: the terminals' static QR codes (docs/qr.md "The terminal's static code"): guid =
	 * cn.possum, the acquirer's identifier in template 26 of a code (reverse domain: 1 to 32
	 * letters, digits, '.' and '-'), kept in acquirer.qr_guid, which payments by code are
	 * checked against; city = BEIJING, the merchant city ("60") of a code, 1 to 15 upper-case
	 * letters, digits, ' ', '.' and '-'. */
	char qr_city[16];

	/* [route]: route = LOW[-HIGH] DESTINATION, repeatable (docs/links.md): prefix ranges as
	 * [issuer] bin reads them, each to "local" or a link's NAME; none by default (every card
	 * local). Allocated; route_lines the line of each. */
	struct acquirer_route *routes;
	int *route_lines;
	size_t nroutes;
	/* [link.NAME]: the network links, in the order of their sections. */
	struct host_link_config links[HOST_LINKS_MAX];
	size_t nlinks;
};

void host_config_defaults(struct host_config *cfg);

/* Reads path over cfg, which holds defaults; each bin line adds a range to cfg's. On error err
 * (capacity errlen) holds a sentence such as "possum.conf line 12: [link] port: not a number from 0
 * to 65535: 50x1"; cfg may then hold some of the file's values and must still be freed. */
int host_config_load(const char *path, struct host_config *cfg, char *err, size_t errlen);

/* The [link.NAME] of that name, or NULL. */
const struct host_link_config *host_config_link(const struct host_config *cfg, const char *name);

/* Releases what host_config_load() allocated; cfg keeps its other values. */
void host_config_free(struct host_config *cfg);

/* Puts the store called name (store_open()'s: a SQLite database's path, "postgres:CONNINFO" or
 * a libpq URI) in place of cfg's [store] (store_pg, store_name), as $POSSUM_STORE gives it
 * (what names it in err): HOST_CONFIG_OK, or HOST_CONFIG_EPARSE with err ("WHAT: why") when
 * name is empty or too long, or names a database whose connection string libpq cannot parse,
 * holds a password, or needs libpq where possum was built without it. name is never repeated
 * in err: it may hold a password. */
int host_config_store(struct host_config *cfg, const char *name, const char *what, char *err,
                      size_t errlen);

const char *host_config_strerror(int rc);

#endif
