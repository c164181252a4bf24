/* request.h — one HTTP request as nazar sees it, and the response it gets.
 *
 * A request is read the same way whether it came over FastCGI or plain CGI:
 * from a CGI-style environment (name=value strings) and a body reader.
 * Everything is parsed up front with fixed limits, so handlers only ever
 * see bounded, decoded, NUL-free values. */
#ifndef NAZAR_REQUEST_H
#define NAZAR_REQUEST_H

#include <stdbool.h>
#include <stddef.h>
#include <sys/types.h>
#include <time.h>

#include "buf.h"
#include "http.h"

struct arena;
struct config;

/* Fixed limits on what a request may carry; see request.c for values. */
#define REQUEST_MAX_QUERY 4096
#define REQUEST_MAX_FIELDS 32
/* The admin pages post one checkbox and one version field per comment. */
#define REQUEST_MAX_ADMIN_FIELDS 512
#define REQUEST_MAX_COOKIE_HEADER 8192
#define REQUEST_MAX_COOKIES 64
/* The User-Agent nazar keeps (with a comment, with a session): bytes. */
#define REQUEST_MAX_USER_AGENT 512
/* Keys of query strings and form fields: bytes. */
#define REQUEST_MAX_KEY 64
#define RESPONSE_MAX_HEADERS 16

struct request {
	struct arena *arena;
	const char *method;		/* "GET", "POST", "HEAD", … */
	const char *path;		/* below base_path, e.g. "/thread"; "/" for the base */
	struct kvlist query;
	struct kvlist form;		/* urlencoded POST body */
	struct kvlist cookies;
	const char *accept;		/* never NULL ("" when absent) */
	const char *content_type;
	const char *remote_addr;	/* REMOTE_ADDR only: never X-Forwarded-For */
	const char *user_agent;		/* at most REQUEST_MAX_USER_AGENT bytes */
	const char *host;
	const char *server_port;	/* SERVER_PORT, "" when absent */
	const char *origin;		/* Origin header, "" when absent */
	const char *fetch_site;		/* Sec-Fetch-Site header, "" when absent */
	const char *if_none_match;	/* If-None-Match header, "" when absent */
	const char *if_modified_since;	/* If-Modified-Since header, "" when absent */
	bool https;
	time_t now;
};

struct header {
	const char *name;
	const char *value;
};

struct response {
	int status;
	const char *content_type;	/* NULL: text/html; charset=utf-8 */
	struct header headers[RESPONSE_MAX_HEADERS];
	size_t header_count;
	struct buf body;
};

/* Where a request comes from: a CGI-style environment and a body reader
 * that returns bytes read, 0 at end of input, -1 on error. */
struct request_source {
	char **envp;
	ssize_t (*read)(void *ctx, char *data, size_t len);
	void *ctx;
	/* How many form fields a POST to path may carry (0: its body is not
	 * read); NULL: always REQUEST_MAX_FIELDS. The server asks the route
	 * table. */
	size_t (*max_form_fields)(const char *path);
};

/* Fills r (whose arena is set) from src. Returns 0, or the HTTP status to
 * answer with: 400 malformed (bad CONTENT_LENGTH, short body, bad
 * encoding), 404 outside base_path, 413 body over the limit (refused before
 * reading), 415 a body that is not urlencoded. */
int request_read(struct request *r, const struct request_source *src,
    const struct config *cfg);

/* Value of a CGI variable in envp, or NULL. */
const char *request_env(char **envp, const char *name);

/* True when the client prefers JSON (Accept names application/json). */
bool request_wants_json(const struct request *r);

/* Adds a header; a value that is not header-safe is dropped and logged,
 * so nothing from a request can split a response. */
void response_header(struct response *res, const char *name, const char *value);

/* Whether Host names a port: "h:p", "[v6]:p" ("[v6]" alone does not). */
bool request_host_has_port(const struct request *r);
/* "scheme://host[:port]" of this request, in its arena. nginx's stock
 * fastcgi_params pass Host without the port: then SERVER_PORT adds it
 * unless it is the scheme's default. */
const char *request_origin(const struct request *r);
/* Which headers every answer carries: nosniff everywhere; a strict
 * Referrer-Policy and no framing for the admin; for the public pages, which
 * are made to be framed and included, a Referrer-Policy that does not leak
 * their query strings to other sites. */
enum response_area { RESPONSE_PUBLIC, RESPONSE_ADMIN };
void response_common_headers(struct response *res, enum response_area area);
/* What nginx's fastcgi_cache may keep of an answer, said with
 * X-Accel-Expires (nginx takes it over Cache-Control, and does not pass it
 * to the client): "@T", T the request's own second, which nginx keeps
 * until that second ends (it serves an entry while T >= its clock);
 * only for a 200 answer to a GET or HEAD of a shared row (ROUTE_SHARED:
 * thread, embed, thread.json, counts) that sets no cookie, asked by a
 * reader without the reader cookie (whose thread shows their own held
 * comments); "0", never to be kept, for everything else. Call it once,
 * when the answer is complete. */
void response_cache_rule(struct response *res, const struct request *r, bool shared);
/* The value of the answer's first header called name, or NULL. */
const char *response_header_get(const struct response *res, const char *name);
/* The CGI response head ("Status: …", "Content-Type: …", headers, blank line). */
void response_head(const struct response *res, struct buf *out);

#endif
