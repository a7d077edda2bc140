/*
 * test_moves.c - the pure schedule computation of moves.h: month
 * arithmetic clamped to the month's end (leap years included), the
 * parsing of a configured schedule, and the due dates it gives.
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

#include "moves.h"

static void
check_add(const char *from, int months, const char *want)
{
	char out[11] = "";

	assert_int_equal(moves_add_months(from, months, out), 0);
	assert_string_equal(out, want);
}

static void
test_add_months_plain(void **state)
{
	(void)state;
	check_add("2026-03-15", 0, "2026-03-15");
	check_add("2026-03-15", 1, "2026-04-15");
	check_add("2026-11-15", 3, "2027-02-15");
	check_add("2026-12-01", 1, "2027-01-01");
	check_add("2026-01-01", 12, "2027-01-01");
	check_add("2026-06-30", 120, "2036-06-30");
}

static void
test_add_months_clamped(void **state)
{
	(void)state;
	check_add("2026-01-31", 1, "2026-02-28");	/* common year */
	check_add("2024-01-31", 1, "2024-02-29");	/* leap year */
	check_add("2023-12-31", 2, "2024-02-29");
	check_add("2100-01-31", 1, "2100-02-28");	/* not leap: by 100 */
	check_add("2000-01-31", 1, "2000-02-29");	/* leap: by 400 */
	check_add("2026-03-31", 1, "2026-04-30");
	check_add("2026-05-31", 1, "2026-06-30");
	check_add("2026-08-31", 3, "2026-11-30");
	check_add("2024-02-29", 12, "2025-02-28");
	check_add("2024-02-29", 48, "2028-02-29");
	/* Each date from the base, not month after month. */
	check_add("2026-01-31", 2, "2026-03-31");
}

static void
test_add_months_bad(void **state)
{
	char out[11];
	static const char *const bad[] = { "", "2026-02-29", "2026-13-01",
	    "2026-00-10", "2026-04-31", "26-01-01", "2026/01/01",
	    "2026-1-01", "2026-01-01x", "abcd-ef-gh", "1899-12-31" };
	size_t i;

	(void)state;
	for (i = 0; i < ARRAY_SIZE(bad); i++)
		assert_int_equal(moves_add_months(bad[i], 1, out), -1);
	assert_int_equal(moves_add_months(NULL, 1, out), -1);
	assert_int_equal(moves_add_months("2026-01-01", -1, out), -1);
	assert_int_equal(moves_add_months("9999-12-01", 1, out), -1);
	assert_true(moves_date_ok("2024-02-29"));
	assert_false(moves_date_ok("2025-02-29"));
}

static void
test_schedule_parse(void **state)
{
	int m[MOVES_SCHEDULE_MAX];
	size_t n;

	(void)state;
	assert_int_equal(moves_schedule_parse("1,3,6,12", m, &n), 0);
	assert_int_equal(n, 4);
	assert_int_equal(m[0], 1);
	assert_int_equal(m[3], 12);
	assert_int_equal(moves_schedule_parse(" 2 , 24,120 ", m, &n), 0);
	assert_int_equal(n, 3);
	assert_int_equal(m[2], 120);
	assert_int_equal(moves_schedule_parse("5", m, &n), 0);
	assert_int_equal(n, 1);
	assert_int_equal(moves_schedule_parse(MOVES_SCHEDULE_DEFAULT, m, &n), 0);
	assert_int_equal(n, 4);
}

static void
test_schedule_parse_bad(void **state)
{
	static const char *const bad[] = { "", " ", "0", "0,1", "3,1", "1,1",
	    "1,121", "121", "-1,2", "1,,2", "1,2,", ",1", "1;2", "1.5",
	    "1 2", "x", "1,2,3,4,5,6,7,8,9,10,11,12,13,14,15,16,17,18,19,20,"
	    "21,22,23,24,25", "00001", "99999999999999999999" };
	int m[MOVES_SCHEDULE_MAX];
	size_t i, n;

	(void)state;
	for (i = 0; i < ARRAY_SIZE(bad); i++) {
		if (moves_schedule_parse(bad[i], m, &n) != -1)
			fail_msg("accepted \"%s\"", bad[i]);
	}
	assert_int_equal(moves_schedule_parse(NULL, m, &n), -1);
	/* 24 entries is the most. */
	assert_int_equal(moves_schedule_parse("1,2,3,4,5,6,7,8,9,10,11,12,13,"
	    "14,15,16,17,18,19,20,21,22,23,24", m, &n), 0);
	assert_int_equal(n, 24);
}

static void
test_schedule_dates(void **state)
{
	int m[MOVES_SCHEDULE_MAX];
	char d[MOVES_SCHEDULE_MAX][11];
	size_t n;

	(void)state;
	assert_int_equal(moves_schedule_parse("1,3,6,12", m, &n), 0);
	assert_int_equal(moves_schedule_dates("2023-11-30", m, n, d), 0);
	assert_string_equal(d[0], "2023-12-30");
	assert_string_equal(d[1], "2024-02-29");
	assert_string_equal(d[2], "2024-05-30");
	assert_string_equal(d[3], "2024-11-30");
	assert_int_equal(moves_schedule_parse("2,24,120", m, &n), 0);
	assert_int_equal(moves_schedule_dates("2024-01-31", m, n, d), 0);
	assert_string_equal(d[0], "2024-03-31");
	assert_string_equal(d[1], "2026-01-31");
	assert_string_equal(d[2], "2034-01-31");
	assert_int_equal(moves_schedule_dates("2024-01-32", m, n, d), -1);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_add_months_plain),
		cmocka_unit_test(test_add_months_clamped),
		cmocka_unit_test(test_add_months_bad),
		cmocka_unit_test(test_schedule_parse),
		cmocka_unit_test(test_schedule_parse_bad),
		cmocka_unit_test(test_schedule_dates),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
