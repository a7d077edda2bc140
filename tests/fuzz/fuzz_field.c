/*
 * fuzz_field.c - field_validate() of every catalogue field on any text.
 *
 * The first byte picks the field, the rest is the value. A value that is
 * accepted must keep being accepted (validation is a pure function), and
 * an accepted partial date that is not blank (a blank value is no value:
 * catalogue.h) must give a first day no later than its last.
 */
#include "compat.h"

#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "catalogue.h"
#include "input.h"
#include "isocodes.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static bool loaded;
	const struct field_def *f;
	struct partial_date d;
	char *v;

	if (!loaded) {
		if (isocodes_load(NULL) < 0)
			abort();
		loaded = true;
	}
	if (size < 1)
		return 0;
	f = field_get((enum field_id)(data[0] % F__MAX));
	v = malloc(size);
	if (v == NULL)
		return 0;
	memcpy(v, data + 1, size - 1);
	v[size - 1] = '\0';
	if (field_validate(f, v, 1796300000) == NULL) {
		if (field_validate(f, v, 1796300000) != NULL)
			abort();
		if (f->type == FT_DATE && !input_blank(v) &&
		    special_answer(v) < 0) {
			if (partial_date_parse(v, &d) != 0 ||
			    partial_date_first_day(&d) > partial_date_last_day(&d))
				abort();
		}
	}
	free(v);
	return 0;
}
