/*
 * api.c - the JSON API (docs/api.md). Bodies are untrusted: every key is
 * checked against the keys the endpoint knows, every value's type and
 * range, before anything is written.
 */
#include "compat.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <sodium.h>

#include "audit.h"
#include "auth.h"
#include "cases.h"
#include "casefile.h"
#include "date.h"
#include "handlers.h"
#include "i18n.h"
#include "log.h"

static int
field_error(struct req *r, const char *field, const char *msg)
{
	return resp_error(r, 400, msg, json_pack("{s:s}", field, msg));
}

/* Parses an optional positive page number / size from the query. */
static int64_t
query_int(struct req *r, const char *name, int64_t def, int64_t min,
    int64_t max, bool *bad)
{
	const char *s = req_query(r, name);
	char *end;
	long long v;

	if (s == NULL || *s == '\0')
		return def;
	v = strtoll(s, &end, 10);
	if (*end || v < min || v > max) {
		*bad = true;
		return def;
	}
	return v;
}

int
api_health(struct req *r)
{
	return resp_json(r, 200, json_pack("{s:s}", "status", "ok"));
}

static json_t *
user_json(const struct user *u)
{
	return json_pack("{s:I,s:s,s:s,s:s,s:o}", "id", (json_int_t)u->id,
	    "username", u->username, "role", role_name(u->role),
	    "office", u->office_code, "lang", u->lang >= 0 ?
	    json_string(lang_code((enum lang)u->lang)) : json_null());
}

int
api_login(struct req *r)
{
	static const struct input_field keys[] = {
		{ "username", JT_TEXT, NULL, NULL, 0 },
		{ "password", JT_TEXT, NULL, NULL, 0 },
		{ "code", JT_TEXT, NULL, NULL, 0 },
		{ NULL, 0, NULL, NULL, 0 },
	};
	const char *username, *password, *code;
	char token[CRYPT_TOKEN_HEX], csrf[CRYPT_TOKEN_HEX];
	struct user u;
	enum auth_result ar;
	json_t *body;

	if (req_fields(r, keys))
		return 0;
	username = json_string_value(json_object_get(r->json, "username"));
	password = json_string_value(json_object_get(r->json, "password"));
	code = json_string_value(json_object_get(r->json, "code"));
	if (username == NULL || password == NULL || *username == '\0')
		return resp_error(r, 400,
		    _("Give a username and a password."), NULL);
	ar = auth_login(r, username, password, code, &u, token, csrf);
	switch (ar) {
	case AUTH_OK:
		break;
	case AUTH_BAD:
		return resp_error(r, 401, _("Invalid username, password or "
		    "code."), NULL);
	case AUTH_LOCKED:
		return resp_error(r, 429, _("Too many failed attempts. Try "
		    "again in a few minutes."), NULL);
	case AUTH_ERROR:
	default:
		return -1;
	}
	/* A login from a live session ends that session: one browser, one
	 * session. */
	if (auth_logout(r) < 0) {
		sodium_memzero(token, sizeof(token));
		return -1;
	}
	resp_cookie(r, "ctm_session", token, r->app->cfg.session_max, true);
	r->lang = u.lang >= 0 ? (enum lang)u.lang : r->lang;
	body = json_pack("{s:s,s:o}", "csrf_token", csrf, "user",
	    user_json(&u));
	sodium_memzero(token, sizeof(token));
	return resp_json(r, 200, body);
}

int
api_logout(struct req *r)
{
	if (auth_logout(r) < 0)
		return -1;
	resp_cookie(r, "ctm_session", "", 0, true);
	return resp_json(r, 200, json_pack("{s:b}", "ok", 1));
}

static const char *const totp_states[] = {
	[AUTH_TOTP_NONE] = "off", [AUTH_TOTP_PENDING] = "pending",
	[AUTH_TOTP_ON] = "on",
};

int
api_me(struct req *r)
{
	json_t *u = user_json(&r->user);
	int t = auth_totp_state(r, r->user.id);

	if (t < 0) {
		json_decref(u);
		return -1;
	}
	json_object_set_new(u, "two_step", json_string(totp_states[t]));
	return resp_json(r, 200, u);
}

/*
 * POST /api/v1/me/two-step: {"action": "start"} gives a new key (off
 * until confirmed) as {"key", "uri"}; {"action": "confirm", "code"} turns
 * it on; {"action": "off", "password", "code"} turns it off.
 */
int
api_me_two_step(struct req *r)
{
	static const struct input_field keys[] = {
		{ "action", JT_TEXT, NULL, NULL, 0 },
		{ "code", JT_TEXT, NULL, NULL, 0 },
		{ "password", JT_TEXT, NULL, NULL, 0 },
		{ NULL, 0, NULL, NULL, 0 },
	};
	const char *action, *code, *pw;
	char b32[TOTP_B32_SIZE], uri[160];
	json_t *body;
	int rc;

	if (req_fields(r, keys))
		return 0;
	action = json_string_value(json_object_get(r->json, "action"));
	code = json_string_value(json_object_get(r->json, "code"));
	pw = json_string_value(json_object_get(r->json, "password"));
	if (action && strcmp(action, "start") == 0) {
		rc = auth_totp_start(r, b32);
		if (rc < 0)
			return -1;
		if (rc > 0)
			return resp_error(r, 409, _("Two-step verification is "
			    "on already."), NULL);
		snprintf(uri, sizeof(uri), "otpauth://totp/ctm:%s?secret=%s&"
		    "issuer=ctm", r->user.username, b32);
		body = json_pack("{s:s,s:s,s:s}", "two_step", "pending", "key",
		    b32, "uri", uri);
		sodium_memzero(b32, sizeof(b32));
		sodium_memzero(uri, sizeof(uri));
		return resp_json(r, 200, body);
	}
	if (action && strcmp(action, "confirm") == 0) {
		rc = auth_totp_confirm(r, code);
		if (rc < 0)
			return -1;
		if (rc > 0)
			return field_error(r, "code", _("That code is not the "
			    "one the app shows now: check the key and the "
			    "phone's clock, and type the newest code."));
		return resp_json(r, 200, json_pack("{s:s}", "two_step", "on"));
	}
	if (action && strcmp(action, "off") == 0) {
		rc = auth_totp_turn_off(r, pw, code);
		if (rc < 0)
			return -1;
		if (rc == 2) {
			resp_cookie(r, "ctm_session", "", 0, true);
			return resp_error(r, 401, _("Too many failed attempts: "
			    "log in again in a few minutes."), NULL);
		}
		if (rc == 3)
			return resp_error(r, 429, _("Too many failed attempts. "
			    "Try again in a few minutes."), NULL);
		if (rc == 1)
			return resp_error(r, 400, _("The password or the code "
			    "is wrong: two-step verification stays on."), NULL);
		return resp_json(r, 200, json_pack("{s:s}", "two_step", "off"));
	}
	return field_error(r, "action", _("Choose start, confirm or off."));
}

int
api_me_update(struct req *r)
{
	static const struct input_field keys[] = {
		{ "lang", JT_TEXT, NULL, NULL, 0 },
		{ NULL, 0, NULL, NULL, 0 },
	};
	json_t *v;
	int l;

	if (req_fields(r, keys))
		return 0;
	v = json_object_get(r->json, "lang");
	if (v == NULL)
		return resp_json(r, 200, user_json(&r->user));
	l = lang_from_code(json_string_value(v));
	if (l < 0)
		return field_error(r, "lang",
		    _("Choose one of the languages en, fr, es."));
	if (db_user_set_lang(r->app->db, r->user.id, l) != DB_OK)
		return -1;
	r->user.lang = l;
	r->lang = (enum lang)l;
	i18n_use(r->lang);
	return resp_json(r, 200, user_json(&r->user));
}

struct list_ctx {
	json_t *arr;
};

static int
list_cb(void *arg, const struct case_row *c)
{
	struct list_ctx *ctx = arg;

	return json_array_append_new(ctx->arr, case_json(c));
}

/*
 * The list of cases for r's user: status (HTCDS code or NULL), q (case
 * number prefix or name, or NULL), page and per_page already checked.
 */
static int
cases_list(struct req *r, const char *st, const char *q, int64_t page,
    int64_t per_page)
{
	struct case_filter f = { 0 };
	struct list_ctx ctx;
	char *tokens = NULL;
	int64_t total = 0;
	int rc;

	if (!user_can(&r->user, PERM_CASE_READ))
		return resp_error(r, 403, _("You are not allowed to see cases."),
		    NULL);
	cases_filter_scope(r, &f);
	f.status = -1;
	if (st && *st) {
		f.status = case_status_from_code(st);
		if (f.status < 0)
			return field_error(r, "status", _("Unknown case status."));
	}
	if (q && *q) {
		if (!utf8_valid(q, strlen(q)) || input_chars(q) > 200)
			return field_error(r, "q", _("The search text is too long "
			    "or not valid."));
		f.number_prefix = q;
		if (cases_name_search_ok(r)) {
			tokens = casefile_search_tokens(r, q, &f.ntokens);
			f.tokens_json = tokens;
		}
	}
	f.limit = per_page;
	f.offset = (page - 1) * per_page;
	ctx.arr = json_array();
	if (ctx.arr == NULL) {
		free(tokens);
		return -1;
	}
	rc = db_case_list(r->app->db, &f, list_cb, &ctx, &total);
	free(tokens);
	if (rc != DB_OK) {
		json_decref(ctx.arr);
		return -1;
	}
	/* The search text may be a name: it is never audited. */
	if (audit(r, "case.list", 0, NULL, json_pack("{s:I,s:I,s:b}", "page",
	    (json_int_t)page, "count", (json_int_t)json_array_size(ctx.arr),
	    "search", q && *q)) < 0) {
		json_decref(ctx.arr);
		return -1;
	}
	return resp_json(r, 200, json_pack("{s:o,s:I,s:I,s:I}", "cases", ctx.arr,
	    "total", (json_int_t)total, "page", (json_int_t)page, "per_page",
	    (json_int_t)per_page));
}

int
api_cases_list(struct req *r)
{
	int64_t page, per_page;
	bool bad = false;

	page = query_int(r, "page", 1, 1, 1000000, &bad);
	per_page = query_int(r, "per_page", 50, 1, 500, &bad);
	if (bad)
		return resp_error(r, 400, _("Invalid page or page size."), NULL);
	return cases_list(r, req_query(r, "status"), req_query(r, "q"), page,
	    per_page);
}

/* Reads an optional integer member in [min, max]; 1 after answering 400. */
static int
json_int_member(struct req *r, const char *key, int64_t def, int64_t min,
    int64_t max, int64_t *out)
{
	json_t *v = json_object_get(r->json, key);

	*out = def;
	if (v == NULL)
		return 0;
	if (!json_is_integer(v) || json_integer_value(v) < min ||
	    json_integer_value(v) > max) {
		field_error(r, key, _("Give a whole number in range."));
		return 1;
	}
	*out = json_integer_value(v);
	return 0;
}

/* POST /api/v1/cases/search: the list with the search text in the body,
 * so that a name never travels in a URL. */
int
api_cases_search(struct req *r)
{
	static const struct input_field keys[] = {
		{ "q", JT_TEXT, NULL, NULL, 0 },
		{ "status", JT_TEXT, NULL, NULL, 0 },
		{ "page", JT_INT, NULL, NULL, 0 },
		{ "per_page", JT_INT, NULL, NULL, 0 },
		{ NULL, 0, NULL, NULL, 0 },
	};
	int64_t page, per_page;
	json_t *q, *st;

	if (req_fields(r, keys))
		return 0;
	q = json_object_get(r->json, "q");
	st = json_object_get(r->json, "status");
	if ((q && !json_is_string(q)) || (st && !json_is_string(st)))
		return resp_error(r, 400, _("Give the search as text."), NULL);
	if (json_int_member(r, "page", 1, 1, 1000000, &page) ||
	    json_int_member(r, "per_page", 50, 1, 500, &per_page))
		return 0;
	return cases_list(r, json_string_value(st), json_string_value(q), page,
	    per_page);
}

/* Reads "assigned_to": a positive integer or null. 0 for null. */
static int
get_assignee(struct req *r, json_t *v, int64_t *out)
{
	if (json_is_null(v)) {
		*out = 0;
		return 0;
	}
	if (!json_is_integer(v) || json_integer_value(v) <= 0) {
		field_error(r, "assigned_to",
		    _("Give a user id; leave it empty to assign nobody."));
		return 1;
	}
	*out = json_integer_value(v);
	return 0;
}

int
api_cases_create(struct req *r)
{
	static const struct input_field keys[] = {
		{ "office", JT_TEXT, NULL, NULL, 0 },
		{ "status", JT_TEXT, NULL, NULL, 0 },
		{ "assigned_to", JT_INT, N_("Give a user id; leave it empty "
		    "to assign nobody."), NULL, 0 },
		{ NULL, 0, NULL, NULL, 0 },
	};
	struct case_row c;
	json_t *v;
	const char *office = NULL, *msg, *field;
	int status = -1, rc;
	int64_t assignee = 0;

	if (req_fields(r, keys))
		return 0;
	if ((v = json_object_get(r->json, "office")) != NULL) {
		if (!json_is_string(v))
			return field_error(r, "office", _("Give an office code."));
		office = json_string_value(v);
	}
	if ((v = json_object_get(r->json, "status")) != NULL) {
		status = case_status_from_code(json_string_value(v));
		if (status < 0)
			return field_error(r, "status", _("Unknown case status."));
	}
	if ((v = json_object_get(r->json, "assigned_to")) != NULL &&
	    get_assignee(r, v, &assignee))
		return 0;
	rc = cases_create(r, office, status, assignee, &c, &msg, &field);
	if (rc < 0)
		return -1;
	if (rc > 0 && field == NULL)
		return resp_error(r, 403, msg, NULL);
	if (rc > 0)
		return field_error(r, field, msg);
	return resp_json(r, 201, json_pack("{s:I,s:s}", "id", (json_int_t)c.id,
	    "case_number", c.number));
}

static int
not_found(struct req *r)
{
	return resp_error(r, 404, _("This case does not exist."), NULL);
}

int
api_case_get(struct req *r)
{
	struct case_row c;
	enum case_access access;
	json_t *j;
	int rc;

	/* An office that handed the case over reads its summary, and so
	 * does the manager asked to take it over, marked. */
	rc = cases_open_summary(r, &c, PERM_CASE_READ, "case.view.denied", 403,
	    &access);
	if (rc != 0)
		return rc < 0 ? -1 : 0;
	if (audit(r, access == CASE_ACCESS_HISTORY ? "case.history.view" :
	    access == CASE_ACCESS_HANDOVER ? "case.handover.view" :
	    "case.view", c.id, NULL, NULL) < 0)
		return -1;
	j = case_json(&c);
	if (access == CASE_ACCESS_HISTORY && j)
		json_object_set_new(j, "history", json_true());
	if (access == CASE_ACCESS_HANDOVER && j)
		json_object_set_new(j, "handover", json_true());
	return resp_json(r, 200, j);
}

int
api_case_patch(struct req *r)
{
	static const struct input_field keys[] = {
		{ "status", JT_TEXT, NULL, NULL, 0 },
		{ "assigned_to", JT_INT, N_("Give a user id; leave it empty "
		    "to assign nobody."), NULL, 0 },
		{ "version", JT_INT, N_("Give the version you read."), NULL,
		    0 },
		{ NULL, 0, NULL, NULL, 0 },
	};
	struct case_row c;
	json_t *v;
	int rc, status, version = -1;
	int64_t assignee;
	const char *p;

	if (req_fields(r, keys))
		return 0;
	if (!user_can(&r->user, PERM_CASE_UPDATE)) {
		if (audit(r, "case.update.denied", r->id, NULL, NULL) < 0)
			return -1;
		return resp_error(r, 403,
		    _("You are not allowed to change cases."), NULL);
	}
	rc = cases_load(r, r->id, &c, "case.update.denied");
	if (rc == DB_ERROR)
		return -1;
	if (rc != DB_OK)
		return not_found(r);
	status = (int)c.status;
	assignee = c.assigned_to;
	if ((v = json_object_get(r->json, "status")) != NULL) {
		status = case_status_from_code(json_string_value(v));
		if (status < 0)
			return field_error(r, "status", _("Unknown case status."));
	}
	if ((v = json_object_get(r->json, "assigned_to")) != NULL) {
		if (get_assignee(r, v, &assignee))
			return 0;
		/* Keeping the current assignee is always allowed. */
		p = assignee == c.assigned_to ? NULL :
		    cases_assignee_problem(r, c.office_id, assignee);
		if (p)
			return field_error(r, "assigned_to", p);
	}
	if ((v = json_object_get(r->json, "version")) != NULL) {
		if (!json_is_integer(v) || json_integer_value(v) < 1 ||
		    json_integer_value(v) > INT32_MAX)
			return field_error(r, "version",
			    _("Give the version you read."));
		version = (int)json_integer_value(v);
	}
	rc = cases_update(r, &c, version, (enum case_status)status, assignee);
	if (rc == DB_CONFLICT || rc == DB_NOTFOUND)
		return resp_error(r, 409, _("Someone else changed this case in "
		    "the meantime. Reload it and try again."), NULL);
	if (rc != DB_OK)
		return -1;
	return resp_json(r, 200, case_json(&c));
}

/* An optional time of the query: 0 when absent, *bad when unreadable. */
static int64_t
parse_iso(const char *s, bool *bad)
{
	int64_t t = 0;

	if (s == NULL || *s == '\0')
		return 0;
	if (!time_iso_parse(s, &t))
		*bad = true;
	return t;
}

static int
audit_cb(void *arg, const struct audit_entry *e)
{
	json_t *arr = arg, *detail = NULL, *o;
	char at[TIME_ISO_SIZE];

	time_iso(e->at, at);
	if (e->detail[0])
		detail = json_loads(e->detail, 0, NULL);
	o = json_pack("{s:I,s:s,s:s,s:s,s:s,s:o,s:s,s:o}", "id",
	    (json_int_t)e->id, "at", at, "user", e->username, "ip", e->ip,
	    "action", e->action, "case_id",
	    e->case_id ? json_integer(e->case_id) : json_null(), "object",
	    e->object, "detail", detail ? detail : json_null());
	return json_array_append_new(arr, o);
}

int
api_audit(struct req *r)
{
	struct audit_filter f = { 0 };
	json_t *arr;
	int64_t total = 0, page, per_page;
	bool bad = false;

	if (!user_can(&r->user, PERM_AUDIT_READ))
		return resp_error(r, 403,
		    _("Only administrators can read the audit trail."), NULL);
	f.username = req_query(r, "user");
	if (f.username && *f.username == '\0')
		f.username = NULL;
	f.action = req_query(r, "action");
	if (f.action && *f.action == '\0')
		f.action = NULL;
	f.case_id = query_int(r, "case", 0, 1, INT64_MAX / 2, &bad);
	f.from = parse_iso(req_query(r, "from"), &bad);
	f.to = parse_iso(req_query(r, "to"), &bad);
	page = query_int(r, "page", 1, 1, 1000000, &bad);
	per_page = query_int(r, "per_page", 100, 1, 1000, &bad);
	if (bad)
		return resp_error(r, 400, _("Invalid filter."), NULL);
	f.limit = per_page;
	f.offset = (page - 1) * per_page;
	arr = json_array();
	if (arr == NULL)
		return -1;
	if (db_audit_list(r->app->db, &f, audit_cb, arr, &total) != DB_OK) {
		json_decref(arr);
		return -1;
	}
	return resp_json(r, 200, json_pack("{s:o,s:I,s:I,s:I}", "entries", arr,
	    "total", (json_int_t)total, "page", (json_int_t)page, "per_page",
	    (json_int_t)per_page));
}
