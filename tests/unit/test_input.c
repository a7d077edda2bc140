/*
 * test_input.c - the checks of untrusted input shared by the API and the
 * forms (input.h): text counted in characters as a browser's maxlength
 * counts them, blank text, dates by kind, and the members of a JSON body
 * (unknown keys at every depth, then JSON types), each with the inputs
 * a tester found accepted or misreported.
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

#include "arena.h"
#include "input.h"

/* n copies of s, malloc'd. */
static char *
repeat(const char *s, size_t n)
{
	size_t len = strlen(s), i;
	char *out = malloc(len * n + 1);

	assert_non_null(out);
	for (i = 0; i < n; i++)
		memcpy(out + i * len, s, len);
	out[len * n] = '\0';
	return out;
}

static void
test_chars(void **state)
{
	(void)state;
	assert_int_equal(input_chars(NULL), 0);
	assert_int_equal(input_chars(""), 0);
	assert_int_equal(input_chars("abc"), 3);
	assert_int_equal(input_chars("\xc3\xa9"), 1);		/* é */
	assert_int_equal(input_chars("\xe0\xb8\x81"), 1);	/* ก */
	assert_int_equal(input_chars("\xf0\x9f\x98\x80"), 1);	/* 😀 */
	/* A line break counts once, as a textarea's maxlength counts it. */
	assert_int_equal(input_chars("a\r\nb"), 3);
	assert_int_equal(input_chars("a\nb"), 3);
	assert_int_equal(input_chars("a\rb"), 3);
}

static void
test_blank(void **state)
{
	static const char *const blank[] = { "", " ", "   ", "\t\r\n",
		"\xc2\xa0",		/* no-break space */
		"\xe2\x80\x83",		/* em space */
		"\xe3\x80\x80",		/* ideographic space */
		"\xe2\x80\x8b",		/* zero-width space */
		"\xef\xbb\xbf",		/* byte order mark */
		" \xc2\xa0\t\xe2\x80\xaf ",
	};
	static const char *const text[] = { "a", " a ", "\xc3\xa9", "0",
		"\xc2\xa0.", "-", "\xe0\xb8\x81" };
	size_t i;

	(void)state;
	assert_true(input_blank(NULL));
	for (i = 0; i < sizeof(blank) / sizeof(blank[0]); i++)
		if (!input_blank(blank[i]))
			fail_msg("blank %zu taken for text", i);
	for (i = 0; i < sizeof(text) / sizeof(text[0]); i++)
		if (input_blank(text[i]))
			fail_msg("text %zu taken for blank", i);
	/* Not UTF-8: not blank (input_text() refuses it as invalid). */
	assert_false(input_blank("\xff"));
}

static void
test_trim(void **state)
{
	struct arena *a = arena_new(1 << 20);

	(void)state;
	assert_non_null(a);
	assert_string_equal(input_trim(a, "  a b  "), "a b");
	assert_string_equal(input_trim(a, "\xc2\xa0" "Caf\xc3\xa9\xe3\x80\x80"),
	    "Caf\xc3\xa9");
	assert_string_equal(input_trim(a, " \t\n"), "");
	assert_string_equal(input_trim(a, ""), "");
	assert_string_equal(input_trim(a, "x"), "x");
	arena_free(a);
}

static void
test_text(void **state)
{
	char *s;

	(void)state;
	assert_int_equal(input_text(NULL, 10, 0), INPUT_TEXT_OK);
	assert_int_equal(input_text(NULL, 10, INPUT_REQUIRED),
	    INPUT_TEXT_BLANK);
	/* What the tester found stored: a reason of three spaces. */
	assert_int_equal(input_text("   ", 4000, INPUT_REQUIRED),
	    INPUT_TEXT_BLANK);
	assert_int_equal(input_text("\xc2\xa0", 4000, INPUT_REQUIRED),
	    INPUT_TEXT_BLANK);
	assert_int_equal(input_text("   ", 4000, 0), INPUT_TEXT_OK);
	assert_int_equal(input_text("\xff", 10, 0), INPUT_TEXT_INVALID);
	assert_int_equal(input_text("a\nb", 10, INPUT_ONE_LINE),
	    INPUT_TEXT_LINES);
	assert_int_equal(input_text("a\nb", 10, 0), INPUT_TEXT_OK);

	/* The limits count characters, never bytes. */
	s = repeat("\xc3\xa9", 5001);		/* 10,002 bytes */
	assert_int_equal(input_text(s, 10000, INPUT_REQUIRED), INPUT_TEXT_OK);
	free(s);
	s = repeat("\xc3\xa9", 10000);
	assert_int_equal(input_text(s, 10000, INPUT_REQUIRED), INPUT_TEXT_OK);
	free(s);
	s = repeat("\xc3\xa9", 10001);
	assert_int_equal(input_text(s, 10000, INPUT_REQUIRED), INPUT_TEXT_LONG);
	free(s);
	s = repeat("\xc3\xa9", 2001);
	assert_int_equal(input_text(s, 4000, 0), INPUT_TEXT_OK);
	free(s);
	s = repeat("\xe0\xb8\x81", 1400);	/* 4,200 bytes */
	assert_int_equal(input_text(s, 4000, 0), INPUT_TEXT_OK);
	free(s);
	s = repeat("a", 4000);
	assert_int_equal(input_text(s, 4000, 0), INPUT_TEXT_OK);
	free(s);
	s = repeat("a", 4001);
	assert_int_equal(input_text(s, 4000, 0), INPUT_TEXT_LONG);
	free(s);
	/* 2,000 lines of "a\r\n": 4,000 characters as a browser counts. */
	s = repeat("a\r\n", 2000);
	assert_int_equal(input_text(s, 4000, 0), INPUT_TEXT_OK);
	free(s);
}

static void
test_too_long(void **state)
{
	struct arena *a = arena_new(1 << 20);

	(void)state;
	assert_string_equal(input_too_long(a, 4000),
	    "Give a text of at most 4000 characters.");
	arena_free(a);
}

static void
test_dates(void **state)
{
	const char *today = "2026-03-15";

	(void)state;
	/* Rates and plans had no bound: 9999-12-01 stayed for ever. */
	assert_non_null(input_date("9999-12-01", INPUT_DATE_PLANNED, today));
	assert_null(input_date("2036-03-15", INPUT_DATE_PLANNED, today));
	assert_non_null(input_date("2036-03-16", INPUT_DATE_PLANNED, today));
	assert_null(input_date("1900-01-01", INPUT_DATE_PLANNED, today));
	assert_null(input_date("2020-01-01", INPUT_DATE_PLANNED, today));
	assert_string_equal(input_date("1899-12-31", INPUT_DATE_PLANNED, today),
	    "Give a date from 1900 on.");
	assert_string_equal(input_date("2026-02-30", INPUT_DATE_PLANNED, today),
	    "Give a date as YYYY-MM-DD.");
	assert_string_equal(input_date("tomorrow", INPUT_DATE_PAST, today),
	    "Give a date as YYYY-MM-DD.");
	assert_string_equal(input_date(NULL, INPUT_DATE_PAST, today),
	    "Give a date as YYYY-MM-DD.");
	assert_string_equal(input_date("2036-03-16", INPUT_DATE_PLANNED, today),
	    "Give a date at most 10 years from today.");
	/* Things done: up to today. */
	assert_null(input_date("2026-03-15", INPUT_DATE_PAST, today));
	assert_string_equal(input_date("2026-03-16", INPUT_DATE_PAST, today),
	    "This date is in the future.");
	assert_non_null(input_date("1899-01-01", INPUT_DATE_PAST, today));
	/* Any: a well-written day from 1900, the caller's rule after. */
	assert_null(input_date("9999-12-31", INPUT_DATE_ANY, today));
	assert_non_null(input_date("1899-12-31", INPUT_DATE_ANY, today));
	/* The horizon from 29 February is 28 February ten years on. */
	assert_null(input_date("2034-02-28", INPUT_DATE_PLANNED, "2024-02-29"));
	assert_non_null(input_date("2034-03-01", INPUT_DATE_PLANNED,
	    "2024-02-29"));
}

static const struct input_field donor[] = {
	{ "name", JT_TEXT, NULL, NULL, 0 },
	{ "amount", JT_TEXT | JT_NUMBER, NULL, NULL, 0 },
	{ "currency", JT_TEXT, NULL, NULL, 0 },
	{ NULL, 0, NULL, NULL, 0 },
};
static const struct input_field project[] = {
	{ "name", JT_TEXT, NULL, NULL, 0 },
	{ "capacity", JT_INT, "Give the number of places.", NULL, 0 },
	{ "over_capacity", JT_BOOL, NULL, NULL, 0 },
	{ "donors", JT_ARRAY, NULL, donor, JT_OBJECT },
	{ "months", JT_ARRAY, NULL, NULL, JT_INT },
	{ NULL, 0, NULL, NULL, 0 },
};

/* The errors of body for project: unknown keys (true) or types. */
static json_t *
errors_of(const char *body, bool unknown)
{
	json_t *in = json_loads(body, 0, NULL), *errors = json_object();

	assert_non_null(in);
	if (unknown)
		input_unknown(in, project, errors);
	else
		input_types(in, project, errors);
	json_decref(in);
	return errors;
}

static void
assert_keys(json_t *errors, const char *const *keys)
{
	size_t n = 0;

	for (; keys[n]; n++)
		if (json_object_get(errors, keys[n]) == NULL)
			fail_msg("no error at %s", keys[n]);
	assert_int_equal(json_object_size(errors), n);
	json_decref(errors);
}

static void
test_unknown(void **state)
{
	(void)state;
	assert_keys(errors_of("{\"name\":\"A\",\"donors\":[{\"name\":\"A\","
	    "\"amount\":\"1\",\"evil\":1}]}", true),
	    (const char *[]){ "donors[0].evil", NULL });
	assert_keys(errors_of("{\"evil\":1,\"donors\":[{},{\"x\":1,\"y\":2}]}",
	    true), (const char *[]){ "evil", "donors[1].x", "donors[1].y",
	    NULL });
	assert_keys(errors_of("{\"months\":[1,3],\"x\":1}", true),
	    (const char *[]){ "x", NULL });
	/* Items that are not objects are the types' business. */
	assert_keys(errors_of("{\"donors\":[1,\"a\"]}", true),
	    (const char *[]){ NULL });
	assert_keys(errors_of("{\"name\":\"A\",\"donors\":[]}", true),
	    (const char *[]){ NULL });
}

static void
test_types(void **state)
{
	json_t *e;

	(void)state;
	e = errors_of("{\"name\":\"Str\",\"capacity\":\"5\"}", false);
	assert_string_equal(json_string_value(json_object_get(e, "capacity")),
	    "Give the number of places.");
	assert_keys(e, (const char *[]){ "capacity", NULL });
	e = errors_of("{\"over_capacity\":\"yes\"}", false);
	assert_string_equal(json_string_value(json_object_get(e,
	    "over_capacity")), "Give true or false.");
	assert_keys(e, (const char *[]){ "over_capacity", NULL });
	assert_keys(errors_of("{\"name\":5,\"capacity\":1.5,\"donors\":{},"
	    "\"months\":\"1,3\"}", false), (const char *[]){ "name",
	    "capacity", "donors", "months", NULL });
	assert_keys(errors_of("{\"donors\":[{\"name\":1,\"amount\":true},"
	    "null,7],\"months\":[1,\"3\",null]}", false),
	    (const char *[]){ "donors[0].name", "donors[0].amount",
	    "donors[1]", "donors[2]", "months[1]", "months[2]", NULL });
	/* null is no value, of any member; the right types pass. */
	assert_keys(errors_of("{\"name\":null,\"capacity\":null,"
	    "\"over_capacity\":null,\"donors\":null}", false),
	    (const char *[]){ NULL });
	assert_keys(errors_of("{\"name\":\"A\",\"capacity\":5,"
	    "\"over_capacity\":false,\"donors\":[{\"name\":\"A\",\"amount\":"
	    "12.5},{\"amount\":\"3\"}],\"months\":[1,3]}", false),
	    (const char *[]){ NULL });
	assert_true(input_type_ok(json_null(), JT_INT));
	assert_string_equal(input_type_msg(JT_INT), "Give a whole number.");
	assert_string_equal(input_type_msg(JT_TEXT), "Give this as text.");
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_chars),
		cmocka_unit_test(test_blank),
		cmocka_unit_test(test_trim),
		cmocka_unit_test(test_text),
		cmocka_unit_test(test_too_long),
		cmocka_unit_test(test_dates),
		cmocka_unit_test(test_unknown),
		cmocka_unit_test(test_types),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
