/*
 * page.h - the frame every HTML page shares.
 *
 * page_begin() writes the document head, the navigation for the user's
 * role and the language switcher; page_end() closes it. Pages write
 * their content between the two with html_printf().
 */
#ifndef CTM_PAGE_H
#define CTM_PAGE_H

#include "http.h"

void page_begin(struct req *r, struct html *h, const char *title);
void page_end(struct req *r, struct html *h);
/* Hidden CSRF field for forms of a logged-in user. */
void page_csrf(struct req *r, struct html *h);
/* A whole error page (used by resp_error for non-API routes). */
int page_error(struct req *r, int status, const char *msg);
/* Formats unix seconds as "YYYY-MM-DD HH:MM" UTC into out. */
const char *page_time(int64_t t, char out[32]);

#endif
