/* request.c — building a struct request from a CGI-style environment and
 * writing a response head; the same code serves FastCGI and plain CGI. */
#include <string.h>
#include <strings.h>

#include <sodium.h>

#include "arena.h"
#include "config.h"
#include "http.h"
#include "log.h"
#include "reader.h"
#include "request.h"

const char *
request_env(char **envp, const char *name)
{
	size_t n = strlen(name);
	for (char **e = envp; e != NULL && *e != NULL; e++)
		if (strncmp(*e, name, n) == 0 && (*e)[n] == '=')
			return *e + n + 1;
	return NULL;
}

static const char *
env_or_empty(char **envp, const char *name)
{
	const char *v = request_env(envp, name);
	return v ? v : "";
}

/* The request path relative to base_path, or NULL when outside it.
 * PATH_INFO wins when set (classic CGI: /cgi-bin/nazar/thread); otherwise
 * DOCUMENT_URI (nginx, already decoded and normalized), else REQUEST_URI
 * without its query string. */
static const char *
request_path(struct arena *a, char **envp, const char *base)
{
	const char *pi = request_env(envp, "PATH_INFO");
	if (pi != NULL && *pi != '\0')
		return pi[0] == '/' ? pi : NULL;	/* a path, or nothing of ours */
	const char *uri = request_env(envp, "DOCUMENT_URI");
	size_t len;
	if (uri == NULL || *uri == '\0') {
		uri = request_env(envp, "REQUEST_URI");
		if (uri == NULL)
			return NULL;
		len = strcspn(uri, "?");
	} else
		len = strlen(uri);
	size_t blen = strlen(base);
	if (len < blen || strncmp(uri, base, blen) != 0)
		return NULL;
	if (len == blen)
		return "/";
	if (uri[blen] != '/')
		return NULL;
	return arena_strndup(a, uri + blen, len - blen);
}

/* The method and the headers nazar reads, the user agent cut to
 * REQUEST_MAX_USER_AGENT bytes, and the time. */
static void
read_headers(struct request *r, char **envp)
{
	r->method = env_or_empty(envp, "REQUEST_METHOD");
	r->accept = env_or_empty(envp, "HTTP_ACCEPT");
	r->content_type = env_or_empty(envp, "CONTENT_TYPE");
	r->remote_addr = env_or_empty(envp, "REMOTE_ADDR");
	const char *ua = env_or_empty(envp, "HTTP_USER_AGENT");
	r->user_agent = arena_strndup(r->arena, ua, strnlen(ua, REQUEST_MAX_USER_AGENT));
	r->host = env_or_empty(envp, "HTTP_HOST");
	r->server_port = env_or_empty(envp, "SERVER_PORT");
	r->origin = env_or_empty(envp, "HTTP_ORIGIN");
	r->fetch_site = env_or_empty(envp, "HTTP_SEC_FETCH_SITE");
	r->if_none_match = env_or_empty(envp, "HTTP_IF_NONE_MATCH");
	r->if_modified_since = env_or_empty(envp, "HTTP_IF_MODIFIED_SINCE");
	const char *https = request_env(envp, "HTTPS");
	r->https = https != NULL && (strcasecmp(https, "on") == 0 || strcmp(https, "1") == 0);
	if (r->now == 0)
		r->now = time(NULL);
}

/* QUERY_STRING into r->query: 0, or the status that refuses it. */
static int
read_query(struct request *r, char **envp)
{
	const char *qs = env_or_empty(envp, "QUERY_STRING");
	size_t qlen = strlen(qs);
	if (qlen > REQUEST_MAX_QUERY)
		return 400;
	struct parse_limits qlim = {
		.max_fields = REQUEST_MAX_FIELDS, .max_key = REQUEST_MAX_KEY,
		.max_value = REQUEST_MAX_QUERY, .too_long_status = 400,
	};
	return http_parse_urlencoded(r->arena, qs, qlen, &qlim, &r->query);
}

/* Cookies are shared with the whole site (Path=/ so that SSI includes
 * see ours): a site with very many cookies must not break the thread,
 * so over the limits we ignore them instead of refusing the request. */
static void
read_cookies(struct request *r, char **envp)
{
	const char *cookie = request_env(envp, "HTTP_COOKIE");
	if (cookie != NULL && http_parse_cookies(r->arena, cookie, REQUEST_MAX_COOKIE_HEADER,
	    REQUEST_MAX_COOKIES, &r->cookies) != 0) {
		log_debug("cookies ignored: over the limits");
		memset(&r->cookies, 0, sizeof(r->cookies));
	}
}

/* The urlencoded body of CONTENT_LENGTH bytes into r->form, at most as
 * many fields as the route takes (none: the body stays unread): 0, or the
 * status that refuses it. */
static int
read_body(struct request *r, const struct request_source *src, const struct config *cfg)
{
	size_t length;
	int status = http_parse_content_length(request_env(src->envp, "CONTENT_LENGTH"),
	    cfg->max_body_bytes, &length);
	if (status != 0 || length == 0)
		return status;
	size_t max_fields = src->max_form_fields ? src->max_form_fields(r->path) :
	    REQUEST_MAX_FIELDS;
	if (max_fields == 0)
		return 0;
	if (strncasecmp(r->content_type, "application/x-www-form-urlencoded", 33) != 0)
		return 415;
	char *body = arena_alloc(r->arena, length + 1);
	size_t got = 0;
	while (got < length) {
		ssize_t n = src->read(src->ctx, body + got, length - got);
		if (n <= 0)
			break;
		got += (size_t)n;
	}
	if (got != length)
		return 400;
	struct parse_limits blim = {
		.max_fields = max_fields,
		.max_key = REQUEST_MAX_KEY,
		.max_value = cfg->max_body_bytes, .too_long_status = 413,
	};
	int rc = http_parse_urlencoded(r->arena, body, length, &blim, &r->form);
	/* The decoded fields are copies; the raw body may hold a password,
	 * and arena memory is not cleared when it is freed. */
	sodium_memzero(body, length);
	return rc;
}

int
request_read(struct request *r, const struct request_source *src, const struct config *cfg)
{
	read_headers(r, src->envp);
	r->path = request_path(r->arena, src->envp, cfg->base_path);
	if (r->path == NULL)
		return 404;
	int status = read_query(r, src->envp);
	if (status != 0)
		return status;
	read_cookies(r, src->envp);
	return read_body(r, src, cfg);
}

bool
request_wants_json(const struct request *r)
{
	return strstr(r->accept, "application/json") != NULL;
}

void
response_header(struct response *res, const char *name, const char *value)
{
	if (!http_header_value_safe(value)) {
		log_warn("response header %s dropped: unsafe value", name);
		return;
	}
	if (res->header_count >= RESPONSE_MAX_HEADERS) {
		log_error("response header %s dropped: too many headers", name);
		return;
	}
	res->headers[res->header_count].name = name;
	res->headers[res->header_count].value = value;
	res->header_count++;
}

void
response_common_headers(struct response *res, enum response_area area)
{
	response_header(res, "X-Content-Type-Options", "nosniff");
	if (area == RESPONSE_ADMIN) {
		response_header(res, "X-Frame-Options", "DENY");
		response_header(res, "Referrer-Policy", "same-origin");
	} else
		response_header(res, "Referrer-Policy", "strict-origin-when-cross-origin");
}

const char *
response_header_get(const struct response *res, const char *name)
{
	for (size_t i = 0; i < res->header_count; i++)
		if (strcasecmp(res->headers[i].name, name) == 0)
			return res->headers[i].value;
	return NULL;
}

void
response_cache_rule(struct response *res, const struct request *r, bool shared)
{
	int status = res->status ? res->status : 200;
	bool get = r->method != NULL &&
	    (strcmp(r->method, "GET") == 0 || strcmp(r->method, "HEAD") == 0);
	if (shared && status == 200 && get && response_header_get(res, "Set-Cookie") == NULL &&
	    kvlist_get(&r->cookies, READER_COOKIE_NAME) == NULL)
		response_header(res, "X-Accel-Expires",
		    arena_printf(r->arena, "@%lld", (long long)r->now));
	else
		response_header(res, "X-Accel-Expires", "0");
}

void
response_head(const struct response *res, struct buf *out)
{
	int status = res->status ? res->status : 200;
	buf_printf(out, "Status: %d %s\r\n", status, http_status_text(status));
	buf_printf(out, "Content-Type: %s\r\n",
	    res->content_type ? res->content_type : "text/html; charset=utf-8");
	for (size_t i = 0; i < res->header_count; i++)
		buf_printf(out, "%s: %s\r\n", res->headers[i].name, res->headers[i].value);
	buf_puts(out, "\r\n");
}

bool
request_host_has_port(const struct request *r)
{
	const char *bracket = r->host[0] == '[' ? strchr(r->host, ']') : NULL;
	return bracket != NULL ? bracket[1] == ':' : strchr(r->host, ':') != NULL;
}

const char *
request_origin(const struct request *r)
{
	const char *scheme = r->https ? "https" : "http";
	const char *host = r->host[0] != '\0' ? r->host : "localhost";
	if (request_host_has_port(r) || r->server_port[0] == '\0' ||
	    strcmp(r->server_port, r->https ? "443" : "80") == 0)
		return arena_printf(r->arena, "%s://%s", scheme, host);
	return arena_printf(r->arena, "%s://%s:%s", scheme, host, r->server_port);
}
