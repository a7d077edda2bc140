/*
 * htcds.h - HTCDS exchange of whole case files: `ctm export htcds` and
 * `ctm import htcds` (issue 4, item 3).
 *
 * The JSON format is an array of case files exactly as casefile_load()
 * gives them (casefile.h). The CSV format (--format csv) has one row
 * per case: the scalar catalogue fields (HTCDS names) in catalogue
 * order, then case_number and office, then the columns events,
 * perpetrators, referrals, comments, consents and screening, each
 * holding that part of the case file as compact JSON text (CSV-quoted).
 * JSON, ctm's CSV and the .xlsx workbook carry the whole case file; the
 * toolkit CSV (--format toolkit-csv) carries only the toolkit's columns
 * (htcds_toolkit.h).
 *
 * An import checks every case first and writes nothing unless all pass
 * (or --skip-invalid); problems are reported as "case N, field PATH:
 * reason", never quoting a value. A file already imported (same bytes,
 * by BLAKE2b) is not imported again.
 */
#ifndef CTM_HTCDS_H
#define CTM_HTCDS_H

#include "compat.h"

/*
 * The commands. argv[0] is "import" / "export", argv[1] "htcds", the
 * options follow. Return the process exit status (0 ok, 1 failure,
 * 2 usage).
 */
int cli_import_htcds(int argc, char **argv);
int cli_export_htcds(int argc, char **argv);

#endif
