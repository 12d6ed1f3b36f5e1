/* keys.c — the keys the acquirer, the merchant module and the link declare, in the shape of
 * the issuer's issuer_key_specs/issuer_key_names (env.h), until their modules declare them. */
#include "host/env.h"

const struct hsm_key_spec host_acquirer_key_specs[1] = {{"M7", HSM_HMAC, 32, 'C', 'N'}};
const char *const host_acquirer_key_names[1] = {"acquirer.pan_hash"};
const struct hsm_key_spec host_merchant_key_specs[1] = {{"D0", HSM_AES, 32, 'B', 'N'}};
const char *const host_merchant_key_names[1] = {"merchant.data"};
const struct hsm_key_spec host_link_key_specs[1] = {{"P0", HSM_TDES, 16, 'B', 'E'}};
const char *const host_link_key_names[1] = {"link.zpk"};
