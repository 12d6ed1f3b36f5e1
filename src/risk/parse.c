/* parse.c — a rules file read into its compiled form (docs/risk.md "The file"): a tokenizer
 * over the whole text (`#` to the end of a line is a comment, line breaks are spaces), two
 * statements — `rule NAME if CONDITION then ACTION` and `mcc CODE|default AMOUNT` — and a
 * descent parser that emits each condition as postfix code (internal.h). The first fault
 * stops it: "NAME:LINE: why", and nothing is kept. */
#include "common/grow.h"
#include "risk/internal.h"

#include <ctype.h>
#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define RISK_FILE_MAX (1 << 20) /* bytes of a rules file */
#define RISK_NUM_MAX  ((int64_t)1 << 50)

struct parser {
	const char *p, *name;
	int line;
	char *err;
	size_t errlen;
	struct risk_rules *r;
	struct risk_rule *rule; /* the rule being parsed */
	int depth, max_depth;
	bool failed;
};

static int fail(struct parser *ps, const char *fmt, ...) __attribute__((format(printf, 2, 3)));

static int fail(struct parser *ps, const char *fmt, ...)
{
	va_list ap;
	int n;

	if (ps->failed)
		return RISK_EPARSE;
	ps->failed = true;
	n = snprintf(ps->err, ps->errlen, "%s:%d: ", ps->name, ps->line);
	if (n >= 0 && (size_t)n < ps->errlen) {
		va_start(ap, fmt);
		vsnprintf(ps->err + n, ps->errlen - (size_t)n, fmt, ap);
		va_end(ap);
	}
	return RISK_EPARSE;
}

/* Past spaces, line breaks (counted) and comments. */
static void skip(struct parser *ps)
{
	for (;;) {
		if (*ps->p == '\n')
			ps->line++;
		if (isspace((unsigned char)*ps->p))
			ps->p++;
		else if (*ps->p == '#')
			while (*ps->p != '\0' && *ps->p != '\n')
				ps->p++;
		else
			return;
	}
}

static bool word_char(char c)
{
	return isalnum((unsigned char)c) || c == '_' || c == '.';
}

/* The word at p (letters, digits, '_', '.'), its length; 0 when none. */
static size_t word_len(struct parser *ps)
{
	size_t n = 0;

	skip(ps);
	if (!isalpha((unsigned char)*ps->p) && *ps->p != '_')
		return 0;
	while (word_char(ps->p[n]))
		n++;
	return n;
}

/* Whether the next word is kw, taken when it is. */
static bool keyword(struct parser *ps, const char *kw)
{
	size_t n = word_len(ps);

	if (n != strlen(kw) || memcmp(ps->p, kw, n) != 0)
		return false;
	ps->p += n;
	return true;
}

/* A number: digits, or an amount in yuan (digits '.' two digits) as fen. */
static int number(struct parser *ps, int64_t *out)
{
	int64_t v = 0;

	skip(ps);
	if (!isdigit((unsigned char)*ps->p))
		return fail(ps, "a number expected");
	while (isdigit((unsigned char)*ps->p)) {
		v = v * 10 + (*ps->p++ - '0');
		if (v > RISK_NUM_MAX)
			return fail(ps, "a number too large");
	}
	if (*ps->p == '.') {
		if (!isdigit((unsigned char)ps->p[1]) || !isdigit((unsigned char)ps->p[2]) ||
		    isdigit((unsigned char)ps->p[3]))
			return fail(ps, "an amount has two decimals (1000.00)");
		v = v * 100 + (ps->p[1] - '0') * 10 + (ps->p[2] - '0');
		ps->p += 3;
	}
	if (word_char(*ps->p))
		return fail(ps, "a number followed by '%c'", *ps->p);
	*out = v;
	return RISK_OK;
}

static int emit(struct parser *ps, int op, int var, int64_t val)
{
	struct risk_rules *r = ps->r;

	struct risk_code *c = grow_room(r->code, r->n_code, &r->cap_code, sizeof *c, 64);

	if (c == NULL)
		return fail(ps, "out of memory");
	r->code = c;
	r->code[r->n_code++] = (struct risk_code){(uint8_t)op, (uint8_t)var, val};
	ps->depth += op == OP_NUM || op == OP_VAR ? 1 : op == OP_NEG || op == OP_NOT ? 0 : -1;
	if (ps->depth > ps->max_depth)
		ps->max_depth = ps->depth;
	if (ps->max_depth > RISK_STACK)
		return fail(ps, "a condition nested too deep");
	return RISK_OK;
}

static void use_var(struct parser *ps, int var)
{
	struct risk_rule *ru = ps->rule;

	for (size_t i = 0; i < ru->n_vars; i++)
		if (ru->vars[i] == var)
			return;
	ru->vars[ru->n_vars++] = (uint8_t)var;
	ps->r->used[var] = true;
}

static int expr_or(struct parser *ps);

/* A number, a name, a word, '(' condition ')', '-' or 'not' before one. */
static int primary(struct parser *ps)
{
	size_t n;
	int64_t v;
	int rc, var;

	skip(ps);
	if (*ps->p == '(') {
		ps->p++;
		if ((rc = expr_or(ps)) != RISK_OK)
			return rc;
		skip(ps);
		if (*ps->p != ')')
			return fail(ps, "')' expected");
		ps->p++;
		return RISK_OK;
	}
	if (*ps->p == '-') {
		ps->p++;
		return (rc = primary(ps)) != RISK_OK ? rc : emit(ps, OP_NEG, 0, 0);
	}
	if (isdigit((unsigned char)*ps->p))
		return (rc = number(ps, &v)) != RISK_OK ? rc : emit(ps, OP_NUM, 0, v);
	if ((n = word_len(ps)) == 0)
		return fail(
		    ps, *ps->p == '\0' ? "a condition ends too soon" : "a value expected, not '%c'",
		    *ps->p);
	if (n == 4 && memcmp(ps->p, "then", 4) == 0)
		return fail(ps, "a value expected before 'then'");
	if ((var = risk_var_find(ps->p, n)) >= 0) {
		ps->p += n;
		use_var(ps, var);
		return emit(ps, OP_VAR, var, 0);
	}
	if ((v = risk_word_value(ps->p, n)) >= 0) {
		ps->p += n;
		return emit(ps, OP_NUM, 0, v);
	}
	return fail(ps, "unknown name '%.*s'", (int)(n > 40 ? 40 : n), ps->p);
}

/* The binary operators of one level, left to right: ops' texts, their codes. */
struct level {
	const char *text[8];
	int op[8];
	int (*next)(struct parser *);
};

static int binary(struct parser *ps, const struct level *lv)
{
	int rc = lv->next(ps);

	while (rc == RISK_OK) {
		size_t k, n = 0;

		skip(ps);
		for (k = 0; k < 8 && lv->text[k] != NULL; k++) {
			n = strlen(lv->text[k]);
			if (strncmp(ps->p, lv->text[k], n) == 0 &&
			    !(isalpha((unsigned char)lv->text[k][0]) && word_char(ps->p[n])))
				break;
		}
		if (k == 8 || lv->text[k] == NULL)
			return RISK_OK;
		ps->p += n;
		if ((rc = lv->next(ps)) == RISK_OK)
			rc = emit(ps, lv->op[k], 0, 0);
	}
	return rc;
}

static int expr_mul(struct parser *ps)
{
	static const struct level lv = {{"*", "/", "%"}, {OP_MUL, OP_DIV, OP_MOD}, primary};
	return binary(ps, &lv);
}

static int expr_add(struct parser *ps)
{
	static const struct level lv = {{"+", "-"}, {OP_ADD, OP_SUB}, expr_mul};
	return binary(ps, &lv);
}

/* Longer texts first: "<=" before "<". */
static int expr_cmp(struct parser *ps)
{
	static const struct level lv = {{"<=", ">=", "==", "!=", "<", ">", "="},
	                                {OP_LE, OP_GE, OP_EQ, OP_NE, OP_LT, OP_GT, OP_EQ},
	                                expr_add};
	return binary(ps, &lv);
}

/* not binds looser than a comparison: `not a > b` is `not (a > b)`. */
static int expr_not(struct parser *ps)
{
	int rc;

	if (!keyword(ps, "not"))
		return expr_cmp(ps);
	return (rc = expr_not(ps)) != RISK_OK ? rc : emit(ps, OP_NOT, 0, 0);
}

static int expr_and(struct parser *ps)
{
	static const struct level lv = {{"and"}, {OP_AND}, expr_not};
	return binary(ps, &lv);
}

static int expr_or(struct parser *ps)
{
	static const struct level lv = {{"or"}, {OP_OR}, expr_and};
	return binary(ps, &lv);
}

/* The condition's text from..to: comments dropped, spaces collapsed. */
static char *condition_text(const char *from, const char *to)
{
	char *out = malloc((size_t)(to - from) + 1), *q = out;
	bool space = false;

	if (out == NULL)
		return NULL;
	for (const char *p = from; p < to; p++) {
		if (*p == '#') {
			while (p < to && *p != '\n')
				p++;
			space = true;
			continue;
		}
		if (isspace((unsigned char)*p)) {
			space = true;
			continue;
		}
		if (space && q > out)
			*q++ = ' ';
		space = false;
		*q++ = *p;
	}
	*q = '\0';
	return out;
}

/* The action after `then`: allow, review, decline RC, require_auth, revoke_auth,
 * suspend_terminal. */
static int action(struct parser *ps, struct risk_rule *ru)
{
	static const char *const names[] = {"allow",       "review",           "require_auth",
	                                    "revoke_auth", "suspend_terminal", "decline"};
	static const int actions[] = {RISK_ALLOW,       RISK_REVIEW,           RISK_REQUIRE_AUTH,
	                              RISK_REVOKE_AUTH, RISK_SUSPEND_TERMINAL, RISK_DECLINE};

	for (size_t i = 0; i < sizeof names / sizeof names[0]; i++)
		if (keyword(ps, names[i])) {
			ru->action = actions[i];
			if (ru->action != RISK_DECLINE)
				return RISK_OK;
			skip(ps);
			if (!isalnum((unsigned char)ps->p[0]) ||
			    !isalnum((unsigned char)ps->p[1]) || word_char(ps->p[2]))
				return fail(ps, "decline takes a response code of two characters "
				                "(decline 65)");
			if (memcmp(ps->p, "00", 2) == 0)
				return fail(ps, "decline 00 would approve");
			memcpy(ru->rc, ps->p, 2);
			ps->p += 2;
			return RISK_OK;
		}
	return fail(ps, "an action expected: allow, review, decline RC, require_auth, "
	                "revoke_auth or suspend_terminal");
}

static int rule_name(struct parser *ps, struct risk_rule *ru)
{
	size_t n = word_len(ps);

	if (n == 0)
		return fail(ps, "a rule's name expected");
	if (n > RISK_NAME_MAX)
		return fail(ps, "a rule's name is at most %d characters", RISK_NAME_MAX);
	memcpy(ru->name, ps->p, n);
	ru->name[n] = '\0';
	for (size_t i = 0; i < ps->r->n; i++)
		if (strcmp(ps->r->rules[i].name, ru->name) == 0)
			return fail(ps, "rule '%s' named twice", ru->name);
	ps->p += n;
	return RISK_OK;
}

/* rule NAME if CONDITION then ACTION */
static int statement_rule(struct parser *ps)
{
	struct risk_rules *r = ps->r;
	struct risk_rule *ru;
	const char *from;
	int rc;

	if ((ru = grow_room(r->rules, r->n, &r->cap, sizeof *ru, 16)) == NULL)
		return fail(ps, "out of memory");
	r->rules = ru;
	ru = ps->rule = &r->rules[r->n];
	*ru = (struct risk_rule){.code = r->n_code};
	if ((rc = rule_name(ps, ru)) != RISK_OK)
		return rc;
	if (!keyword(ps, "if"))
		return fail(ps, "'if' expected after the rule's name");
	skip(ps);
	from = ps->p;
	ps->depth = ps->max_depth = 0;
	if ((rc = expr_or(ps)) != RISK_OK)
		return rc;
	if (!keyword(ps, "then"))
		return fail(ps, *ps->p == '\0' ? "'then' expected" : "'then' expected, not '%.12s'",
		            ps->p);
	if ((ru->condition = condition_text(from, ps->p - 4)) == NULL)
		return fail(ps, "out of memory");
	ru->n_code = r->n_code - ru->code;
	r->n++; /* kept from here: freed with the rules */
	return action(ps, ru);
}

/* mcc CODE AMOUNT, mcc default AMOUNT */
static int statement_mcc(struct parser *ps)
{
	struct risk_rules *r = ps->r;
	struct risk_mcc *p;
	int64_t mcc = -1, ceiling;
	int rc;

	if (!keyword(ps, "default")) {
		skip(ps);
		if (!isdigit((unsigned char)ps->p[0]) || strspn(ps->p, "0123456789") != 4)
			return fail(ps, "an MCC is 4 digits (mcc 5411 10000.00)");
		mcc = strtoll(ps->p, NULL, 10);
		ps->p += 4;
	}
	if ((rc = number(ps, &ceiling)) != RISK_OK)
		return rc;
	if (mcc < 0) {
		r->mcc_default = ceiling;
		return RISK_OK;
	}
	for (size_t i = 0; i < r->n_mcc; i++)
		if (r->mccs[i].mcc == mcc)
			return fail(ps, "MCC %04lld named twice", (long long)mcc);
	if ((p = grow_room(r->mccs, r->n_mcc, &r->cap_mcc, sizeof *p, 16)) == NULL)
		return fail(ps, "out of memory");
	r->mccs = p;
	r->mccs[r->n_mcc++] = (struct risk_mcc){mcc, ceiling};
	return RISK_OK;
}

int risk_rules_parse(const char *text, const char *name, risk_rules **out, char *err, size_t errlen)
{
	struct parser ps = {.p = text, .name = name, .line = 1, .err = err, .errlen = errlen};
	int rc = RISK_OK;

	if (text == NULL || name == NULL || out == NULL)
		return RISK_EARG;
	*out = NULL;
	if ((ps.r = calloc(1, sizeof *ps.r)) == NULL)
		return RISK_ENOMEM;
	for (skip(&ps); rc == RISK_OK && *ps.p != '\0'; skip(&ps)) {
		if (keyword(&ps, "rule"))
			rc = statement_rule(&ps);
		else if (keyword(&ps, "mcc"))
			rc = statement_mcc(&ps);
		else
			rc = fail(&ps, "'rule' or 'mcc' expected");
	}
	if (rc != RISK_OK) {
		risk_rules_free(ps.r);
		return rc;
	}
	*out = ps.r;
	return RISK_OK;
}

int risk_rules_load(const char *path, risk_rules **out, char *err, size_t errlen)
{
	char *text = NULL;
	size_t n;
	FILE *f;
	int rc;

	if (path == NULL || out == NULL)
		return RISK_EARG;
	*out = NULL;
	if ((f = fopen(path, "r")) == NULL) {
		snprintf(err, errlen, "%s:0: cannot read: %s", path, strerror(errno));
		return RISK_EIO;
	}
	if ((text = malloc(RISK_FILE_MAX + 1)) == NULL) {
		rc = RISK_ENOMEM;
		goto out;
	}
	n = fread(text, 1, RISK_FILE_MAX + 1, f);
	if (ferror(f) || n > RISK_FILE_MAX) {
		snprintf(err, errlen, "%s:0: %s", path,
		         n > RISK_FILE_MAX ? "larger than 1 MiB" : "cannot read");
		rc = RISK_EIO;
		goto out;
	}
	text[n] = '\0';
	if (strlen(text) != n) {
		snprintf(err, errlen, "%s:0: a NUL byte in a text file", path);
		rc = RISK_EPARSE;
		goto out;
	}
	rc = risk_rules_parse(text, path, out, err, errlen);
out:
	free(text);
	fclose(f);
	return rc;
}

void risk_rules_free(risk_rules *r)
{
	if (r == NULL)
		return;
	for (size_t i = 0; i < r->n; i++)
		free(r->rules[i].condition);
	free(r->rules);
	free(r->code);
	free(r->mccs);
	free(r);
}
