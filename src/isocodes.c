/*
 * isocodes.c - ISO 3166-1 and ISO 639-3 tables from iso-codes' JSON.
 *
 * The strings point into the parsed JSON documents, which stay loaded
 * until isocodes_release(); the tables are sorted by code for bsearch().
 */
#include "compat.h"

#include <libintl.h>

#include <jansson.h>

#include "i18n.h"
#include "isocodes.h"
#include "log.h"

#define ISOCODES_DIR "/usr/share/iso-codes/json"
#define DOMAIN_COUNTRIES "iso_3166-1"
#define DOMAIN_LANGUAGES "iso_639-3"
/* ISO 639-2's catalogue translates some names the 639-3 one lacks
 * (Spanish: Gallego, Luxemburgués, ...): the second choice. */
#define DOMAIN_LANGUAGES2 "iso_639-2"

struct country {
	char alpha2[3];
	const char *name;	/* English, the msgid of DOMAIN_COUNTRIES */
};

struct language {
	char alpha3[4];
	char alpha2[3];		/* "" when the language has none */
	char type;		/* L living, E extinct, A ancient, H historical,
				   C constructed */
	const char *name;	/* English, the msgid of DOMAIN_LANGUAGES */
	const char *name2;	/* ISO 639-2's English name, the msgid of
				   DOMAIN_LANGUAGES2, or NULL */
};

struct currency {
	char alpha3[4];
};

static json_t *country_doc, *language_doc, *language2_doc;
static struct currency *currencies;
static size_t ncurrencies;
static struct country *countries;
static size_t ncountries;
static struct language *languages;
static size_t nlanguages;
static const struct language **by_alpha2;	/* languages with an alpha2 */
static size_t nby_alpha2;

/* --- loading --- */

static int
code_shaped(const char *s, size_t len, char lo, char hi)
{
	size_t i;

	if (s == NULL || strlen(s) != len)
		return 0;
	for (i = 0; i < len; i++)
		if (s[i] < lo || s[i] > hi)
			return 0;
	return 1;
}

static json_t *
load_array(const char *dir, const char *file, const char *key)
{
	char path[4096];
	json_error_t err;
	json_t *doc, *arr;

	if ((size_t)snprintf(path, sizeof(path), "%s/%s", dir, file) >=
	    sizeof(path)) {
		error("iso-codes: directory name too long");
		return NULL;
	}
	doc = json_load_file(path, JSON_REJECT_DUPLICATES, &err);
	if (doc == NULL) {
		error("iso-codes: cannot load %s: %s (line %d)", path, err.text,
		    err.line);
		return NULL;
	}
	arr = json_object_get(doc, key);
	if (!json_is_array(arr) || json_array_size(arr) == 0) {
		error("iso-codes: %s has no \"%s\" list", path, key);
		json_decref(doc);
		return NULL;
	}
	return doc;
}

static int
country_cmp(const void *a, const void *b)
{
	return strcmp(((const struct country *)a)->alpha2,
	    ((const struct country *)b)->alpha2);
}

static int
language_cmp(const void *a, const void *b)
{
	return strcmp(((const struct language *)a)->alpha3,
	    ((const struct language *)b)->alpha3);
}

static int
alpha2_cmp(const void *a, const void *b)
{
	return strcmp((*(const struct language *const *)a)->alpha2,
	    (*(const struct language *const *)b)->alpha2);
}

static int
load_countries(const char *dir)
{
	json_t *arr, *e;
	size_t i;

	if ((country_doc = load_array(dir, "iso_3166-1.json", "3166-1")) == NULL)
		return -1;
	arr = json_object_get(country_doc, "3166-1");
	countries = calloc(json_array_size(arr), sizeof(*countries));
	if (countries == NULL)
		return error("iso-codes: out of memory");
	json_array_foreach(arr, i, e) {
		const char *a2 = json_string_value(json_object_get(e, "alpha_2"));
		const char *name = json_string_value(json_object_get(e, "name"));

		if (!code_shaped(a2, 2, 'A', 'Z') || name == NULL || !*name)
			return error("iso-codes: bad country entry %zu", i);
		memcpy(countries[ncountries].alpha2, a2, 3);
		countries[ncountries++].name = name;
	}
	qsort(countries, ncountries, sizeof(*countries), country_cmp);
	return 0;
}

static int
currency_cmp(const void *a, const void *b)
{
	return strcmp(((const struct currency *)a)->alpha3,
	    ((const struct currency *)b)->alpha3);
}

/* Only the codes are kept: amounts show the code, never a name. */
static int
load_currencies(const char *dir)
{
	json_t *doc, *arr, *e;
	size_t i;

	if ((doc = load_array(dir, "iso_4217.json", "4217")) == NULL)
		return -1;
	arr = json_object_get(doc, "4217");
	currencies = calloc(json_array_size(arr), sizeof(*currencies));
	if (currencies == NULL) {
		json_decref(doc);
		return error("iso-codes: out of memory");
	}
	json_array_foreach(arr, i, e) {
		const char *a3 = json_string_value(json_object_get(e, "alpha_3"));

		if (!code_shaped(a3, 3, 'A', 'Z')) {
			json_decref(doc);
			return error("iso-codes: bad currency entry %zu", i);
		}
		memcpy(currencies[ncurrencies++].alpha3, a3, 4);
	}
	json_decref(doc);
	qsort(currencies, ncurrencies, sizeof(*currencies), currency_cmp);
	return 0;
}

bool
currency_valid(const char *alpha3)
{
	struct currency key;

	if (!code_shaped(alpha3, 3, 'A', 'Z') || currencies == NULL)
		return false;
	memcpy(key.alpha3, alpha3, 4);
	return bsearch(&key, currencies, ncurrencies, sizeof(*currencies),
	    currency_cmp) != NULL;
}

static int
load_languages(const char *dir)
{
	json_t *arr, *e;
	size_t i;

	if ((language_doc = load_array(dir, "iso_639-3.json", "639-3")) == NULL)
		return -1;
	arr = json_object_get(language_doc, "639-3");
	languages = calloc(json_array_size(arr), sizeof(*languages));
	by_alpha2 = calloc(json_array_size(arr), sizeof(*by_alpha2));
	if (languages == NULL || by_alpha2 == NULL)
		return error("iso-codes: out of memory");
	json_array_foreach(arr, i, e) {
		const char *a3 = json_string_value(json_object_get(e, "alpha_3"));
		const char *a2 = json_string_value(json_object_get(e, "alpha_2"));
		const char *name = json_string_value(json_object_get(e, "name"));
		const char *type = json_string_value(json_object_get(e, "type"));
		struct language *l = &languages[nlanguages];

		if (!code_shaped(a3, 3, 'a', 'z') || name == NULL || !*name ||
		    type == NULL || strlen(type) != 1 ||
		    (a2 != NULL && !code_shaped(a2, 2, 'a', 'z')))
			return error("iso-codes: bad language entry %zu", i);
		/* und, mul, mis, zxx: ctm's special answers cover them. */
		if (type[0] == 'S')
			continue;
		memcpy(l->alpha3, a3, 4);
		if (a2 != NULL)
			memcpy(l->alpha2, a2, 3);
		l->type = type[0];
		l->name = name;
		nlanguages++;
	}
	qsort(languages, nlanguages, sizeof(*languages), language_cmp);
	for (i = 0; i < nlanguages; i++)
		if (languages[i].alpha2[0])
			by_alpha2[nby_alpha2++] = &languages[i];
	qsort(by_alpha2, nby_alpha2, sizeof(*by_alpha2), alpha2_cmp);
	/* The 639-2 names, where there is one: optional. */
	if ((language2_doc = load_array(dir, "iso_639-2.json", "639-2")) ==
	    NULL)
		return 0;
	arr = json_object_get(language2_doc, "639-2");
	json_array_foreach(arr, i, e) {
		const char *a3 = json_string_value(json_object_get(e, "alpha_3"));
		const char *name = json_string_value(json_object_get(e, "name"));
		struct language key, *l;

		if (!code_shaped(a3, 3, 'a', 'z') || name == NULL || !*name)
			continue;
		memcpy(key.alpha3, a3, 4);
		l = bsearch(&key, languages, nlanguages, sizeof(*languages),
		    language_cmp);
		if (l)
			l->name2 = name;
	}
	return 0;
}

/* A language's name in the current language: ISO 639-3's catalogue,
 * else ISO 639-2's, else the English name. */
static const char *
language_text(const struct language *l)
{
	const char *t = dgettext(DOMAIN_LANGUAGES, l->name), *t2;

	if (t != l->name || l->name2 == NULL)
		return t;
	t2 = dgettext(DOMAIN_LANGUAGES2, l->name2);
	return t2 != l->name2 ? t2 : t;
}

int
isocodes_load(const char *dir)
{
	isocodes_release();
	if (dir == NULL)
		dir = getenv("CTM_ISOCODES_DIR");
	if (dir == NULL || *dir == '\0')
		dir = ISOCODES_DIR;
	/* The package's catalogues are UTF-8 like everything ctm prints. */
	bind_textdomain_codeset(DOMAIN_COUNTRIES, "UTF-8");
	bind_textdomain_codeset(DOMAIN_LANGUAGES, "UTF-8");
	bind_textdomain_codeset(DOMAIN_LANGUAGES2, "UTF-8");
	if (load_countries(dir) < 0 || load_languages(dir) < 0 ||
	    load_currencies(dir) < 0) {
		isocodes_release();
		return -1;
	}
	return 0;
}

void
isocodes_release(void)
{
	free(countries);
	free(languages);
	free(by_alpha2);
	free(currencies);
	currencies = NULL;
	ncurrencies = 0;
	json_decref(country_doc);
	json_decref(language_doc);
	json_decref(language2_doc);
	countries = NULL;
	languages = NULL;
	by_alpha2 = NULL;
	country_doc = language_doc = language2_doc = NULL;
	ncountries = nlanguages = nby_alpha2 = 0;
}

/* --- look-ups --- */

static const struct country *
country_find(const char *alpha2)
{
	struct country key;

	if (!code_shaped(alpha2, 2, 'A', 'Z') || countries == NULL)
		return NULL;
	memcpy(key.alpha2, alpha2, 3);
	return bsearch(&key, countries, ncountries, sizeof(*countries),
	    country_cmp);
}

bool
country_valid(const char *alpha2)
{
	return country_find(alpha2) != NULL;
}

const char *
country_name(const char *alpha2)
{
	const struct country *c = country_find(alpha2);

	return c ? dgettext(DOMAIN_COUNTRIES, c->name) : NULL;
}

static const struct language *
language_find(const char *code)
{
	struct language key, *kp = &key;
	const struct language *const *p;

	if (languages == NULL || code == NULL)
		return NULL;
	memset(&key, 0, sizeof(key));
	if (code_shaped(code, 3, 'a', 'z')) {
		memcpy(key.alpha3, code, 4);
		return bsearch(&key, languages, nlanguages, sizeof(*languages),
		    language_cmp);
	}
	if (code_shaped(code, 2, 'a', 'z')) {
		memcpy(key.alpha2, code, 3);
		p = bsearch(&kp, by_alpha2, nby_alpha2, sizeof(*by_alpha2),
		    alpha2_cmp);
		return p ? *p : NULL;
	}
	return NULL;
}

bool
language_valid(const char *code)
{
	return language_find(code) != NULL;
}

const char *
language_name(const char *code)
{
	const struct language *l = language_find(code);

	return l ? language_text(l) : NULL;
}

const char *
language_alpha3(const char *code)
{
	const struct language *l = language_find(code);

	return l ? l->alpha3 : NULL;
}

/* --- options, sorted by translated name --- */

/*
 * The base letter of a Latin letter with diacritics (U+00C0-U+017F), so
 * that "Åland Islands" sorts with the A's where the locale cannot say so
 * (ctm's English runs in C.UTF-8, whose order is the code points').
 * Returns the folded character and advances *s past one code point;
 * anything outside that range sorts after the ASCII letters.
 */
static unsigned
fold_next(const unsigned char **s)
{
	static const char latin1[] =	/* U+00C0-U+00FF */
	    "aaaaaaaceeeeiiiidnooooo\x7fouuuuy\x7fs"
	    "aaaaaaaceeeeiiiidnooooo\x7fouuuuy\x7fy";
	static const struct {
		unsigned last;
		char base;
	} exta[] = {			/* U+0100-U+017F, by range */
		{ 0x105, 'a' }, { 0x10D, 'c' }, { 0x111, 'd' }, { 0x11B, 'e' },
		{ 0x123, 'g' }, { 0x127, 'h' }, { 0x133, 'i' }, { 0x135, 'j' },
		{ 0x138, 'k' }, { 0x142, 'l' }, { 0x14B, 'n' }, { 0x153, 'o' },
		{ 0x159, 'r' }, { 0x161, 's' }, { 0x167, 't' }, { 0x173, 'u' },
		{ 0x175, 'w' }, { 0x178, 'y' }, { 0x17E, 'z' }, { 0x17F, 's' },
	};
	const unsigned char *p = *s;
	unsigned cp;
	size_t i;

	if (p[0] < 0x80) {
		*s = p + 1;
		return p[0] >= 'A' && p[0] <= 'Z' ? p[0] + 32u : p[0];
	}
	if ((p[0] & 0xE0) == 0xC0 && p[1]) {
		cp = ((p[0] & 0x1Fu) << 6) | (p[1] & 0x3Fu);
		*s = p + 2;
		if (cp >= 0xC0 && cp <= 0xFF && latin1[cp - 0xC0] != '\x7f')
			return (unsigned char)latin1[cp - 0xC0];
		for (i = 0; cp >= 0x100 && i < ARRAY_SIZE(exta); i++)
			if (cp <= exta[i].last)
				return (unsigned char)exta[i].base;
		return 0x10000u + cp;
	}
	/* Longer sequences: order by lead byte, which keeps the scripts
	 * apart; the names in these tables are Latin-script in EN. */
	*s = p + 1;
	return 0x10000u + p[0];
}

static int
fold_cmp(const char *a, const char *b)
{
	const unsigned char *p = (const unsigned char *)a;
	const unsigned char *q = (const unsigned char *)b;

	while (*p && *q) {
		unsigned x = fold_next(&p), y = fold_next(&q);

		if (x != y)
			return x < y ? -1 : 1;
	}
	if (*p || *q)
		return *p ? 1 : -1;
	return strcmp(a, b);
}

static int
option_cmp(const void *a, const void *b, void *ctx)
{
	const struct iso_option *x = a, *y = b;
	int c;

	if (*(const bool *)ctx)
		c = fold_cmp(x->name, y->name);
	else
		c = strcoll(x->name, y->name);
	return c ? c : strcmp(x->code, y->code);
}

/*
 * The calling thread's collation (set by i18n_use()) orders French and
 * Spanish; English runs in C.UTF-8, which only compares code points.
 */
static void
options_sort(struct iso_option *o, size_t n)
{
	bool fold = i18n_current() == LANG_EN;

	qsort_r(o, n, sizeof(*o), option_cmp, &fold);
}

struct iso_option *
country_options(size_t *n)
{
	struct iso_option *o;
	size_t i;

	*n = 0;
	if (ncountries == 0 || (o = calloc(ncountries, sizeof(*o))) == NULL)
		return NULL;
	for (i = 0; i < ncountries; i++) {
		o[i].code = countries[i].alpha2;
		o[i].name = dgettext(DOMAIN_COUNTRIES, countries[i].name);
	}
	options_sort(o, ncountries);
	*n = ncountries;
	return o;
}

struct iso_option *
language_options(enum language_set set, size_t *n)
{
	struct iso_option *o;
	size_t i, k = 0;

	*n = 0;
	if (nlanguages == 0 || (o = calloc(nlanguages, sizeof(*o))) == NULL)
		return NULL;
	for (i = 0; i < nlanguages; i++) {
		const struct language *l = &languages[i];

		if (set == LANGS_ALPHA2 ? l->alpha2[0] == '\0' : l->type != 'L')
			continue;
		o[k].code = l->alpha3;
		o[k++].name = language_text(l);
	}
	options_sort(o, k);
	*n = k;
	return o;
}
