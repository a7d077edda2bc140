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
#include "money.h"

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


/* --- the pieces every page shares ------------------------------------- */

/*
 * Tables: every table of a page goes through these, so that each sits
 * in the .table-wrap scroll box (a narrow screen scrolls the table, not
 * the page), its figures are right-aligned, and an empty one says so.
 * cols[0..ncols) give the column headers (translated; NULL cols writes
 * no <thead>, for a table of label/value rows); cls are the table's own
 * classes (a literal of the caller) and id its id, or NULL. The caller
 * writes the <tr> of the body, counting them, then calls
 * page_table_end(), or page_table_body_end(), its <tfoot> and
 * page_table_end() with no rows left to count. empty is what an empty
 * body says ("No donors recorded."): a line in place of the whole table
 * (<p class="empty">), or the one row of a body above a <tfoot>.
 */
enum {
	COL_NUM = 1 << 0,	/* figures: right-aligned */
	COL_HIDDEN = 1 << 1,	/* header for screen readers only (buttons) */
};
struct page_col {
	const char *head;
	unsigned flags;
};
/* Columns past this many are right-aligned only as a block: every one
 * after the first (the statistics' cross tables). */
#define PAGE_TABLE_COLS 12
struct page_table {
	struct html *h;
	size_t ncols;
	size_t mark;		/* where the table began (html_mark()) */
	bool in_body;
};
void page_table_begin(struct page_table *t, struct html *h, const char *cls,
    const char *id, const struct page_col *cols, size_t ncols);
void page_table_body_end(struct page_table *t, size_t nrows,
    const char *empty);
void page_table_end(struct page_table *t, size_t nrows, const char *empty);

/*
 * Markup for html_printf()'s %R that is never broken across lines (CSS
 * class "nowrap"): a time "2026-01-04 17:58" (UTC), a day "2026-01-04"
 * (an empty day is "—"), a case number "BKK-2025-000002". Text is
 * escaped here; out is returned.
 */
#define PAGE_MARK 160
const char *page_when(int64_t t, char out[PAGE_MARK]);
const char *page_day(const char *ymd, char out[PAGE_MARK]);
const char *page_when_iso(const char *iso, char out[PAGE_MARK]);
const char *page_case_number(const char *number, char out[PAGE_MARK]);
/* Any other text kept on one line (a time already written). */
const char *page_nowrap(const char *text, char out[PAGE_MARK]);

/* A case's status as the badge every page shows it with (its colour
 * from data-status, ctm.css). */
void page_status_badge(struct html *h, enum case_status s);

/*
 * The head of a page about case (id, number): page_begin() with the
 * title "NUMBER — title", the breadcrumb Cases › NUMBER [› Case file]
 * › title (in_file: a page under the case file), and the heading.
 */
void page_case_begin(struct req *r, struct html *h, int64_t id,
    const char *number, const char *title, bool in_file);

/*
 * A sentence with a count: fmt is a message with one %s, chosen by
 * P_() for n ("%s visit is overdue." / "%s visits are overdue."), n is
 * written as count_text() does. In r's arena; plain text, to escape.
 */
const char *page_count(struct req *r, const char *fmt, int64_t n);
/*
 * A duration in hours as every page shows one: days with one decimal,
 * "3.5" for a table whose header names the unit, or with the unit
 * ("3.5 days", "1.0 day") for a sentence (page_days(), in r's arena).
 */
const char *page_days_figure(double hours, char out[MONEY_TEXT]);
const char *page_days(struct req *r, double hours);

/* label with its colon, as the reader's language writes it before a
 * value ("Amount: ", French "Montant : "), in r's arena. */
const char *page_colon(struct req *r, const char *label);

#endif
