/*
 * page_admin.c - administration pages: accounts, offices, audit trail.
 *
 * Only for roles with PERM_ADMIN_USERS (the audit trail: PERM_AUDIT_READ).
 * Form and query values are untrusted: each is checked here, and shown
 * back only through html_printf(), which escapes it. Every change runs in
 * one transaction with its audit row, so no change exists without its
 * trace. Passwords are never written back into a form, logged or
 * audited.
 */
#include "compat.h"

#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "audit.h"
#include "auth.h"
#include "crypt.h"
#include "handlers.h"
#include "i18n.h"
#include "input.h"
#include "isocodes.h"
#include "log.h"
#include "page.h"
#include "users.h"

#define AUDIT_PER_PAGE 100
#define USERNAME_MAX (DB_USERNAME_MAX - 1)
#define OFFICE_CODE_MIN 2
#define OFFICE_CODE_MAX 10

/* --- small helpers ------------------------------------------------------ */

static bool
is_upper(char c)
{
	return c >= 'A' && c <= 'Z';
}

static bool
is_digit(char c)
{
	return c >= '0' && c <= '9';
}

/* A form value, "" when absent. Untrusted. */
static const char *
form_str(struct req *r, const char *name)
{
	const char *v = req_form(r, name);

	return v ? v : "";
}

/* A copy of s (untrusted) in r's arena with ASCII letters uppercased. */
static char *
upper_dup(struct req *r, const char *s)
{
	char *d = arena_strdup(r->arena, s), *p;

	if (d == NULL)
		return NULL;
	for (p = d; *p; p++)
		if (*p >= 'a' && *p <= 'z')
			*p = (char)(*p - 'a' + 'A');
	return d;
}

static bool
any_error(const char *const *err, size_t n)
{
	size_t i;

	for (i = 0; i < n; i++)
		if (err[i])
			return true;
	return false;
}

static int
forbidden(struct req *r)
{
	return resp_error(r, 403,
	    _("Only administrators can manage accounts and offices."), NULL);
}

/* Runs the end of a change: commits on DB_OK, else rolls back. */
static int
finish(struct req *r, int rc)
{
	if (rc == DB_OK) {
		rc = db_commit(r->app->db);
		if (rc != DB_OK)
			db_rollback(r->app->db);
		return rc;
	}
	db_rollback(r->app->db);
	return rc;
}

/*
 * The attributes and the message that tie an error to its input (id is a
 * literal of this file). Nothing is written when err is NULL.
 */
static void
invalid_attrs(struct html *h, const char *id, const char *err)
{
	if (err)
		html_printf(h, " aria-invalid=\"true\" aria-describedby=\"%s-error\"",
		    id);
}

static void
error_msg(struct html *h, const char *id, const char *err)
{
	if (err)
		html_printf(h, "<small class=\"error\" id=\"%s-error\">%s</small>",
		    id, err);
}

/* The summary above a form that failed. */
static void
form_errors(struct html *h, const char *const *err, size_t n, const char *msg)
{
	if (any_error(err, n))
		html_printf(h, "<p class=\"flash error\" role=\"alert\">%s</p>", msg);
}

/* The role select; selected is a role name or NULL (then "choose"). */
static void
role_select(struct html *h, const char *id, const char *selected,
    const char *err)
{
	int i;

	html_printf(h, "<label for=\"%s\">%s</label><select id=\"%s\" name=\"role\" "
	    "required", id, _("Role"), id);
	invalid_attrs(h, id, err);
	html_printf(h, "><option value=\"\">%s</option>", _("Choose a role"));
	for (i = 0; i < ROLE__MAX; i++) {
		const char *n = role_name((enum role)i);

		html_printf(h, "<option value=\"%s\"%R>%s</option>", n,
		    selected && strcmp(selected, n) == 0 ? " selected" : "",
		    role_label((enum role)i));
	}
	html_printf(h, "</select>");
	error_msg(h, id, err);
}

struct office_opts {
	struct html *h;
	const char *selected;
	int n;
};

static int
office_option_cb(void *arg, const struct office *o)
{
	struct office_opts *c = arg;

	html_printf(c->h, "<option value=\"%s\"%R>%s — %s</option>", o->code,
	    c->selected && strcmp(c->selected, o->code) == 0 ? " selected" : "",
	    o->code, o->name);
	c->n++;
	return 0;
}

/* The office select, values being office codes. -1 on a storage error. */
static int
office_select(struct req *r, struct html *h, const char *id,
    const char *selected, const char *err)
{
	struct office_opts c = { h, selected, 0 };

	html_printf(h, "<label for=\"%s\">%s</label><select id=\"%s\" "
	    "name=\"office\" required", id, _("Office"), id);
	invalid_attrs(h, id, err);
	html_printf(h, "><option value=\"\">%s</option>", _("Choose an office"));
	if (db_office_list(r->app->db, office_option_cb, &c) != DB_OK)
		return -1;
	html_printf(h, "</select>");
	error_msg(h, id, err);
	if (c.n == 0)
		html_printf(h, "<p><a href=\"/admin/offices\">%s</a></p>",
		    _("There is no office yet: add one first."));
	return 0;
}

/*
 * Looks up office code (untrusted) into o. DB_OK, DB_NOTFOUND (also for
 * values that cannot be a code) or DB_ERROR.
 */
static int
office_lookup(struct req *r, const char *code, struct office *o)
{
	if (*code == '\0' || strlen(code) >= DB_CODE_MAX)
		return DB_NOTFOUND;
	return db_office_by_code(r->app->db, code, o);
}


/* --- /admin/users ------------------------------------------------------- */

enum user_field {
	UF_USERNAME,
	UF_ROLE,
	UF_OFFICE,
	UF_PASSWORD,
	UF_CONFIRM,
	UF__MAX
};

/* What the add form shows back: typed values (never the passwords). */
struct user_form {
	const char *username;
	const char *role;
	const char *office;
	const char *err[UF__MAX];
};

struct user_rows {
	struct req *r;
	struct html *h;
	size_t n;
};

static int
user_row_cb(void *arg, const struct user *u)
{
	struct user_rows *c = arg;
	char t[PAGE_MARK];

	c->n++;
	html_printf(c->h, "<tr><td><a href=\"/admin/users/%L\">%s</a></td>"
	    "<td>%s</td><td>%s</td><td>%s</td><td>%R</td></tr>", u->id,
	    u->username, role_label(u->role), u->office_code,
	    u->disabled ? _("disabled") : _("active"),
	    u->locked_until > c->r->now ? page_when(u->locked_until, t) : "");
	return 0;
}

/* The list of users and the add form (f: NULL for an empty form). */
static int
users_page(struct req *r, int status, const struct user_form *f)
{
	static const struct user_form empty;
	const struct page_col cols[] = {
		{ _("Username"), 0 }, { _("Role"), 0 }, { _("Office"), 0 },
		{ _("Status"), 0 }, { _("Locked until (UTC)"), 0 },
	};
	struct user_rows rows;
	struct page_table t;
	struct html h;
	int rc = -1;

	if (f == NULL)
		f = &empty;
	html_init(&h, HTTP_PAGE_MAX);
	page_begin(r, &h, _("Users"));
	html_printf(&h, "<h1>%s</h1>", _("Users"));
	page_table_begin(&t, &h, "compact striped", NULL, cols,
	    ARRAY_SIZE(cols));
	rows.r = r;
	rows.h = &h;
	rows.n = 0;
	if (db_user_list(r->app->db, user_row_cb, &rows) != DB_OK)
		goto out;
	page_table_end(&t, rows.n, _("No user yet."));
	html_printf(&h, "<section><h2>%s</h2>", _("Add a user"));
	form_errors(&h, f->err, UF__MAX,
	    _("The user was not added. Correct the fields marked below."));
	html_printf(&h, "<form method=\"post\" action=\"/admin/users\">");
	page_csrf(r, &h);
	page_field(&h, "username", "username", "text", _("Username"),
	    f->username, f->err[UF_USERNAME], "required minlength=\"3\" "
	    "maxlength=\"63\" "
	    "pattern=\"[A-Za-z0-9._\\-]{3,63}\" autocomplete=\"off\"");
	role_select(&h, "role", f->role, f->err[UF_ROLE]);
	if (office_select(r, &h, "office", f->office, f->err[UF_OFFICE]) < 0)
		goto out;
	page_field(&h, "password", "password", "password",
	    _("Initial password"), NULL, f->err[UF_PASSWORD],
	    "required minlength=\"10\" maxlength=\"256\" "
	    "autocomplete=\"new-password\"");
	page_field(&h, "confirm", "confirm", "password",
	    _("Repeat the password"), NULL, f->err[UF_CONFIRM],
	    "required autocomplete=\"new-password\"");
	html_printf(&h, "<button type=\"submit\">%s</button></form></section>",
	    _("Add user"));
	page_end(r, &h);
	rc = resp_html(r, status, &h);
out:
	html_release(&h);
	return rc;
}

int
page_admin_users(struct req *r)
{
	int rc = users_admin_check(r, false);

	if (rc != 0)
		return rc < 0 ? -1 : 0;
	return users_page(r, 200, NULL);
}

/* Adds a user from the form; on a problem shows the form again (400). */
int
page_admin_users_post(struct req *r)
{
	struct user_form f;
	struct user u;
	struct office o;
	char hash[CRYPT_PWHASH_MAX], obj[40];
	const char *pw, *confirm, *p;
	json_t *detail;
	int role, rc;

	if (!user_can(&r->user, PERM_ADMIN_USERS))
		return forbidden(r);
	memset(&f, 0, sizeof(f));
	f.username = form_str(r, "username");
	f.role = form_str(r, "role");
	f.office = form_str(r, "office");
	pw = form_str(r, "password");
	confirm = form_str(r, "confirm");

	f.err[UF_USERNAME] = auth_username_problem(f.username);
	role = role_from_name(f.role);
	if (role < 0)
		f.err[UF_ROLE] = _("Choose a role from the list.");
	rc = office_lookup(r, f.office, &o);
	if (rc == DB_ERROR)
		return -1;
	if (rc != DB_OK)
		f.err[UF_OFFICE] = _("Choose an office from the list.");
	if ((p = auth_password_problem(pw)) != NULL)
		f.err[UF_PASSWORD] = p;
	else if (strcmp(pw, confirm) != 0)
		f.err[UF_CONFIRM] = _("The two passwords are not the same.");
	if (f.err[UF_USERNAME] == NULL) {
		rc = db_user_by_name(r->app->db, f.username, &u);
		if (rc == DB_ERROR)
			return -1;
		if (rc == DB_OK)
			f.err[UF_USERNAME] = _("This username is already taken.");
	}
	if (any_error(f.err, UF__MAX))
		return users_page(r, 400, &f);

	if (crypt_pw_hash(pw, hash) < 0)
		return error("admin.user.add: password hashing failed");
	memset(&u, 0, sizeof(u));
	snprintf(u.username, sizeof(u.username), "%s", f.username);
	u.role = (enum role)role;
	u.office_id = o.id;
	snprintf(u.office_code, sizeof(u.office_code), "%s", o.code);
	snprintf(u.pwhash, sizeof(u.pwhash), "%s", hash);
	u.lang = -1;
	u.created_at = r->now;

	if (db_begin(r->app->db) != DB_OK)
		return -1;
	rc = db_user_add(r->app->db, &u);
	if (rc == DB_OK) {
		snprintf(obj, sizeof(obj), "user:%" PRId64, u.id);
		detail = json_pack("{s:s,s:s,s:s}", "username", u.username,
		    "role", role_name(u.role), "office", o.code);
		if (detail == NULL || audit(r, "admin.user.add", 0, obj,
		    detail) < 0)
			rc = DB_ERROR;
	}
	rc = finish(r, rc);
	if (rc == DB_CONFLICT) {
		/* Added by someone else since the check above. */
		f.err[UF_USERNAME] = _("This username is already taken.");
		return users_page(r, 400, &f);
	}
	if (rc != DB_OK)
		return -1;
	return resp_redirect(r, arena_printf(r->arena, "/admin/users/%" PRId64,
	    u.id));
}

/* --- /admin/users/{id} -------------------------------------------------- */

enum detail_field {
	DF_ROLE,
	DF_OFFICE,
	DF_STATUS,
	DF_PASSWORD,
	DF_CONFIRM,
	DF_HEALTH,
	DF_CASE_ACCESS,
	DF__MAX
};

struct detail_form {
	const char *role;	/* typed values of the role form, or NULL */
	const char *office;
	const char *err[DF__MAX];
};

/* What ?saved= may say after a change; unknown values say nothing. */
static const struct {
	const char *key;
	const char *msg;
} saved_msgs[] = {
	{ "role", N_("The role and office were saved.") },
	{ "disable", N_("The account was disabled and its sessions ended.") },
	{ "enable", N_("The account was enabled.") },
	{ "password", N_("The password was reset and the user's sessions "
	    "ended.") },
	{ "health", N_("Access to health records was changed.") },
	{ "case", N_("Access to case files was changed.") },
	{ "totp", N_("Two-step verification was turned off.") },
};

static const char *
saved_msg(struct req *r)
{
	const char *s = req_query(r, "saved");
	size_t i;

	if (s == NULL)
		return NULL;
	for (i = 0; i < ARRAY_SIZE(saved_msgs); i++)
		if (strcmp(s, saved_msgs[i].key) == 0)
			return _(saved_msgs[i].msg);
	return NULL;
}

/* The account u with its three forms (f: NULL when nothing was posted). */
static int
user_page(struct req *r, int status, const struct user *u,
    const struct detail_form *f)
{
	static const struct detail_form empty;
	struct page_table tab;
	struct html h;
	char t[PAGE_MARK];
	const char *msg;
	int rc = -1, totp;

	if (f == NULL)
		f = &empty;
	html_init(&h, HTTP_PAGE_MAX);
	page_begin(r, &h, u->username);
	html_printf(&h, "<p><a href=\"/admin/users\">%s</a></p><h1>%s</h1>",
	    _("All users"), u->username);
	if (status == 200 && (msg = saved_msg(r)) != NULL)
		html_printf(&h, "<p class=\"flash ok\" role=\"status\">%s</p>", msg);
	form_errors(&h, f->err, DF__MAX,
	    _("Nothing was changed. Correct the fields marked below."));

	page_table_begin(&tab, &h, NULL, NULL, NULL, 2);
	html_printf(&h, "<tr><th scope=\"row\">%s</th><td>%s</td></tr>"
	    "<tr><th scope=\"row\">%s</th><td>%s</td></tr>"
	    "<tr><th scope=\"row\">%s</th><td>%s</td></tr>"
	    "<tr><th scope=\"row\">%s</th><td>%s</td></tr>",
	    _("Username"), u->username, _("Role"), role_label(u->role),
	    _("Office"), u->office_code, _("Status"),
	    u->disabled ? _("disabled") : _("active"));
	if (u->locked_until > r->now)
		html_printf(&h, "<tr><th scope=\"row\">%s</th><td>%R UTC</td></tr>",
		    _("Locked until"), page_when(u->locked_until, t));
	html_printf(&h, "<tr><th scope=\"row\">%s</th><td>%N</td></tr>"
	    "<tr><th scope=\"row\">%s</th><td>%s</td></tr>"
	    "<tr><th scope=\"row\">%s</th><td>%R UTC</td></tr>",
	    _("Failed logins"), (int64_t)u->failed_logins, _("Language"),
	    u->lang >= 0 && u->lang < LANG__MAX ? lang_name((enum lang)u->lang) :
	    _("not chosen"), _("Created"), page_when(u->created_at, t));
	page_table_end(&tab, 1, NULL);

	/* Role and office. */
	html_printf(&h, "<section><h2>%s</h2><form method=\"post\" "
	    "action=\"/admin/users/%L\">", _("Role and office"), u->id);
	page_csrf(r, &h);
	html_printf(&h, "<input type=\"hidden\" name=\"action\" value=\"role\">");
	role_select(&h, "role", f->role ? f->role : role_name(u->role),
	    f->err[DF_ROLE]);
	if (office_select(r, &h, "office", f->office ? f->office :
	    u->office_code, f->err[DF_OFFICE]) < 0)
		goto out;
	html_printf(&h, "<button type=\"submit\">%s</button></form></section>",
	    _("Save role and office"));

	/* Disable / enable. */
	html_printf(&h, "<section><h2>%s</h2>", _("Access"));
	if (u->disabled) {
		html_printf(&h, "<p>%s</p><form method=\"post\" "
		    "action=\"/admin/users/%L\">", _("This account is disabled: "
		    "it cannot log in."), u->id);
		page_csrf(r, &h);
		html_printf(&h, "<input type=\"hidden\" name=\"action\" "
		    "value=\"enable\"><button type=\"submit\"%R>%s</button>",
		    f->err[DF_STATUS] ? " aria-describedby=\"status-error\"" : "",
		    _("Enable the account"));
		error_msg(&h, "status", f->err[DF_STATUS]);
		html_printf(&h, "</form>");
	} else if (u->id == r->user.id) {
		html_printf(&h, "<p>%s</p>",
		    _("This is your own account: you cannot disable it."));
		error_msg(&h, "status", f->err[DF_STATUS]);
	} else {
		html_printf(&h, "<p>%s</p><form method=\"post\" "
		    "action=\"/admin/users/%L\">", _("Disabling the account ends "
		    "its sessions at once; it can be enabled again later."), u->id);
		page_csrf(r, &h);
		html_printf(&h, "<input type=\"hidden\" name=\"action\" "
		    "value=\"disable\"><button type=\"submit\" class=\"secondary\"%R>"
		    "%s</button>",
		    f->err[DF_STATUS] ? " aria-describedby=\"status-error\"" : "",
		    _("Disable the account"));
		error_msg(&h, "status", f->err[DF_STATUS]);
		html_printf(&h, "</form>");
	}
	html_printf(&h, "</section>");

	/* Health records: medical officers have them by role; others only
	 * when granted here. */
	html_printf(&h, "<section><h2>%s</h2><p>%s</p><form method=\"post\" "
	    "action=\"/admin/users/%L\">", _("Health records"),
	    u->health_access ? _("This user was granted access to the health "
	    "records of the cases they may see.") : _("This user has no "
	    "granted access to health records (medical officers have it by "
	    "their role)."), u->id);
	page_csrf(r, &h);
	if (u->id == r->user.id && !u->health_access) {
		/* Not one's own to give (users.c): said, not offered. */
		html_printf(&h, "<p id=\"health-self\">%s</p>",
		    _("You cannot grant access to health records to yourself: "
		    "another administrator, or the command line, can."));
	} else {
		html_printf(&h, "<input type=\"hidden\" name=\"action\" "
		    "value=\"%s\"><button type=\"submit\"%R%R>%s</button>",
		    u->health_access ? "health-revoke" : "health-grant",
		    u->health_access ? " class=\"secondary\"" : "",
		    f->err[DF_HEALTH] ?
		    " aria-describedby=\"health-error\"" : "",
		    u->health_access ? _("Revoke access to health records") :
		    _("Grant access to health records"));
	}
	error_msg(&h, "health", f->err[DF_HEALTH]);
	html_printf(&h, "</form></section>");

	/*
	 * Case access: an administrator sees no case content by role; another
	 * administrator (or the command line) grants it, for a data
	 * protection officer answering a subject-access request, say.
	 */
	if (!role_case_grantable(u->role) && f->err[DF_CASE_ACCESS]) {
		html_printf(&h, "<section><h2>%s</h2>", _("Case access"));
		error_msg(&h, "case_access", f->err[DF_CASE_ACCESS]);
		html_printf(&h, "</section>");
	} else if (role_case_grantable(u->role)) {
		html_printf(&h, "<section><h2>%s</h2><p>%s</p>",
		    _("Case access"), u->case_access ? _("This administrator "
		    "was granted read and write access to the case files of "
		    "every office.") : _("An administrator sees no case "
		    "content unless granted it here: read and write access to "
		    "the case files of every office."));
		if (u->id == r->user.id && !u->case_access) {
			html_printf(&h, "<p id=\"case-access-self\">%s</p>",
			    _("You cannot grant case access to yourself: "
			    "another administrator, or the command line, can."));
			error_msg(&h, "case_access", f->err[DF_CASE_ACCESS]);
		} else {
			html_printf(&h, "<form method=\"post\" action=\""
			    "/admin/users/%L\">", u->id);
			page_csrf(r, &h);
			html_printf(&h, "<input type=\"hidden\" name=\"action\" "
			    "value=\"case-access\"><label for=\"case_access\">"
			    "<input type=\"checkbox\" id=\"case_access\" "
			    "name=\"case_access\" value=\"1\"%R%R> %s</label>",
			    u->case_access ? " checked" : "",
			    f->err[DF_CASE_ACCESS] ?
			    " aria-invalid=\"true\" aria-describedby=\""
			    "case_access-error\"" : "",
			    _("Read and write the case files of every office"));
			error_msg(&h, "case_access", f->err[DF_CASE_ACCESS]);
			html_printf(&h, "<button type=\"submit\">%s</button>"
			    "</form>", _("Save case access"));
		}
		html_printf(&h, "</section>");
	}

	/* Two-step verification: turned off here when a phone is lost. */
	totp = auth_totp_state(r, u->id);
	html_printf(&h, "<section><h2>%s</h2><p>%s</p>",
	    _("Two-step verification"), totp == AUTH_TOTP_ON ? _("On: this "
	    "user's logins ask for a code from an authenticator app.") :
	    _("Off."));
	if (totp == AUTH_TOTP_ON) {
		html_printf(&h, "<form method=\"post\" action=\"/admin/users/"
		    "%L\">", u->id);
		page_csrf(r, &h);
		html_printf(&h, "<input type=\"hidden\" name=\"action\" "
		    "value=\"totp-off\"><button type=\"submit\" class=\""
		    "secondary\">%s</button></form>", _("Turn it off (a lost "
		    "phone): the user sets it up again after logging in"));
	}
	html_printf(&h, "</section>");

	/* Password reset. */
	html_printf(&h, "<section><h2>%s</h2><p>%s</p><form method=\"post\" "
	    "action=\"/admin/users/%L\">", _("Reset the password"),
	    _("The user's sessions end. Give the new password to the user "
	    "through a safe channel."), u->id);
	page_csrf(r, &h);
	html_printf(&h, "<input type=\"hidden\" name=\"action\" "
	    "value=\"password\">");
	page_field(&h, "password", "password", "password", _("New password"),
	    NULL, f->err[DF_PASSWORD], "required minlength=\"10\" "
	    "maxlength=\"256\" autocomplete=\"new-password\"");
	page_field(&h, "confirm", "confirm", "password",
	    _("Repeat the password"), NULL, f->err[DF_CONFIRM],
	    "required autocomplete=\"new-password\"");
	html_printf(&h, "<button type=\"submit\">%s</button></form></section>",
	    _("Reset the password"));
	page_end(r, &h);
	rc = resp_html(r, status, &h);
out:
	html_release(&h);
	return rc;
}

/* Loads user r->id; answers 404 itself. DB_OK, DB_NOTFOUND or DB_ERROR. */
static int
load_user(struct req *r, struct user *u)
{
	int rc = db_user_get(r->app->db, r->id, u);

	if (rc == DB_NOTFOUND)
		resp_error(r, 404, _("This user does not exist."), NULL);
	return rc;
}

int
page_admin_user(struct req *r)
{
	struct user u;
	int rc;

	if ((rc = users_admin_check(r, false)) != 0)
		return rc < 0 ? -1 : 0;
	rc = load_user(r, &u);
	if (rc != DB_OK)
		return rc == DB_NOTFOUND ? 0 : -1;
	return user_page(r, 200, &u, NULL);
}

static int
redirect_saved(struct req *r, const struct user *u, const char *what)
{
	return resp_redirect(r, arena_printf(r->arena,
	    "/admin/users/%" PRId64 "?saved=%s", u->id, what));
}

/* action=role: role and office, one audit row per changed field. */
static int
user_set_role(struct req *r, const struct user *u)
{
	struct detail_form f;
	struct office o;
	int role, rc;

	memset(&f, 0, sizeof(f));
	f.role = form_str(r, "role");
	f.office = form_str(r, "office");
	role = role_from_name(f.role);
	if (role < 0)
		f.err[DF_ROLE] = _("Choose a role from the list.");
	else if (u->id == r->user.id &&
	    !role_can((enum role)role, PERM_ADMIN_USERS))
		/* Else the last administrator could lock everyone out. */
		f.err[DF_ROLE] = _("You cannot take away your own right to "
		    "manage accounts.");
	rc = office_lookup(r, f.office, &o);
	if (rc == DB_ERROR)
		return -1;
	if (rc != DB_OK)
		f.err[DF_OFFICE] = _("Choose an office from the list.");
	if (any_error(f.err, DF__MAX))
		return user_page(r, 400, u, &f);
	if ((enum role)role == u->role && o.id == u->office_id)
		return redirect_saved(r, u, "role");

	if (db_begin(r->app->db) != DB_OK)
		return -1;
	rc = db_user_set_role(r->app->db, u->id, (enum role)role, o.id);
	/* The grant belongs to the role that takes it: a new role starts
	 * without it. */
	if (rc == DB_OK && u->case_access &&
	    !role_case_grantable((enum role)role)) {
		rc = db_user_set_case_access(r->app->db, u->id, false);
		if (rc == DB_OK && users_audit_update(r, u->id, json_pack(
		    "{s:s,s:b,s:b}", "field", "case_access", "old", true, "new",
		    false)) < 0)
			rc = DB_ERROR;
	}
	if (rc == DB_OK && (enum role)role != u->role &&
	    users_audit_update(r, u->id, json_pack("{s:s,s:s,s:s}", "field",
	    "role", "old", role_name(u->role), "new",
	    role_name((enum role)role))) < 0)
		rc = DB_ERROR;
	if (rc == DB_OK && o.id != u->office_id &&
	    users_audit_update(r, u->id, json_pack("{s:s,s:s,s:s}", "field",
	    "office", "old", u->office_code, "new", o.code)) < 0)
		rc = DB_ERROR;
	if (finish(r, rc) != DB_OK)
		return -1;
	return redirect_saved(r, u, "role");
}

/* action=disable / enable. Disabling also ends the user's sessions. */
static int
user_set_disabled(struct req *r, const struct user *u, bool disabled)
{
	struct detail_form f;
	int rc;

	if (disabled && u->id == r->user.id) {
		memset(&f, 0, sizeof(f));
		f.err[DF_STATUS] = _("You cannot disable your own account.");
		return user_page(r, 400, u, &f);
	}
	if (u->disabled == disabled)
		return redirect_saved(r, u, disabled ? "disable" : "enable");
	if (db_begin(r->app->db) != DB_OK)
		return -1;
	rc = db_user_set_disabled(r->app->db, u->id, disabled);
	if (rc == DB_OK && disabled)
		rc = db_session_delete_user(r->app->db, u->id);
	if (rc == DB_OK && users_audit_update(r, u->id, json_pack("{s:s,s:b,s:b}",
	    "field", "disabled", "old", u->disabled, "new", disabled)) < 0)
		rc = DB_ERROR;
	if (finish(r, rc) != DB_OK)
		return -1;
	return redirect_saved(r, u, disabled ? "disable" : "enable");
}

/* action=password: sets a new password and ends the user's sessions. */
static int
user_set_password(struct req *r, const struct user *u)
{
	struct detail_form f;
	char hash[CRYPT_PWHASH_MAX];
	const char *pw = form_str(r, "password");
	const char *confirm = form_str(r, "confirm");
	int rc;

	memset(&f, 0, sizeof(f));
	if ((f.err[DF_PASSWORD] = auth_password_problem(pw)) == NULL &&
	    strcmp(pw, confirm) != 0)
		f.err[DF_CONFIRM] = _("The two passwords are not the same.");
	if (any_error(f.err, DF__MAX))
		return user_page(r, 400, u, &f);
	if (crypt_pw_hash(pw, hash) < 0)
		return error("admin.user.update: password hashing failed");
	if (db_begin(r->app->db) != DB_OK)
		return -1;
	rc = db_user_set_password(r->app->db, u->id, hash);
	if (rc == DB_OK)
		rc = db_session_delete_user(r->app->db, u->id);
	/* Never the password or its hash in the audit. */
	if (rc == DB_OK && users_audit_update(r, u->id, json_pack("{s:s}",
	    "field", "password")) < 0)
		rc = DB_ERROR;
	if (finish(r, rc) != DB_OK)
		return -1;
	return redirect_saved(r, u, "password");
}

/*
 * action=health-grant / health-revoke (health records), action=
 * case-access with case_access=1 or absent (an administrator's access
 * to every case file): through users_set_grants(), as the API does, so
 * that the refusals (no one grants case access to themselves here) and
 * the audit are the same.
 */
static int
user_set_grant(struct req *r, const struct user *u, enum user_grant g,
    bool on)
{
	struct detail_form f;
	int want[USER_GRANT__MAX] = { -1, -1 };
	const char *why[USER_GRANT__MAX];
	enum user_grant_refusal refusal[USER_GRANT__MAX];
	int rc;

	want[g] = on;
	rc = users_set_grants(r, u, want, why, refusal);
	if (rc < 0)
		return -1;
	if (rc > 0) {
		memset(&f, 0, sizeof(f));
		f.err[DF_HEALTH] = why[USER_GRANT_HEALTH];
		f.err[DF_CASE_ACCESS] = why[USER_GRANT_CASE];
		return user_page(r, 400, u, &f);
	}
	return redirect_saved(r, u, g == USER_GRANT_HEALTH ? "health" :
	    "case");
}

int
page_admin_user_post(struct req *r)
{
	struct user u;
	const char *action;
	int rc;

	if ((rc = users_admin_check(r, true)) != 0)
		return rc < 0 ? -1 : 0;
	rc = load_user(r, &u);
	if (rc != DB_OK)
		return rc == DB_NOTFOUND ? 0 : -1;
	action = form_str(r, "action");
	if (strcmp(action, "role") == 0)
		return user_set_role(r, &u);
	if (strcmp(action, "disable") == 0)
		return user_set_disabled(r, &u, true);
	if (strcmp(action, "enable") == 0)
		return user_set_disabled(r, &u, false);
	if (strcmp(action, "password") == 0)
		return user_set_password(r, &u);
	if (strcmp(action, "health-grant") == 0)
		return user_set_grant(r, &u, USER_GRANT_HEALTH, true);
	if (strcmp(action, "health-revoke") == 0)
		return user_set_grant(r, &u, USER_GRANT_HEALTH, false);
	if (strcmp(action, "case-access") == 0)
		return user_set_grant(r, &u, USER_GRANT_CASE,
		    *form_str(r, "case_access") != '\0');
	if (strcmp(action, "totp-off") == 0) {
		if (auth_totp_off(r, u.id) < 0)
			return -1;
		return redirect_saved(r, &u, "totp");
	}
	return resp_error(r, 400, _("Unknown action."), NULL);
}

/* --- /admin/offices ----------------------------------------------------- */

enum office_field {
	OF_CODE,
	OF_NAME,
	OF_COUNTRY,
	OF__MAX
};

struct office_form {
	const char *code;
	const char *name;
	const char *country;
	bool hq;
	const char *err[OF__MAX];
};

struct office_rows {
	struct html *h;
	size_t n;
};

static int
office_row_cb(void *arg, const struct office *o)
{
	struct office_rows *x = arg;

	x->n++;
	html_printf(x->h, "<tr><td>%s</td><td>%s</td><td>%s</td><td>%s</td>"
	    "</tr>", o->code, o->name, o->country, o->hq ? _("yes") : _("no"));
	return 0;
}

static int
offices_page(struct req *r, int status, const struct office_form *f)
{
	static const struct office_form empty;
	const struct page_col cols[] = {
		{ _("Code"), 0 }, { _("Name"), 0 }, { _("Country"), 0 },
		{ _("Headquarters"), 0 },
	};
	struct office_rows rows = { NULL, 0 };
	struct page_table t;
	struct html h;
	int rc = -1;

	if (f == NULL)
		f = &empty;
	html_init(&h, HTTP_PAGE_MAX);
	page_begin(r, &h, _("Offices"));
	html_printf(&h, "<h1>%s</h1>", _("Offices"));
	page_table_begin(&t, &h, "compact striped", NULL, cols,
	    ARRAY_SIZE(cols));
	rows.h = &h;
	if (db_office_list(r->app->db, office_row_cb, &rows) != DB_OK)
		goto out;
	page_table_end(&t, rows.n, _("No office yet."));
	html_printf(&h, "<section><h2>%s</h2>", _("Add an office"));
	form_errors(&h, f->err, OF__MAX,
	    _("The office was not added. Correct the fields marked below."));
	html_printf(&h, "<form method=\"post\" action=\"/admin/offices\">");
	page_csrf(r, &h);
	page_field(&h, "code", "code", "text", _("Code (2 to 10 letters A–Z "
	    "or digits)"), f->code, f->err[OF_CODE], "required minlength=\"2\" "
	    "maxlength=\"10\" autocomplete=\"off\"");
	page_field(&h, "name", "name", "text", _("Name"), f->name,
	    f->err[OF_NAME], "required maxlength=\"127\" autocomplete=\"off\"");
	page_field(&h, "country", "country", "text", _("Country (two-letter "
	    "ISO code, e.g. TH)"), f->country, f->err[OF_COUNTRY], "required "
	    "minlength=\"2\" maxlength=\"2\" autocomplete=\"off\"");
	html_printf(&h, "<label for=\"hq\"><input id=\"hq\" name=\"hq\" "
	    "type=\"checkbox\" value=\"1\"%R> %s</label>",
	    f->hq ? " checked" : "", _("Headquarters"));
	html_printf(&h, "<button type=\"submit\">%s</button></form></section>",
	    _("Add office"));
	page_end(r, &h);
	rc = resp_html(r, status, &h);
out:
	html_release(&h);
	return rc;
}

int
page_admin_offices(struct req *r)
{
	if (!user_can(&r->user, PERM_ADMIN_USERS))
		return forbidden(r);
	return offices_page(r, 200, NULL);
}

int
page_admin_offices_post(struct req *r)
{
	struct office_form f;
	struct office o;
	char obj[40];
	json_t *detail;
	size_t n, i;
	int rc;

	if (!user_can(&r->user, PERM_ADMIN_USERS))
		return forbidden(r);
	memset(&f, 0, sizeof(f));
	f.code = upper_dup(r, form_str(r, "code"));
	f.name = input_trim(r->arena, form_str(r, "name"));
	f.country = upper_dup(r, form_str(r, "country"));
	f.hq = req_form(r, "hq") != NULL;
	if (f.code == NULL || f.name == NULL || f.country == NULL)
		return -1;

	n = strlen(f.code);
	if (n < OFFICE_CODE_MIN || n > OFFICE_CODE_MAX)
		f.err[OF_CODE] = _("A code has 2 to 10 characters.");
	for (i = 0; i < n && f.err[OF_CODE] == NULL; i++)
		if (!is_upper(f.code[i]) && !is_digit(f.code[i]))
			f.err[OF_CODE] = _("Use only letters A–Z and digits.");
	n = strlen(f.name);
	if (n == 0)
		f.err[OF_NAME] = _("Give the office a name.");
	else if (input_chars(f.name) > DB_NAME_CHARS)
		f.err[OF_NAME] = _("An office's name has at most 127 "
		    "characters.");
	for (i = 0; i < n && f.err[OF_NAME] == NULL; i++)
		if ((unsigned char)f.name[i] < 0x20 || f.name[i] == 0x7f)
			f.err[OF_NAME] = _("The name contains invalid "
			    "characters.");
	if (!country_valid(f.country))
		f.err[OF_COUNTRY] = _("Give the two-letter country code, "
		    "e.g. TH.");
	if (f.err[OF_CODE] == NULL) {
		rc = db_office_by_code(r->app->db, f.code, &o);
		if (rc == DB_ERROR)
			return -1;
		if (rc == DB_OK)
			f.err[OF_CODE] = _("An office with this code exists "
			    "already.");
	}
	if (any_error(f.err, OF__MAX))
		return offices_page(r, 400, &f);

	memset(&o, 0, sizeof(o));
	snprintf(o.code, sizeof(o.code), "%s", f.code);
	snprintf(o.name, sizeof(o.name), "%s", f.name);
	snprintf(o.country, sizeof(o.country), "%s", f.country);
	o.hq = f.hq;
	if (db_begin(r->app->db) != DB_OK)
		return -1;
	rc = db_office_add(r->app->db, &o);
	if (rc == DB_OK) {
		snprintf(obj, sizeof(obj), "office:%s", o.code);
		detail = json_pack("{s:s,s:s,s:s,s:b}", "code", o.code, "name",
		    o.name, "country", o.country, "hq", o.hq);
		if (detail == NULL || audit(r, "admin.office.add", 0, obj,
		    detail) < 0)
			rc = DB_ERROR;
	}
	rc = finish(r, rc);
	if (rc == DB_CONFLICT) {
		f.err[OF_CODE] = _("An office with this code exists already.");
		return offices_page(r, 400, &f);
	}
	if (rc != DB_OK)
		return -1;
	return resp_redirect(r, "/admin/offices");
}

/* --- /admin/audit ------------------------------------------------------- */

enum audit_field {
	AF_USER,
	AF_CASE,
	AF_ACTION,
	AF_FROM,
	AF_TO,
	AF_PAGE,
	AF__MAX
};

/* The filter as typed (untrusted; "" when absent) and as parsed. */
struct audit_query {
	const char *user, *casestr, *action, *from, *to;
	int64_t page;
	struct audit_filter f;
	const char *err[AF__MAX];
};

static const char *
query_str(struct req *r, const char *name)
{
	const char *v = req_query(r, name);

	return v ? v : "";
}

/*
 * Parses a date "YYYY-MM-DD" (untrusted) as the unix time of its
 * midnight UTC. -1 when it is not a real date.
 */
static int
parse_date(const char *s, int64_t *out)
{
	struct tm tm, chk;
	time_t t;
	int y, m, d, i;

	if (strlen(s) != 10 || s[4] != '-' || s[7] != '-')
		return -1;
	for (i = 0; i < 10; i++)
		if (i != 4 && i != 7 && !is_digit(s[i]))
			return -1;
	y = (s[0] - '0') * 1000 + (s[1] - '0') * 100 + (s[2] - '0') * 10 +
	    (s[3] - '0');
	m = (s[5] - '0') * 10 + (s[6] - '0');
	d = (s[8] - '0') * 10 + (s[9] - '0');
	if (y < 1970 || m < 1 || m > 12 || d < 1 || d > 31)
		return -1;
	memset(&tm, 0, sizeof(tm));
	tm.tm_year = y - 1900;
	tm.tm_mon = m - 1;
	tm.tm_mday = d;
	t = timegm(&tm);
	/* timegm() normalises 2026-02-30 to March: refuse what moved. */
	if (t == (time_t)-1 || gmtime_r(&t, &chk) == NULL ||
	    chk.tm_mday != d || chk.tm_mon != m - 1)
		return -1;
	*out = (int64_t)t;
	return 0;
}

/* Parses a positive integer up to max (untrusted); -1 when it is none. */
static int
parse_pos(const char *s, int64_t max, int64_t *out)
{
	char *end;
	long long v;

	if (!is_digit(*s))
		return -1;
	v = strtoll(s, &end, 10);
	if (*end != '\0' || v < 1 || v > max)
		return -1;
	*out = v;
	return 0;
}

/* Whether s (untrusted) has no control characters and fits in max. */
static bool
plain_text(const char *s, size_t max)
{
	size_t i, n = strlen(s);

	if (n > max)
		return false;
	for (i = 0; i < n; i++)
		if ((unsigned char)s[i] < 0x20 || s[i] == 0x7f)
			return false;
	return utf8_valid(s, n);
}

static void
audit_query_parse(struct req *r, struct audit_query *q)
{
	const char *pg = query_str(r, "page");

	memset(q, 0, sizeof(*q));
	q->user = query_str(r, "user");
	q->casestr = query_str(r, "case");
	q->action = query_str(r, "action");
	q->from = query_str(r, "from");
	q->to = query_str(r, "to");
	q->page = 1;

	if (!plain_text(q->user, USERNAME_MAX))
		q->err[AF_USER] = _("Give a username of at most 63 characters.");
	else if (*q->user)
		q->f.username = q->user;
	if (*q->casestr && parse_pos(q->casestr, INT64_MAX / 2, &q->f.case_id))
		q->err[AF_CASE] = _("Give a case id: a whole number from 1.");
	if (!plain_text(q->action, DB_ACTION_MAX - 1))
		q->err[AF_ACTION] = _("Give an action such as case.view, or "
		    "a beginning such as case.");
	else if (*q->action)
		q->f.action = q->action;
	if (*q->from && parse_date(q->from, &q->f.from))
		q->err[AF_FROM] = _("Give a date as YYYY-MM-DD.");
	if (*q->to) {
		if (parse_date(q->to, &q->f.to))
			q->err[AF_TO] = _("Give a date as YYYY-MM-DD.");
		else
			q->f.to += 24 * 3600 - 1;	/* the whole day */
	}
	if (q->f.from && q->f.to && q->f.from > q->f.to)
		q->err[AF_TO] = _("This date is before the start date.");
	if (*pg && parse_pos(pg, 1000000, &q->page))
		q->err[AF_PAGE] = _("Invalid page number.");
	q->f.limit = AUDIT_PER_PAGE;
	q->f.offset = (q->page - 1) * AUDIT_PER_PAGE;
}

/* One value of an entry's detail, as text. */
static void
detail_value(struct html *h, json_t *v)
{
	json_t *x;
	size_t i;

	if (json_is_string(v))
		html_printf(h, "%s", json_string_value(v));
	else if (json_is_integer(v))
		html_printf(h, "%L", (int64_t)json_integer_value(v));
	else if (json_is_true(v))
		html_printf(h, "%s", _("yes"));
	else if (json_is_false(v))
		html_printf(h, "%s", _("no"));
	else if (json_is_array(v))
		json_array_foreach(v, i, x) {
			if (i)
				html_printf(h, ", ");
			detail_value(h, x);
		}
	else if (json_is_null(v) || v == NULL)
		html_printf(h, "—");
	else {
		char *s = json_dumps(v, JSON_COMPACT | JSON_ENCODE_ANY);

		html_printf(h, "%s", s ? s : "");
		free(s);
	}
}

/* An entry's detail (JSON written by audit()) as "key: value" lines;
 * what does not read as an object is shown as it is. */
static void
detail_html(struct html *h, const char *detail)
{
	json_t *d = *detail ? json_loads(detail, 0, NULL) : NULL, *v;
	char lab[I18N_LABEL_MAX];
	const char *key;

	if (!json_is_object(d)) {
		if (*detail)
			html_printf(h, "<code>%s</code>", detail);
		json_decref(d);
		return;
	}
	html_printf(h, "<ul class=\"detail\">");
	json_object_foreach(d, key, v) {
		html_printf(h, "<li>%s", i18n_colon(audit_detail_label(key), lab));
		detail_value(h, v);
		html_printf(h, "</li>");
	}
	html_printf(h, "</ul>");
	json_decref(d);
}

struct audit_rows {
	struct html *h;
	size_t n;
};

static int
audit_row_cb(void *arg, const struct audit_entry *e)
{
	struct audit_rows *x = arg;
	struct html *h = x->h;
	char t[PAGE_MARK], label[AUDIT_LABEL_MAX];

	x->n++;
	html_printf(h, "<tr><td>%R</td><td>%s</td><td>%s</td><td>%s<br><small "
	    "class=\"muted\"><code>%s</code></small></td><td>",
	    page_when(e->at, t), e->username, e->ip,
	    audit_action_label(e->action, label), e->action);
	if (e->case_id)
		html_printf(h, "<a href=\"/admin/audit?case=%L\">%L</a>",
		    e->case_id, e->case_id);
	html_printf(h, "</td><td>%s</td><td>", e->object);
	detail_html(h, e->detail);
	html_printf(h, "</td></tr>");
	return 0;
}

/* A link to another page of the same filtered list. */
static void
audit_page_link(struct html *h, const struct audit_query *q, int64_t page,
    const char *rel, const char *label)
{
	html_printf(h, "<a href=\"/admin/audit?user=%U&amp;case=%U&amp;"
	    "action=%U&amp;from=%U&amp;to=%U&amp;page=%L\" rel=\"%s\">%s</a>",
	    q->user, q->casestr, q->action, q->from, q->to, page, rel, label);
}

int
page_admin_audit(struct req *r)
{
	const struct page_col cols[] = {
		{ _("Time (UTC)"), 0 }, { _("User"), 0 }, { _("Address"), 0 },
		{ _("Action"), 0 }, { _("Case"), COL_NUM }, { _("Object"), 0 },
		{ _("Detail"), 0 },
	};
	struct audit_query q;
	struct audit_rows rows;
	struct page_table tab;
	struct html h;
	int64_t total = 0, pages;
	bool bad;
	int rc = -1;

	if (!user_can(&r->user, PERM_AUDIT_READ))
		return resp_error(r, 403,
		    _("Only administrators can read the audit trail."), NULL);
	audit_query_parse(r, &q);
	bad = any_error(q.err, AF__MAX);

	html_init(&h, HTTP_PAGE_MAX);
	page_begin(r, &h, _("Audit trail"));
	/* Five inputs and the buttons in two rows of equal cells, the
	 * inputs aligned whatever their labels' length (ctm.css). */
	html_printf(&h, "<h1>%s</h1><search><form method=\"get\" "
	    "action=\"/admin/audit\" class=\"filter-row\"><div class=\"grid\">"
	    "<div>", _("Audit trail"));
	page_field(&h, "user", "user", "text", _("User"), q.user,
	    q.err[AF_USER], "maxlength=\"63\" autocomplete=\"off\"");
	html_printf(&h, "</div><div>");
	page_field(&h, "case", "case", "text", _("Case id"), q.casestr,
	    q.err[AF_CASE], "inputmode=\"numeric\" pattern=\"[0-9]*\" "
	    "autocomplete=\"off\"");
	html_printf(&h, "</div><div>");
	page_field(&h, "action", "action", "text", _("Action (a code, or its "
	    "beginning)"), q.action, q.err[AF_ACTION], "maxlength=\"47\" "
	    "autocomplete=\"off\" list=\"audit-actions\"");
	html_printf(&h, "<datalist id=\"audit-actions\">");
	{
		char label[AUDIT_LABEL_MAX];
		const char *code;
		size_t i;

		for (i = 0; (code = audit_action_at(i)) != NULL; i++)
			html_printf(&h, "<option value=\"%s\">%s</option>", code,
			    audit_action_label(code, label));
	}
	html_printf(&h, "</datalist></div></div><div class=\"grid\"><div>");
	page_field(&h, "from", "from", "date", _("From (UTC)"), q.from,
	    q.err[AF_FROM], "");
	html_printf(&h, "</div><div>");
	page_field(&h, "to", "to", "date", _("To (UTC, inclusive)"), q.to,
	    q.err[AF_TO], "");
	html_printf(&h, "</div><div class=\"filter-buttons\"><button "
	    "type=\"submit\">%s</button> <a href=\"/admin/audit\" "
	    "role=\"button\" class=\"secondary outline\">%s</a></div></div>"
	    "</form></search>", _("Filter"), _("Clear the filter"));
	if (bad) {
		html_printf(&h, "<p class=\"flash error\" role=\"alert\">%s", _(
		    "The filter is not valid; no entries are shown. Correct "
		    "the fields marked above."));
		if (q.err[AF_PAGE])
			html_printf(&h, " %s", q.err[AF_PAGE]);
		html_printf(&h, "</p>");
		goto done;
	}

	page_table_begin(&tab, &h, "compact striped audit", NULL, cols,
	    ARRAY_SIZE(cols));
	rows.h = &h;
	rows.n = 0;
	if (db_audit_list(r->app->db, &q.f, audit_row_cb, &rows, &total) !=
	    DB_OK)
		goto out;
	page_table_end(&tab, rows.n, _("No entry matches the filter."));
	pages = total > 0 ? (total + AUDIT_PER_PAGE - 1) / AUDIT_PER_PAGE : 1;
	html_printf(&h, "<nav aria-label=\"%s\"><ul><li>%s %N / %N · %s%N</li>",
	    _("Pages"), _("Page"), q.page, pages, page_colon(r, _("Entries")),
	    total);
	if (q.page > 1) {
		html_printf(&h, "<li>");
		audit_page_link(&h, &q, q.page - 1 < pages ? q.page - 1 : pages,
		    "prev", _("Previous"));
		html_printf(&h, "</li>");
	}
	if (q.page < pages) {
		html_printf(&h, "<li>");
		audit_page_link(&h, &q, q.page + 1, "next", _("Next"));
		html_printf(&h, "</li>");
	}
	html_printf(&h, "</ul></nav>");
done:
	page_end(r, &h);
	rc = resp_html(r, bad ? 400 : 200, &h);
out:
	html_release(&h);
	return rc;
}
