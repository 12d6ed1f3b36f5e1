/* mark.c — an operator's change marks the terminals it reaches as needing a download (their
 * rows' tms_pending, docs/tms.md "Downloads"), in the change's transaction: called by the
 * parameters', the CA keys' and the AIDs' changes. A rollout, whose terminals no level names
 * (a percentage is a hash of each TID), marks them one by one (rollout.c). */
#include "tms/internal.h"

#include <stdio.h>

int tms_pending_mark(tms *t, const char *level, const char *name, int bits)
{
	struct store_tms_mark m = {.bits = bits};

	snprintf(m.level, sizeof m.level, "%s", level);
	snprintf(m.name, sizeof m.name, "%s", name != NULL ? name : "");
	return tms_from_store(store_tms_mark(t->s, &m));
}
