/*
 * fuzz_accept.c - lang_from_accept() on arbitrary Accept-Language headers.
 *
 * The header is untrusted and arrives NUL-terminated from libmicrohttpd,
 * so the input is copied into an exactly-sized heap buffer: a read past
 * the NUL is caught by ASan. Besides not crashing, the answer must be a
 * real language, and a language other than English must be named in the
 * header.
 */
#include "compat.h"

#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "i18n.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	char *h = malloc(size + 1);
	enum lang l;

	if (h == NULL)
		return 0;
	memcpy(h, data, size);
	h[size] = '\0';
	l = lang_from_accept(h);
	if ((int)l < 0 || l >= LANG__MAX)
		abort();
	if (l != LANG_EN && strcasestr(h, lang_code(l)) == NULL)
		abort();
	free(h);
	return 0;
}
