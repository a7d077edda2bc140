/*
 * compat.h - included first by every ctm source file.
 *
 * Sets the feature macros the code relies on, common attributes, and
 * finally pulls in banned.h so unsafe libc calls fail to compile.
 */
#ifndef CTM_COMPAT_H
#define CTM_COMPAT_H

#define _POSIX_C_SOURCE 200809L
#define _DEFAULT_SOURCE 1
#define _GNU_SOURCE 1

#include <stddef.h>
#include <stdint.h>
#include <stdbool.h>
#include <stdarg.h>

#define CTM_VERSION "0.1.0"

#define ATTR_PRINTF(f, a) __attribute__((format(printf, f, a)))
#define ATTR_UNUSED __attribute__((unused))
#define ATTR_NODISCARD __attribute__((warn_unused_result))

#define ARRAY_SIZE(a) (sizeof(a) / sizeof((a)[0]))

/*
 * ALWAYS()/NEVER() mark conditions that cannot happen; in the test build
 * they abort so the impossible is noticed, in production they let the
 * defensive branch run.
 */
#ifdef CTM_TESTING
#include <stdlib.h>
#define ALWAYS(x) ((x) ? 1 : (abort(), 0))
#define NEVER(x) ((x) ? (abort(), 1) : 0)
#else
#define ALWAYS(x) (x)
#define NEVER(x) (x)
#endif

/* System headers before banned.h, so its macros cannot break them. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <time.h>

#include "banned.h"

#endif
