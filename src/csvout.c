#include "compat.h"

#include "csvout.h"

bool
csv_formula_start(const char *s)
{
	return s && *s && strchr("=+-@\t\r", *s) != NULL;
}

int
csv_field(struct buf *b, const char *s)
{
	bool quote;
	int rc = 0;

	if (s == NULL || *s == '\0')
		return 0;
	quote = strpbrk(s, ",\"\r\n") != NULL;
	if (quote)
		rc |= buf_addch(b, '"');
	if (csv_formula_start(s))
		rc |= buf_addch(b, '\'');
	for (; *s; s++) {
		if (*s == '"')
			rc |= buf_addch(b, '"');
		rc |= buf_addch(b, *s);
	}
	if (quote)
		rc |= buf_addch(b, '"');
	return rc;
}

int
csv_field_file(FILE *f, const char *s, bool first)
{
	if (!first && fputc(',', f) == EOF)
		return -1;
	if (s == NULL)
		s = "";
	if (fputc('"', f) == EOF)
		return -1;
	if (csv_formula_start(s) && fputc('\'', f) == EOF)
		return -1;
	for (; *s; s++) {
		if (*s == '"' && fputc('"', f) == EOF)
			return -1;
		if (fputc(*s, f) == EOF)
			return -1;
	}
	return fputc('"', f) == EOF ? -1 : 0;
}

const char *
csv_unneutralise(const char *v)
{
	return v && v[0] == '\'' && csv_formula_start(v + 1) ? v + 1 : v;
}
