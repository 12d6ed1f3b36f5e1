/* config.c — reading the host's configuration file with libinih (config.h).
 *
 * Every key is a row of one table: its section, name, kind, where it goes and its range.
 * libinih calls on_key() for each "key = value" line, reading through read_line(), which
 * counts lines, so the first error is kept with its line. */
#include "host/config.h"

#include <assert.h>
#include <errno.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <ini.h>

#include "common/file.h"
#include "common/money.h"
#include "crypto/crypto.h"
#include "crypto/pki.h"
#include "hsm/hsm.h"
#include "log/log.h"
#include "store/store.h"

/* K_PATH: text, a relative path taken from the file's directory ("-" and "" as they are);
 * K_OFFSET: [host] utc_offset and its alias [notify] utc_offset, which must agree; K_CUTOFF:
 * HH:MM, minutes after midnight; K_REFUND_FEE: return or keep (refund_fee_keep); K_TRACK_ENC:
 * required or optional (acquirer.track_optional); K_HOLIDAYS: a path, the file read after the whole
 * configuration (load_holidays()); K_TLS: a path of a front end's TLS, checked after the whole
 * configuration (check_tls()); K_PIN: sha256:HEX appended to a struct host_tls's peers; K_RULES: a
 * path, or none as it is; K_CHARS: text of min to max characters, each of the row's set `chars`
 * (described to people as `about`); K_AMOUNT: an amount such as 1000.00 in the issuer's
 * currency (as set so far), minor units up to max; K_ROUTE: a [route] line (parse_route());
 * K_BINARY: raw or hex ([link]'s link_binary_hex, a [link.NAME]'s binary_hex); K_MATCH: a link's
 * match; K_KEYBLOCK: a key block whose usage begins with the row's chars (P0, M); K_BACKEND: sqlite
 * or postgres ([store] backend); K_CONNINFO: a libpq connection string without a password. */
enum kind {
	K_TEXT,
	K_PATH,
	K_DIGITS,
	K_INT,
	K_INT64,
	K_BOOL,
	K_LEVEL,
	K_DIALECT,
	K_BIN,
	K_SINK,
	K_OFFSET,
	K_CUTOFF,
	K_REFUND_FEE,
	K_HOLIDAYS,
	K_RULES,
	K_CHARS,
	K_AMOUNT,
	K_ALLOW,
	K_TRACK_ENC,
	K_BINARY,
	K_TLS,
	K_PIN,
	K_ROUTE,
	K_MATCH,
	K_KEYBLOCK,
	K_BACKEND,
	K_CONNINFO
};

struct key {
	const char *section, *name;
	enum kind kind;
	size_t offset, size;       /* size: of the text buffer, for K_TEXT, K_DIGITS, K_CHARS */
	long long min, max;        /* K_INT, K_INT64; K_DIGITS, K_CHARS: characters, min to max */
	const char *chars, *about; /* K_CHARS */
};

/* A row of keys[]: TEXT, PATH and NUM the common ones, CHARS a K_CHARS. */
#define ROW(sec, key, kind, member, lo, hi, set, words)                                            \
	{                                                                                          \
		sec, key, kind, offsetof(struct host_config, member),                              \
		    sizeof(((struct host_config *)0)->member), lo, hi, set, words                  \
	}
#define TEXT(sec, key, member)              ROW(sec, key, K_TEXT, member, 0, 0, NULL, NULL)
#define PATH(sec, key, member)              ROW(sec, key, K_PATH, member, 0, 0, NULL, NULL)
#define NUM(sec, key, kind, member, lo, hi) ROW(sec, key, kind, member, lo, hi, NULL, NULL)
#define CHARS(sec, key, member, lo, hi, set, words)                                                \
	ROW(sec, key, K_CHARS, member, lo, hi, set, words)

#define UPPER  "ABCDEFGHIJKLMNOPQRSTUVWXYZ"
#define DIGITS "0123456789"
#define LOWER  "abcdefghijklmnopqrstuvwxyz"

static const struct key keys[] = {
    PATH("host", "data", data),
    PATH("host", "log", log),
    NUM("host", "log_level", K_LEVEL, log_level, 0, 0),
    NUM("host", "log_messages", K_BOOL, log_messages, 0, 0),
    NUM("host", "utc_offset", K_OFFSET, utc_offset, -1440, 1440),
    NUM("store", "backend", K_BACKEND, store_pg, 0, 0),
    NUM("store", "postgres", K_CONNINFO, store_postgres, 0, 0),
    TEXT("link", "listen", listen),
    NUM("link", "port", K_INT, port, 0, 65535),
    NUM("link", "dialect", K_DIALECT, dialect, 0, 0),
    NUM("link", "binary", K_BINARY, link_binary_hex, 0, 0),
    NUM("link", "idle_timeout", K_INT, idle_timeout, 1, 86400),
    NUM("link", "max_connections", K_INT, max_connections, 1, 1000000),
    NUM("link", "max_connections_per_address", K_INT, max_per_address, 1, 1000000),
    NUM("link", "message_timeout", K_INT, message_timeout, 1, 3600),
    TEXT("link", "zpk", zpk),
    NUM("link", "tls_cert", K_TLS, link_tls.cert, 0, 0),
    NUM("link", "tls_key", K_TLS, link_tls.key, 0, 0),
    NUM("link", "tls_peer", K_PIN, link_tls, 0, 0),
    NUM("acquirer", "port", K_INT, terminal_port, 0, 65535),
    NUM("acquirer", "institution", K_DIGITS, acquirer.institution, 1, 11),
    NUM("acquirer", "cardauth_credit", K_BOOL, acquirer.cardauth_credit, 0, 0),
    NUM("acquirer", "cardauth_above", K_INT64, acquirer.cardauth_above, 0, INT64_MAX),
    NUM("acquirer", "cardauth_first_use", K_BOOL, acquirer.cardauth_first_use, 0, 0),
    NUM("acquirer", "track_encryption", K_TRACK_ENC, acquirer.track_optional, 0, 0),
    NUM("acquirer", "cardauth_valid_days", K_INT, issuer.auth_valid_days, 1, 3650),
    NUM("acquirer", "tls_cert", K_TLS, acquirer_tls.cert, 0, 0),
    NUM("acquirer", "tls_key", K_TLS, acquirer_tls.key, 0, 0),
    NUM("acquirer", "tls_client_ca", K_TLS, acquirer_tls.client_ca, 0, 0),
    NUM("acquirer", "tls_crl", K_TLS, acquirer_tls.crl, 0, 0),
    TEXT("issuer", "name", issuer.name),
    NUM("issuer", "institution", K_DIGITS, issuer.institution, 1, 11),
    NUM("issuer", "currency", K_INT, issuer.currency, 1, 999),
    NUM("issuer", "pin_tries", K_INT, issuer.pin_tries, 1, 99),
    NUM("issuer", "daily_amount_limit", K_INT64, issuer.daily_amount_limit, 0, INT64_MAX),
    NUM("issuer", "daily_count_limit", K_INT, issuer.daily_count_limit, 0, 1000000),
    NUM("issuer", "hold_days", K_INT, issuer.hold_days, 1, 366),
    NUM("issuer", "otp_ttl", K_INT, issuer.otp_ttl, 10, 86400),
    NUM("issuer", "otp_tries", K_INT, issuer.otp_tries, 1, 99),
    NUM("issuer", "auth_per_day", K_INT, issuer.auth_per_day, 1, 1000),
    NUM("issuer", "auth_valid_days", K_INT, issuer.auth_valid_days, 1, 3650),
    NUM("issuer", "bin", K_BIN, bins, 0, 0),
    NUM("issuer", "wallet_code_ttl", K_INT, issuer.wallet_code_ttl, 10, 3600),
    NUM("issuer", "wallet_pin_above", K_AMOUNT, issuer.wallet_pin_above, 0, INT64_MAX),
    NUM("notify", "sink", K_SINK, notify.sink, 0, 0),
    PATH("notify", "file", notify.file),
    TEXT("notify", "webhook", notify.webhook),
    NUM("notify", "timeout", K_INT, notify.timeout, 1, 300),
    NUM("notify", "interval", K_INT, notify.interval, 1, 3600),
    NUM("notify", "max_attempts", K_INT, notify.max_attempts, 1, 100),
    NUM("notify", "batch", K_INT, notify.batch, 1, 512),
    NUM("notify", "file_retention_days", K_INT, notify.file_retention_days, 0, 3650),
    NUM("notify", "utc_offset", K_OFFSET, utc_offset, -1440, 1440),
    TEXT("http", "listen", http.listen),
    NUM("http", "port", K_INT, http.port, 0, 65535),
    NUM("http", "body_max", K_INT64, http.body_max, 1024, 1073741824),
    NUM("http", "required", K_BOOL, http_required, 0, 0),
    NUM("http", "secure_cookies", K_BOOL, http.secure_cookies, 0, 0),
    NUM("http", "metrics_allow", K_ALLOW, http.metrics_allow, 0, 0),
    NUM("http", "token_failures", K_INT, http.token_failures, 1, 1000000),
    NUM("http", "token_window", K_INT, http.token_window, 1, 86400),
    NUM("http", "token_lockout", K_INT, http.token_lockout, 1, 86400),
    NUM("http", "max_connections", K_INT, http.max_connections, 1, 100000),
    NUM("http", "max_connections_per_address", K_INT, http.max_per_address, 1, 100000),
    NUM("http", "timeout", K_INT, http.timeout, 1, 86400),
    ROW("http", "tls_cert", K_TLS, http_tls_cert, 0, 0, NULL, NULL),
    ROW("http", "tls_key", K_TLS, http_tls_key, 1, 0, NULL, NULL),
    NUM("http", "request_timeout", K_INT, http.request_timeout, 1, 86400),
    NUM("merchant", "acquirer_code", K_DIGITS, merchant.acquirer_code, 3, 3),
    NUM("merchant", "area", K_DIGITS, merchant.area, 4, 4),
    PATH("merchant", "documents", merchant.documents),
    NUM("merchant", "document_max", K_INT64, merchant.document_max, 1, 1073741824),
    NUM("merchant", "review_days", K_INT, merchant.review_days, 1, 3650),
    NUM("merchant", "certificate_days", K_INT, merchant.certificate_days, 1, 36500),
    NUM("merchant", "fee_credit_bp", K_INT, merchant.fee_credit_bp, 0, 10000),
    NUM("merchant", "fee_debit_bp", K_INT, merchant.fee_debit_bp, 0, 10000),
    NUM("merchant", "fee_debit_cap", K_INT64, merchant.fee_debit_cap, 0, INT64_MAX),
    NUM("merchant", "fee_qr_bp", K_INT, merchant.fee_qr_bp, 0, 10000),
    NUM("settle", "cutoff", K_CUTOFF, settle.cutoff, 0, 0),
    NUM("settle", "payout_days", K_INT, settle.payout_days, 0, SETTLE_PAYOUT_DAYS_MAX),
    NUM("settle", "weekend_payouts", K_BOOL, settle.weekend_payouts, 0, 0),
    NUM("settle", "holidays", K_HOLIDAYS, holidays, 0, 0),
    NUM("settle", "refund_fee", K_REFUND_FEE, refund_fee_keep, 0, 0),
    TEXT("settle", "bank_key", bank_key),
    NUM("risk", "rules", K_RULES, risk_rules, 0, 0),
    NUM("risk", "review_days", K_INT, risk_review_days, 0, 366),
    CHARS("qr", "guid", acquirer.qr_guid, 1, 32, UPPER LOWER DIGITS ".-",
          "letters, digits, '.' and '-'"),
    CHARS("qr", "city", qr_city, 1, 15, UPPER DIGITS " .-",
          "upper-case letters, digits, ' ', '.' and '-'"),
    NUM("route", "route", K_ROUTE, routes, 0, 0),
};

/* The keys of a [link.NAME] section: members of its struct host_link_config. */
#define LROW(key, kind, member, lo, hi, set)                                                       \
	{                                                                                          \
		"link.", key, kind, offsetof(struct host_link_config, member),                     \
		    sizeof(((struct host_link_config *)0)->member), lo, hi, set, NULL              \
	}
static const struct key link_keys[] = {
    LROW("host", K_TEXT, host, 0, 0, NULL),
    LROW("port", K_INT, port, 1, 65535, NULL),
    LROW("dialect", K_DIALECT, dialect, 0, 0, NULL),
    LROW("connections", K_INT, connections, 1, 64, NULL),
    LROW("zpk", K_KEYBLOCK, zpk, 0, 0, "P0"),
    LROW("zak", K_KEYBLOCK, zak, 0, 0, "M"),
    LROW("timeout", K_INT, timeout, 1, 300, NULL),
    LROW("echo_interval", K_INT, echo_interval, 1, 3600, NULL),
    LROW("institution", K_DIGITS, institution, 1, 11, NULL),
    LROW("binary", K_BINARY, binary_hex, 0, 0, NULL),
    LROW("saf_interval", K_INT, saf_interval, 1, 3600, NULL),
    LROW("saf_max_age", K_INT, saf_max_age, 60, 2592000, NULL),
    LROW("match", K_MATCH, match, 0, 0, NULL),
};

#define LINK_NAME_CHARS UPPER LOWER DIGITS "-_"

void host_config_defaults(struct host_config *cfg)
{
	*cfg = (struct host_config){0};
	snprintf(cfg->data, sizeof cfg->data, "./possum-data");
	snprintf(cfg->log, sizeof cfg->log, "-");
	cfg->log_level = LOG_INFO;
	cfg->utc_offset = 480;
	snprintf(cfg->listen, sizeof cfg->listen, "0.0.0.0");
	cfg->port = 5001;
	cfg->dialect = iso8583_profile_find("iso87a");
	cfg->idle_timeout = 300;
	cfg->max_connections = 10000;
	cfg->max_per_address = 64;
	cfg->message_timeout = 10;
	cfg->terminal_port = 5000;
	acquirer_config_defaults(&cfg->acquirer);
	issuer_config_defaults(&cfg->issuer);
	merchant_config_defaults(&cfg->merchant);
	http_config_defaults(&cfg->http);
	notify_config_defaults(&cfg->notify);
	settle_calendar_defaults(&cfg->settle);
	snprintf(cfg->qr_city, sizeof cfg->qr_city, "BEIJING");
}

struct load {
	struct host_config *cfg;
	char *base; /* where the key's member is: cfg, or the [link.NAME] of the line */
	FILE *f;
	int line;      /* lines read so far */
	int why_line;  /* the line of the first error */
	char why[200]; /* the first error, without its line */
	int nomem;
	char dir[HOST_CONFIG_PATH_MAX]; /* the file's directory, with its '/'; "" for the cwd */
	int offset_line;                /* the line that set utc_offset; 0: none yet */
	char offset_key[24];            /* and its name: "[host] utc_offset" */
	int holidays_line;              /* the line that named the holidays file; 0: none */
	int backend_line;               /* the line of [store] backend; 0: none */
	struct {
		const struct key *key;
		int line;
	} tls[12]; /* the K_TLS and K_PIN keys set, with the line of the last */
	size_t ntls;
};

static int parse_number(const char *v, long long min, long long max, long long *out)
{
	char *end;
	long long n;

	errno = 0;
	n = strtoll(v, &end, 10);
	if (*v == '\0' || *end != '\0' || errno != 0 || n < min || n > max)
		return -1;
	*out = n;
	return 0;
}

/* "HH:MM", 00:00 to 23:59 → minutes after midnight. */
static int parse_cutoff(const char *v, int *out)
{
	int h, m;

	if (strlen(v) != 5 || v[2] != ':' || strspn(v, "0123456789") != 2 ||
	    strspn(v + 3, "0123456789") != 2)
		return -1;
	h = (v[0] - '0') * 10 + (v[1] - '0');
	m = (v[3] - '0') * 10 + (v[4] - '0');
	if (h > 23 || m > 59)
		return -1;
	*out = h * 60 + m;
	return 0;
}

/* "LOW[-HIGH] WORD", the way [issuer] bin and [route] route read a range: the range into r
 * (checked; its product debit until the caller sets it), WORD into word; -1 when not so. */
static int parse_range(const char *v, struct card_bin_range *r, char word[40])
{
	char low[32], high[32], extra;
	int n = sscanf(v, "%31[0-9]-%31[0-9] %39s %c", low, high, word, &extra);

	if (n != 3) {
		n = sscanf(v, "%31[0-9] %39s %c", low, word, &extra);
		if (n != 2 || v[strlen(low)] == '-')
			return -1;
		snprintf(high, sizeof high, "%s", low);
	}
	if (strlen(low) > CARD_PAN_MAX || strlen(high) > CARD_PAN_MAX)
		return -1;
	*r = (struct card_bin_range){.product = CARD_PRODUCT_DEBIT};
	memcpy(r->low, low, strlen(low) + 1);
	memcpy(r->high, high, strlen(high) + 1);
	return card_bin_check(r, 1, NULL) == CARD_OK ? 0 : -1;
}

/* "LOW[-HIGH] PRODUCT" → a range appended to cfg->bins. */
static int parse_bin(struct load *ld, const char *v)
{
	static const struct {
		const char *name;
		enum card_product product;
	} products[] = {{"debit", CARD_PRODUCT_DEBIT},
	                {"credit", CARD_PRODUCT_CREDIT},
	                {"prepaid", CARD_PRODUCT_PREPAID}};
	struct host_config *cfg = ld->cfg;
	struct card_bin_range r, *grown;
	char product[40];

	if (parse_range(v, &r, product) != 0)
		return -1;
	r.product = 0;
	for (size_t i = 0; i < sizeof products / sizeof products[0]; i++)
		if (strcmp(product, products[i].name) == 0)
			r.product = products[i].product;
	if (r.product == 0)
		return -1;
	if ((grown = realloc(cfg->bins, (cfg->nbins + 1) * sizeof *grown)) == NULL) {
		ld->nomem = 1;
		return -1;
	}
	cfg->bins = grown;
	cfg->bins[cfg->nbins++] = r;
	return 0;
}

/* A link's name: 1 to ACQUIRER_ROUTE_NAME_MAX letters, digits, '-' and '_', not "local". */
static bool link_name_ok(const char *name)
{
	size_t n = strlen(name);

	return n > 0 && n <= ACQUIRER_ROUTE_NAME_MAX && strspn(name, LINK_NAME_CHARS) == n &&
	       strcmp(name, ACQUIRER_ROUTE_LOCAL) != 0;
}

/* " stand_in=AMOUNT" ending a route line: its floor limit into *floor (minor units of the
 * issuer's currency, above 0), the line cut before it; 0 when there is none, -1 malformed. */
static int parse_stand_in(struct load *ld, char *v, int64_t *floor)
{
	char *s = strstr(v, " stand_in=");

	*floor = 0;
	if (s == NULL)
		return 0;
	*s = '\0';
	s += strlen(" stand_in=");
	if (money_parse(s, ld->cfg->issuer.currency, floor) != 0 || *floor <= 0)
		return -1;
	return 0;
}

/* "LOW[-HIGH] DESTINATION [stand_in=AMOUNT]" → a route appended to cfg->routes: 0, -1 not so
 * (refuse()), -2 said in ld->why (the same range twice, stand-in to local). Whether a link of
 * that name exists is checked once the whole file is read (check_routes()). */
static int parse_route(struct load *ld, const char *value)
{
	struct host_config *cfg = ld->cfg;
	struct acquirer_route r = {0}, *grown;
	char dest[40], v[256];
	int *lines;

	snprintf(v, sizeof v, "%s", value);
	if (parse_stand_in(ld, v, &r.stand_in) != 0 || parse_range(v, &r.range, dest) != 0 ||
	    (strcmp(dest, ACQUIRER_ROUTE_LOCAL) != 0 && !link_name_ok(dest)))
		return -1;
	if (r.stand_in > 0 && strcmp(dest, ACQUIRER_ROUTE_LOCAL) == 0) {
		snprintf(ld->why, sizeof ld->why,
		         "stand_in is for a link's route, not local: %.40s", value);
		return -2;
	}
	memcpy(r.dest, dest, strlen(dest) + 1); /* its length checked */
	for (size_t i = 0; i < cfg->nroutes; i++)
		if (strcmp(cfg->routes[i].range.low, r.range.low) == 0 &&
		    strcmp(cfg->routes[i].range.high, r.range.high) == 0) {
			snprintf(ld->why, sizeof ld->why, "the same range as line %d: %.40s",
			         cfg->route_lines[i], v);
			return -2;
		}
	if (cfg->nroutes == ACQUIRER_ROUTES_MAX) {
		snprintf(ld->why, sizeof ld->why, "more than %d routes", ACQUIRER_ROUTES_MAX);
		return -2;
	}
	if ((grown = realloc(cfg->routes, (cfg->nroutes + 1) * sizeof *grown)) != NULL)
		cfg->routes = grown;
	if ((lines = realloc(cfg->route_lines, (cfg->nroutes + 1) * sizeof *lines)) != NULL)
		cfg->route_lines = lines;
	if (grown == NULL || lines == NULL) {
		ld->nomem = 1;
		return -2;
	}
	cfg->route_lines[cfg->nroutes] = ld->line;
	cfg->routes[cfg->nroutes++] = r;
	return 0;
}

/* A link's match: "mti" and field numbers 2..128, comma separated, each once. */
static int parse_match(struct host_link_config *l, const char *v)
{
	char text[sizeof l->match], *tok, *save = NULL;
	long long f;

	if (snprintf(text, sizeof text, "%s", v) >= (int)sizeof text)
		return -1;
	l->n_match = 0;
	for (tok = strtok_r(text, ",", &save); tok != NULL; tok = strtok_r(NULL, ",", &save)) {
		tok += strspn(tok, " ");
		tok[strcspn(tok, " ")] = '\0';
		if (strcmp(tok, "mti") == 0)
			f = HOST_LINK_MATCH_MTI;
		else if (parse_number(tok, 2, 128, &f) != 0)
			return -1;
		for (size_t i = 0; i < l->n_match; i++)
			if (l->match_fields[i] == (int)f)
				return -1;
		if (l->n_match == HOST_LINK_MATCH_MAX)
			return -1;
		l->match_fields[l->n_match++] = (int)f;
	}
	if (l->n_match == 0)
		return -1;
	snprintf(l->match, sizeof l->match, "%s", v);
	return 0;
}

/* A key block (TR-31: its usage at offsets 5 and 6) whose usage begins with usage. */
static int parse_keyblock(const char *v, const char *usage, char *dst, size_t cap)
{
	hsm_key k;
	int ok = strlen(v) < cap && hsm_key_set(&k, v) == HSM_OK && k.len > 7 &&
	         strncmp(k.block + 5, usage, strlen(usage)) == 0;

	crypto_wipe(&k, sizeof k);
	if (!ok)
		return -1;
	memcpy(dst, v, strlen(v) + 1);
	return 0;
}

/* Says in ld->why what k takes, and that v is not it; -1. */
static int refuse(struct load *ld, const struct key *k, const char *v)
{
	static const char *const expected[] = {
	    [K_BOOL] = "yes or no",
	    [K_LEVEL] = "debug, info, warn or error",
	    [K_DIALECT] = "a network dialect of 'possum iso profiles' (iso87a, iso87a-bb, iso87b)",
	    [K_BIN] = "LOW[-HIGH] debit|credit|prepaid (digit prefixes of one length, low <= "
	              "high)",
	    [K_ROUTE] = "LOW[-HIGH] local|LINK (digit prefixes of one length, low <= high; LINK "
	                "the NAME of a [link.NAME])",
	    [K_BINARY] = "raw or hex",
	    [K_MATCH] = "mti and field numbers 2 to 128, comma separated, each once, at most 8",
	    [K_SINK] = "file or webhook",
	    [K_BACKEND] = "sqlite or postgres",
	    [K_CUTOFF] = "a time HH:MM (00:00 to 23:59)",
	    [K_REFUND_FEE] = "return or keep",
	    [K_TRACK_ENC] = "required or optional",
	    [K_AMOUNT] = "an amount such as 1000.00",
	    [K_PIN] = "sha256:HEX, a certificate's SHA-256 fingerprint (64 hex digits)",
	    [K_ALLOW] = "addresses or CIDR blocks separated by commas or spaces "
	                "(10.0.0.5, 10.0.0.0/8, fd00::/8), at most 32",
	};
	char what[100];

	if (k->kind == K_DIGITS)
		snprintf(what, sizeof what, "%lld to %lld digits", k->min, k->max);
	else if (k->kind == K_KEYBLOCK)
		snprintf(what, sizeof what, "a key block of usage %s under the LMK", k->chars);
	else if (k->kind == K_CHARS)
		snprintf(what, sizeof what, "%lld to %lld %s", k->min, k->max, k->about);
	else if (k->kind == K_INT || k->kind == K_INT64 || k->kind == K_OFFSET)
		snprintf(what, sizeof what, "a number from %lld to %lld", k->min, k->max);
	else
		snprintf(what, sizeof what, "%s", expected[k->kind]);
	snprintf(ld->why, sizeof ld->why, "not %s: %.80s", what, v);
	return -1;
}

/* A path of the file: a relative one is taken from the file's directory. */
static int set_path(struct load *ld, const struct key *k, const char *v)
{
	char *dst = ld->base + k->offset;
	const char *dir = v[0] == '/' || v[0] == '\0' || strcmp(v, "-") == 0 ? "" : ld->dir;

	if ((size_t)snprintf(dst, k->size, "%s%s", dir, v) >= k->size) {
		snprintf(ld->why, sizeof ld->why, "longer than %zu characters", k->size - 1);
		return -1;
	}
	return 0;
}

/* utc_offset under either of its names: a second one that differs is refused. */
static int set_offset(struct load *ld, const struct key *k, const char *v)
{
	long long n;

	if (parse_number(v, k->min, k->max, &n) != 0)
		return refuse(ld, k, v);
	if (ld->offset_line != 0 && n != ld->cfg->utc_offset) {
		snprintf(ld->why, sizeof ld->why, "%lld differs from %s = %d on line %d", n,
		         ld->offset_key, ld->cfg->utc_offset, ld->offset_line);
		return -1;
	}
	ld->offset_line = ld->line;
	snprintf(ld->offset_key, sizeof ld->offset_key, "[%s] %s", k->section, k->name);
	ld->cfg->utc_offset = (int)n;
	return 0;
}

/* Remembers that k was set on this line, for check_tls(). */
static void tls_line(struct load *ld, const struct key *k)
{
	size_t i = 0;

	while (i < ld->ntls && ld->tls[i].key != k)
		i++;
	if (i == sizeof ld->tls / sizeof ld->tls[0])
		return;
	ld->tls[i].key = k;
	ld->tls[i].line = ld->line;
	if (i == ld->ntls)
		ld->ntls++;
}

/* [link] tls_peer: a pinned fingerprint appended, kept as sha256:HEX in lower case. */
static int add_peer(struct load *ld, const struct key *k, const char *v)
{
	struct host_tls *t = (struct host_tls *)(void *)((char *)ld->cfg + k->offset);
	char hex[65];

	if (net_tls_pin_parse(v, hex) != NET_OK)
		return refuse(ld, k, v);
	if (t->npeers == NET_TLS_PINS_MAX) {
		snprintf(ld->why, sizeof ld->why, "more than %d peers", NET_TLS_PINS_MAX);
		return -1;
	}
	snprintf(t->peers[t->npeers++], sizeof t->peers[0], "sha256:%s", hex);
	tls_line(ld, k);
	return 0;
}

/* [store] backend and postgres: a backend this possum has, a connection string libpq reads and
 * that holds no password (the value is never repeated: it may hold one). */
static int set_store(struct load *ld, const struct key *k, const char *v)
{
	char why[sizeof ld->why];

	if (k->kind == K_BACKEND) {
		if (strcmp(v, "sqlite") != 0 && strcmp(v, "postgres") != 0)
			return refuse(ld, k, v);
		ld->cfg->store_pg = strcmp(v, "postgres") == 0;
		ld->backend_line = ld->line;
#ifndef POSSUM_HAVE_LIBPQ
		if (ld->cfg->store_pg) {
			snprintf(
			    ld->why, sizeof ld->why,
			    "postgres: this possum was built without libpq (Debian's libpq-dev)");
			return -1;
		}
#endif
		return 0;
	}
	if (*v == '\0' || strlen(v) >= k->size) {
		snprintf(ld->why, sizeof ld->why,
		         "not a libpq connection string of 1 to %zu characters", k->size - 1);
		return -1;
	}
	if (store_pg_conninfo_check(v, why, sizeof why) != STORE_OK) {
		snprintf(ld->why, sizeof ld->why, "%s", why);
		return -1;
	}
	memcpy(ld->base + k->offset, v, strlen(v) + 1);
	return 0;
}

/* Once the whole file is read: backend = postgres has its connection string, and store_name
 * is what store_open() takes. */
static int check_store(const struct load *ld, const char *conf, char *err, size_t errlen)
{
	struct host_config *cfg = ld->cfg;
	const char *c = cfg->store_postgres;

	cfg->store_name[0] = '\0';
	if (!cfg->store_pg)
		return HOST_CONFIG_OK;
	if (*c == '\0') {
		snprintf(err, errlen,
		         "%s line %d: [store] backend = postgres needs [store] postgres = CONNINFO "
		         "(a libpq connection string)",
		         conf, ld->backend_line);
		return HOST_CONFIG_EPARSE;
	}
	snprintf(cfg->store_name, sizeof cfg->store_name, "%s%s",
	         store_name_is_pg(c) ? "" : STORE_PG_PREFIX, c);
	return HOST_CONFIG_OK;
}

int host_config_store(struct host_config *cfg, const char *name, const char *what, char *err,
                      size_t errlen)
{
	bool pg = store_name_is_pg(name);
	const char *conninfo = name;
	char why[256];

	if (*name == '\0' || strlen(name) >= sizeof cfg->store_name) {
		snprintf(err, errlen, "%s: not a store name of 1 to %zu characters", what,
		         sizeof cfg->store_name - 1);
		return HOST_CONFIG_EPARSE;
	}
	/* A URI is libpq's as it is; "postgres:CONNINFO" loses its prefix. */
	if (pg && strncmp(name, "postgres://", 11) != 0 && strncmp(name, "postgresql://", 13) != 0)
		conninfo = name + strlen(STORE_PG_PREFIX);
	if (pg && store_pg_conninfo_check(conninfo, why, sizeof why) != STORE_OK) {
		snprintf(err, errlen, "%s: %s", what, why);
		return HOST_CONFIG_EPARSE;
	}
	cfg->store_pg = pg;
	memcpy(cfg->store_name, name, strlen(name) + 1);
	return HOST_CONFIG_OK;
}

/* The kinds with a parser of their own: [issuer] bin (a range a line), [http] metrics_allow,
 * [settle]'s (the holidays file is read at the end: load_holidays(), as are the TLS files:
 * load_tls() reads [http]'s, check_tls() the others'), the pinned peers, and the choices of two
 * words: [settle] refund_fee, [acquirer] track_encryption, [notify] sink. */
static int set_parsed(struct load *ld, const struct key *k, const char *v)
{
	char *dst = ld->base + k->offset;
	int rc;

	if (k->kind == K_BIN)
		return parse_bin(ld, v) == 0 ? 0 : refuse(ld, k, v);
	if (k->kind == K_ROUTE)
		return (rc = parse_route(ld, v)) == -1 ? refuse(ld, k, v) : rc;
	if (k->kind == K_MATCH && parse_match((struct host_link_config *)(void *)ld->base, v) == 0)
		return 0;
	if (k->kind == K_KEYBLOCK && parse_keyblock(v, k->chars, dst, k->size) == 0)
		return 0;
	if (k->kind == K_BINARY && (strcmp(v, "raw") == 0 || strcmp(v, "hex") == 0)) {
		*(bool *)(void *)dst = strcmp(v, "hex") == 0;
		return 0;
	}
	if (k->kind == K_ALLOW && http_allow_parse(v, &ld->cfg->http.metrics_allow) == HTTP_OK)
		return 0;
	if (k->kind == K_HOLIDAYS) {
		ld->holidays_line = ld->line;
		return set_path(ld, k, v);
	}
	if (k->kind == K_TLS) {
		tls_line(ld, k);
		return set_path(ld, k, v);
	}
	if (k->kind == K_PIN)
		return add_peer(ld, k, v);
	if (k->kind == K_BACKEND || k->kind == K_CONNINFO)
		return set_store(ld, k, v);
	if (k->kind == K_CUTOFF && parse_cutoff(v, &ld->cfg->settle.cutoff) == 0)
		return 0;
	if (k->kind == K_REFUND_FEE && (strcmp(v, "return") == 0 || strcmp(v, "keep") == 0)) {
		ld->cfg->refund_fee_keep = strcmp(v, "keep") == 0;
		return 0;
	}
	if (k->kind == K_TRACK_ENC && (strcmp(v, "required") == 0 || strcmp(v, "optional") == 0)) {
		ld->cfg->acquirer.track_optional = strcmp(v, "optional") == 0;
		return 0;
	}
	if (k->kind == K_SINK && (strcmp(v, "file") == 0 || strcmp(v, "webhook") == 0)) {
		ld->cfg->notify.sink =
		    strcmp(v, "file") == 0 ? NOTIFY_SINK_FILE : NOTIFY_SINK_WEBHOOK;
		return 0;
	}
	return refuse(ld, k, v);
}

static int set_value(struct load *ld, const struct key *k, const char *v)
{
	char *dst = ld->base + k->offset;
	const iso8583_profile *dialect;
	long long n;
	int level;

	switch (k->kind) {
	case K_TEXT:
		if (strlen(v) >= k->size) {
			snprintf(ld->why, sizeof ld->why, "longer than %zu characters",
			         k->size - 1);
			return -1;
		}
		memcpy(dst, v, strlen(v) + 1);
		return 0;
	case K_PATH:
		return set_path(ld, k, v);
	case K_RULES: /* none as it is, else a path */
		return strcmp(v, "none") == 0 ? snprintf(dst, k->size, "none") < 0
		                              : set_path(ld, k, v);
	case K_OFFSET:
		return set_offset(ld, k, v);
	case K_DIGITS:
	case K_CHARS:
		if (strspn(v, k->kind == K_DIGITS ? DIGITS : k->chars) != strlen(v) ||
		    (long long)strlen(v) < k->min || (long long)strlen(v) > k->max)
			break;
		memcpy(dst, v, strlen(v) + 1);
		return 0;
	case K_INT:
		if (parse_number(v, k->min, k->max, &n) != 0)
			break;
		if (k->size == sizeof(uint16_t))
			*(uint16_t *)(void *)dst = (uint16_t)n;
		else if (k->size == sizeof(int))
			*(int *)(void *)dst = (int)n;
		else
			*(unsigned *)(void *)dst = (unsigned)n;
		return 0;
	case K_INT64:
		if (parse_number(v, k->min, k->max, &n) != 0)
			break;
		*(int64_t *)(void *)dst = n;
		return 0;
	case K_AMOUNT:
		if (money_parse(v, ld->cfg->issuer.currency, (int64_t *)(void *)dst) == 0)
			return 0;
		break;
	case K_BOOL:
		if (strcmp(v, "yes") != 0 && strcmp(v, "no") != 0)
			break;
		*(bool *)(void *)dst = strcmp(v, "yes") == 0;
		return 0;
	case K_LEVEL:
		if (log_level_parse(v, &level) != LOG_OK)
			break;
		ld->cfg->log_level = level;
		return 0;
	case K_DIALECT:
		/* A link frames with the 2-byte length alone: the network dialects. */
		if ((dialect = iso8583_profile_find(v)) == NULL || dialect->len_header != 2 ||
		    dialect->tpdu_len != 0)
			break;
		*(const iso8583_profile **)(void *)dst = dialect;
		return 0;
	default: /* the kinds with a parser of their own */
		return set_parsed(ld, k, v);
	}
	return refuse(ld, k, v);
}

/* The [link.NAME] of section, made with its defaults the first time: it, or NULL with why said
 * (a bad name, too many links). */
static struct host_link_config *link_of(struct load *ld, const char *name)
{
	struct host_config *cfg = ld->cfg;
	struct host_link_config *l;

	for (size_t i = 0; i < cfg->nlinks; i++)
		if (strcmp(cfg->links[i].name, name) == 0)
			return &cfg->links[i];
	if (!link_name_ok(name)) {
		snprintf(ld->why, sizeof ld->why,
		         "[link.%.40s]: a link's name is 1 to %d letters, digits, '-' and '_', not "
		         "local",
		         name, ACQUIRER_ROUTE_NAME_MAX);
		return NULL;
	}
	if (cfg->nlinks == HOST_LINKS_MAX) {
		snprintf(ld->why, sizeof ld->why, "[link.%s]: more than %d links", name,
		         HOST_LINKS_MAX);
		return NULL;
	}
	l = &cfg->links[cfg->nlinks++];
	*l = (struct host_link_config){.dialect = iso8583_profile_find("iso87a"),
	                               .connections = 2,
	                               .timeout = 10,
	                               .echo_interval = 60,
	                               .saf_interval = 10,
	                               .saf_max_age = 86400,
	                               .line = ld->line};
	snprintf(l->name, sizeof l->name, "%s", name);
	(void)parse_match(l, "mti,11,41,7,32");
	return l;
}

static int on_key(void *user, const char *section, const char *name, const char *value)
{
	struct load *ld = user;
	const struct key *table = keys;
	size_t n = sizeof keys / sizeof keys[0];
	const char *sec = section;
	int known_section = 0;
	char why[sizeof ld->why];

	if (ld->why[0] != '\0' || ld->nomem)
		return 0; /* the first error is the one reported */
	ld->why_line = ld->line;
	ld->base = (char *)ld->cfg;
	if (strncmp(section, "link.", 5) == 0) {
		struct host_link_config *l = link_of(ld, section + 5);

		if (l == NULL)
			return 0;
		ld->base = (char *)l;
		table = link_keys, n = sizeof link_keys / sizeof link_keys[0], sec = "link.";
	}
	for (size_t i = 0; i < n; i++) {
		if (strcmp(table[i].section, sec) != 0)
			continue;
		known_section = 1;
		if (strcmp(table[i].name, name) == 0) {
			if (set_value(ld, &table[i], value) == 0)
				return 1;
			snprintf(why, sizeof why, "%s", ld->why);
			snprintf(ld->why, sizeof ld->why, "[%s] %s: %.150s", section, name, why);
			return 0;
		}
	}
	if (!known_section)
		snprintf(ld->why, sizeof ld->why, "unknown section [%s] (key %s)", section, name);
	else
		snprintf(ld->why, sizeof ld->why, "[%s] %s: unknown key", section, name);
	return 0;
}

/* Once the whole file is read: every link has its host and port, and every route's destination
 * is local or a link of the file. */
static int check_routes(const struct host_config *cfg, const char *conf, char *err, size_t errlen)
{
	for (size_t i = 0; i < cfg->nlinks; i++)
		if (cfg->links[i].host[0] == '\0' || cfg->links[i].port == 0) {
			snprintf(err, errlen, "%s line %d: [link.%s]: needs host and port", conf,
			         cfg->links[i].line, cfg->links[i].name);
			return HOST_CONFIG_EPARSE;
		}
	for (size_t i = 0; i < cfg->nroutes; i++)
		if (strcmp(cfg->routes[i].dest, ACQUIRER_ROUTE_LOCAL) != 0 &&
		    host_config_link(cfg, cfg->routes[i].dest) == NULL) {
			snprintf(err, errlen,
			         "%s line %d: [route] route: no link %s (a [link.%s] section)",
			         conf, cfg->route_lines[i], cfg->routes[i].dest,
			         cfg->routes[i].dest);
			return HOST_CONFIG_EPARSE;
		}
	return HOST_CONFIG_OK;
}

const struct host_link_config *host_config_link(const struct host_config *cfg, const char *name)
{
	for (size_t i = 0; i < cfg->nlinks; i++)
		if (strcmp(cfg->links[i].name, name) == 0)
			return &cfg->links[i];
	return NULL;
}

/* libinih's reader, like fgets(). A line longer than libinih takes would come in pieces,
 * each parsed as a line: it is an error of its own. */
static char *read_line(char *str, int num, void *stream)
{
	struct load *ld = stream;
	char *got = fgets(str, num, ld->f);
	size_t n;

	if (got == NULL)
		return NULL;
	ld->line++;
	n = strlen(got);
	if (n > 0 && got[n - 1] != '\n' && !feof(ld->f) && ld->why[0] == '\0') {
		ld->why_line = ld->line;
		snprintf(ld->why, sizeof ld->why, "longer than %d characters", num - 3);
	}
	return got;
}

static int date_cmp(const void *a, const void *b)
{
	int32_t x = *(const int32_t *)a, y = *(const int32_t *)b;

	return (x > y) - (x < y);
}

/* One line of the holidays file: '#' starts a comment; blank: *date 0. */
static int holiday_line(char *buf, int32_t *date)
{
	char *p = strchr(buf, '#'), *end;

	if (p != NULL)
		*p = '\0';
	p = buf + strspn(buf, " \t\r\n");
	end = p + strlen(p);
	while (end > p && strchr(" \t\r\n", end[-1]) != NULL)
		*--end = '\0';
	*date = 0;
	return *p == '\0' || settle_date_parse(p, date) == SETTLE_OK ? 0 : -1;
}

/* Appends date to cfg's holidays; -1 out of memory. */
static int holiday_add(struct host_config *cfg, int32_t date)
{
	int32_t *grown;
	size_t n = cfg->settle.n_holidays;

	if ((grown = realloc(cfg->holiday_dates, (n + 1) * sizeof *grown)) == NULL)
		return -1;
	grown[n] = date;
	cfg->holiday_dates = grown;
	cfg->settle.holidays = grown;
	cfg->settle.n_holidays = n + 1;
	return 0;
}

/* The holidays file, read once after the configuration, into cfg->settle.holidays: sorted,
 * each date once. A bad line is an error naming the file and its line. */
static int load_holidays(struct load *ld, const char *conf, char *err, size_t errlen)
{
	struct host_config *cfg = ld->cfg;
	int rc = HOST_CONFIG_OK, line = 0;
	char buf[256];
	int32_t date;
	size_t n = 0;
	FILE *f;

	if (cfg->holidays[0] == '\0')
		return HOST_CONFIG_OK;
	if ((f = fopen(cfg->holidays, "r")) == NULL) {
		snprintf(err, errlen, "%s line %d: [settle] holidays: cannot read %s: %s", conf,
		         ld->holidays_line, cfg->holidays, strerror(errno));
		return HOST_CONFIG_EPARSE;
	}
	while (fgets(buf, sizeof buf, f) != NULL) {
		line++;
		if (strchr(buf, '\n') == NULL && !feof(f)) {
			snprintf(err, errlen, "%s line %d: longer than %zu characters",
			         cfg->holidays, line, sizeof buf - 2);
			rc = HOST_CONFIG_EPARSE;
			goto out;
		}
		if (holiday_line(buf, &date) != 0) {
			snprintf(err, errlen, "%s line %d: not a date YYYY-MM-DD: %.40s",
			         cfg->holidays, line, buf + strspn(buf, " \t"));
			rc = HOST_CONFIG_EPARSE;
			goto out;
		}
		if (date != 0 && holiday_add(cfg, date) != 0) {
			snprintf(err, errlen, "%s: out of memory", cfg->holidays);
			rc = HOST_CONFIG_ENOMEM;
			goto out;
		}
	}
	if (cfg->settle.n_holidays > 0) {
		qsort(cfg->holiday_dates, cfg->settle.n_holidays, sizeof date, date_cmp);
		for (size_t i = 0; i < cfg->settle.n_holidays; i++)
			if (n == 0 || cfg->holiday_dates[i] != cfg->holiday_dates[n - 1])
				cfg->holiday_dates[n++] = cfg->holiday_dates[i];
		cfg->settle.n_holidays = n;
	}
out:
	fclose(f);
	return rc;
}

/* The line that set section's key name, or 0. */
static int tls_line_of(const struct load *ld, const char *section, const char *name)
{
	for (size_t i = 0; i < ld->ntls; i++)
		if (strcmp(ld->tls[i].key->section, section) == 0 &&
		    strcmp(ld->tls[i].key->name, name) == 0)
			return ld->tls[i].line;
	return 0;
}

/* A front end's TLS keys, once the whole file is read: a certificate with its key, a CA, a CRL
 * or a peer only with both, every file readable. */
static int check_tls(const struct load *ld, const char *conf, const char *section,
                     const struct host_tls *t, char *err, size_t errlen)
{
	const struct {
		const char *name, *path;
	} files[] = {{"tls_cert", t->cert},
	             {"tls_key", t->key},
	             {"tls_client_ca", t->client_ca},
	             {"tls_crl", t->crl}};
	bool pair = t->cert[0] != '\0' && t->key[0] != '\0';

	for (size_t i = 0; i < sizeof files / sizeof files[0]; i++) {
		int line = tls_line_of(ld, section, files[i].name);
		FILE *f;

		if (files[i].path[0] == '\0')
			continue;
		if (!pair) {
			snprintf(err, errlen,
			         "%s line %d: [%s] %s: needs both tls_cert and tls_key", conf, line,
			         section, files[i].name);
			return HOST_CONFIG_EPARSE;
		}
		if ((f = fopen(files[i].path, "r")) == NULL) {
			snprintf(err, errlen, "%s line %d: [%s] %s: cannot read %s: %s", conf, line,
			         section, files[i].name, files[i].path, strerror(errno));
			return HOST_CONFIG_EPARSE;
		}
		fclose(f);
	}
	if (t->npeers > 0 && !pair) {
		snprintf(err, errlen, "%s line %d: [%s] tls_peer: needs both tls_cert and tls_key",
		         conf, tls_line_of(ld, section, "tls_peer"), section);
		return HOST_CONFIG_EPARSE;
	}
	return HOST_CONFIG_OK;
}

/* [http] tls_cert and tls_key: both or neither; each file read whole (up to 1 MiB) into
 * cfg->http_tls, and the key the certificate's. An error names the line of the key at fault. */
static int load_tls(struct load *ld, const char *conf, char *err, size_t errlen)
{
	static const char *const names[2] = {"tls_cert", "tls_key"};
	struct host_config *cfg = ld->cfg;
	const char *paths[2] = {cfg->http_tls_cert, cfg->http_tls_key};
	char why[100];
	int i;

	if (paths[0][0] == '\0' && paths[1][0] == '\0')
		return HOST_CONFIG_OK;
	for (i = 0; i < 2; i++) {
		if (paths[i][0] == '\0') {
			snprintf(err, errlen, "%s line %d: [http] %s without %s", conf,
			         tls_line_of(ld, "http", names[1 - i]), names[1 - i], names[i]);
			return HOST_CONFIG_EPARSE;
		}
		if (file_read_all(paths[i], 1 << 20, &cfg->http_tls[i], &cfg->http_tls_len[i]) !=
		    0) {
			snprintf(err, errlen, "%s line %d: [http] %s: cannot read %s: %s", conf,
			         tls_line_of(ld, "http", names[i]), names[i], paths[i],
			         strerror(errno));
			return HOST_CONFIG_EPARSE;
		}
	}
	if ((i = pki_pair_check(cfg->http_tls[0], cfg->http_tls_len[0], cfg->http_tls[1],
	                        cfg->http_tls_len[1], why, sizeof why)) != CRYPTO_OK) {
		i = strcmp(why, "not a PEM certificate") == 0 ? 0 : 1;
		snprintf(err, errlen, "%s line %d: [http] %s: %s: %s", conf,
		         tls_line_of(ld, "http", names[i]), names[i], paths[i], why);
		return HOST_CONFIG_EPARSE;
	}
	cfg->http.tls_cert = cfg->http_tls[0];
	cfg->http.tls_key = cfg->http_tls[1];
	return HOST_CONFIG_OK;
}

int host_config_load(const char *path, struct host_config *cfg, char *err, size_t errlen)
{
	struct load ld = {.cfg = cfg};
	const char *slash;
	int line, rc;

	assert(path != NULL && cfg != NULL);
	if ((slash = strrchr(path, '/')) != NULL) {
		if ((size_t)(slash - path + 1) >= sizeof ld.dir) {
			snprintf(err, errlen, "%s: the file's directory's name is too long", path);
			return HOST_CONFIG_EIO;
		}
		memcpy(ld.dir, path, (size_t)(slash - path + 1));
	}
	if ((ld.f = fopen(path, "r")) == NULL) {
		snprintf(err, errlen, "%s: cannot read: %s", path, strerror(errno));
		return HOST_CONFIG_EIO;
	}
	line = ini_parse_stream(read_line, &ld, on_key, &ld);
	fclose(ld.f);
	if (line == -2 || ld.nomem) {
		snprintf(err, errlen, "%s: out of memory", path);
		return HOST_CONFIG_ENOMEM;
	}
	if (ld.why[0] != '\0' && (line == 0 || line >= ld.why_line)) {
		snprintf(err, errlen, "%s line %d: %s", path, ld.why_line, ld.why);
		return HOST_CONFIG_EPARSE;
	}
	if (line != 0) {
		snprintf(err, errlen, "%s line %d: not a [section] or key = value", path, line);
		return HOST_CONFIG_EPARSE;
	}
	cfg->notify.utc_offset = cfg->utc_offset;
	if ((rc = load_tls(&ld, path, err, errlen)) != HOST_CONFIG_OK ||
	    (rc = check_tls(&ld, path, "acquirer", &cfg->acquirer_tls, err, errlen)) !=
	        HOST_CONFIG_OK ||
	    (rc = check_tls(&ld, path, "link", &cfg->link_tls, err, errlen)) != HOST_CONFIG_OK ||
	    (rc = check_routes(cfg, path, err, errlen)) != HOST_CONFIG_OK ||
	    (rc = check_store(&ld, path, err, errlen)) != HOST_CONFIG_OK)
		return rc;
	return load_holidays(&ld, path, err, errlen);
}

void host_config_free(struct host_config *cfg)
{
	for (int i = 0; i < 2; i++) {
		if (cfg->http_tls[i] != NULL)
			crypto_wipe(cfg->http_tls[i], cfg->http_tls_len[i]);
		free(cfg->http_tls[i]);
		cfg->http_tls[i] = NULL;
		cfg->http_tls_len[i] = 0;
	}
	cfg->http.tls_cert = cfg->http.tls_key = NULL;
	free(cfg->bins);
	cfg->bins = NULL;
	cfg->nbins = 0;
	free(cfg->routes);
	free(cfg->route_lines);
	cfg->routes = NULL;
	cfg->route_lines = NULL;
	cfg->nroutes = 0;
	free(cfg->holiday_dates);
	cfg->holiday_dates = NULL;
	cfg->settle.holidays = NULL;
	cfg->settle.n_holidays = 0;
}

const char *host_config_strerror(int rc)
{
	switch (rc) {
	case HOST_CONFIG_OK:
		return "ok";
	case HOST_CONFIG_EIO:
		return "cannot read the configuration file";
	case HOST_CONFIG_EPARSE:
		return "malformed configuration";
	case HOST_CONFIG_ENOMEM:
		return "out of memory";
	default:
		return "unknown error";
	}
}
