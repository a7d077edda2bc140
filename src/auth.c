#include "compat.h"

#include <ctype.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <sodium.h>

#include "audit.h"
#include "auth.h"
#include "crypt.h"
#include "i18n.h"
#include "input.h"
#include "log.h"
#include "vault.h"

/*
 * Failure counters live in a fixed table (so a flood of made-up
 * usernames cannot grow memory); keys are hashes of "u:name" or "ip:addr".
 * When the table is full the oldest window is reused.
 */
#define THROTTLE_SLOTS 4096
#define THROTTLE_WINDOW 900

struct throttle {
	unsigned char key[16];
	int64_t window_start;
	int64_t locked_until;
	int failures;
	bool used;
};

static struct throttle table[THROTTLE_SLOTS];
static pthread_mutex_t throttle_mu = PTHREAD_MUTEX_INITIALIZER;

void
auth_throttle_reset(void)
{
	pthread_mutex_lock(&throttle_mu);
	memset(table, 0, sizeof(table));
	pthread_mutex_unlock(&throttle_mu);
}

static void
throttle_key(const char *kind, const char *s, unsigned char key[16])
{
	crypto_generichash_state st;
	char low[DB_USERNAME_MAX + DB_IP_MAX];
	size_t i;

	for (i = 0; s[i] && i < sizeof(low) - 1; i++)
		low[i] = (char)tolower((unsigned char)s[i]);
	low[i] = '\0';
	crypto_generichash_init(&st, NULL, 0, 16);
	crypto_generichash_update(&st, (const unsigned char *)kind, strlen(kind));
	crypto_generichash_update(&st, (const unsigned char *)low, i);
	crypto_generichash_final(&st, key, 16);
}

/* Returns the slot for key, creating it; called with the mutex held. */
static struct throttle *
throttle_slot(const unsigned char key[16], int64_t now)
{
	size_t i, h = 0, oldest = 0;

	memcpy(&h, key, sizeof(h));
	h %= THROTTLE_SLOTS;
	for (i = 0; i < 64; i++) {
		size_t j = (h + i) % THROTTLE_SLOTS;
		struct throttle *t = &table[j];

		if (t->used && memcmp(t->key, key, 16) == 0)
			return t;
		if (!t->used || (t->locked_until < now &&
		    t->window_start + THROTTLE_WINDOW < now)) {
			memset(t, 0, sizeof(*t));
			memcpy(t->key, key, 16);
			t->used = true;
			t->window_start = now;
			return t;
		}
		if (t->window_start < table[(h + oldest) % THROTTLE_SLOTS].window_start)
			oldest = i;
	}
	i = (h + oldest) % THROTTLE_SLOTS;
	memset(&table[i], 0, sizeof(table[i]));
	memcpy(table[i].key, key, 16);
	table[i].used = true;
	table[i].window_start = now;
	return &table[i];
}

static bool
throttle_locked(const char *kind, const char *s, int64_t now)
{
	unsigned char key[16];
	struct throttle *t;
	bool locked;

	throttle_key(kind, s, key);
	pthread_mutex_lock(&throttle_mu);
	t = throttle_slot(key, now);
	locked = t->locked_until > now;
	pthread_mutex_unlock(&throttle_mu);
	return locked;
}

static void
throttle_fail(const char *kind, const char *s, int64_t now, int max,
    int64_t lock)
{
	unsigned char key[16];
	struct throttle *t;

	throttle_key(kind, s, key);
	pthread_mutex_lock(&throttle_mu);
	t = throttle_slot(key, now);
	if (t->window_start + THROTTLE_WINDOW < now) {
		t->window_start = now;
		t->failures = 0;
	}
	if (++t->failures >= max) {
		t->locked_until = now + lock;
		t->failures = 0;
		t->window_start = now;
	}
	pthread_mutex_unlock(&throttle_mu);
}

static void
throttle_clear(const char *kind, const char *s, int64_t now)
{
	unsigned char key[16];
	struct throttle *t;

	throttle_key(kind, s, key);
	pthread_mutex_lock(&throttle_mu);
	t = throttle_slot(key, now);
	t->failures = 0;
	pthread_mutex_unlock(&throttle_mu);
}

const char *
auth_username_problem(const char *name)
{
	size_t n = strlen(name), i;

	if (n < 2 || n >= DB_USERNAME_MAX)
		return _("A username has 2 to 63 characters.");
	for (i = 0; i < n; i++) {
		char c = name[i];

		if (!(c >= 'a' && c <= 'z') && !(c >= 'A' && c <= 'Z') &&
		    !(c >= '0' && c <= '9') && c != '.' && c != '_' && c != '-')
			return _("Use only letters A–Z and a–z, digits, dot, "
			    "underscore and hyphen.");
	}
	return NULL;
}

const char *
auth_password_problem(const char *pw)
{
	size_t n = strlen(pw);

	if (!utf8_valid(pw, n))
		return _("The password contains invalid characters.");
	if (input_chars(pw) < AUTH_PASSWORD_MIN)
		return _("The password must have at least 10 characters.");
	if (input_chars(pw) > AUTH_PASSWORD_MAX)
		return _("The password has at most 256 characters.");
	return NULL;
}

/* --- two-step verification --- */

/* The secret is sealed bound to its user: a row copied to another user
 * does not open. */
static void
totp_ad(int64_t user_id, char ad[32])
{
	snprintf(ad, 32, "totp:%lld", (long long)user_id);
}

/* Opens user_id's secret into secret (at most TOTP_SECRET_LEN bytes,
 * *len set): 1 when the user has one (t filled), 0 when none, -1. */
static int
totp_load(struct req *r, int64_t user_id, struct totp_row *t,
    unsigned char secret[TOTP_SECRET_LEN], size_t *len)
{
	struct buf plain = BUF_INIT(TOTP_SECRET_LEN + 1);
	char ad[32];
	int rc = db_totp_get(r->app->db, user_id, t);

	if (rc == DB_NOTFOUND)
		return 0;
	if (rc != DB_OK)
		return -1;
	totp_ad(user_id, ad);
	rc = vault_open_sealed(r->app->vault, ad, t->secret, t->len, &plain);
	free(t->secret);
	t->secret = NULL;
	if (rc < 0 || plain.len != TOTP_SECRET_LEN) {
		if (plain.p)
			sodium_memzero(plain.p, plain.len);
		buf_release(&plain);
		return error("auth: a two-step secret does not open");
	}
	memcpy(secret, plain.p, plain.len);
	*len = plain.len;
	sodium_memzero(plain.p, plain.len);
	buf_release(&plain);
	return 1;
}

/* Whether user_id may pass its second step with code: 1 yes (also when
 * the user has it off), 0 no, -1. A code accepted is used up. */
static int
totp_passes(struct req *r, int64_t user_id, const char *code)
{
	struct totp_row t;
	unsigned char secret[TOTP_SECRET_LEN];
	size_t len = 0;
	int64_t step;
	int rc = totp_load(r, user_id, &t, secret, &len);

	if (rc <= 0)
		return rc < 0 ? -1 : 1;
	if (!t.active) {
		sodium_memzero(secret, sizeof(secret));
		return 1;
	}
	step = totp_match(secret, len, code, r->now, t.last_step);
	sodium_memzero(secret, sizeof(secret));
	if (step < 0)
		return 0;
	/* Two logins with one code at once: only one moves the step. */
	rc = db_totp_use(r->app->db, user_id, step);
	return rc == DB_OK ? 1 : rc == DB_NOTFOUND ? 0 : -1;
}

int
auth_totp_state(struct req *r, int64_t user_id)
{
	struct totp_row t;
	int rc = db_totp_get(r->app->db, user_id, &t);

	free(t.secret);
	if (rc == DB_NOTFOUND)
		return AUTH_TOTP_NONE;
	if (rc != DB_OK)
		return -1;
	return t.active ? AUTH_TOTP_ON : AUTH_TOTP_PENDING;
}

int
auth_totp_start(struct req *r, char b32[TOTP_B32_SIZE])
{
	unsigned char secret[TOTP_SECRET_LEN];
	struct buf sealed = BUF_INIT(256);
	char ad[32];
	int rc = auth_totp_state(r, r->user.id);

	if (rc < 0)
		return -1;
	if (rc == AUTH_TOTP_ON)
		return 1;
	totp_secret_new(secret);
	totp_ad(r->user.id, ad);
	rc = vault_seal(r->app->vault, ad, secret, sizeof(secret), &sealed);
	if (rc == 0)
		totp_base32(secret, b32);
	sodium_memzero(secret, sizeof(secret));
	if (rc < 0 || db_totp_put(r->app->db, r->user.id, sealed.p, sealed.len,
	    false, 0, r->now) != DB_OK) {
		buf_release(&sealed);
		return -1;
	}
	buf_release(&sealed);
	return audit(r, "account.totp.start", 0, NULL, NULL) < 0 ? -1 : 0;
}

int
auth_totp_confirm(struct req *r, const char *code)
{
	struct totp_row t;
	unsigned char secret[TOTP_SECRET_LEN];
	struct buf sealed = BUF_INIT(256);
	size_t len = 0;
	int64_t step;
	char ad[32];
	int rc = totp_load(r, r->user.id, &t, secret, &len);

	if (rc <= 0) {
		sodium_memzero(secret, sizeof(secret));
		return rc < 0 ? -1 : 1;
	}
	step = t.active ? -1 : totp_match(secret, len, code, r->now, 0);
	if (step > 0) {
		totp_ad(r->user.id, ad);
		rc = vault_seal(r->app->vault, ad, secret, len, &sealed);
	}
	sodium_memzero(secret, sizeof(secret));
	if (step < 0) {
		buf_release(&sealed);
		return 1;
	}
	if (rc < 0 || db_begin(r->app->db) != DB_OK) {
		buf_release(&sealed);
		return -1;
	}
	if (db_totp_put(r->app->db, r->user.id, sealed.p, sealed.len, true,
	    step, r->now) != DB_OK ||
	    audit(r, "account.totp.on", 0, NULL, NULL) < 0 ||
	    db_commit(r->app->db) != DB_OK) {
		db_rollback(r->app->db);
		buf_release(&sealed);
		return -1;
	}
	buf_release(&sealed);
	return 0;
}

int
auth_totp_off(struct req *r, int64_t user_id)
{
	char obj[40];

	snprintf(obj, sizeof(obj), "user:%lld", (long long)user_id);
	if (db_begin(r->app->db) != DB_OK)
		return -1;
	if (db_totp_delete(r->app->db, user_id) != DB_OK ||
	    (user_id == r->user.id ?
	    audit(r, "account.totp.off", 0, NULL, NULL) :
	    audit(r, "admin.user.update", 0, obj, json_pack("{s:s,s:s,s:s}",
	    "field", "totp", "old", "on", "new", "off"))) < 0 ||
	    db_commit(r->app->db) != DB_OK) {
		db_rollback(r->app->db);
		return -1;
	}
	return 0;
}

int
auth_totp_pending(struct req *r, char b32[TOTP_B32_SIZE])
{
	struct totp_row t;
	unsigned char secret[TOTP_SECRET_LEN];
	size_t len = 0;
	int rc = totp_load(r, r->user.id, &t, secret, &len);

	if (rc == 1 && !t.active)
		totp_base32(secret, b32);
	sodium_memzero(secret, sizeof(secret));
	return rc < 0 ? -1 : rc == 1 && !t.active;
}

int
auth_totp_turn_off(struct req *r, const char *password, const char *code)
{
	struct user u;
	int rc;

	if (auth_user_locked(r))
		return 3;
	if (db_user_get(r->app->db, r->user.id, &u) != DB_OK)
		return -1;
	rc = password && strlen(password) <= AUTH_PASSWORD_BYTES &&
	    crypt_pw_verify(u.pwhash, password) == 0;
	if (rc)
		rc = totp_passes(r, r->user.id, code);
	if (rc < 0)
		return -1;
	if (rc == 0) {
		rc = auth_password_failed(r);
		return rc < 0 ? -1 : rc > 0 ? 2 : 1;
	}
	return auth_totp_off(r, r->user.id) < 0 ? -1 : 0;
}

enum auth_result
auth_login(struct req *r, const char *username, const char *password,
    const char *code, struct user *u, char token[CRYPT_TOKEN_HEX],
    char csrf[CRYPT_TOKEN_HEX])
{
	const struct config *cfg = &r->app->cfg;
	struct session s;
	int rc;
	bool ok = false;
	char uname[DB_USERNAME_MAX];

	/* Store what was typed, bounded, for the audit of failures. */
	snprintf(uname, sizeof(uname), "%s", username);
	if (!utf8_valid(uname, strlen(uname)))
		snprintf(uname, sizeof(uname), "%s", "?");

	if (throttle_locked("u:", uname, r->now) ||
	    throttle_locked("ip:", r->ip, r->now)) {
		audit_as(r, 0, uname, "login.locked", NULL);
		return AUTH_LOCKED;
	}
	rc = db_user_by_name(r->app->db, username, u);
	if (rc == DB_ERROR)
		return AUTH_ERROR;
	if (rc == DB_OK && u->locked_until > r->now) {
		audit_as(r, u->id, u->username, "login.locked", NULL);
		return AUTH_LOCKED;
	}
	if (rc == DB_OK && strlen(password) <= AUTH_PASSWORD_BYTES)
		ok = crypt_pw_verify(u->pwhash, password) == 0;
	else
		crypt_pw_dummy(password);
	if (ok && u->disabled)
		ok = false;
	if (ok) {
		int t = totp_passes(r, u->id, code);

		if (t < 0)
			return AUTH_ERROR;
		ok = t == 1;
	}
	if (!ok) {
		throttle_fail("u:", uname, r->now, cfg->login_max_failures,
		    cfg->lockout_seconds);
		throttle_fail("ip:", r->ip, r->now, cfg->login_ip_max_failures,
		    cfg->lockout_seconds);
		if (rc == DB_OK)
			db_user_login_failed(r->app->db, u->id, r->now,
			    cfg->login_max_failures, cfg->lockout_seconds);
		audit_as(r, rc == DB_OK ? u->id : 0, uname, "login.failed",
		    NULL);
		return AUTH_BAD;
	}
	throttle_clear("u:", uname, r->now);
	db_user_login_ok(r->app->db, u->id);

	memset(&s, 0, sizeof(s));
	crypt_token(token);
	crypt_token(csrf);
	crypt_hash_hex(token, s.token_hash);
	memcpy(s.csrf, csrf, sizeof(s.csrf));
	s.user_id = u->id;
	s.created_at = s.last_seen = r->now;
	db_session_purge(r->app->db, r->now - cfg->session_idle,
	    r->now - cfg->session_max);
	if (db_session_add(r->app->db, &s) != DB_OK)
		return AUTH_ERROR;
	audit_as(r, u->id, u->username, "login.ok", NULL);
	return AUTH_OK;
}

bool
auth_user_locked(struct req *r)
{
	struct user u;

	if (throttle_locked("u:", r->user.username, r->now))
		return true;
	/* Fresh from storage: r->user was read before this request's
	 * failures were counted. */
	return db_user_get(r->app->db, r->user.id, &u) == DB_OK &&
	    u.locked_until > r->now;
}

int
auth_password_failed(struct req *r)
{
	const struct config *cfg = &r->app->cfg;
	char obj[40];
	int rc = DB_OK;
	bool locked;

	throttle_fail("u:", r->user.username, r->now, cfg->login_max_failures,
	    cfg->lockout_seconds);
	if (db_user_login_failed(r->app->db, r->user.id, r->now,
	    cfg->login_max_failures, cfg->lockout_seconds) != DB_OK)
		return -1;
	locked = auth_user_locked(r);
	/* The sessions go first, whatever becomes of the audit (which
	 * needs only r->user). */
	if (locked)
		rc = db_session_delete_user(r->app->db, r->user.id);
	snprintf(obj, sizeof(obj), "user:%lld", (long long)r->user.id);
	if (audit(r, "account.password.failed", 0, obj, json_pack("{s:b}",
	    "locked", locked)) < 0 || rc != DB_OK)
		return -1;
	return locked ? 1 : 0;
}

int
auth_session(struct req *r, const char *token)
{
	const struct config *cfg = &r->app->cfg;
	size_t n = strlen(token);

	if (n != CRYPT_TOKEN_HEX - 1)
		return -1;
	crypt_hash_hex(token, r->token_hash);
	if (db_session_get(r->app->db, r->token_hash, &r->sess) != DB_OK)
		return -1;
	if (r->now - r->sess.last_seen > cfg->session_idle ||
	    r->now - r->sess.created_at > cfg->session_max) {
		db_session_delete(r->app->db, r->token_hash);
		return -1;
	}
	if (db_user_get(r->app->db, r->sess.user_id, &r->user) != DB_OK ||
	    r->user.disabled) {
		db_session_delete(r->app->db, r->token_hash);
		return -1;
	}
	/* At most one write a second per session. */
	if (r->now != r->sess.last_seen)
		db_session_touch(r->app->db, r->token_hash, r->now);
	r->authed = true;
	return 0;
}

int
auth_logout(struct req *r)
{
	if (!r->authed)
		return 0;
	audit(r, "logout", 0, NULL, NULL);
	return db_session_delete(r->app->db, r->token_hash) == DB_OK ? 0 : -1;
}
