/*
 * page_dashboard.c - the start page: what each role has to do today.
 *
 * Caseworker: my cases and my follow-ups. Office manager: the office's
 * caseload, incoming handovers, shelters and overdue visits. Programme
 * manager: the fund's queue, budgets and turnaround. Each section shows
 * only what the role may see; figures are in tables, with charts drawn
 * over them when JavaScript runs.
 */
#include "compat.h"

#include <stdio.h>
#include <string.h>

#include "cases.h"
#include "dashboard.h"
#include "handlers.h"
#include "i18n.h"
#include "log.h"
#include "page.h"

struct rows {
	struct html *h;
	int n;
};

static int
case_row_cb(void *arg, const struct case_row *c)
{
	struct rows *x = arg;
	char t[32];

	html_printf(x->h, "<tr><td><a href=\"/cases/%L\">%s</a></td><td>"
	    "<span class=\"badge status-%s\">%s</span></td><td>%s</td></tr>",
	    c->id, c->number, case_status_code(c->status),
	    case_status_label(c->status), page_time(c->updated_at, t));
	x->n++;
	return 0;
}

static int
count_cb(void *arg, const struct case_row *c)
{
	(void)arg;
	(void)c;
	return 1;
}

/* Cases of the user's scope per status (assigned_to 0: anyone). */
static int
status_counts(struct req *r, int64_t assigned_to,
    int64_t counts[CASE_STATUS__MAX])
{
	struct case_filter f = { 0 };
	int s;

	for (s = 0; s < CASE_STATUS__MAX; s++) {
		memset(&f, 0, sizeof(f));
		cases_filter_scope(r, &f);
		f.status = s;
		f.assigned_to = assigned_to;
		f.limit = 1;
		counts[s] = 0;
		if (db_case_list(r->app->db, &f, count_cb, NULL, &counts[s]) !=
		    DB_OK)
			return -1;
	}
	return 0;
}

/* A table of counts per status and a chart over it. */
static int
caseload(struct req *r, struct html *h, const char *id, const char *title,
    int64_t assigned_to)
{
	int64_t counts[CASE_STATUS__MAX], total = 0;
	json_t *cats = json_array(), *data = json_array();
	int s;

	if (status_counts(r, assigned_to, counts) < 0) {
		json_decref(cats);
		json_decref(data);
		return -1;
	}
	html_printf(h, "<h3>%s</h3><figure><table class=\"striped\"><thead><tr>"
	    "<th scope=\"col\">%s</th><th scope=\"col\">%s</th></tr></thead>"
	    "<tbody>", title, _("Status"), _("Cases"));
	for (s = 0; s < CASE_STATUS__MAX; s++) {
		html_printf(h, "<tr><td>%s</td><td>%L</td></tr>",
		    case_status_label((enum case_status)s), counts[s]);
		json_array_append_new(cats, json_string(case_status_label(
		    (enum case_status)s)));
		json_array_append_new(data, json_integer(counts[s]));
		total += counts[s];
	}
	html_printf(h, "</tbody><tfoot><tr><th scope=\"row\">%s</th><td>%L</td>"
	    "</tr></tfoot></table></figure>", _("Total"), total);
	return page_chart(h, id, title, json_pack("{s:s,s:o,s:[{s:s,s:o}]}",
	    "kind", "pie", "categories", cats, "series", "name", _("Cases"),
	    "data", data));
}

/* The user's own open cases, most recently changed first. */
static int
my_cases(struct req *r, struct html *h)
{
	struct case_filter f = { 0 };
	struct rows x = { .h = h };
	int64_t total = 0;

	cases_filter_scope(r, &f);
	f.assigned_to = r->user.id;
	f.status = CASE_ACTIVE;
	f.limit = 15;
	html_printf(h, "<h3>%s</h3><figure><table class=\"striped\"><thead><tr>"
	    "<th scope=\"col\">%s</th><th scope=\"col\">%s</th>"
	    "<th scope=\"col\">%s</th></tr></thead><tbody>", _("My active cases"),
	    _("Case number"), _("Status"), _("Last change (UTC)"));
	if (db_case_list(r->app->db, &f, case_row_cb, &x, &total) != DB_OK)
		return -1;
	if (x.n == 0)
		html_printf(h, "<tr><td colspan=\"3\">%s</td></tr>",
		    _("No active case is assigned to you."));
	html_printf(h, "</tbody></table></figure>");
	if (total > x.n)
		html_printf(h, "<p><a href=\"/cases\">%s</a></p>",
		    _("All cases"));
	return 0;
}

int
page_dashboard(struct req *r)
{
	struct html h;
	bool charts = false;
	int rc = 0;

	html_init(&h, HTTP_PAGE_MAX);
	page_begin(r, &h, _("Dashboard"));
	html_printf(&h, "<hgroup><h1>%s</h1><p>%s · %s</p></hgroup>",
	    _("Dashboard"), role_label(r->user.role), r->user.office_code);

	if (user_can(&r->user, PERM_ASSIST) &&
	    user_can(&r->user, PERM_FUND_REQUEST) &&
	    !user_can(&r->user, PERM_TRANSFER_DECIDE)) {
		/* Caseworker. */
		html_printf(&h, "<section><h2>%s</h2>", _("My work"));
		if (my_cases(r, &h) < 0 || caseload(r, &h, "chart-mine",
		    _("My cases by status"), r->user.id) < 0)
			rc = -1;
		charts = true;
		if (rc == 0 && dashboard_followups(r, &h, r->user.id) < 0)
			rc = -1;
		html_printf(&h, "</section>");
	}
	if (rc == 0 && user_can(&r->user, PERM_TRANSFER_DECIDE)) {
		/* Office manager. */
		html_printf(&h, "<section><h2>%s</h2>", _("The office"));
		if (caseload(r, &h, "chart-office", _("Office caseload"), 0) < 0 ||
		    dashboard_transfers(r, &h) < 0 ||
		    dashboard_stranded(r, &h) < 0 ||
		    dashboard_shelters(r, &h) < 0 ||
		    dashboard_followups(r, &h, 0) < 0)
			rc = -1;
		charts = true;
		html_printf(&h, "</section>");
	}
	if (rc == 0 && user_can(&r->user, PERM_FUND_DECIDE)) {
		/* Programme manager. */
		html_printf(&h, "<section><h2>%s</h2>",
		    _("Global Assistance Fund"));
		if (dashboard_fund(r, &h) < 0)
			rc = -1;
		charts = true;
		html_printf(&h, "</section>");
	}
	if (rc == 0 && user_can(&r->user, PERM_HEALTH) &&
	    !user_can(&r->user, PERM_ASSIST)) {
		/* Medical officer. */
		html_printf(&h, "<section><h2>%s</h2>", _("Health"));
		if (caseload(r, &h, "chart-health", _("Office caseload"), 0) < 0)
			rc = -1;
		charts = true;
		html_printf(&h, "<p><a href=\"/cases\">%s</a></p></section>",
		    _("Cases"));
	}
	if (rc == 0 && user_can(&r->user, PERM_ADMIN_USERS)) {
		html_printf(&h, "<section><h2>%s</h2><ul><li><a href=\"/admin/"
		    "users\">%s</a></li><li><a href=\"/admin/offices\">%s</a>"
		    "</li><li><a href=\"/admin/audit\">%s</a></li></ul>"
		    "</section>", _("Administration"), _("Users"), _("Offices"),
		    _("Audit"));
	}
	if (charts)
		page_chart_scripts(&h);
	if (rc < 0) {
		html_release(&h);
		return -1;
	}
	page_end(r, &h);
	rc = resp_html(r, 200, &h);
	html_release(&h);
	return rc;
}
