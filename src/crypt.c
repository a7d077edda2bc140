#include "compat.h"

#include <pthread.h>
#include <string.h>

#include <sodium.h>

#include "crypt.h"
#include "log.h"

static pthread_mutex_t slot_mu = PTHREAD_MUTEX_INITIALIZER;
static pthread_cond_t slot_cv = PTHREAD_COND_INITIALIZER;
static unsigned slots_free = 1;
static char dummy_hash[CRYPT_PWHASH_MAX];

int
crypt_init(unsigned nslots)
{
	if (sodium_init() < 0)
		return error("libsodium failed to initialise");
	slots_free = nslots ? nslots : 1;
	if (dummy_hash[0] == '\0' &&
	    crypt_pw_hash("ctm-dummy-password", dummy_hash) < 0)
		return -1;
	return 0;
}

static void
slot_take(void)
{
	pthread_mutex_lock(&slot_mu);
	while (slots_free == 0)
		pthread_cond_wait(&slot_cv, &slot_mu);
	slots_free--;
	pthread_mutex_unlock(&slot_mu);
}

static void
slot_give(void)
{
	pthread_mutex_lock(&slot_mu);
	slots_free++;
	pthread_cond_signal(&slot_cv);
	pthread_mutex_unlock(&slot_mu);
}

int
crypt_pw_hash(const char *pw, char out[CRYPT_PWHASH_MAX])
{
	int rc;

	slot_take();
	rc = crypto_pwhash_str_alg(out, pw, strlen(pw),
	    crypto_pwhash_OPSLIMIT_INTERACTIVE,
	    crypto_pwhash_MEMLIMIT_INTERACTIVE, crypto_pwhash_ALG_ARGON2ID13);
	slot_give();
	if (rc != 0)
		return error("password hashing failed (out of memory?)");
	return 0;
}

int
crypt_pw_verify(const char *hash, const char *pw)
{
	int rc;

	slot_take();
	rc = crypto_pwhash_str_verify(hash, pw, strlen(pw));
	slot_give();
	return rc == 0 ? 0 : -1;
}

void
crypt_pw_dummy(const char *pw)
{
	(void)crypt_pw_verify(dummy_hash, pw);
}

void
crypt_token(char out[CRYPT_TOKEN_HEX])
{
	unsigned char raw[32];

	randombytes_buf(raw, sizeof(raw));
	sodium_bin2hex(out, CRYPT_TOKEN_HEX, raw, sizeof(raw));
	sodium_memzero(raw, sizeof(raw));
}

void
crypt_hash_hex(const char *s, char out[CRYPT_TOKEN_HEX])
{
	unsigned char h[32];

	crypto_generichash(h, sizeof(h), (const unsigned char *)s, strlen(s),
	    NULL, 0);
	sodium_bin2hex(out, CRYPT_TOKEN_HEX, h, sizeof(h));
}

void
crypt_password(char *out, size_t outsz, size_t len)
{
	/* No look-alikes (0/O, 1/l/I) so a password can be read out. */
	static const char set[] =
	    "abcdefghijkmnpqrstuvwxyzABCDEFGHJKLMNPQRSTUVWXYZ23456789";
	size_t i;

	if (outsz == 0)
		return;
	if (len >= outsz)
		len = outsz - 1;
	for (i = 0; i < len; i++)
		out[i] = set[randombytes_uniform(sizeof(set) - 1)];
	out[len] = '\0';
}

bool
crypt_equal(const char *a, const char *b)
{
	size_t la = strlen(a), lb = strlen(b);

	if (la != lb)
		return false;
	return sodium_memcmp(a, b, la) == 0;
}
