#include "compat.h"

#include <ctype.h>
#include <pthread.h>
#include <stdio.h>
#include <string.h>

#include <sodium.h>

#include "audit.h"
#include "auth.h"
#include "crypt.h"
#include "i18n.h"
#include "log.h"

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

	if (n < AUTH_PASSWORD_MIN)
		return _("The password must have at least 10 characters.");
	if (n > AUTH_PASSWORD_MAX)
		return _("The password is too long.");
	if (!utf8_valid(pw, n))
		return _("The password contains invalid characters.");
	return NULL;
}

enum auth_result
auth_login(struct req *r, const char *username, const char *password,
    struct user *u, char token[CRYPT_TOKEN_HEX], char csrf[CRYPT_TOKEN_HEX])
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
	if (rc == DB_OK && strlen(password) <= AUTH_PASSWORD_MAX)
		ok = crypt_pw_verify(u->pwhash, password) == 0;
	else
		crypt_pw_dummy(password);
	if (ok && u->disabled)
		ok = false;
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
