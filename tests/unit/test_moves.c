/*
 * test_moves.c - the pure schedule computation of moves.h: month
 * arithmetic clamped to the month's end (leap years included), the
 * parsing of a configured schedule, and the due dates it gives.
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

#include "cases.h"
#include "date.h"
#include "cli.h"
#include "isocodes.h"
#include "moves.h"
#include "vault.h"

static void
check_add(const char *from, int months, const char *want)
{
	char out[11] = "";

	assert_int_equal(moves_add_months(from, months, out), 0);
	assert_string_equal(out, want);
}

static void
test_add_months_plain(void **state)
{
	(void)state;
	check_add("2026-03-15", 0, "2026-03-15");
	check_add("2026-03-15", 1, "2026-04-15");
	check_add("2026-11-15", 3, "2027-02-15");
	check_add("2026-12-01", 1, "2027-01-01");
	check_add("2026-01-01", 12, "2027-01-01");
	check_add("2026-06-30", 120, "2036-06-30");
}

static void
test_add_months_clamped(void **state)
{
	(void)state;
	check_add("2026-01-31", 1, "2026-02-28");	/* common year */
	check_add("2024-01-31", 1, "2024-02-29");	/* leap year */
	check_add("2023-12-31", 2, "2024-02-29");
	check_add("2100-01-31", 1, "2100-02-28");	/* not leap: by 100 */
	check_add("2000-01-31", 1, "2000-02-29");	/* leap: by 400 */
	check_add("2026-03-31", 1, "2026-04-30");
	check_add("2026-05-31", 1, "2026-06-30");
	check_add("2026-08-31", 3, "2026-11-30");
	check_add("2024-02-29", 12, "2025-02-28");
	check_add("2024-02-29", 48, "2028-02-29");
	/* Each date from the base, not month after month. */
	check_add("2026-01-31", 2, "2026-03-31");
}

static void
test_add_months_bad(void **state)
{
	char out[11];
	static const char *const bad[] = { "", "2026-02-29", "2026-13-01",
	    "2026-00-10", "2026-04-31", "26-01-01", "2026/01/01",
	    "2026-1-01", "2026-01-01x", "abcd-ef-gh", "1899-12-31" };
	size_t i;

	(void)state;
	for (i = 0; i < ARRAY_SIZE(bad); i++)
		assert_int_equal(moves_add_months(bad[i], 1, out), -1);
	assert_int_equal(moves_add_months(NULL, 1, out), -1);
	assert_int_equal(moves_add_months("2026-01-01", -1, out), -1);
	assert_int_equal(moves_add_months("9999-12-01", 1, out), -1);
	assert_true(date_valid("2024-02-29"));
	assert_false(date_valid("2025-02-29"));
}

static void
test_schedule_parse(void **state)
{
	int m[MOVES_SCHEDULE_MAX];
	size_t n;

	(void)state;
	assert_int_equal(moves_schedule_parse("1,3,6,12", m, &n), 0);
	assert_int_equal(n, 4);
	assert_int_equal(m[0], 1);
	assert_int_equal(m[3], 12);
	assert_int_equal(moves_schedule_parse(" 2 , 24,120 ", m, &n), 0);
	assert_int_equal(n, 3);
	assert_int_equal(m[2], 120);
	assert_int_equal(moves_schedule_parse("5", m, &n), 0);
	assert_int_equal(n, 1);
	assert_int_equal(moves_schedule_parse(MOVES_SCHEDULE_DEFAULT, m, &n), 0);
	assert_int_equal(n, 4);
}

static void
test_schedule_parse_bad(void **state)
{
	static const char *const bad[] = { "", " ", "0", "0,1", "3,1", "1,1",
	    "1,121", "121", "-1,2", "1,,2", "1,2,", ",1", "1;2", "1.5",
	    "1 2", "x", "1,2,3,4,5,6,7,8,9,10,11,12,13,14,15,16,17,18,19,20,"
	    "21,22,23,24,25", "00001", "99999999999999999999" };
	int m[MOVES_SCHEDULE_MAX];
	size_t i, n;

	(void)state;
	for (i = 0; i < ARRAY_SIZE(bad); i++) {
		if (moves_schedule_parse(bad[i], m, &n) != -1)
			fail_msg("accepted \"%s\"", bad[i]);
	}
	assert_int_equal(moves_schedule_parse(NULL, m, &n), -1);
	/* 24 entries is the most. */
	assert_int_equal(moves_schedule_parse("1,2,3,4,5,6,7,8,9,10,11,12,13,"
	    "14,15,16,17,18,19,20,21,22,23,24", m, &n), 0);
	assert_int_equal(n, 24);
}

static void
test_schedule_dates(void **state)
{
	int m[MOVES_SCHEDULE_MAX];
	char d[MOVES_SCHEDULE_MAX][11];
	size_t n;

	(void)state;
	assert_int_equal(moves_schedule_parse("1,3,6,12", m, &n), 0);
	assert_int_equal(moves_schedule_dates("2023-11-30", m, n, d), 0);
	assert_string_equal(d[0], "2023-12-30");
	assert_string_equal(d[1], "2024-02-29");
	assert_string_equal(d[2], "2024-05-30");
	assert_string_equal(d[3], "2024-11-30");
	assert_int_equal(moves_schedule_parse("2,24,120", m, &n), 0);
	assert_int_equal(moves_schedule_dates("2024-01-31", m, n, d), 0);
	assert_string_equal(d[0], "2024-03-31");
	assert_string_equal(d[1], "2026-01-31");
	assert_string_equal(d[2], "2034-01-31");
	assert_int_equal(moves_schedule_dates("2024-01-32", m, n, d), -1);
}


/* --- the exports for dashboards, on a real db --- */

struct fx {
	char dir[64], db[96], key[96];
	struct app app;
	struct office bkk, bog;
	struct user cw, bm, bc;
};

static void
add_user(struct fx *fx, struct user *u, const char *name, enum role role,
    int64_t office)
{
	memset(u, 0, sizeof(*u));
	snprintf(u->username, sizeof(u->username), "%s", name);
	snprintf(u->pwhash, sizeof(u->pwhash), "x");
	u->role = role;
	u->office_id = office;
	u->lang = -1;
	assert_int_equal(db_user_add(fx->app.db, u), DB_OK);
}

static int
setup_db(void **state)
{
	struct fx *fx = calloc(1, sizeof(*fx));

	assert_non_null(fx);
	snprintf(fx->dir, sizeof(fx->dir), "/tmp/ctm-test-moves-XXXXXX");
	assert_non_null(mkdtemp(fx->dir));
	snprintf(fx->db, sizeof(fx->db), "%s/ctm.db", fx->dir);
	snprintf(fx->key, sizeof(fx->key), "%s/ctm.key", fx->dir);
	assert_int_equal(isocodes_load(NULL), 0);
	assert_int_equal(vault_create_keyfile(fx->key), 0);
	assert_non_null(fx->app.vault = vault_open(fx->key));
	assert_non_null(fx->app.db = db_open(fx->db, true));
	snprintf(fx->bkk.code, sizeof(fx->bkk.code), "BKK");
	snprintf(fx->bkk.name, sizeof(fx->bkk.name), "Bangkok");
	snprintf(fx->bkk.country, sizeof(fx->bkk.country), "TH");
	assert_int_equal(db_office_add(fx->app.db, &fx->bkk), DB_OK);
	snprintf(fx->bog.code, sizeof(fx->bog.code), "BOG");
	snprintf(fx->bog.name, sizeof(fx->bog.name), "Bogota");
	snprintf(fx->bog.country, sizeof(fx->bog.country), "CO");
	assert_int_equal(db_office_add(fx->app.db, &fx->bog), DB_OK);
	add_user(fx, &fx->cw, "cw", ROLE_CASEWORKER, fx->bkk.id);
	add_user(fx, &fx->bm, "bm", ROLE_OFFICE_MANAGER, fx->bog.id);
	add_user(fx, &fx->bc, "bc", ROLE_CASEWORKER, fx->bog.id);
	*state = fx;
	return 0;
}

static int
teardown_db(void **state)
{
	struct fx *fx = *state;
	char p[128];
	static const char *const files[] = { "ctm.db", "ctm.db-wal",
	    "ctm.db-shm", "ctm.db-journal", "ctm.key" };
	size_t i;

	db_close(fx->app.db);
	vault_close(fx->app.vault);
	isocodes_release();
	for (i = 0; i < ARRAY_SIZE(files); i++) {
		snprintf(p, sizeof(p), "%s/%s", fx->dir, files[i]);
		unlink(p);
	}
	rmdir(fx->dir);
	free(fx);
	return 0;
}

/* Returns through moves.h as its callers make them (r acts as the user it
 * carries; dates YYYY-MM-DD): asked for to dest_office in country. */
static void
requested(struct req *r, int64_t case_id, const char *dest_office,
    const char *country, const char *date)
{
	struct case_row c;
	struct moves_err e;
	json_t *in = json_pack("{s:s,s:s,s:s,s:b}", "dest_country", country,
	    "dest_office", dest_office, "date", date, "confirm", 1);

	assert_int_equal(db_case_get(r->app->db, case_id, &c), DB_OK);
	assert_int_equal(moves_return_request(r, &c, in, &e), 0);
	json_decref(in);
}

static void
stage(struct req *r, int64_t case_id, json_t *in)
{
	struct case_row c;
	struct moves_err e;

	assert_int_equal(db_case_get(r->app->db, case_id, &c), DB_OK);
	assert_int_equal(moves_return_stage(r, &c, in, &e), 0);
	json_decref(in);
}

/* Asked, counselled, planned (one air leg) and departed on date. */
static void
departed(struct req *r, int64_t case_id, const char *dest_office,
    const char *country, const char *date)
{
	requested(r, case_id, dest_office, country, date);
	stage(r, case_id, json_pack("{s:s,s:s}", "stage", "Counselled", "date",
	    date));
	stage(r, case_id, json_pack("{s:s,s:s,s:[{s:s,s:s,s:s,s:s,s:s}]}",
	    "stage", "Planned", "date", date, "legs", "from_country", "TH",
	    "to_country", country, "departure_date", date, "arrival_date",
	    date, "means_of_transport", "Air"));
	stage(r, case_id, json_pack("{s:s,s:s}", "stage", "Departed", "date",
	    date));
}

/* A departed case handed over by r, accepted by mgr (destination)
 * assigning assignee, the arrival on date recorded by mgr, then the
 * first done visits done on their day. */
static void
arrived(struct req *r, struct req *mgr, int64_t case_id, int64_t assignee,
    const char *date, int done)
{
	struct case_row c;
	struct moves_err e;
	json_t *in = json_object(), *vs, *v;
	int64_t tid = 0;
	size_t i;

	assert_int_equal(db_case_get(r->app->db, case_id, &c), DB_OK);
	assert_int_equal(moves_transfer_request(r, &c, in, &tid, &e), 0);
	json_decref(in);
	in = json_pack("{s:s,s:I}", "decision", "accept", "assigned_to",
	    (json_int_t)assignee);
	assert_int_equal(moves_transfer_decide(mgr, tid, in, &e), 0);
	json_decref(in);
	stage(mgr, case_id, json_pack("{s:s,s:s,s:s}", "stage", "Arrived",
	    "date", date, "received_by", "Reception desk"));
	assert_int_equal(db_case_get(r->app->db, case_id, &c), DB_OK);
	assert_non_null(vs = moves_visits_json(mgr, &c));
	json_array_foreach(vs, i, v) {
		if ((int)i >= done)
			break;
		in = json_pack("{s:s,s:O}", "status", "Done", "date",
		    json_object_get(v, "due_on"));
		assert_int_equal(moves_visit_record(mgr, 0, json_integer_value(
		    json_object_get(v, "id")), in, &e), 0);
		json_decref(in);
	}
	json_decref(vs);
}

/* Four returns of Bangkok cases: asked for (to the Bangkok mission
 * itself), on the way to Bogotá, received in Bogotá 200 days ago with
 * two visits done, and received over a year ago, reintegrated, closed. */
static void
four_returns(struct fx *fx)
{
	struct req r, rb, rc;
	struct case_row c[4];
	struct moves_err e;
	char d[4][11];
	json_t *in;
	size_t i;

	cli_req(&r, &fx->app, &fx->cw);
	cli_req(&rb, &fx->app, &fx->bm);
	cli_req(&rc, &fx->app, &fx->bc);
	for (i = 0; i < ARRAY_SIZE(c); i++)
		assert_int_equal(db_case_create(fx->app.db, fx->bkk.id, 2026,
		    CASE_ACTIVE, fx->cw.id, fx->cw.id, r.now, &c[i]), DB_OK);
	date_of(r.now - 6 * 86400, d[0]);
	date_of(r.now - 3 * 86400, d[1]);
	date_of(r.now - 200 * 86400, d[2]);
	date_of(r.now - 420 * 86400, d[3]);
	requested(&r, c[0].id, "BKK", "MM", d[0]);
	departed(&r, c[1].id, "BOG", "CO", d[1]);
	departed(&r, c[2].id, "BOG", "CO", d[2]);
	arrived(&r, &rb, c[2].id, fx->bc.id, d[2], 2);
	departed(&r, c[3].id, "BOG", "CO", d[3]);
	arrived(&r, &rb, c[3].id, fx->bc.id, d[3], 4);
	assert_int_equal(db_case_get(fx->app.db, c[3].id, &c[3]), DB_OK);
	in = json_pack("{s:s,s:s,s:s}", "plan_type", "Livelihood", "plan_date",
	    d[3], "outcome", "SustainablyReintegrated");
	assert_int_equal(moves_reint_save(&rc, &c[3], in, &e), 0);
	json_decref(in);
	assert_int_equal(db_case_get(fx->app.db, c[3].id, &c[3]), DB_OK);
	assert_int_equal(db_case_update(fx->app.db, c[3].id, c[3].version,
	    CASE_CLOSED, c[3].assigned_to, r.now), DB_OK);
}

static int64_t
count_of(json_t *o, const char *key)
{
	return (int64_t)json_integer_value(json_object_get(o, key));
}

static void
test_returns_and_exports(void **state)
{
	struct fx *fx = *state;
	struct req r, rb, ra;
	struct case_row c;
	struct moves_err e;
	json_t *j, *in;
	int64_t tid;

	four_returns(fx);
	cli_req(&r, &fx->app, &fx->cw);
	cli_req(&rb, &fx->app, &fx->bm);
	cli_req(&ra, &fx->app, NULL);

	/* Counts by stage, all offices and per office (where cases are now). */
	j = moves_stage_counts_json(&ra, 0);
	assert_int_equal(count_of(j, "Requested"), 1);
	assert_int_equal(count_of(j, "Departed"), 1);
	assert_int_equal(count_of(j, "Arrived"), 2);
	assert_int_equal(count_of(j, "Cancelled"), 0);
	json_decref(j);
	j = moves_stage_counts_json(&ra, fx->bog.id);
	assert_int_equal(count_of(j, "Arrived"), 2);
	assert_int_equal(count_of(j, "Requested"), 0);
	json_decref(j);

	/* The two handed-over cases were accepted: nothing pending. */
	j = moves_incoming_json(&rb, fx->bog.id);
	assert_int_equal(json_array_size(j), 0);
	json_decref(j);
	/* The departed one asks for its handover: now one is. */
	assert_int_equal(db_case_create(fx->app.db, fx->bkk.id, 2026,
	    CASE_ACTIVE, fx->cw.id, fx->cw.id, r.now, &c), DB_OK);
	departed(&r, c.id, "BOG", "CO", "2026-01-31");
	in = json_object();
	assert_int_equal(moves_transfer_request(&r, &c, in, &tid, &e), 0);
	json_decref(in);
	j = moves_incoming_json(&rb, fx->bog.id);
	assert_int_equal(json_array_size(j), 1);
	assert_string_equal(json_string_value(json_object_get(
	    json_array_get(j, 0), "case_number")), c.number);
	assert_string_equal(json_string_value(json_object_get(json_object_get(
	    json_array_get(j, 0), "return"), "stage")), "Departed");
	json_decref(j);
	/* A second request is refused, nothing added. */
	in = json_object();
	assert_int_equal(moves_transfer_request(&r, &c, in, &tid, &e), 1);
	assert_int_equal(e.status, 409);
	json_decref(in);

	/* The case received 200 days ago has its 6-month visit overdue;
	 * the one closed had all four done. */
	j = moves_visits_due_json(&rb, fx->bog.id, 0, 0);
	assert_int_equal(json_array_size(j), 1);
	assert_true(json_is_true(json_object_get(json_array_get(j, 0),
	    "overdue")));
	json_decref(j);
	j = moves_visits_due_json(&rb, fx->bog.id, fx->bc.id, 400);
	assert_int_equal(json_array_size(j), 2);
	json_decref(j);
	j = moves_visits_due_json(&rb, fx->bog.id, fx->bm.id, 400);
	assert_int_equal(json_array_size(j), 0);
	json_decref(j);
	j = moves_visits_due_json(&rb, fx->bkk.id, 0, 400);
	assert_int_equal(json_array_size(j), 0);
	json_decref(j);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_add_months_plain),
		cmocka_unit_test(test_add_months_clamped),
		cmocka_unit_test(test_add_months_bad),
		cmocka_unit_test(test_schedule_parse),
		cmocka_unit_test(test_schedule_parse_bad),
		cmocka_unit_test(test_schedule_dates),
		cmocka_unit_test_setup_teardown(test_returns_and_exports, setup_db,
		    teardown_db),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
