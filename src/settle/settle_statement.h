/* settle_statement.h — a merchant's statement of a settlement date (docs/settle.md
 * "Statements"): every transaction of the day with its fee and net, the day's totals, and the
 * payout that holds the day with its state. Built once as data (settle_statement_build()),
 * rendered as text, CSV, HTML or JSON by the same code for `possum admin statement` and the
 * API (GET /api/v1/merchants/{mid}/statements/{date}).
 *
 * A day not yet closed has no fees yet: its statement lists the approved payments so far
 * (as the close will take them), their fee and net unknown, and says it is not closed. Each
 * line says its channel (card or qr, docs/qr.md) and the totals are also given by channel.
 *
 * Also a merchant's sums across days for its balance (settle_statement_balance()). Reads the
 * store only; returns SETTLE_OK or a SETTLE_E* code (settle.h; SETTLE_ENOTFOUND: no such
 * merchant). */
#ifndef POSSUM_SETTLE_STATEMENT_H
#define POSSUM_SETTLE_STATEMENT_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

#include <jansson.h>

#include "settle/settle.h"
#include "settle/settle_close.h"
#include "store/store.h"
#include "store/store_settle.h"

/* The HTML version's lines on one A4 page. */
#define SETTLE_STATEMENT_PAGE_LINES 40

/* The payout that holds the day, or, while none does, the day owed. */
struct settle_statement_payout {
	int64_t payout_id;    /* 0: owed, no payout holds it */
	char payout_date[11]; /* the payout's run date; owed: when it is due */
	char status[8];       /* made, paid, failed; or owed */
	char reason[32];      /* failed's, or why an owed day waits ("" none) */
	int64_t amount;       /* the payout's (of all its days), fen; owed: the day's net */
};

struct settle_statement {
	char mid[16], merchant_name[129], date[SETTLE_DATE_TEXT];
	bool closed; /* the day is closed: fees, nets and the payout known */
	struct store_settle_stmt_line *lines; /* n of them, by transaction id */
	size_t n;
	int64_t count, amount, fees, net; /* the day's totals, fen (fees and net 0 while open) */
	struct settle_figures channels[SETTLE_CHANNELS]; /* the same by channel: card, qr */
	bool has_payout; /* closed with lines: payout says what became of it */
	struct settle_statement_payout payout;
};

/* Builds merchant mid's statement of date (YYYYMMDD) into *st (freed by
 * settle_statement_free(), also on failure): SETTLE_OK, SETTLE_ENOTFOUND, SETTLE_ESTORE, or
 * SETTLE_EARG (a bad date). */
int settle_statement_build(store *s, const char *mid, int32_t date, struct settle_statement *st);
void settle_statement_free(struct settle_statement *st);

enum settle_statement_format {
	SETTLE_STATEMENT_TEXT,
	SETTLE_STATEMENT_CSV,
	SETTLE_STATEMENT_HTML,
	SETTLE_STATEMENT_JSON,
};
/* "text", "csv", "html", "json" → *out: SETTLE_OK or SETTLE_EARG. */
int settle_statement_format_parse(const char *name, enum settle_statement_format *out);

/* {"mid","merchant_name","date","closed","items":[{"txn_id","at","tid","type","card",
 * "product","rrn","auth_code","amount","fee","net","channel"}],"next":null,"totals":{"count",
 * "amount","fees","net","channels":{"card":{"count","amount","fees","net"},"qr":{…}}},
 * "payout":{"payout_id","payout_date","status","reason","amount"} or null}: money objects
 * (jsonval_money), times RFC 3339 at utc_offset; fee, net, fees and net left out while the day
 * is open (not yet known). NULL when out of memory. */
json_t *settle_statement_json(const struct settle_statement *st, int utc_offset);

/* Writes st in format to f: text (a table for people, local times, the totals and then each
 * channel's), csv (a header line and a line a transaction, RFC 4180: CRLF, fields quoted when
 * they hold a comma, a quote or a line break; amounts in yuan "3764.64", times RFC 3339, the
 * channel last), html (a page to print: A4, a table of SETTLE_STATEMENT_PAGE_LINES lines a
 * page, its header on each, the totals, each channel's and the payout at the end, text
 * escaped) or json (settle_statement_json() and a newline). SETTLE_OK, or SETTLE_EIO when
 * writing failed. */
int settle_statement_write(const struct settle_statement *st, enum settle_statement_format format,
                           int utc_offset, FILE *f);

/* Merchant mid's balance: its sums across days (store_settle_balance()): SETTLE_OK,
 * SETTLE_ESTORE. */
int settle_statement_balance(store *s, const char *mid, struct store_settle_balance *out);

#endif
