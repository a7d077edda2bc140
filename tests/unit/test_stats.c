/*
 * test_stats.c - frequency tables of stats.h: a small table computed by
 * hand (one way, two way, per member, filters), the TabStat rounding,
 * the JSON, CSV and text forms, small-cell suppression checked by an
 * independent oracle (linear algebra over the equations a reader can
 * write: a suppressed count must never be determined by them), and every
 * official frequency table of CTDC's Victim-Perpetrator synthetic dataset
 * (sheet TabStat, tests/data/vp_tabstat.tsv) reproduced exactly from the
 * data (tests/data/ctdc_vp_synthetic_2022.csv).
 */
#include "compat.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <jansson.h>

#include "buf.h"
#include "dataset.h"
#include "stats.h"

#define VP_CSV "tests/data/ctdc_vp_synthetic_2022.csv"
#define VP_TABSTAT "tests/data/vp_tabstat.tsv"

/* ------------------------------------------------------------------ */
/* helpers                                                             */

static const char *const small_names[] = { "gender", "ageBroad", "country" };
static const char *const small_rows[][3] = {
	{ "Female", "Adult", "UA" },
	{ "Female", "Minor", "UA" },
	{ "Male", "Adult", "MD" },
	{ "Female", "Adult", NULL },
	{ NULL, "Adult", "UA" },
	{ "Male", "", "UA" },
	{ "Female;Male", "Adult", "TH" },
};

static struct dataset *
small(void)
{
	struct dataset *ds = dataset_new(3, small_names);
	size_t i;

	assert_non_null(ds);
	for (i = 0; i < ARRAY_SIZE(small_rows); i++)
		assert_int_equal(dataset_add_row(ds, small_rows[i]), 0);
	return ds;
}

static struct stats_table *
compute(const struct dataset *ds, const struct stats_query *q)
{
	const char *err = "unset";
	struct stats_table *t = stats_compute(ds, q, &err);

	if (t == NULL)
		fail_msg("stats_compute: %s", err ? err : "(no message)");
	assert_null(err);
	return t;
}

static void
assert_value(const char *got, const char *want)
{
	if (want == NULL)
		assert_null(got);
	else {
		assert_non_null(got);
		assert_string_equal(got, want);
	}
}

static int64_t
cellc(const struct stats_table *t, size_t i, size_t j)
{
	return t->cells[i * t->ncols + j].count;
}

/* ------------------------------------------------------------------ */
/* rounding                                                            */

static void
test_percent_rounding(void **state)
{
	(void)state;
	assert_int_equal(stats_percent100(3, 7), 4286);
	assert_int_equal(stats_percent100(1, 3), 3333);
	assert_int_equal(stats_percent100(2, 3), 6667);
	/* Exact halves round up (away from zero): 6.25 -> 6.25, 3.125 ->
	 * 3.13, 0.625 -> 0.63, 0.005 -> 0.01; no binary floating point. */
	assert_int_equal(stats_percent100(1, 16), 625);
	assert_int_equal(stats_percent100(1, 32), 313);
	assert_int_equal(stats_percent100(1, 160), 63);
	assert_int_equal(stats_percent100(1, 20000), 1);
	assert_int_equal(stats_percent100(1, 20001), 0);
	/* TabStat: 1 of 21,195 shows 0 (not 0.01), 2002 shows 9.45. */
	assert_int_equal(stats_percent100(1, 21195), 0);
	assert_int_equal(stats_percent100(2002, 21195), 945);
	assert_int_equal(stats_percent100(5, 5), 10000);
	assert_int_equal(stats_percent100(0, 5), 0);
	assert_int_equal(stats_percent100(1, 0), -1);
	assert_int_equal(stats_percent100(-1, 5), -1);
	/* Large counts do not overflow. */
	assert_int_equal(stats_percent100(99999999, 100000000), 10000);
	assert_int_equal(stats_percent100(99994999, 100000000), 9999);
}

/* ------------------------------------------------------------------ */
/* a table by hand                                                     */

static void
test_one_way_by_hand(void **state)
{
	struct dataset *ds = small();
	struct stats_query q = { .by = { "gender", NULL } };
	struct stats_table *t = compute(ds, &q);

	(void)state;
	/* Female 3, Female;Male 1, Male 2, missing 1: byte order, missing
	 * last, the combination as its own value. */
	assert_false(t->two_way);
	assert_int_equal(t->nrows, 4);
	assert_int_equal(t->ncols, 1);
	assert_value(t->row_values[0], "Female");
	assert_value(t->row_values[1], "Female;Male");
	assert_value(t->row_values[2], "Male");
	assert_value(t->row_values[3], NULL);
	assert_value(t->col_values[0], NULL);
	assert_int_equal(cellc(t, 0, 0), 3);
	assert_int_equal(cellc(t, 1, 0), 1);
	assert_int_equal(cellc(t, 2, 0), 2);
	assert_int_equal(cellc(t, 3, 0), 1);
	assert_int_equal(t->row_totals[0].count, 3);
	assert_int_equal(t->col_totals[0].count, 7);
	assert_int_equal(t->total, 7);
	assert_int_equal(t->valid, 6);
	assert_int_equal(t->cells[0].supp, STATS_SHOWN);
	stats_table_free(t);

	/* Per member: Female 4, Male 3 (4 + 3 + 1 > 7 rows). */
	q.per_member = true;
	t = compute(ds, &q);
	assert_int_equal(t->nrows, 3);
	assert_value(t->row_values[0], "Female");
	assert_value(t->row_values[1], "Male");
	assert_value(t->row_values[2], NULL);
	assert_int_equal(cellc(t, 0, 0), 4);
	assert_int_equal(cellc(t, 1, 0), 3);
	assert_int_equal(cellc(t, 2, 0), 1);
	assert_int_equal(t->total, 7);
	assert_int_equal(t->valid, 6);
	assert_true(t->per_member);
	stats_table_free(t);

	/* A variable without any missing row still has its missing line. */
	q.per_member = false;
	q.by[0] = "country";
	t = compute(ds, &q);
	assert_int_equal(t->nrows, 4);
	assert_value(t->row_values[3], NULL);
	assert_int_equal(cellc(t, 3, 0), 1);
	stats_table_free(t);
	dataset_free(ds);
}

static void
test_two_way_by_hand(void **state)
{
	struct dataset *ds = small();
	struct stats_query q = { .by = { "gender", "ageBroad" } };
	struct stats_table *t = compute(ds, &q);
	static const int64_t want[4][3] = {
		{ 2, 1, 0 },	/* Female: Adult, Minor, missing */
		{ 1, 0, 0 },	/* Female;Male */
		{ 1, 0, 1 },	/* Male */
		{ 1, 0, 0 },	/* missing */
	};
	size_t i, j;

	(void)state;
	assert_true(t->two_way);
	assert_int_equal(t->nrows, 4);
	assert_int_equal(t->ncols, 3);
	assert_value(t->col_values[0], "Adult");
	assert_value(t->col_values[1], "Minor");
	assert_value(t->col_values[2], NULL);
	assert_value(t->row_values[3], NULL);
	for (i = 0; i < 4; i++)
		for (j = 0; j < 3; j++)
			assert_int_equal(cellc(t, i, j), want[i][j]);
	assert_int_equal(t->row_totals[0].count, 3);
	assert_int_equal(t->row_totals[2].count, 2);
	assert_int_equal(t->col_totals[0].count, 5);
	assert_int_equal(t->col_totals[1].count, 1);
	assert_int_equal(t->col_totals[2].count, 1);
	assert_int_equal(t->total, 7);
	assert_int_equal(t->valid, 6);
	stats_table_free(t);

	/* Per member on both sides: Female;Male/Adult counts for Female
	 * and for Male; row totals count rows, not cells. */
	q.per_member = true;
	t = compute(ds, &q);
	assert_int_equal(t->nrows, 3);
	assert_value(t->row_values[0], "Female");
	assert_value(t->row_values[1], "Male");
	assert_int_equal(cellc(t, 0, 0), 3);
	assert_int_equal(cellc(t, 0, 1), 1);
	assert_int_equal(cellc(t, 1, 0), 2);
	assert_int_equal(cellc(t, 1, 2), 1);
	assert_int_equal(t->row_totals[0].count, 4);
	assert_int_equal(t->row_totals[1].count, 3);
	assert_int_equal(t->col_totals[0].count, 5);
	stats_table_free(t);

	/* No missing column or row when there is none. */
	q.per_member = false;
	q.by[0] = "ageBroad";
	q.by[1] = "ageBroad";
	t = compute(ds, &q);
	assert_int_equal(t->nrows, 3);
	assert_int_equal(t->ncols, 3);
	assert_int_equal(cellc(t, 0, 0), 5);
	assert_int_equal(cellc(t, 0, 1), 0);
	stats_table_free(t);
	dataset_free(ds);
}

static int64_t
total_where(const struct dataset *ds, bool per_member, size_t n, ...)
{
	struct stats_query q = { .by = { "gender", NULL } };
	struct stats_table *t;
	va_list ap;
	int64_t total;
	size_t i;

	q.per_member = per_member;
	va_start(ap, n);
	for (i = 0; i < n; i++) {
		q.where[i].var = va_arg(ap, const char *);
		q.where[i].value = va_arg(ap, const char *);
	}
	va_end(ap);
	q.nwhere = n;
	t = compute(ds, &q);
	total = t->total;
	stats_table_free(t);
	return total;
}

static void
test_filters(void **state)
{
	struct dataset *ds = small();
	struct stats_query q = { .by = { "gender", NULL } };
	struct stats_table *t;

	(void)state;
	assert_int_equal(total_where(ds, false, 1, "country", "UA"), 4);
	assert_int_equal(total_where(ds, false, 1, "country", "missing"), 1);
	assert_int_equal(total_where(ds, false, 1, "country", ""), 1);
	assert_int_equal(total_where(ds, false, 1, "ageBroad", "missing"), 1);
	assert_int_equal(total_where(ds, false, 1, "country", "XX"), 0);
	/* Several filters all apply; on the same variable too. */
	assert_int_equal(total_where(ds, false, 2, "country", "UA",
	    "ageBroad", "Adult"), 2);
	assert_int_equal(total_where(ds, false, 2, "country", "UA",
	    "country", "MD"), 0);
	/* A value matches itself; with per_member a member matches too. */
	assert_int_equal(total_where(ds, false, 1, "gender", "Male"), 2);
	assert_int_equal(total_where(ds, true, 1, "gender", "Male"), 3);
	assert_int_equal(total_where(ds, true, 1, "gender", "Female;Male"),
	    1);
	assert_int_equal(total_where(ds, false, 1, "gender", "Female;Male"),
	    1);

	/* The filtered table itself: UA gives Female 2, Male 1, missing 1. */
	q.where[0].var = "country";
	q.where[0].value = "UA";
	q.nwhere = 1;
	t = compute(ds, &q);
	assert_int_equal(t->nrows, 3);
	assert_value(t->row_values[0], "Female");
	assert_int_equal(cellc(t, 0, 0), 2);
	assert_value(t->row_values[1], "Male");
	assert_int_equal(cellc(t, 1, 0), 1);
	assert_int_equal(cellc(t, 2, 0), 1);
	assert_int_equal(t->valid, 3);
	stats_table_free(t);

	/* Nothing matches: an empty table, not an error. */
	q.where[0].value = "XX";
	t = compute(ds, &q);
	assert_int_equal(t->total, 0);
	assert_int_equal(t->nrows, 1);
	assert_int_equal(cellc(t, 0, 0), 0);
	stats_table_free(t);
	dataset_free(ds);
}

static void
test_bad_queries(void **state)
{
	struct dataset *ds = small();
	struct stats_query q = { .by = { "sex", NULL } };
	const char *err = NULL;

	(void)state;
	assert_null(stats_compute(ds, &q, &err));
	assert_non_null(err);
	q.by[0] = "gender";
	q.by[1] = "nope";
	err = NULL;
	assert_null(stats_compute(ds, &q, &err));
	assert_non_null(err);
	q.by[1] = NULL;
	q.where[0].var = "nope";
	q.where[0].value = "x";
	q.nwhere = 1;
	err = NULL;
	assert_null(stats_compute(ds, &q, &err));
	assert_non_null(err);
	q.where[0].var = "gender";
	q.where[0].value = NULL;
	assert_null(stats_compute(ds, &q, &err));
	q.nwhere = STATS_WHERE_MAX + 1;
	assert_null(stats_compute(ds, &q, &err));
	q.nwhere = 0;
	q.k = -1;
	err = NULL;
	assert_null(stats_compute(ds, &q, &err));
	assert_non_null(err);
	q.k = STATS_K_MAX + 1;
	assert_null(stats_compute(ds, &q, &err));
	q.k = 0;
	q.by[0] = NULL;
	err = NULL;
	assert_null(stats_compute(ds, &q, &err));
	assert_non_null(err);
	assert_null(stats_compute(ds, NULL, NULL));
	dataset_free(ds);
}

/* ------------------------------------------------------------------ */
/* output forms                                                        */

static void
assert_json(json_t *got, const char *want)
{
	json_error_t e;
	json_t *w = json_loads(want, 0, &e);

	if (w == NULL)
		fail_msg("bad expected JSON: %s", e.text);
	if (!json_equal(got, w)) {
		char *s = json_dumps(got, JSON_COMPACT |
		    JSON_REAL_PRECISION(10));

		fail_msg("JSON differs: %s", s);
	}
	json_decref(w);
}

static void
test_json_one_way(void **state)
{
	struct dataset *ds = small();
	struct stats_query q = { .by = { "gender", NULL } };
	struct stats_table *t = compute(ds, &q);
	json_t *j = stats_table_json(t, &q);

	(void)state;
	assert_non_null(j);
	assert_json(j, "{\"by\":[\"gender\"],\"per_member\":false,"
	    "\"total\":7,\"valid\":6,\"valid_percent_of_total\":85.71,"
	    "\"k\":0,\"rows\":["
	    "{\"value\":\"Female\",\"count\":3,\"percent\":42.86,"
	    "\"valid_percent\":50.0,\"cum_percent\":50.0,"
	    "\"suppressed\":false},"
	    "{\"value\":\"Female;Male\",\"count\":1,\"percent\":14.29,"
	    "\"valid_percent\":16.67,\"cum_percent\":66.67,"
	    "\"suppressed\":false},"
	    "{\"value\":\"Male\",\"count\":2,\"percent\":28.57,"
	    "\"valid_percent\":33.33,\"cum_percent\":100.0,"
	    "\"suppressed\":false},"
	    "{\"value\":null,\"count\":1,\"percent\":14.29,"
	    "\"valid_percent\":null,\"cum_percent\":null,"
	    "\"suppressed\":false}]}");
	json_decref(j);
	stats_table_free(t);
	dataset_free(ds);
}

static void
test_json_two_way(void **state)
{
	struct dataset *ds = small();
	struct stats_query q = { .by = { "ageBroad", "country" } };
	struct stats_table *t = compute(ds, &q);
	json_t *j = stats_table_json(t, &q);

	(void)state;
	assert_non_null(j);
	/* Adult: MD 1, TH 1, UA 2, missing 1 (row total 5, valid answers
	 * 4); Minor: UA 1; missing: UA 1. */
	assert_json(j, "{\"by\":[\"ageBroad\",\"country\"],"
	    "\"per_member\":false,\"total\":7,\"valid\":6,"
	    "\"valid_percent_of_total\":85.71,\"k\":0,"
	    "\"columns\":["
	    "{\"value\":\"MD\",\"count\":1,\"percent\":14.29,\"suppressed\":false},"
	    "{\"value\":\"TH\",\"count\":1,\"percent\":14.29,\"suppressed\":false},"
	    "{\"value\":\"UA\",\"count\":4,\"percent\":57.14,\"suppressed\":false},"
	    "{\"value\":null,\"count\":1,\"percent\":14.29,\"suppressed\":false}],"
	    "\"rows\":["
	    "{\"value\":\"Adult\",\"count\":5,\"percent\":71.43,"
	    "\"valid_percent\":83.33,\"suppressed\":false,\"cells\":["
	    "{\"count\":1,\"percent\":14.29,\"valid_percent\":25.0,\"suppressed\":false},"
	    "{\"count\":1,\"percent\":14.29,\"valid_percent\":25.0,\"suppressed\":false},"
	    "{\"count\":2,\"percent\":28.57,\"valid_percent\":50.0,\"suppressed\":false},"
	    "{\"count\":1,\"percent\":14.29,\"valid_percent\":null,\"suppressed\":false}]},"
	    "{\"value\":\"Minor\",\"count\":1,\"percent\":14.29,"
	    "\"valid_percent\":16.67,\"suppressed\":false,\"cells\":["
	    "{\"count\":0,\"percent\":0.0,\"valid_percent\":0.0,\"suppressed\":false},"
	    "{\"count\":0,\"percent\":0.0,\"valid_percent\":0.0,\"suppressed\":false},"
	    "{\"count\":1,\"percent\":14.29,\"valid_percent\":100.0,\"suppressed\":false},"
	    "{\"count\":0,\"percent\":0.0,\"valid_percent\":null,\"suppressed\":false}]},"
	    "{\"value\":null,\"count\":1,\"percent\":14.29,"
	    "\"valid_percent\":null,\"suppressed\":false,\"cells\":["
	    "{\"count\":0,\"percent\":0.0,\"valid_percent\":0.0,\"suppressed\":false},"
	    "{\"count\":0,\"percent\":0.0,\"valid_percent\":0.0,\"suppressed\":false},"
	    "{\"count\":1,\"percent\":14.29,\"valid_percent\":100.0,\"suppressed\":false},"
	    "{\"count\":0,\"percent\":0.0,\"valid_percent\":null,\"suppressed\":false}]}]}");
	json_decref(j);
	stats_table_free(t);
	dataset_free(ds);
}

static void
test_csv(void **state)
{
	static const char *const nm[] = { "=label", "b" };
	static const char *const rows[][2] = {
		{ "=SUM(A1:A9)", "x" },
		{ "+1", "x" },
		{ "-2", "y" },
		{ "@cmd", "y" },
		{ "a,\"b\"", "y" },
		{ "plain", NULL },
	};
	struct dataset *ds = dataset_new(2, nm);
	struct stats_query q = { .by = { "=label", NULL } };
	struct stats_table *t;
	struct buf b = BUF_INIT(1 << 16);
	size_t i;

	(void)state;
	assert_non_null(ds);
	for (i = 0; i < ARRAY_SIZE(rows); i++)
		assert_int_equal(dataset_add_row(ds, rows[i]), 0);
	t = compute(ds, &q);
	assert_int_equal(stats_table_csv(t, &q, &b), 0);
	assert_string_equal(buf_cstr(&b),
	    "kind,'=label,count,percent,valid_percent,cum_percent,suppressed\r\n"
	    "value,'+1,1,16.67,16.67,16.67,\r\n"
	    "value,'-2,1,16.67,16.67,33.33,\r\n"
	    "value,'=SUM(A1:A9),1,16.67,16.67,50.00,\r\n"
	    "value,'@cmd,1,16.67,16.67,66.67,\r\n"
	    "value,\"a,\"\"b\"\"\",1,16.67,16.67,83.33,\r\n"
	    "value,plain,1,16.67,16.67,100.00,\r\n"
	    "missing,,0,0.00,,,\r\n"
	    "valid_total,,6,100.00,100.00,,\r\n"
	    "total,,6,100.00,,,\r\n");
	stats_table_free(t);

	buf_reset(&b);
	q.by[0] = "b";
	q.by[1] = "=label";
	q.where[0].var = "=label";
	q.where[0].value = "-2";
	q.nwhere = 1;
	t = compute(ds, &q);
	assert_int_equal(stats_table_csv(t, &q, &b), 0);
	assert_string_equal(buf_cstr(&b),
	    "kind,b,'=label,count,percent,valid_percent,suppressed\r\n"
	    "cell,y,'-2,1,100.00,100.00,\r\n"
	    "row_total,y,,1,100.00,100.00,\r\n"
	    "column_total,,'-2,1,100.00,,\r\n"
	    "total,,,1,100.00,,\r\n");
	/* A full buffer is an error, not a truncated file. */
	{
		struct buf tiny = BUF_INIT(20);

		assert_int_equal(stats_table_csv(t, &q, &tiny), -1);
		buf_release(&tiny);
	}
	stats_table_free(t);
	buf_release(&b);
	dataset_free(ds);
}

static void
test_text(void **state)
{
	struct dataset *ds = small();
	struct stats_query q = { .by = { "gender", NULL } };
	struct stats_table *t = compute(ds, &q);
	struct buf b = BUF_INIT(1 << 16);

	(void)state;
	assert_int_equal(stats_table_text(t, &q, &b), 0);
	assert_string_equal(buf_cstr(&b),
	    "gender      |     Count   Percent     Valid      Cum.\n"
	    "------------+----------------------------------------\n"
	    "Female      |         3     42.86     50.00     50.00\n"
	    "Female;Male |         1     14.29     16.67     66.67\n"
	    "Male        |         2     28.57     33.33    100.00\n"
	    "------------+----------------------------------------\n"
	    "Valid       |         6     85.71    100.00\n"
	    "Missing     |         1     14.29\n"
	    "------------+----------------------------------------\n"
	    "Total       |         7    100.00\n");
	stats_table_free(t);
	buf_reset(&b);
	q.by[1] = "ageBroad";
	q.k = 2;
	t = compute(ds, &q);
	assert_int_equal(stats_table_text(t, &q, &b), 0);
	/* Every count under 2 is an x. */
	assert_non_null(strstr(buf_cstr(&b), "gender \\ ageBroad |"));
	assert_non_null(strstr(buf_cstr(&b), "x: suppressed"));
	assert_null(strstr(buf_cstr(&b), " 1 "));
	stats_table_free(t);
	buf_release(&b);
	dataset_free(ds);
}

/* ------------------------------------------------------------------ */
/* the suppression oracle                                              */

/*
 * The equations a reader of the published table can write, over the
 * suppressed figures (unknowns): a one-way table has "valid rows sum to
 * valid" and "valid + missing = total"; a two-way table has each row
 * with its total, each column with its total, the totals row and
 * column, and valid + missing row total = total. A suppressed figure is
 * recovered when its unit vector lies in the row space of the equations;
 * the check is Gaussian elimination, independent of stats.c's graph.
 */
#define OR_MAXU 400
#define OR_MAXE 64

struct oracle {
	size_t nu, ne;
	const struct stats_cell *u[OR_MAXU];
	double a[OR_MAXE + 1][OR_MAXU];
};

static int
or_var(struct oracle *o, const struct stats_cell *c)
{
	size_t i;

	if (c->supp == STATS_SHOWN)
		return -1;
	for (i = 0; i < o->nu; i++)
		if (o->u[i] == c)
			return (int)i;
	assert_true(o->nu < OR_MAXU);
	o->u[o->nu] = c;
	return (int)o->nu++;
}

/* Adds coef * c to equation e (when c is suppressed). */
static void
or_term(struct oracle *o, size_t e, const struct stats_cell *c, double coef)
{
	int v = or_var(o, c);

	if (v >= 0)
		o->a[e][v] += coef;
}

static size_t
rank(double m[][OR_MAXU], size_t rows, size_t cols)
{
	size_t r = 0, c, i, j, p;

	for (c = 0; c < cols && r < rows; c++) {
		p = r;
		for (i = r; i < rows; i++)
			if (fabs(m[i][c]) > fabs(m[p][c]))
				p = i;
		if (fabs(m[p][c]) < 1e-9)
			continue;
		for (j = 0; j < cols; j++) {
			double x = m[r][j];

			m[r][j] = m[p][j];
			m[p][j] = x;
		}
		for (i = 0; i < rows; i++) {
			double f;

			if (i == r)
				continue;
			f = m[i][c] / m[r][c];
			for (j = 0; j < cols; j++)
				m[i][j] -= f * m[r][j];
		}
		r++;
	}
	return r;
}

/* How many suppressed figures of t a reader can work out (0 is safe). */
static size_t
recoverable(const struct stats_table *t)
{
	static struct oracle o;
	static double m[OR_MAXE + 1][OR_MAXU];
	struct stats_cell tot = { t->total, t->total_supp };
	struct stats_cell val = { t->valid, t->valid_supp };
	size_t i, j, e = 0, n = 0, base, r0;

	memset(&o, 0, sizeof(o));
	if (!t->two_way) {
		for (i = 0; i < t->nrows; i++) {
			if (t->row_values[i])
				or_term(&o, 0, &t->cells[i], 1);
			else
				or_term(&o, 1, &t->cells[i], 1);
		}
		or_term(&o, 0, &val, -1);
		or_term(&o, 1, &val, 1);
		or_term(&o, 1, &tot, -1);
		e = 2;
	} else {
		assert_true(t->nrows + t->ncols + 3 <= OR_MAXE);
		for (i = 0; i < t->nrows; i++, e++) {
			for (j = 0; j < t->ncols; j++)
				or_term(&o, e, &t->cells[i * t->ncols + j], 1);
			or_term(&o, e, &t->row_totals[i], -1);
		}
		for (j = 0; j < t->ncols; j++, e++) {
			for (i = 0; i < t->nrows; i++)
				or_term(&o, e, &t->cells[i * t->ncols + j], 1);
			or_term(&o, e, &t->col_totals[j], -1);
		}
		for (i = 0; i < t->nrows; i++)
			or_term(&o, e, &t->row_totals[i], 1);
		or_term(&o, e++, &tot, -1);
		for (j = 0; j < t->ncols; j++)
			or_term(&o, e, &t->col_totals[j], 1);
		or_term(&o, e++, &tot, -1);
		/* valid + missing row's total = total */
		or_term(&o, e, &val, 1);
		if (t->nrows > 0 && t->row_values[t->nrows - 1] == NULL)
			or_term(&o, e, &t->row_totals[t->nrows - 1], 1);
		or_term(&o, e++, &tot, -1);
	}
	/* Unknowns that appear in no equation are free: register them. */
	for (i = 0; i < t->nrows * t->ncols; i++)
		(void)or_var(&o, &t->cells[i]);
	for (i = 0; i < o.nu; i++) {
		memcpy(m, o.a, sizeof(m));
		r0 = rank(m, e, o.nu);
		memcpy(m, o.a, sizeof(m));
		memset(m[e], 0, sizeof(m[e]));
		m[e][i] = 1;
		base = rank(m, e + 1, o.nu);
		if (base == r0)
			n++;
	}
	return n;
}

/* The table on stderr, hidden counts in brackets, for a failure. */
static void
dump(const struct stats_table *t)
{
	size_t i, j;

	for (i = 0; i <= t->nrows; i++) {
		for (j = 0; j <= t->ncols; j++) {
			const struct stats_cell *c;
			struct stats_cell tc = { t->total, t->total_supp };

			if (i == t->nrows)
				c = j == t->ncols ? &tc : &t->col_totals[j];
			else
				c = j == t->ncols ? &t->row_totals[i] :
				    &t->cells[i * t->ncols + j];
			fprintf(stderr, c->supp == STATS_SHOWN ? " %5lld " :
			    c->supp == STATS_SMALL ? "[%5lld]" : "(%5lld)",
			    (long long)c->count);
		}
		fprintf(stderr, "\n");
	}
	fprintf(stderr, "valid %lld%s k %d\n", (long long)t->valid,
	    t->valid_supp == STATS_SHOWN ? "" : " hidden", t->k);
}

/* Every figure with 0 < count < k is suppressed. */
static void
assert_small_hidden(const struct stats_table *t)
{
	size_t i;

	for (i = 0; i < t->nrows * t->ncols; i++)
		if (t->cells[i].count > 0 && t->cells[i].count < t->k)
			assert_int_equal(t->cells[i].supp, STATS_SMALL);
	for (i = 0; i < t->nrows; i++)
		if (t->row_totals[i].count > 0 && t->row_totals[i].count < t->k)
			assert_int_not_equal(t->row_totals[i].supp, STATS_SHOWN);
	for (i = 0; i < t->ncols; i++)
		if (t->col_totals[i].count > 0 && t->col_totals[i].count < t->k)
			assert_int_not_equal(t->col_totals[i].supp, STATS_SHOWN);
	if (t->total > 0 && t->total < t->k)
		assert_int_not_equal(t->total_supp, STATS_SHOWN);
	if (t->valid > 0 && t->valid < t->k)
		assert_int_not_equal(t->valid_supp, STATS_SHOWN);
}

/* The table as if only the small cells had been hidden. */
static void
primary_only(struct stats_table *t)
{
	size_t i;

	for (i = 0; i < t->nrows * t->ncols; i++)
		if (t->cells[i].supp == STATS_COMPLEMENTARY)
			t->cells[i].supp = STATS_SHOWN;
	for (i = 0; i < t->nrows; i++)
		if (t->row_totals[i].supp == STATS_COMPLEMENTARY)
			t->row_totals[i].supp = STATS_SHOWN;
	for (i = 0; i < t->ncols; i++)
		if (t->col_totals[i].supp == STATS_COMPLEMENTARY)
			t->col_totals[i].supp = STATS_SHOWN;
	if (t->total_supp == STATS_COMPLEMENTARY)
		t->total_supp = STATS_SHOWN;
	if (t->valid_supp == STATS_COMPLEMENTARY)
		t->valid_supp = STATS_SHOWN;
}

/*
 * A dataset whose two-way table by "r" x "c" has counts n[i][j]; row or
 * column value NULL is missing. One-way: nc = 1 and col NULL.
 */
static struct dataset *
from_counts(size_t nr, size_t nc, const char *const *rv,
    const char *const *cv, const int64_t *n)
{
	static const char *const nm[] = { "r", "c" };
	struct dataset *ds = dataset_new(2, nm);
	size_t i, j;
	int64_t x;

	assert_non_null(ds);
	for (i = 0; i < nr; i++)
		for (j = 0; j < nc; j++)
			for (x = 0; x < n[i * nc + j]; x++) {
				const char *row[2] = { rv[i], cv[j] };

				assert_int_equal(dataset_add_row(ds, row), 0);
			}
	return ds;
}

/* One way: one small count would follow from the total; it does not. */
static void
test_suppress_one_way(void **state)
{
	static const char *const rv[] = { "A", "B", "C", "D", NULL };
	static const char *const cv[] = { NULL };
	static const int64_t n[] = { 50, 3, 40, 20, 30 };
	static const int64_t n2[] = { 50, 40, 0, 0, 3 };
	struct dataset *ds = from_counts(5, 1, rv, cv, n);
	struct stats_query q = { .by = { "r", NULL }, .k = 10 };
	struct stats_table *t = compute(ds, &q);
	json_t *j, *rows;

	(void)state;
	assert_int_equal(t->cells[1].supp, STATS_SMALL);
	/* The smallest other valid count goes too: D (20). */
	assert_int_equal(t->cells[3].supp, STATS_COMPLEMENTARY);
	assert_int_equal(t->cells[0].supp, STATS_SHOWN);
	assert_int_equal(t->cells[2].supp, STATS_SHOWN);
	assert_int_equal(t->cells[4].supp, STATS_SHOWN);
	assert_int_equal(t->total_supp, STATS_SHOWN);
	assert_int_equal(t->valid_supp, STATS_SHOWN);
	assert_int_equal(t->row_totals[1].supp, STATS_SMALL);
	assert_int_equal(recoverable(t), 0);
	/* JSON: counts and every percent of hidden rows null; the
	 * cumulative percent stops at the first hidden row. */
	j = stats_table_json(t, &q);
	rows = json_object_get(j, "rows");
	assert_true(json_is_null(json_object_get(json_array_get(rows, 1),
	    "count")));
	assert_true(json_is_true(json_object_get(json_array_get(rows, 1),
	    "suppressed")));
	assert_true(json_is_null(json_object_get(json_array_get(rows, 1),
	    "percent")));
	assert_true(json_is_null(json_object_get(json_array_get(rows, 1),
	    "valid_percent")));
	assert_true(json_is_null(json_object_get(json_array_get(rows, 2),
	    "cum_percent")));
	assert_int_equal(json_integer_value(json_object_get(
	    json_array_get(rows, 2), "count")), 40);
	assert_true(json_is_false(json_object_get(json_array_get(rows, 2),
	    "suppressed")));
	assert_int_equal(json_integer_value(json_object_get(j, "total")), 143);
	json_decref(j);
	/* Without the complementary cell, B = valid - A - C - D. */
	primary_only(t);
	assert_int_equal(recoverable(t), 1);
	stats_table_free(t);
	dataset_free(ds);

	/* A small missing line: valid + missing = total would give it
	 * away, so valid goes, and then a valid row to protect valid. */
	ds = from_counts(5, 1, rv, cv, n2);
	t = compute(ds, &q);
	assert_int_equal(t->nrows, 3);
	assert_int_equal(t->cells[2].supp, STATS_SMALL);
	assert_int_not_equal(t->valid_supp, STATS_SHOWN);
	assert_int_equal(t->total_supp, STATS_SHOWN);
	assert_int_equal(t->cells[1].supp, STATS_COMPLEMENTARY);
	assert_int_equal(recoverable(t), 0);
	j = stats_table_json(t, &q);
	assert_true(json_is_null(json_object_get(j, "valid")));
	rows = json_object_get(j, "rows");
	assert_true(json_is_null(json_object_get(json_array_get(rows, 0),
	    "valid_percent")));
	assert_int_equal(json_integer_value(json_object_get(
	    json_array_get(rows, 0), "count")), 50);
	json_decref(j);
	primary_only(t);
	assert_int_equal(recoverable(t), 1);
	stats_table_free(t);
	dataset_free(ds);
}

/* Two way: one small cell would follow from its row and column. */
static void
test_suppress_two_way(void **state)
{
	static const char *const rv[] = { "r1", "r2", "r3" };
	static const char *const cv[] = { "c1", "c2", "c3" };
	static const int64_t n[] = {
		30, 2, 25,
		40, 45, 50,
		12, 60, 15,
	};
	struct dataset *ds = from_counts(3, 3, rv, cv, n);
	struct stats_query q = { .by = { "r", "c" }, .k = 10 };
	struct stats_table *t = compute(ds, &q);
	size_t i, nsupp = 0;

	(void)state;
	assert_int_equal(t->cells[1].supp, STATS_SMALL);
	assert_small_hidden(t);
	for (i = 0; i < 9; i++)
		nsupp += t->cells[i].supp != STATS_SHOWN;
	/* Row r1 and column c2 each need a second hidden cell, and those
	 * two need a fourth: the smallest rectangle (r1,c2) (r1,c3)
	 * (r3,c2) (r3,c3) or similar. */
	assert_int_equal(nsupp, 4);
	assert_int_equal(t->total_supp, STATS_SHOWN);
	for (i = 0; i < 3; i++) {
		assert_int_equal(t->row_totals[i].supp, STATS_SHOWN);
		assert_int_equal(t->col_totals[i].supp, STATS_SHOWN);
	}
	assert_int_equal(recoverable(t), 0);
	primary_only(t);
	assert_int_equal(recoverable(t), 1);
	stats_table_free(t);
	dataset_free(ds);
}

/*
 * Two blocks of small cells, each line with two or more hidden cells,
 * joined by one small cell: "at least two per line" holds, yet that cell
 * is its block's total minus the rest. The bridge test must catch it.
 */
static void
test_suppress_bridge(void **state)
{
	static const char *const rv[] = { "a", "b", "c", "d", "e" };
	static const char *const cv[] = { "1", "2", "3", "4", "5" };
	static const int64_t n[] = {
		2, 3, 4, 50, 60,
		3, 2, 70, 80, 90,
		60, 70, 2, 3, 50,
		70, 80, 3, 2, 60,
		90, 80, 70, 60, 50,
	};
	struct dataset *ds = from_counts(5, 5, rv, cv, n);
	struct stats_query q = { .by = { "r", "c" }, .k = 10 };
	struct stats_table *t = compute(ds, &q);
	size_t i, ncomp = 0;

	(void)state;
	assert_small_hidden(t);
	for (i = 0; i < 25; i++)
		ncomp += t->cells[i].supp == STATS_COMPLEMENTARY;
	assert_true(ncomp >= 1);
	assert_int_equal(recoverable(t), 0);
	primary_only(t);
	/* With the small cells alone every line has two, and yet: */
	assert_int_equal(recoverable(t), 1);
	stats_table_free(t);
	dataset_free(ds);
}

/* Small totals are hidden too, and count in their line. */
static void
test_suppress_small_totals(void **state)
{
	static const char *const rv[] = { "a", "b", NULL };
	static const char *const cv[] = { "x", "y", NULL };
	static const int64_t n[] = {
		1, 2, 0,
		30, 40, 20,
		25, 0, 1,
	};
	static const int64_t tiny[] = { 1, 2, 0, 1, 0, 0, 0, 0, 0 };
	struct dataset *ds = from_counts(3, 3, rv, cv, n);
	struct stats_query q = { .by = { "r", "c" }, .k = 5 };
	struct stats_table *t = compute(ds, &q);
	json_t *j;

	(void)state;
	/* Row a's total (3) is small. */
	assert_int_equal(t->row_totals[0].supp, STATS_SMALL);
	assert_small_hidden(t);
	assert_int_equal(recoverable(t), 0);
	stats_table_free(t);
	dataset_free(ds);

	/* A table smaller than k: nothing at all is shown. */
	ds = from_counts(3, 3, rv, cv, tiny);
	t = compute(ds, &q);
	assert_int_not_equal(t->total_supp, STATS_SHOWN);
	assert_small_hidden(t);
	assert_int_equal(recoverable(t), 0);
	j = stats_table_json(t, &q);
	assert_true(json_is_null(json_object_get(j, "total")));
	assert_true(json_is_null(json_object_get(j, "valid")));
	json_decref(j);
	stats_table_free(t);
	q.by[1] = NULL;
	t = compute(ds, &q);
	assert_int_not_equal(t->total_supp, STATS_SHOWN);
	assert_small_hidden(t);
	assert_int_equal(recoverable(t), 0);
	stats_table_free(t);
	dataset_free(ds);
}

/* No small cell, nothing hidden; k = 0, nothing hidden. */
static void
test_suppress_nothing(void **state)
{
	static const char *const rv[] = { "a", "b" };
	static const char *const cv[] = { "x", "y" };
	static const int64_t n[] = { 10, 13, 11, 12 };
	struct dataset *ds = from_counts(2, 2, rv, cv, n);
	struct stats_query q = { .by = { "r", "c" }, .k = 10 };
	struct stats_table *t = compute(ds, &q);
	size_t i;

	(void)state;
	for (i = 0; i < 4; i++)
		assert_int_equal(t->cells[i].supp, STATS_SHOWN);
	assert_int_equal(t->total_supp, STATS_SHOWN);
	stats_table_free(t);
	q.k = 0;
	t = compute(ds, &q);
	for (i = 0; i < 4; i++)
		assert_int_equal(t->cells[i].supp, STATS_SHOWN);
	stats_table_free(t);
	dataset_free(ds);
}

/*
 * Filtered to a small group, a one-way table lists every value, counted
 * or not, and hides them all: no value missing from the list says that
 * none of the group has it. Without suppression only the values counted
 * are listed.
 */
static void
test_suppress_filtered_group(void **state)
{
	static const char *const rv[] = { "KH", "MM" };
	static const char *const cv[] = { "F", "M" };
	static const int64_t n[] = { 4, 10, 0, 3 };
	struct dataset *ds = from_counts(2, 2, rv, cv, n);
	struct stats_query q = { .by = { "c", NULL }, .k = 5, .nwhere = 1 };
	struct stats_table *t;
	size_t i;

	(void)state;
	q.where[0] = (struct stats_where){ "r", "MM" };
	t = compute(ds, &q);
	assert_int_equal(t->nrows, 3);			/* F, M, missing */
	assert_string_equal(t->row_values[0], "F");
	assert_string_equal(t->row_values[1], "M");
	assert_null(t->row_values[2]);
	assert_int_equal(t->cells[0].count, 0);
	assert_int_equal(t->cells[1].count, 3);
	for (i = 0; i < 2; i++)
		assert_int_not_equal(t->cells[i].supp, STATS_SHOWN);
	assert_int_not_equal(t->total_supp, STATS_SHOWN);
	assert_int_not_equal(t->valid_supp, STATS_SHOWN);
	assert_int_equal(recoverable(t), 0);
	stats_table_free(t);
	q.k = 0;
	t = compute(ds, &q);
	assert_int_equal(t->nrows, 2);			/* M, missing */
	assert_string_equal(t->row_values[0], "M");
	stats_table_free(t);
	dataset_free(ds);
}

/*
 * A zero is a count under k: shown, it would say that all of its row
 * (or column) share the other value. Hidden with k > 0, and protected
 * like any small cell; shown with k = 0.
 */
static void
test_suppress_zero(void **state)
{
	static const char *const rv[] = { "a", "b" };
	static const char *const cv[] = { "x", "y" };
	static const int64_t n[] = { 10, 0, 11, 12 };
	struct dataset *ds = from_counts(2, 2, rv, cv, n);
	struct stats_query q = { .by = { "r", "c" }, .k = 10 };
	struct stats_table *t = compute(ds, &q);

	(void)state;
	assert_int_equal(t->cells[1].supp, STATS_SMALL);	/* the zero */
	assert_int_not_equal(t->cells[0].supp, STATS_SHOWN);
	assert_int_equal(recoverable(t), 0);
	stats_table_free(t);
	q.k = 20;
	t = compute(ds, &q);
	assert_int_equal(t->cells[0].supp, STATS_SMALL);
	assert_int_equal(t->cells[1].supp, STATS_SMALL);
	assert_int_equal(recoverable(t), 0);
	stats_table_free(t);
	q.k = 0;
	t = compute(ds, &q);
	assert_int_equal(t->cells[1].supp, STATS_SHOWN);
	assert_int_equal(t->cells[1].count, 0);
	stats_table_free(t);
	dataset_free(ds);
}

/* Random tables: small counts always hidden, never recoverable. */
static uint64_t rng = 88172645463325252ull;

static uint32_t
rnd(uint32_t n)
{
	rng ^= rng << 13;
	rng ^= rng >> 7;
	rng ^= rng << 17;
	return (uint32_t)(rng % n);
}

static void
test_suppress_random(void **state)
{
	static const char *const rvals[] = { "a", "b", "c", "d", "e", "f",
	    "g" };
	static const char *const cvals[] = { "p", "q", "r", "s", "t", "u" };
	size_t trial, checked = 0, protected = 0;

	(void)state;
	for (trial = 0; trial < 3000; trial++) {
		const char *rv[8], *cv[7];
		int64_t n[8 * 7];
		size_t nr = 1 + rnd(6), nc = 1 + rnd(5), i;
		bool two = rnd(4) != 0;
		int k = 3 + (int)rnd(10);
		struct stats_query q = { .by = { "r", two ? "c" : NULL } };
		struct dataset *ds;
		struct stats_table *t;
		json_t *j;

		for (i = 0; i < nr; i++)
			rv[i] = rvals[i];
		for (i = 0; i < nc; i++)
			cv[i] = cvals[i];
		if (rnd(2))
			rv[nr++] = NULL;
		if (rnd(2))
			cv[nc++] = NULL;
		if (!two) {
			nc = 1;
			cv[0] = NULL;
		}
		for (i = 0; i < nr * nc; i++) {
			uint32_t u = rnd(10);

			n[i] = u < 3 ? 0 : u < 6 ? 1 + rnd((uint32_t)k - 1) :
			    k + rnd(40);
		}
		q.k = k;
		ds = from_counts(nr, nc, rv, cv, n);
		t = compute(ds, &q);
		assert_small_hidden(t);
		if (recoverable(t) != 0) {
			dump(t);
			fail_msg("trial %zu: a suppressed count can be "
			    "recovered", trial);
		}
		primary_only(t);
		protected += recoverable(t) > 0;
		/* JSON never carries a hidden count. */
		j = stats_table_json(t, &q);
		assert_non_null(j);
		json_decref(j);
		stats_table_free(t);
		dataset_free(ds);
		checked++;
	}
	assert_int_equal(checked, 3000);
	/* The complementary cells were needed, often. */
	assert_true(protected > 50);
}

/* ------------------------------------------------------------------ */
/* CTDC Victim-Perpetrator synthetic dataset against TabStat           */

static char *
slurp(const char *path, size_t *len)
{
	FILE *f = fopen(path, "rb");
	struct buf b = BUF_INIT(64u << 20);
	char chunk[65536];
	size_t n;

	if (f == NULL)
		fail_msg("cannot open %s (run from the repository root)", path);
	while ((n = fread(chunk, 1, sizeof(chunk), f)) > 0)
		assert_int_equal(buf_add(&b, chunk, n), 0);
	fclose(f);
	return buf_detach(&b, len);
}

/*
 * Splits line s (NUL-terminated, modified) on sep into at most max
 * fields; the VP file has no quoted fields (checked by the caller).
 */
static size_t
split(char *s, char sep, char **f, size_t max)
{
	size_t n = 0;

	for (;;) {
		char *e = strchr(s, sep);

		assert_true(n < max);
		f[n++] = s;
		if (e == NULL)
			return n;
		*e = '\0';
		s = e + 1;
	}
}

struct vp {
	struct dataset *ds;
	char *text;
	char **cells;		/* nrows * nvars, into text */
	size_t nrows, nvars;
	char *names[DATASET_VARS_MAX];
};

static void
vp_load(struct vp *vp)
{
	size_t len, r = 0, cap = 0;
	char *p, *line;

	memset(vp, 0, sizeof(*vp));
	vp->text = slurp(VP_CSV, &len);
	assert_null(memchr(vp->text, '"', len));
	p = vp->text;
	line = strsep(&p, "\n");
	vp->nvars = split(line, ',', vp->names, DATASET_VARS_MAX);
	assert_int_equal(vp->nvars, 16);
	vp->ds = dataset_new(vp->nvars, (const char *const *)vp->names);
	assert_non_null(vp->ds);
	while (p && *p) {
		char **row;
		size_t n;

		line = strsep(&p, "\n");
		if (line[0] && line[strlen(line) - 1] == '\r')
			line[strlen(line) - 1] = '\0';
		if (r == cap) {
			cap = cap ? cap * 2 : 4096;
			vp->cells = realloc(vp->cells,
			    cap * vp->nvars * sizeof(char *));
			assert_non_null(vp->cells);
		}
		row = vp->cells + r * vp->nvars;
		n = split(line, ',', row, vp->nvars);
		assert_int_equal(n, vp->nvars);
		assert_int_equal(dataset_add_row(vp->ds,
		    (const char *const *)row), 0);
		r++;
	}
	vp->nrows = r;
}

static void
vp_free(struct vp *vp)
{
	dataset_free(vp->ds);
	free(vp->cells);
	free(vp->text);
}

/* "29.6" -> 2960, "0.04" -> 4, "100" -> 10000; -1 for "". */
static int64_t
hundredths(const char *s)
{
	int64_t v = 0;
	int dec = -1;

	if (*s == '\0')
		return -1;
	for (; *s; s++) {
		if (*s == '.') {
			assert_int_equal(dec, -1);
			dec = 0;
			continue;
		}
		assert_true(*s >= '0' && *s <= '9');
		v = v * 10 + (*s - '0');
		if (dec >= 0)
			dec++;
	}
	assert_true(dec <= 2);
	for (; dec < 2; dec = dec < 0 ? 1 : dec + 1)
		v *= 10;
	return v;
}

/* A JSON percent equals the sheet's number (null for an empty one). */
static void
assert_jpct(json_t *got, const char *sheet)
{
	if (*sheet == '\0') {
		assert_true(json_is_null(got));
		return;
	}
	assert_true(json_is_real(got));
	/* Same double as the sheet's decimal text. */
	if (json_real_value(got) != strtod(sheet, NULL))
		fail_msg("percent %.17g, sheet %s", json_real_value(got),
		    sheet);
}

static void
test_vp_tabstat(void **state)
{
	struct vp vp;
	char *text, *p, *line;
	size_t len, nlines = 0, nvars = 0, i;
	char cur[128] = "";
	struct stats_table *t = NULL;
	json_t *j = NULL, *rows = NULL;
	struct stats_query q = { .by = { NULL, NULL } };
	size_t vrow = 0;

	(void)state;
	assert_int_equal(hundredths("29.6"), 2960);
	assert_int_equal(hundredths("0.04"), 4);
	assert_int_equal(hundredths("100"), 10000);
	assert_int_equal(hundredths("0"), 0);
	vp_load(&vp);
	assert_int_equal(vp.nrows, 21195);
	text = slurp(VP_TABSTAT, &len);
	p = text;
	while (p && *p) {
		char *f[7];
		int64_t freq;

		line = strsep(&p, "\n");
		if (line[0] == '#' || line[0] == '\0')
			continue;
		assert_int_equal(split(line, '\t', f, 7), 7);
		nlines++;
		if (strcmp(f[0], cur) != 0) {
			/* The previous table had no value row left over. */
			if (t)
				assert_int_equal(vrow, t->nrows - 1);
			json_decref(j);
			stats_table_free(t);
			snprintf(cur, sizeof(cur), "%s", f[0]);
			q.by[0] = cur;
			t = compute(vp.ds, &q);
			j = stats_table_json(t, &q);
			assert_non_null(j);
			rows = json_object_get(j, "rows");
			vrow = 0;
			nvars++;
		}
		freq = strtoll(f[3], NULL, 10);
		if (strcmp(f[1], "value") == 0) {
			json_t *r = json_array_get(rows, vrow);
			int64_t cum = 0;

			assert_true(vrow < t->nrows - 1);
			assert_value(t->row_values[vrow], f[2]);
			assert_int_equal(t->cells[vrow].count, freq);
			assert_int_equal(stats_percent100(freq, t->total),
			    hundredths(f[4]));
			assert_int_equal(stats_percent100(freq, t->valid),
			    hundredths(f[5]));
			for (i = 0; i <= vrow; i++)
				cum += t->cells[i].count;
			assert_int_equal(stats_percent100(cum, t->valid),
			    hundredths(f[6]));
			assert_string_equal(json_string_value(
			    json_object_get(r, "value")), f[2]);
			assert_int_equal(json_integer_value(
			    json_object_get(r, "count")), freq);
			assert_jpct(json_object_get(r, "percent"), f[4]);
			assert_jpct(json_object_get(r, "valid_percent"), f[5]);
			assert_jpct(json_object_get(r, "cum_percent"), f[6]);
			vrow++;
		} else if (strcmp(f[1], "valid_total") == 0) {
			assert_int_equal(t->valid, freq);
			assert_int_equal(json_integer_value(
			    json_object_get(j, "valid")), freq);
			assert_jpct(json_object_get(j,
			    "valid_percent_of_total"), f[4]);
			assert_int_equal(hundredths(f[5]), 10000);
		} else if (strcmp(f[1], "missing") == 0) {
			json_t *r = json_array_get(rows, t->nrows - 1);

			assert_null(t->row_values[t->nrows - 1]);
			assert_int_equal(t->cells[t->nrows - 1].count, freq);
			assert_int_equal(t->total - t->valid, freq);
			assert_int_equal(stats_percent100(freq, t->total),
			    hundredths(f[4]));
			assert_true(json_is_null(json_object_get(r, "value")));
			assert_int_equal(json_integer_value(
			    json_object_get(r, "count")), freq);
			assert_jpct(json_object_get(r, "percent"), f[4]);
			assert_jpct(json_object_get(r, "valid_percent"), f[5]);
		} else {
			assert_string_equal(f[1], "total");
			assert_int_equal(t->total, freq);
			assert_int_equal(json_integer_value(
			    json_object_get(j, "total")), freq);
			assert_int_equal(stats_percent100(freq, t->total),
			    hundredths(f[4]));
		}
	}
	assert_int_equal(vrow, t->nrows - 1);
	json_decref(j);
	stats_table_free(t);
	/* Every line of the sheet, every one of the 16 variables. */
	assert_int_equal(nlines, 95);
	assert_int_equal(nvars, 16);
	free(text);
	vp_free(&vp);
}

/* Two-way and per-member counts on the VP data, against a plain count
 * of the parsed file; and suppression at k = 10 on real tables. */
static void
test_vp_two_way(void **state)
{
	static const char *const pairs[][2] = {
		{ "gender", "majorityStatus" },
		{ "UN_COO_Region", "UN_COE_Region" },
		{ "yearRegister", "IP_Relation" },
		{ "IP_ageBroad", "IP_Gender" },
	};
	struct vp vp;
	size_t p, i, j, r;

	(void)state;
	vp_load(&vp);
	for (p = 0; p < ARRAY_SIZE(pairs); p++) {
		struct stats_query q = { .by = { pairs[p][0], pairs[p][1] } };
		int a = dataset_var_index(vp.ds, pairs[p][0]);
		int b = dataset_var_index(vp.ds, pairs[p][1]);
		struct stats_table *t = compute(vp.ds, &q);
		int64_t sum = 0;

		assert_int_equal(t->total, 21195);
		for (i = 0; i < t->nrows; i++)
			for (j = 0; j < t->ncols; j++) {
				const char *rv = t->row_values[i] ?
				    t->row_values[i] : "";
				const char *cv = t->col_values[j] ?
				    t->col_values[j] : "";
				int64_t n = 0;

				for (r = 0; r < vp.nrows; r++)
					n += strcmp(vp.cells[r * vp.nvars +
					    (size_t)a], rv) == 0 &&
					    strcmp(vp.cells[r * vp.nvars +
					    (size_t)b], cv) == 0;
				assert_int_equal(cellc(t, i, j), n);
				sum += n;
			}
		assert_int_equal(sum, 21195);
		stats_table_free(t);

		q.k = 10;
		t = compute(vp.ds, &q);
		assert_small_hidden(t);
		if (t->nrows + t->ncols + 3 <= OR_MAXE)
			assert_int_equal(recoverable(t), 0);
		stats_table_free(t);
	}
	{
		/* IP_Gender per member: Female 3515 + 2452, Male 9820 +
		 * 2452. */
		struct stats_query q = { .by = { "IP_Gender", NULL },
		    .per_member = true };
		struct stats_table *t = compute(vp.ds, &q);

		assert_int_equal(t->nrows, 3);
		assert_value(t->row_values[0], "Female");
		assert_int_equal(cellc(t, 0, 0), 5967);
		assert_value(t->row_values[1], "Male");
		assert_int_equal(cellc(t, 1, 0), 12272);
		assert_int_equal(cellc(t, 2, 0), 5408);
		assert_int_equal(t->valid, 15787);
		stats_table_free(t);
	}
	{
		/* IP_ageBroad at k = 10: 8, 3 and 4 are small. */
		struct stats_query q = { .by = { "IP_ageBroad", NULL },
		    .k = 10 };
		struct stats_table *t = compute(vp.ds, &q);
		size_t small = 0;

		for (i = 0; i < t->nrows; i++)
			small += t->cells[i].supp == STATS_SMALL;
		assert_int_equal(small, 3);
		assert_small_hidden(t);
		assert_int_equal(recoverable(t), 0);
		stats_table_free(t);
	}
	vp_free(&vp);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_percent_rounding),
		cmocka_unit_test(test_one_way_by_hand),
		cmocka_unit_test(test_two_way_by_hand),
		cmocka_unit_test(test_filters),
		cmocka_unit_test(test_bad_queries),
		cmocka_unit_test(test_json_one_way),
		cmocka_unit_test(test_json_two_way),
		cmocka_unit_test(test_csv),
		cmocka_unit_test(test_text),
		cmocka_unit_test(test_suppress_one_way),
		cmocka_unit_test(test_suppress_two_way),
		cmocka_unit_test(test_suppress_bridge),
		cmocka_unit_test(test_suppress_small_totals),
		cmocka_unit_test(test_suppress_nothing),
		cmocka_unit_test(test_suppress_zero),
		cmocka_unit_test(test_suppress_filtered_group),
		cmocka_unit_test(test_suppress_random),
		cmocka_unit_test(test_vp_tabstat),
		cmocka_unit_test(test_vp_two_way),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
