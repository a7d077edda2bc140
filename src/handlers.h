/*
 * handlers.h - every request handler, as listed in route.c.
 */
#ifndef CTM_HANDLERS_H
#define CTM_HANDLERS_H

#include "cases.h"
#include "http.h"

/* api.c */
int api_login(struct req *r);
int api_logout(struct req *r);
int api_me(struct req *r);
int api_me_update(struct req *r);
int api_me_two_step(struct req *r);
int api_cases_list(struct req *r);
int api_cases_create(struct req *r);
int api_cases_search(struct req *r);
int api_case_get(struct req *r);
int api_case_patch(struct req *r);
int api_audit(struct req *r);
int api_case_file_get(struct req *r);
int api_case_file_put(struct req *r);
int api_case_screening_get(struct req *r);
int api_case_timeline(struct req *r);
int api_health(struct req *r);
int api_stats(struct req *r);
/* api_moves.c */
int api_case_return_get(struct req *r);
int api_case_return_post(struct req *r);
int api_case_return_stage(struct req *r);
int api_case_return_legs(struct req *r);
int api_case_transfers_post(struct req *r);
int api_transfers_list(struct req *r);
int api_transfer_decision(struct req *r);
int api_transfer_cancel(struct req *r);
int api_case_reint_get(struct req *r);
int api_case_reint_post(struct req *r);
int api_case_visits_get(struct req *r);
int api_visit_post(struct req *r);
int api_visits_due(struct req *r);
int api_schedule_get(struct req *r);
int api_schedule_put(struct req *r);

/* api_fund.c */
int api_case_fund_list(struct req *r);
int api_case_fund_create(struct req *r);
int api_fund_requests(struct req *r);
int api_fund_request_get(struct req *r);
int api_fund_request_decide(struct req *r);
int api_fund_request_resubmit(struct req *r);
int api_fund_request_disburse(struct req *r);
int api_projects_list(struct req *r);
int api_projects_create(struct req *r);
int api_project_get(struct req *r);
int api_project_case_add(struct req *r);
int api_project_donor_add(struct req *r);
int api_project_patch(struct req *r);
int api_project_partner_add(struct req *r);
int api_project_partner_remove(struct req *r);
int api_fund_turnaround(struct req *r);
int api_rates_list(struct req *r);
int api_rates_set(struct req *r);
/* api_protection.c */
int api_case_records_get(struct req *r);
int api_case_records_post(struct req *r);
int api_record_get(struct req *r);
int api_record_patch(struct req *r);
int api_record_discharge(struct req *r);
int api_record_disclose(struct req *r);
int api_orgs_list(struct req *r);
int api_orgs_create(struct req *r);
int api_org_get(struct req *r);
int api_org_patch(struct req *r);
int api_shelters_list(struct req *r);
int api_shelters_create(struct req *r);
int api_shelter_get(struct req *r);
int api_shelter_patch(struct req *r);
int api_shelter_occupancy(struct req *r);

/* api_users.c */
int api_users_list(struct req *r);
int api_user_get(struct req *r);
int api_user_grants(struct req *r);
/* api_dashboard.c */
int api_dashboard(struct req *r);

/* page_*.c */
int page_root(struct req *r);
int page_stats(struct req *r);
int page_dashboard(struct req *r);
int page_asset(struct req *r);
int page_favicon(struct req *r);
int page_login(struct req *r);
int page_login_post(struct req *r);
int page_logout(struct req *r);
int page_lang(struct req *r);
int page_cases(struct req *r);
int page_cases_create(struct req *r);
int page_cases_search(struct req *r);
int page_case(struct req *r);
int page_case_update(struct req *r);
/* page_casefile.c */
int page_casefile(struct req *r);
int page_casefile_section(struct req *r);
int page_casefile_section_post(struct req *r);
/* page_protection.c */
int page_protection(struct req *r);
int page_protection_post(struct req *r);
int page_health(struct req *r);
int page_health_post(struct req *r);
int page_orgs(struct req *r);
int page_orgs_post(struct req *r);
int page_shelters(struct req *r);
int page_shelters_post(struct req *r);
int page_shelter(struct req *r);
int page_shelter_post(struct req *r);
int page_account(struct req *r);
int page_account_post(struct req *r);
int page_admin_users(struct req *r);
int page_admin_users_post(struct req *r);
int page_admin_user(struct req *r);
int page_admin_user_post(struct req *r);
int page_admin_offices(struct req *r);
int page_admin_offices_post(struct req *r);
int page_admin_audit(struct req *r);
/* page_fund.c */
int page_fund(struct req *r);
int page_fund_request(struct req *r);
int page_fund_request_post(struct req *r);
int page_case_fund(struct req *r);
int page_case_fund_post(struct req *r);
int page_projects(struct req *r);
int page_projects_post(struct req *r);
int page_project(struct req *r);
int page_project_post(struct req *r);
int page_fund_rates(struct req *r);
int page_fund_rates_post(struct req *r);
/* page_moves.c */
int page_return(struct req *r);
int page_return_post(struct req *r);
int page_reint(struct req *r);
int page_reint_post(struct req *r);
int page_transfers(struct req *r);
int page_transfer_post(struct req *r);
int page_visits(struct req *r);
int page_admin_settings(struct req *r);
int page_admin_settings_post(struct req *r);
/* The case page of an office that handed the case over, or of the
 * manager asked to take it over (page_moves.c). */
int page_case_history(struct req *r, const struct case_row *c,
    enum case_access access);

#endif
