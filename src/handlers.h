/*
 * handlers.h - every request handler, as listed in route.c.
 */
#ifndef CTM_HANDLERS_H
#define CTM_HANDLERS_H

#include "http.h"

/* api.c */
int api_login(struct req *r);
int api_logout(struct req *r);
int api_me(struct req *r);
int api_me_update(struct req *r);
int api_cases_list(struct req *r);
int api_cases_create(struct req *r);
int api_cases_search(struct req *r);
int api_case_get(struct req *r);
int api_case_patch(struct req *r);
int api_audit(struct req *r);
int api_case_file_get(struct req *r);
int api_case_file_put(struct req *r);
int api_case_screening_get(struct req *r);
int api_health(struct req *r);
int api_stats(struct req *r);
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

/* page_*.c */
int page_root(struct req *r);
int page_stats(struct req *r);
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

#endif
