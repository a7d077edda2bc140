/*
 * demo.h - the demo case files of `ctm demo` (and so of `make run`).
 */
#ifndef CTM_DEMO_H
#define CTM_DEMO_H

#include "http.h"

/* How many demo case files there are. */
size_t demo_casefile_count(void);
/*
 * Writes demo case file i into case c through the same checks as the API
 * (as user u). 0, or -1 with the reason logged.
 */
int demo_casefile(struct app *app, const struct user *u, struct case_row *c,
    size_t i);

/*
 * The operational side of the demo: the annex's projects, organisations
 * and shelters, and cases at every stage of the journey (sheltered,
 * funded, returned and handed over, reintegrated, closed), each step
 * made as the user who would make it. Needs the demo's accounts.
 */
int demo_operations(struct app *app);

/*
 * Demo returns (moves.h): cases of office bkk (a struct office id) at
 * each stage of a return, from requested to closed with an outcome,
 * handed over to Bogotá where they arrived. cw is the Bangkok caseworker,
 * bog_mgr and bog_cw the Bogotá manager and caseworker. 0 or -1 (logged).
 */
int demo_moves(struct app *app, int64_t bkk, const struct user *cw,
    const struct user *bog_mgr, const struct user *bog_cw);

#endif
