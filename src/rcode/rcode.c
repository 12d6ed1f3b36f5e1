/* rcode.c — the one table of response codes (rcode.h). Categories and actions follow
 * docs/cup-pos.md: the host's own refusals (the terminal, the message, a policy) are HOST, the
 * issuer's decisions on the card and account ISSUER; SIGN_IN where the terminal's keys or batch
 * are out of step, REVERSE where the terminal cannot know whether money moved (98: the issuer
 * did not answer the acquirer in time). */
#include "rcode/rcode.h"

#include <assert.h>
#include <string.h>

#define APPROVED RCODE_CAT_APPROVED
#define ISSUER   RCODE_CAT_ISSUER
#define HOST     RCODE_CAT_HOST
#define SYSTEM   RCODE_CAT_SYSTEM
#define NONE     RCODE_ACT_NONE
#define RETRY    RCODE_ACT_RETRY
#define SIGN_IN  RCODE_ACT_SIGN_IN
#define REFER    RCODE_ACT_REFER
#define REVERSE  RCODE_ACT_REVERSE
#define AUTH     RCODE_ACT_AUTHENTICATE
#define UPDATE   RCODE_ACT_UPDATE

static const struct rcode_info table[] = {
    /* code                         category  action   English / 中文 */
    {RCODE_APPROVED, APPROVED, NONE, "approved", "交易成功"},
    {RCODE_REFER_ISSUER, ISSUER, REFER, "refer to issuer", "请持卡人与发卡行联系"},
    {RCODE_INVALID_MERCHANT, HOST, NONE, "invalid merchant", "无效商户"},
    {RCODE_PICK_UP, ISSUER, NONE, "pick up card", "没收卡"},
    {RCODE_HOLDER_AUTH_FAILED, ISSUER, NONE, "cardholder authentication failed", "持卡人认证失败"},
    {RCODE_INVALID_TXN, HOST, NONE, "invalid transaction", "无效交易"},
    {RCODE_INVALID_AMOUNT, HOST, NONE, "invalid amount", "无效金额"},
    {RCODE_INVALID_CARD, ISSUER, NONE, "invalid card number", "无效卡号"},
    {RCODE_NO_ISSUER, HOST, NONE, "no such issuer", "无此发卡方"},
    {RCODE_OPERATOR_ERROR, HOST, NONE, "suspected operator error", "操作有误"},
    {RCODE_ORIGINAL_NOT_FOUND, ISSUER, NONE, "original transaction not found", "未能找到原始交易"},
    {RCODE_FORMAT_ERROR, HOST, NONE, "format error", "报文格式错误"},
    {RCODE_LOST_CARD, ISSUER, NONE, "lost card", "挂失卡"},
    {RCODE_STOLEN_CARD, ISSUER, NONE, "stolen card", "被窃卡"},
    {RCODE_INSUFFICIENT_FUNDS, ISSUER, NONE, "insufficient funds", "余额不足"},
    {RCODE_EXPIRED_CARD, ISSUER, NONE, "expired card", "过期卡"},
    {RCODE_WRONG_PIN, ISSUER, NONE, "wrong PIN", "密码错"},
    {RCODE_NOT_PERMITTED_CARD, ISSUER, NONE, "not permitted for this card",
     "不允许持卡人进行的交易"},
    {RCODE_NOT_PERMITTED_TERMINAL, HOST, NONE, "not permitted on this terminal",
     "不允许终端进行的交易"},
    {RCODE_CARD_VERIFICATION, ISSUER, NONE, "card verification error", "卡片校验错"},
    {RCODE_AMOUNT_LIMIT, ISSUER, NONE, "amount over limit", "超出金额限制"},
    {RCODE_RESTRICTED_CARD, ISSUER, NONE, "restricted card", "受限制的卡"},
    {RCODE_AMOUNT_DIFFERS, ISSUER, NONE, "amount differs from original", "金额不符"},
    {RCODE_COUNT_LIMIT, ISSUER, NONE, "over count limit", "超出取款次数限制"},
    {RCODE_PIN_TRIES_EXCEEDED, ISSUER, NONE, "PIN tries exceeded", "密码错误次数超限"},
    {RCODE_BATCH_DIFFERS, HOST, SIGN_IN, "batch differs, sign in again", "批次号不符,请重新签到"},
    {RCODE_CUTOVER, SYSTEM, RETRY, "day-end cut-over in progress", "日切进行中"},
    {RCODE_ISSUER_INOPERATIVE, SYSTEM, RETRY, "issuer inoperative", "发卡方不能操作"},
    {RCODE_ISSUER_UNREACHABLE, SYSTEM, RETRY, "issuer unreachable", "发卡方线路异常"},
    {RCODE_DUPLICATE, HOST, NONE, "duplicate transaction", "重复交易"},
    {RCODE_SYSTEM_FAULT, SYSTEM, RETRY, "system fault", "系统故障"},
    {RCODE_TERMINAL_UNKNOWN, HOST, NONE, "terminal not registered", "终端未登记"},
    {RCODE_ISSUER_TIMEOUT, SYSTEM, REVERSE, "issuer timeout", "发卡方超时"},
    {RCODE_PIN_FORMAT, HOST, SIGN_IN, "PIN format error, sign in again", "PIN格式错,请重新签到"},
    {RCODE_MAC_ERROR, HOST, SIGN_IN, "MAC error, sign in again", "MAC校验错,请重新签到"},
    {RCODE_CARDAUTH_REQUIRED, HOST, AUTH, "card authentication required", "请先进行银行卡鉴权"},
    {RCODE_CARDAUTH_INVALID, HOST, AUTH, "card authentication no longer valid",
     "银行卡鉴权已失效,请重新鉴权"},
    {RCODE_QR_UNKNOWN, ISSUER, NONE, "unknown payment code", "付款码无效"},
    {RCODE_QR_EXPIRED, ISSUER, NONE, "payment code expired, show a new one", "付款码已过期,请刷新"},
    {RCODE_QR_USED, ISSUER, NONE, "payment code already used", "付款码已使用"},
    {RCODE_QR_OTHER_ACCOUNT, ISSUER, NONE, "payment code of another account", "付款码与账户不符"},
    {RCODE_UPDATE_REQUIRED, HOST, UPDATE, "software update required", "终端软件需更新"},
};

static const struct rcode_info unknown = {"", SYSTEM, NONE, "unknown response code", "未知应答码"};

const struct rcode_info *rcode_find(const char *code)
{
	for (size_t i = 0; code != NULL && i < sizeof table / sizeof table[0]; i++)
		if (strcmp(code, table[i].code) == 0)
			return &table[i];
	return &unknown;
}

bool rcode_approved(const char *code)
{
	return code != NULL && strcmp(code, RCODE_APPROVED) == 0;
}

const char *rcode_category_name(enum rcode_category c)
{
	static const char *const names[] = {"approved", "issuer", "host", "system"};

	assert((unsigned)c < sizeof names / sizeof names[0]);
	return names[c];
}

const char *rcode_action_name(enum rcode_action a)
{
	static const char *const names[] = {"none",    "retry",        "sign_in", "refer",
	                                    "reverse", "authenticate", "update"};

	assert((unsigned)a < sizeof names / sizeof names[0]);
	return names[a];
}

int rcode_each(int (*fn)(void *ctx, const struct rcode_info *info), void *ctx)
{
	int rc;

	for (size_t i = 0; i < sizeof table / sizeof table[0]; i++)
		if ((rc = fn(ctx, &table[i])) != 0)
			return rc;
	return 0;
}
