/* test_config.c — the `possum host` configuration file: the defaults, a file with every key,
 * the shipped etc/possum.conf, BIN ranges, [settle] and its holidays file, [route] and
 * [link.NAME], and each kind of mistake refused with its line and key. */
#include "testutil.h"

#include <stdio.h>
#include <unistd.h>

#include "host/config.h"
#include "log/log.h"

static char path[64];

/* Writes text to a fresh temporary file, named in path. */
static const char *file_of(const char *text)
{
	FILE *f;
	int fd;

	snprintf(path, sizeof path, "/tmp/test_config.XXXXXX");
	fd = mkstemp(path);
	assert_true(fd >= 0);
	f = fdopen(fd, "w");
	assert_non_null(f);
	fputs(text, f);
	fclose(f);
	return path;
}

/* Loads text over the defaults; gives host_config_load's code and its message in err. */
static int load(const char *text, struct host_config *cfg, char *err, size_t errlen)
{
	int rc;

	host_config_defaults(cfg);
	rc = host_config_load(file_of(text), cfg, err, errlen);
	unlink(path);
	return rc;
}

static void defaults(void **state)
{
	struct host_config cfg;

	(void)state;
	host_config_defaults(&cfg);
	assert_string_equal(cfg.data, "./possum-data");
	assert_string_equal(cfg.log, "-");
	assert_int_equal(cfg.log_level, LOG_INFO);
	assert_string_equal(cfg.listen, "0.0.0.0");
	assert_int_equal(cfg.port, 5001);
	assert_string_equal(cfg.dialect->name, "iso87a");
	assert_int_equal(cfg.idle_timeout, 300);
	assert_int_equal(cfg.max_connections, 10000);
	assert_int_equal(cfg.max_per_address, 64);
	assert_int_equal(cfg.message_timeout, 10);
	assert_int_equal(cfg.http.max_connections, 256);
	assert_int_equal(cfg.http.max_per_address, 32);
	assert_int_equal(cfg.http.timeout, 10);
	assert_int_equal(cfg.http.request_timeout, 30);
	assert_string_equal(cfg.zpk, "");
	assert_string_equal(cfg.issuer.name, "Possum Demo Bank");
	assert_string_equal(cfg.issuer.institution, "99900001");
	assert_int_equal(cfg.issuer.currency, 156);
	assert_int_equal(cfg.issuer.pin_tries, 3);
	assert_int_equal(cfg.issuer.daily_amount_limit, 5000000);
	assert_int_equal(cfg.issuer.daily_count_limit, 50);
	assert_int_equal(cfg.issuer.hold_days, 7);
	assert_int_equal(cfg.issuer.otp_ttl, 300);
	assert_int_equal(cfg.issuer.otp_tries, 3);
	assert_int_equal(cfg.issuer.auth_per_day, 4);
	assert_int_equal(cfg.issuer.wallet_code_ttl, 60);
	assert_true(cfg.issuer.wallet_pin_above == 100000);
	assert_int_equal(cfg.terminal_port, 5000);
	assert_string_equal(cfg.acquirer.institution, "48020000");
	assert_false(cfg.acquirer.cardauth_credit);
	assert_int_equal(cfg.acquirer.cardauth_above, 0);
	assert_false(cfg.acquirer.cardauth_first_use);
	assert_false(cfg.acquirer.track_optional); /* required */
	assert_int_equal(cfg.issuer.auth_valid_days, 365);
	assert_null(cfg.bins);
	assert_int_equal(cfg.nbins, 0);
	host_config_free(&cfg);
}

static void full_file(void **state)
{
	struct host_config cfg;
	char err[256];

	(void)state;
	assert_int_equal(load("; every key\n"
	                      "[host]\n"
	                      "data = /var/lib/possum\n"
	                      "log = /var/log/possum.log\n"
	                      "log_level = debug\n"
	                      "[link]\n"
	                      "listen = 127.0.0.1 ; inline comment\n"
	                      "port = 0\n"
	                      "dialect = iso87b\n"
	                      "idle_timeout = 60\n"
	                      "max_connections = 5\n"
	                      "zpk = D0112P0TB00E0000ABCDEF\n"
	                      "[issuer]\n"
	                      "name = Bank of Tests\n"
	                      "institution = 12345678901\n"
	                      "currency = 978\n"
	                      "pin_tries = 5\n"
	                      "daily_amount_limit = 9223372036854775807\n"
	                      "daily_count_limit = 0\n"
	                      "hold_days = 30\n"
	                      "otp_ttl = 120\n"
	                      "otp_tries = 2\n"
	                      "auth_per_day = 10\n"
	                      "wallet_code_ttl = 90\n"
	                      "wallet_pin_above = 500.5\n"
	                      "bin = 62258801 debit\n"
	                      "bin = 40000000-49999999 credit\n"
	                      "bin = 5 prepaid\n",
	                      &cfg, err, sizeof err),
	                 HOST_CONFIG_OK);
	assert_string_equal(cfg.data, "/var/lib/possum");
	assert_string_equal(cfg.log, "/var/log/possum.log");
	assert_int_equal(cfg.log_level, LOG_DEBUG);
	assert_string_equal(cfg.listen, "127.0.0.1");
	assert_int_equal(cfg.port, 0);
	assert_string_equal(cfg.dialect->name, "iso87b");
	assert_int_equal(cfg.idle_timeout, 60);
	assert_int_equal(cfg.max_connections, 5);
	assert_string_equal(cfg.zpk, "D0112P0TB00E0000ABCDEF");
	assert_string_equal(cfg.issuer.name, "Bank of Tests");
	assert_string_equal(cfg.issuer.institution, "12345678901");
	assert_int_equal(cfg.issuer.currency, 978);
	assert_int_equal(cfg.issuer.pin_tries, 5);
	assert_true(cfg.issuer.daily_amount_limit == INT64_MAX);
	assert_int_equal(cfg.issuer.daily_count_limit, 0);
	assert_int_equal(cfg.issuer.hold_days, 30);
	assert_int_equal(cfg.issuer.otp_ttl, 120);
	assert_int_equal(cfg.issuer.otp_tries, 2);
	assert_int_equal(cfg.issuer.auth_per_day, 10);
	assert_int_equal(cfg.issuer.wallet_code_ttl, 90);
	assert_true(cfg.issuer.wallet_pin_above == 50050); /* EUR 500.50 */
	assert_int_equal(cfg.nbins, 3);
	assert_string_equal(cfg.bins[0].low, "62258801");
	assert_string_equal(cfg.bins[0].high, "62258801");
	assert_int_equal(cfg.bins[0].product, CARD_PRODUCT_DEBIT);
	assert_string_equal(cfg.bins[1].low, "40000000");
	assert_string_equal(cfg.bins[1].high, "49999999");
	assert_int_equal(cfg.bins[1].product, CARD_PRODUCT_CREDIT);
	assert_int_equal(cfg.bins[2].product, CARD_PRODUCT_PREPAID);
	assert_int_equal(card_bin_check(cfg.bins, cfg.nbins, NULL), CARD_OK);
	host_config_free(&cfg);
	assert_null(cfg.bins);
	host_config_free(&cfg);
}

/* The shipped demo configuration loads, with its three BINs. */
/* [acquirer]: the terminal port, the institution, the card authentication policy; its
 * cardauth_valid_days is the issuer's auth_valid_days. */
static void acquirer_section(void **state)
{
	struct host_config cfg;
	char err[256];

	(void)state;
	assert_int_equal(load("[acquirer]\nport = 0\ninstitution = 12345678\ncardauth_credit = "
	                      "yes\ncardauth_above = 100000\ncardauth_first_use = yes\n"
	                      "cardauth_valid_days = 30\ntrack_encryption = optional\n",
	                      &cfg, err, sizeof err),
	                 HOST_CONFIG_OK);
	assert_true(cfg.acquirer.track_optional);
	assert_int_equal(cfg.terminal_port, 0);
	assert_string_equal(cfg.acquirer.institution, "12345678");
	assert_true(cfg.acquirer.cardauth_credit);
	assert_int_equal(cfg.acquirer.cardauth_above, 100000);
	assert_true(cfg.acquirer.cardauth_first_use);
	assert_int_equal(cfg.issuer.auth_valid_days, 30);
	host_config_free(&cfg);
}

static void shipped_config(void **state)
{
	struct host_config cfg;
	const struct card_bin_range *r;
	char file[1024], err[256];
	const char *source = getenv("POSSUM_SOURCE"); /* set by ctest */

	(void)state;
	if (source == NULL)
		skip();
	snprintf(file, sizeof file, "%s/etc/possum.conf", source);
	host_config_defaults(&cfg);
	assert_int_equal(host_config_load(file, &cfg, err, sizeof err), HOST_CONFIG_OK);
	assert_int_equal(cfg.nbins, 3);
	assert_int_equal(card_bin_lookup(cfg.bins, cfg.nbins, "6225880212345674", &r), CARD_OK);
	assert_int_equal(r->product, CARD_PRODUCT_CREDIT);
	assert_int_equal(card_bin_lookup(cfg.bins, cfg.nbins, "6212341234567899", &r), CARD_OK);
	assert_int_equal(r->product, CARD_PRODUCT_DEBIT);
	assert_int_equal(cfg.settle.cutoff, 1380);
	assert_int_equal(cfg.settle.payout_days, 1);
	assert_false(cfg.settle.weekend_payouts);
	assert_false(cfg.refund_fee_keep);
	host_config_free(&cfg);
}

/* [http] metrics_allow: addresses and blocks, by commas or spaces; none by default. */
static void metrics_allow(void **state)
{
	struct host_config cfg;
	char err[256];

	(void)state;
	assert_int_equal(load("[http]\nport = 0\n", &cfg, err, sizeof err), HOST_CONFIG_OK);
	assert_int_equal(cfg.http.metrics_allow.n, 0);
	host_config_free(&cfg);
	assert_int_equal(load("[http]\nmetrics_allow = 10.0.0.5, 192.168.0.0/16 fd00::/8\n", &cfg,
	                      err, sizeof err),
	                 HOST_CONFIG_OK);
	assert_int_equal(cfg.http.metrics_allow.n, 3);
	assert_true(http_allow_match(&cfg.http.metrics_allow, "192.168.7.7"));
	assert_false(http_allow_match(&cfg.http.metrics_allow, "10.0.0.6"));
	host_config_free(&cfg);
}

/* Each mistake is refused, naming the line and the key. */
/* A file and what its refusal must say. */
struct refusal {
	const char *text, *message;
};

/* Each of the n files refused (HOST_CONFIG_EPARSE) with its message. */
static void refused_each(const struct refusal *cases, size_t n)
{
	struct host_config cfg;
	char err[512];

	for (size_t i = 0; i < n; i++) {
		assert_int_equal(load(cases[i].text, &cfg, err, sizeof err), HOST_CONFIG_EPARSE);
		if (strstr(err, cases[i].message) == NULL)
			fail_msg("case %zu: '%s' lacks '%s'", i, err, cases[i].message);
		host_config_free(&cfg);
	}
}

static void refusals(void **state)
{
	static const struct refusal cases[] = {
	    {"[host]\nlog_level = loud\n", "line 2: [host] log_level: not debug, info, warn"},
	    {"[link]\nport = 5001\nport = 65536\n",
	     "line 3: [link] port: not a number from 0 to 65535: 65536"},
	    {"[link]\nport = 50x1\n", "line 2: [link] port: not a number"},
	    {"[link]\nport =\n", "line 2: [link] port: not a number"},
	    {"[link]\nport = -1\n", "line 2: [link] port: not a number"},
	    {"[link]\ndialect = cup-pos\n", "line 2: [link] dialect: not a network dialect"},
	    {"[link]\ndialect = iso93\n", "line 2: [link] dialect: not a network dialect"},
	    {"[link]\nidle_timeout = 0\n", "line 2: [link] idle_timeout: not a number from 1"},
	    {"[http]\nrequest_timeout = 0\n",
	     "line 2: [http] request_timeout: not a number from 1 to 86400"},
	    {"[link]\nlisten = 0.0.0.0\nbacklog = 5\n", "line 3: [link] backlog: unknown key"},
	    {"[hots]\ndata = x\n", "line 2: unknown section [hots] (key data)"},
	    {"data = x\n", "line 1: unknown section [] (key data)"},
	    {"[issuer]\ninstitution = 9990A\n", "line 2: [issuer] institution: not 1 to 11 digits"},
	    {"[issuer]\nwallet_code_ttl = 5\n",
	     "line 2: [issuer] wallet_code_ttl: not a number from 10 to 3600: 5"},
	    {"[issuer]\nwallet_pin_above = 1000.001\n",
	     "line 2: [issuer] wallet_pin_above: not an amount such as 1000.00: 1000.001"},
	    {"[issuer]\nwallet_pin_above = -1\n",
	     "line 2: [issuer] wallet_pin_above: not an amount"},
	    {"[issuer]\nwallet_pin_above = CNY 100\n",
	     "line 2: [issuer] wallet_pin_above: not an amount"},
	    {"[issuer]\ninstitution = 123456789012\n", "[issuer] institution: not 1 to 11 digits"},
	    {"[issuer]\ncurrency = 1000\n", "[issuer] currency: not a number from 1 to 999"},
	    {"[issuer]\ndaily_amount_limit = 9223372036854775808\n",
	     "[issuer] daily_amount_limit: not a number"},
	    {"[issuer]\ndaily_amount_limit = 12.50\n", "[issuer] daily_amount_limit: not a number"},
	    {"[issuer]\nbin = 62258801\n", "line 2: [issuer] bin: not LOW[-HIGH]"},
	    {"[http]\nport = 0\nmetrics_allow = 10.0.0.0/33\n",
	     "line 3: [http] metrics_allow: not addresses or CIDR blocks"},
	    {"[http]\nmetrics_allow = 10.0.0.1; 10.0.0.2\n", "line 2: [http] metrics_allow: not"},
	    {"[issuer]\nbin = 62258801 gold\n", "[issuer] bin: not LOW[-HIGH]"},
	    {"[issuer]\nbin = 6225-62258899 debit\n", "[issuer] bin: not LOW[-HIGH]"},
	    {"[issuer]\nbin = 62258899-62258801 debit\n", "[issuer] bin: not LOW[-HIGH]"},
	    {"[issuer]\nbin = 62258801 debit extra\n", "[issuer] bin: not LOW[-HIGH]"},
	    {"[issuer]\nbin = 12345678901234567890 debit\n", "[issuer] bin: not LOW[-HIGH]"},
	    {"[issuer]\nbin = 6225880A debit\n", "[issuer] bin: not LOW[-HIGH]"},
	    {"[acquirer]\ncardauth_credit = maybe\n",
	     "line 2: [acquirer] cardauth_credit: not yes or no"},
	    {"[acquirer]\nport = 70000\n", "[acquirer] port: not a number from 0 to 65535"},
	    {"[acquirer]\ncardauth_valid_days = 0\n", "[acquirer] cardauth_valid_days: not a"},
	    {"[host]\nthis line has no equals sign\n", "line 2: not a [section] or key = value"},
	    {"[host\n", "line 1: not a [section] or key = value"},
	    /* The first mistake is the one named, whatever its kind. */
	    {"[host]\nnonsense\nport = 1\n", "line 2: not a [section] or key = value"},
	    {"[link]\nport = x\nnonsense\n", "line 2: [link] port"},
	};
	struct host_config cfg;
	char err[512], text[400];

	(void)state;
	refused_each(cases, sizeof cases / sizeof cases[0]);
	/* A line longer than libinih reads is refused, not split into two. */
	snprintf(text, sizeof text, "[link]\nzpk = %0300d\n", 0);
	assert_int_equal(load(text, &cfg, err, sizeof err), HOST_CONFIG_EPARSE);
	assert_non_null(strstr(err, "line 2: longer than"));
	host_config_free(&cfg);
	/* A file that is not there. */
	host_config_defaults(&cfg);
	assert_int_equal(host_config_load("/nonexistent/possum.conf", &cfg, err, sizeof err),
	                 HOST_CONFIG_EIO);
	assert_non_null(strstr(err, "/nonexistent/possum.conf: cannot read"));
	assert_string_equal(host_config_strerror(HOST_CONFIG_EPARSE), "malformed configuration");
}

/* [qr]: the defaults, both keys, and values refused with their line. */
static void qr_section(void **state)
{
	static const struct {
		const char *text, *message;
	} cases[] = {
	    {"[qr]\nguid = cn/possum\n",
	     "line 2: [qr] guid: not 1 to 32 letters, digits, '.' and '-': cn/possum"},
	    {"[qr]\nguid =\n", "line 2: [qr] guid: not 1 to 32"},
	    {"[qr]\nguid = a23456789012345678901234567890123\n", "line 2: [qr] guid: not 1 to 32"},
	    {"[qr]\n\ncity = Beijing\n", "line 3: [qr] city: not 1 to 15 upper-case letters"},
	    {"[qr]\ncity = 北京\n", "line 2: [qr] city: not 1 to 15"},
	    {"[qr]\ncity = ABCDEFGHIJKLMNOP\n", "line 2: [qr] city: not 1 to 15"},
	    {"[qr]\nname = X\n", "line 2: [qr] name: unknown key"},
	};
	struct host_config cfg;
	char err[256];

	(void)state;
	host_config_defaults(&cfg);
	assert_string_equal(cfg.acquirer.qr_guid, "cn.possum");
	assert_string_equal(cfg.qr_city, "BEIJING");
	assert_int_equal(load("[qr]\nguid = com.example-pay.qr\ncity = SHANGHAI PUDONG\n", &cfg,
	                      err, sizeof err),
	                 HOST_CONFIG_OK);
	assert_string_equal(cfg.acquirer.qr_guid, "com.example-pay.qr");
	assert_string_equal(cfg.qr_city, "SHANGHAI PUDONG");
	host_config_free(&cfg);
	assert_int_equal(
	    load("[qr]\nguid = a2345678901234567890123456789012\n", &cfg, err, sizeof err),
	    HOST_CONFIG_OK);
	host_config_free(&cfg);
	for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
		assert_int_equal(load(cases[i].text, &cfg, err, sizeof err), HOST_CONFIG_EPARSE);
		if (strstr(err, cases[i].message) == NULL)
			fail_msg("case %zu: '%s' lacks '%s'", i, err, cases[i].message);
		host_config_free(&cfg);
	}
}

/* [notify]: the defaults, every key, and values refused. */
static void notify_section(void **state)
{
	struct host_config cfg;
	char err[256];

	(void)state;
	host_config_defaults(&cfg);
	assert_int_equal(cfg.notify.sink, NOTIFY_SINK_FILE);
	assert_string_equal(cfg.notify.file, "");
	assert_string_equal(cfg.notify.webhook, "");
	assert_int_equal(cfg.notify.timeout, 5);
	assert_int_equal(cfg.notify.interval, 1);
	assert_int_equal(cfg.notify.max_attempts, 8);
	assert_int_equal(cfg.notify.utc_offset, 480);
	assert_int_equal(cfg.notify.file_retention_days, 7);
	assert_int_equal(load("[notify]\nsink = webhook\nfile = /var/sms.jsonl\n"
	                      "webhook = http://127.0.0.1:8080/sms\ntimeout = 2\ninterval = 5\n"
	                      "max_attempts = 3\nutc_offset = -300\nfile_retention_days = 0\n",
	                      &cfg, err, sizeof err),
	                 HOST_CONFIG_OK);
	assert_int_equal(cfg.notify.sink, NOTIFY_SINK_WEBHOOK);
	assert_string_equal(cfg.notify.file, "/var/sms.jsonl");
	assert_string_equal(cfg.notify.webhook, "http://127.0.0.1:8080/sms");
	assert_int_equal(cfg.notify.timeout, 2);
	assert_int_equal(cfg.notify.interval, 5);
	assert_int_equal(cfg.notify.max_attempts, 3);
	assert_int_equal(cfg.notify.utc_offset, -300);
	assert_int_equal(cfg.notify.file_retention_days, 0);
	host_config_free(&cfg);
	assert_int_equal(load("[notify]\nsink = sms\n", &cfg, err, sizeof err), HOST_CONFIG_EPARSE);
	assert_non_null(strstr(err, "line 2: [notify] sink: not file or webhook: sms"));
	assert_int_equal(load("[notify]\nmax_attempts = 0\n", &cfg, err, sizeof err),
	                 HOST_CONFIG_EPARSE);
	assert_int_equal(load("[notify]\ntimeout = 301\n", &cfg, err, sizeof err),
	                 HOST_CONFIG_EPARSE);
	assert_int_equal(load("[notify]\n\nfile_retention_days = -1\n", &cfg, err, sizeof err),
	                 HOST_CONFIG_EPARSE);
	assert_non_null(strstr(err, "line 3: [notify] file_retention_days"));
	assert_int_equal(load("[notify]\nretries = 3\n", &cfg, err, sizeof err),
	                 HOST_CONFIG_EPARSE);
	host_config_free(&cfg);
}

/* [host] utc_offset, its old name [notify] utc_offset, and the two disagreeing. */
static void utc_offset(void **state)
{
	struct host_config cfg;
	char err[256];

	(void)state;
	host_config_defaults(&cfg);
	assert_int_equal(cfg.utc_offset, 480);
	assert_int_equal(load("[host]\nutc_offset = -300\n", &cfg, err, sizeof err),
	                 HOST_CONFIG_OK);
	assert_int_equal(cfg.utc_offset, -300);
	assert_int_equal(cfg.notify.utc_offset, -300);
	assert_int_equal(load("[notify]\nutc_offset = 540\n", &cfg, err, sizeof err),
	                 HOST_CONFIG_OK);
	assert_int_equal(cfg.utc_offset, 540);
	assert_int_equal(
	    load("[host]\nutc_offset = 0\n[notify]\nutc_offset = 0\n", &cfg, err, sizeof err),
	    HOST_CONFIG_OK);
	assert_int_equal(cfg.utc_offset, 0);
	assert_int_equal(load("[host]\nutc_offset = 480\n[notify]\nsink = file\nutc_offset = 540\n",
	                      &cfg, err, sizeof err),
	                 HOST_CONFIG_EPARSE);
	assert_non_null(strstr(err, "line 5: [notify] utc_offset: 540 differs from [host] "
	                            "utc_offset = 480 on line 2"));
	assert_int_equal(load("[host]\nutc_offset = 1441\n", &cfg, err, sizeof err),
	                 HOST_CONFIG_EPARSE);
	assert_non_null(strstr(err, "line 2: [host] utc_offset: not a number from -1440 to 1440"));
	host_config_free(&cfg);
}

/* Writes text to a fresh temporary holidays file, named in out. */
static void holidays_of(const char *text, char out[64])
{
	FILE *f;
	int fd;

	snprintf(out, 64, "/tmp/test_holidays.XXXXXX");
	fd = mkstemp(out);
	assert_true(fd >= 0);
	f = fdopen(fd, "w");
	assert_non_null(f);
	fputs(text, f);
	fclose(f);
}

/* [settle]: its defaults, every key, the holidays file (relative to the config's directory,
 * sorted, each date once), and each mistake refused with its line: the config's, or the
 * holidays file's own name and line. */
static void settle_section(void **state)
{
	static const struct {
		const char *text, *message;
	} bad[] = {
	    {"[settle]\ncutoff = 24:00\n", "line 2: [settle] cutoff: not a time HH:MM"},
	    {"[settle]\ncutoff = 23:60\n", "[settle] cutoff: not a time HH:MM"},
	    {"[settle]\ncutoff = 9:00\n", "[settle] cutoff: not a time HH:MM"},
	    {"[settle]\ncutoff = 2300\n", "[settle] cutoff: not a time HH:MM"},
	    {"[settle]\ncutoff = 23:00:00\n", "[settle] cutoff: not a time HH:MM"},
	    {"[settle]\ncutoff =\n", "[settle] cutoff: not a time HH:MM"},
	    {"[settle]\npayout_days = 31\n", "[settle] payout_days: not a number from 0 to 30"},
	    {"[settle]\npayout_days = -1\n", "[settle] payout_days: not a number from 0 to 30"},
	    {"[settle]\nweekend_payouts = sometimes\n", "[settle] weekend_payouts: not yes or no"},
	    {"[settle]\nrefund_fee = half\n", "line 2: [settle] refund_fee: not return or keep"},
	    {"[acquirer]\ntrack_encryption = yes\n",
	     "line 2: [acquirer] track_encryption: not required or optional"},
	    {"[settle]\ncut_off = 23:00\n", "line 2: [settle] cut_off: unknown key"},
	    {"[settle]\n\nholidays = /nonexistent/holidays\n",
	     "line 3: [settle] holidays: cannot read /nonexistent/holidays"},
	};
	struct host_config cfg;
	char err[512], text[256], hol[64];

	(void)state;
	host_config_defaults(&cfg);
	assert_int_equal(cfg.settle.cutoff, 1380);
	assert_int_equal(cfg.settle.payout_days, 1);
	assert_false(cfg.settle.weekend_payouts);
	assert_int_equal(cfg.settle.n_holidays, 0);
	assert_false(cfg.refund_fee_keep);
	holidays_of("# China, 2026\n2026-10-01\n\n  2026-05-01  # Labour Day\n2026-10-01\n"
	            "2026-01-01\r\n",
	            hol);
	snprintf(text, sizeof text,
	         "[settle]\ncutoff = 00:00\npayout_days = 2\nweekend_payouts = yes\n"
	         "holidays = %s\nrefund_fee = keep\n",
	         hol + 5); /* relative: the config is in /tmp too */
	assert_int_equal(load(text, &cfg, err, sizeof err), HOST_CONFIG_OK);
	assert_int_equal(cfg.settle.cutoff, 0);
	assert_int_equal(cfg.settle.payout_days, 2);
	assert_true(cfg.settle.weekend_payouts);
	assert_true(cfg.refund_fee_keep);
	assert_string_equal(cfg.holidays, hol);
	assert_int_equal(cfg.settle.n_holidays, 3);
	assert_int_equal(cfg.settle.holidays[0], 20260101);
	assert_int_equal(cfg.settle.holidays[1], 20260501);
	assert_int_equal(cfg.settle.holidays[2], 20261001);
	assert_int_equal(settle_calendar_check(&cfg.settle), SETTLE_OK);
	host_config_free(&cfg);
	assert_null(cfg.settle.holidays);
	assert_int_equal(
	    load("[settle]\ncutoff = 23:59\nrefund_fee = return\n", &cfg, err, sizeof err),
	    HOST_CONFIG_OK);
	assert_int_equal(cfg.settle.cutoff, 1439);
	assert_false(cfg.refund_fee_keep);
	host_config_free(&cfg);
	/* A bad line of the holidays file: its own name and line. */
	unlink(hol);
	holidays_of("2026-10-01\n# ok\n2026-02-30\n", hol);
	snprintf(text, sizeof text, "[settle]\nholidays = %s\n", hol);
	assert_int_equal(load(text, &cfg, err, sizeof err), HOST_CONFIG_EPARSE);
	snprintf(text, sizeof text, "%s line 3: not a date YYYY-MM-DD: 2026-02-30", hol);
	if (strstr(err, text) == NULL)
		fail_msg("'%s' lacks '%s'", err, text);
	host_config_free(&cfg);
	unlink(hol);
	holidays_of("2026/10/01\n", hol);
	snprintf(text, sizeof text, "[settle]\nholidays = %s\n", hol);
	assert_int_equal(load(text, &cfg, err, sizeof err), HOST_CONFIG_EPARSE);
	assert_non_null(strstr(err, "line 1: not a date YYYY-MM-DD: 2026/10/01"));
	host_config_free(&cfg);
	unlink(hol);
	for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
		assert_int_equal(load(bad[i].text, &cfg, err, sizeof err), HOST_CONFIG_EPARSE);
		if (strstr(err, bad[i].message) == NULL)
			fail_msg("case %zu: '%s' lacks '%s'", i, err, bad[i].message);
		host_config_free(&cfg);
	}
}

/* A relative path in the file is taken from the file's directory; absolute ones, "-" and
 * empty ones stay as they are. */
static void relative_paths(void **state)
{
	struct host_config cfg;
	char err[256];

	(void)state;
	host_config_defaults(&cfg);
	assert_string_equal(cfg.data, "./possum-data");
	assert_int_equal(load("[host]\ndata = d\nlog = logs/possum.log\n[notify]\nfile = "
	                      "../sms.jsonl\n[merchant]\ndocuments = ./docs\n",
	                      &cfg, err, sizeof err),
	                 HOST_CONFIG_OK);
	assert_string_equal(cfg.data, "/tmp/d"); /* load() writes its file in /tmp */
	assert_string_equal(cfg.log, "/tmp/logs/possum.log");
	assert_string_equal(cfg.notify.file, "/tmp/../sms.jsonl");
	assert_string_equal(cfg.merchant.documents, "/tmp/./docs");
	assert_int_equal(
	    load("[host]\ndata = /var/possum\nlog = -\n[notify]\nfile =\n", &cfg, err, sizeof err),
	    HOST_CONFIG_OK);
	assert_string_equal(cfg.data, "/var/possum");
	assert_string_equal(cfg.log, "-");
	assert_string_equal(cfg.notify.file, "");
	host_config_free(&cfg);
}

/* [acquirer] and [link] TLS: paths kept (relative ones from the file's directory), a pinned
 * peer normalized; a certificate without its key, a CA without both, a file that cannot be
 * read and a malformed pin refused with their line. The files' contents are the host's to
 * read at start (net_tls_create()): here only that they can be read. */
static void tls_keys(void **state)
{
	struct host_config cfg;
	char err[300], text[1200], pem[] = "/tmp/test_config_pem.XXXXXX";
	const char *hex = "00112233445566778899AABBCCDDEEFF00112233445566778899aabbccddeeff";
	int fd = mkstemp(pem);

	(void)state;
	assert_true(fd >= 0);
	close(fd);
	snprintf(text, sizeof text,
	         "[acquirer]\ntls_cert = %s\ntls_key = %s\ntls_client_ca = %s\n"
	         "[link]\ntls_cert = %s\ntls_key = %s\ntls_peer = sha256:%s\n"
	         "tls_peer = sha256:%s\n",
	         pem, pem, pem, pem + 5, pem, hex, hex);
	assert_int_equal(load(text, &cfg, err, sizeof err), HOST_CONFIG_OK);
	assert_string_equal(cfg.acquirer_tls.client_ca, pem);
	assert_string_equal(cfg.link_tls.cert, pem); /* "test_config_pem…", from /tmp/ */
	assert_int_equal(cfg.link_tls.npeers, 2);
	assert_string_equal(cfg.link_tls.peers[0],
	                    "sha256:00112233445566778899aabbccddeeff0011223344"
	                    "5566778899aabbccddeeff");
	host_config_free(&cfg);
	host_config_defaults(&cfg);
	assert_string_equal(cfg.acquirer_tls.cert, "");

	snprintf(text, sizeof text, "[acquirer]\nport = 0\ntls_cert = %s\n", pem);
	assert_int_equal(load(text, &cfg, err, sizeof err), HOST_CONFIG_EPARSE);
	assert_non_null(
	    strstr(err, "line 3: [acquirer] tls_cert: needs both tls_cert and tls_key"));
	snprintf(text, sizeof text, "[acquirer]\ntls_crl = %s\n", pem);
	assert_int_equal(load(text, &cfg, err, sizeof err), HOST_CONFIG_EPARSE);
	assert_non_null(strstr(err, "line 2: [acquirer] tls_crl: needs both"));
	snprintf(text, sizeof text, "[link]\ntls_cert = %s\n\ntls_key = /nonexistent/k.pem\n", pem);
	assert_int_equal(load(text, &cfg, err, sizeof err), HOST_CONFIG_EPARSE);
	assert_non_null(strstr(err, "line 4: [link] tls_key: cannot read /nonexistent/k.pem"));
	assert_int_equal(load("[link]\ntls_peer = sha256:abc\n", &cfg, err, sizeof err),
	                 HOST_CONFIG_EPARSE);
	assert_non_null(strstr(err, "line 2: [link] tls_peer: not sha256:HEX"));
	assert_int_equal(load("[link]\ntls_peer = sha256:"
	                      "00112233445566778899aabbccddeeff0011"
	                      "2233445566778899aabbccddeeff\n",
	                      &cfg, err, sizeof err),
	                 HOST_CONFIG_EPARSE);
	assert_non_null(strstr(err, "line 2: [link] tls_peer: needs both tls_cert and tls_key"));
	unlink(pem);
}

/* Key blocks as `possum hsm generate` prints them (the header is what the file's check reads). */
#define ZPK                                                                                        \
	"D0112P0TB00E00000EDA83F635CAF81AC1B754B74625B7EB5E3CD772D3AD956EC07912E12078A902CE298D366D6F66CE60106F93A3CAD4E1"
#define ZAK                                                                                        \
	"D0112M3TC00E000076FB900285786916597236C2431E6B3ED8BE0D79195ABA2897487DCEE73C18603C93CEE1046A45616445F7DA38059137"

/* [route] and [link.NAME] (docs/links.md): the defaults of a link, every key read, routes in
 * the file's order with their lines, a route before the section of its link. */
static void routes_and_links(void **state)
{
	struct host_config cfg;
	const struct host_link_config *l;
	char err[512];

	(void)state;
	assert_int_equal(load("[route]\nroute = 62258801 local\nroute = 4000-4999 visa-net\n"
	                      "route = 62 cup_1\n[link.visa-net]\nhost = 10.0.0.9\nport = 7001\n"
	                      "[link.cup_1]\nhost = cup.example\nport = 7002\ndialect = iso87b\n"
	                      "connections = 4\nzpk = " ZPK "\nzak = " ZAK "\ntimeout = 30\n"
	                      "echo_interval = 120\ninstitution = 00010344\nbinary = hex\n"
	                      "saf_interval = 5\nsaf_max_age = 3600\nmatch = mti, 11, 37\n",
	                      &cfg, err, sizeof err),
	                 HOST_CONFIG_OK);
	assert_int_equal(cfg.nroutes, 3);
	assert_string_equal(cfg.routes[1].range.low, "4000");
	assert_string_equal(cfg.routes[1].range.high, "4999");
	assert_string_equal(cfg.routes[1].dest, "visa-net");
	assert_int_equal(cfg.route_lines[2], 4);
	assert_int_equal(cfg.nlinks, 2);
	l = host_config_link(&cfg, "visa-net");
	assert_non_null(l);
	assert_string_equal(l->host, "10.0.0.9");
	assert_int_equal(l->port, 7001);
	assert_string_equal(l->dialect->name, "iso87a");
	assert_int_equal(l->connections, 2);
	assert_int_equal(l->timeout, 10);
	assert_int_equal(l->echo_interval, 60);
	assert_int_equal(l->saf_interval, 10);
	assert_int_equal(l->saf_max_age, 86400);
	assert_false(l->binary_hex);
	assert_string_equal(l->zpk, "");
	assert_string_equal(l->match, "mti,11,41,7,32");
	assert_int_equal(l->n_match, 5);
	assert_int_equal(l->match_fields[0], HOST_LINK_MATCH_MTI);
	assert_int_equal(l->match_fields[4], 32);
	l = host_config_link(&cfg, "cup_1");
	assert_non_null(l);
	assert_string_equal(l->dialect->name, "iso87b");
	assert_int_equal(l->connections, 4);
	assert_string_equal(l->zpk, ZPK);
	assert_string_equal(l->zak, ZAK);
	assert_int_equal(l->timeout, 30);
	assert_int_equal(l->echo_interval, 120);
	assert_string_equal(l->institution, "00010344");
	assert_true(l->binary_hex);
	assert_int_equal(l->saf_interval, 5);
	assert_int_equal(l->saf_max_age, 3600);
	assert_int_equal(l->n_match, 3);
	assert_int_equal(l->match_fields[2], 37);
	assert_null(host_config_link(&cfg, "local"));
	host_config_free(&cfg);
	assert_null(cfg.routes);
	assert_int_equal(cfg.nroutes, 0);
	/* None: no table (every card local). */
	assert_int_equal(load("[issuer]\nbin = 621234 debit\n", &cfg, err, sizeof err),
	                 HOST_CONFIG_OK);
	assert_int_equal(cfg.nroutes, 0);
	assert_int_equal(cfg.nlinks, 0);
	host_config_free(&cfg);
}

/* Each mistake of [route] and [link.NAME] refused with its line. */
static void route_refusals(void **state)
{
	static const struct refusal cases[] = {
	    {"[route]\nroute = 62 local\nroute = 62 local\n",
	     "line 3: [route] route: the same range as line 2"},
	    {"[route]\nroute = 4000-4999 local\n\nroute = 4000-4999 x\n[link.x]\nhost=h\nport=1\n",
	     "line 4: [route] route: the same range as line 2"},
	    {"[link]\nport = 1\n[route]\nroute = 62 visa\n",
	     "line 4: [route] route: no link visa (a [link.visa] section)"},
	    {"[route]\nroute = 62\n", "line 2: [route] route: not LOW[-HIGH] local|LINK"},
	    {"[route]\nroute = 62-6 local\n", "line 2: [route] route: not LOW[-HIGH]"},
	    {"[route]\nroute = 69-62 local\n", "line 2: [route] route: not LOW[-HIGH]"},
	    {"[route]\nroute = 6A local\n", "line 2: [route] route: not LOW[-HIGH]"},
	    {"[route]\nroute = 62 local extra\n", "line 2: [route] route: not LOW[-HIGH]"},
	    {"[route]\nroute = 62 bad.name\n", "line 2: [route] route: not LOW[-HIGH]"},
	    {"[route]\nroutes = 62 local\n", "line 2: [route] routes: unknown key"},
	    {"[link.a b]\nhost = h\n", "line 2: [link.a b]: a link's name is 1 to 32"},
	    {"[link.local]\nhost = h\n", "line 2: [link.local]: a link's name"},
	    {"[link.]\nhost = h\n", "line 2: [link.]: a link's name"},
	    {"[link.x]\nhost = h\n", "line 2: [link.x]: needs host and port"},
	    {"[link.x]\nport = 7\n", "line 2: [link.x]: needs host and port"},
	    {"[link.x]\nhost = h\nport = 0\n",
	     "line 3: [link.x] port: not a number from 1 to 65535"},
	    {"[link.x]\nhost = h\ndialect = cup-pos\n",
	     "line 3: [link.x] dialect: not a network dialect"},
	    {"[link.x]\nconnections = 0\n",
	     "line 2: [link.x] connections: not a number from 1 to 64"},
	    {"[link.x]\ntimeout = 301\n", "line 2: [link.x] timeout: not a number from 1 to 300"},
	    {"[link.x]\necho_interval = 0\n", "line 2: [link.x] echo_interval: not a number"},
	    {"[link.x]\nsaf_interval = 0\n", "line 2: [link.x] saf_interval: not a number"},
	    {"[link.x]\nsaf_max_age = 59\n", "line 2: [link.x] saf_max_age: not a number from 60"},
	    {"[link.x]\ninstitution = 12A\n", "line 2: [link.x] institution: not 1 to 11 digits"},
	    {"[link.x]\nbinary = base64\n", "line 2: [link.x] binary: not raw or hex"},
	    {"[link.x]\nmatch = mti,11,11\n", "line 2: [link.x] match: not mti and field numbers"},
	    {"[link.x]\nmatch = 1\n", "line 2: [link.x] match: not mti"},
	    {"[link.x]\nmatch = ,\n", "line 2: [link.x] match: not mti"},
	    {"[link.x]\nmatch = 2,3,4,5,6,7,8,9,10\n", "line 2: [link.x] match: not mti"},
	    {"[link.x]\nzpk = nonsense\n", "line 2: [link.x] zpk: not a key block of usage P0"},
	    {"[link.x]\nzpk = " ZAK "\n", "line 2: [link.x] zpk: not a key block of usage P0"},
	    {"[link.x]\nzak = " ZPK "\n", "line 2: [link.x] zak: not a key block of usage M"},
	    {"[link.x]\nlisten = 0.0.0.0\n", "line 2: [link.x] listen: unknown key"},
	};
	struct host_config cfg;
	char err[512], text[2200];
	size_t n = 0;

	(void)state;
	refused_each(cases, sizeof cases / sizeof cases[0]);
	/* At most HOST_LINKS_MAX links: the next one refused at its first line. */
	for (int i = 0; i <= HOST_LINKS_MAX; i++)
		n += (size_t)snprintf(text + n, sizeof text - n, "[link.l%d]\nhost = h\nport = 1\n",
		                      i);
	assert_int_equal(load(text, &cfg, err, sizeof err), HOST_CONFIG_EPARSE);
	assert_non_null(strstr(err, "line 50: [link.l16]: more than 16 links"));
	host_config_free(&cfg);
}

/* [store]: SQLite by default; PostgreSQL by a connection string or a URI, each the store's name
 * as store_open() takes it; the four refusals, none repeating a password. */
static void store_section(void **state)
{
	static const struct refusal cases[] = {
	    {"[store]\nbackend = mysql\n",
	     "line 2: [store] backend: not sqlite or postgres: mysql"},
#ifdef POSSUM_HAVE_LIBPQ
	    {"[host]\n[store]\nbackend = postgres\n",
	     "line 3: [store] backend = postgres needs [store] postgres = CONNINFO"},
	    {"[store]\nbackend = postgres\npostgres = host=db1 port\n",
	     "line 3: [store] postgres: missing \"=\" after \"port\""},
	    {"[store]\nbackend = postgres\npostgres = host=db1 password=hunter2\n",
	     "line 3: [store] postgres: holds a password: give it in PGPASSFILE or PGPASSWORD"},
	    {"[store]\npostgres = postgresql://possum:hunter2@db1/possum\nbackend = postgres\n",
	     "line 2: [store] postgres: holds a password"},
#else
	    {"[store]\nbackend = postgres\n", "this possum was built without libpq"},
#endif
	};
	struct host_config cfg;
	char err[512];

	(void)state;
	assert_int_equal(load("[store]\nbackend = sqlite\n", &cfg, err, sizeof err),
	                 HOST_CONFIG_OK);
	assert_false(cfg.store_pg);
	assert_string_equal(cfg.store_name, "");
	host_config_free(&cfg);
	refused_each(cases, sizeof cases / sizeof cases[0]);
	for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
		assert_int_equal(load(cases[i].text, &cfg, err, sizeof err), HOST_CONFIG_EPARSE);
		assert_null(strstr(err, "hunter2"));
		host_config_free(&cfg);
	}
#ifdef POSSUM_HAVE_LIBPQ
	assert_int_equal(load("[store]\nbackend = postgres\npostgres = host=db1 dbname=possum\n",
	                      &cfg, err, sizeof err),
	                 HOST_CONFIG_OK);
	assert_true(cfg.store_pg);
	assert_string_equal(cfg.store_name, "postgres:host=db1 dbname=possum");
	host_config_free(&cfg);
	assert_int_equal(load("[store]\nbackend = postgres\npostgres = postgresql://db1/possum\n",
	                      &cfg, err, sizeof err),
	                 HOST_CONFIG_OK);
	assert_string_equal(cfg.store_name, "postgresql://db1/possum");
	host_config_free(&cfg);
#endif
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(defaults),         cmocka_unit_test(full_file),
	    cmocka_unit_test(acquirer_section), cmocka_unit_test(shipped_config),
	    cmocka_unit_test(refusals),         cmocka_unit_test(metrics_allow),
	    cmocka_unit_test(notify_section),   cmocka_unit_test(utc_offset),
	    cmocka_unit_test(relative_paths),   cmocka_unit_test(settle_section),
	    cmocka_unit_test(qr_section),       cmocka_unit_test(tls_keys),
	    cmocka_unit_test(routes_and_links), cmocka_unit_test(route_refusals),
	    cmocka_unit_test(store_section),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
