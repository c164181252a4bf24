/* test_fold.c — text folded for matching (search, blocklists): every
 * folding rule in Persian and English, and hostile input. */
#include <setjmp.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "arena.h"
#include "buf.h"
#include "fold.h"
#include "text.h"

/* What every folding must be, whatever the input: valid UTF-8, no NUL,
 * words separated by exactly one space, none at either end. */
static void
assert_shape(const struct buf *b)
{
	const char *s = buf_str(b);
	assert_true(utf8_valid(s, b->len));
	assert_int_equal(strlen(s), b->len);
	if (b->len == 0)
		return;
	assert_true(s[0] != ' ');
	assert_true(s[b->len - 1] != ' ');
	assert_null(strstr(s, "  "));
	for (size_t i = 0; i < b->len; i++)
		assert_true((unsigned char)s[i] >= 0x80 || s[i] == ' ' ||
		    (s[i] >= '0' && s[i] <= '9') || (s[i] >= 'a' && s[i] <= 'z'));
}

static void
fold_n_is(const char *in, size_t len, const char *want)
{
	struct buf b = { 0 };
	fold_append(&b, in, len);
	assert_shape(&b);
	assert_string_equal(buf_str(&b), want);
	buf_free(&b);
}

static void
fold_is(const char *in, const char *want)
{
	fold_n_is(in, strlen(in), want);
}

/* True when word is one of the space-separated words of the folding of
 * text: how a whole-word blocklist entry matches. */
static bool
has_word(const char *text, const char *word)
{
	struct buf t = { 0 }, w = { 0 };
	fold_append(&t, text, strlen(text));
	fold_append(&w, word, strlen(word));
	bool found = false;
	const char *p = buf_str(&t);
	while (*p != '\0' && !found) {
		size_t n = strcspn(p, " ");
		found = n == w.len && w.len > 0 && memcmp(p, buf_str(&w), n) == 0;
		p += n;
		if (*p == ' ')
			p++;
	}
	buf_free(&t);
	buf_free(&w);
	return found;
}

static void
case_folding(void **state)
{
	(void)state;
	fold_is("WordPress", "wordpress");
	fold_is("HELLO World", "hello world");
	fold_is("Straße", "strasse");
	fold_is("ΣΟΦΊΑ σοφίας", "σοφια σοφιασ");
	fold_is("ÉCOLE école Ecole", "ecole ecole ecole");
	fold_is("İstanbul", "istanbul");
	/* Whole words: press is not a word of WordPress. */
	assert_false(has_word("Powered by WordPress.", "press"));
	assert_true(has_word("Powered by WordPress.", "WORDPRESS"));
	assert_true(has_word("Freedom of the PRESS!", "press"));
}

static void
compatibility(void **state)
{
	(void)state;
	fold_is("ＷｏｒｄＰｒｅｓｓ", "wordpress");		/* full-width */
	fold_is("\xef\xac\x81nance", "finance");		/* U+FB01 fi ligature */
	fold_is("e\xef\xac\x80ort", "effort");			/* U+FB00 ff */
	fold_is("x\xc2\xb2", "x2");				/* superscript two */
	fold_is("\xe2\x91\xa0", "1");				/* circled digit one */
	fold_is("\xe2\x85\xab", "xii");				/* roman numeral twelve */
	/* Arabic presentation forms: lam-alef ligature, isolated kaf. */
	fold_is("\xef\xbb\xbb", "لا");				/* U+FEFB */
	fold_is("\xef\xbb\x99\xef\xbb\xa0\xef\xba\x8e\xef\xbb\xab", "کلاه");
}

static void
arabic_letters(void **state)
{
	(void)state;
	/* ي and ى → ی */
	fold_is("علي", "علی");
	fold_is("مصطفى", "مصطفی");
	fold_is("علی", "علی");
	/* ك → ک */
	fold_is("كتاب", "کتاب");
	/* ة → ه */
	fold_is("مدرسة", "مدرسه");
	/* أ إ آ ٱ → ا */
	fold_is("أحمد", "احمد");
	fold_is("إيران", "ایران");
	fold_is("آب", "اب");
	fold_is("ٱلله", "الله");
	/* ؤ → و, ئ → ی */
	fold_is("مؤمن", "مومن");
	fold_is("مسئول", "مسیول");
	fold_is("ئ", "ی");
	/* The ezafe: ۀ, ه with hamza above, and plain ه are one word. */
	fold_is("خانۀ", "خانه");
	fold_is("خانهٔ", "خانه");
	/* Letters that are no variants are kept. */
	fold_is("پچژگ", "پچژگ");
	fold_is("ء", "ء");
}

static void
tatweel_and_harakat(void **state)
{
	(void)state;
	fold_is("كـلاهـبـردار", "کلاهبردار");
	fold_is("ســــلام", "سلام");
	fold_is("ـ", "");
	/* fatha, kasra, damma, shadda, sukun, one by one */
	fold_is("\xd8\xa8\xd9\x8e", "ب");
	fold_is("\xd8\xa8\xd9\x90", "ب");
	fold_is("\xd8\xa8\xd9\x8f", "ب");
	fold_is("\xd8\xa8\xd9\x91", "ب");
	fold_is("\xd8\xa8\xd9\x92", "ب");
	/* tanwin: fathatan, dammatan, kasratan */
	fold_is("\xd8\xa8\xd9\x8b", "ب");
	fold_is("\xd8\xa8\xd9\x8c", "ب");
	fold_is("\xd8\xa8\xd9\x8d", "ب");
	/* superscript alef */
	fold_is("\xd8\xb1\xd8\xad\xd9\x85\xd9\xb0\xd9\x86", "رحمن");
	fold_is("مُحَمَّدٌ", "محمد");
	fold_is("كِتَابًا", "کتابا");
	/* A mark with no letter leaves nothing. */
	fold_is("\xd9\x8e\xd9\x91", "");
}

static void
invisibles(void **state)
{
	(void)state;
	/* ZWNJ and ZWJ join, they do not separate. */
	fold_is("می\xe2\x80\x8cخواهم", "میخواهم");
	fold_is("کلاه\xe2\x80\x8dبردار", "کلاهبردار");
	/* Bidi embeddings, overrides, isolates and marks. */
	static const char *const bidi[] = {
		"\xe2\x80\xaa", "\xe2\x80\xab", "\xe2\x80\xac", "\xe2\x80\xad", "\xe2\x80\xae",
		"\xe2\x81\xa6", "\xe2\x81\xa7", "\xe2\x81\xa8", "\xe2\x81\xa9",
		"\xe2\x80\x8e", "\xe2\x80\x8f", "\xd8\x9c",
		/* ZWSP, word joiner, BOM, soft hyphen */
		"\xe2\x80\x8b", "\xe2\x81\xa0", "\xef\xbb\xbf", "\xc2\xad",
	};
	for (size_t i = 0; i < sizeof(bidi) / sizeof(bidi[0]); i++) {
		char in[32];
		snprintf(in, sizeof(in), "spa%sm", bidi[i]);
		fold_is(in, "spam");
		snprintf(in, sizeof(in), "%s", bidi[i]);
		fold_is(in, "");
	}
	/* A reversed word stays the word it is in memory. */
	fold_is("\xe2\x80\xae" "maps" "\xe2\x80\xac", "maps");
}

static void
digits(void **state)
{
	(void)state;
	fold_is("۰۱۲۳۴۵۶۷۸۹", "0123456789");
	fold_is("٠١٢٣٤٥٦٧٨٩", "0123456789");
	fold_is("0123456789", "0123456789");
	fold_is("ساعت ۱۴:۳۰", "ساعت 14 30");
	fold_is("۱۴۰۳/۰۱/۱۵", "1403 01 15");
	fold_is("٤٥٦ and ۴۵۶", "456 and 456");
}

static void
punctuation_and_space(void **state)
{
	(void)state;
	fold_is("سلام، دنیا؛ خوبی؟ «بله»", "سلام دنیا خوبی بله");
	fold_is("a.b,c!d?e;f:g", "a b c d e f g");
	fold_is("e-mail don't (x) [y] {z} \"q\" 'r' a/b a\\b a_b a*b a^b a+b",
	    "e mail don t x y z q r a b a b a b a b a b a b");
	fold_is("maryam@example.ir", "maryam example ir");
	fold_is("  a \t\n b\xc2\xa0\xe3\x80\x80" "c\r\n  ", "a b c");
	fold_is("...!!!", "");
	fold_is("", "");
	fold_is("   ", "");
	fold_is("— a —", "a");
	fold_is("x\xe2\x80\xa8y\xe2\x80\xa9z", "x y z");	/* line/paragraph separators */
	fold_is("😀 hello 😀", "hello");			/* symbols separate */
}

static void
persian_word_forms(void **state)
{
	(void)state;
	static const char *const forms[] = {
		"کلاهبردار",
		"كلاهبردار",
		"کلاه\xe2\x80\x8cبردار",
		"كـلاهـبـردار",
		"كَلاهْبَردار",
		"کلاه\xe2\x80\x8c\xd9\x80بردار",
	};
	for (size_t i = 0; i < sizeof(forms) / sizeof(forms[0]); i++) {
		fold_is(forms[i], "کلاهبردار");
		assert_true(has_word(forms[i], "کلاهبردار"));
		assert_true(has_word("این یک کلاه‌بردار است.", forms[i]));
	}
	/* A different word is not matched, even close in spelling. */
	assert_false(has_word("کلاهبرداری", "کلاهبردار"));
	assert_false(has_word("کلاه بردار", "کلاهبردار"));
}

static void
fold_text_in_arena(void **state)
{
	(void)state;
	struct arena *a = arena_new();
	assert_string_equal(fold_text(a, "Hello, ویکی‌پدیا!"), "hello ویکیپدیا");
	assert_string_equal(fold_text(a, ""), "");
	/* fold_append appends: what the buffer held stays. */
	struct buf b = { 0 };
	buf_puts(&b, "x|");
	fold_append(&b, "A B", 3);
	assert_string_equal(buf_str(&b), "x|a b");
	buf_free(&b);
	arena_free(a);
}

static void
invalid_input(void **state)
{
	(void)state;
	/* NUL bytes separate words and never end the input early. */
	fold_n_is("a\0b", 3, "a b");
	fold_n_is("\0\0\0", 3, "");
	fold_n_is("WORD\0", 5, "word");
	/* Bad bytes separate words; nothing invalid comes out. */
	fold_is("a\xff" "b", "a b");
	fold_is("\xc0\x80x", "x");				/* overlong NUL */
	fold_is("x\xed\xa0\x80y", "x y");			/* surrogate */
	fold_is("x\xf4\x90\x80\x80y", "x y");			/* above U+10FFFF */
	fold_is("سلام\xd9", "سلام");				/* cut at the end */
	fold_is("\x80\x80\x80", "");
	fold_is("\xef\xbf\xbd", "");				/* U+FFFD itself */
	/* Only len bytes are read. */
	fold_n_is("abc\xff", 3, "abc");
	fold_n_is(NULL, 0, "");
}

/* Random bytes, and random mixes of the characters folding treats
 * specially: the shape holds for all of them. */
static void
random_input(void **state)
{
	(void)state;
	static const char *const parts[] = {
		"a", "Z", " ", "\t", "\n", "،", "ي", "ك", "ـ", "\xd9\x8e", "\xe2\x80\x8c",
		"\xe2\x80\xae", "۱", "\xc0", "\xe2\x80", "\xff", "\"", "*", "ﻻ", "ﬁ", "\xc2\xad",
	};
	char in[256];
	srand(42);
	for (int round = 0; round < 2000; round++) {
		size_t len = 0;
		if (round % 2 == 0) {
			len = (size_t)(rand() % (int)sizeof(in));
			for (size_t i = 0; i < len; i++)
				in[i] = (char)(rand() & 0xff);
		} else {
			while (len + 8 < sizeof(in) && rand() % 40 != 0) {
				const char *p = parts[rand() % (int)(sizeof(parts) / sizeof(parts[0]))];
				memcpy(in + len, p, strlen(p));
				len += strlen(p);
			}
		}
		struct buf b = { 0 };
		fold_append(&b, in, len);
		assert_shape(&b);
		/* Folding is idempotent. */
		struct buf again = { 0 };
		fold_append(&again, buf_str(&b), b.len);
		assert_string_equal(buf_str(&again), buf_str(&b));
		buf_free(&again);
		buf_free(&b);
	}
}

static void
large_input(void **state)
{
	(void)state;
	const char *unit = "كـلاهـبـردار، ";
	size_t ul = strlen(unit), n = 100 * 1024 / ul + 1;
	char *in = malloc(n * ul + 1);
	assert_non_null(in);
	for (size_t i = 0; i < n; i++)
		memcpy(in + i * ul, unit, ul);
	in[n * ul] = '\0';
	assert_true(n * ul >= 100 * 1024);
	struct buf b = { 0 };
	fold_append(&b, in, n * ul);
	assert_shape(&b);
	const char *word = "کلاهبردار";
	assert_int_equal(b.len, n * (strlen(word) + 1) - 1);
	assert_memory_equal(b.data, word, strlen(word));
	assert_memory_equal(b.data + b.len - strlen(word), word, strlen(word));
	buf_free(&b);

	/* 100 KB of marks on one letter, of invisibles, and of bad bytes. */
	size_t big = 100 * 1024;
	in = realloc(in, big + 2);
	assert_non_null(in);
	in[0] = 'x';
	for (size_t i = 1; i + 1 < big; i += 2)
		memcpy(in + i, "\xcc\x81", 2);			/* U+0301 */
	fold_n_is(in, big - (big % 2 == 0 ? 1 : 0), "x");
	for (size_t i = 0; i + 3 <= big; i += 3)
		memcpy(in + i, "\xe2\x80\x8c", 3);
	fold_n_is(in, big - big % 3, "");
	memset(in, 0xff, big);
	fold_n_is(in, big, "");
	free(in);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(case_folding),
		cmocka_unit_test(compatibility),
		cmocka_unit_test(arabic_letters),
		cmocka_unit_test(tatweel_and_harakat),
		cmocka_unit_test(invisibles),
		cmocka_unit_test(digits),
		cmocka_unit_test(punctuation_and_space),
		cmocka_unit_test(persian_word_forms),
		cmocka_unit_test(fold_text_in_arena),
		cmocka_unit_test(invalid_input),
		cmocka_unit_test(random_input),
		cmocka_unit_test(large_input),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
