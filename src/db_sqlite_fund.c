/*
 * db_sqlite_fund.c - the SQLite backend of db.h for the Global
 * Assistance Fund: projects, budget lines, donors, rates, requests,
 * decisions and disbursements; the partners of projects.
 *
 * A budget can never go negative: the UPDATEs of fund_budgets add only
 * where the result stays within the line (committed + x <= budget), the
 * table's CHECKs refuse anything else, and each change runs inside
 * BEGIN IMMEDIATE, so that two approvals racing for the last of a budget
 * are serialised and the second finds the line already committed.
 */
#include "compat.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "db_sqlite_int.h"
#include "log.h"

enum {
	Q_PROJECT_ADD,
	Q_BUDGET_ADD,
	Q_DONOR_ADD,
	Q_PROJECT_GET,
	Q_PROJECT_BY_NAME,
	Q_PROJECT_LIST,
	Q_BUDGETS,
	Q_BUDGETS_ALL,
	Q_BUDGET_GET,
	Q_DONORS,
	Q_PCASE_ADD,
	Q_PCASES,
	Q_CASE_PROJECTS,
	Q_RATE_SET,
	Q_RATE_LIST,
	Q_RATE_AT,
	Q_REQ_ADD,
	Q_REQ_GET,
	Q_REQ_TEXTS,
	Q_REQ_LIST,
	Q_REQ_RESUBMIT,
	Q_REQ_DECIDE,
	Q_COMMIT,
	Q_DECISION_ADD,
	Q_REQ_DISBURSE,
	Q_LINE_DISBURSE,
	Q_DISB_ADD,
	Q_DISB_LIST,
	Q_TURNAROUND,
	Q_RATE_ADD,
	Q_RATE_GET,
	Q_DECISIONS,
	Q_PROJECT_UPDATE,
	Q_BUDGET_SET,
	Q_PARTNER_ADD,
	Q_PARTNER_REMOVE,
	Q_PARTNER_GET,
	Q_PARTNERS,
	Q_ORG_PROJECTS,
	Q__MAX
};
_Static_assert(Q__MAX <= 64, "the fund has 64 statement slots");

#define PROJECT_COLS \
	"p.id, p.name, p.region, coalesce(p.start_date, ''), " \
	"coalesce(p.end_date, ''), p.target, p.target_group, p.currency, " \
	"p.created_at, (SELECT count(*) FROM project_cases pc " \
	"JOIN cases pcc ON pcc.id = pc.case_id " \
	"WHERE pc.project_id = p.id AND pcc.high_risk = 0) "

#define REQ_COLS \
	"q.id, q.case_id, c.number, q.office_id, o.code, q.type, q.amount, " \
	"q.currency, q.state, coalesce(q.requested_by, 0), " \
	"coalesce(ru.username, ''), q.created_at, q.submitted_at, " \
	"coalesce(q.decided_by, 0), coalesce(du.username, ''), " \
	"coalesce(q.decided_at, 0), coalesce(q.project_id, 0), " \
	"coalesce(p.name, ''), coalesce(q.approved, 0), q.disbursed, " \
	"c.office_id, coalesce(c.assigned_to, 0), c.high_risk "

#define REQ_FROM \
	"FROM fund_requests q JOIN cases c ON c.id = q.case_id " \
	"JOIN offices o ON o.id = q.office_id " \
	"LEFT JOIN users ru ON ru.id = q.requested_by " \
	"LEFT JOIN users du ON du.id = q.decided_by " \
	"LEFT JOIN projects p ON p.id = q.project_id "

#define PARTNER_COLS \
	"pp.project_id, p.name, pp.org_id, o.name, o.type, " \
	"coalesce(o.country, ''), o.disabled, pp.role, pp.added_at " \
	"FROM project_partners pp JOIN projects p ON p.id = pp.project_id " \
	"JOIN organisations o ON o.id = pp.org_id "

static const char *const sql[Q__MAX] = {
	[Q_PROJECT_ADD] =
	    "INSERT INTO projects (name, region, start_date, end_date, target, "
	    "target_group, currency, created_by, created_at) "
	    "VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9)",
	[Q_BUDGET_ADD] =
	    "INSERT INTO fund_budgets (project_id, currency, budget) "
	    "VALUES (?1, ?2, ?3)",
	[Q_DONOR_ADD] =
	    "INSERT INTO project_donors (project_id, name, amount, currency) "
	    "VALUES (?1, ?2, ?3, ?4)",
	[Q_PROJECT_GET] = "SELECT " PROJECT_COLS "FROM projects p WHERE p.id = ?1",
	[Q_PROJECT_BY_NAME] =
	    "SELECT " PROJECT_COLS "FROM projects p WHERE p.name = ?1",
	[Q_PROJECT_LIST] =
	    "SELECT " PROJECT_COLS "FROM projects p ORDER BY p.name, p.id",
	[Q_BUDGETS] =
	    "SELECT project_id, currency, budget, committed, disbursed "
	    "FROM fund_budgets WHERE project_id = ?1 ORDER BY currency",
	[Q_BUDGETS_ALL] =
	    "SELECT b.project_id, b.currency, b.budget, b.committed, "
	    "b.disbursed FROM fund_budgets b JOIN projects p "
	    "ON p.id = b.project_id ORDER BY p.name, p.id, b.currency",
	[Q_BUDGET_GET] =
	    "SELECT project_id, currency, budget, committed, disbursed "
	    "FROM fund_budgets WHERE project_id = ?1 AND currency = ?2",
	[Q_DONORS] =
	    "SELECT id, project_id, name, amount, currency FROM project_donors "
	    "WHERE project_id = ?1 ORDER BY id",
	[Q_PCASE_ADD] =
	    "INSERT INTO project_cases (project_id, case_id, assigned_by, "
	    "assigned_at) VALUES (?1, ?2, ?3, ?4)",
	[Q_PCASES] =
	    "SELECT case_id FROM project_cases WHERE project_id = ?1 "
	    "ORDER BY assigned_at, case_id",
	[Q_CASE_PROJECTS] =
	    "SELECT project_id FROM project_cases WHERE case_id = ?1 "
	    "ORDER BY assigned_at, project_id",
	[Q_RATE_SET] =
	    "UPDATE fund_rates SET rate = ?3, created_by = ?4, "
	    "created_at = ?5 WHERE currency = ?1 AND valid_from = ?2",
	[Q_RATE_ADD] =
	    "INSERT INTO fund_rates (currency, valid_from, rate, created_by, "
	    "created_at) VALUES (?1, ?2, ?3, ?4, ?5)",
	[Q_RATE_GET] =
	    "SELECT rate FROM fund_rates WHERE currency = ?1 AND "
	    "valid_from = ?2",
	[Q_DECISIONS] =
	    "SELECT d.id, d.decision, coalesce(d.amount, 0), d.reason, "
	    "coalesce(u.username, ''), d.submitted_at, d.decided_at "
	    "FROM fund_decisions d LEFT JOIN users u ON u.id = d.decided_by "
	    "WHERE d.request_id = ?1 ORDER BY d.id",
	[Q_RATE_LIST] =
	    "SELECT currency, valid_from, rate FROM fund_rates "
	    "ORDER BY currency, valid_from DESC",
	[Q_RATE_AT] =
	    "SELECT rate FROM fund_rates WHERE currency = ?1 AND "
	    "valid_from <= ?2 ORDER BY valid_from DESC LIMIT 1",
	[Q_REQ_ADD] =
	    "INSERT INTO fund_requests (case_id, office_id, type, amount, "
	    "currency, justification, state, requested_by, created_at, "
	    "submitted_at) VALUES (?1, ?2, ?3, ?4, ?5, ?6, 'submitted', ?7, "
	    "?8, ?8)",
	[Q_REQ_GET] = "SELECT " REQ_COLS REQ_FROM "WHERE q.id = ?1",
	[Q_REQ_TEXTS] =
	    "SELECT justification, reason FROM fund_requests WHERE id = ?1",
	[Q_REQ_LIST] =
	    "SELECT " REQ_COLS REQ_FROM
	    "WHERE (?1 = 0 OR q.case_id = ?1) AND (?2 = 0 OR c.office_id = ?2) "
	    "AND (?3 IS NULL OR q.state = ?3) ORDER BY q.submitted_at, q.id",
	[Q_REQ_RESUBMIT] =
	    "UPDATE fund_requests SET state = 'submitted', amount = ?2, "
	    "justification = coalesce(?3, justification), submitted_at = ?4, "
	    "decided_by = NULL, decided_at = NULL, reason = NULL "
	    "WHERE id = ?1 AND state = 'need-info'",
	[Q_REQ_DECIDE] =
	    "UPDATE fund_requests SET state = ?2, approved = ?3, "
	    "project_id = ?4, reason = ?5, decided_by = ?6, decided_at = ?7 "
	    "WHERE id = ?1 AND state = 'submitted'",
	[Q_COMMIT] =
	    "UPDATE fund_budgets SET committed = committed + ?3 "
	    "WHERE project_id = ?1 AND currency = ?2 AND ?3 > 0 AND "
	    "committed + ?3 <= budget",
	[Q_DECISION_ADD] =
	    "INSERT INTO fund_decisions (request_id, office_id, decision, "
	    "submitted_at, decided_at, decided_by, amount, reason) "
	    "SELECT id, office_id, ?2, submitted_at, ?3, ?4, "
	    "coalesce(approved, amount), reason FROM fund_requests "
	    "WHERE id = ?1",
	[Q_REQ_DISBURSE] =
	    "UPDATE fund_requests SET disbursed = disbursed + ?2 "
	    "WHERE id = ?1 AND state = 'approved' AND ?2 > 0 AND "
	    "disbursed + ?2 <= approved",
	[Q_LINE_DISBURSE] =
	    "UPDATE fund_budgets SET disbursed = disbursed + ?2 "
	    "WHERE (project_id, currency) = (SELECT project_id, currency "
	    "FROM fund_requests WHERE id = ?1) AND disbursed + ?2 <= committed",
	[Q_DISB_ADD] =
	    "INSERT INTO fund_disbursements (request_id, amount, on_date, note, "
	    "created_by, created_at) VALUES (?1, ?2, ?3, ?4, ?5, ?6)",
	[Q_DISB_LIST] =
	    "SELECT d.id, d.request_id, d.amount, d.on_date, d.note, "
	    "coalesce(u.username, ''), d.created_at FROM fund_disbursements d "
	    "LEFT JOIN users u ON u.id = d.created_by WHERE d.request_id = ?1 "
	    "ORDER BY d.on_date, d.id",
	[Q_PROJECT_UPDATE] =
	    "UPDATE projects SET name = ?2, region = ?3, start_date = ?4, "
	    "end_date = ?5, target = ?6, target_group = ?7 WHERE id = ?1",
	/* Never below what the line has committed (its CHECK says so too). */
	[Q_BUDGET_SET] =
	    "UPDATE fund_budgets SET budget = ?3 WHERE project_id = ?1 AND "
	    "currency = ?2 AND committed <= ?3",
	[Q_PARTNER_ADD] =
	    "INSERT INTO project_partners (project_id, org_id, role, added_by, "
	    "added_at) VALUES (?1, ?2, ?3, ?4, ?5)",
	[Q_PARTNER_REMOVE] =
	    "DELETE FROM project_partners WHERE project_id = ?1 AND org_id = ?2",
	[Q_PARTNER_GET] =
	    "SELECT " PARTNER_COLS "WHERE pp.project_id = ?1 AND pp.org_id = ?2",
	[Q_PARTNERS] =
	    "SELECT " PARTNER_COLS "WHERE pp.project_id = ?1 ORDER BY o.name, o.id",
	[Q_ORG_PROJECTS] =
	    "SELECT " PARTNER_COLS "WHERE pp.org_id = ?1 ORDER BY p.name, p.id",
	[Q_TURNAROUND] =
	    "SELECT o.code, d.decided_at - d.submitted_at, c.id, c.office_id, "
	    "coalesce(c.assigned_to, 0), c.high_risk FROM fund_decisions d "
	    "JOIN offices o ON o.id = d.office_id "
	    "JOIN fund_requests q ON q.id = d.request_id "
	    "JOIN cases c ON c.id = q.case_id ORDER BY o.code, d.id",
};

static sqlite3_stmt *
q(struct db *db, int id, struct conn **c)
{
	return dbx_stmt(db, DBX_FUND + id, sql[id], c);
}

/* A constraint failure of a fund change: the schema refused it. */
static int
step_error(struct conn *c, int rc)
{
	if (rc == SQLITE_CONSTRAINT_CHECK)
		return DB_FUND_LIMIT;
	return dbx_step_error(c, rc);
}

static int
run(struct conn *c, sqlite3_stmt *st)
{
	int rc;

	while ((rc = sqlite3_step(st)) == SQLITE_ROW)
		;
	rc = rc == SQLITE_DONE ? DB_OK : step_error(c, rc);
	dbx_done(st);
	return rc;
}

/* An INSERT of the fund; *id (unless NULL) the new row's id. */
static int
add(struct conn *c, sqlite3_stmt *st, int64_t *id)
{
	int rc = run(c, st);

	if (rc == DB_OK && id != NULL)
		*id = dbx_last_id(c);
	return rc;
}

/* An UPDATE of the fund that must change one row, else none. */
static int
change_one(struct conn *c, sqlite3_stmt *st, int none)
{
	int rc = run(c, st);

	if (rc == DB_OK && dbx_changes(c) != 1)
		return none;
	return rc;
}

static int
bind_blob(sqlite3_stmt *st, int i, const void *p, size_t n)
{
	if (p == NULL || n == 0)
		return sqlite3_bind_null(st, i);
	return sqlite3_bind_blob64(st, i, p, n, SQLITE_TRANSIENT);
}

/* --- projects --- */

static int
project_row(sqlite3_stmt *st, void *ctx)
{
	struct project *p = ctx;

	memset(p, 0, sizeof(*p));
	p->id = sqlite3_column_int64(st, 0);
	dbx_col_text(st, 1, p->name, sizeof(p->name));
	dbx_col_text(st, 2, p->region, sizeof(p->region));
	dbx_col_text(st, 3, p->start, sizeof(p->start));
	dbx_col_text(st, 4, p->end, sizeof(p->end));
	p->target = sqlite3_column_int64(st, 5);
	dbx_col_text(st, 6, p->target_group, sizeof(p->target_group));
	dbx_col_text(st, 7, p->currency, sizeof(p->currency));
	p->created_at = sqlite3_column_int64(st, 8);
	p->assisted = sqlite3_column_int64(st, 9);
	return DB_OK;
}

DBX_ROWS(project_rows, struct project, db_project_cb, project_row)

int
db_project_add(struct db *db, struct project *p,
    const struct budget_line *lines, size_t nlines,
    const struct donor *donors, size_t ndonors, int64_t by, int64_t now)
{
	struct conn *c;
	sqlite3_stmt *st;
	bool own;
	size_t i;
	int rc;

	if ((st = q(db, Q_PROJECT_ADD, &c)) == NULL)
		return DB_ERROR;
	if (dbx_begin(c, &own) != DB_OK) {
		dbx_done(st);
		return DB_ERROR;
	}
	if (dbx_bind_text(st, 1, p->name) |
	    dbx_bind_text(st, 2, p->region) |
	    dbx_bind_text(st, 3, p->start[0] ? p->start : NULL) |
	    dbx_bind_text(st, 4, p->end[0] ? p->end : NULL) |
	    sqlite3_bind_int64(st, 5, p->target) |
	    dbx_bind_text(st, 6, p->target_group) |
	    dbx_bind_text(st, 7, p->currency) |
	    dbx_bind_id(st, 8, by) |
	    sqlite3_bind_int64(st, 9, now)) {
		rc = dbx_bind_failed(c, st);
		return dbx_end(c, own, rc);
	}
	if ((rc = add(c, st, &p->id)) != DB_OK)
		return dbx_end(c, own, rc);
	p->created_at = now;
	for (i = 0; rc == DB_OK && i < nlines; i++) {
		if ((st = q(db, Q_BUDGET_ADD, &c)) == NULL)
			rc = DB_ERROR;
		else if (sqlite3_bind_int64(st, 1, p->id) |
		    dbx_bind_text(st, 2, lines[i].currency) |
		    sqlite3_bind_int64(st, 3, lines[i].budget))
			rc = dbx_bind_failed(c, st);
		else
			rc = run(c, st);
	}
	for (i = 0; rc == DB_OK && i < ndonors; i++) {
		if ((st = q(db, Q_DONOR_ADD, &c)) == NULL)
			rc = DB_ERROR;
		else if (sqlite3_bind_int64(st, 1, p->id) |
		    dbx_bind_text(st, 2, donors[i].name) |
		    sqlite3_bind_int64(st, 3, donors[i].amount) |
		    dbx_bind_text(st, 4, donors[i].currency))
			rc = dbx_bind_failed(c, st);
		else
			rc = run(c, st);
	}
	return dbx_end(c, own, rc);
}

int
db_project_get(struct db *db, int64_t id, struct project *p)
{
	struct conn *c;
	sqlite3_stmt *st = q(db, Q_PROJECT_GET, &c);

	if (st == NULL)
		return DB_ERROR;
	if (sqlite3_bind_int64(st, 1, id))
		return dbx_bind_failed(c, st);
	return dbx_one(c, st, project_row, p);
}

int
db_project_by_name(struct db *db, const char *name, struct project *p)
{
	struct conn *c;
	sqlite3_stmt *st = q(db, Q_PROJECT_BY_NAME, &c);

	if (st == NULL)
		return DB_ERROR;
	if (dbx_bind_text(st, 1, name))
		return dbx_bind_failed(c, st);
	return dbx_one(c, st, project_row, p);
}

int
db_project_list(struct db *db, db_project_cb cb, void *arg)
{
	struct conn *c;
	sqlite3_stmt *st = q(db, Q_PROJECT_LIST, &c);

	if (st == NULL)
		return DB_ERROR;
	return dbx_each(c, st, project_rows, &(struct project_rows){ cb, arg });
}

static int
budget_row(sqlite3_stmt *st, void *ctx)
{
	struct budget_line *b = ctx;

	memset(b, 0, sizeof(*b));
	b->project_id = sqlite3_column_int64(st, 0);
	dbx_col_text(st, 1, b->currency, sizeof(b->currency));
	b->budget = sqlite3_column_int64(st, 2);
	b->committed = sqlite3_column_int64(st, 3);
	b->disbursed = sqlite3_column_int64(st, 4);
	return DB_OK;
}

DBX_ROWS(budget_rows, struct budget_line, db_budget_cb, budget_row)

int
db_project_budgets(struct db *db, int64_t project_id, db_budget_cb cb,
    void *arg)
{
	struct conn *c;
	sqlite3_stmt *st = q(db, project_id ? Q_BUDGETS : Q_BUDGETS_ALL, &c);

	if (st == NULL)
		return DB_ERROR;
	if (project_id && sqlite3_bind_int64(st, 1, project_id))
		return dbx_bind_failed(c, st);
	return dbx_each(c, st, budget_rows, &(struct budget_rows){ cb, arg });
}

int
db_project_budget(struct db *db, int64_t project_id, const char *currency,
    struct budget_line *b)
{
	struct conn *c;
	sqlite3_stmt *st = q(db, Q_BUDGET_GET, &c);

	if (st == NULL)
		return DB_ERROR;
	if (sqlite3_bind_int64(st, 1, project_id) |
	    dbx_bind_text(st, 2, currency))
		return dbx_bind_failed(c, st);
	return dbx_one(c, st, budget_row, b);
}

int
db_project_update(struct db *db, const struct project *p)
{
	struct conn *c;
	sqlite3_stmt *st = q(db, Q_PROJECT_UPDATE, &c);

	if (st == NULL)
		return DB_ERROR;
	if (sqlite3_bind_int64(st, 1, p->id) |
	    dbx_bind_text(st, 2, p->name) |
	    dbx_bind_text(st, 3, p->region) |
	    dbx_bind_text(st, 4, p->start[0] ? p->start : NULL) |
	    dbx_bind_text(st, 5, p->end[0] ? p->end : NULL) |
	    sqlite3_bind_int64(st, 6, p->target) |
	    dbx_bind_text(st, 7, p->target_group))
		return dbx_bind_failed(c, st);
	return change_one(c, st, DB_NOTFOUND);
}

int
db_project_budget_set(struct db *db, int64_t project_id, const char *currency,
    int64_t budget)
{
	struct budget_line b;
	struct conn *c;
	sqlite3_stmt *st;
	int rc = db_project_budget(db, project_id, currency, &b);

	if (rc == DB_ERROR)
		return rc;
	if (rc == DB_NOTFOUND) {
		if ((st = q(db, Q_BUDGET_ADD, &c)) == NULL)
			return DB_ERROR;
		if (sqlite3_bind_int64(st, 1, project_id) |
		    dbx_bind_text(st, 2, currency) |
		    sqlite3_bind_int64(st, 3, budget))
			return dbx_bind_failed(c, st);
		return run(c, st);
	}
	if ((st = q(db, Q_BUDGET_SET, &c)) == NULL)
		return DB_ERROR;
	if (sqlite3_bind_int64(st, 1, project_id) |
	    dbx_bind_text(st, 2, currency) | sqlite3_bind_int64(st, 3, budget))
		return dbx_bind_failed(c, st);
	/* The line exists: no row changed means it commits more. */
	return change_one(c, st, DB_FUND_LIMIT);
}

/* --- partners --- */

int
db_project_partner_add(struct db *db, const struct project_partner *pp,
    int64_t by, int64_t now)
{
	struct conn *c;
	sqlite3_stmt *st = q(db, Q_PARTNER_ADD, &c);

	if (st == NULL)
		return DB_ERROR;
	if (sqlite3_bind_int64(st, 1, pp->project_id) |
	    sqlite3_bind_int64(st, 2, pp->org_id) |
	    dbx_bind_text(st, 3, pp->role) | dbx_bind_id(st, 4, by) |
	    sqlite3_bind_int64(st, 5, now))
		return dbx_bind_failed(c, st);
	return run(c, st);
}

int
db_project_partner_remove(struct db *db, int64_t project_id, int64_t org_id)
{
	struct conn *c;
	sqlite3_stmt *st = q(db, Q_PARTNER_REMOVE, &c);

	if (st == NULL)
		return DB_ERROR;
	if (sqlite3_bind_int64(st, 1, project_id) |
	    sqlite3_bind_int64(st, 2, org_id))
		return dbx_bind_failed(c, st);
	return change_one(c, st, DB_NOTFOUND);
}

static int
partner_row(sqlite3_stmt *st, void *ctx)
{
	struct project_partner *pp = ctx;

	memset(pp, 0, sizeof(*pp));
	pp->project_id = sqlite3_column_int64(st, 0);
	dbx_col_text(st, 1, pp->project, sizeof(pp->project));
	pp->org_id = sqlite3_column_int64(st, 2);
	dbx_col_text(st, 3, pp->org_name, sizeof(pp->org_name));
	dbx_col_text(st, 4, pp->org_type, sizeof(pp->org_type));
	dbx_col_text(st, 5, pp->org_country, sizeof(pp->org_country));
	pp->org_disabled = sqlite3_column_int(st, 6) != 0;
	dbx_col_text(st, 7, pp->role, sizeof(pp->role));
	pp->added_at = sqlite3_column_int64(st, 8);
	return DB_OK;
}

DBX_ROWS(partner_rows, struct project_partner, db_partner_cb, partner_row)

int
db_project_partner_get(struct db *db, int64_t project_id, int64_t org_id,
    struct project_partner *pp)
{
	struct conn *c;
	sqlite3_stmt *st = q(db, Q_PARTNER_GET, &c);

	if (st == NULL)
		return DB_ERROR;
	if (sqlite3_bind_int64(st, 1, project_id) |
	    sqlite3_bind_int64(st, 2, org_id))
		return dbx_bind_failed(c, st);
	return dbx_one(c, st, partner_row, pp);
}

static int
partner_list(struct db *db, int stmt, int64_t key, db_partner_cb cb,
    void *arg)
{
	struct conn *c;
	sqlite3_stmt *st = q(db, stmt, &c);

	if (st == NULL)
		return DB_ERROR;
	if (sqlite3_bind_int64(st, 1, key))
		return dbx_bind_failed(c, st);
	return dbx_each(c, st, partner_rows,
	    &(struct partner_rows){ cb, arg });
}

int
db_project_partners(struct db *db, int64_t project_id, db_partner_cb cb,
    void *arg)
{
	return partner_list(db, Q_PARTNERS, project_id, cb, arg);
}

int
db_org_projects(struct db *db, int64_t org_id, db_partner_cb cb, void *arg)
{
	return partner_list(db, Q_ORG_PROJECTS, org_id, cb, arg);
}

int
db_project_donor_add(struct db *db, struct donor *d)
{
	struct conn *c;
	sqlite3_stmt *st = q(db, Q_DONOR_ADD, &c);

	if (st == NULL)
		return DB_ERROR;
	if (sqlite3_bind_int64(st, 1, d->project_id) |
	    dbx_bind_text(st, 2, d->name) |
	    sqlite3_bind_int64(st, 3, d->amount) |
	    dbx_bind_text(st, 4, d->currency))
		return dbx_bind_failed(c, st);
	return add(c, st, &d->id);
}

static int
donor_row(sqlite3_stmt *st, void *ctx)
{
	struct donor *d = ctx;

	memset(d, 0, sizeof(*d));
	d->id = sqlite3_column_int64(st, 0);
	d->project_id = sqlite3_column_int64(st, 1);
	dbx_col_text(st, 2, d->name, sizeof(d->name));
	d->amount = sqlite3_column_int64(st, 3);
	dbx_col_text(st, 4, d->currency, sizeof(d->currency));
	return DB_OK;
}

DBX_ROWS(donor_rows, struct donor, db_donor_cb, donor_row)

int
db_project_donors(struct db *db, int64_t project_id, db_donor_cb cb,
    void *arg)
{
	struct conn *c;
	sqlite3_stmt *st = q(db, Q_DONORS, &c);

	if (st == NULL)
		return DB_ERROR;
	if (sqlite3_bind_int64(st, 1, project_id))
		return dbx_bind_failed(c, st);
	return dbx_each(c, st, donor_rows, &(struct donor_rows){ cb, arg });
}

int
db_project_case_add(struct db *db, int64_t project_id, int64_t case_id,
    int64_t by, int64_t now)
{
	struct conn *c;
	sqlite3_stmt *st = q(db, Q_PCASE_ADD, &c);

	if (st == NULL)
		return DB_ERROR;
	if (sqlite3_bind_int64(st, 1, project_id) |
	    sqlite3_bind_int64(st, 2, case_id) | dbx_bind_id(st, 3, by) |
	    sqlite3_bind_int64(st, 4, now))
		return dbx_bind_failed(c, st);
	return dbx_run(c, st);
}

struct id_rows {
	db_id_cb cb;
	void *arg;
};

static int
id_rows(sqlite3_stmt *st, void *ctx)
{
	struct id_rows *l = ctx;

	return l->cb(l->arg, sqlite3_column_int64(st, 0));
}

static int
id_list(struct db *db, int stmt, int64_t key, db_id_cb cb, void *arg)
{
	struct conn *c;
	sqlite3_stmt *st = q(db, stmt, &c);

	if (st == NULL)
		return DB_ERROR;
	if (sqlite3_bind_int64(st, 1, key))
		return dbx_bind_failed(c, st);
	return dbx_each(c, st, id_rows, &(struct id_rows){ cb, arg });
}

int
db_project_cases(struct db *db, int64_t project_id, db_id_cb cb, void *arg)
{
	return id_list(db, Q_PCASES, project_id, cb, arg);
}

int
db_case_projects(struct db *db, int64_t case_id, db_id_cb cb, void *arg)
{
	return id_list(db, Q_CASE_PROJECTS, case_id, cb, arg);
}

/* --- rates --- */

int
db_rate_set(struct db *db, const struct fund_rate *rt, bool replace,
    int64_t by, int64_t now)
{
	struct conn *c;
	sqlite3_stmt *st = q(db, replace ? Q_RATE_SET : Q_RATE_ADD, &c);

	if (st == NULL)
		return DB_ERROR;
	if (dbx_bind_text(st, 1, rt->currency) |
	    dbx_bind_text(st, 2, rt->valid_from) |
	    sqlite3_bind_int64(st, 3, rt->rate) | dbx_bind_id(st, 4, by) |
	    sqlite3_bind_int64(st, 5, now))
		return dbx_bind_failed(c, st);
	return replace ? change_one(c, st, DB_NOTFOUND) : run(c, st);
}

int
db_rate_get(struct db *db, const char *currency, const char *valid_from,
    int64_t *rate)
{
	struct conn *c;
	sqlite3_stmt *st = q(db, Q_RATE_GET, &c);

	if (st == NULL)
		return DB_ERROR;
	if (dbx_bind_text(st, 1, currency) | dbx_bind_text(st, 2, valid_from))
		return dbx_bind_failed(c, st);
	return dbx_int64(c, st, rate);
}

static int
rate_row(sqlite3_stmt *st, void *ctx)
{
	struct fund_rate *rt = ctx;

	memset(rt, 0, sizeof(*rt));
	dbx_col_text(st, 0, rt->currency, sizeof(rt->currency));
	dbx_col_text(st, 1, rt->valid_from, sizeof(rt->valid_from));
	rt->rate = sqlite3_column_int64(st, 2);
	return DB_OK;
}

DBX_ROWS(rate_rows, struct fund_rate, db_rate_cb, rate_row)

int
db_rate_list(struct db *db, db_rate_cb cb, void *arg)
{
	struct conn *c;
	sqlite3_stmt *st = q(db, Q_RATE_LIST, &c);

	if (st == NULL)
		return DB_ERROR;
	return dbx_each(c, st, rate_rows, &(struct rate_rows){ cb, arg });
}

int
db_rate_at(struct db *db, const char *currency, const char *date,
    int64_t *rate)
{
	struct conn *c;
	sqlite3_stmt *st = q(db, Q_RATE_AT, &c);

	if (st == NULL)
		return DB_ERROR;
	if (dbx_bind_text(st, 1, currency) | dbx_bind_text(st, 2, date))
		return dbx_bind_failed(c, st);
	return dbx_int64(c, st, rate);
}

/* --- requests --- */

static int
req_row(sqlite3_stmt *st, void *ctx)
{
	struct fund_request *r = ctx;

	memset(r, 0, sizeof(*r));
	r->id = sqlite3_column_int64(st, 0);
	r->case_id = sqlite3_column_int64(st, 1);
	dbx_col_text(st, 2, r->case_number, sizeof(r->case_number));
	r->office_id = sqlite3_column_int64(st, 3);
	dbx_col_text(st, 4, r->office_code, sizeof(r->office_code));
	dbx_col_text(st, 5, r->type, sizeof(r->type));
	r->amount = sqlite3_column_int64(st, 6);
	dbx_col_text(st, 7, r->currency, sizeof(r->currency));
	dbx_col_text(st, 8, r->state, sizeof(r->state));
	r->requested_by = sqlite3_column_int64(st, 9);
	dbx_col_text(st, 10, r->requested_username,
	    sizeof(r->requested_username));
	r->created_at = sqlite3_column_int64(st, 11);
	r->submitted_at = sqlite3_column_int64(st, 12);
	r->decided_by = sqlite3_column_int64(st, 13);
	dbx_col_text(st, 14, r->decided_username, sizeof(r->decided_username));
	r->decided_at = sqlite3_column_int64(st, 15);
	r->project_id = sqlite3_column_int64(st, 16);
	dbx_col_text(st, 17, r->project_name, sizeof(r->project_name));
	r->approved = sqlite3_column_int64(st, 18);
	r->disbursed = sqlite3_column_int64(st, 19);
	r->case_office_id = sqlite3_column_int64(st, 20);
	r->case_assigned_to = sqlite3_column_int64(st, 21);
	r->case_high_risk = sqlite3_column_int(st, 22) != 0;
	return DB_OK;
}

DBX_ROWS(req_rows, struct fund_request, db_fund_request_cb, req_row)

int
db_fund_request_add(struct db *db, struct fund_request *r,
    const void *just, size_t jlen, int64_t now)
{
	struct conn *c;
	sqlite3_stmt *st = q(db, Q_REQ_ADD, &c);

	if (st == NULL)
		return DB_ERROR;
	if (sqlite3_bind_int64(st, 1, r->case_id) |
	    sqlite3_bind_int64(st, 2, r->office_id) |
	    dbx_bind_text(st, 3, r->type) |
	    sqlite3_bind_int64(st, 4, r->amount) |
	    dbx_bind_text(st, 5, r->currency) |
	    sqlite3_bind_blob64(st, 6, just ? just : "", jlen,
	    SQLITE_TRANSIENT) |
	    dbx_bind_id(st, 7, r->requested_by) |
	    sqlite3_bind_int64(st, 8, now))
		return dbx_bind_failed(c, st);
	return add(c, st, &r->id);
}

int
db_fund_request_get(struct db *db, int64_t id, struct fund_request *r)
{
	struct conn *c;
	sqlite3_stmt *st = q(db, Q_REQ_GET, &c);

	if (st == NULL)
		return DB_ERROR;
	if (sqlite3_bind_int64(st, 1, id))
		return dbx_bind_failed(c, st);
	return dbx_one(c, st, req_row, r);
}

/* A request's two sealed texts, copied out. */
struct texts_out {
	unsigned char **just, **reason;
	size_t *jlen, *rlen;
};

static int
texts_read(sqlite3_stmt *st, void *ctx)
{
	struct texts_out *t = ctx;

	if (dbx_col_blob(st, 0, t->just, t->jlen) != 0 ||
	    dbx_col_blob(st, 1, t->reason, t->rlen) != 0) {
		free(*t->just);
		*t->just = NULL;
		return error("db: out of memory");
	}
	return DB_OK;
}

int
db_fund_request_texts(struct db *db, int64_t id, unsigned char **just,
    size_t *jlen, unsigned char **reason, size_t *rlen)
{
	struct conn *c;
	sqlite3_stmt *st = q(db, Q_REQ_TEXTS, &c);

	*just = *reason = NULL;
	*jlen = *rlen = 0;
	if (st == NULL)
		return DB_ERROR;
	if (sqlite3_bind_int64(st, 1, id))
		return dbx_bind_failed(c, st);
	return dbx_one(c, st, texts_read,
	    &(struct texts_out){ just, reason, jlen, rlen });
}

int
db_fund_request_list(struct db *db, const struct fund_filter *f,
    db_fund_request_cb cb, void *arg)
{
	struct conn *c;
	sqlite3_stmt *st = q(db, Q_REQ_LIST, &c);

	if (st == NULL)
		return DB_ERROR;
	if (sqlite3_bind_int64(st, 1, f->case_id) |
	    sqlite3_bind_int64(st, 2, f->office_id) |
	    dbx_bind_text(st, 3, f->state))
		return dbx_bind_failed(c, st);
	return dbx_each(c, st, req_rows, &(struct req_rows){ cb, arg });
}

int
db_fund_request_resubmit(struct db *db, int64_t id, int64_t amount,
    const void *just, size_t jlen, int64_t now)
{
	struct conn *c;
	sqlite3_stmt *st = q(db, Q_REQ_RESUBMIT, &c);

	if (st == NULL)
		return DB_ERROR;
	if (sqlite3_bind_int64(st, 1, id) | sqlite3_bind_int64(st, 2, amount) |
	    bind_blob(st, 3, just, jlen) | sqlite3_bind_int64(st, 4, now))
		return dbx_bind_failed(c, st);
	return change_one(c, st, DB_CONFLICT);
}

static const char *
decision_state(const char *decision)
{
	if (strcmp(decision, "approve") == 0)
		return "approved";
	if (strcmp(decision, "reject") == 0)
		return "rejected";
	if (strcmp(decision, "need-info") == 0)
		return "need-info";
	return NULL;
}

int
db_fund_decide(struct db *db, int64_t id, const char *decision,
    int64_t approved, int64_t project_id, const void *reason, size_t rlen,
    int64_t by, int64_t now)
{
	const char *state = decision ? decision_state(decision) : NULL;
	const bool approve = state && strcmp(state, "approved") == 0;
	struct fund_request r;
	struct budget_line b;
	struct conn *c;
	sqlite3_stmt *st;
	bool own;
	int rc;

	if (state == NULL)
		return error("db: unknown fund decision");
	if ((st = q(db, Q_REQ_DECIDE, &c)) == NULL)
		return DB_ERROR;
	dbx_done(st);
	if (dbx_begin(c, &own) != DB_OK)
		return DB_ERROR;
	/* Read inside the write lock: what it says still holds below. */
	rc = db_fund_request_get(db, id, &r);
	if (rc == DB_OK && strcmp(r.state, "submitted") != 0)
		rc = DB_CONFLICT;
	if (rc == DB_OK && approve) {
		rc = db_project_budget(db, project_id, r.currency, &b);
		if (rc == DB_OK && (approved <= 0 || approved > r.amount ||
		    approved > b.budget - b.committed))
			rc = DB_FUND_LIMIT;
	}
	if (rc == DB_OK && approve) {
		if ((st = q(db, Q_COMMIT, &c)) == NULL)
			rc = DB_ERROR;
		else if (sqlite3_bind_int64(st, 1, project_id) |
		    dbx_bind_text(st, 2, r.currency) |
		    sqlite3_bind_int64(st, 3, approved))
			rc = dbx_bind_failed(c, st);
		else
			rc = change_one(c, st, DB_FUND_LIMIT);
	}
	if (rc == DB_OK) {
		if ((st = q(db, Q_REQ_DECIDE, &c)) == NULL)
			rc = DB_ERROR;
		else if (sqlite3_bind_int64(st, 1, id) |
		    dbx_bind_text(st, 2, state) |
		    (approve ? sqlite3_bind_int64(st, 3, approved) :
		    sqlite3_bind_null(st, 3)) |
		    dbx_bind_id(st, 4, approve ? project_id : 0) |
		    bind_blob(st, 5, reason, rlen) | dbx_bind_id(st, 6, by) |
		    sqlite3_bind_int64(st, 7, now))
			rc = dbx_bind_failed(c, st);
		else
			rc = change_one(c, st, DB_CONFLICT);
	}
	if (rc == DB_OK) {
		if ((st = q(db, Q_DECISION_ADD, &c)) == NULL)
			rc = DB_ERROR;
		else if (sqlite3_bind_int64(st, 1, id) |
		    dbx_bind_text(st, 2, decision) |
		    sqlite3_bind_int64(st, 3, now) | dbx_bind_id(st, 4, by))
			rc = dbx_bind_failed(c, st);
		else
			rc = run(c, st);
	}
	return dbx_end(c, own, rc);
}

int
db_fund_disburse(struct db *db, int64_t request_id, int64_t amount,
    const char *on_date, const void *note, size_t nlen, int64_t by,
    int64_t now, int64_t *id)
{
	struct fund_request r;
	struct conn *c;
	sqlite3_stmt *st;
	bool own;
	int rc;

	if ((st = q(db, Q_REQ_DISBURSE, &c)) == NULL)
		return DB_ERROR;
	dbx_done(st);
	if (dbx_begin(c, &own) != DB_OK)
		return DB_ERROR;
	rc = db_fund_request_get(db, request_id, &r);
	if (rc == DB_OK && strcmp(r.state, "approved") != 0)
		rc = DB_CONFLICT;
	if (rc == DB_OK && (amount <= 0 || amount > r.approved - r.disbursed))
		rc = DB_FUND_LIMIT;
	if (rc == DB_OK) {
		if ((st = q(db, Q_REQ_DISBURSE, &c)) == NULL)
			rc = DB_ERROR;
		else if (sqlite3_bind_int64(st, 1, request_id) |
		    sqlite3_bind_int64(st, 2, amount))
			rc = dbx_bind_failed(c, st);
		else
			rc = change_one(c, st, DB_FUND_LIMIT);
	}
	if (rc == DB_OK) {
		if ((st = q(db, Q_LINE_DISBURSE, &c)) == NULL)
			rc = DB_ERROR;
		else if (sqlite3_bind_int64(st, 1, request_id) |
		    sqlite3_bind_int64(st, 2, amount))
			rc = dbx_bind_failed(c, st);
		else
			rc = change_one(c, st, DB_FUND_LIMIT);
	}
	if (rc == DB_OK) {
		if ((st = q(db, Q_DISB_ADD, &c)) == NULL)
			rc = DB_ERROR;
		else if (sqlite3_bind_int64(st, 1, request_id) |
		    sqlite3_bind_int64(st, 2, amount) |
		    dbx_bind_text(st, 3, on_date) |
		    bind_blob(st, 4, note, nlen) | dbx_bind_id(st, 5, by) |
		    sqlite3_bind_int64(st, 6, now))
			rc = dbx_bind_failed(c, st);
		else
			rc = add(c, st, id);
	}
	return dbx_end(c, own, rc);
}

static int
disbursement_row(sqlite3_stmt *st, void *ctx)
{
	struct fund_disbursement *d = ctx;

	memset(d, 0, sizeof(*d));
	d->id = sqlite3_column_int64(st, 0);
	d->request_id = sqlite3_column_int64(st, 1);
	d->amount = sqlite3_column_int64(st, 2);
	dbx_col_text(st, 3, d->on_date, sizeof(d->on_date));
	d->note = sqlite3_column_blob(st, 4);
	d->note_len = (size_t)sqlite3_column_bytes(st, 4);
	dbx_col_text(st, 5, d->username, sizeof(d->username));
	d->created_at = sqlite3_column_int64(st, 6);
	return DB_OK;
}

DBX_ROWS(disbursement_rows, struct fund_disbursement, db_disbursement_cb,
    disbursement_row)

int
db_fund_disbursements(struct db *db, int64_t request_id,
    db_disbursement_cb cb, void *arg)
{
	struct conn *c;
	sqlite3_stmt *st = q(db, Q_DISB_LIST, &c);

	if (st == NULL)
		return DB_ERROR;
	if (sqlite3_bind_int64(st, 1, request_id))
		return dbx_bind_failed(c, st);
	return dbx_each(c, st, disbursement_rows,
	    &(struct disbursement_rows){ cb, arg });
}

struct turnaround_rows {
	db_turnaround_cb cb;
	void *arg;
};

static int
turnaround_rows(sqlite3_stmt *st, void *ctx)
{
	struct turnaround_rows *l = ctx;
	struct fund_turnaround_row t;

	memset(&t, 0, sizeof(t));
	dbx_col_text(st, 0, t.office_code, sizeof(t.office_code));
	t.seconds = sqlite3_column_int64(st, 1);
	t.case_id = sqlite3_column_int64(st, 2);
	t.case_office_id = sqlite3_column_int64(st, 3);
	t.case_assigned_to = sqlite3_column_int64(st, 4);
	t.case_high_risk = sqlite3_column_int(st, 5) != 0;
	return l->cb(l->arg, &t);
}

int
db_fund_turnaround(struct db *db, db_turnaround_cb cb, void *arg)
{
	struct conn *c;
	sqlite3_stmt *st = q(db, Q_TURNAROUND, &c);

	if (st == NULL)
		return DB_ERROR;
	return dbx_each(c, st, turnaround_rows,
	    &(struct turnaround_rows){ cb, arg });
}

static int
decision_row(sqlite3_stmt *st, void *ctx)
{
	struct fund_decision *d = ctx;

	memset(d, 0, sizeof(*d));
	d->id = sqlite3_column_int64(st, 0);
	dbx_col_text(st, 1, d->decision, sizeof(d->decision));
	d->amount = sqlite3_column_int64(st, 2);
	d->reason = sqlite3_column_blob(st, 3);
	d->reason_len = (size_t)sqlite3_column_bytes(st, 3);
	dbx_col_text(st, 4, d->username, sizeof(d->username));
	d->submitted_at = sqlite3_column_int64(st, 5);
	d->decided_at = sqlite3_column_int64(st, 6);
	return DB_OK;
}

DBX_ROWS(decision_rows, struct fund_decision, db_decision_cb, decision_row)

int
db_fund_decisions(struct db *db, int64_t request_id, db_decision_cb cb,
    void *arg)
{
	struct conn *c;
	sqlite3_stmt *st = q(db, Q_DECISIONS, &c);

	if (st == NULL)
		return DB_ERROR;
	if (sqlite3_bind_int64(st, 1, request_id))
		return dbx_bind_failed(c, st);
	return dbx_each(c, st, decision_rows,
	    &(struct decision_rows){ cb, arg });
}
