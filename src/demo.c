/*
 * demo.c - realistic, invented case files for the demo. The names are
 * made up; the journeys follow patterns described in the field (fishing
 * in the Gulf of Thailand, domestic servitude, sexual exploitation).
 */
#include "compat.h"

#include <stdio.h>
#include <string.h>
#include <time.h>

#include "casefile.h"
#include "cli.h"
#include "date.h"
#include "db.h"
#include "demo.h"
#include "fund.h"
#include "log.h"
#include "cases.h"
#include "moves.h"
#include "protection.h"

static const char *const files[] = {
	/* BKK: forced labour on a fishing boat, Myanmar -> Thailand */
	"{\"prs_FirstName\":\"Aung\",\"prs_SecondName\":\"Kyaw Min\","
	"\"prs_Birthdate\":\"1998\",\"prs_Gender\":\"Masculine\","
	"\"prs_MaritalStatus\":\"Single\",\"prs_Citizenship\":\"MM\","
	"\"prs_PrimaryLanguage\":\"mya\",\"prs_MobilePhone\":\"+66812340001\","
	"\"vic_TypeOfExploitation\":\"ForcedLabour\","
	"\"vic_ForcedLabourIndustry\":\"A_AgricultureForestryAndFishing\","
	"\"vic_MethodsOfControl\":\"DebtBondage;WithholdsDocuments;PhysicalAbuse\","
	"\"vic_MethodOfRecruitment\":\"ThroughFriendsOrSocialEvents\","
	"\"vic_RelationshipToTrafficker\":\"Acquainted\","
	"\"vic_AgeWhenTrafficked\":\"24\","
	"\"idn_DateIdentified\":\"2026-10-02\",\"idn_HowIdentified\":\"Police\","
	"\"events\":["
	"{\"hte_Type\":\"Recruitment\",\"hte_Country\":\"MM\",\"hte_City\":\"Mawlamyine\",\"hte_Date\":\"2023-03\"},"
	"{\"hte_Type\":\"Transit\",\"hte_Country\":\"TH\",\"hte_City\":\"Mae Sot\",\"hte_Date\":\"2023-03\",\"hte_MeansOfTransport\":\"Truck\",\"hte_BorderCrossing\":\"Irregular\",\"hte_DocumentsUsed\":\"None\"},"
	"{\"hte_Type\":\"Exploitation\",\"hte_Country\":\"TH\",\"hte_City\":\"Samut Sakhon\",\"hte_Date\":\"2023-04\",\"hte_DurationDays\":\"880\"}],"
	"\"perpetrators\":[{\"per_RoleInProcess\":\"RecruiterOrIntermediary\",\"per_Gender\":\"Masculine\",\"per_AgeBand\":\"Age30To38\",\"per_Citizenship\":\"MM\"}],"
	"\"consents\":[{\"con_ConsentToInterview\":\"Yes\",\"con_InformedOfPurpose\":\"Yes\",\"con_InformedOfDataUse\":\"Yes\",\"con_InformedOfResearchUse\":\"Yes\"}],"
	"\"comments\":[{\"com_CaseComment\":\"Referred by the marine police after a port inspection.\"}],"
	"\"screening\":{\"act\":[\"Recruitment\",\"Transportation\"],\"means\":[\"Deception\",\"AbuseOfVulnerability\"],\"purpose\":[\"ForcedLabourOrServices\"],\"evidence\":{\"Deception\":\"Promised factory work with a monthly wage.\"},\"age_at_act\":24,\"consent\":\"No\",\"decision\":{\"final_status\":\"ActualVictimOfTrafficking\"}}}",
	/* BKK: a girl recruited online, Cambodia -> Thailand */
	"{\"prs_FirstName\":\"Sreymom\",\"prs_SecondName\":\"Chan\","
	"\"prs_Birthdate\":\"2009-06\",\"prs_Gender\":\"Feminine\","
	"\"prs_Citizenship\":\"KH\",\"prs_PrimaryLanguage\":\"khm\","
	"\"vic_TypeOfExploitation\":\"SexualExploitation\","
	"\"vic_RecruitmentWebsitesAndApps\":\"Facebook\","
	"\"vic_MethodOfRecruitment\":\"ThroughOnlineSocialNetworks\","
	"\"vic_AgeWhenTrafficked\":\"16\","
	"\"idn_DateIdentified\":\"2026-09-15\",\"idn_HowIdentified\":\"NGO\","
	"\"events\":["
	"{\"hte_Type\":\"Recruitment\",\"hte_Country\":\"KH\",\"hte_Date\":\"2025-08\"},"
	"{\"hte_Type\":\"Transit\",\"hte_Country\":\"TH\",\"hte_Date\":\"2025-09\",\"hte_MeansOfTransport\":\"Bus\",\"hte_BorderCrossing\":\"Regular\",\"hte_DocumentsUsed\":\"Confiscated\"},"
	"{\"hte_Type\":\"Exploitation\",\"hte_Country\":\"TH\",\"hte_City\":\"Pattaya\",\"hte_Date\":\"2025-09\"}],"
	"\"consents\":[{\"con_ConsentToInterview\":\"Yes\",\"con_InformedOfPurpose\":\"Yes\"}],"
	"\"screening\":{\"act\":[\"Recruitment\",\"Harbouring\"],\"purpose\":[\"SexualExploitation\"],\"age_at_act\":16,\"consent\":\"NotAsked\"}}",
	/* BOG: domestic servitude, Colombia (internal) */
	"{\"prs_FirstName\":\"Luz Marina\",\"prs_SecondName\":\"Rodríguez\","
	"\"prs_Birthdate\":\"1985-11-02\",\"prs_Gender\":\"Feminine\","
	"\"prs_NumberOfChildren\":\"2\",\"prs_Citizenship\":\"CO\","
	"\"prs_PrimaryLanguage\":\"spa\",\"prs_MobilePhone\":\"+573001112233\","
	"\"vic_TypeOfExploitation\":\"Servitude\","
	"\"vic_MethodsOfControl\":\"RestrictsMovement;TakesEarnings\","
	"\"vic_AgeWhenTrafficked\":\"Unknown\","
	"\"idn_DateIdentified\":\"2026-11-03\",\"idn_HowIdentified\":\"Hotline\","
	"\"events\":["
	"{\"hte_Type\":\"Recruitment\",\"hte_Country\":\"CO\",\"hte_City\":\"Quibdó\",\"hte_Date\":\"2024\"},"
	"{\"hte_Type\":\"Exploitation\",\"hte_Country\":\"CO\",\"hte_City\":\"Medellín\",\"hte_Date\":\"2024\"}],"
	"\"referrals\":[{\"ref_Direction\":\"Outgoing\",\"ref_Organisation\":\"Casa de acogida\",\"ref_Date\":\"2026-11-05\",\"ref_Reason\":\"AdditionalServicesRequired\"}],"
	"\"screening\":{\"act\":[\"Recruitment\",\"Harbouring\"],\"means\":[\"Deception\"],\"purpose\":[\"Servitude\"]}}",
};

/* Saves the case file text json (on top of what c has) as u. */
static int
save_file(struct app *app, const struct user *u, struct case_row *c,
    const char *json, int64_t now)
{
	struct req r;
	json_t *doc, *cur = NULL, *next = NULL, *errors = NULL;
	int rc = -1;

	cli_req(&r, app, u);
	if (now)
		r.now = now;
	doc = json_loads(json, 0, NULL);
	if (doc == NULL)
		return error("a demo case file is not JSON");
	cur = casefile_load(&r, c);
	if (cur) {
		/* The demo fills in what a new case file lacks. */
		json_t *merged = json_deep_copy(cur);

		json_object_update(merged, doc);
		next = casefile_check(&r, c, merged, cur, &errors);
		json_decref(merged);
	}
	if (next == NULL) {
		char *e = errors ? json_dumps(errors, JSON_COMPACT) : NULL;

		error("a demo case file does not pass the checks: %s",
		    e ? e : "internal error");
		free(e);
		goto out;
	}
	rc = casefile_save(&r, c, c->version, cur, next) == DB_OK ? 0 : -1;
out:
	json_decref(doc);
	json_decref(cur);
	json_decref(next);
	json_decref(errors);
	return rc;
}

/*
 * The case files of the journeys: Colombian women recruited with offers
 * of work abroad and exploited in Thailand, found in Bangkok, who go
 * home to Colombia. Names are invented.
 */
static const char *const journey_names[][2] = {
	{ "Yuliana", "Cárdenas" }, { "Marisol", "Ospina" },
	{ "Deisy", "Valencia" }, { "Leidy Johana", "Quintero" },
	{ "Angie", "Mosquera" }, { "Paola Andrea", "Restrepo" },
};

static int
journey_file(struct app *app, const struct user *u, struct case_row *c,
    size_t i, const char *identified, int64_t now)
{
	char json[4096];

	snprintf(json, sizeof(json),
	    "{\"prs_FirstName\":\"%s\",\"prs_SecondName\":\"%s\","
	    "\"prs_Birthdate\":\"%d\",\"prs_Gender\":\"Feminine\","
	    "\"prs_Citizenship\":\"CO\",\"prs_PrimaryLanguage\":\"spa\","
	    "\"vic_TraffickingStatus\":\"ActualVictimOfTrafficking\","
	    "\"vic_TypeOfExploitation\":\"SexualExploitation\","
	    "\"vic_MethodOfRecruitment\":\"ThroughOnlineSocialNetworks\","
	    "\"vic_MethodsOfControl\":\"DebtBondage;WithholdsDocuments\","
	    "\"vic_AgeWhenTrafficked\":\"%d\","
	    "\"idn_DateIdentified\":\"%s\",\"idn_HowIdentified\":\"NGO\","
	    "\"events\":["
	    "{\"hte_Type\":\"Recruitment\",\"hte_Country\":\"CO\",\"hte_City\":\"Pereira\",\"hte_Date\":\"2024\"},"
	    "{\"hte_Type\":\"Transit\",\"hte_Country\":\"ES\",\"hte_City\":\"Madrid\",\"hte_Date\":\"2024\",\"hte_MeansOfTransport\":\"Air\",\"hte_BorderCrossing\":\"Regular\",\"hte_DocumentsUsed\":\"Own\"},"
	    "{\"hte_Type\":\"Exploitation\",\"hte_Country\":\"TH\",\"hte_City\":\"Bangkok\",\"hte_Date\":\"2024\"}],"
	    "\"consents\":[{\"con_ConsentToInterview\":\"Yes\",\"con_InformedOfPurpose\":\"Yes\",\"con_InformedOfDataUse\":\"Yes\",\"con_InformedOfResearchUse\":\"Yes\",\"con_InformedOfRightToRequestData\":\"Yes\",\"con_InformedOfStoragePeriod\":\"Yes\",\"con_InformedOfWithdrawal\":\"Yes\",\"con_ConsentToShareWithLawEnforcement\":\"Yes\"}],"
	    "\"screening\":{\"act\":[\"Recruitment\",\"Transportation\"],\"means\":[\"Deception\",\"AbuseOfVulnerability\"],\"purpose\":[\"SexualExploitation\"],\"age_at_act\":%d,\"consent\":\"No\",\"decision\":{\"final_status\":\"ActualVictimOfTrafficking\"}}}",
	    journey_names[i % ARRAY_SIZE(journey_names)][0],
	    journey_names[i % ARRAY_SIZE(journey_names)][1],
	    1996 + (int)i, 27 - (int)i, identified, 27 - (int)i);
	return save_file(app, u, c, json, now);
}

size_t
demo_casefile_count(void)
{
	return ARRAY_SIZE(files);
}

int
demo_casefile(struct app *app, const struct user *u, struct case_row *c,
    size_t i)
{
	if (i >= ARRAY_SIZE(files))
		return -1;
	return save_file(app, u, c, files[i], 0);
}

/* YYYY-MM-DD of days before now. */
static void
days_ago(int64_t now, int days, char out[11])
{
	date_of(now - (int64_t)days * 86400, out);
}

/* As the demo account username; -1 when it is missing. */
static int
as_user(struct app *app, const char *username, struct req *r)
{
	struct user u;

	if (db_user_by_name(app->db, username, &u) != DB_OK)
		return error("demo: no account %s", username);
	cli_req(r, app, &u);
	return 0;
}

/* The first shelter of an office. */
static int
first_shelter(void *arg, const struct shelter_occupancy *o)
{
	int64_t *id = arg;

	if (*id == 0)
		*id = o->id;
	return 0;
}

/* The requests of a journey step happen at noon of day (YYYY-MM-DD). */
static void
on_day(const char *day, struct req *const *rs, size_t n)
{
	struct tm tm;
	size_t i;

	memset(&tm, 0, sizeof(tm));
	if (sscanf(day, "%4d-%2d-%2d", &tm.tm_year, &tm.tm_mon,
	    &tm.tm_mday) != 3)
		return;
	tm.tm_year -= 1900;
	tm.tm_mon -= 1;
	tm.tm_hour = 12;
	for (i = 0; i < n; i++)
		rs[i]->now = (int64_t)timegm(&tm);
}

/* A record of kind k on case c as r, from JSON text (id 0: a new one;
 * else a change of record *id at version). */
static int
record(struct req *r, const struct rec_kind *k, const struct case_row *c,
    int64_t *id, int version, const char *json)
{
	json_t *in = json_loads(json, 0, NULL), *errors = NULL;
	const char *warning = NULL;
	int rc;

	if (in == NULL)
		return error("demo: bad record");
	rc = caserec_save(r, k, c, id, version, in, false, &errors, &warning);
	json_decref(in);
	json_decref(errors);
	return rc == 0 ? 0 : error("demo: a %s record was refused", k->name);
}

/*
 * A journey case of Bangkok: registered by the manager for the
 * caseworker, screened, then taken as far as stage:
 * 0 sheltered, 1 fund requested, 2 fund approved and disbursed, return
 * asked, 3 departed and handed over (waiting for Bogotá), 4 received in
 * Bogotá with visits under way, 5 reintegrated and closed.
 */
static int
journey(struct app *app, int stage, int64_t shelter,
    int64_t project)
{
	struct req mgr, cw, pm, bogmgr;
	struct user u, bogcw;
	struct case_row c;
	const char *msg, *field;
	char d[6][11], js[512], amount[16];
	int64_t fr = 0, stay = 0, rid = 0;
	int64_t off[6] = { 400, 380, 360, 330, 300, 10 };
	struct req *all[3] = { &mgr, &cw, &pm };
	struct fund_problem p;
	size_t i;

	if (as_user(app, "manager", &mgr) < 0 || as_user(app, "caseworker",
	    &cw) < 0 || as_user(app, "programme", &pm) < 0 ||
	    as_user(app, "manager.bog", &bogmgr) < 0 ||
	    db_user_by_name(app->db, "caseworker.bog", &bogcw) != DB_OK)
		return -1;
	/* The later the stage, the longer ago it began. */
	for (i = 0; i < ARRAY_SIZE(d); i++)
		days_ago(cw.now, (int)(off[i] * (stage + 1) / 6 + 2 * (5 - i)),
		    d[i]);
	on_day(d[0], all, ARRAY_SIZE(all));
	if (cases_create(&mgr, "BKK", CASE_ACTIVE, cw.user.id, &c, &msg,
	    &field) != 0)
		return error("demo: cannot register a journey case");
	if (db_user_get(app->db, cw.user.id, &u) != DB_OK ||
	    journey_file(app, &u, &c, (size_t)stage, d[0], cw.now) < 0 ||
	    db_case_get(app->db, c.id, &c) != DB_OK)
		return -1;
	snprintf(js, sizeof(js), "{\"shelter\": %lld, \"admitted\": \"%s\"}",
	    (long long)shelter, d[0]);
	if (record(&cw, &prot_stay, &c, &stay, 0, js) < 0)
		return -1;
	snprintf(js, sizeof(js), "{\"level\": \"Medium\", \"date\": \"%s\", "
	    "\"threats\": [\"ReTrafficking\"]}", d[0]);
	rid = 0;
	if (record(&cw, &prot_risk, &c, &rid, 0, js) < 0)
		return -1;
	snprintf(js, sizeof(js), "{\"service_type\": \"Psychosocial\", "
	    "\"start_date\": \"%s\", \"status\": \"Delivered\", "
	    "\"cost\": \"120\", \"currency\": \"THB\"}", d[0]);
	rid = 0;
	if (record(&cw, &prot_service, &c, &rid, 0, js) < 0)
		return -1;
	if (stage < 1)
		return 0;
	on_day(d[1], all, ARRAY_SIZE(all));
	snprintf(amount, sizeof(amount), "%d", 600 + 50 * stage);
	if (fund_request_submit(&cw, &c, "return", amount, "USD",
	    "Air ticket home, escort to the airport and pocket money for "
	    "the first days.", &fr, &p) != 0)
		return error("demo: fund request refused");
	if (stage < 2)
		return 0;
	on_day(d[2], all, ARRAY_SIZE(all));
	snprintf(js, sizeof(js), "{\"discharged\": \"%s\"}", d[2]);
	if (record(&cw, &prot_stay, &c, &stay, 1, js) < 0)
		return -1;
	if (fund_request_decide(&pm, fr, "approve", NULL, project,
	    "Within the fund's rules for returns.", &p) != 0 ||
	    fund_disburse(&pm, fr, amount, d[2], NULL, &p) != 0)
		return error("demo: fund decision refused");
	if (stage < 3)
		return moves_demo_requested(&cw, c.id, "BOG", "CO", d[2]);
	on_day(d[3], all, ARRAY_SIZE(all));
	if (moves_demo_departed(&cw, c.id, "BOG", "CO", d[3]) < 0)
		return -1;
	if (stage < 4) {
		json_t *in = json_pack("{s:s}", "to_office", "BOG");
		struct moves_err e;
		int64_t tid;
		int rc;

		if (db_case_get(app->db, c.id, &c) != DB_OK)
			return -1;
		rc = moves_transfer_request(&cw, &c, in, &tid, &e);
		json_decref(in);
		return rc == 0 ? 0 : error("demo: handover refused");
	}
	on_day(d[4], all, ARRAY_SIZE(all));
	if (moves_demo_arrived(&cw, c.id, &bogmgr.user, bogcw.id, d[4], 0) < 0 ||
	    db_case_get(app->db, c.id, &c) != DB_OK)
		return -1;
	{
		struct req rb;
		struct req *one[1] = { &rb };
		json_t *vs, *v;
		size_t n;
		char today[11];

		cli_req(&rb, app, &bogcw);
		days_ago(rb.now, 0, today);
		/* The visits that fell due so far, each done on its day. */
		if ((vs = moves_visits_json(&rb, &c)) == NULL)
			return -1;
		json_array_foreach(vs, n, v) {
			const char *due = json_string_value(json_object_get(v,
			    "due_on"));
			json_t *in;
			struct moves_err e;
			int rc;

			if (due == NULL || strcmp(due, today) > 0 ||
			    (stage == 4 && n > 0))
				break;
			on_day(due, one, 1);
			in = json_pack("{s:s,s:s,s:s}", "status", "Done", "date",
			    due, "notes", "Visited at home; working with the "
			    "vocational training partner.");
			rc = moves_visit_record(&rb, 0, json_integer_value(
			    json_object_get(v, "id")), in, &e);
			json_decref(in);
			if (rc != 0) {
				json_decref(vs);
				return error("demo: a visit was refused");
			}
		}
		json_decref(vs);
		if (stage < 5)
			return 0;
		on_day(d[5], one, 1);
		if (moves_demo_outcome(&rb, c.id, "Livelihood", d[4],
		    "SustainablyReintegrated") < 0 ||
		    db_case_get(app->db, c.id, &c) != DB_OK ||
		    cases_update(&rb, &c, -1, CASE_CLOSED, c.assigned_to) != DB_OK)
			return -1;
	}
	return 0;
}

int
demo_operations(struct app *app)
{
	struct req adm, pm;
	struct office bkk;
	struct project gaf;
	int64_t shelter = 0;
	char today[11];
	int stage;

	if (as_user(app, "admin", &adm) < 0 || protection_demo(&adm) < 0 ||
	    as_user(app, "programme", &pm) < 0 || fund_demo(&pm) < 0)
		return -1;
	if (db_office_by_code(app->db, "BKK", &bkk) != DB_OK ||
	    db_project_by_name(app->db, "Global Assistance Fund", &gaf) !=
	    DB_OK)
		return error("demo: no Bangkok office or fund project");
	days_ago(adm.now, 0, today);
	if (protection_office_occupancy(app->db, bkk.id, today, first_shelter,
	    &shelter) < 0 || shelter == 0)
		return error("demo: no shelter in Bangkok");
	for (stage = 0; stage <= 5; stage++)
		if (journey(app, stage, shelter, gaf.id) < 0)
			return -1;
	return 0;
}


int
demo_moves(struct app *app, int64_t bkk, const struct user *cw,
    const struct user *bog_mgr, const struct user *bog_cw)
{
	struct req r, rb;
	struct case_row c[4];
	char d[4][11];
	struct tm tm;
	time_t t;
	size_t i;

	cli_req(&r, app, cw);
	cli_req(&rb, app, bog_cw);
	t = (time_t)r.now;
	gmtime_r(&t, &tm);
	for (i = 0; i < ARRAY_SIZE(c); i++)
		if (db_case_create(app->db, bkk, tm.tm_year + 1900, CASE_ACTIVE,
		    cw->id, cw->id, r.now, &c[i]) != DB_OK)
			return -1;
	days_ago(r.now, 6, d[0]);
	days_ago(r.now, 3, d[1]);
	days_ago(r.now, 200, d[2]);
	days_ago(r.now, 420, d[3]);
	/* Asked for, to be received by the Bangkok mission itself. */
	if (moves_demo_requested(&r, c[0].id, "BKK", "MM", d[0]) < 0 ||
	    /* On the way to Colombia, not yet handed over. */
	    moves_demo_departed(&r, c[1].id, "BOG", "CO", d[1]) < 0 ||
	    /* Received in Bogotá half a year ago, visits under way. */
	    moves_demo_departed(&r, c[2].id, "BOG", "CO", d[2]) < 0 ||
	    moves_demo_arrived(&r, c[2].id, bog_mgr, bog_cw->id, d[2], 2) < 0 ||
	    /* Received over a year ago, reintegrated, closed. */
	    moves_demo_departed(&r, c[3].id, "BOG", "CO", d[3]) < 0 ||
	    moves_demo_arrived(&r, c[3].id, bog_mgr, bog_cw->id, d[3], 4) < 0 ||
	    moves_demo_outcome(&rb, c[3].id, "Livelihood", d[3],
	    "SustainablyReintegrated") < 0)
		return -1;
	if (db_case_get(app->db, c[3].id, &c[3]) != DB_OK)
		return -1;
	return db_case_update(app->db, c[3].id, c[3].version, CASE_CLOSED,
	    c[3].assigned_to, r.now) == DB_OK ? 0 : -1;
}
