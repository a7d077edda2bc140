/*
 * dashboard.c - the figures of the start page (dashboard.h), drawn from
 * the case, protection, return and fund modules with the reader's scope.
 * No HTML here: the page writes it from dashboard_json().
 */
#include "compat.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cases.h"
#include "dashboard.h"
#include "date.h"
#include "fund.h"
#include "log.h"
#include "money.h"
#include "moves.h"
#include "protection.h"

/* --- which parts: the one place that decides --- */

/* A caseworker: assists and asks the fund, decides no handover. */
static bool
has_mine(const struct req *r)
{
	return user_can(&r->user, PERM_ASSIST) &&
	    user_can(&r->user, PERM_FUND_REQUEST) &&
	    !user_can(&r->user, PERM_TRANSFER_DECIDE);
}

/* A medical officer: health records, no assistance. */
static bool
has_health(const struct req *r)
{
	return user_can(&r->user, PERM_HEALTH) &&
	    !user_can(&r->user, PERM_ASSIST);
}

/* --- cases --- */

/*
 * {"by_status": {"Active": n, ...}, "total": n} of the cases of r's
 * scope (assigned_to 0: anyone's), or NULL.
 */
static json_t *
caseload_json(struct req *r, int64_t assigned_to)
{
	struct case_filter f;
	int64_t counts[CASE_STATUS__MAX], total = 0;
	json_t *by;
	int s;

	memset(&f, 0, sizeof(f));
	cases_filter_scope(r, &f);
	f.assigned_to = assigned_to;
	if (db_case_status_counts(r->app->db, &f, counts) != DB_OK ||
	    (by = json_object()) == NULL)
		return NULL;
	for (s = 0; s < CASE_STATUS__MAX; s++) {
		json_object_set_new(by, case_status_code((enum case_status)s),
		    json_integer(counts[s]));
		total += counts[s];
	}
	return json_pack("{s:o,s:I}", "by_status", by, "total",
	    (json_int_t)total);
}

static int
my_case_cb(void *arg, const struct case_row *c)
{
	return json_array_append_new(arg, json_pack("{s:I,s:s,s:s,s:o}",
	    "id", (json_int_t)c->id, "case_number", c->number,
	    "status", case_status_code(c->status),
	    "updated_at", time_iso_json(c->updated_at)));
}

/* The user's own active cases, most recently changed first:
 * {"cases": [...], "total": n}, or NULL. */
static json_t *
my_cases_json(struct req *r)
{
	struct case_filter f;
	json_t *arr = json_array();
	int64_t total = 0;

	if (arr == NULL)
		return NULL;
	memset(&f, 0, sizeof(f));
	cases_filter_scope(r, &f);
	f.assigned_to = r->user.id;
	f.status = CASE_ACTIVE;
	f.limit = DASHBOARD_MY_CASES;
	f.by_update = true;
	if (db_case_list(r->app->db, &f, my_case_cb, arr, &total) != DB_OK) {
		json_decref(arr);
		return NULL;
	}
	return json_pack("{s:o,s:I}", "cases", arr, "total",
	    (json_int_t)total);
}

/* --- follow-ups and handovers --- */

/*
 * Monitoring visits due within DASHBOARD_DAYS and overdue, of the
 * office (assigned_to 0) or the user's own cases: {"days", "overdue",
 * "visits": [{"case_id", "case_number", "due_on", "overdue"}]}, or NULL.
 */
static json_t *
followups_json(struct req *r, int64_t assigned_to)
{
	json_t *due, *v, *arr;
	size_t i;
	int64_t overdue = 0;

	due = moves_visits_due_json(r, r->user.office_id, assigned_to,
	    DASHBOARD_DAYS);
	if (due == NULL || (arr = json_array()) == NULL) {
		json_decref(due);
		return NULL;
	}
	json_array_foreach(due, i, v) {
		bool late = json_is_true(json_object_get(v, "overdue"));

		overdue += late;
		json_array_append_new(arr, json_pack("{s:O,s:O,s:O,s:b}",
		    "case_id", json_object_get(v, "case_id"),
		    "case_number", json_object_get(v, "case_number"),
		    "due_on", json_object_get(v, "due_on"), "overdue", late));
	}
	json_decref(due);
	return json_pack("{s:i,s:I,s:o}", "days", DASHBOARD_DAYS, "overdue",
	    (json_int_t)overdue, "visits", arr);
}

/* Handovers waiting for the office's answer: [{"id", "case_id",
 * "case_number", "from_office", "requested_at"}], or NULL. */
static json_t *
handovers_json(struct req *r)
{
	json_t *in, *v, *arr;
	size_t i;

	in = moves_incoming_json(r, r->user.office_id);
	if (in == NULL || (arr = json_array()) == NULL) {
		json_decref(in);
		return NULL;
	}
	json_array_foreach(in, i, v)
		json_array_append_new(arr, json_pack("{s:O,s:O,s:O,s:O,s:o}",
		    "id", json_object_get(v, "id"),
		    "case_id", json_object_get(v, "case_id"),
		    "case_number", json_object_get(v, "case_number"),
		    "from_office", json_object_get(v, "from_office"),
		    "requested_at", time_iso_json(json_integer_value(
		    json_object_get(v, "requested_at")))));
	json_decref(in);
	return arr;
}

static int
stranded_cb(void *arg, const struct stranded_row *s)
{
	return json_array_append_new(arg, json_pack("{s:I,s:s,s:I,s:s,s:b}",
	    "case_id", (json_int_t)s->case_id, "case_number", s->case_number,
	    "assigned_to", (json_int_t)s->assigned_to, "username", s->username,
	    "disabled", s->disabled));
}

/* Open cases whose caseworker has left the office or was disabled:
 * [{"case_id", "case_number", "assigned_to", "username", "disabled"}]. */
static json_t *
stranded_json(struct req *r)
{
	json_t *arr = json_array();

	if (arr == NULL || db_case_stranded(r->app->db, r->user.office_id,
	    stranded_cb, arr) != DB_OK) {
		json_decref(arr);
		return NULL;
	}
	return arr;
}

/* --- shelters --- */

static int
shelter_cb(void *arg, const struct shelter_occupancy *o)
{
	return json_array_append_new(arg, json_pack("{s:I,s:s,s:I,s:I,s:I,"
	    "s:b}", "id", (json_int_t)o->id, "name", o->name,
	    "occupied", (json_int_t)o->occupied,
	    "capacity", (json_int_t)o->capacity,
	    "free", (json_int_t)protection_free(o->capacity, o->occupied),
	    "full", protection_full(o->capacity, o->occupied)));
}

/* The office's shelters today: [{"id", "name", "occupied", "capacity",
 * "free", "full"}], or NULL. */
static json_t *
shelters_json(struct req *r)
{
	json_t *arr = json_array();
	char today[DATE_SIZE];

	date_of(r->now, today);
	if (arr == NULL || protection_office_occupancy(r->app->db,
	    r->user.office_id, today, shelter_cb, arr) < 0) {
		json_decref(arr);
		return NULL;
	}
	return arr;
}

/* --- the fund --- */

static json_t *
amount_json(int64_t cents)
{
	char a[MONEY_STR];

	return json_string(money_format(cents, a));
}

/*
 * The fund's queue (by office and days waited), turnaround (per
 * office, as GET /api/v1/fund/turnaround) and budget lines, from
 * fund_summary(); or NULL.
 */
static json_t *
fund_json(struct req *r)
{
	static const char *const waits[FUND_WAIT__MAX] = {
		[FUND_WAIT_WEEK] = "days_0_6", [FUND_WAIT_MONTH] = "days_7_29",
		[FUND_WAIT_LONGER] = "days_30_plus",
	};
	struct fund_summary *s;
	json_t *queue, *turn, *lines, *o = NULL;
	size_t i;
	int w;

	if ((s = calloc(1, sizeof(*s))) == NULL) {
		error("dashboard: out of memory");
		return NULL;
	}
	if (fund_summary(r, s) < 0)
		goto out;
	queue = json_array();
	for (i = 0; i < s->nqueue_offices; i++) {
		json_t *q = json_pack("{s:s,s:I}", "office",
		    s->queue_offices[i].office, "count",
		    (json_int_t)s->queue_offices[i].count);

		for (w = 0; w < FUND_WAIT__MAX; w++)
			json_object_set_new(q, waits[w], json_integer(
			    s->queue_offices[i].by_wait[w]));
		json_array_append_new(queue, q);
	}
	turn = fund_turnaround_json(&s->turnaround);
	lines = json_array();
	for (i = 0; i < s->nlines; i++) {
		const struct fund_summary_line *l = &s->lines[i];

		json_array_append_new(lines, json_pack("{s:I,s:s,s:s,s:o,s:o,"
		    "s:o}", "project_id", (json_int_t)l->project_id,
		    "project", l->project, "currency", l->currency,
		    "budget", amount_json(l->budget),
		    "committed", amount_json(l->committed),
		    "disbursed", amount_json(l->disbursed)));
	}
	o = json_pack("{s:{s:I,s:I,s:o},s:o,s:{s:o,s:{s:s,s:o,s:o,s:o,s:b,s:b}}}",
	    "queue", "count", (json_int_t)s->queue_length,
	    "oldest_wait_seconds", (json_int_t)s->oldest_wait,
	    "offices", queue,
	    "turnaround", turn,
	    "budgets", "lines", lines, "total", "currency", "USD",
	    "budget", fund_total_json(&s->budget_usd),
	    "committed", fund_total_json(&s->committed_usd),
	    "disbursed", fund_total_json(&s->disbursed_usd),
	    "incomplete", s->budget_usd.missing,
	    "overflow", s->budget_usd.overflow);
out:
	free(s);
	return o;
}

/* --- the whole --- */

/* Sets key of o to v (stolen); false when v is NULL (a failure). */
static bool
put(json_t *o, const char *key, json_t *v)
{
	if (v == NULL)
		return false;
	json_object_set_new(o, key, v);
	return true;
}

json_t *
dashboard_json(struct req *r)
{
	json_t *d, *p;
	bool ok = true;

	d = json_pack("{s:s,s:s}", "role", role_name(r->user.role), "office",
	    r->user.office_code);
	if (d == NULL)
		return NULL;
	if (has_mine(r)) {
		ok = put(d, "my_work", p = json_object()) &&
		    put(p, "cases", my_cases_json(r)) &&
		    put(p, "caseload", caseload_json(r, r->user.id)) &&
		    (!user_can(&r->user, PERM_CASEFILE_READ) ||
		    put(p, "followups", followups_json(r, r->user.id)));
	}
	if (ok && user_can(&r->user, PERM_TRANSFER_DECIDE)) {
		/* An office manager. */
		ok = put(d, "office_overview", p = json_object()) &&
		    put(p, "caseload", caseload_json(r, 0)) &&
		    put(p, "handovers", handovers_json(r)) &&
		    put(p, "stranded", stranded_json(r)) &&
		    (!user_can(&r->user, PERM_ASSIST) ||
		    user_scope(&r->user) != SCOPE_OFFICE ||
		    put(p, "shelters", shelters_json(r))) &&
		    (!user_can(&r->user, PERM_CASEFILE_READ) ||
		    put(p, "followups", followups_json(r, 0)));
	}
	if (ok && user_can(&r->user, PERM_FUND_DECIDE) &&
	    user_can(&r->user, PERM_FUND_READ))
		ok = put(d, "fund", fund_json(r));
	if (ok && has_health(r))
		ok = put(d, "health", p = json_object()) &&
		    put(p, "caseload", caseload_json(r, 0));
	if (ok && user_can(&r->user, PERM_ADMIN_USERS))
		ok = put(d, "administration", json_object());
	if (!ok) {
		json_decref(d);
		return NULL;
	}
	return d;
}
