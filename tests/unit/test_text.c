/* test_text.c — strict UTF-8, cleaning of what readers type, and the body
 * rendering with its links, including hostile input. */
#include <setjmp.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "arena.h"
#include "buf.h"
#include "text.h"

#define A(s) (s), sizeof(s) - 1

#define REL "\" rel=\"nofollow ugc noopener\" target=\"_blank\">"

/* --- utf8_valid ---------------------------------------------------------- */

static void
valid_sequences(void **state)
{
	(void)state;
	assert_true(utf8_valid(A("")));
	assert_true(utf8_valid(A("plain ASCII ~\x7f")));
	assert_true(utf8_valid(A("سلام دنیا")));
	assert_true(utf8_valid(A("\xf0\x9f\x98\x80")));		/* U+1F600 */
	/* The edges of every range. */
	assert_true(utf8_valid(A("\xc2\x80")));			/* U+0080 */
	assert_true(utf8_valid(A("\xdf\xbf")));			/* U+07FF */
	assert_true(utf8_valid(A("\xe0\xa0\x80")));		/* U+0800 */
	assert_true(utf8_valid(A("\xed\x9f\xbf")));		/* U+D7FF */
	assert_true(utf8_valid(A("\xee\x80\x80")));		/* U+E000 */
	assert_true(utf8_valid(A("\xef\xbf\xbf")));		/* U+FFFF */
	assert_true(utf8_valid(A("\xf0\x90\x80\x80")));		/* U+10000 */
	assert_true(utf8_valid(A("\xf4\x8f\xbf\xbf")));		/* U+10FFFF */
	/* U+0000 is UTF-8; text_clean is what refuses it. */
	assert_true(utf8_valid(A("a\0b")));
	/* Only len bytes are read: a bad byte after them does not count. */
	assert_true(utf8_valid("ab\xff", 2));
}

static void
rejects_overlong(void **state)
{
	(void)state;
	assert_false(utf8_valid(A("\xc0\x80")));	/* NUL, two bytes */
	assert_false(utf8_valid(A("\xc0\xaf")));	/* '/' */
	assert_false(utf8_valid(A("\xc1\xbf")));
	assert_false(utf8_valid(A("\xe0\x80\xaf")));
	assert_false(utf8_valid(A("\xe0\x9f\xbf")));	/* U+07FF in three */
	assert_false(utf8_valid(A("\xf0\x80\x80\xaf")));
	assert_false(utf8_valid(A("\xf0\x8f\xbf\xbf")));	/* U+FFFF in four */
}

static void
rejects_surrogates(void **state)
{
	(void)state;
	assert_false(utf8_valid(A("\xed\xa0\x80")));	/* U+D800 */
	assert_false(utf8_valid(A("\xed\xad\xbf")));	/* U+DB7F */
	assert_false(utf8_valid(A("\xed\xb0\x80")));	/* U+DC00 */
	assert_false(utf8_valid(A("\xed\xbf\xbf")));	/* U+DFFF */
	/* A CESU-8 pair for U+1F600. */
	assert_false(utf8_valid(A("\xed\xa0\xbd\xed\xb8\x80")));
}

static void
rejects_above_max(void **state)
{
	(void)state;
	assert_false(utf8_valid(A("\xf4\x90\x80\x80")));	/* U+110000 */
	assert_false(utf8_valid(A("\xf5\x80\x80\x80")));
	assert_false(utf8_valid(A("\xf7\xbf\xbf\xbf")));
	assert_false(utf8_valid(A("\xf8\x88\x80\x80\x80")));	/* old 5-byte form */
	assert_false(utf8_valid(A("\xfc\x84\x80\x80\x80\x80")));
	assert_false(utf8_valid(A("\xfe")));
	assert_false(utf8_valid(A("\xff")));
}

static void
rejects_truncated(void **state)
{
	(void)state;
	assert_false(utf8_valid(A("\xc3")));
	assert_false(utf8_valid(A("\xe2\x82")));
	assert_false(utf8_valid(A("\xf0\x9f\x98")));
	assert_false(utf8_valid(A("سلا\xd9")));	/* cut inside م */
	assert_false(utf8_valid("\xd8\xb3", 1));	/* the length cuts it */
	/* A lead byte followed by something that is not a continuation. */
	assert_false(utf8_valid(A("\xc3\x28")));
	assert_false(utf8_valid(A("\xe2\x28\xa1")));
	assert_false(utf8_valid(A("\xe2\x82\x28")));
	assert_false(utf8_valid(A("\xf0\x9f\x98 ")));
	assert_false(utf8_valid(A("\xc3\x00")));
}

static void
rejects_stray_continuation(void **state)
{
	(void)state;
	assert_false(utf8_valid(A("\x80")));
	assert_false(utf8_valid(A("\xbf")));
	assert_false(utf8_valid(A("a\xbf" "b")));
	assert_false(utf8_valid(A("\xd8\xb3\xb3")));	/* one too many */
	assert_false(utf8_valid(A("\xf0\x9f\x98\x80\x80")));
}

static void
length_in_code_points(void **state)
{
	(void)state;
	assert_int_equal(utf8_length(A("")), 0);
	assert_int_equal(utf8_length(A("abc")), 3);
	assert_int_equal(utf8_length(A("سلام")), 4);
	assert_int_equal(utf8_length(A("e\xcc\x81")), 2);
	assert_int_equal(utf8_length(A("\xf0\x9f\x98\x80!")), 2);
	assert_int_equal(utf8_length(A("می\xe2\x80\x8cخواهم")), 8);	/* ZWNJ counts */
}

/* --- text_clean ---------------------------------------------------------- */

static void
clean_is(const char *in, size_t len, bool single, const char *want)
{
	struct arena *a = arena_new();
	char *got = text_clean(a, in, len, single);

	assert_non_null(got);
	assert_string_equal(got, want);
	arena_free(a);
}

static void
clean_refuses(const char *in, size_t len)
{
	struct arena *a = arena_new();

	assert_null(text_clean(a, in, len, false));
	assert_null(text_clean(a, in, len, true));
	arena_free(a);
}

static void
clean_refuses_invalid(void **state)
{
	(void)state;
	clean_refuses(A("\xc0\xaf"));
	clean_refuses(A("ok \xed\xa0\x80"));
	clean_refuses(A("\xf4\x90\x80\x80"));
	clean_refuses(A("trailing \xe2\x82"));
	clean_refuses(A("\x80"));
	clean_refuses(A("a\0b"));	/* would truncate what is stored */
	clean_refuses(A("\0"));
}

static void
clean_nfc(void **state)
{
	(void)state;
	clean_is(A("e\xcc\x81"), false, "\xc3\xa9");
	clean_is(A("Cafe\xcc\x81 cre\xcc\x80me"), false, "Caf\xc3\xa9 cr\xc3\xa8me");
	/* Alef + madda above composes to آ. */
	clean_is(A("\xd8\xa7\xd9\x93ب"), false, "آب");
	/* Persian text, with ZWNJ, Persian digits and punctuation: unchanged. */
	clean_is(A("می‌خواهم این خبر را در ۱۴۰۳ بخوانم؛ آیا ممکن است؟"), false,
	    "می‌خواهم این خبر را در ۱۴۰۳ بخوانم؛ آیا ممکن است؟");
	/* Harakat in canonical order: kasra (ccc 32) before shadda (33). */
	clean_is(A("\xd8\xa8\xd9\x91\xd9\x90"), false, "\xd8\xa8\xd9\x90\xd9\x91");
	clean_is(A("\xd8\xa8\xd9\x90\xd9\x91"), false, "\xd8\xa8\xd9\x90\xd9\x91");
	/* Compatibility forms are kept (NFC, not NFKC): ﷲ and ﬁ stay. */
	clean_is(A("\xef\xb7\xb2 \xef\xac\x81"), false, "\xef\xb7\xb2 \xef\xac\x81");
	/* Hangul jamo compose. */
	clean_is(A("\xe1\x84\x92\xe1\x85\xa1\xe1\x86\xab"), false, "\xed\x95\x9c");
}

static void
clean_line_endings(void **state)
{
	(void)state;
	clean_is(A("a\r\nb\rc\nd"), false, "a\nb\nc\nd");
	clean_is(A("a\r\n\r\nb"), false, "a\n\nb");
	clean_is(A("a\r\rb"), false, "a\n\nb");
	clean_is(A("a\n\rb"), false, "a\n\nb");
	clean_is(A("a\xe2\x80\xa8" "b\xc2\x85" "c"), false, "a\nb\nc");	/* LS, NEL */
	clean_is(A("a\tb"), false, "a\tb");
}

static void
clean_single_line(void **state)
{
	(void)state;
	clean_is(A("a\r\nb\tc\nd\re"), true, "a b c d e");
	clean_is(A("  name\n"), true, "name");
	clean_is(A("x\xe2\x80\xa9y"), true, "x y");
}

static void
clean_trims_unicode_space(void **state)
{
	(void)state;
	clean_is(A(""), false, "");
	clean_is(A(" \t\r\n "), false, "");
	clean_is(A("  \t\n hello world \n "), false, "hello world");
	clean_is(A("\xc2\xa0x\xc2\xa0"), false, "x");			/* NBSP */
	clean_is(A("\xe3\x80\x80x\xe3\x80\x80"), false, "x");		/* U+3000 */
	clean_is(A("\xe2\x80\x80\xe2\x80\x8ax\xe2\x80\x83"), false, "x");	/* U+2000…200A */
	clean_is(A("\xe2\x80\xafx\xe2\x81\x9f"), false, "x");		/* U+202F, U+205F */
	clean_is(A("\xe1\x9a\x80x\xe2\x80\xa8\xe2\x80\xa9"), false, "x");	/* U+1680, LS, PS */
	clean_is(A("\xef\xbb\xbf  x"), false, "x");			/* BOM */
	/* U+FEFF is removed everywhere, not only as a byte-order mark. */
	clean_is(A("x\xef\xbb\xbf"), false, "x");
	/* Not white space, and kept: RLM around a word. */
	clean_is(A("\xe2\x80\x8fسلام\xe2\x80\x8f"), false, "\xe2\x80\x8fسلام\xe2\x80\x8f");
	/* A ZWNJ outside a word and a ZWSP anywhere are removed. */
	clean_is(A("\xe2\x80\x8c" "a\xe2\x80\x8b"), false, "a");
	/* Inner white space is kept as it is. */
	clean_is(A(" a \xc2\xa0 b "), false, "a \xc2\xa0 b");
}

static void
clean_removes_controls(void **state)
{
	(void)state;
	clean_is(A("a\x01" "b\x1b[31mc\x7f" "d"), false, "ab[31mcd");
	clean_is(A("a\xc2\x80\xc2\x9f" "b"), false, "ab");		/* C1 */
	clean_is(A("\x0b\x0c" "x\x08"), false, "x");
}

static void
clean_long_input(void **state)
{
	(void)state;
	const char *word = "سلام ";	/* 9 bytes */
	size_t n = 100000, wl = strlen(word);
	char *in = malloc(n * wl + 1);
	struct arena *a = arena_new();

	assert_non_null(in);
	for (size_t i = 0; i < n; i++)
		memcpy(in + i * wl, word, wl);
	char *out = text_clean(a, in, n * wl, false);
	assert_non_null(out);
	assert_int_equal(strlen(out), n * wl - 1);	/* the last space trimmed */
	assert_memory_equal(out, in, n * wl - 1);
	/* One bad byte at the very end still refuses the whole text. */
	in[n * wl - 1] = (char)0xd9;
	assert_null(text_clean(a, in, n * wl, false));
	arena_free(a);
	free(in);
}

/* --- text_clean: hostile text ------------------------------------------ */

#define ZWSP "\xe2\x80\x8b"
#define ZWNJ "\xe2\x80\x8c"
#define ZWJ "\xe2\x80\x8d"
#define LRM "\xe2\x80\x8e"
#define RLM "\xe2\x80\x8f"
#define ALM "\xd8\x9c"
#define LRE "\xe2\x80\xaa"
#define RLE "\xe2\x80\xab"
#define PDF "\xe2\x80\xac"
#define LRO "\xe2\x80\xad"
#define RLO "\xe2\x80\xae"
#define LRI "\xe2\x81\xa6"
#define RLI "\xe2\x81\xa7"
#define FSI "\xe2\x81\xa8"
#define PDI "\xe2\x81\xa9"
#define WJ "\xe2\x81\xa0"
#define BOM "\xef\xbb\xbf"
#define SHY "\xc2\xad"
#define TATWEEL "\xd9\x80"

/* Both modes give want. */
static void
clean_both(const char *in, const char *want)
{
	clean_is(in, strlen(in), false, want);
	clean_is(in, strlen(in), true, want);
}

static void
clean_bidi_controls(void **state)
{
	(void)state;
	/* The classic: a file name that reads backwards after the override. */
	clean_both("invoice" RLO "fdp.exe", "invoicefdp.exe");
	clean_both(RLO "nimdA", "nimdA");
	clean_both("a" LRE "b" RLE "c" PDF "d" LRO "e" RLO "f" PDF, "abcdef");
	clean_both(LRI "a" PDI RLI "b" PDI FSI "c" PDI, "abc");
	/* In Persian: an override cannot turn the rest of the thread around. */
	clean_both("نظر من" RLO " این است", "نظر من این است");
	clean_both(RLI "مریم" PDI, "مریم");
	/* In a body, on every line. */
	clean_is(A("a" RLO "b\n" LRO "c" PDF "\nd"), false, "ab\nc\nd");
	/* A comment of nothing but controls is empty. */
	clean_both(RLO LRO PDF LRI PDI, "");
}

static void
clean_invisible_format(void **state)
{
	(void)state;
	clean_both("ad" ZWSP "min", "admin");
	clean_both("ad" WJ "mi" BOM "n" SHY, "admin");
	clean_both("a\xe2\x81\xa1" "b\xe2\x81\xa2" "c\xe2\x81\xa3" "d\xe2\x81\xa4", "abcd");
	clean_both("a\xcd\x8f" "b", "ab");			/* U+034F CGJ */
	clean_both("a\xe3\x85\xa4" "b\xe1\x85\x9f", "ab");	/* Hangul fillers */
	clean_both("a\xef\xbf\xb9" "b\xef\xbf\xba" "c\xef\xbf\xbb", "abc");	/* annotation */
	clean_both("a\xe1\xa0\x8e" "b", "ab");		/* U+180E outside Mongolian */
	clean_both("a\xf0\x9d\x85\xb3" "b", "ab");		/* U+1D173 */
	/* Text in tag characters (E0068 E0069 = "hi") that no reader sees. */
	clean_both("ok\xf3\xa0\x81\xa8\xf3\xa0\x81\xa9", "ok");
	/* Between Mongolian letters U+180E is kept: it shapes the vowel. */
	clean_both("\xe1\xa0\xa8\xe1\xa0\x8e\xe1\xa0\xa0", "\xe1\xa0\xa8\xe1\xa0\x8e\xe1\xa0\xa0");
	/* A removed invisible lets an accent join its letter (NFC). */
	clean_both("e" ZWSP "\xcc\x81", "\xc3\xa9");
}

static void
clean_direction_marks(void **state)
{
	(void)state;
	/* Kept where Persian writers put them: after a Latin word before
	 * punctuation, at the start of a line that opens with Latin. */
	clean_both("از Windows" RLM ". استفاده", "از Windows" RLM ". استفاده");
	clean_both(RLM "Windows خوب است", RLM "Windows خوب است");
	clean_both("١٢" ALM "٣", "١٢" ALM "٣");
	clean_both("a" LRM "b", "a" LRM "b");
	/* A run says no more than its first. */
	clean_both("a" RLM RLM LRM RLM "b", "a" RLM "b");
	clean_both("a" RLM ZWSP RLM "b", "a" RLM "b");
	/* Alone they are nothing. */
	clean_both(RLM, "");
	clean_both(" " RLM " " LRM " ", "");
	clean_is(A("a\n" RLM "\nb"), false, "a\n\nb");
}

static void
clean_zwnj(void **state)
{
	(void)state;
	/* Inside words: kept. */
	clean_both("می" ZWNJ "خواهم", "می" ZWNJ "خواهم");
	clean_both("کتاب" ZWNJ "ها را می" ZWNJ "خوانم", "کتاب" ZWNJ "ها را می" ZWNJ "خوانم");
	clean_both("۱۰" ZWNJ "ها", "۱۰" ZWNJ "ها");			/* after a digit */
	clean_both("\xd8\xa8\xd9\x90" ZWNJ "ها", "\xd8\xa8\xd9\x90" ZWNJ "ها");	/* after a kasra */
	/* Leading, trailing, doubled, next to a space: removed. */
	clean_both(ZWNJ "می" ZWNJ "خواهم" ZWNJ, "می" ZWNJ "خواهم");
	clean_both("می" ZWNJ ZWNJ ZWNJ "خواهم", "می" ZWNJ "خواهم");
	clean_both("می " ZWNJ "خواهم", "می خواهم");
	clean_both("می" ZWNJ " خواهم", "می خواهم");
	clean_both("می" ZWNJ "." , "می.");
	/* Mixed with removed invisibles: judged after them. */
	clean_both("می" ZWNJ ZWSP "خواهم", "می" ZWNJ "خواهم");
	clean_both(ZWNJ ZWNJ, "");
	/* At a line break. */
	clean_is(A("می" ZWNJ "\n" ZWNJ "خواهم"), false, "می\nخواهم");
}

static void
clean_zwj(void **state)
{
	(void)state;
	/* Emoji sequences. */
	clean_both("\xf0\x9f\x91\xa9" ZWJ "\xf0\x9f\x92\xbb", "\xf0\x9f\x91\xa9" ZWJ "\xf0\x9f\x92\xbb");
	/* 🏳️‍🌈: flag, VS16, ZWJ, rainbow. */
	clean_both("\xf0\x9f\x8f\xb3\xef\xb8\x8f" ZWJ "\xf0\x9f\x8c\x88",
	    "\xf0\x9f\x8f\xb3\xef\xb8\x8f" ZWJ "\xf0\x9f\x8c\x88");
	/* 👍🏽‍👍: skin tone before the joiner. */
	clean_both("\xf0\x9f\x91\x8d\xf0\x9f\x8f\xbd" ZWJ "\xf0\x9f\x91\x8d",
	    "\xf0\x9f\x91\x8d\xf0\x9f\x8f\xbd" ZWJ "\xf0\x9f\x91\x8d");
	/* Inside a word (Arabic shaping, Indic conjuncts). */
	clean_both("ه" ZWJ "ه", "ه" ZWJ "ه");
	clean_both("\xe0\xa4\x95\xe0\xa5\x8d" ZWJ "\xe0\xa4\xb7", "\xe0\xa4\x95\xe0\xa5\x8d" ZWJ "\xe0\xa4\xb7");
	/* Anywhere else: removed. */
	clean_both(ZWJ "admin" ZWJ, "admin");
	clean_both("a " ZWJ " b", "a  b");
	clean_both("a" ZWJ ZWJ "b", "a" ZWJ "b");	/* doubled: one */
	clean_both("!" ZWJ "\xf0\x9f\x92\xbb", "!\xf0\x9f\x92\xbb");
	clean_both(ZWJ ZWNJ ZWJ, "");
}

static void
clean_flags_and_selectors(void **state)
{
	(void)state;
	/* 🏴 + g b e n g + CANCEL TAG: the flag of England stays whole. */
	const char *england = "\xf0\x9f\x8f\xb4\xf3\xa0\x81\xa7\xf3\xa0\x81\xa2\xf3\xa0\x81\xa5"
	    "\xf3\xa0\x81\xae\xf3\xa0\x81\xa7\xf3\xa0\x81\xbf";
	clean_both(england, england);
	/* Tags without the flag, or without their end, are removed. */
	clean_both("x\xf3\xa0\x81\xa7\xf3\xa0\x81\xa2\xf3\xa0\x81\xbf", "x");
	clean_both("\xf0\x9f\x8f\xb4\xf3\xa0\x81\xa7\xf3\xa0\x81\xa2", "\xf0\x9f\x8f\xb4");
	clean_both("\xf0\x9f\x8f\xb4\xf3\xa0\x81\xbf", "\xf0\x9f\x8f\xb4");
	/* Too long to be a subdivision: removed. */
	clean_both("\xf0\x9f\x8f\xb4\xf3\xa0\x81\xa1\xf3\xa0\x81\xa1\xf3\xa0\x81\xa1\xf3\xa0\x81\xa1"
	    "\xf3\xa0\x81\xa1\xf3\xa0\x81\xa1\xf3\xa0\x81\xa1\xf3\xa0\x81\xa1\xf3\xa0\x81\xbf",
	    "\xf0\x9f\x8f\xb4");
	/* A variation selector stays after something visible. */
	clean_both("\xe2\x9d\xa4\xef\xb8\x8f", "\xe2\x9d\xa4\xef\xb8\x8f");	/* ❤️ */
	clean_both("1\xef\xb8\x8f\xe2\x83\xa3", "1\xef\xb8\x8f\xe2\x83\xa3");	/* keycap 1 */
	/* … and goes at the start, after a space or after a direction mark. */
	clean_both("\xef\xb8\x8f" "a \xef\xb8\x8f" "b" RLM "\xef\xb8\x8f", "a b" RLM);
}

static void
clean_invisible_only_is_empty(void **state)
{
	(void)state;
	clean_both(ZWSP ZWNJ ZWJ LRM RLM WJ BOM SHY " " RLO PDF, "");
	clean_both("\xe2\xa0\x80\xe2\xa0\x80", "");			/* braille blank */
	clean_both("\xe3\x85\xa4", "");				/* Hangul filler */
	clean_both("\xc2\xa0" ZWNJ "\xe3\x80\x80" TATWEEL, TATWEEL);	/* tatweel is visible */
	clean_both("\xcc\x81\xcc\x81", "");				/* marks without a base */
	clean_is(A("\n \n" ZWSP "\n\t\n"), false, "");
	/* Visible things stay, even alone. */
	clean_both(".", ".");
	clean_both("\xf0\x9f\x98\x80", "\xf0\x9f\x98\x80");
	clean_both("a\xe2\xa0\x80" "b", "a\xe2\xa0\x80" "b");
}

/* "x" followed by n copies of mark. */
static char *
pile(const char *base, const char *mark, size_t n)
{
	size_t bl = strlen(base), ml = strlen(mark);
	char *s = malloc(bl + n * ml + 1);

	assert_non_null(s);
	memcpy(s, base, bl);
	for (size_t i = 0; i < n; i++)
		memcpy(s + bl + i * ml, mark, ml);
	s[bl + n * ml] = '\0';
	return s;
}

static void
clean_zalgo(void **state)
{
	(void)state;
	/* Z with 30 strokes and 30 tildes keeps three marks: the first three
	 * in canonical order (the overlays, class 1). */
	char *z = pile("Z", "\xcc\xb6\xcd\xa0", 30);
	clean_both(z, "Z\xcc\xb6\xcc\xb6\xcc\xb6");
	free(z);
	/* Per base: every letter of a word gets its own three. */
	clean_both("x\xcc\x80\xcc\x81\xcc\x82\xcc\x83" "q\xcc\x80\xcc\x81\xcc\x82\xcc\x83",
	    "x\xcc\x80\xcc\x81\xcc\x82" "q\xcc\x80\xcc\x81\xcc\x82");
	/* Counted after NFC: à is one letter, so it carries three more. */
	clean_both("a\xcc\x80\xcc\x81\xcc\x82\xcc\x83", "\xc3\xa0\xcc\x81\xcc\x82\xcc\x83");
	/* An invisible character does not start a new pile. */
	clean_both("a\xcc\xb6\xcc\xb6\xcc\xb6" RLM "\xcc\xb6\xcc\xb6" ZWNJ "\xcc\xb6" ZWSP "\xcc\xb6",
	    "a\xcc\xb6\xcc\xb6\xcc\xb6" RLM);
	/* Persian and Arabic harakat are untouched: «بِّ», «ٱللَّٰهِ» (fatha,
	 * shadda, superscript alef: three on one lam). */
	clean_both("\xd8\xa8\xd9\x90\xd9\x91", "\xd8\xa8\xd9\x90\xd9\x91");
	const char *allah = "\xd9\xb1\xd9\x84\xd9\x84\xd9\x8e\xd9\x91\xd9\xb0\xd9\x87\xd9\x90";
	clean_both(allah, allah);
	clean_both("مُحَمَّد رَسُولُ اللّٰه", "مُحَمَّد رَسُولُ اللّٰه");
	/* A fourth (kasra) goes, after NFC has put them in order. */
	clean_both("\xd9\x84\xd9\x8e\xd9\x91\xd9\xb0\xd9\x90", "\xd9\x84\xd9\x8e\xd9\x90\xd9\x91");
	/* Vietnamese, composed or decomposed, keeps every mark. */
	clean_both("Tiếng Việt có dấu: ặ ẫ ỗ ự ờ", "Tiếng Việt có dấu: ặ ẫ ỗ ự ờ");
	clean_both("Vie\xcc\xa3\xcc\x82t", "Vi\xe1\xbb\x87t");
	clean_both("a\xcc\xa3\xcc\x86\xcc\x83", "\xe1\xba\xb7\xcc\x83");	/* ặ + tilde: 3 */
	/* Thai and Hindi: untouched. */
	clean_both("ที่นี่ สวัสดี", "ที่นี่ สวัสดี");
	clean_both("नमस्ते क्षत्रिय", "नमस्ते क्षत्रिय");
}

static void
clean_lines(void **state)
{
	(void)state;
	/* Trailing spaces of every line go; indentation stays. */
	clean_is(A("a  \nb\t\n  c \xc2\xa0\nd"), false, "a\nb\n  c\nd");
	/* Blank runs: at most two blank lines. */
	clean_is(A("a\n\n\n\n\n\nb"), false, "a\n\n\nb");
	clean_is(A("a\r\n\r\n\r\n\r\n\r\nb"), false, "a\n\n\nb");
	clean_is(A("a\n \n\t\n" ZWSP "\n  \n\nb"), false, "a\n\n\nb");
	clean_is(A("a\n\nb\n\n\nc"), false, "a\n\nb\n\n\nc");
	clean_is(A("سلام\n\n\n\n\nدنیا \n"), false, "سلام\n\n\nدنیا");
	/* Single line: nothing to do but trimming. */
	clean_is(A("a \n\n\n\n b"), true, "a      b");
}

/* text_clean_rules' answer for in. */
static enum text_status
rules_status(const char *in, size_t len, bool single, bool refuse, size_t max_lines)
{
	struct arena *a = arena_new();
	const struct text_rules r = { .single_line = single, .refuse_controls = refuse,
		.max_lines = max_lines };
	enum text_status st = TEXT_OK;
	char *out = text_clean_rules(a, in, len, &r, &st);

	if (st == TEXT_OK)
		assert_non_null(out);
	else
		assert_null(out);
	arena_free(a);
	return st;
}

static void
rules_refuse_controls(void **state)
{
	(void)state;
	/* Without refuse_controls they are dropped (text_clean). */
	assert_int_equal(rules_status(A("a\x01" "b"), false, false, 0), TEXT_OK);
	/* With it: every C0 but tab and line breaks, DEL, C1. */
	assert_int_equal(rules_status(A("a\x01" "b"), false, true, 0), TEXT_CONTROL);
	assert_int_equal(rules_status(A("\x1b[31mred"), false, true, 0), TEXT_CONTROL);
	assert_int_equal(rules_status(A("x\x7f"), false, true, 0), TEXT_CONTROL);
	assert_int_equal(rules_status(A("x\xc2\x80"), false, true, 0), TEXT_CONTROL);
	assert_int_equal(rules_status(A("x\xc2\x9b"), false, true, 0), TEXT_CONTROL);
	assert_int_equal(rules_status(A("\x0b\x0c"), false, true, 0), TEXT_CONTROL);
	assert_int_equal(rules_status(A("سلام\x08"), false, true, 0), TEXT_CONTROL);
	/* Tabs and line breaks are text in a body. */
	assert_int_equal(rules_status(A("a\tb\r\nc\rd\ne\xc2\x85" "f\xe2\x80\xa8"), false, true, 0),
	    TEXT_OK);
	/* In a single line (a name) they are refused too. */
	assert_int_equal(rules_status(A("a\tb"), true, true, 0), TEXT_CONTROL);
	assert_int_equal(rules_status(A("a\nb"), true, true, 0), TEXT_CONTROL);
	assert_int_equal(rules_status(A("a\rb"), true, true, 0), TEXT_CONTROL);
	assert_int_equal(rules_status(A("a\xc2\x85" "b"), true, true, 0), TEXT_CONTROL);
	assert_int_equal(rules_status(A("a\xe2\x80\xa9" "b"), true, true, 0), TEXT_CONTROL);
	assert_int_equal(rules_status(A("مریم احمدی"), true, true, 0), TEXT_OK);
	/* Encoding comes first. */
	assert_int_equal(rules_status(A("\x01\xff"), false, true, 0), TEXT_ENCODING);
	assert_int_equal(rules_status(A("a\0b"), true, true, 0), TEXT_ENCODING);
	/* Format characters are not controls: removed, not refused. */
	assert_int_equal(rules_status(A("a" RLO "b"), true, true, 0), TEXT_OK);
}

static void
rules_line_limit(void **state)
{
	(void)state;
	char *in = malloc(4 * 200 + 1);
	assert_non_null(in);

	/* 100 lines are fine, 101 are not. */
	for (int i = 0; i < 101; i++)
		memcpy(in + 2 * i, "x\n", 2);
	assert_int_equal(rules_status(in, 2 * 100 - 1, false, true, 100), TEXT_OK);
	assert_int_equal(rules_status(in, 2 * 101 - 1, false, true, 100), TEXT_TOO_MANY_LINES);
	/* Trailing line breaks and spaces are not lines. */
	assert_int_equal(rules_status(in, 2 * 100, false, true, 100), TEXT_OK);
	/* Collapsed blank runs count as what is left of them: 50 lines of
	 * text with 3 blank lines between → 50 + 49 * 2 = 148 lines. */
	for (int i = 0; i < 50; i++)
		memcpy(in + 4 * i, "y\n\n\n", 4);
	assert_int_equal(rules_status(in, 4 * 50, false, true, 148), TEXT_OK);
	assert_int_equal(rules_status(in, 4 * 50, false, true, 147), TEXT_TOO_MANY_LINES);
	/* Lines of invisible characters are blank lines. */
	const char *ghosts = "a\n" ZWSP "\n" RLO "\n" ZWNJ "\n" BOM "\nb";
	assert_int_equal(rules_status(ghosts, strlen(ghosts), false, true, 4), TEXT_OK);
	/* A single line has one. */
	assert_int_equal(rules_status(in, 4 * 50, true, false, 1), TEXT_OK);
	free(in);
}

static void
clean_hostile_floods(void **state)
{
	(void)state;
	size_t n = 200000;
	struct arena *a = arena_new();
	const char *units[] = { ZWNJ, RLM, RLO, "\xcc\x81", "\n", " \n", ZWJ, "\xef\xb8\x8f",
		"\xf3\xa0\x81\xa7" };

	/* Nothing but one invisible or blank thing, many times: empty. */
	for (size_t u = 0; u < sizeof(units) / sizeof(units[0]); u++) {
		char *in = pile("", units[u], n);
		char *out = text_clean(a, in, strlen(in), false);
		assert_non_null(out);
		assert_string_equal(out, "");
		free(in);
	}
	/* A letter and a pile of marks: three left. */
	char *in = pile("x", "\xcc\x81", n);
	char *out = text_clean(a, in, strlen(in), false);
	assert_string_equal(out, "x\xcc\x81\xcc\x81\xcc\x81");
	free(in);
	/* Many words joined by ZWNJ: all kept. */
	in = pile("a", ZWNJ "a", n);
	out = text_clean(a, in, strlen(in), true);
	assert_string_equal(out, in);
	free(in);
	/* A flood of flags and tags. */
	in = pile("", "\xf0\x9f\x8f\xb4\xf3\xa0\x81\xa7\xf3\xa0\x81\xa2\xf3\xa0\x81\xbf"
	    "\xf3\xa0\x81\xbf", n / 4);
	out = text_clean(a, in, strlen(in), false);
	assert_int_equal(strlen(out), strlen(in) * 16 / 20);
	free(in);
	arena_free(a);
}

/* --- text_body_to_html --------------------------------------------------- */

static void
html_is(const char *in, const char *want)
{
	struct buf b = { 0 };

	text_body_to_html(&b, in);
	assert_string_equal(buf_str(&b), want);
	buf_free(&b);
}

static void
html_escapes(void **state)
{
	(void)state;
	html_is("", "");
	html_is(NULL, "");
	html_is("a & b <c> \"d\" 'e'", "a &amp; b &lt;c&gt; &quot;d&quot; &#39;e&#39;");
	html_is("<script>alert(1)</script>", "&lt;script&gt;alert(1)&lt;/script&gt;");
	html_is("line1\nline2\n\nline4", "line1<br>\nline2<br>\n<br>\nline4");
	html_is("سلام & خداحافظ", "سلام &amp; خداحافظ");
	html_is("&amp;", "&amp;amp;");
}

static void
html_links(void **state)
{
	(void)state;
	html_is("see https://example.com/a?b=1&c=2.",
	    "see <a href=\"https://example.com/a?b=1&amp;c=2" REL
	    "https://example.com/a?b=1&amp;c=2</a>.");
	html_is("http://example.com", "<a href=\"http://example.com" REL "http://example.com</a>");
	html_is("go to www.example.com, now",
	    "go to <a href=\"https://www.example.com" REL "www.example.com</a>, now");
	html_is("HTTPS://EXAMPLE.COM/X", "<a href=\"HTTPS://EXAMPLE.COM/X" REL "HTTPS://EXAMPLE.COM/X</a>");
	html_is("a\nhttps://a.b\n", "a<br>\n<a href=\"https://a.b" REL "https://a.b</a><br>\n");
	html_is("http://a.com:8080/p;x=1#frag", "<a href=\"http://a.com:8080/p;x=1#frag" REL
	    "http://a.com:8080/p;x=1#frag</a>");
	html_is("two: http://a.com http://b.com",
	    "two: <a href=\"http://a.com" REL "http://a.com</a> <a href=\"http://b.com" REL
	    "http://b.com</a>");
	/* A URL inside a URL is part of it. */
	html_is("http://a.com/?u=http://b.com",
	    "<a href=\"http://a.com/?u=http://b.com" REL "http://a.com/?u=http://b.com</a>");
}

static void
html_link_punctuation(void **state)
{
	(void)state;
	html_is("http://a.com?!...", "<a href=\"http://a.com" REL "http://a.com</a>?!...");
	html_is("(see http://x.org/wiki/Foo_(bar))",
	    "(see <a href=\"http://x.org/wiki/Foo_(bar)" REL "http://x.org/wiki/Foo_(bar)</a>)");
	html_is("http://x.org)", "<a href=\"http://x.org" REL "http://x.org</a>)");
	html_is("http://x.org/(a)).", "<a href=\"http://x.org/(a)" REL "http://x.org/(a)</a>).");
	html_is("http://x.org/a.b", "<a href=\"http://x.org/a.b" REL "http://x.org/a.b</a>");
	/* Persian punctuation and guillemets. */
	html_is("ببینید: https://example.ir/خبر، و",
	    "ببینید: <a href=\"https://example.ir/خبر" REL "https://example.ir/خبر</a>، و");
	html_is("«https://example.com»", "«<a href=\"https://example.com" REL "https://example.com</a>»");
	html_is("https://a.ir؟", "<a href=\"https://a.ir" REL "https://a.ir</a>؟");
	html_is("https://a.ir؛", "<a href=\"https://a.ir" REL "https://a.ir</a>؛");
	/* Only punctuation after the scheme: not a link. */
	html_is("http://...", "http://...");
}

static void
html_not_links(void **state)
{
	(void)state;
	html_is("javascript:alert(1)", "javascript:alert(1)");
	html_is("JaVaScRiPt:alert(document.cookie)", "JaVaScRiPt:alert(document.cookie)");
	html_is("data:text/html,<b>x</b>", "data:text/html,&lt;b&gt;x&lt;/b&gt;");
	html_is("ftp://example.com", "ftp://example.com");
	html_is("http://", "http://");
	html_is("http:// x", "http:// x");
	html_is("https://-x", "https://-x");
	html_is("www.", "www.");
	html_is("www. x", "www. x");
	html_is("xhttp://a.com", "xhttp://a.com");
	html_is("awww.a.com", "awww.a.com");
	html_is("a@www.a.com", "a@www.a.com");
	html_is("http:/a.com", "http:/a.com");
	html_is("httpx://a.com", "httpx://a.com");
}

static void
html_hostile_links(void **state)
{
	(void)state;
	/* Quotes end the URL, so nothing can leave the attribute. */
	html_is("http://x.com/\"onmouseover=\"alert(1)",
	    "<a href=\"http://x.com/" REL "http://x.com/</a>&quot;onmouseover=&quot;alert(1)");
	html_is("http://x.com/'onmouseover='alert(1)'",
	    "<a href=\"http://x.com/" REL "http://x.com/</a>&#39;onmouseover=&#39;alert(1)&#39;");
	html_is("http://x.com/<script>alert(1)</script>",
	    "<a href=\"http://x.com/" REL "http://x.com/</a>&lt;script&gt;alert(1)&lt;/script&gt;");
	html_is("www.x.com\"><img src=x onerror=alert(1)>",
	    "<a href=\"https://www.x.com" REL "www.x.com</a>&quot;&gt;&lt;img src=x onerror=alert(1)&gt;");
	/* & in a URL is escaped in both places. */
	html_is("http://x.com/?a=1&amp;b=&#106;",
	    "<a href=\"http://x.com/?a=1&amp;amp;b=&amp;#106" REL
	    "http://x.com/?a=1&amp;amp;b=&amp;#106</a>;");
	/* A scheme hidden after http:// is just a path. */
	html_is("http://javascript:alert(1)",
	    "<a href=\"http://javascript:alert(1)" REL "http://javascript:alert(1)</a>");
	/* Control bytes end a URL (stored text has none, but be safe). */
	html_is("http://a.com\x01x", "<a href=\"http://a.com" REL "http://a.com</a>\x01x");
}

static void
html_links_with_direction_marks(void **state)
{
	(void)state;
	/* RLM / LRM / ZWNJ / embeddings around a link stay outside it. */
	html_is("\xe2\x80\x8fhttps://example.com\xe2\x80\x8f",
	    "\xe2\x80\x8f<a href=\"https://example.com" REL "https://example.com</a>\xe2\x80\x8f");
	html_is("https://a.com\xe2\x80\x8elink", "<a href=\"https://a.com" REL "https://a.com</a>\xe2\x80\x8elink");
	html_is("https://a.com\xe2\x80\xaex", "<a href=\"https://a.com" REL "https://a.com</a>\xe2\x80\xaex");
	html_is("https://a.com\xc2\xa0x", "<a href=\"https://a.com" REL "https://a.com</a>\xc2\xa0x");
	/* A Persian path is part of the URL. */
	html_is("https://fa.wikipedia.org/wiki/تهران را ببینید",
	    "<a href=\"https://fa.wikipedia.org/wiki/تهران" REL "https://fa.wikipedia.org/wiki/تهران</a> را ببینید");
	/* ZWNJ belongs to Persian words, also in a path, but not at the end. */
	html_is("https://fa.wikipedia.org/wiki/می\xe2\x80\x8cخواهم",
	    "<a href=\"https://fa.wikipedia.org/wiki/می\xe2\x80\x8cخواهم" REL
	    "https://fa.wikipedia.org/wiki/می\xe2\x80\x8cخواهم</a>");
	html_is("https://a.com\xe2\x80\x8c", "<a href=\"https://a.com" REL "https://a.com</a>\xe2\x80\x8c");
	/* Invalid UTF-8 ends a URL and is passed through untouched. */
	html_is("http://a.com\xff", "<a href=\"http://a.com" REL "http://a.com</a>\xff");
}

/* Input built to make a naive linkifier quadratic; it must finish and
 * produce the exact output. */
static void
html_long_inputs(void **state)
{
	(void)state;
	size_t n = 200000;
	char *in = malloc(n * 8 + 16);
	struct buf b = { 0 };

	assert_non_null(in);
	/* One enormous URL: "http://a" then ")" n times. */
	memcpy(in, "http://a", 8);
	memset(in + 8, ')', n);
	in[8 + n] = '\0';
	text_body_to_html(&b, in);
	assert_int_equal(b.len, strlen("<a href=\"http://a" REL "http://a</a>") + n);
	assert_memory_equal(b.data, "<a href=\"http://a" REL "http://a</a>))",
	    strlen("<a href=\"http://a" REL "http://a</a>))"));
	buf_reset(&b);

	/* "www. " over and over: never a host, never a link. */
	for (size_t i = 0; i < n; i++)
		memcpy(in + i * 5, "www. ", 5);
	in[n * 5] = '\0';
	text_body_to_html(&b, in);
	assert_int_equal(b.len, n * 5);
	buf_reset(&b);

	/* "www.www.…": one link, its final '.' outside. */
	for (size_t i = 0; i < n; i++)
		memcpy(in + i * 4, "www.", 4);
	in[n * 4] = '\0';
	text_body_to_html(&b, in);
	assert_int_equal(b.len, strlen("<a href=\"https://" REL "</a>.") + 2 * (n * 4 - 1));
	buf_reset(&b);

	/* "http://" repeated: one URL ("http://http://…"). */
	for (size_t i = 0; i < n; i++)
		memcpy(in + i * 7, "http://", 7);
	in[n * 7] = '\0';
	text_body_to_html(&b, in);
	assert_int_equal(b.len, 2 * n * 7 + strlen("<a href=\"" REL "</a>"));
	buf_reset(&b);

	/* Many short links, escapes and line breaks. */
	const char *unit = "http://a.co<\n ";
	size_t ul = strlen(unit);
	for (size_t i = 0; i < n / 2; i++)
		memcpy(in + i * ul, unit, ul);
	in[(n / 2) * ul] = '\0';
	text_body_to_html(&b, in);
	const char *want = "<a href=\"http://a.co" REL "http://a.co</a>&lt;<br>\n ";
	assert_int_equal(b.len, (n / 2) * strlen(want));
	assert_memory_equal(b.data + b.len - strlen(want), want, strlen(want));
	buf_free(&b);
	free(in);
}

/* An avatar's letter: the first letter or digit, upper-cased, whatever
 * comes before it; and a colour that depends on the name only. */
static void
avatar_initials(void **state)
{
	(void)state;
	char out[TEXT_INITIAL_MAX];
	static const struct { const char *name, *want; } cases[] = {
		{ "ali", "A" }, { "علی", "ع" }, { "  مریم", "م" }, { "«سارا»", "س" },
		{ "\u200c\u200dرضا", "ر" }, { "ëlise", "Ë" }, { "ß", "ẞ" },
		{ "۱۲ نفر", "۱" }, { "42", "4" }, { "...", "?" }, { "", "?" },
		{ "\xcc\x81" "x", "X" }, { "😀 Sam", "S" }, { "\xff\xfe" "bad", "?" },
		{ "ǆemal", "ǅ" },
	};
	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		text_initial(cases[i].name, out);
		assert_string_equal(out, cases[i].want);
	}
	text_initial(NULL, out);
	assert_string_equal(out, "?");
	assert_int_equal(text_avatar_colour("مریم"), text_avatar_colour("مریم"));
	unsigned seen = 0;
	static const char *const names[] = { "a", "b", "c", "d", "e", "f", "g", "h", "i",
		"j", "k", "l", "m", "n", "o", "p", "علی", "رضا", "سارا", "Maryam" };
	for (size_t i = 0; i < sizeof(names) / sizeof(names[0]); i++) {
		unsigned c = text_avatar_colour(names[i]);
		assert_true(c < TEXT_AVATAR_COLOURS);
		seen |= 1u << c;
	}
	assert_true(__builtin_popcount(seen) >= 5);	/* spread, not one colour */
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(valid_sequences),
		cmocka_unit_test(rejects_overlong),
		cmocka_unit_test(rejects_surrogates),
		cmocka_unit_test(rejects_above_max),
		cmocka_unit_test(rejects_truncated),
		cmocka_unit_test(rejects_stray_continuation),
		cmocka_unit_test(length_in_code_points),
		cmocka_unit_test(clean_refuses_invalid),
		cmocka_unit_test(clean_nfc),
		cmocka_unit_test(clean_line_endings),
		cmocka_unit_test(clean_single_line),
		cmocka_unit_test(clean_trims_unicode_space),
		cmocka_unit_test(clean_removes_controls),
		cmocka_unit_test(clean_long_input),
		cmocka_unit_test(clean_bidi_controls),
		cmocka_unit_test(clean_invisible_format),
		cmocka_unit_test(clean_direction_marks),
		cmocka_unit_test(clean_zwnj),
		cmocka_unit_test(clean_zwj),
		cmocka_unit_test(clean_flags_and_selectors),
		cmocka_unit_test(clean_invisible_only_is_empty),
		cmocka_unit_test(clean_zalgo),
		cmocka_unit_test(clean_lines),
		cmocka_unit_test(rules_refuse_controls),
		cmocka_unit_test(rules_line_limit),
		cmocka_unit_test(clean_hostile_floods),
		cmocka_unit_test(html_escapes),
		cmocka_unit_test(html_links),
		cmocka_unit_test(html_link_punctuation),
		cmocka_unit_test(html_not_links),
		cmocka_unit_test(html_hostile_links),
		cmocka_unit_test(html_links_with_direction_marks),
		cmocka_unit_test(html_long_inputs),
		cmocka_unit_test(avatar_initials),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
