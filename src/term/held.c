/* held.c — what the terminal holds of its downloads (docs/tms.md "Downloads"): a set as kept,
 * an applied parameter by its tag, what the parameters put on a slip, whether they permit a
 * transaction (its type, its amount, a credit card without its PIN), the host addresses and
 * timeouts they give its connection, how often it sends a reversal, and its local time (the
 * downloaded utc_offset, else the sign-in's: clock.c). */
#include "term/internal.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

int term_tms_get(term *t, enum tms_set set, struct store_term_tms *out)
{
	int rc;

	memset(out, 0, sizeof *out);
	if (tms_set_name(set) == NULL)
		return TERM_EARG;
	snprintf(out->name, sizeof out->name, "%s", tms_set_name(set));
	rc = store_term_tms_get(t->s, out);
	if (rc == STORE_ENOTFOUND) {
		memset(out, 0, sizeof *out);
		snprintf(out->name, sizeof out->name, "%s", tms_set_name(set));
		return TERM_OK;
	}
	return rc == STORE_OK ? TERM_OK : TERM_ESTORE; /* not term_from_store(): state.c calls us */
}

/* ---- what the applied parameters say ---- */

int term_param(term *t, const char *tag, char *out, size_t cap)
{
	struct store_term_tms *row = malloc(sizeof *row);
	const uint8_t *v;
	size_t at = 0, n;
	char got[3];
	int rc;

	out[0] = '\0';
	if (row == NULL)
		return TERM_ESTORE;
	if ((rc = term_tms_get(t, TMS_SET_PARAMS, row)) == TERM_OK) {
		rc = TERM_ENOTFOUND;
		while (tms_item_get(row->items, row->items_len, &at, got, &v, &n) == TMS_OK)
			if (strcmp(got, tag) == 0 && n < cap) {
				memcpy(out, v, n);
				out[n] = '\0';
				rc = TERM_OK;
				break;
			}
	}
	free(row);
	return rc;
}

/* The name merchant limits give a kind's type (docs/tms.md "types"); NULL: always taken. */
static const char *limits_type(enum term_kind kind)
{
	switch (kind) {
	case TERM_PURCHASE:
	case TERM_QR_PAY:
		return "purchase";
	case TERM_VOID:
		return "void";
	case TERM_REFUND:
	case TERM_QR_REFUND:
		return "refund";
	case TERM_PREAUTH:
	case TERM_PREAUTH_CANCEL:
	case TERM_COMPLETION:
	case TERM_COMPLETION_VOID:
		return "preauth";
	case TERM_BALANCE:
		return "balance";
	case TERM_CARDAUTH:
		return "cardauth";
	default:
		return NULL;
	}
}

/* Whether card is a credit card: its file's product credit, or a chip application of
 * UnionPay credit (A000000333010102) or quasi-credit (…0103). */
static bool is_credit(const struct term_card *card)
{
	return card->credit || (card->chip && (strncmp(card->aid, "A000000333010102", 16) == 0 ||
	                                       strncmp(card->aid, "A000000333010103", 16) == 0));
}

/* pin_credit (PC) 1: a credit card's purchase or pre-authorization without its PIN is refused
 * (why said); TERM_OK otherwise. */
static int credit_pin(term *t, const struct term_request *req, char *why, size_t cap)
{
	char pc[4];

	if ((req->kind != TERM_PURCHASE && req->kind != TERM_PREAUTH) || req->card == NULL ||
	    req->pin != NULL || !is_credit(req->card) ||
	    term_param(t, "PC", pc, sizeof pc) != TERM_OK || strcmp(pc, "1") != 0)
		return TERM_OK;
	snprintf(why, cap,
	         "a credit card needs its PIN at this terminal (pin_credit): enter it (--pin PIN); "
	         "贷记卡需输入密码");
	return TERM_EREFUSED;
}

int term_params_permit(term *t, const struct term_request *req, char *why, size_t cap)
{
	char types[TMS_VALUE_MAX + 3], max[32], want[16];
	const char *name = limits_type(req->kind);
	int64_t limit, amount = req->amount;

	if (name != NULL && term_param(t, "TX", types + 1, sizeof types - 2) == TERM_OK) {
		types[0] = ',';
		strcat(types, ",");
		snprintf(want, sizeof want, ",%s,", name);
		if (strstr(types, want) == NULL) {
			snprintf(
			    why, cap,
			    "%s is not among this terminal's transactions (%s); 本终端不支持该交易",
			    name, types[1] != ',' ? types + 1 : "none");
			return TERM_EREFUSED;
		}
	}
	if (amount > 0 && term_param(t, "MX", max, sizeof max) == TERM_OK &&
	    (limit = term_digits(max, strlen(max))) > 0 && amount > limit) {
		snprintf(why, cap,
		         "the amount %lld is above this terminal's limit %lld (minor units); "
		         "金额超过本终端单笔限额",
		         (long long)amount, (long long)limit);
		return TERM_EREFUSED;
	}
	return credit_pin(t, req, why, cap);
}

int term_slip_get(term *t, struct term_slip *out)
{
	char language[8];

	memset(out, 0, sizeof *out);
	if (term_param(t, "LG", language, sizeof language) == TERM_OK &&
	    strcmp(language, "en") == 0)
		term_param(t, "ME", out->name, sizeof out->name);
	if (out->name[0] == '\0')
		term_param(t, "MZ", out->name, sizeof out->name);
	term_param(t, "RH", out->header, sizeof out->header);
	term_param(t, "RF", out->footer, sizeof out->footer);
	out->local = term_held_utc_offset(t, &out->utc_offset) == TERM_OK;
	return TERM_OK;
}

/* host appended to hosts (*n so far) unless empty, too long or there already. */
static void add_host(char hosts[TERM_HOSTS][256], size_t *n, const char *host)
{
	for (size_t i = 0; i < *n; i++)
		if (strcmp(hosts[i], host) == 0)
			return;
	if (host[0] != '\0' && strlen(host) < 256 && *n < TERM_HOSTS)
		snprintf(hosts[(*n)++], 256, "%s", host);
}

int term_held_hosts(term *t, char hosts[TERM_HOSTS][256], size_t *n, int *connect_ms)
{
	char v[TMS_VALUE_MAX + 1];
	int64_t secs;

	*n = 0;
	if (term_param(t, "H1", v, sizeof v) == TERM_OK)
		add_host(hosts, n, v);
	if (term_param(t, "H2", v, sizeof v) == TERM_OK)
		add_host(hosts, n, v);
	add_host(hosts, n, t->st.host); /* its own, last: a wrong address is never a dead end */
	*connect_ms = t->timeout_ms;
	if (term_param(t, "CT", v, sizeof v) == TERM_OK && (secs = term_digits(v, strlen(v))) > 0)
		*connect_ms = (int)secs * 1000;
	return TERM_OK;
}

void term_held_answer_timeout(term *t)
{
	char v[16];
	int64_t secs;

	if (term_param(t, "AT", v, sizeof v) == TERM_OK && (secs = term_digits(v, strlen(v))) > 0)
		t->timeout_ms = (int)secs * 1000;
}

int term_held_reversal_tries(term *t)
{
	char v[4];
	int64_t n;

	if (term_param(t, "RR", v, sizeof v) == TERM_OK && strlen(v) == 1 &&
	    (n = term_digits(v, 1)) >= 1)
		return (int)n;
	return TERM_REVERSAL_TRIES;
}

int term_held_utc_offset(term *t, int *minutes)
{
	char v[8];
	int64_t h, m;

	if (term_param(t, "UO", v, sizeof v) != TERM_OK || strlen(v) != 6 ||
	    (v[0] != '+' && v[0] != '-') || v[3] != ':' || (h = term_digits(v + 1, 2)) < 0 ||
	    (m = term_digits(v + 4, 2)) < 0 || m > 59 || h * 60 + m > TERM_CLOCK_MAX)
		return TERM_ENOTFOUND;
	*minutes = (int)((v[0] == '-' ? -1 : 1) * (h * 60 + m));
	return TERM_OK;
}

int term_clock_minutes(term *t)
{
	int minutes;

	return term_held_utc_offset(t, &minutes) == TERM_OK ? minutes : t->st.utc_offset;
}

void term_clock_now(term *t, struct tm *out)
{
	time_t at = time(NULL) + (time_t)term_clock_minutes(t) * 60;

	gmtime_r(&at, out);
}
