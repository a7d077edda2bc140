/*
 * research.c - projecting case files onto CTDC's research variables.
 */
#include "compat.h"

#include <string.h>
#include <time.h>

#include "casefile.h"
#include "catalogue.h"
#include "log.h"
#include "research.h"

enum rvar {
	RV_YEAR,
	RV_GENDER,
	RV_AGE_BROAD,
	RV_MAJORITY,
	RV_CITIZENSHIP,
	RV_COUNTRY_EXPLOITATION,
	RV_FORCED_LABOUR,
	RV_SEXUAL_EXPLOIT,
	RV_OTHER_EXPLOIT,
	RV_CONTROL_DEBT,
	RV_CONTROL_EARNINGS,
	RV_CONTROL_THREATS,
	RV_CONTROL_PHYSICAL,
	RV_CONTROL_SEXUAL,
	RV_CONTROL_FALSE_PROMISES,
	RV_CONTROL_MOVEMENT,
	RV_CONTROL_DOCUMENTS,
	RV_RECRUITER_FAMILY,
	RV__MAX
};

const char *const research_vars[RV__MAX + 1] = {
	[RV_YEAR] = "yearOfRegistration",
	[RV_GENDER] = "gender",
	[RV_AGE_BROAD] = "ageBroad",
	[RV_MAJORITY] = "majorityStatus",
	[RV_CITIZENSHIP] = "citizenship",
	[RV_COUNTRY_EXPLOITATION] = "CountryOfExploitation",
	[RV_FORCED_LABOUR] = "isForcedLabour",
	[RV_SEXUAL_EXPLOIT] = "isSexualExploit",
	[RV_OTHER_EXPLOIT] = "isOtherExploit",
	[RV_CONTROL_DEBT] = "meansOfControlDebtBondage",
	[RV_CONTROL_EARNINGS] = "meansOfControlTakesEarnings",
	[RV_CONTROL_THREATS] = "meansOfControlThreats",
	[RV_CONTROL_PHYSICAL] = "meansOfControlPhysicalAbuse",
	[RV_CONTROL_SEXUAL] = "meansOfControlSexualAbuse",
	[RV_CONTROL_FALSE_PROMISES] = "meansOfControlFalsePromises",
	[RV_CONTROL_MOVEMENT] = "meansOfControlRestrictsMovement",
	[RV_CONTROL_DOCUMENTS] = "meansOfControlWithholdsDocuments",
	[RV_RECRUITER_FAMILY] = "recruiterRelationFamily",
	[RV__MAX] = NULL,
};

/* Whether the ';'-joined list has member m. */
static bool
has_member(const char *list, const char *m)
{
	size_t n = strlen(m);
	const char *p = list;

	while (*p) {
		const char *e = strchr(p, ';');
		size_t len = e ? (size_t)(e - p) : strlen(p);

		if (len == n && strncmp(p, m, n) == 0)
			return true;
		if (e == NULL)
			break;
		p = e + 1;
	}
	return false;
}

/* "1", "0", or missing when the list itself is not answered. */
static const char *
flag(const char *list, const char *const *members)
{
	if (*list == '\0' || special_answer(list) >= 0)
		return NULL;
	for (; *members; members++)
		if (has_member(list, *members))
			return "1";
	return "0";
}

static const char *
ctdc_gender(const char *g)
{
	if (strcmp(g, "Feminine") == 0)
		return "Female";
	if (strcmp(g, "Masculine") == 0)
		return "Male";
	if (strcmp(g, "TransgenderFeminine") == 0 ||
	    strcmp(g, "TransgenderMasculine") == 0 ||
	    strcmp(g, "NonConforming") == 0)
		return "Transgender/NonConforming";
	return NULL;
}

/* Whole years between two partial dates when they leave no doubt. */
static int
years_between(const char *from, const char *to)
{
	struct partial_date a, b;
	int64_t lo, hi;

	if (partial_date_parse(from, &a) < 0 || partial_date_parse(to, &b) < 0)
		return -1;
	partial_date_years(&a, &b, &lo, &hi);
	return lo == hi && lo >= 0 ? (int)lo : -1;
}

static const char *
age_band(int age)
{
	static const struct { int max; const char *band; } bands[] = {
		{ 8, "0--8" }, { 17, "9--17" }, { 20, "18--20" },
		{ 23, "21--23" }, { 26, "24--26" }, { 29, "27--29" },
		{ 38, "30--38" }, { 47, "39--47" }, { 200, "48+" },
	};
	size_t i;

	if (age < 0)
		return NULL;
	for (i = 0; i < ARRAY_SIZE(bands); i++)
		if (age <= bands[i].max)
			return bands[i].band;
	return NULL;
}

/* Whether the latest consent record covers research use. */
static bool
research_consent(json_t *file)
{
	json_t *c = json_object_get(file, "consents"), *last;
	size_t n = json_array_size(c);

	if (n == 0)
		return false;
	last = json_array_get(c, n - 1);
	return strcmp(casefile_str(last, "con_ConsentToInterview"), "Yes") == 0 &&
	    strcmp(casefile_str(last, "con_InformedOfResearchUse"), "Yes") == 0;
}

static void
project(json_t *f, const char *v[RV__MAX], char year[8])
{
	static const char *const labour[] = { "ForcedLabour", "ChildLabour",
	    NULL };
	static const char *const sexual[] = { "SexualExploitation", NULL };
	static const char *const other[] = { "ForcedMarriage", "Servitude",
	    "ForcedMilitaryByNonStateActors", "OrganRemoval", "ForcedBegging",
	    "ForcedAdoption", "Surrogacy", "Other", NULL };
	static const struct { enum rvar v; const char *code; } control[] = {
		{ RV_CONTROL_DEBT, "DebtBondage" },
		{ RV_CONTROL_EARNINGS, "TakesEarnings" },
		{ RV_CONTROL_THREATS, "PhysicalThreats" },
		{ RV_CONTROL_PHYSICAL, "PhysicalAbuse" },
		{ RV_CONTROL_SEXUAL, "SexualAbuse" },
		{ RV_CONTROL_FALSE_PROMISES, "FalsePromises" },
		{ RV_CONTROL_MOVEMENT, "RestrictsMovement" },
		{ RV_CONTROL_DOCUMENTS, "WithholdsDocuments" },
	};
	const char *reg = casefile_str(f, "idn_RegistrationDate");
	const char *birth = casefile_str(f, "prs_Birthdate");
	const char *types = casefile_str(f, "vic_TypeOfExploitation");
	const char *ctl = casefile_str(f, "vic_MethodsOfControl");
	const char *rel = casefile_str(f, "vic_RelationshipToTrafficker");
	const char *cit = casefile_str(f, "prs_Citizenship");
	const char *agew = casefile_str(f, "vic_AgeWhenTrafficked");
	json_t *e;
	size_t i;
	int age;

	memset(v, 0, sizeof(const char *) * RV__MAX);
	if (strlen(reg) >= 4) {
		snprintf(year, 8, "%.4s", reg);
		v[RV_YEAR] = year;
	}
	v[RV_GENDER] = ctdc_gender(casefile_str(f, "prs_Gender"));
	age = *birth && *reg && special_answer(birth) < 0 ?
	    years_between(birth, reg) : -1;
	v[RV_AGE_BROAD] = age_band(age);
	if (*agew && special_answer(agew) < 0)
		age = (int)strtol(agew, NULL, 10);
	if (age >= 0)
		v[RV_MAJORITY] = age < 18 ? "Minor" : "Adult";
	if (*cit && special_answer(cit) < 0)
		v[RV_CITIZENSHIP] = cit;
	json_array_foreach(json_object_get(f, "events"), i, e) {
		const char *c = casefile_str(e, "hte_Country");

		if (strcmp(casefile_str(e, "hte_Type"), "Exploitation") == 0 && *c &&
		    special_answer(c) < 0) {
			v[RV_COUNTRY_EXPLOITATION] = c;
			break;
		}
	}
	v[RV_FORCED_LABOUR] = flag(types, labour);
	v[RV_SEXUAL_EXPLOIT] = flag(types, sexual);
	v[RV_OTHER_EXPLOIT] = flag(types, other);
	for (i = 0; i < ARRAY_SIZE(control); i++) {
		const char *m[2] = { control[i].code, NULL };

		v[control[i].v] = flag(ctl, m);
	}
	if (*rel && special_answer(rel) < 0)
		v[RV_RECRUITER_FAMILY] = strcmp(rel, "Familial") == 0 ? "1" : "0";
}

struct collect {
	struct case_row *rows;
	size_t n, cap;
};

static int
collect_cb(void *arg, const struct case_row *c)
{
	struct collect *k = arg;

	if (k->n == k->cap) {
		size_t ncap = k->cap ? k->cap * 2 : 64;
		struct case_row *nr = realloc(k->rows, ncap * sizeof(*nr));

		if (nr == NULL)
			return -1;
		k->rows = nr;
		k->cap = ncap;
	}
	k->rows[k->n++] = *c;
	return 0;
}

/*
 * Every value a coded variable can take, declared before any row: a
 * table lists them all, so that a value left out never says that no
 * case counted has it (stats.h). Years and countries are what the rows
 * hold.
 */
static int
declare_values(struct dataset *ds)
{
	static const char *const genders[] = { "Female", "Male",
	    "Transgender/NonConforming", NULL };
	static const char *const bands[] = { "0--8", "9--17", "18--20",
	    "21--23", "24--26", "27--29", "30--38", "39--47", "48+", NULL };
	static const char *const majority[] = { "Adult", "Minor", NULL };
	static const char *const flags[] = { "0", "1", NULL };
	static const struct {
		enum rvar v;
		const char *const *values;
	} domains[] = {
		{ RV_GENDER, genders }, { RV_AGE_BROAD, bands },
		{ RV_MAJORITY, majority },
	};
	const char *const *p;
	size_t i;
	int v;

	for (i = 0; i < ARRAY_SIZE(domains); i++)
		for (p = domains[i].values; *p; p++)
			if (dataset_declare(ds, (size_t)domains[i].v, *p) < 0)
				return -1;
	for (v = RV_FORCED_LABOUR; v <= RV_RECRUITER_FAMILY; v++)
		for (p = flags; *p; p++)
			if (dataset_declare(ds, (size_t)v, *p) < 0)
				return -1;
	return 0;
}

struct dataset *
research_caseload(struct req *r, int64_t office_id, bool consent_only)
{
	struct case_filter f = { 0 };
	struct collect k = { 0 };
	struct dataset *ds;
	size_t i;

	f.office_id = office_id;
	f.status = -1;
	if (db_case_list(r->app->db, &f, collect_cb, &k, NULL) != DB_OK) {
		free(k.rows);
		return NULL;
	}
	ds = dataset_new(RV__MAX, research_vars);
	if (ds == NULL || declare_values(ds) < 0) {
		free(k.rows);
		dataset_free(ds);
		return NULL;
	}
	for (i = 0; i < k.n; i++) {
		const char *v[RV__MAX];
		char year[8];
		json_t *file = casefile_load(r, &k.rows[i]);

		if (file == NULL)
			goto fail;
		if (consent_only && !research_consent(file)) {
			json_decref(file);
			continue;
		}
		project(file, v, year);
		if (dataset_add_row(ds, v) < 0) {
			json_decref(file);
			goto fail;
		}
		json_decref(file);
	}
	free(k.rows);
	return ds;
fail:
	free(k.rows);
	dataset_free(ds);
	return NULL;
}
