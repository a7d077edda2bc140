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
#include "money.h"
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

	html_printf(o->h, "<option value=\"%s\"%R>%s (%N)</option>", d->name,
	    strcmp(d->name, o->selected) == 0 ? " selected" : "", d->name,
	    d->rows);
	return 0;
}

static void
cell(struct html *h, const struct stats_cell *c)
{
	if (c->supp == STATS_SHOWN)
		html_printf(h, "<td class=\"num\">%N</td>", c->count);
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
	char s[MONEY_TEXT];
	int64_t p;

	if (c->supp != STATS_SHOWN || of_supp ||
	    (p = stats_percent100(c->count, of)) < 0) {
		html_printf(h, "<td class=\"num\">—</td>");
		return;
	}
	html_printf(h, "<td class=\"num\">%s</td>", fixed_text(p, 2,
	    i18n_current(), s));
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

	/* A line through years, unless "Missing" is a category: it is no
	 * year to join to the others. */
	for (i = 0; i < t->nrows; i++)
		if (t->row_values[i] == NULL)
			year = false;

	/* Every row of the table, "Missing" too: the chart and the table
	 * show the same figures. */
	for (i = 0; i < t->nrows; i++)
		json_array_append_new(cats, json_string(value_label(q->by[0],
		    t->row_values[i])));
	for (j = 0; j < t->ncols; j++) {
		json_t *data = json_array();

		for (i = 0; i < t->nrows; i++) {
			const struct stats_cell *c = &t->cells[i * t->ncols + j];

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

/* Whether some cell is shown with a count: else a chart has nothing to
 * draw. */
static bool
chart_worth(const struct stats_table *t)
{
	size_t i;

	for (i = 0; i < t->nrows * t->ncols; i++)
		if (t->cells[i].supp == STATS_SHOWN && t->cells[i].count > 0)
			return true;
	return false;
}

static int
table(struct req *r, struct html *h, const struct stats_table *t,
    const struct stats_query *q)
{
	size_t ncols = t->two_way ? t->ncols + 2 : 4, i, j;
	struct page_col *cols = arena_alloc(r->arena, ncols * sizeof(*cols));
	struct page_table tab;

	if (cols == NULL)
		return -1;
	cols[0].head = var_label(q->by[0]);
	cols[0].flags = 0;
	for (j = 1; j < ncols; j++)
		cols[j].flags = COL_NUM;
	if (t->two_way) {
		for (j = 0; j < t->ncols; j++)
			cols[j + 1].head = value_label(q->by[1], t->col_values[j]);
		cols[ncols - 1].head = _("Total");
	} else {
		cols[1].head = _("Count");
		/* xgettext:no-c-format */
		cols[2].head = _("% of all");
		/* xgettext:no-c-format */
		cols[3].head = _("% of valid answers");
	}
	page_table_begin(&tab, h, "stats striped", NULL, cols, ncols);
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
	page_table_body_end(&tab, t->nrows, _("No case is counted."));
	html_printf(h, "<tfoot><tr><th scope=\"row\">%s</th>", _("Total"));
	if (t->two_way)
		for (j = 0; j < t->ncols; j++)
			cell(h, &t->col_totals[j]);
	if (t->total_supp)
		html_printf(h, "<td class=\"num suppressed\">—</td>");
	else
		html_printf(h, "<td class=\"num\">%N</td>", t->total);
	html_printf(h, "%R</tr></tfoot>", t->two_way ? "" : "<td></td><td></td>");
	page_table_end(&tab, 0, NULL);
	return 0;
}

/* The variables of the page's dataset: its names for one imported,
 * research_vars for the caseload. */
struct vars {
	const struct dataset *ds;	/* NULL: the caseload */
};

static size_t
vars_n(const struct vars *v)
{
	size_t n = 0;

	if (v->ds)
		return dataset_nvars(v->ds);
	while (research_vars[n])
		n++;
	return n;
}

static const char *
vars_name(const struct vars *v, size_t i)
{
	return v->ds ? dataset_var_name(v->ds, i) : research_vars[i];
}

static bool
vars_has(const struct vars *v, const char *name)
{
	size_t i, n = vars_n(v);

	for (i = 0; i < n; i++)
		if (strcmp(vars_name(v, i), name) == 0)
			return true;
	return false;
}

static void
var_select(struct html *h, const struct vars *v, const char *id,
    const char *label, const char *sel, bool none)
{
	size_t i, n = vars_n(v);

	html_printf(h, "<label for=\"%s\">%s<select id=\"%s\" name=\"by\">",
	    id, label, id);
	if (none)
		html_printf(h, "<option value=\"\">%s</option>", _("— none —"));
	for (i = 0; i < n; i++) {
		const char *name = vars_name(v, i);

		html_printf(h, "<option value=\"%s\"%R>%s</option>", name,
		    sel && strcmp(sel, name) == 0 ? " selected" : "",
		    var_label(name));
	}
	html_printf(h, "</select></label>");
}

/*
 * GET /stats: the dataset chosen in a form of its own (changing it shows
 * the form again with that dataset's variables, with or without
 * JavaScript), then the variables to count by. A variable the dataset
 * does not have (a form sent after the dataset changed, an old link)
 * is never an error: the first of the dataset is counted instead, with
 * a notice.
 */
int
page_stats(struct req *r)
{
	struct stats_request sr;
	struct ds_opt o;
	struct html h;
	const char *dsname = req_query(r, "dataset");
	const char *byv[2] = { NULL, NULL }, *by0 = NULL, *by1 = NULL;
	const char *notice = NULL;
	struct dataset *ds = NULL;
	struct vars v = { NULL };
	size_t nby;
	bool caseload;
	int rc;

	memset(&sr, 0, sizeof(sr));
	if (!user_can(&r->user, PERM_STATS_READ))
		return resp_error(r, 403, _("You are not allowed to see "
		    "statistics."), NULL);
	if (dsname == NULL || *dsname == '\0')
		dsname = STATS_CASELOAD;
	caseload = strcmp(dsname, STATS_CASELOAD) == 0;
	if (!caseload) {
		rc = db_dataset_load(r->app->db, dsname, &ds);
		if (rc == DB_NOTFOUND)
			return resp_error(r, 404, _("There is no dataset with "
			    "this name."), NULL);
		if (rc != DB_OK)
			return -1;
		v.ds = ds;
	}
	nby = req_query_all(r, "by", byv, 2);
	if (nby > 0 && byv[0] && *byv[0]) {
		by0 = byv[0];
		by1 = nby > 1 && byv[1] && *byv[1] ? byv[1] : NULL;
		if (!vars_has(&v, by0)) {
			const char *was = by0;

			by0 = vars_n(&v) ? vars_name(&v, 0) : NULL;
			notice = arena_printf(r->arena, _("This dataset has no "
			    "variable “%s”: the table counts by its first one, "
			    "“%s”."), utf8_valid(was, strlen(was)) ? was : "?",
			    by0 ? var_label(by0) : "—");
		}
		if (by1 && (!vars_has(&v, by1) || (by0 && strcmp(by0,
		    by1) == 0))) {
			if (notice == NULL)
				notice = _("The second variable is not one of "
				    "the dataset's, or is the first one again: "
				    "the table counts by one variable.");
			by1 = NULL;
		}
	}
	if (by0) {
		/* The dataset goes to the request, which frees it. */
		rc = stats_request_run_vars(r, &sr, by0, by1, ds);
		ds = NULL;
		if (rc != 0) {
			stats_request_release(&sr);
			return rc < 0 ? -1 : 0;
		}
		v.ds = caseload ? NULL : sr.ds;
	}

	html_init(&h, HTTP_PAGE_MAX);
	page_begin(r, &h, _("Statistics"));
	html_printf(&h, "<h1>%s</h1><form method=\"get\" action=\"/stats\" "
	    "class=\"stats-dataset\"><label for=\"dataset\">%s</label>"
	    "<div role=\"group\"><select id=\"dataset\" name=\"dataset\" "
	    "data-autosubmit><option value=\"caseload\"%R>%s</option>",
	    _("Statistics"), _("Dataset"), caseload ? " selected" : "",
	    _("Our caseload"));
	o.h = &h;
	o.selected = dsname;
	if (db_dataset_list(r->app->db, dataset_opt, &o) != DB_OK)
		goto fail;
	html_printf(&h, "</select><button type=\"submit\" class=\"secondary\" "
	    "data-js-hide>%s</button></div></form>", _("Choose the dataset"));

	html_printf(&h, "<form method=\"get\" action=\"/stats\" "
	    "class=\"stats-form\"><input type=\"hidden\" name=\"dataset\" "
	    "value=\"%s\"><div class=\"grid\">", dsname);
	var_select(&h, &v, "by", _("Count by"), by0, false);
	var_select(&h, &v, "by2", _("and by (optional)"), by1, true);
	html_printf(&h, "</div><label><input type=\"checkbox\" "
	    "name=\"per_member\" value=\"1\"%R> %s</label>"
	    "<button type=\"submit\">%s</button></form>",
	    sr.q.per_member ? " checked" : "",
	    _("Count each member of a multi-value answer"), _("Show"));
	if (notice)
		html_printf(&h, "<p class=\"flash warn\" role=\"status\">%s</p>",
		    notice);

	if (sr.t) {
		if (sr.q.k > 0)
			html_printf(&h, "<p class=\"note\">%s %N.</p>",
			    _("Cells with fewer cases than k are suppressed, and so "
			    "are the cells needed to keep them from being worked "
			    "out; k ="), (int64_t)sr.q.k);
		if (table(r, &h, sr.t, &sr.q) < 0)
			goto fail;
		if (!chart_worth(sr.t))
			html_printf(&h, "<p class=\"note\">%s</p>", _("No chart: "
			    "every cell of this table is suppressed or empty."));
		else if (page_chart(&h, "chart-data",
		    _("Chart of the table above"), chart_json(sr.t, &sr.q)) == 0)
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

	dataset_free(ds);
	stats_request_release(&sr);
	rc = resp_html(r, 200, &h);
	html_release(&h);
	return rc;
fail:
	dataset_free(ds);
	stats_request_release(&sr);
	html_release(&h);
	return -1;
}
