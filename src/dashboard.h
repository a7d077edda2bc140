/*
 * dashboard.h - the sections of the start page that other modules own.
 *
 * Each writes an <h3> section for r's user (scoped to what the user may
 * see), or nothing when the module has nothing for that user. -1 on
 * failure.
 */
#ifndef CTM_DASHBOARD_H
#define CTM_DASHBOARD_H

#include "html.h"
#include "http.h"

/* Monitoring visits due and overdue (assigned_to 0: the office's). */
int dashboard_followups(struct req *r, struct html *h, int64_t assigned_to);
/* Handovers waiting for the office's answer. */
int dashboard_transfers(struct req *r, struct html *h);
/* Office managers: open cases whose caseworker has left the office or
 * was disabled, with a link to reassign each. */
int dashboard_stranded(struct req *r, struct html *h);
/* Shelters of the office, occupancy against capacity. */
int dashboard_shelters(struct req *r, struct html *h);
/* The fund's queue, budgets and turnaround. */
int dashboard_fund(struct req *r, struct html *h);

#endif
