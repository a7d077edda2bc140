/*
 * catalogue.h - the fields of the case file and their code lists.
 *
 * Every case-file field is declared once, in catalogue.def; every value
 * list once, in codelist.def. This header turns them into enums and
 * tables: the database schema, validation, forms, JSON and exports all
 * iterate these instead of naming fields again.
 *
 * Values travel as strings, as in HTCDS exchange files:
 *   ""                 not recorded (never the same as any answer below)
 *   "Unknown", "NotAsked", "DeclinedToAnswer"
 *                      the special answers, valid for every field that is
 *                      neither FF_SYSTEM nor FF_NOSPECIAL
 *   FT_TEXT, FT_LONGTEXT, FT_EMAIL   UTF-8 text
 *   FT_INT             decimal digits, 0 to the field's max
 *   FT_DATE            "YYYY", "YYYY-MM" or "YYYY-MM-DD"
 *   FT_BOOL            "Yes" or "No" (list CL_YESNO)
 *   FT_CODE            one code of the field's list
 *   FT_COUNTRY         ISO 3166-1 alpha-2, upper case ("TH")
 *   FT_LANGUAGE        ISO 639-3 ("tir") or ISO 639-1 ("ti"), lower case
 *   FT_CODES, FT_COUNTRIES, FT_PHONES
 *                      several values joined by ';' without spaces
 *                      ("Facebook;WhatsApp"); each at most once; a special
 *                      answer stands alone
 *   FT_PHONES          each E.164: '+' and 8 to 15 digits ("+66812345678")
 *
 * Everything here is immutable after start-up and safe from any thread.
 * Labels and messages are translated with _() in the calling thread's
 * language (see i18n.h).
 */
#ifndef CTM_CATALOGUE_H
#define CTM_CATALOGUE_H

#include "compat.h"

enum field_type {
	FT_TEXT,	/* one line */
	FT_LONGTEXT,	/* several lines */
	FT_INT,
	FT_DATE,	/* partial dates allowed */
	FT_BOOL,
	FT_CODE,
	FT_CODES,
	FT_COUNTRY,
	FT_COUNTRIES,
	FT_LANGUAGE,
	FT_PHONES,
	FT_EMAIL,
	FT__MAX
};

/* Field flags. */
#define FF_IDENTIFYING	0x01u	/* identifies the person: encrypted at rest */
#define FF_REQUIRED	0x02u	/* may not be empty */
#define FF_SYSTEM	0x04u	/* set by ctm, never by a form */
#define FF_NOSPECIAL	0x08u	/* a fact of the office, not a question put
				   to the person: no special answers */
#define FF_ORGNAME	0x10u	/* names an organisation: the form offers
				   the registry's names, any text stays
				   valid (HTCDS keeps it as text) */

enum section {
	SEC_PERSON,		/* prs_ */
	SEC_VICTIM,		/* vic_ */
	SEC_IDENT,		/* idn_ */
	SEC_CASE,		/* cas_ */
	SEC_EVENT,		/* hte_, a list */
	SEC_PERPETRATOR,	/* per_, a list */
	SEC_REFERRAL,		/* ref_, a list */
	SEC_COMMENT,		/* com_, a list */
	SEC_CONSENT,		/* con_, a list */
	SEC__MAX
};

enum codelist {
	CL_NONE = -1,
#define LIST(id, name) id,
#define CODE(list, code, label)
#include "codelist.def"
#undef LIST
#undef CODE
	CL__MAX
};

enum field_id {
#define FIELD(id, ...) id,
#include "catalogue.def"
#undef FIELD
	F__MAX
};

struct field_def {
	enum field_id id;
	const char *name;	/* "prs_FirstName": HTCDS name or ctm's */
	enum field_type type;
	enum codelist list;	/* CL_NONE unless FT_CODE, FT_CODES, FT_BOOL */
	enum section section;
	unsigned flags;		/* FF_* */
	const char *label;	/* English; show it through _() */
	int64_t max;		/* see catalogue.def */
};

struct section_def {
	enum section id;
	const char *name;	/* "person": key in JSON and URLs */
	const char *prefix;	/* "prs_" */
	const char *label;	/* English; show it through _() */
	bool repeated;		/* a list of rows (events, perpetrators...) */
};

struct code_def {
	enum codelist list;
	const char *code;	/* "Feminine": stored and exchanged */
	const char *label;	/* English; code_label() translates */
};

/* The separator of multi-value fields. */
#define FIELD_MULTI_SEP ';'

/* The special answers. */
#define ANSWER_UNKNOWN		"Unknown"
#define ANSWER_NOT_ASKED	"NotAsked"
#define ANSWER_DECLINED		"DeclinedToAnswer"

enum special_answer {
	SA_UNKNOWN,
	SA_NOT_ASKED,
	SA_DECLINED,
	SA__MAX
};

/* Valid ids only (a bad one is a bug: NULL, and abort in tests). */
const struct field_def *field_get(enum field_id id);
/* The field called htcds_name (case-sensitive), or -1. Untrusted input. */
int field_by_name(const char *htcds_name);
/* Whether value may be a special answer for this field. */
bool field_allows_special(const struct field_def *f);

const struct section_def *section_get(enum section s);
/* -1 for an unknown name. */
int section_by_name(const char *name);

/* "gender"; NULL for CL_NONE or out of range. */
const char *codelist_name(enum codelist cl);
/* -1 for an unknown name. */
int codelist_by_name(const char *name);
/*
 * The codes of cl in display order: returns the first and sets *n to the
 * count (0 and NULL for CL_NONE). Static storage: never free.
 */
const struct code_def *codelist_codes(enum codelist cl, size_t *n);
/* Whether code (untrusted, may be NULL) is one of cl's codes. */
bool code_valid(enum codelist cl, const char *code);
/* The translated label of code in cl; NULL if it is not one. */
const char *code_label(enum codelist cl, const char *code);

/* The special answer value is, or -1 (also for NULL and ""). */
int special_answer(const char *value);
/* "Unknown", "NotAsked", "DeclinedToAnswer". */
const char *special_answer_code(enum special_answer a);
/* The translated label ("Not asked"); NULL when value is no special answer. */
const char *special_answer_label(const char *value);

/*
 * Checks one value of field f. value is untrusted and may be NULL (same as
 * ""); a blank value (white space only, zero-width spaces too: input.h)
 * is the same as "" too, and the caller stores none. today_unix is the
 * current time, for "not in the future" (dates are compared as UTC
 * calendar days). Returns NULL when the value is
 * acceptable, else a message in the calling thread's language that never
 * quotes the value. The message is static or, when it carries a number,
 * in a per-thread buffer valid until the next call in that thread.
 * Countries and languages need isocodes_load() first.
 */
const char *field_validate(const struct field_def *f, const char *value,
    int64_t today_unix);

/*
 * A date as FT_DATE stores it: month and day are 0 when not given.
 * partial_date_parse() checks the shape and that the date exists (not
 * the future): 0, or -1 for anything else.
 */
struct partial_date {
	int year;
	int month;
	int day;
};
int partial_date_parse(const char *s, struct partial_date *out);
/* The first and the last day the date may mean, as days since
 * 1970-01-01 ("2026-02" spans 2026-02-01 to 2026-02-28): compare these to
 * tell "certainly before" from "maybe before". */
int64_t partial_date_first_day(const struct partial_date *d);
int64_t partial_date_last_day(const struct partial_date *d);

/*
 * The whole years from `from` to `to` as the partial dates allow them: at
 * least *lo, at most *hi (a year is 365.25 days; a day or so near a
 * birthday can fall either way).
 */
void partial_date_years(const struct partial_date *from,
    const struct partial_date *to, int64_t *lo, int64_t *hi);

/*
 * The ISIC section code (of CL_ISIC_SECTION) that an ISIC division code
 * (of CL_ISIC_DIVISION) belongs to, for the check that
 * vic_ForcedLabourIndustryDivision lies within vic_ForcedLabourIndustry;
 * NULL if division is not a division code.
 */
const char *isic_division_section(const char *division);

#endif
