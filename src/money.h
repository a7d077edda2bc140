/*
 * money.h - amounts as ctm reads and writes them: decimal text with at
 * most two decimals ("1250.50"), kept as integer hundredths.
 */
#ifndef CTM_MONEY_H
#define CTM_MONEY_H

#include "compat.h"

#define MONEY_STR 32
#define MONEY_MAX INT64_C(100000000000000)	/* 1e12 units */

/*
 * Digits with at most scale decimals into an integer scaled by 10^scale:
 * no sign, no exponent, no leading zero but the one before a point
 * ("0.5"); false when malformed or above max.
 */
bool money_decimal(const char *s, int scale, int64_t max, int64_t *out);
/* An amount of 0 to MONEY_MAX with at most two decimals, in hundredths. */
bool money_parse(const char *s, int64_t *cents);
/* Hundredths as "1250.50" (a minus sign when negative). */
const char *money_format(int64_t cents, char out[MONEY_STR]);

#endif
