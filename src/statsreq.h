/*
 * statsreq.h - one statistics request, from the query string to a table.
 *
 * Shared by the API (GET /api/v1/stats) and the statistics page, so that
 * the access rules and the suppression rules exist once:
 *   - researchers see anonymised tables only: small cells are always
 *     suppressed (k at least the configured default, 10 unless set), and
 *     the caseload they see holds only cases whose consent covers
 *     research use;
 *   - office managers see their own office's caseload, programme
 *     managers and administrators every office's;
 *   - imported research datasets (CTDC) are open to every role with
 *     statistics access.
 */
#ifndef CTM_STATSREQ_H
#define CTM_STATSREQ_H

#include "dataset.h"
#include "http.h"
#include "stats.h"

#define STATS_CASELOAD "caseload"
#define STATS_K_DEFAULT 10

struct stats_request {
	const char *dataset;		/* "caseload" or an imported name */
	const char *format;		/* "json", "csv", "xlsx" */
	struct stats_query q;
	struct dataset *ds;		/* owned */
	struct stats_table *t;		/* owned */
	bool forced_k;			/* k imposed by the role */
};

/*
 * Reads dataset, by (up to 2), where (VAR=VALUE, repeated), per_member,
 * k and format from r's query; checks access; loads the dataset and
 * computes the table. 0 when sr->t is ready; 1 when an error answer was
 * given (bad query, no access); -1 on failure.
 */
int stats_request_run(struct req *r, struct stats_request *sr);
/*
 * The same for the statistics page, which has checked the variables
 * against the dataset first: by0 and by1 (NULL: a one-way table) are
 * counted instead of the query's "by", and ds (stolen; NULL: loaded
 * here) is the imported dataset the page has loaded already.
 */
int stats_request_run_vars(struct req *r, struct stats_request *sr,
    const char *by0, const char *by1, struct dataset *ds);
void stats_request_release(struct stats_request *sr);

/* Writes t as an .xlsx workbook into out (CSV-safe cells). */
int stats_xlsx(const struct stats_table *t, const struct stats_query *q,
    const char *title, struct buf *out);

#endif
