/*
 * fuzz_screening.c - screening_from_json() on any JSON text.
 *
 * Whatever parses must evaluate, and what to_json gives back must parse
 * to the same input (the API's GET -> PUT round trip).
 */
#include "compat.h"

#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <jansson.h>

#include "screening.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct screening_input in, again;
	struct screening_result res;
	json_t *j, *back;

	j = json_loadb((const char *)data, size, JSON_REJECT_DUPLICATES, NULL);
	if (j == NULL)
		return 0;
	if (screening_from_json(j, &in, NULL, NULL) == 0) {
		if (screening_evaluate(&in, &res) != 0)
			abort();
		back = screening_to_json(&in, &res);
		if (back == NULL || screening_from_json(back, &again, NULL,
		    NULL) != 0 || memcmp(&in, &again, sizeof(in)) != 0)
			abort();
		json_decref(back);
	}
	json_decref(j);
	return 0;
}
