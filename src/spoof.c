/* spoof.c — skeletons of names and the check that a reader's name does not
 * pass for a moderator's; see spoof.h. */
#include <stdbool.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <utf8proc.h>

#include "arena.h"
#include "buf.h"
#include "fold.h"
#include "spoof.h"
#include "utf8.h"

/* A code point and what it is drawn like (UTF-8). */
struct lookalike {
	uint32_t from;
	const char *to;
};

/*
 * Step 2: applied after NFKD without marks, before case folding, so
 * accented and compatibility forms (Ё, ά, Ａ, 𝐀, ﻙ) arrive here bare.
 * Sorted by code point (bsearch). Only letters whose look, in the case
 * given, is that of the Latin letter: Greek Η is H but η is n-like, so
 * each case has its own row or none. Checked against ICU's confusables
 * (uspoof_getSkeleton, in test_spoof) for the Latin, Greek, Cyrillic,
 * Armenian, Cherokee and Arabic blocks; left out on purpose: ſ, ϲ and Ϲ
 * (NFKD has already made them s and σ) and پ against ث (three dots below
 * or above read as different letters).
 */
static const struct lookalike lookalikes[] = {
	{ 0x007c, "l" },	/* | VERTICAL LINE: would fold to a space */
	{ 0x00d7, "x" },	/* × MULTIPLICATION SIGN: would fold to a space */
	{ 0x0131, "i" },	/* ı dotless i */
	{ 0x0138, "k" },	/* ĸ kra */
	{ 0x0184, "b" },	/* Ƅ */
	{ 0x018d, "g" },	/* ƍ */
	{ 0x0196, "l" },	/* Ɩ */
	{ 0x01a6, "R" },	/* Ʀ */
	{ 0x01a7, "2" },	/* Ƨ */
	{ 0x01b7, "3" },	/* Ʒ ezh */
	{ 0x01bc, "5" },	/* Ƽ */
	{ 0x01bd, "s" },	/* ƽ */
	{ 0x01c0, "l" },	/* ǀ dental click */
	{ 0x021c, "3" },	/* Ȝ yogh */
	{ 0x0222, "8" },	/* Ȣ ou */
	{ 0x0223, "8" },
	{ 0x0251, "a" },	/* ɑ alpha */
	{ 0x0261, "g" },	/* ɡ script g */
	{ 0x0262, "g" },	/* ɢ small capital G */
	{ 0x0263, "y" },	/* ɣ gamma */
	{ 0x0269, "i" },	/* ɩ iota */
	{ 0x026a, "i" },	/* ɪ small capital I */
	{ 0x026f, "w" },	/* ɯ turned m */
	{ 0x0274, "n" },	/* ɴ small capital N */
	{ 0x0280, "r" },	/* ʀ small capital R */
	{ 0x028b, "u" },	/* ʋ */
	{ 0x028f, "y" },	/* ʏ small capital Y */
	{ 0x0299, "b" },	/* ʙ small capital B */
	{ 0x029c, "h" },	/* ʜ small capital H */
	{ 0x029f, "l" },	/* ʟ small capital L */
	{ 0x037f, "J" },	/* Greek Ϳ */
	{ 0x0391, "A" },	/* Greek capitals */
	{ 0x0392, "B" },
	{ 0x0395, "E" },
	{ 0x0396, "Z" },
	{ 0x0397, "H" },
	{ 0x0399, "l" },
	{ 0x039a, "K" },
	{ 0x039c, "M" },
	{ 0x039d, "N" },
	{ 0x039f, "O" },
	{ 0x03a1, "P" },
	{ 0x03a4, "T" },
	{ 0x03a5, "Y" },
	{ 0x03a7, "X" },
	{ 0x03b1, "a" },	/* Greek small letters */
	{ 0x03b3, "y" },
	{ 0x03b9, "i" },
	{ 0x03ba, "k" },
	{ 0x03bd, "v" },
	{ 0x03bf, "o" },
	{ 0x03c1, "p" },
	{ 0x03c3, "o" },	/* σ */
	{ 0x03c5, "u" },
	{ 0x03c7, "x" },
	{ 0x03dc, "F" },	/* Ϝ digamma */
	{ 0x03e8, "2" },	/* Ϩ */
	{ 0x03f3, "j" },	/* ϳ yot */
	{ 0x03fa, "M" },	/* Ϻ san */
	{ 0x0405, "S" },	/* Cyrillic capitals */
	{ 0x0406, "l" },
	{ 0x0408, "J" },
	{ 0x0410, "A" },
	{ 0x0412, "B" },
	{ 0x0415, "E" },
	{ 0x0417, "3" },
	{ 0x041a, "K" },
	{ 0x041c, "M" },
	{ 0x041d, "H" },
	{ 0x041e, "O" },
	{ 0x0420, "P" },
	{ 0x0421, "C" },
	{ 0x0422, "T" },
	{ 0x0423, "Y" },
	{ 0x0425, "X" },
	{ 0x042c, "b" },	/* Ь soft sign */
	{ 0x0430, "a" },	/* Cyrillic small letters */
	{ 0x0431, "6" },	/* б */
	{ 0x0433, "r" },
	{ 0x0435, "e" },
	{ 0x043a, "k" },
	{ 0x043e, "o" },
	{ 0x043f, "n" },
	{ 0x0440, "p" },
	{ 0x0441, "c" },
	{ 0x0443, "y" },
	{ 0x0445, "x" },
	{ 0x044c, "b" },
	{ 0x0455, "s" },
	{ 0x0456, "i" },
	{ 0x0458, "j" },
	{ 0x0461, "w" },	/* ѡ omega */
	{ 0x0474, "V" },	/* Ѵ izhitsa */
	{ 0x0475, "v" },
	{ 0x04ae, "Y" },	/* Ү straight u */
	{ 0x04af, "y" },
	{ 0x04ba, "H" },	/* Һ shha */
	{ 0x04bb, "h" },
	{ 0x04bd, "e" },	/* ҽ */
	{ 0x04c0, "l" },	/* Ӏ palochka */
	{ 0x04cf, "l" },
	{ 0x04e0, "3" },	/* Ӡ */
	{ 0x0501, "d" },	/* ԁ komi de */
	{ 0x050c, "G" },	/* Ԍ */
	{ 0x051a, "Q" },	/* Ԛ qa */
	{ 0x051b, "q" },
	{ 0x051c, "W" },	/* Ԝ we */
	{ 0x051d, "w" },
	{ 0x054d, "U" },	/* Armenian Ս Տ */
	{ 0x054f, "S" },
	{ 0x0555, "O" },	/* Armenian Օ */
	{ 0x0561, "w" },	/* Armenian small letters */
	{ 0x0563, "q" },
	{ 0x0566, "q" },
	{ 0x0570, "h" },	/* Armenian հ ո ս օ */
	{ 0x0578, "n" },
	{ 0x057c, "n" },
	{ 0x057d, "u" },
	{ 0x0581, "g" },
	{ 0x0584, "f" },
	{ 0x0585, "o" },
	{ 0x066e, "\xdb\x8c" },	/* dotless beh → ی */
	{ 0x0672, "\xd8\xa7" },	/* alef with wavy hamza → ا */
	{ 0x0673, "\xd8\xa7" },	/* alef with wavy hamza below → ا */
	{ 0x06a7, "\xd9\x81" },	/* feh with dot above (Maghrib) → ف */
	{ 0x06aa, "\xda\xa9" },	/* swash kaf → ک */
	{ 0x06ba, "\xdb\x8c" },	/* noon ghunna → ی */
	{ 0x06be, "\xd9\x87" },	/* heh doachashmee → ه */
	{ 0x06c1, "\xd9\x87" },	/* heh goal → ه */
	{ 0x06cd, "\xdb\x8c" },	/* yeh with tail → ی */
	{ 0x06ce, "\xdb\x8c" },	/* yeh with small v → ی */
	{ 0x06d0, "\xdb\x8c" },	/* e (yeh with two dots below) → ی */
	{ 0x06d5, "\xd9\x87" },	/* ae (ۀ without its hamza) → ه */
	{ 0x08b0, "\xda\xaf" },	/* gaf with inverted stroke → گ */
	{ 0x08b1, "\xd9\x88" },	/* straight waw → و */
	{ 0x08bd, "\xdb\x8c" },	/* African noon → ی */
	{ 0x13a0, "D" },	/* Cherokee capitals */
	{ 0x13a1, "R" },
	{ 0x13a2, "T" },
	{ 0x13a5, "i" },
	{ 0x13a9, "Y" },
	{ 0x13aa, "A" },
	{ 0x13ab, "J" },
	{ 0x13ac, "E" },
	{ 0x13b3, "W" },
	{ 0x13b7, "M" },
	{ 0x13bb, "H" },
	{ 0x13bd, "Y" },
	{ 0x13c0, "G" },
	{ 0x13c2, "h" },
	{ 0x13c3, "Z" },
	{ 0x13ce, "4" },
	{ 0x13cf, "b" },
	{ 0x13d2, "R" },
	{ 0x13d4, "W" },
	{ 0x13d5, "S" },
	{ 0x13d9, "V" },
	{ 0x13da, "S" },
	{ 0x13de, "L" },
	{ 0x13df, "C" },
	{ 0x13e2, "P" },
	{ 0x13e6, "K" },
	{ 0x13e7, "d" },
	{ 0x13ee, "6" },
	{ 0x13f3, "G" },
	{ 0x13f4, "B" },
	{ 0x1d00, "a" },	/* small capitals */
	{ 0x1d04, "c" },
	{ 0x1d05, "d" },
	{ 0x1d07, "e" },
	{ 0x1d0a, "j" },
	{ 0x1d0b, "k" },
	{ 0x1d0d, "m" },
	{ 0x1d0f, "o" },
	{ 0x1d11, "o" },	/* ᴑ */
	{ 0x1d18, "p" },
	{ 0x1d1b, "t" },
	{ 0x1d1c, "u" },
	{ 0x1d20, "v" },
	{ 0x1d21, "w" },
	{ 0x1d22, "z" },
	{ 0x1d26, "r" },	/* ᴦ */
	{ 0x1d83, "g" },	/* ᶃ */
	{ 0x1d8c, "y" },	/* ᶌ */
	{ 0x1e9d, "f" },	/* ẝ */
	{ 0x1eff, "y" },	/* ỿ */
	{ 0x2502, "l" },	/* │ box drawing (NFKD of ￨): would fold to a space */
	{ 0xa644, "2" },	/* Ꙅ */
	{ 0xa647, "i" },	/* ꙇ */
	{ 0xa731, "s" },	/* ꜱ small capital S */
	{ 0xa75a, "2" },	/* Ꝛ */
	{ 0xa76a, "3" },	/* Ꝫ */
	{ 0xa76e, "9" },	/* Ꝯ */
	{ 0xa798, "F" },	/* Ꞙ */
	{ 0xa799, "f" },
	{ 0xa79f, "u" },	/* ꞟ */
	{ 0xa7ab, "3" },	/* Ɜ */
	{ 0xa7b2, "J" },	/* Ʝ */
	{ 0xa7b3, "X" },	/* Ꭓ */
	{ 0xa7b4, "B" },	/* Ꞵ */
};

static int
lookalike_cmp(const void *key, const void *elem)
{
	uint32_t k = *(const uint32_t *)key, f = ((const struct lookalike *)elem)->from;

	return k < f ? -1 : k > f;
}

static const char *
lookalike(uint32_t c)
{
	const struct lookalike *l = bsearch(&c, lookalikes,
	    sizeof(lookalikes) / sizeof(lookalikes[0]), sizeof(lookalikes[0]), lookalike_cmp);

	return l ? l->to : NULL;
}

/* Step 4: after folding, lower case and ASCII digits only. */
static uint32_t
after_fold(uint32_t c)
{
	switch (c) {
	case 'i':
	case '1':
	case 0x0627:	/* ALEF: a vertical stroke, like l, 1 and the Persian ۱ */
		return 'l';
	case '0':
	case '5':	/* the Persian ۵ and Arabic ٥ */
	case 0x0647:	/* HEH (and ة ۀ ە ہ ھ, folded to it): a small loop */
		return 'o';
	case '7':	/* the Persian ۷ and Arabic ٧: a V */
		return 'v';
	default:
		return c;
	}
}

static void
put_cp(struct buf *b, uint32_t c)
{
	utf8proc_uint8_t enc[4];
	utf8proc_ssize_t k = utf8proc_encode_char((utf8proc_int32_t)c, enc);

	buf_append(b, enc, (size_t)k);
}

/* The skeleton of s; with compact set, without its spaces. */
static void
skeleton_append(struct buf *out, const char *s, bool compact)
{
	struct buf valid = { 0 }, mapped = { 0 }, folded = { 0 };
	utf8proc_uint8_t *bare = NULL;

	/* 1. NFKD without marks and default-ignorable code points (utf8proc
	 * needs valid UTF-8: bad bytes become U+FFFD first). */
	utf8_append_valid(&valid, s, strlen(s));
	utf8proc_ssize_t n = utf8proc_map((const utf8proc_uint8_t *)buf_str(&valid),
	    (utf8proc_ssize_t)valid.len, &bare,
	    UTF8PROC_STABLE | UTF8PROC_COMPAT | UTF8PROC_DECOMPOSE | UTF8PROC_STRIPMARK |
	    UTF8PROC_IGNORE);
	if (n < 0)	/* only out of memory once the input is valid */
		abort();
	/* 2. Lookalikes, case by case. */
	for (utf8proc_ssize_t i = 0; i < n;) {
		utf8proc_int32_t c;
		utf8proc_ssize_t k = utf8proc_iterate(bare + i, n - i, &c);
		if (k <= 0)
			abort();	/* utf8proc's own output is valid */
		const char *to = lookalike((uint32_t)c);
		if (to != NULL)
			buf_puts(&mapped, to);
		else
			buf_append(&mapped, bare + i, (size_t)k);
		i += k;
	}
	/* 3. Folding. */
	fold_append(&folded, buf_str(&mapped), mapped.len);
	/* 4. What still looks alike, with "rn" and "vv" read as m and w. */
	const utf8proc_uint8_t *f = (const utf8proc_uint8_t *)buf_str(&folded);
	uint32_t held = 0;	/* an r or v waiting for its n or v */
	for (size_t i = 0; i < folded.len;) {
		utf8proc_int32_t c;
		utf8proc_ssize_t k = utf8proc_iterate(f + i, (utf8proc_ssize_t)(folded.len - i),
		    &c);
		if (k <= 0)
			abort();	/* fold_append's output is valid */
		i += (size_t)k;
		uint32_t d = after_fold((uint32_t)c);
		if (d == ' ' && compact)
			continue;
		if (held == 'r' && d == 'n') {
			put_cp(out, 'm');
			held = 0;
			continue;
		}
		if (held == 'v' && d == 'v') {
			put_cp(out, 'w');
			held = 0;
			continue;
		}
		if (held != 0)
			put_cp(out, held);
		held = 0;
		if (d == 'r' || d == 'v')
			held = d;
		else
			put_cp(out, d);
	}
	if (held != 0)
		put_cp(out, held);
	free(bare);
	buf_free(&valid);
	buf_free(&mapped);
	buf_free(&folded);
}

char *
spoof_skeleton(struct arena *a, const char *s)
{
	struct buf b = { 0 };

	skeleton_append(&b, s, false);
	char *r = arena_strdup(a, buf_str(&b));
	buf_free(&b);
	return r;
}

/* Whether the words of needle appear, whole and in order, in hay (both
 * skeletons: words separated by exactly one space, none at the ends). */
static bool
contains_words(const char *hay, const char *needle)
{
	size_t nl = strlen(needle);

	for (const char *p = hay; (p = strstr(p, needle)) != NULL; p++)
		if ((p == hay || p[-1] == ' ') && (p[nl] == '\0' || p[nl] == ' '))
			return true;
	return false;
}

bool
spoof_name_imitates(const char *name, const char *const *protected_names, size_t n)
{
	struct buf spaced = { 0 }, compact = { 0 }, ps = { 0 }, pc = { 0 };
	bool found = false;

	if (name == NULL)
		return false;
	skeleton_append(&spaced, name, false);
	skeleton_append(&compact, name, true);
	for (size_t i = 0; i < n && !found; i++) {
		if (protected_names[i] == NULL)
			continue;
		buf_reset(&ps);
		buf_reset(&pc);
		skeleton_append(&ps, protected_names[i], false);
		skeleton_append(&pc, protected_names[i], true);
		if (pc.len == 0)
			continue;
		found = strcmp(buf_str(&compact), buf_str(&pc)) == 0 ||
		    (strchr(buf_str(&ps), ' ') != NULL && contains_words(buf_str(&spaced),
		    buf_str(&ps)));
	}
	buf_free(&spaced);
	buf_free(&compact);
	buf_free(&ps);
	buf_free(&pc);
	return found;
}
