/*
 * htcds.c - HTCDS exchange of case files on the command line: export
 * of the caseload as JSON or CSV, import of such files into an office.
 * See htcds.h.
 */
#include "compat.h"

#include <ctype.h>
#include <errno.h>
#include <fcntl.h>
#include <getopt.h>
#include <sys/stat.h>
#include <unistd.h>

#include <csv.h>
#include <sodium.h>

#include "csvout.h"
#include "buf.h"
#include "casefile.h"
#include "catalogue.h"
#include "cli.h"
#include "db.h"
#include "htcds.h"
#include "htcds_toolkit.h"
#include "log.h"

#define HTCDS_FILE_MAX (256u << 20)	/* bytes read from an import file */
#define HTCDS_CASES_MAX 100000		/* cases in one import */
#define HTCDS_REPORT_MAX 50		/* problems listed, then counted */

enum htcds_format { FMT_JSON, FMT_CSV, FMT_TOOLKIT_CSV, FMT_XLSX, FMT__MAX };

static const char *const format_names[FMT__MAX] = {
	[FMT_JSON] = "json",
	[FMT_CSV] = "csv",
	[FMT_TOOLKIT_CSV] = "toolkit-csv",
	[FMT_XLSX] = "xlsx",
};

static int
format_by_name(const char *s)
{
	size_t i;

	for (i = 0; i < FMT__MAX; i++)
		if (strcmp(s, format_names[i]) == 0)
			return (int)i;
	return -1;
}


/* --- export --- */

struct case_rows {
	struct case_row *v;
	size_t n, cap;
};

static int
collect_case(void *arg, const struct case_row *c)
{
	struct case_rows *cr = arg;

	if (cr->n == cr->cap) {
		size_t cap = cr->cap ? cr->cap * 2 : 64;
		struct case_row *v = realloc(cr->v, cap * sizeof(*v));

		if (v == NULL)
			return -1;
		cr->v = v;
		cr->cap = cap;
	}
	cr->v[cr->n++] = *c;
	return 0;
}

static int
by_id(const void *a, const void *b)
{
	const struct case_row *x = a, *y = b;

	return (x->id > y->id) - (x->id < y->id);
}

/* The case files of office_id (0: all), oldest first, as a JSON array
 * (new ref); NULL on failure, logged. */
static json_t *
load_cases(struct app *app, int64_t office_id)
{
	struct case_filter f;
	struct case_rows cr = { NULL, 0, 0 };
	struct req r;
	json_t *out = NULL;
	int64_t total = 0;
	size_t i;

	memset(&f, 0, sizeof(f));
	f.office_id = office_id;
	f.status = -1;
	if (db_case_list(app->db, &f, collect_case, &cr, &total) != DB_OK)
		goto out;
	if (cr.n > 0)
		qsort(cr.v, cr.n, sizeof(*cr.v), by_id);
	cli_req(&r, app, NULL);
	if ((out = json_array()) == NULL)
		goto out;
	for (i = 0; i < cr.n; i++) {
		json_t *file = casefile_load(&r, &cr.v[i]);

		if (file == NULL || json_array_append_new(out, file) < 0) {
			error("case %s: cannot read its case file",
			    cr.v[i].number);
			json_decref(out);
			out = NULL;
			goto out;
		}
	}
out:
	free(cr.v);
	return out;
}

/* A new file at path for personal data: mode 0600 whatever the umask,
 * never through a symbolic link. */
static FILE *
open_private(const char *path)
{
	int fd = open(path, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC |
	    O_NOFOLLOW, 0600);
	FILE *f;

	if (fd < 0)
		return NULL;
	if (fchmod(fd, 0600) != 0 || (f = fdopen(fd, "w")) == NULL) {
		close(fd);
		return NULL;
	}
	return f;
}

static bool
scalar_field(const struct field_def *fd)
{
	return fd->section == SEC_PERSON || fd->section == SEC_VICTIM ||
	    fd->section == SEC_IDENT || fd->section == SEC_CASE;
}

/* The extra CSV columns after the catalogue fields. */
static const char *const csv_extra[] = { "cas_Status", "case_number",
    "office" };

/* Then the parts of the case file that are not scalars: each column
 * holds that part as compact JSON text (an array, the screening an
 * object), so that ctm's CSV carries the whole case file. */
static const char *const csv_json[] = { "events", "perpetrators",
    "referrals", "comments", "consents", "screening" };
#define CSV_JSON_SCREENING 5	/* csv_json[5] is an object */

static bool
csv_has_field(const char *name)
{
	int i;

	for (i = 0; i < F__MAX; i++)
		if (strcmp(field_get((enum field_id)i)->name, name) == 0)
			return true;
	return false;
}

static int
write_csv(FILE *f, json_t *files)
{
	size_t i, k;
	json_t *file;
	int j;
	bool first = true;

	for (j = 0; j < F__MAX; j++) {
		const struct field_def *fd = field_get((enum field_id)j);

		if (!scalar_field(fd))
			continue;
		if (csv_field_file(f, fd->name, first) < 0)
			return -1;
		first = false;
	}
	for (k = 0; k < ARRAY_SIZE(csv_extra); k++)
		if (!csv_has_field(csv_extra[k]) &&
		    csv_field_file(f, csv_extra[k], first) < 0)
			return -1;
	for (k = 0; k < ARRAY_SIZE(csv_json); k++)
		if (csv_field_file(f, csv_json[k], false) < 0)
			return -1;
	if (fputs("\r\n", f) == EOF)
		return -1;
	json_array_foreach(files, i, file) {
		first = true;
		for (j = 0; j < F__MAX; j++) {
			const struct field_def *fd = field_get((enum field_id)j);

			if (!scalar_field(fd))
				continue;
			if (csv_field_file(f, json_string_value(json_object_get(file,
			    fd->name)), first) < 0)
				return -1;
			first = false;
		}
		for (k = 0; k < ARRAY_SIZE(csv_extra); k++)
			if (!csv_has_field(csv_extra[k]) &&
			    csv_field_file(f, json_string_value(json_object_get(file,
			    csv_extra[k])), first) < 0)
				return -1;
		for (k = 0; k < ARRAY_SIZE(csv_json); k++) {
			json_t *part = json_object_get(file, csv_json[k]);
			char *text = NULL;
			int st;

			if (part != NULL && (text = json_dumps(part,
			    JSON_COMPACT | JSON_SORT_KEYS | JSON_ESCAPE_SLASH |
			    JSON_ENCODE_ANY)) == NULL)
				return -1;
			st = csv_field_file(f, text, false);
			if (text) {
				sodium_memzero(text, strlen(text));
				free(text);
			}
			if (st < 0)
				return -1;
		}
		if (fputs("\r\n", f) == EOF)
			return -1;
	}
	return 0;
}

int
cli_export_htcds(int argc, char **argv)
{
	static const struct option xopts[] = {
		{ "db", required_argument, NULL, 'd' },
		{ "key-file", required_argument, NULL, 'k' },
		{ "office", required_argument, NULL, 'o' },
		{ "format", required_argument, NULL, 'f' },
		{ "output", required_argument, NULL, 'O' },
		{ "help", no_argument, NULL, 'h' },
		{ NULL, 0, NULL, 0 },
	};
	const char *dbpath = NULL, *key = NULL, *office = NULL, *out = NULL;
	int fmt = FMT_JSON, c, rc = 1;
	struct app app;
	struct office of;
	json_t *files = NULL;
	FILE *f = NULL;
	char detail[128];

	if (argc < 2 || strcmp(argv[1], "htcds") != 0)
		return cli_fail("usage: ctm export htcds --db PATH [--office CODE] "
		    "--format json|csv|toolkit-csv|xlsx --output FILE"), 2;
	argc--;
	argv++;
	optind = 1;
	opterr = 0;
	while ((c = getopt_long(argc, argv, "", xopts, NULL)) != -1) {
		switch (c) {
		case 'd': dbpath = optarg; break;
		case 'k': key = optarg; break;
		case 'o': office = optarg; break;
		case 'f':
			if ((fmt = format_by_name(optarg)) < 0)
				return cli_fail("--format: json, csv, toolkit-csv "
				    "or xlsx"), 2;
			break;
		case 'O': out = optarg; break;
		case 'h':
			printf("usage: ctm export htcds --db PATH [--office CODE] "
			    "--format json|csv|toolkit-csv|xlsx\n\t--output FILE\n\n"
			    "Writes the case files (of one office, or all) in an "
			    "HTCDS exchange file,\nreadable only by you: it holds "
			    "personal data.\n");
			return 0;
		default:
			return cli_fail("unknown or incomplete option %s",
			    argv[optind - 1]), 2;
		}
	}
	if (optind != argc)
		return cli_fail("unexpected argument %s", argv[optind]), 2;
	if (dbpath == NULL || out == NULL)
		return cli_fail("--db PATH and --output FILE are required"), 2;
	if (cli_open(&app, dbpath, key) != 0)
		return 1;
	memset(&of, 0, sizeof(of));
	if (office && db_office_by_code(app.db, office, &of) != DB_OK) {
		cli_fail("no office %s", office);
		goto out;
	}
	if ((files = load_cases(&app, of.id)) == NULL) {
		cli_fail("cannot read the case files");
		goto out;
	}
	if ((f = open_private(out)) == NULL) {
		cli_fail("cannot write %s: %s", out, strerror(errno));
		goto out;
	}
	if (fmt == FMT_JSON) {
		if (json_dumpf(files, f, JSON_INDENT(1) | JSON_ESCAPE_SLASH |
		    JSON_SORT_KEYS) < 0 || fputc('\n', f) == EOF)
			goto werr;
	} else if (fmt == FMT_CSV) {
		if (write_csv(f, files) < 0)
			goto werr;
	} else if (fmt == FMT_TOOLKIT_CSV) {
		if (toolkit_write_csv(f, files) < 0)
			goto werr;
	} else if (toolkit_write_xlsx(f, files) < 0)
		goto werr;
	if (fclose(f) != 0) {
		f = NULL;
		goto werr;
	}
	f = NULL;
	fprintf(stderr, "ctm: warning: %s holds personal data of %zu case%s: "
	    "keep it safe and delete it when done\n", out,
	    json_array_size(files), json_array_size(files) == 1 ? "" : "s");
	snprintf(detail, sizeof(detail), "{\"format\":\"%s\",\"cases\":%zu}",
	    format_names[fmt], json_array_size(files));
	cli_audit(app.db, "case.export", office ? office : "*", detail);
	rc = 0;
	goto out;
werr:
	cli_fail("cannot write %s: %s", out, strerror(errno));
	if (f)
		fclose(f);
	f = NULL;
	unlink(out);
out:
	json_decref(files);
	cli_close(&app);
	return rc;
}

/* --- import --- */

/* Reads the whole file (at most HTCDS_FILE_MAX bytes); malloc'd, NUL
 * terminated, NULL with errno set on failure. */
static char *
read_file(const char *path, size_t *len)
{
	struct buf b = BUF_INIT(HTCDS_FILE_MAX);
	char chunk[65536];
	FILE *f = fopen(path, "rb");
	size_t n;

	*len = 0;
	if (f == NULL)
		return NULL;
	while ((n = fread(chunk, 1, sizeof(chunk), f)) > 0)
		if (buf_add(&b, chunk, n) < 0) {
			fclose(f);
			buf_release(&b);
			errno = EFBIG;
			return NULL;
		}
	if (ferror(f)) {
		fclose(f);
		buf_release(&b);
		errno = EIO;
		return NULL;
	}
	fclose(f);
	buf_cstr(&b);
	return buf_detach(&b, len);
}

/* Problems of an import, printed as they come up to a limit. */
struct report {
	size_t n;
};

static void report_add(struct report *rep, size_t ncase, const char *path,
    const char *msg);

/* Whether a key from the file may be shown: a field name is letters,
 * digits and '_', '.', '[', ']'; anything else might be a value put
 * where a name belongs, and is not shown. */
static bool
showable_path(const char *p)
{
	size_t n = 0;

	for (; *p; p++, n++) {
		unsigned char ch = (unsigned char)*p;

		if (n >= 80 || !(isalnum(ch) || ch == '_' || ch == '.' ||
		    ch == '[' || ch == ']'))
			return false;
	}
	return true;
}

static void
report_add(struct report *rep, size_t ncase, const char *path,
    const char *msg)
{
	rep->n++;
	if (rep->n > HTCDS_REPORT_MAX)
		return;
	if (path == NULL || path[0] == '\0')
		fprintf(stderr, "case %zu: %s\n", ncase, msg);
	else
		fprintf(stderr, "case %zu, field %s: %s\n", ncase,
		    showable_path(path) ? path : "(a field with an unusual "
		    "name)", msg);
}

static void
report_errors(struct report *rep, size_t ncase, json_t *errors)
{
	const char *path;
	json_t *msg;

	if (errors == NULL || json_object_size(errors) == 0) {
		report_add(rep, ncase, NULL, "cannot be checked (internal "
		    "error)");
		return;
	}
	json_object_foreach(errors, path, msg)
		report_add(rep, ncase, path, json_string_value(msg) ?
		    json_string_value(msg) : "invalid");
}

/* Keys the system sets, left out of an imported case file. */
static void
strip_system(json_t *doc)
{
	static const char *const top[] = { "id", "case_number", "office",
	    "version" };
	static const struct { const char *list, *key; } ids[] = {
		{ "perpetrators", "per_id" },
		{ "comments", "com_id" },
		{ "consents", "con_id" },
	};
	size_t i, j;
	json_t *e;

	for (i = 0; i < ARRAY_SIZE(top); i++)
		json_object_del(doc, top[i]);
	for (i = 0; i < ARRAY_SIZE(ids); i++) {
		json_t *l = json_object_get(doc, ids[i].list);

		if (!json_is_array(l))
			continue;
		json_array_foreach(l, j, e)
			if (json_is_object(e))
				json_object_del(e, ids[i].key);
	}
}

/* What casefile_load gives for a new case without a file, for the
 * checks before anything is created. */
static json_t *
empty_file(const struct case_row *c)
{
	static const char *const lists[] = { "events", "perpetrators",
	    "referrals", "comments", "consents" };
	struct tm tm;
	time_t t = (time_t)c->created_at;
	char day[16];
	json_t *f;
	size_t i;

	if (gmtime_r(&t, &tm) == NULL ||
	    strftime(day, sizeof(day), "%Y-%m-%d", &tm) == 0)
		return NULL;
	f = json_pack("{s:I,s:s,s:s,s:i,s:s,s:s,s:{}}", "id",
	    (json_int_t)c->id, "case_number", c->number, "office",
	    c->office_code, "version", c->version, "cas_Status", "Active",
	    "idn_RegistrationDate", day, "screening");
	for (i = 0; f && i < ARRAY_SIZE(lists); i++)
		json_object_set_new(f, lists[i], json_array());
	return f;
}

/* The next file of case c: current with doc's fields over it (doc's
 * system keys left out), checked. New ref, or NULL with *errors set
 * when the input is at fault. */
static json_t *
check_one(struct req *r, const struct case_row *c, json_t *current,
    json_t *doc, json_t **errors)
{
	json_t *merged = json_deep_copy(current), *in = json_deep_copy(doc),
	    *next = NULL;

	*errors = NULL;
	if (merged && in) {
		json_t *scr;

		strip_system(in);
		json_object_update(merged, in);
		/* An empty screening stays empty, as in a file never saved. */
		scr = json_object_get(in, "screening");
		if (json_is_object(scr) && json_object_size(scr) == 0)
			json_object_del(merged, "screening");
		next = casefile_check(r, c, merged, current, errors);
	}
	json_decref(merged);
	json_decref(in);
	return next;
}

struct import_opts {
	const char *file;
	const char *office;
	bool skip_invalid;
};

/* Checks then imports the case files in docs (an array, untrusted)
 * into the office. Returns the exit status. */
static int
import_docs(struct app *app, const struct import_opts *io, json_t *docs,
    const char *hashkey)
{
	struct req r;
	struct office of;
	struct case_row probe, c;
	struct tm tm;
	time_t tt;
	struct report rep = { 0 };
	json_t *doc, *empty = NULL;
	bool *ok = NULL;
	size_t i, nok = 0, ndone = 0;
	int rc = 1;
	char detail[160];

	cli_req(&r, app, NULL);
	if (db_office_by_code(app->db, io->office, &of) != DB_OK)
		return cli_fail("no office %s", io->office);
	r.user.office_id = of.id;
	if (json_array_size(docs) > HTCDS_CASES_MAX)
		return cli_fail("%s: more than %d cases in one file", io->file,
		    HTCDS_CASES_MAX);
	memset(&probe, 0, sizeof(probe));
	probe.office_id = of.id;
	snprintf(probe.office_code, sizeof(probe.office_code), "%s", of.code);
	snprintf(probe.number, sizeof(probe.number), "%s-0000-000000",
	    of.code);
	probe.status = CASE_ACTIVE;
	probe.created_at = r.now;
	probe.updated_at = r.now;
	probe.version = 1;
	ok = calloc(json_array_size(docs) + 1, sizeof(*ok));
	if (ok == NULL || (empty = empty_file(&probe)) == NULL) {
		cli_fail("out of memory");
		goto out;
	}

	/* First every case is checked, nothing written. */
	json_array_foreach(docs, i, doc) {
		json_t *errors = NULL, *next;

		if (!json_is_object(doc)) {
			report_add(&rep, i + 1, NULL, "not a JSON object");
			continue;
		}
		next = check_one(&r, &probe, empty, doc, &errors);
		if (next == NULL) {
			report_errors(&rep, i + 1, errors);
			json_decref(errors);
			continue;
		}
		json_decref(next);
		ok[i] = true;
		nok++;
	}
	if (rep.n > HTCDS_REPORT_MAX)
		fprintf(stderr, "... and %zu more problems\n",
		    rep.n - HTCDS_REPORT_MAX);
	if (nok < json_array_size(docs) && !io->skip_invalid) {
		cli_fail("%s: %zu of %zu cases have problems: nothing imported; "
		    "the database is unchanged", io->file,
		    json_array_size(docs) - nok, json_array_size(docs));
		goto out;
	}
	if (nok == 0) {
		cli_fail("%s: no case to import; the database is unchanged",
		    io->file);
		goto out;
	}

	/* Then each valid case is created and its file saved. */
	tt = (time_t)r.now;
	gmtime_r(&tt, &tm);
	json_array_foreach(docs, i, doc) {
		json_t *cur, *next, *errors = NULL;
		int st;

		if (!ok[i])
			continue;
		if (db_case_create(app->db, of.id, tm.tm_year + 1900,
		    CASE_ACTIVE, 0, 0, r.now, &c) != DB_OK)
			goto partial;
		cur = casefile_load(&r, &c);
		next = cur ? check_one(&r, &c, cur, doc, &errors) : NULL;
		if (next == NULL) {
			report_errors(&rep, i + 1, errors);
			json_decref(errors);
			json_decref(cur);
			goto partial;
		}
		st = casefile_save(&r, &c, c.version, cur, next);
		json_decref(cur);
		json_decref(next);
		if (st != DB_OK)
			goto partial;
		ndone++;
	}
	if (db_meta_set(app->db, hashkey, "1") != DB_OK)
		log_warn("could not record the import of %s", io->file);
	snprintf(detail, sizeof(detail), "{\"format\":\"htcds\",\"cases\":%zu,"
	    "\"skipped\":%zu}", ndone, json_array_size(docs) - nok);
	cli_audit(app->db, "case.import", of.code, detail);
	printf("imported %zu case%s into office %s", ndone,
	    ndone == 1 ? "" : "s", of.code);
	if (nok < json_array_size(docs))
		printf("; skipped %zu invalid", json_array_size(docs) - nok);
	printf("\n");
	rc = 0;
	goto out;
partial:
	cli_fail("%s: the import stopped after %zu of %zu cases (internal "
	    "error); the cases imported so far remain", io->file, ndone, nok);
out:
	free(ok);
	json_decref(empty);
	return rc;
}

/* The case files of a JSON import file, as an array (new ref); NULL
 * after reporting why. Error text from the parser is not shown: it can
 * quote the file. */
static json_t *
parse_json(const char *file, const char *data, size_t len)
{
	json_error_t e;
	json_t *docs = json_loadb(data, len, JSON_REJECT_DUPLICATES, &e);

	if (docs == NULL) {
		cli_fail("%s: not valid JSON (line %d, column %d)", file,
		    e.line, e.column);
		return NULL;
	}
	if (!json_is_array(docs)) {
		json_decref(docs);
		cli_fail("%s: an HTCDS JSON file is an array of case files",
		    file);
		return NULL;
	}
	return docs;
}

static bool
ends_with(const char *s, const char *suffix)
{
	size_t n = strlen(s), m = strlen(suffix);

	return n >= m && strcasecmp(s + n - m, suffix) == 0;
}

static json_t *parse_csv(const char *file, const char *data, size_t len);

int
cli_import_htcds(int argc, char **argv)
{
	static const struct option iopts[] = {
		{ "db", required_argument, NULL, 'd' },
		{ "key-file", required_argument, NULL, 'k' },
		{ "office", required_argument, NULL, 'o' },
		{ "skip-invalid", no_argument, NULL, 's' },
		{ "help", no_argument, NULL, 'h' },
		{ NULL, 0, NULL, 0 },
	};
	struct import_opts io;
	const char *dbpath = NULL, *key = NULL;
	unsigned char hash[crypto_generichash_BYTES];
	char hex[2 * crypto_generichash_BYTES + 1], hashkey[96];
	char meta[DB_META_MAX];
	struct app app;
	json_t *docs = NULL;
	char *data = NULL;
	size_t len = 0, skip = 0;
	int c, rc = 1;

	memset(&io, 0, sizeof(io));
	if (argc < 2 || strcmp(argv[1], "htcds") != 0)
		return cli_fail("usage: ctm import htcds --db PATH --office CODE "
		    "[--skip-invalid] FILE"), 2;
	argc--;
	argv++;
	optind = 1;
	opterr = 0;
	while ((c = getopt_long(argc, argv, "", iopts, NULL)) != -1) {
		switch (c) {
		case 'd': dbpath = optarg; break;
		case 'k': key = optarg; break;
		case 'o': io.office = optarg; break;
		case 's': io.skip_invalid = true; break;
		case 'h':
			printf("usage: ctm import htcds --db PATH --office CODE "
			    "[--skip-invalid] FILE\n\n"
			    "Creates one case in the office per case file of FILE "
			    "(HTCDS JSON, CSV,\nor the HTCDS toolkit's case sheet as .xlsx or CSV).\nEvery case is checked first: "
			    "with a problem nothing is imported, unless\n"
			    "--skip-invalid. A file imported before is not "
			    "imported again.\n");
			return 0;
		default:
			return cli_fail("unknown or incomplete option %s",
			    argv[optind - 1]), 2;
		}
	}
	if (optind != argc - 1)
		return cli_fail(optind >= argc ? "which file? (ctm import htcds "
		    "... FILE)" : "one file at a time"), 2;
	io.file = argv[optind];
	if (dbpath == NULL || io.office == NULL)
		return cli_fail("--db PATH and --office CODE are required"), 2;
	if ((data = read_file(io.file, &len)) == NULL)
		return cli_fail("cannot read %s: %s", io.file, strerror(errno));
	if (cli_open(&app, dbpath, key) != 0)
		goto out_nodb;
	crypto_generichash(hash, sizeof(hash), (const unsigned char *)data,
	    len, NULL, 0);
	sodium_bin2hex(hex, sizeof(hex), hash, sizeof(hash));
	snprintf(hashkey, sizeof(hashkey), "htcds_import:%s", hex);
	if (db_meta_get(app.db, hashkey, meta) == DB_OK) {
		printf("%s was already imported: nothing changed\n", io.file);
		rc = 0;
		goto out;
	}
	if (len >= 3 && memcmp(data, "\xEF\xBB\xBF", 3) == 0)
		skip = 3;
	if (ends_with(io.file, ".xlsx") || toolkit_is_zip(data, len))
		docs = toolkit_read_xlsx(io.file, data, len);
	else if (ends_with(io.file, ".csv") && toolkit_csv_header(data + skip,
	    len - skip))
		docs = toolkit_read_csv(io.file, data + skip, len - skip);
	else if (ends_with(io.file, ".csv"))
		docs = parse_csv(io.file, data + skip, len - skip);
	else
		docs = parse_json(io.file, data + skip, len - skip);
	if (docs == NULL)
		goto out;
	rc = import_docs(&app, &io, docs, hashkey);
out:
	cli_close(&app);
out_nodb:
	json_decref(docs);
	if (data) {
		sodium_memzero(data, len);
		free(data);
	}
	return rc;
}

/* --- CSV import --- */

#define CSV_COL_JSON (-3)

struct csv_read {
	const char *file;
	json_t *docs;		/* the rows as case files */
	json_t *row;		/* the row being read */
	int *cols;		/* per column: field id, -1 skipped, -2 cas_Status,
				 * CSV_COL_JSON - k csv_json[k] */
	size_t ncols, col, nrows;
	bool header_done, bad;
};

/* The index in csv_json of a column name, or -1. */
static int
csv_json_col(const char *name)
{
	size_t k;

	for (k = 0; k < ARRAY_SIZE(csv_json); k++)
		if (strcmp(name, csv_json[k]) == 0)
			return (int)k;
	return -1;
}

/* A cell of a JSON column (untrusted text) into the row being read.
 * The parser's message is not shown: it can quote the cell. */
static void
csv_json_cell(struct csv_read *cr, int k, const char *v)
{
	json_error_t e;
	json_t *part = json_loads(v, JSON_REJECT_DUPLICATES |
	    JSON_DECODE_ANY, &e);

	if (part == NULL || (k == CSV_JSON_SCREENING ? !json_is_object(part) :
	    !json_is_array(part))) {
		cli_fail("%s: row %zu (case %zu), column %s: not a JSON %s",
		    cr->file, cr->nrows + 2, cr->nrows + 1, csv_json[k],
		    k == CSV_JSON_SCREENING ? "object" : "array");
		json_decref(part);
		cr->bad = true;
		return;
	}
	if (json_object_set_new(cr->row, csv_json[k], part) < 0)
		cr->bad = true;
}

static void
csv_field_cb(void *s, size_t len, void *arg)
{
	struct csv_read *cr = arg;
	const char *v = s ? s : "";
	size_t i;

	(void)len;	/* CSV_APPEND_NULL ends every field */
	if (cr->bad)
		return;
	if (!cr->header_done) {
		int *cols = realloc(cr->cols, (cr->ncols + 1) * sizeof(*cols));
		int f;

		if (cols == NULL) {
			cr->bad = true;
			return;
		}
		cr->cols = cols;
		f = field_by_name(v);
		if (f >= 0 && (field_get((enum field_id)f)->section ==
		    SEC_PERSON || field_get((enum field_id)f)->section ==
		    SEC_VICTIM || field_get((enum field_id)f)->section ==
		    SEC_IDENT || field_get((enum field_id)f)->section ==
		    SEC_CASE))
			cols[cr->ncols] = f;
		else if (strcmp(v, "cas_Status") == 0)
			cols[cr->ncols] = -2;
		else if (strcmp(v, "case_number") == 0 ||
		    strcmp(v, "office") == 0)
			cols[cr->ncols] = -1;
		else if ((f = csv_json_col(v)) >= 0)
			cols[cr->ncols] = CSV_COL_JSON - f;
		else {
			cli_fail("%s: column %zu, %s: not a field of the case "
			    "file", cr->file, cr->ncols + 1, showable_path(v) ?
			    v : "(a column with an unusual name)");
			cr->bad = true;
			return;
		}
		for (i = 0; i < cr->ncols; i++)
			if (cols[i] == cols[cr->ncols] && cols[i] != -1) {
				cli_fail("%s: column %zu: a repeated column",
				    cr->file, cr->ncols + 1);
				cr->bad = true;
				return;
			}
		cr->ncols++;
		return;
	}
	if (cr->row == NULL && (cr->row = json_object()) == NULL) {
		cr->bad = true;
		return;
	}
	if (cr->col >= cr->ncols) {
		cr->col++;
		return;
	}
	/* The neutralisation of the export is undone. */
	v = csv_unneutralise(v);
	if (v[0] != '\0' && cr->cols[cr->col] <= CSV_COL_JSON) {
		csv_json_cell(cr, CSV_COL_JSON - cr->cols[cr->col], v);
		cr->col++;
		return;
	}
	if (v[0] != '\0' && cr->cols[cr->col] != -1)
		json_object_set_new(cr->row, cr->cols[cr->col] == -2 ?
		    "cas_Status" : field_get((enum field_id)cr->cols[cr->col])->name,
		    json_string(v));
	cr->col++;
}

static void
csv_row_cb(int c, void *arg)
{
	struct csv_read *cr = arg;

	(void)c;
	if (cr->bad)
		return;
	if (!cr->header_done) {
		cr->header_done = true;
		return;
	}
	cr->nrows++;
	if (cr->col != cr->ncols) {
		cli_fail("%s: row %zu (case %zu) has %zu cells where the header "
		    "has %zu", cr->file, cr->nrows + 1, cr->nrows, cr->col,
		    cr->ncols);
		cr->bad = true;
	} else if (cr->nrows > HTCDS_CASES_MAX) {
		cli_fail("%s: more than %d cases in one file", cr->file,
		    HTCDS_CASES_MAX);
		cr->bad = true;
	} else if (json_array_append_new(cr->docs, cr->row ? cr->row :
	    json_object()) < 0)
		cr->bad = true;
	cr->row = NULL;
	cr->col = 0;
}

/* The rows of a CSV import file as case files (new ref); NULL after
 * reporting why. Cells are never quoted in messages. */
static json_t *
parse_csv(const char *file, const char *data, size_t len)
{
	struct csv_parser p;
	struct csv_read cr;
	json_t *docs = NULL;

	if (!utf8_valid(data, len)) {
		cli_fail("%s: not UTF-8 text", file);
		return NULL;
	}
	memset(&cr, 0, sizeof(cr));
	cr.file = file;
	if ((cr.docs = json_array()) == NULL ||
	    csv_init(&p, CSV_STRICT | CSV_APPEND_NULL | CSV_STRICT_FINI) != 0) {
		json_decref(cr.docs);
		cli_fail("out of memory");
		return NULL;
	}
	if (csv_parse(&p, data, len, csv_field_cb, csv_row_cb, &cr) != len ||
	    csv_fini(&p, csv_field_cb, csv_row_cb, &cr) != 0) {
		if (!cr.bad)
			cli_fail("%s: not valid CSV near row %zu: %s", file,
			    cr.nrows + 2, csv_strerror(csv_error(&p)));
		cr.bad = true;
	}
	csv_free(&p);
	json_decref(cr.row);
	free(cr.cols);
	if (!cr.bad && !cr.header_done)
		cli_fail("%s: the file is empty", file), cr.bad = true;
	if (cr.bad)
		json_decref(cr.docs);
	else
		docs = cr.docs;
	return docs;
}
