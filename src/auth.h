/*
 * auth.h - logins, sessions and login throttling.
 *
 * Session tokens are 256 random bits, given to the browser once and
 * stored only as their BLAKE2b hash. Failed logins are counted per
 * username (whether or not the user exists, so the answer never tells)
 * and per address; past the limit the key is locked for a while.
 */
#ifndef CTM_AUTH_H
#define CTM_AUTH_H

#include "crypt.h"
#include "http.h"

enum auth_result {
	AUTH_OK,
	AUTH_BAD,		/* wrong username or password, or disabled */
	AUTH_LOCKED,		/* too many failures: try later */
	AUTH_ERROR,
};

/* Minimum password length for new passwords. */
#define AUTH_PASSWORD_MIN 10
#define AUTH_PASSWORD_MAX 256

/*
 * Checks username/password (untrusted) and on success creates a session:
 * token (for the cookie) and csrf are written to the caller's buffers,
 * u receives the user. Audits login.ok / login.failed / login.locked.
 */
enum auth_result auth_login(struct req *r, const char *username,
    const char *password, struct user *u, char token[CRYPT_TOKEN_HEX],
    char csrf[CRYPT_TOKEN_HEX]);

/*
 * Counts a wrong current password given on a password change by r's
 * session user as a failed login of that user: the same per-username
 * throttle and stored failure count as auth_login (so guesses through a
 * stolen session and through the login form add up), audited as
 * account.password.failed. When this locks the user, every session of
 * the user ends, r's included, so that a stolen session cannot go on
 * guessing; the caller then treats r as logged out. Returns 1 when the
 * user is now locked, 0 when not, -1 on failure.
 */
int auth_password_failed(struct req *r);
/* Whether r's session user may not log in now: too many failed logins or
 * password changes (the throttle or the stored lock). */
bool auth_user_locked(struct req *r);

/* Looks up the session of token; fills r->user, r->sess, r->authed.
 * Expired sessions are deleted. Returns 0 when authenticated. */
int auth_session(struct req *r, const char *token);
/* Ends r's session. */
int auth_logout(struct req *r);
/* Returns a translated message when name is not a valid username (2 to
 * 63 of A-Z a-z 0-9 . _ -), else NULL. */
const char *auth_username_problem(const char *name);
/* Returns a translated message when pw is not acceptable, else NULL. */
const char *auth_password_problem(const char *pw);
/* Forgets throttling state (tests, admin unlock). */
void auth_throttle_reset(void);

#endif
