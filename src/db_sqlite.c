/*
 * db_sqlite.c - the SQLite backend of db.h.
 *
 * Connections. struct db holds the file's path and a pthread key; each
 * thread opens its own connection the first time it calls into db.h, so
 * libmicrohttpd's workers never share one. A connection is closed by the
 * key's destructor when its thread exits, and db_close() closes every
 * connection still open (it keeps them on a mutex-protected list).
 * db_close() must only run once no other thread uses the db any more
 * (after the HTTP daemon has stopped).
 *
 * Statements. Every statement ctm runs is in sql[] below, indexed by
 * enum stmt; a connection prepares one the first time it needs it, keeps
 * it for its lifetime, and resets it and clears its bindings after each
 * use. Values are always bound, never pasted into SQL text. A filter
 * that may be "any" is written (?N = 0 OR col = ?N) or (?N IS NULL OR
 * col = ?N) so that one statement serves every combination.
 *
 * Schema. migrations[] holds one script per schema version; db_open()
 * applies each missing one in its own transaction and records it in
 * schema_migrations. Never edit a released migration: add a new one.
 *
 * Errors are logged with the statement's number and SQLite's message,
 * which names tables and constraints but never contains a value.
 */
#include "compat.h"

#include <errno.h>
#include <fcntl.h>
#include <inttypes.h>
#include <limits.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include <sqlite3.h>

#include "buf.h"
#include "dataset.h"
#include "db.h"
#include "db_sqlite_int.h"
#include "i18n.h"
#include "log.h"
#include "role.h"

enum stmt {
	/* connection set-up and transactions */
	STMT_PRAGMA_WAL,
	STMT_PRAGMA_FOREIGN_KEYS,
	STMT_PRAGMA_BUSY_TIMEOUT,
	STMT_PRAGMA_SYNCHRONOUS,
	STMT_BEGIN,
	STMT_COMMIT,
	STMT_ROLLBACK,
	/* migrations */
	STMT_MIGRATIONS_TABLE,
	STMT_MIGRATION_APPLIED,
	STMT_MIGRATION_RECORD,
	STMT_SCHEMA_VERSION,
	/* offices */
	STMT_OFFICE_ADD,
	STMT_OFFICE_GET,
	STMT_OFFICE_BY_CODE,
	STMT_OFFICE_UPDATE,
	STMT_OFFICE_LIST,
	/* users */
	STMT_USER_ADD,
	STMT_USER_GET,
	STMT_USER_BY_NAME,
	STMT_USER_LIST,
	STMT_USER_SET_PASSWORD,
	STMT_USER_SET_DISABLED,
	STMT_USER_SET_LANG,
	STMT_USER_SET_ROLE,
	STMT_USER_LOGIN_FAILED,
	STMT_USER_LOGIN_OK,
	/* sessions */
	STMT_SESSION_ADD,
	STMT_SESSION_GET,
	STMT_SESSION_TOUCH,
	STMT_SESSION_DELETE,
	STMT_SESSION_DELETE_USER,
	STMT_SESSION_PURGE,
	/* cases */
	STMT_CASE_NEXT_SEQ,
	STMT_CASE_ADD,
	STMT_CASE_GET,
	STMT_CASE_LIST,
	STMT_CASE_LIST_ASSIGNED,
	STMT_CASE_LIST_UPDATED,
	STMT_CASE_LIST_UPDATED_ASSIGNED,
	STMT_CASE_COUNT,
	STMT_CASE_COUNT_ASSIGNED,
	STMT_CASE_STATUS_COUNTS,
	STMT_CASE_STATUS_COUNTS_ASSIGNED,
	STMT_CASE_UPDATE,
	STMT_CASE_EXISTS,
	/* meta, case files, name index, perpetrators */
	STMT_META_GET,
	STMT_META_SET,
	STMT_CASEFILE_GET,
	STMT_CASEFILE_PUT,
	STMT_CASE_NAMES_CLEAR,
	STMT_CASE_NAMES_ADD,
	STMT_PERP_ADD,
	STMT_PERP_UPDATE,
	STMT_PERP_GET,
	STMT_CASE_PERPS,
	STMT_CASE_PERPS_CLEAR,
	STMT_CASE_PERPS_ADD,
	/* audit */
	STMT_AUDIT_ADD,
	/* One list and one count per audit index that can drive the
	 * search (enum audit_driver order). */
	STMT_AUDIT_LIST,
	STMT_AUDIT_LIST_CASE,
	STMT_AUDIT_LIST_USER,
	STMT_AUDIT_LIST_ACTION,
	STMT_AUDIT_LIST_TIME,
	STMT_AUDIT_COUNT,
	STMT_AUDIT_COUNT_CASE,
	STMT_AUDIT_COUNT_USER,
	STMT_AUDIT_COUNT_ACTION,
	STMT_AUDIT_COUNT_TIME,
	/* research datasets */
	STMT_DATASET_READ_BEGIN,
	STMT_DATASET_GET,
	STMT_DATASET_LIST,
	STMT_DATASET_IMPORTS_RESET,
	STMT_DATASET_UPSERT,
	STMT_DATASET_COLUMNS_CLEAR,
	STMT_DATASET_COLUMN_ADD,
	STMT_DATASET_IMPORT_ADD,
	STMT_DATASET_IMPORTED,
	STMT_DATASET_VARS,
	STMT_DATASET_COLUMNS,
	STMT_DATASET_DELETE,
	STMT__MAX
};

#define OFFICE_COLS "id, code, name, country, hq"

#define USER_COLS \
	"u.id, u.username, u.role, coalesce(u.office_id, 0), " \
	"coalesce(o.code, ''), u.pwhash, u.disabled, u.lang, " \
	"u.failed_logins, u.locked_until, u.created_at, u.health_access, " \
	"u.case_access " \
	"FROM users u LEFT JOIN offices o ON o.id = u.office_id "

#define SESSION_COLS "token_hash, user_id, csrf, created_at, last_seen"

#define CASE_COLS \
	"c.id, c.number, c.office_id, o.code, c.status, " \
	"coalesce(c.assigned_to, 0), coalesce(u.username, ''), " \
	"coalesce(c.created_by, 0), c.created_at, c.updated_at, c.version, " \
	"c.high_risk, " \
	"EXISTS (SELECT 1 FROM fund_requests fr WHERE fr.case_id = c.id) " \
	"FROM cases c JOIN offices o ON o.id = c.office_id " \
	"LEFT JOIN users u ON u.id = c.assigned_to "

/*
 * ?1 office (0: any), ?2 status text (NULL: any), ?3 assignee (0: any),
 * ?6 case number prefix and ?7 JSON array of ?8 name tokens (both NULL:
 * no search). The prefix is compared as a substring, so wildcards in it
 * are plain characters. ?9 the viewer (0: no restriction) sees a
 * high-risk case only when assigned to it or when it is in ?10, the
 * office whose high-risk cases the viewer manages (0: none). ?11 true
 * keeps only the cases referred to headquarters (with a fund request).
 */
#define CASE_WHERE \
	"WHERE (?1 = 0 OR c.office_id = ?1) " \
	"AND (?2 IS NULL OR c.status = ?2) " \
	"AND (?3 = 0 OR c.assigned_to = ?3) " \
	"AND ((?6 IS NULL AND ?7 IS NULL) " \
	"  OR (?6 IS NOT NULL AND length(?6) > 0 AND " \
	"      upper(substr(c.number, 1, length(?6))) = upper(?6)) " \
	"  OR (?7 IS NOT NULL AND ?8 > 0 AND (SELECT count(DISTINCT n.token) " \
	"      FROM case_names n WHERE n.case_id = c.id AND n.token IN " \
	"      (SELECT value FROM json_each(?7))) = ?8)) " \
	"AND (?9 = 0 OR c.high_risk = 0 OR c.assigned_to = ?9 " \
	"  OR c.office_id = ?10) " \
	"AND (?11 = 0 OR EXISTS (SELECT 1 FROM fund_requests fr " \
	"  WHERE fr.case_id = c.id)) "
/*
 * As with the audit below: CASE_WHERE's "no filter" alternatives keep
 * SQLite from any index, so a list of one assignee's cases read the
 * whole table (every caseworker's dashboard does). The assignee driver
 * repeats its condition in a form cases_assigned serves. An office is no
 * driver: it holds a large share of the table, and measured on 4,000
 * cases in two offices its index lookups (cases_office_status) made the
 * office manager's dashboard 1.7 times slower than the scan.
 */
#define CASE_BY_ASSIGNED "AND c.assigned_to = ?3 "
#define CASE_LIST(by) "SELECT " CASE_COLS CASE_WHERE by \
	"ORDER BY c.created_at DESC, c.id DESC LIMIT ?4 OFFSET ?5"
#define CASE_LIST_UPDATED(by) "SELECT " CASE_COLS CASE_WHERE by \
	"ORDER BY c.updated_at DESC, c.id DESC LIMIT ?4 OFFSET ?5"
#define CASE_COUNT(by) "SELECT count(*) FROM cases c " CASE_WHERE by
#define CASE_STATUS_COUNTS(by) "SELECT c.status, count(*) FROM cases c " \
	CASE_WHERE by "GROUP BY c.status"

#define AUDIT_COLS \
	"id, at, coalesce(user_id, 0), username, ip, action, " \
	"coalesce(case_id, 0), object, detail FROM audit "

/*
 * ?1 username (NULL: any), ?2 case id (0: any), ?3 action (NULL: any),
 * ?4 whether ?3 ends in '.', ?5 from, ?6 to (0: open; both inclusive).
 * The prefix test compares a substring, so '%' or '_' in a filter are
 * plain characters.
 */
#define AUDIT_WHERE \
	"WHERE (?1 IS NULL OR username = ?1) " \
	"AND (?2 = 0 OR case_id = ?2) " \
	"AND (?3 IS NULL OR action = ?3 OR CASE WHEN ?4 " \
	"THEN substr(action, 1, length(?3)) = ?3 " \
	"ELSE substr(action, 1, length(?3) + 1) = ?3 || '.' END) " \
	"AND (?5 = 0 OR at >= ?5) " \
	"AND (?6 = 0 OR at <= ?6) "
/*
 * AUDIT_WHERE decides what matches, but its "no filter" alternatives keep
 * SQLite from any index. Each driver adds the same condition in a form an
 * index can serve (?9: the action's upper bound, ?10: the period's end),
 * chosen by the filter given.
 */
#define AUDIT_BY_CASE "AND case_id = ?2 "
#define AUDIT_BY_USER "AND username = ?1 "
#define AUDIT_BY_ACTION "AND action >= ?3 AND action < ?9 "
#define AUDIT_BY_TIME "AND at BETWEEN ?5 AND ?10 "
#define AUDIT_LIST(by) "SELECT " AUDIT_COLS AUDIT_WHERE by \
	"ORDER BY at DESC, id DESC LIMIT ?7 OFFSET ?8"
#define AUDIT_COUNT(by) "SELECT count(*) FROM audit " AUDIT_WHERE by

#define DATASET_COLS \
	"d.id, d.name, d.layout, d.source_hash, d.rows, d.imported_at, " \
	"(SELECT count(*) FROM dataset_imports i WHERE i.dataset_id = d.id) " \
	"FROM datasets d "

static const char *const sql[] = {
	[STMT_PRAGMA_WAL] = "PRAGMA journal_mode=WAL",
	[STMT_PRAGMA_FOREIGN_KEYS] = "PRAGMA foreign_keys=ON",
	[STMT_PRAGMA_BUSY_TIMEOUT] = "PRAGMA busy_timeout=5000",
	[STMT_PRAGMA_SYNCHRONOUS] = "PRAGMA synchronous=NORMAL",
	[STMT_BEGIN] = "BEGIN IMMEDIATE",
	[STMT_COMMIT] = "COMMIT",
	[STMT_ROLLBACK] = "ROLLBACK",

	[STMT_MIGRATIONS_TABLE] =
	    "CREATE TABLE IF NOT EXISTS schema_migrations ("
	    "version INTEGER PRIMARY KEY, applied_at INTEGER NOT NULL)",
	[STMT_MIGRATION_APPLIED] =
	    "SELECT 1 FROM schema_migrations WHERE version = ?1",
	[STMT_MIGRATION_RECORD] =
	    "INSERT INTO schema_migrations (version, applied_at) "
	    "VALUES (?1, ?2)",
	[STMT_SCHEMA_VERSION] =
	    "SELECT coalesce(max(version), 0) FROM schema_migrations",

	[STMT_OFFICE_ADD] =
	    "INSERT INTO offices (code, name, country, hq) "
	    "VALUES (?1, ?2, ?3, ?4)",
	[STMT_OFFICE_GET] =
	    "SELECT " OFFICE_COLS " FROM offices WHERE id = ?1",
	[STMT_OFFICE_BY_CODE] =
	    "SELECT " OFFICE_COLS " FROM offices WHERE code = ?1",
	[STMT_OFFICE_UPDATE] =
	    "UPDATE offices SET code = ?2, name = ?3, country = ?4, hq = ?5 "
	    "WHERE id = ?1",
	[STMT_OFFICE_LIST] =
	    "SELECT " OFFICE_COLS " FROM offices ORDER BY code",

	[STMT_USER_ADD] =
	    "INSERT INTO users (username, role, office_id, pwhash, disabled, "
	    "lang, failed_logins, locked_until, created_at) "
	    "VALUES (?1, ?2, ?3, ?4, ?5, ?6, 0, 0, ?7)",
	[STMT_USER_GET] = "SELECT " USER_COLS "WHERE u.id = ?1",
	[STMT_USER_BY_NAME] = "SELECT " USER_COLS "WHERE u.username = ?1",
	[STMT_USER_LIST] = "SELECT " USER_COLS "ORDER BY u.username, u.id",
	[STMT_USER_SET_PASSWORD] =
	    "UPDATE users SET pwhash = ?2 WHERE id = ?1",
	[STMT_USER_SET_DISABLED] =
	    "UPDATE users SET disabled = ?2 WHERE id = ?1",
	[STMT_USER_SET_LANG] = "UPDATE users SET lang = ?2 WHERE id = ?1",
	[STMT_USER_SET_ROLE] =
	    "UPDATE users SET role = ?2, office_id = ?3 WHERE id = ?1",
	/* Every right-hand side sees the row as it was before the update,
	 * so the count and the lock are decided on the same old count. */
	[STMT_USER_LOGIN_FAILED] =
	    "UPDATE users SET "
	    "locked_until = CASE WHEN ?3 > 0 AND failed_logins + 1 >= ?3 "
	    "THEN ?2 + ?4 ELSE locked_until END, "
	    "failed_logins = CASE WHEN ?3 > 0 AND failed_logins + 1 >= ?3 "
	    "THEN 0 ELSE failed_logins + 1 END "
	    "WHERE id = ?1",
	[STMT_USER_LOGIN_OK] =
	    "UPDATE users SET failed_logins = 0, locked_until = 0 "
	    "WHERE id = ?1",

	[STMT_SESSION_ADD] =
	    "INSERT INTO sessions (" SESSION_COLS ") "
	    "VALUES (?1, ?2, ?3, ?4, ?5)",
	[STMT_SESSION_GET] =
	    "SELECT " SESSION_COLS " FROM sessions WHERE token_hash = ?1",
	[STMT_SESSION_TOUCH] =
	    "UPDATE sessions SET last_seen = ?2 WHERE token_hash = ?1",
	[STMT_SESSION_DELETE] = "DELETE FROM sessions WHERE token_hash = ?1",
	[STMT_SESSION_DELETE_USER] =
	    "DELETE FROM sessions WHERE user_id = ?1",
	[STMT_SESSION_PURGE] =
	    "DELETE FROM sessions WHERE last_seen < ?1 OR created_at < ?2",

	/* A case handed over keeps its number: the next number of an
	 * office follows both its cases and the numbers it gave out. */
	[STMT_CASE_NEXT_SEQ] =
	    "SELECT max(coalesce((SELECT max(seq) FROM cases "
	    "WHERE office_id = ?1 AND year = ?2), 0), "
	    "coalesce((SELECT max(CAST(substr(number, length(?3)) AS INTEGER)) "
	    "FROM cases WHERE substr(number, 1, length(?3) - 1) = "
	    "substr(?3, 1, length(?3) - 1)), 0)) + 1",
	[STMT_CASE_ADD] =
	    "INSERT INTO cases (number, office_id, year, seq, status, "
	    "assigned_to, created_by, created_at, updated_at, version) "
	    "VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?8, 1)",
	[STMT_CASE_GET] = "SELECT " CASE_COLS "WHERE c.id = ?1",
	[STMT_CASE_LIST] = CASE_LIST(""),
	[STMT_CASE_LIST_ASSIGNED] = CASE_LIST(CASE_BY_ASSIGNED),
	[STMT_CASE_LIST_UPDATED] = CASE_LIST_UPDATED(""),
	[STMT_CASE_LIST_UPDATED_ASSIGNED] =
	    CASE_LIST_UPDATED(CASE_BY_ASSIGNED),
	[STMT_CASE_COUNT] = CASE_COUNT(""),
	[STMT_CASE_COUNT_ASSIGNED] = CASE_COUNT(CASE_BY_ASSIGNED),
	[STMT_CASE_STATUS_COUNTS] = CASE_STATUS_COUNTS(""),
	[STMT_CASE_STATUS_COUNTS_ASSIGNED] =
	    CASE_STATUS_COUNTS(CASE_BY_ASSIGNED),
	[STMT_CASE_UPDATE] =
	    "UPDATE cases SET status = ?3, assigned_to = ?4, updated_at = ?5, "
	    "version = version + 1 "
	    "WHERE id = ?1 AND (?2 < 0 OR version = ?2)",
	[STMT_CASE_EXISTS] = "SELECT 1 FROM cases WHERE id = ?1",
	[STMT_META_GET] = "SELECT value FROM meta WHERE key = ?1",
	[STMT_META_SET] =
	    "INSERT INTO meta (key, value) VALUES (?1, ?2) "
	    "ON CONFLICT (key) DO UPDATE SET value = excluded.value",
	[STMT_CASEFILE_GET] = "SELECT file FROM cases WHERE id = ?1",
	[STMT_CASEFILE_PUT] =
	    "UPDATE cases SET file = ?3, status = ?4, updated_at = ?5, "
	    "version = version + 1 WHERE id = ?1 AND version = ?2",
	[STMT_CASE_NAMES_CLEAR] = "DELETE FROM case_names WHERE case_id = ?1",
	[STMT_CASE_NAMES_ADD] =
	    "INSERT OR IGNORE INTO case_names (case_id, token) VALUES (?1, ?2)",
	[STMT_PERP_ADD] =
	    "INSERT INTO perpetrators (office_id, file, created_at, updated_at) "
	    "VALUES (?1, ?2, ?3, ?3)",
	[STMT_PERP_UPDATE] =
	    "UPDATE perpetrators SET file = ?2, updated_at = ?3 WHERE id = ?1",
	[STMT_PERP_GET] = "SELECT office_id, file FROM perpetrators WHERE id = ?1",
	[STMT_CASE_PERPS] =
	    "SELECT perpetrator_id FROM case_perpetrators WHERE case_id = ?1 "
	    "ORDER BY position",
	[STMT_CASE_PERPS_CLEAR] =
	    "DELETE FROM case_perpetrators WHERE case_id = ?1",
	[STMT_CASE_PERPS_ADD] =
	    "INSERT INTO case_perpetrators (case_id, perpetrator_id, position) "
	    "VALUES (?1, ?2, ?3)",

	[STMT_AUDIT_ADD] =
	    "INSERT INTO audit (at, user_id, username, ip, action, case_id, "
	    "object, detail) VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8)",
	[STMT_AUDIT_LIST] = AUDIT_LIST(""),
	[STMT_AUDIT_LIST_CASE] = AUDIT_LIST(AUDIT_BY_CASE),
	[STMT_AUDIT_LIST_USER] = AUDIT_LIST(AUDIT_BY_USER),
	[STMT_AUDIT_LIST_ACTION] = AUDIT_LIST(AUDIT_BY_ACTION),
	[STMT_AUDIT_LIST_TIME] = AUDIT_LIST(AUDIT_BY_TIME),
	[STMT_AUDIT_COUNT] = AUDIT_COUNT(""),
	[STMT_AUDIT_COUNT_CASE] = AUDIT_COUNT(AUDIT_BY_CASE),
	[STMT_AUDIT_COUNT_USER] = AUDIT_COUNT(AUDIT_BY_USER),
	[STMT_AUDIT_COUNT_ACTION] = AUDIT_COUNT(AUDIT_BY_ACTION),
	[STMT_AUDIT_COUNT_TIME] = AUDIT_COUNT(AUDIT_BY_TIME),
	/* A read snapshot (deferred: takes no write lock). */
	[STMT_DATASET_READ_BEGIN] = "BEGIN",
	[STMT_DATASET_GET] = "SELECT " DATASET_COLS "WHERE d.name = ?1",
	[STMT_DATASET_LIST] = "SELECT " DATASET_COLS "ORDER BY d.name",
	[STMT_DATASET_IMPORTS_RESET] =
	    "DELETE FROM dataset_imports WHERE dataset_id IN "
	    "(SELECT id FROM datasets WHERE name = ?1 AND layout <> ?2)",
	[STMT_DATASET_UPSERT] =
	    "INSERT INTO datasets (name, layout, source_hash, rows, "
	    "imported_at) VALUES (?1, ?2, ?3, ?4, ?5) "
	    "ON CONFLICT (name) DO UPDATE SET layout = excluded.layout, "
	    "source_hash = excluded.source_hash, rows = excluded.rows, "
	    "imported_at = excluded.imported_at RETURNING id",
	[STMT_DATASET_COLUMNS_CLEAR] =
	    "DELETE FROM dataset_columns WHERE dataset_id = ?1",
	[STMT_DATASET_COLUMN_ADD] =
	    "INSERT INTO dataset_columns (dataset_id, var, position, dict, "
	    "codes) VALUES (?1, ?2, ?3, ?4, ?5)",
	[STMT_DATASET_IMPORT_ADD] =
	    "INSERT INTO dataset_imports (dataset_id, source_hash, rows, "
	    "imported_at) VALUES (?1, ?2, ?3, ?4)",
	[STMT_DATASET_IMPORTED] =
	    "SELECT 1 FROM dataset_imports i JOIN datasets d "
	    "ON d.id = i.dataset_id WHERE d.name = ?1 AND i.source_hash = ?2",
	[STMT_DATASET_VARS] =
	    "SELECT var FROM dataset_columns WHERE dataset_id = ?1 "
	    "ORDER BY position",
	[STMT_DATASET_COLUMNS] =
	    "SELECT position, var, dict, codes FROM dataset_columns "
	    "WHERE dataset_id = ?1 ORDER BY position",
	[STMT_DATASET_DELETE] = "DELETE FROM datasets WHERE name = ?1",
};
_Static_assert(ARRAY_SIZE(sql) == STMT__MAX, "one SQL text per statement");

/*
 * The schema, one script per version, applied in order. The CHECKs on
 * role and status must list the names in role.c and status_names[].
 */
static const struct migration {
	int version;
	const char *script;
	/* Rebuilds tables others refer to: runs with foreign keys off and
	 * checks them all before committing (SQLite's documented way). */
	bool rebuild;
} migrations[] = {
	{ 1,
	"CREATE TABLE offices ("
	"  id INTEGER PRIMARY KEY,"
	"  code TEXT NOT NULL UNIQUE CHECK (length(code) BETWEEN 1 AND 15)"
	"    CHECK (code NOT GLOB '*[^A-Z0-9]*'),"
	"  name TEXT NOT NULL,"
	"  country TEXT NOT NULL CHECK (country GLOB '[A-Z][A-Z]'),"
	"  hq INTEGER NOT NULL DEFAULT 0 CHECK (hq IN (0, 1))"
	");"
	"CREATE TABLE users ("
	"  id INTEGER PRIMARY KEY,"
	"  username TEXT NOT NULL UNIQUE COLLATE NOCASE"
	"    CHECK (length(CAST(username AS BLOB)) BETWEEN 1 AND 63),"
	"  role TEXT NOT NULL CHECK (role IN ('admin', 'caseworker',"
	"    'office-manager', 'programme-manager', 'researcher')),"
	"  office_id INTEGER REFERENCES offices(id),"
	"  pwhash TEXT NOT NULL DEFAULT '',"
	"  disabled INTEGER NOT NULL DEFAULT 0 CHECK (disabled IN (0, 1)),"
	"  lang TEXT CHECK (lang IN ('en', 'fr', 'es')),"
	"  failed_logins INTEGER NOT NULL DEFAULT 0,"
	"  locked_until INTEGER NOT NULL DEFAULT 0,"
	"  created_at INTEGER NOT NULL"
	");"
	"CREATE INDEX users_office ON users(office_id);"
	"CREATE TABLE sessions ("
	"  token_hash TEXT PRIMARY KEY,"
	"  user_id INTEGER NOT NULL REFERENCES users(id) ON DELETE CASCADE,"
	"  csrf TEXT NOT NULL,"
	"  created_at INTEGER NOT NULL,"
	"  last_seen INTEGER NOT NULL"
	");"
	"CREATE INDEX sessions_user ON sessions(user_id);"
	"CREATE INDEX sessions_last_seen ON sessions(last_seen);"
	"CREATE INDEX sessions_created_at ON sessions(created_at);"
	"CREATE TABLE cases ("
	"  id INTEGER PRIMARY KEY,"
	"  number TEXT NOT NULL UNIQUE,"
	"  office_id INTEGER NOT NULL REFERENCES offices(id),"
	"  year INTEGER NOT NULL CHECK (year BETWEEN 1000 AND 9999),"
	"  seq INTEGER NOT NULL CHECK (seq >= 1),"
	"  status TEXT NOT NULL CHECK (status IN"
	"    ('Active', 'FollowUp', 'Closed', 'ClosedReferred')),"
	"  assigned_to INTEGER REFERENCES users(id),"
	"  created_by INTEGER REFERENCES users(id),"
	"  created_at INTEGER NOT NULL,"
	"  updated_at INTEGER NOT NULL,"
	"  version INTEGER NOT NULL DEFAULT 1,"
	"  UNIQUE (office_id, year, seq)"
	");"
	"CREATE INDEX cases_office_status ON cases(office_id, status);"
	"CREATE INDEX cases_assigned ON cases(assigned_to);"
	"CREATE INDEX cases_created_by ON cases(created_by);"
	"CREATE INDEX cases_created_at ON cases(created_at);"
	/* No foreign keys: the audit must keep what happened even to rows
	 * that a later migration or retention job removes. */
	"CREATE TABLE audit ("
	"  id INTEGER PRIMARY KEY,"
	"  at INTEGER NOT NULL,"
	"  user_id INTEGER,"
	"  username TEXT NOT NULL DEFAULT '',"
	"  ip TEXT NOT NULL DEFAULT '',"
	"  action TEXT NOT NULL CHECK (action <> ''),"
	"  case_id INTEGER,"
	"  object TEXT NOT NULL DEFAULT '',"
	"  detail TEXT NOT NULL DEFAULT ''"
	");"
	"CREATE INDEX audit_at ON audit(at);"
	"CREATE INDEX audit_username ON audit(username, at);"
	"CREATE INDEX audit_user_id ON audit(user_id, at);"
	"CREATE INDEX audit_case ON audit(case_id, at);"
	"CREATE INDEX audit_action ON audit(action, at);"
	"CREATE TRIGGER audit_no_update BEFORE UPDATE ON audit BEGIN"
	"  SELECT RAISE(ABORT, 'audit is append-only');"
	"END;"
	"CREATE TRIGGER audit_no_delete BEFORE DELETE ON audit BEGIN"
	"  SELECT RAISE(ABORT, 'audit is append-only');"
	"END;",
	false },
	/* The case file, sealed whole by the caller (nothing of it is in
	 * clear here); the blind name index; perpetrators as persons of
	 * their own, linked to cases; settings such as the key check. */
	{ 2,
	"CREATE TABLE meta ("
	"  key TEXT PRIMARY KEY,"
	"  value TEXT NOT NULL"
	");"
	"ALTER TABLE cases ADD COLUMN file BLOB;"
	"CREATE TABLE case_names ("
	"  case_id INTEGER NOT NULL REFERENCES cases(id) ON DELETE CASCADE,"
	"  token TEXT NOT NULL,"
	"  PRIMARY KEY (case_id, token)"
	") WITHOUT ROWID;"
	"CREATE INDEX case_names_token ON case_names(token);"
	"CREATE TABLE perpetrators ("
	"  id INTEGER PRIMARY KEY,"
	"  office_id INTEGER NOT NULL REFERENCES offices(id),"
	"  file BLOB NOT NULL,"
	"  created_at INTEGER NOT NULL,"
	"  updated_at INTEGER NOT NULL"
	");"
	"CREATE TABLE case_perpetrators ("
	"  case_id INTEGER NOT NULL REFERENCES cases(id) ON DELETE CASCADE,"
	"  perpetrator_id INTEGER NOT NULL REFERENCES perpetrators(id),"
	"  position INTEGER NOT NULL,"
	"  PRIMARY KEY (case_id, perpetrator_id)"
	");"
	"CREATE INDEX case_perpetrators_perp ON case_perpetrators(perpetrator_id);",
	false },
	/* Research datasets (anonymised, no personal data), apart from the
	 * caseload: one row per variable holding its dictionary (JSON) and
	 * its codes (little-endian uint32 per row); the hashes of the files
	 * imported, so that a file is never imported twice. */
	{ 3,
	"CREATE TABLE datasets ("
	"  id INTEGER PRIMARY KEY,"
	"  name TEXT NOT NULL UNIQUE CHECK (length(name) BETWEEN 1 AND 63)"
	"    CHECK (name NOT GLOB '*[^A-Za-z0-9_.-]*'),"
	"  layout TEXT NOT NULL CHECK (length(layout) BETWEEN 1 AND 31),"
	"  source_hash TEXT NOT NULL DEFAULT '',"
	"  rows INTEGER NOT NULL CHECK (rows >= 0),"
	"  imported_at INTEGER NOT NULL"
	");"
	"CREATE TABLE dataset_columns ("
	"  dataset_id INTEGER NOT NULL REFERENCES datasets(id) ON DELETE CASCADE,"
	"  var TEXT NOT NULL,"
	"  position INTEGER NOT NULL CHECK (position >= 0),"
	"  dict TEXT NOT NULL,"
	"  codes BLOB,"
	"  PRIMARY KEY (dataset_id, position),"
	"  UNIQUE (dataset_id, var)"
	");"
	"CREATE TABLE dataset_imports ("
	"  dataset_id INTEGER NOT NULL REFERENCES datasets(id) ON DELETE CASCADE,"
	"  source_hash TEXT NOT NULL CHECK (length(source_hash) > 0),"
	"  rows INTEGER NOT NULL,"
	"  imported_at INTEGER NOT NULL,"
	"  PRIMARY KEY (dataset_id, source_hash)"
	");",
	false },
	/*
	 * Protection, assistance and movements. Users are rebuilt for the
	 * medical-officer role and the health grant. A high-risk case is
	 * marked in clear so that lists can leave it out. case_offices keeps
	 * the offices that handed a case over. case_events is the timeline:
	 * steps without personal data, append-only. case_records holds the
	 * sealed records of a case (services, health, risk, return, …) with
	 * the few values that lists and counts need in clear.
	 */
	{ 4,
	"CREATE TABLE users_new ("
	"  id INTEGER PRIMARY KEY,"
	"  username TEXT NOT NULL UNIQUE COLLATE NOCASE"
	"    CHECK (length(CAST(username AS BLOB)) BETWEEN 1 AND 63),"
	"  role TEXT NOT NULL CHECK (role IN ('admin', 'caseworker',"
	"    'office-manager', 'programme-manager', 'researcher',"
	"    'medical-officer')),"
	"  office_id INTEGER REFERENCES offices(id),"
	"  pwhash TEXT NOT NULL DEFAULT '',"
	"  disabled INTEGER NOT NULL DEFAULT 0 CHECK (disabled IN (0, 1)),"
	"  lang TEXT CHECK (lang IN ('en', 'fr', 'es')),"
	"  failed_logins INTEGER NOT NULL DEFAULT 0,"
	"  locked_until INTEGER NOT NULL DEFAULT 0,"
	"  created_at INTEGER NOT NULL,"
	"  health_access INTEGER NOT NULL DEFAULT 0"
	"    CHECK (health_access IN (0, 1))"
	");"
	"INSERT INTO users_new (id, username, role, office_id, pwhash,"
	"  disabled, lang, failed_logins, locked_until, created_at)"
	"  SELECT id, username, role, office_id, pwhash, disabled, lang,"
	"  failed_logins, locked_until, created_at FROM users;"
	"DROP TABLE users;"
	"ALTER TABLE users_new RENAME TO users;"
	"CREATE INDEX users_office ON users(office_id);"
	"ALTER TABLE cases ADD COLUMN high_risk INTEGER NOT NULL DEFAULT 0"
	"  CHECK (high_risk IN (0, 1));"
	"CREATE TABLE case_offices ("
	"  case_id INTEGER NOT NULL REFERENCES cases(id) ON DELETE CASCADE,"
	"  office_id INTEGER NOT NULL REFERENCES offices(id),"
	"  since INTEGER NOT NULL,"
	"  PRIMARY KEY (case_id, office_id)"
	") WITHOUT ROWID;"
	"CREATE TABLE case_events ("
	"  id INTEGER PRIMARY KEY,"
	"  case_id INTEGER NOT NULL REFERENCES cases(id) ON DELETE CASCADE,"
	"  at INTEGER NOT NULL,"
	"  on_date TEXT CHECK (on_date IS NULL OR on_date GLOB"
	"    '[0-9][0-9][0-9][0-9]-[0-9][0-9]-[0-9][0-9]'),"
	"  user_id INTEGER REFERENCES users(id),"
	"  office_id INTEGER REFERENCES offices(id),"
	"  kind TEXT NOT NULL CHECK (length(kind) BETWEEN 1 AND 47),"
	"  ref_id INTEGER,"
	"  restricted INTEGER NOT NULL DEFAULT 0 CHECK (restricted IN (0, 1)),"
	"  detail TEXT NOT NULL DEFAULT '{}'"
	");"
	"CREATE INDEX case_events_case ON case_events(case_id, at);"
	"CREATE TRIGGER case_events_no_update BEFORE UPDATE ON case_events"
	"  BEGIN SELECT RAISE(ABORT, 'case events are append-only'); END;"
	"CREATE TABLE organisations ("
	"  id INTEGER PRIMARY KEY,"
	"  name TEXT NOT NULL CHECK (length(name) BETWEEN 1 AND 200),"
	"  type TEXT NOT NULL,"
	"  country TEXT CHECK (country IS NULL OR country GLOB '[A-Z][A-Z]'),"
	"  city TEXT,"
	"  phone TEXT,"
	"  disabled INTEGER NOT NULL DEFAULT 0 CHECK (disabled IN (0, 1)),"
	"  created_at INTEGER NOT NULL,"
	"  updated_at INTEGER NOT NULL,"
	"  UNIQUE (name, country)"
	");"
	"CREATE TABLE shelters ("
	"  id INTEGER PRIMARY KEY,"
	"  office_id INTEGER NOT NULL REFERENCES offices(id),"
	"  org_id INTEGER REFERENCES organisations(id),"
	"  name TEXT NOT NULL CHECK (length(name) BETWEEN 1 AND 200),"
	"  city TEXT,"
	"  capacity INTEGER NOT NULL CHECK (capacity BETWEEN 0 AND 100000),"
	"  disabled INTEGER NOT NULL DEFAULT 0 CHECK (disabled IN (0, 1)),"
	"  created_at INTEGER NOT NULL,"
	"  UNIQUE (office_id, name)"
	");"
	"CREATE TABLE case_records ("
	"  id INTEGER PRIMARY KEY,"
	"  case_id INTEGER NOT NULL REFERENCES cases(id) ON DELETE CASCADE,"
	"  kind TEXT NOT NULL CHECK (length(kind) BETWEEN 1 AND 31),"
	"  office_id INTEGER NOT NULL REFERENCES offices(id),"
	"  ref_id INTEGER,"
	"  state TEXT NOT NULL DEFAULT '',"
	"  d1 TEXT, d2 TEXT,"
	"  amount INTEGER, currency TEXT,"
	"  body BLOB NOT NULL,"
	"  created_by INTEGER REFERENCES users(id),"
	"  created_at INTEGER NOT NULL,"
	"  updated_by INTEGER REFERENCES users(id),"
	"  updated_at INTEGER NOT NULL,"
	"  version INTEGER NOT NULL DEFAULT 1"
	");"
	"CREATE INDEX case_records_case ON case_records(case_id, kind);"
	"CREATE INDEX case_records_ref ON case_records(kind, ref_id, d1);"
	"CREATE INDEX case_records_due ON case_records(kind, state, d1);"
	"CREATE TABLE case_transfers ("
	"  id INTEGER PRIMARY KEY,"
	"  case_id INTEGER NOT NULL REFERENCES cases(id) ON DELETE CASCADE,"
	"  from_office INTEGER NOT NULL REFERENCES offices(id),"
	"  to_office INTEGER NOT NULL REFERENCES offices(id),"
	"  state TEXT NOT NULL CHECK (state IN ('pending', 'accepted',"
	"    'declined', 'cancelled')),"
	"  note BLOB,"
	"  requested_by INTEGER REFERENCES users(id),"
	"  requested_at INTEGER NOT NULL,"
	"  decided_by INTEGER REFERENCES users(id),"
	"  decided_at INTEGER,"
	"  CHECK (from_office <> to_office)"
	");"
	"CREATE INDEX case_transfers_case ON case_transfers(case_id);"
	"CREATE INDEX case_transfers_to ON case_transfers(to_office, state);"
	"CREATE UNIQUE INDEX case_transfers_one_pending ON"
	"  case_transfers(case_id) WHERE state = 'pending';",
	true },
	/*
	 * The Global Assistance Fund: projects with their budget lines (one
	 * per currency), donors and cases; exchange rates against USD by
	 * date; requests for a case with their decisions and disbursements.
	 * The CHECKs of fund_budgets keep a budget from ever going negative
	 * whatever the C does; justification, reason and note are sealed.
	 */
	{ 5,
	"CREATE TABLE fund_rates ("
	"  currency TEXT NOT NULL CHECK (currency GLOB '[A-Z][A-Z][A-Z]'),"
	"  valid_from TEXT NOT NULL CHECK (valid_from GLOB"
	"    '[0-9][0-9][0-9][0-9]-[0-9][0-9]-[0-9][0-9]'),"
	"  rate INTEGER NOT NULL CHECK (rate > 0),"
	"  created_by INTEGER REFERENCES users(id),"
	"  created_at INTEGER NOT NULL,"
	"  PRIMARY KEY (currency, valid_from)"
	") WITHOUT ROWID;"
	"CREATE TABLE projects ("
	"  id INTEGER PRIMARY KEY,"
	"  name TEXT NOT NULL UNIQUE CHECK (length(name) BETWEEN 1 AND 300),"
	"  region TEXT NOT NULL DEFAULT '',"
	"  start_date TEXT, end_date TEXT,"
	"  target INTEGER NOT NULL DEFAULT 0 CHECK (target >= 0),"
	"  target_group TEXT NOT NULL DEFAULT '',"
	"  currency TEXT NOT NULL CHECK (currency GLOB '[A-Z][A-Z][A-Z]'),"
	"  created_by INTEGER REFERENCES users(id),"
	"  created_at INTEGER NOT NULL,"
	"  CHECK (start_date IS NULL OR end_date IS NULL OR"
	"    start_date <= end_date)"
	");"
	"CREATE TABLE fund_budgets ("
	"  project_id INTEGER NOT NULL REFERENCES projects(id) ON DELETE CASCADE,"
	"  currency TEXT NOT NULL CHECK (currency GLOB '[A-Z][A-Z][A-Z]'),"
	"  budget INTEGER NOT NULL CHECK (budget >= 0),"
	"  committed INTEGER NOT NULL DEFAULT 0 CHECK (committed >= 0),"
	"  disbursed INTEGER NOT NULL DEFAULT 0 CHECK (disbursed >= 0),"
	"  CHECK (committed <= budget),"
	"  CHECK (disbursed <= committed),"
	"  PRIMARY KEY (project_id, currency)"
	") WITHOUT ROWID;"
	"CREATE TABLE project_donors ("
	"  id INTEGER PRIMARY KEY,"
	"  project_id INTEGER NOT NULL REFERENCES projects(id) ON DELETE CASCADE,"
	"  name TEXT NOT NULL CHECK (length(name) BETWEEN 1 AND 300),"
	"  amount INTEGER NOT NULL CHECK (amount > 0),"
	"  currency TEXT NOT NULL CHECK (currency GLOB '[A-Z][A-Z][A-Z]')"
	");"
	"CREATE INDEX project_donors_project ON project_donors(project_id);"
	"CREATE TABLE project_cases ("
	"  project_id INTEGER NOT NULL REFERENCES projects(id) ON DELETE CASCADE,"
	"  case_id INTEGER NOT NULL REFERENCES cases(id) ON DELETE CASCADE,"
	"  assigned_by INTEGER REFERENCES users(id),"
	"  assigned_at INTEGER NOT NULL,"
	"  PRIMARY KEY (project_id, case_id)"
	") WITHOUT ROWID;"
	"CREATE INDEX project_cases_case ON project_cases(case_id);"
	"CREATE TABLE fund_requests ("
	"  id INTEGER PRIMARY KEY,"
	"  case_id INTEGER NOT NULL REFERENCES cases(id) ON DELETE CASCADE,"
	"  office_id INTEGER NOT NULL REFERENCES offices(id),"
	"  type TEXT NOT NULL CHECK (type IN ('protection', 'medical',"
	"    'return', 'reintegration')),"
	"  amount INTEGER NOT NULL CHECK (amount > 0),"
	"  currency TEXT NOT NULL CHECK (currency GLOB '[A-Z][A-Z][A-Z]'),"
	"  justification BLOB NOT NULL,"
	"  state TEXT NOT NULL CHECK (state IN ('submitted', 'approved',"
	"    'rejected', 'need-info')),"
	"  requested_by INTEGER REFERENCES users(id),"
	"  created_at INTEGER NOT NULL,"
	"  submitted_at INTEGER NOT NULL,"
	"  decided_by INTEGER REFERENCES users(id),"
	"  decided_at INTEGER,"
	"  reason BLOB,"
	"  project_id INTEGER REFERENCES projects(id),"
	"  approved INTEGER CHECK (approved IS NULL OR"
	"    (approved > 0 AND approved <= amount)),"
	"  disbursed INTEGER NOT NULL DEFAULT 0 CHECK (disbursed >= 0),"
	"  CHECK (disbursed <= coalesce(approved, 0)),"
	"  CHECK (state <> 'approved' OR (approved IS NOT NULL AND"
	"    project_id IS NOT NULL))"
	");"
	"CREATE INDEX fund_requests_case ON fund_requests(case_id);"
	"CREATE INDEX fund_requests_state ON fund_requests(state, submitted_at);"
	"CREATE INDEX fund_requests_office ON fund_requests(office_id, state);"
	/* Every decision, for the turnaround from its submission. */
	"CREATE TABLE fund_decisions ("
	"  id INTEGER PRIMARY KEY,"
	"  request_id INTEGER NOT NULL REFERENCES fund_requests(id)"
	"    ON DELETE CASCADE,"
	"  office_id INTEGER NOT NULL REFERENCES offices(id),"
	"  decision TEXT NOT NULL CHECK (decision IN ('approve', 'reject',"
	"    'need-info')),"
	"  submitted_at INTEGER NOT NULL,"
	"  decided_at INTEGER NOT NULL CHECK (decided_at >= submitted_at),"
	"  decided_by INTEGER REFERENCES users(id)"
	");"
	"CREATE INDEX fund_decisions_request ON fund_decisions(request_id);"
	"CREATE TABLE fund_disbursements ("
	"  id INTEGER PRIMARY KEY,"
	"  request_id INTEGER NOT NULL REFERENCES fund_requests(id)"
	"    ON DELETE CASCADE,"
	"  amount INTEGER NOT NULL CHECK (amount > 0),"
	"  on_date TEXT NOT NULL CHECK (on_date GLOB"
	"    '[0-9][0-9][0-9][0-9]-[0-9][0-9]-[0-9][0-9]'),"
	"  note BLOB,"
	"  created_by INTEGER REFERENCES users(id),"
	"  created_at INTEGER NOT NULL"
	");"
	"CREATE INDEX fund_disbursements_request ON"
	"  fund_disbursements(request_id);",
	false },
	/* Voluntary return, reintegration plans and monitoring visits.
	 * Places, names and notes are in the sealed body; the clear columns
	 * are what lists and schedules need. */
	{ 6,
	"CREATE TABLE case_returns ("
	"  id INTEGER PRIMARY KEY,"
	"  case_id INTEGER NOT NULL REFERENCES cases(id) ON DELETE CASCADE,"
	"  office_id INTEGER NOT NULL REFERENCES offices(id),"
	"  dest_office INTEGER NOT NULL REFERENCES offices(id),"
	"  stage TEXT NOT NULL CHECK (stage IN ('Requested', 'Counselled',"
	"    'Planned', 'Departed', 'Arrived', 'Cancelled')),"
	"  requested_on TEXT, counselled_on TEXT, planned_on TEXT,"
	"  departed_on TEXT, arrived_on TEXT, cancelled_on TEXT,"
	"  body BLOB NOT NULL,"
	"  created_by INTEGER REFERENCES users(id),"
	"  created_at INTEGER NOT NULL,"
	"  updated_by INTEGER REFERENCES users(id),"
	"  updated_at INTEGER NOT NULL,"
	"  version INTEGER NOT NULL DEFAULT 1,"
	"  CHECK (arrived_on IS NULL OR departed_on IS NULL OR"
	"    arrived_on >= departed_on)"
	");"
	"CREATE INDEX case_returns_case ON case_returns(case_id);"
	"CREATE UNIQUE INDEX case_returns_one_open ON case_returns(case_id)"
	"  WHERE stage NOT IN ('Arrived', 'Cancelled');"
	"CREATE TABLE reintegration_plans ("
	"  id INTEGER PRIMARY KEY,"
	"  case_id INTEGER NOT NULL UNIQUE REFERENCES cases(id)"
	"    ON DELETE CASCADE,"
	"  plan_type TEXT NOT NULL,"
	"  plan_date TEXT NOT NULL,"
	"  outcome TEXT,"
	"  body BLOB NOT NULL,"
	"  created_by INTEGER REFERENCES users(id),"
	"  created_at INTEGER NOT NULL,"
	"  updated_by INTEGER REFERENCES users(id),"
	"  updated_at INTEGER NOT NULL,"
	"  version INTEGER NOT NULL DEFAULT 1"
	");"
	"CREATE TABLE monitoring_visits ("
	"  id INTEGER PRIMARY KEY,"
	"  case_id INTEGER NOT NULL REFERENCES cases(id) ON DELETE CASCADE,"
	"  due_on TEXT NOT NULL,"
	"  status TEXT NOT NULL DEFAULT 'Scheduled' CHECK (status IN"
	"    ('Scheduled', 'Done', 'Missed')),"
	"  done_on TEXT,"
	"  body BLOB,"
	"  created_at INTEGER NOT NULL,"
	"  updated_by INTEGER REFERENCES users(id),"
	"  updated_at INTEGER NOT NULL"
	");"
	"CREATE INDEX monitoring_visits_case ON monitoring_visits(case_id, due_on);"
	"CREATE INDEX monitoring_visits_due ON monitoring_visits(status, due_on);",
	false },
	/* Two-step verification: the secret is sealed by the caller (the
	 * vault); last_step is the last code's step, never accepted again. */
	{ 7,
	"CREATE TABLE user_totp ("
	"  user_id INTEGER PRIMARY KEY REFERENCES users(id) ON DELETE CASCADE,"
	"  secret BLOB NOT NULL,"
	"  active INTEGER NOT NULL DEFAULT 0 CHECK (active IN (0, 1)),"
	"  last_step INTEGER NOT NULL DEFAULT 0,"
	"  updated_at INTEGER NOT NULL"
	");",
	false },
	/* A request's decisions keep their reason (sealed as the request's)
	 * and amount, so that a resubmission can clear the request's own
	 * decision and the history stays. Older rows get the request's last
	 * reason on its last decision, and the amount approved or (as it is
	 * now) asked. */
	{ 8,
	"ALTER TABLE fund_decisions ADD COLUMN amount INTEGER;"
	"ALTER TABLE fund_decisions ADD COLUMN reason BLOB;"
	"UPDATE fund_decisions SET amount = (SELECT CASE WHEN decision ="
	"  'approve' THEN q.approved ELSE q.amount END FROM fund_requests q"
	"  WHERE q.id = request_id);"
	"UPDATE fund_decisions SET reason = (SELECT q.reason FROM fund_requests"
	"  q WHERE q.id = request_id) WHERE id IN (SELECT max(id) FROM"
	"  fund_decisions GROUP BY request_id);",
	false },
	/* The case access grant: an administrator has no case content by
	 * role; this gives one the case files of every office (role.c). */
	{ 9,
	"ALTER TABLE users ADD COLUMN case_access INTEGER NOT NULL DEFAULT 0"
	"  CHECK (case_access IN (0, 1));",
	false },
	/* Implementing partners: organisations of the registry working on
	 * a project, each with its role in it in the project's words. An
	 * organisation stays in the registry (disabled, never deleted) as
	 * long as it is a partner of a project. */
	{ 10,
	"CREATE TABLE project_partners ("
	"  project_id INTEGER NOT NULL REFERENCES projects(id) ON DELETE CASCADE,"
	"  org_id INTEGER NOT NULL REFERENCES organisations(id),"
	"  role TEXT NOT NULL DEFAULT '' CHECK (length(role) <= 200),"
	"  added_by INTEGER REFERENCES users(id),"
	"  added_at INTEGER NOT NULL,"
	"  PRIMARY KEY (project_id, org_id)"
	") WITHOUT ROWID;"
	"CREATE INDEX project_partners_org ON project_partners(org_id);",
	false },
};

/* HTCDS 2.0 case status values, as stored. */
static const char *const status_names[CASE_STATUS__MAX] = {
	[CASE_ACTIVE] = "Active",
	[CASE_FOLLOWUP] = "FollowUp",
	[CASE_CLOSED] = "Closed",
	[CASE_CLOSED_REFERRED] = "ClosedReferred",
};

struct conn {
	struct db *db;
	sqlite3 *h;
	sqlite3_stmt *stmt[STMT__MAX];
	/* The statements of the backend's other files (db_sqlite_int.h). */
	sqlite3_stmt *xstmt[DBX_SLOTS];
	const char *xsql[DBX_SLOTS];
	struct conn *prev, *next;
};

struct db {
	char *path;
	pthread_key_t key;
	bool have_key;
	pthread_mutex_t lock;	/* guards conns */
	struct conn *conns;
};

/* --- connections --- */

/* Finalizes c's statements and closes it; c must be off the list. */
static void
conn_free(struct conn *c)
{
	size_t i;
	int rc;

	for (i = 0; i < STMT__MAX; i++)
		sqlite3_finalize(c->stmt[i]);
	for (i = 0; i < DBX_SLOTS; i++)
		sqlite3_finalize(c->xstmt[i]);
	rc = sqlite3_close(c->h);
	if (rc != SQLITE_OK)
		error("db: closing a connection: %s", sqlite3_errstr(rc));
	free(c);
}

static void
conn_unlink(struct db *db, struct conn *c)
{
	if (c->prev)
		c->prev->next = c->next;
	else
		db->conns = c->next;
	if (c->next)
		c->next->prev = c->prev;
	c->prev = c->next = NULL;
}

/* pthread key destructor: the thread that owned this connection exits. */
static void
conn_destroy(void *p)
{
	struct conn *c = p;
	struct db *db = c->db;

	pthread_mutex_lock(&db->lock);
	conn_unlink(db, c);
	pthread_mutex_unlock(&db->lock);
	conn_free(c);
}

/*
 * Returns statement id of c, prepared on first use. The statement is
 * owned by c; callers reset it with done() after use. NULL on failure.
 */
static sqlite3_stmt *
prep(struct conn *c, enum stmt id)
{
	int rc;

	if (NEVER(id < 0 || id >= STMT__MAX || sql[id] == NULL)) {
		error("db: no SQL for statement %d", (int)id);
		return NULL;
	}
	if (c->stmt[id] == NULL) {
		rc = sqlite3_prepare_v3(c->h, sql[id], -1,
		    SQLITE_PREPARE_PERSISTENT, &c->stmt[id], NULL);
		if (rc != SQLITE_OK) {
			error("db: preparing statement %d: %s", (int)id,
			    sqlite3_errmsg(c->h));
			sqlite3_finalize(c->stmt[id]);
			c->stmt[id] = NULL;
			return NULL;
		}
	} else if (sqlite3_stmt_busy(c->stmt[id])) {
		/* A list callback called the function that lists. */
		error("db: statement %d re-entered", (int)id);
		return NULL;
	}
	return c->stmt[id];
}

static void
done(sqlite3_stmt *st)
{
	sqlite3_reset(st);
	sqlite3_clear_bindings(st);
}

/* Maps a failed step to DB_CONFLICT (unique key) or a logged DB_ERROR. */
static int
step_error(struct conn *c, enum stmt id, int rc)
{
	if (rc == SQLITE_CONSTRAINT_UNIQUE ||
	    rc == SQLITE_CONSTRAINT_PRIMARYKEY)
		return DB_CONFLICT;
	return error("db: statement %d: %s", (int)id, sqlite3_errmsg(c->h));
}

/* Runs statement id, already bound, to completion and resets it. */
static int
run(struct conn *c, enum stmt id)
{
	sqlite3_stmt *st = c->stmt[id];
	int rc;

	while ((rc = sqlite3_step(st)) == SQLITE_ROW)
		;
	rc = rc == SQLITE_DONE ? DB_OK : step_error(c, id, rc);
	done(st);
	return rc;
}

/* Prepares, runs and resets a statement that takes no parameters. */
static int
run_plain(struct conn *c, enum stmt id)
{
	if (prep(c, id) == NULL)
		return DB_ERROR;
	return run(c, id);
}

static struct conn *
conn_open(struct db *db)
{
	static const enum stmt setup[] = {
		STMT_PRAGMA_BUSY_TIMEOUT,
		STMT_PRAGMA_FOREIGN_KEYS,
		STMT_PRAGMA_SYNCHRONOUS,
	};
	struct conn *c;
	size_t i;
	int rc;

	c = calloc(1, sizeof(*c));
	if (c == NULL) {
		error("db: out of memory");
		return NULL;
	}
	c->db = db;
	/* No SQLITE_OPEN_CREATE: db_open() made the file with its mode. */
	rc = sqlite3_open_v2(db->path, &c->h,
	    SQLITE_OPEN_READWRITE | SQLITE_OPEN_NOMUTEX, NULL);
	if (rc != SQLITE_OK) {
		error("db: cannot open %s: %s", db->path,
		    c->h ? sqlite3_errmsg(c->h) : sqlite3_errstr(rc));
		goto fail;
	}
	sqlite3_extended_result_codes(c->h, 1);
	for (i = 0; i < ARRAY_SIZE(setup); i++) {
		if (run_plain(c, setup[i]) != DB_OK)
			goto fail;
		/* Used once: do not keep them for the connection's life. */
		sqlite3_finalize(c->stmt[setup[i]]);
		c->stmt[setup[i]] = NULL;
	}
	return c;
fail:
	conn_free(c);
	return NULL;
}

/* The calling thread's connection, opened on first use; NULL on failure. */
static struct conn *
conn_get(struct db *db)
{
	struct conn *c;

	if (NEVER(db == NULL)) {
		error("db: not open");
		return NULL;
	}
	c = pthread_getspecific(db->key);
	if (c)
		return c;
	c = conn_open(db);
	if (c == NULL)
		return NULL;
	if (pthread_setspecific(db->key, c) != 0) {
		conn_free(c);
		error("db: cannot keep the thread's connection");
		return NULL;
	}
	pthread_mutex_lock(&db->lock);
	c->next = db->conns;
	if (db->conns)
		db->conns->prev = c;
	db->conns = c;
	pthread_mutex_unlock(&db->lock);
	return c;
}

/* The connection and its prepared statement id, or NULL (logged). */
static sqlite3_stmt *
stmt_get(struct db *db, enum stmt id, struct conn **cp)
{
	struct conn *c = conn_get(db);

	*cp = c;
	return c ? prep(c, id) : NULL;
}

/* --- binding and reading --- */

/* True when s is a string of fewer than size bytes (NUL included). */
static bool
fits(const char *s, size_t size)
{
	return s != NULL && strnlen(s, size) < size;
}

static int
bind_text(sqlite3_stmt *st, int i, const char *s)
{
	return s ? sqlite3_bind_text(st, i, s, -1, SQLITE_STATIC)
		 : sqlite3_bind_null(st, i);
}

/* Row ids where 0 means none are stored as NULL. */
static int
bind_id(sqlite3_stmt *st, int i, int64_t id)
{
	return id ? sqlite3_bind_int64(st, i, id) : sqlite3_bind_null(st, i);
}

static int
bind_failed(struct conn *c, enum stmt id)
{
	done(c->stmt[id]);
	return error("db: binding statement %d: %s", (int)id,
	    sqlite3_errmsg(c->h));
}

/* Copies a text column into a fixed field, truncating if need be. */
static void
col_text(sqlite3_stmt *st, int col, char *dst, size_t size)
{
	const unsigned char *s = sqlite3_column_text(st, col);

	snprintf(dst, size, "%s", s ? (const char *)s : "");
}

static int64_t
sql_limit(int64_t limit)
{
	return limit > 0 ? limit : -1;
}

static int64_t
sql_offset(int64_t offset)
{
	return offset > 0 ? offset : 0;
}

/* --- open, close, migrations, transactions --- */

static int
fk_on(struct conn *c)
{
	if (sqlite3_exec(c->h, "PRAGMA foreign_keys = ON", NULL, NULL,
	    NULL) != SQLITE_OK)
		return error("db: cannot enforce foreign keys");
	return 0;
}

/* After a rebuild: every reference must still hold. */
static int
fk_check(struct conn *c)
{
	sqlite3_stmt *st;
	int rc;

	if (sqlite3_prepare_v2(c->h, "PRAGMA foreign_key_check", -1, &st,
	    NULL) != SQLITE_OK)
		return error("db: %s", sqlite3_errmsg(c->h));
	rc = sqlite3_step(st);
	sqlite3_finalize(st);
	if (rc == SQLITE_ROW)
		return error("db: a migration broke a foreign key");
	if (rc != SQLITE_DONE)
		return error("db: foreign key check: %s", sqlite3_errstr(rc));
	return 0;
}

static int
migrate(struct conn *c)
{
	size_t i;
	int newest = 0, current, rc;
	sqlite3_stmt *st;

	if (run_plain(c, STMT_MIGRATIONS_TABLE) != DB_OK)
		return -1;
	for (i = 0; i < ARRAY_SIZE(migrations); i++) {
		if (NEVER(migrations[i].version <= newest))
			return error("db: migrations out of order");
		newest = migrations[i].version;
	}
	current = db_schema_version(c->db);
	if (current < 0)
		return -1;
	if (current > newest)
		return error("db: schema version %d is newer than this ctm "
		    "knows (%d); upgrade ctm", current, newest);

	for (i = 0; i < ARRAY_SIZE(migrations); i++) {
		const struct migration *m = &migrations[i];
		char *msg = NULL;
		bool applied;

		/* Foreign keys can only be switched outside a transaction. */
		if (m->rebuild && sqlite3_exec(c->h, "PRAGMA foreign_keys = OFF",
		    NULL, NULL, NULL) != SQLITE_OK)
			return error("db: cannot suspend foreign keys");
		if (run_plain(c, STMT_BEGIN) != DB_OK)
			goto fail;
		/* Asked again inside the write lock: another process may
		 * have migrated since we looked. */
		if ((st = prep(c, STMT_MIGRATION_APPLIED)) == NULL)
			goto fail;
		if (sqlite3_bind_int(st, 1, m->version) != SQLITE_OK) {
			bind_failed(c, STMT_MIGRATION_APPLIED);
			goto fail;
		}
		rc = sqlite3_step(st);
		applied = rc == SQLITE_ROW;
		if (rc != SQLITE_ROW && rc != SQLITE_DONE)
			step_error(c, STMT_MIGRATION_APPLIED, rc);
		done(st);
		if (rc != SQLITE_ROW && rc != SQLITE_DONE)
			goto fail;
		if (applied) {
			if (run_plain(c, STMT_COMMIT) != DB_OK)
				goto fail;
			if (fk_on(c) < 0)
				return -1;
			continue;
		}
		if (sqlite3_exec(c->h, m->script, NULL, NULL, &msg) !=
		    SQLITE_OK) {
			error("db: migration %d failed: %s", m->version,
			    msg ? msg : sqlite3_errmsg(c->h));
			sqlite3_free(msg);
			goto fail;
		}
		if (m->rebuild && fk_check(c) < 0)
			goto fail;
		if ((st = prep(c, STMT_MIGRATION_RECORD)) == NULL)
			goto fail;
		if (sqlite3_bind_int(st, 1, m->version) |
		    sqlite3_bind_int64(st, 2, (int64_t)time(NULL))) {
			bind_failed(c, STMT_MIGRATION_RECORD);
			goto fail;
		}
		if (run(c, STMT_MIGRATION_RECORD) != DB_OK ||
		    run_plain(c, STMT_COMMIT) != DB_OK)
			goto fail;
		if (fk_on(c) < 0)
			return -1;
		log_info("db: applied schema migration %d", m->version);
	}
	return 0;
fail:
	if (!sqlite3_get_autocommit(c->h))
		run_plain(c, STMT_ROLLBACK);
	fk_on(c);
	return -1;
}

/*
 * Makes sure the file exists (create) with mode 0600, so that neither
 * SQLite nor the umask decides who may read it; SQLite gives its -wal
 * and -shm files the database file's mode.
 */
static int
db_file(const char *path, bool create)
{
	struct stat sb;
	int fd;

	if (create) {
		fd = open(path, O_RDWR | O_CREAT | O_CLOEXEC, 0600);
		if (fd < 0)
			return error("db: cannot create %s: %s", path,
			    strerror(errno));
		close(fd);
	}
	if (stat(path, &sb) != 0)
		return error("db: %s: %s (create it first)", path,
		    strerror(errno));
	if (sb.st_mode & 0077)
		log_warn("db: %s is open to other users (mode %03o); "
		    "chmod 600 it", path, (unsigned)(sb.st_mode & 0777));
	return 0;
}

struct db *
db_open(const char *path, bool create)
{
	struct db *db;
	struct conn *c;
	sqlite3_stmt *st;
	const unsigned char *mode;
	int i, rc;

	if (path == NULL || *path == '\0' || strcmp(path, ":memory:") == 0) {
		/* Each thread would get a database of its own. */
		error("db: a database file is needed");
		return NULL;
	}
	if (db_file(path, create) != 0)
		return NULL;
	db = calloc(1, sizeof(*db));
	if (db == NULL || (db->path = strdup(path)) == NULL) {
		free(db);
		error("db: out of memory");
		return NULL;
	}
	if (pthread_mutex_init(&db->lock, NULL) != 0) {
		free(db->path);
		free(db);
		error("db: cannot create a mutex");
		return NULL;
	}
	if (pthread_key_create(&db->key, conn_destroy) != 0) {
		error("db: cannot create a thread key");
		goto fail;
	}
	db->have_key = true;
	if ((c = conn_get(db)) == NULL)
		goto fail;

	/* WAL is a property of the file: set once, every connection uses
	 * it. Readers then never wait for the writer. */
	if ((st = prep(c, STMT_PRAGMA_WAL)) == NULL)
		goto fail;
	rc = sqlite3_step(st);
	mode = rc == SQLITE_ROW ? sqlite3_column_text(st, 0) : NULL;
	if (mode == NULL || strcmp((const char *)mode, "wal") != 0) {
		if (rc == SQLITE_ROW)
			error("db: %s cannot use write-ahead logging", path);
		else
			step_error(c, STMT_PRAGMA_WAL, rc);
		done(st);
		goto fail;
	}
	done(st);
	sqlite3_finalize(st);
	c->stmt[STMT_PRAGMA_WAL] = NULL;

	if (migrate(c) != 0)
		goto fail;
	/* Prepare everything once so a broken statement fails here, at
	 * start-up, rather than on some later request. */
	for (i = 0; i < STMT__MAX; i++) {
		if (i == STMT_PRAGMA_WAL || i == STMT_PRAGMA_FOREIGN_KEYS ||
		    i == STMT_PRAGMA_BUSY_TIMEOUT ||
		    i == STMT_PRAGMA_SYNCHRONOUS)
			continue;
		if (prep(c, (enum stmt)i) == NULL)
			goto fail;
	}
	return db;
fail:
	db_close(db);
	return NULL;
}

void
db_close(struct db *db)
{
	struct conn *c, *next;

	if (db == NULL)
		return;
	if (db->have_key)
		pthread_setspecific(db->key, NULL);
	pthread_mutex_lock(&db->lock);
	for (c = db->conns; c; c = next) {
		next = c->next;
		conn_free(c);
	}
	db->conns = NULL;
	pthread_mutex_unlock(&db->lock);
	/* Threads still alive will not run the destructor any more. */
	if (db->have_key)
		pthread_key_delete(db->key);
	pthread_mutex_destroy(&db->lock);
	free(db->path);
	free(db);
}

int
db_schema_version(struct db *db)
{
	struct conn *c;
	sqlite3_stmt *st = stmt_get(db, STMT_SCHEMA_VERSION, &c);
	int rc, v = -1;

	if (st == NULL)
		return -1;
	rc = sqlite3_step(st);
	if (rc == SQLITE_ROW)
		v = sqlite3_column_int(st, 0);
	else
		step_error(c, STMT_SCHEMA_VERSION, rc);
	done(st);
	return v;
}

int
db_begin(struct db *db)
{
	struct conn *c = conn_get(db);

	if (c == NULL)
		return DB_ERROR;
	if (!sqlite3_get_autocommit(c->h))
		return error("db: a transaction is already open");
	return run_plain(c, STMT_BEGIN) == DB_OK ? DB_OK : DB_ERROR;
}

int
db_commit(struct db *db)
{
	struct conn *c = conn_get(db);

	if (c == NULL)
		return DB_ERROR;
	if (sqlite3_get_autocommit(c->h))
		return error("db: commit without a transaction");
	if (run_plain(c, STMT_COMMIT) != DB_OK) {
		if (!sqlite3_get_autocommit(c->h))
			run_plain(c, STMT_ROLLBACK);
		return DB_ERROR;
	}
	return DB_OK;
}

void
db_rollback(struct db *db)
{
	struct conn *c = conn_get(db);

	/* SQLite may have rolled back already after some errors. */
	if (c && !sqlite3_get_autocommit(c->h))
		run_plain(c, STMT_ROLLBACK);
}

/* --- offices --- */

static void
office_row(sqlite3_stmt *st, struct office *o)
{
	memset(o, 0, sizeof(*o));
	o->id = sqlite3_column_int64(st, 0);
	col_text(st, 1, o->code, sizeof(o->code));
	col_text(st, 2, o->name, sizeof(o->name));
	col_text(st, 3, o->country, sizeof(o->country));
	o->hq = sqlite3_column_int(st, 4) != 0;
}

static int
office_check(const struct office *o)
{
	if (o == NULL || !fits(o->code, sizeof(o->code)) || o->code[0] == '\0')
		return error("db: office code missing or too long");
	if (!fits(o->name, sizeof(o->name)))
		return error("db: office name too long");
	if (!fits(o->country, sizeof(o->country)) || strlen(o->country) != 2)
		return error("db: office country must be an ISO 3166-1 "
		    "alpha-2 code");
	return 0;
}

int
db_office_add(struct db *db, struct office *o)
{
	struct conn *c;
	sqlite3_stmt *st;
	int rc;

	if (office_check(o) != 0)
		return DB_ERROR;
	if ((st = stmt_get(db, STMT_OFFICE_ADD, &c)) == NULL)
		return DB_ERROR;
	if (sqlite3_bind_text(st, 1, o->code, -1, SQLITE_STATIC) |
	    sqlite3_bind_text(st, 2, o->name, -1, SQLITE_STATIC) |
	    sqlite3_bind_text(st, 3, o->country, -1, SQLITE_STATIC) |
	    sqlite3_bind_int(st, 4, o->hq ? 1 : 0))
		return bind_failed(c, STMT_OFFICE_ADD);
	rc = run(c, STMT_OFFICE_ADD);
	if (rc == DB_OK)
		o->id = sqlite3_last_insert_rowid(c->h);
	return rc;
}

/* Steps a one-row lookup into o: DB_OK, DB_NOTFOUND or DB_ERROR. */
static int
office_one(struct conn *c, enum stmt id, struct office *o)
{
	sqlite3_stmt *st = c->stmt[id];
	int rc = sqlite3_step(st);

	if (rc == SQLITE_ROW) {
		office_row(st, o);
		rc = DB_OK;
	} else if (rc == SQLITE_DONE) {
		rc = DB_NOTFOUND;
	} else {
		rc = step_error(c, id, rc);
	}
	done(st);
	return rc;
}

int
db_office_get(struct db *db, int64_t id, struct office *o)
{
	struct conn *c;
	sqlite3_stmt *st = stmt_get(db, STMT_OFFICE_GET, &c);

	if (st == NULL)
		return DB_ERROR;
	if (sqlite3_bind_int64(st, 1, id))
		return bind_failed(c, STMT_OFFICE_GET);
	return office_one(c, STMT_OFFICE_GET, o);
}

int
db_office_by_code(struct db *db, const char *code, struct office *o)
{
	struct conn *c;
	sqlite3_stmt *st;

	if (!fits(code, DB_CODE_MAX))
		return DB_NOTFOUND;
	if ((st = stmt_get(db, STMT_OFFICE_BY_CODE, &c)) == NULL)
		return DB_ERROR;
	if (sqlite3_bind_text(st, 1, code, -1, SQLITE_STATIC))
		return bind_failed(c, STMT_OFFICE_BY_CODE);
	return office_one(c, STMT_OFFICE_BY_CODE, o);
}

int
db_office_update(struct db *db, const struct office *o)
{
	struct conn *c;
	sqlite3_stmt *st;
	int rc;

	if (office_check(o) != 0)
		return DB_ERROR;
	if ((st = stmt_get(db, STMT_OFFICE_UPDATE, &c)) == NULL)
		return DB_ERROR;
	if (sqlite3_bind_int64(st, 1, o->id) |
	    sqlite3_bind_text(st, 2, o->code, -1, SQLITE_STATIC) |
	    sqlite3_bind_text(st, 3, o->name, -1, SQLITE_STATIC) |
	    sqlite3_bind_text(st, 4, o->country, -1, SQLITE_STATIC) |
	    sqlite3_bind_int(st, 5, o->hq ? 1 : 0))
		return bind_failed(c, STMT_OFFICE_UPDATE);
	rc = run(c, STMT_OFFICE_UPDATE);
	if (rc == DB_OK && sqlite3_changes(c->h) == 0)
		rc = DB_NOTFOUND;
	return rc;
}

/*
 * List functions: cb is called once per row; a positive return stops
 * the listing (DB_OK), a negative one stops it with DB_ERROR (the
 * callback logs its own failure). A callback may call other db
 * functions, but not the list function that called it.
 */
int
db_office_list(struct db *db, db_office_cb cb, void *arg)
{
	struct conn *c;
	sqlite3_stmt *st = stmt_get(db, STMT_OFFICE_LIST, &c);
	struct office o;
	int rc, r = 0;

	if (st == NULL)
		return DB_ERROR;
	while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
		office_row(st, &o);
		if ((r = cb(arg, &o)) != 0)
			break;
	}
	if (rc != SQLITE_ROW && rc != SQLITE_DONE)
		r = step_error(c, STMT_OFFICE_LIST, rc);
	done(st);
	return r < 0 ? DB_ERROR : DB_OK;
}

/* --- users --- */

static int
user_row(sqlite3_stmt *st, struct user *u)
{
	const unsigned char *role, *lang;
	int r;

	memset(u, 0, sizeof(*u));
	u->id = sqlite3_column_int64(st, 0);
	col_text(st, 1, u->username, sizeof(u->username));
	role = sqlite3_column_text(st, 2);
	r = role_from_name((const char *)role);
	if (NEVER(r < 0))
		return error("db: user %" PRId64 " has an unknown role", u->id);
	u->role = (enum role)r;
	u->office_id = sqlite3_column_int64(st, 3);
	col_text(st, 4, u->office_code, sizeof(u->office_code));
	col_text(st, 5, u->pwhash, sizeof(u->pwhash));
	u->disabled = sqlite3_column_int(st, 6) != 0;
	lang = sqlite3_column_text(st, 7);
	u->lang = lang ? lang_from_code((const char *)lang) : -1;
	u->failed_logins = sqlite3_column_int(st, 8);
	u->locked_until = sqlite3_column_int64(st, 9);
	u->created_at = sqlite3_column_int64(st, 10);
	u->health_access = sqlite3_column_int(st, 11) != 0;
	u->case_access = sqlite3_column_int(st, 12) != 0;
	return 0;
}

static bool
lang_ok(int lang)
{
	return lang >= -1 && lang < LANG__MAX;
}

static int
bind_lang(sqlite3_stmt *st, int i, int lang)
{
	return lang < 0 ? sqlite3_bind_null(st, i)
			: sqlite3_bind_text(st, i, lang_code((enum lang)lang),
			    -1, SQLITE_STATIC);
}

int
db_user_add(struct db *db, struct user *u)
{
	struct conn *c;
	sqlite3_stmt *st;
	int rc;

	if (u == NULL || !fits(u->username, sizeof(u->username)) ||
	    u->username[0] == '\0')
		return error("db: username missing or too long");
	if (u->role < 0 || u->role >= ROLE__MAX)
		return error("db: unknown role %d", (int)u->role);
	if (!fits(u->pwhash, sizeof(u->pwhash)))
		return error("db: password hash too long");
	if (!lang_ok(u->lang))
		return error("db: unknown language %d", u->lang);
	if (u->created_at == 0)
		u->created_at = (int64_t)time(NULL);
	if ((st = stmt_get(db, STMT_USER_ADD, &c)) == NULL)
		return DB_ERROR;
	if (sqlite3_bind_text(st, 1, u->username, -1, SQLITE_STATIC) |
	    sqlite3_bind_text(st, 2, role_name(u->role), -1, SQLITE_STATIC) |
	    bind_id(st, 3, u->office_id) |
	    sqlite3_bind_text(st, 4, u->pwhash, -1, SQLITE_STATIC) |
	    sqlite3_bind_int(st, 5, u->disabled ? 1 : 0) |
	    bind_lang(st, 6, u->lang) |
	    sqlite3_bind_int64(st, 7, u->created_at))
		return bind_failed(c, STMT_USER_ADD);
	rc = run(c, STMT_USER_ADD);
	if (rc == DB_OK) {
		u->id = sqlite3_last_insert_rowid(c->h);
		u->failed_logins = 0;
		u->locked_until = 0;
	}
	return rc;
}

static int
user_one(struct conn *c, enum stmt id, struct user *u)
{
	sqlite3_stmt *st = c->stmt[id];
	int rc = sqlite3_step(st);

	if (rc == SQLITE_ROW)
		rc = user_row(st, u) == 0 ? DB_OK : DB_ERROR;
	else if (rc == SQLITE_DONE)
		rc = DB_NOTFOUND;
	else
		rc = step_error(c, id, rc);
	done(st);
	return rc;
}

int
db_user_get(struct db *db, int64_t id, struct user *u)
{
	struct conn *c;
	sqlite3_stmt *st = stmt_get(db, STMT_USER_GET, &c);

	if (st == NULL)
		return DB_ERROR;
	if (sqlite3_bind_int64(st, 1, id))
		return bind_failed(c, STMT_USER_GET);
	return user_one(c, STMT_USER_GET, u);
}

/* username is untrusted (as typed at login); ASCII case is ignored. */
int
db_user_by_name(struct db *db, const char *username, struct user *u)
{
	struct conn *c;
	sqlite3_stmt *st;

	if (!fits(username, DB_USERNAME_MAX))
		return DB_NOTFOUND;
	if ((st = stmt_get(db, STMT_USER_BY_NAME, &c)) == NULL)
		return DB_ERROR;
	if (sqlite3_bind_text(st, 1, username, -1, SQLITE_STATIC))
		return bind_failed(c, STMT_USER_BY_NAME);
	return user_one(c, STMT_USER_BY_NAME, u);
}

int
db_user_list(struct db *db, db_user_cb cb, void *arg)
{
	struct conn *c;
	sqlite3_stmt *st = stmt_get(db, STMT_USER_LIST, &c);
	struct user u;
	int rc, r = 0;

	if (st == NULL)
		return DB_ERROR;
	while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
		if (user_row(st, &u) != 0) {
			r = -1;
			break;
		}
		if ((r = cb(arg, &u)) != 0)
			break;
	}
	if (rc != SQLITE_ROW && rc != SQLITE_DONE)
		r = step_error(c, STMT_USER_LIST, rc);
	done(st);
	return r < 0 ? DB_ERROR : DB_OK;
}

/* Runs an UPDATE bound by the caller; DB_NOTFOUND when no row matched. */
static int
run_update(struct conn *c, enum stmt id)
{
	int rc = run(c, id);

	if (rc == DB_OK && sqlite3_changes(c->h) == 0)
		rc = DB_NOTFOUND;
	return rc;
}

int
db_user_set_password(struct db *db, int64_t id, const char *pwhash)
{
	struct conn *c;
	sqlite3_stmt *st;

	if (!fits(pwhash, DB_HASH_MAX))
		return error("db: password hash missing or too long");
	if ((st = stmt_get(db, STMT_USER_SET_PASSWORD, &c)) == NULL)
		return DB_ERROR;
	if (sqlite3_bind_int64(st, 1, id) |
	    sqlite3_bind_text(st, 2, pwhash, -1, SQLITE_STATIC))
		return bind_failed(c, STMT_USER_SET_PASSWORD);
	return run_update(c, STMT_USER_SET_PASSWORD);
}

int
db_user_set_disabled(struct db *db, int64_t id, bool disabled)
{
	struct conn *c;
	sqlite3_stmt *st = stmt_get(db, STMT_USER_SET_DISABLED, &c);

	if (st == NULL)
		return DB_ERROR;
	if (sqlite3_bind_int64(st, 1, id) |
	    sqlite3_bind_int(st, 2, disabled ? 1 : 0))
		return bind_failed(c, STMT_USER_SET_DISABLED);
	return run_update(c, STMT_USER_SET_DISABLED);
}

int
db_user_set_lang(struct db *db, int64_t id, int lang)
{
	struct conn *c;
	sqlite3_stmt *st;

	if (!lang_ok(lang))
		return error("db: unknown language %d", lang);
	if ((st = stmt_get(db, STMT_USER_SET_LANG, &c)) == NULL)
		return DB_ERROR;
	if (sqlite3_bind_int64(st, 1, id) | bind_lang(st, 2, lang))
		return bind_failed(c, STMT_USER_SET_LANG);
	return run_update(c, STMT_USER_SET_LANG);
}

int
db_user_set_role(struct db *db, int64_t id, enum role role,
    int64_t office_id)
{
	struct conn *c;
	sqlite3_stmt *st;

	if (role < 0 || role >= ROLE__MAX)
		return error("db: unknown role %d", (int)role);
	if ((st = stmt_get(db, STMT_USER_SET_ROLE, &c)) == NULL)
		return DB_ERROR;
	if (sqlite3_bind_int64(st, 1, id) |
	    sqlite3_bind_text(st, 2, role_name(role), -1, SQLITE_STATIC) |
	    bind_id(st, 3, office_id))
		return bind_failed(c, STMT_USER_SET_ROLE);
	return run_update(c, STMT_USER_SET_ROLE);
}

int
db_user_login_failed(struct db *db, int64_t id, int64_t now,
    int max_failures, int64_t lock_seconds)
{
	struct conn *c;
	sqlite3_stmt *st = stmt_get(db, STMT_USER_LOGIN_FAILED, &c);

	if (st == NULL)
		return DB_ERROR;
	if (sqlite3_bind_int64(st, 1, id) |
	    sqlite3_bind_int64(st, 2, now) |
	    sqlite3_bind_int(st, 3, max_failures) |
	    sqlite3_bind_int64(st, 4, lock_seconds))
		return bind_failed(c, STMT_USER_LOGIN_FAILED);
	return run_update(c, STMT_USER_LOGIN_FAILED);
}

int
db_user_login_ok(struct db *db, int64_t id)
{
	struct conn *c;
	sqlite3_stmt *st = stmt_get(db, STMT_USER_LOGIN_OK, &c);

	if (st == NULL)
		return DB_ERROR;
	if (sqlite3_bind_int64(st, 1, id))
		return bind_failed(c, STMT_USER_LOGIN_OK);
	return run_update(c, STMT_USER_LOGIN_OK);
}

/* --- sessions --- */

int
db_session_add(struct db *db, const struct session *s)
{
	struct conn *c;
	sqlite3_stmt *st;

	if (s == NULL || !fits(s->token_hash, sizeof(s->token_hash)) ||
	    s->token_hash[0] == '\0' || !fits(s->csrf, sizeof(s->csrf)))
		return error("db: session token hash or csrf malformed");
	if ((st = stmt_get(db, STMT_SESSION_ADD, &c)) == NULL)
		return DB_ERROR;
	if (sqlite3_bind_text(st, 1, s->token_hash, -1, SQLITE_STATIC) |
	    sqlite3_bind_int64(st, 2, s->user_id) |
	    sqlite3_bind_text(st, 3, s->csrf, -1, SQLITE_STATIC) |
	    sqlite3_bind_int64(st, 4, s->created_at) |
	    sqlite3_bind_int64(st, 5, s->last_seen))
		return bind_failed(c, STMT_SESSION_ADD);
	return run(c, STMT_SESSION_ADD);
}

/* token_hash is untrusted (derived from a cookie). */
int
db_session_get(struct db *db, const char *token_hash, struct session *s)
{
	struct conn *c;
	sqlite3_stmt *st;
	int rc;

	if (!fits(token_hash, sizeof(s->token_hash)))
		return DB_NOTFOUND;
	if ((st = stmt_get(db, STMT_SESSION_GET, &c)) == NULL)
		return DB_ERROR;
	if (sqlite3_bind_text(st, 1, token_hash, -1, SQLITE_STATIC))
		return bind_failed(c, STMT_SESSION_GET);
	rc = sqlite3_step(st);
	if (rc == SQLITE_ROW) {
		memset(s, 0, sizeof(*s));
		col_text(st, 0, s->token_hash, sizeof(s->token_hash));
		s->user_id = sqlite3_column_int64(st, 1);
		col_text(st, 2, s->csrf, sizeof(s->csrf));
		s->created_at = sqlite3_column_int64(st, 3);
		s->last_seen = sqlite3_column_int64(st, 4);
		rc = DB_OK;
	} else if (rc == SQLITE_DONE) {
		rc = DB_NOTFOUND;
	} else {
		rc = step_error(c, STMT_SESSION_GET, rc);
	}
	done(st);
	return rc;
}

int
db_session_touch(struct db *db, const char *token_hash, int64_t now)
{
	struct conn *c;
	sqlite3_stmt *st;

	if (!fits(token_hash, 65))
		return DB_NOTFOUND;
	if ((st = stmt_get(db, STMT_SESSION_TOUCH, &c)) == NULL)
		return DB_ERROR;
	if (sqlite3_bind_text(st, 1, token_hash, -1, SQLITE_STATIC) |
	    sqlite3_bind_int64(st, 2, now))
		return bind_failed(c, STMT_SESSION_TOUCH);
	return run_update(c, STMT_SESSION_TOUCH);
}

int
db_session_delete(struct db *db, const char *token_hash)
{
	struct conn *c;
	sqlite3_stmt *st;

	if (!fits(token_hash, 65))
		return DB_NOTFOUND;
	if ((st = stmt_get(db, STMT_SESSION_DELETE, &c)) == NULL)
		return DB_ERROR;
	if (sqlite3_bind_text(st, 1, token_hash, -1, SQLITE_STATIC))
		return bind_failed(c, STMT_SESSION_DELETE);
	return run_update(c, STMT_SESSION_DELETE);
}

/* DB_OK even when the user had no session. */
int
db_session_delete_user(struct db *db, int64_t user_id)
{
	struct conn *c;
	sqlite3_stmt *st = stmt_get(db, STMT_SESSION_DELETE_USER, &c);

	if (st == NULL)
		return DB_ERROR;
	if (sqlite3_bind_int64(st, 1, user_id))
		return bind_failed(c, STMT_SESSION_DELETE_USER);
	return run(c, STMT_SESSION_DELETE_USER);
}

int
db_session_purge(struct db *db, int64_t idle_before, int64_t created_before)
{
	struct conn *c;
	sqlite3_stmt *st = stmt_get(db, STMT_SESSION_PURGE, &c);

	if (st == NULL)
		return DB_ERROR;
	if (sqlite3_bind_int64(st, 1, idle_before) |
	    sqlite3_bind_int64(st, 2, created_before))
		return bind_failed(c, STMT_SESSION_PURGE);
	return run(c, STMT_SESSION_PURGE);
}

/* --- cases --- */

static int
status_from_name(const char *s)
{
	int i;

	if (s == NULL)
		return -1;
	for (i = 0; i < CASE_STATUS__MAX; i++)
		if (strcmp(s, status_names[i]) == 0)
			return i;
	return -1;
}

static int
case_row_read(sqlite3_stmt *st, struct case_row *c)
{
	int s;

	memset(c, 0, sizeof(*c));
	c->id = sqlite3_column_int64(st, 0);
	col_text(st, 1, c->number, sizeof(c->number));
	c->office_id = sqlite3_column_int64(st, 2);
	col_text(st, 3, c->office_code, sizeof(c->office_code));
	s = status_from_name((const char *)sqlite3_column_text(st, 4));
	if (NEVER(s < 0))
		return error("db: case %" PRId64 " has an unknown status",
		    c->id);
	c->status = (enum case_status)s;
	c->assigned_to = sqlite3_column_int64(st, 5);
	col_text(st, 6, c->assigned_username, sizeof(c->assigned_username));
	c->created_by = sqlite3_column_int64(st, 7);
	c->created_at = sqlite3_column_int64(st, 8);
	c->updated_at = sqlite3_column_int64(st, 9);
	c->version = sqlite3_column_int(st, 10);
	c->high_risk = sqlite3_column_int(st, 11) != 0;
	c->referred = sqlite3_column_int(st, 12) != 0;
	return 0;
}

static bool
status_ok(int status)
{
	return status >= 0 && status < CASE_STATUS__MAX;
}

int
db_case_get(struct db *db, int64_t id, struct case_row *cr)
{
	struct conn *c;
	sqlite3_stmt *st = stmt_get(db, STMT_CASE_GET, &c);
	int rc;

	if (st == NULL)
		return DB_ERROR;
	if (sqlite3_bind_int64(st, 1, id))
		return bind_failed(c, STMT_CASE_GET);
	rc = sqlite3_step(st);
	if (rc == SQLITE_ROW)
		rc = case_row_read(st, cr) == 0 ? DB_OK : DB_ERROR;
	else if (rc == SQLITE_DONE)
		rc = DB_NOTFOUND;
	else
		rc = step_error(c, STMT_CASE_GET, rc);
	done(st);
	return rc;
}

/*
 * The sequence is max + 1 within the write lock (BEGIN IMMEDIATE), so
 * two writers cannot draw the same number; a rolled-back case gives its
 * number back. DB_NOTFOUND when the office does not exist.
 */
int
db_case_create(struct db *db, int64_t office_id, int year,
    enum case_status status, int64_t assigned_to, int64_t created_by,
    int64_t now, struct case_row *cr)
{
	struct conn *c = conn_get(db);
	sqlite3_stmt *st;
	struct office o;
	char number[DB_CASENO_MAX];
	int64_t seq = 0;
	bool own;
	int rc, n;

	if (c == NULL)
		return DB_ERROR;
	if (!status_ok(status))
		return error("db: unknown case status %d", (int)status);
	if (year < 1000 || year > 9999)
		return error("db: case year %d out of range", year);
	own = sqlite3_get_autocommit(c->h) != 0;
	if (own && run_plain(c, STMT_BEGIN) != DB_OK)
		return DB_ERROR;

	rc = db_office_get(db, office_id, &o);
	if (rc != DB_OK)
		goto out;

	rc = DB_ERROR;
	if ((st = prep(c, STMT_CASE_NEXT_SEQ)) == NULL)
		goto out;
	n = snprintf(number, sizeof(number), "%s-%d-%%", o.code, year);
	if (n < 0 || (size_t)n >= sizeof(number))
		goto out;
	if (sqlite3_bind_int64(st, 1, office_id) |
	    sqlite3_bind_int(st, 2, year) |
	    sqlite3_bind_text(st, 3, number, -1, SQLITE_TRANSIENT)) {
		bind_failed(c, STMT_CASE_NEXT_SEQ);
		goto out;
	}
	n = sqlite3_step(st);
	if (n == SQLITE_ROW)
		seq = sqlite3_column_int64(st, 0);
	else
		step_error(c, STMT_CASE_NEXT_SEQ, n);
	done(st);
	if (seq < 1)
		goto out;

	n = snprintf(number, sizeof(number), "%s-%d-%06" PRId64, o.code,
	    year, seq);
	if (n < 0 || (size_t)n >= sizeof(number)) {
		error("db: case number too long for office %" PRId64,
		    office_id);
		goto out;
	}

	if ((st = prep(c, STMT_CASE_ADD)) == NULL)
		goto out;
	if (sqlite3_bind_text(st, 1, number, -1, SQLITE_STATIC) |
	    sqlite3_bind_int64(st, 2, office_id) |
	    sqlite3_bind_int(st, 3, year) |
	    sqlite3_bind_int64(st, 4, seq) |
	    sqlite3_bind_text(st, 5, status_names[status], -1, SQLITE_STATIC) |
	    bind_id(st, 6, assigned_to) |
	    bind_id(st, 7, created_by) |
	    sqlite3_bind_int64(st, 8, now)) {
		bind_failed(c, STMT_CASE_ADD);
		goto out;
	}
	rc = run(c, STMT_CASE_ADD);
	if (rc != DB_OK)
		goto out;
	rc = db_case_get(db, sqlite3_last_insert_rowid(c->h), cr);
	if (rc == DB_OK && own && run_plain(c, STMT_COMMIT) != DB_OK)
		rc = DB_ERROR;
out:
	/* In the caller's transaction the caller decides what to undo. */
	if (rc != DB_OK && own && !sqlite3_get_autocommit(c->h))
		run_plain(c, STMT_ROLLBACK);
	return rc;
}

/* Binds a case_filter to ?1..?3 of STMT_CASE_LIST or STMT_CASE_COUNT. */
static int
bind_case_filter(sqlite3_stmt *st, const struct case_filter *f)
{
	return sqlite3_bind_int64(st, 1, f->office_id) |
	    bind_text(st, 2, f->status >= 0 ? status_names[f->status] : NULL) |
	    sqlite3_bind_int64(st, 3, f->assigned_to) |
	    bind_text(st, 6, f->number_prefix) |
	    bind_text(st, 7, f->tokens_json) |
	    sqlite3_bind_int(st, 8, f->ntokens) |
	    sqlite3_bind_int64(st, 9, f->viewer) |
	    sqlite3_bind_int64(st, 10, f->hr_office) |
	    sqlite3_bind_int(st, 11, f->referred_only);
}

/* Which index drives a case list with filter f (0: none, a scan). */
static int
case_driver(const struct case_filter *f)
{
	return f->assigned_to ? 1 : 0;
}

int
db_case_list(struct db *db, const struct case_filter *f, db_case_cb cb,
    void *arg, int64_t *total)
{
	static const struct case_filter any = { .status = -1 };
	struct conn *c = conn_get(db);
	sqlite3_stmt *st;
	struct case_row cr;
	enum stmt list, count;
	int rc, r = 0;

	if (c == NULL)
		return DB_ERROR;
	if (f == NULL)
		f = &any;
	if (f->status >= CASE_STATUS__MAX)
		return error("db: unknown case status %d", f->status);
	list = (enum stmt)((f->by_update ? STMT_CASE_LIST_UPDATED :
	    STMT_CASE_LIST) + case_driver(f));
	count = (enum stmt)(STMT_CASE_COUNT + case_driver(f));

	if (total) {
		if ((st = prep(c, count)) == NULL)
			return DB_ERROR;
		if (bind_case_filter(st, f))
			return bind_failed(c, count);
		rc = sqlite3_step(st);
		if (rc == SQLITE_ROW)
			*total = sqlite3_column_int64(st, 0);
		else
			step_error(c, count, rc);
		done(st);
		if (rc != SQLITE_ROW)
			return DB_ERROR;
	}
	if (cb == NULL)
		return DB_OK;

	if ((st = prep(c, list)) == NULL)
		return DB_ERROR;
	if (bind_case_filter(st, f) |
	    sqlite3_bind_int64(st, 4, sql_limit(f->limit)) |
	    sqlite3_bind_int64(st, 5, sql_offset(f->offset)))
		return bind_failed(c, list);
	while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
		if (case_row_read(st, &cr) != 0) {
			r = -1;
			break;
		}
		if ((r = cb(arg, &cr)) != 0)
			break;
	}
	if (rc != SQLITE_ROW && rc != SQLITE_DONE)
		r = step_error(c, list, rc);
	done(st);
	return r < 0 ? DB_ERROR : DB_OK;
}

int
db_case_status_counts(struct db *db, const struct case_filter *f,
    int64_t counts[CASE_STATUS__MAX])
{
	struct case_filter all;
	struct conn *c = conn_get(db);
	sqlite3_stmt *st;
	enum stmt which;
	int rc, s, r = 0;

	if (c == NULL)
		return DB_ERROR;
	memset(counts, 0, sizeof(int64_t) * CASE_STATUS__MAX);
	if (f)
		all = *f;
	else
		memset(&all, 0, sizeof(all));
	all.status = -1;
	which = (enum stmt)(STMT_CASE_STATUS_COUNTS + case_driver(&all));
	if ((st = prep(c, which)) == NULL)
		return DB_ERROR;
	if (bind_case_filter(st, &all))
		return bind_failed(c, which);
	while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
		s = status_from_name((const char *)sqlite3_column_text(st, 0));
		if (s < 0) {
			r = error("db: a case has an unknown status");
			break;
		}
		counts[s] = sqlite3_column_int64(st, 1);
	}
	if (r == 0 && rc != SQLITE_DONE)
		r = step_error(c, which, rc);
	done(st);
	return r < 0 ? DB_ERROR : DB_OK;
}

int
db_case_update(struct db *db, int64_t id, int expected_version,
    enum case_status status, int64_t assigned_to, int64_t now)
{
	struct conn *c;
	sqlite3_stmt *st;
	int rc;

	if (!status_ok(status))
		return error("db: unknown case status %d", (int)status);
	if ((st = stmt_get(db, STMT_CASE_UPDATE, &c)) == NULL)
		return DB_ERROR;
	if (sqlite3_bind_int64(st, 1, id) |
	    sqlite3_bind_int(st, 2, expected_version < 0 ? -1
							 : expected_version) |
	    sqlite3_bind_text(st, 3, status_names[status], -1, SQLITE_STATIC) |
	    bind_id(st, 4, assigned_to) |
	    sqlite3_bind_int64(st, 5, now))
		return bind_failed(c, STMT_CASE_UPDATE);
	rc = run(c, STMT_CASE_UPDATE);
	if (rc != DB_OK || sqlite3_changes(c->h) > 0)
		return rc;

	/* Nothing changed: a stale version, or no such case? */
	if ((st = prep(c, STMT_CASE_EXISTS)) == NULL)
		return DB_ERROR;
	if (sqlite3_bind_int64(st, 1, id))
		return bind_failed(c, STMT_CASE_EXISTS);
	rc = sqlite3_step(st);
	if (rc == SQLITE_ROW)
		rc = DB_CONFLICT;
	else if (rc == SQLITE_DONE)
		rc = DB_NOTFOUND;
	else
		rc = step_error(c, STMT_CASE_EXISTS, rc);
	done(st);
	return rc;
}

/* --- audit --- */

int
db_audit_add(struct db *db, const struct audit_entry *e)
{
	struct conn *c;
	sqlite3_stmt *st;

	if (e == NULL || !fits(e->action, sizeof(e->action)) ||
	    e->action[0] == '\0')
		return error("db: audit action missing or too long");
	if (!fits(e->username, sizeof(e->username)) ||
	    !fits(e->ip, sizeof(e->ip)) ||
	    !fits(e->object, sizeof(e->object)) ||
	    !fits(e->detail, sizeof(e->detail)))
		return error("db: audit entry for %s malformed", e->action);
	if ((st = stmt_get(db, STMT_AUDIT_ADD, &c)) == NULL)
		return DB_ERROR;
	if (sqlite3_bind_int64(st, 1, e->at) |
	    bind_id(st, 2, e->user_id) |
	    sqlite3_bind_text(st, 3, e->username, -1, SQLITE_STATIC) |
	    sqlite3_bind_text(st, 4, e->ip, -1, SQLITE_STATIC) |
	    sqlite3_bind_text(st, 5, e->action, -1, SQLITE_STATIC) |
	    bind_id(st, 6, e->case_id) |
	    sqlite3_bind_text(st, 7, e->object, -1, SQLITE_STATIC) |
	    sqlite3_bind_text(st, 8, e->detail, -1, SQLITE_STATIC))
		return bind_failed(c, STMT_AUDIT_ADD);
	return run(c, STMT_AUDIT_ADD);
}

/*
 * Binds an audit_filter to ?1..?6. An empty username or action is no
 * filter, like NULL (that is what an empty form field means). An action
 * matches itself and the actions below it: "case.view" matches
 * "case.view.denied" but not "case.viewer"; "login." matches "login.ok".
 */
static int
bind_audit_filter(sqlite3_stmt *st, const struct audit_filter *f)
{
	const char *user = f->username && *f->username ? f->username : NULL;
	const char *action = f->action && *f->action ? f->action : NULL;
	size_t n = action ? strlen(action) : 0;
	bool prefix = action && action[n - 1] == '.';
	char upper[DB_ACTION_MAX + 2];
	int rc = bind_text(st, 1, user) |
	    sqlite3_bind_int64(st, 2, f->case_id) |
	    bind_text(st, 3, action) |
	    sqlite3_bind_int(st, 4, prefix ? 1 : 0) |
	    sqlite3_bind_int64(st, 5, f->from) |
	    sqlite3_bind_int64(st, 6, f->to);

	/* Every action that matches sorts before the action with its last
	 * dot, or an added one, made a '/': "case.view" and "case.view.x"
	 * are below "case.view/". */
	if (action && n <= DB_ACTION_MAX &&
	    sqlite3_bind_parameter_count(st) >= 9) {
		memcpy(upper, action, n);
		if (prefix)
			upper[n - 1] = '/';
		else
			upper[n++] = '/';
		rc |= sqlite3_bind_text(st, 9, upper, (int)n, SQLITE_TRANSIENT);
	}
	if (sqlite3_bind_parameter_count(st) >= 10)
		rc |= sqlite3_bind_int64(st, 10, f->to ? f->to : INT64_MAX);
	return rc;
}

/* Which index drives a search with filter f, most selective first. */
static int
audit_driver(const struct audit_filter *f)
{
	if (f->case_id)
		return 1;
	if (f->username && *f->username)
		return 2;
	if (f->action && *f->action && strlen(f->action) <= DB_ACTION_MAX)
		return 3;
	if (f->from || f->to)
		return 4;
	return 0;
}

/* Newest first. The filter's strings are untrusted. */
int
db_audit_list(struct db *db, const struct audit_filter *f,
    db_audit_cb cb, void *arg, int64_t *total)
{
	static const struct audit_filter any;
	struct conn *c = conn_get(db);
	sqlite3_stmt *st;
	struct audit_entry *e;
	int rc, r = 0;
	enum stmt list, count;

	if (c == NULL)
		return DB_ERROR;
	if (f == NULL)
		f = &any;
	list = (enum stmt)(STMT_AUDIT_LIST + audit_driver(f));
	count = (enum stmt)(STMT_AUDIT_COUNT + audit_driver(f));

	if (total) {
		if ((st = prep(c, count)) == NULL)
			return DB_ERROR;
		if (bind_audit_filter(st, f))
			return bind_failed(c, count);
		rc = sqlite3_step(st);
		if (rc == SQLITE_ROW)
			*total = sqlite3_column_int64(st, 0);
		else
			step_error(c, count, rc);
		done(st);
		if (rc != SQLITE_ROW)
			return DB_ERROR;
	}
	if (cb == NULL)
		return DB_OK;

	/* An entry is over 1.5 KiB: keep it off the worker's stack. */
	if ((e = malloc(sizeof(*e))) == NULL)
		return error("db: out of memory");
	if ((st = prep(c, list)) == NULL) {
		free(e);
		return DB_ERROR;
	}
	if (bind_audit_filter(st, f) |
	    sqlite3_bind_int64(st, 7, sql_limit(f->limit)) |
	    sqlite3_bind_int64(st, 8, sql_offset(f->offset))) {
		free(e);
		return bind_failed(c, list);
	}
	while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
		memset(e, 0, sizeof(*e));
		e->id = sqlite3_column_int64(st, 0);
		e->at = sqlite3_column_int64(st, 1);
		e->user_id = sqlite3_column_int64(st, 2);
		col_text(st, 3, e->username, sizeof(e->username));
		col_text(st, 4, e->ip, sizeof(e->ip));
		col_text(st, 5, e->action, sizeof(e->action));
		e->case_id = sqlite3_column_int64(st, 6);
		col_text(st, 7, e->object, sizeof(e->object));
		col_text(st, 8, e->detail, sizeof(e->detail));
		if ((r = cb(arg, e)) != 0)
			break;
	}
	if (rc != SQLITE_ROW && rc != SQLITE_DONE)
		r = step_error(c, list, rc);
	done(st);
	free(e);
	return r < 0 ? DB_ERROR : DB_OK;
}

/* --- meta --- */

int
db_meta_get(struct db *db, const char *key, char out[DB_META_MAX])
{
	struct conn *c;
	sqlite3_stmt *st = stmt_get(db, STMT_META_GET, &c);
	int rc;

	if (st == NULL)
		return DB_ERROR;
	if (bind_text(st, 1, key))
		return bind_failed(c, STMT_META_GET);
	rc = sqlite3_step(st);
	if (rc == SQLITE_ROW) {
		col_text(st, 0, out, DB_META_MAX);
		rc = DB_OK;
	} else if (rc == SQLITE_DONE) {
		rc = DB_NOTFOUND;
	} else {
		rc = step_error(c, STMT_META_GET, rc);
	}
	done(st);
	return rc;
}

int
db_meta_set(struct db *db, const char *key, const char *value)
{
	struct conn *c;
	sqlite3_stmt *st = stmt_get(db, STMT_META_SET, &c);

	if (st == NULL)
		return DB_ERROR;
	if (!fits(value, DB_META_MAX))
		return error("db: setting too long");
	if (bind_text(st, 1, key) | bind_text(st, 2, value))
		return bind_failed(c, STMT_META_SET);
	return run(c, STMT_META_SET);
}

/* --- case files --- */

/* Copies a blob column into malloc'd memory. */
static int
col_blob(sqlite3_stmt *st, int col, unsigned char **blob, size_t *len)
{
	const void *p = sqlite3_column_blob(st, col);
	int n = sqlite3_column_bytes(st, col);

	*blob = NULL;
	*len = 0;
	if (p == NULL || n <= 0)
		return 0;
	*blob = malloc((size_t)n);
	if (*blob == NULL)
		return error("db: out of memory");
	memcpy(*blob, p, (size_t)n);
	*len = (size_t)n;
	return 0;
}

int
db_casefile_get(struct db *db, int64_t case_id, unsigned char **blob,
    size_t *len)
{
	struct conn *c;
	sqlite3_stmt *st = stmt_get(db, STMT_CASEFILE_GET, &c);
	int rc;

	*blob = NULL;
	*len = 0;
	if (st == NULL)
		return DB_ERROR;
	if (sqlite3_bind_int64(st, 1, case_id))
		return bind_failed(c, STMT_CASEFILE_GET);
	rc = sqlite3_step(st);
	if (rc == SQLITE_ROW)
		rc = col_blob(st, 0, blob, len) == 0 ? DB_OK : DB_ERROR;
	else if (rc == SQLITE_DONE)
		rc = DB_NOTFOUND;
	else
		rc = step_error(c, STMT_CASEFILE_GET, rc);
	done(st);
	return rc;
}

int
db_casefile_put(struct db *db, int64_t case_id, int expected_version,
    const void *blob, size_t len, enum case_status status, int64_t now)
{
	struct conn *c;
	sqlite3_stmt *st;
	int rc;

	if (!status_ok(status))
		return error("db: unknown case status %d", (int)status);
	if (len > INT32_MAX)
		return error("db: case file too large");
	if ((st = stmt_get(db, STMT_CASEFILE_PUT, &c)) == NULL)
		return DB_ERROR;
	if (sqlite3_bind_int64(st, 1, case_id) |
	    sqlite3_bind_int(st, 2, expected_version) |
	    sqlite3_bind_blob(st, 3, blob, (int)len, SQLITE_STATIC) |
	    sqlite3_bind_text(st, 4, status_names[status], -1, SQLITE_STATIC) |
	    sqlite3_bind_int64(st, 5, now))
		return bind_failed(c, STMT_CASEFILE_PUT);
	rc = run(c, STMT_CASEFILE_PUT);
	if (rc != DB_OK || sqlite3_changes(c->h) > 0)
		return rc;
	if ((st = prep(c, STMT_CASE_EXISTS)) == NULL)
		return DB_ERROR;
	if (sqlite3_bind_int64(st, 1, case_id))
		return bind_failed(c, STMT_CASE_EXISTS);
	rc = sqlite3_step(st);
	rc = rc == SQLITE_ROW ? DB_CONFLICT : rc == SQLITE_DONE ? DB_NOTFOUND :
	    step_error(c, STMT_CASE_EXISTS, rc);
	done(st);
	return rc;
}

int
db_case_names_set(struct db *db, int64_t case_id, const char *const *tokens,
    size_t n)
{
	struct conn *c;
	sqlite3_stmt *st = stmt_get(db, STMT_CASE_NAMES_CLEAR, &c);
	size_t i;
	int rc;

	if (st == NULL)
		return DB_ERROR;
	if (sqlite3_bind_int64(st, 1, case_id))
		return bind_failed(c, STMT_CASE_NAMES_CLEAR);
	if ((rc = run(c, STMT_CASE_NAMES_CLEAR)) != DB_OK)
		return rc;
	for (i = 0; i < n; i++) {
		if ((st = prep(c, STMT_CASE_NAMES_ADD)) == NULL)
			return DB_ERROR;
		if (sqlite3_bind_int64(st, 1, case_id) |
		    bind_text(st, 2, tokens[i]))
			return bind_failed(c, STMT_CASE_NAMES_ADD);
		if ((rc = run(c, STMT_CASE_NAMES_ADD)) != DB_OK)
			return rc;
	}
	return DB_OK;
}

/* --- perpetrators --- */

int
db_perp_add(struct db *db, int64_t office_id, const void *blob, size_t len,
    int64_t now, int64_t *id)
{
	struct conn *c;
	sqlite3_stmt *st = stmt_get(db, STMT_PERP_ADD, &c);
	int rc;

	if (st == NULL)
		return DB_ERROR;
	if (len > INT32_MAX)
		return error("db: perpetrator record too large");
	if (sqlite3_bind_int64(st, 1, office_id) |
	    sqlite3_bind_blob(st, 2, blob, (int)len, SQLITE_STATIC) |
	    sqlite3_bind_int64(st, 3, now))
		return bind_failed(c, STMT_PERP_ADD);
	rc = run(c, STMT_PERP_ADD);
	if (rc == DB_OK)
		*id = sqlite3_last_insert_rowid(c->h);
	return rc;
}

int
db_perp_update(struct db *db, int64_t id, const void *blob, size_t len,
    int64_t now)
{
	struct conn *c;
	sqlite3_stmt *st = stmt_get(db, STMT_PERP_UPDATE, &c);
	int rc;

	if (st == NULL)
		return DB_ERROR;
	if (len > INT32_MAX)
		return error("db: perpetrator record too large");
	if (sqlite3_bind_int64(st, 1, id) |
	    sqlite3_bind_blob(st, 2, blob, (int)len, SQLITE_STATIC) |
	    sqlite3_bind_int64(st, 3, now))
		return bind_failed(c, STMT_PERP_UPDATE);
	rc = run(c, STMT_PERP_UPDATE);
	if (rc == DB_OK && sqlite3_changes(c->h) == 0)
		rc = DB_NOTFOUND;
	return rc;
}

int
db_perp_get(struct db *db, int64_t id, int64_t *office_id,
    unsigned char **blob, size_t *len)
{
	struct conn *c;
	sqlite3_stmt *st = stmt_get(db, STMT_PERP_GET, &c);
	int rc;

	*blob = NULL;
	*len = 0;
	if (st == NULL)
		return DB_ERROR;
	if (sqlite3_bind_int64(st, 1, id))
		return bind_failed(c, STMT_PERP_GET);
	rc = sqlite3_step(st);
	if (rc == SQLITE_ROW) {
		*office_id = sqlite3_column_int64(st, 0);
		rc = col_blob(st, 1, blob, len) == 0 ? DB_OK : DB_ERROR;
	} else if (rc == SQLITE_DONE) {
		rc = DB_NOTFOUND;
	} else {
		rc = step_error(c, STMT_PERP_GET, rc);
	}
	done(st);
	return rc;
}

int
db_case_perps(struct db *db, int64_t case_id, int64_t *ids, size_t max,
    size_t *n)
{
	struct conn *c;
	sqlite3_stmt *st = stmt_get(db, STMT_CASE_PERPS, &c);
	int rc;

	*n = 0;
	if (st == NULL)
		return DB_ERROR;
	if (sqlite3_bind_int64(st, 1, case_id))
		return bind_failed(c, STMT_CASE_PERPS);
	while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
		if (*n >= max) {
			done(st);
			return error("db: too many perpetrators on case %lld",
			    (long long)case_id);
		}
		ids[(*n)++] = sqlite3_column_int64(st, 0);
	}
	rc = rc == SQLITE_DONE ? DB_OK : step_error(c, STMT_CASE_PERPS, rc);
	done(st);
	return rc;
}

int
db_case_perps_set(struct db *db, int64_t case_id, const int64_t *ids,
    size_t n)
{
	struct conn *c;
	sqlite3_stmt *st = stmt_get(db, STMT_CASE_PERPS_CLEAR, &c);
	size_t i;
	int rc;

	if (st == NULL)
		return DB_ERROR;
	if (sqlite3_bind_int64(st, 1, case_id))
		return bind_failed(c, STMT_CASE_PERPS_CLEAR);
	if ((rc = run(c, STMT_CASE_PERPS_CLEAR)) != DB_OK)
		return rc;
	for (i = 0; i < n; i++) {
		if ((st = prep(c, STMT_CASE_PERPS_ADD)) == NULL)
			return DB_ERROR;
		if (sqlite3_bind_int64(st, 1, case_id) |
		    sqlite3_bind_int64(st, 2, ids[i]) |
		    sqlite3_bind_int64(st, 3, (int64_t)i))
			return bind_failed(c, STMT_CASE_PERPS_ADD);
		if ((rc = run(c, STMT_CASE_PERPS_ADD)) != DB_OK)
			return rc;
	}
	return DB_OK;
}

/* --- research datasets --- */

/* The most a column's dictionary may take as JSON. */
#define DATASET_DICT_MAX ((size_t)256 << 20)

bool
db_dataset_name_ok(const char *name)
{
	size_t i, n;

	if (name == NULL || (n = strnlen(name, DB_DATASET_NAME_MAX)) == 0 ||
	    n >= DB_DATASET_NAME_MAX)
		return false;
	for (i = 0; i < n; i++) {
		unsigned char ch = (unsigned char)name[i];

		if (!((ch >= 'a' && ch <= 'z') || (ch >= 'A' && ch <= 'Z') ||
		    (ch >= '0' && ch <= '9') || ch == '_' || ch == '.' ||
		    ch == '-'))
			return false;
	}
	return true;
}

static void
dataset_info_row(sqlite3_stmt *st, struct dataset_info *d)
{
	memset(d, 0, sizeof(*d));
	d->id = sqlite3_column_int64(st, 0);
	col_text(st, 1, d->name, sizeof(d->name));
	col_text(st, 2, d->layout, sizeof(d->layout));
	col_text(st, 3, d->source_hash, sizeof(d->source_hash));
	d->rows = sqlite3_column_int64(st, 4);
	d->imported_at = sqlite3_column_int64(st, 5);
	d->imports = sqlite3_column_int64(st, 6);
}

int
db_dataset_get(struct db *db, const char *name, struct dataset_info *d)
{
	struct conn *c;
	sqlite3_stmt *st;
	int rc;

	if (!db_dataset_name_ok(name))
		return DB_NOTFOUND;
	if ((st = stmt_get(db, STMT_DATASET_GET, &c)) == NULL)
		return DB_ERROR;
	if (bind_text(st, 1, name))
		return bind_failed(c, STMT_DATASET_GET);
	rc = sqlite3_step(st);
	if (rc == SQLITE_ROW) {
		dataset_info_row(st, d);
		rc = DB_OK;
	} else if (rc == SQLITE_DONE) {
		rc = DB_NOTFOUND;
	} else {
		rc = step_error(c, STMT_DATASET_GET, rc);
	}
	done(st);
	return rc;
}

int
db_dataset_list(struct db *db, db_dataset_cb cb, void *arg)
{
	struct conn *c;
	sqlite3_stmt *st = stmt_get(db, STMT_DATASET_LIST, &c);
	struct dataset_info d;
	int rc, r = DB_OK;

	if (st == NULL)
		return DB_ERROR;
	while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
		dataset_info_row(st, &d);
		if (cb(arg, &d) != 0)
			break;
	}
	if (rc != SQLITE_ROW && rc != SQLITE_DONE)
		r = step_error(c, STMT_DATASET_LIST, rc);
	done(st);
	return r;
}

int
db_dataset_imported(struct db *db, const char *name, const char *source_hash)
{
	struct conn *c;
	sqlite3_stmt *st;
	int rc;

	if (!db_dataset_name_ok(name) || source_hash == NULL)
		return DB_NOTFOUND;
	if ((st = stmt_get(db, STMT_DATASET_IMPORTED, &c)) == NULL)
		return DB_ERROR;
	if (bind_text(st, 1, name) | bind_text(st, 2, source_hash))
		return bind_failed(c, STMT_DATASET_IMPORTED);
	rc = sqlite3_step(st);
	if (rc == SQLITE_ROW)
		rc = DB_OK;
	else if (rc == SQLITE_DONE)
		rc = DB_NOTFOUND;
	else
		rc = step_error(c, STMT_DATASET_IMPORTED, rc);
	done(st);
	return rc;
}

/* Reads the variable names of dataset id into *names (malloc'd array of
 * malloc'd strings, *n of them). */
static int
dataset_vars(struct conn *c, int64_t id, char ***names, size_t *n)
{
	sqlite3_stmt *st;
	char **v = NULL, **nv;
	size_t cnt = 0;
	int rc, r = DB_ERROR;

	*names = NULL;
	*n = 0;
	if ((st = prep(c, STMT_DATASET_VARS)) == NULL)
		return DB_ERROR;
	if (sqlite3_bind_int64(st, 1, id))
		return bind_failed(c, STMT_DATASET_VARS);
	while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
		const unsigned char *s = sqlite3_column_text(st, 0);

		if (cnt >= DATASET_VARS_MAX) {
			error("db: dataset %" PRId64 " has too many columns", id);
			goto out;
		}
		nv = realloc(v, (cnt + 1) * sizeof(*v));
		if (nv == NULL || s == NULL ||
		    (nv[cnt] = strdup((const char *)s)) == NULL) {
			if (nv)
				v = nv;
			error("db: out of memory");
			goto out;
		}
		v = nv;
		cnt++;
	}
	if (rc != SQLITE_DONE) {
		step_error(c, STMT_DATASET_VARS, rc);
		goto out;
	}
	*names = v;
	*n = cnt;
	v = NULL;
	cnt = 0;
	r = DB_OK;
out:
	done(st);
	while (cnt > 0)
		free(v[--cnt]);
	free(v);
	return r;
}

int
db_dataset_load(struct db *db, const char *name, struct dataset **out)
{
	struct conn *c = conn_get(db);
	struct dataset_info info;
	struct dataset *ds = NULL;
	sqlite3_stmt *st;
	char **names = NULL;
	size_t nvars = 0, i = 0;
	bool own;
	int rc;

	*out = NULL;
	if (c == NULL)
		return DB_ERROR;
	own = sqlite3_get_autocommit(c->h) != 0;
	if (own && run_plain(c, STMT_DATASET_READ_BEGIN) != DB_OK)
		return DB_ERROR;
	if ((rc = db_dataset_get(db, name, &info)) != DB_OK)
		goto out;
	if ((rc = dataset_vars(c, info.id, &names, &nvars)) != DB_OK)
		goto out;
	rc = DB_ERROR;
	if (info.rows < 0 || (uint64_t)info.rows > SIZE_MAX / 4) {
		error("db: dataset %" PRId64 " has a bad row count", info.id);
		goto out;
	}
	ds = dataset_load_begin(nvars, (const char *const *)names,
	    (size_t)info.rows);
	if (ds == NULL) {
		error("db: cannot build dataset %" PRId64, info.id);
		goto out;
	}
	if ((st = prep(c, STMT_DATASET_COLUMNS)) == NULL)
		goto out;
	if (sqlite3_bind_int64(st, 1, info.id)) {
		bind_failed(c, STMT_DATASET_COLUMNS);
		goto out;
	}
	for (i = 0; (rc = sqlite3_step(st)) == SQLITE_ROW; i++) {
		const unsigned char *var = sqlite3_column_text(st, 1);
		const unsigned char *dict = sqlite3_column_text(st, 2);
		const void *codes = sqlite3_column_blob(st, 3);
		int len = sqlite3_column_bytes(st, 3);

		if (i >= nvars || sqlite3_column_int64(st, 0) < 0 ||
		    var == NULL || strcmp((const char *)var, names[i]) != 0 ||
		    dict == NULL || len < 0 ||
		    dataset_column_load(ds, i, (const char *)dict, codes,
		    (size_t)len) != 0) {
			error("db: dataset %" PRId64 " column %zu is damaged",
			    info.id, i);
			done(st);
			rc = DB_ERROR;
			goto out;
		}
	}
	if (rc != SQLITE_DONE) {
		step_error(c, STMT_DATASET_COLUMNS, rc);
		done(st);
		rc = DB_ERROR;
		goto out;
	}
	done(st);
	if (i != nvars) {
		error("db: dataset %" PRId64 " lost columns", info.id);
		rc = DB_ERROR;
		goto out;
	}
	*out = ds;
	ds = NULL;
	rc = DB_OK;
out:
	if (own && !sqlite3_get_autocommit(c->h))
		run_plain(c, rc == DB_ERROR ? STMT_ROLLBACK : STMT_COMMIT);
	dataset_free(ds);
	while (nvars > 0)
		free(names[--nvars]);
	free(names);
	return rc;
}

/* Stores column var of ds as row position var of dataset id. */
static int
dataset_column_put(struct conn *c, int64_t id, const struct dataset *ds,
    size_t var)
{
	struct buf dict, codes;
	sqlite3_stmt *st;
	size_t nrows = dataset_nrows(ds);
	int rc = DB_ERROR;

	buf_init(&dict, DATASET_DICT_MAX);
	buf_init(&codes, nrows <= (SIZE_MAX - 16) / 4 ? nrows * 4 + 16 : 0);
	if (dataset_column_save(ds, var, &dict, &codes) != 0) {
		error("db: cannot store dataset column %zu", var);
		goto out;
	}
	if (codes.len > INT_MAX || dict.len > INT_MAX) {
		error("db: dataset column %zu is too large", var);
		goto out;
	}
	if ((st = prep(c, STMT_DATASET_COLUMN_ADD)) == NULL)
		goto out;
	if (sqlite3_bind_int64(st, 1, id) |
	    bind_text(st, 2, dataset_var_name(ds, var)) |
	    sqlite3_bind_int64(st, 3, (int64_t)var) |
	    sqlite3_bind_text(st, 4, buf_cstr(&dict), (int)dict.len,
	    SQLITE_STATIC) |
	    sqlite3_bind_blob(st, 5, codes.len ? codes.p : "", (int)codes.len,
	    SQLITE_STATIC)) {
		rc = bind_failed(c, STMT_DATASET_COLUMN_ADD);
		goto out;
	}
	rc = run(c, STMT_DATASET_COLUMN_ADD);
out:
	buf_release(&dict);
	buf_release(&codes);
	return rc;
}

int
db_dataset_save(struct db *db, const char *name, const char *layout,
    const char *source_hash, const struct dataset *ds, int64_t now)
{
	struct conn *c = conn_get(db);
	sqlite3_stmt *st;
	int64_t id = 0;
	size_t var, nvars;
	bool own;
	int rc, n;

	if (c == NULL)
		return DB_ERROR;
	if (!db_dataset_name_ok(name))
		return error("db: bad dataset name");
	if (!fits(layout, DB_DATASET_LAYOUT_MAX) || *layout == '\0')
		return error("db: bad dataset layout");
	if (source_hash && (!fits(source_hash, DB_DATASET_HASH_MAX) ||
	    *source_hash == '\0'))
		return error("db: bad dataset source hash");
	if (ds == NULL || (nvars = dataset_nvars(ds)) == 0 ||
	    nvars > DATASET_VARS_MAX)
		return error("db: no dataset to save");
	own = sqlite3_get_autocommit(c->h) != 0;
	if (own && run_plain(c, STMT_BEGIN) != DB_OK)
		return DB_ERROR;

	rc = DB_ERROR;
	if ((st = prep(c, STMT_DATASET_IMPORTS_RESET)) == NULL)
		goto out;
	if (bind_text(st, 1, name) | bind_text(st, 2, layout)) {
		bind_failed(c, STMT_DATASET_IMPORTS_RESET);
		goto out;
	}
	if ((rc = run(c, STMT_DATASET_IMPORTS_RESET)) != DB_OK)
		goto out;

	rc = DB_ERROR;
	if ((st = prep(c, STMT_DATASET_UPSERT)) == NULL)
		goto out;
	if (bind_text(st, 1, name) | bind_text(st, 2, layout) |
	    bind_text(st, 3, source_hash ? source_hash : "") |
	    sqlite3_bind_int64(st, 4, (int64_t)dataset_nrows(ds)) |
	    sqlite3_bind_int64(st, 5, now)) {
		bind_failed(c, STMT_DATASET_UPSERT);
		goto out;
	}
	n = sqlite3_step(st);
	if (n == SQLITE_ROW) {
		id = sqlite3_column_int64(st, 0);
		n = sqlite3_step(st);
	}
	if (n != SQLITE_DONE)
		rc = step_error(c, STMT_DATASET_UPSERT, n);
	done(st);
	if (n != SQLITE_DONE || id <= 0) {
		rc = DB_ERROR;
		goto out;
	}

	if ((st = prep(c, STMT_DATASET_COLUMNS_CLEAR)) == NULL)
		goto out;
	if (sqlite3_bind_int64(st, 1, id)) {
		bind_failed(c, STMT_DATASET_COLUMNS_CLEAR);
		goto out;
	}
	if ((rc = run(c, STMT_DATASET_COLUMNS_CLEAR)) != DB_OK)
		goto out;
	for (var = 0; var < nvars; var++)
		if ((rc = dataset_column_put(c, id, ds, var)) != DB_OK)
			goto out;

	if (source_hash) {
		rc = DB_ERROR;
		if ((st = prep(c, STMT_DATASET_IMPORT_ADD)) == NULL)
			goto out;
		if (sqlite3_bind_int64(st, 1, id) |
		    bind_text(st, 2, source_hash) |
		    sqlite3_bind_int64(st, 3, (int64_t)dataset_nrows(ds)) |
		    sqlite3_bind_int64(st, 4, now)) {
			bind_failed(c, STMT_DATASET_IMPORT_ADD);
			goto out;
		}
		/* DB_CONFLICT: this file is in the dataset already. */
		if ((rc = run(c, STMT_DATASET_IMPORT_ADD)) != DB_OK)
			goto out;
	}
	rc = DB_OK;
out:
	if (own) {
		if (rc == DB_OK) {
			if (run_plain(c, STMT_COMMIT) != DB_OK) {
				rc = DB_ERROR;
				if (!sqlite3_get_autocommit(c->h))
					run_plain(c, STMT_ROLLBACK);
			}
		} else if (!sqlite3_get_autocommit(c->h)) {
			run_plain(c, STMT_ROLLBACK);
		}
	}
	return rc;
}

int
db_dataset_delete(struct db *db, const char *name)
{
	struct conn *c;
	sqlite3_stmt *st;
	int rc;

	if (!db_dataset_name_ok(name))
		return DB_NOTFOUND;
	if ((st = stmt_get(db, STMT_DATASET_DELETE, &c)) == NULL)
		return DB_ERROR;
	if (bind_text(st, 1, name))
		return bind_failed(c, STMT_DATASET_DELETE);
	if ((rc = run(c, STMT_DATASET_DELETE)) != DB_OK)
		return rc;
	return sqlite3_changes(c->h) > 0 ? DB_OK : DB_NOTFOUND;
}

/* --- for the backend's other files (db_sqlite_int.h) --- */

sqlite3_stmt *
dbx_stmt(struct db *db, int slot, const char *sql, struct conn **cp)
{
	struct conn *c = conn_get(db);
	int rc;

	*cp = c;
	if (c == NULL)
		return NULL;
	if (NEVER(slot < 0 || slot >= DBX_SLOTS || sql == NULL)) {
		error("db: no statement slot %d", slot);
		return NULL;
	}
	if (c->xstmt[slot] == NULL) {
		rc = sqlite3_prepare_v3(c->h, sql, -1,
		    SQLITE_PREPARE_PERSISTENT, &c->xstmt[slot], NULL);
		if (rc != SQLITE_OK) {
			error("db: preparing statement x%d: %s", slot,
			    sqlite3_errmsg(c->h));
			sqlite3_finalize(c->xstmt[slot]);
			c->xstmt[slot] = NULL;
			return NULL;
		}
		c->xsql[slot] = sql;
	} else if (NEVER(c->xsql[slot] != sql)) {
		error("db: statement slot x%d used for two statements", slot);
		return NULL;
	} else if (sqlite3_stmt_busy(c->xstmt[slot])) {
		error("db: statement x%d re-entered", slot);
		return NULL;
	}
	return c->xstmt[slot];
}

void
dbx_done(sqlite3_stmt *st)
{
	done(st);
}

int
dbx_step_error(struct conn *c, int rc)
{
	if (rc == SQLITE_CONSTRAINT_UNIQUE ||
	    rc == SQLITE_CONSTRAINT_PRIMARYKEY)
		return DB_CONFLICT;
	return error("db: statement: %s", sqlite3_errmsg(c->h));
}

int
dbx_run(struct conn *c, sqlite3_stmt *st)
{
	int rc;

	while ((rc = sqlite3_step(st)) == SQLITE_ROW)
		;
	rc = rc == SQLITE_DONE ? DB_OK : dbx_step_error(c, rc);
	done(st);
	return rc;
}

int
dbx_bind_failed(struct conn *c, sqlite3_stmt *st)
{
	done(st);
	return error("db: binding a statement: %s", sqlite3_errmsg(c->h));
}

int
dbx_bind_text(sqlite3_stmt *st, int i, const char *s)
{
	return bind_text(st, i, s);
}

int
dbx_bind_id(sqlite3_stmt *st, int i, int64_t id)
{
	return bind_id(st, i, id);
}

void
dbx_col_text(sqlite3_stmt *st, int col, char *dst, size_t size)
{
	col_text(st, col, dst, size);
}

int
dbx_col_blob(sqlite3_stmt *st, int col, unsigned char **blob, size_t *len)
{
	return col_blob(st, col, blob, len);
}

int64_t
dbx_changes(struct conn *c)
{
	return sqlite3_changes64(c->h);
}

int64_t
dbx_last_id(struct conn *c)
{
	return sqlite3_last_insert_rowid(c->h);
}

int
dbx_one(struct conn *c, sqlite3_stmt *st, dbx_row_fn read, void *ctx)
{
	int rc = sqlite3_step(st);

	if (rc == SQLITE_ROW)
		rc = read ? read(st, ctx) : DB_OK;
	else
		rc = rc == SQLITE_DONE ? DB_NOTFOUND : dbx_step_error(c, rc);
	done(st);
	return rc;
}

int
dbx_each(struct conn *c, sqlite3_stmt *st, dbx_row_fn row, void *ctx)
{
	int rc;

	while ((rc = sqlite3_step(st)) == SQLITE_ROW)
		if (row(st, ctx) != 0) {
			done(st);
			return DB_OK;
		}
	rc = rc == SQLITE_DONE ? DB_OK : dbx_step_error(c, rc);
	done(st);
	return rc;
}

static int
int64_read(sqlite3_stmt *st, void *v)
{
	*(int64_t *)v = sqlite3_column_int64(st, 0);
	return DB_OK;
}

int
dbx_int64(struct conn *c, sqlite3_stmt *st, int64_t *v)
{
	return dbx_one(c, st, int64_read, v);
}

int
dbx_insert(struct conn *c, sqlite3_stmt *st, int64_t *id)
{
	int rc = dbx_run(c, st);

	if (rc == DB_OK && id != NULL)
		*id = sqlite3_last_insert_rowid(c->h);
	return rc;
}

int
dbx_change(struct conn *c, sqlite3_stmt *st, int none)
{
	int rc = dbx_run(c, st);

	if (rc == DB_OK && sqlite3_changes64(c->h) == 0)
		return none;
	return rc;
}

bool
dbx_in_tx(struct conn *c)
{
	return !sqlite3_get_autocommit(c->h);
}

int
dbx_begin(struct conn *c, bool *own)
{
	*own = false;
	if (!sqlite3_get_autocommit(c->h))
		return DB_OK;
	if (run_plain(c, STMT_BEGIN) != DB_OK)
		return DB_ERROR;
	*own = true;
	return DB_OK;
}

int
dbx_end(struct conn *c, bool own, int rc)
{
	if (!own)
		return rc;
	if (rc == DB_OK) {
		if (run_plain(c, STMT_COMMIT) == DB_OK)
			return DB_OK;
		rc = DB_ERROR;
	}
	if (!sqlite3_get_autocommit(c->h))
		run_plain(c, STMT_ROLLBACK);
	return rc;
}
