/*
 * test_import_ctdc.c - CTDC files into datasets: the layouts, bad input,
 * all-or-none and --skip-invalid, no duplicate import, and the whole
 * Victim-Perpetrator file.
 *
 * The samples in tests/data/ctdc/ are cut from the real files where we
 * have them (vp_sample.csv, kanon2020_extract_sample.csv) and written
 * from the codebooks where we do not (kanon_sample.csv,
 * synthetic2024_sample.csv); see tests/data/ctdc/README.md. Bad inputs
 * are written here, next to what they must produce. Run from the top of
 * the tree (make unit does).
 */
#include "compat.h"

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include "buf.h"
#include "dataset.h"
#include "db.h"
#include "import_ctdc.h"
#include "log.h"

#define DATA "tests/data/ctdc/"
#define VP_FULL "data/ctdc/CTDC_VPsynthetic_condensed.csv"

#define VP_HEADER "yearRegister,gender,majorityStatus,isForcedLabour," \
	"isSexualExploit,UN_COO_Region,UN_COE_Region,IP_Exploiter,IP_Gender," \
	"IP_ageBroad,IP_citizen_UNRegion,IP_Relation,IP_PayMoney," \
	"IP_RecruiterBroker,IP_TransactionProcess,IP_ControlAbuseKidnap\n"
/* Good rows of that layout. */
#define VP_ROW1 "2019,Female,Adult,1,,Europe,Europe,1,Female;Male,,Europe," \
	"StrangerUnknownOther,No;Yes,1,1,1\n"
#define VP_ROW2 "2020,Male,Minor,,1,Asia,Africa,,Male,30--38,Asia," \
	"FriendAcquaintance,No,,1,\n"
#define VP_ROW3 "2014-2018,,,,,,,,,,,,,,,\n"

#define EXTRACT_HEADER "yearOfRegistration,gender,ageBroad,citizenship," \
	"isForcedLabour,isSexualExploit,CountryOfExploitation," \
	"nacionalidade_lat,nacionalidade_long,nacionalidade," \
	"pais_exploracao_lat,pais_exploracao_long,pais_exploracao," \
	"nacionalidade_alpha3,pais_exploracao_alpha3\n"

struct fx {
	char dir[64];
	char path[128];
	struct db *db;
	struct buf report;
};

static int
setup(void **state)
{
	struct fx *fx = calloc(1, sizeof(*fx));

	assert_non_null(fx);
	snprintf(fx->dir, sizeof(fx->dir), "/tmp/ctm-test-import-XXXXXX");
	assert_non_null(mkdtemp(fx->dir));
	snprintf(fx->path, sizeof(fx->path), "%s/ctm.db", fx->dir);
	fx->db = db_open(fx->path, true);
	assert_non_null(fx->db);
	buf_init(&fx->report, 1 << 20);
	*state = fx;
	return 0;
}

static int
teardown(void **state)
{
	struct fx *fx = *state;
	char cmd[128];

	db_close(fx->db);
	buf_release(&fx->report);
	snprintf(cmd, sizeof(cmd), "rm -rf '%s'", fx->dir);
	assert_int_equal(system(cmd), 0);
	free(fx);
	return 0;
}

/* Reads a whole file into memory (tests only: the files are small). */
static char *
slurp(const char *path, size_t *len)
{
	FILE *f = fopen(path, "rb");
	char *p;
	long n;

	if (f == NULL)
		fail_msg("cannot open %s: %s (run from the top of the tree)",
		    path, strerror(errno));
	assert_int_equal(fseek(f, 0, SEEK_END), 0);
	n = ftell(f);
	assert_true(n >= 0);
	rewind(f);
	p = malloc((size_t)n + 1);
	assert_non_null(p);
	assert_int_equal(fread(p, 1, (size_t)n, f), (size_t)n);
	p[n] = '\0';
	fclose(f);
	*len = (size_t)n;
	return p;
}

static void
put(const struct fx *fx, const char *name, const void *data, size_t len,
    char *path, size_t size)
{
	FILE *f;

	snprintf(path, size, "%s/%s", fx->dir, name);
	f = fopen(path, "wb");
	assert_non_null(f);
	assert_int_equal(fwrite(data, 1, len, f), len);
	assert_int_equal(fclose(f), 0);
}

/* Parses csv (a string) in memory; the dataset or NULL. */
static struct dataset *
parse(const char *csv, size_t len, bool skip, struct buf *report,
    struct import_result *res)
{
	struct import_opts o = { .skip_invalid = skip };
	struct dataset *ds = NULL;
	int r;

	buf_reset(report);
	r = import_ctdc_parse(csv, len, &o, report, res, &ds);
	assert_int_equal(r == 0, ds != NULL);
	return ds;
}

static struct dataset *
parse_s(const char *csv, bool skip, struct buf *report,
    struct import_result *res)
{
	return parse(csv, strlen(csv), skip, report, res);
}

static struct dataset *
parse_file(const char *path, struct buf *report, struct import_result *res)
{
	size_t len;
	char *p = slurp(path, &len);
	struct dataset *ds = parse(p, len, false, report, res);

	free(p);
	return ds;
}

/* The value of var in row, NULL when missing. */
static const char *
val(const struct dataset *ds, const char *var, size_t row)
{
	int v = dataset_var_index(ds, var);

	if (v < 0)
		fail_msg("no variable %s", var);
	return dataset_value(ds, (size_t)v, dataset_code(ds, (size_t)v, row));
}

static size_t
count(const struct dataset *ds, const char *var, const char *value)
{
	size_t r, n = 0;

	for (r = 0; r < dataset_nrows(ds); r++) {
		const char *s = val(ds, var, r);

		if (value == NULL ? s == NULL : s && strcmp(s, value) == 0)
			n++;
	}
	return n;
}

static void
assert_report_has(struct buf *report, const char *s)
{
	if (strstr(buf_cstr(report), s) == NULL)
		fail_msg("the report lacks \"%s\"; it is:\n%s", s,
		    buf_cstr(report));
}

static int64_t
datasets_in_db(struct db *db)
{
	struct dataset_info d;
	int64_t n = 0;
	int rc;

	/* Counted by name lookups of what the tests create. */
	static const char *const names[] = { "t", "u", "vp2022", "v" };
	size_t i;

	for (i = 0; i < ARRAY_SIZE(names); i++) {
		rc = db_dataset_get(db, names[i], &d);
		assert_true(rc == DB_OK || rc == DB_NOTFOUND);
		n += rc == DB_OK;
	}
	return n;
}

/* --- the layouts --- */

static void
test_layout_vp(void **state)
{
	struct fx *fx = *state;
	struct import_result res;
	struct dataset *ds;
	const char *const *names;
	size_t n, i;

	ds = parse_file(DATA "vp_sample.csv", &fx->report, &res);
	assert_non_null(ds);
	assert_int_equal(res.layout, CTDC_VP_SYNTHETIC_2022);
	assert_int_equal(res.status, IMPORT_DONE);
	assert_int_equal(res.problems, 0);
	assert_false(res.latin1);
	assert_int_equal(dataset_nrows(ds), 28);
	assert_int_equal(res.rows_read, 28);
	/* The variables as CTDC names them, in the layout's order. */
	n = ctdc_layout_vars(CTDC_VP_SYNTHETIC_2022, &names);
	assert_int_equal(n, 16);
	assert_int_equal(dataset_nvars(ds), 16);
	for (i = 0; i < n; i++)
		assert_string_equal(dataset_var_name(ds, i), names[i]);
	assert_string_equal(ctdc_layout_name(CTDC_VP_SYNTHETIC_2022),
	    "vp-synthetic-2022");
	/* Multi-values kept joined, as one value. */
	assert_true(count(ds, "IP_Gender", "Female;Male") >= 1);
	assert_true(count(ds, "IP_ageBroad", "0--29;39--47") >= 1);
	assert_true(count(ds, "IP_Relation",
	    "FamilyIntimatePartner;FriendAcquaintance") >= 1);
	/* The first sample row: ,Female,Adult,1,,Europe,Europe,1,... */
	assert_null(val(ds, "yearRegister", 0));
	assert_string_equal(val(ds, "gender", 0), "Female");
	assert_string_equal(val(ds, "isForcedLabour", 0), "1");
	assert_null(val(ds, "isSexualExploit", 0));
	dataset_free(ds);
}

static void
test_layout_kanon(void **state)
{
	struct fx *fx = *state;
	struct import_result res;
	struct dataset *ds;

	ds = parse_file(DATA "kanon_sample.csv", &fx->report, &res);
	assert_non_null(ds);
	assert_int_equal(res.layout, CTDC_GLOBAL_KANON);
	assert_int_equal(dataset_nvars(ds), 63);
	assert_int_equal(dataset_nrows(ds), 5);
	/* NA is Namibia, 00 the unknown country: neither is missing. */
	assert_string_equal(val(ds, "citizenship", 0), "NA");
	assert_string_equal(val(ds, "citizenship", 1), "00");
	assert_null(val(ds, "citizenship", 4));
	/* -99, NULL and empty are all missing. */
	assert_null(val(ds, "majorityStatusAtExploit", 0));	/* -99 */
	assert_null(val(ds, "majorityEntry", 0));		/* NULL */
	assert_null(val(ds, "meansOfControlConcatenated", 1));	/* "" */
	assert_null(val(ds, "gender", 4));			/* NULL */
	assert_null(val(ds, "yearOfRegistration", 4));		/* "" */
	assert_string_equal(val(ds, "meansOfControlDebtBondage", 0), "1");
	assert_string_equal(val(ds, "meansOfControlThreats", 0), "0");
	/* The codebook's em dash and the file's double hyphen are one. */
	assert_string_equal(val(ds, "ageBroad", 2), "0--8");
	assert_string_equal(val(ds, "typeOfSexConcatenated", 2),
	    "Prostitution;Pornography");
	assert_string_equal(val(ds, "RecruiterRelationship", 1),
	    "Intimate Partner;Other");
	assert_string_equal(val(ds, "Datasource", 0), "Case Management");
	dataset_free(ds);
}

static void
test_layout_synthetic_2024(void **state)
{
	struct fx *fx = *state;
	struct import_result res;
	struct dataset *ds;
	size_t len;
	char *csv, *at;

	ds = parse_file(DATA "synthetic2024_sample.csv", &fx->report, &res);
	assert_non_null(ds);
	assert_int_equal(res.layout, CTDC_GLOBAL_SYNTHETIC_2024);
	assert_int_equal(dataset_nvars(ds), 27);
	assert_int_equal(dataset_nrows(ds), 4);
	assert_string_equal(val(ds, "citizenship", 1), "NAM");
	assert_string_equal(val(ds, "CountryOfExploitation", 1), "ZAF");
	assert_string_equal(val(ds, "traffickMonths", 0), "0--12 (0-1 yr)");
	assert_string_equal(val(ds, "meansWithholdDocs", 1), "1");
	dataset_free(ds);

	/* The codebook's other spelling of one column, and names in
	 * another case, give the same layout and variable names. */
	csv = slurp(DATA "synthetic2024_sample.csv", &len);
	at = strstr(csv, "meansWithholdDocs");
	assert_non_null(at);
	{
		struct buf b = BUF_INIT(1 << 16);

		buf_add(&b, csv, (size_t)(at - csv));
		buf_addstr(&b, "MEANSWITHHOLDDOCUMENTS");
		buf_addstr(&b, at + strlen("meansWithholdDocs"));
		ds = parse_s(buf_cstr(&b), false, &fx->report, &res);
		buf_release(&b);
	}
	free(csv);
	assert_non_null(ds);
	assert_int_equal(res.layout, CTDC_GLOBAL_SYNTHETIC_2024);
	assert_true(dataset_var_index(ds, "meansWithholdDocs") >= 0);
	assert_string_equal(val(ds, "meansWithholdDocs", 1), "1");
	dataset_free(ds);

	/* Alpha-2 where alpha-3 is expected. */
	ds = parse_s("yearOfRegistration,gender,ageBroad,citizenship,"
	    "CountryOfExploitation,traffickMonths,meansDebtBondageEarnings,"
	    "meansThreats,meansAbusePsyPhySex,meansFalsePromises,"
	    "meansDrugsAlcohol,meansDenyBasicNeeds,meansExcessiveWorkHours,"
	    "meansWithholdDocs,isForcedLabour,isSexualExploit,isOtherExploit,"
	    "typeOfLabourAgriculture,typeOfLabourConstruction,"
	    "typeOfLabourDomesticWork,typeOfLabourHospitality,"
	    "typeOfSexProstitution,typeOfSexPornography,"
	    "recruiterRelationIntimatePartner,recruiterRelationFriend,"
	    "recruiterRelationFamily,recruiterRelationOther\n"
	    "2021,Woman,18--20,UA,POL,,,,,,,,,,,,,,,,,,,,,,\n",
	    false, &fx->report, &res);
	assert_null(ds);
	assert_report_has(&fx->report, "row 2, column 4 (citizenship): "
	    "value \"UA\": not an ISO 3166-1 alpha-3 country code");
}

static void
test_layout_kanon_2020_extract(void **state)
{
	struct fx *fx = *state;
	struct import_result res;
	struct dataset *ds;

	ds = parse_file(DATA "kanon2020_extract_sample.csv", &fx->report,
	    &res);
	assert_non_null(ds);
	assert_int_equal(res.layout, CTDC_KANON_2020_EXTRACT);
	/* The 7 CTDC columns only. */
	assert_int_equal(dataset_nvars(ds), 7);
	assert_int_equal(dataset_var_index(ds, "nacionalidade"), -1);
	assert_int_equal(dataset_var_index(ds, "pais_exploracao_alpha3"), -1);
	assert_int_equal(dataset_nrows(ds), 9);
	/* pandas' quirks undone: 0.0/1.0 flags, 0 for the country 00. */
	assert_int_equal(count(ds, "isForcedLabour", "0.0"), 0);
	assert_int_equal(count(ds, "isSexualExploit", "1.0"), 0);
	assert_true(count(ds, "isSexualExploit", "1") >= 1);
	assert_true(count(ds, "isForcedLabour", "0") >= 1);
	assert_int_equal(count(ds, "citizenship", "0"), 0);
	assert_true(count(ds, "citizenship", "00") >= 1);
	assert_true(count(ds, "CountryOfExploitation", "00") >= 1);
	assert_string_equal(val(ds, "yearOfRegistration", 0), "2002");
	dataset_free(ds);

	/* The quirks are the extract's only: 1.0 is no flag elsewhere. */
	ds = parse_s(VP_HEADER "2019,Female,Adult,1.0,,,,,,,,,,,,\n", false,
	    &fx->report, &res);
	assert_null(ds);
	assert_report_has(&fx->report, "row 2, column 4 (isForcedLabour): "
	    "value \"1.0\": not a flag: 0, 1 or empty");
}

static void
test_unknown_header(void **state)
{
	struct fx *fx = *state;
	struct import_result res;
	struct dataset *ds;
	size_t l;

	ds = parse_s("year,sex,country\n2019,F,TH\n", false, &fx->report,
	    &res);
	assert_null(ds);
	assert_int_equal(res.status, IMPORT_REFUSED);
	assert_int_equal(res.layout, -1);
	assert_report_has(&fx->report, "row 1: the header matches no CTDC "
	    "layout");
	assert_report_has(&fx->report, "\"year\", \"sex\", \"country\"");
	/* Every layout, with the columns it expects. */
	for (l = 0; l < CTDC_LAYOUT__MAX; l++) {
		const char *const *names;
		size_t n = ctdc_layout_vars((enum ctdc_layout)l, &names), i;

		assert_report_has(&fx->report,
		    ctdc_layout_name((enum ctdc_layout)l));
		for (i = 0; i < n; i++)
			assert_report_has(&fx->report, names[i]);
	}
	assert_report_has(&fx->report, "pais_exploracao_alpha3");
	assert_report_has(&fx->report, "nothing imported");

	/* One column short of a layout: the closest says which. */
	ds = parse_s("yearRegister,gender,majorityStatus,isForcedLabour,"
	    "isSexualExploit,UN_COO_Region,UN_COE_Region,IP_Exploiter,"
	    "IP_Gender,IP_ageBroad,IP_citizen_UNRegion,IP_Relation,"
	    "IP_PayMoney,IP_RecruiterBroker,IP_TransactionProcess,"
	    "IP_Control\n", false, &fx->report, &res);
	assert_null(ds);
	assert_report_has(&fx->report, "Closest: vp-synthetic-2022. "
	    "Missing: IP_ControlAbuseKidnap. Not in it: \"IP_Control\".");

	/* A column twice is no layout either. */
	ds = parse_s("yearRegister,gender,majorityStatus,isForcedLabour,"
	    "isSexualExploit,UN_COO_Region,UN_COE_Region,IP_Exploiter,"
	    "IP_Gender,IP_ageBroad,IP_citizen_UNRegion,IP_Relation,"
	    "IP_PayMoney,IP_RecruiterBroker,IP_TransactionProcess,"
	    "IP_ControlAbuseKidnap,gender\n", false, &fx->report, &res);
	assert_null(ds);
	assert_report_has(&fx->report, "a column is there twice");
}

/* --- encodings and line ends --- */

static void
test_bom_crlf(void **state)
{
	struct fx *fx = *state;
	struct import_result res, res2;
	struct dataset *a, *b;
	size_t r, v;

	a = parse_file(DATA "vp_sample.csv", &fx->report, &res);
	b = parse_file(DATA "vp_bom_crlf.csv", &fx->report, &res2);
	assert_non_null(a);
	assert_non_null(b);
	assert_int_equal(res2.layout, CTDC_VP_SYNTHETIC_2022);
	assert_false(res2.latin1);
	assert_int_equal(dataset_nrows(a), dataset_nrows(b));
	/* The same values: no BOM in the first name, no CR in the last. */
	assert_string_equal(dataset_var_name(b, 0), "yearRegister");
	for (r = 0; r < dataset_nrows(a); r++)
		for (v = 0; v < dataset_nvars(a); v++) {
			const char *x = dataset_value(a, v,
			    dataset_code(a, v, r));
			const char *y = dataset_value(b, v,
			    dataset_code(b, v, r));

			assert_true((x == NULL) == (y == NULL));
			if (x)
				assert_string_equal(x, y);
		}
	dataset_free(a);
	dataset_free(b);

	/* A bare CR ends a row too (old Mac files). */
	a = parse_s("\xEF\xBB\xBF" "yearRegister,gender,majorityStatus,"
	    "isForcedLabour,isSexualExploit,UN_COO_Region,UN_COE_Region,"
	    "IP_Exploiter,IP_Gender,IP_ageBroad,IP_citizen_UNRegion,"
	    "IP_Relation,IP_PayMoney,IP_RecruiterBroker,"
	    "IP_TransactionProcess,IP_ControlAbuseKidnap\r"
	    "2019,Female,Adult,1,,,,,,,,,,,,\r", false, &fx->report, &res);
	assert_non_null(a);
	assert_int_equal(dataset_nrows(a), 1);
	assert_string_equal(val(a, "gender", 0), "Female");
	dataset_free(a);
}

static void
test_latin1(void **state)
{
	struct fx *fx = *state;
	struct import_result res;
	struct dataset *ds;

	/* dados_app.csv in Latin-1 ("Côte d'Ivoire" in a column derived
	 * from citizenship): converted, and said. */
	ds = parse_file(DATA "kanon2020_extract_latin1.csv", &fx->report,
	    &res);
	assert_non_null(ds);
	assert_true(res.latin1);
	assert_int_equal(dataset_nrows(ds), 9);
	assert_true(count(ds, "citizenship", "CI") >= 1);
	dataset_free(ds);

	/* Converted means the report shows UTF-8: a Latin-1 é. */
	ds = parse_s(VP_HEADER "2019,F\xE9minin,Adult,,,,,,,,,,,,,\n", false,
	    &fx->report, &res);
	assert_null(ds);
	assert_true(res.latin1);
	assert_report_has(&fx->report, "row 2, column 2 (gender): value "
	    "\"F\xC3\xA9minin\": unknown code; expected one of Female, Male");

	/* Windows-1252 quotes are neither UTF-8 nor Latin-1: refused, with
	 * the row. */
	ds = parse_file(DATA "vp_cp1252.csv", &fx->report, &res);
	assert_null(ds);
	assert_false(res.latin1);
	assert_report_has(&fx->report, "row 3, column 2 (gender): value "
	    "\"\\x93");
	assert_report_has(&fx->report, "not UTF-8 text");

	/* A UTF-8 mark says UTF-8: bad bytes after it are not Latin-1. */
	ds = parse_s("\xEF\xBB\xBF" VP_HEADER "2019,F\xE9minin,,,,,,,,,,,,,,\n",
	    false, &fx->report, &res);
	assert_null(ds);
	assert_false(res.latin1);
	assert_report_has(&fx->report, "row 2, column 2 (gender): value "
	    "\"F\\xE9minin\": not UTF-8 text");
}

/* --- bad rows and cells --- */

static void
test_ragged(void **state)
{
	struct fx *fx = *state;
	struct import_result res;
	struct dataset *ds;

	ds = parse_s(VP_HEADER VP_ROW1
	    "2019,Female,Adult,1,,Europe,Europe,1,Female,,Europe,,No,1,1\n"
	    "2019,Female,Adult,1,,Europe,Europe,1,Female,,Europe,,No,1,1,1,x\n"
	    VP_ROW2, false, &fx->report, &res);
	assert_null(ds);
	assert_int_equal(res.rows_read, 4);
	assert_int_equal(res.rows_invalid, 2);
	assert_report_has(&fx->report, "row 3, column 16 "
	    "(IP_ControlAbuseKidnap): missing: the row has 15 columns, the "
	    "header 16\n");
	assert_report_has(&fx->report, "row 4, column 17: value \"x\": a "
	    "column more than the 16 of the header\n");
	assert_report_has(&fx->report, "nothing imported: 2 of 4 rows have "
	    "problems");
}

static void
test_unknown_codes(void **state)
{
	struct fx *fx = *state;
	struct import_result res;
	struct dataset *ds;

	ds = parse_s(VP_HEADER
	    "2019,Femme,Adult,1,,,,,,,,,,,,\n"
	    "2019,Female,Adult,2,,,,,,,,,,,,\n"
	    "2019,Female,Adult,,,Mars,,,,,,,,,,\n"
	    "2019,Female,Adult,,,,,,Female;Other,,,,,,,\n"
	    "2019,Female,Adult,,,,,,Female;Female,,,,,,,\n"
	    "2019,Female,Adult,,,,,,Female;,,,,,,,\n"
	    "2017,Female,Adult,,,,,,,,,,,,,\n"
	    VP_ROW1, false, &fx->report, &res);
	assert_null(ds);
	assert_int_equal(res.rows_invalid, 7);
	assert_report_has(&fx->report, "row 2, column 2 (gender): value "
	    "\"Femme\": unknown code; expected one of Female, Male\n");
	assert_report_has(&fx->report, "row 3, column 4 (isForcedLabour): "
	    "value \"2\": not a flag: 0, 1 or empty\n");
	assert_report_has(&fx->report, "row 4, column 6 (UN_COO_Region): "
	    "value \"Mars\": unknown code; expected one of Africa, "
	    "Americas/Oceania, Asia, Europe\n");
	assert_report_has(&fx->report, "row 5, column 9 (IP_Gender): value "
	    "\"Female;Other\": unknown code \"Other\"; expected one or more "
	    "of Female, Male, joined with ';'\n");
	assert_report_has(&fx->report, "row 6, column 9 (IP_Gender): value "
	    "\"Female;Female\": \"Female\" is listed twice\n");
	assert_report_has(&fx->report, "row 7, column 9 (IP_Gender): value "
	    "\"Female;\": an empty member between ';'\n");
	/* The VP dataset groups years: 2017 alone is not one of them. */
	assert_report_has(&fx->report, "row 8, column 1 (yearRegister): "
	    "value \"2017\": unknown code; expected one of 2005-2013, "
	    "2014-2018, 2019, 2020, 2021-2022\n");

	/* Countries: ISO or CTDC's 00; capitals. */
	ds = parse_s(EXTRACT_HEADER
	    "2016,Female,18--20,XX,,,US,,,,,,,,\n"
	    "2016,Female,18--20,th,,,US,,,,,,,,\n"
	    "2016,Female,18--20,NA,,,00,,,,,,,,\n", false, &fx->report, &res);
	assert_null(ds);
	assert_int_equal(res.rows_invalid, 2);
	assert_report_has(&fx->report, "row 2, column 4 (citizenship): "
	    "value \"XX\": not an ISO 3166-1 alpha-2 country code");
	assert_report_has(&fx->report, "row 3, column 4 (citizenship): "
	    "value \"th\"");

	/* Codes in another case take the codebook's spelling. */
	ds = parse_s(VP_HEADER "2019,FEMALE,adult,,,europe,,,male;female,"
	    ",,,,,,\n", false, &fx->report, &res);
	assert_non_null(ds);
	assert_string_equal(val(ds, "gender", 0), "Female");
	assert_string_equal(val(ds, "majorityStatus", 0), "Adult");
	assert_string_equal(val(ds, "UN_COO_Region", 0), "Europe");
	assert_string_equal(val(ds, "IP_Gender", 0), "Male;Female");
	dataset_free(ds);
}

static void
test_formula_cells(void **state)
{
	struct fx *fx = *state;
	struct import_result res;
	struct dataset *ds;

	ds = parse_s(VP_HEADER
	    "2019,\"=HYPERLINK(\"\"http://x\"\")\",Adult,,,,,,,,,,,,,\n"
	    "2019,+Female,Adult,,,,,,,,,,,,,\n"
	    "2019,Female,Adult,-1,,,,,,,,,,,,\n"
	    "2019,@SUM(A1),Adult,,,,,,,,,,,,,\n"
	    "2019,\" =1+1\",Adult,,,,,,,,,,,,,\n"
	    "-99,NULL,-99,-99,,,,,,,,,,,,\n", false, &fx->report, &res);
	assert_null(ds);
	assert_int_equal(res.rows_invalid, 5);
	assert_report_has(&fx->report, "row 2, column 2 (gender): value "
	    "\"=HYPERLINK(\\\"http://x\\\")\": starts with '=' like a "
	    "spreadsheet formula: refused as a value\n");
	assert_report_has(&fx->report, "row 3, column 2 (gender): value "
	    "\"+Female\": starts with '+'");
	assert_report_has(&fx->report, "row 4, column 4 (isForcedLabour): "
	    "value \"-1\": starts with '-'");
	assert_report_has(&fx->report, "row 5, column 2 (gender): value "
	    "\"@SUM(A1)\": starts with '@'");
	/* Spaces before the = do not hide it. */
	assert_report_has(&fx->report, "row 6, column 2 (gender): value "
	    "\"=1+1\": starts with '='");
	/* -99 is CTDC's missing, not a formula: row 7 is fine. */
	assert_null(strstr(buf_cstr(&fx->report), "row 7"));
}

static void
test_years(void **state)
{
	struct fx *fx = *state;
	struct import_result res;
	struct dataset *ds;
	char next[64];
	time_t now = time(NULL);
	struct tm tm;

	assert_non_null(gmtime_r(&now, &tm));
	snprintf(next, sizeof(next), "%d,Female,18--20,TH,,,TH,,,,,,,,\n",
	    tm.tm_year + 1900 + 1);
	{
		struct buf b = BUF_INIT(4096);

		buf_addstr(&b, EXTRACT_HEADER
		    "42370,Female,18--20,TH,,,TH,,,,,,,,\n"
		    "2016-05-01,Female,18--20,TH,,,TH,,,,,,,,\n"
		    "1989,Female,18--20,TH,,,TH,,,,,,,,\n");
		buf_addstr(&b, next);
		buf_addstr(&b, "2016.0,Female,18--20,TH,1.0,0.0,TH,,,,,,,,\n"
		    "2016.5,Female,18--20,TH,,,TH,,,,,,,,\n");
		ds = parse_s(buf_cstr(&b), false, &fx->report, &res);
		buf_release(&b);
	}
	assert_null(ds);
	assert_int_equal(res.rows_read, 6);
	assert_int_equal(res.rows_invalid, 5);
	/* A date a spreadsheet turned into its serial number. */
	assert_report_has(&fx->report, "row 2, column 1 (yearOfRegistration):"
	    " value \"42370\": looks like a date stored as a spreadsheet "
	    "serial number (2016-01-01); a year is expected\n");
	assert_report_has(&fx->report, "row 3, column 1 (yearOfRegistration):"
	    " value \"2016-05-01\": a date or a range; a year from 1990 to ");
	assert_report_has(&fx->report, "row 4, column 1 (yearOfRegistration):"
	    " value \"1989\": not a year from 1990 to ");
	assert_report_has(&fx->report, "row 5, column 1");
	assert_report_has(&fx->report, "row 7, column 1 (yearOfRegistration):"
	    " value \"2016.5\"");
	/* pandas' 2016.0 is 2016 in the extract. */
	assert_null(strstr(buf_cstr(&fx->report), "row 6"));

	/* In a code column, the same hint. */
	ds = parse_s(VP_HEADER "43831,Female,Adult,,,,,,,,,,,,,\n", false,
	    &fx->report, &res);
	assert_null(ds);
	assert_report_has(&fx->report, "row 2, column 1 (yearRegister): value"
	    " \"43831\": looks like a date stored as a spreadsheet serial "
	    "number (2020-01-01)");
}

static void
test_empty_and_header_only(void **state)
{
	struct fx *fx = *state;
	struct import_result res;
	struct dataset *ds;

	ds = parse_s("", false, &fx->report, &res);
	assert_null(ds);
	assert_int_equal(res.status, IMPORT_REFUSED);
	assert_report_has(&fx->report, "the file is empty");

	ds = parse_s("\xEF\xBB\xBF\n\r\n", false, &fx->report, &res);
	assert_null(ds);
	assert_report_has(&fx->report, "the file is empty: no header row");

	ds = parse_s(VP_HEADER, false, &fx->report, &res);
	assert_null(ds);
	assert_int_equal(res.layout, CTDC_VP_SYNTHETIC_2022);
	assert_report_has(&fx->report, "the file has a header but no data "
	    "rows");

	/* Without a final line end, the last row still counts. */
	ds = parse_s(VP_HEADER "2019,Female,Adult,,,,,,,,,,,,,", false,
	    &fx->report, &res);
	assert_non_null(ds);
	assert_int_equal(dataset_nrows(ds), 1);
	dataset_free(ds);
}

static void
test_csv_syntax(void **state)
{
	struct fx *fx = *state;
	struct import_result res;
	struct dataset *ds;
	struct buf big = BUF_INIT(4 << 20);

	/* Blank lines are rows of the file: they count. */
	ds = parse_s(VP_HEADER "\n" VP_ROW1 "\n\n2019,Femme,,,,,,,,,,,,,,\n",
	    false, &fx->report, &res);
	assert_null(ds);
	assert_report_has(&fx->report, "row 6, column 2 (gender)");
	assert_int_equal(res.rows_read, 2);

	ds = parse_s(VP_HEADER "2019,Fem\"ale,,,,,,,,,,,,,,\n", false,
	    &fx->report, &res);
	assert_null(ds);
	assert_report_has(&fx->report, "row 2, column 2: malformed CSV");

	ds = parse_s(VP_HEADER "2019,\"Female,,,,,,,,,,,,,,\n", false,
	    &fx->report, &res);
	assert_null(ds);
	assert_report_has(&fx->report, "a quoted cell is not closed");

	/* A line break inside a quoted cell is a control character. */
	ds = parse_s(VP_HEADER "2019,\"Fe\nmale\",,,,,,,,,,,,,,\n", false,
	    &fx->report, &res);
	assert_null(ds);
	assert_report_has(&fx->report, "row 2, column 2 (gender): value "
	    "\"Fe\\x0Amale\": contains a control character");

	/* Quoted cells are fine, and a quote doubled inside one. */
	ds = parse_s(VP_HEADER "\"2019\",\"Female\",\"Adult\",,,,,,,,,,,,,\n",
	    false, &fx->report, &res);
	assert_non_null(ds);
	assert_string_equal(val(ds, "gender", 0), "Female");
	dataset_free(ds);

	/* A cell past the limit. */
	buf_addstr(&big, VP_HEADER "2019,");
	while (big.len < 3000)
		buf_addch(&big, 'a');
	buf_addstr(&big, ",,,,,,,,,,,,,,\n");
	ds = parse_s(buf_cstr(&big), false, &fx->report, &res);
	assert_null(ds);
	assert_report_has(&fx->report, "row 2, column 2 (gender): value "
	    "\"aaaa");
	assert_report_has(&fx->report, "longer than 1024 bytes");

	/* An unclosed quote cannot make libcsv hold the whole file. */
	buf_reset(&big);
	buf_addstr(&big, VP_HEADER "2019,\"");
	while (big.len < (1 << 20) + 4096)
		buf_addstr(&big, "aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa\n");
	ds = parse(big.p, big.len, false, &fx->report, &res);
	assert_null(ds);
	assert_report_has(&fx->report, "row 2: a cell longer than 1048576 "
	    "bytes (a quote not closed?)");
	buf_release(&big);
}

static void
test_problem_list_capped(void **state)
{
	struct fx *fx = *state;
	struct import_result res;
	struct dataset *ds;
	struct buf b = BUF_INIT(1 << 16);
	const char *s;
	size_t i, lines = 0;

	buf_addstr(&b, VP_HEADER);
	for (i = 0; i < 60; i++)
		buf_addstr(&b, "2019,Femme,,,,,,,,,,,,,,\n");
	ds = parse_s(buf_cstr(&b), true, &fx->report, &res);
	buf_release(&b);
	assert_null(ds);
	assert_int_equal(res.problems, 60);
	for (s = buf_cstr(&fx->report); (s = strstr(s, "row ")); s++)
		lines++;
	assert_int_equal(lines, IMPORT_PROBLEMS_LISTED);
	assert_report_has(&fx->report, "... and 10 more problems\n");
	assert_report_has(&fx->report, "nothing imported: no valid row");
}

/* --- into the database --- */

static void
test_all_or_none(void **state)
{
	struct fx *fx = *state;
	struct import_opts o = { .dataset = "t" };
	struct import_result res;
	struct dataset_info info;
	char path[192];
	static const char csv[] = VP_HEADER VP_ROW1 VP_ROW2
	    "2019,Femme,,,,,,,,,,,,,,\n" VP_ROW3;

	put(fx, "mixed.csv", csv, strlen(csv), path, sizeof(path));

	/* By default: nothing. */
	assert_int_equal(import_ctdc_file(fx->db, path, &o, &fx->report,
	    &res), -1);
	assert_int_equal(res.status, IMPORT_REFUSED);
	assert_int_equal(res.rows_invalid, 1);
	assert_int_equal(res.rows_imported, 0);
	assert_int_equal(db_dataset_get(fx->db, "t", &info), DB_NOTFOUND);
	assert_int_equal(datasets_in_db(fx->db), 0);
	assert_report_has(&fx->report, "row 4, column 2 (gender)");
	assert_report_has(&fx->report, "--skip-invalid");

	/* With --skip-invalid: the 3 valid rows, the bad one listed. */
	buf_reset(&fx->report);
	o.skip_invalid = true;
	assert_int_equal(import_ctdc_file(fx->db, path, &o, &fx->report,
	    &res), 0);
	assert_int_equal(res.status, IMPORT_DONE);
	assert_int_equal(res.rows_imported, 3);
	assert_int_equal(res.rows_invalid, 1);
	assert_report_has(&fx->report, "row 4, column 2 (gender): value "
	    "\"Femme\"");
	assert_report_has(&fx->report, "skipped 1 invalid row of 4");
	assert_int_equal(db_dataset_get(fx->db, "t", &info), DB_OK);
	assert_int_equal(info.rows, 3);
	assert_string_equal(info.layout, "vp-synthetic-2022");
	assert_string_equal(info.source_hash, res.hash);
}

static void
test_twice_and_append(void **state)
{
	struct fx *fx = *state;
	struct import_opts o = { .dataset = "t" };
	struct import_result res;
	struct dataset_info info;
	struct dataset *ds;
	char p1[192], p2[192], p3[192];
	static const char one[] = VP_HEADER VP_ROW1 VP_ROW2;
	static const char two[] = VP_HEADER VP_ROW3;

	put(fx, "one.csv", one, strlen(one), p1, sizeof(p1));
	put(fx, "two.csv", two, strlen(two), p2, sizeof(p2));

	assert_int_equal(import_ctdc_file(fx->db, p1, &o, &fx->report, &res),
	    0);
	assert_int_equal(res.status, IMPORT_DONE);
	assert_false(res.appended);
	assert_int_equal(res.dataset_rows, 2);

	/* Again: already there, nothing changes. */
	assert_int_equal(import_ctdc_file(fx->db, p1, &o, &fx->report, &res),
	    0);
	assert_int_equal(res.status, IMPORT_ALREADY);
	assert_int_equal(db_dataset_get(fx->db, "t", &info), DB_OK);
	assert_int_equal(info.rows, 2);
	assert_int_equal(info.imports, 1);

	/* Another file of the layout is added. */
	assert_int_equal(import_ctdc_file(fx->db, p2, &o, &fx->report, &res),
	    0);
	assert_int_equal(res.status, IMPORT_DONE);
	assert_true(res.appended);
	assert_int_equal(res.rows_imported, 1);
	assert_int_equal(res.dataset_rows, 3);
	assert_int_equal(db_dataset_get(fx->db, "t", &info), DB_OK);
	assert_int_equal(info.rows, 3);
	assert_int_equal(info.imports, 2);
	assert_int_equal(db_dataset_load(fx->db, "t", &ds), DB_OK);
	assert_int_equal(dataset_nrows(ds), 3);
	assert_string_equal(val(ds, "yearRegister", 0), "2019");
	assert_string_equal(val(ds, "IP_PayMoney", 0), "No;Yes");
	assert_string_equal(val(ds, "yearRegister", 2), "2014-2018");
	assert_null(val(ds, "gender", 2));
	dataset_free(ds);

	/* And the first once more, after the second: still no duplicate. */
	assert_int_equal(import_ctdc_file(fx->db, p1, &o, &fx->report, &res),
	    0);
	assert_int_equal(res.status, IMPORT_ALREADY);
	assert_int_equal(db_dataset_get(fx->db, "t", &info), DB_OK);
	assert_int_equal(info.rows, 3);

	/* The same file into another dataset is fine. */
	o.dataset = "u";
	assert_int_equal(import_ctdc_file(fx->db, p1, &o, &fx->report, &res),
	    0);
	assert_int_equal(res.status, IMPORT_DONE);

	/* Another layout into the same dataset is not. */
	{
		size_t len;
		char *k = slurp(DATA "kanon_sample.csv", &len);

		put(fx, "kanon.csv", k, len, p3, sizeof(p3));
		free(k);
	}
	o.dataset = "t";
	buf_reset(&fx->report);
	assert_int_equal(import_ctdc_file(fx->db, p3, &o, &fx->report, &res),
	    -1);
	assert_int_equal(res.status, IMPORT_REFUSED);
	assert_report_has(&fx->report, "dataset t holds the "
	    "vp-synthetic-2022 layout, this file is global-kanon");
	assert_int_equal(db_dataset_get(fx->db, "t", &info), DB_OK);
	assert_int_equal(info.rows, 3);
}

static void
test_file_refusals(void **state)
{
	struct fx *fx = *state;
	struct import_opts o = { .dataset = "t" };
	struct import_result res;
	char path[192];
	int fd;

	/* Over 2 GiB: refused from its size alone (a sparse file, never
	 * read: reading it would take long). */
	snprintf(path, sizeof(path), "%s/huge.csv", fx->dir);
	fd = open(path, O_WRONLY | O_CREAT | O_TRUNC, 0600);
	assert_true(fd >= 0);
	assert_int_equal(ftruncate(fd, (off_t)IMPORT_MAX_BYTES + 1), 0);
	close(fd);
	assert_int_equal(import_ctdc_file(fx->db, path, &o, &fx->report,
	    &res), -1);
	assert_int_equal(res.status, IMPORT_REFUSED);
	assert_report_has(&fx->report, "the file is 2147483649 bytes; ctm "
	    "imports files of at most 2147483648 bytes (2.0 GiB). Nothing "
	    "was read.");
	assert_string_equal(res.hash, "");
	unlink(path);

	/* A smaller cap, for the same reason. */
	o.max_bytes = 10;
	buf_reset(&fx->report);
	put(fx, "small.csv", VP_HEADER, strlen(VP_HEADER), path,
	    sizeof(path));
	assert_int_equal(import_ctdc_file(fx->db, path, &o, &fx->report,
	    &res), -1);
	assert_report_has(&fx->report, "at most 10 bytes");
	o.max_bytes = 0;

	buf_reset(&fx->report);
	put(fx, "empty.csv", "", 0, path, sizeof(path));
	assert_int_equal(import_ctdc_file(fx->db, path, &o, &fx->report,
	    &res), -1);
	assert_report_has(&fx->report, "the file is empty");

	buf_reset(&fx->report);
	assert_int_equal(import_ctdc_file(fx->db, fx->dir, &o, &fx->report,
	    &res), -1);
	assert_report_has(&fx->report, "not a regular file");

	buf_reset(&fx->report);
	snprintf(path, sizeof(path), "%s/absent.csv", fx->dir);
	assert_int_equal(import_ctdc_file(fx->db, path, &o, &fx->report,
	    &res), -1);
	assert_report_has(&fx->report, "cannot open the file");

	buf_reset(&fx->report);
	o.dataset = "no spaces";
	put(fx, "ok.csv", VP_HEADER VP_ROW1, strlen(VP_HEADER VP_ROW1), path,
	    sizeof(path));
	assert_int_equal(import_ctdc_file(fx->db, path, &o, &fx->report,
	    &res), -1);
	assert_report_has(&fx->report, "a dataset name is");
	assert_int_equal(datasets_in_db(fx->db), 0);
}

static void
test_db_datasets(void **state)
{
	struct fx *fx = *state;
	static const char *const names[] = { "a", "b" };
	const char *row[2];
	struct dataset *ds, *back;
	struct dataset_info info;
	size_t r;

	ds = dataset_new(2, names);
	assert_non_null(ds);
	for (r = 0; r < 1000; r++) {
		row[0] = r % 3 ? "x" : NULL;
		row[1] = r % 2 ? "y;z" : "w";
		assert_int_equal(dataset_add_row(ds, row), 0);
	}
	assert_false(db_dataset_name_ok(""));
	assert_false(db_dataset_name_ok("a/b"));
	assert_false(db_dataset_name_ok("a b"));
	assert_true(db_dataset_name_ok("vp-2022_v1.0"));
	assert_int_equal(db_dataset_save(fx->db, "v", "test", "h1", ds, 5),
	    DB_OK);
	assert_int_equal(db_dataset_imported(fx->db, "v", "h1"), DB_OK);
	assert_int_equal(db_dataset_imported(fx->db, "v", "h2"), DB_NOTFOUND);
	/* The same hash again: a conflict, and nothing changed. */
	assert_int_equal(db_dataset_save(fx->db, "v", "test", "h1", ds, 6),
	    DB_CONFLICT);
	assert_int_equal(db_dataset_get(fx->db, "v", &info), DB_OK);
	assert_int_equal(info.imported_at, 5);
	assert_int_equal(info.rows, 1000);

	assert_int_equal(db_dataset_load(fx->db, "v", &back), DB_OK);
	assert_int_equal(dataset_nrows(back), 1000);
	assert_int_equal(dataset_nvars(back), 2);
	for (r = 0; r < 1000; r++) {
		assert_int_equal(val(back, "a", r) == NULL, r % 3 == 0);
		assert_string_equal(val(back, "b", r), r % 2 ? "y;z" : "w");
	}
	dataset_free(back);
	assert_int_equal(db_dataset_load(fx->db, "nope", &back),
	    DB_NOTFOUND);
	assert_null(back);

	/* Another layout under the name starts it afresh. */
	assert_int_equal(db_dataset_save(fx->db, "v", "other", "h1", ds, 7),
	    DB_OK);
	assert_int_equal(db_dataset_get(fx->db, "v", &info), DB_OK);
	assert_int_equal(info.imports, 1);
	assert_string_equal(info.layout, "other");

	assert_int_equal(db_dataset_delete(fx->db, "v"), DB_OK);
	assert_int_equal(db_dataset_delete(fx->db, "v"), DB_NOTFOUND);
	assert_int_equal(db_dataset_imported(fx->db, "v", "h1"), DB_NOTFOUND);
	dataset_free(ds);
}

/* Counts rows of the VP file whose column col is value, with a plain
 * split: an independent count to hold the import against. */
static size_t
count_in_file(const char *text, int col, const char *value)
{
	const char *line = strchr(text, '\n');
	size_t n = 0;

	while (line && *++line) {
		const char *f = line, *end = strchr(line, '\n');
		size_t len;
		int c;

		for (c = 0; c < col && f; c++) {
			f = strchr(f, ',');
			f = f ? f + 1 : NULL;
		}
		if (f) {
			len = strcspn(f, ",\n");
			if (len == strlen(value) && strncmp(f, value, len) == 0)
				n++;
		}
		line = end;
	}
	return n;
}

static void
test_whole_vp_file(void **state)
{
	struct fx *fx = *state;
	struct import_opts o = { .dataset = "vp2022" };
	struct import_result res;
	struct dataset *ds;
	size_t len;
	char *text = slurp(VP_FULL, &len);

	assert_int_equal(import_ctdc_file(fx->db, VP_FULL, &o, &fx->report,
	    &res), 0);
	assert_int_equal(res.status, IMPORT_DONE);
	assert_int_equal(res.layout, CTDC_VP_SYNTHETIC_2022);
	assert_int_equal(res.problems, 0);
	assert_int_equal(res.rows_imported, 21195);
	assert_int_equal(db_dataset_load(fx->db, "vp2022", &ds), DB_OK);
	assert_int_equal(dataset_nrows(ds), 21195);
	assert_int_equal(count(ds, "gender", "Female"),
	    count_in_file(text, 1, "Female"));
	assert_int_equal(count(ds, "gender", "Male"),
	    count_in_file(text, 1, "Male"));
	assert_int_equal(count(ds, "yearRegister", "2014-2018"),
	    count_in_file(text, 0, "2014-2018"));
	assert_int_equal(count(ds, "IP_Relation", "StrangerUnknownOther"),
	    count_in_file(text, 11, "StrangerUnknownOther"));
	assert_int_equal(count(ds, "isForcedLabour", "1"),
	    count_in_file(text, 3, "1"));
	dataset_free(ds);
	free(text);

	/* Twice: no duplicate. */
	assert_int_equal(import_ctdc_file(fx->db, VP_FULL, &o, &fx->report,
	    &res), 0);
	assert_int_equal(res.status, IMPORT_ALREADY);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(test_layout_vp, setup,
		    teardown),
		cmocka_unit_test_setup_teardown(test_layout_kanon, setup,
		    teardown),
		cmocka_unit_test_setup_teardown(test_layout_synthetic_2024,
		    setup, teardown),
		cmocka_unit_test_setup_teardown(test_layout_kanon_2020_extract,
		    setup, teardown),
		cmocka_unit_test_setup_teardown(test_unknown_header, setup,
		    teardown),
		cmocka_unit_test_setup_teardown(test_bom_crlf, setup,
		    teardown),
		cmocka_unit_test_setup_teardown(test_latin1, setup, teardown),
		cmocka_unit_test_setup_teardown(test_ragged, setup, teardown),
		cmocka_unit_test_setup_teardown(test_unknown_codes, setup,
		    teardown),
		cmocka_unit_test_setup_teardown(test_formula_cells, setup,
		    teardown),
		cmocka_unit_test_setup_teardown(test_years, setup, teardown),
		cmocka_unit_test_setup_teardown(test_empty_and_header_only,
		    setup, teardown),
		cmocka_unit_test_setup_teardown(test_csv_syntax, setup,
		    teardown),
		cmocka_unit_test_setup_teardown(test_problem_list_capped,
		    setup, teardown),
		cmocka_unit_test_setup_teardown(test_all_or_none, setup,
		    teardown),
		cmocka_unit_test_setup_teardown(test_twice_and_append, setup,
		    teardown),
		cmocka_unit_test_setup_teardown(test_file_refusals, setup,
		    teardown),
		cmocka_unit_test_setup_teardown(test_db_datasets, setup,
		    teardown),
		cmocka_unit_test_setup_teardown(test_whole_vp_file, setup,
		    teardown),
	};

	log_set_quiet(true);
	return cmocka_run_group_tests(tests, NULL, NULL);
}
