/*
 * db_sqlite_access.c - the SQLite backend of db.h for the health and
 * case access grants, high-risk cases, handovers between offices and the
 * case timeline.
 */
#include "compat.h"

#include <stdio.h>
#include <string.h>

#include "db_sqlite_int.h"
#include "log.h"

enum {
	Q_HEALTH_ACCESS,
	Q_CASE_ACCESS,
	Q_HIGH_RISK,
	Q_MOVE,
	Q_MOVE_HISTORY,
	Q_HISTORY_GET,
	Q_HISTORY_END,
	Q_EVENT_ADD,
	Q_EVENT_LIST,
	Q__MAX
};

static const char *const sql[Q__MAX] = {
	[Q_HEALTH_ACCESS] =
	    "UPDATE users SET health_access = ?2 WHERE id = ?1",
	[Q_CASE_ACCESS] =
	    "UPDATE users SET case_access = ?2 WHERE id = ?1",
	[Q_HIGH_RISK] = "UPDATE cases SET high_risk = ?2 WHERE id = ?1",
	[Q_MOVE] =
	    /* The case keeps its number; its sequence moves past the
	     * destination's, which (office, year, seq) keeps unique. */
	    "UPDATE cases SET office_id = ?3, assigned_to = ?4, "
	    "seq = (SELECT coalesce(max(o.seq), 0) + 1 FROM cases o "
	    "WHERE o.office_id = ?3 AND o.year = cases.year), "
	    "updated_at = ?5, version = version + 1 "
	    "WHERE id = ?1 AND office_id = ?2",
	[Q_MOVE_HISTORY] =
	    "INSERT INTO case_offices (case_id, office_id, since) "
	    "VALUES (?1, ?2, ?3) ON CONFLICT (case_id, office_id) DO NOTHING",
	[Q_HISTORY_GET] =
	    "SELECT 1 FROM case_offices WHERE case_id = ?1 AND office_id = ?2",
	[Q_HISTORY_END] =
	    "SELECT coalesce(max(e.id), 0) FROM case_events e "
	    "JOIN case_transfers t ON t.id = e.ref_id "
	    "WHERE e.case_id = ?1 AND e.kind = 'transfer.accepted' "
	    "AND t.case_id = ?1 AND t.from_office = ?2 AND t.state = 'accepted'",
	[Q_EVENT_ADD] =
	    "INSERT INTO case_events (case_id, at, on_date, user_id, "
	    "office_id, kind, ref_id, restricted, detail) "
	    "VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9)",
	[Q_EVENT_LIST] =
	    "SELECT e.id, e.case_id, e.at, coalesce(e.on_date, ''), "
	    "coalesce(e.user_id, 0), coalesce(u.username, ''), "
	    "coalesce(e.office_id, 0), coalesce(o.code, ''), e.kind, "
	    "coalesce(e.ref_id, 0), e.restricted, e.detail "
	    "FROM case_events e LEFT JOIN users u ON u.id = e.user_id "
	    "LEFT JOIN offices o ON o.id = e.office_id "
	    "WHERE e.case_id = ?1 "
	    "ORDER BY coalesce(e.on_date, date(e.at, 'unixepoch')), e.at, e.id",
};

static sqlite3_stmt *
q(struct db *db, int id, struct conn **c)
{
	return dbx_stmt(db, DBX_ACCESS + id, sql[id], c);
}

/* Sets the flag of row id by stmt (?1 the id, ?2 the flag). */
static int
set_flag(struct db *db, int stmt, int64_t id, bool on)
{
	struct conn *c;
	sqlite3_stmt *st = q(db, stmt, &c);

	if (st == NULL)
		return DB_ERROR;
	if (sqlite3_bind_int64(st, 1, id) | sqlite3_bind_int(st, 2, on))
		return dbx_bind_failed(c, st);
	return dbx_change(c, st, DB_NOTFOUND);
}

int
db_user_set_health_access(struct db *db, int64_t id, bool on)
{
	return set_flag(db, Q_HEALTH_ACCESS, id, on);
}

int
db_user_set_case_access(struct db *db, int64_t id, bool on)
{
	return set_flag(db, Q_CASE_ACCESS, id, on);
}

int
db_case_set_high_risk(struct db *db, int64_t id, bool on)
{
	return set_flag(db, Q_HIGH_RISK, id, on);
}

int
db_case_move(struct db *db, int64_t id, int64_t from_office,
    int64_t to_office, int64_t assigned_to, int64_t now)
{
	struct conn *c;
	sqlite3_stmt *st;
	bool own;
	int rc;

	if (from_office == to_office)
		return error("db: a case cannot move to its own office");
	if ((st = q(db, Q_MOVE, &c)) == NULL)
		return DB_ERROR;
	if (dbx_begin(c, &own) != DB_OK) {
		dbx_done(st);
		return DB_ERROR;
	}
	if (sqlite3_bind_int64(st, 1, id) |
	    sqlite3_bind_int64(st, 2, from_office) |
	    sqlite3_bind_int64(st, 3, to_office) |
	    dbx_bind_id(st, 4, assigned_to) |
	    sqlite3_bind_int64(st, 5, now)) {
		rc = dbx_bind_failed(c, st);
		return dbx_end(c, own, rc);
	}
	rc = dbx_change(c, st, DB_NOTFOUND);
	if (rc == DB_OK) {
		if ((st = q(db, Q_MOVE_HISTORY, &c)) == NULL)
			rc = DB_ERROR;
		else if (sqlite3_bind_int64(st, 1, id) |
		    sqlite3_bind_int64(st, 2, from_office) |
		    sqlite3_bind_int64(st, 3, now))
			rc = dbx_bind_failed(c, st);
		else
			rc = dbx_run(c, st);
	}
	return dbx_end(c, own, rc);
}

int
db_case_history_office(struct db *db, int64_t id, int64_t office_id)
{
	struct conn *c;
	sqlite3_stmt *st = q(db, Q_HISTORY_GET, &c);

	if (st == NULL)
		return DB_ERROR;
	if (sqlite3_bind_int64(st, 1, id) |
	    sqlite3_bind_int64(st, 2, office_id))
		return dbx_bind_failed(c, st);
	return dbx_one(c, st, NULL, NULL);
}

int
db_case_history_end(struct db *db, int64_t id, int64_t office_id,
    int64_t *event_id)
{
	struct conn *c;
	sqlite3_stmt *st = q(db, Q_HISTORY_END, &c);

	*event_id = 0;
	if (st == NULL)
		return DB_ERROR;
	if (sqlite3_bind_int64(st, 1, id) |
	    sqlite3_bind_int64(st, 2, office_id))
		return dbx_bind_failed(c, st);
	return dbx_int64(c, st, event_id);
}

int
db_event_add(struct db *db, const struct case_event *e)
{
	struct conn *c;
	sqlite3_stmt *st = q(db, Q_EVENT_ADD, &c);

	if (st == NULL)
		return DB_ERROR;
	if (sqlite3_bind_int64(st, 1, e->case_id) |
	    sqlite3_bind_int64(st, 2, e->at) |
	    dbx_bind_text(st, 3, e->on_date[0] ? e->on_date : NULL) |
	    dbx_bind_id(st, 4, e->user_id) |
	    dbx_bind_id(st, 5, e->office_id) |
	    dbx_bind_text(st, 6, e->kind) |
	    dbx_bind_id(st, 7, e->ref_id) |
	    sqlite3_bind_int(st, 8, e->restricted) |
	    dbx_bind_text(st, 9, e->detail[0] ? e->detail : "{}"))
		return dbx_bind_failed(c, st);
	return dbx_run(c, st);
}

static int
event_read(sqlite3_stmt *st, void *p)
{
	struct case_event *e = p;

	memset(e, 0, sizeof(*e));
	e->id = sqlite3_column_int64(st, 0);
	e->case_id = sqlite3_column_int64(st, 1);
	e->at = sqlite3_column_int64(st, 2);
	dbx_col_text(st, 3, e->on_date, sizeof(e->on_date));
	e->user_id = sqlite3_column_int64(st, 4);
	dbx_col_text(st, 5, e->username, sizeof(e->username));
	e->office_id = sqlite3_column_int64(st, 6);
	dbx_col_text(st, 7, e->office_code, sizeof(e->office_code));
	dbx_col_text(st, 8, e->kind, sizeof(e->kind));
	e->ref_id = sqlite3_column_int64(st, 9);
	e->restricted = sqlite3_column_int(st, 10) != 0;
	dbx_col_text(st, 11, e->detail, sizeof(e->detail));
	return DB_OK;
}

DBX_ROWS(event_rows, struct case_event, db_event_cb, event_read)

int
db_event_list(struct db *db, int64_t case_id, db_event_cb cb, void *arg)
{
	struct conn *c;
	sqlite3_stmt *st = q(db, Q_EVENT_LIST, &c);

	if (st == NULL)
		return DB_ERROR;
	if (sqlite3_bind_int64(st, 1, case_id))
		return dbx_bind_failed(c, st);
	return dbx_each(c, st, event_rows, &(struct event_rows){ cb, arg });
}
