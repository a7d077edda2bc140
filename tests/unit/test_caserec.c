/*
 * test_caserec.c - the storage of case records, organisations and
 * shelters (db_sqlite_ops.c), the dates of caserec.h, and shelter
 * occupancy over time (protection.h), against a real database file.
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

#include "caserec.h"
#include "db.h"
#include "protection.h"

struct fx {
	char dir[64];
	char path[128];
	struct db *db;
	int64_t office, office2, case_id;
};

static int
setup(void **state)
{
	struct fx *fx = calloc(1, sizeof(*fx));
	struct office o = { 0 };
	struct case_row c;

	assert_non_null(fx);
	snprintf(fx->dir, sizeof(fx->dir), "/tmp/ctm-test-rec-XXXXXX");
	assert_non_null(mkdtemp(fx->dir));
	snprintf(fx->path, sizeof(fx->path), "%s/ctm.db", fx->dir);
	fx->db = db_open(fx->path, true);
	assert_non_null(fx->db);
	snprintf(o.code, sizeof(o.code), "BKK");
	snprintf(o.name, sizeof(o.name), "Bangkok");
	snprintf(o.country, sizeof(o.country), "TH");
	assert_int_equal(db_office_add(fx->db, &o), DB_OK);
	fx->office = o.id;
	snprintf(o.code, sizeof(o.code), "BOG");
	snprintf(o.country, sizeof(o.country), "CO");
	assert_int_equal(db_office_add(fx->db, &o), DB_OK);
	fx->office2 = o.id;
	assert_int_equal(db_case_create(fx->db, fx->office, 2026, CASE_ACTIVE,
	    0, 0, 1000, &c), DB_OK);
	fx->case_id = c.id;
	*state = fx;
	return 0;
}

static int
teardown(void **state)
{
	struct fx *fx = *state;
	char p[192];
	const char *const files[] = { "ctm.db", "ctm.db-wal", "ctm.db-shm",
	    "ctm.db-journal" };

	db_close(fx->db);
	for (size_t i = 0; i < ARRAY_SIZE(files); i++) {
		snprintf(p, sizeof(p), "%s/%s", fx->dir, files[i]);
		unlink(p);
	}
	assert_int_equal(rmdir(fx->dir), 0);
	free(fx);
	return 0;
}

static void
test_days(void **state)
{
	char out[11];

	(void)state;
	assert_int_equal(caserec_day("1970-01-01"), 0);
	assert_int_equal(caserec_day("1970-01-02"), 1);
	assert_int_equal(caserec_day("1969-12-31"), -1);
	assert_int_equal(caserec_day("2024-02-29") + 1,
	    caserec_day("2024-03-01"));
	assert_int_equal(caserec_day("2026-02-29"), DATE_NONE);
	assert_int_equal(caserec_day("2026-02-30"), DATE_NONE);
	assert_int_equal(caserec_day("2026-2-01"), DATE_NONE);
	assert_int_equal(caserec_day("2026-02-01x"), DATE_NONE);
	assert_int_equal(caserec_day("2026/02/01"), DATE_NONE);
	assert_int_equal(caserec_day("+026-02-01"), DATE_NONE);
	assert_int_equal(caserec_day(""), DATE_NONE);
	assert_int_equal(caserec_day(NULL), DATE_NONE);
	caserec_day_str(caserec_day("2026-12-31"), out);
	assert_string_equal(out, "2026-12-31");
	caserec_day_str(caserec_day("2026-12-31") + 1, out);
	assert_string_equal(out, "2027-01-01");
}

static void
add_stay(struct fx *fx, int64_t shelter, const char *in, const char *out,
    int64_t *id)
{
	struct case_record rec;
	static unsigned char body[] = "sealed";

	memset(&rec, 0, sizeof(rec));
	rec.case_id = fx->case_id;
	snprintf(rec.kind, sizeof(rec.kind), "shelter_stay");
	rec.office_id = fx->office;
	rec.ref_id = shelter;
	snprintf(rec.d1, sizeof(rec.d1), "%s", in);
	snprintf(rec.d2, sizeof(rec.d2), "%s", out ? out : "");
	rec.body = body;
	rec.body_len = sizeof(body);
	rec.created_at = rec.updated_at = 1000;
	assert_int_equal(db_record_add(fx->db, &rec), DB_OK);
	assert_true(rec.id > 0);
	assert_int_equal(rec.version, 1);
	if (id)
		*id = rec.id;
}

static void
test_records(void **state)
{
	struct fx *fx = *state;
	struct case_record rec;
	int64_t id, open;

	add_stay(fx, 7, "2026-01-01", "2026-01-05", NULL);
	assert_int_equal(db_record_open(fx->db, fx->case_id, "shelter_stay",
	    &open), DB_NOTFOUND);
	add_stay(fx, 7, "2026-01-06", NULL, &id);
	assert_int_equal(db_record_open(fx->db, fx->case_id, "shelter_stay",
	    &open), DB_OK);
	assert_int_equal(open, id);
	assert_int_equal(db_record_open(fx->db, fx->case_id, "service", &open),
	    DB_NOTFOUND);

	assert_int_equal(db_record_get(fx->db, id, &rec), DB_OK);
	assert_string_equal(rec.kind, "shelter_stay");
	assert_string_equal(rec.d2, "");
	assert_false(rec.has_amount);
	assert_int_equal(rec.body_len, 7);
	assert_memory_equal(rec.body, "sealed", 7);
	free(rec.body);

	/* A change at the version read bumps it; a stale one changes nothing. */
	snprintf(rec.d2, sizeof(rec.d2), "2026-01-09");
	rec.has_amount = true;
	rec.amount = 125050;
	snprintf(rec.currency, sizeof(rec.currency), "THB");
	rec.body = (unsigned char *)"other";
	rec.body_len = 5;
	assert_int_equal(db_record_update(fx->db, &rec), DB_OK);
	assert_int_equal(rec.version, 2);
	rec.version = 1;
	snprintf(rec.d2, sizeof(rec.d2), "2026-01-10");
	assert_int_equal(db_record_update(fx->db, &rec), DB_CONFLICT);
	assert_int_equal(db_record_get(fx->db, id, &rec), DB_OK);
	assert_string_equal(rec.d2, "2026-01-09");
	assert_true(rec.has_amount);
	assert_int_equal(rec.amount, 125050);
	assert_string_equal(rec.currency, "THB");
	assert_int_equal(rec.version, 2);
	free(rec.body);
	assert_int_equal(db_record_get(fx->db, id + 100, &rec), DB_NOTFOUND);
}

static void
test_occupancy(void **state)
{
	struct fx *fx = *state;
	int64_t counts[10];
	static const int64_t expect[10] = {
		/* 01-01 .. 01-10: A 01-02..01-04 (out 01-05), B from 01-04
		 * open, C 01-04 only (out 01-05), D in and out the same day */
		0, 1, 1, 3, 1, 1, 1, 1, 1, 1,
	};

	add_stay(fx, 3, "2026-01-02", "2026-01-05", NULL);
	add_stay(fx, 3, "2026-01-04", NULL, NULL);
	add_stay(fx, 3, "2026-01-04", "2026-01-05", NULL);
	add_stay(fx, 3, "2026-01-08", "2026-01-08", NULL);
	add_stay(fx, 4, "2026-01-01", NULL, NULL);	/* another shelter */
	add_stay(fx, 3, "2025-12-01", "2025-12-31", NULL);	/* before */
	assert_int_equal(protection_occupancy(fx->db, 3, "2026-01-01", 10,
	    counts), 0);
	assert_memory_equal(counts, expect, sizeof(expect));
	assert_int_equal(protection_occupied(fx->db, 3, "2026-01-04"), 3);
	assert_int_equal(protection_occupied(fx->db, 3, "2026-01-05"), 1);
	assert_int_equal(protection_occupied(fx->db, 4, "2027-06-01"), 1);
	assert_int_equal(protection_occupied(fx->db, 3, "2025-12-31"), 0);
	assert_int_equal(protection_occupancy(fx->db, 3, "bad", 10, counts),
	    -1);
	assert_int_equal(protection_occupancy(fx->db, 3, "2026-01-01", 0,
	    counts), -1);
}

struct occ_seen {
	int n;
	int64_t occupied[4];
};

static int
occ_cb(void *arg, const struct shelter_occupancy *o)
{
	struct occ_seen *x = arg;

	x->occupied[x->n++] = o->occupied;
	return 0;
}

static void
test_orgs_shelters(void **state)
{
	struct fx *fx = *state;
	struct organisation o = { 0 }, got;
	struct shelter s = { 0 }, s2 = { 0 };
	struct occ_seen seen = { 0 };

	snprintf(o.name, sizeof(o.name), "Police");
	snprintf(o.type, sizeof(o.type), "LawEnforcement");
	snprintf(o.country, sizeof(o.country), "TH");
	assert_int_equal(db_org_add(fx->db, &o), DB_OK);
	assert_int_equal(db_org_add(fx->db, &o), DB_CONFLICT);
	snprintf(o.country, sizeof(o.country), "CO");
	assert_int_equal(db_org_add(fx->db, &o), DB_OK);
	assert_int_equal(db_org_get(fx->db, o.id, &got), DB_OK);
	assert_string_equal(got.country, "CO");
	assert_string_equal(got.phone, "");

	s.office_id = fx->office;
	snprintf(s.name, sizeof(s.name), "House");
	s.capacity = 2;
	assert_int_equal(db_shelter_add(fx->db, &s), DB_OK);
	assert_int_equal(db_shelter_add(fx->db, &s), DB_CONFLICT);
	s2 = s;
	s2.office_id = fx->office2;
	assert_int_equal(db_shelter_add(fx->db, &s2), DB_OK);
	add_stay(fx, s.id, "2026-01-01", NULL, NULL);
	assert_int_equal(protection_office_occupancy(fx->db, fx->office,
	    "2026-01-02", occ_cb, &seen), 0);
	assert_int_equal(seen.n, 1);
	assert_int_equal(seen.occupied[0], 1);
	s.capacity = 5;
	assert_int_equal(db_shelter_update(fx->db, &s), DB_OK);
	assert_int_equal(db_shelter_get(fx->db, s.id, &s2), DB_OK);
	assert_int_equal(s2.capacity, 5);
	assert_string_equal(s2.office_code, "BKK");
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_days),
		cmocka_unit_test_setup_teardown(test_records, setup, teardown),
		cmocka_unit_test_setup_teardown(test_occupancy, setup,
		    teardown),
		cmocka_unit_test_setup_teardown(test_orgs_shelters, setup,
		    teardown),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
