/*
 * db_sqlite_auth.c - the SQLite backend of db.h for two-step
 * verification (user_totp).
 */
#include "compat.h"

#include <stdlib.h>
#include <string.h>

#include "db_sqlite_int.h"

enum {
	Q_TOTP_GET,
	Q_TOTP_PUT,
	Q_TOTP_USE,
	Q_TOTP_DELETE,
	Q__MAX
};

static const char *const sql[Q__MAX] = {
	[Q_TOTP_GET] =
	    "SELECT user_id, secret, active, last_step FROM user_totp "
	    "WHERE user_id = ?1",
	[Q_TOTP_PUT] =
	    "INSERT INTO user_totp (user_id, secret, active, last_step, "
	    "updated_at) VALUES (?1, ?2, ?3, ?4, ?5) "
	    "ON CONFLICT (user_id) DO UPDATE SET secret = excluded.secret, "
	    "active = excluded.active, last_step = excluded.last_step, "
	    "updated_at = excluded.updated_at",
	[Q_TOTP_USE] =
	    "UPDATE user_totp SET last_step = ?2 "
	    "WHERE user_id = ?1 AND last_step < ?2",
	[Q_TOTP_DELETE] = "DELETE FROM user_totp WHERE user_id = ?1",
};

static sqlite3_stmt *
q(struct db *db, int id, struct conn **c)
{
	return dbx_stmt(db, DBX_AUTH + id, sql[id], c);
}

static int
totp_read(sqlite3_stmt *st, void *ctx)
{
	struct totp_row *t = ctx;

	t->user_id = sqlite3_column_int64(st, 0);
	if (dbx_col_blob(st, 1, &t->secret, &t->len) != DB_OK)
		return DB_ERROR;
	t->active = sqlite3_column_int(st, 2) != 0;
	t->last_step = sqlite3_column_int64(st, 3);
	return DB_OK;
}

int
db_totp_get(struct db *db, int64_t user_id, struct totp_row *t)
{
	struct conn *c;
	sqlite3_stmt *st = q(db, Q_TOTP_GET, &c);

	memset(t, 0, sizeof(*t));
	if (st == NULL)
		return DB_ERROR;
	if (sqlite3_bind_int64(st, 1, user_id))
		return dbx_bind_failed(c, st);
	return dbx_one(c, st, totp_read, t);
}

int
db_totp_put(struct db *db, int64_t user_id, const void *secret, size_t len,
    bool active, int64_t step, int64_t now)
{
	struct conn *c;
	sqlite3_stmt *st = q(db, Q_TOTP_PUT, &c);

	if (st == NULL)
		return DB_ERROR;
	if (sqlite3_bind_int64(st, 1, user_id) |
	    sqlite3_bind_blob(st, 2, secret, (int)len, SQLITE_STATIC) |
	    sqlite3_bind_int(st, 3, active) |
	    sqlite3_bind_int64(st, 4, active ? step : 0) |
	    sqlite3_bind_int64(st, 5, now))
		return dbx_bind_failed(c, st);
	return dbx_run(c, st);
}

int
db_totp_use(struct db *db, int64_t user_id, int64_t step)
{
	struct conn *c;
	sqlite3_stmt *st = q(db, Q_TOTP_USE, &c);

	if (st == NULL)
		return DB_ERROR;
	if (sqlite3_bind_int64(st, 1, user_id) |
	    sqlite3_bind_int64(st, 2, step))
		return dbx_bind_failed(c, st);
	return dbx_change(c, st, DB_NOTFOUND);
}

int
db_totp_delete(struct db *db, int64_t user_id)
{
	struct conn *c;
	sqlite3_stmt *st = q(db, Q_TOTP_DELETE, &c);

	if (st == NULL)
		return DB_ERROR;
	if (sqlite3_bind_int64(st, 1, user_id))
		return dbx_bind_failed(c, st);
	return dbx_run(c, st);
}
