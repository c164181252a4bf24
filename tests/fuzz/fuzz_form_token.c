/* fuzz_form_token.c — the signed form token of the post form, with a fixed
 * server secret.
 *
 * The input: 16 bytes of parameters (the time the form was served, the
 * delay until the post, min_seconds, max_age), then a token text and,
 * after a NUL, an article id. Shorter inputs are all token.
 *
 * What must hold:
 *  - a token text the fuzzer wrote is missing (empty) or forged — unless
 *    it is a genuine seed — and never decoded when its length is wrong;
 *  - a token made for the article checks as the served time, min_seconds
 *    and max_age say (too soon, too late or accepted), as another
 *    article's for any other article id, and as forged under another key
 *    or with any one character changed;
 *  - the token given back with a re-shown form is accepted right away. */
#include <stdbool.h>
#include <string.h>

#include <sodium.h>

#include "antispam.h"
#include "arena.h"
#include "fuzz.h"

#define TOKEN_LEN 76

static unsigned char key[32], other_key[32];
static const char b64[] = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_";

static uint64_t
get_be(const uint8_t *p, int n)
{
	uint64_t v = 0;
	for (int i = 0; i < n; i++)
		v = v << 8 | p[i];
	return v;
}

/* What antispam.h says the verdict for a genuine token of the right
 * article is. */
static enum token_verdict
expected(time_t served, time_t now, int min_seconds, int max_age)
{
	if (now < 0)
		now = 0;	/* a clock before 1970 reads as 1970 */
	if (now < served)
		return TOKEN_TOO_SOON;
	if (min_seconds > 0 && now - served < min_seconds)
		return TOKEN_TOO_SOON;
	if (now - served > (max_age > 0 ? max_age : 0))
		return TOKEN_TOO_LATE;
	return TOKEN_OK;
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct arena *a = arena_new();
	time_t served = 1700000000, now = served + 10;
	int min_seconds = 3, max_age = 86400;
	size_t off = 0;

	if (size >= 16) {
		served = (time_t)(get_be(data, 8) & 0xffffffffffULL);
		now = served + (int32_t)get_be(data + 8, 4);
		min_seconds = (int8_t)data[12];
		max_age = (int)get_be(data + 13, 3);
		off = 16;
	}
	const char *rest = (const char *)data + off;
	size_t left = size - off, tlen = strnlen(rest, left);
	char *text = arena_strndup(a, rest, tlen);
	const char *article = tlen < left ?
	    arena_strndup(a, rest + tlen + 1, strnlen(rest + tlen + 1, left - tlen - 1)) : "42";

	/* The text as a posted token. */
	enum token_verdict v = antispam_token_check(key, text, article, now, min_seconds, max_age);
	FUZZ_CHECK(v >= 0 && v < TOKEN__MAX);
	if (tlen == 0)
		FUZZ_CHECK(v == TOKEN_MISSING);
	else if (tlen != TOKEN_LEN)
		FUZZ_CHECK(v == TOKEN_FORGED);
	FUZZ_CHECK(antispam_token_check(other_key, text, article, now, min_seconds, max_age) ==
	    (tlen == 0 ? TOKEN_MISSING : TOKEN_FORGED));
	FUZZ_CHECK((antispam_token_reason(v) == NULL) == (v == TOKEN_OK || v == TOKEN_TOO_LATE));

	/* A genuine token for the article. */
	char *token = antispam_token_make(a, key, article, served);
	FUZZ_CHECK(strlen(token) == TOKEN_LEN && strspn(token, b64) == TOKEN_LEN);
	FUZZ_CHECK(antispam_token_check(key, token, article, now, min_seconds, max_age) ==
	    expected(served, now, min_seconds, max_age));
	if (strcmp(text, article) != 0)
		FUZZ_CHECK(antispam_token_check(key, token, text, now, min_seconds, max_age) ==
		    TOKEN_OTHER_ARTICLE);
	FUZZ_CHECK(antispam_token_check(other_key, token, article, now, min_seconds, max_age) ==
	    TOKEN_FORGED);

	/* Re-shown form: a token that passes now, whatever was posted. */
	const char *renewed = antispam_token_renew(a, key, text, article, now, min_seconds,
	    max_age);
	if (now >= 0 && max_age >= (min_seconds > 0 ? min_seconds : 0))
		FUZZ_CHECK(antispam_token_check(key, renewed, article, now, 0, max_age) == TOKEN_OK);

	/* One character changed, where and to what the input says. */
	size_t at = size > 0 ? data[size - 1] % TOKEN_LEN : 0;
	size_t was = (size_t)(strchr(b64, token[at]) - b64);
	token[at] = b64[(was + 1 + (size > 1 ? data[size - 2] % 63 : 0)) % 64];
	FUZZ_CHECK(antispam_token_check(key, token, article, now, min_seconds, max_age) ==
	    TOKEN_FORGED);
	arena_free(a);
	return 0;
}

int
LLVMFuzzerInitialize(int *argc, char ***argv)
{
	(void)argc;
	(void)argv;
	if (sodium_init() < 0)
		abort();
	for (int i = 0; i < 32; i++) {
		key[i] = (unsigned char)(i * 7 + 1);
		other_key[i] = (unsigned char)(i * 7 + 2);
	}
	return 0;
}
