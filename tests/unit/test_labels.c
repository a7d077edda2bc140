/*
 * test_labels.c - every label of the catalogue, its code lists and the
 * screening has a French and a Spanish translation.
 *
 * gettext returns its argument itself when a catalogue lacks the string,
 * and a pointer into the catalogue when it has it (even when the
 * translation is spelt the same, as for "Facebook"), so comparing
 * pointers tells translated from missing.
 */
#include "compat.h"

#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <sys/stat.h>

#include <cmocka.h>

#include "catalogue.h"
#include "i18n.h"
#include "screening.h"

static int missing;

static void
check(const char *what, const char *s)
{
	if (s == NULL || *s == '\0')
		return;
	if (dgettext("ctm", s) == s) {
		print_message("untranslated in %s: %s (%s)\n",
		    lang_code(i18n_current()), s, what);
		missing++;
	}
}

static void
check_language(enum lang l)
{
	int i, c;
	size_t n, k;

	i18n_use(l);
	for (i = 0; i < F__MAX; i++)
		check("field", field_get((enum field_id)i)->label);
	for (i = 0; i < SEC__MAX; i++)
		check("section", section_get((enum section)i)->label);
	for (c = 0; c < CL__MAX; c++) {
		const struct code_def *codes = codelist_codes((enum codelist)c, &n);

		for (k = 0; k < n; k++)
			check(codelist_name((enum codelist)c), codes[k].label);
	}
	for (i = 0; i < SA__MAX; i++) {
		const char *code = special_answer_code((enum special_answer)i);

		/* special_answer_label() translates: compare to English. */
		i18n_use(LANG_EN);
		{
			const char *en = special_answer_label(code);

			i18n_use(l);
			if (strcmp(en, special_answer_label(code)) == 0) {
				print_message("special answer %s untranslated\n", code);
				missing++;
			}
		}
	}
	for (i = 0; i < SCR_ACT__MAX; i++) {
		i18n_use(LANG_EN);
		{
			const char *en = screening_act_label((enum screening_act)i);

			i18n_use(l);
			if (strcmp(en, screening_act_label((enum screening_act)i)) == 0)
				missing++;
		}
	}
	i18n_use(LANG_EN);
}

static void
test_all_labels_translated(void **state)
{
	const char *dir = getenv("CTM_LOCALEDIR");
	char mo[4096];
	struct stat st;

	(void)state;
	if (dir == NULL)
		skip();
	snprintf(mo, sizeof(mo), "%s/fr/LC_MESSAGES/ctm.mo", dir);
	if (stat(mo, &st) != 0)
		skip();
	assert_int_equal(i18n_init(dir), 0);
	missing = 0;
	check_language(LANG_FR);
	check_language(LANG_ES);
	assert_int_equal(missing, 0);
	i18n_release();
}

/* The check itself works: a string no catalogue has is reported. */
static void
test_detects_missing(void **state)
{
	const char *dir = getenv("CTM_LOCALEDIR");
	static const char probe[] = "no catalogue has this sentence";

	(void)state;
	if (dir == NULL)
		skip();
	assert_int_equal(i18n_init(dir), 0);
	i18n_use(LANG_FR);
	missing = 0;
	check("probe", probe);
	assert_int_equal(missing, 1);
	check("probe", "Cases");
	assert_int_equal(missing, 1);
	i18n_use(LANG_EN);
	i18n_release();
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_all_labels_translated),
		cmocka_unit_test(test_detects_missing),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
