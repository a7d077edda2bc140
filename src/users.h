/*
 * users.h - what an administrator does to an account that the user page
 * (/admin/users/{id}, page_admin.c) and the JSON API (/api/v1/users,
 * api_users.c) share: who may, the grants (health records, case access)
 * with their refusals, and the audit rows. One code path, so that a
 * grant refused or made is refused or made, and audited, the same way
 * whichever door it came through.
 */
#ifndef CTM_USERS_H
#define CTM_USERS_H

#include "http.h"

/* What an administrator grants beside a role (role.h). */
enum user_grant {
	USER_GRANT_HEALTH,	/* users.health_access: health records */
	USER_GRANT_CASE,	/* users.case_access: every office's cases */
	USER_GRANT__MAX
};

/* Why a grant was refused. */
enum user_grant_refusal {
	USER_GRANT_OK,
	USER_GRANT_ROLE,	/* the account's role does not take it */
	USER_GRANT_SELF,	/* one's own: another administrator grants */
};

/* "health_access", "case_access": the grant's name in the audit's
 * "field" and in the API's JSON. */
const char *user_grant_name(enum user_grant g);
/* Whether u holds grant g. */
bool user_grant_held(const struct user *u, enum user_grant g);

/*
 * Whether r's user may manage accounts. When not, answers 403 (the
 * same message on the pages and the API, whether or not the account
 * named exists) and audits the refusal as admin.user.view.denied, or
 * admin.user.update.denied when change is set, with "user:ID" when r
 * names one. 0 allowed, 1 refused and answered, -1 on failure.
 */
int users_admin_check(struct req *r, bool change);

/* Audits a change to account uid as admin.user.update; detail (stolen)
 * says {"field", "old", "new"}; NULL is taken for out of memory. 0 or
 * -1. */
int users_audit_update(struct req *r, int64_t uid, json_t *detail);

/*
 * Sets the grants of account u as r's user (an administrator: the
 * caller checked users_admin_check) asks: want[g] is -1 to leave grant
 * g alone, 0 to take it, 1 to give it. All are checked first: a role
 * that does not take case access, and one's own case access, are
 * refused. A refusal changes nothing at all (not even the other grant
 * asked), is audited admin.user.update.denied {"field"} for each grant
 * refused, and leaves why[g] (translated, for the user's language) and
 * refusal[g] set for each; 1 is returned. Else every grant that changes
 * is written with its admin.user.update {"field", "old", "new"} row,
 * all in one transaction, and 0 is returned; a grant asked as it is
 * already writes nothing. -1 on failure (nothing written).
 */
int users_set_grants(struct req *r, const struct user *u,
    const int want[USER_GRANT__MAX], const char *why[USER_GRANT__MAX],
    enum user_grant_refusal refusal[USER_GRANT__MAX]);

#endif
