#include "compat.h"

#include <stdio.h>
#include <string.h>

#include "isocodes.h"
#include "money.h"

/* ISO 4217 codes that are no money one pays with, sorted. */
static const char *const not_money[] = {
	"BOV", "CHE", "CHW", "CLF", "COU", "MXV", "USN", "UYI", "UYW",
	"XAG", "XAU", "XBA", "XBB", "XBC", "XBD", "XDR", "XPD", "XPT",
	"XSU", "XTS", "XUA", "XXX",
};

/* Currencies without minor units (ISO 4217 list one), sorted. */
static const char *const zero_decimals[] = {
	"BIF", "CLP", "DJF", "GNF", "ISK", "JPY", "KMF", "KRW", "PYG",
	"RWF", "UGX", "VND", "VUV", "XAF", "XOF", "XPF",
};

/* Currencies with three decimals, sorted. */
static const char *const three_decimals[] = {
	"BHD", "IQD", "JOD", "KWD", "LYD", "OMR", "TND",
};

static bool
listed(const char *const *list, size_t n, const char *code)
{
	size_t i;

	for (i = 0; i < n; i++)
		if (strcmp(list[i], code) == 0)
			return true;
	return false;
}

int
money_minor_units(const char *alpha3)
{
	if (alpha3 == NULL || strlen(alpha3) != 3 ||
	    alpha3[0] < 'A' || alpha3[0] > 'Z' || alpha3[1] < 'A' ||
	    alpha3[1] > 'Z' || alpha3[2] < 'A' || alpha3[2] > 'Z')
		return -1;
	if (listed(not_money, ARRAY_SIZE(not_money), alpha3))
		return -1;
	if (listed(zero_decimals, ARRAY_SIZE(zero_decimals), alpha3))
		return 0;
	if (listed(three_decimals, ARRAY_SIZE(three_decimals), alpha3))
		return 3;
	return 2;
}

bool
money_currency_ok(const char *alpha3)
{
	return currency_valid(alpha3) && money_minor_units(alpha3) >= 0;
}

int
money_decimals(const char *alpha3)
{
	int m = money_minor_units(alpha3);

	return m > 2 ? 2 : m;
}

bool
money_fits(int64_t cents, const char *alpha3)
{
	switch (money_decimals(alpha3)) {
	case 0:
		return cents % 100 == 0;
	case 1:
		return cents % 10 == 0;
	case 2:
		return true;
	default:
		return false;
	}
}

/* *v = *v * 10 + d unless that would pass max. */
static bool
push(int64_t *v, int d, int64_t max)
{
	if (*v > (max - d) / 10)
		return false;
	*v = *v * 10 + d;
	return true;
}

bool
money_decimal(const char *s, int scale, int64_t max, int64_t *out)
{
	int64_t v = 0;
	int intdigits = 0, dec = 0;

	if (s == NULL || *s == '\0')
		return false;
	/* "007" is a typing slip, not an amount. */
	if (s[0] == '0' && s[1] >= '0' && s[1] <= '9')
		return false;
	for (; *s >= '0' && *s <= '9'; s++) {
		if (++intdigits > 15 || !push(&v, *s - '0', max))
			return false;
	}
	if (intdigits == 0)
		return false;
	if (*s == '.') {
		s++;
		if (!(*s >= '0' && *s <= '9'))
			return false;
		for (; *s >= '0' && *s <= '9'; s++) {
			if (++dec > scale || !push(&v, *s - '0', max))
				return false;
		}
	}
	if (*s != '\0')
		return false;
	for (; dec < scale; dec++)
		if (!push(&v, 0, max))
			return false;
	*out = v;
	return true;
}

bool
money_parse(const char *s, int64_t *cents)
{
	return money_decimal(s, 2, MONEY_MAX, cents);
}

const char *
money_format(int64_t cents, char out[MONEY_STR])
{
	uint64_t a = cents < 0 ? (uint64_t)0 - (uint64_t)cents :
	    (uint64_t)cents;

	snprintf(out, MONEY_STR, "%s%llu.%02llu", cents < 0 ? "-" : "",
	    (unsigned long long)(a / 100), (unsigned long long)(a % 100));
	return out;
}

const char *
money_not_money_msg(const char *alpha3)
{
	if (!currency_valid(alpha3) || money_minor_units(alpha3) >= 0)
		return NULL;
	return _("This ISO 4217 code is not money that can be paid (such as "
	    "XXX, no currency, or XAU, gold): give a currency such as USD, "
	    "EUR or THB.");
}

const char *
money_fits_msg(int64_t cents, const char *alpha3)
{
	if (money_fits(cents, alpha3))
		return NULL;
	if (money_decimals(alpha3) == 0)
		return _("This currency has no decimals (such as JPY or KRW): "
		    "give a whole amount, such as 1250.");
	return _("Give an amount in a currency that money can be paid in.");
}

const char *
money_too_large_msg(const char *s, int64_t max)
{
	static _Thread_local char msg[192];
	char n[MONEY_TEXT];
	const char *p = s;
	int64_t v;
	int dec = 0;

	if (s == NULL || !(*s >= '0' && *s <= '9') ||
	    (s[0] == '0' && s[1] >= '0' && s[1] <= '9'))
		return NULL;
	while (*p >= '0' && *p <= '9')
		p++;
	if (*p == '.') {
		for (p++; *p >= '0' && *p <= '9'; p++)
			dec++;
		if (dec == 0 || dec > 2)
			return NULL;
	}
	if (*p != '\0' || money_decimal(s, 2, max, &v))
		return NULL;
	snprintf(msg, sizeof(msg), _("This amount is too large: at most %s."),
	    count_text(max / 100, i18n_current(), n));
	return msg;
}

/* --- as the user types and reads them --- */

#define NBSP "\xc2\xa0"
#define NNBSP "\xe2\x80\xaf"

/* The length of a thousands separator of lang at s, 0 when none. */
static size_t
group_sep(const char *s, enum lang lang)
{
	if (lang == LANG_EN)
		return *s == ',';
	if (lang == LANG_ES && *s == '.')
		return 1;
	if (*s == ' ')
		return 1;
	if (strncmp(s, NBSP, 2) == 0)
		return 2;
	if (strncmp(s, NNBSP, 3) == 0)
		return 3;
	return 0;
}

/*
 * s in lang's way into canonical text ("2720505.26") in out; false
 * when s is not written that way (groups of three after the first, one
 * kind of separator, the decimal mark of lang).
 */
static bool
localized(const char *s, size_t n, enum lang lang, char *out, size_t size)
{
	const char dec = lang == LANG_EN ? '.' : ',';
	const char *end = s + n, *sep = NULL;
	size_t o = 0, digits = 0, seplen = 0, k;
	bool grouped = false;

	for (; s < end && *s >= '0' && *s <= '9'; s++, digits++)
		if (o + 1 < size)
			out[o++] = *s;
	if (digits == 0 || digits > 15)
		return false;
	while (s < end && (k = group_sep(s, lang)) > 0) {
		/* One kind of separator; the first group has 1 to 3 digits. */
		if (sep && (k != seplen || memcmp(s, sep, k) != 0))
			return false;
		if (!grouped && digits > 3)
			return false;
		sep = s;
		seplen = k;
		grouped = true;
		s += k;
		for (digits = 0; s < end && *s >= '0' && *s <= '9'; s++,
		    digits++)
			if (o + 1 < size)
				out[o++] = *s;
		if (digits != 3)
			return false;
	}
	if (s < end && *s == dec) {
		if (o + 1 < size)
			out[o++] = '.';
		for (s++; s < end && *s >= '0' && *s <= '9'; s++)
			if (o + 1 < size)
				out[o++] = *s;
	}
	if (s != end || o + 1 >= size)
		return false;
	out[o] = '\0';
	return true;
}

bool
money_decimal_form(const char *s, enum lang lang, int scale, int64_t max,
    int64_t *out)
{
	char canon[64];
	size_t n;

	if (s == NULL)
		return false;
	while (*s == ' ' || *s == '\t')
		s++;
	n = strlen(s);
	while (n > 0 && (s[n - 1] == ' ' || s[n - 1] == '\t'))
		n--;
	/* The language's way first: "1.250" is 1250 in Spanish. */
	if (localized(s, n, lang, canon, sizeof(canon)) &&
	    money_decimal(canon, scale, max, out))
		return true;
	if (n >= sizeof(canon))
		return false;
	memcpy(canon, s, n);
	canon[n] = '\0';
	return money_decimal(canon, scale, max, out);
}

const char *
money_form_value(const char *typed, enum lang lang, int scale, int64_t max,
    char out[MONEY_STR])
{
	int64_t v, p = 1;
	int i;

	if (typed == NULL || !money_decimal_form(typed, lang, scale, max, &v))
		return typed;
	for (i = 0; i < scale; i++)
		p *= 10;
	if (scale == 0)
		snprintf(out, MONEY_STR, "%lld", (long long)v);
	else
		snprintf(out, MONEY_STR, "%lld.%0*lld", (long long)(v / p),
		    scale, (long long)(v % p));
	return out;
}

const char *
money_text_scaled(int64_t v, int scale, int min_decimals, enum lang lang,
    char out[MONEY_TEXT])
{
	const char *sep = lang == LANG_EN ? "," : lang == LANG_ES ? "." :
	    NNBSP;
	const char dec = lang == LANG_EN ? '.' : ',';
	uint64_t a = v < 0 ? (uint64_t)0 - (uint64_t)v : (uint64_t)v, p = 1;
	char ip[24], fp[24];
	size_t n, i, o = 0, nf;
	int k;

	for (k = 0; k < scale; k++)
		p *= 10;
	snprintf(ip, sizeof(ip), "%llu", (unsigned long long)(a / p));
	snprintf(fp, sizeof(fp), "%0*llu", scale, (unsigned long long)(a % p));
	nf = scale > 0 ? (size_t)scale : 0;
	while (nf > (size_t)min_decimals && fp[nf - 1] == '0')
		nf--;
	fp[nf] = '\0';
	if (v < 0)
		out[o++] = '-';
	n = strlen(ip);
	for (i = 0; i < n; i++) {
		if (i > 0 && (n - i) % 3 == 0) {
			size_t l = strlen(sep);

			memcpy(out + o, sep, l);
			o += l;
		}
		out[o++] = ip[i];
	}
	if (nf > 0) {
		out[o++] = dec;
		memcpy(out + o, fp, nf);
		o += nf;
	}
	out[o] = '\0';
	return out;
}

const char *
money_text(int64_t cents, enum lang lang, char out[MONEY_TEXT])
{
	return money_text_scaled(cents, 2, 2, lang, out);
}

const char *
count_text(int64_t n, enum lang lang, char out[MONEY_TEXT])
{
	return money_text_scaled(n, 0, 0, lang, out);
}

const char *
fixed_text(int64_t v, int scale, enum lang lang, char out[MONEY_TEXT])
{
	return money_text_scaled(v, scale, scale, lang, out);
}

const char *
money_text_of(const char *s, enum lang lang, char out[MONEY_TEXT])
{
	int64_t v;
	bool neg = s && *s == '-';

	if (s == NULL || !money_decimal(s + neg, 2, INT64_MAX / 100, &v))
		return s;
	return money_text(neg ? -v : v, lang, out);
}
