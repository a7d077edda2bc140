/*
 * dashboard.c - the start page's sections that draw on the protection,
 * return and fund modules.
 */
#include "compat.h"

#include <stdio.h>
#include <stdlib.h>

#include "dashboard.h"
#include "date.h"
#include "fund.h"
#include "money.h"
#include "i18n.h"
#include "log.h"
#include "moves.h"
#include "page.h"
#include "protection.h"

/* A string member of o, "" when absent. */
static const char *
str(json_t *o, const char *key)
{
	const char *s = json_string_value(json_object_get(o, key));

	return s ? s : "";
}

int
dashboard_followups(struct req *r, struct html *h, int64_t assigned_to)
{
	const struct page_col cols[] = {
		{ _("Case number"), 0 }, { _("Due on"), 0 }, { _("State"), 0 },
	};
	struct page_table t;
	char n[PAGE_MARK], d[PAGE_MARK];
	json_t *due, *v;
	size_t i;
	int64_t overdue = 0;

	if (!user_can(&r->user, PERM_CASEFILE_READ))
		return 0;
	due = moves_visits_due_json(r, r->user.office_id, assigned_to, 30);
	if (due == NULL)
		return -1;
	html_printf(h, "<h3>%s</h3>", assigned_to ? _("My follow-ups due") :
	    _("Monitoring visits due and overdue"));
	page_table_begin(&t, h, "striped", NULL, cols, ARRAY_SIZE(cols));
	json_array_foreach(due, i, v) {
		bool late = json_is_true(json_object_get(v, "overdue"));

		overdue += late;
		html_printf(h, "<tr%R><td><a href=\"/cases/%L/reintegration\">"
		    "%R</a></td><td>%R</td><td>%s</td></tr>",
		    late ? " class=\"overdue\"" : "",
		    (int64_t)json_integer_value(json_object_get(v, "case_id")),
		    page_case_number(str(v, "case_number"), n),
		    page_day(str(v, "due_on"), d),
		    late ? _("Overdue") : _("Due"));
	}
	page_table_end(&t, json_array_size(due),
	    _("No visit is due in the next 30 days."));
	if (overdue)
		html_printf(h, "<p class=\"notice\" role=\"status\">%s</p>",
		    page_count(r, P_("%s visit is overdue.",
		    "%s visits are overdue.", overdue), overdue));
	html_printf(h, "<p><a href=\"/visits\">%s</a></p>", _("All visits"));
	json_decref(due);
	return 0;
}

int
dashboard_transfers(struct req *r, struct html *h)
{
	json_t *in, *v;
	char n[PAGE_MARK];
	size_t i;

	if (!user_can(&r->user, PERM_TRANSFER_DECIDE))
		return 0;
	in = moves_incoming_json(r, r->user.office_id);
	if (in == NULL)
		return -1;
	html_printf(h, "<h3>%s</h3>", _("Handovers waiting for your answer"));
	if (json_array_size(in) == 0)
		html_printf(h, "<p>%s</p>", _("No case waits to be handed over "
		    "to your office."));
	else {
		html_printf(h, "<ul>");
		json_array_foreach(in, i, v)
			html_printf(h, "<li><a href=\"/transfers\">%R</a> · %s %s"
			    "</li>", page_case_number(str(v, "case_number"), n),
			    _("from"), str(v, "from_office"));
		html_printf(h, "</ul>");
	}
	json_decref(in);
	return 0;
}

struct stranded {
	struct html *h;
	int n;
};

static int
stranded_row(void *arg, const struct stranded_row *s)
{
	struct stranded *x = arg;
	char n[PAGE_MARK];

	if (x->n++ == 0)
		html_printf(x->h, "<h3>%s</h3><p class=\"notice\" role=\"status"
		    "\">%s</p><ul>", _("Cases to reassign"), _("These open "
		    "cases are assigned to someone who has left the office or "
		    "whose account is disabled."));
	html_printf(x->h, "<li><a href=\"/cases/%L\">%R</a> · %s (%s)</li>",
	    s->case_id, page_case_number(s->case_number, n), s->username,
	    s->disabled ?
	    _("account disabled") : _("now in another office"));
	return 0;
}

int
dashboard_stranded(struct req *r, struct html *h)
{
	struct stranded x = { .h = h };

	if (!user_can(&r->user, PERM_TRANSFER_DECIDE))
		return 0;
	if (db_case_stranded(r->app->db, r->user.office_id, stranded_row,
	    &x) != DB_OK)
		return -1;
	if (x.n)
		html_printf(h, "</ul>");
	return 0;
}

struct shelters {
	struct html *h;
	json_t *cats, *occupied, *free;
	int n;
};

static int
shelter_row(void *arg, const struct shelter_occupancy *o)
{
	struct shelters *x = arg;
	bool full = protection_full(o->capacity, o->occupied);

	html_printf(x->h, "<tr%R><td><a href=\"/shelters/%L\">%s</a>%R%s%R"
	    "</td><td>%N</td><td>%N</td><td>%N</td></tr>", full ?
	    " class=\"overdue\"" : "", o->id, o->name, full ?
	    " <span class=\"badge\">" : "", full ? _("Full") : "", full ?
	    "</span>" : "", o->occupied, o->capacity,
	    protection_free(o->capacity, o->occupied));
	json_array_append_new(x->cats, json_string(o->name));
	json_array_append_new(x->occupied, json_integer(o->occupied));
	json_array_append_new(x->free, json_integer(protection_free(
	    o->capacity, o->occupied)));
	x->n++;
	return 0;
}

int
dashboard_shelters(struct req *r, struct html *h)
{
	const struct page_col cols[] = {
		{ _("Shelter"), 0 }, { _("Occupied"), COL_NUM },
		{ _("Capacity"), COL_NUM }, { _("Places free"), COL_NUM },
	};
	struct shelters x = { .h = h };
	struct page_table t;
	char today[DATE_SIZE];

	if (!user_can(&r->user, PERM_ASSIST) ||
	    user_scope(&r->user) != SCOPE_OFFICE)
		return 0;
	date_of(r->now, today);
	x.cats = json_array();
	x.occupied = json_array();
	x.free = json_array();
	html_printf(h, "<h3>%s</h3>", _("Shelter occupancy today"));
	page_table_begin(&t, h, "striped", NULL, cols, ARRAY_SIZE(cols));
	if (protection_office_occupancy(r->app->db, r->user.office_id, today,
	    shelter_row, &x) < 0) {
		json_decref(x.cats);
		json_decref(x.occupied);
		json_decref(x.free);
		return -1;
	}
	page_table_end(&t, (size_t)x.n, _("The office has no shelter."));
	if (x.n == 0) {
		json_decref(x.cats);
		json_decref(x.occupied);
		json_decref(x.free);
		return 0;
	}
	return page_chart(h, "chart-shelters", _("Shelter occupancy today"),
	    json_pack("{s:s,s:o,s:[{s:s,s:o},{s:s,s:o}]}", "kind", "stacked",
	    "categories", x.cats, "series", "name", _("Occupied"), "data",
	    x.occupied, "name", _("Places free"), "data", x.free));
}

static void
turnaround_row(struct html *h, const struct fund_stat *st, const char *name)
{
	char med[MONEY_TEXT], mean[MONEY_TEXT];

	html_printf(h, "<tr><th scope=\"row\">%s</th><td>%N</td><td>%s</td>"
	    "<td>%s</td></tr>", name, st->count, st->count ?
	    page_days_figure(st->median_hours, med) : "—", st->count ?
	    page_days_figure(st->mean_hours, mean) : "—");
}

int
dashboard_fund(struct req *r, struct html *h)
{
	const struct page_col tcols[] = {
		{ _("Office"), 0 }, { _("Decisions"), COL_NUM },
		{ _("Median (days)"), COL_NUM }, { _("Mean (days)"), COL_NUM },
	};
	const struct page_col bcols[] = {
		{ _("Project"), 0 }, { _("Currency"), 0 },
		{ _("Budget"), COL_NUM }, { _("Committed"), COL_NUM },
		{ _("Disbursed"), COL_NUM },
	};
	struct fund_summary *s;
	struct page_table t;
	json_t *cats, *budget, *committed, *disbursed;
	char a[MONEY_TEXT], b[MONEY_TEXT], c[MONEY_TEXT];
	size_t i;
	int rc = -1;

	if (!user_can(&r->user, PERM_FUND_READ))
		return 0;
	if ((s = calloc(1, sizeof(*s))) == NULL)
		return error("dashboard: out of memory");
	if (fund_summary(r, s) < 0)
		goto out;
	html_printf(h, "<h3>%s</h3><p><a href=\"/fund\">%s</a>",
	    _("Fund requests waiting"), page_count(r, P_(
	    "%s request waits for a decision",
	    "%s requests wait for a decision", s->queue_length),
	    s->queue_length));
	if (s->queue_length)
		/* TRANSLATORS: %s is a duration ("3.5 days"). */
		html_printf(h, " · %s", arena_printf(r->arena,
		    _("the oldest for %s"), page_days(r,
		    (double)s->oldest_wait / 3600.0)));
	html_printf(h, "</p>");

	html_printf(h, "<h3>%s</h3>", _("Turnaround from request to decision"));
	page_table_begin(&t, h, "striped", NULL, tcols, ARRAY_SIZE(tcols));
	for (i = 0; i < s->turnaround.noffices; i++)
		turnaround_row(h, &s->turnaround.offices[i],
		    s->turnaround.offices[i].office);
	page_table_body_end(&t, s->turnaround.noffices, _("No decision yet."));
	html_printf(h, "<tfoot>");
	turnaround_row(h, &s->turnaround.overall, _("All offices"));
	html_printf(h, "</tfoot>");
	page_table_end(&t, 0, NULL);

	html_printf(h, "<h3>%s</h3>", _("Budgets"));
	page_table_begin(&t, h, "striped", NULL, bcols, ARRAY_SIZE(bcols));
	cats = json_array();
	budget = json_array();
	committed = json_array();
	disbursed = json_array();
	for (i = 0; i < s->nlines; i++) {
		const struct fund_summary_line *l = &s->lines[i];

		html_printf(h, "<tr><td><a href=\"/projects/%L\">%s</a></td>"
		    "<td>%s</td><td>%s</td><td>%s</td><td>%s</td></tr>",
		    l->project_id, l->project, l->currency,
		    money_text(l->budget, r->lang, a),
		    money_text(l->committed, r->lang, b),
		    money_text(l->disbursed, r->lang, c));
		json_array_append_new(cats, json_sprintf("%s (%s)", l->project,
		    l->currency));
		json_array_append_new(budget, json_real((double)l->budget / 100));
		json_array_append_new(committed,
		    json_real((double)l->committed / 100));
		json_array_append_new(disbursed,
		    json_real((double)l->disbursed / 100));
	}
	page_table_body_end(&t, s->nlines, _("No project yet."));
	html_printf(h, "<tfoot><tr><th scope=\"row\">%s</th><td>USD</td>"
	    "<td>%s</td><td>%s</td><td>%s</td></tr></tfoot>",
	    s->usd_incomplete ? _("Total (some currencies have no rate)") :
	    _("Total"), money_text(s->budget_usd, r->lang, a),
	    money_text(s->committed_usd, r->lang, b),
	    money_text(s->disbursed_usd, r->lang, c));
	page_table_end(&t, 0, NULL);
	if (s->nlines == 0) {
		json_decref(cats);
		json_decref(budget);
		json_decref(committed);
		json_decref(disbursed);
		rc = 0;
		goto out;
	}
	/* Horizontal bars: the project names are read whole. */
	if (page_chart(h, "chart-budgets", _("Budgets"),
	    json_pack("{s:s,s:b,s:o,s:[{s:s,s:o},{s:s,s:o},{s:s,s:o}]}",
	    "kind", "bar", "horizontal", 1, "categories", cats, "series",
	    "name", _("Budget"), "data", budget,
	    "name", _("Committed"), "data", committed,
	    "name", _("Disbursed"), "data", disbursed)) < 0)
		goto out;
	rc = 0;
out:
	free(s);
	return rc;
}
