#include "compat.h"

#include <string.h>
#include <time.h>

#include "date.h"

int
date_month_days(int y, int m)
{
	static const int days[12] = { 31, 28, 31, 30, 31, 30, 31, 31, 30, 31,
	    30, 31 };
	bool leap = (y % 4 == 0 && y % 100 != 0) || y % 400 == 0;

	if (m < 1 || m > 12)
		return 0;
	return days[m - 1] + (m == 2 && leap);
}

bool
date_parse(const char *d, int *y, int *m, int *dd)
{
	int i;

	if (d == NULL || strlen(d) != 10 || d[4] != '-' || d[7] != '-')
		return false;
	for (i = 0; i < 10; i++)
		if (i != 4 && i != 7 && (d[i] < '0' || d[i] > '9'))
			return false;
	*y = (d[0] - '0') * 1000 + (d[1] - '0') * 100 + (d[2] - '0') * 10 +
	    (d[3] - '0');
	*m = (d[5] - '0') * 10 + (d[6] - '0');
	*dd = (d[8] - '0') * 10 + (d[9] - '0');
	return *y >= 1900 && *dd >= 1 && *dd <= date_month_days(*y, *m);
}

bool
date_valid(const char *d)
{
	int y, m, dd;

	return date_parse(d, &y, &m, &dd);
}

/* Proleptic Gregorian calendar arithmetic after H. Hinnant's
 * days_from_civil: exact for days before 1970 too. */
int64_t
date_days_from_civil(int64_t y, int m, int d)
{
	int64_t era, yoe, doy, doe;

	y -= m <= 2;
	era = (y >= 0 ? y : y - 399) / 400;
	yoe = y - era * 400;
	doy = (153 * (m > 2 ? m - 3 : m + 9) + 2) / 5 + d - 1;
	doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
	return era * 146097 + doe - 719468;
}

int64_t
date_unix_day(int64_t t)
{
	return t >= 0 ? t / 86400 : -((-t + 86399) / 86400);
}

int64_t
date_day_number(const char *d)
{
	int y, m, dd;

	if (!date_parse(d, &y, &m, &dd))
		return DATE_NONE;
	return date_days_from_civil(y, m, dd);
}

void
date_of(int64_t t, char out[DATE_SIZE])
{
	time_t tt = (time_t)t;
	struct tm tm;

	gmtime_r(&tt, &tm);
	strftime(out, DATE_SIZE, "%Y-%m-%d", &tm);
}

void
time_iso(int64_t t, char out[TIME_ISO_SIZE])
{
	time_t tt = (time_t)t;
	struct tm tm;

	gmtime_r(&tt, &tm);
	strftime(out, TIME_ISO_SIZE, "%Y-%m-%dT%H:%M:%SZ", &tm);
}

json_t *
time_iso_json(int64_t t)
{
	char s[TIME_ISO_SIZE];

	time_iso(t, s);
	return json_string(s);
}

bool
time_iso_parse(const char *s, int64_t *t)
{
	struct tm tm;
	const char *end;

	if (s == NULL)
		return false;
	memset(&tm, 0, sizeof(tm));
	end = strptime(s, "%Y-%m-%dT%H:%M:%S", &tm);
	if (end == NULL) {
		memset(&tm, 0, sizeof(tm));
		end = strptime(s, "%Y-%m-%d", &tm);
	}
	if (end && *end == '.') {
		end++;
		while (*end >= '0' && *end <= '9')
			end++;
	}
	if (end == NULL || (*end && strcmp(end, "Z") != 0))
		return false;
	*t = (int64_t)timegm(&tm);
	return true;
}
