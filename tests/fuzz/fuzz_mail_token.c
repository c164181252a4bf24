/* fuzz_mail_token.c — the signed links in mail to readers, with a fixed
 * key.
 *
 * 1. The input as a token's text: it parses or not, never reads past it;
 *    nothing the fuzzer writes verifies for an address without the key.
 * 2. The input as kind, id, expiry, user, version and address: the token
 *    made from them
 *    parses back to the same fields and verifies for that address (in
 *    any ASCII case), not for another, not under another key, not once
 *    expired, and not after any one of its characters is changed. */
#include <stdbool.h>
#include <string.h>

#include <sodium.h>

#include "arena.h"
#include "fuzz.h"
#include "mail_token.h"

#define NOW 1700000000

static unsigned char key[32], other_key[32];
static const char b64[] = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_";

static void
text_from_input(const uint8_t *data, size_t size)
{
	char *text = malloc(size + 1);
	FUZZ_CHECK(text != NULL);
	memcpy(text, data, size);
	text[size] = '\0';
	struct mail_token t;
	if (mail_token_parse(text, &t) == 0) {
		FUZZ_CHECK(t.id > 0 && t.expires >= 0 && t.user >= 0 && t.version >= 0);
		FUZZ_CHECK(t.kind == MAIL_TOKEN_CONFIRM || t.kind == MAIL_TOKEN_UNSUBSCRIBE ||
		    t.kind == MAIL_TOKEN_STOP || t.kind == MAIL_TOKEN_DECIDE);
		FUZZ_CHECK(!mail_token_verify(other_key, &t, "reader@example.org", NOW));
	}
	free(text);
}

static uint64_t
get_u64(const uint8_t *p)
{
	uint64_t v = 0;
	for (int i = 0; i < 8; i++)
		v = v << 8 | p[i];
	return v;
}

static void
fields_from_input(const uint8_t *data, size_t size)
{
	if (size < 25)
		return;
	static const enum mail_token_kind kinds[] = {
		MAIL_TOKEN_CONFIRM, MAIL_TOKEN_UNSUBSCRIBE, MAIL_TOKEN_STOP, MAIL_TOKEN_DECIDE,
	};
	enum mail_token_kind kind = kinds[data[0] % 4];
	int64_t id = (int64_t)(get_u64(data + 1) & INT64_MAX);
	if (id == 0)
		id = 1;
	int64_t expires = (int64_t)(get_u64(data + 9) & 0xffffffffffULL);
	/* The user and the version: 32 bits each from 8 bytes. */
	uint64_t uv = get_u64(data + 17);
	int64_t user = (int64_t)(uv >> 32), version = (int64_t)(uv & 0xffffffffULL);
	char address[200];
	size_t n = size - 25 < sizeof(address) - 1 ? size - 25 : sizeof(address) - 1;
	memcpy(address, data + 25, n);
	address[n] = '\0';
	if (strlen(address) == 0)
		return;
	struct arena *a = arena_new();
	const struct mail_token made = { .kind = kind, .id = id, .user = user,
	    .version = version, .expires = expires };
	char *text = mail_token_make(a, key, &made, address);
	size_t len = strlen(text);
	FUZZ_CHECK(len > 0 && len < MAIL_TOKEN_TEXT_MAX && strspn(text, b64) == len);
	struct mail_token t;
	FUZZ_CHECK(mail_token_parse(text, &t) == 0);
	FUZZ_CHECK(t.kind == kind && t.id == id && t.expires == expires && t.user == user &&
	    t.version == version);
	time_t now = expires == 0 ? NOW : (time_t)expires;
	FUZZ_CHECK(mail_token_verify(key, &t, address, now));
	FUZZ_CHECK(!mail_token_verify(other_key, &t, address, now));
	if (expires != 0)
		FUZZ_CHECK(!mail_token_verify(key, &t, address, now + 1));
	/* The address in the other ASCII case is the same address. */
	char upper[200];
	for (size_t i = 0; i <= n; i++)
		upper[i] = address[i] >= 'a' && address[i] <= 'z' ? (char)(address[i] - 32) :
		    address[i];
	FUZZ_CHECK(mail_token_verify(key, &t, upper, now));
	/* Another address: one byte more. */
	char other[202];
	snprintf(other, sizeof(other), "%sx", address);
	FUZZ_CHECK(!mail_token_verify(key, &t, other, now));
	/* One character changed, where and to what the input says. */
	size_t at = data[size - 1] % len;
	size_t was = (size_t)(strchr(b64, text[at]) - b64);
	text[at] = b64[(was + 1 + data[size - 2] % 63) % 64];
	if (mail_token_parse(text, &t) == 0)
		FUZZ_CHECK(!mail_token_verify(key, &t, address, now));
	arena_free(a);
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	text_from_input(data, size);
	fields_from_input(data, size);
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
