/*
 * dataset.h - a research dataset in memory, column by column.
 *
 * Statistics run over a dataset: an imported research file (CTDC) or the
 * live caseload projected onto the same research variables. Each variable
 * is a column of codes into its own dictionary of distinct values; code
 * 0 is "missing" (an empty cell, CTDC's -99 or NULL), so a table over a
 * million rows is a pass over small integers.
 *
 * Values are kept as text, exactly as the source has them; a multi-value
 * cell ("Female;Male") is one value, its members split on ';' when asked.
 * A dataset owns all its memory; dataset_free() releases it.
 */
#ifndef CTM_DATASET_H
#define CTM_DATASET_H

#include "compat.h"
#include "buf.h"

#define DATASET_VARS_MAX 128
#define DATASET_MISSING 0u
/* Hard limits, so that no file can take unbounded memory: rows, bytes of
 * one value, distinct values of one variable, bytes of one variable's
 * dictionary. */
#define DATASET_ROWS_MAX 100000000u
#define DATASET_VALUE_MAX 1024u
#define DATASET_CODES_MAX (1u << 22)
#define DATASET_DICT_BYTES_MAX (64u << 20)

struct dataset;

/* A new empty dataset with nvars variables named names[i] (copied);
 * nvars may be 0 (names NULL). NULL when nvars is over
 * DATASET_VARS_MAX, a name is empty, not UTF-8 or repeated, or memory
 * runs out. */
struct dataset *dataset_new(size_t nvars, const char *const *names);
void dataset_free(struct dataset *ds);

/* Appends a row: values[i] for variable i; NULL or "" is missing. -1 (and
 * nothing appended) when a value is not UTF-8 or longer than
 * DATASET_VALUE_MAX, or a limit above is reached. */
int dataset_add_row(struct dataset *ds, const char *const *values);
/* Makes value one of var's values (a code of its own) though no row has
 * it yet, so that tables list it (stats.h); 0, or -1 as for a row. */
int dataset_declare(struct dataset *ds, size_t var, const char *value);

size_t dataset_nrows(const struct dataset *ds);
size_t dataset_nvars(const struct dataset *ds);
const char *dataset_var_name(const struct dataset *ds, size_t var);
/* -1 when there is no such variable. */
int dataset_var_index(const struct dataset *ds, const char *name);

/* The code of row's value of var (DATASET_MISSING when missing). */
uint32_t dataset_code(const struct dataset *ds, size_t var, size_t row);
/* The codes of every row of var (dataset_nrows() of them), for a pass
 * over a column without a call per cell; owned by ds, valid until the
 * next dataset_add_row(). */
const uint32_t *dataset_column_codes(const struct dataset *ds, size_t var);
/* The number of distinct codes of var, missing (0) included. */
uint32_t dataset_ncodes(const struct dataset *ds, size_t var);
/* The text of code (NULL for DATASET_MISSING). */
const char *dataset_value(const struct dataset *ds, size_t var,
    uint32_t code);
/* The code of a value, DATASET_MISSING when absent. */
uint32_t dataset_lookup(const struct dataset *ds, size_t var,
    const char *value);

/*
 * Storage form of one column: its dictionary as a JSON array of strings
 * (code 1 first) and its codes as little-endian uint32, appended to the
 * buffers; and the reverse, building a dataset column by column.
 * dataset_load_begin() gives nrows rows, every value missing until its
 * column is loaded; dataset_column_load() checks its untrusted input (len
 * must be nrows * 4, every code must have a dictionary entry, entries
 * non-empty, distinct, UTF-8) and returns -1 leaving the column missing.
 */
int dataset_column_save(const struct dataset *ds, size_t var,
    struct buf *dict_json, struct buf *codes);
struct dataset *dataset_load_begin(size_t nvars, const char *const *names,
    size_t nrows);
int dataset_column_load(struct dataset *ds, size_t var, const char *dict_json,
    const void *codes, size_t len);

#endif
