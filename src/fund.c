/*
 * fund.c - the Global Assistance Fund (fund.h): requests, decisions,
 * commitments and disbursements against project budgets, projects and
 * donors, exchange rates, turnaround.
 */
#include "compat.h"

#include <errno.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "date.h"
#include "audit.h"
#include "cases.h"
#include "catalogue.h"
#include "fund.h"
#include "i18n.h"
#include "input.h"
#include "isocodes.h"
#include "log.h"
#include "money.h"
#include "timeline.h"
#include "vault.h"

#define USD "USD"
#define RATE_ONE INT64_C(1000000)
#define RATE_MAX INT64_C(1000000000000000)	/* 1e9 units per USD */

static int
problem(struct fund_problem *p, int status, const char *field,
    const char *msg)
{
	p->status = status;
	p->field = field;
	p->msg = msg;
	return 1;
}

/* Refuses currency c (field): money_not_money_msg() for a code that is
 * no money, else msg. */
static int
currency_refused(struct fund_problem *p, const char *field, const char *c,
    const char *msg)
{
	const char *nm = money_not_money_msg(c);

	return problem(p, 400, field, nm ? nm : msg);
}

/* --- amounts, dates, rates --- */

bool
fund_amount_parse(const char *s, int64_t *out)
{
	int64_t v;

	if (!money_decimal(s, 2, FUND_AMOUNT_MAX, &v) || v <= 0)
		return false;
	*out = v;
	return true;
}

/*
 * The refusal of amount s (untrusted) that fund_amount_parse() did not
 * take: a well-written amount above FUND_AMOUNT_MAX is told so, with the
 * largest amount taken (money.h), whatever the amount is of; anything
 * else gets bad.
 */
static const char *
amount_refused(const char *s, const char *bad)
{
	const char *m = money_too_large_msg(s, FUND_AMOUNT_MAX);

	return m ? m : bad;
}

bool
fund_amount_json(json_t *v, char out[FUND_AMOUNT_STR])
{
	double d, c;

	snprintf(out, FUND_AMOUNT_STR, "x");
	if (json_is_string(v)) {
		if (json_string_length(v) >= FUND_AMOUNT_STR)
			return false;
		snprintf(out, FUND_AMOUNT_STR, "%s", json_string_value(v));
		return true;
	}
	if (json_is_integer(v)) {
		if (json_integer_value(v) < 0)
			return false;
		snprintf(out, FUND_AMOUNT_STR, "%lld",
		    (long long)json_integer_value(v));
		return true;
	}
	if (!json_is_real(v))
		return false;
	d = json_real_value(v);
	if (!isfinite(d) || d < 0 || d > 1e13)
		return false;
	/* A binary fraction: at most two decimals when d * 100 is an
	 * integer up to rounding (1.005 is not; 0.1 + 0.2 style noise is). */
	c = round(d * 100.0);
	if (fabs(d * 100.0 - c) > 1e-6 * (c > 1 ? c : 1))
		return false;
	snprintf(out, FUND_AMOUNT_STR, "%lld.%02lld", (long long)(c / 100),
	    (long long)fmod(c, 100.0));
	return true;
}

const char *
fund_amount_format(int64_t cents, char out[FUND_AMOUNT_STR])
{
	return money_format(cents, out);
}

const char *
fund_rate_format(int64_t rate, char out[FUND_AMOUNT_STR])
{
	char frac[8];
	size_t n;

	snprintf(frac, sizeof(frac), "%06lld", (long long)(rate % RATE_ONE));
	n = strlen(frac);
	while (n > 0 && frac[n - 1] == '0')
		frac[--n] = '\0';
	snprintf(out, FUND_AMOUNT_STR, "%lld%s%s", (long long)(rate / RATE_ONE),
	    n ? "." : "", frac);
	return out;
}

void
fund_today(char out[DB_DATE_SIZE])
{
	date_of((int64_t)time(NULL), out);
}

static bool
rate_of(struct req *r, const char *currency, const char *date,
    int64_t *rate)
{
	char today[DB_DATE_SIZE];

	if (strcmp(currency, USD) == 0) {
		*rate = RATE_ONE;
		return true;
	}
	if (date == NULL || *date == '\0') {
		fund_today(today);
		date = today;
	}
	return db_rate_at(r->app->db, currency, date, rate) == DB_OK &&
	    *rate > 0;
}

enum fund_conv
fund_to_usd(struct req *r, int64_t cents, const char *currency,
    const char *date, int64_t *usd)
{
	int64_t rate;
	long double v;

	*usd = 0;
	if (!rate_of(r, currency, date, &rate))
		return FUND_CONV_NO_RATE;
	v = (long double)cents * RATE_ONE / rate;
	/* Far beyond any real budget: an absurd rate, not a number. */
	if (fabsl(v) > (long double)FUND_USD_MAX)
		return FUND_CONV_OVERFLOW;
	*usd = (int64_t)llroundl(v);
	return FUND_CONV_OK;
}

/* US cents into currency at date. */
static enum fund_conv
from_usd(struct req *r, int64_t usd, const char *currency,
    const char *date, int64_t *out)
{
	int64_t rate;
	long double v;

	*out = 0;
	if (!rate_of(r, currency, date, &rate))
		return FUND_CONV_NO_RATE;
	v = (long double)usd * rate / RATE_ONE;
	if (fabsl(v) > (long double)FUND_USD_MAX)
		return FUND_CONV_OVERFLOW;
	*out = (int64_t)llroundl(v);
	return FUND_CONV_OK;
}

/* Adds v to t, or marks it overflowed when the sum leaves the range. */
static void
total_add(struct fund_total *t, int64_t v)
{
	if (t->overflow)
		return;
	/* Both below FUND_USD_MAX in size: the sum cannot wrap. */
	if (v > FUND_USD_MAX || v < -FUND_USD_MAX ||
	    t->cents + v > FUND_USD_MAX || t->cents + v < -FUND_USD_MAX) {
		t->overflow = true;
		return;
	}
	t->cents += v;
}

/* Adds the result of a conversion (rc, v) to t. */
static void
total_conv(struct fund_total *t, enum fund_conv rc, int64_t v)
{
	if (rc == FUND_CONV_NO_RATE)
		t->missing = true;
	else if (rc == FUND_CONV_OVERFLOW)
		t->overflow = true;
	else
		total_add(t, v);
}

void
fund_total_usd(struct req *r, struct fund_total *t, int64_t cents,
    const char *currency, const char *date)
{
	int64_t u = 0;
	enum fund_conv rc = fund_to_usd(r, cents, currency, date, &u);

	total_conv(t, rc, u);
}

json_t *
fund_total_json(const struct fund_total *t)
{
	char a[FUND_AMOUNT_STR];

	return t->overflow ? json_null() :
	    json_string(fund_amount_format(t->cents, a));
}

const char *
fund_total_text(const struct fund_total *t, enum lang lang,
    char out[MONEY_TEXT])
{
	if (t->overflow)
		return _("not computable (a rate makes the sum too large)");
	return money_text(t->cents, lang, out);
}

void
fund_totals_whole(struct fund_total *budget, struct fund_total *committed,
    struct fund_total *disbursed)
{
	bool over = budget->overflow || committed->overflow ||
	    disbursed->overflow;

	budget->overflow = committed->overflow = disbursed->overflow = over;
}

struct fund_total
fund_total_minus(const struct fund_total *a, const struct fund_total *b)
{
	struct fund_total t = { a->cents, a->missing || b->missing,
	    a->overflow || b->overflow };

	if (!t.overflow)
		total_add(&t, -b->cents);
	return t;
}

/* A required text: valid UTF-8 of at most max characters, not blank. */
static bool
text_ok(const char *s, size_t max)
{
	return input_text(s, max, INPUT_REQUIRED) == INPUT_TEXT_OK;
}

/* An optional text: none, blank (taken for none), or as text_ok(). */
static bool
opt_text_ok(const char *s, size_t max)
{
	return input_text(s, max, 0) == INPUT_TEXT_OK;
}

/* An optional text as stored: "" when none or blank. */
static const char *
opt_text(const char *s)
{
	return input_blank(s) ? "" : s;
}

/* --- sealing: texts about a person, bound to their case --- */

static void
ad_for(char ad[64], const char *what, int64_t case_id)
{
	snprintf(ad, 64, "fund:%s:case:%lld", what, (long long)case_id);
}

static int
seal(struct req *r, const char *what, int64_t case_id, const char *text,
    struct buf *out)
{
	char ad[64];

	ad_for(ad, what, case_id);
	return vault_seal(r->app->vault, ad, text, strlen(text), out);
}

static int
open_blob(struct req *r, const char *what, int64_t case_id,
    const unsigned char *blob, size_t len, struct buf *out)
{
	char ad[64];

	if (blob == NULL || len == 0) {
		buf_addstr(out, "");
		return 0;
	}
	ad_for(ad, what, case_id);
	return vault_open_sealed(r->app->vault, ad, blob, len, out);
}

static void
wipe(struct buf *b)
{
	if (b->p)
		explicit_bzero(b->p, b->cap);
	buf_release(b);
}

/* --- transactions --- */

static int
tx_begin(struct req *r)
{
	return db_begin(r->app->db) == DB_OK ? 0 : -1;
}

/* Commits when rc is 0, else rolls back; returns rc (or -1 when the
 * commit fails). */
static int
tx_end(struct req *r, int rc)
{
	if (rc == 0) {
		if (db_commit(r->app->db) == DB_OK)
			return 0;
		rc = -1;
	}
	db_rollback(r->app->db);
	return rc;
}

/* The timeline detail of a request: codes and amounts only. */
static json_t *
step_detail(const char *type, int64_t amount, const char *currency,
    const char *project)
{
	char a[FUND_AMOUNT_STR];
	json_t *d = json_pack("{s:s,s:s,s:s}", "fund_type", type, "amount",
	    fund_amount_format(amount, a), "currency", currency);

	if (d && project && *project)
		json_object_set_new(d, "project", json_string(project));
	return d;
}

/* --- requests --- */

bool
fund_may_read(const struct req *r)
{
	return user_can(&r->user, PERM_FUND_READ) ||
	    user_can(&r->user, PERM_FUND_REQUEST);
}

bool
fund_case_visible(const struct req *r, const struct fund_request *q)
{
	struct case_row c;

	memset(&c, 0, sizeof(c));
	c.id = q->case_id;
	c.office_id = q->case_office_id;
	c.assigned_to = q->case_assigned_to;
	c.high_risk = q->case_high_risk;
	c.referred = true;	/* it has this request */
	return cases_visible(r, &c);
}

bool
fund_request_visible(const struct req *r, const struct fund_request *q)
{
	/* A high-risk case does not exist for headquarters either: its
	 * requests wait, out of the queue, until its risk is lowered. */
	if (user_can(&r->user, PERM_FUND_READ))
		return !q->case_high_risk;
	if (!user_can(&r->user, PERM_FUND_REQUEST))
		return false;
	return fund_case_visible(r, q);
}

int
fund_denied(struct req *r, const char *action, int64_t id)
{
	struct fund_request q;
	int rc = id > 0 ? db_fund_request_get(r->app->db, id, &q) : DB_NOTFOUND;

	if (rc == DB_ERROR)
		return -1;
	return audit(r, action, rc == DB_OK ? q.case_id : 0, NULL,
	    id > 0 ? json_pack("{s:I}", "request", (json_int_t)id) : NULL);
}

int
fund_request_load(struct req *r, int64_t id, struct fund_request *q,
    struct fund_problem *p)
{
	int rc;

	if (!fund_may_read(r)) {
		if (fund_denied(r, "fund.view.denied", id) < 0)
			return -1;
		return problem(p, 403, NULL,
		    _("You are not allowed to see fund requests."));
	}
	rc = db_fund_request_get(r->app->db, id, q);
	if (rc == DB_ERROR)
		return -1;
	if (rc == DB_OK && fund_request_visible(r, q))
		return 0;
	if (audit(r, "fund.view.denied", rc == DB_OK ? q->case_id : 0, NULL,
	    json_pack("{s:I}", "request", (json_int_t)id)) < 0)
		return -1;
	return problem(p, 404, NULL, _("This fund request does not exist."));
}

int
fund_request_text(struct req *r, const struct fund_request *q, int which,
    struct buf *out)
{
	unsigned char *just = NULL, *reason = NULL;
	size_t jlen = 0, rlen = 0;
	int rc;

	if (db_fund_request_texts(r->app->db, q->id, &just, &jlen, &reason,
	    &rlen) != DB_OK)
		return -1;
	rc = which == 0 ?
	    open_blob(r, "justification", q->case_id, just, jlen, out) :
	    open_blob(r, "reason", q->case_id, reason, rlen, out);
	free(just);
	free(reason);
	return rc;
}

struct disb_ctx {
	struct req *r;
	int64_t case_id;
	json_t *arr;
	int failed;
	bool notes;		/* the notes too (case content) */
};

static int
disb_cb(void *arg, const struct fund_disbursement *d)
{
	struct disb_ctx *ctx = arg;
	struct buf note = BUF_INIT(FUND_NOTE_BUF);
	char a[FUND_AMOUNT_STR];

	if (ctx->notes && open_blob(ctx->r, "note", ctx->case_id, d->note,
	    d->note_len, &note) < 0) {
		ctx->failed = 1;
		wipe(&note);
		return 1;
	}
	json_array_append_new(ctx->arr, json_pack("{s:I,s:s,s:s,s:s?,s:s,s:o}",
	    "id", (json_int_t)d->id, "amount", fund_amount_format(d->amount, a),
	    "date", d->on_date, "note", ctx->notes ? buf_cstr(&note) : NULL,
	    "by", d->username, "at", time_iso_json(d->created_at)));
	wipe(&note);
	return 0;
}

static int
decision_cb(void *arg, const struct fund_decision *d)
{
	struct disb_ctx *ctx = arg;
	struct buf reason = BUF_INIT(FUND_TEXT_BUF);
	char a[FUND_AMOUNT_STR];

	if (ctx->notes && open_blob(ctx->r, "reason", ctx->case_id, d->reason,
	    d->reason_len, &reason) < 0) {
		ctx->failed = 1;
		wipe(&reason);
		return 1;
	}
	/* A reason is case content: null for who may not read the case. */
	json_array_append_new(ctx->arr, json_pack("{s:s,s:o,s:s,s:o,s:o,s:o}",
	    "decision", d->decision, "reason", ctx->notes ?
	    json_string(buf_cstr(&reason)) : json_null(), "by",
	    d->username, "at", time_iso_json(d->decided_at), "submitted_at",
	    time_iso_json(d->submitted_at), "amount", d->amount ?
	    json_string(fund_amount_format(d->amount, a)) : json_null()));
	wipe(&reason);
	return 0;
}

json_t *
fund_request_json(struct req *r, const struct fund_request *q, bool texts)
{
	char a1[FUND_AMOUNT_STR], a2[FUND_AMOUNT_STR], a3[FUND_AMOUNT_STR];
	struct buf just = BUF_INIT(FUND_TEXT_BUF);
	struct buf reason = BUF_INIT(FUND_TEXT_BUF);
	struct disb_ctx ctx = { r, q->case_id, NULL, 0, true };
	int64_t age = (q->decided_at && strcmp(q->state, "submitted") != 0 ?
	    q->decided_at : r->now) - q->submitted_at;
	json_t *o;

	o = json_pack("{s:I,s:I,s:s,s:s,s:s,s:s,s:s,s:s,s:s,s:o,s:o,s:I,s:o}",
	    "id", (json_int_t)q->id, "case_id", (json_int_t)q->case_id,
	    "case_number", q->case_number, "office", q->office_code,
	    "type", q->type, "amount", fund_amount_format(q->amount, a1),
	    "currency", q->currency, "state", q->state,
	    "requested_by", q->requested_username,
	    "created_at", time_iso_json(q->created_at),
	    "submitted_at", time_iso_json(q->submitted_at),
	    "age_seconds", (json_int_t)(age > 0 ? age : 0),
	    "decided_by", q->decided_at ? json_string(q->decided_username) :
	    json_null());
	if (o == NULL)
		return NULL;
	json_object_set_new(o, "decided_at", q->decided_at ?
	    time_iso_json(q->decided_at) : json_null());
	json_object_set_new(o, "project_id", q->project_id ?
	    json_integer(q->project_id) : json_null());
	json_object_set_new(o, "project", q->project_id ?
	    json_string(q->project_name) : json_null());
	json_object_set_new(o, "approved", q->approved ?
	    json_string(fund_amount_format(q->approved, a2)) : json_null());
	json_object_set_new(o, "disbursed",
	    json_string(fund_amount_format(q->disbursed, a3)));
	if (!texts)
		return o;
	if (!fund_case_visible(r, q)) {
		/* The figures, not the case content. */
		json_object_set_new(o, "justification", json_null());
		json_object_set_new(o, "reason", json_null());
		ctx.arr = json_array();
		ctx.notes = false;
		if (db_fund_disbursements(r->app->db, q->id, disb_cb, &ctx) !=
		    DB_OK || ctx.failed) {
			json_decref(ctx.arr);
			json_decref(o);
			return NULL;
		}
		json_object_set_new(o, "disbursements", ctx.arr);
		ctx.arr = json_array();
		if (db_fund_decisions(r->app->db, q->id, decision_cb, &ctx) !=
		    DB_OK || ctx.failed) {
			json_decref(ctx.arr);
			json_decref(o);
			return NULL;
		}
		json_object_set_new(o, "decisions", ctx.arr);
		return o;
	}
	if (fund_request_text(r, q, 0, &just) < 0 ||
	    fund_request_text(r, q, 1, &reason) < 0)
		goto fail;
	json_object_set_new(o, "justification", json_string(buf_cstr(&just)));
	json_object_set_new(o, "reason", json_string(buf_cstr(&reason)));
	ctx.arr = json_array();
	if (db_fund_disbursements(r->app->db, q->id, disb_cb, &ctx) != DB_OK ||
	    ctx.failed) {
		json_decref(ctx.arr);
		goto fail;
	}
	json_object_set_new(o, "disbursements", ctx.arr);
	ctx.arr = json_array();
	if (db_fund_decisions(r->app->db, q->id, decision_cb, &ctx) != DB_OK ||
	    ctx.failed) {
		json_decref(ctx.arr);
		goto fail;
	}
	json_object_set_new(o, "decisions", ctx.arr);
	wipe(&just);
	wipe(&reason);
	return o;
fail:
	wipe(&just);
	wipe(&reason);
	json_decref(o);
	return NULL;
}

static const char *
check_type(const char *type)
{
	return type && code_valid(CL_FUND_TYPE, type) ? NULL :
	    _("Choose protection, medical, return or reintegration.");
}

int
fund_request_submit(struct req *r, const struct case_row *c,
    const char *type, const char *amount, const char *currency,
    const char *justification, int64_t *id, struct fund_problem *p)
{
	struct fund_request q;
	struct buf sealed = BUF_INIT(FUND_TEXT_BUF);
	int64_t cents;
	int rc;

	if (!user_can(&r->user, PERM_FUND_REQUEST) ||
	    !cases_visible(r, c))
		return problem(p, 403, NULL,
		    _("You are not allowed to ask the fund for this case."));
	if (check_type(type))
		return problem(p, 400, "type", check_type(type));
	if (!fund_amount_parse(amount, &cents))
		return problem(p, 400, "amount", amount_refused(amount,
		    _("Give a positive amount with at most two decimals, such "
		    "as 1250.50.")));
	if (!money_currency_ok(currency))
		return currency_refused(p, "currency", currency, _("Give the "
		    "currency as its ISO 4217 code, such as USD, EUR or THB."));
	if (money_fits_msg(cents, currency))
		return problem(p, 400, "amount", money_fits_msg(cents,
		    currency));
	if (!text_ok(justification, FUND_TEXT_MAX))
		return problem(p, 400, "justification", _("Say why the money "
		    "is needed (at most 10,000 characters)."));
	memset(&q, 0, sizeof(q));
	q.case_id = c->id;
	q.office_id = c->office_id;
	snprintf(q.type, sizeof(q.type), "%s", type);
	q.amount = cents;
	snprintf(q.currency, sizeof(q.currency), "%s", currency);
	q.requested_by = r->user.id;
	if (seal(r, "justification", c->id, justification, &sealed) < 0) {
		wipe(&sealed);
		return -1;
	}
	if (tx_begin(r) < 0) {
		wipe(&sealed);
		return -1;
	}
	rc = db_fund_request_add(r->app->db, &q, sealed.p, sealed.len,
	    r->now) == DB_OK ? 0 : -1;
	if (rc == 0)
		rc = timeline_add(r, c->id, "fund.requested", q.id, NULL, false,
		    step_detail(q.type, q.amount, q.currency, NULL));
	if (rc == 0)
		rc = audit(r, "fund.request", c->id, NULL, json_pack(
		    "{s:I,s:s,s:s,s:s}", "request", (json_int_t)q.id,
		    "fund_type", q.type, "amount", amount, "currency",
		    q.currency));
	rc = tx_end(r, rc);
	wipe(&sealed);
	if (rc == 0 && id)
		*id = q.id;
	return rc;
}

/* Loads request id for a change by r: visible, with permission perm;
 * denied says why not when r lacks it. */
static int
load_for_change(struct req *r, int64_t id, enum perm perm,
    const char *denied, struct fund_request *q, struct fund_problem *p)
{
	int rc = fund_request_load(r, id, q, p);

	if (rc != 0)
		return rc;
	if (!user_can(&r->user, perm)) {
		if (audit(r, "fund.change.denied", q->case_id, NULL,
		    json_pack("{s:I}", "request", (json_int_t)id)) < 0)
			return -1;
		return problem(p, 403, NULL, denied);
	}
	return 0;
}

int
fund_request_resubmit(struct req *r, int64_t id, const char *amount,
    const char *justification, struct fund_problem *p)
{
	struct fund_request q;
	struct buf sealed = BUF_INIT(FUND_TEXT_BUF);
	int64_t cents;
	bool new_amount = amount && *amount, new_just =
	    !input_blank(justification);
	int rc = load_for_change(r, id, PERM_FUND_REQUEST,
	    _("Only the office that asked can complete a request."), &q, p);

	if (rc != 0)
		return rc;
	if (strcmp(q.state, "need-info") != 0)
		return problem(p, 409, NULL, _("Only a request sent back for "
		    "more information can be completed and sent again."));
	cents = q.amount;
	if (new_amount && !fund_amount_parse(amount, &cents))
		return problem(p, 400, "amount", amount_refused(amount,
		    _("Give a positive amount with at most two decimals, such "
		    "as 1250.50.")));
	if (new_amount && money_fits_msg(cents, q.currency))
		return problem(p, 400, "amount", money_fits_msg(cents,
		    q.currency));
	if (new_just && !text_ok(justification, FUND_TEXT_MAX))
		return problem(p, 400, "justification", _("Say why the money "
		    "is needed (at most 10,000 characters)."));
	if (!new_amount && !new_just)
		return problem(p, 400, "justification", _("Give the "
		    "information asked for: a new justification or amount."));
	if (new_just && seal(r, "justification", q.case_id, justification,
	    &sealed) < 0) {
		wipe(&sealed);
		return -1;
	}
	if (tx_begin(r) < 0) {
		wipe(&sealed);
		return -1;
	}
	rc = db_fund_request_resubmit(r->app->db, id, cents,
	    new_just ? sealed.p : NULL, new_just ? sealed.len : 0, r->now);
	if (rc == DB_CONFLICT) {
		tx_end(r, 1);
		wipe(&sealed);
		return problem(p, 409, NULL, _("Only a request sent back for "
		    "more information can be completed and sent again."));
	}
	rc = rc == DB_OK ? 0 : -1;
	if (rc == 0)
		rc = timeline_add(r, q.case_id, "fund.resubmitted", id, NULL,
		    false, step_detail(q.type, cents, q.currency, NULL));
	if (rc == 0)
		rc = audit(r, "fund.resubmit", q.case_id, NULL, json_pack(
		    "{s:I,s:b,s:b}", "request", (json_int_t)id, "amount",
		    new_amount, "justification", new_just));
	rc = tx_end(r, rc);
	wipe(&sealed);
	return rc;
}

bool
fund_project_runs(const struct req *r, const struct project *pr)
{
	char today[DB_DATE_SIZE];

	date_of(r->now, today);
	return !(pr->start[0] && strcmp(today, pr->start) < 0) &&
	    !(pr->end[0] && strcmp(today, pr->end) > 0);
}

/*
 * An approval commits money today: refused (409, a problem) when today
 * is outside the project's period (fund_project_runs()). 0 when inside
 * or open-ended.
 */
static int
period_problem(struct req *r, const struct project *pr,
    struct fund_problem *p)
{
	char today[DB_DATE_SIZE];

	if (fund_project_runs(r, pr))
		return 0;
	date_of(r->now, today);
	if (pr->start[0] && strcmp(today, pr->start) < 0)
		return problem(p, 409, "project_id", arena_printf(r->arena,
		    _("This project starts on %s: it cannot commit money "
		    "before then. Choose a project that runs today (%s)."),
		    pr->start, today));
	if (pr->end[0] && strcmp(today, pr->end) > 0)
		return problem(p, 409, "project_id", arena_printf(r->arena,
		    _("This project ended on %s: it cannot commit money any "
		    "more. Choose a project that runs today (%s)."), pr->end,
		    today));
	return 0;
}

int
fund_request_decide(struct req *r, int64_t id, const char *decision,
    const char *amount, int64_t project_id, const char *reason,
    struct fund_problem *p)
{
	struct fund_request q;
	struct project pr;
	struct budget_line b;
	struct buf sealed = BUF_INIT(FUND_TEXT_BUF);
	char a[FUND_AMOUNT_STR];
	const char *kind;
	bool approve;
	int64_t cents = 0;
	int rc = load_for_change(r, id, PERM_FUND_DECIDE,
	    _("Only the programme manager decides fund requests."), &q, p);

	if (rc != 0)
		return rc;
	if (decision == NULL)
		decision = "";
	approve = strcmp(decision, "approve") == 0;
	if (approve)
		kind = "fund.approved";
	else if (strcmp(decision, "reject") == 0)
		kind = "fund.rejected";
	else if (strcmp(decision, "need-info") == 0)
		kind = "fund.need_info";
	else
		return problem(p, 400, "decision", _("Choose approve, reject "
		    "or need-info."));
	if (strcmp(q.state, "submitted") != 0)
		return problem(p, 409, NULL, _("This request was decided "
		    "already: only a submitted request can be decided."));
	if (!text_ok(reason, FUND_TEXT_MAX))
		return problem(p, 400, "reason", _("Give the reason for the "
		    "decision (at most 10,000 characters)."));
	if (approve) {
		cents = q.amount;
		if (amount && *amount && !fund_amount_parse(amount, &cents))
			return problem(p, 400, "amount", amount_refused(amount,
			    _("Give a positive amount with at most two "
			    "decimals, such as 1250.50.")));
		if (cents > q.amount)
			return problem(p, 400, "amount", _("The approved amount "
			    "cannot be more than the amount asked."));
		if (money_fits_msg(cents, q.currency))
			return problem(p, 400, "amount", money_fits_msg(cents,
			    q.currency));
		if (project_id <= 0)
			return problem(p, 400, "project_id", _("Choose the "
			    "project to charge."));
		rc = db_project_get(r->app->db, project_id, &pr);
		if (rc == DB_ERROR)
			return -1;
		if (rc != DB_OK)
			return problem(p, 400, "project_id", _("There is no such "
			    "project."));
		if ((rc = period_problem(r, &pr, p)) != 0)
			return rc;
		rc = db_project_budget(r->app->db, project_id, q.currency, &b);
		if (rc == DB_ERROR)
			return -1;
		if (rc != DB_OK)
			return problem(p, 409, "project_id", _("This project has "
			    "no budget in the request's currency. Choose a "
			    "project with a budget in that currency, or ask the "
			    "office (need-info) to request it in the project's "
			    "currency."));
	}
	if (seal(r, "reason", q.case_id, reason, &sealed) < 0) {
		wipe(&sealed);
		return -1;
	}
	if (tx_begin(r) < 0) {
		wipe(&sealed);
		return -1;
	}
	rc = db_fund_decide(r->app->db, id, decision, cents, project_id,
	    sealed.p, sealed.len, r->user.id, r->now);
	wipe(&sealed);
	if (rc == DB_CONFLICT || rc == DB_FUND_LIMIT || rc == DB_NOTFOUND) {
		tx_end(r, 1);
		if (rc == DB_CONFLICT)
			return problem(p, 409, NULL, _("This request was decided "
			    "already: only a submitted request can be decided."));
		if (rc == DB_NOTFOUND)
			return problem(p, 409, "project_id", _("This project has "
			    "no budget in the request's currency."));
		return problem(p, 409, "amount", _("The project's remaining "
		    "budget in this currency is smaller than this amount."));
	}
	rc = rc == DB_OK ? 0 : -1;
	if (rc == 0)
		rc = timeline_add(r, q.case_id, kind, id, NULL, false,
		    step_detail(q.type, approve ? cents : q.amount, q.currency,
		    approve ? pr.name : NULL));
	if (rc == 0 && approve) {
		int arc = db_project_case_add(r->app->db, project_id, q.case_id,
		    r->user.id, r->now);

		if (arc == DB_OK)
			rc = timeline_add(r, q.case_id, "project.assigned",
			    project_id, NULL, false, json_pack("{s:s}",
			    "project", pr.name));
		else if (arc != DB_CONFLICT)
			rc = -1;
	}
	if (rc == 0) {
		json_t *d = json_pack("{s:I,s:s,s:s}", "request", (json_int_t)id,
		    "decision", decision, "currency", q.currency);

		if (d && approve) {
			json_object_set_new(d, "amount",
			    json_string(fund_amount_format(cents, a)));
			json_object_set_new(d, "project", json_integer(project_id));
		}
		rc = audit(r, "fund.decide", q.case_id, NULL, d);
	}
	return tx_end(r, rc);
}

int
fund_disburse(struct req *r, int64_t id, const char *amount,
    const char *date, const char *note, struct fund_problem *p)
{
	struct fund_request q;
	struct buf sealed = BUF_INIT(FUND_NOTE_BUF);
	char day[DB_DATE_SIZE];
	int64_t cents, did = 0;
	int rc = load_for_change(r, id, PERM_FUND_DECIDE,
	    _("Only headquarters' programme manager records disbursements."),
	    &q, p);

	if (rc != 0)
		return rc;
	if (strcmp(q.state, "approved") != 0)
		return problem(p, 409, NULL, _("Only an approved request can "
		    "be paid out."));
	if (!fund_amount_parse(amount, &cents))
		return problem(p, 400, "amount", amount_refused(amount,
		    _("Give a positive amount with at most two decimals, such "
		    "as 1250.50.")));
	if (money_fits_msg(cents, q.currency))
		return problem(p, 400, "amount", money_fits_msg(cents,
		    q.currency));
	if (cents > q.approved - q.disbursed)
		return problem(p, 409, "amount", _("This is more than what "
		    "remains of the approved amount."));
	if (input_blank(date))
		fund_today(day);
	else if (input_date(date, INPUT_DATE_ANY, "") != NULL)
		return problem(p, 400, "date", input_date(date, INPUT_DATE_ANY,
		    ""));
	else
		snprintf(day, sizeof(day), "%s", date);
	{
		char today[DB_DATE_SIZE], decided[DB_DATE_SIZE];

		/* Money is paid out after the decision, and not ahead. */
		date_of(r->now, today);
		date_of(q.decided_at, decided);
		if (strcmp(day, today) > 0)
			return problem(p, 400, "date", _("A disbursement "
			    "cannot be dated in the future."));
		if (q.decided_at && strcmp(day, decided) < 0)
			return problem(p, 400, "date", _("A disbursement "
			    "cannot be dated before the approval."));
	}
	if (!opt_text_ok(note, FUND_NOTE_MAX))
		return problem(p, 400, "note", _("The note is too long (at "
		    "most 2,000 characters)."));
	note = opt_text(note);
	if (*note && seal(r, "note", q.case_id, note, &sealed) < 0) {
		wipe(&sealed);
		return -1;
	}
	if (tx_begin(r) < 0) {
		wipe(&sealed);
		return -1;
	}
	rc = db_fund_disburse(r->app->db, id, cents, day, sealed.p, sealed.len,
	    r->user.id, r->now, &did);
	wipe(&sealed);
	if (rc == DB_CONFLICT || rc == DB_FUND_LIMIT) {
		tx_end(r, 1);
		return rc == DB_CONFLICT ? problem(p, 409, NULL, _("Only an "
		    "approved request can be paid out.")) : problem(p, 409,
		    "amount", _("This is more than what remains of the "
		    "approved amount."));
	}
	rc = rc == DB_OK ? 0 : -1;
	if (rc == 0) {
		json_t *d = step_detail(q.type, cents, q.currency,
		    q.project_name);

		json_object_set_new(d, "date", json_string(day));
		rc = timeline_add(r, q.case_id, "fund.disbursed", id, day,
		    false, d);
	}
	if (rc == 0)
		rc = audit(r, "fund.disburse", q.case_id, NULL, json_pack(
		    "{s:I,s:I,s:s,s:s}", "request", (json_int_t)id,
		    "disbursement", (json_int_t)did, "amount", amount,
		    "currency", q.currency));
	return tx_end(r, rc);
}

/* --- projects --- */

/* The path of member key of item i of list ("donors[0].name"), in r's
 * arena; the list's name when it cannot be made. */
static const char *
item(struct req *r, const char *list, size_t i, const char *key)
{
	const char *f = r->arena ? arena_printf(r->arena, "%s[%zu].%s", list,
	    i, key) : NULL;

	return f ? f : list;
}

static bool
currency_or_default(const char *c, const char *def, char out[DB_CURRENCY_SIZE])
{
	if (c == NULL || *c == '\0')
		c = def;
	if (!money_currency_ok(c))
		return false;
	snprintf(out, DB_CURRENCY_SIZE, "%s", c);
	return true;
}

/* Characters (code points) of valid UTF-8 s. */
static size_t
chars_of(const char *s)
{
	size_t n = 0;

	for (; *s; s++)
		if (((unsigned char)*s & 0xC0) != 0x80)
			n++;
	return n;
}

/*
 * s cut to at most max bytes at a character boundary, with "…" when
 * cut (in r's arena): audit details have a size limit, and a row cut
 * short says more than one that says only that it was truncated.
 */
static const char *
clip(struct req *r, const char *s, size_t max)
{
	size_t n = strlen(s);
	const char *c;

	if (n <= max)
		return s;
	n = max;
	while (n > 0 && ((unsigned char)s[n] & 0xC0) == 0x80)
		n--;
	c = arena_printf(r->arena, "%.*s…", (int)n, s);
	return c ? c : "";
}

/*
 * Applies the fields of in that are given (NULL: left as they are) to
 * pr, each checked; a problem names the field. The budgets are not
 * here: they are lines of their own.
 */
static int
project_fields(const struct fund_project_change *in, struct project *pr,
    struct fund_problem *p)
{
	char today[DB_DATE_SIZE];
	const char *msg;
	int64_t v;
	char *end;

	if (in->name) {
		if (!text_ok(in->name, DB_PROJECT_NAME_CHARS))
			return problem(p, 400, "name", _("Give the project a name "
			    "(at most 300 characters)."));
		snprintf(pr->name, sizeof(pr->name), "%s", in->name);
	}
	if (in->region) {
		if (!opt_text_ok(in->region, DB_NAME_CHARS))
			return problem(p, 400, "region", _("The region has at "
			    "most 127 characters."));
		snprintf(pr->region, sizeof(pr->region), "%s",
		    opt_text(in->region));
	}
	/* A project's period is planned: within the horizon ahead. */
	fund_today(today);
	if (in->start) {
		if (!input_blank(in->start) && (msg = input_date(in->start,
		    INPUT_DATE_PLANNED, today)) != NULL)
			return problem(p, 400, "start", msg);
		snprintf(pr->start, sizeof(pr->start), "%s",
		    opt_text(in->start));
	}
	if (in->end) {
		if (!input_blank(in->end) && (msg = input_date(in->end,
		    INPUT_DATE_PLANNED, today)) != NULL)
			return problem(p, 400, "end", msg);
		snprintf(pr->end, sizeof(pr->end), "%s", opt_text(in->end));
	}
	if (pr->start[0] && pr->end[0] && strcmp(pr->start, pr->end) > 0)
		return problem(p, 400, "end", _("The project cannot end before "
		    "it starts."));
	if (in->target) {
		v = 0;
		if (*in->target) {
			errno = 0;
			v = strtoll(in->target, &end, 10);
			if (*in->target < '0' || *in->target > '9' || *end ||
			    errno || v < 0 || v > 1000000000)
				return problem(p, 400, "target", _("Give the "
				    "number of beneficiaries as a whole "
				    "number."));
		}
		pr->target = v;
	}
	if (in->target_group) {
		if (!opt_text_ok(in->target_group, DB_PROJECT_TEXT_CHARS))
			return problem(p, 400, "target_group", _("The target "
			    "group has at most 1000 characters."));
		snprintf(pr->target_group, sizeof(pr->target_group), "%s",
		    opt_text(in->target_group));
	}
	return 0;
}

/*
 * The role of a partner (untrusted, NULL for none) into *out: without
 * the white space around it (input.h's: zero-width spaces too), "" for
 * none or white space alone, in r's arena. A problem at field; -1 when
 * out of memory.
 */
static int
partner_role(struct req *r, const char *role, const char *field,
    const char **out, struct fund_problem *p)
{
	const char *s;
	char *t;

	*out = "";
	if (role == NULL)
		return 0;
	if (!utf8_valid(role, strlen(role)))
		return problem(p, 400, field, _("The role is not valid text."));
	if ((t = input_trim(r->arena, role)) == NULL)
		return -1;
	for (s = t; *s; s++)
		if ((unsigned char)*s < 0x20 || *s == 0x7f)
			return problem(p, 400, field, _("The role is one line "
			    "of text."));
	if (chars_of(t) > FUND_ROLE_MAX)
		return problem(p, 400, field, _("The role is too long (at most "
		    "200 characters)."));
	*out = t;
	return 0;
}

/*
 * Organisation org_id of the registry, for a new partnership, into *o;
 * a problem at field when it is no id, not the registry's, or disabled.
 */
static int
partner_org(struct req *r, int64_t org_id, const char *field,
    struct organisation *o, struct fund_problem *p)
{
	int rc;

	if (org_id <= 0)
		return problem(p, 400, field, _("Give the partner as the id "
		    "(organisation_id) of an organisation of the registry."));
	rc = db_org_get(r->app->db, org_id, o);
	if (rc == DB_ERROR)
		return -1;
	if (rc != DB_OK)
		return problem(p, 400, field, arena_printf(r->arena,
		    _("There is no organisation %lld in the registry: give "
		    "organisation_id as the id of one of its organisations."),
		    (long long)org_id));
	if (o->disabled)
		return problem(p, 400, field, _("This organisation is marked "
		    "as no longer in use: it cannot become a partner."));
	return 0;
}

static const char *
project_object(struct req *r, int64_t project_id)
{
	return arena_printf(r->arena, "project:%lld", (long long)project_id);
}

/* The audit of a partnership added or removed, in the transaction. */
static int
partner_audit(struct req *r, const char *action, int64_t project_id,
    int64_t org_id, const char *role)
{
	json_t *d = json_pack("{s:I,s:I}", "project", (json_int_t)project_id,
	    "organisation", (json_int_t)org_id);

	if (d && role && *role)
		json_object_set_new(d, "role", json_string(clip(r, role, 200)));
	return audit(r, action, 0, project_object(r, project_id), d);
}

int
fund_project_denied(struct req *r, const char *action, int64_t project_id)
{
	return audit(r, action, 0, project_id > 0 ?
	    project_object(r, project_id) : NULL, project_id > 0 ?
	    json_pack("{s:I}", "project", (json_int_t)project_id) : NULL);
}

int
fund_project_create(struct req *r, const struct fund_project_input *in,
    int64_t *id, struct fund_problem *p)
{
	struct project pr;
	struct budget_line lines[FUND_LINES_MAX + 1];
	struct donor donors[FUND_DONORS_MAX];
	struct project_partner partners[FUND_PARTNERS_MAX];
	struct fund_project_change f;
	struct organisation o;
	size_t i, j, nlines = 0;
	int rc;

	if (!user_can(&r->user, PERM_PROJECT_MANAGE))
		return problem(p, 403, NULL,
		    _("You are not allowed to manage projects."));
	memset(&pr, 0, sizeof(pr));
	memset(&f, 0, sizeof(f));
	f.name = in->name ? in->name : "";
	f.region = in->region;
	f.start = in->start;
	f.end = in->end;
	f.target = in->target;
	f.target_group = in->target_group;
	if ((rc = project_fields(&f, &pr, p)) != 0)
		return rc;
	if (!currency_or_default(in->currency, "", pr.currency))
		return currency_refused(p, "currency", in->currency, _("Give "
		    "the currency as its ISO 4217 code, such as USD, EUR or "
		    "THB."));
	memset(lines, 0, sizeof(lines));
	snprintf(lines[0].currency, sizeof(lines[0].currency), "%s",
	    pr.currency);
	if (!fund_amount_parse(in->budget, &lines[0].budget))
		return problem(p, 400, "budget", amount_refused(in->budget,
		    _("Give the budget as a positive amount with at most two "
		    "decimals.")));
	if (money_fits_msg(lines[0].budget, pr.currency))
		return problem(p, 400, "budget", money_fits_msg(lines[0].budget,
		    pr.currency));
	nlines = 1;
	/* A refusal names the member at fault: "budgets[1].currency". */
	for (i = 0; i < in->nlines && i < FUND_LINES_MAX; i++) {
		if (!currency_or_default(in->line_currency[i], "",
		    lines[nlines].currency))
			return problem(p, 400, item(r, "budgets", i,
			    "currency"), _("Each further budget line needs a "
			    "currency (ISO 4217) and a positive amount."));
		if (!fund_amount_parse(in->line_budget[i],
		    &lines[nlines].budget))
			return problem(p, 400, item(r, "budgets", i, "budget"),
			    money_not_money_msg(in->line_currency[i]) ?
			    money_not_money_msg(in->line_currency[i]) :
			    amount_refused(in->line_budget[i], _("Each further "
			    "budget line needs a currency (ISO 4217) and a "
			    "positive amount.")));
		if (money_fits_msg(lines[nlines].budget,
		    lines[nlines].currency))
			return problem(p, 400, item(r, "budgets", i, "budget"),
			    money_fits_msg(lines[nlines].budget,
			    lines[nlines].currency));
		for (j = 0; j < nlines; j++)
			if (strcmp(lines[j].currency, lines[nlines].currency) ==
			    0)
				return problem(p, 400, item(r, "budgets", i,
				    "currency"), _("A project has one budget "
				    "line per currency."));
		nlines++;
	}
	if (in->ndonors > FUND_DONORS_MAX)
		return problem(p, 400, "donors", _("Too many donors."));
	memset(donors, 0, sizeof(donors));
	for (i = 0; i < in->ndonors; i++) {
		if (!text_ok(in->donors[i].name, DB_PROJECT_NAME_CHARS))
			return problem(p, 400, item(r, "donors", i, "name"),
			    _("Each donor needs a name (at most 300 "
			    "characters)."));
		snprintf(donors[i].name, sizeof(donors[i].name), "%s",
		    in->donors[i].name);
		if (!fund_amount_parse(in->donors[i].amount, &donors[i].amount))
			return problem(p, 400, item(r, "donors", i, "amount"),
			    amount_refused(in->donors[i].amount, _("Each "
			    "donor's contribution is a positive amount with at "
			    "most two decimals.")));
		if (!currency_or_default(in->donors[i].currency, pr.currency,
		    donors[i].currency))
			return currency_refused(p, item(r, "donors", i,
			    "currency"), in->donors[i].currency, _("Give the donor's "
			    "currency as its ISO 4217 code."));
		if (money_fits_msg(donors[i].amount, donors[i].currency))
			return problem(p, 400, item(r, "donors", i,
			    "amount"), money_fits_msg(donors[i].amount,
			    donors[i].currency));
	}
	if (in->npartners > FUND_PARTNERS_MAX)
		return problem(p, 400, "partners", _("Too many partners."));
	for (i = 0; i < in->npartners; i++) {
		const char *of = arena_printf(r->arena,
		    "partners[%zu].organisation_id", i);
		const char *rf = arena_printf(r->arena, "partners[%zu].role", i);
		const char *role;

		if (of == NULL || rf == NULL)
			return -1;
		if ((rc = partner_org(r, in->partners[i].org_id, of, &o, p)) != 0)
			return rc;
		for (j = 0; j < i; j++)
			if (partners[j].org_id == o.id)
				return problem(p, 400, of, _("This organisation "
				    "is named twice among the partners."));
		if ((rc = partner_role(r, in->partners[i].role, rf, &role,
		    p)) != 0)
			return rc;
		memset(&partners[i], 0, sizeof(partners[i]));
		partners[i].org_id = o.id;
		snprintf(partners[i].role, sizeof(partners[i].role), "%s", role);
	}
	if (tx_begin(r) < 0)
		return -1;
	rc = db_project_add(r->app->db, &pr, lines, nlines, donors,
	    in->ndonors, r->user.id, r->now);
	if (rc == DB_CONFLICT) {
		tx_end(r, 1);
		return problem(p, 409, "name", _("A project of that name "
		    "exists already."));
	}
	rc = rc == DB_OK ? 0 : -1;
	if (rc == 0)
		rc = audit(r, "project.create", 0, NULL, json_pack("{s:I,s:s}",
		    "project", (json_int_t)pr.id, "currency", pr.currency));
	for (i = 0; rc == 0 && i < in->npartners; i++) {
		partners[i].project_id = pr.id;
		rc = db_project_partner_add(r->app->db, &partners[i], r->user.id,
		    r->now) == DB_OK ? 0 : -1;
		if (rc == 0)
			rc = partner_audit(r, "project.partner.add", pr.id,
			    partners[i].org_id, partners[i].role);
	}
	rc = tx_end(r, rc);
	if (rc == 0 && id)
		*id = pr.id;
	return rc;
}

/* The audit of one field of a project changed, old and new as JSON
 * (stolen). */
static int
field_audit(struct req *r, int64_t project_id, const char *field,
    json_t *old, json_t *new)
{
	return audit(r, "project.update", 0, project_object(r, project_id),
	    json_pack("{s:I,s:s,s:o,s:o}", "project", (json_int_t)project_id,
	    "field", field, "old", old ? old : json_null(), "new", new ? new :
	    json_null()));
}

static json_t *
text_or_null(struct req *r, const char *s)
{
	return *s ? json_string(clip(r, s, 200)) : json_null();
}

static const struct {
	const char *name;
	size_t off;
} project_texts[] = {
	{ "name", offsetof(struct project, name) },
	{ "region", offsetof(struct project, region) },
	{ "start", offsetof(struct project, start) },
	{ "end", offsetof(struct project, end) },
	{ "target_group", offsetof(struct project, target_group) },
};

static const char *
project_text(const struct project *pr, size_t i)
{
	return (const char *)pr + project_texts[i].off;
}

/* Whether pr changes any field of old (the budgets aside). */
static bool
project_changed(const struct project *old, const struct project *pr)
{
	size_t i;

	for (i = 0; i < ARRAY_SIZE(project_texts); i++)
		if (strcmp(project_text(old, i), project_text(pr, i)) != 0)
			return true;
	return old->target != pr->target;
}

/* One audit row per field of old that pr changes. */
static int
fields_audit(struct req *r, const struct project *old,
    const struct project *pr)
{
	size_t i;

	for (i = 0; i < ARRAY_SIZE(project_texts); i++) {
		const char *a = project_text(old, i), *b = project_text(pr, i);

		if (strcmp(a, b) != 0 && field_audit(r, pr->id,
		    project_texts[i].name, text_or_null(r, a),
		    text_or_null(r, b)) < 0)
			return -1;
	}
	if (old->target != pr->target && field_audit(r, pr->id, "target",
	    json_integer(old->target), json_integer(pr->target)) < 0)
		return -1;
	return 0;
}

static int
count_cb(void *arg, const struct budget_line *b)
{
	(void)b;
	(*(size_t *)arg)++;
	return 0;
}

struct line_change {
	char currency[DB_CURRENCY_SIZE];
	int64_t budget;
	const char *field;	/* "budget" or "budgets" */
};

int
fund_project_update(struct req *r, int64_t project_id,
    const struct fund_project_change *in, struct fund_problem *p)
{
	struct project old, pr;
	struct line_change lines[FUND_LINES_MAX + 1];
	struct budget_line b;
	char a[2][FUND_AMOUNT_STR], shown[MONEY_TEXT];
	size_t i, j, n = 0;
	int rc;

	if (!user_can(&r->user, PERM_PROJECT_MANAGE))
		return problem(p, 403, NULL,
		    _("You are not allowed to manage projects."));
	rc = db_project_get(r->app->db, project_id, &old);
	if (rc == DB_ERROR)
		return -1;
	if (rc != DB_OK)
		return problem(p, 404, NULL, _("There is no such project."));
	pr = old;
	if ((rc = project_fields(in, &pr, p)) != 0)
		return rc;
	memset(lines, 0, sizeof(lines));
	if (in->budget) {
		if (!fund_amount_parse(in->budget, &lines[0].budget))
			return problem(p, 400, "budget", amount_refused(
			    in->budget, _("Give the budget as a positive "
			    "amount with at most two decimals.")));
		snprintf(lines[0].currency, sizeof(lines[0].currency), "%s",
		    pr.currency);
		if (money_fits_msg(lines[0].budget, pr.currency))
			return problem(p, 400, "budget", money_fits_msg(
			    lines[0].budget, pr.currency));
		lines[n++].field = "budget";
	}
	if (in->nlines > FUND_LINES_MAX)
		return problem(p, 400, "budgets", _("Too many budget lines."));
	for (i = 0; i < in->nlines; i++) {
		/* As on creation: what is wrong, said as it is said there. */
		if (!currency_or_default(in->line_currency[i], "",
		    lines[n].currency))
			return problem(p, 400, "budgets",
			    money_not_money_msg(in->line_currency[i]) ?
			    money_not_money_msg(in->line_currency[i]) :
			    _("Each further budget line needs a currency (ISO "
			    "4217) and a positive amount."));
		if (!fund_amount_parse(in->line_budget[i], &lines[n].budget))
			return problem(p, 400, "budgets", amount_refused(
			    in->line_budget[i], _("Each further budget line "
			    "needs a currency (ISO 4217) and a positive "
			    "amount.")));
		if (money_fits_msg(lines[n].budget, lines[n].currency))
			return problem(p, 400, "budgets", money_fits_msg(
			    lines[n].budget, lines[n].currency));
		for (j = 0; j < n; j++)
			if (strcmp(lines[j].currency, lines[n].currency) == 0)
				return problem(p, 400, "budgets", _("A project "
				    "has one budget line per currency."));
		lines[n++].field = "budgets";
	}
	if (tx_begin(r) < 0)
		return -1;
	rc = 0;
	if (project_changed(&old, &pr)) {
		rc = db_project_update(r->app->db, &pr);
		if (rc == DB_CONFLICT || rc == DB_NOTFOUND) {
			tx_end(r, 1);
			return rc == DB_CONFLICT ? problem(p, 409, "name",
			    _("A project of that name exists already.")) :
			    problem(p, 404, NULL, _("There is no such "
			    "project."));
		}
		rc = rc == DB_OK ? fields_audit(r, &old, &pr) : -1;
	}
	for (i = 0; rc == 0 && i < n; i++) {
		int lrc = db_project_budget(r->app->db, project_id,
		    lines[i].currency, &b);
		bool existed = lrc == DB_OK;

		if (lrc == DB_ERROR) {
			rc = -1;
			break;
		}
		if (existed && b.budget == lines[i].budget)
			continue;
		if (!existed) {
			size_t have = 0;

			if (db_project_budgets(r->app->db, project_id,
			    count_cb, &have) != DB_OK) {
				rc = -1;
				break;
			}
			if (have > FUND_LINES_MAX) {
				tx_end(r, 1);
				return problem(p, 400, lines[i].field,
				    _("A project has at most 17 budget lines, "
				    "one per currency."));
			}
		}
		/* What is committed is promised to cases: the line may
		 * shrink to it, never below. */
		if (existed && lines[i].budget < b.committed) {
			tx_end(r, 1);
			return problem(p, 409, lines[i].field, arena_printf(
			    r->arena, _("The budget in %s cannot be lower than "
			    "what is committed in it already: %s %s. Nothing "
			    "was saved."), lines[i].currency, money_text(
			    b.committed, i18n_current(), shown),
			    lines[i].currency));
		}
		lrc = db_project_budget_set(r->app->db, project_id,
		    lines[i].currency, lines[i].budget);
		if (lrc == DB_FUND_LIMIT) {
			tx_end(r, 1);
			return problem(p, 409, lines[i].field, _("The budget "
			    "cannot be lower than what is committed in it "
			    "already. Nothing was saved."));
		}
		if (lrc != DB_OK) {
			rc = -1;
			break;
		}
		rc = audit(r, "project.update", 0, project_object(r,
		    project_id), json_pack("{s:I,s:s,s:s,s:o,s:s}", "project",
		    (json_int_t)project_id, "field", "budget", "currency",
		    lines[i].currency, "old", existed ?
		    json_string(fund_amount_format(b.budget, a[0])) :
		    json_null(), "new", fund_amount_format(lines[i].budget,
		    a[1])));
	}
	return tx_end(r, rc);
}

int
fund_project_partner_add(struct req *r, int64_t project_id,
    const struct fund_partner_input *in, struct fund_problem *p)
{
	struct project pr;
	struct organisation o;
	struct project_partner pp;
	const char *role;
	int rc;

	if (!user_can(&r->user, PERM_PROJECT_MANAGE))
		return problem(p, 403, NULL,
		    _("You are not allowed to manage projects."));
	rc = db_project_get(r->app->db, project_id, &pr);
	if (rc == DB_ERROR)
		return -1;
	if (rc != DB_OK)
		return problem(p, 404, NULL, _("There is no such project."));
	if ((rc = partner_org(r, in->org_id, "organisation_id", &o, p)) != 0)
		return rc;
	if ((rc = partner_role(r, in->role, "role", &role, p)) != 0)
		return rc;
	memset(&pp, 0, sizeof(pp));
	pp.project_id = project_id;
	pp.org_id = o.id;
	snprintf(pp.role, sizeof(pp.role), "%s", role);
	if (tx_begin(r) < 0)
		return -1;
	rc = db_project_partner_add(r->app->db, &pp, r->user.id, r->now);
	if (rc == DB_CONFLICT) {
		tx_end(r, 1);
		return problem(p, 409, "organisation_id", _("This organisation "
		    "is a partner of the project already. To change its role, "
		    "remove it and add it again."));
	}
	rc = rc == DB_OK ? partner_audit(r, "project.partner.add", project_id,
	    o.id, pp.role) : -1;
	return tx_end(r, rc);
}

int
fund_project_partner_remove(struct req *r, int64_t project_id,
    int64_t org_id, struct fund_problem *p)
{
	struct project pr;
	struct project_partner pp;
	int rc;

	if (!user_can(&r->user, PERM_PROJECT_MANAGE))
		return problem(p, 403, NULL,
		    _("You are not allowed to manage projects."));
	rc = db_project_get(r->app->db, project_id, &pr);
	if (rc == DB_ERROR)
		return -1;
	if (rc != DB_OK)
		return problem(p, 404, NULL, _("There is no such project."));
	if (tx_begin(r) < 0)
		return -1;
	rc = org_id > 0 ? db_project_partner_get(r->app->db, project_id,
	    org_id, &pp) : DB_NOTFOUND;
	if (rc == DB_OK)
		rc = db_project_partner_remove(r->app->db, project_id, org_id);
	if (rc == DB_NOTFOUND) {
		tx_end(r, 1);
		return problem(p, 404, "organisation_id", _("This organisation "
		    "is not a partner of the project."));
	}
	rc = rc == DB_OK ? partner_audit(r, "project.partner.remove",
	    project_id, org_id, pp.role) : -1;
	return tx_end(r, rc);
}

int
fund_project_donor_add(struct req *r, int64_t project_id,
    const struct fund_donor_input *in, struct fund_problem *p)
{
	struct project pr;
	struct donor d;
	int rc;

	if (!user_can(&r->user, PERM_PROJECT_MANAGE))
		return problem(p, 403, NULL,
		    _("You are not allowed to manage projects."));
	rc = db_project_get(r->app->db, project_id, &pr);
	if (rc == DB_ERROR)
		return -1;
	if (rc != DB_OK)
		return problem(p, 404, NULL, _("There is no such project."));
	memset(&d, 0, sizeof(d));
	d.project_id = project_id;
	if (!text_ok(in->name, DB_PROJECT_NAME_CHARS))
		return problem(p, 400, "name", _("Each donor needs a name (at "
		    "most 300 characters)."));
	snprintf(d.name, sizeof(d.name), "%s", in->name);
	if (!fund_amount_parse(in->amount, &d.amount))
		return problem(p, 400, "amount", amount_refused(in->amount,
		    _("Each donor's contribution is a positive amount with at "
		    "most two decimals.")));
	if (!currency_or_default(in->currency, pr.currency, d.currency))
		return currency_refused(p, "currency", in->currency, _("Give "
		    "the donor's currency as its ISO 4217 code."));
	if (money_fits_msg(d.amount, d.currency))
		return problem(p, 400, "amount", money_fits_msg(d.amount,
		    d.currency));
	if (tx_begin(r) < 0)
		return -1;
	rc = db_project_donor_add(r->app->db, &d) == DB_OK ? 0 : -1;
	if (rc == 0)
		rc = audit(r, "project.donor", 0, NULL, json_pack(
		    "{s:I,s:I,s:s,s:s}", "project", (json_int_t)project_id,
		    "donor", (json_int_t)d.id, "amount", in->amount, "currency",
		    d.currency));
	return tx_end(r, rc);
}

int
fund_project_assign(struct req *r, int64_t project_id, int64_t case_id,
    struct fund_problem *p)
{
	struct project pr;
	struct case_row c;
	int rc;

	if (!user_can(&r->user, PERM_PROJECT_MANAGE))
		return problem(p, 403, NULL,
		    _("You are not allowed to manage projects."));
	rc = db_project_get(r->app->db, project_id, &pr);
	if (rc == DB_ERROR)
		return -1;
	if (rc != DB_OK)
		return problem(p, 404, NULL, _("There is no such project."));
	if (case_id <= 0)
		return problem(p, 400, "case_id", _("Give the case to assign."));
	rc = cases_load(r, case_id, &c, "project.assign.denied");
	if (rc == DB_ERROR)
		return -1;
	if (rc != DB_OK)
		return problem(p, 400, "case_id", _("This case does not "
		    "exist."));
	if (tx_begin(r) < 0)
		return -1;
	rc = db_project_case_add(r->app->db, project_id, case_id, r->user.id,
	    r->now);
	if (rc == DB_CONFLICT) {
		tx_end(r, 1);
		return 0;
	}
	rc = rc == DB_OK ? 0 : -1;
	if (rc == 0)
		rc = timeline_add(r, case_id, "project.assigned", project_id,
		    NULL, false, json_pack("{s:s}", "project", pr.name));
	if (rc == 0)
		rc = audit(r, "project.assign", case_id, NULL, json_pack(
		    "{s:I}", "project", (json_int_t)project_id));
	return tx_end(r, rc);
}

struct pj_ctx {
	struct req *r;
	const char *date;
	json_t *arr;
	struct fund_total budget_usd, committed_usd, disbursed_usd;
	int64_t main_budget;
	const char *currency;
	struct fund_total funded;	/* in the project's currency */
};

static int
line_cb(void *arg, const struct budget_line *b)
{
	struct pj_ctx *ctx = arg;
	char a[4][FUND_AMOUNT_STR];

	json_array_append_new(ctx->arr, json_pack("{s:s,s:s,s:s,s:s,s:s}",
	    "currency", b->currency,
	    "budget", fund_amount_format(b->budget, a[0]),
	    "committed", fund_amount_format(b->committed, a[1]),
	    "disbursed", fund_amount_format(b->disbursed, a[2]),
	    "remaining", fund_amount_format(b->budget - b->committed, a[3])));
	if (strcmp(b->currency, ctx->currency) == 0)
		ctx->main_budget = b->budget;
	fund_total_usd(ctx->r, &ctx->budget_usd, b->budget, b->currency,
	    ctx->date);
	fund_total_usd(ctx->r, &ctx->committed_usd, b->committed, b->currency,
	    ctx->date);
	fund_total_usd(ctx->r, &ctx->disbursed_usd, b->disbursed, b->currency,
	    ctx->date);
	return 0;
}

static int
donor_cb(void *arg, const struct donor *d)
{
	struct pj_ctx *ctx = arg;
	char a[FUND_AMOUNT_STR];
	enum fund_conv rc;
	int64_t usd = 0, v = 0;

	json_array_append_new(ctx->arr, json_pack("{s:s,s:s,s:s}", "name",
	    d->name, "amount", fund_amount_format(d->amount, a), "currency",
	    d->currency));
	if (strcmp(d->currency, ctx->currency) == 0) {
		total_add(&ctx->funded, d->amount);
		return 0;
	}
	rc = fund_to_usd(ctx->r, d->amount, d->currency, ctx->date, &usd);
	if (rc == FUND_CONV_OK)
		rc = from_usd(ctx->r, usd, ctx->currency, ctx->date, &v);
	total_conv(&ctx->funded, rc, v);
	return 0;
}

struct pcase_ctx {
	struct req *r;
	json_t *arr;
	int failed;
};

static int
pcase_cb(void *arg, int64_t case_id)
{
	struct pcase_ctx *ctx = arg;
	struct case_row c;
	int rc = db_case_get(ctx->r->app->db, case_id, &c);

	if (rc == DB_ERROR) {
		ctx->failed = 1;
		return 1;
	}
	/* Cases out of the reader's scope count but are not named. */
	if (rc == DB_OK && cases_visible(ctx->r, &c))
		json_array_append_new(ctx->arr, json_pack("{s:I,s:s,s:s}",
		    "id", (json_int_t)c.id, "number", c.number, "office",
		    c.office_code));
	return 0;
}

static int
partner_cb(void *arg, const struct project_partner *pp)
{
	return json_array_append_new(arg, json_pack(
	    "{s:I,s:s,s:s,s:s?,s:s?,s:b}", "organisation_id",
	    (json_int_t)pp->org_id, "name", pp->org_name, "type", pp->org_type,
	    "country", pp->org_country[0] ? pp->org_country : NULL, "role",
	    pp->role[0] ? pp->role : NULL, "disabled", pp->org_disabled));
}

static int
org_project_cb(void *arg, const struct project_partner *pp)
{
	return json_array_append_new(arg, json_pack("{s:I,s:s,s:s?}", "id",
	    (json_int_t)pp->project_id, "name", pp->project, "role",
	    pp->role[0] ? pp->role : NULL));
}

json_t *
fund_org_projects_json(struct req *r, int64_t org_id)
{
	json_t *a = json_array();

	if (a == NULL || db_org_projects(r->app->db, org_id, org_project_cb,
	    a) != DB_OK) {
		json_decref(a);
		return NULL;
	}
	return a;
}

json_t *
fund_project_json(struct req *r, const struct project *pr, const char *date,
    bool full)
{
	struct pj_ctx ctx;
	struct pcase_ctx pc = { r, NULL, 0 };
	struct fund_total mb = { 0, false, false }, raise, remaining;
	char today[DB_DATE_SIZE], a[1][FUND_AMOUNT_STR];
	json_t *o, *lines, *donors;

	if (date == NULL || *date == '\0') {
		fund_today(today);
		date = today;
	}
	memset(&ctx, 0, sizeof(ctx));
	ctx.r = r;
	ctx.date = date;
	ctx.currency = pr->currency;
	lines = ctx.arr = json_array();
	if (db_project_budgets(r->app->db, pr->id, line_cb, &ctx) != DB_OK) {
		json_decref(lines);
		return NULL;
	}
	donors = ctx.arr = json_array();
	if (db_project_donors(r->app->db, pr->id, donor_cb, &ctx) != DB_OK) {
		json_decref(lines);
		json_decref(donors);
		return NULL;
	}
	mb.cents = ctx.main_budget;
	fund_totals_whole(&ctx.budget_usd, &ctx.committed_usd,
	    &ctx.disbursed_usd);
	raise = fund_total_minus(&mb, &ctx.funded);
	if (!raise.overflow && raise.cents < 0)
		raise.cents = 0;
	remaining = fund_total_minus(&ctx.budget_usd, &ctx.committed_usd);
	o = json_pack("{s:I,s:s,s:s,s:s?,s:s?,s:I,s:s,s:s,s:I,s:o,s:o,"
	    "s:s,s:o,s:o,s:b,s:b,s:s}",
	    "id", (json_int_t)pr->id, "name", pr->name, "region", pr->region,
	    "start", pr->start[0] ? pr->start : NULL,
	    "end", pr->end[0] ? pr->end : NULL,
	    "target", (json_int_t)pr->target,
	    "target_group", pr->target_group, "currency", pr->currency,
	    "assisted", (json_int_t)pr->assisted, "budgets", lines,
	    "donors", donors,
	    "budget", fund_amount_format(ctx.main_budget, a[0]),
	    "funded", fund_total_json(&ctx.funded),
	    "still_to_raise", fund_total_json(&raise),
	    "funded_incomplete", ctx.funded.missing,
	    "funded_overflow", ctx.funded.overflow, "date", date);
	if (o == NULL)
		return NULL;
	json_object_set_new(o, "usd", json_pack("{s:o,s:o,s:o,s:o,s:b,s:b}",
	    "budget", fund_total_json(&ctx.budget_usd),
	    "committed", fund_total_json(&ctx.committed_usd),
	    "disbursed", fund_total_json(&ctx.disbursed_usd),
	    "remaining", fund_total_json(&remaining),
	    "incomplete", ctx.budget_usd.missing,
	    "overflow", ctx.budget_usd.overflow));
	if (!full)
		return o;
	pc.arr = json_array();
	if (db_project_cases(r->app->db, pr->id, pcase_cb, &pc) != DB_OK ||
	    pc.failed) {
		json_decref(pc.arr);
		json_decref(o);
		return NULL;
	}
	json_object_set_new(o, "cases", pc.arr);
	pc.arr = json_array();
	if (pc.arr == NULL || db_project_partners(r->app->db, pr->id,
	    partner_cb, pc.arr) != DB_OK) {
		json_decref(pc.arr);
		json_decref(o);
		return NULL;
	}
	json_object_set_new(o, "partners", pc.arr);
	return o;
}

int
fund_rate_set(struct req *r, const char *currency, const char *valid_from,
    const char *rate, bool replace, struct fund_problem *p)
{
	struct fund_rate rt;
	char a[FUND_AMOUNT_STR], b[FUND_AMOUNT_STR], shown[MONEY_TEXT];
	char today[DB_DATE_SIZE];
	const char *msg;
	int64_t old = 0;
	json_t *d;
	int rc;

	if (!user_can(&r->user, PERM_PROJECT_MANAGE))
		return problem(p, 403, NULL,
		    _("You are not allowed to manage exchange rates."));
	memset(&rt, 0, sizeof(rt));
	if (!money_currency_ok(currency))
		return currency_refused(p, "currency", currency, _("Give the "
		    "currency as its ISO 4217 code, such as USD, EUR or THB."));
	if (strcmp(currency, USD) == 0)
		return problem(p, 400, "currency", _("USD is the reporting "
		    "currency: its rate is always 1."));
	/* A rate may be set ahead, within the horizon: one far ahead
	 * would take over the totals for good the day it comes. */
	fund_today(today);
	if ((msg = input_date(valid_from, INPUT_DATE_PLANNED, today)) != NULL)
		return problem(p, 400, "valid_from", msg);
	if (!money_decimal(rate, 6, RATE_MAX, &rt.rate) || rt.rate <= 0)
		return problem(p, 400, "rate", _("Give the rate as units of the "
		    "currency per US dollar, a positive number with at most "
		    "six decimals."));
	snprintf(rt.currency, sizeof(rt.currency), "%s", currency);
	snprintf(rt.valid_from, sizeof(rt.valid_from), "%s", valid_from);
	if (tx_begin(r) < 0)
		return -1;
	/* A rate already used converts past totals: replacing it is a
	 * choice the user makes knowingly, and the audit keeps both. */
	rc = db_rate_get(r->app->db, rt.currency, rt.valid_from, &old);
	if (rc == DB_ERROR)
		return tx_end(r, -1);
	if (rc == DB_OK && !replace) {
		tx_end(r, 1);
		return problem(p, 409, "replace", arena_printf(r->arena,
		    _("%s has a rate of %s from %s already. Replacing it "
		    "changes the USD totals from that date on: confirm that "
		    "you want to replace it."), rt.currency,
		    money_text_scaled(old, 6, 0, r->lang, shown),
		    rt.valid_from));
	}
	d = json_pack("{s:s,s:s,s:s}", "currency", rt.currency, "valid_from",
	    rt.valid_from, "rate", fund_rate_format(rt.rate, a));
	if (d && rc == DB_OK)
		json_object_set_new(d, "previous",
		    json_string(fund_rate_format(old, b)));
	rc = db_rate_set(r->app->db, &rt, rc == DB_OK, r->user.id, r->now);
	if (rc == DB_CONFLICT) {
		json_decref(d);
		tx_end(r, 1);
		return problem(p, 409, "replace", _("This rate was just "
		    "changed by someone else: look at it again."));
	}
	if (rc != DB_OK || audit(r, "fund.rate", 0, NULL, d) < 0) {
		if (rc != DB_OK)
			json_decref(d);
		return tx_end(r, -1);
	}
	return tx_end(r, 0);
}

/* --- turnaround and summary --- */

struct ta_ctx {
	struct req *r;
	int64_t *all;
	size_t n, cap;
	struct fund_turnaround *t;
	int failed;
};

static int
cmp_i64(const void *a, const void *b)
{
	int64_t x = *(const int64_t *)a, y = *(const int64_t *)b;

	return x < y ? -1 : x > y;
}

static void
stat_of(int64_t *v, size_t n, struct fund_stat *s)
{
	long double sum = 0;
	size_t i;

	s->count = (int64_t)n;
	s->median_hours = s->mean_hours = 0;
	if (n == 0)
		return;
	qsort(v, n, sizeof(*v), cmp_i64);
	for (i = 0; i < n; i++)
		sum += v[i];
	s->mean_hours = (double)(sum / n / 3600.0L);
	s->median_hours = n % 2 ? v[n / 2] / 3600.0 :
	    (v[n / 2 - 1] + v[n / 2]) / 7200.0;
}

static int
ta_cb(void *arg, const struct fund_turnaround_row *row)
{
	struct ta_ctx *ctx = arg;
	struct fund_turnaround *t = ctx->t;
	const char *office = row->office_code;
	int64_t seconds = row->seconds;
	struct fund_request q;

	/* The decisions of requests r may see, as the lists do. */
	memset(&q, 0, sizeof(q));
	q.case_id = row->case_id;
	q.case_office_id = row->case_office_id;
	q.case_assigned_to = row->case_assigned_to;
	q.case_high_risk = row->case_high_risk;
	if (!fund_request_visible(ctx->r, &q))
		return 0;

	if (ctx->n == ctx->cap) {
		size_t cap = ctx->cap ? ctx->cap * 2 : 256;
		int64_t *p = realloc(ctx->all, cap * sizeof(*p));

		if (p == NULL) {
			ctx->failed = 1;
			return 1;
		}
		ctx->all = p;
		ctx->cap = cap;
	}
	if (t->noffices == 0 ||
	    strcmp(t->offices[t->noffices - 1].office, office) != 0) {
		if (t->noffices == FUND_OFFICES_MAX)
			return 0;
		snprintf(t->offices[t->noffices].office,
		    sizeof(t->offices[0].office), "%s", office);
		t->offices[t->noffices++].count = 0;
	}
	t->offices[t->noffices - 1].count++;
	ctx->all[ctx->n++] = seconds < 0 ? 0 : seconds;
	return 0;
}

int
fund_turnaround(struct req *r, struct fund_turnaround *t)
{
	struct ta_ctx ctx;
	size_t i, at = 0;

	memset(t, 0, sizeof(*t));
	memset(&ctx, 0, sizeof(ctx));
	ctx.r = r;
	ctx.t = t;
	if (db_fund_turnaround(r->app->db, ta_cb, &ctx) != DB_OK ||
	    ctx.failed) {
		free(ctx.all);
		return -1;
	}
	/* Rows come by office: each office's values are contiguous. */
	for (i = 0; i < t->noffices; i++) {
		size_t n = (size_t)t->offices[i].count;

		stat_of(ctx.all + at, n, &t->offices[i]);
		at += n;
	}
	stat_of(ctx.all, at, &t->overall);
	free(ctx.all);
	return 0;
}

static json_t *
stat_json(const struct fund_stat *s)
{
	return json_pack("{s:I,s:f,s:f}", "count", (json_int_t)s->count,
	    "median_hours", s->median_hours, "mean_hours", s->mean_hours);
}

json_t *
fund_turnaround_json(const struct fund_turnaround *t)
{
	json_t *offices = json_array(), *o;
	size_t i;

	for (i = 0; i < t->noffices; i++) {
		o = stat_json(&t->offices[i]);
		json_object_set_new(o, "office", json_string(
		    t->offices[i].office));
		json_array_append_new(offices, o);
	}
	return json_pack("{s:o,s:o}", "overall", stat_json(&t->overall),
	    "offices", offices);
}

struct sum_ctx {
	struct req *r;
	struct fund_summary *s;
};

/* Counts only what the reader's lists show: a request of a case hidden
 * from r (high risk) must not show up as a number either. */
static int
queue_cb(void *arg, const struct fund_request *q)
{
	struct sum_ctx *ctx = arg;

	struct fund_summary *s = ctx->s;
	struct fund_queue_office *o = NULL;
	int64_t days;
	size_t i;

	if (!fund_request_visible(ctx->r, q))
		return 0;
	if (s->queue_length++ == 0)
		s->oldest_wait = ctx->r->now - q->submitted_at;
	/* Offices are few: a look along the list, kept in code order. */
	for (i = 0; i < s->nqueue_offices; i++) {
		int c = strcmp(s->queue_offices[i].office, q->office_code);

		if (c == 0) {
			o = &s->queue_offices[i];
			break;
		}
		if (c > 0)
			break;
	}
	if (o == NULL) {
		if (s->nqueue_offices == FUND_OFFICES_MAX)
			return 0;
		memmove(&s->queue_offices[i + 1], &s->queue_offices[i],
		    (s->nqueue_offices - i) * sizeof(s->queue_offices[0]));
		o = &s->queue_offices[i];
		memset(o, 0, sizeof(*o));
		snprintf(o->office, sizeof(o->office), "%s", q->office_code);
		s->nqueue_offices++;
	}
	days = (ctx->r->now - q->submitted_at) / 86400;
	o->count++;
	o->by_wait[days < 7 ? FUND_WAIT_WEEK : days < 30 ? FUND_WAIT_MONTH :
	    FUND_WAIT_LONGER]++;
	return 0;
}

static int
sum_line_cb(void *arg, const struct budget_line *b)
{
	struct sum_ctx *ctx = arg;
	struct fund_summary *s = ctx->s;
	struct fund_summary_line *l;
	struct project pr;

	fund_total_usd(ctx->r, &s->budget_usd, b->budget, b->currency, NULL);
	fund_total_usd(ctx->r, &s->committed_usd, b->committed, b->currency,
	    NULL);
	fund_total_usd(ctx->r, &s->disbursed_usd, b->disbursed, b->currency,
	    NULL);
	if (s->nlines == FUND_SUMMARY_LINES)
		return 0;
	l = &s->lines[s->nlines++];
	memset(l, 0, sizeof(*l));
	l->project_id = b->project_id;
	if (db_project_get(ctx->r->app->db, b->project_id, &pr) == DB_OK)
		snprintf(l->project, sizeof(l->project), "%s", pr.name);
	snprintf(l->currency, sizeof(l->currency), "%s", b->currency);
	l->budget = b->budget;
	l->committed = b->committed;
	l->disbursed = b->disbursed;
	return 0;
}

int
fund_summary(struct req *r, struct fund_summary *s)
{
	struct fund_filter f = { 0, 0, "submitted" };
	struct sum_ctx ctx = { r, s };

	memset(s, 0, sizeof(*s));
	if (!user_can(&r->user, PERM_FUND_READ))
		return error("fund: summary without the right to read it");
	if (db_fund_request_list(r->app->db, &f, queue_cb, &ctx) != DB_OK ||
	    fund_turnaround(r, &s->turnaround) < 0 ||
	    db_project_budgets(r->app->db, 0, sum_line_cb, &ctx) != DB_OK)
		return -1;
	fund_totals_whole(&s->budget_usd, &s->committed_usd,
	    &s->disbursed_usd);
	if (s->oldest_wait < 0)
		s->oldest_wait = 0;
	return 0;
}
