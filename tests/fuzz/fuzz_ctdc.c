/*
 * fuzz_ctdc.c - the CTDC CSV reader on any bytes.
 *
 * Whatever it accepts must be a dataset whose every row has exactly the
 * layout's variables, and the report must stay bounded.
 */
#include "compat.h"

#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "dataset.h"
#include "import_ctdc.h"
#include "isocodes.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static bool loaded;
	struct import_opts o;
	struct import_result res;
	struct buf report = BUF_INIT(1 << 20);
	struct dataset *ds = NULL;

	if (!loaded) {
		if (isocodes_load(NULL) < 0)
			abort();
		loaded = true;
	}
	memset(&o, 0, sizeof(o));
	o.skip_invalid = size > 0 && (data[0] & 1);
	memset(&res, 0, sizeof(res));
	if (import_ctdc_parse(data, size, &o, &report, &res, &ds) == 0) {
		if (ds == NULL || dataset_nvars(ds) == 0)
			abort();
		dataset_free(ds);
	} else if (ds != NULL) {
		abort();
	}
	buf_release(&report);
	return 0;
}
