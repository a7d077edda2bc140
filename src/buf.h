/*
 * buf.h - growable byte buffer with a hard maximum.
 *
 * A struct buf owns its memory; buf_release() frees it. Every append
 * fails with -1 (and sets toobig) instead of growing past max, so a
 * request body or a page can never take unbounded memory. The content is
 * always NUL-terminated when len > 0 or after buf_cstr().
 */
#ifndef CTM_BUF_H
#define CTM_BUF_H

#include "compat.h"

struct buf {
	char *p;
	size_t len;
	size_t cap;
	size_t max;
	bool toobig;
};

#define BUF_INIT(maxbytes) { NULL, 0, 0, (maxbytes), false }

void buf_init(struct buf *b, size_t max);
void buf_release(struct buf *b);
void buf_reset(struct buf *b);
int buf_add(struct buf *b, const void *p, size_t n);
int buf_addstr(struct buf *b, const char *s);
int buf_addch(struct buf *b, char c);
int buf_printf(struct buf *b, const char *fmt, ...) ATTR_PRINTF(2, 3);
int buf_vprintf(struct buf *b, const char *fmt, va_list ap);
/* Returns the content as a C string ("" when empty); owned by b. */
const char *buf_cstr(struct buf *b);
/* Hands the memory to the caller (free() it); b is left empty. */
char *buf_detach(struct buf *b, size_t *len);

#endif
