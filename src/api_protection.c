/*
 * api_protection.c - protection and assistance over the API: partner
 * organisations, shelters and their occupancy, and the records of a case
 * (services, support plans, shelter stays, health, risk, law enforcement).
 * Bodies are untrusted; the rules are protection.c's and caserec.c's.
 */
#include "compat.h"

#include <stdlib.h>
#include <string.h>

#include "audit.h"
#include "cases.h"
#include "date.h"
#include "fund.h"
#include "handlers.h"
#include "i18n.h"
#include "log.h"
#include "protection.h"

#define OCCUPANCY_DAYS_MAX 366

static int
stale(struct req *r)
{
	return resp_error(r, 409, _("Someone else changed this record in the "
	    "meantime. Reload it and try again."), NULL);
}

static int
no_record(struct req *r)
{
	return resp_error(r, 404, _("This record does not exist."), NULL);
}

/* Answers a refused save of a k: *errors (stolen) or a warning, which
 * names the field that confirms it (over_capacity for a full shelter,
 * confirm for the rest). */
static int
refused(struct req *r, const struct rec_kind *k, json_t *errors,
    const char *warning)
{
	const char *consent = json_string_value(json_object_get(errors,
	    "consent"));

	/* A warning is asked about only once the input is right. */
	if (warning && json_object_size(errors) == 0) {
		json_decref(errors);
		return resp_error(r, 409, warning, json_pack("{s:s}",
		    k == &prot_stay ? "over_capacity" : "confirm", warning));
	}
	return resp_error(r, 400, consent ? consent : _("Nothing was saved: "
	    "some fields need correcting."), errors);
}

/* The version a PATCH carries, or -1 after answering. */
static int
version_of(struct req *r)
{
	json_t *v = json_object_get(r->json, "version");

	if (!json_is_integer(v) || json_integer_value(v) < 1 ||
	    json_integer_value(v) > INT32_MAX) {
		resp_error(r, 400, _("Give the version you read."),
		    json_pack("{s:s}", "version", _("Give the version you read.")));
		return -1;
	}
	return (int)json_integer_value(v);
}

static bool
confirmed(struct req *r)
{
	return json_is_true(json_object_get(r->json, "over_capacity")) ||
	    json_is_true(json_object_get(r->json, "confirm"));
}

/* The input of a record body: without the version, which version_of()
 * reads; the confirmations stay, for their type to be checked. */
static json_t *
fields_of(struct req *r)
{
	json_t *in = json_deep_copy(r->json);

	json_object_del(in, "version");
	return in;
}

/* The kind of /api/v1/cases/{id}/KIND. */
static const struct rec_kind *
kind_of_path(struct req *r)
{
	const char *s = strrchr(r->path, '/');

	return s ? protection_kind_by_path(s + 1) : NULL;
}

static int
record_answer(struct req *r, int status, int64_t id)
{
	struct case_record row;
	json_t *body, *o;
	int rc = caserec_get(r, id, NULL, &row, &body);

	if (rc != DB_OK)
		return -1;
	o = caserec_json(&row, body);
	json_decref(body);
	return o ? resp_json(r, status, o) : -1;
}

static const char *
view_action(const struct rec_kind *k)
{
	return k->health ? "health.view" : "case.view";
}

int
api_case_records_get(struct req *r)
{
	const struct rec_kind *k = kind_of_path(r);
	struct case_row c;
	json_t *list;
	int rc;

	if (k == NULL)
		return no_record(r);
	if ((rc = caserec_open_case(r, k, false, r->id, &c)) != 0)
		return rc < 0 ? -1 : 0;
	if (audit(r, view_action(k), c.id, k->path, NULL) < 0)
		return -1;
	if ((list = caserec_list(r, k, &c)) == NULL)
		return -1;
	return resp_json(r, 200, json_pack("{s:I,s:s,s:o}", "case_id",
	    (json_int_t)c.id, "kind", k->name, "records", list));
}

int
api_case_records_post(struct req *r)
{
	const struct rec_kind *k = kind_of_path(r);
	struct case_row c;
	json_t *in, *errors;
	const char *warning;
	int64_t id = 0;
	int rc;

	if (k == NULL)
		return no_record(r);
	if ((rc = caserec_open_case(r, k, true, r->id, &c)) != 0)
		return rc < 0 ? -1 : 0;
	in = fields_of(r);
	rc = caserec_save(r, k, &c, &id, 0, in, confirmed(r), &errors,
	    &warning);
	json_decref(in);
	if (rc == 1)
		return refused(r, k, errors, warning);
	if (rc != 0)
		return -1;
	return record_answer(r, 201, id);
}

/*
 * Loads record r->id for reading or changing: answers 404 itself when it
 * does not exist, is not one of ours, or r may not see it (audited).
 * 0 with row, body and c, 1 when answered, -1.
 */
static int
open_record(struct req *r, bool write, const struct rec_kind **k,
    struct case_record *row, json_t **body, struct case_row *c)
{
	int rc = db_record_get(r->app->db, r->id, row);

	*body = NULL;
	if (rc == DB_ERROR)
		return -1;
	if (rc == DB_OK)
		free(row->body);
	row->body = NULL;
	/* Only our kinds: others' records are not ours to show. */
	if (rc != DB_OK || (*k = protection_kind_by_name(row->kind)) == NULL)
		return no_record(r) < 0 ? -1 : 1;
	if (!caserec_allowed(r, *k, write)) {
		if (audit(r, (*k)->health ? "health.view.denied" :
		    "case.view.denied", row->case_id, (*k)->path, NULL) < 0)
			return -1;
		return no_record(r) < 0 ? -1 : 1;
	}
	/* A record of a case out of the reader's scope answers exactly as
	 * a record that does not exist: its id must not tell that it is
	 * there (the attempt is audited by cases_load). */
	rc = cases_load(r, row->case_id, c, (*k)->health ?
	    (write ? "health.update.denied" : "health.view.denied") :
	    (write ? "case.update.denied" : "case.view.denied"));
	if (rc == DB_ERROR)
		return -1;
	if (rc != DB_OK)
		return no_record(r) < 0 ? -1 : 1;
	/* Opened only for those who may see it. */
	rc = caserec_get(r, r->id, (*k)->name, row, body);
	if (rc == DB_ERROR)
		return -1;
	if (rc != DB_OK)
		return no_record(r) < 0 ? -1 : 1;
	return 0;
}

int
api_record_get(struct req *r)
{
	const struct rec_kind *k;
	struct case_record row;
	struct case_row c;
	json_t *body = NULL, *o;
	int rc = open_record(r, false, &k, &row, &body, &c);

	if (rc != 0)
		return rc < 0 ? -1 : 0;
	if (audit(r, view_action(k), c.id, arena_printf(r->arena, "%s:%lld",
	    k->name, (long long)row.id), NULL) < 0) {
		json_decref(body);
		return -1;
	}
	o = caserec_json(&row, body);
	json_decref(body);
	return o ? resp_json(r, 200, o) : -1;
}

/* PATCH, or a discharge (in: the change; only: the kind it is for, NULL:
 * any, whose body's members are checked here). A discharge's date is
 * "date" in the request: its errors are answered under that name. */
static int
record_change(struct req *r, json_t *in, const struct rec_kind *only)
{
	const struct rec_kind *k;
	struct case_record row;
	struct case_row c;
	json_t *body = NULL, *errors, *v;
	const char *warning;
	int64_t id = r->id;
	int rc = open_record(r, true, &k, &row, &body, &c), version;

	if (rc != 0)
		return rc < 0 ? -1 : 0;
	if (only && k != only) {
		json_decref(body);
		return resp_error(r, 400, _("Only a shelter stay has a "
		    "discharge."), NULL);
	}
	/* A discharge ends a stay once; a wrong date is corrected by
	 * changing the stay. */
	if (only && *caserec_str(body, "discharged")) {
		json_decref(body);
		return resp_error(r, 409, _("This stay has ended already."),
		    NULL);
	}
	json_decref(body);
	if (k->append_only)
		return resp_error(r, 405, _("This record cannot be changed once "
		    "made: record a new one."), NULL);
	if ((version = version_of(r)) < 0)
		return 0;
	rc = caserec_save(r, k, &c, &id, version, in, confirmed(r), &errors,
	    &warning);
	if (rc == 1 && only && (v = json_object_get(errors, "discharged"))) {
		json_object_set(errors, "date", v);
		json_object_del(errors, "discharged");
	}
	if (rc == 1)
		return refused(r, k, errors, warning);
	if (rc == 2)
		return stale(r);
	if (rc == 3)
		return no_record(r);
	if (rc != 0)
		return -1;
	return record_answer(r, 200, id);
}

int
api_record_patch(struct req *r)
{
	json_t *in = fields_of(r);
	int rc = record_change(r, in, NULL);

	json_decref(in);
	return rc;
}

int
api_record_discharge(struct req *r)
{
	static const struct input_field keys[] = {
		{ "date", JT_TEXT, N_("Give a date as YYYY-MM-DD."), NULL, 0 },
		{ "version", JT_INT, N_("Give the version you read."), NULL,
		    0 },
		{ NULL, 0, NULL, NULL, 0 },
	};
	json_t *v, *in;
	char today[11];
	int rc;

	if (req_fields(r, keys))
		return 0;
	/* Without a date: today. */
	caserec_today(r, today);
	v = json_object_get(r->json, "date");
	in = v && !json_is_null(v) && !input_blank(json_string_value(v)) ?
	    json_pack("{s:O}", "discharged", v) :
	    json_pack("{s:s}", "discharged", today);
	rc = record_change(r, in, &prot_stay);
	json_decref(in);
	return rc;
}

int
api_record_disclose(struct req *r)
{
	const struct rec_kind *k;
	struct case_record row;
	struct case_row c;
	json_t *body = NULL, *errors;
	int rc = open_record(r, true, &k, &row, &body, &c), version;

	if (rc != 0)
		return rc < 0 ? -1 : 0;
	json_decref(body);
	if (k != &prot_le)
		return resp_error(r, 400, _("Only a law-enforcement referral "
		    "has disclosures."), NULL);
	if (req_fields(r, protection_disclose_keys))
		return 0;
	if ((version = version_of(r)) < 0)
		return 0;
	rc = protection_disclose(r, &c, row.id, version, r->json, &errors);
	if (rc == 1)
		return refused(r, NULL, errors, NULL);
	if (rc == 2)
		return stale(r);
	if (rc == 3)
		return no_record(r);
	if (rc != 0)
		return -1;
	return record_answer(r, 201, row.id);
}

/* --- organisations --- */

/*
 * Organisation o as JSON for r (new ref, NULL on failure): with, for
 * whoever sees the fund's projects, the projects it is a partner of.
 */
static json_t *
org_json(struct req *r, const struct organisation *o)
{
	json_t *j = protection_org_json(o), *projects;

	if (j == NULL || !user_can(&r->user, PERM_FUND_READ))
		return j;
	if ((projects = fund_org_projects_json(r, o->id)) == NULL) {
		json_decref(j);
		return NULL;
	}
	json_object_set_new(j, "projects", projects);
	return j;
}

struct org_list {
	struct req *r;
	json_t *list;
	bool failed;
};

static int
org_list_cb(void *arg, const struct organisation *o)
{
	struct org_list *x = arg;
	json_t *j = org_json(x->r, o);

	if (j == NULL) {
		x->failed = true;
		return 1;
	}
	return json_array_append_new(x->list, j);
}

int
api_orgs_list(struct req *r)
{
	struct org_list x = { r, NULL, false };

	if (!protection_registry_read(r))
		return resp_error(r, 403, _("You are not allowed to see "
		    "organisations."), NULL);
	x.list = json_array();
	if (db_org_list(r->app->db, org_list_cb, &x) != DB_OK || x.failed) {
		json_decref(x.list);
		return -1;
	}
	return resp_json(r, 200, json_pack("{s:o}", "organisations", x.list));
}

static int
registry_forbidden(struct req *r)
{
	return resp_error(r, 403, _("You are not allowed to manage "
	    "organisations and shelters."), NULL);
}

int
api_orgs_create(struct req *r)
{
	struct organisation o;
	json_t *errors;
	int rc;

	if (!user_can(&r->user, PERM_REGISTRY))
		return registry_forbidden(r);
	memset(&o, 0, sizeof(o));
	rc = protection_org_save(r, &o, r->json, &errors);
	if (rc == 1)
		return refused(r, NULL, errors, NULL);
	if (rc != 0)
		return -1;
	return resp_json(r, 201, org_json(r, &o));
}

int
api_org_get(struct req *r)
{
	struct organisation o;
	int rc;

	if (!protection_registry_read(r))
		return resp_error(r, 403, _("You are not allowed to see "
		    "organisations."), NULL);
	rc = db_org_get(r->app->db, r->id, &o);
	if (rc == DB_ERROR)
		return -1;
	if (rc != DB_OK)
		return resp_error(r, 404, _("This organisation does not exist."),
		    NULL);
	return resp_json(r, 200, org_json(r, &o));
}

int
api_org_patch(struct req *r)
{
	struct organisation o;
	json_t *errors;
	int rc;

	if (!user_can(&r->user, PERM_REGISTRY))
		return registry_forbidden(r);
	rc = db_org_get(r->app->db, r->id, &o);
	if (rc == DB_ERROR)
		return -1;
	if (rc != DB_OK)
		return resp_error(r, 404, _("This organisation does not exist."),
		    NULL);
	rc = protection_org_save(r, &o, r->json, &errors);
	if (rc == 1)
		return refused(r, NULL, errors, NULL);
	if (rc != 0)
		return -1;
	return resp_json(r, 200, org_json(r, &o));
}

/* --- shelters --- */

struct shelter_list {
	struct req *r;
	json_t *list;
	bool failed;
};

static int
shelter_list_cb(void *arg, const struct shelter *s)
{
	struct shelter_list *x = arg;
	json_t *o;

	if (!protection_shelter_ok(x->r, s, false))
		return 0;
	if ((o = protection_shelter_json(x->r, s)) == NULL) {
		x->failed = true;
		return 1;
	}
	json_array_append_new(x->list, o);
	return 0;
}

int
api_shelters_list(struct req *r)
{
	struct shelter_list x = { r, NULL, false };
	int64_t office = protection_shelter_office(r);

	if (office < 0)
		return resp_error(r, 403, _("You are not allowed to see "
		    "shelters."), NULL);
	x.list = json_array();
	if (db_shelter_list(r->app->db, office, shelter_list_cb, &x) != DB_OK ||
	    x.failed) {
		json_decref(x.list);
		return -1;
	}
	return resp_json(r, 200, json_pack("{s:o}", "shelters", x.list));
}

int
api_shelters_create(struct req *r)
{
	struct shelter s = { 0 };
	json_t *errors, *o;
	int rc;

	if (!protection_shelter_ok(r, NULL, true))
		return registry_forbidden(r);
	rc = protection_shelter_save(r, &s, r->json, &errors);
	if (rc == 1)
		return refused(r, NULL, errors, NULL);
	if (rc != 0 || (o = protection_shelter_json(r, &s)) == NULL)
		return -1;
	return resp_json(r, 201, o);
}

/* Shelter r->id if r may see it; answers 404 itself (1). */
static int
load_shelter(struct req *r, struct shelter *s)
{
	int rc = db_shelter_get(r->app->db, r->id, s);

	if (rc == DB_ERROR)
		return -1;
	if (rc != DB_OK || !protection_shelter_ok(r, s, false))
		return resp_error(r, 404, _("This shelter does not exist."),
		    NULL) < 0 ? -1 : 1;
	return 0;
}

int
api_shelter_get(struct req *r)
{
	struct shelter s;
	json_t *o;
	int rc = load_shelter(r, &s);

	if (rc != 0)
		return rc < 0 ? -1 : 0;
	if ((o = protection_shelter_json(r, &s)) == NULL)
		return -1;
	return resp_json(r, 200, o);
}

int
api_shelter_occupancy(struct req *r)
{
	struct shelter s;
	const char *from = req_query(r, "from"), *to = req_query(r, "to");
	char today[11], first[11], day[11];
	int64_t a, b, *counts;
	json_t *days;
	size_t i, n;
	int rc = load_shelter(r, &s);

	if (rc != 0)
		return rc < 0 ? -1 : 0;
	caserec_today(r, today);
	b = to && *to ? caserec_day(to) : caserec_day(today);
	a = from && *from ? caserec_day(from) : b == DATE_NONE ? b : b - 29;
	if (a == DATE_NONE || b == DATE_NONE)
		return resp_error(r, 400, _("Give the dates as YYYY-MM-DD."),
		    NULL);
	if (b < a || b - a >= OCCUPANCY_DAYS_MAX)
		return resp_error(r, 400, _("Give a period of one day to one "
		    "year, its end not before its start."), NULL);
	n = (size_t)(b - a + 1);
	counts = arena_calloc(r->arena, n, sizeof(*counts));
	caserec_day_str(a, first);
	if (counts == NULL ||
	    protection_occupancy(r->app->db, s.id, first, n, counts) < 0)
		return -1;
	days = json_array();
	for (i = 0; i < n; i++) {
		caserec_day_str(a + (int64_t)i, day);
		json_array_append_new(days, json_pack("{s:s,s:I,s:b}", "date",
		    day, "occupied", (json_int_t)counts[i], "full",
		    protection_full(s.capacity, counts[i])));
	}
	return resp_json(r, 200, json_pack("{s:I,s:I,s:o}", "shelter",
	    (json_int_t)s.id, "capacity", (json_int_t)s.capacity, "days", days));
}

int
api_shelter_patch(struct req *r)
{
	struct shelter s;
	json_t *errors, *o;
	int rc = load_shelter(r, &s);

	if (rc != 0)
		return rc < 0 ? -1 : 0;
	if (!protection_shelter_ok(r, &s, true))
		return registry_forbidden(r);
	rc = protection_shelter_save(r, &s, r->json, &errors);
	if (rc == 1)
		return refused(r, NULL, errors, NULL);
	if (rc != 0 || (o = protection_shelter_json(r, &s)) == NULL)
		return -1;
	return resp_json(r, 200, o);
}
