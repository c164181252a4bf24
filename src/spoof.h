/* spoof.h — names that pass for other names.
 *
 * A reader must not post under a moderator's name, nor under one that no
 * reader can tell from it: Cyrillic "Аdmin" for "Admin", Arabic "ادمين"
 * for Persian "ادمین", "ادمـ‌ین" with a tatweel and a ZWNJ in it.
 *
 * Names are compared by their skeletons, in the spirit of Unicode TR39
 * (without ICU): what is left of a name once everything a reader cannot
 * see, or cannot tell apart, is taken away. In order:
 * 1. NFKD, then default-ignorable code points (ZWNJ, ZWJ, bidi controls,
 *    …) and combining marks (accents, harakat) removed (utf8proc);
 * 2. letters drawn like Latin ones mapped to them, before case folding
 *    since the look depends on the case (Cyrillic А а е о р с і ѕ, Greek
 *    Α Β Η ο ρ ν, small capitals ᴀ ᴅ ᴍ, "|" → l), and Persian/Arabic
 *    letter variants that fold.h leaves (ە ہ ھ → ه, ې ۍ ێ → ی, ڪ → ک);
 * 3. fold_append (fold.h): NFKC, case folding, Arabic letter variants,
 *    tatweel, Persian and Arabic digits to ASCII, every run of punctuation
 *    or space to one space;
 * 4. what still looks alike after folding: i, 1 and alef (ا) → l; 0, 5
 *    and heh (ه, ۵, ٥ are all a small loop) → o; 7 (۷) → v; "rn" → m,
 *    "vv" → w.
 * Skeletons are for comparison only; they are never shown. */
#ifndef NAZAR_SPOOF_H
#define NAZAR_SPOOF_H

#include <stdbool.h>
#include <stddef.h>

struct arena;

/* The skeleton of a NUL-terminated string, words separated by one space.
 * Invalid UTF-8 is tolerated (each bad byte counts as U+FFFD). */
char *spoof_skeleton(struct arena *a, const char *s);

/*
 * Whether name passes for one of the n protected names (moderators'
 * display names and sign-in names): true when
 * - both skeletons are the same once spaces are left out ("Ad min",
 *   "A.d.m.i.n", "ΑDΜΙΝ" all pass for "Admin"), or
 * - the protected skeleton has two words or more and they appear, as whole
 *   words and in order, in the name's ("Maryam Ahmadi (moderator)").
 * A one-word protected name is not looked for inside longer names: a
 * moderator called "Ali" must not refuse every reader called "Ali Karimi".
 * Protected names with an empty skeleton (only punctuation) are ignored.
 */
bool spoof_name_imitates(const char *name, const char *const *protected_names, size_t n);

#endif
