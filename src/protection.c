/*
 * protection.c - the kinds of protection and assistance records and their
 * rules; partner organisations and shelters.
 */
#include "compat.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "audit.h"
#include "casefile.h"
#include "cases.h"
#include "date.h"
#include "i18n.h"
#include "input.h"
#include "isocodes.h"
#include "log.h"
#include "moves.h"
#include "protection.h"
#include "timeline.h"
#include "vault.h"

#define NAME_MAX_CHARS 200
#define CAPACITY_MAX 100000

/* Sets errors[key] to msg unless the field has a message already (its
 * type's, say). */
static void
err_put(json_t *errors, const char *key, const char *msg)
{
	if (json_object_get(errors, key) == NULL)
		json_object_set_new(errors, key, json_string(msg));
}

/* The members of in (untrusted) spec allows, and their JSON types, into
 * errors: for the registry's forms, which report every field at once. */
static void
members(json_t *in, const struct input_field *spec, json_t *errors)
{
	input_unknown(in, spec, errors);
	input_types(in, spec, errors);
}

/* --- the kinds --- */

static const struct rec_field service_fields[] = {
	{ "service_type", RF_CODE, CL_SERVICE_TYPE, RFF_REQUIRED,
	    N_("Service"), COL_STATE, NULL, NULL },
	{ "provider", RF_ORG, CL_NONE, 0, N_("Provider"), COL_REF, NULL, NULL },
	{ "start_date", RF_DATE, CL_NONE, RFF_REQUIRED, N_("Start date"),
	    COL_D1, NULL, NULL },
	{ "end_date", RF_DATE, CL_NONE, 0, N_("End date"), COL_D2,
	    "start_date", NULL },
	{ "cost", RF_MONEY, CL_NONE, 0, N_("Cost"), COL_AMOUNT, NULL, NULL },
	{ "currency", RF_CURRENCY, CL_NONE, 0, N_("Currency"), COL_CURRENCY,
	    NULL, NULL },
	{ "status", RF_CODE, CL_SERVICE_STATUS, RFF_REQUIRED, N_("Status"),
	    COL_NONE, NULL, NULL },
	{ "notes", RF_LONGTEXT, CL_NONE, 0, N_("Notes"), COL_NONE, NULL, NULL },
};

/* HTCDS support plans: spl_Type, spl_Objectives, spl_ActionPlan, … */
static const struct rec_field plan_fields[] = {
	{ "type", RF_CODE, CL_SUPPORT_PLAN_TYPE, RFF_REQUIRED, N_("Plan type"),
	    COL_STATE, NULL, NULL },
	{ "start_date", RF_DATE, CL_NONE, RFF_REQUIRED, N_("Start date"),
	    COL_D1, NULL, NULL },
	{ "planned_end_date", RF_DATE, CL_NONE, 0, N_("Planned end date"),
	    COL_NONE, "start_date", NULL },
	{ "actual_end_date", RF_DATE, CL_NONE, RFF_PAST, N_("Actual end date"),
	    COL_D2, "start_date", NULL },
	{ "objectives", RF_LONGTEXT, CL_NONE, 0, N_("Objectives"), COL_NONE,
	    NULL, NULL },
	{ "action_plan", RF_LONGTEXT, CL_NONE, 0, N_("Action plan"), COL_NONE,
	    NULL, NULL },
};

static const struct rec_field stay_fields[] = {
	{ "shelter", RF_SHELTER, CL_NONE, RFF_REQUIRED | RFF_FIXED,
	    N_("Shelter"), COL_REF, NULL, NULL },
	{ "admitted", RF_DATE, CL_NONE, RFF_REQUIRED | RFF_PAST,
	    N_("Admission date"), COL_D1, NULL, NULL },
	{ "discharged", RF_DATE, CL_NONE, RFF_PAST, N_("Discharge date"),
	    COL_D2, "admitted", NULL },
	{ "notes", RF_LONGTEXT, CL_NONE, 0, N_("Notes"), COL_NONE, NULL, NULL },
};

static const struct rec_field health_fields[] = {
	{ "health_kind", RF_CODE, CL_HEALTH_KIND, RFF_REQUIRED, N_("Kind"),
	    COL_STATE, NULL, NULL },
	{ "date", RF_DATE, CL_NONE, RFF_REQUIRED | RFF_PAST, N_("Date"),
	    COL_D1, NULL, NULL },
	{ "follow_up", RF_DATE, CL_NONE, 0, N_("Follow-up date"), COL_D2,
	    "date", NULL },
	{ "findings", RF_LONGTEXT, CL_NONE, 0, N_("Findings and notes"),
	    COL_NONE, NULL, NULL },
};

static const struct rec_field risk_fields[] = {
	{ "level", RF_CODE, CL_RISK_LEVEL, RFF_REQUIRED, N_("Risk level"),
	    COL_STATE, NULL, NULL },
	{ "date", RF_DATE, CL_NONE, RFF_REQUIRED | RFF_PAST,
	    N_("Assessment date"), COL_D1, NULL, NULL },
	{ "threats", RF_CODES, CL_RISK_THREAT, 0, N_("Threats"), COL_NONE,
	    NULL, NULL },
	{ "review_date", RF_DATE, CL_NONE, 0, N_("Review date"), COL_D2,
	    "date", NULL },
	{ "mitigation", RF_LONGTEXT, CL_NONE, 0, N_("Mitigation"), COL_NONE,
	    NULL, NULL },
};

static const char *const le_types[] = { "LawEnforcement",
    "ProsecutionService", NULL };

static const struct rec_field le_fields[] = {
	{ "organisation", RF_ORG, CL_NONE, RFF_REQUIRED | RFF_FIXED,
	    N_("Police or prosecution"), COL_REF, NULL, le_types },
	{ "date", RF_DATE, CL_NONE, RFF_REQUIRED | RFF_PAST | RFF_FIXED,
	    N_("Date of referral"), COL_D1, NULL, NULL },
	{ "shared", RF_CODES, CL_LE_SHARED, RFF_REQUIRED | RFF_FIXED,
	    N_("Information shared"), COL_NONE, NULL, NULL },
	{ "proceedings_status", RF_CODE, CL_LE_STATUS, 0,
	    N_("Proceedings"), COL_STATE, NULL, NULL },
	{ "notes", RF_LONGTEXT, CL_NONE, 0, N_("Notes"), COL_NONE, NULL, NULL },
};

static int stay_check(struct rec_ctx *x);
static int risk_check(struct rec_ctx *x);
static int risk_after(struct rec_ctx *x);
static int le_check(struct rec_ctx *x);
static int le_after(struct rec_ctx *x);

const struct rec_kind prot_service = {
	"service", "services", N_("Services"), N_("Service"), N_("Add a service"), service_fields,
	ARRAY_SIZE(service_fields), "service.added", "service.updated", false,
	false, NULL, NULL,
};
const struct rec_kind prot_plan = {
	"support_plan", "support-plans", N_("Support plans"),
	N_("Support plan"), N_("Add a support plan"), plan_fields, ARRAY_SIZE(plan_fields),
	"plan.added", "plan.updated", false, false, NULL, NULL,
};
const struct rec_kind prot_stay = {
	"shelter_stay", "shelter-stays", N_("Shelter stays"),
	N_("Shelter stay"), N_("Record a shelter stay"), stay_fields, ARRAY_SIZE(stay_fields),
	"shelter.admitted", "shelter.updated", false, false, stay_check, NULL,
};
const struct rec_kind prot_health = {
	"health", "health", N_("Health records"), N_("Health record"),
	N_("Add a health record"), health_fields, ARRAY_SIZE(health_fields), "health.recorded",
	"health.updated", true, false, NULL, NULL,
};
const struct rec_kind prot_risk = {
	"risk", "risk", N_("Security risk assessments"),
	N_("Security risk assessment"), N_("Record a risk assessment"),
	risk_fields, ARRAY_SIZE(risk_fields),
	"risk.assessed", NULL, false, true, risk_check, risk_after,
};
const struct rec_kind prot_le = {
	"le_referral", "le-referrals", N_("Law-enforcement referrals"),
	N_("Law-enforcement referral"),
	N_("Record a law-enforcement referral"), le_fields, ARRAY_SIZE(le_fields),
	"le.referred", "le.updated", false, false, le_check, le_after,
};

static const struct rec_kind *const all_kinds[] = {
	&prot_service, &prot_plan, &prot_stay, &prot_risk, &prot_le,
	&prot_health,
};

const struct rec_kind *const *
protection_page_kinds(size_t *n)
{
	*n = ARRAY_SIZE(all_kinds) - 1;
	return all_kinds;
}

const struct rec_kind *
protection_kind_by_path(const char *path)
{
	for (size_t i = 0; path && i < ARRAY_SIZE(all_kinds); i++)
		if (strcmp(all_kinds[i]->path, path) == 0)
			return all_kinds[i];
	return NULL;
}

const struct rec_kind *
protection_kind_by_name(const char *name)
{
	for (size_t i = 0; name && i < ARRAY_SIZE(all_kinds); i++)
		if (strcmp(all_kinds[i]->name, name) == 0)
			return all_kinds[i];
	return NULL;
}

/* --- shelter stays: one shelter at a time, capacity --- */

/* The nights [a, b) of a stay: b is INT64_MAX while it is open. These
 * are what occupancy counts: the day of discharge is not a night. */
static void
nights(const char *d1, const char *d2, int64_t *a, int64_t *b)
{
	*a = caserec_day(d1);
	*b = *d2 ? caserec_day(d2) : INT64_MAX;
}

/*
 * The days [a, b) a stay holds the person: its nights, and for a stay
 * discharged on the day of its admission that one day. No two stays of
 * a person may share a day, so a same-day stay is not taken while
 * another stay is open or covers that night.
 */
static void
stay_days(const char *d1, const char *d2, int64_t *a, int64_t *b)
{
	nights(d1, d2, a, b);
	if (*a != DATE_NONE && *b != DATE_NONE && *b <= *a)
		*b = *a + 1;
}

struct overlap {
	int64_t self, a, b;
	bool hit, open;
};

static int
overlap_cb(void *arg, const struct case_record *rec)
{
	struct overlap *o = arg;
	int64_t a, b;

	if (rec->id == o->self)
		return 0;
	stay_days(rec->d1, rec->d2, &a, &b);
	if (a != DATE_NONE && b != DATE_NONE && a < o->b && o->a < b) {
		o->hit = true;
		o->open = rec->d2[0] == '\0';
		return 1;
	}
	return 0;
}

/*
 * A person is in one shelter at a time: refuses a stay (new or changed)
 * that shares a day with another of the case's stays (stay_days()). At
 * "shelter" when the other stay is still open, else at "admitted".
 * 1 when refused, 0 when not, -1 on failure.
 */
static int
stay_overlaps(struct rec_ctx *x, const char *admitted, const char *discharged)
{
	struct overlap o = { .self = x->id };

	stay_days(admitted, discharged, &o.a, &o.b);
	if (o.a == DATE_NONE || o.b == DATE_NONE)
		return 0;
	if (db_record_list(x->r->app->db, x->c->id, x->k->name, overlap_cb,
	    &o) != DB_OK)
		return -1;
	if (!o.hit)
		return 0;
	if (o.open)
		json_object_set_new(x->errors, "shelter", json_string(
		    _("This person is still in a shelter: record the "
		    "discharge from it before a new admission.")));
	else
		json_object_set_new(x->errors, "admitted", json_string(
		    _("This stay overlaps another stay of the same person: a "
		    "person is in one shelter at a time.")));
	return 1;
}

/*
 * Whether the shelter is full on a night of [a, b) as it is stored: 1
 * with the places taken and the day, 0 when there is room on every
 * night, -1 on failure.
 */
static int
full_night_in(struct rec_ctx *x, const struct shelter *s, int64_t a,
    int64_t b, int64_t *taken, char day[11])
{
	int64_t counts[366];
	char from[11];
	size_t n, i;

	for (; a < b; a += (int64_t)n) {
		n = (size_t)(b - a > 366 ? 366 : b - a);
		caserec_day_str(a, from);
		if (protection_occupancy(x->r->app->db, s->id, from, n,
		    counts) < 0)
			return -1;
		for (i = 0; i < n; i++)
			if (protection_full(s->capacity, counts[i])) {
				*taken = counts[i];
				caserec_day_str(a + (int64_t)i, day);
				return 1;
			}
	}
	return 0;
}

/*
 * Whether the shelter is full on a night the stay adds: a new stay's
 * nights up to today, or the nights a change adds to those the stay had
 * (an earlier admission, a later discharge, a discharge taken away). A
 * discharge, or one made earlier, only frees places and is never
 * refused. Those nights are not the stay's yet, so the stored counts are
 * the others'. 1 with the places taken and the day, 0, -1 on failure.
 */
static int
stay_full_night(struct rec_ctx *x, const struct shelter *s,
    const char *admitted, const char *discharged, int64_t *taken,
    char day[11])
{
	int64_t a, b, oa, ob, end;
	char today[11];
	int rc;

	nights(admitted, discharged, &a, &b);
	caserec_today(x->r, today);
	/* Nights to come are not known yet: an open stay counts to today. */
	end = caserec_day(today) + 1;
	if (b > end)
		b = end;
	if (a == DATE_NONE || b == DATE_NONE || b <= a)
		return 0;
	if (x->old == NULL)
		return full_night_in(x, s, a, b, taken, day);
	nights(caserec_str(x->old, "admitted"),
	    caserec_str(x->old, "discharged"), &oa, &ob);
	if (oa == DATE_NONE || ob == DATE_NONE || ob <= oa)
		return full_night_in(x, s, a, b, taken, day);
	/* [a, b) less [oa, ob): what lies before the old nights, then after. */
	if ((rc = full_night_in(x, s, a, b < oa ? b : oa, taken, day)) != 0)
		return rc;
	return full_night_in(x, s, a > ob ? a : ob, b, taken, day);
}

/* A person who has left on a return is not admitted again by the office
 * they left until they are recorded as arrived. 1 when refused. */
static int
stay_in_transit(struct rec_ctx *x)
{
	struct shelter s;
	int64_t from;
	int rc;

	if (x->old)
		return 0;
	rc = moves_in_transit(x->r->app->db, x->c->id, &from);
	if (rc <= 0)
		return rc;
	rc = db_shelter_get(x->r->app->db,
	    json_integer_value(json_object_get(x->rec, "shelter")), &s);
	if (rc != DB_OK)
		return rc == DB_ERROR ? -1 : 0;
	if (s.office_id != from)
		return 0;
	json_object_set_new(x->errors, "shelter", json_string(_("This person "
	    "has left on a return and is not yet recorded as arrived: the "
	    "office they left cannot admit them to a shelter.")));
	return 1;
}

static int
stay_check(struct rec_ctx *x)
{
	struct shelter s;
	const char *admitted = caserec_str(x->rec, "admitted");
	const char *discharged = caserec_str(x->rec, "discharged");
	int64_t taken = 0;
	char full_on[11];
	int rc;

	if (json_object_get(x->errors, "shelter") ||
	    json_object_get(x->errors, "admitted") ||
	    json_object_get(x->errors, "discharged"))
		return 0;
	if ((rc = stay_in_transit(x)) != 0)
		return rc < 0 ? -1 : 0;
	if (x->old && *caserec_str(x->old, "discharged") == '\0' &&
	    *discharged) {
		x->event = "shelter.discharged";
		x->on_date = discharged;
	}
	if ((rc = stay_overlaps(x, admitted, discharged)) != 0)
		return rc < 0 ? -1 : 0;
	rc = db_shelter_get(x->r->app->db,
	    json_integer_value(json_object_get(x->rec, "shelter")), &s);
	if (rc != DB_OK)
		return rc == DB_ERROR ? -1 : 0;
	if ((rc = stay_full_night(x, &s, admitted, discharged, &taken,
	    full_on)) <= 0)
		return rc;
	if (!x->confirm) {
		/* Full, or past full: more stays than places. */
		x->warning = taken > s.capacity ?
		    arena_printf(x->r->arena, P_("The shelter is over capacity "
		    "on %s: %lld people stay in its %lld place. Confirm to "
		    "admit all the same.", "The shelter is over capacity on "
		    "%s: %lld people stay in its %lld places. Confirm to admit "
		    "all the same.", s.capacity), full_on, (long long)taken,
		    (long long)s.capacity) :
		    arena_printf(x->r->arena, P_("The shelter is full on %s: "
		    "its %lld place is taken. Confirm to admit all the same.",
		    "The shelter is full on %s: all %lld places are taken. "
		    "Confirm to admit all the same.", s.capacity), full_on,
		    (long long)s.capacity);
		return 0;
	}
	json_object_set_new(x->rec, "over_capacity", json_true());
	return 0;
}

bool
protection_full(int64_t capacity, int64_t occupied)
{
	return occupied >= capacity;
}

int64_t
protection_free(int64_t capacity, int64_t occupied)
{
	return occupied < capacity ? capacity - occupied : 0;
}

int
protection_in_shelter(struct db *db, int64_t case_id)
{
	int64_t id;
	int rc = db_record_open(db, case_id, prot_stay.name, &id);

	return rc == DB_OK ? 1 : rc == DB_NOTFOUND ? 0 : -1;
}

int64_t
protection_occupied(struct db *db, int64_t shelter_id, const char *day)
{
	int64_t n = 0;

	if (protection_occupancy(db, shelter_id, day, 1, &n) < 0)
		return -1;
	return n;
}

struct occ_ctx {
	int64_t first;
	size_t ndays;
	int64_t *counts;
};

static int
occ_cb(void *arg, const char *d1, const char *d2)
{
	struct occ_ctx *x = arg;
	int64_t a = caserec_day(d1), b = *d2 ? caserec_day(d2) :
	    x->first + (int64_t)x->ndays;

	if (a == DATE_NONE || b == DATE_NONE)
		return 0;
	if (a < x->first)
		a = x->first;
	if (b > x->first + (int64_t)x->ndays)
		b = x->first + (int64_t)x->ndays;
	/* The day of discharge is not a night in the shelter. */
	for (; a < b; a++)
		x->counts[a - x->first]++;
	return 0;
}

int
protection_occupancy(struct db *db, int64_t shelter_id, const char *from,
    size_t ndays, int64_t *counts)
{
	struct occ_ctx x = { caserec_day(from), ndays, counts };
	char to[11];

	if (x.first == DATE_NONE || ndays == 0 || ndays > 366)
		return error("protection: bad occupancy period");
	memset(counts, 0, ndays * sizeof(*counts));
	caserec_day_str(x.first + (int64_t)ndays - 1, to);
	return db_record_spans(db, prot_stay.name, shelter_id, from, to, occ_cb,
	    &x) == DB_OK ? 0 : -1;
}

struct office_occ {
	struct db *db;
	const char *day;
	protection_occ_cb cb;
	void *arg;
	bool failed;
};

static int
office_occ_cb(void *arg, const struct shelter *s)
{
	struct office_occ *x = arg;
	struct shelter_occupancy o = { s->id, s->name, s->capacity, 0 };

	if (s->disabled)
		return 0;
	if ((o.occupied = protection_occupied(x->db, s->id, x->day)) < 0) {
		x->failed = true;
		return 1;
	}
	return x->cb(x->arg, &o);
}

int
protection_office_occupancy(struct db *db, int64_t office_id,
    const char *day, protection_occ_cb cb, void *arg)
{
	struct office_occ x = { db, day, cb, arg, false };

	if (!date_valid(day))
		return error("protection: bad day");
	if (db_shelter_list(db, office_id, office_occ_cb, &x) != DB_OK ||
	    x.failed)
		return -1;
	return 0;
}

/* --- security risk: the latest assessment decides the high-risk mark --- */

struct latest_ctx {
	char d1[11];
	int64_t id;
	char level[DB_REC_STATE_MAX];
};

static int
latest_cb(void *arg, const struct case_record *rec)
{
	struct latest_ctx *x = arg;

	/* By assessment date, then by order of recording. */
	if (strcmp(rec->d1, x->d1) >= 0) {
		snprintf(x->d1, sizeof(x->d1), "%s", rec->d1);
		snprintf(x->level, sizeof(x->level), "%s", rec->state);
		x->id = rec->id;
	}
	return 0;
}

/*
 * An assessment dated before the latest one does not set the risk level;
 * one of another level is confirmed first, so that a backdated High is
 * never taken for a case made high-risk.
 */
static int
risk_check(struct rec_ctx *x)
{
	struct latest_ctx l = { "", 0, "" };
	const char *date = caserec_str(x->rec, "date");
	const char *level = caserec_str(x->rec, "level");
	const char *now;

	if (x->confirm || json_object_get(x->errors, "date") ||
	    json_object_get(x->errors, "level"))
		return 0;
	if (db_record_list(x->r->app->db, x->c->id, x->k->name, latest_cb,
	    &l) != DB_OK)
		return -1;
	if (l.d1[0] == '\0' || strcmp(date, l.d1) >= 0 ||
	    strcmp(level, l.level) == 0)
		return 0;
	now = code_label(CL_RISK_LEVEL, l.level);
	x->warning = arena_printf(x->r->arena, _("An assessment dated %s is "
	    "more recent: this one will not change the case's risk level, "
	    "which stays %s. Confirm to record it all the same."), l.d1,
	    now ? now : l.level);
	return 0;
}

static int
risk_after(struct rec_ctx *x)
{
	struct latest_ctx l = { "", 0, "" };
	bool high;

	if (db_record_list(x->r->app->db, x->c->id, x->k->name, latest_cb,
	    &l) != DB_OK)
		return -1;
	high = strcmp(l.level, "High") == 0;
	if (high == x->c->high_risk)
		return 0;
	if (db_case_set_high_risk(x->r->app->db, x->c->id, high) != DB_OK)
		return -1;
	if (timeline_add(x->r, x->c->id, high ? "case.high_risk" :
	    "case.risk_lowered", x->id, NULL, false,
	    json_pack("{s:s}", "risk_level", l.level)) < 0)
		return -1;
	return audit(x->r, "case.high_risk", x->c->id, NULL,
	    json_pack("{s:b,s:b}", "old", x->c->high_risk, "new", high));
}

const struct input_field protection_disclose_keys[] = {
	{ "date", JT_TEXT, N_("Give a date as YYYY-MM-DD."), NULL, 0 },
	{ "shared", JT_ARRAY, N_("Choose what is shared."), NULL, JT_TEXT },
	{ "version", JT_INT, N_("Give the version you read."), NULL, 0 },
	{ NULL, 0, NULL, NULL, 0 },
};

/* --- law enforcement: consent, the right kind of body, disclosures --- */

int
protection_le_consent(struct req *r, const struct case_row *c,
    const char *on)
{
	json_t *file = casefile_load(r, c), *cons, *last;
	size_t n;
	int yes;

	if (file == NULL)
		return -1;
	cons = json_object_get(file, "consents");
	n = json_array_size(cons);
	last = n > 0 ? json_array_get(cons, n - 1) : NULL;
	yes = last && strcmp(casefile_str(last,
	    "con_ConsentToShareWithLawEnforcement"), "Yes") == 0;
	/* Nothing is shared on a day before the consent that allows it. */
	if (yes && on && *on && strcmp(on, casefile_str(last, "con_Date")) < 0)
		yes = 2;
	json_decref(file);
	return yes;
}

static const char *
consent_msg(int yes)
{
	if (yes == 2)
		return _("The person consented to this sharing only after that "
		    "date: date it on or after the consent. Nothing was shared "
		    "or saved.");
	return _("The person has not consented to sharing their case with "
	    "law enforcement: their latest consent record must say Yes to it. "
	    "Nothing was shared or saved.");
}

static int
le_check(struct rec_ctx *x)
{
	struct organisation o;
	int rc;

	if (json_object_get(x->rec, "proceedings_status") == NULL)
		json_object_set_new(x->rec, "proceedings_status",
		    json_string("Referred"));
	if (x->old)
		return 0;
	if (json_object_get(x->errors, "organisation") == NULL) {
		rc = db_org_get(x->r->app->db, json_integer_value(
		    json_object_get(x->rec, "organisation")), &o);
		if (rc == DB_ERROR)
			return -1;
		if (rc == DB_OK && strcmp(o.type, "LawEnforcement") != 0 &&
		    strcmp(o.type, "ProsecutionService") != 0)
			json_object_set_new(x->errors, "organisation",
			    json_string(_("Choose a police or prosecution "
			    "organisation.")));
	}
	if ((rc = protection_le_consent(x->r, x->c,
	    caserec_str(x->rec, "date"))) < 0)
		return -1;
	if (rc != 1)
		json_object_set_new(x->errors, "consent",
		    json_string(consent_msg(rc)));
	return 0;
}

static int
le_disclosure_audit(struct req *r, int64_t case_id, int64_t rec_id,
    int64_t org, json_t *shared)
{
	char object[64];

	snprintf(object, sizeof(object), "le_referral:%lld",
	    (long long)rec_id);
	return audit(r, "le.disclosure", case_id, object,
	    json_pack("{s:I,s:O}", "organisation", (json_int_t)org, "shared",
	    shared));
}

static int
le_after(struct rec_ctx *x)
{
	if (x->old)
		return 0;
	return le_disclosure_audit(x->r, x->c->id, x->id,
	    json_integer_value(json_object_get(x->rec, "organisation")),
	    json_object_get(x->rec, "shared"));
}

int
protection_disclose(struct req *r, const struct case_row *c,
    int64_t rec_id, int version, json_t *in, json_t **errors)
{
	struct case_record row;
	json_t *body = NULL, *shared, *v, *list, *d;
	const char *date, *p;
	char today[11];
	int rc = -1, dbrc;
	size_t i;

	*errors = json_object();
	memset(&row, 0, sizeof(row));
	if (!json_is_object(in)) {
		json_object_set_new(*errors, "record",
		    json_string(_("Send the record as a JSON object.")));
		return 1;
	}
	members(in, protection_disclose_keys, *errors);
	if (db_begin(r->app->db) != DB_OK)
		goto fail;
	dbrc = caserec_get(r, rec_id, prot_le.name, &row, &body);
	if (dbrc == DB_ERROR)
		goto out;
	/* A referral of another case than c is not one of c's: missing. */
	if (dbrc != DB_OK || row.case_id != c->id) {
		rc = 3;
		goto out;
	}
	if (row.version != version) {
		rc = 2;
		goto out;
	}
	caserec_today(r, today);
	date = json_string_value(json_object_get(in, "date"));
	if (input_blank(date))
		date = today;
	if ((p = input_date(date, INPUT_DATE_PAST, today)) != NULL)
		err_put(*errors, "date", p);
	else if (strcmp(date, caserec_str(body, "date")) < 0)
		err_put(*errors, "date",
		    _("This date comes before the referral."));
	shared = json_object_get(in, "shared");
	if (!json_is_array(shared) || json_array_size(shared) == 0 ||
	    json_array_size(shared) > 16)
		err_put(*errors, "shared", _("Choose what is shared."));
	else
		json_array_foreach(shared, i, v)
			if (!code_valid(CL_LE_SHARED, json_string_value(v)))
				err_put(*errors, "shared",
				    _("Choose values from the list."));
	if (json_object_size(*errors) == 0) {
		int yes = protection_le_consent(r, c, date);

		if (yes < 0)
			goto out;
		if (yes != 1)
			json_object_set_new(*errors, "consent",
			    json_string(consent_msg(yes)));
	}
	if (json_object_size(*errors) > 0) {
		rc = 1;
		goto out;
	}
	if ((list = json_object_get(body, "disclosures")) == NULL) {
		list = json_array();
		json_object_set_new(body, "disclosures", list);
	}
	d = json_pack("{s:s,s:O}", "date", date, "shared", shared);
	json_array_append_new(list, d);
	dbrc = caserec_write(r, &prot_le, &row, body);
	if (dbrc == DB_CONFLICT) {
		rc = 2;
		goto out;
	}
	if (dbrc != DB_OK ||
	    timeline_add(r, c->id, "le.disclosed", row.id, date, false,
	    json_pack("{s:O}", "shared_data", shared)) < 0 ||
	    le_disclosure_audit(r, c->id, row.id, row.ref_id, shared) < 0)
		goto out;
	if (db_commit(r->app->db) != DB_OK)
		goto fail;
	json_decref(body);
	json_decref(*errors);
	*errors = NULL;
	return 0;
out:
	db_rollback(r->app->db);
fail:
	json_decref(body);
	if (rc != 1) {
		json_decref(*errors);
		*errors = NULL;
	}
	return rc;
}

/* --- organisations --- */

json_t *
protection_org_json(const struct organisation *o)
{
	return json_pack("{s:I,s:s,s:s,s:s?,s:s?,s:s?,s:b}", "id",
	    (json_int_t)o->id, "name", o->name, "type", o->type, "country",
	    *o->country ? o->country : NULL, "city", *o->city ? o->city : NULL,
	    "phone", *o->phone ? o->phone : NULL, "disabled", o->disabled);
}

/* A text member of in, trimmed of surrounding white space: *out kept when
 * absent; "" for null or white space only. 0, 1 (with an error) when it
 * is not text of at most NAME_MAX_CHARS on one line, -1 when out of
 * memory. */
static int
text_member(struct req *r, json_t *in, const char *key, char *out,
    size_t size, json_t *errors)
{
	json_t *v = json_object_get(in, key);
	const char *s;

	if (v == NULL || json_object_get(errors, key))
		return 0;
	if (json_is_null(v)) {
		out[0] = '\0';
		return 0;
	}
	if ((s = input_trim(r->arena, json_string_value(v))) == NULL)
		return -1;
	if (input_text(s, NAME_MAX_CHARS, INPUT_ONE_LINE) != INPUT_TEXT_OK ||
	    strlen(s) >= size) {
		err_put(errors, key, _("Give a text of at most 200 characters "
		    "on one line."));
		return 1;
	}
	snprintf(out, size, "%s", s);
	return 0;
}

/*
 * Whether names a and b are the same to a reader: compared as name
 * search compares people's names (vault_name_normalise(): case and
 * accents folded, runs of spaces and punctuation as one). Names with no
 * letter or digit are compared as they are.
 */
static bool
same_name(const char *a, const char *b)
{
	struct buf fa = BUF_INIT(4096), fb = BUF_INIT(4096);
	bool same;

	if (vault_name_normalise(a, &fa) < 0 ||
	    vault_name_normalise(b, &fb) < 0 || fa.len == 0 || fb.len == 0)
		same = strcmp(a, b) == 0;
	else
		same = strcmp(buf_cstr(&fa), buf_cstr(&fb)) == 0;
	buf_release(&fa);
	buf_release(&fb);
	return same;
}

/* In international format, as docs/api.md says: + and 2 to 15 digits,
 * the first not 0. */
static bool
phone_ok(const char *s)
{
	size_t n = 0;

	if (*s++ != '+')
		return false;
	if (*s < '1' || *s > '9')
		return false;
	for (; *s; s++, n++)
		if (*s < '0' || *s > '9')
			return false;
	return n >= 2 && n <= 15;
}

/* Whether a name is taken by another organisation of its country or
 * shelter of its office. */
struct taken {
	int64_t id;		/* the one being saved, 0 when new */
	const char *name;
	const char *country;	/* organisations */
	bool hit;
};

static int
org_taken_cb(void *arg, const struct organisation *o)
{
	struct taken *t = arg;

	t->hit = o->id != t->id && strcmp(o->country, t->country) == 0 &&
	    same_name(o->name, t->name);
	return t->hit;
}

int
protection_org_save(struct req *r, struct organisation *o, json_t *in,
    json_t **errors)
{
	static const struct input_field keys[] = {
		{ "name", JT_TEXT, NULL, NULL, 0 },
		{ "type", JT_TEXT, N_("Choose a value from the list."), NULL, 0 },
		{ "country", JT_TEXT, N_("Give a country as its ISO code, such "
		    "as TH."), NULL, 0 },
		{ "city", JT_TEXT, NULL, NULL, 0 },
		{ "phone", JT_TEXT, NULL, NULL, 0 },
		{ "disabled", JT_BOOL, NULL, NULL, 0 },
		{ NULL, 0, NULL, NULL, 0 },
	};
	struct organisation n = *o;
	struct taken t;
	bool create = o->id == 0;
	json_t *v;
	int rc;

	*errors = json_object();
	if (!json_is_object(in)) {
		err_put(*errors, "name",
		    _("Send the organisation as a JSON object."));
		return 1;
	}
	members(in, keys, *errors);
	if (text_member(r, in, "name", n.name, sizeof(n.name), *errors) < 0 ||
	    text_member(r, in, "city", n.city, sizeof(n.city), *errors) < 0)
		goto fail;
	if (n.name[0] == '\0')
		err_put(*errors, "name", _("This field is required."));
	if ((v = json_object_get(in, "type")) != NULL && json_is_null(v)) {
		n.type[0] = '\0';
	} else if (v) {
		if (!code_valid(CL_ORG_TYPE, json_string_value(v)))
			err_put(*errors, "type",
			    _("Choose a value from the list."));
		else
			snprintf(n.type, sizeof(n.type), "%s",
			    json_string_value(v));
	}
	if (n.type[0] == '\0')
		err_put(*errors, "type", _("This field is required."));
	if ((v = json_object_get(in, "country")) != NULL) {
		if (json_is_null(v) || input_blank(json_string_value(v)))
			n.country[0] = '\0';
		else if (!country_valid(json_string_value(v)))
			err_put(*errors, "country",
			    _("Give a country as its ISO code, such as TH."));
		else
			snprintf(n.country, sizeof(n.country), "%s",
			    json_string_value(v));
	}
	if ((v = json_object_get(in, "phone")) != NULL &&
	    !json_object_get(*errors, "phone")) {
		const char *ph = json_is_string(v) ?
		    input_trim(r->arena, json_string_value(v)) : "";

		if (ph == NULL)
			goto fail;
		if (*ph == '\0')
			n.phone[0] = '\0';
		else if (!phone_ok(ph))
			err_put(*errors, "phone",
			    _("Give a phone number in international format: + "
			    "and 2 to 15 digits, such as +6621234567."));
		else
			snprintf(n.phone, sizeof(n.phone), "%s", ph);
	}
	if ((v = json_object_get(in, "disabled")) != NULL && json_is_boolean(v))
		n.disabled = json_is_true(v);
	if (json_object_size(*errors) > 0)
		return 1;
	n.updated_at = r->now;
	if (create)
		n.created_at = r->now;
	if (db_begin(r->app->db) != DB_OK)
		goto fail;
	/* Within the write lock, so two at once cannot both pass. */
	t = (struct taken){ n.id, n.name, n.country, false };
	rc = db_org_list(r->app->db, org_taken_cb, &t);
	if (rc == DB_OK && t.hit)
		rc = DB_CONFLICT;
	else if (rc == DB_OK)
		rc = create ? db_org_add(r->app->db, &n) :
		    db_org_update(r->app->db, &n);
	if (rc == DB_CONFLICT) {
		db_rollback(r->app->db);
		err_put(*errors, "name", _("An "
		    "organisation of this name exists in this country."));
		return 1;
	}
	if (rc != DB_OK || audit(r, create ? "org.create" : "org.update", 0,
	    arena_printf(r->arena, "organisation:%lld", (long long)n.id),
	    json_pack("{s:s}", "org_type", n.type)) < 0 ||
	    db_commit(r->app->db) != DB_OK) {
		db_rollback(r->app->db);
		goto fail;
	}
	*o = n;
	json_decref(*errors);
	*errors = NULL;
	return 0;
fail:
	json_decref(*errors);
	*errors = NULL;
	return -1;
}

/* --- shelters --- */

bool
protection_registry_read(const struct req *r)
{
	return r->authed && (user_can(&r->user, PERM_CASE_READ) ||
	    user_can(&r->user, PERM_REGISTRY));
}

int64_t
protection_shelter_office(const struct req *r)
{
	if (!protection_registry_read(r))
		return -1;
	switch (user_scope(&r->user)) {
	case SCOPE_OFFICE:
		return r->user.office_id;
	case SCOPE_ALL:
	case SCOPE_REFERRED:
		return 0;
	case SCOPE_NONE:
	default:
		/* No cases, but the registry to manage: every office's. */
		return user_can(&r->user, PERM_REGISTRY) ? 0 : -1;
	}
}

bool
protection_shelter_ok(const struct req *r, const struct shelter *s,
    bool manage)
{
	int64_t office = protection_shelter_office(r);

	if (office < 0 || (manage && !user_can(&r->user, PERM_REGISTRY)))
		return false;
	return office == 0 || s == NULL || s->office_id == office;
}

json_t *
protection_shelter_json(struct req *r, const struct shelter *s)
{
	char today[11];
	int64_t n;

	caserec_today(r, today);
	if ((n = protection_occupied(r->app->db, s->id, today)) < 0)
		return NULL;
	return json_pack("{s:I,s:s,s:s,s:s?,s:I,s:I,s:b,s:b,s:o?}", "id",
	    (json_int_t)s->id, "office", s->office_code, "name", s->name,
	    "city", *s->city ? s->city : NULL, "capacity",
	    (json_int_t)s->capacity, "occupied", (json_int_t)n, "full",
	    protection_full(s->capacity, n), "disabled", s->disabled, "organisation",
	    s->org_id ? json_integer(s->org_id) : NULL);
}

/* The list is of the shelter's office. */
static int
shelter_taken_cb(void *arg, const struct shelter *s)
{
	struct taken *t = arg;

	t->hit = s->id != t->id && same_name(s->name, t->name);
	return t->hit;
}

int
protection_shelter_save(struct req *r, struct shelter *s, json_t *in,
    json_t **errors)
{
	static const struct input_field keys[] = {
		{ "name", JT_TEXT, NULL, NULL, 0 },
		{ "city", JT_TEXT, NULL, NULL, 0 },
		{ "capacity", JT_INT, N_("Give the number of places, from 1 to "
		    "100000."), NULL, 0 },
		{ "office", JT_TEXT, N_("Choose an office from the list."), NULL,
		    0 },
		{ "organisation", JT_INT, N_("Give the organisation's id, a "
		    "whole number."), NULL, 0 },
		{ "disabled", JT_BOOL, NULL, NULL, 0 },
		{ NULL, 0, NULL, NULL, 0 },
	};
	bool create = s->id == 0;
	struct shelter n;
	struct office of;
	struct organisation o;
	struct taken t;
	json_t *v;
	const char *code;
	int rc;

	if (create)
		memset(&n, 0, sizeof(n));
	else
		n = *s;
	*errors = json_object();
	if (!json_is_object(in)) {
		err_put(*errors, "name",
		    _("Send the shelter as a JSON object."));
		return 1;
	}
	members(in, keys, *errors);
	if (text_member(r, in, "name", n.name, sizeof(n.name), *errors) < 0 ||
	    text_member(r, in, "city", n.city, sizeof(n.city), *errors) < 0)
		goto fail;
	if (n.name[0] == '\0')
		err_put(*errors, "name", _("This field is required."));
	/* A number of places is a JSON number: "5" is refused as its type. */
	if ((v = json_object_get(in, "capacity")) != NULL || create) {
		n.capacity = json_is_integer(v) ? json_integer_value(v) : -1;
		/* A shelter of no places has no use: it is disabled
		 * instead, which keeps its stays and history. */
		if (n.capacity == 0)
			err_put(*errors, "capacity",
			    _("A shelter has at least 1 place: to take it out "
			    "of use, disable it."));
		else if (n.capacity < 0 || n.capacity > CAPACITY_MAX)
			err_put(*errors, "capacity",
			    _("Give the number of places, from 1 to 100000."));
	}
	code = json_string_value(json_object_get(in, "office"));
	if (!create) {
		rc = db_office_get(r->app->db, n.office_id, &of);
		if (code && *code && strcmp(code, of.code) != 0)
			err_put(*errors, "office",
			    _("A shelter stays with its office."));
	} else if (code == NULL || *code == '\0') {
		n.office_id = r->user.office_id;
		rc = db_office_get(r->app->db, n.office_id, &of);
	} else {
		rc = db_office_by_code(r->app->db, code, &of);
	}
	if (rc == DB_ERROR)
		goto fail;
	if (rc != DB_OK)
		err_put(*errors, "office",
		    _("Choose an office from the list."));
	else
		n.office_id = of.id;
	if (rc == DB_OK && !protection_shelter_ok(r, &n, true))
		err_put(*errors, "office",
		    _("You can only manage shelters of your own office."));
	v = json_object_get(in, "organisation");
	if (v && json_is_null(v)) {
		n.org_id = 0;
	} else if (json_is_integer(v)) {
		rc = db_org_get(r->app->db, json_integer_value(v), &o);
		if (rc == DB_ERROR)
			goto fail;
		if (rc != DB_OK)
			err_put(*errors, "organisation",
			    _("This organisation does not exist."));
		else
			n.org_id = o.id;
	}
	if ((v = json_object_get(in, "disabled")) != NULL) {
		/* A new shelter is in use: it is disabled by a change. */
		if (create && !json_is_null(v))
			err_put(*errors, "disabled", _("A new shelter is in use: "
			    "leave out disabled."));
		else if (json_is_boolean(v))
			n.disabled = json_is_true(v);
	}
	if (json_object_size(*errors) > 0)
		return 1;
	if (create)
		n.created_at = r->now;
	if (db_begin(r->app->db) != DB_OK)
		goto fail;
	t = (struct taken){ n.id, n.name, NULL, false };
	rc = db_shelter_list(r->app->db, n.office_id, shelter_taken_cb, &t);
	if (rc == DB_OK && t.hit)
		rc = DB_CONFLICT;
	else if (rc == DB_OK)
		rc = create ? db_shelter_add(r->app->db, &n) :
		    db_shelter_update(r->app->db, &n);
	if (rc == DB_CONFLICT) {
		db_rollback(r->app->db);
		err_put(*errors, "name",
		    _("This office has a shelter of this name."));
		return 1;
	}
	if (rc != DB_OK || audit(r, create ? "shelter.create" :
	    "shelter.update", 0, arena_printf(r->arena, "shelter:%lld",
	    (long long)n.id), json_pack("{s:s,s:I}", "office", of.code,
	    "count", (json_int_t)n.capacity)) < 0 ||
	    db_commit(r->app->db) != DB_OK) {
		db_rollback(r->app->db);
		goto fail;
	}
	snprintf(n.office_code, sizeof(n.office_code), "%s", of.code);
	*s = n;
	json_decref(*errors);
	*errors = NULL;
	return 0;
fail:
	json_decref(*errors);
	*errors = NULL;
	return -1;
}
