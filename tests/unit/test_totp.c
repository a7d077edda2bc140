/*
 * test_totp.c - one-time codes: RFC 6238's SHA-1 test vectors (6-digit
 * truncations), the window of one step either way, a step used once,
 * and codes that are not 6 digits.
 */
#include "compat.h"

#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>
#include <cmocka.h>

#include "totp.h"

static const unsigned char rfc_secret[] = "12345678901234567890";

static void
test_vectors(void **state)
{
	static const struct {
		int64_t t;
		const char *code;
	} v[] = {
		{ 59, "287082" }, { 1111111109, "081804" },
		{ 1111111111, "050471" }, { 1234567890, "005924" },
		{ 2000000000, "279037" }, { 20000000000, "353130" },
	};
	char out[TOTP_DIGITS + 1];
	size_t i;

	(void)state;
	for (i = 0; i < sizeof(v) / sizeof(v[0]); i++) {
		assert_int_equal(totp_code(rfc_secret, 20, v[i].t, out), 0);
		assert_string_equal(out, v[i].code);
		assert_int_equal(totp_match(rfc_secret, 20, v[i].code, v[i].t,
		    0), v[i].t / 30);
	}
}

static void
test_window_and_reuse(void **state)
{
	const int64_t t = 1234567890, step = t / 30;

	(void)state;
	/* One step early or late is taken; two are not. */
	assert_int_equal(totp_match(rfc_secret, 20, "005924", t + 30, 0),
	    step);
	assert_int_equal(totp_match(rfc_secret, 20, "005924", t - 30, 0),
	    step);
	assert_int_equal(totp_match(rfc_secret, 20, "005924", t + 61, 0), -1);
	assert_int_equal(totp_match(rfc_secret, 20, "005924", t - 61, 0), -1);
	/* A step used (or an earlier one) is refused. */
	assert_int_equal(totp_match(rfc_secret, 20, "005924", t, step), -1);
	assert_int_equal(totp_match(rfc_secret, 20, "005924", t, step + 1),
	    -1);
	assert_int_equal(totp_match(rfc_secret, 20, "005924", t, step - 1),
	    step);
}

static void
test_malformed(void **state)
{
	static const char *const bad[] = { NULL, "", "00592", "0059240",
		" 005924", "00592a", "-05924", "005 924", "+05924",
		"\xd9\xa0\xd9\xa0\xd9\xa5" };
	size_t i;

	(void)state;
	for (i = 0; i < sizeof(bad) / sizeof(bad[0]); i++)
		assert_int_equal(totp_match(rfc_secret, 20, bad[i], 1234567890,
		    0), -1);
	/* Another secret's code is refused. */
	assert_int_equal(totp_match((const unsigned char *)
	    "12345678901234567891", 20, "005924", 1234567890, 0), -1);
}

static void
test_base32_and_secrets(void **state)
{
	unsigned char a[TOTP_SECRET_LEN], b[TOTP_SECRET_LEN];
	char out[TOTP_B32_SIZE];

	(void)state;
	totp_base32(rfc_secret, out);
	assert_string_equal(out, "GEZDGNBVGY3TQOJQGEZDGNBVGY3TQOJQ");
	totp_secret_new(a);
	totp_secret_new(b);
	assert_memory_not_equal(a, b, TOTP_SECRET_LEN);
	totp_base32(a, out);
	assert_int_equal(strlen(out), 32);
}

static int
setup(void **state)
{
	(void)state;
	return totp_init();
}

static int
teardown(void **state)
{
	(void)state;
	totp_done();
	return 0;
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_vectors),
		cmocka_unit_test(test_window_and_reuse),
		cmocka_unit_test(test_malformed),
		cmocka_unit_test(test_base32_and_secrets),
	};

	return cmocka_run_group_tests(tests, setup, teardown);
}
