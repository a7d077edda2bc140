/*
 * test_form.c - ids typed into forms and queries (form_id): the one
 * reader every page uses for record, version and user ids.
 */
#include "compat.h"

#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include "http.h"

static void
test_form_id(void **state)
{
	static const struct {
		const char *in;
		int64_t want;
	} cases[] = {
		{ NULL, 0 }, { "", 0 }, { "1", 1 }, { "42", 42 },
		{ "007", 7 }, { "9007199254740992", INT64_C(9007199254740992) },
		{ "0", -1 }, { "-3", -1 }, { "+3", -1 }, { " 3", -1 },
		{ "3 ", -1 }, { "3x", -1 }, { "0x10", -1 }, { "1e3", -1 },
		{ "3.0", -1 }, { "99999999999999999999", -1 },
		{ "90071992547409930", -1 }, { "\xd9\xa3", -1 },
	};
	size_t i;

	(void)state;
	for (i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		int64_t got = form_id(cases[i].in);

		if (got != cases[i].want)
			fail_msg("%s: got %lld, want %lld", cases[i].in ?
			    cases[i].in : "(null)", (long long)got,
			    (long long)cases[i].want);
	}
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_form_id),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
