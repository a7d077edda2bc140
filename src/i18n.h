/*
 * i18n.h - the three languages of ctm.
 *
 * Strings are marked _() (translated now, in the calling thread's
 * language) or N_() (marked for extraction, translated later with _()).
 * Each request sets its thread's language with i18n_use(); this uses
 * newlocale()/uselocale(), never setlocale(), so threads do not disturb
 * each other.
 */
#ifndef CTM_I18N_H
#define CTM_I18N_H

#include "compat.h"

#include <libintl.h>

#define _(s) dgettext("ctm", s)
#define N_(s) s
#define P_(s, p, n) dngettext("ctm", s, p, (unsigned long)(n))

enum lang {
	LANG_EN,
	LANG_FR,
	LANG_ES,
	LANG__MAX
};

/* Binds the catalogue directory; -1 when a locale cannot be created. */
int i18n_init(const char *localedir);
void i18n_release(void);
/* Switches the calling thread to lang. */
void i18n_use(enum lang lang);
enum lang i18n_current(void);
/* "en", "fr", "es" */
const char *lang_code(enum lang lang);
/* The language's own name: "English", "Français", "Español". */
const char *lang_name(enum lang lang);
/* Returns -1 for an unknown code. */
int lang_from_code(const char *code);
/* Best match for an Accept-Language header; LANG_EN by default. */
enum lang lang_from_accept(const char *header);
/*
 * label (already translated) followed by a colon as the current
 * language writes it before a value: "Amount: ", French "Montant : "
 * (a no-break space before the colon). The one way the pages and the
 * timeline put a label before its value; out is returned.
 */
#define I18N_LABEL_MAX 256
const char *i18n_colon(const char *label, char out[I18N_LABEL_MAX]);
/* Directory of the compiled catalogues, as bound by i18n_init(). */
const char *i18n_localedir(void);

#endif
