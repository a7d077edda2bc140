/*
 * dashboard.c - the start page's sections that draw on the protection,
 * return and fund modules.
 */
#include "compat.h"

#include "dashboard.h"
#include "i18n.h"

int
dashboard_followups(struct req *r, struct html *h, int64_t assigned_to)
{
	(void)r;
	(void)h;
	(void)assigned_to;
	return 0;
}

int
dashboard_transfers(struct req *r, struct html *h)
{
	(void)r;
	(void)h;
	return 0;
}

int
dashboard_shelters(struct req *r, struct html *h)
{
	(void)r;
	(void)h;
	return 0;
}

int
dashboard_fund(struct req *r, struct html *h)
{
	(void)r;
	(void)h;
	return 0;
}
