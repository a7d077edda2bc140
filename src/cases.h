/*
 * cases.h - who may see and change a case, and how a change is made.
 *
 * The API and the pages both go through these, so the scoping rules,
 * validation and audit of cases exist once.
 */
#ifndef CTM_CASES_H
#define CTM_CASES_H

#include "http.h"

/* HTCDS cas_Status code ("Active", …). */
const char *case_status_code(enum case_status s);
/* Translated label for pages. */
const char *case_status_label(enum case_status s);
/* -1 for an unknown code. */
int case_status_from_code(const char *s);

/* True when r's user may see case c. */
bool cases_visible(const struct req *r, const struct case_row *c);
/*
 * Loads case id for r's user. DB_OK when it exists and is visible;
 * DB_NOTFOUND when it does not exist or is out of scope (the latter
 * audited as denied_action). DB_ERROR on failure.
 */
int cases_load(struct req *r, int64_t id, struct case_row *c,
    const char *denied_action);
/*
 * Whether r's user sees case id: it exists and they open at least its
 * summary (in scope, or by history or handover access, as
 * cases_open_summary() lets them). Its existence is no secret to them,
 * whatever else they may not do with it.
 */
bool cases_seen(struct req *r, int64_t id);
/*
 * A page's refusal for the role, of a request naming case id (already
 * audited by the caller): 403 with msg (the API's message) to whoever
 * sees the case, 404 as for a missing case to whoever does not. 1 when
 * answered, -1.
 */
int cases_refuse_page(struct req *r, int64_t id, const char *msg);
/*
 * Opens case r->id for a handler that needs permission need: answers
 * itself when it may not (forbidden_status: 403 for the API; 404 for
 * pages, which answer as cases_refuse_page()) or when the case is
 * missing or out of scope (404, the attempt audited as denied). Returns
 * 0 when c is loaded, 1 when an answer was given, -1 on failure.
 */
int cases_open(struct req *r, struct case_row *c, enum perm need,
    const char *denied, int forbidden_status);
/*
 * Like cases_open(), but also lets in an office that handed the case
 * over (history access: its summary and timeline, not its file or
 * records), setting *history then.
 */
int cases_open_history(struct req *r, struct case_row *c, enum perm need,
    const char *denied, int forbidden_status, bool *history);
/* Whether r's office handed case c over and keeps history access. */
bool cases_history_visible(struct req *r, const struct case_row *c);
/* For history access to case c (another office holds it): the step of
 * its timeline where r's office last handed it over, the end of what its
 * history shows of the case's story (timeline.h), -1 (nothing) when it
 * cannot be found; 0 for any other access. */
int64_t cases_history_until(struct req *r, const struct case_row *c);

/* How a reader reaches a case opened by cases_open_summary(). */
enum case_access {
	CASE_ACCESS_FULL,	/* in the reader's scope */
	CASE_ACCESS_HISTORY,	/* the reader's office handed it over */
	CASE_ACCESS_HANDOVER	/* a handover to the reader's office waits
				 * for the reader's decision */
};
/*
 * Whether r's user decides a handover of case c that waits: a manager
 * (PERM_TRANSFER_DECIDE) of the office a pending handover of c is asked
 * of. Deciding needs the case's summary and timeline, so while it waits
 * that manager is part of the case's need-to-know for them, high-risk
 * or not (a person at risk may still need to go home); nothing else of
 * the case (file, records, return). The rule the transfer list follows.
 */
bool cases_handover_visible(struct req *r, const struct case_row *c);
/*
 * Like cases_open_history(), for the case's summary and timeline: lets
 * in history access and handover access too, saying which in *access.
 */
int cases_open_summary(struct req *r, struct case_row *c, enum perm need,
    const char *denied, int forbidden_status, enum case_access *access);
/* Whether r's user may read health records (medical officers, and
 * whoever an admin granted them), for cases r may otherwise see. */
bool cases_health_ok(const struct req *r);
/* Whether r's user may search cases by a person's name (who reads case
 * files or health records); others search by case number only, so that
 * a list cannot tell them whether someone of a name is a case. */
bool cases_name_search_ok(const struct req *r);
/* Scopes a case list to what r's user may see (office, referred to
 * headquarters, high-risk). */
void cases_filter_scope(const struct req *r, struct case_filter *f);
/* Office filter for lists: 0 for all, the user's office, or -1 for none.
 * For a list of cases use cases_filter_scope(), which also keeps a
 * programme manager to the cases referred to headquarters. */
int64_t cases_office_scope(const struct req *r);

/* The case as API JSON (new reference). */
json_t *case_json(const struct case_row *c);

/*
 * Whether uid may be assigned cases of office_id: an active caseworker or
 * office manager of that office. Returns a translated message or NULL.
 */
const char *cases_assignee_problem(struct req *r, int64_t office_id,
    int64_t uid);

/*
 * Creates a case for r's user in office (NULL: the user's own office;
 * office staff can only create in their own). On a problem, returns 1
 * with *msg and *field (static strings) set; 0 on success; -1 on failure.
 */
int cases_create(struct req *r, const char *office_code, int status,
    int64_t assigned_to, struct case_row *c, const char **msg,
    const char **field);

/*
 * Changes status and/or assignee (pass the current values to leave them)
 * if c->version still holds (expected_version < 0: don't check). Audits
 * one case.update row per changed field. Returns DB_OK, DB_CONFLICT,
 * or DB_ERROR; c is refreshed on success.
 */
int cases_update(struct req *r, struct case_row *c, int expected_version,
    enum case_status status, int64_t assigned_to);

#endif
