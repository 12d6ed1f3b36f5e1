/* internal.h — what the terminal management module's files share: the handle, the mapping of
 * store and audit codes, and the end of a change's transaction. */
#ifndef POSSUM_TMS_INTERNAL_H
#define POSSUM_TMS_INTERNAL_H

#include "tms/tms.h"

struct tms {
	store *s;
	struct tms_config cfg;
};

/* A tms code for a store one, and for an audit one. */
int tms_from_store(int rc);
int tms_from_audit(int rc);

/* Ends the transaction a change opened: committed when rc is TMS_OK (then the commit's
 * result), else rolled back (then rc). */
int tms_end(tms *t, int rc);

#endif
