/*
 * cli.h - the ctm command line (documented in README.md and ctm --help).
 */
#ifndef CTM_CLI_H
#define CTM_CLI_H

/* Runs the command in argv; returns the process exit status. */
int cli_main(int argc, char **argv);

#endif
