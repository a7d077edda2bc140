/*
 * page_fund.c - the Global Assistance Fund's pages: the queue, one
 * request with its decision, disbursement and resubmission forms, a
 * case's requests, projects and exchange rates. Work without
 * JavaScript; every change goes through fund.c, and a refused change
 * shows its form again with the message and the values typed.
 */
#include "compat.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "audit.h"
#include "cases.h"
#include "catalogue.h"
#include "fund.h"
#include "handlers.h"
#include "i18n.h"
#include "log.h"
#include "money.h"
#include "page.h"

#define DONOR_ROWS 3
#define LINE_ROWS 2	/* further budget lines on the creation form */

static const char *
state_label(const char *state)
{
	if (strcmp(state, "submitted") == 0)
		return _("Waiting for a decision");
	if (strcmp(state, "approved") == 0)
		return _("Approved");
	if (strcmp(state, "rejected") == 0)
		return _("Rejected");
	if (strcmp(state, "need-info") == 0)
		return _("More information asked");
	return state;
}

#define MONEY_SHOWN (MONEY_TEXT + 8)

/* An amount and its currency as the reader writes them. */
static const char *
money(int64_t cents, const char *currency, char out[MONEY_SHOWN])
{
	char a[MONEY_TEXT];

	snprintf(out, MONEY_SHOWN, "%s %s", money_text(cents, i18n_current(),
	    a), currency);
	return out;
}

/* A total and its currency as the reader writes them ("not
 * computable" when it overflowed). */
static const char *
total(const struct fund_total *t, const char *currency,
    char out[MONEY_SHOWN])
{
	char a[MONEY_TEXT];

	if (t->overflow)
		return fund_total_text(t, i18n_current(), a);
	snprintf(out, MONEY_SHOWN, "%s %s", fund_total_text(t,
	    i18n_current(), a), currency);
	return out;
}

/* An amount of a JSON answer ("1250.50") as the reader writes it. */
static const char *
json_money(json_t *o, const char *key, char out[MONEY_TEXT])
{
	const char *s = json_string_value(json_object_get(o, key));

	return money_text_of(s ? s : "", i18n_current(), out);
}

/* A total of a JSON answer: as json_money(), null being a total that is
 * not computable (fund.h). */
static const char *
json_total(json_t *o, const char *key, char out[MONEY_TEXT])
{
	struct fund_total over = { 0, false, true };

	if (json_is_null(json_object_get(o, key)))
		return fund_total_text(&over, i18n_current(), out);
	return json_money(o, key, out);
}

/* A form's amount as fund.c takes it (money.h: the reader's way). */
static const char *
form_amount(struct req *r, const char *name, char out[MONEY_STR])
{
	return money_form_value(req_form(r, name), r->lang, 2, MONEY_FORM_MAX,
	    out);
}

/* How long something has waited, as every page writes a duration. */
static const char *
age_text(struct req *r, int64_t seconds)
{
	return page_days(r, seconds > 0 ? (double)seconds / 3600.0 : 0);
}

static void
flash(struct html *h, const char *msg)
{
	if (msg)
		html_printf(h, "<p class=\"flash error\" role=\"alert\">%s</p>",
		    msg);
}

/* The message for field name when the problem is about it. */
static const char *
err_for(const struct fund_problem *p, const char *name)
{
	return p && p->field && strcmp(p->field, name) == 0 ? p->msg : NULL;
}

/* The message for a list's fields (name, or a member of one of its
 * items: "donors[1].amount") when the problem is about one of them. */
static const char *
err_list(const struct fund_problem *p, const char *name)
{
	size_t n = strlen(name);

	return p && p->field && strncmp(p->field, name, n) == 0 &&
	    (p->field[n] == '\0' || p->field[n] == '[') ? p->msg : NULL;
}

/* Releases a buffer that held personal data, wiped first. */
static void
wipe(struct buf *b)
{
	if (b->p)
		explicit_bzero(b->p, b->cap);
	buf_release(b);
}

static int
finish(struct req *r, struct html *h, int status)
{
	int rc;

	page_end(r, h);
	rc = resp_html(r, status, h);
	html_release(h);
	return rc;
}

static int
fail(struct html *h)
{
	html_release(h);
	return -1;
}

static void
textarea(struct html *h, const char *id, const char *label,
    const char *value, const char *err, bool required)
{
	html_printf(h, "<label for=\"%s\">%s</label><textarea id=\"%s\" "
	    "name=\"%s\" rows=\"4\" maxlength=\"%d\"%R", id, label, id, id,
	    FUND_TEXT_MAX, required ? " required" : "");
	if (err)
		html_printf(h, " aria-invalid=\"true\" aria-describedby="
		    "\"%s-error\"", id);
	html_printf(h, ">%s</textarea>", value ? value : "");
	if (err)
		html_printf(h, "<small class=\"error\" id=\"%s-error\">%s</small>",
		    id, err);
}

static void
type_select(struct html *h, const char *selected, const char *err)
{
	static const char *const types[] = { "protection", "medical",
		"return", "reintegration" };
	size_t i;

	html_printf(h, "<label for=\"type\">%s</label><select id=\"type\" "
	    "name=\"type\"%R>", _("Type"), err ? " aria-invalid=\"true\" "
	    "aria-describedby=\"type-error\"" : "");
	for (i = 0; i < ARRAY_SIZE(types); i++)
		html_printf(h, "<option value=\"%s\"%R>%s</option>", types[i],
		    selected && strcmp(selected, types[i]) == 0 ?
		    " selected" : "", code_label(CL_FUND_TYPE, types[i]));
	html_printf(h, "</select>");
	if (err)
		html_printf(h, "<small class=\"error\" id=\"type-error\">%s"
		    "</small>", err);
}

/* --- lists of requests --- */

struct rows_ctx {
	struct req *r;
	struct html *h;
	bool check;
	bool waiting;		/* the queue: show age; else the outcome */
	int n;
};

static int
row_cb(void *arg, const struct fund_request *q)
{
	struct rows_ctx *ctx = arg;
	char m[MONEY_SHOWN], m2[MONEY_SHOWN], t[PAGE_MARK], n[PAGE_MARK];

	if (ctx->check && !fund_request_visible(ctx->r, q))
		return 0;
	if (ctx->waiting != (strcmp(q->state, "submitted") == 0) &&
	    ctx->check)
		return 0;
	ctx->n++;
	html_printf(ctx->h, "<tr><td><a href=\"/fund/requests/%L\">%R</a></td>"
	    "<td>%s</td><td>%s</td><td>%s</td><td>%R</td>", q->id,
	    page_case_number(q->case_number, n), q->office_code,
	    code_label(CL_FUND_TYPE, q->type),
	    money(q->amount, q->currency, m), page_when(q->submitted_at, t));
	if (ctx->waiting)
		html_printf(ctx->h, "<td>%s</td></tr>",
		    age_text(ctx->r, ctx->r->now - q->submitted_at));
	else
		html_printf(ctx->h, "<td><span class=\"badge fund-%s\">%s</span>"
		    "</td><td>%s</td><td>%s</td></tr>", q->state,
		    state_label(q->state), q->project_name,
		    q->approved ? money(q->approved, q->currency, m2) : "—");
	return 0;
}

/* The head of a list of requests: waiting ones with their age, the
 * others with their outcome. */
static void
table_head(struct page_table *t, struct html *h, bool waiting)
{
	const struct page_col cols[] = {
		{ _("Case number"), 0 }, { _("Office"), 0 }, { _("Type"), 0 },
		{ _("Amount asked"), COL_NUM }, { _("Submitted (UTC)"), 0 },
		{ waiting ? _("Waiting") : _("State"), 0 },
		{ _("Project"), 0 }, { _("Approved"), COL_NUM },
	};

	page_table_begin(t, h, "striped", NULL, cols, waiting ? 6 : 8);
}

static int
requests_table(struct req *r, struct html *h, const struct fund_filter *f,
    bool waiting)
{
	struct rows_ctx ctx = { r, h, true, waiting, 0 };
	struct page_table t;

	table_head(&t, h, waiting);
	if (db_fund_request_list(r->app->db, f, row_cb, &ctx) != DB_OK)
		return -1;
	page_table_end(&t, (size_t)ctx.n, _("No requests."));
	return 0;
}

/* Durations in days, as on the dashboard. */
static void
turnaround_html(struct html *h, const struct fund_turnaround *t)
{
	const struct page_col cols[] = {
		{ _("Office"), 0 }, { _("Decisions"), COL_NUM },
		{ _("Median (days)"), COL_NUM }, { _("Mean (days)"), COL_NUM },
	};
	struct page_table tab;
	char a[MONEY_TEXT], b[MONEY_TEXT];
	size_t i;

	html_printf(h, "<h2>%s</h2>", _("Turnaround from submission to "
	    "decision"));
	page_table_begin(&tab, h, "striped turnaround", NULL, cols,
	    ARRAY_SIZE(cols));
	for (i = 0; i < t->noffices; i++)
		html_printf(h, "<tr><td>%s</td><td>%N</td><td>%s</td><td>%s</td>"
		    "</tr>", t->offices[i].office, t->offices[i].count,
		    page_days_figure(t->offices[i].median_hours, a),
		    page_days_figure(t->offices[i].mean_hours, b));
	page_table_body_end(&tab, t->noffices, _("No decision yet."));
	html_printf(h, "<tfoot><tr><th scope=\"row\">%s</th><td>%N</td>"
	    "<td>%s</td><td>%s</td></tr></tfoot>", _("All offices"),
	    t->overall.count, t->overall.count ?
	    page_days_figure(t->overall.median_hours, a) : "—",
	    t->overall.count ? page_days_figure(t->overall.mean_hours, b) :
	    "—");
	page_table_end(&tab, 0, NULL);
}

int
page_fund(struct req *r)
{
	struct fund_filter f = { 0 };
	struct fund_turnaround t;
	struct html h;

	if (!fund_may_read(r))
		return resp_error(r, 403, _("You are not allowed to see fund "
		    "requests."), NULL);
	if (!user_can(&r->user, PERM_FUND_READ))
		f.office_id = r->user.office_id;
	html_init(&h, HTTP_PAGE_MAX);
	page_begin(r, &h, _("Global Assistance Fund"));
	html_printf(&h, "<h1>%s</h1>", _("Global Assistance Fund"));
	if (user_can(&r->user, PERM_FUND_READ)) {
		struct fund_summary *s = malloc(sizeof(*s));
		char m[3][MONEY_SHOWN];

		if (s == NULL || fund_summary(r, s) < 0) {
			free(s);
			return fail(&h);
		}
		html_printf(&h, "<dl class=\"fund-summary\"><dt>%s</dt><dd "
		    "id=\"fund-queue\">%N</dd><dt>%s</dt><dd>%s</dd><dt>%s</dt>"
		    "<dd>%s · %s%s · %s%s%s</dd></dl>", _("Waiting for a decision"),
		    s->queue_length, _("Oldest waiting"), s->queue_length ?
		    age_text(r, s->oldest_wait) : "—",
		    _("All budgets in USD at today's rates"),
		    total(&s->budget_usd, "USD", m[0]),
		    page_colon(r, _("committed")),
		    total(&s->committed_usd, "USD", m[1]),
		    page_colon(r, _("disbursed")),
		    total(&s->disbursed_usd, "USD", m[2]),
		    s->budget_usd.missing ?
		    _(" (some currencies have no rate yet)") : "");
		free(s);
		html_printf(&h, "<p><a href=\"/projects\">%s</a> · <a "
		    "href=\"/fund/rates\">%s</a></p>", _("Projects"),
		    _("Exchange rates"));
	}
	html_printf(&h, "<h2>%s</h2>", _("Waiting for a decision"));
	f.state = "submitted";
	if (requests_table(r, &h, &f, true) < 0)
		return fail(&h);
	f.state = NULL;
	html_printf(&h, "<h2>%s</h2>", _("Decided and sent back"));
	if (requests_table(r, &h, &f, false) < 0)
		return fail(&h);
	if (user_can(&r->user, PERM_FUND_READ)) {
		if (fund_turnaround(r, &t) < 0)
			return fail(&h);
		turnaround_html(&h, &t);
	}
	return finish(r, &h, 200);
}

/* --- one request --- */

struct proj_opt_ctx {
	struct req *r;
	struct html *h;
	const char *currency;
	int64_t selected;
};

static int
proj_opt_cb(void *arg, const struct project *pr)
{
	struct proj_opt_ctx *ctx = arg;
	struct budget_line b;
	char m[MONEY_SHOWN];
	int rc;

	/* Only what an approval may charge today: the API refuses a
	 * project that has not begun or has ended. */
	if (!fund_project_runs(ctx->r, pr))
		return 0;
	rc = db_project_budget(ctx->r->app->db, pr->id, ctx->currency, &b);
	if (rc != DB_OK)
		return rc == DB_ERROR;
	html_printf(ctx->h, "<option value=\"%L\"%R>%s (%s %s)</option>", pr->id,
	    pr->id == ctx->selected ? " selected" : "", pr->name,
	    money(b.budget - b.committed, b.currency, m), _("remaining"));
	return 0;
}

/*
 * The disbursements of approved request q, as the API gives them: with
 * their notes (sealed case content) only for those who may read the
 * case. 0 or -1.
 */
static int
disbursements_html(struct req *r, struct html *h, const struct fund_request *q)
{
	const struct page_col cols[] = {
		{ _("Date"), 0 }, { _("Amount"), COL_NUM }, { _("By"), 0 },
		{ _("Note"), 0 },
	};
	json_t *o = fund_request_json(r, q, true), *arr, *d;
	struct page_table t;
	char m[MONEY_TEXT], day[PAGE_MARK];
	size_t i;

	if (o == NULL)
		return -1;
	arr = json_object_get(o, "disbursements");
	html_printf(h, "<h2>%s</h2>", _("Disbursements"));
	page_table_begin(&t, h, "striped", "fund-disbursements", cols,
	    ARRAY_SIZE(cols));
	json_array_foreach(arr, i, d) {
		const char *note = json_string_value(json_object_get(d, "note"));

		html_printf(h, "<tr><td>%R</td><td>%s %s</td><td>%s</td>"
		    "<td class=\"prewrap\">%s</td></tr>",
		    page_day(json_string_value(json_object_get(d, "date")), day),
		    json_money(d, "amount", m), q->currency,
		    json_string_value(json_object_get(d, "by")),
		    json_is_null(json_object_get(d, "note")) ?
		    _("Shown only to those who may read the case.") :
		    note ? note : "");
	}
	page_table_end(&t, json_array_size(arr), _("Nothing paid out yet."));
	json_decref(o);
	return 0;
}

static const char *
decision_label(const char *d)
{
	if (strcmp(d, "approve") == 0)
		return _("Approved");
	if (strcmp(d, "reject") == 0)
		return _("Rejected");
	if (strcmp(d, "need-info") == 0)
		return _("More information asked");
	return d;
}

/* Every decision of q, oldest first, as the API gives them. 0 or -1. */
static int
decisions_html(struct req *r, struct html *h, const struct fund_request *q)
{
	const struct page_col cols[] = {
		{ _("Date (UTC)"), 0 }, { _("Decision"), 0 }, { _("By"), 0 },
		{ _("Amount"), COL_NUM }, { _("Reason"), 0 },
	};
	json_t *o = fund_request_json(r, q, true), *arr, *d;
	struct page_table tab;
	char m[MONEY_TEXT];
	size_t i;

	if (o == NULL)
		return -1;
	arr = json_object_get(o, "decisions");
	if (json_array_size(arr) > 0) {
		html_printf(h, "<h2>%s</h2>", _("Decisions"));
		page_table_begin(&tab, h, "striped", "fund-decisions", cols,
		    ARRAY_SIZE(cols));
		json_array_foreach(arr, i, d) {
			const char *at = json_string_value(json_object_get(d,
			    "at"));
			char t[17], tm[PAGE_MARK];

			/* "2026-06-01T10:20:30Z" as the pages write times. */
			snprintf(t, sizeof(t), "%s", at ? at : "");
			if (strlen(t) > 10)
				t[10] = ' ';
			html_printf(h, "<tr><td>%R</td><td>%s</td>"
			    "<td>%s</td><td>%s %s</td><td class=\"prewrap\">%s"
			    "</td></tr>", page_nowrap(t, tm), decision_label(json_string_value(
			    json_object_get(d, "decision"))),
			    json_string_value(json_object_get(d, "by")),
			    json_money(d, "amount", m), q->currency,
			    json_is_string(json_object_get(d, "reason")) ?
			    json_string_value(json_object_get(d, "reason")) :
			    "—");
		}
		page_table_end(&tab, json_array_size(arr), NULL);
	}
	json_decref(o);
	return 0;
}

/* The form values of a refused change, to show again. */
struct req_form {
	const char *action;
	const char *decision, *amount, *project, *reason;
	const char *date, *note, *justification;
};

static int
request_page(struct req *r, int status, int64_t id,
    const struct fund_problem *p, const struct req_form *fv)
{
	struct fund_request q;
	struct fund_problem lp;
	struct html h;
	struct buf just = BUF_INIT(FUND_TEXT_BUF);
	struct buf reason = BUF_INIT(FUND_TEXT_BUF);
	struct proj_opt_ctx pc;
	const struct req_form none = { 0 };
	char m[MONEY_SHOWN], m2[MONEY_SHOWN], m3[MONEY_SHOWN];
	char t1[PAGE_MARK], t2[PAGE_MARK], n[PAGE_MARK];
	char a[MONEY_TEXT];
	const char *act;
	bool texts;
	int rc = fund_request_load(r, id, &q, &lp);

	if (rc < 0)
		return -1;
	if (rc > 0)
		return resp_error(r, lp.status == 403 ? 403 : 404, lp.msg, NULL);
	if (fv == NULL)
		fv = &none;
	act = fv->action ? fv->action : "";
	if (audit(r, "fund.view", q.case_id, NULL, json_pack("{s:I}",
	    "request", (json_int_t)q.id)) < 0)
		return -1;
	/* The texts are case content: only for who may read the case. */
	texts = fund_case_visible(r, &q);
	if (texts && (fund_request_text(r, &q, 0, &just) < 0 ||
	    fund_request_text(r, &q, 1, &reason) < 0)) {
		wipe(&just);
		wipe(&reason);
		return -1;
	}
	html_init(&h, HTTP_PAGE_MAX);
	page_begin(r, &h, _("Fund request"));
	if (texts)
		html_printf(&h, "<hgroup><h1>%s</h1><p><a href=\"/cases/%L/"
		    "fund\">%R</a></p></hgroup>", _("Fund request"), q.case_id,
		    page_case_number(q.case_number, n));
	else
		html_printf(&h, "<hgroup><h1>%s</h1><p>%R</p></hgroup>",
		    _("Fund request"), page_case_number(q.case_number, n));
	if (p && p->field == NULL)
		flash(&h, p->msg);
	else if (p)
		flash(&h, _("Nothing was changed: correct the form below."));
	html_printf(&h, "<dl class=\"fund-request\"><dt>%s</dt><dd><span "
	    "class=\"badge fund-%s\" id=\"fund-state\">%s</span></dd>"
	    "<dt>%s</dt><dd>%s</dd><dt>%s</dt><dd>%s</dd><dt>%s</dt><dd>%s</dd>"
	    "<dt>%s</dt><dd>%R (%s)</dd>",
	    _("State"), q.state, state_label(q.state),
	    _("Office"), q.office_code,
	    _("Type"), code_label(CL_FUND_TYPE, q.type),
	    _("Amount asked"), money(q.amount, q.currency, m),
	    _("Submitted (UTC)"), page_when(q.submitted_at, t1),
	    q.requested_username);
	if (q.decided_at)
		html_printf(&h, "<dt>%s</dt><dd>%R (%s)</dd>",
		    _("Last decision (UTC)"), page_when(q.decided_at, t2),
		    q.decided_username);
	if (q.project_id)
		html_printf(&h, "<dt>%s</dt><dd>%s</dd><dt>%s</dt><dd "
		    "id=\"fund-approved\">%s</dd><dt>%s</dt><dd "
		    "id=\"fund-disbursed\">%s</dd>", _("Project"),
		    q.project_name, _("Approved"),
		    money(q.approved, q.currency, m2), _("Disbursed"),
		    money(q.disbursed, q.currency, m3));
	if (texts)
		html_printf(&h, "<dt>%s</dt><dd class=\"prewrap\">%s</dd>",
		    _("Justification"), buf_cstr(&just));
	else
		html_printf(&h, "<dt>%s</dt><dd id=\"fund-no-texts\">%s</dd>",
		    _("Justification"), _("Shown only to those who may read "
		    "the case."));
	if (reason.len)
		html_printf(&h, "<dt>%s</dt><dd class=\"prewrap\">%s</dd>",
		    _("Reason of the decision"), buf_cstr(&reason));
	html_printf(&h, "</dl>");
	wipe(&just);
	wipe(&reason);

	if (q.approved && disbursements_html(r, &h, &q) < 0)
		return fail(&h);
	if (decisions_html(r, &h, &q) < 0)
		return fail(&h);

	if (user_can(&r->user, PERM_FUND_DECIDE) &&
	    strcmp(q.state, "submitted") == 0) {
		const char *dec = strcmp(act, "decide") == 0 && fv->decision ?
		    fv->decision : "approve";

		html_printf(&h, "<article><h2>%s</h2><form method=\"post\" "
		    "action=\"/fund/requests/%L\">", _("Decide"), q.id);
		page_csrf(r, &h);
		html_printf(&h, "<input type=\"hidden\" name=\"action\" "
		    "value=\"decide\"><fieldset><legend>%s</legend>",
		    _("Decision"));
		html_printf(&h, "<label><input type=\"radio\" name=\"decision\" "
		    "value=\"approve\"%R> %s</label><label><input type=\"radio\" "
		    "name=\"decision\" value=\"reject\"%R> %s</label><label><input "
		    "type=\"radio\" name=\"decision\" value=\"need-info\"%R> %s"
		    "</label></fieldset>",
		    strcmp(dec, "approve") == 0 ? " checked" : "", _("Approve"),
		    strcmp(dec, "reject") == 0 ? " checked" : "", _("Reject"),
		    strcmp(dec, "need-info") == 0 ? " checked" : "",
		    _("Ask for more information"));
		page_field(&h, "amount", "amount", "text",
		    _("Amount approved (approval only)"),
		    strcmp(act, "decide") == 0 && fv->amount ? fv->amount :
		    money_text(q.amount, r->lang, a), err_for(p, "amount"),
		    "inputmode=\"decimal\"");
		html_printf(&h, "<label for=\"project_id\">%s</label><select "
		    "id=\"project_id\" name=\"project_id\"%R><option value=\"\">"
		    "%s</option>", _("Project to charge (approval only)"),
		    err_for(p, "project_id") ? " aria-invalid=\"true\" "
		    "aria-describedby=\"project_id-error\"" : "",
		    _("Choose a project"));
		pc.r = r;
		pc.h = &h;
		pc.currency = q.currency;
		pc.selected = fv->project ? strtoll(fv->project, NULL, 10) : 0;
		if (db_project_list(r->app->db, proj_opt_cb, &pc) != DB_OK)
			return fail(&h);
		html_printf(&h, "</select>");
		if (err_for(p, "project_id"))
			html_printf(&h, "<small class=\"error\" "
			    "id=\"project_id-error\">%s</small>",
			    err_for(p, "project_id"));
		textarea(&h, "reason", _("Reason"), strcmp(act, "decide") == 0 ?
		    fv->reason : NULL, err_for(p, "reason"), true);
		html_printf(&h, "<button type=\"submit\">%s</button></form>"
		    "</article>", _("Record the decision"));
	}
	if (user_can(&r->user, PERM_FUND_DECIDE) &&
	    strcmp(q.state, "approved") == 0 && q.disbursed < q.approved) {
		html_printf(&h, "<article><h2>%s</h2><form method=\"post\" "
		    "action=\"/fund/requests/%L\">", _("Record a disbursement"),
		    q.id);
		page_csrf(r, &h);
		html_printf(&h, "<input type=\"hidden\" name=\"action\" "
		    "value=\"disburse\">");
		page_field(&h, "disb_amount", "amount", "text", _("Amount"),
		    strcmp(act, "disburse") == 0 && fv->amount ? fv->amount :
		    money_text(q.approved - q.disbursed, r->lang, a),
		    err_for(p, "amount"), "inputmode=\"decimal\"");
		page_field(&h, "date", "date", "date", _("Date"),
		    strcmp(act, "disburse") == 0 ? fv->date : NULL,
		    err_for(p, "date"), NULL);
		page_field(&h, "note", "note", "text", _("Note"),
		    strcmp(act, "disburse") == 0 ? fv->note : NULL,
		    err_for(p, "note"), "maxlength=\"2000\"");
		html_printf(&h, "<button type=\"submit\">%s</button></form>"
		    "</article>", _("Record the disbursement"));
	}
	if (user_can(&r->user, PERM_FUND_REQUEST) &&
	    strcmp(q.state, "need-info") == 0) {
		html_printf(&h, "<article><h2>%s</h2><form method=\"post\" "
		    "action=\"/fund/requests/%L\">",
		    _("Complete the request and send it again"), q.id);
		page_csrf(r, &h);
		html_printf(&h, "<input type=\"hidden\" name=\"action\" "
		    "value=\"resubmit\">");
		page_field(&h, "amount", "amount", "text", _("Amount"),
		    strcmp(act, "resubmit") == 0 && fv->amount ? fv->amount :
		    money_text(q.amount, r->lang, a), err_for(p, "amount"),
		    "inputmode=\"decimal\"");
		textarea(&h, "justification", _("New justification"),
		    strcmp(act, "resubmit") == 0 ? fv->justification : NULL,
		    err_for(p, "justification"), false);
		html_printf(&h, "<button type=\"submit\">%s</button></form>"
		    "</article>", _("Send again"));
	}
	return finish(r, &h, status);
}

int
page_fund_request(struct req *r)
{
	return request_page(r, 200, r->id, NULL, NULL);
}

int
page_fund_request_post(struct req *r)
{
	struct req_form fv;
	struct fund_problem p;
	char loc[64], amount[MONEY_STR];
	const char *am;
	int rc;

	memset(&fv, 0, sizeof(fv));
	fv.action = req_form(r, "action");
	fv.decision = req_form(r, "decision");
	fv.amount = req_form(r, "amount");
	fv.project = req_form(r, "project_id");
	fv.reason = req_form(r, "reason");
	fv.date = req_form(r, "date");
	fv.note = req_form(r, "note");
	fv.justification = req_form(r, "justification");
	if (fv.action == NULL)
		fv.action = "";
	am = form_amount(r, "amount", amount);
	if (strcmp(fv.action, "decide") == 0) {
		int64_t pid = form_id(fv.project);

		rc = fund_request_decide(r, r->id, fv.decision, am,
		    pid < 0 ? 0 : pid, fv.reason, &p);
	} else if (strcmp(fv.action, "disburse") == 0)
		rc = fund_disburse(r, r->id, am ? am : "", fv.date, fv.note,
		    &p);
	else if (strcmp(fv.action, "resubmit") == 0)
		rc = fund_request_resubmit(r, r->id, am, fv.justification, &p);
	else {
		rc = 1;
		p.status = 400;
		p.field = NULL;
		p.msg = _("Unknown action.");
	}
	if (rc < 0)
		return -1;
	if (rc > 0) {
		if (p.status == 403 || p.status == 404)
			return resp_error(r, p.status, p.msg, NULL);
		return request_page(r, p.status, r->id, &p, &fv);
	}
	snprintf(loc, sizeof(loc), "/fund/requests/%lld", (long long)r->id);
	return resp_redirect(r, loc);
}

/* --- a case's requests --- */

static int
case_fund_page(struct req *r, int status, const struct case_row *c,
    const struct fund_problem *p)
{
	struct fund_filter f = { 0 };
	struct rows_ctx ctx;
	struct page_table t;
	struct html h;

	html_init(&h, HTTP_PAGE_MAX);
	page_case_begin(r, &h, c->id, c->number, _("Fund requests"), false);
	if (p && p->field == NULL)
		flash(&h, p->msg);
	else if (p)
		flash(&h, _("The request was not sent: correct the form below."));
	f.case_id = c->id;
	ctx.r = r;
	ctx.h = &h;
	ctx.check = false;
	ctx.waiting = false;
	ctx.n = 0;
	table_head(&t, &h, false);
	if (db_fund_request_list(r->app->db, &f, row_cb, &ctx) != DB_OK)
		return fail(&h);
	page_table_end(&t, (size_t)ctx.n, _("No requests."));
	if (user_can(&r->user, PERM_FUND_REQUEST)) {
		const char *cur = p ? req_form(r, "currency") : NULL;

		html_printf(&h, "<article><h2>%s</h2><form method=\"post\" "
		    "action=\"/cases/%L/fund\">", _("Ask the fund"), c->id);
		page_csrf(r, &h);
		type_select(&h, p ? req_form(r, "type") : NULL,
		    err_for(p, "type"));
		page_field(&h, "amount", "amount", "text", _("Amount"),
		    p ? req_form(r, "amount") : NULL, err_for(p, "amount"),
		    "inputmode=\"decimal\" required");
		page_field(&h, "currency", "currency", "text",
		    _("Currency (ISO 4217, such as USD)"), cur ? cur : "USD",
		    err_for(p, "currency"), "maxlength=\"3\" required");
		textarea(&h, "justification", _("Justification"),
		    p ? req_form(r, "justification") : NULL,
		    err_for(p, "justification"), true);
		html_printf(&h, "<button type=\"submit\">%s</button></form>"
		    "</article>", _("Send the request"));
	}
	return finish(r, &h, status);
}

/*
 * Opens case r->id for a fund page: 0 loaded, 1 answered, -1. A role
 * without the fund is refused as cases_refuse_page() answers.
 */
static int
open_case(struct req *r, struct case_row *c, enum perm need)
{
	if (!fund_may_read(r)) {
		if (audit(r, "fund.view.denied", r->id, NULL, NULL) < 0)
			return -1;
		return cases_refuse_page(r, r->id, _("You are not allowed to "
		    "see fund requests."));
	}
	return cases_open(r, c, need, "fund.view.denied", 404);
}

int
page_case_fund(struct req *r)
{
	struct case_row c;
	int rc = open_case(r, &c, PERM_CASE_READ);

	if (rc != 0)
		return rc < 0 ? -1 : 0;
	if (audit(r, "fund.list", c.id, NULL, NULL) < 0)
		return -1;
	return case_fund_page(r, 200, &c, NULL);
}

int
page_case_fund_post(struct req *r)
{
	struct fund_problem p;
	struct case_row c;
	char loc[64], amount[MONEY_STR];
	int64_t id;
	int rc = open_case(r, &c, PERM_FUND_REQUEST);

	if (rc != 0)
		return rc < 0 ? -1 : 0;
	rc = fund_request_submit(r, &c, req_form(r, "type"),
	    form_amount(r, "amount", amount), req_form(r, "currency"),
	    req_form(r, "justification"), &id, &p);
	if (rc < 0)
		return -1;
	if (rc > 0)
		return case_fund_page(r, p.status, &c, &p);
	snprintf(loc, sizeof(loc), "/cases/%lld/fund", (long long)c.id);
	return resp_redirect(r, loc);
}

/* --- projects --- */

struct plist_ctx {
	struct req *r;
	struct html *h;
	int n;
	int failed;
};

/* A project's beneficiary target as written after its assisted count:
 * a dash when it has none (0), not a target of nobody. */
static const char *
target_text(int64_t target, char out[MONEY_TEXT])
{
	if (target <= 0)
		return "–";
	return count_text(target, i18n_current(), out);
}

static int
project_row_cb(void *arg, const struct project *pr)
{
	struct plist_ctx *ctx = arg;
	struct budget_line b;
	char m[4][MONEY_SHOWN], t[MONEY_TEXT], d1[PAGE_MARK], d2[PAGE_MARK];
	int rc = db_project_budget(ctx->r->app->db, pr->id, pr->currency, &b);

	if (rc == DB_ERROR) {
		ctx->failed = 1;
		return 1;
	}
	if (rc != DB_OK)
		memset(&b, 0, sizeof(b));
	ctx->n++;
	html_printf(ctx->h, "<tr><td><a href=\"/projects/%L\">%s</a></td>"
	    "<td>%s</td><td>%R – %R</td><td>%N / %s</td><td>%s</td><td>%s</td>"
	    "<td>%s</td><td>%s</td></tr>", pr->id, pr->name, pr->region,
	    page_day(pr->start, d1), page_day(pr->end, d2), pr->assisted,
	    target_text(pr->target, t),
	    money(b.budget, pr->currency, m[0]),
	    money(b.committed, pr->currency, m[1]),
	    money(b.disbursed, pr->currency, m[2]),
	    money(b.budget - b.committed, pr->currency, m[3]));
	return 0;
}

static void
field_value(struct req *r, struct html *h, const char *id, const char *type,
    const char *label, const struct fund_problem *p, const char *extra)
{
	page_field(h, id, id, type, label, p ? req_form(r, id) : NULL,
	    err_for(p, id), extra);
}

static int
projects_page(struct req *r, int status, const struct fund_problem *p)
{
	const struct page_col cols[] = {
		{ _("Project"), 0 }, { _("Region"), 0 }, { _("Period"), 0 },
		{ _("Assisted / target"), COL_NUM }, { _("Budget"), COL_NUM },
		{ _("Committed"), COL_NUM }, { _("Disbursed"), COL_NUM },
		{ _("Remaining"), COL_NUM },
	};
	struct plist_ctx ctx = { r, NULL, 0, 0 };
	struct page_table t;
	struct fund_summary *s;
	struct html h;
	char m[3][MONEY_SHOWN];
	int i;

	if ((s = malloc(sizeof(*s))) == NULL)
		return error("projects: out of memory");
	if (fund_summary(r, s) < 0) {
		free(s);
		return -1;
	}
	html_init(&h, HTTP_PAGE_MAX);
	page_begin(r, &h, _("Projects"));
	html_printf(&h, "<h1>%s</h1>", _("Projects"));
	if (p && p->field == NULL)
		flash(&h, p->msg);
	else if (p)
		flash(&h, _("The project was not created: correct the form "
		    "below."));
	html_printf(&h, "<p>%s%s · %s%s · %s%s%s</p>",
	    page_colon(r, _("All budgets in USD at today's rates")),
	    total(&s->budget_usd, "USD", m[0]), page_colon(r, _("committed")),
	    total(&s->committed_usd, "USD", m[1]), page_colon(r, _("disbursed")),
	    total(&s->disbursed_usd, "USD", m[2]), s->budget_usd.missing ?
	    _(" (some currencies have no rate yet)") : "");
	free(s);
	page_table_begin(&t, &h, "striped", NULL, cols, ARRAY_SIZE(cols));
	ctx.h = &h;
	if (db_project_list(r->app->db, project_row_cb, &ctx) != DB_OK ||
	    ctx.failed)
		return fail(&h);
	page_table_end(&t, (size_t)ctx.n, _("No projects yet."));
	if (user_can(&r->user, PERM_PROJECT_MANAGE)) {
		html_printf(&h, "<article><h2>%s</h2><form method=\"post\" "
		    "action=\"/projects\">", _("New project"));
		page_csrf(r, &h);
		field_value(r, &h, "name", "text", _("Name"), p,
		    "required maxlength=\"300\"");
		field_value(r, &h, "region", "text", _("Region"), p,
		    "maxlength=\"127\"");
		field_value(r, &h, "start", "date", _("Start date"), p, NULL);
		field_value(r, &h, "end", "date", _("End date"), p, NULL);
		field_value(r, &h, "target", "number",
		    _("Beneficiary target"), p, "min=\"0\"");
		field_value(r, &h, "target_group", "text", _("Target group"), p,
		    "maxlength=\"1000\"");
		page_field(&h, "currency", "currency", "text",
		    _("Currency (ISO 4217)"), p ? req_form(r, "currency") :
		    "USD", err_for(p, "currency"), "maxlength=\"3\" required");
		field_value(r, &h, "budget", "text", _("Budget"), p,
		    "inputmode=\"decimal\" required");
		html_printf(&h, "<fieldset><legend>%s</legend>", _("Donors"));
		if (err_list(p, "donors"))
			html_printf(&h, "<small class=\"error\">%s</small>",
			    err_list(p, "donors"));
		for (i = 1; i <= DONOR_ROWS; i++) {
			char n[32], a[32], c[32];

			snprintf(n, sizeof(n), "donor_name_%d", i);
			snprintf(a, sizeof(a), "donor_amount_%d", i);
			snprintf(c, sizeof(c), "donor_currency_%d", i);
			html_printf(&h, "<div class=\"grid\"><input name=\"%s\" "
			    "aria-label=\"%s\" placeholder=\"%s\" maxlength=\"300\" "
			    "value=\"%s\"><input name=\"%s\" aria-label=\"%s\" "
			    "placeholder="
			    "\"%s\" inputmode=\"decimal\" value=\"%s\"><input "
			    "name=\"%s\" aria-label=\"%s\" placeholder=\"%s\" "
			    "maxlength=\"3\" value=\"%s\"></div>", n,
			    _("Donor"), _("Donor"), p ? req_form(r, n) : NULL, a,
			    _("Contribution"), _("Contribution"),
			    p ? req_form(r, a) : NULL, c, _("Currency"),
			    _("Currency"), p ? req_form(r, c) : NULL);
		}
		html_printf(&h, "</fieldset><fieldset><legend>%s</legend>",
		    _("Budget in other currencies"));
		if (err_list(p, "budgets"))
			html_printf(&h, "<small class=\"error\">%s</small>",
			    err_list(p, "budgets"));
		for (i = 1; i <= LINE_ROWS; i++) {
			char c[32], b[32];

			snprintf(c, sizeof(c), "line_currency_%d", i);
			snprintf(b, sizeof(b), "line_budget_%d", i);
			html_printf(&h, "<div class=\"grid\"><input name=\"%s\" "
			    "aria-label=\"%s\" placeholder=\"%s\" maxlength=\"3\" "
			    "value=\"%s\"><input name=\"%s\" aria-label=\"%s\" "
			    "placeholder=\"%s\" inputmode=\"decimal\" value=\"%s\">"
			    "</div>", c, _("Currency"), _("Currency"),
			    p ? req_form(r, c) : NULL, b, _("Budget"), _("Budget"),
			    p ? req_form(r, b) : NULL);
		}
		html_printf(&h, "</fieldset><button type=\"submit\">%s</button>"
		    "</form></article>", _("Create the project"));
	}
	return finish(r, &h, status);
}

int
page_projects(struct req *r)
{
	if (!user_can(&r->user, PERM_FUND_READ))
		return resp_error(r, 403, _("You are not allowed to see "
		    "projects."), NULL);
	return projects_page(r, 200, NULL);
}

int
page_projects_post(struct req *r)
{
	struct fund_project_input in;
	struct fund_problem p;
	char loc[64], n[32], a[32], c[32], budget[MONEY_STR];
	char damount[DONOR_ROWS][MONEY_STR], lbudget[LINE_ROWS][MONEY_STR];
	const char *name;
	int64_t id;
	int i, rc;

	if (!user_can(&r->user, PERM_PROJECT_MANAGE))
		return resp_error(r, 403, _("You are not allowed to manage "
		    "projects."), NULL);
	memset(&in, 0, sizeof(in));
	in.name = req_form(r, "name");
	in.region = req_form(r, "region");
	in.start = req_form(r, "start");
	in.end = req_form(r, "end");
	in.target = req_form(r, "target");
	in.target_group = req_form(r, "target_group");
	in.currency = req_form(r, "currency");
	in.budget = form_amount(r, "budget", budget);
	for (i = 1; i <= DONOR_ROWS; i++) {
		snprintf(n, sizeof(n), "donor_name_%d", i);
		snprintf(a, sizeof(a), "donor_amount_%d", i);
		snprintf(c, sizeof(c), "donor_currency_%d", i);
		name = req_form(r, n);
		/* An empty row is no donor. */
		if ((name == NULL || *name == '\0') && (req_form(r, a) == NULL ||
		    *req_form(r, a) == '\0'))
			continue;
		in.donors[in.ndonors].name = name;
		in.donors[in.ndonors].amount = form_amount(r, a,
		    damount[in.ndonors]);
		in.donors[in.ndonors].currency = req_form(r, c);
		in.ndonors++;
	}
	for (i = 1; i <= LINE_ROWS; i++) {
		const char *lc, *lb;

		snprintf(c, sizeof(c), "line_currency_%d", i);
		snprintf(a, sizeof(a), "line_budget_%d", i);
		lc = req_form(r, c);
		lb = req_form(r, a);
		if ((lc == NULL || *lc == '\0') && (lb == NULL || *lb == '\0'))
			continue;
		in.line_currency[in.nlines] = lc;
		in.line_budget[in.nlines] = form_amount(r, a,
		    lbudget[in.nlines]);
		in.nlines++;
	}
	rc = fund_project_create(r, &in, &id, &p);
	if (rc < 0)
		return -1;
	if (rc > 0)
		return projects_page(r, p.status, &p);
	snprintf(loc, sizeof(loc), "/projects/%lld", (long long)id);
	return resp_redirect(r, loc);
}

/* Rows counted for an empty table's line. */
struct counted {
	struct html *h;
	size_t n;
};

static int
line_row_cb(void *arg, const struct budget_line *b)
{
	struct counted *x = arg;
	struct html *h = x->h;
	char m[4][MONEY_SHOWN];

	x->n++;
	html_printf(h, "<tr><td>%s</td><td>%s</td><td>%s</td><td>%s</td>"
	    "<td>%s</td></tr>", b->currency,
	    money(b->budget, b->currency, m[0]),
	    money(b->committed, b->currency, m[1]),
	    money(b->disbursed, b->currency, m[2]),
	    money(b->budget - b->committed, b->currency, m[3]));
	return 0;
}

static int
donor_row_cb(void *arg, const struct donor *d)
{
	struct counted *x = arg;
	struct html *h = x->h;
	char m[MONEY_SHOWN];

	x->n++;
	html_printf(h, "<tr><td>%s</td><td>%s</td></tr>", d->name,
	    money(d->amount, d->currency, m));
	return 0;
}

struct pcase_ctx {
	struct req *r;
	struct html *h;
	int failed;
	size_t n;
};

static int
pcase_row_cb(void *arg, int64_t case_id)
{
	struct pcase_ctx *ctx = arg;
	struct case_row c;
	int rc = db_case_get(ctx->r->app->db, case_id, &c);

	if (rc == DB_ERROR) {
		ctx->failed = 1;
		return 1;
	}
	if (rc == DB_OK && cases_visible(ctx->r, &c)) {
		char n[PAGE_MARK];

		html_printf(ctx->h, "<li><a href=\"/cases/%L\">%R</a> (%s)</li>",
		    c.id, page_case_number(c.number, n), c.office_code);
		ctx->n++;
	}
	return 0;
}

#define PARTNERS_SHOWN 256	/* partners left out of the add form's list */

struct partner_ctx {
	struct req *r;
	struct html *h;
	int64_t pid;		/* the project */
	bool manage;
	int64_t ids[PARTNERS_SHOWN];
	size_t n;
};

static int
partner_row_cb(void *arg, const struct project_partner *pp)
{
	struct partner_ctx *ctx = arg;
	const char *type = code_label(CL_ORG_TYPE, pp->org_type);

	if (ctx->n < PARTNERS_SHOWN)
		ctx->ids[ctx->n++] = pp->org_id;
	html_printf(ctx->h, "<tr><td>%s", pp->org_name);
	if (pp->org_disabled)
		html_printf(ctx->h, " <span class=\"badge\">%s</span>",
		    _("no longer in use"));
	html_printf(ctx->h, "</td><td>%s</td><td>%s</td><td>%s</td>",
	    type ? type : pp->org_type, pp->org_country, pp->role);
	if (ctx->manage) {
		html_printf(ctx->h, "<td><form method=\"post\" action=\""
		    "/projects/%L\" class=\"inline\">", ctx->pid);
		page_csrf(ctx->r, ctx->h);
		html_printf(ctx->h, "<input type=\"hidden\" name=\"action\" "
		    "value=\"unpartner\"><input type=\"hidden\" name="
		    "\"organisation_id\" value=\"%L\"><button type=\"submit\" "
		    "class=\"secondary\" aria-label=\"%s\">%s</button></form>"
		    "</td>", pp->org_id, arena_printf(ctx->r->arena,
		    _("Remove %s from the partners"), pp->org_name),
		    _("Remove"));
	}
	html_printf(ctx->h, "</tr>");
	return 0;
}

struct org_opt_ctx {
	struct html *h;
	const struct partner_ctx *partners;
	int64_t selected;
	size_t n;
};

/* The organisations that may become partners: in use, not yet one. */
static int
org_opt_cb(void *arg, const struct organisation *o)
{
	struct org_opt_ctx *ctx = arg;
	size_t i;

	if (o->disabled)
		return 0;
	for (i = 0; i < ctx->partners->n; i++)
		if (ctx->partners->ids[i] == o->id)
			return 0;
	ctx->n++;
	html_printf(ctx->h, "<option value=\"%L\"%R>%s%R%s%R</option>", o->id,
	    o->id == ctx->selected ? " selected" : "", o->name,
	    *o->country ? " (" : "", o->country, *o->country ? ")" : "");
	return 0;
}

/* The partners of project pr, and for who manages projects the forms
 * to add and remove them. p: a refused partner change. */
static int
partners_html(struct req *r, struct html *h, const struct project *pr,
    const struct fund_problem *p, bool partner_form)
{
	const struct page_col cols[] = {
		{ _("Organisation"), 0 }, { _("Type"), 0 }, { _("Country"), 0 },
		{ _("Role"), 0 }, { _("Actions"), COL_HIDDEN },
	};
	struct page_table t;
	struct partner_ctx *ctx = arena_calloc(r->arena, 1, sizeof(*ctx));
	struct org_opt_ctx oc;

	if (ctx == NULL)
		return -1;
	ctx->r = r;
	ctx->h = h;
	ctx->pid = pr->id;
	ctx->manage = user_can(&r->user, PERM_PROJECT_MANAGE);
	html_printf(h, "<h2 id=\"partners\">%s</h2>", _("Partners"));
	page_table_begin(&t, h, "striped", NULL, cols, ctx->manage ?
	    ARRAY_SIZE(cols) : ARRAY_SIZE(cols) - 1);
	if (db_project_partners(r->app->db, pr->id, partner_row_cb, ctx) !=
	    DB_OK)
		return -1;
	page_table_end(&t, ctx->n, _("No partner organisations yet."));
	if (!ctx->manage)
		return 0;
	html_printf(h, "<article><h2>%s</h2><form method=\"post\" action=\""
	    "/projects/%L#partners\">", _("Add a partner"), pr->id);
	page_csrf(r, h);
	html_printf(h, "<input type=\"hidden\" name=\"action\" value=\""
	    "partner\"><label for=\"partner-org\">%s</label><select id=\""
	    "partner-org\" name=\"organisation_id\" required", _("Organisation "
	    "of the registry"));
	if (partner_form && err_for(p, "organisation_id"))
		html_printf(h, " aria-invalid=\"true\" aria-describedby=\""
		    "partner-org-error\"");
	html_printf(h, "><option value=\"\">—</option>");
	memset(&oc, 0, sizeof(oc));
	oc.h = h;
	oc.partners = ctx;
	oc.selected = partner_form ? form_id(req_form(r, "organisation_id")) :
	    0;
	if (db_org_list(r->app->db, org_opt_cb, &oc) != DB_OK)
		return -1;
	html_printf(h, "</select>");
	if (partner_form && err_for(p, "organisation_id"))
		html_printf(h, "<small class=\"error\" id=\"partner-org-error\">"
		    "%s</small>", err_for(p, "organisation_id"));
	page_field(h, "partner-role", "role", "text", _("Role in the project "
	    "(such as implementing partner, shelter provider)"),
	    partner_form ? req_form(r, "role") : NULL, partner_form ?
	    err_for(p, "role") : NULL, "maxlength=\"200\"");
	html_printf(h, "<button type=\"submit\">%s</button></form>",
	    _("Add the partner"));
	if (oc.n == 0)
		html_printf(h, "<p><small>%s <a href=\"/organisations\">%s</a>"
		    "</small></p>", _("Every organisation of the registry in use "
		    "is a partner already, or the registry is empty."),
		    _("Organisations"));
	html_printf(h, "</article>");
	return 0;
}

struct edit_ctx {
	struct req *r;
	struct html *h;
	const struct project *pr;
	const struct fund_problem *p;	/* a refused change of this form */
};

static int
edit_line_cb(void *arg, const struct budget_line *b)
{
	struct edit_ctx *ctx = arg;
	char name[32], label[96], shown[MONEY_TEXT];
	const char *err = NULL;

	snprintf(name, sizeof(name), "budget_%s", b->currency);
	snprintf(label, sizeof(label), _("Budget in %s"), b->currency);
	/* The main line's problem at its input; the others' above them. */
	if (strcmp(b->currency, ctx->pr->currency) == 0)
		err = err_for(ctx->p, "budget");
	page_field(ctx->h, name, name, "text", label, ctx->p ?
	    req_form(ctx->r, name) : money_text(b->budget, i18n_current(),
	    shown), err, "inputmode=\"decimal\" required");
	return 0;
}

/* The form that changes project pr: its values, or after a refusal p
 * what was typed. */
static int
edit_html(struct req *r, struct html *h, const struct project *pr,
    const struct fund_problem *p)
{
	struct edit_ctx ctx = { r, h, pr, p };
	char target[24];

	snprintf(target, sizeof(target), "%lld", (long long)pr->target);
	html_printf(h, "<article id=\"edit\"><h2>%s</h2><form method=\"post\" "
	    "action=\"/projects/%L#edit\">", _("Change the project"), pr->id);
	page_csrf(r, h);
	html_printf(h, "<input type=\"hidden\" name=\"action\" value=\"edit\">");
#define VALUE(name, saved) (p ? req_form(r, name) : (saved))
	page_field(h, "edit-name", "name", "text", _("Name"),
	    VALUE("name", pr->name), err_for(p, "name"),
	    "required maxlength=\"300\"");
	page_field(h, "edit-region", "region", "text", _("Region"),
	    VALUE("region", pr->region), err_for(p, "region"), NULL);
	page_field(h, "edit-start", "start", "date", _("Start date"),
	    VALUE("start", pr->start), err_for(p, "start"), NULL);
	page_field(h, "edit-end", "end", "date", _("End date"),
	    VALUE("end", pr->end), err_for(p, "end"), NULL);
	page_field(h, "edit-target", "target", "number",
	    _("Beneficiary target"), VALUE("target", pr->target ? target : ""),
	    err_for(p, "target"), "min=\"0\"");
	page_field(h, "edit-target-group", "target_group", "text",
	    _("Target group"), VALUE("target_group", pr->target_group),
	    err_for(p, "target_group"), NULL);
#undef VALUE
	html_printf(h, "<fieldset><legend>%s</legend><p><small>%s</small></p>",
	    _("Budget"), _("A budget can be lowered down to what is committed "
	    "in it, not below."));
	if (err_for(p, "budgets"))
		html_printf(h, "<small class=\"error\" role=\"alert\">%s"
		    "</small>", err_for(p, "budgets"));
	if (db_project_budgets(r->app->db, pr->id, edit_line_cb, &ctx) !=
	    DB_OK)
		return -1;
	html_printf(h, "<div class=\"grid\"><input name=\"line_currency\" "
	    "aria-label=\"%s\" placeholder=\"%s\" maxlength=\"3\" value=\"%s\">"
	    "<input name=\"line_budget\" aria-label=\"%s\" placeholder=\"%s\" "
	    "inputmode=\"decimal\" value=\"%s\"></div></fieldset>",
	    _("Currency of a new budget line"), _("New line: currency"),
	    p ? req_form(r, "line_currency") : NULL,
	    _("Budget of the new line"), _("New line: budget"),
	    p ? req_form(r, "line_budget") : NULL);
	html_printf(h, "<button type=\"submit\">%s</button></form></article>",
	    _("Save the changes"));
	return 0;
}

static int
project_page(struct req *r, int status, const struct fund_problem *p)
{
	const struct page_col lcols[] = {
		{ _("Currency"), 0 }, { _("Budget"), COL_NUM },
		{ _("Committed"), COL_NUM }, { _("Disbursed"), COL_NUM },
		{ _("Remaining"), COL_NUM },
	};
	const struct page_col dcols[] = {
		{ _("Donor"), 0 }, { _("Contribution"), COL_NUM },
	};
	struct project pr;
	struct pcase_ctx pc;
	struct counted rows;
	struct page_table t;
	struct html h;
	char d1[PAGE_MARK], d2[PAGE_MARK];
	json_t *j;
	char budget[MONEY_TEXT], funded[MONEY_TEXT], raise[MONEY_TEXT];
	char ub[MONEY_TEXT], uc[MONEY_TEXT], ud[MONEY_TEXT], tt[MONEY_TEXT];
	/* The form a refused change came from. */
	const char *act = p ? req_form(r, "action") : NULL;
	int rc = db_project_get(r->app->db, r->id, &pr);

	if (rc == DB_ERROR)
		return -1;
	if (rc != DB_OK)
		return resp_error(r, 404, _("There is no such project."), NULL);
	/* The figures as the API gives them: one computation. */
	if ((j = fund_project_json(r, &pr, NULL, false)) == NULL)
		return -1;
	json_money(j, "budget", budget);
	json_total(j, "funded", funded);
	json_total(j, "still_to_raise", raise);
	html_init(&h, HTTP_PAGE_MAX);
	page_begin(r, &h, pr.name);
	html_printf(&h, "<hgroup><h1>%s</h1><p>%s</p></hgroup>", pr.name,
	    pr.region);
	if (p)
		flash(&h, p->msg);
	html_printf(&h, "<dl class=\"project\"><dt>%s</dt><dd>%R – %R</dd>"
	    "<dt>%s</dt><dd>%s</dd><dt>%s</dt><dd id=\"project-assisted\">"
	    "%N / %s</dd><dt>%s</dt><dd id=\"project-funded\">%s / %s %s</dd>"
	    "<dt>%s</dt><dd id=\"project-raise\">%s %s%s</dd></dl>",
	    _("Period"), page_day(pr.start, d1), page_day(pr.end, d2),
	    _("Target group"), pr.target_group,
	    _("Assisted / target"), pr.assisted, target_text(pr.target, tt),
	    _("Funded / budget"), funded, budget, pr.currency,
	    _("Still to raise"), raise, pr.currency,
	    json_is_true(json_object_get(j, "funded_incomplete")) ?
	    _(" (a donor's currency has no rate yet)") : "");
	{
		json_t *u = json_object_get(j, "usd");

		html_printf(&h, "<p>%s%s USD · %s%s USD · %s%s USD%s</p>",
		    page_colon(r, _("All budget lines in USD at today's rates")),
		    json_total(u, "budget", ub), page_colon(r, _("committed")),
		    json_total(u, "committed", uc), page_colon(r, _("disbursed")),
		    json_total(u, "disbursed", ud),
		    json_is_true(json_object_get(u, "incomplete")) ?
		    _(" (some currencies have no rate yet)") : "");
	}
	json_decref(j);
	if (pr.target > 0)
		html_printf(&h, "<progress value=\"%L\" max=\"%L\"></progress>",
		    pr.assisted < pr.target ? pr.assisted : pr.target,
		    pr.target);
	html_printf(&h, "<h2>%s</h2>", _("Budget lines"));
	page_table_begin(&t, &h, "striped", NULL, lcols, ARRAY_SIZE(lcols));
	rows.h = &h;
	rows.n = 0;
	if (db_project_budgets(r->app->db, pr.id, line_row_cb, &rows) != DB_OK)
		return fail(&h);
	page_table_end(&t, rows.n, _("No budget line recorded."));
	html_printf(&h, "<h2>%s</h2>", _("Donors"));
	page_table_begin(&t, &h, "striped", NULL, dcols, ARRAY_SIZE(dcols));
	rows.n = 0;
	if (db_project_donors(r->app->db, pr.id, donor_row_cb, &rows) != DB_OK)
		return fail(&h);
	page_table_end(&t, rows.n, _("No donors recorded."));
	html_printf(&h, "<h2>%s</h2><ul>", _("Cases"));
	pc.r = r;
	pc.h = &h;
	pc.failed = 0;
	pc.n = 0;
	if (db_project_cases(r->app->db, pr.id, pcase_row_cb, &pc) != DB_OK ||
	    pc.failed)
		return fail(&h);
	html_printf(&h, "</ul>");
	if (pc.n == 0)
		html_printf(&h, "<p class=\"muted\">%s</p>",
		    _("No case you may see is assisted by this project."));
	if (partners_html(r, &h, &pr, p, act && strcmp(act, "partner") == 0) <
	    0)
		return fail(&h);
	if (user_can(&r->user, PERM_PROJECT_MANAGE)) {
		bool donor = act && strcmp(act, "donor") == 0;

		/* Only who may read cases can name one (an admin without
		 * case access would always be refused). */
		if (user_can(&r->user, PERM_CASE_READ)) {
			html_printf(&h, "<article><h2>%s</h2><form method=\"post\" "
			    "action=\"/projects/%L\">", _("Assign a case"), pr.id);
			page_csrf(r, &h);
			html_printf(&h, "<input type=\"hidden\" name=\"action\" "
			    "value=\"assign\">");
			page_field(&h, "case", "case", "text", _("Case number"),
			    p && !donor ? req_form(r, "case") : NULL,
			    donor ? NULL : err_for(p, "case_id"), "required");
			html_printf(&h, "<button type=\"submit\">%s</button>"
			    "</form></article>", _("Assign"));
		}
		html_printf(&h, "<article><h2>%s</h2><form method=\"post\" "
		    "action=\"/projects/%L\">", _("Add a donor's contribution"),
		    pr.id);
		page_csrf(r, &h);
		html_printf(&h, "<input type=\"hidden\" name=\"action\" "
		    "value=\"donor\">");
		page_field(&h, "donor_name", "name", "text", _("Donor"),
		    donor ? req_form(r, "name") : NULL,
		    donor ? err_for(p, "name") : NULL,
		    "required maxlength=\"300\"");
		page_field(&h, "donor_amount", "amount", "text",
		    _("Contribution"), donor ? req_form(r, "amount") : NULL,
		    donor ? err_for(p, "amount") : NULL,
		    "inputmode=\"decimal\" required");
		page_field(&h, "donor_currency", "currency", "text",
		    _("Currency (ISO 4217)"), donor ? req_form(r, "currency") :
		    pr.currency, donor ? err_for(p, "currency") : NULL,
		    "maxlength=\"3\"");
		html_printf(&h, "<button type=\"submit\">%s</button></form>"
		    "</article>", _("Add the contribution"));
		if (edit_html(r, &h, &pr, act && strcmp(act, "edit") == 0 ?
		    p : NULL) < 0)
			return fail(&h);
	}
	return finish(r, &h, status);
}

int
page_project(struct req *r)
{
	if (!user_can(&r->user, PERM_FUND_READ))
		return resp_error(r, 403, _("You are not allowed to see "
		    "projects."), NULL);
	return project_page(r, 200, NULL);
}

struct find_ctx {
	const char *number;
	int64_t id;
};

static int
find_cb(void *arg, const struct case_row *c)
{
	struct find_ctx *ctx = arg;

	if (strcasecmp(c->number, ctx->number) == 0) {
		ctx->id = c->id;
		return 1;
	}
	return 0;
}

struct line_list {
	struct budget_line *lines;	/* FUND_LINES_MAX + 1 */
	size_t n;
};

static int
line_list_cb(void *arg, const struct budget_line *b)
{
	struct line_list *l = arg;

	if (l->n == FUND_LINES_MAX + 1)
		return 1;
	l->lines[l->n++] = *b;
	return 0;
}

/* The edit form of a project, as fund_project_update() takes it. */
static int
project_edit(struct req *r, struct fund_problem *p)
{
	struct fund_project_change in;
	struct project pr;
	struct budget_line lines[FUND_LINES_MAX + 1];
	struct line_list ll = { lines, 0 };
	char amounts[FUND_LINES_MAX + 2][MONEY_STR], name[32];
	const char *v;
	size_t i;
	int rc = db_project_get(r->app->db, r->id, &pr);

	if (rc == DB_ERROR)
		return -1;
	if (rc != DB_OK) {
		p->status = 404;
		p->field = NULL;
		p->msg = _("There is no such project.");
		return 1;
	}
	if (db_project_budgets(r->app->db, pr.id, line_list_cb, &ll) != DB_OK)
		return -1;
	memset(&in, 0, sizeof(in));
	/* Every field is on the form: what is sent is the project as the
	 * user wants it (an empty field clears it). */
	in.name = req_form(r, "name");
	in.region = req_form(r, "region");
	in.start = req_form(r, "start");
	in.end = req_form(r, "end");
	in.target = req_form(r, "target");
	in.target_group = req_form(r, "target_group");
	for (i = 0; i < ll.n; i++) {
		snprintf(name, sizeof(name), "budget_%s", lines[i].currency);
		if ((v = req_form(r, name)) == NULL)
			continue;
		v = money_form_value(v, r->lang, 2, MONEY_FORM_MAX, amounts[i]);
		if (strcmp(lines[i].currency, pr.currency) == 0)
			in.budget = v;
		else if (in.nlines < FUND_LINES_MAX) {
			in.line_currency[in.nlines] = lines[i].currency;
			in.line_budget[in.nlines++] = v;
		}
	}
	v = req_form(r, "line_currency");
	if ((v && *v) || ((v = req_form(r, "line_budget")) && *v)) {
		if (in.nlines == FUND_LINES_MAX) {
			p->status = 400;
			p->field = "budgets";
			p->msg = _("Too many budget lines.");
			return 1;
		}
		in.line_currency[in.nlines] = req_form(r, "line_currency");
		in.line_budget[in.nlines++] = form_amount(r, "line_budget",
		    amounts[FUND_LINES_MAX + 1]);
	}
	return fund_project_update(r, r->id, &in, p);
}

int
page_project_post(struct req *r)
{
	struct fund_problem p;
	struct case_filter f = { 0 };
	struct find_ctx fc = { req_form(r, "case"), 0 };
	int64_t total;
	char loc[64];
	int rc;

	const char *act = req_form(r, "action");

	if (!user_can(&r->user, PERM_PROJECT_MANAGE)) {
		if (fund_project_denied(r, act && strcmp(act, "edit") == 0 ?
		    "project.update.denied" : act && (strcmp(act, "partner") ==
		    0 || strcmp(act, "unpartner") == 0) ?
		    "project.partner.denied" : act && strcmp(act, "donor") == 0 ?
		    "project.donor.denied" : "project.assign.denied", r->id) < 0)
			return -1;
		return resp_error(r, 403, _("You are not allowed to manage "
		    "projects."), NULL);
	}
	if (act && (strcmp(act, "partner") == 0 ||
	    strcmp(act, "unpartner") == 0 || strcmp(act, "edit") == 0)) {
		if (strcmp(act, "partner") == 0) {
			struct fund_partner_input in;

			in.org_id = form_id(req_form(r, "organisation_id"));
			in.role = req_form(r, "role");
			rc = fund_project_partner_add(r, r->id, &in, &p);
		} else if (strcmp(act, "unpartner") == 0)
			rc = fund_project_partner_remove(r, r->id, form_id(
			    req_form(r, "organisation_id")), &p);
		else
			rc = project_edit(r, &p);
		if (rc < 0)
			return -1;
		if (rc > 0) {
			if (p.status == 403 || (p.status == 404 &&
			    p.field == NULL))
				return resp_error(r, p.status, p.msg, NULL);
			return project_page(r, p.status, &p);
		}
		snprintf(loc, sizeof(loc), "/projects/%lld#%s",
		    (long long)r->id, strcmp(act, "edit") == 0 ? "edit" :
		    "partners");
		return resp_redirect(r, loc);
	}
	if (act && strcmp(act, "donor") == 0) {
		struct fund_donor_input in;
		char amount[MONEY_STR];

		in.name = req_form(r, "name");
		in.amount = form_amount(r, "amount", amount);
		in.currency = req_form(r, "currency");
		rc = fund_project_donor_add(r, r->id, &in, &p);
		if (rc < 0)
			return -1;
		if (rc > 0) {
			if (p.status == 404 || p.status == 403)
				return resp_error(r, p.status, p.msg, NULL);
			return project_page(r, 400, &p);
		}
		snprintf(loc, sizeof(loc), "/projects/%lld", (long long)r->id);
		return resp_redirect(r, loc);
	}
	if (fc.number && *fc.number && strlen(fc.number) < DB_CASENO_MAX) {
		cases_filter_scope(r, &f);
		f.status = -1;
		f.number_prefix = fc.number;
		f.limit = 20;
		if (db_case_list(r->app->db, &f, find_cb, &fc, &total) != DB_OK)
			return -1;
	}
	rc = fund_project_assign(r, r->id, fc.id, &p);
	if (rc < 0)
		return -1;
	if (rc > 0) {
		if (p.status == 404 || p.status == 403)
			return resp_error(r, p.status, p.msg, NULL);
		p.msg = _("There is no case of that number that you may see.");
		return project_page(r, 400, &p);
	}
	snprintf(loc, sizeof(loc), "/projects/%lld", (long long)r->id);
	return resp_redirect(r, loc);
}

/* --- rates --- */

static int
rate_row_cb(void *arg, const struct fund_rate *rt)
{
	struct counted *x = arg;
	char a[MONEY_TEXT], d[PAGE_MARK];

	x->n++;
	html_printf(x->h, "<tr><td>%s</td><td>%R</td><td>%s</td></tr>",
	    rt->currency, page_day(rt->valid_from, d),
	    money_text_scaled(rt->rate, 6, 0, i18n_current(), a));
	return 0;
}

static int
rates_page(struct req *r, int status, const struct fund_problem *p)
{
	const struct page_col cols[] = {
		{ _("Currency"), 0 }, { _("Valid from"), 0 },
		{ _("Per US dollar"), COL_NUM },
	};
	struct counted rows;
	struct page_table t;
	struct html h;

	html_init(&h, HTTP_PAGE_MAX);
	page_begin(r, &h, _("Exchange rates"));
	html_printf(&h, "<hgroup><h1>%s</h1><p>%s</p></hgroup>",
	    _("Exchange rates"), _("Units of each currency per US dollar, "
	    "from the date given until the next rate."));
	if (p && p->field == NULL)
		flash(&h, p->msg);
	else if (p)
		flash(&h, _("The rate was not saved: correct the form below."));
	page_table_begin(&t, &h, "striped", NULL, cols, ARRAY_SIZE(cols));
	rows.h = &h;
	rows.n = 0;
	if (db_rate_list(r->app->db, rate_row_cb, &rows) != DB_OK)
		return fail(&h);
	page_table_end(&t, rows.n, _("No rate recorded yet."));
	if (user_can(&r->user, PERM_PROJECT_MANAGE)) {
		html_printf(&h, "<article><h2>%s</h2><form method=\"post\" "
		    "action=\"/fund/rates\">", _("Add a rate"));
		page_csrf(r, &h);
		field_value(r, &h, "currency", "text", _("Currency (ISO 4217)"),
		    p, "maxlength=\"3\" required");
		field_value(r, &h, "valid_from", "date", _("Valid from"), p,
		    "required");
		field_value(r, &h, "rate", "text", _("Units per US dollar"), p,
		    "inputmode=\"decimal\" required");
		if (err_for(p, "replace"))
			html_printf(&h, "<label><input type=\"checkbox\" "
			    "name=\"replace\" value=\"1\" aria-invalid=\"true\" "
			    "aria-describedby=\"replace-error\"> %s</label><small "
			    "class=\"error\" id=\"replace-error\">%s</small>",
			    _("Replace the rate of that date"),
			    err_for(p, "replace"));
		html_printf(&h, "<button type=\"submit\">%s</button></form>"
		    "</article>", _("Save the rate"));
	}
	return finish(r, &h, status);
}

int
page_fund_rates(struct req *r)
{
	if (!user_can(&r->user, PERM_FUND_READ))
		return resp_error(r, 403, _("You are not allowed to see "
		    "exchange rates."), NULL);
	return rates_page(r, 200, NULL);
}

int
page_fund_rates_post(struct req *r)
{
	struct fund_problem p;
	char rate[MONEY_STR];
	int rc;

	if (!user_can(&r->user, PERM_PROJECT_MANAGE))
		return resp_error(r, 403, _("You are not allowed to manage "
		    "exchange rates."), NULL);
	/* Up to six decimals, and as far as fund.c's own limit checks. */
	rc = fund_rate_set(r, req_form(r, "currency"),
	    req_form(r, "valid_from"), money_form_value(req_form(r, "rate"),
	    r->lang, 6, INT64_C(1000000000000000), rate),
	    req_form(r, "replace") != NULL, &p);
	if (rc < 0)
		return -1;
	if (rc > 0)
		return rates_page(r, p.status, &p);
	return resp_redirect(r, "/fund/rates");
}
