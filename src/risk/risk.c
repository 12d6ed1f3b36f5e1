/* risk.c — the risk module's names, declared once: the context's values (risk.h's
 * RISK_VARS), the words that stand for a type, a product or a channel, the actions and the
 * result codes. */
#include "risk/internal.h"

#include <stdlib.h>
#include <string.h>

#define RISK_VAR_NAME_(id, name) name,
static const char *const var_names[RISK_NVARS] = {RISK_VARS(RISK_VAR_NAME_)};

static const struct {
	const char *word;
	int64_t value;
} words[] = {
    {"purchase", RISK_TYPE_PURCHASE},
    {"preauth", RISK_TYPE_PREAUTH},
    {"completion", RISK_TYPE_COMPLETION},
    {"refund", RISK_TYPE_REFUND},
    {"debit", RISK_PRODUCT_DEBIT},
    {"credit", RISK_PRODUCT_CREDIT},
    {"prepaid", RISK_PRODUCT_PREPAID},
    {"manual", RISK_CHANNEL_MANUAL},
    {"swipe", RISK_CHANNEL_SWIPE},
    {"chip", RISK_CHANNEL_CHIP},
    {"fallback", RISK_CHANNEL_FALLBACK},
    {"qr", RISK_CHANNEL_QR},
    {"true", 1},
    {"false", 0},
};

static const char *const action_names[] = {
    [RISK_ALLOW] = "allow",
    [RISK_REVIEW] = "review",
    [RISK_REQUIRE_AUTH] = "require_auth",
    [RISK_REVOKE_AUTH] = "revoke_auth",
    [RISK_SUSPEND_TERMINAL] = "suspend_terminal",
    [RISK_DECLINE] = "decline",
};

const char *risk_var_name(int var)
{
	return var >= 0 && var < RISK_NVARS ? var_names[var] : NULL;
}

int risk_var_find(const char *name, size_t len)
{
	for (int i = 0; i < RISK_NVARS; i++)
		if (strlen(var_names[i]) == len && memcmp(var_names[i], name, len) == 0)
			return i;
	return -1;
}

int64_t risk_word_value(const char *name, size_t len)
{
	for (size_t i = 0; i < sizeof words / sizeof words[0]; i++)
		if (strlen(words[i].word) == len && memcmp(words[i].word, name, len) == 0)
			return words[i].value;
	return -1;
}

const char *risk_action_name(int action)
{
	return action >= RISK_ALLOW && action <= RISK_DECLINE ? action_names[action] : NULL;
}

const char *risk_strerror(int rc)
{
	switch (rc) {
	case RISK_OK:
		return "ok";
	case RISK_EARG:
		return "invalid argument";
	case RISK_EIO:
		return "cannot read the rules file";
	case RISK_EPARSE:
		return "not a rules file";
	case RISK_ENOMEM:
		return "out of memory";
	default:
		return "unknown error";
	}
}

int risk_error_line(const char *err)
{
	if (err == NULL)
		return 0;
	/* The first ":DIGITS: ". The reason after it may quote the rules' own text, which can
	 * hold ":8: " too (the fuzzer found it); a file's name holding ":N: " is the rarer case. */
	for (const char *q = strchr(err, ':'); q != NULL; q = strchr(q + 1, ':')) {
		size_t n = strspn(q + 1, "0123456789");

		if (n > 0 && n <= 9 && q[1 + n] == ':' && q[2 + n] == ' ')
			return atoi(q + 1);
	}
	return 0;
}
