/*
 * route.h - the one route table of ctm.
 *
 * A pattern is a literal path where a "{id}" segment matches a positive
 * decimal integer (stored in req->id). Flags say what the HTTP layer must
 * establish before the handler runs.
 */
#ifndef CTM_ROUTE_H
#define CTM_ROUTE_H

#include "http.h"

typedef int (*handler_fn)(struct req *r);

enum route_flag {
	RF_AUTH = 1,		/* needs a session */
	RF_ANON_FORM = 2,	/* anonymous form: double-submit CSRF */
	RF_NO_CSRF = 4,		/* anonymous JSON (login): no token yet */
	RF_ASKS = 8,		/* the body asks (a login, a search) and
				 * saves nothing: no refusal of it says
				 * "Nothing was saved" */
};

struct route {
	unsigned methods;	/* enum method bits */
	const char *pattern;
	handler_fn fn;
	unsigned flags;
};

/*
 * Finds the route for path and method. Returns NULL when none matches;
 * *wrong_method is then true if the path exists for other methods.
 */
const struct route *route_match(const char *path, enum method m,
    int64_t *id, bool *wrong_method);

/* The methods (enum method bits) that path answers to; 0 when none. */
unsigned route_methods(const char *path);

#endif
