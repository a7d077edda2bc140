/*
 * test_money_form.c - amounts as users of each language type them in
 * the forms, and as the pages write them.
 */
#include "compat.h"

#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>
#include <cmocka.h>

#include "money.h"

#define NNBSP "\xe2\x80\xaf"
#define NBSP "\xc2\xa0"

static void
test_form(void **state)
{
	static const struct {
		enum lang lang;
		const char *in;
		bool ok;
		int64_t cents;
	} cases[] = {
		/* the API's own form is read in every language */
		{ LANG_EN, "1250.50", true, 125050 },
		{ LANG_FR, "1250.50", true, 125050 },
		{ LANG_ES, "1250.50", true, 125050 },
		{ LANG_ES, "0.5", true, 50 },
		/* English */
		{ LANG_EN, "2,720,505.26", true, 272050526 },
		{ LANG_EN, "1,250", true, 125000 },
		{ LANG_EN, "250,50", false, 0 },
		/* French: decimal comma, space, no-break or narrow no-break */
		{ LANG_FR, "250,50", true, 25050 },
		{ LANG_FR, "2 720 505,26", true, 272050526 },
		{ LANG_FR, "2" NNBSP "720" NNBSP "505,26", true, 272050526 },
		{ LANG_FR, "2" NBSP "720,5", true, 272050 },
		{ LANG_FR, " 12,5 ", true, 1250 },
		{ LANG_FR, "1,250", false, 0 },		/* three decimals */
		{ LANG_FR, "2 72 505,26", false, 0 },	/* a group of two */
		{ LANG_FR, "2 720" NNBSP "505", false, 0 },	/* mixed */
		{ LANG_FR, "2.720.505,26", false, 0 },
		{ LANG_FR, "1,2,3", false, 0 },
		{ LANG_FR, "-5,00", false, 0 },
		{ LANG_FR, "", false, 0 },
		{ LANG_FR, "   ", false, 0 },
		{ LANG_FR, ",5", false, 0 },
		{ LANG_FR, "007,5", false, 0 },
		/* Spanish: decimal comma, dots (or spaces) between thousands */
		{ LANG_ES, "2.720.505,26", true, 272050526 },
		{ LANG_ES, "1.250", true, 125000 },
		{ LANG_ES, "250,50", true, 25050 },
		{ LANG_ES, "2 720 505,26", true, 272050526 },
		{ LANG_ES, "2.72.505", false, 0 },
		{ LANG_ES, "1.250.5", false, 0 },
		{ LANG_ES, "1,5,0", false, 0 },
		{ LANG_ES, "1.000.000.000.000,01", false, 0 },	/* too much */
	};
	size_t i;

	(void)state;
	for (i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		int64_t v = -7;
		bool ok = money_decimal_form(cases[i].in, cases[i].lang, 2,
		    MONEY_MAX, &v);

		if (ok != cases[i].ok)
			fail_msg("%s (%s): %s", cases[i].in,
			    lang_code(cases[i].lang), ok ? "accepted" : "refused");
		if (ok)
			assert_int_equal(v, cases[i].cents);
	}
	assert_false(money_decimal_form(NULL, LANG_FR, 2, MONEY_MAX, &(int64_t){ 0 }));
}

static void
test_form_value(void **state)
{
	char out[MONEY_STR];

	(void)state;
	assert_string_equal(money_form_value("2.720.505,26", LANG_ES, 2,
	    MONEY_MAX, out), "2720505.26");
	assert_string_equal(money_form_value("0,95", LANG_FR, 6,
	    INT64_MAX, out), "0.950000");
	/* What does not read is handed on as typed, for the check's message. */
	assert_string_equal(money_form_value("1,2,3", LANG_FR, 2, MONEY_MAX,
	    out), "1,2,3");
	assert_null(money_form_value(NULL, LANG_FR, 2, MONEY_MAX, out));
}

static void
test_text(void **state)
{
	char out[MONEY_TEXT];

	(void)state;
	assert_string_equal(money_text(272050526, LANG_EN, out), "2,720,505.26");
	assert_string_equal(money_text(272050526, LANG_FR, out),
	    "2" NNBSP "720" NNBSP "505,26");
	assert_string_equal(money_text(272050526, LANG_ES, out), "2.720.505,26");
	assert_string_equal(money_text(5, LANG_FR, out), "0,05");
	assert_string_equal(money_text(100000, LANG_EN, out), "1,000.00");
	assert_string_equal(money_text(99999, LANG_EN, out), "999.99");
	assert_string_equal(money_text(-123456, LANG_ES, out), "-1.234,56");
	assert_string_equal(money_text(INT64_MAX, LANG_FR, out),
	    "92" NNBSP "233" NNBSP "720" NNBSP "368" NNBSP "547" NNBSP
	    "758,07");
	assert_string_equal(money_text_scaled(950000, 6, 0, LANG_FR, out),
	    "0,95");
	assert_string_equal(money_text_scaled(3950000000, 6, 0, LANG_ES, out),
	    "3.950");
	assert_string_equal(money_text_of("1250.50", LANG_ES, out), "1.250,50");
	assert_string_equal(money_text_of("-3.00", LANG_FR, out), "-3,00");
	assert_string_equal(money_text_of("", LANG_FR, out), "");
	assert_string_equal(money_text_of("x", LANG_FR, out), "x");
	/* What the pages write, the forms read back. */
	{
		int64_t v;
		enum lang l;

		for (l = LANG_EN; l < LANG__MAX; l++) {
			assert_true(money_decimal_form(money_text(272050526, l,
			    out), l, 2, MONEY_MAX, &v));
			assert_int_equal(v, 272050526);
		}
	}
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_form),
		cmocka_unit_test(test_form_value),
		cmocka_unit_test(test_text),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
