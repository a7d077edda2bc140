/*
 * totp.h - time-based one-time passwords (RFC 6238: HMAC-SHA1, 30-second
 * steps, 6 digits), the second step of a login for those who turn it on.
 * liboath computes the codes; this module adds the rules around them: a
 * code is 6 ASCII digits, one step of clock drift is allowed either way,
 * and a step once used is never accepted again (the caller keeps it).
 */
#ifndef CTM_TOTP_H
#define CTM_TOTP_H

#include "compat.h"

#define TOTP_SECRET_LEN 20	/* 160 bits, as RFC 4226 recommends */
#define TOTP_B32_SIZE 33	/* the secret in base32 and its NUL */
#define TOTP_DIGITS 6

/* Once per process, before any other call; 0 or -1. */
int totp_init(void);
void totp_done(void);
/* A new random secret. */
void totp_secret_new(unsigned char secret[TOTP_SECRET_LEN]);
/* The secret in base32 (RFC 4648, no padding), as authenticator apps
 * take it typed in. */
void totp_base32(const unsigned char secret[TOTP_SECRET_LEN],
    char out[TOTP_B32_SIZE]);
/*
 * The step (30-second count since 1970) at which code (untrusted) is the
 * secret's code, looking one step either side of now; -1 when it is none,
 * or not 6 digits, or not after after_step (a code is used once).
 */
int64_t totp_match(const unsigned char *secret, size_t len, const char *code,
    int64_t now, int64_t after_step);
/* The code at now (for tests and the demo). 0 or -1. */
int totp_code(const unsigned char *secret, size_t len, int64_t now,
    char out[TOTP_DIGITS + 1]);

#endif
