/*
 * db_sqlite_ops.c - the SQLite backend of db.h for protection and
 * assistance: partner organisations, shelters, and the sealed records of
 * a case (case_records).
 */
#include "compat.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "db_sqlite_int.h"
#include "log.h"

enum {
	Q_ORG_ADD,
	Q_ORG_GET,
	Q_ORG_UPDATE,
	Q_ORG_LIST,
	Q_SHELTER_ADD,
	Q_SHELTER_GET,
	Q_SHELTER_UPDATE,
	Q_SHELTER_LIST,
	Q_REC_ADD,
	Q_REC_GET,
	Q_REC_UPDATE,
	Q_REC_LIST,
	Q_REC_OPEN,
	Q_REC_SPANS,
	Q__MAX
};

#define ORG_COLS "id, name, type, coalesce(country, ''), coalesce(city, ''), " \
	"coalesce(phone, ''), disabled, created_at, updated_at FROM organisations "
#define SHELTER_COLS "s.id, s.office_id, o.code, coalesce(s.org_id, 0), " \
	"s.name, coalesce(s.city, ''), s.capacity, s.disabled, s.created_at " \
	"FROM shelters s JOIN offices o ON o.id = s.office_id "
#define REC_COLS "id, case_id, kind, office_id, coalesce(ref_id, 0), state, " \
	"coalesce(d1, ''), coalesce(d2, ''), amount, coalesce(currency, ''), " \
	"body, coalesce(created_by, 0), created_at, coalesce(updated_by, 0), " \
	"updated_at, version FROM case_records "

static const char *const sql[Q__MAX] = {
	[Q_ORG_ADD] =
	    "INSERT INTO organisations (name, type, country, city, phone, "
	    "disabled, created_at, updated_at) "
	    "VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?7)",
	[Q_ORG_GET] = "SELECT " ORG_COLS "WHERE id = ?1",
	[Q_ORG_UPDATE] =
	    "UPDATE organisations SET name = ?2, type = ?3, country = ?4, "
	    "city = ?5, phone = ?6, disabled = ?7, updated_at = ?8 "
	    "WHERE id = ?1",
	[Q_ORG_LIST] = "SELECT " ORG_COLS "ORDER BY name COLLATE NOCASE, id",
	[Q_SHELTER_ADD] =
	    "INSERT INTO shelters (office_id, org_id, name, city, capacity, "
	    "disabled, created_at) VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7)",
	[Q_SHELTER_GET] = "SELECT " SHELTER_COLS "WHERE s.id = ?1",
	[Q_SHELTER_UPDATE] =
	    "UPDATE shelters SET org_id = ?2, name = ?3, city = ?4, "
	    "capacity = ?5, disabled = ?6 WHERE id = ?1",
	[Q_SHELTER_LIST] = "SELECT " SHELTER_COLS
	    "WHERE (?1 = 0 OR s.office_id = ?1) "
	    "ORDER BY o.code, s.name COLLATE NOCASE, s.id",
	[Q_REC_ADD] =
	    "INSERT INTO case_records (case_id, kind, office_id, ref_id, state, "
	    "d1, d2, amount, currency, body, created_by, created_at, "
	    "updated_by, updated_at, version) "
	    "VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12, ?11, "
	    "?12, 1)",
	[Q_REC_GET] = "SELECT " REC_COLS "WHERE id = ?1",
	[Q_REC_UPDATE] =
	    "UPDATE case_records SET office_id = ?3, ref_id = ?4, state = ?5, "
	    "d1 = ?6, d2 = ?7, amount = ?8, currency = ?9, body = ?10, "
	    "updated_by = ?11, updated_at = ?12, version = version + 1 "
	    "WHERE id = ?1 AND version = ?2",
	[Q_REC_LIST] = "SELECT " REC_COLS
	    "WHERE case_id = ?1 AND kind = ?2 ORDER BY id",
	[Q_REC_OPEN] =
	    "SELECT id FROM case_records WHERE case_id = ?1 AND kind = ?2 "
	    "AND d2 IS NULL ORDER BY id DESC LIMIT 1",
	[Q_REC_SPANS] =
	    "SELECT d1, coalesce(d2, '') FROM case_records "
	    "WHERE kind = ?1 AND ref_id = ?2 AND d1 <= ?4 "
	    "AND (d2 IS NULL OR d2 > ?3)",
};

static sqlite3_stmt *
q(struct db *db, int id, struct conn **c)
{
	return dbx_stmt(db, DBX_OPS + id, sql[id], c);
}

static int
text_or_null(sqlite3_stmt *st, int i, const char *s)
{
	return dbx_bind_text(st, i, s && *s ? s : NULL);
}

/* --- organisations --- */

static int
org_read(sqlite3_stmt *st, void *p)
{
	struct organisation *o = p;

	memset(o, 0, sizeof(*o));
	o->id = sqlite3_column_int64(st, 0);
	dbx_col_text(st, 1, o->name, sizeof(o->name));
	dbx_col_text(st, 2, o->type, sizeof(o->type));
	dbx_col_text(st, 3, o->country, sizeof(o->country));
	dbx_col_text(st, 4, o->city, sizeof(o->city));
	dbx_col_text(st, 5, o->phone, sizeof(o->phone));
	o->disabled = sqlite3_column_int(st, 6) != 0;
	o->created_at = sqlite3_column_int64(st, 7);
	o->updated_at = sqlite3_column_int64(st, 8);
	return DB_OK;
}

DBX_ROWS(org_rows, struct organisation, db_org_cb, org_read)

int
db_org_add(struct db *db, struct organisation *o)
{
	struct conn *c;
	sqlite3_stmt *st = q(db, Q_ORG_ADD, &c);

	if (st == NULL)
		return DB_ERROR;
	if (dbx_bind_text(st, 1, o->name) | dbx_bind_text(st, 2, o->type) |
	    text_or_null(st, 3, o->country) | text_or_null(st, 4, o->city) |
	    text_or_null(st, 5, o->phone) |
	    sqlite3_bind_int(st, 6, o->disabled) |
	    sqlite3_bind_int64(st, 7, o->created_at))
		return dbx_bind_failed(c, st);
	return dbx_insert(c, st, &o->id);
}

int
db_org_get(struct db *db, int64_t id, struct organisation *o)
{
	struct conn *c;
	sqlite3_stmt *st = q(db, Q_ORG_GET, &c);

	if (st == NULL)
		return DB_ERROR;
	if (sqlite3_bind_int64(st, 1, id))
		return dbx_bind_failed(c, st);
	return dbx_one(c, st, org_read, o);
}

int
db_org_update(struct db *db, const struct organisation *o)
{
	struct conn *c;
	sqlite3_stmt *st = q(db, Q_ORG_UPDATE, &c);

	if (st == NULL)
		return DB_ERROR;
	if (sqlite3_bind_int64(st, 1, o->id) | dbx_bind_text(st, 2, o->name) |
	    dbx_bind_text(st, 3, o->type) | text_or_null(st, 4, o->country) |
	    text_or_null(st, 5, o->city) | text_or_null(st, 6, o->phone) |
	    sqlite3_bind_int(st, 7, o->disabled) |
	    sqlite3_bind_int64(st, 8, o->updated_at))
		return dbx_bind_failed(c, st);
	return dbx_change(c, st, DB_NOTFOUND);
}

int
db_org_list(struct db *db, db_org_cb cb, void *arg)
{
	struct conn *c;
	sqlite3_stmt *st = q(db, Q_ORG_LIST, &c);

	if (st == NULL)
		return DB_ERROR;
	return dbx_each(c, st, org_rows, &(struct org_rows){ cb, arg });
}

/* --- shelters --- */

static int
shelter_read(sqlite3_stmt *st, void *p)
{
	struct shelter *s = p;

	memset(s, 0, sizeof(*s));
	s->id = sqlite3_column_int64(st, 0);
	s->office_id = sqlite3_column_int64(st, 1);
	dbx_col_text(st, 2, s->office_code, sizeof(s->office_code));
	s->org_id = sqlite3_column_int64(st, 3);
	dbx_col_text(st, 4, s->name, sizeof(s->name));
	dbx_col_text(st, 5, s->city, sizeof(s->city));
	s->capacity = sqlite3_column_int64(st, 6);
	s->disabled = sqlite3_column_int(st, 7) != 0;
	s->created_at = sqlite3_column_int64(st, 8);
	return DB_OK;
}

DBX_ROWS(shelter_rows, struct shelter, db_shelter_cb, shelter_read)

int
db_shelter_add(struct db *db, struct shelter *s)
{
	struct conn *c;
	sqlite3_stmt *st = q(db, Q_SHELTER_ADD, &c);

	if (st == NULL)
		return DB_ERROR;
	if (sqlite3_bind_int64(st, 1, s->office_id) |
	    dbx_bind_id(st, 2, s->org_id) | dbx_bind_text(st, 3, s->name) |
	    text_or_null(st, 4, s->city) |
	    sqlite3_bind_int64(st, 5, s->capacity) |
	    sqlite3_bind_int(st, 6, s->disabled) |
	    sqlite3_bind_int64(st, 7, s->created_at))
		return dbx_bind_failed(c, st);
	return dbx_insert(c, st, &s->id);
}

int
db_shelter_get(struct db *db, int64_t id, struct shelter *s)
{
	struct conn *c;
	sqlite3_stmt *st = q(db, Q_SHELTER_GET, &c);

	if (st == NULL)
		return DB_ERROR;
	if (sqlite3_bind_int64(st, 1, id))
		return dbx_bind_failed(c, st);
	return dbx_one(c, st, shelter_read, s);
}

int
db_shelter_update(struct db *db, const struct shelter *s)
{
	struct conn *c;
	sqlite3_stmt *st = q(db, Q_SHELTER_UPDATE, &c);

	if (st == NULL)
		return DB_ERROR;
	if (sqlite3_bind_int64(st, 1, s->id) | dbx_bind_id(st, 2, s->org_id) |
	    dbx_bind_text(st, 3, s->name) | text_or_null(st, 4, s->city) |
	    sqlite3_bind_int64(st, 5, s->capacity) |
	    sqlite3_bind_int(st, 6, s->disabled))
		return dbx_bind_failed(c, st);
	return dbx_change(c, st, DB_NOTFOUND);
}

int
db_shelter_list(struct db *db, int64_t office_id, db_shelter_cb cb,
    void *arg)
{
	struct conn *c;
	sqlite3_stmt *st = q(db, Q_SHELTER_LIST, &c);

	if (st == NULL)
		return DB_ERROR;
	if (sqlite3_bind_int64(st, 1, office_id))
		return dbx_bind_failed(c, st);
	return dbx_each(c, st, shelter_rows, &(struct shelter_rows){ cb, arg });
}

/* --- case records --- */

/* Reads the current row; the body points into the statement (copy it). */
static int
rec_read(sqlite3_stmt *st, void *p)
{
	struct case_record *rec = p;

	memset(rec, 0, sizeof(*rec));
	rec->id = sqlite3_column_int64(st, 0);
	rec->case_id = sqlite3_column_int64(st, 1);
	dbx_col_text(st, 2, rec->kind, sizeof(rec->kind));
	rec->office_id = sqlite3_column_int64(st, 3);
	rec->ref_id = sqlite3_column_int64(st, 4);
	dbx_col_text(st, 5, rec->state, sizeof(rec->state));
	dbx_col_text(st, 6, rec->d1, sizeof(rec->d1));
	dbx_col_text(st, 7, rec->d2, sizeof(rec->d2));
	rec->has_amount = sqlite3_column_type(st, 8) != SQLITE_NULL;
	rec->amount = sqlite3_column_int64(st, 8);
	dbx_col_text(st, 9, rec->currency, sizeof(rec->currency));
	rec->body = (unsigned char *)sqlite3_column_blob(st, 10);
	rec->body_len = (size_t)sqlite3_column_bytes(st, 10);
	rec->created_by = sqlite3_column_int64(st, 11);
	rec->created_at = sqlite3_column_int64(st, 12);
	rec->updated_by = sqlite3_column_int64(st, 13);
	rec->updated_at = sqlite3_column_int64(st, 14);
	rec->version = sqlite3_column_int(st, 15);
	return DB_OK;
}

DBX_ROWS(rec_rows, struct case_record, db_record_cb, rec_read)

/* rec_read() with a malloc'd copy of the body. */
static int
rec_read_copy(sqlite3_stmt *st, void *p)
{
	struct case_record *rec = p;
	unsigned char *copy = NULL;

	rec_read(st, rec);
	if (rec->body_len > 0) {
		if ((copy = malloc(rec->body_len)) == NULL)
			return error("db: out of memory");
		memcpy(copy, rec->body, rec->body_len);
	}
	rec->body = copy;
	return DB_OK;
}

/* Binds ?3 to ?10 (office to body) of an insert or update. */
static int
rec_bind_values(sqlite3_stmt *st, const struct case_record *rec)
{
	return sqlite3_bind_int64(st, 3, rec->office_id) |
	    dbx_bind_id(st, 4, rec->ref_id) |
	    dbx_bind_text(st, 5, rec->state) |
	    text_or_null(st, 6, rec->d1) | text_or_null(st, 7, rec->d2) |
	    (rec->has_amount ? sqlite3_bind_int64(st, 8, rec->amount) :
	    sqlite3_bind_null(st, 8)) |
	    text_or_null(st, 9, rec->currency) |
	    sqlite3_bind_blob(st, 10, rec->body, (int)rec->body_len,
	    SQLITE_TRANSIENT);
}

int
db_record_add(struct db *db, struct case_record *rec)
{
	struct conn *c;
	sqlite3_stmt *st = q(db, Q_REC_ADD, &c);
	int rc;

	if (st == NULL)
		return DB_ERROR;
	if (rec->body_len > INT32_MAX / 2)
		return error("db: record too large");
	/* ?2 is the kind here (no version check on insert). */
	if (sqlite3_bind_int64(st, 1, rec->case_id) |
	    dbx_bind_text(st, 2, rec->kind) | rec_bind_values(st, rec) |
	    dbx_bind_id(st, 11, rec->created_by) |
	    sqlite3_bind_int64(st, 12, rec->created_at))
		return dbx_bind_failed(c, st);
	if ((rc = dbx_insert(c, st, &rec->id)) == DB_OK)
		rec->version = 1;
	return rc;
}

int
db_record_get(struct db *db, int64_t id, struct case_record *rec)
{
	struct conn *c;
	sqlite3_stmt *st = q(db, Q_REC_GET, &c);

	if (st == NULL)
		return DB_ERROR;
	if (sqlite3_bind_int64(st, 1, id))
		return dbx_bind_failed(c, st);
	return dbx_one(c, st, rec_read_copy, rec);
}

int
db_record_update(struct db *db, struct case_record *rec)
{
	struct conn *c;
	sqlite3_stmt *st = q(db, Q_REC_UPDATE, &c);
	int rc;

	if (st == NULL)
		return DB_ERROR;
	if (rec->body_len > INT32_MAX / 2)
		return error("db: record too large");
	if (sqlite3_bind_int64(st, 1, rec->id) |
	    sqlite3_bind_int(st, 2, rec->version) | rec_bind_values(st, rec) |
	    dbx_bind_id(st, 11, rec->updated_by) |
	    sqlite3_bind_int64(st, 12, rec->updated_at))
		return dbx_bind_failed(c, st);
	if ((rc = dbx_change(c, st, DB_CONFLICT)) == DB_OK)
		rec->version++;
	return rc;
}

int
db_record_list(struct db *db, int64_t case_id, const char *kind,
    db_record_cb cb, void *arg)
{
	struct conn *c;
	sqlite3_stmt *st = q(db, Q_REC_LIST, &c);

	if (st == NULL)
		return DB_ERROR;
	if (sqlite3_bind_int64(st, 1, case_id) | dbx_bind_text(st, 2, kind))
		return dbx_bind_failed(c, st);
	return dbx_each(c, st, rec_rows, &(struct rec_rows){ cb, arg });
}

int
db_record_open(struct db *db, int64_t case_id, const char *kind,
    int64_t *id)
{
	struct conn *c;
	sqlite3_stmt *st = q(db, Q_REC_OPEN, &c);

	if (st == NULL)
		return DB_ERROR;
	if (sqlite3_bind_int64(st, 1, case_id) | dbx_bind_text(st, 2, kind))
		return dbx_bind_failed(c, st);
	return dbx_int64(c, st, id);
}

struct span_rows {
	db_span_cb cb;
	void *arg;
};

static int
span_rows(sqlite3_stmt *st, void *ctx)
{
	struct span_rows *l = ctx;
	char d1[11], d2[11];

	dbx_col_text(st, 0, d1, sizeof(d1));
	dbx_col_text(st, 1, d2, sizeof(d2));
	return l->cb(l->arg, d1, d2);
}

int
db_record_spans(struct db *db, const char *kind, int64_t ref_id,
    const char *from, const char *to, db_span_cb cb, void *arg)
{
	struct conn *c;
	sqlite3_stmt *st = q(db, Q_REC_SPANS, &c);

	if (st == NULL)
		return DB_ERROR;
	if (dbx_bind_text(st, 1, kind) | sqlite3_bind_int64(st, 2, ref_id) |
	    dbx_bind_text(st, 3, from) | dbx_bind_text(st, 4, to))
		return dbx_bind_failed(c, st);
	return dbx_each(c, st, span_rows, &(struct span_rows){ cb, arg });
}
