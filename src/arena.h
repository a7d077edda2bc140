/*
 * arena.h - a memory pool per request.
 *
 * Everything allocated from an arena is freed at once by arena_free(),
 * which the HTTP layer calls when libmicrohttpd reports the request
 * complete. Allocation failure returns NULL; callers treat it as a 500.
 * An arena has a cap: past it allocations fail.
 */
#ifndef CTM_ARENA_H
#define CTM_ARENA_H

#include "compat.h"

struct arena;

struct arena *arena_new(size_t cap);
void arena_free(struct arena *a);
void *arena_alloc(struct arena *a, size_t n);
void *arena_calloc(struct arena *a, size_t nmemb, size_t size);
char *arena_strdup(struct arena *a, const char *s);
char *arena_strndup(struct arena *a, const char *s, size_t n);
char *arena_printf(struct arena *a, const char *fmt, ...) ATTR_PRINTF(2, 3);

#endif
