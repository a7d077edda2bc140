/*
 * test_dataset.c - the columnar dataset of dataset.h: building, codes and
 * dictionaries, lookups, limits and bad rows (nothing appended), the
 * storage form (save, load, round trip) and its checks on untrusted input,
 * and a million rows.
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

#include "buf.h"
#include "dataset.h"

static const char *const names3[] = { "gender", "ageBroad", "citizenship" };

static struct dataset *
small(void)
{
	static const char *const rows[][3] = {
		{ "Female", "18--20", "UA" },
		{ "Male", NULL, "UA" },
		{ "Female", "", "MD" },
		{ "Female;Male", "9--11", NULL },
		{ "", "18--20", "UA" },
	};
	struct dataset *ds = dataset_new(3, names3);
	size_t i;

	assert_non_null(ds);
	for (i = 0; i < ARRAY_SIZE(rows); i++)
		assert_int_equal(dataset_add_row(ds, rows[i]), 0);
	return ds;
}

static void
test_build_and_lookup(void **state)
{
	struct dataset *ds = small();

	(void)state;
	assert_int_equal(dataset_nrows(ds), 5);
	assert_int_equal(dataset_nvars(ds), 3);
	assert_string_equal(dataset_var_name(ds, 1), "ageBroad");
	assert_null(dataset_var_name(ds, 3));
	assert_int_equal(dataset_var_index(ds, "citizenship"), 2);
	assert_int_equal(dataset_var_index(ds, "Citizenship"), -1);
	assert_int_equal(dataset_var_index(ds, NULL), -1);

	/* Codes in order of first appearance; 0 is missing. */
	assert_int_equal(dataset_ncodes(ds, 0), 4);
	assert_int_equal(dataset_code(ds, 0, 0), 1);
	assert_int_equal(dataset_code(ds, 0, 1), 2);
	assert_int_equal(dataset_code(ds, 0, 2), 1);
	assert_int_equal(dataset_code(ds, 0, 3), 3);
	assert_int_equal(dataset_code(ds, 0, 4), DATASET_MISSING);
	assert_string_equal(dataset_value(ds, 0, 3), "Female;Male");
	assert_null(dataset_value(ds, 0, DATASET_MISSING));
	assert_null(dataset_value(ds, 0, 4));
	/* NULL and "" are both missing. */
	assert_int_equal(dataset_code(ds, 1, 1), DATASET_MISSING);
	assert_int_equal(dataset_code(ds, 1, 2), DATASET_MISSING);
	assert_int_equal(dataset_code(ds, 2, 3), DATASET_MISSING);
	assert_int_equal(dataset_ncodes(ds, 1), 3);

	assert_int_equal(dataset_lookup(ds, 0, "Male"), 2);
	assert_int_equal(dataset_lookup(ds, 0, "male"), DATASET_MISSING);
	assert_int_equal(dataset_lookup(ds, 0, "Female;Male"), 3);
	assert_int_equal(dataset_lookup(ds, 0, "Female;"), DATASET_MISSING);
	assert_int_equal(dataset_lookup(ds, 0, ""), DATASET_MISSING);
	assert_int_equal(dataset_lookup(ds, 2, "MD"), 2);
	assert_int_equal(dataset_lookup(ds, 9, "MD"), DATASET_MISSING);

	{
		const uint32_t *c = dataset_column_codes(ds, 2);

		assert_int_equal(c[0], 1);
		assert_int_equal(c[2], 2);
		assert_int_equal(c[3], 0);
	}
	dataset_free(ds);
	dataset_free(NULL);
}

static void
test_bad_names(void **state)
{
	static const char *const dup[] = { "a", "b", "a" };
	static const char *const empty[] = { "a", "" };
	static const char *const nul[] = { "a", NULL };
	static const char *const latin1[] = { "caf\xe9" };
	const char *many[DATASET_VARS_MAX + 1];
	char buf[DATASET_VARS_MAX + 1][8];
	struct dataset *ds;
	size_t i;

	(void)state;
	assert_null(dataset_new(3, dup));
	assert_null(dataset_new(2, empty));
	assert_null(dataset_new(2, nul));
	assert_null(dataset_new(1, latin1));
	/* No variable at all is a valid (empty) dataset. */
	ds = dataset_new(0, NULL);
	assert_non_null(ds);
	assert_int_equal(dataset_nvars(ds), 0);
	assert_int_equal(dataset_var_index(ds, "a"), -1);
	assert_int_equal(dataset_add_row(ds, dup), 0);
	assert_int_equal(dataset_nrows(ds), 1);
	dataset_free(ds);
	for (i = 0; i <= DATASET_VARS_MAX; i++) {
		snprintf(buf[i], sizeof(buf[i]), "v%zu", i);
		many[i] = buf[i];
	}
	assert_null(dataset_new(DATASET_VARS_MAX + 1, many));
	ds = dataset_new(DATASET_VARS_MAX, many);
	assert_non_null(ds);
	assert_int_equal(dataset_var_index(ds, "v127"), 127);
	dataset_free(ds);
}

static void
test_bad_row_appends_nothing(void **state)
{
	struct dataset *ds = small();
	const char *bad_utf8[] = { "Other", "30--38", "caf\xe9" };
	char *long_value = malloc(DATASET_VALUE_MAX + 2);
	const char *too_long[] = { "Other", "30--38", long_value };
	const char *ok[] = { "Other", "30--38", "TH" };

	(void)state;
	assert_non_null(long_value);
	memset(long_value, 'a', DATASET_VALUE_MAX + 1);
	long_value[DATASET_VALUE_MAX + 1] = '\0';
	/* The first two values are new: they must not be added either. */
	assert_int_equal(dataset_add_row(ds, bad_utf8), -1);
	assert_int_equal(dataset_add_row(ds, too_long), -1);
	assert_int_equal(dataset_nrows(ds), 5);
	assert_int_equal(dataset_ncodes(ds, 0), 4);
	assert_int_equal(dataset_ncodes(ds, 1), 3);
	assert_int_equal(dataset_lookup(ds, 0, "Other"), DATASET_MISSING);
	/* A value of exactly the limit is fine. */
	long_value[DATASET_VALUE_MAX] = '\0';
	too_long[0] = long_value;
	assert_int_equal(dataset_add_row(ds, too_long), 0);
	assert_int_equal(dataset_add_row(ds, ok), 0);
	assert_int_equal(dataset_nrows(ds), 7);
	assert_int_equal(dataset_lookup(ds, 0, "Other"), 5);
	assert_int_equal(dataset_lookup(ds, 0, long_value), 4);
	assert_int_equal(dataset_add_row(ds, NULL), -1);
	free(long_value);
	dataset_free(ds);
}

/* Many distinct values: the hash table grows and every value is found. */
static void
test_many_values(void **state)
{
	static const char *const nm[] = { "id", "parity" };
	struct dataset *ds = dataset_new(2, nm);
	char v[32];
	size_t i;

	(void)state;
	assert_non_null(ds);
	for (i = 0; i < 100000; i++) {
		const char *row[2];

		snprintf(v, sizeof(v), "value-%zu", i);
		row[0] = v;
		row[1] = i % 2 ? "odd" : "even";
		assert_int_equal(dataset_add_row(ds, row), 0);
	}
	assert_int_equal(dataset_ncodes(ds, 0), 100001);
	assert_int_equal(dataset_ncodes(ds, 1), 3);
	for (i = 0; i < 100000; i += 7) {
		snprintf(v, sizeof(v), "value-%zu", i);
		assert_int_equal(dataset_lookup(ds, 0, v), i + 1);
		assert_int_equal(dataset_code(ds, 0, i), i + 1);
		assert_string_equal(dataset_value(ds, 0, (uint32_t)i + 1), v);
	}
	assert_int_equal(dataset_lookup(ds, 0, "value-100000"), 0);
	dataset_free(ds);
}

static void
test_save_load_round_trip(void **state)
{
	struct dataset *ds = small(), *back;
	struct buf dict = BUF_INIT(1 << 20), codes = BUF_INIT(1 << 20);
	size_t v, r;

	(void)state;
	back = dataset_load_begin(3, names3, dataset_nrows(ds));
	assert_non_null(back);
	assert_int_equal(dataset_nrows(back), 5);
	/* Before its column is loaded every value is missing. */
	assert_int_equal(dataset_code(back, 0, 0), DATASET_MISSING);
	for (v = 0; v < 3; v++) {
		buf_reset(&dict);
		buf_reset(&codes);
		assert_int_equal(dataset_column_save(ds, v, &dict, &codes), 0);
		assert_int_equal(codes.len, 4 * 5);
		assert_int_equal(dataset_column_load(back, v, buf_cstr(&dict),
		    codes.p, codes.len), 0);
	}
	buf_reset(&dict);
	buf_reset(&codes);
	assert_int_equal(dataset_column_save(ds, 0, &dict, &codes), 0);
	assert_string_equal(buf_cstr(&dict),
	    "[\"Female\",\"Male\",\"Female;Male\"]");
	/* Little-endian: row 3 has code 3. */
	assert_memory_equal(codes.p + 12, "\x03\x00\x00\x00", 4);
	for (v = 0; v < 3; v++) {
		assert_int_equal(dataset_ncodes(back, v), dataset_ncodes(ds, v));
		for (r = 0; r < 5; r++) {
			const char *a = dataset_value(ds, v,
			    dataset_code(ds, v, r));
			const char *b = dataset_value(back, v,
			    dataset_code(back, v, r));

			assert_int_equal(dataset_code(back, v, r),
			    dataset_code(ds, v, r));
			if (a == NULL)
				assert_null(b);
			else
				assert_string_equal(a, b);
		}
	}
	/* The loaded dataset keeps growing like any other. */
	{
		const char *row[] = { "Male", "48+", "TH" };

		assert_int_equal(dataset_add_row(back, row), 0);
		assert_int_equal(dataset_code(back, 0, 5), 2);
		assert_int_equal(dataset_code(back, 1, 5), 3);
	}
	buf_release(&dict);
	buf_release(&codes);
	dataset_free(ds);
	dataset_free(back);
}

static void
test_load_rejects_bad_input(void **state)
{
	static const char *const nm[] = { "x" };
	const unsigned char ok[8] = { 1, 0, 0, 0, 2, 0, 0, 0 };
	const unsigned char high[8] = { 1, 0, 0, 0, 3, 0, 0, 0 };
	const unsigned char huge[8] = { 1, 0, 0, 0, 0, 0, 0, 0x80 };
	struct dataset *ds = dataset_load_begin(1, nm, 2);

	(void)state;
	assert_non_null(ds);
	assert_int_equal(dataset_column_load(ds, 0, "[\"a\",\"b\"]", ok, 8), 0);
	assert_int_equal(dataset_code(ds, 0, 1), 2);
	/* Wrong length, code without an entry, bad dictionaries. */
	assert_int_equal(dataset_column_load(ds, 0, "[\"a\",\"b\"]", ok, 7), -1);
	assert_int_equal(dataset_column_load(ds, 0, "[\"a\",\"b\"]", ok, 12),
	    -1);
	assert_int_equal(dataset_column_load(ds, 0, "[\"a\",\"b\"]", high, 8),
	    -1);
	/* A failed load leaves the column all missing, not half loaded. */
	assert_int_equal(dataset_code(ds, 0, 0), DATASET_MISSING);
	assert_int_equal(dataset_ncodes(ds, 0), 1);
	assert_int_equal(dataset_column_load(ds, 0, "[\"a\",\"b\"]", huge, 8),
	    -1);
	assert_int_equal(dataset_column_load(ds, 0, "[\"a\",\"a\"]", ok, 8),
	    -1);
	assert_int_equal(dataset_column_load(ds, 0, "[\"a\",\"\"]", ok, 8),
	    -1);
	assert_int_equal(dataset_column_load(ds, 0, "[\"a\",2]", ok, 8), -1);
	assert_int_equal(dataset_column_load(ds, 0, "{\"a\":1}", ok, 8), -1);
	assert_int_equal(dataset_column_load(ds, 0, "[\"a\",\"b\"", ok, 8),
	    -1);
	assert_int_equal(dataset_column_load(ds, 0, "[\"a\",\"b\\u0000c\"]",
	    ok, 8), -1);
	assert_int_equal(dataset_column_load(ds, 1, "[\"a\",\"b\"]", ok, 8),
	    -1);
	assert_int_equal(dataset_ncodes(ds, 0), 1);
	/* And loads again afterwards. */
	assert_int_equal(dataset_column_load(ds, 0, "[\"b\",\"a\"]", ok, 8), 0);
	assert_string_equal(dataset_value(ds, 0, dataset_code(ds, 0, 0)), "b");
	dataset_free(ds);
	/* Zero rows. */
	ds = dataset_load_begin(1, nm, 0);
	assert_non_null(ds);
	assert_int_equal(dataset_column_load(ds, 0, "[\"a\"]", NULL, 0), 0);
	assert_int_equal(dataset_lookup(ds, 0, "a"), 1);
	dataset_free(ds);
	assert_null(dataset_load_begin(1, nm, (size_t)DATASET_ROWS_MAX + 1));
}

/* A million rows go in, their codes come back right. */
static void
test_million_rows(void **state)
{
	static const char *const nm[] = { "year", "gender", "flag" };
	static const char *const years[] = { "2019", "2020", "2021", "2022" };
	static const char *const g[] = { "Female", "Male", "", "Female;Male" };
	struct dataset *ds = dataset_new(3, nm);
	size_t i, n = 1000000;
	const uint32_t *c;

	(void)state;
	assert_non_null(ds);
	for (i = 0; i < n; i++) {
		const char *row[3] = { years[i % 4], g[(i / 4) % 4],
		    i % 3 ? "1" : NULL };

		assert_int_equal(dataset_add_row(ds, row), 0);
	}
	assert_int_equal(dataset_nrows(ds), n);
	assert_int_equal(dataset_ncodes(ds, 0), 5);
	assert_int_equal(dataset_ncodes(ds, 1), 4);
	assert_int_equal(dataset_ncodes(ds, 2), 2);
	c = dataset_column_codes(ds, 1);
	for (i = 0; i < n; i += 9973) {
		const char *v = dataset_value(ds, 1, c[i]);

		if (g[(i / 4) % 4][0] == '\0')
			assert_null(v);
		else
			assert_string_equal(v, g[(i / 4) % 4]);
		assert_int_equal(dataset_code(ds, 2, i), i % 3 ? 1 : 0);
	}
	dataset_free(ds);
}

/* A value declared before any row has its code, and no row. */
static void
test_declare(void **state)
{
	struct dataset *ds = dataset_new(3, names3);
	const char *row[3] = { "Male", NULL, NULL };
	char big[DATASET_VALUE_MAX + 2];
	uint32_t f;

	(void)state;
	assert_non_null(ds);
	assert_int_equal(dataset_declare(ds, 0, "Female"), 0);
	assert_int_equal(dataset_declare(ds, 0, "Female"), 0);	/* once */
	assert_int_equal(dataset_nrows(ds), 0);
	assert_int_equal(dataset_ncodes(ds, 0), 2);	/* missing, Female */
	f = dataset_lookup(ds, 0, "Female");
	assert_int_not_equal(f, DATASET_MISSING);
	assert_string_equal(dataset_value(ds, 0, f), "Female");
	assert_int_equal(dataset_add_row(ds, row), 0);
	assert_int_equal(dataset_ncodes(ds, 0), 3);
	assert_int_equal(dataset_code(ds, 0, 0), dataset_lookup(ds, 0, "Male"));
	/* Refused as a row's value would be: nothing declared. */
	memset(big, 'x', sizeof(big) - 1);
	big[sizeof(big) - 1] = '\0';
	assert_int_equal(dataset_declare(ds, 0, big), -1);
	assert_int_equal(dataset_declare(ds, 0, ""), -1);
	assert_int_equal(dataset_declare(ds, 0, "\xff"), -1);
	assert_int_equal(dataset_declare(ds, 3, "x"), -1);
	assert_int_equal(dataset_ncodes(ds, 0), 3);
	dataset_free(ds);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_build_and_lookup),
		cmocka_unit_test(test_declare),
		cmocka_unit_test(test_bad_names),
		cmocka_unit_test(test_bad_row_appends_nothing),
		cmocka_unit_test(test_many_values),
		cmocka_unit_test(test_save_load_round_trip),
		cmocka_unit_test(test_load_rejects_bad_input),
		cmocka_unit_test(test_million_rows),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
