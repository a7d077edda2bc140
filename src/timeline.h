/*
 * timeline.h - the steps of a case, in order, each with who and when.
 *
 * Every module that moves a case along (screening, shelters, fund,
 * return, reintegration, …) calls timeline_add() in the same
 * transaction as its change. The kinds are in events.def.
 */
#ifndef CTM_TIMELINE_H
#define CTM_TIMELINE_H

#include <jansson.h>

#include "html.h"
#include "http.h"

/*
 * Adds a step to case case_id by r's user: kind from events.def;
 * ref_id the record it concerns (0: none); on_date "YYYY-MM-DD" when the
 * step happened on another day than today (NULL: now); restricted for
 * health steps; detail (stolen, NULL: none) as events.def says.
 * Returns 0, or -1 (logged) for an unknown kind or a failure.
 */
int timeline_add(struct req *r, int64_t case_id, const char *kind,
    int64_t ref_id, const char *on_date, bool restricted, json_t *detail);
/* Translated label of a kind; the kind itself when unknown. */
const char *timeline_label(const char *kind);
/* Whether kind is declared in events.def. */
bool timeline_kind_ok(const char *kind);
/* The steps r's user may see, as a JSON array (new reference), or NULL;
 * until, a step's id (0: no end, -1: no step), ends them, for an office
 * that handed the case over and keeps its history
 * (cases_history_until()): what was recorded since is not its to know. */
json_t *timeline_json(struct req *r, int64_t case_id, int64_t until);
/* Writes the timeline as an ordered list. */
int timeline_html(struct req *r, struct html *h, int64_t case_id,
    int64_t until);

#endif
