/*
 * api_dashboard.c - GET /api/v1/dashboard: the figures of the caller's
 * start page, as dashboard_json() computes them for the page itself
 * (dashboard.h). Every role may ask: each gets the parts its page
 * shows, and a role with none (a researcher) only its role and office.
 */
#include "compat.h"

#include "dashboard.h"
#include "handlers.h"

int
api_dashboard(struct req *r)
{
	json_t *d = dashboard_json(r);

	if (d == NULL)
		return -1;
	return resp_json(r, 200, d);
}
