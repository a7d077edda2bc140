/*
 * moves.h - voluntary return, handover of a case between offices, and
 * reintegration (plan, packages, monitoring visits, outcome).
 *
 * The API (api_moves.c), the pages (page_moves.c) and the demo (demo.c)
 * call these with a struct req: input is a JSON object (the pages build
 * one from their form), untrusted, checked in full before anything is
 * written; each change and its timeline step are one transaction, and
 * each is audited with codes only. Places, names and notes are sealed.
 *
 * Return values of the actions: 0 done; 1 refused, with *e saying why
 * (HTTP status, a translated message, the field or NULL), nothing
 * changed; -1 failure (logged).
 */
#ifndef CTM_MOVES_H
#define CTM_MOVES_H

#include <jansson.h>

#include "http.h"

/* A refusal: its status, the message (translated) at field (NULL: the
 * request as a whole), and the answer's own message when it is not msg
 * (summary, NULL: msg), as for unknown members: "Unknown field." at
 * each, "The request contains unknown fields." for the request. */
struct moves_err {
	int status;
	const char *msg;
	const char *field;
	const char *summary;
};

/* --- pure schedule computation (no database) --- */

#define MOVES_SCHEDULE_MAX 24
#define MOVES_MONTHS_MAX 120
#define MOVES_SCHEDULE_DEFAULT "1,3,6,12"

/*
 * date plus months (0..1200), clamped to the end of the month (Jan 31 +
 * 1 month = Feb 28 or 29) into out. -1 for a bad date.
 */
int moves_add_months(const char *date, int months, char out[11]);
/*
 * Parses a schedule: month counts separated by commas (spaces allowed),
 * strictly increasing, each 1..MOVES_MONTHS_MAX, 1..MOVES_SCHEDULE_MAX of
 * them, into months[]; *n their count. -1 when s is not such a list.
 */
int moves_schedule_parse(const char *s, int months[MOVES_SCHEDULE_MAX],
    size_t *n);
/* The due dates of a schedule from base into out[n]. -1 for a bad base. */
int moves_schedule_dates(const char *base, const int *months, size_t n,
    char out[][11]);

/* --- settings --- */

/* The configured schedule (the default when unset or unreadable). */
int moves_schedule_get(struct req *r, int months[MOVES_SCHEDULE_MAX],
    size_t *n);
/* Changes it (admins): s as moves_schedule_parse() takes it. */
int moves_schedule_set(struct req *r, const char *s, struct moves_err *e);

/* --- return --- */

/* The return of case c with its transfers and next steps, as JSON (new
 * reference), json null member "return" when none; history: read by an
 * office that handed the case over. NULL on failure. */
json_t *moves_return_json(struct req *r, const struct case_row *c,
    bool history);
/*
 * Whether a return may be asked for c now: 0 (it may), 1 with the
 * reason in e (a closed case; a return under way), -1 on failure. The
 * rule moves_return_request() applies, for the pages to offer only the
 * forms that can succeed.
 */
int moves_return_allowed(struct req *r, const struct case_row *c,
    struct moves_err *e);
/* Asks for a return: dest_country, dest_office, date, notes. */
int moves_return_request(struct req *r, const struct case_row *c,
    json_t *in, struct moves_err *e);
/* Advances the return: stage, date, notes, legs (Planned),
 * received_by (Arrived), reason (Cancelled), version (optional). */
int moves_return_stage(struct req *r, const struct case_row *c, json_t *in,
    struct moves_err *e);
/* Replaces the travel legs (before departure): legs, version. */
int moves_return_legs(struct req *r, const struct case_row *c, json_t *in,
    struct moves_err *e);

/* Whether the person of case_id is on the way home: its newest return
 * has departed and not yet arrived. 1 with *from_office the office that
 * asked for it, 0 (*from_office 0), -1 on failure. */
int moves_in_transit(struct db *db, int64_t case_id, int64_t *from_office);

/* --- handover --- */

/* The same for a handover of c: refused for a closed case. */
int moves_transfer_allowed(const struct case_row *c, struct moves_err *e);
/* Asks for a handover of c to in's to_office (default: the return's
 * destination office); *id receives the transfer. */
int moves_transfer_request(struct req *r, const struct case_row *c,
    json_t *in, int64_t *id, struct moves_err *e);
/* Accepts (decision "accept", assigned_to) or declines (decision
 * "decline", reason) transfer id. */
int moves_transfer_decide(struct req *r, int64_t id, json_t *in,
    struct moves_err *e);
/* Withdraws a pending transfer (origin office). */
int moves_transfer_cancel(struct req *r, int64_t id, struct moves_err *e);
/* Audits a refused change of transfer id ("transfer.denied"), naming its
 * case when the transfer exists, so that the case's audit shows the
 * attempt (the answer is the same either way). 0, or -1 on failure. */
int moves_transfer_denied(struct req *r, int64_t id);
/* Incoming and outgoing transfers of r's office: {incoming, outgoing}. */
json_t *moves_transfers_json(struct req *r);
/* Whether r's user may see the list of transfers at all. */
bool moves_transfers_allowed(const struct req *r);

/* --- reintegration --- */

/* The plan, packages, outcome and visits of c (new reference). */
json_t *moves_reint_json(struct req *r, const struct case_row *c);
/* Makes or changes the plan: plan_type, plan_date, objectives,
 * packages [{type, amount, currency, status}], outcome, version. */
int moves_reint_save(struct req *r, const struct case_row *c, json_t *in,
    struct moves_err *e);
/* Records visit id of case case_id (0: whichever case it is of; a page
 * names the case: a visit of another is 404 as a missing one): status
 * Done|Missed, date, notes. */
int moves_visit_record(struct req *r, int64_t case_id, int64_t id,
    json_t *in, struct moves_err *e);
/* The visits of c (new reference). */
json_t *moves_visits_json(struct req *r, const struct case_row *c);

/* --- for dashboards (no HTML; codes and counts only) --- */

/* Pending transfers to office_id: [{id, case_id, case_number,
 * from_office, requested_at, return_stage, requested_on, departed_on}]. */
json_t *moves_incoming_json(struct req *r, int64_t office_id);
/* Scheduled visits due within days (and overdue ones) of cases in
 * office_id (0: all) assigned to assignee (0: anyone), those r may see:
 * [{id, case_id, case_number, office, assigned_to, due_on, overdue}]. */
json_t *moves_visits_due_json(struct req *r, int64_t office_id,
    int64_t assignee, int days);
/* {stage: count} of returns of the cases in office_id (0: all). */
json_t *moves_stage_counts_json(struct req *r, int64_t office_id);

#endif
