/*
 * money.h - amounts as ctm reads and writes them: decimal text with at
 * most two decimals ("1250.50"), kept as integer hundredths.
 */
#ifndef CTM_MONEY_H
#define CTM_MONEY_H

#include "compat.h"

#include "i18n.h"

#define MONEY_STR 32
#define MONEY_TEXT 64	/* an amount as money_text() writes it */
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

/*
 * A decimal typed in a form by a user of lang, as money_decimal()
 * reads it: besides "1250.50", the language's own way, with its
 * decimal comma and thousands separators in groups of three (en
 * "2,720,505.26"; fr "2 720 505,26" with a space, no-break space or
 * narrow no-break space; es "2.720.505,26" or with spaces). Spaces
 * around are ignored. The only parser of typed amounts for the pages:
 * the JSON API takes money_decimal()'s form only.
 */
bool money_decimal_form(const char *s, enum lang lang, int scale,
    int64_t max, int64_t *out);
/*
 * typed as money_decimal_form() reads it, rewritten as money_decimal()
 * takes it ("1250.50", scale decimals) into out; typed itself when it
 * does not read (the caller's check then refuses it with its message).
 * For a page to hand a form's amount to the code shared with the API.
 */
const char *money_form_value(const char *typed, enum lang lang, int scale,
    int64_t max, char out[MONEY_STR]);
/*
 * v (scaled by 10^scale) as a reader of lang writes it, with at least
 * min_decimals decimals (more only when not zero): en "2,720,505.26",
 * fr "2 720 505,26" (narrow no-break spaces), es "2.720.505,26". The one
 * function the pages show amounts and rates with.
 */
const char *money_text_scaled(int64_t v, int scale, int min_decimals,
    enum lang lang, char out[MONEY_TEXT]);
/* Hundredths as money_text_scaled() writes them, two decimals. */
const char *money_text(int64_t cents, enum lang lang, char out[MONEY_TEXT]);
/*
 * Every other number a page shows, in the same way: a count (en
 * "21,195", fr "21 195", es "21.195"), and a figure with one or two
 * fixed decimals (percentages "45,24", days "3,5"). v is scaled by
 * 10^scale. The CSV, XLSX and JSON answers keep plain numbers.
 */
const char *count_text(int64_t n, enum lang lang, char out[MONEY_TEXT]);
const char *fixed_text(int64_t v, int scale, enum lang lang,
    char out[MONEY_TEXT]);
/* An amount stored as money_format() wrote it, shown as money_text()
 * does; s itself when it is not one. */
const char *money_text_of(const char *s, enum lang lang,
    char out[MONEY_TEXT]);

#endif
