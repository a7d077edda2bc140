/*
 * caserec.h - the sealed records of a case (case_records), generically.
 *
 * A kind of record (a service, a shelter stay, a health record, …) is a
 * table of fields: name, type, code list, flags, and which clear column
 * of case_records (db.h) mirrors it for lists and counts. From that one
 * declaration follow validation with per-field messages, the JSON of the
 * API, the sealed body, the timeline step's detail (the code-list fields
 * and the amount: never text), the audit, and the HTML list and form.
 * What is particular to a kind (a shelter's capacity, consent to share
 * with the police, the high-risk mark) are hooks.
 *
 * At rest a record's fields are one JSON object sealed with the vault,
 * bound to "caserec:CASE:KIND", so a body copied to another case or kind
 * does not open. Writes run in one transaction with their timeline step
 * and audit row; a stale version is DB_CONFLICT.
 */
#ifndef CTM_CASEREC_H
#define CTM_CASEREC_H

#include <jansson.h>

#include "catalogue.h"
#include "date.h"
#include "html.h"
#include "http.h"

enum rf_type {
	RF_TEXT,	/* one line, up to 200 characters */
	RF_LONGTEXT,	/* up to 4000 characters */
	RF_DATE,	/* YYYY-MM-DD */
	RF_CODE,	/* one code of list */
	RF_CODES,	/* an array of distinct codes of list */
	RF_ORG,		/* an organisation's id */
	RF_SHELTER,	/* a shelter's id, of the case's office */
	RF_MONEY,	/* "123.45": at most 2 decimals, kept in hundredths */
	RF_CURRENCY,	/* ISO 4217 */
	RF__MAX
};

#define RFF_REQUIRED	0x01u
#define RFF_PAST	0x02u	/* a date not in the future */
#define RFF_FIXED	0x04u	/* set at creation, never changed */

/* The clear column of case_records that mirrors a field. */
enum rec_col {
	COL_NONE,
	COL_REF,
	COL_STATE,
	COL_D1,
	COL_D2,
	COL_AMOUNT,
	COL_CURRENCY,
};

struct rec_field {
	const char *name;		/* JSON key and form name */
	enum rf_type type;
	enum codelist list;		/* RF_CODE, RF_CODES */
	unsigned flags;			/* RFF_* */
	const char *label;		/* English; shown through _() */
	enum rec_col col;
	const char *not_before;		/* a date field this one may not
					   precede, or NULL */
	const char *const *org_types;	/* RF_ORG: allowed org_type codes,
					   NULL-terminated; NULL: any */
};

struct rec_kind;

/* What a hook sees. */
struct rec_ctx {
	struct req *r;
	const struct case_row *c;
	const struct rec_kind *k;
	int64_t id;			/* 0 while creating */
	json_t *old;			/* the record before, NULL on create */
	json_t *rec;			/* the checked record (borrowed) */
	json_t *errors;			/* field -> message; add to it */
	bool confirm;			/* the user confirmed a warning */
	const char *warning;		/* set by a hook to ask to confirm */
	const char *event;		/* timeline kind; a hook may change it */
	const char *on_date;		/* its day, if a hook knows better */
};

struct rec_kind {
	const char *name;		/* stored kind: "service" */
	const char *path;		/* in URLs: "services" */
	const char *label;		/* English plural, for headings */
	const char *one;		/* English singular, for forms */
	const char *add;		/* English title of the add form */
	const struct rec_field *fields;
	size_t nfields;
	const char *ev_add, *ev_update;	/* timeline kinds (events.def) */
	bool health;			/* restricted: cases_health_ok() only */
	bool append_only;		/* never changed once recorded */
	/*
	 * In the write's transaction, after the fields were checked and
	 * before the record is written: adds to x->errors, or sets
	 * x->warning when x->confirm is false. 0, or -1 on failure.
	 */
	int (*check)(struct rec_ctx *x);
	/* In the transaction, after the write (x->id set). 0 or -1. */
	int (*after)(struct rec_ctx *x);
};

/* Whether r's user may read (write false) or change records of kind k. */
bool caserec_allowed(const struct req *r, const struct rec_kind *k,
    bool write);

/*
 * Opens case case_id for records of kind k: refuses (403, audited) when
 * r may not, a page as cases_refuse_page() answers; 404 (audited) when
 * the case is missing or out of scope. 0 when c is loaded, 1 when
 * answered, -1.
 */
int caserec_open_case(struct req *r, const struct rec_kind *k, bool write,
    int64_t case_id, struct case_row *c);

/*
 * Creates a record of kind k on case c from in (untrusted JSON object of
 * field values) or changes record id at version (id > 0: in holds the
 * fields to change; besides them, "version", "confirm" and a shelter
 * stay's "over_capacity" may be there, of their JSON types). Unknown
 * members, wrong JSON types and bad values are all reported at once.
 * Returns 0 (the record's id in *id), 1 when the input
 * is at fault (*errors: field -> message, new ref; or *warning, a
 * translated message asking to confirm), 2 when the version is stale or
 * the record is append-only, 3 when record id is not one of case c's
 * of kind k (another case's or kind's: answer as a missing record), -1
 * on failure. Nothing is saved unless 0.
 */
int caserec_save(struct req *r, const struct rec_kind *k,
    const struct case_row *c, int64_t *id, int version, json_t *in,
    bool confirm, json_t **errors, const char **warning);

/*
 * Record id, of kind (a stored kind name; NULL: whichever it is, then in
 * row->kind), with its opened fields (*body, new ref). DB_OK, DB_NOTFOUND
 * (also for another kind: never opened), DB_ERROR. row->body is freed.
 */
int caserec_get(struct req *r, int64_t id, const char *kind,
    struct case_record *row, json_t **body);
/* Seals body into row and writes it (insert when row->id is 0), in the
 * caller's transaction. DB_OK, DB_CONFLICT, DB_ERROR. */
int caserec_write(struct req *r, const struct rec_kind *k,
    struct case_record *row, json_t *body);

/* A record as API JSON (new reference): its fields plus id, kind,
 * case_id, version, created_at, updated_at. */
json_t *caserec_json(const struct case_record *row, json_t *body);
/* The records of kind k of case c, oldest first (new ref) or NULL. */
json_t *caserec_list(struct req *r, const struct rec_kind *k,
    const struct case_row *c);

/* The page form's values as the JSON the API takes (new ref). */
json_t *caserec_from_form(struct req *r, const struct rec_kind *k);

/* A table of records (from caserec_list); edit_base (NULL: no links) is
 * the page the "Edit" links go to, with ?edit=ID. */
int caserec_html_list(struct req *r, struct html *h,
    const struct rec_kind *k, json_t *list, const char *edit_base);
/*
 * The add (values NULL or without "id") or edit form of kind k, posting to
 * action; values and errors as from caserec_from_form / caserec_save;
 * warning asks for the "confirm" checkbox.
 */
int caserec_html_form(struct req *r, struct html *h,
    const struct rec_kind *k, const struct case_row *c, const char *action,
    json_t *values, json_t *errors, const char *warning);

/* The text of a code field of a record ("" when absent). */
const char *caserec_str(json_t *rec, const char *key);
/* Today in UTC as YYYY-MM-DD. */
void caserec_today(const struct req *r, char out[11]);
/* Days since 1970-01-01 of a YYYY-MM-DD date (date_day_number()), or
 * DATE_NONE when it is none. */
int64_t caserec_day(const char *s);
/* The date of day n (days since 1970-01-01). */
void caserec_day_str(int64_t n, char out[11]);

#endif
