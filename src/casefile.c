/*
 * casefile.c - loading, checking and saving the whole case file.
 *
 * Input is untrusted JSON. Checking is done in full before anything is
 * written and collects every problem by field path, so a form can show
 * them all at once; the save then runs in one transaction.
 */
#include "compat.h"

#include <stdio.h>
#include <string.h>
#include <time.h>

#include "audit.h"
#include "cases.h"
#include "casefile.h"
#include "catalogue.h"
#include "i18n.h"
#include "input.h"
#include "date.h"
#include "log.h"
#include "screening.h"
#include "timeline.h"
#include "vault.h"

#define FILE_MAX (2 * 1024 * 1024)

struct list_def {
	enum section sec;
	const char *key;
	const char *id_key;	/* stable entry id, or NULL */
};

static const struct list_def lists[] = {
	{ SEC_EVENT, "events", NULL },
	{ SEC_PERPETRATOR, "perpetrators", "per_id" },
	{ SEC_REFERRAL, "referrals", NULL },
	{ SEC_COMMENT, "comments", "com_id" },
	{ SEC_CONSENT, "consents", "con_id" },
};

static bool
scalar_section(enum section s)
{
	return s == SEC_PERSON || s == SEC_VICTIM || s == SEC_IDENT ||
	    s == SEC_CASE;
}

static void
iso_day(int64_t t, char out[16])
{
	date_of(t, out);
}

const char *
casefile_str(json_t *o, const char *key)
{
	const char *s = json_string_value(json_object_get(o, key));

	return s ? s : "";
}

/* --- sealing --- */

static json_t *
open_json(struct req *r, const char *ad, const unsigned char *blob,
    size_t len)
{
	return vault_open_json(r->app->vault, ad, blob, len);
}

static int
seal_json(struct req *r, const char *ad, json_t *j, struct buf *out)
{
	return vault_seal_json(r->app->vault, ad, j, out);
}

/* --- loading --- */

json_t *
casefile_load(struct req *r, const struct case_row *c)
{
	unsigned char *blob = NULL;
	size_t len = 0, i, n = 0;
	int64_t ids[CASEFILE_LIST_MAX];
	json_t *doc = NULL, *out = NULL, *perps = NULL;
	char ad[64], day[16];
	const char *key;
	json_t *v;

	if (db_casefile_get(r->app->db, c->id, &blob, &len) != DB_OK)
		return NULL;
	snprintf(ad, sizeof(ad), "case:%lld", (long long)c->id);
	doc = blob ? open_json(r, ad, blob, len) : json_object();
	free(blob);
	if (doc == NULL || !json_is_object(doc)) {
		error("case %lld: the case file cannot be opened with this key",
		    (long long)c->id);
		goto fail;
	}
	out = json_pack("{s:I,s:s,s:s,s:i}", "id", (json_int_t)c->id,
	    "case_number", c->number, "office", c->office_code, "version",
	    c->version);
	if (out == NULL)
		goto fail;
	json_object_foreach(doc, key, v)
		json_object_set(out, key, v);
	json_object_set_new(out, "cas_Status",
	    json_string(case_status_code(c->status)));
	if (json_object_get(out, "idn_RegistrationDate") == NULL) {
		iso_day(c->created_at, day);
		json_object_set_new(out, "idn_RegistrationDate", json_string(day));
	}
	for (i = 0; i < ARRAY_SIZE(lists); i++)
		if (json_object_get(out, lists[i].key) == NULL)
			json_object_set_new(out, lists[i].key, json_array());

	if (db_case_perps(r->app->db, c->id, ids, ARRAY_SIZE(ids), &n) != DB_OK)
		goto fail;
	perps = json_array();
	for (i = 0; i < n; i++) {
		int64_t office;
		json_t *p;

		if (db_perp_get(r->app->db, ids[i], &office, &blob, &len) != DB_OK)
			goto fail;
		snprintf(ad, sizeof(ad), "perp:%lld", (long long)ids[i]);
		p = open_json(r, ad, blob, len);
		free(blob);
		if (p == NULL || !json_is_object(p)) {
			json_decref(p);
			error("perpetrator %lld cannot be opened", (long long)ids[i]);
			goto fail;
		}
		json_object_set_new(p, "per_id", json_integer(ids[i]));
		json_array_append_new(perps, p);
	}
	json_object_set_new(out, "perpetrators", perps);
	perps = NULL;
	if (json_object_get(out, "screening") == NULL)
		json_object_set_new(out, "screening", json_object());
	json_decref(doc);
	return out;
fail:
	json_decref(doc);
	json_decref(out);
	json_decref(perps);
	return NULL;
}

/* --- checking --- */

struct check {
	struct req *r;
	json_t *errors;
	char today[16];
};

static void
fail_at(struct check *k, const char *path, const char *msg)
{
	if (json_object_get(k->errors, path) == NULL)
		json_object_set_new(k->errors, path, json_string(msg));
}

/*
 * Copies the fields of section sec from in to out, validating each; keys
 * of in not in allowed are reported. prefix names the entry in paths
 * ("events[2]."); system fields are skipped unless keep_system.
 */
static void
check_fields(struct check *k, json_t *in, json_t *out, enum section sec,
    const char *prefix, bool keep_system)
{
	int i;

	for (i = 0; i < F__MAX; i++) {
		const struct field_def *f = field_get((enum field_id)i);
		json_t *v;
		const char *s, *msg;
		char path[128];

		if (f->section != sec || (f->flags & FF_SYSTEM && !keep_system))
			continue;
		if (f->id == CAS_STATUS)
			continue;
		snprintf(path, sizeof(path), "%s%s", prefix, f->name);
		v = json_object_get(in, f->name);
		if (v == NULL || json_is_null(v))
			s = "";
		else if (json_is_string(v))
			s = json_string_value(v);
		else {
			fail_at(k, path, _("Give this value as text."));
			continue;
		}
		msg = field_validate(f, s, k->r->now);
		if (msg) {
			fail_at(k, path, msg);
			continue;
		}
		if (!input_blank(s))
			json_object_set_new(out, f->name, json_string(s));
	}
}

/* Reports keys of obj that are neither fields of sec nor in extra. */
static void
unknown_keys(struct check *k, json_t *obj, const enum section *secs,
    size_t nsecs, const char *const *extra, const char *prefix)
{
	const char *key;
	json_t *v;

	json_object_foreach(obj, key, v) {
		int f = field_by_name(key);
		const char *const *e;
		char path[160];
		size_t i;
		bool ok = false;

		for (i = 0; f >= 0 && i < nsecs; i++)
			if (field_get((enum field_id)f)->section == secs[i])
				ok = true;
		for (e = extra; !ok && e && *e; e++)
			if (strcmp(*e, key) == 0)
				ok = true;
		if (ok)
			continue;
		snprintf(path, sizeof(path), "%s%s", prefix, key);
		fail_at(k, path, _("Unknown field."));
	}
}

static bool
pdate(json_t *o, const char *key, struct partial_date *d)
{
	const char *s = casefile_str(o, key);

	return *s && special_answer(s) < 0 && partial_date_parse(s, d) == 0;
}

/* Cross-field rules of one event. */
static void
check_event(struct check *k, json_t *ev, const char *prefix,
    struct partial_date *prev, bool *have_prev)
{
	const char *type = casefile_str(ev, "hte_Type");
	struct partial_date d, e;
	char path[160];
	static const char *const transit_only[] = {
		"hte_MeansOfTransport", "hte_BorderCrossing", "hte_DocumentsUsed",
	};
	size_t i;

	for (i = 0; i < ARRAY_SIZE(transit_only); i++)
		if (*casefile_str(ev, transit_only[i]) && strcmp(type, "Transit") != 0) {
			snprintf(path, sizeof(path), "%s%s", prefix, transit_only[i]);
			fail_at(k, path, _("Only a transit has this."));
		}
	if (*casefile_str(ev, "hte_DurationDays") && strcmp(type, "Exploitation") != 0) {
		snprintf(path, sizeof(path), "%shte_DurationDays", prefix);
		fail_at(k, path, _("Only an exploitation has a duration."));
	}
	if (pdate(ev, "hte_Date", &d)) {
		if (pdate(ev, "hte_EndDate", &e) &&
		    partial_date_last_day(&e) < partial_date_first_day(&d)) {
			snprintf(path, sizeof(path), "%shte_EndDate", prefix);
			fail_at(k, path, _("The end lies before the start."));
		}
		if (*have_prev &&
		    partial_date_last_day(&d) < partial_date_first_day(prev)) {
			snprintf(path, sizeof(path), "%shte_Date", prefix);
			fail_at(k, path, _("The events are out of order: this one "
			    "lies before the one above it."));
		}
		*prev = d;
		*have_prev = true;
	}
}

static json_t *
find_by_id(json_t *arr, const char *id_key, json_int_t id)
{
	size_t i;
	json_t *e;

	json_array_foreach(arr, i, e)
		if (json_integer_value(json_object_get(e, id_key)) == id)
			return e;
	return NULL;
}

/* Checks one list; returns the normalised array (new ref). */
static json_t *
check_list(struct check *k, const struct list_def *l, json_t *in,
    json_t *current, json_t *file)
{
	json_t *out = json_array(), *cur = json_object_get(current, l->key);
	json_t *e;
	size_t i;
	json_int_t next_id = 1;
	struct partial_date prev;
	bool have_prev = false, append_only = l->sec == SEC_COMMENT ||
	    l->sec == SEC_CONSENT;
	const char *extra[3] = { l->id_key, NULL, NULL };

	json_array_foreach(cur, i, e) {
		json_int_t id = json_integer_value(json_object_get(e, l->id_key ?
		    l->id_key : ""));

		if (id >= next_id)
			next_id = id + 1;
	}
	if (in == NULL || json_is_null(in))
		in = json_array();
	else
		json_incref(in);
	if (!json_is_array(in)) {
		fail_at(k, l->key, _("Give a list."));
		json_decref(in);
		return out;
	}
	if (json_array_size(in) > CASEFILE_LIST_MAX)
		fail_at(k, l->key, _("This list is too long."));
	json_array_foreach(in, i, e) {
		char prefix[64];
		json_t *o, *idv, *old = NULL;
		enum section secs[1] = { l->sec };

		if (i >= CASEFILE_LIST_MAX)
			break;
		snprintf(prefix, sizeof(prefix), "%s[%zu].", l->key, i);
		if (!json_is_object(e)) {
			prefix[strlen(prefix) - 1] = '\0';
			fail_at(k, prefix, _("Give an object."));
			continue;
		}
		idv = l->id_key ? json_object_get(e, l->id_key) : NULL;
		if (idv && !json_is_null(idv)) {
			if (!json_is_integer(idv) ||
			    (old = find_by_id(cur, l->id_key,
			    json_integer_value(idv))) == NULL) {
				char path[96];

				snprintf(path, sizeof(path), "%s%s", prefix, l->id_key);
				fail_at(k, path, _("No such entry in this case."));
				continue;
			}
		}
		/* Saved comments and consents come back as they are. */
		if (append_only && old) {
			json_t *copy = json_deep_copy(e);

			if (json_is_null(json_object_get(copy, l->id_key)))
				json_object_del(copy, l->id_key);
			if (!json_equal(copy, old)) {
				prefix[strlen(prefix) - 1] = '\0';
				fail_at(k, prefix, l->sec == SEC_COMMENT ?
				    _("A saved comment cannot be changed; add a new "
				    "one.") :
				    _("A saved consent record cannot be changed; "
				    "record a new one (for instance a withdrawal)."));
			}
			json_decref(copy);
			json_array_append(out, old);
			continue;
		}
		unknown_keys(k, e, secs, 1, extra, prefix);
		o = json_object();
		check_fields(k, e, o, l->sec, prefix, false);
		if (l->sec == SEC_EVENT)
			check_event(k, o, prefix, &prev, &have_prev);
		if (old)
			json_object_set(o, l->id_key, idv);
		if (append_only) {
			char author[32];

			json_object_set_new(o, l->id_key, json_integer(next_id++));
			snprintf(author, sizeof(author), "%lld",
			    (long long)k->r->user.id);
			json_object_set_new(o, l->sec == SEC_COMMENT ? "com_Date" :
			    "con_Date", json_string(k->today));
			json_object_set_new(o, l->sec == SEC_COMMENT ? "com_Author" :
			    "con_RecordedBy", json_string(author));
		}
		json_array_append_new(out, o);
	}
	/* Comments and consent records are never removed. */
	if (append_only) {
		json_array_foreach(cur, i, e)
			if (find_by_id(out, l->id_key, json_integer_value(
			    json_object_get(e, l->id_key))) == NULL) {
				fail_at(k, l->key, l->sec == SEC_COMMENT ?
				    _("A saved comment cannot be removed; add a new "
				    "one that corrects it.") :
				    _("A consent record cannot be removed; record a "
				    "withdrawal instead."));
				break;
			}
	}
	(void)file;
	json_decref(in);
	return out;
}

/*
 * When the interview gives no age at the time of the act, the victim
 * section's age stands in, else the age that the birthdate and the first
 * dated event allow, when partial dates leave no doubt on which side of
 * 18 it falls. The screening shown and the screening decided use the
 * same rule.
 */
static void
age_fallback(struct screening_input *si, json_t *file)
{
	const char *age = casefile_str(file, "vic_AgeWhenTrafficked");
	struct partial_date birth, ev;
	json_t *e;
	size_t i;

	if (si->age_known)
		return;
	if (*age && special_answer(age) < 0) {
		si->age_known = true;
		si->age_at_act = (int)strtol(age, NULL, 10);
		return;
	}
	if (!pdate(file, "prs_Birthdate", &birth))
		return;
	json_array_foreach(json_object_get(file, "events"), i, e) {
		int64_t lo, hi;

		if (!pdate(e, "hte_Date", &ev))
			continue;
		partial_date_years(&birth, &ev, &lo, &hi);
		if (lo < 0 || hi > SCREENING_AGE_MAX)
			return;
		if (hi < 18 || lo >= 18) {
			si->age_known = true;
			si->age_at_act = (int)lo;
		}
		return;
	}
}

/* The screening part: input, then an optional decision. */
static json_t *
check_screening(struct check *k, json_t *in, json_t *current, json_t *file)
{
	struct screening_input eval;
	struct screening_input si;
	struct screening_result res;
	struct screening_decision d;
	json_t *copy, *dec, *out = NULL, *cur_dec;
	const char *field = NULL, *msg = NULL, *final, *reason;
	char path[96];

	if (in == NULL || json_is_null(in))
		return json_object();
	if (!json_is_object(in)) {
		fail_at(k, "screening", _("Give an object."));
		return json_object();
	}
	copy = json_deep_copy(in);
	if (copy == NULL)
		return NULL;
	dec = json_incref(json_object_get(copy, "decision"));
	json_object_del(copy, "decision");
	if (screening_from_json(copy, &si, &field, &msg) < 0) {
		snprintf(path, sizeof(path), "screening.%s", field ? field : "");
		fail_at(k, path, msg ? msg : _("Invalid screening."));
		goto out;
	}
	eval = si;
	age_fallback(&eval, file);
	if (screening_evaluate(&eval, &res) < 0) {
		fail_at(k, "screening", _("Invalid screening."));
		goto out;
	}
	out = screening_to_json(&si, NULL);
	if (dec == NULL || json_is_null(dec))
		goto out;
	if (!json_is_object(dec)) {
		fail_at(k, "screening.decision", _("Give an object."));
		goto out;
	}
	final = json_string_value(json_object_get(dec, "final_status"));
	reason = json_string_value(json_object_get(dec, "reason"));
	if (input_blank(reason))
		reason = NULL;	/* white space alone is no reason */
	cur_dec = json_object_get(json_object_get(current, "screening"),
	    "decision");
	/* An unchanged decision on an unchanged proposal keeps who took it
	 * and when; a new proposal needs the decision taken again. */
	if (cur_dec && final &&
	    strcmp(final, casefile_str(cur_dec, "final_status")) == 0 &&
	    strcmp(reason ? reason : "", casefile_str(cur_dec, "reason")) == 0 &&
	    strcmp(casefile_str(dec, "proposed_status"), casefile_str(cur_dec,
	    "proposed_status")) == 0 &&
	    strcmp(casefile_str(cur_dec, "proposed_status"),
	    screening_status_code(res.proposed)) == 0) {
		json_object_set(out, "decision", cur_dec);
		goto out;
	}
	if (screening_decide(&res, final, reason, k->r->user.id, k->r->now, &d,
	    &msg) < 0) {
		fail_at(k, "screening.decision", msg ? msg :
		    _("Invalid decision."));
		goto out;
	}
	json_object_set_new(out, "decision", screening_decision_to_json(&d));
out:
	json_decref(copy);
	json_decref(dec);
	if (out == NULL)
		out = json_object();
	return out;
}

/* Rules across sections: dates and ages that contradict each other. */
static void
check_across(struct check *k, json_t *f)
{
	struct partial_date birth, ident, reg, ev;
	bool have_birth = pdate(f, "prs_Birthdate", &birth);
	const char *age = casefile_str(f, "vic_AgeWhenTrafficked");
	const char *sec = casefile_str(f, "vic_ForcedLabourIndustry");
	const char *div = casefile_str(f, "vic_ForcedLabourIndustryDivision");
	json_t *events = json_object_get(f, "events"), *e;
	size_t i;

	if (have_birth && pdate(f, "idn_DateIdentified", &ident) &&
	    partial_date_first_day(&birth) > partial_date_last_day(&ident))
		fail_at(k, "prs_Birthdate",
		    _("The birthdate lies after the date of identification."));
	if (pdate(f, "idn_DateIdentified", &ident) &&
	    pdate(f, "idn_RegistrationDate", &reg) &&
	    partial_date_last_day(&reg) < partial_date_first_day(&ident))
		fail_at(k, "idn_RegistrationDate", _("The registration lies "
		    "before the identification."));
	if (*div && special_answer(div) < 0 && *sec && special_answer(sec) < 0) {
		const char *s = isic_division_section(div);

		if (s == NULL || strcmp(s, sec) != 0)
			fail_at(k, "vic_ForcedLabourIndustryDivision",
			    _("This division is not part of the industry chosen."));
	}
	/* No event before the birth; the age when trafficked must fit the
	 * birthdate and the first dated event, within the uncertainty of
	 * partial dates. */
	json_array_foreach(events, i, e) {
		char path[64];

		if (!have_birth || !pdate(e, "hte_Date", &ev))
			continue;
		if (partial_date_last_day(&ev) < partial_date_first_day(&birth)) {
			snprintf(path, sizeof(path), "events[%zu].hte_Date", i);
			fail_at(k, path, _("This event lies before the birthdate."));
		}
	}
	if (have_birth && *age && special_answer(age) < 0) {
		long a = strtol(age, NULL, 10);

		json_array_foreach(events, i, e) {
			int64_t lo, hi;

			if (!pdate(e, "hte_Date", &ev))
				continue;
			lo = (partial_date_first_day(&ev) -
			    partial_date_last_day(&birth)) / 366;
			hi = (partial_date_last_day(&ev) -
			    partial_date_first_day(&birth)) / 365 + 1;
			if (a < lo || a > hi)
				fail_at(k, "vic_AgeWhenTrafficked",
				    _("This age does not fit the birthdate and "
				    "the date of the first event."));
			break;
		}
	}
	/* The screening's age and the victim's age must agree. */
	{
		json_t *sa = json_object_get(json_object_get(f, "screening"),
		    "age_at_act");

		if (json_is_integer(sa) && *age && special_answer(age) < 0 &&
		    json_integer_value(sa) != strtol(age, NULL, 10))
			fail_at(k, "screening.age_at_act", _("The screening gives "
			    "another age at the time of the act than the victim "
			    "section."));
	}
}

json_t *
casefile_check(struct req *r, const struct case_row *c, json_t *doc,
    json_t *current, json_t **errors)
{
	static const enum section scalar[] = { SEC_PERSON, SEC_VICTIM,
	    SEC_IDENT, SEC_CASE };
	static const char *const extra[] = { "id", "case_number", "office",
	    "version", "events", "perpetrators", "referrals", "comments",
	    "consents", "screening", NULL };
	struct check k;
	json_t *out, *v;
	size_t i;
	int st;

	*errors = NULL;
	memset(&k, 0, sizeof(k));
	k.r = r;
	k.errors = json_object();
	iso_day(r->now, k.today);
	out = json_pack("{s:I,s:s,s:s,s:i}", "id", (json_int_t)c->id,
	    "case_number", c->number, "office", c->office_code, "version",
	    c->version);
	if (k.errors == NULL || out == NULL)
		goto fail;
	if (!json_is_object(doc)) {
		fail_at(&k, "", _("The case file must be a JSON object."));
		goto bad;
	}
	unknown_keys(&k, doc, scalar, ARRAY_SIZE(scalar), extra, "");
	if ((v = json_object_get(doc, "id")) && json_integer_value(v) != c->id)
		fail_at(&k, "id", _("This is not the file of this case."));
	for (i = 0; i < ARRAY_SIZE(scalar); i++)
		check_fields(&k, doc, out, scalar[i], "", false);
	v = json_object_get(doc, "cas_Status");
	st = v ? case_status_from_code(json_string_value(v)) : (int)c->status;
	if (st < 0)
		fail_at(&k, "cas_Status", _("Unknown case status."));
	else
		json_object_set_new(out, "cas_Status",
		    json_string(case_status_code((enum case_status)st)));
	if (json_object_get(out, "idn_RegistrationDate") == NULL)
		fail_at(&k, "idn_RegistrationDate", _("This field is required."));
	for (i = 0; i < ARRAY_SIZE(lists); i++)
		json_object_set_new(out, lists[i].key, check_list(&k, &lists[i],
		    json_object_get(doc, lists[i].key), current, out));
	json_object_set_new(out, "screening", check_screening(&k,
	    json_object_get(doc, "screening"), current, out));
	check_across(&k, out);
	if (json_object_size(k.errors) == 0) {
		json_decref(k.errors);
		return out;
	}
bad:
	*errors = k.errors;
	json_decref(out);
	return NULL;
fail:
	json_decref(k.errors);
	json_decref(out);
	return NULL;
}

/* --- saving --- */

static bool
same_value(json_t *a, json_t *b)
{
	if (a == NULL || b == NULL)
		return a == b;
	return json_equal(a, b);
}

/* The steps a save makes on the case's timeline: a screening decision
 * confirmed or changed, a status changed through the file. */
static int
timeline_changes(struct req *r, const struct case_row *c, json_t *cur,
    json_t *next)
{
	json_t *a = json_object_get(json_object_get(cur, "screening"),
	    "decision");
	json_t *b = json_object_get(json_object_get(next, "screening"),
	    "decision");
	const char *fin = casefile_str(b, "final_status");
	const char *st = casefile_str(next, "cas_Status");
	const char *idn = casefile_str(next, "idn_DateIdentified");
	const char *how = casefile_str(next, "idn_HowIdentified");

	/* Identified: on its day when the date is a whole one. */
	if (*idn && strcmp(idn, casefile_str(cur, "idn_DateIdentified")) != 0 &&
	    timeline_add(r, c->id, "case.identified", 0, strlen(idn) == 10 ?
	    idn : NULL, false, *how && special_answer(how) < 0 ?
	    json_pack("{s:s}", "how_identified", how) : NULL) < 0)
		return -1;

	if (b && *fin && strcmp(fin, casefile_str(a, "final_status")) != 0 &&
	    timeline_add(r, c->id, "case.screened", 0, NULL, false,
	    json_pack("{s:s}", "trafficking_status", fin)) < 0)
		return -1;
	if (*st && strcmp(st, casefile_str(cur, "cas_Status")) != 0 &&
	    json_object_get(cur, "cas_Status") &&
	    timeline_add(r, c->id, "case.status", 0, NULL, false,
	    json_pack("{s:s}", "case_status", st)) < 0)
		return -1;
	return 0;
}

/* One audit row per changed field; values only for coded fields that do
 * not identify anyone (free text may hold anything). */
static int
audit_changes(struct req *r, const struct case_row *c, json_t *cur,
    json_t *next)
{
	int i;
	size_t l;

	for (i = 0; i < F__MAX; i++) {
		const struct field_def *f = field_get((enum field_id)i);
		json_t *a, *b, *d;
		bool show;

		if (!scalar_section(f->section))
			continue;
		a = json_object_get(cur, f->name);
		b = json_object_get(next, f->name);
		if (same_value(a, b))
			continue;
		show = !(f->flags & FF_IDENTIFYING) && f->type != FT_TEXT &&
		    f->type != FT_LONGTEXT && f->type != FT_EMAIL &&
		    f->type != FT_PHONES;
		d = show ? json_pack("{s:s,s:O,s:O}", "field", f->name, "old",
		    a ? a : json_null(), "new", b ? b : json_null()) :
		    json_pack("{s:s}", "field", f->name);
		if (audit(r, "case.file.update", c->id, NULL, d) < 0)
			return -1;
	}
	for (l = 0; l < ARRAY_SIZE(lists); l++) {
		json_t *a = json_object_get(cur, lists[l].key);
		json_t *b = json_object_get(next, lists[l].key);

		if (same_value(a, b))
			continue;
		if (audit(r, "case.file.update", c->id, NULL, json_pack(
		    "{s:s,s:I,s:I}", "field", lists[l].key, "old_count",
		    (json_int_t)json_array_size(a), "new_count",
		    (json_int_t)json_array_size(b))) < 0)
			return -1;
	}
	if (!same_value(json_object_get(cur, "screening"),
	    json_object_get(next, "screening")) &&
	    audit(r, "case.file.update", c->id, NULL,
	    json_pack("{s:s}", "field", "screening")) < 0)
		return -1;
	return timeline_changes(r, c, cur, next);
}

/* The name tokens of the file, into db. */
static int
save_names(struct req *r, const struct case_row *c, json_t *f)
{
	char name[3 * 512], tokens[64][VAULT_TOKEN_HEX];
	const char *ptrs[64];
	size_t n = 0, i;

	snprintf(name, sizeof(name), "%s %s %s", casefile_str(f, "prs_FirstName"),
	    casefile_str(f, "prs_MiddleName"), casefile_str(f, "prs_SecondName"));
	if (vault_name_tokens(r->app->vault, name, tokens, ARRAY_SIZE(tokens),
	    &n) < 0)
		return -1;
	for (i = 0; i < n; i++)
		ptrs[i] = tokens[i];
	explicit_bzero(name, sizeof(name));
	return db_case_names_set(r->app->db, c->id, ptrs, n) == DB_OK ? 0 : -1;
}

static int
save_perps(struct req *r, const struct case_row *c, json_t *perps)
{
	int64_t ids[CASEFILE_LIST_MAX];
	size_t i, n = 0;
	json_t *p;
	struct buf b = BUF_INIT(FILE_MAX);
	char ad[64];
	int rc = -1;

	json_array_foreach(perps, i, p) {
		json_t *copy = json_deep_copy(p);
		int64_t id = json_integer_value(json_object_get(p, "per_id"));

		json_object_del(copy, "per_id");
		if (id == 0 && db_perp_add(r->app->db, c->office_id, "", 0, r->now,
		    &id) != DB_OK) {
			json_decref(copy);
			goto out;
		}
		snprintf(ad, sizeof(ad), "perp:%lld", (long long)id);
		buf_reset(&b);
		if (seal_json(r, ad, copy, &b) < 0 ||
		    db_perp_update(r->app->db, id, b.p, b.len, r->now) != DB_OK) {
			json_decref(copy);
			goto out;
		}
		json_decref(copy);
		if (n < ARRAY_SIZE(ids))
			ids[n++] = id;
	}
	rc = db_case_perps_set(r->app->db, c->id, ids, n) == DB_OK ? 0 : -1;
out:
	buf_release(&b);
	return rc;
}

/* The file as compared and stored: without what the case row holds. */
static json_t *
stored_part(json_t *f)
{
	json_t *s = json_deep_copy(f);

	if (s == NULL)
		return NULL;
	json_object_del(s, "id");
	json_object_del(s, "case_number");
	json_object_del(s, "office");
	json_object_del(s, "version");
	return s;
}

int
casefile_save(struct req *r, struct case_row *c, int expected_version,
    json_t *current, json_t *next)
{
	json_t *a = stored_part(current), *b = stored_part(next), *doc = NULL;
	struct buf sealed = BUF_INIT(FILE_MAX);
	char ad[64];
	int rc = DB_ERROR, st;

	if (a == NULL || b == NULL)
		goto out;
	if (json_equal(a, b)) {
		rc = expected_version == c->version ? DB_OK : DB_CONFLICT;
		goto out;
	}
	st = case_status_from_code(casefile_str(b, "cas_Status"));
	doc = json_deep_copy(b);
	json_object_del(doc, "cas_Status");
	json_object_del(doc, "perpetrators");
	snprintf(ad, sizeof(ad), "case:%lld", (long long)c->id);
	if (st < 0 || seal_json(r, ad, doc, &sealed) < 0)
		goto out;
	if (db_begin(r->app->db) != DB_OK)
		goto out;
	rc = db_casefile_put(r->app->db, c->id, expected_version, sealed.p,
	    sealed.len, (enum case_status)st, r->now);
	if (rc != DB_OK)
		goto rollback;
	rc = DB_ERROR;
	if (save_perps(r, c, json_object_get(b, "perpetrators")) < 0 ||
	    save_names(r, c, b) < 0 || audit_changes(r, c, a, b) < 0)
		goto rollback;
	if (db_commit(r->app->db) != DB_OK)
		goto rollback;
	rc = db_case_get(r->app->db, c->id, c);
	goto out;
rollback:
	db_rollback(r->app->db);
out:
	json_decref(a);
	json_decref(b);
	json_decref(doc);
	buf_release(&sealed);
	return rc;
}

json_t *
casefile_screening(struct req *r, json_t *file)
{
	struct screening_input si;
	struct screening_result res;
	json_t *s = json_object_get(file, "screening"), *copy, *out;

	(void)r;
	copy = json_deep_copy(s ? s : json_object());
	json_object_del(copy, "decision");
	if (screening_from_json(copy, &si, NULL, NULL) < 0) {
		json_decref(copy);
		return NULL;
	}
	json_decref(copy);
	age_fallback(&si, file);
	if (screening_evaluate(&si, &res) < 0)
		return NULL;
	out = screening_to_json(&si, &res);
	if (out && s && json_object_get(s, "decision"))
		json_object_set(out, "decision", json_object_get(s, "decision"));
	return out;
}

void
casefile_times_iso(json_t *file, bool screening)
{
	json_t *d = json_object_get(screening ? file :
	    json_object_get(file, "screening"), "decision");
	json_t *t = json_object_get(d, "decided_at");

	if (json_is_integer(t))
		json_object_set_new(d, "decided_at",
		    time_iso_json(json_integer_value(t)));
}

json_t *
casefile_route(json_t *file)
{
	json_t *out = json_array(), *e;
	size_t i;

	json_array_foreach(json_object_get(file, "events"), i, e) {
		const char *country = casefile_str(e, "hte_Country");

		json_array_append_new(out, json_pack("{s:s,s:s}", "type",
		    casefile_str(e, "hte_Type"), "country", country));
	}
	return out;
}

char *
casefile_search_tokens(struct req *r, const char *text, int *n)
{
	char tokens[16][VAULT_TOKEN_HEX];
	size_t i, count = 0;
	json_t *arr;
	char *s;

	*n = 0;
	if (vault_name_tokens(r->app->vault, text, tokens, ARRAY_SIZE(tokens),
	    &count) < 0 || count == 0)
		return NULL;
	arr = json_array();
	for (i = 0; i < count; i++)
		json_array_append_new(arr, json_string(tokens[i]));
	s = json_dumps(arr, JSON_COMPACT);
	json_decref(arr);
	*n = (int)count;
	return s;
}
