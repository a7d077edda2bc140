/*
 * statsreq.c - access, loading and computing for statistics requests.
 */
#include "compat.h"

#include <fcntl.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include <xlsxwriter.h>

#include "audit.h"
#include "cases.h"
#include "i18n.h"
#include "log.h"
#include "research.h"
#include "statsreq.h"

/* Splits "VAR=VALUE" into the arena. */
static int
parse_where(struct req *r, const char *s, struct stats_where *w)
{
	const char *eq = strchr(s, '=');

	if (eq == NULL || eq == s)
		return -1;
	w->var = arena_strndup(r->arena, s, (size_t)(eq - s));
	w->value = arena_strdup(r->arena, eq + 1);
	return w->var && w->value ? 0 : -1;
}

/* by0 NULL: the query's "by"; ds: stolen, NULL to load. */
static int
run(struct req *r, struct stats_request *sr, const char *by0,
    const char *by1, struct dataset *ds)
{
	const char *by[3], *where[STATS_WHERE_MAX + 1], *ks, *pm, *err = NULL;
	json_t *detail;
	size_t nby, nwhere, i;
	int k = 0;
	bool researcher;

	memset(sr, 0, sizeof(*sr));
	if (!user_can(&r->user, PERM_STATS_READ)) {
		dataset_free(ds);
		return resp_error(r, 403, _("You are not allowed to see "
		    "statistics."), NULL), 1;
	}
	/* Owned by sr from here: released with it. */
	sr->ds = ds;
	/* Who may not read every case counted counts anonymised: consenting
	 * cases, small cells suppressed. Only an office's managers read all
	 * its cases, high-risk ones included; a researcher, a programme
	 * manager (the cases referred to headquarters only) and an admin,
	 * even with case access (never the high-risk cases), do not. */
	researcher = !(user_scope(&r->user) == SCOPE_OFFICE &&
	    user_can(&r->user, PERM_HIGH_RISK_OFFICE));
	sr->dataset = req_query(r, "dataset");
	if (sr->dataset == NULL || *sr->dataset == '\0')
		sr->dataset = STATS_CASELOAD;
	sr->format = req_query(r, "format");
	if (sr->format == NULL || *sr->format == '\0')
		sr->format = "json";
	if (strcmp(sr->format, "json") && strcmp(sr->format, "csv") &&
	    strcmp(sr->format, "xlsx") && strcmp(sr->format, "html"))
		return resp_error(r, 400, _("Unknown format: use json, csv or "
		    "xlsx."), NULL), 1;
	if (by0) {
		by[0] = by0;
		by[1] = by1;
		nby = by1 ? 2 : 1;
	} else
		nby = req_query_all(r, "by", by, ARRAY_SIZE(by));
	if (nby < 1 || nby > 2 || *by[0] == '\0')
		return resp_error(r, 400, _("Give one or two variables to count "
		    "by."), NULL), 1;
	sr->q.by[0] = by[0];
	sr->q.by[1] = nby == 2 && *by[1] ? by[1] : NULL;
	nwhere = req_query_all(r, "where", where, ARRAY_SIZE(where));
	if (nwhere > STATS_WHERE_MAX)
		return resp_error(r, 400, _("Too many filters."), NULL), 1;
	for (i = 0; i < nwhere; i++) {
		if (*where[i] == '\0')
			continue;
		if (parse_where(r, where[i], &sr->q.where[sr->q.nwhere]) < 0)
			return resp_error(r, 400, _("A filter reads VARIABLE=VALUE."),
			    NULL), 1;
		sr->q.nwhere++;
	}
	pm = req_query(r, "per_member");
	sr->q.per_member = pm && (strcmp(pm, "1") == 0 || strcmp(pm, "on") == 0 ||
	    strcmp(pm, "true") == 0);
	ks = req_query(r, "k");
	if (ks && *ks) {
		char *end;
		long v = strtol(ks, &end, 10);

		if (*end || v < 0 || v > 1000)
			return resp_error(r, 400, _("k is a whole number from 0 to "
			    "1000."), NULL), 1;
		k = (int)v;
	}
	if (researcher && k < STATS_K_DEFAULT) {
		k = STATS_K_DEFAULT;
		sr->forced_k = true;
	}
	sr->q.k = k;

	if (sr->ds) {
		/* Loaded by the page already. */
	} else if (strcmp(sr->dataset, STATS_CASELOAD) == 0) {
		int64_t office = researcher ? 0 : cases_office_scope(r);

		if (office < 0)
			office = 0;
		sr->ds = research_caseload(r, office, researcher);
	} else {
		int rc = db_dataset_load(r->app->db, sr->dataset, &sr->ds);

		if (rc == DB_NOTFOUND)
			return resp_error(r, 404, _("There is no dataset with this "
			    "name."), NULL), 1;
		if (rc != DB_OK)
			return -1;
	}
	if (sr->ds == NULL)
		return -1;
	sr->t = stats_compute(sr->ds, &sr->q, &err);
	if (sr->t == NULL)
		return resp_error(r, 400, err ? err : _("Invalid query."), NULL), 1;
	/* The filters too: a query is known again from its entry. */
	detail = json_pack("{s:s,s:s,s:s?,s:i,s:b}", "dataset", sr->dataset,
	    "by", sr->q.by[0], "by2", sr->q.by[1], "k", sr->q.k,
	    "per_member", sr->q.per_member);
	if (detail && sr->q.nwhere) {
		json_t *wj = json_array();

		for (i = 0; wj && i < sr->q.nwhere; i++)
			json_array_append_new(wj, json_sprintf("%s=%s",
			    sr->q.where[i].var, sr->q.where[i].value));
		json_object_set_new(detail, "where", wj);
	}
	if (audit(r, "stats.query", 0, NULL, detail) < 0)
		return -1;
	return 0;
}

int
stats_request_run(struct req *r, struct stats_request *sr)
{
	return run(r, sr, NULL, NULL, NULL);
}

int
stats_request_run_vars(struct req *r, struct stats_request *sr,
    const char *by0, const char *by1, struct dataset *ds)
{
	return run(r, sr, by0 ? by0 : "", by1, ds);
}

void
stats_request_release(struct stats_request *sr)
{
	stats_table_free(sr->t);
	dataset_free(sr->ds);
	sr->t = NULL;
	sr->ds = NULL;
}

int
stats_xlsx(const struct stats_table *t, const struct stats_query *q,
    const char *title, struct buf *out)
{
	/* Strings written by libxlsxwriter are never formulas: no need to
	 * neutralise = + - @ as for CSV. */
	char path[] = "/tmp/ctm-xlsx-XXXXXX";
	lxw_workbook *wb;
	lxw_worksheet *ws;
	size_t i, j;
	int fd, rc = -1;
	FILE *f;
	char chunk[8192];
	size_t n;

	fd = mkstemp(path);
	if (fd < 0)
		return error("stats: cannot make a temporary file");
	close(fd);
	wb = workbook_new(path);
	if (wb == NULL)
		goto out;
	ws = workbook_add_worksheet(wb, NULL);
	worksheet_write_string(ws, 0, 0, title, NULL);
	worksheet_write_string(ws, 2, 0, q->by[0], NULL);
	if (t->two_way) {
		for (j = 0; j < t->ncols; j++)
			worksheet_write_string(ws, 2, (lxw_col_t)(j + 1),
			    t->col_values[j] ? t->col_values[j] : _("Missing"), NULL);
		worksheet_write_string(ws, 2, (lxw_col_t)(t->ncols + 1),
		    _("Total"), NULL);
	} else {
		worksheet_write_string(ws, 2, 1, _("Count"), NULL);
	}
	for (i = 0; i < t->nrows; i++) {
		lxw_row_t row = (lxw_row_t)(i + 3);

		worksheet_write_string(ws, row, 0, t->row_values[i] ?
		    t->row_values[i] : _("Missing"), NULL);
		for (j = 0; j < t->ncols; j++) {
			const struct stats_cell *c = &t->cells[i * t->ncols + j];

			if (c->supp != STATS_SHOWN)
				worksheet_write_string(ws, row, (lxw_col_t)(j + 1),
				    _("suppressed"), NULL);
			else
				worksheet_write_number(ws, row, (lxw_col_t)(j + 1),
				    (double)c->count, NULL);
		}
		if (t->two_way) {
			const struct stats_cell *c = &t->row_totals[i];

			if (c->supp != STATS_SHOWN)
				worksheet_write_string(ws, row,
				    (lxw_col_t)(t->ncols + 1), _("suppressed"), NULL);
			else
				worksheet_write_number(ws, row,
				    (lxw_col_t)(t->ncols + 1), (double)c->count, NULL);
		}
	}
	worksheet_write_string(ws, (lxw_row_t)(t->nrows + 3), 0, _("Total"),
	    NULL);
	if (t->total_supp)
		worksheet_write_string(ws, (lxw_row_t)(t->nrows + 3),
		    (lxw_col_t)(t->two_way ? t->ncols + 1 : 1), _("suppressed"),
		    NULL);
	else
		worksheet_write_number(ws, (lxw_row_t)(t->nrows + 3),
		    (lxw_col_t)(t->two_way ? t->ncols + 1 : 1), (double)t->total,
		    NULL);
	if (workbook_close(wb) != LXW_NO_ERROR)
		goto out;
	f = fopen(path, "rb");
	if (f == NULL)
		goto out;
	rc = 0;
	while ((n = fread(chunk, 1, sizeof(chunk), f)) > 0)
		if (buf_add(out, chunk, n) < 0) {
			rc = -1;
			break;
		}
	fclose(f);
out:
	unlink(path);
	return rc;
}
