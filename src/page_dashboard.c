/*
 * page_dashboard.c - the start page: what each role has to do today.
 *
 * Caseworker: my cases and my follow-ups. Office manager: the office's
 * caseload, incoming handovers, shelters and overdue visits. Programme
 * manager: the fund's queue, budgets and turnaround. Every figure comes
 * from dashboard_json() (dashboard.h), the object GET /api/v1/dashboard
 * answers: this file only writes it out, in tables, with charts drawn
 * over them when JavaScript runs. The object is trusted (ours); the
 * texts in it (case numbers, names of shelters and projects, usernames)
 * are escaped by html_printf() like any other.
 */
#include "compat.h"

#include <math.h>
#include <stdio.h>
#include <string.h>

#include "cases.h"
#include "dashboard.h"
#include "fund.h"
#include "handlers.h"
#include "i18n.h"
#include "log.h"
#include "money.h"
#include "page.h"

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

/* An instant "YYYY-MM-DDTHH:MM:SSZ" as page_time() writes one. */
static const char *
iso_time(const char *iso, char out[32])
{
	snprintf(out, 32, "%.16s", iso);
	if (strlen(out) > 10 && out[10] == 'T')
		out[10] = ' ';
	return out;
}

/* --- cases --- */

/* A table of counts per status (caseload, from dashboard.c) and a
 * chart over it. */
static int
caseload(struct html *h, json_t *load, const char *id, const char *title)
{
	json_t *by = json_object_get(load, "by_status");
	json_t *cats = json_array(), *data = json_array();
	int s;

	html_printf(h, "<h3>%s</h3><figure><table class=\"striped\"><thead><tr>"
	    "<th scope=\"col\">%s</th><th scope=\"col\">%s</th></tr></thead>"
	    "<tbody>", title, _("Status"), _("Cases"));
	for (s = 0; s < CASE_STATUS__MAX; s++) {
		int64_t n = num(by, case_status_code((enum case_status)s));

		html_printf(h, "<tr><td>%s</td><td>%L</td></tr>",
		    case_status_label((enum case_status)s), n);
		json_array_append_new(cats, json_string(case_status_label(
		    (enum case_status)s)));
		json_array_append_new(data, json_integer(n));
	}
	html_printf(h, "</tbody><tfoot><tr><th scope=\"row\">%s</th><td>%L</td>"
	    "</tr></tfoot></table></figure>", _("Total"), num(load, "total"));
	return page_chart(h, id, title, json_pack("{s:s,s:o,s:[{s:s,s:o}]}",
	    "kind", "pie", "categories", cats, "series", "name", _("Cases"),
	    "data", data));
}

/* The user's own open cases, most recently changed first. */
static void
my_cases(struct html *h, json_t *mine)
{
	json_t *arr = json_object_get(mine, "cases"), *c;
	char t[32];
	size_t i;

	html_printf(h, "<h3>%s</h3><figure><table class=\"striped\"><thead><tr>"
	    "<th scope=\"col\">%s</th><th scope=\"col\">%s</th>"
	    "<th scope=\"col\">%s</th></tr></thead><tbody>", _("My active cases"),
	    _("Case number"), _("Status"), _("Last change (UTC)"));
	json_array_foreach(arr, i, c) {
		int st = case_status_from_code(str(c, "status"));

		html_printf(h, "<tr><td><a href=\"/cases/%L\">%s</a></td><td>"
		    "<span class=\"badge status-%s\">%s</span></td><td>%s</td>"
		    "</tr>", num(c, "id"), str(c, "case_number"),
		    str(c, "status"), case_status_label(st < 0 ? CASE_ACTIVE :
		    (enum case_status)st), iso_time(str(c, "updated_at"), t));
	}
	if (json_array_size(arr) == 0)
		html_printf(h, "<tr><td colspan=\"3\">%s</td></tr>",
		    _("No active case is assigned to you."));
	html_printf(h, "</tbody></table></figure>");
	if (num(mine, "total") > (int64_t)json_array_size(arr))
		html_printf(h, "<p><a href=\"/cases\">%s</a></p>",
		    _("All cases"));
}

/* Monitoring visits due and overdue (mine: the user's own). */
static void
followups(struct html *h, json_t *fu, bool mine)
{
	json_t *v;
	size_t i;
	int64_t overdue = num(fu, "overdue");

	html_printf(h, "<h3>%s</h3><figure><table class=\"striped\"><thead><tr>"
	    "<th scope=\"col\">%s</th><th scope=\"col\">%s</th>"
	    "<th scope=\"col\">%s</th></tr></thead><tbody>", mine ?
	    _("My follow-ups due") : _("Monitoring visits due and overdue"),
	    _("Case number"), _("Due on"), _("State"));
	json_array_foreach(json_object_get(fu, "visits"), i, v) {
		bool late = json_is_true(json_object_get(v, "overdue"));

		html_printf(h, "<tr%R><td><a href=\"/cases/%L/reintegration\">"
		    "%s</a></td><td>%s</td><td>%s</td></tr>",
		    late ? " class=\"overdue\"" : "", num(v, "case_id"),
		    str(v, "case_number"), str(v, "due_on"),
		    late ? _("Overdue") : _("Due"));
	}
	if (json_array_size(json_object_get(fu, "visits")) == 0)
		html_printf(h, "<tr><td colspan=\"3\">%s</td></tr>",
		    _("No visit is due in the next 30 days."));
	html_printf(h, "</tbody></table></figure>");
	if (overdue)
		html_printf(h, "<p class=\"notice\" role=\"status\">%L %s</p>",
		    overdue, _("visits are overdue."));
	html_printf(h, "<p><a href=\"/visits\">%s</a></p>", _("All visits"));
}

/* --- the office --- */

static void
handovers(struct html *h, json_t *in)
{
	json_t *v;
	size_t i;

	html_printf(h, "<h3>%s</h3>", _("Handovers waiting for your answer"));
	if (json_array_size(in) == 0) {
		html_printf(h, "<p>%s</p>", _("No case waits to be handed over "
		    "to your office."));
		return;
	}
	html_printf(h, "<ul>");
	json_array_foreach(in, i, v)
		html_printf(h, "<li><a href=\"/transfers\">%s</a> · %s %s</li>",
		    str(v, "case_number"), _("from"), str(v, "from_office"));
	html_printf(h, "</ul>");
}

static void
stranded(struct html *h, json_t *arr)
{
	json_t *v;
	size_t i;

	if (json_array_size(arr) == 0)
		return;
	html_printf(h, "<h3>%s</h3><p class=\"notice\" role=\"status\">%s</p>"
	    "<ul>", _("Cases to reassign"), _("These open cases are assigned "
	    "to someone who has left the office or whose account is "
	    "disabled."));
	json_array_foreach(arr, i, v)
		html_printf(h, "<li><a href=\"/cases/%L\">%s</a> · %s (%s)</li>",
		    num(v, "case_id"), str(v, "case_number"), str(v, "username"),
		    json_is_true(json_object_get(v, "disabled")) ?
		    _("account disabled") : _("now in another office"));
	html_printf(h, "</ul>");
}

static int
shelters(struct html *h, json_t *arr)
{
	json_t *cats, *occupied, *places, *v;
	size_t i;

	html_printf(h, "<h3>%s</h3><figure><table class=\"striped\"><thead><tr>"
	    "<th scope=\"col\">%s</th><th scope=\"col\">%s</th>"
	    "<th scope=\"col\">%s</th><th scope=\"col\"></th></tr></thead>"
	    "<tbody>", _("Shelter occupancy today"), _("Shelter"),
	    _("Occupied"), _("Capacity"));
	json_array_foreach(arr, i, v) {
		bool full = json_is_true(json_object_get(v, "full"));

		html_printf(h, "<tr%R><td><a href=\"/shelters/%L\">%s</a></td>"
		    "<td>%L</td><td>%L</td><td>%s</td></tr>", full ?
		    " class=\"overdue\"" : "", num(v, "id"), str(v, "name"),
		    num(v, "occupied"), num(v, "capacity"),
		    full ? _("Full") : _("Places free"));
	}
	if (json_array_size(arr) == 0) {
		html_printf(h, "<tr><td colspan=\"4\">%s</td></tr></tbody>"
		    "</table></figure>", _("The office has no shelter."));
		return 0;
	}
	html_printf(h, "</tbody></table></figure>");
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

/* Hours as "3.5 h" or days beyond two days. */
static void
duration(char *out, size_t size, double hours)
{
	if (hours >= 48)
		snprintf(out, size, "%.1f %s", hours / 24, _("days"));
	else
		snprintf(out, size, "%.1f %s", hours, _("hours"));
}

static void
turnaround_row(struct html *h, json_t *st, const char *name)
{
	char med[32], mean[32];
	int64_t n = num(st, "count");

	duration(med, sizeof(med), json_number_value(json_object_get(st,
	    "median_hours")));
	duration(mean, sizeof(mean), json_number_value(json_object_get(st,
	    "mean_hours")));
	html_printf(h, "<tr><th scope=\"row\">%s</th><td>%L</td><td>%s</td>"
	    "<td>%s</td></tr>", name, n, n ? med : "—", n ? mean : "—");
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
fund_queue(struct html *h, json_t *q)
{
	static const char *const waits[FUND_WAIT__MAX] = {
		[FUND_WAIT_WEEK] = "days_0_6", [FUND_WAIT_MONTH] = "days_7_29",
		[FUND_WAIT_LONGER] = "days_30_plus",
	};
	const char *labels[FUND_WAIT__MAX];
	json_t *offices = json_object_get(q, "offices"), *o, *cats, *series;
	json_t *data[FUND_WAIT__MAX];
	char wait[32];
	size_t i;
	int w;

	labels[FUND_WAIT_WEEK] = _("0 to 6 days");
	labels[FUND_WAIT_MONTH] = _("7 to 29 days");
	labels[FUND_WAIT_LONGER] = _("30 days or more");
	duration(wait, sizeof(wait), (double)num(q, "oldest_wait_seconds") /
	    3600.0);
	html_printf(h, "<h3>%s</h3><p><a href=\"/fund\"><strong>%L</strong> %s"
	    "</a>", _("Fund requests waiting"), num(q, "count"),
	    _("requests wait for a decision"));
	if (num(q, "count"))
		html_printf(h, " · %s %s", _("the oldest for"), wait);
	html_printf(h, "</p>");
	if (json_array_size(offices) == 0)
		return 0;

	html_printf(h, "<figure><table class=\"striped\"><caption>%s</caption>"
	    "<thead><tr><th scope=\"col\">%s</th><th scope=\"col\">%s</th>"
	    "<th scope=\"col\">%s</th><th scope=\"col\">%s</th>"
	    "<th scope=\"col\">%s</th></tr></thead><tbody>",
	    _("Requests waiting by office and days waited"), _("Office"),
	    labels[FUND_WAIT_WEEK], labels[FUND_WAIT_MONTH],
	    labels[FUND_WAIT_LONGER], _("Total"));
	cats = json_array();
	for (w = 0; w < FUND_WAIT__MAX; w++)
		data[w] = json_array();
	json_array_foreach(offices, i, o) {
		html_printf(h, "<tr><th scope=\"row\">%s</th><td>%L</td>"
		    "<td>%L</td><td>%L</td><td>%L</td></tr>", str(o, "office"),
		    num(o, waits[FUND_WAIT_WEEK]), num(o, waits[FUND_WAIT_MONTH]),
		    num(o, waits[FUND_WAIT_LONGER]), num(o, "count"));
		json_array_append(cats, json_object_get(o, "office"));
		for (w = 0; w < FUND_WAIT__MAX; w++)
			json_array_append(data[w], json_object_get(o, waits[w]));
	}
	html_printf(h, "</tbody></table></figure>");
	series = json_array();
	for (w = 0; w < FUND_WAIT__MAX; w++)
		json_array_append_new(series, json_pack("{s:s,s:o}", "name",
		    labels[w], "data", data[w]));
	return page_chart(h, "chart-fund-queue", _("Requests waiting by office "
	    "and days waited"), json_pack("{s:s,s:b,s:o,s:o}", "kind",
	    "stacked", "integer", 1, "categories", cats, "series", series));
}

/* Turnaround per office and overall (a table), and per office in days
 * (a chart). */
static int
turnaround(struct html *h, json_t *t)
{
	json_t *offices = json_object_get(t, "offices"), *o;
	json_t *cats, *median, *mean;
	size_t i;

	html_printf(h, "<h3>%s</h3><figure><table class=\"striped\"><thead><tr>"
	    "<th scope=\"col\">%s</th><th scope=\"col\">%s</th>"
	    "<th scope=\"col\">%s</th><th scope=\"col\">%s</th></tr></thead>"
	    "<tbody>", _("Turnaround from request to decision"), _("Office"),
	    _("Decisions"), _("Median"), _("Mean"));
	json_array_foreach(offices, i, o)
		turnaround_row(h, o, str(o, "office"));
	turnaround_row(h, json_object_get(t, "overall"), _("All offices"));
	html_printf(h, "</tbody></table></figure>");
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
	json_t *lines = json_object_get(b, "lines");
	json_t *total = json_object_get(b, "total");
	json_t *cats, *budget, *committed, *disbursed, *l;
	char x[MONEY_TEXT], y[MONEY_TEXT], z[MONEY_TEXT];
	size_t i;

	html_printf(h, "<h3>%s</h3><figure><table class=\"striped\"><thead><tr>"
	    "<th scope=\"col\">%s</th><th scope=\"col\">%s</th>"
	    "<th scope=\"col\">%s</th><th scope=\"col\">%s</th>"
	    "<th scope=\"col\">%s</th></tr></thead><tbody>", _("Budgets"),
	    _("Project"), _("Currency"), _("Budget"), _("Committed"),
	    _("Disbursed"));
	cats = json_array();
	budget = json_array();
	committed = json_array();
	disbursed = json_array();
	json_array_foreach(lines, i, l) {
		html_printf(h, "<tr><td><a href=\"/projects/%L\">%s</a></td>"
		    "<td>%s</td><td>%s</td><td>%s</td><td>%s</td></tr>",
		    num(l, "project_id"), str(l, "project"), str(l, "currency"),
		    money_text_of(str(l, "budget"), r->lang, x),
		    money_text_of(str(l, "committed"), r->lang, y),
		    money_text_of(str(l, "disbursed"), r->lang, z));
		json_array_append_new(cats, json_sprintf("%s (%s)",
		    str(l, "project"), str(l, "currency")));
		json_array_append_new(budget, amount_number(l, "budget"));
		json_array_append_new(committed, amount_number(l, "committed"));
		json_array_append_new(disbursed, amount_number(l, "disbursed"));
	}
	html_printf(h, "</tbody><tfoot><tr><th scope=\"row\">%s</th><td>%s</td>"
	    "<td>%s</td><td>%s</td><td>%s</td></tr></tfoot></table></figure>",
	    json_is_true(json_object_get(total, "incomplete")) ?
	    _("Total (some currencies have no rate)") : _("Total"),
	    str(total, "currency"),
	    total_text(total, "budget", r->lang, x),
	    total_text(total, "committed", r->lang, y),
	    total_text(total, "disbursed", r->lang, z));
	return page_chart(h, "chart-budgets", _("Budgets"),
	    json_pack("{s:s,s:o,s:[{s:s,s:o},{s:s,s:o},{s:s,s:o}]}",
	    "kind", "bar", "categories", cats, "series",
	    "name", _("Budget"), "data", budget,
	    "name", _("Committed"), "data", committed,
	    "name", _("Disbursed"), "data", disbursed));
}

/* --- the page --- */

/* Writes the parts of d (dashboard_json) that r's user has. */
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
			followups(h, json_object_get(p, "followups"), true);
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
			followups(h, json_object_get(p, "followups"), false);
		html_printf(h, "</section>");
		*charts = true;
	}
	if ((p = json_object_get(d, "fund")) != NULL) {
		html_printf(h, "<section><h2>%s</h2>",
		    _("Global Assistance Fund"));
		if (fund_queue(h, json_object_get(p, "queue")) < 0 ||
		    turnaround(h, json_object_get(p, "turnaround")) < 0 ||
		    fund_budgets(r, h, json_object_get(p, "budgets")) < 0)
			return -1;
		html_printf(h, "</section>");
		*charts = true;
	}
	if ((p = json_object_get(d, "health")) != NULL) {
		html_printf(h, "<section><h2>%s</h2>", _("Health"));
		if (caseload(h, json_object_get(p, "caseload"), "chart-health",
		    _("Office caseload")) < 0)
			return -1;
		html_printf(h, "<p><a href=\"/cases\">%s</a></p></section>",
		    _("Cases"));
		*charts = true;
	}
	if (json_object_get(d, "administration"))
		html_printf(h, "<section><h2>%s</h2><ul><li><a href=\"/admin/"
		    "users\">%s</a></li><li><a href=\"/admin/offices\">%s</a>"
		    "</li><li><a href=\"/admin/audit\">%s</a></li></ul>"
		    "</section>", _("Administration"), _("Users"), _("Offices"),
		    _("Audit"));
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
