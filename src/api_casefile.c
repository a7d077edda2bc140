/*
 * api_casefile.c - the case file over the API: GET and PUT of the whole
 * file, and the screening result.
 */
#include "compat.h"

#include <string.h>

#include "audit.h"
#include "cases.h"
#include "casefile.h"
#include "handlers.h"
#include "timeline.h"
#include "i18n.h"
#include "log.h"


int
api_case_file_get(struct req *r)
{
	struct case_row c;
	json_t *f;
	int rc = cases_open(r, &c, PERM_CASEFILE_READ, "case.view.denied", 403);

	if (rc != 0)
		return rc < 0 ? -1 : 0;
	if (audit(r, "case.view", c.id, "file", NULL) < 0)
		return -1;
	f = casefile_load(r, &c);
	if (f == NULL)
		return -1;
	casefile_times_iso(f, false);
	return resp_json(r, 200, f);
}

int
api_case_file_put(struct req *r)
{
	struct case_row c;
	json_t *cur, *next, *errors = NULL, *v;
	int rc = cases_open(r, &c, PERM_CASE_UPDATE, "case.update.denied", 403);
	int version;

	if (rc != 0)
		return rc < 0 ? -1 : 0;
	v = json_object_get(r->json, "version");
	if (!json_is_integer(v) || json_integer_value(v) < 1 ||
	    json_integer_value(v) > INT32_MAX)
		return resp_error(r, 400, _("Give the version you read."),
		    json_pack("{s:s}", "version", _("Give the version you read.")));
	version = (int)json_integer_value(v);
	if (version != c.version)
		return resp_error(r, 409, _("Someone else changed this case in "
		    "the meantime. Reload it and try again."), NULL);
	cur = casefile_load(r, &c);
	if (cur == NULL)
		return -1;
	next = casefile_check(r, &c, r->json, cur, &errors);
	if (next == NULL) {
		json_decref(cur);
		if (errors == NULL)
			return -1;
		return resp_error(r, 400, _("The case file was not saved: some "
		    "fields need correcting."), errors);
	}
	rc = casefile_save(r, &c, version, cur, next);
	json_decref(cur);
	json_decref(next);
	if (rc == DB_CONFLICT)
		return resp_error(r, 409, _("Someone else changed this case in "
		    "the meantime. Reload it and try again."), NULL);
	if (rc != DB_OK)
		return -1;
	if ((next = casefile_load(r, &c)) == NULL)
		return -1;
	casefile_times_iso(next, false);
	return resp_json(r, 200, next);
}

int
api_case_screening_get(struct req *r)
{
	struct case_row c;
	json_t *f, *s;
	int rc = cases_open(r, &c, PERM_CASEFILE_READ, "case.view.denied", 403);

	if (rc != 0)
		return rc < 0 ? -1 : 0;
	if (audit(r, "case.view", c.id, "screening", NULL) < 0)
		return -1;
	if ((f = casefile_load(r, &c)) == NULL)
		return -1;
	s = casefile_screening(r, f);
	json_decref(f);
	if (s == NULL)
		return -1;
	casefile_times_iso(s, true);
	return resp_json(r, 200, s);
}

int
api_case_timeline(struct req *r)
{
	struct case_row c;
	enum case_access access;
	json_t *t;
	int rc = cases_open_summary(r, &c, PERM_CASE_READ, "case.view.denied",
	    403, &access);

	if (rc != 0)
		return rc < 0 ? -1 : 0;
	if (audit(r, access == CASE_ACCESS_HISTORY ? "case.history.view" :
	    access == CASE_ACCESS_HANDOVER ? "case.handover.view" :
	    "case.view", c.id, "timeline", NULL) < 0)
		return -1;
	t = timeline_json(r, c.id, access == CASE_ACCESS_HISTORY ?
	    cases_history_until(r, &c) : 0);
	if (t == NULL)
		return -1;
	return resp_json(r, 200, json_pack("{s:I,s:s,s:o}", "case_id",
	    (json_int_t)c.id, "case_number", c.number, "steps", t));
}
