/* suite.c — the suite file of `possum certify` (docs/certify.md "The suite file"): its
 * statements read line by line into a certify_suite, each fault said as "NAME:LINE: why" with
 * nothing kept; the references of conditions' values; the built-in suites
 * (etc/certify/cup-pos.suite, embedded at build time by cmake/embed_text.cmake). */
#include "certify/internal.h"

#include <assert.h>
#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "common/file.h"
#include "common/grow.h"
#include "common/money.h"
#include "common/text.h"
#include "rcode/rcode.h"
#include "tms/tms.h"

extern const char certify_suite_cup_pos[]; /* etc/certify/cup-pos.suite, built in */

static const struct builtin {
	const char *name;
	const char *text;
} builtins[] = {
    {"cup-pos", certify_suite_cup_pos},
};

#define LINE_MAX_BYTES 1024    /* a line of a suite file */
#define WORDS_MAX      40      /* words of a statement */
#define FILE_MAX       1048576 /* a suite file read whole */
#define ID_CHARS       "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789_-"

/* What a `do` takes: the keys it may be given and those it must be. */
static const struct action {
	const char *name, *keys, *needs;
} actions[] = {
    {"signin", "", ""},
    {"purchase", "card amount entry pin", "card amount"},
    {"preauth", "card amount entry pin", "card amount"},
    {"void", "of card entry pin", "of"},
    {"refund", "of card amount entry pin", "of amount"},
    {"balance", "card entry pin", "card"},
    {"settle", "", ""},
    {"download", "", ""},
    {"update", "", ""},
    {"restart", "", ""},
    {"echo", "", ""},
};

#define DO_KEYS "card amount of entry pin"

/* `host` effects, by enum certify_effect; which request each applies to ("" any). */
static const struct effect {
	const char *name, *only;
} effects[] = {
    [CERTIFY_PASS] = {"pass", ""},
    [CERTIFY_ANSWER] = {"answer", ""},
    [CERTIFY_LOSE] = {"lose", ""},
    [CERTIFY_LATE] = {"late", ""},
    [CERTIFY_BAD_MAC] = {"bad-mac", ""},
    [CERTIFY_BAD_KCV] = {"bad-kcv", "0800"},
    [CERTIFY_TOTALS_DIFFER] = {"totals-differ", "0500"},
    [CERTIFY_CLOSE] = {"close", ""},
};

#define CHECKS "receipt upload-complete"

struct parser {
	const char *name;
	int line;       /* the line being read */
	int fault_line; /* where the fault is */
	struct certify_suite *s;
	struct certify_case *c; /* the case being read; NULL before the first */
	size_t cap;             /* room in s->cases */
	bool suite_timeout;     /* `timeout` given before the first case */
	char why[CERTIFY_WHY_MAX];
};

static int fail_at(struct parser *p, int line, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));

static int fail_at(struct parser *p, int line, const char *fmt, ...)
{
	va_list ap;

	p->fault_line = line;
	va_start(ap, fmt);
	vsnprintf(p->why, sizeof p->why, fmt, ap);
	va_end(ap);
	return CERTIFY_ESUITE;
}

#define fail(p, ...) fail_at((p), (p)->line, __VA_ARGS__)

/* why (capacity cap) said; CERTIFY_ESUITE. */
static int reason(char *why, size_t cap, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));

static int reason(char *why, size_t cap, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(why, cap, fmt, ap);
	va_end(ap);
	return CERTIFY_ESUITE;
}

/* Whether w is one of the space-separated words of list. */
static bool word_in(const char *list, const char *w)
{
	size_t n = strlen(w);

	for (const char *at = list; n > 0 && (at = strstr(at, w)) != NULL; at += n)
		if ((at == list || at[-1] == ' ') && (at[n] == ' ' || at[n] == '\0'))
			return true;
	return false;
}

static bool id_ok(const char *id)
{
	size_t n = strspn(id, ID_CHARS);

	return n > 0 && n < CERTIFY_ID_MAX && id[n] == '\0';
}

/* A number of 1 to digits decimal digits at *s, *s moved past it; -1 when none. */
static int read_number(const char **s, int digits)
{
	int v = 0, n = 0;

	while (**s >= '0' && **s <= '9' && n < digits) {
		v = v * 10 + (**s - '0');
		(*s)++;
		n++;
	}
	return n == 0 || (**s >= '0' && **s <= '9') ? -1 : v;
}

/* The most sub-fields any positional layout of field f has in cup-pos, 0 when none. */
static int sub_count(const iso8583_profile *pr, int f)
{
	int most = 0;

	for (const iso8583_layout *const *l = pr->fields[f].layouts; l != NULL && *l != NULL; l++)
		if ((*l)->kind == ISO8583_LAYOUT_SEQ && (*l)->n_subs > most)
			most = (*l)->n_subs;
	return most;
}

/* F or F.S at *s: a field cup-pos defines and one of its positional sub-fields. */
static int read_field(const char **s, int *field, int *sub, char *why, size_t cap)
{
	const iso8583_profile *pr = iso8583_profile_find("cup-pos");
	int f, most;

	assert(pr != NULL);
	*sub = 0;
	if ((f = read_number(s, 3)) < 0)
		return reason(why, cap, "a field number is missing");
	if (f < 2 || f > 128)
		return reason(why, cap, "field %d: fields are 2 to 128", f);
	if (f > pr->max_field || pr->fields[f].name == NULL)
		return reason(why, cap, "field %d is not in the cup-pos dialect", f);
	*field = f;
	if (**s != '.' || (*s)[1] < '0' || (*s)[1] > '9')
		return CERTIFY_OK;
	(*s)++;
	most = sub_count(pr, f);
	if ((*sub = read_number(s, 2)) < 1 || *sub > most) {
		if (most == 0)
			return reason(why, cap, "field %d has no sub-fields", f);
		return reason(why, cap, "field %d has sub-fields %d.1 to %d.%d", f, f, f, most);
	}
	return CERTIFY_OK;
}

int certify_ref_read(const char *s, struct certify_ref *ref, const char **end, char *why,
                     size_t cap)
{
	size_t n;

	assert(s[0] == '@');
	memset(ref, 0, sizeof *ref);
	s++;
	n = strspn(s, ID_CHARS);
	if (s[n] == '#') {
		if (n == 0 || n >= CERTIFY_ID_MAX)
			return reason(why, cap,
			              "a reference names a case of 1 to %d characters before '#'",
			              CERTIFY_ID_MAX - 1);
		memcpy(ref->case_id, s, n);
		s += n + 1;
	}
	if ((ref->expect = read_number(&s, 2)) < 1 || ref->expect > CERTIFY_EXPECT_MAX)
		return reason(why, cap,
		              "a reference is @N.F, @N>F, @CASE#N.F or @CASE#N>F, N from 1");
	if (*s != '.' && *s != '>')
		return reason(why, cap,
		              "a reference needs '.F' (the request's field) or '>F' (the "
		              "answer's) after its expect number");
	ref->answer = *s++ == '>';
	if (read_field(&s, &ref->field, &ref->sub, why, cap) != CERTIFY_OK)
		return CERTIFY_ESUITE;
	if (*s == '[')
		return reason(why, cap, "a reference has no slice");
	*end = s;
	return CERTIFY_OK;
}

/* The earlier case called id, or NULL (the case being read is the last of s->cases). */
static const struct certify_case *earlier_case(const struct parser *p, const char *id)
{
	for (size_t i = 0; i + 1 < p->s->n_cases; i++)
		if (strcmp(p->s->cases[i].id, id) == 0)
			return &p->s->cases[i];
	return NULL;
}

/* A reference's names: an earlier case, an expect before this one, not a `none`. */
static int check_ref(struct parser *p, const struct certify_ref *r)
{
	const struct certify_case *c = p->c;

	if (r->case_id[0] != '\0' && (c = earlier_case(p, r->case_id)) == NULL)
		return fail(p, "@%s#%d: no case %s before this one", r->case_id, r->expect,
		            r->case_id);
	if (r->expect > c->n_expects)
		return fail(p, "@%s%s%d: %s has %d expect line(s)%s", r->case_id,
		            r->case_id[0] != '\0' ? "#" : "", r->expect,
		            r->case_id[0] != '\0' ? r->case_id : "this case", c->n_expects,
		            r->case_id[0] != '\0' ? "" : " before this one");
	if (c->expects[r->expect - 1].none)
		return fail(p, "@%s%s%d: that expect is `none`: it matches no request", r->case_id,
		            r->case_id[0] != '\0' ? "#" : "", r->expect);
	return CERTIFY_OK;
}

/* A condition's value: alternatives separated by '|', each literal text and references. */
static int check_value(struct parser *p, const char *v)
{
	struct certify_ref r;
	const char *end;
	char why[CERTIFY_WHY_MAX];

	if (strlen(v) >= CERTIFY_VALUE_MAX)
		return fail(p, "a value longer than %d bytes", CERTIFY_VALUE_MAX - 1);
	for (const char *s = v;; s++) {
		if ((*s == '|' || *s == '\0') && (s == v || s[-1] == '|'))
			return fail(p, "an empty value (V, or alternatives V|W)");
		if (*s == '\0')
			return CERTIFY_OK;
		if (*s != '@')
			continue;
		if (certify_ref_read(s, &r, &end, why, sizeof why) != CERTIFY_OK)
			return fail(p, "%s", why);
		if (check_ref(p, &r) != CERTIFY_OK)
			return CERTIFY_ESUITE;
		s = end - 1;
	}
}

/* [OFF,LEN] at *s. */
static int read_slice(struct parser *p, const char **s, struct certify_cond *cd)
{
	(*s)++;
	if ((cd->off = read_number(s, 3)) < 0 || *(*s)++ != ',' ||
	    (cd->len = read_number(s, 3)) < 1 || *(*s)++ != ']')
		return fail(p, "a slice is [OFFSET,LENGTH]: 0-based offset, length from 1");
	return CERTIFY_OK;
}

/* One condition: [-][>]F[.S][[OFF,LEN]][=V|!=V]. */
static int read_cond(struct parser *p, const char *w, struct certify_cond *cd)
{
	const char *s = w;
	char why[CERTIFY_WHY_MAX];

	memset(cd, 0, sizeof *cd);
	cd->op = CERTIFY_PRESENT;
	if (*s == '-') {
		cd->op = CERTIFY_ABSENT;
		s++;
	}
	if (*s == '>') {
		cd->answer = true;
		s++;
	}
	if (read_field(&s, &cd->field, &cd->sub, why, sizeof why) != CERTIFY_OK)
		return fail(p, "%s: %s", w, why);
	if (*s == '[' && read_slice(p, &s, cd) != CERTIFY_OK)
		return CERTIFY_ESUITE;
	if (*s == '\0')
		return CERTIFY_OK;
	if (cd->op == CERTIFY_ABSENT)
		return fail(p, "%s: an absent field (-F) has no value", w);
	if (s[0] == '!' && s[1] == '=') {
		cd->op = CERTIFY_NE;
		s += 2;
	} else if (s[0] == '=') {
		cd->op = CERTIFY_EQ;
		s++;
	} else {
		return fail(p, "%s: a condition is F, -F, F=V or F!=V (F a field, 60.2, 22[0,2])",
		            w);
	}
	snprintf(cd->value, sizeof cd->value, "%s", s);
	return check_value(p, s);
}

/* A request's MTI: four digits, not an answer's. */
static int check_mti(struct parser *p, const char *mti)
{
	if (strlen(mti) != 4 || strspn(mti, "0123456789") != 4)
		return fail(p, "%s is not an MTI (four digits, 0200)", mti);
	if (mti[2] != '0' && mti[2] != '2')
		return fail(p, "%s is not a request's MTI: the terminal's requests are judged",
		            mti);
	return CERTIFY_OK;
}

static int read_suite(struct parser *p, char **w, int n, const char *rest)
{
	(void)rest;
	if (p->s->name[0] != '\0')
		return fail(p, "a second suite statement");
	if (n != 2 || !id_ok(w[1]))
		return fail(p, "suite NAME: letters, digits, '-' and '_', up to %d",
		            CERTIFY_ID_MAX - 1);
	strcpy(p->s->name, w[1]);
	return CERTIFY_OK;
}

/* title, title.zh, operator, operator.zh, terminal, terminal.zh: the rest of the line. */
static int read_text(struct parser *p, char **w, int n, const char *rest)
{
	int zh = strchr(w[0], '.') != NULL;
	char *slot = w[0][1] == 'i' ? (p->c != NULL ? p->c->title[zh] : p->s->title[zh])
	                            : w[0][0] == 'o'
	                 ? p->c->operator[zh] : p->c->terminal[zh];

	(void)n;
	if (rest[0] == '\0')
		return fail(p, "%s needs a text", w[0]);
	if (strlen(rest) >= CERTIFY_TEXT_MAX)
		return fail(p, "%s: longer than %d bytes", w[0], CERTIFY_TEXT_MAX - 1);
	if (!text_is_line(rest, CERTIFY_TEXT_MAX))
		return fail(p, "%s: a control character in the text", w[0]);
	if (slot[0] != '\0')
		return fail(p, "a second %s", w[0]);
	strcpy(slot, rest);
	return CERTIFY_OK;
}

static int read_timeout(struct parser *p, char **w, int n, const char *rest)
{
	const char *s = n == 2 ? w[1] : "";
	int t = read_number(&s, 4);

	(void)rest;
	if (t < 1 || t > 3600 || *s != '\0')
		return fail(p, "timeout SECONDS: 1 to 3600");
	if (p->c == NULL ? p->suite_timeout : p->c->timeout != 0)
		return fail(p, "a second timeout");
	if (p->c == NULL) {
		p->s->timeout = t;
		p->suite_timeout = true;
	} else {
		p->c->timeout = t;
	}
	return CERTIFY_OK;
}

/* The case read so far is whole: it has its expectations. */
static int finish_case(struct parser *p)
{
	if (p->c != NULL && p->c->n_expects == 0)
		return fail_at(p, p->c->line, "case %s has no expect line", p->c->id);
	return CERTIFY_OK;
}

static int read_case(struct parser *p, char **w, int n, const char *rest)
{
	struct certify_case *grown;

	(void)rest;
	if (n != 2 || !id_ok(w[1]))
		return fail(p, "case ID: letters, digits, '-' and '_', up to %d",
		            CERTIFY_ID_MAX - 1);
	if (finish_case(p) != CERTIFY_OK)
		return CERTIFY_ESUITE;
	for (size_t i = 0; i < p->s->n_cases; i++)
		if (strcmp(p->s->cases[i].id, w[1]) == 0)
			return fail(p, "case %s twice (line %d)", w[1], p->s->cases[i].line);
	grown = grow_room(p->s->cases, p->s->n_cases, &p->cap, sizeof *grown, 16);
	if (grown == NULL)
		return CERTIFY_ENOMEM;
	p->s->cases = grown;
	p->c = &grown[p->s->n_cases++];
	memset(p->c, 0, sizeof *p->c);
	strcpy(p->c->id, w[1]);
	p->c->line = p->line;
	return CERTIFY_OK;
}

/* A `do` key's value. */
static int check_arg(struct parser *p, const char *key, const char *v)
{
	int64_t minor;
	size_t n = strlen(v);

	if (strcmp(key, "amount") == 0 &&
	    (n < 4 || v[n - 3] != '.' || money_parse(v, 156, &minor) != 0 || minor == 0))
		return fail(p, "amount=%s: yuan with 2 decimals, above 0 (12.34)", v);
	if (strcmp(key, "card") == 0 && !id_ok(v))
		return fail(p, "card=%s: a card's name (stripe, chip)", v);
	if (strcmp(key, "of") == 0 && earlier_case(p, v) == NULL)
		return fail(p, "of=%s: no case %s before this one", v, v);
	if (strcmp(key, "entry") == 0 && !word_in("swipe chip tap manual", v))
		return fail(p, "entry=%s: swipe, chip, tap or manual", v);
	if (strcmp(key, "pin") == 0 && !word_in("yes no wrong", v))
		return fail(p, "pin=%s: yes, no or wrong", v);
	return CERTIFY_OK;
}

/* The KEY=VALUE words of a `do` into st, for action a. */
static int read_args(struct parser *p, const struct action *a, char **w, int n,
                     struct certify_step *st)
{
	for (int i = 2; i < n; i++) {
		char *eq = strchr(w[i], '=');

		if (eq == NULL || eq == w[i])
			return fail(p, "%s: an argument is KEY=VALUE", w[i]);
		*eq = '\0';
		if (!word_in(DO_KEYS, w[i]))
			return fail(p, "unknown key %s (card, amount, of, entry, pin)", w[i]);
		if (!word_in(a->keys, w[i]))
			return fail(p, "%s takes no %s=", a->name, w[i]);
		for (int k = 0; k < st->n_args; k++)
			if (strcmp(st->keys[k], w[i]) == 0)
				return fail(p, "%s= twice", w[i]);
		if (st->n_args == CERTIFY_ARGS_MAX || strlen(eq + 1) >= sizeof st->values[0])
			return fail(p, "%s=: too long", w[i]);
		if (check_arg(p, w[i], eq + 1) != CERTIFY_OK)
			return CERTIFY_ESUITE;
		strcpy(st->keys[st->n_args], w[i]);
		strcpy(st->values[st->n_args++], eq + 1);
	}
	return CERTIFY_OK;
}

static int read_do(struct parser *p, char **w, int n, const char *rest)
{
	const struct action *a = NULL;
	struct certify_step *st;
	char need[64], *save;

	(void)rest;
	for (size_t i = 0; n >= 2 && i < sizeof actions / sizeof actions[0]; i++)
		if (strcmp(actions[i].name, w[1]) == 0)
			a = &actions[i];
	if (a == NULL)
		return fail(p,
		            "unknown action %s (signin purchase preauth void refund balance settle "
		            "download update restart echo)",
		            n >= 2 ? w[1] : "(none)");
	if (p->c->n_steps == CERTIFY_STEPS_MAX)
		return fail(p, "more than %d do lines in a case", CERTIFY_STEPS_MAX);
	st = &p->c->steps[p->c->n_steps];
	memset(st, 0, sizeof *st);
	strcpy(st->action, a->name);
	st->line = p->line;
	if (read_args(p, a, w, n, st) != CERTIFY_OK)
		return CERTIFY_ESUITE;
	snprintf(need, sizeof need, "%s", a->needs);
	for (char *k = strtok_r(need, " ", &save); k != NULL; k = strtok_r(NULL, " ", &save)) {
		bool given = false;

		for (int i = 0; i < st->n_args; i++)
			given = given || strcmp(st->keys[i], k) == 0;
		if (!given)
			return fail(p, "%s needs %s=", a->name, k);
	}
	p->c->n_steps++;
	return CERTIFY_OK;
}

/* A setup line of kind, key and value into the case (the caller checked their lengths). */
static int add_setup(struct parser *p, enum certify_setup kind, const char *key, size_t klen,
                     const char *value)
{
	struct certify_case *c = p->c;

	if (c->n_setup == CERTIFY_SETUP_MAX)
		return fail(p, "more than %d setup lines in a case", CERTIFY_SETUP_MAX);
	c->setup_kinds[c->n_setup] = kind;
	snprintf(c->setup_keys[c->n_setup], sizeof c->setup_keys[0], "%.*s", (int)klen, key);
	snprintf(c->setup_values[c->n_setup++], sizeof c->setup_values[0], "%s", value);
	return CERTIFY_OK;
}

/* `setup param KEY=VALUE` (after "param"): the value the rest of the line. */
static int read_setup_param(struct parser *p, const char *key)
{
	struct certify_case *c = p->c;
	const char *eq;
	size_t klen;
	bool known = false;

	key += strspn(key, " \t");
	if ((eq = strchr(key, '=')) == NULL || (klen = strcspn(key, " \t=")) == 0 ||
	    key + klen != eq)
		return fail(p, "setup param KEY=VALUE (a terminal parameter, docs/tms.md)");
	for (size_t i = 0; tms_param_key(i) != NULL; i++)
		known = known || (strlen(tms_param_key(i)) == klen &&
		                  strncmp(tms_param_key(i), key, klen) == 0);
	if (!known)
		return fail(p, "unknown parameter %.*s (docs/tms.md \"Parameters\")", (int)klen,
		            key);
	if (klen >= sizeof c->setup_keys[0] || strlen(eq + 1) >= sizeof c->setup_values[0])
		return fail(p, "setup param: the value is longer than %zu bytes",
		            sizeof c->setup_values[0] - 1);
	if (eq[1] != '\0' && !text_is_line(eq + 1, sizeof c->setup_values[0]))
		return fail(p, "setup param: a control character in the value");
	return add_setup(p, CERTIFY_SETUP_PARAM, key, klen, eq + 1);
}

/* `setup aid AID` (after "aid"): AID as the TMS takes it (tms_aid_parse()). */
static int read_setup_aid(struct parser *p, const char *aid)
{
	struct tms_aid_text t = {.label = "-"};
	struct tms_aid a;
	char why[200];

	aid += strspn(aid, " \t");
	t.aid = aid;
	if (aid[0] == '\0' || aid[strcspn(aid, " \t")] != '\0')
		return fail(p, "setup aid AID (one AID, 10 to 32 hex digits)");
	if (tms_aid_parse(&t, &a, why, sizeof why) != TMS_OK)
		return fail(p, "setup aid %s: 10 to 32 hex digits (5 to 16 bytes)", aid);
	return add_setup(p, CERTIFY_SETUP_AID, aid, strlen(aid), "");
}

/* `setup param KEY=VALUE`, `setup capk test`, `setup aid AID`. */
static int read_setup(struct parser *p, char **w, int n, const char *rest)
{
	size_t kw = strcspn(rest, " \t");

	(void)w;
	(void)n;
	if (kw == 5 && strncmp(rest, "param", 5) == 0)
		return read_setup_param(p, rest + kw);
	if (kw == 3 && strncmp(rest, "aid", 3) == 0)
		return read_setup_aid(p, rest + kw);
	if (kw == 4 && strncmp(rest, "capk", 4) == 0)
		return strcmp(rest + kw + strspn(rest + kw, " \t"), "test") == 0
		           ? add_setup(p, CERTIFY_SETUP_CAPK, "test", 4, "")
		           : fail(p, "setup capk test (the test CA public key, docs/certify.md)");
	return fail(p, "setup param KEY=VALUE, setup capk test or setup aid AID");
}

/* MTI[#N] of a `host` line into b. */
static int read_when(struct parser *p, char *when, struct certify_behaviour *b)
{
	char *hash = strchr(when, '#');
	const char *s;

	if (hash != NULL) {
		*hash = '\0';
		s = hash + 1;
		if ((b->nth = read_number(&s, 2)) < 1 || *s != '\0')
			return fail(p, "%s#%s: #N counts the requests of the MTI from 1", when,
			            hash + 1);
	}
	if (check_mti(p, when) != CERTIFY_OK)
		return CERTIFY_ESUITE;
	strcpy(b->mti, when);
	for (int i = 0; i < p->c->n_host; i++)
		if (strcmp(p->c->host[i].mti, b->mti) == 0 && p->c->host[i].nth == b->nth)
			return fail(p, "a second host line for %s%s%.0d (line %d)", b->mti,
			            b->nth > 0 ? "#" : "", b->nth, p->c->host[i].line);
	return CERTIFY_OK;
}

static int read_host(struct parser *p, char **w, int n, const char *rest)
{
	struct certify_behaviour b = {.line = p->line};
	int e = -1;

	(void)rest;
	if (n < 3 || n > 4)
		return fail(p, "host MTI[#N] EFFECT [RC]");
	if (p->c->n_host == CERTIFY_HOST_MAX)
		return fail(p, "more than %d host lines in a case", CERTIFY_HOST_MAX);
	if (read_when(p, w[1], &b) != CERTIFY_OK)
		return CERTIFY_ESUITE;
	for (size_t i = 0; i < sizeof effects / sizeof effects[0]; i++)
		if (strcmp(effects[i].name, w[2]) == 0)
			e = (int)i;
	if (e < 0)
		return fail(p,
		            "unknown effect %s (pass answer lose late bad-mac bad-kcv "
		            "totals-differ close)",
		            w[2]);
	if (effects[e].only[0] != '\0' && strcmp(effects[e].only, b.mti) != 0)
		return fail(p, "%s applies to %s only", w[2], effects[e].only);
	b.effect = (enum certify_effect)e;
	if (b.effect == CERTIFY_ANSWER && n != 4)
		return fail(p, "answer needs a response code (answer A0)");
	if (b.effect != CERTIFY_ANSWER && n == 4)
		return fail(p, "%s takes no response code", w[2]);
	if (n == 4 && (strlen(w[3]) != 2 || rcode_find(w[3])->code[0] == '\0'))
		return fail(p, "%s is not a response code (docs/cup-pos.md \"Response codes\")",
		            w[3]);
	if (n == 4)
		strcpy(b.rc, w[3]);
	p->c->host[p->c->n_host++] = b;
	return CERTIFY_OK;
}

/* MTI[|MTI…] of an `expect` into e. */
static int read_mtis(struct parser *p, char *list, struct certify_expect *e)
{
	size_t n = strlen(list);
	char *save;

	if (n == 0 || list[0] == '|' || list[n - 1] == '|' || strstr(list, "||") != NULL)
		return fail(p, "expect needs an MTI (0200, or 0400|0420)");
	for (char *m = strtok_r(list, "|", &save); m != NULL; m = strtok_r(NULL, "|", &save)) {
		if (e->n_mtis == CERTIFY_MTIS_MAX)
			return fail(p, "more than %d MTIs in an expect", CERTIFY_MTIS_MAX);
		if (check_mti(p, m) != CERTIFY_OK)
			return CERTIFY_ESUITE;
		strcpy(e->mtis[e->n_mtis++], m);
	}
	return CERTIFY_OK;
}

static int read_expect(struct parser *p, char **w, int n, const char *rest)
{
	struct certify_expect *e;
	int i = 1;

	(void)rest;
	if (p->c->n_expects == CERTIFY_EXPECT_MAX)
		return fail(p, "more than %d expect lines in a case", CERTIFY_EXPECT_MAX);
	e = &p->c->expects[p->c->n_expects];
	memset(e, 0, sizeof *e);
	e->line = p->line;
	if (i < n && strcmp(w[i], "none") == 0) {
		e->none = true;
		i++;
	}
	if (n > i && strcmp(w[n - 1], "+") == 0) {
		e->many = true;
		n--;
	}
	if (e->none && e->many)
		return fail(p, "expect none matches nothing: it takes no +");
	if (i == n)
		return fail(p, "expect needs an MTI (0200, or 0400|0420)");
	if (read_mtis(p, w[i++], e) != CERTIFY_OK)
		return CERTIFY_ESUITE;
	for (; i < n; i++) {
		if (e->n_conds == CERTIFY_CONDS_MAX)
			return fail(p, "more than %d conditions in an expect", CERTIFY_CONDS_MAX);
		if (read_cond(p, w[i], &e->conds[e->n_conds++]) != CERTIFY_OK)
			return CERTIFY_ESUITE;
	}
	p->c->n_expects++;
	return CERTIFY_OK;
}

static int read_check(struct parser *p, char **w, int n, const char *rest)
{
	struct certify_case *c = p->c;

	(void)rest;
	if (n != 2 || !word_in(CHECKS, w[1]))
		return fail(p, "unknown check %s (receipt, upload-complete)",
		            n >= 2 ? w[1] : "(none)");
	for (int i = 0; i < c->n_checks; i++)
		if (strcmp(c->checks[i], w[1]) == 0)
			return fail(p, "check %s twice", w[1]);
	if (c->n_checks == CERTIFY_CHECKS_MAX)
		return fail(p, "more than %d check lines in a case", CERTIFY_CHECKS_MAX);
	strcpy(c->checks[c->n_checks++], w[1]);
	return CERTIFY_OK;
}

static const struct statement {
	const char *name;
	bool text;    /* takes the rest of the line as it is, '#' included */
	bool in_case; /* only after `case ID` */
	int (*read)(struct parser *p, char **w, int n, const char *rest);
} statements[] = {
    {"suite", false, false, read_suite},    {"title", true, false, read_text},
    {"title.zh", true, false, read_text},   {"timeout", false, false, read_timeout},
    {"case", false, false, read_case},      {"operator", true, true, read_text},
    {"operator.zh", true, true, read_text}, {"terminal", true, true, read_text},
    {"terminal.zh", true, true, read_text}, {"do", false, true, read_do},
    {"setup", true, true, read_setup},      {"host", false, true, read_host},
    {"expect", false, true, read_expect},   {"check", false, true, read_check},
};

/* Cuts buf at a comment: '#' at the start of a word. */
static void cut_comment(char *buf)
{
	for (char *s = buf; *s != '\0'; s++)
		if (*s == '#' && (s == buf || *(s - 1) == ' ' || *(s - 1) == '\t')) {
			*s = '\0';
			return;
		}
}

/* Trims spaces and tabs from both ends of s, in place. */
static char *trim(char *s)
{
	size_t n;

	s += strspn(s, " \t");
	n = strlen(s);
	while (n > 0 && (s[n - 1] == ' ' || s[n - 1] == '\t'))
		s[--n] = '\0';
	return s;
}

/* The statement in buf, a line of the file (NUL-terminated, no line break). */
static int read_statement(struct parser *p, char *buf)
{
	const struct statement *st = NULL;
	char *w[WORDS_MAX], *rest, *save, *line = trim(buf);
	size_t kw = strcspn(line, " \t");
	int n = 0;

	if (line[0] == '#' || line[0] == '\0')
		return CERTIFY_OK;
	for (size_t i = 0; i < sizeof statements / sizeof statements[0]; i++)
		if (strlen(statements[i].name) == kw && strncmp(statements[i].name, line, kw) == 0)
			st = &statements[i];
	if (st == NULL)
		return fail(p, "unknown statement %.*s", (int)kw, line);
	if (p->s->name[0] == '\0' && st->read != read_suite)
		return fail(p, "%s before the suite statement (a suite starts with `suite NAME`)",
		            st->name);
	if (st->in_case && p->c == NULL)
		return fail(p, "%s outside a case (after `case ID`)", st->name);
	rest = trim(line + kw);
	if (st->text) {
		line[kw] = '\0';
		w[n++] = line;
		return st->read(p, w, n, rest);
	}
	cut_comment(line);
	for (char *t = strtok_r(line, " \t", &save); t != NULL; t = strtok_r(NULL, " \t", &save)) {
		if (n == WORDS_MAX)
			return fail(p, "more than %d words in a statement", WORDS_MAX);
		w[n++] = t;
	}
	return st->read(p, w, n, "");
}

static int read_lines(struct parser *p, const char *text, size_t len)
{
	char buf[LINE_MAX_BYTES + 1];
	int rc = CERTIFY_OK;

	for (size_t at = 0, next; at < len && rc == CERTIFY_OK; at = next) {
		const char *nl = memchr(text + at, '\n', len - at);
		size_t n = nl != NULL ? (size_t)(nl - text) - at : len - at;

		next = at + n + 1;
		p->line++;
		if (n > 0 && text[at + n - 1] == '\r')
			n--;
		if (n > LINE_MAX_BYTES)
			return fail(p, "a line longer than %d bytes", LINE_MAX_BYTES);
		memcpy(buf, text + at, n);
		buf[n] = '\0';
		if (strlen(buf) != n)
			return fail(p, "a NUL byte in the line");
		rc = read_statement(p, buf);
	}
	return rc;
}

int certify_suite_parse(const char *name, const char *text, size_t len, struct certify_suite **out,
                        char *err, size_t errlen)
{
	struct parser p = {.name = name};
	int rc;

	*out = NULL;
	if ((p.s = calloc(1, sizeof *p.s)) == NULL)
		return snprintf(err, errlen, "%s: out of memory", name), CERTIFY_ENOMEM;
	p.s->timeout = 60;
	snprintf(p.s->path, sizeof p.s->path, "%s", name);
	rc = read_lines(&p, text, len);
	if (rc == CERTIFY_OK && p.s->name[0] == '\0')
		rc = fail_at(&p, p.line > 0 ? p.line : 1,
		             "no suite statement (a suite starts with "
		             "`suite NAME`)");
	if (rc == CERTIFY_OK && p.s->n_cases == 0)
		rc = fail(&p, "no case in the suite");
	if (rc == CERTIFY_OK)
		rc = finish_case(&p);
	if (rc == CERTIFY_ENOMEM)
		snprintf(err, errlen, "%s:%d: out of memory", name, p.line);
	else if (rc != CERTIFY_OK)
		snprintf(err, errlen, "%s:%d: %s", name, p.fault_line, p.why);
	if (rc != CERTIFY_OK) {
		certify_suite_free(p.s);
		return rc;
	}
	*out = p.s;
	return CERTIFY_OK;
}

int certify_suite_load(const char *name_or_path, struct certify_suite **out, char *err,
                       size_t errlen)
{
	size_t n = strlen(name_or_path), len;
	char *text;
	int rc;

	*out = NULL;
	if (strchr(name_or_path, '/') == NULL &&
	    (n < 6 || strcmp(name_or_path + n - 6, ".suite") != 0)) {
		for (size_t i = 0; i < sizeof builtins / sizeof builtins[0]; i++)
			if (strcmp(builtins[i].name, name_or_path) == 0)
				return certify_suite_parse(name_or_path, builtins[i].text,
				                           strlen(builtins[i].text), out, err,
				                           errlen);
		snprintf(err, errlen,
		         "%s: no built-in suite of that name (cup-pos), nor a file "
		         "(a path has a '/' or ends in .suite)",
		         name_or_path);
		return CERTIFY_ENOTFOUND;
	}
	if (file_read_all(name_or_path, FILE_MAX, &text, &len) != 0) {
		snprintf(err, errlen, "%s: %s", name_or_path, strerror(errno));
		return CERTIFY_ENOTFOUND;
	}
	rc = certify_suite_parse(name_or_path, text, len, out, err, errlen);
	free(text);
	return rc;
}

const char *certify_effect_name(enum certify_effect e)
{
	return (size_t)e < sizeof effects / sizeof effects[0] ? effects[e].name : "?";
}

void certify_suite_free(struct certify_suite *s)
{
	if (s == NULL)
		return;
	free(s->cases);
	free(s);
}

const struct certify_case *certify_suite_case(const struct certify_suite *s, const char *id)
{
	for (size_t i = 0; i < s->n_cases; i++)
		if (strcmp(s->cases[i].id, id) == 0)
			return &s->cases[i];
	return NULL;
}
