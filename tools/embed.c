/*
 * embed.c - build-time tool: turns static files into C source.
 *
 *   build/embed OUT.c name=path [name=path ...]
 *
 * Writes OUT.c implementing src/assets.h: one array per file, a table of
 * struct asset sorted by name, and asset_find(). The content is written
 * as adjacent string literals rather than comma-separated integers, which
 * compilers parse an order of magnitude faster (echarts.min.js is 1 MB).
 *
 * The ETag is the first 16 bytes of the BLAKE2b-512 hash of the content in
 * lower-case hex, in double quotes (the same as the first 32 hex digits of
 * node's createHash("blake2b512")). The output is written to a temporary
 * file in the same directory and renamed, so an interrupted build never
 * leaves a half-written OUT.c behind. Inputs are trusted (the build's own
 * files) but are still checked: names, types and sizes.
 */
#define _POSIX_C_SOURCE 200809L

#include <errno.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include <sodium.h>

/*
 * A stand-alone tool, so not src/compat.h; but the same banned calls,
 * included after the system headers as banned.h needs.
 */
#include "../src/banned.h"

#define ARRAY_SIZE(a) (sizeof(a) / sizeof((a)[0]))
#define ATTR_PRINTF(f, a) __attribute__((format(printf, f, a)))

#define MAX_ASSET_SIZE (64u * 1024 * 1024)
#define MAX_NAME 128
#define ETAG_BYTES 16
/* Output characters per string-literal line, escapes included. */
#define LINE_CHARS 4000

struct input {
	char name[MAX_NAME];
	const char *path;
	const char *type;
	unsigned char *data;
	size_t len;
	char etag[2 * ETAG_BYTES + 3];	/* quotes, hex, NUL */
};

static const struct {
	const char *ext;
	const char *type;
} types[] = {
	{ ".css", "text/css; charset=utf-8" },
	{ ".js", "text/javascript; charset=utf-8" },
	{ ".svg", "image/svg+xml" },
	{ ".png", "image/png" },
	{ ".ico", "image/x-icon" },
	{ ".json", "application/json" },
	{ ".woff2", "font/woff2" },
};

static int error(const char *fmt, ...) ATTR_PRINTF(1, 2);

/* Prints "embed: ..." to stderr; returns -1. */
static int error(const char *fmt, ...)
{
	va_list ap;

	fputs("embed: ", stderr);
	va_start(ap, fmt);
	vfprintf(stderr, fmt, ap);
	va_end(ap);
	fputc('\n', stderr);
	return -1;
}

/* The MIME type for name's extension, or NULL when it is not known. */
static const char *type_of(const char *name)
{
	const char *dot = strrchr(name, '.');
	size_t i;

	if (!dot)
		return NULL;
	for (i = 0; i < ARRAY_SIZE(types); i++)
		if (!strcmp(dot, types[i].ext))
			return types[i].type;
	return NULL;
}

/*
 * Asset names become URL path segments (/assets/NAME) and C string
 * literals: allow [A-Za-z0-9._-] only, not starting with a dot.
 */
static bool name_ok(const char *s, size_t n)
{
	size_t i;

	if (n == 0 || n >= MAX_NAME || s[0] == '.')
		return false;
	for (i = 0; i < n; i++) {
		unsigned char c = (unsigned char)s[i];

		if (!((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') ||
		      (c >= '0' && c <= '9') || c == '.' || c == '_' ||
		      c == '-'))
			return false;
	}
	return true;
}

/* Reads path whole into in->data (malloc'd, caller frees). */
static int read_file(struct input *in)
{
	FILE *f;
	struct stat st;
	size_t got;
	int ret = -1;

	f = fopen(in->path, "rb");
	if (!f)
		return error("%s: %s", in->path, strerror(errno));
	if (fstat(fileno(f), &st) < 0) {
		error("%s: %s", in->path, strerror(errno));
		goto out;
	}
	if (!S_ISREG(st.st_mode)) {
		error("%s: not a regular file", in->path);
		goto out;
	}
	if ((uintmax_t)st.st_size > MAX_ASSET_SIZE) {
		error("%s: larger than %u bytes", in->path, MAX_ASSET_SIZE);
		goto out;
	}
	in->len = (size_t)st.st_size;
	/* One spare byte so that an empty file still gets a buffer. */
	in->data = malloc(in->len + 1);
	if (!in->data) {
		error("%s: out of memory", in->path);
		goto out;
	}
	got = fread(in->data, 1, in->len, f);
	if (got != in->len || ferror(f) || fgetc(f) != EOF) {
		error("%s: changed while being read", in->path);
		goto out;
	}
	ret = 0;
out:
	fclose(f);
	return ret;
}

static void make_etag(struct input *in)
{
	static const char hex[] = "0123456789abcdef";
	unsigned char h[crypto_generichash_BYTES_MAX];
	size_t i;

	crypto_generichash(h, sizeof(h), in->data, in->len, NULL, 0);
	in->etag[0] = '"';
	for (i = 0; i < ETAG_BYTES; i++) {
		in->etag[1 + 2 * i] = hex[h[i] >> 4];
		in->etag[2 + 2 * i] = hex[h[i] & 15];
	}
	in->etag[1 + 2 * ETAG_BYTES] = '"';
	in->etag[2 + 2 * ETAG_BYTES] = '\0';
}

/* Parses "name=path" into in; the path points into arg. */
static int parse_arg(struct input *in, const char *arg)
{
	const char *eq = strchr(arg, '=');
	size_t n;

	if (!eq || !eq[1])
		return error("'%s': expected name=path", arg);
	n = (size_t)(eq - arg);
	if (!name_ok(arg, n))
		return error("'%.*s': bad asset name (use [A-Za-z0-9._-])",
			     (int)n, arg);
	memcpy(in->name, arg, n);
	in->name[n] = '\0';
	in->path = eq + 1;
	in->type = type_of(in->name);
	if (!in->type)
		return error("%s: unknown file type (add it to tools/embed.c)",
			     in->name);
	return 0;
}

static int by_name(const void *a, const void *b)
{
	const struct input *x = a, *y = b;

	return strcmp(x->name, y->name);
}

/*
 * Writes data as adjacent string literals. Octal escapes have at most
 * three digits, so unlike \x they cannot swallow a following digit;
 * '?' is escaped because -std=c17 enables trigraphs.
 */
static void put_literal(FILE *f, const unsigned char *p, size_t n)
{
	size_t i, col = 0;

	fputs("\t\"", f);
	for (i = 0; i < n; i++) {
		unsigned char c = p[i];

		switch (c) {
		case '\n': fputs("\\n", f); col += 2; break;
		case '\t': fputs("\\t", f); col += 2; break;
		case '\r': fputs("\\r", f); col += 2; break;
		case '"': fputs("\\\"", f); col += 2; break;
		case '\\': fputs("\\\\", f); col += 2; break;
		case '?': fputs("\\?", f); col += 2; break;
		default:
			if (c >= 0x20 && c < 0x7f) {
				fputc(c, f);
				col++;
			} else {
				fprintf(f, "\\%03o", c);
				col += 4;
			}
		}
		/* Break lines at newlines in the data too: readable CSS. */
		if (i + 1 < n && (col >= LINE_CHARS || c == '\n')) {
			fputs("\"\n\t\"", f);
			col = 0;
		}
	}
	fputs("\"", f);
}

static void put_c(FILE *f, const struct input *in, size_t n)
{
	size_t i;

	fputs("/* Generated by tools/embed.c from the Makefile's ASSET_FILES;"
	      " do not edit. */\n"
	      "#include \"assets.h\"\n"
	      "\n"
	      "#include <string.h>\n", f);
	for (i = 0; i < n; i++) {
		fprintf(f, "\n/* %s: %zu bytes */\n"
			"static const char asset_%zu_data[] =\n",
			in[i].name, in[i].len, i);
		put_literal(f, in[i].data, in[i].len);
		fputs(";\n", f);
	}
	fputs("\n/* Sorted by name for asset_find(). */\n"
	      "static const struct asset assets[] = {\n", f);
	for (i = 0; i < n; i++)
		fprintf(f, "\t{\n"
			"\t\t.name = \"%s\",\n"
			"\t\t.type = \"%s\",\n"
			"\t\t.data = (const unsigned char *)asset_%zu_data,\n"
			"\t\t.len = sizeof(asset_%zu_data) - 1,\n"
			"\t\t.etag = \"\\\"%.*s\\\"\",\n"
			"\t},\n",
			in[i].name, in[i].type, i, i,
			2 * ETAG_BYTES, in[i].etag + 1);
	fputs("};\n"
	      "\n"
	      "const struct asset *asset_find(const char *name)\n"
	      "{\n"
	      "\tsize_t lo = 0, hi = sizeof(assets) / sizeof(assets[0]);\n"
	      "\n"
	      "\tif (!name)\n"
	      "\t\treturn NULL;\n"
	      "\twhile (lo < hi) {\n"
	      "\t\tsize_t mid = lo + (hi - lo) / 2;\n"
	      "\t\tint c = strcmp(name, assets[mid].name);\n"
	      "\n"
	      "\t\tif (c == 0)\n"
	      "\t\t\treturn &assets[mid];\n"
	      "\t\tif (c < 0)\n"
	      "\t\t\thi = mid;\n"
	      "\t\telse\n"
	      "\t\t\tlo = mid + 1;\n"
	      "\t}\n"
	      "\treturn NULL;\n"
	      "}\n", f);
}

/* Writes the C file to a temporary next to out, then renames it. */
static int write_out(const char *out, const struct input *in, size_t n)
{
	char tmp[4096];
	FILE *f = NULL;
	mode_t mask;
	int fd, r, ret = -1;

	r = snprintf(tmp, sizeof(tmp), "%s.tmpXXXXXX", out);
	if (r < 0 || (size_t)r >= sizeof(tmp))
		return error("%s: path too long", out);
	fd = mkstemp(tmp);
	if (fd < 0)
		return error("%s: %s", tmp, strerror(errno));
	/* mkstemp makes 0600; give the file the usual permissions. */
	mask = umask(0);
	umask(mask);
	if (fchmod(fd, 0666 & ~mask) < 0) {
		error("%s: %s", tmp, strerror(errno));
		close(fd);
		goto out;
	}
	f = fdopen(fd, "w");
	if (!f) {
		error("%s: %s", tmp, strerror(errno));
		close(fd);
		goto out;
	}
	put_c(f, in, n);
	if (fflush(f) != 0 || ferror(f)) {
		error("%s: %s", tmp, strerror(errno));
		goto out;
	}
	r = fclose(f);
	f = NULL;
	if (r != 0) {
		error("%s: %s", tmp, strerror(errno));
		goto out;
	}
	if (rename(tmp, out) < 0) {
		error("%s: %s", out, strerror(errno));
		goto out;
	}
	ret = 0;
out:
	if (f)
		fclose(f);
	if (ret < 0)
		unlink(tmp);
	return ret;
}

int main(int argc, char **argv)
{
	struct input *in;
	size_t n, i;
	int ret = 1;

	if (argc < 3) {
		fputs("usage: embed OUT.c name=path [name=path ...]\n", stderr);
		return 2;
	}
	if (sodium_init() < 0) {
		error("sodium_init failed");
		return 1;
	}
	n = (size_t)argc - 2;
	in = calloc(n, sizeof(*in));
	if (!in) {
		error("out of memory");
		return 1;
	}
	for (i = 0; i < n; i++) {
		if (parse_arg(&in[i], argv[i + 2]) < 0 ||
		    read_file(&in[i]) < 0)
			goto out;
		make_etag(&in[i]);
	}
	qsort(in, n, sizeof(*in), by_name);
	for (i = 1; i < n; i++)
		if (!strcmp(in[i - 1].name, in[i].name)) {
			error("%s: named twice", in[i].name);
			goto out;
		}
	if (write_out(argv[1], in, n) < 0)
		goto out;
	ret = 0;
out:
	for (i = 0; i < n; i++)
		free(in[i].data);
	free(in);
	return ret;
}
