/*
 * input.c - checks of untrusted text, dates and JSON members (input.h).
 */
#include "compat.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "date.h"
#include "http.h"
#include "i18n.h"
#include "input.h"

/* --- free text --- */

/* The code point at s (valid UTF-8, not at its end) and its length. */
static uint32_t
code_at(const unsigned char *s, size_t *len)
{
	if (s[0] < 0x80) {
		*len = 1;
		return s[0];
	}
	if ((s[0] & 0xE0) == 0xC0) {
		*len = 2;
		return (uint32_t)(s[0] & 0x1F) << 6 | (s[1] & 0x3F);
	}
	if ((s[0] & 0xF0) == 0xE0) {
		*len = 3;
		return (uint32_t)(s[0] & 0x0F) << 12 |
		    (uint32_t)(s[1] & 0x3F) << 6 | (s[2] & 0x3F);
	}
	*len = 4;
	return (uint32_t)(s[0] & 0x07) << 18 | (uint32_t)(s[1] & 0x3F) << 12 |
	    (uint32_t)(s[2] & 0x3F) << 6 | (s[3] & 0x3F);
}

/* White space and the invisible characters a text of nothing else
 * would show as empty. */
static bool
is_space(uint32_t c)
{
	return c == ' ' || (c >= '\t' && c <= '\r') || c == 0x85 ||
	    c == 0xA0 || c == 0x1680 || (c >= 0x2000 && c <= 0x200B) ||
	    c == 0x2028 || c == 0x2029 || c == 0x202F || c == 0x205F ||
	    c == 0x2060 || c == 0x3000 || c == 0xFEFF;
}

size_t
input_chars(const char *s)
{
	size_t n = 0;

	for (; s && *s; s++) {
		if (s[0] == '\r' && s[1] == '\n')
			continue;
		if (((unsigned char)*s & 0xC0) != 0x80)
			n++;
	}
	return n;
}

bool
input_blank(const char *s)
{
	const unsigned char *p = (const unsigned char *)s;
	size_t len;

	if (s == NULL || !utf8_valid(s, strlen(s)))
		return s == NULL;
	for (; *p; p += len)
		if (!is_space(code_at(p, &len)))
			return false;
	return true;
}

char *
input_trim(struct arena *a, const char *s)
{
	const unsigned char *p = (const unsigned char *)s, *end;
	size_t len;

	if (!utf8_valid(s, strlen(s)))
		return arena_strdup(a, s);
	while (*p && is_space(code_at(p, &len)))
		p += len;
	end = p;
	for (const unsigned char *q = p; *q; q += len)
		if (!is_space(code_at(q, &len)))
			end = q + len;
	return arena_strndup(a, (const char *)p, (size_t)(end - p));
}

enum input_text
input_text(const char *s, size_t max, unsigned flags)
{
	if (s == NULL)
		return (flags & INPUT_REQUIRED) ? INPUT_TEXT_BLANK :
		    INPUT_TEXT_OK;
	if (!utf8_valid(s, strlen(s)))
		return INPUT_TEXT_INVALID;
	if (input_blank(s))
		return (flags & INPUT_REQUIRED) ? INPUT_TEXT_BLANK :
		    INPUT_TEXT_OK;
	if ((flags & INPUT_ONE_LINE) && strpbrk(s, "\r\n") != NULL)
		return INPUT_TEXT_LINES;
	if (input_chars(s) > max)
		return INPUT_TEXT_LONG;
	return INPUT_TEXT_OK;
}

const char *
input_too_long(struct arena *a, size_t max)
{
	return arena_printf(a, _("Give a text of at most %zu characters."),
	    max);
}

/* --- dates --- */

_Static_assert(INPUT_DATE_AHEAD_YEARS == 10, "the message says 10 years");

const char *
input_date(const char *d, enum input_date_kind k, const char *today)
{
	char limit[DATE_SIZE];
	int y, m, dd;
	size_t i;

	if (!date_parse(d, &y, &m, &dd)) {
		/* Well written, but before the calendar ctm keeps. */
		bool shape = d && strlen(d) == 10 && d[4] == '-' && d[7] == '-';

		for (i = 0; shape && i < 10; i++)
			if (i != 4 && i != 7 && (d[i] < '0' || d[i] > '9'))
				shape = false;
		if (shape && strncmp(d, "1900", 4) < 0 &&
		    strncmp(d + 5, "01", 2) >= 0 &&
		    strncmp(d + 5, "12", 2) <= 0 &&
		    strncmp(d + 8, "01", 2) >= 0 &&
		    strncmp(d + 8, "31", 2) <= 0)
			return _("Give a date from 1900 on.");
		return _("Give a date as YYYY-MM-DD.");
	}
	if (k == INPUT_DATE_ANY)
		return NULL;
	if (k == INPUT_DATE_PAST)
		return strcmp(d, today) > 0 ? _("This date is in the future.") :
		    NULL;
	if (!date_parse(today, &y, &m, &dd))
		return _("Give a date as YYYY-MM-DD.");
	y += INPUT_DATE_AHEAD_YEARS;
	if (dd > date_month_days(y, m))
		dd = date_month_days(y, m);
	/* In range already; the modulos tell the compiler so. */
	snprintf(limit, sizeof(limit), "%04u-%02u-%02u", (unsigned)y % 10000u,
	    (unsigned)m % 100u, (unsigned)dd % 100u);
	return strcmp(d, limit) > 0 ? _("Give a date at most 10 years from "
	    "today.") : NULL;
}

/* --- members of a JSON body --- */

static const struct input_field *
spec_of(const struct input_field *spec, const char *key)
{
	for (; spec && spec->name; spec++)
		if (strcmp(spec->name, key) == 0)
			return spec;
	return NULL;
}

/* path + ".key" or path + "[i]", malloc'd (NULL when out of memory). */
static char *
path_key(const char *path, const char *key)
{
	size_t n = strlen(path) + strlen(key) + 2;
	char *p = malloc(n);

	if (p)
		snprintf(p, n, "%s%s%s", path, *path ? "." : "", key);
	return p;
}

static char *
path_index(const char *path, size_t i)
{
	size_t n = strlen(path) + 24;
	char *p = malloc(n);

	if (p)
		snprintf(p, n, "%s[%zu]", path, i);
	return p;
}

static void
err_add(json_t *errors, const char *path, const char *msg, size_t *count)
{
	if (json_object_get(errors, path) == NULL)
		json_object_set_new(errors, path, json_string(msg));
	(*count)++;
}

static void unknown_in(json_t *o, const struct input_field *spec,
    const char *path, json_t *errors, size_t *count);

/* The objects inside v (a member that f describes) at path. */
static void
unknown_below(json_t *v, const struct input_field *f, const char *path,
    json_t *errors, size_t *count)
{
	json_t *item;
	size_t i;
	char *p;

	/* Only where the value is of its type: the rest is the types'. */
	if (f->fields == NULL)
		return;
	if (json_is_object(v) && (f->types & JT_OBJECT)) {
		unknown_in(v, f->fields, path, errors, count);
		return;
	}
	if (!json_is_array(v) || !(f->types & JT_ARRAY) ||
	    !(f->items & JT_OBJECT))
		return;
	json_array_foreach(v, i, item) {
		if (!json_is_object(item) || (p = path_index(path, i)) == NULL)
			continue;
		unknown_in(item, f->fields, p, errors, count);
		free(p);
	}
}

static void
unknown_in(json_t *o, const struct input_field *spec, const char *path,
    json_t *errors, size_t *count)
{
	const struct input_field *f;
	const char *key;
	json_t *v;
	char *p;

	json_object_foreach(o, key, v) {
		if ((p = path_key(path, key)) == NULL)
			continue;
		if ((f = spec_of(spec, key)) == NULL)
			err_add(errors, p, _("Unknown field."), count);
		else
			unknown_below(v, f, p, errors, count);
		free(p);
	}
}

size_t
input_unknown(json_t *o, const struct input_field *spec, json_t *errors)
{
	size_t count = 0;

	if (json_is_object(o))
		unknown_in(o, spec, "", errors, &count);
	return count;
}

bool
input_type_ok(json_t *v, unsigned types)
{
	switch (json_typeof(v)) {
	case JSON_NULL:
		return true;
	case JSON_STRING:
		return types & JT_TEXT;
	case JSON_INTEGER:
		return types & JT_INT;
	case JSON_REAL:
		return types & JT_REAL;
	case JSON_TRUE:
	case JSON_FALSE:
		return types & JT_BOOL;
	case JSON_ARRAY:
		return types & JT_ARRAY;
	case JSON_OBJECT:
		return types & JT_OBJECT;
	default:
		return false;
	}
}

const char *
input_type_msg(unsigned types)
{
	switch (types) {
	case JT_TEXT:
		return _("Give this as text.");
	case JT_INT:
		return _("Give a whole number.");
	case JT_NUMBER:
		return _("Give a number.");
	case JT_BOOL:
		return _("Give true or false.");
	case JT_ARRAY:
		return _("Give a list.");
	case JT_OBJECT:
		return _("Give an object with its fields.");
	case JT_TEXT | JT_INT:
	case JT_TEXT | JT_NUMBER:
		return _("Give a number, or a number as text.");
	case JT_TEXT | JT_ARRAY:
		return _("Give this as text, or a list of texts.");
	default:
		return _("This value is not of the right type.");
	}
}

static void types_in(json_t *o, const struct input_field *spec,
    const char *path, json_t *errors, size_t *count);

static void
types_of(json_t *v, const struct input_field *f, const char *path,
    json_t *errors, size_t *count)
{
	json_t *item;
	size_t i;
	char *p;

	if (!input_type_ok(v, f->types)) {
		err_add(errors, path, f->msg ? _(f->msg) :
		    input_type_msg(f->types), count);
		return;
	}
	if (json_is_object(v) && f->fields) {
		types_in(v, f->fields, path, errors, count);
		return;
	}
	if (!json_is_array(v))
		return;
	json_array_foreach(v, i, item) {
		if ((p = path_index(path, i)) == NULL)
			continue;
		/* An item null is no more a value than a member null. */
		if (json_is_null(item) || !input_type_ok(item, f->items))
			err_add(errors, p, f->items == JT_OBJECT ?
			    _("Give each item as an object with its fields.") :
			    input_type_msg(f->items), count);
		else if (json_is_object(item) && f->fields)
			types_in(item, f->fields, p, errors, count);
		free(p);
	}
}

static void
types_in(json_t *o, const struct input_field *spec, const char *path,
    json_t *errors, size_t *count)
{
	const struct input_field *f;
	const char *key;
	json_t *v;
	char *p;

	json_object_foreach(o, key, v) {
		if ((f = spec_of(spec, key)) == NULL ||
		    (p = path_key(path, key)) == NULL)
			continue;
		types_of(v, f, p, errors, count);
		free(p);
	}
}

size_t
input_types(json_t *o, const struct input_field *spec, json_t *errors)
{
	size_t count = 0;

	if (json_is_object(o))
		types_in(o, spec, "", errors, &count);
	return count;
}
