/*
 * test_crypt.c - passwords, tokens and hashes of crypt.h.
 */
#include "compat.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include "crypt.h"

/* The alphabet crypt_password promises: no 0/O, 1/l/I look-alikes. */
static const char pw_set[] =
    "abcdefghijkmnpqrstuvwxyzABCDEFGHJKLMNPQRSTUVWXYZ23456789";

static int
setup(void **state)
{
	(void)state;
	return crypt_init(2);
}

static bool
is_lower_hex(const char *s, size_t n)
{
	size_t i;

	if (strlen(s) != n)
		return false;
	for (i = 0; i < n; i++)
		if (!((s[i] >= '0' && s[i] <= '9') || (s[i] >= 'a' && s[i] <= 'f')))
			return false;
	return true;
}

static void
test_hash_verify(void **state)
{
	char h[CRYPT_PWHASH_MAX];

	(void)state;
	memset(h, 0, sizeof(h));
	assert_int_equal(crypt_pw_hash("correct horse battery", h), 0);
	assert_true(strncmp(h, "$argon2id$", 10) == 0);
	assert_true(strlen(h) < CRYPT_PWHASH_MAX);
	/* The password itself is not in the hash string. */
	assert_null(strstr(h, "correct horse"));
	assert_int_equal(crypt_pw_verify(h, "correct horse battery"), 0);
	assert_int_equal(crypt_pw_verify(h, "correct horse batterY"), -1);
	assert_int_equal(crypt_pw_verify(h, "correct horse battery "), -1);
	assert_int_equal(crypt_pw_verify(h, "correct horse batter"), -1);
	assert_int_equal(crypt_pw_verify(h, ""), -1);
}

static void
test_hash_utf8_and_empty(void **state)
{
	char h[CRYPT_PWHASH_MAX];

	(void)state;
	assert_int_equal(crypt_pw_hash("contraseña ñ €", h), 0);
	assert_int_equal(crypt_pw_verify(h, "contraseña ñ €"), 0);
	assert_int_equal(crypt_pw_verify(h, "contrasena n €"), -1);
	assert_int_equal(crypt_pw_hash("", h), 0);
	assert_int_equal(crypt_pw_verify(h, ""), 0);
	assert_int_equal(crypt_pw_verify(h, " "), -1);
}

static void
test_hash_salted(void **state)
{
	char a[CRYPT_PWHASH_MAX], b[CRYPT_PWHASH_MAX];

	(void)state;
	assert_int_equal(crypt_pw_hash("same password", a), 0);
	assert_int_equal(crypt_pw_hash("same password", b), 0);
	assert_string_not_equal(a, b);
	assert_int_equal(crypt_pw_verify(a, "same password"), 0);
	assert_int_equal(crypt_pw_verify(b, "same password"), 0);
}

static void
test_verify_bad_hash(void **state)
{
	char h[CRYPT_PWHASH_MAX];

	(void)state;
	assert_int_equal(crypt_pw_verify("", "x"), -1);
	assert_int_equal(crypt_pw_verify("not a hash", "not a hash"), -1);
	assert_int_equal(crypt_pw_verify("$argon2id$", ""), -1);
	/* A hash of another password, with one character changed. */
	assert_int_equal(crypt_pw_hash("pw", h), 0);
	h[strlen(h) - 2] = h[strlen(h) - 2] == 'A' ? 'B' : 'A';
	assert_int_equal(crypt_pw_verify(h, "pw"), -1);
	/* The dummy verify for unknown users just runs. */
	crypt_pw_dummy("anything");
	crypt_pw_dummy("");
}

static void
test_tokens(void **state)
{
	char a[CRYPT_TOKEN_HEX], b[CRYPT_TOKEN_HEX];

	(void)state;
	memset(a, 'X', sizeof(a));
	memset(b, 'X', sizeof(b));
	crypt_token(a);
	crypt_token(b);
	assert_true(is_lower_hex(a, 64));
	assert_true(is_lower_hex(b, 64));
	assert_string_not_equal(a, b);
}

static void
test_hash_hex(void **state)
{
	char a[CRYPT_TOKEN_HEX], b[CRYPT_TOKEN_HEX];

	(void)state;
	crypt_hash_hex("abc", a);
	crypt_hash_hex("abc", b);
	assert_string_equal(a, b);
	assert_true(is_lower_hex(a, 64));
	/* BLAKE2b with a 32-byte digest, no key. */
	assert_string_equal(a, "bddd813c634239723171ef3fee98579b"
	    "94964e3bb1cb3e427262c8c068d52319");
	crypt_hash_hex("", a);
	assert_string_equal(a, "0e5751c026e543b2e8ab2eb06099daa1"
	    "d1e5df47778f7787faab45cdf12fe3a8");
	crypt_hash_hex("abd", b);
	assert_string_not_equal(a, b);
	/* A token hashed is not the token. */
	crypt_token(a);
	crypt_hash_hex(a, b);
	assert_string_not_equal(a, b);
	assert_true(is_lower_hex(b, 64));
}

static void
test_equal(void **state)
{
	(void)state;
	assert_true(crypt_equal("", ""));
	assert_true(crypt_equal("abc", "abc"));
	assert_false(crypt_equal("abc", "abd"));
	assert_false(crypt_equal("abc", "Abc"));
	assert_false(crypt_equal("abc", "abcd"));
	assert_false(crypt_equal("abcd", "abc"));
	assert_false(crypt_equal("", "a"));
	assert_false(crypt_equal("a", ""));
}

static void
test_password(void **state)
{
	char a[33], b[33], small[8];
	size_t i;

	(void)state;
	crypt_password(a, sizeof(a), 32);
	crypt_password(b, sizeof(b), 32);
	assert_int_equal(strlen(a), 32);
	assert_int_equal(strlen(b), 32);
	assert_string_not_equal(a, b);
	for (i = 0; i < 32; i++) {
		assert_non_null(strchr(pw_set, a[i]));
		assert_non_null(strchr(pw_set, b[i]));
	}
	/* len too large for the buffer: truncated to outsz - 1, terminated. */
	memset(small, 'X', sizeof(small));
	crypt_password(small, sizeof(small), 100);
	assert_int_equal(strlen(small), 7);
	memset(small, 'X', sizeof(small));
	crypt_password(small, sizeof(small), 8);
	assert_int_equal(strlen(small), 7);
	/* Zero length and zero-sized buffers. */
	crypt_password(small, sizeof(small), 0);
	assert_string_equal(small, "");
	memset(small, 'X', sizeof(small));
	crypt_password(small, 0, 5);
	for (i = 0; i < sizeof(small); i++)
		assert_int_equal(small[i], 'X');
}

static void
test_password_charset_coverage(void **state)
{
	/* Over many draws, only allowed characters, and most of them seen. */
	char pw[257];
	bool seen[256] = { false };
	size_t i, k, nseen = 0;

	(void)state;
	for (k = 0; k < 20; k++) {
		crypt_password(pw, sizeof(pw), 256);
		assert_int_equal(strlen(pw), 256);
		for (i = 0; i < 256; i++) {
			const char *c = strchr(pw_set, pw[i]);

			if (c == NULL)
				fail_msg("character 0x%02x is outside the set",
				    (unsigned char)pw[i]);
			seen[(unsigned char)pw[i]] = true;
		}
	}
	for (i = 0; i < 256; i++)
		nseen += seen[i];
	assert_int_equal(nseen, strlen(pw_set));
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_hash_verify),
		cmocka_unit_test(test_hash_utf8_and_empty),
		cmocka_unit_test(test_hash_salted),
		cmocka_unit_test(test_verify_bad_hash),
		cmocka_unit_test(test_tokens),
		cmocka_unit_test(test_hash_hex),
		cmocka_unit_test(test_equal),
		cmocka_unit_test(test_password),
		cmocka_unit_test(test_password_charset_coverage),
	};

	return cmocka_run_group_tests(tests, setup, NULL);
}
