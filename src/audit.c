#include "compat.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "audit.h"
#include "log.h"

static int
audit_write(struct req *r, int64_t uid, const char *username,
    const char *action, int64_t case_id, const char *object, json_t *detail)
{
	struct audit_entry e;
	char *d = NULL;
	int rc;

	memset(&e, 0, sizeof(e));
	e.at = r->now;
	e.user_id = uid;
	snprintf(e.username, sizeof(e.username), "%s", username ? username : "");
	snprintf(e.ip, sizeof(e.ip), "%s", r->ip);
	snprintf(e.action, sizeof(e.action), "%s", action);
	e.case_id = case_id;
	snprintf(e.object, sizeof(e.object), "%s", object ? object : "");
	if (detail) {
		d = json_dumps(detail, JSON_COMPACT | JSON_ESCAPE_SLASH);
		json_decref(detail);
		if (d && strlen(d) >= sizeof(e.detail)) {
			free(d);
			d = NULL;
			snprintf(e.detail, sizeof(e.detail), "{\"truncated\":true}");
		}
	}
	if (d)
		snprintf(e.detail, sizeof(e.detail), "%s", d);
	free(d);
	rc = db_audit_add(r->app->db, &e);
	if (rc != DB_OK)
		return error("audit write failed for action %s", action);
	return 0;
}

int
audit(struct req *r, const char *action, int64_t case_id, const char *object,
    json_t *detail)
{
	return audit_write(r, r->authed ? r->user.id : 0,
	    r->authed ? r->user.username : "", action, case_id, object, detail);
}

int
audit_as(struct req *r, int64_t user_id, const char *username,
    const char *action, json_t *detail)
{
	return audit_write(r, user_id, username, action, 0, NULL, detail);
}
