/*
 * audit.h - writing the audit trail from a request.
 *
 * Fills who (the session user, or the username as typed for logins),
 * when and from which address from r. detail is a JSON object (stolen,
 * may be NULL). A failure to audit is logged and returned as -1: callers
 * of reads of case data must then refuse the read.
 */
#ifndef CTM_AUDIT_H
#define CTM_AUDIT_H

#include "http.h"

int audit(struct req *r, const char *action, int64_t case_id,
    const char *object, json_t *detail);
/* Same, naming the user explicitly (logins before a session exists). */
int audit_as(struct req *r, int64_t user_id, const char *username,
    const char *action, json_t *detail);

/*
 * What action (a code such as "case.view", or "case.view.denied" for a
 * refusal) means, in the current language: "Case read", "Case read —
 * refused". An unknown code is given back as it is. Into out, returned.
 */
#define AUDIT_LABEL_MAX 192
const char *audit_action_label(const char *action, char out[AUDIT_LABEL_MAX]);
/* The i-th action code known to audit_action_label(), NULL past the
 * last (for a list to choose from). */
const char *audit_action_at(size_t i);
/* The label of a key of an entry's detail ("field" -> "Field"); key
 * itself when unknown. */
const char *audit_detail_label(const char *key);

#endif
