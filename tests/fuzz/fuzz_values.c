/*
 * fuzz_values.c - the small parsers every form and JSON body goes
 * through, each against an independent reference: amounts (money_parse,
 * money_format), calendar days (date_valid, date_day_number, date_of),
 * month arithmetic for the visit schedule (moves_add_months), ids
 * typed into forms (form_id), and amounts typed in a form in each
 * language (money_decimal_form), against money_parse and against what
 * the pages write (money_text).
 *
 * Input: the first byte picks the parser and, for months, the number of
 * months; the rest is the text, copied into a buffer of exactly its
 * length plus the NUL, so a read past the end is an ASan report.
 */
#include "compat.h"

#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "date.h"
#include "http.h"
#include "i18n.h"
#include "money.h"
#include "moves.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static bool
digit(char c)
{
	return c >= '0' && c <= '9';
}

/* Amounts: digits, no leading zero but before a point, at most two
 * decimals, at most MONEY_MAX hundredths. */
static bool
ref_money(const char *s, int64_t *cents)
{
	size_t n = 0, f = 0;
	unsigned __int128 v = 0;

	for (; digit(s[n]); n++)
		if (v <= MONEY_MAX)
			v = v * 10 + (unsigned)(s[n] - '0');
	if (n == 0 || (n > 1 && s[0] == '0'))
		return false;
	v *= 100;
	if (s[n] == '.') {
		n++;
		while (digit(s[n + f]))
			f++;
		if (f == 0 || f > 2)
			return false;
		v += (unsigned)(s[n] - '0') * 10 +
		    (f == 2 ? (unsigned)(s[n + 1] - '0') : 0);
		n += f;
	}
	if (s[n] != '\0' || v > MONEY_MAX)
		return false;
	*cents = (int64_t)v;
	return true;
}

static void
check_money(const char *s)
{
	int64_t got = -1, want = -1, again = -1;
	char out[MONEY_STR];
	bool ok = money_parse(s, &got), ref = ref_money(s, &want);

	if (ok != ref || (ok && got != want)) {
		fprintf(stderr, "money_parse(\"%s\"): %d %lld, reference %d "
		    "%lld\n", s, ok, (long long)got, ref, (long long)want);
		abort();
	}
	if (!ok)
		return;
	/* Written back with two decimals, it reads as the same amount. */
	money_format(got, out);
	if (!money_parse(out, &again) || again != got ||
	    strlen(out) < 4 || out[strlen(out) - 3] != '.') {
		fprintf(stderr, "money_format(%lld) = \"%s\"\n",
		    (long long)got, out);
		abort();
	}
}

static int
ref_month_days(int y, int m)
{
	static const int d[] = { 31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30,
		31 };

	if (m == 2 && ((y % 4 == 0 && y % 100 != 0) || y % 400 == 0))
		return 29;
	return d[m - 1];
}

static bool
ref_date(const char *s, int *y, int *m, int *d)
{
	int i;

	if (strlen(s) != 10 || s[4] != '-' || s[7] != '-')
		return false;
	for (i = 0; i < 10; i++)
		if (i != 4 && i != 7 && !digit(s[i]))
			return false;
	*y = ((s[0] - '0') * 10 + s[1] - '0') * 100 + (s[2] - '0') * 10 +
	    s[3] - '0';
	*m = (s[5] - '0') * 10 + s[6] - '0';
	*d = (s[8] - '0') * 10 + s[9] - '0';
	return *y >= 1900 && *m >= 1 && *m <= 12 && *d >= 1 &&
	    *d <= ref_month_days(*y, *m);
}

static void
check_date(const char *s, int months)
{
	int y, m, d;
	bool ok = date_valid(s), ref = ref_date(s, &y, &m, &d);
	char back[DATE_SIZE], later[11];
	int64_t n = date_day_number(s);

	if (ok != ref || (n != DATE_NONE) != ok) {
		fprintf(stderr, "date_valid(\"%s\"): %d, reference %d, day "
		    "%lld\n", s, ok, ref, (long long)n);
		abort();
	}
	if (!ok) {
		if (moves_add_months(s, months, later) >= 0) {
			fprintf(stderr, "add_months(\"%s\") took it\n", s);
			abort();
		}
		return;
	}
	/* The day's number n runs from second n * 86400 to the next
	 * day's first, on both sides of 1970. */
	date_of(n * 86400, back);
	if (strcmp(back, s) != 0) {
		fprintf(stderr, "date_of(day of %s) = %s\n", s, back);
		abort();
	}
	date_of((n + 1) * 86400 - 1, back);
	if (strcmp(back, s) != 0 || date_unix_day((n + 1) * 86400 - 1) != n) {
		fprintf(stderr, "the last second of %s is %s\n", s, back);
		abort();
	}
	/* Months later: a real day, in the right month, clamped. */
	if (moves_add_months(s, months, later) == 0) {
		int t = y * 12 + (m - 1) + months, ly = t / 12, lm = t % 12 + 1;
		int ld = d < ref_month_days(ly, lm) ? d : ref_month_days(ly, lm);
		char want[16];

		snprintf(want, sizeof(want), "%04d-%02d-%02d", ly, lm, ld);
		if (strcmp(later, want) != 0) {
			fprintf(stderr, "add_months(%s, %d) = %s, want %s\n",
			    s, months, later, want);
			abort();
		}
	} else if (y * 12 + m - 1 + months < 10000 * 12) {
		fprintf(stderr, "add_months(%s, %d) refused\n", s, months);
		abort();
	}
}

/* Ids: plain digits (leading zeros allowed), 1 to 2^53 (the last
 * multiplication may reach 2^53 + 7, never more); 0 when empty. */
static void
check_id(const char *s)
{
	const unsigned __int128 top = ((unsigned __int128)1 << 53) + 7;
	unsigned __int128 v = 0;
	int64_t got = form_id(s), want;
	size_t i, n = strlen(s);
	bool plain = true;

	for (i = 0; i < n; i++) {
		if (!digit(s[i]))
			plain = false;
		else if (v <= top)
			v = v * 10 + (unsigned)(s[i] - '0');
	}
	if (n == 0)
		want = 0;
	else if (!plain || v == 0 || v > top)
		want = -1;
	else
		want = (int64_t)v;
	if (got != want) {
		fprintf(stderr, "form_id(\"%s\") = %lld, want %lld\n", s,
		    (long long)got, (long long)want);
		abort();
	}
}

/*
 * Amounts typed in a form: in every language, what money_parse takes
 * ("1250.50") reads the same; whatever reads, reads within the limit and
 * as money_form_value() hands it on; what the pages write of it reads
 * back as the same amount.
 */
static void
check_money_form(const char *s)
{
	int64_t plain = -1, got, again;
	char text[MONEY_TEXT], value[MONEY_STR];
	bool is_plain = money_parse(s, &plain);
	int l;

	for (l = 0; l < LANG__MAX; l++) {
		bool ok;

		got = -1;
		ok = money_decimal_form(s, (enum lang)l, 2, MONEY_MAX, &got);
		if (is_plain && (!ok || got != plain)) {
			fprintf(stderr, "money_decimal_form(\"%s\", %d): %d %lld,"
			    " money_parse %lld\n", s, l, ok, (long long)got,
			    (long long)plain);
			abort();
		}
		if (!ok)
			continue;
		if (got < 0 || got > MONEY_MAX) {
			fprintf(stderr, "money_decimal_form(\"%s\", %d) = %lld "
			    "out of range\n", s, l, (long long)got);
			abort();
		}
		again = -1;
		money_form_value(s, (enum lang)l, 2, MONEY_MAX, value);
		if (!money_parse(value, &again) || again != got) {
			fprintf(stderr, "money_form_value(\"%s\", %d) = \"%s\", "
			    "not %lld\n", s, l, value, (long long)got);
			abort();
		}
		money_text(got, (enum lang)l, text);
		again = -1;
		if (!money_decimal_form(text, (enum lang)l, 2, MONEY_MAX,
		    &again) || again != got) {
			fprintf(stderr, "money_text(%lld, %d) = \"%s\" reads as "
			    "%lld\n", (long long)got, l, text, (long long)again);
			abort();
		}
	}
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	char *s;

	if (size < 1 || size > 64)
		return 0;
	s = malloc(size);
	if (s == NULL)
		return 0;
	memcpy(s, data + 1, size - 1);
	s[size - 1] = '\0';
	if (strlen(s) == size - 1) {
		switch (data[0] % 4) {
		case 0: check_money(s); break;
		case 1: check_date(s, data[0] / 4 * 5); break;
		case 2: check_id(s); break;
		default: check_money_form(s); break;
		}
	}
	free(s);
	return 0;
}
