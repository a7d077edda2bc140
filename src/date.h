/*
 * date.h - calendar days and instants as ctm writes them: days as
 * YYYY-MM-DD, instants as ISO 8601 UTC, both in UTC.
 */
#ifndef CTM_DATE_H
#define CTM_DATE_H

#include "compat.h"

#include <jansson.h>

#define DATE_SIZE 11		/* "YYYY-MM-DD" and its NUL */
#define TIME_ISO_SIZE 21	/* "YYYY-MM-DDTHH:MM:SSZ" and its NUL */

/* Whether d is a real calendar day written YYYY-MM-DD, 1900 to 9999. */
bool date_valid(const char *d);
/* The same, giving its year, month and day. */
bool date_parse(const char *d, int *y, int *m, int *dd);
/* Days in month m (1-12) of year y. */
int date_month_days(int y, int m);
/* What date_day_number() gives for a day that is not date_valid(). */
#define DATE_NONE INT64_MIN
/* Days since 1970-01-01 of day d (negative before it), or DATE_NONE
 * when d is not date_valid(). */
int64_t date_day_number(const char *d);
/* Days since 1970-01-01 of year y, month m (1-12), day d (1-31) of the
 * proleptic Gregorian calendar, for any year. */
int64_t date_days_from_civil(int64_t y, int m, int d);
/* The day (days since 1970-01-01, floored) of unix time t. */
int64_t date_unix_day(int64_t t);
/* The UTC day of unix time t. */
void date_of(int64_t t, char out[DATE_SIZE]);
/* Unix time t as YYYY-MM-DDTHH:MM:SSZ. */
void time_iso(int64_t t, char out[TIME_ISO_SIZE]);
/* The same as a JSON string (new reference). */
json_t *time_iso_json(int64_t t);
/* Reads "YYYY-MM-DDTHH:MM:SS" (fractional seconds and "Z" allowed, as
 * JavaScript's toISOString() writes) or "YYYY-MM-DD" as UTC into *t;
 * false when s is neither. */
bool time_iso_parse(const char *s, int64_t *t);

#endif
