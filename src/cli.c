/*
 * cli.c - ctm's commands: init, office, user, demo, serve.
 *
 * Arguments are untrusted in the sense that mistakes must give a clear
 * message on stderr and a non-zero exit status, never a crash. Passwords
 * are read from standard input (never from arguments, which other users
 * can see in the process list).
 */
#include "compat.h"

#include <ctype.h>
#include <errno.h>
#include <fcntl.h>
#include <getopt.h>
#include <libgen.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include <sodium.h>

#include "auth.h"
#include "cli.h"
#include "crypt.h"
#include "db.h"
#include "cases.h"
#include "demo.h"
#include "http.h"
#include "i18n.h"
#include "input.h"
#include "import_ctdc.h"
#include "isocodes.h"
#include "log.h"

#include "totp.h"
#include "users.h"
#include "vault.h"
#include "htcds.h"
#include "export_ctdc.h"
#include "stats.h"
#include "research.h"

#ifndef CTM_LOCALEDIR
#define CTM_LOCALEDIR "/usr/share/locale"
#endif

struct opts {
	const char *db;
	const char *code;
	const char *name;
	const char *country;
	const char *username;
	const char *role;
	const char *office;
	const char *listen;
	const char *tls_cert;
	const char *tls_key;
	const char *passwords_file;
	const char *key_file;
	bool hq;
	bool password_stdin;
	int64_t session_idle;
	int64_t session_max;
	int64_t max_connections;
	int64_t per_ip_connections;
	int64_t connection_timeout;
	int64_t threads;
	bool help;
};

enum {
	OPT_DB = 256, OPT_CODE, OPT_NAME, OPT_COUNTRY, OPT_HQ, OPT_USERNAME,
	OPT_ROLE, OPT_OFFICE, OPT_PWSTDIN, OPT_LISTEN, OPT_TLS_CERT,
	OPT_TLS_KEY, OPT_PWFILE, OPT_IDLE, OPT_MAX, OPT_HELP, OPT_KEYFILE,
	OPT_MAXCONN, OPT_PERIP, OPT_CONNTIMEOUT, OPT_THREADS,
};

static const struct option longopts[] = {
	{ "db", required_argument, NULL, OPT_DB },
	{ "code", required_argument, NULL, OPT_CODE },
	{ "name", required_argument, NULL, OPT_NAME },
	{ "country", required_argument, NULL, OPT_COUNTRY },
	{ "hq", no_argument, NULL, OPT_HQ },
	{ "username", required_argument, NULL, OPT_USERNAME },
	{ "role", required_argument, NULL, OPT_ROLE },
	{ "office", required_argument, NULL, OPT_OFFICE },
	{ "password-stdin", no_argument, NULL, OPT_PWSTDIN },
	{ "listen", required_argument, NULL, OPT_LISTEN },
	{ "tls-cert", required_argument, NULL, OPT_TLS_CERT },
	{ "tls-key", required_argument, NULL, OPT_TLS_KEY },
	{ "passwords-file", required_argument, NULL, OPT_PWFILE },
	{ "session-idle", required_argument, NULL, OPT_IDLE },
	{ "session-max", required_argument, NULL, OPT_MAX },
	{ "help", no_argument, NULL, OPT_HELP },
	{ "key-file", required_argument, NULL, OPT_KEYFILE },
	{ "max-connections", required_argument, NULL, OPT_MAXCONN },
	{ "per-ip-connections", required_argument, NULL, OPT_PERIP },
	{ "connection-timeout", required_argument, NULL, OPT_CONNTIMEOUT },
	{ "threads", required_argument, NULL, OPT_THREADS },
	{ NULL, 0, NULL, 0 },
};

static const char usage_main[] =
"usage: ctm COMMAND [OPTIONS]\n"
"\n"
"ctm keeps the case files of people assisted after trafficking.\n"
"\n"
"commands:\n"
"  init    --db PATH [--key-file F]       new database with office HQ and an admin\n"
"  office  add --db PATH --code C --name N --country ISO2 [--hq]\n"
"  office  list --db PATH\n"
"  user    add --db PATH --username U --role R --office C --password-stdin\n"
"  user    list --db PATH\n"
"  user    passwd|disable|enable --db PATH --username U [--password-stdin]\n"
"  user    health-grant|health-revoke|case-grant|case-revoke|two-step-off\n"
"          --db PATH --username U\n"
"  demo    --db PATH [--passwords-file F]   demo offices, accounts and cases\n"
"  serve   --db PATH [--key-file F] [--listen ADDR:PORT] [--tls-cert F --tls-key F]\n"
"          [--session-idle SECONDS] [--session-max SECONDS]\n"
"          [--max-connections N] [--per-ip-connections N]\n"
"          [--connection-timeout SECONDS] [--threads N]\n"
"  import  ctdc --db PATH --dataset NAME [--skip-invalid] FILE\n"
"          a CTDC research file (CSV) into a dataset\n"
"  import  htcds --db PATH --office CODE [--skip-invalid] FILE.json|FILE.csv\n"
"  export  htcds --db PATH [--office CODE] [--format json|csv] --output FILE\n"
"  export  ctdc --db PATH [--k N] [--output FILE]\n"
"          the consenting caseload, k-anonymised, in CTDC's layout\n"
"  stats   --db PATH [--dataset NAME] --by VAR [--by VAR2] [--where VAR=VALUE]\n"
"          [--k N] [--format table|csv|json]   frequency tables\n"
"\n"
"roles: admin, caseworker, office-manager, programme-manager, researcher\n"
"`ctm COMMAND --help` describes one command; `ctm --version` prints the version.\n";

static const struct {
	const char *cmd;
	const char *text;
} usages[] = {
	{ "init", "usage: ctm init --db PATH [--key-file F]\n\n"
	  "Creates a new database with a headquarters office HQ and a first\n"
	  "user 'admin' whose password is printed once, and the key file that\n"
	  "encrypts the case files (default PATH.key, mode 0600). Without the\n"
	  "key the case files cannot be read: back it up apart from the database.\n" },
	{ "office", "usage: ctm office add --db PATH --code CODE --name NAME --country ISO2 [--hq]\n"
	  "       ctm office list --db PATH\n\n"
	  "CODE: 2 to 10 letters or digits (e.g. BKK); ISO2: ISO 3166-1 alpha-2.\n" },
	{ "user", "usage: ctm user add --db PATH --username U --role ROLE --office CODE --password-stdin\n"
	  "       ctm user list --db PATH\n"
	  "       ctm user passwd --db PATH --username U --password-stdin\n"
	  "       ctm user disable|enable --db PATH --username U\n"
	  "       ctm user health-grant|health-revoke|two-step-off --db PATH --username U\n"
	  "       ctm user case-grant|case-revoke --db PATH --username U\n"
	  "         (case access: an admin's read and write of every office's\n"
	  "         case files)\n\n"
	  "ROLE: admin, caseworker, office-manager, programme-manager, researcher,\n"
	  "medical-officer.\n"
	  "Passwords have at least 10 characters and are read from standard input.\n" },
	{ "demo", "usage: ctm demo --db PATH [--passwords-file F]\n\n"
	  "Creates PATH if absent and adds the demo: offices (HQ, BKK, BOG, ACC, BKO,\n"
	  "SDQ, KTM, BEG, KIV), their accounts, partner organisations and shelters,\n"
	  "the projects of IOM's strategy paper annex, and cases at every stage of\n"
	  "the journey, dated back from today. Run again, it gives the accounts new\n"
	  "passwords and adds no case. The passwords are written to F (default:\n"
	  "demo-passwords.txt beside the database), readable only by you.\n" },
	{ "serve", "usage: ctm serve --db PATH [--key-file F] [--listen ADDR:PORT] [--tls-cert F --tls-key F]\n"
	  "                 [--session-idle SECONDS] [--session-max SECONDS]\n"
	  "                 [--max-connections N] [--per-ip-connections N]\n"
	  "                 [--connection-timeout SECONDS] [--threads N]\n\n"
	  "Serves the web interface and the API (default 127.0.0.1:8080).\n"
	  "Prints 'listening on URL' when ready; SIGTERM or SIGINT stop it cleanly.\n"
	  "Connections: at most N in all (default 512) and per client address\n"
	  "(default 64; 0: no per-address limit, for a server behind a reverse\n"
	  "proxy, where every client has the proxy's address); an idle connection\n"
	  "is closed after the timeout (default 30 seconds). Requests are answered\n"
	  "by N threads (default: one per processor, 1 to 64).\n" },
	{ "stats", "usage: ctm stats --db PATH [--dataset NAME] --by VAR [--by VAR2]\n"
	  "                 [--where VAR=VALUE ...] [--per-member] [--k N]\n"
	  "                 [--format table|csv|json] [--key-file F]\n\n"
	  "Frequency tables over the caseload (default) or an imported dataset:\n"
	  "count, percent of all and percent of valid answers, missing shown on\n"
	  "its own. --k N suppresses cells under N, with complementary\n"
	  "suppression, for publication.\n" },
	{ "import", "usage: ctm import ctdc --db PATH --dataset NAME [--skip-invalid] FILE\n\n"
	  "Reads a Counter Trafficking Data Collaborative (CTDC) file in one of its\n"
	  "layouts (recognised from the header): the Victim-Perpetrator synthetic\n"
	  "dataset 2022, the global k-anonymised dataset, the global synthetic dataset\n"
	  "2024, or the 2020 extract dados_app.csv. The rows go into research dataset\n"
	  "NAME (1 to 63 of A-Z a-z 0-9 _ . -), kept apart from the caseload; a\n"
	  "dataset that exists gets the rows added, if its layout is the same. A file\n"
	  "imported into the dataset before is not imported again.\n\n"
	  "Each problem is reported as `row R, column C (name): value \"...\": reason`\n"
	  "(the first 50, then their count). With a problem nothing is imported,\n"
	  "unless --skip-invalid, which imports the valid rows and lists the others.\n"
	  "Files over 2 GiB are refused unread.\n" },
};

static int
usage(const char *cmd, bool ok)
{
	size_t i;

	for (i = 0; cmd && i < ARRAY_SIZE(usages); i++)
		if (strcmp(cmd, usages[i].cmd) == 0) {
			fputs(usages[i].text, ok ? stdout : stderr);
			return ok ? 0 : 2;
		}
	fputs(usage_main, ok ? stdout : stderr);
	return ok ? 0 : 2;
}

static int
fail(const char *fmt, ...)
{
	va_list ap;

	fputs("ctm: ", stderr);
	va_start(ap, fmt);
	vfprintf(stderr, fmt, ap);
	va_end(ap);
	fputc('\n', stderr);
	return 1;
}

/* A whole number from min to max, plain digits (untrusted). */
static int
parse_count(const char *s, int64_t min, int64_t max, int64_t *out)
{
	int64_t v = 0;

	if (*s == '\0')
		return -1;
	for (; *s; s++) {
		if (*s < '0' || *s > '9' || v > max)
			return -1;
		v = v * 10 + (*s - '0');
	}
	if (v < min || v > max)
		return -1;
	*out = v;
	return 0;
}

static int
parse_seconds(const char *s, int64_t *out)
{
	char *end;
	long long v;

	errno = 0;
	v = strtoll(s, &end, 10);
	if (errno || *end || v < 1 || v > 30LL * 24 * 3600)
		return -1;
	*out = v;
	return 0;
}

/* Parses options after the command words; returns -1 on a bad option. */
static int
parse_opts(int argc, char **argv, struct opts *o)
{
	int c;

	memset(o, 0, sizeof(*o));
	o->listen = "127.0.0.1:8080";
	o->session_idle = 30 * 60;
	o->session_max = 12 * 3600;
	o->max_connections = 512;
	o->per_ip_connections = 64;
	o->connection_timeout = 30;
	optind = 1;
	opterr = 0;
	while ((c = getopt_long(argc, argv, "", longopts, NULL)) != -1) {
		switch (c) {
		case OPT_DB: o->db = optarg; break;
		case OPT_CODE: o->code = optarg; break;
		case OPT_NAME: o->name = optarg; break;
		case OPT_COUNTRY: o->country = optarg; break;
		case OPT_HQ: o->hq = true; break;
		case OPT_USERNAME: o->username = optarg; break;
		case OPT_ROLE: o->role = optarg; break;
		case OPT_OFFICE: o->office = optarg; break;
		case OPT_PWSTDIN: o->password_stdin = true; break;
		case OPT_LISTEN: o->listen = optarg; break;
		case OPT_TLS_CERT: o->tls_cert = optarg; break;
		case OPT_TLS_KEY: o->tls_key = optarg; break;
		case OPT_PWFILE: o->passwords_file = optarg; break;
		case OPT_IDLE:
			if (parse_seconds(optarg, &o->session_idle) < 0)
				return fail("--session-idle wants a number of seconds"), -1;
			break;
		case OPT_MAX:
			if (parse_seconds(optarg, &o->session_max) < 0)
				return fail("--session-max wants a number of seconds"), -1;
			break;
		case OPT_MAXCONN:
			if (parse_count(optarg, 1, 100000, &o->max_connections) < 0)
				return fail("--max-connections wants 1 to 100000"), -1;
			break;
		case OPT_PERIP:
			if (parse_count(optarg, 0, 100000,
			    &o->per_ip_connections) < 0)
				return fail("--per-ip-connections wants 0 (no "
				    "limit) to 100000"), -1;
			break;
		case OPT_CONNTIMEOUT:
			if (parse_count(optarg, 1, 3600,
			    &o->connection_timeout) < 0)
				return fail("--connection-timeout wants 1 to 3600 "
				    "seconds"), -1;
			break;
		case OPT_THREADS:
			if (parse_count(optarg, 1, 64, &o->threads) < 0)
				return fail("--threads wants 1 to 64"), -1;
			break;
		case OPT_HELP: o->help = true; break;
		case OPT_KEYFILE: o->key_file = optarg; break;
		default:
			if (optopt)
				fail("unknown or incomplete option");
			else
				fail("unknown option %s", argv[optind - 1]);
			return -1;
		}
	}
	if (optind < argc)
		return fail("unexpected argument: %s", argv[optind]), -1;
	return 0;
}

static struct db *
open_db(const struct opts *o, bool create)
{
	struct db *db;

	if (o->db == NULL) {
		fail("--db PATH is required");
		return NULL;
	}
	if (!create && access(o->db, F_OK) != 0) {
		fail("no database at %s (create one with `ctm init --db %s`)",
		    o->db, o->db);
		return NULL;
	}
	db = db_open(o->db, create);
	if (db == NULL)
		fail("cannot open the database %s", o->db);
	return db;
}

/* Audits an action taken on the command line. */
void
cli_audit(struct db *db, const char *action, const char *object,
    const char *detail)
{
	struct audit_entry e;
	const char *who = getenv("USER");

	memset(&e, 0, sizeof(e));
	e.at = (int64_t)time(NULL);
	snprintf(e.username, sizeof(e.username), "cli:%s", who ? who : "?");
	snprintf(e.ip, sizeof(e.ip), "local");
	snprintf(e.action, sizeof(e.action), "%s", action);
	snprintf(e.object, sizeof(e.object), "%s", object);
	snprintf(e.detail, sizeof(e.detail), "%s", detail ? detail : "");
	if (db_audit_add(db, &e) != DB_OK)
		log_warn("could not audit %s", action);
}

static bool
valid_code(const char *s)
{
	size_t n = strlen(s), i;

	if (n < 2 || n > 10)
		return false;
	for (i = 0; i < n; i++)
		if (!isupper((unsigned char)s[i]) && !isdigit((unsigned char)s[i]))
			return false;
	return true;
}

/* An ISO 3166-1 alpha-2 code (iso-codes), or two capitals when the
 * list cannot be read. */
static bool
valid_country(const char *s)
{
	static int loaded;

	if (loaded == 0)
		loaded = isocodes_load(NULL) == 0 ? 1 : -1;
	if (loaded > 0)
		return country_valid(s);
	return strlen(s) == 2 && isupper((unsigned char)s[0]) &&
	    isupper((unsigned char)s[1]);
}

static int
add_office(struct db *db, const char *code, const char *name,
    const char *country, bool hq)
{
	struct office of;
	char obj[64];
	int rc;

	if (!valid_code(code))
		return fail("office code must be 2 to 10 capital letters or digits");
	if (!valid_country(country))
		return fail("country must be an ISO 3166-1 alpha-2 code such as TH");
	if (input_text(name, DB_NAME_CHARS, INPUT_REQUIRED | INPUT_ONE_LINE) !=
	    INPUT_TEXT_OK)
		return fail("office name must be 1 to 127 characters of UTF-8");
	memset(&of, 0, sizeof(of));
	snprintf(of.code, sizeof(of.code), "%s", code);
	snprintf(of.name, sizeof(of.name), "%s", name);
	snprintf(of.country, sizeof(of.country), "%s", country);
	of.hq = hq;
	rc = db_office_add(db, &of);
	if (rc == DB_CONFLICT)
		return fail("an office with code %s exists already", code);
	if (rc != DB_OK)
		return fail("could not add the office");
	snprintf(obj, sizeof(obj), "office:%s", code);
	cli_audit(db, "admin.office.add", obj, NULL);
	return 0;
}

/* Adds a user; hash: the password's hash made already (NULL: hash it
 * here). */
static int
add_user(struct db *db, const char *username, const char *role,
    const char *office, const char *password, const char *hash)
{
	struct user u;
	struct office of;
	const char *problem;
	char obj[64];
	int r, rc;

	problem = auth_username_problem(username);
	if (problem)
		return fail("%s", problem);
	r = role_from_name(role);
	if (r < 0)
		return fail("unknown role %s (admin, caseworker, office-manager, "
		    "programme-manager, researcher)", role);
	rc = db_office_by_code(db, office, &of);
	if (rc != DB_OK)
		return fail("no office with code %s", office);
	problem = auth_password_problem(password);
	if (problem)
		return fail("%s", problem);
	memset(&u, 0, sizeof(u));
	snprintf(u.username, sizeof(u.username), "%s", username);
	u.role = (enum role)r;
	u.office_id = of.id;
	u.lang = -1;
	u.created_at = (int64_t)time(NULL);
	if (hash)
		snprintf(u.pwhash, sizeof(u.pwhash), "%s", hash);
	else if (crypt_pw_hash(password, u.pwhash) < 0)
		return fail("could not hash the password");
	rc = db_user_add(db, &u);
	if (rc == DB_CONFLICT)
		return fail("user %s exists already", username);
	if (rc != DB_OK)
		return fail("could not add the user");
	snprintf(obj, sizeof(obj), "user:%lld", (long long)u.id);
	cli_audit(db, "admin.user.add", obj, NULL);
	return 0;
}

/* Reads one line from stdin into pw (newline stripped). */
static int
read_password(char *pw, size_t sz)
{
	size_t n;

	if (fgets(pw, (int)sz, stdin) == NULL)
		return fail("no password on standard input");
	n = strcspn(pw, "\r\n");
	if (pw[n] == '\0' && n == sz - 1)
		return fail("the password is too long");
	pw[n] = '\0';
	return 0;
}

/* The key file: --key-file, else the database path with ".key". */
static const char *
key_path(const struct opts *o, char out[4096])
{
	if (o->key_file)
		return o->key_file;
	snprintf(out, 4096, "%s.key", o->db);
	return out;
}

/*
 * Creates the key file of a new database and records its check value,
 * so that a later start with another key is refused.
 */
static int
new_key(struct db *db, const struct opts *o)
{
	char path[4096], check[VAULT_CHECK_HEX];
	const char *kp = key_path(o, path);
	struct vault *v;

	if (vault_create_keyfile(kp) < 0)
		return fail("cannot create the key file %s", kp);
	if ((v = vault_open(kp)) == NULL)
		return fail("cannot open the key file %s", kp);
	if (vault_check_token(v, check) < 0 ||
	    db_meta_set(db, "vault_check", check) != DB_OK) {
		vault_close(v);
		return fail("cannot record the key check");
	}
	vault_close(v);
	printf("key file: %s (keep it apart from copies of the database)\n",
	    kp);
	return 0;
}

/* Opens the key of an existing database and checks it belongs to it. */
static struct vault *
open_key(struct db *db, const struct opts *o)
{
	char path[4096], check[DB_META_MAX];
	const char *kp = key_path(o, path);
	struct vault *v;

	if (db_meta_get(db, "vault_check", check) != DB_OK) {
		fail("the database has no key check: was it made by `ctm init`?");
		return NULL;
	}
	if ((v = vault_open(kp)) == NULL) {
		fail("cannot use the key file %s (give it with --key-file)", kp);
		return NULL;
	}
	if (vault_check_matches(v, check) != 0) {
		vault_close(v);
		fail("the key file %s does not belong to this database", kp);
		return NULL;
	}
	return v;
}

static int
cmd_init(const struct opts *o)
{
	struct db *db;
	char pw[24];
	int rc = 1;

	if (o->db == NULL)
		return fail("--db PATH is required");
	if (access(o->db, F_OK) == 0)
		return fail("%s exists already; init makes a new database", o->db);
	db = open_db(o, true);
	if (db == NULL)
		return 1;
	crypt_password(pw, sizeof(pw), 20);
	if (new_key(db, o) != 0)
		goto out;
	if (add_office(db, "HQ", "Headquarters", o->country ? o->country : "CH",
	    true) != 0)
		goto out;
	if (add_user(db, "admin", "admin", "HQ", pw, NULL) != 0)
		goto out;
	printf("created %s with office HQ and user admin\n", o->db);
	printf("admin password: %s\n", pw);
	printf("(shown once: keep it safe, change it after the first login)\n");
	rc = 0;
out:
	sodium_memzero(pw, sizeof(pw));
	db_close(db);
	return rc;
}

static int
print_office(void *arg, const struct office *of)
{
	(void)arg;
	printf("%-10s %-2s %-3s %s\n", of->code, of->country, of->hq ? "HQ" : "",
	    of->name);
	return 0;
}

static int
print_user(void *arg, const struct user *u)
{
	(void)arg;
	printf("%-24s %-18s %-10s %s\n", u->username, role_name(u->role),
	    u->office_code, u->disabled ? "disabled" : "active");
	return 0;
}

static int
cmd_office(const char *sub, const struct opts *o)
{
	struct db *db;
	int rc;

	if (strcmp(sub, "add") == 0) {
		if (!o->code || !o->name || !o->country)
			return fail("office add needs --code, --name and --country");
		if ((db = open_db(o, false)) == NULL)
			return 1;
		rc = add_office(db, o->code, o->name, o->country, o->hq);
		if (rc == 0)
			printf("added office %s\n", o->code);
	} else if (strcmp(sub, "list") == 0) {
		if ((db = open_db(o, false)) == NULL)
			return 1;
		rc = db_office_list(db, print_office, NULL) == DB_OK ? 0 : 1;
	} else {
		return usage("office", false);
	}
	db_close(db);
	return rc;
}

/*
 * health-grant|health-revoke|case-grant|case-revoke of account u: through
 * users_set_grants(), as the user page and the API do, so that the same
 * refusals and audit rows follow (the command line is no account of its
 * own: it never grants itself). 0 or 1 (refused or failed).
 */
static int
cli_grant(struct db *db, const struct user *u, enum user_grant g, bool on)
{
	struct app app;
	struct req r;
	int want[USER_GRANT__MAX] = { -1, -1 }, rc;
	const char *why[USER_GRANT__MAX];
	enum user_grant_refusal refusal[USER_GRANT__MAX];

	memset(&app, 0, sizeof(app));
	app.db = db;
	cli_req(&r, &app, NULL);
	want[g] = on;
	rc = users_set_grants(&r, u, want, why, refusal);
	if (rc > 0 && refusal[g] == USER_GRANT_ROLE && g == USER_GRANT_CASE)
		return fail("case access is for admin accounts only; %s is %s",
		    u->username, role_name(u->role));
	if (rc > 0)
		return fail("%s", why[g] ? why[g] : "refused");
	return rc < 0 ? 1 : 0;
}

static int
cmd_user(const char *sub, const struct opts *o)
{
	struct db *db;
	struct user u;
	char pw[AUTH_PASSWORD_BYTES + 2];
	char obj[64];
	int rc = 1;

	if (strcmp(sub, "list") == 0) {
		if ((db = open_db(o, false)) == NULL)
			return 1;
		rc = db_user_list(db, print_user, NULL) == DB_OK ? 0 : 1;
		db_close(db);
		return rc;
	}
	if (strcmp(sub, "add") && strcmp(sub, "passwd") &&
	    strcmp(sub, "disable") && strcmp(sub, "enable") &&
	    strcmp(sub, "health-grant") && strcmp(sub, "health-revoke") &&
	    strcmp(sub, "case-grant") && strcmp(sub, "case-revoke") &&
	    strcmp(sub, "two-step-off"))
		return usage("user", false);
	if (o->username == NULL)
		return fail("--username is required");
	if (strcmp(sub, "add") == 0 && (!o->role || !o->office))
		return fail("user add needs --role and --office");
	if ((strcmp(sub, "add") == 0 || strcmp(sub, "passwd") == 0) &&
	    !o->password_stdin)
		return fail("give the password on standard input with --password-stdin");
	if (o->password_stdin && read_password(pw, sizeof(pw)) != 0)
		return 1;
	if ((db = open_db(o, false)) == NULL)
		goto wipe;
	if (strcmp(sub, "add") == 0) {
		rc = add_user(db, o->username, o->role, o->office, pw, NULL);
		if (rc == 0)
			printf("added user %s\n", o->username);
		goto out;
	}
	if (db_user_by_name(db, o->username, &u) != DB_OK) {
		fail("no user %s", o->username);
		goto out;
	}
	snprintf(obj, sizeof(obj), "user:%lld", (long long)u.id);
	if (strcmp(sub, "passwd") == 0) {
		const char *problem = auth_password_problem(pw);

		if (problem) {
			fail("%s", problem);
			goto out;
		}
		if (crypt_pw_hash(pw, u.pwhash) < 0 ||
		    db_user_set_password(db, u.id, u.pwhash) != DB_OK ||
		    db_session_delete_user(db, u.id) != DB_OK)
			goto out;
		cli_audit(db, "admin.user.update", obj,
		    "{\"field\":\"password\"}");
		printf("password of %s changed\n", o->username);
	} else if (strcmp(sub, "two-step-off") == 0) {
		if (db_totp_delete(db, u.id) != DB_OK)
			goto out;
		cli_audit(db, "admin.user.update", obj,
		    "{\"field\":\"totp\",\"old\":\"on\",\"new\":\"off\"}");
		printf("two-step verification of %s turned off\n", o->username);
	} else if (strncmp(sub, "health-", 7) == 0) {
		bool on = strcmp(sub, "health-grant") == 0;

		if (cli_grant(db, &u, USER_GRANT_HEALTH, on) != 0)
			goto out;
		printf("health records %s %s\n", on ? "granted to" :
		    "revoked from", o->username);
	} else if (strncmp(sub, "case-", 5) == 0) {
		bool on = strcmp(sub, "case-grant") == 0;

		if (cli_grant(db, &u, USER_GRANT_CASE, on) != 0)
			goto out;
		printf("case access %s %s\n", on ? "granted to" :
		    "revoked from", o->username);
	} else {
		bool dis = strcmp(sub, "disable") == 0;

		if (db_user_set_disabled(db, u.id, dis) != DB_OK)
			goto out;
		if (dis && db_session_delete_user(db, u.id) != DB_OK)
			goto out;
		cli_audit(db, "admin.user.update", obj, dis ?
		    "{\"field\":\"disabled\",\"old\":false,\"new\":true}" :
		    "{\"field\":\"disabled\",\"old\":true,\"new\":false}");
		printf("user %s %s\n", o->username, dis ? "disabled" : "enabled");
	}
	rc = 0;
out:
	if (db)
		db_close(db);
wipe:
	if (o->password_stdin)
		sodium_memzero(pw, sizeof(pw));
	return rc;
}

struct pw_job {
	const char *pw;
	char hash[CRYPT_PWHASH_MAX];
	int rc;
};

static void *
pw_job_run(void *arg)
{
	struct pw_job *j = arg;

	j->rc = crypt_pw_hash(j->pw, j->hash);
	return NULL;
}

/*
 * Hashes the passwords of jobs[n] side by side: crypt_pw_hash() lets as
 * many run at once as crypt_init() allowed (one per core), which makes
 * the demo's twenty accounts a matter of a second, not of several.
 * 0, or -1 when one could not be hashed.
 */
static int
hash_all(struct pw_job *jobs, size_t n)
{
	pthread_t *t = calloc(n, sizeof(*t));
	bool *run = calloc(n, sizeof(*run));
	size_t i;
	int rc = 0;

	for (i = 0; i < n; i++) {
		if (t && run)
			run[i] = pthread_create(&t[i], NULL, pw_job_run,
			    &jobs[i]) == 0;
		if (!run || !run[i])
			pw_job_run(&jobs[i]);
	}
	for (i = 0; i < n; i++) {
		if (run && run[i])
			pthread_join(t[i], NULL);
		if (jobs[i].rc < 0)
			rc = -1;
	}
	free(t);
	free(run);
	return rc;
}

/* The demo (demo.h): its offices and accounts, then its registry,
 * projects and cases. Run again, it gives the accounts new passwords and
 * adds nothing else. */
static int
cmd_demo(const struct opts *o)
{
	const struct demo_office *offs;
	const struct demo_account *users;
	struct app app;
	char pwpath[4096], dbcopy[4096], (*pws)[24] = NULL;
	struct pw_job *jobs = NULL;
	struct db *db;
	struct office of;
	struct user u;
	size_t i, noffs, nusers;
	FILE *f;
	int fd, rc = 1, loaded;
	bool fresh;

	memset(&app, 0, sizeof(app));
	if (o->db == NULL)
		return fail("--db PATH is required");
	offs = demo_offices(&noffs);
	users = demo_accounts(&nusers);
	if (o->passwords_file)
		snprintf(pwpath, sizeof(pwpath), "%s", o->passwords_file);
	else {
		snprintf(dbcopy, sizeof(dbcopy), "%s", o->db);
		snprintf(pwpath, sizeof(pwpath), "%s/demo-passwords.txt",
		    dirname(dbcopy));
	}
	fresh = access(o->db, F_OK) != 0;
	if ((db = open_db(o, true)) == NULL)
		return 1;
	if ((pws = sodium_malloc(nusers * sizeof(*pws))) == NULL ||
	    (jobs = calloc(nusers, sizeof(*jobs))) == NULL) {
		fail("out of memory");
		goto out;
	}
	if (fresh && new_key(db, o) != 0)
		goto out;
	for (i = 0; i < noffs; i++) {
		if (db_office_by_code(db, offs[i].code, &of) == DB_OK)
			continue;
		if (add_office(db, offs[i].code, offs[i].name, offs[i].country,
		    offs[i].hq) != 0)
			goto out;
	}
	for (i = 0; i < nusers; i++) {
		crypt_password(pws[i], sizeof(pws[i]), 16);
		jobs[i].pw = pws[i];
	}
	if (hash_all(jobs, nusers) < 0) {
		fail("could not hash the passwords");
		goto out;
	}
	for (i = 0; i < nusers; i++) {
		if (db_user_by_name(db, users[i].user, &u) == DB_OK) {
			snprintf(u.pwhash, sizeof(u.pwhash), "%s", jobs[i].hash);
			if (db_user_set_password(db, u.id, u.pwhash) != DB_OK)
				goto out;
			continue;
		}
		if (add_user(db, users[i].user, users[i].role, users[i].office,
		    pws[i], jobs[i].hash) != 0)
			goto out;
	}
	if (isocodes_load(NULL) < 0 || (app.vault = open_key(db, o)) == NULL)
		goto out;
	app.db = db;
	if ((loaded = demo_load(&app)) < 0) {
		fail("demo: cannot add the registry, the projects and the cases");
		goto out;
	}
	fd = open(pwpath, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0600);
	if (fd < 0 || fchmod(fd, 0600) != 0 || (f = fdopen(fd, "w")) == NULL) {
		if (fd >= 0)
			close(fd);
		fail("cannot write %s: %s", pwpath, strerror(errno));
		goto out;
	}
	fprintf(f, "# ctm demo accounts: username password (role, office)\n");
	for (i = 0; i < nusers; i++)
		fprintf(f, "%s %s (%s, %s)\n", users[i].user, pws[i],
		    users[i].role, users[i].office);
	fclose(f);
	cli_audit(db, "admin.demo", "demo", NULL);
	if (app.vault)
		vault_close(app.vault);
	app.vault = NULL;
	printf("demo data in %s\n", o->db);
	if (loaded == 1)
		printf("the demo's cases were there already: none added\n");
	printf("demo users:");
	for (i = 0; i < nusers; i++)
		printf(" %s", users[i].user);
	printf("\npasswords written to %s (readable only by you)\n", pwpath);
	rc = 0;
out:
	free(jobs);
	if (pws)
		sodium_free(pws);
	if (app.vault)
		vault_close(app.vault);
	isocodes_release();
	db_close(db);
	return rc;
}

static int
cmd_serve(const struct opts *o)
{
	struct app app;
	const char *ld = getenv("CTM_LOCALEDIR");
	long n = sysconf(_SC_NPROCESSORS_ONLN);
	int rc;

	memset(&app, 0, sizeof(app));
	if (i18n_init(ld && *ld ? ld : CTM_LOCALEDIR) < 0)
		log_warn("French and Spanish are unavailable until the locales "
		    "are installed (scripts/setup.sh)");
	app.cfg.db_path = o->db;
	app.cfg.listen = o->listen;
	app.cfg.tls_cert = o->tls_cert;
	app.cfg.tls_key = o->tls_key;
	app.cfg.session_idle = o->session_idle;
	app.cfg.session_max = o->session_max;
	app.cfg.login_max_failures = 5;
	app.cfg.login_ip_max_failures = 20;
	app.cfg.lockout_seconds = 15 * 60;
	if (o->threads > 0)
		app.cfg.threads = (unsigned)o->threads;
	else
		app.cfg.threads = n > 0 && n < 64 ? (unsigned)n : 2;
	app.cfg.conn_limit = (unsigned)o->max_connections;
	app.cfg.per_ip_limit = (unsigned)o->per_ip_connections;
	app.cfg.conn_timeout = (unsigned)o->connection_timeout;
	if (isocodes_load(NULL) < 0)
		return fail("cannot read the ISO country and language lists "
		    "(package iso-codes)");
	if ((app.db = open_db(o, false)) == NULL)
		return 1;
	if ((app.vault = open_key(app.db, o)) == NULL) {
		db_close(app.db);
		return 1;
	}
	rc = http_serve(&app) == 0 ? 0 : 1;
	vault_close(app.vault);
	db_close(app.db);
	isocodes_release();
	i18n_release();
	return rc;
}

/*
 * ctm stats --db PATH [--dataset NAME] --by VAR [--by VAR2]
 *     [--where VAR=VALUE ...] [--per-member] [--k N]
 *     [--format table|csv|json]
 * The caseload (the default dataset) is read with the key, as the
 * operator of the server; --k suppresses small cells for publication.
 */
static int
cmd_stats(int argc, char **argv)
{
	static const struct option sopts[] = {
		{ "db", required_argument, NULL, 'd' },
		{ "dataset", required_argument, NULL, 'n' },
		{ "by", required_argument, NULL, 'b' },
		{ "where", required_argument, NULL, 'w' },
		{ "per-member", no_argument, NULL, 'm' },
		{ "k", required_argument, NULL, 'k' },
		{ "format", required_argument, NULL, 'f' },
		{ "key-file", required_argument, NULL, 'K' },
		{ "help", no_argument, NULL, 'h' },
		{ NULL, 0, NULL, 0 },
	};
	struct stats_query q;
	struct stats_table *t = NULL;
	struct dataset *ds = NULL;
	struct buf out = BUF_INIT(256 * 1024 * 1024);
	struct opts o;
	struct app app;
	const char *dataset = "caseload", *format = "table", *err = NULL;
	size_t nby = 0;
	int c, rc = 1;
	char *end;
	long k;

	memset(&q, 0, sizeof(q));
	memset(&o, 0, sizeof(o));
	memset(&app, 0, sizeof(app));
	optind = 1;
	opterr = 0;
	while ((c = getopt_long(argc, argv, "", sopts, NULL)) != -1) {
		switch (c) {
		case 'd': o.db = optarg; break;
		case 'n': dataset = optarg; break;
		case 'K': o.key_file = optarg; break;
		case 'b':
			if (nby == 2)
				return fail("at most two --by"), 2;
			q.by[nby++] = optarg;
			break;
		case 'w': {
			char *eq = strchr(optarg, '=');

			if (eq == NULL || eq == optarg ||
			    q.nwhere == STATS_WHERE_MAX)
				return fail("--where wants VAR=VALUE (at most %d)",
				    STATS_WHERE_MAX), 2;
			*eq = '\0';
			q.where[q.nwhere].var = optarg;
			q.where[q.nwhere++].value = eq + 1;
			break;
		}
		case 'm': q.per_member = true; break;
		case 'k':
			k = strtol(optarg, &end, 10);
			if (*end || k < 0 || k > 1000)
				return fail("--k wants a number from 0 to 1000"), 2;
			q.k = (int)k;
			break;
		case 'f': format = optarg; break;
		case 'h': return usage("stats", true);
		default:
			return fail("unknown or incomplete option %s",
			    argv[optind - 1]), 2;
		}
	}
	if (optind != argc)
		return fail("unexpected argument: %s", argv[optind]), 2;
	if (nby == 0)
		return fail("--by VAR is required"), 2;
	if (strcmp(format, "table") && strcmp(format, "csv") &&
	    strcmp(format, "json"))
		return fail("--format is table, csv or json"), 2;
	if ((app.db = open_db(&o, false)) == NULL)
		return 1;
	if (strcmp(dataset, "caseload") == 0) {
		struct req r;

		if (isocodes_load(NULL) < 0 ||
		    (app.vault = open_key(app.db, &o)) == NULL)
			goto out;
		cli_req(&r, &app, NULL);
		ds = research_caseload(&r, 0, false);
	} else {
		int drc = db_dataset_load(app.db, dataset, &ds);

		if (drc == DB_NOTFOUND) {
			fail("no dataset %s (see `ctm import ctdc`)", dataset);
			goto out;
		}
	}
	if (ds == NULL)
		goto out;
	t = stats_compute(ds, &q, &err);
	if (t == NULL) {
		fail("%s", err ? err : "invalid query");
		goto out;
	}
	if (strcmp(format, "json") == 0) {
		json_t *j = stats_table_json(t, &q);
		char *s = j ? json_dumps(j, JSON_INDENT(2) | JSON_ESCAPE_SLASH) :
		    NULL;

		json_decref(j);
		if (s == NULL)
			goto out;
		puts(s);
		free(s);
	} else {
		if ((strcmp(format, "csv") == 0 ? stats_table_csv(t, &q, &out) :
		    stats_table_text(t, &q, &out)) < 0)
			goto out;
		fwrite(buf_cstr(&out), 1, out.len, stdout);
	}
	cli_audit(app.db, "stats.query", dataset, NULL);
	rc = 0;
out:
	buf_release(&out);
	stats_table_free(t);
	dataset_free(ds);
	if (app.vault)
		vault_close(app.vault);
	db_close(app.db);
	return rc;
}

/*
 * ctm import ctdc ... : argv[0] is "import". Its options are its own,
 * since it takes the file as an argument.
 */
static int
cmd_import(int argc, char **argv)
{
	static const struct option iopts[] = {
		{ "db", required_argument, NULL, 'd' },
		{ "dataset", required_argument, NULL, 'n' },
		{ "skip-invalid", no_argument, NULL, 's' },
		{ "help", no_argument, NULL, 'h' },
		{ NULL, 0, NULL, 0 },
	};
	struct buf report = BUF_INIT(1 << 20);
	struct import_opts io;
	struct import_result res;
	struct opts o;
	struct db *db;
	const char *file;
	char detail[256];
	int c, rc = 1;

	if (argc < 2 || argv[1][0] == '-')
		return usage("import", argc >= 2 &&
		    (strcmp(argv[1], "--help") == 0 ||
		    strcmp(argv[1], "-h") == 0));
	if (strcmp(argv[1], "ctdc") != 0) {
		fail("cannot import %s: the formats are: ctdc", argv[1]);
		return 2;
	}
	memset(&o, 0, sizeof(o));
	memset(&io, 0, sizeof(io));
	argc--;
	argv++;
	optind = 1;
	opterr = 0;
	while ((c = getopt_long(argc, argv, "", iopts, NULL)) != -1) {
		switch (c) {
		case 'd': o.db = optarg; break;
		case 'n': io.dataset = optarg; break;
		case 's': io.skip_invalid = true; break;
		case 'h': return usage("import", true);
		default:
			fail("unknown or incomplete option %s",
			    argv[optind - 1]);
			return 2;
		}
	}
	if (optind != argc - 1) {
		fail(optind >= argc ? "which file? (ctm import ctdc ... FILE)" :
		    "one file at a time");
		return 2;
	}
	file = argv[optind];
	if (io.dataset == NULL) {
		fail("--dataset NAME is required");
		return 2;
	}
	if (!db_dataset_name_ok(io.dataset)) {
		fail("a dataset name is 1 to 63 letters, digits, '_', '.' "
		    "or '-'");
		return 2;
	}
	if ((db = open_db(&o, false)) == NULL)
		return 1;
	io.progress = isatty(STDERR_FILENO) != 0;
	import_ctdc_file(db, file, &io, &report, &res);
	if (res.latin1)
		fprintf(stderr, "ctm: %s is not UTF-8: it was read as Latin-1 "
		    "(ISO 8859-1) and converted\n", file);
	if (report.len > 0) {
		fprintf(stderr, "%s:\n", file);
		fputs(buf_cstr(&report), stderr);
	}
	switch (res.status) {
	case IMPORT_DONE:
		printf("imported %zu row%s into dataset %s (%s)%s; it has %zu "
		    "row%s\n", res.rows_imported, res.rows_imported == 1 ? "" :
		    "s", io.dataset,
		    ctdc_layout_title((enum ctdc_layout)res.layout),
		    res.appended ? ", added to those it had" : "",
		    res.dataset_rows, res.dataset_rows == 1 ? "" : "s");
		snprintf(detail, sizeof(detail), "{\"layout\":\"%s\","
		    "\"rows\":%zu,\"skipped\":%zu,\"blake2b\":\"%s\"}",
		    ctdc_layout_name((enum ctdc_layout)res.layout),
		    res.rows_imported, res.rows_invalid, res.hash);
		{
			char obj[DB_DATASET_NAME_MAX + 16];

			snprintf(obj, sizeof(obj), "dataset:%s", io.dataset);
			cli_audit(db, "dataset.import", obj, detail);
		}
		rc = 0;
		break;
	case IMPORT_ALREADY:
		printf("%s was already imported into dataset %s: nothing "
		    "changed\n", file, io.dataset);
		rc = 0;
		break;
	case IMPORT_REFUSED:
		fail("%s: not imported; the database is unchanged", file);
		break;
	case IMPORT_FAILED:
		fail("%s: the import failed; the database is unchanged", file);
		break;
	}
	buf_release(&report);
	db_close(db);
	return rc;
}

int
cli_main(int argc, char **argv)
{
	const char *cmd, *sub = NULL;
	struct opts o;
	int skip = 1;

	/* One argon2id hash (64 MiB) at a time per core. */
	{
		long nc = sysconf(_SC_NPROCESSORS_ONLN);

		if (crypt_init(nc > 0 && nc < 64 ? (unsigned)nc : 2) < 0)
			return 1;
	}
	if (totp_init() < 0)
		return fail("cannot start the one-time code library"), 1;
	if (argc < 2)
		return usage(NULL, false);
	cmd = argv[1];
	if (strcmp(cmd, "--help") == 0 || strcmp(cmd, "-h") == 0 ||
	    strcmp(cmd, "help") == 0)
		return usage(argc > 2 ? argv[2] : NULL, true);
	if (strcmp(cmd, "--version") == 0 || strcmp(cmd, "version") == 0) {
		printf("ctm %s\n", CTM_VERSION);
		return 0;
	}
	if (argc >= 3 && strcmp(argv[2], "htcds") == 0) {
		if (strcmp(cmd, "import") == 0)
			return cli_import_htcds(argc - 1, argv + 1);
		if (strcmp(cmd, "export") == 0)
			return cli_export_htcds(argc - 1, argv + 1);
	}
	if (strcmp(cmd, "import") == 0)
		return cmd_import(argc - 1, argv + 1);
	if (strcmp(cmd, "export") == 0 && argc >= 3 &&
	    strcmp(argv[2], "ctdc") == 0)
		return cli_export_ctdc(argc - 1, argv + 1);
	if (strcmp(cmd, "stats") == 0)
		return cmd_stats(argc - 1, argv + 1);
	if (strcmp(cmd, "office") == 0 || strcmp(cmd, "user") == 0) {
		if (argc < 3 || argv[2][0] == '-')
			return usage(cmd, argc >= 3 && strcmp(argv[2], "--help") == 0);
		sub = argv[2];
		skip = 2;
	}
	if (parse_opts(argc - skip, argv + skip, &o) < 0)
		return 2;
	if (o.help)
		return usage(cmd, true);
	if (strcmp(cmd, "init") == 0)
		return cmd_init(&o);
	if (strcmp(cmd, "office") == 0)
		return cmd_office(sub, &o);
	if (strcmp(cmd, "user") == 0)
		return cmd_user(sub, &o);
	if (strcmp(cmd, "demo") == 0)
		return cmd_demo(&o);
	if (strcmp(cmd, "serve") == 0)
		return cmd_serve(&o);
	fail("unknown command %s", cmd);
	return usage(NULL, false);
}

int
cli_fail(const char *fmt, ...)
{
	va_list ap;

	fputs("ctm: ", stderr);
	va_start(ap, fmt);
	vfprintf(stderr, fmt, ap);
	va_end(ap);
	fputc('\n', stderr);
	return 1;
}

int
cli_open(struct app *app, const char *db, const char *key_file)
{
	struct opts o;

	memset(app, 0, sizeof(*app));
	memset(&o, 0, sizeof(o));
	o.db = db;
	o.key_file = key_file;
	if (isocodes_load(NULL) < 0)
		return fail("cannot read the ISO country and language lists "
		    "(package iso-codes)");
	if ((app->db = open_db(&o, false)) == NULL)
		return 1;
	if ((app->vault = open_key(app->db, &o)) == NULL) {
		db_close(app->db);
		app->db = NULL;
		return 1;
	}
	return 0;
}

void
cli_close(struct app *app)
{
	if (app->vault)
		vault_close(app->vault);
	if (app->db)
		db_close(app->db);
	app->vault = NULL;
	app->db = NULL;
	isocodes_release();
}

static struct arena *arena;

static void
arena_release(void)
{
	arena_free(arena);
	arena = NULL;
}

/*
 * The arena of the command's requests: one for the process (a command
 * is short-lived), given back at exit. Capped like nothing else: the
 * demo makes many requests through it.
 */
static struct arena *
cli_arena(void)
{
	if (arena == NULL && (arena = arena_new((size_t)256 << 20)) != NULL)
		atexit(arena_release);
	return arena;
}

void
cli_req(struct req *r, struct app *app, const struct user *u)
{
	const char *who = getenv("USER");

	memset(r, 0, sizeof(*r));
	r->app = app;
	r->arena = cli_arena();
	r->now = (int64_t)time(NULL);
	r->authed = true;
	if (u) {
		r->user = *u;
	} else {
		/* Whoever runs the command holds the database and its key:
		 * an administrator with access to every case file. */
		r->user.role = ROLE_ADMIN;
		r->user.case_access = true;
		snprintf(r->user.username, sizeof(r->user.username), "cli:%s",
		    who ? who : "?");
	}
	snprintf(r->ip, sizeof(r->ip), "local");
}
