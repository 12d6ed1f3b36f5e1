/* test_user.c — the user module: a user made (its secret sealed, the database without it), the
 * enrolment token used once and expiring, passwords too short refused, sign-in with password and
 * TOTP (±1 step accepted, ±2 refused, a replayed step refused), lockout at 6 failures and its
 * end 30 minutes later, the idle expiry of a session, sign-out, a merchant user's MID that must
 * exist, disable and unlock, and the audit entries of each. */
#include "http/http_fixture.h"

#include "audit/audit.h"
#include "crypto/totp.h"
#include "store/store_audit.h"
#include "user/user.h"

#define MID      "898581054110001"
#define PASSWORD "correct horse battery"

struct fx {
	struct store_fixture *f;
	hsm *h;
	user_module *u;
};

static int setup(void **state)
{
	static const uint8_t lmk[HSM_LMK_LEN] = {1, 2, 3, 4, 5, 6, 7, 8, 9};
	struct fx *x = calloc(1, sizeof *x);
	hsm_key key;

	if (x == NULL || store_fixture_setup((void **)&x->f) != 0 ||
	    hsm_open(lmk, &x->h) != HSM_OK ||
	    hsm_generate(x->h, &user_key_specs[0], &key, NULL) != HSM_OK ||
	    user_open(x->f->s, x->h, &key, &x->u) != USER_OK)
		return -1;
	http_fixture_merchant(x->f->s, MID);
	*state = x;
	return 0;
}

static int teardown(void **state)
{
	struct fx *x = *state;
	void *f = x->f;

	user_close(x->u);
	hsm_close(x->h);
	free(x);
	return store_fixture_teardown(&f);
}

static int audit_count(void *arg, const struct store_audit *a)
{
	(void)a;
	++*(int *)arg;
	return 0;
}

/* Whether the n bytes at needle are somewhere in the len bytes at hay. */
static bool has_bytes(const uint8_t *hay, size_t len, const uint8_t *needle, size_t n)
{
	for (size_t i = 0; i + n <= len; i++)
		if (memcmp(hay + i, needle, n) == 0)
			return true;
	return false;
}

/* The number of audit entries of action. */
static int audited(struct fx *x, const char *action)
{
	struct store_audit_filter af = {.action = action};
	int n = 0;

	assert_int_equal(store_audit_list(x->f->s, &af, audit_count, &n), STORE_OK);
	return n;
}

/* The secret of otpauth, decoded. */
static void secret_of(const char *otpauth, uint8_t key[TOTP_SECRET_LEN])
{
	char b32[TOTP_B32_MAX];
	const char *p = strstr(otpauth, "secret=");
	size_t n, len;

	assert_non_null(p);
	p += 7;
	n = strcspn(p, "&");
	memcpy(b32, p, n);
	b32[n] = '\0';
	assert_int_equal(totp_base32_decode(b32, key, TOTP_SECRET_LEN, &len), CRYPTO_OK);
	assert_int_equal(len, TOTP_SECRET_LEN);
}

/* A user made and enrolled with PASSWORD: its secret into key. */
static void enrolled(struct fx *x, const char *name, int role, const char *mid,
                     uint8_t key[TOTP_SECRET_LEN])
{
	struct user_made made;

	assert_int_equal(user_create(x->u, "cli:test", name, role, mid, T_NOW, &made), USER_OK);
	secret_of(made.otpauth, key);
	assert_int_equal(user_enrol(x->u, made.enrol, PASSWORD, T_NOW), USER_OK);
}

static void code_at(const uint8_t key[TOTP_SECRET_LEN], int64_t t, char code[9])
{
	assert_int_equal(totp_code(key, TOTP_SECRET_LEN, totp_step(t), 6, code), CRYPTO_OK);
}

static int signin(struct fx *x, const char *name, const char *password, const char *code,
                  int64_t now)
{
	char session[USER_TOKEN_LEN + 1];
	struct user_principal who;

	return user_signin(x->u, name, password, code, "127.0.0.1", now, session, &who);
}

/* Made: the otpauth URI, the secret sealed (not in the database), the token single-use. */
static void made_and_enrolled_once(void **state)
{
	struct fx *x = *state;
	struct user_made made;
	struct store_user row;
	char name[STORE_USER_NAME_MAX], otpauth[USER_OTPAUTH_MAX], b32[TOTP_B32_MAX];
	uint8_t key[TOTP_SECRET_LEN];

	assert_int_equal(user_create(x->u, "cli:test", "ops.li", USER_OPERATOR, NULL, T_NOW, &made),
	                 USER_OK);
	assert_int_equal(strncmp(made.otpauth, "otpauth://totp/possum:ops.li?secret=", 36), 0);
	assert_non_null(strstr(made.otpauth, "&digits=6&period=30"));
	secret_of(made.otpauth, key);
	assert_int_equal(totp_base32_encode(key, sizeof key, b32, sizeof b32), CRYPTO_OK);
	assert_int_equal(store_user_get(x->f->s, "ops.li", &row), STORE_OK);
	assert_int_equal(row.state, USER_ENROLLING);
	assert_true(row.totp.len > TOTP_SECRET_LEN);
	assert_false(has_bytes(row.totp.v, row.totp.len, key, sizeof key));
	assert_string_not_equal(row.enrol_hash, made.enrol);
	assert_int_equal(user_enrol_info(x->u, made.enrol, T_NOW, name, otpauth), USER_OK);
	assert_string_equal(name, "ops.li");
	assert_string_equal(otpauth, made.otpauth);
	/* Too short a password: refused, the token still good. */
	assert_int_equal(user_enrol(x->u, made.enrol, "eleven char", T_NOW), USER_EARG);
	assert_int_equal(user_enrol(x->u, made.enrol, PASSWORD, T_NOW + 60), USER_OK);
	assert_int_equal(user_enrol(x->u, made.enrol, PASSWORD, T_NOW + 61), USER_ENOTFOUND);
	assert_int_equal(user_enrol_info(x->u, made.enrol, T_NOW, name, otpauth), USER_ENOTFOUND);
	assert_int_equal(store_user_get(x->f->s, "ops.li", &row), STORE_OK);
	assert_int_equal(row.state, USER_ACTIVE);
	assert_int_equal(strncmp(row.password, "$argon2id$", 10), 0);
	assert_int_equal(audited(x, "user.create"), 1);
	assert_int_equal(audited(x, "user.enrol"), 1);
	/* Taken, malformed. */
	assert_int_equal(user_create(x->u, "cli:test", "ops.li", USER_OPERATOR, NULL, T_NOW, &made),
	                 USER_EEXIST);
	assert_int_equal(user_create(x->u, "cli:test", "Ops Li", USER_OPERATOR, NULL, T_NOW, &made),
	                 USER_EARG);
	assert_int_equal(user_set_password(x->u, "cli:test", "ops.li", "short", T_NOW), USER_EARG);
}

static void enrolment_expires(void **state)
{
	struct fx *x = *state;
	struct user_made made;

	assert_int_equal(user_create(x->u, "cli:test", "late", USER_AUDITOR, NULL, T_NOW, &made),
	                 USER_OK);
	assert_int_equal(user_enrol(x->u, made.enrol, PASSWORD, T_NOW + USER_ENROL_SECONDS),
	                 USER_ENOTFOUND);
	assert_int_equal(user_enrol(x->u, "00", PASSWORD, T_NOW), USER_ENOTFOUND);
}

/* A merchant user's MID must exist; the others have none. */
static void merchant_users(void **state)
{
	struct fx *x = *state;
	struct user_made made;
	uint8_t key[TOTP_SECRET_LEN];
	char code[9], session[USER_TOKEN_LEN + 1];
	struct user_principal who;

	assert_int_equal(
	    user_create(x->u, "cli:test", "shop", USER_MERCHANT, "898581054119999", T_NOW, &made),
	    USER_ENOTFOUND);
	assert_int_equal(user_create(x->u, "cli:test", "shop", USER_MERCHANT, NULL, T_NOW, &made),
	                 USER_EARG);
	assert_int_equal(user_create(x->u, "cli:test", "shop", USER_OPERATOR, MID, T_NOW, &made),
	                 USER_EARG);
	enrolled(x, "shop", USER_MERCHANT, MID, key);
	code_at(key, T_NOW, code);
	assert_int_equal(user_signin(x->u, "shop", PASSWORD, code, "::1", T_NOW, session, &who),
	                 USER_OK);
	assert_int_equal(who.role, USER_MERCHANT);
	assert_string_equal(who.mid, MID);
	assert_string_equal(who.name, "shop");
}

/* ±1 step accepted, ±2 refused; a step once used refused after. */
static void totp_window_and_replay(void **state)
{
	struct fx *x = *state;
	uint8_t key[TOTP_SECRET_LEN];
	char code[9];
	int64_t now = T_NOW + 1000;

	enrolled(x, "ops", USER_OPERATOR, NULL, key);
	code_at(key, now - 2 * TOTP_STEP, code);
	assert_int_equal(signin(x, "ops", PASSWORD, code, now), USER_EDENIED);
	code_at(key, now + 2 * TOTP_STEP, code);
	assert_int_equal(signin(x, "ops", PASSWORD, code, now), USER_EDENIED);
	code_at(key, now - TOTP_STEP, code);
	assert_int_equal(signin(x, "ops", PASSWORD, code, now), USER_OK);
	assert_int_equal(signin(x, "ops", PASSWORD, code, now), USER_EDENIED); /* replayed */
	code_at(key, now, code);
	assert_int_equal(signin(x, "ops", PASSWORD, code, now), USER_OK);
	assert_int_equal(signin(x, "ops", PASSWORD, code, now + 5), USER_EDENIED);
	code_at(key, now + TOTP_STEP, code);
	assert_int_equal(signin(x, "ops", PASSWORD, code, now), USER_OK);
	code_at(key, now + 3 * TOTP_STEP, code);
	assert_int_equal(signin(x, "ops", "wrong password!", code, now + 3 * TOTP_STEP),
	                 USER_EDENIED);
	assert_int_equal(signin(x, "nobody", PASSWORD, code, now), USER_EDENIED);
	assert_int_equal(audited(x, "user.signin"), 3);
	assert_int_equal(audited(x, "user.signin_failed"), 5);
}

/* 6 failures in a row lock for 30 minutes, even the right factors; then sign-in works. */
static void lockout(void **state)
{
	struct fx *x = *state;
	uint8_t key[TOTP_SECRET_LEN];
	char code[9];
	int64_t now = T_NOW + 100000;

	enrolled(x, "ops", USER_OPERATOR, NULL, key);
	code_at(key, now, code);
	for (int i = 1; i <= 5; i++)
		assert_int_equal(signin(x, "ops", "not the password", code, now + i), USER_EDENIED);
	assert_int_equal(signin(x, "ops", "not the password", code, now + 6), USER_ELOCKED);
	assert_int_equal(audited(x, "user.locked"), 1);
	assert_int_equal(signin(x, "ops", PASSWORD, code, now + 7), USER_ELOCKED);
	code_at(key, now + USER_LOCK_SECONDS - 1, code);
	assert_int_equal(signin(x, "ops", PASSWORD, code, now + USER_LOCK_SECONDS - 1),
	                 USER_ELOCKED);
	code_at(key, now + 6 + USER_LOCK_SECONDS, code);
	assert_int_equal(signin(x, "ops", PASSWORD, code, now + 6 + USER_LOCK_SECONDS), USER_OK);
	/* An operator's unlock ends a lock at once. */
	for (int i = 1; i <= 6; i++)
		assert_int_equal(signin(x, "ops", "not the password", code, now + 2000 + i),
		                 i < 6 ? USER_EDENIED : USER_ELOCKED);
	assert_int_equal(user_unlock(x->u, "cli:test", "ops", now + 2010), USER_OK);
	code_at(key, now + 2100, code);
	assert_int_equal(signin(x, "ops", PASSWORD, code, now + 2100), USER_OK);
	assert_int_equal(audited(x, "user.unlock"), 1);
}

/* A session lives while used: 15 minutes idle end it. Sign-out and disable end it too. */
static void sessions(void **state)
{
	struct fx *x = *state;
	uint8_t key[TOTP_SECRET_LEN];
	char code[9], session[USER_TOKEN_LEN + 1];
	struct user_principal who, again;
	int64_t now = T_NOW + 500000;

	enrolled(x, "ops", USER_OPERATOR, NULL, key);
	code_at(key, now, code);
	assert_int_equal(user_signin(x->u, "ops", PASSWORD, code, "127.0.0.1", now, session, &who),
	                 USER_OK);
	assert_int_equal(strlen(who.csrf), USER_TOKEN_LEN);
	assert_int_equal(user_session_check(x->u, session, now + USER_IDLE_SECONDS - 1, &again),
	                 USER_OK);
	assert_string_equal(again.csrf, who.csrf);
	/* Used at 899 s: good until 899 + 900. */
	assert_int_equal(user_session_check(x->u, session, now + 2 * USER_IDLE_SECONDS - 2, &again),
	                 USER_OK);
	assert_int_equal(user_session_check(x->u, session, now + 4 * USER_IDLE_SECONDS, &again),
	                 USER_EDENIED);
	assert_int_equal(user_session_check(x->u, session, now + 4 * USER_IDLE_SECONDS, &again),
	                 USER_EDENIED);
	assert_int_equal(user_session_check(x->u, "nonsense", now, &again), USER_EDENIED);

	code_at(key, now + 5000, code);
	assert_int_equal(
	    user_signin(x->u, "ops", PASSWORD, code, "127.0.0.1", now + 5000, session, &who),
	    USER_OK);
	assert_int_equal(user_signout(x->u, session, now + 5001), USER_OK);
	assert_int_equal(user_session_check(x->u, session, now + 5002, &again), USER_EDENIED);
	assert_int_equal(user_signout(x->u, session, now + 5003), USER_ENOTFOUND);
	assert_int_equal(audited(x, "user.signout"), 1);

	code_at(key, now + 6000, code);
	assert_int_equal(
	    user_signin(x->u, "ops", PASSWORD, code, "127.0.0.1", now + 6000, session, &who),
	    USER_OK);
	assert_int_equal(user_disable(x->u, "cli:test", "ops", now + 6001), USER_OK);
	assert_int_equal(user_session_check(x->u, session, now + 6002, &again), USER_EDENIED);
	code_at(key, now + 6100, code);
	assert_int_equal(signin(x, "ops", PASSWORD, code, now + 6100), USER_EDENIED);
	assert_int_equal(audited(x, "user.disable"), 1);
}

static void totp_aid(void **state)
{
	struct fx *x = *state;
	uint8_t key[TOTP_SECRET_LEN];
	char code[7], want[9];

	enrolled(x, "demo", USER_OPERATOR, NULL, key);
	assert_int_equal(user_totp_now(x->u, "demo", T_NOW, code), USER_OK);
	code_at(key, T_NOW, want);
	assert_string_equal(code, want);
	assert_int_equal(user_totp_now(x->u, "nobody", T_NOW, code), USER_ENOTFOUND);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test_setup_teardown(made_and_enrolled_once, setup, teardown),
	    cmocka_unit_test_setup_teardown(enrolment_expires, setup, teardown),
	    cmocka_unit_test_setup_teardown(merchant_users, setup, teardown),
	    cmocka_unit_test_setup_teardown(totp_window_and_replay, setup, teardown),
	    cmocka_unit_test_setup_teardown(lockout, setup, teardown),
	    cmocka_unit_test_setup_teardown(sessions, setup, teardown),
	    cmocka_unit_test_setup_teardown(totp_aid, setup, teardown),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
