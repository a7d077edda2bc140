/*
 * timeline.c - the steps of a case (events.def), written by the modules
 * that make them and read back in the order they happened.
 */
#include "compat.h"

#include <stdio.h>
#include <string.h>
#include <time.h>

#include "cases.h"
#include "catalogue.h"
#include "date.h"
#include "db.h"
#include "i18n.h"
#include "log.h"
#include "money.h"
#include "page.h"
#include "timeline.h"

static const struct {
	const char *kind;
	const char *label;
} kinds[] = {
#define EVENT(k, l) { k, l },
#include "events.def"
#undef EVENT
};

/* The detail keys that are not code lists, with their labels. */
static const struct {
	const char *key;
	const char *label;
} plain_keys[] = {
	{ "amount", N_("Amount") },
	{ "currency", N_("Currency") },
	{ "office", N_("Office") },
	{ "from_office", N_("From office") },
	{ "to_office", N_("To office") },
	{ "date", N_("Date") },
	{ "project", N_("Project") },
	{ "visits", N_("Visits") },
	{ "legs", N_("Travel legs") },
	{ "packages", N_("Packages") },
	/* Steps recorded before the three above had their own names. */
	{ "count", N_("Count") },
};

bool
timeline_kind_ok(const char *kind)
{
	size_t i;

	for (i = 0; kind && i < ARRAY_SIZE(kinds); i++)
		if (strcmp(kinds[i].kind, kind) == 0)
			return true;
	return false;
}

const char *
timeline_label(const char *kind)
{
	size_t i;

	for (i = 0; kind && i < ARRAY_SIZE(kinds); i++)
		if (strcmp(kinds[i].kind, kind) == 0)
			return _(kinds[i].label);
	return kind ? kind : "";
}

static bool
key_ok(const char *key)
{
	size_t i;

	if (codelist_by_name(key) >= 0)
		return true;
	for (i = 0; i < ARRAY_SIZE(plain_keys); i++)
		if (strcmp(plain_keys[i].key, key) == 0)
			return true;
	return false;
}

int
timeline_add(struct req *r, int64_t case_id, const char *kind,
    int64_t ref_id, const char *on_date, bool restricted, json_t *detail)
{
	struct case_event e;
	const char *key;
	json_t *v;
	char *text;
	int rc;

	if (NEVER(!timeline_kind_ok(kind))) {
		json_decref(detail);
		return error("timeline: unknown kind %s", kind ? kind : "");
	}
	if (NEVER(on_date && *on_date && !date_valid(on_date))) {
		json_decref(detail);
		return error("timeline: bad date for %s", kind);
	}
	if (detail) {
		json_object_foreach(detail, key, v)
			if (NEVER(!key_ok(key))) {
				json_decref(detail);
				return error("timeline: detail key %s is not "
				    "declared", key);
			}
	}
	memset(&e, 0, sizeof(e));
	e.case_id = case_id;
	/* When the request happened (a demo or an import may date it). */
	e.at = r && r->now ? r->now : (int64_t)time(NULL);
	if (on_date && *on_date)
		snprintf(e.on_date, sizeof(e.on_date), "%s", on_date);
	if (r && r->authed) {
		e.user_id = r->user.id;
		e.office_id = r->user.office_id;
	}
	snprintf(e.kind, sizeof(e.kind), "%s", kind);
	e.ref_id = ref_id;
	e.restricted = restricted;
	if (detail) {
		text = json_dumps(detail, JSON_COMPACT | JSON_SORT_KEYS);
		json_decref(detail);
		if (text == NULL)
			return error("timeline: out of memory");
		if (strlen(text) >= sizeof(e.detail)) {
			free(text);
			return error("timeline: detail of %s too long", kind);
		}
		snprintf(e.detail, sizeof(e.detail), "%s", text);
		free(text);
	}
	rc = db_event_add(r->app->db, &e);
	return rc == DB_OK ? 0 : -1;
}

static const char *
plain_label(const char *key)
{
	size_t i;

	for (i = 0; i < ARRAY_SIZE(plain_keys); i++)
		if (strcmp(plain_keys[i].key, key) == 0)
			return _(plain_keys[i].label);
	return key;
}

/* One value of the detail, as a reader should see it. */
static void
value_text(struct buf *b, const char *key, json_t *v)
{
	int cl = codelist_by_name(key);
	size_t i;
	json_t *x;

	if (json_is_array(v)) {
		json_array_foreach(v, i, x) {
			if (i)
				buf_addstr(b, ", ");
			value_text(b, key, x);
		}
		return;
	}
	if (json_is_integer(v)) {
		char n[MONEY_TEXT];

		/* A count, as every page writes figures. */
		buf_addstr(b, count_text(json_integer_value(v), i18n_current(),
		    n));
		return;
	}
	if (!json_is_string(v))
		return;
	if (cl >= 0 && code_valid((enum codelist)cl, json_string_value(v)))
		buf_addstr(b, code_label((enum codelist)cl,
		    json_string_value(v)));
	else
		buf_addstr(b, json_string_value(v));
}

/* The detail as "label: value · …", amounts with their currency. */
static void
detail_text(struct buf *b, const char *detail)
{
	json_t *d = json_loads(detail, 0, NULL), *v;
	const char *key;
	char lab[I18N_LABEL_MAX];
	bool first = true;

	if (d == NULL)
		return;
	json_object_foreach(d, key, v) {
		if (strcmp(key, "currency") == 0)
			continue;
		if (!first)
			buf_addstr(b, " · ");
		first = false;
		if (strcmp(key, "amount") == 0) {
			char m[MONEY_TEXT];

			buf_addstr(b, i18n_colon(plain_label(key), lab));
			/* In the reader's way, as every page writes amounts. */
			if (json_is_string(v))
				buf_addstr(b, money_text_of(json_string_value(v),
				    i18n_current(), m));
			else
				value_text(b, key, v);
			if (json_is_string(json_object_get(d, "currency")))
				buf_printf(b, " %s", json_string_value(
				    json_object_get(d, "currency")));
		} else if (codelist_by_name(key) >= 0) {
			value_text(b, key, v);
		} else {
			buf_addstr(b, i18n_colon(plain_label(key), lab));
			value_text(b, key, v);
		}
	}
	json_decref(d);
}

struct collect {
	struct req *r;
	bool health;
	bool full;	/* may read the case file: every step */
	bool fund;	/* follows the fund: its and projects' steps */
	int64_t until;	/* no step recorded after this one (0: no end,
			 * -1: none at all) */
	json_t *arr;
	struct html *h;
	int n;
};


/*
 * Health steps need health access. Who may not read the case file (a
 * medical officer) sees the health steps and the case's registration,
 * status and assignment, not the rest of its story; who follows the fund
 * (a programme manager) also its fund and project steps, which carry
 * amounts and decisions, never personal data.
 */
static bool
shown(const struct collect *c, const struct case_event *e)
{
	if (c->until && (c->until < 0 || e->id > c->until))
		return false;
	if (e->restricted)
		return c->health;
	return c->full || strcmp(e->kind, "case.created") == 0 ||
	    strcmp(e->kind, "case.status") == 0 ||
	    strcmp(e->kind, "case.assigned") == 0 ||
	    (c->fund && (strncmp(e->kind, "fund.", 5) == 0 ||
	    strncmp(e->kind, "project.", 8) == 0));
}

static int
json_cb(void *arg, const struct case_event *e)
{
	struct collect *c = arg;
	char at[TIME_ISO_SIZE];
	json_t *o, *d;

	if (!shown(c, e))
		return 0;
	time_iso(e->at, at);
	d = json_loads(e->detail, 0, NULL);
	o = json_pack("{s:I,s:s,s:s,s:s,s:o,s:o,s:o,s:o,s:o}",
	    "id", (json_int_t)e->id,
	    "kind", e->kind,
	    "label", timeline_label(e->kind),
	    "recorded_at", at,
	    "date", e->on_date[0] ? json_string(e->on_date) : json_null(),
	    "by", e->user_id ? json_string(e->username) : json_null(),
	    "office", e->office_code[0] ? json_string(e->office_code) :
	    json_null(),
	    "ref_id", e->ref_id ? json_integer(e->ref_id) : json_null(),
	    "detail", d ? d : json_object());
	if (o == NULL || json_array_append_new(c->arr, o) != 0)
		return -1;
	return 0;
}

json_t *
timeline_json(struct req *r, int64_t case_id, int64_t until)
{
	struct collect c = { .r = r, .health = cases_health_ok(r),
	    .full = user_can(&r->user, PERM_CASEFILE_READ),
	    .fund = user_can(&r->user, PERM_FUND_READ), .until = until };

	c.arr = json_array();
	if (c.arr == NULL)
		return NULL;
	if (db_event_list(r->app->db, case_id, json_cb, &c) != DB_OK) {
		json_decref(c.arr);
		return NULL;
	}
	return c.arr;
}

static int
html_cb(void *arg, const struct case_event *e)
{
	struct collect *c = arg;
	char at[PAGE_MARK], on[PAGE_MARK];
	struct buf b;

	if (!shown(c, e))
		return 0;
	buf_init(&b, 4096);
	detail_text(&b, e->detail);
	html_printf(c->h, "<li><p><strong>%s</strong>", timeline_label(e->kind));
	if (b.len)
		html_printf(c->h, "<br><span>%s</span>", buf_cstr(&b));
	html_printf(c->h, "</p><small>");
	if (e->on_date[0])
		html_printf(c->h, "%R · ", page_day(e->on_date, on));
	html_printf(c->h, "%s %R · %s %s", _("recorded"), page_when(e->at, at),
	    _("by"),
	    e->user_id ? e->username : _("the system"));
	if (e->office_code[0])
		html_printf(c->h, " (%s)", e->office_code);
	html_printf(c->h, "</small></li>");
	buf_release(&b);
	c->n++;
	return 0;
}

int
timeline_html(struct req *r, struct html *h, int64_t case_id,
    int64_t until)
{
	struct collect c = { .r = r, .health = cases_health_ok(r),
	    .full = user_can(&r->user, PERM_CASEFILE_READ),
	    .fund = user_can(&r->user, PERM_FUND_READ), .h = h,
	    .until = until };
	int rc;

	html_printf(h, "<ol class=\"timeline\">");
	rc = db_event_list(r->app->db, case_id, html_cb, &c);
	if (c.n == 0)
		html_printf(h, "<li>%s</li>", _("Nothing recorded yet."));
	html_printf(h, "</ol>");
	return rc == DB_OK ? 0 : -1;
}
