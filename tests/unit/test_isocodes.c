/*
 * test_isocodes.c - countries and languages from iso-codes, their names in
 * the thread's language, and the select-box options.
 *
 * The translated names need the fr_FR.UTF-8 and es_ES.UTF-8 locales and
 * the iso-codes catalogues under /usr/share/locale: tests that need them
 * skip when they are missing rather than pass without checking.
 */
#include "compat.h"

#include <pthread.h>
#include <sys/stat.h>
#include <unistd.h>

#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include "i18n.h"
#include "isocodes.h"
#include "log.h"

static bool have_locales;

static int
group_setup(void **state)
{
	const char *dir = getenv("CTM_LOCALEDIR");

	(void)state;
	log_set_quiet(true);
	have_locales = i18n_init(dir ? dir : CTM_LOCALEDIR) == 0;
	return isocodes_load(NULL);
}

static int
group_teardown(void **state)
{
	(void)state;
	isocodes_release();
	i18n_release();
	return 0;
}

/* Back to English after each test, whatever it switched to. */
static int
english(void **state)
{
	(void)state;
	i18n_use(LANG_EN);
	return 0;
}

static void
need_locales(void)
{
	if (!have_locales)
		skip();
}

static void
test_countries(void **state)
{
	(void)state;
	assert_true(country_valid("TH"));
	assert_true(country_valid("FR"));
	assert_true(country_valid("SS"));	/* South Sudan */
	assert_false(country_valid("th"));
	assert_false(country_valid("Th"));
	assert_false(country_valid("THA"));
	assert_false(country_valid("T"));
	assert_false(country_valid("XX"));
	assert_false(country_valid("YU"));	/* withdrawn: ISO 3166-3 */
	assert_false(country_valid(""));
	assert_false(country_valid(NULL));
	assert_string_equal(country_name("FR"), "France");
	assert_string_equal(country_name("DE"), "Germany");
	/* the ISO short name, not the common one */
	assert_string_equal(country_name("BO"), "Bolivia, Plurinational State of");
	assert_null(country_name("XX"));
	assert_null(country_name(NULL));
}

static void
test_country_names_translated(void **state)
{
	(void)state;
	need_locales();
	i18n_use(LANG_FR);
	assert_string_equal(country_name("FR"), "France");
	assert_string_equal(country_name("DE"), "Allemagne");
	i18n_use(LANG_ES);
	assert_string_equal(country_name("DE"), "Alemania");
	assert_string_equal(country_name("FR"), "Francia");
	i18n_use(LANG_EN);
	assert_string_equal(country_name("DE"), "Germany");
}

static void
test_languages(void **state)
{
	(void)state;
	assert_true(language_valid("tir"));
	assert_true(language_valid("ti"));
	assert_true(language_valid("rhg"));	/* Rohingya: no 639-1 code */
	assert_true(language_valid("fra"));
	assert_true(language_valid("fr"));
	assert_true(language_valid("ara"));	/* macrolanguage */
	assert_true(language_valid("lat"));	/* ancient, still a language */
	assert_false(language_valid("TIR"));
	assert_false(language_valid("Ti"));
	assert_false(language_valid("fre"));	/* 639-2/B */
	assert_false(language_valid("und"));
	assert_false(language_valid("mul"));
	assert_false(language_valid("zxx"));
	assert_false(language_valid("xx"));
	assert_false(language_valid("tigr"));
	assert_false(language_valid(""));
	assert_false(language_valid(NULL));
	assert_string_equal(language_alpha3("ti"), "tir");
	assert_string_equal(language_alpha3("tir"), "tir");
	assert_null(language_alpha3("xx"));
	assert_string_equal(language_name("ti"), "Tigrinya");
	assert_string_equal(language_name("rhg"), "Rohingya");
	assert_null(language_name("und"));
}

static void
test_language_names_translated(void **state)
{
	(void)state;
	need_locales();
	i18n_use(LANG_FR);
	assert_string_equal(language_name("de"), "allemand");
	i18n_use(LANG_ES);
	assert_string_equal(language_name("deu"), "Alemán");
	/* Not in ISO 639-3's Spanish catalogue: ISO 639-2's name. */
	assert_string_equal(language_name("gl"), "Gallego");
	assert_string_equal(language_name("lb"), "Luxemburgués");
	/* In neither: the English name. */
	assert_string_equal(language_name("ff"), "Fulah");
	i18n_use(LANG_EN);
	assert_string_equal(language_name("gl"), "Galician");
}

static int
code_index(const struct iso_option *o, size_t n, const char *code)
{
	size_t i;

	for (i = 0; i < n; i++)
		if (strcmp(o[i].code, code) == 0)
			return (int)i;
	return -1;
}

static void
test_country_options_english(void **state)
{
	struct iso_option *o;
	size_t n, i;
	int af, ax, al;

	(void)state;
	o = country_options(&n);
	assert_non_null(o);
	assert_true(n >= 249);
	for (i = 0; i < n; i++) {
		assert_true(country_valid(o[i].code));
		assert_string_equal(o[i].name, country_name(o[i].code));
	}
	/* Åland sorts among the A's: Afghanistan, Åland Islands, Albania */
	af = code_index(o, n, "AF");
	ax = code_index(o, n, "AX");
	al = code_index(o, n, "AL");
	assert_true(af >= 0 && ax == af + 1 && al == ax + 1);
	assert_string_equal(o[0].code, "AF");
	/* Türkiye before Turkmenistan (ü folds to u, then e < m) */
	assert_true(code_index(o, n, "TR") < code_index(o, n, "TM"));
	free(o);
}

static void
test_country_options_translated(void **state)
{
	struct iso_option *o;
	size_t n, i;

	(void)state;
	need_locales();
	i18n_use(LANG_FR);
	o = country_options(&n);
	assert_non_null(o);
	for (i = 1; i < n; i++)
		assert_true(strcoll(o[i - 1].name, o[i].name) <= 0);
	assert_string_equal(o[code_index(o, n, "DE")].name, "Allemagne");
	/* "Égypte" among the E's, before "Émirats", after "Écosse"-less "E" */
	assert_true(code_index(o, n, "EG") < code_index(o, n, "ER"));
	free(o);

	i18n_use(LANG_ES);
	o = country_options(&n);
	assert_non_null(o);
	for (i = 1; i < n; i++)
		assert_true(strcoll(o[i - 1].name, o[i].name) <= 0);
	assert_string_equal(o[code_index(o, n, "DE")].name, "Alemania");
	free(o);
}

static void
test_language_options(void **state)
{
	struct iso_option *o;
	size_t n, i;

	(void)state;
	o = language_options(LANGS_ALPHA2, &n);
	assert_non_null(o);
	assert_true(n > 150 && n < 200);
	for (i = 0; i < n; i++) {
		assert_int_equal(strlen(o[i].code), 3);
		assert_true(language_valid(o[i].code));
	}
	assert_true(code_index(o, n, "tir") >= 0);
	assert_true(code_index(o, n, "rhg") < 0);
	assert_true(code_index(o, n, "lat") >= 0);
	free(o);

	o = language_options(LANGS_LIVING, &n);
	assert_non_null(o);
	assert_true(n > 7000);
	assert_true(code_index(o, n, "rhg") >= 0);
	assert_true(code_index(o, n, "ara") >= 0);	/* macrolanguage */
	assert_true(code_index(o, n, "lat") < 0);	/* not living */
	assert_true(code_index(o, n, "und") < 0);
	free(o);
}

/* Two threads in two languages at once: the locale is per thread. */
struct lang_run {
	enum lang lang;
	const char *expect;
	int wrong;
};

static void *
name_loop(void *arg)
{
	struct lang_run *r = arg;
	int i;

	i18n_use(r->lang);
	for (i = 0; i < 2000; i++)
		if (strcmp(country_name("DE"), r->expect) != 0)
			r->wrong++;
	return NULL;
}

static void
test_names_per_thread(void **state)
{
	struct lang_run fr = { LANG_FR, "Allemagne", 0 };
	struct lang_run es = { LANG_ES, "Alemania", 0 };
	pthread_t a, b;

	(void)state;
	need_locales();
	assert_int_equal(pthread_create(&a, NULL, name_loop, &fr), 0);
	assert_int_equal(pthread_create(&b, NULL, name_loop, &es), 0);
	pthread_join(a, NULL);
	pthread_join(b, NULL);
	assert_int_equal(fr.wrong, 0);
	assert_int_equal(es.wrong, 0);
	assert_string_equal(country_name("DE"), "Germany");
}

static void
write_file(const char *dir, const char *name, const char *text)
{
	char path[256];
	FILE *f;

	snprintf(path, sizeof(path), "%s/%s", dir, name);
	f = fopen(path, "w");
	assert_non_null(f);
	assert_true(fputs(text, f) >= 0);
	assert_int_equal(fclose(f), 0);
}

static void
remove_file(const char *dir, const char *name)
{
	char path[256];

	snprintf(path, sizeof(path), "%s/%s", dir, name);
	unlink(path);
}

/* CTM_ISOCODES_DIR replaces the system tables; bad files are refused. */
static void
test_isocodes_dir(void **state)
{
	char dir[] = "/tmp/ctm-test-iso-XXXXXX";

	(void)state;
	assert_non_null(mkdtemp(dir));
	write_file(dir, "iso_3166-1.json",
	    "{\"3166-1\": [{\"alpha_2\": \"QQ\", \"alpha_3\": \"QQQ\","
	    " \"name\": \"Testland\", \"numeric\": \"999\"}]}");
	write_file(dir, "iso_639-3.json",
	    "{\"639-3\": [{\"alpha_3\": \"qaa\", \"name\": \"Testish\","
	    " \"scope\": \"I\", \"type\": \"L\"},"
	    " {\"alpha_3\": \"und\", \"name\": \"Undetermined\","
	    " \"scope\": \"S\", \"type\": \"S\"}]}");
	write_file(dir, "iso_4217.json",
	    "{\"4217\": [{\"alpha_3\": \"QQD\", \"name\": \"Test dollar\","
	    " \"numeric\": \"999\"}]}");
	assert_int_equal(setenv("CTM_ISOCODES_DIR", dir, 1), 0);
	assert_int_equal(isocodes_load(NULL), 0);
	assert_true(currency_valid("QQD"));
	assert_false(currency_valid("USD"));
	assert_true(country_valid("QQ"));
	assert_false(country_valid("TH"));
	assert_string_equal(country_name("QQ"), "Testland");
	assert_true(language_valid("qaa"));
	assert_false(language_valid("und"));
	assert_false(language_valid("fra"));

	/* malformed: nothing is valid afterwards, and it says so */
	write_file(dir, "iso_639-3.json", "{\"639-3\": [{\"alpha_3\": 7}]}");
	assert_int_equal(isocodes_load(NULL), -1);
	assert_false(country_valid("QQ"));
	assert_false(language_valid("qaa"));
	write_file(dir, "iso_639-3.json", "not json");
	assert_int_equal(isocodes_load(NULL), -1);
	remove_file(dir, "iso_639-3.json");
	assert_int_equal(isocodes_load(NULL), -1);
	assert_null(country_options(&(size_t){ 0 }));

	remove_file(dir, "iso_3166-1.json");
	remove_file(dir, "iso_4217.json");
	assert_int_equal(rmdir(dir), 0);
	assert_int_equal(unsetenv("CTM_ISOCODES_DIR"), 0);
	assert_int_equal(isocodes_load(NULL), 0);
	assert_true(country_valid("TH"));
}

/* Currencies: ISO 4217 alpha-3 codes, upper case only. */
static void
test_currencies(void **state)
{
	(void)state;
	assert_true(currency_valid("USD"));
	assert_true(currency_valid("COP"));
	assert_true(currency_valid("THB"));
	assert_true(currency_valid("GHS"));
	assert_false(currency_valid("usd"));
	assert_false(currency_valid("XYZ"));
	assert_false(currency_valid("US"));
	assert_false(currency_valid("USDD"));
	assert_false(currency_valid(""));
	assert_false(currency_valid(NULL));
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_teardown(test_countries, english),
		cmocka_unit_test_teardown(test_currencies, english),
		cmocka_unit_test_teardown(test_country_names_translated, english),
		cmocka_unit_test_teardown(test_languages, english),
		cmocka_unit_test_teardown(test_language_names_translated, english),
		cmocka_unit_test_teardown(test_country_options_english, english),
		cmocka_unit_test_teardown(test_country_options_translated, english),
		cmocka_unit_test_teardown(test_language_options, english),
		cmocka_unit_test_teardown(test_names_per_thread, english),
		cmocka_unit_test_teardown(test_isocodes_dir, english),
	};

	return cmocka_run_group_tests(tests, group_setup, group_teardown);
}
