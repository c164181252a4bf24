/* fuzz_mime_header.c — the header encoder and the address check (mime.h).
 *
 * What must hold, for any value:
 *  - mime_header writes exactly one header: ASCII only, every line at most
 *    76 characters plus CR LF, every line after the first a continuation
 *    (starts with a space), ending in the one final CR LF;
 *  - decoding the encoded words gives back the value with its control
 *    characters turned to spaces, and no word splits a UTF-8 character of
 *    valid input;
 *  - mime_address_valid accepts only printable ASCII without spaces,
 *    quotes or angle brackets, with exactly the '@' it checks. */
#include <stdbool.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <sodium.h>

#include "buf.h"
#include "fuzz.h"
#include "mime.h"

int
LLVMFuzzerInitialize(int *argc, char ***argv)
{
	(void)argc;
	(void)argv;
	return sodium_init() < 0 ? -1 : 0;
}

static void
check_lines(const struct buf *b)
{
	const char *s = buf_str(b);
	FUZZ_CHECK(b->len >= 2 && memcmp(s + b->len - 2, "\r\n", 2) == 0);
	size_t start = 0;
	for (size_t i = 0; i < b->len; i++) {
		unsigned char c = (unsigned char)s[i];
		FUZZ_CHECK(c < 0x80);
		FUZZ_CHECK(c != '\0');
		if (c == '\r') {
			FUZZ_CHECK(i + 1 < b->len && s[i + 1] == '\n');
			FUZZ_CHECK(i - start <= 76);
			if (i + 2 < b->len)
				FUZZ_CHECK(s[i + 2] == ' ');
			start = i + 2;
			i++;
		} else
			FUZZ_CHECK(c != '\n');
	}
}

/* The value back from b; the plain or encoded value after "Subject: ". */
static void
decode(const struct buf *b, struct buf *out)
{
	const char *p = buf_str(b) + strlen("Subject: ");
	bool encoded = strncmp(p, "=?UTF-8?B?", 10) == 0;
	while (*p != '\0') {
		if (encoded && strncmp(p, "=?UTF-8?B?", 10) == 0) {
			const char *end = strstr(p + 10, "?=");
			FUZZ_CHECK(end != NULL);
			unsigned char bin[64];
			size_t len = 0;
			FUZZ_CHECK(sodium_base642bin(bin, sizeof(bin), p + 10,
			    (size_t)(end - p - 10), NULL, &len, NULL,
			    sodium_base64_VARIANT_ORIGINAL) == 0);
			buf_append(out, bin, len);
			p = end + 2;
		} else if (strncmp(p, "\r\n ", 3) == 0)
			p += 3;
		else if (strcmp(p, "\r\n") == 0)
			break;
		else {
			FUZZ_CHECK(!encoded);
			buf_putc(out, *p++);
		}
	}
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	if (size > 4096)
		return 0;
	char *v = malloc(size + 1);
	memcpy(v, data, size);
	v[size] = '\0';
	size_t len = strlen(v);

	struct buf b = { 0 }, back = { 0 };
	mime_header(&b, "Subject", v);
	check_lines(&b);
	decode(&b, &back);
	FUZZ_CHECK(back.len == len);
	for (size_t i = 0; i < len; i++) {
		unsigned char c = (unsigned char)v[i];
		char want = (c < 0x20 || c == 0x7f) ? ' ' : (char)c;
		FUZZ_CHECK(back.data[i] == want);
	}

	if (mime_address_valid(v)) {
		FUZZ_CHECK(len <= MIME_ADDRESS_MAX);
		FUZZ_CHECK(strpbrk(v, " \t\r\n\"<>()[],;:\\") == NULL);
		for (size_t i = 0; i < len; i++)
			FUZZ_CHECK((unsigned char)v[i] > 0x20 && (unsigned char)v[i] < 0x7f);
		FUZZ_CHECK(strchr(v, '@') == strrchr(v, '@'));
	}
	buf_free(&b);
	buf_free(&back);
	free(v);
	return 0;
}
