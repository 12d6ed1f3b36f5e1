/* tags.c — the dictionary of EMV tags, for display: a name per tag and whether its value
 * is text (see tlv.h).
 *
 * Names and formats are those of EMV 4.3 Book 3 Annex A unless marked otherwise; "text"
 * is set for the formats a, an and ans, never for n or cn (BCD, which reads best as hex)
 * or b. Tags EMV leaves to the payment systems are named as UnionPay (PBOC 3.0, JR/T 0025)
 * or the card schemes' contactless books define them, noted per entry. */
#include "tlv/tlv.h"

#include <stddef.h>

struct tag_entry {
	uint32_t tag;
	const char *name;
	int text;
};

/* In tag order, for the reader's sake; looked up by a plain scan. */
static const struct tag_entry tags[] = {
    {0x42, "Issuer Identification Number (IIN)", 0},
    {0x4F, "Application Identifier (AID) - card", 0},
    {0x50, "Application Label", 1},
    {0x56, "Track 1 Data", 1}, /* EMV Contactless Book C-2 A.1 */
    {0x57, "Track 2 Equivalent Data", 0},
    {0x5A, "Application Primary Account Number (PAN)", 0},
    {0x61, "Application Template", 0},
    {0x6F, "File Control Information (FCI) Template", 0},
    {0x70, "READ RECORD Response Message Template", 0},
    {0x71, "Issuer Script Template 1", 0},
    {0x72, "Issuer Script Template 2", 0},
    {0x73, "Directory Discretionary Template", 0},
    {0x77, "Response Message Template Format 2", 0},
    {0x80, "Response Message Template Format 1", 0},
    {0x81, "Amount, Authorised (Binary)", 0},
    {0x82, "Application Interchange Profile", 0},
    {0x83, "Command Template", 0},
    {0x84, "Dedicated File (DF) Name", 0},
    {0x86, "Issuer Script Command", 0},
    {0x87, "Application Priority Indicator", 0},
    {0x88, "Short File Identifier (SFI)", 0},
    {0x89, "Authorisation Code", 1},
    {0x8A, "Authorisation Response Code", 1},
    {0x8C, "Card Risk Management Data Object List 1 (CDOL1)", 0},
    {0x8D, "Card Risk Management Data Object List 2 (CDOL2)", 0},
    {0x8E, "Cardholder Verification Method (CVM) List", 0},
    {0x8F, "Certification Authority Public Key Index", 0},
    {0x90, "Issuer Public Key Certificate", 0},
    {0x91, "Issuer Authentication Data", 0},
    {0x92, "Issuer Public Key Remainder", 0},
    {0x93, "Signed Static Application Data", 0},
    {0x94, "Application File Locator (AFL)", 0},
    {0x95, "Terminal Verification Results", 0},
    {0x97, "Transaction Certificate Data Object List (TDOL)", 0},
    {0x98, "Transaction Certificate (TC) Hash Value", 0},
    {0x99, "Transaction Personal Identification Number (PIN) Data", 0},
    {0x9A, "Transaction Date", 0},
    {0x9B, "Transaction Status Information", 0},
    {0x9C, "Transaction Type", 0},
    {0x9D, "Directory Definition File (DDF) Name", 0},
    {0xA5, "File Control Information (FCI) Proprietary Template", 0},
    {0x5F20, "Cardholder Name", 1},
    {0x5F24, "Application Expiration Date", 0},
    {0x5F25, "Application Effective Date", 0},
    {0x5F28, "Issuer Country Code", 0},
    {0x5F2A, "Transaction Currency Code", 0},
    {0x5F2D, "Language Preference", 1},
    {0x5F30, "Service Code", 0},
    {0x5F34, "Application Primary Account Number (PAN) Sequence Number", 0},
    {0x5F36, "Transaction Currency Exponent", 0},
    {0x5F50, "Issuer URL", 1},
    {0x5F53, "International Bank Account Number (IBAN)", 0},
    {0x5F54, "Bank Identifier Code (BIC)", 0},
    {0x5F55, "Issuer Country Code (alpha2 format)", 1},
    {0x5F56, "Issuer Country Code (alpha3 format)", 1},
    {0x9F01, "Acquirer Identifier", 0},
    {0x9F02, "Amount, Authorised (Numeric)", 0},
    {0x9F03, "Amount, Other (Numeric)", 0},
    {0x9F04, "Amount, Other (Binary)", 0},
    {0x9F05, "Application Discretionary Data", 0},
    {0x9F06, "Application Identifier (AID) - terminal", 0},
    {0x9F07, "Application Usage Control", 0},
    {0x9F08, "Application Version Number (card)", 0},
    {0x9F09, "Application Version Number (terminal)", 0},
    {0x9F0B, "Cardholder Name Extended", 1},
    {0x9F0D, "Issuer Action Code - Default", 0},
    {0x9F0E, "Issuer Action Code - Denial", 0},
    {0x9F0F, "Issuer Action Code - Online", 0},
    {0x9F10, "Issuer Application Data", 0},
    {0x9F11, "Issuer Code Table Index", 0},
    {0x9F12, "Application Preferred Name", 1},
    {0x9F13, "Last Online Application Transaction Counter (ATC) Register", 0},
    {0x9F14, "Lower Consecutive Offline Limit", 0},
    {0x9F15, "Merchant Category Code", 0},
    {0x9F16, "Merchant Identifier", 1},
    {0x9F17, "Personal Identification Number (PIN) Try Counter", 0},
    {0x9F18, "Issuer Script Identifier", 0},
    {0x9F1A, "Terminal Country Code", 0},
    {0x9F1B, "Terminal Floor Limit", 0},
    {0x9F1C, "Terminal Identification", 1},
    {0x9F1D, "Terminal Risk Management Data", 0},
    {0x9F1E, "Interface Device (IFD) Serial Number", 1},
    {0x9F1F, "Track 1 Discretionary Data", 1},
    {0x9F20, "Track 2 Discretionary Data", 0},
    {0x9F21, "Transaction Time", 0},
    {0x9F22, "Certification Authority Public Key Index (terminal)", 0},
    {0x9F23, "Upper Consecutive Offline Limit", 0},
    {0x9F26, "Application Cryptogram", 0},
    {0x9F27, "Cryptogram Information Data", 0},
    {0x9F2D, "ICC PIN Encipherment Public Key Certificate", 0},
    {0x9F2E, "ICC PIN Encipherment Public Key Exponent", 0},
    {0x9F2F, "ICC PIN Encipherment Public Key Remainder", 0},
    {0x9F32, "Issuer Public Key Exponent", 0},
    {0x9F33, "Terminal Capabilities", 0},
    {0x9F34, "Cardholder Verification Method (CVM) Results", 0},
    {0x9F35, "Terminal Type", 0},
    {0x9F36, "Application Transaction Counter (ATC)", 0},
    {0x9F37, "Unpredictable Number", 0},
    {0x9F38, "Processing Options Data Object List (PDOL)", 0},
    {0x9F39, "Point-of-Service (POS) Entry Mode", 0},
    {0x9F3A, "Amount, Reference Currency", 0},
    {0x9F3B, "Application Reference Currency", 0},
    {0x9F3C, "Transaction Reference Currency Code", 0},
    {0x9F3D, "Transaction Reference Currency Exponent", 0},
    {0x9F40, "Additional Terminal Capabilities", 0},
    {0x9F41, "Transaction Sequence Counter", 0},
    {0x9F42, "Application Currency Code", 0},
    {0x9F43, "Application Reference Currency Exponent", 0},
    {0x9F44, "Application Currency Exponent", 0},
    {0x9F45, "Data Authentication Code", 0},
    {0x9F46, "ICC Public Key Certificate", 0},
    {0x9F47, "ICC Public Key Exponent", 0},
    {0x9F48, "ICC Public Key Remainder", 0},
    {0x9F49, "Dynamic Data Authentication Data Object List (DDOL)", 0},
    {0x9F4A, "Static Data Authentication Tag List", 0},
    {0x9F4B, "Signed Dynamic Application Data", 0},
    {0x9F4C, "ICC Dynamic Number", 0},
    {0x9F4D, "Log Entry", 0},
    {0x9F4E, "Merchant Name and Location", 1},
    {0x9F4F, "Log Format", 0},
    {0x9F53, "Transaction Category Code", 1},               /* Mastercard, an 1 */
    {0x9F5B, "Issuer Script Results", 0},                   /* Visa */
    {0x9F63, "Card Product Identification Information", 0}, /* PBOC 3.0 */
    {0x9F66, "Terminal Transaction Qualifiers (TTQ)", 0},   /* EMV Contactless Book A */
    {0x9F6C, "Card Transaction Qualifiers (CTQ)", 0},       /* EMV Contactless Book C-3 */
    {0x9F6E, "Form Factor Indicator (Visa) / Third Party Data (Mastercard)", 0},
    {0x9F74, "Electronic Cash Issuer Authorisation Code", 1}, /* PBOC 3.0, a 6 */
    {0x9F79, "Electronic Cash Balance", 0},                   /* PBOC 3.0 */
    {0x9F7C, "Customer Exclusive Data (Visa) / Merchant Custom Data (Mastercard)", 0},
    {0xBF0C, "File Control Information (FCI) Issuer Discretionary Data", 0},
    {0xDF31, "Issuer Script Results", 0}, /* PBOC 3.0 / UnionPay, field 55 of a reversal */
};

static const struct tag_entry *lookup(uint32_t tag)
{
	for (size_t i = 0; i < sizeof tags / sizeof tags[0]; i++)
		if (tags[i].tag == tag)
			return &tags[i];
	return NULL;
}

const char *tlv_tag_name(uint32_t tag)
{
	const struct tag_entry *e = lookup(tag);

	return e != NULL ? e->name : NULL;
}

int tlv_tag_is_text(uint32_t tag)
{
	const struct tag_entry *e = lookup(tag);

	return e != NULL && e->text;
}
