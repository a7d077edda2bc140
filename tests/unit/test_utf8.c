/*
 * test_utf8.c - utf8_valid() of http.h: the validator every form value
 * and name passes through. Good sequences of each length, and each kind
 * of bad one (overlong, surrogate, above U+10FFFF, truncated, NUL, lone
 * continuation).
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

#include "http.h"

struct tc {
	const char *s;
	size_t n;
	const char *what;
};

/* A string literal with its exact length (embedded NULs included). */
#define T(lit, what) { lit, sizeof(lit) - 1, what }

static void
check_all(const struct tc *t, size_t count, bool expect)
{
	size_t i;

	for (i = 0; i < count; i++)
		if (utf8_valid(t[i].s, t[i].n) != expect)
			fail_msg("%s: expected %s", t[i].what,
			    expect ? "valid" : "invalid");
}

static void
test_ascii(void **state)
{
	static const struct tc ok[] = {
		T("", "empty"),
		T("a", "one letter"),
		T("Hello, world! <>&\"' ~\x7f", "printable ASCII and DEL"),
		T("\x01\t\n\r\x1f", "control characters other than NUL"),
	};
	char all[127];
	size_t i;

	(void)state;
	check_all(ok, ARRAY_SIZE(ok), true);
	for (i = 0; i < sizeof(all); i++)
		all[i] = (char)(i + 1);
	assert_true(utf8_valid(all, sizeof(all)));
	/* n = 0 reads nothing, whatever s holds. */
	assert_true(utf8_valid("\xff", 0));
}

static void
test_valid_multibyte(void **state)
{
	static const struct tc ok[] = {
		T("\xc2\x80", "U+0080, smallest 2-byte"),
		T("\xc3\xa9", "U+00E9 e acute"),
		T("\xdf\xbf", "U+07FF, largest 2-byte"),
		T("\xe0\xa0\x80", "U+0800, smallest 3-byte"),
		T("\xe2\x82\xac", "U+20AC euro"),
		T("\xed\x9f\xbf", "U+D7FF, just below the surrogates"),
		T("\xee\x80\x80", "U+E000, just above the surrogates"),
		T("\xef\xbb\xbf", "U+FEFF BOM"),
		T("\xef\xbf\xbf", "U+FFFF, largest 3-byte"),
		T("\xf0\x90\x80\x80", "U+10000, smallest 4-byte"),
		T("\xf0\x9f\x98\x80", "U+1F600 emoji"),
		T("\xf4\x8f\xbf\xbf", "U+10FFFF, largest code point"),
		T("Caf\xc3\xa9 \xe2\x82\xac \xf0\x9f\x98\x80 \xd8\xa8 \xe4\xb8\xad",
		    "mixed text"),
	};

	(void)state;
	check_all(ok, ARRAY_SIZE(ok), true);
}

static void
test_overlong(void **state)
{
	static const struct tc bad[] = {
		T("\xc0\x80", "overlong NUL (C0 80)"),
		T("\xc0\xaf", "overlong '/' (C0 AF)"),
		T("\xc1\xbf", "overlong U+007F (C1 BF)"),
		T("\xe0\x80\x80", "overlong NUL in 3 bytes (E0 80 80)"),
		T("\xe0\x80\xaf", "overlong '/' in 3 bytes"),
		T("\xe0\x9f\xbf", "overlong U+07FF in 3 bytes"),
		T("\xf0\x80\x80\x80", "overlong NUL in 4 bytes"),
		T("\xf0\x8f\xbf\xbf", "overlong U+FFFF in 4 bytes"),
		T("a\xc0\x80z", "overlong inside text"),
	};

	(void)state;
	check_all(bad, ARRAY_SIZE(bad), false);
}

static void
test_surrogates(void **state)
{
	static const struct tc bad[] = {
		T("\xed\xa0\x80", "U+D800 high surrogate (ED A0 80)"),
		T("\xed\xad\xbf", "U+DB7F"),
		T("\xed\xb0\x80", "U+DC00 low surrogate"),
		T("\xed\xbf\xbf", "U+DFFF"),
		T("\xed\xa0\xbd\xed\xb8\x80", "CESU-8 surrogate pair"),
	};

	(void)state;
	check_all(bad, ARRAY_SIZE(bad), false);
}

static void
test_above_max(void **state)
{
	static const struct tc bad[] = {
		T("\xf4\x90\x80\x80", "U+110000 (F4 90 80 80)"),
		T("\xf4\xbf\xbf\xbf", "U+13FFFF"),
		T("\xf5\x80\x80\x80", "F5 lead byte"),
		T("\xf7\xbf\xbf\xbf", "F7 lead byte (U+1FFFFF)"),
		T("\xf8\x88\x80\x80\x80", "5-byte form"),
		T("\xfc\x84\x80\x80\x80\x80", "6-byte form"),
		T("\xfe", "FE"),
		T("\xff", "FF"),
	};

	(void)state;
	check_all(bad, ARRAY_SIZE(bad), false);
}

static void
test_truncated(void **state)
{
	static const struct tc bad[] = {
		T("\xc3", "2-byte lead alone"),
		T("\xe2\x82", "3-byte sequence missing one"),
		T("\xe2", "3-byte lead alone"),
		T("\xf0\x9f\x98", "4-byte sequence missing one"),
		T("\xf0\x9f", "4-byte sequence missing two"),
		T("\xf0", "4-byte lead alone"),
		T("abc\xc3", "truncated at the end of text"),
		T("\xe2\x82" "a", "3-byte sequence cut by ASCII"),
		T("\xc3\xc3\xa9", "lead followed by a lead"),
		T("\xf0\x9f\x98\xc3\xa9", "4-byte cut by a 2-byte"),
	};

	(void)state;
	check_all(bad, ARRAY_SIZE(bad), false);
	/* A valid sequence cut by n, not by the data. */
	assert_false(utf8_valid("\xc3\xa9", 1));
	assert_false(utf8_valid("\xe2\x82\xac", 2));
	assert_false(utf8_valid("\xf0\x9f\x98\x80", 3));
	assert_true(utf8_valid("a\xc3\xa9", 1));
	assert_true(utf8_valid("\xe2\x82\xac" "b", 3));
}

static void
test_embedded_nul(void **state)
{
	static const struct tc bad[] = {
		T("\0", "NUL alone"),
		T("a\0b", "NUL inside"),
		T("abc\0", "NUL at the end"),
		T("\xc3\xa9\0\xc3\xa9", "NUL between multibyte"),
	};

	(void)state;
	check_all(bad, ARRAY_SIZE(bad), false);
}

static void
test_lone_continuation(void **state)
{
	static const struct tc bad[] = {
		T("\x80", "80 alone"),
		T("\xbf", "BF alone"),
		T("a\x80z", "continuation inside ASCII"),
		T("\xc3\xa9\xa9", "one continuation too many"),
		T("\xe2\x82\xac\x80", "extra continuation after 3-byte"),
		T("\x80\x80\x80\x80", "continuations only"),
	};
	char one[1];
	int c;

	(void)state;
	check_all(bad, ARRAY_SIZE(bad), false);
	/* Every byte 80..FF is invalid on its own. */
	for (c = 0x80; c <= 0xff; c++) {
		one[0] = (char)c;
		if (utf8_valid(one, 1))
			fail_msg("byte 0x%02x alone accepted", c);
	}
}

static void
test_every_code_point(void **state)
{
	/* Encodes every scalar value and checks it round-trips as valid,
	 * and every surrogate as invalid. */
	unsigned char b[4];
	uint32_t cp;
	size_t n;

	(void)state;
	for (cp = 1; cp <= 0x10FFFF; cp++) {
		if (cp < 0x80) {
			b[0] = (unsigned char)cp;
			n = 1;
		} else if (cp < 0x800) {
			b[0] = (unsigned char)(0xC0 | cp >> 6);
			b[1] = (unsigned char)(0x80 | (cp & 0x3F));
			n = 2;
		} else if (cp < 0x10000) {
			b[0] = (unsigned char)(0xE0 | cp >> 12);
			b[1] = (unsigned char)(0x80 | ((cp >> 6) & 0x3F));
			b[2] = (unsigned char)(0x80 | (cp & 0x3F));
			n = 3;
		} else {
			b[0] = (unsigned char)(0xF0 | cp >> 18);
			b[1] = (unsigned char)(0x80 | ((cp >> 12) & 0x3F));
			b[2] = (unsigned char)(0x80 | ((cp >> 6) & 0x3F));
			b[3] = (unsigned char)(0x80 | (cp & 0x3F));
			n = 4;
		}
		if (utf8_valid((const char *)b, n) !=
		    !(cp >= 0xD800 && cp <= 0xDFFF))
			fail_msg("U+%04X judged wrongly", (unsigned)cp);
	}
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_ascii),
		cmocka_unit_test(test_valid_multibyte),
		cmocka_unit_test(test_overlong),
		cmocka_unit_test(test_surrogates),
		cmocka_unit_test(test_above_max),
		cmocka_unit_test(test_truncated),
		cmocka_unit_test(test_embedded_nul),
		cmocka_unit_test(test_lone_continuation),
		cmocka_unit_test(test_every_code_point),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
