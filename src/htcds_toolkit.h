/*
 * htcds_toolkit.h - the case sheet of the HTCDS 2.0 Excel toolkit
 * (Toolkit/Excel/ of the HTCDS repository) as an exchange layout for
 * `ctm export|import htcds` (issue 4, item 3).
 *
 * The toolkit's case sheet has two header rows: row 1 (hidden) the HTCDS
 * field names, row 2 the labels people see; column A numbers the rows.
 * Both toolkit workbooks (multi-select, and single select with
 * validation) have the same 38 columns; a multi-select field is ONE
 * column whose cell holds several values separated by ';' (the
 * single-select workbook restricts it to one value by a drop-down).
 *
 * The toolkit's own row 1 does not line up with its row 2 in columns N
 * to R (row 1 says prs_MailingCity above "Mailing Street", ...) and has
 * no name above "Reason for Outgoing Referral". ctm writes both rows
 * verbatim and, on import, believes the visible labels of row 2; a sheet
 * with only row 1 is read by the names.
 *
 * Values: codes are written as their English labels ("At a place of
 * business"); on import a code or a label is accepted whatever its case,
 * spaces and punctuation ("Follow up" is FollowUp). Countries stay
 * ISO 3166 alpha-2 codes. Left out on import, as ctm has no place for
 * them or records them otherwise: Case Owner, Title, Consent (a consent
 * is recorded in ctm with its date and recorder). Only the first
 * incoming and the first outgoing referral fit a row.
 *
 * The .xlsx workbook ctm writes carries the whole case file: after the
 * case sheet (the toolkit's, unchanged) come the sheets "Cases" (the
 * case_number of each case sheet row, in the same order, and the scalar
 * fields the case sheet has no column for), "Events", "Perpetrators",
 * "Referrals", "Comments", "Consents" (case_number, then the catalogue
 * fields of that list, one row per entry in order) and "Screening"
 * (case_number and the screening as JSON text). Values there are ctm's
 * own codes. On import these sheets are read when present; their rows
 * go to the case of that number in "Cases" (a key inside the file only)
 * and the Referrals sheet replaces the case sheet's referrals. The
 * toolkit CSV carries the toolkit's columns only.
 *
 * Nothing here writes to the database: readers return case files for
 * the import path of htcds.c, which checks them all first.
 */
#ifndef CTM_HTCDS_TOOLKIT_H
#define CTM_HTCDS_TOOLKIT_H

#include "compat.h"

#include <stdio.h>

#include <jansson.h>

/* The sheet name of the exported workbook. */
#define TOOLKIT_SHEET_NAME "Case Sheet"

/*
 * Writes files (an array of case files as casefile_load() gives them) to
 * f in the toolkit layout: a CSV with the two header rows, or an .xlsx
 * workbook (built in a private temporary file, then copied to f). 0, or
 * -1 with errno set when possible.
 */
int toolkit_write_csv(FILE *f, json_t *files);
int toolkit_write_xlsx(FILE *f, json_t *files);

/* Whether data (untrusted) starts like a zip archive. */
bool toolkit_is_zip(const char *data, size_t len);
/* Whether the first line of a CSV (untrusted) is a toolkit header row. */
bool toolkit_csv_header(const char *data, size_t len);

/*
 * The case rows of a toolkit .xlsx workbook (its first sheet, with the
 * sheets above when present) or CSV as
 * case files (new ref, an array, possibly empty); NULL after reporting
 * why on stderr. file names the file in messages; data is untrusted and
 * no cell value is ever quoted.
 */
json_t *toolkit_read_xlsx(const char *file, const char *data, size_t len);
json_t *toolkit_read_csv(const char *file, const char *data, size_t len);

#endif
