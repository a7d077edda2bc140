/*
 * db_sqlite_int.h - for the files of the SQLite backend other than
 * db_sqlite.c (db_sqlite_*.c). Nothing outside those files includes it.
 *
 * A part file keeps its SQL in its own array and gives each statement a
 * slot: its part's base (below) plus its index. dbx_stmt() prepares the
 * statement on the calling thread's connection the first time and keeps
 * it; the caller binds it, then steps and resets it in one call of
 * dbx_one(), dbx_each(), dbx_int64(), dbx_insert(), dbx_change() or
 * dbx_run() (or steps it itself and resets it with dbx_done()). The schema
 * of every part stays in db_sqlite.c's migrations, in version order.
 */
#ifndef CTM_DB_SQLITE_INT_H
#define CTM_DB_SQLITE_INT_H

#include "compat.h"

#include <sqlite3.h>

#include "db.h"

#define DBX_SLOTS 352
/* Bases of the parts' slot ranges; each part has 64 slots. */
#define DBX_CASEREC 0		/* db_sqlite_caserec.c */
#define DBX_FUND 64		/* db_sqlite_fund.c */
#define DBX_OPS 128		/* db_sqlite_ops.c */
#define DBX_MOVE 192		/* db_sqlite_move.c */
#define DBX_ACCESS 256		/* db_sqlite_access.c */
#define DBX_AUTH 320		/* db_sqlite_auth.c (32 slots) */

struct conn;

/* Statement slot of the calling thread's connection, prepared from sql
 * on first use; *cp receives the connection. NULL on failure (logged). */
sqlite3_stmt *dbx_stmt(struct db *db, int slot, const char *sql,
    struct conn **cp);
/* Resets a statement and clears its bindings after use. */
void dbx_done(sqlite3_stmt *st);
/* A failed step: DB_CONFLICT for a unique key, else logged DB_ERROR. */
int dbx_step_error(struct conn *c, int rc);
/* Steps a bound statement to completion and resets it. */
int dbx_run(struct conn *c, sqlite3_stmt *st);
/* Logs a bind failure, resets st, returns DB_ERROR. */
int dbx_bind_failed(struct conn *c, sqlite3_stmt *st);
/* NULL s binds NULL. */
int dbx_bind_text(sqlite3_stmt *st, int i, const char *s);
/* 0 binds NULL. */
int dbx_bind_id(sqlite3_stmt *st, int i, int64_t id);
/* Copies a text column into dst[size], truncating; NULL gives "". */
void dbx_col_text(sqlite3_stmt *st, int col, char *dst, size_t size);
/* Copies a blob column into malloc'd memory (*blob NULL when empty). */
int dbx_col_blob(sqlite3_stmt *st, int col, unsigned char **blob,
    size_t *len);
/* Rows changed by the connection's last statement. */
int64_t dbx_changes(struct conn *c);
/* Rowid of the connection's last insert. */
int64_t dbx_last_id(struct conn *c);
/*
 * Whole runs of a bound statement. Each one steps st and resets it, on
 * every path; a failed step is dbx_step_error()'s.
 */
/* Reads the current row of st into ctx: DB_OK or an error (logged). In
 * dbx_each() it is the row's visit instead: nonzero stops the loop. */
typedef int (*dbx_row_fn)(sqlite3_stmt *st, void *ctx);
/* A SELECT of one row at most: read(st, ctx)'s result for the row (a NULL
 * read only asks whether there is one), DB_NOTFOUND when there is none. */
int dbx_one(struct conn *c, sqlite3_stmt *st, dbx_row_fn read, void *ctx);
/* A SELECT of many rows: row(st, ctx) for each, until one returns
 * nonzero (the caller's stop). DB_OK when done or stopped. */
int dbx_each(struct conn *c, sqlite3_stmt *st, dbx_row_fn row, void *ctx);
/* A one-column SELECT of one row at most into *v (DB_NOTFOUND: none). */
int dbx_int64(struct conn *c, sqlite3_stmt *st, int64_t *v);
/* An INSERT; on DB_OK *id (unless id is NULL) is the new row's id. */
int dbx_insert(struct conn *c, sqlite3_stmt *st, int64_t *id);
/* An UPDATE or DELETE: none (e.g. DB_NOTFOUND) when it changed no row. */
int dbx_change(struct conn *c, sqlite3_stmt *st, int none);

/*
 * DBX_ROWS(name, type, cb_type, read) defines name(st, ctx), the row
 * visit of dbx_each() for a list whose rows read(st, &row) reads into a
 * type and whose caller takes them with a cb_type(arg, &row); its ctx is
 * a struct name with the caller's cb and arg:
 *	return dbx_each(c, st, name, &(struct name){ cb, arg });
 */
#define DBX_ROWS(name, type, cb_type, read)				\
	struct name {							\
		cb_type cb;						\
		void *arg;						\
	};								\
	static int							\
	name(sqlite3_stmt *st, void *ctx)				\
	{								\
		struct name *l_ = ctx;					\
		type row_;						\
									\
		(void)read(st, &row_);					\
		return l_->cb(l_->arg, &row_);				\
	}

/* Whether the connection is inside a transaction. */
bool dbx_in_tx(struct conn *c);
/* BEGIN IMMEDIATE on c unless a transaction is open; *own tells whether
 * this call opened it (then dbx_end() commits or rolls it back). */
int dbx_begin(struct conn *c, bool *own);
/* Ends what dbx_begin() opened: commits when rc is DB_OK, else rolls
 * back. Returns rc, or DB_ERROR when the commit fails. */
int dbx_end(struct conn *c, bool own, int rc);

#endif
