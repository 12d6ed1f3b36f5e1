/* receipt.c — the printed slip (签购单): the merchant's copy and the customer's, each in
 * Chinese and English, from a transaction's record (the PAN only masked), as CUP slips are: the
 * merchant's name (from sign-in), the host's local date with its year (the terminal's own local
 * time when its parameters downloaded one: utc_offset), and for chip cards the
 * application (AID, label) and its cryptogram (the TC, else the ARQC). A QR payment's (扫码支付)
 * shows its payment code masked, or the card that paid the terminal's static code. A stand-in
 * approval (the acquirer's, in the issuer's name: docs/links.md) says so under its auth code. */
#include "term/internal.h"
#include "rcode/rcode.h"

#include <stdio.h>
#include <string.h>
#include <time.h>

#include "common/hex.h"
#include "tlv/tlv.h"

static const char *const kind_zh[TERM_KINDS] = {
    [TERM_BALANCE] = "余额查询",      [TERM_PURCHASE] = "消费",
    [TERM_VOID] = "消费撤销",         [TERM_REFUND] = "退货",
    [TERM_PREAUTH] = "预授权",        [TERM_PREAUTH_CANCEL] = "预授权撤销",
    [TERM_COMPLETION] = "预授权完成", [TERM_COMPLETION_VOID] = "预授权完成撤销",
    [TERM_CARDAUTH] = "银行卡鉴权",   [TERM_QR_PAY] = "扫码支付",
    [TERM_QR_REFUND] = "扫码退货",    [TERM_QR_RESULT] = "扫码支付 (商户码)",
};

/* The QR kinds' names on a slip, for people (term_kind_name() is the commands' name). */
static const char *const kind_en[TERM_KINDS] = {
    [TERM_QR_PAY] = "QR PAYMENT",
    [TERM_QR_REFUND] = "QR REFUND",
    [TERM_QR_RESULT] = "QR PAYMENT (STATIC CODE)",
};

/* The line of the card: its masked PAN and how it was read; a QR payment's code (masked 6 + 4)
 * or, paid by the static code, the card that paid. */
static void card_line(const struct store_term_txn *x, FILE *f)
{
	const char *masked = x->masked[0] != '\0' ? x->masked : "-";

	if (x->kind == TERM_QR_PAY || x->kind == TERM_QR_REFUND)
		fprintf(f, "付款码 PAYMENT CODE: %s (扫码 QR)\n", masked);
	else if (x->kind == TERM_QR_RESULT)
		fprintf(f, "卡号 CARD NO.: %s (扫码 QR)\n", masked);
	else
		fprintf(f, "卡号 CARD NO.: %s (%s)\n", masked,
		        x->entry[1] == '5'   ? "芯片 chip"
		        : x->entry[1] == '2' ? "磁条 swipe"
		                             : "手输 manual");
}

/* The answer's date (13, MMDD) and time (12) with the year the terminal's clock (x->at) gives:
 * "2026-12-06 10:30:00". A date of January made in the clock's December is of the next year, one
 * of December in its January of the one before (the host's zone is not the clock's). A
 * downloaded utc_offset (slip) moves it from the host's offset (st's, the sign-in's) to its. */
static void slip_time(const struct store_term_state *st, const struct term_slip *slip,
                      const struct store_term_txn *x, char out[32])
{
	time_t at = (time_t)x->at;
	struct tm tm;
	int year;

	if (slip != NULL && slip->local &&
	    term_clock_shift(x->date, x->time, x->at, st->utc_offset, slip->utc_offset, &tm) ==
	        TERM_OK) {
		strftime(out, 32, "%Y-%m-%d %H:%M:%S", &tm);
		return;
	}
	if (strlen(x->date) != 4 || strlen(x->time) != 6 || gmtime_r(&at, &tm) == NULL) {
		snprintf(out, 32, "%s %s", x->date[0] ? x->date : "-", x->time[0] ? x->time : "-");
		return;
	}
	year = term_clock_year(x->date, &tm);
	snprintf(out, 32, "%04d-%.2s-%.2s %.2s:%.2s:%.2s", year % 10000, x->date, x->date + 2,
	         x->time, x->time + 2, x->time + 4);
}

/* A chip card's application and cryptogram: the TC of an approval, else the request's ARQC. */
static void chip_lines(const struct store_term_txn *x, FILE *f)
{
	char arqc[17] = "";
	tlv v;

	if (x->aid[0] == '\0')
		return;
	fprintf(f, "AID: %s  应用标签 APP LABEL: %s\n", x->aid, x->label);
	if (x->tc[0] != '\0') {
		fprintf(f, "TC: %s\n", x->tc);
	} else if (tlv_find(x->icc, x->icc_len, 0x9F26, &v) == TLV_OK && v.len == 8) {
		hex_encode(v.value, v.len, arqc, sizeof arqc);
		fprintf(f, "ARQC: %s\n", arqc);
	}
}

static void copy(const struct store_term_state *st, const struct term_slip *slip,
                 const struct store_term_txn *x, const char *zh, const char *en, FILE *f)
{
	bool known = (unsigned)x->kind < TERM_KINDS;
	const char *rc_en, *rc_zh, *kzh = known ? kind_zh[x->kind] : NULL;
	const char *ken = known ? kind_en[x->kind] : NULL;
	long long a = (long long)x->amount;
	char when[32];

	term_rc_text(x->rc, &rc_en, &rc_zh);
	slip_time(st, slip, x, when);
	if (slip != NULL && slip->header[0] != '\0')
		fprintf(f, "%s\n", slip->header);
	fprintf(f, "POS签购单 / POS SALES SLIP — %s / %s\n", zh, en);
	fprintf(f, "商户名称 MERCHANT NAME: %s\n",
	        slip != NULL && slip->name[0] != '\0' ? slip->name
	        : st->merchant_name[0]                ? st->merchant_name
	                                              : "-");
	fprintf(f, "商户编号 MERCHANT NO.: %s\n", st->mid);
	fprintf(f, "终端编号 TERMINAL NO.: %s\n", st->tid);
	card_line(x, f);
	fprintf(f, "交易类型 TRANS TYPE: %s %s\n", kzh != NULL ? kzh : "",
	        ken != NULL ? ken : term_kind_name((enum term_kind)x->kind));
	if (x->batch == 0) /* paid by the static code: the host's, outside the batch */
		fprintf(f, "批次号 BATCH NO.: -  凭证号 VOUCHER NO.: -\n");
	else
		fprintf(f, "批次号 BATCH NO.: %06d  凭证号 VOUCHER NO.: %06d\n", x->batch, x->stan);
	fprintf(f, "参考号 REF NO.: %s  授权码 AUTH NO.: %s\n", x->rrn[0] ? x->rrn : "-",
	        x->auth[0] ? x->auth : "-");
	if (x->stand_in)
		fprintf(f, "代授权 STAND-IN (收单机构代发卡行授权 APPROVED BY THE ACQUIRER FOR THE "
		           "ISSUER)\n");
	fprintf(f, "日期/时间 DATE/TIME: %s\n", when);
	fprintf(f, "金额 AMOUNT: CNY %s%lld.%02lld\n",
	        x->kind == TERM_VOID || x->kind == TERM_REFUND || x->kind == TERM_QR_REFUND ? "-"
	                                                                                    : "",
	        a / 100, a % 100);
	fprintf(f, "结果 RESULT: %s %s %s\n", x->rc[0] ? x->rc : "--", rc_zh, rc_en);
	chip_lines(x, f);
	if (x->status == STORE_TERM_REVERSAL || x->status == STORE_TERM_SENT)
		fprintf(f, "冲正待发 REVERSAL PENDING (%s)\n",
		        x->reason[0] ? x->reason : RCODE_ISSUER_TIMEOUT);
	else if (x->status == STORE_TERM_REVERSED)
		fprintf(f, "已冲正 REVERSED\n");
	if (x->arpc == 2)
		fprintf(f, "警告: 发卡行认证失败 WARNING: ISSUER AUTHENTICATION (ARPC) FAILED\n");
	if (strcmp(zh, "商户存根") == 0 && ken == NULL) /* not QR: the wallet confirmed it */
		fprintf(f, "持卡人签名 CARDHOLDER SIGNATURE:\n\n");
	fprintf(f, "本人确认以上交易, 同意将其记入本卡账户\n"
	           "I ACKNOWLEDGE SATISFACTORY RECEIPT OF RELATIVE GOODS/SERVICES\n");
	if (slip != NULL && slip->footer[0] != '\0')
		fprintf(f, "%s\n", slip->footer);
}

void term_receipt(const struct store_term_state *st, const struct term_slip *slip,
                  const struct store_term_txn *x, FILE *f)
{
	copy(st, slip, x, "商户存根", "MERCHANT COPY", f);
	fputs("----------------------------------------\n", f);
	copy(st, slip, x, "持卡人存根", "CUSTOMER COPY", f);
}
