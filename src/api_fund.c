/*
 * api_fund.c - the Global Assistance Fund over the API (docs/api.md):
 * fund requests of a case, the programme manager's queue and decisions,
 * disbursements, projects, exchange rates and turnaround. Bodies are
 * untrusted: unknown keys are refused, every value goes through fund.c's
 * checks before anything is written.
 */
#include "compat.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "date.h"
#include "audit.h"
#include "cases.h"
#include "fund.h"
#include "handlers.h"
#include "i18n.h"
#include "log.h"

/* --- the members of each body (input.h) --- */

#define F_END { NULL, 0, NULL, NULL, 0 }
#define F_TEXT(n) { n, JT_TEXT, NULL, NULL, 0 }
#define F_AMOUNT(n) { n, JT_TEXT | JT_NUMBER, N_("Give a positive amount " \
	"with at most two decimals, such as 1250.50."), NULL, 0 }
#define F_CURRENCY(n) { n, JT_TEXT, N_("Give the currency as its ISO 4217 " \
	"code, such as USD, EUR or THB."), NULL, 0 }
#define F_DATE(n) { n, JT_TEXT, N_("Give the date as YYYY-MM-DD."), NULL, 0 }

static const struct input_field request_fields[] = {
	F_TEXT("type"), F_AMOUNT("amount"), F_CURRENCY("currency"),
	F_TEXT("justification"), F_END,
};
static const struct input_field decide_fields[] = {
	F_TEXT("decision"), F_AMOUNT("amount"),
	{ "project_id", JT_INT, N_("Choose the project to charge."), NULL, 0 },
	F_TEXT("reason"), F_END,
};
static const struct input_field resubmit_fields[] = {
	F_AMOUNT("amount"), F_TEXT("justification"), F_END,
};
static const struct input_field disburse_fields[] = {
	F_AMOUNT("amount"), F_DATE("date"), F_TEXT("note"), F_END,
};
static const struct input_field donor_fields[] = {
	F_TEXT("name"), F_AMOUNT("amount"), F_CURRENCY("currency"), F_END,
};
static const struct input_field line_fields[] = {
	F_CURRENCY("currency"), F_AMOUNT("budget"), F_END,
};
/* Members whose types their handler checks itself, with its messages. */
#define JT_ANY (JT_TEXT | JT_NUMBER | JT_BOOL | JT_ARRAY | JT_OBJECT)
#define F_ANY(n) { n, JT_ANY, NULL, NULL, 0 }
static const struct input_field partner_fields[] = {
	F_ANY("organisation_id"), F_ANY("role"), F_END,
};
static const struct input_field project_fields[] = {
	F_TEXT("name"), F_CURRENCY("currency"), F_AMOUNT("budget"),
	{ "donors", JT_ARRAY, N_("Give the donors as a list of {name, amount, "
	    "currency}."), donor_fields, JT_OBJECT },
	F_TEXT("region"), F_DATE("start"), F_DATE("end"),
	{ "target", JT_TEXT | JT_INT, N_("Give the number of beneficiaries as "
	    "a whole number."), NULL, 0 },
	F_TEXT("target_group"),
	{ "budgets", JT_ARRAY, N_("Give further budget lines as a list of "
	    "{currency, budget}."), line_fields, JT_OBJECT },
	{ "partners", JT_ARRAY, N_("Give the partners as a list of "
	    "{organisation_id, role}, at most 32."), partner_fields, JT_OBJECT },
	F_END,
};
static const struct input_field project_change_fields[] = {
	F_ANY("name"), F_ANY("region"), F_ANY("start"), F_ANY("end"),
	F_ANY("target"), F_ANY("target_group"), F_ANY("budget"),
	{ "budgets", JT_ANY, NULL, line_fields, JT_OBJECT },
	F_ANY("currency"), F_END,
};
static const struct input_field assign_fields[] = {
	{ "case_id", JT_INT, N_("Give the case to assign."), NULL, 0 },
	F_END,
};
static const struct input_field rate_fields[] = {
	F_CURRENCY("currency"), F_DATE("valid_from"),
	{ "rate", JT_TEXT | JT_NUMBER, N_("Give the rate as units of the "
	    "currency per US dollar, a positive number with at most six "
	    "decimals."), NULL, 0 },
	{ "replace", JT_BOOL, N_("Give replace as true or false."), NULL, 0 },
	F_END,
};

static int
answer_problem(struct req *r, const struct fund_problem *p)
{
	return resp_error(r, p->status, p->msg, p->field ?
	    json_pack("{s:s}", p->field, p->msg) : NULL);
}

/* The result of a fund.c change: 0 answered, -1 failure. */
static int
result(struct req *r, int rc, const struct fund_problem *p)
{
	if (rc < 0)
		return -1;
	return answer_problem(r, p);
}

static const char *
str(const char *key, struct req *r)
{
	return json_string_value(json_object_get(r->json, key));
}

/* An amount of the body into out: NULL when absent, "x" (refused by
 * fund_amount_parse) when malformed. */
static const char *
amount_of(struct req *r, const char *key, char out[FUND_AMOUNT_STR])
{
	json_t *v = json_object_get(r->json, key);

	if (v == NULL || json_is_null(v))
		return NULL;
	if (!fund_amount_json(v, out))
		snprintf(out, FUND_AMOUNT_STR, "x");
	return out;
}

static int
forbidden(struct req *r, const char *action, const char *msg)
{
	if (audit(r, action, 0, NULL, NULL) < 0)
		return -1;
	return resp_error(r, 403, msg, NULL);
}

/* A refusal on a route that names case r->id: audited with it, so that
 * the audit of the case shows the attempt. */
static int
forbidden_case(struct req *r, const char *action, const char *msg)
{
	if (audit(r, action, r->id > 0 ? r->id : 0, NULL, NULL) < 0)
		return -1;
	return resp_error(r, 403, msg, NULL);
}

/* A refusal on a route that names fund request r->id. */
static int
forbidden_request(struct req *r, const char *action, const char *msg)
{
	if (fund_denied(r, action, r->id) < 0)
		return -1;
	return resp_error(r, 403, msg, NULL);
}

/* --- requests of a case --- */

struct list_ctx {
	struct req *r;
	json_t *arr;
	bool check;	/* filter on visibility */
};

static int
list_cb(void *arg, const struct fund_request *q)
{
	struct list_ctx *ctx = arg;

	if (ctx->check && !fund_request_visible(ctx->r, q))
		return 0;
	json_array_append_new(ctx->arr, fund_request_json(ctx->r, q, false));
	return 0;
}

int
api_case_fund_list(struct req *r)
{
	struct fund_filter f = { 0 };
	struct list_ctx ctx = { r, NULL, false };
	struct case_row c;
	int rc;

	if (!fund_may_read(r))
		return forbidden_case(r, "fund.view.denied",
		    _("You are not allowed to see fund requests."));
	rc = cases_open(r, &c, PERM_CASE_READ, "fund.view.denied", 403);
	if (rc != 0)
		return rc < 0 ? -1 : 0;
	f.case_id = c.id;
	ctx.arr = json_array();
	if (db_fund_request_list(r->app->db, &f, list_cb, &ctx) != DB_OK) {
		json_decref(ctx.arr);
		return -1;
	}
	if (audit(r, "fund.list", c.id, NULL, NULL) < 0) {
		json_decref(ctx.arr);
		return -1;
	}
	return resp_json(r, 200, json_pack("{s:o}", "requests", ctx.arr));
}

int
api_case_fund_create(struct req *r)
{
	struct fund_problem p;
	struct fund_request q;
	struct case_row c;
	char a[FUND_AMOUNT_STR];
	int64_t id;
	int rc = cases_open(r, &c, PERM_FUND_REQUEST, "fund.request.denied",
	    403);

	if (rc != 0)
		return rc < 0 ? -1 : 0;
	if (req_fields(r, request_fields))
		return 0;
	rc = fund_request_submit(r, &c, str("type", r), amount_of(r, "amount",
	    a), str("currency", r), str("justification", r), &id, &p);
	if (rc != 0)
		return result(r, rc, &p);
	if (db_fund_request_get(r->app->db, id, &q) != DB_OK)
		return -1;
	return resp_json(r, 201, fund_request_json(r, &q, false));
}

/* --- the queue and one request --- */

int
api_fund_requests(struct req *r)
{
	static const char *const states[] = { "submitted", "approved",
		"rejected", "need-info" };
	const char *st = req_query(r, "state");
	struct fund_filter f = { 0 };
	struct list_ctx ctx = { r, NULL, true };
	size_t i;

	if (!fund_may_read(r))
		return forbidden(r, "fund.view.denied",
		    _("You are not allowed to see fund requests."));
	if (st && *st) {
		for (i = 0; i < ARRAY_SIZE(states); i++)
			if (strcmp(st, states[i]) == 0)
				break;
		if (i == ARRAY_SIZE(states))
			return resp_error(r, 400, _("Filter on state submitted, "
			    "approved, rejected or need-info."), json_pack(
			    "{s:s}", "state", _("Unknown state.")));
		f.state = st;
	}
	if (!user_can(&r->user, PERM_FUND_READ))
		f.office_id = r->user.office_id;
	ctx.arr = json_array();
	if (db_fund_request_list(r->app->db, &f, list_cb, &ctx) != DB_OK) {
		json_decref(ctx.arr);
		return -1;
	}
	return resp_json(r, 200, json_pack("{s:I,s:o}", "count",
	    (json_int_t)json_array_size(ctx.arr), "requests", ctx.arr));
}

static int
request_answer(struct req *r, int64_t id, int status)
{
	struct fund_request q;
	json_t *o;

	if (db_fund_request_get(r->app->db, id, &q) != DB_OK)
		return -1;
	if ((o = fund_request_json(r, &q, true)) == NULL)
		return -1;
	return resp_json(r, status, o);
}

int
api_fund_request_get(struct req *r)
{
	struct fund_problem p;
	struct fund_request q;
	int rc = fund_request_load(r, r->id, &q, &p);

	if (rc != 0)
		return result(r, rc, &p);
	if (audit(r, "fund.view", q.case_id, NULL, json_pack("{s:I}",
	    "request", (json_int_t)q.id)) < 0)
		return -1;
	return request_answer(r, q.id, 200);
}

int
api_fund_request_decide(struct req *r)
{
	struct fund_problem p;
	char a[FUND_AMOUNT_STR];
	json_t *pid;
	int64_t project_id = 0;
	int rc;

	if (!fund_may_read(r))
		return forbidden_request(r, "fund.change.denied",
		    _("Only the programme manager decides fund requests."));
	if (req_fields(r, decide_fields))
		return 0;
	pid = json_object_get(r->json, "project_id");
	if (json_is_integer(pid)) {
		if (json_integer_value(pid) <= 0)
			return resp_error(r, 400, _("Choose the project to "
			    "charge."), json_pack("{s:s}", "project_id",
			    _("Choose the project to charge.")));
		project_id = json_integer_value(pid);
	}
	rc = fund_request_decide(r, r->id, str("decision", r),
	    amount_of(r, "amount", a), project_id, str("reason", r), &p);
	if (rc != 0)
		return result(r, rc, &p);
	return request_answer(r, r->id, 200);
}

int
api_fund_request_resubmit(struct req *r)
{
	struct fund_problem p;
	char a[FUND_AMOUNT_STR];
	int rc;

	if (!fund_may_read(r))
		return forbidden_request(r, "fund.change.denied",
		    _("Only the office that asked can complete a request."));
	if (req_fields(r, resubmit_fields))
		return 0;
	rc = fund_request_resubmit(r, r->id, amount_of(r, "amount", a),
	    str("justification", r), &p);
	if (rc != 0)
		return result(r, rc, &p);
	return request_answer(r, r->id, 200);
}

int
api_fund_request_disburse(struct req *r)
{
	struct fund_problem p;
	char a[FUND_AMOUNT_STR];
	const char *amount;
	int rc;

	if (!fund_may_read(r))
		return forbidden_request(r, "fund.change.denied",
		    _("Only headquarters' programme manager records "
		    "disbursements."));
	if (req_fields(r, disburse_fields))
		return 0;
	amount = amount_of(r, "amount", a);
	rc = fund_disburse(r, r->id, amount ? amount : "x", str("date", r),
	    str("note", r), &p);
	if (rc != 0)
		return result(r, rc, &p);
	return request_answer(r, r->id, 201);
}

/* --- projects --- */

static bool
date_query(struct req *r, const char **date)
{
	*date = req_query(r, "date");
	if (*date && **date == '\0')
		*date = NULL;
	return *date == NULL || date_valid(*date);
}

struct total_ctx {
	struct req *r;
	const char *date;
	struct fund_total budget, committed, disbursed;
};

static int
total_cb(void *arg, const struct budget_line *b)
{
	struct total_ctx *t = arg;

	fund_total_usd(t->r, &t->budget, b->budget, b->currency, t->date);
	fund_total_usd(t->r, &t->committed, b->committed, b->currency,
	    t->date);
	fund_total_usd(t->r, &t->disbursed, b->disbursed, b->currency,
	    t->date);
	return 0;
}

struct plist_ctx {
	struct req *r;
	const char *date;
	json_t *arr;
	int failed;
};

static int
plist_cb(void *arg, const struct project *pr)
{
	struct plist_ctx *ctx = arg;
	json_t *o = fund_project_json(ctx->r, pr, ctx->date, false);

	if (o == NULL) {
		ctx->failed = 1;
		return 1;
	}
	json_array_append_new(ctx->arr, o);
	return 0;
}

int
api_projects_list(struct req *r)
{
	struct plist_ctx ctx = { r, NULL, NULL, 0 };
	struct total_ctx t;
	struct fund_total remaining;
	char today[DB_DATE_SIZE];

	if (!user_can(&r->user, PERM_FUND_READ))
		return forbidden(r, "project.view.denied",
		    _("You are not allowed to see projects."));
	if (!date_query(r, &ctx.date))
		return resp_error(r, 400, _("Give the date as YYYY-MM-DD."),
		    json_pack("{s:s}", "date", _("Give the date as "
		    "YYYY-MM-DD.")));
	if (ctx.date == NULL) {
		fund_today(today);
		ctx.date = today;
	}
	ctx.arr = json_array();
	if (db_project_list(r->app->db, plist_cb, &ctx) != DB_OK ||
	    ctx.failed) {
		json_decref(ctx.arr);
		return -1;
	}
	memset(&t, 0, sizeof(t));
	t.r = r;
	t.date = ctx.date;
	if (db_project_budgets(r->app->db, 0, total_cb, &t) != DB_OK) {
		json_decref(ctx.arr);
		return -1;
	}
	fund_totals_whole(&t.budget, &t.committed, &t.disbursed);
	remaining = fund_total_minus(&t.budget, &t.committed);
	return resp_json(r, 200, json_pack("{s:o,s:{s:s,s:s,s:o,s:o,s:o,s:o,"
	    "s:b,s:b}}", "projects", ctx.arr, "totals", "currency", "USD",
	    "date", ctx.date, "budget", fund_total_json(&t.budget),
	    "committed", fund_total_json(&t.committed),
	    "disbursed", fund_total_json(&t.disbursed),
	    "remaining", fund_total_json(&remaining),
	    "incomplete", t.budget.missing,
	    "overflow", t.budget.overflow));
}

/* A target of the body (a whole number, or digits as a string) as
 * fund.c takes it: NULL when absent, "" when null, "x" (refused) when
 * neither. */
static const char *
target_of(struct req *r, char out[32])
{
	json_t *v = json_object_get(r->json, "target");

	if (v == NULL)
		return NULL;
	if (json_is_null(v))
		return "";
	if (json_is_integer(v)) {
		snprintf(out, 32, "%lld", (long long)json_integer_value(v));
		return out;
	}
	return json_is_string(v) ? json_string_value(v) : "x";
}

/*
 * The partners of a body's "partners" (untrusted) into in: 0, or 1 when
 * answered (a 400 naming the field: not a list, an element not an
 * object or with another key, a role that is not text).
 */
static int
partners_of(struct req *r, struct fund_project_input *in)
{
	json_t *v = json_object_get(r->json, "partners"), *e, *id, *role;
	const char *key;
	const char *field;
	size_t i;

	if (v == NULL || json_is_null(v))
		return 0;
	if (!json_is_array(v) || json_array_size(v) > FUND_PARTNERS_MAX)
		return resp_error(r, 400, _("Give the partners as a list of "
		    "{organisation_id, role}, at most 32."), json_pack("{s:s}",
		    "partners", _("Give the partners as a list."))), 1;
	json_array_foreach(v, i, e) {
		json_t *ignored;

		field = arena_printf(r->arena, "partners[%zu]", i);
		if (!json_is_object(e))
			return resp_error(r, 400, _("Each partner is an object "
			    "{organisation_id, role}."), json_pack("{s:s}", field,
			    _("Each partner is an object {organisation_id, "
			    "role}."))), 1;
		json_object_foreach(e, key, ignored)
			if (strcmp(key, "organisation_id") != 0 &&
			    strcmp(key, "role") != 0)
				return resp_error(r, 400, _("A partner has only "
				    "organisation_id and role."), json_pack(
				    "{s:s}", arena_printf(r->arena, "%s.%s",
				    field, key), _("Unknown field."))), 1;
		id = json_object_get(e, "organisation_id");
		role = json_object_get(e, "role");
		in->partners[i].org_id = id == NULL || json_is_null(id) ? 0 :
		    json_is_integer(id) && json_integer_value(id) > 0 ?
		    json_integer_value(id) : -1;
		if (role && !json_is_null(role) && !json_is_string(role))
			return resp_error(r, 400, _("Give the partner's role as "
			    "text."), json_pack("{s:s}", arena_printf(r->arena,
			    "%s.role", field), _("Give the role as text."))), 1;
		in->partners[i].role = json_string_value(role);
	}
	in->npartners = json_array_size(v);
	return 0;
}

int
api_projects_create(struct req *r)
{
	struct fund_project_input in;
	struct fund_problem p;
	struct project pr;
	char budget[FUND_AMOUNT_STR], target[32];
	char damount[FUND_DONORS_MAX][FUND_AMOUNT_STR];
	char lamount[FUND_LINES_MAX][FUND_AMOUNT_STR];
	json_t *v, *d;
	size_t i;
	int64_t id;
	int rc;

	if (!user_can(&r->user, PERM_PROJECT_MANAGE))
		return forbidden(r, "project.create.denied",
		    _("You are not allowed to manage projects."));
	if (req_fields(r, project_fields))
		return 0;
	memset(&in, 0, sizeof(in));
	in.name = str("name", r);
	in.currency = str("currency", r);
	in.budget = amount_of(r, "budget", budget);
	in.region = str("region", r);
	in.start = str("start", r);
	in.end = str("end", r);
	in.target_group = str("target_group", r);
	in.target = target_of(r, target);
	v = json_object_get(r->json, "donors");
	if (json_is_array(v)) {
		if (json_array_size(v) > FUND_DONORS_MAX)
			return resp_error(r, 400, _("Give the donors as a list "
			    "of {name, amount, currency}."), json_pack("{s:s}",
			    "donors", _("Give the donors as a list.")));
		json_array_foreach(v, i, d) {
			json_t *amt = json_object_get(d, "amount");

			in.donors[i].name = json_string_value(
			    json_object_get(d, "name"));
			in.donors[i].currency = json_string_value(
			    json_object_get(d, "currency"));
			if (!fund_amount_json(amt, damount[i]))
				snprintf(damount[i], FUND_AMOUNT_STR, "x");
			in.donors[i].amount = damount[i];
		}
		in.ndonors = json_array_size(v);
	}
	v = json_object_get(r->json, "budgets");
	if (json_is_array(v)) {
		if (json_array_size(v) > FUND_LINES_MAX)
			return resp_error(r, 400, _("Give further budget lines "
			    "as a list of {currency, budget}."), json_pack(
			    "{s:s}", "budgets", _("Give a list.")));
		json_array_foreach(v, i, d) {
			in.line_currency[i] = json_string_value(
			    json_object_get(d, "currency"));
			if (!fund_amount_json(json_object_get(d, "budget"),
			    lamount[i]))
				snprintf(lamount[i], FUND_AMOUNT_STR, "x");
			in.line_budget[i] = lamount[i];
		}
		in.nlines = json_array_size(v);
	}
	if (partners_of(r, &in))
		return 0;
	rc = fund_project_create(r, &in, &id, &p);
	if (rc != 0)
		return result(r, rc, &p);
	if (db_project_get(r->app->db, id, &pr) != DB_OK)
		return -1;
	return resp_json(r, 201, fund_project_json(r, &pr, NULL, true));
}

static int
project_answer(struct req *r, int64_t id, const char *date, int status)
{
	struct project pr;
	json_t *o;
	int rc = db_project_get(r->app->db, id, &pr);

	if (rc == DB_ERROR)
		return -1;
	if (rc != DB_OK)
		return resp_error(r, 404, _("There is no such project."), NULL);
	if ((o = fund_project_json(r, &pr, date, true)) == NULL)
		return -1;
	return resp_json(r, status, o);
}

int
api_project_get(struct req *r)
{
	const char *date;

	if (!user_can(&r->user, PERM_FUND_READ))
		return forbidden(r, "project.view.denied",
		    _("You are not allowed to see projects."));
	if (!date_query(r, &date))
		return resp_error(r, 400, _("Give the date as YYYY-MM-DD."),
		    json_pack("{s:s}", "date", _("Give the date as "
		    "YYYY-MM-DD.")));
	return project_answer(r, r->id, date, 200);
}

int
api_project_case_add(struct req *r)
{
	struct fund_problem p;
	json_t *v;
	int rc;

	v = json_object_get(r->json, "case_id");
	if (!user_can(&r->user, PERM_PROJECT_MANAGE)) {
		/* The case the body names, for the audit of that case. */
		if (audit(r, "project.assign.denied", json_is_integer(v) &&
		    json_integer_value(v) > 0 ? json_integer_value(v) : 0, NULL,
		    json_pack("{s:I}", "project", (json_int_t)r->id)) < 0)
			return -1;
		return resp_error(r, 403, _("You are not allowed to manage "
		    "projects."), NULL);
	}
	if (req_fields(r, assign_fields))
		return 0;
	rc = fund_project_assign(r, r->id, json_is_integer(v) ?
	    json_integer_value(v) : 0, &p);
	if (rc != 0)
		return result(r, rc, &p);
	return project_answer(r, r->id, NULL, 200);
}

int
api_project_donor_add(struct req *r)
{
	struct fund_donor_input in;
	struct fund_problem p;
	char a[FUND_AMOUNT_STR];
	const char *amount;
	int rc;

	if (!user_can(&r->user, PERM_PROJECT_MANAGE))
		return forbidden(r, "project.donor.denied",
		    _("You are not allowed to manage projects."));
	if (req_fields(r, donor_fields))
		return 0;
	amount = amount_of(r, "amount", a);
	in.name = str("name", r);
	in.amount = amount ? amount : "x";
	in.currency = str("currency", r);
	rc = fund_project_donor_add(r, r->id, &in, &p);
	if (rc != 0)
		return result(r, rc, &p);
	return project_answer(r, r->id, NULL, 201);
}

/* A text field of a change: NULL when absent, "" when null, else its
 * string; false (answered 400) when it is neither. */
static bool
change_text(struct req *r, const char *key, const char **out)
{
	json_t *v = json_object_get(r->json, key);

	*out = NULL;
	if (v == NULL)
		return true;
	if (json_is_null(v)) {
		*out = "";
		return true;
	}
	if (json_is_string(v)) {
		*out = json_string_value(v);
		return true;
	}
	resp_error(r, 400, _("Give this field as text."), json_pack("{s:s}",
	    key, _("Give this field as text.")));
	return false;
}

int
api_project_patch(struct req *r)
{
	static const char *const texts[] = { "name", "region", "start", "end",
		"target_group" };
	struct fund_project_change in;
	struct fund_problem p;
	char budget[FUND_AMOUNT_STR], target[32];
	char lamount[FUND_LINES_MAX][FUND_AMOUNT_STR];
	const char *t[ARRAY_SIZE(texts)];
	json_t *v, *d;
	size_t i;
	int rc;

	if (!user_can(&r->user, PERM_PROJECT_MANAGE)) {
		if (fund_project_denied(r, "project.update.denied", r->id) < 0)
			return -1;
		return resp_error(r, 403, _("You are not allowed to manage "
		    "projects."), NULL);
	}
	if (req_fields(r, project_change_fields))
		return 0;
	if (json_object_get(r->json, "currency"))
		return resp_error(r, 400, _("A project keeps its currency: "
		    "give a budget in another currency as a further line "
		    "(budgets)."), json_pack("{s:s}", "currency", _("A project "
		    "keeps its currency.")));
	for (i = 0; i < ARRAY_SIZE(texts); i++)
		if (!change_text(r, texts[i], &t[i]))
			return 0;
	memset(&in, 0, sizeof(in));
	in.name = t[0];
	in.region = t[1];
	in.start = t[2];
	in.end = t[3];
	in.target_group = t[4];
	in.target = target_of(r, target);
	v = json_object_get(r->json, "budget");
	if (v && !json_is_null(v))
		in.budget = amount_of(r, "budget", budget);
	v = json_object_get(r->json, "budgets");
	if (v && !json_is_null(v)) {
		if (!json_is_array(v) || json_array_size(v) > FUND_LINES_MAX)
			return resp_error(r, 400, _("Give further budget lines "
			    "as a list of {currency, budget}."), json_pack(
			    "{s:s}", "budgets", _("Give a list.")));
		json_array_foreach(v, i, d) {
			in.line_currency[i] = json_string_value(
			    json_object_get(d, "currency"));
			if (!fund_amount_json(json_object_get(d, "budget"),
			    lamount[i]))
				snprintf(lamount[i], FUND_AMOUNT_STR, "x");
			in.line_budget[i] = lamount[i];
		}
		in.nlines = json_array_size(v);
	}
	rc = fund_project_update(r, r->id, &in, &p);
	if (rc != 0)
		return result(r, rc, &p);
	return project_answer(r, r->id, NULL, 200);
}

int
api_project_partner_add(struct req *r)
{
	struct fund_partner_input in;
	struct fund_problem p;
	json_t *id, *role;
	int rc;

	if (!user_can(&r->user, PERM_PROJECT_MANAGE)) {
		if (fund_project_denied(r, "project.partner.denied", r->id) < 0)
			return -1;
		return resp_error(r, 403, _("You are not allowed to manage "
		    "projects."), NULL);
	}
	if (req_fields(r, partner_fields))
		return 0;
	id = json_object_get(r->json, "organisation_id");
	role = json_object_get(r->json, "role");
	if (role && !json_is_null(role) && !json_is_string(role))
		return resp_error(r, 400, _("Give the partner's role as text."),
		    json_pack("{s:s}", "role", _("Give the role as text.")));
	in.org_id = id == NULL || json_is_null(id) ? 0 : json_is_integer(id) &&
	    json_integer_value(id) > 0 ? json_integer_value(id) : -1;
	in.role = json_string_value(role);
	rc = fund_project_partner_add(r, r->id, &in, &p);
	if (rc != 0)
		return result(r, rc, &p);
	return project_answer(r, r->id, NULL, 201);
}

int
api_project_partner_remove(struct req *r)
{
	struct fund_problem p;
	const char *tail = strstr(r->path, "/partners/");
	int rc;

	if (!user_can(&r->user, PERM_PROJECT_MANAGE)) {
		if (fund_project_denied(r, "project.partner.denied", r->id) < 0)
			return -1;
		return resp_error(r, 403, _("You are not allowed to manage "
		    "projects."), NULL);
	}
	rc = fund_project_partner_remove(r, r->id, tail ?
	    form_id(tail + strlen("/partners/")) : 0, &p);
	if (rc != 0)
		return result(r, rc, &p);
	return project_answer(r, r->id, NULL, 200);
}

/* --- turnaround and rates --- */

int
api_fund_turnaround(struct req *r)
{
	struct fund_turnaround t;

	if (!user_can(&r->user, PERM_FUND_READ))
		return forbidden(r, "fund.view.denied",
		    _("You are not allowed to see fund requests."));
	if (fund_turnaround(r, &t) < 0)
		return -1;
	return resp_json(r, 200, fund_turnaround_json(&t));
}

struct rates_ctx {
	json_t *arr;
	json_t *in_force;	/* NULL without a date */
	const char *date;
};

/* Rates come by currency, newest first: the first one not after the
 * date is the one in force then. */
static int
rate_cb(void *arg, const struct fund_rate *rt)
{
	struct rates_ctx *ctx = arg;
	char a[FUND_AMOUNT_STR];

	fund_rate_format(rt->rate, a);
	if (ctx->in_force && strcmp(rt->valid_from, ctx->date) <= 0 &&
	    json_object_get(ctx->in_force, rt->currency) == NULL)
		json_object_set_new(ctx->in_force, rt->currency, json_string(a));
	return json_array_append_new(ctx->arr, json_pack("{s:s,s:s,s:s}",
	    "currency", rt->currency, "valid_from", rt->valid_from, "rate", a));
}

static int
rates_answer(struct req *r, int status, const char *date)
{
	struct rates_ctx ctx = { json_array(), NULL, date };
	json_t *o;

	if (date) {
		ctx.in_force = json_object();
		json_object_set_new(ctx.in_force, "USD", json_string("1"));
	}
	if (db_rate_list(r->app->db, rate_cb, &ctx) != DB_OK) {
		json_decref(ctx.arr);
		json_decref(ctx.in_force);
		return -1;
	}
	o = json_pack("{s:s,s:o}", "reporting_currency", "USD", "rates",
	    ctx.arr);
	if (date)
		json_object_set_new(o, "in_force", json_pack("{s:s,s:o}",
		    "date", date, "rates", ctx.in_force));
	return resp_json(r, status, o);
}

int
api_rates_list(struct req *r)
{
	const char *date;

	if (!user_can(&r->user, PERM_FUND_READ))
		return forbidden(r, "fund.view.denied",
		    _("You are not allowed to see exchange rates."));
	if (!date_query(r, &date))
		return resp_error(r, 400, _("Give the date as YYYY-MM-DD."),
		    json_pack("{s:s}", "date", _("Give the date as "
		    "YYYY-MM-DD.")));
	return rates_answer(r, 200, date);
}

int
api_rates_set(struct req *r)
{
	struct fund_problem p;
	char rate[40];
	json_t *v, *rp;
	int rc;

	if (!user_can(&r->user, PERM_PROJECT_MANAGE))
		return forbidden(r, "fund.rate.denied",
		    _("You are not allowed to manage exchange rates."));
	if (req_fields(r, rate_fields))
		return 0;
	v = json_object_get(r->json, "rate");
	if (json_is_string(v) && json_string_length(v) < sizeof(rate))
		snprintf(rate, sizeof(rate), "%s", json_string_value(v));
	else if (json_is_integer(v))
		snprintf(rate, sizeof(rate), "%lld",
		    (long long)json_integer_value(v));
	else if (json_is_real(v) && json_real_value(v) > 0 &&
	    json_real_value(v) < 1e9)
		snprintf(rate, sizeof(rate), "%.6f", json_real_value(v));
	else
		snprintf(rate, sizeof(rate), "x");
	rp = json_object_get(r->json, "replace");
	rc = fund_rate_set(r, str("currency", r), str("valid_from", r), rate,
	    json_is_true(rp), &p);
	if (rc != 0)
		return result(r, rc, &p);
	return rates_answer(r, 201, NULL);
}
