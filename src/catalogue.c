/*
 * catalogue.c - tables built from catalogue.def and codelist.def, and the
 * validation of one field value.
 */
#include "compat.h"

#include "catalogue.h"
#include "date.h"
#include "http.h"
#include "i18n.h"
#include "input.h"
#include "money.h"
#include "isocodes.h"

/* Longest value field_validate() looks at, whatever the field says:
 * anything longer is refused before it is scanned. */
#define VALUE_HARD_MAX (256 * 1024)

/* The earliest year a date may have. */
#define DATE_MIN_YEAR 1900

static const struct field_def fields[F__MAX] = {
#define FIELD(id_, name_, type_, list_, sec_, flags_, label_, max_) \
	[id_] = { id_, name_, type_, list_, sec_, flags_, label_, max_ },
#include "catalogue.def"
#undef FIELD
};

static const struct section_def sections[SEC__MAX] = {
	[SEC_PERSON] = { SEC_PERSON, "person", "prs_", N_("Person"), false },
	[SEC_VICTIM] = { SEC_VICTIM, "victim", "vic_", N_("Victim context"), false },
	[SEC_IDENT] = { SEC_IDENT, "identification", "idn_", N_("Identification"), false },
	[SEC_CASE] = { SEC_CASE, "case", "cas_", N_("Case"), false },
	[SEC_EVENT] = { SEC_EVENT, "events", "hte_", N_("Trafficking process"), true },
	[SEC_PERPETRATOR] = { SEC_PERPETRATOR, "perpetrators", "per_", N_("Perpetrators"), true },
	[SEC_REFERRAL] = { SEC_REFERRAL, "referrals", "ref_", N_("Referrals"), true },
	[SEC_COMMENT] = { SEC_COMMENT, "comments", "com_", N_("Comments"), true },
	[SEC_CONSENT] = { SEC_CONSENT, "consent", "con_", N_("Consent"), true },
};

static const char *const list_names[CL__MAX] = {
#define LIST(id, name) [id] = name,
#define CODE(list, code, label)
#include "codelist.def"
#undef LIST
#undef CODE
};

static const struct code_def codes[] = {
#define LIST(id, name)
#define CODE(list, code, label) { list, code, label },
#include "codelist.def"
#undef LIST
#undef CODE
};

static const char *const special_codes[SA__MAX] = {
	[SA_UNKNOWN] = ANSWER_UNKNOWN,
	[SA_NOT_ASKED] = ANSWER_NOT_ASKED,
	[SA_DECLINED] = ANSWER_DECLINED,
};

static const char *const special_labels[SA__MAX] = {
	[SA_UNKNOWN] = N_("Unknown"),
	[SA_NOT_ASKED] = N_("Not asked"),
	[SA_DECLINED] = N_("Declined to answer"),
};

/* For messages that carry a number. */
static _Thread_local char msgbuf[256];

/* --- fields and sections --- */

const struct field_def *
field_get(enum field_id id)
{
	if (NEVER((int)id < 0 || id >= F__MAX))
		return NULL;
	return &fields[id];
}

int
field_by_name(const char *name)
{
	int i;

	if (name == NULL)
		return -1;
	for (i = 0; i < F__MAX; i++)
		if (strcmp(fields[i].name, name) == 0)
			return i;
	return -1;
}

bool
field_allows_special(const struct field_def *f)
{
	return f != NULL && (f->flags & (FF_SYSTEM | FF_NOSPECIAL)) == 0;
}

const struct section_def *
section_get(enum section s)
{
	if (NEVER((int)s < 0 || s >= SEC__MAX))
		return NULL;
	return &sections[s];
}

int
section_by_name(const char *name)
{
	int i;

	if (name == NULL)
		return -1;
	for (i = 0; i < SEC__MAX; i++)
		if (strcmp(sections[i].name, name) == 0)
			return i;
	return -1;
}

/* --- code lists --- */

const char *
codelist_name(enum codelist cl)
{
	if ((int)cl < 0 || cl >= CL__MAX)
		return NULL;
	return list_names[cl];
}

int
codelist_by_name(const char *name)
{
	int i;

	if (name == NULL)
		return -1;
	for (i = 0; i < CL__MAX; i++)
		if (strcmp(list_names[i], name) == 0)
			return i;
	return -1;
}

/*
 * The codes of a list are contiguous in codes[] (codelist.def keeps them
 * under their LIST line and the unit test checks it), so a list is the
 * run that starts at its first code. A few hundred entries: a scan costs
 * less than building an index.
 */
const struct code_def *
codelist_codes(enum codelist cl, size_t *n)
{
	size_t i, k;

	*n = 0;
	if ((int)cl < 0 || cl >= CL__MAX)
		return NULL;
	for (i = 0; i < ARRAY_SIZE(codes); i++)
		if (codes[i].list == cl)
			break;
	if (i == ARRAY_SIZE(codes))
		return NULL;
	for (k = i; k < ARRAY_SIZE(codes) && codes[k].list == cl; k++)
		;
	*n = k - i;
	return &codes[i];
}

static const struct code_def *
code_find(enum codelist cl, const char *code, size_t len)
{
	const struct code_def *c;
	size_t i, n;

	if (code == NULL)
		return NULL;
	c = codelist_codes(cl, &n);
	for (i = 0; i < n; i++)
		if (strlen(c[i].code) == len && memcmp(c[i].code, code, len) == 0)
			return &c[i];
	return NULL;
}

bool
code_valid(enum codelist cl, const char *code)
{
	return code != NULL && code_find(cl, code, strlen(code)) != NULL;
}

const char *
code_label(enum codelist cl, const char *code)
{
	const struct code_def *c;

	if (code == NULL || (c = code_find(cl, code, strlen(code))) == NULL)
		return NULL;
	return _(c->label);
}

/* --- special answers --- */

static int
special_find(const char *v, size_t len)
{
	int i;

	for (i = 0; i < SA__MAX; i++)
		if (strlen(special_codes[i]) == len &&
		    memcmp(special_codes[i], v, len) == 0)
			return i;
	return -1;
}

int
special_answer(const char *value)
{
	return value == NULL ? -1 : special_find(value, strlen(value));
}

const char *
special_answer_code(enum special_answer a)
{
	if ((int)a < 0 || a >= SA__MAX)
		return NULL;
	return special_codes[a];
}

const char *
special_answer_label(const char *value)
{
	int a = special_answer(value);

	return a < 0 ? NULL : _(special_labels[a]);
}

/* --- dates --- */

enum date_check {
	DATE_OK,
	DATE_SHAPE,	/* not YYYY, YYYY-MM or YYYY-MM-DD */
	DATE_TOO_EARLY,
	DATE_NONEXISTENT,
};

static int
digits(const char *s, int n)
{
	int i, v = 0;

	for (i = 0; i < n; i++) {
		if (s[i] < '0' || s[i] > '9')
			return -1;
		v = v * 10 + (s[i] - '0');
	}
	return v;
}

static enum date_check
date_check(const char *s, struct partial_date *out)
{
	size_t len = strlen(s);
	struct partial_date d = { 0, 0, 0 };

	if (len != 4 && len != 7 && len != 10)
		return DATE_SHAPE;
	if ((d.year = digits(s, 4)) < 0)
		return DATE_SHAPE;
	if (len >= 7 && (s[4] != '-' || (d.month = digits(s + 5, 2)) < 0))
		return DATE_SHAPE;
	if (len == 10 && (s[7] != '-' || (d.day = digits(s + 8, 2)) < 0))
		return DATE_SHAPE;
	if (d.year < DATE_MIN_YEAR)
		return DATE_TOO_EARLY;
	if (len >= 7 && (d.month < 1 || d.month > 12))
		return DATE_NONEXISTENT;
	if (len == 10 && (d.day < 1 || d.day > date_month_days(d.year, d.month)))
		return DATE_NONEXISTENT;
	*out = d;
	return DATE_OK;
}

int
partial_date_parse(const char *s, struct partial_date *out)
{
	if (s == NULL)
		return -1;
	return date_check(s, out) == DATE_OK ? 0 : -1;
}

int64_t
partial_date_first_day(const struct partial_date *d)
{
	return date_days_from_civil(d->year, d->month ? d->month : 1,
	    d->day ? d->day : 1);
}

int64_t
partial_date_last_day(const struct partial_date *d)
{
	int m = d->month ? d->month : 12;

	return date_days_from_civil(d->year, m,
	    d->day ? d->day : date_month_days(d->year, m));
}

/* --- validators, one per type; v is non-empty, valid UTF-8 --- */

static const char *
too_long(int64_t max)
{
	char n[MONEY_TEXT];

	snprintf(msgbuf, sizeof(msgbuf), P_("Enter at most %s character.",
	    "Enter at most %s characters.", max), count_text(max,
	    i18n_current(), n));
	return msgbuf;
}

static const char *
check_text(const struct field_def *f, const char *v, bool multiline)
{
	const unsigned char *p;

	for (p = (const unsigned char *)v; *p; p++) {
		if (multiline && (*p == '\n' || *p == '\r' || *p == '\t'))
			continue;
		/* C0 controls, DEL, and C1 controls (U+0080-U+009F) */
		if (*p < 0x20 || *p == 0x7F ||
		    (p[0] == 0xC2 && p[1] >= 0x80 && p[1] <= 0x9F))
			return multiline ?
			    _("The text contains control characters.") :
			    _("The text must be one line without control characters.");
	}
	if (f->max > 0 && (int64_t)input_chars(v) > f->max)
		return too_long(f->max);
	return NULL;
}

static const char *
check_int(const struct field_def *f, const char *v)
{
	const char *p = v;
	int64_t n = 0;

	if (*p == '-' && p[1] >= '0' && p[1] <= '9')
		goto range;
	for (; *p; p++) {
		if (*p < '0' || *p > '9')
			return _("Enter a whole number.");
		if (n > (INT64_MAX - 9) / 10)
			goto range;
		n = n * 10 + (*p - '0');
	}
	if (n <= f->max)
		return NULL;
range:
	snprintf(msgbuf, sizeof(msgbuf), _("Enter a number from 0 to %lld."),
	    (long long)f->max);
	return msgbuf;
}

static const char *
check_date(const char *v, int64_t today_unix)
{
	struct partial_date d;

	switch (date_check(v, &d)) {
	case DATE_OK:
		break;
	case DATE_SHAPE:
		return _("Enter a date as YYYY-MM-DD, or YYYY-MM or YYYY if the day or month is not known.");
	case DATE_TOO_EARLY:
		snprintf(msgbuf, sizeof(msgbuf),
		    _("Enter a year from %d on."), DATE_MIN_YEAR);
		return msgbuf;
	case DATE_NONEXISTENT:
		return _("This date does not exist.");
	}
	if (partial_date_first_day(&d) > date_unix_day(today_unix))
		return _("This date is in the future.");
	return NULL;
}

static bool
phone_valid(const char *s, size_t len)
{
	size_t i;

	if (len < 9 || len > 16 || s[0] != '+' || s[1] < '1' || s[1] > '9')
		return false;
	for (i = 1; i < len; i++)
		if (s[i] < '0' || s[i] > '9')
			return false;
	return true;
}

static bool
email_local_char(unsigned char c)
{
	if (c >= 0x80)
		return true;	/* UTF-8 (RFC 6531) */
	if (c <= 0x20 || c == 0x7F)
		return false;
	return strchr("\"(),:;<>@[\\]", c) == NULL;
}

/*
 * The shape of an address, not its deliverability: local@domain, the
 * local part without spaces, quotes or specials and no empty dot-atoms,
 * the domain two or more labels of letters, digits and hyphens (or
 * UTF-8), not starting or ending with '-', the last one not all digits.
 */
static bool
email_valid(const char *s)
{
	const char *at = strchr(s, '@'), *p, *label;
	size_t local;
	bool alldigits;
	int labels = 0;

	if (at == NULL || strchr(at + 1, '@') != NULL)
		return false;
	local = (size_t)(at - s);
	if (local == 0 || local > 64 || s[0] == '.' || at[-1] == '.')
		return false;
	for (p = s; p < at; p++)
		if (!email_local_char((unsigned char)*p) ||
		    (p[0] == '.' && p[1] == '.'))
			return false;
	if (strlen(at + 1) > 253)
		return false;
	label = at + 1;
	for (;;) {
		size_t n = 0;

		alldigits = true;
		for (p = label; *p && *p != '.'; p++, n++) {
			unsigned char c = (unsigned char)*p;

			if (!(c >= 0x80 || (c >= 'a' && c <= 'z') ||
			    (c >= 'A' && c <= 'Z') ||
			    (c >= '0' && c <= '9') || c == '-'))
				return false;
			if (c < '0' || c > '9')
				alldigits = false;
		}
		if (n == 0 || n > 63 || label[0] == '-' || p[-1] == '-')
			return false;
		labels++;
		if (*p == '\0')
			break;
		label = p + 1;
	}
	return labels >= 2 && !alldigits;
}

/* One item of a multi-value field, NUL-terminated into buf. */
static const char *
check_item(const struct field_def *f, const char *item, size_t len)
{
	char buf[16];

	switch (f->type) {
	case FT_CODES:
		if (code_find(f->list, item, len) == NULL)
			return _("Choose values from the list.");
		return NULL;
	case FT_COUNTRIES:
		if (len >= sizeof(buf))
			return _("Unknown country code.");
		memcpy(buf, item, len);
		buf[len] = '\0';
		return country_valid(buf) ? NULL : _("Unknown country code.");
	case FT_PHONES:
		return phone_valid(item, len) ? NULL :
		    _("Enter each phone number in international format: + and 8 to 15 digits, without spaces, e.g. +66812345678.");
	default:
		break;
	}
	return NEVER(1) ? _("Invalid value.") : NULL;
}

/*
 * A ';'-joined list: no empty items, no item twice, no special answer
 * among other values (a lone special answer never reaches here).
 */
static const char *
check_multi(const struct field_def *f, const char *v)
{
	const char *p = v, *q, *msg;
	size_t len;

	if (f->max > 0 && (int64_t)strlen(v) > f->max)
		return too_long(f->max);
	for (;;) {
		const char *end = strchr(p, FIELD_MULTI_SEP);

		len = end ? (size_t)(end - p) : strlen(p);
		if (len == 0)
			return _("Separate values with a single ';'.");
		if (special_find(p, len) >= 0 && field_allows_special(f))
			return _("Unknown, not asked and declined to answer cannot be combined with other answers.");
		if ((msg = check_item(f, p, len)) != NULL)
			return msg;
		/* Compare with every earlier item. */
		for (q = v; q < p;) {
			const char *qe = strchr(q, FIELD_MULTI_SEP);
			size_t ql = (size_t)(qe - q);

			if (ql == len && memcmp(q, p, len) == 0)
				return _("A value is listed twice.");
			q = qe + 1;
		}
		if (end == NULL)
			break;
		p = end + 1;
	}
	return NULL;
}

const char *
field_validate(const struct field_def *f, const char *v, int64_t today_unix)
{
	size_t len;

	if (NEVER(f == NULL))
		return _("Invalid value.");
	if (v == NULL)
		v = "";
	len = strlen(v);
	if (len == 0)
		return f->flags & FF_REQUIRED ? _("This field is required.") : NULL;
	if (len > VALUE_HARD_MAX)
		return too_long(f->max > 0 && f->type != FT_INT ? f->max :
		    VALUE_HARD_MAX);
	if (!utf8_valid(v, len))
		return _("The text contains invalid characters.");
	/* White space alone (zero-width spaces too) is no value, as
	 * everywhere else (input.h): the caller stores nothing. */
	if (input_blank(v))
		return f->flags & FF_REQUIRED ? _("This field is required.") :
		    NULL;
	if (field_allows_special(f) && special_answer(v) >= 0)
		return NULL;

	switch (f->type) {
	case FT_TEXT:
		return check_text(f, v, false);
	case FT_LONGTEXT:
		return check_text(f, v, true);
	case FT_INT:
		return check_int(f, v);
	case FT_DATE:
		return check_date(v, today_unix);
	case FT_BOOL:
		return code_valid(f->list, v) ? NULL : _("Answer yes or no.");
	case FT_CODE:
		return code_valid(f->list, v) ? NULL :
		    _("Choose a value from the list.");
	case FT_COUNTRY:
		return country_valid(v) ? NULL : _("Unknown country code.");
	case FT_LANGUAGE:
		return language_valid(v) ? NULL : _("Unknown language code.");
	case FT_CODES:
	case FT_COUNTRIES:
	case FT_PHONES:
		return check_multi(f, v);
	case FT_EMAIL:
		if (f->max > 0 && (int64_t)input_chars(v) > f->max)
			return too_long(f->max);
		return email_valid(v) ? NULL :
		    _("Enter an e-mail address such as name@example.org.");
	case FT__MAX:
		break;
	}
	return NEVER(1) ? _("Invalid value.") : NULL;
}

/* --- ISIC --- */

const char *
isic_division_section(const char *division)
{
	/* The first division of each section, A to U (ISIC Rev.4). */
	static const int first[] = {
		1, 5, 10, 35, 36, 41, 45, 49, 55, 58, 64,
		68, 69, 77, 84, 85, 86, 90, 94, 97, 99,
	};
	const struct code_def *c;
	size_t i, n;
	int d, s = -1;

	if (!code_valid(CL_ISIC_DIVISION, division))
		return NULL;
	d = (division[0] - '0') * 10 + (division[1] - '0');
	for (i = 0; i < ARRAY_SIZE(first) && first[i] <= d; i++)
		s = (int)i;
	if (NEVER(s < 0))
		return NULL;
	c = codelist_codes(CL_ISIC_SECTION, &n);
	for (i = 0; i < n; i++)
		if (c[i].code[0] == 'A' + s)
			return c[i].code;
	return NULL;
}

void
partial_date_years(const struct partial_date *from,
    const struct partial_date *to, int64_t *lo, int64_t *hi)
{
	*lo = (partial_date_first_day(to) - partial_date_last_day(from)) * 100 /
	    36525;
	*hi = (partial_date_last_day(to) - partial_date_first_day(from)) * 100 /
	    36525;
}
