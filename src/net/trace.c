/* trace.c — the masked message log (trace.h). */
#include "net/trace.h"

#include <stdio.h>

#include <jansson.h>

#include "card/card.h"

/* The fields of m as {"2":…}, each masked; NULL when one is not UTF-8 text. */
static json_t *masked_fields(const iso8583_profile *p, const iso8583_msg *m)
{
	char text[ISO8583_TEXT_MAX + 1];
	json_t *fields = json_object(), *v;
	char path[8];
	size_t len;

	for (int f = iso8583_next(m, 1); f != 0; f = iso8583_next(m, f)) {
		if (iso8583_field_text(p, m, f, text, sizeof text, &len) != ISO8583_OK)
			continue;
		snprintf(path, sizeof path, "%d", f);
		card_mask_field(path, text, len);
		if ((v = json_stringn(text, len)) == NULL) /* not UTF-8: starred */
			v = json_string("*");
		json_object_set_new(fields, path, v);
	}
	return fields;
}

void net_trace(possum_log *log, const iso8583_profile *p, const char *link, const char *direction,
               const char *peer, const uint8_t *msg, size_t len)
{
	size_t skip = (size_t)p->tpdu_len + p->header_len;
	iso8583_diag diag;
	iso8583_msg m;
	json_t *f;

	f = json_pack("{s:s, s:s, s:s}", "link", link, "direction", direction, "peer", peer);
	if (len < skip || iso8583_unpack(p, msg + skip, len - skip, &m, &diag) != ISO8583_OK) {
		json_object_set_new(
		    f, "error", json_string(len < skip ? "shorter than its envelope" : diag.text));
		log_event(log, LOG_DEBUG, "message", f);
		return;
	}
	json_object_set_new(f, "mti", json_string(m.mti));
	json_object_set_new(f, "fields", masked_fields(p, &m));
	log_event(log, LOG_DEBUG, "message", f);
}
