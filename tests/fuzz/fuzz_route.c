/*
 * fuzz_route.c - route_match() on arbitrary paths and methods.
 *
 * Input: the first byte picks the method, the rest is the path (a C
 * string, as libmicrohttpd gives it). A match must be explainable: the
 * path rebuilt from the pattern and the id is the path itself, the id is
 * positive, and the route allows the method. No match with wrong_method
 * means some other method matches; no match without it means none does.
 */
#include "compat.h"

#include <inttypes.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "route.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static const enum method methods[] = {
	M_GET, M_POST, M_PUT, M_PATCH, M_DELETE, M_HEAD, M_OTHER,
};

static void
check_match(const struct route *rt, const char *path, enum method m,
    int64_t id)
{
	const char *brace = strstr(rt->pattern, "{id}");
	const char *star = strchr(rt->pattern, '*');

	if (rt->fn == NULL || !(rt->methods & (unsigned)m))
		abort();
	if (brace) {
		size_t pre = (size_t)(brace - rt->pattern);
		char rebuilt[512];

		if (id <= 0)
			abort();
		snprintf(rebuilt, sizeof(rebuilt), "%.*s%" PRId64 "%s",
		    (int)pre, rt->pattern, id, brace + 4);
		if (strcmp(rebuilt, path) != 0)
			abort();
	} else if (star) {
		size_t pre = (size_t)(star - rt->pattern);

		if (strncmp(path, rt->pattern, pre) != 0 || path[pre] == '\0')
			abort();
	} else if (strcmp(path, rt->pattern) != 0) {
		abort();
	}
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	const struct route *rt;
	enum method m;
	char *path;
	int64_t id = -1;
	bool wrong = false, any = false;
	size_t i;

	if (size < 1)
		return 0;
	m = methods[data[0] % ARRAY_SIZE(methods)];
	path = malloc(size);
	if (path == NULL)
		return 0;
	memcpy(path, data + 1, size - 1);
	path[size - 1] = '\0';

	rt = route_match(path, m, &id, &wrong);
	if (rt) {
		check_match(rt, path, m, id);
	} else {
		for (i = 0; i < ARRAY_SIZE(methods); i++) {
			int64_t id2 = -1;
			bool w2;
			const struct route *r2;

			if (methods[i] == m)
				continue;
			r2 = route_match(path, methods[i], &id2, &w2);
			if (r2) {
				check_match(r2, path, methods[i], id2);
				any = true;
			}
		}
		if (any != wrong)
			abort();
	}
	free(path);
	return 0;
}
