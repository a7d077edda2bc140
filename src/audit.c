#include "compat.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "audit.h"
#include "i18n.h"
#include "log.h"

static int
audit_write(struct req *r, int64_t uid, const char *username,
    const char *action, int64_t case_id, const char *object, json_t *detail)
{
	struct audit_entry e;
	char *d = NULL;
	int rc;

	/* "case.view.denied", "transfer.denied", "access.denied": the
	 * dispatcher then records no other refusal (http.c). */
	if (strstr(action, ".denied"))
		r->denial_audited = true;
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

/* The codes written by audit() and audit_as() across ctm, and by the
 * record kinds of protection.c ("<kind>.add", "<kind>.update"). */
static const struct {
	const char *code;
	const char *label;
} actions[] = {
	/* Only ever refused: "access.denied" (http.c). */
	{ "access", N_("Page or action of another role") },
	{ "account.password", N_("Own password changed") },
	{ "account.password.failed", N_("Own password change refused") },
	{ "account.totp.off", N_("Two-step verification turned off") },
	{ "account.totp.on", N_("Two-step verification turned on") },
	{ "account.totp.start", N_("Two-step verification set-up started") },
	{ "admin.demo", N_("Demonstration data loaded") },
	{ "admin.office.add", N_("Office added") },
	{ "admin.user.add", N_("User added") },
	{ "admin.user.update", N_("User account changed") },
	{ "case.create", N_("Case opened") },
	{ "case.file.update", N_("Case file saved") },
	{ "case.high_risk", N_("High risk set or lifted") },
	{ "case.history.view", N_("History of a handed-over case read") },
	{ "case.import", N_("Cases imported") },
	{ "case.list", N_("Case list read") },
	{ "case.update", N_("Case status or assignment changed") },
	{ "case.view", N_("Case read") },
	{ "dataset.import", N_("Research dataset imported") },
	{ "export.ctdc", N_("Caseload exported for CTDC") },
	{ "fund.change", N_("Fund request changed") },
	{ "fund.decide", N_("Fund request decided") },
	{ "fund.disburse", N_("Disbursement recorded") },
	{ "fund.list", N_("Fund requests of a case read") },
	{ "fund.rate", N_("Exchange rate saved") },
	{ "fund.request", N_("Fund request sent") },
	{ "fund.resubmit", N_("Fund request sent again") },
	{ "fund.view", N_("Fund request read") },
	{ "health.add", N_("Health record added") },
	{ "health.list", N_("Health follow-ups listed") },
	{ "health.update", N_("Health record changed") },
	{ "health.view", N_("Health records read") },
	{ "le.disclosure", N_("Disclosure to law enforcement recorded") },
	{ "le_referral.add", N_("Law-enforcement referral added") },
	{ "le_referral.update", N_("Law-enforcement referral changed") },
	{ "login.failed", N_("Failed login") },
	{ "login.locked", N_("Login while locked out") },
	{ "login.ok", N_("Login") },
	{ "logout", N_("Logout") },
	{ "org.create", N_("Organisation added") },
	{ "org.update", N_("Organisation changed") },
	{ "project.assign", N_("Case assigned to a project") },
	{ "project.create", N_("Project created") },
	{ "project.donor", N_("Donor contribution added") },
	{ "project.view", N_("Project read") },
	{ "reintegration.save", N_("Reintegration plan saved") },
	{ "reintegration.update", N_("Reintegration changed") },
	{ "reintegration.view", N_("Reintegration read") },
	{ "return.legs", N_("Travel legs saved") },
	{ "return.request", N_("Voluntary return asked for") },
	{ "return.stage", N_("Return stage recorded") },
	{ "return.update", N_("Return changed") },
	{ "return.view", N_("Return and handover read") },
	{ "risk.add", N_("Security risk assessed") },
	{ "service.add", N_("Service added") },
	{ "service.update", N_("Service changed") },
	{ "settings.update", N_("Settings changed") },
	{ "shelter.create", N_("Shelter added") },
	{ "shelter.update", N_("Shelter changed") },
	{ "shelter_stay.add", N_("Shelter stay added") },
	{ "shelter_stay.update", N_("Shelter stay changed") },
	{ "stats.query", N_("Statistics computed") },
	{ "support_plan.add", N_("Support plan added") },
	{ "support_plan.update", N_("Support plan changed") },
	{ "transfer", N_("Handover") },
	{ "transfer.accept", N_("Handover accepted") },
	{ "transfer.cancel", N_("Handover withdrawn") },
	{ "transfer.decline", N_("Handover declined") },
	{ "transfer.list", N_("Handovers read") },
	{ "transfer.request", N_("Handover asked for") },
	{ "visit", N_("Monitoring visit") },
	{ "visit.due", N_("Visits due read") },
	{ "visit.list", N_("Visits of a case read") },
	{ "visit.record", N_("Monitoring visit recorded") },
	{ "visit.view", N_("Visits of a case read") },
};

const char *
audit_action_label(const char *action, char out[AUDIT_LABEL_MAX])
{
	static const char denied[] = ".denied";
	size_t n = strlen(action), i, dl = strlen(denied);
	bool refused = n > dl && strcmp(action + n - dl, denied) == 0;

	if (refused)
		n -= dl;
	for (i = 0; i < ARRAY_SIZE(actions); i++)
		if (strlen(actions[i].code) == n &&
		    strncmp(actions[i].code, action, n) == 0) {
			if (refused)
				/* TRANSLATORS: an action of the audit trail
				 * that was refused ("Case read — refused"). */
				snprintf(out, AUDIT_LABEL_MAX, _("%s — refused"),
				    _(actions[i].label));
			else
				snprintf(out, AUDIT_LABEL_MAX, "%s",
				    _(actions[i].label));
			return out;
		}
	snprintf(out, AUDIT_LABEL_MAX, "%s", action);
	return out;
}

const char *
audit_action_at(size_t i)
{
	return i < ARRAY_SIZE(actions) ? actions[i].code : NULL;
}

static const struct {
	const char *key;
	const char *label;
} detail_keys[] = {
	{ "by", N_("Count by") },
	{ "by2", N_("and by") },
	{ "count", N_("Entries") },
	{ "dataset", N_("Dataset") },
	{ "days", N_("Days") },
	{ "decision", N_("Decision") },
	{ "field", N_("Field") },
	{ "from", N_("From") },
	{ "history", N_("History") },
	{ "k", N_("Smallest cell (k)") },
	{ "method", N_("Method") },
	{ "new", N_("New value") },
	{ "old", N_("Old value") },
	{ "page", N_("Page") },
	{ "per_member", N_("Per member") },
	{ "project", N_("Project") },
	{ "reason", N_("Reason") },
	{ "request", N_("Fund request") },
	{ "role", N_("Role") },
	{ "route", N_("Page or endpoint") },
	{ "rows", N_("Rows") },
	{ "stage", N_("Stage") },
	{ "to", N_("To") },
	{ "transfer", N_("Handover") },
	{ "where", N_("Filters") },
};

const char *
audit_detail_label(const char *key)
{
	size_t i;

	for (i = 0; i < ARRAY_SIZE(detail_keys); i++)
		if (strcmp(detail_keys[i].key, key) == 0)
			return _(detail_keys[i].label);
	return key;
}
