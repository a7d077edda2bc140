/*
 * demo.c - realistic, invented case files for the demo. The names are
 * made up; the journeys follow patterns described in the field (fishing
 * in the Gulf of Thailand, domestic servitude, sexual exploitation).
 */
#include "compat.h"

#include <string.h>

#include "casefile.h"
#include "cli.h"
#include "db.h"
#include "demo.h"
#include "fund.h"
#include "log.h"
#include "moves.h"

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

size_t
demo_casefile_count(void)
{
	return ARRAY_SIZE(files);
}

int
demo_casefile(struct app *app, const struct user *u, struct case_row *c,
    size_t i)
{
	struct req r;
	json_t *doc, *cur = NULL, *next = NULL, *errors = NULL;
	int rc = -1;

	if (i >= ARRAY_SIZE(files))
		return -1;
	cli_req(&r, app, u);
	doc = json_loads(files[i], 0, NULL);
	if (doc == NULL)
		return error("demo case file %zu is not JSON", i);
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

		error("demo case file %zu does not pass the checks: %s", i,
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

int
demo_operations(struct app *app)
{
	struct req r;

	if (as_user(app, "programme", &r) < 0 || fund_demo(&r) < 0)
		return -1;
	return 0;
}

/* YYYY-MM-DD of days before now. */
static void
days_ago(int64_t now, int days, char out[11])
{
	time_t t = (time_t)(now - (int64_t)days * 86400);
	struct tm tm;

	gmtime_r(&t, &tm);
	strftime(out, 11, "%Y-%m-%d", &tm);
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
