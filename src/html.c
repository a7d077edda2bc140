#include "compat.h"

#include <inttypes.h>
#include <stdio.h>
#include <string.h>

#include "html.h"
#include "i18n.h"
#include "money.h"

void
html_init(struct html *h, size_t max)
{
	buf_init(&h->out, max);
	h->failed = false;
}

void
html_release(struct html *h)
{
	buf_release(&h->out);
}

bool
html_failed(const struct html *h)
{
	return h->failed || h->out.toobig;
}

/*
 * Copies runs that need no escaping in one piece, so a string without
 * special characters costs one append.
 */
int
html_escape(struct buf *b, const char *s, size_t n)
{
	size_t i, start = 0;
	const char *rep;

	for (i = 0; i < n; i++) {
		switch (s[i]) {
		case '&': rep = "&amp;"; break;
		case '<': rep = "&lt;"; break;
		case '>': rep = "&gt;"; break;
		case '"': rep = "&quot;"; break;
		case '\'': rep = "&#39;"; break;
		default: continue;
		}
		if (buf_add(b, s + start, i - start) < 0 || buf_addstr(b, rep) < 0)
			return -1;
		start = i + 1;
	}
	return buf_add(b, s + start, n - start);
}

int
url_escape(struct buf *b, const char *s)
{
	static const char hex[] = "0123456789ABCDEF";
	const unsigned char *p;
	char enc[3];

	for (p = (const unsigned char *)s; *p; p++) {
		if ((*p >= 'A' && *p <= 'Z') || (*p >= 'a' && *p <= 'z') ||
		    (*p >= '0' && *p <= '9') || *p == '-' || *p == '_' ||
		    *p == '.' || *p == '~') {
			if (buf_addch(b, (char)*p) < 0)
				return -1;
			continue;
		}
		enc[0] = '%';
		enc[1] = hex[*p >> 4];
		enc[2] = hex[*p & 15];
		if (buf_add(b, enc, 3) < 0)
			return -1;
	}
	return 0;
}

void
html_vprintf(struct html *h, const char *fmt, va_list ap)
{
	const char *p, *s;
	char num[32];
	int rc = 0;

	for (p = fmt; *p && rc == 0; p++) {
		const char *lit = p;

		while (*p && *p != '%')
			p++;
		if (p > lit)
			rc = buf_add(&h->out, lit, (size_t)(p - lit));
		if (*p == '\0' || rc < 0)
			break;
		p++;
		switch (*p) {
		case 's':
			s = va_arg(ap, const char *);
			if (s)
				rc = html_escape(&h->out, s, strlen(s));
			break;
		case 'R':
			s = va_arg(ap, const char *);
			if (s)
				rc = buf_addstr(&h->out, s);
			break;
		case 'U':
			s = va_arg(ap, const char *);
			if (s)
				rc = url_escape(&h->out, s);
			break;
		case 'd':
			snprintf(num, sizeof(num), "%d", va_arg(ap, int));
			rc = buf_addstr(&h->out, num);
			break;
		case 'L':
			snprintf(num, sizeof(num), "%" PRId64, va_arg(ap, int64_t));
			rc = buf_addstr(&h->out, num);
			break;
		case 'N': {
			char t[MONEY_TEXT];

			rc = buf_addstr(&h->out, count_text(va_arg(ap, int64_t),
			    i18n_current(), t));
			break;
		}
		case 'z':
			snprintf(num, sizeof(num), "%zu", va_arg(ap, size_t));
			rc = buf_addstr(&h->out, num);
			break;
		case '%':
			rc = buf_addch(&h->out, '%');
			break;
		default:
			/* An unknown conversion is a programming error. */
			h->failed = true;
			return;
		}
		if (*p == '\0')
			break;
	}
	if (rc < 0)
		h->failed = true;
}

void
html_printf(struct html *h, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	html_vprintf(h, fmt, ap);
	va_end(ap);
}

size_t
html_mark(const struct html *h)
{
	return h->out.len;
}

void
html_rewind(struct html *h, size_t mark)
{
	if (mark < h->out.len) {
		h->out.len = mark;
		if (h->out.p)
			h->out.p[mark] = '\0';
	}
}

void
html_text(struct html *h, const char *s)
{
	if (s && html_escape(&h->out, s, strlen(s)) < 0)
		h->failed = true;
}
