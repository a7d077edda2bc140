/*
 * test_html.c - the escaping writer of html.h: every conversion, the
 * five escaped characters, %R left alone, %U percent-encoding, unknown
 * conversions and the cap both making html_failed() true.
 */
#include "compat.h"

#include <inttypes.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include "buf.h"
#include "html.h"
#include "i18n.h"

#define BIG (64 * 1024)

/* Runs one html_printf into a fresh writer and checks the output. */
#define CHECK_PRINTF(expect, ...) do { \
	struct html h_; \
	html_init(&h_, BIG); \
	html_printf(&h_, __VA_ARGS__); \
	assert_false(html_failed(&h_)); \
	assert_string_equal(buf_cstr(&h_.out), (expect)); \
	assert_int_equal(h_.out.len, strlen(expect)); \
	html_release(&h_); \
} while (0)

static void
test_literal_only(void **state)
{
	(void)state;
	CHECK_PRINTF("<p class=\"x\">hi</p>", "<p class=\"x\">hi</p>");
	CHECK_PRINTF("", "");
}

static void
test_conv_s_escapes(void **state)
{
	(void)state;
	CHECK_PRINTF("<td>&amp;&lt;&gt;&quot;&#39;</td>", "<td>%s</td>",
	    "&<>\"'");
	CHECK_PRINTF("a&lt;script&gt;alert(1)&lt;/script&gt;b", "a%sb",
	    "<script>alert(1)</script>");
	CHECK_PRINTF("<a title=\"&quot; onmouseover=&quot;x\">",
	    "<a title=\"%s\">", "\" onmouseover=\"x");
	CHECK_PRINTF("<a title='&#39;x'>", "<a title='%s'>", "'x");
	/* Already-escaped text is escaped again, not trusted. */
	CHECK_PRINTF("&amp;amp;&amp;#39;", "%s", "&amp;&#39;");
	/* Non-ASCII text passes through as is. */
	CHECK_PRINTF("Dossiers – élève €", "%s", "Dossiers – élève €");
	CHECK_PRINTF("[]", "[%s]", "");
}

static void
test_conv_s_null(void **state)
{
	(void)state;
	CHECK_PRINTF("[]", "[%s]", (const char *)NULL);
	CHECK_PRINTF("[]", "[%R]", (const char *)NULL);
	CHECK_PRINTF("[]", "[%U]", (const char *)NULL);
}

static void
test_conv_R_not_escaped(void **state)
{
	(void)state;
	CHECK_PRINTF("<div><b>x & y</b> \"'</div>", "<div>%R</div>",
	    "<b>x & y</b> \"'");
}

static void
test_conv_U(void **state)
{
	(void)state;
	CHECK_PRINTF("/cases?q=a%20b%26c%3Dd", "/cases?q=%U", "a b&c=d");
	/* Unreserved characters are kept. */
	CHECK_PRINTF("AZaz09-._~", "%U", "AZaz09-._~");
	/* Reserved and other specials are encoded, with upper-case hex. */
	CHECK_PRINTF("%3A%2F%3F%23%5B%5D%40%21%24%26%27%28%29%2A%2B%2C%3B%3D"
	    "%25%20%22%3C%3E%5C%5E%60%7B%7C%7D", "%U",
	    ":/?#[]@!$&'()*+,;=% \"<>\\^`{|}");
	/* UTF-8 is encoded byte by byte. */
	CHECK_PRINTF("%C3%A9", "%U", "é");
	CHECK_PRINTF("%E2%82%AC", "%U", "€");
	CHECK_PRINTF("%F0%9F%98%80", "%U", "\xF0\x9F\x98\x80");
	/* Control bytes and bytes >= 0x80 that are not UTF-8. */
	CHECK_PRINTF("%01%0A%7F%FF", "%U", "\x01\n\x7f\xff");
	CHECK_PRINTF("", "%U", "");
}

static void
test_conv_numbers(void **state)
{
	char expect[64];

	(void)state;
	CHECK_PRINTF("0 -1 2147483647", "%d %d %d", 0, -1, INT_MAX);
	snprintf(expect, sizeof(expect), "%d", INT_MIN);
	CHECK_PRINTF(expect, "%d", INT_MIN);
	CHECK_PRINTF("-9223372036854775808|9223372036854775807", "%L|%L",
	    INT64_MIN, INT64_MAX);
	CHECK_PRINTF("0", "%L", (int64_t)0);
	snprintf(expect, sizeof(expect), "%zu", (size_t)SIZE_MAX);
	CHECK_PRINTF(expect, "%z", (size_t)SIZE_MAX);
	CHECK_PRINTF("42", "%z", (size_t)42);
}

/* %N: a count in the calling thread's language, never an id's %L. */
static void
test_conv_count(void **state)
{
	(void)state;
	i18n_use(LANG_EN);
	CHECK_PRINTF("<td>21,195</td>", "<td>%N</td>", (int64_t)21195);
	CHECK_PRINTF("0 999 1,000 -1,234,567", "%N %N %N %N", (int64_t)0,
	    (int64_t)999, (int64_t)1000, (int64_t)-1234567);
	i18n_use(LANG_FR);
	CHECK_PRINTF("21\xe2\x80\xaf" "195", "%N", (int64_t)21195);
	i18n_use(LANG_ES);
	CHECK_PRINTF("21.195 / 1.213", "%N / %N", (int64_t)21195,
	    (int64_t)1213);
	/* The id beside it stays plain. */
	CHECK_PRINTF("/cases/21195 21.195", "/cases/%L %N", (int64_t)21195,
	    (int64_t)21195);
	i18n_use(LANG_EN);
}

static void
test_conv_percent(void **state)
{
	(void)state;
	CHECK_PRINTF("100%", "100%%");
	CHECK_PRINTF("%%", "%%%%");
	CHECK_PRINTF("50% of 7", "%d%% of %d", 50, 7);
}

static void
test_mixed(void **state)
{
	(void)state;
	CHECK_PRINTF("<a href=\"/cases/12?q=x%26y\">&lt;Ana&gt; 3 100%</a>",
	    "<a href=\"/cases/%L?q=%U\">%s %z %d%%</a>", (int64_t)12, "x&y",
	    "<Ana>", (size_t)3, 100);
}

static void
test_appends(void **state)
{
	struct html h;

	(void)state;
	html_init(&h, BIG);
	html_printf(&h, "<ul>");
	html_printf(&h, "<li>%s</li>", "a<b");
	html_text(&h, "&");
	html_text(&h, NULL);
	html_printf(&h, "</ul>");
	assert_false(html_failed(&h));
	assert_string_equal(buf_cstr(&h.out), "<ul><li>a&lt;b</li>&amp;</ul>");
	html_release(&h);
}

static void
test_unknown_conversion(void **state)
{
	static const char *const bad[] = {
		"%x", "%i", "%5d", "%ls", "% d", "%-s", "%S", "%r", "%u",
	};
	struct html h;
	size_t i;

	(void)state;
	for (i = 0; i < ARRAY_SIZE(bad); i++) {
		html_init(&h, BIG);
		assert_false(html_failed(&h));
		html_printf(&h, bad[i], 1);
		assert_true(html_failed(&h));
		html_release(&h);
	}
	/* A lone % at the end is as wrong. */
	html_init(&h, BIG);
	html_printf(&h, "50%");
	assert_true(html_failed(&h));
	html_release(&h);
	/* Failure is sticky: later good writes do not clear it. */
	html_init(&h, BIG);
	html_printf(&h, "ok %q");
	assert_true(html_failed(&h));
	html_printf(&h, "fine");
	assert_true(html_failed(&h));
	html_release(&h);
}

static void
test_overflow_sets_failed(void **state)
{
	struct html h;

	(void)state;
	/* Through %s. */
	html_init(&h, 10);
	html_printf(&h, "%s", "0123456789A");
	assert_true(html_failed(&h));
	assert_true(h.out.len <= 10);
	html_release(&h);
	/* Through the escaping's growth: 3 characters become 12. */
	html_init(&h, 10);
	html_printf(&h, "%s", "<<<");
	assert_true(html_failed(&h));
	html_release(&h);
	/* Through literals, %R, %U, %d, %L, %z, %%, html_text. */
	html_init(&h, 4);
	html_printf(&h, "abcde");
	assert_true(html_failed(&h));
	html_release(&h);
	html_init(&h, 4);
	html_printf(&h, "%R", "<b>x</b>");
	assert_true(html_failed(&h));
	html_release(&h);
	html_init(&h, 4);
	html_printf(&h, "%U", "é é");
	assert_true(html_failed(&h));
	html_release(&h);
	html_init(&h, 4);
	html_printf(&h, "%d", -12345);
	assert_true(html_failed(&h));
	html_release(&h);
	html_init(&h, 4);
	html_printf(&h, "%L", (int64_t)123456);
	assert_true(html_failed(&h));
	html_release(&h);
	html_init(&h, 4);
	html_printf(&h, "%z", (size_t)99999);
	assert_true(html_failed(&h));
	html_release(&h);
	html_init(&h, 4);
	html_printf(&h, "abcd%%");
	assert_true(html_failed(&h));
	html_release(&h);
	html_init(&h, 4);
	html_text(&h, "\"");
	assert_true(html_failed(&h));
	html_release(&h);
}

static void
test_exact_fit_not_failed(void **state)
{
	struct html h;

	(void)state;
	html_init(&h, 5);
	html_printf(&h, "%s", "&");
	assert_false(html_failed(&h));
	assert_string_equal(buf_cstr(&h.out), "&amp;");
	html_printf(&h, "%s", "");
	assert_false(html_failed(&h));
	html_printf(&h, "x");
	assert_true(html_failed(&h));
	assert_string_equal(buf_cstr(&h.out), "&amp;");
	html_release(&h);
}

static void
test_escape_identity(void **state)
{
	static const char *const plain[] = {
		"", "hello world", "Dossiers: élève, café, €100 (x=1; y/2)",
		"tab\there\nnewline\r", "\xF0\x9F\x98\x80 emoji", "#;:=+-*/%$@!",
	};
	size_t i;

	(void)state;
	for (i = 0; i < ARRAY_SIZE(plain); i++) {
		struct buf b = BUF_INIT(BIG);
		size_t n = strlen(plain[i]);

		assert_int_equal(html_escape(&b, plain[i], n), 0);
		assert_int_equal(b.len, n);
		if (n)
			assert_memory_equal(b.p, plain[i], n);
		buf_release(&b);
	}
}

static void
test_escape_direct(void **state)
{
	struct buf b = BUF_INIT(BIG);
	static const char with_nul[] = { 'a', '<', '\0', '>', 'b' };

	(void)state;
	/* Appends to what is there. */
	assert_int_equal(buf_addstr(&b, "pre:"), 0);
	assert_int_equal(html_escape(&b, "x&y", 3), 0);
	assert_string_equal(buf_cstr(&b), "pre:x&amp;y");
	buf_reset(&b);
	/* Only n bytes are read. */
	assert_int_equal(html_escape(&b, "ab<cd", 2), 0);
	assert_string_equal(buf_cstr(&b), "ab");
	buf_reset(&b);
	/* An embedded NUL does not stop the escaping (n is the length). */
	assert_int_equal(html_escape(&b, with_nul, sizeof(with_nul)), 0);
	assert_int_equal(b.len, 11);
	assert_memory_equal(b.p, "a&lt;\0&gt;b", 11);
	buf_reset(&b);
	/* Specials at both ends and adjacent. */
	assert_int_equal(html_escape(&b, "<>", 2), 0);
	assert_string_equal(buf_cstr(&b), "&lt;&gt;");
	buf_release(&b);
}

static void
test_escape_full(void **state)
{
	struct buf b = BUF_INIT(5);

	(void)state;
	/* "ab" + "&lt;" is 6 bytes, one more than the cap. */
	assert_int_equal(html_escape(&b, "ab", 2), 0);
	assert_int_equal(html_escape(&b, "<", 1), -1);
	assert_true(b.toobig);
	buf_release(&b);
	b = (struct buf)BUF_INIT(3);
	assert_int_equal(html_escape(&b, "abcd", 4), -1);
	buf_release(&b);
}

static void
test_url_escape_direct(void **state)
{
	struct buf b = BUF_INIT(BIG);

	(void)state;
	assert_int_equal(url_escape(&b, "Å/ø"), 0);
	assert_string_equal(buf_cstr(&b), "%C3%85%2F%C3%B8");
	buf_release(&b);
	b = (struct buf)BUF_INIT(5);
	assert_int_equal(url_escape(&b, "ab"), 0);
	assert_int_equal(url_escape(&b, "é"), -1);
	assert_true(b.toobig);
	buf_release(&b);
	b = (struct buf)BUF_INIT(2);
	assert_int_equal(url_escape(&b, "abc"), -1);
	buf_release(&b);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_literal_only),
		cmocka_unit_test(test_conv_s_escapes),
		cmocka_unit_test(test_conv_s_null),
		cmocka_unit_test(test_conv_R_not_escaped),
		cmocka_unit_test(test_conv_U),
		cmocka_unit_test(test_conv_numbers),
		cmocka_unit_test(test_conv_count),
		cmocka_unit_test(test_conv_percent),
		cmocka_unit_test(test_mixed),
		cmocka_unit_test(test_appends),
		cmocka_unit_test(test_unknown_conversion),
		cmocka_unit_test(test_overflow_sets_failed),
		cmocka_unit_test(test_exact_fit_not_failed),
		cmocka_unit_test(test_escape_identity),
		cmocka_unit_test(test_escape_direct),
		cmocka_unit_test(test_escape_full),
		cmocka_unit_test(test_url_escape_direct),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
