/* user.h — the people who sign in to the web console (docs/console.md "Users and sign-in"):
 * operators, auditors and merchants' users, each with a password (Argon2id, crypto/password.h)
 * and a TOTP second factor (RFC 6238, crypto/totp.h), enrolled through a one-time link, and
 * their sessions.
 *
 * A user is made by an operator (user_create()) with a TOTP secret, sealed under the module's
 * data key (hsm_data_encrypt, the user's name as associated data) and never stored in the clear,
 * and an enrolment token valid USER_ENROL_SECONDS once, through which the user sets the password
 * (user_enrol()). A sign-in (user_signin()) needs the name, the password and a TOTP code of a
 * step not used before (a replay is refused); any wrong element is one failure, never saying
 * which, and USER_LOCK_FAILURES in a row lock the user USER_LOCK_SECONDS (PCI DSS 4.0 8.3.4).
 * A session lives while it is used: USER_IDLE_SECONDS idle end it (PCI DSS 4.0 8.2.8). Session
 * ids, CSRF tokens and enrolment tokens are 64 hex digits from OpenSSL's RAND_bytes; the store
 * keeps a session id's and an enrolment token's SHA-256 only.
 *
 * Every change and every sign-in, failed or not, is in the audit log in the transaction that
 * makes it ("user.create", "user.enrol", "user.password", "user.signin",
 * "user.signin_failed", "user.locked", "user.signout", "user.disable", "user.unlock"; object
 * "user:NAME"); no password, code, token or secret is logged.
 *
 * Time is the caller's (now, Unix seconds). A handle is used by one thread at a time; it keeps
 * the store and hsm it is given and a copy of the key. Errors: USER_OK or a negative USER_E*
 * code; user_strerror() names it. */
#ifndef POSSUM_USER_H
#define POSSUM_USER_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include <jansson.h>

#include "hsm/hsm.h"
#include "store/store.h"
#include "store/store_user.h"

#define USER_OK        0
#define USER_EARG      (-1) /* a name, role, MID or password malformed (too short) */
#define USER_ESTORE    (-2) /* the store failed; nothing was committed */
#define USER_EHSM      (-3) /* the hsm failed */
#define USER_ENOTFOUND (-4) /* no such user, merchant, enrolment token (or expired) */
#define USER_EEXIST    (-5) /* the name is taken */
#define USER_EDENIED   (-6) /* a sign-in or a session refused */
#define USER_ELOCKED   (-7) /* the user is locked out for now */
#define USER_ESTATE    (-8) /* not allowed in the user's state */
#define USER_ENOMEM    (-9)

const char *user_strerror(int rc);

#define USER_IDLE_SECONDS  (15 * 60)      /* a session's life without a request */
#define USER_LOCK_FAILURES 6              /* failed sign-ins in a row that lock */
#define USER_LOCK_SECONDS  (30 * 60)      /* for so long */
#define USER_ENROL_SECONDS (24 * 60 * 60) /* an enrolment link's life */
#define USER_TOKEN_LEN     64             /* hex digits of a session id, CSRF or enrolment token */
#define USER_OTPAUTH_MAX   256
#define USER_ISSUER        "possum" /* the issuer an authenticator app shows */

/* The same values as http.h's enum http_role, so that the service passes them through. */
enum user_role {
	USER_OPERATOR = 1,
	USER_MERCHANT = 2,
	USER_AUDITOR = 4,
};

enum user_state {
	USER_ENROLLING = 1, /* made, its password not yet set */
	USER_ACTIVE = 2,
	USER_DISABLED = 3,
};

/* "operator", "merchant", "auditor"; NULL for anything else. And back: USER_OK or USER_EARG. */
const char *user_role_name(int role);
int user_role_parse(const char *name, int *out);
/* "enrolling", "active", "disabled". */
const char *user_state_name(int state);

typedef struct user_module user_module;

/* The data key the module seals TOTP secrets with, and its name in the store's meta. */
extern const struct hsm_key_spec user_key_specs[1];
extern const char *const user_key_names[1];

int user_open(store *s, hsm *h, const hsm_key *data, user_module **out);
void user_close(user_module *u);

/* What a new user is given, once: the otpauth:// URI of its secret and the enrolment token. */
struct user_made {
	char otpauth[USER_OTPAUTH_MAX];
	char enrol[USER_TOKEN_LEN + 1];
};

/* Makes user name (1 to 32 of a-z, 0-9, '.', '_', '-') of role, a merchant user of merchant
 * mid (which must exist: USER_ENOTFOUND; mid NULL for the other roles), enrolling. */
int user_create(user_module *u, const char *actor, const char *name, int role, const char *mid,
                int64_t now, struct user_made *out);

/* What the enrolment page shows for token: the user's name and otpauth URI (USER_ENOTFOUND
 * when the token is unknown, used or expired). */
int user_enrol_info(user_module *u, const char *token, int64_t now, char name[STORE_USER_NAME_MAX],
                    char otpauth[USER_OTPAUTH_MAX]);
/* Sets the password of token's user (USER_EARG when shorter than PASSWORD_MIN) and makes it
 * active; the token is then used up. */
int user_enrol(user_module *u, const char *token, const char *password, int64_t now);
/* Sets name's password as actor (the command line's test and demo aid): active from then. */
int user_set_password(user_module *u, const char *actor, const char *name, const char *password,
                      int64_t now);

/* Whom a session names. */
struct user_principal {
	char name[STORE_USER_NAME_MAX];
	int role;
	char mid[16];
	char csrf[USER_TOKEN_LEN + 1];
};

/* Signs name in from peer (an address, for the audit log): USER_OK with session (the id for the
 * cookie) and *who; USER_EDENIED for an unknown user, a wrong password, a wrong or used code, a
 * user not active; USER_ELOCKED while locked. A failure is committed (counted, audited). */
int user_signin(user_module *u, const char *name, const char *password, const char *code,
                const char *peer, int64_t now, char session[USER_TOKEN_LEN + 1],
                struct user_principal *who);
/* Whom session names, its idle time restarted: USER_OK, or USER_EDENIED when unknown, idle too
 * long (then ended) or its user no longer active. */
int user_session_check(user_module *u, const char *session, int64_t now,
                       struct user_principal *who);
/* Ends session (USER_ENOTFOUND when there is none). */
int user_signout(user_module *u, const char *session, int64_t now);

/* An operator disables a user (its sessions ended) or unlocks one (locked out, or disabled). */
int user_disable(user_module *u, const char *actor, const char *name, int64_t now);
int user_unlock(user_module *u, const char *actor, const char *name, int64_t now);

/* The TOTP code of name at now (the command line's test and demo aid). */
int user_totp_now(user_module *u, const char *name, int64_t now, char code[7]);

/* Calls fn for each user, by name. */
int user_list(user_module *u, int (*fn)(void *ctx, const struct store_user *row), void *ctx);

/* What may be shown of a user (the API, the command line, the audit log): {"name","role","mid"
 * (or null),"state","locked_until" (or null),"created"}, times under utc_offset; never its
 * hash or secret. New reference, NULL when out of memory. */
json_t *user_json(const struct store_user *row, int utc_offset);

#endif
