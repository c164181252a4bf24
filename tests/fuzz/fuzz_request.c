/* fuzz_request.c — request_read from a synthetic CGI environment and body.
 *
 * The input is split at NUL bytes: the first parts are the values of the
 * variables in env_names (in that order; a variable whose part is missing
 * is not set), and whatever follows the last of them is the body, handed
 * out in small uneven chunks the way a socket would.
 *
 * What must hold: the status is one nazar documents (0, 400, 404, 413,
 * 415); a body over max_body_bytes is refused before anything is read;
 * nothing is read past CONTENT_LENGTH; on success the path is PATH_INFO or
 * starts with '/', and every parsed list keeps its limits with NUL-free values. */
#include <stdbool.h>
#include <string.h>
#include <sys/types.h>

#include "arena.h"
#include "config.h"
#include "fuzz.h"
#include "http.h"
#include "log.h"
#include "request.h"

static const char *const env_names[] = {
	"REQUEST_METHOD", "REQUEST_URI", "DOCUMENT_URI", "PATH_INFO", "QUERY_STRING",
	"HTTP_COOKIE", "CONTENT_TYPE", "CONTENT_LENGTH", "HTTP_ACCEPT", "HTTPS",
};
#define NENV (sizeof(env_names) / sizeof(env_names[0]))
#define MAX_BODY 4096

struct body {
	const char *data;
	size_t len, pos;
	unsigned calls;
};

static ssize_t
body_read(void *ctx, char *out, size_t len)
{
	struct body *b = ctx;
	/* request_read asks only for what CONTENT_LENGTH still promises. */
	FUZZ_CHECK(len > 0);
	size_t chunk = 1 + (b->calls++ * 7) % 13;
	if (chunk > len)
		chunk = len;
	if (chunk > b->len - b->pos)
		chunk = b->len - b->pos;
	memcpy(out, b->data + b->pos, chunk);
	b->pos += chunk;
	return (ssize_t)chunk;
}

static void
check_list(const struct kvlist *l, size_t max)
{
	FUZZ_CHECK(l->count <= max);
	for (size_t i = 0; i < l->count; i++) {
		FUZZ_CHECK(l->items[i].key != NULL && l->items[i].key[0] != '\0');
		FUZZ_CHECK(l->items[i].value_len == strlen(l->items[i].value));
	}
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct arena *a = arena_new();
	char *copy = malloc(size + 1);
	FUZZ_CHECK(copy != NULL);
	memcpy(copy, data, size);
	copy[size] = '\0';

	char *envp[NENV + 1];
	size_t nenv = 0, pos = 0;
	const char *content_length = NULL;
	for (size_t i = 0; i < NENV && pos < size; i++) {
		const char *v = copy + pos;
		size_t vlen = strlen(v);
		envp[nenv++] = arena_printf(a, "%s=%s", env_names[i], v);
		if (strcmp(env_names[i], "CONTENT_LENGTH") == 0)
			content_length = v;
		pos += vlen + 1;
	}
	envp[nenv] = NULL;
	struct body b = { .data = copy + (pos < size ? pos : size),
	    .len = pos < size ? size - pos : 0 };

	struct config cfg;
	config_defaults(&cfg);
	cfg.max_body_bytes = MAX_BODY;
	struct request r = { .arena = a, .now = 1 };
	struct request_source src = { .envp = envp, .read = body_read, .ctx = &b };
	int st = request_read(&r, &src, &cfg);

	FUZZ_CHECK(st == 0 || st == 400 || st == 404 || st == 413 || st == 415);
	size_t claimed;
	int cl = http_parse_content_length(content_length, MAX_BODY, &claimed);
	if (cl == 413)
		FUZZ_CHECK(b.calls == 0);
	if (cl == 0)
		FUZZ_CHECK(b.pos <= claimed);
	if (st == 0) {
		/* PATH_INFO is taken as it comes (a web server always starts it
		 * with '/'); a path found under base_path starts with '/'. */
		FUZZ_CHECK(r.path != NULL);
		FUZZ_CHECK(r.path[0] == '/' || r.path == request_env(envp, "PATH_INFO"));
		FUZZ_CHECK(r.method != NULL && r.accept != NULL && r.content_type != NULL);
		FUZZ_CHECK(r.remote_addr != NULL && r.host != NULL && r.origin != NULL);
		check_list(&r.query, REQUEST_MAX_FIELDS);
		check_list(&r.cookies, REQUEST_MAX_COOKIES);
		bool admin = strncmp(r.path, "/admin/", 7) == 0;
		check_list(&r.form, admin ? REQUEST_MAX_ADMIN_FIELDS : REQUEST_MAX_FIELDS);
		if (r.form.count > 0)
			FUZZ_CHECK(cl == 0 && claimed > 0 && b.pos == claimed);
	}
	free(copy);
	arena_free(a);
	return 0;
}

int
LLVMFuzzerInitialize(int *argc, char ***argv)
{
	(void)argc;
	(void)argv;
	/* "cookies ignored" and the like are expected here, not news. */
	log_set_level(LOG_LEVEL_ERROR);
	return 0;
}
