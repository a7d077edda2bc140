/*
 * audit_bench.c - searching the audit trail as it grows.
 *
 *   audit_bench [N]	(default 1,000,000 entries)
 *
 * Fills a new database's audit table with N entries (50 users, 5,000
 * cases, a dozen actions, ten seconds apart) through db_audit_add, then
 * times db_audit_list (a page of 50 and the total, as the audit page asks)
 * for each kind of filter an administrator uses: one case, one user, one
 * action family, one day, and nothing. Beside each, the baseline in the
 * same run: the same search through a single statement that serves every
 * filter with "?n IS NULL OR ..." alternatives (how ctm searched before
 * each filter got its own index-driven statement). Each figure is the
 * best of 5 runs, in milliseconds. A figure, not a test.
 */
#include "compat.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <sqlite3.h>

#include "db.h"

#define PAGE 50

static double
now_ms(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec * 1e3 + ts.tv_nsec / 1e6;
}

static int
count_cb(void *arg, const struct audit_entry *e)
{
	(void)e;
	++*(int *)arg;
	return 0;
}

/* The former single statement, run as db_audit_list ran it. */
static const char *const baseline_where =
	"WHERE (?1 IS NULL OR username = ?1) "
	"AND (?2 = 0 OR case_id = ?2) "
	"AND (?3 IS NULL OR action = ?3 OR CASE WHEN ?4 "
	"THEN substr(action, 1, length(?3)) = ?3 "
	"ELSE substr(action, 1, length(?3) + 1) = ?3 || '.' END) "
	"AND (?5 = 0 OR at >= ?5) AND (?6 = 0 OR at <= ?6) ";

static void
bind_filter(sqlite3_stmt *st, const struct audit_filter *f)
{
	const char *a = f->action;

	sqlite3_bind_text(st, 1, f->username, -1, SQLITE_STATIC);
	sqlite3_bind_int64(st, 2, f->case_id);
	sqlite3_bind_text(st, 3, a, -1, SQLITE_STATIC);
	sqlite3_bind_int(st, 4, a && a[strlen(a) - 1] == '.');
	sqlite3_bind_int64(st, 5, f->from);
	sqlite3_bind_int64(st, 6, f->to);
}

static double
baseline(sqlite3 *h, const struct audit_filter *f)
{
	char list[1024], count[1024];
	sqlite3_stmt *l, *c;
	double t0;
	int n = 0;

	snprintf(list, sizeof(list), "SELECT id, at, username, action, "
	    "case_id, detail FROM audit %s ORDER BY at DESC, id DESC LIMIT %d",
	    baseline_where, PAGE);
	snprintf(count, sizeof(count), "SELECT count(*) FROM audit %s",
	    baseline_where);
	if (sqlite3_prepare_v2(h, count, -1, &c, NULL) != SQLITE_OK ||
	    sqlite3_prepare_v2(h, list, -1, &l, NULL) != SQLITE_OK) {
		fprintf(stderr, "audit_bench: %s\n", sqlite3_errmsg(h));
		exit(1);
	}
	t0 = now_ms();
	bind_filter(c, f);
	if (sqlite3_step(c) != SQLITE_ROW)
		exit(1);
	bind_filter(l, f);
	while (sqlite3_step(l) == SQLITE_ROW)
		n++;
	t0 = now_ms() - t0;
	sqlite3_finalize(c);
	sqlite3_finalize(l);
	return n > PAGE ? -1 : t0;
}

static double
ours(struct db *db, const struct audit_filter *f, int64_t *total)
{
	struct audit_filter g = *f;
	double t0;
	int n = 0;

	g.limit = PAGE;
	t0 = now_ms();
	if (db_audit_list(db, &g, count_cb, &n, total) != DB_OK) {
		fprintf(stderr, "audit_bench: db_audit_list failed\n");
		exit(1);
	}
	return now_ms() - t0;
}

int
main(int argc, char **argv)
{
	static const char *const actions[] = { "login.ok", "login.failed",
		"case.view", "case.update", "case.file.view",
		"case.file.update", "fund.request", "fund.decide",
		"transfer.request", "visit.record", "case.list", "stats.run" };
	long n = argc > 1 ? strtol(argv[1], NULL, 10) : 1000000;
	char path[] = "/tmp/ctm-audit-bench-XXXXXX";
	char file[64];
	struct db *db;
	sqlite3 *h;
	long i;
	int k, run;
	const int64_t t0 = 1700000000;
	struct {
		const char *what;
		struct audit_filter f;
	} q[] = {
		{ "one case", { .case_id = 1234 } },
		{ "one user", { .username = "user17" } },
		{ "one action family (fund.)", { .action = "fund." } },
		{ "one day", { 0 } },
		{ "one user's case views", { .username = "user18",
		    .action = "case.view" } },
		{ "no filter", { 0 } },
	};

	if (n < 1 || mkdtemp(path) == NULL)
		return 1;
	/* The day in the middle of the trail. */
	q[3].f.from = t0 + n * 5;
	q[3].f.to = q[3].f.from + 86399;
	snprintf(file, sizeof(file), "%s/a.db", path);
	if ((db = db_open(file, true)) == NULL)
		return 1;
	if (db_begin(db) != DB_OK)
		return 1;
	for (i = 0; i < n; i++) {
		struct audit_entry e = { .at = t0 + i * 10, .user_id = 0,
			.case_id = i % 7 ? i % 5000 + 1 : 0 };

		snprintf(e.username, sizeof(e.username), "user%ld", i % 50);
		snprintf(e.ip, sizeof(e.ip), "192.0.2.%ld", i % 250);
		snprintf(e.action, sizeof(e.action), "%s", actions[i % 12]);
		snprintf(e.detail, sizeof(e.detail), "{\"n\":%ld}", i);
		if (db_audit_add(db, &e) != DB_OK)
			return 1;
	}
	if (db_commit(db) != DB_OK ||
	    sqlite3_open_v2(file, &h, SQLITE_OPEN_READONLY, NULL) != SQLITE_OK)
		return 1;
	printf("%ld audit entries; a page of %d and the total, best of 5 "
	    "(ms)\n", n, PAGE);
	printf("%-28s %10s %12s %8s %9s\n", "filter", "ctm", "baseline",
	    "ratio", "matches");
	for (k = 0; k < (int)ARRAY_SIZE(q); k++) {
		double a = 1e18, b = 1e18, x;
		int64_t total = 0;

		for (run = 0; run < 5; run++) {
			if ((x = ours(db, &q[k].f, &total)) < a)
				a = x;
			if ((x = baseline(h, &q[k].f)) < b)
				b = x;
		}
		printf("%-28s %10.3f %12.3f %7.1fx %9lld\n", q[k].what, a, b,
		    b / a, (long long)total);
	}
	sqlite3_close(h);
	db_close(db);
	snprintf(file, sizeof(file), "rm -rf %s", path);
	return system(file) == 0 ? 0 : 1;
}
