/*
 * demo.h - the demo of `ctm demo` (and so of `make run`): its offices and
 * accounts, the registry, the projects of the annex of IOM's
 * counter-trafficking strategy paper, and invented cases at every stage
 * of the journey.
 *
 * Every date counts back from the day the demo runs, so that a demo made
 * on any day reads as a journey that has just happened, and every step is
 * made through the same functions as the web, as the user who would make
 * it, on its day.
 */
#ifndef CTM_DEMO_H
#define CTM_DEMO_H

#include "http.h"

struct demo_office {
	const char *code, *name, *country;
	bool hq;
};

struct demo_account {
	const char *user, *role, *office;
};

/* The demo's offices and accounts (static storage), *n of each. The
 * command creates them before demo_load(), which needs them. */
const struct demo_office *demo_offices(size_t *n);
const struct demo_account *demo_accounts(size_t *n);

/*
 * The registry (organisations, shelters), the projects with their
 * exchange rates, and the cases with every step of their journeys, each
 * made as the user who would make it on its day. A database that has the
 * demo's cases already keeps them: the registry and projects that exist
 * are left alone and no case is added again. 0 when the cases were
 * added, 1 when they were there already, -1 on failure (logged).
 */
int demo_load(struct app *app);

#endif
