/*
 * test_db.c - the SQLite backend of db.h against a real file.
 *
 * Each test gets a fresh database in its own temporary directory. Where
 * a guarantee lives in the schema (append-only audit, foreign keys), the
 * test goes around db.h with a raw sqlite3 connection to prove it.
 */
#include "compat.h"

#include <errno.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <sqlite3.h>

#include "db.h"
#include "i18n.h"
#include "log.h"
#include "role.h"

struct fx {
	char dir[64];
	char path[128];
	struct db *db;
};

static void
fx_paths(struct fx *fx)
{
	snprintf(fx->dir, sizeof(fx->dir), "/tmp/ctm-test-db-XXXXXX");
	assert_non_null(mkdtemp(fx->dir));
	snprintf(fx->path, sizeof(fx->path), "%s/ctm.db", fx->dir);
}

static int
setup(void **state)
{
	struct fx *fx = calloc(1, sizeof(*fx));

	assert_non_null(fx);
	fx_paths(fx);
	fx->db = db_open(fx->path, true);
	assert_non_null(fx->db);
	*state = fx;
	return 0;
}

/* Also for tests that only want the directory: they leave fx->db NULL. */
static int
setup_dir(void **state)
{
	struct fx *fx = calloc(1, sizeof(*fx));

	assert_non_null(fx);
	fx_paths(fx);
	*state = fx;
	return 0;
}

static void
rm(const char *dir, const char *name)
{
	char p[192];

	snprintf(p, sizeof(p), "%s/%s", dir, name);
	unlink(p);
}

static int
teardown(void **state)
{
	struct fx *fx = *state;

	db_close(fx->db);
	rm(fx->dir, "ctm.db");
	rm(fx->dir, "ctm.db-wal");
	rm(fx->dir, "ctm.db-shm");
	rm(fx->dir, "ctm.db-journal");
	assert_int_equal(rmdir(fx->dir), 0);
	free(fx);
	return 0;
}

/* --- raw access, around db.h --- */

static sqlite3 *
raw_open(const char *path)
{
	sqlite3 *h = NULL;

	assert_int_equal(sqlite3_open_v2(path, &h, SQLITE_OPEN_READWRITE,
	    NULL), SQLITE_OK);
	sqlite3_busy_timeout(h, 5000);
	return h;
}

static int64_t
raw_int(sqlite3 *h, const char *q)
{
	sqlite3_stmt *st = NULL;
	int64_t v;

	assert_int_equal(sqlite3_prepare_v2(h, q, -1, &st, NULL), SQLITE_OK);
	assert_int_equal(sqlite3_step(st), SQLITE_ROW);
	v = sqlite3_column_int64(st, 0);
	sqlite3_finalize(st);
	return v;
}

static int64_t
raw_int_once(const char *path, const char *q)
{
	sqlite3 *h = raw_open(path);
	int64_t v = raw_int(h, q);

	sqlite3_close(h);
	return v;
}

/* --- helpers --- */

static int64_t
office(struct db *db, const char *code, const char *country, bool hq)
{
	struct office o = { .hq = hq };

	snprintf(o.code, sizeof(o.code), "%s", code);
	snprintf(o.name, sizeof(o.name), "Office %s", code);
	snprintf(o.country, sizeof(o.country), "%s", country);
	assert_int_equal(db_office_add(db, &o), DB_OK);
	assert_true(o.id > 0);
	return o.id;
}

static int64_t
user(struct db *db, const char *name, enum role role, int64_t office_id)
{
	struct user u = { .role = role, .office_id = office_id, .lang = -1,
	    .created_at = 1700000000 };

	snprintf(u.username, sizeof(u.username), "%s", name);
	snprintf(u.pwhash, sizeof(u.pwhash), "$argon2id$hash-of-%s", name);
	assert_int_equal(db_user_add(db, &u), DB_OK);
	assert_true(u.id > 0);
	return u.id;
}

static struct session
session(const char *token, int64_t user_id, int64_t created, int64_t seen)
{
	struct session s = { .user_id = user_id, .created_at = created,
	    .last_seen = seen };

	snprintf(s.token_hash, sizeof(s.token_hash), "%s", token);
	snprintf(s.csrf, sizeof(s.csrf), "csrf-%s", token);
	return s;
}

/* --- open, create, migrate --- */

static void
test_open_create_migrate(void **state)
{
	struct fx *fx = *state;
	struct stat sb;
	char wal[192];
	mode_t old;
	int v;
	sqlite3 *h;

	/* 0600 whatever the umask says. */
	old = umask(0);
	fx->db = db_open(fx->path, true);
	umask(old);
	assert_non_null(fx->db);
	assert_int_equal(stat(fx->path, &sb), 0);
	assert_int_equal(sb.st_mode & 0777, 0600);

	v = db_schema_version(fx->db);
	assert_true(v >= 1);
	/* Every version is recorded once; the list may have gaps while
	 * parts of the schema are written on separate branches. */
	assert_int_equal(raw_int_once(fx->path,
	    "SELECT count(DISTINCT version) FROM schema_migrations"),
	    raw_int_once(fx->path, "SELECT count(*) FROM schema_migrations"));
	assert_true(raw_int_once(fx->path,
	    "SELECT count(*) FROM schema_migrations") <= v);
	assert_int_equal(raw_int_once(fx->path,
	    "SELECT max(version) FROM schema_migrations"), v);
	assert_int_equal(raw_int_once(fx->path,
	    "SELECT count(*) FROM sqlite_master WHERE type = 'table' AND "
	    "name IN ('offices', 'users', 'sessions', 'cases', 'audit')"), 5);
	assert_int_equal(raw_int_once(fx->path,
	    "SELECT count(*) FROM sqlite_master WHERE type = 'trigger' AND "
	    "tbl_name = 'audit'"), 2);

	/* WAL, and its file as private as the database. */
	h = raw_open(fx->path);
	{
		sqlite3_stmt *st = NULL;

		assert_int_equal(sqlite3_prepare_v2(h, "PRAGMA journal_mode",
		    -1, &st, NULL), SQLITE_OK);
		assert_int_equal(sqlite3_step(st), SQLITE_ROW);
		assert_string_equal((const char *)sqlite3_column_text(st, 0),
		    "wal");
		sqlite3_finalize(st);
	}
	sqlite3_close(h);
	office(fx->db, "BKK", "TH", false);
	snprintf(wal, sizeof(wal), "%s-wal", fx->path);
	assert_int_equal(stat(wal, &sb), 0);
	assert_int_equal(sb.st_mode & 0777, 0600);

	/* Reopening applies nothing twice and keeps the data. */
	db_close(fx->db);
	fx->db = db_open(fx->path, false);
	assert_non_null(fx->db);
	assert_int_equal(db_schema_version(fx->db), v);
	/* Every version is recorded once; the list may have gaps while
	 * parts of the schema are written on separate branches. */
	assert_int_equal(raw_int_once(fx->path,
	    "SELECT count(DISTINCT version) FROM schema_migrations"),
	    raw_int_once(fx->path, "SELECT count(*) FROM schema_migrations"));
	assert_true(raw_int_once(fx->path,
	    "SELECT count(*) FROM schema_migrations") <= v);
	{
		struct office o;

		assert_int_equal(db_office_by_code(fx->db, "BKK", &o), DB_OK);
	}

	/* create on an existing file just migrates. */
	db_close(fx->db);
	fx->db = db_open(fx->path, true);
	assert_non_null(fx->db);
	assert_int_equal(db_schema_version(fx->db), v);
	assert_int_equal(raw_int_once(fx->path,
	    "SELECT count(*) FROM offices"), 1);
}

static void
test_open_missing_fails(void **state)
{
	struct fx *fx = *state;
	struct stat sb;

	assert_null(db_open(fx->path, false));
	assert_int_equal(stat(fx->path, &sb), -1);
	assert_int_equal(errno, ENOENT);
	assert_null(db_open("", true));
	assert_null(db_open(NULL, true));
	assert_null(db_open(":memory:", true));
	assert_int_equal(stat(":memory:", &sb), -1);
}

static void
test_open_newer_schema_refused(void **state)
{
	struct fx *fx = *state;
	sqlite3 *h;

	fx->db = db_open(fx->path, true);
	assert_non_null(fx->db);
	db_close(fx->db);
	fx->db = NULL;
	h = raw_open(fx->path);
	assert_int_equal(sqlite3_exec(h, "INSERT INTO schema_migrations "
	    "VALUES (9999, 0)", NULL, NULL, NULL), SQLITE_OK);
	sqlite3_close(h);
	assert_null(db_open(fx->path, false));
}

static void
test_not_a_database(void **state)
{
	struct fx *fx = *state;
	FILE *f = fopen(fx->path, "w");

	assert_non_null(f);
	fputs("this is not an SQLite database, not at all, not even close\n",
	    f);
	fclose(f);
	assert_null(db_open(fx->path, false));
}

/* --- offices --- */

static int
office_collect(void *arg, const struct office *o)
{
	char *out = arg;
	size_t n = strlen(out);

	snprintf(out + n, 64 - n, "%s%s", n ? "," : "", o->code);
	return 0;
}

static int
office_first(void *arg, const struct office *o)
{
	int *count = arg;

	(void)o;
	(*count)++;
	return 1;
}

static int
office_fail(void *arg, const struct office *o)
{
	(void)arg;
	(void)o;
	return -1;
}

static void
test_offices(void **state)
{
	struct fx *fx = *state;
	struct office o = { 0 }, got;
	char codes[64] = "";
	int64_t bkk, gva;
	int count = 0;

	bkk = office(fx->db, "BKK", "TH", false);
	office(fx->db, "HQ", "CH", true);
	gva = office(fx->db, "GVA", "CH", false);
	assert_int_not_equal(bkk, gva);

	assert_int_equal(db_office_get(fx->db, bkk, &got), DB_OK);
	assert_int_equal(got.id, bkk);
	assert_string_equal(got.code, "BKK");
	assert_string_equal(got.name, "Office BKK");
	assert_string_equal(got.country, "TH");
	assert_false(got.hq);
	assert_int_equal(db_office_by_code(fx->db, "HQ", &got), DB_OK);
	assert_true(got.hq);
	assert_string_equal(got.country, "CH");
	assert_int_equal(db_office_get(fx->db, 9999, &got), DB_NOTFOUND);
	assert_int_equal(db_office_by_code(fx->db, "XYZ", &got), DB_NOTFOUND);
	assert_int_equal(db_office_by_code(fx->db,
	    "A-CODE-FAR-TOO-LONG-FOR-ANY-OFFICE", &got), DB_NOTFOUND);

	/* Duplicate code. */
	snprintf(o.code, sizeof(o.code), "BKK");
	snprintf(o.name, sizeof(o.name), "Another");
	snprintf(o.country, sizeof(o.country), "TH");
	assert_int_equal(db_office_add(fx->db, &o), DB_CONFLICT);
	assert_int_equal(o.id, 0);

	/* A code that does not fit its field is refused, not truncated. */
	memset(o.code, 'A', sizeof(o.code));
	assert_int_equal(db_office_add(fx->db, &o), DB_ERROR);
	snprintf(o.code, sizeof(o.code), "%s", "");
	assert_int_equal(db_office_add(fx->db, &o), DB_ERROR);
	/* Codes go into case numbers: upper-case letters and digits only. */
	snprintf(o.code, sizeof(o.code), "bkk");
	assert_int_equal(db_office_add(fx->db, &o), DB_ERROR);
	snprintf(o.code, sizeof(o.code), "B-K");
	assert_int_equal(db_office_add(fx->db, &o), DB_ERROR);
	snprintf(o.code, sizeof(o.code), "MNL");
	snprintf(o.country, sizeof(o.country), "P");
	assert_int_equal(db_office_add(fx->db, &o), DB_ERROR);
	snprintf(o.country, sizeof(o.country), "ph");
	assert_int_equal(db_office_add(fx->db, &o), DB_ERROR);
	assert_int_equal(raw_int_once(fx->path,
	    "SELECT count(*) FROM offices"), 3);

	/* Listed by code; callbacks stop the listing. */
	assert_int_equal(db_office_list(fx->db, office_collect, codes), DB_OK);
	assert_string_equal(codes, "BKK,GVA,HQ");
	assert_int_equal(db_office_list(fx->db, office_first, &count), DB_OK);
	assert_int_equal(count, 1);
	assert_int_equal(db_office_list(fx->db, office_fail, NULL), DB_ERROR);
	/* The statement was reset: it lists again from the start. */
	codes[0] = '\0';
	assert_int_equal(db_office_list(fx->db, office_collect, codes), DB_OK);
	assert_string_equal(codes, "BKK,GVA,HQ");

	/* Update. */
	assert_int_equal(db_office_get(fx->db, gva, &got), DB_OK);
	snprintf(got.name, sizeof(got.name), "Geneva");
	snprintf(got.code, sizeof(got.code), "GVA2");
	assert_int_equal(db_office_update(fx->db, &got), DB_OK);
	assert_int_equal(db_office_get(fx->db, gva, &got), DB_OK);
	assert_string_equal(got.name, "Geneva");
	assert_string_equal(got.code, "GVA2");
	snprintf(got.code, sizeof(got.code), "BKK");
	assert_int_equal(db_office_update(fx->db, &got), DB_CONFLICT);
	snprintf(got.code, sizeof(got.code), "ZZZ");
	got.id = 9999;
	assert_int_equal(db_office_update(fx->db, &got), DB_NOTFOUND);
}

/* --- users --- */

static int
user_collect(void *arg, const struct user *u)
{
	char *out = arg;
	size_t n = strlen(out);

	snprintf(out + n, 128 - n, "%s%s:%s", n ? "," : "", u->username,
	    role_name(u->role));
	return 0;
}

static void
test_users(void **state)
{
	struct fx *fx = *state;
	int64_t bkk = office(fx->db, "BKK", "TH", false);
	int64_t hq = office(fx->db, "HQ", "CH", true);
	struct user u = { 0 }, got;
	char names[128] = "";
	int64_t alice, bob, rita;

	alice = user(fx->db, "alice", ROLE_CASEWORKER, bkk);
	bob = user(fx->db, "Bob", ROLE_OFFICE_MANAGER, bkk);
	rita = user(fx->db, "rita", ROLE_RESEARCHER, 0);

	assert_int_equal(db_user_get(fx->db, alice, &got), DB_OK);
	assert_int_equal(got.id, alice);
	assert_string_equal(got.username, "alice");
	assert_int_equal(got.role, ROLE_CASEWORKER);
	assert_int_equal(got.office_id, bkk);
	assert_string_equal(got.office_code, "BKK");
	assert_string_equal(got.pwhash, "$argon2id$hash-of-alice");
	assert_false(got.disabled);
	assert_int_equal(got.lang, -1);
	assert_int_equal(got.failed_logins, 0);
	assert_int_equal(got.locked_until, 0);
	assert_int_equal(got.created_at, 1700000000);
	/* Roles are stored by name. */
	assert_int_equal(raw_int_once(fx->path, "SELECT count(*) FROM users "
	    "WHERE username = 'Bob' AND role = 'office-manager'"), 1);

	/* No office. */
	assert_int_equal(db_user_get(fx->db, rita, &got), DB_OK);
	assert_int_equal(got.office_id, 0);
	assert_string_equal(got.office_code, "");

	/* Names are found whatever their case and unique whatever it. */
	assert_int_equal(db_user_by_name(fx->db, "ALICE", &got), DB_OK);
	assert_int_equal(got.id, alice);
	assert_int_equal(db_user_by_name(fx->db, "bob", &got), DB_OK);
	assert_int_equal(got.id, bob);
	assert_string_equal(got.username, "Bob");
	assert_int_equal(db_user_by_name(fx->db, "carol", &got), DB_NOTFOUND);
	assert_int_equal(db_user_get(fx->db, 9999, &got), DB_NOTFOUND);
	{
		char longname[300];

		memset(longname, 'x', sizeof(longname) - 1);
		longname[sizeof(longname) - 1] = '\0';
		assert_int_equal(db_user_by_name(fx->db, longname, &got),
		    DB_NOTFOUND);
	}

	u.role = ROLE_CASEWORKER;
	u.office_id = bkk;
	u.lang = -1;
	snprintf(u.username, sizeof(u.username), "Alice");
	assert_int_equal(db_user_add(fx->db, &u), DB_CONFLICT);
	/* created_at defaults to now. */
	snprintf(u.username, sizeof(u.username), "dave");
	assert_int_equal(db_user_add(fx->db, &u), DB_OK);
	assert_true(u.created_at > 1700000000);
	/* Refused: name not fitting, unknown role, language or office. */
	memset(u.username, 'z', sizeof(u.username));
	assert_int_equal(db_user_add(fx->db, &u), DB_ERROR);
	snprintf(u.username, sizeof(u.username), "%s", "");
	assert_int_equal(db_user_add(fx->db, &u), DB_ERROR);
	snprintf(u.username, sizeof(u.username), "erin");
	u.role = ROLE__MAX;
	assert_int_equal(db_user_add(fx->db, &u), DB_ERROR);
	u.role = ROLE_ADMIN;
	u.lang = LANG__MAX;
	assert_int_equal(db_user_add(fx->db, &u), DB_ERROR);
	u.lang = -1;
	u.office_id = 9999;
	assert_int_equal(db_user_add(fx->db, &u), DB_ERROR);
	assert_int_equal(db_user_by_name(fx->db, "erin", &got), DB_NOTFOUND);

	/* Listed by name, ignoring case. */
	assert_int_equal(db_user_list(fx->db, user_collect, names), DB_OK);
	assert_string_equal(names, "alice:caseworker,Bob:office-manager,"
	    "dave:caseworker,rita:researcher");

	/* Setters. */
	assert_int_equal(db_user_set_password(fx->db, alice, "$argon2id$new"),
	    DB_OK);
	assert_int_equal(db_user_set_disabled(fx->db, alice, true), DB_OK);
	assert_int_equal(db_user_set_lang(fx->db, alice, LANG_FR), DB_OK);
	assert_int_equal(db_user_set_role(fx->db, alice, ROLE_PROGRAMME_MANAGER,
	    hq), DB_OK);
	assert_int_equal(db_user_get(fx->db, alice, &got), DB_OK);
	assert_string_equal(got.pwhash, "$argon2id$new");
	assert_true(got.disabled);
	assert_int_equal(got.lang, LANG_FR);
	assert_int_equal(got.role, ROLE_PROGRAMME_MANAGER);
	assert_int_equal(got.office_id, hq);
	assert_string_equal(got.office_code, "HQ");
	/* Bob is untouched. */
	assert_int_equal(db_user_get(fx->db, bob, &got), DB_OK);
	assert_string_equal(got.pwhash, "$argon2id$hash-of-Bob");
	assert_false(got.disabled);
	assert_int_equal(got.role, ROLE_OFFICE_MANAGER);

	assert_int_equal(db_user_set_disabled(fx->db, alice, false), DB_OK);
	assert_int_equal(db_user_set_lang(fx->db, alice, -1), DB_OK);
	assert_int_equal(db_user_set_role(fx->db, alice, ROLE_ADMIN, 0),
	    DB_OK);
	assert_int_equal(db_user_get(fx->db, alice, &got), DB_OK);
	assert_false(got.disabled);
	assert_int_equal(got.lang, -1);
	assert_int_equal(got.role, ROLE_ADMIN);
	assert_int_equal(got.office_id, 0);

	assert_int_equal(db_user_set_lang(fx->db, alice, 7), DB_ERROR);
	assert_int_equal(db_user_set_role(fx->db, alice, ROLE__MAX, 0),
	    DB_ERROR);
	assert_int_equal(db_user_set_role(fx->db, alice, ROLE_ADMIN, 9999),
	    DB_ERROR);
	assert_int_equal(db_user_set_password(fx->db, 9999, "x"), DB_NOTFOUND);
	assert_int_equal(db_user_set_disabled(fx->db, 9999, true),
	    DB_NOTFOUND);
	assert_int_equal(db_user_set_lang(fx->db, 9999, LANG_ES), DB_NOTFOUND);
	assert_int_equal(db_user_set_role(fx->db, 9999, ROLE_ADMIN, 0),
	    DB_NOTFOUND);
}

static void
test_login_failures(void **state)
{
	struct fx *fx = *state;
	int64_t bkk = office(fx->db, "BKK", "TH", false);
	int64_t alice = user(fx->db, "alice", ROLE_CASEWORKER, bkk);
	int64_t bob = user(fx->db, "bob", ROLE_CASEWORKER, bkk);
	struct user got;

	assert_int_equal(db_user_login_failed(fx->db, alice, 1000, 3, 900),
	    DB_OK);
	assert_int_equal(db_user_login_failed(fx->db, alice, 1001, 3, 900),
	    DB_OK);
	assert_int_equal(db_user_get(fx->db, alice, &got), DB_OK);
	assert_int_equal(got.failed_logins, 2);
	assert_int_equal(got.locked_until, 0);

	/* The third locks until now + 900 and starts counting again. */
	assert_int_equal(db_user_login_failed(fx->db, alice, 1002, 3, 900),
	    DB_OK);
	assert_int_equal(db_user_get(fx->db, alice, &got), DB_OK);
	assert_int_equal(got.failed_logins, 0);
	assert_int_equal(got.locked_until, 1902);
	/* Other accounts are not affected. */
	assert_int_equal(db_user_get(fx->db, bob, &got), DB_OK);
	assert_int_equal(got.failed_logins, 0);
	assert_int_equal(got.locked_until, 0);

	/* A failure during the lock counts but does not extend it. */
	assert_int_equal(db_user_login_failed(fx->db, alice, 1003, 3, 900),
	    DB_OK);
	assert_int_equal(db_user_get(fx->db, alice, &got), DB_OK);
	assert_int_equal(got.failed_logins, 1);
	assert_int_equal(got.locked_until, 1902);

	assert_int_equal(db_user_login_ok(fx->db, alice), DB_OK);
	assert_int_equal(db_user_get(fx->db, alice, &got), DB_OK);
	assert_int_equal(got.failed_logins, 0);
	assert_int_equal(got.locked_until, 0);

	/* max_failures 1 locks at once. */
	assert_int_equal(db_user_login_failed(fx->db, bob, 5000, 1, 60), DB_OK);
	assert_int_equal(db_user_get(fx->db, bob, &got), DB_OK);
	assert_int_equal(got.locked_until, 5060);

	assert_int_equal(db_user_login_failed(fx->db, 9999, 1, 3, 900),
	    DB_NOTFOUND);
	assert_int_equal(db_user_login_ok(fx->db, 9999), DB_NOTFOUND);
}

/* --- sessions --- */

static void
test_sessions(void **state)
{
	struct fx *fx = *state;
	int64_t bkk = office(fx->db, "BKK", "TH", false);
	int64_t alice = user(fx->db, "alice", ROLE_CASEWORKER, bkk);
	int64_t bob = user(fx->db, "bob", ROLE_CASEWORKER, bkk);
	int64_t carol = user(fx->db, "carol", ROLE_CASEWORKER, bkk);
	struct session s, got;
	char h64[65];
	sqlite3 *h;

	s = session("t1", alice, 100, 150);
	assert_int_equal(db_session_add(fx->db, &s), DB_OK);
	assert_int_equal(db_session_add(fx->db, &s), DB_CONFLICT);
	s = session("t2", alice, 100, 150);
	assert_int_equal(db_session_add(fx->db, &s), DB_OK);
	s = session("t3", bob, 100, 150);
	assert_int_equal(db_session_add(fx->db, &s), DB_OK);
	/* A full-length hash fits. */
	memset(h64, 'f', 64);
	h64[64] = '\0';
	s = session(h64, bob, 100, 150);
	assert_int_equal(db_session_add(fx->db, &s), DB_OK);
	assert_int_equal(db_session_get(fx->db, h64, &got), DB_OK);
	assert_string_equal(got.token_hash, h64);
	/* Unknown user: foreign keys are on. */
	s = session("t4", 9999, 100, 150);
	assert_int_equal(db_session_add(fx->db, &s), DB_ERROR);

	assert_int_equal(db_session_get(fx->db, "t1", &got), DB_OK);
	assert_string_equal(got.token_hash, "t1");
	assert_int_equal(got.user_id, alice);
	assert_string_equal(got.csrf, "csrf-t1");
	assert_int_equal(got.created_at, 100);
	assert_int_equal(got.last_seen, 150);
	assert_int_equal(db_session_get(fx->db, "nope", &got), DB_NOTFOUND);
	assert_int_equal(db_session_get(fx->db, "t4", &got), DB_NOTFOUND);

	assert_int_equal(db_session_touch(fx->db, "t1", 500), DB_OK);
	assert_int_equal(db_session_get(fx->db, "t1", &got), DB_OK);
	assert_int_equal(got.last_seen, 500);
	assert_int_equal(got.created_at, 100);
	assert_int_equal(db_session_touch(fx->db, "nope", 500), DB_NOTFOUND);

	assert_int_equal(db_session_delete(fx->db, "t1"), DB_OK);
	assert_int_equal(db_session_get(fx->db, "t1", &got), DB_NOTFOUND);
	assert_int_equal(db_session_delete(fx->db, "t1"), DB_NOTFOUND);

	assert_int_equal(db_session_delete_user(fx->db, alice), DB_OK);
	assert_int_equal(db_session_get(fx->db, "t2", &got), DB_NOTFOUND);
	assert_int_equal(db_session_get(fx->db, "t3", &got), DB_OK);
	assert_int_equal(db_session_delete_user(fx->db, alice), DB_OK);

	/* Purge: idle since before 300 or created before 200. */
	assert_int_equal(db_session_delete_user(fx->db, bob), DB_OK);
	s = session("idle", bob, 250, 299);
	assert_int_equal(db_session_add(fx->db, &s), DB_OK);
	s = session("fresh", bob, 250, 300);
	assert_int_equal(db_session_add(fx->db, &s), DB_OK);
	s = session("old", bob, 199, 1000);
	assert_int_equal(db_session_add(fx->db, &s), DB_OK);
	s = session("young", bob, 200, 1000);
	assert_int_equal(db_session_add(fx->db, &s), DB_OK);
	assert_int_equal(db_session_purge(fx->db, 300, 200), DB_OK);
	assert_int_equal(db_session_get(fx->db, "idle", &got), DB_NOTFOUND);
	assert_int_equal(db_session_get(fx->db, "old", &got), DB_NOTFOUND);
	assert_int_equal(db_session_get(fx->db, "fresh", &got), DB_OK);
	assert_int_equal(db_session_get(fx->db, "young", &got), DB_OK);

	/* Sessions go with their user (schema: ON DELETE CASCADE). */
	s = session("c1", carol, 100, 150);
	assert_int_equal(db_session_add(fx->db, &s), DB_OK);
	h = raw_open(fx->path);
	assert_int_equal(sqlite3_exec(h, "PRAGMA foreign_keys=ON; "
	    "DELETE FROM users WHERE username = 'carol'", NULL, NULL, NULL),
	    SQLITE_OK);
	sqlite3_close(h);
	assert_int_equal(db_session_get(fx->db, "c1", &got), DB_NOTFOUND);
}

/* --- cases --- */

static void
test_case_numbering(void **state)
{
	struct fx *fx = *state;
	int64_t bkk = office(fx->db, "BKK", "TH", false);
	int64_t gva = office(fx->db, "GVA", "CH", false);
	int64_t alice = user(fx->db, "alice", ROLE_CASEWORKER, bkk);
	int64_t bob = user(fx->db, "bob", ROLE_CASEWORKER, bkk);
	struct case_row c, got;

	assert_int_equal(db_case_create(fx->db, bkk, 2026, CASE_ACTIVE, bob,
	    alice, 1000, &c), DB_OK);
	assert_true(c.id > 0);
	assert_string_equal(c.number, "BKK-2026-000001");
	assert_int_equal(c.office_id, bkk);
	assert_string_equal(c.office_code, "BKK");
	assert_int_equal(c.status, CASE_ACTIVE);
	assert_int_equal(c.assigned_to, bob);
	assert_string_equal(c.assigned_username, "bob");
	assert_int_equal(c.created_by, alice);
	assert_int_equal(c.created_at, 1000);
	assert_int_equal(c.updated_at, 1000);
	assert_int_equal(c.version, 1);
	assert_int_equal(db_case_get(fx->db, c.id, &got), DB_OK);
	assert_memory_equal(&got, &c, sizeof(c));

	assert_int_equal(db_case_create(fx->db, bkk, 2026, CASE_FOLLOWUP, 0,
	    alice, 1001, &c), DB_OK);
	assert_string_equal(c.number, "BKK-2026-000002");
	assert_int_equal(c.assigned_to, 0);
	assert_string_equal(c.assigned_username, "");
	assert_int_equal(c.status, CASE_FOLLOWUP);

	/* Another office starts at 1, and so does another year. */
	assert_int_equal(db_case_create(fx->db, gva, 2026, CASE_ACTIVE, 0,
	    alice, 1002, &c), DB_OK);
	assert_string_equal(c.number, "GVA-2026-000001");
	assert_string_equal(c.office_code, "GVA");
	assert_int_equal(db_case_create(fx->db, bkk, 2027, CASE_ACTIVE, 0,
	    alice, 1003, &c), DB_OK);
	assert_string_equal(c.number, "BKK-2027-000001");
	assert_int_equal(db_case_create(fx->db, bkk, 2026, CASE_CLOSED, 0,
	    alice, 1004, &c), DB_OK);
	assert_string_equal(c.number, "BKK-2026-000003");
	assert_int_equal(c.status, CASE_CLOSED);

	/* Failures draw no number and leave no transaction open. */
	assert_int_equal(db_case_create(fx->db, 9999, 2026, CASE_ACTIVE, 0,
	    alice, 1005, &c), DB_NOTFOUND);
	assert_int_equal(db_case_create(fx->db, bkk, 2026, CASE_ACTIVE, 9999,
	    alice, 1005, &c), DB_ERROR);
	assert_int_equal(db_case_create(fx->db, bkk, 2026, CASE_STATUS__MAX, 0,
	    alice, 1005, &c), DB_ERROR);
	assert_int_equal(db_case_create(fx->db, bkk, 99, CASE_ACTIVE, 0,
	    alice, 1005, &c), DB_ERROR);
	assert_int_equal(db_case_create(fx->db, bkk, 2026,
	    CASE_CLOSED_REFERRED, 0, alice, 1005, &c), DB_OK);
	assert_string_equal(c.number, "BKK-2026-000004");
	assert_int_equal(c.status, CASE_CLOSED_REFERRED);

	/* Status is stored as HTCDS text. */
	assert_int_equal(raw_int_once(fx->path, "SELECT count(*) FROM cases "
	    "WHERE status = 'ClosedReferred' AND number = 'BKK-2026-000004'"),
	    1);
	assert_int_equal(raw_int_once(fx->path, "SELECT count(*) FROM cases "
	    "WHERE status = 'FollowUp'"), 1);
	assert_int_equal(db_case_get(fx->db, 9999, &got), DB_NOTFOUND);
}

static void
test_transactions(void **state)
{
	struct fx *fx = *state;
	int64_t bkk = office(fx->db, "BKK", "TH", false);
	int64_t alice = user(fx->db, "alice", ROLE_CASEWORKER, bkk);
	struct case_row c, d, got;

	assert_int_equal(db_begin(fx->db), DB_OK);
	assert_int_equal(db_begin(fx->db), DB_ERROR);
	assert_int_equal(db_case_create(fx->db, bkk, 2026, CASE_ACTIVE, 0,
	    alice, 1, &c), DB_OK);
	assert_string_equal(c.number, "BKK-2026-000001");
	/* A failure inside the caller's transaction leaves it open. */
	assert_int_equal(db_case_create(fx->db, bkk, 2026, CASE_ACTIVE, 9999,
	    alice, 1, &d), DB_ERROR);
	assert_int_equal(db_case_get(fx->db, c.id, &got), DB_OK);
	db_rollback(fx->db);
	assert_int_equal(db_case_get(fx->db, c.id, &got), DB_NOTFOUND);
	assert_int_equal(raw_int_once(fx->path, "SELECT count(*) FROM cases"),
	    0);

	/* The rolled-back number is drawn again. */
	assert_int_equal(db_begin(fx->db), DB_OK);
	assert_int_equal(db_case_create(fx->db, bkk, 2026, CASE_ACTIVE, 0,
	    alice, 1, &c), DB_OK);
	assert_int_equal(db_case_create(fx->db, bkk, 2026, CASE_ACTIVE, 0,
	    alice, 1, &d), DB_OK);
	assert_string_equal(c.number, "BKK-2026-000001");
	assert_string_equal(d.number, "BKK-2026-000002");
	assert_int_equal(db_commit(fx->db), DB_OK);
	assert_int_equal(raw_int_once(fx->path, "SELECT count(*) FROM cases"),
	    2);

	assert_int_equal(db_commit(fx->db), DB_ERROR);
	db_rollback(fx->db);	/* harmless without a transaction */
	assert_int_equal(db_case_get(fx->db, d.id, &got), DB_OK);
}

struct seen {
	int n;
	char numbers[16][DB_CASENO_MAX];
	int stop_after;
};

static int
case_collect(void *arg, const struct case_row *c)
{
	struct seen *s = arg;

	if (s->n < 16)
		snprintf(s->numbers[s->n], DB_CASENO_MAX, "%s", c->number);
	s->n++;
	return s->stop_after && s->n >= s->stop_after;
}

static void
list_cases(struct db *db, const struct case_filter *f, struct seen *s,
    int64_t *total)
{
	memset(s, 0, sizeof(*s));
	*total = -1;
	assert_int_equal(db_case_list(db, f, case_collect, s, total), DB_OK);
}

static void
test_case_list(void **state)
{
	struct fx *fx = *state;
	int64_t bkk = office(fx->db, "BKK", "TH", false);
	int64_t gva = office(fx->db, "GVA", "CH", false);
	int64_t alice = user(fx->db, "alice", ROLE_CASEWORKER, bkk);
	int64_t bob = user(fx->db, "bob", ROLE_CASEWORKER, bkk);
	struct case_filter f = { .status = -1 };
	struct case_row c;
	struct seen s;
	int64_t total;

	/* Created at 10, 20, …: newest first means reverse order. */
	assert_int_equal(db_case_create(fx->db, bkk, 2026, CASE_ACTIVE, alice,
	    alice, 10, &c), DB_OK);	/* BKK-1 */
	assert_int_equal(db_case_create(fx->db, bkk, 2026, CASE_CLOSED, bob,
	    alice, 20, &c), DB_OK);	/* BKK-2 */
	assert_int_equal(db_case_create(fx->db, gva, 2026, CASE_ACTIVE, bob,
	    alice, 30, &c), DB_OK);	/* GVA-1 */
	assert_int_equal(db_case_create(fx->db, bkk, 2026, CASE_ACTIVE, 0,
	    alice, 40, &c), DB_OK);	/* BKK-3 */
	assert_int_equal(db_case_create(fx->db, gva, 2026, CASE_FOLLOWUP,
	    alice, alice, 50, &c), DB_OK);	/* GVA-2 */

	list_cases(fx->db, &f, &s, &total);
	assert_int_equal(total, 5);
	assert_int_equal(s.n, 5);
	assert_string_equal(s.numbers[0], "GVA-2026-000002");
	assert_string_equal(s.numbers[1], "BKK-2026-000003");
	assert_string_equal(s.numbers[2], "GVA-2026-000001");
	assert_string_equal(s.numbers[3], "BKK-2026-000002");
	assert_string_equal(s.numbers[4], "BKK-2026-000001");
	/* No filter at all is every case. */
	list_cases(fx->db, NULL, &s, &total);
	assert_int_equal(total, 5);
	assert_int_equal(s.n, 5);

	f.office_id = bkk;
	list_cases(fx->db, &f, &s, &total);
	assert_int_equal(total, 3);
	assert_int_equal(s.n, 3);
	assert_string_equal(s.numbers[0], "BKK-2026-000003");

	f.status = CASE_ACTIVE;
	list_cases(fx->db, &f, &s, &total);
	assert_int_equal(total, 2);
	assert_string_equal(s.numbers[0], "BKK-2026-000003");
	assert_string_equal(s.numbers[1], "BKK-2026-000001");

	f.assigned_to = alice;
	list_cases(fx->db, &f, &s, &total);
	assert_int_equal(total, 1);
	assert_string_equal(s.numbers[0], "BKK-2026-000001");

	f.office_id = 0;
	f.status = -1;
	list_cases(fx->db, &f, &s, &total);
	assert_int_equal(total, 2);
	assert_string_equal(s.numbers[0], "GVA-2026-000002");
	assert_string_equal(s.numbers[1], "BKK-2026-000001");

	f.assigned_to = 0;
	f.status = CASE_FOLLOWUP;
	list_cases(fx->db, &f, &s, &total);
	assert_int_equal(total, 1);
	assert_string_equal(s.numbers[0], "GVA-2026-000002");

	f.status = CASE_CLOSED_REFERRED;
	list_cases(fx->db, &f, &s, &total);
	assert_int_equal(total, 0);
	assert_int_equal(s.n, 0);

	/* Paging: total is every match, rows only the page. */
	f.status = -1;
	f.limit = 2;
	f.offset = 0;
	list_cases(fx->db, &f, &s, &total);
	assert_int_equal(total, 5);
	assert_int_equal(s.n, 2);
	assert_string_equal(s.numbers[0], "GVA-2026-000002");
	assert_string_equal(s.numbers[1], "BKK-2026-000003");
	f.offset = 2;
	list_cases(fx->db, &f, &s, &total);
	assert_int_equal(s.n, 2);
	assert_string_equal(s.numbers[0], "GVA-2026-000001");
	assert_string_equal(s.numbers[1], "BKK-2026-000002");
	f.offset = 4;
	list_cases(fx->db, &f, &s, &total);
	assert_int_equal(total, 5);
	assert_int_equal(s.n, 1);
	assert_string_equal(s.numbers[0], "BKK-2026-000001");
	f.offset = 10;
	list_cases(fx->db, &f, &s, &total);
	assert_int_equal(total, 5);
	assert_int_equal(s.n, 0);

	/* A callback may stop early; total may be left out. */
	f.limit = 0;
	f.offset = 0;
	memset(&s, 0, sizeof(s));
	s.stop_after = 2;
	assert_int_equal(db_case_list(fx->db, &f, case_collect, &s, NULL),
	    DB_OK);
	assert_int_equal(s.n, 2);

	f.status = CASE_STATUS__MAX;
	assert_int_equal(db_case_list(fx->db, &f, case_collect, &s, &total),
	    DB_ERROR);
}

/*
 * Every combination of office, status, assignee and high-risk viewer
 * against the plain reading of struct case_filter, so that the index
 * each filter drives (db_sqlite.c's case drivers) never changes what
 * matches.
 */
/* by_update: the most recently changed first, with and without an
 * assignee (both statements). */
static void
test_case_list_by_update(void **state)
{
	struct fx *fx = *state;
	int64_t bkk = office(fx->db, "BKK", "TH", false);
	int64_t alice = user(fx->db, "alice", ROLE_CASEWORKER, bkk);
	struct case_filter f = { .status = -1, .by_update = true };
	struct case_row c[3];
	struct seen s;
	int64_t total;
	int a;

	for (a = 0; a < 3; a++)
		assert_int_equal(db_case_create(fx->db, bkk, 2026, CASE_ACTIVE,
		    alice, alice, 10 * (a + 1), &c[a]), DB_OK);
	/* The oldest changed last, then the newest. */
	assert_int_equal(db_case_update(fx->db, c[0].id, 1, CASE_ACTIVE, alice,
	    100), DB_OK);
	assert_int_equal(db_case_update(fx->db, c[2].id, 1, CASE_ACTIVE, alice,
	    90), DB_OK);
	for (a = 0; a < 2; a++) {
		f.assigned_to = a ? alice : 0;
		list_cases(fx->db, &f, &s, &total);
		assert_int_equal(total, 3);
		assert_string_equal(s.numbers[0], c[0].number);
		assert_string_equal(s.numbers[1], c[2].number);
		assert_string_equal(s.numbers[2], c[1].number);
	}
	/* Without it, newest first. */
	f.by_update = false;
	list_cases(fx->db, &f, &s, &total);
	assert_string_equal(s.numbers[0], c[2].number);
	assert_string_equal(s.numbers[2], c[0].number);
}

static void
test_case_list_every_combination(void **state)
{
	struct fx *fx = *state;
	int64_t off[3], who[3], total;
	struct {
		int office, assignee;	/* indexes into off[1..], who[1..] */
		enum case_status status;
		bool high_risk;
		int64_t id;
	} k[] = {
		{ 1, 1, CASE_ACTIVE, false, 0 }, { 1, 2, CASE_CLOSED, true, 0 },
		{ 2, 2, CASE_ACTIVE, false, 0 }, { 1, 0, CASE_ACTIVE, true, 0 },
		{ 2, 1, CASE_FOLLOWUP, true, 0 }, { 2, 0, CASE_CLOSED, false, 0 },
		{ 1, 1, CASE_FOLLOWUP, false, 0 },
	};
	struct case_row c;
	struct seen s;
	size_t i;
	int o, st, a, v, h, want;

	off[0] = 0;
	off[1] = office(fx->db, "BKK", "TH", false);
	off[2] = office(fx->db, "GVA", "CH", false);
	who[0] = 0;
	who[1] = user(fx->db, "alice", ROLE_CASEWORKER, off[1]);
	who[2] = user(fx->db, "bob", ROLE_CASEWORKER, off[1]);
	for (i = 0; i < ARRAY_SIZE(k); i++) {
		assert_int_equal(db_case_create(fx->db, off[k[i].office], 2026,
		    k[i].status, who[k[i].assignee], who[1],
		    10 * (int64_t)(i + 1), &c), DB_OK);
		k[i].id = c.id;
		if (k[i].high_risk)
			assert_int_equal(db_case_set_high_risk(fx->db, c.id,
			    true), DB_OK);
	}
	for (o = 0; o < 3; o++)
	for (st = -1; st < CASE_STATUS__MAX; st++)
	for (a = 0; a < 3; a++)
	for (v = 0; v < 3; v++)
	for (h = 0; h < 3; h++) {
		struct case_filter f = { .office_id = off[o], .status = st,
		    .assigned_to = who[a], .viewer = who[v],
		    .hr_office = off[h] };

		want = 0;
		for (i = 0; i < ARRAY_SIZE(k); i++)
			want += (o == 0 || k[i].office == o) &&
			    (st < 0 || (int)k[i].status == st) &&
			    (a == 0 || k[i].assignee == a) &&
			    (v == 0 || !k[i].high_risk ||
			    k[i].assignee == v ||
			    (h != 0 && k[i].office == h));
		list_cases(fx->db, &f, &s, &total);
		if (total != want || s.n != want)
			fail_msg("office %d status %d assignee %d viewer %d "
			    "hr office %d: %lld/%d rows, want %d", o, st, a, v,
			    h, (long long)total, s.n, want);
		/* The counts per status in one pass (the dashboards') are
		 * the lists' totals, whatever status f names. */
		if (st >= 0) {
			int64_t counts[CASE_STATUS__MAX];

			f.status = (st + 1) % CASE_STATUS__MAX;
			assert_int_equal(db_case_status_counts(fx->db, &f,
			    counts), DB_OK);
			if (counts[st] != want)
				fail_msg("counts: office %d status %d assignee "
				    "%d viewer %d hr office %d: %lld, want %d",
				    o, st, a, v, h, (long long)counts[st],
				    want);
		}
	}
}

static void
test_case_update(void **state)
{
	struct fx *fx = *state;
	int64_t bkk = office(fx->db, "BKK", "TH", false);
	int64_t alice = user(fx->db, "alice", ROLE_CASEWORKER, bkk);
	int64_t bob = user(fx->db, "bob", ROLE_CASEWORKER, bkk);
	struct case_row c, got;

	assert_int_equal(db_case_create(fx->db, bkk, 2026, CASE_ACTIVE, 0,
	    alice, 100, &c), DB_OK);
	assert_int_equal(c.version, 1);

	assert_int_equal(db_case_update(fx->db, c.id, 1, CASE_FOLLOWUP, bob,
	    200), DB_OK);
	assert_int_equal(db_case_get(fx->db, c.id, &got), DB_OK);
	assert_int_equal(got.version, 2);
	assert_int_equal(got.status, CASE_FOLLOWUP);
	assert_int_equal(got.assigned_to, bob);
	assert_string_equal(got.assigned_username, "bob");
	assert_int_equal(got.created_at, 100);
	assert_int_equal(got.updated_at, 200);
	assert_string_equal(got.number, "BKK-2026-000001");

	/* Someone else saved first: nothing changes. */
	assert_int_equal(db_case_update(fx->db, c.id, 1, CASE_CLOSED, 0, 300),
	    DB_CONFLICT);
	assert_int_equal(db_case_get(fx->db, c.id, &got), DB_OK);
	assert_int_equal(got.version, 2);
	assert_int_equal(got.status, CASE_FOLLOWUP);
	assert_int_equal(got.updated_at, 200);

	assert_int_equal(db_case_update(fx->db, 9999, 1, CASE_CLOSED, 0, 300),
	    DB_NOTFOUND);
	assert_int_equal(db_case_update(fx->db, 9999, -1, CASE_CLOSED, 0, 300),
	    DB_NOTFOUND);

	/* No version check; unassigning. */
	assert_int_equal(db_case_update(fx->db, c.id, -1, CASE_CLOSED, 0, 400),
	    DB_OK);
	assert_int_equal(db_case_get(fx->db, c.id, &got), DB_OK);
	assert_int_equal(got.version, 3);
	assert_int_equal(got.status, CASE_CLOSED);
	assert_int_equal(got.assigned_to, 0);
	assert_string_equal(got.assigned_username, "");

	assert_int_equal(db_case_update(fx->db, c.id, 3, CASE_STATUS__MAX, 0,
	    500), DB_ERROR);
	assert_int_equal(db_case_update(fx->db, c.id, 3, CASE_ACTIVE, 9999,
	    500), DB_ERROR);
	assert_int_equal(db_case_get(fx->db, c.id, &got), DB_OK);
	assert_int_equal(got.version, 3);
}

/* --- audit --- */

static void
audit(struct db *db, int64_t at, int64_t user_id, const char *username,
    const char *action, int64_t case_id)
{
	struct audit_entry e = { .at = at, .user_id = user_id,
	    .case_id = case_id };

	snprintf(e.username, sizeof(e.username), "%s", username);
	snprintf(e.ip, sizeof(e.ip), "192.0.2.%d", (int)(at % 250));
	snprintf(e.action, sizeof(e.action), "%s", action);
	snprintf(e.object, sizeof(e.object), "case:%d", (int)case_id);
	snprintf(e.detail, sizeof(e.detail), "{\"at\":%d}", (int)at);
	assert_int_equal(db_audit_add(db, &e), DB_OK);
}

struct aseen {
	int n;
	int64_t at[16];
	struct audit_entry first;
};

static int
audit_collect(void *arg, const struct audit_entry *e)
{
	struct aseen *s = arg;

	if (s->n == 0)
		s->first = *e;
	if (s->n < 16)
		s->at[s->n] = e->at;
	s->n++;
	return 0;
}

static int64_t
audit_count(struct db *db, const struct audit_filter *f, struct aseen *s)
{
	int64_t total = -1;

	memset(s, 0, sizeof(*s));
	assert_int_equal(db_audit_list(db, f, audit_collect, s, &total),
	    DB_OK);
	if (f->limit == 0 && f->offset == 0)
		assert_int_equal(total, s->n);
	return total;
}

/* Whether action a matches filter q as db_audit_list() documents it. */
static bool
action_matches(const char *a, const char *q)
{
	size_t n = strlen(q);

	if (n == 0)
		return true;
	if (q[n - 1] == '.')
		return strncmp(a, q, n) == 0;
	return strcmp(a, q) == 0 || (strncmp(a, q, n) == 0 && a[n] == '.');
}

static void
audit_every_combination(struct db *db)
{
	static const struct {
		int64_t at;
		const char *user, *action;
		int64_t case_id;
	} rows[] = {
		{ 100, "alice", "login.ok", 0 }, { 110, "alice", "case.view", 7 },
		{ 120, "alice", "case.update", 7 }, { 130, "bob", "case.view", 8 },
		{ 140, "Alice", "login.failed", 0 },
		{ 150, "bob", "casework.export", 0 }, { 160, "mallory", "case%", 0 },
	};
	static const char *const users[] = { NULL, "alice", "bob", "Alice" };
	static const char *const actions[] = { NULL, "case.", "case.view",
		"case", "login.", "case%", "cas" };
	static const int64_t cases[] = { 0, 7, 8 }, froms[] = { 0, 115 },
		tos[] = { 0, 145 };
	size_t u, a, c, fr, t, i;
	struct aseen s;

	for (u = 0; u < 4; u++)
	for (a = 0; a < 7; a++)
	for (c = 0; c < 3; c++)
	for (fr = 0; fr < 2; fr++)
	for (t = 0; t < 2; t++) {
		struct audit_filter f = { .username = users[u],
			.action = actions[a], .case_id = cases[c],
			.from = froms[fr], .to = tos[t] };
		int64_t want = 0;

		for (i = 0; i < sizeof(rows) / sizeof(rows[0]); i++)
			want += (!f.username ||
			    strcmp(rows[i].user, f.username) == 0) &&
			    (!f.action || action_matches(rows[i].action,
			    f.action)) && (!f.case_id ||
			    rows[i].case_id == f.case_id) &&
			    (!f.from || rows[i].at >= f.from) &&
			    (!f.to || rows[i].at <= f.to);
		if (audit_count(db, &f, &s) != want || s.n != want)
			fail_msg("user %s action %s case %lld from %lld to "
			    "%lld: %d rows, want %lld", f.username ?
			    f.username : "-", f.action ? f.action : "-",
			    (long long)f.case_id, (long long)f.from,
			    (long long)f.to, s.n, (long long)want);
	}
}

static void
test_audit(void **state)
{
	struct fx *fx = *state;
	struct audit_filter f = { 0 };
	struct audit_entry e = { 0 };
	struct aseen s;

	audit(fx->db, 100, 1, "alice", "login.ok", 0);
	audit(fx->db, 110, 1, "alice", "case.view", 7);
	audit(fx->db, 120, 1, "alice", "case.update", 7);
	audit(fx->db, 130, 2, "bob", "case.view", 8);
	audit(fx->db, 140, 0, "Alice", "login.failed", 0);
	audit(fx->db, 150, 2, "bob", "casework.export", 0);
	audit(fx->db, 160, 0, "mallory", "case%", 0);

	/* Everything, newest first, fields as written. */
	assert_int_equal(audit_count(fx->db, &f, &s), 7);
	assert_int_equal(s.at[0], 160);
	assert_int_equal(s.at[6], 100);
	assert_int_equal(db_audit_list(fx->db, NULL, NULL, NULL, NULL), DB_OK);
	f.action = "login.failed";
	assert_int_equal(audit_count(fx->db, &f, &s), 1);
	assert_int_equal(s.first.at, 140);
	assert_int_equal(s.first.user_id, 0);
	assert_string_equal(s.first.username, "Alice");
	assert_string_equal(s.first.ip, "192.0.2.140");
	assert_string_equal(s.first.action, "login.failed");
	assert_int_equal(s.first.case_id, 0);
	assert_string_equal(s.first.object, "case:0");
	assert_string_equal(s.first.detail, "{\"at\":140}");
	assert_true(s.first.id > 0);

	/* An action matches itself and the actions below it; a filter
	 * ending in '.' matches everything it starts. */
	f.action = "case.";
	assert_int_equal(audit_count(fx->db, &f, &s), 3);
	assert_int_equal(s.at[0], 130);
	f.action = "case.view";
	assert_int_equal(audit_count(fx->db, &f, &s), 2);
	f.action = "case";
	assert_int_equal(audit_count(fx->db, &f, &s), 3);
	f.action = "cas";
	assert_int_equal(audit_count(fx->db, &f, &s), 0);
	f.action = "login.";
	assert_int_equal(audit_count(fx->db, &f, &s), 2);
	/* Wildcards are plain characters. */
	f.action = "case%";
	assert_int_equal(audit_count(fx->db, &f, &s), 1);
	assert_int_equal(s.at[0], 160);
	f.action = "%.";
	assert_int_equal(audit_count(fx->db, &f, &s), 0);
	f.action = "_ase.";
	assert_int_equal(audit_count(fx->db, &f, &s), 0);
	f.action = "";
	assert_int_equal(audit_count(fx->db, &f, &s), 7);
	f.action = NULL;

	/* Username: exact, case included. */
	f.username = "alice";
	assert_int_equal(audit_count(fx->db, &f, &s), 3);
	f.username = "Alice";
	assert_int_equal(audit_count(fx->db, &f, &s), 1);
	f.username = "ali";
	assert_int_equal(audit_count(fx->db, &f, &s), 0);
	f.username = NULL;

	f.case_id = 7;
	assert_int_equal(audit_count(fx->db, &f, &s), 2);
	assert_int_equal(s.at[0], 120);
	assert_int_equal(s.at[1], 110);
	f.case_id = 0;

	/* Time range, both ends inclusive, either open. */
	f.from = 110;
	f.to = 130;
	assert_int_equal(audit_count(fx->db, &f, &s), 3);
	assert_int_equal(s.at[0], 130);
	assert_int_equal(s.at[2], 110);
	f.to = 0;
	assert_int_equal(audit_count(fx->db, &f, &s), 6);
	f.from = 0;
	f.to = 119;
	assert_int_equal(audit_count(fx->db, &f, &s), 2);

	/* Filters combine. */
	f.from = 100;
	f.to = 200;
	f.username = "alice";
	f.action = "case.";
	assert_int_equal(audit_count(fx->db, &f, &s), 2);
	f.case_id = 8;
	assert_int_equal(audit_count(fx->db, &f, &s), 0);

	/* Every combination answers as the plain reading of the filter,
	 * whichever index drives the search. */
	audit_every_combination(fx->db);

	/* Paging. */
	memset(&f, 0, sizeof(f));
	f.limit = 3;
	f.offset = 3;
	assert_int_equal(audit_count(fx->db, &f, &s), 7);
	assert_int_equal(s.n, 3);
	assert_int_equal(s.at[0], 130);
	assert_int_equal(s.at[2], 110);

	/* Malformed entries are refused. */
	assert_int_equal(db_audit_add(fx->db, &e), DB_ERROR);
	snprintf(e.action, sizeof(e.action), "case.view");
	memset(e.ip, '1', sizeof(e.ip));
	assert_int_equal(db_audit_add(fx->db, &e), DB_ERROR);
	assert_int_equal(raw_int_once(fx->path, "SELECT count(*) FROM audit"),
	    7);
	/* Ids of nobody and no case are stored as NULL. */
	assert_int_equal(raw_int_once(fx->path, "SELECT count(*) FROM audit "
	    "WHERE user_id IS NULL AND case_id IS NULL"), 2);
}

/* "case.view" also finds "case.view.denied", never "case.viewer". */
static void
test_audit_action_hierarchy(void **state)
{
	struct fx *fx = *state;
	struct audit_filter f = { 0 };
	struct aseen s;

	audit(fx->db, 100, 1, "alice", "case.view", 7);
	audit(fx->db, 110, 1, "alice", "case.view.denied", 8);
	audit(fx->db, 120, 1, "alice", "case.viewer", 7);
	f.action = "case.view";
	assert_int_equal(audit_count(fx->db, &f, &s), 2);
	assert_int_equal(s.at[0], 110);
	assert_int_equal(s.at[1], 100);
	f.action = "case.view.";
	assert_int_equal(audit_count(fx->db, &f, &s), 1);
	assert_int_equal(s.at[0], 110);
	f.action = "case.viewer";
	assert_int_equal(audit_count(fx->db, &f, &s), 1);
}

static void
test_audit_append_only(void **state)
{
	struct fx *fx = *state;
	sqlite3 *h;
	int rc;

	audit(fx->db, 100, 1, "alice", "case.view", 7);
	audit(fx->db, 200, 1, "alice", "case.view", 8);

	h = raw_open(fx->path);
	rc = sqlite3_exec(h, "UPDATE audit SET action = 'nothing' "
	    "WHERE case_id = 7", NULL, NULL, NULL);
	assert_int_equal(rc, SQLITE_CONSTRAINT);
	assert_non_null(strstr(sqlite3_errmsg(h), "audit is append-only"));
	rc = sqlite3_exec(h, "DELETE FROM audit WHERE case_id = 8",
	    NULL, NULL, NULL);
	assert_int_equal(rc, SQLITE_CONSTRAINT);
	assert_non_null(strstr(sqlite3_errmsg(h), "audit is append-only"));
	rc = sqlite3_exec(h, "DELETE FROM audit", NULL, NULL, NULL);
	assert_int_equal(rc, SQLITE_CONSTRAINT);
	assert_int_equal(raw_int(h, "SELECT count(*) FROM audit"), 2);
	assert_int_equal(raw_int(h, "SELECT count(*) FROM audit WHERE "
	    "action = 'case.view'"), 2);
	/* Appending still works. */
	assert_int_equal(sqlite3_exec(h, "INSERT INTO audit (at, action) "
	    "VALUES (300, 'x.y')", NULL, NULL, NULL), SQLITE_OK);
	sqlite3_close(h);
	{
		struct audit_filter f = { 0 };
		struct aseen s;

		assert_int_equal(audit_count(fx->db, &f, &s), 3);
	}
}

/* --- threads --- */

#define THREADS 4
#define CASES_PER_THREAD 20

struct worker {
	struct db *db;
	int64_t office_id, user_id;
	int failures;
	int64_t max_version;
};

static void *
worker_run(void *arg)
{
	struct worker *w = arg;
	struct case_row c;
	int i;

	for (i = 0; i < CASES_PER_THREAD; i++)
		if (db_case_create(w->db, w->office_id, 2026, CASE_ACTIVE, 0,
		    w->user_id, 1000 + i, &c) != DB_OK)
			w->failures++;
	w->max_version = db_schema_version(w->db);
	return NULL;
}

/* Each thread its own connection; numbering holds across them, and the
 * connections close when the threads end (ASan would see a leak). */
static void
test_threads(void **state)
{
	struct fx *fx = *state;
	int64_t bkk = office(fx->db, "BKK", "TH", false);
	int64_t alice = user(fx->db, "alice", ROLE_CASEWORKER, bkk);
	struct worker w[THREADS];
	pthread_t t[THREADS];
	int64_t total = 0;
	int i;

	for (i = 0; i < THREADS; i++) {
		w[i] = (struct worker){ .db = fx->db, .office_id = bkk,
		    .user_id = alice };
		assert_int_equal(pthread_create(&t[i], NULL, worker_run, &w[i]),
		    0);
	}
	for (i = 0; i < THREADS; i++) {
		assert_int_equal(pthread_join(t[i], NULL), 0);
		assert_int_equal(w[i].failures, 0);
		assert_int_equal(w[i].max_version,
		    db_schema_version(fx->db));
	}
	assert_int_equal(db_case_list(fx->db, NULL, NULL, NULL, &total),
	    DB_OK);
	assert_int_equal(total, THREADS * CASES_PER_THREAD);
	assert_int_equal(raw_int_once(fx->path,
	    "SELECT count(DISTINCT number) FROM cases"),
	    THREADS * CASES_PER_THREAD);
	assert_int_equal(raw_int_once(fx->path,
	    "SELECT max(seq) FROM cases"), THREADS * CASES_PER_THREAD);
}

struct holder {
	struct db *db;
	pthread_barrier_t opened, closed;
	int rc;
};

static void *
holder_run(void *arg)
{
	struct holder *h = arg;
	struct office o;

	h->rc = db_office_by_code(h->db, "BKK", &o);
	pthread_barrier_wait(&h->opened);
	/* The main thread closes the db while this thread still lives. */
	pthread_barrier_wait(&h->closed);
	return NULL;
}

/* db_close closes the connections of threads that are still running. */
static void
test_close_with_live_thread(void **state)
{
	struct fx *fx = *state;
	struct holder h = { .db = fx->db };
	pthread_t t;

	office(fx->db, "BKK", "TH", false);
	assert_int_equal(pthread_barrier_init(&h.opened, NULL, 2), 0);
	assert_int_equal(pthread_barrier_init(&h.closed, NULL, 2), 0);
	assert_int_equal(pthread_create(&t, NULL, holder_run, &h), 0);
	pthread_barrier_wait(&h.opened);
	assert_int_equal(h.rc, DB_OK);
	db_close(fx->db);
	fx->db = NULL;
	pthread_barrier_wait(&h.closed);
	assert_int_equal(pthread_join(t, NULL), 0);
	pthread_barrier_destroy(&h.opened);
	pthread_barrier_destroy(&h.closed);

	/* Everything was closed: the file opens cleanly again. */
	fx->db = db_open(fx->path, false);
	assert_non_null(fx->db);
	assert_int_equal(raw_int_once(fx->path,
	    "SELECT count(*) FROM offices"), 1);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(test_open_create_migrate,
		    setup_dir, teardown),
		cmocka_unit_test_setup_teardown(test_open_missing_fails,
		    setup_dir, teardown),
		cmocka_unit_test_setup_teardown(test_open_newer_schema_refused,
		    setup_dir, teardown),
		cmocka_unit_test_setup_teardown(test_not_a_database,
		    setup_dir, teardown),
		cmocka_unit_test_setup_teardown(test_offices, setup, teardown),
		cmocka_unit_test_setup_teardown(test_users, setup, teardown),
		cmocka_unit_test_setup_teardown(test_login_failures, setup,
		    teardown),
		cmocka_unit_test_setup_teardown(test_sessions, setup, teardown),
		cmocka_unit_test_setup_teardown(test_case_numbering, setup,
		    teardown),
		cmocka_unit_test_setup_teardown(test_transactions, setup,
		    teardown),
		cmocka_unit_test_setup_teardown(test_case_list, setup,
		    teardown),
		cmocka_unit_test_setup_teardown(test_case_list_by_update, setup,
		    teardown),
		cmocka_unit_test_setup_teardown(test_case_list_every_combination,
		    setup, teardown),
		cmocka_unit_test_setup_teardown(test_case_update, setup,
		    teardown),
		cmocka_unit_test_setup_teardown(test_audit, setup, teardown),
		cmocka_unit_test_setup_teardown(test_audit_action_hierarchy,
		    setup, teardown),
		cmocka_unit_test_setup_teardown(test_audit_append_only, setup,
		    teardown),
		cmocka_unit_test_setup_teardown(test_threads, setup, teardown),
		cmocka_unit_test_setup_teardown(test_close_with_live_thread,
		    setup, teardown),
	};

	log_set_quiet(true);
	return cmocka_run_group_tests(tests, NULL, NULL);
}
