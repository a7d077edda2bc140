/*
 * test_money.c - the one parser and writer of amounts.
 */
#include "compat.h"

#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>
#include <cmocka.h>

#include "isocodes.h"
#include "money.h"

static void
test_parse(void **state)
{
	static const struct {
		const char *in;
		bool ok;
		int64_t cents;
	} cases[] = {
		{ "0", true, 0 }, { "12", true, 1200 }, { "12.5", true, 1250 },
		{ "12.34", true, 1234 }, { "0.05", true, 5 },
		{ "1000000000000", true, INT64_C(100000000000000) },
		{ "1000000000000.01", false, 0 }, { "12.345", false, 0 },
		{ "12.", false, 0 }, { ".5", false, 0 }, { "-1", false, 0 },
		{ "+1", false, 0 }, { "1e3", false, 0 }, { "00010", false, 0 },
		{ "01.5", false, 0 }, { "1 000", false, 0 }, { "", false, 0 },
		{ "99999999999999999999", false, 0 }, { "1,5", false, 0 },
	};
	size_t i;

	(void)state;
	for (i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		int64_t v = -7;
		bool ok = money_parse(cases[i].in, &v);

		if (ok != cases[i].ok)
			fail_msg("%s: %s", cases[i].in, ok ? "accepted" :
			    "refused");
		if (ok)
			assert_int_equal(v, cases[i].cents);
	}
	assert_false(money_parse(NULL, &(int64_t){ 0 }));
}

static void
test_scale_and_overflow(void **state)
{
	int64_t v = 0;

	(void)state;
	assert_true(money_decimal("1.5", 6, INT64_MAX, &v));
	assert_int_equal(v, 1500000);
	/* Fifteen digits scaled by a million pass INT64_MAX: refused
	 * before any overflow. */
	assert_false(money_decimal("999999999999999", 6, INT64_MAX, &v));
	assert_false(money_decimal("1.0000001", 6, INT64_MAX, &v));
}

static void
test_format(void **state)
{
	char out[MONEY_STR];

	(void)state;
	assert_string_equal(money_format(0, out), "0.00");
	assert_string_equal(money_format(125050, out), "1250.50");
	assert_string_equal(money_format(-5, out), "-0.05");
	assert_string_equal(money_format(INT64_MIN, out),
	    "-92233720368547758.08");
}

/* ISO 4217 minor units: the table money.c keeps (iso-codes has none). */
static void
test_minor_units(void **state)
{
	static const struct {
		const char *code;
		int minor;
	} cases[] = {
		{ "USD", 2 }, { "EUR", 2 }, { "THB", 2 }, { "COP", 2 },
		{ "JPY", 0 }, { "KRW", 0 }, { "VND", 0 }, { "CLP", 0 },
		{ "ISK", 0 }, { "XOF", 0 }, { "XAF", 0 }, { "UGX", 0 },
		{ "BHD", 3 }, { "KWD", 3 }, { "OMR", 3 }, { "JOD", 3 },
		{ "TND", 3 }, { "LYD", 3 }, { "IQD", 3 },
		/* no money one pays with */
		{ "XXX", -1 }, { "XAU", -1 }, { "XAG", -1 }, { "XPT", -1 },
		{ "XPD", -1 }, { "XDR", -1 }, { "XTS", -1 }, { "XBA", -1 },
		{ "XBB", -1 }, { "XBC", -1 }, { "XBD", -1 }, { "XSU", -1 },
		{ "XUA", -1 }, { "CLF", -1 }, { "UYW", -1 }, { "USN", -1 },
		/* not shaped as a code */
		{ "usd", -1 }, { "US", -1 }, { "USDX", -1 }, { "", -1 },
	};
	size_t i;

	(void)state;
	for (i = 0; i < sizeof(cases) / sizeof(cases[0]); i++)
		if (money_minor_units(cases[i].code) != cases[i].minor)
			fail_msg("%s: %d", cases[i].code,
			    money_minor_units(cases[i].code));
	assert_int_equal(money_minor_units(NULL), -1);
	/* Amounts are kept in hundredths: three decimals keep two. */
	assert_int_equal(money_decimals("KWD"), 2);
	assert_int_equal(money_decimals("JPY"), 0);
	assert_int_equal(money_decimals("XXX"), -1);
}

static void
test_fits(void **state)
{
	(void)state;
	assert_true(money_fits(105000, "JPY"));		/* 1050 */
	assert_false(money_fits(1050, "JPY"));		/* 10.50 */
	assert_false(money_fits(1001, "KRW"));
	assert_true(money_fits(1050, "USD"));
	assert_true(money_fits(1, "KWD"));
	assert_false(money_fits(100, "XXX"));
	assert_false(money_fits(100, NULL));
	assert_null(money_fits_msg(105000, "JPY"));
	assert_non_null(money_fits_msg(1050, "JPY"));
	/* In ISO 4217 but no money; unknown codes are another message's. */
	assert_true(currency_valid("XXX"));
	assert_false(money_currency_ok("XXX"));
	assert_non_null(money_not_money_msg("XXX"));
	assert_non_null(money_not_money_msg("XAU"));
	assert_null(money_not_money_msg("USD"));
	assert_null(money_not_money_msg("QQQ"));
	assert_true(money_currency_ok("JPY"));
	assert_false(money_currency_ok("QQQ"));
}

static int
setup(void **state)
{
	(void)state;
	return isocodes_load(NULL);
}

/* Counts and fixed decimals, as the pages show figures. */
static void
test_count_and_fixed(void **state)
{
	char out[MONEY_TEXT];

	(void)state;
	assert_string_equal(count_text(21195, LANG_EN, out), "21,195");
	assert_string_equal(count_text(21195, LANG_FR, out),
	    "21\xe2\x80\xaf" "195");
	assert_string_equal(count_text(21195, LANG_ES, out), "21.195");
	assert_string_equal(count_text(0, LANG_FR, out), "0");
	assert_string_equal(count_text(-1000, LANG_EN, out), "-1,000");
	/* Percentages keep both decimals, zeros included. */
	assert_string_equal(fixed_text(4524, 2, LANG_FR, out), "45,24");
	assert_string_equal(fixed_text(4500, 2, LANG_EN, out), "45.00");
	assert_string_equal(fixed_text(123456, 2, LANG_ES, out), "1.234,56");
	/* Days with one decimal. */
	assert_string_equal(fixed_text(35, 1, LANG_EN, out), "3.5");
	assert_string_equal(fixed_text(10, 1, LANG_FR, out), "1,0");
	assert_string_equal(fixed_text(0, 1, LANG_ES, out), "0,0");
}

/* A well-written amount above the limit is told so; anything else is
 * left to the caller's own message. */
static void
test_too_large(void **state)
{
	const int64_t max = INT64_C(100000000000000);	/* 1e12 units */
	const char *m;

	(void)state;
	assert_null(money_too_large_msg("1000000000000", max));
	assert_null(money_too_large_msg("12.50", max));
	assert_null(money_too_large_msg(NULL, max));
	assert_null(money_too_large_msg("", max));
	assert_null(money_too_large_msg("-5", max));
	assert_null(money_too_large_msg("abc", max));
	assert_null(money_too_large_msg("007", max));
	assert_null(money_too_large_msg("1000000000000.001", max));
	assert_null(money_too_large_msg("1e13", max));
	m = money_too_large_msg("1000000000000.01", max);
	assert_non_null(m);
	assert_non_null(strstr(m, "1,000,000,000,000"));
	assert_non_null(money_too_large_msg("9999999999999.99", max));
	/* Beyond what any amount can be written with, still too large. */
	assert_non_null(money_too_large_msg("99999999999999999999", max));
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_parse),
		cmocka_unit_test(test_count_and_fixed),
		cmocka_unit_test(test_scale_and_overflow),
		cmocka_unit_test(test_format),
		cmocka_unit_test(test_minor_units),
		cmocka_unit_test(test_fits),
		cmocka_unit_test(test_too_large),
	};

	return cmocka_run_group_tests(tests, setup, NULL);
}
