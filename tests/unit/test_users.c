/*
 * test_users.c - the grants of users.h on a real database: every grant
 * asked is checked before any is written, so that a refusal (one's own
 * case access, case access for a role that does not take it) changes
 * nothing at all; each refusal and each change has its audit row, and a
 * grant asked as it is writes nothing.
 */
#include "compat.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <unistd.h>

#include "cli.h"
#include "users.h"

struct fx {
	char dir[64], db[96];
	struct app app;
	struct office hq;
	struct user a1, a2, cw;
};

static void
add_user(struct fx *fx, struct user *u, const char *name, enum role role)
{
	memset(u, 0, sizeof(*u));
	snprintf(u->username, sizeof(u->username), "%s", name);
	snprintf(u->pwhash, sizeof(u->pwhash), "x");
	u->role = role;
	u->office_id = fx->hq.id;
	u->lang = -1;
	assert_int_equal(db_user_add(fx->app.db, u), DB_OK);
}

static int
setup_db(void **state)
{
	struct fx *fx = calloc(1, sizeof(*fx));

	assert_non_null(fx);
	snprintf(fx->dir, sizeof(fx->dir), "/tmp/ctm-test-users-XXXXXX");
	assert_non_null(mkdtemp(fx->dir));
	snprintf(fx->db, sizeof(fx->db), "%s/ctm.db", fx->dir);
	assert_non_null(fx->app.db = db_open(fx->db, true));
	snprintf(fx->hq.code, sizeof(fx->hq.code), "HQ");
	snprintf(fx->hq.name, sizeof(fx->hq.name), "Headquarters");
	snprintf(fx->hq.country, sizeof(fx->hq.country), "CH");
	fx->hq.hq = true;
	assert_int_equal(db_office_add(fx->app.db, &fx->hq), DB_OK);
	add_user(fx, &fx->a1, "a1", ROLE_ADMIN);
	add_user(fx, &fx->a2, "a2", ROLE_ADMIN);
	add_user(fx, &fx->cw, "cw", ROLE_CASEWORKER);
	*state = fx;
	return 0;
}

static int
teardown_db(void **state)
{
	struct fx *fx = *state;
	char p[128];
	static const char *const files[] = { "ctm.db", "ctm.db-wal",
	    "ctm.db-shm", "ctm.db-journal" };
	size_t i;

	db_close(fx->app.db);
	for (i = 0; i < ARRAY_SIZE(files); i++) {
		snprintf(p, sizeof(p), "%s/%s", fx->dir, files[i]);
		unlink(p);
	}
	rmdir(fx->dir);
	free(fx);
	return 0;
}

struct rows {
	const char *action;
	int n;
	char last[sizeof(((struct audit_entry *)0)->detail)];
	char last_object[sizeof(((struct audit_entry *)0)->object)];
};

static int
row_cb(void *arg, const struct audit_entry *e)
{
	struct rows *x = arg;

	if (strcmp(e->action, x->action) != 0)
		return 0;
	/* Newest first: the first one seen is the last written. */
	if (x->n++ == 0) {
		snprintf(x->last, sizeof(x->last), "%s", e->detail);
		snprintf(x->last_object, sizeof(x->last_object), "%s",
		    e->object);
	}
	return 0;
}

/* Audit rows of exactly action, the newest one's detail in x. */
static struct rows
rows_of(struct fx *fx, const char *action)
{
	struct audit_filter f = { 0 };
	struct rows x = { .action = action };
	int64_t total = 0;

	f.limit = 1000;
	assert_int_equal(db_audit_list(fx->app.db, &f, row_cb, &x, &total),
	    DB_OK);
	return x;
}

static struct user
reload(struct fx *fx, int64_t id)
{
	struct user u;

	assert_int_equal(db_user_get(fx->app.db, id, &u), DB_OK);
	return u;
}

/* Asks health and case (-1, 0, 1) of u as by; returns users_set_grants. */
static int
ask(struct fx *fx, const struct user *by, const struct user *u, int health,
    int cases, const char *why[USER_GRANT__MAX],
    enum user_grant_refusal refusal[USER_GRANT__MAX])
{
	struct req r;
	int want[USER_GRANT__MAX];

	cli_req(&r, &fx->app, by);
	want[USER_GRANT_HEALTH] = health;
	want[USER_GRANT_CASE] = cases;
	return users_set_grants(&r, u, want, why, refusal);
}

static void
test_grant_names(void **state)
{
	struct user u;

	(void)state;
	assert_string_equal(user_grant_name(USER_GRANT_HEALTH),
	    "health_access");
	assert_string_equal(user_grant_name(USER_GRANT_CASE), "case_access");
	memset(&u, 0, sizeof(u));
	u.case_access = true;
	assert_false(user_grant_held(&u, USER_GRANT_HEALTH));
	assert_true(user_grant_held(&u, USER_GRANT_CASE));
}

static void
test_grants(void **state)
{
	struct fx *fx = *state;
	const char *why[USER_GRANT__MAX];
	enum user_grant_refusal refusal[USER_GRANT__MAX];
	struct user u;
	struct rows x;
	char obj[40];

	/* Another administrator's case access and health records, both in
	 * one request: two rows. */
	u = reload(fx, fx->a2.id);
	assert_int_equal(ask(fx, &fx->a1, &u, 1, 1, why, refusal), 0);
	assert_null(why[USER_GRANT_HEALTH]);
	assert_null(why[USER_GRANT_CASE]);
	u = reload(fx, fx->a2.id);
	assert_true(u.case_access);
	assert_true(u.health_access);
	x = rows_of(fx, "admin.user.update");
	assert_int_equal(x.n, 2);
	snprintf(obj, sizeof(obj), "user:%lld", (long long)fx->a2.id);
	assert_string_equal(x.last_object, obj);
	assert_string_equal(x.last,
	    "{\"field\":\"case_access\",\"old\":false,\"new\":true}");

	/* Asked as it is: nothing written, nothing audited. */
	assert_int_equal(ask(fx, &fx->a1, &u, 1, 1, why, refusal), 0);
	assert_int_equal(rows_of(fx, "admin.user.update").n, 2);

	/* One's own case access and health records: both refused (neither
	 * is one's own to give), nothing made. */
	u = reload(fx, fx->a1.id);
	assert_int_equal(ask(fx, &fx->a1, &u, 1, 1, why, refusal), 1);
	assert_int_equal(refusal[USER_GRANT_CASE], USER_GRANT_SELF);
	assert_int_equal(refusal[USER_GRANT_HEALTH], USER_GRANT_SELF);
	assert_non_null(why[USER_GRANT_CASE]);
	assert_non_null(why[USER_GRANT_HEALTH]);
	u = reload(fx, fx->a1.id);
	assert_false(u.case_access);
	assert_false(u.health_access);
	assert_int_equal(rows_of(fx, "admin.user.update").n, 2);
	x = rows_of(fx, "admin.user.update.denied");
	assert_int_equal(x.n, 2);
	/* One's own health records alone: refused the same way. */
	assert_int_equal(ask(fx, &fx->a1, &u, 1, -1, why, refusal), 1);
	assert_int_equal(refusal[USER_GRANT_HEALTH], USER_GRANT_SELF);
	assert_false(reload(fx, fx->a1.id).health_access);
	x = rows_of(fx, "admin.user.update.denied");
	assert_int_equal(x.n, 3);
	assert_string_equal(x.last, "{\"field\":\"health_access\"}");

	/* Case access for a caseworker: refused, whoever asks. */
	u = reload(fx, fx->cw.id);
	assert_int_equal(ask(fx, &fx->a1, &u, -1, 1, why, refusal), 1);
	assert_int_equal(refusal[USER_GRANT_CASE], USER_GRANT_ROLE);
	assert_int_equal(ask(fx, NULL, &u, -1, 1, why, refusal), 1);
	assert_false(reload(fx, fx->cw.id).case_access);
	assert_int_equal(rows_of(fx, "admin.user.update.denied").n, 5);
	/* Its health records are another matter. */
	assert_int_equal(ask(fx, &fx->a1, &u, 1, -1, why, refusal), 0);
	assert_true(reload(fx, fx->cw.id).health_access);

	/* An administrator who holds case access lets it go alone. */
	u = reload(fx, fx->a2.id);
	assert_int_equal(ask(fx, &fx->a2, &u, -1, 0, why, refusal), 0);
	assert_false(reload(fx, fx->a2.id).case_access);
	x = rows_of(fx, "admin.user.update");
	assert_int_equal(x.n, 4);
	assert_string_equal(x.last,
	    "{\"field\":\"case_access\",\"old\":true,\"new\":false}");

	/* The command line (no account of its own) grants it to a1. */
	u = reload(fx, fx->a1.id);
	assert_int_equal(ask(fx, NULL, &u, -1, 1, why, refusal), 0);
	assert_true(reload(fx, fx->a1.id).case_access);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_grant_names),
		cmocka_unit_test_setup_teardown(test_grants, setup_db,
		    teardown_db),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
