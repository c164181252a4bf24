/* fold.h — text folded for matching: search and blocklists.
 *
 * Two strings that a Persian or English reader would call "the same word"
 * fold to the same bytes. Folding is for comparison only; what readers see
 * is never folded.
 *
 * fold_text applies, in order: NFKC with case folding (utf8proc), removal
 * of every combining mark (the Arabic harakat U+064B–U+065F and U+0670,
 * and Latin accents too: é folds to e), of tatweel U+0640, of the
 * zero-width non-joiner and joiner, other invisible format characters
 * (bidi controls, U+200B, U+2060, U+FEFF, soft hyphen); Arabic letter
 * variants to the Persian ones (ي ى ئ → ی, ك → ک, ة ۀ → ه, أ إ آ ٱ → ا,
 * ؤ → و); Persian and Arabic-Indic digits to ASCII; and every run of white
 * space or punctuation to one ASCII space, without leading or trailing
 * space. Words are therefore exactly the space-separated parts of the
 * result. Invalid UTF-8 and NUL bytes separate words; nothing is refused:
 * folding never fails. */
#ifndef NAZAR_FOLD_H
#define NAZAR_FOLD_H

#include <stddef.h>

struct arena;
struct buf;

/* Appends the folding of s[0..len) to out. */
void fold_append(struct buf *out, const char *s, size_t len);
/* The folding of a NUL-terminated string, in the arena. */
char *fold_text(struct arena *a, const char *s);

#endif
