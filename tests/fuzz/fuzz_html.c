/*
 * fuzz_html.c - the escaping writer on arbitrary strings.
 *
 * Checks, for every input:
 *  - html_escape() output holds no raw < > " ', every & starts one of the
 *    five entities it writes, and unescaping gives the input back
 *    (embedded NULs included, since html_escape takes a length);
 *  - html_printf("%s") writes exactly what html_escape() does, and with a
 *    cap taken from the input it fails exactly when the output is larger;
 *  - url_escape() output is unreserved characters and %XX only, and
 *    decodes back to the input (up to its first NUL: it takes a C string).
 */
#include "compat.h"

#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "buf.h"
#include "html.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static const struct {
	const char *ent;
	size_t len;
	char c;
} ents[] = {
	{ "&amp;", 5, '&' }, { "&lt;", 4, '<' }, { "&gt;", 4, '>' },
	{ "&quot;", 6, '"' }, { "&#39;", 5, '\'' },
};

/* Unescapes e (len n) into out; aborts on anything html_escape never
 * writes. Returns the decoded length. */
static size_t
unescape(const char *e, size_t n, char *out)
{
	size_t i = 0, o = 0, k;

	while (i < n) {
		if (e[i] == '<' || e[i] == '>' || e[i] == '"' || e[i] == '\'')
			abort();
		if (e[i] != '&') {
			out[o++] = e[i++];
			continue;
		}
		for (k = 0; k < ARRAY_SIZE(ents); k++)
			if (n - i >= ents[k].len &&
			    memcmp(e + i, ents[k].ent, ents[k].len) == 0)
				break;
		if (k == ARRAY_SIZE(ents))
			abort();
		out[o++] = ents[k].c;
		i += ents[k].len;
	}
	return o;
}

static int
hexval(char c)
{
	if (c >= '0' && c <= '9')
		return c - '0';
	if (c >= 'A' && c <= 'F')
		return c - 'A' + 10;
	return -1;	/* lower-case hex is not what url_escape writes */
}

static bool
unreserved(char c)
{
	return (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') ||
	    (c >= '0' && c <= '9') || c == '-' || c == '_' || c == '.' ||
	    c == '~';
}

static void
check_url(const char *s)
{
	struct buf b = BUF_INIT(3 * strlen(s) + 1);
	size_t i, o = 0, n = strlen(s);
	char *dec;

	if (url_escape(&b, s) != 0)
		abort();
	dec = malloc(b.len + 1);
	if (dec == NULL)
		abort();
	for (i = 0; i < b.len; ) {
		char c = b.p[i];

		if (unreserved(c)) {
			dec[o++] = c;
			i++;
			continue;
		}
		if (c != '%' || b.len - i < 3 || hexval(b.p[i + 1]) < 0 ||
		    hexval(b.p[i + 2]) < 0)
			abort();
		dec[o] = (char)(hexval(b.p[i + 1]) << 4 | hexval(b.p[i + 2]));
		/* An unreserved character must not have been encoded. */
		if (unreserved(dec[o]))
			abort();
		o++;
		i += 3;
	}
	if (o != n || (n && memcmp(dec, s, n) != 0))
		abort();
	free(dec);
	buf_release(&b);
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	const char *s;
	char *copy, *dec;
	size_t slen, dlen, cap;
	struct buf all = BUF_INIT(6 * size + 1);
	struct buf pre = BUF_INIT(6 * size + 1);
	struct html h;

	copy = malloc(size + 1);
	if (copy == NULL)
		return 0;
	memcpy(copy, data, size);
	copy[size] = '\0';
	s = copy;
	slen = strlen(s);

	/* 1. The whole input, NULs included. */
	if (html_escape(&all, s, size) != 0)
		abort();
	dec = malloc(all.len + 1);
	if (dec == NULL)
		abort();
	dlen = unescape(all.p ? all.p : "", all.len, dec);
	if (dlen != size || (size && memcmp(dec, s, size) != 0))
		abort();
	free(dec);

	/* 2. html_printf("%s") is html_escape of the C string. */
	if (html_escape(&pre, s, slen) != 0)
		abort();
	html_init(&h, 6 * size + 16);
	html_printf(&h, "<p>%s</p>", s);
	if (html_failed(&h) || h.out.len != pre.len + 7 ||
	    memcmp(h.out.p, "<p>", 3) != 0 ||
	    (pre.len && memcmp(h.out.p + 3, pre.p, pre.len) != 0) ||
	    memcmp(h.out.p + 3 + pre.len, "</p>", 4) != 0)
		abort();
	html_release(&h);

	/* 3. A small cap fails exactly when the escaped text does not fit. */
	cap = size ? data[0] : 0;
	html_init(&h, cap);
	html_printf(&h, "%s", s);
	if (html_failed(&h) != (pre.len > cap))
		abort();
	if (!html_failed(&h) && (h.out.len != pre.len ||
	    (pre.len && memcmp(h.out.p, pre.p, pre.len) != 0)))
		abort();
	html_release(&h);

	/* 4. URL encoding round trip. */
	check_url(s);

	buf_release(&all);
	buf_release(&pre);
	free(copy);
	return 0;
}
