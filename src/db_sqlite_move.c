/*
 * db_sqlite_move.c - the SQLite backend of db.h for voluntary returns,
 * handovers between offices, reintegration plans and monitoring visits
 * (schema 6, and case_transfers of schema 4).
 */
#include "compat.h"

#include <stdio.h>
#include <string.h>

#include "db_sqlite_int.h"
#include "log.h"

enum {
	Q_RET_ADD,
	Q_RET_LATEST,
	Q_RET_LATEST_OF,
	Q_RET_UPDATE,
	Q_RET_COUNTS,
	Q_TR_ADD,
	Q_TR_GET,
	Q_TR_DECIDE,
	Q_TR_NOTE,
	Q_TR_LIST_IN,
	Q_TR_LIST_OUT,
	Q_RE_GET,
	Q_RE_ADD,
	Q_RE_UPDATE,
	Q_VI_ADD,
	Q_VI_COUNT,
	Q_VI_LIST,
	Q_VI_GET,
	Q_VI_RECORD,
	Q_VI_MOVE,
	Q_VI_DUE,
	Q_STRANDED,
	Q__MAX
};

#define RET_COLS \
	"r.id, r.case_id, r.office_id, r.dest_office, o.code, d.code, " \
	"r.stage, coalesce(r.requested_on, ''), " \
	"coalesce(r.counselled_on, ''), coalesce(r.planned_on, ''), " \
	"coalesce(r.departed_on, ''), coalesce(r.arrived_on, ''), " \
	"coalesce(r.cancelled_on, ''), r.body, r.created_at, r.updated_at, " \
	"r.version "

#define TR_COLS \
	"t.id, t.case_id, c.number, t.from_office, t.to_office, f.code, " \
	"o.code, t.state, coalesce(t.requested_by, 0), t.requested_at, " \
	"coalesce(t.decided_by, 0), coalesce(t.decided_at, 0), " \
	"coalesce(u.username, ''), c.office_id, " \
	"coalesce(c.assigned_to, 0), c.high_risk, " \
	"coalesce(r.stage, ''), coalesce(r.requested_on, ''), " \
	"coalesce(r.departed_on, ''), coalesce(r.arrived_on, ''), " \
	"t.note IS NOT NULL "

#define TR_FROM \
	"FROM case_transfers t JOIN cases c ON c.id = t.case_id " \
	"JOIN offices f ON f.id = t.from_office " \
	"JOIN offices o ON o.id = t.to_office " \
	"LEFT JOIN users u ON u.id = t.requested_by " \
	"LEFT JOIN case_returns r ON r.id = (SELECT max(id) FROM " \
	"case_returns WHERE case_id = t.case_id) "

#define VI_COLS \
	"v.id, v.case_id, v.due_on, v.status, coalesce(v.done_on, ''), " \
	"v.body, c.number, c.office_id, o.code, coalesce(c.assigned_to, 0), " \
	"coalesce(u.username, ''), c.high_risk "

#define VI_FROM \
	"FROM monitoring_visits v JOIN cases c ON c.id = v.case_id " \
	"JOIN offices o ON o.id = c.office_id " \
	"LEFT JOIN users u ON u.id = c.assigned_to "

static const char *const sql[Q__MAX] = {
	[Q_RET_ADD] =
	    "INSERT INTO case_returns (case_id, office_id, dest_office, stage, "
	    "requested_on, body, created_by, created_at, updated_by, "
	    "updated_at) VALUES (?1, ?2, ?3, ?4, ?5, X'', ?6, ?7, ?6, ?7)",
	[Q_RET_LATEST] =
	    "SELECT " RET_COLS "FROM case_returns r "
	    "JOIN offices o ON o.id = r.office_id "
	    "JOIN offices d ON d.id = r.dest_office "
	    "WHERE r.case_id = ?1 ORDER BY r.id DESC LIMIT 1",
	[Q_RET_LATEST_OF] =
	    "SELECT " RET_COLS "FROM case_returns r "
	    "JOIN offices o ON o.id = r.office_id "
	    "JOIN offices d ON d.id = r.dest_office "
	    "WHERE r.case_id = ?1 AND r.office_id = ?2 "
	    "ORDER BY r.id DESC LIMIT 1",
	[Q_RET_UPDATE] =
	    "UPDATE case_returns SET stage = ?3, requested_on = ?4, "
	    "counselled_on = ?5, planned_on = ?6, departed_on = ?7, "
	    "arrived_on = ?8, cancelled_on = ?9, body = ?10, "
	    "updated_by = ?11, updated_at = ?12, version = version + 1 "
	    "WHERE id = ?1 AND version = ?2",
	[Q_RET_COUNTS] =
	    "SELECT r.stage, count(*) FROM case_returns r "
	    "JOIN cases c ON c.id = r.case_id "
	    "WHERE ?1 = 0 OR c.office_id = ?1 GROUP BY r.stage "
	    "ORDER BY r.stage",
	[Q_TR_ADD] =
	    "INSERT INTO case_transfers (case_id, from_office, to_office, "
	    "state, requested_by, requested_at) "
	    "VALUES (?1, ?2, ?3, 'pending', ?4, ?5)",
	[Q_TR_GET] = "SELECT " TR_COLS TR_FROM "WHERE t.id = ?1",
	[Q_TR_DECIDE] =
	    "UPDATE case_transfers SET state = ?2, note = ?3, "
	    "decided_by = ?4, decided_at = ?5 "
	    "WHERE id = ?1 AND state = 'pending'",
	[Q_TR_NOTE] = "SELECT note FROM case_transfers WHERE id = ?1",
	[Q_TR_LIST_IN] =
	    "SELECT " TR_COLS TR_FROM "WHERE t.to_office = ?1 "
	    "AND (?2 = 0 OR t.case_id = ?2) "
	    "AND (?3 = 0 OR t.state = 'pending') ORDER BY t.id DESC",
	[Q_TR_LIST_OUT] =
	    "SELECT " TR_COLS TR_FROM "WHERE t.from_office = ?1 "
	    "AND (?2 = 0 OR t.case_id = ?2) "
	    "AND (?3 = 0 OR t.state = 'pending') ORDER BY t.id DESC",
	[Q_RE_GET] =
	    "SELECT id, case_id, plan_type, plan_date, coalesce(outcome, ''), "
	    "body, created_at, updated_at, version FROM reintegration_plans "
	    "WHERE case_id = ?1",
	[Q_RE_ADD] =
	    "INSERT INTO reintegration_plans (case_id, plan_type, plan_date, "
	    "outcome, body, created_by, created_at, updated_by, updated_at) "
	    "VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?6, ?7)",
	[Q_RE_UPDATE] =
	    "UPDATE reintegration_plans SET plan_type = ?3, plan_date = ?4, "
	    "outcome = ?5, body = ?6, updated_by = ?7, updated_at = ?8, "
	    "version = version + 1 WHERE id = ?1 AND version = ?2",
	[Q_VI_ADD] =
	    "INSERT INTO monitoring_visits (case_id, due_on, created_at, "
	    "updated_at) VALUES (?1, ?2, ?3, ?3)",
	[Q_VI_COUNT] =
	    "SELECT count(*) FROM monitoring_visits WHERE case_id = ?1",
	[Q_VI_LIST] =
	    "SELECT " VI_COLS VI_FROM "WHERE v.case_id = ?1 "
	    "ORDER BY v.due_on, v.id",
	[Q_VI_GET] = "SELECT " VI_COLS VI_FROM "WHERE v.id = ?1",
	[Q_VI_RECORD] =
	    "UPDATE monitoring_visits SET status = ?2, done_on = ?3, "
	    "body = ?4, updated_by = ?5, updated_at = ?6 WHERE id = ?1",
	[Q_VI_MOVE] =
	    "UPDATE monitoring_visits SET due_on = ?2, updated_by = ?3, "
	    "updated_at = ?4 WHERE id = ?1 AND status = 'Scheduled'",
	[Q_VI_DUE] =
	    "SELECT " VI_COLS VI_FROM "WHERE v.status = 'Scheduled' "
	    "AND c.status IN ('Active', 'FollowUp') "
	    "AND v.due_on <= ?1 AND (?2 = 0 OR c.office_id = ?2) "
	    "AND (?3 = 0 OR c.assigned_to = ?3) ORDER BY v.due_on, v.id",
	[Q_STRANDED] =
	    "SELECT c.id, c.number, c.assigned_to, u.username, u.disabled, "
	    "c.updated_at FROM cases c JOIN users u ON u.id = c.assigned_to "
	    "WHERE c.office_id = ?1 AND c.status IN ('Active', 'FollowUp') "
	    "AND (u.disabled = 1 OR u.office_id IS NOT c.office_id) "
	    "ORDER BY c.updated_at, c.id",
};

static sqlite3_stmt *
q(struct db *db, int id, struct conn **c)
{
	return dbx_stmt(db, DBX_MOVE + id, sql[id], c);
}

/* "" binds NULL. */
static int
bind_date(sqlite3_stmt *st, int i, const char *s)
{
	return dbx_bind_text(st, i, s && *s ? s : NULL);
}

/* --- returns --- */

int
db_return_add(struct db *db, struct return_row *rr, int64_t by, int64_t now)
{
	struct conn *c;
	sqlite3_stmt *st = q(db, Q_RET_ADD, &c);

	if (st == NULL)
		return DB_ERROR;
	if (sqlite3_bind_int64(st, 1, rr->case_id) |
	    sqlite3_bind_int64(st, 2, rr->office_id) |
	    sqlite3_bind_int64(st, 3, rr->dest_office) |
	    dbx_bind_text(st, 4, rr->stage) |
	    bind_date(st, 5, rr->requested_on) |
	    dbx_bind_id(st, 6, by) |
	    sqlite3_bind_int64(st, 7, now))
		return dbx_bind_failed(c, st);
	return dbx_insert(c, st, &rr->id);
}

static int
return_read(sqlite3_stmt *st, void *p)
{
	struct return_row *rr = p;
	int rc;

	rr->id = sqlite3_column_int64(st, 0);
	rr->case_id = sqlite3_column_int64(st, 1);
	rr->office_id = sqlite3_column_int64(st, 2);
	rr->dest_office = sqlite3_column_int64(st, 3);
	dbx_col_text(st, 4, rr->office_code, sizeof(rr->office_code));
	dbx_col_text(st, 5, rr->dest_code, sizeof(rr->dest_code));
	dbx_col_text(st, 6, rr->stage, sizeof(rr->stage));
	dbx_col_text(st, 7, rr->requested_on, sizeof(rr->requested_on));
	dbx_col_text(st, 8, rr->counselled_on, sizeof(rr->counselled_on));
	dbx_col_text(st, 9, rr->planned_on, sizeof(rr->planned_on));
	dbx_col_text(st, 10, rr->departed_on, sizeof(rr->departed_on));
	dbx_col_text(st, 11, rr->arrived_on, sizeof(rr->arrived_on));
	dbx_col_text(st, 12, rr->cancelled_on, sizeof(rr->cancelled_on));
	rc = dbx_col_blob(st, 13, &rr->body, &rr->len);
	rr->created_at = sqlite3_column_int64(st, 14);
	rr->updated_at = sqlite3_column_int64(st, 15);
	rr->version = sqlite3_column_int(st, 16);
	return rc;
}

int
db_return_latest(struct db *db, int64_t case_id, struct return_row *rr)
{
	struct conn *c;
	sqlite3_stmt *st = q(db, Q_RET_LATEST, &c);

	memset(rr, 0, sizeof(*rr));
	if (st == NULL)
		return DB_ERROR;
	if (sqlite3_bind_int64(st, 1, case_id))
		return dbx_bind_failed(c, st);
	return dbx_one(c, st, return_read, rr);
}

int
db_return_latest_of(struct db *db, int64_t case_id, int64_t office_id,
    struct return_row *rr)
{
	struct conn *c;
	sqlite3_stmt *st = q(db, Q_RET_LATEST_OF, &c);

	memset(rr, 0, sizeof(*rr));
	if (st == NULL)
		return DB_ERROR;
	if (sqlite3_bind_int64(st, 1, case_id) |
	    sqlite3_bind_int64(st, 2, office_id))
		return dbx_bind_failed(c, st);
	return dbx_one(c, st, return_read, rr);
}

int
db_return_update(struct db *db, const struct return_row *rr, int64_t by,
    int64_t now)
{
	struct conn *c;
	sqlite3_stmt *st = q(db, Q_RET_UPDATE, &c);

	if (st == NULL)
		return DB_ERROR;
	if (sqlite3_bind_int64(st, 1, rr->id) |
	    sqlite3_bind_int(st, 2, rr->version) |
	    dbx_bind_text(st, 3, rr->stage) |
	    bind_date(st, 4, rr->requested_on) |
	    bind_date(st, 5, rr->counselled_on) |
	    bind_date(st, 6, rr->planned_on) |
	    bind_date(st, 7, rr->departed_on) |
	    bind_date(st, 8, rr->arrived_on) |
	    bind_date(st, 9, rr->cancelled_on) |
	    sqlite3_bind_blob(st, 10, rr->body ? (const void *)rr->body : "",
	    (int)rr->len, SQLITE_TRANSIENT) |
	    dbx_bind_id(st, 11, by) |
	    sqlite3_bind_int64(st, 12, now))
		return dbx_bind_failed(c, st);
	return dbx_change(c, st, DB_CONFLICT);
}

struct stage_rows {
	db_stage_count_cb cb;
	void *arg;
};

static int
stage_rows(sqlite3_stmt *st, void *ctx)
{
	struct stage_rows *l = ctx;
	char stage[DB_STATE_MAX];

	dbx_col_text(st, 0, stage, sizeof(stage));
	return l->cb(l->arg, stage, sqlite3_column_int64(st, 1));
}

int
db_return_stage_counts(struct db *db, int64_t office_id,
    db_stage_count_cb cb, void *arg)
{
	struct conn *c;
	sqlite3_stmt *st = q(db, Q_RET_COUNTS, &c);

	if (st == NULL)
		return DB_ERROR;
	if (sqlite3_bind_int64(st, 1, office_id))
		return dbx_bind_failed(c, st);
	return dbx_each(c, st, stage_rows, &(struct stage_rows){ cb, arg });
}

/* --- transfers --- */

int
db_transfer_add(struct db *db, int64_t case_id, int64_t from_office,
    int64_t to_office, int64_t by, int64_t now, int64_t *id)
{
	struct conn *c;
	sqlite3_stmt *st = q(db, Q_TR_ADD, &c);

	if (st == NULL)
		return DB_ERROR;
	if (sqlite3_bind_int64(st, 1, case_id) |
	    sqlite3_bind_int64(st, 2, from_office) |
	    sqlite3_bind_int64(st, 3, to_office) |
	    dbx_bind_id(st, 4, by) |
	    sqlite3_bind_int64(st, 5, now))
		return dbx_bind_failed(c, st);
	return dbx_insert(c, st, id);
}

static int
transfer_cols(sqlite3_stmt *st, void *p)
{
	struct transfer_row *t = p;

	memset(t, 0, sizeof(*t));
	t->id = sqlite3_column_int64(st, 0);
	t->case_id = sqlite3_column_int64(st, 1);
	dbx_col_text(st, 2, t->case_number, sizeof(t->case_number));
	t->from_office = sqlite3_column_int64(st, 3);
	t->to_office = sqlite3_column_int64(st, 4);
	dbx_col_text(st, 5, t->from_code, sizeof(t->from_code));
	dbx_col_text(st, 6, t->to_code, sizeof(t->to_code));
	dbx_col_text(st, 7, t->state, sizeof(t->state));
	t->requested_by = sqlite3_column_int64(st, 8);
	t->requested_at = sqlite3_column_int64(st, 9);
	t->decided_by = sqlite3_column_int64(st, 10);
	t->decided_at = sqlite3_column_int64(st, 11);
	dbx_col_text(st, 12, t->requested_username,
	    sizeof(t->requested_username));
	t->case_office = sqlite3_column_int64(st, 13);
	t->case_assigned = sqlite3_column_int64(st, 14);
	t->high_risk = sqlite3_column_int(st, 15) != 0;
	dbx_col_text(st, 16, t->ret_stage, sizeof(t->ret_stage));
	dbx_col_text(st, 17, t->ret_requested_on, sizeof(t->ret_requested_on));
	dbx_col_text(st, 18, t->ret_departed_on, sizeof(t->ret_departed_on));
	dbx_col_text(st, 19, t->ret_arrived_on, sizeof(t->ret_arrived_on));
	t->has_note = sqlite3_column_int(st, 20) != 0;
	return DB_OK;
}

DBX_ROWS(transfer_rows, struct transfer_row, db_transfer_cb, transfer_cols)

int
db_transfer_get(struct db *db, int64_t id, struct transfer_row *t)
{
	struct conn *c;
	sqlite3_stmt *st = q(db, Q_TR_GET, &c);

	if (st == NULL)
		return DB_ERROR;
	if (sqlite3_bind_int64(st, 1, id))
		return dbx_bind_failed(c, st);
	return dbx_one(c, st, transfer_cols, t);
}

int
db_transfer_decide(struct db *db, int64_t id, const char *state,
    const void *note, size_t note_len, int64_t by, int64_t now)
{
	struct conn *c;
	sqlite3_stmt *st = q(db, Q_TR_DECIDE, &c);
	int brc;

	if (st == NULL)
		return DB_ERROR;
	brc = note ? sqlite3_bind_blob(st, 3, note, (int)note_len,
	    SQLITE_TRANSIENT) : sqlite3_bind_null(st, 3);
	if (sqlite3_bind_int64(st, 1, id) | dbx_bind_text(st, 2, state) | brc |
	    dbx_bind_id(st, 4, by) | sqlite3_bind_int64(st, 5, now))
		return dbx_bind_failed(c, st);
	return dbx_change(c, st, DB_NOTFOUND);
}

/* A blob out of a one-row SELECT: its column 0. */
struct blob_out {
	unsigned char **blob;
	size_t *len;
};

static int
note_read(sqlite3_stmt *st, void *p)
{
	struct blob_out *b = p;

	return dbx_col_blob(st, 0, b->blob, b->len);
}

int
db_transfer_note(struct db *db, int64_t id, unsigned char **blob,
    size_t *len)
{
	struct conn *c;
	sqlite3_stmt *st = q(db, Q_TR_NOTE, &c);

	*blob = NULL;
	*len = 0;
	if (st == NULL)
		return DB_ERROR;
	if (sqlite3_bind_int64(st, 1, id))
		return dbx_bind_failed(c, st);
	return dbx_one(c, st, note_read, &(struct blob_out){ blob, len });
}

int
db_transfer_list(struct db *db, int64_t office_id, bool incoming,
    int64_t case_id, bool pending_only, db_transfer_cb cb, void *arg)
{
	struct conn *c;
	sqlite3_stmt *st = q(db, incoming ? Q_TR_LIST_IN : Q_TR_LIST_OUT, &c);

	if (st == NULL)
		return DB_ERROR;
	if (sqlite3_bind_int64(st, 1, office_id) |
	    sqlite3_bind_int64(st, 2, case_id) |
	    sqlite3_bind_int(st, 3, pending_only))
		return dbx_bind_failed(c, st);
	return dbx_each(c, st, transfer_rows,
	    &(struct transfer_rows){ cb, arg });
}

/* --- reintegration plans --- */

static int
reint_read(sqlite3_stmt *st, void *ctx)
{
	struct reint_row *p = ctx;
	int rc;

	p->id = sqlite3_column_int64(st, 0);
	p->case_id = sqlite3_column_int64(st, 1);
	dbx_col_text(st, 2, p->plan_type, sizeof(p->plan_type));
	dbx_col_text(st, 3, p->plan_date, sizeof(p->plan_date));
	dbx_col_text(st, 4, p->outcome, sizeof(p->outcome));
	rc = dbx_col_blob(st, 5, &p->body, &p->len);
	p->created_at = sqlite3_column_int64(st, 6);
	p->updated_at = sqlite3_column_int64(st, 7);
	p->version = sqlite3_column_int(st, 8);
	return rc;
}

int
db_reint_get(struct db *db, int64_t case_id, struct reint_row *p)
{
	struct conn *c;
	sqlite3_stmt *st = q(db, Q_RE_GET, &c);

	memset(p, 0, sizeof(*p));
	if (st == NULL)
		return DB_ERROR;
	if (sqlite3_bind_int64(st, 1, case_id))
		return dbx_bind_failed(c, st);
	return dbx_one(c, st, reint_read, p);
}

int
db_reint_put(struct db *db, struct reint_row *p, int64_t by, int64_t now)
{
	struct conn *c;
	sqlite3_stmt *st;
	const void *body = p->body ? (const void *)p->body : "";

	if (p->id == 0) {
		if ((st = q(db, Q_RE_ADD, &c)) == NULL)
			return DB_ERROR;
		if (sqlite3_bind_int64(st, 1, p->case_id) |
		    dbx_bind_text(st, 2, p->plan_type) |
		    dbx_bind_text(st, 3, p->plan_date) |
		    bind_date(st, 4, p->outcome) |
		    sqlite3_bind_blob(st, 5, body, (int)p->len,
		    SQLITE_TRANSIENT) |
		    dbx_bind_id(st, 6, by) | sqlite3_bind_int64(st, 7, now))
			return dbx_bind_failed(c, st);
		return dbx_insert(c, st, &p->id);
	}
	if ((st = q(db, Q_RE_UPDATE, &c)) == NULL)
		return DB_ERROR;
	if (sqlite3_bind_int64(st, 1, p->id) |
	    sqlite3_bind_int(st, 2, p->version) |
	    dbx_bind_text(st, 3, p->plan_type) |
	    dbx_bind_text(st, 4, p->plan_date) |
	    bind_date(st, 5, p->outcome) |
	    sqlite3_bind_blob(st, 6, body, (int)p->len, SQLITE_TRANSIENT) |
	    dbx_bind_id(st, 7, by) | sqlite3_bind_int64(st, 8, now))
		return dbx_bind_failed(c, st);
	return dbx_change(c, st, DB_CONFLICT);
}

/* --- visits --- */

int
db_visit_add(struct db *db, int64_t case_id, const char *due_on,
    int64_t now, int64_t *id)
{
	struct conn *c;
	sqlite3_stmt *st = q(db, Q_VI_ADD, &c);

	if (st == NULL)
		return DB_ERROR;
	if (sqlite3_bind_int64(st, 1, case_id) | dbx_bind_text(st, 2, due_on) |
	    sqlite3_bind_int64(st, 3, now))
		return dbx_bind_failed(c, st);
	return dbx_insert(c, st, id);
}

int
db_visit_count(struct db *db, int64_t case_id, int64_t *n)
{
	struct conn *c;
	sqlite3_stmt *st = q(db, Q_VI_COUNT, &c);

	*n = 0;
	if (st == NULL)
		return DB_ERROR;
	if (sqlite3_bind_int64(st, 1, case_id))
		return dbx_bind_failed(c, st);
	return dbx_int64(c, st, n);
}

static int
visit_cols(sqlite3_stmt *st, void *p)
{
	struct visit_row *v = p;

	memset(v, 0, sizeof(*v));
	v->id = sqlite3_column_int64(st, 0);
	v->case_id = sqlite3_column_int64(st, 1);
	dbx_col_text(st, 2, v->due_on, sizeof(v->due_on));
	dbx_col_text(st, 3, v->status, sizeof(v->status));
	dbx_col_text(st, 4, v->done_on, sizeof(v->done_on));
	v->body = sqlite3_column_blob(st, 5);
	v->len = (size_t)sqlite3_column_bytes(st, 5);
	if (v->len == 0)
		v->body = NULL;
	dbx_col_text(st, 6, v->case_number, sizeof(v->case_number));
	v->office_id = sqlite3_column_int64(st, 7);
	dbx_col_text(st, 8, v->office_code, sizeof(v->office_code));
	v->assigned_to = sqlite3_column_int64(st, 9);
	dbx_col_text(st, 10, v->assigned_username,
	    sizeof(v->assigned_username));
	v->high_risk = sqlite3_column_int(st, 11) != 0;
	return DB_OK;
}

DBX_ROWS(visit_rows, struct visit_row, db_visit_cb, visit_cols)

int
db_visit_list(struct db *db, int64_t case_id, db_visit_cb cb, void *arg)
{
	struct conn *c;
	sqlite3_stmt *st = q(db, Q_VI_LIST, &c);

	if (st == NULL)
		return DB_ERROR;
	if (sqlite3_bind_int64(st, 1, case_id))
		return dbx_bind_failed(c, st);
	return dbx_each(c, st, visit_rows, &(struct visit_rows){ cb, arg });
}

/* A visit with its body copied out. */
struct visit_out {
	struct visit_row *v;
	unsigned char **blob;
	size_t *blen;
};

static int
visit_read(sqlite3_stmt *st, void *p)
{
	struct visit_out *o = p;
	int rc;

	visit_cols(st, o->v);
	rc = dbx_col_blob(st, 5, o->blob, o->blen);
	o->v->body = NULL;
	o->v->len = 0;
	return rc;
}

int
db_visit_get(struct db *db, int64_t id, struct visit_row *v,
    unsigned char **blob, size_t *blen)
{
	struct conn *c;
	sqlite3_stmt *st = q(db, Q_VI_GET, &c);

	*blob = NULL;
	*blen = 0;
	if (st == NULL)
		return DB_ERROR;
	if (sqlite3_bind_int64(st, 1, id))
		return dbx_bind_failed(c, st);
	return dbx_one(c, st, visit_read, &(struct visit_out){ v, blob, blen });
}

int
db_visit_record(struct db *db, int64_t id, const char *status,
    const char *done_on, const void *blob, size_t len, int64_t by,
    int64_t now)
{
	struct conn *c;
	sqlite3_stmt *st = q(db, Q_VI_RECORD, &c);
	int brc;

	if (st == NULL)
		return DB_ERROR;
	brc = blob ? sqlite3_bind_blob(st, 4, blob, (int)len,
	    SQLITE_TRANSIENT) : sqlite3_bind_null(st, 4);
	if (sqlite3_bind_int64(st, 1, id) | dbx_bind_text(st, 2, status) |
	    bind_date(st, 3, done_on) | brc | dbx_bind_id(st, 5, by) |
	    sqlite3_bind_int64(st, 6, now))
		return dbx_bind_failed(c, st);
	return dbx_change(c, st, DB_NOTFOUND);
}

int
db_visit_move(struct db *db, int64_t id, const char *due_on, int64_t by,
    int64_t now)
{
	struct conn *c;
	sqlite3_stmt *st = q(db, Q_VI_MOVE, &c);

	if (st == NULL)
		return DB_ERROR;
	if (sqlite3_bind_int64(st, 1, id) | dbx_bind_text(st, 2, due_on) |
	    dbx_bind_id(st, 3, by) | sqlite3_bind_int64(st, 4, now))
		return dbx_bind_failed(c, st);
	return dbx_change(c, st, DB_NOTFOUND);
}

int
db_visit_due(struct db *db, int64_t office_id, int64_t assignee,
    const char *until, db_visit_cb cb, void *arg)
{
	struct conn *c;
	sqlite3_stmt *st = q(db, Q_VI_DUE, &c);

	if (st == NULL)
		return DB_ERROR;
	if (dbx_bind_text(st, 1, until) |
	    sqlite3_bind_int64(st, 2, office_id) |
	    sqlite3_bind_int64(st, 3, assignee))
		return dbx_bind_failed(c, st);
	return dbx_each(c, st, visit_rows, &(struct visit_rows){ cb, arg });
}

static int
stranded_read(sqlite3_stmt *st, struct stranded_row *s)
{
	memset(s, 0, sizeof(*s));
	s->case_id = sqlite3_column_int64(st, 0);
	dbx_col_text(st, 1, s->case_number, sizeof(s->case_number));
	s->assigned_to = sqlite3_column_int64(st, 2);
	dbx_col_text(st, 3, s->username, sizeof(s->username));
	s->disabled = sqlite3_column_int(st, 4) != 0;
	s->updated_at = sqlite3_column_int64(st, 5);
	return DB_OK;
}

DBX_ROWS(stranded_rows, struct stranded_row, db_stranded_cb, stranded_read)

int
db_case_stranded(struct db *db, int64_t office_id, db_stranded_cb cb,
    void *arg)
{
	struct conn *c;
	sqlite3_stmt *st = q(db, Q_STRANDED, &c);

	if (st == NULL)
		return DB_ERROR;
	if (sqlite3_bind_int64(st, 1, office_id))
		return dbx_bind_failed(c, st);
	return dbx_each(c, st, stranded_rows, &(struct stranded_rows){ cb,
	    arg });
}
