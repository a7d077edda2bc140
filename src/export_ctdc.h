/*
 * export_ctdc.h - the live caseload in CTDC's k-anonymised layout.
 *
 * `ctm export ctdc` writes the cases whose latest consent record covers
 * research use (research.h) as a CSV file in the layout of CTDC's Global
 * K-anonymised Dataset (codebook v7, 2021: 63 columns, in its order),
 * after making every combination of the quasi-identifiers occur at least
 * k times (k-anonymity, CTDC's own k is 10).
 *
 * Quasi-identifiers: gender, ageBroad (with majorityStatus, which says
 * part of the same age), citizenship, CountryOfExploitation and
 * yearOfRegistration. Each has a hierarchy of three levels:
 *
 *   variable               0 (as is)   1 (generalised)         2
 *   gender                 Female      -                       suppressed
 *   ageBroad               24--26      0--17 or 18+            suppressed
 *   majorityStatus         Adult       Adult                   suppressed
 *   citizenship            TH          Asia (UN M49 region)    suppressed
 *   CountryOfExploitation  TH          Asia (UN M49 region)    suppressed
 *   yearOfRegistration     2023        2020--2024              suppressed
 *
 * A suppressed value is written as CTDC writes missing data, -99 (its
 * data dictionary: "-99: Missing data"), so a reader cannot tell a value
 * ctm never had from one it withheld, and both count as the same value
 * when combinations are counted. Variables ctm does not project onto
 * (research.h) are -99 in every row; Datasource is "Case Management".
 *
 * How (local recoding, bottom-up): the rows are grouped by their
 * combination; each group of fewer than k rows moves up the hierarchies,
 * one group at a time, largest first. A group stays where it is when the
 * groups that could still move onto its combination would bring it to k.
 * Otherwise it moves to the cheapest coarser combination it can reach
 * (any number of levels on any variables) where the rows already there,
 * plus every small group that could also reach it, make k; when none
 * does, it takes the single step that the most rows could share. Cost
 * of a level, from cheapest: year to period, age to minor/adult,
 * country of exploitation to region, citizenship to region, then the
 * suppression of year, age, country of exploitation, citizenship, and
 * last gender. Rounds repeat until no group under k can move; the rows
 * of a group still under k (every quasi-identifier suppressed) are left
 * out. A dataset that is already k-anonymous comes out unchanged; groups
 * of k or more are never touched.
 *
 * Only the quasi-identifiers are recoded: the other variables (flags of
 * exploitation, means of control, recruiter) are not, so k-anonymity
 * does not protect against learning them for a whole group (l-diversity
 * is not attempted).
 *
 * The report counts, per variable, the values generalised and the known
 * values suppressed, and the rows left out: never a value.
 */
#ifndef CTM_EXPORT_CTDC_H
#define CTM_EXPORT_CTDC_H

#include "compat.h"

#include "dataset.h"

#define EXPORT_CTDC_K_DEFAULT 10
#define EXPORT_CTDC_K_MAX 1000

/* The variables that identify in combination, in report order. */
enum ctdc_qvar {
	QV_GENDER,
	QV_AGE_BROAD,
	QV_MAJORITY,
	QV_CITIZENSHIP,
	QV_COUNTRY_EXPLOITATION,
	QV_YEAR,
	QV__MAX
};

/* Their names as CTDC (and research.h) spell them. */
extern const char *const export_ctdc_qvars[QV__MAX];

struct export_ctdc_report {
	int k;
	size_t rows_in;			/* rows of the dataset given */
	size_t rows_out;		/* rows written */
	size_t rows_dropped;		/* left out: rows_in - rows_out */
	size_t generalised[QV__MAX];	/* values replaced by a broader one */
	size_t suppressed[QV__MAX];	/* known values withheld (-99) */
	size_t groups;			/* combinations in the output */
	size_t smallest;		/* rows of the smallest, 0 if none */
};

/*
 * The k-anonymised copy of ds (trusted: built by research_caseload() or a
 * test): the same variables, the rows in order without those left out,
 * the quasi-identifiers recoded as above (suppressed: missing). A
 * quasi-identifier ds lacks counts as missing in every row. k from 1 to
 * EXPORT_CTDC_K_MAX. rep (may be NULL) receives what was done. NULL when
 * k is out of range or memory runs out. The caller frees the result.
 */
struct dataset *export_ctdc_kanon(const struct dataset *ds, int k,
    struct export_ctdc_report *rep);

/*
 * Writes ds as CSV in the 63 columns of the k-anonymised layout (header
 * first, CRLF line ends, RFC 4180 quoting): a column ds has is written
 * from it, missing as -99; the others are -99. A value starting with
 * = + - @ (or a tab or CR) gets a leading ' so that no spreadsheet runs
 * it (the -99 of missing data is written as is: it is a number). 0, or
 * -1 when writing fails.
 */
int export_ctdc_csv(const struct dataset *ds, FILE *f);

/* The report as lines of text for a person (counts only). */
void export_ctdc_report_print(const struct export_ctdc_report *rep,
    FILE *f);

/*
 * The UN M49 region of an ISO 3166-1 alpha-2 code: "Africa", "Americas",
 * "Asia", "Europe" or "Oceania" (static storage); NULL for a code with
 * no region (AQ, Antarctica) or that is not a country.
 */
const char *export_ctdc_region(const char *alpha2);

/*
 * ctm export ctdc --db PATH [--k N] [--output FILE] [--key-file PATH]:
 * argv[0] is "export", argv[1] "ctdc". Writes the file (mode 0600, in
 * full or not at all) or standard output, the report on standard error,
 * and an audit entry. Returns the exit status: 0, 1 on failure, 2 on a
 * bad command line.
 */
int cli_export_ctdc(int argc, char **argv);

#endif
