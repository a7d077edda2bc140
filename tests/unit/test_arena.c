/*
 * test_arena.c - the per-request pool of arena.h: alignment, the cap,
 * strdup/strndup/printf and calloc overflow.
 */
#include "compat.h"

#include <stdalign.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include "arena.h"

#define MiB (1024 * 1024)

static void
assert_aligned(const void *p)
{
	assert_int_equal((uintptr_t)p % alignof(max_align_t), 0);
}

static void
test_alloc_alignment(void **state)
{
	struct arena *a = arena_new(MiB);
	size_t sizes[] = { 1, 3, 7, 8, 9, 15, 16, 17, 31, 33, 100, 1000 };
	size_t i;

	(void)state;
	assert_non_null(a);
	for (i = 0; i < ARRAY_SIZE(sizes); i++) {
		char *p = arena_alloc(a, sizes[i]);

		assert_non_null(p);
		assert_aligned(p);
		/* The whole block is writable (ASan checks the bounds). */
		memset(p, 0xAB, sizes[i]);
	}
	arena_free(a);
}

static void
test_allocs_do_not_overlap(void **state)
{
	struct arena *a = arena_new(MiB);
	unsigned char *p[64];
	size_t i, j;

	(void)state;
	assert_non_null(a);
	for (i = 0; i < ARRAY_SIZE(p); i++) {
		p[i] = arena_alloc(a, 1 + i * 37);
		assert_non_null(p[i]);
		memset(p[i], (int)i, 1 + i * 37);
	}
	for (i = 0; i < ARRAY_SIZE(p); i++)
		for (j = 0; j < 1 + i * 37; j++)
			assert_int_equal(p[i][j], (unsigned char)i);
	arena_free(a);
}

static void
test_zero_size(void **state)
{
	struct arena *a = arena_new(MiB);
	void *p, *q;

	(void)state;
	p = arena_alloc(a, 0);
	q = arena_alloc(a, 0);
	assert_non_null(p);
	assert_non_null(q);
	assert_ptr_not_equal(p, q);
	arena_free(a);
}

static void
test_large_alloc_spans_chunk(void **state)
{
	struct arena *a = arena_new(4 * MiB);
	char *small, *big, *after;

	(void)state;
	small = arena_alloc(a, 10);
	assert_non_null(small);
	memcpy(small, "123456789", 10);
	big = arena_alloc(a, 100000);
	assert_non_null(big);
	assert_aligned(big);
	memset(big, 'b', 100000);
	after = arena_alloc(a, 10);
	assert_non_null(after);
	memcpy(after, "abcdefghi", 10);
	assert_string_equal(small, "123456789");
	assert_int_equal(big[0], 'b');
	assert_int_equal(big[99999], 'b');
	arena_free(a);
}

static void
test_cap_exceeded(void **state)
{
	struct arena *a = arena_new(64 * 1024);
	size_t total = 0;
	void *p;

	(void)state;
	assert_non_null(a);
	/* A single request larger than the cap fails at once. */
	assert_null(arena_alloc(a, 64 * 1024 + 1));
	assert_null(arena_alloc(a, 1 * MiB));
	/* Many small ones succeed until the cap, then fail, and keep failing. */
	while ((p = arena_alloc(a, 1000)) != NULL) {
		memset(p, 1, 1000);
		total += 1000;
		assert_true(total <= 64 * 1024);
	}
	assert_true(total >= 32 * 1024);
	assert_null(arena_alloc(a, 1000));
	assert_null(arena_alloc(a, 100000));
	assert_null(arena_strdup(a, "this does not fit any more, the arena is "
	    "full; a long string so it cannot fit in the tail of a chunk ....."
	    "................................................................."
	    "................................................................."
	    "................................................................."
	    "................................................................."
	    "................................................................."
	    "................................................................."
	    "................................................................."
	    "................................................................."
	    "................................................................."
	    "................................................................."
	    "................................................................."
	    "................................................................."
	    "................................................................."
	    "................................................................."
	    "................................................................."));
	arena_free(a);
}

static void
test_huge_sizes(void **state)
{
	struct arena *a = arena_new(SIZE_MAX);

	(void)state;
	/* Rounding up must not wrap to a small allocation. */
	assert_null(arena_alloc(a, SIZE_MAX));
	assert_null(arena_alloc(a, SIZE_MAX - 1));
	assert_null(arena_alloc(a, SIZE_MAX / 2 + 1));
	assert_null(arena_calloc(a, SIZE_MAX / 2, 4));
	assert_null(arena_calloc(a, 4, SIZE_MAX / 2));
	assert_null(arena_calloc(a, (SIZE_MAX >> 8) + 2, 256));
	/* The arena is still usable afterwards. */
	assert_non_null(arena_alloc(a, 16));
	arena_free(a);
}

static void
test_calloc_zeroes(void **state)
{
	struct arena *a = arena_new(MiB);
	unsigned char *p;
	size_t i;

	(void)state;
	/* Dirty some memory, so a fresh chunk is not trivially zero. */
	p = arena_alloc(a, 4000);
	memset(p, 0xFF, 4000);
	p = arena_calloc(a, 100, 30);
	assert_non_null(p);
	assert_aligned(p);
	for (i = 0; i < 3000; i++)
		assert_int_equal(p[i], 0);
	assert_non_null(arena_calloc(a, 0, 10));
	assert_non_null(arena_calloc(a, 10, 0));
	arena_free(a);
}

static void
test_strdup(void **state)
{
	struct arena *a = arena_new(MiB);
	char src[] = "héllo <world>";
	char *d, *e;

	(void)state;
	d = arena_strdup(a, src);
	assert_non_null(d);
	assert_string_equal(d, src);
	assert_ptr_not_equal(d, src);
	src[0] = 'X';		/* a copy, not an alias */
	assert_int_equal(d[0], 'h');
	e = arena_strdup(a, "");
	assert_non_null(e);
	assert_string_equal(e, "");
	arena_free(a);
}

static void
test_strndup(void **state)
{
	struct arena *a = arena_new(MiB);
	char *d;

	(void)state;
	d = arena_strndup(a, "abcdef", 3);
	assert_string_equal(d, "abc");
	d = arena_strndup(a, "abcdef", 0);
	assert_string_equal(d, "");
	d = arena_strndup(a, "abcdef", 6);
	assert_string_equal(d, "abcdef");
	arena_free(a);
}

static void
test_printf(void **state)
{
	struct arena *a = arena_new(MiB);
	char big[20000];
	char *s;

	(void)state;
	s = arena_printf(a, "%s=%d;%s", "id", -17, "");
	assert_non_null(s);
	assert_string_equal(s, "id=-17;");
	s = arena_printf(a, "%s", "");
	assert_non_null(s);
	assert_string_equal(s, "");
	memset(big, 'w', sizeof(big) - 1);
	big[sizeof(big) - 1] = '\0';
	s = arena_printf(a, "[%s]", big);
	assert_non_null(s);
	assert_int_equal(strlen(s), sizeof(big) + 1);
	assert_int_equal(s[0], '[');
	assert_int_equal(s[sizeof(big)], ']');
	arena_free(a);
}

static void
test_printf_cap(void **state)
{
	struct arena *a = arena_new(16 * 1024);
	char big[20000];

	(void)state;
	memset(big, 'w', sizeof(big) - 1);
	big[sizeof(big) - 1] = '\0';
	assert_null(arena_printf(a, "%s", big));
	assert_non_null(arena_printf(a, "%d", 5));
	arena_free(a);
}

static void
test_free_null(void **state)
{
	(void)state;
	arena_free(NULL);
	/* An arena never allocated from frees cleanly too (ASan: no leak). */
	arena_free(arena_new(MiB));
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_alloc_alignment),
		cmocka_unit_test(test_allocs_do_not_overlap),
		cmocka_unit_test(test_zero_size),
		cmocka_unit_test(test_large_alloc_spans_chunk),
		cmocka_unit_test(test_cap_exceeded),
		cmocka_unit_test(test_huge_sizes),
		cmocka_unit_test(test_calloc_zeroes),
		cmocka_unit_test(test_strdup),
		cmocka_unit_test(test_strndup),
		cmocka_unit_test(test_printf),
		cmocka_unit_test(test_printf_cap),
		cmocka_unit_test(test_free_null),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
