/* audit.c — audit_record(): the checks on an entry and its one row. */
#include "audit/audit.h"

#include <assert.h>
#include <stdlib.h>
#include <string.h>

#include "common/jsonval.h"
#include "common/text.h"

const char *audit_strerror(int rc)
{
	switch (rc) {
	case AUDIT_OK:
		return "ok";
	case AUDIT_EARG:
		return "bad audit entry";
	case AUDIT_ESTORE:
		return "the store failed";
	case AUDIT_EBIG:
		return "audit state too long";
	default:
		return "unknown audit error";
	}
}

/* Writes v (NULL: null) as compact JSON into out. */
static int state_text(const json_t *v, char out[STORE_AUDIT_STATE_MAX])
{
	size_t n;

	if (v == NULL) {
		strcpy(out, "null");
		return AUDIT_OK;
	}
	n = json_dumpb(v, out, STORE_AUDIT_STATE_MAX - 1, JSON_COMPACT | JSON_ENCODE_ANY);
	if (n == 0 || n >= STORE_AUDIT_STATE_MAX)
		return AUDIT_EBIG;
	out[n] = '\0';
	return AUDIT_OK;
}

int audit_record(store *s, const char *actor, const char *action, const char *object,
                 const json_t *before, const json_t *after, int64_t now)
{
	struct store_audit *a;
	int rc;

	assert(store_depth(s) > 0);
	if (actor == NULL || action == NULL || object == NULL ||
	    !text_is_line(actor, STORE_AUDIT_ACTOR_MAX - 1) ||
	    !text_is_line(action, STORE_AUDIT_ACTION_MAX - 1) ||
	    !text_is_line(object, STORE_AUDIT_OBJECT_MAX - 1))
		return AUDIT_EARG;
	/* Two states of 4 KiB: on the heap rather than the caller's stack. */
	if ((a = calloc(1, sizeof *a)) == NULL)
		return AUDIT_ESTORE;
	strcpy(a->actor, actor);
	strcpy(a->action, action);
	strcpy(a->object, object);
	a->at = now;
	if ((rc = state_text(before, a->before)) != AUDIT_OK ||
	    (rc = state_text(after, a->after)) != AUDIT_OK)
		goto out;
	rc = store_audit_insert(s, a) == STORE_OK ? AUDIT_OK : AUDIT_ESTORE;
out:
	free(a);
	return rc;
}

json_t *audit_entry_json(const struct store_audit *a, int utc_offset)
{
	return json_pack("{s:I, s:o, s:s, s:s, s:s, s:o, s:o}", "id", (json_int_t)a->id, "at",
	                 jsonval_time(a->at, utc_offset), "actor", a->actor, "action", a->action,
	                 "object", a->object, "before",
	                 json_loads(a->before, JSON_DECODE_ANY, NULL), "after",
	                 json_loads(a->after, JSON_DECODE_ANY, NULL));
}
