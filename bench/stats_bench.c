/*
 * stats_bench.c - time of a two-way table over N rows (default
 * 1,000,000), beside its baseline from the same run: the same rows
 * written as CSV, loaded with `sqlite3 .import` into a plain table, and
 * the same GROUP BY in the sqlite3 shell (its .timer).
 *
 *   bench/stats_bench.sh [N]
 *
 * A figure, not a test: it prints and never fails on speed.
 */
#include "compat.h"

#include <sys/stat.h>
#include <unistd.h>

#include "buf.h"
#include "dataset.h"
#include "stats.h"

static uint64_t rng = 0x9E3779B97F4A7C15ull;

static uint32_t
rnd(uint32_t n)
{
	rng ^= rng << 13;
	rng ^= rng >> 7;
	rng ^= rng << 17;
	return (uint32_t)(rng % n);
}

/* A skewed pick in [0, n): small indices far more often, like countries. */
static uint32_t
skewed(uint32_t n)
{
	uint32_t a = rnd(n), b = rnd(n);

	return a < b ? a : b;
}

static double
now(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

static const char *const names[] = { "yearOfRegistration", "gender",
	"ageBroad", "citizenship", "CountryOfExploitation", "isForcedLabour",
	"isSexualExploit" };
static const char *const genders[] = { "Female", "Male", "",
	"Female;Male" };
static const char *const ages[] = { "0--8", "9--17", "18--20", "21--23",
	"24--26", "27--29", "30--38", "39--47", "48+", "" };

/* The best of reps timings of one query, in seconds. */
static double
time_query(const struct dataset *ds, const struct stats_query *q, int reps,
    struct stats_table **keep)
{
	double best = 1e9;
	int i;

	for (i = 0; i < reps; i++) {
		double t0 = now(), dt;
		struct stats_table *t = stats_compute(ds, q, NULL);

		dt = now() - t0;
		if (t == NULL) {
			fprintf(stderr, "stats_compute failed\n");
			exit(1);
		}
		if (dt < best)
			best = dt;
		if (keep && i == reps - 1)
			*keep = t;
		else
			stats_table_free(t);
	}
	return best;
}

/* Runs script in the sqlite3 shell on db; returns the sum of the
 * "Run Time: real" figures it prints (*wall: the whole run), -1 when the
 * shell fails. */
static double
sqlite_run(const char *db, const char *script, double *wall)
{
	char cmd[4096], line[512];
	double t0 = now();
	double sum = 0;
	FILE *p;

	snprintf(cmd, sizeof(cmd), "sqlite3 '%s' <<'EOF'\n%sEOF\n", db,
	    script);
	p = popen(cmd, "r");
	if (p == NULL)
		return -1;
	while (fgets(line, sizeof(line), p)) {
		const char *s = strstr(line, "Run Time: real ");

		if (s)
			sum += strtod(s + 15, NULL);
	}
	if (pclose(p) != 0)
		return -1;
	if (wall)
		*wall = now() - t0;
	return sum;
}

int
main(int argc, char **argv)
{
	size_t n = argc > 1 ? (size_t)strtoull(argv[1], NULL, 10) : 1000000;
	char dir[] = "/tmp/ctm-bench-XXXXXX", csv[64], db[64], script[1024];
	struct stats_query q2 = { .by = { "yearOfRegistration",
	    "citizenship" } };
	struct stats_query qk = q2, qw = q2, qm = { .by = { "gender",
	    "citizenship" }, .per_member = true };
	struct stats_table *t = NULL;
	struct dataset *ds;
	double t0, build, two, twok, twow, twom, imp, grp, grpw;
	char cit[200][3];
	FILE *f;
	size_t r, i;

	if (n == 0 || n > DATASET_ROWS_MAX)
		return 1;
	for (i = 0; i < 200; i++)
		snprintf(cit[i], sizeof(cit[i]), "%c%c", 'A' + (int)(i / 26),
		    'A' + (int)(i % 26));
	if (mkdtemp(dir) == NULL)
		return 1;
	snprintf(csv, sizeof(csv), "%s/rows.csv", dir);
	snprintf(db, sizeof(db), "%s/rows.db", dir);
	f = fopen(csv, "w");
	ds = dataset_new(ARRAY_SIZE(names), names);
	if (f == NULL || ds == NULL)
		return 1;
	fprintf(f, "yearOfRegistration,gender,ageBroad,citizenship,"
	    "CountryOfExploitation,isForcedLabour,isSexualExploit\n");

	/* Generate once; the CSV and the dataset hold the same rows. */
	build = 0;
	for (r = 0; r < n; r++) {
		char year[8];
		const char *v[7];

		snprintf(year, sizeof(year), "%u", 2002 + skewed(21));
		v[0] = rnd(20) ? year : "";
		v[1] = genders[rnd(4)];
		v[2] = ages[rnd(10)];
		v[3] = rnd(10) ? cit[skewed(200)] : "";
		v[4] = rnd(10) ? cit[skewed(120)] : "";
		v[5] = rnd(2) ? "1" : "";
		v[6] = rnd(3) ? "" : "1";
		fprintf(f, "%s,%s,%s,%s,%s,%s,%s\n", v[0], v[1], v[2], v[3],
		    v[4], v[5], v[6]);
		t0 = now();
		if (dataset_add_row(ds, v) < 0)
			return 1;
		build += now() - t0;
	}
	if (fclose(f) != 0)
		return 1;

	qk.k = 10;
	qw.where[0].var = "gender";
	qw.where[0].value = "Female";
	qw.nwhere = 1;
	two = time_query(ds, &q2, 5, &t);
	twok = time_query(ds, &qk, 5, NULL);
	twow = time_query(ds, &qw, 5, NULL);
	twom = time_query(ds, &qm, 5, NULL);

	/* The baseline, from the same rows. */
	/* .import is a dot command: .timer does not see it; wall clock. */
	snprintf(script, sizeof(script), ".import --csv %s t\n", csv);
	if (sqlite_run(db, script, &imp) < 0)
		imp = -1;
	grp = sqlite_run(db, ".timer on\n.output /dev/null\n"
	    "SELECT yearOfRegistration, citizenship, count(*) FROM t "
	    "GROUP BY yearOfRegistration, citizenship;\n"
	    "SELECT yearOfRegistration, citizenship, count(*) FROM t "
	    "GROUP BY yearOfRegistration, citizenship;\n"
	    "SELECT yearOfRegistration, citizenship, count(*) FROM t "
	    "GROUP BY yearOfRegistration, citizenship;\n", NULL) / 3;
	grpw = sqlite_run(db, ".timer on\n.output /dev/null\n"
	    "SELECT yearOfRegistration, citizenship, count(*) FROM t "
	    "WHERE gender = 'Female' "
	    "GROUP BY yearOfRegistration, citizenship;\n", NULL);

	printf("stats_bench: %zu rows, table %zu x %zu (year x citizenship)\n",
	    n, t->nrows, t->ncols);
	printf("  dataset build (add_row)        %8.1f ms\n", build * 1e3);
	printf("  two-way table                  %8.1f ms   (best of 5)\n",
	    two * 1e3);
	printf("  two-way table, k = 10          %8.1f ms\n", twok * 1e3);
	printf("  two-way table, where gender    %8.1f ms\n", twow * 1e3);
	printf("  two-way, per member (gender)   %8.1f ms\n", twom * 1e3);
	if (imp < 0 || grp < 0 || grpw < 0) {
		printf("  baseline: sqlite3 shell failed (is it installed?)\n");
	} else {
		printf("  baseline sqlite3 .import       %8.1f ms\n", imp * 1e3);
		printf("  baseline sqlite3 GROUP BY      %8.1f ms   ratio %.1fx\n",
		    grp * 1e3, two > 0 ? grp / two : 0);
		printf("  baseline GROUP BY with WHERE   %8.1f ms   ratio %.1fx\n",
		    grpw * 1e3, twow > 0 ? grpw / twow : 0);
	}
	stats_table_free(t);
	dataset_free(ds);
	unlink(csv);
	unlink(db);
	rmdir(dir);
	return 0;
}
