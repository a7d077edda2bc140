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
/*
 * A chart drawn by charts.js from spec (stolen; see charts.js for its
 * form) under a table that carries the same figures: id names its data
 * block, label describes it to screen readers. -1 when spec is NULL.
 * page_chart_scripts() loads ECharts once, after the page's charts.
 */
int page_chart(struct html *h, const char *id, const char *label,
    json_t *spec);
void page_chart_scripts(struct html *h);
/* A whole error page (used by resp_error for non-API routes). */
int page_error(struct req *r, int status, const char *msg);
/* Formats unix seconds as "YYYY-MM-DD HH:MM" UTC into out. */
const char *page_time(int64_t t, char out[32]);
/*
 * A labelled <input> and, when err is set, its error message, tied to
 * it by aria-invalid and aria-describedby (the message's id is
 * "ID-error"). id, name and type are literals of the caller; extra_attrs
 * is trusted markup written as is, from string literals only, never
 * from data. label, value and err are escaped; value NULL writes no
 * value attribute (as for passwords).
 */
void page_field(struct html *h, const char *id, const char *name,
    const char *type, const char *label, const char *value, const char *err,
    const char *extra_attrs);

#endif
