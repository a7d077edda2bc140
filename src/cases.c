#include "compat.h"

#include <stdio.h>
#include <string.h>
#include <time.h>

#include "audit.h"
#include "cases.h"
#include "date.h"
#include "i18n.h"
#include "log.h"
#include "timeline.h"

static const char *const status_codes[CASE_STATUS__MAX] = {
	[CASE_ACTIVE] = "Active",
	[CASE_FOLLOWUP] = "FollowUp",
	[CASE_CLOSED] = "Closed",
	[CASE_CLOSED_REFERRED] = "ClosedReferred",
};

static const char *const status_labels[CASE_STATUS__MAX] = {
	[CASE_ACTIVE] = N_("Active"),
	[CASE_FOLLOWUP] = N_("Follow-up"),
	[CASE_CLOSED] = N_("Closed"),
	[CASE_CLOSED_REFERRED] = N_("Closed and referred"),
};

const char *
case_status_code(enum case_status s)
{
	return s >= 0 && s < CASE_STATUS__MAX ? status_codes[s] : "Active";
}

const char *
case_status_label(enum case_status s)
{
	return s >= 0 && s < CASE_STATUS__MAX ? _(status_labels[s]) : "?";
}

int
case_status_from_code(const char *s)
{
	int i;

	if (s == NULL)
		return -1;
	for (i = 0; i < CASE_STATUS__MAX; i++)
		if (strcmp(s, status_codes[i]) == 0)
			return i;
	return -1;
}

/* A high-risk case exists only for its assignee and its office's
 * managers. */
static bool
high_risk_ok(const struct req *r, const struct case_row *c)
{
	if (!c->high_risk)
		return true;
	if (c->assigned_to != 0 && c->assigned_to == r->user.id)
		return true;
	return user_can(&r->user, PERM_HIGH_RISK_OFFICE) &&
	    c->office_id == r->user.office_id;
}

bool
cases_visible(const struct req *r, const struct case_row *c)
{
	if (!r->authed || !high_risk_ok(r, c))
		return false;
	switch (user_scope(&r->user)) {
	case SCOPE_ALL:
		return true;
	case SCOPE_REFERRED:
		return c->referred;
	case SCOPE_OFFICE:
		return c->office_id == r->user.office_id;
	case SCOPE_NONE:
	default:
		return false;
	}
}

bool
cases_history_visible(struct req *r, const struct case_row *c)
{
	if (!r->authed || !high_risk_ok(r, c) ||
	    user_scope(&r->user) != SCOPE_OFFICE ||
	    !user_can(&r->user, PERM_CASEFILE_READ))
		return false;
	return db_case_history_office(r->app->db, c->id,
	    r->user.office_id) == DB_OK;
}

int64_t
cases_history_until(struct req *r, const struct case_row *c)
{
	int64_t end = 0;

	if (c->office_id == r->user.office_id ||
	    user_scope(&r->user) != SCOPE_OFFICE)
		return 0;
	/* A history that cannot be ended shows nothing rather than all. */
	if (db_case_history_end(r->app->db, c->id, r->user.office_id,
	    &end) != DB_OK || end == 0)
		return -1;
	return end;
}

bool
cases_seen(struct req *r, int64_t id)
{
	struct case_row c;

	if (db_case_get(r->app->db, id, &c) != DB_OK)
		return false;
	return cases_visible(r, &c) || cases_history_visible(r, &c) ||
	    cases_handover_visible(r, &c);
}

int
cases_refuse_page(struct req *r, int64_t id, const char *msg)
{
	if (cases_seen(r, id))
		return resp_error(r, 403, msg, NULL) < 0 ? -1 : 1;
	return resp_error(r, 404, _("This case does not exist."), NULL) < 0 ?
	    -1 : 1;
}

/* A refusal for the role: forbidden_status, or for a page (404) as
 * cases_refuse_page() answers. */
static int
refuse(struct req *r, enum perm need, const char *denied,
    int forbidden_status)
{
	const char *msg = need == PERM_CASE_READ ||
	    need == PERM_CASEFILE_READ ?
	    _("You are not allowed to see cases.") :
	    _("You are not allowed to change cases.");

	if (audit(r, denied, r->id, NULL, NULL) < 0)
		return -1;
	if (forbidden_status == 404)
		return cases_refuse_page(r, r->id, msg);
	return resp_error(r, forbidden_status, msg, NULL) < 0 ? -1 : 1;
}

static int
handover_cb(void *arg, const struct transfer_row *t)
{
	(void)t;
	*(bool *)arg = true;
	return 0;
}

bool
cases_handover_visible(struct req *r, const struct case_row *c)
{
	bool found = false;

	if (!r->authed || user_scope(&r->user) != SCOPE_OFFICE ||
	    !user_can(&r->user, PERM_TRANSFER_DECIDE) ||
	    c->office_id == r->user.office_id)
		return false;
	if (db_transfer_list(r->app->db, r->user.office_id, true, c->id, true,
	    handover_cb, &found) != DB_OK)
		return false;
	return found;
}

/* Opens case r->id: in scope, or else by history or (handover true)
 * handover access, as *access says. */
static int
open_access(struct req *r, struct case_row *c, enum perm need,
    const char *denied, int forbidden_status, bool handover,
    enum case_access *access)
{
	int rc;

	*access = CASE_ACCESS_FULL;
	if (!user_can(&r->user, need))
		return refuse(r, need, denied, forbidden_status);
	rc = db_case_get(r->app->db, r->id, c);
	if (rc == DB_ERROR)
		return -1;
	if (rc == DB_OK && !cases_visible(r, c)) {
		if (cases_history_visible(r, c)) {
			*access = CASE_ACCESS_HISTORY;
			return 0;
		}
		if (handover && cases_handover_visible(r, c)) {
			*access = CASE_ACCESS_HANDOVER;
			return 0;
		}
		if (audit(r, denied, r->id, NULL, NULL) < 0)
			return -1;
		rc = DB_NOTFOUND;
	}
	if (rc != DB_OK)
		return resp_error(r, 404, _("This case does not exist."),
		    NULL) < 0 ? -1 : 1;
	return 0;
}

int
cases_open_history(struct req *r, struct case_row *c, enum perm need,
    const char *denied, int forbidden_status, bool *history)
{
	enum case_access a;
	int rc = open_access(r, c, need, denied, forbidden_status, false, &a);

	*history = a == CASE_ACCESS_HISTORY;
	return rc;
}

int
cases_open_summary(struct req *r, struct case_row *c, enum perm need,
    const char *denied, int forbidden_status, enum case_access *access)
{
	return open_access(r, c, need, denied, forbidden_status, true,
	    access);
}

int
cases_open(struct req *r, struct case_row *c, enum perm need,
    const char *denied, int forbidden_status)
{
	int rc;

	if (!user_can(&r->user, need))
		return refuse(r, need, denied, forbidden_status);
	rc = cases_load(r, r->id, c, denied);
	if (rc == DB_ERROR)
		return -1;
	if (rc != DB_OK)
		return resp_error(r, 404, _("This case does not exist."),
		    NULL) < 0 ? -1 : 1;
	return 0;
}

bool
cases_health_ok(const struct req *r)
{
	return r->authed && (user_can(&r->user, PERM_HEALTH) ||
	    r->user.health_access);
}

bool
cases_name_search_ok(const struct req *r)
{
	return user_can(&r->user, PERM_CASEFILE_READ) || cases_health_ok(r);
}

void
cases_filter_scope(const struct req *r, struct case_filter *f)
{
	f->office_id = cases_office_scope(r);
	f->viewer = r->user.id;
	f->hr_office = user_can(&r->user, PERM_HIGH_RISK_OFFICE) ?
	    r->user.office_id : 0;
	f->referred_only = user_scope(&r->user) == SCOPE_REFERRED;
}

int64_t
cases_office_scope(const struct req *r)
{
	switch (user_scope(&r->user)) {
	case SCOPE_ALL:
	case SCOPE_REFERRED:	/* every office; cases_filter_scope()
				 * keeps the referred cases */
		return 0;
	case SCOPE_OFFICE:
		return r->user.office_id;
	case SCOPE_NONE:
	default:
		return -1;
	}
}

int
cases_load(struct req *r, int64_t id, struct case_row *c,
    const char *denied_action)
{
	int rc = db_case_get(r->app->db, id, c);

	if (rc != DB_OK)
		return rc;
	if (!cases_visible(r, c)) {
		if (audit(r, denied_action, id, NULL, NULL) < 0)
			return DB_ERROR;
		return DB_NOTFOUND;
	}
	return DB_OK;
}

json_t *
case_json(const struct case_row *c)
{
	return json_pack("{s:I,s:s,s:s,s:s,s:o,s:o,s:o,s:o,s:i,s:b}",
	    "id", (json_int_t)c->id,
	    "case_number", c->number,
	    "office", c->office_code,
	    "status", case_status_code(c->status),
	    "assigned_to", c->assigned_to ? json_integer(c->assigned_to) :
	    json_null(),
	    "assigned_username", c->assigned_to ?
	    json_string(c->assigned_username) : json_null(),
	    "created_at", time_iso_json(c->created_at),
	    "updated_at", time_iso_json(c->updated_at),
	    "version", c->version,
	    "high_risk", c->high_risk);
}

const char *
cases_assignee_problem(struct req *r, int64_t office_id, int64_t uid)
{
	struct user u;
	int rc;

	if (uid == 0)
		return NULL;
	rc = db_user_get(r->app->db, uid, &u);
	if (rc != DB_OK || u.disabled || u.office_id != office_id ||
	    (u.role != ROLE_CASEWORKER && u.role != ROLE_OFFICE_MANAGER))
		return _("Choose an active caseworker or office manager of the "
		    "case's office.");
	return NULL;
}

int
cases_create(struct req *r, const char *office_code, int status,
    int64_t assigned_to, struct case_row *c, const char **msg,
    const char **field)
{
	struct office o;
	struct tm tm;
	time_t now = (time_t)r->now;
	int64_t office_id = r->user.office_id;
	const char *p;

	if (!user_can(&r->user, PERM_CASE_CREATE)) {
		*msg = _("You are not allowed to create cases.");
		*field = NULL;
		return 1;
	}
	if (office_code && *office_code) {
		int rc = db_office_by_code(r->app->db, office_code, &o);

		if (rc == DB_ERROR)
			return -1;
		if (rc != DB_OK || (user_scope(&r->user) == SCOPE_OFFICE &&
		    o.id != r->user.office_id)) {
			*msg = _("Unknown office, or not yours.");
			*field = "office";
			return 1;
		}
		office_id = o.id;
	}
	if (status < 0)
		status = CASE_ACTIVE;
	p = cases_assignee_problem(r, office_id, assigned_to);
	if (p) {
		*msg = p;
		*field = "assigned_to";
		return 1;
	}
	gmtime_r(&now, &tm);
	if (db_begin(r->app->db) != DB_OK)
		return -1;
	if (db_case_create(r->app->db, office_id, tm.tm_year + 1900,
	    (enum case_status)status, assigned_to, r->user.id, r->now,
	    c) != DB_OK)
		goto fail;
	if (audit(r, "case.create", c->id, NULL,
	    json_pack("{s:s,s:s}", "case_number", c->number, "office",
	    c->office_code)) < 0 ||
	    timeline_add(r, c->id, "case.created", 0, NULL, false,
	    json_pack("{s:s,s:s}", "office", c->office_code, "case_status",
	    case_status_code(c->status))) < 0)
		goto fail;
	if (db_commit(r->app->db) != DB_OK)
		goto fail;
	return 0;
fail:
	db_rollback(r->app->db);
	return -1;
}

static int
audit_change(struct req *r, int64_t case_id, const char *field, json_t *old,
    json_t *new)
{
	return audit(r, "case.update", case_id, NULL,
	    json_pack("{s:s,s:o,s:o}", "field", field, "old", old, "new", new));
}

int
cases_update(struct req *r, struct case_row *c, int expected_version,
    enum case_status status, int64_t assigned_to)
{
	struct case_row before = *c;
	int rc;

	if (status == c->status && assigned_to == c->assigned_to)
		return DB_OK;
	if (db_begin(r->app->db) != DB_OK)
		return DB_ERROR;
	rc = db_case_update(r->app->db, c->id,
	    expected_version < 0 ? c->version : expected_version, status,
	    assigned_to, r->now);
	if (rc != DB_OK)
		goto fail;
	rc = DB_ERROR;
	if (status != before.status &&
	    audit_change(r, c->id, "status",
	    json_string(case_status_code(before.status)),
	    json_string(case_status_code(status))) < 0)
		goto fail;
	if (assigned_to != before.assigned_to &&
	    audit_change(r, c->id, "assigned_to",
	    before.assigned_to ? json_integer(before.assigned_to) : json_null(),
	    assigned_to ? json_integer(assigned_to) : json_null()) < 0)
		goto fail;
	if (status != before.status && timeline_add(r, c->id, "case.status", 0,
	    NULL, false, json_pack("{s:s}", "case_status",
	    case_status_code(status))) < 0)
		goto fail;
	if (assigned_to != before.assigned_to && timeline_add(r, c->id,
	    "case.assigned", 0, NULL, false, NULL) < 0)
		goto fail;
	if (db_commit(r->app->db) != DB_OK)
		goto fail;
	return db_case_get(r->app->db, c->id, c);
fail:
	db_rollback(r->app->db);
	return rc;
}
