/* service.c — the service code of ISO/IEC 7813: three digits after the expiry date on the
 * stripe (and in EMV tag 5F30) that say where the card may be used, how it is authorized, what
 * it may buy and when it needs a PIN. Each digit's values are a table; a value ISO reserves is
 * 0 in it. */
#include "card/internal.h"

#include <string.h>

/* Digit 1: interchange and technology. */
static const enum card_interchange interchange[10] = {
    [1] = CARD_INTERCHANGE_INTERNATIONAL, [2] = CARD_INTERCHANGE_INTERNATIONAL,
    [5] = CARD_INTERCHANGE_NATIONAL,      [6] = CARD_INTERCHANGE_NATIONAL,
    [7] = CARD_INTERCHANGE_PRIVATE,       [9] = CARD_INTERCHANGE_TEST,
};

/* Digit 2: authorization processing. */
static const enum card_authorization authorization[10] = {
    [0] = CARD_AUTH_NORMAL,
    [2] = CARD_AUTH_ONLINE,
    [4] = CARD_AUTH_ONLINE_UNLESS_AGREED,
};

/* Digit 3: range of services and PIN requirements. */
static const struct {
	enum card_services services;
	enum card_pin pin;
} services[10] = {
    [0] = {CARD_SERVICES_ANY, CARD_PIN_REQUIRED},
    [1] = {CARD_SERVICES_ANY, CARD_PIN_NOT_REQUIRED},
    [2] = {CARD_SERVICES_GOODS, CARD_PIN_NOT_REQUIRED},
    [3] = {CARD_SERVICES_ATM, CARD_PIN_REQUIRED},
    [4] = {CARD_SERVICES_CASH, CARD_PIN_NOT_REQUIRED},
    [5] = {CARD_SERVICES_GOODS, CARD_PIN_REQUIRED},
    [6] = {CARD_SERVICES_ANY, CARD_PIN_IF_FEASIBLE},
    [7] = {CARD_SERVICES_GOODS, CARD_PIN_IF_FEASIBLE},
};

int card_service_code(const char *code, struct card_service *out)
{
	int d1, d2, d3;

	if (code == NULL || strnlen(code, CARD_SERVICE_LEN + 1) != CARD_SERVICE_LEN ||
	    !card_all_digits(code, CARD_SERVICE_LEN))
		return CARD_ESERVICE;
	d1 = code[0] - '0';
	d2 = code[1] - '0';
	d3 = code[2] - '0';
	if (interchange[d1] == 0 || authorization[d2] == 0 || services[d3].services == 0)
		return CARD_ESERVICE;
	out->interchange = interchange[d1];
	out->chip = d1 == 2 || d1 == 6;
	out->authorization = authorization[d2];
	out->services = services[d3].services;
	out->pin = services[d3].pin;
	return CARD_OK;
}
