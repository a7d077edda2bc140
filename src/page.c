/*
 * page.c - the page frame, login, logout, language and error pages.
 */
#include "compat.h"

#include <stdio.h>
#include <string.h>

#include <sodium.h>
#include <time.h>

#include "assets.h"
#include "audit.h"
#include "auth.h"
#include "cases.h"
#include "crypt.h"
#include "date.h"
#include "handlers.h"
#include "i18n.h"
#include "log.h"
#include "money.h"
#include "moves.h"
#include "page.h"
#include "protection.h"
#include "route.h"

const char *
page_time(int64_t t, char out[32])
{
	struct tm tm;
	time_t tt = (time_t)t;

	gmtime_r(&tt, &tm);
	strftime(out, 32, "%Y-%m-%d %H:%M", &tm);
	return out;
}

/* The anonymous CSRF token, set as a cookie the first time it is needed. */
static const char *
pre_token(struct req *r)
{
	char tok[CRYPT_TOKEN_HEX];

	if (r->pre_token && strlen(r->pre_token) == CRYPT_TOKEN_HEX - 1)
		return r->pre_token;
	crypt_token(tok);
	r->pre_token = arena_strdup(r->arena, tok);
	resp_cookie(r, "ctm_pre", tok, 7 * 24 * 3600, true);
	return r->pre_token;
}

void
page_csrf(struct req *r, struct html *h)
{
	html_printf(h, "<input type=\"hidden\" name=\"csrf\" value=\"%s\">",
	    r->authed ? r->sess.csrf : pre_token(r));
}

static void
asset_link(struct html *h, const char *name, bool script)
{
	const struct asset *a = asset_find(name);
	char v[17] = "0";

	if (a && strlen(a->etag) > 16)
		snprintf(v, sizeof(v), "%.16s", a->etag + 1);
	if (script)
		html_printf(h, "<script src=\"/assets/%s?v=%s\" defer></script>",
		    name, v);
	else
		html_printf(h, "<link rel=\"stylesheet\" href=\"/assets/%s?v=%s\">",
		    name, v);
}

/* A section of the header, marked as the current one when the page is
 * in it. */
static void
nav_link(struct req *r, struct html *h, const char *href, const char *label)
{
	size_t n = strlen(href);
	bool here = strncmp(r->path, href, n) == 0 &&
	    (r->path[n] == '\0' || r->path[n] == '/');

	html_printf(h, "<li><a href=\"%s\"%R>%s</a></li>", href,
	    here ? " aria-current=\"page\"" : "", label);
}

void
page_begin(struct req *r, struct html *h, const char *title)
{
	int l;

	html_printf(h, "<!doctype html>\n<html lang=\"%s\" data-theme=\"light\">"
	    "<head><meta charset=\"utf-8\">"
	    "<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">"
	    "<title>%s — ctm</title>", lang_code(r->lang), title);
	html_printf(h, "<link rel=\"icon\" href=\"/assets/favicon.svg\" "
	    "type=\"image/svg+xml\">");
	asset_link(h, "pico.min.css", false);
	asset_link(h, "ctm.css", false);
	asset_link(h, "ctm.js", true);
	/* Two rows: the brand with who is logged in, logging out and the
	 * language; then the sections this role may open. */
	html_printf(h, "</head><body><header class=\"container\"><nav "
	    "class=\"top\"><ul><li><a href=\"/\" class=\"brand\"><strong>ctm"
	    "</strong></a></li></ul><ul>");
	if (r->authed) {
		html_printf(h, "<li><a href=\"/account\" title=\"%s\">%s</a></li>"
		    "<li><form method=\"post\" action=\"/logout\" class=\"inline\">",
		    _("My account"), r->user.username);
		page_csrf(r, h);
		html_printf(h, "<button type=\"submit\" class=\"secondary outline\">%s"
		    "</button></form></li>", _("Log out"));
	}
	html_printf(h, "<li><form method=\"post\" action=\"/lang\" class=\"lang inline\""
	    " aria-label=\"%s\">", _("Language"));
	page_csrf(r, h);
	/* Back to this page after switching, if it can be fetched again. */
	html_printf(h, "<input type=\"hidden\" name=\"next\" value=\"%s\">",
	    (r->method & (M_GET | M_HEAD)) ||
	    (route_methods(r->path) & M_GET) ? r->path : "/");
	for (l = 0; l < LANG__MAX; l++) {
		if ((enum lang)l == r->lang)
			html_printf(h, "<button type=\"submit\" name=\"lang\" value=\"%s\""
			    " aria-current=\"true\" disabled>%s</button>",
			    lang_code((enum lang)l), lang_name((enum lang)l));
		else
			html_printf(h, "<button type=\"submit\" name=\"lang\" value=\"%s\""
			    " lang=\"%s\" class=\"secondary outline\">%s</button>",
			    lang_code((enum lang)l), lang_code((enum lang)l),
			    lang_name((enum lang)l));
	}
	html_printf(h, "</form></li></ul></nav>");
	if (r->authed) {
		html_printf(h, "<nav class=\"sections\" aria-label=\"%s\"><ul>",
		    _("Sections"));
		if (user_can(&r->user, PERM_CASE_READ))
			nav_link(r, h, "/cases", _("Cases"));
		if (moves_transfers_allowed(r))
			nav_link(r, h, "/transfers", _("Transfers"));
		if (user_can(&r->user, PERM_ASSIST) &&
		    user_scope(&r->user) != SCOPE_NONE)
			nav_link(r, h, "/visits", _("Visits"));
		if (protection_registry_read(r)) {
			nav_link(r, h, "/organisations", _("Organisations"));
			nav_link(r, h, "/shelters", _("Shelters"));
		}
		if (user_can(&r->user, PERM_STATS_READ))
			nav_link(r, h, "/stats", _("Statistics"));
		if (user_can(&r->user, PERM_FUND_READ) ||
		    user_can(&r->user, PERM_FUND_REQUEST))
			nav_link(r, h, "/fund", _("Fund"));
		if (user_can(&r->user, PERM_FUND_READ))
			nav_link(r, h, "/projects", _("Projects"));
		if (user_can(&r->user, PERM_ADMIN_USERS)) {
			nav_link(r, h, "/admin/users", _("Users"));
			nav_link(r, h, "/admin/offices", _("Offices"));
			nav_link(r, h, "/admin/settings", _("Settings"));
		}
		if (user_can(&r->user, PERM_AUDIT_READ))
			nav_link(r, h, "/admin/audit", _("Audit"));
		html_printf(h, "</ul></nav>");
	}
	html_printf(h, "</header><main class=\"container\">");
}

void
page_end(struct req *r, struct html *h)
{
	(void)r;
	html_printf(h, "</main><footer class=\"container\"><small>ctm %s</small>"
	    "</footer></body></html>\n", CTM_VERSION);
}

int
page_error(struct req *r, int status, const char *msg)
{
	struct html h;
	int rc;

	html_init(&h, HTTP_PAGE_MAX);
	page_begin(r, &h, _("Error"));
	html_printf(&h, "<article class=\"error-page\"><h1>%s</h1><p>%s</p>"
	    "<p><a href=\"/\">%s</a></p></article>",
	    status == 404 ? _("Not found") : _("Something is wrong"), msg,
	    _("Back to the start page"));
	page_end(r, &h);
	rc = resp_html(r, status, &h);
	html_release(&h);
	return rc;
}

/* Sends asset a (NULL: 404) with its ETag and a long cache lifetime. */
static int
send_asset(struct req *r, const struct asset *a)
{
	const char *inm;

	if (a == NULL)
		return resp_error(r, 404, _("This page does not exist."), NULL);
	resp_header(r, "ETag", a->etag);
	resp_header(r, "Cache-Control", "public, max-age=31536000, immutable");
	inm = req_header(r, "If-None-Match");
	if (inm && strcmp(inm, a->etag) == 0) {
		r->status = 304;
		r->ctype = a->type;
		return 0;
	}
	buf_reset(&r->out);
	r->out.max = a->len + 1;
	if (buf_add(&r->out, a->data, a->len) < 0)
		return -1;
	r->status = 200;
	r->ctype = a->type;
	return 0;
}

int
page_asset(struct req *r)
{
	return send_asset(r, asset_find(r->path + strlen("/assets/")));
}

int
page_favicon(struct req *r)
{
	return send_asset(r, asset_find("favicon.svg"));
}

int
page_root(struct req *r)
{
	struct html h;
	int rc;

	if (!r->authed)
		return resp_redirect(r, "/login");
	/* Every role with something to do has its dashboard (a
	 * researcher's: the datasets to count in). */
	if (user_can(&r->user, PERM_CASE_READ) ||
	    user_can(&r->user, PERM_FUND_READ) ||
	    user_can(&r->user, PERM_STATS_READ) ||
	    user_can(&r->user, PERM_ADMIN_USERS))
		return resp_redirect(r, "/dashboard");
	html_init(&h, HTTP_PAGE_MAX);
	page_begin(r, &h, _("Start"));
	html_printf(&h, "<h1>%s</h1><p>%s</p>", _("Welcome"),
	    _("Your role gives access to anonymised statistics only; no case "
	    "file is shown to it."));
	page_end(r, &h);
	rc = resp_html(r, 200, &h);
	html_release(&h);
	return rc;
}

static int
login_form(struct req *r, int status, const char *username, const char *err)
{
	struct html h;
	int rc;

	html_init(&h, HTTP_PAGE_MAX);
	page_begin(r, &h, _("Log in"));
	html_printf(&h, "<article class=\"login\"><h1>%s</h1>", _("Log in"));
	if (err)
		html_printf(&h, "<p class=\"flash error\" role=\"alert\">%s</p>", err);
	html_printf(&h, "<form method=\"post\" action=\"/login\">");
	page_csrf(r, &h);
	html_printf(&h, "<label for=\"username\">%s</label>"
	    "<input id=\"username\" name=\"username\" autocomplete=\"username\" "
	    "required maxlength=\"63\" value=\"%s\"%R>"
	    "<label for=\"password\">%s</label>"
	    "<input id=\"password\" type=\"password\" name=\"password\" "
	    "autocomplete=\"current-password\" required%R>"
	    "<label for=\"code\">%s</label>"
	    "<input id=\"code\" name=\"code\" inputmode=\"numeric\" "
	    "autocomplete=\"one-time-code\" maxlength=\"6\" "
	    "pattern=\"[0-9]{6}\" aria-describedby=\"code-help\"%R>"
	    "<small id=\"code-help\">%s</small>"
	    "<button type=\"submit\">%s</button></form></article>",
	    _("Username"), username ? username : "",
	    err ? " aria-invalid=\"true\"" : "", _("Password"),
	    err ? " aria-invalid=\"true\"" : "", _("Code"),
	    err ? " aria-invalid=\"true\"" : "",
	    _("The 6-digit code of your authenticator app, if you turned on "
	    "two-step verification."), _("Log in"));
	page_end(r, &h);
	rc = resp_html(r, status, &h);
	html_release(&h);
	return rc;
}

int
page_login(struct req *r)
{
	if (r->authed)
		return resp_redirect(r, "/");
	return login_form(r, 200, NULL, NULL);
}

int
page_login_post(struct req *r)
{
	const char *u = req_form(r, "username");
	const char *p = req_form(r, "password");
	const char *code = req_form(r, "code");
	char token[CRYPT_TOKEN_HEX], csrf[CRYPT_TOKEN_HEX];
	struct user user;

	if (u == NULL || p == NULL || *u == '\0')
		return login_form(r, 400, u,
		    _("Give a username and a password."));
	switch (auth_login(r, u, p, code && *code ? code : NULL, &user,
	    token, csrf)) {
	case AUTH_OK:
		break;
	case AUTH_BAD:
		return login_form(r, 401, u, _("Invalid username, password or "
		    "code."));
	case AUTH_LOCKED:
		return login_form(r, 429, u, _("Too many failed attempts. Try "
		    "again in a few minutes."));
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
	return resp_redirect(r, "/");
}

int
page_logout(struct req *r)
{
	if (auth_logout(r) < 0)
		return -1;
	resp_cookie(r, "ctm_session", "", 0, true);
	return resp_redirect(r, "/login");
}

int
page_lang(struct req *r)
{
	int l = lang_from_code(req_form(r, "lang"));
	const char *next = req_form(r, "next");

	if (l < 0)
		return resp_error(r, 400, _("Unknown language."), NULL);
	if (r->authed) {
		if (db_user_set_lang(r->app->db, r->user.id, l) != DB_OK)
			return -1;
	}
	resp_cookie(r, "ctm_lang", lang_code((enum lang)l), 365 * 24 * 3600,
	    true);
	return resp_redirect(r, next);
}

void
page_field(struct html *h, const char *id, const char *name, const char *type,
    const char *label, const char *value, const char *err,
    const char *extra_attrs)
{
	html_printf(h, "<label for=\"%s\">%s</label><input id=\"%s\" "
	    "name=\"%s\" type=\"%s\" %R", id, label, id, name, type,
	    extra_attrs);
	if (value)
		html_printf(h, " value=\"%s\"", value);
	if (err)
		html_printf(h, " aria-invalid=\"true\" "
		    "aria-describedby=\"%s-error\">"
		    "<small class=\"error\" id=\"%s-error\">%s</small>", id, id,
		    err);
	else
		html_printf(h, ">");
}

int
page_chart(struct html *h, const char *id, const char *label, json_t *spec)
{
	char *s, *p;

	if (spec == NULL)
		return -1;
	s = json_dumps(spec, JSON_COMPACT | JSON_ESCAPE_SLASH);
	json_decref(spec);
	if (s == NULL)
		return -1;
	/* No "<" at all inside a script element. */
	for (p = s; *p; p++)
		if (*p == '<')
			*p = ' ';
	html_printf(h, "<div class=\"chart\" data-src=\"%s\" hidden "
	    "role=\"img\" aria-label=\"%s\"></div><script "
	    "type=\"application/json\" id=\"%s\">%R</script>", id, label, id, s);
	free(s);
	return 0;
}

void
page_chart_scripts(struct html *h)
{
	html_printf(h, "<script src=\"/assets/echarts.min.js\" defer></script>"
	    "<script src=\"/assets/charts.js\" defer></script>");
}

/* --- tables ------------------------------------------------------------ */

void
page_table_begin(struct page_table *t, struct html *h, const char *cls,
    const char *id, const struct page_col *cols, size_t ncols)
{
	size_t i;
	bool rest = ncols > 1;

	t->h = h;
	t->ncols = ncols;
	t->mark = html_mark(h);
	t->in_body = true;
	for (i = 1; cols && i < ncols; i++)
		if (!(cols[i].flags & COL_NUM))
			rest = false;
	html_printf(h, "<div class=\"table-wrap\"><table class=\"%s", cls ?
	    cls : "");
	/* ctm.css aligns column N of a table of class num-N to the right. */
	if (cols && rest)
		html_printf(h, " num-rest");
	else
		for (i = 0; cols && i < ncols && i < PAGE_TABLE_COLS; i++)
			if (cols[i].flags & COL_NUM)
				html_printf(h, " num-%z", i + 1);
	html_printf(h, "\"");
	if (id)
		html_printf(h, " id=\"%s\"", id);
	html_printf(h, ">");
	if (cols) {
		html_printf(h, "<thead><tr>");
		for (i = 0; i < ncols; i++)
			html_printf(h, (cols[i].flags & COL_HIDDEN) ?
			    "<th scope=\"col\"><span class=\"visually-hidden\">"
			    "%s</span></th>" : "<th scope=\"col\">%s</th>",
			    cols[i].head);
		html_printf(h, "</tr></thead>");
	}
	html_printf(h, "<tbody>");
}

void
page_table_body_end(struct page_table *t, size_t nrows, const char *empty)
{
	if (!t->in_body)
		return;
	if (nrows == 0 && empty)
		html_printf(t->h, "<tr><td colspan=\"%z\" class=\"empty\">%s"
		    "</td></tr>", t->ncols ? t->ncols : 1, empty);
	html_printf(t->h, "</tbody>");
	t->in_body = false;
}

void
page_table_end(struct page_table *t, size_t nrows, const char *empty)
{
	/* Nothing to show and nothing below: a line, no empty table. */
	if (t->in_body && nrows == 0 && empty) {
		html_rewind(t->h, t->mark);
		html_printf(t->h, "<p class=\"empty\">%s</p>", empty);
		return;
	}
	page_table_body_end(t, nrows, empty);
	html_printf(t->h, "</table></div>");
}

/* --- pieces ------------------------------------------------------------ */

/* <tag class="nowrap"[ datetime="dt"]>text</tag> into out, text
 * escaped; out is "" when it does not fit. */
static const char *
nowrap(char out[PAGE_MARK], const char *tag, const char *dt,
    const char *text)
{
	struct buf b;

	buf_init(&b, PAGE_MARK - 1);
	if (buf_printf(&b, "<%s class=\"nowrap\"", tag) < 0 ||
	    (dt && (buf_addstr(&b, " datetime=\"") < 0 ||
	    html_escape(&b, dt, strlen(dt)) < 0 || buf_addch(&b, '"') < 0)) ||
	    buf_addch(&b, '>') < 0 ||
	    html_escape(&b, text, strlen(text)) < 0 ||
	    buf_printf(&b, "</%s>", tag) < 0)
		out[0] = '\0';
	else
		snprintf(out, PAGE_MARK, "%s", buf_cstr(&b));
	buf_release(&b);
	return out;
}

const char *
page_when(int64_t t, char out[PAGE_MARK])
{
	char text[32], dt[32];
	struct tm tm;
	time_t tt = (time_t)t;

	gmtime_r(&tt, &tm);
	strftime(dt, sizeof(dt), "%Y-%m-%dT%H:%MZ", &tm);
	return nowrap(out, "time", dt, page_time(t, text));
}

/* An API time ("2026-06-01T10:20:30Z") as page_when() writes it; what
 * is not one is written as page_day() writes text. */
const char *
page_when_iso(const char *iso, char out[PAGE_MARK])
{
	int64_t t;

	if (iso == NULL || strchr(iso, 'T') == NULL ||
	    !time_iso_parse(iso, &t))
		return page_day(iso, out);
	return page_when(t, out);
}

const char *
page_day(const char *ymd, char out[PAGE_MARK])
{
	size_t i;
	bool day = ymd && strlen(ymd) == 10;

	if (ymd == NULL || *ymd == '\0')
		return nowrap(out, "span", NULL, "—");
	for (i = 0; day && i < 10; i++)
		if (i == 4 || i == 7 ? ymd[i] != '-' : ymd[i] < '0' ||
		    ymd[i] > '9')
			day = false;
	return nowrap(out, day ? "time" : "span", day ? ymd : NULL, ymd);
}

const char *
page_case_number(const char *number, char out[PAGE_MARK])
{
	return nowrap(out, "span", NULL, number ? number : "");
}

const char *
page_nowrap(const char *text, char out[PAGE_MARK])
{
	return nowrap(out, "span", NULL, text ? text : "");
}

void
page_status_badge(struct html *h, enum case_status s)
{
	html_printf(h, "<span class=\"badge\" data-status=\"%s\">%s</span>",
	    case_status_code(s), case_status_label(s));
}

void
page_case_begin(struct req *r, struct html *h, int64_t id,
    const char *number, const char *title, bool in_file)
{
	char *t = arena_printf(r->arena, "%s — %s", number, title);
	char n[PAGE_MARK];

	page_begin(r, h, t ? t : title);
	html_printf(h, "<nav class=\"breadcrumb\" aria-label=\"%s\"><ul><li>"
	    "<a href=\"/cases\">%s</a></li><li><a href=\"/cases/%L\">%R</a>"
	    "</li>", _("You are here"), _("Cases"), id,
	    page_case_number(number, n));
	if (in_file)
		html_printf(h, "<li><a href=\"/cases/%L/file\">%s</a></li>", id,
		    _("Case file"));
	html_printf(h, "<li aria-current=\"page\">%s</li></ul></nav>"
	    "<hgroup><h1>%s</h1><p>%R</p></hgroup>", title, title,
	    page_case_number(number, n));
}

const char *
page_colon(struct req *r, const char *label)
{
	char out[I18N_LABEL_MAX];
	const char *s = arena_strdup(r->arena, i18n_colon(label, out));

	return s ? s : label;
}

const char *
page_count(struct req *r, const char *fmt, int64_t n)
{
	char t[MONEY_TEXT];
	const char *s = arena_printf(r->arena, fmt, count_text(n,
	    i18n_current(), t));

	return s ? s : "";
}

/* Tenths of a day in hours, rounded; never negative. */
static int64_t
day_tenths(double hours)
{
	return hours > 0 ? (int64_t)(hours / 24.0 * 10.0 + 0.5) : 0;
}

const char *
page_days_figure(double hours, char out[MONEY_TEXT])
{
	return fixed_text(day_tenths(hours), 1, i18n_current(), out);
}

const char *
page_days(struct req *r, double hours)
{
	int64_t t = day_tenths(hours);
	char f[MONEY_TEXT];
	const char *s;

	/* The plural of the whole part when there is no decimal to read
	 * ("1.0 day"), otherwise of "many" ("1.5 days"). */
	s = arena_printf(r->arena, P_("%s day", "%s days", t % 10 ? 2 :
	    t / 10), fixed_text(t, 1, i18n_current(), f));
	return s ? s : "";
}
