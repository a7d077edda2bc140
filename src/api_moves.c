/*
 * api_moves.c - the JSON API of return, handover and reintegration
 * (docs/api.md). Permissions and case access as on the pages: the logic
 * and its checks are in moves.c.
 */
#include "compat.h"

#include <stdlib.h>
#include <string.h>

#include "audit.h"
#include "cases.h"
#include "handlers.h"
#include "i18n.h"
#include "moves.h"

static int
refused(struct req *r, const struct moves_err *e)
{
	return resp_error(r, e->status, e->summary ? e->summary : e->msg,
	    e->field ? json_pack("{s:s}", e->field, e->msg) : NULL);
}

/* The body, or an empty object when there is none. */
static json_t *
body(struct req *r)
{
	if (r->json == NULL)
		r->json = json_object();
	return r->json;
}

/* Answers an action's result: ok (status, JSON from ok_json). */
static int
answer(struct req *r, int rc, const struct moves_err *e, int status,
    json_t *ok)
{
	if (rc < 0) {
		json_decref(ok);
		return -1;
	}
	if (rc > 0) {
		json_decref(ok);
		return refused(r, e);
	}
	if (ok == NULL)
		return -1;
	return resp_json(r, status, ok);
}

int
api_case_return_get(struct req *r)
{
	struct case_row c;
	bool history;
	json_t *j;
	int rc = cases_open_history(r, &c, PERM_CASEFILE_READ,
	    "return.view.denied", 403, &history);

	if (rc)
		return rc < 0 ? -1 : 0;
	if (audit(r, "return.view", c.id, NULL, json_pack("{s:b}", "history",
	    history)) < 0)
		return -1;
	j = moves_return_json(r, &c, history);
	return j ? resp_json(r, 200, j) : -1;
}

/* Opens the case for a change of its return (no history access). */
static int
open_for_change(struct req *r, struct case_row *c, enum perm need,
    const char *denied)
{
	return cases_open(r, c, need, denied, 403);
}

int
api_case_return_post(struct req *r)
{
	struct case_row c;
	struct moves_err e;
	int rc = open_for_change(r, &c, PERM_ASSIST, "return.update.denied");

	if (rc)
		return rc < 0 ? -1 : 0;
	rc = moves_return_request(r, &c, body(r), &e);
	return answer(r, rc, &e, 201, rc == 0 ? moves_return_json(r, &c,
	    false) : NULL);
}

int
api_case_return_stage(struct req *r)
{
	struct case_row c;
	struct moves_err e;
	int rc = open_for_change(r, &c, PERM_ASSIST, "return.update.denied");

	if (rc)
		return rc < 0 ? -1 : 0;
	rc = moves_return_stage(r, &c, body(r), &e);
	return answer(r, rc, &e, 200, rc == 0 ? moves_return_json(r, &c,
	    false) : NULL);
}

int
api_case_return_legs(struct req *r)
{
	struct case_row c;
	struct moves_err e;
	int rc = open_for_change(r, &c, PERM_ASSIST, "return.update.denied");

	if (rc)
		return rc < 0 ? -1 : 0;
	rc = moves_return_legs(r, &c, body(r), &e);
	return answer(r, rc, &e, 200, rc == 0 ? moves_return_json(r, &c,
	    false) : NULL);
}

int
api_case_transfers_post(struct req *r)
{
	struct case_row c;
	struct moves_err e;
	int64_t id = 0;
	int rc = open_for_change(r, &c, PERM_ASSIST,
	    "transfer.request.denied");

	if (rc)
		return rc < 0 ? -1 : 0;
	rc = moves_transfer_request(r, &c, body(r), &id, &e);
	return answer(r, rc, &e, 201, rc == 0 ? json_pack("{s:I,s:s}", "id",
	    (json_int_t)id, "state", "pending") : NULL);
}

int
api_transfers_list(struct req *r)
{
	json_t *j;

	if (!moves_transfers_allowed(r))
		return resp_error(r, 403, _("You are not allowed to see "
		    "handovers."), NULL);
	j = moves_transfers_json(r);
	if (j == NULL)
		return -1;
	if (audit(r, "transfer.list", 0, NULL, json_pack("{s:I,s:I}",
	    "incoming", (json_int_t)json_array_size(json_object_get(j,
	    "incoming")), "outgoing", (json_int_t)json_array_size(
	    json_object_get(j, "outgoing")))) < 0) {
		json_decref(j);
		return -1;
	}
	return resp_json(r, 200, j);
}

int
api_transfer_decision(struct req *r)
{
	struct moves_err e;
	int rc = moves_transfer_decide(r, r->id, body(r), &e);

	return answer(r, rc, &e, 200, rc == 0 ? json_pack("{s:I,s:b}", "id",
	    (json_int_t)r->id, "ok", 1) : NULL);
}

int
api_transfer_cancel(struct req *r)
{
	struct moves_err e;
	int rc;

	static const struct input_field none[] = { { NULL, 0, NULL, NULL, 0 } };

	if (r->json && req_fields(r, none))
		return 0;
	rc = moves_transfer_cancel(r, r->id, &e);
	return answer(r, rc, &e, 200, rc == 0 ? json_pack("{s:I,s:s}", "id",
	    (json_int_t)r->id, "state", "cancelled") : NULL);
}

int
api_case_reint_get(struct req *r)
{
	struct case_row c;
	json_t *j;
	int rc = cases_open(r, &c, PERM_CASEFILE_READ,
	    "reintegration.view.denied", 403);

	if (rc)
		return rc < 0 ? -1 : 0;
	if (audit(r, "reintegration.view", c.id, NULL, NULL) < 0)
		return -1;
	j = moves_reint_json(r, &c);
	return j ? resp_json(r, 200, j) : -1;
}

int
api_case_reint_post(struct req *r)
{
	struct case_row c;
	struct moves_err e;
	int rc = open_for_change(r, &c, PERM_ASSIST,
	    "reintegration.update.denied");

	if (rc)
		return rc < 0 ? -1 : 0;
	rc = moves_reint_save(r, &c, body(r), &e);
	return answer(r, rc, &e, 200, rc == 0 ? moves_reint_json(r, &c) :
	    NULL);
}

int
api_case_visits_get(struct req *r)
{
	struct case_row c;
	json_t *j;
	int rc = cases_open(r, &c, PERM_CASEFILE_READ, "visit.view.denied",
	    403);

	if (rc)
		return rc < 0 ? -1 : 0;
	if (audit(r, "visit.list", c.id, NULL, NULL) < 0)
		return -1;
	j = moves_visits_json(r, &c);
	return j ? resp_json(r, 200, json_pack("{s:o}", "visits", j)) : -1;
}

int
api_visit_post(struct req *r)
{
	struct moves_err e;
	int rc = moves_visit_record(r, 0, r->id, body(r), &e);

	return answer(r, rc, &e, 200, rc == 0 ? json_pack("{s:I,s:b}", "id",
	    (json_int_t)r->id, "ok", 1) : NULL);
}

int
api_visits_due(struct req *r)
{
	const char *s = req_query(r, "days"), *mine = req_query(r, "mine");
	long days = 30;
	char *end;
	json_t *j;

	if (!user_can(&r->user, PERM_ASSIST) ||
	    cases_office_scope(r) < 0)
		return resp_error(r, 403, _("You are not allowed to see cases."),
		    NULL);
	if (s && *s) {
		days = strtol(s, &end, 10);
		if (*end || days < 0 || days > 366)
			return resp_error(r, 400, _("Give the number of days "
			    "ahead, from 0 to 366."), json_pack("{s:s}", "days",
			    _("Give the number of days ahead, from 0 to 366.")));
	}
	j = moves_visits_due_json(r, cases_office_scope(r),
	    mine && strcmp(mine, "1") == 0 ? r->user.id : 0, (int)days);
	if (j == NULL)
		return -1;
	if (audit(r, "visit.due", 0, NULL, json_pack("{s:i,s:I}", "days",
	    (int)days, "count", (json_int_t)json_array_size(j))) < 0) {
		json_decref(j);
		return -1;
	}
	return resp_json(r, 200, json_pack("{s:i,s:o}", "days", (int)days,
	    "visits", j));
}

static json_t *
schedule_json(struct req *r)
{
	int months[MOVES_SCHEDULE_MAX];
	size_t n, i;
	json_t *a;

	if (moves_schedule_get(r, months, &n) < 0)
		return NULL;
	a = json_array();
	for (i = 0; i < n; i++)
		json_array_append_new(a, json_integer(months[i]));
	return json_pack("{s:o}", "months", a);
}

int
api_schedule_get(struct req *r)
{
	json_t *j;

	if (!user_can(&r->user, PERM_ADMIN_USERS) &&
	    !user_can(&r->user, PERM_ASSIST))
		return resp_error(r, 403, _("You are not allowed to see this "
		    "setting."), NULL);
	j = schedule_json(r);
	return j ? resp_json(r, 200, j) : -1;
}

/* The API's own words: a list, not the settings form's text. */
#define MONTHS_MSG N_("Give the months after arrival as a list of at most " \
	"24 whole numbers from 1 to 120 in increasing order, such as 1, 3, 6 " \
	"and 12.")
_Static_assert(MOVES_SCHEDULE_MAX == 24 && MOVES_MONTHS_MAX == 120,
    "the message says 24 months from 1 to 120");

int
api_schedule_put(struct req *r)
{
	static const struct input_field keys[] = {
		{ "months", JT_ARRAY, MONTHS_MSG, NULL, JT_INT },
		{ NULL, 0, NULL, NULL, 0 },
	};
	struct moves_err e;
	json_t *m, *v;
	char text[DB_META_MAX];
	size_t len = 0, i;
	int rc;

	if (!user_can(&r->user, PERM_ADMIN_USERS))
		return resp_error(r, 403, _("Only administrators can change "
		    "settings."), NULL);
	if (req_fields(r, keys))
		return 0;
	m = json_object_get(body(r), "months");
	if (!json_is_array(m) || json_array_size(m) > MOVES_SCHEDULE_MAX)
		goto bad;
	text[0] = '\0';
	json_array_foreach(m, i, v) {
		if (!json_is_integer(v) || json_integer_value(v) < -9999 ||
		    json_integer_value(v) > 9999)
			goto bad;
		len += (size_t)snprintf(text + len, sizeof(text) - len, "%s%lld",
		    i ? "," : "", (long long)json_integer_value(v));
	}
	rc = moves_schedule_set(r, text, &e);
	if (rc > 0 && e.status == 400)
		goto bad;
	if (rc)
		return rc < 0 ? -1 : refused(r, &e);
	return resp_json(r, 200, schedule_json(r));
bad:
	e.msg = _(MONTHS_MSG);
	return resp_error(r, 400, e.msg, json_pack("{s:s}", "months", e.msg));
}
