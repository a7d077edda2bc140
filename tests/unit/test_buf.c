/*
 * test_buf.c - the growable buffer of buf.h: growth, the hard maximum
 * (-1 and toobig, content left intact), printf, detach and reset.
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


static void
test_init_empty(void **state)
{
	struct buf a = BUF_INIT(100);
	struct buf b;

	(void)state;
	assert_null(a.p);
	assert_int_equal(a.len, 0);
	assert_int_equal(a.max, 100);
	assert_false(a.toobig);
	buf_init(&b, 7);
	assert_null(b.p);
	assert_int_equal(b.len, 0);
	assert_int_equal(b.cap, 0);
	assert_int_equal(b.max, 7);
	assert_false(b.toobig);
	assert_string_equal(buf_cstr(&b), "");
	/* Zero-length appends are no-ops and allocate nothing. */
	assert_int_equal(buf_add(&b, "x", 0), 0);
	assert_int_equal(buf_addstr(&b, ""), 0);
	assert_null(b.p);
	assert_int_equal(b.len, 0);
	buf_release(&b);
}

static void
test_add_grows(void **state)
{
	struct buf b = BUF_INIT(1 << 20);
	char expect[5000];
	size_t i;

	(void)state;
	for (i = 0; i < sizeof(expect) - 1; i++) {
		char c = (char)('a' + i % 26);

		expect[i] = c;
		assert_int_equal(buf_addch(&b, c), 0);
		assert_int_equal(b.len, i + 1);
		assert_true(b.cap >= b.len + 1);
		assert_int_equal(b.p[b.len], '\0');
	}
	expect[sizeof(expect) - 1] = '\0';
	assert_string_equal(buf_cstr(&b), expect);
	assert_int_equal(strlen(b.p), sizeof(expect) - 1);
	assert_false(b.toobig);
	buf_release(&b);
	assert_null(b.p);
	assert_int_equal(b.len, 0);
	assert_int_equal(b.max, 1 << 20);
}

static void
test_add_large_piece(void **state)
{
	struct buf b = BUF_INIT(100000);
	char big[70000];

	(void)state;
	memset(big, 'Z', sizeof(big));
	assert_int_equal(buf_addstr(&b, "head:"), 0);
	assert_int_equal(buf_add(&b, big, sizeof(big)), 0);
	assert_int_equal(b.len, 5 + sizeof(big));
	assert_true(b.cap >= b.len + 1);
	assert_memory_equal(b.p, "head:", 5);
	assert_memory_equal(b.p + 5, big, sizeof(big));
	assert_int_equal(b.p[b.len], '\0');
	buf_release(&b);
}

static void
test_binary_content(void **state)
{
	struct buf b = BUF_INIT(64);
	static const char bin[] = { 'a', '\0', 'b', '\xff' };

	(void)state;
	assert_int_equal(buf_add(&b, bin, sizeof(bin)), 0);
	assert_int_equal(b.len, 4);
	assert_memory_equal(b.p, bin, 4);
	assert_int_equal(b.p[4], '\0');
	buf_release(&b);
}

static void
test_cap_exact_then_overflow(void **state)
{
	struct buf b = BUF_INIT(10);

	(void)state;
	assert_int_equal(buf_addstr(&b, "0123456789"), 0);
	assert_int_equal(b.len, 10);
	assert_false(b.toobig);
	assert_true(b.cap <= b.max + 1);
	/* One byte more is refused and the content is untouched. */
	assert_int_equal(buf_addch(&b, 'x'), -1);
	assert_true(b.toobig);
	assert_int_equal(b.len, 10);
	assert_string_equal(buf_cstr(&b), "0123456789");
	assert_int_equal(buf_addstr(&b, "yz"), -1);
	assert_int_equal(buf_printf(&b, "%d", 1), -1);
	assert_int_equal(b.len, 10);
	assert_string_equal(buf_cstr(&b), "0123456789");
	buf_release(&b);
}

static void
test_cap_single_big_add(void **state)
{
	struct buf b = BUF_INIT(10);

	(void)state;
	assert_int_equal(buf_addstr(&b, "abc"), 0);
	assert_int_equal(buf_addstr(&b, "01234567"), -1);
	assert_true(b.toobig);
	assert_int_equal(b.len, 3);
	assert_string_equal(buf_cstr(&b), "abc");
	/* Sizes that would wrap size_t arithmetic are refused, not wrapped. */
	assert_int_equal(buf_add(&b, "x", SIZE_MAX), -1);
	assert_int_equal(buf_add(&b, "x", SIZE_MAX - 2), -1);
	assert_int_equal(b.len, 3);
	buf_release(&b);
}

static void
test_cap_zero(void **state)
{
	struct buf b = BUF_INIT(0);

	(void)state;
	assert_int_equal(buf_addch(&b, 'a'), -1);
	assert_true(b.toobig);
	assert_int_equal(b.len, 0);
	assert_string_equal(buf_cstr(&b), "");
	buf_release(&b);
}

static void
test_cap_reached_by_growth(void **state)
{
	/* The doubling must stop at max + 1, not overshoot or under-allocate. */
	struct buf b = BUF_INIT(300);
	size_t i;

	(void)state;
	for (i = 0; i < 300; i++)
		assert_int_equal(buf_addch(&b, 'q'), 0);
	assert_int_equal(b.len, 300);
	assert_true(b.cap <= 301);
	assert_true(b.cap >= 301);
	assert_int_equal(buf_addch(&b, 'q'), -1);
	assert_true(b.toobig);
	assert_int_equal(strlen(buf_cstr(&b)), 300);
	buf_release(&b);
}

static void
test_printf(void **state)
{
	struct buf b = BUF_INIT(1000);
	char big[600];

	(void)state;
	assert_int_equal(buf_printf(&b, "%d-%s-%05.1f", -42, "x", 3.25), 0);
	assert_string_equal(buf_cstr(&b), "-42-x-003.2");
	assert_int_equal(b.len, strlen("-42-x-003.2"));
	assert_int_equal(buf_printf(&b, "|%zu|", (size_t)7), 0);
	assert_string_equal(buf_cstr(&b), "-42-x-003.2|7|");
	/* An empty format leaves the content, and the string, as they were. */
	assert_int_equal(buf_printf(&b, "%s", ""), 0);
	assert_string_equal(buf_cstr(&b), "-42-x-003.2|7|");
	/* printf across the initial 256-byte allocation. */
	memset(big, 'k', sizeof(big) - 1);
	big[sizeof(big) - 1] = '\0';
	assert_int_equal(buf_printf(&b, "<%s>", big), 0);
	assert_int_equal(b.len, 14 + 2 + 599);
	assert_int_equal(b.p[14], '<');
	assert_int_equal(b.p[b.len - 1], '>');
	assert_int_equal(b.p[b.len], '\0');
	buf_release(&b);
}

static void
test_printf_empty_buffer(void **state)
{
	struct buf b = BUF_INIT(0);

	(void)state;
	/* Nothing to write fits even in a zero-byte buffer. */
	assert_int_equal(buf_printf(&b, "%s", ""), 0);
	assert_false(b.toobig);
	assert_string_equal(buf_cstr(&b), "");
	buf_release(&b);
}

static void
test_printf_overflow(void **state)
{
	struct buf b = BUF_INIT(8);

	(void)state;
	assert_int_equal(buf_printf(&b, "%s", "abcd"), 0);
	assert_int_equal(buf_printf(&b, "%s", "efghi"), -1);
	assert_true(b.toobig);
	assert_int_equal(b.len, 4);
	assert_string_equal(buf_cstr(&b), "abcd");
	assert_int_equal(buf_printf(&b, "%d", 1234), 0);
	assert_string_equal(buf_cstr(&b), "abcd1234");
	buf_release(&b);
}

static void
test_detach(void **state)
{
	struct buf b = BUF_INIT(100);
	size_t len = 999;
	char *p;

	(void)state;
	assert_int_equal(buf_addstr(&b, "hello"), 0);
	p = buf_detach(&b, &len);
	assert_non_null(p);
	assert_int_equal(len, 5);
	assert_string_equal(p, "hello");
	/* b is empty and usable again; p is now the caller's. */
	assert_null(b.p);
	assert_int_equal(b.len, 0);
	assert_int_equal(b.cap, 0);
	assert_string_equal(buf_cstr(&b), "");
	assert_int_equal(buf_addstr(&b, "again"), 0);
	assert_string_equal(buf_cstr(&b), "again");
	assert_string_equal(p, "hello");
	free(p);
	buf_release(&b);
}

static void
test_detach_empty(void **state)
{
	struct buf b = BUF_INIT(100);
	size_t len = 999;
	char *p;

	(void)state;
	p = buf_detach(&b, &len);
	assert_non_null(p);
	assert_int_equal(len, 0);
	assert_string_equal(p, "");
	free(p);
	/* len may be NULL. */
	assert_int_equal(buf_addstr(&b, "x"), 0);
	p = buf_detach(&b, NULL);
	assert_string_equal(p, "x");
	free(p);
	buf_release(&b);
}

static void
test_reset(void **state)
{
	struct buf b = BUF_INIT(6);
	char *mem;

	(void)state;
	assert_int_equal(buf_addstr(&b, "abcdef"), 0);
	assert_int_equal(buf_addch(&b, 'g'), -1);
	assert_true(b.toobig);
	mem = b.p;
	buf_reset(&b);
	assert_int_equal(b.len, 0);
	assert_false(b.toobig);
	assert_string_equal(buf_cstr(&b), "");
	/* The memory is kept for reuse, and the cap applies afresh. */
	assert_ptr_equal(b.p, mem);
	assert_int_equal(buf_addstr(&b, "123456"), 0);
	assert_string_equal(buf_cstr(&b), "123456");
	assert_int_equal(buf_addch(&b, '7'), -1);
	/* Resetting a never-used buffer is harmless. */
	buf_release(&b);
	buf_reset(&b);
	assert_null(b.p);
	assert_string_equal(buf_cstr(&b), "");
}

static void
test_release_keeps_max(void **state)
{
	struct buf b = BUF_INIT(5);

	(void)state;
	assert_int_equal(buf_addstr(&b, "12345"), 0);
	assert_int_equal(buf_addch(&b, '6'), -1);
	buf_release(&b);
	assert_null(b.p);
	assert_int_equal(b.len, 0);
	assert_int_equal(b.max, 5);
	assert_false(b.toobig);
	buf_release(&b);	/* twice is fine */
}

/*
 * A maximum of SIZE_MAX ("no limit") must still allocate enough room:
 * buf_grow clamps the capacity to max + 1, which wraps to 0.
 */
static void
test_no_limit_max(void **state)
{
	struct buf b = BUF_INIT(SIZE_MAX);

	(void)state;
	assert_int_equal(buf_addstr(&b, "abc"), 0);
	assert_true(b.cap >= 4);
	assert_string_equal(buf_cstr(&b), "abc");
	buf_release(&b);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_init_empty),
		cmocka_unit_test(test_add_grows),
		cmocka_unit_test(test_add_large_piece),
		cmocka_unit_test(test_binary_content),
		cmocka_unit_test(test_cap_exact_then_overflow),
		cmocka_unit_test(test_cap_single_big_add),
		cmocka_unit_test(test_cap_zero),
		cmocka_unit_test(test_cap_reached_by_growth),
		cmocka_unit_test(test_printf),
		cmocka_unit_test(test_printf_empty_buffer),
		cmocka_unit_test(test_printf_overflow),
		cmocka_unit_test(test_detach),
		cmocka_unit_test(test_detach_empty),
		cmocka_unit_test(test_reset),
		cmocka_unit_test(test_release_keeps_max),
		cmocka_unit_test(test_no_limit_max),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
