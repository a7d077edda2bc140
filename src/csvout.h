/*
 * csvout.h - writing CSV cells that a spreadsheet cannot run.
 *
 * Every CSV ctm writes (statistics, CTDC and HTCDS exports) goes through
 * these, so the rule is one: a cell starting with = + - @, a tab or a CR
 * gets a leading apostrophe, which spreadsheets show as text; ctm's own
 * importers take it off again with csv_unneutralise().
 */
#ifndef CTM_CSVOUT_H
#define CTM_CSVOUT_H

#include "compat.h"

#include <stdio.h>

#include "buf.h"

/* Whether a spreadsheet could take s (untrusted, may be NULL) for a
 * formula. */
bool csv_formula_start(const char *s);
/* Appends s to b as a field, quoted only when it holds , " CR or LF. */
int csv_field(struct buf *b, const char *s);
/* Writes s to f as an always-quoted field, after a comma unless first. */
int csv_field_file(FILE *f, const char *s, bool first);
/* v with the apostrophe of a neutralised cell taken off. */
const char *csv_unneutralise(const char *v);

#endif
