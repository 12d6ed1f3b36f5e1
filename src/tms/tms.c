/* tms.c — the terminal management module's handle, its error names, and what its parts share:
 * the mapping of store and audit codes and the end of a change's transaction. */
#include "tms/internal.h"

#include <stdlib.h>

#include "audit/audit.h"

const char *tms_strerror(int rc)
{
	switch (rc) {
	case TMS_OK:
		return "ok";
	case TMS_EARG:
		return "bad argument";
	case TMS_ESTORE:
		return "the store failed";
	case TMS_ENOTFOUND:
		return "not found";
	case TMS_ENOMEM:
		return "out of memory";
	case TMS_ESPACE:
		return "the buffer is too small";
	case TMS_EREADONLY:
		return "read only";
	default:
		return "unknown tms error";
	}
}

int tms_from_store(int rc)
{
	switch (rc) {
	case STORE_OK:
		return TMS_OK;
	case STORE_ENOTFOUND:
		return TMS_ENOTFOUND;
	case STORE_ENOMEM:
		return TMS_ENOMEM;
	default:
		return TMS_ESTORE;
	}
}

int tms_from_audit(int rc)
{
	switch (rc) {
	case AUDIT_OK:
		return TMS_OK;
	case AUDIT_EARG:
	case AUDIT_EBIG:
		return TMS_EARG;
	default:
		return TMS_ESTORE;
	}
}

int tms_end(tms *t, int rc)
{
	if (rc == TMS_OK)
		return tms_from_store(store_commit(t->s));
	store_rollback(t->s);
	return rc;
}

int tms_open(store *s, const struct tms_config *cfg, tms **out)
{
	tms *t;

	if (s == NULL || cfg == NULL || out == NULL)
		return TMS_EARG;
	if ((t = calloc(1, sizeof *t)) == NULL)
		return TMS_ENOMEM;
	*t = (struct tms){.s = s, .cfg = *cfg};
	*out = t;
	return TMS_OK;
}

void tms_close(tms *t)
{
	free(t);
}
