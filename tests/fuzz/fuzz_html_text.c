/* fuzz_html_text.c — imported HTML as plain text (html_text.h).
 *
 * What must hold, for any bytes and a bound chosen by the first byte:
 *  - the result is valid UTF-8 without NUL, within the bound, with no
 *    control character but line feed and tab;
 *  - it is clean: text_clean of it changes nothing (NFC, no invisible or
 *    bidi characters, lines tidied);
 *  - without '<' or '&' in the input nothing but white space and
 *    cleaning changes the text: its ASCII letters and digits come out in
 *    order, but for one that NFC may join with a combining mark after it
 *    (followed, past any controls, by a non-ASCII byte);
 *  - when *cut is not set, a bound with room for everything gives the
 *    same text. */
#include <stdbool.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "arena.h"
#include "fuzz.h"
#include "html_text.h"
#include "text.h"
#include "utf8.h"

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	char *in = malloc(size > 0 ? size : 1);
	FUZZ_CHECK(in != NULL);
	if (size > 0)
		memcpy(in, data, size);
	size_t max = size > 0 ? (size_t)data[0] * 4 : 0;
	struct arena *a = arena_new();
	bool cut = false, cut_big = true;
	char *out = html_to_text(a, in, size, max, &cut);
	FUZZ_CHECK(out != NULL);
	size_t n = strlen(out);
	FUZZ_CHECK(n <= max);
	FUZZ_CHECK(utf8_valid(out, n));
	for (const unsigned char *p = (const unsigned char *)out; *p != '\0'; p++)
		FUZZ_CHECK(*p >= 0x20 || *p == '\n' || *p == '\t');
	char *again = text_clean(a, out, n, false);
	FUZZ_CHECK(again != NULL && strcmp(again, out) == 0);

	/* With room for everything: nothing cut. */
	char *whole = html_to_text(a, in, size, size * 4 + 64, &cut_big);
	FUZZ_CHECK(!cut_big);
	if (!cut)
		FUZZ_CHECK(strcmp(whole, out) == 0);
	if (memchr(in, '<', size) == NULL && memchr(in, '&', size) == NULL &&
	    utf8_valid(in, size)) {
		/* The ASCII letters and digits come out as they went in. */
		const char *o = whole;
		for (size_t i = 0; i < size; i++) {
			char ch = in[i];
			if (!((ch >= 'a' && ch <= 'z') || (ch >= '0' && ch <= '9')))
				continue;
			size_t j = i + 1;
			while (j < size && ((unsigned char)in[j] < 0x20 || in[j] == 0x7f))
				j++;
			if (j < size && (unsigned char)in[j] >= 0x80)
				continue;
			o = strchr(o, ch);
			FUZZ_CHECK(o != NULL);
			o++;
		}
	}
	arena_free(a);
	free(in);
	return 0;
}
