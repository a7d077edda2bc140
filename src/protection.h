/*
 * protection.h - protection and assistance: partner organisations,
 * shelters and their occupancy, and the records of a case built on
 * caserec.h (services, support plans, shelter stays, health, security
 * risk, law-enforcement referrals) with their particular rules.
 *
 * The API (api_protection.c) and the pages (page_protection.c) both go
 * through these, so each rule exists once.
 */
#ifndef CTM_PROTECTION_H
#define CTM_PROTECTION_H

#include <jansson.h>

#include "caserec.h"
#include "http.h"

/* The kinds, in the order of the protection page. */
extern const struct rec_kind prot_service, prot_plan, prot_stay,
    prot_health, prot_risk, prot_le;
/* By URL segment ("services") or stored name ("service"); NULL if none. */
const struct rec_kind *protection_kind_by_path(const char *path);
const struct rec_kind *protection_kind_by_name(const char *name);
/* The kinds of the protection page (all but health): *n of them. */
const struct rec_kind *const *protection_page_kinds(size_t *n);

/* --- organisations --- */
json_t *protection_org_json(const struct organisation *o);
/*
 * Creates (o->id 0) or changes organisation o from in (untrusted JSON:
 * name, type, country, city, phone, and disabled on change), audited.
 * 0 (o filled), 1 with *errors (field -> message, new ref), -1.
 */
int protection_org_save(struct req *r, struct organisation *o, json_t *in,
    json_t **errors);

/* --- the registry (organisations, shelters) --- */
/* Whether r's user may see the registry: who sees cases, and who
 * manages the registry (an admin, without case content). */
bool protection_registry_read(const struct req *r);
/* Office filter for shelter lists: 0 for all, the user's office, or -1
 * for none. */
int64_t protection_shelter_office(const struct req *r);
/* Whether r's user may see (manage false) or manage shelter s. */
bool protection_shelter_ok(const struct req *r, const struct shelter *s,
    bool manage);
/*
 * Creates (s->id 0) or changes shelter s from in (untrusted: name, city,
 * capacity, office code, organisation id; disabled on change): office
 * staff only in their own office, and a shelter never changes office.
 * 0 (s filled), 1 with *errors, -1.
 */
int protection_shelter_save(struct req *r, struct shelter *s, json_t *in,
    json_t **errors);
/* Whether the person of case_id is in a shelter now (a stay without a
 * discharge): 1 yes, 0 no, -1 on failure. */
int protection_in_shelter(struct db *db, int64_t case_id);
/*
 * Whether a shelter of capacity places is full with occupied people in
 * it, and how many places are free: the one rule for the API, the pages
 * and the dashboards. A shelter of no places (possible only in data from
 * before capacity had to be at least 1) is full.
 */
bool protection_full(int64_t capacity, int64_t occupied);
int64_t protection_free(int64_t capacity, int64_t occupied);
/* How many people stay in shelter id on day (YYYY-MM-DD): admitted on or
 * before it and not discharged by then. -1 on failure. */
int64_t protection_occupied(struct db *db, int64_t shelter_id,
    const char *day);
/* Occupancy of shelter id on each of the ndays days from "from" (≤ 366)
 * into counts[ndays]. 0 or -1. */
int protection_occupancy(struct db *db, int64_t shelter_id,
    const char *from, size_t ndays, int64_t *counts);
/* A shelter as JSON with its occupancy today (new ref). */
json_t *protection_shelter_json(struct req *r, const struct shelter *s);

/* For dashboards: each shelter of an office with its occupancy on day. */
struct shelter_occupancy {
	int64_t id;
	const char *name;
	int64_t capacity;
	int64_t occupied;
};
typedef int (*protection_occ_cb)(void *arg,
    const struct shelter_occupancy *o);
int protection_office_occupancy(struct db *db, int64_t office_id,
    const char *day, protection_occ_cb cb, void *arg);

/* --- law enforcement --- */
/* Whether the case file's latest consent record says "Yes" to sharing
 * with law enforcement: 1 yes, 0 no, 2 yes but recorded after day on
 * (NULL: any day), -1 on failure. */
int protection_le_consent(struct req *r, const struct case_row *c,
    const char *on);
/* The members of a disclosure's body, for the API to check first. */
extern const struct input_field protection_disclose_keys[];
/*
 * Records a further disclosure (in: date, shared) to the body of referral
 * rec_id of case c at version. 0, 1 with *errors, 2 stale, 3 not a
 * referral of c (answer as a missing record), -1. Audited as
 * le.disclosure, on the timeline.
 */
int protection_disclose(struct req *r, const struct case_row *c,
    int64_t rec_id, int version, json_t *in, json_t **errors);

#endif
