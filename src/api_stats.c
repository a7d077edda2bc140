/*
 * api_stats.c - GET /api/v1/stats: frequency tables as JSON, CSV or XLSX.
 */
#include "compat.h"

#include <string.h>

#include "handlers.h"
#include "i18n.h"
#include "log.h"
#include "statsreq.h"

/* Sends a download: body of type ctype named file. */
static int
send_file(struct req *r, struct buf *b, const char *ctype, const char *file)
{
	char disp[128];

	buf_release(&r->out);
	r->out = *b;
	buf_init(b, b->max);
	r->status = 200;
	r->ctype = ctype;
	snprintf(disp, sizeof(disp), "attachment; filename=\"%s\"", file);
	resp_header(r, "Content-Disposition", disp);
	return 0;
}

int
api_stats(struct req *r)
{
	struct stats_request sr;
	struct buf b = BUF_INIT(64 * 1024 * 1024);
	json_t *j;
	int rc = stats_request_run(r, &sr);

	if (rc != 0) {
		stats_request_release(&sr);
		return rc < 0 ? -1 : 0;
	}
	if (strcmp(sr.format, "csv") == 0) {
		rc = stats_table_csv(sr.t, &sr.q, &b);
		if (rc == 0)
			rc = send_file(r, &b, "text/csv; charset=utf-8",
			    "ctm-statistics.csv");
	} else if (strcmp(sr.format, "xlsx") == 0) {
		rc = stats_xlsx(sr.t, &sr.q, sr.dataset, &b);
		if (rc == 0)
			rc = send_file(r, &b, "application/vnd.openxmlformats-"
			    "officedocument.spreadsheetml.sheet",
			    "ctm-statistics.xlsx");
	} else {
		j = stats_table_json(sr.t, &sr.q);
		if (j == NULL) {
			rc = -1;
		} else {
			json_object_set_new(j, "dataset", json_string(sr.dataset));
			json_object_set_new(j, "k_imposed", json_boolean(sr.forced_k));
			rc = resp_json(r, 200, j);
		}
	}
	buf_release(&b);
	stats_request_release(&sr);
	return rc;
}
