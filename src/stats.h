/*
 * stats.h - frequency tables over a dataset, safe to publish.
 *
 * One-way and two-way tables in the way the official CTDC frequency
 * tables present them: for each value its count, its percent of all rows
 * and its percent of the rows where the variable is not missing; the
 * missing rows counted on their own line (valid percent null). Filters
 * (var = value) narrow the rows first. A multi-value cell counts as the
 * combination by default, or once per member when per_member is set (the
 * percents of all rows then no longer add up to 100).
 *
 * Suppression: with k > 0, every category is listed, counted or not, and
 * every count of a category under k is suppressed, zero included (an
 * empty category would say that the whole group shares the others; a
 * zero of the missing row or column stays); further cells are suppressed
 * (complementary suppression) until no suppressed cell can be recovered
 * from the row, column and grand totals shown; the result says which
 * cells are suppressed and why.
 */
#ifndef CTM_STATS_H
#define CTM_STATS_H

#include "compat.h"

#include <jansson.h>

#include "dataset.h"

#define STATS_WHERE_MAX 8
/* Largest k accepted, and most cells (categories of by[0] times those of
 * by[1], missing included) a table may count. */
#define STATS_K_MAX 1000
#define STATS_CELLS_MAX (1u << 22)

struct stats_where {
	const char *var;
	const char *value;	/* "" or "missing": the missing rows; with
				   per_member, a member matches too */
};

struct stats_query {
	const char *by[2];	/* by[1] NULL for a one-way table */
	struct stats_where where[STATS_WHERE_MAX];
	size_t nwhere;
	bool per_member;
	int k;			/* 0: no suppression */
};

enum stats_supp {
	STATS_SHOWN,
	STATS_SMALL,		/* count < k (a zero too: stats.h above) */
	STATS_COMPLEMENTARY,	/* hidden so that a small cell cannot be
				   recovered by subtraction */
};

struct stats_cell {
	int64_t count;
	enum stats_supp supp;
};

/*
 * A table: rows are the values of by[0] (missing last), columns the values
 * of by[1] (one column for a one-way table). Totals are of the filtered
 * rows. Owned by the caller: stats_table_free().
 */
struct stats_table {
	size_t nrows, ncols;
	char **row_values;		/* NULL entry: the missing row */
	char **col_values;		/* one-way: a single NULL column */
	struct stats_cell *cells;	/* nrows * ncols, row-major */
	struct stats_cell *row_totals;	/* nrows */
	struct stats_cell *col_totals;	/* ncols */
	int64_t total;			/* all filtered rows */
	int64_t valid;			/* rows where by[0] is not missing */
	bool two_way;
	int k;
	/* Added: total and valid are suppressed too when showing them would
	 * let a suppressed cell be recovered (or when they are under k). */
	enum stats_supp total_supp;
	enum stats_supp valid_supp;
	bool per_member;
};

/*
 * Computes q over ds. Returns NULL with *err (static, translated) on an
 * unknown variable or a bad query.
 */
struct stats_table *stats_compute(const struct dataset *ds,
    const struct stats_query *q, const char **err);
void stats_table_free(struct stats_table *t);

/*
 * Percents as the CTDC tables (TabStat) show them: part / whole * 100
 * rounded to two decimals, half away from zero, computed exactly on
 * integers. Returns hundredths (4524 for 45.24), -1 when whole <= 0.
 */
int64_t stats_percent100(int64_t part, int64_t whole);

/*
 * The table as JSON: {"by", "per_member", "total", "valid",
 * "valid_percent_of_total", "k", "rows": [{"value", "count", "percent",
 * "valid_percent", "cum_percent", "suppressed"}...]} for one way (the
 * missing row last, "value" null, valid and cum percent null); with
 * "columns" [{"value", "count", "percent", "suppressed"}] (the column
 * totals) and per-row "cells" [{"count", "percent", "valid_percent",
 * "suppressed"}] for two way, where a row's "count" is its total, its
 * "valid_percent" of "valid", and a cell's "valid_percent" is of the
 * row's total without its missing column. Percents are numbers with two
 * decimals (stats_percent100() / 100). Every figure that is suppressed,
 * or would give a suppressed one away, is null; "suppressed" is true for
 * suppressed counts and never says why (saying "complementary" would
 * tell that the count is k or more). NULL when memory runs out.
 */
json_t *stats_table_json(const struct stats_table *t,
    const struct stats_query *q);

/*
 * The table as CSV (RFC 4180, CRLF), appended to out, in long form with
 * a first column "kind": for one way
 *   kind,<by0>,count,percent,valid_percent,cum_percent,suppressed
 * with kinds value, missing, valid_total, total; for two way
 *   kind,<by0>,<by1>,count,percent,valid_percent,suppressed
 * with kinds cell, row_total, column_total, total. A missing value is an
 * empty cell (as in CTDC files), "suppressed" is 1 or empty, a
 * suppressed count is empty. Cells starting with = + - @ (or a tab or
 * CR) get a leading ' so that no spreadsheet runs them. -1 when out is
 * full.
 */
int stats_table_csv(const struct stats_table *t,
    const struct stats_query *q, struct buf *out);

/*
 * The table as plain text for a terminal, appended to out: one way as
 * value, count, percent, valid percent, cumulative percent with the
 * valid total, missing and total lines; two way as a grid of counts with
 * row and column totals. Suppressed counts read "x". Labels are
 * translated. -1 when out is full.
 */
int stats_table_text(const struct stats_table *t,
    const struct stats_query *q, struct buf *out);

/* Counts per year of year_var (rows) for each value of by (columns):
 * stats_compute with by = {year_var, by}. */

#endif
