#include "compat.h"

#include <arpa/inet.h>
#include <errno.h>
#include <netinet/in.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <time.h>

#include <microhttpd.h>
#include <pthread.h>
#include <sodium.h>

#include "audit.h"
#include "auth.h"
#include "crypt.h"
#include "http.h"
#include "i18n.h"
#include "log.h"
#include "page.h"
#include "route.h"

#define ARENA_MAX (16 * 1024 * 1024)

static const char csp[] =
    "default-src 'none'; script-src 'self'; style-src 'self'; "
    "img-src 'self' data:; font-src 'self'; connect-src 'self'; "
    "form-action 'self'; frame-ancestors 'none'; base-uri 'none'";

bool
utf8_valid(const char *str, size_t n)
{
	const unsigned char *s = (const unsigned char *)str;
	size_t i = 0;

	while (i < n) {
		unsigned c = s[i];
		size_t len;
		unsigned cp;

		if (c == 0)
			return false;
		if (c < 0x80) {
			i++;
			continue;
		} else if ((c & 0xE0) == 0xC0) {
			len = 2;
			cp = c & 0x1F;
		} else if ((c & 0xF0) == 0xE0) {
			len = 3;
			cp = c & 0x0F;
		} else if ((c & 0xF8) == 0xF0) {
			len = 4;
			cp = c & 0x07;
		} else {
			return false;
		}
		if (i + len > n)
			return false;
		for (size_t k = 1; k < len; k++) {
			if ((s[i + k] & 0xC0) != 0x80)
				return false;
			cp = (cp << 6) | (s[i + k] & 0x3F);
		}
		if ((len == 2 && cp < 0x80) || (len == 3 && cp < 0x800) ||
		    (len == 4 && cp < 0x10000) || cp > 0x10FFFF ||
		    (cp >= 0xD800 && cp <= 0xDFFF))
			return false;
		i += len;
	}
	return true;
}

/* The methods a route may answer to, by name. */
static const struct {
	unsigned bit;
	const char *name;
} method_names[] = {
	{ M_GET, "GET" }, { M_HEAD, "HEAD" }, { M_POST, "POST" },
	{ M_PUT, "PUT" }, { M_PATCH, "PATCH" }, { M_DELETE, "DELETE" },
};

static enum method
method_of(const char *m)
{
	size_t i;

	for (i = 0; i < ARRAY_SIZE(method_names); i++)
		if (strcmp(m, method_names[i].name) == 0)
			return (enum method)method_names[i].bit;
	return M_OTHER;
}

const char *
req_query(struct req *r, const char *name)
{
	return MHD_lookup_connection_value(r->conn, MHD_GET_ARGUMENT_KIND, name);
}

struct query_all {
	const char *name;
	const char **out;
	size_t max, n;
};

static enum MHD_Result
query_all_cb(void *cls, enum MHD_ValueKind kind, const char *key,
    const char *value)
{
	struct query_all *q = cls;

	(void)kind;
	if (strcmp(key, q->name) == 0) {
		if (q->n < q->max)
			q->out[q->n] = value ? value : "";
		q->n++;
	}
	return MHD_YES;
}

size_t
req_query_all(struct req *r, const char *name, const char **out, size_t max)
{
	struct query_all q = { name, out, max, 0 };

	MHD_get_connection_values(r->conn, MHD_GET_ARGUMENT_KIND, query_all_cb,
	    &q);
	return q.n;
}

const char *
req_header(struct req *r, const char *name)
{
	return MHD_lookup_connection_value(r->conn, MHD_HEADER_KIND, name);
}

const char *
req_cookie(struct req *r, const char *name)
{
	return MHD_lookup_connection_value(r->conn, MHD_COOKIE_KIND, name);
}

const char *
req_form(struct req *r, const char *name)
{
	struct form_field *f;

	for (f = r->form; f; f = f->next)
		if (strcmp(f->name, name) == 0)
			return f->value;
	return NULL;
}

int64_t
form_id(const char *s)
{
	int64_t v = 0;

	if (s == NULL || *s == '\0')
		return 0;
	for (; *s; s++) {
		if (*s < '0' || *s > '9' || v > (INT64_C(1) << 53) / 10)
			return -1;
		v = v * 10 + (*s - '0');
	}
	return v > 0 ? v : -1;
}

void
resp_header(struct req *r, const char *name, const char *value)
{
	struct header *h = arena_alloc(r->arena, sizeof(*h));

	if (h == NULL)
		return;
	h->name = arena_strdup(r->arena, name);
	h->value = arena_strdup(r->arena, value);
	if (h->name == NULL || h->value == NULL)
		return;
	h->next = r->headers;
	r->headers = h;
}

void
resp_cookie(struct req *r, const char *name, const char *value,
    int64_t max_age, bool httponly)
{
	char *c = arena_printf(r->arena,
	    "%s=%s; Path=/; SameSite=Strict%s%s; Max-Age=%lld", name, value,
	    httponly ? "; HttpOnly" : "", r->app->tls ? "; Secure" : "",
	    (long long)max_age);

	if (c)
		resp_header(r, MHD_HTTP_HEADER_SET_COOKIE, c);
}

int
resp_json(struct req *r, int status, json_t *body)
{
	char *s;

	/* 15 digits: 45.24 prints as 45.24, not 45.240000000000002. */
	s = json_dumps(body, JSON_COMPACT | JSON_ESCAPE_SLASH |
	    JSON_REAL_PRECISION(15));
	json_decref(body);
	if (s == NULL)
		return -1;
	buf_reset(&r->out);
	if (buf_addstr(&r->out, s) < 0) {
		free(s);
		return -1;
	}
	free(s);
	r->status = status;
	r->ctype = "application/json; charset=utf-8";
	return 0;
}

int
resp_html(struct req *r, int status, struct html *h)
{
	if (html_failed(h))
		return -1;
	buf_release(&r->out);
	r->out = h->out;
	buf_init(&h->out, h->out.max);
	r->status = status;
	r->ctype = "text/html; charset=utf-8";
	return 0;
}

int
resp_redirect(struct req *r, const char *location)
{
	/* Only local paths: never an open redirect. */
	if (location == NULL || location[0] != '/' || location[1] == '/' ||
	    location[1] == '\\')
		location = "/";
	resp_header(r, MHD_HTTP_HEADER_LOCATION, location);
	buf_reset(&r->out);
	r->status = MHD_HTTP_SEE_OTHER;
	r->ctype = "text/plain; charset=utf-8";
	return 0;
}

int
resp_error(struct req *r, int status, const char *msg, json_t *fields)
{
	json_t *o;

	if (!r->api) {
		json_decref(fields);
		return page_error(r, status, msg);
	}
	o = json_pack("{s:s}", "error", msg);
	if (o == NULL) {
		json_decref(fields);
		return -1;
	}
	if (fields)
		json_object_set_new(o, "fields", fields);
	return resp_json(r, status, o);
}

static struct req *
req_new(struct app *app, struct MHD_Connection *c, const char *url,
    const char *method)
{
	const union MHD_ConnectionInfo *ci;
	struct req *r = calloc(1, sizeof(*r));

	if (r == NULL)
		return NULL;
	r->arena = arena_new(ARENA_MAX);
	if (r->arena == NULL) {
		free(r);
		return NULL;
	}
	r->app = app;
	r->conn = c;
	r->method = method_of(method);
	r->path = arena_strdup(r->arena, url);
	r->api = strncmp(url, "/api/", 5) == 0;
	buf_init(&r->body, HTTP_BODY_MAX);
	buf_init(&r->out, HTTP_PAGE_MAX);
	r->lang = LANG_EN;
	r->status = 500;
	ci = MHD_get_connection_info(c, MHD_CONNECTION_INFO_CLIENT_ADDRESS);
	if (ci && ci->client_addr) {
		const struct sockaddr *sa = ci->client_addr;

		if (sa->sa_family == AF_INET)
			inet_ntop(AF_INET,
			    &((const struct sockaddr_in *)(const void *)sa)->sin_addr,
			    r->ip, sizeof(r->ip));
		else if (sa->sa_family == AF_INET6)
			inet_ntop(AF_INET6,
			    &((const struct sockaddr_in6 *)(const void *)sa)->sin6_addr,
			    r->ip, sizeof(r->ip));
	}
	if (r->ip[0] == '\0')
		snprintf(r->ip, sizeof(r->ip), "unknown");
	return r;
}

static void
req_free(struct req *r)
{
	if (r == NULL)
		return;
	json_decref(r->json);
	/* The body may hold a password: wipe it before it is freed. */
	if (r->body.p)
		sodium_memzero(r->body.p, r->body.cap);
	buf_release(&r->body);
	buf_release(&r->out);
	sodium_memzero(&r->sess, sizeof(r->sess));
	arena_free(r->arena);
	free(r);
}

/* Adds what every response carries, then queues it. */
static enum MHD_Result
send_response(struct req *r)
{
	struct MHD_Response *resp;
	struct header *h;
	enum MHD_Result ret;
	size_t len = r->out.len;
	char *body = buf_detach(&r->out, &len);

	resp = MHD_create_response_from_buffer(len, body,
	    MHD_RESPMEM_MUST_FREE);
	if (resp == NULL) {
		free(body);
		return MHD_NO;
	}
	MHD_add_response_header(resp, MHD_HTTP_HEADER_CONTENT_TYPE,
	    r->ctype ? r->ctype : "text/plain; charset=utf-8");
	MHD_add_response_header(resp, "Content-Security-Policy", csp);
	MHD_add_response_header(resp, "X-Content-Type-Options", "nosniff");
	MHD_add_response_header(resp, "X-Frame-Options", "DENY");
	MHD_add_response_header(resp, "Referrer-Policy", "no-referrer");
	MHD_add_response_header(resp, "Cross-Origin-Opener-Policy",
	    "same-origin");
	MHD_add_response_header(resp, "Cross-Origin-Resource-Policy",
	    "same-origin");
	MHD_add_response_header(resp, "Permissions-Policy",
	    "camera=(), microphone=(), geolocation=()");
	if (r->app->tls)
		MHD_add_response_header(resp, "Strict-Transport-Security",
		    "max-age=63072000; includeSubDomains");
	for (h = r->headers; h; h = h->next)
		MHD_add_response_header(resp, h->name, h->value);
	if (MHD_get_response_header(resp, MHD_HTTP_HEADER_CACHE_CONTROL) == NULL)
		MHD_add_response_header(resp, MHD_HTTP_HEADER_CACHE_CONTROL,
		    "no-store");
	MHD_add_response_header(resp, "Content-Language", lang_code(r->lang));
	ret = MHD_queue_response(r->conn, (unsigned)r->status, resp);
	MHD_destroy_response(resp);
	return ret;
}

/* Reads an application/x-www-form-urlencoded body into r->form. */
static enum MHD_Result
form_iter(void *cls, enum MHD_ValueKind kind, const char *key,
    const char *filename, const char *ctype, const char *enc,
    const char *data, uint64_t off, size_t size)
{
	struct req *r = cls;
	struct form_field *f;

	(void)kind; (void)filename; (void)ctype; (void)enc;
	for (f = r->form; f; f = f->next)
		if (strcmp(f->name, key) == 0)
			break;
	if (f && off > 0) {
		/* Continuation of a long value. */
		char *nv = arena_printf(r->arena, "%s%.*s", f->value,
		    (int)size, data ? data : "");

		if (nv == NULL)
			return MHD_NO;
		f->value = nv;
		return MHD_YES;
	}
	f = arena_alloc(r->arena, sizeof(*f));
	if (f == NULL)
		return MHD_NO;
	f->name = arena_strdup(r->arena, key);
	f->value = arena_strndup(r->arena, data ? data : "", size);
	if (f->name == NULL || f->value == NULL)
		return MHD_NO;
	f->next = r->form;
	r->form = f;
	return MHD_YES;
}

/* Whether the Content-Type ct is type, with or without parameters. */
static bool
media_type_is(const char *ct, const char *type)
{
	size_t n = strlen(type);

	if (ct == NULL || strncasecmp(ct, type, n) != 0)
		return false;
	ct += n;
	while (*ct == ' ' || *ct == '\t')
		ct++;
	return *ct == '\0' || *ct == ';';
}

static int
hex_digit(char c)
{
	if (c >= '0' && c <= '9')
		return c - '0';
	if (c >= 'a' && c <= 'f')
		return c - 'a' + 10;
	if (c >= 'A' && c <= 'F')
		return c - 'A' + 10;
	return -1;
}

/*
 * Whether urlencoded text p[0..n) holds a C0 control character other
 * than TAB, LF and CR, as a byte or %-encoded. libmicrohttpd hands
 * values over as C strings, so a NUL would cut one short unseen, and no
 * field of ctm holds the other controls.
 */
static bool
urlencoded_has_controls(const char *p, size_t n)
{
	size_t i;

	for (i = 0; i < n; i++) {
		unsigned c = (unsigned char)p[i];
		int h, l;

		if (c == '%' && i + 2 < n && (h = hex_digit(p[i + 1])) >= 0 &&
		    (l = hex_digit(p[i + 2])) >= 0) {
			c = (unsigned)(h * 16 + l);
			i += 2;
		}
		if (c < 0x20 && c != '\t' && c != '\n' && c != '\r')
			return true;
	}
	return false;
}

/*
 * Whether a string of the JSON holds a C0 control other than TAB, LF and
 * CR (jansson refuses \u0000 itself): the same rule as for forms. The
 * first such value's path ("a.b[2].c", as the validators name fields)
 * goes to path, which the caller releases.
 */
static bool
json_has_controls(const json_t *j, int depth, struct buf *path)
{
	const char *key, *p;
	const json_t *v;
	size_t i, n, mark = path->len;

	if (depth > 64)
		return false;	/* jansson's own depth limit is lower */
	switch (json_typeof(j)) {
	case JSON_STRING:
		p = json_string_value(j);
		n = json_string_length(j);
		for (i = 0; i < n; i++)
			if ((unsigned char)p[i] < 0x20 && p[i] != '\t' &&
			    p[i] != '\n' && p[i] != '\r')
				return true;
		return false;
	case JSON_OBJECT:
		json_object_foreach((json_t *)j, key, v) {
			path->len = mark;
			if (mark)
				(void)buf_addch(path, '.');
			for (p = key; *p; p++)
				if ((unsigned char)*p < 0x20) {
					path->len = mark;
					return true;
				}
			(void)buf_addstr(path, key);
			if (json_has_controls(v, depth + 1, path))
				return true;
		}
		path->len = mark;
		return false;
	case JSON_ARRAY:
		json_array_foreach(j, i, v) {
			path->len = mark;
			(void)buf_printf(path, "[%zu]", i);
			if (json_has_controls(v, depth + 1, path))
				return true;
		}
		path->len = mark;
		return false;
	default:
		return false;
	}
}

/* The refusal of a body with a control character, naming its field
 * (unless it was in a key, which names nothing the caller could fix). */
static int
refuse_controls(struct req *r, struct buf *path)
{
	json_t *fields = NULL;
	int rc;

	if (path->len && !path->toobig)
		fields = json_pack("{s:s}", buf_cstr(path),
		    _("The text contains control characters."));
	rc = resp_error(r, 400, r->asks ? _("The request contains a control "
	    "character that no field may hold.") : _("The request contains a "
	    "control character that no field may hold. Nothing was saved."),
	    fields);
	buf_release(path);
	return rc;
}

/* 0 when the body parsed (or there was none), else an error response. */
static int
parse_body(struct req *r)
{
	const char *ct = req_header(r, MHD_HTTP_HEADER_CONTENT_TYPE);
	json_error_t jerr;
	struct form_field *f;

	if (r->body.len == 0 && !r->api)
		return 0;
	if (r->api) {
		if (r->body.len == 0) {
			if (r->method & (M_GET | M_HEAD | M_DELETE))
				return 0;
			r->json = json_object();
			return r->json ? 0 : -1;
		}
		if (!media_type_is(ct, "application/json"))
			return resp_error(r, 415,
			    _("The request body must be JSON."), NULL), 1;
		r->json = json_loadb(r->body.p, r->body.len,
		    JSON_REJECT_DUPLICATES, &jerr);
		if (r->json == NULL && json_error_code(&jerr) ==
		    json_error_numeric_overflow)
			return resp_error(r, 400, _("A number in the request is "
			    "too large."), NULL), 1;
		if (r->json == NULL && json_error_code(&jerr) ==
		    json_error_null_character)
			return resp_error(r, 400, _("The request contains a "
			    "control character that no field may hold. Nothing "
			    "was saved."), NULL), 1;
		if (r->json == NULL && json_error_code(&jerr) ==
		    json_error_duplicate_key)
			return resp_error(r, 400, _("A field is given twice in "
			    "the request."), NULL), 1;
		if (r->json == NULL)
			return resp_error(r, 400,
			    _("The request body is not valid JSON."), NULL), 1;
		if (!json_is_object(r->json))
			return resp_error(r, 400,
			    _("The request body must be a JSON object."), NULL), 1;
		{
			struct buf path;
			bool bad;

			buf_init(&path, 1024);
			bad = json_has_controls(r->json, 0, &path);
			if (bad)
				return refuse_controls(r, &path), 1;
			buf_release(&path);
		}
		return 0;
	}
	if (!media_type_is(ct, "application/x-www-form-urlencoded"))
		return resp_error(r, 415, _("Unsupported form encoding."), NULL), 1;
	/* The whole form is refused, before any of it is read. */
	if (urlencoded_has_controls(r->body.p, r->body.len))
		return resp_error(r, 400, r->asks ? _("The form contains a "
		    "control character (such as a NUL byte) that no field may "
		    "hold: correct the text and send it again.") : _("The form "
		    "contains a control character (such as a NUL byte) that no "
		    "field may hold. Nothing was saved: correct the text and "
		    "send it again."), NULL), 1;
	{
		struct MHD_PostProcessor *pp = MHD_create_post_processor(
		    r->conn, 16 * 1024, form_iter, r);
		enum MHD_Result ok;

		if (pp == NULL)
			return resp_error(r, 400, _("The form could not be read."),
			    NULL), 1;
		ok = MHD_post_process(pp, r->body.p, r->body.len);
		MHD_destroy_post_processor(pp);
		if (ok != MHD_YES)
			return resp_error(r, 400, _("The form could not be read."),
			    NULL), 1;
	}
	for (f = r->form; f; f = f->next)
		if (!utf8_valid(f->value, strlen(f->value)) ||
		    !utf8_valid(f->name, strlen(f->name)))
			return resp_error(r, 400,
			    _("The form contains invalid characters."), NULL), 1;
	return 0;
}

static void
choose_language(struct req *r)
{
	const char *c = req_cookie(r, "ctm_lang");
	int l = c ? lang_from_code(c) : -1;

	if (r->authed && r->user.lang >= 0 && r->user.lang < LANG__MAX)
		l = r->user.lang;
	if (l < 0)
		l = (int)lang_from_accept(req_header(r, "Accept-Language"));
	r->lang = (enum lang)l;
	i18n_use(r->lang);
}

/*
 * A state-changing request must come from our own pages: a cross-site
 * Sec-Fetch-Site or a foreign Origin is refused even before the token.
 */
static bool
same_origin(struct req *r)
{
	const char *sfs = req_header(r, "Sec-Fetch-Site");
	const char *origin = req_header(r, "Origin");
	const char *host = req_header(r, MHD_HTTP_HEADER_HOST);
	const char *p;

	/*
	 * Browsers that send Sec-Fetch-Site say reliably where a request
	 * comes from. With Referrer-Policy: no-referrer they send
	 * "Origin: null" on same-origin form posts, so Origin is only
	 * compared when Sec-Fetch-Site is absent.
	 */
	if (sfs)
		return strcmp(sfs, "same-origin") == 0 || strcmp(sfs, "none") == 0;
	if (origin == NULL || strcmp(origin, "null") == 0)
		return true;
	p = strstr(origin, "://");
	if (p == NULL || host == NULL)
		return false;
	return strcmp(p + 3, host) == 0;
}

static int
check_csrf(struct req *r, const struct route *rt)
{
	const char *tok;

	if (r->method & (M_GET | M_HEAD))
		return 0;
	if (!same_origin(r))
		return -1;
	/* The API login needs no session's token: a client whose old
	 * session is still alive logs in again as one without. */
	if (rt->flags & RF_NO_CSRF)
		return 0;
	if (r->authed) {
		tok = req_header(r, "X-CSRF-Token");
		if (tok == NULL && !r->api)
			tok = req_form(r, "csrf");
		if (tok && crypt_equal(tok, r->sess.csrf))
			return 0;
		if (!(rt->flags & RF_ANON_FORM))
			return -1;
	}
	if (rt->flags & RF_ANON_FORM) {
		tok = req_form(r, "csrf");
		return tok && r->pre_token && strlen(r->pre_token) == 64 &&
		    crypt_equal(tok, r->pre_token) ? 0 : -1;
	}
	return -1;
}

/* Lists the methods the path answers to, for a 405. */
static void
allow_header(struct req *r)
{
	unsigned m = route_methods(r->path);
	char allow[64] = "";
	size_t i, n = 0;

	for (i = 0; i < ARRAY_SIZE(method_names); i++)
		if (m & method_names[i].bit)
			n += (size_t)snprintf(allow + n, sizeof(allow) - n, "%s%s",
			    n ? ", " : "", method_names[i].name);
	if (n)
		resp_header(r, "Allow", allow);
}

static const char *
method_text(enum method m)
{
	size_t i;

	for (i = 0; i < ARRAY_SIZE(method_names); i++)
		if (method_names[i].bit == (unsigned)m)
			return method_names[i].name;
	return "OTHER";
}

/*
 * Every refusal of a logged-in user is in the audit trail: a handler
 * that refused with 403 without recording why (a list, a page, an
 * action its role lacks) is recorded here as "access.denied" with the
 * route's pattern, never the path (no id, no query) nor the body.
 */
static int
denied(struct req *r, const struct route *rt, const char *why)
{
	if (!r->authed || r->status != 403 || r->denial_audited)
		return 0;
	if (audit(r, "access.denied", 0, NULL, json_pack("{s:s,s:s,s:s}",
	    "method", method_text(r->method), "route", rt->pattern,
	    "reason", why)) < 0)
		return -1;
	return 0;
}

static int
dispatch(struct req *r)
{
	const struct route *rt;
	const char *tok;
	bool wrong_method;
	int rc;

	r->now = (int64_t)time(NULL);
	i18n_use(LANG_EN);
	tok = req_cookie(r, "ctm_session");
	if (tok && auth_session(r, tok) < 0)
		tok = NULL;
	r->pre_token = req_cookie(r, "ctm_pre");
	choose_language(r);

	if (r->body_toobig)
		return resp_error(r, 413, _("The request is too large."), NULL);
	if (!utf8_valid(r->path, strlen(r->path)))
		return resp_error(r, 400, _("The address is not valid."), NULL);
	if (r->method == M_OTHER) {
		allow_header(r);
		return resp_error(r, 405, _("This method is not allowed here."),
		    NULL);
	}
	rt = route_match(r->path, r->method, &r->id, &wrong_method);
	if (rt == NULL && wrong_method) {
		allow_header(r);
		return resp_error(r, 405, _("This method is not allowed here."),
		    NULL);
	}
	if (rt == NULL)
		return resp_error(r, 404, _("This page does not exist."), NULL);
	if ((rt->flags & RF_AUTH) && !r->authed) {
		if (!r->api && (r->method & (M_GET | M_HEAD)))
			return resp_redirect(r, "/login");
		return resp_error(r, 401,
		    _("Your session has ended. Please log in again."), NULL);
	}
	r->asks = (rt->flags & RF_ASKS) != 0;
	rc = parse_body(r);
	if (rc != 0)
		return rc < 0 ? -1 : 0;
	if (check_csrf(r, rt) < 0) {
		rc = resp_error(r, 403,
		    _("The request could not be verified (missing or wrong "
		    "security token). Reload the page and try again."), NULL);
		return rc < 0 ? rc : denied(r, rt, "csrf");
	}
	rc = rt->fn(r);
	return rc < 0 ? rc : denied(r, rt, "role");
}

/*
 * The request line's URI before libmicrohttpd decodes it: an encoded NUL
 * would cut the path short and an encoded slash would change its
 * segments, so a request using either is refused, as is a query with a
 * control character, which would cut a value short as in a form (kept
 * per request in the con_cls slot until on_request makes the struct
 * req).
 */
static void *
on_uri(void *cls, const char *uri, struct MHD_Connection *c)
{
	const char *q = strchr(uri, '?'), *p;
	size_t n = q ? (size_t)(q - uri) : strlen(uri);

	(void)cls;
	(void)c;
	for (p = uri; p + 2 < uri + n; p++)
		if (p[0] == '%' && ((p[1] == '0' && p[2] == '0') ||
		    (p[1] == '2' && (p[2] == 'f' || p[2] == 'F')) ||
		    (p[1] == '5' && (p[2] == 'c' || p[2] == 'C'))))
			return (void *)&on_uri;
	if (q && urlencoded_has_controls(q + 1, strlen(q + 1)))
		return (void *)&on_uri;
	return NULL;
}

struct hdr_count {
	int content_length;
	int transfer_encoding;
	int host;
	bool bad_value;
};

static enum MHD_Result
count_header(void *cls, enum MHD_ValueKind kind, const char *key,
    const char *value)
{
	struct hdr_count *hc = cls;
	const char *p;

	(void)kind;
	if (strcasecmp(key, MHD_HTTP_HEADER_CONTENT_LENGTH) == 0)
		hc->content_length++;
	else if (strcasecmp(key, MHD_HTTP_HEADER_TRANSFER_ENCODING) == 0)
		hc->transfer_encoding++;
	else if (strcasecmp(key, MHD_HTTP_HEADER_HOST) == 0)
		hc->host++;
	for (p = value ? value : ""; *p; p++)
		if ((unsigned char)*p < 0x20 && *p != '\t')
			hc->bad_value = true;
	return MHD_YES;
}

/*
 * Refuses what a proxy in front of ctm might read differently and so
 * use to smuggle a second request: two Content-Lengths, Content-Length
 * with Transfer-Encoding, control characters in a value, no Host in
 * HTTP/1.1.
 */
static bool
headers_ambiguous(struct MHD_Connection *c, const char *version)
{
	struct hdr_count hc = { 0 };

	MHD_get_connection_values(c, MHD_HEADER_KIND, count_header, &hc);
	return hc.content_length > 1 || hc.transfer_encoding > 1 ||
	    (hc.content_length && hc.transfer_encoding) || hc.bad_value ||
	    hc.host > 1 ||
	    (hc.host == 0 && strcmp(version, MHD_HTTP_VERSION_1_1) == 0);
}

/* Answers at once, on the first call, and lets libmicrohttpd close. */
static enum MHD_Result
refuse_now(struct req *r, int status, const char *msgid)
{
	r->now = (int64_t)time(NULL);
	choose_language(r);
	if (resp_error(r, status, _(msgid), NULL) < 0)
		return MHD_NO;
	i18n_use(LANG_EN);
	resp_header(r, MHD_HTTP_HEADER_CONNECTION, "close");
	return send_response(r);
}

static enum MHD_Result
on_request(void *cls, struct MHD_Connection *c, const char *url,
    const char *method, const char *version, const char *upload_data,
    size_t *upload_data_size, void **con_cls)
{
	struct app *app = cls;
	struct req *r = *con_cls;

	if (r == NULL || *con_cls == (void *)&on_uri) {
		const char *cl;
		bool bad_uri = *con_cls == (void *)&on_uri;

		r = req_new(app, c, url, method);
		if (r == NULL)
			return MHD_NO;
		*con_cls = r;
		if (bad_uri)
			return refuse_now(r, 400, N_("The address is not valid."));
		if (headers_ambiguous(c, version))
			return refuse_now(r, 400, N_("The request is malformed."));
		cl = MHD_lookup_connection_value(c, MHD_HEADER_KIND,
		    MHD_HTTP_HEADER_CONTENT_LENGTH);
		if (cl && strtoull(cl, NULL, 10) > HTTP_BODY_MAX) {
			/* Answer at once rather than read what will be thrown
			 * away; libmicrohttpd then closes the connection. */
			r->body_toobig = true;
			return refuse_now(r, 413, N_("The request is too large."));
		}
		return MHD_YES;
	}
	if (*upload_data_size != 0) {
		if (!r->body_toobig &&
		    buf_add(&r->body, upload_data, *upload_data_size) < 0)
			r->body_toobig = true;
		*upload_data_size = 0;
		return MHD_YES;
	}
	if (dispatch(r) < 0) {
		log_warn("request failed: %s %s", method, r->api ? "api" : "page");
		r->headers = NULL;
		if (resp_error(r, 500, _("Something went wrong on the server. "
		    "Nothing was changed."), NULL) < 0) {
			buf_reset(&r->out);
			r->status = 500;
			r->ctype = "text/plain; charset=utf-8";
		}
	}
	i18n_use(LANG_EN);
	return send_response(r);
}

static void
on_completed(void *cls, struct MHD_Connection *c, void **con_cls,
    enum MHD_RequestTerminationCode toe)
{
	(void)cls; (void)c; (void)toe;
	if (*con_cls != (void *)&on_uri)
		req_free(*con_cls);
	*con_cls = NULL;
}

static void
mhd_log(void *cls, const char *fmt, va_list ap)
{
	char msg[512];

	(void)cls;
	vsnprintf(msg, sizeof(msg), fmt, ap);
	msg[strcspn(msg, "\n")] = '\0';
	log_info("http: %s", msg);
}

static char *
read_file(const char *path)
{
	FILE *f = fopen(path, "rb");
	struct buf b = BUF_INIT(1024 * 1024);
	char chunk[4096];
	size_t n;

	if (f == NULL)
		return NULL;
	while ((n = fread(chunk, 1, sizeof(chunk), f)) > 0)
		if (buf_add(&b, chunk, n) < 0) {
			fclose(f);
			buf_release(&b);
			return NULL;
		}
	fclose(f);
	return buf_detach(&b, NULL);
}

/* Parses "ADDR:PORT" or "[ADDR6]:PORT". */
static int
parse_listen(const char *s, struct sockaddr_storage *ss, socklen_t *len)
{
	char host[128];
	const char *colon;
	char *end;
	long port;

	memset(ss, 0, sizeof(*ss));
	colon = strrchr(s, ':');
	if (colon == NULL || (size_t)(colon - s) >= sizeof(host))
		return -1;
	memcpy(host, s, (size_t)(colon - s));
	host[colon - s] = '\0';
	port = strtol(colon + 1, &end, 10);
	if (*end || port < 0 || port > 65535 || end == colon + 1)
		return -1;
	if (host[0] == '[') {
		struct sockaddr_in6 *a = (struct sockaddr_in6 *)ss;
		size_t hl = strlen(host);

		if (hl < 3 || host[hl - 1] != ']')
			return -1;
		host[hl - 1] = '\0';
		a->sin6_family = AF_INET6;
		a->sin6_port = htons((uint16_t)port);
		if (inet_pton(AF_INET6, host + 1, &a->sin6_addr) != 1)
			return -1;
		*len = sizeof(*a);
	} else {
		struct sockaddr_in *a = (struct sockaddr_in *)ss;

		a->sin_family = AF_INET;
		a->sin_port = htons((uint16_t)port);
		if (inet_pton(AF_INET, host, &a->sin_addr) != 1)
			return -1;
		*len = sizeof(*a);
	}
	return 0;
}

int
http_serve(struct app *app)
{
	struct MHD_Daemon *d;
	struct sockaddr_storage ss;
	socklen_t sslen;
	const union MHD_DaemonInfo *di;
	unsigned flags = MHD_USE_INTERNAL_POLLING_THREAD | MHD_USE_EPOLL |
	    MHD_USE_ERROR_LOG;
	char *cert = NULL, *key = NULL;
	char host[INET6_ADDRSTRLEN] = "";
	sigset_t set;
	int sig, port;

	if (parse_listen(app->cfg.listen, &ss, &sslen) < 0)
		return error("--listen wants ADDR:PORT, e.g. 127.0.0.1:8080");
	if (ss.ss_family == AF_INET6)
		flags |= MHD_USE_IPv6;
	if (app->cfg.tls_cert || app->cfg.tls_key) {
		if (!app->cfg.tls_cert || !app->cfg.tls_key)
			return error("TLS needs both --tls-cert and --tls-key");
		cert = read_file(app->cfg.tls_cert);
		key = read_file(app->cfg.tls_key);
		if (cert == NULL || key == NULL) {
			free(cert);
			free(key);
			return error("cannot read the TLS certificate or key");
		}
		flags |= MHD_USE_TLS;
		app->tls = true;
	}

	/* Signals are taken by sigwait below, never by worker threads. */
	sigemptyset(&set);
	sigaddset(&set, SIGTERM);
	sigaddset(&set, SIGINT);
	pthread_sigmask(SIG_BLOCK, &set, NULL);
	signal(SIGPIPE, SIG_IGN);

	d = MHD_start_daemon(flags, 0, NULL, NULL, on_request, app,
	    MHD_OPTION_EXTERNAL_LOGGER, mhd_log, NULL,
	    MHD_OPTION_SOCK_ADDR, (struct sockaddr *)&ss,
	    MHD_OPTION_THREAD_POOL_SIZE, app->cfg.threads,
	    MHD_OPTION_CONNECTION_TIMEOUT, app->cfg.conn_timeout,
	    MHD_OPTION_CONNECTION_LIMIT, app->cfg.conn_limit,
	    MHD_OPTION_PER_IP_CONNECTION_LIMIT, app->cfg.per_ip_limit,
	    MHD_OPTION_CONNECTION_MEMORY_LIMIT, (size_t)(64 * 1024),
	    MHD_OPTION_NOTIFY_COMPLETED, on_completed, NULL,
	    MHD_OPTION_URI_LOG_CALLBACK, on_uri, NULL,
	    cert ? MHD_OPTION_HTTPS_MEM_CERT : MHD_OPTION_END, cert,
	    MHD_OPTION_HTTPS_MEM_KEY, key,
	    MHD_OPTION_END);
	if (d == NULL) {
		free(cert);
		if (key)
			sodium_memzero(key, strlen(key));
		free(key);
		return error("cannot listen on %s", app->cfg.listen);
	}
	di = MHD_get_daemon_info(d, MHD_DAEMON_INFO_BIND_PORT);
	port = di ? di->port : 0;
	if (ss.ss_family == AF_INET6)
		inet_ntop(AF_INET6, &((struct sockaddr_in6 *)&ss)->sin6_addr,
		    host, sizeof(host));
	else
		inet_ntop(AF_INET, &((struct sockaddr_in *)&ss)->sin_addr, host,
		    sizeof(host));
	printf("listening on %s://%s%s%s:%d\n", app->tls ? "https" : "http",
	    ss.ss_family == AF_INET6 ? "[" : "", host,
	    ss.ss_family == AF_INET6 ? "]" : "", port);
	fflush(stdout);
	log_info("serving with %u threads", app->cfg.threads);

	for (;;) {
		if (sigwait(&set, &sig) == 0 && (sig == SIGTERM || sig == SIGINT))
			break;
	}
	log_info("shutting down");
	MHD_stop_daemon(d);
	free(cert);
	if (key)
		sodium_memzero(key, strlen(key));
	free(key);
	return 0;
}

/*
 * Checks r->json against spec: unknown keys first (at every depth spec
 * describes), then the JSON type of each member. 0 when all is well,
 * else answers 400 naming each field and returns 1.
 */
int
req_fields(struct req *r, const struct input_field *spec)
{
	json_t *fields = json_object();

	if (fields == NULL)
		return -1;
	if (input_unknown(r->json, spec, fields) > 0) {
		resp_error(r, 400, _("The request contains unknown fields."),
		    fields);
		return 1;
	}
	if (input_types(r->json, spec, fields) > 0) {
		resp_error(r, 400, r->asks ? _("Some fields are not of the "
		    "right type.") : _("Nothing was saved: some fields are not "
		    "of the right type."), fields);
		return 1;
	}
	json_decref(fields);
	return 0;
}
