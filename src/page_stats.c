/*
 * page_stats.c - the statistics page: pick a dataset and one or two
 * variables, see the table (suppressed cells marked), a chart, and
 * download it as CSV or XLSX.
 */
#include "compat.h"

#include <string.h>

#include "handlers.h"
#include "i18n.h"
#include "isocodes.h"
#include "log.h"
#include "page.h"
#include "research.h"
#include "statsreq.h"

/* Labels of CTDC variable names; others are shown as they are. */
static const struct { const char *var; const char *label; } var_labels[] = {
	{ "yearOfRegistration", N_("Year of registration") },
	{ "yearRegister", N_("Year of registration") },
	{ "gender", N_("Gender") },
	{ "ageBroad", N_("Age group") },
	{ "majorityStatus", N_("Adult or minor") },
	{ "citizenship", N_("Citizenship") },
	{ "CountryOfExploitation", N_("Country of exploitation") },
	{ "isForcedLabour", N_("Forced labour") },
	{ "isSexualExploit", N_("Sexual exploitation") },
	{ "isOtherExploit", N_("Other exploitation") },
	{ "UN_COO_Region", N_("Region of origin (UN)") },
	{ "UN_COE_Region", N_("Region of exploitation (UN)") },
	{ "meansOfControlDebtBondage", N_("Control: debt bondage") },
	{ "meansOfControlTakesEarnings", N_("Control: takes earnings") },
	{ "meansOfControlThreats", N_("Control: threats") },
	{ "meansOfControlPhysicalAbuse", N_("Control: physical abuse") },
	{ "meansOfControlSexualAbuse", N_("Control: sexual abuse") },
	{ "meansOfControlFalsePromises", N_("Control: false promises") },
	{ "meansOfControlRestrictsMovement", N_("Control: restricts movement") },
	{ "meansOfControlWithholdsDocuments", N_("Control: withholds documents") },
	{ "recruiterRelationFamily", N_("Recruited by family") },
};

static const struct { const char *value; const char *label; } value_labels[] = {
	{ "Female", N_("Female") }, { "Male", N_("Male") },
	{ "Transgender/NonConforming", N_("Transgender or non-conforming") },
	{ "Adult", N_("Adult") }, { "Minor", N_("Minor") },
};

static const char *
var_label(const char *var)
{
	size_t i;

	for (i = 0; i < ARRAY_SIZE(var_labels); i++)
		if (strcmp(var, var_labels[i].var) == 0)
			return _(var_labels[i].label);
	return var;
}

static bool
is_flag(const char *var)
{
	return strncmp(var, "is", 2) == 0 ||
	    strncmp(var, "meansOfControl", 14) == 0 ||
	    strncmp(var, "recruiterRelation", 17) == 0 ||
	    strncmp(var, "IP_", 3) == 0;
}

/* The label of value of var, in the page's language. */
static const char *
value_label(const char *var, const char *value)
{
	size_t i;
	const char *c;

	if (value == NULL)
		return _("Missing");
	if (is_flag(var) && strcmp(value, "1") == 0)
		return _("Yes");
	if (is_flag(var) && strcmp(value, "0") == 0)
		return _("No");
	if (strlen(value) == 2 && (c = country_name(value)) != NULL)
		return c;
	for (i = 0; i < ARRAY_SIZE(value_labels); i++)
		if (strcmp(value, value_labels[i].value) == 0)
			return _(value_labels[i].label);
	return value;
}

struct ds_opt {
	struct html *h;
	const char *selected;
};

static int
dataset_opt(void *arg, const struct dataset_info *d)
{
	struct ds_opt *o = arg;

	html_printf(o->h, "<option value=\"%s\"%R>%s (%L)</option>", d->name,
	    strcmp(d->name, o->selected) == 0 ? " selected" : "", d->name,
	    d->rows);
	return 0;
}

static void
var_options(struct html *h, const struct dataset *ds, const char *sel,
    bool none)
{
	size_t i;

	if (none)
		html_printf(h, "<option value=\"\">%s</option>", _("— none —"));
	for (i = 0; ds && i < dataset_nvars(ds); i++) {
		const char *v = dataset_var_name(ds, i);

		html_printf(h, "<option value=\"%s\"%R>%s</option>", v,
		    sel && strcmp(sel, v) == 0 ? " selected" : "", var_label(v));
	}
}

static void
cell(struct html *h, const struct stats_cell *c)
{
	if (c->supp == STATS_SHOWN)
		html_printf(h, "<td class=\"num\">%L</td>", c->count);
	else
		html_printf(h, "<td class=\"num suppressed\" title=\"%s\">—</td>",
		    c->supp == STATS_SMALL ? _("Fewer than k: suppressed") :
		    _("Suppressed so that a small cell cannot be worked out"));
}

/* A percent with two decimals as the CTDC tables show it; nothing when
 * the cell or the whole it is a part of is suppressed. */
static void
pct(struct html *h, const struct stats_cell *c, int64_t of, bool of_supp)
{
	char s[32];
	int64_t p;

	if (c->supp != STATS_SHOWN || of_supp ||
	    (p = stats_percent100(c->count, of)) < 0) {
		html_printf(h, "<td class=\"num\">—</td>");
		return;
	}
	snprintf(s, sizeof(s), "%lld.%02lld", (long long)(p / 100),
	    (long long)(p % 100));
	html_printf(h, "<td class=\"num\">%s</td>", s);
}

/* Whether by0 -> by1 is an origin -> exploitation flow. */
static bool
is_flow(const struct stats_query *q)
{
	static const char *const from[] = { "citizenship", "UN_COO_Region" };
	static const char *const to[] = { "CountryOfExploitation",
	    "UN_COE_Region" };
	size_t i, j;

	if (q->by[1] == NULL)
		return false;
	for (i = 0; i < ARRAY_SIZE(from); i++)
		for (j = 0; j < ARRAY_SIZE(to); j++)
			if (strcmp(q->by[0], from[i]) == 0 &&
			    strcmp(q->by[1], to[j]) == 0)
				return true;
	return false;
}

/* Origin -> exploitation as a Sankey diagram: shown cells only, missing
 * left out; destination names marked so both sides can share a name. */
static json_t *
flow_json(const struct stats_table *t, const struct stats_query *q)
{
	json_t *d = json_object(), *nodes = json_array(), *links = json_array();
	size_t i, j;

	for (i = 0; i < t->nrows; i++)
		if (t->row_values[i])
			json_array_append_new(nodes, json_pack("{s:s}", "name",
			    value_label(q->by[0], t->row_values[i])));
	for (j = 0; j < t->ncols; j++)
		if (t->col_values[j]) {
			char name[256];

			snprintf(name, sizeof(name), "→ %s",
			    value_label(q->by[1], t->col_values[j]));
			json_array_append_new(nodes, json_pack("{s:s}", "name", name));
		}
	for (i = 0; i < t->nrows; i++)
		for (j = 0; j < t->ncols; j++) {
			const struct stats_cell *c = &t->cells[i * t->ncols + j];
			char to[256];

			if (!t->row_values[i] || !t->col_values[j] ||
			    c->supp != STATS_SHOWN || c->count == 0)
				continue;
			snprintf(to, sizeof(to), "→ %s",
			    value_label(q->by[1], t->col_values[j]));
			json_array_append_new(links, json_pack("{s:s,s:s,s:I}",
			    "source", value_label(q->by[0], t->row_values[i]),
			    "target", to, "value", (json_int_t)c->count));
		}
	json_object_set_new(d, "kind", json_string("sankey"));
	json_object_set_new(d, "nodes", nodes);
	json_object_set_new(d, "links", links);
	return d;
}

/* The chart's data (page_chart()). */
static json_t *
chart_json(const struct stats_table *t, const struct stats_query *q)
{
	json_t *d = json_object(), *cats = json_array(), *series = json_array();
	size_t i, j;
	bool year = strstr(q->by[0], "year") || strstr(q->by[0], "Year");

	for (i = 0; i < t->nrows; i++)
		if (t->row_values[i])
			json_array_append_new(cats, json_string(value_label(q->by[0],
			    t->row_values[i])));
	for (j = 0; j < t->ncols; j++) {
		json_t *data = json_array();

		for (i = 0; i < t->nrows; i++) {
			const struct stats_cell *c = &t->cells[i * t->ncols + j];

			if (t->row_values[i] == NULL)
				continue;
			json_array_append_new(data, c->supp == STATS_SHOWN ?
			    json_integer(c->count) : json_null());
		}
		json_array_append_new(series, json_pack("{s:s,s:o}", "name",
		    t->two_way ? value_label(q->by[1], t->col_values[j]) :
		    _("Count"), "data", data));
	}
	json_object_set_new(d, "kind", json_string(year ? "line" :
	    t->two_way ? "stacked" : "bar"));
	json_object_set_new(d, "categories", cats);
	json_object_set_new(d, "series", series);
	if (is_flow(q)) {
		json_decref(d);
		d = flow_json(t, q);
	}
	return d;
}

static void
table(struct html *h, const struct stats_table *t, const struct stats_query *q)
{
	size_t i, j;

	html_printf(h, "<figure><table class=\"stats striped\"><thead><tr>"
	    "<th scope=\"col\">%s</th>", var_label(q->by[0]));
	if (t->two_way) {
		for (j = 0; j < t->ncols; j++)
			html_printf(h, "<th scope=\"col\" class=\"num\">%s</th>",
			    value_label(q->by[1], t->col_values[j]));
		html_printf(h, "<th scope=\"col\" class=\"num\">%s</th>", _("Total"));
	} else {
		html_printf(h, "<th scope=\"col\" class=\"num\">%s</th>"
		    "<th scope=\"col\" class=\"num\">%s</th>"
		    "<th scope=\"col\" class=\"num\">%s</th>", _("Count"),
		    /* xgettext:no-c-format */
		    _("% of all"),
		    /* xgettext:no-c-format */
		    _("% of valid answers"));
	}
	html_printf(h, "</tr></thead><tbody>");
	for (i = 0; i < t->nrows; i++) {
		html_printf(h, "<tr><th scope=\"row\">%s</th>",
		    value_label(q->by[0], t->row_values[i]));
		for (j = 0; j < t->ncols; j++)
			cell(h, &t->cells[i * t->ncols + j]);
		if (t->two_way) {
			cell(h, &t->row_totals[i]);
		} else {
			pct(h, &t->cells[i], t->total, t->total_supp);
			if (t->row_values[i])
				pct(h, &t->cells[i], t->valid, t->valid_supp);
			else
				html_printf(h, "<td class=\"num\">—</td>");
		}
		html_printf(h, "</tr>");
	}
	html_printf(h, "</tbody><tfoot><tr><th scope=\"row\">%s</th>", _("Total"));
	if (t->two_way)
		for (j = 0; j < t->ncols; j++)
			cell(h, &t->col_totals[j]);
	if (t->total_supp)
		html_printf(h, "<td class=\"num suppressed\">—</td>");
	else
		html_printf(h, "<td class=\"num\">%L</td>", t->total);
	html_printf(h, "%R</tr></tfoot></table></figure>",
	    t->two_way ? "" : "<td></td><td></td>");
}

int
page_stats(struct req *r)
{
	struct stats_request sr;
	struct ds_opt o;
	struct html h;
	const char *by = req_query(r, "by"), *dsname = req_query(r, "dataset");
	const char *by2;
	const char *byv[2] = { NULL, NULL };
	struct dataset *vars = NULL;
	int rc;

	memset(&sr, 0, sizeof(sr));
	if (!user_can(&r->user, PERM_STATS_READ))
		return resp_error(r, 403, _("You are not allowed to see "
		    "statistics."), NULL);
	if (dsname == NULL || *dsname == '\0')
		dsname = STATS_CASELOAD;
	req_query_all(r, "by", byv, 2);
	by2 = byv[1];
	if (by && *by) {
		rc = stats_request_run(r, &sr);
		if (rc != 0) {
			stats_request_release(&sr);
			return rc < 0 ? -1 : 0;
		}
		vars = sr.ds;
	} else if (strcmp(dsname, STATS_CASELOAD) == 0) {
		vars = dataset_new(0, NULL);
	} else if (db_dataset_load(r->app->db, dsname, &vars) != DB_OK) {
		return resp_error(r, 404, _("There is no dataset with this name."),
		    NULL);
	}

	html_init(&h, HTTP_PAGE_MAX);
	page_begin(r, &h, _("Statistics"));
	html_printf(&h, "<h1>%s</h1><form method=\"get\" action=\"/stats\" "
	    "class=\"stats-form\"><div class=\"grid\"><label>%s<select "
	    "name=\"dataset\"><option value=\"caseload\"%R>%s</option>",
	    _("Statistics"), _("Dataset"),
	    strcmp(dsname, STATS_CASELOAD) == 0 ? " selected" : "",
	    _("Our caseload"));
	o.h = &h;
	o.selected = dsname;
	if (db_dataset_list(r->app->db, dataset_opt, &o) != DB_OK)
		goto fail;
	html_printf(&h, "</select></label><label>%s<select name=\"by\">",
	    _("Count by"));
	if (strcmp(dsname, STATS_CASELOAD) == 0 && !(by && *by)) {
		const char *const *v;

		for (v = research_vars; *v; v++)
			html_printf(&h, "<option value=\"%s\">%s</option>", *v,
			    var_label(*v));
	} else {
		var_options(&h, vars, by, false);
	}
	html_printf(&h, "</select></label><label>%s<select name=\"by\">",
	    _("and by (optional)"));
	if (strcmp(dsname, STATS_CASELOAD) == 0 && !(by && *by)) {
		const char *const *v;

		html_printf(&h, "<option value=\"\">%s</option>", _("— none —"));
		for (v = research_vars; *v; v++)
			html_printf(&h, "<option value=\"%s\">%s</option>", *v,
			    var_label(*v));
	} else {
		var_options(&h, vars, by2, true);
	}
	html_printf(&h, "</select></label></div><label><input type=\"checkbox\" "
	    "name=\"per_member\" value=\"1\"%R> %s</label>"
	    "<button type=\"submit\">%s</button></form>",
	    sr.q.per_member ? " checked" : "",
	    _("Count each member of a multi-value answer"), _("Show"));

	if (sr.t) {
		if (sr.q.k > 0)
			html_printf(&h, "<p class=\"note\">%s %d.</p>",
			    _("Cells with fewer cases than k are suppressed, and so "
			    "are the cells needed to keep them from being worked "
			    "out; k ="), sr.q.k);
		table(&h, sr.t, &sr.q);
		if (page_chart(&h, "chart-data", _("Chart of the table above"),
		    chart_json(sr.t, &sr.q)) == 0)
			page_chart_scripts(&h);
		html_printf(&h, "<p><a href=\"/api/v1/stats?dataset=%U&amp;by=%U"
		    "&amp;by=%U&amp;per_member=%s&amp;format=csv\" download>%s</a>"
		    " · <a href=\"/api/v1/stats?dataset=%U&amp;by=%U&amp;by=%U"
		    "&amp;per_member=%s&amp;format=xlsx\" download>%s</a></p>",
		    sr.dataset, sr.q.by[0], sr.q.by[1] ? sr.q.by[1] : "",
		    sr.q.per_member ? "1" : "0", _("Download CSV"),
		    sr.dataset, sr.q.by[0], sr.q.by[1] ? sr.q.by[1] : "",
		    sr.q.per_member ? "1" : "0", _("Download XLSX"));
	}
	page_end(r, &h);

	if (sr.ds == NULL)
		dataset_free(vars);
	stats_request_release(&sr);
	rc = resp_html(r, 200, &h);
	html_release(&h);
	return rc;
fail:

	if (sr.ds == NULL)
		dataset_free(vars);
	stats_request_release(&sr);
	html_release(&h);
	return -1;
}
