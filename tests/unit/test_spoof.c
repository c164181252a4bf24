/* test_spoof.c — skeletons of names and names that pass for a moderator's,
 * in English and Persian; with ICU, its confusables as an oracle. */
#include <setjmp.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#ifdef HAVE_ICU
#include <unicode/uspoof.h>
#include <unicode/ustring.h>
#endif
#include <utf8proc.h>

#include "arena.h"
#include "spoof.h"

#define ZWSP "\xe2\x80\x8b"
#define ZWNJ "\xe2\x80\x8c"
#define ZWJ "\xe2\x80\x8d"
#define RLO "\xe2\x80\xae"
#define TATWEEL "\xd9\x80"

static void
skeleton_is(const char *in, const char *want)
{
	struct arena *a = arena_new();

	assert_string_equal(spoof_skeleton(a, in), want);
	arena_free(a);
}

static void
skeletons_latin(void **state)
{
	(void)state;
	skeleton_is("Admin", "admln");
	skeleton_is("ADMIN", "admln");
	skeleton_is("\xd0\x90" "dmin", "admln");			/* Cyrillic А */
	skeleton_is("\xd0\x90" "dm\xd1\x96" "n", "admln");		/* … and і */
	skeleton_is("\xce\x91" "D\xce\x9c\xce\x99\xce\x9d", "admln");	/* Greek ΑΜΙΝ */
	skeleton_is("\xef\xbd\x81\xef\xbd\x84\xef\xbd\x8d\xef\xbd\x89\xef\xbd\x8e", "admln");	/* ａｄｍｉｎ */
	skeleton_is("\xf0\x9d\x90\x80\xf0\x9d\x90\x9d\xf0\x9d\x90\xa6\xf0\x9d\x90\xa2\xf0\x9d\x90\xa7",
	    "admln");							/* 𝐀𝐝𝐦𝐢𝐧 */
	skeleton_is("\xe1\xb4\x80\xe1\xb4\x85\xe1\xb4\x8d\xc9\xaa\xc9\xb4", "admln");	/* ᴀᴅᴍɪɴ */
	skeleton_is("Adm1n", "admln");
	skeleton_is("AdmIn", "admln");
	skeleton_is("Adm|n", "admln");
	skeleton_is("A\xcc\x81" "dm\xc3\xafn", "admln");		/* accents */
	skeleton_is("Ad" ZWSP "m" ZWJ "in" RLO, "admln");		/* invisibles */
	skeleton_is("rnahdi", "mahdl");
	skeleton_is("vvill", "wlll");
	skeleton_is("B0B", "bob");
	/* Punctuation and spaces: one space between words. */
	skeleton_is("  Maryam -- Ahmadi! ", "maryam ahmadl");
	skeleton_is("...", "");
	skeleton_is("", "");
}

static void
skeletons_persian(void **state)
{
	(void)state;
	skeleton_is("ادمین", "lدمین");
	skeleton_is("ادمين", "lدمین");			/* Arabic yeh */
	skeleton_is("ادمـیـن", "lدمین");			/* tatweel */
	skeleton_is("اد" ZWNJ "مین", "lدمین");		/* ZWNJ */
	skeleton_is("اد" ZWNJ TATWEEL "م" ZWJ "ین", "lدمین");
	skeleton_is("إدمین", "lدمین");			/* hamza below */
	skeleton_is("اَدمِین", "lدمین");			/* harakat */
	skeleton_is("۱دمین", "lدمین");			/* Persian one for alef */
	skeleton_is("ﺍﺩﻣﯿﻦ", "lدمین");			/* presentation forms */
	skeleton_is("كريم", "کریم");
	skeleton_is("ڪریم", "کریم");			/* swash kaf */
	skeleton_is("فاطمة", "فlطمo");
	skeleton_is("فاطمۀ", "فlطمo");
	skeleton_is("فاطمہ", "فlطمo");			/* heh goal */
	skeleton_is("ه۵٥5oO0", "ooooooo");
	skeleton_is("۷٧7V", "ww");			/* four v, read as two w */
}

static bool
imitates(const char *name, const char *const *protected_names, size_t n)
{
	return spoof_name_imitates(name, protected_names, n);
}

static const char *const mods[] = { "Admin", "مریم احمدی", "m.ahmadi", "Ali", "...", "" };
#define NMODS (sizeof(mods) / sizeof(mods[0]))

static void
imitations_refused(void **state)
{
	(void)state;
	const char *const names[] = {
		"Admin", "admin", "ADMIN", "Ad min", "A.d.m.i.n", "Admin.", "(Admin)",
		"\xd0\x90" "dmin",			/* Cyrillic А */
		"\xd0\x90" "dm\xd1\x96" "n",		/* Cyrillic а, і */
		"\xce\x91" "D\xce\x9c\xce\x99\xce\x9d",	/* Greek */
		"\xef\xbd\x81\xef\xbd\x84\xef\xbd\x8d\xef\xbd\x89\xef\xbd\x8e",
		"\xe1\xb4\x80\xe1\xb4\x85\xe1\xb4\x8d\xc9\xaa\xc9\xb4",
		"Admin" ZWSP, RLO "Admin", "Adm1n", "AdmIn",
		"M Ahmadi", "M. Ahmadi", "m_ahmadi",
		"مریم احمدی", "مريم احمدي", "مـریـم احـمـدی", "مریم" ZWNJ "احمدی",
		"مَریَم اَحمَدی", "مریم  احمدی", "\xd9\x85\xd8\xb1\xdb\x8c\xd9\x85 \xd8\xa7\xd8\xad\xd9\x85\xd8\xaf\xdb\x8c",
		/* A two-word name inside a longer one. */
		"مریم احمدی (مدیر)", "خانم مریم احمدی", "Ali", "ALİ", "A l i", "\xd0\x90" "li",
	};

	for (size_t i = 0; i < sizeof(names) / sizeof(names[0]); i++)
		if (!imitates(names[i], mods, NMODS))
			fail_msg("\"%s\" should pass for a moderator", names[i]);
}

static void
unrelated_accepted(void **state)
{
	(void)state;
	const char *const names[] = {
		"Adrian", "Admiral", "Administrator", "Adminn", "Madmin", "Ali Karimi",
		"Alireza", "Alice", "Mahdi", "Maryam", "Ahmadi",
		"مریم", "احمدی", "مریم احمدیان", "مریم احمد", "علی", "علی کریمی", "کریم",
		"...", "", "\xf0\x9f\x98\x80",
	};

	for (size_t i = 0; i < sizeof(names) / sizeof(names[0]); i++)
		if (imitates(names[i], mods, NMODS))
			fail_msg("\"%s\" does not pass for any moderator", names[i]);
}

static void
edge_cases(void **state)
{
	(void)state;
	const char *const with_null[] = { NULL, "Admin" };
	const char *const persian[] = { "ادمین" };

	/* No list, an empty list, NULL entries, a NULL name. */
	assert_false(imitates("Admin", NULL, 0));
	assert_false(imitates("Admin", mods, 0));
	assert_true(imitates("Admin", with_null, 2));
	assert_false(imitates(NULL, mods, NMODS));
	/* "Ad" contains no whole word of any protected name. */
	assert_false(imitates("Ad", mods, NMODS));
	/* Persian one-word names. */
	assert_true(imitates("ادمين", persian, 1));
	assert_true(imitates("اد" ZWNJ "مـین", persian, 1));
	assert_true(imitates("ا" ZWNJ "د" TATWEEL ZWNJ "م" ZWJ "ی" TATWEEL "ن", persian, 1));
	assert_true(imitates("اِدمین", persian, 1));
	assert_false(imitates("ادمین سایت", persian, 1));	/* one word: not looked for inside */
	assert_false(imitates("امین", persian, 1));
	/* Invalid UTF-8 does not crash; a bad byte counts as U+FFFD, a
	 * symbol, which separates like punctuation ("Adm-in"). */
	assert_true(imitates("Adm\xff" "in", mods, NMODS));
	assert_false(imitates("Adm\xff", mods, NMODS));
	const char *const bad[] = { "\xc0\xaf\xff" };	/* U+FFFD only: no skeleton */
	assert_false(imitates("x", bad, 1));
	assert_false(imitates("\xef\xbf\xbd", bad, 1));
}

static void
hostile_sizes(void **state)
{
	(void)state;
	size_t n = 100000;
	char *big = malloc(2 * n + 1);
	const char *const two[] = { "a a a a b" };

	assert_non_null(big);
	/* "a a a … a": many partial matches of a two-word protected name. */
	for (size_t i = 0; i < n; i++)
		memcpy(big + 2 * i, "a ", 2);
	big[2 * n - 1] = '\0';
	assert_false(imitates(big, two, 1));
	big[2 * n - 2] = 'b';
	assert_true(imitates(big, two, 1));
	/* A long name of combining marks and invisibles. */
	for (size_t i = 0; i < n; i++)
		memcpy(big + 2 * i, "\xcc\x81", 2);
	big[2 * n] = '\0';
	assert_false(imitates(big, mods, NMODS));
	free(big);
}

#ifdef HAVE_ICU
/* ICU's skeleton of one UTF-8 string (up to a few code points). */
static void
icu_skeleton(const USpoofChecker *sc, const char *u8, char *out, size_t outlen)
{
	UErrorCode e = U_ZERO_ERROR;
	UChar s[16], k[64];
	int32_t sl, kl;

	u_strFromUTF8(s, 16, &sl, u8, -1, &e);
	kl = uspoof_getSkeleton(sc, 0, s, sl, k, 64, &e);
	u_strToUTF8(out, (int32_t)outlen, NULL, k, kl, &e);
	assert_true(U_SUCCESS(e));
}
#endif

/*
 * Every letter of the Latin, Greek, Cyrillic, Armenian, Cherokee and
 * Arabic blocks that ICU's confusables draw like an ASCII letter or digit,
 * or like a Persian letter, has nazar's skeleton of that letter too —
 * except the few left out on purpose (spoof.c says why).
 */
static void
icu_oracle(void **state)
{
	(void)state;
#ifdef HAVE_ICU
	static const uint32_t exempt[] = { 0x017f, 0x037a, 0x03f2, 0x03f9, 0x060f, 0x062b,
		0x063f, 0x067e, 0x06bd, 0x06d1, 0xfb56, 0xfb57, 0xfb58, 0xfb59, 0xfe99,
		0xfe9a, 0xfe9b, 0xfe9c };
	static const uint32_t ranges[][2] = {
		{ 0x0080, 0x02af }, { 0x0370, 0x03ff }, { 0x0400, 0x052f }, { 0x0530, 0x058f },
		{ 0x0600, 0x06ff }, { 0x08a0, 0x08ff }, { 0x13a0, 0x13ff }, { 0x1d00, 0x1dbf },
		{ 0x1e00, 0x1eff }, { 0xa640, 0xa69f }, { 0xa720, 0xa7ff }, { 0xfb50, 0xfdff },
		{ 0xfe70, 0xfeff }, { 0xff00, 0xffef },
	};
	const char *targets[26 * 2 + 10 + 32] = { 0 };
	char ascii[62][2];
	size_t nt = 0, checked = 0, wrong = 0;
	static const char *const persian[] = { "ا", "ب", "پ", "ت", "ج", "چ", "ح", "خ", "د",
		"ر", "ز", "ژ", "س", "ش", "ص", "ط", "ع", "غ", "ف", "ق", "ک", "گ", "ل", "م",
		"ن", "و", "ه", "ی" };
	UErrorCode e = U_ZERO_ERROR;
	USpoofChecker *sc = uspoof_open(&e);
	struct arena *a = arena_new();
	char (*tsk)[128];

	assert_true(U_SUCCESS(e));
	for (int c = 0; c < 62; c++) {
		ascii[c][0] = (char)(c < 26 ? 'a' + c : c < 52 ? 'A' + c - 26 : '0' + c - 52);
		ascii[c][1] = '\0';
		targets[nt++] = ascii[c];
	}
	for (size_t i = 0; i < sizeof(persian) / sizeof(persian[0]); i++)
		targets[nt++] = persian[i];
	tsk = calloc(nt, sizeof(*tsk));
	assert_non_null(tsk);
	for (size_t t = 0; t < nt; t++)
		icu_skeleton(sc, targets[t], tsk[t], sizeof(tsk[t]));
	for (size_t r = 0; r < sizeof(ranges) / sizeof(ranges[0]); r++) {
		for (uint32_t c = ranges[r][0]; c <= ranges[r][1]; c++) {
			char u8[8] = { 0 }, sk[128];
			bool skip = false;

			if (utf8proc_category((utf8proc_int32_t)c) == UTF8PROC_CATEGORY_CN)
				continue;
			for (size_t x = 0; x < sizeof(exempt) / sizeof(exempt[0]); x++)
				skip = skip || exempt[x] == c;
			if (skip)
				continue;
			utf8proc_encode_char((utf8proc_int32_t)c, (utf8proc_uint8_t *)u8);
			icu_skeleton(sc, u8, sk, sizeof(sk));
			for (size_t t = 0; t < nt; t++) {
				if (strcmp(sk, tsk[t]) != 0)
					continue;
				checked++;
				const char *ours = spoof_skeleton(a, u8);
				const char *theirs = spoof_skeleton(a, targets[t]);
				if (strcmp(ours, theirs) != 0) {
					print_message("U+%04X %s looks like %s: skeletons %s and %s\n",
					    (unsigned)c, u8, targets[t], ours, theirs);
					wrong++;
				}
			}
		}
	}
	/* The oracle did find lookalikes to check (a few hundred). */
	assert_true(checked > 200);
	assert_int_equal(wrong, 0);
	free(tsk);
	arena_free(a);
	uspoof_close(sc);
#else
	skip();
#endif
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(skeletons_latin),
		cmocka_unit_test(skeletons_persian),
		cmocka_unit_test(imitations_refused),
		cmocka_unit_test(unrelated_accepted),
		cmocka_unit_test(edge_cases),
		cmocka_unit_test(hostile_sizes),
		cmocka_unit_test(icu_oracle),
	};
	return cmocka_run_group_tests_name("spoof", tests, NULL, NULL);
}
