#include "compat.h"

#include <string.h>

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
	[ROLE_ADMIN] = {
		[PERM_CASE_READ] = true, [PERM_CASE_CREATE] = true,
		[PERM_CASE_UPDATE] = true, [PERM_ADMIN_USERS] = true,
		[PERM_AUDIT_READ] = true, [PERM_STATS_READ] = true,
		[PERM_CASEFILE_READ] = true, [PERM_ASSIST] = true,
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
	[ROLE_PROGRAMME_MANAGER] = {
		[PERM_CASE_READ] = true, [PERM_CASE_UPDATE] = true,
		[PERM_STATS_READ] = true, [PERM_CASEFILE_READ] = true,
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
	[ROLE_ADMIN] = SCOPE_ALL,
	[ROLE_CASEWORKER] = SCOPE_OFFICE,
	[ROLE_OFFICE_MANAGER] = SCOPE_OFFICE,
	[ROLE_PROGRAMME_MANAGER] = SCOPE_ALL,
	[ROLE_RESEARCHER] = SCOPE_NONE,
	[ROLE_MEDICAL_OFFICER] = SCOPE_OFFICE,
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
