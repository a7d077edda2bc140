/*
 * db.h - ctm's storage interface. No SQL exists outside its backends.
 *
 * The default backend is SQLite (db_sqlite.c); a PostgreSQL backend will
 * implement this same header. Every function uses the calling thread's
 * own connection, opened on first use, so handlers on libmicrohttpd's
 * worker threads never share a connection.
 *
 * Return values: DB_OK (0) on success, DB_NOTFOUND when a looked-up row
 * does not exist, DB_CONFLICT when a unique key or an expected version
 * does not hold, DB_ERROR (-1) on failure (already logged, without
 * personal data). Structs are filled by the callee and owned by the
 * caller; strings are copied into fixed fields sized for their limits.
 */
#ifndef CTM_DB_H
#define CTM_DB_H

#include "compat.h"
#include "role.h"

enum {
	DB_ERROR = -1,
	DB_OK = 0,
	DB_NOTFOUND = 1,
	DB_CONFLICT = 2,
};

#define DB_CODE_MAX 16		/* office code, e.g. "BKK" */
#define DB_NAME_CHARS 127	/* an office's name, a region */
#define DB_NAME_MAX 512		/* DB_NAME_CHARS of UTF-8 and NUL */
#define DB_USERNAME_MAX 64
#define DB_HASH_MAX 128
#define DB_IP_MAX 64
#define DB_ACTION_MAX 48
#define DB_DETAIL_MAX 1024
#define DB_CASENO_MAX 40

struct db;

/* Opens (and with create, makes) the database at path and brings its
 * schema up to date. NULL on failure, with the reason logged. */
struct db *db_open(const char *path, bool create);
void db_close(struct db *db);
/* Schema version after migrations. */
int db_schema_version(struct db *db);

/* A transaction on the calling thread's connection. db_begin() takes
 * the write lock at once (BEGIN IMMEDIATE). */
int db_begin(struct db *db);
int db_commit(struct db *db);
void db_rollback(struct db *db);

/* --- offices --- */
struct office {
	int64_t id;
	char code[DB_CODE_MAX];
	char name[DB_NAME_MAX];
	char country[3];	/* ISO 3166-1 alpha-2 */
	bool hq;
};

int db_office_add(struct db *db, struct office *o);	/* sets o->id */
int db_office_get(struct db *db, int64_t id, struct office *o);
int db_office_by_code(struct db *db, const char *code, struct office *o);
int db_office_update(struct db *db, const struct office *o);
typedef int (*db_office_cb)(void *arg, const struct office *o);
/* Calls cb for each office by code; a non-zero return from cb stops. */
int db_office_list(struct db *db, db_office_cb cb, void *arg);

/* --- users --- */
struct user {
	int64_t id;
	char username[DB_USERNAME_MAX];
	enum role role;
	int64_t office_id;
	char office_code[DB_CODE_MAX];	/* filled by reads */
	char pwhash[DB_HASH_MAX];
	bool disabled;
	int lang;			/* enum lang, or -1 for none chosen */
	int failed_logins;
	int64_t locked_until;		/* unix seconds, 0 when not locked */
	int64_t created_at;
	bool health_access;		/* granted health records by an admin */
	bool case_access;		/* granted case files (role.h) */
};

int db_user_add(struct db *db, struct user *u);		/* sets u->id */
int db_user_get(struct db *db, int64_t id, struct user *u);
int db_user_by_name(struct db *db, const char *username, struct user *u);
typedef int (*db_user_cb)(void *arg, const struct user *u);
int db_user_list(struct db *db, db_user_cb cb, void *arg);
int db_user_set_password(struct db *db, int64_t id, const char *pwhash);
int db_user_set_disabled(struct db *db, int64_t id, bool disabled);
int db_user_set_lang(struct db *db, int64_t id, int lang);

/* Two-step verification of a user: the sealed secret, whether it is on
 * (a secret not yet confirmed is off), and the step of the last code
 * accepted. */
struct totp_row {
	int64_t user_id;
	unsigned char *secret;		/* malloc'd by reads */
	size_t len;
	bool active;
	int64_t last_step;
};
/* DB_NOTFOUND when the user has none. */
int db_totp_get(struct db *db, int64_t user_id, struct totp_row *t);
/* Sets the user's secret, on or off, with last_step 0 when off. */
int db_totp_put(struct db *db, int64_t user_id, const void *secret,
    size_t len, bool active, int64_t step, int64_t now);
/* Records step as the last one used if it is later than the last:
 * DB_NOTFOUND when it is not (a code used twice, even at once). */
int db_totp_use(struct db *db, int64_t user_id, int64_t step);
int db_totp_delete(struct db *db, int64_t user_id);
int db_user_set_role(struct db *db, int64_t id, enum role role,
    int64_t office_id);
int db_user_set_health_access(struct db *db, int64_t id, bool on);
/* Sets or clears the case access grant (role_case_grantable()). */
int db_user_set_case_access(struct db *db, int64_t id, bool on);
/* Counts a failed login; when the count reaches max_failures, locks the
 * account until now + lock_seconds and resets the count. */
int db_user_login_failed(struct db *db, int64_t id, int64_t now,
    int max_failures, int64_t lock_seconds);
/* Clears the failure count and lock after a good login. */
int db_user_login_ok(struct db *db, int64_t id);

/* --- sessions (the token itself is never stored, only its hash) --- */
struct session {
	char token_hash[65];
	int64_t user_id;
	char csrf[65];
	int64_t created_at;
	int64_t last_seen;
};

int db_session_add(struct db *db, const struct session *s);
int db_session_get(struct db *db, const char *token_hash, struct session *s);
int db_session_touch(struct db *db, const char *token_hash, int64_t now);
int db_session_delete(struct db *db, const char *token_hash);
int db_session_delete_user(struct db *db, int64_t user_id);
/* Deletes sessions idle since before idle_before or created before
 * created_before. */
int db_session_purge(struct db *db, int64_t idle_before,
    int64_t created_before);

/* --- cases --- */
enum case_status {
	CASE_ACTIVE,
	CASE_FOLLOWUP,
	CASE_CLOSED,
	CASE_CLOSED_REFERRED,
	CASE_STATUS__MAX
};

struct case_row {
	int64_t id;
	char number[DB_CASENO_MAX];	/* e.g. BKK-2026-000042 */
	int64_t office_id;
	char office_code[DB_CODE_MAX];
	enum case_status status;
	int64_t assigned_to;		/* user id, 0 when nobody */
	char assigned_username[DB_USERNAME_MAX];
	int64_t created_by;
	int64_t created_at;
	int64_t updated_at;
	int version;
	bool high_risk;		/* seen only by its assignee and managers */
	bool referred;		/* referred to headquarters: has a fund
				 * request (filled by reads) */
};

/* Creates a case in office_id numbered CODE-YEAR-NNNNNN with the next
 * sequence of that office and year; fills c (id, number, …). Runs in its
 * own transaction unless one is open. */
int db_case_create(struct db *db, int64_t office_id, int year,
    enum case_status status, int64_t assigned_to, int64_t created_by,
    int64_t now, struct case_row *c);
int db_case_get(struct db *db, int64_t id, struct case_row *c);

struct case_filter {
	int64_t office_id;	/* 0: every office */
	int status;		/* enum case_status, -1: any */
	int64_t assigned_to;	/* 0: anyone */
	/*
	 * Search (both NULL: no search). A case matches when its number
	 * starts with number_prefix (case-insensitive), or when its name
	 * index holds all ntokens tokens of tokens_json (a JSON array of
	 * blind-index tokens).
	 */
	const char *number_prefix;
	const char *tokens_json;
	int ntokens;
	int64_t limit;
	int64_t offset;
	/* High-risk cases: 0 shows them all; a user id shows only those
	 * assigned to that user or in hr_office (0: none). */
	int64_t viewer;
	int64_t hr_office;
	/* Only the cases referred to headquarters (with a fund request). */
	bool referred_only;
	/* Most recently changed first, instead of newest first. */
	bool by_update;
};
typedef int (*db_case_cb)(void *arg, const struct case_row *c);
/* Newest first (by_update: changed last first); *total receives the
 * number of matching rows. */
int db_case_list(struct db *db, const struct case_filter *f, db_case_cb cb,
    void *arg, int64_t *total);
/* The cases matching f (its status ignored) per status, in one pass. */
int db_case_status_counts(struct db *db, const struct case_filter *f,
    int64_t counts[CASE_STATUS__MAX]);
/* Sets status and assignee if version still matches expected_version
 * (DB_CONFLICT otherwise) and bumps the version. */
int db_case_update(struct db *db, int64_t id, int expected_version,
    enum case_status status, int64_t assigned_to, int64_t now);

/* Marks a case high-risk or not (no version bump: the risk record
 * that decides it carries its own). */
int db_case_set_high_risk(struct db *db, int64_t id, bool on);

/*
 * Hands case id over to office to_office (assignee to, 0: nobody) and
 * records from_office as keeping history access to it, in one
 * transaction unless one is open; bumps the version.
 */
int db_case_move(struct db *db, int64_t id, int64_t from_office,
    int64_t to_office, int64_t assigned_to, int64_t now);
/* DB_OK when office_id keeps history access to case id (it handed the
 * case over), DB_NOTFOUND when not. */
int db_case_history_office(struct db *db, int64_t id, int64_t office_id);
/* The step of case id's timeline where office_id last handed it over
 * (the "transfer.accepted" of its latest handover from there), in
 * *event_id; 0 when it never did. */
int db_case_history_end(struct db *db, int64_t id, int64_t office_id,
    int64_t *event_id);

/*
 * --- the timeline of a case: its steps, append-only ---
 *
 * kind names the step ("case.created", "shelter.admitted",
 * "fund.approved", …); on_date the day it happened when that is not the
 * day it was recorded (NULL: at); detail a JSON object of codes and
 * amounts, never personal data. A restricted step (health) is shown only
 * to those who may read health records.
 */
#define DB_EVENT_KIND_MAX 48
struct case_event {
	int64_t id;
	int64_t case_id;
	int64_t at;
	char on_date[11];		/* YYYY-MM-DD or "" */
	int64_t user_id;		/* 0: the system */
	char username[DB_USERNAME_MAX];
	int64_t office_id;
	char office_code[DB_CODE_MAX];
	char kind[DB_EVENT_KIND_MAX];
	int64_t ref_id;			/* the record it concerns, 0: none */
	bool restricted;
	char detail[DB_DETAIL_MAX];
};
int db_event_add(struct db *db, const struct case_event *e);
typedef int (*db_event_cb)(void *arg, const struct case_event *e);
/* The steps of a case in the order they happened (on_date, else at). */
int db_event_list(struct db *db, int64_t case_id, db_event_cb cb,
    void *arg);

/* --- settings kept in the database --- */
#define DB_META_MAX 256
/* DB_NOTFOUND when key is not set. */
int db_meta_get(struct db *db, const char *key, char out[DB_META_MAX]);
int db_meta_set(struct db *db, const char *key, const char *value);

/* --- case files: opaque sealed bytes, encrypted by the caller --- */

/* The sealed case file of a case: *blob is malloc'd (free() it), NULL
 * with *len 0 when the case has no file yet. */
int db_casefile_get(struct db *db, int64_t case_id, unsigned char **blob,
    size_t *len);
/*
 * Stores the sealed file and the status if the case's version is still
 * expected_version, and bumps the version. DB_CONFLICT when it is not,
 * DB_NOTFOUND when there is no such case.
 */
int db_casefile_put(struct db *db, int64_t case_id, int expected_version,
    const void *blob, size_t len, enum case_status status, int64_t now);
/* Replaces the blind-index name tokens of a case (hex strings). */
int db_case_names_set(struct db *db, int64_t case_id,
    const char *const *tokens, size_t n);

/* --- perpetrators: persons that can be linked to several cases --- */
int db_perp_add(struct db *db, int64_t office_id, const void *blob,
    size_t len, int64_t now, int64_t *id);
int db_perp_update(struct db *db, int64_t id, const void *blob, size_t len,
    int64_t now);
/* *blob malloc'd. */
int db_perp_get(struct db *db, int64_t id, int64_t *office_id,
    unsigned char **blob, size_t *len);
/* The perpetrators linked to a case, in order: ids into ids[max]. */
int db_case_perps(struct db *db, int64_t case_id, int64_t *ids, size_t max,
    size_t *n);
/* Replaces the links of a case with ids, in that order. */
int db_case_perps_set(struct db *db, int64_t case_id, const int64_t *ids,
    size_t n);

/* --- audit (append-only: the schema refuses UPDATE and DELETE) --- */
struct audit_entry {
	int64_t id;
	int64_t at;
	int64_t user_id;		/* 0 when anonymous */
	char username[DB_USERNAME_MAX];	/* as typed, for failed logins */
	char ip[DB_IP_MAX];
	char action[DB_ACTION_MAX];	/* e.g. "case.view", "login.failed" */
	int64_t case_id;		/* 0 when none */
	char object[DB_NAME_MAX];	/* e.g. "user:12", "office:BKK" */
	char detail[DB_DETAIL_MAX];	/* JSON: field, old, new, … */
};

int db_audit_add(struct db *db, const struct audit_entry *e);

struct audit_filter {
	const char *username;	/* NULL: anyone */
	int64_t case_id;	/* 0: any */
	const char *action;	/* NULL: any; "case." matches a prefix */
	int64_t from, to;	/* unix seconds, 0: open */
	int64_t limit, offset;
};
typedef int (*db_audit_cb)(void *arg, const struct audit_entry *e);
int db_audit_list(struct db *db, const struct audit_filter *f,
    db_audit_cb cb, void *arg, int64_t *total);

/*
 * --- research datasets ---
 *
 * Named datasets imported from anonymised research files (CTDC's), kept
 * apart from the caseload: they hold no personal data. A dataset is
 * stored column by column in the storage form of dataset.h, with the
 * hashes of the files imported into it, so that a file imported twice is
 * noticed. Names are 1 to 63 characters of [A-Za-z0-9_.-].
 */
#define DB_DATASET_NAME_MAX 64
#define DB_DATASET_LAYOUT_MAX 32
#define DB_DATASET_HASH_MAX 129	/* hex of up to 64 bytes, NUL */

struct dataset;

struct dataset_info {
	int64_t id;
	char name[DB_DATASET_NAME_MAX];
	char layout[DB_DATASET_LAYOUT_MAX];	/* e.g. "vp-synthetic-2022" */
	char source_hash[DB_DATASET_HASH_MAX];	/* of the last file */
	int64_t rows;
	int64_t imported_at;			/* unix seconds */
	int64_t imports;			/* files imported into it */
};

/* Whether name is a valid dataset name. */
bool db_dataset_name_ok(const char *name);
/* DB_NOTFOUND when there is no dataset of that name. */
int db_dataset_get(struct db *db, const char *name, struct dataset_info *d);
/*
 * The dataset named name, read in one snapshot: *out is the caller's
 * (dataset_free()); NULL with DB_NOTFOUND or DB_ERROR.
 */
int db_dataset_load(struct db *db, const char *name, struct dataset **out);
/*
 * Stores ds as the whole content of dataset name (created if absent,
 * replaced otherwise) and records source_hash (NULL: none) as imported
 * into it. Earlier imports stay recorded unless layout differs from the
 * stored one, which starts the dataset afresh. DB_CONFLICT, with nothing
 * changed, when source_hash was imported into it already. Runs in its
 * own transaction unless one is open.
 */
int db_dataset_save(struct db *db, const char *name, const char *layout,
    const char *source_hash, const struct dataset *ds, int64_t now);
/* DB_OK when the file of hash source_hash was imported into dataset
 * name, DB_NOTFOUND when it was not (or there is no such dataset). */
int db_dataset_imported(struct db *db, const char *name,
    const char *source_hash);
typedef int (*db_dataset_cb)(void *arg, const struct dataset_info *d);
/* Calls cb for each dataset by name; a non-zero return from cb stops. */
int db_dataset_list(struct db *db, db_dataset_cb cb, void *arg);
/* Removes a dataset and its import records; DB_NOTFOUND if absent. */
int db_dataset_delete(struct db *db, const char *name);

/*
 * --- fund ---
 *
 * Headquarters' Global Assistance Fund: projects with a budget line per
 * currency, donors and the cases they assist; exchange rates against
 * USD by date; fund requests for a case, their decisions and
 * disbursements. Amounts are integer hundredths of the currency.
 * Justifications, reasons and notes are sealed by the caller and stored
 * as opaque bytes. The budget lines' CHECKs (committed <= budget,
 * disbursed <= committed) hold in the schema itself, and every change of
 * a line runs inside BEGIN IMMEDIATE.
 */
#define DB_FUND_LIMIT 3		/* a budget or commitment would be exceeded */
#define DB_CURRENCY_SIZE 4	/* "USD" and NUL */
#define DB_DATE_SIZE 11		/* "YYYY-MM-DD" and NUL */
#define DB_PROJECT_NAME_CHARS 300	/* a project's or a donor's name */
#define DB_PROJECT_NAME_MAX 1204	/* 300 characters of UTF-8 and NUL */
#define DB_PROJECT_TEXT_CHARS 1000	/* a project's target group */
#define DB_PROJECT_TEXT_MAX 4004	/* 1000 characters of UTF-8 and NUL */
#define DB_FUND_STATE_SIZE 16

struct project {
	int64_t id;
	char name[DB_PROJECT_NAME_MAX];
	char region[DB_NAME_MAX];
	char start[DB_DATE_SIZE];	/* "" when not set */
	char end[DB_DATE_SIZE];
	int64_t target;			/* beneficiaries, 0: none set */
	char target_group[DB_PROJECT_TEXT_MAX];
	char currency[DB_CURRENCY_SIZE];	/* of the main budget line */
	int64_t created_at;
	int64_t assisted;		/* cases assigned, filled by reads */
};

struct budget_line {
	int64_t project_id;
	char currency[DB_CURRENCY_SIZE];
	int64_t budget, committed, disbursed;
};

struct donor {
	int64_t id;
	int64_t project_id;
	char name[DB_PROJECT_NAME_MAX];
	int64_t amount;
	char currency[DB_CURRENCY_SIZE];
};

/* Adds project p (sets p->id) with its budget lines and donors, in one
 * transaction unless one is open. DB_CONFLICT when the name is taken or
 * two lines share a currency. */
int db_project_add(struct db *db, struct project *p,
    const struct budget_line *lines, size_t nlines,
    const struct donor *donors, size_t ndonors, int64_t by, int64_t now);
int db_project_get(struct db *db, int64_t id, struct project *p);
int db_project_by_name(struct db *db, const char *name, struct project *p);
typedef int (*db_project_cb)(void *arg, const struct project *p);
/* By name; a non-zero return from cb stops. */
int db_project_list(struct db *db, db_project_cb cb, void *arg);
typedef int (*db_budget_cb)(void *arg, const struct budget_line *b);
/* The lines of project_id (0: of every project, by project), by
 * currency. */
int db_project_budgets(struct db *db, int64_t project_id, db_budget_cb cb,
    void *arg);
/* DB_NOTFOUND when the project has no line in currency. */
int db_project_budget(struct db *db, int64_t project_id,
    const char *currency, struct budget_line *b);
/*
 * Changes the name, region, period, target and target group of project
 * p->id to p's: DB_NOTFOUND when there is none, DB_CONFLICT when another
 * project has the name.
 */
int db_project_update(struct db *db, const struct project *p);
/*
 * Sets the budget of project_id's line in currency (adding the line when
 * the project has none in it): DB_FUND_LIMIT when budget is below what
 * the line has committed, which is then left as it was. Meant to run in
 * the caller's transaction (db_begin()).
 */
int db_project_budget_set(struct db *db, int64_t project_id,
    const char *currency, int64_t budget);
/* Adds a donor's contribution to project d->project_id (sets d->id). */
int db_project_donor_add(struct db *db, struct donor *d);
typedef int (*db_donor_cb)(void *arg, const struct donor *d);
int db_project_donors(struct db *db, int64_t project_id, db_donor_cb cb,
    void *arg);
/* Assigns a case to a project: DB_OK, or DB_CONFLICT when it was
 * already. */
int db_project_case_add(struct db *db, int64_t project_id, int64_t case_id,
    int64_t by, int64_t now);
typedef int (*db_id_cb)(void *arg, int64_t id);
/* The cases of a project, oldest assignment first. */
int db_project_cases(struct db *db, int64_t project_id, db_id_cb cb,
    void *arg);
/* The projects of a case. */
int db_case_projects(struct db *db, int64_t case_id, db_id_cb cb, void *arg);

/* Units of currency per US dollar, in millionths, from valid_from on. */
struct fund_rate {
	char currency[DB_CURRENCY_SIZE];
	char valid_from[DB_DATE_SIZE];
	int64_t rate;
};
/* Adds the rate; DB_CONFLICT when the currency has one from that date
 * already, unless replace (then that one is replaced). */
int db_rate_set(struct db *db, const struct fund_rate *rt, bool replace,
    int64_t by, int64_t now);
/* The rate of currency from exactly valid_from; DB_NOTFOUND if none. */
int db_rate_get(struct db *db, const char *currency, const char *valid_from,
    int64_t *rate);
typedef int (*db_rate_cb)(void *arg, const struct fund_rate *rt);
/* By currency, newest first within a currency. */
int db_rate_list(struct db *db, db_rate_cb cb, void *arg);
/* The rate in force on date; DB_NOTFOUND when there is none yet. */
int db_rate_at(struct db *db, const char *currency, const char *date,
    int64_t *rate);

struct fund_request {
	int64_t id;
	int64_t case_id;
	char case_number[DB_CASENO_MAX];
	int64_t office_id;		/* the office that asked */
	char office_code[DB_CODE_MAX];
	char type[DB_FUND_STATE_SIZE];	/* code of CL_FUND_TYPE */
	int64_t amount;			/* asked */
	char currency[DB_CURRENCY_SIZE];
	char state[DB_FUND_STATE_SIZE];	/* submitted approved rejected
					   need-info */
	int64_t requested_by;
	char requested_username[DB_USERNAME_MAX];
	int64_t created_at;
	int64_t submitted_at;		/* the last (re)submission */
	int64_t decided_by;		/* the last decision, 0: none */
	char decided_username[DB_USERNAME_MAX];
	int64_t decided_at;
	int64_t project_id;		/* when approved */
	char project_name[DB_PROJECT_NAME_MAX];
	int64_t approved;		/* amount committed, 0: none */
	int64_t disbursed;
	/* the case as it is now, for scoping */
	int64_t case_office_id;
	int64_t case_assigned_to;
	bool case_high_risk;
};

/* Adds a submitted request (fills q->id) from q's case_id, office_id,
 * type, amount, currency and requested_by; submitted at now. */
int db_fund_request_add(struct db *db, struct fund_request *q,
    const void *justification, size_t jlen, int64_t now);
int db_fund_request_get(struct db *db, int64_t id, struct fund_request *q);
/* The sealed justification and last reason (malloc'd, free() them;
 * NULL with length 0 when absent). */
int db_fund_request_texts(struct db *db, int64_t id, unsigned char **just,
    size_t *jlen, unsigned char **reason, size_t *rlen);
struct fund_filter {
	int64_t case_id;	/* 0: any */
	int64_t office_id;	/* 0: any; the case's office now */
	const char *state;	/* NULL: any */
};
typedef int (*db_fund_request_cb)(void *arg, const struct fund_request *q);
/* Oldest submission first. */
int db_fund_request_list(struct db *db, const struct fund_filter *f,
    db_fund_request_cb cb, void *arg);
/* Puts a need-info request back in the queue with a new amount and
 * justification (jlen 0: keep it), waiting again: no decision, reason
 * or decider (its decisions keep them). DB_CONFLICT unless in
 * need-info. */
int db_fund_request_resubmit(struct db *db, int64_t id, int64_t amount,
    const void *just, size_t jlen, int64_t now);
/*
 * Decides a submitted request: decision "approve" (commits approved on
 * project_id's line in the request's currency), "reject" or "need-info";
 * stores the sealed reason and a row for the turnaround. DB_CONFLICT
 * when the request is not submitted, DB_NOTFOUND when the project has no
 * line in that currency, DB_FUND_LIMIT when the line's budget would be
 * exceeded; nothing changes then. In one transaction unless one is open.
 */
int db_fund_decide(struct db *db, int64_t id, const char *decision,
    int64_t approved, int64_t project_id, const void *reason, size_t rlen,
    int64_t by, int64_t now);

struct fund_disbursement {
	int64_t id;
	int64_t request_id;
	int64_t amount;
	char on_date[DB_DATE_SIZE];
	const unsigned char *note;	/* sealed, valid during the callback */
	size_t note_len;
	char username[DB_USERNAME_MAX];
	int64_t created_at;
};
/* Records a disbursement of an approved request against its
 * commitment. DB_CONFLICT when not approved, DB_FUND_LIMIT when the
 * commitment would be exceeded; sets *id. */
int db_fund_disburse(struct db *db, int64_t request_id, int64_t amount,
    const char *on_date, const void *note, size_t nlen, int64_t by,
    int64_t now, int64_t *id);
typedef int (*db_disbursement_cb)(void *arg,
    const struct fund_disbursement *d);
int db_fund_disbursements(struct db *db, int64_t request_id,
    db_disbursement_cb cb, void *arg);
/* One decision of a request, for its history. */
struct fund_decision {
	int64_t id;
	char decision[DB_FUND_STATE_SIZE];	/* approve reject need-info */
	int64_t amount;		/* approved, else asked then; 0: unknown */
	const unsigned char *reason;	/* sealed, valid during the callback */
	size_t reason_len;
	char username[DB_USERNAME_MAX];
	int64_t submitted_at, decided_at;
};
typedef int (*db_decision_cb)(void *arg, const struct fund_decision *d);
/* The decisions of a request, oldest first. */
int db_fund_decisions(struct db *db, int64_t request_id, db_decision_cb cb,
    void *arg);
/* One decision for the turnaround, with its case as it is now (for
 * scoping). */
struct fund_turnaround_row {
	char office_code[DB_CODE_MAX];
	int64_t seconds;
	int64_t case_id, case_office_id, case_assigned_to;
	bool case_high_risk;
};
typedef int (*db_turnaround_cb)(void *arg,
    const struct fund_turnaround_row *t);
/* Every decision's time from submission, by office code. */
int db_fund_turnaround(struct db *db, db_turnaround_cb cb, void *arg);
/* --- return, handover and reintegration --- */
#define DB_DATE_MAX 11		/* YYYY-MM-DD and NUL */
#define DB_STATE_MAX 40

/*
 * A voluntary return of a case (table case_returns). The places, notes
 * and travel legs are in body, sealed by the caller; stage, dates and
 * offices are in clear for lists. Reads fill body with malloc'd bytes
 * (free() it); writes only read it.
 */
struct return_row {
	int64_t id;
	int64_t case_id;
	int64_t office_id;		/* the office that asked for it */
	int64_t dest_office;
	char office_code[DB_CODE_MAX];	/* filled by reads */
	char dest_code[DB_CODE_MAX];	/* filled by reads */
	char stage[DB_STATE_MAX];	/* CL_RETURN_STAGE code */
	char requested_on[DB_DATE_MAX];	/* "" when not yet */
	char counselled_on[DB_DATE_MAX];
	char planned_on[DB_DATE_MAX];
	char departed_on[DB_DATE_MAX];
	char arrived_on[DB_DATE_MAX];
	char cancelled_on[DB_DATE_MAX];
	unsigned char *body;
	size_t len;
	int64_t created_at;
	int64_t updated_at;
	int version;
};
/* Inserts rr (id, body ignored: an empty body) and sets rr->id;
 * DB_CONFLICT when the case has a return still under way. */
int db_return_add(struct db *db, struct return_row *rr, int64_t by,
    int64_t now);
/* The case's newest return; DB_NOTFOUND when it has none. */
int db_return_latest(struct db *db, int64_t case_id, struct return_row *rr);
/* The latest return of case_id asked for by office_id (the office that
 * held the case then). */
int db_return_latest_of(struct db *db, int64_t case_id, int64_t office_id,
    struct return_row *rr);
/* Stores stage, dates and body if rr->version still holds (DB_CONFLICT
 * otherwise), bumping it. */
int db_return_update(struct db *db, const struct return_row *rr, int64_t by,
    int64_t now);
/* Number of returns by stage (CL_RETURN_STAGE code) of the cases now in
 * office_id (0: every office): cb(arg, stage, count). */
typedef int (*db_stage_count_cb)(void *arg, const char *stage, int64_t n);
int db_return_stage_counts(struct db *db, int64_t office_id,
    db_stage_count_cb cb, void *arg);

/* A handover of a case between offices (table case_transfers). */
struct transfer_row {
	int64_t id;
	int64_t case_id;
	char case_number[DB_CASENO_MAX];
	int64_t from_office, to_office;
	char from_code[DB_CODE_MAX], to_code[DB_CODE_MAX];
	char state[DB_STATE_MAX];	/* pending|accepted|declined|cancelled */
	int64_t requested_by, requested_at, decided_by, decided_at;
	char requested_username[DB_USERNAME_MAX];
	/* the case as it is now */
	int64_t case_office, case_assigned;
	bool high_risk;
	/* the case's newest return, "" when none */
	char ret_stage[DB_STATE_MAX];
	char ret_requested_on[DB_DATE_MAX];
	char ret_departed_on[DB_DATE_MAX];
	char ret_arrived_on[DB_DATE_MAX];
	bool has_note;			/* a sealed decline reason exists */
};
/* DB_CONFLICT when the case has a pending transfer already. */
int db_transfer_add(struct db *db, int64_t case_id, int64_t from_office,
    int64_t to_office, int64_t by, int64_t now, int64_t *id);
int db_transfer_get(struct db *db, int64_t id, struct transfer_row *t);
/* Moves a pending transfer to state (note: sealed reason or NULL);
 * DB_NOTFOUND when it is no longer pending. */
int db_transfer_decide(struct db *db, int64_t id, const char *state,
    const void *note, size_t note_len, int64_t by, int64_t now);
/* The sealed decline reason, malloc'd (NULL when none). */
int db_transfer_note(struct db *db, int64_t id, unsigned char **blob,
    size_t *len);
typedef int (*db_transfer_cb)(void *arg, const struct transfer_row *t);
/* Transfers to (incoming) or from office_id, newest first; case_id
 * non-zero: only that case's; pending_only: only pending ones. */
int db_transfer_list(struct db *db, int64_t office_id, bool incoming,
    int64_t case_id, bool pending_only, db_transfer_cb cb, void *arg);

/* A reintegration plan: one per case; body sealed by the caller. */
struct reint_row {
	int64_t id;
	int64_t case_id;
	char plan_type[DB_STATE_MAX];	/* CL_SUPPORT_PLAN_TYPE */
	char plan_date[DB_DATE_MAX];
	char outcome[DB_STATE_MAX];	/* CL_REINTEGRATION_OUTCOME or "" */
	unsigned char *body;		/* malloc'd by reads */
	size_t len;
	int64_t created_at, updated_at;
	int version;
};
int db_reint_get(struct db *db, int64_t case_id, struct reint_row *p);
/* Inserts (p->id 0, sets it) or updates if p->version still holds. */
int db_reint_put(struct db *db, struct reint_row *p, int64_t by,
    int64_t now);

/* A monitoring visit. */
struct visit_row {
	int64_t id;
	int64_t case_id;
	char due_on[DB_DATE_MAX];
	char status[DB_STATE_MAX];	/* CL_VISIT_STATUS */
	char done_on[DB_DATE_MAX];
	const unsigned char *body;	/* sealed notes, NULL: none; valid
					 * during the callback / until the
					 * next call on this thread */
	size_t len;
	/* the case, for lists */
	char case_number[DB_CASENO_MAX];
	int64_t office_id;
	char office_code[DB_CODE_MAX];
	int64_t assigned_to;
	char assigned_username[DB_USERNAME_MAX];
	bool high_risk;
};
int db_visit_add(struct db *db, int64_t case_id, const char *due_on,
    int64_t now, int64_t *id);
/* Visits of the case, by due date. */
int db_visit_count(struct db *db, int64_t case_id, int64_t *n);
typedef int (*db_visit_cb)(void *arg, const struct visit_row *v);
int db_visit_list(struct db *db, int64_t case_id, db_visit_cb cb, void *arg);
/* One visit; body copied to *blob (malloc'd, NULL when none). */
int db_visit_get(struct db *db, int64_t id, struct visit_row *v,
    unsigned char **blob, size_t *blen);
int db_visit_record(struct db *db, int64_t id, const char *status,
    const char *done_on, const void *blob, size_t len, int64_t by,
    int64_t now);
/* Moves a visit still Scheduled to due_on; DB_NOTFOUND when it is not
 * (any more) Scheduled. */
int db_visit_move(struct db *db, int64_t id, const char *due_on, int64_t by,
    int64_t now);
/* Scheduled visits due on or before until (YYYY-MM-DD) of the cases now
 * in office_id (0: every office) assigned to assignee (0: anyone), by
 * due date. */
int db_visit_due(struct db *db, int64_t office_id, int64_t assignee,
    const char *until, db_visit_cb cb, void *arg);

/* An open case of an office whose assignee has left it: moved to another
 * office or disabled. */
struct stranded_row {
	int64_t case_id;
	char case_number[DB_CASENO_MAX];
	int64_t assigned_to;
	char username[DB_USERNAME_MAX];
	bool disabled;			/* else moved to another office */
	int64_t updated_at;
};
typedef int (*db_stranded_cb)(void *arg, const struct stranded_row *s);
/* The open (Active or FollowUp) cases of office_id whose assignee is
 * disabled or in another office, oldest change first. */
int db_case_stranded(struct db *db, int64_t office_id, db_stranded_cb cb,
    void *arg);
/* --- protection and assistance --- */

/*
 * Partner organisations (HTCDS org_): service providers, referral targets,
 * implementing partners. Names are the organisation's, not a person's.
 */
#define DB_ORG_NAME_MAX 804	/* 200 characters of UTF-8 */
#define DB_ORG_TYPE_MAX 48
#define DB_PHONE_MAX 20
struct organisation {
	int64_t id;
	char name[DB_ORG_NAME_MAX];
	char type[DB_ORG_TYPE_MAX];	/* code of org_type */
	char country[3];		/* ISO alpha-2 or "" */
	char city[DB_ORG_NAME_MAX];
	char phone[DB_PHONE_MAX];
	bool disabled;
	int64_t created_at;
	int64_t updated_at;
};
/* DB_CONFLICT when the name is taken in that country. */
int db_org_add(struct db *db, struct organisation *o);	/* sets o->id */
int db_org_get(struct db *db, int64_t id, struct organisation *o);
int db_org_update(struct db *db, const struct organisation *o);
typedef int (*db_org_cb)(void *arg, const struct organisation *o);
/* By name; a non-zero return from cb stops. */
int db_org_list(struct db *db, db_org_cb cb, void *arg);

/*
 * Partners of a fund project: organisations of the registry working on
 * it (implementing partner, shelter provider, ...), each with its role
 * in the project's own words ("" when none). Reads fill the names of
 * the organisation and of the project.
 */
#define DB_PARTNER_ROLE_MAX 804	/* 200 characters of UTF-8 */
struct project_partner {
	int64_t project_id;
	char project[DB_PROJECT_NAME_MAX];
	int64_t org_id;
	char org_name[DB_ORG_NAME_MAX];
	char org_type[DB_ORG_TYPE_MAX];
	char org_country[3];		/* "" when none */
	bool org_disabled;
	char role[DB_PARTNER_ROLE_MAX];
	int64_t added_at;
};
/* Adds pp->org_id to project pp->project_id with pp->role: DB_CONFLICT
 * when it is a partner already. */
int db_project_partner_add(struct db *db, const struct project_partner *pp,
    int64_t by, int64_t now);
/* DB_NOTFOUND when org_id was no partner of project_id. */
int db_project_partner_remove(struct db *db, int64_t project_id,
    int64_t org_id);
/* DB_NOTFOUND when org_id is no partner of project_id. */
int db_project_partner_get(struct db *db, int64_t project_id, int64_t org_id,
    struct project_partner *pp);
typedef int (*db_partner_cb)(void *arg, const struct project_partner *pp);
/* The partners of a project, by organisation name; a non-zero return
 * from cb stops. */
int db_project_partners(struct db *db, int64_t project_id, db_partner_cb cb,
    void *arg);
/* The projects organisation org_id is a partner of, by project name. */
int db_org_projects(struct db *db, int64_t org_id, db_partner_cb cb,
    void *arg);

/* Shelters of an office, with their capacity (beds). */
struct shelter {
	int64_t id;
	int64_t office_id;
	char office_code[DB_CODE_MAX];	/* filled by reads */
	int64_t org_id;			/* 0: none */
	char name[DB_ORG_NAME_MAX];
	char city[DB_ORG_NAME_MAX];
	int64_t capacity;
	bool disabled;
	int64_t created_at;
};
/* DB_CONFLICT when the office has a shelter of that name. */
int db_shelter_add(struct db *db, struct shelter *s);	/* sets s->id */
int db_shelter_get(struct db *db, int64_t id, struct shelter *s);
int db_shelter_update(struct db *db, const struct shelter *s);
typedef int (*db_shelter_cb)(void *arg, const struct shelter *s);
/* The shelters of office_id (0: all), by office and name. */
int db_shelter_list(struct db *db, int64_t office_id, db_shelter_cb cb,
    void *arg);

/*
 * The records of a case (services, support plans, shelter stays, health,
 * risk, law-enforcement referrals; others' kinds too): body is sealed by
 * the caller; ref_id, state, d1, d2, amount and currency are the few
 * values kept in clear for lists and counts (codes, dates, sums).
 */
#define DB_REC_KIND_MAX 32
#define DB_REC_STATE_MAX 48
struct case_record {
	int64_t id;
	int64_t case_id;
	char kind[DB_REC_KIND_MAX];
	int64_t office_id;
	int64_t ref_id;			/* organisation or shelter, 0: none */
	char state[DB_REC_STATE_MAX];
	char d1[11], d2[11];		/* YYYY-MM-DD or "" */
	bool has_amount;
	int64_t amount;			/* hundredths */
	char currency[4];
	unsigned char *body;		/* sealed; see each function */
	size_t body_len;
	int64_t created_by, created_at, updated_by, updated_at;
	int version;
};
/* Adds rec (body as given); sets rec->id and rec->version (1). */
int db_record_add(struct db *db, struct case_record *rec);
/* rec->body is malloc'd: free() it. */
int db_record_get(struct db *db, int64_t id, struct case_record *rec);
/* Stores every column of rec but case, kind and creation if the stored
 * version is still rec->version (DB_CONFLICT otherwise), and bumps it. */
int db_record_update(struct db *db, struct case_record *rec);
typedef int (*db_record_cb)(void *arg, const struct case_record *rec);
/* The records of kind of a case, oldest first; rec->body is valid only
 * during the call. */
int db_record_list(struct db *db, int64_t case_id, const char *kind,
    db_record_cb cb, void *arg);
/* The id of a record of kind of the case whose d2 is empty (an open shelter
 * stay): DB_OK with *id, or DB_NOTFOUND. */
int db_record_open(struct db *db, int64_t case_id, const char *kind,
    int64_t *id);
/* Records of kind referring to ref_id that span any day of [from, to]
 * (d1 <= to, d2 empty or after from): cb gets each one's d1 and d2. */
typedef int (*db_span_cb)(void *arg, const char *d1, const char *d2);
int db_record_spans(struct db *db, const char *kind, int64_t ref_id,
    const char *from, const char *to, db_span_cb cb, void *arg);

#endif
