/* keys.c — the keys the acquirer, the merchant module and the link declare, in the shape of
 * the issuer's issuer_key_specs/issuer_key_names (env.h); and the host's error texts. */
#include <stdarg.h>
#include <stdio.h>

#include "host/env.h"
#include "host/internal.h"

const struct hsm_key_spec host_acquirer_key_specs[1] = {{"M7", HSM_HMAC, 32, 'C', 'N'}};
const char *const host_acquirer_key_names[1] = {"acquirer.pan_hash"};
const struct hsm_key_spec host_merchant_key_specs[1] = {{"D0", HSM_AES, 32, 'B', 'N'}};
const char *const host_merchant_key_names[1] = {"merchant.data"};
const struct hsm_key_spec host_link_key_specs[1] = {{"P0", HSM_TDES, 16, 'B', 'E'}};
const char *const host_link_key_names[1] = {"link.zpk"};

int host_say(int rc, const char *prog, const char *fmt, ...)
{
	va_list ap;

	fprintf(stderr, "%s: ", prog);
	va_start(ap, fmt);
	vfprintf(stderr, fmt, ap);
	va_end(ap);
	fputc('\n', stderr);
	return rc;
}

const char *host_strerror(int rc)
{
	switch (rc) {
	case HOST_OK:
		return "ok";
	case HOST_EUSAGE:
		return "bad configuration or usage";
	case HOST_EFAILED:
		return "cannot start";
	default:
		return "unknown error";
	}
}
