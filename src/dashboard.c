/*
 * dashboard.c - the start page's sections that draw on the protection,
 * return and fund modules.
 */
#include "compat.h"

#include <stdio.h>
#include <stdlib.h>

#include "dashboard.h"
#include "fund.h"
#include "i18n.h"
#include "log.h"
#include "page.h"

int
dashboard_followups(struct req *r, struct html *h, int64_t assigned_to)
{
	(void)r;
	(void)h;
	(void)assigned_to;
	return 0;
}

int
dashboard_transfers(struct req *r, struct html *h)
{
	(void)r;
	(void)h;
	return 0;
}

int
dashboard_shelters(struct req *r, struct html *h)
{
	(void)r;
	(void)h;
	return 0;
}

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
turnaround_row(struct html *h, const struct fund_stat *st, const char *name)
{
	char med[32], mean[32];

	duration(med, sizeof(med), st->median_hours);
	duration(mean, sizeof(mean), st->mean_hours);
	html_printf(h, "<tr><th scope=\"row\">%s</th><td>%L</td><td>%s</td>"
	    "<td>%s</td></tr>", name, st->count, st->count ? med : "—",
	    st->count ? mean : "—");
}

int
dashboard_fund(struct req *r, struct html *h)
{
	struct fund_summary *s;
	json_t *cats, *budget, *committed, *disbursed;
	char a[FUND_AMOUNT_STR], b[FUND_AMOUNT_STR], c[FUND_AMOUNT_STR];
	char wait[32];
	size_t i;
	int rc = -1;

	if (!role_can(r->user.role, PERM_FUND_READ))
		return 0;
	if ((s = calloc(1, sizeof(*s))) == NULL)
		return error("dashboard: out of memory");
	if (fund_summary(r, s) < 0)
		goto out;
	duration(wait, sizeof(wait), (double)s->oldest_wait / 3600.0);
	html_printf(h, "<h3>%s</h3><p><a href=\"/fund\"><strong>%L</strong> %s"
	    "</a>", _("Fund requests waiting"), s->queue_length,
	    _("requests wait for a decision"));
	if (s->queue_length)
		html_printf(h, " · %s %s", _("the oldest for"), wait);
	html_printf(h, "</p>");

	html_printf(h, "<h3>%s</h3><figure><table class=\"striped\"><thead><tr>"
	    "<th scope=\"col\">%s</th><th scope=\"col\">%s</th>"
	    "<th scope=\"col\">%s</th><th scope=\"col\">%s</th></tr></thead>"
	    "<tbody>", _("Turnaround from request to decision"), _("Office"),
	    _("Decisions"), _("Median"), _("Mean"));
	for (i = 0; i < s->turnaround.noffices; i++)
		turnaround_row(h, &s->turnaround.offices[i],
		    s->turnaround.offices[i].office);
	turnaround_row(h, &s->turnaround.overall, _("All offices"));
	html_printf(h, "</tbody></table></figure>");

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
	for (i = 0; i < s->nlines; i++) {
		const struct fund_summary_line *l = &s->lines[i];

		html_printf(h, "<tr><td><a href=\"/projects/%L\">%s</a></td>"
		    "<td>%s</td><td>%s</td><td>%s</td><td>%s</td></tr>",
		    l->project_id, l->project, l->currency,
		    fund_amount_format(l->budget, a),
		    fund_amount_format(l->committed, b),
		    fund_amount_format(l->disbursed, c));
		json_array_append_new(cats, json_sprintf("%s (%s)", l->project,
		    l->currency));
		json_array_append_new(budget, json_real((double)l->budget / 100));
		json_array_append_new(committed,
		    json_real((double)l->committed / 100));
		json_array_append_new(disbursed,
		    json_real((double)l->disbursed / 100));
	}
	html_printf(h, "</tbody><tfoot><tr><th scope=\"row\">%s</th><td>USD</td>"
	    "<td>%s</td><td>%s</td><td>%s</td></tr></tfoot></table></figure>",
	    s->usd_incomplete ? _("Total (some currencies have no rate)") :
	    _("Total"), fund_amount_format(s->budget_usd, a),
	    fund_amount_format(s->committed_usd, b),
	    fund_amount_format(s->disbursed_usd, c));
	if (page_chart(h, "chart-budgets", _("Budgets"),
	    json_pack("{s:s,s:o,s:[{s:s,s:o},{s:s,s:o},{s:s,s:o}]}",
	    "kind", "bar", "categories", cats, "series",
	    "name", _("Budget"), "data", budget,
	    "name", _("Committed"), "data", committed,
	    "name", _("Disbursed"), "data", disbursed)) < 0)
		goto out;
	rc = 0;
out:
	free(s);
	return rc;
}
