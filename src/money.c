#include "compat.h"

#include <stdio.h>

#include "money.h"

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
