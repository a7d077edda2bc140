/*
 * demo.c - the demo of `ctm demo` (demo.h).
 *
 * The projects are those of the annex of IOM's counter-trafficking
 * strategy paper (MC/INF/270, ../shared/seed/): their names, regions,
 * targets and target groups as the annex gives them, and Colombia's
 * budget and donors; the other budgets and the periods are the demo's.
 * The people are invented; their journeys follow patterns the annex and
 * the field describe (children on Lake Volta at Yeji, Malian children on
 * Ivorian farms, Colombian women exploited in Bangkok, Cambodians in
 * Thailand, Nepalese women in India, Moldovan women in the Balkans).
 *
 * Each journey is a table row: where the case is registered, how far it
 * has gone and what happened on the way. journey() makes its steps in
 * order, each through the module the web uses, as the account that would
 * make it, at a time of its day counted back from the day the demo runs:
 * a demo made next year reads the same.
 */
#include "compat.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "casefile.h"
#include "caserec.h"
#include "cases.h"
#include "cli.h"
#include "date.h"
#include "db.h"
#include "demo.h"
#include "fund.h"
#include "log.h"
#include "moves.h"
#include "protection.h"

#define META_KEY "demo.cases"	/* set once the demo's cases are in */

/* --- offices and accounts --- */

static const struct demo_office offices[] = {
	{ "HQ", "Headquarters", "CH", true },
	{ "BKK", "Bangkok mission", "TH", false },
	{ "BOG", "Bogotá mission", "CO", false },
	{ "ACC", "Accra mission", "GH", false },
	{ "BKO", "Bamako mission", "ML", false },
	{ "SDQ", "Santo Domingo mission", "DO", false },
	{ "KTM", "Kathmandu mission", "NP", false },
	{ "BEG", "Belgrade mission", "RS", false },
	{ "KIV", "Chișinău mission", "MD", false },
};

static const struct demo_account accounts[] = {
	{ "admin", "admin", "HQ" },
	{ "caseworker", "caseworker", "BKK" },
	{ "manager", "office-manager", "BKK" },
	{ "caseworker.bog", "caseworker", "BOG" },
	{ "manager.bog", "office-manager", "BOG" },
	{ "programme", "programme-manager", "HQ" },
	{ "researcher", "researcher", "HQ" },
	{ "medical", "medical-officer", "BKK" },
	{ "caseworker.acc", "caseworker", "ACC" },
	{ "manager.acc", "office-manager", "ACC" },
	{ "caseworker.bko", "caseworker", "BKO" },
	{ "manager.bko", "office-manager", "BKO" },
	{ "caseworker.sdq", "caseworker", "SDQ" },
	{ "manager.sdq", "office-manager", "SDQ" },
	{ "caseworker.ktm", "caseworker", "KTM" },
	{ "manager.ktm", "office-manager", "KTM" },
	{ "caseworker.beg", "caseworker", "BEG" },
	{ "manager.beg", "office-manager", "BEG" },
	{ "caseworker.kiv", "caseworker", "KIV" },
	{ "manager.kiv", "office-manager", "KIV" },
};

const struct demo_office *
demo_offices(size_t *n)
{
	*n = ARRAY_SIZE(offices);
	return offices;
}

const struct demo_account *
demo_accounts(size_t *n)
{
	*n = ARRAY_SIZE(accounts);
	return accounts;
}

/* --- the calendar: every date counts back from the day the demo runs --- */

struct demo {
	struct app *app;
	int64_t run;		/* when the demo runs */
	int64_t today;		/* its day, as date_unix_day() counts */
	struct req r;		/* the request of the step being made */
};

/* YYYY-MM-DD of the day ago days before the demo's. */
static void
ymd(const struct demo *d, int ago, char out[DATE_SIZE])
{
	date_of((d->today - ago) * 86400, out);
}

/* YYYY-MM of the month months before that of day. */
static void
month_before(const char *day, int months, char out[8])
{
	int y, m, dd, t;

	if (!date_parse(day, &y, &m, &dd))
		y = 2000, m = 1;
	t = y * 12 + (m - 1) - months;
	snprintf(out, 8, "%04u-%02u", (unsigned)(t / 12) % 10000u,
	    (unsigned)(t % 12 + 1) % 100u);
}

/* A period of months months from the first day of the month back months
 * before the demo's. */
static void
period(const struct demo *d, int back, int months, char start[DATE_SIZE],
    char end[DATE_SIZE])
{
	char today[DATE_SIZE], first[8], next[DATE_SIZE];

	ymd(d, 0, today);
	month_before(today, back, first);
	snprintf(start, DATE_SIZE, "%s-01", first);
	if (moves_add_months(start, months, next) < 0)
		snprintf(next, sizeof(next), "%s", start);
	date_of((date_day_number(next) - 1) * 86400, end);
}

/*
 * The request of a step: made by account who, ago days before the
 * demo's day at hhmm (UTC), but never later than the demo runs. The
 * request is d's own, good until the next step. NULL when there is no
 * such account.
 */
static struct req *
as(struct demo *d, const char *who, int ago, int hhmm)
{
	struct user u;
	int64_t t;

	if (db_user_by_name(d->app->db, who, &u) != DB_OK) {
		error("demo: no account %s", who);
		return NULL;
	}
	cli_req(&d->r, d->app, &u);
	t = (d->today - ago) * 86400 + (hhmm / 100) * 3600 + (hhmm % 100) * 60;
	d->r.now = t < d->run ? t : d->run;
	return &d->r;
}

static int64_t
user_id(struct demo *d, const char *who)
{
	struct user u;

	return db_user_by_name(d->app->db, who, &u) == DB_OK ? u.id : 0;
}

/* --- the registry: partner organisations and shelters --- */

enum org {
	O_TH_SHELTER, O_TH_POLICE, O_TH_PROSECUTION, O_TH_HEALTH, O_TH_MEN,
	O_CO_NGO, O_CO_POLICE, O_CO_PROSECUTION, O_CO_HEALTH,
	O_GH_WELFARE, O_GH_POLICE, O_ML_CHILD, O_DO_NGO, O_NP_NGO,
	O_RS_CENTRE, O_MD_CENTRE,
	O__MAX
};

static const struct {
	const char *name, *type, *country, *city, *phone;
} orgs[O__MAX] = {
	[O_TH_SHELTER] = { "Ban Kredtrakarn Protection Centre", "NGO", "TH",
	    "Bangkok", "+6622820000" },
	[O_TH_POLICE] = { "Anti-Trafficking in Persons Division",
	    "LawEnforcement", "TH", "Bangkok", "+6621001191" },
	[O_TH_PROSECUTION] = { "Office of the Attorney General, Trafficking "
	    "Unit", "ProsecutionService", "TH", "Bangkok", "+6621428000" },
	[O_TH_HEALTH] = { "Bangkok Metropolitan Health Service",
	    "HealthServiceOrganisation", "TH", "Bangkok", NULL },
	[O_TH_MEN] = { "Pathum Thani Protection Centre for Men",
	    "CentralGovernmentOrganisation", "TH", "Pathum Thani", NULL },
	[O_CO_NGO] = { "Fundación Renacer", "NGO", "CO", "Bogotá",
	    "+5713385000" },
	[O_CO_POLICE] = { "Policía Nacional, Grupo de Trata de Personas",
	    "LawEnforcement", "CO", "Bogotá", "+5715159000" },
	[O_CO_PROSECUTION] = { "Fiscalía General de la Nación",
	    "ProsecutionService", "CO", "Bogotá", "+5715702000" },
	[O_CO_HEALTH] = { "Subred Integrada de Servicios de Salud Centro "
	    "Oriente", "HealthServiceOrganisation", "CO", "Bogotá", NULL },
	[O_GH_WELFARE] = { "Department of Social Welfare, Yeji",
	    "LocalGovernmentOrganisation", "GH", "Yeji", NULL },
	[O_GH_POLICE] = { "Anti-Human Trafficking Unit, Ghana Police Service",
	    "LawEnforcement", "GH", "Accra", NULL },
	[O_ML_CHILD] = { "Direction régionale de la promotion de l'enfant et "
	    "de la famille, Sikasso", "LocalGovernmentOrganisation", "ML",
	    "Sikasso", NULL },
	[O_DO_NGO] = { "Centro de Orientación e Investigación Integral",
	    "NGO", "DO", "Santo Domingo", NULL },
	[O_NP_NGO] = { "Kathmandu returnee support network", "NGO", "NP",
	    "Kathmandu", NULL },
	[O_RS_CENTRE] = { "Centre for the Protection of Victims of "
	    "Trafficking", "CentralGovernmentOrganisation", "RS", "Belgrade",
	    NULL },
	[O_MD_CENTRE] = { "Assistance and Protection Centre",
	    "CentralGovernmentOrganisation", "MD", "Chișinău", NULL },
};

static const struct {
	const char *office, *name, *city;
	int capacity;
	enum org org;
} shelters[] = {
	{ "BKK", "Bangkok shelter", "Bangkok", 12, O_TH_SHELTER },
	{ "BKK", "Pathum Thani shelter for men", "Pathum Thani", 20, O_TH_MEN },
	{ "BOG", "Casa de acogida Bogotá", "Bogotá", 8, O_CO_NGO },
	{ "ACC", "Yeji children's shelter", "Yeji", 16, O_GH_WELFARE },
	{ "KTM", "Kathmandu transit home", "Kathmandu", 10, O_NP_NGO },
	{ "BEG", "Belgrade shelter", "Belgrade", 10, O_RS_CENTRE },
	{ "KIV", "Chișinău assistance and protection centre", "Chișinău", 25,
	    O_MD_CENTRE },
};

struct find {
	const char *name, *country;
	int64_t id;
};

static int
find_org_cb(void *arg, const struct organisation *o)
{
	struct find *x = arg;

	if (strcmp(o->name, x->name) == 0 && strcmp(o->country, x->country) == 0)
		x->id = o->id;
	return x->id != 0;
}

static int
find_shelter_cb(void *arg, const struct shelter *s)
{
	struct find *x = arg;

	if (strcmp(s->name, x->name) == 0)
		x->id = s->id;
	return x->id != 0;
}

/* The id of organisation o, 0 when there is none (or on failure). */
static int64_t
org_id(struct demo *d, enum org o)
{
	struct find f = { orgs[o].name, orgs[o].country, 0 };

	return db_org_list(d->app->db, find_org_cb, &f) == DB_OK ? f.id : 0;
}

/* The id of office's shelter name, 0 when there is none. */
static int64_t
shelter_id(struct demo *d, const char *office, const char *name)
{
	struct office o;
	struct find f = { name, NULL, 0 };

	if (db_office_by_code(d->app->db, office, &o) != DB_OK ||
	    db_shelter_list(d->app->db, o.id, find_shelter_cb, &f) != DB_OK)
		return 0;
	return f.id;
}

/* The organisations and shelters missing, added by the administrator
 * on day ago. */
static int
registry(struct demo *d, int ago)
{
	json_t *in, *errors;
	struct req *r;
	size_t i;
	int rc;

	for (i = 0; i < O__MAX; i++) {
		struct organisation o = { 0 };

		if (org_id(d, (enum org)i) != 0)
			continue;
		if ((r = as(d, "admin", ago, 900)) == NULL)
			return -1;
		in = json_pack("{s:s,s:s,s:s,s:s,s:s?}", "name", orgs[i].name,
		    "type", orgs[i].type, "country", orgs[i].country, "city",
		    orgs[i].city, "phone", orgs[i].phone);
		errors = NULL;
		rc = protection_org_save(r, &o, in, &errors);
		json_decref(in);
		json_decref(errors);
		if (rc != 0)
			return error("demo: organisation %s not added",
			    orgs[i].name);
	}
	for (i = 0; i < ARRAY_SIZE(shelters); i++) {
		struct shelter s = { 0 };

		if (shelter_id(d, shelters[i].office, shelters[i].name) != 0)
			continue;
		if ((r = as(d, "admin", ago, 930)) == NULL)
			return -1;
		in = json_pack("{s:s,s:s,s:s,s:i,s:I}", "office",
		    shelters[i].office, "name", shelters[i].name, "city",
		    shelters[i].city, "capacity", shelters[i].capacity,
		    "organisation", (json_int_t)org_id(d, shelters[i].org));
		errors = NULL;
		rc = protection_shelter_save(r, &s, in, &errors);
		json_decref(in);
		json_decref(errors);
		if (rc != 0)
			return error("demo: shelter %s not added",
			    shelters[i].name);
	}
	return 0;
}

/* --- the projects of the annex --- */

enum proj {
	PJ_GAF, PJ_YEJI, PJ_MALI, PJ_DR, PJ_COLOMBIA, PJ_MEKONG, PJ_NEPAL,
	PJ_BALKANS, PJ_MOLDOVA,
	PJ__MAX
};

/*
 * The annex names the target only for Yeji, the Mekong and Nepal, the
 * duration only for the Mekong (three years) and the Western Balkans
 * (twelve months), and the budget and donors only for Colombia. The
 * other budgets and periods are the demo's, each period covering the
 * journeys charged to it. The Global Assistance Counter-Trafficking
 * Database of the annex is not here: it builds the database and funds
 * no case, so no assistance could ever be counted against it.
 */
static const struct {
	const char *name, *region;
	int back, months;	/* period: see period() */
	const char *target, *group, *currency, *budget;
	const char *line_currency, *line_budget;	/* a second line */
	struct { const char *name, *amount; } donors[2];
} projects[PJ__MAX] = {
	[PJ_GAF] = { "Global Assistance Fund", "Global", 30, 48, "",
	    "Trafficked migrant women and children stranded outside their "
	    "country of origin who need immediate protection and return "
	    "support, outside the caseload of other projects", "USD",
	    "500000", NULL, NULL, { { NULL, NULL } } },
	[PJ_YEJI] = { "Assisted Voluntary Return and Reintegration of "
	    "Ghanaian Children Victims of Trafficking for Labour Exploitation "
	    "in Yeji Fishing Communities", "Africa", 20, 36, "1213",
	    "School-age children engaged in fishing in Jakalai No. 3, "
	    "Kaduegbodzi Kope and Tonka along the Volta Lake at Yeji, reunited "
	    "with their families in the Volta and Central Regions", "USD",
	    "350000", "GHS", "750000", { { NULL, NULL } } },
	[PJ_MALI] = { "Programme d'assistance au retour et à la réintégration "
	    "des enfants maliens victimes du trafic transfrontalier entre le "
	    "Mali et la Côte d'Ivoire", "Africa", 18, 36, "",
	    "Malian children trafficked to Côte d'Ivoire, back in Mali, with "
	    "their families and host communities", "USD", "400000", NULL,
	    NULL, { { NULL, NULL } } },
	[PJ_DR] = { "Prevention and Combat of Trafficking in Persons in the "
	    "Dominican Republic - Phase 3", "The Americas and the Caribbean",
	    14, 24, "", "Victims of internal and international trafficking, "
	    "Haitian trafficking among it, and migrant women", "USD",
	    "300000", NULL, NULL, { { NULL, NULL } } },
	[PJ_COLOMBIA] = { "Programa de Prevención, Asistencia y Reinserción "
	    "para las Víctimas de la Trata de Personas en Colombia",
	    "The Americas and the Caribbean", 18, 36, "",
	    "Victims of trafficking in persons (module 2: reinsertion of the "
	    "victims)", "USD", "1000000", NULL, NULL,
	    { { "Royal Netherlands Embassy", "584936" },
	    { "US Department of State (G-TIP/INL)", "200000" } } },
	[PJ_MEKONG] = { "Return and Reintegration of Trafficked and other "
	    "Vulnerable Women and Children between Selected Countries in the "
	    "Mekong Region", "Asia", 20, 36, "900",
	    "Trafficked and other vulnerable migrant women and children of "
	    "the six Mekong countries, returning to Cambodia from Thailand and "
	    "Viet Nam in particular", "USD", "750000", NULL, NULL,
	    { { NULL, NULL } } },
	[PJ_NEPAL] = { "Pilot Project on Assisted Return and Integration of "
	    "Trafficked Women and Children in Nepal", "Asia", 8, 24, "60",
	    "Nepalese women and children trafficked to India", "USD",
	    "120000", NULL, NULL, { { NULL, NULL } } },
	[PJ_BALKANS] = { "Programme of Assistance for the Protection, Return "
	    "and Reintegration of Trafficked Women and Children in the Western "
	    "Balkans and Main Countries of Origin", "Europe", 11, 12, "",
	    "Trafficked persons, women and children in particular, stranded "
	    "in the Balkans", "USD", "600000", NULL, NULL,
	    { { NULL, NULL } } },
	[PJ_MOLDOVA] = { "Combating Trafficking in Human Beings: Republic of "
	    "Moldova", "Europe", 24, 36, "", "Women victims of trafficking "
	    "who have returned to the Republic of Moldova", "USD", "450000",
	    NULL, NULL, { { NULL, NULL } } },
};

/* Units of each currency per US dollar, from rate_back months ago. */
static const struct { const char *cur, *rate; } rates[] = {
	{ "EUR", "0.92" }, { "CHF", "0.88" }, { "THB", "35.5" },
	{ "COP", "3950" }, { "GHS", "15.2" }, { "NPR", "133.4" },
	{ "XOF", "603" }, { "DOP", "60.5" }, { "RSD", "108.1" },
	{ "MDL", "17.8" },
};
#define RATE_BACK 36

/* The rates and the projects missing, as the programme manager, each
 * project on the first day of its period. */
static int
fund_setup(struct demo *d, int64_t ids[PJ__MAX])
{
	char start[DATE_SIZE], end[DATE_SIZE], from[DATE_SIZE];
	struct fund_project_input in;
	struct fund_problem p;
	struct project pr;
	struct req *r;
	size_t i, j;
	int rc;

	period(d, RATE_BACK, 1, from, end);
	for (i = 0; i < ARRAY_SIZE(rates); i++) {
		if ((r = as(d, "programme", 0, 0)) == NULL)
			return -1;
		r->now = (int64_t)date_day_number(from) * 86400 + 8 * 3600;
		rc = fund_rate_set(r, rates[i].cur, from, rates[i].rate, false,
		    &p);
		if (rc != 0 && !(rc == 1 && p.status == 409))
			return error("demo: rate %s: %s", rates[i].cur,
			    p.msg ? p.msg : "failed");
	}
	for (i = 0; i < PJ__MAX; i++) {
		rc = db_project_by_name(d->app->db, projects[i].name, &pr);
		if (rc == DB_OK) {
			ids[i] = pr.id;
			continue;
		}
		if (rc != DB_NOTFOUND)
			return -1;
		period(d, projects[i].back, projects[i].months, start, end);
		memset(&in, 0, sizeof(in));
		in.name = projects[i].name;
		in.region = projects[i].region;
		in.start = start;
		in.end = end;
		in.target = projects[i].target;
		in.target_group = projects[i].group;
		in.currency = projects[i].currency;
		in.budget = projects[i].budget;
		if (projects[i].line_currency) {
			in.line_currency[0] = projects[i].line_currency;
			in.line_budget[0] = projects[i].line_budget;
			in.nlines = 1;
		}
		for (j = 0; j < ARRAY_SIZE(projects[i].donors) &&
		    projects[i].donors[j].name; j++) {
			in.donors[j].name = projects[i].donors[j].name;
			in.donors[j].amount = projects[i].donors[j].amount;
			in.ndonors++;
		}
		if ((r = as(d, "programme", 0, 0)) == NULL)
			return -1;
		r->now = (int64_t)date_day_number(start) * 86400 + 9 * 3600;
		if (r->now > d->run)
			r->now = d->run;
		if (fund_project_create(r, &in, &ids[i], &p) != 0)
			return error("demo: project %zu: %s", i,
			    p.msg ? p.msg : "failed");
	}
	return 0;
}

/* --- the people and how they were trafficked --- */

enum route_ix {
	R_CO_TH, R_MM_FISH, R_KH_SEX, R_KH_HOME, R_KH_SEAFOOD, R_KH_BEG,
	R_CO_HOME, R_CO_SEX, R_CO_MINE, R_GH_LAKE, R_ML_COCOA, R_DO_SEX,
	R_HT_HOME, R_NP_SEX, R_NP_HOME, R_NP_CIRCUS, R_MD_RS, R_MD_TR,
	R__MAX
};

struct event {
	const char *type, *country, *city;
	int months;		/* before the identification */
	const char *transport, *crossing, *documents;	/* of a transit */
};

static const struct route {
	const char *exploitation, *industry, *recruitment, *control;
	const char *found_by;
	/* the screening: codes separated by ';' (no means: a child's) */
	const char *act, *means, *purpose;
	struct event ev[3];
} routes[R__MAX] = {
	[R_CO_TH] = { "SexualExploitation", NULL, "ThroughOnlineSocialNetworks",
	    "DebtBondage;WithholdsDocuments", "NGO", "Recruitment;Transportation",
	    "Deception;AbuseOfVulnerability", "SexualExploitation",
	    { { "Recruitment", "CO", "Pereira", 14, NULL, NULL, NULL },
	    { "Transit", "ES", "Madrid", 13, "Air", "Regular", "Own" },
	    { "Exploitation", "TH", "Bangkok", 13, NULL, NULL, NULL } } },
	[R_MM_FISH] = { "ForcedLabour", "A_AgricultureForestryAndFishing",
	    "ThroughFriendsOrSocialEvents",
	    "DebtBondage;WithholdsDocuments;PhysicalAbuse", "Police",
	    "Recruitment;Transportation", "Deception;AbuseOfVulnerability",
	    "ForcedLabourOrServices",
	    { { "Recruitment", "MM", "Mawlamyine", 30, NULL, NULL, NULL },
	    { "Transit", "TH", "Mae Sot", 30, "Truck", "Irregular", "None" },
	    { "Exploitation", "TH", "Samut Sakhon", 29, NULL, NULL, NULL } } },
	[R_KH_SEX] = { "SexualExploitation", NULL, "ThroughOnlineSocialNetworks",
	    "RestrictsMovement;TakesEarnings", "NGO", "Recruitment;Harbouring",
	    "Deception", "SexualExploitation",
	    { { "Recruitment", "KH", "Siem Reap", 15, NULL, NULL, NULL },
	    { "Transit", "TH", "Aranyaprathet", 14, "Bus", "Regular",
	    "Confiscated" },
	    { "Exploitation", "TH", "Pattaya", 14, NULL, NULL, NULL } } },
	[R_KH_HOME] = { "ForcedLabour", "T_ActivitiesOfHouseholdsAsEmployers",
	    "ThroughFamilyOrFamilyEvents",
	    "RestrictsMovement;TakesEarnings;WithholdsDocuments", "Hotline",
	    "Recruitment;Transportation;Harbouring",
	    "Deception;AbuseOfVulnerability", "ForcedLabourOrServices",
	    { { "Recruitment", "KH", "Battambang", 20, NULL, NULL, NULL },
	    { "Transit", "TH", "Aranyaprathet", 20, "Car", "Irregular", "None" },
	    { "Exploitation", "TH", "Bangkok", 19, NULL, NULL, NULL } } },
	[R_KH_SEAFOOD] = { "ForcedLabour", "C_Manufacturing",
	    "ThroughFriendsOrSocialEvents",
	    "DebtBondage;ExcessiveWorkingHours;WithholdsDocuments", "Police",
	    "Recruitment;Transportation", "Deception;AbuseOfVulnerability",
	    "ForcedLabourOrServices",
	    { { "Recruitment", "KH", "Prey Veng", 11, NULL, NULL, NULL },
	    { "Transit", "TH", "Aranyaprathet", 11, "Truck", "Irregular",
	    "None" },
	    { "Exploitation", "TH", "Samut Sakhon", 10, NULL, NULL, NULL } } },
	[R_KH_BEG] = { "ForcedBegging", NULL, "ThroughFamilyOrFamilyEvents",
	    "PhysicalAbuse;TakesEarnings", "Outreach",
	    "Recruitment;Transportation;Harbouring", NULL,
	    "ForcedLabourOrServices",
	    { { "Recruitment", "KH", "Poipet", 8, NULL, NULL, NULL },
	    { "Transit", "TH", "Aranyaprathet", 8, "OnFoot", "Irregular",
	    "None" },
	    { "Exploitation", "TH", "Bangkok", 7, NULL, NULL, NULL } } },
	[R_CO_HOME] = { "Servitude", NULL, "ThroughFamilyOrFamilyEvents",
	    "RestrictsMovement;TakesEarnings", "Hotline",
	    "Recruitment;Harbouring", "Deception", "Servitude",
	    { { "Recruitment", "CO", "Quibdó", 24, NULL, NULL, NULL },
	    { "Exploitation", "CO", "Medellín", 24, NULL, NULL, NULL } } },
	[R_CO_SEX] = { "SexualExploitation", NULL, "ThroughFriendsOrSocialEvents",
	    "DebtBondage;PhysicalThreats", "NGO",
	    "Recruitment;Transportation;Harbouring",
	    "Deception;AbuseOfVulnerability", "SexualExploitation",
	    { { "Recruitment", "CO", "Buenaventura", 9, NULL, NULL, NULL },
	    { "Exploitation", "CO", "Cartagena", 8, NULL, NULL, NULL } } },
	[R_CO_MINE] = { "ForcedLabour", "B_MiningAndQuarrying",
	    "AtAPlaceOfBusiness",
	    "DebtBondage;PhysicalThreats;ExcessiveWorkingHours", "Police",
	    "Recruitment;Transportation", "Deception;ThreatOrUseOfForce",
	    "ForcedLabourOrServices",
	    { { "Recruitment", "CO", "Tumaco", 12, NULL, NULL, NULL },
	    { "Exploitation", "CO", "Segovia", 11, NULL, NULL, NULL } } },
	[R_GH_LAKE] = { "ForcedLabour", "A_AgricultureForestryAndFishing",
	    "ThroughFamilyOrFamilyEvents",
	    "ExcessiveWorkingHours;PhysicalAbuse;WithholdsNecessities",
	    "Outreach", "Recruitment;Transfer;Harbouring", NULL,
	    "ForcedLabourOrServices",
	    { { "Recruitment", "GH", "Kpando", 30, NULL, NULL, NULL },
	    { "Exploitation", "GH", "Yeji", 30, NULL, NULL, NULL } } },
	[R_ML_COCOA] = { "ForcedLabour", "A_AgricultureForestryAndFishing",
	    "ThroughFriendsOrSocialEvents",
	    "ExcessiveWorkingHours;TakesEarnings;RestrictsMovement", "NGO",
	    "Recruitment;Transportation;Receipt", NULL, "ForcedLabourOrServices",
	    { { "Recruitment", "ML", "Sikasso", 18, NULL, NULL, NULL },
	    { "Transit", "CI", "Korhogo", 18, "Bus", "Irregular", "None" },
	    { "Exploitation", "CI", "Daloa", 17, NULL, NULL, NULL } } },
	[R_DO_SEX] = { "SexualExploitation", NULL, "ThroughFriendsOrSocialEvents",
	    "DebtBondage;PsychologicalAbuse", "Police",
	    "Recruitment;Transportation;Harbouring",
	    "Deception;AbuseOfVulnerability", "SexualExploitation",
	    { { "Recruitment", "DO", "San Juan de la Maguana", 10, NULL, NULL,
	    NULL },
	    { "Exploitation", "DO", "Boca Chica", 9, NULL, NULL, NULL } } },
	[R_HT_HOME] = { "ForcedLabour", "T_ActivitiesOfHouseholdsAsEmployers",
	    "ThroughFamilyOrFamilyEvents",
	    "WithholdsDocuments;TakesEarnings;ThreatsLawEnforcement", "Hotline",
	    "Recruitment;Transportation;Harbouring",
	    "Deception;AbuseOfVulnerability", "ForcedLabourOrServices",
	    { { "Recruitment", "HT", "Ouanaminthe", 16, NULL, NULL, NULL },
	    { "Transit", "DO", "Dajabón", 16, "OnFoot", "Irregular", "None" },
	    { "Exploitation", "DO", "Santiago de los Caballeros", 15, NULL,
	    NULL, NULL } } },
	[R_NP_SEX] = { "SexualExploitation", NULL, "ThroughFriendsOrSocialEvents",
	    "DebtBondage;RestrictsMovement;PhysicalAbuse", "NGO",
	    "Recruitment;Transportation;Transfer",
	    "Deception;AbuseOfVulnerability", "SexualExploitation",
	    { { "Recruitment", "NP", "Sindhupalchok", 26, NULL, NULL, NULL },
	    { "Transit", "IN", "Raxaul", 26, "Bus", "Regular", "None" },
	    { "Exploitation", "IN", "Mumbai", 25, NULL, NULL, NULL } } },
	[R_NP_HOME] = { "ForcedLabour", "T_ActivitiesOfHouseholdsAsEmployers",
	    "ThroughFriendsOrSocialEvents",
	    "RestrictsMovement;TakesEarnings;WithholdsNecessities", "NGO",
	    "Recruitment;Transportation", "Deception", "ForcedLabourOrServices",
	    { { "Recruitment", "NP", "Makwanpur", 14, NULL, NULL, NULL },
	    { "Transit", "IN", "Raxaul", 14, "Bus", "Regular", "None" },
	    { "Exploitation", "IN", "Delhi", 13, NULL, NULL, NULL } } },
	[R_NP_CIRCUS] = { "ForcedLabour", "R_ArtsEntertainmentAndRecreation",
	    "ThroughFamilyOrFamilyEvents",
	    "RestrictsMovement;PhysicalAbuse;TakesEarnings", "Police",
	    "Recruitment;Transportation", NULL, "ForcedLabourOrServices",
	    { { "Recruitment", "NP", "Makwanpur", 1, NULL, NULL, NULL },
	    { "Transit", "NP", "Birgunj", 0, "Bus", NULL, NULL } } },
	[R_MD_RS] = { "SexualExploitation", NULL, "ThroughAnOnlineAdvertisement",
	    "DebtBondage;WithholdsDocuments;PhysicalThreats", "Police",
	    "Recruitment;Transportation;Transfer",
	    "Deception;AbuseOfVulnerability", "SexualExploitation",
	    { { "Recruitment", "MD", "Bălți", 7, NULL, NULL, NULL },
	    { "Transit", "RO", "Iași", 7, "Bus", "Regular", "Own" },
	    { "Exploitation", "RS", "Belgrade", 6, NULL, NULL, NULL } } },
	[R_MD_TR] = { "SexualExploitation", NULL, "ThroughFriendsOrSocialEvents",
	    "WithholdsDocuments;TakesEarnings", "SelfReferral",
	    "Recruitment;Transportation", "Deception", "SexualExploitation",
	    { { "Recruitment", "MD", "Cahul", 14, NULL, NULL, NULL },
	    { "Exploitation", "TR", "Istanbul", 13, NULL, NULL, NULL } } },
};

enum who {
	P_AUNG, P_SREYMOM, P_LUZ, P_YULIANA, P_MARISOL, P_DEISY, P_LEIDY,
	P_ANGIE, P_PAOLA, P_KATHERINE, P_YESENIA, P_DANIELA, P_SOKHA,
	P_CHANTHY, P_SREYPOV, P_BOPHA, P_MINTHU, P_ZAWLIN, P_YURANY, P_WILMER,
	P_KOFI, P_KWAME, P_YAW, P_ESI, P_SELORM, P_MOUSSA, P_ADAMA, P_MAMADOU,
	P_YOHANNA, P_MARIECLAIRE, P_ROSA, P_CARMEN, P_SITA, P_MAYA, P_ANITA,
	P_SUNITA, P_ANA, P_ELENA, P_NATALIA, P_IRINA, P_OLGA, P_TATIANA,
	P_VICTORIA, P_SVETLANA, P_MARIANA,
	P__MAX
};

#define F "Feminine"
#define M "Masculine"

static const struct person {
	const char *first, *last, *gender, *citizenship, *language;
	int age;		/* when trafficked */
	enum route_ix route;
	const char *more;	/* further members of the case file, JSON */
} people[P__MAX] = {
	[P_AUNG] = { "Aung", "Kyaw Min", M, "MM", "mya", 24, R_MM_FISH,
	    "{\"prs_MaritalStatus\":\"Single\","
	    "\"prs_MobilePhone\":\"+66812340001\","
	    "\"vic_RelationshipToTrafficker\":\"Acquainted\","
	    "\"perpetrators\":[{\"per_RoleInProcess\":"
	    "\"RecruiterOrIntermediary\",\"per_Gender\":\"Masculine\","
	    "\"per_AgeBand\":\"Age30To38\",\"per_Citizenship\":\"MM\"}],"
	    "\"comments\":[{\"com_CaseComment\":\"Referred by the marine "
	    "police after a port inspection.\"}]}" },
	[P_SREYMOM] = { "Sreymom", "Chan", F, "KH", "khm", 16, R_KH_SEX,
	    "{\"vic_RecruitmentWebsitesAndApps\":\"Facebook\"}" },
	[P_LUZ] = { "Luz Marina", "Rodríguez", F, "CO", "spa", 37, R_CO_HOME,
	    "{\"prs_NumberOfChildren\":\"2\","
	    "\"prs_MobilePhone\":\"+573001112233\"}" },
	[P_YULIANA] = { "Yuliana", "Cárdenas", F, "CO", "spa", 27, R_CO_TH,
	    NULL },
	[P_MARISOL] = { "Marisol", "Ospina", F, "CO", "spa", 26, R_CO_TH,
	    NULL },
	[P_DEISY] = { "Deisy", "Valencia", F, "CO", "spa", 25, R_CO_TH, NULL },
	[P_LEIDY] = { "Leidy Johana", "Quintero", F, "CO", "spa", 24, R_CO_TH,
	    NULL },
	[P_ANGIE] = { "Angie", "Mosquera", F, "CO", "spa", 23, R_CO_TH, NULL },
	[P_PAOLA] = { "Paola Andrea", "Restrepo", F, "CO", "spa", 22, R_CO_TH,
	    NULL },
	[P_KATHERINE] = { "Katherine", "Zapata", F, "CO", "spa", 29, R_CO_TH,
	    NULL },
	[P_YESENIA] = { "Yesenia", "Ríos", F, "CO", "spa", 31, R_CO_TH, NULL },
	[P_DANIELA] = { "Daniela", "Londoño", F, "CO", "spa", 21, R_CO_TH,
	    NULL },
	[P_SOKHA] = { "Sokha", "Chea", F, "KH", "khm", 34, R_KH_HOME, NULL },
	[P_CHANTHY] = { "Chanthy", "Meas", F, "KH", "khm", 28, R_KH_SEAFOOD,
	    NULL },
	[P_SREYPOV] = { "Srey Pov", "Keo", F, "KH", "khm", 11, R_KH_BEG, NULL },
	[P_BOPHA] = { "Bopha", "Sok", F, "KH", "khm", 19, R_KH_SEX, NULL },
	[P_MINTHU] = { "Min Thu", "Naing", M, "MM", "mya", 31, R_MM_FISH,
	    NULL },
	[P_ZAWLIN] = { "Zaw Lin", "Oo", M, "MM", "mya", 27, R_MM_FISH, NULL },
	[P_YURANY] = { "Yurany", "Palacios", F, "CO", "spa", 22, R_CO_SEX,
	    NULL },
	[P_WILMER] = { "Wilmer", "Asprilla", M, "CO", "spa", 34, R_CO_MINE,
	    NULL },
	[P_KOFI] = { "Kofi", "Mensah", M, "GH", "ewe", 10, R_GH_LAKE, NULL },
	[P_KWAME] = { "Kwame", "Agbeko", M, "GH", "ewe", 11, R_GH_LAKE, NULL },
	[P_YAW] = { "Yaw", "Dzokoto", M, "GH", "ewe", 12, R_GH_LAKE, NULL },
	[P_ESI] = { "Esi", "Adzo", F, "GH", "ewe", 9, R_GH_LAKE, NULL },
	[P_SELORM] = { "Selorm", "Amewu", M, "GH", "ewe", 11, R_GH_LAKE, NULL },
	[P_MOUSSA] = { "Moussa", "Traoré", M, "ML", "bam", 14, R_ML_COCOA,
	    NULL },
	[P_ADAMA] = { "Adama", "Coulibaly", M, "ML", "bam", 13, R_ML_COCOA,
	    NULL },
	[P_MAMADOU] = { "Mamadou", "Diarra", M, "ML", "bam", 15, R_ML_COCOA,
	    NULL },
	[P_YOHANNA] = { "Yohanna", "Peña", F, "DO", "spa", 19, R_DO_SEX, NULL },
	[P_MARIECLAIRE] = { "Marie-Claire", "Joseph", F, "HT", "hat", 26,
	    R_HT_HOME, NULL },
	[P_ROSA] = { "Rosa", "Almonte", F, "DO", "spa", 24, R_DO_SEX, NULL },
	[P_CARMEN] = { "Carmen", "Féliz", F, "DO", "spa", 20, R_DO_SEX, NULL },
	[P_SITA] = { "Sita", "Tamang", F, "NP", "nep", 15, R_NP_CIRCUS, NULL },
	[P_MAYA] = { "Maya", "Gurung", F, "NP", "nep", 23, R_NP_SEX, NULL },
	[P_ANITA] = { "Anita", "Rai", F, "NP", "nep", 19, R_NP_HOME, NULL },
	[P_SUNITA] = { "Sunita", "Lama", F, "NP", "nep", 21, R_NP_SEX, NULL },
	[P_ANA] = { "Ana", "Rusu", F, "MD", "ron", 22, R_MD_RS, NULL },
	[P_ELENA] = { "Elena", "Ciobanu", F, "MD", "ron", 25, R_MD_RS, NULL },
	[P_NATALIA] = { "Natalia", "Popa", F, "MD", "ron", 20, R_MD_RS, NULL },
	[P_IRINA] = { "Irina", "Munteanu", F, "MD", "ron", 27, R_MD_RS, NULL },
	[P_OLGA] = { "Olga", "Cebotari", F, "MD", "ron", 23, R_MD_RS, NULL },
	[P_TATIANA] = { "Tatiana", "Lungu", F, "MD", "ron", 24, R_MD_RS, NULL },
	[P_VICTORIA] = { "Victoria", "Ceban", F, "MD", "ron", 21, R_MD_RS,
	    NULL },
	[P_SVETLANA] = { "Svetlana", "Rotaru", F, "MD", "ron", 26, R_MD_RS,
	    NULL },
	[P_MARIANA] = { "Mariana", "Bivol", F, "MD", "ron", 30, R_MD_TR, NULL },
};

#undef F
#undef M

/* "A;B" as ["A","B"] (new reference). */
static json_t *
codes(const char *list)
{
	json_t *a = json_array();
	const char *p = list, *e;

	while (p && *p) {
		e = strchr(p, ';');
		json_array_append_new(a, json_stringn(p, e ? (size_t)(e - p) :
		    strlen(p)));
		p = e ? e + 1 : NULL;
	}
	return a;
}

/* The screening interview of p, with the caseworker's decision when
 * decided (new reference). */
static json_t *
screening(const struct person *p, bool decided)
{
	const struct route *rt = &routes[p->route];
	json_t *s = json_pack("{s:o,s:o,s:i,s:s}", "act", codes(rt->act),
	    "purpose", codes(rt->purpose), "age_at_act", p->age, "consent",
	    p->age < 18 ? "NotAsked" : "No");

	if (rt->means)
		json_object_set_new(s, "means", codes(rt->means));
	if (decided)
		json_object_set_new(s, "decision", json_pack("{s:s}",
		    "final_status", "ActualVictimOfTrafficking"));
	return s;
}

/* A consent record: all that the person was told, and whether they agree
 * to their case going to law enforcement (NULL: not asked). */
static json_t *
consent(const char *law_enforcement)
{
	json_t *c = json_pack("{s:s,s:s,s:s,s:s,s:s,s:s,s:s}",
	    "con_ConsentToInterview", "Yes", "con_InformedOfPurpose", "Yes",
	    "con_InformedOfDataUse", "Yes", "con_InformedOfResearchUse", "Yes",
	    "con_InformedOfRightToRequestData", "Yes",
	    "con_InformedOfStoragePeriod", "Yes", "con_InformedOfWithdrawal",
	    "Yes");

	if (law_enforcement)
		json_object_set_new(c, "con_ConsentToShareWithLawEnforcement",
		    json_string(law_enforcement));
	return c;
}

/*
 * The case file of p as the caseworker first writes it: identified on
 * day ident, the trafficking process dated back from it, the interview
 * not decided yet; le: the consent's answer on law enforcement (NULL:
 * not asked). New reference, NULL when more is not JSON.
 */
static json_t *
case_file(const struct person *p, const char *ident, const char *le)
{
	const struct route *rt = &routes[p->route];
	json_t *f, *events, *e, *more;
	char when[8], birth[8], age[8];
	size_t i;

	snprintf(age, sizeof(age), "%d", p->age);
	f = json_pack("{s:s,s:s,s:s,s:s,s:s,s:s,s:s,s:s,s:s,s:s}",
	    "prs_FirstName", p->first, "prs_SecondName", p->last,
	    "prs_Gender", p->gender, "prs_Citizenship", p->citizenship,
	    "prs_PrimaryLanguage", p->language,
	    "vic_TypeOfExploitation", rt->exploitation,
	    "vic_MethodsOfControl", rt->control,
	    "vic_AgeWhenTrafficked", age,
	    "idn_DateIdentified", ident, "idn_HowIdentified", rt->found_by);
	if (rt->industry)
		json_object_set_new(f, "vic_ForcedLabourIndustry",
		    json_string(rt->industry));
	if (rt->recruitment)
		json_object_set_new(f, "vic_MethodOfRecruitment",
		    json_string(rt->recruitment));
	events = json_array();
	for (i = 0; i < ARRAY_SIZE(rt->ev) && rt->ev[i].type; i++) {
		const struct event *v = &rt->ev[i];

		month_before(ident, v->months, when);
		if (i == 0) {
			/* Born in the year that makes the age fit. */
			snprintf(birth, sizeof(birth), "%04u",
			    (unsigned)(strtol(when, NULL, 10) - p->age) %
			    10000u);
			json_object_set_new(f, "prs_Birthdate",
			    json_string(birth));
		}
		e = json_pack("{s:s,s:s,s:s,s:s}", "hte_Type", v->type,
		    "hte_Country", v->country, "hte_City", v->city, "hte_Date",
		    when);
		if (v->transport)
			json_object_set_new(e, "hte_MeansOfTransport",
			    json_string(v->transport));
		if (v->crossing)
			json_object_set_new(e, "hte_BorderCrossing",
			    json_string(v->crossing));
		if (v->documents)
			json_object_set_new(e, "hte_DocumentsUsed",
			    json_string(v->documents));
		json_array_append_new(events, e);
	}
	json_object_set_new(f, "events", events);
	json_object_set_new(f, "consents", json_pack("[o]", consent(le)));
	json_object_set_new(f, "screening", screening(p, false));
	if (p->more) {
		if ((more = json_loads(p->more, 0, NULL)) == NULL) {
			json_decref(f);
			error("demo: the case file of %s is not JSON", p->first);
			return NULL;
		}
		json_object_update(f, more);
		json_decref(more);
	}
	return f;
}

/* --- journeys --- */

/* How far a journey has gone. */
enum stage {
	J_IDENTIFIED,	/* registered, the case file written */
	J_SCREENED,	/* and the screening decided */
	J_SHELTERED,	/* the same, in a shelter now */
	J_FUNDED,	/* a fund request, as its ask says */
	J_REQUESTED,	/* the return asked for */
	J_COUNSELLED,
	J_PLANNED,
	J_DEPARTED,	/* and the handover asked for, waiting */
	J_ARRIVED,	/* handed over (or at home) and received */
	J_VISITS,	/* the reintegration plan and its visits */
	J_CLOSED	/* the outcome recorded, the case closed */
};

#define J_SHELTER	0x01	/* admitted to a shelter at registration */
#define J_HEALTH	0x02	/* a medical screening the next day */
#define J_HIGH		0x04	/* assessed at high risk at registration */
#define J_LAW		0x08	/* a statement to the police: consent,
				 * referral, disclosure, high risk */
#define J_HOME		0x10	/* no return: reintegrated where found */
#define J_RECEIVE	0x20	/* a shelter at destination on arrival */

/* Where a fund request ends. */
enum ask_end {
	A_NONE,		/* no request */
	A_WAITS,	/* submitted, waiting for a decision */
	A_NEED_INFO,	/* sent back for more information */
	A_REJECTED,
	A_APPROVED,	/* committed, not paid yet */
	A_PAID,
	A_COMPLETED	/* sent back, completed, approved and paid */
};

struct ask {
	enum ask_end end;
	const char *type, *amount, *currency;
	enum proj project;	/* charged to when approved */
	const char *approved;	/* a part of the amount; NULL: all of it */
	const char *reason;	/* of the question or refusal */
};

/* Travel home. */
enum travel { T_NONE, T_CO, T_KH, T_MM, T_GH, T_ML, T_NP, T_MD, T__MAX };

static const struct {
	const char *country;
	struct leg {
		const char *from, *to, *from_place, *to_place, *means;
		int dep, arr;	/* days after the day of departure */
	} legs[2];
} travels[T__MAX] = {
	[T_CO] = { "CO", { { "TH", "CO", "Bangkok", "Bogotá", "Air", 0, 1 } } },
	[T_KH] = { "KH", { { "TH", "KH", "Bangkok", "Battambang", "Bus", 0,
	    0 } } },
	[T_MM] = { "MM", { { "TH", "MM", "Mae Sot", "Myawaddy", "Car", 0,
	    0 } } },
	[T_GH] = { "GH", { { "GH", "GH", "Yeji", "Makango", "Boat", 0, 0 },
	    { "GH", "GH", "Makango", "Kpando", "Bus", 0, 0 } } },
	[T_ML] = { "ML", { { "CI", "ML", "Korhogo", "Sikasso", "Bus", 0,
	    1 } } },
	[T_NP] = { "NP", { { "IN", "IN", "Mumbai", "Gorakhpur", "Train", 0, 1 },
	    { "IN", "NP", "Gorakhpur", "Bhairahawa", "Bus", 1, 1 } } },
	[T_MD] = { "MD", { { "RS", "MD", "Belgrade", "Chișinău", "Air", 0,
	    0 } } },
};

struct journey {
	const char *office;	/* registers the case and assists */
	enum who person;
	int start;		/* registered, days before the demo's day */
	enum stage stage;
	unsigned flags;
	struct ask fund;	/* asked before any return */
	enum travel travel;
	const char *dest;	/* the office at destination */
	const char *decline;	/* why it declines the handover asked
				 * for before departure; NULL: accepted */
	const char *plan;	/* the reintegration plan's type */
	struct ask reint;	/* asked for the plan */
	int done, missed;	/* visits done, then visits missed */
	const char *outcome;	/* of the reintegration, closing the case */
};

#define ASK(end, type, amount, cur, project) \
	{ end, type, amount, cur, project, NULL, NULL }

/*
 * The journeys. Day 0 is the registration (start days before the demo's
 * day); then screening on day 2, a fund request on day 5 decided one to
 * three days later and paid two days after, the return asked on day 12, counselling on day 15,
 * the travel plan on day 19, departure on day 24, arrival and reception
 * at destination (day 24 or 25), a reintegration plan four days later
 * and its visits at 1, 3, 6 and 12 months from the arrival.
 */
static const struct journey journeys[] = {
	/* Identified, not screened yet. */
	{ .office = "BKK", .person = P_SREYMOM, .start = 2,
	    .stage = J_IDENTIFIED },
	{ .office = "BOG", .person = P_LUZ, .start = 1,
	    .stage = J_IDENTIFIED },
	{ .office = "KTM", .person = P_SITA, .start = 3,
	    .stage = J_IDENTIFIED, .flags = J_SHELTER | J_HIGH },

	/* Screened. Aung gives the police a statement, is referred with
	 * his consent, and is then threatened: high-risk. */
	{ .office = "BKK", .person = P_AUNG, .start = 30,
	    .stage = J_SCREENED, .flags = J_SHELTER | J_LAW },
	{ .office = "ACC", .person = P_KOFI, .start = 4,
	    .stage = J_SCREENED, .flags = J_SHELTER },
	{ .office = "SDQ", .person = P_YOHANNA, .start = 5,
	    .stage = J_SCREENED },

	/* In a shelter. */
	{ .office = "BKK", .person = P_YULIANA, .start = 4,
	    .stage = J_SHELTERED, .flags = J_SHELTER | J_HEALTH },
	{ .office = "BKK", .person = P_SOKHA, .start = 3,
	    .stage = J_SHELTERED, .flags = J_SHELTER | J_HEALTH },
	{ .office = "BEG", .person = P_ANA, .start = 2,
	    .stage = J_SHELTERED, .flags = J_SHELTER },

	/* Fund requests at each of their states. */
	{ .office = "BKK", .person = P_MARISOL, .start = 8,
	    .stage = J_FUNDED, .flags = J_SHELTER | J_HEALTH,
	    .fund = ASK(A_WAITS, "return", "850", "USD", PJ_GAF) },
	{ .office = "BKO", .person = P_MOUSSA, .start = 6,
	    .stage = J_FUNDED,
	    .fund = ASK(A_WAITS, "medical", "420", "USD", PJ_MALI) },
	{ .office = "KTM", .person = P_MAYA, .start = 7,
	    .stage = J_FUNDED,
	    .fund = ASK(A_WAITS, "return", "380", "USD", PJ_NEPAL) },
	{ .office = "BOG", .person = P_YURANY, .start = 9,
	    .stage = J_FUNDED,
	    .fund = { A_NEED_INFO, "reintegration", "1500", "USD", PJ_COLOMBIA,
	    NULL, "Send the quote for the sewing machine and the enrolment "
	    "letter of the training centre." } },
	{ .office = "SDQ", .person = P_MARIECLAIRE, .start = 10,
	    .stage = J_FUNDED,
	    .fund = { A_NEED_INFO, "return", "450", "USD", PJ_DR, NULL,
	    "Who receives her in Haiti, and has her family been traced? "
	    "Send the family assessment." } },
	{ .office = "BKK", .person = P_MINTHU, .start = 12,
	    .stage = J_FUNDED, .flags = J_SHELTER,
	    .fund = { A_REJECTED, "protection", "300", "USD", PJ_GAF, NULL,
	    "The fund assists trafficked women and children; the Thai "
	    "shelter for men covers his stay. Nothing more is needed from "
	    "the fund." } },
	{ .office = "KIV", .person = P_MARIANA, .start = 20,
	    .stage = J_FUNDED,
	    .fund = { A_REJECTED, "reintegration", "6000", "USD", PJ_MOLDOVA,
	    NULL, "Most of the amount is for a car, which the programme's "
	    "micro-enterprise grants do not cover; ask again for the "
	    "training and the tools." } },
	{ .office = "ACC", .person = P_KWAME, .start = 9,
	    .stage = J_FUNDED, .flags = J_SHELTER,
	    .fund = ASK(A_APPROVED, "return", "2400", "GHS", PJ_YEJI) },
	{ .office = "BEG", .person = P_ELENA, .start = 8,
	    .stage = J_FUNDED, .flags = J_SHELTER,
	    .fund = { A_APPROVED, "return", "1100", "USD", PJ_BALKANS, "900",
	    "Approved for the flight and the escort; the allowance is paid "
	    "in Chișinău from the Moldova programme." } },
	{ .office = "BKK", .person = P_CHANTHY, .start = 14,
	    .stage = J_FUNDED, .flags = J_SHELTER | J_HEALTH,
	    .fund = ASK(A_PAID, "medical", "640", "USD", PJ_MEKONG) },
	{ .office = "BOG", .person = P_WILMER, .start = 16,
	    .stage = J_FUNDED,
	    .fund = ASK(A_PAID, "protection", "700", "USD", PJ_COLOMBIA) },
	{ .office = "SDQ", .person = P_ROSA, .start = 20,
	    .stage = J_FUNDED,
	    .fund = ASK(A_PAID, "protection", "520", "USD", PJ_DR) },

	/* A return asked for. Zaw Lin goes home to Myanmar, received by
	 * the Bangkok mission itself. */
	{ .office = "BKK", .person = P_DEISY, .start = 14,
	    .stage = J_REQUESTED, .flags = J_SHELTER,
	    .fund = ASK(A_PAID, "return", "900", "USD", PJ_GAF),
	    .travel = T_CO, .dest = "BOG" },
	{ .office = "BKK", .person = P_ZAWLIN, .start = 15,
	    .stage = J_REQUESTED, .flags = J_SHELTER,
	    .travel = T_MM, .dest = "BKK" },
	{ .office = "ACC", .person = P_YAW, .start = 13,
	    .stage = J_REQUESTED, .flags = J_SHELTER,
	    .fund = ASK(A_PAID, "return", "2200", "GHS", PJ_YEJI),
	    .travel = T_GH, .dest = "ACC" },

	/* Counselled before departure. */
	{ .office = "BKK", .person = P_SREYPOV, .start = 17,
	    .stage = J_COUNSELLED, .flags = J_SHELTER | J_HEALTH,
	    .fund = ASK(A_PAID, "return", "260", "USD", PJ_MEKONG),
	    .travel = T_KH, .dest = "BKK" },
	{ .office = "BEG", .person = P_NATALIA, .start = 18,
	    .stage = J_COUNSELLED, .flags = J_SHELTER,
	    .fund = ASK(A_PAID, "return", "950", "USD", PJ_BALKANS),
	    .travel = T_MD, .dest = "KIV" },
	/* The handover asked for after counselling, declined. */
	{ .office = "BEG", .person = P_OLGA, .start = 20,
	    .stage = J_COUNSELLED, .flags = J_SHELTER,
	    .fund = ASK(A_PAID, "return", "950", "USD", PJ_BALKANS),
	    .travel = T_MD, .dest = "KIV",
	    .decline = "She told our counsellor she will live with her sister "
	    "in Iași, not in Moldova: agree the destination with her first." },

	/* The travel planned. */
	{ .office = "KTM", .person = P_ANITA, .start = 22,
	    .stage = J_PLANNED,
	    .fund = ASK(A_PAID, "return", "340", "USD", PJ_NEPAL),
	    .travel = T_NP, .dest = "KTM" },
	{ .office = "BKO", .person = P_ADAMA, .start = 23,
	    .stage = J_PLANNED,
	    .fund = ASK(A_PAID, "return", "310", "USD", PJ_MALI),
	    .travel = T_ML, .dest = "BKO" },
	/* The handover asked for before departure, declined. */
	{ .office = "BKK", .person = P_YESENIA, .start = 23,
	    .stage = J_PLANNED, .flags = J_SHELTER,
	    .fund = ASK(A_PAID, "return", "880", "USD", PJ_GAF),
	    .travel = T_CO, .dest = "BOG",
	    .decline = "She has not left yet: ask again on the day she "
	    "departs, with her flight, so that we meet her at the airport." },

	/* Departed, the handover waiting for the destination. */
	{ .office = "BKK", .person = P_LEIDY, .start = 25,
	    .stage = J_DEPARTED, .flags = J_SHELTER,
	    .fund = ASK(A_PAID, "return", "820", "USD", PJ_GAF),
	    .travel = T_CO, .dest = "BOG" },
	{ .office = "BKK", .person = P_KATHERINE, .start = 26,
	    .stage = J_DEPARTED, .flags = J_SHELTER,
	    .fund = ASK(A_PAID, "return", "870", "USD", PJ_GAF),
	    .travel = T_CO, .dest = "BOG" },
	{ .office = "BEG", .person = P_IRINA, .start = 27,
	    .stage = J_DEPARTED, .flags = J_SHELTER,
	    .fund = ASK(A_PAID, "return", "980", "USD", PJ_BALKANS),
	    .travel = T_MD, .dest = "KIV" },

	/* Handed over and arrived. */
	{ .office = "BKK", .person = P_ANGIE, .start = 33,
	    .stage = J_ARRIVED, .flags = J_SHELTER | J_RECEIVE,
	    .fund = { A_COMPLETED, "return", "860", "USD", PJ_GAF, NULL,
	    "Is the escort needed for the whole journey? Give the cost of "
	    "each leg." },
	    .travel = T_CO, .dest = "BOG" },
	{ .office = "BEG", .person = P_TATIANA, .start = 28,
	    .stage = J_ARRIVED, .flags = J_SHELTER | J_RECEIVE,
	    .fund = ASK(A_PAID, "return", "960", "USD", PJ_BALKANS),
	    .travel = T_MD, .dest = "KIV" },

	/* Reintegration under way: a visit due soon, one overdue. */
	{ .office = "BKK", .person = P_DANIELA, .start = 105,
	    .stage = J_VISITS, .flags = J_SHELTER,
	    .fund = ASK(A_PAID, "return", "840", "USD", PJ_GAF),
	    .travel = T_CO, .dest = "BOG", .plan = "Livelihood",
	    .reint = ASK(A_PAID, "reintegration", "1400", "USD", PJ_COLOMBIA),
	    .done = 1 },
	{ .office = "BEG", .person = P_VICTORIA, .start = 134,
	    .stage = J_VISITS, .flags = J_SHELTER | J_RECEIVE,
	    .fund = ASK(A_PAID, "return", "940", "USD", PJ_BALKANS),
	    .travel = T_MD, .dest = "KIV", .plan = "Livelihood",
	    .reint = ASK(A_PAID, "reintegration", "2000", "USD", PJ_MOLDOVA),
	    .done = 1 },
	{ .office = "ACC", .person = P_ESI, .start = 199,
	    .stage = J_VISITS, .flags = J_SHELTER,
	    .fund = ASK(A_PAID, "return", "2100", "GHS", PJ_YEJI),
	    .travel = T_GH, .dest = "ACC", .plan = "Education",
	    .reint = ASK(A_PAID, "reintegration", "240", "USD", PJ_YEJI),
	    .done = 2 },
	{ .office = "KTM", .person = P_SUNITA, .start = 67,
	    .stage = J_VISITS,
	    .fund = ASK(A_PAID, "return", "360", "USD", PJ_NEPAL),
	    .travel = T_NP, .dest = "KTM", .plan = "SexualExploitationRehabilitation",
	    .done = 0 },

	/* Closed, with each outcome. */
	{ .office = "BKK", .person = P_PAOLA, .start = 405,
	    .stage = J_CLOSED, .flags = J_SHELTER,
	    .fund = ASK(A_PAID, "return", "800", "USD", PJ_GAF),
	    .travel = T_CO, .dest = "BOG", .plan = "Livelihood",
	    .reint = ASK(A_PAID, "reintegration", "1600", "USD", PJ_COLOMBIA),
	    .done = 4, .outcome = "SustainablyReintegrated" },
	{ .office = "ACC", .person = P_SELORM, .start = 425,
	    .stage = J_CLOSED, .flags = J_SHELTER,
	    .fund = ASK(A_PAID, "return", "1900", "GHS", PJ_YEJI),
	    .travel = T_GH, .dest = "ACC", .plan = "Education",
	    .reint = ASK(A_PAID, "reintegration", "230", "USD", PJ_YEJI),
	    .done = 4, .outcome = "SustainablyReintegrated" },
	{ .office = "BKO", .person = P_MAMADOU, .start = 245,
	    .stage = J_CLOSED,
	    .fund = ASK(A_PAID, "return", "300", "USD", PJ_MALI),
	    .travel = T_ML, .dest = "BKO", .plan = "Education",
	    .reint = ASK(A_PAID, "reintegration", "650", "USD", PJ_MALI),
	    .done = 3, .outcome = "InProgress" },
	{ .office = "BEG", .person = P_SVETLANA, .start = 175,
	    .stage = J_CLOSED, .flags = J_SHELTER | J_RECEIVE,
	    .fund = ASK(A_PAID, "return", "990", "USD", PJ_BALKANS),
	    .travel = T_MD, .dest = "KIV", .plan = "Livelihood",
	    .reint = ASK(A_PAID, "reintegration", "1800", "USD", PJ_MOLDOVA),
	    .done = 2, .outcome = "ReTrafficked" },
	{ .office = "SDQ", .person = P_CARMEN, .start = 260,
	    .stage = J_CLOSED, .flags = J_HOME,
	    .fund = ASK(A_PAID, "reintegration", "900", "USD", PJ_DR),
	    .plan = "Livelihood", .done = 1, .missed = 2,
	    .outcome = "LostContact" },
	{ .office = "BKK", .person = P_BOPHA, .start = 285,
	    .stage = J_CLOSED, .flags = J_SHELTER,
	    .fund = ASK(A_PAID, "return", "280", "USD", PJ_MEKONG),
	    .travel = T_KH, .dest = "BKK", .plan = "Livelihood",
	    .reint = ASK(A_PAID, "reintegration", "700", "USD", PJ_MEKONG),
	    .done = 3, .outcome = "MovedAway" },
};

/* The staff of an office, what it pays for a first counselling session,
 * and the organisation that gives it. */
static const struct {
	const char *office, *cw, *mgr, *cost, *currency;
	enum org provider;
	const char *shelter, *men;	/* women's and children's, men's */
} staff[] = {
	{ "BKK", "caseworker", "manager", "1200", "THB", O_TH_SHELTER,
	    "Bangkok shelter", "Pathum Thani shelter for men" },
	{ "BOG", "caseworker.bog", "manager.bog", "180000", "COP", O_CO_NGO,
	    "Casa de acogida Bogotá", NULL },
	{ "ACC", "caseworker.acc", "manager.acc", "350", "GHS", O_GH_WELFARE,
	    "Yeji children's shelter", NULL },
	{ "BKO", "caseworker.bko", "manager.bko", "25000", "XOF", O_ML_CHILD,
	    NULL, NULL },
	{ "SDQ", "caseworker.sdq", "manager.sdq", "3500", "DOP", O_DO_NGO,
	    NULL, NULL },
	{ "KTM", "caseworker.ktm", "manager.ktm", "4000", "NPR", O_NP_NGO,
	    "Kathmandu transit home", NULL },
	{ "BEG", "caseworker.beg", "manager.beg", "5000", "RSD", O_RS_CENTRE,
	    "Belgrade shelter", NULL },
	{ "KIV", "caseworker.kiv", "manager.kiv", "900", "MDL", O_MD_CENTRE,
	    "Chișinău assistance and protection centre", NULL },
};

static int
staff_of(const char *office)
{
	size_t i;

	for (i = 0; office && i < ARRAY_SIZE(staff); i++)
		if (strcmp(staff[i].office, office) == 0)
			return (int)i;
	return -1;
}

/* --- the steps --- */

static int
reload(struct demo *d, struct case_row *c)
{
	return db_case_get(d->app->db, c->id, c) == DB_OK ? 0 :
	    error("demo: case %s is gone", c->number);
}

/* Writes doc (stolen) over case c's file as r, through the checks of
 * the API; c is reloaded. */
static int
save_file(struct demo *d, struct req *r, struct case_row *c, json_t *doc)
{
	json_t *cur, *merged, *next = NULL, *errors = NULL;
	int rc = -1;

	if (r == NULL || doc == NULL)
		goto out;
	if ((cur = casefile_load(r, c)) == NULL) {
		error("demo: the case file of %s cannot be read", c->number);
		goto out;
	}
	merged = json_deep_copy(cur);
	json_object_update(merged, doc);
	next = casefile_check(r, c, merged, cur, &errors);
	json_decref(merged);
	if (next == NULL) {
		char *e = errors ? json_dumps(errors, JSON_COMPACT) : NULL;

		error("demo: the case file of %s does not pass the checks: %s",
		    c->number, e ? e : "internal error");
		free(e);
	} else if (casefile_save(r, c, c->version, cur, next) == DB_OK) {
		rc = reload(d, c);
	}
	json_decref(cur);
	json_decref(next);
	json_decref(errors);
out:
	json_decref(doc);
	return rc;
}

/* A record of kind k on case c as r from in (stolen): *id 0 for a new
 * one, else a change of record *id at version. c is reloaded. */
static int
record(struct demo *d, struct req *r, const struct rec_kind *k,
    struct case_row *c, int64_t *id, int version, json_t *in)
{
	json_t *errors = NULL;
	const char *warning = NULL;
	int rc = -1;

	if (r && in)
		rc = caserec_save(r, k, c, id, version, in, false, &errors,
		    &warning);
	if (rc != 0) {
		char *e = errors ? json_dumps(errors, JSON_COMPACT) : NULL;

		error("demo: a %s record of %s was refused: %s", k->name,
		    c->number, e ? e : "");
		free(e);
	}
	json_decref(in);
	json_decref(errors);
	return rc == 0 ? reload(d, c) : -1;
}

/* A step of moves.h: rc and e as it returned them. */
static int
moved(struct demo *d, struct case_row *c, int rc, const struct moves_err *e,
    const char *what)
{
	if (rc != 0)
		return error("demo: %s of %s refused: %s", what, c->number,
		    rc > 0 && e->msg ? e->msg : "failure");
	return reload(d, c);
}

static int
funded(int rc, const struct fund_problem *p, const char *what,
    const struct case_row *c)
{
	if (rc != 0)
		return error("demo: %s for %s refused: %s", what, c->number,
		    rc > 0 && p->msg ? p->msg : "failure");
	return 0;
}

static const struct {
	const char *type, *why, *approval;
} fund_texts[] = {
	{ "return", "Travel home with an escort, the travel documents and an "
	    "allowance for the first weeks.",
	    "Within the fund's rules for returns." },
	{ "medical", "Treatment at the district hospital that the shelter "
	    "cannot cover: consultations, tests and medicines.",
	    "Within the fund's rules for medical care." },
	{ "protection", "Safe accommodation, food and transport to the "
	    "hearings while the person gives evidence.",
	    "Within the fund's rules for protection." },
	{ "reintegration", "The start-up package of the reintegration plan: "
	    "training fees, tools and three months' allowance.",
	    "Within the fund's rules for reintegration, as planned." },
};

static int
fund_text(const char *type)
{
	size_t i;

	for (i = 0; i < ARRAY_SIZE(fund_texts); i++)
		if (strcmp(fund_texts[i].type, type) == 0)
			return (int)i;
	return 0;
}

/*
 * Asks the fund as the caseworker cw on day k of a journey started
 * start days ago, and takes the request as far as a says: decided by the
 * programme manager one to three days later, paid two days after that
 * (or asked again the day after a question, decided two days later, paid
 * two days after). *last is the day of the last step.
 */
static int
ask_fund(struct demo *d, const char *cw, struct case_row *c,
    const struct ask *a, int64_t project, int start, int k, int *last)
{
	const char *decision = "approve", *reason;
	char amount[FUND_AMOUNT_STR], day[DATE_SIZE];
	struct fund_problem p;
	struct req *r;
	int64_t id = 0;
	int t = fund_text(a->type), wait;

	*last = k;
	if ((r = as(d, cw, start - k, 1000)) == NULL ||
	    funded(fund_request_submit(r, c, a->type, a->amount, a->currency,
	    fund_texts[t].why, &id, &p), &p, "a fund request", c) < 0)
		return -1;
	if (a->end == A_WAITS)
		return 0;
	/* Headquarters takes its time, not always the same. */
	wait = a->end == A_COMPLETED ? 1 : 1 + (start + k) % 3;
	*last = k += wait;
	reason = a->reason ? a->reason : fund_texts[t].approval;
	if (a->end == A_NEED_INFO || a->end == A_COMPLETED)
		decision = "need-info";
	else if (a->end == A_REJECTED)
		decision = "reject";
	if ((r = as(d, "programme", start - k, 1100 + 100 * (start % 6))) ==
	    NULL || funded(fund_request_decide(r, id, decision, a->approved,
	    project, reason, &p), &p, decision, c) < 0)
		return -1;
	if (a->end == A_NEED_INFO || a->end == A_REJECTED)
		return 0;
	if (a->end == A_COMPLETED) {
		*last = ++k;
		if ((r = as(d, cw, start - k, 1100)) == NULL ||
		    funded(fund_request_resubmit(r, id, NULL, "The escort goes "
		    "with her to Bogotá: 620 for the flights, 240 for the "
		    "escort's return.", &p), &p, "completing a fund request",
		    c) < 0)
			return -1;
		*last = k += 2;
		if ((r = as(d, "programme", start - k, 1500)) == NULL ||
		    funded(fund_request_decide(r, id, "approve", NULL, project,
		    fund_texts[t].approval, &p), &p, "approve", c) < 0)
			return -1;
	}
	if (a->end == A_APPROVED)
		return 0;
	*last = k += 2;
	ymd(d, start - k, day);
	snprintf(amount, sizeof(amount), "%s", a->approved ? a->approved :
	    a->amount);
	if ((r = as(d, "programme", start - k, 1600)) == NULL)
		return -1;
	return funded(fund_disburse(r, id, amount, day, NULL, &p), &p,
	    "a disbursement", c);
}

/* A step of the return (stage, on the day ago) as r. */
static int
return_step(struct demo *d, struct req *r, struct case_row *c,
    const char *stage, int ago, json_t *more)
{
	struct moves_err e;
	char day[DATE_SIZE];
	json_t *in;
	int rc;

	ymd(d, ago, day);
	in = json_pack("{s:s,s:s}", "stage", stage, "date", day);
	if (more) {
		json_object_update(in, more);
		json_decref(more);
	}
	rc = r ? moves_return_stage(r, c, in, &e) : -1;
	json_decref(in);
	return moved(d, c, rc, &e, stage);
}

/* The travel legs home, leaving on the day ago (new reference). */
static json_t *
legs(struct demo *d, enum travel t, int ago)
{
	json_t *a = json_array();
	char dep[DATE_SIZE], arr[DATE_SIZE];
	size_t i;

	for (i = 0; i < ARRAY_SIZE(travels[t].legs) &&
	    travels[t].legs[i].from; i++) {
		const struct leg *l = &travels[t].legs[i];

		ymd(d, ago - l->dep, dep);
		ymd(d, ago - l->arr, arr);
		json_array_append_new(a, json_pack("{s:s,s:s,s:s,s:s,s:s,s:s,"
		    "s:s,s:s,s:s}", "from_country", l->from, "to_country",
		    l->to, "from_place", l->from_place, "to_place",
		    l->to_place, "departure_date", dep, "arrival_date", arr,
		    "means_of_transport", l->means, "escort", "Staff",
		    "documents_used", "Own"));
	}
	return a;
}

/* The day the travel of t arrives, in days after its departure. */
static int
travel_days(enum travel t)
{
	size_t i;
	int n = 0;

	for (i = 0; i < ARRAY_SIZE(travels[t].legs) &&
	    travels[t].legs[i].from; i++)
		n = travels[t].legs[i].arr;
	return n;
}

/* Asks for the handover of c to office as r; *id is the transfer. */
static int
handover(struct demo *d, struct req *r, struct case_row *c,
    const char *office, bool confirm, int64_t *id)
{
	struct moves_err e;
	json_t *in = json_pack("{s:s,s:b}", "to_office", office, "confirm",
	    confirm);
	int rc = r ? moves_transfer_request(r, c, in, id, &e) : -1;

	json_decref(in);
	return moved(d, c, rc, &e, "handover request");
}

/* The destination's manager's answer to handover id. */
static int
answer(struct demo *d, struct req *r, struct case_row *c, int64_t id,
    json_t *in)
{
	struct moves_err e;
	int rc = r ? moves_transfer_decide(r, id, in, &e) : -1;

	json_decref(in);
	return moved(d, c, rc, &e, "handover decision");
}

static const struct {
	const char *plan, *objectives, *training, *grant, *visit;
} plans[] = {
	{ "Livelihood", "A trade and an income of her own, near her family.",
	    "VocationalTraining", "MicroEnterpriseGrant",
	    "Visited at home; attending the training, the small business is "
	    "starting." },
	{ "Education", "Back with the family and at school; the parents "
	    "helped to earn a living without the child's work.", "Education",
	    "FamilyTracing",
	    "Visited at home and at school: living with the family, "
	    "attending classes." },
	{ "SexualExploitationRehabilitation", "Counselling, health care and "
	    "a trade, with her family's support.", "Counselling",
	    "VocationalTraining",
	    "Visited at home; counselling sessions kept, training started." },
};

static const struct {
	const char *outcome, *note;
} outcome_notes[] = {
	{ "SustainablyReintegrated", "Twelve months on: settled with the "
	    "family, an income of their own, no sign of risk." },
	{ "InProgress", "The district child protection service takes over the "
	    "follow-up; the school fees are paid for the year." },
	{ "ReTrafficked", "The family says she left again with a recruiter "
	    "promising work abroad; the police have been told." },
	{ "MovedAway", "Has moved to the capital for work in a garment "
	    "factory; can still be reached by phone." },
	{ "LostContact", "Nobody at the address; the phone number no longer "
	    "answers." },
};

static int
plan_of(const char *type)
{
	size_t i;

	for (i = 0; type && i < ARRAY_SIZE(plans); i++)
		if (strcmp(plans[i].plan, type) == 0)
			return (int)i;
	return 0;
}

static const char *
outcome_note(const char *outcome)
{
	size_t i;

	for (i = 0; outcome && i < ARRAY_SIZE(outcome_notes); i++)
		if (strcmp(outcome_notes[i].outcome, outcome) == 0)
			return outcome_notes[i].note;
	return NULL;
}

/*
 * The monitoring visits of c as the caseworker cw: the first j->done
 * done on their day, the next j->missed recorded as missed a week after
 * it, as far as the demo's day allows. *last is the day (ago) of the
 * last one recorded, unchanged when none was.
 */
static int
visits(struct demo *d, const struct journey *j, const char *cw,
    struct case_row *c, int *last)
{
	struct req *r = as(d, cw, 0, 0);
	json_t *vs, *v, *in;
	struct moves_err e;
	const char *note;
	size_t i;
	int rc = 0, ago, n = j->done + j->missed;

	if (r == NULL || (vs = moves_visits_json(r, c)) == NULL)
		return -1;
	json_array_foreach(vs, i, v) {
		const char *due = json_string_value(json_object_get(v,
		    "due_on"));
		bool done = (int)i < j->done;

		if ((int)i >= n || due == NULL)
			break;
		ago = (int)(d->today - date_day_number(due)) - (done ? 0 : 7);
		if (ago < 0)
			break;
		note = done ? plans[plan_of(j->plan)].visit :
		    outcome_note("LostContact");
		if ((int)i + 1 == n && outcome_note(j->outcome))
			note = outcome_note(j->outcome);
		if ((r = as(d, cw, ago, 1100)) == NULL) {
			rc = -1;
			break;
		}
		if (done) {
			char day[DATE_SIZE];

			ymd(d, ago, day);
			in = json_pack("{s:s,s:s,s:s}", "status", "Done", "date",
			    day, "notes", note);
		} else {
			in = json_pack("{s:s,s:s}", "status", "Missed", "notes",
			    note);
		}
		rc = moves_visit_record(r, 0, json_integer_value(
		    json_object_get(v, "id")), in, &e);
		json_decref(in);
		if ((rc = moved(d, c, rc, &e, "a visit")) < 0)
			break;
		*last = ago;
	}
	json_decref(vs);
	return rc;
}

/* The reintegration plan of j for c, made by cw on the day ago, with
 * its packages, and the case in follow-up. */
static int
reint_plan(struct demo *d, const struct journey *j, const char *cw,
    struct case_row *c, int ago)
{
	struct moves_err e;
	struct req *r = as(d, cw, ago, 1000);
	const char *pkg = j->outcome ? "Delivered" : "InProgress";
	char day[DATE_SIZE];
	json_t *in;
	int p = plan_of(j->plan), rc;

	ymd(d, ago, day);
	in = json_pack("{s:s,s:s,s:s,s:[{s:s,s:s},{s:s,s:s}]}", "plan_type",
	    j->plan, "plan_date", day, "objectives", plans[p].objectives,
	    "packages", "type", plans[p].training, "status", "Delivered",
	    "type", plans[p].grant, "status", pkg);
	rc = r ? moves_reint_save(r, c, in, &e) : -1;
	json_decref(in);
	if (moved(d, c, rc, &e, "a reintegration plan") < 0 ||
	    (r = as(d, cw, ago, 1030)) == NULL ||
	    cases_update(r, c, -1, CASE_FOLLOWUP, c->assigned_to) != DB_OK)
		return -1;
	return 0;
}

/* The outcome of c's reintegration on the day ago, and the case closed
 * (referred, when the reintegration goes on with a partner). */
static int
close_case(struct demo *d, const struct journey *j, const char *cw,
    struct case_row *c, int ago)
{
	struct moves_err e;
	struct req *r = as(d, cw, ago, 1400);
	json_t *in = json_pack("{s:s}", "outcome", j->outcome);
	int rc = r ? moves_reint_save(r, c, in, &e) : -1;

	json_decref(in);
	if (moved(d, c, rc, &e, "an outcome") < 0 ||
	    (r = as(d, cw, ago, 1430)) == NULL ||
	    cases_update(r, c, -1, strcmp(j->outcome, "InProgress") == 0 ?
	    CASE_CLOSED_REFERRED : CASE_CLOSED, c->assigned_to) != DB_OK)
		return -1;
	return 0;
}

/*
 * Aung's statement: a second consent record on day 3 that agrees to his
 * case going to the police, his referral the same day, a further
 * disclosure on day 9, the investigation opened on day 11, and the
 * threats that make his case high-risk on day 13.
 */
static int
law(struct demo *d, const char *cw, struct case_row *c, int start)
{
	struct req *r;
	json_t *file, *cons, *errors = NULL;
	int64_t le = 0, risk = 0, org = org_id(d, O_TH_POLICE);
	char day[DATE_SIZE], referred[DATE_SIZE];
	int rc;

	if ((r = as(d, cw, start - 3, 930)) == NULL ||
	    (file = casefile_load(r, c)) == NULL)
		return -1;
	cons = json_deep_copy(json_object_get(file, "consents"));
	json_decref(file);
	json_array_append_new(cons, consent("Yes"));
	if (save_file(d, r, c, json_pack("{s:o}", "consents", cons)) < 0)
		return -1;
	ymd(d, start - 3, referred);
	if (record(d, as(d, cw, start - 3, 1100), &prot_le, c, &le, 0,
	    json_pack("{s:I,s:s,s:[s,s,s,s],s:s}", "organisation",
	    (json_int_t)org, "date", referred, "shared", "Identity", "Statement",
	    "TraffickingProcess", "Perpetrators", "notes", "Statement given at "
	    "the division with an interpreter; the recruiter is named.")) < 0)
		return -1;
	ymd(d, start - 9, day);
	if ((r = as(d, cw, start - 9, 1000)) == NULL)
		return -1;
	{
		json_t *in = json_pack("{s:s,s:[s]}", "date", day, "shared",
		    "Documents");

		rc = protection_disclose(r, c, le, 1, in, &errors);
		json_decref(in);
		json_decref(errors);
		if (rc != 0)
			return error("demo: a disclosure of %s was refused",
			    c->number);
	}
	/* The referral's body, date and first disclosure stay as they
	 * were: only the proceedings move on. */
	if (record(d, as(d, cw, start - 11, 1000), &prot_le, c, &le, 2,
	    json_pack("{s:I,s:s,s:[s,s,s,s],s:s,s:s}", "organisation",
	    (json_int_t)org, "date", referred, "shared", "Identity",
	    "Statement", "TraffickingProcess", "Perpetrators",
	    "proceedings_status", "UnderInvestigation", "notes",
	    "The recruiter was arrested in Samut Sakhon.")) < 0)
		return -1;
	ymd(d, start - 13, day);
	return record(d, as(d, cw, start - 13, 1000), &prot_risk, c, &risk, 0,
	    json_pack("{s:s,s:s,s:[s],s:s}", "level", "High", "date", day,
	    "threats", "ThreatFromTraffickers", "mitigation", "Moved within "
	    "the shelter, a new phone number, the police informed of the "
	    "threats."));
}

/*
 * Makes journey j: every step from the registration to where it stands,
 * each as its account on its day (journeys[] says which days).
 */
static int
journey(struct demo *d, const struct journey *j, const int64_t project[])
{
	const struct person *p = &people[j->person];
	int h = staff_of(j->office), t = staff_of(j->dest ? j->dest :
	    j->office), s = j->start, k, last;
	const char *cw, *there, *msg, *field;
	struct case_row c;
	struct req *r;
	char day[DATE_SIZE];
	int64_t stay = 0, rec = 0, tr = 0;
	bool away;

	if (h < 0 || t < 0)
		return error("demo: no staff in office %s", j->office);
	cw = staff[h].cw;
	there = staff[t].cw;
	away = strcmp(staff[h].office, staff[t].office) != 0;

	/* Day 0: registered by the manager for the caseworker, who writes
	 * the case file (identified the day before), assesses the risk,
	 * admits the person to a shelter and gives a first session. */
	if ((r = as(d, staff[h].mgr, s, 900)) == NULL ||
	    cases_create(r, j->office, CASE_ACTIVE, user_id(d, cw), &c, &msg,
	    &field) != 0)
		return error("demo: cannot register a case in %s", j->office);
	ymd(d, s + 1, day);
	if (save_file(d, as(d, cw, s, 1000), &c, case_file(p, day,
	    (j->flags & J_LAW) ? NULL : "Yes")) < 0)
		return -1;
	ymd(d, s, day);
	if (record(d, as(d, cw, s, 1100), &prot_risk, &c, &rec, 0,
	    json_pack("{s:s,s:s,s:[s]}", "level", (j->flags & J_HIGH) ?
	    "High" : "Medium", "date", day, "threats", (j->flags & J_HIGH) ?
	    "ThreatToFamily" : "ReTrafficking")) < 0)
		return -1;
	if (j->flags & J_SHELTER) {
		const char *name = strcmp(p->gender, "Masculine") == 0 &&
		    staff[h].men ? staff[h].men : staff[h].shelter;

		if (record(d, as(d, cw, s, 1200), &prot_stay, &c, &stay, 0,
		    json_pack("{s:I,s:s}", "shelter", (json_int_t)shelter_id(d,
		    j->office, name), "admitted", day)) < 0)
			return -1;
	}
	rec = 0;
	if (record(d, as(d, cw, s, 1400), &prot_service, &c, &rec, 0,
	    json_pack("{s:s,s:I,s:s,s:s,s:s,s:s}", "service_type",
	    "Psychosocial", "provider", (json_int_t)org_id(d,
	    staff[h].provider), "start_date", day, "status", "Delivered",
	    "cost", staff[h].cost, "currency", staff[h].currency)) < 0)
		return -1;
	if (j->flags & J_HEALTH) {
		ymd(d, s - 1, day);
		rec = 0;
		if (record(d, as(d, "medical", s - 1, 1000), &prot_health, &c,
		    &rec, 0, json_pack("{s:s,s:s,s:s}", "health_kind",
		    "MedicalScreening", "date", day, "findings", "Tired and "
		    "underweight; no acute illness. Tests taken, a follow-up "
		    "in two weeks.")) < 0)
			return -1;
	}
	if (j->stage >= J_SCREENED && save_file(d, as(d, cw, s - 2, 1000), &c,
	    json_pack("{s:o}", "screening", screening(p, true))) < 0)
		return -1;
	if ((j->flags & J_LAW) && law(d, cw, &c, s) < 0)
		return -1;
	if (j->stage <= J_SHELTERED)
		return 0;

	last = 5;
	if (j->fund.end != A_NONE && ask_fund(d, cw, &c, &j->fund,
	    project[j->fund.project], s, 5, &last) < 0)
		return -1;
	if (j->stage == J_FUNDED)
		return 0;
	if (j->flags & J_HOME) {
		/* Reintegrated where the person lives: the visits count
		 * from the plan. */
		k = last + 1;
		goto reintegration;
	}

	/* The return: asked on day 12, counselled on day 15, planned on
	 * day 19, departed on day 24. */
	{
		struct moves_err e;
		struct office dest;
		json_t *in;
		int rc;

		if (db_office_by_code(d->app->db, staff[t].office, &dest) !=
		    DB_OK)
			return -1;
		ymd(d, s - 12, day);
		in = json_pack("{s:s,s:s,s:s,s:b}", "dest_country",
		    travels[j->travel].country, "dest_office", staff[t].office,
		    "date", day, "confirm", strcmp(dest.country,
		    travels[j->travel].country) != 0);
		r = as(d, cw, s - 12, 1000);
		rc = r ? moves_return_request(r, &c, in, &e) : -1;
		json_decref(in);
		if (moved(d, &c, rc, &e, "a return request") < 0)
			return -1;
	}
	if (j->stage == J_REQUESTED)
		return 0;
	if (return_step(d, as(d, cw, s - 15, 1000), &c, "Counselled", s - 15,
	    json_pack("{s:s}", "notes", "Counselled with an interpreter: "
	    "wants to go home, knows what to expect there.")) < 0)
		return -1;
	if (j->stage == J_COUNSELLED && j->decline == NULL)
		return 0;
	if (j->stage >= J_PLANNED && return_step(d, as(d, cw, s - 19, 1000),
	    &c, "Planned", s - 19, json_pack("{s:o}", "legs", legs(d,
	    j->travel, s - 24))) < 0)
		return -1;
	if (j->decline) {
		/* Asked the day after the last step, declined the next. */
		k = j->stage == J_COUNSELLED ? 16 : 20;
		if (handover(d, as(d, cw, s - k, 1400), &c, staff[t].office,
		    true, &tr) < 0 ||
		    answer(d, as(d, staff[t].mgr, s - k - 1, 1000), &c, tr,
		    json_pack("{s:s,s:s}", "decision", "decline", "reason",
		    j->decline)) < 0)
			return -1;
		return 0;
	}
	if (j->stage == J_PLANNED)
		return 0;
	ymd(d, s - 24, day);
	if (stay && record(d, as(d, cw, s - 24, 730), &prot_stay, &c, &stay, 1,
	    json_pack("{s:s}", "discharged", day)) < 0)
		return -1;
	if (return_step(d, as(d, cw, s - 24, 800), &c, "Departed", s - 24,
	    NULL) < 0)
		return -1;
	if (away && handover(d, as(d, cw, s - 24, 1700), &c, staff[t].office,
	    false, &tr) < 0)
		return -1;
	if (j->stage == J_DEPARTED)
		return 0;

	/* Arrival: the destination's manager accepts the handover in the
	 * morning, its caseworker receives the person. */
	k = 24 + travel_days(j->travel);
	if (away && answer(d, as(d, staff[t].mgr, s - k, 900), &c, tr,
	    json_pack("{s:s,s:I}", "decision", "accept", "assigned_to",
	    (json_int_t)user_id(d, there))) < 0)
		return -1;
	if (return_step(d, as(d, there, s - k, 1500), &c, "Arrived", s - k,
	    json_pack("{s:s}", "received_by", away ? "Met at arrival by the "
	    "caseworker and a partner's social worker" : "Received by the "
	    "caseworker and handed to the family")) < 0)
		return -1;
	if (j->flags & J_RECEIVE) {
		ymd(d, s - k, day);
		stay = 0;
		if (record(d, as(d, there, s - k, 1600), &prot_stay, &c, &stay, 0,
		    json_pack("{s:I,s:s}", "shelter", (json_int_t)shelter_id(d,
		    staff[t].office, staff[t].shelter), "admitted", day)) < 0)
			return -1;
		if (j->stage > J_ARRIVED) {
			ymd(d, s - k - 14, day);
			if (record(d, as(d, there, s - k - 14, 1000), &prot_stay,
			    &c, &stay, 1, json_pack("{s:s}", "discharged",
			    day)) < 0)
				return -1;
		}
	}
	if (j->stage == J_ARRIVED)
		return 0;
	k += 4;

reintegration:
	if (reint_plan(d, j, there, &c, s - k) < 0)
		return -1;
	if (j->reint.end != A_NONE && ask_fund(d, there, &c, &j->reint,
	    project[j->reint.project], s, k + 1, &last) < 0)
		return -1;
	last = s - k;
	if (visits(d, j, there, &c, &last) < 0)
		return -1;
	if (j->stage == J_VISITS)
		return 0;
	return close_case(d, j, there, &c, last > 2 ? last - 2 : 0);
}

/* Journeys by registration, the oldest first: case numbers then follow
 * the order of the registrations. */
static int
by_start(const void *a, const void *b)
{
	const struct journey *x = &journeys[*(const size_t *)a];
	const struct journey *y = &journeys[*(const size_t *)b];

	if (x->start != y->start)
		return x->start > y->start ? -1 : 1;
	return *(const size_t *)a < *(const size_t *)b ? -1 : 1;
}

int
demo_load(struct app *app)
{
	struct demo d;
	int64_t project[PJ__MAX] = { 0 };
	size_t order[ARRAY_SIZE(journeys)], i;
	char meta[DB_META_MAX], today[DATE_SIZE];
	int rc, first = 0;

	memset(&d, 0, sizeof(d));
	d.app = app;
	d.run = (int64_t)time(NULL);
	d.today = date_unix_day(d.run);
	for (i = 0; i < ARRAY_SIZE(journeys); i++)
		if (journeys[i].start > first)
			first = journeys[i].start;
	/* The registry and the projects were there before the first case. */
	if (registry(&d, first + 30) < 0 || fund_setup(&d, project) < 0)
		return -1;
	rc = db_meta_get(app->db, META_KEY, meta);
	if (rc == DB_OK)
		return 1;
	if (rc != DB_NOTFOUND)
		return -1;
	for (i = 0; i < ARRAY_SIZE(order); i++)
		order[i] = i;
	qsort(order, ARRAY_SIZE(order), sizeof(order[0]), by_start);
	for (i = 0; i < ARRAY_SIZE(order); i++)
		if (journey(&d, &journeys[order[i]], project) < 0)
			return -1;
	ymd(&d, 0, today);
	return db_meta_set(app->db, META_KEY, today) == DB_OK ? 0 : -1;
}
