/*
 * html.h - the one way ctm writes HTML.
 *
 * html_printf() is an auto-escaping printf: every %s argument is
 * HTML-escaped (safe in text and in double-quoted attribute values).
 * The only way to emit markup is the format string itself, which must be
 * a literal in the source, or %R for a fragment that was itself produced
 * by this writer. Conversions:
 *   %s  string, escaped (NULL prints nothing)
 *   %R  trusted markup, not escaped: never user data
 *   %U  string, percent-encoded for a URL query value
 *   %d  int      %L  int64_t      %z  size_t      %%  a percent sign
 *   %N  int64_t shown to the reader: a count in the calling thread's
 *       language (count_text(), money.h: "21 195" in French); %d, %L
 *       and %z are for ids, attributes and URLs, never for a figure
 * Output goes to a struct buf with a cap; html_failed() tells whether any
 * write overflowed it.
 */
#ifndef CTM_HTML_H
#define CTM_HTML_H

#include "compat.h"
#include "buf.h"

struct html {
	struct buf out;
	bool failed;
};

void html_init(struct html *h, size_t max);
void html_release(struct html *h);
void html_printf(struct html *h, const char *fmt, ...);
void html_vprintf(struct html *h, const char *fmt, va_list ap);
/* Escaped text. */
void html_text(struct html *h, const char *s);
bool html_failed(const struct html *h);
/* Where the output is now, and a way back to it: what was written since
 * mark is dropped (a table found empty once written, page.h). */
size_t html_mark(const struct html *h);
void html_rewind(struct html *h, size_t mark);

/* Appends s escaped for HTML to b; returns -1 when b is full. */
int html_escape(struct buf *b, const char *s, size_t n);
/* Appends s percent-encoded (RFC 3986 unreserved kept) to b. */
int url_escape(struct buf *b, const char *s);

#endif
