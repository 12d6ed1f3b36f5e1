/* notice.c — what the issuer tells a cardholder once a decision is made: the text of an
 * approved financial outcome, into the notify outbox in the caller's transaction (it exists
 * exactly when the outcome does), and a card authentication's one-time code, sent to the
 * reserved phone after the caller's commit. */
#include "issuer/internal.h"

#include <assert.h>
#include <stdio.h>
#include <string.h>

#include "crypto/crypto.h"
#include "notify/notify.h"

int issuer_notify(issuer *is, const struct request *req, const struct issuer_response *resp,
                  int64_t now)
{
	static const enum notify_kind kinds[] = {
	    [REQUEST_PREAUTH] = NOTIFY_PREAUTH,
	    [REQUEST_PREAUTH_CANCEL] = NOTIFY_PREAUTH_CANCEL,
	    [REQUEST_COMPLETION] = NOTIFY_COMPLETION,
	    [REQUEST_COMPLETION_VOID] = NOTIFY_COMPLETION_VOID,
	    [REQUEST_PURCHASE] = NOTIFY_PURCHASE,
	    [REQUEST_VOID] = NOTIFY_VOID,
	    [REQUEST_REFUND] = NOTIFY_REFUND,
	    [REQUEST_REVERSAL] = NOTIFY_REVERSAL,
	};
	struct notify_message m = {0};
	int rc;

	if (is == NULL || req == NULL || resp == NULL)
		return ISSUER_EARG;
	if (!resp->notify || (size_t)req->type >= sizeof kinds / sizeof kinds[0] ||
	    kinds[req->type] == 0)
		return ISSUER_OK;
	assert(store_depth(is->s) > 0); /* with the decision, in the caller's transaction */
	m.kind = kinds[req->type];
	m.last4 = resp->last4;
	m.merchant = issuer_present(req->merchant_name) ? req->merchant_name
	             : issuer_present(req->merchant)    ? req->merchant
	                                                : is->cfg.name;
	m.amount = resp->notify_amount;
	m.currency = is->cfg.currency;
	m.at = now;
	m.utc_offset = is->cfg.utc_offset;
	m.language = resp->language;
	m.phone = resp->phone;
	m.qr = req->qr != REQUEST_QR_NONE;
	rc = notify_enqueue(is->s, is->h, &is->keys.data, &m, NULL);
	if (rc == NOTIFY_EARG && m.merchant != is->cfg.name) {
		/* A merchant name the text cannot carry: the cardholder still hears of it. */
		m.merchant = is->cfg.name;
		rc = notify_enqueue(is->s, is->h, &is->keys.data, &m, NULL);
	}
	return rc == NOTIFY_OK ? ISSUER_OK : rc == NOTIFY_ESTORE ? ISSUER_ESTORE : ISSUER_EHSM;
}

void issuer_send_pending(issuer *is, const struct issuer_response *resp)
{
	char text[320];
	int minutes;

	if (is == NULL || resp == NULL || resp->otp[0] == '\0' || is->cfg.sms == NULL)
		return;
	minutes = (is->cfg.otp_ttl + 59) / 60;
	if (strcmp(resp->language, "en") == 0)
		snprintf(text, sizeof text,
		         "[%s] Your verification code for the card ending %s is %s, valid for %d "
		         "minutes. Do not share it.",
		         is->cfg.name, resp->last4, resp->otp, minutes);
	else
		snprintf(text, sizeof text,
		         "【%s】您尾号%s的卡鉴权验证码为%s，%d分钟内有效，请勿泄露。", is->cfg.name,
		         resp->last4, resp->otp, minutes);
	is->cfg.sms(is->cfg.sms_ctx, resp->phone, text);
	crypto_wipe(text, sizeof text);
}
