/* sql.c — the PostgreSQL engine's rewriting of SQL (sql.h): SQLite's `?` and `?N` parameters as
 * `$N`, quoted text and comments copied through, a blob literal X'…' as a bytea '\x…', an
 * insert's NULL id as DEFAULT, ON CONFLICT DO NOTHING and RETURNING id appended on demand. */
#include <ctype.h>
#include <stdbool.h>
#include <stdio.h>
#include <string.h>
#include <strings.h>

#include "store/pg/sql.h"
#include "store/store.h"

/* The output so far: n bytes of cap written (past cap: too small, counted on). */
struct out {
	char *p;
	size_t n, cap;
};

static void put(struct out *o, const char *s, size_t len)
{
	if (o->n + len < o->cap)
		memcpy(o->p + o->n, s, len);
	o->n += len;
}

/* The length of the quoted text or comment at in (its opening and closing included), 0 when
 * in starts none, -1 when it is not closed. */
static long skip_quoted(const char *in)
{
	const char *end;

	if (in[0] == '\'' || in[0] == '"') {
		/* A quote doubled inside is one quote, not the end. */
		for (end = in + 1; *end != '\0'; end++)
			if (*end == in[0] && *++end != in[0])
				return end - in;
		return -1;
	}
	if (in[0] == '-' && in[1] == '-')
		return (long)(strcspn(in, "\n") + (in[strcspn(in, "\n")] == '\n'));
	if (in[0] == '/' && in[1] == '*')
		return (end = strstr(in + 2, "*/")) != NULL ? end + 2 - in : -1;
	return 0;
}

/* The parameter at in (a `?`, maybe its number): $N written, *used the bytes read. */
static int parameter(const char *in, int *max, struct out *o, size_t *used)
{
	char num[16];
	long n = 0;
	size_t i = 1;

	while (isdigit((unsigned char)in[i]) && n <= STORE_PG_PARAMS_MAX)
		n = n * 10 + (in[i++] - '0');
	if (i == 1)
		n = *max + 1;
	if (n < 1 || n > STORE_PG_PARAMS_MAX)
		return STORE_EARG;
	if (n > *max)
		*max = (int)n;
	put(o, num, (size_t)snprintf(num, sizeof num, "$%ld", n));
	*used = i;
	return STORE_OK;
}

static bool ident_char(char c)
{
	return isalnum((unsigned char)c) || c == '_';
}

/* in past its leading space and the keyword kw (and the space after it): NULL when in does not
 * start with kw, in any case. */
static const char *keyword(const char *in, const char *kw)
{
	size_t n = strlen(kw);

	while (isspace((unsigned char)*in))
		in++;
	if (strncasecmp(in, kw, n) != 0 || ident_char(in[n]))
		return NULL;
	for (in += n; isspace((unsigned char)*in); in++)
		;
	return in;
}

/* Whether in is an INSERT whose first column is id: INSERT INTO name (id, … */
static bool insert_of_id(const char *in)
{
	if ((in = keyword(in, "INSERT")) == NULL || (in = keyword(in, "INTO")) == NULL)
		return false;
	while (ident_char(*in))
		in++;
	while (isspace((unsigned char)*in))
		in++;
	return *in++ == '(' && (in = keyword(in, "id")) != NULL && *in == ',';
}

unsigned store_pg_sql_flags(const char *in)
{
	const char *rest = keyword(in, "INSERT");

	if (rest == NULL || keyword(rest, "OR") != NULL || strstr(in, "ON CONFLICT") != NULL ||
	    strstr(in, "RETURNING") != NULL)
		return 0;
	return STORE_PG_SQL_DO_NOTHING;
}

/* A blob literal X'…' at in (its X not the end of a word: start is the text's beginning):
 * PostgreSQL's bytea '\x…' written, *used the bytes read; 0 when in starts none, -1 when it
 * is not closed or not hex. */
static long blob_literal(const char *start, const char *in, struct out *o)
{
	long q;

	if ((in[0] != 'X' && in[0] != 'x') || in[1] != '\'' || (in > start && ident_char(in[-1])))
		return 0;
	if ((q = skip_quoted(in + 1)) < 0 || (q - 2) % 2 != 0)
		return -1;
	for (long i = 2; i < q; i++)
		if (!isxdigit((unsigned char)in[i]))
			return -1;
	put(o, "'\\x", 3);
	put(o, in + 2, (size_t)q - 2);
	put(o, "'::bytea", 8);
	return q + 1;
}

int store_pg_sql(const char *in, unsigned flags, char *out, size_t cap, int *nparams)
{
	const char *start = in;
	static const char null_id[] = "VALUES (NULL";
	struct out o = {out, 0, cap};
	int rc, max = 0;
	bool id_default;
	size_t len;
	long q;

	if (in == NULL || out == NULL || cap == 0 || nparams == NULL)
		return STORE_EARG;
	id_default = insert_of_id(in);
	while (*in != '\0') {
		if ((q = blob_literal(start, in, &o)) != 0) {
			if (q < 0)
				return STORE_EARG;
			in += q;
			continue;
		}
		if ((q = skip_quoted(in)) < 0)
			return STORE_EARG;
		if (q > 0) {
			put(&o, in, (size_t)q);
			in += q;
		} else if (id_default && strncasecmp(in, null_id, sizeof null_id - 1) == 0 &&
		           !ident_char(in[sizeof null_id - 1])) {
			/* SQLite's NULL for its rowid is the identity's next value here. */
			put(&o, "VALUES (DEFAULT", 15);
			in += sizeof null_id - 1;
			id_default = false;
		} else if (*in == '?') {
			if ((rc = parameter(in, &max, &o, &len)) != STORE_OK)
				return rc;
			in += len;
		} else if ((*in == ':' || *in == '@' || *in == '$') && ident_char(in[1])) {
			return STORE_EARG;
		} else {
			put(&o, in++, 1);
		}
	}
	if ((flags & (STORE_PG_SQL_RETURNING_ID | STORE_PG_SQL_DO_NOTHING)) != 0)
		while (o.n > 0 && o.n < cap &&
		       (isspace((unsigned char)out[o.n - 1]) || out[o.n - 1] == ';'))
			o.n--;
	if ((flags & STORE_PG_SQL_DO_NOTHING) != 0)
		put(&o, " ON CONFLICT DO NOTHING", 23);
	if ((flags & STORE_PG_SQL_RETURNING_ID) != 0)
		put(&o, " RETURNING id", 13);
	if (o.n >= cap)
		return STORE_ESPACE;
	out[o.n] = '\0';
	*nparams = max;
	return STORE_OK;
}
