/*
 * page_moves.c - the pages of return and handover (/cases/{id}/return,
 * /transfers), reintegration (/cases/{id}/reintegration, /visits) and
 * the visit schedule setting (/admin/settings). They work without
 * JavaScript: every action is a form posted back to its page, which
 * redirects on success and re-shows the page with the message when
 * refused. Forms are turned into the same JSON the API takes, and go
 * through moves.c.
 */
#include "compat.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "audit.h"
#include "cases.h"
#include "catalogue.h"
#include "handlers.h"
#include "i18n.h"
#include "isocodes.h"
#include "moves.h"
#include "money.h"
#include "page.h"
#include "protection.h"
#include "timeline.h"

#define LEG_ROWS_MIN 3
#define LEG_ROWS_MAX 10
#define PKG_ROWS_MIN 3
#define PKG_ROWS_MAX 20

static const char *
jstr(json_t *o, const char *key)
{
	const char *s = json_string_value(json_object_get(o, key));

	return s ? s : "";
}

/* Copies form value name (when not empty) into o as key. */
static void
put(struct req *r, json_t *o, const char *key, const char *name)
{
	const char *v = req_form(r, name);

	if (v && *v)
		json_object_set_new(o, key, json_string(v));
}

/* A form's amount as key "amount" of o, read in the user's way
 * (money.h); as typed when it does not read, for moves.c to refuse. */
static void
put_amount(struct req *r, json_t *o, const char *name)
{
	char a[MONEY_STR];
	const char *v = req_form(r, name);

	if (v && *v)
		json_object_set_new(o, "amount", json_string(money_form_value(v,
		    r->lang, 2, MONEY_FORM_MAX, a)));
}

/* A form value as typed (untrusted: only ever escaped), "" if none. */
static const char *
form_or(struct req *r, const char *name)
{
	const char *v = r->method == M_POST ? req_form(r, name) : NULL;

	return v && utf8_valid(v, strlen(v)) ? v : "";
}

static const char *
action_of(struct req *r)
{
	return form_or(r, "action");
}

static json_t *form_legs(struct req *r);

static void
flash(struct html *h, const char *err)
{
	if (err)
		html_printf(h, "<p class=\"flash error\" role=\"alert\">%s</p>",
		    err);
}

static void
code_options(struct html *h, enum codelist cl, const char *selected,
    bool empty)
{
	const struct code_def *d;
	size_t n, i;

	d = codelist_codes(cl, &n);
	if (empty)
		html_printf(h, "<option value=\"\">—</option>");
	for (i = 0; i < n; i++)
		html_printf(h, "<option value=\"%s\"%R>%s</option>", d[i].code,
		    selected && strcmp(selected, d[i].code) == 0 ? " selected" :
		    "", code_label(cl, d[i].code));
}

static void
country_select(struct html *h, const char *id, const char *name,
    const char *selected, struct iso_option *opts, size_t n)
{
	size_t i;

	html_printf(h, "<select id=\"%s\" name=\"%s\"><option value=\"\">—"
	    "</option>", id, name);
	for (i = 0; i < n; i++)
		html_printf(h, "<option value=\"%s\"%R>%s</option>",
		    opts[i].code, selected && strcmp(selected, opts[i].code) == 0 ?
		    " selected" : "", opts[i].name);
	html_printf(h, "</select>");
}

struct office_opts {
	struct html *h;
	int64_t skip;
	const char *selected;
	const char *only;	/* offer this office alone, or NULL */
};

static int
office_opt_cb(void *arg, const struct office *o)
{
	struct office_opts *x = arg;

	if (o->id == x->skip || (x->only && strcmp(o->code, x->only) != 0))
		return 0;
	html_printf(x->h, "<option value=\"%s\"%R>%s — %s</option>", o->code,
	    x->selected && strcmp(x->selected, o->code) == 0 ? " selected" : "",
	    o->code, o->name);
	return 0;
}

static const char *
label_or_dash(enum codelist cl, const char *code)
{
	return code && *code ? code_label(cl, code) : "—";
}

static const char *
or_dash(const char *s)
{
	return s && *s ? s : "—";
}

/* --- the return page --- */

/* A leg's end: "Bangkok, Thailand", the country alone without a
 * place, the place alone without a country, "—" with neither. */
static void
leg_end(struct html *h, json_t *leg, const char *country_key,
    const char *place_key)
{
	const char *code = jstr(leg, country_key), *place = jstr(leg, place_key);
	const char *country = *code ? country_name(code) : NULL;

	if (*code && country == NULL)
		country = code;
	if (*place && country)
		html_printf(h, "%s, %s", place, country);
	else
		html_printf(h, "%s", *place ? place : country ? country : "—");
}

static void
legs_table(struct html *h, json_t *legs)
{
	const struct page_col cols[] = {
		{ _("From"), 0 }, { _("To"), 0 }, { _("Departure"), 0 },
		{ _("Arrival"), 0 }, { _("Means of transport"), 0 },
		{ _("Escort"), 0 }, { _("Travel documents"), 0 },
	};
	struct page_table t;
	char d1[PAGE_MARK], d2[PAGE_MARK];
	json_t *leg, *d;
	size_t i, j;

	page_table_begin(&t, h, "striped legs", NULL, cols, ARRAY_SIZE(cols));
	json_array_foreach(legs, i, leg) {
		html_printf(h, "<tr><td>");
		leg_end(h, leg, "from_country", "from_place");
		html_printf(h, "</td><td>");
		leg_end(h, leg, "to_country", "to_place");
		html_printf(h, "</td><td>%R</td><td>%R</td><td>%s</td><td>%s</td>"
		    "<td>", page_day(jstr(leg, "departure_date"), d1),
		    page_day(jstr(leg, "arrival_date"), d2),
		    label_or_dash(CL_TRANSPORT, jstr(leg, "means_of_transport")),
		    label_or_dash(CL_ESCORT, jstr(leg, "escort")));
		json_array_foreach(json_object_get(leg, "documents_used"), j, d)
			html_printf(h, "%s%s", j ? ", " : "",
			    code_label(CL_TRAVEL_DOCUMENTS, json_string_value(d)));
		if (j == 0)
			html_printf(h, "—");
		html_printf(h, "</td></tr>");
	}
	page_table_end(&t, json_array_size(legs), _("No travel legs yet."));
}

static void
legs_form(struct req *r, struct html *h, int64_t case_id, json_t *ret,
    struct iso_option *cs, size_t ncs)
{
	json_t *legs = json_object_get(ret, "legs");
	size_t rows = json_array_size(legs) + 1, i, k, nd;
	const struct code_def *docs = codelist_codes(CL_TRAVEL_DOCUMENTS, &nd);
	char id[32], name[32];

	if (rows < LEG_ROWS_MIN)
		rows = LEG_ROWS_MIN;
	if (rows > LEG_ROWS_MAX)
		rows = LEG_ROWS_MAX;
	html_printf(h, "<details%R><summary>%s</summary><form method=\"post\" "
	    "action=\"/cases/%L/return\" class=\"legs-form\">",
	    json_array_size(legs) ? "" : " open", _("Edit the travel legs"),
	    case_id);
	page_csrf(r, h);
	html_printf(h, "<input type=\"hidden\" name=\"action\" value=\"legs\">"
	    "<input type=\"hidden\" name=\"version\" value=\"%L\"><p><small>%s"
	    "</small></p>", (int64_t)json_integer_value(json_object_get(ret,
	    "version")), _("Leave a row empty to leave it out."));
	for (i = 0; i < rows; i++) {
		json_t *leg = json_array_get(legs, i);
		json_t *ld = json_object_get(leg, "documents_used");

		html_printf(h, "<fieldset class=\"leg\"><legend>%s %z</legend>"
		    "<div class=\"grid\">", _("Leg"), i + 1);
		snprintf(id, sizeof(id), "leg%zu_from_country", i);
		html_printf(h, "<label for=\"%s\">%s", id, _("From country"));
		country_select(h, id, id, jstr(leg, "from_country"), cs, ncs);
		snprintf(id, sizeof(id), "leg%zu_from_place", i);
		html_printf(h, "</label><label for=\"%s\">%s<input id=\"%s\" "
		    "name=\"%s\" maxlength=\"200\" value=\"%s\"></label>", id,
		    _("From place"), id, id, jstr(leg, "from_place"));
		snprintf(id, sizeof(id), "leg%zu_to_country", i);
		html_printf(h, "<label for=\"%s\">%s", id, _("To country"));
		country_select(h, id, id, jstr(leg, "to_country"), cs, ncs);
		snprintf(id, sizeof(id), "leg%zu_to_place", i);
		html_printf(h, "</label><label for=\"%s\">%s<input id=\"%s\" "
		    "name=\"%s\" maxlength=\"200\" value=\"%s\"></label></div>"
		    "<div class=\"grid\">", id, _("To place"), id, id,
		    jstr(leg, "to_place"));
		snprintf(id, sizeof(id), "leg%zu_departure_date", i);
		html_printf(h, "<label for=\"%s\">%s<input type=\"date\" id=\"%s\" "
		    "name=\"%s\" value=\"%s\"></label>", id, _("Departure date"),
		    id, id, jstr(leg, "departure_date"));
		snprintf(id, sizeof(id), "leg%zu_arrival_date", i);
		html_printf(h, "<label for=\"%s\">%s<input type=\"date\" id=\"%s\" "
		    "name=\"%s\" value=\"%s\"></label>", id, _("Arrival date"),
		    id, id, jstr(leg, "arrival_date"));
		snprintf(id, sizeof(id), "leg%zu_means_of_transport", i);
		html_printf(h, "<label for=\"%s\">%s<select id=\"%s\" name=\"%s\">",
		    id, _("Means of transport"), id, id);
		code_options(h, CL_TRANSPORT, jstr(leg, "means_of_transport"),
		    true);
		snprintf(id, sizeof(id), "leg%zu_escort", i);
		html_printf(h, "</select></label><label for=\"%s\">%s<select "
		    "id=\"%s\" name=\"%s\">", id, _("Escort"), id, id);
		code_options(h, CL_ESCORT, jstr(leg, "escort"), true);
		html_printf(h, "</select></label></div><fieldset><legend>%s"
		    "</legend>", _("Travel documents"));
		for (k = 0; k < nd; k++) {
			json_t *x;
			size_t j;
			bool on = false;

			json_array_foreach(ld, j, x)
				if (strcmp(json_string_value(x), docs[k].code) == 0)
					on = true;
			snprintf(name, sizeof(name), "leg%zu_doc_%s", i,
			    docs[k].code);
			html_printf(h, "<label><input type=\"checkbox\" name=\"%s\" "
			    "value=\"1\"%R> %s</label>", name, on ? " checked" :
			    "", code_label(CL_TRAVEL_DOCUMENTS, docs[k].code));
		}
		html_printf(h, "</fieldset></fieldset>");
	}
	html_printf(h, "<button type=\"submit\">%s</button></form></details>",
	    _("Save the travel legs"));
}

static const char *
stage_button(const char *stage)
{
	if (strcmp(stage, "Counselled") == 0)
		return _("Record pre-departure counselling");
	if (strcmp(stage, "Planned") == 0)
		return _("Confirm the travel plan");
	if (strcmp(stage, "Departed") == 0)
		return _("Record the departure");
	if (strcmp(stage, "Arrived") == 0)
		return _("Record arrival and reception");
	return _("Save");
}

static void
stage_forms(struct req *r, struct html *h, const struct case_row *c,
    json_t *ret)
{
	json_t *next = json_object_get(ret, "next"), *x;
	size_t i;

	json_array_foreach(next, i, x) {
		const char *st = json_string_value(x);
		bool cancel = strcmp(st, "Cancelled") == 0;
		/* A refused step is shown again as it was typed. */
		bool again = strcmp(action_of(r), "stage") == 0 &&
		    req_form(r, "stage") && strcmp(req_form(r, "stage"), st) == 0;

		if (strcmp(st, "Arrived") == 0 && !json_is_true(
		    json_object_get(ret, "dest_office_holds_case"))) {
			html_printf(h, "<p class=\"notice\">%s</p>", _("The arrival "
			    "is recorded by the office at destination, once it "
			    "has accepted the handover of the case."));
			continue;
		}
		html_printf(h, "<article class=\"stage-form\"><h3>%s</h3>"
		    "<form method=\"post\" action=\"/cases/%L/return\">",
		    cancel ? _("Cancel the return") : code_label(CL_RETURN_STAGE,
		    st), c->id);
		page_csrf(r, h);
		html_printf(h, "<input type=\"hidden\" name=\"action\" "
		    "value=\"stage\"><input type=\"hidden\" name=\"stage\" "
		    "value=\"%s\"><input type=\"hidden\" name=\"version\" "
		    "value=\"%L\">", st, (int64_t)json_integer_value(
		    json_object_get(ret, "version")));
		html_printf(h, "<label for=\"date-%s\">%s<input type=\"date\" "
		    "id=\"date-%s\" name=\"date\" value=\"%s\"%R></label>", st,
		    _("Date"), st, again ? form_or(r, "date") : "",
		    strcmp(st, "Departed") == 0 || strcmp(st, "Arrived") == 0 ?
		    " required" : "");
		if (strcmp(st, "Departed") == 0 &&
		    protection_in_shelter(r->app->db, c->id) > 0)
			html_printf(h, "<p class=\"notice\">%s</p><label><input "
			    "type=\"checkbox\" name=\"confirm\" value=\"1\"> "
			    "%s</label>", _("The person is still in a shelter: "
			    "record the discharge before the departure."),
			    _("Record the departure all the same."));
		if (strcmp(st, "Arrived") == 0)
			html_printf(h, "<label for=\"received_by\">%s<input "
			    "id=\"received_by\" name=\"received_by\" "
			    "maxlength=\"200\" value=\"%s\" required></label>",
			    _("Received by"), again ? form_or(r, "received_by") :
			    "");
		if (cancel)
			html_printf(h, "<label for=\"reason\">%s<textarea "
			    "id=\"reason\" name=\"reason\" maxlength=\"4000\">%s"
			    "</textarea></label>", _("Reason"), again ?
			    form_or(r, "reason") : "");
		else
			html_printf(h, "<label for=\"notes-%s\">%s<textarea "
			    "id=\"notes-%s\" name=\"notes\" maxlength=\"4000\">%s"
			    "</textarea></label>", st, _("Notes"), st, again ?
			    form_or(r, "notes") : "");
		html_printf(h, "<button type=\"submit\"%R>%s</button></form>"
		    "</article>", cancel ? " class=\"secondary\"" : "",
		    cancel ? _("Cancel the return") : stage_button(st));
	}
}

static void
request_form(struct req *r, struct html *h, const struct case_row *c,
    struct iso_option *cs, size_t ncs)
{
	struct office_opts oo = { .h = h, .skip = 0 };
	struct office dest;

	html_printf(h, "<article><h2>%s</h2><form method=\"post\" "
	    "action=\"/cases/%L/return\">", _("Ask for a voluntary return"),
	    c->id);
	page_csrf(r, h);
	html_printf(h, "<input type=\"hidden\" name=\"action\" "
	    "value=\"request\"><label for=\"dest_country\">%s",
	    _("Country of return"));
	country_select(h, "dest_country", "dest_country", form_or(r,
	    "dest_country"), cs, ncs);
	html_printf(h, "</label><label for=\"dest_office\">%s<select "
	    "id=\"dest_office\" name=\"dest_office\"><option value=\"\">—"
	    "</option>", _("Office at destination"));
	oo.selected = form_or(r, "dest_office");
	db_office_list(r->app->db, office_opt_cb, &oo);
	html_printf(h, "</select></label>");
	/* Asked again when the office chosen is of another country. */
	if (*form_or(r, "dest_office") && *form_or(r, "dest_country") &&
	    db_office_by_code(r->app->db, form_or(r, "dest_office"),
	    &dest) == DB_OK && strcmp(dest.country, form_or(r,
	    "dest_country")) != 0)
		html_printf(h, "<label><input type=\"checkbox\" "
		    "name=\"confirm\" value=\"1\"> %s</label>",
		    _("This office receives people returning to this "
		    "country."));
	html_printf(h, "<label for=\"request-date\">%s<input "
	    "type=\"date\" id=\"request-date\" name=\"date\" value=\"%s\">"
	    "</label><label for=\"request-notes\">%s<textarea "
	    "id=\"request-notes\" name=\"notes\" maxlength=\"4000\">%s"
	    "</textarea></label><button type=\"submit\">%s</button></form>"
	    "</article>", _("Date of the request"), form_or(r, "date"),
	    _("Notes"), form_or(r, "notes"), _("Ask for the return"));
}

static void
return_details(struct html *h, json_t *ret)
{
	json_t *dates = json_object_get(ret, "dates"), *notes, *v;
	const char *key;
	const char *country = jstr(ret, "dest_country");
	char d[5][PAGE_MARK];

	html_printf(h, "<dl class=\"return\"><dt>%s</dt><dd><span class=\"badge "
	    "stage-%s\">%s</span></dd><dt>%s</dt><dd>%s</dd><dt>%s</dt>"
	    "<dd>%s</dd><dt>%s</dt><dd>%s</dd>", _("Stage"), jstr(ret, "stage"),
	    code_label(CL_RETURN_STAGE, jstr(ret, "stage")), _("From office"),
	    jstr(ret, "origin_office"), _("Office at destination"),
	    jstr(ret, "dest_office"), _("Country of return"),
	    country_name(country) ? country_name(country) : country);
	html_printf(h, "<dt>%s</dt><dd>%R</dd><dt>%s</dt><dd>%R</dd>"
	    "<dt>%s</dt><dd>%R</dd><dt>%s</dt><dd>%R</dd><dt>%s</dt><dd>%R</dd>",
	    _("Requested on"), page_day(jstr(dates, "requested_on"), d[0]),
	    _("Counselled on"), page_day(jstr(dates, "counselled_on"), d[1]),
	    _("Travel planned on"), page_day(jstr(dates, "planned_on"), d[2]),
	    _("Departed on"), page_day(jstr(dates, "departed_on"), d[3]),
	    _("Arrived on"), page_day(jstr(dates, "arrived_on"), d[4]));
	if (*jstr(ret, "received_by"))
		html_printf(h, "<dt>%s</dt><dd>%s</dd>", _("Received by"),
		    jstr(ret, "received_by"));
	if (*jstr(dates, "cancelled_on"))
		html_printf(h, "<dt>%s</dt><dd>%s</dd><dt>%s</dt><dd>%s</dd>",
		    _("Cancelled on"), jstr(dates, "cancelled_on"), _("Reason"),
		    or_dash(jstr(ret, "cancel_reason")));
	html_printf(h, "</dl>");
	notes = json_object_get(ret, "notes");
	if (json_object_size(notes)) {
		html_printf(h, "<h3>%s</h3><dl>", _("Notes"));
		json_object_foreach(notes, key, v)
			html_printf(h, "<dt>%s</dt><dd>%s</dd>",
			    code_label(CL_RETURN_STAGE, key), json_string_value(v));
		html_printf(h, "</dl>");
	}
}

static void
handover_section(struct req *r, struct html *h, const struct case_row *c,
    json_t *j)
{
	json_t *trs = json_object_get(j, "transfers"), *t;
	json_t *ret = json_object_get(j, "return");
	struct office_opts oo = { .h = h, .skip = c->office_id };
	struct moves_err e = { 0 };
	bool pending = false;
	size_t i;

	html_printf(h, "<section><h2>%s</h2>", _("Handover to another office"));
	if (json_array_size(trs)) {
		html_printf(h, "<ul class=\"transfers\">");
		json_array_foreach(trs, i, t) {
			bool p = strcmp(jstr(t, "state"), "pending") == 0;

			pending |= p;
			html_printf(h, "<li>%s<span class=\"badge "
			    "transfer-%s\">%s</span>", page_colon(r,
			    arena_printf(r->arena, "%s → %s", jstr(t,
			    "from_office"), jstr(t, "to_office"))),
			    jstr(t, "state"),
			    strcmp(jstr(t, "state"), "pending") == 0 ?
			    _("waiting for the receiving office") :
			    strcmp(jstr(t, "state"), "accepted") == 0 ?
			    _("accepted") : strcmp(jstr(t, "state"),
			    "declined") == 0 ? _("declined") : _("withdrawn"));
			if (p && strcmp(jstr(t, "from_office"),
			    r->user.office_code) == 0 &&
			    user_can(&r->user, PERM_ASSIST)) {
				html_printf(h, " <form method=\"post\" action=\""
				    "/transfers/%L\" class=\"inline\">",
				    (int64_t)json_integer_value(json_object_get(t,
				    "id")));
				page_csrf(r, h);
				html_printf(h, "<input type=\"hidden\" name=\"action\""
				    " value=\"cancel\"><button type=\"submit\" "
				    "class=\"secondary outline\">%s</button></form>",
				    _("Withdraw"));
			}
			html_printf(h, "</li>");
		}
		html_printf(h, "</ul>");
	}
	if (!pending && user_can(&r->user, PERM_ASSIST) &&
	    moves_transfer_allowed(c, &e)) {
		html_printf(h, "<p class=\"muted\">%s</p>", e.msg);
	} else if (!pending && user_can(&r->user, PERM_ASSIST)) {
		html_printf(h, "<form method=\"post\" action=\"/cases/%L/return\">",
		    c->id);
		page_csrf(r, h);
		html_printf(h, "<input type=\"hidden\" name=\"action\" "
		    "value=\"transfer\"><label for=\"to_office\">%s<select "
		    "id=\"to_office\" name=\"to_office\">",
		    _("Hand the case over to"));
		oo.selected = json_is_object(ret) ? jstr(ret, "dest_office") :
		    NULL;
		/* A person on the way home is received by the return's
		 * office alone (the server refuses any other). */
		oo.only = json_is_object(ret) && strcmp(jstr(ret, "stage"),
		    "Departed") == 0 ? oo.selected : NULL;
		db_office_list(r->app->db, office_opt_cb, &oo);
		html_printf(h, "</select></label>");
		if (protection_in_shelter(r->app->db, c->id) > 0)
			html_printf(h, "<p class=\"notice\">%s</p><label><input "
			    "type=\"checkbox\" name=\"confirm\" value=\"1\"> "
			    "%s</label>", _("The person is still in a shelter: "
			    "record the discharge before the handover."),
			    _("Hand the case over all the same."));
		html_printf(h, "<button type=\"submit\">%s</button></form>",
		    _("Ask for the handover"));
	}
	html_printf(h, "</section>");
}

static int
return_page(struct req *r, int status, const struct case_row *c,
    bool history, const char *err)
{
	struct iso_option *cs = NULL;
	size_t ncs = 0;
	struct html h;
	json_t *j, *ret;
	bool can = !history && user_can(&r->user, PERM_ASSIST);
	int rc;

	j = moves_return_json(r, c, history);
	if (j == NULL)
		return -1;
	ret = json_object_get(j, "return");
	/* Refused legs are shown again as they were typed. */
	if (json_is_object(ret) && strcmp(action_of(r), "legs") == 0)
		json_object_set_new(ret, "legs", form_legs(r));
	if (can)
		cs = country_options(&ncs);
	html_init(&h, HTTP_PAGE_MAX);
	page_case_begin(r, &h, c->id, c->number, _("Return and handover"),
	    false);
	if (history)
		html_printf(&h, "<p class=\"notice\" role=\"status\">%s</p>",
		    _("This case has been handed over to another office. Your "
		    "office keeps its history only: the summary, the timeline "
		    "and the return, which cannot be changed."));
	flash(&h, err);
	html_printf(&h, "<section><h2>%s</h2>", _("Voluntary return"));
	if (!json_is_object(ret)) {
		html_printf(&h, "<p>%s</p>", _("No return has been asked for."));
	} else {
		return_details(&h, ret);
		html_printf(&h, "<h3>%s</h3>", _("Travel plan"));
		legs_table(&h, json_object_get(ret, "legs"));
	}
	if (can && json_is_object(ret) && json_is_true(json_object_get(ret,
	    "open"))) {
		if (strcmp(jstr(ret, "stage"), "Departed") != 0)
			legs_form(r, &h, c->id, ret, cs, ncs);
		stage_forms(r, &h, c, ret);
	} else if (can) {
		/* Only a request that can succeed is offered (the rule of
		 * moves_return_request()); otherwise, why not. */
		struct moves_err e = { 0 };
		int allowed = moves_return_allowed(r, c, &e);

		if (allowed < 0) {
			free(cs);
			json_decref(j);
			html_release(&h);
			return -1;
		}
		if (allowed == 0)
			request_form(r, &h, c, cs, ncs);
		else
			html_printf(&h, "<p class=\"muted\">%s</p>", e.msg);
	}
	html_printf(&h, "</section>");
	if (!history)
		handover_section(r, &h, c, j);
	html_printf(&h, "<section><h2>%s</h2>", _("Timeline"));
	timeline_html(r, &h, c->id, history ? cases_history_until(r, c) : 0);
	html_printf(&h, "</section>");
	page_end(r, &h);
	free(cs);
	json_decref(j);
	rc = resp_html(r, status, &h);
	html_release(&h);
	return rc;
}

int
page_return(struct req *r)
{
	struct case_row c;
	bool history;
	int rc = cases_open_history(r, &c, PERM_CASEFILE_READ,
	    "return.view.denied", 404, &history);

	if (rc)
		return rc < 0 ? -1 : 0;
	if (audit(r, "return.view", c.id, NULL, json_pack("{s:b}", "history",
	    history)) < 0)
		return -1;
	return return_page(r, 200, &c, history, NULL);
}

/* The legs of the legs form as the API takes them. */
static json_t *
form_legs(struct req *r)
{
	json_t *legs = json_array();
	const struct code_def *docs;
	size_t i, k, nd;
	char name[48];
	static const char *const f[] = { "from_country", "from_place",
	    "to_country", "to_place", "departure_date", "arrival_date",
	    "means_of_transport", "escort" };

	docs = codelist_codes(CL_TRAVEL_DOCUMENTS, &nd);
	for (i = 0; i < LEG_ROWS_MAX; i++) {
		json_t *leg = json_object(), *d = json_array();

		for (k = 0; k < ARRAY_SIZE(f); k++) {
			snprintf(name, sizeof(name), "leg%zu_%s", i, f[k]);
			put(r, leg, f[k], name);
		}
		for (k = 0; k < nd; k++) {
			snprintf(name, sizeof(name), "leg%zu_doc_%s", i,
			    docs[k].code);
			if (req_form(r, name))
				json_array_append_new(d, json_string(docs[k].code));
		}
		if (json_array_size(d))
			json_object_set_new(leg, "documents_used", d);
		else
			json_decref(d);
		if (json_object_size(leg))
			json_array_append_new(legs, leg);
		else
			json_decref(leg);
	}
	return legs;
}

static void
put_version(struct req *r, json_t *in)
{
	const char *v = req_form(r, "version");
	char *end;
	long long n;

	if (v == NULL || *v == '\0')
		return;
	n = strtoll(v, &end, 10);
	json_object_set_new(in, "version", *end ? json_string(v) :
	    json_integer(n));
}

int
page_return_post(struct req *r)
{
	struct case_row c;
	struct moves_err e = { 0 };
	const char *action = req_form(r, "action");
	json_t *in = json_object();
	char loc[64];
	int64_t tid;
	int rc;
	bool transfer = action && strcmp(action, "transfer") == 0;

	/* A refusal is audited as the API audits the same request. */
	rc = cases_open(r, &c, PERM_ASSIST, transfer ?
	    "transfer.request.denied" : "return.update.denied", 404);
	if (rc) {
		json_decref(in);
		return rc < 0 ? -1 : 0;
	}
	if (action && strcmp(action, "request") == 0) {
		put(r, in, "dest_country", "dest_country");
		put(r, in, "dest_office", "dest_office");
		put(r, in, "date", "date");
		put(r, in, "notes", "notes");
		if (req_form(r, "confirm"))
			json_object_set_new(in, "confirm", json_true());
		rc = moves_return_request(r, &c, in, &e);
	} else if (action && strcmp(action, "stage") == 0) {
		put(r, in, "stage", "stage");
		put(r, in, "date", "date");
		put(r, in, "notes", "notes");
		put(r, in, "received_by", "received_by");
		put(r, in, "reason", "reason");
		if (req_form(r, "confirm"))
			json_object_set_new(in, "confirm", json_true());
		put_version(r, in);
		rc = moves_return_stage(r, &c, in, &e);
	} else if (action && strcmp(action, "legs") == 0) {
		json_object_set_new(in, "legs", form_legs(r));
		put_version(r, in);
		rc = moves_return_legs(r, &c, in, &e);
	} else if (transfer) {
		put(r, in, "to_office", "to_office");
		if (req_form(r, "confirm"))
			json_object_set_new(in, "confirm", json_true());
		rc = moves_transfer_request(r, &c, in, &tid, &e);
	} else {
		rc = 1;
		e.status = 400;
		e.msg = _("Unknown action.");
	}
	json_decref(in);
	if (rc < 0)
		return -1;
	if (rc > 0)
		return return_page(r, e.status, &c, false, e.msg);
	snprintf(loc, sizeof(loc), "/cases/%lld/return", (long long)c.id);
	return resp_redirect(r, loc);
}

/* The case page of an office that handed the case over (history: its
 * summary, the return and the timeline) or of the manager asked to take
 * it over (handover: its summary and timeline, to decide), nothing
 * else. */
int
page_case_history(struct req *r, const struct case_row *c,
    enum case_access access)
{
	struct html h;
	bool handover = access == CASE_ACCESS_HANDOVER;
	int rc;

	if (audit(r, handover ? "case.handover.view" : "case.view", c->id,
	    NULL, handover ? NULL : json_pack("{s:b}", "history", 1)) < 0)
		return -1;
	html_init(&h, HTTP_PAGE_MAX);
	page_begin(r, &h, c->number);
	html_printf(&h, "<hgroup><h1>%s</h1><p>%s</p></hgroup>", c->number,
	    handover ? _("A case your office is asked to take over") :
	    _("History of a case handed over"));
	html_printf(&h, "<p class=\"notice\" role=\"status\">%s</p>",
	    handover ? _("A handover of this case to your office waits for "
	    "your decision. Until then you see its summary and timeline, to "
	    "decide; accept or decline it on the handovers page.") :
	    _("This case has been handed over to another office. Your office "
	    "keeps its history only: the summary, the timeline and the "
	    "return, which cannot be changed."));
	html_printf(&h, "<dl class=\"case-summary\"><dt>%s</dt><dd>%s</dd>"
	    "<dt>%s</dt><dd>", _("Office"), c->office_code, _("Status"));
	page_status_badge(&h, c->status);
	html_printf(&h, "</dd></dl>");
	if (handover)
		html_printf(&h, "<ul class=\"case-links\"><li><a href=\""
		    "/transfers\">%s</a></li></ul>", _("Handovers between "
		    "offices"));
	else
		html_printf(&h, "<ul class=\"case-links\"><li><a href=\""
		    "/cases/%L/return\">%s</a></li></ul>", c->id,
		    _("Return and handover"));
	html_printf(&h, "<section><h2>%s</h2>", _("Timeline"));
	timeline_html(r, &h, c->id, handover ? 0 :
	    cases_history_until(r, c));
	html_printf(&h, "</section>");
	page_end(r, &h);
	rc = resp_html(r, 200, &h);
	html_release(&h);
	return rc;
}

/* --- transfers --- */

struct assignee_opts {
	struct html *h;
	int64_t office_id;
};

static int
assignee_cb(void *arg, const struct user *u)
{
	struct assignee_opts *x = arg;

	if (u->disabled || u->office_id != x->office_id ||
	    (u->role != ROLE_CASEWORKER && u->role != ROLE_OFFICE_MANAGER))
		return 0;
	html_printf(x->h, "<option value=\"%L\">%s (%s)</option>", u->id,
	    u->username, role_label(u->role));
	return 0;
}

static const char *
state_label(const char *s)
{
	if (strcmp(s, "pending") == 0)
		return _("Waiting for a decision");
	if (strcmp(s, "accepted") == 0)
		return _("Accepted");
	if (strcmp(s, "declined") == 0)
		return _("Declined");
	return _("Withdrawn");
}

static void
return_cell(struct html *h, json_t *t)
{
	json_t *ret = json_object_get(t, "return");
	char d[3][PAGE_MARK];

	if (!*jstr(ret, "stage")) {
		html_printf(h, "<td>—</td>");
		return;
	}
	html_printf(h, "<td>%s<br><small>%s %R · %s %R · %s %R</small></td>",
	    code_label(CL_RETURN_STAGE, jstr(ret, "stage")), _("asked"),
	    page_day(jstr(ret, "requested_on"), d[0]), _("departed"),
	    page_day(jstr(ret, "departed_on"), d[1]), _("arrived"),
	    page_day(jstr(ret, "arrived_on"), d[2]));
}

static int
transfers_page(struct req *r, int status, const char *err)
{
	const struct page_col in_cols[] = {
		{ _("Case number"), 0 }, { _("From office"), 0 },
		{ _("Asked (UTC)"), 0 }, { _("Return"), 0 }, { _("State"), 0 },
		{ _("Actions"), COL_HIDDEN },
	};
	const struct page_col out_cols[] = {
		{ _("Case number"), 0 }, { _("To office"), 0 },
		{ _("Asked (UTC)"), 0 }, { _("Return"), 0 }, { _("State"), 0 },
		{ _("Actions"), COL_HIDDEN },
	};
	struct page_table tab;
	struct html h;
	json_t *j, *t;
	size_t i;
	char when[PAGE_MARK], n[PAGE_MARK];
	int rc;

	j = moves_transfers_json(r);
	if (j == NULL)
		return -1;
	html_init(&h, HTTP_PAGE_MAX);
	page_begin(r, &h, _("Transfers"));
	html_printf(&h, "<h1>%s</h1>", _("Handovers between offices"));
	flash(&h, err);
	html_printf(&h, "<section><h2>%s</h2>", _("Incoming handovers"));
	page_table_begin(&tab, &h, "striped incoming", NULL, in_cols,
	    ARRAY_SIZE(in_cols));
	json_array_foreach(json_object_get(j, "incoming"), i, t) {
		int64_t id = (int64_t)json_integer_value(json_object_get(t, "id"));
		bool pending = strcmp(jstr(t, "state"), "pending") == 0;

		/* Accepted: the office's own now; waiting: its summary is
		 * the manager's to read, to decide (cases.h). */
		if (strcmp(jstr(t, "state"), "accepted") == 0 || (pending &&
		    user_can(&r->user, PERM_TRANSFER_DECIDE)))
			html_printf(&h, "<tr><td><a href=\"/cases/%L\">%R</a></td>",
			    (int64_t)json_integer_value(json_object_get(t,
			    "case_id")), page_case_number(jstr(t, "case_number"),
			    n));
		else
			html_printf(&h, "<tr><td>%R</td>", page_case_number(jstr(t,
			    "case_number"), n));
		html_printf(&h, "<td>%s</td><td>%R</td>", jstr(t, "from_office"),
		    page_when_iso(jstr(t, "requested_at"), when));
		return_cell(&h, t);
		html_printf(&h, "<td>%s</td><td>", state_label(jstr(t, "state")));
		if (pending && user_can(&r->user, PERM_TRANSFER_DECIDE)) {
			struct assignee_opts ao = { .h = &h,
			    .office_id = r->user.office_id };

			html_printf(&h, "<form method=\"post\" action=\"/transfers/%L\">",
			    id);
			page_csrf(r, &h);
			html_printf(&h, "<input type=\"hidden\" name=\"action\" "
			    "value=\"accept\"><label for=\"assigned_to-%L\">%s"
			    "<select id=\"assigned_to-%L\" name=\"assigned_to\">"
			    "<option value=\"\">—</option>", id, _("Assign to"), id);
			db_user_list(r->app->db, assignee_cb, &ao);
			html_printf(&h, "</select></label><button type=\"submit\">%s"
			    "</button></form>", _("Accept"));
			html_printf(&h, "<form method=\"post\" action=\"/transfers/%L\">",
			    id);
			page_csrf(r, &h);
			html_printf(&h, "<input type=\"hidden\" name=\"action\" "
			    "value=\"decline\"><label for=\"reason-%L\">%s<textarea "
			    "id=\"reason-%L\" name=\"reason\" maxlength=\"4000\">"
			    "</textarea></label><button type=\"submit\" "
			    "class=\"secondary\">%s</button></form>", id,
			    _("Reason for declining"), id, _("Decline"));
		}
		html_printf(&h, "</td></tr>");
	}
	page_table_end(&tab, json_array_size(json_object_get(j, "incoming")),
	    _("No handovers."));
	html_printf(&h, "</section>");

	html_printf(&h, "<section><h2>%s</h2>", _("Outgoing handovers"));
	page_table_begin(&tab, &h, "striped outgoing", NULL, out_cols,
	    ARRAY_SIZE(out_cols));
	json_array_foreach(json_object_get(j, "outgoing"), i, t) {
		int64_t id = (int64_t)json_integer_value(json_object_get(t, "id"));

		html_printf(&h, "<tr><td><a href=\"/cases/%L\">%R</a></td><td>%s"
		    "</td><td>%R</td>", (int64_t)json_integer_value(
		    json_object_get(t, "case_id")), page_case_number(jstr(t,
		    "case_number"), n), jstr(t, "to_office"),
		    page_when_iso(jstr(t, "requested_at"), when));
		return_cell(&h, t);
		html_printf(&h, "<td>%s", state_label(jstr(t, "state")));
		if (*jstr(t, "reason"))
			html_printf(&h, "<br><small>%s</small>", jstr(t, "reason"));
		html_printf(&h, "</td><td>");
		if (strcmp(jstr(t, "state"), "pending") == 0 &&
		    user_can(&r->user, PERM_ASSIST)) {
			html_printf(&h, "<form method=\"post\" action=\"/transfers/%L\">",
			    id);
			page_csrf(r, &h);
			html_printf(&h, "<input type=\"hidden\" name=\"action\" "
			    "value=\"cancel\"><button type=\"submit\" class=\""
			    "secondary outline\">%s</button></form>", _("Withdraw"));
		}
		html_printf(&h, "</td></tr>");
	}
	page_table_end(&tab, json_array_size(json_object_get(j, "outgoing")),
	    _("No handovers."));
	html_printf(&h, "</section>");
	page_end(r, &h);
	json_decref(j);
	rc = resp_html(r, status, &h);
	html_release(&h);
	return rc;
}

int
page_transfers(struct req *r)
{
	if (!moves_transfers_allowed(r))
		return resp_error(r, 403, _("You are not allowed to see "
		    "handovers."), NULL);
	if (audit(r, "transfer.list", 0, NULL, NULL) < 0)
		return -1;
	return transfers_page(r, 200, NULL);
}

int
page_transfer_post(struct req *r)
{
	struct moves_err e = { 0 };
	const char *action = req_form(r, "action");
	json_t *in;
	int rc;

	/* Refused as the API refuses it: audited with the handover's case. */
	if (!moves_transfers_allowed(r)) {
		if (moves_transfer_denied(r, r->id) < 0)
			return -1;
		return resp_error(r, 403, _("You are not allowed to see "
		    "handovers."), NULL);
	}
	if (action && strcmp(action, "cancel") == 0) {
		rc = moves_transfer_cancel(r, r->id, &e);
	} else if (action && (strcmp(action, "accept") == 0 ||
	    strcmp(action, "decline") == 0)) {
		int64_t who = form_id(req_form(r, "assigned_to"));

		in = json_pack("{s:s}", "decision", action);
		if (who != 0)
			json_object_set_new(in, "assigned_to",
			    json_integer(who));
		put(r, in, "reason", "reason");
		rc = moves_transfer_decide(r, r->id, in, &e);
		json_decref(in);
	} else {
		rc = 1;
		e.status = 400;
		e.msg = _("Unknown action.");
	}
	if (rc < 0)
		return -1;
	if (rc > 0)
		return transfers_page(r, e.status, e.msg);
	return resp_redirect(r, "/transfers");
}

/* --- reintegration --- */

static void
visit_row_html(struct req *r, struct html *h, int64_t case_id, json_t *v,
    bool can)
{
	const char *st = jstr(v, "status");
	int64_t id = (int64_t)json_integer_value(json_object_get(v, "id"));
	char d1[PAGE_MARK], d2[PAGE_MARK];

	html_printf(h, "<tr><td>%R</td><td><span class=\"badge visit-%s\">%s"
	    "</span>", page_day(jstr(v, "due_on"), d1), st,
	    code_label(CL_VISIT_STATUS, st));
	if (json_is_true(json_object_get(v, "overdue")))
		html_printf(h, " <span class=\"badge overdue\">%s</span>",
		    _("Overdue"));
	html_printf(h, "</td><td>%R</td><td>%s</td><td>",
	    page_day(jstr(v, "done_on"), d2), or_dash(jstr(v, "notes")));
	if (can && strcmp(st, "Done") != 0) {
		html_printf(h, "<form method=\"post\" action=\"/cases/%L/"
		    "reintegration\" class=\"visit-form\">", case_id);
		page_csrf(r, h);
		html_printf(h, "<input type=\"hidden\" name=\"action\" "
		    "value=\"visit\"><input type=\"hidden\" name=\"visit_id\" "
		    "value=\"%L\"><label for=\"vs-%L\">%s<select id=\"vs-%L\" "
		    "name=\"status\"><option value=\"Done\">%s</option>", id, id,
		    _("Visit"), id, code_label(CL_VISIT_STATUS, "Done"));
		if (strcmp(st, "Missed") != 0)
			html_printf(h, "<option value=\"Missed\">%s</option>",
			    code_label(CL_VISIT_STATUS, "Missed"));
		html_printf(h, "</select></label><label for=\"vd-%L\">%s<input "
		    "type=\"date\" id=\"vd-%L\" name=\"date\"></label><label "
		    "for=\"vn-%L\">%s<textarea id=\"vn-%L\" name=\"notes\" "
		    "maxlength=\"4000\"></textarea></label><button "
		    "type=\"submit\">%s</button></form>", id, _("Date of the visit"),
		    id, id, _("Notes"), id, _("Record the visit"));
	}
	html_printf(h, "</td></tr>");
}

static int
reint_page(struct req *r, int status, const struct case_row *c,
    const char *err)
{
	struct html h;
	json_t *j, *plan, *pk, *v;
	bool can = user_can(&r->user, PERM_ASSIST);
	size_t i, rows;
	int rc;

	j = moves_reint_json(r, c);
	if (j == NULL)
		return -1;
	plan = json_object_get(j, "plan");
	html_init(&h, HTTP_PAGE_MAX);
	page_case_begin(r, &h, c->id, c->number, _("Reintegration"), false);
	flash(&h, err);

	html_printf(&h, "<section><h2>%s</h2>", _("Plan"));
	if (json_is_object(plan)) {
		html_printf(&h, "<dl><dt>%s</dt><dd>%s</dd><dt>%s</dt><dd>%s</dd>"
		    "<dt>%s</dt><dd>%s</dd><dt>%s</dt><dd>%s</dd></dl>",
		    _("Type of plan"), code_label(CL_SUPPORT_PLAN_TYPE,
		    jstr(plan, "plan_type")), _("Plan date"),
		    jstr(plan, "plan_date"), _("Objectives"),
		    or_dash(jstr(plan, "objectives")), _("Outcome"),
		    label_or_dash(CL_REINTEGRATION_OUTCOME, jstr(plan, "outcome")));
		html_printf(&h, "<h3>%s</h3><ul class=\"packages\">", _("Packages"));
		json_array_foreach(json_object_get(plan, "packages"), i, pk) {
			char a[MONEY_TEXT];

			html_printf(&h, "<li>%s — %s%R%s %s</li>",
			    code_label(CL_SERVICE_TYPE, jstr(pk, "type")),
			    code_label(CL_SERVICE_STATUS, jstr(pk, "status")),
			    *jstr(pk, "amount") ? " · " : "",
			    money_text_of(jstr(pk, "amount"), r->lang, a),
			    jstr(pk, "currency"));
		}
		html_printf(&h, "</ul>");
	} else {
		html_printf(&h, "<p>%s</p>", _("No reintegration plan yet."));
	}
	if (can) {
		json_t *pks = json_object_get(plan, "packages");

		html_printf(&h, "<details%R><summary>%s</summary><form method=\""
		    "post\" action=\"/cases/%L/reintegration\">",
		    json_is_object(plan) ? "" : " open", json_is_object(plan) ?
		    _("Change the plan or record the outcome") :
		    _("Make a reintegration plan"), c->id);
		page_csrf(r, &h);
		html_printf(&h, "<input type=\"hidden\" name=\"action\" "
		    "value=\"plan\">");
		if (json_is_object(plan))
			html_printf(&h, "<input type=\"hidden\" name=\"version\" "
			    "value=\"%L\">", (int64_t)json_integer_value(
			    json_object_get(plan, "version")));
		html_printf(&h, "<label for=\"plan_type\">%s<select id=\"plan_type\""
		    " name=\"plan_type\">", _("Type of plan"));
		code_options(&h, CL_SUPPORT_PLAN_TYPE, jstr(plan, "plan_type"),
		    !json_is_object(plan));
		html_printf(&h, "</select></label><label for=\"plan_date\">%s"
		    "<input type=\"date\" id=\"plan_date\" name=\"plan_date\" "
		    "value=\"%s\"></label><label for=\"objectives\">%s<textarea "
		    "id=\"objectives\" name=\"objectives\" maxlength=\"4000\">%s"
		    "</textarea></label>", _("Plan date"), jstr(plan, "plan_date"),
		    _("Objectives"), jstr(plan, "objectives"));
		rows = json_array_size(pks) + 1;
		if (rows < PKG_ROWS_MIN)
			rows = PKG_ROWS_MIN;
		if (rows > PKG_ROWS_MAX)
			rows = PKG_ROWS_MAX;
		html_printf(&h, "<fieldset><legend>%s</legend>", _("Packages"));
		for (i = 0; i < rows; i++) {
			char a[MONEY_TEXT];

			pk = json_array_get(pks, i);
			html_printf(&h, "<div class=\"grid\"><select name=\"pkg%z_type\""
			    " aria-label=\"%s\">", i, _("Type of package"));
			code_options(&h, CL_SERVICE_TYPE, jstr(pk, "type"), true);
			html_printf(&h, "</select><input name=\"pkg%z_amount\" "
			    "aria-label=\"%s\" placeholder=\"%s\" value=\"%s\">"
			    "<input name=\"pkg%z_currency\" aria-label=\"%s\" "
			    "placeholder=\"USD\" maxlength=\"3\" value=\"%s\">"
			    "<select name=\"pkg%z_status\" aria-label=\"%s\">", i,
			    _("Amount"), _("Amount"), money_text_of(jstr(pk,
			    "amount"), r->lang, a), i,
			    _("Currency"), jstr(pk, "currency"), i, _("Status"));
			code_options(&h, CL_SERVICE_STATUS, jstr(pk, "status"),
			    false);
			html_printf(&h, "</select></div>");
		}
		html_printf(&h, "</fieldset><label for=\"outcome\">%s<select "
		    "id=\"outcome\" name=\"outcome\">", _("Outcome"));
		code_options(&h, CL_REINTEGRATION_OUTCOME, jstr(plan, "outcome"),
		    true);
		html_printf(&h, "</select></label><button type=\"submit\">%s"
		    "</button></form></details>", _("Save the plan"));
	}
	html_printf(&h, "</section><section><h2>%s</h2>", _("Monitoring visits"));
	{
		const struct page_col cols[] = {
			{ _("Due"), 0 }, { _("Status"), 0 }, { _("Done on"), 0 },
			{ _("Notes"), 0 }, { _("Actions"), COL_HIDDEN },
		};
		struct page_table t;

		page_table_begin(&t, &h, "striped visits", NULL, cols,
		    ARRAY_SIZE(cols));
		json_array_foreach(json_object_get(j, "visits"), i, v)
			visit_row_html(r, &h, c->id, v, can);
		page_table_end(&t, json_array_size(json_object_get(j, "visits")),
		    _("No visits scheduled: they are scheduled when the return "
		    "arrives, or with the plan of a case without a return."));
	}
	html_printf(&h, "</section>");
	page_end(r, &h);
	json_decref(j);
	rc = resp_html(r, status, &h);
	html_release(&h);
	return rc;
}

int
page_reint(struct req *r)
{
	struct case_row c;
	int rc = cases_open(r, &c, PERM_CASEFILE_READ,
	    "reintegration.view.denied", 404);

	if (rc)
		return rc < 0 ? -1 : 0;
	if (audit(r, "reintegration.view", c.id, NULL, NULL) < 0)
		return -1;
	return reint_page(r, 200, &c, NULL);
}

int
page_reint_post(struct req *r)
{
	struct case_row c;
	struct moves_err e = { 0 };
	const char *action = req_form(r, "action");
	json_t *in = json_object();
	char loc[64], name[32];
	/* A refusal is audited as the API audits the same request. */
	int rc = cases_open(r, &c, PERM_ASSIST, action && strcmp(action,
	    "visit") == 0 ? "visit.denied" : "reintegration.update.denied",
	    404);
	size_t i;

	if (rc) {
		json_decref(in);
		return rc < 0 ? -1 : 0;
	}
	if (action && strcmp(action, "plan") == 0) {
		json_t *pks = json_array();

		put(r, in, "plan_type", "plan_type");
		put(r, in, "plan_date", "plan_date");
		json_object_set_new(in, "objectives", json_string(
		    req_form(r, "objectives") ? req_form(r, "objectives") : ""));
		json_object_set_new(in, "outcome", json_string(
		    req_form(r, "outcome") ? req_form(r, "outcome") : ""));
		for (i = 0; i < PKG_ROWS_MAX; i++) {
			json_t *pk = json_object();

			snprintf(name, sizeof(name), "pkg%zu_type", i);
			put(r, pk, "type", name);
			snprintf(name, sizeof(name), "pkg%zu_amount", i);
			put_amount(r, pk, name);
			snprintf(name, sizeof(name), "pkg%zu_currency", i);
			put(r, pk, "currency", name);
			snprintf(name, sizeof(name), "pkg%zu_status", i);
			if (json_object_get(pk, "type"))
				put(r, pk, "status", name);
			if (json_object_size(pk))
				json_array_append_new(pks, pk);
			else
				json_decref(pk);
		}
		json_object_set_new(in, "packages", pks);
		put_version(r, in);
		rc = moves_reint_save(r, &c, in, &e);
	} else if (action && strcmp(action, "visit") == 0) {
		const char *vid = req_form(r, "visit_id");
		int64_t id = form_id(vid);

		put(r, in, "status", "status");
		put(r, in, "date", "date");
		put(r, in, "notes", "notes");
		rc = moves_visit_record(r, c.id, id > 0 ? id : 0, in, &e);
	} else {
		rc = 1;
		e.status = 400;
		e.msg = _("Unknown action.");
	}
	json_decref(in);
	if (rc < 0)
		return -1;
	if (rc > 0)
		return reint_page(r, e.status, &c, e.msg);
	snprintf(loc, sizeof(loc), "/cases/%lld/reintegration", (long long)c.id);
	return resp_redirect(r, loc);
}

/* --- due and overdue visits --- */

int
page_visits(struct req *r)
{
	const struct page_col cols[] = {
		{ _("Case number"), 0 }, { _("Office"), 0 },
		{ _("Assigned to"), 0 }, { _("Due"), 0 }, { _("State"), 0 },
	};
	const char *ds = req_query(r, "days"), *mine = req_query(r, "mine");
	struct page_table t;
	char n[PAGE_MARK], d[PAGE_MARK];
	struct html h;
	json_t *j, *v;
	long days = 30;
	char *end;
	size_t i;
	bool only_mine = mine && strcmp(mine, "1") == 0;
	int rc;

	if (!user_can(&r->user, PERM_ASSIST) || cases_office_scope(r) < 0)
		return resp_error(r, 403, _("You are not allowed to see cases."),
		    NULL);
	if (ds && *ds) {
		days = strtol(ds, &end, 10);
		if (*end || days < 0 || days > 366)
			days = 30;
	}
	j = moves_visits_due_json(r, cases_office_scope(r), only_mine ?
	    r->user.id : 0, (int)days);
	if (j == NULL)
		return -1;
	if (audit(r, "visit.due", 0, NULL, json_pack("{s:i,s:I}", "days",
	    (int)days, "count", (json_int_t)json_array_size(j))) < 0) {
		json_decref(j);
		return -1;
	}
	html_init(&h, HTTP_PAGE_MAX);
	page_begin(r, &h, _("Visits"));
	html_printf(&h, "<h1>%s</h1><form method=\"get\" action=\"/visits\" "
	    "class=\"filter\"><label for=\"days\">%s<input type=\"number\" "
	    "id=\"days\" name=\"days\" min=\"0\" max=\"366\" value=\"%d\">"
	    "</label><label><input type=\"checkbox\" name=\"mine\" value=\"1\"%R>"
	    " %s</label><button type=\"submit\" class=\"secondary\">%s</button>"
	    "</form>", _("Monitoring visits due and overdue"),
	    _("Due within (days)"), (int)days, only_mine ? " checked" : "",
	    _("Only my cases"), _("Filter"));
	page_table_begin(&t, &h, "striped due-visits", NULL, cols,
	    ARRAY_SIZE(cols));
	json_array_foreach(j, i, v) {
		bool late = json_is_true(json_object_get(v, "overdue"));

		html_printf(&h, "<tr%R><td><a href=\"/cases/%L/reintegration\">%R"
		    "</a></td><td>%s</td><td>%s</td><td>%R</td><td>%s</td></tr>",
		    late ? " class=\"overdue\"" : "",
		    (int64_t)json_integer_value(json_object_get(v, "case_id")),
		    page_case_number(jstr(v, "case_number"), n), jstr(v, "office"),
		    or_dash(jstr(v, "assigned_to")), page_day(jstr(v, "due_on"),
		    d), late ? _("Overdue") : _("Due"));
	}
	page_table_end(&t, json_array_size(j), _("No visits due."));
	page_end(r, &h);
	json_decref(j);
	rc = resp_html(r, 200, &h);
	html_release(&h);
	return rc;
}

/* --- settings --- */

static int
settings_page(struct req *r, int status, const char *value, const char *err)
{
	int months[MOVES_SCHEDULE_MAX];
	char text[DB_META_MAX];
	size_t n, i, len = 0;
	struct html h;
	int rc;

	if (value == NULL) {
		if (moves_schedule_get(r, months, &n) < 0)
			return -1;
		text[0] = '\0';
		for (i = 0; i < n; i++)
			len += (size_t)snprintf(text + len, sizeof(text) - len,
			    "%s%d", i ? "," : "", months[i]);
		value = text;
	}
	html_init(&h, HTTP_PAGE_MAX);
	page_begin(r, &h, _("Settings"));
	html_printf(&h, "<h1>%s</h1><form method=\"post\" action=\""
	    "/admin/settings\">", _("Settings"));
	page_csrf(r, &h);
	page_field(&h, "schedule", "schedule", "text", _("Monitoring visits, "
	    "in months after arrival (such as 1,3,6,12)"), value, err,
	    " maxlength=\"200\"");
	html_printf(&h, "<button type=\"submit\">%s</button></form>", _("Save"));
	page_end(r, &h);
	rc = resp_html(r, status, &h);
	html_release(&h);
	return rc;
}

int
page_admin_settings(struct req *r)
{
	if (!user_can(&r->user, PERM_ADMIN_USERS))
		return resp_error(r, 403, _("Only administrators can change "
		    "settings."), NULL);
	return settings_page(r, 200, NULL, NULL);
}

int
page_admin_settings_post(struct req *r)
{
	struct moves_err e = { 0 };
	const char *v = req_form(r, "schedule");
	int rc;

	if (!user_can(&r->user, PERM_ADMIN_USERS))
		return resp_error(r, 403, _("Only administrators can change "
		    "settings."), NULL);
	rc = moves_schedule_set(r, v ? v : "", &e);
	if (rc < 0)
		return -1;
	if (rc > 0)
		return settings_page(r, e.status, v && utf8_valid(v, strlen(v)) ?
		    v : "", e.msg);
	return resp_redirect(r, "/admin/settings");
}
