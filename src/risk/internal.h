/* internal.h — what the risk module's files share: the compiled form of a rules file.
 *
 *   parse.c  the file read into it (a tokenizer, a descent parser that emits postfix code)
 *   eval.c   the code run over a context, the winner chosen, the numbers printed
 *   risk.c   the names: context values, actions, result codes */
#ifndef POSSUM_RISK_INTERNAL_H
#define POSSUM_RISK_INTERNAL_H

#include "risk/risk.h"

#define RISK_STACK 32 /* the evaluation stack: the parser refuses a deeper condition */

enum risk_op {
	OP_NUM,
	OP_VAR,
	OP_NEG,
	OP_NOT,
	OP_MUL,
	OP_DIV,
	OP_MOD,
	OP_ADD,
	OP_SUB,
	OP_LT,
	OP_LE,
	OP_GT,
	OP_GE,
	OP_EQ,
	OP_NE,
	OP_AND,
	OP_OR,
};

struct risk_code {
	uint8_t op, var;
	int64_t val;
};

struct risk_rule {
	char name[RISK_NAME_MAX + 1];
	char *condition; /* as written, spaces collapsed */
	int action;
	char rc[3];
	size_t code, n_code;      /* its slice of risk_rules.code */
	uint8_t vars[RISK_NVARS]; /* the values it reads, in order of first use */
	size_t n_vars;
};

struct risk_mcc {
	int64_t mcc, ceiling;
};

struct risk_rules {
	struct risk_rule *rules;
	size_t n, cap;
	struct risk_code *code;
	size_t n_code, cap_code;
	struct risk_mcc *mccs;
	size_t n_mcc, cap_mcc;
	int64_t mcc_default;
	bool used[RISK_NVARS];
};

/* risk.c: the var called name[0..len), or -1; the word's value (purchase, credit, …), or -1. */
int risk_var_find(const char *name, size_t len);
int64_t risk_word_value(const char *name, size_t len);

#endif
