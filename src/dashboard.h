/*
 * dashboard.h - the figures of the start page: what each role has to do
 * today, scoped to what the user may see.
 *
 * dashboard_json() computes them all, once, as the object that GET
 * /api/v1/dashboard answers; the page /dashboard (page_dashboard.c)
 * writes its tables and charts from that same object, so that the page
 * and the API cannot differ. Its parts, each present only for a user
 * who has it (docs/api.md, "Dashboard"):
 *
 *   "my_work"          a caseworker's own cases, caseload, follow-ups;
 *   "office_overview"  an office manager's caseload, handovers waiting,
 *                      cases to reassign, shelters and visits;
 *   "fund"             the fund's queue, turnaround and budgets
 *                      (programme managers);
 *   "health"           the office caseload of a medical officer;
 *   "administration"   an administrator's (links only: no figure).
 *
 * No part holds a person's data: case numbers, codes, counts, dates,
 * office codes, and the usernames of staff.
 */
#ifndef CTM_DASHBOARD_H
#define CTM_DASHBOARD_H

#include "http.h"

/* Days ahead that the follow-up lists look. */
#define DASHBOARD_DAYS 30
/* Active cases listed in "my_work". */
#define DASHBOARD_MY_CASES 15

/* The dashboard of r's user (new reference), or NULL on failure. */
json_t *dashboard_json(struct req *r);

#endif
