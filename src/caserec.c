/*
 * caserec.c - the sealed records of a case, from their field tables.
 */
#include "compat.h"

#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <sodium.h>

#include "audit.h"
#include "caserec.h"
#include "date.h"
#include "cases.h"
#include "i18n.h"
#include "input.h"
#include "log.h"
#include "money.h"
#include "page.h"
#include "protection.h"
#include "timeline.h"
#include "vault.h"

#define TEXT_MAX 200
#define LONGTEXT_MAX 4000

/* --- dates --- */

int64_t
caserec_day(const char *s)
{
	return date_day_number(s);
}

void
caserec_day_str(int64_t n, char out[11])
{
	date_of(n * 86400 + 43200, out);
}

void
caserec_today(const struct req *r, char out[11])
{
	caserec_day_str(date_unix_day(r->now), out);
}

const char *
caserec_str(json_t *rec, const char *key)
{
	const char *s = json_string_value(json_object_get(rec, key));

	return s ? s : "";
}

/* --- ISO 4217, from Debian's iso-codes, loaded once --- */

static json_t *currencies;
static pthread_once_t currencies_once = PTHREAD_ONCE_INIT;

static void
currencies_load(void)
{
	json_t *doc = json_load_file("/usr/share/iso-codes/json/iso_4217.json",
	    0, NULL);
	json_t *arr = json_object_get(doc, "4217"), *e;
	size_t i;

	currencies = json_object();
	json_array_foreach(arr, i, e) {
		const char *a3 = json_string_value(json_object_get(e, "alpha_3"));

		if (a3)
			json_object_set_new(currencies, a3, json_true());
	}
	json_decref(doc);
	if (json_object_size(currencies) == 0)
		log_warn("iso-codes: no ISO 4217 list; currencies are checked "
		    "for their shape only");
}

static bool
currency_valid(const char *s)
{
	pthread_once(&currencies_once, currencies_load);
	if (strlen(s) != 3 || s[0] < 'A' || s[0] > 'Z' || s[1] < 'A' ||
	    s[1] > 'Z' || s[2] < 'A' || s[2] > 'Z')
		return false;
	/* Money one pays with: not XXX, XAU, … (money.h). */
	return money_minor_units(s) >= 0 &&
	    (json_object_size(currencies) == 0 ||
	    json_object_get(currencies, s) != NULL);
}

/* Hundredths of an amount, -1 when s is not one (money.h). */
static int64_t
money_of(const char *s)
{
	int64_t v;

	return money_parse(s, &v) ? v : -1;
}

/* --- permissions --- */

bool
caserec_allowed(const struct req *r, const struct rec_kind *k, bool write)
{
	if (k->health)
		return cases_health_ok(r) &&
		    user_can(&r->user, PERM_CASE_READ);
	return user_can(&r->user, write ? PERM_ASSIST : PERM_CASEFILE_READ);
}

int
caserec_open_case(struct req *r, const struct rec_kind *k, bool write,
    int64_t case_id, struct case_row *c)
{
	const char *denied = k->health ? (write ? "health.update.denied" :
	    "health.view.denied") : (write ? "case.update.denied" :
	    "case.view.denied");
	int rc;

	if (!caserec_allowed(r, k, write)) {
		const char *msg = k->health ?
		    _("You are not allowed to see health records.") : write ?
		    _("You are not allowed to record assistance.") :
		    _("You are not allowed to see this part of cases.");

		if (audit(r, denied, case_id, k->path, NULL) < 0)
			return -1;
		if (!r->api)
			return cases_refuse_page(r, case_id, msg);
		return resp_error(r, 403, msg, NULL) < 0 ? -1 : 1;
	}
	rc = cases_load(r, case_id, c, denied);
	if (rc == DB_ERROR)
		return -1;
	if (rc != DB_OK)
		return resp_error(r, 404, _("This case does not exist."),
		    NULL) < 0 ? -1 : 1;
	return 0;
}

/* --- fields --- */

static const struct rec_field *
field_of(const struct rec_kind *k, const char *name)
{
	for (size_t i = 0; i < k->nfields; i++)
		if (strcmp(k->fields[i].name, name) == 0)
			return &k->fields[i];
	return NULL;
}

static void
err_set(json_t *errors, const char *field, const char *msg)
{
	if (json_object_get(errors, field) == NULL)
		json_object_set_new(errors, field, json_string(msg));
}

static bool
text_ok(const char *s, size_t max)
{
	return input_text(s, max, 0) == INPUT_TEXT_OK;
}

/*
 * Checks value v (untrusted, not null) of field f for case c; returns the
 * normalised value (new ref) or NULL with an error set.
 */
static json_t *
check_value(struct req *r, const struct case_row *c,
    const struct rec_field *f, json_t *v, json_t *errors)
{
	const char *s = json_string_value(v);
	char today[11], buf[32];
	const struct code_def *codes;
	json_t *out, *e;
	size_t i, j, n;
	int64_t id;

	switch (f->type) {
	case RF_TEXT:
	case RF_LONGTEXT:
		if (s == NULL || !text_ok(s, f->type == RF_TEXT ? TEXT_MAX :
		    LONGTEXT_MAX))
			break;
		return json_string(s);
	case RF_DATE: {
		const char *p;

		/* Things done are not in the future; the rest (a plan's end,
		 * a review, a follow-up) within the horizon ahead. */
		caserec_today(r, today);
		if ((p = input_date(s, (f->flags & RFF_PAST) ? INPUT_DATE_PAST :
		    INPUT_DATE_PLANNED, today)) != NULL) {
			err_set(errors, f->name, p);
			return NULL;
		}
		return json_string(s);
	}
	case RF_CODE:
		if (s == NULL || !code_valid(f->list, s)) {
			err_set(errors, f->name, _("Choose a value from the list."));
			return NULL;
		}
		return json_string(s);
	case RF_CODES:
		if (!json_is_array(v) || json_array_size(v) > 64) {
			err_set(errors, f->name, _("Choose values from the list."));
			return NULL;
		}
		json_array_foreach(v, i, e)
			if (!code_valid(f->list, json_string_value(e))) {
				err_set(errors, f->name,
				    _("Choose values from the list."));
				return NULL;
			}
		/* In the list's order, each once: the same choice is the
		 * same value however it was sent. */
		out = json_array();
		codes = codelist_codes(f->list, &n);
		for (j = 0; j < n; j++)
			json_array_foreach(v, i, e)
				if (strcmp(json_string_value(e), codes[j].code)
				    == 0) {
					json_array_append_new(out,
					    json_string(codes[j].code));
					break;
				}
		return out;
	case RF_ORG:
	case RF_SHELTER:
		if (!json_is_integer(v) || json_integer_value(v) <= 0) {
			err_set(errors, f->name, _("Choose one from the list."));
			return NULL;
		}
		id = json_integer_value(v);
		if (f->type == RF_ORG) {
			struct organisation o;
			int rc = db_org_get(r->app->db, id, &o);

			if (rc == DB_ERROR)
				return NULL;
			if (rc != DB_OK || o.disabled) {
				err_set(errors, f->name,
				    _("This organisation does not exist."));
				return NULL;
			}
		} else {
			struct shelter sh;
			int rc = db_shelter_get(r->app->db, id, &sh);

			if (rc == DB_ERROR)
				return NULL;
			if (rc != DB_OK || sh.disabled ||
			    sh.office_id != c->office_id) {
				err_set(errors, f->name, _("Choose a shelter of "
				    "the case's office."));
				return NULL;
			}
		}
		return json_integer(id);
	case RF_MONEY:
		if (json_is_integer(v) && json_integer_value(v) >= 0 &&
		    json_integer_value(v) <= MONEY_MAX / 100)
			id = json_integer_value(v) * 100;
		else
			id = money_of(s);
		if (id < 0) {
			const char *big;

			if (json_is_integer(v)) {
				snprintf(buf, sizeof(buf), "%"
				    JSON_INTEGER_FORMAT, json_integer_value(v));
				s = buf;
			}
			big = money_too_large_msg(s, MONEY_MAX);
			err_set(errors, f->name, big ? big : _("Give an amount "
			    "such as 1250 or 1250.50 (at most two decimals)."));
			return NULL;
		}
		money_format(id, buf);
		return json_string(buf);
	case RF_CURRENCY:
		if (s == NULL || !currency_valid(s)) {
			err_set(errors, f->name, s && money_not_money_msg(s) ?
			    money_not_money_msg(s) : _("Give a currency code "
			    "such as USD, EUR or THB."));
			return NULL;
		}
		return json_string(s);
	case RF__MAX:
	default:
		break;
	}
	err_set(errors, f->name, f->type == RF_TEXT ? _("Give a text of at "
	    "most 200 characters.") : _("Give a text of at most 4000 "
	    "characters."));
	return NULL;
}

/* An empty value: absent, null, "" (or only white space) or []. */
static bool
blank(json_t *v)
{
	return v == NULL || json_is_null(v) ||
	    (json_is_string(v) && input_blank(json_string_value(v))) ||
	    (json_is_array(v) && json_array_size(v) == 0);
}

/* What a field's value may be in JSON, and the message when it is not. */
static void
field_type(const struct rec_field *f, struct input_field *out)
{
	memset(out, 0, sizeof(*out));
	out->name = f->name;
	switch (f->type) {
	case RF_DATE:
		out->types = JT_TEXT;
		out->msg = N_("Give a date as YYYY-MM-DD.");
		break;
	case RF_CODE:
		out->types = JT_TEXT;
		out->msg = N_("Choose a value from the list.");
		break;
	case RF_CODES:
		out->types = JT_ARRAY;
		out->items = JT_TEXT;
		out->msg = N_("Choose values from the list.");
		break;
	case RF_ORG:
	case RF_SHELTER:
		out->types = JT_INT;
		out->msg = N_("Give the id of one from the list, a whole "
		    "number.");
		break;
	case RF_MONEY:
		out->types = JT_TEXT | JT_INT;
		out->msg = N_("Give an amount such as 1250 or 1250.50 (at most "
		    "two decimals).");
		break;
	case RF_CURRENCY:
		out->types = JT_TEXT;
		out->msg = N_("Give a currency code such as USD, EUR or THB.");
		break;
	case RF_TEXT:
	case RF_LONGTEXT:
	case RF__MAX:
	default:
		out->types = JT_TEXT;
		break;
	}
}

/*
 * The members of a record's body in (untrusted) for kind k, into errors:
 * unknown keys (besides its fields: "version", "confirm", and a shelter
 * stay's "over_capacity"), and each value's JSON type. Reported with the
 * fields' own errors, all at once. 0, or -1 when out of memory.
 */
static int
members(const struct rec_kind *k, json_t *in, json_t *errors)
{
	struct input_field *spec = calloc(k->nfields + 4, sizeof(*spec));
	size_t i, n = 0;

	if (spec == NULL)
		return -1;
	for (i = 0; i < k->nfields; i++)
		field_type(&k->fields[i], &spec[n++]);
	spec[n++] = (struct input_field){ "version", JT_INT,
	    N_("Give the version you read."), NULL, 0 };
	spec[n++] = (struct input_field){ "confirm", JT_BOOL,
	    N_("Give confirm as true or false."), NULL, 0 };
	if (k == &prot_stay)
		spec[n++] = (struct input_field){ "over_capacity", JT_BOOL,
		    N_("Give over_capacity as true or false."), NULL, 0 };
	input_unknown(in, spec, errors);
	input_types(in, spec, errors);
	free(spec);
	return 0;
}

/*
 * The record that in (untrusted) makes of old (NULL: a new record): each
 * field of in checked, the rest kept from old. New ref, or NULL with
 * errors set (or on failure, errors untouched).
 */
static json_t *
check_record(struct req *r, const struct rec_kind *k,
    const struct case_row *c, json_t *old, json_t *in, json_t *errors)
{
	json_t *rec = json_object(), *v, *nv;
	const char *key;
	size_t i;

	if (!json_is_object(in)) {
		err_set(errors, "record", _("Send the record as a JSON object."));
		json_decref(rec);
		return NULL;
	}
	if (members(k, in, errors) < 0) {
		json_decref(rec);
		return NULL;
	}
	/* What a kind keeps beside its fields (a referral's later
	 * disclosures) is not the form's to change. */
	json_object_foreach(old, key, v)
		if (field_of(k, key) == NULL)
			json_object_set(rec, key, v);
	for (i = 0; i < k->nfields; i++) {
		const struct rec_field *f = &k->fields[i];
		json_t *was = old ? json_object_get(old, f->name) : NULL;

		v = json_object_get(in, f->name);
		if (v == NULL || json_object_get(errors, f->name)) {
			if (was)
				json_object_set(rec, f->name, was);
			continue;
		}
		if (blank(v)) {
			if (old && (f->flags & RFF_FIXED) && !blank(was))
				err_set(errors, f->name, _("This cannot be "
				    "changed once recorded."));
			continue;
		}
		/* An unchanged value is not checked again (a shelter or an
		 * organisation disabled since stays referred to). */
		if (was && json_equal(was, v)) {
			json_object_set(rec, f->name, was);
			continue;
		}
		if ((nv = check_value(r, c, f, v, errors)) == NULL) {
			if (json_object_size(errors) == 0) {
				json_decref(rec);
				return NULL;
			}
			continue;
		}
		if (old && (f->flags & RFF_FIXED) && !json_equal(was, nv))
			err_set(errors, f->name,
			    _("This cannot be changed once recorded."));
		json_object_set_new(rec, f->name, nv);
	}
	for (i = 0; i < k->nfields; i++) {
		const struct rec_field *f = &k->fields[i];
		const char *a, *b;

		if ((f->flags & RFF_REQUIRED) && blank(json_object_get(rec,
		    f->name)))
			err_set(errors, f->name, _("This field is required."));
		if (f->not_before && (a = json_string_value(json_object_get(rec,
		    f->name))) && (b = json_string_value(json_object_get(rec,
		    f->not_before))) && strcmp(a, b) < 0) {
			const struct rec_field *g = field_of(k, f->not_before);

			err_set(errors, f->name, arena_printf(r->arena,
			    _("This date comes before “%s”."),
			    g ? _(g->label) : f->not_before));
		}
		if (f->type == RF_MONEY && json_object_get(rec, f->name)) {
			size_t j;
			const char *cur, *msg;

			for (j = 0; j < k->nfields; j++) {
				if (k->fields[j].type != RF_CURRENCY)
					continue;
				cur = json_string_value(json_object_get(rec,
				    k->fields[j].name));
				if (cur == NULL)
					err_set(errors, k->fields[j].name,
					    _("Give the currency of the amount."));
				/* Within the currency's decimals: no
				 * fraction of a yen. */
				else if (money_of(caserec_str(rec, f->name)) >= 0 &&
				    (msg = money_fits_msg(money_of(caserec_str(rec,
				    f->name)), cur)) != NULL &&
				    json_object_get(errors, f->name) == NULL)
					err_set(errors, f->name, msg);
			}
		}
	}
	if (json_object_size(errors) > 0) {
		json_decref(rec);
		return NULL;
	}
	return rec;
}

/* The timeline's and audit's detail: the code fields and the sum. */
static json_t *
detail_of(const struct rec_kind *k, json_t *rec)
{
	json_t *d = json_object(), *v;
	size_t i;

	for (i = 0; i < k->nfields; i++) {
		const struct rec_field *f = &k->fields[i];

		if ((v = json_object_get(rec, f->name)) == NULL)
			continue;
		if (f->type == RF_CODE || f->type == RF_CODES)
			json_object_set(d, codelist_name(f->list), v);
		else if (f->type == RF_MONEY)
			json_object_set(d, "amount", v);
		else if (f->type == RF_CURRENCY)
			json_object_set(d, "currency", v);
	}
	return d;
}

/* The timeline's day: the first past date field of the record. */
static const char *
on_date_of(const struct rec_kind *k, json_t *rec, const char *today)
{
	for (size_t i = 0; i < k->nfields; i++) {
		const char *s;

		if (k->fields[i].type != RF_DATE || k->fields[i].col != COL_D1)
			continue;
		s = json_string_value(json_object_get(rec, k->fields[i].name));
		if (s && strcmp(s, today) <= 0)
			return s;
	}
	return NULL;
}

/* --- storage --- */

/* A record's opened body is at most this (requests are capped lower). */
#define BODY_MAX ((size_t)2 << 20)

static void
ad_of(const struct case_record *row, char ad[96])
{
	snprintf(ad, 96, "caserec:%lld:%s", (long long)row->case_id,
	    row->kind);
}

int
caserec_write(struct req *r, const struct rec_kind *k,
    struct case_record *row, json_t *body)
{
	struct buf sealed;
	char ad[96];
	json_t *v;
	size_t i;
	int rc;

	row->ref_id = 0;
	row->state[0] = row->d1[0] = row->d2[0] = row->currency[0] = '\0';
	row->has_amount = false;
	row->amount = 0;
	for (i = 0; i < k->nfields; i++) {
		const struct rec_field *f = &k->fields[i];
		const char *s;

		if ((v = json_object_get(body, f->name)) == NULL)
			continue;
		s = json_string_value(v);
		switch (f->col) {
		case COL_REF:
			row->ref_id = json_integer_value(v);
			break;
		case COL_STATE:
			snprintf(row->state, sizeof(row->state), "%s", s ? s : "");
			break;
		case COL_D1:
			snprintf(row->d1, sizeof(row->d1), "%s", s ? s : "");
			break;
		case COL_D2:
			snprintf(row->d2, sizeof(row->d2), "%s", s ? s : "");
			break;
		case COL_AMOUNT:
			row->amount = money_of(s);
			row->has_amount = row->amount >= 0;
			break;
		case COL_CURRENCY:
			snprintf(row->currency, sizeof(row->currency), "%s",
			    s ? s : "");
			break;
		case COL_NONE:
		default:
			break;
		}
	}
	snprintf(row->kind, sizeof(row->kind), "%s", k->name);
	buf_init(&sealed, BODY_MAX + VAULT_SEAL_OVERHEAD);
	ad_of(row, ad);
	rc = vault_seal_json(r->app->vault, ad, body, &sealed);
	if (rc < 0) {
		buf_release(&sealed);
		return error("caserec: cannot seal a record");
	}
	row->body = (unsigned char *)sealed.p;
	row->body_len = sealed.len;
	row->updated_by = r->user.id;
	row->updated_at = r->now;
	if (row->id == 0) {
		row->created_by = r->user.id;
		row->created_at = r->now;
		rc = db_record_add(r->app->db, row);
	} else {
		rc = db_record_update(r->app->db, row);
	}
	row->body = NULL;
	row->body_len = 0;
	buf_release(&sealed);
	return rc;
}

static json_t *
open_body(struct req *r, const struct case_record *row)
{
	json_t *doc;
	char ad[96];

	ad_of(row, ad);
	doc = vault_open_json(r->app->vault, ad, row->body, row->body_len);
	if (doc == NULL)
		error("caserec: record %lld cannot be opened with this key",
		    (long long)row->id);
	return doc;
}

int
caserec_get(struct req *r, int64_t id, const char *kind,
    struct case_record *row, json_t **body)
{
	int rc = db_record_get(r->app->db, id, row);

	*body = NULL;
	if (rc != DB_OK)
		return rc;
	/* Another kind (another module's, sealed its own way) is not
	 * opened here. */
	if (kind && strcmp(row->kind, kind) != 0)
		rc = DB_NOTFOUND;
	else if ((*body = open_body(r, row)) == NULL)
		rc = DB_ERROR;
	free(row->body);
	row->body = NULL;
	return rc;
}

json_t *
caserec_json(const struct case_record *row, json_t *body)
{
	json_t *o = json_deep_copy(body);

	if (o == NULL)
		return NULL;
	json_object_set_new(o, "id", json_integer(row->id));
	json_object_set_new(o, "case_id", json_integer(row->case_id));
	json_object_set_new(o, "kind", json_string(row->kind));
	json_object_set_new(o, "version", json_integer(row->version));
	json_object_set_new(o, "created_at", time_iso_json(row->created_at));
	json_object_set_new(o, "updated_at", time_iso_json(row->updated_at));
	return o;
}

struct list_ctx {
	struct req *r;
	json_t *out;
	bool failed;
};

static int
list_cb(void *arg, const struct case_record *row)
{
	struct list_ctx *x = arg;
	json_t *body = open_body(x->r, row), *o;

	if (body == NULL || (o = caserec_json(row, body)) == NULL) {
		json_decref(body);
		x->failed = true;
		return 1;
	}
	json_decref(body);
	json_array_append_new(x->out, o);
	return 0;
}

json_t *
caserec_list(struct req *r, const struct rec_kind *k,
    const struct case_row *c)
{
	struct list_ctx x = { r, json_array(), false };

	if (db_record_list(r->app->db, c->id, k->name, list_cb, &x) != DB_OK ||
	    x.failed) {
		json_decref(x.out);
		return NULL;
	}
	return x.out;
}

/* --- the write --- */

int
caserec_save(struct req *r, const struct rec_kind *k,
    const struct case_row *c, int64_t *id, int version, json_t *in,
    bool confirm, json_t **errors, const char **warning)
{
	struct case_record row;
	struct rec_ctx x;
	json_t *old = NULL, *rec = NULL;
	char today[11], object[64];
	int rc = -1, dbrc;

	*errors = NULL;
	*warning = NULL;
	memset(&row, 0, sizeof(row));
	memset(&x, 0, sizeof(x));
	if (*id > 0 && k->append_only)
		return 2;
	if (db_begin(r->app->db) != DB_OK)
		return -1;
	if (*id > 0) {
		dbrc = caserec_get(r, *id, k->name, &row, &old);
		/* A record of another case, or of another kind, is not one
		 * of this case's: missing. */
		if (dbrc != DB_OK || row.case_id != c->id) {
			rc = dbrc == DB_ERROR ? -1 : 3;
			goto out;
		}
		if (row.version != version) {
			rc = 2;
			goto out;
		}
	} else {
		row.case_id = c->id;
	}
	row.office_id = c->office_id;
	*errors = json_object();
	if ((rec = check_record(r, k, c, old, in, *errors)) == NULL) {
		rc = json_object_size(*errors) ? 1 : -1;
		goto out;
	}
	x.r = r;
	x.c = c;
	x.k = k;
	x.id = *id;
	x.old = old;
	x.rec = rec;
	x.errors = *errors;
	x.confirm = confirm;
	x.event = *id > 0 ? k->ev_update : k->ev_add;
	if (k->check && k->check(&x) < 0)
		goto out;
	if (json_object_size(*errors) > 0 || x.warning) {
		*warning = x.warning;
		rc = 1;
		goto out;
	}
	if (old && json_equal(old, rec)) {
		/* Nothing to change: no new version, no step. */
		rc = 0;
		goto out;
	}
	dbrc = caserec_write(r, k, &row, rec);
	if (dbrc == DB_CONFLICT) {
		rc = 2;
		goto out;
	}
	if (dbrc != DB_OK)
		goto out;
	x.id = *id = row.id;
	caserec_today(r, today);
	snprintf(object, sizeof(object), "%s:%lld", k->name,
	    (long long)row.id);
	/* A new record's step falls on the record's day; a change is a
	 * step of the day it is made, unless the kind says otherwise (a
	 * discharge falls on its date). */
	if (timeline_add(r, c->id, x.event, row.id, x.on_date ? x.on_date :
	    old ? NULL : on_date_of(k, rec, today),
	    k->health, detail_of(k, rec)) < 0 ||
	    /* The audit is read by administrators, who may not read
	     * health: a health record's codes stay out of it. */
	    audit(r, arena_printf(r->arena, "%s.%s", k->name, old ? "update" :
	    "add"), c->id, object, k->health ? NULL : detail_of(k, rec)) < 0)
		goto out;
	if (k->after && k->after(&x) < 0)
		goto out;
	if (db_commit(r->app->db) != DB_OK)
		goto fail;
	json_decref(*errors);
	*errors = NULL;
	json_decref(old);
	json_decref(rec);
	return 0;
out:
	db_rollback(r->app->db);
fail:
	if (rc != 1) {
		json_decref(*errors);
		*errors = NULL;
	}
	json_decref(old);
	json_decref(rec);
	return rc;
}

/* --- forms --- */

/* Every value of a repeated form field, in order. */
static json_t *
form_all(struct req *r, const char *name)
{
	json_t *a = json_array();

	for (struct form_field *f = r->form; f; f = f->next)
		if (strcmp(f->name, name) == 0 && *f->value)
			json_array_append_new(a, json_string(f->value));
	return a;
}

json_t *
caserec_from_form(struct req *r, const struct rec_kind *k)
{
	json_t *in = json_object();
	size_t i;

	for (i = 0; i < k->nfields; i++) {
		const struct rec_field *f = &k->fields[i];
		const char *s = req_form(r, f->name);
		char *end;
		long long n;

		if (f->type == RF_CODES) {
			json_object_set_new(in, f->name, form_all(r, f->name));
			continue;
		}
		if (s == NULL)
			continue;
		if (*s == '\0') {
			json_object_set_new(in, f->name, json_null());
			continue;
		}
		if (f->type == RF_MONEY) {
			char a[MONEY_STR];

			/* The user's way of writing it (money.h), else as
			 * typed for the check to refuse. */
			json_object_set_new(in, f->name, json_string(
			    money_form_value(s, r->lang, 2, MONEY_FORM_MAX,
			    a)));
			continue;
		}
		if (f->type == RF_ORG || f->type == RF_SHELTER) {
			n = strtoll(s, &end, 10);
			json_object_set_new(in, f->name, *end || n <= 0 ?
			    json_string(s) : json_integer(n));
			continue;
		}
		json_object_set_new(in, f->name, json_string(s));
	}
	return in;
}

struct opt_ctx {
	struct html *h;
	const struct rec_field *f;
	int64_t office_id;
	int64_t selected;
	struct db *db;
	char today[DATE_SIZE];
	bool failed;
};

static int
org_opt_cb(void *arg, const struct organisation *o)
{
	struct opt_ctx *x = arg;
	const char *const *t = x->f->org_types;

	if (o->id != x->selected) {
		if (o->disabled)
			return 0;
		for (; t && *t && strcmp(*t, o->type) != 0; t++)
			;
		if (t && *t == NULL)
			return 0;
	}
	html_printf(x->h, "<option value=\"%L\"%R>%s (%s)</option>", o->id,
	    o->id == x->selected ? " selected" : "", o->name,
	    code_label(CL_ORG_TYPE, o->type) ? code_label(CL_ORG_TYPE, o->type) :
	    o->type);
	return 0;
}

static int
shelter_opt_cb(void *arg, const struct shelter *s)
{
	struct opt_ctx *x = arg;

	int64_t used;

	if (s->disabled && s->id != x->selected)
		return 0;
	html_printf(x->h, "<option value=\"%L\"%R>%s", s->id,
	    s->id == x->selected ? " selected" : "", s->name);
	/* Today's places, so that a full shelter is seen before choosing;
	 * the stay's own nights are checked again when it is saved. */
	used = protection_occupied(x->db, s->id, x->today);
	if (used < 0) {
		x->failed = true;
		return 1;
	}
	if (protection_full(s->capacity, used))
		html_printf(x->h, " — %s", _("full today"));
	else
	{
		char lab[I18N_LABEL_MAX];

		html_printf(x->h, " — %s%N/%N", i18n_colon(_("free today"),
		    lab), protection_free(s->capacity, used), s->capacity);
	}
	html_printf(x->h, "</option>");
	return 0;
}

static void
err_html(struct html *h, const struct rec_kind *k, const char *name,
    const char *msg)
{
	if (msg)
		html_printf(h, "<small id=\"%s-%s-error\" class=\"error\">%s"
		    "</small>", k->path, name, msg);
}

int
caserec_html_form(struct req *r, struct html *h, const struct rec_kind *k,
    const struct case_row *c, const char *action, json_t *values,
    json_t *errors, const char *warning)
{
	json_t *idv = json_object_get(values, "id");
	size_t i, n, j;

	html_printf(h, "<form method=\"post\" action=\"%s\" id=\"form-%s\">",
	    action, k->path);
	page_csrf(r, h);
	html_printf(h, "<input type=\"hidden\" name=\"kind\" value=\"%s\">",
	    k->path);
	if (json_is_integer(idv))
		html_printf(h, "<input type=\"hidden\" name=\"record\" "
		    "value=\"%L\"><input type=\"hidden\" name=\"version\" "
		    "value=\"%L\">", (int64_t)json_integer_value(idv),
		    (int64_t)json_integer_value(json_object_get(values,
		    "version")));
	if (errors && json_object_size(errors) > 0)
		html_printf(h, "<p class=\"flash error\" role=\"alert\">%s</p>",
		    _("Nothing was saved. Correct the fields marked below."));
	for (i = 0; i < k->nfields; i++) {
		const struct rec_field *f = &k->fields[i];
		json_t *v = json_object_get(values, f->name);
		const char *s = json_string_value(v);
		const char *err = json_string_value(json_object_get(errors,
		    f->name));
		/* Markup from the kind's literals only, never from input. */
		const char *inv = err ? arena_printf(r->arena, " aria-invalid="
		    "\"true\" aria-describedby=\"%s-%s-error\"", k->path,
		    f->name) : "";
		const char *req = (f->flags & RFF_REQUIRED) ? " required" : "";
		struct opt_ctx x = { .h = h, .f = f, .office_id = c->office_id,
			.db = r->app->db };
		const struct code_def *codes;

		if (f->type == RF_CODES) {
			html_printf(h, "<fieldset><legend>%s</legend>",
			    _(f->label));
			codes = codelist_codes(f->list, &n);
			for (j = 0; j < n; j++) {
				bool on = false;
				size_t q;
				json_t *e;

				json_array_foreach(v, q, e)
					if (json_is_string(e) && strcmp(
					    json_string_value(e),
					    codes[j].code) == 0)
						on = true;
				html_printf(h, "<label><input type=\"checkbox\" "
				    "name=\"%s\" value=\"%s\"%R> %s</label>",
				    f->name, codes[j].code, on ? " checked" : "",
				    code_label(f->list, codes[j].code));
			}
			err_html(h, k, f->name, err);
			html_printf(h, "</fieldset>");
			continue;
		}
		html_printf(h, "<label for=\"%s-%s\">%s</label>", k->path,
		    f->name, _(f->label));
		switch (f->type) {
		case RF_LONGTEXT:
			html_printf(h, "<textarea id=\"%s-%s\" name=\"%s\" "
			    "rows=\"3\" maxlength=\"4000\"%R%R>%s</textarea>",
			    k->path, f->name, f->name, req, inv, s ? s : "");
			break;
		case RF_CODE:
			html_printf(h, "<select id=\"%s-%s\" name=\"%s\"%R%R>"
			    "<option value=\"\">—</option>", k->path, f->name,
			    f->name, req, inv);
			codes = codelist_codes(f->list, &n);
			for (j = 0; j < n; j++)
				html_printf(h, "<option value=\"%s\"%R>%s</option>",
				    codes[j].code, s && strcmp(s, codes[j].code)
				    == 0 ? " selected" : "",
				    code_label(f->list, codes[j].code));
			html_printf(h, "</select>");
			break;
		case RF_ORG:
		case RF_SHELTER:
			x.selected = json_integer_value(v);
			html_printf(h, "<select id=\"%s-%s\" name=\"%s\"%R%R>"
			    "<option value=\"\">—</option>", k->path, f->name,
			    f->name, req, inv);
			date_of(r->now, x.today);
			if ((f->type == RF_ORG ? db_org_list(r->app->db,
			    org_opt_cb, &x) : db_shelter_list(r->app->db,
			    c->office_id, shelter_opt_cb, &x)) != DB_OK ||
			    x.failed)
				return -1;
			html_printf(h, "</select>");
			break;
		case RF_DATE:
			html_printf(h, "<input type=\"date\" id=\"%s-%s\" "
			    "name=\"%s\" value=\"%s\"%R%R>", k->path, f->name,
			    f->name, s ? s : "", req, inv);
			break;
		case RF_CURRENCY:
			html_printf(h, "<input type=\"text\" id=\"%s-%s\" "
			    "name=\"%s\" value=\"%s\" maxlength=\"3\" "
			    "pattern=\"[A-Z]{3}\"%R%R>", k->path, f->name,
			    f->name, s ? s : "", req, inv);
			break;
		case RF_MONEY: {
			char a[MONEY_TEXT];

			html_printf(h, "<input type=\"text\" id=\"%s-%s\" "
			    "name=\"%s\" value=\"%s\" inputmode=\"decimal\"%R%R>",
			    k->path, f->name, f->name, s ? money_text_of(s,
			    r->lang, a) : "", req, inv);
			break;
		}
		case RF_TEXT:
		case RF_CODES:
		case RF__MAX:
		default:
			html_printf(h, "<input type=\"text\" id=\"%s-%s\" "
			    "name=\"%s\" value=\"%s\" maxlength=\"200\"%R%R>",
			    k->path, f->name, f->name, s ? s : "", req, inv);
			break;
		}
		err_html(h, k, f->name, err);
	}
	if (warning)
		html_printf(h, "<p class=\"flash error\" role=\"alert\">%s</p>"
		    "<label><input type=\"checkbox\" name=\"confirm\" "
		    "value=\"1\"> %s</label>", warning,
		    _("I confirm: save it all the same."));
	html_printf(h, "<button type=\"submit\">%s</button></form>",
	    json_is_integer(idv) ? _("Save changes") : _("Add"));
	return 0;
}

struct name_ctx {
	struct req *r;
	int64_t id;
	char name[DB_ORG_NAME_MAX];
};

/* The display of one field's value of a record in a list cell. */
static void
cell(struct req *r, struct html *h, const struct rec_field *f, json_t *v)
{
	const char *s = json_string_value(v);
	size_t i;
	json_t *e;

	html_printf(h, "<td>");
	switch (f->type) {
	case RF_CODE:
		html_printf(h, "%s", s ? code_label(f->list, s) : "");
		break;
	case RF_CODES:
		json_array_foreach(v, i, e)
			html_printf(h, "%s%s", i ? ", " : "",
			    code_label(f->list, json_string_value(e)));
		break;
	case RF_ORG:
		if (json_is_integer(v)) {
			struct organisation o;

			if (db_org_get(r->app->db, json_integer_value(v), &o) ==
			    DB_OK)
				html_printf(h, "%s", o.name);
		}
		break;
	case RF_SHELTER:
		if (json_is_integer(v)) {
			struct shelter sh;

			if (db_shelter_get(r->app->db, json_integer_value(v),
			    &sh) == DB_OK)
				html_printf(h, "%s", sh.name);
		}
		break;
	case RF_MONEY: {
		char a[MONEY_TEXT];

		html_printf(h, "%s", s ? money_text_of(s, r->lang, a) : "");
		break;
	}
	case RF_DATE: {
		char d[PAGE_MARK];

		html_printf(h, "%R", s && *s ? page_day(s, d) : "");
		break;
	}
	case RF_TEXT:
	case RF_LONGTEXT:
	case RF_CURRENCY:
	case RF__MAX:
	default:
		html_printf(h, "%s", s ? s : "");
		break;
	}
	html_printf(h, "</td>");
}

int
caserec_html_list(struct req *r, struct html *h, const struct rec_kind *k,
    json_t *list, const char *edit_base)
{
	size_t i, j;
	json_t *rec;
	struct page_col *cols = arena_alloc(r->arena, (k->nfields + 1) *
	    sizeof(*cols));
	struct page_table t;

	if (cols == NULL)
		return -1;
	for (j = 0; j < k->nfields; j++) {
		cols[j].head = _(k->fields[j].label);
		cols[j].flags = k->fields[j].type == RF_MONEY ? COL_NUM : 0;
	}
	cols[j].head = _("Actions");
	cols[j].flags = COL_HIDDEN;
	page_table_begin(&t, h, "striped", NULL, cols, k->nfields +
	    (edit_base ? 1 : 0));
	json_array_foreach(list, i, rec) {
		html_printf(h, "<tr>");
		for (j = 0; j < k->nfields; j++)
			cell(r, h, &k->fields[j], json_object_get(rec,
			    k->fields[j].name));
		if (edit_base)
			html_printf(h, "<td><a href=\"%s?edit=%L#form-%s\">%s"
			    "</a></td>", edit_base,
			    (int64_t)json_integer_value(json_object_get(rec,
			    "id")), k->path, _("Edit"));
		html_printf(h, "</tr>");
	}
	page_table_end(&t, json_array_size(list), _("None recorded."));
	return 0;
}
