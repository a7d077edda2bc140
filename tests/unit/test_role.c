/*
 * test_role.c - the permission table of role.h, checked cell by cell
 * against the expected matrix, plus scopes, the case access grant and
 * role names.
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

#include "db.h"
#include "role.h"

/*
 * The whole matrix, written out independently of role.c so that any
 * change to a cell there is a deliberate change here too.
 */
static const bool expect[ROLE__MAX][PERM__MAX] = {
	/* No case content by role (the brief: "no case content unless
	 * also granted"). */
	[ROLE_ADMIN] = {
		[PERM_ADMIN_USERS] = true,
		[PERM_AUDIT_READ] = true, [PERM_STATS_READ] = true,
		[PERM_PROJECT_MANAGE] = true, [PERM_REGISTRY] = true,
		[PERM_FUND_READ] = true,
	},
	[ROLE_CASEWORKER] = {
		[PERM_CASE_READ] = true, [PERM_CASE_CREATE] = true,
		[PERM_CASE_UPDATE] = true, [PERM_CASEFILE_READ] = true,
		[PERM_ASSIST] = true, [PERM_FUND_REQUEST] = true,
	},
	[ROLE_OFFICE_MANAGER] = {
		[PERM_CASE_READ] = true, [PERM_CASE_CREATE] = true,
		[PERM_CASE_UPDATE] = true, [PERM_STATS_READ] = true,
		[PERM_CASEFILE_READ] = true, [PERM_ASSIST] = true,
		[PERM_FUND_REQUEST] = true, [PERM_TRANSFER_DECIDE] = true,
		[PERM_REGISTRY] = true, [PERM_HIGH_RISK_OFFICE] = true,
	},
	/* The cases referred to headquarters: their summary, never their
	 * file, records, status or assignee. */
	[ROLE_PROGRAMME_MANAGER] = {
		[PERM_CASE_READ] = true,
		[PERM_STATS_READ] = true,
		[PERM_FUND_DECIDE] = true, [PERM_PROJECT_MANAGE] = true,
		[PERM_FUND_READ] = true,
	},
	[ROLE_RESEARCHER] = {
		[PERM_STATS_READ] = true,
	},
	/* Health records of its office's cases; never the case file. */
	[ROLE_MEDICAL_OFFICER] = {
		[PERM_CASE_READ] = true, [PERM_HEALTH] = true,
	},
};

static void
test_matrix(void **state)
{
	int r, p;

	(void)state;
	assert_int_equal(PERM__MAX, 16);
	assert_int_equal(ROLE__MAX, 6);
	for (r = 0; r < ROLE__MAX; r++)
		for (p = 0; p < PERM__MAX; p++)
			if (role_can((enum role)r, (enum perm)p) != expect[r][p])
				fail_msg("role %s, perm %d: got %d", role_name(
				    (enum role)r), p, (int)!expect[r][p]);
}

static void
test_researcher_no_cases(void **state)
{
	(void)state;
	assert_false(role_can(ROLE_RESEARCHER, PERM_CASE_READ));
	assert_false(role_can(ROLE_RESEARCHER, PERM_CASE_CREATE));
	assert_false(role_can(ROLE_RESEARCHER, PERM_CASE_UPDATE));
	assert_true(role_can(ROLE_RESEARCHER, PERM_STATS_READ));
	assert_int_equal(role_scope(ROLE_RESEARCHER), SCOPE_NONE);
}

static void
test_scopes(void **state)
{
	(void)state;
	assert_int_equal(role_scope(ROLE_CASEWORKER), SCOPE_OFFICE);
	assert_int_equal(role_scope(ROLE_OFFICE_MANAGER), SCOPE_OFFICE);
	assert_int_equal(role_scope(ROLE_PROGRAMME_MANAGER), SCOPE_REFERRED);
	assert_int_equal(role_scope(ROLE_ADMIN), SCOPE_NONE);
	assert_int_equal(role_scope(ROLE_RESEARCHER), SCOPE_NONE);
	assert_int_equal(role_scope(ROLE_MEDICAL_OFFICER), SCOPE_OFFICE);
	/* A scope never goes with a role that cannot read cases. */
	for (int r = 0; r < ROLE__MAX; r++)
		if (!role_can((enum role)r, PERM_CASE_READ))
			assert_int_equal(role_scope((enum role)r), SCOPE_NONE);
}

/* Nobody reads every office's cases by role alone. */
static void
test_no_role_sees_all(void **state)
{
	(void)state;
	for (int r = 0; r < ROLE__MAX; r++)
		assert_int_not_equal(role_scope((enum role)r), SCOPE_ALL);
}

/* What the case access grant adds, and only to an administrator. */
static void
test_case_grant(void **state)
{
	static const enum perm cases[] = { PERM_CASE_READ, PERM_CASE_CREATE,
	    PERM_CASE_UPDATE, PERM_CASEFILE_READ, PERM_ASSIST };
	struct user u;
	int r, p;
	size_t i;

	(void)state;
	for (r = 0; r < ROLE__MAX; r++)
		assert_int_equal(role_case_grantable((enum role)r),
		    r == ROLE_ADMIN);
	assert_false(role_case_grantable(ROLE__MAX));
	assert_false(role_case_grantable((enum role)-1));

	memset(&u, 0, sizeof(u));
	u.role = ROLE_ADMIN;
	/* Without the grant: the role, nothing more. */
	for (p = 0; p < PERM__MAX; p++)
		assert_int_equal(user_can(&u, (enum perm)p),
		    expect[ROLE_ADMIN][p]);
	assert_int_equal(user_scope(&u), SCOPE_NONE);
	/* With it: the case files of every office, read and write; not
	 * health records (their own grant) nor what other roles decide. */
	u.case_access = true;
	for (i = 0; i < ARRAY_SIZE(cases); i++)
		assert_true(user_can(&u, cases[i]));
	assert_int_equal(user_scope(&u), SCOPE_ALL);
	assert_false(user_can(&u, PERM_HEALTH));
	assert_false(user_can(&u, PERM_FUND_DECIDE));
	assert_false(user_can(&u, PERM_FUND_REQUEST));
	assert_false(user_can(&u, PERM_TRANSFER_DECIDE));
	assert_false(user_can(&u, PERM_HIGH_RISK_OFFICE));
	assert_false(user_can(&u, PERM__MAX));
	assert_false(user_can(&u, (enum perm)-1));
	/* The flag on any other role changes nothing. */
	for (r = 0; r < ROLE__MAX; r++) {
		if (r == ROLE_ADMIN)
			continue;
		u.role = (enum role)r;
		for (p = 0; p < PERM__MAX; p++)
			assert_int_equal(user_can(&u, (enum perm)p), expect[r][p]);
		assert_int_equal(user_scope(&u), role_scope((enum role)r));
	}
	assert_false(user_can(NULL, PERM_CASE_READ));
	assert_int_equal(user_scope(NULL), SCOPE_NONE);
}

static void
test_admin_only(void **state)
{
	int r;

	(void)state;
	for (r = 0; r < ROLE__MAX; r++) {
		assert_int_equal(role_can((enum role)r, PERM_ADMIN_USERS),
		    r == ROLE_ADMIN);
		assert_int_equal(role_can((enum role)r, PERM_AUDIT_READ),
		    r == ROLE_ADMIN);
	}
}

static void
test_out_of_range(void **state)
{
	int p;

	(void)state;
	for (p = 0; p < PERM__MAX; p++) {
		assert_false(role_can(ROLE__MAX, (enum perm)p));
		assert_false(role_can((enum role)-1, (enum perm)p));
		assert_false(role_can((enum role)1000, (enum perm)p));
	}
	assert_false(role_can(ROLE_ADMIN, PERM__MAX));
	assert_false(role_can(ROLE_ADMIN, (enum perm)-1));
	assert_int_equal(role_scope(ROLE__MAX), SCOPE_NONE);
	assert_int_equal(role_scope((enum role)-1), SCOPE_NONE);
	assert_string_equal(role_name(ROLE__MAX), "unknown");
	assert_string_equal(role_name((enum role)-1), "unknown");
	assert_string_equal(role_label(ROLE__MAX), "?");
}

static void
test_names_round_trip(void **state)
{
	static const char *const names[ROLE__MAX] = {
		[ROLE_ADMIN] = "admin",
		[ROLE_CASEWORKER] = "caseworker",
		[ROLE_OFFICE_MANAGER] = "office-manager",
		[ROLE_PROGRAMME_MANAGER] = "programme-manager",
		[ROLE_RESEARCHER] = "researcher",
		[ROLE_MEDICAL_OFFICER] = "medical-officer",
	};
	int r;

	(void)state;
	for (r = 0; r < ROLE__MAX; r++) {
		assert_string_equal(role_name((enum role)r), names[r]);
		assert_int_equal(role_from_name(names[r]), r);
		assert_int_equal(role_from_name(role_name((enum role)r)), r);
		assert_non_null(role_label((enum role)r));
		assert_true(strlen(role_label((enum role)r)) > 0);
	}
	assert_string_equal(role_label(ROLE_CASEWORKER), "Caseworker");
}

static void
test_unknown_names(void **state)
{
	static const char *const bad[] = {
		"", "Admin", "ADMIN", "admin ", " admin", "adm", "administrator",
		"office_manager", "programme manager", "program-manager",
		"unknown", "caseworker\n", "root", "admin\xc2\xa0",
	};
	size_t i;

	(void)state;
	assert_int_equal(role_from_name(NULL), -1);
	for (i = 0; i < ARRAY_SIZE(bad); i++)
		assert_int_equal(role_from_name(bad[i]), -1);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_matrix),
		cmocka_unit_test(test_researcher_no_cases),
		cmocka_unit_test(test_scopes),
		cmocka_unit_test(test_no_role_sees_all),
		cmocka_unit_test(test_case_grant),
		cmocka_unit_test(test_admin_only),
		cmocka_unit_test(test_out_of_range),
		cmocka_unit_test(test_names_round_trip),
		cmocka_unit_test(test_unknown_names),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
