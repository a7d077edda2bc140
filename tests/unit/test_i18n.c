/*
 * test_i18n.c - languages of i18n.h: Accept-Language negotiation on good
 * and hostile headers, language codes, and a real catalogue lookup.
 *
 * The catalogue test needs CTM_LOCALEDIR (set by `make unit`) pointing at
 * compiled .mo files; without them it is skipped, not passed.
 */
#include "compat.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include "i18n.h"


static const char *
localedir(void)
{
	const char *d = getenv("CTM_LOCALEDIR");

	return d && *d ? d : CTM_LOCALEDIR;
}

static void
test_accept_simple(void **state)
{
	(void)state;
	assert_int_equal(lang_from_accept("fr"), LANG_FR);
	assert_int_equal(lang_from_accept("es"), LANG_ES);
	assert_int_equal(lang_from_accept("en"), LANG_EN);
	assert_int_equal(lang_from_accept("FR"), LANG_FR);
	assert_int_equal(lang_from_accept("  es  "), LANG_ES);
	assert_int_equal(lang_from_accept("fr;"), LANG_FR);
	assert_int_equal(lang_from_accept("fr;q"), LANG_FR);
	/* Unsupported languages fall back to English. */
	assert_int_equal(lang_from_accept("de"), LANG_EN);
	assert_int_equal(lang_from_accept("de, pt, ja"), LANG_EN);
	assert_int_equal(lang_from_accept("de, es"), LANG_ES);
}

static void
test_accept_region(void **state)
{
	(void)state;
	assert_int_equal(lang_from_accept("fr-CH"), LANG_FR);
	assert_int_equal(lang_from_accept("es-419"), LANG_ES);
	assert_int_equal(lang_from_accept("FR-ca"), LANG_FR);
	assert_int_equal(lang_from_accept("en-US,en;q=0.9,fr;q=0.8"), LANG_EN);
	assert_int_equal(lang_from_accept("de-DE, de;q=0.9, fr;q=0.8, "
	    "es;q=0.7"), LANG_FR);
	assert_int_equal(lang_from_accept("zh-Hant-TW, es-MX;q=0.5"), LANG_ES);
	/* Not a subtag: a three-letter or longer primary tag is not "fr". */
	assert_int_equal(lang_from_accept("fra"), LANG_EN);
	assert_int_equal(lang_from_accept("french"), LANG_EN);
	assert_int_equal(lang_from_accept("f"), LANG_EN);
	assert_int_equal(lang_from_accept("fr_FR"), LANG_EN);
	assert_int_equal(lang_from_accept("esperanto, es;q=0.1"), LANG_ES);
}

static void
test_accept_qvalues(void **state)
{
	(void)state;
	assert_int_equal(lang_from_accept("en;q=0.5, fr;q=0.9"), LANG_FR);
	assert_int_equal(lang_from_accept("fr;q=0.5, es;q=0.9"), LANG_ES);
	assert_int_equal(lang_from_accept("fr;q=0.9, es;q=0.5"), LANG_FR);
	assert_int_equal(lang_from_accept("en, fr;q=0.9"), LANG_EN);
	assert_int_equal(lang_from_accept("es;q=0.1, fr;q=0.2, en;q=0.15"),
	    LANG_FR);
	assert_int_equal(lang_from_accept("fr;q=1.0, es;q=1"), LANG_FR);
	assert_int_equal(lang_from_accept("fr ;q=0.5, es;q=0.6"), LANG_ES);
	/* Parameters other than q are ignored. */
	assert_int_equal(lang_from_accept("fr;level=1, es;q=0.5"), LANG_FR);
	/* Ties: the first wins. */
	assert_int_equal(lang_from_accept("es, fr"), LANG_ES);
	assert_int_equal(lang_from_accept("fr;q=0.8,es;q=0.8"), LANG_FR);
	/* q=0 means "not acceptable". */
	assert_int_equal(lang_from_accept("fr;q=0"), LANG_EN);
	assert_int_equal(lang_from_accept("fr;q=0.0, es;q=0"), LANG_EN);
	assert_int_equal(lang_from_accept("es;q=0, fr;q=0.001"), LANG_FR);
	assert_int_equal(lang_from_accept("fr;q=-1"), LANG_EN);
}

static void
test_accept_wildcard(void **state)
{
	(void)state;
	assert_int_equal(lang_from_accept("*"), LANG_EN);
	assert_int_equal(lang_from_accept("*;q=0.5"), LANG_EN);
	assert_int_equal(lang_from_accept("*, es"), LANG_ES);
	assert_int_equal(lang_from_accept("de, *;q=0.5, fr;q=0.1"), LANG_FR);
}

static void
test_accept_empty_garbage(void **state)
{
	static const char *const junk[] = {
		"", " ", ",", ",,,,", ";", ";;;", ";q=1", "q=1", "-", "--fr",
		";fr", "=fr", "\x01\x02;;q=q=,,;", "\xff\xfe\xfd",
		"\xc3\xa9\xc3\xa9", "fr;q=nan", "e\xcc\x81s", "* ; q = 1 , ;",
		"fr;q=0e0", "es;q=-0.5, fr;q=-inf",
	};
	size_t i;

	(void)state;
	assert_int_equal(lang_from_accept(NULL), LANG_EN);
	for (i = 0; i < ARRAY_SIZE(junk); i++)
		assert_int_equal(lang_from_accept(junk[i]), LANG_EN);
	/* Garbage around a good entry does not hide it. */
	assert_int_equal(lang_from_accept(";;, ,fr,;;"), LANG_FR);
	assert_int_equal(lang_from_accept("\xff, es"), LANG_ES);
}

static void
test_accept_very_long(void **state)
{
	const size_t n = 256 * 1024;
	char *h = malloc(n + 64);
	size_t i;

	(void)state;
	assert_non_null(h);
	/* Many unsupported entries, then a supported one at the very end. */
	for (i = 0; i + 13 <= n; i += 13)
		memcpy(h + i, "xx-YY;q=0.1, ", 13);
	memcpy(h + i, "es;q=0.2", 9);
	assert_int_equal(lang_from_accept(h), LANG_ES);
	/* One huge tag that starts like "fr". */
	h[0] = 'f';
	memset(h + 1, 'r', n - 1);
	h[n] = '\0';
	assert_int_equal(lang_from_accept(h), LANG_EN);
	/* Nothing but separators. */
	memset(h, ',', n);
	h[n] = '\0';
	assert_int_equal(lang_from_accept(h), LANG_EN);
	memset(h, ';', n);
	assert_int_equal(lang_from_accept(h), LANG_EN);
	memset(h, ' ', n);
	assert_int_equal(lang_from_accept(h), LANG_EN);
	/* A huge q-value string. */
	memcpy(h, "fr;q=0.", 7);
	memset(h + 7, '9', n - 7);
	h[n] = '\0';
	assert_int_equal(lang_from_accept(h), LANG_FR);
	free(h);
}

/* RFC 9110 optional whitespace is spaces and horizontal tabs. */
static void
test_accept_tab_ows(void **state)
{
	(void)state;
	assert_int_equal(lang_from_accept("en;q=0.1,\tfr"), LANG_FR);
}

/*
 * The q-values are C-locale decimals whatever the calling thread's
 * language: strtod() reads "0.9" as 0 under fr_FR/es_ES (decimal comma).
 */
static void
test_accept_independent_of_thread_locale(void **state)
{
	(void)state;
	assert_int_equal(i18n_init(localedir()), 0);
	i18n_use(LANG_FR);
	assert_int_equal(lang_from_accept("de, es;q=0.9"), LANG_ES);
	assert_int_equal(lang_from_accept("fr;q=0.5, es;q=0.9"), LANG_ES);
	i18n_use(LANG_ES);
	assert_int_equal(lang_from_accept("en;q=0.3, fr;q=0.6"), LANG_FR);
	i18n_use(LANG_EN);
}

static void
test_lang_from_code(void **state)
{
	(void)state;
	assert_int_equal(lang_from_code("en"), LANG_EN);
	assert_int_equal(lang_from_code("fr"), LANG_FR);
	assert_int_equal(lang_from_code("es"), LANG_ES);
	assert_int_equal(lang_from_code("FR"), LANG_FR);
	assert_int_equal(lang_from_code("eS"), LANG_ES);
	assert_int_equal(lang_from_code(NULL), -1);
	assert_int_equal(lang_from_code(""), -1);
	assert_int_equal(lang_from_code("de"), -1);
	assert_int_equal(lang_from_code("f"), -1);
	assert_int_equal(lang_from_code("fra"), -1);
	assert_int_equal(lang_from_code("fr-FR"), -1);
	assert_int_equal(lang_from_code("fr "), -1);
	assert_int_equal(lang_from_code(" fr"), -1);
	assert_int_equal(lang_from_code("\xc3\xa9s"), -1);
}

static void
test_code_and_name(void **state)
{
	int l;

	(void)state;
	assert_string_equal(lang_code(LANG_EN), "en");
	assert_string_equal(lang_code(LANG_FR), "fr");
	assert_string_equal(lang_code(LANG_ES), "es");
	assert_string_equal(lang_name(LANG_EN), "English");
	assert_string_equal(lang_name(LANG_FR), "Français");
	assert_string_equal(lang_name(LANG_ES), "Español");
	for (l = 0; l < LANG__MAX; l++)
		assert_int_equal(lang_from_code(lang_code((enum lang)l)), l);
	/* Out-of-range values fall back to English rather than read past. */
	assert_string_equal(lang_code(LANG__MAX), "en");
	assert_string_equal(lang_name((enum lang)99), "English");
}

static void
test_use_and_current(void **state)
{
	(void)state;
	assert_int_equal(i18n_init(localedir()), 0);
	assert_string_equal(i18n_localedir(), localedir());
	i18n_use(LANG_ES);
	assert_int_equal(i18n_current(), LANG_ES);
	i18n_use(LANG_FR);
	assert_int_equal(i18n_current(), LANG_FR);
	i18n_use((enum lang)LANG__MAX);
	assert_int_equal(i18n_current(), LANG_EN);
	i18n_use((enum lang)-1);
	assert_int_equal(i18n_current(), LANG_EN);
	/* English is the source language: msgids come back unchanged. */
	assert_string_equal(_("Cases"), "Cases");
}

static void
test_french_catalogue(void **state)
{
	const char *dir = getenv("CTM_LOCALEDIR");
	char mo[4096];

	(void)state;
	if (dir == NULL || *dir == '\0') {
		print_message("CTM_LOCALEDIR is not set\n");
		skip();
	}
	snprintf(mo, sizeof(mo), "%s/fr/LC_MESSAGES/ctm.mo", dir);
	if (access(mo, R_OK) != 0) {
		print_message("%s does not exist (yet)\n", mo);
		skip();
	}
	assert_int_equal(i18n_init(dir), 0);
	i18n_use(LANG_FR);
	assert_string_equal(_("Cases"), "Dossiers");
	/* The language is per call: switching back gives English again. */
	i18n_use(LANG_EN);
	assert_string_equal(_("Cases"), "Cases");
	i18n_use(LANG_FR);
	assert_string_equal(_("Cases"), "Dossiers");
	i18n_use(LANG_EN);
}

static int
teardown(void **state)
{
	(void)state;
	i18n_release();
	return 0;
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_accept_simple),
		cmocka_unit_test(test_accept_region),
		cmocka_unit_test(test_accept_qvalues),
		cmocka_unit_test(test_accept_wildcard),
		cmocka_unit_test(test_accept_empty_garbage),
		cmocka_unit_test(test_accept_very_long),
		cmocka_unit_test(test_accept_tab_ows),
		cmocka_unit_test(test_lang_from_code),
		cmocka_unit_test(test_code_and_name),
		cmocka_unit_test(test_use_and_current),
		cmocka_unit_test(test_french_catalogue),
		cmocka_unit_test(test_accept_independent_of_thread_locale),
	};

	return cmocka_run_group_tests(tests, NULL, teardown);
}
