/*
 * input.h - the checks every untrusted value goes through, the same for
 * the JSON API and the forms that build the same JSON:
 *
 *   - free text: valid UTF-8, its length counted in characters (Unicode
 *     code points, a line break "\r\n" as one) as a browser's maxlength
 *     counts them, never in bytes; blank (empty or white space only) is
 *     no text, so a required text refuses it;
 *   - dates: the rule of their kind (an event: not in the future; a
 *     planned day: at most INPUT_DATE_AHEAD_YEARS ahead), never before
 *     1900 (date.h);
 *   - the members of a JSON body: keys the endpoint knows, at every depth
 *     (an array's objects too), then each value's JSON type, with the
 *     path of what is wrong ("donors[0].evil").
 *
 * Nothing here writes; the messages are translated (i18n.h) and, where
 * a number is in them, made in the arena given.
 */
#ifndef CTM_INPUT_H
#define CTM_INPUT_H

#include "compat.h"

#include <jansson.h>

#include "arena.h"

/* --- free text --- */

/* Characters of s (valid UTF-8): code points, "\r\n" counting as one
 * character as a textarea's maxlength counts a line break. 0 for NULL. */
size_t input_chars(const char *s);
/* Whether s is NULL, empty, or only white space (ASCII, no-break and the
 * other Unicode spaces, and the invisible zero-width ones). */
bool input_blank(const char *s);
/* s (valid UTF-8) without its surrounding white space, in a (NULL when
 * out of memory). */
char *input_trim(struct arena *a, const char *s);

enum input_text {
	INPUT_TEXT_OK,
	INPUT_TEXT_INVALID,	/* not valid UTF-8 */
	INPUT_TEXT_BLANK,	/* required, and blank (or NULL) */
	INPUT_TEXT_LINES,	/* a line break in a one-line text */
	INPUT_TEXT_LONG,	/* more than max characters */
};

#define INPUT_REQUIRED	0x01u
#define INPUT_ONE_LINE	0x02u

/* What is wrong with text s (untrusted; NULL: none given) of at most max
 * characters, flags INPUT_*. A blank optional text is OK: the caller
 * takes it for no text. */
enum input_text input_text(const char *s, size_t max, unsigned flags);
/* "Give a text of at most max characters." in a; NULL without memory. */
const char *input_too_long(struct arena *a, size_t max);

/* --- dates --- */

#define INPUT_DATE_AHEAD_YEARS 10

enum input_date_kind {
	INPUT_DATE_PAST,	/* something that happened: not after today */
	INPUT_DATE_PLANNED,	/* may be ahead, at most the horizon */
	INPUT_DATE_ANY,		/* a day from 1900; the caller's rule */
};

/* The message for date d (untrusted) of kind k when today (YYYY-MM-DD)
 * is today, or NULL when it is a good one. */
const char *input_date(const char *d, enum input_date_kind k,
    const char *today);

/* --- members of a JSON body --- */

/* What a value may be (null is always taken, as no value). */
#define JT_TEXT		0x01u
#define JT_INT		0x02u
#define JT_REAL		0x04u
#define JT_BOOL		0x08u
#define JT_ARRAY	0x10u
#define JT_OBJECT	0x20u
#define JT_NUMBER	(JT_INT | JT_REAL)

/*
 * A member an object may have: its name, what its value may be, the
 * message when it is not (N_(), or NULL for the type's own), and for an
 * object or an array the members of the object or of each item that is
 * one (NULL-name terminated), and what each array item may be.
 */
struct input_field {
	const char *name;
	unsigned types;
	const char *msg;
	const struct input_field *fields;
	unsigned items;
};

/*
 * Adds to errors (an object: path -> message) "Unknown field." for each
 * member of o, and of the objects in it that spec describes, that spec
 * does not name ("evil", "donors[0].evil"). Returns how many; o not an
 * object is none (the caller refuses that).
 */
size_t input_unknown(json_t *o, const struct input_field *spec,
    json_t *errors);
/* Adds to errors, for each member of o (at any depth spec describes) of
 * a type it may not be, the field's message. Returns how many. */
size_t input_types(json_t *o, const struct input_field *spec,
    json_t *errors);
/* The message for a value of the wrong type, for a field that may be
 * types (JT_*). */
const char *input_type_msg(unsigned types);
/* Whether v (not NULL) is null or one of types. */
bool input_type_ok(json_t *v, unsigned types);

#endif
