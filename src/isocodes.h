/*
 * isocodes.h - countries (ISO 3166-1), languages (ISO 639-3) and
 * currencies (ISO 4217) from
 * Debian's iso-codes package.
 *
 * isocodes_load() reads iso_3166-1.json and iso_639-3.json once, at
 * start-up, before any thread asks; afterwards everything is read-only
 * and safe from any thread. Names are translated with the package's own
 * gettext domains ("iso_3166-1", "iso_639-3", installed under
 * /usr/share/locale) in the calling thread's locale, as set by
 * i18n_use().
 *
 * Countries are ISO 3166-1 alpha-2 codes in upper case ("TH"); their
 * names are the ISO short names ("Bolivia, Plurinational State of"), as
 * the UN and IOM use them, not the package's common names. Languages are
 * ISO 639-3 codes ("tir"), or ISO 639-1 codes ("ti") where a language has
 * one, in lower case; the special codes (und, mul, mis, zxx) are not
 * languages here: ctm's special answers say the same.
 */
#ifndef CTM_ISOCODES_H
#define CTM_ISOCODES_H

#include "compat.h"

/*
 * Loads both files from dir; dir NULL means $CTM_ISOCODES_DIR, else
 * /usr/share/iso-codes/json. Returns 0, or -1 (logged) when a file is
 * missing or malformed; then nothing is valid. Loading again replaces the
 * previous tables (tests only: not while other threads read).
 */
int isocodes_load(const char *dir);
void isocodes_release(void);

/* Whether alpha2 (untrusted, may be NULL) is an ISO 3166-1 country. */
bool country_valid(const char *alpha2);
/* The translated name of the country, or NULL. Static storage. */
const char *country_name(const char *alpha2);

/* Whether code (untrusted, may be NULL) is an ISO 639-3 or 639-1 code. */
bool language_valid(const char *code);
/* The translated name of the language, or NULL. Static storage. */
const char *language_name(const char *code);
/* The ISO 639-3 code for code ("ti" -> "tir"), or NULL. */
const char *language_alpha3(const char *code);

/* Whether alpha3 (untrusted, may be NULL) is an ISO 4217 currency code
 * ("USD"), from iso_4217.json. */
bool currency_valid(const char *alpha3);

/* One option of a select box. Both strings are static storage. */
struct iso_option {
	const char *code;
	const char *name;	/* translated */
};

enum language_set {
	LANGS_ALPHA2,	/* the ~180 languages with an ISO 639-1 code */
	LANGS_LIVING,	/* every living language and macrolanguage (~7000) */
	LANGS__MAX
};

/*
 * Options sorted by translated name in the calling thread's language:
 * returns a malloc'd array of *n options that the caller frees with
 * free(); NULL when out of memory or nothing is loaded. Languages are
 * given by their ISO 639-3 code. Sorts on every call (LANGS_LIVING costs
 * a few milliseconds): cache the result per language if it matters.
 */
struct iso_option *country_options(size_t *n);
struct iso_option *language_options(enum language_set set, size_t *n);

#endif
