/*
 * log.h - server log on stderr.
 *
 * Never pass personal data (names, case content, passwords, tokens) to
 * these: log identifiers (user id, case id, route) only.
 * error() logs and returns -1 so failures read "return error(...)".
 */
#ifndef CTM_LOG_H
#define CTM_LOG_H

#include "compat.h"

void log_info(const char *fmt, ...) ATTR_PRINTF(1, 2);
void log_warn(const char *fmt, ...) ATTR_PRINTF(1, 2);
int error(const char *fmt, ...) ATTR_PRINTF(1, 2);
void log_set_quiet(bool quiet);

#endif
