/* fold.c — text folded for matching; see fold.h. */
#include <stdbool.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <utf8proc.h>

#include "arena.h"
#include "buf.h"
#include "fold.h"
#include "utf8.h"

/* Arabic-script letters that Persian and Arabic keyboards write
 * differently for the same letter, mapped to the Persian form. Applied after
 * decomposition has already taken hamza and madda off (أ → ا, ئ → ى, …). */
static utf8proc_int32_t
fold_letter(utf8proc_int32_t c)
{
	switch (c) {
	case 0x064A:	/* ARABIC LETTER YEH */
	case 0x0649:	/* ARABIC LETTER ALEF MAKSURA */
	case 0x06D2:	/* ARABIC LETTER YEH BARREE */
		return 0x06CC;	/* FARSI YEH */
	case 0x0643:	/* ARABIC LETTER KAF */
		return 0x06A9;	/* KEHEH */
	case 0x0629:	/* TEH MARBUTA */
		return 0x0647;	/* HEH */
	case 0x0671:	/* ALEF WASLA */
		return 0x0627;	/* ALEF */
	default:
		break;
	}
	if (c >= 0x06F0 && c <= 0x06F9)	/* EXTENDED ARABIC-INDIC (Persian) DIGITS */
		return '0' + (c - 0x06F0);
	if (c >= 0x0660 && c <= 0x0669)	/* ARABIC-INDIC DIGITS */
		return '0' + (c - 0x0660);
	return c;
}

/* Before decomposition: HEH WITH YEH ABOVE (ۀ, the Persian ezafe) would
 * decompose to AE and a hamza, so it is taken to HEH first — the same word
 * typed as ه with a hamza above then folds the same. */
static utf8proc_int32_t
fold_precompose(utf8proc_int32_t c, void *data)
{
	(void)data;
	return c == 0x06C0 ? 0x0647 : c;
}

/* Letters, digits and the marks that are part of a letter (spacing marks
 * survive STRIPMARK in some scripts) make words; all else separates them. */
static bool
is_word_char(utf8proc_int32_t c)
{
	switch (utf8proc_category(c)) {
	case UTF8PROC_CATEGORY_LU:
	case UTF8PROC_CATEGORY_LL:
	case UTF8PROC_CATEGORY_LT:
	case UTF8PROC_CATEGORY_LM:
	case UTF8PROC_CATEGORY_LO:
	case UTF8PROC_CATEGORY_MN:
	case UTF8PROC_CATEGORY_MC:
	case UTF8PROC_CATEGORY_ME:
	case UTF8PROC_CATEGORY_ND:
	case UTF8PROC_CATEGORY_NL:
	case UTF8PROC_CATEGORY_NO:
		return true;
	default:
		return false;
	}
}

/* Tatweel only stretches a word; it is dropped, not a separator. */
static bool
is_dropped(utf8proc_int32_t c)
{
	return c == 0x0640;
}

void
fold_append(struct buf *out, const char *s, size_t len)
{
	/* utf8proc needs valid UTF-8: bad sequences become U+FFFD first. */
	struct buf valid = { 0 };
	const unsigned char *p = (const unsigned char *)s;
	size_t left = len;
	while (left > 0) {
		uint32_t c;
		size_t n = utf8_decode(p, left, &c);
		if (n == 0 || c == 0) {
			buf_puts(&valid, n == 0 ? "\xef\xbf\xbd" : " ");
			n = 1;
		} else
			buf_append(&valid, p, n);
		p += n;
		left -= n;
	}
	utf8proc_uint8_t *mapped = NULL;
	utf8proc_ssize_t mlen = utf8proc_map_custom((const utf8proc_uint8_t *)buf_str(&valid),
	    (utf8proc_ssize_t)valid.len, &mapped,
	    UTF8PROC_STABLE | UTF8PROC_COMPAT | UTF8PROC_COMPOSE | UTF8PROC_CASEFOLD |
	    UTF8PROC_IGNORE | UTF8PROC_STRIPMARK, fold_precompose, NULL);
	buf_free(&valid);
	if (mlen < 0)	/* only out of memory once the input is valid */
		abort();
	bool pending_space = false, any = false;
	for (utf8proc_ssize_t i = 0; i < mlen;) {
		utf8proc_int32_t c;
		utf8proc_ssize_t n = utf8proc_iterate(mapped + i, mlen - i, &c);
		if (n <= 0)
			abort();	/* utf8proc's own output is valid */
		i += n;
		if (is_dropped(c))
			continue;
		c = fold_letter(c);
		if (!is_word_char(c)) {
			pending_space = any;
			continue;
		}
		if (pending_space)
			buf_putc(out, ' ');
		pending_space = false;
		any = true;
		utf8proc_uint8_t enc[4];
		utf8proc_ssize_t k = utf8proc_encode_char(c, enc);
		buf_append(out, enc, (size_t)k);
	}
	free(mapped);
}

char *
fold_text(struct arena *a, const char *s)
{
	struct buf b = { 0 };
	fold_append(&b, s, strlen(s));
	char *r = arena_strdup(a, buf_str(&b));
	buf_free(&b);
	return r;
}
