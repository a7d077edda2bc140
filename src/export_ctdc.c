/*
 * export_ctdc.c - the caseload as a k-anonymised CTDC file (see the
 * header for the method and the layout).
 */
#include "compat.h"

#include <ctype.h>
#include <errno.h>
#include <getopt.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "csvout.h"
#include "buf.h"
#include "cli.h"
#include "export_ctdc.h"
#include "import_ctdc.h"
#include "log.h"
#include "research.h"
#include "role.h"

/* ------------------------------------------------------------------ */
/* UN M49 regions                                                      */

enum m49 {
	M49_AFRICA,
	M49_AMERICAS,
	M49_ASIA,
	M49_EUROPE,
	M49_OCEANIA,
	M49__MAX
};

static const char *const m49_names[M49__MAX] = {
	[M49_AFRICA] = "Africa",
	[M49_AMERICAS] = "Americas",
	[M49_ASIA] = "Asia",
	[M49_EUROPE] = "Europe",
	[M49_OCEANIA] = "Oceania",
};

/*
 * Every ISO 3166-1 country of iso-codes but Antarctica, by the region of
 * the UN M49 standard. The assignments are those of CTDC's own table
 * (sheet 3, UNRegion, of its k-anon data dictionary of 2021-08-25); the
 * territories it leaves without one (BV CC CX GS HM IO TF UM) and the
 * codes it lacks (AX BL BQ GG IM) are placed as M49 places them. Taiwan
 * (TW), absent from M49, is in Asia as CTDC has it. Codes sorted, one
 * space apart (each list in parentheses: one string, not several).
 */
static const char *const m49_codes[M49__MAX] = {
	[M49_AFRICA] =	/* 60 */
	    ("AO BF BI BJ BW CD CF CG CI CM CV DJ DZ EG EH ER ET GA GH GM "
	    "GN GQ GW IO KE KM LR LS LY MA MG ML MR MU MW MZ NA NE NG RE "
	    "RW SC SD SH SL SN SO SS ST SZ TD TF TG TN TZ UG YT ZA ZM ZW"),
	[M49_AMERICAS] =	/* 57 */
	    ("AG AI AR AW BB BL BM BO BQ BR BS BV BZ CA CL CO CR CU CW DM "
	    "DO EC FK GD GF GL GP GS GT GY HN HT JM KN KY LC MF MQ MS MX "
	    "NI PA PE PM PR PY SR SV SX TC TT US UY VC VE VG VI"),
	[M49_ASIA] =	/* 51 */
	    ("AE AF AM AZ BD BH BN BT CN CY GE HK ID IL IN IQ IR JO JP KG "
	    "KH KP KR KW KZ LA LB LK MM MN MO MV MY NP OM PH PK PS QA SA "
	    "SG SY TH TJ TL TM TR TW UZ VN YE"),
	[M49_EUROPE] =	/* 51 */
	    ("AD AL AT AX BA BE BG BY CH CZ DE DK EE ES FI FO FR GB GG GI "
	    "GR HR HU IE IM IS IT JE LI LT LU LV MC MD ME MK MT NL NO PL "
	    "PT RO RS RU SE SI SJ SK SM UA VA"),
	[M49_OCEANIA] =	/* 29 */
	    ("AS AU CC CK CX FJ FM GU HM KI MH MP NC NF NR NU NZ PF PG PN "
	    "PW SB TK TO TV UM VU WF WS"),
};

const char *
export_ctdc_region(const char *a2)
{
	size_t r;

	if (a2 == NULL || !isupper((unsigned char)a2[0]) ||
	    !isupper((unsigned char)a2[1]) || a2[2] != '\0')
		return NULL;
	for (r = 0; r < M49__MAX; r++) {
		const char *p;

		for (p = m49_codes[r]; p[0] && p[1]; p += p[2] ? 3 : 2)
			if (p[0] == a2[0] && p[1] == a2[1])
				return m49_names[r];
	}
	return NULL;
}

/* ------------------------------------------------------------------ */
/* Hierarchies                                                         */

const char *const export_ctdc_qvars[QV__MAX] = {
	[QV_GENDER] = "gender",
	[QV_AGE_BROAD] = "ageBroad",
	[QV_MAJORITY] = "majorityStatus",
	[QV_CITIZENSHIP] = "citizenship",
	[QV_COUNTRY_EXPLOITATION] = "CountryOfExploitation",
	[QV_YEAR] = "yearOfRegistration",
};

/* The quasi-identifiers as they move: age is two variables, one level. */
enum qi {
	QI_GENDER,
	QI_AGE,
	QI_CITIZENSHIP,
	QI_COUNTRY,
	QI_YEAR,
	QI__MAX
};

#define LEVELS 3	/* as is, generalised, suppressed */

static const enum qi qv_qi[QV__MAX] = {
	[QV_GENDER] = QI_GENDER,
	[QV_AGE_BROAD] = QI_AGE,
	[QV_MAJORITY] = QI_AGE,
	[QV_CITIZENSHIP] = QI_CITIZENSHIP,
	[QV_COUNTRY_EXPLOITATION] = QI_COUNTRY,
	[QV_YEAR] = QI_YEAR,
};

/* What a level costs, cheapest first as the header lists them. Gender
 * has no middle level (it is the same as level 0, at the same cost). */
static const int level_cost[QI__MAX][LEVELS] = {
	[QI_YEAR] = { 0, 1, 5 },
	[QI_AGE] = { 0, 2, 6 },
	[QI_COUNTRY] = { 0, 3, 7 },
	[QI_CITIZENSHIP] = { 0, 4, 8 },
	[QI_GENDER] = { 0, 0, 9 },
};

/* "0--17" or "18+" for an age band ("24--26", "48+", "9—17", "17"),
 * NULL when the band straddles 18 or is not one. */
static const char *
age_generalise(const char *s)
{
	const char *p;
	char *end;
	long lo, hi;

	if (s == NULL || !isdigit((unsigned char)*s))
		return NULL;
	lo = strtol(s, &end, 10);
	if (lo >= 18)
		return "18+";
	if (*end == '\0')
		return "0--17";
	for (p = end; *p && !isdigit((unsigned char)*p); p++)
		if (*p == '+')
			return NULL;
	if (*p == '\0')
		return NULL;
	hi = strtol(p, NULL, 10);
	return hi <= 17 ? "0--17" : NULL;
}

/* The 5-year period of a year ("2023" -> "2020--2024") into out, or
 * NULL when s is not a year. */
static const char *
year_generalise(const char *s, char out[32])
{
	int y;

	if (s == NULL || strlen(s) != 4 || strspn(s, "0123456789") != 4)
		return NULL;
	y = (s[0] - '0') * 1000 + (s[1] - '0') * 100 + (s[2] - '0') * 10 +
	    (s[3] - '0');
	snprintf(out, 32, "%d--%d", y - y % 5, y - y % 5 + 4);
	return out;
}

/* ------------------------------------------------------------------ */
/* Combinations and their counts                                       */

struct key {
	uint32_t v[QV__MAX];
};

#define NONE UINT32_MAX

struct entry {
	struct key key;
	int64_t count;
	int64_t reach;		/* rows a group added to what could reach
				   its targets this round */
	uint32_t head;		/* first cell of a group, NONE */
};

/* An open-addressing table of keys; entries keep their index. */
struct table {
	struct entry *e;
	size_t n, cap;
	uint32_t *slots;	/* entry index, NONE when free */
	size_t nslots;		/* a power of two */
};

static uint64_t
key_hash(const struct key *k)
{
	uint64_t h = 0x9E3779B97F4A7C15ull;
	size_t i;

	for (i = 0; i < QV__MAX; i++) {
		h ^= k->v[i];
		h *= 0xFF51AFD7ED558CCDull;
		h ^= h >> 32;
	}
	return h;
}

static bool
key_eq(const struct key *a, const struct key *b)
{
	return memcmp(a->v, b->v, sizeof(a->v)) == 0;
}

static void
table_release(struct table *t)
{
	free(t->e);
	free(t->slots);
	memset(t, 0, sizeof(*t));
}

static void
table_clear(struct table *t)
{
	t->n = 0;
	if (t->slots)
		memset(t->slots, 0xFF, t->nslots * sizeof(*t->slots));
}

static int
table_rehash(struct table *t, size_t nslots)
{
	uint32_t *s = malloc(nslots * sizeof(*s));
	size_t i;

	if (s == NULL)
		return -1;
	memset(s, 0xFF, nslots * sizeof(*s));
	for (i = 0; i < t->n; i++) {
		size_t j = (size_t)key_hash(&t->e[i].key) & (nslots - 1);

		while (s[j] != NONE)
			j = (j + 1) & (nslots - 1);
		s[j] = (uint32_t)i;
	}
	free(t->slots);
	t->slots = s;
	t->nslots = nslots;
	return 0;
}

/* The index of k's entry, or NONE. */
static uint32_t
table_find(const struct table *t, const struct key *k)
{
	size_t j;

	if (t->nslots == 0)
		return NONE;
	j = (size_t)key_hash(k) & (t->nslots - 1);
	while (t->slots[j] != NONE) {
		if (key_eq(&t->e[t->slots[j]].key, k))
			return t->slots[j];
		j = (j + 1) & (t->nslots - 1);
	}
	return NONE;
}

static int64_t
table_count(const struct table *t, const struct key *k)
{
	uint32_t i = table_find(t, k);

	return i == NONE ? 0 : t->e[i].count;
}

/* The index of k's entry, added (count 0) when absent; NONE when memory
 * runs out. Adding may move t->e: hold indices, not pointers. */
static uint32_t
table_get(struct table *t, const struct key *k)
{
	uint32_t i = table_find(t, k);
	size_t j;

	if (i != NONE)
		return i;
	if (t->n >= NONE - 1)
		return NONE;
	if (t->n == t->cap) {
		size_t ncap = t->cap ? t->cap * 2 : 256;
		struct entry *ne = realloc(t->e, ncap * sizeof(*ne));

		if (ne == NULL)
			return NONE;
		t->e = ne;
		t->cap = ncap;
	}
	if ((t->n + 1) * 2 > t->nslots &&
	    table_rehash(t, t->nslots ? t->nslots * 2 : 512) < 0)
		return NONE;
	i = (uint32_t)t->n++;
	t->e[i].key = *k;
	t->e[i].count = 0;
	t->e[i].reach = 0;
	t->e[i].head = NONE;
	j = (size_t)key_hash(k) & (t->nslots - 1);
	while (t->slots[j] != NONE)
		j = (j + 1) & (t->nslots - 1);
	t->slots[j] = i;
	return i;
}

/* ------------------------------------------------------------------ */
/* The recoding                                                        */

/* Rows with the same values of every quasi-identifier: they always move
 * together. */
struct cell {
	uint32_t src[QV__MAX];		/* codes in the dataset */
	uint8_t level[QI__MAX];
	int64_t count;
	uint32_t next;			/* next cell of its group, NONE */
};

struct kanon {
	const struct dataset *ds;
	int k;
	int var[QV__MAX];		/* index in ds, -1: absent */
	uint32_t ncodes[QV__MAX];
	/* The output of each code at each level: 0 missing, a code of ds
	 * for a value ds has, else ncodes + index in gen[]. */
	uint32_t *out[QV__MAX][LEVELS];
	char **gen[QV__MAX];
	size_t ngen[QV__MAX];
	struct cell *cells;
	size_t ncells;
	uint32_t *row_cell;
	struct table groups;		/* key -> rows there and their cells */
	struct table reach;		/* key -> rows of small groups that
					   could move there */
};

/* A coarser combination a group could move to. */
struct target {
	struct key key;
	uint8_t level[QI__MAX];
	int cost;
	bool single;			/* one step on one variable */
};

#define TARGETS_MAX 243		/* 3^QI__MAX */

static void
kanon_release(struct kanon *kn)
{
	size_t q, l, i;

	for (q = 0; q < QV__MAX; q++) {
		for (l = 0; l < LEVELS; l++)
			free(kn->out[q][l]);
		for (i = 0; i < kn->ngen[q]; i++)
			free(kn->gen[q][i]);
		free(kn->gen[q]);
	}
	free(kn->cells);
	free(kn->row_cell);
	table_release(&kn->groups);
	table_release(&kn->reach);
}

/* The output id of s for variable qv (s NULL: missing). */
static int
intern(struct kanon *kn, size_t qv, const char *s, uint32_t *id)
{
	uint32_t code;
	size_t i;
	char **ng, *copy;

	*id = 0;
	if (s == NULL)
		return 0;
	if (kn->var[qv] >= 0 &&
	    (code = dataset_lookup(kn->ds, (size_t)kn->var[qv], s)) != 0) {
		*id = code;
		return 0;
	}
	for (i = 0; i < kn->ngen[qv]; i++)
		if (strcmp(kn->gen[qv][i], s) == 0) {
			*id = kn->ncodes[qv] + (uint32_t)i;
			return 0;
		}
	if ((copy = strdup(s)) == NULL)
		return -1;
	ng = realloc(kn->gen[qv], (kn->ngen[qv] + 1) * sizeof(*ng));
	if (ng == NULL) {
		free(copy);
		return -1;
	}
	kn->gen[qv] = ng;
	ng[kn->ngen[qv]] = copy;
	*id = kn->ncodes[qv] + (uint32_t)kn->ngen[qv]++;
	return 0;
}

static const char *
out_text(const struct kanon *kn, size_t qv, uint32_t id)
{
	if (id == 0)
		return NULL;
	if (id < kn->ncodes[qv])
		return dataset_value(kn->ds, (size_t)kn->var[qv], id);
	return kn->gen[qv][id - kn->ncodes[qv]];
}

/* The hierarchies of the values ds has. */
static int
kanon_levels(struct kanon *kn)
{
	size_t qv, l;
	uint32_t c;

	for (qv = 0; qv < QV__MAX; qv++) {
		kn->var[qv] = dataset_var_index(kn->ds, export_ctdc_qvars[qv]);
		kn->ncodes[qv] = kn->var[qv] >= 0 ?
		    dataset_ncodes(kn->ds, (size_t)kn->var[qv]) : 1;
		for (l = 0; l < LEVELS; l++) {
			kn->out[qv][l] = calloc(kn->ncodes[qv], sizeof(uint32_t));
			if (kn->out[qv][l] == NULL)
				return -1;
		}
		for (c = 1; c < kn->ncodes[qv]; c++) {
			const char *s = dataset_value(kn->ds,
			    (size_t)kn->var[qv], c), *g = s;
			char buf[32];

			switch (qv) {
			case QV_AGE_BROAD:
				g = age_generalise(s);
				break;
			case QV_CITIZENSHIP:
			case QV_COUNTRY_EXPLOITATION:
				g = export_ctdc_region(s);
				break;
			case QV_YEAR:
				g = year_generalise(s, buf);
				break;
			default:
				break;
			}
			kn->out[qv][0][c] = c;
			if (intern(kn, qv, g, &kn->out[qv][1][c]) < 0)
				return -1;
			/* level 2: 0, suppressed */
		}
	}
	return 0;
}

static void
cell_key(const struct kanon *kn, const struct cell *c,
    const uint8_t level[QI__MAX], struct key *k)
{
	size_t qv;

	for (qv = 0; qv < QV__MAX; qv++)
		k->v[qv] = kn->out[qv][level[qv_qi[qv]]][c->src[qv]];
}

/* Whether the variables of q read the same at levels a and b. */
static bool
qi_same(const struct kanon *kn, const struct cell *c, size_t q, int a, int b)
{
	size_t qv;

	for (qv = 0; qv < QV__MAX; qv++)
		if (qv_qi[qv] == q &&
		    kn->out[qv][a][c->src[qv]] != kn->out[qv][b][c->src[qv]])
			return false;
	return true;
}

/* Groups the rows into cells, and the cells into groups at level 0. */
static int
kanon_cells(struct kanon *kn)
{
	struct table idx = { 0 };
	size_t n = dataset_nrows(kn->ds), r, qv, cap = 0;
	const uint32_t *col[QV__MAX];
	int rc = -1;

	for (qv = 0; qv < QV__MAX; qv++)
		col[qv] = kn->var[qv] >= 0 ?
		    dataset_column_codes(kn->ds, (size_t)kn->var[qv]) : NULL;
	if (n > 0 && (kn->row_cell = malloc(n * sizeof(uint32_t))) == NULL)
		return -1;
	for (r = 0; r < n; r++) {
		struct key k;
		uint32_t i;

		for (qv = 0; qv < QV__MAX; qv++)
			k.v[qv] = col[qv] ? col[qv][r] : 0;
		if ((i = table_get(&idx, &k)) == NONE)
			goto out;
		if (idx.e[i].count == 0) {
			struct cell *c;

			if (kn->ncells == cap) {
				size_t ncap = cap ? cap * 2 : 256;
				struct cell *nc = realloc(kn->cells,
				    ncap * sizeof(*nc));

				if (nc == NULL)
					goto out;
				kn->cells = nc;
				cap = ncap;
			}
			c = &kn->cells[kn->ncells];
			memset(c, 0, sizeof(*c));
			memcpy(c->src, k.v, sizeof(c->src));
			c->next = NONE;
			idx.e[i].head = (uint32_t)kn->ncells++;
		}
		idx.e[i].count++;
		kn->cells[idx.e[i].head].count++;
		kn->row_cell[r] = idx.e[i].head;
	}
	/* At level 0 every cell is a group of its own. */
	for (r = 0; r < kn->ncells; r++) {
		struct cell *c = &kn->cells[r];
		struct key k;
		uint32_t g;

		cell_key(kn, c, c->level, &k);
		if ((g = table_get(&kn->groups, &k)) == NONE)
			goto out;
		c->next = kn->groups.e[g].head;
		kn->groups.e[g].head = (uint32_t)r;
		kn->groups.e[g].count += c->count;
	}
	rc = 0;
out:
	table_release(&idx);
	return rc;
}

/*
 * The combinations coarser than cell c's, each once: for every variable
 * the levels from c's up whose values differ, in every combination but
 * c's own. Returns how many were written to t.
 */
static size_t
targets(const struct kanon *kn, const struct cell *c,
    struct target t[TARGETS_MAX])
{
	uint8_t opt[QI__MAX][LEVELS], nopt[QI__MAX], at[QI__MAX] = { 0 };
	int base = 0;
	size_t q, n = 0;

	for (q = 0; q < QI__MAX; q++) {
		int l, last = c->level[q];

		base += level_cost[q][c->level[q]];
		opt[q][0] = c->level[q];
		nopt[q] = 1;
		for (l = c->level[q] + 1; l < LEVELS; l++)
			if (!qi_same(kn, c, q, last, l)) {
				opt[q][nopt[q]++] = (uint8_t)l;
				last = l;
			}
	}
	for (;;) {
		/* the next combination, as a mixed-radix counter */
		for (q = 0; q < QI__MAX; q++) {
			if (++at[q] < nopt[q])
				break;
			at[q] = 0;
		}
		if (q == QI__MAX)
			break;
		if (ALWAYS(n < TARGETS_MAX)) {
			struct target *x = &t[n++];
			int steps = 0, cost = 0;

			for (q = 0; q < QI__MAX; q++) {
				x->level[q] = opt[q][at[q]];
				cost += level_cost[q][x->level[q]];
				steps += at[q];
			}
			x->cost = cost - base;
			x->single = steps == 1;
			cell_key(kn, c, x->level, &x->key);
		}
	}
	return n;
}

/* Adds delta rows to what could reach each target of group g. */
static int
reach_add(struct kanon *kn, uint32_t g, int64_t delta)
{
	struct target t[TARGETS_MAX];
	size_t i, n;

	n = targets(kn, &kn->cells[kn->groups.e[g].head], t);
	for (i = 0; i < n; i++) {
		uint32_t e = table_get(&kn->reach, &t[i].key);

		if (e == NONE)
			return -1;
		kn->reach.e[e].count += delta;
	}
	return 0;
}

/* Moves every cell of group g up to at least the levels of x. */
static int
move(struct kanon *kn, uint32_t g, const struct target *x)
{
	uint32_t ci = kn->groups.e[g].head;

	kn->groups.e[g].head = NONE;
	kn->groups.e[g].count = 0;
	while (ci != NONE) {
		struct cell *c = &kn->cells[ci];
		uint32_t next = c->next, to;
		struct key k;
		size_t q;

		for (q = 0; q < QI__MAX; q++)
			if (c->level[q] < x->level[q])
				c->level[q] = x->level[q];
		cell_key(kn, c, c->level, &k);
		if ((to = table_get(&kn->groups, &k)) == NONE)
			return -1;
		c->next = kn->groups.e[to].head;
		kn->groups.e[to].head = ci;
		kn->groups.e[to].count += c->count;
		ci = next;
	}
	return 0;
}

/*
 * Decides for small group g: stays (0), moves (1), or -1 when memory
 * runs out.
 */
static int
step(struct kanon *kn, uint32_t g)
{
	struct target t[TARGETS_MAX];
	struct key own = kn->groups.e[g].key;
	int64_t cnt = kn->groups.e[g].count, best_score = -1;
	const struct target *best = NULL;
	bool best_reaches = false;
	size_t i, n;

	/* Others could bring it to k: wait for them. */
	if (cnt + table_count(&kn->reach, &own) >= kn->k)
		return 0;
	n = targets(kn, &kn->cells[kn->groups.e[g].head], t);
	for (i = 0; i < n; i++) {
		int64_t score = table_count(&kn->groups, &t[i].key) +
		    table_count(&kn->reach, &t[i].key);
		bool reaches = score >= kn->k;

		if (reaches) {
			if (!best_reaches || t[i].cost < best->cost ||
			    (t[i].cost == best->cost && score > best_score)) {
				best = &t[i];
				best_score = score;
				best_reaches = true;
			}
		} else if (!best_reaches && t[i].single &&
		    (best == NULL || score > best_score ||
		    (score == best_score && t[i].cost < best->cost))) {
			best = &t[i];
			best_score = score;
		}
	}
	if (best == NULL)
		return 0;	/* nothing left to suppress */
	if (reach_add(kn, g, -kn->groups.e[g].reach) < 0)
		return -1;
	kn->groups.e[g].reach = 0;
	return move(kn, g, best) < 0 ? -1 : 1;
}

struct small {
	uint32_t g;
	int64_t count;
	struct key key;
};

static int
small_cmp(const void *a, const void *b)
{
	const struct small *x = a, *y = b;

	if (x->count != y->count)
		return x->count > y->count ? -1 : 1;
	return memcmp(x->key.v, y->key.v, sizeof(x->key.v));
}

/* Rounds until no group under k can move. */
static int
kanon_run(struct kanon *kn)
{
	struct small *s = NULL;
	size_t ns, i;
	int rc = -1;

	for (;;) {
		int moved = 0, r;

		free(s);
		s = NULL;
		ns = 0;
		for (i = 0; i < kn->groups.n; i++)
			if (kn->groups.e[i].count > 0 &&
			    kn->groups.e[i].count < kn->k)
				ns++;
		if (ns == 0)
			break;
		if ((s = malloc(ns * sizeof(*s))) == NULL)
			goto out;
		ns = 0;
		for (i = 0; i < kn->groups.n; i++) {
			struct entry *e = &kn->groups.e[i];

			e->reach = 0;
			if (e->count > 0 && e->count < kn->k) {
				s[ns].g = (uint32_t)i;
				s[ns].count = e->count;
				s[ns++].key = e->key;
			}
		}
		qsort(s, ns, sizeof(*s), small_cmp);
		table_clear(&kn->reach);
		for (i = 0; i < ns; i++) {
			kn->groups.e[s[i].g].reach = s[i].count;
			if (reach_add(kn, s[i].g, s[i].count) < 0)
				goto out;
		}
		for (i = 0; i < ns; i++) {
			int64_t c = kn->groups.e[s[i].g].count;

			/* It may have grown, or moved, since the round began. */
			if (c == 0 || c >= kn->k)
				continue;
			if ((r = step(kn, s[i].g)) < 0)
				goto out;
			moved += r;
		}
		if (!moved)
			break;
	}
	rc = 0;
out:
	free(s);
	return rc;
}

/* The recoded dataset and the report, from the final groups. */
static struct dataset *
kanon_result(struct kanon *kn, struct export_ctdc_report *rep)
{
	const struct dataset *ds = kn->ds;
	size_t nvars = dataset_nvars(ds), n = dataset_nrows(ds), v, r, i;
	const char *names[DATASET_VARS_MAX], *vals[DATASET_VARS_MAX];
	int qv_of[DATASET_VARS_MAX];
	bool *keep = NULL;
	struct dataset *out = NULL;

	for (v = 0; v < nvars; v++) {
		names[v] = dataset_var_name(ds, v);
		qv_of[v] = -1;
	}
	for (i = 0; i < QV__MAX; i++)
		if (kn->var[i] >= 0)
			qv_of[kn->var[i]] = (int)i;
	if ((keep = calloc(kn->ncells ? kn->ncells : 1, sizeof(*keep))) == NULL)
		return NULL;
	for (i = 0; i < kn->groups.n; i++) {
		const struct entry *e = &kn->groups.e[i];
		uint32_t ci;

		if (e->count == 0)
			continue;
		if (e->count >= kn->k) {
			rep->groups++;
			if (rep->smallest == 0 || (size_t)e->count < rep->smallest)
				rep->smallest = (size_t)e->count;
		}
		for (ci = e->head; ci != NONE; ci = kn->cells[ci].next) {
			const struct cell *c = &kn->cells[ci];
			size_t qv;

			if (e->count < kn->k) {
				rep->rows_dropped += (size_t)c->count;
				continue;
			}
			keep[ci] = true;
			rep->rows_out += (size_t)c->count;
			for (qv = 0; qv < QV__MAX; qv++) {
				uint32_t o = e->key.v[qv];

				if (o == 0 && c->src[qv] != 0)
					rep->suppressed[qv] += (size_t)c->count;
				else if (o != c->src[qv])
					rep->generalised[qv] += (size_t)c->count;
			}
		}
	}
	if ((out = dataset_new(nvars, names)) == NULL)
		goto out;
	for (r = 0; r < n; r++) {
		const struct cell *c = &kn->cells[kn->row_cell[r]];
		struct key k;

		if (!keep[kn->row_cell[r]])
			continue;
		cell_key(kn, c, c->level, &k);
		for (v = 0; v < nvars; v++)
			vals[v] = qv_of[v] >= 0 ?
			    out_text(kn, (size_t)qv_of[v], k.v[qv_of[v]]) :
			    dataset_value(ds, v, dataset_code(ds, v, r));
		if (dataset_add_row(out, vals) < 0) {
			dataset_free(out);
			out = NULL;
			goto out;
		}
	}
out:
	free(keep);
	return out;
}

struct dataset *
export_ctdc_kanon(const struct dataset *ds, int k,
    struct export_ctdc_report *rep)
{
	struct export_ctdc_report dummy;
	struct kanon kn;
	struct dataset *out = NULL;

	if (rep == NULL)
		rep = &dummy;
	memset(rep, 0, sizeof(*rep));
	if (ds == NULL || k < 1 || k > EXPORT_CTDC_K_MAX)
		return NULL;
	rep->k = k;
	rep->rows_in = dataset_nrows(ds);
	memset(&kn, 0, sizeof(kn));
	kn.ds = ds;
	kn.k = k;
	if (kanon_levels(&kn) < 0 || kanon_cells(&kn) < 0 ||
	    kanon_run(&kn) < 0)
		goto out;
	out = kanon_result(&kn, rep);
out:
	if (out == NULL) {
		memset(rep, 0, sizeof(*rep));
		error("export ctdc: out of memory");
	}
	kanon_release(&kn);
	return out;
}

/* ------------------------------------------------------------------ */
/* CSV                                                                 */

#define MISSING "-99"

int
export_ctdc_csv(const struct dataset *ds, FILE *f)
{
	const char *const *cols;
	size_t ncols = ctdc_layout_vars(CTDC_GLOBAL_KANON, &cols), j, r, n;
	int idx[DATASET_VARS_MAX];
	struct buf b = BUF_INIT(4u << 20);
	int rc = -1;

	if (NEVER(ncols > DATASET_VARS_MAX))
		return -1;
	for (j = 0; j < ncols; j++) {
		idx[j] = dataset_var_index(ds, cols[j]);
		if (buf_addstr(&b, j ? "," : "") < 0 ||
		    csv_field(&b, cols[j]) < 0)
			goto out;
	}
	if (buf_addstr(&b, "\r\n") < 0)
		goto out;
	n = dataset_nrows(ds);
	for (r = 0; r <= n; r++) {
		if (b.len > (1u << 20) || r == n) {
			if (b.len && fwrite(b.p, 1, b.len, f) != b.len)
				goto out;
			buf_reset(&b);
		}
		if (r == n)
			break;
		for (j = 0; j < ncols; j++) {
			const char *v = NULL;

			if (idx[j] >= 0)
				v = dataset_value(ds, (size_t)idx[j],
				    dataset_code(ds, (size_t)idx[j], r));
			else if (strcmp(cols[j], "Datasource") == 0)
				v = "Case Management";
			if ((j && buf_addch(&b, ',') < 0) ||
			    (v ? csv_field(&b, v) : buf_addstr(&b, MISSING)) < 0)
				goto out;
		}
		if (buf_addstr(&b, "\r\n") < 0)
			goto out;
	}
	rc = fflush(f) == 0 && !ferror(f) ? 0 : -1;
out:
	buf_release(&b);
	return rc;
}

/* ------------------------------------------------------------------ */
/* Report                                                              */

void
export_ctdc_report_print(const struct export_ctdc_report *rep, FILE *f)
{
	size_t qv;
	bool any = false;

	fprintf(f, "export ctdc: %zu case%s with consent to research use, "
	    "%zu written, %zu left out\n", rep->rows_in, rep->rows_in == 1 ?
	    "" : "s", rep->rows_out, rep->rows_dropped);
	if (rep->rows_out)
		fprintf(f, "  k = %d: %zu combination%s of the quasi-"
		    "identifiers, the smallest of %zu row%s\n", rep->k,
		    rep->groups, rep->groups == 1 ? "" : "s", rep->smallest,
		    rep->smallest == 1 ? "" : "s");
	else
		fprintf(f, "  k = %d: no combination of the quasi-identifiers "
		    "has %d rows\n", rep->k, rep->k);
	for (qv = 0; qv < QV__MAX; qv++)
		any = any || rep->generalised[qv] || rep->suppressed[qv];
	if (!any) {
		fprintf(f, "  nothing generalised or suppressed in the rows "
		    "written\n");
		return;
	}
	fprintf(f, "  %-24s %11s %11s\n", "variable", "generalised",
	    "suppressed");
	for (qv = 0; qv < QV__MAX; qv++)
		fprintf(f, "  %-24s %11zu %11zu\n", export_ctdc_qvars[qv],
		    rep->generalised[qv], rep->suppressed[qv]);
	fprintf(f, "  (generalised: age to 0--17 or 18+, countries to UN "
	    "regions, years to 5-year periods; suppressed values are written "
	    "-99, as missing data)\n");
}

/* ------------------------------------------------------------------ */
/* ctm export ctdc                                                     */

static const char usage_text[] =
"usage: ctm export ctdc --db PATH [--k N] [--output FILE] [--key-file PATH]\n"
"\n"
"Writes the cases whose latest consent covers research use as CSV in the\n"
"layout of CTDC's k-anonymised dataset (63 columns; -99 for missing or\n"
"suppressed values), after generalising (age to 0--17 or 18+, countries\n"
"to UN regions, years to 5-year periods) or suppressing values, or\n"
"leaving rows out, until every combination of gender, age, citizenship,\n"
"country of exploitation and year of registration occurs at least N times\n"
"(--k, 2 to 1000, default 10). The file is written with mode 0600, whole\n"
"or not at all; without --output, to standard output. What was\n"
"generalised or suppressed is reported on standard error.\n";

/* A temporary file beside path, mode 0600. */
static FILE *
open_temp(const char *path, char *tmp, size_t size)
{
	int fd;
	FILE *f;

	if ((size_t)snprintf(tmp, size, "%s.XXXXXX", path) >= size) {
		errno = ENAMETOOLONG;
		return NULL;
	}
	if ((fd = mkstemp(tmp)) < 0)
		return NULL;
	if (fchmod(fd, 0600) != 0 || (f = fdopen(fd, "w")) == NULL) {
		int e = errno;

		close(fd);
		unlink(tmp);
		errno = e;
		return NULL;
	}
	return f;
}

int
cli_export_ctdc(int argc, char **argv)
{
	static const struct option lopts[] = {
		{ "db", required_argument, NULL, 'd' },
		{ "k", required_argument, NULL, 'k' },
		{ "output", required_argument, NULL, 'o' },
		{ "key-file", required_argument, NULL, 'K' },
		{ "help", no_argument, NULL, 'h' },
		{ NULL, 0, NULL, 0 },
	};
	const char *db = NULL, *output = NULL, *key_file = NULL;
	struct export_ctdc_report rep;
	struct dataset *ds = NULL, *anon = NULL;
	char tmp[PATH_MAX], detail[128];
	struct app app;
	struct req r;
	FILE *f = NULL;
	long k = EXPORT_CTDC_K_DEFAULT;
	int c, rc = 1;
	bool opened = false;
	char *end;

	if (argc < 2 || strcmp(argv[1], "ctdc") != 0)
		return cli_fail("usage: ctm export ctdc --db PATH [--k N] "
		    "[--output FILE]"), 2;
	argc--;
	argv++;
	optind = 1;
	opterr = 0;
	while ((c = getopt_long(argc, argv, "", lopts, NULL)) != -1) {
		switch (c) {
		case 'd': db = optarg; break;
		case 'o': output = optarg; break;
		case 'K': key_file = optarg; break;
		case 'k':
			errno = 0;
			k = strtol(optarg, &end, 10);
			if (errno || end == optarg || *end || k < 2 ||
			    k > EXPORT_CTDC_K_MAX)
				return cli_fail("--k wants a number from 2 to %d",
				    EXPORT_CTDC_K_MAX), 2;
			break;
		case 'h':
			fputs(usage_text, stdout);
			return 0;
		default:
			return cli_fail("unknown or incomplete option %s",
			    argv[optind - 1]), 2;
		}
	}
	if (optind != argc)
		return cli_fail("unexpected argument: %s", argv[optind]), 2;
	if (db == NULL)
		return cli_fail("--db PATH is required"), 2;
	if (output && *output == '\0')
		return cli_fail("--output wants a file name"), 2;

	/* The file first, so that a bad path fails before the work. */
	if (output && (f = open_temp(output, tmp, sizeof(tmp))) == NULL)
		return cli_fail("cannot write %s: %s", output, strerror(errno));
	if (cli_open(&app, db, key_file) != 0)
		goto out;
	opened = true;
	cli_req(&r, &app, NULL);
	if ((ds = research_caseload(&r, 0, true)) == NULL) {
		cli_fail("cannot read the caseload");
		goto out;
	}
	if ((anon = export_ctdc_kanon(ds, (int)k, &rep)) == NULL) {
		cli_fail("cannot anonymise the caseload (out of memory)");
		goto out;
	}
	if (export_ctdc_csv(anon, f ? f : stdout) < 0) {
		cli_fail("cannot write %s: %s", output ? output :
		    "the standard output", strerror(errno));
		goto out;
	}
	if (f) {
		int e = fsync(fileno(f));

		e |= fclose(f);
		f = NULL;
		if (e != 0 || rename(tmp, output) != 0) {
			cli_fail("cannot write %s: %s", output, strerror(errno));
			unlink(tmp);
			goto out;
		}
	}
	export_ctdc_report_print(&rep, stderr);
	snprintf(detail, sizeof(detail), "{\"k\":%ld,\"rows\":%zu,"
	    "\"dropped\":%zu}", k, rep.rows_out, rep.rows_dropped);
	cli_audit(app.db, "export.ctdc", "caseload", detail);
	rc = 0;
out:
	if (f) {
		fclose(f);
		unlink(tmp);
	}
	dataset_free(anon);
	dataset_free(ds);
	if (opened)
		cli_close(&app);
	return rc;
}
