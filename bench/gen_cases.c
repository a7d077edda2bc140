/*
 * gen_cases.c - N synthetic live cases, through ctm's real storage.
 *
 *   gen_cases --db PATH --n N [--seed S] [--key-file F]
 *
 * The database must exist (ctm init) with at least one field office
 * (ctm office add). Each case is created and its file filled the way
 * `ctm demo` does it (db_case_create, then casefile_load, casefile_check
 * and casefile_save: sealed with the key, name index, audit rows), with
 * random but valid values: invented names, a birthdate, gender,
 * citizenship and countries of recruitment and exploitation drawn with a
 * skew (a few countries common, many rare, as in real caseloads), types
 * of exploitation, means of control, registration in the last ten years,
 * and a consent record that covers research use for about 85% of them.
 * Prints the number of cases and the time taken. The same seed gives the
 * same cases.
 */
#include "compat.h"

#include <errno.h>
#include <getopt.h>
#include <time.h>

#include <jansson.h>

#include "casefile.h"
#include "cli.h"
#include "db.h"
#include "http.h"
#include "role.h"

static uint64_t rng = 0x9E3779B97F4A7C15ull;

static uint32_t
rnd(uint32_t n)
{
	rng ^= rng << 13;
	rng ^= rng >> 7;
	rng ^= rng << 17;
	return (uint32_t)(rng % n);
}

/* Small indices far more often. */
static uint32_t
skewed(uint32_t n)
{
	uint32_t a = rnd(n), b = rnd(n), c = rnd(n);

	return a < b ? (a < c ? a : c) : (b < c ? b : c);
}

#define PICK(a) ((a)[rnd(ARRAY_SIZE(a))])
#define PICK_SKEWED(a) ((a)[skewed(ARRAY_SIZE(a))])

static const char *const syllables[] = { "ma", "ri", "an", "lu", "so",
	"ki", "ta", "ne", "ol", "ha", "mi", "ra", "do", "vu", "en", "ya",
	"ko", "li", "sa", "tu", "ba", "chi", "no", "el" };
static const char *const genders[] = { "Feminine", "Feminine", "Masculine",
	"Feminine", "Masculine", "TransgenderFeminine", "NonConforming" };
/* Citizenships, commonest first (skewed draw). */
static const char *const countries[] = { "MM", "KH", "TH", "VN", "LA",
	"CO", "VE", "UA", "PH", "NG", "ID", "MD", "RO", "BD", "NP", "ET",
	"GH", "HN", "GT", "UZ", "KG", "AL", "BR", "CN", "KE", "SN", "EC",
	"BO", "PE", "FJ", "SY", "AF" };
static const char *const exploitation[] = { "ForcedLabour",
	"SexualExploitation", "ForcedLabour", "Servitude", "ForcedMarriage",
	"ForcedBegging", "ChildLabour", "Other" };
static const char *const controls[] = { "DebtBondage", "TakesEarnings",
	"PhysicalThreats", "PhysicalAbuse", "SexualAbuse", "FalsePromises",
	"RestrictsMovement", "WithholdsDocuments", "PsychologicalAbuse",
	"ExcessiveWorkingHours" };
static const char *const identified[] = { "Police", "NGO", "Hotline",
	"SelfReferral", "Outreach" };
static const char *const relations[] = { "Familial", "Acquainted",
	"Unaquainted" };

struct offices {
	struct office o[64];
	size_t n;
};

static int
office_cb(void *arg, const struct office *o)
{
	struct offices *os = arg;

	if (!o->hq && os->n < ARRAY_SIZE(os->o))
		os->o[os->n++] = *o;
	return 0;
}

static void
name(char *out, size_t size)
{
	size_t i, n = 2 + rnd(2), len = 0;

	out[0] = '\0';
	for (i = 0; i < n && len + 4 < size; i++)
		len += (size_t)snprintf(out + len, size - len, "%s",
		    PICK(syllables));
	out[0] = (char)(out[0] - 'a' + 'A');
}

/* A ';'-joined list of 1 to max distinct codes of list. */
static void
codes(char *out, size_t size, const char *const *list, size_t n, size_t max)
{
	bool used[16] = { false };
	size_t i, k = 1 + rnd((uint32_t)max), len = 0;

	out[0] = '\0';
	for (i = 0; i < k; i++) {
		size_t j = rnd((uint32_t)n);

		if (j >= ARRAY_SIZE(used) || used[j])
			continue;
		used[j] = true;
		len += (size_t)snprintf(out + len, size - len, "%s%s",
		    len ? ";" : "", list[j]);
	}
}

/* The case file of one synthetic person, registered on reg (y, m, d). */
static json_t *
synthetic(const struct office *of, int y, int m, int d)
{
	char first[64], second[64], birth[16], reg[16], ctl[256], date[16];
	const char *cit = PICK_SKEWED(countries);
	const char *coe = rnd(10) < 6 ? of->country : PICK_SKEWED(countries);
	int age = 8 + (int)skewed(50), by = y - age, ey = y - (int)rnd(2);
	int tage = ey - by - (int)rnd(2);
	json_t *f, *events, *consent;

	name(first, sizeof(first));
	name(second, sizeof(second));
	snprintf(birth, sizeof(birth), "%04d-%02d", by, 1 + (int)rnd(12));
	snprintf(reg, sizeof(reg), "%04d-%02d-%02d", y, m, d);
	snprintf(date, sizeof(date), "%04d", ey);
	codes(ctl, sizeof(ctl), controls, ARRAY_SIZE(controls), 3);
	f = json_pack("{s:s,s:s,s:s,s:s,s:s,s:s,s:s,s:s,s:s}",
	    "prs_FirstName", first, "prs_SecondName", second,
	    "prs_Birthdate", birth, "prs_Gender", PICK(genders),
	    "prs_Citizenship", cit,
	    "vic_TypeOfExploitation", PICK_SKEWED(exploitation),
	    "idn_DateIdentified", reg, "idn_RegistrationDate", reg,
	    "idn_HowIdentified", PICK(identified));
	if (f == NULL)
		return NULL;
	if (ctl[0])
		json_object_set_new(f, "vic_MethodsOfControl", json_string(ctl));
	if (rnd(3) && tage >= 0 && tage < 120) {
		char a[16];

		snprintf(a, sizeof(a), "%d", tage);
		json_object_set_new(f, "vic_AgeWhenTrafficked", json_string(a));
	}
	if (rnd(2))
		json_object_set_new(f, "vic_RelationshipToTrafficker",
		    json_string(PICK(relations)));
	events = json_pack("[{s:s,s:s,s:s},{s:s,s:s,s:s}]",
	    "hte_Type", "Recruitment", "hte_Country", cit, "hte_Date", date,
	    "hte_Type", "Exploitation", "hte_Country", coe, "hte_Date", date);
	consent = rnd(100) < 85 ?
	    json_pack("[{s:s,s:s,s:s,s:s}]", "con_ConsentToInterview", "Yes",
	    "con_InformedOfPurpose", "Yes", "con_InformedOfDataUse", "Yes",
	    "con_InformedOfResearchUse", "Yes") :
	    json_pack("[{s:s,s:s}]", "con_ConsentToInterview", "Yes",
	    "con_InformedOfResearchUse", "No");
	json_object_set_new(f, "events", events);
	json_object_set_new(f, "consents", consent);
	return f;
}

/* Creates one case in of and saves its file; 0 or -1. */
static int
one_case(struct req *r, const struct office *of, int64_t now)
{
	struct case_row c;
	json_t *doc = NULL, *cur = NULL, *merged = NULL, *next = NULL,
	    *errors = NULL;
	struct tm tm;
	time_t tt = (time_t)now;
	int y, m, d, rc = -1;

	gmtime_r(&tt, &tm);
	y = tm.tm_year + 1900 - (int)skewed(10);
	m = 1 + (int)rnd(12);
	d = 1 + (int)rnd(28);
	if (y == tm.tm_year + 1900 && (m > tm.tm_mon + 1 ||
	    (m == tm.tm_mon + 1 && d > tm.tm_mday)))
		m = 1, d = 1;
	if (db_case_create(r->app->db, of->id, y,
	    (enum case_status)rnd(CASE_STATUS__MAX), 0, r->user.id, now,
	    &c) != DB_OK)
		return -1;
	if ((doc = synthetic(of, y, m, d)) == NULL ||
	    (cur = casefile_load(r, &c)) == NULL ||
	    (merged = json_deep_copy(cur)) == NULL)
		goto out;
	json_object_update(merged, doc);
	next = casefile_check(r, &c, merged, cur, &errors);
	if (next == NULL) {
		char *e = errors ? json_dumps(errors, JSON_COMPACT) : NULL;

		fprintf(stderr, "gen_cases: a synthetic file fails the checks: "
		    "%s\n", e ? e : "internal error");
		free(e);
		goto out;
	}
	rc = casefile_save(r, &c, c.version, cur, next) == DB_OK ? 0 : -1;
out:
	json_decref(doc);
	json_decref(cur);
	json_decref(merged);
	json_decref(next);
	json_decref(errors);
	return rc;
}

int
main(int argc, char **argv)
{
	static const struct option lopts[] = {
		{ "db", required_argument, NULL, 'd' },
		{ "n", required_argument, NULL, 'n' },
		{ "seed", required_argument, NULL, 's' },
		{ "key-file", required_argument, NULL, 'K' },
		{ NULL, 0, NULL, 0 },
	};
	const char *db = NULL, *key_file = NULL;
	struct offices os = { .n = 0 };
	struct timespec t0, t1;
	struct app app;
	struct user u;
	struct req r;
	long n = 0, i;
	int c, rc = 1;
	char *end;

	while ((c = getopt_long(argc, argv, "", lopts, NULL)) != -1) {
		switch (c) {
		case 'd': db = optarg; break;
		case 'K': key_file = optarg; break;
		case 'n':
			n = strtol(optarg, &end, 10);
			if (*end || n < 1 || n > 10000000)
				n = -1;
			break;
		case 's':
			rng = strtoull(optarg, &end, 10) * 0x9E3779B97F4A7C15ull
			    | 1;
			break;
		default:
			n = -1;
		}
	}
	if (db == NULL || n < 1 || optind != argc) {
		fprintf(stderr, "usage: gen_cases --db PATH --n N [--seed S] "
		    "[--key-file F]\n");
		return 2;
	}
	if (cli_open(&app, db, key_file) != 0)
		return 1;
	if (db_office_list(app.db, office_cb, &os) != DB_OK || os.n == 0) {
		cli_fail("no field office in %s (ctm office add)", db);
		goto out;
	}
	if (db_user_by_name(app.db, "admin", &u) != DB_OK) {
		cli_fail("no user admin in %s", db);
		goto out;
	}
	cli_req(&r, &app, &u);
	clock_gettime(CLOCK_MONOTONIC, &t0);
	for (i = 0; i < n; i++) {
		r.now = (int64_t)time(NULL);
		if (one_case(&r, &os.o[rnd((uint32_t)os.n)], r.now) < 0) {
			cli_fail("case %ld of %ld could not be saved", i + 1, n);
			goto out;
		}
	}
	clock_gettime(CLOCK_MONOTONIC, &t1);
	printf("%ld cases in %.2f s\n", n, (double)(t1.tv_sec - t0.tv_sec) +
	    (double)(t1.tv_nsec - t0.tv_nsec) / 1e9);
	rc = 0;
out:
	cli_close(&app);
	return rc;
}
