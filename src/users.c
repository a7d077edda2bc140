/*
 * users.c - an administrator's changes to accounts, shared by the user
 * page and the JSON API (users.h).
 */
#include "compat.h"

#include <inttypes.h>
#include <stdio.h>

#include "audit.h"
#include "i18n.h"
#include "log.h"
#include "users.h"

static const char *const grant_names[USER_GRANT__MAX] = {
	[USER_GRANT_HEALTH] = "health_access",
	[USER_GRANT_CASE] = "case_access",
};

const char *
user_grant_name(enum user_grant g)
{
	return g < USER_GRANT__MAX ? grant_names[g] : "";
}

bool
user_grant_held(const struct user *u, enum user_grant g)
{
	switch (g) {
	case USER_GRANT_HEALTH:
		return u->health_access;
	case USER_GRANT_CASE:
		return u->case_access;
	default:
		return false;
	}
}

/* "user:ID" of the account r names, or NULL when it names none. */
static const char *
user_obj(struct req *r, int64_t uid)
{
	if (uid <= 0)
		return NULL;
	return arena_printf(r->arena, "user:%" PRId64, uid);
}

int
users_admin_check(struct req *r, bool change)
{
	if (user_can(&r->user, PERM_ADMIN_USERS))
		return 0;
	if (audit(r, change ? "admin.user.update.denied" :
	    "admin.user.view.denied", 0, user_obj(r, r->id), NULL) < 0)
		return -1;
	return resp_error(r, 403, _("Only administrators can manage accounts "
	    "and offices."), NULL) < 0 ? -1 : 1;
}

int
users_audit_update(struct req *r, int64_t uid, json_t *detail)
{
	if (detail == NULL)
		return error("admin.user.update: no memory for the detail");
	return audit(r, "admin.user.update", 0, user_obj(r, uid), detail);
}

/* Why r's user may not set grant g of u to on, or USER_GRANT_OK. */
static enum user_grant_refusal
grant_refusal(const struct req *r, const struct user *u, enum user_grant g,
    bool on)
{
	if (!on)
		return USER_GRANT_OK;
	if (g == USER_GRANT_CASE && !role_case_grantable(u->role))
		return USER_GRANT_ROLE;
	/*
	 * Neither grant is one's own to give: an administrator with case
	 * access who took health access too would read what only medical
	 * staff may. Keeping it is no grant: only a new one needs
	 * another's hand.
	 */
	if (!user_grant_held(u, g) && u->id == r->user.id)
		return USER_GRANT_SELF;
	return USER_GRANT_OK;
}

static const char *
refusal_msg(enum user_grant_refusal why, enum user_grant g)
{
	switch (why) {
	case USER_GRANT_ROLE:
		return _("Only an administrator's account can be granted case "
		    "access.");
	case USER_GRANT_SELF:
		return g == USER_GRANT_HEALTH ?
		    _("You cannot grant access to health records to yourself: "
		    "another administrator, or the command line, can.") :
		    _("You cannot grant case access to yourself: another "
		    "administrator, or the command line, can.");
	default:
		return NULL;
	}
}

static int
grant_write(struct req *r, const struct user *u, enum user_grant g, bool on)
{
	int rc;

	if (g == USER_GRANT_HEALTH)
		rc = db_user_set_health_access(r->app->db, u->id, on);
	else
		rc = db_user_set_case_access(r->app->db, u->id, on);
	if (rc != DB_OK)
		return -1;
	return users_audit_update(r, u->id, json_pack("{s:s,s:b,s:b}",
	    "field", grant_names[g], "old", user_grant_held(u, g), "new", on));
}

int
users_set_grants(struct req *r, const struct user *u,
    const int want[USER_GRANT__MAX], const char *why[USER_GRANT__MAX],
    enum user_grant_refusal refusal[USER_GRANT__MAX])
{
	bool refused = false, changes = false;
	int g, rc = DB_OK;

	for (g = 0; g < USER_GRANT__MAX; g++) {
		why[g] = NULL;
		refusal[g] = USER_GRANT_OK;
		if (want[g] < 0)
			continue;
		refusal[g] = grant_refusal(r, u, (enum user_grant)g,
		    want[g] > 0);
		if (refusal[g] != USER_GRANT_OK) {
			why[g] = refusal_msg(refusal[g],
			    (enum user_grant)g);
			refused = true;
		} else if (user_grant_held(u, (enum user_grant)g) !=
		    (want[g] > 0))
			changes = true;
	}
	if (refused) {
		for (g = 0; g < USER_GRANT__MAX; g++)
			if (refusal[g] != USER_GRANT_OK && audit(r,
			    "admin.user.update.denied", 0, user_obj(r, u->id),
			    json_pack("{s:s}", "field", grant_names[g])) < 0)
				return -1;
		return 1;
	}
	if (!changes)
		return 0;
	if (db_begin(r->app->db) != DB_OK)
		return -1;
	for (g = 0; g < USER_GRANT__MAX && rc == DB_OK; g++)
		if (want[g] >= 0 && user_grant_held(u, (enum user_grant)g) !=
		    (want[g] > 0) && grant_write(r, u, (enum user_grant)g,
		    want[g] > 0) < 0)
			rc = DB_ERROR;
	if (rc == DB_OK && db_commit(r->app->db) == DB_OK)
		return 0;
	db_rollback(r->app->db);
	return -1;
}
