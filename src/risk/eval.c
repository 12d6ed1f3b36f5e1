/* eval.c — the compiled rules run over a context (risk.h risk_eval()): each rule's postfix
 * code on a fixed stack, the rules that fired in file order, the strongest action the winner
 * (the first rule of it in the file decides its RC); and what a rule read, printed. Nothing
 * here allocates. */
#include "risk/internal.h"

#include <stdio.h>
#include <string.h>

#include "rcode/rcode.h"

int64_t risk_mcc_ceiling(const risk_rules *r, int64_t mcc)
{
	if (r == NULL)
		return 0;
	for (size_t i = 0; i < r->n_mcc; i++)
		if (r->mccs[i].mcc == mcc)
			return r->mccs[i].ceiling;
	return r->mcc_default;
}

static int64_t value(const risk_rules *r, const struct risk_ctx *c, int var)
{
	return var == RISK_V_MCC_CEILING ? risk_mcc_ceiling(r, c->v[RISK_V_MCC]) : c->v[var];
}

/* Wrapping arithmetic: unsigned, so that no overflow is undefined. */
static int64_t wrap(uint64_t v)
{
	int64_t out;

	memcpy(&out, &v, sizeof out);
	return out;
}

static int64_t apply(int op, int64_t a, int64_t b)
{
	switch (op) {
	case OP_MUL:
		return wrap((uint64_t)a * (uint64_t)b);
	case OP_DIV:
		return b == 0 || (b == -1 && a == INT64_MIN) ? 0 : a / b;
	case OP_MOD:
		return b == 0 || b == -1 ? 0 : a % b;
	case OP_ADD:
		return wrap((uint64_t)a + (uint64_t)b);
	case OP_SUB:
		return wrap((uint64_t)a - (uint64_t)b);
	case OP_LT:
		return a < b;
	case OP_LE:
		return a <= b;
	case OP_GT:
		return a > b;
	case OP_GE:
		return a >= b;
	case OP_EQ:
		return a == b;
	case OP_NE:
		return a != b;
	case OP_AND:
		return a != 0 && b != 0;
	default: /* OP_OR */
		return a != 0 || b != 0;
	}
}

/* Whether rule ru's condition holds on c (its code's depth checked by the parser). */
static bool holds(const risk_rules *r, const struct risk_rule *ru, const struct risk_ctx *c)
{
	int64_t stack[RISK_STACK];
	size_t sp = 0;

	for (size_t i = ru->code; i < ru->code + ru->n_code; i++) {
		const struct risk_code *k = &r->code[i];

		switch (k->op) {
		case OP_NUM:
			stack[sp++] = k->val;
			break;
		case OP_VAR:
			stack[sp++] = value(r, c, k->var);
			break;
		case OP_NEG:
			stack[sp - 1] = wrap(0 - (uint64_t)stack[sp - 1]);
			break;
		case OP_NOT:
			stack[sp - 1] = stack[sp - 1] == 0;
			break;
		default:
			sp--;
			stack[sp - 1] = apply(k->op, stack[sp - 1], stack[sp]);
		}
	}
	return sp == 1 && stack[0] != 0;
}

/* Rule ru over c where only the values of known are known (three-valued: an `and` with a known
 * false operand is false, an `or` with a known true one true, anything else of an unknown
 * unknown): whether its outcome is still unknown. */
static bool undecided(const risk_rules *r, const struct risk_rule *ru, const struct risk_ctx *c,
                      const bool known[RISK_NVARS])
{
	int64_t stack[RISK_STACK];
	bool k_[RISK_STACK];
	size_t sp = 0;

	for (size_t i = ru->code; i < ru->code + ru->n_code; i++) {
		const struct risk_code *k = &r->code[i];
		bool ka, kb;

		switch (k->op) {
		case OP_NUM:
			stack[sp] = k->val, k_[sp++] = true;
			break;
		case OP_VAR:
			k_[sp] =
			    known[k->var] && (k->var != RISK_V_MCC_CEILING || known[RISK_V_MCC]);
			stack[sp++] = value(r, c, k->var);
			break;
		case OP_NEG:
			stack[sp - 1] = wrap(0 - (uint64_t)stack[sp - 1]);
			break;
		case OP_NOT:
			stack[sp - 1] = stack[sp - 1] == 0;
			break;
		default:
			sp--;
			ka = k_[sp - 1], kb = k_[sp];
			if (k->op == OP_AND &&
			    ((ka && stack[sp - 1] == 0) || (kb && stack[sp] == 0)))
				stack[sp - 1] = 0, k_[sp - 1] = true;
			else if (k->op == OP_OR &&
			         ((ka && stack[sp - 1] != 0) || (kb && stack[sp] != 0)))
				stack[sp - 1] = 1, k_[sp - 1] = true;
			else
				stack[sp - 1] = apply(k->op, stack[sp - 1], stack[sp]),
				           k_[sp - 1] = ka && kb;
		}
	}
	return sp == 1 && !k_[0];
}

void risk_needs(const risk_rules *r, const struct risk_ctx *c, const bool known[RISK_NVARS],
                bool needed[RISK_NVARS])
{
	memset(needed, 0, RISK_NVARS * sizeof needed[0]);
	if (r == NULL || c == NULL)
		return;
	for (size_t i = 0; i < r->n; i++) {
		const struct risk_rule *ru = &r->rules[i];

		if (!undecided(r, ru, c, known))
			continue;
		for (size_t v = 0; v < ru->n_vars; v++)
			needed[ru->vars[v]] = needed[ru->vars[v]] || !known[ru->vars[v]];
	}
}

/* The code an action answers: decline's own, 58, C2, C1; "" for review and allow. */
static const char *answer(const struct risk_rule *ru)
{
	switch (ru->action) {
	case RISK_DECLINE:
		return ru->rc;
	case RISK_SUSPEND_TERMINAL:
		return RCODE_NOT_PERMITTED_TERMINAL;
	case RISK_REVOKE_AUTH:
		return RCODE_CARDAUTH_INVALID;
	case RISK_REQUIRE_AUTH:
		return RCODE_CARDAUTH_REQUIRED;
	default:
		return "";
	}
}

void risk_eval(const risk_rules *r, const struct risk_ctx *c, struct risk_result *out)
{
	out->action = RISK_ALLOW;
	out->rc[0] = '\0';
	out->by = NULL;
	out->n_hits = 0;
	if (r == NULL || c == NULL)
		return;
	for (size_t i = 0; i < r->n; i++) {
		const struct risk_rule *ru = &r->rules[i];

		if (!holds(r, ru, c))
			continue;
		if (out->n_hits < RISK_HITS_MAX)
			out->hits[out->n_hits++] =
			    (struct risk_hit){i, ru->name, ru->action, ru->rc};
		if (out->by == NULL || ru->action > out->action) {
			out->action = ru->action;
			out->by = ru->name;
			snprintf(out->rc, sizeof out->rc, "%s", answer(ru));
		}
	}
}

void risk_hit_numbers(const risk_rules *r, const struct risk_hit *h, const struct risk_ctx *c,
                      char *buf, size_t len)
{
	const struct risk_rule *ru;
	size_t at = 0;

	if (len == 0)
		return;
	buf[0] = '\0';
	if (r == NULL || h == NULL || c == NULL || h->rule >= r->n)
		return;
	ru = &r->rules[h->rule];
	for (size_t i = 0; i < ru->n_vars && at < len; i++) {
		int n = snprintf(buf + at, len - at, "%s%s=%lld", i > 0 ? " " : "",
		                 risk_var_name(ru->vars[i]), (long long)value(r, c, ru->vars[i]));

		if (n < 0)
			break;
		at += (size_t)n;
	}
}

size_t risk_rules_count(const risk_rules *r)
{
	return r != NULL ? r->n : 0;
}

int risk_rule_info(const risk_rules *r, size_t i, struct risk_rule_info *out)
{
	if (r == NULL || out == NULL || i >= r->n)
		return RISK_EARG;
	*out = (struct risk_rule_info){r->rules[i].name, r->rules[i].condition, r->rules[i].action,
	                               r->rules[i].rc};
	return RISK_OK;
}

bool risk_rules_uses(const risk_rules *r, int var)
{
	return r != NULL && var >= 0 && var < RISK_NVARS && r->used[var];
}
