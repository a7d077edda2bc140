/*
 * test_route.c - the route table of route.h: {id} segments take positive
 * decimal ids only, a wrong method is told apart from an unknown path,
 * and the assets prefix needs a non-empty rest.
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

#include "handlers.h"
#include "route.h"

#define ALL_METHODS (M_GET | M_POST | M_PUT | M_PATCH | M_DELETE | M_HEAD | \
	M_OTHER)

/* Matches and checks the handler and id; returns the route. */
static const struct route *
expect_route(const char *path, enum method m, handler_fn fn, int64_t id)
{
	const struct route *rt;
	int64_t got = -12345;
	bool wrong = true;

	rt = route_match(path, m, &got, &wrong);
	if (rt == NULL)
		fail_msg("no route for %s (method %d)", path, (int)m);
	/* wrong_method is only defined when NULL is returned. */
	assert_ptr_equal(rt->fn, fn);
	assert_true(rt->methods & m);
	if (id > 0)
		assert_int_equal(got, id);
	return rt;
}

/* Expects no route and the given wrong_method verdict. */
static void
expect_none(const char *path, enum method m, bool wrong_method)
{
	const struct route *rt;
	int64_t got = -12345;
	bool wrong = !wrong_method;

	rt = route_match(path, m, &got, &wrong);
	if (rt != NULL)
		fail_msg("%s (method %d) matched %s", path, (int)m, rt->pattern);
	if (wrong != wrong_method)
		fail_msg("%s (method %d): wrong_method is %d", path, (int)m,
		    (int)wrong);
}

static void
test_case_id_positive(void **state)
{
	const struct route *rt;

	(void)state;
	rt = expect_route("/api/v1/cases/1", M_GET, api_case_get, 1);
	assert_string_equal(rt->pattern, "/api/v1/cases/{id}");
	assert_true(rt->flags & RF_AUTH);
	expect_route("/api/v1/cases/42", M_HEAD, api_case_get, 42);
	expect_route("/api/v1/cases/10", M_GET, api_case_get, 10);
	expect_route("/api/v1/cases/9", M_PATCH, api_case_patch, 9);
	expect_route("/api/v1/cases/123456789", M_GET, api_case_get,
	    123456789);
	/* The longest id accepted: 15 digits. */
	expect_route("/api/v1/cases/999999999999999", M_GET, api_case_get,
	    999999999999999LL);
	expect_route("/cases/7", M_GET, page_case, 7);
	expect_route("/cases/7", M_POST, page_case_update, 7);
	expect_route("/admin/users/3", M_GET, page_admin_user, 3);
	expect_route("/admin/users/3", M_POST, page_admin_user_post, 3);
	/* A project is changed in place; a partner is removed by the
	 * organisation's id after the project's (read by the handler). */
	expect_route("/api/v1/projects/5", M_PATCH, api_project_patch, 5);
	expect_route("/api/v1/projects/5/partners", M_POST,
	    api_project_partner_add, 5);
	expect_route("/api/v1/projects/5/partners/17", M_DELETE,
	    api_project_partner_remove, 5);
}

/* The accounts and the dashboard in the API, beside their pages. */
static void
test_users_and_dashboard(void **state)
{
	const struct route *rt;

	(void)state;
	rt = expect_route("/api/v1/users", M_GET, api_users_list, 0);
	assert_true(rt->flags & RF_AUTH);
	expect_route("/api/v1/users/4", M_GET, api_user_get, 4);
	rt = expect_route("/api/v1/users/4/grants", M_POST, api_user_grants, 4);
	assert_true(rt->flags & RF_AUTH);
	assert_false(rt->flags & RF_NO_CSRF);
	expect_none("/api/v1/users/4/grants", M_GET, true);
	expect_none("/api/v1/users/4", M_PATCH, true);
	expect_none("/api/v1/users/0/grants", M_POST, false);
	rt = expect_route("/api/v1/dashboard", M_GET, api_dashboard, 0);
	assert_true(rt->flags & RF_AUTH);
	expect_none("/api/v1/dashboard", M_POST, true);
}

static void
test_case_id_rejected(void **state)
{
	static const char *const bad[] = {
		"/api/v1/cases/0", "/api/v1/cases/00", "/api/v1/cases/-1",
		"/api/v1/cases/+1", "/api/v1/cases/01", "/api/v1/cases/007",
		"/api/v1/cases/1a", "/api/v1/cases/a1", "/api/v1/cases/1.0",
		"/api/v1/cases/1e3", "/api/v1/cases/0x10", "/api/v1/cases/ 1",
		"/api/v1/cases/1 ", "/api/v1/cases/1/", "/api/v1/cases/1//",
		"/api/v1/cases/1/x", "/api/v1/cases/", "/api/v1/cases//1",
		"/api/v1/cases/%31", "/api/v1/cases/1?x", "/api/v1/cases/1\n",
		"/api/v1/cases/\xd9\xa1",	/* ARABIC-INDIC DIGIT ONE */
		/* 16 digits and more, up to past INT64_MAX and UINT64_MAX. */
		"/api/v1/cases/1000000000000000",
		"/api/v1/cases/9223372036854775807",
		"/api/v1/cases/9223372036854775808",
		"/api/v1/cases/18446744073709551617",
		"/api/v1/cases/99999999999999999999999999999999999999999",
		"/cases/0", "/cases/-5", "/cases/5/", "/admin/users/0",
	};
	size_t i;

	(void)state;
	for (i = 0; i < ARRAY_SIZE(bad); i++) {
		expect_none(bad[i], M_GET, false);
		expect_none(bad[i], M_PATCH, false);
	}
}

static void
test_id_zero_without_id(void **state)
{
	const struct route *rt;
	int64_t id = 77;
	bool wrong = true;

	(void)state;
	rt = route_match("/api/v1/cases", M_GET, &id, &wrong);
	assert_non_null(rt);
	assert_ptr_equal(rt->fn, api_cases_list);
	assert_false(wrong);
	/* No {id} in the pattern: the id reported is 0, not a stale one. */
	assert_int_equal(id, 0);
}

static void
test_wrong_method(void **state)
{
	(void)state;
	expect_none("/api/v1/cases/5", M_DELETE, true);
	expect_none("/api/v1/cases/5", M_POST, true);
	expect_none("/api/v1/cases/5", M_PUT, true);
	expect_none("/api/v1/cases/5", M_OTHER, true);
	expect_none("/api/v1/login", M_GET, true);
	expect_none("/api/v1/cases", M_DELETE, true);
	expect_none("/healthz", M_POST, true);
	expect_none("/login", M_PUT, true);
	expect_none("/lang", M_GET, true);
	expect_none("/logout", M_GET, true);
	expect_none("/assets/ctm.css", M_POST, true);
	expect_none("/admin/users/2", M_PATCH, true);
	/* ...but a bad id is "no such path", not "wrong method". */
	expect_none("/api/v1/cases/0", M_DELETE, false);
}

static void
test_methods_split(void **state)
{
	(void)state;
	expect_route("/api/v1/cases", M_GET, api_cases_list, 0);
	expect_route("/api/v1/cases", M_HEAD, api_cases_list, 0);
	expect_route("/api/v1/cases", M_POST, api_cases_create, 0);
	expect_route("/api/v1/me", M_GET, api_me, 0);
	expect_route("/api/v1/me", M_PATCH, api_me_update, 0);
	expect_route("/login", M_GET, page_login, 0);
	expect_route("/login", M_POST, page_login_post, 0);
	expect_route("/api/v1/login", M_POST, api_login, 0);
	expect_route("/healthz", M_GET, api_health, 0);
	expect_route("/", M_GET, page_root, 0);
	expect_route("/cases", M_POST, page_cases_create, 0);
	expect_route("/admin/audit", M_GET, page_admin_audit, 0);
}

static void
test_flags(void **state)
{
	const struct route *rt;

	(void)state;
	rt = expect_route("/api/v1/login", M_POST, api_login, 0);
	assert_true(rt->flags & RF_NO_CSRF);
	assert_false(rt->flags & RF_AUTH);
	rt = expect_route("/login", M_POST, page_login_post, 0);
	assert_true(rt->flags & RF_ANON_FORM);
	rt = expect_route("/lang", M_POST, page_lang, 0);
	assert_true(rt->flags & RF_ANON_FORM);
	/* Everything that shows or changes data needs a session. */
	rt = expect_route("/cases", M_GET, page_cases, 0);
	assert_true(rt->flags & RF_AUTH);
	rt = expect_route("/api/v1/audit", M_GET, api_audit, 0);
	assert_true(rt->flags & RF_AUTH);
	rt = expect_route("/admin/users", M_POST, page_admin_users_post, 0);
	assert_true(rt->flags & RF_AUTH);
	rt = expect_route("/account", M_POST, page_account_post, 0);
	assert_true(rt->flags & RF_AUTH);
	rt = expect_route("/healthz", M_GET, api_health, 0);
	assert_false(rt->flags & RF_AUTH);
}

static void
test_assets(void **state)
{
	(void)state;
	expect_route("/assets/ctm.css", M_GET, page_asset, 0);
	expect_route("/assets/x", M_HEAD, page_asset, 0);
	expect_route("/assets/a/b.js", M_GET, page_asset, 0);
	expect_none("/assets/", M_GET, false);
	expect_none("/assets", M_GET, false);
	expect_none("/assetsx", M_GET, false);
	expect_none("/assets*", M_GET, false);
	expect_none("/Assets/ctm.css", M_GET, false);
}

static void
test_unknown(void **state)
{
	static const char *const paths[] = {
		"", "/nope", "//", "/cases/", "/CASES", "/api/v1", "/api/v1/",
		"/api/v2/cases", "/api/v1/cases/1/notes", "/healthz/",
		"/login/", "healthz", "/api/v1/cases/{id}", "/admin",
		"/admin/users/", "/../etc/passwd", "/\xff",
	};
	size_t i;
	unsigned m;

	(void)state;
	for (i = 0; i < ARRAY_SIZE(paths); i++)
		for (m = 1; m <= M_OTHER; m <<= 1)
			expect_none(paths[i], (enum method)m, false);
	expect_none("/nope", (enum method)ALL_METHODS, false);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_case_id_positive),
		cmocka_unit_test(test_users_and_dashboard),
		cmocka_unit_test(test_case_id_rejected),
		cmocka_unit_test(test_id_zero_without_id),
		cmocka_unit_test(test_wrong_method),
		cmocka_unit_test(test_methods_split),
		cmocka_unit_test(test_flags),
		cmocka_unit_test(test_assets),
		cmocka_unit_test(test_unknown),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
