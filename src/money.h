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
 * Currencies (ISO 4217). Debian's iso-codes lists the codes but not
 * their minor units: the table is here, once.
 *
 * money_minor_units(): the decimals of currency alpha3 (untrusted, may
 * be NULL) as ISO 4217 gives them: 0 (JPY, KRW, VND, CLP, ISK, …), 3
 * (BHD, KWD, OMR, JOD, TND, LYD, IQD), 2 for the others; -1 for a code
 * that is no money one pays with (XXX "no currency", the metals XAU,
 * XAG, XPT, XPD, XDR and the other units of account, XTS for tests, the
 * fund codes BOV, CHE, CHW, CLF, COU, MXV, USN, UYI, UYW) or not shaped
 * as a code. Whether the code is in ISO 4217 at all is isocodes.h's
 * currency_valid().
 */
int money_minor_units(const char *alpha3);
/* Whether alpha3 is an ISO 4217 currency one pays with: currency_valid()
 * and money_minor_units() >= 0. */
bool money_currency_ok(const char *alpha3);
/*
 * The decimals ctm keeps of an amount of alpha3: its minor units, at
 * most two (amounts are kept in hundredths; a 3-decimal currency's
 * amounts are recorded to the hundredth). -1 as money_minor_units().
 */
int money_decimals(const char *alpha3);
/* Whether cents (hundredths) of alpha3 are written within the decimals
 * it has (no fraction for JPY): false for a code that is not money. */
bool money_fits(int64_t cents, const char *alpha3);
/* For an ISO 4217 code that money_minor_units() refuses (XXX, XAU, …):
 * a translated message saying so; NULL for any other code. */
const char *money_not_money_msg(const char *alpha3);
/* NULL when money_fits(cents, alpha3); else a translated message (an
 * amount with decimals in a currency without). */
const char *money_fits_msg(int64_t cents, const char *alpha3);

/*
 * Digits with at most scale decimals into an integer scaled by 10^scale:
 * no sign, no exponent, no leading zero but the one before a point
 * ("0.5"); false when malformed or above max.
 */
bool money_decimal(const char *s, int scale, int64_t max, int64_t *out);
/*
 * For an amount s (untrusted, may be NULL) that is refused: when it is
 * well written (digits, at most two decimals) but above max hundredths,
 * a translated message saying so and giving the largest amount taken
 * (in a per-thread buffer valid until the next call in that thread);
 * NULL otherwise, for the caller's own message.
 */
const char *money_too_large_msg(const char *s, int64_t max);
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
/* The max to give money_form_value() for an amount: whatever a form
 * can hold (15 digits before the point), so that the check the value is
 * handed to refuses one too large as too large (money_too_large_msg()),
 * not as unreadable. */
#define MONEY_FORM_MAX INT64_MAX
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
