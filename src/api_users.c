/*
 * api_users.c - accounts in the JSON API (docs/api.md, "Accounts"),
 * beside the pages /admin/users and /admin/users/{id}: the same
 * permission (PERM_ADMIN_USERS, users_admin_check) and, for the grants,
 * the same code (users_set_grants), so that a refusal or a change is
 * the same, and audited the same, whichever way it came.
 *
 * An account's JSON never holds its password hash, its two-step secret
 * or anything of its sessions: the keys are written one by one below,
 * never from the whole row. Bodies are untrusted: unknown keys and
 * wrong types are refused before anything is looked at.
 */
#include "compat.h"

#include "auth.h"
#include "date.h"
#include "handlers.h"
#include "i18n.h"
#include "input.h"
#include "users.h"

static const char *const totp_states[] = {
	[AUTH_TOTP_NONE] = "off", [AUTH_TOTP_PENDING] = "pending",
	[AUTH_TOTP_ON] = "on",
};

/* Account u as the API shows it to an administrator (new reference,
 * NULL when out of memory). */
static json_t *
account_json(struct req *r, const struct user *u)
{
	return json_pack("{s:I,s:s,s:s,s:s,s:b,s:o,s:i,s:o,s:o,s:b,s:b}",
	    "id", (json_int_t)u->id, "username", u->username,
	    "role", role_name(u->role), "office", u->office_code,
	    "disabled", u->disabled,
	    "lang", u->lang >= 0 && u->lang < LANG__MAX ?
	    json_string(lang_code((enum lang)u->lang)) : json_null(),
	    "failed_logins", u->failed_logins,
	    "locked_until", u->locked_until > r->now ?
	    time_iso_json(u->locked_until) : json_null(),
	    "created_at", time_iso_json(u->created_at),
	    "health_access", u->health_access,
	    "case_access", u->case_access);
}

struct list_ctx {
	struct req *r;
	json_t *arr;
};

static int
list_cb(void *arg, const struct user *u)
{
	struct list_ctx *x = arg;

	return json_array_append_new(x->arr, account_json(x->r, u));
}

/* GET /api/v1/users: every account, as the page /admin/users lists. */
int
api_users_list(struct req *r)
{
	struct list_ctx x = { r, NULL };
	int rc = users_admin_check(r, false);

	if (rc != 0)
		return rc < 0 ? -1 : 0;
	if ((x.arr = json_array()) == NULL)
		return -1;
	if (db_user_list(r->app->db, list_cb, &x) != DB_OK) {
		json_decref(x.arr);
		return -1;
	}
	return resp_json(r, 200, json_pack("{s:o}", "users", x.arr));
}

/* Account r->id into u; answers 404 itself (1). 0, 1 or -1. */
static int
load_account(struct req *r, struct user *u)
{
	int rc = db_user_get(r->app->db, r->id, u);

	if (rc == DB_NOTFOUND)
		return resp_error(r, 404, _("This user does not exist."),
		    NULL) < 0 ? -1 : 1;
	return rc == DB_OK ? 0 : -1;
}

/* Answers account u with its two-step state, as the user page shows. */
static int
account_answer(struct req *r, const struct user *u)
{
	json_t *o = account_json(r, u);
	int t = auth_totp_state(r, u->id);

	if (o == NULL || t < 0) {
		json_decref(o);
		return -1;
	}
	json_object_set_new(o, "two_step", json_string(totp_states[t]));
	return resp_json(r, 200, o);
}

/* GET /api/v1/users/{id}. */
int
api_user_get(struct req *r)
{
	struct user u;
	int rc = users_admin_check(r, false);

	if (rc != 0)
		return rc < 0 ? -1 : 0;
	if ((rc = load_account(r, &u)) != 0)
		return rc < 0 ? -1 : 0;
	return account_answer(r, &u);
}

/*
 * POST /api/v1/users/{id}/grants with {"health_access": bool,
 * "case_access": bool}, either or both: the grants of the user page,
 * through the same users_set_grants(). A refusal changes nothing:
 * another administrator's hand is needed for one's own case access
 * (403), and only an administrator's account takes case access (400);
 * both name the field and are audited admin.user.update.denied.
 */
int
api_user_grants(struct req *r)
{
	/* Their types are checked below, with the grant's own message. */
	static const struct input_field fields_spec[] = {
		{ "health_access", JT_TEXT | JT_NUMBER | JT_BOOL | JT_ARRAY |
		    JT_OBJECT, NULL, NULL, 0 },
		{ "case_access", JT_TEXT | JT_NUMBER | JT_BOOL | JT_ARRAY |
		    JT_OBJECT, NULL, NULL, 0 },
		{ NULL, 0, NULL, NULL, 0 },
	};
	int want[USER_GRANT__MAX];
	const char *why[USER_GRANT__MAX];
	enum user_grant_refusal refusal[USER_GRANT__MAX];
	json_t *fields = NULL, *v;
	struct user u;
	bool any = false;
	int g, rc = users_admin_check(r, true), status = 400;

	if (rc != 0)
		return rc < 0 ? -1 : 0;
	if ((rc = load_account(r, &u)) != 0)
		return rc < 0 ? -1 : 0;
	if (req_fields(r, fields_spec))
		return 0;
	for (g = 0; g < USER_GRANT__MAX; g++) {
		v = json_object_get(r->json, user_grant_name((enum user_grant)g));
		want[g] = -1;
		if (v == NULL)
			continue;
		if (!json_is_boolean(v)) {
			if (fields == NULL)
				fields = json_object();
			json_object_set_new(fields, user_grant_name(
			    (enum user_grant)g), json_string(_("Give true or "
			    "false.")));
			continue;
		}
		want[g] = json_is_true(v);
		any = true;
	}
	if (fields)
		return resp_error(r, 400, _("Nothing was saved: some fields "
		    "need correcting."), fields);
	if (!any)
		return resp_error(r, 400, _("Give health_access or "
		    "case_access (true or false)."), NULL);
	rc = users_set_grants(r, &u, want, why, refusal);
	if (rc < 0)
		return -1;
	if (rc > 0) {
		fields = json_object();
		for (g = 0; g < USER_GRANT__MAX; g++) {
			if (why[g] == NULL)
				continue;
			json_object_set_new(fields, user_grant_name(
			    (enum user_grant)g), json_string(why[g]));
			if (refusal[g] == USER_GRANT_SELF)
				status = 403;
		}
		return resp_error(r, status, why[USER_GRANT_CASE] ?
		    why[USER_GRANT_CASE] : why[USER_GRANT_HEALTH], fields);
	}
	if (load_account(r, &u) != 0)
		return -1;
	return account_answer(r, &u);
}
