/*
 * page_dashboard.c - the start page: what each role has to do today.
 *
 * Caseworker: my cases and my follow-ups. Office manager: the office's
 * caseload, incoming handovers, shelters and overdue visits. Programme
 * manager: the fund's queue, budgets and turnaround. Medical officer:
 * the office's caseload and its health follow-ups. Administrator: the
 * accounts of each office and the audit trail of the last days.
 * Researcher: the datasets to count in. Each section shows only what
 * the role may see; figures are in tables, with charts drawn over them
 * when JavaScript runs.
 */
#include "compat.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "audit.h"
#include "cases.h"
#include "dashboard.h"
#include "dataset.h"
#include "date.h"
#include "handlers.h"
#include "i18n.h"
#include "log.h"
#include "page.h"
#include "protection.h"

struct rows {
	struct html *h;
	int n;
};

static int
case_row_cb(void *arg, const struct case_row *c)
{
	struct rows *x = arg;
	char n[PAGE_MARK], t[PAGE_MARK];

	html_printf(x->h, "<tr><td><a href=\"/cases/%L\">%R</a></td><td>",
	    c->id, page_case_number(c->number, n));
	page_status_badge(x->h, c->status);
	html_printf(x->h, "</td><td>%R</td></tr>", page_when(c->updated_at, t));
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
	const struct page_col cols[] = {
		{ _("Status"), 0 }, { _("Cases"), COL_NUM },
	};
	struct page_table t;
	int64_t counts[CASE_STATUS__MAX], total = 0;
	json_t *cats = json_array(), *data = json_array();
	int s;

	if (status_counts(r, assigned_to, counts) < 0) {
		json_decref(cats);
		json_decref(data);
		return -1;
	}
	html_printf(h, "<h3>%s</h3>", title);
	page_table_begin(&t, h, "striped", NULL, cols, ARRAY_SIZE(cols));
	for (s = 0; s < CASE_STATUS__MAX; s++) {
		html_printf(h, "<tr><td>%s</td><td>%N</td></tr>",
		    case_status_label((enum case_status)s), counts[s]);
		json_array_append_new(cats, json_string(case_status_label(
		    (enum case_status)s)));
		json_array_append_new(data, json_integer(counts[s]));
		total += counts[s];
	}
	page_table_body_end(&t, CASE_STATUS__MAX, NULL);
	html_printf(h, "<tfoot><tr><th scope=\"row\">%s</th><td>%N</td></tr>"
	    "</tfoot>", _("Total"), total);
	page_table_end(&t, 0, NULL);
	if (total == 0) {
		/* A ring of nothing says less than the table's zeros. */
		json_decref(cats);
		json_decref(data);
		return 0;
	}
	return page_chart(h, id, title, json_pack("{s:s,s:o,s:[{s:s,s:o}]}",
	    "kind", "pie", "categories", cats, "series", "name", _("Cases"),
	    "data", data));
}

/* The user's own open cases, most recently changed first. */
static int
my_cases(struct req *r, struct html *h)
{
	const struct page_col cols[] = {
		{ _("Case number"), 0 }, { _("Status"), 0 },
		{ _("Last change (UTC)"), 0 },
	};
	struct case_filter f = { 0 };
	struct rows x = { .h = h };
	struct page_table t;
	int64_t total = 0;

	cases_filter_scope(r, &f);
	f.assigned_to = r->user.id;
	f.status = CASE_ACTIVE;
	f.limit = 15;
	html_printf(h, "<h3>%s</h3>", _("My active cases"));
	page_table_begin(&t, h, "striped", NULL, cols, ARRAY_SIZE(cols));
	if (db_case_list(r->app->db, &f, case_row_cb, &x, &total) != DB_OK)
		return -1;
	page_table_end(&t, (size_t)x.n, _("No active case is assigned to you."));
	if (total > x.n)
		html_printf(h, "<p><a href=\"/cases\">%s</a></p>",
		    _("All cases"));
	return 0;
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
		if (caseload(r, &h, "chart-health", _("Office caseload"), 0) < 0 ||
		    health_followups(r, &h) < 0)
			rc = -1;
		charts = true;
		html_printf(&h, "<p><a href=\"/cases\">%s</a></p></section>",
		    _("Cases"));
	}
	if (rc == 0 && user_can(&r->user, PERM_ADMIN_USERS)) {
		html_printf(&h, "<section><h2>%s</h2>", _("Administration"));
		if (accounts(r, &h) < 0 ||
		    (user_can(&r->user, PERM_AUDIT_READ) && activity(r, &h) < 0))
			rc = -1;
		html_printf(&h, "</section>");
	}
	if (rc == 0 && user_can(&r->user, PERM_STATS_READ) &&
	    !user_can(&r->user, PERM_CASE_READ) &&
	    !user_can(&r->user, PERM_FUND_READ) &&
	    !user_can(&r->user, PERM_ADMIN_USERS) && research(r, &h) < 0)
		rc = -1;
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
