#include "compat.h"

#include <string.h>

#include "db.h"
#include "i18n.h"
#include "role.h"

static const char *const names[ROLE__MAX] = {
	[ROLE_ADMIN] = "admin",
	[ROLE_CASEWORKER] = "caseworker",
	[ROLE_OFFICE_MANAGER] = "office-manager",
	[ROLE_PROGRAMME_MANAGER] = "programme-manager",
	[ROLE_RESEARCHER] = "researcher",
	[ROLE_MEDICAL_OFFICER] = "medical-officer",
};

static const char *const labels[ROLE__MAX] = {
	[ROLE_ADMIN] = N_("Administrator"),
	[ROLE_CASEWORKER] = N_("Caseworker"),
	[ROLE_OFFICE_MANAGER] = N_("Office manager"),
	[ROLE_PROGRAMME_MANAGER] = N_("Programme manager"),
	[ROLE_RESEARCHER] = N_("Researcher"),
	[ROLE_MEDICAL_OFFICER] = N_("Medical officer"),
};

static const bool perms[ROLE__MAX][PERM__MAX] = {
	/* Accounts, offices, audit, settings, the registry, projects and
	 * the fund's figures; no case content unless granted (below). */
	[ROLE_ADMIN] = {
		[PERM_ADMIN_USERS] = true,
		[PERM_AUDIT_READ] = true, [PERM_STATS_READ] = true,
		[PERM_PROJECT_MANAGE] = true, [PERM_REGISTRY] = true,
		[PERM_FUND_READ] = true,
	},
	[ROLE_CASEWORKER] = {
		[PERM_CASE_READ] = true, [PERM_CASE_CREATE] = true,
		[PERM_CASE_UPDATE] = true, [PERM_CASEFILE_READ] = true,
		[PERM_ASSIST] = true, [PERM_FUND_REQUEST] = true,
	},
	[ROLE_OFFICE_MANAGER] = {
		[PERM_CASE_READ] = true, [PERM_CASE_CREATE] = true,
		[PERM_CASE_UPDATE] = true, [PERM_STATS_READ] = true,
		[PERM_CASEFILE_READ] = true, [PERM_ASSIST] = true,
		[PERM_FUND_REQUEST] = true, [PERM_TRANSFER_DECIDE] = true,
		[PERM_REGISTRY] = true, [PERM_HIGH_RISK_OFFICE] = true,
	},
	/* Decides the fund: reads the summary, timeline and fund requests
	 * of the cases referred to headquarters (SCOPE_REFERRED), never
	 * their file, records, status or assignee. */
	[ROLE_PROGRAMME_MANAGER] = {
		[PERM_CASE_READ] = true,
		[PERM_STATS_READ] = true,
		[PERM_FUND_DECIDE] = true, [PERM_PROJECT_MANAGE] = true,
		[PERM_FUND_READ] = true,
	},
	[ROLE_RESEARCHER] = {
		[PERM_STATS_READ] = true,
	},
	/* Sees its office's cases (number, status) and their health
	 * records; never the case file itself. */
	[ROLE_MEDICAL_OFFICER] = {
		[PERM_CASE_READ] = true, [PERM_HEALTH] = true,
	},
};

static const enum scope scopes[ROLE__MAX] = {
	[ROLE_ADMIN] = SCOPE_NONE,
	[ROLE_CASEWORKER] = SCOPE_OFFICE,
	[ROLE_OFFICE_MANAGER] = SCOPE_OFFICE,
	[ROLE_PROGRAMME_MANAGER] = SCOPE_REFERRED,
	[ROLE_RESEARCHER] = SCOPE_NONE,
	[ROLE_MEDICAL_OFFICER] = SCOPE_OFFICE,
};

/*
 * What the case access grant adds, for the roles that may hold it, and
 * the scope it gives: the case files of every office, read and write.
 */
static const bool case_grant[PERM__MAX] = {
	[PERM_CASE_READ] = true, [PERM_CASE_CREATE] = true,
	[PERM_CASE_UPDATE] = true, [PERM_CASEFILE_READ] = true,
	[PERM_ASSIST] = true,
};

static const bool case_grantable[ROLE__MAX] = {
	[ROLE_ADMIN] = true,
};

const char *
role_name(enum role r)
{
	return r >= 0 && r < ROLE__MAX ? names[r] : "unknown";
}

const char *
role_label(enum role r)
{
	return r >= 0 && r < ROLE__MAX ? _(labels[r]) : "?";
}

int
role_from_name(const char *name)
{
	int i;

	if (name == NULL)
		return -1;
	for (i = 0; i < ROLE__MAX; i++)
		if (strcmp(name, names[i]) == 0)
			return i;
	return -1;
}

bool
role_can(enum role r, enum perm p)
{
	return r >= 0 && r < ROLE__MAX && p >= 0 && p < PERM__MAX && perms[r][p];
}

enum scope
role_scope(enum role r)
{
	if (!role_can(r, PERM_CASE_READ))
		return SCOPE_NONE;
	return scopes[r];
}

bool
role_case_grantable(enum role r)
{
	return r >= 0 && r < ROLE__MAX && case_grantable[r];
}

/* Whether u holds the case access grant and its role takes it. */
static bool
case_granted(const struct user *u)
{
	return u != NULL && u->case_access && role_case_grantable(u->role);
}

bool
user_can(const struct user *u, enum perm p)
{
	if (u == NULL)
		return false;
	if (role_can(u->role, p))
		return true;
	return case_granted(u) && p >= 0 && p < PERM__MAX && case_grant[p];
}

enum scope
user_scope(const struct user *u)
{
	if (u == NULL)
		return SCOPE_NONE;
	if (case_granted(u))
		return SCOPE_ALL;
	return role_scope(u->role);
}
