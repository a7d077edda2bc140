/*
 * casefile.h - the case file as a whole.
 *
 * The case file travels as one JSON object keyed by the catalogue's field
 * names (catalogue.def): the scalar fields of the person, victim,
 * identification and case sections at the top level, and the lists
 * "events", "perpetrators", "referrals", "comments", "consents", plus
 * "screening" (see screening.h). Read-only keys "id", "case_number",
 * "office" and the "version" of the case come with it.
 *
 * At rest the whole file is sealed with the vault (XChaCha20-Poly1305,
 * bound to the case id), so a copy of the database shows none of it; the
 * names are indexed by blind tokens for search. Perpetrators are sealed
 * records of their own, linked to the cases they appear in.
 *
 * Comments and consents are append-only: an entry once saved cannot be
 * changed or removed (a correction is a new comment, a withdrawal of
 * consent a new record), and the system sets their date and author. A
 * file is saved whole or not at all.
 */
#ifndef CTM_CASEFILE_H
#define CTM_CASEFILE_H

#include "http.h"

#define CASEFILE_LIST_MAX 200	/* entries per list */

/* The text value of key in a case-file object: "" when absent or not a
 * string (owned by o). */
const char *casefile_str(json_t *o, const char *key);

/* The case file of c as API JSON (new reference), NULL on failure. */
json_t *casefile_load(struct req *r, const struct case_row *c);

/*
 * Checks doc (untrusted) as the next case file of c, whose file now is
 * current (from casefile_load). Returns the normalised file (new ref) or
 * NULL; when the input is at fault *errors is set to an object mapping
 * field paths ("prs_Birthdate", "events[1].hte_Date") to translated
 * messages (new ref), otherwise the failure is internal.
 */
json_t *casefile_check(struct req *r, const struct case_row *c, json_t *doc,
    json_t *current, json_t **errors);

/*
 * Saves next (from casefile_check) if the case is still at
 * expected_version: DB_OK (c refreshed), DB_CONFLICT, DB_ERROR. Audits one
 * case.file.update row per changed field, never with identifying values.
 * Saving what is already there changes nothing (no new version).
 */
int casefile_save(struct req *r, struct case_row *c, int expected_version,
    json_t *current, json_t *next);

/* The screening of a file: input, result and decision as JSON (new ref). */
json_t *casefile_screening(struct req *r, json_t *file);
/*
 * For an API answer: the screening decision's decided_at, kept as unix
 * seconds in the file, as ISO 8601 like every time of the API. file is
 * a case file (casefile_load()) or, with screening true, the screening
 * alone (casefile_screening()). Changes file in place; NULL is fine.
 */
void casefile_times_iso(json_t *file, bool screening);

/* The route of a file: countries of its events in order, as JSON
 * [{"type","country"}] (new ref). */
json_t *casefile_route(json_t *file);

/* Blind-index tokens of a search text, as a JSON array string (malloc'd)
 * and their count; NULL when the text has no name words. */
char *casefile_search_tokens(struct req *r, const char *text, int *n);

#endif
