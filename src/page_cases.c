/*
 * page_cases.c - the case list, creating a case, and the case page.
 */
#include "compat.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "audit.h"
#include "cases.h"
#include "casefile.h"
#include "handlers.h"
#include "i18n.h"
#include "input.h"
#include "log.h"
#include "page.h"
#include "timeline.h"

#define PER_PAGE 50
/* Longest search text, in characters (the input's maxlength). */
#define SEARCH_MAX 200

struct rows_ctx {
	struct html *h;
	int n;
};

static int
case_row_cb(void *arg, const struct case_row *c)
{
	struct rows_ctx *ctx = arg;
	char n[PAGE_MARK], t[PAGE_MARK];

	ctx->n++;
	html_printf(ctx->h, "<tr><td><a href=\"/cases/%L\">%R</a></td><td>%s"
	    "</td><td>", c->id, page_case_number(c->number, n),
	    c->office_code);
	page_status_badge(ctx->h, c->status);
	html_printf(ctx->h, "</td><td>%s</td><td>%R</td></tr>",
	    c->assigned_to ? c->assigned_username : "—",
	    page_when(c->updated_at, t));
	return 0;
}

struct opt_ctx {
	struct html *h;
	int64_t office_id;	/* users: only this office */
	int64_t selected;
	const char *selected_code;
};

static int
assignee_opt_cb(void *arg, const struct user *u)
{
	struct opt_ctx *ctx = arg;

	/* The current assignee stays listed (and selected) even when no
	 * longer eligible, so that saving a status leaves them assigned. */
	if (u->id != ctx->selected && (u->disabled ||
	    (ctx->office_id && u->office_id != ctx->office_id) ||
	    (u->role != ROLE_CASEWORKER && u->role != ROLE_OFFICE_MANAGER)))
		return 0;
	html_printf(ctx->h, "<option value=\"%L\"%R>%s (%s, %s)</option>", u->id,
	    u->id == ctx->selected ? " selected" : "", u->username,
	    role_label(u->role), u->office_code);
	return 0;
}

static int
office_opt_cb(void *arg, const struct office *o)
{
	struct opt_ctx *ctx = arg;

	html_printf(ctx->h, "<option value=\"%s\"%R>%s — %s</option>", o->code,
	    ctx->selected_code && strcmp(ctx->selected_code, o->code) == 0 ?
	    " selected" : "", o->code, o->name);
	return 0;
}

static void
status_options(struct html *h, int selected, bool any)
{
	int i;

	if (any)
		html_printf(h, "<option value=\"\">%s</option>", _("Any status"));
	for (i = 0; i < CASE_STATUS__MAX; i++)
		html_printf(h, "<option value=\"%s\"%R>%s</option>",
		    case_status_code((enum case_status)i),
		    i == selected ? " selected" : "",
		    case_status_label((enum case_status)i));
}

static void
field_error(struct html *h, const char *id, const char *msg)
{
	if (msg)
		html_printf(h, "<small class=\"error\" id=\"%s-error\">%s</small>",
		    id, msg);
}

/*
 * A page of a search: the search is posted, never put in a URL (it may
 * be a name), so each page is a small form that posts q again. q is
 * untrusted and only escaped here.
 */
static void
search_page_button(struct req *r, struct html *h, const char *q,
    int64_t page, const char *label)
{
	html_printf(h, "<form method=\"post\" action=\"/cases/search\" "
	    "class=\"inline\">");
	page_csrf(r, h);
	html_printf(h, "<input type=\"hidden\" name=\"q\" value=\"%s\">"
	    "<input type=\"hidden\" name=\"page\" value=\"%L\"><button "
	    "type=\"submit\" class=\"secondary outline\">%s</button></form> ",
	    q, page, label);
}

/* The page number in s (untrusted); 1 when missing or malformed. */
static int64_t
page_number(const char *s)
{
	char *end;
	long long page;

	if (s == NULL || *s == '\0')
		return 1;
	page = strtoll(s, &end, 10);
	if (*end || page < 1 || page > 1000000)
		return 1;
	return page;
}

/*
 * The list with its filter, and the form to open a case. q is the search
 * (NULL when none), already checked to be valid UTF-8 of at most
 * SEARCH_MAX characters; with err_field "q" the search was refused and
 * no case is listed.
 */
static int
cases_page(struct req *r, int status, const char *form_office,
    int64_t form_assignee, const char *err_field, const char *err,
    const char *q)
{
	struct case_filter f = { 0 };
	struct rows_ctx rows;
	struct opt_ctx opt;
	struct page_table tab;
	struct html h;
	const char *st = req_query(r, "status");
	const bool bad_q = err_field && strcmp(err_field, "q") == 0;
	char *tokens = NULL;
	int64_t total = 0, page;
	int rc;

	cases_filter_scope(r, &f);
	f.status = st && *st ? case_status_from_code(st) : -1;
	page = page_number(q ? req_form(r, "page") : req_query(r, "page"));
	f.limit = PER_PAGE;
	f.offset = (page - 1) * PER_PAGE;
	if (q && *q) {
		/* By case number, or by name through the blind index. */
		f.number_prefix = q;
		if (cases_name_search_ok(r)) {
			tokens = casefile_search_tokens(r, q, &f.ntokens);
			f.tokens_json = tokens;
		}
	}

	html_init(&h, HTTP_PAGE_MAX);
	page_begin(r, &h, _("Cases"));
	html_printf(&h, "<h1>%s</h1>", _("Cases"));
	if (err && err_field == NULL)
		html_printf(&h, "<p class=\"flash error\" role=\"alert\">%s</p>", err);

	/* A search may be a name: it is posted, never put in a URL. */
	html_printf(&h, "<form method=\"post\" action=\"/cases/search\" "
	    "class=\"filter case-search\">");
	page_csrf(r, &h);
	html_printf(&h, "<label for=\"q\">%s</label><div role=\"search\">"
	    "<input id=\"q\" name=\"q\" type=\"search\" maxlength=\"%d\" "
	    "value=\"%s\" placeholder=\"%s\"%R><button type=\"submit\">%s"
	    "</button></div>",
	    _("Search"), SEARCH_MAX, q ? q : "", _("Case number or name"),
	    bad_q ? " aria-invalid=\"true\" aria-describedby=\"q-error\"" : "",
	    _("Search"));
	field_error(&h, "q", bad_q ? err : NULL);
	html_printf(&h, "</form>");
	html_printf(&h, "<form method=\"get\" action=\"/cases\" class=\"filter\">"
	    "<label for=\"status\">%s</label><select id=\"status\" name=\"status\">",
	    _("Status"));
	status_options(&h, f.status, true);
	html_printf(&h, "</select><button type=\"submit\" class=\"secondary\">%s"
	    "</button></form>", _("Filter"));

	rows.h = &h;
	rows.n = 0;
	if (bad_q) {
		free(tokens);
		goto create;
	}
	{
		const struct page_col cols[] = {
			{ _("Case number"), 0 }, { _("Office"), 0 },
			{ _("Status"), 0 }, { _("Assigned to"), 0 },
			{ _("Last change (UTC)"), 0 },
		};

		page_table_begin(&tab, &h, "striped", NULL, cols,
		    ARRAY_SIZE(cols));
	}
	rc = db_case_list(r->app->db, &f, case_row_cb, &rows, &total);
	free(tokens);
	if (rc != DB_OK) {
		html_release(&h);
		return -1;
	}
	page_table_end(&tab, (size_t)rows.n, _("No cases."));
	html_printf(&h, "<p>%s</p><nav class=\"pager\">", page_count(r,
	    P_("%s case in all", "%s cases in all", total), total));
	if (q) {
		if (page > 1)
			search_page_button(r, &h, q, page - 1, _("Previous"));
		if (page * PER_PAGE < total)
			search_page_button(r, &h, q, page + 1, _("Next"));
	} else {
		if (page > 1)
			html_printf(&h, "<a href=\"/cases?status=%U&amp;page=%L\">"
			    "%s</a> ", st ? st : "", page - 1, _("Previous"));
		if (page * PER_PAGE < total)
			html_printf(&h, "<a href=\"/cases?status=%U&amp;page=%L\">"
			    "%s</a>", st ? st : "", page + 1, _("Next"));
	}
	html_printf(&h, "</nav>");

create:

	if (user_can(&r->user, PERM_CASE_CREATE)) {
		html_printf(&h, "<article><h2>%s</h2><form method=\"post\" "
		    "action=\"/cases\">", _("Open a new case"));
		page_csrf(r, &h);
		if (user_scope(&r->user) == SCOPE_ALL) {
			html_printf(&h, "<label for=\"office\">%s</label><select "
			    "id=\"office\" name=\"office\"%R>", _("Office"),
			    err_field && strcmp(err_field, "office") == 0 ?
			    " aria-invalid=\"true\" aria-describedby=\"office-error\"" : "");
			opt.h = &h;
			opt.selected_code = form_office;
			if (db_office_list(r->app->db, office_opt_cb, &opt) != DB_OK) {
				html_release(&h);
				return -1;
			}
			html_printf(&h, "</select>");
			field_error(&h, "office", err_field &&
			    strcmp(err_field, "office") == 0 ? err : NULL);
		}
		html_printf(&h, "<label for=\"assigned_to\">%s</label><select "
		    "id=\"assigned_to\" name=\"assigned_to\"%R><option value=\"\">%s"
		    "</option>", _("Assign to"),
		    err_field && strcmp(err_field, "assigned_to") == 0 ?
		    " aria-invalid=\"true\" aria-describedby=\"assigned_to-error\"" : "",
		    _("Nobody yet"));
		opt.h = &h;
		opt.office_id = user_scope(&r->user) == SCOPE_OFFICE ?
		    r->user.office_id : 0;
		opt.selected = form_assignee;
		if (db_user_list(r->app->db, assignee_opt_cb, &opt) != DB_OK) {
			html_release(&h);
			return -1;
		}
		html_printf(&h, "</select>");
		field_error(&h, "assigned_to", err_field &&
		    strcmp(err_field, "assigned_to") == 0 ? err : NULL);
		html_printf(&h, "<button type=\"submit\">%s</button></form>"
		    "</article>", _("Open case"));
	}
	page_end(r, &h);
	if (!bad_q && audit(r, "case.list", 0, NULL, json_pack("{s:I,s:i}",
	    "page", (json_int_t)page, "count", rows.n)) < 0) {
		html_release(&h);
		return -1;
	}
	rc = resp_html(r, status, &h);
	html_release(&h);
	return rc;
}

int
page_cases(struct req *r)
{
	if (!user_can(&r->user, PERM_CASE_READ))
		return resp_error(r, 403, _("You are not allowed to see cases."),
		    NULL);
	return cases_page(r, 200, NULL, 0, NULL, NULL, NULL);
}

/* POST /cases/search: q (untrusted) as a case number or a name, page. A
 * search that cannot be run is refused, never widened to every case. */
int
page_cases_search(struct req *r)
{
	const char *q = req_form(r, "q");

	if (!user_can(&r->user, PERM_CASE_READ))
		return resp_error(r, 403, _("You are not allowed to see cases."),
		    NULL);
	if (q == NULL)
		q = "";
	if (!utf8_valid(q, strlen(q)) || input_chars(q) > SEARCH_MAX)
		return cases_page(r, 400, NULL, 0, "q", _("The search text is "
		    "too long or not valid."), "");
	return cases_page(r, 200, NULL, 0, NULL, NULL, q);
}

int
page_cases_create(struct req *r)
{
	const char *office = req_form(r, "office");
	int64_t assignee = form_id(req_form(r, "assigned_to"));
	const char *msg, *field;
	struct case_row c;
	char loc[64];
	int rc;

	if (!user_can(&r->user, PERM_CASE_CREATE))
		return resp_error(r, 403, _("You are not allowed to create cases."),
		    NULL);
	if (assignee < 0)
		return cases_page(r, 400, office, 0, "assigned_to",
		    _("Choose an active caseworker or office manager of the "
		    "case's office."), NULL);
	rc = cases_create(r, office, -1, assignee, &c, &msg, &field);
	if (rc < 0)
		return -1;
	if (rc > 0)
		return cases_page(r, 400, office, assignee, field, msg, NULL);
	snprintf(loc, sizeof(loc), "/cases/%lld", (long long)c.id);
	return resp_redirect(r, loc);
}

static int
case_page(struct req *r, int status, struct case_row *c, const char *err_field,
    const char *err)
{
	struct opt_ctx opt = { 0 };
	struct html h;
	char t1[PAGE_MARK], t2[PAGE_MARK];
	int rc;

	html_init(&h, HTTP_PAGE_MAX);
	page_begin(r, &h, c->number);
	html_printf(&h, "<nav class=\"breadcrumb\" aria-label=\"%s\"><ul><li>"
	    "<a href=\"/cases\">%s</a></li><li aria-current=\"page\">%R</li>"
	    "</ul></nav><hgroup><h1>%R</h1><p>%s</p></hgroup>",
	    _("You are here"), _("Cases"), page_case_number(c->number, t1),
	    page_case_number(c->number, t2), _("Case file"));
	if (err && err_field == NULL)
		html_printf(&h, "<p class=\"flash error\" role=\"alert\">%s</p>", err);
	html_printf(&h, "<dl class=\"case-summary\"><dt>%s</dt><dd>%s</dd>"
	    "<dt>%s</dt><dd>", _("Office"), c->office_code, _("Status"));
	page_status_badge(&h, c->status);
	html_printf(&h, "</dd><dt>%s</dt><dd>%s</dd><dt>%s</dt><dd>%R</dd>"
	    "<dt>%s</dt><dd>%R</dd></dl>",
	    _("Assigned to"), c->assigned_to ? c->assigned_username : "—",
	    _("Opened (UTC)"), page_when(c->created_at, t1),
	    _("Last change (UTC)"), page_when(c->updated_at, t2));
	if (user_can(&r->user, PERM_CASEFILE_READ))
		html_printf(&h, "<p><a role=\"button\" href=\"/cases/%L/file\">"
		    "%s</a></p>", c->id, _("Open the case file"));
	html_printf(&h, "<ul class=\"case-links\">");
	if (user_can(&r->user, PERM_CASEFILE_READ))
		html_printf(&h, "<li><a href=\"/cases/%L/protection\">%s</a></li>"
		    "<li><a href=\"/cases/%L/return\">%s</a></li>"
		    "<li><a href=\"/cases/%L/reintegration\">%s</a></li>", c->id,
		    _("Protection and assistance"), c->id,
		    _("Return and handover"), c->id, _("Reintegration"));
	if (cases_health_ok(r))
		html_printf(&h, "<li><a href=\"/cases/%L/health\">%s</a></li>",
		    c->id, _("Health"));
	if (user_can(&r->user, PERM_FUND_READ) ||
	    user_can(&r->user, PERM_FUND_REQUEST))
		html_printf(&h, "<li><a href=\"/cases/%L/fund\">%s</a></li>",
		    c->id, _("Fund requests"));
	html_printf(&h, "</ul>");

	if (user_can(&r->user, PERM_CASE_UPDATE)) {
		html_printf(&h, "<article><h2>%s</h2><form method=\"post\" "
		    "action=\"/cases/%L\">", _("Change status or assignment"),
		    c->id);
		page_csrf(r, &h);
		html_printf(&h, "<input type=\"hidden\" name=\"version\" "
		    "value=\"%d\"><label for=\"status\">%s</label><select "
		    "id=\"status\" name=\"status\">", c->version, _("Status"));
		status_options(&h, (int)c->status, false);
		html_printf(&h, "</select><label for=\"assigned_to\">%s</label>"
		    "<select id=\"assigned_to\" name=\"assigned_to\"%R><option "
		    "value=\"\">%s</option>", _("Assigned to"),
		    err_field ? " aria-invalid=\"true\" "
		    "aria-describedby=\"assigned_to-error\"" : "", _("Nobody"));
		opt.h = &h;
		opt.office_id = c->office_id;
		opt.selected = c->assigned_to;
		if (db_user_list(r->app->db, assignee_opt_cb, &opt) != DB_OK) {
			html_release(&h);
			return -1;
		}
		html_printf(&h, "</select>");
		field_error(&h, "assigned_to", err_field ? err : NULL);
		html_printf(&h, "<button type=\"submit\">%s</button></form>"
		    "</article>", _("Save"));
	}
	html_printf(&h, "<section id=\"timeline\"><h2>%s</h2>", _("Timeline"));
	if (timeline_html(r, &h, c->id, 0) < 0) {
		html_release(&h);
		return -1;
	}
	html_printf(&h, "</section>");
	page_end(r, &h);
	rc = resp_html(r, status, &h);
	html_release(&h);
	return rc;
}

int
page_case(struct req *r)
{
	struct case_row c;
	enum case_access access;
	int rc;

	rc = cases_open_summary(r, &c, PERM_CASE_READ, "case.view.denied", 404,
	    &access);
	if (rc)
		return rc < 0 ? -1 : 0;
	if (access != CASE_ACCESS_FULL)
		return page_case_history(r, &c, access);
	if (audit(r, "case.view", c.id, NULL, NULL) < 0)
		return -1;
	return case_page(r, 200, &c, NULL, NULL);
}

int
page_case_update(struct req *r)
{
	struct case_row c;
	int status, rc;
	int64_t assignee;
	const char *p, *vs = req_form(r, "version");
	char *end;
	long version = -1;
	char loc[64];

	if (!user_can(&r->user, PERM_CASE_UPDATE)) {
		if (audit(r, "case.update.denied", r->id, NULL, NULL) < 0)
			return -1;
		return cases_refuse_page(r, r->id, _("You are not allowed to "
		    "change cases.")) < 0 ? -1 : 0;
	}
	rc = cases_load(r, r->id, &c, "case.update.denied");
	if (rc == DB_ERROR)
		return -1;
	if (rc != DB_OK)
		return resp_error(r, 404, _("This case does not exist."), NULL);
	status = case_status_from_code(req_form(r, "status"));
	if (status < 0)
		return case_page(r, 400, &c, NULL, _("Unknown case status."));
	assignee = form_id(req_form(r, "assigned_to"));
	p = assignee < 0 ? _("Choose an active caseworker or office manager "
	    "of the case's office.") : assignee == c.assigned_to ? NULL :
	    cases_assignee_problem(r, c.office_id, assignee);
	if (p)
		return case_page(r, 400, &c, "assigned_to", p);
	if (vs && *vs) {
		version = strtol(vs, &end, 10);
		if (*end || version < 1 || version > INT32_MAX)
			version = 0;
	}
	rc = cases_update(r, &c, (int)version, (enum case_status)status,
	    assignee);
	if (rc == DB_CONFLICT || rc == DB_NOTFOUND) {
		if (db_case_get(r->app->db, r->id, &c) != DB_OK)
			return -1;
		return case_page(r, 409, &c, NULL, _("Someone else changed this "
		    "case in the meantime. Here it is as it is now; make your "
		    "change again."));
	}
	if (rc != DB_OK)
		return -1;
	snprintf(loc, sizeof(loc), "/cases/%lld", (long long)c.id);
	return resp_redirect(r, loc);
}
