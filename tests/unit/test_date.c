/*
 * test_date.c - calendar days as numbers (date_day_number and
 * date_unix_day): exact on both sides of 1970, DATE_NONE for what is
 * not a day.
 */
#include "compat.h"

#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include "date.h"

static void
test_day_numbers(void **state)
{
	static const struct {
		const char *in;
		int64_t want;
	} cases[] = {
		{ "1970-01-01", 0 }, { "1970-01-02", 1 }, { "1969-12-31", -1 },
		{ "1969-12-30", -2 }, { "1900-01-01", -25567 },
		{ "1900-03-01", -25508 }, { "2000-02-29", 11016 },
		{ "2000-03-01", 11017 }, { "2026-12-04", 20791 },
		{ "9999-12-31", 2932896 },
		{ "1899-12-31", DATE_NONE }, { "1900-02-29", DATE_NONE },
		{ "2026-13-01", DATE_NONE }, { "2026-1-01", DATE_NONE },
		{ "", DATE_NONE }, { NULL, DATE_NONE },
	};
	size_t i;
	char back[DATE_SIZE];

	(void)state;
	for (i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		int64_t got = date_day_number(cases[i].in);

		if (got != cases[i].want)
			fail_msg("%s: got %lld, want %lld", cases[i].in ?
			    cases[i].in : "(null)", (long long)got,
			    (long long)cases[i].want);
		if (got == DATE_NONE)
			continue;
		date_of(got * 86400, back);
		assert_string_equal(back, cases[i].in);
	}
}

static void
test_unix_day(void **state)
{
	(void)state;
	assert_int_equal(date_unix_day(0), 0);
	assert_int_equal(date_unix_day(86399), 0);
	assert_int_equal(date_unix_day(86400), 1);
	assert_int_equal(date_unix_day(-1), -1);
	assert_int_equal(date_unix_day(-86400), -1);
	assert_int_equal(date_unix_day(-86401), -2);
}

/* Instants read back as time_iso() writes them, and the API's forms. */
static void
test_iso_parse(void **state)
{
	char out[TIME_ISO_SIZE];
	int64_t t = -1;

	(void)state;
	time_iso(1796300000, out);
	assert_true(time_iso_parse(out, &t));
	assert_int_equal(t, 1796300000);
	assert_true(time_iso_parse("2026-06-01T10:20:30.123Z", &t));
	assert_int_equal(t, 1780309230);
	assert_true(time_iso_parse("2026-06-01T10:20:30", &t));
	assert_int_equal(t, 1780309230);
	assert_true(time_iso_parse("2026-06-01", &t));
	assert_int_equal(t, 1780272000);
	t = 7;
	assert_false(time_iso_parse("2026-06-01T10:20:30+02:00", &t));
	assert_false(time_iso_parse("yesterday", &t));
	assert_false(time_iso_parse("", &t));
	assert_false(time_iso_parse(NULL, &t));
	assert_int_equal(t, 7);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_day_numbers),
		cmocka_unit_test(test_unix_day),
		cmocka_unit_test(test_iso_parse),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
