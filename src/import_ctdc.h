/*
 * import_ctdc.h - reads CTDC research files (CSV) into named datasets.
 *
 * The Counter Trafficking Data Collaborative publishes anonymised victim
 * data in a few layouts. import_ctdc recognises the layout from the
 * header row (column names in any order, compared without regard to
 * case), checks every cell against the layout's codebook, and stores the
 * rows as a dataset (dataset.h) through db.h, kept apart from the
 * caseload. Variables keep the names CTDC gives them: the statistics use
 * them as they are.
 *
 * Input is untrusted. A UTF-8 byte order mark is skipped; CR, LF and CRLF
 * all end rows; a file that is not UTF-8 but is Latin-1 throughout is
 * converted (and the result says so); otherwise a cell that is not UTF-8
 * is a problem of its row. Missing values (-99, an empty cell, NULL)
 * become missing; multi-values joined with ';' are kept joined, each
 * member checked; codes are stored in the codebook's spelling. Cells
 * that start like a spreadsheet formula (= + - @) are refused.
 *
 * Problems are reported one a line, "row R, column C (name): value
 * "...": reason", rows counted with the header as row 1, at most
 * IMPORT_PROBLEMS_LISTED of them and then their count. By default one
 * problem refuses the whole file; with skip_invalid the rows without a
 * problem are imported and the others listed. The import runs in one
 * transaction; a file already imported into the dataset (same BLAKE2b
 * hash of its bytes) is not imported again.
 */
#ifndef CTM_IMPORT_CTDC_H
#define CTM_IMPORT_CTDC_H

#include "compat.h"
#include "buf.h"

struct db;
struct dataset;

enum ctdc_layout {
	CTDC_VP_SYNTHETIC_2022,		/* Victim-Perpetrator synthetic, 16 columns */
	CTDC_GLOBAL_KANON,		/* global k-anonymised, 63 columns */
	CTDC_GLOBAL_SYNTHETIC_2024,	/* global synthetic 2024, 27 columns */
	CTDC_KANON_2020_EXTRACT,	/* global_kanon_2020_subset/dados_app.csv */
	CTDC_LAYOUT__MAX
};

/* The layout's stored name ("vp-synthetic-2022") and its title. */
const char *ctdc_layout_name(enum ctdc_layout l);
const char *ctdc_layout_title(enum ctdc_layout l);
/* The variables a dataset of layout l has, in order (static storage). */
size_t ctdc_layout_vars(enum ctdc_layout l, const char *const **names);

#define IMPORT_MAX_BYTES ((uint64_t)2 << 30)	/* 2 GiB */
#define IMPORT_PROBLEMS_LISTED 50
#define IMPORT_CELL_MAX 1024	/* bytes of a cell, converted: DATASET_VALUE_MAX */

struct import_opts {
	const char *dataset;	/* name of the dataset to create or extend */
	bool skip_invalid;	/* import the valid rows, list the others */
	bool progress;		/* draw a progress bar on stderr */
	uint64_t max_bytes;	/* 0: IMPORT_MAX_BYTES */
};

enum import_status {
	IMPORT_DONE,		/* rows imported */
	IMPORT_ALREADY,		/* this file is in the dataset already */
	IMPORT_REFUSED,		/* the file or a row is bad: see the report */
	IMPORT_FAILED,		/* reading or storing failed (logged) */
};

struct import_result {
	enum import_status status;
	int layout;		/* enum ctdc_layout, -1 until recognised */
	size_t rows_read;	/* data rows in the file */
	size_t rows_valid;	/* rows without a problem */
	size_t rows_invalid;
	size_t rows_imported;	/* 0 unless status is IMPORT_DONE */
	size_t problems;	/* found, listed or not */
	size_t dataset_rows;	/* rows of the dataset afterwards */
	bool latin1;		/* read as Latin-1 and converted to UTF-8 */
	bool appended;		/* added to a dataset that existed */
	char hash[65];		/* BLAKE2b-256 of the file's bytes, hex */
};

/*
 * Imports the CSV file at path into dataset o->dataset of db (a new
 * dataset, or one of the same layout, to which the rows are added).
 * Returns 0 when the status is IMPORT_DONE or IMPORT_ALREADY, else -1;
 * res is filled in every case. The problems, and the reason for a
 * refusal, are appended to report (lines ending in '\n', never personal
 * data: research files hold none). The file is refused before it is read
 * when it is not a regular file or is larger than o->max_bytes.
 */
int import_ctdc_file(struct db *db, const char *path,
    const struct import_opts *o, struct buf *report,
    struct import_result *res);

/*
 * Parses and checks a whole CTDC CSV held in memory (untrusted), without
 * a database; o->dataset is not used. On 0, *out is the dataset of the
 * valid rows (dataset_free() it) and res->status IMPORT_DONE; with
 * problems and without o->skip_invalid, or with no valid row, -1 and
 * *out NULL. For the tests and the fuzzer.
 */
int import_ctdc_parse(const void *data, size_t len,
    const struct import_opts *o, struct buf *report,
    struct import_result *res, struct dataset **out);

#endif
