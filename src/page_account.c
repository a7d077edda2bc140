/*
 * page_account.c - the logged-in user's own account: what it is, and a
 * change of password.
 *
 * Form values are untrusted. Passwords are never written back into the
 * form, logged or audited.
 */
#include "compat.h"

#include <inttypes.h>
#include <stdio.h>
#include <string.h>

#include <sodium.h>

#include "audit.h"
#include "auth.h"
#include "crypt.h"
#include "handlers.h"
#include "i18n.h"
#include "log.h"
#include "page.h"
#include "qr.h"

enum account_field {
	AF_CURRENT,
	AF_NEW,
	AF_CONFIRM,
	AF__MAX
};

/*
 * The two-step verification section: how to turn it on (the secret to
 * type into an authenticator app, then a code to confirm), or off (the
 * password and a code). err is the section's refusal, or NULL.
 */
static int
totp_section(struct req *r, struct html *h, const char *err)
{
	char b32[TOTP_B32_SIZE] = "", grouped[TOTP_B32_SIZE * 5 / 4 + 1];
	struct buf uri;
	int state = auth_totp_state(r, r->user.id);
	size_t i, j = 0;

	if (state < 0)
		return -1;
	html_printf(h, "<section id=\"two-step\"><h2>%s</h2>",
	    _("Two-step verification"));
	if (err)
		html_printf(h, "<p class=\"flash error\" role=\"alert\">%s</p>",
		    err);
	if (state == AUTH_TOTP_ON) {
		html_printf(h, "<p>%s</p><form method=\"post\" action=\""
		    "/account\">", _("Two-step verification is on: each login "
		    "asks for a code from your authenticator app."));
		page_csrf(r, h);
		html_printf(h, "<input type=\"hidden\" name=\"action\" "
		    "value=\"totp-off\">");
		page_field(h, "totp-password", "current", "password",
		    _("Current password"), NULL, NULL,
		    "required autocomplete=\"current-password\"");
		page_field(h, "totp-code", "code", "text", _("Code"), NULL, NULL,
		    "required inputmode=\"numeric\" maxlength=\"6\" "
		    "autocomplete=\"one-time-code\"");
		html_printf(h, "<button type=\"submit\" class=\"secondary\">%s"
		    "</button></form></section>",
		    _("Turn two-step verification off"));
		return 0;
	}
	if (state == AUTH_TOTP_PENDING && auth_totp_pending(r, b32) < 0)
		return -1;
	html_printf(h, "<p>%s</p>", _("With two-step verification on, a "
	    "stolen password is not enough to log in as you: each login also "
	    "asks for a code that an authenticator app on your phone shows."));
	if (b32[0]) {
		/* In groups of four, as the apps' key fields show it. */
		for (i = 0; b32[i] && j < sizeof(grouped) - 2; i++) {
			if (i && i % 4 == 0)
				grouped[j++] = ' ';
			grouped[j++] = b32[i];
		}
		grouped[j] = '\0';
		/* The key as apps take it from a QR code (Key Uri Format). */
		buf_init(&uri, 512);
		if (buf_addstr(&uri, "otpauth://totp/ctm:") < 0 ||
		    url_escape(&uri, r->user.username) < 0 ||
		    buf_printf(&uri, "?secret=%s&issuer=ctm", b32) < 0) {
			buf_release(&uri);
			return -1;
		}
		html_printf(h, "<p>%s</p><figure class=\"totp-qr\">",
		    _("Scan this code with your authenticator app "
		    "(time-based, 6 digits), or type the key below into it, "
		    "then type the code it shows:"));
		if (qr_svg(h, buf_cstr(&uri), "totp-qr",
		    _("QR code of the key")) < 0)
			h->failed = true;
		if (uri.p)
			sodium_memzero(uri.p, uri.cap);
		buf_release(&uri);
		html_printf(h, "</figure><p><code class=\"totp-key\">%s</code>"
		    "</p><p><a href=\"otpauth://totp/ctm:%U?secret=%s&amp;"
		    "issuer=ctm\">%s</a></p>", grouped, r->user.username, b32,
		    _("Open in the authenticator app on this device"));
		sodium_memzero(grouped, sizeof(grouped));
		html_printf(h, "<form method=\"post\" action=\"/account\">");
		page_csrf(r, h);
		html_printf(h, "<input type=\"hidden\" name=\"action\" "
		    "value=\"totp-confirm\">");
		page_field(h, "totp-confirm-code", "code", "text", _("Code"),
		    NULL, NULL, "required inputmode=\"numeric\" maxlength="
		    "\"6\" autocomplete=\"one-time-code\"");
		html_printf(h, "<button type=\"submit\">%s</button></form>",
		    _("Turn two-step verification on"));
	}
	html_printf(h, "<form method=\"post\" action=\"/account\">");
	page_csrf(r, h);
	html_printf(h, "<input type=\"hidden\" name=\"action\" value=\""
	    "totp-start\"><button type=\"submit\"%R>%s</button></form>"
	    "</section>", b32[0] ? " class=\"secondary\"" : "", b32[0] ?
	    _("Give me a new key") : _("Set up two-step verification"));
	sodium_memzero(b32, sizeof(b32));
	return 0;
}

/* The account page; err (AF__MAX messages, or NULL) marks the password
 * form, totp_err the two-step section. */
static int
account_page(struct req *r, int status, const char *const *err,
    const char *totp_err)
{
	static const char *const none[AF__MAX];
	const struct user *u = &r->user;
	struct page_table tab;
	struct html h;
	int rc, i;

	if (err == NULL)
		err = none;
	html_init(&h, HTTP_PAGE_MAX);
	page_begin(r, &h, _("My account"));
	html_printf(&h, "<h1>%s</h1>", _("My account"));
	page_table_begin(&tab, &h, NULL, NULL, NULL, 2);
	html_printf(&h, "<tr><th scope=\"row\">%s</th><td>%s</td></tr>"
	    "<tr><th scope=\"row\">%s</th><td>%s</td></tr>"
	    "<tr><th scope=\"row\">%s</th><td>%s</td></tr>"
	    "<tr><th scope=\"row\">%s</th><td>%s</td></tr>",
	    _("Username"), u->username, _("Role"), role_label(u->role),
	    _("Office"), u->office_code, _("Language"),
	    u->lang >= 0 && u->lang < LANG__MAX ? lang_name((enum lang)u->lang) :
	    _("not chosen (from the browser)"));
	page_table_end(&tab, 1, NULL);

	html_printf(&h, "<section><h2>%s</h2>", _("Change my password"));
	for (i = 0; i < AF__MAX; i++)
		if (err[i])
			break;
	if (i < AF__MAX)
		html_printf(&h, "<p class=\"flash error\" role=\"alert\">%s</p>",
		    _("The password was not changed. Correct the fields marked "
		    "below."));
	html_printf(&h, "<p>%s</p><form method=\"post\" action=\"/account\">",
	    _("After the change all your sessions end, this one too: you log "
	    "in again with the new password."));
	page_csrf(r, &h);
	page_field(&h, "current", "current", "password", _("Current password"),
	    NULL, err[AF_CURRENT],
	    "required autocomplete=\"current-password\"");
	page_field(&h, "password", "password", "password", _("New password"),
	    NULL, err[AF_NEW], "required minlength=\"10\" maxlength=\"256\" "
	    "autocomplete=\"new-password\"");
	page_field(&h, "confirm", "confirm", "password",
	    _("Repeat the new password"), NULL, err[AF_CONFIRM],
	    "required autocomplete=\"new-password\"");
	html_printf(&h, "<button type=\"submit\">%s</button></form></section>",
	    _("Change my password"));
	if (totp_section(r, &h, totp_err) < 0) {
		html_release(&h);
		return -1;
	}
	page_end(r, &h);
	rc = resp_html(r, status, &h);
	html_release(&h);
	return rc;
}

int
page_account(struct req *r)
{
	return account_page(r, 200, NULL, NULL);
}

/*
 * Ends r's session in the browser and sends it to the login page: after
 * the user's sessions were deleted.
 */
static int
to_login(struct req *r)
{
	r->authed = false;
	resp_cookie(r, "ctm_session", "", 0, true);
	return resp_redirect(r, "/login");
}

/*
 * Changes the user's own password. The current password must be given;
 * a wrong one counts as a failed login of the user (auth_password_failed),
 * so that a stolen session cannot guess it faster than the login form
 * allows: while the user is locked no password is tried, and the failure
 * that locks the user ends every session of the user, this one too. On
 * success every session of the user ends, the current one included:
 * db.h has no way to delete all sessions but one, and logging in again
 * with the new password costs little. Either way the browser is sent to
 * /login with its session cookie cleared.
 */
/* action=totp-start, totp-confirm or totp-off. */
static int
totp_post(struct req *r, const char *action)
{
	char b32[TOTP_B32_SIZE];
	int rc;

	if (strcmp(action, "totp-start") == 0) {
		rc = auth_totp_start(r, b32);
		sodium_memzero(b32, sizeof(b32));
		if (rc < 0)
			return -1;
		if (rc > 0)
			return account_page(r, 409, NULL, _("Two-step "
			    "verification is on already."));
		return resp_redirect(r, "/account#two-step");
	}
	if (strcmp(action, "totp-confirm") == 0) {
		rc = auth_totp_confirm(r, req_form(r, "code"));
		if (rc < 0)
			return -1;
		if (rc > 0)
			return account_page(r, 400, NULL, _("That code is not "
			    "the one the app shows now: check the key and the "
			    "phone's clock, and type the newest code."));
		return resp_redirect(r, "/account#two-step");
	}
	rc = auth_totp_turn_off(r, req_form(r, "current"), req_form(r,
	    "code"));
	if (rc < 0)
		return -1;
	if (rc == 2)
		return to_login(r);
	if (rc == 3)
		return account_page(r, 429, NULL, _("Too many failed "
		    "attempts. Try again in a few minutes."));
	if (rc == 1)
		return account_page(r, 400, NULL, _("The password or the "
		    "code is wrong: two-step verification stays on."));
	return resp_redirect(r, "/account#two-step");
}

int
page_account_post(struct req *r)
{
	const char *action = req_form(r, "action");
	const char *err[AF__MAX] = { NULL };
	const char *cur = req_form(r, "current");
	const char *pw = req_form(r, "password");
	const char *confirm = req_form(r, "confirm");
	char hash[CRYPT_PWHASH_MAX], obj[40];
	struct user u;
	int rc;

	if (action && strncmp(action, "totp-", 5) == 0 &&
	    (strcmp(action, "totp-start") == 0 ||
	    strcmp(action, "totp-confirm") == 0 ||
	    strcmp(action, "totp-off") == 0))
		return totp_post(r, action);
	if (cur == NULL)
		cur = "";
	if (pw == NULL)
		pw = "";
	if (confirm == NULL)
		confirm = "";
	/* Fresh from storage: the hash in r->user may predate a change. */
	if (db_user_get(r->app->db, r->user.id, &u) != DB_OK)
		return -1;
	if (*cur == '\0') {
		err[AF_CURRENT] = _("Give your current password.");
		return account_page(r, 400, err, NULL);
	}
	if (auth_user_locked(r)) {
		err[AF_CURRENT] = _("Too many failed attempts. Try again in a "
		    "few minutes.");
		return account_page(r, 429, err, NULL);
	}
	if (strlen(cur) > AUTH_PASSWORD_BYTES ||
	    crypt_pw_verify(u.pwhash, cur) != 0) {
		rc = auth_password_failed(r);
		if (rc < 0)
			return -1;
		if (rc > 0)
			return to_login(r);
		err[AF_CURRENT] = _("The current password is wrong.");
		return account_page(r, 400, err, NULL);
	}
	if ((err[AF_NEW] = auth_password_problem(pw)) == NULL) {
		if (strcmp(pw, cur) == 0)
			err[AF_NEW] = _("The new password must differ from the "
			    "current one.");
		else if (strcmp(pw, confirm) != 0)
			err[AF_CONFIRM] = _("The two passwords are not the same.");
	}
	if (err[AF_NEW] || err[AF_CONFIRM])
		return account_page(r, 400, err, NULL);

	if (crypt_pw_hash(pw, hash) < 0)
		return error("account.password: password hashing failed");
	snprintf(obj, sizeof(obj), "user:%" PRId64, u.id);
	if (db_begin(r->app->db) != DB_OK)
		return -1;
	rc = db_user_set_password(r->app->db, u.id, hash);
	/* Audited before the sessions go: audit() needs only r->user. */
	if (rc == DB_OK && audit(r, "account.password", 0, obj, NULL) < 0)
		rc = DB_ERROR;
	if (rc == DB_OK)
		rc = db_session_delete_user(r->app->db, u.id);
	if (rc == DB_OK)
		rc = db_commit(r->app->db);
	if (rc != DB_OK) {
		db_rollback(r->app->db);
		return -1;
	}
	return to_login(r);
}
