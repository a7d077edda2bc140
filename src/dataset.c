/*
 * dataset.c - a research dataset in memory, column by column.
 *
 * Each variable has a dictionary: its distinct values, NUL-terminated one
 * after the other in one string area (offsets by code), and an
 * open-addressing hash table from value to code. A row is one uint32 code
 * per variable; all columns grow together, doubling up to
 * DATASET_ROWS_MAX. A million rows of 16 variables take 64 MB of codes
 * plus the (small) dictionaries, and no allocation per row.
 *
 * dataset_add_row() looks every value up and reserves room first, then
 * commits, so a failing row leaves the dataset exactly as it was.
 */
#include "compat.h"

#include <jansson.h>

#include "buf.h"
#include "dataset.h"
#include "http.h"		/* utf8_valid() */

struct dict {
	uint32_t n;		/* codes in use, missing (0) included */
	uint32_t cap;		/* entries of off[] and hash[] */
	uint32_t *off;		/* off[code]: offset of the value in str */
	uint32_t *hash;		/* hash[code]: hash of the value */
	char *str;
	size_t str_len, str_cap;
	uint32_t *slots;	/* code, or 0 for an empty slot */
	uint32_t nslots;	/* a power of two, at least 2 * n */
};

struct column {
	uint32_t *codes;
	struct dict d;
};

struct dataset {
	size_t nvars;
	size_t nrows;
	size_t cap;		/* rows allocated in every column */
	char *names[DATASET_VARS_MAX];
	struct column cols[DATASET_VARS_MAX];
};

/* FNV-1a, 32 bits: values are short, and the table only needs spread. */
static uint32_t
hash_str(const char *s, size_t n)
{
	uint32_t h = 2166136261u;
	size_t i;

	for (i = 0; i < n; i++) {
		h ^= (unsigned char)s[i];
		h *= 16777619u;
	}
	return h;
}

static void
dict_release(struct dict *d)
{
	free(d->off);
	free(d->hash);
	free(d->str);
	free(d->slots);
	memset(d, 0, sizeof(*d));
}

static int
dict_init(struct dict *d)
{
	memset(d, 0, sizeof(*d));
	d->cap = 16;
	d->nslots = 32;
	d->off = calloc(d->cap, sizeof(*d->off));
	d->hash = calloc(d->cap, sizeof(*d->hash));
	d->slots = calloc(d->nslots, sizeof(*d->slots));
	if (d->off == NULL || d->hash == NULL || d->slots == NULL) {
		dict_release(d);
		return -1;
	}
	d->n = 1;		/* code 0: missing, no text */
	return 0;
}

static const char *
dict_value(const struct dict *d, uint32_t code)
{
	return d->str + d->off[code];
}

/* The code of s (n bytes), or 0 when absent. */
static uint32_t
dict_find(const struct dict *d, const char *s, size_t n, uint32_t h)
{
	uint32_t mask = d->nslots - 1;
	uint32_t i = h & mask;
	uint32_t c;

	while ((c = d->slots[i]) != 0) {
		if (d->hash[c] == h) {
			const char *v = dict_value(d, c);

			if (strncmp(v, s, n) == 0 && v[n] == '\0')
				return c;
		}
		i = (i + 1) & mask;
	}
	return 0;
}

/*
 * Makes sure one more value of n bytes can be added without failing:
 * -1 when a limit would be passed or memory runs out (nothing changed
 * that matters: only capacities grow).
 */
static int
dict_reserve(struct dict *d, size_t n)
{
	if (d->n >= DATASET_CODES_MAX ||
	    d->str_len + n + 1 > DATASET_DICT_BYTES_MAX)
		return -1;
	if (d->n + 1 > d->cap) {
		uint32_t ncap = d->cap * 2;
		uint32_t *o, *h;

		o = realloc(d->off, (size_t)ncap * sizeof(*o));
		if (o == NULL)
			return -1;
		d->off = o;
		h = realloc(d->hash, (size_t)ncap * sizeof(*h));
		if (h == NULL)
			return -1;
		d->hash = h;
		d->cap = ncap;
	}
	if ((size_t)(d->n + 1) * 2 > d->nslots) {
		uint32_t ns = d->nslots * 2, mask = ns - 1, c;
		uint32_t *sl = calloc(ns, sizeof(*sl));

		if (sl == NULL)
			return -1;
		for (c = 1; c < d->n; c++) {
			uint32_t i = d->hash[c] & mask;

			while (sl[i] != 0)
				i = (i + 1) & mask;
			sl[i] = c;
		}
		free(d->slots);
		d->slots = sl;
		d->nslots = ns;
	}
	if (d->str_len + n + 1 > d->str_cap) {
		size_t nc = d->str_cap ? d->str_cap : 256;
		char *p;

		while (nc < d->str_len + n + 1)
			nc *= 2;
		if (nc > DATASET_DICT_BYTES_MAX)
			nc = DATASET_DICT_BYTES_MAX;
		p = realloc(d->str, nc);
		if (p == NULL)
			return -1;
		d->str = p;
		d->str_cap = nc;
	}
	return 0;
}

/* Adds s (absent, room reserved) and returns its code. */
static uint32_t
dict_commit(struct dict *d, const char *s, size_t n, uint32_t h)
{
	uint32_t mask = d->nslots - 1;
	uint32_t i = h & mask;
	uint32_t c = d->n++;

	d->off[c] = (uint32_t)d->str_len;
	d->hash[c] = h;
	memcpy(d->str + d->str_len, s, n);
	d->str[d->str_len + n] = '\0';
	d->str_len += n + 1;
	while (d->slots[i] != 0)
		i = (i + 1) & mask;
	d->slots[i] = c;
	return c;
}

/* Grows every column to hold at least need rows. */
static int
grow_rows(struct dataset *ds, size_t need)
{
	size_t ncap, v;

	if (need <= ds->cap)
		return 0;
	if (need > DATASET_ROWS_MAX)
		return -1;
	ncap = ds->cap ? ds->cap : 1024;
	while (ncap < need)
		ncap *= 2;
	if (ncap > DATASET_ROWS_MAX)
		ncap = DATASET_ROWS_MAX;
	for (v = 0; v < ds->nvars; v++) {
		uint32_t *p = realloc(ds->cols[v].codes, ncap * sizeof(*p));

		if (p == NULL)
			return -1;	/* columns larger than cap are fine */
		ds->cols[v].codes = p;
	}
	ds->cap = ncap;
	return 0;
}

struct dataset *
dataset_new(size_t nvars, const char *const *names)
{
	struct dataset *ds;
	size_t v, w;

	if (nvars > DATASET_VARS_MAX || (names == NULL && nvars > 0))
		return NULL;
	for (v = 0; v < nvars; v++) {
		size_t n = names[v] ? strlen(names[v]) : 0;

		if (n == 0 || n > DATASET_VALUE_MAX ||
		    !utf8_valid(names[v], n))
			return NULL;
		for (w = 0; w < v; w++)
			if (strcmp(names[v], names[w]) == 0)
				return NULL;
	}
	ds = calloc(1, sizeof(*ds));
	if (ds == NULL)
		return NULL;
	for (v = 0; v < nvars; v++) {
		ds->nvars = v + 1;	/* so dataset_free() releases it */
		ds->names[v] = strdup(names[v]);
		if (ds->names[v] == NULL || dict_init(&ds->cols[v].d) < 0)
			goto fail;
	}
	return ds;
fail:
	dataset_free(ds);
	return NULL;
}

void
dataset_free(struct dataset *ds)
{
	size_t v;

	if (ds == NULL)
		return;
	for (v = 0; v < ds->nvars; v++) {
		free(ds->names[v]);
		free(ds->cols[v].codes);
		dict_release(&ds->cols[v].d);
	}
	free(ds);
}

int
dataset_add_row(struct dataset *ds, const char *const *values)
{
	uint32_t code[DATASET_VARS_MAX], h[DATASET_VARS_MAX];
	size_t len[DATASET_VARS_MAX];
	size_t v;

	if (ds == NULL || values == NULL)
		return -1;
	if (grow_rows(ds, ds->nrows + 1) < 0)
		return -1;
	/* First look up and reserve: after this loop nothing can fail. */
	for (v = 0; v < ds->nvars; v++) {
		const char *s = values[v];
		struct dict *d = &ds->cols[v].d;

		len[v] = s ? strlen(s) : 0;
		code[v] = DATASET_MISSING;
		if (len[v] == 0)
			continue;
		if (len[v] > DATASET_VALUE_MAX || !utf8_valid(s, len[v]))
			return -1;
		h[v] = hash_str(s, len[v]);
		code[v] = dict_find(d, s, len[v], h[v]);
		if (code[v] == DATASET_MISSING && dict_reserve(d, len[v]) < 0)
			return -1;
	}
	for (v = 0; v < ds->nvars; v++) {
		if (code[v] == DATASET_MISSING && len[v] > 0)
			code[v] = dict_commit(&ds->cols[v].d, values[v], len[v],
			    h[v]);
		ds->cols[v].codes[ds->nrows] = code[v];
	}
	ds->nrows++;
	return 0;
}

int
dataset_declare(struct dataset *ds, size_t var, const char *value)
{
	struct dict *d;
	size_t n = value ? strlen(value) : 0;
	uint32_t h;

	if (ds == NULL || var >= ds->nvars || n == 0 ||
	    n > DATASET_VALUE_MAX || !utf8_valid(value, n))
		return -1;
	d = &ds->cols[var].d;
	h = hash_str(value, n);
	if (dict_find(d, value, n, h) != DATASET_MISSING)
		return 0;
	if (dict_reserve(d, n) < 0)
		return -1;
	dict_commit(d, value, n, h);
	return 0;
}

size_t
dataset_nrows(const struct dataset *ds)
{
	return ds->nrows;
}

size_t
dataset_nvars(const struct dataset *ds)
{
	return ds->nvars;
}

const char *
dataset_var_name(const struct dataset *ds, size_t var)
{
	return var < ds->nvars ? ds->names[var] : NULL;
}

int
dataset_var_index(const struct dataset *ds, const char *name)
{
	size_t v;

	if (name == NULL)
		return -1;
	for (v = 0; v < ds->nvars; v++)
		if (strcmp(ds->names[v], name) == 0)
			return (int)v;
	return -1;
}

uint32_t
dataset_code(const struct dataset *ds, size_t var, size_t row)
{
	if (NEVER(var >= ds->nvars || row >= ds->nrows))
		return DATASET_MISSING;
	return ds->cols[var].codes[row];
}

uint32_t
dataset_ncodes(const struct dataset *ds, size_t var)
{
	if (NEVER(var >= ds->nvars))
		return 1;
	return ds->cols[var].d.n;
}

const char *
dataset_value(const struct dataset *ds, size_t var, uint32_t code)
{
	if (var >= ds->nvars || code == DATASET_MISSING ||
	    code >= ds->cols[var].d.n)
		return NULL;
	return dict_value(&ds->cols[var].d, code);
}

uint32_t
dataset_lookup(const struct dataset *ds, size_t var, const char *value)
{
	size_t n;

	if (var >= ds->nvars || value == NULL)
		return DATASET_MISSING;
	n = strlen(value);
	if (n == 0)
		return DATASET_MISSING;
	return dict_find(&ds->cols[var].d, value, n, hash_str(value, n));
}

const uint32_t *
dataset_column_codes(const struct dataset *ds, size_t var)
{
	if (NEVER(var >= ds->nvars))
		return NULL;
	return ds->cols[var].codes;
}

int
dataset_column_save(const struct dataset *ds, size_t var,
    struct buf *dict_json, struct buf *codes)
{
	const struct column *col;
	json_t *arr = NULL;
	char *s = NULL;
	uint32_t c;
	size_t r;
	int rc = -1;

	if (ds == NULL || var >= ds->nvars)
		return -1;
	col = &ds->cols[var];
	if ((arr = json_array()) == NULL)
		goto out;
	for (c = 1; c < col->d.n; c++)
		if (json_array_append_new(arr,
		    json_string(dict_value(&col->d, c))) < 0)
			goto out;
	s = json_dumps(arr, JSON_COMPACT);
	if (s == NULL || buf_addstr(dict_json, s) < 0)
		goto out;
	if (ds->nrows > (SIZE_MAX - codes->len) / 4)
		goto out;
	for (r = 0; r < ds->nrows; r++) {
		uint32_t x = col->codes[r];
		unsigned char b[4] = {
			(unsigned char)x, (unsigned char)(x >> 8),
			(unsigned char)(x >> 16), (unsigned char)(x >> 24),
		};

		if (buf_add(codes, b, 4) < 0)
			goto out;
	}
	rc = 0;
out:
	free(s);
	json_decref(arr);
	return rc;
}

struct dataset *
dataset_load_begin(size_t nvars, const char *const *names, size_t nrows)
{
	struct dataset *ds;
	size_t v;

	if (nrows > DATASET_ROWS_MAX)
		return NULL;
	if ((ds = dataset_new(nvars, names)) == NULL)
		return NULL;
	if (nrows > 0) {
		for (v = 0; v < nvars; v++) {
			ds->cols[v].codes = calloc(nrows, sizeof(uint32_t));
			if (ds->cols[v].codes == NULL) {
				dataset_free(ds);
				return NULL;
			}
		}
	}
	ds->cap = ds->nrows = nrows;
	return ds;
}

/* Empties column var's dictionary (keeping its memory) and sets every
 * row missing. */
static void
column_clear(struct dataset *ds, size_t var)
{
	struct column *col = &ds->cols[var];

	col->d.n = 1;
	col->d.str_len = 0;
	memset(col->d.slots, 0, (size_t)col->d.nslots * sizeof(uint32_t));
	if (ds->nrows > 0)
		memset(col->codes, 0, ds->nrows * sizeof(uint32_t));
}

int
dataset_column_load(struct dataset *ds, size_t var, const char *dict_json,
    const void *codes, size_t len)
{
	const unsigned char *b = codes;
	struct column *col;
	json_t *arr = NULL;
	json_error_t jerr;
	size_t i, r;
	int rc = -1;

	if (ds == NULL || var >= ds->nvars || dict_json == NULL ||
	    (codes == NULL && len > 0))
		return -1;
	col = &ds->cols[var];
	if (len != ds->nrows * 4)
		return -1;
	column_clear(ds, var);
	arr = json_loads(dict_json, JSON_REJECT_DUPLICATES, &jerr);
	if (arr == NULL || !json_is_array(arr) ||
	    json_array_size(arr) >= DATASET_CODES_MAX)
		goto out;
	for (i = 0; i < json_array_size(arr); i++) {
		json_t *e = json_array_get(arr, i);
		const char *s;
		size_t n;
		uint32_t h;

		if (!json_is_string(e))
			goto out;
		s = json_string_value(e);
		n = json_string_length(e);
		/* jansson allows an escaped NUL; a value never has one. */
		if (n == 0 || n > DATASET_VALUE_MAX || strlen(s) != n ||
		    !utf8_valid(s, n))
			goto out;
		h = hash_str(s, n);
		if (dict_find(&col->d, s, n, h) != 0 ||
		    dict_reserve(&col->d, n) < 0)
			goto out;
		dict_commit(&col->d, s, n, h);
	}
	for (r = 0; r < ds->nrows; r++) {
		uint32_t x = (uint32_t)b[4 * r] |
		    (uint32_t)b[4 * r + 1] << 8 |
		    (uint32_t)b[4 * r + 2] << 16 |
		    (uint32_t)b[4 * r + 3] << 24;

		if (x >= col->d.n)
			goto out;
		col->codes[r] = x;
	}
	rc = 0;
out:
	json_decref(arr);
	if (rc < 0)
		column_clear(ds, var);
	return rc;
}
