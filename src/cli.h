/*
 * cli.h - the ctm command line (documented in README.md and ctm --help).
 */
#ifndef CTM_CLI_H
#define CTM_CLI_H

#include "compat.h"

struct app;
struct db;

/* Runs the command in argv; returns the process exit status. */
int cli_main(int argc, char **argv);

/*
 * For commands written in files of their own (cli_*.c).
 * cli_fail() prints "ctm: MESSAGE" on stderr and returns 1.
 * cli_open() opens the database at db (which must exist), the ISO code
 * lists and the key (key_file, NULL: beside the database), checking that
 * the key belongs to the database; 0, or 1 after printing why.
 * cli_close() releases what cli_open() opened.
 * cli_audit() records an action of the command line in the audit trail.
 */
int cli_fail(const char *fmt, ...) ATTR_PRINTF(1, 2);
/*
 * A request as the command line makes it, to go through the same checks
 * as the web: nobody logged in, acting with user u (NULL: an operator
 * with an administrator's scope and access to every case file, who holds
 * the database and its key), the audit naming the shell user.
 */
struct req;
struct user;
void cli_req(struct req *r, struct app *app, const struct user *u);
int cli_open(struct app *app, const char *db, const char *key_file);
void cli_close(struct app *app);
void cli_audit(struct db *db, const char *action, const char *object,
    const char *detail);

#endif
