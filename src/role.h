/*
 * role.h - roles and what each may do.
 *
 * The permission table is the single place that says which role may do
 * what; handlers ask user_can() (the role's permissions and what an admin
 * granted the user) and never compare roles themselves.
 */
#ifndef CTM_ROLE_H
#define CTM_ROLE_H

#include "compat.h"

enum role {
	ROLE_ADMIN,
	ROLE_CASEWORKER,
	ROLE_OFFICE_MANAGER,
	ROLE_PROGRAMME_MANAGER,
	ROLE_RESEARCHER,
	ROLE_MEDICAL_OFFICER,
	ROLE__MAX
};

enum perm {
	PERM_CASE_READ,		/* see cases (scoped by role_scope) */
	PERM_CASE_CREATE,
	PERM_CASE_UPDATE,
	PERM_ADMIN_USERS,	/* manage accounts and offices */
	PERM_AUDIT_READ,
	PERM_STATS_READ,
	PERM_CASEFILE_READ,	/* the case file itself (identity, process) */
	PERM_HEALTH,		/* health records (or a grant, users.h) */
	PERM_ASSIST,		/* record protection, assistance, return */
	PERM_FUND_REQUEST,	/* ask headquarters' fund for a case */
	PERM_FUND_DECIDE,	/* decide fund requests, disburse */
	PERM_PROJECT_MANAGE,	/* projects, budgets, donors, rates */
	PERM_TRANSFER_DECIDE,	/* accept or decline incoming cases */
	PERM_REGISTRY,		/* organisations and shelters */
	PERM_FUND_READ,		/* see the fund queue and projects */
	PERM_HIGH_RISK_OFFICE,	/* see the office's high-risk cases */
	PERM__MAX
};

/* Which cases a role sees when it has PERM_CASE_READ. */
enum scope {
	SCOPE_NONE,
	SCOPE_OFFICE,
	SCOPE_REFERRED,		/* every office, but only the cases referred
				 * to headquarters: with a fund request */
	SCOPE_ALL
};

struct user;

/* "caseworker", … as used on the command line and in the API. */
const char *role_name(enum role r);
/* Translated label for pages. */
const char *role_label(enum role r);
/* -1 for an unknown name. */
int role_from_name(const char *name);
/* What the role itself may do, without any grant. */
bool role_can(enum role r, enum perm p);
enum scope role_scope(enum role r);
/*
 * Whether role r may hold the case access grant (users.case_access): an
 * administrator, who has no case content by role, given read and write
 * of the case files of every office (a data protection officer
 * answering a subject-access request).
 */
bool role_case_grantable(enum role r);
/* What user u may do and which cases it sees: its role's permissions
 * and scope, widened by the case access grant where its role takes it. */
bool user_can(const struct user *u, enum perm p);
enum scope user_scope(const struct user *u);

#endif
