/*
 * fuzz_utf8.c - utf8_valid() against an independent reference.
 *
 * The reference follows the table of well-formed byte sequences in the
 * Unicode Standard (ch. 3, table 3-7), with NUL refused as http.h says.
 * The fuzzer's buffer is exactly size bytes, so any read past n is an
 * ASan report.
 */
#include "compat.h"

#include <stdint.h>
#include <stdlib.h>

#include "http.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static bool
in(unsigned char c, unsigned char lo, unsigned char hi)
{
	return c >= lo && c <= hi;
}

static bool
ref_valid(const unsigned char *s, size_t n)
{
	size_t i = 0;

	while (i < n) {
		unsigned char c = s[i];
		size_t rest = n - i;

		if (c == 0)
			return false;
		if (c < 0x80) {
			i++;
		} else if (in(c, 0xC2, 0xDF)) {
			if (rest < 2 || !in(s[i + 1], 0x80, 0xBF))
				return false;
			i += 2;
		} else if (in(c, 0xE0, 0xEF)) {
			unsigned char lo = c == 0xE0 ? 0xA0 : 0x80;
			unsigned char hi = c == 0xED ? 0x9F : 0xBF;

			if (rest < 3 || !in(s[i + 1], lo, hi) ||
			    !in(s[i + 2], 0x80, 0xBF))
				return false;
			i += 3;
		} else if (in(c, 0xF0, 0xF4)) {
			unsigned char lo = c == 0xF0 ? 0x90 : 0x80;
			unsigned char hi = c == 0xF4 ? 0x8F : 0xBF;

			if (rest < 4 || !in(s[i + 1], lo, hi) ||
			    !in(s[i + 2], 0x80, 0xBF) || !in(s[i + 3], 0x80, 0xBF))
				return false;
			i += 4;
		} else {
			return false;
		}
	}
	return true;
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	if (utf8_valid((const char *)data, size) != ref_valid(data, size))
		abort();
	return 0;
}
