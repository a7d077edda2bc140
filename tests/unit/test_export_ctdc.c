/*
 * test_export_ctdc.c - the k-anonymisation of export_ctdc.h on datasets
 * built here: a k-anonymous dataset passes unchanged; small groups are
 * generalised (countries to regions) where that is enough, generalised
 * and suppressed where it takes both, left out where nothing helps;
 * random datasets checked by an oracle (every combination of the
 * quasi-identifiers at least k times, every value its source or a
 * coarser form of it, other variables untouched, the report recounted);
 * the UN M49 table against iso-codes; the CSV layout, missing values as
 * -99, neutralised formulas; a report without values.
 */
#include "compat.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include "dataset.h"
#include "export_ctdc.h"
#include "isocodes.h"

/* The quasi-identifiers, then two variables that are not. */
static const char *const names[] = { "gender", "ageBroad",
	"majorityStatus", "citizenship", "CountryOfExploitation",
	"yearOfRegistration", "rowId", "isForcedLabour" };
enum { V_GENDER, V_AGE, V_MAJ, V_CIT, V_COE, V_YEAR, V_ID, V_FLAG, NV };

struct row {
	const char *v[6];	/* the quasi-identifiers, NULL missing */
	int times;
};

/* A dataset of rows repeated, with rowId 0, 1, ... and a flag. */
static struct dataset *
build(const struct row *rows, size_t n)
{
	struct dataset *ds = dataset_new(NV, names);
	size_t i, id = 0;
	int t;

	assert_non_null(ds);
	for (i = 0; i < n; i++)
		for (t = 0; t < rows[i].times; t++) {
			const char *vals[NV];
			char ids[32];

			memcpy(vals, rows[i].v, sizeof(rows[i].v));
			snprintf(ids, sizeof(ids), "%zu", id++);
			vals[V_ID] = ids;
			vals[V_FLAG] = id % 3 == 0 ? NULL : id % 3 == 1 ? "1" : "0";
			assert_int_equal(dataset_add_row(ds, vals), 0);
		}
	return ds;
}

static const char *
val(const struct dataset *ds, size_t var, size_t row)
{
	return dataset_value(ds, var, dataset_code(ds, var, row));
}

static bool
same(const char *a, const char *b)
{
	return (a == NULL && b == NULL) ||
	    (a != NULL && b != NULL && strcmp(a, b) == 0);
}

/* The source row of an output row, by rowId. */
static size_t
source_row(const struct dataset *out, size_t r)
{
	const char *id = val(out, V_ID, r);

	assert_non_null(id);
	return (size_t)strtoul(id, NULL, 10);
}

static int
key_cmp(const void *a, const void *b)
{
	return strcmp(*(char *const *)a, *(char *const *)b);
}

static bool
starts(const char *s, const char *prefix)
{
	return strncmp(s, prefix, strlen(prefix)) == 0;
}

/* Rows of the smallest combination of the quasi-identifiers (0 when no
 * rows), and the number of combinations, counted independently: the
 * values joined as text, sorted, runs counted. */
static size_t
smallest_group(const struct dataset *ds, size_t *ngroups)
{
	size_t n = dataset_nrows(ds), r, q, i, run = 1, small = 0;
	char **keys;

	*ngroups = 0;
	if (n == 0)
		return 0;
	keys = calloc(n, sizeof(*keys));
	assert_non_null(keys);
	for (r = 0; r < n; r++) {
		char buf[512];
		size_t len = 0;

		for (q = 0; q <= V_YEAR; q++) {
			const char *v = val(ds, q, r);

			len += (size_t)snprintf(buf + len, sizeof(buf) - len,
			    "%s\x1f", v ? v : "-99");
		}
		keys[r] = strdup(buf);
		assert_non_null(keys[r]);
	}
	qsort(keys, n, sizeof(*keys), key_cmp);
	for (i = 1; i <= n; i++) {
		if (i < n && strcmp(keys[i], keys[i - 1]) == 0) {
			run++;
			continue;
		}
		(*ngroups)++;
		if (small == 0 || run < small)
			small = run;
		run = 1;
	}
	for (r = 0; r < n; r++)
		free(keys[r]);
	free(keys);
	return small;
}

static void
assert_unchanged_row(const struct dataset *in, size_t ri,
    const struct dataset *out, size_t ro)
{
	size_t v;

	for (v = 0; v < NV; v++)
		assert_true(same(val(in, v, ri), val(out, v, ro)));
}

/* ------------------------------------------------------------------ */

static void
test_region(void **state)
{
	char code[3] = { 0 };
	int a, b, with = 0;

	(void)state;
	assert_string_equal(export_ctdc_region("TH"), "Asia");
	assert_string_equal(export_ctdc_region("MM"), "Asia");
	assert_string_equal(export_ctdc_region("CO"), "Americas");
	assert_string_equal(export_ctdc_region("US"), "Americas");
	assert_string_equal(export_ctdc_region("CH"), "Europe");
	assert_string_equal(export_ctdc_region("RU"), "Europe");
	assert_string_equal(export_ctdc_region("NA"), "Africa");
	assert_string_equal(export_ctdc_region("NG"), "Africa");
	assert_string_equal(export_ctdc_region("FJ"), "Oceania");
	assert_string_equal(export_ctdc_region("AD"), "Europe");
	assert_string_equal(export_ctdc_region("ZW"), "Africa");
	assert_string_equal(export_ctdc_region("WS"), "Oceania");
	assert_null(export_ctdc_region("AQ"));
	assert_null(export_ctdc_region("00"));
	assert_null(export_ctdc_region("th"));
	assert_null(export_ctdc_region("T"));
	assert_null(export_ctdc_region("THA"));
	assert_null(export_ctdc_region(""));
	assert_null(export_ctdc_region(NULL));
	/* Every country but Antarctica has a region, and nothing else. */
	for (a = 'A'; a <= 'Z'; a++)
		for (b = 'A'; b <= 'Z'; b++) {
			code[0] = (char)a;
			code[1] = (char)b;
			if (export_ctdc_region(code)) {
				with++;
				if (!country_valid(code))
					fail_msg("%s has a region but is not a "
					    "country", code);
			} else if (country_valid(code) &&
			    strcmp(code, "AQ") != 0)
				fail_msg("country %s has no region", code);
		}
	assert_int_equal(with, 248);
}

static void
test_already_kanonymous(void **state)
{
	static const struct row rows[] = {
		{ { "Female", "24--26", "Adult", "TH", "TH", "2023" }, 5 },
		{ { "Male", "9--17", "Minor", "MM", "TH", "2022" }, 6 },
		{ { NULL, NULL, NULL, NULL, NULL, NULL }, 5 },
		{ { "Female", "24--26", "Adult", "TH", "TH", "2023" }, 2 },
	};
	struct export_ctdc_report rep;
	struct dataset *in = build(rows, ARRAY_SIZE(rows)), *out;
	size_t r, ng, q;

	(void)state;
	out = export_ctdc_kanon(in, 5, &rep);
	assert_non_null(out);
	assert_int_equal(dataset_nrows(out), dataset_nrows(in));
	for (r = 0; r < dataset_nrows(in); r++)
		assert_unchanged_row(in, r, out, r);
	assert_int_equal(rep.k, 5);
	assert_int_equal(rep.rows_in, 18);
	assert_int_equal(rep.rows_out, 18);
	assert_int_equal(rep.rows_dropped, 0);
	assert_int_equal(rep.groups, 3);
	assert_int_equal(rep.smallest, 5);
	for (q = 0; q < QV__MAX; q++) {
		assert_int_equal(rep.generalised[q], 0);
		assert_int_equal(rep.suppressed[q], 0);
	}
	assert_int_equal(smallest_group(out, &ng), 5);
	assert_int_equal(ng, 3);
	dataset_free(out);

	/* k = 1 changes nothing either. */
	out = export_ctdc_kanon(in, 1, &rep);
	assert_non_null(out);
	assert_int_equal(dataset_nrows(out), 18);
	assert_int_equal(rep.groups, 3);
	dataset_free(out);
	dataset_free(in);
}

/* Citizens of three countries of one region, too few each: together as
 * the region; the country of ten stays as it is. */
static void
test_unique_to_region(void **state)
{
	static const struct row rows[] = {
		{ { "Female", "24--26", "Adult", "TH", "TH", "2023" }, 10 },
		{ { "Female", "24--26", "Adult", "VN", "TH", "2023" }, 5 },
		{ { "Female", "24--26", "Adult", "KH", "TH", "2023" }, 4 },
		{ { "Female", "24--26", "Adult", "LA", "TH", "2023" }, 1 },
	};
	struct export_ctdc_report rep;
	struct dataset *in = build(rows, ARRAY_SIZE(rows)), *out;
	size_t r, ng, q;

	(void)state;
	out = export_ctdc_kanon(in, 10, &rep);
	assert_non_null(out);
	assert_int_equal(dataset_nrows(out), 20);
	for (r = 0; r < 20; r++) {
		size_t s = source_row(out, r);

		if (s < 10) {
			assert_unchanged_row(in, s, out, r);
			continue;
		}
		assert_string_equal(val(out, V_CIT, r), "Asia");
		for (q = 0; q <= V_YEAR; q++)
			if (q != V_CIT)
				assert_true(same(val(in, q, s), val(out, q, r)));
		assert_true(same(val(in, V_FLAG, s), val(out, V_FLAG, r)));
	}
	assert_int_equal(rep.rows_dropped, 0);
	assert_int_equal(rep.generalised[QV_CITIZENSHIP], 10);
	for (q = 0; q < QV__MAX; q++) {
		assert_int_equal(rep.suppressed[q], 0);
		if (q != QV_CITIZENSHIP)
			assert_int_equal(rep.generalised[q], 0);
	}
	assert_int_equal(smallest_group(out, &ng), 10);
	assert_int_equal(ng, 2);
	dataset_free(out);
	dataset_free(in);
}

/*
 * A unique man from Viet Nam joins nine men whose citizenship is known
 * only as Asia and whose age is missing: his citizenship generalised,
 * his age suppressed, nothing else changed.
 */
static void
test_unique_generalised_then_suppressed(void **state)
{
	static const struct row rows[] = {
		{ { "Female", "24--26", "Adult", "TH", "TH", "2023" }, 10 },
		{ { "Male", NULL, NULL, "Asia", "TH", "2023" }, 9 },
		{ { "Male", "24--26", "Adult", "VN", "TH", "2023" }, 1 },
	};
	struct export_ctdc_report rep;
	struct dataset *in = build(rows, ARRAY_SIZE(rows)), *out;
	size_t r, ng, q, found = 0;

	(void)state;
	out = export_ctdc_kanon(in, 10, &rep);
	assert_non_null(out);
	assert_int_equal(dataset_nrows(out), 20);
	for (r = 0; r < 20; r++) {
		size_t s = source_row(out, r);

		if (s < 19) {
			assert_unchanged_row(in, s, out, r);
			continue;
		}
		found++;
		assert_string_equal(val(out, V_GENDER, r), "Male");
		assert_null(val(out, V_AGE, r));
		assert_null(val(out, V_MAJ, r));
		assert_string_equal(val(out, V_CIT, r), "Asia");
		assert_string_equal(val(out, V_COE, r), "TH");
		assert_string_equal(val(out, V_YEAR, r), "2023");
	}
	assert_int_equal(found, 1);
	assert_int_equal(rep.rows_dropped, 0);
	for (q = 0; q < QV__MAX; q++) {
		assert_int_equal(rep.generalised[q], q == QV_CITIZENSHIP);
		assert_int_equal(rep.suppressed[q],
		    q == QV_AGE_BROAD || q == QV_MAJORITY);
	}
	assert_int_equal(smallest_group(out, &ng), 10);
	assert_int_equal(ng, 2);
	dataset_free(out);
	dataset_free(in);
}

/* A unique citizen with nine whose citizenship is missing: suppressed,
 * since generalising is not enough. */
static void
test_unique_suppressed(void **state)
{
	static const struct row rows[] = {
		{ { "Female", "18--20", "Adult", "TH", "TH", "2021" }, 10 },
		{ { "Female", "18--20", "Adult", NULL, "TH", "2021" }, 9 },
		{ { "Female", "18--20", "Adult", "MM", "TH", "2021" }, 1 },
	};
	struct export_ctdc_report rep;
	struct dataset *in = build(rows, ARRAY_SIZE(rows)), *out;
	size_t r, q;

	(void)state;
	out = export_ctdc_kanon(in, 10, &rep);
	assert_non_null(out);
	assert_int_equal(dataset_nrows(out), 20);
	for (r = 0; r < 19; r++)
		assert_unchanged_row(in, source_row(out, r), out, r);
	for (r = 0; r < 20; r++)
		if (source_row(out, r) == 19)
			assert_null(val(out, V_CIT, r));
	for (q = 0; q < QV__MAX; q++) {
		assert_int_equal(rep.generalised[q], 0);
		assert_int_equal(rep.suppressed[q], q == QV_CITIZENSHIP);
	}
	dataset_free(out);
	dataset_free(in);
}

/* A record unlike any other is generalised and suppressed to the end,
 * and still alone: left out. The others are untouched. */
static void
test_unique_dropped(void **state)
{
	static const struct row rows[] = {
		{ { "Female", "24--26", "Adult", "TH", "TH", "2023" }, 20 },
		{ { "Male", "48+", "Adult", "US", "MX", "2011" }, 1 },
	};
	struct export_ctdc_report rep;
	struct dataset *in = build(rows, ARRAY_SIZE(rows)), *out;
	size_t r, q;

	(void)state;
	out = export_ctdc_kanon(in, 10, &rep);
	assert_non_null(out);
	assert_int_equal(dataset_nrows(out), 20);
	for (r = 0; r < 20; r++)
		assert_unchanged_row(in, r, out, r);
	assert_int_equal(rep.rows_in, 21);
	assert_int_equal(rep.rows_out, 20);
	assert_int_equal(rep.rows_dropped, 1);
	for (q = 0; q < QV__MAX; q++) {
		assert_int_equal(rep.generalised[q], 0);
		assert_int_equal(rep.suppressed[q], 0);
	}
	dataset_free(out);

	/* Fewer rows than k: nothing can be published. */
	out = export_ctdc_kanon(in, 22, &rep);
	assert_non_null(out);
	assert_int_equal(dataset_nrows(out), 0);
	assert_int_equal(rep.rows_out, 0);
	assert_int_equal(rep.rows_dropped, 21);
	assert_int_equal(rep.groups, 0);
	assert_int_equal(rep.smallest, 0);
	dataset_free(out);

	assert_null(export_ctdc_kanon(in, 0, &rep));
	assert_null(export_ctdc_kanon(in, EXPORT_CTDC_K_MAX + 1, &rep));
	dataset_free(in);
}

/* Quasi-identifiers the dataset lacks count as missing. */
static void
test_missing_variables(void **state)
{
	static const char *const two[] = { "gender", "rowId" };
	static const char *const g[] = { "Female", "Male", "Female", "Female",
	    "Male", "Transgender/NonConforming", "Female" };
	struct export_ctdc_report rep;
	struct dataset *in = dataset_new(2, two), *out;
	size_t i, ng;

	(void)state;
	assert_non_null(in);
	for (i = 0; i < ARRAY_SIZE(g); i++) {
		char id[8];
		const char *v[2] = { g[i], id };

		snprintf(id, sizeof(id), "%zu", i);
		assert_int_equal(dataset_add_row(in, v), 0);
	}
	out = export_ctdc_kanon(in, 3, &rep);
	assert_non_null(out);
	assert_int_equal(dataset_nvars(out), 2);
	/* Four women stay; two men and one transgender person: suppressed
	 * together, three rows. */
	assert_int_equal(dataset_nrows(out), 7);
	assert_int_equal(rep.suppressed[QV_GENDER], 3);
	assert_int_equal(rep.groups, 2);
	for (i = 0; i < 7; i++) {
		const char *v = val(out, 0, i);

		assert_true(v == NULL || strcmp(v, "Female") == 0);
	}
	(void)ng;
	dataset_free(out);
	dataset_free(in);
}

/* ------------------------------------------------------------------ */
/* Random datasets against an oracle                                   */

static uint64_t rng = 88172645463325252ull;

static uint32_t
rnd(uint32_t n)
{
	rng ^= rng << 13;
	rng ^= rng >> 7;
	rng ^= rng << 17;
	return (uint32_t)(rng % n);
}

/* Small indices far more often, as in real caseloads. */
static const char *
pick(const char *const *list, size_t n)
{
	uint32_t a = rnd((uint32_t)n), b = rnd((uint32_t)n);

	return list[a < b ? a : b];
}

static const char *
expect_age(const char *band)
{
	static const char *const minors[] = { "0--8", "9--17" };
	size_t i;

	for (i = 0; i < ARRAY_SIZE(minors); i++)
		if (strcmp(band, minors[i]) == 0)
			return "0--17";
	return "18+";
}

/* Whether out is src, a coarser form of it, or suppressed. */
static bool
coarser(size_t var, const char *src, const char *out)
{
	char period[32];
	int y;

	if (out == NULL)
		return true;
	if (src == NULL)
		return false;
	if (strcmp(src, out) == 0)
		return true;
	switch (var) {
	case V_AGE:
		return strcmp(out, expect_age(src)) == 0;
	case V_CIT:
	case V_COE:
		return export_ctdc_region(src) &&
		    strcmp(out, export_ctdc_region(src)) == 0;
	case V_YEAR:
		y = (int)strtol(src, NULL, 10);
		snprintf(period, sizeof(period), "%d--%d", y / 5 * 5,
		    y / 5 * 5 + 4);
		return strcmp(out, period) == 0;
	default:
		return false;
	}
}

static void
check_random(size_t n, int k)
{
	static const char *const genders[] = { "Female", "Male",
	    "Transgender/NonConforming", NULL };
	static const char *const ages[] = { "24--26", "18--20", "21--23",
	    "27--29", "9--17", "30--38", NULL, "39--47", "0--8", "48+" };
	static const char *const majority[] = { "Adult", "Minor", NULL };
	static const char *const countries[] = { "TH", "MM", "KH", NULL,
	    "VN", "CO", "VE", "UA", "MD", "NG", "LA", "RO", "US", "GH", "AQ",
	    "FJ", "BR", "PH", "ID", "ET" };
	static const char *const years[] = { "2023", "2022", "2024", "2021",
	    "2019", NULL, "2018", "2015", "2010", "2025", "2004" };
	struct dataset *in = dataset_new(NV, names), *out;
	struct export_ctdc_report rep;
	size_t r, v, ng, gen[NV] = { 0 }, sup[NV] = { 0 };
	bool *seen;

	assert_non_null(in);
	for (r = 0; r < n; r++) {
		const char *vals[NV];
		char id[32];

		vals[V_GENDER] = pick(genders, ARRAY_SIZE(genders));
		vals[V_AGE] = pick(ages, ARRAY_SIZE(ages));
		vals[V_MAJ] = pick(majority, ARRAY_SIZE(majority));
		vals[V_CIT] = pick(countries, ARRAY_SIZE(countries));
		vals[V_COE] = rnd(3) ? vals[V_CIT] :
		    pick(countries, ARRAY_SIZE(countries));
		vals[V_YEAR] = pick(years, ARRAY_SIZE(years));
		snprintf(id, sizeof(id), "%zu", r);
		vals[V_ID] = id;
		vals[V_FLAG] = rnd(2) ? "1" : "-5";
		assert_int_equal(dataset_add_row(in, vals), 0);
	}
	out = export_ctdc_kanon(in, k, &rep);
	assert_non_null(out);
	assert_int_equal(rep.rows_in, n);
	assert_int_equal(rep.rows_out + rep.rows_dropped, n);
	assert_int_equal(dataset_nrows(out), rep.rows_out);
	if ((size_t)k <= n)
		assert_true(rep.rows_out > 0);
	seen = calloc(n, sizeof(*seen));
	assert_non_null(seen);
	for (r = 0; r < rep.rows_out; r++) {
		size_t s = source_row(out, r);

		assert_true(s < n);
		assert_false(seen[s]);
		if (r > 0)
			assert_true(s > source_row(out, r - 1));
		seen[s] = true;
		for (v = 0; v < NV; v++) {
			const char *a = val(in, v, s), *b = val(out, v, r);

			if (v > V_YEAR) {
				assert_true(same(a, b));
				continue;
			}
			if (!coarser(v, a, b))
				fail_msg("row %zu, %s: %s became %s", s,
				    names[v], a ? a : "missing",
				    b ? b : "missing");
			if (a && !b)
				sup[v]++;
			else if (!same(a, b))
				gen[v]++;
		}
	}
	for (v = 0; v <= V_YEAR; v++) {
		assert_int_equal(rep.generalised[v], gen[v]);
		assert_int_equal(rep.suppressed[v], sup[v]);
	}
	if (rep.rows_out > 0) {
		assert_true(smallest_group(out, &ng) >= (size_t)k);
		assert_int_equal(ng, rep.groups);
		assert_int_equal(smallest_group(out, &ng), rep.smallest);
	}
	free(seen);
	dataset_free(out);
	dataset_free(in);
}

static void
test_random(void **state)
{
	static const size_t sizes[] = { 1, 9, 30, 120, 500, 2500 };
	static const int ks[] = { 2, 5, 10, 25 };
	size_t i, j;
	int rep;

	(void)state;
	for (rep = 0; rep < 2; rep++)
		for (i = 0; i < ARRAY_SIZE(sizes); i++)
			for (j = 0; j < ARRAY_SIZE(ks); j++)
				check_random(sizes[i], ks[j]);
}

/* ------------------------------------------------------------------ */
/* CSV and report                                                      */

static char *
csv_of(const struct dataset *ds)
{
	char *text = NULL;
	size_t len = 0;
	FILE *f = open_memstream(&text, &len);

	assert_non_null(f);
	assert_int_equal(export_ctdc_csv(ds, f), 0);
	assert_int_equal(fclose(f), 0);
	return text;
}

static void
test_csv(void **state)
{
	static const char *const vars[] = { "gender", "citizenship",
	    "isForcedLabour", "meansOfControlThreats",
	    "recruiterRelationFamily", "yearOfRegistration", "notCtdc" };
	static const char *const rows[][7] = {
		{ "Female", "TH", "1", "0", NULL, "2023", "x" },
		{ NULL, "=cmd|' /C calc'!A0", "-1", "+1", "@SUM(1)", "2,3",
		  "y" },
	};
	struct dataset *ds = dataset_new(ARRAY_SIZE(vars), vars);
	char *text, *line, *save = NULL;
	size_t n = 0, i;

	(void)state;
	assert_non_null(ds);
	for (i = 0; i < ARRAY_SIZE(rows); i++)
		assert_int_equal(dataset_add_row(ds, rows[i]), 0);
	text = csv_of(ds);
	/* Header: the 63 columns of the codebook, in its order. */
	assert_true(starts(text, "yearOfRegistration,Datasource,gender,"
	    "ageBroad,majorityStatus,majorityStatusAtExploit,majorityEntry,"
	    "citizenship,meansOfControlDebtBondage,"));
	assert_non_null(strstr(text, ",recruiterRelationUnknown\r\n"));
	assert_null(strstr(text, "notCtdc"));
	for (line = strtok_r(text, "\n", &save); line;
	    line = strtok_r(NULL, "\n", &save)) {
		size_t commas = 0, len = strlen(line);
		bool inq = false;
		const char *p;

		assert_true(len > 0 && line[len - 1] == '\r');
		for (p = line; *p; p++) {
			if (*p == '"')
				inq = !inq;
			else if (*p == ',' && !inq)
				commas++;
		}
		assert_int_equal(commas, 62);
		if (n == 1)
			assert_true(starts(line, "2023,Case Management,Female,"
			    "-99,-99,-99,-99,TH,-99,-99,-99,0,"));
		if (n == 2) {
			assert_true(starts(line, "\"2,3\",Case Management,"
			    "-99,-99,-99,-99,-99,'=cmd|' /C calc'!A0,"));
			assert_non_null(strstr(line, ",'+1,"));
			assert_non_null(strstr(line, ",'-1,"));
			assert_non_null(strstr(line, ",'@SUM(1),"));
		}
		n++;
	}
	assert_int_equal(n, 3);
	free(text);
	dataset_free(ds);
}

static void
test_report_has_no_values(void **state)
{
	static const struct row rows[] = {
		{ { "Female", "24--26", "Adult", "KH", "TH", "2019" }, 12 },
		{ { "Male", "48+", "Adult", "VN", "MY", "2017" }, 3 },
		{ { "Male", "48+", "Adult", "LA", "MY", "2017" }, 1 },
		{ { "Transgender/NonConforming", "0--8", "Minor", "PH", "JP",
		    "2006" }, 1 },
	};
	static const char *const values[] = { "Female", "Male", "Transgender",
	    "24--26", "48+", "Adult", "Minor", "KH", "VN", "LA", "PH", "MY",
	    "JP", "2019", "2017", "2006", "Asia", "2015--2019" };
	struct export_ctdc_report rep;
	struct dataset *in = build(rows, ARRAY_SIZE(rows)), *out;
	char *text = NULL;
	size_t len = 0, i;
	FILE *f;

	(void)state;
	out = export_ctdc_kanon(in, 4, &rep);
	assert_non_null(out);
	assert_true(rep.rows_dropped > 0 || rep.generalised[QV_CITIZENSHIP]);
	f = open_memstream(&text, &len);
	assert_non_null(f);
	export_ctdc_report_print(&rep, f);
	assert_int_equal(fclose(f), 0);
	assert_non_null(strstr(text, "citizenship"));
	for (i = 0; i < ARRAY_SIZE(values); i++)
		if (strstr(text, values[i]))
			fail_msg("the report shows the value %s:\n%s",
			    values[i], text);
	free(text);
	dataset_free(out);
	dataset_free(in);
}

static int
group_setup(void **state)
{
	(void)state;
	return isocodes_load(NULL);
}

static int
group_teardown(void **state)
{
	(void)state;
	isocodes_release();
	return 0;
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_region),
		cmocka_unit_test(test_already_kanonymous),
		cmocka_unit_test(test_unique_to_region),
		cmocka_unit_test(test_unique_generalised_then_suppressed),
		cmocka_unit_test(test_unique_suppressed),
		cmocka_unit_test(test_unique_dropped),
		cmocka_unit_test(test_missing_variables),
		cmocka_unit_test(test_random),
		cmocka_unit_test(test_csv),
		cmocka_unit_test(test_report_has_no_values),
	};

	return cmocka_run_group_tests(tests, group_setup, group_teardown);
}
