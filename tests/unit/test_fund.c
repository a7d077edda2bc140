/*
 * test_fund.c - the fund's amounts, dates and rates (fund.h), and its
 * storage (db.h, fund part): a budget line never goes past its budget,
 * a commitment never pays out more than it holds, a request is decided
 * once, whatever the caller does.
 */
#include "compat.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <jansson.h>

#include "date.h"
#include "db.h"
#include "fund.h"

/* --- amounts --- */

static void
test_amount_parse(void **state)
{
	static const struct { const char *s; int64_t v; } good[] = {
		{ "1", 100 }, { "12.5", 1250 }, { "12.34", 1234 },
		{ "0.01", 1 }, { "584936", 58493600 },
		{ "1000000000000", INT64_C(100000000000000) },
	};
	static const char *const bad[] = {
		"", "0", "0.00", "-1", "+1", "1.", ".5", "1.005", "1,5", "1e3",
		" 1", "1 ", "abc", "1000000000000.01", "99999999999999999999",
		"12.3.4", "0x10",
	};
	size_t i;
	int64_t v;

	(void)state;
	for (i = 0; i < ARRAY_SIZE(good); i++) {
		v = -1;
		assert_true(fund_amount_parse(good[i].s, &v));
		assert_int_equal(v, good[i].v);
	}
	for (i = 0; i < ARRAY_SIZE(bad); i++) {
		if (fund_amount_parse(bad[i], &v))
			fail_msg("\"%s\" was taken as an amount", bad[i]);
	}
	assert_false(fund_amount_parse(NULL, &v));
}

static void
test_amount_json(void **state)
{
	char out[FUND_AMOUNT_STR];
	int64_t v;
	json_t *j;

	(void)state;
	j = json_real(12.5);
	assert_true(fund_amount_json(j, out));
	assert_string_equal(out, "12.50");
	json_decref(j);
	j = json_real(1234.56);
	assert_true(fund_amount_json(j, out));
	assert_string_equal(out, "1234.56");
	json_decref(j);
	j = json_real(1.005);
	assert_false(fund_amount_json(j, out));
	json_decref(j);
	j = json_real(-2.5);
	assert_false(fund_amount_json(j, out));
	json_decref(j);
	j = json_integer(584936);
	assert_true(fund_amount_json(j, out));
	assert_true(fund_amount_parse(out, &v));
	assert_int_equal(v, 58493600);
	json_decref(j);
	j = json_string("200000.00");
	assert_true(fund_amount_json(j, out));
	assert_string_equal(out, "200000.00");
	json_decref(j);
	j = json_true();
	assert_false(fund_amount_json(j, out));
	assert_false(fund_amount_parse(out, &v));
	json_decref(j);
}

static void
test_format(void **state)
{
	char out[FUND_AMOUNT_STR];

	(void)state;
	assert_string_equal(fund_amount_format(0, out), "0.00");
	assert_string_equal(fund_amount_format(5, out), "0.05");
	assert_string_equal(fund_amount_format(123456, out), "1234.56");
	assert_string_equal(fund_amount_format(-150, out), "-1.50");
	assert_string_equal(fund_rate_format(920000, out), "0.92");
	assert_string_equal(fund_rate_format(3950000000, out), "3950");
	assert_string_equal(fund_rate_format(35500000, out), "35.5");
	assert_string_equal(fund_rate_format(1, out), "0.000001");
}

static void
test_dates(void **state)
{
	(void)state;
	assert_true(date_valid("2026-02-28"));
	assert_true(date_valid("2024-02-29"));
	assert_false(date_valid("2026-02-29"));
	assert_false(date_valid("2026-13-01"));
	assert_false(date_valid("2026-1-01"));
	assert_false(date_valid("2026-01-01x"));
	assert_false(date_valid("+026-01-01"));
	assert_false(date_valid(""));
	assert_false(date_valid(NULL));
}

/* --- storage --- */

struct fx {
	char dir[64];
	char path[128];
	struct db *db;
	int64_t case_id, office_id, user_id;
};

static int
setup(void **state)
{
	struct fx *fx = calloc(1, sizeof(*fx));
	struct office o = { 0 };
	struct user u = { 0 };
	struct case_row c;

	assert_non_null(fx);
	snprintf(fx->dir, sizeof(fx->dir), "/tmp/ctm-test-fund-XXXXXX");
	assert_non_null(mkdtemp(fx->dir));
	snprintf(fx->path, sizeof(fx->path), "%s/ctm.db", fx->dir);
	fx->db = db_open(fx->path, true);
	assert_non_null(fx->db);
	snprintf(o.code, sizeof(o.code), "BKK");
	snprintf(o.name, sizeof(o.name), "Bangkok");
	snprintf(o.country, sizeof(o.country), "TH");
	assert_int_equal(db_office_add(fx->db, &o), DB_OK);
	fx->office_id = o.id;
	snprintf(u.username, sizeof(u.username), "pm");
	u.role = ROLE_PROGRAMME_MANAGER;
	u.office_id = o.id;
	u.lang = -1;
	assert_int_equal(db_user_add(fx->db, &u), DB_OK);
	fx->user_id = u.id;
	assert_int_equal(db_case_create(fx->db, o.id, 2026, CASE_ACTIVE, 0,
	    u.id, 1000, &c), DB_OK);
	fx->case_id = c.id;
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

static int64_t
request(struct fx *fx, int64_t amount, const char *currency)
{
	struct fund_request q = { 0 };

	q.case_id = fx->case_id;
	q.office_id = fx->office_id;
	snprintf(q.type, sizeof(q.type), "medical");
	q.amount = amount;
	snprintf(q.currency, sizeof(q.currency), "%s", currency);
	q.requested_by = fx->user_id;
	assert_int_equal(db_fund_request_add(fx->db, &q, "sealed", 6, 2000),
	    DB_OK);
	return q.id;
}

static void
test_budget_limits(void **state)
{
	struct fx *fx = *state;
	struct project p = { 0 };
	struct budget_line lines[1] = { { 0, "USD", 100000, 0, 0 } };
	struct donor d[1] = { { 0, 0, "Donor", 50000, "USD" } };
	struct budget_line b;
	struct fund_request q;
	int64_t a, c, e, did;

	snprintf(p.name, sizeof(p.name), "Fund");
	snprintf(p.currency, sizeof(p.currency), "USD");
	assert_int_equal(db_project_add(fx->db, &p, lines, 1, d, 1,
	    fx->user_id, 1000), DB_OK);
	/* the same name twice, or two lines in one currency: nothing added */
	assert_int_equal(db_project_add(fx->db, &p, lines, 1, d, 1,
	    fx->user_id, 1000), DB_CONFLICT);

	a = request(fx, 60000, "USD");
	c = request(fx, 60000, "USD");
	e = request(fx, 1000, "EUR");
	assert_int_equal(db_fund_decide(fx->db, a, "approve", 60000, p.id,
	    "r", 1, fx->user_id, 3000), DB_OK);
	/* over what remains: refused, nothing committed, still submitted */
	assert_int_equal(db_fund_decide(fx->db, c, "approve", 60000, p.id,
	    "r", 1, fx->user_id, 3000), DB_FUND_LIMIT);
	assert_int_equal(db_fund_request_get(fx->db, c, &q), DB_OK);
	assert_string_equal(q.state, "submitted");
	/* no line in EUR */
	assert_int_equal(db_fund_decide(fx->db, e, "approve", 1000, p.id,
	    "r", 1, fx->user_id, 3000), DB_NOTFOUND);
	/* decided already */
	assert_int_equal(db_fund_decide(fx->db, a, "reject", 0, 0, "r", 1,
	    fx->user_id, 3000), DB_CONFLICT);
	assert_int_equal(db_project_budget(fx->db, p.id, "USD", &b), DB_OK);
	assert_int_equal(b.committed, 60000);
	/* partial fits */
	assert_int_equal(db_fund_decide(fx->db, c, "approve", 40000, p.id,
	    "r", 1, fx->user_id, 3600 + 3000), DB_OK);
	assert_int_equal(db_project_budget(fx->db, p.id, "USD", &b), DB_OK);
	assert_int_equal(b.committed, 100000);

	/* disbursements within the commitment only */
	assert_int_equal(db_fund_disburse(fx->db, e, 1, "2026-01-02", NULL, 0,
	    fx->user_id, 4000, &did), DB_CONFLICT);
	assert_int_equal(db_fund_disburse(fx->db, a, 60001, "2026-01-02",
	    NULL, 0, fx->user_id, 4000, &did), DB_FUND_LIMIT);
	assert_int_equal(db_fund_disburse(fx->db, a, 60000, "2026-01-02",
	    NULL, 0, fx->user_id, 4000, &did), DB_OK);
	assert_int_equal(db_fund_disburse(fx->db, a, 1, "2026-01-02", NULL, 0,
	    fx->user_id, 4000, &did), DB_FUND_LIMIT);
	assert_int_equal(db_project_budget(fx->db, p.id, "USD", &b), DB_OK);
	assert_int_equal(b.disbursed, 60000);
	assert_int_equal(db_fund_request_get(fx->db, a, &q), DB_OK);
	assert_int_equal(q.disbursed, 60000);
	assert_int_equal(q.approved, 60000);
	assert_string_equal(q.project_name, "Fund");
}

static void
test_rates(void **state)
{
	struct fx *fx = *state;
	struct fund_rate rt = { "EUR", "2026-01-01", 920000 };
	int64_t rate = 0;

	assert_int_equal(db_rate_at(fx->db, "EUR", "2026-03-01", &rate),
	    DB_NOTFOUND);
	assert_int_equal(db_rate_set(fx->db, &rt, false, fx->user_id, 1), DB_OK);
	snprintf(rt.valid_from, sizeof(rt.valid_from), "2026-06-01");
	rt.rate = 900000;
	assert_int_equal(db_rate_set(fx->db, &rt, false, fx->user_id, 1), DB_OK);
	assert_int_equal(db_rate_at(fx->db, "EUR", "2025-12-31", &rate),
	    DB_NOTFOUND);
	assert_int_equal(db_rate_at(fx->db, "EUR", "2026-01-01", &rate), DB_OK);
	assert_int_equal(rate, 920000);
	assert_int_equal(db_rate_at(fx->db, "EUR", "2026-05-31", &rate), DB_OK);
	assert_int_equal(rate, 920000);
	assert_int_equal(db_rate_at(fx->db, "EUR", "2026-06-01", &rate), DB_OK);
	assert_int_equal(rate, 900000);
	/* the same day again is a conflict, unless replacing it */
	rt.rate = 910000;
	assert_int_equal(db_rate_set(fx->db, &rt, false, fx->user_id, 1),
	    DB_CONFLICT);
	assert_int_equal(db_rate_get(fx->db, "EUR", "2026-06-01", &rate), DB_OK);
	assert_int_equal(rate, 900000);
	assert_int_equal(db_rate_set(fx->db, &rt, true, fx->user_id, 1), DB_OK);
	assert_int_equal(db_rate_at(fx->db, "EUR", "2027-01-01", &rate), DB_OK);
	assert_int_equal(rate, 910000);
	/* replacing what is not there changes nothing */
	snprintf(rt.valid_from, sizeof(rt.valid_from), "2027-01-01");
	assert_int_equal(db_rate_set(fx->db, &rt, true, fx->user_id, 1),
	    DB_NOTFOUND);
	assert_int_equal(db_rate_get(fx->db, "EUR", "2027-01-01", &rate),
	    DB_NOTFOUND);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_amount_parse),
		cmocka_unit_test(test_amount_json),
		cmocka_unit_test(test_format),
		cmocka_unit_test(test_dates),
		cmocka_unit_test_setup_teardown(test_budget_limits, setup,
		    teardown),
		cmocka_unit_test_setup_teardown(test_rates, setup, teardown),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
