/* statement.c — a merchant's statement of a settlement date (settle_statement.h,
 * docs/settle.md "Statements"): built from the store as data — the day's lines with their
 * transactions, the merchant's totals and the payout that holds the day — then rendered as a
 * table for people, CSV, a printable HTML page or JSON, one renderer for the command line and
 * the API. */
#include "common/grow.h"
#include "settle/settle_statement.h"

#include <stdlib.h>
#include <string.h>

#include "common/html.h"
#include "common/jsonval.h"
#include "common/money.h"
#include "common/text.h"
#include "store/store_acquirer.h"

#define CNY 156

/* ---- building ---- */

struct collect {
	struct settle_statement *st;
	size_t cap;
};

static int add_line(void *ctx, const struct store_settle_stmt_line *l)
{
	struct collect *c = ctx;
	struct settle_statement *st = c->st;
	struct settle_figures *ch;

	struct store_settle_stmt_line *grown = grow_room(st->lines, st->n, &c->cap, sizeof *l, 64);

	if (grown == NULL)
		return 1;
	st->lines = grown;
	st->lines[st->n++] = *l;
	st->count++;
	st->amount += l->amount;
	st->fees += l->fee;
	st->net += l->net;
	ch = &st->channels[settle_channel_of(l->channel)];
	ch->count++;
	ch->amount += l->amount;
	ch->fees += l->fee;
	ch->net += l->net;
	return 0;
}

/* What became of the day of totals t: the payout that holds it, else the day owed. */
static int payout_of(store *s, const struct store_settle_total *t,
                     struct settle_statement_payout *p)
{
	struct store_settle_payout po;

	*p = (struct settle_statement_payout){.amount = t->net};
	snprintf(p->payout_date, sizeof p->payout_date, "%s", t->payout_date);
	snprintf(p->status, sizeof p->status, "owed");
	snprintf(p->reason, sizeof p->reason, "%s", t->reason);
	if (t->payout_id == 0)
		return SETTLE_OK;
	if (store_settle_payout_get(s, t->payout_id, &po) != STORE_OK)
		return SETTLE_ESTORE;
	p->payout_id = po.id;
	p->amount = po.amount;
	snprintf(p->payout_date, sizeof p->payout_date, "%s", po.date);
	snprintf(p->status, sizeof p->status, "%s", po.status);
	snprintf(p->reason, sizeof p->reason, "%s", po.reason);
	return SETTLE_OK;
}

/* A closed day's totals as the close kept them, and its payout. */
static int closed_totals(store *s, struct settle_statement *st)
{
	struct store_settle_stmt_key k = {st->date, st->mid};
	struct store_settle_total t;
	int rc = store_settle_total_get(s, &k, &t);

	if (rc == STORE_ENOTFOUND) /* nothing of the merchant's settled that day */
		return SETTLE_OK;
	if (rc != STORE_OK)
		return SETTLE_ESTORE;
	st->count = t.count, st->amount = t.amount, st->fees = t.fees, st->net = t.net;
	settle_total_channels(&t, st->channels);
	st->has_payout = true;
	return payout_of(s, &t, &st->payout);
}

int settle_statement_build(store *s, const char *mid, int32_t date, struct settle_statement *st)
{
	struct store_settle_stmt_key k = {st->date, st->mid};
	struct collect c = {st, 0};
	struct store_merchant m;
	struct store_settle_day day;
	int rc;

	*st = (struct settle_statement){0};
	if (settle_date_format(date, st->date) != SETTLE_OK)
		return SETTLE_EARG;
	if (mid == NULL || strlen(mid) >= sizeof st->mid)
		return SETTLE_ENOTFOUND;
	if ((rc = store_merchant_get(s, mid, &m)) != STORE_OK)
		return rc == STORE_ENOTFOUND ? SETTLE_ENOTFOUND : SETTLE_ESTORE;
	snprintf(st->mid, sizeof st->mid, "%s", mid);
	snprintf(st->merchant_name, sizeof st->merchant_name, "%s", m.name);
	if ((rc = store_settle_day_get(s, st->date, &day)) != STORE_OK && rc != STORE_ENOTFOUND)
		return SETTLE_ESTORE;
	st->closed = rc == STORE_OK && day.state == STORE_SETTLE_CLOSED;
	rc = st->closed ? store_settle_stmt_lines(s, &k, add_line, &c)
	                : store_settle_stmt_open(s, &k, add_line, &c);
	if (rc != STORE_OK)
		return SETTLE_ESTORE;
	return st->closed ? closed_totals(s, st) : SETTLE_OK;
}

void settle_statement_free(struct settle_statement *st)
{
	free(st->lines);
	st->lines = NULL;
	st->n = 0;
}

int settle_statement_balance(store *s, const char *mid, struct store_settle_balance *out)
{
	return store_settle_balance(s, mid, out) == STORE_OK ? SETTLE_OK : SETTLE_ESTORE;
}

int settle_statement_format_parse(const char *name, enum settle_statement_format *out)
{
	static const char *const names[] = {"text", "csv", "html", "json"};

	for (size_t i = 0; name != NULL && i < sizeof names / sizeof names[0]; i++)
		if (strcmp(name, names[i]) == 0) {
			*out = (enum settle_statement_format)i;
			return SETTLE_OK;
		}
	return SETTLE_EARG;
}

/* ---- JSON ---- */

/* A fee or net: money, or NULL (the key left out) while the day is open. */
static json_t *known(const struct settle_statement *st, int64_t minor)
{
	return st->closed ? jsonval_money(minor, CNY) : NULL;
}

static json_t *item_json(const struct settle_statement *st, const struct store_settle_stmt_line *l,
                         int utc_offset)
{
	return json_pack(
	    "{s:I, s:o, s:s, s:s, s:s, s:s?, s:s, s:s?, s:o, s:o*, s:o*, s:s}", "txn_id",
	    (json_int_t)l->txn_id, "at", jsonval_time(l->at, utc_offset), "tid", l->tid, "type",
	    l->type, "card", l->masked, "product", l->product[0] != '\0' ? l->product : NULL, "rrn",
	    l->rrn, "auth_code", l->auth_code[0] != '\0' ? l->auth_code : NULL, "amount",
	    jsonval_money(l->amount, CNY), "fee", known(st, l->fee), "net", known(st, l->net),
	    "channel", settle_channel_name(settle_channel_of(l->channel)));
}

/* {"count","amount","fees","net"} of figures f (fees and net left out while the day is open). */
static json_t *figures_json(const struct settle_statement *st, const struct settle_figures *f)
{
	return json_pack("{s:I, s:o, s:o*, s:o*}", "count", (json_int_t)f->count, "amount",
	                 jsonval_money(f->amount, CNY), "fees", known(st, f->fees), "net",
	                 known(st, f->net));
}

/* The day's totals, and each channel's under "channels". */
static json_t *totals_json(const struct settle_statement *st)
{
	struct settle_figures all = {st->count, st->amount, st->fees, st->net};
	json_t *t = figures_json(st, &all), *by = json_object();

	for (int i = 0; by != NULL && i < SETTLE_CHANNELS; i++)
		json_object_set_new(by, settle_channel_name(i), figures_json(st, &st->channels[i]));
	if (t == NULL || by == NULL || json_object_set_new(t, "channels", by) != 0) {
		json_decref(t);
		return NULL;
	}
	return t;
}

static json_t *payout_json(const struct settle_statement *st)
{
	const struct settle_statement_payout *p = &st->payout;

	if (!st->has_payout)
		return json_null();
	return json_pack("{s:o, s:s, s:s, s:s?, s:o}", "payout_id",
	                 p->payout_id != 0 ? json_integer(p->payout_id) : json_null(),
	                 "payout_date", p->payout_date, "status", p->status, "reason",
	                 p->reason[0] != '\0' ? p->reason : NULL, "amount",
	                 jsonval_money(p->amount, CNY));
}

json_t *settle_statement_json(const struct settle_statement *st, int utc_offset)
{
	json_t *items = json_array();

	for (size_t i = 0; items != NULL && i < st->n; i++)
		if (json_array_append_new(items, item_json(st, &st->lines[i], utc_offset)) != 0) {
			json_decref(items);
			return NULL;
		}
	return json_pack("{s:s, s:s, s:s, s:b, s:o, s:n, s:o, s:o}", "mid", st->mid,
	                 "merchant_name", st->merchant_name, "date", st->date, "closed", st->closed,
	                 "items", items, "next", "totals", totals_json(st), "payout",
	                 payout_json(st));
}

/* ---- CSV ---- */

/* A field as RFC 4180 writes it: quoted, its quotes doubled, when it holds a comma, a quote or
 * a line break. */
static void csv_field(FILE *f, const char *v, bool last)
{
	if (strpbrk(v, ",\"\r\n") == NULL) {
		fputs(v, f);
	} else {
		fputc('"', f);
		for (; *v != '\0'; v++) {
			if (*v == '"')
				fputc('"', f);
			fputc(*v, f);
		}
		fputc('"', f);
	}
	fputs(last ? "\r\n" : ",", f);
}

static void write_csv(const struct settle_statement *st, int utc_offset, FILE *f)
{
	char at[JSONVAL_TIME_LEN], amount[MONEY_TEXT_MAX], fee[MONEY_TEXT_MAX], net[MONEY_TEXT_MAX];

	fputs("time,tid,type,card,product,rrn,auth_code,amount,fee,net,channel\r\n", f);
	for (size_t i = 0; i < st->n; i++) {
		const struct store_settle_stmt_line *l = &st->lines[i];
		const char *fields[] = {at,
		                        l->tid,
		                        l->type,
		                        l->masked,
		                        l->product,
		                        l->rrn,
		                        l->auth_code,
		                        amount,
		                        fee,
		                        net,
		                        settle_channel_name(settle_channel_of(l->channel))};
		size_t n = sizeof fields / sizeof fields[0];

		jsonval_time_text(l->at, utc_offset, at);
		money_format(l->amount, CNY, amount);
		money_format(l->fee, CNY, fee);
		money_format(l->net, CNY, net);
		if (!st->closed)
			fee[0] = net[0] = '\0';
		for (size_t j = 0; j < n; j++)
			csv_field(f, fields[j], j + 1 == n);
	}
}

/* ---- text ---- */

/* The channels' names for people, beside "card" and "qr". */
static const char *const channel_zh[SETTLE_CHANNELS] = {"银行卡", "扫码"};

/* "3764.64 CNY", or "-" for a figure not known while the day is open. */
static const char *money_text(const struct settle_statement *st, int64_t minor, bool fee,
                              char out[MONEY_TEXT_MAX + 4])
{
	char v[MONEY_TEXT_MAX];

	if (fee && !st->closed)
		return "-";
	money_format(minor, CNY, v);
	snprintf(out, MONEY_TEXT_MAX + 4, "%s CNY", v);
	return out;
}

static void write_payout_text(const struct settle_statement *st, FILE *f)
{
	const struct settle_statement_payout *p = &st->payout;
	char amount[MONEY_TEXT_MAX + 4];

	if (!st->closed) {
		fprintf(f, "payout 结算: none yet, the day is not closed\n");
		return;
	}
	if (!st->has_payout) {
		fprintf(f, "payout 结算: none, nothing settled\n");
		return;
	}
	money_text(st, p->amount, false, amount);
	if (p->payout_id == 0)
		fprintf(f, "payout 结算: owed %s, due %s%s%s\n", amount, p->payout_date,
		        p->reason[0] != '\0' ? ", waiting: " : "", p->reason);
	else
		fprintf(f, "payout 结算: %lld %s %s (%s)%s%s\n", (long long)p->payout_id, p->status,
		        p->payout_date, amount, p->reason[0] != '\0' ? ", " : "", p->reason);
}

static void write_text(const struct settle_statement *st, int utc_offset, FILE *f)
{
	char at[TEXT_TIME_LEN], a[MONEY_TEXT_MAX + 4], b[MONEY_TEXT_MAX + 4], c[MONEY_TEXT_MAX + 4];

	fprintf(f, "statement 对账单  %s  %s  %s  %s\n", st->mid, st->merchant_name, st->date,
	        st->closed ? "closed" : "not closed: no fees yet");
	fprintf(f, "%-19s %-8s %-15s %-7s %-19s %-7s %-12s %-6s %16s %14s %16s\n", "TIME (LOCAL)",
	        "TID", "TYPE", "CHANNEL", "CARD", "PRODUCT", "RRN", "AUTH", "AMOUNT", "FEE", "NET");
	for (size_t i = 0; i < st->n; i++) {
		const struct store_settle_stmt_line *l = &st->lines[i];

		text_local(l->at, utc_offset, at);
		fprintf(f, "%-19s %-8s %-15s %-7s %-19s %-7s %-12s %-6s %16s %14s %16s\n", at,
		        l->tid, l->type, settle_channel_name(settle_channel_of(l->channel)),
		        l->masked, l->product[0] != '\0' ? l->product : "-", l->rrn,
		        l->auth_code[0] != '\0' ? l->auth_code : "-",
		        money_text(st, l->amount, false, a), money_text(st, l->fee, true, b),
		        money_text(st, l->net, true, c));
	}
	if (st->n == 0)
		fprintf(f, "none\n");
	fprintf(f, "total 合计: %lld transactions, amount %s, fees %s, net %s\n",
	        (long long)st->count, money_text(st, st->amount, false, a),
	        money_text(st, st->fees, true, b), money_text(st, st->net, true, c));
	for (int i = 0; i < SETTLE_CHANNELS; i++) {
		const struct settle_figures *ch = &st->channels[i];

		fprintf(f, "  %s %s: %lld transactions, amount %s, fees %s, net %s\n",
		        settle_channel_name(i), channel_zh[i], (long long)ch->count,
		        money_text(st, ch->amount, false, a), money_text(st, ch->fees, true, b),
		        money_text(st, ch->net, true, c));
	}
	write_payout_text(st, f);
}

/* ---- HTML ---- */

static const char html_head[] =
    "<!DOCTYPE html>\n<html lang=\"zh-CN\">\n<head>\n<meta charset=\"utf-8\">\n"
    "<style>\n"
    "@page { size: A4; margin: 15mm; }\n"
    "body { font-family: sans-serif; font-size: 9pt; color: #000; }\n"
    "h1 { font-size: 14pt; margin: 0 0 4pt; }\n"
    "table { width: 100%; border-collapse: collapse; }\n"
    "thead { display: table-header-group; }\n"
    "th, td { padding: 1pt 3pt; border-bottom: 0.5pt solid #bbb; text-align: left; "
    "white-space: nowrap; }\n"
    "th { border-bottom: 1pt solid #000; }\n"
    ".n { text-align: right; }\n"
    ".page.next { break-before: page; page-break-before: always; }\n"
    ".totals { margin-top: 8pt; }\n"
    "</style>\n";

static const char html_columns[] =
    "<thead><tr><th>时间 Time</th><th>终端 TID</th><th>类型 Type</th><th>渠道 Channel</th>"
    "<th>卡号 Card</th>"
    "<th>卡种 Product</th><th>参考号 RRN</th><th>授权码 Auth</th><th class=\"n\">金额 Amount</th>"
    "<th class=\"n\">手续费 Fee</th><th class=\"n\">净额 Net</th></tr></thead>\n";

static void html_cell(FILE *f, const char *v, bool number)
{
	fputs(number ? "<td class=\"n\">" : "<td>", f);
	html_escape(f, v[0] != '\0' ? v : "-");
	fputs("</td>", f);
}

static void html_row(const struct settle_statement *st, const struct store_settle_stmt_line *l,
                     int utc_offset, FILE *f)
{
	char at[TEXT_TIME_LEN], a[MONEY_TEXT_MAX + 4], b[MONEY_TEXT_MAX + 4], c[MONEY_TEXT_MAX + 4];

	text_local(l->at, utc_offset, at);
	fputs("<tr>", f);
	html_cell(f, at, false);
	html_cell(f, l->tid, false);
	html_cell(f, l->type, false);
	html_cell(f, settle_channel_name(settle_channel_of(l->channel)), false);
	html_cell(f, l->masked, false);
	html_cell(f, l->product, false);
	html_cell(f, l->rrn, false);
	html_cell(f, l->auth_code, false);
	html_cell(f, money_text(st, l->amount, false, a), true);
	html_cell(f, money_text(st, l->fee, true, b), true);
	html_cell(f, money_text(st, l->net, true, c), true);
	fputs("</tr>\n", f);
}

/* A row's figures: count, amount, fees, net; the row ended. */
static void html_figures(const struct settle_statement *st, const struct settle_figures *fig,
                         FILE *f)
{
	char a[MONEY_TEXT_MAX + 4], b[MONEY_TEXT_MAX + 4], c[MONEY_TEXT_MAX + 4];

	fprintf(f, "<td class=\"n\">%lld</td>", (long long)fig->count);
	html_cell(f, money_text(st, fig->amount, false, a), true);
	html_cell(f, money_text(st, fig->fees, true, b), true);
	html_cell(f, money_text(st, fig->net, true, c), true);
	fputs("</tr>\n", f);
}

static void html_totals(const struct settle_statement *st, FILE *f)
{
	char *payout = NULL;
	size_t len = 0;
	FILE *m = open_memstream(&payout, &len);

	if (m != NULL) {
		write_payout_text(st, m);
		fclose(m);
	}
	fprintf(f, "<table class=\"totals\"><tr><th>合计 Total</th><th class=\"n\">笔数 Count</th>"
	           "<th class=\"n\">金额 Amount</th><th class=\"n\">手续费 Fees</th>"
	           "<th class=\"n\">净额 Net</th></tr>\n<tr><td></td>");
	html_figures(st, &(struct settle_figures){st->count, st->amount, st->fees, st->net}, f);
	for (int i = 0; i < SETTLE_CHANNELS; i++) {
		fprintf(f, "<tr><td>%s %s</td>", channel_zh[i], settle_channel_name(i));
		html_figures(st, &st->channels[i], f);
	}
	fputs("</table>\n<p class=\"payout\">", f);
	html_escape(f, payout != NULL ? payout : "");
	fputs("</p>\n", f);
	free(payout);
}

static void write_html(const struct settle_statement *st, int utc_offset, FILE *f)
{
	fputs(html_head, f);
	fputs("<title>对账单 Statement ", f);
	html_escape(f, st->mid);
	fprintf(f, " %s</title>\n</head>\n<body>\n<h1>对账单 Statement</h1>\n<p>", st->date);
	html_escape(f, st->merchant_name);
	fprintf(f, " &middot; MID %s &middot; 结算日 settlement date %s &middot; %s</p>\n", st->mid,
	        st->date, st->closed ? "closed" : "not closed: no fees yet");
	for (size_t i = 0; i == 0 || i < st->n; i += SETTLE_STATEMENT_PAGE_LINES) {
		fprintf(f, "<section class=\"page%s\">\n<table>\n", i == 0 ? "" : " next");
		fputs(html_columns, f);
		fputs("<tbody>\n", f);
		for (size_t j = i; j < st->n && j < i + SETTLE_STATEMENT_PAGE_LINES; j++)
			html_row(st, &st->lines[j], utc_offset, f);
		if (st->n == 0)
			fputs("<tr><td colspan=\"11\">none</td></tr>\n", f);
		fputs("</tbody>\n</table>\n</section>\n", f);
	}
	html_totals(st, f);
	fputs("</body>\n</html>\n", f);
}

int settle_statement_write(const struct settle_statement *st, enum settle_statement_format format,
                           int utc_offset, FILE *f)
{
	json_t *j;
	char *text;

	switch (format) {
	case SETTLE_STATEMENT_TEXT:
		write_text(st, utc_offset, f);
		break;
	case SETTLE_STATEMENT_CSV:
		write_csv(st, utc_offset, f);
		break;
	case SETTLE_STATEMENT_HTML:
		write_html(st, utc_offset, f);
		break;
	case SETTLE_STATEMENT_JSON:
		j = settle_statement_json(st, utc_offset);
		text = j != NULL ? json_dumps(j, JSON_COMPACT) : NULL;
		json_decref(j);
		if (text == NULL)
			return SETTLE_EIO;
		fprintf(f, "%s\n", text);
		free(text);
		break;
	}
	return ferror(f) ? SETTLE_EIO : SETTLE_OK;
}
