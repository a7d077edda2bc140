#include "compat.h"

#include <locale.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "i18n.h"
#include "log.h"

static const char *const codes[LANG__MAX] = {
	[LANG_EN] = "en", [LANG_FR] = "fr", [LANG_ES] = "es",
};
static const char *const names[LANG__MAX] = {
	[LANG_EN] = "English", [LANG_FR] = "Français", [LANG_ES] = "Español",
};
static const char *const locnames[LANG__MAX] = {
	[LANG_EN] = "C.UTF-8", [LANG_FR] = "fr_FR.UTF-8", [LANG_ES] = "es_ES.UTF-8",
};

static locale_t locales[LANG__MAX];
static _Thread_local enum lang current = LANG_EN;
static char bound_dir[4096];

int
i18n_init(const char *localedir)
{
	int i;

	/*
	 * LANGUAGE would override the per-thread locale for gettext; the
	 * request decides the language, not the server's environment.
	 */
	unsetenv("LANGUAGE");
	setlocale(LC_ALL, "C.UTF-8");
	if (bindtextdomain("ctm", localedir) == NULL)
		return error("cannot bind message catalogues in %s", localedir);
	bind_textdomain_codeset("ctm", "UTF-8");
	snprintf(bound_dir, sizeof(bound_dir), "%s", localedir);
	for (i = 0; i < LANG__MAX; i++) {
		if (locales[i])
			continue;
		locales[i] = newlocale(LC_ALL_MASK, locnames[i], (locale_t)0);
		if (locales[i] == (locale_t)0) {
			locales[i] = 0;
			return error("locale %s is missing (run scripts/setup.sh)",
			    locnames[i]);
		}
	}
	return 0;
}

void
i18n_release(void)
{
	int i;

	uselocale(LC_GLOBAL_LOCALE);
	for (i = 0; i < LANG__MAX; i++) {
		if (locales[i])
			freelocale(locales[i]);
		locales[i] = 0;
	}
}

const char *
i18n_localedir(void)
{
	return bound_dir;
}

void
i18n_use(enum lang lang)
{
	if (lang < 0 || lang >= LANG__MAX)
		lang = LANG_EN;
	current = lang;
	if (locales[lang])
		uselocale(locales[lang]);
}

enum lang
i18n_current(void)
{
	return current;
}

const char *
lang_code(enum lang lang)
{
	return lang >= 0 && lang < LANG__MAX ? codes[lang] : codes[LANG_EN];
}

const char *
lang_name(enum lang lang)
{
	return lang >= 0 && lang < LANG__MAX ? names[lang] : names[LANG_EN];
}

int
lang_from_code(const char *code)
{
	int i;

	if (code == NULL)
		return -1;
	for (i = 0; i < LANG__MAX; i++)
		if (strcasecmp(code, codes[i]) == 0)
			return i;
	return -1;
}

/*
 * Parses "fr-CH, fr;q=0.9, en;q=0.8, *;q=0.5" and picks the supported
 * language with the highest q (first one wins ties). Untrusted input:
 * bounded by the header length, no allocation.
 */
enum lang
lang_from_accept(const char *h)
{
	int best = LANG_EN;
	double bestq = -1.0;
	const char *p = h;

	if (h == NULL)
		return LANG_EN;
	while (*p) {
		char tag[3] = { 0 };
		size_t n = 0;
		double q = 1.0;
		int l;

		while (*p == ' ' || *p == ',')
			p++;
		while (*p && *p != ',' && *p != ';' && *p != '-' && *p != ' ') {
			if (n < 2)
				tag[n] = *p;
			n++;
			p++;
		}
		while (*p && *p != ',' && *p != ';')
			p++;
		if (*p == ';') {
			const char *qp = strstr(p, "q=");
			const char *end = strchr(p, ',');

			if (qp && (end == NULL || qp < end))
				q = strtod(qp + 2, NULL);
			while (*p && *p != ',')
				p++;
		}
		l = n == 2 ? lang_from_code(tag) : -1;
		if (l >= 0 && q > bestq && q > 0.0) {
			best = l;
			bestq = q;
		}
	}
	return (enum lang)best;
}
