/*
 * page_casefile.c - the case file as pages.
 *
 *   GET      /cases/{id}/file             summary: route, screening result
 *                                         and every section read-only
 *   GET/POST /cases/{id}/file/{section}   person, victim, identification,
 *                                         case: one form for the section
 *   GET/POST /cases/{id}/file/{list}      events, perpetrators, referrals,
 *                                         comments, consents: the entries,
 *                                         add, remove (and move events);
 *                                         comments and consents are only
 *                                         ever added
 *   GET/POST /cases/{id}/file/screening   the screening interview and the
 *                                         decision on the proposed status
 *
 * Forms are generated from the catalogue: one input per field, chosen by
 * the field's type, so a field added to catalogue.def appears here with no
 * code. A POST takes the saved file, replaces what the form covers and
 * hands the result to casefile_check() and casefile_save(), as the API
 * does: nothing is saved unless the whole file is valid, and a form read
 * at an older version is refused. Every form says which inputs it has
 * with a hidden "fields" marker per input: a POST replaces only what it
 * covers (a marker, or a value sent under the input's name), so an
 * unchecked checkbox group means "none" while a field the POST does not
 * mention keeps its saved value. Values that are not among the choices
 * offered are refused with a message, never dropped. Form values are
 * untrusted and reach the page only through html_printf(). Every page
 * that shows case data is audited as a read before it is sent, and not
 * sent if that fails.
 */
#include "compat.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "audit.h"
#include "cases.h"
#include "casefile.h"
#include "catalogue.h"
#include "handlers.h"
#include "i18n.h"
#include "input.h"
#include "isocodes.h"
#include "log.h"
#include "page.h"
#include "protection.h"
#include "screening.h"

/* Most values of one repeated form field that are read (checkboxes,
 * multiple selects); the catalogue's length limits refuse long lists. */
#define FORM_VALUES_MAX 300

/* The name of the hidden inputs that list the inputs of a form. */
#define FORM_MARKER "fields"

/* The lists of the file: the section and its key in the JSON. */
static const struct {
	enum section sec;
	const char *key;
} lists[] = {
	{ SEC_EVENT, "events" },
	{ SEC_PERPETRATOR, "perpetrators" },
	{ SEC_REFERRAL, "referrals" },
	{ SEC_COMMENT, "comments" },
	{ SEC_CONSENT, "consents" },
};

enum kind {
	K_SCALAR,
	K_LIST,
	K_SCREENING,
};

/* What a /cases/{id}/file/NAME page is about. */
struct target {
	enum kind kind;
	enum section sec;	/* not for K_SCREENING */
	const char *name;	/* in URLs and the audit: "person", "events" */
};

/* One page being written. */
struct view {
	struct req *r;
	struct case_row *c;
	struct target t;
	json_t *file;		/* the file as saved */
	/* What the form sent, shown instead of the saved values: the whole
	 * file (scalar sections), the new entry (lists), the screening
	 * object; NULL to show what is saved. */
	json_t *typed;
	json_t *errors;		/* path -> message, or NULL */
	const char *msg;	/* a message above the page, or NULL */
	bool decide;		/* the decision form was sent */
	size_t add_index;	/* index the new entry of a list would have */
	struct iso_option *countries, *languages;
	size_t ncountries, nlanguages;
	bool org_names;		/* the registry's names are on the page */
	struct html h;
};

static const char *
list_key(enum section sec)
{
	size_t i;

	for (i = 0; i < ARRAY_SIZE(lists); i++)
		if (lists[i].sec == sec)
			return lists[i].key;
	return NULL;
}

/* Finds the page of path (untrusted); false when there is none. */
static bool
target_of(const char *path, struct target *t)
{
	const char *p = strstr(path, "/file/"), *name;
	size_t i;
	int s;

	if (p == NULL)
		return false;
	name = p + strlen("/file/");
	if (*name == '\0' || strchr(name, '/'))
		return false;
	if (strcmp(name, "screening") == 0) {
		t->kind = K_SCREENING;
		t->sec = SEC__MAX;
		t->name = "screening";
		return true;
	}
	for (i = 0; i < ARRAY_SIZE(lists); i++)
		if (strcmp(name, lists[i].key) == 0) {
			t->kind = K_LIST;
			t->sec = lists[i].sec;
			t->name = lists[i].key;
			return true;
		}
	if ((s = section_by_name(name)) < 0)
		return false;
	t->sec = (enum section)s;
	if (section_get(t->sec)->repeated) {
		t->kind = K_LIST;
		t->name = list_key(t->sec);
		return t->name != NULL;
	}
	t->kind = K_SCALAR;
	t->name = section_get(t->sec)->name;
	return true;
}


/* --- reading forms --- */

/*
 * The values of every form field called name, in the order sent (r->form
 * is newest first), at most max of them; returns their count. The values
 * are untrusted and live in r's arena.
 */
static size_t
form_values(struct req *r, const char *name, const char **out, size_t max)
{
	struct form_field *f;
	size_t n = 0, i;

	for (f = r->form; f; f = f->next)
		if (strcmp(f->name, name) == 0)
			n++;
	i = n;
	for (f = r->form; f; f = f->next)
		if (strcmp(f->name, name) == 0) {
			i--;
			if (i < max)
				out[i] = f->value;
		}
	return n < max ? n : max;
}

/*
 * Whether the form covers input name: a FORM_MARKER input names it, or a
 * value was sent under that name. Only then may the POST replace what is
 * saved for it; a browser leaves out an unchecked checkbox group, the
 * marker still says it was on the form.
 */
static bool
form_covers(struct req *r, const char *name)
{
	struct form_field *f;

	for (f = r->form; f; f = f->next)
		if (strcmp(f->name, name) == 0 ||
		    (strcmp(f->name, FORM_MARKER) == 0 &&
		    strcmp(f->value, name) == 0))
			return true;
	return false;
}

/* s without leading and trailing white space (input.h's: zero-width
 * spaces too, so that a value of nothing else is ""), in r's arena (NULL
 * when out of memory; "" for NULL). */
static const char *
trim(struct req *r, const char *s)
{
	if (s == NULL)
		return "";
	return input_trim(r->arena, s);
}

/* Phone numbers as people type them ("+66 81-234 5678") in E.164. */
static const char *
phones_clean(struct req *r, const char *s)
{
	char *out = arena_alloc(r->arena, strlen(s) + 1), *p = out;

	if (out == NULL)
		return NULL;
	for (; *s; s++)
		if (!strchr(" \t-().", *s))
			*p++ = *s;
	*p = '\0';
	return out;
}

static bool
multi_value(const struct field_def *f)
{
	return f->type == FT_CODES || f->type == FT_COUNTRIES;
}

/* Whether the field is one select box whose options include the special
 * answers; the other fields offer them in a separate "or:" select. */
static bool
single_select(const struct field_def *f)
{
	return f->type == FT_BOOL || f->type == FT_CODE ||
	    f->type == FT_COUNTRY || f->type == FT_LANGUAGE;
}

/* The system's user-id fields (author of a comment, recorder of a
 * consent): shown as user names. */
static bool
user_field(const struct field_def *f)
{
	return f->id == COM_AUTHOR || f->id == CON_RECORDED_BY;
}

/*
 * The value the form gives for field f: several values joined by ';',
 * or the special answer of the companion select. saved is the value
 * saved so far: a special answer still selected from it gives way to a
 * value typed now. Sets *both when a value and a newly chosen special
 * answer were given (then the value is returned). NULL when out of
 * memory. Untrusted; the caller validates.
 */
static const char *
form_value(struct req *r, const struct field_def *f, const char *saved,
    bool *both)
{
	const char *v, *sa;
	char sname[128];

	*both = false;
	if (multi_value(f)) {
		const char *vals[FORM_VALUES_MAX];
		size_t n = form_values(r, f->name, vals, ARRAY_SIZE(vals));
		size_t len = 1, i;
		char *s, *p;

		for (i = 0; i < n; i++)
			len += strlen(vals[i]) + 1;
		if ((s = arena_alloc(r->arena, len)) == NULL)
			return NULL;
		p = s;
		for (i = 0; i < n; i++) {
			size_t l = strlen(vals[i]);

			if (l == 0)
				continue;
			if (p != s)
				*p++ = FIELD_MULTI_SEP;
			memcpy(p, vals[i], l);
			p += l;
		}
		*p = '\0';
		v = s;
	} else {
		v = trim(r, req_form(r, f->name));
		if (v && f->type == FT_PHONES)
			v = phones_clean(r, v);
		if (v == NULL)
			return NULL;
	}
	if (single_select(f) || !field_allows_special(f))
		return v;
	snprintf(sname, sizeof(sname), "%s.special", f->name);
	sa = req_form(r, sname);
	if (sa == NULL || special_answer(sa) < 0)
		return v;
	if (*v) {
		*both = strcmp(sa, saved) != 0;
		return v;
	}
	return sa;
}

/*
 * Sets the fields of section sec in obj from the form (absent when
 * empty), each field only when the form covers it (form_covers): what
 * obj holds before is taken as saved and stays for the others. Problems
 * the form alone shows go to errors under prefix + field name; the
 * values themselves are checked by casefile_check(). 0, or -1 when out
 * of memory.
 */
static int
fill_from_form(struct req *r, enum section sec, json_t *obj, json_t *errors,
    const char *prefix)
{
	int i;

	for (i = 0; i < F__MAX; i++) {
		const struct field_def *f = field_get((enum field_id)i);
		const char *v, *sa;
		char path[160], sname[128];
		bool both;

		if (f->section != sec || f->flags & FF_SYSTEM)
			continue;
		snprintf(sname, sizeof(sname), "%s.special", f->name);
		if (!form_covers(r, f->name) && !form_covers(r, sname))
			continue;
		snprintf(path, sizeof(path), "%s%s", prefix, f->name);
		/* An "or:" answer that is none of the ones offered. */
		sa = req_form(r, sname);
		if (sa && *sa && (single_select(f) ||
		    !field_allows_special(f) || special_answer(sa) < 0)) {
			json_object_set_new(errors, path, json_string(
			    _("Choose a value from the list.")));
			continue;
		}
		if ((v = form_value(r, f, casefile_str(obj, f->name), &both)) == NULL)
			return -1;
		if (both)
			json_object_set_new(errors, path, json_string(_("Give "
			    "either a value or another answer, not both.")));
		if (*v)
			json_object_set_new(obj, f->name, json_string(v));
		else
			json_object_del(obj, f->name);
	}
	return 0;
}

/* The version the form was read at; 0 when missing or malformed. */
static int
form_version(struct req *r)
{
	const char *s = req_form(r, "version");
	char *end;
	long v;

	if (s == NULL || *s == '\0')
		return 0;
	v = strtol(s, &end, 10);
	if (*end || v < 1 || v > INT32_MAX)
		return 0;
	return (int)v;
}

/* An index of a list from the form; -1 when missing or malformed. */
static long
form_index(struct req *r, size_t n)
{
	const char *s = req_form(r, "index");
	char *end;
	long v;

	if (s == NULL || *s < '0' || *s > '9')
		return -1;
	v = strtol(s, &end, 10);
	if (*end || v < 0 || (size_t)v >= n)
		return -1;
	return v;
}

/* --- showing values --- */

/* Calls fn on each item of a ';'-separated value. */
static void
each_item(const char *v, void (*fn)(void *, const char *), void *arg)
{
	char item[256];

	while (*v) {
		const char *end = strchr(v, FIELD_MULTI_SEP);
		size_t n = end ? (size_t)(end - v) : strlen(v);

		if (n < sizeof(item)) {
			memcpy(item, v, n);
			item[n] = '\0';
			fn(arg, item);
		}
		if (end == NULL)
			break;
		v = end + 1;
	}
}

struct item_ctx {
	struct html *h;
	const struct field_def *f;
	int n;
};

static void
item_cb(void *arg, const char *item)
{
	struct item_ctx *k = arg;
	const char *l = NULL;

	if (k->f->type == FT_COUNTRIES)
		l = country_name(item);
	else if (k->f->type == FT_CODES)
		l = code_label(k->f->list, item);
	html_printf(k->h, "%R%s", k->n++ ? ", " : "", l ? l : item);
}

/* Writes value (as saved, trusted to be valid) of f for reading; an
 * empty value as a dash when terse (in tables). */
static void
show_value(struct view *v, const struct field_def *f, const char *value,
    bool terse)
{
	struct html *h = &v->h;
	const char *l;

	if (value == NULL || *value == '\0') {
		if (terse)
			html_printf(h, "<span class=\"muted\"><span "
			    "aria-hidden=\"true\">—</span><span "
			    "class=\"visually-hidden\">%s</span></span>",
			    _("not recorded"));
		else
			html_printf(h, "<span class=\"muted\">%s</span>",
			    _("not recorded"));
		return;
	}
	if (field_allows_special(f) && (l = special_answer_label(value))) {
		html_printf(h, "<em>%s</em>", l);
		return;
	}
	switch (f->type) {
	case FT_BOOL:
	case FT_CODE:
		l = code_label(f->list, value);
		html_printf(h, "%s", l ? l : value);
		break;
	case FT_CODES:
	case FT_COUNTRIES:
	case FT_PHONES: {
		struct item_ctx k = { h, f, 0 };

		each_item(value, item_cb, &k);
		break;
	}
	case FT_COUNTRY:
		l = country_name(value);
		html_printf(h, "%s", l ? l : value);
		break;
	case FT_LANGUAGE:
		l = language_name(value);
		html_printf(h, "%s", l ? l : value);
		break;
	case FT_LONGTEXT:
		html_printf(h, "<span class=\"longtext\">%s</span>", value);
		break;
	case FT_INT:
		if (user_field(f)) {
			struct user u;

			if (db_user_get(v->r->app->db, strtoll(value, NULL, 10),
			    &u) == DB_OK)
				html_printf(h, "%s", u.username);
			else
				html_printf(h, "#%s", value);
			break;
		}
		html_printf(h, "%s", value);
		break;
	case FT_TEXT:
	case FT_DATE:
	case FT_EMAIL:
	case FT__MAX:
	default:
		html_printf(h, "%s", value);
		break;
	}
}

/* A scalar section for reading. */
static void
show_section(struct view *v, enum section sec, json_t *file)
{
	int i;

	html_printf(&v->h, "<dl class=\"fields\">");
	for (i = 0; i < F__MAX; i++) {
		const struct field_def *f = field_get((enum field_id)i);

		if (f->section != sec)
			continue;
		html_printf(&v->h, "<dt>%s</dt><dd>", _(f->label));
		show_value(v, f, casefile_str(file, f->name), false);
		html_printf(&v->h, "</dd>");
	}
	html_printf(&v->h, "</dl>");
}

/* The entries of a list as a table, with the buttons that change them
 * when actions (never for comments and consents: they are only added). */
static void
show_list(struct view *v, enum section sec, json_t *arr, bool actions)
{
	struct html *h = &v->h;
	json_t *e;
	size_t i, n = json_array_size(arr), ncols;
	bool col[F__MAX];
	struct page_col cols[F__MAX + 2];
	struct page_table tab;
	int j;

	if (sec == SEC_COMMENT || sec == SEC_CONSENT)
		actions = false;
	if (n == 0) {
		html_printf(h, "<p class=\"muted\">%s</p>", _("Nothing recorded "
		    "yet."));
		return;
	}
	/* Only the columns some entry has a value in. */
	for (j = 0; j < F__MAX; j++) {
		const struct field_def *f = field_get((enum field_id)j);

		col[j] = false;
		if (f->section != sec)
			continue;
		json_array_foreach(arr, i, e)
			if (*casefile_str(e, f->name))
				col[j] = true;
	}
	ncols = 0;
	cols[ncols].head = "#";
	cols[ncols++].flags = COL_NUM;
	for (j = 0; j < F__MAX; j++)
		if (col[j]) {
			cols[ncols].head = _(field_get((enum field_id)j)->label);
			cols[ncols++].flags = 0;
		}
	if (actions) {
		cols[ncols].head = _("Actions");
		cols[ncols++].flags = COL_HIDDEN;
	}
	page_table_begin(&tab, h, "striped entries", NULL, cols, ncols);
	json_array_foreach(arr, i, e) {
		html_printf(h, "<tr><th scope=\"row\">%z</th>", i + 1);
		for (j = 0; j < F__MAX; j++) {
			const struct field_def *f = field_get((enum field_id)j);

			if (!col[j])
				continue;
			html_printf(h, "<td>");
			show_value(v, f, casefile_str(e, f->name), true);
			html_printf(h, "</td>");
		}
		if (!actions) {
			html_printf(h, "</tr>");
			continue;
		}
		html_printf(h, "<td class=\"actions\"><form method=\"post\" "
		    "action=\"/cases/%L/file/%s\">", v->c->id, v->t.name);
		page_csrf(v->r, h);
		html_printf(h, "<input type=\"hidden\" name=\"version\" "
		    "value=\"%d\"><input type=\"hidden\" name=\"index\" "
		    "value=\"%z\">", v->c->version, i);
		if (sec == SEC_EVENT) {
			if (i > 0)
				html_printf(h, "<button type=\"submit\" name=\"action\" "
				    "value=\"up\" class=\"secondary outline\" "
				    "title=\"%s\"><span aria-hidden=\"true\">↑</span>"
				    "<span class=\"visually-hidden\">%s #%z</span>"
				    "</button>", _("Move up"), _("Move up"), i + 1);
			if (i + 1 < n)
				html_printf(h, "<button type=\"submit\" name=\"action\" "
				    "value=\"down\" class=\"secondary outline\" "
				    "title=\"%s\"><span aria-hidden=\"true\">↓</span>"
				    "<span class=\"visually-hidden\">%s #%z</span>"
				    "</button>", _("Move down"), _("Move down"), i + 1);
		}
		html_printf(h, "<button type=\"submit\" name=\"action\" "
		    "value=\"remove\" class=\"secondary\">%s<span "
		    "class=\"visually-hidden\"> #%z</span></button>",
		    _("Remove"), i + 1);
		html_printf(h, "</form></td></tr>");
	}
	page_table_end(&tab, n, NULL);
}

/* --- form inputs --- */

static void
invalid_attrs(struct html *h, const char *id, bool hint, const char *err)
{
	if (err)
		html_printf(h, " aria-invalid=\"true\"");
	if (hint && err)
		html_printf(h, " aria-describedby=\"%s-hint %s-error\"", id, id);
	else if (hint)
		html_printf(h, " aria-describedby=\"%s-hint\"", id);
	else if (err)
		html_printf(h, " aria-describedby=\"%s-error\"", id);
}

static void
field_error(struct html *h, const char *id, const char *err)
{
	if (err)
		html_printf(h, "<small class=\"error\" id=\"%s-error\">%s</small>",
		    id, err);
}

/* Whether code is one of the items of the ';'-separated list. */
static bool
in_list(const char *list, const char *code)
{
	size_t n = strlen(code);

	while (*list) {
		const char *end = strchr(list, FIELD_MULTI_SEP);
		size_t l = end ? (size_t)(end - list) : strlen(list);

		if (l == n && memcmp(list, code, n) == 0)
			return true;
		if (end == NULL)
			break;
		list = end + 1;
	}
	return false;
}

static void
special_options(struct html *h, const char *value)
{
	int a;

	html_printf(h, "<optgroup label=\"%s\">", _("Other answers"));
	for (a = 0; a < SA__MAX; a++) {
		const char *code = special_answer_code((enum special_answer)a);

		html_printf(h, "<option value=\"%s\"%R>%s</option>", code,
		    strcmp(value, code) == 0 ? " selected" : "",
		    special_answer_label(code));
	}
	html_printf(h, "</optgroup>");
}

/* The separate "or:" select of the special answers. */
static void
special_select(struct html *h, const struct field_def *f, const char *id,
    const char *value)
{
	int a;

	char or[I18N_LABEL_MAX];

	html_printf(h, "<div class=\"special\"><label for=\"%s-special\">%s"
	    "<span class=\"visually-hidden\">(%s)</span></label><select "
	    "id=\"%s-special\" name=\"%s.special\"><option value=\"\">—</option>",
	    id, i18n_colon(_("or"), or), _(f->label), id, f->name);
	for (a = 0; a < SA__MAX; a++) {
		const char *code = special_answer_code((enum special_answer)a);

		html_printf(h, "<option value=\"%s\"%R>%s</option>", code,
		    strcmp(value, code) == 0 ? " selected" : "",
		    special_answer_label(code));
	}
	html_printf(h, "</select></div>");
}

static int
load_options(struct view *v, const struct field_def *f)
{
	if ((f->type == FT_COUNTRY || f->type == FT_COUNTRIES) &&
	    v->countries == NULL &&
	    (v->countries = country_options(&v->ncountries)) == NULL)
		return -1;
	if (f->type == FT_LANGUAGE && v->languages == NULL &&
	    (v->languages = language_options(LANGS_ALPHA2,
	    &v->nlanguages)) == NULL)
		return -1;
	return 0;
}

#define ORG_NAMES_MAX 500	/* names offered; any name may be typed */

struct org_names {
	struct html *h;
	size_t n;
};

static int
org_name_cb(void *arg, const struct organisation *o)
{
	struct org_names *x = arg;

	if (o->disabled)
		return 0;
	html_printf(x->h, "<option value=\"%s\"></option>", o->name);
	return ++x->n == ORG_NAMES_MAX;
}

/*
 * Once per page, the names of the registry's organisations in use as a
 * <datalist> that FF_ORGNAME inputs suggest from. The field stays free
 * text: a referral to a body outside the registry, and a name read from
 * an HTCDS file, are kept as they are. -1 on failure.
 */
static int
org_names(struct view *v)
{
	struct org_names x = { &v->h, 0 };

	if (v->org_names)
		return 0;
	v->org_names = true;
	html_printf(&v->h, "<datalist id=\"org-names\">");
	if (db_org_list(v->r->app->db, org_name_cb, &x) != DB_OK)
		return -1;
	html_printf(&v->h, "</datalist>");
	return 0;
}

/*
 * Writes the input of field f with its label, showing value (saved or
 * typed, untrusted) and err (or NULL). Returns -1 when out of memory.
 */
static int
field_input(struct view *v, const struct field_def *f, const char *value,
    const char *err)
{
	struct html *h = &v->h;
	const bool special = field_allows_special(f);
	const bool required = f->flags & FF_REQUIRED;
	const char *shown = value, *sa = "";
	/* Not for the browser to insist on when "or:" may answer instead. */
	const char *req = required && (single_select(f) || !special) ?
	    " required" : "";
	char id[96];
	size_t i, n;

	if (load_options(v, f) < 0)
		return -1;
	snprintf(id, sizeof(id), "f-%s", f->name);
	if (special && special_answer(value) >= 0 && !single_select(f)) {
		sa = value;
		shown = "";
	}
	html_printf(h, "<div class=\"field%R\">", multi_value(f) ||
	    f->type == FT_LONGTEXT ? " wide" : "");
	if (f->type == FT_CODES) {
		const struct code_def *codes = codelist_codes(f->list, &n);

		html_printf(h, "<fieldset id=\"%s\" class=\"checks\"", id);
		invalid_attrs(h, id, false, err);
		html_printf(h, "><legend>%s%R</legend>", _(f->label), required ?
		    "<span class=\"required\" aria-hidden=\"true\"> *</span>" : "");
		for (i = 0; i < n; i++)
			html_printf(h, "<label><input type=\"checkbox\" name=\"%s\" "
			    "value=\"%s\"%R> %s</label>", f->name, codes[i].code,
			    in_list(shown, codes[i].code) ? " checked" : "",
			    code_label(f->list, codes[i].code));
		html_printf(h, "</fieldset>");
		if (special)
			special_select(h, f, id, sa);
		field_error(h, id, err);
		html_printf(h, "</div>");
		return 0;
	}
	html_printf(h, "<label for=\"%s\">%s%R</label>", id, _(f->label),
	    required ?
	    "<span class=\"required\" aria-hidden=\"true\"> *</span>" : "");
	if (!single_select(f) && special)
		html_printf(h, "<div class=\"with-special\">");
	switch (f->type) {
	case FT_TEXT:
	case FT_EMAIL:
	case FT_PHONES:
		html_printf(h, "<input type=\"%R\" id=\"%s\" name=\"%s\" "
		    "value=\"%s\"%R", f->type == FT_EMAIL ? "email" : "text", id,
		    f->name, shown, req);
		if (f->max > 0)
			html_printf(h, " maxlength=\"%L\"", f->max);
		if (f->type == FT_PHONES)
			html_printf(h, " inputmode=\"tel\" autocomplete=\"off\"");
		if (f->flags & FF_ORGNAME && protection_registry_read(v->r))
			html_printf(h, " list=\"org-names\"");
		invalid_attrs(h, id, f->type == FT_PHONES, err);
		html_printf(h, ">");
		if (f->flags & FF_ORGNAME && protection_registry_read(v->r) &&
		    org_names(v) < 0)
			return -1;
		break;
	case FT_LONGTEXT:
		html_printf(h, "<textarea id=\"%s\" name=\"%s\" rows=\"%d\"%R",
		    id, f->name, f->max > 2000 ? 5 : 3, req);
		if (f->max > 0)
			html_printf(h, " maxlength=\"%L\"", f->max);
		invalid_attrs(h, id, false, err);
		html_printf(h, ">%s</textarea>", shown);
		break;
	case FT_INT:
		html_printf(h, "<input type=\"number\" id=\"%s\" name=\"%s\" "
		    "value=\"%s\" min=\"0\" max=\"%L\" step=\"1\"%R", id,
		    f->name, shown, f->max, req);
		invalid_attrs(h, id, false, err);
		html_printf(h, ">");
		break;
	case FT_DATE:
		html_printf(h, "<input type=\"text\" id=\"%s\" name=\"%s\" "
		    "value=\"%s\" placeholder=\"%s\" "
		    "pattern=\"[0-9]{4}(-[0-9]{2}(-[0-9]{2})?)?\" maxlength=\"10\"%R",
		    id, f->name, shown, _("YYYY-MM-DD"), req);
		invalid_attrs(h, id, true, err);
		html_printf(h, ">");
		break;
	case FT_BOOL:
	case FT_CODE: {
		const struct code_def *codes = codelist_codes(f->list, &n);

		html_printf(h, "<select id=\"%s\" name=\"%s\"%R", id, f->name, req);
		invalid_attrs(h, id, false, err);
		html_printf(h, ">");
		if (!required || *value == '\0')
			html_printf(h, "<option value=\"\">%s</option>",
			    _("— not recorded —"));
		for (i = 0; i < n; i++)
			html_printf(h, "<option value=\"%s\"%R>%s</option>",
			    codes[i].code, strcmp(value, codes[i].code) == 0 ?
			    " selected" : "", code_label(f->list, codes[i].code));
		if (special)
			special_options(h, value);
		html_printf(h, "</select>");
		break;
	}
	case FT_COUNTRY:
	case FT_LANGUAGE: {
		const struct iso_option *o = f->type == FT_COUNTRY ?
		    v->countries : v->languages;
		const char *a3 = f->type == FT_LANGUAGE ?
		    language_alpha3(value) : NULL;
		bool found = false;

		n = f->type == FT_COUNTRY ? v->ncountries : v->nlanguages;
		html_printf(h, "<select id=\"%s\" name=\"%s\"%R", id, f->name, req);
		invalid_attrs(h, id, false, err);
		html_printf(h, "><option value=\"\">%s</option>",
		    _("— not recorded —"));
		for (i = 0; i < n; i++) {
			/* A language saved by its ISO 639-1 code keeps it. */
			bool sel = strcmp(value, o[i].code) == 0 ||
			    (a3 && strcmp(a3, o[i].code) == 0);

			found = found || sel;
			html_printf(h, "<option value=\"%s\"%R>%s</option>",
			    sel ? value : o[i].code, sel ? " selected" : "",
			    o[i].name);
		}
		/* A language outside the short list stays choosable. */
		if (!found && *value && special_answer(value) < 0)
			html_printf(h, "<option value=\"%s\" selected>%s</option>",
			    value, f->type == FT_LANGUAGE && language_name(value) ?
			    language_name(value) : value);
		if (special)
			special_options(h, value);
		html_printf(h, "</select>");
		break;
	}
	case FT_COUNTRIES:
		html_printf(h, "<select id=\"%s\" name=\"%s\" multiple "
		    "size=\"8\"%R", id, f->name, req);
		invalid_attrs(h, id, true, err);
		html_printf(h, ">");
		for (i = 0; i < v->ncountries; i++)
			html_printf(h, "<option value=\"%s\"%R>%s</option>",
			    v->countries[i].code,
			    in_list(shown, v->countries[i].code) ? " selected" : "",
			    v->countries[i].name);
		html_printf(h, "</select>");
		break;
	case FT_CODES:
	case FT__MAX:
	default:
		break;
	}
	if (!single_select(f) && special) {
		special_select(h, f, id, sa);
		html_printf(h, "</div>");
	}
	if (f->type == FT_DATE)
		html_printf(h, "<small id=\"%s-hint\">%s</small>", id,
		    _("A year, a year and month, or a full date: YYYY, YYYY-MM "
		    "or YYYY-MM-DD."));
	else if (f->type == FT_PHONES)
		html_printf(h, "<small id=\"%s-hint\">%s</small>", id,
		    _("International format with the country code, such as "
		    "+66812345678; separate several numbers with ;"));
	else if (f->type == FT_COUNTRIES)
		html_printf(h, "<small id=\"%s-hint\">%s</small>", id,
		    _("Hold Ctrl (Cmd on a Mac) to choose several; with the "
		    "keyboard, Ctrl and Space."));
	field_error(h, id, err);
	html_printf(h, "</div>");
	return 0;
}

/* The inputs of every field of sec, from obj; errors by prefix + name.
 * Each input comes with its FORM_MARKER, so that the POST knows an input
 * the browser did not send (an unchecked checkbox group) was there. */
static int
section_inputs(struct view *v, enum section sec, json_t *obj,
    const char *prefix)
{
	int i;

	for (i = 0; i < F__MAX; i++) {
		const struct field_def *f = field_get((enum field_id)i);

		if (f->section == sec && !(f->flags & FF_SYSTEM))
			html_printf(&v->h, "<input type=\"hidden\" name=\"%s\" "
			    "value=\"%s\">", FORM_MARKER, f->name);
	}
	html_printf(&v->h, "<div class=\"form-grid\">");
	for (i = 0; i < F__MAX; i++) {
		const struct field_def *f = field_get((enum field_id)i);
		char path[160];

		if (f->section != sec || f->flags & FF_SYSTEM)
			continue;
		snprintf(path, sizeof(path), "%s%s", prefix, f->name);
		if (field_input(v, f, casefile_str(obj, f->name),
		    json_string_value(json_object_get(v->errors, path))) < 0)
			return -1;
	}
	html_printf(&v->h, "</div>");
	return 0;
}

/* --- errors --- */

static const char *
item_label(enum screening_element e, int i)
{
	switch (e) {
	case SCR_EL_ACT:
		return screening_act_label((enum screening_act)i);
	case SCR_EL_MEANS:
		return screening_means_label((enum screening_means)i);
	case SCR_EL_PURPOSE:
		return screening_purpose_label((enum screening_purpose)i);
	case SCR_EL__MAX:
	default:
		return NULL;
	}
}

static const char *
item_code(enum screening_element e, int i)
{
	switch (e) {
	case SCR_EL_ACT:
		return screening_act_code((enum screening_act)i);
	case SCR_EL_MEANS:
		return screening_means_code((enum screening_means)i);
	case SCR_EL_PURPOSE:
		return screening_purpose_code((enum screening_purpose)i);
	case SCR_EL__MAX:
	default:
		return NULL;
	}
}

static int
item_count(enum screening_element e)
{
	static const int n[SCR_EL__MAX] = {
		[SCR_EL_ACT] = SCR_ACT__MAX,
		[SCR_EL_MEANS] = SCR_MEANS__MAX,
		[SCR_EL_PURPOSE] = SCR_PURPOSE__MAX,
	};

	return e < SCR_EL__MAX ? n[e] : 0;
}

/* The element and item of a screening code ("Fraud"); false if none. */
static bool
item_find(const char *code, enum screening_element *e, int *i)
{
	int a, b;

	for (a = 0; a < SCR_EL__MAX; a++)
		for (b = 0; b < item_count((enum screening_element)a); b++)
			if (strcmp(code, item_code((enum screening_element)a, b)) == 0) {
				*e = (enum screening_element)a;
				*i = b;
				return true;
			}
	return false;
}

/*
 * Where an error path is shown on the screening page: the id of its
 * input (in r's arena), or NULL when it has none there.
 */
static const char *
screening_anchor(struct req *r, const char *path)
{
	enum screening_element e;
	int i;

	if (strncmp(path, "screening.", 10) != 0)
		return NULL;
	path += 10;
	if (strcmp(path, "act") == 0 || strcmp(path, "means") == 0 ||
	    strcmp(path, "purpose") == 0)
		return arena_printf(r->arena, "scr-%s", path);
	if (strcmp(path, "age_at_act") == 0 || strcmp(path, "consent") == 0 ||
	    strcmp(path, "decision") == 0)
		return path;
	if (strncmp(path, "evidence.", 9) == 0 && item_find(path + 9, &e, &i))
		return arena_printf(r->arena, "ev-%s", path + 9);
	return NULL;
}

/* The id of the input an error path belongs to on this page, or NULL
 * when the page has no input for it. */
static const char *
anchor_of(struct view *v, const char *path)
{
	const char *rest = path;
	const struct field_def *f;
	int fid;

	if (v->t.kind == K_SCREENING)
		return screening_anchor(v->r, path);
	if (v->t.kind == K_LIST) {
		char prefix[64];
		size_t n;

		if (v->typed == NULL)
			return NULL;
		n = (size_t)snprintf(prefix, sizeof(prefix), "%s[%zu].",
		    v->t.name, v->add_index);
		if (strncmp(path, prefix, n) != 0)
			return NULL;
		rest = path + n;
	}
	if ((fid = field_by_name(rest)) < 0)
		return NULL;
	f = field_get((enum field_id)fid);
	if (f->section != v->t.sec || f->flags & FF_SYSTEM)
		return NULL;
	return arena_printf(v->r->arena, "f-%s", f->name);
}

/* A path ("events[1].hte_Date") in words, in r's arena. */
static const char *
path_label(struct req *r, const char *path)
{
	const char *br = strchr(path, '['), *dot;
	enum screening_element e;
	int fid, i;

	if (strncmp(path, "screening", 9) == 0) {
		const char *p = path[9] == '.' ? path + 10 : "";

		if (strcmp(p, "decision") == 0)
			return _("Decision on the trafficking status");
		if (strcmp(p, "age_at_act") == 0)
			return _("Age at the time of the act");
		if (strcmp(p, "consent") == 0)
			return _("Consent to the intended exploitation");
		if ((i = screening_element_from_code(p)) >= 0)
			return screening_element_label((enum screening_element)i);
		if (strncmp(p, "evidence.", 9) == 0 && item_find(p + 9, &e, &i))
			return item_label(e, i);
		return _("Screening");
	}
	if (br) {
		size_t l;
		long idx = strtol(br + 1, NULL, 10);
		const char *sl = NULL;

		for (l = 0; l < ARRAY_SIZE(lists); l++)
			if (strlen(lists[l].key) == (size_t)(br - path) &&
			    strncmp(path, lists[l].key, (size_t)(br - path)) == 0)
				sl = _(section_get(lists[l].sec)->label);
		dot = strchr(br, '.');
		fid = dot ? field_by_name(dot + 1) : -1;
		if (sl == NULL)
			return path;
		if (fid >= 0) {
			char lab[I18N_LABEL_MAX];
			char *one = arena_printf(r->arena, "%s #%ld", sl, idx + 1);

			return arena_printf(r->arena, "%s%s", i18n_colon(one ?
			    one : sl, lab), _(field_get((enum field_id)fid)->label));
		}
		return arena_printf(r->arena, "%s #%ld", sl, idx + 1);
	}
	for (i = 0; i < (int)ARRAY_SIZE(lists); i++)
		if (strcmp(path, lists[i].key) == 0)
			return _(section_get(lists[i].sec)->label);
	if ((fid = field_by_name(path)) >= 0)
		return _(field_get((enum field_id)fid)->label);
	return path;
}

/* The message above the page and the summary of every error, each a link
 * to its input when the page has one. */
static void
show_errors(struct view *v)
{
	struct html *h = &v->h;
	const char *key;
	json_t *m;

	if (json_object_size(v->errors) == 0) {
		if (v->msg)
			html_printf(h, "<p class=\"flash error\" role=\"alert\">%s"
			    "</p>", v->msg);
		return;
	}
	html_printf(h, "<div class=\"errors\" role=\"alert\"><p>%s</p><ul>",
	    v->msg ? v->msg : _("Nothing was saved: some fields need "
	    "correcting."));
	json_object_foreach(v->errors, key, m) {
		const char *a = anchor_of(v, key);

		/* The colon outside the link, as the language writes it. */
		const char *label = path_label(v->r, key);
		const char *colon = page_colon(v->r, "");

		if (a)
			html_printf(h, "<li><a href=\"#%s\">%s</a>%s%s</li>", a,
			    label, colon, json_string_value(m));
		else
			html_printf(h, "<li>%s%s%s</li>", label, colon,
			    json_string_value(m));
	}
	html_printf(h, "</ul></div>");
}

/* --- the page frame --- */

static void
view_init(struct view *v, struct req *r, struct case_row *c, json_t *file)
{
	memset(v, 0, sizeof(*v));
	v->r = r;
	v->c = c;
	v->file = file;
	html_init(&v->h, HTTP_PAGE_MAX);
}

static void
view_release(struct view *v)
{
	free(v->countries);
	free(v->languages);
	html_release(&v->h);
}

/* The head of the page; sub for the pages under the summary. */
static void
view_begin(struct view *v, const char *title, bool sub)
{
	page_case_begin(v->r, &v->h, v->c->id, v->c->number, title, sub);
	show_errors(v);
}

/* Audits the read of object, then sends the page. */
static int
view_send(struct view *v, int status, const char *object)
{
	int rc;

	page_end(v->r, &v->h);
	if (audit(v->r, "case.view", v->c->id, object, NULL) < 0)
		return -1;
	rc = resp_html(v->r, status, &v->h);
	return rc;
}

static void
form_begin(struct view *v)
{
	html_printf(&v->h, "<form method=\"post\" action=\"/cases/%L/file/%s\">",
	    v->c->id, v->t.name);
	page_csrf(v->r, &v->h);
	html_printf(&v->h, "<input type=\"hidden\" name=\"version\" value=\"%d\">",
	    v->c->version);
}

/* --- the screening result --- */

static bool
json_has_string(json_t *arr, const char *s)
{
	size_t i;
	json_t *e;

	json_array_foreach(arr, i, e)
		if (json_is_string(e) && strcmp(json_string_value(e), s) == 0)
			return true;
	return false;
}

static const char *
status_label(const char *code)
{
	int s = screening_status_from_code(code);

	return s >= 0 ? screening_status_label((enum screening_status)s) : code;
}

/* The result of scr (from casefile_screening) for reading. */
static void
show_screening(struct view *v, json_t *scr)
{
	struct html *h = &v->h;
	json_t *missing = json_object_get(scr, "missing");
	json_t *dec = json_object_get(scr, "decision"), *reason;
	const char *proposed = casefile_str(scr, "proposed_status");
	bool meets = json_is_true(json_object_get(scr, "meets_definition"));
	const struct page_col cols[] = {
		{ _("Element"), 0 }, { _("Result"), 0 }, { _("Recorded"), 0 },
	};
	struct page_table tab;
	int e, i;
	size_t k;
	char t[PAGE_MARK];

	html_printf(h, "<dl class=\"fields\"><dt>%s</dt><dd><strong "
	    "class=\"%R\">%s</strong></dd><dt>%s</dt><dd>%s</dd></dl>",
	    _("Meets the definition of trafficking in persons"),
	    meets ? "result-yes" : "result-no", meets ? _("Yes") : _("No"),
	    _("Child at the time of the act"),
	    json_is_true(json_object_get(scr, "age_unknown")) ?
	    _("Age unknown: treated as an adult") :
	    json_is_true(json_object_get(scr, "child")) ? _("Yes") : _("No"));
	page_table_begin(&tab, h, "compact elements", NULL, cols,
	    ARRAY_SIZE(cols));
	for (e = 0; e < SCR_EL__MAX; e++) {
		const char *code = screening_element_code((enum screening_element)e);
		json_t *items = json_object_get(scr, code), *it;
		bool miss = json_has_string(missing, code);
		int n = 0;

		html_printf(h, "<tr><th scope=\"row\">%s</th><td>",
		    screening_element_label((enum screening_element)e));
		if (miss)
			html_printf(h, "<span class=\"result-no\">%s</span>",
			    _("Missing"));
		else if (json_array_size(items) == 0)
			html_printf(h, "%s", _("Not required for a child"));
		else
			html_printf(h, "<span class=\"result-yes\">%s</span>",
			    _("Present"));
		html_printf(h, "</td><td>");
		json_array_foreach(items, k, it) {
			enum screening_element el;

			if (!item_find(json_string_value(it) ?
			    json_string_value(it) : "", &el, &i))
				continue;
			html_printf(h, "%R%s", n++ ? "; " : "", item_label(el, i));
		}
		html_printf(h, "</td></tr>");
	}
	page_table_end(&tab, SCR_EL__MAX, NULL);
	html_printf(h, "<ul class=\"reasons\">");
	json_array_foreach(json_object_get(scr, "reasons"), k, reason)
		html_printf(h, "<li>%s</li>", json_string_value(reason));
	html_printf(h, "</ul><p>%s<strong>%s</strong></p>",
	    page_colon(v->r, _("Proposed trafficking status")),
	    status_label(proposed));
	if (dec == NULL) {
		html_printf(h, "<p class=\"muted\">%s</p>",
		    _("No decision has been recorded yet."));
		return;
	}
	{
		struct user u;
		json_int_t by = json_integer_value(json_object_get(dec,
		    "decided_by"));
		bool found = db_user_get(v->r->app->db, by, &u) == DB_OK;

		html_printf(h, "<p>%s<strong>%s</strong> — %s %s, %R (UTC)</p>",
		    page_colon(v->r, _("Decision")),
		    status_label(casefile_str(dec, "final_status")),
		    _("recorded by"), found ? u.username : "?",
		    page_when(json_integer_value(json_object_get(dec,
		    "decided_at")), t));
	}
	if (json_is_true(json_object_get(dec, "overridden")))
		html_printf(h, "<p>%s %s<span class=\"longtext\">%s</span></p>",
		    _("The decision overrides the proposal."),
		    page_colon(v->r, _("Reason")), casefile_str(dec, "reason"));
	if (*proposed && strcmp(casefile_str(dec, "proposed_status"), proposed) != 0)
		html_printf(h, "<p class=\"flash warn\">%s</p>",
		    _("The interview has changed since the decision was taken, "
		    "and so has the proposal. Confirm or change the decision."));
}

/* The route: countries of the events in order. */
static void
show_route(struct view *v)
{
	struct html *h = &v->h;
	json_t *route = casefile_route(v->file), *e;
	size_t i;

	if (json_array_size(route) == 0) {
		html_printf(h, "<p class=\"muted\">%s</p>",
		    _("No events recorded yet."));
		json_decref(route);
		return;
	}
	html_printf(h, "<ol class=\"route\" aria-label=\"%s\">", _("Route"));
	json_array_foreach(route, i, e) {
		const char *c = casefile_str(e, "country"), *name = NULL;
		const char *type = code_label(CL_EVENT_TYPE, casefile_str(e, "type"));

		if (*c == '\0')
			name = _("Country not recorded");
		else if ((name = special_answer_label(c)) == NULL)
			name = country_name(c);
		html_printf(h, "<li><strong>%s</strong> <small>(%s)</small></li>",
		    name ? name : c, type ? type : casefile_str(e, "type"));
	}
	html_printf(h, "</ol>");
	json_decref(route);
}

/* --- the summary --- */

static int
summary_page(struct view *v)
{
	struct html *h = &v->h;
	json_t *scr;
	bool edit = user_can(&v->r->user, PERM_CASE_UPDATE);
	char n[PAGE_MARK];
	int s;

	view_begin(v, _("Case file"), false);
	html_printf(h, "<dl class=\"fields\"><dt>%s</dt><dd>%R</dd><dt>%s</dt>"
	    "<dd>%s</dd><dt>%s</dt><dd>", _("Case number"),
	    page_case_number(v->c->number, n), _("Office"),
	    v->c->office_code, _("Status"));
	page_status_badge(h, v->c->status);
	html_printf(h, "</dd></dl>");

	html_printf(h, "<nav aria-label=\"%s\" class=\"sections\"><ul>",
	    _("Sections of the case file"));
	for (s = 0; s < SEC__MAX; s++) {
		const struct section_def *sd = section_get((enum section)s);

		html_printf(h, "<li><a href=\"#sec-%s\">%s</a></li>", sd->name,
		    _(sd->label));
	}
	html_printf(h, "<li><a href=\"#sec-screening\">%s</a></li></ul></nav>",
	    _("Screening"));

	html_printf(h, "<section><h2>%s</h2>", _("Route"));
	show_route(v);
	html_printf(h, "</section>");

	html_printf(h, "<section id=\"sec-screening\"><h2>%s</h2>",
	    _("Screening against the definition (Palermo Protocol)"));
	if ((scr = casefile_screening(v->r, v->file)) == NULL)
		return -1;
	show_screening(v, scr);
	json_decref(scr);
	html_printf(h, "<p><a href=\"/cases/%L/file/screening\">%s</a></p>"
	    "</section>", v->c->id, edit ? _("Screening interview and "
	    "decision") : _("Screening interview"));

	for (s = 0; s < SEC__MAX; s++) {
		const struct section_def *sd = section_get((enum section)s);
		const char *key = sd->repeated ? list_key(sd->id) : sd->name;

		html_printf(h, "<section id=\"sec-%s\"><h2>%s", sd->name,
		    _(sd->label));
		if (edit)
			html_printf(h, " <a href=\"/cases/%L/file/%s\" "
			    "class=\"edit\">%s<span class=\"visually-hidden\"> "
			    "(%s)</span></a>", v->c->id, key, _("Edit"),
			    _(sd->label));
		html_printf(h, "</h2>");
		if (sd->repeated)
			show_list(v, sd->id, json_object_get(v->file, key), false);
		else
			show_section(v, sd->id, v->file);
		html_printf(h, "</section>");
	}
	return view_send(v, 200, "file");
}

int
page_casefile(struct req *r)
{
	struct case_row c;
	struct view v;
	json_t *file;
	int rc = cases_open(r, &c, PERM_CASEFILE_READ, "case.view.denied", 404);

	if (rc != 0)
		return rc < 0 ? -1 : 0;
	if ((file = casefile_load(r, &c)) == NULL)
		return -1;
	view_init(&v, r, &c, file);
	rc = summary_page(&v);
	view_release(&v);
	json_decref(file);
	return rc;
}

/* --- section pages --- */

static int
scalar_page(struct view *v, int status)
{
	const struct section_def *sd = section_get(v->t.sec);
	json_t *shown = v->typed ? v->typed : v->file;

	view_begin(v, _(sd->label), true);
	if (!user_can(&v->r->user, PERM_CASE_UPDATE)) {
		show_section(v, v->t.sec, v->file);
		return view_send(v, status, v->t.name);
	}
	form_begin(v);
	if (section_inputs(v, v->t.sec, shown, "") < 0)
		return -1;
	html_printf(&v->h, "<div class=\"form-actions\"><button type=\"submit\">"
	    "%s</button> <a href=\"/cases/%L/file\">%s</a></div></form>",
	    _("Save"), v->c->id, _("Cancel"));
	return view_send(v, status, v->t.name);
}

static int
list_page(struct view *v, int status)
{
	const struct section_def *sd = section_get(v->t.sec);
	json_t *arr = json_object_get(v->file, v->t.name), *empty;
	bool edit = user_can(&v->r->user, PERM_CASE_UPDATE);
	char prefix[64];
	int rc;

	view_begin(v, _(sd->label), true);
	if (v->t.sec == SEC_EVENT)
		html_printf(&v->h, "<p>%s</p>", _("The events in the order they "
		    "happened: recruitment, transit, exploitation. Their "
		    "countries make the route."));
	/* Comments and consent records are never changed or removed, so
	 * they have no buttons. */
	show_list(v, v->t.sec, arr, edit);
	if (v->t.sec == SEC_COMMENT)
		html_printf(&v->h, "<p>%s</p>", _("Saved comments cannot be "
		    "changed or removed. To correct a comment, add a new one."));
	if (!edit)
		return view_send(v, status, v->t.name);
	html_printf(&v->h, "<section class=\"add\"><h2>%s</h2>",
	    v->t.sec == SEC_CONSENT ? _("Record consent") : _("Add"));
	if (v->t.sec == SEC_CONSENT)
		html_printf(&v->h, "<p>%s</p>", _("A consent record is never "
		    "changed or removed. To record that the person withdraws "
		    "consent, record a new entry with the answers as they are "
		    "now."));
	if (v->t.sec == SEC_COMMENT)
		html_printf(&v->h, "<p>%s</p>", _("The date and your name are "
		    "added to the comment; a saved comment cannot be changed."));
	form_begin(v);
	html_printf(&v->h, "<input type=\"hidden\" name=\"action\" value=\"add\">");
	snprintf(prefix, sizeof(prefix), "%s[%zu].", v->t.name, v->add_index);
	empty = json_object();
	rc = section_inputs(v, v->t.sec, v->typed ? v->typed : empty, prefix);
	json_decref(empty);
	if (rc < 0)
		return -1;
	html_printf(&v->h, "<button type=\"submit\">%s</button></form></section>",
	    v->t.sec == SEC_CONSENT ? _("Record") : _("Add"));
	return view_send(v, status, v->t.name);
}

/* Whether the screening object s has code among the items of element. */
static bool
screening_has(json_t *s, const char *element, const char *code)
{
	return json_has_string(json_object_get(s, element), code);
}

static void
screening_form(struct view *v, json_t *s)
{
	struct html *h = &v->h;
	json_t *age = json_object_get(s, "age_at_act");
	const char *consent = casefile_str(s, "consent");
	const char *err;
	char agebuf[32] = "";
	int e, i;

	form_begin(v);
	/* What the form has, for the POST to replace (see form_covers). */
	for (e = 0; e < SCR_EL__MAX; e++) {
		html_printf(h, "<input type=\"hidden\" name=\"%s\" value=\"%s\">",
		    FORM_MARKER, screening_element_code((enum screening_element)e));
		for (i = 0; i < item_count((enum screening_element)e); i++)
			html_printf(h, "<input type=\"hidden\" name=\"%s\" "
			    "value=\"evidence.%s\">", FORM_MARKER,
			    item_code((enum screening_element)e, i));
	}
	html_printf(h, "<input type=\"hidden\" name=\"%s\" value=\"age_at_act\">"
	    "<input type=\"hidden\" name=\"%s\" value=\"consent\">",
	    FORM_MARKER, FORM_MARKER);
	for (e = 0; e < SCR_EL__MAX; e++) {
		const char *ecode = screening_element_code((enum screening_element)e);
		char id[32], path[64];

		snprintf(id, sizeof(id), "scr-%s", ecode);
		snprintf(path, sizeof(path), "screening.%s", ecode);
		err = json_string_value(json_object_get(v->errors, path));
		html_printf(h, "<fieldset id=\"%s\" class=\"screening-items\"", id);
		invalid_attrs(h, id, false, err);
		html_printf(h, "><legend>%s</legend>", e == SCR_EL_ACT ? _("Acts") :
		    e == SCR_EL_MEANS ? _("Means") : _("Purposes (exploitation)"));
		if (e == SCR_EL_MEANS)
			html_printf(h, "<small>%s</small>", _("Not required when the "
			    "person was under 18 at the time of the act."));
		for (i = 0; i < item_count((enum screening_element)e); i++) {
			const char *code = item_code((enum screening_element)e, i);
			const char *label = item_label((enum screening_element)e, i);
			char ev[160], eid[96];

			snprintf(ev, sizeof(ev), "screening.evidence.%s", code);
			snprintf(eid, sizeof(eid), "ev-%s", code);
			err = json_string_value(json_object_get(v->errors, ev));
			html_printf(h, "<div class=\"screening-item\"><label><input "
			    "type=\"checkbox\" id=\"scr-%s\" name=\"%s\" value=\"%s\"%R>"
			    " %s</label><div><label for=\"%s\" class=\"visually-hidden\">"
			    "%s%s</label><input type=\"text\" id=\"%s\" "
			    "name=\"evidence.%s\" value=\"%s\" maxlength=\"%d\" "
			    "placeholder=\"%s\"", code, ecode, code,
			    screening_has(s, ecode, code) ? " checked" : "", label,
			    eid, page_colon(v->r, _("What supports it")), label, eid,
			    code,
			    casefile_str(json_object_get(s, "evidence"), code),
			    SCREENING_ANSWER_MAX, e == SCR_EL_PURPOSE &&
			    i == SCR_PURPOSE_OTHER ?
			    _("Describe the exploitation") : _("What supports it"));
			invalid_attrs(h, eid, false, err);
			html_printf(h, ">");
			field_error(h, eid, err);
			html_printf(h, "</div></div>");
		}
		html_printf(h, "</fieldset>");
		err = json_string_value(json_object_get(v->errors, path));
		field_error(h, id, err);
	}
	if (json_is_integer(age))
		snprintf(agebuf, sizeof(agebuf), "%lld",
		    (long long)json_integer_value(age));
	err = json_string_value(json_object_get(v->errors, "screening.age_at_act"));
	html_printf(h, "<div class=\"field\"><label for=\"age_at_act\">%s</label>"
	    "<input type=\"number\" id=\"age_at_act\" name=\"age_at_act\" "
	    "min=\"0\" max=\"%d\" step=\"1\" value=\"%s\"", _("Age at the time "
	    "of the act"), SCREENING_AGE_MAX, json_is_string(age) ?
	    json_string_value(age) : agebuf);
	invalid_attrs(h, "age_at_act", true, err);
	html_printf(h, "><small id=\"age_at_act-hint\">%s</small>",
	    _("Leave empty when the age is unknown; the victim section's age "
	    "is used then."));
	field_error(h, "age_at_act", err);
	err = json_string_value(json_object_get(v->errors, "screening.consent"));
	html_printf(h, "</div><div class=\"field\"><label for=\"consent\">%s"
	    "</label><select id=\"consent\" name=\"consent\"", _("Did the person "
	    "consent to the intended exploitation?"));
	invalid_attrs(h, "consent", true, err);
	html_printf(h, ">");
	for (i = 0; i < SCR_CONSENT__MAX; i++) {
		const char *code = screening_consent_code((enum screening_consent)i);

		html_printf(h, "<option value=\"%s\"%R>%s</option>", code,
		    strcmp(consent, code) == 0 ||
		    (*consent == '\0' && i == SCR_CONSENT_NOT_ASKED) ?
		    " selected" : "",
		    screening_consent_label((enum screening_consent)i));
	}
	html_printf(h, "</select><small id=\"consent-hint\">%s</small>",
	    _("Consent is irrelevant where any of the means was used, and for "
	    "a child."));
	field_error(h, "consent", err);
	html_printf(h, "</div><p><small>%s</small></p><button type=\"submit\">"
	    "%s</button></form>", _("When the interview changes the proposed "
	    "status, the decision has to be taken again."),
	    _("Save the interview"));
}

static void
decision_form(struct view *v, json_t *scr)
{
	struct html *h = &v->h;
	json_t *saved = json_object_get(json_object_get(v->file, "screening"),
	    "decision");
	json_t *typed = v->decide && v->typed ?
	    json_object_get(v->typed, "decision") : NULL;
	json_t *d = typed ? typed : saved;
	const char *proposed = casefile_str(scr, "proposed_status");
	/* The proposal, unless a decision on this same proposal exists. */
	const char *sel = typed || (saved && strcmp(casefile_str(saved,
	    "proposed_status"), proposed) == 0) ? casefile_str(d, "final_status") :
	    proposed;
	const char *err = json_string_value(json_object_get(v->errors,
	    "screening.decision"));
	int i;

	html_printf(h, "<section><h2>%s</h2>", _("Decision"));
	form_begin(v);
	html_printf(h, "<input type=\"hidden\" name=\"decide\" value=\"1\">"
	    "<fieldset id=\"decision\"");
	invalid_attrs(h, "decision", false, err);
	html_printf(h, "><legend>%s</legend><label for=\"final_status\">%s"
	    "</label><select id=\"final_status\" name=\"final_status\">",
	    _("Decision on the trafficking status"), _("Final status"));
	for (i = 0; i < SCR_STATUS__MAX; i++) {
		const char *code = screening_status_code((enum screening_status)i);

		html_printf(h, "<option value=\"%s\"%R>%s</option>", code,
		    strcmp(sel, code) == 0 ? " selected" : "",
		    screening_status_label((enum screening_status)i));
	}
	html_printf(h, "</select><label for=\"reason\">%s</label><textarea "
	    "id=\"reason\" name=\"reason\" rows=\"3\" maxlength=\"%d\" "
	    "aria-describedby=\"reason-hint%R\">%s</textarea><small "
	    "id=\"reason-hint\">%s</small></fieldset>", _("Reason"),
	    SCREENING_REASON_MAX, err ? " decision-error" : "",
	    d ? casefile_str(d, "reason") : "", _("Required when the final status is "
	    "not the proposed one."));
	field_error(h, "decision", err);
	html_printf(h, "<button type=\"submit\">%s</button></form></section>",
	    _("Record the decision"));
}

static int
screening_page(struct view *v, int status)
{
	struct html *h = &v->h;
	json_t *scr = casefile_screening(v->r, v->file);
	json_t *shown = !v->decide && v->typed ? v->typed :
	    json_object_get(v->file, "screening");
	bool edit = user_can(&v->r->user, PERM_CASE_UPDATE);

	if (scr == NULL)
		return -1;
	view_begin(v, _("Screening"), true);
	html_printf(h, "<p>%s</p>", _("Trafficking in persons is an act "
	    "(recruitment, transportation, transfer, harbouring or receipt of "
	    "persons) by a means (threat or use of force or other coercion, "
	    "abduction, fraud, deception, abuse of power or of a position of "
	    "vulnerability, giving or receiving payments) for the purpose of "
	    "exploitation. For a child the means are not required."));
	if (edit) {
		html_printf(h, "<section><h2>%s</h2>", _("Interview"));
		screening_form(v, shown);
		html_printf(h, "</section>");
	}
	html_printf(h, "<section><h2>%s</h2>", _("Result"));
	show_screening(v, scr);
	html_printf(h, "</section>");
	if (edit)
		decision_form(v, scr);
	json_decref(scr);
	return view_send(v, status, v->t.name);
}

static int
section_page(struct view *v, int status)
{
	switch (v->t.kind) {
	case K_SCALAR:
		return scalar_page(v, status);
	case K_LIST:
		v->add_index = json_array_size(json_object_get(v->file,
		    v->t.name));
		return list_page(v, status);
	case K_SCREENING:
	default:
		return screening_page(v, status);
	}
}

int
page_casefile_section(struct req *r)
{
	struct case_row c;
	struct target t;
	struct view v;
	json_t *file;
	int rc;

	if (!target_of(r->path, &t))
		return resp_error(r, 404, _("This page does not exist."), NULL);
	rc = cases_open(r, &c, PERM_CASEFILE_READ, "case.view.denied", 404);
	if (rc != 0)
		return rc < 0 ? -1 : 0;
	if ((file = casefile_load(r, &c)) == NULL)
		return -1;
	view_init(&v, r, &c, file);
	v.t = t;
	rc = section_page(&v, 200);
	view_release(&v);
	json_decref(file);
	return rc;
}

/* --- saving --- */

/*
 * The screening object from the interview form (new ref), or NULL when
 * out of memory: the saved interview old (may be NULL; its decision is
 * left out) with what the form covers (form_covers) replaced. A posted
 * item that is none of its element's items goes to errors under
 * "screening.<element>", so that it is refused rather than dropped.
 */
static json_t *
screening_from_form(struct req *r, json_t *old, json_t *errors)
{
	json_t *o = json_object(), *ev = json_object();
	json_t *old_ev = json_object_get(old, "evidence"), *x;
	const char *s;
	int e, i;

	if (o == NULL || ev == NULL)
		goto fail;
	for (e = 0; e < SCR_EL__MAX; e++) {
		const char *ecode = screening_element_code((enum screening_element)e);
		const char *vals[FORM_VALUES_MAX];
		size_t n = 0, k;
		json_t *arr;

		if (!form_covers(r, ecode)) {
			x = json_object_get(old, ecode);
			arr = json_is_array(x) ? json_deep_copy(x) : json_array();
		} else {
			arr = json_array();
			n = form_values(r, ecode, vals, ARRAY_SIZE(vals));
		}
		if (arr == NULL || json_object_set_new(o, ecode, arr) < 0)
			goto fail;
		for (k = 0; k < n; k++) {
			for (i = 0; i < item_count((enum screening_element)e); i++)
				if (strcmp(vals[k], item_code((enum screening_element)e,
				    i)) == 0)
					break;
			if (*vals[k] && i == item_count((enum screening_element)e)) {
				char path[64];

				snprintf(path, sizeof(path), "screening.%s", ecode);
				json_object_set_new(errors, path, json_string(
				    _("Choose values from the list.")));
				break;
			}
		}
		for (i = 0; i < item_count((enum screening_element)e); i++) {
			const char *code = item_code((enum screening_element)e, i);
			char name[96];

			for (k = 0; k < n; k++)
				if (strcmp(vals[k], code) == 0) {
					json_array_append_new(arr, json_string(code));
					break;
				}
			snprintf(name, sizeof(name), "evidence.%s", code);
			if (!form_covers(r, name)) {
				if (json_is_string(x = json_object_get(old_ev, code)))
					json_object_set(ev, code, x);
				continue;
			}
			if ((s = trim(r, req_form(r, name))) == NULL)
				goto fail;
			if (*s)
				json_object_set_new(ev, code, json_string(s));
		}
	}
	json_object_set_new(o, "evidence", ev);
	ev = NULL;
	if (!form_covers(r, "age_at_act")) {
		x = json_object_get(old, "age_at_act");
		json_object_set_new(o, "age_at_act", x ? json_deep_copy(x) :
		    json_null());
	} else if ((s = trim(r, req_form(r, "age_at_act"))) == NULL)
		goto fail;
	else if (*s == '\0')
		json_object_set_new(o, "age_at_act", json_null());
	else {
		char *end;
		long a = strtol(s, &end, 10);

		/* Anything but a plain number goes on as text, for the
		 * check to refuse with its message. */
		if (*end == '\0' && *s >= '0' && *s <= '9' && strlen(s) <= 3)
			json_object_set_new(o, "age_at_act", json_integer(a));
		else
			json_object_set_new(o, "age_at_act", json_string(s));
	}
	if (!form_covers(r, "consent") &&
	    json_is_string(x = json_object_get(old, "consent")))
		s = json_string_value(x);
	else
		s = req_form(r, "consent");
	json_object_set_new(o, "consent", json_string(s && *s ? s :
	    screening_consent_code(SCR_CONSENT_NOT_ASKED)));
	return o;
fail:
	json_decref(o);
	json_decref(ev);
	return NULL;
}

/*
 * Applies the list action of the form to doc. Returns 0, or 1 with *msg
 * set when the action cannot be done, -1 when out of memory. *entry gets
 * the new entry of an add (borrowed from doc).
 */
static int
apply_list_action(struct req *r, const struct target *t, json_t *doc,
    json_t *mine, json_t **entry, const char **msg)
{
	const char *action = req_form(r, "action");
	json_t *arr = json_object_get(doc, t->name), *e;
	size_t n = json_array_size(arr);
	long i;

	*entry = NULL;
	if (!json_is_array(arr))
		return -1;
	if (action && strcmp(action, "add") == 0) {
		char prefix[64];

		snprintf(prefix, sizeof(prefix), "%s[%zu].", t->name, n);
		if ((e = json_object()) == NULL ||
		    json_array_append_new(arr, e) < 0 ||
		    fill_from_form(r, t->sec, e, mine, prefix) < 0)
			return -1;
		*entry = e;
		return 0;
	}
	if (action == NULL || (strcmp(action, "remove") != 0 &&
	    strcmp(action, "up") != 0 && strcmp(action, "down") != 0)) {
		*msg = _("Unknown action.");
		return 1;
	}
	if ((i = form_index(r, n)) < 0) {
		*msg = _("This entry does not exist.");
		return 1;
	}
	if (strcmp(action, "remove") == 0) {
		if (t->sec == SEC_CONSENT) {
			*msg = _("A consent record cannot be removed; record a "
			    "withdrawal instead.");
			return 1;
		}
		if (t->sec == SEC_COMMENT) {
			*msg = _("Saved comments cannot be changed or removed. "
			    "To correct a comment, add a new one.");
			return 1;
		}
		return json_array_remove(arr, (size_t)i) < 0 ? -1 : 0;
	}
	if (t->sec != SEC_EVENT) {
		*msg = _("Only events have an order.");
		return 1;
	}
	if (strcmp(action, "up") == 0 ? i == 0 : (size_t)i + 1 >= n) {
		*msg = _("This entry cannot move further.");
		return 1;
	}
	{
		size_t a = strcmp(action, "up") == 0 ? (size_t)i - 1 : (size_t)i;
		json_t *x = json_incref(json_array_get(arr, a));

		json_array_remove(arr, a);
		json_array_insert_new(arr, a + 1, x);
	}
	return 0;
}

/* Shows the page again with the case as it is now after a conflict. */
static int
conflict_page(struct req *r, struct case_row *c, const struct target *t)
{
	struct view v;
	json_t *file;
	int rc;

	if (db_case_get(r->app->db, r->id, c) != DB_OK)
		return -1;
	if ((file = casefile_load(r, c)) == NULL)
		return -1;
	view_init(&v, r, c, file);
	v.t = *t;
	v.msg = _("Someone else changed this case in the meantime. Here it is "
	    "as it is now; make your change again.");
	rc = section_page(&v, 409);
	view_release(&v);
	json_decref(file);
	return rc;
}

int
page_casefile_section_post(struct req *r)
{
	struct case_row c;
	struct target t;
	struct view v;
	json_t *cur = NULL, *doc = NULL, *next = NULL, *errors = NULL;
	json_t *mine = NULL, *typed = NULL;
	const char *msg = NULL;
	char loc[96];
	int rc, version;
	bool decide = false;

	if (!target_of(r->path, &t))
		return resp_error(r, 404, _("This page does not exist."), NULL);
	rc = cases_open(r, &c, PERM_CASE_UPDATE, "case.update.denied", 404);
	if (rc != 0)
		return rc < 0 ? -1 : 0;
	version = form_version(r);
	if (version != c.version)
		return conflict_page(r, &c, &t);
	if ((cur = casefile_load(r, &c)) == NULL ||
	    (doc = json_deep_copy(cur)) == NULL ||
	    (mine = json_object()) == NULL)
		goto fail;

	switch (t.kind) {
	case K_SCALAR:
		if (fill_from_form(r, t.sec, doc, mine, "") < 0)
			goto fail;
		typed = json_incref(doc);
		break;
	case K_LIST: {
		json_t *entry;

		rc = apply_list_action(r, &t, doc, mine, &entry, &msg);
		if (rc < 0)
			goto fail;
		typed = json_incref(entry);
		break;
	}
	case K_SCREENING:
	default: {
		json_t *s, *old = json_object_get(cur, "screening");
		json_t *old_dec = json_object_get(old, "decision");

		decide = req_form(r, "decide") != NULL;
		if (decide) {
			json_t *scr = casefile_screening(r, cur);
			const char *reason = req_form(r, "reason");
			const char *fs = req_form(r, "final_status");

			if (scr == NULL)
				goto fail;
			s = old ? json_deep_copy(old) : json_object();
			json_object_set_new(s, "decision", json_pack("{s:s,s:s,s:s}",
			    "final_status", fs ? fs : "", "reason",
			    reason ? reason : "", "proposed_status",
			    casefile_str(scr, "proposed_status")));
			json_decref(scr);
		} else if ((s = screening_from_form(r, old, mine)) != NULL &&
		    old_dec) {
			/* The decision stays while the proposal it was taken on
			 * stands; a new proposal needs a new decision. */
			json_t *scr;

			json_object_set(doc, "screening", s);
			scr = casefile_screening(r, doc);
			if (scr && strcmp(casefile_str(scr, "proposed_status"),
			    casefile_str(old_dec, "proposed_status")) == 0)
				json_object_set(s, "decision", old_dec);
			json_decref(scr);
		}
		if (s == NULL)
			goto fail;
		json_object_set_new(doc, "screening", s);
		typed = json_incref(s);
		break;
	}
	}

	if (msg == NULL) {
		next = casefile_check(r, &c, doc, cur, &errors);
		if (next == NULL && errors == NULL)
			goto fail;
	}
	if (msg || errors || json_object_size(mine) > 0) {
		if (errors == NULL && (errors = json_object()) == NULL)
			goto fail;
		json_object_update(errors, mine);
		view_init(&v, r, &c, cur);
		v.t = t;
		v.typed = typed;
		v.errors = errors;
		v.msg = msg;
		v.decide = decide;
		rc = section_page(&v, 400);
		view_release(&v);
		goto out;
	}
	rc = casefile_save(r, &c, version, cur, next);
	if (rc == DB_CONFLICT || rc == DB_NOTFOUND) {
		rc = conflict_page(r, &c, &t);
		goto out;
	}
	if (rc != DB_OK)
		goto fail;
	if (t.kind == K_SCALAR)
		snprintf(loc, sizeof(loc), "/cases/%lld/file", (long long)c.id);
	else
		snprintf(loc, sizeof(loc), "/cases/%lld/file/%s",
		    (long long)c.id, t.name);
	rc = resp_redirect(r, loc);
	goto out;
fail:
	rc = -1;
out:
	json_decref(cur);
	json_decref(doc);
	json_decref(next);
	json_decref(errors);
	json_decref(mine);
	json_decref(typed);
	return rc;
}
