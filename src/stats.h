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
 * Suppression: with k > 0, every cell with 0 < count < k is suppressed,
 * and further cells are suppressed (complementary suppression) until no
 * suppressed cell can be recovered from the row, column and grand totals
 * shown; the result says which cells are suppressed and why.
 */
#ifndef CTM_STATS_H
#define CTM_STATS_H

#include "compat.h"

#include <jansson.h>

#include "dataset.h"

#define STATS_WHERE_MAX 8

struct stats_where {
	const char *var;
	const char *value;	/* "" or "missing": the missing rows */
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
	STATS_SMALL,		/* 0 < count < k */
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
};

/*
 * Computes q over ds. Returns NULL with *err (static, translated) on an
 * unknown variable or a bad query.
 */
struct stats_table *stats_compute(const struct dataset *ds,
    const struct stats_query *q, const char **err);
void stats_table_free(struct stats_table *t);

/* The table as JSON: {"by", "total", "valid", "k", "rows": [{"value",
 * "count", "percent", "valid_percent", "suppressed"}...]} for one way; with
 * "columns" and per-row "cells" for two way. Suppressed counts are null. */
json_t *stats_table_json(const struct stats_table *t,
    const struct stats_query *q);

/* Counts per year of year_var (rows) for each value of by (columns):
 * stats_compute with by = {year_var, by}. */

#endif
