#include "compat.h"

#include <stdlib.h>
#include <string.h>

#include <liboath/oath.h>
#include <sodium.h>

#include "log.h"
#include "totp.h"

int
totp_init(void)
{
	return oath_init() == OATH_OK ? 0 : -1;
}

void
totp_done(void)
{
	oath_done();
}

void
totp_secret_new(unsigned char secret[TOTP_SECRET_LEN])
{
	randombytes_buf(secret, TOTP_SECRET_LEN);
}

void
totp_base32(const unsigned char secret[TOTP_SECRET_LEN],
    char out[TOTP_B32_SIZE])
{
	char *b = NULL;
	size_t n = 0, i, j = 0;

	out[0] = '\0';
	if (oath_base32_encode((const char *)secret, TOTP_SECRET_LEN, &b,
	    &n) != OATH_OK || b == NULL)
		return;
	for (i = 0; i < n && b[i] != '=' && j < TOTP_B32_SIZE - 1; i++)
		out[j++] = b[i];
	out[j] = '\0';
	sodium_memzero(b, n);
	free(b);
}

int64_t
totp_match(const unsigned char *secret, size_t len, const char *code,
    int64_t now, int64_t after_step)
{
	uint64_t step = 0;
	int pos = 0, i;

	if (code == NULL || strlen(code) != TOTP_DIGITS)
		return -1;
	for (i = 0; i < TOTP_DIGITS; i++)
		if (code[i] < '0' || code[i] > '9')
			return -1;
	if (oath_totp_validate3((const char *)secret, len, (time_t)now,
	    OATH_TOTP_DEFAULT_TIME_STEP_SIZE, OATH_TOTP_DEFAULT_START_TIME, 1,
	    &pos, &step, code) < 0)
		return -1;
	if ((int64_t)step <= after_step)
		return -1;
	return (int64_t)step;
}

int
totp_code(const unsigned char *secret, size_t len, int64_t now,
    char out[TOTP_DIGITS + 1])
{
	return oath_totp_generate((const char *)secret, len, (time_t)now,
	    OATH_TOTP_DEFAULT_TIME_STEP_SIZE, OATH_TOTP_DEFAULT_START_TIME,
	    TOTP_DIGITS, out) == OATH_OK ? 0 : -1;
}
