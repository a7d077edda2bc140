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
#include "totp.h"

enum auth_result {
	AUTH_OK,
	AUTH_BAD,		/* wrong username or password, or disabled */
	AUTH_LOCKED,		/* too many failures: try later */
	AUTH_ERROR,
};

/* Length of a new password, in characters (as the form's maxlength
 * counts them), and the most bytes one of AUTH_PASSWORD_MAX can take. */
#define AUTH_PASSWORD_MIN 10
#define AUTH_PASSWORD_MAX 256
#define AUTH_PASSWORD_BYTES (AUTH_PASSWORD_MAX * 4)

/*
 * Checks username/password (untrusted) and, for a user with two-step
 * verification on, code (untrusted, NULL when none was given); on success
 * creates a session: token (for the cookie) and csrf are written to the
 * caller's buffers, u receives the user. A missing or wrong code fails
 * exactly as a wrong password does (AUTH_BAD, counted, audited
 * login.failed), so that the answer never tells that the password was
 * right. Audits login.ok / login.failed / login.locked.
 */
enum auth_result auth_login(struct req *r, const char *username,
    const char *password, const char *code, struct user *u,
    char token[CRYPT_TOKEN_HEX], char csrf[CRYPT_TOKEN_HEX]);

/* --- two-step verification (src/totp.h) of r's session user --- */
enum auth_totp_state {
	AUTH_TOTP_NONE,		/* never set up, or turned off */
	AUTH_TOTP_PENDING,	/* a secret given, not yet confirmed */
	AUTH_TOTP_ON,
};
/* The state of user_id's two-step verification, or -1. */
int auth_totp_state(struct req *r, int64_t user_id);
/* Gives r's user a new secret (sealed, off until confirmed) in base32
 * into b32. 1 when it is on already (turn it off first), 0, or -1. */
int auth_totp_start(struct req *r, char b32[TOTP_B32_SIZE]);
/* Turns it on when code (untrusted) is the pending secret's code now:
 * 0, 1 when it is not (or nothing is pending), -1. Audited
 * account.totp.on. */
int auth_totp_confirm(struct req *r, const char *code);
/* Turns user_id's off (its secret is deleted): by the user (r's, after
 * checking the password and a code) or by an administrator (a lost
 * phone). Audited account.totp.off or admin.user.update. 0 or -1. */
int auth_totp_off(struct req *r, int64_t user_id);
/* The pending (not yet confirmed) secret of r's user in base32 into b32:
 * 1 when there is one, 0 when not, -1. */
int auth_totp_pending(struct req *r, char b32[TOTP_B32_SIZE]);
/*
 * r's user turns it off, giving the password and a code (untrusted).
 * Either wrong counts as a failed login of the user (as a wrong current
 * password does on a password change): 0 done, 1 refused, 2 refused and
 * the user is now locked (every session ended: treat r as logged out),
 * 3 locked already, -1.
 */
int auth_totp_turn_off(struct req *r, const char *password,
    const char *code);

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
