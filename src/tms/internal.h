/* internal.h — what the terminal management module's files share: the handle, the mapping of
 * store codes, a change's audit entry and the end of its transaction, a download form's
 * version. */
#ifndef POSSUM_TMS_INTERNAL_H
#define POSSUM_TMS_INTERNAL_H

#include "store/store_audit.h"
#include "tms/tms.h"

struct tms {
	store *s;
	struct tms_config cfg;
	hsm *h; /* tms_set_signer(): the caller's; NULL until then */
	hsm_key sign;
};

/* A tms code for a store one. */
int tms_from_store(int rc);

/* Ends the transaction a change opened: committed when rc is TMS_OK (then the commit's
 * result), else rolled back (then rc). */
int tms_end(tms *t, int rc);

/* Records the audit entry of a change (audit_record() in the change's transaction), a tms
 * code. */
int tms_audit(tms *t, const char *actor, const char *action, const char *object,
              const json_t *before, const json_t *after, int64_t now);

/* A download form being written by a list's walk: buf (capacity cap), len bytes so far, the
 * first failure. */
struct tms_form {
	uint8_t *buf;
	size_t cap, len;
	int rc;
};

/* The download form encode writes at date, in a buffer grown until it fits (*form, *len
 * bytes: the caller frees it). */
int tms_form_make(tms *t, int date,
                  int (*encode)(tms *t, int date, uint8_t *buf, size_t cap, size_t *len),
                  uint8_t **form, size_t *len);

/* The version (tms_version_of()) of the download form encode writes at date, in a buffer
 * grown until it fits. */
int tms_form_version(tms *t, int date,
                     int (*encode)(tms *t, int date, uint8_t *buf, size_t cap, size_t *len),
                     char version[9]);

/* mark.c: sets bits (TMS_PENDING_*) in tms_pending of the terminals that level ("all",
 * "model", "merchant", "terminal": store_tms.h's words) and name reach, in the caller's
 * transaction. */
int tms_pending_mark(tms *t, const char *level, const char *name, int bits);

/* rollout.c: a model's minimum as the store keeps it (row) in the module's form (*m). */
struct store_tms_minimum;
void tms_minimum_from_row(const struct store_tms_minimum *row, struct tms_minimum *m);

/* aid.c: tms_aid_encode() with a date it does not use, as tms_form_make() calls it. */
int tms_aid_encode_dated(tms *t, int date, uint8_t *buf, size_t cap, size_t *len);

#endif
