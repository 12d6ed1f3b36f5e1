/* mask.c — card data masked where it appears in an ISO 8583 message, for output that people
 * read: `possum iso decode --mask` and the host's message log (card.h, card_mask_field()). One
 * set of rules for both. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "card/card.h"
#include "tlv/tlv.h"

/* The rules, by the path of a field or sub-field: card numbers keep their first 6 and last
 * 4 digits (card_pan_mask(), the one rule for it), track data its masked PAN, PIN blocks,
 * MACs and the message security code nothing, and the cardholder's name, ID and phone (card
 * authentication) a few characters. The terminal identity's random factor (59.A2.03) is the
 * PAN's last 6 digits: its last 4 only, and field 59 starred whole (its breakdown shows the
 * rest). */
enum mask {
	MASK_NONE,
	MASK_PAN,
	MASK_PAN_FILLED,
	MASK_TRACK,
	MASK_ALL,
	MASK_ID,
	MASK_NAME,
	MASK_TAIL /* the last 4 characters kept */
};

static const struct {
	const char *path;
	enum mask how;
} mask_rules[] = {
    {"2", MASK_PAN},     {"34", MASK_PAN},      {"35", MASK_TRACK},     {"36", MASK_TRACK},
    {"45", MASK_TRACK},  {"48", MASK_ALL},      {"52", MASK_ALL},       {"55", MASK_ALL},
    {"55.5A", MASK_PAN}, {"55.57", MASK_TRACK}, {"55.5F20", MASK_NAME}, {"55.9F6B", MASK_TRACK},
    {"62", MASK_ALL},    {"62.NM", MASK_NAME},  {"62.ID", MASK_ID},     {"62.PH", MASK_ID},
    {"62.OT", MASK_ALL}, {"59", MASK_ALL},      {"59.A2", MASK_ALL},    {"59.A2.03", MASK_TAIL},
    {"64", MASK_ALL},    {"96", MASK_ALL},      {"128", MASK_ALL},
};

static enum mask mask_for(const char *path)
{
	size_t n = strlen(path);
	char tag[16];

	/* Batch-upload records carry a PAN at position 3: 48.<record>.3. */
	if (strncmp(path, "48.", 3) == 0 && n > 5 && strcmp(path + n - 2, ".3") == 0)
		return MASK_PAN_FILLED;
	/* An EMV tag is masked wherever it is nested: 55.70.5A as 55.5A. The whole fields 48
	 * and 55 are starred; their breakdown shows what may be shown. */
	if (strncmp(path, "55.", 3) == 0) {
		/* A template's value holds its nested objects: starred whole, shown below. */
		if (tlv_is_constructed((uint32_t)strtoul(strrchr(path, '.') + 1, NULL, 16)))
			return MASK_ALL;
		snprintf(tag, sizeof tag, "55.%s", strrchr(path, '.') + 1);
		path = tag;
	}
	for (size_t i = 0; i < sizeof mask_rules / sizeof mask_rules[0]; i++)
		if (strcmp(mask_rules[i].path, path) == 0)
			return mask_rules[i].how;
	return MASK_NONE;
}

/* Masks text in place: keep `head` characters and `tail` before `end`, stars between. */
static void stars(char *text, size_t end, size_t head, size_t tail)
{
	for (size_t i = head; i + tail < end; i++)
		text[i] = '*';
}

/* Masks the PAN of len characters at text in place. A PAN in EMV's hex form (tag 5A) has an
 * 'F' pad when its digits are odd, which stays as it is. A value that is not a PAN comes back
 * from card_pan_mask() all '*', which is how it should be shown. */
static void mask_pan(char *text, size_t len)
{
	char after;

	if (len > 0 && text[len - 1] == 'F')
		len--;
	after = text[len];
	(void)card_pan_mask(text, len, text, len + 1);
	text[len] = after;
}

void card_mask_field(const char *path, char *text, size_t len)
{
	enum mask how = mask_for(path);
	size_t sep = card_pan_len(text), fill = 0;

	switch (how) {
	case MASK_PAN:
		mask_pan(text, len);
		break;
	case MASK_PAN_FILLED:
		/* docs/cup-pos.md "Batch upload": the PAN right-aligned in 20 digits, zero-filled
		 * (no PAN starts with 0: ISO/IEC 7812-1 gives that MII no cards). */
		while (fill + CARD_PAN_MIN < len && text[fill] == '0')
			fill++;
		mask_pan(text + fill, len - fill);
		break;
	case MASK_TRACK:
		mask_pan(text, sep);
		stars(text, len, sep + 1, 0);
		break;
	case MASK_ALL:
		stars(text, len, 0, 0);
		break;
	case MASK_ID:
		stars(text, len, 3, 4);
		break;
	case MASK_TAIL:
		stars(text, len, 0, 4);
		break;
	case MASK_NAME: /* the first character, whole if it is UTF-8 */
		stars(text, len,
		      (uint8_t)text[0] >= 0xF0   ? 4
		      : (uint8_t)text[0] >= 0xE0 ? 3
		      : (uint8_t)text[0] >= 0xC0 ? 2
		                                 : 1,
		      0);
		break;
	default:
		break;
	}
}
