/*
 * page_dashboard.c - the start page: what each role has to do today.
 *
 * Caseworker: my cases and my follow-ups. Office manager: the office's
 * caseload, incoming handovers, shelters and overdue visits. Programme
 * manager: the fund's queue, budgets and turnaround. Every figure of
 * these comes from dashboard_json() (dashboard.h), the object GET
 * /api/v1/dashboard answers: this file only writes it out, in tables,
 * with charts drawn over them when JavaScript runs. The page adds what
 * has an endpoint of its own: a medical officer's health follow-ups
 * (/cases/{id}/health), an administrator's accounts and audit activity
 * (/api/v1/users, /api/v1/audit), a researcher's datasets
 * (/api/v1/stats). The object is trusted (ours); the texts in it (case
 * numbers, names of shelters and projects, usernames) are escaped by
 * html_printf() like any other.
 */
#include "compat.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "audit.h"
#include "cases.h"
#include "dashboard.h"
#include "dataset.h"
#include "date.h"
#include "fund.h"
#include "handlers.h"
#include "i18n.h"
#include "log.h"
#include "money.h"
#include "page.h"
#include "protection.h"

/* A string member of o, "" when absent. */
static const char *
str(json_t *o, const char *key)
{
	const char *s = json_string_value(json_object_get(o, key));

	return s ? s : "";
}

/* An integer member of o, 0 when absent. */
static int64_t
num(json_t *o, const char *key)
{
	return (int64_t)json_integer_value(json_object_get(o, key));
}

/* --- cases --- */

/* A table of counts per status (caseload, from dashboard.c) and a
 * chart over it. */
static int
caseload(struct html *h, json_t *load, const char *id, const char *title)
{
	const struct page_col cols[] = {
		{ _("Status"), 0 }, { _("Cases"), COL_NUM },
	};
	struct page_table t;
	json_t *by = json_object_get(load, "by_status");
	json_t *cats, *data;
	int s;

	html_printf(h, "<h3>%s</h3>", title);
	page_table_begin(&t, h, "striped", NULL, cols, ARRAY_SIZE(cols));
	for (s = 0; s < CASE_STATUS__MAX; s++)
		html_printf(h, "<tr><td>%s</td><td>%N</td></tr>",
		    case_status_label((enum case_status)s),
		    num(by, case_status_code((enum case_status)s)));
	page_table_body_end(&t, CASE_STATUS__MAX, NULL);
	html_printf(h, "<tfoot><tr><th scope=\"row\">%s</th><td>%N</td></tr>"
	    "</tfoot>", _("Total"), num(load, "total"));
	page_table_end(&t, 0, NULL);
	/* A ring of nothing says less than the table's zeros. */
	if (num(load, "total") == 0)
		return 0;
	cats = json_array();
	data = json_array();
	for (s = 0; s < CASE_STATUS__MAX; s++) {
		json_array_append_new(cats, json_string(case_status_label(
		    (enum case_status)s)));
		json_array_append_new(data, json_integer(num(by,
		    case_status_code((enum case_status)s))));
	}
	return page_chart(h, id, title, json_pack("{s:s,s:o,s:[{s:s,s:o}]}",
	    "kind", "pie", "categories", cats, "series", "name", _("Cases"),
	    "data", data));
}

/* The user's own open cases, most recently changed first. */
static void
my_cases(struct html *h, json_t *mine)
{
	const struct page_col cols[] = {
		{ _("Case number"), 0 }, { _("Status"), 0 },
		{ _("Last change (UTC)"), 0 },
	};
	struct page_table t;
	json_t *arr = json_object_get(mine, "cases"), *c;
	char n[PAGE_MARK], w[PAGE_MARK];
	size_t i;

	html_printf(h, "<h3>%s</h3>", _("My active cases"));
	page_table_begin(&t, h, "striped", NULL, cols, ARRAY_SIZE(cols));
	json_array_foreach(arr, i, c) {
		int st = case_status_from_code(str(c, "status"));

		html_printf(h, "<tr><td><a href=\"/cases/%L\">%R</a></td><td>",
		    num(c, "id"), page_case_number(str(c, "case_number"), n));
		page_status_badge(h, st < 0 ? CASE_ACTIVE : (enum case_status)st);
		html_printf(h, "</td><td>%R</td></tr>",
		    page_when_iso(str(c, "updated_at"), w));
	}
	page_table_end(&t, json_array_size(arr),
	    _("No active case is assigned to you."));
	if (num(mine, "total") > (int64_t)json_array_size(arr))
		html_printf(h, "<p><a href=\"/cases\">%s</a></p>",
		    _("All cases"));
}

/* Monitoring visits due and overdue (mine: the user's own). */
static void
followups(struct req *r, struct html *h, json_t *fu, bool mine)
{
	const struct page_col cols[] = {
		{ _("Case number"), 0 }, { _("Due on"), 0 }, { _("State"), 0 },
	};
	struct page_table t;
	json_t *visits = json_object_get(fu, "visits"), *v;
	char n[PAGE_MARK], d[PAGE_MARK];
	size_t i;
	int64_t overdue = num(fu, "overdue");

	html_printf(h, "<h3>%s</h3>", mine ? _("My follow-ups due") :
	    _("Monitoring visits due and overdue"));
	page_table_begin(&t, h, "striped", NULL, cols, ARRAY_SIZE(cols));
	json_array_foreach(visits, i, v) {
		bool late = json_is_true(json_object_get(v, "overdue"));

		html_printf(h, "<tr%R><td><a href=\"/cases/%L/reintegration\">"
		    "%R</a></td><td>%R</td><td>%s</td></tr>",
		    late ? " class=\"overdue\"" : "", num(v, "case_id"),
		    page_case_number(str(v, "case_number"), n),
		    page_day(str(v, "due_on"), d),
		    late ? _("Overdue") : _("Due"));
	}
	page_table_end(&t, json_array_size(visits),
	    _("No visit is due in the next 30 days."));
	if (overdue)
		html_printf(h, "<p class=\"notice\" role=\"status\">%s</p>",
		    page_count(r, P_("%s visit is overdue.",
		    "%s visits are overdue.", overdue), overdue));
	html_printf(h, "<p><a href=\"/visits\">%s</a></p>", _("All visits"));
}

/* --- the office --- */

static void
handovers(struct html *h, json_t *in)
{
	json_t *v;
	char n[PAGE_MARK];
	size_t i;

	html_printf(h, "<h3>%s</h3>", _("Handovers waiting for your answer"));
	if (json_array_size(in) == 0) {
		html_printf(h, "<p class=\"empty\">%s</p>", _("No case waits to "
		    "be handed over to your office."));
		return;
	}
	html_printf(h, "<ul>");
	json_array_foreach(in, i, v)
		html_printf(h, "<li><a href=\"/transfers\">%R</a> · %s %s</li>",
		    page_case_number(str(v, "case_number"), n), _("from"),
		    str(v, "from_office"));
	html_printf(h, "</ul>");
}

static void
stranded(struct html *h, json_t *arr)
{
	json_t *v;
	char n[PAGE_MARK];
	size_t i;

	if (json_array_size(arr) == 0)
		return;
	html_printf(h, "<h3>%s</h3><p class=\"notice\" role=\"status\">%s</p>"
	    "<ul>", _("Cases to reassign"), _("These open cases are assigned "
	    "to someone who has left the office or whose account is "
	    "disabled."));
	json_array_foreach(arr, i, v)
		html_printf(h, "<li><a href=\"/cases/%L\">%R</a> · %s (%s)</li>",
		    num(v, "case_id"), page_case_number(str(v, "case_number"),
		    n), str(v, "username"),
		    json_is_true(json_object_get(v, "disabled")) ?
		    _("account disabled") : _("now in another office"));
	html_printf(h, "</ul>");
}

static int
shelters(struct html *h, json_t *arr)
{
	const struct page_col cols[] = {
		{ _("Shelter"), 0 }, { _("Occupied"), COL_NUM },
		{ _("Capacity"), COL_NUM }, { _("Places free"), COL_NUM },
	};
	struct page_table t;
	json_t *cats, *occupied, *places, *v;
	size_t i;

	html_printf(h, "<h3>%s</h3>", _("Shelter occupancy today"));
	page_table_begin(&t, h, "striped", NULL, cols, ARRAY_SIZE(cols));
	json_array_foreach(arr, i, v) {
		bool full = json_is_true(json_object_get(v, "full"));

		html_printf(h, "<tr%R><td><a href=\"/shelters/%L\">%s</a>%R%s%R"
		    "</td><td>%N</td><td>%N</td><td>%N</td></tr>", full ?
		    " class=\"overdue\"" : "", num(v, "id"), str(v, "name"),
		    full ? " <span class=\"badge\">" : "", full ? _("Full") : "",
		    full ? "</span>" : "", num(v, "occupied"),
		    num(v, "capacity"), num(v, "free"));
	}
	page_table_end(&t, json_array_size(arr),
	    _("The office has no shelter."));
	if (json_array_size(arr) == 0)
		return 0;
	cats = json_array();
	occupied = json_array();
	places = json_array();
	json_array_foreach(arr, i, v) {
		json_array_append(cats, json_object_get(v, "name"));
		json_array_append(occupied, json_object_get(v, "occupied"));
		json_array_append(places, json_object_get(v, "free"));
	}
	return page_chart(h, "chart-shelters", _("Shelter occupancy today"),
	    json_pack("{s:s,s:b,s:o,s:[{s:s,s:o},{s:s,s:o}]}", "kind",
	    "stacked", "integer", 1, "categories", cats, "series", "name",
	    _("Occupied"), "data", occupied, "name", _("Places free"), "data",
	    places));
}

/* --- the fund --- */

static void
turnaround_row(struct html *h, json_t *st, const char *name)
{
	char med[MONEY_TEXT], mean[MONEY_TEXT];
	int64_t n = num(st, "count");

	html_printf(h, "<tr><th scope=\"row\">%s</th><td>%N</td><td>%s</td>"
	    "<td>%s</td></tr>", name, n, n ? page_days_figure(
	    json_number_value(json_object_get(st, "median_hours")), med) : "—",
	    n ? page_days_figure(json_number_value(json_object_get(st,
	    "mean_hours")), mean) : "—");
}

/* Hours as days for a chart, to the hundredth. */
static json_t *
days_of(json_t *hours)
{
	return json_real(round(json_number_value(hours) / 24 * 100) / 100);
}

/* An amount of the fund's figures ("1250.50") as a chart's number. */
static json_t *
amount_number(json_t *o, const char *key)
{
	int64_t cents = 0;

	if (!money_parse(str(o, key), &cents))
		cents = 0;
	return json_real((double)cents / 100);
}

/* The queue: how many wait, the oldest wait, and by office and days
 * waited (a table and a stacked chart). */
static int
fund_queue(struct req *r, struct html *h, json_t *q)
{
	static const char *const waits[FUND_WAIT__MAX] = {
		[FUND_WAIT_WEEK] = "days_0_6", [FUND_WAIT_MONTH] = "days_7_29",
		[FUND_WAIT_LONGER] = "days_30_plus",
	};
	struct page_col cols[FUND_WAIT__MAX + 2];
	struct page_table t;
	json_t *offices = json_object_get(q, "offices"), *o, *cats, *series;
	json_t *data[FUND_WAIT__MAX];
	int64_t count = num(q, "count");
	size_t i;
	int w;

	cols[0] = (struct page_col){ _("Office"), 0 };
	cols[1 + FUND_WAIT_WEEK] = (struct page_col){ _("0 to 6 days"),
	    COL_NUM };
	cols[1 + FUND_WAIT_MONTH] = (struct page_col){ _("7 to 29 days"),
	    COL_NUM };
	cols[1 + FUND_WAIT_LONGER] = (struct page_col){ _("30 days or more"),
	    COL_NUM };
	cols[FUND_WAIT__MAX + 1] = (struct page_col){ _("Total"), COL_NUM };
	html_printf(h, "<h3>%s</h3><p><a href=\"/fund\">%s</a>",
	    _("Fund requests waiting"), page_count(r, P_(
	    "%s request waits for a decision",
	    "%s requests wait for a decision", count), count));
	if (count)
		/* TRANSLATORS: %s is a duration ("3.5 days"). */
		html_printf(h, " · %s", arena_printf(r->arena,
		    _("the oldest for %s"), page_days(r,
		    (double)num(q, "oldest_wait_seconds") / 3600.0)));
	html_printf(h, "</p>");
	if (json_array_size(offices) == 0)
		return 0;

	html_printf(h, "<h4>%s</h4>",
	    _("Requests waiting by office and days waited"));
	page_table_begin(&t, h, "striped", NULL, cols, ARRAY_SIZE(cols));
	cats = json_array();
	for (w = 0; w < FUND_WAIT__MAX; w++)
		data[w] = json_array();
	json_array_foreach(offices, i, o) {
		html_printf(h, "<tr><th scope=\"row\">%s</th><td>%N</td>"
		    "<td>%N</td><td>%N</td><td>%N</td></tr>", str(o, "office"),
		    num(o, waits[FUND_WAIT_WEEK]), num(o, waits[FUND_WAIT_MONTH]),
		    num(o, waits[FUND_WAIT_LONGER]), num(o, "count"));
		json_array_append(cats, json_object_get(o, "office"));
		for (w = 0; w < FUND_WAIT__MAX; w++)
			json_array_append(data[w], json_object_get(o, waits[w]));
	}
	page_table_end(&t, json_array_size(offices), NULL);
	series = json_array();
	for (w = 0; w < FUND_WAIT__MAX; w++)
		json_array_append_new(series, json_pack("{s:s,s:o}", "name",
		    cols[1 + w].head, "data", data[w]));
	return page_chart(h, "chart-fund-queue", _("Requests waiting by office "
	    "and days waited"), json_pack("{s:s,s:b,s:o,s:o}", "kind",
	    "stacked", "integer", 1, "categories", cats, "series", series));
}

/* Turnaround per office and overall (a table), and per office in days
 * (a chart). */
static int
turnaround(struct html *h, json_t *tn)
{
	const struct page_col cols[] = {
		{ _("Office"), 0 }, { _("Decisions"), COL_NUM },
		{ _("Median (days)"), COL_NUM }, { _("Mean (days)"), COL_NUM },
	};
	struct page_table t;
	json_t *offices = json_object_get(tn, "offices"), *o;
	json_t *cats, *median, *mean;
	size_t i;

	html_printf(h, "<h3>%s</h3>", _("Turnaround from request to decision"));
	page_table_begin(&t, h, "striped turnaround", NULL, cols,
	    ARRAY_SIZE(cols));
	json_array_foreach(offices, i, o)
		turnaround_row(h, o, str(o, "office"));
	page_table_body_end(&t, json_array_size(offices), _("No decision yet."));
	html_printf(h, "<tfoot>");
	turnaround_row(h, json_object_get(tn, "overall"), _("All offices"));
	html_printf(h, "</tfoot>");
	page_table_end(&t, 0, NULL);
	if (json_array_size(offices) == 0)
		return 0;
	cats = json_array();
	median = json_array();
	mean = json_array();
	json_array_foreach(offices, i, o) {
		json_array_append(cats, json_object_get(o, "office"));
		json_array_append_new(median, days_of(json_object_get(o,
		    "median_hours")));
		json_array_append_new(mean, days_of(json_object_get(o,
		    "mean_hours")));
	}
	return page_chart(h, "chart-turnaround", _("Days from request to "
	    "decision, by office"), json_pack("{s:s,s:o,s:[{s:s,s:o},"
	    "{s:s,s:o}]}", "kind", "bar", "categories", cats, "series",
	    "name", _("Median (days)"), "data", median,
	    "name", _("Mean (days)"), "data", mean));
}

/* A total's member as its reader writes it; null is a total that
 * overflowed (fund_total_json()). */
static const char *
total_text(json_t *total, const char *key, enum lang lang,
    char out[MONEY_TEXT])
{
	if (json_is_null(json_object_get(total, key)))
		return _("not computable (a rate makes the sum too large)");
	return money_text_of(str(total, key), lang, out);
}

static int
fund_budgets(struct req *r, struct html *h, json_t *b)
{
	const struct page_col cols[] = {
		{ _("Project"), 0 }, { _("Currency"), 0 },
		{ _("Budget"), COL_NUM }, { _("Committed"), COL_NUM },
		{ _("Disbursed"), COL_NUM },
	};
	struct page_table t;
	json_t *lines = json_object_get(b, "lines");
	json_t *total = json_object_get(b, "total");
	json_t *cats, *budget, *committed, *disbursed, *l;
	char x[MONEY_TEXT], y[MONEY_TEXT], z[MONEY_TEXT];
	size_t i;

	html_printf(h, "<h3>%s</h3>", _("Budgets"));
	page_table_begin(&t, h, "striped", NULL, cols, ARRAY_SIZE(cols));
	json_array_foreach(lines, i, l)
		html_printf(h, "<tr><td><a href=\"/projects/%L\">%s</a></td>"
		    "<td>%s</td><td>%s</td><td>%s</td><td>%s</td></tr>",
		    num(l, "project_id"), str(l, "project"), str(l, "currency"),
		    money_text_of(str(l, "budget"), r->lang, x),
		    money_text_of(str(l, "committed"), r->lang, y),
		    money_text_of(str(l, "disbursed"), r->lang, z));
	page_table_body_end(&t, json_array_size(lines), _("No project yet."));
	html_printf(h, "<tfoot><tr><th scope=\"row\">%s</th><td>%s</td>"
	    "<td>%s</td><td>%s</td><td>%s</td></tr></tfoot>",
	    json_is_true(json_object_get(total, "incomplete")) ?
	    _("Total (some currencies have no rate)") : _("Total"),
	    str(total, "currency"),
	    total_text(total, "budget", r->lang, x),
	    total_text(total, "committed", r->lang, y),
	    total_text(total, "disbursed", r->lang, z));
	page_table_end(&t, 0, NULL);
	if (json_array_size(lines) == 0)
		return 0;
	cats = json_array();
	budget = json_array();
	committed = json_array();
	disbursed = json_array();
	json_array_foreach(lines, i, l) {
		json_array_append_new(cats, json_sprintf("%s (%s)",
		    str(l, "project"), str(l, "currency")));
		json_array_append_new(budget, amount_number(l, "budget"));
		json_array_append_new(committed, amount_number(l, "committed"));
		json_array_append_new(disbursed, amount_number(l, "disbursed"));
	}
	/* Horizontal bars: the project names are read whole. */
	return page_chart(h, "chart-budgets", _("Budgets"),
	    json_pack("{s:s,s:b,s:o,s:[{s:s,s:o},{s:s,s:o},{s:s,s:o}]}",
	    "kind", "bar", "horizontal", 1, "categories", cats, "series",
	    "name", _("Budget"), "data", budget,
	    "name", _("Committed"), "data", committed,
	    "name", _("Disbursed"), "data", disbursed));
}

/* --- medical officer --------------------------------------------------- */

#define HEALTH_CASES_MAX 500

struct health_case {
	int64_t id;
	char number[DB_CASENO_MAX];
	int64_t records;
	char latest[11];	/* the latest record's date */
	char follow_up[11];	/* the earliest follow-up from today, or the
				 * latest one past */
};

struct health_list {
	struct health_case *c;
	size_t n;
};

static int
health_case_cb(void *arg, const struct case_row *c)
{
	struct health_list *l = arg;

	if (l->n >= HEALTH_CASES_MAX)
		return 1;
	memset(&l->c[l->n], 0, sizeof(l->c[l->n]));
	l->c[l->n].id = c->id;
	snprintf(l->c[l->n].number, sizeof(l->c[l->n].number), "%s", c->number);
	l->n++;
	return 0;
}

struct health_dates {
	struct health_case *c;
	const char *today;
};

static int
health_record_cb(void *arg, const struct case_record *rec)
{
	struct health_dates *x = arg;
	struct health_case *c = x->c;
	char *fu = c->follow_up;

	c->records++;
	if (strcmp(rec->d1, c->latest) > 0)
		snprintf(c->latest, sizeof(c->latest), "%s", rec->d1);
	/* The next follow-up to come; failing that, the last one missed. */
	if (*rec->d2 && (*fu == '\0' ||
	    (strcmp(rec->d2, x->today) >= 0 ? strcmp(fu, x->today) < 0 ||
	    strcmp(rec->d2, fu) < 0 : strcmp(fu, x->today) < 0 &&
	    strcmp(rec->d2, fu) > 0)))
		snprintf(fu, sizeof(c->follow_up), "%s", rec->d2);
	return 0;
}

/*
 * The office's cases with health records: how many, the latest one's
 * date and the follow-up due, never what the records say. Only for who
 * may read the office's health records; the listing is audited.
 */
static int
health_followups(struct req *r, struct html *h)
{
	const struct page_col cols[] = {
		{ _("Case number"), 0 }, { _("Health records"), COL_NUM },
		{ _("Latest record"), 0 }, { _("Follow-up due"), 0 },
	};
	struct case_filter f = { 0 };
	struct health_list l = { 0 };
	struct page_table t;
	char today[DATE_SIZE], n[PAGE_MARK], d1[PAGE_MARK], d2[PAGE_MARK];
	int64_t total = 0;
	size_t i, shown = 0;
	int rc = -1;

	if (!cases_health_ok(r) || cases_office_scope(r) <= 0)
		return 0;
	date_of(r->now, today);
	if ((l.c = calloc(HEALTH_CASES_MAX, sizeof(*l.c))) == NULL)
		return error("dashboard: out of memory");
	cases_filter_scope(r, &f);
	f.status = -1;
	f.limit = HEALTH_CASES_MAX;
	if (db_case_list(r->app->db, &f, health_case_cb, &l, &total) != DB_OK)
		goto out;
	for (i = 0; i < l.n; i++) {
		struct health_dates x = { &l.c[i], today };

		if (db_record_list(r->app->db, l.c[i].id, prot_health.name,
		    health_record_cb, &x) != DB_OK)
			goto out;
	}
	html_printf(h, "<h3>%s</h3>", _("Health follow-ups"));
	page_table_begin(&t, h, "striped", NULL, cols, ARRAY_SIZE(cols));
	for (i = 0; i < l.n; i++) {
		const struct health_case *c = &l.c[i];
		bool late = *c->follow_up && strcmp(c->follow_up, today) < 0;

		if (c->records == 0)
			continue;
		shown++;
		html_printf(h, "<tr%R><td><a href=\"/cases/%L/health\">%R</a>"
		    "</td><td>%N</td><td>%R</td><td>%R%R%s%R</td></tr>",
		    late ? " class=\"overdue\"" : "", c->id,
		    page_case_number(c->number, n), c->records,
		    page_day(c->latest, d1), page_day(c->follow_up, d2),
		    late ? " <span class=\"badge\">" : "", late ? _("Overdue") :
		    "", late ? "</span>" : "");
	}
	page_table_end(&t, shown, _("No case of the office has a health "
	    "record."));
	if (audit(r, "health.list", 0, NULL, json_pack("{s:I}", "count",
	    (json_int_t)shown)) < 0)
		goto out;
	rc = 0;
out:
	free(l.c);
	return rc;
}

/* --- administrator ----------------------------------------------------- */

#define ADMIN_OFFICES_MAX 64

struct office_count {
	char code[DB_CODE_MAX];
	char name[DB_NAME_MAX];
	int64_t active, disabled;
};

struct office_counts {
	struct office_count o[ADMIN_OFFICES_MAX];
	size_t n;
	int64_t active, disabled, locked;
	int64_t now;
};

static int
office_count_cb(void *arg, const struct office *o)
{
	struct office_counts *x = arg;

	if (x->n == ADMIN_OFFICES_MAX)
		return 1;
	snprintf(x->o[x->n].code, sizeof(x->o[x->n].code), "%s", o->code);
	snprintf(x->o[x->n].name, sizeof(x->o[x->n].name), "%s", o->name);
	x->n++;
	return 0;
}

static int
user_count_cb(void *arg, const struct user *u)
{
	struct office_counts *x = arg;
	size_t i;

	if (u->disabled)
		x->disabled++;
	else
		x->active++;
	if (u->locked_until > x->now)
		x->locked++;
	for (i = 0; i < x->n; i++)
		if (strcmp(x->o[i].code, u->office_code) == 0) {
			if (u->disabled)
				x->o[i].disabled++;
			else
				x->o[i].active++;
		}
	return 0;
}

static int
accounts(struct req *r, struct html *h)
{
	const struct page_col cols[] = {
		{ _("Office"), 0 }, { _("Active users"), COL_NUM },
		{ _("Disabled"), COL_NUM },
	};
	struct office_counts *x = calloc(1, sizeof(*x));
	struct page_table t;
	size_t i;

	if (x == NULL)
		return error("dashboard: out of memory");
	x->now = r->now;
	if (db_office_list(r->app->db, office_count_cb, x) != DB_OK ||
	    db_user_list(r->app->db, user_count_cb, x) != DB_OK) {
		free(x);
		return -1;
	}
	html_printf(h, "<h3>%s</h3><p>%s · %s · %s</p>", _("Accounts"),
	    page_count(r, P_("%s office", "%s offices", x->n), (int64_t)x->n),
	    page_count(r, P_("%s active user", "%s active users", x->active),
	    x->active), page_count(r, P_("%s account locked out now",
	    "%s accounts locked out now", x->locked), x->locked));
	page_table_begin(&t, h, "striped", NULL, cols, ARRAY_SIZE(cols));
	for (i = 0; i < x->n; i++)
		html_printf(h, "<tr><td>%s — %s</td><td>%N</td><td>%N</td></tr>",
		    x->o[i].code, x->o[i].name, x->o[i].active,
		    x->o[i].disabled);
	page_table_body_end(&t, x->n, _("No office yet."));
	html_printf(h, "<tfoot><tr><th scope=\"row\">%s</th><td>%N</td>"
	    "<td>%N</td></tr></tfoot>", _("Total"), x->active, x->disabled);
	page_table_end(&t, 0, NULL);
	html_printf(h, "<p><a href=\"/admin/users\">%s</a> · <a href=\""
	    "/admin/offices\">%s</a></p>", _("Users"), _("Offices"));
	free(x);
	return 0;
}

#define ACTIVITY_MAX 160		/* distinct actions counted */
#define ACTIVITY_SHOWN 12
#define ACTIVITY_ENTRIES 100000		/* entries read at most */

struct action_count {
	char action[DB_ACTION_MAX];
	int64_t day, week;
};

struct activity {
	struct action_count a[ACTIVITY_MAX];
	size_t n;
	int64_t since_day;
	int64_t day, week, refused_day, refused_week;
};

static int
activity_cb(void *arg, const struct audit_entry *e)
{
	struct activity *x = arg;
	bool today = e->at >= x->since_day;
	bool refused = strstr(e->action, ".denied") != NULL ||
	    strcmp(e->action, "login.failed") == 0 ||
	    strcmp(e->action, "login.locked") == 0;
	size_t i;

	x->week++;
	x->day += today;
	x->refused_week += refused;
	x->refused_day += refused && today;
	for (i = 0; i < x->n; i++)
		if (strcmp(x->a[i].action, e->action) == 0)
			break;
	if (i == x->n) {
		if (x->n == ACTIVITY_MAX)
			return 0;
		snprintf(x->a[i].action, sizeof(x->a[i].action), "%s",
		    e->action);
		x->n++;
	}
	x->a[i].week++;
	x->a[i].day += today;
	return 0;
}

/* The audit trail of the last seven days: entries, refusals, and the
 * most frequent actions, each linked to the trail filtered on it. */
static int
activity(struct req *r, struct html *h)
{
	const struct page_col cols[] = {
		{ _("Action"), 0 }, { _("Last 24 hours"), COL_NUM },
		{ _("Last 7 days"), COL_NUM },
	};
	struct audit_filter f = { 0 };
	struct activity *x = calloc(1, sizeof(*x));
	struct page_table t;
	char from[DATE_SIZE], label[AUDIT_LABEL_MAX];
	int64_t total = 0;
	size_t i, j, shown;

	if (x == NULL)
		return error("dashboard: out of memory");
	x->since_day = r->now - 24 * 3600;
	f.from = r->now - 7 * 24 * 3600;
	f.limit = ACTIVITY_ENTRIES;
	if (db_audit_list(r->app->db, &f, activity_cb, x, &total) != DB_OK) {
		free(x);
		return -1;
	}
	/* Most frequent first (a few dozen actions: a selection sort). */
	for (i = 0; i < x->n; i++)
		for (j = i + 1; j < x->n; j++)
			if (x->a[j].week > x->a[i].week) {
				struct action_count tmp = x->a[i];

				x->a[i] = x->a[j];
				x->a[j] = tmp;
			}
	date_of(f.from, from);
	html_printf(h, "<h3>%s</h3>", _("Audit trail of the last 7 days"));
	page_table_begin(&t, h, "striped", NULL, cols, ARRAY_SIZE(cols));
	shown = x->n < ACTIVITY_SHOWN ? x->n : ACTIVITY_SHOWN;
	for (i = 0; i < shown; i++)
		html_printf(h, "<tr><td><a href=\"/admin/audit?action=%U&amp;"
		    "from=%U\">%s</a> <small class=\"muted\"><code>%s</code>"
		    "</small></td><td>%N</td><td>%N</td></tr>", x->a[i].action,
		    from, audit_action_label(x->a[i].action, label),
		    x->a[i].action, x->a[i].day, x->a[i].week);
	page_table_body_end(&t, shown, _("Nothing was recorded in the last "
	    "7 days."));
	html_printf(h, "<tfoot><tr><th scope=\"row\">%s</th><td>%N</td>"
	    "<td>%N</td></tr><tr><th scope=\"row\">%s</th><td>%N</td>"
	    "<td>%N</td></tr></tfoot>", _("All entries"), x->day, x->week,
	    _("Refusals and failed logins"), x->refused_day,
	    x->refused_week);
	page_table_end(&t, 0, NULL);
	html_printf(h, "<p><a href=\"/admin/audit\">%s</a></p>",
	    _("The whole audit trail"));
	free(x);
	return 0;
}

/* --- researcher -------------------------------------------------------- */

struct datasets {
	struct req *r;
	struct html *h;
	size_t n;
	int failed;
};

static int
dataset_row_cb(void *arg, const struct dataset_info *d)
{
	struct datasets *x = arg;
	struct dataset *ds = NULL;
	const char *var;
	char when[PAGE_MARK];

	/* The first variable's table, to download in one click. */
	if (db_dataset_load(x->r->app->db, d->name, &ds) != DB_OK) {
		x->failed = 1;
		return 1;
	}
	var = dataset_nvars(ds) ? dataset_var_name(ds, 0) : "";
	html_printf(x->h, "<tr><td><a href=\"/stats?dataset=%U\">%s</a></td>"
	    "<td>%N</td><td>%R</td><td><a href=\"/stats?dataset=%U&amp;by=%U\">"
	    "%s</a> · <a href=\"/api/v1/stats?dataset=%U&amp;by=%U&amp;"
	    "format=csv\" download>%s</a> · <a href=\"/api/v1/stats?dataset=%U"
	    "&amp;by=%U&amp;format=xlsx\" download>%s</a></td></tr>", d->name,
	    d->name, d->rows, page_when(d->imported_at, when), d->name, var,
	    _("Statistics"), d->name, var, _("CSV"), d->name, var, _("XLSX"));
	dataset_free(ds);
	x->n++;
	return 0;
}

/* The datasets a researcher counts in, with their size and links to
 * the statistics and the downloads of each one's first table. */
static int
research(struct req *r, struct html *h)
{
	const struct page_col cols[] = {
		{ _("Dataset"), 0 }, { _("Rows"), COL_NUM },
		{ _("Imported (UTC)"), 0 }, { _("Tables"), 0 },
	};
	struct datasets x = { r, h, 0, 0 };
	struct page_table t;

	html_printf(h, "<section><h2>%s</h2><p>%s</p><h3>%s</h3>",
	    _("Research"), _("Anonymised counts only: cells with fewer cases "
	    "than the threshold are suppressed, and our caseload counts only "
	    "the cases whose consent covers research. Each table can be "
	    "downloaded as CSV or XLSX."), _("Datasets"));
	page_table_begin(&t, h, "striped", NULL, cols, ARRAY_SIZE(cols));
	html_printf(h, "<tr><td><a href=\"/stats?dataset=caseload\">%s</a>"
	    "</td><td>—</td><td>—</td><td><a href=\"/stats?dataset=caseload"
	    "&amp;by=gender\">%s</a></td></tr>", _("Our caseload"),
	    _("Statistics"));
	if (db_dataset_list(r->app->db, dataset_row_cb, &x) != DB_OK ||
	    x.failed)
		return -1;
	page_table_end(&t, x.n + 1, NULL);
	if (x.n == 0)
		html_printf(h, "<p>%s</p>", _("No research dataset has been "
		    "imported yet."));
	html_printf(h, "<p><a href=\"/stats\">%s</a></p></section>",
	    _("Open the statistics"));
	return 0;
}

/* --- the page --- */

/* Writes the parts of d (dashboard_json) that r's user has, and the
 * page's own sections. */
static int
parts(struct req *r, struct html *h, json_t *d, bool *charts)
{
	json_t *p;

	if ((p = json_object_get(d, "my_work")) != NULL) {
		html_printf(h, "<section><h2>%s</h2>", _("My work"));
		my_cases(h, json_object_get(p, "cases"));
		if (caseload(h, json_object_get(p, "caseload"), "chart-mine",
		    _("My cases by status")) < 0)
			return -1;
		if (json_object_get(p, "followups"))
			followups(r, h, json_object_get(p, "followups"), true);
		html_printf(h, "</section>");
		*charts = true;
	}
	if ((p = json_object_get(d, "office_overview")) != NULL) {
		html_printf(h, "<section><h2>%s</h2>", _("The office"));
		if (caseload(h, json_object_get(p, "caseload"), "chart-office",
		    _("Office caseload")) < 0)
			return -1;
		handovers(h, json_object_get(p, "handovers"));
		stranded(h, json_object_get(p, "stranded"));
		if (json_object_get(p, "shelters") &&
		    shelters(h, json_object_get(p, "shelters")) < 0)
			return -1;
		if (json_object_get(p, "followups"))
			followups(r, h, json_object_get(p, "followups"), false);
		html_printf(h, "</section>");
		*charts = true;
	}
	if ((p = json_object_get(d, "fund")) != NULL) {
		html_printf(h, "<section><h2>%s</h2>",
		    _("Global Assistance Fund"));
		if (fund_queue(r, h, json_object_get(p, "queue")) < 0 ||
		    turnaround(h, json_object_get(p, "turnaround")) < 0 ||
		    fund_budgets(r, h, json_object_get(p, "budgets")) < 0)
			return -1;
		html_printf(h, "</section>");
		*charts = true;
	}
	if ((p = json_object_get(d, "health")) != NULL) {
		html_printf(h, "<section><h2>%s</h2>", _("Health"));
		if (caseload(h, json_object_get(p, "caseload"), "chart-health",
		    _("Office caseload")) < 0 || health_followups(r, h) < 0)
			return -1;
		html_printf(h, "<p><a href=\"/cases\">%s</a></p></section>",
		    _("Cases"));
		*charts = true;
	}
	if (json_object_get(d, "administration")) {
		html_printf(h, "<section><h2>%s</h2>", _("Administration"));
		if (accounts(r, h) < 0 ||
		    (user_can(&r->user, PERM_AUDIT_READ) && activity(r, h) < 0))
			return -1;
		html_printf(h, "</section>");
	}
	if (user_can(&r->user, PERM_STATS_READ) &&
	    !user_can(&r->user, PERM_CASE_READ) &&
	    !user_can(&r->user, PERM_FUND_READ) &&
	    !user_can(&r->user, PERM_ADMIN_USERS) && research(r, h) < 0)
		return -1;
	return 0;
}

int
page_dashboard(struct req *r)
{
	struct html h;
	json_t *d;
	bool charts = false;
	int rc;

	if ((d = dashboard_json(r)) == NULL)
		return -1;
	html_init(&h, HTTP_PAGE_MAX);
	page_begin(r, &h, _("Dashboard"));
	html_printf(&h, "<hgroup><h1>%s</h1><p>%s · %s</p></hgroup>",
	    _("Dashboard"), role_label(r->user.role), r->user.office_code);
	rc = parts(r, &h, d, &charts);
	json_decref(d);
	if (rc < 0) {
		html_release(&h);
		return -1;
	}
	if (charts)
		page_chart_scripts(&h);
	page_end(r, &h);
	rc = resp_html(r, 200, &h);
	html_release(&h);
	return rc;
}
