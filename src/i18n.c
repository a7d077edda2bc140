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
i18n_colon(const char *label, char out[I18N_LABEL_MAX])
{
	/* TRANSLATORS: a label before its value ("Amount: 10"); French
	 * puts a space before the colon. */
	snprintf(out, I18N_LABEL_MAX, _("%s: "), label ? label : "");
	return out;
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
/*
 * A q-value as RFC 9110 writes it ("0", "0.5", "1.000"), parsed by hand:
 * strtod() would follow the thread's locale, where "0.9" may read as 0.
 * Returns -1 for anything else.
 */
static int
qvalue(const char *p)
{
	int v, i;

	if (*p == '1') {
		for (p++, p += *p == '.'; *p == '0'; p++)
			;
		return *p == '\0' || *p == ',' || *p == ' ' || *p == '\t' ||
		    *p == ';' ? 1000 : -1;
	}
	if (*p != '0')
		return -1;
	p++;
	v = 0;
	if (*p == '.') {
		p++;
		for (i = 0; i < 3 && *p >= '0' && *p <= '9'; i++, p++)
			v = v * 10 + (*p - '0');
		for (; i < 3; i++)
			v *= 10;
		/* Be lenient with digits past the third. */
		while (*p >= '0' && *p <= '9')
			p++;
	}
	return *p == '\0' || *p == ',' || *p == ' ' || *p == '\t' ||
	    *p == ';' ? v : -1;
}

static bool
ows(char c)
{
	return c == ' ' || c == '\t';
}

/*
 * Parses "fr-CH, fr;q=0.9, en;q=0.8, *;q=0.5" and picks the supported
 * language with the highest q (first one wins ties). Untrusted input:
 * bounded by the header length, no allocation.
 */
enum lang
lang_from_accept(const char *h)
{
	int best = LANG_EN, bestq = 0;
	const char *p = h;

	if (h == NULL)
		return LANG_EN;
	while (*p) {
		char tag[3] = { 0 };
		size_t n = 0;
		int q = 1000;
		int l;

		while (ows(*p) || *p == ',')
			p++;
		while (*p && *p != ',' && *p != ';' && *p != '-' && !ows(*p)) {
			if (n < 2)
				tag[n] = *p;
			n++;
			p++;
		}
		while (*p && *p != ',' && *p != ';')
			p++;
		while (*p == ';') {
			p++;
			while (ows(*p))
				p++;
			if ((p[0] == 'q' || p[0] == 'Q') && p[1] == '=')
				q = qvalue(p + 2);
			while (*p && *p != ',' && *p != ';')
				p++;
		}
		l = n == 2 ? lang_from_code(tag) : -1;
		if (l >= 0 && q > bestq) {
			best = l;
			bestq = q;
		}
	}
	return (enum lang)best;
}
