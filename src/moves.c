/*
 * moves.c - voluntary return, handover between offices, reintegration.
 *
 * Who does what: the office that holds a case asks for its return and
 * takes it through counselling, travel planning and departure, and asks
 * for the handover to the destination office; the destination office's
 * manager accepts (choosing an assignee) or declines; once the case is
 * in the destination office, that office records the arrival and
 * reception, which schedules the monitoring visits. The origin office
 * then keeps history access only (cases_open_history()).
 */
#include "compat.h"

#include <ctype.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "date.h"
#include "audit.h"
#include "casefile.h"
#include "cases.h"
#include "catalogue.h"
#include "i18n.h"
#include "input.h"
#include "isocodes.h"
#include "log.h"
#include "money.h"
#include "moves.h"
#include "protection.h"
#include "timeline.h"
#include "vault.h"

#define BODY_MAX (256 * 1024)
#define NOTE_MAX 4000		/* characters of a note */
#define PLACE_MAX 200
#define LEGS_MAX 10
#define PACKAGES_MAX 20
#define SCHEDULE_KEY "reintegration.schedule"

enum stage {
	ST_REQUESTED,
	ST_COUNSELLED,
	ST_PLANNED,
	ST_DEPARTED,
	ST_ARRIVED,
	ST_CANCELLED,
	ST__MAX
};

static const char *const stage_codes[ST__MAX] = {
	[ST_REQUESTED] = "Requested",
	[ST_COUNSELLED] = "Counselled",
	[ST_PLANNED] = "Planned",
	[ST_DEPARTED] = "Departed",
	[ST_ARRIVED] = "Arrived",
	[ST_CANCELLED] = "Cancelled",
};

static const char *const stage_events[ST__MAX] = {
	[ST_REQUESTED] = "return.requested",
	[ST_COUNSELLED] = "return.counselled",
	[ST_PLANNED] = "return.planned",
	[ST_DEPARTED] = "return.departed",
	[ST_ARRIVED] = "return.arrived",
	[ST_CANCELLED] = "return.cancelled",
};

static int
stage_of(const char *s)
{
	int i;

	for (i = 0; s && i < ST__MAX; i++)
		if (strcmp(s, stage_codes[i]) == 0)
			return i;
	return -1;
}

static bool
stage_open(int s)
{
	return s >= 0 && s != ST_ARRIVED && s != ST_CANCELLED;
}

/* --- pure schedule computation --- */

int
moves_add_months(const char *date, int months, char out[11])
{
	int y, m, d, t;

	if (!date_parse(date, &y, &m, &d) || months < 0 || months > 1200)
		return -1;
	t = y * 12 + (m - 1) + months;
	y = t / 12;
	m = t % 12 + 1;
	if (y > 9999)
		return -1;
	if (d > date_month_days(y, m))
		d = date_month_days(y, m);
	/* In range already; the modulos tell the compiler so. */
	snprintf(out, 11, "%04u-%02u-%02u", (unsigned)y % 10000u,
	    (unsigned)m % 100u, (unsigned)d % 100u);
	return 0;
}

int
moves_schedule_parse(const char *s, int months[MOVES_SCHEDULE_MAX],
    size_t *n)
{
	const char *p = s;
	long prev = 0, v;
	char *end;

	*n = 0;
	if (s == NULL)
		return -1;
	for (;;) {
		while (*p == ' ')
			p++;
		if (!isdigit((unsigned char)*p))
			return -1;
		v = strtol(p, &end, 10);
		if (end - p > 4 || v < 1 || v > MOVES_MONTHS_MAX || v <= prev ||
		    *n >= MOVES_SCHEDULE_MAX)
			return -1;
		months[(*n)++] = (int)v;
		prev = v;
		p = end;
		while (*p == ' ')
			p++;
		if (*p == '\0')
			return 0;
		if (*p != ',')
			return -1;
		p++;
	}
}

int
moves_schedule_dates(const char *base, const int *months, size_t n,
    char out[][11])
{
	size_t i;

	for (i = 0; i < n; i++)
		if (moves_add_months(base, months[i], out[i]) < 0)
			return -1;
	return 0;
}

/* --- small helpers --- */

static int
refuse(struct moves_err *e, int status, const char *msg, const char *field)
{
	e->status = status;
	e->msg = msg;
	e->field = field;
	e->summary = NULL;
	return 1;
}

static void
today(const struct req *r, char out[11])
{
	struct tm tm;
	time_t t = (time_t)r->now;

	gmtime_r(&t, &tm);
	strftime(out, 11, "%Y-%m-%d", &tm);
}

/*
 * Refuses a body in (untrusted) that is not an object, has members spec
 * does not name (at any depth it describes: "legs[0].evil"), or one of
 * the wrong JSON type; names the first such field.
 */
static int
members(struct req *r, json_t *in, const struct input_field *spec,
    struct moves_err *e)
{
	json_t *errors, *v;
	const char *key, *msg = NULL, *field = NULL;
	bool unknown;

	if (!json_is_object(in))
		return refuse(e, 400, _("The request must be a JSON object."),
		    NULL);
	if ((errors = json_object()) == NULL)
		return -1;
	unknown = input_unknown(in, spec, errors) > 0;
	if (!unknown)
		input_types(in, spec, errors);
	json_object_foreach(errors, key, v) {
		field = arena_strdup(r->arena, key);
		msg = arena_strdup(r->arena, json_string_value(v));
		break;
	}
	json_decref(errors);
	if (field == NULL)
		return 0;
	if (msg == NULL)
		return -1;
	refuse(e, 400, msg, field);
	/* As req_fields() answers: the member's own message at it. */
	if (unknown)
		e->summary = _("The request contains unknown fields.");
	return 1;
}

/* An optional member that is a code or a short word (its type checked by
 * members()): *out NULL when absent, null or blank. */
static const char *
code_member(json_t *in, const char *key)
{
	const char *s = json_string_value(json_object_get(in, key));

	return input_blank(s) ? NULL : s;
}

/*
 * An optional free text member: *out NULL when absent, null or blank
 * (white space only: no text, so a required one is refused by its
 * caller with its own message). Refuses a non-string or more than max
 * characters.
 */
static int
text_member(struct req *r, json_t *in, const char *key, size_t max,
    const char **out, struct moves_err *e)
{
	json_t *v = json_object_get(in, key);
	const char *s;

	*out = NULL;
	if (v == NULL || json_is_null(v))
		return 0;
	if (!json_is_string(v))
		return refuse(e, 400, _("Give this as text."), key);
	s = json_string_value(v);
	switch (input_text(s, max, 0)) {
	case INPUT_TEXT_OK:
		*out = input_blank(s) ? NULL : s;
		return 0;
	case INPUT_TEXT_LONG:
		return refuse(e, 400, input_too_long(r->arena, max), key);
	case INPUT_TEXT_INVALID:
	case INPUT_TEXT_BLANK:
	case INPUT_TEXT_LINES:
	default:
		return refuse(e, 400, _("This text is not valid."), key);
	}
}

/*
 * An optional date member (default def, may be NULL); *out "" if none.
 * A planned date is at most the horizon ahead (input.h); the others'
 * callers refuse a day in the future with their own message.
 */
static int
date_member(const struct req *r, json_t *in, const char *key,
    const char *def, bool planned, char out[11], struct moves_err *e)
{
	const char *s = code_member(in, key), *p;
	char now[11];

	if (s == NULL)
		s = def;
	out[0] = '\0';
	if (s == NULL)
		return 0;
	today(r, now);
	if ((p = input_date(s, planned ? INPUT_DATE_PLANNED : INPUT_DATE_ANY,
	    now)) != NULL)
		return refuse(e, 400, p, key);
	snprintf(out, 11, "%s", s);
	return 0;
}

static int
version_member(json_t *in, int current, struct moves_err *e)
{
	json_t *v = json_object_get(in, "version");

	if (v == NULL || json_is_null(v))
		return 0;
	if (!json_is_integer(v))
		return refuse(e, 400, _("Give the version you read."),
		    "version");
	if (json_integer_value(v) != current)
		return refuse(e, 409, _("Someone else changed this record in "
		    "the meantime. Reload it and try again."), NULL);
	return 0;
}

/* in's optional member "confirm" into *yes; refuses anything but a
 * boolean. */
static int
confirm_member(json_t *in, bool *yes, struct moves_err *e)
{
	json_t *v = json_object_get(in, "confirm");

	*yes = false;
	if (v == NULL || json_is_null(v))
		return 0;
	if (!json_is_boolean(v))
		return refuse(e, 400, _("Give confirm as true or false."),
		    "confirm");
	*yes = json_is_true(v);
	return 0;
}

static json_t *
open_body(struct req *r, const char *ad, const unsigned char *blob,
    size_t len)
{
	json_t *j = vault_open_json(r->app->vault, ad, blob, len);

	if (j == NULL)
		error("moves: a record cannot be opened with this key");
	return j;
}

/* Seals j into out (BUF_INIT'd by the caller, buf_release() after). */
static int
seal_body(struct req *r, const char *ad, json_t *j, struct buf *out)
{
	return vault_seal_json(r->app->vault, ad, j, out);
}

static void
ad_of(char ad[64], const char *kind, int64_t case_id, int64_t id)
{
	snprintf(ad, 64, "%s:%lld:%lld", kind, (long long)case_id,
	    (long long)id);
}

static const char *
office_code(struct req *r, int64_t id, char out[DB_CODE_MAX])
{
	struct office o;

	out[0] = '\0';
	if (db_office_get(r->app->db, id, &o) == DB_OK)
		snprintf(out, DB_CODE_MAX, "%s", o.code);
	return out;
}

static void
set_str(json_t *o, const char *key, const char *s)
{
	if (s)
		json_object_set_new(o, key, json_string(s));
	else
		json_object_del(o, key);
}

/* o's member key (a new reference), or def (stolen) when absent. */
static json_t *
member_or(json_t *o, const char *key, json_t *def)
{
	json_t *v = json_object_get(o, key);

	if (v == NULL)
		return def;
	json_decref(def);
	return json_incref(v);
}

static json_t *
str_or_null(const char *s)
{
	return s && *s ? json_string(s) : json_null();
}

/* --- settings --- */

int
moves_schedule_get(struct req *r, int months[MOVES_SCHEDULE_MAX], size_t *n)
{
	char v[DB_META_MAX];
	int rc = db_meta_get(r->app->db, SCHEDULE_KEY, v);

	if (rc == DB_ERROR)
		return -1;
	if (rc != DB_OK || moves_schedule_parse(v, months, n) < 0)
		return moves_schedule_parse(MOVES_SCHEDULE_DEFAULT, months, n);
	return 0;
}

int
moves_schedule_set(struct req *r, const char *s, struct moves_err *e)
{
	int months[MOVES_SCHEDULE_MAX];
	char norm[DB_META_MAX], old[DB_META_MAX];
	size_t n, i, len = 0;

	if (!user_can(&r->user, PERM_ADMIN_USERS))
		return refuse(e, 403, _("Only administrators can change "
		    "settings."), NULL);
	if (s == NULL || strlen(s) > 200 || moves_schedule_parse(s, months,
	    &n) < 0)
		return refuse(e, 400, _("Give the months after arrival as "
		    "increasing whole numbers from 1 to 120, separated by "
		    "commas, such as 1,3,6,12."), "months");
	for (i = 0; i < n; i++)
		len += (size_t)snprintf(norm + len, sizeof(norm) - len, "%s%d",
		    i ? "," : "", months[i]);
	if (db_meta_get(r->app->db, SCHEDULE_KEY, old) != DB_OK)
		snprintf(old, sizeof(old), "%s", MOVES_SCHEDULE_DEFAULT);
	if (db_begin(r->app->db) != DB_OK)
		return -1;
	if (db_meta_set(r->app->db, SCHEDULE_KEY, norm) != DB_OK ||
	    audit(r, "settings.update", 0, "setting:" SCHEDULE_KEY,
	    json_pack("{s:s,s:s}", "old", old, "new", norm)) < 0) {
		db_rollback(r->app->db);
		return -1;
	}
	return db_commit(r->app->db) == DB_OK ? 0 : -1;
}

/* Schedules the visits of case_id from base, unless it has some: 1
 * scheduled, 0 it had some, -1 on failure. */
static int
schedule_visits(struct req *r, int64_t case_id, const char *base)
{
	int months[MOVES_SCHEDULE_MAX];
	char dates[MOVES_SCHEDULE_MAX][11];
	size_t n, i;
	int64_t have;

	if (db_visit_count(r->app->db, case_id, &have) != DB_OK)
		return -1;
	if (have > 0)
		return 0;
	if (moves_schedule_get(r, months, &n) < 0 ||
	    moves_schedule_dates(base, months, n, dates) < 0)
		return -1;
	for (i = 0; i < n; i++)
		if (db_visit_add(r->app->db, case_id, dates[i], r->now,
		    NULL) != DB_OK)
			return -1;
	if (timeline_add(r, case_id, "visit.scheduled", 0, base, false,
	    json_pack("{s:I,s:s}", "visits", (json_int_t)n, "date", base)) < 0)
		return -1;
	return 1;
}

/* --- the members of each body (input.h) --- */

#define F_END { NULL, 0, NULL, NULL, 0 }
#define F_TEXT(n) { n, JT_TEXT, NULL, NULL, 0 }
#define F_DATE(n) { n, JT_TEXT, N_("Give a date as YYYY-MM-DD."), NULL, 0 }
#define F_VERSION { "version", JT_INT, N_("Give the version you read."), \
	NULL, 0 }
#define F_CONFIRM { "confirm", JT_BOOL, N_("Give confirm as true or false."), \
	NULL, 0 }

static const struct input_field leg_fields[] = {
	F_TEXT("from_country"), F_TEXT("from_place"), F_TEXT("to_country"),
	F_TEXT("to_place"), F_DATE("departure_date"), F_DATE("arrival_date"),
	F_TEXT("means_of_transport"), F_TEXT("escort"),
	{ "documents_used", JT_TEXT | JT_ARRAY, N_("Unknown travel "
	    "documents."), NULL, JT_TEXT },
	F_END,
};
#define F_LEGS { "legs", JT_ARRAY, N_("Give the travel legs as a list of at " \
	"most 10."), leg_fields, JT_OBJECT }

static const struct input_field request_fields[] = {
	F_TEXT("dest_country"), F_TEXT("dest_office"), F_DATE("date"),
	F_TEXT("notes"), F_CONFIRM, F_END,
};
static const struct input_field stage_fields[] = {
	F_TEXT("stage"), F_DATE("date"), F_TEXT("notes"), F_LEGS,
	F_TEXT("received_by"), F_TEXT("reason"), F_VERSION, F_CONFIRM, F_END,
};
static const struct input_field legs_fields[] = {
	F_LEGS, F_VERSION, F_END,
};
static const struct input_field transfer_fields[] = {
	F_TEXT("to_office"), F_CONFIRM, F_END,
};
static const struct input_field decide_fields[] = {
	F_TEXT("decision"),
	{ "assigned_to", JT_INT, N_("Choose who takes the case over."), NULL,
	    0 },
	F_TEXT("reason"), F_END,
};
static const struct input_field package_fields[] = {
	F_TEXT("type"),
	{ "amount", JT_TEXT | JT_INT, N_("Give an amount as a number with at "
	    "most two decimals, together with its currency (three capital "
	    "letters)."), NULL, 0 },
	F_TEXT("currency"), F_TEXT("status"), F_END,
};
static const struct input_field reint_fields[] = {
	F_TEXT("plan_type"), F_DATE("plan_date"), F_TEXT("objectives"),
	{ "packages", JT_ARRAY, N_("Give the packages as a list of at most "
	    "20."), package_fields, JT_OBJECT },
	F_TEXT("outcome"), F_VERSION, F_END,
};
static const struct input_field visit_fields[] = {
	F_TEXT("status"), F_DATE("date"), F_TEXT("notes"), F_END,
};

/* --- return --- */

static const char *const leg_keys[] = { "from_country", "from_place",
	"to_country", "to_place", "departure_date", "arrival_date",
	"means_of_transport", "escort", "documents_used", NULL };

/* The field of leg i's member key ("legs[1].departure_date"), in r's
 * arena; "legs" when it cannot be made. */
static const char *
leg_field(struct req *r, size_t i, const char *key)
{
	const char *f = key ? arena_printf(r->arena, "legs[%zu].%s", i, key) :
	    arena_printf(r->arena, "legs[%zu]", i);

	return f ? f : "legs";
}

static int
leg_refuse(struct req *r, json_t *legs, struct moves_err *e, size_t i,
    const char *key, const char *msg)
{
	json_decref(legs);
	return refuse(e, 400, msg, leg_field(r, i, key));
}

/*
 * Checks the travel legs in v (an array) of a return asked for on
 * requested (YYYY-MM-DD) to dest_country, and returns a clean copy (new
 * reference) in *out. The legs make one journey: none departs before the
 * request or arrives before it departs, each leaves from the country
 * where the one before ended, once it has arrived, and the last ends in
 * dest_country. Refuses with the field of the leg's member at fault
 * ("legs[1].from_country"), or "legs" for the list itself.
 */
static int
parse_legs(struct req *r, json_t *v, const char *requested,
    const char *dest_country, json_t **out, struct moves_err *e)
{
	json_t *legs, *leg, *clean, *docs, *d;
	size_t i, j;
	const char *s;
	char dep[11], arr[11], prev_arr[11] = "", prev_to[3] = "";

	*out = NULL;
	if (!json_is_array(v) || json_array_size(v) > LEGS_MAX)
		return refuse(e, 400, _("Give the travel legs as a list of at "
		    "most 10."), "legs");
	legs = json_array();
	json_array_foreach(v, i, leg) {
		const char *const *k;
		const char *key;
		json_t *x;

		if (!json_is_object(leg))
			goto bad;
		json_object_foreach(leg, key, x) {
			for (k = leg_keys; *k; k++)
				if (strcmp(*k, key) == 0)
					break;
			if (*k == NULL)
				goto bad;
		}
		clean = json_object();
		json_array_append_new(legs, clean);
		if ((s = code_member(leg, "from_country")) == NULL ||
		    !country_valid(s))
			return leg_refuse(r, legs, e, i, "from_country",
			    _("Each leg needs the country it leaves from and "
			    "the country it goes to."));
		if (i > 0 && strcmp(s, prev_to) != 0)
			return leg_refuse(r, legs, e, i, "from_country",
			    _("A leg leaves from the country where the leg "
			    "before it ends."));
		set_str(clean, "from_country", s);
		if ((s = code_member(leg, "to_country")) == NULL ||
		    !country_valid(s))
			return leg_refuse(r, legs, e, i, "to_country",
			    _("Each leg needs the country it leaves from and "
			    "the country it goes to."));
		if (i + 1 == json_array_size(v) && dest_country &&
		    strcmp(s, dest_country) != 0)
			return leg_refuse(r, legs, e, i, "to_country",
			    _("The last leg ends in the country of return."));
		set_str(clean, "to_country", s);
		snprintf(prev_to, sizeof(prev_to), "%s", s);
		if (text_member(r, leg, "from_place", PLACE_MAX, &s, e))
			return leg_refuse(r, legs, e, i, "from_place", e->msg);
		set_str(clean, "from_place", s);
		if (text_member(r, leg, "to_place", PLACE_MAX, &s, e))
			return leg_refuse(r, legs, e, i, "to_place", e->msg);
		set_str(clean, "to_place", s);
		/* Travel is planned: ahead, but within the horizon. */
		if (date_member(r, leg, "departure_date", NULL, true, dep, e))
			return leg_refuse(r, legs, e, i, "departure_date",
			    e->msg);
		if (date_member(r, leg, "arrival_date", NULL, true, arr, e))
			return leg_refuse(r, legs, e, i, "arrival_date",
			    e->msg);
		if (dep[0] == '\0' || arr[0] == '\0')
			return leg_refuse(r, legs, e, i, dep[0] ?
			    "arrival_date" : "departure_date", _("Each leg "
			    "needs its departure and arrival dates, as "
			    "YYYY-MM-DD."));
		if (requested && strcmp(dep, requested) < 0)
			return leg_refuse(r, legs, e, i, "departure_date",
			    _("A leg cannot depart before the return was asked "
			    "for."));
		if (i > 0 && strcmp(dep, prev_arr) < 0)
			return leg_refuse(r, legs, e, i, "departure_date",
			    _("A leg cannot depart before the leg before it "
			    "arrives."));
		if (strcmp(arr, dep) < 0)
			return leg_refuse(r, legs, e, i, "arrival_date",
			    _("A leg cannot arrive before it departs."));
		snprintf(prev_arr, sizeof(prev_arr), "%s", arr);
		set_str(clean, "departure_date", dep);
		set_str(clean, "arrival_date", arr);
		if ((s = code_member(leg, "means_of_transport")) != NULL &&
		    !code_valid(CL_TRANSPORT, s))
			return leg_refuse(r, legs, e, i, "means_of_transport",
			    _("Unknown means of transport."));
		set_str(clean, "means_of_transport", s);
		if ((s = code_member(leg, "escort")) != NULL &&
		    !code_valid(CL_ESCORT, s))
			return leg_refuse(r, legs, e, i, "escort",
			    _("Unknown escort."));
		set_str(clean, "escort", s);
		docs = json_object_get(leg, "documents_used");
		if (docs && !json_is_null(docs)) {
			json_t *dc = json_array();

			if (json_is_string(docs)) {
				json_t *one = json_array();

				json_array_append(one, docs);
				docs = one;
			} else {
				json_incref(docs);
			}
			json_object_set_new(clean, "documents_used", dc);
			if (!json_is_array(docs) || json_array_size(docs) > 5) {
				json_decref(docs);
				return leg_refuse(r, legs, e, i, "documents_used",
				    _("Unknown travel documents."));
			}
			json_array_foreach(docs, j, d) {
				if (!json_is_string(d) ||
				    !code_valid(CL_TRAVEL_DOCUMENTS,
				    json_string_value(d))) {
					json_decref(docs);
					return leg_refuse(r, legs, e, i,
					    "documents_used",
					    _("Unknown travel documents."));
				}
				json_array_append(dc, d);
			}
			json_decref(docs);
		}
	}
	*out = legs;
	return 0;
bad:
	return leg_refuse(r, legs, e, i, NULL, _("Each leg is an object with "
	    "the fields of a leg."));
}

/* The distinct means of transport of legs (new reference). */
static json_t *
leg_transports(json_t *legs)
{
	json_t *out = json_array(), *leg, *x;
	size_t i, j;

	json_array_foreach(legs, i, leg) {
		const char *m = json_string_value(json_object_get(leg,
		    "means_of_transport"));
		bool seen = false;

		if (m == NULL)
			continue;
		json_array_foreach(out, j, x)
			if (strcmp(json_string_value(x), m) == 0)
				seen = true;
		if (!seen)
			json_array_append_new(out, json_string(m));
	}
	return out;
}

static const char *
stage_date(const struct return_row *rr, int s)
{
	switch (s) {
	case ST_REQUESTED: return rr->requested_on;
	case ST_COUNSELLED: return rr->counselled_on;
	case ST_PLANNED: return rr->planned_on;
	case ST_DEPARTED: return rr->departed_on;
	case ST_ARRIVED: return rr->arrived_on;
	case ST_CANCELLED: return rr->cancelled_on;
	default: return "";
	}
}

static char *
stage_date_mut(struct return_row *rr, int s)
{
	return (char *)stage_date(rr, s);
}

/* The latest date of the steps before s. */
static const char *
previous_date(const struct return_row *rr, int s)
{
	const char *best = "";
	int i;

	for (i = 0; i < s && i < ST_ARRIVED; i++)
		if (strcmp(stage_date(rr, i), best) > 0)
			best = stage_date(rr, i);
	return best;
}

static json_t *
next_stages(int s)
{
	json_t *a = json_array();

	if (s >= 0 && s < ST_ARRIVED)
		json_array_append_new(a, json_string(stage_codes[s + 1]));
	if (s >= 0 && s < ST_DEPARTED)
		json_array_append_new(a, json_string(stage_codes[ST_CANCELLED]));
	return a;
}

static int
transfer_item_cb(void *arg, const struct transfer_row *t)
{
	json_t *arr = arg;

	return json_array_append_new(arr, json_pack(
	    "{s:I,s:s,s:s,s:s,s:o,s:o}", "id", (json_int_t)t->id,
	    "from_office", t->from_code, "to_office", t->to_code,
	    "state", t->state, "requested_at", time_iso_json(t->requested_at),
	    "decided_at", t->decided_at ? time_iso_json(t->decided_at) :
	    json_null()));
}

json_t *
moves_return_json(struct req *r, const struct case_row *c, bool history)
{
	struct return_row rr;
	json_t *out, *ret = NULL, *body = NULL, *tr, *tl;
	char ad[64];
	int64_t office = history ? r->user.office_id : c->office_id;
	int rc, s;

	/* An office that handed the case over keeps its own return and
	 * handovers, not what the receiving office has asked since. */
	rc = history ? db_return_latest_of(r->app->db, c->id, office, &rr) :
	    db_return_latest(r->app->db, c->id, &rr);
	if (rc == DB_ERROR)
		return NULL;
	if (rc == DB_OK) {
		ad_of(ad, "return", c->id, rr.id);
		body = open_body(r, ad, rr.body, rr.len);
		free(rr.body);
		if (body == NULL)
			return NULL;
		s = stage_of(rr.stage);
		ret = json_pack("{s:I,s:s,s:s,s:s,s:o,s:{s:o,s:o,s:o,s:o,s:o,"
		    "s:o},s:o,s:o,s:o,s:o,s:o,s:i,s:o,s:b}",
		    "id", (json_int_t)rr.id,
		    "stage", rr.stage,
		    "origin_office", rr.office_code,
		    "dest_office", rr.dest_code,
		    "dest_country", str_or_null(json_string_value(
		    json_object_get(body, "dest_country"))),
		    "dates",
		    "requested_on", str_or_null(rr.requested_on),
		    "counselled_on", str_or_null(rr.counselled_on),
		    "planned_on", str_or_null(rr.planned_on),
		    "departed_on", str_or_null(rr.departed_on),
		    "arrived_on", str_or_null(rr.arrived_on),
		    "cancelled_on", str_or_null(rr.cancelled_on),
		    "legs", member_or(body, "legs", json_array()),
		    "notes", member_or(body, "notes", json_object()),
		    "received_by", str_or_null(json_string_value(
		    json_object_get(body, "received_by"))),
		    "cancel_reason", str_or_null(json_string_value(
		    json_object_get(body, "cancel_reason"))),
		    "next", history ? json_array() : next_stages(s),
		    "version", rr.version,
		    "dest_office_holds_case", json_boolean(rr.dest_office ==
		    c->office_id),
		    "open", stage_open(s));
		json_decref(body);
		if (ret == NULL)
			return NULL;
	}
	tr = json_array();
	if (db_transfer_list(r->app->db, office, false, c->id, false,
	    transfer_item_cb, tr) != DB_OK ||
	    db_transfer_list(r->app->db, office, true, c->id, false,
	    transfer_item_cb, tr) != DB_OK) {
		json_decref(tr);
		json_decref(ret);
		return NULL;
	}
	tl = timeline_json(r, c->id, history ? cases_history_until(r, c) : 0);
	out = json_pack("{s:o,s:b,s:o,s:o,s:o}", "case", case_json(c),
	    "history", history, "return", ret ? ret : json_null(),
	    "transfers", tr, "timeline", tl ? tl : json_array());
	return out;
}

static bool
case_closed(const struct case_row *c)
{
	return c->status == CASE_CLOSED || c->status == CASE_CLOSED_REFERRED;
}

/*
 * Refuses (400 at key) a step of case c dated day that lies certainly
 * before the person was identified (the first day idn_DateIdentified may
 * mean): no return is asked for, nor reintegration planned, for someone
 * not yet identified. 0 when the date fits or the file gives none, 1
 * refused, -1 on failure.
 */
static int
after_identification(struct req *r, const struct case_row *c,
    const char *day, const char *key, struct moves_err *e)
{
	json_t *f = casefile_load(r, c);
	struct partial_date d;
	const char *s;
	int64_t first = DATE_NONE;

	if (f == NULL)
		return -1;
	s = json_string_value(json_object_get(f, "idn_DateIdentified"));
	if (s && partial_date_parse(s, &d) == 0)
		first = partial_date_first_day(&d);
	json_decref(f);
	if (first != DATE_NONE && caserec_day(day) != DATE_NONE &&
	    caserec_day(day) < first)
		return refuse(e, 400, _("This step cannot be dated before the "
		    "person was identified."), key);
	return 0;
}

int
moves_return_allowed(struct req *r, const struct case_row *c,
    struct moves_err *e)
{
	struct return_row cur;
	int rc;

	if (case_closed(c))
		return refuse(e, 409, _("This case is closed: reopen it "
		    "before asking for a return."), NULL);
	rc = db_return_latest(r->app->db, c->id, &cur);
	if (rc == DB_ERROR)
		return -1;
	if (rc == DB_OK)
		free(cur.body);
	if (rc == DB_OK && stage_open(stage_of(cur.stage)))
		return refuse(e, 409, _("This case already has a return under "
		    "way."), NULL);
	return 0;
}

int
moves_transfer_allowed(const struct case_row *c, struct moves_err *e)
{
	if (case_closed(c))
		return refuse(e, 409, _("This case is closed: reopen it "
		    "before handing it over."), NULL);
	return 0;
}

int
moves_return_request(struct req *r, const struct case_row *c, json_t *in,
    struct moves_err *e)
{
	struct return_row rr;
	struct office dest;
	const char *country, *office, *notes;
	char day[11], now[11], ad[64];
	struct buf b = BUF_INIT(BODY_MAX);
	json_t *body = NULL;
	bool confirmed;
	int rc;

	if (members(r, in, request_fields, e) ||
	    confirm_member(in, &confirmed, e))
		return 1;
	if ((rc = moves_return_allowed(r, c, e)) != 0)
		return rc;
	country = code_member(in, "dest_country");
	if (country == NULL || !country_valid(country))
		return refuse(e, 400, _("Choose the country of return."),
		    "dest_country");
	office = code_member(in, "dest_office");
	if (office == NULL)
		return refuse(e, 400, _("Choose the office at destination."),
		    "dest_office");
	rc = db_office_by_code(r->app->db, office, &dest);
	if (rc == DB_ERROR)
		return -1;
	if (rc != DB_OK)
		return refuse(e, 400, _("Unknown office."), "dest_office");
	today(r, now);
	if (date_member(r, in, "date", now, false, day, e) ||
	    text_member(r, in, "notes", NOTE_MAX, &notes, e))
		return 1;
	/* As every step: recorded once it has happened. A request dated
	 * ahead would date every later step before it. */
	if (strcmp(day, now) > 0)
		return refuse(e, 400, _("This step cannot be dated in the "
		    "future."), "date");
	if ((rc = after_identification(r, c, day, "date", e)) != 0)
		return rc;
	/* A regional office may receive people in several countries: an
	 * office of another country is taken once the user says so. */
	if (strcmp(dest.country, country) != 0 && !confirmed)
		return refuse(e, 409, _("The office at destination is in "
		    "another country: confirm that it receives people returning "
		    "to this country."), "confirm");

	memset(&rr, 0, sizeof(rr));
	rr.case_id = c->id;
	rr.office_id = c->office_id;
	rr.dest_office = dest.id;
	snprintf(rr.stage, sizeof(rr.stage), "%s", stage_codes[ST_REQUESTED]);
	snprintf(rr.requested_on, sizeof(rr.requested_on), "%s", day);
	if (db_begin(r->app->db) != DB_OK)
		return -1;
	rc = db_return_add(r->app->db, &rr, r->user.id, r->now);
	if (rc == DB_CONFLICT) {
		db_rollback(r->app->db);
		return refuse(e, 409, _("This case already has a return under "
		    "way."), NULL);
	}
	if (rc != DB_OK)
		goto fail;
	body = json_pack("{s:s,s:{}}", "dest_country", country, "notes");
	if (notes)
		json_object_set_new(json_object_get(body, "notes"),
		    stage_codes[ST_REQUESTED], json_string(notes));
	json_object_set_new(body, "legs", json_array());
	ad_of(ad, "return", c->id, rr.id);
	if (seal_body(r, ad, body, &b) < 0)
		goto fail;
	rr.body = (unsigned char *)b.p;
	rr.len = b.len;
	rr.version = 1;
	if (db_return_update(r->app->db, &rr, r->user.id, r->now) != DB_OK ||
	    timeline_add(r, c->id, "return.requested", rr.id, day, false,
	    json_pack("{s:s,s:s}", "return_stage", "Requested", "to_office",
	    dest.code)) < 0 ||
	    audit(r, "return.request", c->id, NULL, json_pack("{s:I,s:s}",
	    "return", (json_int_t)rr.id, "to_office", dest.code)) < 0 ||
	    db_commit(r->app->db) != DB_OK)
		goto fail;
	json_decref(body);
	buf_release(&b);
	return 0;
fail:
	db_rollback(r->app->db);
	json_decref(body);
	buf_release(&b);
	return -1;
}

int
moves_in_transit(struct db *db, int64_t case_id, int64_t *from_office)
{
	struct return_row rr;
	int rc = db_return_latest(db, case_id, &rr);

	*from_office = 0;
	if (rc == DB_ERROR)
		return -1;
	if (rc != DB_OK)
		return 0;
	free(rr.body);
	if (stage_of(rr.stage) != ST_DEPARTED)
		return 0;
	*from_office = rr.office_id;
	return 1;
}

/* Loads the case's return under way into rr and its body; 1 (refused)
 * when there is none. */
static int
load_open_return(struct req *r, const struct case_row *c,
    struct return_row *rr, json_t **body, struct moves_err *e)
{
	char ad[64];
	int rc = db_return_latest(r->app->db, c->id, rr);

	*body = NULL;
	if (rc == DB_ERROR)
		return -1;
	if (rc != DB_OK || !stage_open(stage_of(rr->stage))) {
		free(rr->body);
		rr->body = NULL;
		return refuse(e, 409, _("This case has no return under way."),
		    NULL);
	}
	ad_of(ad, "return", c->id, rr->id);
	*body = open_body(r, ad, rr->body, rr->len);
	free(rr->body);
	rr->body = NULL;
	rr->len = 0;
	return *body ? 0 : -1;
}

/* Seals body into rr and stores it; the caller's transaction. */
static int
store_return(struct req *r, struct return_row *rr, json_t *body,
    struct buf *b)
{
	char ad[64];
	int rc;

	ad_of(ad, "return", rr->case_id, rr->id);
	if (seal_body(r, ad, body, b) < 0)
		return DB_ERROR;
	rr->body = (unsigned char *)b->p;
	rr->len = b->len;
	rc = db_return_update(r->app->db, rr, r->user.id, r->now);
	rr->body = NULL;
	return rc;
}

int
moves_return_stage(struct req *r, const struct case_row *c, json_t *in,
    struct moves_err *e)
{
	struct return_row rr;
	struct buf b = BUF_INIT(BODY_MAX);
	json_t *body = NULL, *legs = NULL, *detail;
	const char *notes, *received = NULL, *reason = NULL, *prev;
	char now[11], day[11], dest[DB_CODE_MAX];
	int rc, cur, to;
	bool confirmed;

	if (members(r, in, stage_fields, e) ||
	    confirm_member(in, &confirmed, e))
		return 1;
	to = stage_of(json_string_value(json_object_get(in, "stage")));
	if (to < 0 || to == ST_REQUESTED)
		return refuse(e, 400, _("Choose the next step of the return."),
		    "stage");
	if ((rc = load_open_return(r, c, &rr, &body, e)) != 0)
		return rc;
	cur = stage_of(rr.stage);
	rc = 1;
	if (to == ST_CANCELLED && cur >= ST_DEPARTED) {
		refuse(e, 409, _("A return that has departed can no longer be "
		    "cancelled."), "stage");
		goto out;
	}
	if (to != ST_CANCELLED && to != cur + 1) {
		refuse(e, 409, _("A return goes through its steps in order: "
		    "requested, counselled, travel planned, departed, arrived."),
		    "stage");
		goto out;
	}
	if (version_member(in, rr.version, e))
		goto out;
	today(r, now);
	if (date_member(r, in, "date", to == ST_DEPARTED || to == ST_ARRIVED ?
	    NULL : now, false, day, e) ||
	    text_member(r, in, "notes", NOTE_MAX, &notes, e))
		goto out;
	if (day[0] == '\0') {
		refuse(e, 400, to == ST_DEPARTED ? _("Give the date of "
		    "departure.") : _("Give the date of arrival."), "date");
		goto out;
	}
	/* A step is recorded once it has happened. */
	if (strcmp(day, now) > 0) {
		refuse(e, 400, _("This step cannot be dated in the future."),
		    "date");
		goto out;
	}
	prev = previous_date(&rr, to == ST_CANCELLED ? ST_ARRIVED : to);
	/* A return whose steps were dated ahead (before such dates were
	 * refused) can still be cancelled today. */
	if (to == ST_CANCELLED && strcmp(prev, now) > 0)
		prev = now;
	if (strcmp(day, prev) < 0) {
		refuse(e, 400, to == ST_ARRIVED ? _("The arrival cannot be "
		    "before the departure.") : _("This step cannot be dated "
		    "before the step before it."), "date");
		goto out;
	}
	if (to == ST_PLANNED) {
		json_t *given = json_object_get(in, "legs");

		/* The legs saved before are checked again: the journey
		 * is planned as it stands. */
		if (given == NULL)
			given = json_object_get(body, "legs");
		if (given == NULL || (json_is_array(given) &&
		    json_array_size(given) == 0)) {
			refuse(e, 400, _("Give at least one travel leg."), "legs");
			goto out;
		}
		if (parse_legs(r, given, rr.requested_on, json_string_value(
		    json_object_get(body, "dest_country")), &legs, e))
			goto out;
		json_object_set(body, "legs", legs);
	}
	/* A stay left open in the origin's shelter would count a place
	 * taken for ever once the person has left. */
	if (to == ST_DEPARTED && !confirmed) {
		int in_shelter = protection_in_shelter(r->app->db, c->id);

		if (in_shelter < 0) {
			rc = -1;
			goto out;
		}
		if (in_shelter > 0) {
			refuse(e, 409, _("The person is still in a shelter: "
			    "record the discharge first, or confirm to record "
			    "the departure all the same."), "confirm");
			goto out;
		}
	}
	if (to == ST_ARRIVED) {
		if (rr.dest_office != c->office_id) {
			refuse(e, 409, _("The arrival is recorded by the office "
			    "at destination, once it has accepted the handover "
			    "of the case."), NULL);
			goto out;
		}
		if (text_member(r, in, "received_by", PLACE_MAX, &received, e))
			goto out;
		if (received == NULL) {
			refuse(e, 400, _("Say who received the person."),
			    "received_by");
			goto out;
		}
		set_str(body, "received_by", received);
	}
	if (to == ST_CANCELLED) {
		if (text_member(r, in, "reason", NOTE_MAX, &reason, e))
			goto out;
		set_str(body, "cancel_reason", reason);
	}
	if (notes) {
		if (!json_is_object(json_object_get(body, "notes")))
			json_object_set_new(body, "notes", json_object());
		json_object_set_new(json_object_get(body, "notes"),
		    stage_codes[to], json_string(notes));
	}
	snprintf(rr.stage, sizeof(rr.stage), "%s", stage_codes[to]);
	snprintf(stage_date_mut(&rr, to), DB_DATE_MAX, "%s", day);

	rc = -1;
	if (db_begin(r->app->db) != DB_OK)
		goto out;
	if (store_return(r, &rr, body, &b) == DB_CONFLICT) {
		db_rollback(r->app->db);
		rc = refuse(e, 409, _("Someone else changed this record in the "
		    "meantime. Reload it and try again."), NULL);
		goto out;
	}
	detail = json_pack("{s:s}", "return_stage", stage_codes[to]);
	if (to == ST_PLANNED) {
		json_object_set_new(detail, "legs",
		    json_integer((json_int_t)json_array_size(legs)));
		json_object_set_new(detail, "means_of_transport",
		    leg_transports(legs));
	}
	if (to == ST_ARRIVED)
		json_object_set_new(detail, "office", json_string(office_code(r,
		    rr.dest_office, dest)));
	if (timeline_add(r, c->id, stage_events[to], rr.id, day, false,
	    detail) < 0 ||
	    (to == ST_ARRIVED && schedule_visits(r, c->id, day) < 0) ||
	    audit(r, "return.stage", c->id, NULL, json_pack("{s:I,s:s,s:s}",
	    "return", (json_int_t)rr.id, "from", stage_codes[cur], "to",
	    stage_codes[to])) < 0 ||
	    db_commit(r->app->db) != DB_OK) {
		db_rollback(r->app->db);
		goto out;
	}
	rc = 0;
out:
	json_decref(body);
	json_decref(legs);
	buf_release(&b);
	return rc;
}

int
moves_return_legs(struct req *r, const struct case_row *c, json_t *in,
    struct moves_err *e)
{
	struct return_row rr;
	struct buf b = BUF_INIT(BODY_MAX);
	json_t *body = NULL, *legs = NULL;
	int rc;

	if (members(r, in, legs_fields, e))
		return 1;
	if ((rc = load_open_return(r, c, &rr, &body, e)) != 0)
		return rc;
	rc = 1;
	if (stage_of(rr.stage) >= ST_DEPARTED) {
		refuse(e, 409, _("The travel legs cannot change after "
		    "departure."), "legs");
		goto out;
	}
	if (version_member(in, rr.version, e))
		goto out;
	if (parse_legs(r, json_object_get(in, "legs"), rr.requested_on,
	    json_string_value(json_object_get(body, "dest_country")), &legs,
	    e))
		goto out;
	if (stage_of(rr.stage) == ST_PLANNED && json_array_size(legs) == 0) {
		refuse(e, 400, _("Give at least one travel leg."), "legs");
		goto out;
	}
	json_object_set(body, "legs", legs);
	rc = -1;
	if (db_begin(r->app->db) != DB_OK)
		goto out;
	if (store_return(r, &rr, body, &b) == DB_CONFLICT) {
		db_rollback(r->app->db);
		rc = refuse(e, 409, _("Someone else changed this record in the "
		    "meantime. Reload it and try again."), NULL);
		goto out;
	}
	if (audit(r, "return.legs", c->id, NULL, json_pack("{s:I,s:I}",
	    "return", (json_int_t)rr.id, "count",
	    (json_int_t)json_array_size(legs))) < 0 ||
	    db_commit(r->app->db) != DB_OK) {
		db_rollback(r->app->db);
		goto out;
	}
	rc = 0;
out:
	json_decref(body);
	json_decref(legs);
	buf_release(&b);
	return rc;
}

/* --- handover --- */

bool
moves_transfers_allowed(const struct req *r)
{
	return r->authed && user_scope(&r->user) != SCOPE_NONE &&
	    (user_can(&r->user, PERM_ASSIST) ||
	    user_can(&r->user, PERM_TRANSFER_DECIDE));
}

int
moves_transfer_request(struct req *r, const struct case_row *c, json_t *in,
    int64_t *id, struct moves_err *e)
{
	struct return_row rr;
	struct office to;
	const char *code;
	char dest[DB_CODE_MAX] = "";
	int rc;
	bool departed;
	json_t *confirm = json_object_get(in, "confirm");

	if (members(r, in, transfer_fields, e) ||
	    moves_transfer_allowed(c, e))
		return 1;
	code = code_member(in, "to_office");
	rc = db_return_latest(r->app->db, c->id, &rr);
	if (rc == DB_ERROR)
		return -1;
	free(rr.body);
	if (rc != DB_OK)
		rr.stage[0] = '\0';
	departed = rc == DB_OK && stage_of(rr.stage) == ST_DEPARTED;
	if (code == NULL && rc == DB_OK && stage_of(rr.stage) != ST_CANCELLED)
		code = office_code(r, rr.dest_office, dest);
	if (code == NULL || *code == '\0')
		return refuse(e, 400, _("Choose the office to hand the case "
		    "over to."), "to_office");
	rc = db_office_by_code(r->app->db, code, &to);
	if (rc == DB_ERROR)
		return -1;
	if (rc != DB_OK)
		return refuse(e, 400, _("Unknown office."), "to_office");
	if (to.id == c->office_id)
		return refuse(e, 400, _("The case is already in this office: "
		    "choose another office."), "to_office");
	/* A person on the way home is received by the return's office. */
	if (departed && to.id != rr.dest_office)
		return refuse(e, 400, _("The person has left for the return's "
		    "destination: hand the case over to the office that "
		    "receives them there."), "to_office");
	if (confirm && !json_is_boolean(confirm))
		return refuse(e, 400, _("Give confirm as true or false."),
		    "confirm");
	/* The receiving office cannot discharge from the origin's shelter:
	 * a stay left open would count a place taken for ever. */
	if (!json_is_true(confirm)) {
		rc = protection_in_shelter(r->app->db, c->id);
		if (rc < 0)
			return -1;
		if (rc > 0)
			return refuse(e, 409, _("The person is still in a "
			    "shelter: record the discharge first, or confirm "
			    "to hand the case over all the same."), "confirm");
	}
	if (db_begin(r->app->db) != DB_OK)
		return -1;
	rc = db_transfer_add(r->app->db, c->id, c->office_id, to.id,
	    r->user.id, r->now, id);
	if (rc == DB_CONFLICT) {
		db_rollback(r->app->db);
		return refuse(e, 409, _("This case already has a handover "
		    "waiting for a decision."), NULL);
	}
	if (rc != DB_OK ||
	    timeline_add(r, c->id, "transfer.requested", *id, NULL, false,
	    json_pack("{s:s,s:s}", "from_office", c->office_code, "to_office",
	    to.code)) < 0 ||
	    audit(r, "transfer.request", c->id, NULL, json_pack("{s:I,s:s,s:s}",
	    "transfer", (json_int_t)*id, "from_office", c->office_code,
	    "to_office", to.code)) < 0 ||
	    db_commit(r->app->db) != DB_OK) {
		db_rollback(r->app->db);
		return -1;
	}
	return 0;
}

int
moves_transfer_denied(struct req *r, int64_t id)
{
	struct transfer_row t;
	int rc = db_transfer_get(r->app->db, id, &t);

	if (rc == DB_ERROR)
		return -1;
	return audit(r, "transfer.denied", rc == DB_OK ? t.case_id : 0, NULL,
	    json_pack("{s:I}", "transfer", (json_int_t)id));
}

/* Refuses a change of transfer t (loaded) with status and msg, audited
 * with its case. */
static int
transfer_refuse(struct req *r, const struct transfer_row *t, int status,
    const char *msg, struct moves_err *e)
{
	if (audit(r, "transfer.denied", t->case_id, NULL, json_pack("{s:I}",
	    "transfer", (json_int_t)t->id)) < 0)
		return -1;
	return refuse(e, status, msg, NULL);
}

static bool transfer_hidden(const struct req *r,
    const struct transfer_row *t);

/* Loads transfer id for r: 404 (refused, audited) when r's office is
 * neither end of it, or r may not list it (a high-risk case): as for a
 * transfer that does not exist. */
static int
load_transfer(struct req *r, int64_t id, struct transfer_row *t,
    struct moves_err *e)
{
	int rc = db_transfer_get(r->app->db, id, t);

	if (rc == DB_ERROR)
		return -1;
	/* Every office's, for who holds the case access grant. */
	if (rc == DB_OK && (t->to_office == r->user.office_id ||
	    t->from_office == r->user.office_id ||
	    user_scope(&r->user) == SCOPE_ALL) &&
	    user_scope(&r->user) != SCOPE_NONE && !transfer_hidden(r, t))
		return 0;
	if (audit(r, "transfer.denied", rc == DB_OK ? t->case_id : 0, NULL,
	    json_pack("{s:I}", "transfer", (json_int_t)id)) < 0)
		return -1;
	return refuse(e, 404, _("This handover does not exist."), NULL);
}

int
moves_transfer_decide(struct req *r, int64_t id, json_t *in,
    struct moves_err *e)
{
	struct transfer_row t;
	struct case_row c;
	const char *decision, *reason, *p;
	json_t *a;
	int64_t assignee = 0;
	int rc;

	if (!user_can(&r->user, PERM_TRANSFER_DECIDE)) {
		if (moves_transfer_denied(r, id) < 0)
			return -1;
		return refuse(e, 403, _("Only the manager of the receiving "
		    "office can accept or decline a handover."), NULL);
	}
	if (members(r, in, decide_fields, e))
		return 1;
	if ((rc = load_transfer(r, id, &t, e)) != 0)
		return rc;
	if (t.to_office != r->user.office_id)
		return transfer_refuse(r, &t, 403, _("Only the manager of the "
		    "receiving office can accept or decline a handover."), e);
	if (strcmp(t.state, "pending") != 0)
		return refuse(e, 409, _("This handover has been decided "
		    "already."), NULL);
	decision = code_member(in, "decision");
	if (text_member(r, in, "reason", NOTE_MAX, &reason, e))
		return 1;
	if (decision == NULL || (strcmp(decision, "accept") != 0 &&
	    strcmp(decision, "decline") != 0))
		return refuse(e, 400, _("Choose to accept or to decline."),
		    "decision");
	rc = db_case_get(r->app->db, t.case_id, &c);
	if (rc == DB_ERROR)
		return -1;
	if (rc != DB_OK || c.office_id != t.from_office)
		return refuse(e, 409, _("The case is no longer where this "
		    "handover would take it from."), NULL);
	if (strcmp(decision, "accept") == 0) {
		a = json_object_get(in, "assigned_to");
		if (json_is_integer(a))
			assignee = json_integer_value(a);
		/* Until it is accepted, the case's office is the one that
		 * hands it over: the message names the office that takes
		 * it. */
		p = assignee <= 0 ? _("Choose who takes the case over.") :
		    cases_assignee_problem(r, t.to_office, assignee) ?
		    _("Choose an active caseworker or office manager of the "
		    "receiving office.") : NULL;
		if (p)
			return refuse(e, 400, p, "assigned_to");
		if (db_begin(r->app->db) != DB_OK)
			return -1;
		rc = db_transfer_decide(r->app->db, id, "accepted", NULL, 0,
		    r->user.id, r->now);
		if (rc == DB_NOTFOUND) {
			db_rollback(r->app->db);
			return refuse(e, 409, _("This handover has been decided "
			    "already."), NULL);
		}
		if (rc != DB_OK ||
		    db_case_move(r->app->db, c.id, t.from_office, t.to_office,
		    assignee, r->now) != DB_OK ||
		    timeline_add(r, c.id, "transfer.accepted", id, NULL, false,
		    json_pack("{s:s,s:s}", "from_office", t.from_code,
		    "to_office", t.to_code)) < 0 ||
		    audit(r, "transfer.accept", c.id, NULL, json_pack(
		    "{s:I,s:s,s:s,s:I}", "transfer", (json_int_t)id,
		    "from_office", t.from_code, "to_office", t.to_code,
		    "assigned_to", (json_int_t)assignee)) < 0 ||
		    db_commit(r->app->db) != DB_OK) {
			db_rollback(r->app->db);
			return -1;
		}
		return 0;
	}
	if (reason == NULL)
		return refuse(e, 400, _("Say why the handover is declined."),
		    "reason");
	{
		struct buf b = BUF_INIT(BODY_MAX);
		json_t *note = json_pack("{s:s}", "reason", reason);
		char ad[64];

		ad_of(ad, "transfer", c.id, id);
		rc = seal_body(r, ad, note, &b);
		json_decref(note);
		if (rc < 0 || db_begin(r->app->db) != DB_OK) {
			buf_release(&b);
			return -1;
		}
		rc = db_transfer_decide(r->app->db, id, "declined", b.p, b.len,
		    r->user.id, r->now);
		buf_release(&b);
		if (rc == DB_NOTFOUND) {
			db_rollback(r->app->db);
			return refuse(e, 409, _("This handover has been decided "
			    "already."), NULL);
		}
		if (rc != DB_OK ||
		    timeline_add(r, c.id, "transfer.declined", id, NULL, false,
		    json_pack("{s:s,s:s}", "from_office", t.from_code,
		    "to_office", t.to_code)) < 0 ||
		    audit(r, "transfer.decline", c.id, NULL, json_pack(
		    "{s:I,s:s,s:s}", "transfer", (json_int_t)id,
		    "from_office", t.from_code, "to_office", t.to_code)) < 0 ||
		    db_commit(r->app->db) != DB_OK) {
			db_rollback(r->app->db);
			return -1;
		}
	}
	return 0;
}

int
moves_transfer_cancel(struct req *r, int64_t id, struct moves_err *e)
{
	struct transfer_row t;
	struct case_row c;
	int rc;

	if (!user_can(&r->user, PERM_ASSIST)) {
		if (moves_transfer_denied(r, id) < 0)
			return -1;
		return refuse(e, 403, _("You are not allowed to change cases."),
		    NULL);
	}
	if ((rc = load_transfer(r, id, &t, e)) != 0)
		return rc;
	/* Who may ask for a handover may withdraw it: the asking office,
	 * and who holds the case access grant (every office's cases). */
	if (t.from_office != r->user.office_id &&
	    user_scope(&r->user) != SCOPE_ALL)
		return transfer_refuse(r, &t, 403, _("Only the office that "
		    "asked for this handover can withdraw it."), e);
	/* A decided handover is told as such to whoever may still list it
	 * (load_transfer()): once accepted, the case is no longer the asking
	 * office's own. */
	if (strcmp(t.state, "pending") != 0)
		return refuse(e, 409, _("This handover has been decided "
		    "already."), NULL);
	rc = cases_load(r, t.case_id, &c, "transfer.denied");
	if (rc == DB_ERROR)
		return -1;
	if (rc != DB_OK)
		return refuse(e, 404, _("This handover does not exist."), NULL);
	if (db_begin(r->app->db) != DB_OK)
		return -1;
	rc = db_transfer_decide(r->app->db, id, "cancelled", NULL, 0,
	    r->user.id, r->now);
	if (rc == DB_NOTFOUND) {
		db_rollback(r->app->db);
		return refuse(e, 409, _("This handover has been decided "
		    "already."), NULL);
	}
	if (rc != DB_OK ||
	    timeline_add(r, c.id, "transfer.cancelled", id, NULL, false,
	    json_pack("{s:s,s:s}", "from_office", t.from_code, "to_office",
	    t.to_code)) < 0 ||
	    audit(r, "transfer.cancel", c.id, NULL, json_pack("{s:I}",
	    "transfer", (json_int_t)id)) < 0 ||
	    db_commit(r->app->db) != DB_OK) {
		db_rollback(r->app->db);
		return -1;
	}
	return 0;
}

struct tr_ctx {
	struct req *r;
	json_t *arr;
	bool pending_only;
};

/* A high-risk case is listed only to its assignee and the managers of
 * the office that holds it now, or of the office asked to take it while
 * the handover waits: the office that handed it over no longer sees it
 * once it becomes high-risk. */
static bool
transfer_hidden(const struct req *r, const struct transfer_row *t)
{
	if (!t->high_risk || (t->case_assigned != 0 &&
	    t->case_assigned == r->user.id))
		return false;
	/* The manager who decides it while it waits: cases.h's
	 * cases_handover_visible(), which lets them read the summary. */
	if (strcmp(t->state, "pending") == 0 &&
	    t->to_office == r->user.office_id &&
	    t->case_office != r->user.office_id &&
	    user_can(&r->user, PERM_TRANSFER_DECIDE) &&
	    user_scope(&r->user) == SCOPE_OFFICE)
		return false;
	return !user_can(&r->user, PERM_HIGH_RISK_OFFICE) ||
	    t->case_office != r->user.office_id;
}

static int
tr_list_cb(void *arg, const struct transfer_row *t)
{
	struct tr_ctx *x = arg;
	json_t *o, *reason = json_null();

	if (transfer_hidden(x->r, t))
		return 0;
	if (t->has_note) {
		unsigned char *blob;
		size_t len;
		char ad[64];
		json_t *note;

		if (db_transfer_note(x->r->app->db, t->id, &blob, &len) == DB_OK) {
			ad_of(ad, "transfer", t->case_id, t->id);
			note = open_body(x->r, ad, blob, len);
			free(blob);
			if (note && json_is_string(json_object_get(note,
			    "reason")))
				reason = json_incref(json_object_get(note,
				    "reason"));
			json_decref(note);
		}
	}
	o = json_pack("{s:I,s:I,s:s,s:s,s:s,s:s,s:o,s:o,s:o,s:{s:o,s:o,s:o,"
	    "s:o},s:o}",
	    "id", (json_int_t)t->id, "case_id", (json_int_t)t->case_id,
	    "case_number", t->case_number, "from_office", t->from_code,
	    "to_office", t->to_code, "state", t->state,
	    "requested_at", time_iso_json(t->requested_at),
	    "requested_by", str_or_null(t->requested_username),
	    "decided_at", t->decided_at ? time_iso_json(t->decided_at) :
	    json_null(),
	    "return", "stage", str_or_null(t->ret_stage),
	    "requested_on", str_or_null(t->ret_requested_on),
	    "departed_on", str_or_null(t->ret_departed_on),
	    "arrived_on", str_or_null(t->ret_arrived_on),
	    "reason", reason);
	return json_array_append_new(x->arr, o);
}

json_t *
moves_transfers_json(struct req *r)
{
	struct tr_ctx in = { .r = r }, out = { .r = r };

	in.arr = json_array();
	out.arr = json_array();
	if (db_transfer_list(r->app->db, r->user.office_id, true, 0, false,
	    tr_list_cb, &in) != DB_OK ||
	    db_transfer_list(r->app->db, r->user.office_id, false, 0, false,
	    tr_list_cb, &out) != DB_OK) {
		json_decref(in.arr);
		json_decref(out.arr);
		return NULL;
	}
	return json_pack("{s:o,s:o}", "incoming", in.arr, "outgoing", out.arr);
}

json_t *
moves_incoming_json(struct req *r, int64_t office_id)
{
	struct tr_ctx x = { .r = r, .pending_only = true };

	x.arr = json_array();
	if (db_transfer_list(r->app->db, office_id, true, 0, true, tr_list_cb,
	    &x) != DB_OK) {
		json_decref(x.arr);
		return NULL;
	}
	return x.arr;
}

static int
stage_count_cb(void *arg, const char *stage, int64_t n)
{
	return json_object_set_new(arg, stage, json_integer(n));
}

json_t *
moves_stage_counts_json(struct req *r, int64_t office_id)
{
	json_t *o = json_object();
	int i;

	for (i = 0; i < ST__MAX; i++)
		json_object_set_new(o, stage_codes[i], json_integer(0));
	if (db_return_stage_counts(r->app->db, office_id, stage_count_cb,
	    o) != DB_OK) {
		json_decref(o);
		return NULL;
	}
	return o;
}

/* --- reintegration --- */

struct vi_ctx {
	struct req *r;
	json_t *arr;
	char today[11];
	bool notes;		/* open the notes (the case's own list) */
	bool failed;
};

static int
visit_cb(void *arg, const struct visit_row *v)
{
	struct vi_ctx *x = arg;
	struct case_row c;
	json_t *o, *notes = json_null();

	memset(&c, 0, sizeof(c));
	c.id = v->case_id;
	c.office_id = v->office_id;
	c.assigned_to = v->assigned_to;
	c.high_risk = v->high_risk;
	if (!x->notes && !cases_visible(x->r, &c))
		return 0;
	if (x->notes && v->body) {
		char ad[64];
		json_t *b;

		ad_of(ad, "visit", v->case_id, v->id);
		b = open_body(x->r, ad, v->body, v->len);
		if (b == NULL) {
			x->failed = true;
			return 1;
		}
		if (json_is_string(json_object_get(b, "notes")))
			notes = json_incref(json_object_get(b, "notes"));
		json_decref(b);
	}
	o = json_pack("{s:I,s:I,s:s,s:s,s:s,s:o,s:o,s:o,s:b}",
	    "id", (json_int_t)v->id, "case_id", (json_int_t)v->case_id,
	    "case_number", v->case_number, "office", v->office_code,
	    "due_on", v->due_on, "status", json_string(v->status),
	    "done_on", str_or_null(v->done_on),
	    "assigned_to", v->assigned_to ? json_string(v->assigned_username) :
	    json_null(),
	    "overdue", strcmp(v->status, "Scheduled") == 0 &&
	    strcmp(v->due_on, x->today) < 0);
	if (x->notes)
		json_object_set_new(o, "notes", notes);
	else
		json_decref(notes);
	return json_array_append_new(x->arr, o);
}

json_t *
moves_visits_json(struct req *r, const struct case_row *c)
{
	struct vi_ctx x = { .r = r, .notes = true };

	today(r, x.today);
	x.arr = json_array();
	if (db_visit_list(r->app->db, c->id, visit_cb, &x) != DB_OK ||
	    x.failed) {
		json_decref(x.arr);
		return NULL;
	}
	return x.arr;
}

json_t *
moves_visits_due_json(struct req *r, int64_t office_id, int64_t assignee,
    int days)
{
	struct vi_ctx x = { .r = r };
	char until[11];
	time_t t;
	struct tm tm;

	if (days < 0)
		days = 0;
	if (days > 366)
		days = 366;
	today(r, x.today);
	t = (time_t)r->now + (time_t)days * 86400;
	gmtime_r(&t, &tm);
	strftime(until, sizeof(until), "%Y-%m-%d", &tm);
	x.arr = json_array();
	if (db_visit_due(r->app->db, office_id, assignee, until, visit_cb,
	    &x) != DB_OK) {
		json_decref(x.arr);
		return NULL;
	}
	return x.arr;
}

json_t *
moves_reint_json(struct req *r, const struct case_row *c)
{
	struct reint_row p;
	json_t *body = NULL, *plan = json_null(), *visits;
	char ad[64];
	int rc = db_reint_get(r->app->db, c->id, &p);

	if (rc == DB_ERROR)
		return NULL;
	if (rc == DB_OK) {
		ad_of(ad, "reintegration", c->id, p.id);
		body = open_body(r, ad, p.body, p.len);
		free(p.body);
		if (body == NULL)
			return NULL;
		plan = json_pack("{s:I,s:s,s:s,s:o,s:o,s:o,s:i}",
		    "id", (json_int_t)p.id, "plan_type", p.plan_type,
		    "plan_date", p.plan_date, "outcome", str_or_null(p.outcome),
		    "objectives", member_or(body, "objectives", json_null()),
		    "packages", member_or(body, "packages", json_array()),
		    "version", p.version);
		json_decref(body);
	}
	visits = moves_visits_json(r, c);
	if (visits == NULL) {
		json_decref(plan);
		return NULL;
	}
	return json_pack("{s:o,s:o,s:o}", "case", case_json(c), "plan", plan,
	    "visits", visits);
}

/* The field of package i's member key ("packages[1].amount"), in r's
 * arena; "packages" when it cannot be made. */
static const char *
package_field(struct req *r, size_t i, const char *key)
{
	const char *f = arena_printf(r->arena, "packages[%zu].%s", i, key);

	return f ? f : "packages";
}

/*
 * Checks packages (an array; its members' types checked by members())
 * into a clean copy *out. Refuses with the field of the package's member
 * at fault ("packages[0].currency").
 */
static int
parse_packages(struct req *r, json_t *v, json_t **out, struct moves_err *e)
{
	const char *bad_amount = _("Give an amount as a number with at most "
	    "two decimals, together with its currency (three capital "
	    "letters).");
	json_t *arr, *p, *clean;
	size_t i;
	const char *s;

	*out = NULL;
	if (!json_is_array(v) || json_array_size(v) > PACKAGES_MAX)
		return refuse(e, 400, _("Give the packages as a list of at most "
		    "20."), "packages");
	arr = json_array();
	json_array_foreach(v, i, p) {
		const char *amount = NULL, *cur;
		char money[MONEY_STR];
		int64_t cents = 0;
		json_t *a;

		if ((s = code_member(p, "type")) == NULL ||
		    !code_valid(CL_SERVICE_TYPE, s)) {
			json_decref(arr);
			return refuse(e, 400, _("Each package needs a known "
			    "type."), package_field(r, i, "type"));
		}
		clean = json_pack("{s:s}", "type", s);
		json_array_append_new(arr, clean);
		if ((s = code_member(p, "status")) != NULL &&
		    !code_valid(CL_SERVICE_STATUS, s)) {
			json_decref(arr);
			return refuse(e, 400, _("Choose a value from the list."),
			    package_field(r, i, "status"));
		}
		set_str(clean, "status", s ? s : "Planned");
		a = json_object_get(p, "amount");
		if (json_is_integer(a) && json_integer_value(a) >= 0 &&
		    json_integer_value(a) <= MONEY_MAX / 100) {
			cents = json_integer_value(a) * 100;
			amount = "";
		} else if (json_is_integer(a) || (json_is_string(a) &&
		    !input_blank(json_string_value(a)))) {
			amount = json_is_integer(a) ? arena_printf(r->arena,
			    "%" JSON_INTEGER_FORMAT, json_integer_value(a)) :
			    json_string_value(a);
			if (amount == NULL || !money_parse(amount, &cents)) {
				const char *big = money_too_large_msg(amount,
				    MONEY_MAX);

				json_decref(arr);
				return refuse(e, 400, big ?
				    arena_strdup(r->arena, big) : bad_amount,
				    package_field(r, i, "amount"));
			}
		}
		if (amount)
			set_str(clean, "amount", money_format(cents, money));
		cur = code_member(p, "currency");
		if (cur && money_not_money_msg(cur)) {
			json_decref(arr);
			return refuse(e, 400, money_not_money_msg(cur),
			    package_field(r, i, "currency"));
		}
		if ((cur && !money_currency_ok(cur)) || (amount && cur == NULL)) {
			json_decref(arr);
			return refuse(e, 400, bad_amount,
			    package_field(r, i, "currency"));
		}
		if (cur && amount == NULL) {
			json_decref(arr);
			return refuse(e, 400, bad_amount,
			    package_field(r, i, "amount"));
		}
		if (amount && money_fits_msg(cents, cur)) {
			json_decref(arr);
			return refuse(e, 400, money_fits_msg(cents, cur),
			    package_field(r, i, "amount"));
		}
		set_str(clean, "currency", cur);
	}
	*out = arr;
	return 0;
}

struct mv_ctx {
	int64_t id[MOVES_SCHEDULE_MAX * 4];
	char due[MOVES_SCHEDULE_MAX * 4][11];
	size_t n;
};

static int
scheduled_cb(void *arg, const struct visit_row *v)
{
	struct mv_ctx *x = arg;

	if (strcmp(v->status, "Scheduled") != 0 || x->n >= ARRAY_SIZE(x->id))
		return 0;
	x->id[x->n] = v->id;
	snprintf(x->due[x->n], sizeof(x->due[x->n]), "%s", v->due_on);
	x->n++;
	return 0;
}

/*
 * The plan date of case_id changed from old to new: its visits still
 * Scheduled keep their months after the plan and move with it (Done
 * and Missed ones stay as they were). The caller's transaction.
 */
static int
move_plan_visits(struct req *r, int64_t case_id, const char *old,
    const char *new)
{
	struct mv_ctx x = { .n = 0 };
	int oy, om, od, y, m, d, months;
	char to[11];
	size_t i, moved = 0;

	if (!date_parse(old, &oy, &om, &od) ||
	    db_visit_list(r->app->db, case_id, scheduled_cb, &x) != DB_OK)
		return -1;
	for (i = 0; i < x.n; i++) {
		if (!date_parse(x.due[i], &y, &m, &d))
			continue;
		months = (y * 12 + m) - (oy * 12 + om);
		if (moves_add_months(new, months, to) < 0)
			continue;
		if (strcmp(to, x.due[i]) == 0)
			continue;
		if (db_visit_move(r->app->db, x.id[i], to, r->user.id,
		    r->now) != DB_OK)
			return -1;
		moved++;
	}
	if (moved == 0)
		return 0;
	/* Dated when it is done: the new plan date is in its detail. */
	return timeline_add(r, case_id, "visit.rescheduled", 0, NULL, false,
	    json_pack("{s:I,s:s}", "visits", (json_int_t)moved, "date", new));
}

int
moves_reint_save(struct req *r, const struct case_row *c, json_t *in,
    struct moves_err *e)
{
	struct reint_row p;
	struct return_row rr;
	struct buf b = BUF_INIT(BODY_MAX);
	json_t *body = NULL, *packages = NULL;
	const char *type, *objectives, *outcome, *from = NULL;
	char now[11], date[11], ad[64], old_outcome[DB_STATE_MAX];
	char old_date[DB_DATE_MAX];
	bool isnew, plan_changed, move_visits = false;
	int64_t have = 0;
	int rc, ir, lr = DB_NOTFOUND, ls = -1;

	if (members(r, in, reint_fields, e))
		return 1;
	rc = db_reint_get(r->app->db, c->id, &p);
	if (rc == DB_ERROR)
		return -1;
	isnew = rc != DB_OK;
	if (!isnew) {
		ad_of(ad, "reintegration", c->id, p.id);
		body = open_body(r, ad, p.body, p.len);
		free(p.body);
		p.body = NULL;
		if (body == NULL)
			return -1;
	} else {
		body = json_object();
	}
	rc = 1;
	if (!isnew && version_member(in, p.version, e))
		goto out;
	today(r, now);
	type = code_member(in, "plan_type");
	outcome = code_member(in, "outcome");
	if (date_member(r, in, "plan_date", isnew ? now : p.plan_date, false,
	    date, e) || text_member(r, in, "objectives", NOTE_MAX, &objectives,
	    e))
		goto out;
	/* The visits count from the plan date: one ahead would put them
	 * off for as long. */
	if (json_object_get(in, "plan_date") && strcmp(date, now) > 0) {
		refuse(e, 400, _("A reintegration plan cannot be dated in the "
		    "future."), "plan_date");
		goto out;
	}
	if (json_object_get(in, "plan_date") &&
	    (ir = after_identification(r, c, date, "plan_date", e)) != 0) {
		rc = ir;
		goto out;
	}
	if (type && !code_valid(CL_SUPPORT_PLAN_TYPE, type)) {
		refuse(e, 400, _("Choose a type of support plan."), "plan_type");
		goto out;
	}
	if (isnew && type == NULL) {
		refuse(e, 400, _("Choose a type of support plan."), "plan_type");
		goto out;
	}
	if (outcome && !code_valid(CL_REINTEGRATION_OUTCOME, outcome)) {
		refuse(e, 400, _("Unknown outcome."), "outcome");
		goto out;
	}
	if (json_object_get(in, "packages") &&
	    parse_packages(r, json_object_get(in, "packages"), &packages, e))
		goto out;
	plan_changed = isnew || type || objectives || packages ||
	    json_object_get(in, "plan_date") ||
	    json_object_get(in, "objectives");
	snprintf(old_outcome, sizeof(old_outcome), "%s", p.outcome);
	snprintf(old_date, sizeof(old_date), "%s", isnew ? "" : p.plan_date);
	/* Where the visits count from: a new plan schedules them from its
	 * date when the case has no return (or a cancelled one) and no
	 * visits yet; after an arrival they count from the arrival. The
	 * plan remembers it ("visits_from"), so that a corrected plan date
	 * moves only visits of its own. */
	rc = -1;
	lr = db_return_latest(r->app->db, c->id, &rr);
	if (lr == DB_ERROR)
		goto out;
	if (lr == DB_OK) {
		free(rr.body);
		ls = stage_of(rr.stage);
	}
	if (db_visit_count(r->app->db, c->id, &have) != DB_OK)
		goto out;
	if (isnew && have == 0 && (lr == DB_NOTFOUND || ls == ST_CANCELLED))
		set_str(body, "visits_from", "plan");
	else if (isnew && have == 0 && ls == ST_ARRIVED)
		set_str(body, "visits_from", "arrival");
	from = json_string_value(json_object_get(body, "visits_from"));
	/* A plan from before it was remembered: the rule of its making. */
	if (!isnew && from == NULL && (lr == DB_NOTFOUND ||
	    ls == ST_CANCELLED))
		from = "plan";
	move_visits = !isnew && from && strcmp(from, "plan") == 0 &&
	    strcmp(old_date, date) != 0;
	if (type)
		snprintf(p.plan_type, sizeof(p.plan_type), "%s", type);
	snprintf(p.plan_date, sizeof(p.plan_date), "%s", date);
	if (json_object_get(in, "outcome"))
		snprintf(p.outcome, sizeof(p.outcome), "%s",
		    outcome ? outcome : "");
	if (json_object_get(in, "objectives"))
		set_str(body, "objectives", objectives);
	if (packages)
		json_object_set(body, "packages", packages);
	else if (isnew)
		json_object_set_new(body, "packages", json_array());
	p.case_id = c->id;

	rc = -1;
	if (db_begin(r->app->db) != DB_OK)
		goto out;
	if (isnew) {
		/* The id is part of the seal's binding: insert, then seal. */
		p.body = NULL;
		p.len = 0;
		if (db_reint_put(r->app->db, &p, r->user.id, r->now) != DB_OK)
			goto fail;
		p.version = 1;
	}
	ad_of(ad, "reintegration", c->id, p.id);
	if (seal_body(r, ad, body, &b) < 0)
		goto fail;
	p.body = (unsigned char *)b.p;
	p.len = b.len;
	rc = db_reint_put(r->app->db, &p, r->user.id, r->now);
	p.body = NULL;
	if (rc == DB_CONFLICT) {
		db_rollback(r->app->db);
		rc = refuse(e, 409, _("Someone else changed this record in the "
		    "meantime. Reload it and try again."), NULL);
		goto out;
	}
	rc = -1;
	if (plan_changed && timeline_add(r, c->id, isnew ?
	    "reintegration.planned" : "reintegration.updated", p.id,
	    isnew ? p.plan_date : NULL, false, json_pack("{s:s,s:I}",
	    "support_plan_type", p.plan_type, "packages", (json_int_t)
	    json_array_size(json_object_get(body, "packages")))) < 0)
		goto fail;
	if (strcmp(old_outcome, p.outcome) != 0 && p.outcome[0] &&
	    timeline_add(r, c->id, "reintegration.outcome", p.id, NULL, false,
	    json_pack("{s:s}", "reintegration_outcome", p.outcome)) < 0)
		goto fail;
	if (isnew) {
		/* Visits follow the arrival of a return; a case without
		 * one has them from the plan date. */
		if ((lr == DB_NOTFOUND || ls == ST_CANCELLED) &&
		    schedule_visits(r, c->id, p.plan_date) < 0)
			goto fail;
		if (ls == ST_ARRIVED &&
		    schedule_visits(r, c->id, rr.arrived_on) < 0)
			goto fail;
	}
	if (move_visits && move_plan_visits(r, c->id, old_date,
	    p.plan_date) < 0)
		goto fail;
	if (audit(r, "reintegration.save", c->id, NULL, json_pack(
	    "{s:I,s:s,s:s,s:b}", "plan", (json_int_t)p.id, "support_plan_type",
	    p.plan_type, "reintegration_outcome", p.outcome, "new", isnew)) < 0 ||
	    db_commit(r->app->db) != DB_OK)
		goto fail;
	rc = 0;
	goto out;
fail:
	db_rollback(r->app->db);
	rc = -1;
out:
	json_decref(body);
	json_decref(packages);
	buf_release(&b);
	return rc;
}

/* Refuses a visit dated before what its schedule counts from: the
 * person's arrival after a return, or else the reintegration plan. */
static int
visit_date_check(struct req *r, int64_t case_id, const char *date,
    struct moves_err *e)
{
	struct return_row rr;
	struct reint_row p;
	int rc = db_return_latest(r->app->db, case_id, &rr);

	if (rc == DB_ERROR)
		return -1;
	if (rc == DB_OK) {
		free(rr.body);
		if (stage_of(rr.stage) == ST_ARRIVED) {
			if (strcmp(date, rr.arrived_on) < 0)
				return refuse(e, 400, _("A visit cannot be "
				    "dated before the person arrived."),
				    "date");
			return 0;
		}
	}
	rc = db_reint_get(r->app->db, case_id, &p);
	if (rc == DB_ERROR)
		return -1;
	if (rc == DB_OK) {
		free(p.body);
		if (strcmp(date, p.plan_date) < 0)
			return refuse(e, 400, _("A visit cannot be dated "
			    "before the reintegration plan."), "date");
	}
	return 0;
}

int
moves_visit_record(struct req *r, int64_t case_id, int64_t id, json_t *in,
    struct moves_err *e)
{
	struct visit_row v;
	struct case_row c;
	unsigned char *blob = NULL;
	size_t blen = 0;
	struct buf b = BUF_INIT(BODY_MAX);
	const char *status, *notes;
	char date[11], now[11], ad[64];
	json_t *body = NULL;
	int rc;

	rc = db_visit_get(r->app->db, id, &v, &blob, &blen);
	if (rc == DB_ERROR)
		return -1;
	free(blob);
	/* Audited as every refusal by role, with the case when there is
	 * one: the answer is the same either way. */
	if (!user_can(&r->user, PERM_ASSIST)) {
		if (audit(r, "visit.denied", rc == DB_OK ? v.case_id : 0, NULL,
		    json_pack("{s:I}", "visit", (json_int_t)id)) < 0)
			return -1;
		return refuse(e, 403, _("You are not allowed to change cases."),
		    NULL);
	}
	if (members(r, in, visit_fields, e))
		return 1;
	/* A visit of another case than the one a page names is not there:
	 * the same answer as a missing one, the attempt audited. */
	if (rc == DB_OK && case_id != 0 && v.case_id != case_id) {
		if (audit(r, "visit.denied", case_id, NULL, json_pack("{s:I}",
		    "visit", (json_int_t)id)) < 0)
			return -1;
		rc = DB_NOTFOUND;
	}
	if (rc == DB_OK) {
		rc = cases_load(r, v.case_id, &c, "visit.denied");
		if (rc == DB_ERROR)
			return -1;
	}
	if (rc != DB_OK)
		return refuse(e, 404, _("This visit does not exist."), NULL);
	today(r, now);
	status = code_member(in, "status");
	if (date_member(r, in, "date", NULL, false, date, e) ||
	    text_member(r, in, "notes", NOTE_MAX, &notes, e))
		return 1;
	if (status == NULL || (strcmp(status, "Done") != 0 &&
	    strcmp(status, "Missed") != 0))
		return refuse(e, 400, _("Record the visit as done or missed."),
		    "status");
	if (strcmp(v.status, "Done") == 0 || strcmp(v.status, status) == 0)
		return refuse(e, 409, _("This visit has been recorded already."),
		    NULL);
	/* A visit may be done early, but is missed only once it is due. */
	if (strcmp(status, "Missed") == 0 && strcmp(now, v.due_on) < 0)
		return refuse(e, 400, _("A visit cannot be recorded as missed "
		    "before it is due."), "status");
	if (strcmp(status, "Done") == 0 && date[0] == '\0')
		return refuse(e, 400, _("Give the date of the visit."), "date");
	if (date[0] && strcmp(date, now) > 0)
		return refuse(e, 400, _("A visit cannot be recorded before it "
		    "happens."), "date");
	if (date[0] && (rc = visit_date_check(r, c.id, date, e)) != 0)
		return rc;
	if (notes) {
		body = json_pack("{s:s}", "notes", notes);
		ad_of(ad, "visit", c.id, id);
		rc = seal_body(r, ad, body, &b);
		json_decref(body);
		if (rc < 0) {
			buf_release(&b);
			return -1;
		}
	}
	if (db_begin(r->app->db) != DB_OK) {
		buf_release(&b);
		return -1;
	}
	body = json_pack("{s:s}", "visit_status", status);
	if (date[0])
		json_object_set_new(body, "date", json_string(date));
	if (db_visit_record(r->app->db, id, status, date, notes ? b.p : NULL,
	    b.len, r->user.id, r->now) != DB_OK ||
	    timeline_add(r, c.id, strcmp(status, "Done") == 0 ? "visit.done" :
	    "visit.missed", id, date[0] ? date : NULL, false, body) < 0 ||
	    audit(r, "visit.record", c.id, NULL, json_pack("{s:I,s:s}",
	    "visit", (json_int_t)id, "visit_status", status)) < 0 ||
	    db_commit(r->app->db) != DB_OK) {
		db_rollback(r->app->db);
		buf_release(&b);
		return -1;
	}
	buf_release(&b);
	return 0;
}
