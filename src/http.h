/*
 * http.h - the HTTP layer: server, request, response.
 *
 * libmicrohttpd runs an internal thread pool with epoll. For each request
 * the layer makes a struct req with its own arena, reads the body (capped),
 * finds the route, establishes the session and language, checks CSRF,
 * calls the handler, and adds the security headers to whatever the
 * handler answered. Handlers fill the response through the resp_*
 * functions and return 0; returning -1 makes a 500. Everything in a
 * struct req lives until the request completes.
 */
#ifndef CTM_HTTP_H
#define CTM_HTTP_H

#include "compat.h"

#include <jansson.h>

#include "arena.h"
#include "buf.h"
#include "db.h"
#include "html.h"
#include "i18n.h"
#include "input.h"

#define HTTP_BODY_MAX (1024 * 1024)
#define HTTP_PAGE_MAX (4 * 1024 * 1024)

enum method {
	M_GET = 1,
	M_POST = 2,
	M_PUT = 4,
	M_PATCH = 8,
	M_DELETE = 16,
	M_HEAD = 32,
	M_OTHER = 64,
};

struct config {
	const char *db_path;
	const char *key_file;
	const char *listen;		/* "ADDR:PORT" */
	const char *tls_cert;
	const char *tls_key;
	int64_t session_idle;		/* seconds */
	int64_t session_max;		/* seconds */
	int login_max_failures;		/* per username in the window */
	int login_ip_max_failures;	/* per address in the window */
	int64_t lockout_seconds;
	unsigned threads;
	unsigned conn_limit;
	unsigned per_ip_limit;
	unsigned conn_timeout;
};

struct vault;

struct app {
	struct db *db;
	struct vault *vault;		/* seals case files */
	struct config cfg;
	bool tls;
};

struct form_field {
	const char *name;
	const char *value;
	struct form_field *next;
};

struct header {
	const char *name;
	const char *value;
	struct header *next;
};

struct req {
	struct app *app;
	struct arena *arena;
	void *conn;			/* struct MHD_Connection * */
	enum method method;
	const char *path;
	char ip[DB_IP_MAX];
	bool api;			/* path under /api/ */
	struct buf body;
	bool body_toobig;
	int64_t now;

	/* set by the route match */
	int64_t id;			/* the {id} segment, if any */
	bool asks;			/* RF_ASKS: the body saves nothing */

	/* session */
	bool authed;
	struct user user;
	struct session sess;
	char token_hash[65];
	enum lang lang;
	const char *pre_token;		/* anonymous CSRF cookie, if any */

	/* parsed body */
	json_t *json;			/* API bodies, owned */
	struct form_field *form;	/* urlencoded bodies, arena */

	/* response */
	int status;
	bool denial_audited;		/* a refusal of this request is in the
					 * audit trail (audit.c) */
	const char *ctype;
	struct buf out;
	struct header *headers;
	const char *flash;
};

/* Starts serving; returns after SIGTERM/SIGINT. 0 on clean shutdown. */
int http_serve(struct app *app);

/* --- request helpers (untrusted values; NULL when absent) --- */
const char *req_query(struct req *r, const char *name);
/* Every value of a repeated query argument, in order, into out[max];
 * returns how many there were (which may exceed max). */
size_t req_query_all(struct req *r, const char *name, const char **out,
    size_t max);
const char *req_header(struct req *r, const char *name);
const char *req_cookie(struct req *r, const char *name);
const char *req_form(struct req *r, const char *name);
/* A record or user id typed into a form or query (untrusted): 0 when s
 * is NULL or empty, -1 unless it is plain decimal digits for a number
 * from 1 to about 2^53 (no sign, no spaces, no leading "+"). */
int64_t form_id(const char *s);

/* --- responses --- */
void resp_header(struct req *r, const char *name, const char *value);
/*
 * Checks the JSON body r->json against spec (input.h): unknown keys
 * first, at every depth spec describes, then each member's JSON type.
 * 0 when all is well; else answers 400 with fields naming each path
 * ("donors[0].evil") and returns 1 (-1 when out of memory). The answer
 * says that nothing was saved unless the route only asks (RF_ASKS).
 */
int req_fields(struct req *r, const struct input_field *spec);
int resp_json(struct req *r, int status, json_t *body);	/* steals body */
int resp_html(struct req *r, int status, struct html *h);
int resp_redirect(struct req *r, const char *location);
/* An error in the user's language: JSON for the API, a page otherwise.
 * fields (stolen, may be NULL) maps field names to messages. */
int resp_error(struct req *r, int status, const char *msg, json_t *fields);
void resp_cookie(struct req *r, const char *name, const char *value,
    int64_t max_age, bool httponly);

/* UTF-8 validation of untrusted text (no NUL, no overlongs, no
 * surrogates). */
bool utf8_valid(const char *s, size_t n);

#endif
