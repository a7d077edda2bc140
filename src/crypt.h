/*
 * crypt.h - passwords, tokens and hashes (libsodium).
 *
 * Password hashing is argon2id. At most crypt_init()'s nslots hashes run
 * at once (each takes 64 MiB): further callers wait, so a burst of
 * logins cannot exhaust memory.
 */
#ifndef CTM_CRYPT_H
#define CTM_CRYPT_H

#include "compat.h"

#define CRYPT_PWHASH_MAX 128
/* A token as hex: 32 random bytes = 64 hex chars + NUL. */
#define CRYPT_TOKEN_HEX 65

int crypt_init(unsigned nslots);
/* Writes the argon2id string of pw into out; -1 on failure. */
int crypt_pw_hash(const char *pw, char out[CRYPT_PWHASH_MAX]);
/* 0 when pw matches hash, -1 otherwise. */
int crypt_pw_verify(const char *hash, const char *pw);
/* Burns the same time as a verify, for unknown users. */
void crypt_pw_dummy(const char *pw);
/* 256 random bits as lowercase hex. */
void crypt_token(char out[CRYPT_TOKEN_HEX]);
/* BLAKE2b-256 of s as hex (for storing tokens hashed). */
void crypt_hash_hex(const char *s, char out[CRYPT_TOKEN_HEX]);
/* A readable random password of len characters (len < outsz). */
void crypt_password(char *out, size_t outsz, size_t len);
/* Constant-time string comparison; true when equal. */
bool crypt_equal(const char *a, const char *b);

#endif
