/*
 * page_protection.c - the protection and assistance of a case, its health
 * records (restricted), and the registry pages of organisations and
 * shelters. Forms work without JavaScript; a refused form is shown again
 * with its values and the reasons, and nothing is saved.
 */
#include "compat.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "audit.h"
#include "cases.h"
#include "handlers.h"
#include "i18n.h"
#include "isocodes.h"
#include "log.h"
#include "page.h"
#include "protection.h"

/* The periods the shelter page shows occupancy for: the first is the
 * default. */
static const int occupancy_periods[] = { 30, 90 };
#define OCCUPANCY_DAYS_MAX 90

/* What a refused form brings back to the page. */
struct redo {
	const struct rec_kind *k;	/* the form's kind, NULL: none */
	json_t *values;			/* borrowed */
	json_t *errors;			/* borrowed */
	const char *warning;
	const char *msg;		/* a message for the whole page */
	int64_t disclose_id;		/* the disclosure form refused */
	json_t *disclose_errors;	/* borrowed */
};

/* Errors not tied to a field (consent), shown above the form. */
static void
general_errors(struct html *h, const struct rec_kind *k, json_t *errors)
{
	const char *key;
	json_t *v;

	json_object_foreach(errors, key, v) {
		size_t i;

		for (i = 0; i < k->nfields; i++)
			if (strcmp(k->fields[i].name, key) == 0)
				break;
		if (i == k->nfields)
			html_printf(h, "<p class=\"flash error\" role=\"alert\">"
			    "%s</p>", json_string_value(v));
	}
}

/* The form of a further disclosure to law enforcement. */
static void
disclose_form(struct req *r, struct html *h, const char *action,
    json_t *rec, json_t *errors)
{
	const struct code_def *codes;
	size_t n, j;
	const char *e;

	html_printf(h, "<details%R><summary>%s</summary><form method=\"post\" "
	    "action=\"%s\">", errors ? " open" : "",
	    _("Disclose more to the same body"), action);
	page_csrf(r, h);
	html_printf(h, "<input type=\"hidden\" name=\"kind\" value=\"%s\">"
	    "<input type=\"hidden\" name=\"action\" value=\"disclose\">"
	    "<input type=\"hidden\" name=\"record\" value=\"%L\">"
	    "<input type=\"hidden\" name=\"version\" value=\"%L\">",
	    prot_le.path, (int64_t)json_integer_value(json_object_get(rec, "id")),
	    (int64_t)json_integer_value(json_object_get(rec, "version")));
	if ((e = json_string_value(json_object_get(errors, "consent"))))
		html_printf(h, "<p class=\"flash error\" role=\"alert\">%s</p>", e);
	html_printf(h, "<label for=\"disclose-date\">%s</label><input "
	    "type=\"date\" id=\"disclose-date\" name=\"date\">", _("Date"));
	if ((e = json_string_value(json_object_get(errors, "date"))))
		html_printf(h, "<small class=\"error\">%s</small>", e);
	html_printf(h, "<fieldset><legend>%s</legend>", _("Information shared"));
	codes = codelist_codes(CL_LE_SHARED, &n);
	for (j = 0; j < n; j++)
		html_printf(h, "<label><input type=\"checkbox\" name=\"shared\" "
		    "value=\"%s\"> %s</label>", codes[j].code,
		    code_label(CL_LE_SHARED, codes[j].code));
	if ((e = json_string_value(json_object_get(errors, "shared"))))
		html_printf(h, "<small class=\"error\">%s</small>", e);
	html_printf(h, "</fieldset><button type=\"submit\">%s</button></form>"
	    "</details>", _("Record the disclosure"));
}

/* The disclosures made on a referral, as a list. */
static void
disclosures(struct req *r, struct html *h, json_t *rec)
{
	json_t *list = json_object_get(rec, "disclosures"), *d, *c;
	size_t i, j;

	if (json_array_size(list) == 0)
		return;
	html_printf(h, "<p>%s</p><ul>", page_colon(r, _("Later "
	    "disclosures")));
	json_array_foreach(list, i, d) {
		html_printf(h, "<li>%s", page_colon(r, caserec_str(d, "date")));
		json_array_foreach(json_object_get(d, "shared"), j, c)
			html_printf(h, "%s%s", j ? ", " : "",
			    code_label(CL_LE_SHARED, json_string_value(c)));
		html_printf(h, "</li>");
	}
	html_printf(h, "</ul>");
}

/*
 * The page of kinds[0..n) of case c: each kind's records and, for those
 * who may record, its add form (or the edit form of ?edit=ID).
 */
static int
records_page(struct req *r, int status, const struct case_row *c,
    const struct rec_kind *const *kinds, size_t n, const char *title,
    const char *action, const struct redo *redo)
{
	struct html h;
	int64_t edit = form_id(req_query(r, "edit"));
	size_t i, j;
	json_t *list, *rec;
	int rc = -1;

	html_init(&h, HTTP_PAGE_MAX);
	page_case_begin(r, &h, c->id, c->number, title, false);
	if (redo && redo->msg)
		html_printf(&h, "<p class=\"flash error\" role=\"alert\">%s</p>",
		    redo->msg);
	for (i = 0; i < n; i++) {
		const struct rec_kind *k = kinds[i];
		bool write = caserec_allowed(r, k, true);
		json_t *values = NULL, *errors = NULL;
		const char *warning = NULL;

		if ((list = caserec_list(r, k, c)) == NULL)
			goto out;
		/* A page of one kind is titled by it already. */
		html_printf(&h, "<section id=\"%s\">", k->path);
		if (n > 1)
			html_printf(&h, "<h2>%s</h2>", _(k->label));
		caserec_html_list(r, &h, k, list, write && !k->append_only ?
		    action : NULL);
		if (k == &prot_le)
			json_array_foreach(list, j, rec) {
				disclosures(r, &h, rec);
				if (write)
					disclose_form(r, &h, action, rec, redo &&
					    redo->disclose_id == json_integer_value(
					    json_object_get(rec, "id")) ?
					    redo->disclose_errors : NULL);
			}
		if (redo && redo->k == k) {
			values = redo->values;
			errors = redo->errors;
			warning = redo->warning;
		} else if (edit > 0 && !k->append_only) {
			json_array_foreach(list, j, rec)
				if (json_integer_value(json_object_get(rec,
				    "id")) == edit)
					values = rec;
		}
		if (write) {
			/* Folded until wanted: a long page stays short. */
			html_printf(&h, "<details%R><summary>%s%s</summary>",
			    values ? " open" : "", values &&
			    json_object_get(values, "id") ?
			    page_colon(r, _("Change")) : "", values &&
			    json_object_get(values, "id") ? _(k->one) :
			    _(k->add));
			if (errors)
				general_errors(&h, k, errors);
			if (caserec_html_form(r, &h, k, c, action, values, errors,
			    warning) < 0) {
				json_decref(list);
				goto out;
			}
			html_printf(&h, "</details>");
		}
		json_decref(list);
		html_printf(&h, "</section>");
	}
	page_end(r, &h);
	rc = resp_html(r, status, &h);
out:
	html_release(&h);
	return rc;
}

static int
protection_view(struct req *r, int status, const struct case_row *c,
    const struct redo *redo)
{
	const struct rec_kind *const *kinds;
	size_t n;
	char action[64];

	kinds = protection_page_kinds(&n);
	snprintf(action, sizeof(action), "/cases/%lld/protection",
	    (long long)c->id);
	return records_page(r, status, c, kinds, n,
	    _("Protection and assistance"), action, redo);
}

static int
health_view(struct req *r, int status, const struct case_row *c,
    const struct redo *redo)
{
	static const struct rec_kind *const kinds[] = { &prot_health };
	char action[64];

	snprintf(action, sizeof(action), "/cases/%lld/health", (long long)c->id);
	return records_page(r, status, c, kinds, 1, _("Health records"),
	    action, redo);
}

int
page_protection(struct req *r)
{
	struct case_row c;
	int rc = caserec_open_case(r, &prot_service, false, r->id, &c);

	if (rc != 0)
		return rc < 0 ? -1 : 0;
	if (audit(r, "case.view", c.id, "protection", NULL) < 0)
		return -1;
	return protection_view(r, 200, &c, NULL);
}

int
page_health(struct req *r)
{
	struct case_row c;
	int rc = caserec_open_case(r, &prot_health, false, r->id, &c);

	if (rc != 0)
		return rc < 0 ? -1 : 0;
	if (audit(r, "health.view", c.id, "health", NULL) < 0)
		return -1;
	return health_view(r, 200, &c, NULL);
}

/*
 * A record id posted on the page of case c that is not one of c's
 * records of kind k: the same answer as a missing record, the attempt
 * audited with the case the page names. 0 answered, -1.
 */
static int
no_record(struct req *r, const struct case_row *c, const struct rec_kind *k,
    int64_t id)
{
	if (audit(r, k->health ? "health.update.denied" : "case.update.denied",
	    c->id, arena_printf(r->arena, "%s:%lld", k->name, (long long)id),
	    NULL) < 0)
		return -1;
	return resp_error(r, 404, _("This record does not exist."), NULL);
}

/* A further disclosure posted from the protection page. */
static int
disclose_post(struct req *r, const struct case_row *c)
{
	struct redo redo = { 0 };
	int64_t id = form_id(req_form(r, "record"));
	int64_t version = form_id(req_form(r, "version"));
	json_t *in = json_object(), *shared = json_array(), *errors = NULL;
	const char *date = req_form(r, "date");
	char loc[96];
	int rc;

	for (struct form_field *f = r->form; f; f = f->next)
		if (strcmp(f->name, "shared") == 0)
			json_array_append_new(shared, json_string(f->value));
	json_object_set_new(in, "shared", shared);
	if (date && *date)
		json_object_set_new(in, "date", json_string(date));
	rc = id > 0 && version > 0 ? protection_disclose(r, c, id, (int)version,
	    in, &errors) : 2;
	json_decref(in);
	if (rc == 0) {
		snprintf(loc, sizeof(loc), "/cases/%lld/protection#%s",
		    (long long)c->id, prot_le.path);
		return resp_redirect(r, loc);
	}
	if (rc < 0)
		return -1;
	if (rc == 3) {
		json_decref(errors);
		return no_record(r, c, &prot_le, id);
	}
	if (rc == 2)
		redo.msg = _("Someone else changed this record in the meantime. "
		    "Here it is as it is now; make your change again.");
	redo.disclose_id = id;
	redo.disclose_errors = errors;
	rc = protection_view(r, rc == 2 ? 409 : 400, c, &redo);
	json_decref(errors);
	return rc;
}

/* POST of a record's form on the page of kinds (health or protection). */
static int
records_post(struct req *r, bool health)
{
	const struct rec_kind *k = protection_kind_by_path(req_form(r, "kind"));
	struct redo redo = { 0 };
	struct case_row c;
	json_t *in, *errors = NULL;
	const char *warning = NULL;
	int64_t id = form_id(req_form(r, "record"));
	int64_t version = form_id(req_form(r, "version"));
	char loc[96];
	int rc;

	if (k == NULL || k->health != health)
		return resp_error(r, 400, _("Unknown kind of record."), NULL);
	if ((rc = caserec_open_case(r, k, true, r->id, &c)) != 0)
		return rc < 0 ? -1 : 0;
	if (k == &prot_le && strcmp(req_form(r, "action") ?
	    req_form(r, "action") : "", "disclose") == 0)
		return disclose_post(r, &c);
	in = caserec_from_form(r, k);
	if (id < 0 || version < 0)
		rc = 2;
	else if (id > 0 && k->append_only)
		rc = 2;
	else
		rc = caserec_save(r, k, &c, &id, (int)version, in,
		    req_form(r, "confirm") != NULL, &errors, &warning);
	if (rc == 0) {
		json_decref(in);
		/* A High risk may have hidden the case from its author. */
		if (k == &prot_risk && (db_case_get(r->app->db, c.id, &c) !=
		    DB_OK || !cases_visible(r, &c)))
			return resp_redirect(r, "/cases");
		snprintf(loc, sizeof(loc), "/cases/%lld/%s#%s", (long long)c.id,
		    health ? "health" : "protection", k->path);
		return resp_redirect(r, loc);
	}
	if (rc < 0) {
		json_decref(in);
		return -1;
	}
	if (rc == 3) {
		json_decref(in);
		json_decref(errors);
		return no_record(r, &c, k, id);
	}
	redo.k = k;
	redo.values = in;
	if (id > 0) {
		json_object_set_new(in, "id", json_integer(id));
		json_object_set_new(in, "version", json_integer(version));
	}
	redo.errors = errors;
	redo.warning = warning;
	if (rc == 2) {
		redo.msg = _("Someone else changed this record in the meantime. "
		    "Here it is as it is now; make your change again.");
		redo.k = NULL;
	}
	rc = health ? health_view(r, rc == 2 ? 409 : 400, &c, &redo) :
	    protection_view(r, rc == 2 ? 409 : 400, &c, &redo);
	json_decref(in);
	json_decref(errors);
	return rc;
}

int
page_protection_post(struct req *r)
{
	return records_post(r, false);
}

int
page_health_post(struct req *r)
{
	return records_post(r, true);
}

/* --- organisations --- */

struct org_rows {
	struct req *r;
	struct html *h;
	bool manage;
	bool projects;		/* who sees the fund's projects */
	bool failed;
	size_t rows;		/* rows written */
	size_t n;		/* projects of the row */
};

static int
org_project_cb(void *arg, const struct project_partner *pp)
{
	struct org_rows *x = arg;

	html_printf(x->h, "%R<a href=\"/projects/%L\">%s</a>", x->n++ ?
	    "<br>" : "", pp->project_id, pp->project);
	if (pp->role[0])
		html_printf(x->h, " (%s)", pp->role);
	return 0;
}

static int
org_row_cb(void *arg, const struct organisation *o)
{
	struct org_rows *x = arg;
	const char *type = code_label(CL_ORG_TYPE, o->type);

	x->rows++;
	html_printf(x->h, "<tr><td>%s</td><td>%s</td><td>%s</td><td>%s</td>"
	    "<td>%s</td><td>%s</td>", o->name, type ? type : o->type,
	    o->country, o->city, o->phone, o->disabled ? _("disabled") :
	    _("active"));
	if (x->projects) {
		html_printf(x->h, "<td>");
		x->n = 0;
		if (db_org_projects(x->r->app->db, o->id, org_project_cb, x) !=
		    DB_OK) {
			x->failed = true;
			return 1;
		}
		html_printf(x->h, "</td>");
	}
	if (x->manage)
		html_printf(x->h, "<td><a href=\"/organisations?edit=%L#org-form\">"
		    "%s</a></td>", o->id, _("Edit"));
	html_printf(x->h, "</tr>");
	return 0;
}

static const char *
err_of(json_t *errors, const char *key)
{
	return json_string_value(json_object_get(errors, key));
}

static int
orgs_page(struct req *r, int status, const struct organisation *form,
    json_t *errors)
{
	struct page_col cols[8] = {
		{ _("Name"), 0 }, { _("Type"), 0 }, { _("Country"), 0 },
		{ _("City"), 0 }, { _("Phone"), 0 }, { _("Status"), 0 },
	};
	struct org_rows x;
	struct page_table t;
	struct html h;
	const struct code_def *codes;
	size_t n, j, nc;
	int rc = -1;

	html_init(&h, HTTP_PAGE_MAX);
	page_begin(r, &h, _("Organisations"));
	html_printf(&h, "<h1>%s</h1>", _("Organisations"));
	memset(&x, 0, sizeof(x));
	x.r = r;
	x.h = &h;
	x.manage = user_can(&r->user, PERM_REGISTRY);
	x.projects = user_can(&r->user, PERM_FUND_READ);
	nc = 6;
	if (x.projects)
		cols[nc++] = (struct page_col){ _("Partner of"), 0 };
	if (x.manage)
		cols[nc++] = (struct page_col){ _("Actions"), COL_HIDDEN };
	page_table_begin(&t, &h, "striped", NULL, cols, nc);
	if (db_org_list(r->app->db, org_row_cb, &x) != DB_OK || x.failed)
		goto out;
	page_table_end(&t, x.rows, _("No organisation recorded yet."));
	if (x.manage) {
		html_printf(&h, "<section id=\"org-form\"><h2>%s</h2>",
		    form->id ? _("Change an organisation") :
		    _("Add an organisation"));
		if (errors)
			html_printf(&h, "<p class=\"flash error\" role=\"alert\">"
			    "%s</p>", _("Nothing was saved. Correct the fields "
			    "marked below."));
		html_printf(&h, "<form method=\"post\" action=\"/organisations\">");
		page_csrf(r, &h);
		if (form->id)
			html_printf(&h, "<input type=\"hidden\" name=\"id\" "
			    "value=\"%L\">", form->id);
		page_field(&h, "org-name", "name", "text", _("Name"), form->name,
		    err_of(errors, "name"), "required maxlength=\"200\"");
		html_printf(&h, "<label for=\"org-type\">%s</label><select "
		    "id=\"org-type\" name=\"type\" required><option value=\"\">"
		    "—</option>", _("Type"));
		codes = codelist_codes(CL_ORG_TYPE, &n);
		for (j = 0; j < n; j++)
			html_printf(&h, "<option value=\"%s\"%R>%s</option>",
			    codes[j].code, strcmp(form->type, codes[j].code) == 0 ?
			    " selected" : "", code_label(CL_ORG_TYPE,
			    codes[j].code));
		html_printf(&h, "</select>");
		if (err_of(errors, "type"))
			html_printf(&h, "<small class=\"error\">%s</small>",
			    err_of(errors, "type"));
		page_field(&h, "org-country", "country", "text",
		    _("Country (ISO code, such as TH)"), form->country,
		    err_of(errors, "country"), "maxlength=\"2\"");
		page_field(&h, "org-city", "city", "text", _("City"), form->city,
		    err_of(errors, "city"), "maxlength=\"200\"");
		page_field(&h, "org-phone", "phone", "tel", _("Phone"),
		    form->phone, err_of(errors, "phone"), "maxlength=\"16\"");
		if (form->id)
			html_printf(&h, "<label><input type=\"checkbox\" "
			    "name=\"disabled\" value=\"1\"%R> %s</label>",
			    form->disabled ? " checked" : "",
			    _("No longer in use"));
		html_printf(&h, "<button type=\"submit\">%s</button></form>"
		    "</section>", _("Save"));
	}
	page_end(r, &h);
	rc = resp_html(r, status, &h);
out:
	html_release(&h);
	return rc;
}

int
page_orgs(struct req *r)
{
	struct organisation o;
	int64_t edit = form_id(req_query(r, "edit"));

	if (!protection_registry_read(r))
		return resp_error(r, 403, _("You are not allowed to see "
		    "organisations."), NULL);
	memset(&o, 0, sizeof(o));
	if (edit > 0 && user_can(&r->user, PERM_REGISTRY) &&
	    db_org_get(r->app->db, edit, &o) != DB_OK)
		memset(&o, 0, sizeof(o));
	return orgs_page(r, 200, &o, NULL);
}

static void
set_form_str(struct req *r, json_t *in, const char *key)
{
	const char *s = req_form(r, key);

	if (s)
		json_object_set_new(in, key, *s ? json_string(s) : json_null());
}

/*
 * The shelter form's values (strings, shown again when refused) as the
 * API takes them: capacity a number when it is one, as typed otherwise
 * for protection_shelter_save() to refuse. New reference.
 */
static json_t *
shelter_input(json_t *in)
{
	json_t *out = json_deep_copy(in);
	const char *cap = json_string_value(json_object_get(in, "capacity"));

	if (out && cap && *cap && strlen(cap) <= 9 &&
	    strspn(cap, "0123456789") == strlen(cap))
		json_object_set_new(out, "capacity",
		    json_integer(strtoll(cap, NULL, 10)));
	return out;
}

static int
shelter_save(struct req *r, struct shelter *s, json_t *in, json_t **errors)
{
	json_t *save = shelter_input(in);
	int rc;

	if (save == NULL)
		return -1;
	rc = protection_shelter_save(r, s, save, errors);
	json_decref(save);
	return rc;
}

int
page_orgs_post(struct req *r)
{
	struct organisation o;
	int64_t id = form_id(req_form(r, "id"));
	json_t *in, *errors = NULL;
	int rc;

	if (!user_can(&r->user, PERM_REGISTRY))
		return resp_error(r, 403, _("You are not allowed to manage "
		    "organisations and shelters."), NULL);
	memset(&o, 0, sizeof(o));
	if (id != 0) {
		rc = id > 0 ? db_org_get(r->app->db, id, &o) : DB_NOTFOUND;
		if (rc == DB_ERROR)
			return -1;
		if (rc != DB_OK)
			return resp_error(r, 404, _("This organisation does not "
			    "exist."), NULL);
	}
	in = json_object();
	set_form_str(r, in, "name");
	set_form_str(r, in, "type");
	set_form_str(r, in, "country");
	set_form_str(r, in, "city");
	set_form_str(r, in, "phone");
	if (id > 0)
		json_object_set_new(in, "disabled",
		    json_boolean(req_form(r, "disabled") != NULL));
	rc = protection_org_save(r, &o, in, &errors);
	if (rc == 0) {
		json_decref(in);
		return resp_redirect(r, "/organisations");
	}
	if (rc < 0) {
		json_decref(in);
		return -1;
	}
	/* Show what was typed. */
	snprintf(o.name, sizeof(o.name), "%s", caserec_str(in, "name"));
	snprintf(o.type, sizeof(o.type), "%s", caserec_str(in, "type"));
	snprintf(o.country, sizeof(o.country), "%.2s",
	    caserec_str(in, "country"));
	snprintf(o.city, sizeof(o.city), "%s", caserec_str(in, "city"));
	snprintf(o.phone, sizeof(o.phone), "%s", caserec_str(in, "phone"));
	json_decref(in);
	rc = orgs_page(r, 400, &o, errors);
	json_decref(errors);
	return rc;
}

/* --- shelters --- */

struct shelter_rows {
	struct req *r;
	struct html *h;
	bool failed;
	size_t n;
};

static int
shelter_row_cb(void *arg, const struct shelter *s)
{
	struct shelter_rows *x = arg;
	char today[11];
	int64_t n;

	if (!protection_shelter_ok(x->r, s, false))
		return 0;
	caserec_today(x->r, today);
	if ((n = protection_occupied(x->r->app->db, s->id, today)) < 0) {
		x->failed = true;
		return 1;
	}
	x->n++;
	html_printf(x->h, "<tr><td><a href=\"/shelters/%L\">%s</a></td><td>%s"
	    "</td><td>%s</td><td>%N</td><td>%N", s->id, s->name,
	    s->office_code, s->city, s->capacity, n);
	if (protection_full(s->capacity, n))
		html_printf(x->h, " <span class=\"badge\">%s</span>", _("full"));
	html_printf(x->h, "</td></tr>");
	return 0;
}

static int
office_opt_cb(void *arg, const struct office *o)
{
	html_printf(arg, "<option value=\"%s\">%s</option>", o->code, o->code);
	return 0;
}

static int
shelters_page(struct req *r, int status, json_t *values, json_t *errors)
{
	const struct page_col cols[] = {
		{ _("Name"), 0 }, { _("Office"), 0 }, { _("City"), 0 },
		{ _("Capacity"), COL_NUM }, { _("Occupied today"), COL_NUM },
	};
	struct shelter_rows x;
	struct page_table t;
	struct html h;
	int64_t office = protection_shelter_office(r);
	int rc = -1;

	html_init(&h, HTTP_PAGE_MAX);
	page_begin(r, &h, _("Shelters"));
	html_printf(&h, "<h1>%s</h1>", _("Shelters"));
	page_table_begin(&t, &h, "striped", NULL, cols, ARRAY_SIZE(cols));
	x.r = r;
	x.h = &h;
	x.failed = false;
	x.n = 0;
	if (db_shelter_list(r->app->db, office, shelter_row_cb, &x) != DB_OK ||
	    x.failed)
		goto out;
	page_table_end(&t, x.n, _("No shelter recorded yet."));
	if (protection_shelter_ok(r, NULL, true)) {
		html_printf(&h, "<section><h2>%s</h2>", _("Add a shelter"));
		if (errors)
			html_printf(&h, "<p class=\"flash error\" role=\"alert\">"
			    "%s</p>", _("Nothing was saved. Correct the fields "
			    "marked below."));
		html_printf(&h, "<form method=\"post\" action=\"/shelters\">");
		page_csrf(r, &h);
		page_field(&h, "shelter-name", "name", "text", _("Name"),
		    caserec_str(values, "name"), err_of(errors, "name"),
		    "required maxlength=\"200\"");
		page_field(&h, "shelter-city", "city", "text", _("City"),
		    caserec_str(values, "city"), err_of(errors, "city"),
		    "maxlength=\"200\"");
		page_field(&h, "shelter-capacity", "capacity", "number",
		    _("Capacity (places)"), caserec_str(values, "capacity"),
		    err_of(errors, "capacity"), "required min=\"1\" "
		    "max=\"100000\"");
		if (office == 0) {
			html_printf(&h, "<label for=\"shelter-office\">%s</label>"
			    "<select id=\"shelter-office\" name=\"office\">",
			    _("Office"));
			if (db_office_list(r->app->db, office_opt_cb, &h) != DB_OK)
				goto out;
			html_printf(&h, "</select>");
			if (err_of(errors, "office"))
				html_printf(&h, "<small class=\"error\">%s</small>",
				    err_of(errors, "office"));
		}
		html_printf(&h, "<button type=\"submit\">%s</button></form>"
		    "</section>", _("Add"));
	}
	page_end(r, &h);
	rc = resp_html(r, status, &h);
out:
	html_release(&h);
	return rc;
}

int
page_shelters(struct req *r)
{
	if (protection_shelter_office(r) < 0)
		return resp_error(r, 403, _("You are not allowed to see "
		    "shelters."), NULL);
	return shelters_page(r, 200, NULL, NULL);
}

int
page_shelters_post(struct req *r)
{
	struct shelter s = { 0 };
	json_t *in, *errors = NULL;
	int rc;

	if (!protection_shelter_ok(r, NULL, true))
		return resp_error(r, 403, _("You are not allowed to manage "
		    "organisations and shelters."), NULL);
	in = json_object();
	set_form_str(r, in, "name");
	set_form_str(r, in, "city");
	set_form_str(r, in, "capacity");
	set_form_str(r, in, "office");
	rc = shelter_save(r, &s, in, &errors);
	if (rc == 0) {
		json_decref(in);
		return resp_redirect(r, arena_printf(r->arena, "/shelters/%lld",
		    (long long)s.id));
	}
	if (rc < 0) {
		json_decref(in);
		return -1;
	}
	rc = shelters_page(r, 400, in, errors);
	json_decref(in);
	json_decref(errors);
	return rc;
}

/*
 * The days of occupancy asked in ?days= (untrusted): one of
 * occupancy_periods, the first when absent; 0 when it is none of them.
 */
static int
occupancy_days(struct req *r)
{
	const char *q = req_query(r, "days");
	char want[12];
	size_t i;

	if (q == NULL || *q == '\0')
		return occupancy_periods[0];
	for (i = 0; i < ARRAY_SIZE(occupancy_periods); i++) {
		snprintf(want, sizeof(want), "%d", occupancy_periods[i]);
		if (strcmp(q, want) == 0)
			return occupancy_periods[i];
	}
	return 0;
}

/*
 * Occupancy over the n days to today (counts[0] the first day): the
 * links to the other period, a chart of occupied places against the
 * capacity per day, and the same figures in a table, newest first.
 */
static int
occupancy_over(struct html *h, const struct shelter *s, int n,
    const int64_t *counts, int64_t first)
{
	const struct page_col cols[] = {
		{ _("Day"), 0 }, { _("Occupied"), COL_NUM },
		{ _("Capacity"), COL_NUM },
	};
	struct page_table t;
	json_t *days, *occupied, *capacity;
	char day[11], dm[PAGE_MARK];
	size_t i;
	int k;

	html_printf(h, "<h2>%s</h2><nav aria-label=\"%s\"><ul>", n == 90 ?
	    _("Occupancy over the last 90 days") :
	    _("Occupancy over the last 30 days"), _("Period"));
	for (i = 0; i < ARRAY_SIZE(occupancy_periods); i++) {
		k = occupancy_periods[i];
		if (k == n)
			html_printf(h, "<li><strong aria-current=\"page\">%s"
			    "</strong></li>", k == 90 ? _("90 days") :
			    _("30 days"));
		else
			html_printf(h, "<li><a href=\"/shelters/%L?days=%d\">%s"
			    "</a></li>", s->id, k, k == 90 ? _("90 days") :
			    _("30 days"));
	}
	html_printf(h, "</ul></nav>");
	days = json_array();
	occupied = json_array();
	capacity = json_array();
	for (k = 0; k < n; k++) {
		caserec_day_str(first + k, day);
		json_array_append_new(days, json_string(day));
		json_array_append_new(occupied, json_integer(counts[k]));
		json_array_append_new(capacity, json_integer(s->capacity));
	}
	if (page_chart(h, "chart-occupancy", n == 90 ?
	    _("Occupancy over the last 90 days") :
	    _("Occupancy over the last 30 days"),
	    json_pack("{s:s,s:b,s:o,s:[{s:s,s:o},{s:s,s:o}]}", "kind", "line",
	    "integer", 1, "categories", days, "series", "name", _("Occupied"), "data",
	    occupied, "name", _("Capacity"), "data", capacity)) < 0)
		return -1;
	page_table_begin(&t, h, "striped", NULL, cols, ARRAY_SIZE(cols));
	for (k = n; k-- > 0;) {
		caserec_day_str(first + k, day);
		html_printf(h, "<tr><td>%R</td><td>%N", page_day(day, dm),
		    counts[k]);
		if (protection_full(s->capacity, counts[k]))
			html_printf(h, " <span class=\"badge\">%s</span>",
			    _("full"));
		html_printf(h, "</td><td>%N</td></tr>", s->capacity);
	}
	page_table_end(&t, (size_t)n, NULL);
	return 0;
}

/* The page of shelter s: occupancy today and over 30 or 90 days (?days=),
 * and for those who manage it the form to change it (values and errors
 * after a refused change, else s's own). */
static int
shelter_page(struct req *r, int status, const struct shelter *s,
    json_t *values, json_t *errors)
{
	struct html h;
	int64_t counts[OCCUPANCY_DAYS_MAX], first;
	char today[11], from[11], cap[24];
	int rc, n = occupancy_days(r);

	if (n == 0)
		return resp_error(r, 400, _("Show the occupancy of 30 or 90 "
		    "days."), NULL);
	caserec_today(r, today);
	first = caserec_day(today) - (n - 1);
	caserec_day_str(first, from);
	if (protection_occupancy(r->app->db, s->id, from, (size_t)n,
	    counts) < 0)
		return -1;
	html_init(&h, HTTP_PAGE_MAX);
	page_begin(r, &h, s->name);
	html_printf(&h, "<p><a href=\"/shelters\">%s</a></p><hgroup><h1>%s</h1>"
	    "<p>%s %s</p></hgroup>", _("All shelters"), s->name, s->office_code,
	    s->city);
	html_printf(&h, "<dl><dt>%s</dt><dd>%N</dd><dt>%s</dt><dd>%N</dd></dl>",
	    _("Capacity (places)"), s->capacity, _("Occupied today"),
	    counts[n - 1]);
	if (protection_full(s->capacity, counts[n - 1]))
		html_printf(&h, "<p class=\"flash error\" role=\"alert\">%s</p>",
		    _("The shelter is full: a new admission needs an explicit "
		    "confirmation."));
	if (occupancy_over(&h, s, n, counts, first) < 0) {
		html_release(&h);
		return -1;
	}
	if (protection_shelter_ok(r, s, true)) {
		snprintf(cap, sizeof(cap), "%lld", (long long)s->capacity);
		html_printf(&h, "<section><h2>%s</h2>", _("Change the shelter"));
		if (errors)
			html_printf(&h, "<p class=\"flash error\" role=\"alert\">"
			    "%s</p>", _("Nothing was saved. Correct the fields "
			    "marked below."));
		html_printf(&h, "<form method=\"post\" action=\"/shelters/%L\">",
		    s->id);
		page_csrf(r, &h);
		page_field(&h, "shelter-name", "name", "text", _("Name"),
		    values ? caserec_str(values, "name") : s->name,
		    err_of(errors, "name"), "required maxlength=\"200\"");
		page_field(&h, "shelter-city", "city", "text", _("City"),
		    values ? caserec_str(values, "city") : s->city,
		    err_of(errors, "city"), "maxlength=\"200\"");
		page_field(&h, "shelter-capacity", "capacity", "number",
		    _("Capacity (places)"), values ? caserec_str(values,
		    "capacity") : cap, err_of(errors, "capacity"),
		    "required min=\"1\" max=\"100000\"");
		html_printf(&h, "<label><input type=\"checkbox\" name=\"disabled\" "
		    "value=\"1\"%R> %s</label><button type=\"submit\">%s</button>"
		    "</form></section>", s->disabled ? " checked" : "",
		    _("No longer in use"), _("Save"));
	}
	page_chart_scripts(&h);
	page_end(r, &h);
	rc = resp_html(r, status, &h);
	html_release(&h);
	return rc;
}

/* Shelter r->id if r may see it; answers 404 itself (1). */
static int
page_load_shelter(struct req *r, struct shelter *s)
{
	int rc = db_shelter_get(r->app->db, r->id, s);

	if (rc == DB_ERROR)
		return -1;
	if (rc != DB_OK || !protection_shelter_ok(r, s, false))
		return resp_error(r, 404, _("This shelter does not exist."),
		    NULL) < 0 ? -1 : 1;
	return 0;
}

int
page_shelter(struct req *r)
{
	struct shelter s;
	int rc = page_load_shelter(r, &s);

	if (rc != 0)
		return rc < 0 ? -1 : 0;
	return shelter_page(r, 200, &s, NULL, NULL);
}

int
page_shelter_post(struct req *r)
{
	struct shelter s;
	json_t *in, *errors = NULL;
	int rc = page_load_shelter(r, &s);

	if (rc != 0)
		return rc < 0 ? -1 : 0;
	if (!protection_shelter_ok(r, &s, true))
		return resp_error(r, 403, _("You are not allowed to manage "
		    "organisations and shelters."), NULL);
	in = json_object();
	set_form_str(r, in, "name");
	set_form_str(r, in, "city");
	set_form_str(r, in, "capacity");
	json_object_set_new(in, "disabled",
	    json_boolean(req_form(r, "disabled") != NULL));
	rc = shelter_save(r, &s, in, &errors);
	if (rc == 0) {
		json_decref(in);
		return resp_redirect(r, arena_printf(r->arena, "/shelters/%lld",
		    (long long)s.id));
	}
	if (rc > 0 && page_load_shelter(r, &s) == 0)
		rc = shelter_page(r, 400, &s, in, errors);
	else
		rc = -1;
	json_decref(in);
	json_decref(errors);
	return rc;
}
