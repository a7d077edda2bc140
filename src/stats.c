/*
 * stats.c - frequency tables over a dataset, safe to publish.
 *
 * Counting is one pass over the code columns into an array indexed by
 * category (a value, or with per_member a member of a ';'-joined value):
 * no strings are touched per row. Categories are then sorted by their
 * text (byte order, as the CTDC TabStat tables list them), the missing
 * category last, and categories that no row has are left out.
 *
 * Suppression (k > 0) sees a two-way table with its margins as one
 * (R+1) x (C+1) grid: every line of it (a row with its total, a column
 * with its total, the totals row, the totals column) is an equation that
 * a reader can use. A suppressed entry can be recovered by subtraction
 * exactly when, in the graph whose vertices are the lines and whose
 * edges are the suppressed entries (an entry joins its row line and its
 * column line), that entry is a bridge. So: suppress every entry with
 * 0 < count < k (totals included), then until nothing changes, give each
 * line with a single suppressed entry a second one (the smallest), and
 * give every bridge a cycle by suppressing the smallest entry that joins
 * its two sides. Lines with two or more suppressed entries are not
 * enough on their own (two suppressed blocks joined by one entry), which
 * is why the bridge test is there. A one-way table is two equations:
 * valid rows = valid, valid + missing = total.
 */
#include "compat.h"

#include <jansson.h>

#include "csvout.h"
#include "buf.h"
#include "dataset.h"
#include "i18n.h"
#include "stats.h"

int64_t
stats_percent100(int64_t part, int64_t whole)
{
	if (whole <= 0 || part < 0)
		return -1;
	/* round(part * 10000 / whole), half up, in integers. */
	return (part * 20000 + whole) / (2 * whole);
}

/* ------------------------------------------------------------------ */
/* Categories of one variable                                          */

/*
 * Without per_member a category is a code (identity map). With it, the
 * categories are the distinct non-empty members of the dictionary's
 * values, numbered from 1 in byte order; code c maps to the list
 * list[start[c] .. start[c+1]), a value without members to missing (0).
 */
struct catmap {
	size_t var;
	uint32_t ncodes;
	uint32_t ncat;		/* categories, missing (0) included */
	uint32_t *start;	/* NULL: identity */
	uint32_t *list;
	char **names;		/* per_member: owned member texts */
};

struct piece {
	const char *p;
	size_t len;
	uint32_t code;
	uint32_t cat;
};

static int
piece_cmp(const void *a, const void *b)
{
	const struct piece *x = a, *y = b;
	size_t n = x->len < y->len ? x->len : y->len;
	int c = memcmp(x->p, y->p, n);

	if (c != 0)
		return c;
	if (x->len != y->len)
		return x->len < y->len ? -1 : 1;
	return x->code < y->code ? -1 : x->code > y->code;
}

static void
catmap_release(struct catmap *m)
{
	uint32_t i;

	if (m->names)
		for (i = 0; i < m->ncat; i++)
			free(m->names[i]);
	free(m->names);
	free(m->start);
	free(m->list);
	memset(m, 0, sizeof(*m));
}

static const char *
catmap_name(const struct dataset *ds, const struct catmap *m, uint32_t cat)
{
	if (cat == 0)
		return NULL;
	return m->start ? m->names[cat] : dataset_value(ds, m->var, cat);
}

static int
catmap_init(struct catmap *m, const struct dataset *ds, size_t var,
    bool per_member)
{
	struct piece *pc = NULL;
	uint32_t *cnt = NULL, *pos = NULL;
	size_t npc = 0, cap = 0, i;
	uint32_t c;
	int rc = -1;

	memset(m, 0, sizeof(*m));
	m->var = var;
	m->ncodes = dataset_ncodes(ds, var);
	m->ncat = m->ncodes;
	if (!per_member)
		return 0;
	for (c = 1; c < m->ncodes; c++) {
		const char *v = dataset_value(ds, var, c), *e;

		for (;;) {
			e = strchr(v, ';');
			if ((e ? (size_t)(e - v) : strlen(v)) > 0) {
				if (npc == cap) {
					size_t nc = cap ? cap * 2 : 64;
					struct piece *np = realloc(pc,
					    nc * sizeof(*np));

					if (np == NULL)
						goto out;
					pc = np;
					cap = nc;
				}
				pc[npc].p = v;
				pc[npc].len = e ? (size_t)(e - v) : strlen(v);
				pc[npc].code = c;
				npc++;
			}
			if (e == NULL)
				break;
			v = e + 1;
		}
	}
	if (npc > 0)
		qsort(pc, npc, sizeof(*pc), piece_cmp);
	m->start = calloc((size_t)m->ncodes + 1, sizeof(*m->start));
	cnt = calloc(m->ncodes, sizeof(*cnt));
	m->names = calloc(npc + 1, sizeof(*m->names));
	if (m->start == NULL || cnt == NULL || m->names == NULL)
		goto out;
	/* Number the distinct members; drop a member repeated in a value. */
	m->ncat = 1;
	for (i = 0; i < npc; i++) {
		bool same = i > 0 && pc[i].len == pc[i - 1].len &&
		    memcmp(pc[i].p, pc[i - 1].p, pc[i].len) == 0;

		if (same && pc[i].code == pc[i - 1].code) {
			pc[i].code = 0;		/* a duplicate: skip */
			continue;
		}
		if (!same) {
			m->names[m->ncat] = strndup(pc[i].p, pc[i].len);
			if (m->names[m->ncat] == NULL)
				goto out;
			m->ncat++;
		}
		pc[i].cat = m->ncat - 1;
		cnt[pc[i].code]++;
	}
	/* A value without a member maps to missing. */
	for (c = 0; c < m->ncodes; c++)
		if (cnt[c] == 0)
			cnt[c] = 1;
	for (c = 0; c < m->ncodes; c++)
		m->start[c + 1] = m->start[c] + cnt[c];
	m->list = calloc(m->start[m->ncodes], sizeof(*m->list));
	pos = calloc(m->ncodes, sizeof(*pos));
	if (m->list == NULL || pos == NULL)
		goto out;
	for (i = 0; i < npc; i++) {
		c = pc[i].code;
		if (c == 0)
			continue;
		m->list[m->start[c] + pos[c]++] = pc[i].cat;
	}
	/* Codes left without an entry point at calloc's 0: missing. */
	rc = 0;
out:
	free(pc);
	free(cnt);
	free(pos);
	if (rc < 0)
		catmap_release(m);
	return rc;
}

/* ------------------------------------------------------------------ */
/* Filters                                                             */

struct filter {
	const uint32_t *codes;
	uint8_t *accept;	/* per code */
};

static bool
is_missing_word(const char *v)
{
	return v[0] == '\0' || strcmp(v, "missing") == 0;
}

/* Whether value v (a ';'-joined list) has member w. */
static bool
has_member(const char *v, const char *w)
{
	size_t n = strlen(w);

	for (;;) {
		const char *e = strchr(v, ';');
		size_t len = e ? (size_t)(e - v) : strlen(v);

		if (len == n && memcmp(v, w, n) == 0)
			return true;
		if (e == NULL)
			return false;
		v = e + 1;
	}
}

static int
filter_init(struct filter *f, const struct dataset *ds, size_t var,
    const char *value, bool per_member)
{
	uint32_t n = dataset_ncodes(ds, var), c;

	f->codes = dataset_column_codes(ds, var);
	f->accept = calloc(n, 1);
	if (f->accept == NULL)
		return -1;
	if (is_missing_word(value)) {
		f->accept[DATASET_MISSING] = 1;
		return 0;
	}
	c = dataset_lookup(ds, var, value);
	if (c != DATASET_MISSING)
		f->accept[c] = 1;
	if (per_member && strchr(value, ';') == NULL)
		for (c = 1; c < n; c++)
			if (has_member(dataset_value(ds, var, c), value))
				f->accept[c] = 1;
	return 0;
}

/* ------------------------------------------------------------------ */
/* Counting                                                            */

struct sortcat {
	const char *name;
	uint32_t cat;
};

static int
sortcat_cmp(const void *a, const void *b)
{
	const struct sortcat *x = a, *y = b;

	return strcmp(x->name, y->name);
}

/*
 * The categories of m with a nonzero total, or every one when all, by
 * name, missing last (kept at zero when keep_missing). Returns the
 * count, *out malloc'd; -1 on memory.
 */
static long
order_cats(const struct dataset *ds, const struct catmap *m,
    const int64_t *tot, bool all, bool keep_missing, uint32_t **out)
{
	struct sortcat *s;
	uint32_t *o;
	size_t n = 0, i;
	uint32_t c;

	s = calloc(m->ncat, sizeof(*s));
	o = calloc(m->ncat, sizeof(*o));
	if (s == NULL || o == NULL) {
		free(s);
		free(o);
		return -1;
	}
	for (c = 1; c < m->ncat; c++)
		if (tot[c] > 0 || all) {
			s[n].name = catmap_name(ds, m, c);
			s[n].cat = c;
			n++;
		}
	qsort(s, n, sizeof(*s), sortcat_cmp);
	for (i = 0; i < n; i++)
		o[i] = s[i].cat;
	if (tot[0] > 0 || keep_missing)
		o[n++] = 0;
	free(s);
	*out = o;
	return (long)n;
}

void
stats_table_free(struct stats_table *t)
{
	size_t i;

	if (t == NULL)
		return;
	if (t->row_values)
		for (i = 0; i < t->nrows; i++)
			free(t->row_values[i]);
	if (t->col_values)
		for (i = 0; i < t->ncols; i++)
			free(t->col_values[i]);
	free(t->row_values);
	free(t->col_values);
	free(t->cells);
	free(t->row_totals);
	free(t->col_totals);
	free(t);
}

static void suppress_one_way(struct stats_table *t);
static int suppress_two_way(struct stats_table *t);

struct stats_table *
stats_compute(const struct dataset *ds, const struct stats_query *q,
    const char **err)
{
	struct filter f[STATS_WHERE_MAX];
	struct catmap m0, m1;
	int64_t *cnt = NULL, *rt = NULL, *ct = NULL, total = 0;
	uint32_t *ro = NULL, *co = NULL;
	const uint32_t *c0, *c1 = NULL;
	struct stats_table *t = NULL;
	size_t nf = 0, n1, nrows, r, i, j;
	long nr, nc;
	int v0, v1 = -1, vw;
	const char *e = NULL;

	memset(&m0, 0, sizeof(m0));
	memset(&m1, 0, sizeof(m1));
	if (err)
		*err = NULL;
	if (ds == NULL || q == NULL || q->by[0] == NULL) {
		e = _("Choose a variable to count by.");
		goto out;
	}
	if ((v0 = dataset_var_index(ds, q->by[0])) < 0 ||
	    (q->by[1] && (v1 = dataset_var_index(ds, q->by[1])) < 0)) {
		e = _("Unknown variable.");
		goto out;
	}
	if (q->k < 0 || q->k > STATS_K_MAX || q->nwhere > STATS_WHERE_MAX) {
		e = _("Invalid value.");
		goto out;
	}
	for (nf = 0; nf < q->nwhere; nf++) {
		const struct stats_where *w = &q->where[nf];

		if (w->var == NULL || w->value == NULL ||
		    (vw = dataset_var_index(ds, w->var)) < 0) {
			e = _("Invalid filter.");
			goto out;
		}
		if (filter_init(&f[nf], ds, (size_t)vw, w->value,
		    q->per_member) < 0)
			goto oom;
	}
	if (catmap_init(&m0, ds, (size_t)v0, q->per_member) < 0 ||
	    (v1 >= 0 && catmap_init(&m1, ds, (size_t)v1, q->per_member) < 0))
		goto oom;
	n1 = v1 >= 0 ? m1.ncat : 1;
	if ((uint64_t)m0.ncat * n1 > STATS_CELLS_MAX) {
		e = _("The table would be too large.");
		goto out;
	}
	cnt = calloc((size_t)m0.ncat * n1, sizeof(*cnt));
	rt = calloc(m0.ncat, sizeof(*rt));
	ct = calloc(n1, sizeof(*ct));
	if (cnt == NULL || rt == NULL || ct == NULL)
		goto oom;

	/* The pass over the rows. */
	c0 = dataset_column_codes(ds, (size_t)v0);
	if (v1 >= 0)
		c1 = dataset_column_codes(ds, (size_t)v1);
	nrows = dataset_nrows(ds);
	if (!q->per_member && nf == 0) {
		if (c1)
			for (r = 0; r < nrows; r++)
				cnt[(size_t)c0[r] * n1 + c1[r]]++;
		else
			for (r = 0; r < nrows; r++)
				cnt[c0[r]]++;
		total = (int64_t)nrows;
	} else {
		for (r = 0; r < nrows; r++) {
			uint32_t a0, a1, b0, b1, x, y;

			for (i = 0; i < nf; i++)
				if (!f[i].accept[f[i].codes[r]])
					break;
			if (i < nf)
				continue;
			total++;
			x = c0[r];
			y = c1 ? c1[r] : 0;
			if (!q->per_member) {
				cnt[(size_t)x * n1 + y]++;
				continue;
			}
			a0 = m0.start[x];
			a1 = m0.start[x + 1];
			b0 = c1 ? m1.start[y] : 0;
			b1 = c1 ? m1.start[y + 1] : 1;
			for (i = a0; i < a1; i++) {
				uint32_t ci = m0.list[i];

				rt[ci]++;
				for (j = b0; j < b1; j++)
					cnt[(size_t)ci * n1 +
					    (c1 ? m1.list[j] : 0)]++;
			}
			if (c1)
				for (j = b0; j < b1; j++)
					ct[m1.list[j]]++;
		}
	}
	if (!q->per_member) {
		for (i = 0; i < m0.ncat; i++)
			for (j = 0; j < n1; j++) {
				rt[i] += cnt[i * n1 + j];
				ct[j] += cnt[i * n1 + j];
			}
	} else if (!c1) {
		ct[0] = total;
	}

	/* The table. */
	/* Suppressing, every category is listed: one left out would say
	 * that none of the rows counted has it. */
	nr = order_cats(ds, &m0, rt, q->k > 0, v1 < 0, &ro);
	if (nr < 0)
		goto oom;
	if (v1 >= 0) {
		nc = order_cats(ds, &m1, ct, q->k > 0, false, &co);
		if (nc < 0)
			goto oom;
	} else {
		nc = 1;
		co = calloc(1, sizeof(*co));
		if (co == NULL)
			goto oom;
	}
	t = calloc(1, sizeof(*t));
	if (t == NULL)
		goto oom;
	t->nrows = (size_t)nr;
	t->ncols = (size_t)nc;
	t->two_way = v1 >= 0;
	t->k = q->k;
	t->per_member = q->per_member;
	t->total = total;
	t->valid = total - rt[0];
	t->row_values = calloc(t->nrows + 1, sizeof(char *));
	t->col_values = calloc(t->ncols, sizeof(char *));
	t->cells = calloc(t->nrows * t->ncols + 1, sizeof(*t->cells));
	t->row_totals = calloc(t->nrows + 1, sizeof(*t->row_totals));
	t->col_totals = calloc(t->ncols, sizeof(*t->col_totals));
	if (t->row_values == NULL || t->col_values == NULL ||
	    t->cells == NULL || t->row_totals == NULL || t->col_totals == NULL)
		goto oom;
	for (i = 0; i < t->nrows; i++) {
		const char *s = catmap_name(ds, &m0, ro[i]);

		if (s && (t->row_values[i] = strdup(s)) == NULL)
			goto oom;
		t->row_totals[i].count = rt[ro[i]];
		for (j = 0; j < t->ncols; j++)
			t->cells[i * t->ncols + j].count =
			    cnt[(size_t)ro[i] * n1 + co[j]];
	}
	for (j = 0; j < t->ncols; j++) {
		const char *s = t->two_way ? catmap_name(ds, &m1, co[j]) : NULL;

		if (s && (t->col_values[j] = strdup(s)) == NULL)
			goto oom;
		t->col_totals[j].count = t->two_way ? ct[co[j]] : total;
	}
	if (q->k > 0) {
		if (!t->two_way)
			suppress_one_way(t);
		else if (suppress_two_way(t) < 0)
			goto oom;
	}
	goto out;
oom:
	e = _("Out of memory.");
	stats_table_free(t);
	t = NULL;
out:
	if (e) {
		stats_table_free(t);
		t = NULL;
		if (err)
			*err = e;
	}
	for (i = 0; i < nf; i++)
		free(f[i].accept);
	catmap_release(&m0);
	catmap_release(&m1);
	free(cnt);
	free(rt);
	free(ct);
	free(ro);
	free(co);
	return t;
}

/* ------------------------------------------------------------------ */
/* Suppression                                                         */

static bool
is_small(int64_t n, int k)
{
	return n > 0 && n < k;
}

/*
 * A count of a category under k, zero included: an empty category is
 * as telling as a small one (that none of the group counted has it, so
 * that all share the others). A zero of the missing row or column says
 * only that no value is missing, and stays.
 */
static bool
is_small_cat(int64_t n, int k, bool missing)
{
	return n < k && (n > 0 || !missing);
}

/*
 * Which entry to hide next, smallest key first: a nonzero inner cell,
 * then a nonzero total, then a zero (hiding a zero protects little: it
 * may be known to be zero), the grand total last.
 */
enum pick_class {
	PICK_CELL,
	PICK_TOTAL,
	PICK_ZERO,
	PICK_GRAND,
};

struct cand {
	struct stats_cell *c;
	enum pick_class cls;
};

static bool
better(const struct cand *a, const struct cand *best)
{
	if (best->c == NULL)
		return true;
	if (a->cls != best->cls)
		return a->cls < best->cls;
	return a->c->count < best->c->count;
}

/* Suppresses the smallest eligible of n candidates; false if none. */
static bool
pick(struct cand *cs, size_t n)
{
	struct cand best = { NULL, PICK_CELL };
	size_t i;

	for (i = 0; i < n; i++)
		if (cs[i].c->supp == STATS_SHOWN && better(&cs[i], &best))
			best = cs[i];
	if (best.c == NULL)
		return false;
	best.c->supp = STATS_COMPLEMENTARY;
	return true;
}

static size_t
nsupp(struct cand *cs, size_t n)
{
	size_t i, s = 0;

	for (i = 0; i < n; i++)
		s += cs[i].c->supp != STATS_SHOWN;
	return s;
}

static enum pick_class
cls_of(const struct stats_cell *c, enum pick_class nonzero)
{
	if (nonzero == PICK_GRAND)
		return PICK_GRAND;
	return c->count > 0 ? nonzero : PICK_ZERO;
}

/*
 * One way: the rows (the missing one last), valid and total. Equations:
 * sum of valid rows = valid; valid + missing = total. Each needs zero or
 * at least two suppressed terms; with two equations sharing one term
 * that is enough (no bridge can remain).
 */
static void
suppress_one_way(struct stats_table *t)
{
	struct stats_cell valid = { t->valid, STATS_SHOWN };
	struct stats_cell total = { t->total, STATS_SHOWN };
	struct stats_cell none = { 0, STATS_SHOWN };
	struct stats_cell *miss;
	struct cand *g2, g1[3];
	size_t nvalid, n1, i;
	bool changed;

	/* The missing row is always last in a one-way table. */
	nvalid = t->nrows - 1;
	miss = t->nrows > 0 ? &t->cells[t->nrows - 1] : &none;
	g2 = calloc(nvalid + 1, sizeof(*g2));
	if (g2 == NULL) {
		/* Cannot reason about it: hide everything. */
		for (i = 0; i < t->nrows; i++)
			t->cells[i].supp = STATS_COMPLEMENTARY;
		t->valid_supp = t->total_supp = STATS_COMPLEMENTARY;
		goto mirror;
	}
	for (i = 0; i < t->nrows; i++)
		if (is_small_cat(t->cells[i].count, t->k,
		    t->row_values[i] == NULL))
			t->cells[i].supp = STATS_SMALL;
	if (is_small(valid.count, t->k))
		valid.supp = STATS_SMALL;
	if (is_small(total.count, t->k))
		total.supp = STATS_SMALL;
	for (i = 0; i < nvalid; i++)
		g2[i] = (struct cand){ &t->cells[i],
		    cls_of(&t->cells[i], PICK_CELL) };
	g2[nvalid] = (struct cand){ &valid, cls_of(&valid, PICK_TOTAL) };
	/* With no valid row, valid is 0 for all to see: not a candidate. */
	n1 = 0;
	if (nvalid > 0)
		g1[n1++] = (struct cand){ &valid, cls_of(&valid, PICK_TOTAL) };
	g1[n1++] = (struct cand){ miss, cls_of(miss, PICK_CELL) };
	g1[n1++] = (struct cand){ &total, PICK_GRAND };
	do {
		changed = false;
		if (nvalid > 0 && nsupp(g2, nvalid + 1) == 1)
			changed |= pick(g2, nvalid + 1);
		if (nsupp(g1, n1) == 1)
			changed |= pick(g1, n1);
	} while (changed);
	free(g2);
	t->valid_supp = valid.supp;
	t->total_supp = total.supp;
mirror:
	for (i = 0; i < t->nrows; i++)
		t->row_totals[i] = t->cells[i];
	t->col_totals[0].supp = t->total_supp;
}

/* The suppression grid of a two-way table: entries and their lines. */
struct grid {
	size_t R, C;		/* inner rows, columns; lines R+1, C+1 */
	struct stats_cell **e;	/* (R+1) * (C+1) */
	struct stats_cell grand;
};

static struct stats_cell *
G(struct grid *g, size_t i, size_t j)
{
	return g->e[i * (g->C + 1) + j];
}

static struct cand
grid_cand(struct grid *g, size_t i, size_t j)
{
	enum pick_class k = PICK_CELL;

	if (i == g->R && j == g->C)
		k = PICK_GRAND;
	else if (i == g->R || j == g->C)
		k = PICK_TOTAL;
	return (struct cand){ G(g, i, j), cls_of(G(g, i, j), k) };
}

/* Suppressed entries in row line i, in column line j. */
static size_t
row_nsupp(struct grid *g, size_t i)
{
	size_t j, n = 0;

	for (j = 0; j <= g->C; j++)
		n += G(g, i, j)->supp != STATS_SHOWN;
	return n;
}

static size_t
col_nsupp(struct grid *g, size_t j)
{
	size_t i, n = 0;

	for (i = 0; i <= g->R; i++)
		n += G(g, i, j)->supp != STATS_SHOWN;
	return n;
}

/*
 * Hides a second entry in line (row i when is_row, else column i), which
 * has exactly one. The smallest, but first among the entries whose other
 * line has a single hidden entry too: one hidden entry then serves two
 * lines, and the pattern closes into a rectangle instead of a long
 * chain (fewer and smaller hidden counts in the end).
 */
static bool
grid_pick(struct grid *g, size_t line, bool is_row, size_t *rs, size_t *cs)
{
	struct cand best = { NULL, PICK_CELL };
	bool best_needy = false;
	size_t n = is_row ? g->C : g->R, x, bi = 0, bj = 0;

	for (x = 0; x <= n; x++) {
		size_t i = is_row ? line : x, j = is_row ? x : line;
		struct cand c = grid_cand(g, i, j);
		bool needy = is_row ? cs[j] == 1 : rs[i] == 1;

		if (c.c->supp != STATS_SHOWN)
			continue;
		if (best.c != NULL && c.cls == best.cls &&
		    needy != best_needy) {
			if (!needy)
				continue;
		} else if (!better(&c, &best)) {
			continue;
		}
		best = c;
		best_needy = needy;
		bi = i;
		bj = j;
	}
	if (best.c == NULL)
		return false;
	best.c->supp = STATS_COMPLEMENTARY;
	rs[bi]++;
	cs[bj]++;
	return true;
}

/* Gives every line with one suppressed entry a second; true if any. */
static bool
grid_lines(struct grid *g, size_t *rs, size_t *cs)
{
	bool changed = false;
	size_t i, j;

	for (i = 0; i <= g->R; i++)
		rs[i] = row_nsupp(g, i);
	for (j = 0; j <= g->C; j++)
		cs[j] = col_nsupp(g, j);
	for (i = 0; i <= g->R; i++)
		if (rs[i] == 1)
			changed |= grid_pick(g, i, true, rs, cs);
	for (j = 0; j <= g->C; j++)
		if (cs[j] == 1)
			changed |= grid_pick(g, j, false, rs, cs);
	return changed;
}

/*
 * The graph of suppressed entries: vertices 0..R are the row lines,
 * R+1..R+C+1 the column lines; edge x joins the lines of entry
 * (eu[x], ev[x] - R - 1). Adjacency in CSR form.
 */
struct graph {
	size_t nv, ne;
	size_t *eu, *ev;	/* endpoints of each edge */
	size_t *adj_start;	/* nv + 1 */
	size_t *adj;		/* 2 * ne edge numbers */
};

static void
graph_release(struct graph *gr)
{
	free(gr->eu);
	free(gr->ev);
	free(gr->adj_start);
	free(gr->adj);
}

static int
graph_build(struct grid *g, struct graph *gr)
{
	size_t i, j, x, *fill = NULL;

	memset(gr, 0, sizeof(*gr));
	gr->nv = g->R + g->C + 2;
	for (i = 0; i <= g->R; i++)
		for (j = 0; j <= g->C; j++)
			gr->ne += G(g, i, j)->supp != STATS_SHOWN;
	gr->eu = calloc(gr->ne + 1, sizeof(size_t));
	gr->ev = calloc(gr->ne + 1, sizeof(size_t));
	gr->adj_start = calloc(gr->nv + 1, sizeof(size_t));
	gr->adj = calloc(2 * gr->ne + 1, sizeof(size_t));
	fill = calloc(gr->nv, sizeof(size_t));
	if (!gr->eu || !gr->ev || !gr->adj_start || !gr->adj || !fill) {
		free(fill);
		graph_release(gr);
		return -1;
	}
	x = 0;
	for (i = 0; i <= g->R; i++)
		for (j = 0; j <= g->C; j++)
			if (G(g, i, j)->supp != STATS_SHOWN) {
				gr->eu[x] = i;
				gr->ev[x] = g->R + 1 + j;
				gr->adj_start[i + 1]++;
				gr->adj_start[g->R + 2 + j]++;
				x++;
			}
	for (i = 0; i < gr->nv; i++)
		gr->adj_start[i + 1] += gr->adj_start[i];
	for (x = 0; x < gr->ne; x++) {
		size_t u = gr->eu[x], v = gr->ev[x];

		gr->adj[gr->adj_start[u] + fill[u]++] = x;
		gr->adj[gr->adj_start[v] + fill[v]++] = x;
	}
	free(fill);
	return 0;
}

/*
 * Marks the bridges of gr in is_bridge[] (Tarjan's low-link, iteratively
 * so that a table with a million rows cannot overflow the stack).
 */
static int
graph_bridges(const struct graph *gr, bool *is_bridge)
{
	size_t *disc, *low, *stack, *pedge, *it, timer = 1, s, root;
	int rc = -1;

	disc = calloc(gr->nv, sizeof(size_t));
	low = calloc(gr->nv, sizeof(size_t));
	stack = calloc(gr->nv, sizeof(size_t));
	pedge = calloc(gr->nv, sizeof(size_t));
	it = calloc(gr->nv, sizeof(size_t));
	if (!disc || !low || !stack || !pedge || !it)
		goto out;
	for (root = 0; root < gr->nv; root++) {
		if (disc[root])
			continue;
		s = 0;
		stack[s++] = root;
		disc[root] = low[root] = timer++;
		pedge[root] = SIZE_MAX;
		it[root] = gr->adj_start[root];
		while (s > 0) {
			size_t u = stack[s - 1];

			if (it[u] < gr->adj_start[u + 1]) {
				size_t x = gr->adj[it[u]++];
				size_t w = gr->eu[x] == u ? gr->ev[x] : gr->eu[x];

				if (x == pedge[u])
					continue;
				if (disc[w]) {
					if (disc[w] < low[u])
						low[u] = disc[w];
					continue;
				}
				disc[w] = low[w] = timer++;
				pedge[w] = x;
				it[w] = gr->adj_start[w];
				stack[s++] = w;
			} else {
				s--;
				if (s > 0) {
					size_t p = stack[s - 1];

					if (low[u] < low[p])
						low[p] = low[u];
					if (low[u] > disc[p])
						is_bridge[pedge[u]] = true;
				}
			}
		}
	}
	rc = 0;
out:
	free(disc);
	free(low);
	free(stack);
	free(pedge);
	free(it);
	return rc;
}

/*
 * For each bridge, suppresses the smallest shown entry joining the two
 * sides the bridge separates, which puts the bridge on a cycle. Returns
 * 1 if it suppressed anything, 0 if there was no bridge, -1 on memory.
 */
static int
grid_bridges(struct grid *g)
{
	struct graph gr;
	bool *br = NULL;
	int *side = NULL;
	size_t *queue = NULL, x;
	int rc = -1, changed = 0;

	if (graph_build(g, &gr) < 0)
		return -1;
	br = calloc(gr.ne + 1, sizeof(bool));
	side = calloc(gr.nv, sizeof(int));
	queue = calloc(gr.nv, sizeof(size_t));
	if (!br || !side || !queue || graph_bridges(&gr, br) < 0)
		goto out;
	for (x = 0; x < gr.ne; x++) {
		struct cand best = { NULL, PICK_CELL };
		size_t i, j, qh, qt, start;
		int sd;

		if (!br[x])
			continue;
		/* Side 1: reachable from eu without x; side 2: from ev. */
		memset(side, 0, gr.nv * sizeof(int));
		for (sd = 1; sd <= 2; sd++) {
			start = sd == 1 ? gr.eu[x] : gr.ev[x];
			qh = qt = 0;
			queue[qt++] = start;
			side[start] = sd;
			while (qh < qt) {
				size_t u = queue[qh++], a;

				for (a = gr.adj_start[u];
				    a < gr.adj_start[u + 1]; a++) {
					size_t y = gr.adj[a];
					size_t w = gr.eu[y] == u ? gr.ev[y] :
					    gr.eu[y];

					if (y == x || side[w])
						continue;
					side[w] = sd;
					queue[qt++] = w;
				}
			}
		}
		for (i = 0; i <= g->R; i++)
			for (j = 0; j <= g->C; j++) {
				int a = side[i], b = side[g->R + 1 + j];
				struct cand c;

				if (a == 0 || b == 0 || a == b)
					continue;
				c = grid_cand(g, i, j);
				if (c.c->supp == STATS_SHOWN &&
				    better(&c, &best))
					best = c;
			}
		if (ALWAYS(best.c != NULL)) {
			best.c->supp = STATS_COMPLEMENTARY;
			changed = 1;
		}
	}
	rc = changed;
out:
	free(br);
	free(side);
	free(queue);
	graph_release(&gr);
	return rc;
}

static int
suppress_two_way(struct stats_table *t)
{
	struct grid g;
	size_t *rs = NULL, *cs = NULL;
	struct stats_cell valid = { t->valid, STATS_SHOWN };
	struct stats_cell *miss = NULL;
	size_t i, j;
	int rc = -1, b;
	bool changed;

	g.R = t->nrows;
	g.C = t->ncols;
	g.grand = (struct stats_cell){ t->total, STATS_SHOWN };
	g.e = calloc((g.R + 1) * (g.C + 1), sizeof(*g.e));
	rs = calloc(g.R + 1, sizeof(*rs));
	cs = calloc(g.C + 1, sizeof(*cs));
	if (g.e == NULL || rs == NULL || cs == NULL)
		goto out;
	for (i = 0; i < g.R; i++) {
		for (j = 0; j < g.C; j++)
			g.e[i * (g.C + 1) + j] = &t->cells[i * g.C + j];
		g.e[i * (g.C + 1) + g.C] = &t->row_totals[i];
	}
	for (j = 0; j < g.C; j++)
		g.e[g.R * (g.C + 1) + j] = &t->col_totals[j];
	g.e[g.R * (g.C + 1) + g.C] = &g.grand;
	for (i = 0; i <= g.R; i++)
		for (j = 0; j <= g.C; j++)
			if (i == g.R && j == g.C ?
			    is_small(G(&g, i, j)->count, t->k) :
			    is_small_cat(G(&g, i, j)->count, t->k,
			    (i < g.R && t->row_values[i] == NULL) ||
			    (j < g.C && t->col_values[j] == NULL)))
				G(&g, i, j)->supp = STATS_SMALL;
	if (g.R > 0 && t->row_values[g.R - 1] == NULL)
		miss = &t->row_totals[g.R - 1];
	if (is_small(valid.count, t->k))
		valid.supp = STATS_SMALL;
	do {
		changed = false;
		/* valid + missing row = total: a small valid needs the
		 * missing row's total (or the total) hidden too. */
		if (valid.supp != STATS_SHOWN && miss &&
		    miss->supp == STATS_SHOWN && g.grand.supp == STATS_SHOWN) {
			miss->supp = STATS_COMPLEMENTARY;
			changed = true;
		}
		changed |= grid_lines(&g, rs, cs);
		if (!changed) {
			if ((b = grid_bridges(&g)) < 0)
				goto out;
			changed = b > 0;
		}
	} while (changed);
	/* valid = total - missing row: hidden when either is (unless there
	 * is no valid row, and valid is 0 for all to see). */
	if (valid.supp == STATS_SHOWN && !(miss && g.R == 1) &&
	    (g.grand.supp != STATS_SHOWN ||
	    (miss && miss->supp != STATS_SHOWN)))
		valid.supp = STATS_COMPLEMENTARY;
	t->total_supp = g.grand.supp;
	t->valid_supp = valid.supp;
	rc = 0;
out:
	free(g.e);
	free(rs);
	free(cs);
	return rc;
}

/* ------------------------------------------------------------------ */
/* Output                                                              */

/* The percent of part in whole as JSON, null when either is hidden. */
static json_t *
jpct(int64_t part, bool part_shown, int64_t whole, bool whole_shown)
{
	int64_t h;

	if (!part_shown || !whole_shown)
		return json_null();
	h = stats_percent100(part, whole);
	return h < 0 ? json_null() : json_real((double)h / 100.0);
}

static json_t *
jcount(const struct stats_cell *c)
{
	return c->supp == STATS_SHOWN ? json_integer(c->count) : json_null();
}

static json_t *
jstr(const char *s)
{
	return s ? json_string(s) : json_null();
}

static bool
shown(const struct stats_cell *c)
{
	return c->supp == STATS_SHOWN;
}

/*
 * The cell of row i's missing column (NULL when by[1] has no missing
 * column): row i's valid answers are its total minus that.
 */
static const struct stats_cell *
row_missing_cell(const struct stats_table *t, size_t i)
{
	if (t->ncols == 0 || t->col_values[t->ncols - 1] != NULL)
		return NULL;
	return &t->cells[i * t->ncols + t->ncols - 1];
}

/*
 * Fills, for a one-way table, cum[i] (hundredths, -1 for null): the
 * percent of valid rows up to row i, null from the first suppressed row
 * on (differences would give it away) and for the missing row.
 */
static void
cum_percents(const struct stats_table *t, int64_t *cum)
{
	int64_t run = 0;
	bool ok = t->valid_supp == STATS_SHOWN;
	size_t i;

	for (i = 0; i < t->nrows; i++) {
		cum[i] = -1;
		if (t->row_values[i] == NULL)
			continue;
		if (!shown(&t->cells[i]))
			ok = false;
		run += t->cells[i].count;
		if (ok)
			cum[i] = stats_percent100(run, t->valid);
	}
}

static int
add(json_t *o, const char *key, json_t *v)
{
	return v == NULL ? -1 : json_object_set_new(o, key, v);
}

json_t *
stats_table_json(const struct stats_table *t, const struct stats_query *q)
{
	json_t *o = NULL, *rows = NULL, *cols = NULL, *by;
	bool tshown = t->total_supp == STATS_SHOWN;
	bool vshown = t->valid_supp == STATS_SHOWN;
	int64_t *cum = NULL;
	size_t i, j;
	int bad = 0;

	if ((o = json_object()) == NULL)
		return NULL;
	by = json_array();
	bad |= add(o, "by", by);
	if (by) {
		bad |= json_array_append_new(by, jstr(q->by[0]));
		if (t->two_way)
			bad |= json_array_append_new(by, jstr(q->by[1]));
	}
	bad |= add(o, "per_member", json_boolean(t->per_member));
	bad |= add(o, "total", tshown ? json_integer(t->total) : json_null());
	bad |= add(o, "valid", vshown ? json_integer(t->valid) : json_null());
	bad |= add(o, "valid_percent_of_total",
	    jpct(t->valid, vshown, t->total, tshown));
	bad |= add(o, "k", json_integer(t->k));
	rows = json_array();
	bad |= add(o, "rows", rows);
	if (bad || rows == NULL)
		goto fail;
	if (!t->two_way) {
		cum = calloc(t->nrows + 1, sizeof(*cum));
		if (cum == NULL)
			goto fail;
		cum_percents(t, cum);
	} else {
		cols = json_array();
		if (add(o, "columns", cols) < 0)
			goto fail;
		for (j = 0; j < t->ncols; j++) {
			const struct stats_cell *c = &t->col_totals[j];
			json_t *col = json_object();

			if (json_array_append_new(cols, col) < 0)
				goto fail;
			bad |= add(col, "value", jstr(t->col_values[j]));
			bad |= add(col, "count", jcount(c));
			bad |= add(col, "percent",
			    jpct(c->count, shown(c), t->total, tshown));
			bad |= add(col, "suppressed",
			    json_boolean(!shown(c)));
		}
	}
	for (i = 0; i < t->nrows; i++) {
		const struct stats_cell *rc = &t->row_totals[i];
		bool isvalid = t->row_values[i] != NULL;
		json_t *row = json_object();

		if (json_array_append_new(rows, row) < 0)
			goto fail;
		bad |= add(row, "value", jstr(t->row_values[i]));
		bad |= add(row, "count", jcount(rc));
		bad |= add(row, "percent",
		    jpct(rc->count, shown(rc), t->total, tshown));
		bad |= add(row, "valid_percent",
		    jpct(rc->count, shown(rc) && isvalid, t->valid, vshown));
		if (!t->two_way) {
			bad |= add(row, "cum_percent", cum[i] < 0 ?
			    json_null() : json_real((double)cum[i] / 100.0));
		} else {
			const struct stats_cell *mc = row_missing_cell(t, i);
			int64_t rv = rc->count - (mc ? mc->count : 0);
			bool rvshown = shown(rc) && (mc == NULL || shown(mc));
			json_t *cells = json_array();

			bad |= add(row, "cells", cells);
			for (j = 0; cells && j < t->ncols; j++) {
				const struct stats_cell *c =
				    &t->cells[i * t->ncols + j];
				json_t *cell = json_object();

				if (json_array_append_new(cells, cell) < 0)
					goto fail;
				bad |= add(cell, "count", jcount(c));
				bad |= add(cell, "percent", jpct(c->count,
				    shown(c), t->total, tshown));
				bad |= add(cell, "valid_percent", jpct(c->count,
				    shown(c) && t->col_values[j] != NULL,
				    rv, rvshown));
				bad |= add(cell, "suppressed",
				    json_boolean(!shown(c)));
			}
		}
		bad |= add(row, "suppressed", json_boolean(!shown(rc)));
		if (bad)
			goto fail;
	}
	if (bad)
		goto fail;
	free(cum);
	return o;
fail:
	free(cum);
	json_decref(o);
	return NULL;
}

/* ",count" or "," for a hidden one. */
static int
csv_count(struct buf *b, const struct stats_cell *c)
{
	if (!shown(c))
		return buf_addch(b, ',');
	return buf_printf(b, ",%lld", (long long)c->count);
}

/* ",12.34" or "," for a hidden or undefined percent. */
static int
csv_pct(struct buf *b, int64_t part, bool ok, int64_t whole, bool wok)
{
	int64_t h = ok && wok ? stats_percent100(part, whole) : -1;

	if (h < 0)
		return buf_addch(b, ',');
	return buf_printf(b, ",%lld.%02lld", (long long)(h / 100),
	    (long long)(h % 100));
}

int
stats_table_csv(const struct stats_table *t, const struct stats_query *q,
    struct buf *out)
{
	bool tshown = t->total_supp == STATS_SHOWN;
	bool vshown = t->valid_supp == STATS_SHOWN;
	struct stats_cell tc = { t->total, t->total_supp };
	struct stats_cell vc = { t->valid, t->valid_supp };
	int64_t *cum = NULL;
	size_t i, j;
	int rc = 0;

	rc |= buf_addstr(out, "kind,");
	rc |= csv_field(out, q->by[0]);
	if (t->two_way) {
		rc |= buf_addch(out, ',');
		rc |= csv_field(out, q->by[1]);
		rc |= buf_addstr(out,
		    ",count,percent,valid_percent,suppressed\r\n");
	} else {
		rc |= buf_addstr(out,
		    ",count,percent,valid_percent,cum_percent,suppressed\r\n");
	}
	if (!t->two_way) {
		if ((cum = calloc(t->nrows + 1, sizeof(*cum))) == NULL)
			return -1;
		cum_percents(t, cum);
		for (i = 0; i < t->nrows; i++) {
			const struct stats_cell *c = &t->cells[i];
			bool isvalid = t->row_values[i] != NULL;

			rc |= buf_addstr(out, isvalid ? "value," : "missing,");
			rc |= csv_field(out, t->row_values[i]);
			rc |= csv_count(out, c);
			rc |= csv_pct(out, c->count, shown(c), t->total, tshown);
			rc |= csv_pct(out, c->count, shown(c) && isvalid,
			    t->valid, vshown);
			if (cum[i] >= 0)
				rc |= buf_printf(out, ",%lld.%02lld",
				    (long long)(cum[i] / 100),
				    (long long)(cum[i] % 100));
			else
				rc |= buf_addch(out, ',');
			rc |= buf_addstr(out, shown(c) ? ",\r\n" : ",1\r\n");
		}
		rc |= buf_addstr(out, "valid_total,");
		rc |= csv_count(out, &vc);
		rc |= csv_pct(out, t->valid, vshown, t->total, tshown);
		rc |= csv_pct(out, t->valid, vshown, t->valid, vshown);
		rc |= buf_addstr(out, vshown ? ",,\r\n" : ",,1\r\n");
		rc |= buf_addstr(out, "total,");
		rc |= csv_count(out, &tc);
		rc |= csv_pct(out, t->total, tshown, t->total, tshown);
		rc |= buf_addstr(out, tshown ? ",,,\r\n" : ",,,1\r\n");
		free(cum);
		return rc ? -1 : 0;
	}
	for (i = 0; i < t->nrows; i++) {
		const struct stats_cell *rt = &t->row_totals[i];
		const struct stats_cell *mc = row_missing_cell(t, i);
		int64_t rv = rt->count - (mc ? mc->count : 0);
		bool rvshown = shown(rt) && (mc == NULL || shown(mc));

		for (j = 0; j < t->ncols; j++) {
			const struct stats_cell *c = &t->cells[i * t->ncols + j];

			rc |= buf_addstr(out, "cell,");
			rc |= csv_field(out, t->row_values[i]);
			rc |= buf_addch(out, ',');
			rc |= csv_field(out, t->col_values[j]);
			rc |= csv_count(out, c);
			rc |= csv_pct(out, c->count, shown(c), t->total, tshown);
			rc |= csv_pct(out, c->count,
			    shown(c) && t->col_values[j] != NULL, rv, rvshown);
			rc |= buf_addstr(out, shown(c) ? ",\r\n" : ",1\r\n");
		}
	}
	for (i = 0; i < t->nrows; i++) {
		const struct stats_cell *c = &t->row_totals[i];

		rc |= buf_addstr(out, "row_total,");
		rc |= csv_field(out, t->row_values[i]);
		rc |= buf_addch(out, ',');
		rc |= csv_count(out, c);
		rc |= csv_pct(out, c->count, shown(c), t->total, tshown);
		rc |= csv_pct(out, c->count,
		    shown(c) && t->row_values[i] != NULL, t->valid, vshown);
		rc |= buf_addstr(out, shown(c) ? ",\r\n" : ",1\r\n");
	}
	for (j = 0; j < t->ncols; j++) {
		const struct stats_cell *c = &t->col_totals[j];

		rc |= buf_addstr(out, "column_total,,");
		rc |= csv_field(out, t->col_values[j]);
		rc |= csv_count(out, c);
		rc |= csv_pct(out, c->count, shown(c), t->total, tshown);
		rc |= buf_addstr(out, shown(c) ? ",,\r\n" : ",,1\r\n");
	}
	rc |= buf_addstr(out, "total,,");
	rc |= csv_count(out, &tc);
	rc |= csv_pct(out, t->total, tshown, t->total, tshown);
	rc |= buf_addstr(out, tshown ? ",,\r\n" : ",,1\r\n");
	return rc ? -1 : 0;
}

/* Display width of UTF-8 text: code points (no wide characters here). */
static size_t
width(const char *s)
{
	size_t w = 0;

	for (; *s; s++)
		w += ((unsigned char)*s & 0xC0) != 0x80;
	return w;
}

/* s left-aligned (right when right) in w columns. */
static int
pad(struct buf *b, const char *s, size_t w, bool right)
{
	size_t n = width(s);
	int rc = 0;

	if (right)
		for (; n < w; n++)
			rc |= buf_addch(b, ' ');
	rc |= buf_addstr(b, s);
	if (!right)
		for (; n < w; n++)
			rc |= buf_addch(b, ' ');
	return rc;
}

static void
fmt_count(char *s, size_t n, const struct stats_cell *c)
{
	if (shown(c))
		snprintf(s, n, "%lld", (long long)c->count);
	else
		snprintf(s, n, "x");
}

static void
fmt_pct(char *s, size_t n, int64_t h)
{
	if (h < 0)
		s[0] = '\0';
	else
		snprintf(s, n, "%lld.%02lld", (long long)(h / 100),
		    (long long)(h % 100));
}

/* Ends a line of the text table, without trailing blanks. */
static int
endline(struct buf *b)
{
	while (b->len > 0 && b->p[b->len - 1] == ' ')
		b->p[--b->len] = '\0';
	return buf_addch(b, '\n');
}

static int
rule(struct buf *b, size_t w0, size_t rest)
{
	int rc = 0;
	size_t i;

	for (i = 0; i < w0 + 1; i++)
		rc |= buf_addch(b, '-');
	rc |= buf_addch(b, '+');
	for (i = 0; i < rest; i++)
		rc |= buf_addch(b, '-');
	return rc | buf_addch(b, '\n');
}

/* One line of the one-way text table: label, then nf right-aligned
 * fields. */
static int
text_line(struct buf *out, const char *label, size_t w0, char f[][32],
    size_t nf, const size_t *w)
{
	int rc = pad(out, label, w0, false);
	size_t c;

	rc |= buf_addstr(out, " |");
	for (c = 0; c < nf; c++) {
		rc |= buf_addch(out, ' ');
		rc |= pad(out, f[c], w[c], true);
	}
	return rc | endline(out);
}

/*
 * As TabStat lays a table out: the values with count, percent, valid
 * percent and cumulative percent; then the valid total, the missing
 * line and the total.
 */
static int
text_one_way(const struct stats_table *t, struct buf *out, const char *by)
{
	const char *hd[4] = { _("Count"), _("Percent"), _("Valid"),
	    _("Cum.") };
	const char *lab[3] = { _("Valid"), _("Missing"), _("Total") };
	bool tshown = t->total_supp == STATS_SHOWN;
	bool vshown = t->valid_supp == STATS_SHOWN;
	struct stats_cell tc = { t->total, t->total_supp };
	struct stats_cell vc = { t->valid, t->valid_supp };
	const struct stats_cell *miss = &t->cells[t->nrows - 1];
	size_t w0 = width(by), w[4], i, n = 0, c;
	char f[4][32];
	int64_t *cum;
	int rc = 0;

	if (NEVER(t->nrows == 0 || t->row_values[t->nrows - 1] != NULL))
		return -1;
	if ((cum = calloc(t->nrows, sizeof(*cum))) == NULL)
		return -1;
	cum_percents(t, cum);
	for (c = 0; c < 4; c++) {
		w[c] = width(hd[c]) > 9 ? width(hd[c]) : 9;
		n += w[c] + 1;
	}
	for (i = 0; i + 1 < t->nrows; i++)
		if (width(t->row_values[i]) > w0)
			w0 = width(t->row_values[i]);
	for (c = 0; c < 3; c++)
		if (width(lab[c]) > w0)
			w0 = width(lab[c]);
	rc |= pad(out, by, w0, false);
	rc |= buf_addstr(out, " |");
	for (c = 0; c < 4; c++) {
		rc |= buf_addch(out, ' ');
		rc |= pad(out, hd[c], w[c], true);
	}
	rc |= endline(out);
	rc |= rule(out, w0, n);
	for (i = 0; i + 1 < t->nrows; i++) {
		const struct stats_cell *cell = &t->cells[i];

		fmt_count(f[0], sizeof(f[0]), cell);
		fmt_pct(f[1], sizeof(f[1]), shown(cell) && tshown ?
		    stats_percent100(cell->count, t->total) : -1);
		fmt_pct(f[2], sizeof(f[2]), shown(cell) && vshown ?
		    stats_percent100(cell->count, t->valid) : -1);
		fmt_pct(f[3], sizeof(f[3]), cum[i]);
		rc |= text_line(out, t->row_values[i], w0, f, 4, w);
	}
	rc |= rule(out, w0, n);
	fmt_count(f[0], sizeof(f[0]), &vc);
	fmt_pct(f[1], sizeof(f[1]), vshown && tshown ?
	    stats_percent100(t->valid, t->total) : -1);
	fmt_pct(f[2], sizeof(f[2]), vshown ?
	    stats_percent100(t->valid, t->valid) : -1);
	rc |= text_line(out, lab[0], w0, f, 3, w);
	fmt_count(f[0], sizeof(f[0]), miss);
	fmt_pct(f[1], sizeof(f[1]), shown(miss) && tshown ?
	    stats_percent100(miss->count, t->total) : -1);
	rc |= text_line(out, lab[1], w0, f, 2, w);
	rc |= rule(out, w0, n);
	fmt_count(f[0], sizeof(f[0]), &tc);
	fmt_pct(f[1], sizeof(f[1]), tshown ?
	    stats_percent100(t->total, t->total) : -1);
	rc |= text_line(out, lab[2], w0, f, 2, w);
	free(cum);
	return rc;
}

static int
text_two_way(const struct stats_table *t, struct buf *out,
    const struct stats_query *q)
{
	struct stats_cell tc = { t->total, t->total_supp };
	size_t w0, *w, i, j, n = 0;
	char f[32];
	struct buf head = BUF_INIT(4096);
	int rc = 0;

	w = calloc(t->ncols + 1, sizeof(*w));
	if (w == NULL)
		return -1;
	rc |= buf_printf(&head, "%s \\ %s", q->by[0], q->by[1]);
	w0 = width(buf_cstr(&head));
	for (i = 0; i < t->nrows; i++) {
		const char *s = t->row_values[i] ? t->row_values[i] :
		    _("Missing");

		if (width(s) > w0)
			w0 = width(s);
	}
	if (width(_("Total")) > w0)
		w0 = width(_("Total"));
	for (j = 0; j <= t->ncols; j++) {
		const char *s = j == t->ncols ? _("Total") :
		    t->col_values[j] ? t->col_values[j] : _("Missing");
		const struct stats_cell *c = j == t->ncols ? &tc :
		    &t->col_totals[j];

		fmt_count(f, sizeof(f), c);
		w[j] = width(s) > width(f) ? width(s) : width(f);
		if (w[j] < 5)
			w[j] = 5;
		n += w[j] + 1;
	}
	rc |= pad(out, buf_cstr(&head), w0, false);
	rc |= buf_addstr(out, " |");
	for (j = 0; j <= t->ncols; j++) {
		rc |= buf_addch(out, ' ');
		rc |= pad(out, j == t->ncols ? _("Total") : t->col_values[j] ?
		    t->col_values[j] : _("Missing"), w[j], true);
	}
	rc |= endline(out);
	rc |= rule(out, w0, n);
	for (i = 0; i <= t->nrows; i++) {
		if (i == t->nrows)
			rc |= rule(out, w0, n);
		rc |= pad(out, i == t->nrows ? _("Total") : t->row_values[i] ?
		    t->row_values[i] : _("Missing"), w0, false);
		rc |= buf_addstr(out, " |");
		for (j = 0; j <= t->ncols; j++) {
			const struct stats_cell *c;

			if (i == t->nrows)
				c = j == t->ncols ? &tc : &t->col_totals[j];
			else
				c = j == t->ncols ? &t->row_totals[i] :
				    &t->cells[i * t->ncols + j];
			fmt_count(f, sizeof(f), c);
			rc |= buf_addch(out, ' ');
			rc |= pad(out, f, w[j], true);
		}
		rc |= endline(out);
	}
	buf_release(&head);
	free(w);
	return rc;
}

int
stats_table_text(const struct stats_table *t, const struct stats_query *q,
    struct buf *out)
{
	int rc;

	rc = t->two_way ? text_two_way(t, out, q) :
	    text_one_way(t, out, q->by[0]);
	if (rc == 0 && t->k > 0)
		rc = buf_printf(out, _("x: suppressed (fewer than %d, or "
		    "hidden so that such a count cannot be worked out)\n"),
		    t->k);
	return rc ? -1 : 0;
}
