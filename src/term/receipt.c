/* receipt.c — the printed slip (签购单): the merchant's copy and the customer's, each in
 * Chinese and English, from a transaction's record (the PAN only masked). */
#include "term/internal.h"
#include "rcode/rcode.h"

#include <stdio.h>
#include <string.h>

static const char *const kind_zh[TERM_KINDS] = {
    [TERM_BALANCE] = "余额查询",      [TERM_PURCHASE] = "消费",
    [TERM_VOID] = "消费撤销",         [TERM_REFUND] = "退货",
    [TERM_PREAUTH] = "预授权",        [TERM_PREAUTH_CANCEL] = "预授权撤销",
    [TERM_COMPLETION] = "预授权完成", [TERM_COMPLETION_VOID] = "预授权完成撤销",
    [TERM_CARDAUTH] = "银行卡鉴权",
};

static void copy(const struct store_term_state *st, const struct store_term_txn *x, const char *zh,
                 const char *en, FILE *f)
{
	const char *rc_en, *rc_zh, *kzh = (unsigned)x->kind < TERM_KINDS ? kind_zh[x->kind] : NULL;
	long long a = (long long)x->amount;

	term_rc_text(x->rc, &rc_en, &rc_zh);
	fprintf(f, "POS签购单 / POS SALES SLIP — %s / %s\n", zh, en);
	fprintf(f, "商户编号 MERCHANT NO.: %s\n", st->mid);
	fprintf(f, "终端编号 TERMINAL NO.: %s\n", st->tid);
	fprintf(f, "卡号 CARD NO.: %s (%s)\n", x->masked,
	        x->entry[1] == '5'   ? "芯片 chip"
	        : x->entry[1] == '2' ? "磁条 swipe"
	                             : "手输 manual");
	fprintf(f, "交易类型 TRANS TYPE: %s %s\n", kzh != NULL ? kzh : "",
	        term_kind_name((enum term_kind)x->kind));
	fprintf(f, "批次号 BATCH NO.: %06d  凭证号 VOUCHER NO.: %06d\n", x->batch, x->stan);
	fprintf(f, "参考号 REF NO.: %s  授权码 AUTH NO.: %s\n", x->rrn[0] ? x->rrn : "-",
	        x->auth[0] ? x->auth : "-");
	fprintf(f, "日期/时间 DATE/TIME: %s %s\n", x->date[0] ? x->date : "-",
	        x->time[0] ? x->time : "-");
	fprintf(f, "金额 AMOUNT: CNY %s%lld.%02lld\n",
	        x->kind == TERM_VOID || x->kind == TERM_REFUND ? "-" : "", a / 100, a % 100);
	fprintf(f, "结果 RESULT: %s %s %s\n", x->rc[0] ? x->rc : "--", rc_zh, rc_en);
	if (x->status == STORE_TERM_REVERSAL || x->status == STORE_TERM_SENT)
		fprintf(f, "冲正待发 REVERSAL PENDING (%s)\n",
		        x->reason[0] ? x->reason : RCODE_ISSUER_TIMEOUT);
	else if (x->status == STORE_TERM_REVERSED)
		fprintf(f, "已冲正 REVERSED\n");
	if (x->arpc == 2)
		fprintf(f, "警告: 发卡行认证失败 WARNING: ISSUER AUTHENTICATION (ARPC) FAILED\n");
	if (strcmp(zh, "商户存根") == 0)
		fprintf(f, "持卡人签名 CARDHOLDER SIGNATURE:\n\n");
	fprintf(f, "本人确认以上交易, 同意将其记入本卡账户\n"
	           "I ACKNOWLEDGE SATISFACTORY RECEIPT OF RELATIVE GOODS/SERVICES\n");
}

void term_receipt(const struct store_term_state *st, const struct store_term_txn *x, FILE *f)
{
	copy(st, x, "商户存根", "MERCHANT COPY", f);
	fputs("----------------------------------------\n", f);
	copy(st, x, "持卡人存根", "CUSTOMER COPY", f);
}
