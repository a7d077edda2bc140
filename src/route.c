#include "compat.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "handlers.h"
#include "route.h"

#define RW (M_GET | M_HEAD)

static const struct route routes[] = {
	{ RW, "/healthz", api_health, 0 },
	{ M_POST, "/api/v1/login", api_login, RF_NO_CSRF | RF_ASKS },
	{ M_POST, "/api/v1/logout", api_logout, RF_AUTH },
	{ RW, "/api/v1/me", api_me, RF_AUTH },
	{ M_PATCH, "/api/v1/me", api_me_update, RF_AUTH },
	{ M_POST, "/api/v1/me/two-step", api_me_two_step, RF_AUTH },
	{ RW, "/api/v1/cases", api_cases_list, RF_AUTH },
	{ M_POST, "/api/v1/cases", api_cases_create, RF_AUTH },
	{ M_POST, "/api/v1/cases/search", api_cases_search,
	    RF_AUTH | RF_ASKS },
	{ RW, "/api/v1/cases/{id}", api_case_get, RF_AUTH },
	{ M_PATCH, "/api/v1/cases/{id}", api_case_patch, RF_AUTH },
	{ RW, "/api/v1/cases/{id}/file", api_case_file_get, RF_AUTH },
	{ M_PUT, "/api/v1/cases/{id}/file", api_case_file_put, RF_AUTH },
	{ RW, "/api/v1/cases/{id}/screening", api_case_screening_get, RF_AUTH },
	{ RW, "/api/v1/cases/{id}/timeline", api_case_timeline, RF_AUTH },
	{ RW, "/api/v1/cases/{id}/return", api_case_return_get, RF_AUTH },
	{ M_POST, "/api/v1/cases/{id}/return", api_case_return_post, RF_AUTH },
	{ M_POST, "/api/v1/cases/{id}/return/stage", api_case_return_stage,
	    RF_AUTH },
	{ M_PUT, "/api/v1/cases/{id}/return/legs", api_case_return_legs,
	    RF_AUTH },
	{ M_POST, "/api/v1/cases/{id}/transfers", api_case_transfers_post,
	    RF_AUTH },
	{ RW, "/api/v1/transfers", api_transfers_list, RF_AUTH },
	{ M_POST, "/api/v1/transfers/{id}/decision", api_transfer_decision,
	    RF_AUTH },
	{ M_POST, "/api/v1/transfers/{id}/cancel", api_transfer_cancel,
	    RF_AUTH },
	{ RW, "/api/v1/cases/{id}/reintegration", api_case_reint_get, RF_AUTH },
	{ M_POST, "/api/v1/cases/{id}/reintegration", api_case_reint_post,
	    RF_AUTH },
	{ RW, "/api/v1/cases/{id}/visits", api_case_visits_get, RF_AUTH },
	{ RW, "/api/v1/visits/due", api_visits_due, RF_AUTH },
	{ M_POST, "/api/v1/visits/{id}", api_visit_post, RF_AUTH },
	{ RW, "/api/v1/settings/reintegration-schedule", api_schedule_get,
	    RF_AUTH },
	{ M_PUT, "/api/v1/settings/reintegration-schedule", api_schedule_put,
	    RF_AUTH },
	{ RW, "/api/v1/cases/{id}/services", api_case_records_get, RF_AUTH },
	{ M_POST, "/api/v1/cases/{id}/services", api_case_records_post, RF_AUTH },
	{ RW, "/api/v1/cases/{id}/support-plans", api_case_records_get, RF_AUTH },
	{ M_POST, "/api/v1/cases/{id}/support-plans", api_case_records_post, RF_AUTH },
	{ RW, "/api/v1/cases/{id}/shelter-stays", api_case_records_get, RF_AUTH },
	{ M_POST, "/api/v1/cases/{id}/shelter-stays", api_case_records_post, RF_AUTH },
	{ RW, "/api/v1/cases/{id}/health", api_case_records_get, RF_AUTH },
	{ M_POST, "/api/v1/cases/{id}/health", api_case_records_post, RF_AUTH },
	{ RW, "/api/v1/cases/{id}/risk", api_case_records_get, RF_AUTH },
	{ M_POST, "/api/v1/cases/{id}/risk", api_case_records_post, RF_AUTH },
	{ RW, "/api/v1/cases/{id}/le-referrals", api_case_records_get, RF_AUTH },
	{ M_POST, "/api/v1/cases/{id}/le-referrals", api_case_records_post, RF_AUTH },
	{ RW, "/api/v1/records/{id}", api_record_get, RF_AUTH },
	{ M_PATCH, "/api/v1/records/{id}", api_record_patch, RF_AUTH },
	{ M_POST, "/api/v1/records/{id}/discharge", api_record_discharge, RF_AUTH },
	{ M_POST, "/api/v1/records/{id}/disclosures", api_record_disclose, RF_AUTH },
	{ RW, "/api/v1/organisations", api_orgs_list, RF_AUTH },
	{ M_POST, "/api/v1/organisations", api_orgs_create, RF_AUTH },
	{ RW, "/api/v1/organisations/{id}", api_org_get, RF_AUTH },
	{ M_PATCH, "/api/v1/organisations/{id}", api_org_patch, RF_AUTH },
	{ RW, "/api/v1/shelters", api_shelters_list, RF_AUTH },
	{ M_POST, "/api/v1/shelters", api_shelters_create, RF_AUTH },
	{ RW, "/api/v1/shelters/{id}", api_shelter_get, RF_AUTH },
	{ M_PATCH, "/api/v1/shelters/{id}", api_shelter_patch, RF_AUTH },
	{ RW, "/api/v1/shelters/{id}/occupancy", api_shelter_occupancy, RF_AUTH },
	{ RW, "/api/v1/audit", api_audit, RF_AUTH },
	{ RW, "/api/v1/users", api_users_list, RF_AUTH },
	{ RW, "/api/v1/users/{id}", api_user_get, RF_AUTH },
	{ M_POST, "/api/v1/users/{id}/grants", api_user_grants, RF_AUTH },
	{ RW, "/api/v1/dashboard", api_dashboard, RF_AUTH },
	{ RW, "/api/v1/stats", api_stats, RF_AUTH },
	{ RW, "/api/v1/cases/{id}/fund-requests", api_case_fund_list, RF_AUTH },
	{ M_POST, "/api/v1/cases/{id}/fund-requests", api_case_fund_create,
	  RF_AUTH },
	{ RW, "/api/v1/fund-requests", api_fund_requests, RF_AUTH },
	{ RW, "/api/v1/fund-requests/{id}", api_fund_request_get, RF_AUTH },
	{ M_POST, "/api/v1/fund-requests/{id}/decision",
	  api_fund_request_decide, RF_AUTH },
	{ M_POST, "/api/v1/fund-requests/{id}/resubmit",
	  api_fund_request_resubmit, RF_AUTH },
	{ M_POST, "/api/v1/fund-requests/{id}/disbursements",
	  api_fund_request_disburse, RF_AUTH },
	{ RW, "/api/v1/projects", api_projects_list, RF_AUTH },
	{ M_POST, "/api/v1/projects", api_projects_create, RF_AUTH },
	{ RW, "/api/v1/projects/{id}", api_project_get, RF_AUTH },
	{ M_POST, "/api/v1/projects/{id}/cases", api_project_case_add, RF_AUTH },
	{ M_POST, "/api/v1/projects/{id}/donors", api_project_donor_add,
	  RF_AUTH },
	{ M_PATCH, "/api/v1/projects/{id}", api_project_patch, RF_AUTH },
	{ M_POST, "/api/v1/projects/{id}/partners", api_project_partner_add,
	  RF_AUTH },
	{ M_DELETE, "/api/v1/projects/{id}/partners/*",
	  api_project_partner_remove, RF_AUTH },
	{ RW, "/api/v1/fund/turnaround", api_fund_turnaround, RF_AUTH },
	{ RW, "/api/v1/rates", api_rates_list, RF_AUTH },
	{ M_POST, "/api/v1/rates", api_rates_set, RF_AUTH },

	{ RW, "/", page_root, 0 },
	{ RW, "/stats", page_stats, RF_AUTH },
	{ RW, "/dashboard", page_dashboard, RF_AUTH },
	{ RW, "/assets/*", page_asset, 0 },
	{ RW, "/favicon.ico", page_favicon, 0 },
	{ RW, "/login", page_login, 0 },
	{ M_POST, "/login", page_login_post, RF_ANON_FORM | RF_ASKS },
	{ M_POST, "/logout", page_logout, RF_AUTH },
	{ M_POST, "/lang", page_lang, RF_ANON_FORM },
	{ RW, "/cases", page_cases, RF_AUTH },
	{ M_POST, "/cases", page_cases_create, RF_AUTH },
	{ M_POST, "/cases/search", page_cases_search, RF_AUTH | RF_ASKS },
	{ RW, "/cases/{id}", page_case, RF_AUTH },
	{ M_POST, "/cases/{id}", page_case_update, RF_AUTH },
	{ RW, "/cases/{id}/file", page_casefile, RF_AUTH },
	{ RW, "/cases/{id}/file/*", page_casefile_section, RF_AUTH },
	{ M_POST, "/cases/{id}/file/*", page_casefile_section_post, RF_AUTH },
	{ RW, "/cases/{id}/return", page_return, RF_AUTH },
	{ M_POST, "/cases/{id}/return", page_return_post, RF_AUTH },
	{ RW, "/cases/{id}/reintegration", page_reint, RF_AUTH },
	{ M_POST, "/cases/{id}/reintegration", page_reint_post, RF_AUTH },
	{ RW, "/transfers", page_transfers, RF_AUTH },
	{ M_POST, "/transfers/{id}", page_transfer_post, RF_AUTH },
	{ RW, "/visits", page_visits, RF_AUTH },
	{ RW, "/admin/settings", page_admin_settings, RF_AUTH },
	{ M_POST, "/admin/settings", page_admin_settings_post, RF_AUTH },
	{ RW, "/cases/{id}/protection", page_protection, RF_AUTH },
	{ M_POST, "/cases/{id}/protection", page_protection_post, RF_AUTH },
	{ RW, "/cases/{id}/health", page_health, RF_AUTH },
	{ M_POST, "/cases/{id}/health", page_health_post, RF_AUTH },
	{ RW, "/organisations", page_orgs, RF_AUTH },
	{ M_POST, "/organisations", page_orgs_post, RF_AUTH },
	{ RW, "/shelters", page_shelters, RF_AUTH },
	{ M_POST, "/shelters", page_shelters_post, RF_AUTH },
	{ RW, "/shelters/{id}", page_shelter, RF_AUTH },
	{ M_POST, "/shelters/{id}", page_shelter_post, RF_AUTH },
	{ RW, "/account", page_account, RF_AUTH },
	{ M_POST, "/account", page_account_post, RF_AUTH },
	{ RW, "/admin/users", page_admin_users, RF_AUTH },
	{ M_POST, "/admin/users", page_admin_users_post, RF_AUTH },
	{ RW, "/admin/users/{id}", page_admin_user, RF_AUTH },
	{ M_POST, "/admin/users/{id}", page_admin_user_post, RF_AUTH },
	{ RW, "/admin/offices", page_admin_offices, RF_AUTH },
	{ M_POST, "/admin/offices", page_admin_offices_post, RF_AUTH },
	{ RW, "/admin/audit", page_admin_audit, RF_AUTH },
	{ RW, "/fund", page_fund, RF_AUTH },
	{ RW, "/fund/rates", page_fund_rates, RF_AUTH },
	{ M_POST, "/fund/rates", page_fund_rates_post, RF_AUTH },
	{ RW, "/fund/requests/{id}", page_fund_request, RF_AUTH },
	{ M_POST, "/fund/requests/{id}", page_fund_request_post, RF_AUTH },
	{ RW, "/cases/{id}/fund", page_case_fund, RF_AUTH },
	{ M_POST, "/cases/{id}/fund", page_case_fund_post, RF_AUTH },
	{ RW, "/projects", page_projects, RF_AUTH },
	{ M_POST, "/projects", page_projects_post, RF_AUTH },
	{ RW, "/projects/{id}", page_project, RF_AUTH },
	{ M_POST, "/projects/{id}", page_project_post, RF_AUTH },
};

/* Matches one pattern; a trailing "*" segment matches any non-empty rest. */
static bool
match(const char *pat, const char *path, int64_t *id)
{
	while (*pat && *path) {
		if (pat[0] == '*' && pat[1] == '\0')
			return *path != '\0';
		if (strncmp(pat, "{id}", 4) == 0) {
			const char *s = path;
			char *end;
			long long v;

			if (*s < '1' || *s > '9')
				return false;
			while (*s >= '0' && *s <= '9')
				s++;
			if (s - path > 15)
				return false;
			errno = 0;
			v = strtoll(path, &end, 10);
			if (errno || end != s)
				return false;
			*id = v;
			path = s;
			pat += 4;
			continue;
		}
		if (*pat != *path)
			return false;
		pat++;
		path++;
	}
	return *pat == '\0' && *path == '\0';
}

const struct route *
route_match(const char *path, enum method m, int64_t *id, bool *wrong_method)
{
	size_t i;

	*wrong_method = false;
	for (i = 0; i < ARRAY_SIZE(routes); i++) {
		int64_t v = 0;

		if (!match(routes[i].pattern, path, &v))
			continue;
		if (routes[i].methods & m) {
			*id = v;
			return &routes[i];
		}
		*wrong_method = true;
	}
	return NULL;
}

unsigned
route_methods(const char *path)
{
	unsigned m = 0;
	size_t i;

	for (i = 0; i < ARRAY_SIZE(routes); i++) {
		int64_t v;

		if (match(routes[i].pattern, path, &v))
			m |= routes[i].methods;
	}
	return m;
}
