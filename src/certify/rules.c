/* rules.c — the rules every request of a terminal under test obeys (docs/certify.md "Rules"),
 * whatever its case expects: each request checked in order, once, with what a correct terminal
 * holds carried from case to case — its keys (the TMK; then the working keys of each approved
 * 0810, imported from field 62 under the TMK with their check values, as src/term/messages.c
 * does; a sign-in whose keys do not match them leaves the keys as they were), the STANs of its
 * batch, its batch, its SN and application version.
 *
 * The rules, each a finding of its name: format (the request unpacks and is a transaction of
 * docs/cup-pos.md "Messages"; "fields" when it lacks a field the transaction needs or carries
 * one it does not take), mac, stan, track, identity, pin, batch. Track data is decrypted into
 * a buffer that is wiped at once; findings show no track, PIN block or whole card number. */
#include "certify/internal.h"

#include <assert.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "common/grow.h"
#include "common/hex.h"
#include "crypto/crypto.h"
#include "iso8583/profile.h"
#include "rcode/rcode.h"

#define RULES_ENVELOPE 11 /* TPDU 5 + header 6 before the MTI, where the MAC starts */
#define RULES_MAC_LEN  8
#define RULES_BIT(f)   (UINT64_C(1) << ((f)-1))

/* How a row of the table is told from the others and what it asks. */
enum {
	TX_CARD = 1,      /* a card's: fields 2 14 23 26 35 36 52 53 55 by its entry mode (below),
	                     22 not 03x */
	TX_QR = 2,        /* a QR code's: 22 is 03x */
	TX_IDENTITY = 4,  /* 59 A2 01–05 required and checked (purchase, pre-authorization) */
	TX_REVERSAL = 8,  /* 3, 25 and 60.1 as its original's */
	TX_NO_TRACE = 16, /* takes no STAN of the batch: one it may use again (QR query, results) */
};

/* docs/cup-pos.md "Messages", one row a transaction: the MTI, 3, 25, 60.1 and 60.3 it is sent
 * with (NULL: not selected on — "–" in the table, or "as original"; '|' between alternatives)
 * and the fields of the request, "(F)" where the field may be absent. Where the table's list
 * and what terminals send part, the row says why: the card's own fields go by how it was read
 * (entry_modes); 59 is required where docs/cup-pos.md says it is sent (purchase and
 * pre-authorization) and allowed where the table has "as purchase"; 64 is the mac rule's. */
struct rules_txn {
	const char *name;
	const char *mti, *f3, *f25, *f601, *f603;
	unsigned flags;
	const char *fields;
};

#define AS_PURCHASE "2 3 4 11 14 22 23 25 26 35 41 42 49 52 53 55 (59) 60 64"

static const struct rules_txn rules_txns[] = {
    /* transaction  MTI  F3  F25  60.1  60.3  flags  fields of the request */
    {"sign-in", "0800", NULL, NULL, "00", "004", 0, "11 41 42 (59) 60 63"},
    {"sign-out", "0820", NULL, NULL, "00", "002", 0, "11 41 42 60"},
    {"echo test", "0820", NULL, NULL, "00", "301", 0, "11 41 42 60"},
    {"download", "0820", NULL, NULL, "00", "360|370|380", 0, "11 41 42 60 62"},
    {"downloaded set applied", "0820", NULL, NULL, "00", "361|371|381", 0, "11 41 42 60 62"},
    /* docs/cup-pos.md "Downloads": a software update's chunk and its report (59 A2 02, 05). */
    {"software update", "0820", NULL, NULL, "00", "390", 0, "11 41 42 60 62"},
    {"software update report", "0820", NULL, NULL, "00", "391", 0, "11 41 42 59 60 62"},
    {"balance inquiry", "0200", "310000", "00", "01", "000", TX_CARD,
     "2 3 11 14 22 25 26 35 41 42 49 52 53 55 60 64"},
    {"purchase", "0200", "000000", "00", "22", "000", TX_CARD | TX_IDENTITY,
     "2 3 4 11 14 22 23 25 26 35 41 42 49 52 53 55 59 60 64"},
    {"void", "0200", "200000", "00", "23", "000", TX_CARD, AS_PURCHASE " 37 38 61"},
    {"refund", "0220", "200000", "00", "25", "000", TX_CARD, AS_PURCHASE " 37 61 63"},
    {"pre-authorization", "0100", "030000", "06", "10", "000", TX_CARD | TX_IDENTITY,
     "2 3 4 11 14 22 23 25 26 35 41 42 49 52 53 55 59 60 64"},
    {"pre-authorization cancel", "0100", "200000", "06", "11", "000", TX_CARD,
     AS_PURCHASE " 38 61"},
    {"pre-authorization completion", "0200", "000000", "06", "20", "000", TX_CARD,
     AS_PURCHASE " 38 61"},
    {"completion void", "0200", "200000", "06", "21", "000", TX_CARD, AS_PURCHASE " 37 38 61"},
    {"card authentication", "0100", "330000", "00", "40", "000", TX_CARD,
     "2 3 (4) 11 14 22 25 35 41 42 49 52 53 55 60 62 64"},
    {"QR payment", "0200", "000000", "00", "22", "000", TX_QR,
     "2 3 4 11 22 25 (26) (52) 41 42 49 60 64"},
    /* 63: the reference terminal sends none on a QR refund. */
    {"QR refund", "0220", "200000", "00", "25", "000", TX_QR,
     "3 4 11 22 25 37 41 42 49 60 (61) (63) 64"},
    {"QR query", "0100", "300000", "00", "26", "000", TX_NO_TRACE, "3 11 41 42 60 61 64"},
    {"QR results", "0100", "320000", "00", "27", "000", TX_NO_TRACE, "3 11 41 42 60 62 64"},
    /* The original's card fields as it had them (a QR refund's: none; a chip card's 23, 55;
     * a void's or refund's 37, 38); 61 when the original had one. */
    {"reversal", "0400", NULL, NULL, NULL, "000", TX_REVERSAL,
     "(2) 3 4 11 (14) 22 (23) 25 (37) (38) 39 41 42 49 (55) 60 (61) 64"},
    {"settlement", "0500", NULL, NULL, "00", "201", 0, "11 41 42 48 49 60 63"},
    {"batch upload", "0320", NULL, NULL, "00", "201|203", 0, "11 41 42 48 (55) 60"},
    {"end of batch upload", "0320", NULL, NULL, "00", "202", 0, "11 41 42 (48) 60"},
};

/* The card's own fields of a card transaction by how the card was read (22's first two
 * digits): a number (2, or the track's), its expiry where keyed in, the track where swiped,
 * the chip's data where read from the chip; PIN fields (26, 52, 53) where a PIN was entered or
 * a track sent. Those a mode does not name it may not carry. */
#define RULES_CARD_FIELDS "2 14 23 26 35 36 52 53 55"

static const struct rules_entry {
	const char *mode, *how, *fields;
} rules_entries[] = {
    {"01", "keyed in", "2 14 (26) (52) (53)"},
    {"02", "swiped", "(2) (14) (26) 35 (36) (52) (53)"},
    {"05", "read from the chip", "(2) (14) (23) (26) (35) (36) (52) (53) 55"},
    {"07", "read contactless", "(2) (14) (23) (26) (35) (36) (52) (53) (55)"},
};

/* A batch's STAN, taken. */
struct rules_stan {
	int batch, stan;
};

struct certify_rules {
	hsm *h;
	const iso8583_profile *p;
	hsm_key tmk, pik, mak, tdk;
	bool keyed;      /* an approved sign-in's keys held */
	bool refused;    /* the last approved sign-in's keys did not match their check values */
	char sn[51];     /* the SN registered */
	char version[9]; /* 59 A2 05 as first reported (or by the last 391), "" none yet */
	int batch;       /* the last sign-in's, or the next a settlement let; -1 none yet */
	bool closed;     /* a settlement approved since: a later batch may start */
	int last_stan;   /* the last new request's STAN; -1 none yet */
	struct rules_stan *used; /* the STANs taken, with their batches */
	size_t n_used, cap_used;
};

/* One request being checked. */
struct rules_look {
	certify_rules *r;
	struct certify_case_result *cr;
	const struct certify_msg *m;
	const iso8583_msg *q;
	const struct rules_txn *txn;     /* NULL: none fits */
	const struct rules_entry *entry; /* a card transaction's entry mode, NULL unknown */
	char head[48];                   /* "message 3 (0200 STAN 000124)" */
	char f22[4], f53[17];            /* "" absent */
	int stan, batch;                 /* -1 unreadable */
	char pan[20];                    /* from 2, else from 35 (decrypted): wiped after */
};

static void rules_find(struct rules_look *k, const char *rule, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));

static void rules_find(struct rules_look *k, const char *rule, const char *fmt, ...)
{
	char why[CERTIFY_WHY_MAX];
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(why, sizeof why, fmt, ap);
	va_end(ap);
	certify_find(k->cr, k->m->n, 0, rule, "%s: %s", k->head, why);
}

/* Field f of q as text into out, "" when absent or too long. */
static const char *rules_text(const iso8583_msg *q, int f, char *out, size_t cap)
{
	if (!iso8583_has(q, f) || iso8583_get(q, f, out, cap, NULL) != ISO8583_OK)
		out[0] = '\0';
	return out;
}

/* Sub-field pos of field 60 (60.1, 60.2, 60.3) of q into out (cap at least 4), "" absent. */
static const char *rules_f60(const iso8583_profile *p, const iso8583_msg *q, int pos, char *out,
                             size_t cap)
{
	char f60[18];
	const uint8_t *sub;
	size_t len;

	out[0] = '\0';
	rules_text(q, 60, f60, sizeof f60);
	if (f60[0] != '\0' &&
	    iso8583_sub_get(p, q->mti, 60, (const uint8_t *)f60, strlen(f60), pos, &sub, &len) ==
	        ISO8583_OK &&
	    len < cap) {
		memcpy(out, sub, len);
		out[len] = '\0';
	}
	return out;
}

/* Six digits as a number; -1 otherwise. */
static int rules_six(const char *text)
{
	return strlen(text) == 6 && strspn(text, "0123456789") == 6 ? atoi(text) : -1;
}

/* Whether got is one of want's '|'-separated alternatives; NULL want takes anything. */
static bool rules_is(const char *want, const char *got)
{
	size_t n = strlen(got);

	for (const char *w = want; w != NULL; w = strchr(w, '|'), w = w != NULL ? w + 1 : NULL)
		if (strncmp(w, got, n) == 0 && (w[n] == '\0' || w[n] == '|'))
			return true;
	return want == NULL;
}

/* A field list as the table writes it: "F" required, "(F)" optional. */
static void rules_fields(const char *list, uint64_t *need, uint64_t *may)
{
	*need = *may = 0;
	for (const char *s = list; *s != '\0';) {
		bool opt = *s == '(';
		char *end;
		long f = strtol(s + opt, &end, 10);

		assert(f >= 2 && f <= 64);
		*(opt ? may : need) |= RULES_BIT(f);
		s = end + opt;
		s += strspn(s, " ");
	}
}

/* Fields of mask as "14 (expiry date), 55 (EMV data)" into out. */
static void rules_names(const iso8583_profile *p, uint64_t mask, char *out, size_t cap)
{
	size_t n = 0;

	out[0] = '\0';
	for (int f = 2; f <= 64 && n < cap; f++)
		if (mask & RULES_BIT(f))
			n += (size_t)snprintf(out + n, cap - n, "%s%d (%s)", n > 0 ? ", " : "", f,
			                      p->fields[f].name != NULL ? p->fields[f].name : "?");
}

/* The row of the table q fits, or NULL. */
static const struct rules_txn *rules_txn_of(struct rules_look *k, const char *f3, const char *f25,
                                            const char *f601, const char *f603)
{
	bool qr = strncmp(k->f22, "03", 2) == 0;

	for (size_t i = 0; i < sizeof rules_txns / sizeof rules_txns[0]; i++) {
		const struct rules_txn *t = &rules_txns[i];

		if (strcmp(t->mti, k->q->mti) != 0 || !rules_is(t->f3, f3) ||
		    !rules_is(t->f25, f25) || !rules_is(t->f601, f601) || !rules_is(t->f603, f603))
			continue;
		if (((t->flags & TX_QR) && !qr) || ((t->flags & TX_CARD) && qr))
			continue;
		return t;
	}
	return NULL;
}

/* Whether a reversal's 3, 25 and 60.1 are those of a transaction terminals reverse. */
static bool rules_reverses(const char *f3, const char *f25, const char *f601)
{
	for (size_t i = 0; i < sizeof rules_txns / sizeof rules_txns[0]; i++) {
		const struct rules_txn *t = &rules_txns[i];

		if (t->f3 != NULL && strcmp(t->f3, f3) == 0 && strcmp(t->f25, f25) == 0 &&
		    strcmp(t->f601, f601) == 0 && !(t->flags & TX_NO_TRACE) &&
		    strcmp(t->mti, "0400") != 0)
			return true;
	}
	return false;
}

/* A card transaction's own fields: the entry mode's instead of the row's. */
static void rules_card_fields(struct rules_look *k, uint64_t *need, uint64_t *may)
{
	uint64_t card, e_need, e_may;

	rules_fields(RULES_CARD_FIELDS, &card, &e_may);
	for (size_t i = 0; i < sizeof rules_entries / sizeof rules_entries[0]; i++)
		if (strncmp(k->f22, rules_entries[i].mode, 2) == 0)
			k->entry = &rules_entries[i];
	*need &= ~card;
	*may &= ~card;
	if (k->entry == NULL) {
		*may |= card; /* the entry mode is the finding */
		rules_find(k, "format",
		           "field 22 (%s) names no entry mode of the dialect (01 keyed in, "
		           "02 swiped, 05 chip, 07 contactless)",
		           k->f22[0] != '\0' ? k->f22 : "absent");
		return;
	}
	rules_fields(k->entry->fields, &e_need, &e_may);
	*need |= e_need;
	*may |= e_may;
	/* A card number from field 2 or from the track: one of them. */
	if (!iso8583_has(k->q, 2) && !iso8583_has(k->q, 35))
		*need |= RULES_BIT(2);
}

/* The fields the transaction needs and those it takes: one finding for what lacks, one for
 * what it does not take. */
static void rules_check_fields(struct rules_look *k)
{
	const iso8583_profile *p = k->r->p;
	uint64_t need, may, have = 0, extra;
	char names[CERTIFY_WHY_MAX / 2], how[48] = "";

	rules_fields(k->txn->fields, &need, &may);
	if (k->txn->flags & TX_CARD)
		rules_card_fields(k, &need, &may);
	if (k->entry != NULL)
		snprintf(how, sizeof how, " with a card %s (22=%s)", k->entry->how, k->f22);
	for (int f = iso8583_next(k->q, 1); f != 0 && f <= 64; f = iso8583_next(k->q, f))
		have |= RULES_BIT(f);
	extra = have & ~(need | may);
	need &= ~RULES_BIT(64); /* where it lacks, the mac rule says */
	if (need & ~have) {
		rules_names(p, need & ~have, names, sizeof names);
		rules_find(k, "fields",
		           "lacks field %s, which the %s%s needs (docs/cup-pos.md "
		           "\"Messages\")",
		           names, k->txn->name, how);
	}
	if (extra != 0) {
		rules_names(p, extra, names, sizeof names);
		rules_find(k, "fields",
		           "carries field %s, which the %s%s does not take "
		           "(docs/cup-pos.md \"Messages\")",
		           names, k->txn->name, how);
	}
}

/* format: the request unpacks, is a transaction of the table, with its fields. */
static void rules_format(struct rules_look *k)
{
	char f3[8], f25[4], f601[4], f603[4];

	if (!k->m->rq_ok) {
		rules_find(k, "format", "does not unpack as cup-pos: %s", k->m->rq_error);
		return;
	}
	rules_text(k->q, 3, f3, sizeof f3);
	rules_text(k->q, 25, f25, sizeof f25);
	rules_f60(k->r->p, k->q, 1, f601, sizeof f601);
	rules_f60(k->r->p, k->q, 3, f603, sizeof f603);
	if ((k->txn = rules_txn_of(k, f3, f25, f601, f603)) == NULL) {
		rules_find(k, "format",
		           "3=%s 25=%s 60.1=%s 60.3=%s%s name no transaction of "
		           "docs/cup-pos.md \"Messages\"",
		           f3[0] ? f3 : "-", f25[0] ? f25 : "-", f601[0] ? f601 : "-",
		           f603[0] ? f603 : "-",
		           strncmp(k->f22, "03", 2) == 0 ? " (a QR code's)" : "");
		return;
	}
	if ((k->txn->flags & TX_REVERSAL) && !rules_reverses(f3, f25, f601))
		rules_find(k, "format",
		           "a reversal whose 3=%s 25=%s 60.1=%s name no transaction "
		           "that is reversed",
		           f3, f25, f601);
	rules_check_fields(k);
}

/* mac: the requests that move money or reverse carry 64, which verifies under the MAK of the
 * last approved sign-in. Before any, nothing to check it under: the host answers A0 itself. */
static void rules_mac(struct rules_look *k)
{
	static const char *const macced[] = {"0100", "0200", "0220", "0400"};
	const struct certify_msg *m = k->m;
	uint8_t mac[RULES_MAC_LEN + 1];
	size_t len;
	bool must = false;
	int rc;

	for (size_t i = 0; i < sizeof macced / sizeof macced[0]; i++)
		must = must || strcmp(k->q->mti, macced[i]) == 0;
	if (!must)
		return;
	if (!iso8583_has(k->q, 64) || iso8583_get(k->q, 64, mac, sizeof mac, &len) != ISO8583_OK ||
	    len != RULES_MAC_LEN || m->req_len < RULES_ENVELOPE + RULES_MAC_LEN) {
		rules_find(k, "mac", "carries no MAC (field 64), which every %s must", k->q->mti);
		return;
	}
	if (!k->r->keyed)
		return;
	rc = hsm_mac_verify(k->r->h, &k->r->mak, HSM_MAC_CUP_ECB, m->req + RULES_ENVELOPE,
	                    m->req_len - RULES_ENVELOPE - RULES_MAC_LEN, mac, RULES_MAC_LEN);
	if (rc == HSM_EVERIFY)
		rules_find(
		    k, "mac", "field 64 does not verify under the MAC key of the last sign-in%s",
		    k->r->refused ? " whose keys matched their check values (a terminal refuses "
		                    "keys that do not, and keeps its old ones)"
		                  : "");
	else if (rc != HSM_OK)
		rules_find(k, "mac", "field 64 could not be checked: %s", hsm_strerror(rc));
}

/* The message (from 1) that took batch's STAN, or 0. */
static size_t rules_stan_taken(const certify_rules *r, int batch, int stan)
{
	for (size_t i = 0; i < r->n_used; i++)
		if (r->used[i].batch == batch && r->used[i].stan == stan)
			return i + 1;
	return 0;
}

/* stan: 11 is 6 digits, not 000000; a new request's is above the last one's (999999 wraps to
 * 000001) and not taken before in its batch. A reversal carries its original's; a QR query's
 * or results' takes none of the batch. */
static void rules_stan(struct rules_look *k)
{
	certify_rules *r = k->r;
	char f11[8];
	struct rules_stan *grown;
	int ahead;

	if (k->stan < 0) {
		rules_find(k, "stan", "field 11 (%s) is not a STAN: 6 digits, not 000000",
		           rules_text(k->q, 11, f11, sizeof f11));
		return;
	}
	if (strcmp(k->q->mti, "0400") == 0 || (k->txn != NULL && (k->txn->flags & TX_NO_TRACE)))
		return;
	ahead = (k->stan - r->last_stan + 999999) % 999999;
	if (k->batch >= 0 && rules_stan_taken(r, k->batch, k->stan) > 0)
		rules_find(k, "stan",
		           "STAN %06d was used before in batch %06d; only a reversal of "
		           "that request may carry it again",
		           k->stan, k->batch);
	else if (r->last_stan >= 0 && (ahead == 0 || ahead >= 500000))
		rules_find(k, "stan", "STAN %06d is not above the last request's, %06d", k->stan,
		           r->last_stan);
	r->last_stan = k->stan;
	if (k->batch < 0 ||
	    (grown = grow_room(r->used, r->n_used, &r->cap_used, sizeof *grown, 64)) == NULL)
		return;
	r->used = grown;
	r->used[r->n_used++] = (struct rules_stan){k->batch, k->stan};
}

/* The card number of a track ("PAN=…") into k->pan, where 2 gave none. */
static void rules_track_pan(struct rules_look *k, const char *track)
{
	size_t n = strcspn(track, "=");

	if (k->pan[0] == '\0' && n < sizeof k->pan) {
		memcpy(k->pan, track, n);
		k->pan[n] = '\0';
	}
}

/* track: 35 and 36 travel under the track key (53's third digit 1) and decrypt under the
 * last sign-in's to digits and '=' (src/acquirer/terminal.c read_tracks). */
static void rules_track(struct rules_look *k)
{
	static const int fields[2] = {35, 36};
	uint8_t v[128];
	size_t len;
	int rc;

	for (size_t i = 0; i < 2; i++) {
		int f = fields[i];

		if (!iso8583_has(k->q, f) || iso8583_get(k->q, f, v, sizeof v, &len) != ISO8583_OK)
			continue;
		if (k->f53[2] != '1') {
			rules_find(
			    k, "track",
			    "field %d travels in the clear: field 53's third digit is "
			    "%s, not 1 (docs/cup-pos.md \"Track encryption\")",
			    f, k->f53[0] != '\0' ? (k->f53[2] == '0' ? "0" : "not 1") : "absent");
		} else if (k->r->keyed) {
			rc = hsm_track_crypt(k->r->h, &k->r->tdk, 0, v, len);
			if (rc != HSM_OK || strspn((const char *)v, "0123456789=") != len)
				rules_find(k, "track",
				           "field %d does not decrypt under the track key of the "
				           "last sign-in to a track (digits and '=')",
				           f);
			else if (f == 35)
				rules_track_pan(k, (const char *)v);
		}
		if (f == 35 && k->f53[2] != '1')
			rules_track_pan(k, (const char *)v);
		crypto_wipe(v, sizeof v);
	}
}

/* 59 A2's sub-fields 01–06 as sent. */
struct rules_a2 {
	bool a2;
	bool has[6];
	char v[6][64];
};

static int rules_a2_sub(void *ctx, const iso8583_subvalue *sv)
{
	struct rules_a2 *a = ctx;
	int tag;

	if (strcmp(sv->path, "59.A2") == 0)
		a->a2 = true;
	if (strncmp(sv->path, "59.A2.0", 7) != 0 || sv->path[8] != '\0')
		return 0;
	tag = sv->path[7] - '1';
	if (tag >= 0 && tag < 6 && sv->len < sizeof a->v[0]) {
		a->has[tag] = true;
		memcpy(a->v[tag], sv->data, sv->len);
		a->v[tag][sv->len] = '\0';
	}
	return 0;
}

/* Whether a purchase's or pre-authorization's A2 has all of 01–05; a finding if not. */
static bool rules_a2_whole(struct rules_look *k, const struct rules_a2 *a)
{
	char lacks[24] = "";
	size_t n = 0;

	for (int i = 0; i < 5; i++)
		if (!a->has[i])
			n += (size_t)snprintf(lacks + n, sizeof lacks - n, "%s0%d",
			                      n > 0 ? ", " : "", i + 1);
	if (n > 0)
		rules_find(k, "identity",
		           "59 A2 lacks %s, which every %s carries (docs/cup-pos.md "
		           "\"Terminal identity\")",
		           lacks, k->txn->name);
	return n == 0;
}

/* 03 the card's last six digits, 04 the SN's ciphertext: ISO 9797-1 algorithm 1 under the
 * track key over the SN and 03 (src/acquirer/terminal.c sn_ciphertext). */
static void rules_identity_card(struct rules_look *k, const struct rules_a2 *a)
{
	char data[sizeof a->v[1] + sizeof a->v[2]];
	uint8_t mac[4];
	size_t n = strlen(k->pan), len;
	int rc;

	if (n >= 6 && strcmp(k->pan + n - 6, a->v[2]) != 0)
		rules_find(k, "identity",
		           "59 A2 03 (%s) is not the last 6 digits of the card's number", a->v[2]);
	if (hex_decode(a->v[3], strlen(a->v[3]), mac, sizeof mac, &len) != HEX_OK ||
	    len != sizeof mac) {
		rules_find(k, "identity", "59 A2 04 (%s) is not 8 hex characters", a->v[3]);
		return;
	}
	if (!k->r->keyed)
		return;
	len = (size_t)snprintf(data, sizeof data, "%s%s", a->v[1], a->v[2]);
	rc = hsm_mac_verify(k->r->h, &k->r->tdk, HSM_MAC_ALG1, (const uint8_t *)data, len, mac,
	                    sizeof mac);
	if (rc == HSM_EVERIFY)
		rules_find(k, "identity",
		           "59 A2 04 does not verify: it is not the SN's ciphertext "
		           "under the track key of the last sign-in with factor %s",
		           a->v[2]);
	else if (rc != HSM_OK)
		rules_find(k, "identity", "59 A2 04 could not be checked: %s", hsm_strerror(rc));
}

/* identity: 59 A2 names the registered SN wherever it is sent; purchase and
 * pre-authorization carry 01–05, their factor and ciphertext right; 05 stays the same unless
 * a software update's report (391) says another. */
static void rules_identity(struct rules_look *k)
{
	char f59[1000], f603[4];
	struct rules_a2 a = {0};
	iso8583_diag diag = {0};
	bool full = k->txn != NULL && (k->txn->flags & TX_IDENTITY);
	bool report = strcmp(k->q->mti, "0820") == 0 &&
	              strcmp(rules_f60(k->r->p, k->q, 3, f603, sizeof f603), "391") == 0;

	if (!iso8583_has(k->q, 59))
		return; /* where it must be, the fields rule says */
	rules_text(k->q, 59, f59, sizeof f59);
	if (iso8583_explain(k->r->p, k->q->mti, 59, (const uint8_t *)f59, strlen(f59), rules_a2_sub,
	                    &a, NULL, &diag) != ISO8583_OK ||
	    !a.a2) {
		rules_find(k, "identity", "field 59 is not tag A2's sub-fields: %s",
		           diag.text[0] != '\0' ? diag.text : "no A2");
		return;
	}
	if (a.has[1] && strcmp(a.v[1], k->r->sn) != 0)
		rules_find(k, "identity",
		           "59 A2 02 names SN '%s', not the SN the terminal was "
		           "registered with ('%s')",
		           a.v[1], k->r->sn);
	if (full && rules_a2_whole(k, &a))
		rules_identity_card(k, &a);
	if (!a.has[4])
		return;
	if (k->r->version[0] != '\0' && strcmp(a.v[4], k->r->version) != 0 && !report)
		rules_find(k, "identity",
		           "59 A2 05 says version '%s', where earlier messages said "
		           "'%s', and no software update's report (391) came between",
		           a.v[4], k->r->version);
	if (k->r->version[0] == '\0' || report)
		snprintf(k->r->version, sizeof k->r->version, "%.8s", a.v[4]);
}

/* pin: a PIN block with 22's PIN digit 1, 53 "26…" (format 0, double-length TDES; a QR code's
 * wallet PIN has no 53) and 26. */
static void rules_pin(struct rules_look *k)
{
	char why[CERTIFY_WHY_MAX / 2] = "";
	size_t n = 0;

	if (!iso8583_has(k->q, 52))
		return;
	if (k->f22[0] == '\0')
		n += (size_t)snprintf(why + n, sizeof why - n, "; field 22 is absent");
	else if (k->f22[2] != '1')
		n += (size_t)snprintf(why + n, sizeof why - n,
		                      "; field 22's third digit is %c, not 1", k->f22[2]);
	if (strncmp(k->f22, "03", 2) != 0 && strncmp(k->f53, "26", 2) != 0)
		n += (size_t)snprintf(
		    why + n, sizeof why - n,
		    "; field 53 %s, not 26 (ISO 9564 format 0, double-length TDES)",
		    k->f53[0] != '\0' ? "starts otherwise" : "is absent");
	if (!iso8583_has(k->q, 26))
		snprintf(why + n, sizeof why - n, "; field 26 (PIN capture code) is absent");
	if (why[0] != '\0')
		rules_find(k, "pin", "carries a PIN block (field 52), but%s", why + 1);
}

/* batch: a financial request's 60.2 is the batch of the last sign-in, or a later one once a
 * settlement closed it. */
static void rules_batch(struct rules_look *k)
{
	certify_rules *r = k->r;
	int ahead = (k->batch - r->batch + 999999) % 999999;

	if (strcmp(k->q->mti, "0100") != 0 && strcmp(k->q->mti, "0200") != 0 &&
	    strcmp(k->q->mti, "0220") != 0)
		return;
	if (k->batch < 0) {
		rules_find(k, "batch", "60.2 is not a batch number (6 digits)");
	} else if (r->batch < 0 || k->batch == r->batch) {
		r->batch = k->batch;
	} else if (r->closed && ahead > 0 && ahead < 500000) {
		r->batch = k->batch;
		r->closed = false;
	} else {
		rules_find(
		    k, "batch",
		    "60.2 is batch %06d, but the terminal's batch is %06d (the last sign-in's, or "
		    "the next once a settlement closed it)%s",
		    k->batch, r->batch, r->closed ? "" : "; no settlement has closed it");
	}
}

/* What a correct terminal takes from the answer it got: an approved 0810's working keys,
 * imported under the TMK and checked against their check values (all three, or none, as
 * src/term/messages.c does), and its batch; an approved settlement closes the batch. */
static void rules_learn(certify_rules *r, const struct certify_msg *m)
{
	static const struct hsm_key_spec specs[3] = {
	    {"P0", HSM_TDES, 16, 'E', 'N'},
	    {"M1", HSM_TDES, 16, 'C', 'N'},
	    {"M1", HSM_TDES, 16, 'C', 'N'},
	};
	hsm_key keys[3];
	uint8_t f62[64];
	char rc39[3], f602[8];
	hsm_kcv kcv = {.len = HSM_KCV_ECB};
	size_t len, i;

	if (!m->an_ok || !rcode_approved(rules_text(&m->an, 39, rc39, sizeof rc39)))
		return;
	if (strcmp(m->an.mti, "0510") == 0)
		r->closed = true;
	if (strcmp(m->an.mti, "0810") != 0 || !iso8583_has(&m->an, 62) ||
	    iso8583_get(&m->an, 62, f62, sizeof f62, &len) != ISO8583_OK || len != 60)
		return;
	for (i = 0; i < 3; i++) {
		memcpy(kcv.v, f62 + i * 20 + 16, HSM_KCV_ECB);
		if (hsm_import_ecb(r->h, &r->tmk, &specs[i], f62 + i * 20, 16, &kcv, &keys[i]) !=
		    HSM_OK)
			break;
	}
	if (i == 3) {
		r->pik = keys[0];
		r->mak = keys[1];
		r->tdk = keys[2];
		r->keyed = true;
		r->batch = rules_six(rules_f60(r->p, &m->an, 2, f602, sizeof f602));
		r->closed = false;
	}
	r->refused = i < 3;
	crypto_wipe(keys, sizeof keys);
	crypto_wipe(f62, sizeof f62);
}

/* Every rule over one request, then what its answer teaches. */
static void rules_check(certify_rules *r, struct certify_case_result *cr,
                        const struct certify_msg *m)
{
	struct rules_look k = {.r = r, .cr = cr, .m = m, .q = &m->rq, .stan = -1, .batch = -1};
	char f11[8], f602[8];

	snprintf(k.head, sizeof k.head, "message %d", m->n);
	if (m->rq_ok) {
		snprintf(k.head, sizeof k.head, "message %d (%s STAN %s)", m->n, m->rq.mti,
		         rules_text(k.q, 11, f11, sizeof f11));
		rules_text(k.q, 22, k.f22, sizeof k.f22);
		rules_text(k.q, 53, k.f53, sizeof k.f53);
		k.stan = rules_six(f11) > 0 ? rules_six(f11) : -1;
		k.batch = rules_six(rules_f60(r->p, k.q, 2, f602, sizeof f602));
	}
	rules_format(&k);
	if (m->rq_ok) {
		rules_mac(&k);
		rules_stan(&k);
		rules_track(&k);
		rules_identity(&k);
		rules_pin(&k);
		rules_batch(&k);
	}
	crypto_wipe(k.pan, sizeof k.pan);
	rules_learn(r, m);
}

int certify_rules_open(hsm *h, const char *tmk, const char *sn, certify_rules **out)
{
	certify_rules *r;

	*out = NULL;
	if (h == NULL || tmk == NULL || sn == NULL || strlen(sn) >= sizeof r->sn)
		return CERTIFY_EARG;
	if ((r = calloc(1, sizeof *r)) == NULL)
		return CERTIFY_ENOMEM;
	if (hsm_key_set(&r->tmk, tmk) != HSM_OK) {
		free(r);
		return CERTIFY_EARG;
	}
	r->h = h;
	r->p = iso8583_profile_find("cup-pos");
	assert(r->p != NULL);
	strcpy(r->sn, sn);
	r->batch = -1;
	r->last_stan = -1;
	*out = r;
	return CERTIFY_OK;
}

int certify_rules_case(certify_rules *r, struct certify_case_result *cr)
{
	for (; cr->ruled < cr->tr.n; cr->ruled++)
		rules_check(r, cr, cr->tr.msgs[cr->ruled]);
	return CERTIFY_OK;
}

void certify_rules_close(certify_rules *r)
{
	if (r == NULL)
		return;
	free(r->used);
	crypto_wipe(r, sizeof *r);
	free(r);
}
